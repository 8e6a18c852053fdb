/*
 * test_backup.c - backups and restores (core/backup.c): who may, a backup made
 * while someone else writes, what a restore checks before it touches anything
 * (integrity, schema, the admin's keyslot, the audit chain) and that a refused
 * restore leaves the live database exactly as it was.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "keyops.h"
#include "referral_fixtures.h"

static struct th t;
static char bak[200];

static void
setup(void)
{
	fx_today(FX_TODAY);
	th_setup(&t);
	snprintf(bak, sizeof(bak), "%s/backup.db", t.dir);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(backup, .init = setup, .fini = teardown);
TestSuite(restore, .init = setup, .fini = teardown);

/* ---- fixtures ------------------------------------------------------------- */

static void
exec_on(const char *path, const char *sql)
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
int_on(const char *path, const char *sql)
{
	return fx_sql_int(path, sql, 0);
}

static void
make_referrals(struct dasv *d, int n, const char *prefix)
{
	char last[32];

	for (int i = 0; i < n; i++) {
		fx_name_of(i, prefix, last, sizeof(last));
		fx_quick(d, last, "1979-09-09", "2026-06-01", NULL);
	}
}

/* The live database's state a refused restore must not change. */
struct snapshot {
	int64_t referrals, audit, generation;
	char head[65];
};

static void
snap(struct snapshot *s)
{
	int64_t id = 0;

	s->referrals = int_on(t.path, "SELECT count(*) FROM referrals");
	s->audit = int_on(t.path, "SELECT count(*) FROM audit_log");
	s->generation = int_on(t.path, "SELECT value FROM settings WHERE key = 'key_generation'");
	cr_assert_eq(dasv_audit_head(t.d, s->head, &id), DASV_OK, "%s", dasv_errmsg(t.d));
}

static void
assert_untouched(const struct snapshot *before)
{
	struct snapshot now;

	cr_assert_eq(dasv_is_unlocked(t.d), 1, "a refused restore must keep the session");
	snap(&now);
	cr_expect_eq(now.referrals, before->referrals);
	cr_expect_eq(now.audit, before->audit);
	cr_expect_eq(now.generation, before->generation);
	cr_expect_str_eq(now.head, before->head);
}

/* ---- backup --------------------------------------------------------------- */

Test(backup, refused_for_other_roles_and_over_an_existing_file)
{
	static const char *const who[] = { "carol", "sam", "audrey" };
	const enum dasv_role roles[] = { DASV_ROLE_CASEWORKER, DASV_ROLE_SUPERVISOR,
					 DASV_ROLE_AUDITOR };
	FILE *f;

	for (size_t i = 0; i < 3; i++)
		th_add_user(&t, who[i], roles[i]);
	for (size_t i = 0; i < 3; i++) {
		th_as(&t, who[i]);
		cr_expect_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_DENIED, "%s", who[i]);
		cr_expect_eq(dasv_restore(t.d, bak, TH_PASS, NULL), DASV_DENIED, "%s", who[i]);
	}
	cr_expect_neq(access(bak, F_OK), 0, "a refused backup left a file");
	th_as(&t, "admin");
	f = fopen(bak, "w");
	cr_assert_not_null(f);
	fputs("precious", f);
	fclose(f);
	cr_expect_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_EXISTS);
	cr_expect(th_file_contains(bak, "precious"), "the existing file was overwritten");
	/* nor into a directory others may write */
	char open_dir[200], there[240];
	snprintf(open_dir, sizeof(open_dir), "%s/open", t.dir);
	cr_assert_eq(mkdir(open_dir, 0777), 0);
	cr_assert_eq(chmod(open_dir, 0777), 0);
	snprintf(there, sizeof(there), "%s/b.db", open_dir);
	cr_expect_eq(dasv_backup(t.d, there, NULL, NULL), DASV_DENIED);
	cr_expect_neq(access(there, F_OK), 0);
	rmdir(open_dir);
}

Test(backup, is_private_self_contained_and_verifies)
{
	struct dasv *b = NULL;
	struct dasv_audit_result ar;
	struct stat sb;
	char mode[16];

	make_referrals(t.d, 5, "Backup");
	cr_assert_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(stat(bak, &sb), 0);
	cr_expect_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
	fx_sql_text(bak, "PRAGMA journal_mode", 0, mode, sizeof(mode));
	cr_expect_str_eq(mode, "delete", "a backup is one file, not a WAL database");
	cr_expect_eq(int_on(bak, "SELECT count(*) FROM referrals"), 5);
	/* the backup holds its own audit entry, and its chain verifies with the admin's key */
	cr_expect_eq(int_on(bak, "SELECT count(*) FROM audit_log WHERE action = 'backup'"), 1);
	cr_assert_eq(dasv_open(bak, 0, &b), DASV_OK, "%s", dasv_errmsg(b));
	cr_assert_eq(dasv_unlock(b, "admin", TH_ADMIN_PASS), DASV_OK, "%s", dasv_errmsg(b));
	cr_expect_eq(dasv_audit_verify(b, &ar), DASV_OK, "%s", dasv_errmsg(b));
	dasv_close(&b);
	/* nothing in clear that is sealed in the database */
	cr_expect(!th_file_contains(bak, "Backupaaa"));
}

struct writer {
	struct dasv *d;
	int calls, wrote;
	int last_remaining;
};

/* Between backup steps, another user writes: the backup must not stop them. */
static void
write_between_steps(void *ctx, int remaining, int total)
{
	struct writer *w = ctx;
	char last[32];

	w->calls++;
	w->last_remaining = remaining;
	cr_assert_leq(remaining, total);
	if (remaining > 0) {
		fx_name_of(w->wrote++, "During", last, sizeof(last));
		fx_quick(w->d, last, "1977-07-07", "2026-06-02", NULL);
	}
}

Test(backup, while_another_handle_writes)
{
	struct writer w = { 0 };
	char check[16];
	int64_t before;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	make_referrals(t.d, 120, "Bulk");
	before = int_on(t.path, "SELECT count(*) FROM referrals");
	cr_assert_eq(dasv_open(t.path, 0, &w.d), DASV_OK, "%s", dasv_errmsg(w.d));
	cr_assert_eq(dasv_unlock(w.d, "carol", TH_PASS), DASV_OK, "%s", dasv_errmsg(w.d));
	cr_assert_eq(dasv_backup(t.d, bak, write_between_steps, &w), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_geq(w.calls, 3, "the copy was not made in steps (%d)", w.calls);
	cr_expect_geq(w.wrote, 2, "no one wrote during the backup");
	cr_expect_eq(w.last_remaining, 0);
	/* the others' writes went through, and the backup is the snapshot it began with */
	cr_expect_eq(int_on(t.path, "SELECT count(*) FROM referrals"), before + w.wrote);
	cr_expect_eq(int_on(bak, "SELECT count(*) FROM referrals"), before);
	fx_sql_text(bak, "PRAGMA integrity_check", 0, check, sizeof(check));
	cr_expect_str_eq(check, "ok");
	dasv_close(&w.d);
}

/* ---- restore: refusals ------------------------------------------------------- */

Test(restore, a_broken_audit_chain_is_refused_and_nothing_changes)
{
	struct dasv_restore_result res;
	struct snapshot before;

	make_referrals(t.d, 3, "Chain");
	cr_assert_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	make_referrals(t.d, 2, "Later");
	/* someone edits a recorded action in the backup */
	exec_on(bak, "DROP TRIGGER audit_log_no_update; "
		     "UPDATE audit_log SET detail = 'nothing to see' WHERE id = 3");
	snap(&before);
	cr_expect_eq(dasv_restore(t.d, bak, TH_ADMIN_PASS, &res), DASV_CORRUPT);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "audit chain is broken at entry 3"), "%s",
			   dasv_errmsg(t.d));
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "nothing was restored"));
	assert_untouched(&before);
	/* entries cut from the middle are caught the same way */
	unlink(bak);
	cr_assert_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	exec_on(bak, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2");
	snap(&before);
	cr_expect_eq(dasv_restore(t.d, bak, TH_ADMIN_PASS, NULL), DASV_CORRUPT);
	assert_untouched(&before);
}

Test(restore, a_damaged_file_is_refused_and_nothing_changes)
{
	struct snapshot before;
	int64_t root, page;
	FILE *f;
	unsigned char junk[512];

	make_referrals(t.d, 60, "Damage");
	cr_assert_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	/* scribble over the middle of an index page */
	root = int_on(bak, "SELECT rootpage FROM sqlite_schema WHERE name = 'referrals_person'");
	page = int_on(bak, "PRAGMA page_size");
	cr_assert_gt(root, 1);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(0x5a ^ i);
	f = fopen(bak, "r+b");
	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, (long)((root - 1) * page + 100), SEEK_SET), 0);
	cr_assert_eq(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	snap(&before);
	cr_expect_eq(dasv_restore(t.d, bak, TH_ADMIN_PASS, NULL), DASV_CORRUPT);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "integrity check"), "%s", dasv_errmsg(t.d));
	assert_untouched(&before);
	/* and a file that is no database at all */
	f = fopen(bak, "wb");
	cr_assert_not_null(f);
	fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	cr_expect_neq(dasv_restore(t.d, bak, TH_ADMIN_PASS, NULL), DASV_OK);
	assert_untouched(&before);
}

Test(restore, refuses_a_wrong_passphrase_a_stranger_and_another_schema)
{
	struct snapshot before;
	char other[200];

	th_add_user(&t, "root2", DASV_ROLE_ADMIN);
	cr_assert_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	snap(&before);
	cr_expect_eq(dasv_restore(t.d, bak, "not the admin passphrase", NULL), DASV_AUTH);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "does not open your keyslot"), "%s",
			   dasv_errmsg(t.d));
	assert_untouched(&before);
	cr_expect_eq(dasv_restore(t.d, "/nonexistent/backup.db", TH_ADMIN_PASS, NULL), DASV_NODB);
	/* an admin who was not one in the backup could not work in it once restored */
	th_add_user(&t, "root3", DASV_ROLE_ADMIN);
	th_as(&t, "root3");
	snap(&before);
	cr_expect_eq(dasv_restore(t.d, bak, TH_PASS, NULL), DASV_DENIED);
	assert_untouched(&before);
	th_as(&t, "admin");
	/* a database of another program, and one from a newer dasv */
	snprintf(other, sizeof(other), "%s/other.db", t.dir);
	exec_on(other, "CREATE TABLE x(y); PRAGMA application_id = 7;");
	snap(&before);
	cr_expect_eq(dasv_restore(t.d, other, TH_ADMIN_PASS, NULL), DASV_VERSION);
	assert_untouched(&before);
	exec_on(bak, "PRAGMA user_version = 999");
	cr_expect_eq(dasv_restore(t.d, bak, TH_ADMIN_PASS, NULL), DASV_VERSION);
	assert_untouched(&before);
}

/* ---- restore ----------------------------------------------------------------- */

Test(restore, a_good_backup_replaces_the_live_database)
{
	struct dasv_restore_result res;
	struct dasv_audit_result ar;
	struct dasv *other = NULL;
	char action[32], mode[16];
	int64_t entries;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	make_referrals(t.d, 4, "Kept");
	cr_assert_eq(dasv_backup(t.d, bak, NULL, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	entries = int_on(bak, "SELECT count(*) FROM audit_log");
	make_referrals(t.d, 3, "Lost");
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	/* someone else has the database open meanwhile */
	cr_assert_eq(dasv_open(t.path, 0, &other), DASV_OK, "%s", dasv_errmsg(other));
	cr_assert_eq(dasv_restore(t.d, bak, TH_ADMIN_PASS, &res), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(res.entries, entries);
	cr_expect_eq(res.migrated, 0);
	cr_expect_eq(int_on(t.path, "SELECT count(*) FROM referrals"), 4);
	cr_expect_eq(int_on(t.path, "SELECT value FROM settings WHERE key = 'key_generation'"), 1);
	/* the session is that of the restored database, and it is audited there */
	cr_assert_eq(dasv_is_unlocked(t.d), 1);
	cr_expect_eq(dasv_audit_verify(t.d, &ar), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(ar.entries, entries + 2, "unlock and restore");
	fx_sql_text(t.path, "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1", 0, action,
		    sizeof(action));
	cr_expect_str_eq(action, "restore");
	fx_sql_text(t.path, "PRAGMA journal_mode", 0, mode, sizeof(mode));
	cr_expect_str_eq(mode, "wal");
	struct dasv_referral g;
	int64_t id = int_on(t.path, "SELECT max(id) FROM referrals");
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.last_name, "Keptaad");
	dasv_referral_clear(&g);
	/* the other handle sees the restored database, and its users can unlock */
	cr_assert_eq(dasv_unlock(other, "carol", TH_PASS), DASV_OK, "%s", dasv_errmsg(other));
	dasv_close(&other);
	fx_sql_text(t.path, "PRAGMA integrity_check", 0, mode, sizeof(mode));
	cr_expect_str_eq(mode, "ok");
}
