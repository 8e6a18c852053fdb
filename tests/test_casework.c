/*
 * test_casework.c - support and closure (core/casework.c): contacts, sealed
 * case notes, the timeline, closure with its outcome, the service capacity it
 * frees, and who may do each.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "referral_fixtures.h"

static struct th t;

static void
setup(void)
{
	fx_today(FX_TODAY);
	th_setup(&t);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(contact, .init = setup, .fini = teardown);
TestSuite(timeline, .init = setup, .fini = teardown);
TestSuite(closure, .init = setup, .fini = teardown);

static int64_t svc;
static int serial;

/*
 * As admin: caseworkers carol and dave, a helpline service of the given
 * capacity, and a standard-risk referral allocated to carol.  The session is
 * left as carol.
 */
static int64_t
carol_case(int capacity)
{
	char name[32];
	int64_t id, carol;
	int waiting = -1;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "dave", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, capacity, 2, 1);
	fx_name_of(serial++, "Case", name, sizeof(name));
	id = fx_quick(t.d, name, "1987-07-07", "2026-06-01", NULL);
	fx_dash(t.d, id, 4, 0, "", NULL);
	cr_assert_eq(dasv_allocate(t.d, id, svc, carol, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(waiting, 0);
	th_as(&t, "carol");
	return id;
}

static struct dasv_outcome
outcome(const char *reason, int qol)
{
	struct dasv_outcome o;

	memset(&o, 0, sizeof(o));
	snprintf(o.reason, sizeof(o.reason), "%s", reason);
	o.abuse_stopped = 1;
	o.exit_level = DASV_LEVEL_STANDARD;
	o.feels_safer = 1;
	o.quality_of_life = qol;
	return o;
}

/* ---- contacts ---------------------------------------------------------- */

Test(contact, auditor_denied)
{
	struct dasv_event *ev = NULL;
	struct dasv_outcome o = outcome("support_completed", 4);
	struct dasv_field_err fe;
	size_t n = 0;
	int64_t id = carol_case(10);

	th_as(&t, "admin");
	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	th_as(&t, "audrey");
	cr_expect_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "x"), DASV_DENIED);
	cr_expect_eq(dasv_note_add(t.d, id, "x"), DASV_DENIED);
	cr_expect_eq(dasv_timeline(t.d, id, 0, 10, &ev, &n), DASV_DENIED);
	dasv_events_free(&ev, n);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_DENIED);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM case_events WHERE kind LIKE 'contact%'"
				" OR kind = 'note'",
				0),
		     0);
}

Test(contact, other_caseworker_denied)
{
	struct dasv_event *ev = NULL;
	size_t n = 0;
	int64_t id = carol_case(10);

	th_as(&t, "dave");
	cr_expect_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "x"), DASV_DENIED);
	cr_expect_eq(dasv_note_add(t.d, id, "x"), DASV_DENIED);
	/* the timeline decrypts notes: no way round break-glass */
	cr_expect_eq(dasv_timeline(t.d, id, 0, 10, &ev, &n), DASV_DENIED);
	dasv_events_free(&ev, n);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM case_events WHERE kind = 'note'", 0),
		     0);
}

Test(contact, attempted_then_made)
{
	struct dasv_referral g;
	int64_t id = carol_case(10);

	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_ATTEMPTED, "No answer"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "allocated");
	cr_expect_str_eq(g.first_contact_on, "");
	dasv_referral_clear(&g);

	fx_today("2026-06-16");
	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "Spoke, safety plan started"),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "in_support");
	cr_expect_str_eq(g.first_contact_on, "2026-06-16");
	cr_expect_eq(g.overdue, 0);
	dasv_referral_clear(&g);

	/* a later contact does not move the first one */
	fx_today("2026-06-18");
	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "Follow-up call"), DASV_OK);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.first_contact_on, "2026-06-16");
	cr_expect_str_eq(g.status, "in_support");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM case_events WHERE referral_id = ?"
				" AND kind LIKE 'contact%'",
				id),
		     3);
}

Test(contact, unsafe_is_recorded_not_a_contact)
{
	struct dasv_referral g;
	struct dasv_event *ev = NULL;
	size_t n = 0;
	int found = 0;
	int64_t id = carol_case(10);

	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_UNSAFE, "Partner answered the phone"),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.first_contact_on, "");
	cr_expect_str_eq(g.status, "allocated");
	dasv_referral_clear(&g);
	cr_assert_eq(dasv_timeline(t.d, id, 0, 20, &ev, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	for (size_t i = 0; i < n; i++)
		if (strstr(ev[i].kind, "unsafe")) {
			found++;
			cr_assert_not_null(ev[i].body);
			cr_expect_str_eq(ev[i].body, "Partner answered the phone");
			cr_expect_str_eq(ev[i].by, "carol");
		}
	dasv_events_free(&ev, n);
	cr_expect_null(ev);
	cr_expect_eq(found, 1);
	cr_expect_not(fx_db_contains(&t, "Partner answered the phone"));
}

/* ---- notes and the timeline -------------------------------------------- */

Test(timeline, blank_note_refused)
{
	int64_t id = carol_case(10);

	cr_expect_eq(dasv_note_add(t.d, id, ""), DASV_INVALID);
	cr_expect_eq(dasv_note_add(t.d, id, "   "), DASV_INVALID);
	cr_expect_eq(dasv_note_add(t.d, id, NULL), DASV_INVALID);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM case_events WHERE kind = 'note'", 0),
		     0);
}

Test(timeline, notes_sealed_and_newest_first)
{
	struct dasv_event *ev = NULL, *more = NULL;
	size_t n = 0, m = 0;
	int64_t id = carol_case(10);
	int pos_a = -1, pos_b = -1, pos_c = -1;

	cr_assert_eq(dasv_note_add(t.d, id, "Alpha note: she moved to her sister's qv1"), DASV_OK,
		     "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_note_add(t.d, id, "Bravo note\nsecond line qv2"), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "Charlie contact qv3"), DASV_OK,
		     "%s", dasv_errmsg(t.d));

	cr_expect_not(fx_db_contains(&t, "moved to her sister"));
	cr_expect_not(fx_db_contains(&t, "second line qv2"));
	cr_expect_not(fx_db_contains(&t, "Charlie contact"));

	cr_assert_eq(dasv_timeline(t.d, id, 0, 50, &ev, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_geq(n, 3);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			cr_expect_lt(ev[i].id, ev[i - 1].id, "newest first");
		cr_expect_neq(ev[i].at[0], '\0');
		if (!ev[i].body)
			continue;
		if (strcmp(ev[i].body, "Alpha note: she moved to her sister's qv1") == 0)
			pos_a = (int)i;
		if (strcmp(ev[i].body, "Bravo note\nsecond line qv2") == 0)
			pos_b = (int)i;
		if (strcmp(ev[i].body, "Charlie contact qv3") == 0)
			pos_c = (int)i;
	}
	cr_assert(pos_a >= 0 && pos_b >= 0 && pos_c >= 0, "notes read back: %d %d %d", pos_a,
		  pos_b, pos_c);
	cr_expect_lt(pos_c, pos_b);
	cr_expect_lt(pos_b, pos_a);
	cr_expect_str_eq(ev[pos_a].kind, "note");
	cr_expect_str_eq(ev[pos_a].by, "carol");
	cr_expect_not_null(strstr(ev[pos_c].kind, "made"), "kind %s", ev[pos_c].kind);

	/* the next page starts after the first event shown */
	cr_assert_eq(dasv_timeline(t.d, id, ev[0].id, 1, &more, &m), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(m, 1);
	cr_expect_eq(more[0].id, ev[1].id);
	dasv_events_free(&more, m);
	dasv_events_free(&ev, n);
	cr_expect_null(ev);
}

/* ---- closure ----------------------------------------------------------- */

Test(closure, invalid_outcome_refused)
{
	struct dasv_referral g;
	struct dasv_outcome o;
	struct dasv_field_err fe;
	int64_t id = carol_case(10);

	o = outcome("finished", 3);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_INVALID);
	cr_expect_not_null(strstr(fe.field, "reason"), "field %s", fe.field);
	o = outcome("", 3);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_INVALID);
	cr_expect_not_null(strstr(fe.field, "reason"), "field %s", fe.field);
	o = outcome("declined", 6);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_INVALID);
	cr_expect_str_eq(fe.field, "quality_of_life");
	o = outcome("declined", -1);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_INVALID);
	cr_expect_str_eq(fe.field, "quality_of_life");

	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "allocated");
	cr_expect_str_eq(g.closed_on, "");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM outcomes", 0), 0);
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 1);
}

Test(closure, close_records_outcome_and_frees_capacity)
{
	struct dasv_referral g;
	struct dasv_outcome o = outcome("support_completed", 4);
	struct dasv_field_err fe;
	int64_t id = carol_case(1), other, cnt = -1, carol;
	int waiting = -1;

	carol = dasv_session_user_id(t.d);
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 1);
	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "First session"), DASV_OK);
	fx_today("2026-07-20");
	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_OK, "%s (%s: %s)",
		     dasv_errmsg(t.d), fe.field, fe.msg);

	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "closed");
	cr_expect_str_eq(g.closed_on, "2026-07-20");
	cr_expect_str_eq(g.close_reason, "support_completed");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM outcomes WHERE referral_id = ?", id),
		     1);
	cr_expect_eq(fx_sql_int(t.path, "SELECT quality_of_life FROM outcomes WHERE referral_id = ?",
				id),
		     4);
	cr_expect_eq(fx_sql_int(t.path, "SELECT abuse_stopped FROM outcomes WHERE referral_id = ?",
				id),
		     1);
	cr_expect_eq(fx_sql_int(t.path, "SELECT feels_safer FROM outcomes WHERE referral_id = ?", id),
		     1);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT exit_level IS 0 FROM outcomes WHERE referral_id = ?", id),
		     1);
	cr_expect_eq(fx_sql_int(t.path, "SELECT closed_by FROM outcomes WHERE referral_id = ?", id),
		     carol);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT closed_on = '2026-07-20' FROM outcomes WHERE referral_id = ?",
				id),
		     1);

	/* the place is free again, and the case has left her caseload */
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 0);
	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_CASELOAD, 0, &cnt), DASV_OK);
	cr_expect_eq(cnt, 0);
	th_as(&t, "admin");
	other = fx_quick(t.d, "Nextinline", "1970-01-01", "2026-06-01", NULL);
	fx_dash(t.d, other, 4, 0, "", NULL);
	cr_assert_eq(dasv_allocate(t.d, other, svc, 0, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(waiting, 0, "capacity 1 was freed by the closure");
}

Test(closure, not_recorded_fields_stored_as_null)
{
	struct dasv_outcome o = outcome("no_contact", 0);
	struct dasv_field_err fe;
	int64_t id = carol_case(10);

	o.abuse_stopped = -1;
	o.feels_safer = -1;
	o.exit_level = DASV_LEVEL_NONE;
	snprintf(o.closed_on, sizeof(o.closed_on), "2026-06-10");
	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_OK, "%s (%s: %s)",
		     dasv_errmsg(t.d), fe.field, fe.msg);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT quality_of_life IS NULL AND abuse_stopped IS NULL"
				" AND feels_safer IS NULL AND exit_level IS NULL"
				" FROM outcomes WHERE referral_id = ?",
				id),
		     1);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT closed_on = '2026-06-10' FROM referrals WHERE id = ?", id),
		     1);
}

Test(closure, closing_twice_refused)
{
	struct dasv_outcome o = outcome("declined", 2);
	struct dasv_field_err fe;
	int64_t id = carol_case(10);

	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 0);
	o = outcome("moved_away", 3);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_INVALID);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM outcomes", 0), 1);
	cr_expect_eq(fx_sql_int(t.path, "SELECT reason = 'declined' FROM outcomes", 0), 1);
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 0, "not decremented twice");
}

Test(closure, closed_case_takes_no_more_work)
{
	struct dasv_outcome o = outcome("moved_away", 0);
	struct dasv_field_err fe;
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	struct dasv_audit_result ar;
	int64_t id = carol_case(10);
	int waiting = -1;

	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "late call"), DASV_INVALID);
	cr_expect_eq(dasv_note_add(t.d, id, "late note"), DASV_INVALID);
	fx_dash_input(&in, 3, 0, "");
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	th_as(&t, "admin");
	cr_expect_eq(dasv_allocate(t.d, id, svc, 0, NULL, &waiting), DASV_INVALID);
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 0);
	/* everything above kept the audit chain whole */
	memset(&ar, 0, sizeof(ar));
	cr_assert_eq(dasv_audit_verify(t.d, &ar), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(ar.first_bad_id, 0, "%s", ar.reason);
	cr_expect_gt(ar.entries, 8);
}

Test(closure, other_caseworker_cannot_close_supervisor_can)
{
	struct dasv_referral g;
	struct dasv_outcome o = outcome("transferred", 3);
	struct dasv_field_err fe;
	int64_t id = carol_case(10);

	th_as(&t, "dave");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_DENIED);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM outcomes", 0), 0);
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 1);

	th_as(&t, "admin");
	th_add_user(&t, "sam", DASV_ROLE_SUPERVISOR);
	th_as(&t, "sam");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_OK, "%s", dasv_errmsg(t.d));
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "closed");
	dasv_referral_clear(&g);
}

Test(closure, creator_cannot_close_a_case_allocated_to_another)
{
	struct dasv_referral r;
	struct dasv_outcome o = outcome("declined", 0);
	struct dasv_field_err fe;
	int64_t id, dave;
	int waiting = -1;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "dave", DASV_ROLE_CASEWORKER);
	dave = fx_user_id(t.d, "dave");
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 10, 2, 1);
	th_as(&t, "carol");
	fx_referral(&r, "Rae", "Creator", "1980-08-08", NULL);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_dash(t.d, id, 4, 0, "", NULL);
	th_as(&t, "admin");
	cr_assert_eq(dasv_allocate(t.d, id, svc, dave, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	/* carol logged it, but it is dave's case now */
	th_as(&t, "carol");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_DENIED,
		     "the creator closed a case allocated to another caseworker");
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM outcomes", 0), 0);
}

Test(closure, break_glass_does_not_allow_closing)
{
	struct dasv_referral g;
	struct dasv_outcome o = outcome("declined", 0);
	struct dasv_field_err fe;
	int64_t id = carol_case(10);

	th_as(&t, "dave");
	cr_assert_eq(dasv_referral_get(t.d, id, "Duty desk enquiry", &g), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	dasv_referral_clear(&g);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_DENIED,
		     "a caseworker closed another caseworker's case after break-glass");
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM outcomes", 0), 0);
}

Test(closure, closing_a_waiting_case_frees_no_place)
{
	struct dasv_outcome o = outcome("declined", 0);
	struct dasv_field_err fe;
	int64_t id = carol_case(1), waiter, cnt = -1;
	int waiting = -1;

	th_as(&t, "admin");
	waiter = fx_quick(t.d, "Waiter", "1972-02-02", "2026-06-01", NULL);
	fx_dash(t.d, waiter, 4, 0, "", NULL);
	cr_assert_eq(dasv_allocate(t.d, waiter, svc, 0, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(waiting, 1);
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 1);

	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_close(t.d, waiter, &o, &fe), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 1,
		     "only carol's allocated case holds a place");
	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_WAITING, svc, &cnt), DASV_OK);
	cr_expect_eq(cnt, 0, "a closed case is off the waiting list");
	(void)id;
}
