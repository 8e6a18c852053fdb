/*
 * test_noplaintext.c - no plaintext anywhere on disk, and nothing left of an
 * erased person, after a scripted day's work through the public API.
 *
 * The workload: users added; referrals created with a marker in every sealed
 * field (names, date of birth, address, postcode, phone, e-mail, safe-contact
 * instructions, perpetrator name and date of birth, notes), then edited to
 * new markers; case notes, a contact note, a DASH with a professional-
 * judgement reason, an allocation with an override reason, a break-glass
 * open with its reason; one person erased; the data key rotated; a backup;
 * checkpoints and closes in between.  TMPDIR and SQLITE_TMPDIR point at a
 * fresh directory for the whole process, so any temporary file SQLite or dasv
 * makes lands there.
 *
 * Then no marker (as written, upper- or lower-cased, phone numbers and
 * postcodes also without spaces) may appear in the database, its -wal, -shm
 * or -journal, the backup, or anything in the temporary directory, and no
 * open-but-deleted temporary file may hold one (checked between steps, via
 * /proc/self/fd).  Controls show the same scan finds a marker that is there.
 *
 * The erased person: their record key and every column sealed under it are
 * NULL (in the live file and in a backup taken after); the ciphertexts they
 * had are in no file; and, holding their old record key and the data key
 * (as someone who copied them from memory before the erasure would), every
 * blob left in every table of both files is tried under every (table,
 * column, row) it could have been sealed for: none opens.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auditview.h"
#include "helpers.h"
#include "internal.h"
#include "keyops.h"
#include "referral_fixtures.h"
#include "referral_int.h"

static struct th t;
static char tmpdir[160], backup[200];
static int64_t helpline;

static void
setup(void)
{
	char base[64];

	/* before SQLite is first used in this process: it reads these once */
	snprintf(base, sizeof(base), "/tmp/dasv-tmpdir-XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	snprintf(tmpdir, sizeof(tmpdir), "%s", base);
	cr_assert_eq(setenv("TMPDIR", tmpdir, 1), 0);
	cr_assert_eq(setenv("SQLITE_TMPDIR", tmpdir, 1), 0);
	fx_today(FX_TODAY);
	th_setup(&t);
	snprintf(backup, sizeof(backup), "%s/backup.db", t.dir);
	cr_assert_eq(dasv_setting_set(t.d, "unlock_delay_max", "0"), DASV_OK);
	helpline = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 500, 2, 1);
}

static void
teardown(void)
{
	th_teardown(&t);
	th_rmdir(tmpdir);
}

TestSuite(noplaintext, .init = setup, .fini = teardown);

/* ---- markers ---------------------------------------------------------------- */

#define NPEOPLE 4
#define MAXMARK 64

static char marks[512][MAXMARK];
static size_t nmarks;
/* the first person's markers: the one erased */
static size_t erased_from, erased_to;

static const char *
mark(const char *fmt, int i, int round)
{
	cr_assert_lt(nmarks, sizeof(marks) / sizeof(marks[0]));
	snprintf(marks[nmarks], MAXMARK, fmt, 'a' + i, 'a' + round);
	return marks[nmarks++];
}

/* A person's sealed fields, all markers; round 0 at intake, 1 after an edit. */
static void
marked_referral(struct dasv_referral *r, int i, int round)
{
	char dob[32], pdob[32], phone[48], pc[32];

	fx_referral(r, mark("Zephrin%c%c", i, round), mark("Quillomar%c%c", i, round), NULL, NULL);
	/* dates, phones and postcodes are markers by being unusual */
	snprintf(dob, sizeof(dob), "1931-0%d-%d7", 1 + i, 1 + round);
	fx_set(&r->person.date_of_birth, mark(dob, 0, 0));
	snprintf(phone, sizeof(phone), "07700 9%d%d%03d", i, round, 417 + i);
	fx_set(&r->person.phone, mark(phone, 0, 0));
	snprintf(pc, sizeof(pc), "ZE%d %dQX", 1 + i, 1 + round);
	fx_set(&r->person.postcode, mark(pc, 0, 0));
	fx_set(&r->person.address, mark("%c%c Lantern Yard Markerton", i, round));
	fx_set(&r->person.email, mark("pp%c%c.marker@example.org", i, round));
	fx_set(&r->person.safe_contact, mark("Safeword %c%c: only text, never call", i, round));
	fx_set(&r->perpetrator_name, mark("Vorlund Grimsby%c%c", i, round));
	snprintf(pdob, sizeof(pdob), "1933-0%d-2%d", 1 + i, 1 + round);
	fx_set(&r->perpetrator_dob, mark(pdob, 0, 0));
	fx_set(&r->notes, mark("Referral notes marker %c%c: moved twice", i, round));
}

/* ---- scanning files ------------------------------------------------------- */

static int
mem_has(const unsigned char *buf, size_t len, const void *needle, size_t n)
{
	return n && len >= n && memmem(buf, len, needle, n) != NULL;
}

static unsigned char *
slurp_fd(int fd, size_t *len)
{
	size_t cap = 1 << 16;
	unsigned char *buf = malloc(cap);
	ssize_t r;

	*len = 0;
	cr_assert_not_null(buf);
	while ((r = read(fd, buf + *len, cap - *len)) > 0) {
		*len += (size_t)r;
		if (*len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	return buf;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;

	*len = 0;
	if (!f)
		return NULL;
	buf = slurp_fd(fileno(f), len);
	fclose(f);
	return buf;
}

/* Which form of a marker the bytes hold, or NULL: as written, cased, unspaced. */
static const char *
holds_marker(const unsigned char *buf, size_t len, const char *m)
{
	static char form[MAXMARK];
	size_t n = strlen(m), k = 0;

	if (mem_has(buf, len, m, n))
		return m;
	for (size_t i = 0; i <= n; i++)
		form[i] = (char)toupper((unsigned char)m[i]);
	if (mem_has(buf, len, form, n))
		return form;
	for (size_t i = 0; i <= n; i++)
		form[i] = (char)tolower((unsigned char)m[i]);
	if (mem_has(buf, len, form, n))
		return form;
	for (size_t i = 0; i <= n; i++)
		if (m[i] != ' ')
			form[k++] = m[i];
	if (k - 1 != n && mem_has(buf, len, form, k - 1))
		return form;
	return NULL;
}

/* Fail naming the file and the marker if any file under dir holds one. */
static void
scan_dir(const char *dir, const char *when)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[512];

	cr_assert_not_null(dp, "%s", dir);
	while ((e = readdir(dp))) {
		struct stat sb;
		unsigned char *buf;
		size_t len;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		cr_assert_eq(lstat(p, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			scan_dir(p, when);
			continue;
		}
		if (!(buf = slurp(p, &len)))
			continue;
		for (size_t i = 0; i < nmarks; i++) {
			const char *f = holds_marker(buf, len, marks[i]);

			cr_assert_null(f, "%s: '%s' in clear in %s", when, f, p);
		}
		cr_assert(!mem_has(buf, len, TH_PASS, strlen(TH_PASS)) &&
			  !mem_has(buf, len, TH_ADMIN_PASS, strlen(TH_ADMIN_PASS)),
			  "%s: a passphrase in clear in %s", when, p);
		free(buf);
	}
	closedir(dp);
}

/*
 * SQLite unlinks its temporary files as soon as it opens them: a file in
 * TMPDIR is seen only through the descriptor.  Read every such open file.
 */
static int
scan_open_temp_files(const char *when)
{
	DIR *dp = opendir("/proc/self/fd");
	struct dirent *e;
	int seen = 0;

	cr_assert_not_null(dp);
	while ((e = readdir(dp))) {
		char link[300], target[PATH_MAX];
		ssize_t n;
		int fd;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, tmpdir, strlen(tmpdir)) != 0)
			continue;
		if ((fd = open(link, O_RDONLY)) >= 0) {
			size_t len;
			unsigned char *buf = slurp_fd(fd, &len);

			close(fd);
			seen++;
			for (size_t i = 0; i < nmarks; i++)
				cr_assert_null(holds_marker(buf, len, marks[i]),
					       "%s: '%s' in clear in the open temporary file %s", when,
					       marks[i], target);
			free(buf);
		}
	}
	closedir(dp);
	return seen;
}

static void
scan_all(const char *when)
{
	scan_dir(t.dir, when);
	scan_dir(tmpdir, when);
	scan_open_temp_files(when);
}

/* ---- controls: the scans can fail ------------------------------------------ */

Test(noplaintext, control_the_scans_find_what_is_there)
{
	char p[256];
	FILE *f;
	sqlite3 *db = NULL;
	int seen;

	nmarks = 0;
	mark("Controlmarker%c%c", 0, 0);
	/* a value written in clear by a careless setting */
	cr_assert_eq(dasv_setting_set(t.d, "np_control", marks[0]), DASV_OK);
	snprintf(p, sizeof(p), "%s-wal", t.path);
	{
		size_t len;
		unsigned char *buf = slurp(p, &len);

		cr_assert_not_null(buf);
		cr_assert_not_null(holds_marker(buf, len, marks[0]), "the WAL scan is blind");
		free(buf);
	}
	/* a file left in the temporary directory */
	snprintf(p, sizeof(p), "%s/left-behind", tmpdir);
	cr_assert_not_null(f = fopen(p, "w"));
	fprintf(f, "xx %s xx", marks[0]);
	fclose(f);
	{
		size_t len;
		unsigned char *buf = slurp(p, &len);

		cr_assert_not_null(holds_marker(buf, len, marks[0]));
		free(buf);
	}
	unlink(p);
	/* and SQLite does put its temporary files there: one kept open, unlinked */
	snprintf(p, sizeof(p), "%s/control.db", t.dir);
	cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
				  "PRAGMA temp_store = FILE; CREATE TEMP TABLE x(v); "
				  "PRAGMA temp.cache_size = 2; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
				  "SELECT i + 1 FROM c WHERE i < 3000) INSERT INTO x SELECT "
				  "'Controlmarkeraa' || i FROM c;",
				  NULL, NULL, NULL),
		     SQLITE_OK, "%s", sqlite3_errmsg(db));
	{
		DIR *dp = opendir("/proc/self/fd");
		struct dirent *e;
		int found = 0;

		seen = 0;
		while ((e = readdir(dp))) {
			char link[300], target[PATH_MAX];
			ssize_t n;

			snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
			if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
				continue;
			target[n] = '\0';
			if (strncmp(target, tmpdir, strlen(tmpdir)) == 0) {
				int fd = open(link, O_RDONLY);
				size_t len;
				unsigned char *buf = slurp_fd(fd, &len);

				close(fd);
				seen++;
				found |= holds_marker(buf, len, marks[0]) != NULL;
				free(buf);
			}
		}
		closedir(dp);
		cr_assert_gt(seen, 0, "SQLite made no temporary file in TMPDIR: is it read?");
		cr_assert(found, "the open-temporary-file scan is blind");
	}
	sqlite3_close(db);
}

/* ---- the workload ------------------------------------------------------------ */

static int64_t
create_marked(int i)
{
	struct dasv_referral r;
	int64_t id;

	marked_referral(&r, i, 0);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	return id;
}

static void
casework(int64_t id, int i)
{
	struct dasv_dash_input in;
	struct dasv_marac_result mr;
	int waiting = -1;

	cr_assert_eq(dasv_note_add(t.d, id, mark("Case note marker %c%c: spoke to GP", i, 0)),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE,
				      mark("Contact marker %c%c: safe at sister's", i, 0)),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	fx_dash_input(&in, 5, 0, "");
	in.pj_level = DASV_LEVEL_HIGH;
	in.pj_reason = mark("Judgement marker %c%c: strangulation disclosed", i, 0);
	cr_assert_eq(dasv_dash_record(t.d, id, &in, &mr), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_allocate(t.d, id, helpline, 0,
				   mark("Override marker %c%c: lives near refuge", i, 0), &waiting),
		     DASV_OK, "%s", dasv_errmsg(t.d));
}

static void
edit(int64_t id, int i)
{
	struct dasv_referral r, fresh;
	struct dasv_field_err fe;

	fx_get(t.d, id, &r);
	marked_referral(&fresh, i, 1);
	fresh.id = r.id;
	fresh.version = r.version;
	cr_assert_eq(dasv_referral_update(t.d, &fresh, &fe), DASV_OK, "%s (%s: %s)",
		     dasv_errmsg(t.d), fe.field, fe.msg);
	dasv_referral_clear(&r);
	dasv_referral_clear(&fresh);
}

/* Every (table, column, rowid) holding a blob, in a file: the erased person's test. */
struct cell {
	char table[32], column[32];
	int64_t rowid;
	unsigned char *v;
	size_t len;
};

static size_t
blob_cells(const char *path, struct cell **out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *tables = NULL, *cols = NULL, *st = NULL;
	struct cell *c = NULL;
	size_t n = 0, cap = 0;
	char sql[256];

	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db,
					"SELECT name FROM sqlite_schema WHERE type = 'table' AND "
					"name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%WITHOUT ROWID%'",
					-1, &tables, NULL),
		     SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char table[32];

		snprintf(table, sizeof(table), "%s", sqlite3_column_text(tables, 0));
		snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('%s')", table);
		cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &cols, NULL), SQLITE_OK);
		while (sqlite3_step(cols) == SQLITE_ROW) {
			char column[32];

			snprintf(column, sizeof(column), "%s", sqlite3_column_text(cols, 0));
			snprintf(sql, sizeof(sql),
				 "SELECT rowid, \"%s\" FROM \"%s\" WHERE typeof(\"%s\") = 'blob'",
				 column, table, column);
			cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s",
				     sql);
			while (sqlite3_step(st) == SQLITE_ROW) {
				if (n == cap) {
					cap = cap ? 2 * cap : 256;
					c = realloc(c, cap * sizeof(*c));
					cr_assert_not_null(c);
				}
				snprintf(c[n].table, sizeof(c[n].table), "%s", table);
				snprintf(c[n].column, sizeof(c[n].column), "%s", column);
				c[n].rowid = sqlite3_column_int64(st, 0);
				c[n].len = (size_t)sqlite3_column_bytes(st, 1);
				c[n].v = malloc(c[n].len + 1);
				cr_assert_not_null(c[n].v);
				memcpy(c[n].v, sqlite3_column_blob(st, 1), c[n].len);
				n++;
			}
			sqlite3_finalize(st);
		}
		sqlite3_finalize(cols);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	*out = c;
	return n;
}

static void
cells_free(struct cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].v);
	free(c);
}

/* Whether key opens any cell under the cell's own place; names it in *where. */
static int
key_opens_any(const unsigned char key[DASV_KEY_BYTES], const struct cell *c, size_t n,
	      char *where, size_t wsz)
{
	for (size_t i = 0; i < n; i++) {
		char *pt = NULL;

		if (dasv_crypto_open(key, c[i].table, c[i].column, c[i].rowid, c[i].v, c[i].len, &pt,
				     NULL) == DASV_OK) {
			snprintf(where, wsz, "%s.%s row %lld", c[i].table, c[i].column,
				 (long long)c[i].rowid);
			dasv_str_free(&pt);
			return 1;
		}
	}
	return 0;
}

Test(noplaintext, a_days_work_leaves_no_marker_on_disk_and_nothing_of_the_erased,
     .timeout = 300)
{
	static const char *const erased_sealed[] = {
		"SELECT count(*) FROM people WHERE id = ?1 AND (record_key IS NOT NULL OR "
		"first_name IS NOT NULL OR last_name IS NOT NULL OR date_of_birth IS NOT NULL OR "
		"address IS NOT NULL OR postcode IS NOT NULL OR phone IS NOT NULL OR email IS NOT "
		"NULL OR safe_contact IS NOT NULL OR bi_name_dob IS NOT NULL OR bi_phone IS NOT "
		"NULL OR bi_postcode IS NOT NULL)",
		"SELECT count(*) FROM referrals WHERE person_id = ?1 AND notes IS NOT NULL",
		"SELECT count(*) FROM case_events e JOIN referrals r ON r.id = e.referral_id WHERE "
		"r.person_id = ?1 AND e.body IS NOT NULL",
		"SELECT count(*) FROM assessments a JOIN referrals r ON r.id = a.referral_id WHERE "
		"r.person_id = ?1 AND (a.answers IS NOT NULL OR a.pj_reason IS NOT NULL)",
		"SELECT count(*) FROM allocations l JOIN referrals r ON r.id = l.referral_id WHERE "
		"r.person_id = ?1 AND l.override_reason IS NOT NULL",
		"SELECT count(*) FROM perpetrators p JOIN referrals r ON r.perpetrator_id = p.id "
		"WHERE r.person_id = ?1 AND (p.record_key IS NOT NULL OR p.name IS NOT NULL OR "
		"p.date_of_birth IS NOT NULL OR p.bi_name IS NOT NULL OR p.bi_name_dob IS NOT NULL)",
	};
	int64_t ids[NPEOPLE], pid0, perp0;
	unsigned char rk0[DASV_KEY_BYTES], prk0[DASV_KEY_BYTES], field0[DASV_KEY_BYTES];
	struct cell *before = NULL, *cells = NULL;
	size_t nbefore, ncells;
	struct dasv_referral r;
	struct dasv_erase_result er;
	struct dasv_rekey_result rr;
	char where[128];

	nmarks = 0;
	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "sam", DASV_ROLE_SUPERVISOR);
	/* person 0 is the one to be erased: their markers are all those made first */
	erased_from = nmarks;
	ids[0] = create_marked(0);
	casework(ids[0], 0);
	edit(ids[0], 0);
	erased_to = nmarks;
	for (int i = 1; i < NPEOPLE; i++) {
		ids[i] = create_marked(i);
		casework(ids[i], i);
	}
	scan_all("after intake, with the WAL full");
	th_as(&t, "sam");
	for (int i = 1; i < NPEOPLE; i++)
		edit(ids[i], i);
	/* carol opens someone else's referral: break-glass, reason sealed */
	th_as(&t, "carol");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(dasv_referral_get(t.d, ids[2], mark("Breakglass marker %c%c: duty call", 2, 0),
				       &r),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	dasv_referral_clear(&r);
	scan_all("after edits and a break-glass");
	/* a checkpoint: close (the last connection checkpoints and removes the WAL), reopen */
	dasv_close(&t.d);
	scan_all("after a checkpoint");
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	th_as(&t, "admin");

	/* what someone who copied keys from memory before the erasure would hold */
	pid0 = fx_sql_int(t.path, "SELECT person_id FROM referrals WHERE id = ?", ids[0]);
	perp0 = fx_sql_int(t.path, "SELECT perpetrator_id FROM referrals WHERE id = ?", ids[0]);
	cr_assert_gt(perp0, 0);
	cr_assert_eq(dasv_person_key(t.d, pid0, rk0), DASV_OK, "%s", dasv_errmsg(t.d));
	{
		size_t len = 0;
		struct cell *c = NULL;
		size_t n = blob_cells(t.path, &c);
		int got = 0;

		/* the perpetrator's record key, opened with the data key's field key */
		for (size_t i = 0; i < n; i++)
			if (!strcmp(c[i].table, "perpetrators") && !strcmp(c[i].column, "record_key") &&
			    c[i].rowid == perp0) {
				char *pt = NULL;

				cr_assert_eq(dasv_crypto_open(t.d->keys->field, "perpetrators",
							      "record_key", perp0, c[i].v, c[i].len,
							      &pt, &len),
					     DASV_OK);
				cr_assert_eq(len, (size_t)DASV_KEY_BYTES);
				memcpy(prk0, pt, DASV_KEY_BYTES);
				dasv_wipe(pt, len);
				free(pt);
				got = 1;
			}
		cells_free(c, n);
		cr_assert(got);
	}
	memcpy(field0, t.d->keys->field, DASV_KEY_BYTES);
	nbefore = blob_cells(t.path, &before);
	/* control: the old keys do open what is there now */
	cr_assert(key_opens_any(rk0, before, nbefore, where, sizeof(where)),
		  "control: the copied record key opens nothing even before the erasure");

	cr_assert_eq(dasv_person_erase(t.d, pid0, "Retention request, letter of 2026-06-10", &er),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(er.perpetrators, 1, "their perpetrator was linked to no one else");
	cr_expect_eq(er.checkpointed, 1);
	scan_all("after the erasure");
	cr_assert_eq(dasv_rekey(t.d, &rr), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(rr.checkpointed, 1);
	scan_all("after the rotation");
	cr_assert_eq(dasv_backup(t.d, backup, NULL, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	dasv_close(&t.d);
	scan_all("after a backup and close");

	/* the erased person: nothing sealed left, in the live file or the backup */
	for (int f = 0; f < 2; f++) {
		const char *path = f ? backup : t.path;

		for (size_t q = 0; q < sizeof(erased_sealed) / sizeof(erased_sealed[0]); q++)
			cr_assert_eq(fx_sql_int(path, erased_sealed[q], pid0), 0,
				     "%s still holds: %s", f ? "the backup" : "the database",
				     erased_sealed[q]);
		ncells = blob_cells(path, &cells);
		cr_assert_gt(ncells, 0);
		/* no ciphertext of theirs is anywhere in the file (even freed pages) */
		{
			size_t len;
			unsigned char *buf = slurp(path, &len);

			for (size_t i = 0; i < nbefore; i++) {
				int theirs = (!strcmp(before[i].table, "people") &&
					      before[i].rowid == pid0) ||
					     (!strcmp(before[i].table, "perpetrators") &&
					      before[i].rowid == perp0);
				char *pt = NULL;

				/* the rest of theirs: whatever their record keys opened */
				if (!theirs && (dasv_crypto_open(rk0, before[i].table, before[i].column,
								 before[i].rowid, before[i].v,
								 before[i].len, &pt, NULL) == DASV_OK ||
						dasv_crypto_open(prk0, before[i].table,
								 before[i].column, before[i].rowid,
								 before[i].v, before[i].len, &pt,
								 NULL) == DASV_OK))
					theirs = 1;
				dasv_str_free(&pt);
				if (theirs)
					cr_assert(!mem_has(buf, len, before[i].v, before[i].len),
						  "%s: the erased %s.%s of row %lld is still in the file",
						  path, before[i].table, before[i].column,
						  (long long)before[i].rowid);
			}
			free(buf);
		}
		/* their old record keys, or the old data key, open nothing left */
		cr_assert(!key_opens_any(rk0, cells, ncells, where, sizeof(where)),
			  "%s: the erased person's old record key opens %s", path, where);
		cr_assert(!key_opens_any(prk0, cells, ncells, where, sizeof(where)),
			  "%s: the erased perpetrator's old record key opens %s", path, where);
		cr_assert(!key_opens_any(field0, cells, ncells, where, sizeof(where)),
			  "%s: the data key from before the rotation opens %s", path, where);
		cells_free(cells, ncells);
	}
	cells_free(before, nbefore);
	dasv_wipe(rk0, sizeof(rk0));
	dasv_wipe(prk0, sizeof(prk0));
	dasv_wipe(field0, sizeof(field0));

	/* and everyone else is still there, opening to their edited values */
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	th_as(&t, "admin");
	for (int i = 1; i < NPEOPLE; i++) {
		char want[MAXMARK];

		fx_get(t.d, ids[i], &r);
		snprintf(want, sizeof(want), "Quillomar%c%c", 'a' + i, 'b');
		cr_assert_str_eq(r.person.last_name, want);
		dasv_referral_clear(&r);
	}
	cr_log_info("%zu markers (%zu of the erased person) in none of the files", nmarks,
		    erased_to - erased_from);
}
