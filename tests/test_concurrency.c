/*
 * test_concurrency.c - many writers on one database at once, as on the shared
 * SSH host: eight processes, each with its own handle and its own unlocked
 * supervisor, create 250 referrals each and meanwhile edit one another's.
 *
 * Afterwards: exactly 2 000 referrals, each opening to what its writer wrote;
 * every edit a writer was told had landed is present (an edit based on a stale
 * read must come back DASV_CONFLICT and be redone on a fresh read, never
 * silently overwrite another's); no writer ever saw DASV_BUSY ("the database
 * is busy"): BEGIN IMMEDIATE and the busy timeout must queue them instead;
 * PRAGMA integrity_check is ok and the audit chain verifies.
 *
 * The children report to the parent through files, not criterion asserts
 * (an assert in a forked child would not reach the runner).
 */
#include <criterion/criterion.h>

#include <errno.h>
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
#include "keyops.h"
#include "referral_fixtures.h"
#include "referral_int.h"

enum {
	WRITERS = 8,
	EACH = 250,      /* referrals created by each writer */
	UPDATE_EVERY = 2, /* after every 2nd create, edit someone else's referral */
	HOT = 6,         /* half the edits go to the first few referrals: contention */
};

static struct th t;

static void
setup(void)
{
	fx_today(FX_TODAY);
	th_setup(&t);
	cr_assert_eq(dasv_setting_set(t.d, "unlock_delay_max", "0"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(concurrency, .init = setup, .fini = teardown);

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- one writer, in its own process ------------------------------------ */

struct writer {
	int no;
	FILE *log;       /* "U id tag" per edit that landed, "E message" on failure */
	struct dasv *d;
	int conflicts;
	int updates;
};

static void
writer_fail(struct writer *w, const char *what, enum dasv_status st)
{
	fprintf(w->log, "E writer %d: %s: %s (%s)\n", w->no, what, dasv_status_str(st),
		dasv_errmsg(w->d));
	fclose(w->log);
	_exit(st == DASV_BUSY ? 75 : 1);
}

/* A referral someone else created: one of the first few, or any. */
static int64_t
pick_other(struct writer *w, int hot)
{
	static const char any[] = "SELECT id FROM referrals WHERE created_by <> ?1 "
				  "ORDER BY random() LIMIT 1";
	static const char first[] = "SELECT id FROM (SELECT id FROM referrals WHERE "
				    "created_by <> ?1 ORDER BY id LIMIT ?2) ORDER BY random() LIMIT 1";
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	/* a plain read on the writer's own connection, outside any transaction */
	rc = sqlite3_prepare_v2(w->d->db, hot ? first : any, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		fprintf(w->log, "E writer %d: prepare: %s\n", w->no, sqlite3_errmsg(w->d->db));
		fclose(w->log);
		_exit(1);
	}
	sqlite3_bind_int64(st, 1, dasv_session_user_id(w->d));
	sqlite3_bind_int(st, 2, HOT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		fprintf(w->log, "E writer %d: pick: %s (rc %d)\n", w->no, sqlite3_errmsg(w->d->db),
			rc);
		fclose(w->log);
		_exit(rc == SQLITE_BUSY ? 75 : 1);
	}
	sqlite3_finalize(st);
	return id;
}

/*
 * Append a tag to another writer's referral's notes, as a supervisor editing
 * it on screen would: read, change, save with the version read.  A conflict
 * means someone saved in between: read again and redo the edit on top.
 */
static void
edit_other(struct writer *w, int64_t id, int k)
{
	struct dasv_referral r;
	struct dasv_field_err fe;
	enum dasv_status st;
	char tag[32], *notes;
	size_t len;

	snprintf(tag, sizeof(tag), " upd-%d-%d;", w->no, k);
	for (int attempt = 0;; attempt++) {
		memset(&r, 0, sizeof(r));
		if ((st = dasv_referral_get(w->d, id, NULL, &r)) != DASV_OK)
			writer_fail(w, "get", st);
		len = (r.notes ? strlen(r.notes) : 0) + strlen(tag) + 1;
		if (!(notes = malloc(len)))
			_exit(1);
		snprintf(notes, len, "%s%s", r.notes ? r.notes : "", tag);
		dasv_str_free(&r.notes);
		r.notes = notes;
		/* widen the window between read and save, so edits do collide */
		if (attempt == 0 && k % 2 == 0)
			usleep(5000);
		memset(&fe, 0, sizeof(fe));
		st = dasv_referral_update(w->d, &r, &fe);
		dasv_referral_clear(&r);
		if (st == DASV_OK)
			break;
		if (st != DASV_CONFLICT || attempt > 200)
			writer_fail(w, "update", st);
		w->conflicts++;
	}
	w->updates++;
	fprintf(w->log, "U %lld%s\n", (long long)id, tag);
}

static void
writer_run(int no, const char *dbpath, const char *logpath, int ready_fd, int go_fd)
{
	struct writer w = { .no = no };
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;
	enum dasv_status st;
	char user[16], last[32], note[48], c = 0;

	if (!(w.log = fopen(logpath, "w")))
		_exit(1);
	setvbuf(w.log, NULL, _IOLBF, 0);
	snprintf(user, sizeof(user), "sup%d", no);
	if ((st = dasv_open(dbpath, 0, &w.d)) != DASV_OK)
		writer_fail(&w, "open", st);
	if ((st = dasv_unlock(w.d, user, TH_PASS)) != DASV_OK)
		writer_fail(&w, "unlock", st);
	/* everyone starts writing at the same moment */
	if (write(ready_fd, "r", 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(1);
	for (int j = 0; j < EACH; j++) {
		fx_name_of(no * EACH + j, "Conc", last, sizeof(last));
		fx_referral(&r, "Writer", last, "1980-01-01", NULL);
		snprintf(note, sizeof(note), "conc-%d-%d;", no, j);
		fx_set(&r.notes, note);
		memset(&fe, 0, sizeof(fe));
		memset(&res, 0, sizeof(res));
		st = dasv_referral_create(w.d, &r, &fe, &res);
		dasv_referral_clear(&r);
		if (st != DASV_OK)
			writer_fail(&w, "create", st);
		fprintf(w.log, "C %lld %d\n", (long long)res.id, j);
		if (j % UPDATE_EVERY == UPDATE_EVERY - 1) {
			int64_t other = pick_other(&w, (j / UPDATE_EVERY) % 2);

			if (other)
				edit_other(&w, other, j / UPDATE_EVERY);
		}
	}
	fprintf(w.log, "S %d %d\n", w.updates, w.conflicts);
	fclose(w.log);
	dasv_close(&w.d);
	_exit(0);
}

/* ---- the parent checks what they left -------------------------------- */

struct edit {
	int64_t id;
	char tag[32];
};

Test(concurrency, eight_writers_lose_nothing_and_never_see_busy, .timeout = 300)
{
	pid_t pids[WRITERS];
	char logpath[WRITERS][160], line[200], last[32], want[48], detail[160];
	int ready[2], go[2], status;
	struct edit *edits = NULL;
	size_t nedits = 0, capedits = 0;
	int64_t created[WRITERS] = { 0 }, updates = 0, conflicts = 0, total;
	struct dasv_audit_result ar;
	double t0, took;
	char c;

	for (int i = 0; i < WRITERS; i++) {
		char user[16];

		snprintf(user, sizeof(user), "sup%d", i);
		th_add_user(&t, user, DASV_ROLE_SUPERVISOR);
		snprintf(logpath[i], sizeof(logpath[i]), "%s/writer%d.log", t.dir, i);
	}
	/* no connection may cross a fork: the parent closes its own first */
	dasv_close(&t.d);
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(go), 0);
	for (int i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		cr_assert_geq(pids[i], 0);
		if (pids[i] == 0) {
			close(ready[0]);
			close(go[1]);
			writer_run(i, t.path, logpath[i], ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	for (int i = 0; i < WRITERS; i++)
		if (read(ready[0], &c, 1) != 1)
			break; /* a writer died before it was ready: its log says why */
	t0 = now_s();
	for (int i = 0; i < WRITERS; i++)
		if (write(go[1], "g", 1) != 1)
			break;
	close(go[1]);
	close(ready[0]);
	for (int i = 0; i < WRITERS; i++) {
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			FILE *f = fopen(logpath[i], "r");

			while (f && fgets(line, sizeof(line), f))
				if (line[0] == 'E')
					cr_log_error("%s", line);
			if (f)
				fclose(f);
		}
		cr_expect(!(WIFEXITED(status) && WEXITSTATUS(status) == 75),
			  "writer %d was told the database is busy", i);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "writer %d failed (status %#x): see the log above", i, status);
	}
	took = now_s() - t0;

	/* what each writer was told had happened */
	for (int i = 0; i < WRITERS; i++) {
		FILE *f = fopen(logpath[i], "r");
		int su = 0, sc = 0;

		cr_assert_not_null(f);
		while (fgets(line, sizeof(line), f)) {
			long long id;
			char tag[32];

			if (line[0] == 'C') {
				created[i]++;
			} else if (line[0] == 'U' && sscanf(line, "U %lld %31s", &id, tag) == 2) {
				if (nedits == capedits) {
					capedits = capedits ? 2 * capedits : 256;
					edits = realloc(edits, capedits * sizeof(*edits));
					cr_assert_not_null(edits);
				}
				edits[nedits].id = id;
				snprintf(edits[nedits].tag, sizeof(edits[nedits].tag), " %.30s", tag);
				nedits++;
			} else if (line[0] == 'S') {
				cr_assert_eq(sscanf(line, "S %d %d", &su, &sc), 2);
				updates += su;
				conflicts += sc;
			}
		}
		fclose(f);
		cr_assert_eq(created[i], EACH, "writer %d created %lld", i, (long long)created[i]);
	}
	cr_assert_eq((int64_t)nedits, updates);
	cr_assert_gt(nedits, (size_t)(WRITERS * EACH / UPDATE_EVERY) * 3 / 4,
		     "too few edits (%zu) to test anything", nedits);

	/* the database itself: whole, and exactly what was written */
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	fx_sql_text(t.path, "PRAGMA integrity_check", 0, line, sizeof(line));
	cr_assert_str_eq(line, "ok");
	th_as(&t, "admin");
	total = fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0);
	cr_assert_eq(total, WRITERS * EACH, "%lld referrals", (long long)total);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(DISTINCT created_by) FROM referrals", 0),
		     WRITERS);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM audit_log WHERE action = 'referral_update'", 0),
		     updates, "one audit entry per edit that landed");
	for (int64_t id = 1; id <= total; id++) {
		struct dasv_referral r;
		int no = -1, j = -1;
		char *semi;

		memset(&r, 0, sizeof(r));
		cr_assert_eq(dasv_referral_load(t.d, id, &r), DASV_OK, "referral %lld: %s",
			     (long long)id, dasv_errmsg(t.d));
		cr_assert_not_null(r.notes);
		cr_assert_eq(sscanf(r.notes, "conc-%d-%d;", &no, &j), 2, "referral %lld: notes lost",
			     (long long)id);
		fx_name_of(no * EACH + j, "Conc", last, sizeof(last));
		cr_assert_str_eq(r.person.last_name, last);
		snprintf(want, sizeof(want), "conc-%d-%d;", no, j);
		semi = strstr(r.notes, want);
		cr_assert(semi == r.notes, "referral %lld: its creation note is not first",
			  (long long)id);
		dasv_referral_clear(&r);
	}
	/* every edit a writer was told landed is there: none overwritten by a stale save */
	for (size_t e = 0; e < nedits; e++) {
		struct dasv_referral r;

		memset(&r, 0, sizeof(r));
		cr_assert_eq(dasv_referral_load(t.d, edits[e].id, &r), DASV_OK, "%s",
			     dasv_errmsg(t.d));
		cr_assert_not_null(strstr(r.notes, edits[e].tag),
				   "edit '%s' to referral %lld was lost", edits[e].tag,
				   (long long)edits[e].id);
		dasv_referral_clear(&r);
	}
	free(edits);
	cr_assert_eq(dasv_audit_verify(t.d, &ar), DASV_OK, "%s (entry %lld: %s)", dasv_errmsg(t.d),
		     (long long)ar.first_bad_id, ar.reason);
	snprintf(detail, sizeof(detail), "%lld", (long long)ar.entries);
	cr_log_info("%d writers: %d referrals and %zu edits (%lld conflicts redone) in %.1f s; "
		    "%s audit entries verify",
		    WRITERS, WRITERS * EACH, nedits, (long long)conflicts, took, detail);
	/* the stale-save check was exercised, not just present */
	cr_expect_gt(conflicts, 0, "no edit ever collided: the conflict path went untested");
}

/* ---- a rotation while others work -------------------------------------- */

/*
 * A session that unlocked before an admin rotated the data key holds a key
 * that no longer matches the database.  It must never act on it: it either
 * gets the right answer or DASV_LOCKED ("unlock again").  Checking a new
 * referral against earlier ones (the intake's repeat-victim warning) with the
 * old blind key finds nothing, so answering "no earlier referrals" would hide
 * a repeat victim: a MARAC criterion.
 */
Test(concurrency, a_session_from_before_a_rotation_is_never_told_no_match)
{
	struct dasv *other = NULL;
	struct dasv_referral r;
	struct dasv_match m[4];
	size_t n = 99;
	enum dasv_status st;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	fx_quick(t.d, "Repeatvictim", "1979-03-03", "2026-05-01", NULL);
	cr_assert_eq(dasv_open(t.path, 0, &other), DASV_OK, "%s", dasv_errmsg(other));
	cr_assert_eq(dasv_unlock(other, "carol", TH_PASS), DASV_OK, "%s", dasv_errmsg(other));
	fx_referral(&r, "Alex", "Repeatvictim", "1979-03-03", NULL);
	/* control: before the rotation carol is told of the earlier referral */
	cr_assert_eq(dasv_person_matches(other, &r.person, m, 4, &n), DASV_OK, "%s",
		     dasv_errmsg(other));
	cr_assert_eq(n, 1);
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	n = 99;
	st = dasv_person_matches(other, &r.person, m, 4, &n);
	cr_expect(st == DASV_LOCKED || (st == DASV_OK && n == 1),
		  "after a rotation a stale session was told %zu earlier referrals (%s: %s)", n,
		  dasv_status_str(st), dasv_errmsg(other));
	dasv_referral_clear(&r);
	dasv_close(&other);
}

enum { ROT_WRITERS = 4, ROT_EACH = 100, ROT_REKEYS = 3 };

/* A caseworker creating referrals and reading them back while keys rotate. */
static void
rot_writer(int no, const char *dbpath, const char *logpath, int ready_fd, int go_fd)
{
	struct writer w = { .no = no };
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;
	struct dasv_row rows[10];
	enum dasv_status st;
	char user[16], last[32], note[48], c = 0;
	int relocks = 0;
	size_t n;

	if (!(w.log = fopen(logpath, "w")))
		_exit(1);
	setvbuf(w.log, NULL, _IOLBF, 0);
	snprintf(user, sizeof(user), "cw%d", no);
	if ((st = dasv_open(dbpath, 0, &w.d)) != DASV_OK)
		writer_fail(&w, "open", st);
	if ((st = dasv_unlock(w.d, user, TH_PASS)) != DASV_OK)
		writer_fail(&w, "unlock", st);
	if (write(ready_fd, "r", 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(1);
	for (int j = 0; j < ROT_EACH; j++) {
		int64_t id = 0;

		fx_name_of(no * ROT_EACH + j, "Rot", last, sizeof(last));
		snprintf(note, sizeof(note), "rot-%d-%d", no, j);
		/* each step again after "unlock again": what a user does on that message */
		for (int step = 0; step < 3;) {
			if (step == 0) {
				fx_referral(&r, "Writer", last, "1981-01-01", NULL);
				fx_set(&r.notes, note);
				memset(&res, 0, sizeof(res));
				st = dasv_referral_create(w.d, &r, &fe, &res);
				dasv_referral_clear(&r);
				id = res.id;
			} else if (step == 1) {
				memset(&r, 0, sizeof(r));
				st = dasv_referral_get(w.d, id, NULL, &r);
				if (st == DASV_OK && (!r.notes || strcmp(r.notes, note) != 0 ||
						      strcmp(r.person.last_name, last) != 0)) {
					fprintf(w.log, "E writer %d: referral %lld read back wrong\n",
						no, (long long)id);
					_exit(1);
				}
				dasv_referral_clear(&r);
			} else {
				n = 0;
				st = dasv_page(w.d, DASV_LIST_CASELOAD, 0, NULL, 1, rows, 10, &n);
				for (size_t i = 0; st == DASV_OK && i < n; i++)
					if (strncmp(rows[i].name, "Writer Rot", 10) != 0) {
						fprintf(w.log, "E writer %d: caseload shows '%s'\n", no,
							rows[i].name[0] == '(' ? rows[i].name : "?");
						_exit(1);
					}
				dasv_rows_wipe(rows, n);
			}
			if (st == DASV_OK) {
				step++;
				continue;
			}
			if (st != DASV_LOCKED || ++relocks > 50)
				writer_fail(&w, step == 0 ? "create" : step == 1 ? "get" : "caseload", st);
			if ((st = dasv_unlock(w.d, user, TH_PASS)) != DASV_OK)
				writer_fail(&w, "unlock again", st);
		}
		fprintf(w.log, "C %lld %d\n", (long long)id, j);
	}
	fprintf(w.log, "S %d 0\n", relocks);
	fclose(w.log);
	dasv_close(&w.d);
	_exit(0);
}

static void
rot_admin(const char *dbpath, const char *logpath, int ready_fd, int go_fd)
{
	struct writer w = { .no = 99 };
	enum dasv_status st;
	char c = 0;

	if (!(w.log = fopen(logpath, "w")))
		_exit(1);
	if ((st = dasv_open(dbpath, 0, &w.d)) != DASV_OK)
		writer_fail(&w, "open", st);
	if ((st = dasv_unlock(w.d, "admin", TH_ADMIN_PASS)) != DASV_OK)
		writer_fail(&w, "unlock", st);
	if (write(ready_fd, "r", 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(1);
	/* rotate when a quarter, a half and three quarters of the work is done */
	for (int k = 0; k < ROT_REKEYS; k++) {
		int64_t due = (int64_t)ROT_WRITERS * ROT_EACH * (k + 1) / (ROT_REKEYS + 1), have = 0;
		sqlite3_stmt *q = NULL;

		while (have < due) {
			usleep(2000);
			if (sqlite3_prepare_v2(w.d->db, "SELECT count(*) FROM referrals", -1, &q,
					       NULL) != SQLITE_OK)
				_exit(1);
			if (sqlite3_step(q) == SQLITE_ROW)
				have = sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
		}
		if ((st = dasv_rekey(w.d, NULL)) != DASV_OK)
			writer_fail(&w, "rekey", st);
	}
	fclose(w.log);
	dasv_close(&w.d);
	_exit(0);
}

Test(concurrency, writers_carry_on_through_key_rotations, .timeout = 300)
{
	pid_t pids[ROT_WRITERS + 1];
	char logpath[ROT_WRITERS + 1][160], line[200], last[32], note[48];
	int ready[2], go[2], status, relocks = 0;
	struct dasv_audit_result ar;
	char c;

	for (int i = 0; i < ROT_WRITERS; i++) {
		char user[16];

		snprintf(user, sizeof(user), "cw%d", i);
		th_add_user(&t, user, DASV_ROLE_CASEWORKER);
	}
	for (int i = 0; i <= ROT_WRITERS; i++)
		snprintf(logpath[i], sizeof(logpath[i]), "%s/rot%d.log", t.dir, i);
	dasv_close(&t.d);
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(go), 0);
	for (int i = 0; i <= ROT_WRITERS; i++) {
		pids[i] = fork();
		cr_assert_geq(pids[i], 0);
		if (pids[i] == 0) {
			close(ready[0]);
			close(go[1]);
			if (i == ROT_WRITERS)
				rot_admin(t.path, logpath[i], ready[1], go[0]);
			rot_writer(i, t.path, logpath[i], ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	for (int i = 0; i <= ROT_WRITERS; i++)
		if (read(ready[0], &c, 1) != 1)
			break;
	for (int i = 0; i <= ROT_WRITERS; i++)
		if (write(go[1], "g", 1) != 1)
			break;
	close(go[1]);
	close(ready[0]);
	for (int i = 0; i <= ROT_WRITERS; i++) {
		FILE *f;
		int r = 0, dummy = 0;

		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		f = fopen(logpath[i], "r");
		while (f && fgets(line, sizeof(line), f)) {
			if (line[0] == 'E')
				cr_log_error("%s", line);
			if (line[0] == 'S' && sscanf(line, "S %d %d", &r, &dummy) == 2)
				relocks += r;
		}
		if (f)
			fclose(f);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "%s %d failed (status %#x)", i == ROT_WRITERS ? "admin" : "writer", i,
			  status);
	}
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	fx_sql_text(t.path, "PRAGMA integrity_check", 0, line, sizeof(line));
	cr_assert_str_eq(line, "ok");
	th_as(&t, "admin");
	cr_assert_eq(fx_sql_int(t.path, "SELECT value FROM settings WHERE key = 'key_generation'",
				0),
		     1 + ROT_REKEYS);
	cr_assert_eq(fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0),
		     ROT_WRITERS * ROT_EACH);
	for (int64_t id = 1; id <= ROT_WRITERS * ROT_EACH; id++) {
		struct dasv_referral r;
		int no = -1, j = -1;

		memset(&r, 0, sizeof(r));
		cr_assert_eq(dasv_referral_load(t.d, id, &r), DASV_OK, "referral %lld: %s",
			     (long long)id, dasv_errmsg(t.d));
		cr_assert_eq(sscanf(r.notes ? r.notes : "", "rot-%d-%d", &no, &j), 2);
		fx_name_of(no * ROT_EACH + j, "Rot", last, sizeof(last));
		snprintf(note, sizeof(note), "rot-%d-%d", no, j);
		cr_assert_str_eq(r.person.last_name, last);
		cr_assert_str_eq(r.notes, note);
		dasv_referral_clear(&r);
	}
	cr_assert_eq(dasv_audit_verify(t.d, &ar), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_log_info("%d writers through %d rotations: %d \"unlock again\"", ROT_WRITERS,
		    ROT_REKEYS, relocks);
	cr_expect_gt(relocks, 0, "no writer met a rotation: the test tested nothing");
}
