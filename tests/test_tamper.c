/*
 * test_tamper.c - someone who can write the database file changes stored
 * values with the sqlite3 API (as with the sqlite3 shell): flips a bit,
 * truncates or extends a value, puts a number in its place, swaps it with the
 * same column of another row, or with another column of the same row.  Every
 * such value is refused when it is read, with DASV_CORRUPT and a message that
 * names the table, the row and the column, and holds no personal value.  Put
 * back, the same read works again (so the refusal was the tampering's doing).
 *
 * Every sealed column is covered, each through the reader a user would meet:
 * a person's details, their record key and the referral notes through
 * dasv_referral_get; a perpetrator likewise; case notes through the timeline;
 * assessment answers and professional-judgement reasons through
 * dasv_assessment_latest; override reasons, which nothing shows, through the
 * key rotation, which must open them all and refuses as a whole; break-glass
 * reasons through the audit view; the keys beside a keyslot through unlock.
 * Edits to the audit log itself: test_audit.c, and tests/e2e/test_cli_keys.sh
 * through `dasv audit verify`.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditview.h"
#include "helpers.h"
#include "internal.h"
#include "keyops.h"
#include "referral_fixtures.h"
#include "referral_int.h"

static struct th t;
static int64_t helpline;
/* two referrals of one person (Tamperone), one of another (Tampertwo) */
static int64_t ref_a, ref_a2, ref_b, person_a, person_b, perp_a, perp_b;

static const char *const markers[] = {
	"Tamperone", "Tampertwo", "TMPR-NOTE", "TMPR-CASE", "TMPR-PJ", "TMPR-OVERRIDE",
	"TMPR-BG",   "Perp Tamper", "Mill Road", "never leave a message",
};

static int64_t
marked(const char *last, const char *dob, const char *phone, const char *perp, int i)
{
	struct dasv_referral r;
	struct dasv_dash_input in;
	struct dasv_marac_result mr;
	char text[64];
	int64_t id;
	int waiting = -1;

	fx_referral(&r, "Tess", last, dob, phone);
	fx_set(&r.person.email, "tess@example.org");
	snprintf(text, sizeof(text), "TMPR-NOTE-%d", i);
	fx_set(&r.notes, text);
	fx_set(&r.perpetrator_name, perp);
	fx_set(&r.perpetrator_dob, "1970-10-10");
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	snprintf(text, sizeof(text), "TMPR-CASE-%d-a", i);
	cr_assert_eq(dasv_note_add(t.d, id, text), DASV_OK, "%s", dasv_errmsg(t.d));
	snprintf(text, sizeof(text), "TMPR-CASE-%d-b", i);
	cr_assert_eq(dasv_note_add(t.d, id, text), DASV_OK, "%s", dasv_errmsg(t.d));
	fx_dash_input(&in, 4, 0, "");
	in.pj_level = DASV_LEVEL_HIGH;
	snprintf(text, sizeof(text), "TMPR-PJ-%d", i);
	in.pj_reason = text;
	cr_assert_eq(dasv_dash_record(t.d, id, &in, &mr), DASV_OK, "%s", dasv_errmsg(t.d));
	snprintf(text, sizeof(text), "TMPR-OVERRIDE-%d", i);
	cr_assert_eq(dasv_allocate(t.d, id, helpline, 0, text, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	return id;
}

static void
setup(void)
{
	struct dasv_referral r;

	fx_today(FX_TODAY);
	th_setup(&t);
	helpline = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 500, 2, 1);
	ref_a = marked("Tamperone", "1981-01-01", "07700 900111", "Perp Tamperone", 1);
	ref_a2 = marked("Tamperone", "1981-01-01", "07700 900111", "Perp Tamperone", 2);
	ref_b = marked("Tampertwo", "1982-02-02", "07700 900222", "Perp Tampertwo", 3);
	person_a = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", ref_a);
	person_b = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", ref_b);
	perp_a = fx_sql_int(t.path, "SELECT perpetrator_id FROM referrals WHERE id = ?", ref_a);
	perp_b = fx_sql_int(t.path, "SELECT perpetrator_id FROM referrals WHERE id = ?", ref_b);
	cr_assert_eq(fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", ref_a2),
		     person_a, "fixture: one person, two referrals");
	cr_assert_neq(person_a, person_b);
	cr_assert(perp_a > 0 && perp_b > 0 && perp_a != perp_b);
	/* control: everything reads */
	fx_get(t.d, ref_a, &r);
	cr_assert_str_eq(r.person.last_name, "Tamperone");
	dasv_referral_clear(&r);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(tamper, .init = setup, .fini = teardown);

/* ---- writing the file behind dasv's back --------------------------------- */

struct value {
	int type; /* SQLITE_BLOB, SQLITE_TEXT, SQLITE_INTEGER, SQLITE_NULL */
	unsigned char *v;
	size_t len;
};

/* Table and column names come from the literals below, never from data. */
static void
sql_for(char *buf, size_t bufsz, const char *verb, const char *table, const char *column)
{
	const char *key = strcmp(table, "keyslots") == 0 ? "user_id" : "id";

	if (!strcmp(verb, "get"))
		snprintf(buf, bufsz, "SELECT %s FROM %s WHERE %s = ?1", column, table, key);
	else
		snprintf(buf, bufsz, "UPDATE %s SET %s = ?2 WHERE %s = ?1", table, column, key);
}

static struct value
value_get(const char *table, const char *column, int64_t id)
{
	struct value val = { SQLITE_NULL, NULL, 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char sql[200];

	sql_for(sql, sizeof(sql), "get", table, column);
	cr_assert_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, id);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no row: %s (%lld)", sql, (long long)id);
	val.type = sqlite3_column_type(st, 0);
	if (val.type != SQLITE_NULL) {
		val.len = (size_t)sqlite3_column_bytes(st, 0);
		val.v = malloc(val.len + 1);
		cr_assert_not_null(val.v);
		memcpy(val.v, sqlite3_column_blob(st, 0), val.len);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return val;
}

static void
value_put(const char *table, const char *column, int64_t id, const struct value *val)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char sql[200];

	sql_for(sql, sizeof(sql), "put", table, column);
	cr_assert_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, id);
	if (val->type == SQLITE_BLOB)
		sqlite3_bind_blob(st, 2, val->v, (int)val->len, SQLITE_TRANSIENT);
	else if (val->type == SQLITE_TEXT)
		sqlite3_bind_text(st, 2, (const char *)val->v, (int)val->len, SQLITE_TRANSIENT);
	else if (val->type == SQLITE_INTEGER)
		sqlite3_bind_int64(st, 2, 42);
	else
		sqlite3_bind_null(st, 2);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_changes(db), 1, "%s (%lld)", sql, (long long)id);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
value_free(struct value *val)
{
	free(val->v);
	val->v = NULL;
}

/* ---- reading it back the way a user would -------------------------------- */

enum reader { R_REFERRAL, R_TIMELINE, R_ASSESSMENT, R_REKEY };

/* Read through the reader; 0 ok, else the status, with the message in msg. */
static enum dasv_status
read_back(enum reader how, int64_t referral, char *msg, size_t msgsz)
{
	struct dasv_referral r;
	struct dasv_event *ev = NULL;
	struct dasv_assessment a;
	enum dasv_status st = DASV_OK;
	size_t n = 0;

	msg[0] = '\0';
	switch (how) {
	case R_REFERRAL:
		memset(&r, 0, sizeof(r));
		st = dasv_referral_get(t.d, referral, NULL, &r);
		if (st == DASV_OK)
			cr_assert(r.person.last_name && r.notes && r.perpetrator_name,
				  "a read that succeeded lost a value");
		dasv_referral_clear(&r);
		break;
	case R_TIMELINE:
		/*
		 * By design one damaged entry does not hide the case around it: the
		 * timeline reads, and that entry comes back marked damaged, with no
		 * body and the handle's message naming it.
		 */
		st = dasv_timeline(t.d, referral, 0, 50, &ev, &n);
		if (st == DASV_OK) {
			int notes = 0, damaged = 0;

			for (size_t i = 0; i < n; i++) {
				notes += ev[i].body && !strncmp(ev[i].body, "TMPR-CASE-", 10);
				if (ev[i].damaged) {
					cr_assert_null(ev[i].body, "a damaged entry shows a body");
					damaged++;
				}
			}
			cr_assert_eq(notes + damaged, 2, "a case note vanished from the timeline");
			if (damaged)
				st = DASV_CORRUPT;
		}
		dasv_events_free(&ev, n);
		break;
	case R_ASSESSMENT:
		memset(&a, 0, sizeof(a));
		st = dasv_assessment_latest(t.d, referral, "dash", &a);
		if (st == DASV_OK)
			cr_assert(a.answers && a.pj_reason, "an assessment that read lost a value");
		dasv_assessment_clear(&a);
		break;
	case R_REKEY: {
		int64_t gen = fx_sql_int(t.path, "SELECT value FROM settings WHERE key = "
						 "'key_generation'",
					 0);

		st = dasv_rekey(t.d, NULL);
		if (st != DASV_OK)
			cr_assert_eq(fx_sql_int(t.path, "SELECT value FROM settings WHERE key = "
							"'key_generation'",
						0),
				     gen, "a refused rotation changed the generation");
		break;
	}
	}
	if (st != DASV_OK)
		snprintf(msg, msgsz, "%s", dasv_errmsg(t.d));
	return st;
}

struct target {
	const char *table, *column;
	int64_t *row;       /* the row tampered with */
	int64_t *other;     /* another row of the same table, for swaps */
	enum reader how;
	int64_t *referral;  /* the referral whose read meets the value */
};

/* Resolved per test: the rows of the sealed values that are not keyed by referral. */
static int64_t event_a1, event_a2, event_b, assess_a, assess_b, alloc_a, alloc_b;

static void
resolve_rows(void)
{
	event_a1 = fx_sql_int(t.path, "SELECT min(id) FROM case_events WHERE referral_id = ? AND "
				      "kind = 'note'",
			      ref_a);
	event_a2 = fx_sql_int(t.path, "SELECT max(id) FROM case_events WHERE referral_id = ? AND "
				      "kind = 'note'",
			      ref_a);
	event_b = fx_sql_int(t.path, "SELECT min(id) FROM case_events WHERE referral_id = ? AND "
				     "kind = 'note'",
			     ref_b);
	assess_a = fx_sql_int(t.path, "SELECT max(id) FROM assessments WHERE referral_id = ?", ref_a);
	assess_b = fx_sql_int(t.path, "SELECT max(id) FROM assessments WHERE referral_id = ?", ref_b);
	alloc_a = fx_sql_int(t.path, "SELECT max(id) FROM allocations WHERE referral_id = ?", ref_a);
	alloc_b = fx_sql_int(t.path, "SELECT max(id) FROM allocations WHERE referral_id = ?", ref_b);
	cr_assert(event_a1 && event_a2 && event_a1 != event_a2 && event_b && assess_a && assess_b &&
		  alloc_a && alloc_b);
}

static const struct target targets[] = {
	{ "people", "record_key", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "first_name", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "last_name", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "date_of_birth", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "address", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "postcode", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "phone", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "email", &person_a, &person_b, R_REFERRAL, &ref_a },
	{ "people", "safe_contact", &person_a, &person_b, R_REFERRAL, &ref_a },
	/* two referrals of the same person: the same record key, only the row differs */
	{ "referrals", "notes", &ref_a, &ref_a2, R_REFERRAL, &ref_a },
	{ "perpetrators", "record_key", &perp_a, &perp_b, R_REFERRAL, &ref_a },
	{ "perpetrators", "name", &perp_a, &perp_b, R_REFERRAL, &ref_a },
	{ "perpetrators", "date_of_birth", &perp_a, &perp_b, R_REFERRAL, &ref_a },
	/* two case notes of the same referral */
	{ "case_events", "body", &event_a1, &event_a2, R_TIMELINE, &ref_a },
	{ "assessments", "answers", &assess_a, &assess_b, R_ASSESSMENT, &ref_a },
	{ "assessments", "pj_reason", &assess_a, &assess_b, R_ASSESSMENT, &ref_a },
	{ "allocations", "override_reason", &alloc_a, &alloc_b, R_REKEY, &ref_a },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* The message names the table and row (and the column) and holds no value. */
static void
assert_named(const struct target *tg, const char *msg, const char *what)
{
	char where[96];

	snprintf(where, sizeof(where), "%s %lld", tg->table, (long long)*tg->row);
	cr_assert_not_null(strstr(msg, where), "%s.%s, %s: message does not name '%s': %s",
			   tg->table, tg->column, what, where, msg);
	if (!strcmp(tg->column, "record_key"))
		cr_assert_not_null(strstr(msg, "record key"), "%s: %s", what, msg);
	else
		cr_assert_not_null(strstr(msg, tg->column), "%s.%s, %s: column not named: %s",
				   tg->table, tg->column, what, msg);
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		cr_assert_null(strstr(msg, markers[i]), "message leaks a value: %s", msg);
}

/* Store val in the target, read, expect a named refusal; put the original back. */
static void
expect_refused(const struct target *tg, const struct value *orig, const struct value *val,
	       const char *what)
{
	char msg[600];
	enum dasv_status st;

	value_put(tg->table, tg->column, *tg->row, val);
	st = read_back(tg->how, *tg->referral, msg, sizeof(msg));
	cr_assert_eq(st, DASV_CORRUPT, "%s.%s of row %lld, %s: read gave %s (%s)", tg->table,
		     tg->column, (long long)*tg->row, what, dasv_status_str(st), msg);
	assert_named(tg, msg, what);
	value_put(tg->table, tg->column, *tg->row, orig);
	if (tg->how == R_REKEY) {
		/* a rotation that went through would change every value: open it directly */
		unsigned char rk[DASV_KEY_BYTES];
		char *pt = NULL;

		cr_assert_eq(dasv_referral_key(t.d, *tg->referral, rk), DASV_OK, "%s",
			     dasv_errmsg(t.d));
		cr_assert_eq(dasv_crypto_open(rk, tg->table, tg->column, *tg->row, orig->v,
					      orig->len, &pt, NULL),
			     DASV_OK, "%s.%s: put back, it does not open", tg->table, tg->column);
		dasv_wipe(rk, sizeof(rk));
		dasv_str_free(&pt);
		return;
	}
	st = read_back(tg->how, *tg->referral, msg, sizeof(msg));
	cr_assert_eq(st, DASV_OK, "%s.%s: put back, it still fails: %s", tg->table, tg->column,
		     msg);
}

/* ---- the tests ------------------------------------------------------------- */

Test(tamper, every_flipped_bit_position_kind_is_refused_by_name)
{
	resolve_rows();
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *tg = &targets[i];
		struct value orig = value_get(tg->table, tg->column, *tg->row);
		/* the version byte, the nonce, the first ciphertext byte, the tag */
		size_t at[4];

		cr_assert_eq(orig.type, SQLITE_BLOB, "fixture: %s.%s is not stored", tg->table,
			     tg->column);
		cr_assert_gt(orig.len, (size_t)DASV_SEAL_OVERHEAD);
		at[0] = 0;
		at[1] = 7;
		at[2] = 25;
		at[3] = orig.len - 1;
		for (size_t k = 0; k < 4; k++)
			for (int bit = 0; bit < 8; bit += 7) {
				struct value bad = orig;
				char what[64];

				bad.v = malloc(orig.len);
				cr_assert_not_null(bad.v);
				memcpy(bad.v, orig.v, orig.len);
				bad.v[at[k]] ^= (unsigned char)(1u << bit);
				snprintf(what, sizeof(what), "bit %d of byte %zu flipped", bit, at[k]);
				expect_refused(tg, &orig, &bad, what);
				free(bad.v);
			}
		value_free(&orig);
	}
}

Test(tamper, truncated_extended_and_retyped_values_are_refused_by_name)
{
	resolve_rows();
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *tg = &targets[i];
		struct value orig = value_get(tg->table, tg->column, *tg->row);
		const size_t cuts[] = { orig.len - 1, DASV_SEAL_OVERHEAD, DASV_SEAL_OVERHEAD - 1, 25,
					1, 0 };
		struct value bad;

		for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
			char what[64];

			/* an empty record key: its own test below */
			if (cuts[k] == 0 && !strcmp(tg->column, "record_key"))
				continue;

			bad = orig;
			bad.len = cuts[k];
			snprintf(what, sizeof(what), "truncated to %zu bytes", cuts[k]);
			expect_refused(tg, &orig, &bad, what);
		}
		/* a byte added at the end */
		bad = orig;
		bad.v = malloc(orig.len + 1);
		cr_assert_not_null(bad.v);
		memcpy(bad.v, orig.v, orig.len);
		bad.v[orig.len] = 0;
		bad.len = orig.len + 1;
		expect_refused(tg, &orig, &bad, "extended by a byte");
		free(bad.v);
		/* a number in its place (the same bytes as text would be the same value) */
		bad = orig;
		bad.type = SQLITE_INTEGER;
		expect_refused(tg, &orig, &bad, "replaced by a number");
		value_free(&orig);
	}
}

Test(tamper, values_swapped_between_rows_are_refused_by_name)
{
	resolve_rows();
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *tg = &targets[i];
		struct value mine = value_get(tg->table, tg->column, *tg->row);
		struct value theirs = value_get(tg->table, tg->column, *tg->other);

		cr_assert_eq(theirs.type, SQLITE_BLOB, "fixture: %s.%s of row %lld", tg->table,
			     tg->column, (long long)*tg->other);
		/* another row's value, copied over this one's (a one-way swap) */
		expect_refused(tg, &mine, &theirs, "copied from another row");
		value_free(&mine);
		value_free(&theirs);
	}
	/* and a real swap of two people's record keys: neither opens */
	{
		const struct target *tg = &targets[0];
		struct value ka = value_get("people", "record_key", person_a);
		struct value kb = value_get("people", "record_key", person_b);
		char msg[600];

		value_put("people", "record_key", person_a, &kb);
		value_put("people", "record_key", person_b, &ka);
		cr_assert_eq(read_back(R_REFERRAL, ref_a, msg, sizeof(msg)), DASV_CORRUPT);
		assert_named(tg, msg, "record keys swapped");
		cr_assert_eq(read_back(R_REFERRAL, ref_b, msg, sizeof(msg)), DASV_CORRUPT);
		cr_assert_not_null(strstr(msg, "record key"), "%s", msg);
		value_put("people", "record_key", person_a, &ka);
		value_put("people", "record_key", person_b, &kb);
		cr_assert_eq(read_back(R_REFERRAL, ref_b, msg, sizeof(msg)), DASV_OK, "%s", msg);
		value_free(&ka);
		value_free(&kb);
	}
}

Test(tamper, values_swapped_between_columns_are_refused_by_name)
{
	static const char *const cols[] = { "first_name", "last_name", "date_of_birth", "address",
					    "postcode",   "phone",     "email",         "safe_contact" };
	enum { NC = sizeof(cols) / sizeof(cols[0]) };

	resolve_rows();
	/* every ordered pair of a person's sealed columns */
	for (size_t a = 0; a < NC; a++)
		for (size_t b = 0; b < NC; b++) {
			struct target tg = { "people", cols[a], &person_a, NULL, R_REFERRAL, &ref_a };
			struct value va, vb;
			char what[80];

			if (a == b)
				continue;
			va = value_get("people", cols[a], person_a);
			vb = value_get("people", cols[b], person_a);
			snprintf(what, sizeof(what), "%s moved into %s", cols[b], cols[a]);
			expect_refused(&tg, &va, &vb, what);
			value_free(&va);
			value_free(&vb);
		}
	/* across tables: a person's name as the perpetrator's, the notes as a case note */
	{
		struct target perp = { "perpetrators", "name", &perp_a, NULL, R_REFERRAL, &ref_a };
		struct target ev = { "case_events", "body", &event_a1, NULL, R_TIMELINE, &ref_a };
		struct value orig = value_get("perpetrators", "name", perp_a);
		struct value from = value_get("people", "last_name", person_a);

		expect_refused(&perp, &orig, &from, "a person's name moved in");
		value_free(&orig);
		value_free(&from);
		orig = value_get("case_events", "body", event_a1);
		from = value_get("referrals", "notes", ref_a);
		expect_refused(&ev, &orig, &from, "the referral notes moved in");
		value_free(&orig);
		value_free(&from);
	}
}

/* Break-glass reasons are shown to supervisors and auditors in the audit view. */
Test(tamper, a_damaged_break_glass_reason_is_not_shown)
{
	struct dasv_referral r;
	struct dasv_audit_entry e[16];
	struct value orig, bad;
	int64_t bg;
	size_t n = 0;
	int seen = 0;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_as(&t, "carol");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(dasv_referral_get(t.d, ref_b, "TMPR-BG reason: urgent call", &r), DASV_OK,
		     "%s", dasv_errmsg(t.d));
	dasv_referral_clear(&r);
	th_as(&t, "admin");
	bg = fx_sql_int(t.path, "SELECT max(id) FROM break_glass", 0);
	orig = value_get("break_glass", "reason", bg);
	bad = orig;
	bad.v = malloc(orig.len);
	cr_assert_not_null(bad.v);
	memcpy(bad.v, orig.v, orig.len);
	bad.v[orig.len / 2] ^= 0x20;
	value_put("break_glass", "reason", bg, &bad);
	cr_assert_eq(dasv_audit_page(t.d, 1, 0, 1, e, 16, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	for (size_t i = 0; i < n; i++)
		if (e[i].bg_id == bg) {
			seen = 1;
			cr_expect_eq(e[i].bg_state, DASV_BG_DAMAGED);
			cr_expect_null(e[i].bg_reason);
		}
	dasv_audit_entries_clear(e, n);
	cr_assert(seen, "the break-glass entry is not in the view");
	/* put back, it reads */
	value_put("break_glass", "reason", bg, &orig);
	seen = 0;
	cr_assert_eq(dasv_audit_page(t.d, 1, 0, 1, e, 16, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	for (size_t i = 0; i < n; i++)
		if (e[i].bg_id == bg && e[i].bg_state == DASV_BG_OPENED && e[i].bg_reason &&
		    !strcmp(e[i].bg_reason, "TMPR-BG reason: urgent call"))
			seen = 1;
	dasv_audit_entries_clear(e, n);
	cr_assert(seen);
	free(bad.v);
	value_free(&orig);
}

/* The data key beside a staff keyslot (keyslots.data_wrapped) and a rotated one. */
Test(tamper, a_damaged_key_beside_a_keyslot_refuses_the_unlock)
{
	int64_t admin = dasv_session_user_id(t.d), carol;
	struct value orig, bad;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	orig = value_get("keyslots", "data_wrapped", admin);
	cr_assert_eq(orig.type, SQLITE_BLOB);
	bad = orig;
	bad.v = malloc(orig.len);
	cr_assert_not_null(bad.v);
	memcpy(bad.v, orig.v, orig.len);
	bad.v[orig.len - 3] ^= 1;
	value_put("keyslots", "data_wrapped", admin, &bad);
	cr_expect_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_CORRUPT);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "integrity check"), "%s", dasv_errmsg(t.d));
	cr_expect_eq(dasv_is_unlocked(t.d), 0);
	/* someone else's copy moved into this slot does not open either */
	value_put("keyslots", "data_wrapped", admin, &orig);
	th_as(&t, "admin");
	free(bad.v);
	bad = value_get("keyslots", "data_wrapped", carol);
	value_put("keyslots", "data_wrapped", admin, &bad);
	cr_expect_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_CORRUPT);
	value_put("keyslots", "data_wrapped", admin, &orig);
	th_as(&t, "admin");
	value_free(&bad);
	/* a rotated key waiting for carol, damaged, is refused at her unlock */
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	value_free(&orig);
	orig = value_get("keyslots", "pending_data", carol);
	cr_assert_eq(orig.type, SQLITE_BLOB);
	bad = orig;
	bad.v = malloc(orig.len);
	cr_assert_not_null(bad.v);
	memcpy(bad.v, orig.v, orig.len);
	bad.v[40] ^= 0x80;
	value_put("keyslots", "pending_data", carol, &bad);
	cr_expect_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_CORRUPT);
	value_put("keyslots", "pending_data", carol, &orig);
	th_as(&t, "carol");
	cr_expect_eq(t.d->keys->generation, 2);
	free(bad.v);
	value_free(&orig);
}

/*
 * A record key emptied (x'') or set to NULL by someone writing the file is
 * not an erasure: an erasure sets erased_at and leaves a row in erasures and
 * an audit entry.  Reading must say the record is damaged, not tell the user
 * the person was erased (who would then stop looking for them).
 */
Test(tamper, an_emptied_record_key_is_not_taken_for_an_erasure)
{
	static const char *const tables[] = { "people", "perpetrators" };
	int64_t *rows[] = { &person_a, &perp_a };
	struct value empty = { SQLITE_BLOB, (unsigned char *)"", 0 };
	struct value null = { SQLITE_NULL, NULL, 0 };

	for (int i = 0; i < 2; i++) {
		struct value orig = value_get(tables[i], "record_key", *rows[i]);
		char msg[600];
		enum dasv_status st;

		cr_assert_eq(fx_sql_int(t.path, "SELECT count(*) FROM erasures", 0), 0);
		value_put(tables[i], "record_key", *rows[i], &empty);
		st = read_back(R_REFERRAL, ref_a, msg, sizeof(msg));
		cr_expect_eq(st, DASV_CORRUPT, "%s record key emptied: %s (%s)", tables[i],
			     dasv_status_str(st), msg);
		cr_expect_null(strstr(msg, "erased"), "tampering reported as an erasure: %s", msg);
		value_put(tables[i], "record_key", *rows[i], &null);
		st = read_back(R_REFERRAL, ref_a, msg, sizeof(msg));
		cr_expect_eq(st, DASV_CORRUPT, "%s record key set to NULL: %s (%s)", tables[i],
			     dasv_status_str(st), msg);
		cr_expect_null(strstr(msg, "erased"), "tampering reported as an erasure: %s", msg);
		value_put(tables[i], "record_key", *rows[i], &orig);
		cr_assert_eq(read_back(R_REFERRAL, ref_a, msg, sizeof(msg)), DASV_OK, "%s", msg);
		value_free(&orig);
	}
}
