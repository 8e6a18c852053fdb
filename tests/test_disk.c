/*
 * test_disk.c - no plaintext on disk.
 *
 * Personal fields go through dasv_bind_sealed / dasv_column_open (internal.h)
 * into `people`; values carry unique markers.  After inserts, updates and
 * deletes, with and without a WAL checkpoint, and after closing, no marker
 * may appear in the database, -wal, -shm or -journal file.  Controls show the
 * same scan does find a marker written in clear, so the test can fail.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "internal.h"

static struct th t;

static void
setup(void)
{
	th_setup(&t);
	cr_assert_eq(dasv_session_holds_data_key(t.d), 1);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(disk, .init = setup, .fini = teardown);

static const char *const markers[] = {
	"MARKER-ALPHA-7f3a",   "MARKER-BRAVO-19c4",  "MARKER-CHARLIE-e80b",
	"MARKER-DELTA-5d21",   "MARKER-ECHO-a6f9",   "MARKER-FOXTROT-03be",
	"MARKER-GOLF-c47d",    "MARKER-HOTEL-2b58",  "MARKER-INDIA-9e10",
	"MARKER-JULIET-f6a2",  "MARKER-KILO-4c83",   "MARKER-LIMA-d0e7",
	"07700 900 461",       "MARKER-MIKE-81fb",   "MARKER-NOVEMBER-6a3c",
};
#define NMARKERS (sizeof(markers) / sizeof(markers[0]))

/* ---- helpers --------------------------------------------------------- */

static void
insert_person(int64_t id, const char *first, const char *last, const char *phone)
{
	static const char q[] =
		"INSERT INTO people(id, first_name, last_name, phone, bi_phone, created_at, "
		"created_by) VALUES (?,?,?,?,?,?,?)";
	sqlite3_stmt *st = NULL;
	unsigned char bi[DASV_BLIND_BYTES];
	char norm[64], now[21];
	const unsigned char *field = t.d->keys->field;

	dasv_normalise_phone(phone, norm, sizeof(norm));
	dasv_blind(t.d->keys->blind, "phone", norm, bi);
	dasv_now(now);
	cr_assert_eq(dasv_tx_begin(t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(sqlite3_prepare_v2(t.d->db, q, -1, &st, NULL), SQLITE_OK, "%s",
		     sqlite3_errmsg(t.d->db));
	sqlite3_bind_int64(st, 1, id);
	cr_assert_eq(dasv_bind_sealed(t.d, st, 2, field, "people", "first_name", id, first), DASV_OK);
	cr_assert_eq(dasv_bind_sealed(t.d, st, 3, field, "people", "last_name", id, last), DASV_OK);
	cr_assert_eq(dasv_bind_sealed(t.d, st, 4, field, "people", "phone", id, phone), DASV_OK);
	sqlite3_bind_blob(st, 5, bi, sizeof(bi), SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, dasv_session_user_id(t.d));
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(t.d->db));
	sqlite3_finalize(st);
	cr_assert_eq(dasv_tx_commit(t.d), DASV_OK, "%s", dasv_errmsg(t.d));
}

/* column is one of first_name, last_name, phone (chosen from literals, not data). */
static const char *
update_sql(const char *column)
{
	if (!strcmp(column, "first_name"))
		return "UPDATE people SET first_name = ? WHERE id = ?";
	if (!strcmp(column, "last_name"))
		return "UPDATE people SET last_name = ? WHERE id = ?";
	if (!strcmp(column, "phone"))
		return "UPDATE people SET phone = ? WHERE id = ?";
	cr_assert_fail("no such column %s", column);
	return NULL;
}

static const char *
select_sql(const char *column)
{
	if (!strcmp(column, "first_name"))
		return "SELECT first_name FROM people WHERE id = ?";
	if (!strcmp(column, "last_name"))
		return "SELECT last_name FROM people WHERE id = ?";
	if (!strcmp(column, "phone"))
		return "SELECT phone FROM people WHERE id = ?";
	cr_assert_fail("no such column %s", column);
	return NULL;
}

static void
update_person(int64_t id, const char *column, const char *value)
{
	sqlite3_stmt *st = NULL;

	cr_assert_eq(dasv_tx_begin(t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(sqlite3_prepare_v2(t.d->db, update_sql(column), -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(dasv_bind_sealed(t.d, st, 1, t.d->keys->field, "people", column, id, value),
		     DASV_OK);
	sqlite3_bind_int64(st, 2, id);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(t.d->db));
	cr_assert_eq(sqlite3_changes(t.d->db), 1);
	sqlite3_finalize(st);
	cr_assert_eq(dasv_tx_commit(t.d), DASV_OK, "%s", dasv_errmsg(t.d));
}

static void
delete_person(int64_t id)
{
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_prepare_v2(t.d->db, "DELETE FROM people WHERE id = ?", -1, &st, NULL),
		     SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	cr_assert_eq(sqlite3_changes(t.d->db), 1);
	sqlite3_finalize(st);
}

/* Open a stored field as `as_column` of row `as_id` (which may not be where it was sealed). */
static enum dasv_status
open_field(int64_t id, const char *column, int64_t as_id, const char *as_column, char **out)
{
	sqlite3_stmt *st = NULL;
	enum dasv_status ret;

	cr_assert_eq(sqlite3_prepare_v2(t.d->db, select_sql(column), -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no person %lld", (long long)id);
	ret = dasv_column_open(t.d, st, 0, t.d->keys->field, "people", as_column, as_id, out);
	sqlite3_finalize(st);
	return ret;
}

static void
assert_field(int64_t id, const char *column, const char *want)
{
	char *got = NULL;

	cr_assert_eq(open_field(id, column, id, column, &got), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_not_null(got);
	cr_assert_str_eq(got, want);
	dasv_str_free(&got);
}

static void
side_path(char *buf, size_t n, const char *suffix)
{
	snprintf(buf, n, "%s%s", t.path, suffix);
}

static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

/* Which of the database's files holds the needle; "" when none. */
static const char *
found_in(const char *needle)
{
	char p[192];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		side_path(p, sizeof(p), suffixes[i]);
		if (th_file_contains(p, needle))
			return suffixes[i][0] ? suffixes[i] : ".db";
	}
	return "";
}

static void
assert_no_marker_on_disk(const char *when)
{
	for (size_t i = 0; i < NMARKERS; i++)
		cr_assert_str_eq(found_in(markers[i]), "", "%s: '%s' is in clear in the %s file",
				 when, markers[i], found_in(markers[i]));
}

static long
file_size(const char *suffix)
{
	char p[192];
	struct stat sb;

	side_path(p, sizeof(p), suffix);
	return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static void
checkpoint_truncate(void)
{
	int log = -1, done = -1;

	cr_assert_eq(sqlite3_wal_checkpoint_v2(t.d->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log,
					       &done),
		     SQLITE_OK, "%s", sqlite3_errmsg(t.d->db));
	cr_assert_eq(file_size("-wal"), 0, "checkpoint did not truncate the WAL");
}

/* Binary search in a file (th_file_contains stops at a NUL in the needle). */
static int
file_has_bytes(const char *suffix, const void *needle, size_t n)
{
	char p[192];
	FILE *f;
	unsigned char *buf;
	long len;
	int found;

	side_path(p, sizeof(p), suffix);
	if (!(f = fopen(p, "rb")))
		return 0;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	found = memmem(buf, (size_t)len, needle, n) != NULL;
	free(buf);
	return found;
}

/* ---- controls: the scan can fail ------------------------------------- */

Test(disk, control_clear_setting_is_found)
{
	static const char clear[] = "MARKER-CLEAR-0c1d";

	cr_assert_str_eq(found_in(clear), "");
	cr_assert_eq(dasv_setting_set(t.d, "disk_control", clear), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_str_neq(found_in(clear), "", "a value in clear was not found: the scan is blind");
	cr_assert_str_eq(found_in(clear), "-wal", "before a checkpoint it is in the WAL");
	checkpoint_truncate();
	cr_assert_str_eq(found_in(clear), ".db", "after a checkpoint it is in the database");
	dasv_close(&t.d);
	cr_assert_str_eq(found_in(clear), ".db");
}

Test(disk, control_unsealed_person_field_is_found)
{
	/* what a forgotten dasv_bind_sealed would look like */
	static const char clear[] = "MARKER-UNSEALED-b3d5";
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_prepare_v2(t.d->db,
					"INSERT INTO people(id, first_name, created_at) "
					"VALUES (1, ?, '2024-01-01T00:00:00Z')",
					-1, &st, NULL),
		     SQLITE_OK);
	sqlite3_bind_blob(st, 1, clear, (int)strlen(clear), SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	cr_assert_str_neq(found_in(clear), "", "an unsealed field was not found: the scan is blind");
	dasv_close(&t.d);
	cr_assert_str_eq(found_in(clear), ".db");
}

/* ---- sealed fields never reach the disk in clear ---------------------- */

Test(disk, no_marker_on_disk_through_inserts_updates_deletes_and_close)
{
	static const char clear[] = "MARKER-CLEAR-55aa";

	/* round 1: inserts, an update, a delete, then a checkpoint */
	insert_person(1, markers[0], markers[1], markers[2]);
	insert_person(2, markers[3], markers[4], markers[5]);
	insert_person(3, markers[6], markers[7], markers[12]);
	update_person(2, "first_name", markers[8]);
	delete_person(3);
	assert_field(1, "first_name", markers[0]);
	assert_field(1, "phone", markers[2]);
	assert_field(2, "first_name", markers[8]);
	assert_field(2, "last_name", markers[4]);
	cr_assert_gt(file_size("-wal"), 0, "the writes should be in the WAL");
	assert_no_marker_on_disk("before the checkpoint");
	checkpoint_truncate();
	assert_no_marker_on_disk("after the checkpoint");

	/* round 2: more of the same, left in the WAL */
	insert_person(4, markers[9], markers[10], markers[11]);
	update_person(1, "last_name", markers[13]);
	update_person(4, "phone", markers[14]);
	delete_person(2);
	cr_assert_eq(dasv_setting_set(t.d, "disk_control", clear), DASV_OK, "%s", dasv_errmsg(t.d));
	assert_field(1, "last_name", markers[13]);
	assert_field(4, "phone", markers[14]);
	assert_field(4, "first_name", markers[9]);
	cr_assert_gt(file_size("-wal"), 0, "round 2 should be in the WAL");
	assert_no_marker_on_disk("with writes left in the WAL");
	/* the control in clear, written alongside, is seen in the same files */
	cr_assert_str_eq(found_in(clear), "-wal");

	/* closing checkpoints and removes the WAL */
	dasv_close(&t.d);
	assert_no_marker_on_disk("after close");
	cr_assert_str_eq(found_in(clear), ".db");
	/* and the rows are still there, under their seals */
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	th_as(&t, "admin");
	assert_field(1, "first_name", markers[0]);
	assert_field(1, "last_name", markers[13]);
	assert_field(4, "phone", markers[14]);
}

Test(disk, blind_index_is_not_the_value)
{
	char norm[64];
	sqlite3_stmt *st = NULL;

	insert_person(1, markers[0], markers[1], "07700 900 461");
	dasv_normalise_phone("07700 900 461", norm, sizeof(norm));
	cr_assert_str_eq(norm, "07700900461");
	cr_assert_str_eq(found_in(norm), "");
	cr_assert_eq(sqlite3_prepare_v2(t.d->db, "SELECT bi_phone FROM people WHERE id = 1", -1,
					&st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_bytes(st, 0), DASV_BLIND_BYTES);
	sqlite3_finalize(st);
	dasv_close(&t.d);
	cr_assert_str_eq(found_in(norm), "");
	cr_assert_str_eq(found_in("07700 900 461"), "");
}

Test(disk, deleted_ciphertext_does_not_linger)
{
	unsigned char ct[32];
	sqlite3_stmt *st = NULL;

	insert_person(1, markers[0], markers[1], markers[2]);
	insert_person(2, markers[3], markers[4], markers[5]);
	checkpoint_truncate();
	cr_assert_eq(sqlite3_prepare_v2(t.d->db, "SELECT first_name FROM people WHERE id = 1", -1,
					&st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_geq(sqlite3_column_bytes(st, 0), (int)sizeof(ct));
	memcpy(ct, sqlite3_column_blob(st, 0), sizeof(ct));
	sqlite3_finalize(st);
	cr_assert(file_has_bytes("", ct, sizeof(ct)), "control: the sealed value is in the file");
	delete_person(1);
	checkpoint_truncate();
	dasv_close(&t.d);
	cr_assert(!file_has_bytes("", ct, sizeof(ct)),
		  "a deleted row's ciphertext is still in the database file (secure_delete?)");
}

Test(disk, value_moved_to_another_row_or_column_does_not_open)
{
	char *got = (char *)"x";
	sqlite3 *db = NULL;

	insert_person(1, markers[0], markers[1], markers[2]);
	insert_person(2, markers[3], markers[4], markers[5]);
	/* reading row 1's value as row 2's, or as another column, must fail */
	cr_assert_eq(open_field(1, "first_name", 2, "first_name", &got), DASV_CORRUPT);
	cr_assert_null(got);
	cr_assert_eq(open_field(1, "first_name", 1, "last_name", &got), DASV_CORRUPT);
	cr_assert_null(got);
	/* an attacker copies the blob across rows in the file itself */
	cr_assert_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
				  "UPDATE people SET first_name = (SELECT first_name FROM people "
				  "WHERE id = 1) WHERE id = 2",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(db);
	cr_assert_eq(open_field(2, "first_name", 2, "first_name", &got), DASV_CORRUPT);
	cr_assert_null(got);
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "people 2"), "%s", dasv_errmsg(t.d));
	cr_assert_null(strstr(dasv_errmsg(t.d), "MARKER"), "message leaks a value: %s",
		       dasv_errmsg(t.d));
	/* control: row 1 still opens; a NULL column opens to NULL */
	assert_field(1, "first_name", markers[0]);
	update_person(1, "phone", NULL);
	got = (char *)"x";
	cr_assert_eq(open_field(1, "phone", 1, "phone", &got), DASV_OK);
	cr_assert_null(got);
}
