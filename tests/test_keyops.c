/*
 * test_keyops.c - the key lifecycle (core/keyops.c, and the unlock side in
 * core/session.c): rotating the data key, an interrupted rotation, revoking a
 * user, rotated keys taken up at unlock, forged keys and swapped public keys,
 * older keyslots, failed-unlock counting and delays, and the shared host.
 *
 * Refusals first; then that every sealed value survives a rotation, that the
 * old key opens nothing afterwards, and that a rotation killed at any point
 * leaves one whole state or the other.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	/* the unlock delay is a setting, so the tests can turn it off */
	cr_assert_eq(dasv_setting_set(t.d, "unlock_delay_max", "0"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	helpline = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 500, 2, 1);
}

static void
teardown(void)
{
	dasv_rekey_test_fail_after(0);
	th_teardown(&t);
}

TestSuite(rekey, .init = setup, .fini = teardown);
TestSuite(revoke, .init = setup, .fini = teardown);
TestSuite(unlock, .init = setup, .fini = teardown);
TestSuite(shared, .init = setup, .fini = teardown);

/* ---- fixtures ------------------------------------------------------------ */

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql,
		     err ? err : "");
	sqlite3_close(db);
}

static int64_t
generation(void)
{
	return fx_sql_int(t.path, "SELECT value FROM settings WHERE key = 'key_generation'", 0);
}

/* A blob column of one row, copied (malloc'd); NULL when NULL. */
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

/* Does the database file or its WAL hold these bytes? */
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

/*
 * A referral with a marker in every kind of sealed value: the person's
 * fields, the referral notes, a case note, a professional-judgement reason
 * and an allocation override reason.  Made as the current session.
 */
static int64_t
rich(int i)
{
	struct dasv_referral r;
	struct dasv_dash_input in;
	struct dasv_marac_result mr;
	char last[32], dob[16], phone[24], text[64];
	int64_t id;
	int waiting = -1;

	fx_name_of(i, "Marker", last, sizeof(last));
	snprintf(dob, sizeof(dob), "1980-02-%02d", 1 + i % 28);
	snprintf(phone, sizeof(phone), "07700 900%03d", i);
	fx_referral(&r, "Alex", last, dob, phone);
	snprintf(text, sizeof(text), "notes-marker-%d", i);
	fx_set(&r.notes, text);
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

/* Every marker of rich(i) opens to its value for the session. */
static void
check_rich(struct dasv *d, int64_t id, int i)
{
	struct dasv_referral g;
	struct dasv_assessment a;
	struct dasv_event *ev = NULL;
	unsigned char rk[DASV_KEY_BYTES];
	char last[32], want[64], *pt = NULL;
	size_t n = 0, len = 0;
	int found = 0;
	unsigned char *blob;
	int64_t aid;

	fx_name_of(i, "Marker", last, sizeof(last));
	memset(&g, 0, sizeof(g));
	cr_assert_eq(dasv_referral_get(d, id, NULL, &g), DASV_OK, "get %lld: %s", (long long)id,
		     dasv_errmsg(d));
	cr_assert_str_eq(g.person.last_name, last);
	cr_assert_str_eq(g.person.first_name, "Alex");
	cr_assert_str_eq(g.person.address, "1 Mill Road, Cambridge");
	cr_assert_str_eq(g.person.safe_contact, "Call after six, never leave a message");
	snprintf(want, sizeof(want), "notes-marker-%d", i);
	cr_assert_str_eq(g.notes, want);
	dasv_referral_clear(&g);
	cr_assert_eq(dasv_timeline(d, id, 0, 50, &ev, &n), DASV_OK, "%s", dasv_errmsg(d));
	snprintf(want, sizeof(want), "case-note-marker-%d", i);
	for (size_t k = 0; k < n; k++)
		found |= ev[k].body && strcmp(ev[k].body, want) == 0;
	dasv_events_free(&ev, n);
	cr_assert(found, "case note of %d lost", i);
	memset(&a, 0, sizeof(a));
	cr_assert_eq(dasv_assessment_latest(d, id, "dash", &a), DASV_OK, "%s", dasv_errmsg(d));
	snprintf(want, sizeof(want), "pj-marker-%d", i);
	cr_assert_str_eq(a.pj_reason, want);
	cr_assert_not_null(a.answers);
	dasv_assessment_clear(&a);
	/* no reader shows override reasons: open it as the core would */
	aid = fx_sql_int(t.path, "SELECT id FROM allocations WHERE referral_id = ?", id);
	blob = blob_of("SELECT override_reason FROM allocations WHERE id = ?", aid, &len);
	cr_assert_not_null(blob);
	cr_assert_eq(dasv_referral_key(d, id, rk), DASV_OK, "%s", dasv_errmsg(d));
	cr_assert_eq(dasv_crypto_open(rk, "allocations", "override_reason", aid, blob, len, &pt,
				      NULL),
		     DASV_OK);
	snprintf(want, sizeof(want), "override-marker-%d", i);
	cr_assert_str_eq(pt, want);
	dasv_str_free(&pt);
	dasv_wipe(rk, sizeof(rk));
	free(blob);
}

static size_t
search(struct dasv *d, const char *kind, const char *a, const char *b)
{
	struct dasv_row rows[8];
	size_t n = 0;

	cr_assert_eq(dasv_search(d, kind, a, b, rows, 8, &n), DASV_OK, "%s", dasv_errmsg(d));
	dasv_rows_wipe(rows, n);
	return n;
}

/* ---- refusals -------------------------------------------------------------- */

Test(rekey, refused_for_other_roles_and_when_locked)
{
	static const char *const who[] = { "carol", "sam", "audrey" };
	const enum dasv_role roles[] = { DASV_ROLE_CASEWORKER, DASV_ROLE_SUPERVISOR,
					 DASV_ROLE_AUDITOR };

	for (size_t i = 0; i < 3; i++)
		th_add_user(&t, who[i], roles[i]);
	for (size_t i = 0; i < 3; i++) {
		th_as(&t, who[i]);
		cr_expect_eq(dasv_rekey(t.d, NULL), DASV_DENIED, "%s may rekey", who[i]);
		cr_expect_eq(dasv_user_revoke(t.d, "carol", 1, NULL), DASV_DENIED);
	}
	dasv_lock(t.d);
	cr_expect_eq(dasv_rekey(t.d, NULL), DASV_LOCKED);
	cr_expect_eq(generation(), 1);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM audit_log WHERE action = 'rekey'", 0),
		     0);
}

/* ---- a rotation ------------------------------------------------------------ */

Test(rekey, every_value_still_opens_and_search_still_finds)
{
	struct dasv_rekey_result res;
	struct dasv_intake_result ir;
	int64_t ids[3];
	char last[32], detail[200];

	for (int i = 0; i < 3; i++)
		ids[i] = rich(i);
	cr_assert_eq(dasv_rekey(t.d, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(res.generation, 2);
	cr_expect_eq(generation(), 2);
	cr_expect_eq(res.people, 3);
	cr_expect_geq(res.values, 3 * 12);
	cr_expect_eq(res.users_pending, 0);
	fx_sql_text(t.path, "SELECT detail FROM audit_log WHERE action = 'rekey'", 0, detail,
		    sizeof(detail));
	cr_expect_not_null(strstr(detail, "generation=2"), "%s", detail);
	/* the session carries on with the new key, and so does a fresh unlock */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 3; i++)
			check_rich(t.d, ids[i], i);
		fx_name_of(1, "Marker", last, sizeof(last));
		cr_expect_eq(search(t.d, "name_dob", last, "1980-02-02"), 1);
		cr_expect_eq(search(t.d, "name_dob", "  markeR AAB ", "1980-02-02"), 1,
			     "normalisation changed across the rotation");
		cr_expect_eq(search(t.d, "phone", "+44 7700 900002", NULL), 1);
		cr_expect_eq(search(t.d, "postcode", "cb12ab", NULL), 3);
		th_as(&t, "admin");
	}
	/* a new referral of the same person still links to the earlier one */
	fx_name_of(0, "Marker", last, sizeof(last));
	fx_quick(t.d, last, "1980-02-01", "2026-06-10", &ir);
	cr_expect_eq(ir.earlier_referrals, 1);
	cr_expect_str_eq(ir.linked_by, "name_dob");
	/* and rotating twice works the same way */
	cr_assert_eq(dasv_rekey(t.d, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(res.generation, 3);
	check_rich(t.d, ids[2], 2);
}

Test(rekey, the_old_key_opens_nothing_in_the_new_database)
{
	struct dasv_rekey_result res;
	unsigned char old_field[DASV_KEY_BYTES], old_data[DASV_KEY_BYTES], *before[4];
	size_t blen[4];
	int64_t id = rich(0), pid, perp;
	struct dasv_referral r;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int rows = 0;

	/* a perpetrator too */
	fx_referral(&r, "Bea", "Oldkey", "1990-03-03", NULL);
	fx_set(&r.perpetrator_name, "Perp Oldkey");
	fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	perp = fx_sql_int(t.path, "SELECT max(id) FROM perpetrators", 0);
	cr_assert_gt(perp, 0);
	/* the key as a process that had it in memory would */
	memcpy(old_field, t.d->keys->field, DASV_KEY_BYTES);
	memcpy(old_data, t.d->keys->data, DASV_KEY_BYTES);
	pid = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", id);
	before[0] = blob_of("SELECT record_key FROM people WHERE id = ?", pid, &blen[0]);
	before[1] = blob_of("SELECT last_name FROM people WHERE id = ?", pid, &blen[1]);
	before[2] = blob_of("SELECT notes FROM referrals WHERE id = ?", id, &blen[2]);
	before[3] = blob_of("SELECT data_wrapped FROM keyslots WHERE user_id = ?",
			    dasv_session_user_id(t.d), &blen[3]);
	for (int i = 0; i < 4; i++)
		cr_assert_not_null(before[i]);
	cr_assert_eq(dasv_rekey(t.d, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(res.checkpointed, 1);
	cr_expect_neq(memcmp(t.d->keys->data, old_data, DASV_KEY_BYTES), 0);
	/* no record key, of a person or a perpetrator, opens under the old field key */
	cr_assert_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db,
					"SELECT 'people', id, record_key FROM people UNION ALL "
					"SELECT 'perpetrators', id, record_key FROM perpetrators",
					-1, &st, NULL),
		     SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *pt = NULL;

		rows++;
		cr_assert_neq(dasv_crypto_open(old_field, (const char *)sqlite3_column_text(st, 0),
					       "record_key", sqlite3_column_int64(st, 1),
					       sqlite3_column_blob(st, 2),
					       (size_t)sqlite3_column_bytes(st, 2), &pt, NULL),
			      DASV_OK, "the old key still opens %s %lld", sqlite3_column_text(st, 0),
			      (long long)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	cr_expect_eq(rows, 3, "two people and a perpetrator");
	/* and the old ciphertexts, and the old key's wrapping, are gone from the files */
	for (int i = 0; i < 4; i++) {
		cr_expect(!db_holds(before[i], blen[i]), "old ciphertext %d still on disk", i);
		free(before[i]);
	}
	cr_expect(!db_holds(old_data, DASV_KEY_BYTES));
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM keyslots WHERE data_wrapped IS NULL AND "
				"pending_data IS NULL AND user_id = ?",
				dasv_session_user_id(t.d)),
		     0);
	check_rich(t.d, id, 0);
	(void)perp;
}

Test(rekey, a_user_takes_up_the_new_key_at_their_next_unlock)
{
	unsigned char new_data[DASV_KEY_BYTES], *slot_before, *slot_after;
	size_t l1, l2;
	int64_t carol, id;
	char detail[64];

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	th_as(&t, "carol");
	id = fx_quick(t.d, "Carolcase", "1975-05-05", "2026-06-01", NULL);
	th_as(&t, "admin");
	slot_before = blob_of("SELECT wrapped FROM keyslots WHERE user_id = ?", carol, &l1);
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	memcpy(new_data, t.d->keys->data, DASV_KEY_BYTES);
	/* waiting for her, sealed to her public key; no copy of the old key left */
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM keyslots WHERE user_id = ? AND "
				"pending_data IS NOT NULL AND data_wrapped IS NULL",
				carol),
		     1);
	th_as(&t, "carol");
	cr_expect_eq(memcmp(t.d->keys->data, new_data, DASV_KEY_BYTES), 0, "carol got another key");
	cr_expect_eq(t.d->keys->generation, 2);
	/* her slot now holds the new key under her slot key; the passphrase part is unchanged */
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM keyslots WHERE user_id = ? AND "
				"pending_data IS NULL AND data_wrapped IS NOT NULL",
				carol),
		     1);
	slot_after = blob_of("SELECT wrapped FROM keyslots WHERE user_id = ?", carol, &l2);
	cr_expect(l1 == l2 && memcmp(slot_before, slot_after, l1) == 0);
	free(slot_before);
	free(slot_after);
	fx_sql_text(t.path, "SELECT detail FROM audit_log WHERE action = 'unlock' ORDER BY id DESC",
		    0, detail, sizeof(detail));
	cr_expect_str_eq(detail, "rekeyed=1");
	struct dasv_referral g;
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.last_name, "Carolcase");
	dasv_referral_clear(&g);
	/* and from then on the ordinary way */
	th_as(&t, "carol");
	cr_expect_eq(memcmp(t.d->keys->data, new_data, DASV_KEY_BYTES), 0);
}

Test(rekey, a_session_from_before_must_unlock_again)
{
	struct dasv *other = NULL;
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	cr_assert_eq(dasv_open(t.path, 0, &other), DASV_OK, "%s", dasv_errmsg(other));
	cr_assert_eq(dasv_unlock(other, "carol", TH_PASS), DASV_OK, "%s", dasv_errmsg(other));
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	/* carol's session still holds the old key: it must not write with it */
	fx_referral(&r, "Dee", "Stale", "1970-01-01", NULL);
	cr_expect_eq(dasv_referral_create(other, &r, &fe, &res), DASV_LOCKED);
	cr_expect_not_null(strstr(dasv_errmsg(other), "rotated"), "%s", dasv_errmsg(other));
	cr_expect_eq(dasv_is_unlocked(other), 0, "the stale keys must be wiped");
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0), 0);
	cr_assert_eq(dasv_unlock(other, "carol", TH_PASS), DASV_OK, "%s", dasv_errmsg(other));
	cr_assert_eq(dasv_referral_create(other, &r, &fe, &res), DASV_OK, "%s", dasv_errmsg(other));
	dasv_referral_clear(&r);
	dasv_close(&other);
	struct dasv_referral g;
	fx_get(t.d, res.id, &g);
	cr_expect_str_eq(g.person.last_name, "Stale");
	dasv_referral_clear(&g);
}

/* A rotation stopped half-way (here by a test hook) leaves everything as it was. */
Test(rekey, interrupted_leaves_the_old_state_whole)
{
	unsigned char *before[4], *after;
	size_t blen[4], alen;
	int64_t ids[4], pid;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	for (int i = 0; i < 4; i++) {
		ids[i] = rich(i);
		pid = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", ids[i]);
		before[i] = blob_of("SELECT record_key FROM people WHERE id = ?", pid, &blen[i]);
	}
	int64_t audit = fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0);
	dasv_rekey_test_fail_after(2);
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_INTERNAL);
	dasv_rekey_test_fail_after(0);
	cr_expect_eq(generation(), 1);
	cr_expect_eq(t.d->keys->generation, 1);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0), audit);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM keyslots WHERE pending_data IS NOT "
					"NULL OR data_wrapped IS NULL AND user_id <> 0",
				0),
		     0);
	for (int i = 0; i < 4; i++) {
		pid = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", ids[i]);
		after = blob_of("SELECT record_key FROM people WHERE id = ?", pid, &alen);
		cr_expect(alen == blen[i] && memcmp(after, before[i], alen) == 0,
			  "person %lld changed", (long long)pid);
		free(after);
		free(before[i]);
	}
	/* the session and everyone else carry on with the old key */
	for (int i = 0; i < 4; i++)
		check_rich(t.d, ids[i], i);
	th_as(&t, "carol");
	th_as(&t, "admin");
	check_rich(t.d, ids[3], 3);
	/* and a second attempt goes through */
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	check_rich(t.d, ids[0], 0);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In a child: unlock, say so on the pipe, rotate; the parent kills us somewhere in it. */
static void
rekey_child(const char *path, int fd)
{
	struct dasv *d = NULL;
	char go = 'g';

	if (dasv_open(path, 0, &d) != DASV_OK || dasv_unlock(d, "admin", TH_ADMIN_PASS) != DASV_OK)
		_exit(2);
	if (write(fd, &go, 1) != 1)
		_exit(3);
	_exit(dasv_rekey(d, NULL) == DASV_OK ? 0 : 4);
}

/*
 * SIGKILL a rotating process at random points: each time, the database must
 * hold either the old generation or the new one, whole, and every value
 * must open.
 */
Test(rekey, killed_at_random_points_leaves_a_whole_state, .timeout = 600)
{
	enum { N = 80, RUNS = 8 };
	struct dasv_referral r;
	int64_t ids[N];
	char last[32], note[40];
	double took;
	int kept_old = 0, got_new = 0;

	for (int i = 0; i < N; i++) {
		fx_name_of(i, "Kill", last, sizeof(last));
		fx_referral(&r, "Kit", last, "1985-04-04", NULL);
		snprintf(note, sizeof(note), "kill-marker-%d", i);
		fx_set(&r.notes, note);
		fx_set(&r.perpetrator_name, last);
		ids[i] = fx_create(t.d, &r, NULL);
		dasv_referral_clear(&r);
	}
	/* how long one rotation takes here, to aim the kills inside it */
	took = now_s();
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	took = now_s() - took;
	dasv_close(&t.d);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (int run = 0; run < RUNS; run++) {
		int fds[2], status = 0;
		int64_t gen_before = generation(), gen_after, rekeys;
		/* spread over the rotation (a child runs it faster than the first, cold one) */
		long delay_us = (long)(took * 0.8e6 * (run + (double)rand() / RAND_MAX) / RUNS);
		char go;
		pid_t pid;

		cr_assert_eq(pipe(fds), 0);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			close(fds[0]);
			rekey_child(t.path, fds[1]);
		}
		close(fds[1]);
		cr_assert_eq(read(fds[0], &go, 1), 1, "the child did not unlock");
		close(fds[0]);
		usleep((useconds_t)delay_us);
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		/* what is left must be whole: one generation, every value opening under it */
		cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
		cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_OK,
			     "run %d (kill after %ld us): %s", run, delay_us, dasv_errmsg(t.d));
		gen_after = generation();
		cr_assert(gen_after == gen_before || gen_after == gen_before + 1,
			  "generation %lld after %lld", (long long)gen_after, (long long)gen_before);
		cr_assert(WIFSIGNALED(status) || gen_after == gen_before + 1,
			  "the child finished but nothing changed");
		kept_old += gen_after == gen_before;
		got_new += gen_after == gen_before + 1;
		rekeys = fx_sql_int(t.path, "SELECT count(*) FROM audit_log WHERE action = 'rekey'", 0);
		cr_assert_eq(rekeys, gen_after - 1, "audit and generation disagree");
		for (int i = 0; i < N; i++) {
			struct dasv_referral g;

			fx_name_of(i, "Kill", last, sizeof(last));
			snprintf(note, sizeof(note), "kill-marker-%d", i);
			memset(&g, 0, sizeof(g));
			cr_assert_eq(dasv_referral_get(t.d, ids[i], NULL, &g), DASV_OK,
				     "run %d (kill after %ld us), referral %d: %s", run, delay_us, i,
				     dasv_errmsg(t.d));
			cr_assert_str_eq(g.person.last_name, last);
			cr_assert_str_eq(g.notes, note);
			cr_assert_str_eq(g.perpetrator_name, last);
			dasv_referral_clear(&g);
		}
		fx_name_of(N - 1, "Kill", last, sizeof(last));
		cr_assert_eq(search(t.d, "name_dob", last, "1985-04-04"), 1);
		dasv_close(&t.d);
	}
	cr_log_info("%d of %d killed rotations left the old key, %d the new (one takes %.0f ms)",
		    kept_old, RUNS, got_new, took * 1000);
	cr_expect_gt(kept_old, 0, "no rotation was killed before it committed: nothing tested");
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK);
	th_as(&t, "admin");
}

Test(rekey, auditors_are_untouched)
{
	struct dasv_audit_result res;
	unsigned char *before, *after;
	size_t l1, l2;
	int64_t audrey;

	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	audrey = fx_user_id(t.d, "audrey");
	before = blob_of("SELECT wrapped FROM keyslots WHERE user_id = ?", audrey, &l1);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM users u JOIN keyslots k ON k.user_id = u.id "
				"WHERE u.id = ? AND u.pk IS NULL AND k.data_wrapped IS NULL",
				audrey),
		     1, "an auditor needs no key pair and holds no data key");
	rich(0);
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	after = blob_of("SELECT wrapped FROM keyslots WHERE user_id = ?", audrey, &l2);
	cr_expect(l1 == l2 && memcmp(before, after, l1) == 0, "the auditor's keyslot changed");
	free(before);
	free(after);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM keyslots WHERE user_id = ? AND "
				"(pending_data IS NOT NULL OR data_wrapped IS NOT NULL)",
				audrey),
		     0);
	th_as(&t, "audrey");
	cr_expect_eq(dasv_session_holds_data_key(t.d), 0);
	cr_expect_eq(dasv_audit_verify(t.d, &res), DASV_OK, "%s", dasv_errmsg(t.d));
}

/* ---- forgeries ------------------------------------------------------------- */

Test(rekey, a_swapped_public_key_is_refused_and_repaired_at_unlock)
{
	struct dasv_rekey_result res;
	char sql[200], detail[64];
	int64_t carol;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	/* someone who can write the file, but holds no data key, plants their own key */
	snprintf(sql, sizeof(sql), "UPDATE users SET pk = randomblob(32) WHERE id = %lld",
		 (long long)carol);
	exec_sql(t.path, sql);
	cr_assert_eq(dasv_rekey(t.d, &res), DASV_CORRUPT);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "carol"), "%s", dasv_errmsg(t.d));
	cr_expect_eq(generation(), 1);
	/* carol's next unlock puts her own key back */
	th_as(&t, "carol");
	fx_sql_text(t.path, "SELECT detail FROM audit_log WHERE action = 'unlock' ORDER BY id DESC",
		    0, detail, sizeof(detail));
	cr_expect_str_eq(detail, "pk=repaired");
	th_as(&t, "admin");
	cr_assert_eq(dasv_rekey(t.d, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(res.users_pending, 1);
	th_as(&t, "carol");
	cr_expect_eq(t.d->keys->generation, 2);
}

Test(rekey, a_forged_rotated_key_is_refused)
{
	unsigned char pk[DASV_BOX_PK_BYTES], fake[DASV_KEY_BYTES], *blob = NULL, *pkb;
	size_t len = 0, pklen = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t carol;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	rich(0);
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	/* anyone can seal to carol's public key: seal a key of one's own choosing */
	pkb = blob_of("SELECT pk FROM users WHERE id = ?", carol, &pklen);
	cr_assert_eq(pklen, sizeof(pk));
	memcpy(pk, pkb, sizeof(pk));
	free(pkb);
	randombytes_buf(fake, sizeof(fake));
	cr_assert_eq(dasv_pending_seal(pk, carol, fake, 2, &blob, &len), DASV_OK);
	cr_assert_eq(sqlite3_open(t.path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE keyslots SET pending_data = ? WHERE user_id = ?",
					-1, &st, NULL),
		     SQLITE_OK);
	sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, carol);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(blob);
	cr_expect_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_CORRUPT);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "does not open the records"), "%s",
			   dasv_errmsg(t.d));
	cr_expect_eq(dasv_is_unlocked(t.d), 0);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM keyslots WHERE user_id = ? AND "
					"data_wrapped IS NULL AND pending_data IS NOT NULL",
				carol),
		     1, "the refused key must not have been taken up");
	/* a key for another generation, or for another user, is refused too */
	th_as(&t, "admin");
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_pending_seal(pk, carol, t.d->keys->data, 2, &blob, &len), DASV_OK);
	cr_assert_eq(sqlite3_open(t.path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE keyslots SET pending_data = ? WHERE user_id = ?",
					-1, &st, NULL),
		     SQLITE_OK);
	sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, carol);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(blob);
	cr_expect_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_CORRUPT);
}

/* A keyslot from before key rotation (the data key inside it) is upgraded at unlock. */
Test(rekey, an_older_keyslot_is_upgraded_and_blocks_rotation_until_then)
{
	struct dasv_keyslot slot;
	struct dasv_keys *k = dasv_keys_new();
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char err[256] = "", detail[64];
	int64_t carol;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	cr_assert_not_null(k);
	memcpy(k->audit, t.d->keys->audit, DASV_KEY_BYTES);
	memcpy(k->data, t.d->keys->data, DASV_KEY_BYTES);
	k->has_data = 1;
	dasv_keys_derive(k);
	cr_assert_eq(dasv_keyslot_wrap(TH_PASS, carol, k, 1, 1, &slot, err, sizeof(err)), DASV_OK);
	cr_assert_eq(slot.wrapped_len, DASV_SEAL_OVERHEAD + 2 * DASV_KEY_BYTES);
	dasv_keys_free(&k);
	cr_assert_eq(sqlite3_open(t.path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db,
					"UPDATE keyslots SET wrapped = ?, salt = ?, data_wrapped = "
					"NULL, pending_data = NULL WHERE user_id = ?",
					-1, &st, NULL),
		     SQLITE_OK);
	sqlite3_bind_blob(st, 1, slot.wrapped, (int)slot.wrapped_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, slot.salt, DASV_SALT_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, carol);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_exec(db, "UPDATE users SET pk = NULL, pk_mac = NULL WHERE name = 'carol'",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(db);
	dasv_keyslot_clear(&slot);
	/* she cannot receive a rotated key yet: refuse, and say who */
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_INVALID);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "carol"), "%s", dasv_errmsg(t.d));
	cr_expect_eq(generation(), 1);
	th_as(&t, "carol");
	cr_expect_eq(dasv_session_holds_data_key(t.d), 1);
	fx_sql_text(t.path, "SELECT detail FROM audit_log WHERE action = 'unlock' ORDER BY id DESC",
		    0, detail, sizeof(detail));
	cr_expect_str_eq(detail, "slot=upgraded");
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT length(k.wrapped) FROM keyslots k WHERE k.user_id = ?", carol),
		     DASV_SEAL_OVERHEAD + 3 * DASV_KEY_BYTES);
	cr_expect_eq(fx_sql_int(t.path, "SELECT length(pk) FROM users WHERE id = ?", carol), 32);
	th_as(&t, "admin");
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	th_as(&t, "carol");
	cr_expect_eq(t.d->keys->generation, 2);
}

/* ---- revocation ------------------------------------------------------------- */

Test(revoke, disabling_rotates_so_the_revoked_key_opens_nothing_new)
{
	struct dasv_rekey_result res;
	unsigned char carol_field[DASV_KEY_BYTES];
	int64_t carol, dave, id, pid;
	unsigned char *rk;
	size_t len;
	char *pt = NULL;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "dave", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	dave = fx_user_id(t.d, "dave");
	/* what carol could have copied out of her process's memory */
	th_as(&t, "carol");
	memcpy(carol_field, t.d->keys->field, DASV_KEY_BYTES);
	th_as(&t, "admin");
	cr_assert_eq(dasv_user_revoke(t.d, "carol", 1, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(res.generation, 2);
	cr_expect_eq(res.users_pending, 1, "dave, not carol");
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM keyslots WHERE user_id = ?", carol), 0);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM keyslots WHERE user_id = ? AND "
					"pending_data IS NOT NULL",
				dave),
		     1);
	/* what is written from now on is out of reach of carol's copy */
	id = fx_quick(t.d, "Afterwards", "1960-06-06", "2026-06-10", NULL);
	pid = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", id);
	rk = blob_of("SELECT record_key FROM people WHERE id = ?", pid, &len);
	cr_expect_neq(dasv_crypto_open(carol_field, "people", "record_key", pid, rk, len, &pt, NULL),
		      DASV_OK);
	free(rk);
	cr_expect_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_AUTH);
	th_as(&t, "dave");
	cr_expect_eq(t.d->keys->generation, 2);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM audit_log WHERE action = "
					"'user_disable'",
				0),
		     1);
}

Test(revoke, no_rekey_only_disables)
{
	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	cr_assert_eq(dasv_user_revoke(t.d, "carol", 0, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(generation(), 1);
	cr_expect_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_AUTH);
	/* the last admin still cannot go, rotation or not */
	th_as(&t, "admin");
	cr_expect_eq(dasv_user_revoke(t.d, "admin", 1, NULL), DASV_INVALID);
	cr_expect_eq(generation(), 1);
}

/* ---- failed unlocks ------------------------------------------------------------ */

Test(unlock, failures_are_counted_and_reset_but_not_audited)
{
	int64_t audit, carol;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	audit = fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0);
	for (int i = 1; i <= 3; i++) {
		cr_assert_eq(dasv_unlock(t.d, "carol", "not her passphrase at all"), DASV_AUTH);
		cr_expect_str_eq(dasv_errmsg(t.d), "wrong user name or passphrase");
		cr_expect_eq(fx_sql_int(t.path, "SELECT failed_unlocks FROM users WHERE id = ?",
					carol),
			     i);
	}
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0), audit);
	/* an unknown name counts against no one */
	cr_assert_eq(dasv_unlock(t.d, "nobody", "not her passphrase at all"), DASV_AUTH);
	cr_expect_eq(fx_sql_int(t.path, "SELECT sum(failed_unlocks) FROM users", 0), 3);
	cr_assert_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(fx_sql_int(t.path, "SELECT failed_unlocks FROM users WHERE id = ?", carol), 0);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0), audit + 1);
}

Test(unlock, the_delay_grows_and_is_capped)
{
	const int want[] = { 0, 0, 0, 1, 2, 4, 8, 16, 30, 30 };

	for (int f = 0; f < 10; f++)
		cr_expect_eq(dasv_unlock_delay(f, 30), want[f], "%d failures", f);
	cr_expect_eq(dasv_unlock_delay(1000, 30), 30);
	cr_expect_eq(dasv_unlock_delay(-1, 30), 0);
	cr_expect_eq(dasv_unlock_delay(6, 5), 5);
	cr_expect_eq(dasv_unlock_delay(6, 0), 0, "0 turns it off");
	cr_expect_eq(dasv_unlock_delay(6, -3), 0);
}

Test(unlock, after_three_failures_the_next_attempt_waits)
{
	double t0, fast, slow;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(dasv_unlock(t.d, "carol", "not her passphrase at all"), DASV_AUTH);
	/* with the delay off (as in setup), an attempt costs one Argon2id run */
	t0 = now_s();
	cr_assert_eq(dasv_unlock(t.d, "carol", "not her passphrase at all"), DASV_AUTH);
	fast = now_s() - t0;
	th_as(&t, "admin");
	cr_assert_eq(dasv_setting_set(t.d, "unlock_delay_max", "1"), DASV_OK);
	dasv_lock(t.d);
	/* carol has 4 failures: the next attempt, even the right one, waits first */
	t0 = now_s();
	cr_assert_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_OK, "%s", dasv_errmsg(t.d));
	slow = now_s() - t0;
	cr_expect_geq(slow, fast + 0.9, "waited %.2f s (an attempt takes %.2f s)", slow, fast);
	cr_expect_eq(fx_sql_int(t.path, "SELECT failed_unlocks FROM users WHERE name = 'carol'", 0),
		     0);
}

/* ---- the shared host ---------------------------------------------------------- */

Test(shared, a_database_others_may_read_is_refused)
{
	struct dasv *d = NULL;

	dasv_close(&t.d);
	cr_assert_eq(chmod(t.path, 0644), 0);
	cr_assert_eq(dasv_open(t.path, 0, &d), DASV_DENIED);
	cr_expect_not_null(strstr(dasv_errmsg(d), "readable or writable by others"), "%s",
			   dasv_errmsg(d));
	cr_expect_not_null(strstr(dasv_errmsg(d), "0644"), "%s", dasv_errmsg(d));
	dasv_close(&d);
	cr_assert_eq(chmod(t.path, 0602), 0);
	cr_expect_eq(dasv_open(t.path, 0, &d), DASV_DENIED);
	dasv_close(&d);
	/* group access is a shared deployment, and fine */
	cr_assert_eq(chmod(t.path, 0660), 0);
	cr_expect_eq(dasv_open(t.path, 0, &d), DASV_OK, "%s", dasv_errmsg(d));
	dasv_close(&d);
	/* a directory others may write is refused too: they could plant the -wal file */
	cr_assert_eq(chmod(t.dir, 0703), 0);
	cr_expect_eq(dasv_open(t.path, 0, &d), DASV_DENIED);
	cr_expect_not_null(strstr(dasv_errmsg(d), "directory writable by others"), "%s",
			   dasv_errmsg(d));
	dasv_close(&d);
	cr_assert_eq(chmod(t.dir, 0700), 0);
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
}

static mode_t
mode_of(const char *path, gid_t *gid)
{
	struct stat sb;

	cr_assert_eq(stat(path, &sb), 0, "%s", path);
	if (gid)
		*gid = sb.st_gid;
	return sb.st_mode & 07777;
}

Test(shared, init_shared_gives_the_group_its_modes)
{
	char dir[160], path[200], side[220];
	struct dasv *d = NULL;
	gid_t g = 0;

	/* the current user's primary group: works without root */
	snprintf(dir, sizeof(dir), "%s/shared", t.dir);
	snprintf(path, sizeof(path), "%s/dasv.db", dir);
	cr_assert_eq(dasv_init_shared(path, "boss", TH_ADMIN_PASS, getgid(), &d), DASV_OK, "%s",
		     dasv_errmsg(d));
	dasv_close(&d);
	cr_expect_eq(mode_of(dir, &g), 02770, "directory mode %o", mode_of(dir, NULL));
	cr_expect_eq(g, getgid());
	cr_expect_eq(mode_of(path, &g), 0660, "file mode %o", mode_of(path, NULL));
	cr_expect_eq(g, getgid());
	/* SQLite gives the -wal and -shm the database's mode */
	cr_assert_eq(dasv_open(path, 0, &d), DASV_OK, "%s", dasv_errmsg(d));
	cr_assert_eq(dasv_unlock(d, "boss", TH_ADMIN_PASS), DASV_OK, "%s", dasv_errmsg(d));
	snprintf(side, sizeof(side), "%s-wal", path);
	cr_expect_eq(mode_of(side, NULL), 0660, "-wal mode %o", mode_of(side, NULL));
	snprintf(side, sizeof(side), "%s-shm", path);
	cr_expect_eq(mode_of(side, NULL), 0660, "-shm mode %o", mode_of(side, NULL));
	dasv_close(&d);
	/* an existing directory of ours is put right; a second database there is refused */
	cr_assert_eq(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/two.db", dir);
	cr_assert_eq(dasv_init_shared(path, "boss", TH_ADMIN_PASS, getgid(), &d), DASV_OK, "%s",
		     dasv_errmsg(d));
	dasv_close(&d);
	cr_expect_eq(mode_of(dir, NULL), 02770);
	cr_expect_eq(dasv_init_shared(path, "boss", TH_ADMIN_PASS, getgid(), &d), DASV_EXISTS);
	dasv_close(&d);
}
