/*
 * test_crash.c - a process killed (SIGKILL: no clean-up, no atexit) in the
 * middle of a bulk import or a key rotation leaves a database that opens,
 * passes PRAGMA integrity_check and whose audit chain verifies, with every
 * referral acknowledged before the kill present and opening to what was
 * written, and the interrupted operation either wholly done or not at all.
 *
 * "Acknowledged" is what a user was told was saved: the referrals committed
 * before the import started, plus the import's own rows if and only if its
 * transaction committed (an import is one transaction: all rows or none).
 *
 * The kills land at random points spread over the time the operation takes
 * here (measured first), from before it starts writing to after it commits,
 * so both outcomes are seen.  The random sequence is seeded: a failure is
 * reported with the seed, and DASV_CRASH_SEED=N reproduces the same delays.
 * tests/test_keyops.c kills a rotation at 8 points; this goes further: more
 * runs, a user with a pending key, and "wholly or not at all" checked on the
 * stored bytes of every record key and keyslot.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "io.h"
#include "keyops.h"
#include "referral_fixtures.h"
#include "referral_int.h"

static struct th t;
static unsigned seed;

static void
setup(void)
{
	const char *s = getenv("DASV_CRASH_SEED");

	fx_today(FX_TODAY);
	th_setup(&t);
	cr_assert_eq(dasv_setting_set(t.d, "unlock_delay_max", "0"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	seed = s && *s ? (unsigned)strtoul(s, NULL, 10) : 20260615u;
	srand(seed);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(crash, .init = setup, .fini = teardown);

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
frand(void)
{
	return (double)rand() / RAND_MAX;
}

/* PRAGMA integrity_check through a connection of its own. */
static void
assert_integrity(int run)
{
	char ok[64];

	fx_sql_text(t.path, "PRAGMA integrity_check", 0, ok, sizeof(ok));
	cr_assert_str_eq(ok, "ok", "run %d (seed %u): integrity_check says %s", run, seed, ok);
}

static void
assert_audit(int run)
{
	struct dasv_audit_result ar;

	cr_assert_eq(dasv_audit_verify(t.d, &ar), DASV_OK, "run %d (seed %u): %s (entry %lld: %s)",
		     run, seed, dasv_errmsg(t.d), (long long)ar.first_bad_id, ar.reason);
}

/*
 * Fork a child that opens the database, unlocks as admin, says so on a pipe
 * and runs op; the parent waits for that word, sleeps delay_us and kills it
 * (delay_us < 0: lets it finish).  Returns 1 when the child was killed, 0 when
 * it had finished (then it must have succeeded); *took is the time from the
 * word to the end.
 */
static int
run_child(void (*op)(struct dasv *, void *), void *ctx, long delay_us, int run, double *took)
{
	int fds[2], status = 0;
	double t0;
	pid_t pid;
	char go;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct dasv *d = NULL;

		close(fds[0]);
		if (dasv_open(t.path, 0, &d) != DASV_OK ||
		    dasv_unlock(d, "admin", TH_ADMIN_PASS) != DASV_OK)
			_exit(2);
		if (write(fds[1], "g", 1) != 1)
			_exit(3);
		op(d, ctx);
		dasv_close(&d);
		_exit(0); /* op _exits non-zero itself on failure */
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], &go, 1), 1, "run %d: the child did not unlock", run);
	close(fds[0]);
	t0 = now_s();
	if (delay_us >= 0) {
		usleep((useconds_t)delay_us);
		kill(pid, SIGKILL);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	if (took)
		*took = now_s() - t0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && delay_us >= 0)
		return 1;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "run %d: the child failed on its own (status %#x)", run, status);
	return 0;
}

/*
 * How long op takes in a child, under the same load as the runs to come:
 * the kills are spread over this (two runs, the longer one).
 */
static double
calibrate(void (*op)(struct dasv *, void *), void *ctx, void (*before_each)(void *))
{
	double a = 0, b = 0;

	if (before_each)
		before_each(ctx);
	run_child(op, ctx, -1, 0, &a);
	if (before_each)
		before_each(ctx);
	run_child(op, ctx, -1, 0, &b);
	return a > b ? a : b;
}

/* ---- a bulk import killed ------------------------------------------------- */

enum { IMPORT_ROWS = 250, IMPORT_RUNS = 30 };

static const char import_header[] =
	"received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,"
	"phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,"
	"children_count,dash_answers,notes\n";

/* Row k of import number `batch`: its own person, perpetrator and markers. */
static void
import_marks(int batch, int k, char *last, size_t lastsz, char *note, size_t notesz)
{
	fx_name_of(batch * IMPORT_ROWS + k, "Imp", last, lastsz);
	snprintf(note, notesz, "import-%d-row-%d", batch, k);
}

static void
write_import(const char *path, int batch)
{
	FILE *f = fopen(path, "w");
	char last[32], note[48];

	cr_assert_not_null(f);
	fputs(import_header, f);
	for (int k = 0; k < IMPORT_ROWS; k++) {
		import_marks(batch, k, last, sizeof(last), note, sizeof(note));
		fprintf(f,
			"2026-06-01,police,DA,domestic_abuse,cambridge,Ivy,%s,1985-0%d-1%d,"
			"07700 9%05d,CB1 2AB,\"Text first, never call\",Perp %s,partner,%d,"
			"YYYYNNNNNNNNNNNNNNNNNNNN,%s\n",
			last, 1 + k % 9, k % 10, batch * IMPORT_ROWS + k, last, k % 3, note);
	}
	cr_assert_eq(fclose(f), 0);
}

struct import_job {
	char csv[200];
};

static void
import_op(struct dasv *d, void *ctx)
{
	struct import_job *job = ctx;
	struct dasv_import_result res;
	FILE *f = fopen(job->csv, "r");

	if (!f || dasv_import_csv(d, f, &res) != DASV_OK || res.imported != IMPORT_ROWS)
		_exit(4);
	fclose(f);
}

/* Every referral of the batch, from first_id on, opens to its row. */
static void
check_batch(int batch, int64_t first_id, int run)
{
	char last[32], note[48], perp[48];

	for (int k = 0; k < IMPORT_ROWS; k++) {
		struct dasv_referral r;

		import_marks(batch, k, last, sizeof(last), note, sizeof(note));
		snprintf(perp, sizeof(perp), "Perp %s", last);
		memset(&r, 0, sizeof(r));
		cr_assert_eq(dasv_referral_load(t.d, first_id + k, &r), DASV_OK,
			     "run %d (seed %u): referral %lld of import %d: %s", run, seed,
			     (long long)(first_id + k), batch, dasv_errmsg(t.d));
		cr_assert_str_eq(r.person.last_name, last, "run %d: referral %lld", run,
				 (long long)(first_id + k));
		cr_assert_str_eq(r.notes, note);
		cr_assert_str_eq(r.perpetrator_name, perp);
		cr_assert_str_eq(r.person.safe_contact, "Text first, never call");
		cr_assert_eq(r.dash_score, 4);
		dasv_referral_clear(&r);
	}
}

Test(crash, an_import_killed_at_random_points_is_all_or_nothing, .timeout = 600)
{
	struct import_job job;
	/* the committed imports: which batch's file, and the id of its first row */
	int64_t batch_first[IMPORT_RUNS + 2];
	int batch_no[IMPORT_RUNS + 2], nbatches = 0, killed_before = 0, killed_after = 0,
				       finished = 0;
	double span = 0;

	snprintf(job.csv, sizeof(job.csv), "%s/import.csv", t.dir);
	dasv_close(&t.d);
	/* two imports left to finish: acknowledged data, and how long one takes */
	for (int cal = 0; cal < 2; cal++) {
		double took = 0;

		batch_first[nbatches] =
			fx_sql_int(t.path, "SELECT coalesce(max(id), 0) FROM referrals", 0) + 1;
		write_import(job.csv, cal);
		run_child(import_op, &job, -1, 0, &took);
		batch_no[nbatches++] = cal;
		span = took > span ? took : span;
	}

	for (int run = 1; run <= IMPORT_RUNS; run++) {
		int batch = run + 1;
		int64_t before = fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0);
		int64_t people = fx_sql_int(t.path, "SELECT count(*) FROM people", 0);
		int64_t perps = fx_sql_int(t.path, "SELECT count(*) FROM perpetrators", 0);
		int64_t dashes = fx_sql_int(t.path, "SELECT count(*) FROM assessments", 0);
		int64_t imports = fx_sql_int(t.path,
					     "SELECT count(*) FROM audit_log WHERE action = 'import'", 0);
		int64_t maxid = fx_sql_int(t.path, "SELECT coalesce(max(id), 0) FROM referrals", 0);
		/* from before the transaction starts to after it commits */
		long delay_us = (long)(span * 1.25e6 * (run - 1 + frand()) / IMPORT_RUNS);
		int64_t after, got;
		int was_killed;

		write_import(job.csv, batch);
		was_killed = run_child(import_op, &job, delay_us, run, NULL);
		cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "run %d: %s", run,
			     dasv_errmsg(t.d));
		assert_integrity(run);
		th_as(&t, "admin");
		after = fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0);
		got = after - before;
		cr_assert(got == 0 || got == IMPORT_ROWS,
			  "run %d (seed %u, kill after %ld us): %lld of %d rows imported", run, seed,
			  delay_us, (long long)got, IMPORT_ROWS);
		cr_assert(was_killed || got == IMPORT_ROWS, "run %d: finished but imported nothing",
			  run);
		/* nothing half-made beside the referrals either */
		cr_assert_eq(fx_sql_int(t.path, "SELECT count(*) FROM people", 0),
			     people + (got ? IMPORT_ROWS : 0), "run %d: people", run);
		cr_assert_eq(fx_sql_int(t.path, "SELECT count(*) FROM perpetrators", 0),
			     perps + (got ? IMPORT_ROWS : 0), "run %d: perpetrators", run);
		cr_assert_eq(fx_sql_int(t.path, "SELECT count(*) FROM assessments", 0),
			     dashes + (got ? IMPORT_ROWS : 0), "run %d: assessments", run);
		cr_assert_eq(fx_sql_int(t.path,
					"SELECT count(*) FROM audit_log WHERE action = 'import'", 0),
			     imports + (got ? 1 : 0), "run %d: the import's audit entry", run);
		if (got) {
			cr_assert_eq(fx_sql_int(t.path, "SELECT min(id) FROM referrals WHERE id > ?",
						maxid),
				     maxid + 1);
			batch_first[nbatches] = maxid + 1;
			batch_no[nbatches++] = batch;
		}
		if (!was_killed)
			finished++;
		else if (got)
			killed_after++;
		else
			killed_before++;
		/* every acknowledged referral, of every committed import, opens as written */
		for (int b = 0; b < nbatches; b++)
			check_batch(batch_no[b], batch_first[b], run);
		assert_audit(run);
		dasv_close(&t.d);
	}
	cr_log_info("import of %d rows (%.0f ms in a child here), killed %d times: %d left "
		    "nothing, %d had committed; %d finished first (seed %u)",
		    IMPORT_ROWS, span * 1000, IMPORT_RUNS - finished, killed_before, killed_after,
		    finished, seed);
	cr_expect_geq(killed_before, IMPORT_RUNS / 2, "too few kills inside the import");
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK);
}

/* ---- a key rotation killed ------------------------------------------------ */

enum { REKEY_PEOPLE = 150, REKEY_RUNS = 30 };

static void
rekey_op(struct dasv *d, void *ctx)
{
	(void)ctx;
	if (dasv_rekey(d, NULL) != DASV_OK)
		_exit(4);
}

/* Every stored key blob, in a fixed order: record keys, then keyslots. */
struct keyblobs {
	size_t n;
	size_t len[2 * REKEY_PEOPLE + 8];
	unsigned char *v[2 * REKEY_PEOPLE + 8];
};

static void
keyblobs_read(struct keyblobs *kb)
{
	static const char sql[] =
		"SELECT record_key FROM (SELECT 0 AS t, id, record_key FROM people UNION ALL "
		"SELECT 1, id, record_key FROM perpetrators UNION ALL "
		"SELECT 2, user_id, coalesce(data_wrapped, x'') || x'00' || "
		"coalesce(pending_data, x'') FROM keyslots) ORDER BY t, id";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = fx_sql_prepare(&db, t.path, sql, 0);

	memset(kb, 0, sizeof(*kb));
	while (sqlite3_step(st) == SQLITE_ROW) {
		cr_assert_lt(kb->n, sizeof(kb->v) / sizeof(kb->v[0]));
		kb->len[kb->n] = (size_t)sqlite3_column_bytes(st, 0);
		kb->v[kb->n] = malloc(kb->len[kb->n] + 1);
		cr_assert_not_null(kb->v[kb->n]);
		memcpy(kb->v[kb->n], sqlite3_column_blob(st, 0), kb->len[kb->n]);
		kb->n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
keyblobs_free(struct keyblobs *kb)
{
	for (size_t i = 0; i < kb->n; i++)
		free(kb->v[i]);
	kb->n = 0;
}

/* How many of the stored key blobs differ from before. */
static size_t
keyblobs_changed(const struct keyblobs *a, const struct keyblobs *b)
{
	size_t changed = 0;

	cr_assert_eq(a->n, b->n, "key rows appeared or vanished");
	for (size_t i = 0; i < a->n; i++)
		changed += a->len[i] != b->len[i] || memcmp(a->v[i], b->v[i], a->len[i]) != 0;
	return changed;
}

static void
rekey_marks(int i, char *last, size_t lastsz, char *note, size_t notesz)
{
	fx_name_of(i, "Rot", last, lastsz);
	snprintf(note, notesz, "rotation-marker-%d", i);
}

static void
check_people(int64_t ids[REKEY_PEOPLE], int run)
{
	char last[32], note[48], perp[48], cnote[48];

	for (int i = 0; i < REKEY_PEOPLE; i++) {
		struct dasv_referral r;

		rekey_marks(i, last, sizeof(last), note, sizeof(note));
		snprintf(perp, sizeof(perp), "Perp %s", last);
		memset(&r, 0, sizeof(r));
		cr_assert_eq(dasv_referral_load(t.d, ids[i], &r), DASV_OK,
			     "run %d (seed %u), referral %d: %s", run, seed, i, dasv_errmsg(t.d));
		cr_assert_str_eq(r.person.last_name, last);
		cr_assert_str_eq(r.notes, note);
		cr_assert_str_eq(r.perpetrator_name, perp);
		dasv_referral_clear(&r);
		if (i % 4 == 0) {
			struct dasv_event *ev = NULL;
			size_t n = 0;
			int found = 0;

			snprintf(cnote, sizeof(cnote), "case-note-%d", i);
			cr_assert_eq(dasv_timeline_load(t.d, ids[i], 0, 20, &ev, &n), DASV_OK, "%s",
				     dasv_errmsg(t.d));
			for (size_t k = 0; k < n; k++)
				found |= ev[k].body && strcmp(ev[k].body, cnote) == 0;
			dasv_events_free(&ev, n);
			cr_assert(found, "run %d: case note of %d lost", run, i);
		}
	}
}

Test(crash, a_rotation_killed_at_random_points_is_wholly_done_or_not_at_all, .timeout = 600)
{
	int64_t ids[REKEY_PEOPLE];
	char last[32], note[48], perp[48];
	int kept_old = 0, got_new = 0, finished = 0;
	double took;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	for (int i = 0; i < REKEY_PEOPLE; i++) {
		struct dasv_referral r;

		rekey_marks(i, last, sizeof(last), note, sizeof(note));
		snprintf(perp, sizeof(perp), "Perp %s", last);
		fx_referral(&r, "Rowan", last, "1977-07-07", NULL);
		fx_set(&r.notes, note);
		fx_set(&r.perpetrator_name, perp);
		ids[i] = fx_create(t.d, &r, NULL);
		dasv_referral_clear(&r);
		if (i % 4 == 0) {
			snprintf(note, sizeof(note), "case-note-%d", i);
			cr_assert_eq(dasv_note_add(t.d, ids[i], note), DASV_OK, "%s",
				     dasv_errmsg(t.d));
		}
	}
	dasv_close(&t.d);
	/* two rotations left to finish: how long one takes in a child here */
	took = calibrate(rekey_op, NULL, NULL);

	for (int run = 1; run <= REKEY_RUNS; run++) {
		struct keyblobs before, after;
		int64_t gen_before = fx_sql_int(t.path, "SELECT value FROM settings WHERE key = "
							"'key_generation'",
						0);
		int64_t gen_after;
		/*
		 * The commit comes early: most of a rotation's time is the checkpoint
		 * after it, which empties the WAL of the old ciphertexts.  Spread the
		 * kills as the square of a uniform draw, so both sides get many.
		 */
		double u = (run - 1 + frand()) / REKEY_RUNS;
		long delay_us = (long)(took * 1.1e6 * u * u);
		size_t changed;
		int was_killed;

		keyblobs_read(&before);
		was_killed = run_child(rekey_op, NULL, delay_us, run, NULL);
		cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "run %d: %s", run,
			     dasv_errmsg(t.d));
		assert_integrity(run);
		/* the admin's own key must be of the generation the database is at */
		cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_OK,
			     "run %d (seed %u, kill after %ld us): %s", run, seed, delay_us,
			     dasv_errmsg(t.d));
		gen_after = fx_sql_int(t.path, "SELECT value FROM settings WHERE key = "
					       "'key_generation'",
				       0);
		cr_assert(gen_after == gen_before || gen_after == gen_before + 1,
			  "run %d: generation %lld after %lld", run, (long long)gen_after,
			  (long long)gen_before);
		cr_assert(was_killed || gen_after == gen_before + 1,
			  "run %d: the rotation finished but nothing changed", run);
		cr_assert_eq(t.d->keys->generation, gen_after);
		cr_assert_eq(fx_sql_int(t.path,
					"SELECT count(*) FROM audit_log WHERE action = 'rekey'", 0),
			     gen_after - 1, "run %d: audit and generation disagree", run);
		/* wholly or not at all, on the stored bytes */
		keyblobs_read(&after);
		changed = keyblobs_changed(&before, &after);
		if (gen_after == gen_before)
			cr_assert_eq(changed, 0, "run %d (seed %u, kill after %ld us): %zu key rows "
						 "changed though the rotation did not happen",
				     run, seed, delay_us, changed);
		else
			cr_assert_eq(changed, before.n,
				     "run %d (seed %u, kill after %ld us): only %zu of %zu key rows "
				     "rotated",
				     run, seed, delay_us, changed, before.n);
		keyblobs_free(&before);
		keyblobs_free(&after);
		/* carol, who has not unlocked, has the new key waiting, and no old one */
		if (gen_after != gen_before)
			cr_assert_eq(fx_sql_int(t.path,
						"SELECT count(*) FROM keyslots k JOIN users u ON "
						"u.id = k.user_id WHERE u.name = 'carol' AND "
						"k.pending_data IS NOT NULL AND k.data_wrapped IS NULL",
						0),
				     1, "run %d", run);
		check_people(ids, run);
		{
			struct dasv_row rows[4];
			size_t n = 0;

			fx_name_of(run % REKEY_PEOPLE, "Rot", last, sizeof(last));
			cr_assert_eq(dasv_search(t.d, "name_dob", last, "1977-07-07", rows, 4, &n),
				     DASV_OK, "%s", dasv_errmsg(t.d));
			dasv_rows_wipe(rows, n);
			cr_assert_eq(n, 1, "run %d: the blind index of %s is stale", run, last);
		}
		assert_audit(run);
		/* now and then carol takes up what is waiting for her */
		if (run % 8 == 0) {
			th_as(&t, "carol");
			cr_assert_eq(t.d->keys->generation, gen_after);
		}
		kept_old += was_killed && gen_after == gen_before;
		got_new += was_killed && gen_after != gen_before;
		finished += !was_killed;
		dasv_close(&t.d);
	}
	cr_log_info("rotation of %d people (%.0f ms in a child here), killed %d times: %d kept the old key, "
		    "%d had committed the new; %d finished first (seed %u)",
		    REKEY_PEOPLE, took * 1000, REKEY_RUNS - finished, kept_old, got_new, finished,
		    seed);
	cr_expect_geq(kept_old, REKEY_RUNS / 4, "too few kills inside the rotation");
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK);
}
