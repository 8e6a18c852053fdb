/*
 * test_migrate.c - opening, creating and versioning database files (core/db.c):
 * files that are not ours or not of our version first, then a fresh
 * database's schema version, application id, journal mode and pragmas.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

static struct th t;

static void
setup(void)
{
	th_setup(&t);
}

static void
teardown(void)
{
	th_teardown(&t);
}

/* A directory of its own but no database yet (for tests that make the file). */
static void
setup_empty(void)
{
	char err[256];

	memset(&t, 0, sizeof(t));
	cr_assert_eq(dasv_process_init(err, sizeof(err)), DASV_OK, "%s", err);
	snprintf(t.dir, sizeof(t.dir), "/tmp/dasv-test-XXXXXX");
	cr_assert_not_null(mkdtemp(t.dir));
	snprintf(t.path, sizeof(t.path), "%s/t.db", t.dir);
}

TestSuite(migrate, .init = setup, .fini = teardown);
TestSuite(files, .init = setup_empty, .fini = teardown);

/* ---- helpers --------------------------------------------------------- */

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK, "%s",
		     db ? sqlite3_errmsg(db) : "out of memory");
	return db;
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql,
		     msg ? msg : "?");
}

static long long
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *
raw_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	cr_assert_not_null(v);
	return v;
}

/* Close the test's handle and set the file's user_version behind its back. */
static void
set_user_version(int v)
{
	char sql[64];
	sqlite3 *db;

	dasv_close(&t.d);
	db = raw_open(t.path);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	raw_exec(db, sql);
	cr_assert_eq(raw_int(db, "PRAGMA user_version"), v);
	cr_assert_eq(sqlite3_close(db), SQLITE_OK);
}

static void
write_file(const char *path, const void *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(buf, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
}

/* Whole file into a malloc'd buffer. */
static unsigned char *
read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long len;

	cr_assert_not_null(f, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static void
assert_file_is(const char *path, const unsigned char *want, size_t wantn)
{
	size_t n;
	unsigned char *got = read_file(path, &n);

	cr_assert_eq(n, wantn, "%s changed size: %zu -> %zu", path, wantn, n);
	cr_assert_eq(memcmp(got, want, n), 0, "%s changed", path);
	free(got);
}

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* A plain SQLite database in rollback-journal mode with one table. */
static void
make_foreign_sqlite(const char *path, int appid)
{
	sqlite3 *db = NULL;
	char sql[64];

	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
		     SQLITE_OK);
	raw_exec(db, "CREATE TABLE bookmarks(id INTEGER PRIMARY KEY, url TEXT)");
	raw_exec(db, "INSERT INTO bookmarks(url) VALUES ('https://example.org/')");
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", appid);
	raw_exec(db, sql);
	cr_assert_eq(sqlite3_close(db), SQLITE_OK);
}

/* ---- files that are not ours, or not our version -------------------- */

Test(files, missing_file_is_nodb_and_not_created)
{
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_NODB);
	cr_assert_not_null(t.d, "a handle must carry the message");
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "dasv init"), "%s", dasv_errmsg(t.d));
	cr_assert(!exists(t.path), "dasv_open created the missing file");
	dasv_close(&t.d);
	cr_assert_eq(dasv_open(t.path, DASV_OPEN_MIGRATE, &t.d), DASV_NODB);
	cr_assert(!exists(t.path), "dasv_open created the missing file");
}

Test(files, random_bytes_are_refused_and_left_alone)
{
	unsigned char junk[8192];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)((i * 2654435761u) >> 13);
	memcpy(junk, "not a database, just bytes", 26);
	write_file(t.path, junk, sizeof(junk));
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_VERSION, "%s", dasv_errmsg(t.d));
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "not a dasv database"), "%s",
			   dasv_errmsg(t.d));
	cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS) == DASV_OK, 0);
	dasv_close(&t.d);
	assert_file_is(t.path, junk, sizeof(junk));
}

Test(files, sqlite_with_another_application_id_is_refused)
{
	const int ids[] = { 0, 0x12345678, DASV_APPLICATION_ID + 1 };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		unlink(t.path);
		make_foreign_sqlite(t.path, ids[i]);
		cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_VERSION, "id %#x: %s", ids[i],
			     dasv_errmsg(t.d));
		cr_assert_not_null(strstr(dasv_errmsg(t.d), "not a dasv database"), "%s",
				   dasv_errmsg(t.d));
		dasv_close(&t.d);
		/* refused even when asked to migrate */
		cr_assert_eq(dasv_open(t.path, DASV_OPEN_MIGRATE, &t.d), DASV_VERSION);
		dasv_close(&t.d);
	}
}

/*
 * Opening the wrong file by mistake (another program's SQLite database) must
 * not change it: refusing comes before any write, including the switch to WAL.
 */
Test(files, foreign_sqlite_file_is_not_modified)
{
	unsigned char *before;
	size_t n;
	sqlite3 *db;
	char *mode;

	int is_delete;

	make_foreign_sqlite(t.path, 0x12345678);
	before = read_file(t.path, &n);
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_VERSION);
	dasv_close(&t.d);
	db = raw_open(t.path);
	mode = raw_text(db, "PRAGMA journal_mode");
	sqlite3_close(db);
	is_delete = strcmp(mode, "delete") == 0;
	free(mode);
	if (!is_delete) {
		free(before);
		cr_assert_fail("dasv_open switched a foreign database out of its rollback-journal "
			       "mode (to WAL) before refusing it");
	}
	assert_file_is(t.path, before, n);
	free(before);
}

Test(files, empty_file_is_refused)
{
	write_file(t.path, "", 0);
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_VERSION, "%s", dasv_errmsg(t.d));
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "not a dasv database"));
}

Test(migrate, newer_schema_is_refused)
{
	set_user_version(dasv_schema_latest() + 1);
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_VERSION, "%s", dasv_errmsg(t.d));
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "newer dasv"), "%s", dasv_errmsg(t.d));
	dasv_close(&t.d);
	/* and migrating cannot help: a newer database is never downgraded */
	cr_assert_eq(dasv_open(t.path, DASV_OPEN_MIGRATE, &t.d), DASV_VERSION, "%s",
		     dasv_errmsg(t.d));
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "newer dasv"), "%s", dasv_errmsg(t.d));
	dasv_close(&t.d);
	set_user_version(1000);
	cr_assert_eq(dasv_open(t.path, DASV_OPEN_MIGRATE, &t.d), DASV_VERSION);
}

Test(migrate, older_schema_needs_migrate)
{
	set_user_version(0);
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_VERSION, "%s", dasv_errmsg(t.d));
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "dasv migrate"), "%s", dasv_errmsg(t.d));
	dasv_close(&t.d);
	/* with DASV_OPEN_MIGRATE the file opens, for dasv migrate to work on */
	cr_assert_eq(dasv_open(t.path, DASV_OPEN_MIGRATE, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_schema_version(t.d), 0);
}

Test(files, init_refuses_an_existing_file_and_leaves_it_unchanged)
{
	static const char precious[] = "someone else's file, not to be overwritten\n";

	write_file(t.path, precious, sizeof(precious) - 1);
	cr_assert_eq(dasv_init(t.path, "admin", TH_ADMIN_PASS, &t.d), DASV_EXISTS);
	cr_assert_not_null(t.d);
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "already exists"), "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_is_unlocked(t.d), 0);
	dasv_close(&t.d);
	assert_file_is(t.path, (const unsigned char *)precious, sizeof(precious) - 1);
	/* an empty file is refused too */
	write_file(t.path, "", 0);
	cr_assert_eq(dasv_init(t.path, "admin", TH_ADMIN_PASS, &t.d), DASV_EXISTS);
	dasv_close(&t.d);
	assert_file_is(t.path, (const unsigned char *)"", 0);
}

Test(migrate, init_refuses_an_existing_database_and_leaves_it_unchanged)
{
	struct dasv *again = NULL;
	unsigned char *before;
	size_t n;

	dasv_close(&t.d); /* checkpoints: the .db file now holds everything */
	before = read_file(t.path, &n);
	cr_assert_eq(dasv_init(t.path, "admin2", TH_ADMIN_PASS, &again), DASV_EXISTS);
	dasv_close(&again);
	assert_file_is(t.path, before, n);
	free(before);
	/* the original admin still unlocks */
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_OK, "%s", dasv_errmsg(t.d));
}

/* ---- a fresh database ----------------------------------------------- */

Test(migrate, fresh_database_is_at_latest_schema)
{
	int applied = -1;

	cr_assert_geq(dasv_schema_latest(), 1);
	cr_assert_eq(dasv_schema_version(t.d), dasv_schema_latest());
	/* nothing left to apply, and applying nothing is fine */
	cr_assert_eq(dasv_migrate(t.d, &applied), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(applied, 0);
	cr_assert_eq(dasv_schema_version(t.d), dasv_schema_latest());
	/* reopening sees the same */
	dasv_close(&t.d);
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_schema_version(t.d), dasv_schema_latest());
	cr_assert_eq(dasv_is_unlocked(t.d), 0, "a freshly opened handle must be locked");
	cr_assert_eq(dasv_is_demo(t.d), 0);
}

Test(migrate, application_id_is_dasv)
{
	sqlite3 *db;

	dasv_close(&t.d);
	db = raw_open(t.path);
	cr_assert_eq(raw_int(db, "PRAGMA application_id"), 0x44415356);
	cr_assert_eq(raw_int(db, "PRAGMA user_version"), dasv_schema_latest());
	sqlite3_close(db);
	/* in the file header too: offset 68, big-endian */
	{
		size_t n;
		unsigned char *h = read_file(t.path, &n);
		cr_assert_geq(n, 100);
		cr_assert_eq(memcmp(h + 68, "DASV", 4), 0);
		free(h);
	}
}

Test(migrate, wal_mode_and_pragmas_on_the_handle)
{
	sqlite3 *db;
	char *mode;
	int rc;

	/* journal mode is a property of the file */
	dasv_close(&t.d);
	db = raw_open(t.path);
	mode = raw_text(db, "PRAGMA journal_mode");
	cr_assert_str_eq(mode, "wal");
	free(mode);
	sqlite3_close(db);

	/* foreign keys and secure delete are per connection: check the handle's own */
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(raw_int(t.d->db, "PRAGMA foreign_keys"), 1);
	cr_assert_eq(raw_int(t.d->db, "PRAGMA secure_delete"), 1);
	mode = raw_text(t.d->db, "PRAGMA journal_mode");
	cr_assert_str_eq(mode, "wal");
	free(mode);
	/* and foreign keys are enforced, not merely switched on */
	rc = sqlite3_exec(t.d->db,
			  "INSERT INTO keyslots(user_id, alg, opslimit, memlimit, salt, wrapped, "
			  "generation, created_at) VALUES (999, 1, 2, 8192, x'00', x'00', 1, 'now')",
			  NULL, NULL, NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_FOREIGNKEY, "rc %d: %s", rc, sqlite3_errmsg(t.d->db));
}

Test(migrate, database_file_is_private)
{
	struct stat sb;
	char side[160];

	cr_assert_eq(stat(t.path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0077, 0, "database mode %o is readable by others",
		     (unsigned)(sb.st_mode & 0777));
	snprintf(side, sizeof(side), "%s-wal", t.path);
	if (stat(side, &sb) == 0)
		cr_assert_eq(sb.st_mode & 0077, 0, "WAL mode %o is readable by others",
			     (unsigned)(sb.st_mode & 0777));
}

Test(files, init_makes_missing_parent_directories)
{
	char deep[160];

	snprintf(deep, sizeof(deep), "%s/a/b/t.db", t.dir);
	cr_assert_eq(dasv_init(deep, "admin", TH_ADMIN_PASS, &t.d), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(dasv_schema_version(t.d), dasv_schema_latest());
	dasv_close(&t.d);
	/* th_rmdir removes one level only: clean up the nested ones here */
	snprintf(deep, sizeof(deep), "%s/a/b", t.dir);
	th_rmdir(deep);
	snprintf(deep, sizeof(deep), "%s/a", t.dir);
	th_rmdir(deep);
}
