/*
 * test_auditview.c - the audit log as auditors and admins read it
 * (core/auditview.c): who may, keyset paging newest first in both
 * directions, the break-glass filter and its reasons (opened with the
 * audit-derived key an auditor holds, damaged ones shown as such), one
 * audit entry per page, and the chain still verifying afterwards.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "auditview.h"
#include "helpers.h"
#include "referral_fixtures.h"

static struct th t;
static int64_t ref_a, ref_b;

#define REASON_A "Safeguarding call from the school about this family"
#define REASON_B "Covering for a colleague on leave"

/*
 * Users: admin, caseworker "cw", auditor "aud", supervisor "sup".  Two
 * referrals created by admin, each opened by cw with break-glass.
 */
static void
setup(void)
{
	struct dasv_referral r;

	fx_today(FX_TODAY);
	th_setup(&t);
	th_add_user(&t, "cw", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "aud", DASV_ROLE_AUDITOR);
	th_add_user(&t, "sup", DASV_ROLE_SUPERVISOR);
	ref_a = fx_quick(t.d, "Glassa", "1990-01-01", "2026-06-01", NULL);
	ref_b = fx_quick(t.d, "Glassb", "1991-01-01", "2026-06-02", NULL);
	th_as(&t, "cw");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(dasv_referral_get(t.d, ref_a, REASON_A, &r), DASV_OK, "%s", dasv_errmsg(t.d));
	dasv_referral_clear(&r);
	cr_assert_eq(dasv_referral_get(t.d, ref_b, REASON_B, &r), DASV_OK, "%s", dasv_errmsg(t.d));
	dasv_referral_clear(&r);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(auditview, .init = setup, .fini = teardown);

static int64_t
count_action(const char *action)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
	return fx_sql_int(t.path, sql, 0);
}

static void
exec_sql(const char *sql)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open(t.path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(db));
	sqlite3_close(db);
}

Test(auditview, caseworkers_and_supervisors_are_denied_locked_is_refused)
{
	struct dasv_audit_entry e[4];
	size_t n = 99;
	int64_t c = -1;

	cr_expect_eq(dasv_audit_page(t.d, 0, 0, 1, e, 4, &n), DASV_DENIED);
	cr_expect_eq(n, 0);
	cr_expect_eq(dasv_audit_count(t.d, 0, &c), DASV_DENIED);
	th_as(&t, "sup");
	cr_expect_eq(dasv_audit_page(t.d, 1, 0, 1, e, 4, &n), DASV_DENIED);
	dasv_lock(t.d);
	cr_expect_eq(dasv_audit_page(t.d, 0, 0, 1, e, 4, &n), DASV_LOCKED);
	cr_expect_eq(count_action("audit_view"), 0, "a refused read is not a read");
}

Test(auditview, an_auditor_reads_break_glass_reasons_without_the_data_key)
{
	struct dasv_audit_entry e[8];
	size_t n = 0;

	th_as(&t, "aud");
	cr_assert_eq(dasv_session_holds_data_key(t.d), 0);
	cr_assert_eq(dasv_audit_page(t.d, 1, 0, 1, e, 8, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 2);
	/* newest first: b, then a */
	cr_expect_gt(e[0].id, e[1].id);
	cr_expect_str_eq(e[0].action, "break_glass");
	cr_expect_str_eq(e[0].user, "cw");
	cr_expect_str_eq(e[0].entity, "referral");
	cr_expect_eq(e[0].entity_id, ref_b);
	cr_expect_eq(e[0].bg_state, DASV_BG_OPENED);
	cr_assert_not_null(e[0].bg_reason);
	cr_expect_str_eq(e[0].bg_reason, REASON_B);
	cr_expect_eq(e[1].entity_id, ref_a);
	cr_assert_not_null(e[1].bg_reason);
	cr_expect_str_eq(e[1].bg_reason, REASON_A);
	cr_expect_gt(e[0].bg_id, e[1].bg_id);
	cr_expect_eq(e[0].at[4], '-');
	dasv_audit_entries_clear(e, n);
	cr_expect_null(e[0].bg_reason);
	/* the read is audited, and the reasons never are */
	cr_expect_eq(count_action("audit_view"), 1);
	cr_expect(!fx_audit_mentions(&t, "Safeguarding call"), "a reason reached the log");
	cr_expect(!fx_audit_mentions(&t, "colleague"), "a reason reached the log");
}

Test(auditview, the_nth_break_glass_of_a_user_on_a_referral_gets_the_nth_reason)
{
	struct dasv_audit_entry e[8];
	struct dasv_referral r;
	size_t n = 0;

	/* cw breaks glass on ref_a again: each entry keeps its own reason */
	th_as(&t, "cw");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(dasv_referral_get(t.d, ref_a, "Second look, new concern", &r), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	dasv_referral_clear(&r);
	th_as(&t, "admin");
	cr_assert_eq(dasv_audit_page(t.d, 1, 0, 1, e, 8, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 3);
	cr_expect_eq(e[0].entity_id, ref_a);
	cr_expect_str_eq(e[0].bg_reason, "Second look, new concern");
	cr_expect_eq(e[2].entity_id, ref_a);
	cr_expect_str_eq(e[2].bg_reason, REASON_A);
	dasv_audit_entries_clear(e, n);
}

Test(auditview, a_tampered_reason_shows_as_damaged_and_the_page_still_reads)
{
	struct dasv_audit_entry e[8];
	size_t n = 0;

	/*
	 * The newest gets the oldest's sealed reason (bound to another row, so
	 * it must not open); the oldest gets random bytes.
	 */
	exec_sql("UPDATE break_glass SET reason = (SELECT reason FROM break_glass "
		 "ORDER BY id LIMIT 1) WHERE id = (SELECT max(id) FROM break_glass)");
	exec_sql("UPDATE break_glass SET reason = randomblob(length(reason)) "
		 "WHERE id = (SELECT min(id) FROM break_glass)");
	th_as(&t, "aud");
	cr_assert_eq(dasv_audit_page(t.d, 1, 0, 1, e, 8, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 2);
	cr_expect_eq(e[0].bg_state, DASV_BG_DAMAGED);
	cr_expect_eq(e[1].bg_state, DASV_BG_DAMAGED);
	cr_expect_null(e[0].bg_reason);
	dasv_audit_entries_clear(e, n);
	/* a missing break-glass record */
	exec_sql("PRAGMA foreign_keys = OFF; DELETE FROM break_glass");
	cr_assert_eq(dasv_audit_page(t.d, 1, 0, 1, e, 8, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 2);
	cr_expect_eq(e[0].bg_state, DASV_BG_MISSING);
	dasv_audit_entries_clear(e, n);
	/* an ordinary entry is not break-glass */
	cr_assert_eq(dasv_audit_page(t.d, 0, 0, 1, e, 1, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 1);
	cr_expect_str_eq(e[0].action, "audit_view");
	cr_expect_eq(e[0].bg_state, DASV_BG_NONE);
	dasv_audit_entries_clear(e, n);
}

Test(auditview, keyset_pages_cover_the_log_once_newest_first_both_ways)
{
	struct dasv_audit_entry e[3], back[3];
	int64_t total = 0, seen = 0, last = 0, before, key = 0;
	int64_t *ids;
	size_t n = 0, pages = 0;

	th_as(&t, "aud");
	cr_assert_eq(dasv_audit_count(t.d, 0, &total), DASV_OK);
	cr_assert_gt(total, 6);
	cr_assert_not_null(ids = calloc((size_t)total + 1, sizeof(*ids)));
	before = count_action("audit_view");
	/* forward from the newest; pages written meanwhile land above, unseen */
	for (;;) {
		cr_assert_eq(dasv_audit_page(t.d, 0, key, 1, e, 3, &n), DASV_OK, "%s",
			     dasv_errmsg(t.d));
		if (n == 0)
			break;
		pages++;
		for (size_t i = 0; i < n; i++) {
			cr_expect(last == 0 || e[i].id < last, "not newest first");
			last = e[i].id;
			cr_assert_lt(seen, total + 1);
			ids[seen++] = e[i].id;
		}
		key = e[n - 1].id;
		dasv_audit_entries_clear(e, n);
	}
	cr_expect_eq(seen, total, "every entry once");
	cr_expect_eq(ids[seen - 1], 1);
	cr_expect_eq(count_action("audit_view"), before + (int64_t)pages, "one entry per page");
	/* backwards from the oldest: the 3 oldest, still newest first */
	cr_assert_eq(dasv_audit_page(t.d, 0, 0, -1, back, 3, &n), DASV_OK);
	cr_assert_eq(n, 3);
	cr_expect_eq(back[0].id, 3);
	cr_expect_eq(back[2].id, 1);
	dasv_audit_entries_clear(back, n);
	/* and up from entry 2: entries 5, 4, 3 */
	cr_assert_eq(dasv_audit_page(t.d, 0, 2, -1, back, 3, &n), DASV_OK);
	cr_assert_eq(n, 3);
	cr_expect_eq(back[0].id, 5);
	cr_expect_eq(back[2].id, 3);
	dasv_audit_entries_clear(back, n);
	/* the chain, with all these reads in it, still verifies */
	{
		struct dasv_audit_result res;
		cr_expect_eq(dasv_audit_verify(t.d, &res), DASV_OK, "%s", res.reason);
		cr_expect_eq(res.first_bad_id, 0);
	}
	free(ids);
}

Test(auditview, counts_and_empty_pages)
{
	struct dasv_audit_entry e[2];
	int64_t n_all = 0, n_bg = 0, before;
	size_t n = 7;

	th_as(&t, "admin");
	cr_assert_eq(dasv_audit_count(t.d, 1, &n_bg), DASV_OK);
	cr_expect_eq(n_bg, 2);
	cr_assert_eq(dasv_audit_count(t.d, 0, &n_all), DASV_OK);
	cr_expect_eq(n_all, fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0));
	before = count_action("audit_view");
	/* past the oldest: nothing, and nothing to audit */
	cr_assert_eq(dasv_audit_page(t.d, 0, 1, 1, e, 2, &n), DASV_OK);
	cr_expect_eq(n, 0);
	cr_assert_eq(dasv_audit_page(t.d, 0, 0, 1, e, 0, &n), DASV_OK);
	cr_expect_eq(n, 0);
	cr_expect_eq(count_action("audit_view"), before);
}
