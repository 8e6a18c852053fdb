/*
 * test_audit.c - the hash-chained audit log (core/audit.c).
 *
 * An attacker with write access to the file drops the append-only triggers
 * and edits, deletes, inserts or swaps entries with the sqlite3 API; each must
 * be caught by dasv_audit_verify at exactly the first entry that no longer
 * follows.  A cut tail is caught by recording the head elsewhere.
 *
 * Every test starts from six entries:
 *   1 init, 2 user_add admin, 3 user_add carol, 4 user_add sam,
 *   5 setting suppress_below, 6 setting retention_years
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static struct th t;

static void
setup(void)
{
	th_setup(&t);
	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "sam", DASV_ROLE_SUPERVISOR);
	cr_assert_eq(dasv_setting_set(t.d, "suppress_below", "6"), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_setting_set(t.d, "retention_years", "7"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(audit, .init = setup, .fini = teardown);
TestSuite(tamper, .init = setup, .fini = teardown);

/* ---- helpers --------------------------------------------------------- */

/* A second connection to the file, as an attacker with file access has. */
static sqlite3 *
attacker(int drop_triggers)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (drop_triggers)
		cr_assert_eq(sqlite3_exec(db,
					  "DROP TRIGGER audit_log_no_update;"
					  "DROP TRIGGER audit_log_no_delete;",
					  NULL, NULL, NULL),
			     SQLITE_OK, "%s", sqlite3_errmsg(db));
	return db;
}

static void
sql(sqlite3 *db, const char *q)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, q, NULL, NULL, &msg);

	cr_assert_eq(rc, SQLITE_OK, "%s: %s", q, msg ? msg : "?");
}

static long long
sql_int(sqlite3 *db, const char *q)
{
	sqlite3_stmt *st = NULL;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s: %s", q,
		     sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", q);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Drop the triggers, run the edit, close. */
static void
tamper(const char *q)
{
	sqlite3 *db = attacker(1);

	sql(db, q);
	cr_assert_eq(sqlite3_close(db), SQLITE_OK);
}

static void
assert_verifies(int64_t entries)
{
	struct dasv_audit_result res;

	memset(&res, 0x55, sizeof(res));
	cr_assert_eq(dasv_audit_verify(t.d, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(res.first_bad_id, 0);
	cr_assert_eq(res.entries, entries);
}

static void
assert_broken_at(int64_t id)
{
	struct dasv_audit_result res;
	char want[64];

	memset(&res, 0, sizeof(res));
	cr_assert_eq(dasv_audit_verify(t.d, &res), DASV_CORRUPT,
		     "tampering not detected (first_bad_id %lld)", (long long)res.first_bad_id);
	cr_assert_eq(res.first_bad_id, id, "first bad entry %lld, expected %lld (%s)",
		     (long long)res.first_bad_id, (long long)id, res.reason);
	cr_assert_neq(res.reason[0], '\0', "a reason must be given");
	snprintf(want, sizeof(want), "entry %lld", (long long)id);
	cr_assert_not_null(strstr(dasv_errmsg(t.d), want), "%s", dasv_errmsg(t.d));
}

#define COLS "at, user_id, user_name, action, entity, entity_id, detail, prev_hash, hash"
#define PAYLOAD "at, user_id, user_name, action, entity, entity_id, detail"

/* ---- the chain holds -------------------------------------------------- */

Test(audit, chain_verifies_after_actions)
{
	sqlite3 *db;

	assert_verifies(6);
	db = attacker(0);
	cr_assert_eq(sql_int(db, "SELECT count(*) FROM audit_log"), 6);
	cr_assert_eq(sql_int(db, "SELECT max(id) FROM audit_log"), 6);
	/* each entry's prev_hash is its predecessor's hash; the first follows zeros */
	cr_assert_eq(sql_int(db, "SELECT count(*) FROM audit_log a JOIN audit_log b "
				 "ON b.id = a.id + 1 WHERE b.prev_hash = a.hash"),
		     5);
	cr_assert_eq(sql_int(db, "SELECT prev_hash = zeroblob(32) FROM audit_log WHERE id = 1"), 1);
	cr_assert_eq(sql_int(db, "SELECT count(*) FROM audit_log WHERE action = 'user_add'"), 3);
	sqlite3_close(db);
	/* a locked session cannot verify */
	dasv_lock(t.d);
	{
		struct dasv_audit_result res;
		cr_assert_eq(dasv_audit_verify(t.d, &res), DASV_LOCKED);
	}
}

Test(audit, triggers_refuse_update_and_delete)
{
	sqlite3 *db = attacker(0);
	int rc;

	rc = sqlite3_exec(db, "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 3", NULL,
			  NULL, NULL);
	cr_assert_eq(rc & 0xff, SQLITE_CONSTRAINT, "UPDATE allowed (rc %d)", rc);
	cr_assert_not_null(strstr(sqlite3_errmsg(db), "append-only"), "%s", sqlite3_errmsg(db));
	rc = sqlite3_exec(db, "DELETE FROM audit_log WHERE id = 6", NULL, NULL, NULL);
	cr_assert_eq(rc & 0xff, SQLITE_CONSTRAINT, "DELETE allowed (rc %d)", rc);
	cr_assert_not_null(strstr(sqlite3_errmsg(db), "append-only"), "%s", sqlite3_errmsg(db));
	rc = sqlite3_exec(db, "DELETE FROM audit_log", NULL, NULL, NULL);
	cr_assert_eq(rc & 0xff, SQLITE_CONSTRAINT, "DELETE all allowed (rc %d)", rc);
	cr_assert_eq(sql_int(db, "SELECT count(*) FROM audit_log"), 6);
	cr_assert_eq(sql_int(db, "SELECT count(*) FROM audit_log WHERE detail = 'nothing happened'"),
		     0);
	sqlite3_close(db);
	assert_verifies(6);
}

/*
 * INSERT OR REPLACE deletes the row it replaces without firing DELETE
 * triggers (recursive_triggers is off), so it is an edit the triggers must
 * refuse on their own.
 */
Test(audit, triggers_refuse_insert_or_replace)
{
	sqlite3 *db = attacker(0);
	char msg[256];
	long long rewritten;
	int rc;

	rc = sqlite3_exec(db,
			  "INSERT OR REPLACE INTO audit_log(id, " COLS ") SELECT id, at, user_id, "
			  "user_name, action, entity, entity_id, 'rewritten', prev_hash, hash "
			  "FROM audit_log WHERE id = 3",
			  NULL, NULL, NULL);
	snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(db));
	rewritten = sql_int(db, "SELECT count(*) FROM audit_log WHERE detail = 'rewritten'");
	sqlite3_close(db);
	cr_assert_eq(rewritten, 0,
		     "INSERT OR REPLACE rewrote audit entry 3 past the append-only triggers");
	cr_assert_eq(rc & 0xff, SQLITE_CONSTRAINT, "rc %d", rc);
	cr_assert_not_null(strstr(msg, "append-only"), "%s", msg);
	assert_verifies(6);
}

/* ---- tampering, each caught at the right entry ------------------------ */

Test(tamper, edited_detail_is_caught_at_that_entry)
{
	tamper("UPDATE audit_log SET detail = 'role=caseworker ' WHERE id = 3");
	assert_broken_at(3);
}

Test(tamper, every_column_of_an_entry_is_covered)
{
	static const char *const edits[] = {
		"UPDATE audit_log SET at = '2001-01-01T00:00:00Z' WHERE id = 4",
		"UPDATE audit_log SET user_id = user_id + 1 WHERE id = 4",
		"UPDATE audit_log SET user_name = 'carol' WHERE id = 4",
		"UPDATE audit_log SET action = 'user_disable' WHERE id = 4",
		"UPDATE audit_log SET entity = 'settings' WHERE id = 4",
		"UPDATE audit_log SET entity_id = entity_id + 1 WHERE id = 4",
		"UPDATE audit_log SET detail = 'role=admin' WHERE id = 4",
		"UPDATE audit_log SET prev_hash = randomblob(32) WHERE id = 4",
		"UPDATE audit_log SET prev_hash = x'00' WHERE id = 4",
		"UPDATE audit_log SET hash = randomblob(32) WHERE id = 4",
		"UPDATE audit_log SET hash = x'' WHERE id = 4",
	};
	sqlite3 *db = attacker(1);

	sql(db, "CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE id = 4");
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		sql(db, edits[i]);
		cr_assert_eq(sqlite3_changes(db), 1, "%s", edits[i]);
		assert_broken_at(4);
		sql(db, "UPDATE audit_log SET (" COLS ") = (SELECT " COLS " FROM temp.saved) "
			"WHERE id = 4");
		/* restored: the chain holds again, so each edit above was what broke it */
		assert_verifies(6);
	}
	sqlite3_close(db);
}

Test(tamper, deleted_middle_entry_is_caught_at_the_next)
{
	tamper("DELETE FROM audit_log WHERE id = 3");
	assert_broken_at(4);
}

Test(tamper, deleted_and_renumbered_is_caught_where_the_gap_was)
{
	/* close the gap so the ids run 1..5 again */
	tamper("DELETE FROM audit_log WHERE id = 3;"
	       "UPDATE audit_log SET id = id + 100 WHERE id > 3;"
	       "UPDATE audit_log SET id = id - 101 WHERE id > 100;");
	assert_broken_at(3);
}

Test(tamper, deleted_first_entry_is_caught_at_the_second)
{
	tamper("DELETE FROM audit_log WHERE id = 1");
	assert_broken_at(2);
}

Test(tamper, forged_entry_replacing_one_is_caught_at_it)
{
	/* the forger keeps the chain link and even the old hash; only the MAC key is missing */
	tamper("CREATE TEMP TABLE orig AS SELECT * FROM audit_log WHERE id = 3;"
	       "DELETE FROM audit_log WHERE id = 3;"
	       "INSERT INTO audit_log(id, " COLS ") SELECT 3, at, user_id, user_name, "
	       "'user_disable', entity, entity_id, '', prev_hash, hash FROM temp.orig;");
	assert_broken_at(3);
}

Test(tamper, forged_entry_inserted_between_two_is_caught_at_it)
{
	/* make room after entry 3, then forge entry 4 linked to entry 3's hash */
	tamper("UPDATE audit_log SET id = id + 100 WHERE id >= 4;"
	       "UPDATE audit_log SET id = id - 99 WHERE id >= 100;"
	       "INSERT INTO audit_log(id, " COLS ") SELECT 4, at, user_id, user_name, "
	       "'user_add', 'user', 99, 'role=admin', hash, randomblob(32) "
	       "FROM audit_log WHERE id = 3;");
	assert_broken_at(4);
}

Test(tamper, replaced_entry_is_caught_at_it)
{
	/* no trigger needs dropping for this one: see triggers_refuse_insert_or_replace */
	sqlite3 *db = attacker(0);
	int rc = sqlite3_exec(db,
			      "INSERT OR REPLACE INTO audit_log(id, " COLS ") SELECT id, at, "
			      "user_id, user_name, action, entity, entity_id, 'role=admin', "
			      "prev_hash, hash FROM audit_log WHERE id = 3",
			      NULL, NULL, NULL);

	sqlite3_close(db);
	if (rc != SQLITE_OK)
		tamper("UPDATE audit_log SET detail = 'role=admin' WHERE id = 3");
	assert_broken_at(3);
}

Test(tamper, forged_entry_appended_is_caught_at_it)
{
	tamper("INSERT INTO audit_log(id, " COLS ") SELECT 7, at, user_id, user_name, "
	       "'user_add', 'user', 99, 'role=admin', hash, randomblob(32) "
	       "FROM audit_log WHERE id = 6;");
	assert_broken_at(7);
}

Test(tamper, swapped_entries_are_caught_at_the_first)
{
	/* everything but the ids: a reordering */
	tamper("CREATE TEMP TABLE s AS SELECT * FROM audit_log WHERE id IN (3, 5);"
	       "UPDATE audit_log SET (" COLS ") = (SELECT " COLS " FROM temp.s "
	       "WHERE temp.s.id = 8 - audit_log.id) WHERE id IN (3, 5);");
	assert_broken_at(3);
}

Test(tamper, swapped_contents_keeping_hashes_are_caught_at_the_first)
{
	tamper("CREATE TEMP TABLE s AS SELECT * FROM audit_log WHERE id IN (3, 4);"
	       "UPDATE audit_log SET (" PAYLOAD ") = (SELECT " PAYLOAD " FROM temp.s "
	       "WHERE temp.s.id = 7 - audit_log.id) WHERE id IN (3, 4);");
	assert_broken_at(3);
}

/* ---- the head, recorded off the host, catches a cut tail -------------- */

Test(audit, head_is_64_hex_digits_and_found)
{
	char hex[65], other[65];
	int64_t id = 0;
	int found = -1;

	memset(hex, 'Z', sizeof(hex));
	cr_assert_eq(dasv_audit_head(t.d, hex, &id), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(id, 6);
	cr_assert_eq(strlen(hex), 64);
	for (size_t i = 0; i < 64; i++)
		cr_assert(isxdigit((unsigned char)hex[i]), "'%c' in head", hex[i]);
	cr_assert_eq(dasv_audit_contains(t.d, hex, &found), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(found, 1);
	/* one digit different is not in the chain */
	memcpy(other, hex, sizeof(other));
	other[63] = other[63] == '0' ? '1' : '0';
	cr_assert_eq(dasv_audit_contains(t.d, other, &found), DASV_OK);
	cr_assert_eq(found, 0);
	/* not a head at all */
	cr_assert_eq(dasv_audit_contains(t.d, "xyz", &found), DASV_INVALID);
	cr_assert_eq(found, 0);
	cr_assert_eq(dasv_audit_contains(t.d, "", &found), DASV_INVALID);
	other[63] = '\0';
	cr_assert_eq(dasv_audit_contains(t.d, other, &found), DASV_INVALID, "63 digits accepted");
	/* the head moves with the next entry, and the old head stays in the chain */
	cr_assert_eq(dasv_setting_set(t.d, "reassess_days", "28"), DASV_OK);
	cr_assert_eq(dasv_audit_head(t.d, other, &id), DASV_OK);
	cr_assert_eq(id, 7);
	cr_assert_str_neq(other, hex);
	cr_assert_eq(dasv_audit_contains(t.d, hex, &found), DASV_OK);
	cr_assert_eq(found, 1);
}

Test(tamper, cut_tail_passes_verify_but_loses_the_head)
{
	char head[65], now[65];
	int64_t id = 0;
	int found = -1;

	cr_assert_eq(dasv_audit_head(t.d, head, &id), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(id, 6);
	tamper("DELETE FROM audit_log WHERE id >= 5");
	/* a shorter chain is still a chain: that is why heads are recorded off the host */
	assert_verifies(4);
	cr_assert_eq(dasv_audit_contains(t.d, head, &found), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(found, 0, "a cut tail must lose the recorded head");
	cr_assert_eq(dasv_audit_head(t.d, now, &id), DASV_OK);
	cr_assert_eq(id, 4);
	cr_assert_eq(dasv_audit_contains(t.d, now, &found), DASV_OK);
	cr_assert_eq(found, 1);
}

/* ---- auditors ---------------------------------------------------------- */

Test(audit, auditor_verifies_and_detects_tampering)
{
	char hex[65];
	int64_t id = 0;

	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR); /* 7 */
	th_as(&t, "audrey");                          /* 8: unlock */
	cr_assert_eq(dasv_session_holds_data_key(t.d), 0);
	assert_verifies(8);
	cr_assert_eq(dasv_audit_head(t.d, hex, &id), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(id, 8);
	tamper("UPDATE audit_log SET user_name = 'sam' WHERE id = 5");
	assert_broken_at(5);
}

/* ---- what the MAC covers: stored bytes and types ------------------------ */

Test(tamper, text_hidden_after_a_nul_is_caught)
{
	/* same C string as before, more bytes stored: a reader of the raw value sees them */
	tamper("UPDATE audit_log SET detail = CAST(detail || x'00' || CAST('hidden' AS BLOB) AS TEXT)"
	       " WHERE id = 3");
	assert_broken_at(3);
}

/* Column affinity turns '5' back into 5, but nothing turns a blob into text. */
Test(tamper, text_stored_as_a_blob_is_caught)
{
	tamper("UPDATE audit_log SET detail = CAST(detail AS BLOB) WHERE id = 3");
	assert_broken_at(3);
}

Test(tamper, null_swapped_for_zero_is_caught)
{
	/* the init entry has no entity id: NULL, which is not the same as 0 */
	tamper("UPDATE audit_log SET entity_id = 0 WHERE id = 1");
	assert_broken_at(1);
}

Test(tamper, an_emptied_log_is_caught)
{
	struct dasv_audit_result res;

	tamper("DELETE FROM audit_log");
	cr_assert_eq(dasv_audit_verify(t.d, &res), DASV_CORRUPT);
	cr_assert_eq(res.first_bad_id, 1);
	cr_assert_not_null(strstr(res.reason, "empty"), "%s", res.reason);
}
