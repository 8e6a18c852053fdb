/*
 * test_erase.c - crypto-shredding a person and the retention purge
 * (core/keyops.c): who may, what is destroyed (the record key and every
 * ciphertext under it, blind indexes), what stays (coded rows for statistics),
 * that nothing finds or opens the person afterwards, and which people the
 * purge finds due.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "keyops.h"
#include "referral_fixtures.h"
#include "referral_int.h"

static struct th t;
static int64_t helpline;

static void
setup(void)
{
	fx_today(FX_TODAY);
	th_setup(&t);
	helpline = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 500, 2, 1);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(erase, .init = setup, .fini = teardown);
TestSuite(purge, .init = setup, .fini = teardown);

/* ---- fixtures ------------------------------------------------------------- */

static unsigned char *
blob_of(const char *sql, int64_t id, size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = fx_sql_prepare(&db, t.path, sql, id);
	unsigned char *v = NULL;

	*len = 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		v = malloc(*len);
		cr_assert_not_null(v);
		memcpy(v, sqlite3_column_blob(st, 0), *len);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int
db_holds(const unsigned char *bytes, size_t n)
{
	char wal[160];
	const char *files[] = { t.path, wal };
	int found = 0;

	snprintf(wal, sizeof(wal), "%s-wal", t.path);
	for (size_t f = 0; f < 2 && !found; f++) {
		FILE *fp = fopen(files[f], "rb");
		unsigned char *buf;
		long len;

		if (!fp)
			continue;
		fseek(fp, 0, SEEK_END);
		len = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		buf = malloc((size_t)len + 1);
		cr_assert_not_null(buf);
		cr_assert_eq(fread(buf, 1, (size_t)len, fp), (size_t)len);
		fclose(fp);
		found = len > 0 && memmem(buf, (size_t)len, bytes, n) != NULL;
		free(buf);
	}
	return found;
}

static size_t
search(const char *kind, const char *a, const char *b)
{
	struct dasv_row rows[8];
	size_t n = 0;

	cr_assert_eq(dasv_search(t.d, kind, a, b, rows, 8, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	dasv_rows_wipe(rows, n);
	return n;
}

/*
 * A referral of (last, dob, phone) with a marker in every sealed place:
 * notes, a case note, a professional-judgement reason, an override reason.
 */
static int64_t
marked(const char *last, const char *dob, const char *phone, const char *perp, int i)
{
	struct dasv_referral r;
	struct dasv_dash_input in;
	struct dasv_marac_result mr;
	char text[64];
	int64_t id;
	int waiting = -1;

	fx_referral(&r, "Alex", last, dob, phone);
	snprintf(text, sizeof(text), "notes-marker-%d", i);
	fx_set(&r.notes, text);
	if (perp) {
		fx_set(&r.perpetrator_name, perp);
		/* a perpetrator links across victims by name and date of birth */
		fx_set(&r.perpetrator_dob, "1975-01-01");
	}
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	snprintf(text, sizeof(text), "case-note-marker-%d", i);
	cr_assert_eq(dasv_note_add(t.d, id, text), DASV_OK, "%s", dasv_errmsg(t.d));
	fx_dash_input(&in, 4, 0, "");
	in.pj_level = DASV_LEVEL_HIGH;
	snprintf(text, sizeof(text), "pj-marker-%d", i);
	in.pj_reason = text;
	cr_assert_eq(dasv_dash_record(t.d, id, &in, &mr), DASV_OK, "%s", dasv_errmsg(t.d));
	snprintf(text, sizeof(text), "override-marker-%d", i);
	cr_assert_eq(dasv_allocate(t.d, id, helpline, 0, text, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	return id;
}

/* ---- refusals ------------------------------------------------------------- */

Test(erase, refused_for_other_roles_without_a_reason_and_twice)
{
	static const char *const who[] = { "carol", "sam", "audrey" };
	const enum dasv_role roles[] = { DASV_ROLE_CASEWORKER, DASV_ROLE_SUPERVISOR,
					 DASV_ROLE_AUDITOR };
	struct dasv_purge_item *items = NULL;
	size_t n = 0;
	int64_t id, pid;

	id = fx_quick(t.d, "Refusal", "1970-01-01", "2026-06-01", NULL);
	pid = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", id);
	for (size_t i = 0; i < 3; i++)
		th_add_user(&t, who[i], roles[i]);
	for (size_t i = 0; i < 3; i++) {
		th_as(&t, who[i]);
		cr_expect_eq(dasv_person_erase(t.d, pid, "asked to", NULL), DASV_DENIED, "%s",
			     who[i]);
		cr_expect_eq(dasv_purge(t.d, 1, &items, &n), DASV_DENIED);
	}
	th_as(&t, "admin");
	cr_expect_eq(dasv_person_erase(t.d, pid, NULL, NULL), DASV_INVALID);
	cr_expect_eq(dasv_person_erase(t.d, pid, "   ", NULL), DASV_INVALID);
	cr_expect_eq(dasv_person_erase(t.d, 9999, "asked to", NULL), DASV_NOTFOUND);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL",
				0),
		     0);
	cr_assert_eq(dasv_person_erase(t.d, pid, "asked to", NULL), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(dasv_person_erase(t.d, pid, "asked to", NULL), DASV_INVALID);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "already erased"), "%s", dasv_errmsg(t.d));
	dasv_lock(t.d);
	cr_expect_eq(dasv_person_erase(t.d, pid, "asked to", NULL), DASV_LOCKED);
}

/* ---- erasure ------------------------------------------------------------- */

Test(erase, the_person_is_unrecoverable_and_the_coded_rows_remain)
{
	static const char *const sealed[] = {
		"SELECT record_key FROM people WHERE id = ?",
		"SELECT last_name FROM people WHERE id = ?",
		"SELECT safe_contact FROM people WHERE id = ?",
		"SELECT notes FROM referrals WHERE person_id = ? ORDER BY id",
		"SELECT e.body FROM case_events e JOIN referrals r ON r.id = e.referral_id "
		"WHERE r.person_id = ? AND e.kind = 'note'",
		"SELECT a.pj_reason FROM assessments a JOIN referrals r ON r.id = a.referral_id "
		"WHERE r.person_id = ?",
		"SELECT l.override_reason FROM allocations l JOIN referrals r ON "
		"r.id = l.referral_id WHERE r.person_id = ?",
	};
	enum { NS = sizeof(sealed) / sizeof(sealed[0]) };
	unsigned char *before[NS], field[DASV_KEY_BYTES];
	size_t blen[NS];
	struct dasv_erase_result res;
	struct dasv_referral g;
	struct dasv_intake_result ir;
	int64_t a1, a2, b, pid, audit;
	char text[200];

	a1 = marked("Erasable", "1981-01-01", "07700 900111", NULL, 1);
	a2 = marked("Erasable", "1981-01-01", NULL, NULL, 2); /* linked by name and birth date */
	b = marked("Keeper", "1982-02-02", "07700 900222", NULL, 3);
	pid = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", a1);
	cr_assert_eq(fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", a2), pid);
	for (int i = 0; i < NS; i++) {
		before[i] = blob_of(sealed[i], pid, &blen[i]);
		cr_assert_not_null(before[i], "fixture: %s", sealed[i]);
	}
	/* the data key, as someone who copied it from memory would hold it */
	memcpy(field, t.d->keys->field, DASV_KEY_BYTES);
	audit = fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0);
	cr_assert_eq(dasv_person_erase(t.d, pid, "Erasure request from Ms Erasable, by letter", &res),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(res.person_id, pid);
	cr_expect_eq(res.referrals, 2);
	cr_expect_eq(res.checkpointed, 1);

	/* the record key is gone, and every value that was sealed under it */
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM people WHERE id = ? AND record_key IS NULL AND "
				"first_name IS NULL AND last_name IS NULL AND date_of_birth IS NULL "
				"AND address IS NULL AND postcode IS NULL AND phone IS NULL AND "
				"email IS NULL AND safe_contact IS NULL AND bi_name_dob IS NULL AND "
				"bi_phone IS NULL AND bi_postcode IS NULL AND erased_at IS NOT NULL",
				pid),
		     1);
	for (int i = 0; i < NS; i++) {
		size_t len;
		unsigned char *now = blob_of(sealed[i], pid, &len);

		cr_expect_null(now, "still stored: %s", sealed[i]);
		free(now);
		/* not in the file, not in the WAL: nothing for the data key to open */
		cr_expect(!db_holds(before[i], blen[i]), "ciphertext left on disk: %s", sealed[i]);
		free(before[i]);
	}
	cr_expect(!fx_db_contains(&t, "Erasable"));
	cr_expect(!fx_db_contains(&t, "Ms Erasable"), "the reason must be sealed");
	(void)field;

	/* the coded rows stay, for statistics */
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM referrals WHERE person_id = ? AND strand = 1 "
				"AND district = 'cambridge' AND level = 2 AND received_on = "
				"'2026-06-01' AND notes IS NULL",
				pid),
		     2);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM assessments a JOIN referrals r ON "
				"r.id = a.referral_id WHERE r.person_id = ? AND a.score = 4 AND "
				"a.answers IS NULL AND a.pj_reason IS NULL",
				pid),
		     2);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM allocations l JOIN referrals r ON "
				"r.id = l.referral_id WHERE r.person_id = ? AND l.overridden = 1",
				pid),
		     2);
	cr_expect_geq(fx_sql_int(t.path,
				 "SELECT count(*) FROM case_events e JOIN referrals r ON "
				 "r.id = e.referral_id WHERE r.person_id = ? AND e.kind = 'note'",
				 pid),
		      2);

	/* no search finds them; opening says they were erased */
	cr_expect_eq(search("name_dob", "Erasable", "1981-01-01"), 0);
	cr_expect_eq(search("phone", "07700 900111", NULL), 0);
	cr_expect_eq(search("postcode", "CB1 2AB", NULL), 1, "only the other person");
	memset(&g, 0, sizeof(g));
	cr_expect_eq(dasv_referral_get(t.d, a1, NULL, &g), DASV_NOTFOUND);
	snprintf(text, sizeof(text), "%s", dasv_errmsg(t.d));
	cr_expect_not_null(strstr(text, "erased"), "%s", text);
	/* someone else is untouched */
	fx_get(t.d, b, &g);
	cr_expect_str_eq(g.person.last_name, "Keeper");
	cr_expect_str_eq(g.notes, "notes-marker-3");
	dasv_referral_clear(&g);
	/* and a new referral of the same name starts afresh, linked to nothing */
	fx_quick(t.d, "Erasable", "1981-01-01", "2026-06-10", &ir);
	cr_expect_eq(ir.earlier_referrals, 0);
	cr_expect_neq(ir.person_id, pid);

	/* audited, with counts only; the reason kept sealed in erasures */
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM audit_log WHERE action = 'erase' AND "
				"entity = 'person' AND entity_id = ?",
				pid),
		     1);
	cr_expect_gt(fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0), audit);
	cr_expect(!fx_audit_mentions(&t, "Erasable"));
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM erasures WHERE person_id = ? AND referrals = 2 "
				"AND purge = 0 AND reason IS NOT NULL",
				pid),
		     1);
	{
		size_t len;
		int64_t eid = fx_sql_int(t.path, "SELECT id FROM erasures WHERE person_id = ?", pid);
		unsigned char *blob = blob_of("SELECT reason FROM erasures WHERE id = ?", eid, &len);
		char *pt = NULL;

		cr_assert_eq(dasv_crypto_open(t.d->keys->bg, "erasures", "reason", eid, blob, len,
					      &pt, NULL),
			     DASV_OK);
		cr_expect_str_eq(pt, "Erasure request from Ms Erasable, by letter");
		dasv_str_free(&pt);
		free(blob);
	}
	struct dasv_audit_result ar;
	cr_expect_eq(dasv_audit_verify(t.d, &ar), DASV_OK, "%s", dasv_errmsg(t.d));
}

Test(erase, a_perpetrator_goes_only_when_linked_to_no_one_else)
{
	struct dasv_erase_result res;
	struct dasv_referral g;
	int64_t a, b, c, pa, pc, shared, lone;

	a = marked("Victimone", "1983-03-03", NULL, "Shared Perp", 1);
	b = marked("Victimtwo", "1984-04-04", NULL, "Shared Perp", 2);
	c = marked("Victimthree", "1985-05-05", NULL, "Lone Perp", 3);
	pa = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", a);
	pc = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", c);
	shared = fx_sql_int(t.path, "SELECT perpetrator_id FROM referrals WHERE id = ?", a);
	lone = fx_sql_int(t.path, "SELECT perpetrator_id FROM referrals WHERE id = ?", c);
	cr_assert_eq(fx_sql_int(t.path, "SELECT perpetrator_id FROM referrals WHERE id = ?", b),
		     shared);
	cr_assert_eq(dasv_person_erase(t.d, pa, "retention", &res), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(res.perpetrators, 0, "still linked to the second victim");
	fx_get(t.d, b, &g);
	cr_expect_str_eq(g.perpetrator_name, "Shared Perp");
	dasv_referral_clear(&g);
	cr_assert_eq(dasv_person_erase(t.d, pc, "retention", &res), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(res.perpetrators, 1);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM perpetrators WHERE id = ? AND record_key IS "
				"NULL AND name IS NULL AND bi_name IS NULL AND erased_at IS NOT NULL",
				lone),
		     1);
	cr_expect(!fx_db_contains(&t, "Lone Perp"));
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM perpetrators WHERE id = ? AND "
					"record_key IS NOT NULL",
				shared),
		     1);
}

Test(erase, by_referral_id_and_a_rekey_afterwards)
{
	struct dasv_rekey_result rr;
	int64_t a, b, pid = 0;

	a = marked("Byreferral", "1986-06-06", NULL, NULL, 1);
	b = marked("Stays", "1987-07-07", NULL, NULL, 2);
	cr_assert_eq(dasv_referral_person(t.d, a, &pid), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(pid, fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", a));
	cr_expect_eq(dasv_referral_person(t.d, 9999, &pid), DASV_NOTFOUND);
	cr_assert_eq(dasv_referral_person(t.d, a, &pid), DASV_OK);
	cr_assert_eq(dasv_person_erase(t.d, pid, "asked to", NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	/* an erased person has no key to rotate, and is skipped */
	cr_assert_eq(dasv_rekey(t.d, &rr), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(rr.people, 1);
	struct dasv_referral g;
	fx_get(t.d, b, &g);
	cr_expect_str_eq(g.notes, "notes-marker-2");
	dasv_referral_clear(&g);
}

/* ---- retention ------------------------------------------------------------- */

/* A person with referrals received and closed on the given days ("" = left open). */
static int64_t
person_with(const char *last, const char *received[], const char *closed[], int n)
{
	struct dasv_outcome o;
	struct dasv_field_err fe;
	int64_t id = 0;

	for (int i = 0; i < n; i++) {
		id = fx_quick(t.d, last, "1970-07-07", received[i], NULL);
		if (!closed[i][0])
			continue;
		memset(&o, 0, sizeof(o));
		snprintf(o.reason, sizeof(o.reason), "support_completed");
		o.abuse_stopped = -1;
		o.exit_level = DASV_LEVEL_NONE;
		o.feels_safer = -1;
		snprintf(o.closed_on, sizeof(o.closed_on), "%s", closed[i]);
		cr_assert_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_OK, "%s (%s)",
			     dasv_errmsg(t.d), fe.msg);
	}
	return fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", id);
}

Test(purge, the_dry_run_lists_exactly_the_people_due)
{
	struct dasv_purge_item *items = NULL;
	size_t n = 0;
	int64_t p1, p2, p3, p4, p5, p6;
	char detail[200];

	/* today is 2026-06-15; six years back is 2020-06-15 */
	p1 = person_with("Longago", (const char *[]){ "2018-01-01", "2018-06-01" },
			 (const char *[]){ "2018-03-01", "2019-01-10" }, 2);
	p2 = person_with("Exactlysix", (const char *[]){ "2020-01-01" },
			 (const char *[]){ "2020-06-15" }, 1);
	p3 = person_with("Justover", (const char *[]){ "2020-01-01" },
			 (const char *[]){ "2020-06-14" }, 1);
	p4 = person_with("Stillopen", (const char *[]){ "2014-01-01", "2015-01-01" },
			 (const char *[]){ "2015-01-01", "" }, 2);
	p5 = person_with("Recent", (const char *[]){ "2026-01-01" }, (const char *[]){ "" }, 1);
	p6 = person_with("Alreadygone", (const char *[]){ "2010-01-01" },
			 (const char *[]){ "2011-01-01" }, 1);
	cr_assert_eq(dasv_person_erase(t.d, p6, "asked to", NULL), DASV_OK, "%s", dasv_errmsg(t.d));

	cr_assert_eq(dasv_purge(t.d, 1, &items, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 2, "listed %zu", n);
	cr_expect_eq(items[0].person_id, p1);
	cr_expect_eq(items[0].referrals, 2);
	cr_expect_str_eq(items[0].last_closed, "2019-01-10");
	cr_expect_eq(items[1].person_id, p3);
	cr_expect_str_eq(items[1].last_closed, "2020-06-14");
	free(items);
	/* a dry run changes nothing but is audited */
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL",
				0),
		     1);
	fx_sql_text(t.path, "SELECT detail FROM audit_log WHERE action = 'purge_dry_run'", 0,
		    detail, sizeof(detail));
	cr_expect_not_null(strstr(detail, "persons=2"), "%s", detail);

	/* a longer retention period makes fewer due */
	cr_assert_eq(dasv_setting_set(t.d, "retention_years", "7"), DASV_OK);
	cr_assert_eq(dasv_purge(t.d, 1, &items, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(n, 1);
	cr_expect_eq(n ? items[0].person_id : 0, p1);
	free(items);
	cr_assert_eq(dasv_setting_set(t.d, "retention_years", "6"), DASV_OK);

	/* the real thing erases exactly those */
	cr_assert_eq(dasv_purge(t.d, 0, &items, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(n, 2);
	free(items);
	for (int64_t gone[] = { p1, p3 }, *k = gone; k < gone + 2; k++)
		cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM people WHERE id = ? AND "
						"erased_at IS NOT NULL AND record_key IS NULL",
					*k),
			     1, "person %lld not erased", (long long)*k);
	for (int64_t keep[] = { p2, p4, p5 }, *k = keep; k < keep + 3; k++)
		cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM people WHERE id = ? AND "
						"erased_at IS NULL AND record_key IS NOT NULL",
					*k),
			     1, "person %lld erased", (long long)*k);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM erasures WHERE purge = 1", 0), 2);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM audit_log WHERE action = 'purge'", 0),
		     1);
	cr_expect(!fx_db_contains(&t, "Longago"));
	/* and then no one is due */
	cr_assert_eq(dasv_purge(t.d, 1, &items, &n), DASV_OK);
	cr_expect_eq(n, 0);
	free(items);
}

Test(purge, a_nonsense_retention_period_is_refused)
{
	struct dasv_purge_item *items = NULL;
	size_t n = 0;

	person_with("Longago", (const char *[]){ "2010-01-01" }, (const char *[]){ "2011-01-01" }, 1);
	cr_assert_eq(dasv_setting_set(t.d, "retention_years", "0"), DASV_OK);
	cr_expect_eq(dasv_purge(t.d, 0, &items, &n), DASV_INVALID);
	cr_expect_null(items);
	cr_assert_eq(dasv_setting_set(t.d, "retention_years", "-3"), DASV_OK);
	cr_expect_eq(dasv_purge(t.d, 0, &items, &n), DASV_INVALID);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM people WHERE erased_at IS NOT NULL",
				0),
		     0);
}
