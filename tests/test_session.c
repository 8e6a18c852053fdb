/*
 * test_session.c - init, unlock and lock, users, roles and keyslots
 * (core/session.c).  Refusals first: wrong passphrases, unknown and disabled
 * users, short passphrases, roles that may not manage users; then what a
 * session holds and what locking takes away.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

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

TestSuite(session, .init = setup, .fini = teardown);
TestSuite(users, .init = setup, .fini = teardown);
TestSuite(roles);

/* Count rows with a second connection, as anyone reading the file would. */
static long long
count_rows(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n;

	cr_assert_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
assert_locked(void)
{
	cr_assert_eq(dasv_is_unlocked(t.d), 0);
	cr_assert_eq(dasv_session_role(t.d), DASV_ROLE_NONE);
	cr_assert_str_eq(dasv_session_user(t.d), "");
	cr_assert_eq(dasv_session_user_id(t.d), 0);
	cr_assert_eq(dasv_session_holds_data_key(t.d), 0);
}

/* ---- unlock: refusals ------------------------------------------------ */

Test(session, wrong_passphrase_is_auth_and_changes_nothing)
{
	long long audit = count_rows("SELECT count(*) FROM audit_log");
	long long slots = count_rows("SELECT count(*) FROM keyslots");
	char msg[512];

	cr_assert_geq(audit, 1);
	cr_assert_eq(dasv_unlock(t.d, "admin", "correct horse battery stapler"), DASV_AUTH);
	snprintf(msg, sizeof(msg), "%s", dasv_errmsg(t.d));
	cr_assert_not_null(strstr(msg, "wrong user name or passphrase"), "%s", msg);
	cr_assert_null(strstr(msg, "stapler"), "the message must not echo the passphrase");
	assert_locked();
	cr_assert_eq(count_rows("SELECT count(*) FROM audit_log"), audit);
	cr_assert_eq(count_rows("SELECT count(*) FROM keyslots"), slots);
	/* calls that need a session are refused */
	cr_assert_eq(dasv_user_add(t.d, "mallory", DASV_ROLE_ADMIN, TH_PASS), DASV_LOCKED);
	cr_assert_eq(count_rows("SELECT count(*) FROM users WHERE name = 'mallory'"), 0);
	/* and the right passphrase still works */
	cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(count_rows("SELECT count(*) FROM audit_log"), audit + 1, "unlock is audited");
}

Test(session, unknown_user_gets_the_same_answer)
{
	char wrong_pass[512], unknown[512];

	cr_assert_eq(dasv_unlock(t.d, "admin", "not the passphrase at all"), DASV_AUTH);
	snprintf(wrong_pass, sizeof(wrong_pass), "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_unlock(t.d, "nobody", TH_ADMIN_PASS), DASV_AUTH);
	snprintf(unknown, sizeof(unknown), "%s", dasv_errmsg(t.d));
	cr_assert_str_eq(unknown, wrong_pass, "an unknown user must be indistinguishable");
	assert_locked();
	cr_assert_eq(dasv_unlock(t.d, NULL, TH_ADMIN_PASS), DASV_AUTH);
	cr_assert_eq(dasv_unlock(t.d, "admin", NULL), DASV_AUTH);
	cr_assert_eq(dasv_unlock(t.d, "", ""), DASV_AUTH);
	assert_locked();
}

Test(session, init_refuses_a_short_passphrase_and_leaves_no_file)
{
	char path[160];
	struct dasv *d = NULL;

	snprintf(path, sizeof(path), "%s/short.db", t.dir);
	cr_assert_eq(dasv_init(path, "admin", "12345678901", &d), DASV_INVALID); /* 11 */
	cr_assert_not_null(strstr(dasv_errmsg(d), "at least 12"), "%s", dasv_errmsg(d));
	dasv_close(&d);
	cr_assert_neq(access(path, F_OK), 0, "a refused init left a file behind");
	cr_assert_eq(dasv_init(path, "admin", "", &d), DASV_INVALID);
	dasv_close(&d);
	cr_assert_eq(dasv_init(path, "admin", NULL, &d), DASV_INVALID);
	dasv_close(&d);
	cr_assert_eq(dasv_init(path, "bad name", TH_ADMIN_PASS, &d), DASV_INVALID);
	dasv_close(&d);
	cr_assert_neq(access(path, F_OK), 0, "a refused init left a file behind");
	/* exactly 12 is enough */
	cr_assert_eq(dasv_init(path, "admin", "123456789012", &d), DASV_OK, "%s", dasv_errmsg(d));
	dasv_close(&d);
}

Test(session, disabled_user_cannot_unlock)
{
	char msg[512];

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	cr_assert_eq(dasv_user_disable(t.d, "carol"), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(count_rows("SELECT count(*) FROM keyslots WHERE user_id = "
				"(SELECT id FROM users WHERE name = 'carol')"),
		     0, "a disabled user's keyslot must be removed");
	cr_assert_eq(dasv_unlock(t.d, "carol", TH_PASS), DASV_AUTH);
	snprintf(msg, sizeof(msg), "%s", dasv_errmsg(t.d));
	cr_assert_not_null(strstr(msg, "wrong user name or passphrase"), "%s", msg);
	assert_locked();
}

/* ---- a session ------------------------------------------------------- */

Test(session, init_leaves_admin_unlocked_and_unlock_works)
{
	cr_assert_eq(dasv_is_unlocked(t.d), 1);
	cr_assert_eq(dasv_session_role(t.d), DASV_ROLE_ADMIN);
	cr_assert_str_eq(dasv_session_user(t.d), "admin");
	cr_assert_gt(dasv_session_user_id(t.d), 0);
	cr_assert_eq(dasv_session_holds_data_key(t.d), 1);
	dasv_close(&t.d);
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK, "%s", dasv_errmsg(t.d));
	assert_locked();
	cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_is_unlocked(t.d), 1);
	cr_assert_eq(dasv_session_role(t.d), DASV_ROLE_ADMIN);
	cr_assert_str_eq(dasv_session_user(t.d), "admin");
	cr_assert_eq(dasv_session_holds_data_key(t.d), 1);
}

Test(session, lock_wipes_the_session)
{
	struct dasv_user *users = (struct dasv_user *)1;
	struct dasv_audit_result res;
	char hex[65];
	int64_t id = -1;
	size_t n = 99;
	int found = -1;

	dasv_lock(t.d);
	assert_locked();
	cr_assert_eq(dasv_user_list(t.d, &users, &n), DASV_LOCKED);
	cr_assert_null(users);
	cr_assert_eq(n, 0);
	cr_assert_eq(dasv_user_add(t.d, "dave", DASV_ROLE_CASEWORKER, TH_PASS), DASV_LOCKED);
	cr_assert_eq(dasv_user_disable(t.d, "admin"), DASV_LOCKED);
	cr_assert_eq(dasv_user_passwd(t.d, "a brand new passphrase"), DASV_LOCKED);
	cr_assert_eq(dasv_setting_set(t.d, "suppress_below", "3"), DASV_LOCKED);
	cr_assert_eq(dasv_audit_verify(t.d, &res), DASV_LOCKED);
	cr_assert_eq(dasv_audit_head(t.d, hex, &id), DASV_LOCKED);
	cr_assert_eq(dasv_audit_contains(t.d, "00", &found), DASV_LOCKED);
	cr_assert_eq(count_rows("SELECT count(*) FROM users WHERE name = 'dave'"), 0);
	/* locking twice, and locking NULL, are harmless */
	dasv_lock(t.d);
	dasv_lock(NULL);
	assert_locked();
	/* the handle can be unlocked again */
	cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_is_unlocked(t.d), 1);
}

Test(session, auditor_holds_no_data_key)
{
	struct dasv_audit_result res;

	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	th_as(&t, "audrey");
	cr_assert_eq(dasv_session_role(t.d), DASV_ROLE_AUDITOR);
	cr_assert_eq(dasv_session_holds_data_key(t.d), 0);
	/* yet the auditor holds the audit key: the chain verifies */
	cr_assert_eq(dasv_audit_verify(t.d, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	/* changing one's own passphrase keeps the slot free of the data key */
	cr_assert_eq(dasv_user_passwd(t.d, "auditors change passphrases too"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	dasv_lock(t.d);
	cr_assert_eq(dasv_unlock(t.d, "audrey", "auditors change passphrases too"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(dasv_session_holds_data_key(t.d), 0);
	/* control: a caseworker does hold it */
	th_as(&t, "admin");
	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_as(&t, "carol");
	cr_assert_eq(dasv_session_holds_data_key(t.d), 1);
}

Test(session, passwd_changes_the_passphrase)
{
	static const char newpass[] = "a completely different passphrase";

	cr_assert_eq(dasv_user_passwd(t.d, "too short"), DASV_INVALID);
	cr_assert_eq(dasv_user_passwd(t.d, newpass), DASV_OK, "%s", dasv_errmsg(t.d));
	dasv_lock(t.d);
	cr_assert_eq(dasv_unlock(t.d, "admin", TH_ADMIN_PASS), DASV_AUTH, "old passphrase still works");
	assert_locked();
	cr_assert_eq(dasv_unlock(t.d, "admin", newpass), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_session_role(t.d), DASV_ROLE_ADMIN);
	cr_assert_eq(dasv_session_holds_data_key(t.d), 1);
}

/* ---- users ----------------------------------------------------------- */

Test(users, only_admin_may_add_or_disable_users)
{
	static const char *const who[] = { "carol", "sam", "audrey" };
	const enum dasv_role roles[] = { DASV_ROLE_CASEWORKER, DASV_ROLE_SUPERVISOR,
					 DASV_ROLE_AUDITOR };

	for (size_t i = 0; i < 3; i++)
		th_add_user(&t, who[i], roles[i]);
	for (size_t i = 0; i < 3; i++) {
		th_as(&t, who[i]);
		cr_assert_eq(dasv_user_add(t.d, "mallory", DASV_ROLE_ADMIN, TH_PASS), DASV_DENIED,
			     "%s may add users", who[i]);
		cr_assert_eq(dasv_user_add(t.d, "mallory", DASV_ROLE_CASEWORKER, TH_PASS),
			     DASV_DENIED, "%s may add users", who[i]);
		cr_assert_not_null(strstr(dasv_errmsg(t.d), "not permitted"), "%s",
				   dasv_errmsg(t.d));
		cr_assert_eq(dasv_user_disable(t.d, "admin"), DASV_DENIED, "%s may disable users",
			     who[i]);
		cr_assert_eq(dasv_user_disable(t.d, who[(i + 1) % 3]), DASV_DENIED,
			     "%s may disable users", who[i]);
		cr_assert_eq(dasv_setting_set(t.d, "suppress_below", "1"), DASV_DENIED,
			     "%s may change settings", who[i]);
	}
	cr_assert_eq(count_rows("SELECT count(*) FROM users WHERE name = 'mallory'"), 0);
	cr_assert_eq(count_rows("SELECT count(*) FROM users WHERE active = 0"), 0);
	cr_assert_eq(count_rows("SELECT count(*) FROM settings WHERE key = 'suppress_below' "
				"AND value = '5'"),
		     1);
}

Test(users, last_admin_cannot_be_disabled)
{
	cr_assert_eq(dasv_user_disable(t.d, "admin"), DASV_INVALID);
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "last active admin"), "%s", dasv_errmsg(t.d));
	cr_assert_eq(count_rows("SELECT count(*) FROM users WHERE name = 'admin' AND active = 1"), 1);
	cr_assert_eq(count_rows("SELECT count(*) FROM keyslots"), 1);
	/* with a second admin the first may go; then the second is the last */
	th_add_user(&t, "root2", DASV_ROLE_ADMIN);
	cr_assert_eq(dasv_user_disable(t.d, "admin"), DASV_OK, "%s", dasv_errmsg(t.d));
	th_as(&t, "root2");
	cr_assert_eq(dasv_user_disable(t.d, "root2"), DASV_INVALID);
	cr_assert_eq(count_rows("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1"), 1);
	/* a disabled user cannot be disabled twice, an unknown one not at all */
	cr_assert_eq(dasv_user_disable(t.d, "admin"), DASV_INVALID);
	cr_assert_eq(dasv_user_disable(t.d, "nobody"), DASV_NOTFOUND);
}

Test(users, add_refuses_short_passphrases_bad_names_and_duplicates)
{
	char longname[DASV_NAME_MAX + 1];

	cr_assert_eq(dasv_user_add(t.d, "carol", DASV_ROLE_CASEWORKER, "12345678901"), DASV_INVALID);
	cr_assert_not_null(strstr(dasv_errmsg(t.d), "at least 12"), "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_user_add(t.d, "carol", DASV_ROLE_CASEWORKER, ""), DASV_INVALID);
	cr_assert_eq(dasv_user_add(t.d, "carol", DASV_ROLE_CASEWORKER, NULL), DASV_INVALID);
	cr_assert_eq(dasv_user_add(t.d, "", DASV_ROLE_CASEWORKER, TH_PASS), DASV_INVALID);
	cr_assert_eq(dasv_user_add(t.d, NULL, DASV_ROLE_CASEWORKER, TH_PASS), DASV_INVALID);
	cr_assert_eq(dasv_user_add(t.d, "carol smith", DASV_ROLE_CASEWORKER, TH_PASS), DASV_INVALID);
	cr_assert_eq(dasv_user_add(t.d, "carol\033[2J", DASV_ROLE_CASEWORKER, TH_PASS), DASV_INVALID);
	cr_assert_eq(dasv_user_add(t.d, "../carol", DASV_ROLE_CASEWORKER, TH_PASS), DASV_INVALID);
	memset(longname, 'a', DASV_NAME_MAX);
	longname[DASV_NAME_MAX] = '\0';
	cr_assert_eq(dasv_user_add(t.d, longname, DASV_ROLE_CASEWORKER, TH_PASS), DASV_INVALID);
	cr_assert_eq(dasv_user_add(t.d, "carol", DASV_ROLE_NONE, TH_PASS), DASV_INVALID);
	cr_assert_eq(count_rows("SELECT count(*) FROM users"), 1, "a refused add left a user");
	/* exactly 12 characters is enough */
	cr_assert_eq(dasv_user_add(t.d, "carol", DASV_ROLE_CASEWORKER, "123456789012"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(dasv_user_add(t.d, "carol", DASV_ROLE_SUPERVISOR, TH_PASS), DASV_EXISTS);
	cr_assert_eq(count_rows("SELECT count(*) FROM users"), 2);
	cr_assert_eq(count_rows("SELECT count(*) FROM keyslots"), 2);
}

/* A role value outside the enum is a caller's mistake: refuse it as invalid. */
Test(users, add_refuses_an_out_of_range_role)
{
	enum dasv_status st = dasv_user_add(t.d, "carol", (enum dasv_role)7, TH_PASS);

	cr_assert_eq(st, DASV_INVALID, "got %d (%s): %s", (int)st, dasv_status_str(st),
		     dasv_errmsg(t.d));
	cr_assert_eq(count_rows("SELECT count(*) FROM users"), 1);
}

Test(users, list_shows_every_user_with_role_and_state)
{
	struct dasv_user *u = NULL;
	size_t n = 0;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	th_add_user(&t, "sam", DASV_ROLE_SUPERVISOR);
	cr_assert_eq(dasv_user_disable(t.d, "sam"), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_user_list(t.d, &u, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 4);
	/* ordered by name */
	cr_assert_str_eq(u[0].name, "admin");
	cr_assert_str_eq(u[1].name, "audrey");
	cr_assert_str_eq(u[2].name, "carol");
	cr_assert_str_eq(u[3].name, "sam");
	cr_assert_eq(u[0].role, DASV_ROLE_ADMIN);
	cr_assert_eq(u[1].role, DASV_ROLE_AUDITOR);
	cr_assert_eq(u[2].role, DASV_ROLE_CASEWORKER);
	cr_assert_eq(u[3].role, DASV_ROLE_SUPERVISOR);
	cr_assert_eq(u[0].active, 1);
	cr_assert_eq(u[2].active, 1);
	cr_assert_eq(u[3].active, 0);
	for (size_t i = 0; i < n; i++) {
		cr_assert_gt(u[i].id, 0);
		cr_assert_eq(strlen(u[i].created_at), 20, "created_at '%s'", u[i].created_at);
		for (size_t j = 0; j < i; j++)
			cr_assert_neq(u[i].id, u[j].id);
	}
	cr_assert_eq(u[0].id, dasv_session_user_id(t.d));
	free(u);
	/* any unlocked user may list */
	th_as(&t, "audrey");
	cr_assert_eq(dasv_user_list(t.d, &u, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 4);
	free(u);
}

/* ---- roles ----------------------------------------------------------- */

Test(roles, names_parse_and_print)
{
	const enum dasv_role all[] = { DASV_ROLE_CASEWORKER, DASV_ROLE_SUPERVISOR,
				       DASV_ROLE_AUDITOR, DASV_ROLE_ADMIN };

	cr_assert_str_eq(dasv_role_name(DASV_ROLE_CASEWORKER), "caseworker");
	cr_assert_str_eq(dasv_role_name(DASV_ROLE_SUPERVISOR), "supervisor");
	cr_assert_str_eq(dasv_role_name(DASV_ROLE_AUDITOR), "auditor");
	cr_assert_str_eq(dasv_role_name(DASV_ROLE_ADMIN), "admin");
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cr_assert_eq(dasv_role_parse(dasv_role_name(all[i])), all[i]);
	cr_assert_eq(dasv_role_parse("Admin"), DASV_ROLE_ADMIN);
	cr_assert_eq(dasv_role_parse("CASEWORKER"), DASV_ROLE_CASEWORKER);
}

Test(roles, unknown_names_and_values)
{
	cr_assert_eq(dasv_role_parse("root"), DASV_ROLE_NONE);
	cr_assert_eq(dasv_role_parse(""), DASV_ROLE_NONE);
	cr_assert_eq(dasv_role_parse(NULL), DASV_ROLE_NONE);
	cr_assert_eq(dasv_role_parse("admin "), DASV_ROLE_NONE);
	cr_assert_eq(dasv_role_parse("admi"), DASV_ROLE_NONE);
	cr_assert_eq(dasv_role_parse("none"), DASV_ROLE_NONE);
	cr_assert_str_eq(dasv_role_name(DASV_ROLE_NONE), "none");
	cr_assert_str_eq(dasv_role_name((enum dasv_role)4), "none");
	cr_assert_str_eq(dasv_role_name((enum dasv_role)-7), "none");
}
