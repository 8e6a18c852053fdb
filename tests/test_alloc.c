/*
 * test_alloc.c - recommendations, the supervisor's queue and allocation
 * (core/alloc.c): the rules of migrations/0002, queue order and keyset
 * paging, capacity and waiting lists, overrides, first-contact deadlines.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
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

TestSuite(recommend, .init = setup, .fini = teardown);
TestSuite(allocate, .init = setup, .fini = teardown);
TestSuite(queue, .init = setup, .fini = teardown);

static int serial;

static int64_t
new_referral(const char *received_on)
{
	char name[32];

	fx_name_of(serial++, "Alloc", name, sizeof(name));
	return fx_quick(t.d, name, "1985-05-05", received_on, NULL);
}

/* Index of the first item with this service type, or -1. */
static int
rec_find_type(const struct dasv_recommendation *rec, const char *type)
{
	for (int i = 0; i < rec->n; i++)
		if (strcmp(rec->items[i].service_type, type) == 0)
			return i;
	return -1;
}

static int
rec_find_flag(const struct dasv_recommendation *rec, const char *flag)
{
	for (int i = 0; i < rec->n; i++)
		if (strcmp(rec->items[i].flag, flag) == 0)
			return i;
	return -1;
}

/* Evaluate; every item has a reason; the stored primary is the first service type. */
static void
recommend(int64_t id, struct dasv_recommendation *rec, const char *primary)
{
	struct dasv_referral g;
	const char *first = "";

	memset(rec, 0, sizeof(*rec));
	cr_assert_eq(dasv_recommend(t.d, id, rec), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_gt(rec->n, 0);
	cr_assert_leq(rec->n, DASV_MAX_RECS);
	for (int i = 0; i < rec->n; i++) {
		cr_expect_neq(rec->items[i].reason[0], '\0', "item %d has no reason", i);
		if (!*first && rec->items[i].service_type[0])
			first = rec->items[i].service_type;
	}
	cr_expect_str_eq(first, primary, "primary service type %s, expected %s", first, primary);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.rec_service_type, primary);
	dasv_referral_clear(&g);
}

/* ---- recommendations --------------------------------------------------- */

Test(recommend, auditor_and_other_caseworker_denied)
{
	struct dasv_recommendation rec;
	int64_t id;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	id = new_referral("2026-06-01");
	fx_dash(t.d, id, 3, 0, "", NULL);
	th_as(&t, "audrey");
	cr_expect_eq(dasv_recommend(t.d, id, &rec), DASV_DENIED);
	th_as(&t, "carol");
	cr_expect_eq(dasv_recommend(t.d, id, &rec), DASV_DENIED);
}

Test(recommend, da_high_marac_idva)
{
	struct dasv_recommendation rec;
	struct dasv_referral g;
	int64_t id = new_referral("2026-06-01");
	int i;

	fx_dash(t.d, id, 17, 0, "", NULL);
	recommend(id, &rec, "idva");
	i = rec_find_type(&rec, "idva");
	cr_assert_geq(i, 0);
	cr_expect_str_eq(rec.items[i].pathway, "DA-RISK");
	cr_expect_geq(rec_find_flag(&rec, "marac"), 0, "MARAC flagged");
	cr_expect_lt(rec_find_type(&rec, "outreach"), 0);
	cr_expect_lt(rec_find_type(&rec, "helpline"), 0);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.rec_pathway, "DA-RISK");
	cr_expect_neq(g.rec_reason[0], '\0');
	dasv_referral_clear(&g);
}

Test(recommend, da_high_without_marac_no_marac_flag)
{
	struct dasv_recommendation rec;
	int64_t id = new_referral("2026-06-01");

	fx_dash(t.d, id, 15, 0, "", NULL); /* high, no consent: not referred */
	recommend(id, &rec, "idva");
	cr_expect_lt(rec_find_flag(&rec, "marac"), 0);
}

Test(recommend, da_medium_outreach)
{
	struct dasv_recommendation rec;
	int64_t id = new_referral("2026-06-01");

	fx_dash(t.d, id, 12, 0, "", NULL);
	recommend(id, &rec, "outreach");
	cr_expect_lt(rec_find_type(&rec, "idva"), 0);
}

Test(recommend, da_standard_helpline)
{
	struct dasv_recommendation rec;
	struct dasv_referral g;
	int64_t id = new_referral("2026-06-01");
	int i;

	fx_dash(t.d, id, 4, 0, "", NULL);
	recommend(id, &rec, "helpline");
	i = rec_find_type(&rec, "helpline");
	cr_assert_geq(i, 0);
	cr_expect_str_eq(rec.items[i].pathway, "DA-SUPPORT");
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.rec_pathway, "DA-SUPPORT");
	dasv_referral_clear(&g);
}

/* An SV referral received 2026-06-01 with the incident on the given date. */
static int64_t
sv_referral(const char *incident_on)
{
	struct dasv_referral r;
	int scores[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lv;
	char name[32];
	int64_t id;

	fx_name_of(serial++, "Sv", name, sizeof(name));
	fx_referral(&r, "Kim", name, "1995-09-09", NULL);
	r.strand = FX_SV;
	r.vawg = FX_VAWG_SV;
	snprintf(r.incident_on, sizeof(r.incident_on), "%s", incident_on);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	cr_assert_eq(dasv_sv_record(t.d, id, scores, DASV_LEVEL_NONE, NULL, &lv), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	return id;
}

Test(recommend, sv_isva)
{
	struct dasv_recommendation rec;
	struct dasv_referral g;
	int64_t id = sv_referral("2026-05-24"); /* 8 days before */
	int i;

	recommend(id, &rec, "isva");
	i = rec_find_type(&rec, "isva");
	cr_assert_geq(i, 0);
	cr_expect_str_eq(rec.items[i].pathway, "SV-SUPPORT");
	cr_expect_lt(rec_find_type(&rec, "sarc"), 0, "8 days: no SARC");
	cr_expect_lt(rec_find_flag(&rec, "sarc"), 0);
	fx_get(t.d, id, &g);
	cr_expect_eq(g.sarc, 0);
	dasv_referral_clear(&g);
}

Test(recommend, sv_within_seven_days_sarc)
{
	struct dasv_recommendation rec;
	struct dasv_referral g;
	int64_t a = sv_referral("2026-05-29"); /* 3 days before */
	int64_t b = sv_referral("2026-05-25"); /* exactly 7 days before */

	memset(&rec, 0, sizeof(rec));
	cr_assert_eq(dasv_recommend(t.d, a, &rec), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect(rec_find_type(&rec, "sarc") >= 0 || rec_find_flag(&rec, "sarc") >= 0);
	cr_expect_geq(rec_find_type(&rec, "isva"), 0, "the ISVA is still offered");
	fx_get(t.d, a, &g);
	cr_expect_eq(g.sarc, 1);
	dasv_referral_clear(&g);

	memset(&rec, 0, sizeof(rec));
	cr_assert_eq(dasv_recommend(t.d, b, &rec), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect(rec_find_type(&rec, "sarc") >= 0 || rec_find_flag(&rec, "sarc") >= 0);
	fx_get(t.d, b, &g);
	cr_expect_eq(g.sarc, 1);
	dasv_referral_clear(&g);
}

Test(recommend, children_cyp_and_safeguarding)
{
	struct dasv_recommendation rec;
	struct dasv_referral r, g;
	int64_t id;

	fx_referral(&r, "Nia", "Children", "1990-01-01", NULL);
	r.children_count = 1;
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_dash(t.d, id, 4, 0, "", NULL);
	recommend(id, &rec, "helpline");
	cr_expect_geq(rec_find_type(&rec, "cyp"), 0);
	cr_expect_geq(rec_find_flag(&rec, "safeguarding"), 0);
	fx_get(t.d, id, &g);
	cr_expect_eq(g.safeguarding, 1);
	dasv_referral_clear(&g);

	/* no children: no CYP service */
	id = new_referral("2026-06-01");
	fx_dash(t.d, id, 4, 0, "", NULL);
	recommend(id, &rec, "helpline");
	cr_expect_lt(rec_find_type(&rec, "cyp"), 0);
	cr_expect_lt(rec_find_flag(&rec, "safeguarding"), 0);
}

static int64_t
fgm_referral(const char *dob)
{
	struct dasv_referral r;
	char name[32];
	int64_t id;

	fx_name_of(serial++, "Fgm", name, sizeof(name));
	fx_referral(&r, "Ayan", name, dob, NULL);
	r.vawg = FX_VAWG_DA | FX_VAWG_FGM;
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_dash(t.d, id, 4, 0, "", NULL);
	return id;
}

Test(recommend, fgm_under_18_mandatory_reporting)
{
	struct dasv_recommendation rec;
	struct dasv_referral g;
	/* received 2026-06-01: 17 (birthday on 2 June), then 18 that day */
	int64_t young = fgm_referral("2008-06-02");
	int64_t adult = fgm_referral("2008-06-01");

	fx_get(t.d, young, &g);
	cr_expect_eq(g.age_at_referral, 17);
	cr_expect_eq(g.mandatory_reporting, 1);
	dasv_referral_clear(&g);
	memset(&rec, 0, sizeof(rec));
	cr_assert_eq(dasv_recommend(t.d, young, &rec), DASV_OK);
	cr_expect_geq(rec_find_flag(&rec, "mandatory_reporting"), 0);

	fx_get(t.d, adult, &g);
	cr_expect_eq(g.age_at_referral, 18);
	cr_expect_eq(g.mandatory_reporting, 0);
	dasv_referral_clear(&g);
	memset(&rec, 0, sizeof(rec));
	cr_assert_eq(dasv_recommend(t.d, adult, &rec), DASV_OK);
	cr_expect_lt(rec_find_flag(&rec, "mandatory_reporting"), 0);
}

Test(recommend, perpetrator_known_programme)
{
	struct dasv_recommendation rec;
	struct dasv_referral r;
	int scores[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lv;
	int64_t da, sv, none;
	int i;

	fx_referral(&r, "Jo", "Perpda", "1990-01-01", NULL);
	fx_set(&r.perpetrator_name, "Kevin Marsh");
	da = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_dash(t.d, da, 4, 0, "", NULL);
	recommend(da, &rec, "helpline");
	i = rec_find_type(&rec, "perpetrator_programme");
	cr_assert_geq(i, 0);
	cr_expect_str_eq(rec.items[i].pathway, "DA-PERP");

	fx_referral(&r, "Jo", "Perpsv", "1990-01-01", NULL);
	r.strand = FX_SV;
	r.vawg = FX_VAWG_SV;
	fx_set(&r.perpetrator_name, "Lewis Grant");
	sv = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	cr_assert_eq(dasv_sv_record(t.d, sv, scores, DASV_LEVEL_NONE, NULL, &lv), DASV_OK);
	recommend(sv, &rec, "isva");
	i = rec_find_type(&rec, "perpetrator_programme");
	cr_assert_geq(i, 0);
	cr_expect_str_eq(rec.items[i].pathway, "SV-PERP");

	none = new_referral("2026-06-01");
	fx_dash(t.d, none, 4, 0, "", NULL);
	recommend(none, &rec, "helpline");
	cr_expect_lt(rec_find_type(&rec, "perpetrator_programme"), 0);
}

/* ---- allocation -------------------------------------------------------- */

Test(allocate, caseworker_and_auditor_denied)
{
	int64_t id, svc;
	int waiting = -1;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 10, 2, 1);
	id = new_referral("2026-06-01");
	fx_dash(t.d, id, 4, 0, "", NULL);
	th_as(&t, "carol");
	cr_expect_eq(dasv_allocate(t.d, id, svc, 0, NULL, &waiting), DASV_DENIED);
	th_as(&t, "audrey");
	cr_expect_eq(dasv_allocate(t.d, id, svc, 0, NULL, &waiting), DASV_DENIED);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM allocations", 0), 0);
	cr_expect_eq(fx_sql_int(t.path, "SELECT open_cases FROM services WHERE id = ?", svc), 0);
}

Test(allocate, recommended_type_needs_no_reason)
{
	struct dasv_referral g;
	struct dasv_service s;
	int64_t id, svc, carol;
	int waiting = -1;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "sam", DASV_ROLE_SUPERVISOR);
	carol = fx_user_id(t.d, "carol");
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 10, 2, 1);
	id = new_referral("2026-06-01");
	fx_dash(t.d, id, 4, 0, "", NULL);
	th_as(&t, "sam");
	cr_assert_eq(dasv_allocate(t.d, id, svc, carol, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(waiting, 0);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "allocated");
	cr_expect_eq(g.service_id, svc);
	cr_expect_eq(g.worker_id, carol);
	cr_expect_str_eq(g.service_name, "Test helpline");
	cr_expect_str_eq(g.worker_name, "carol");
	cr_expect_str_eq(g.allocated_on, FX_TODAY);
	/* Monday 2026-06-15 + 2 working days */
	cr_expect_str_eq(g.contact_due, "2026-06-17");
	cr_expect_str_eq(g.waiting_since, "");
	cr_expect_eq(g.overdue, 0);
	dasv_referral_clear(&g);
	s = fx_service_get(t.d, svc);
	cr_expect_eq(s.open_cases, 1);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM allocations WHERE referral_id = ?"
				" AND state = 'active' AND overridden = 0",
				id),
		     1);
}

Test(allocate, other_type_needs_override_reason)
{
	struct dasv_referral g;
	struct dasv_service s;
	int64_t id, idva;
	int waiting = -1;

	idva = fx_service(t.d, "Test IDVA", "idva", "DA-RISK", FX_DA, 10, 2, 1);
	id = new_referral("2026-06-01");
	fx_dash(t.d, id, 4, 0, "", NULL); /* standard: helpline recommended */
	cr_expect_eq(dasv_allocate(t.d, id, idva, 0, NULL, &waiting), DASV_INVALID);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "override_reason"), "message: %s",
			   dasv_errmsg(t.d));
	cr_expect_eq(dasv_allocate(t.d, id, idva, 0, "  ", &waiting), DASV_INVALID);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "override_reason"));
	s = fx_service_get(t.d, idva);
	cr_expect_eq(s.open_cases, 0);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "triaged");
	cr_expect_eq(g.service_id, 0);
	dasv_referral_clear(&g);

	cr_assert_eq(dasv_allocate(t.d, id, idva, 0, "Known to the IDVA from 2024 zr8", &waiting),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(waiting, 0);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "allocated");
	cr_expect_eq(g.service_id, idva);
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT overridden FROM allocations WHERE referral_id = ?"
				" AND state = 'active'",
				id),
		     1);
	cr_expect_not(fx_db_contains(&t, "Known to the IDVA from 2024"));
}

Test(allocate, friday_skips_the_weekend)
{
	struct dasv_referral g;
	int64_t svc, idva, std, high, med;
	int waiting;

	fx_today("2026-06-12"); /* a Friday */
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 10, 2, 1);
	idva = fx_service(t.d, "Test IDVA", "idva", "DA-RISK", FX_DA, 10, 3, 1);
	std = new_referral("2026-06-01");
	fx_dash(t.d, std, 4, 0, "", NULL);
	high = new_referral("2026-06-01");
	fx_dash(t.d, high, 17, 0, "", NULL);
	med = new_referral("2026-06-01");
	fx_dash(t.d, med, 12, 0, "", NULL);

	cr_assert_eq(dasv_allocate(t.d, std, svc, 0, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	fx_get(t.d, std, &g);
	cr_expect_str_eq(g.allocated_on, "2026-06-12");
	cr_expect_str_eq(g.contact_due, "2026-06-16", "Friday + 2 working days is Tuesday");
	dasv_referral_clear(&g);

	/* high risk: the service's high_contact_days (1) */
	cr_assert_eq(dasv_allocate(t.d, high, idva, 0, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	fx_get(t.d, high, &g);
	cr_expect_str_eq(g.contact_due, "2026-06-15", "Friday + 1 working day is Monday");
	dasv_referral_clear(&g);

	/* medium on the IDVA service (an override): contact_days (3) */
	cr_assert_eq(dasv_allocate(t.d, med, idva, 0, "Worker already known", &waiting), DASV_OK,
		     "%s", dasv_errmsg(t.d));
	fx_get(t.d, med, &g);
	cr_expect_str_eq(g.contact_due, "2026-06-17", "Friday + 3 working days is Wednesday");
	dasv_referral_clear(&g);
}

Test(allocate, full_service_waiting_list)
{
	struct dasv_referral g;
	struct dasv_service s;
	struct dasv_row rows[4];
	size_t n = 99;
	int64_t svc, a, b, c, cnt = -1;
	int waiting = -1;

	svc = fx_service(t.d, "Small helpline", "helpline", "DA-SUPPORT", FX_DA, 1, 2, 1);
	a = new_referral("2026-06-01");
	b = new_referral("2026-06-02");
	c = new_referral("2026-06-03");
	fx_dash(t.d, a, 4, 0, "", NULL);
	fx_dash(t.d, b, 4, 0, "", NULL);
	fx_dash(t.d, c, 4, 0, "", NULL);

	cr_assert_eq(dasv_allocate(t.d, a, svc, 0, NULL, &waiting), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(waiting, 0);
	s = fx_service_get(t.d, svc);
	cr_expect_eq(s.open_cases, 1);

	fx_today("2026-06-16");
	cr_assert_eq(dasv_allocate(t.d, b, svc, 0, NULL, &waiting), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(waiting, 1);
	fx_today("2026-06-17");
	cr_assert_eq(dasv_allocate(t.d, c, svc, 0, NULL, &waiting), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(waiting, 1);

	s = fx_service_get(t.d, svc);
	cr_expect_eq(s.open_cases, 1, "waiting cases are not open cases");
	fx_get(t.d, b, &g);
	cr_expect_str_eq(g.waiting_since, "2026-06-16");
	cr_expect_str_neq(g.status, "allocated");
	cr_expect_str_eq(g.contact_due, "");
	dasv_referral_clear(&g);
	fx_get(t.d, a, &g);
	cr_expect_str_eq(g.status, "allocated");
	cr_expect_str_eq(g.waiting_since, "");
	dasv_referral_clear(&g);

	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_WAITING, svc, &cnt), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(cnt, 2);
	memset(rows, 0, sizeof(rows));
	cr_assert_eq(dasv_page(t.d, DASV_LIST_WAITING, svc, NULL, 1, rows, 4, &n), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(n, 2);
	/* longest waiting first */
	cr_expect_eq(rows[0].id, b);
	cr_expect_eq(rows[1].id, c);
	cr_expect_str_eq(rows[0].waiting_since, "2026-06-16");
	cr_expect_eq(rows[0].days_waiting, 1);
	cr_expect_eq(rows[1].days_waiting, 0);
	dasv_rows_wipe(rows, n);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM allocations WHERE service_id = ? AND state = 'waiting'",
				svc),
		     2);
}

Test(allocate, reallocation_moves_the_place)
{
	struct dasv_referral g;
	int64_t s1, s2, id;
	int waiting = -1;

	s1 = fx_service(t.d, "Helpline north", "helpline", "DA-SUPPORT", FX_DA, 5, 2, 1);
	s2 = fx_service(t.d, "Helpline south", "helpline", "DA-SUPPORT", FX_DA, 5, 2, 1);
	id = new_referral("2026-06-01");
	fx_dash(t.d, id, 4, 0, "", NULL);
	cr_assert_eq(dasv_allocate(t.d, id, s1, 0, NULL, &waiting), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_allocate(t.d, id, s2, 0, NULL, &waiting), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(waiting, 0);
	cr_expect_eq(fx_service_get(t.d, s1).open_cases, 0);
	cr_expect_eq(fx_service_get(t.d, s2).open_cases, 1);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM allocations WHERE referral_id = ? AND state = 'active'",
				id),
		     1);
	fx_get(t.d, id, &g);
	cr_expect_eq(g.service_id, s2);
	dasv_referral_clear(&g);
}

Test(allocate, zero_capacity_waits)
{
	int64_t svc, a;
	int waiting = -1;

	svc = fx_service(t.d, "Closed helpline", "helpline", "DA-SUPPORT", FX_DA, 0, 2, 1);
	a = new_referral("2026-06-01");
	fx_dash(t.d, a, 4, 0, "", NULL);
	cr_assert_eq(dasv_allocate(t.d, a, svc, 0, NULL, &waiting), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(waiting, 1);
	cr_expect_eq(fx_service_get(t.d, svc).open_cases, 0);
}

Test(allocate, waiting_list_supervisors_only)
{
	struct dasv_row rows[2];
	size_t n;
	int64_t svc, cnt;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 1, 2, 1);
	th_as(&t, "carol");
	cr_expect_eq(dasv_page(t.d, DASV_LIST_WAITING, svc, NULL, 1, rows, 2, &n), DASV_DENIED);
	cr_expect_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, NULL, 1, rows, 2, &n), DASV_DENIED);
	cr_expect_eq(dasv_list_count(t.d, DASV_LIST_QUEUE, 0, &cnt), DASV_DENIED);
}

Test(allocate, overdue_after_the_due_day)
{
	struct dasv_referral g;
	int64_t svc, id;
	int waiting;

	fx_today("2026-06-01"); /* Monday */
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 10, 2, 1);
	id = new_referral("2026-05-20");
	fx_dash(t.d, id, 4, 0, "", NULL);
	cr_assert_eq(dasv_allocate(t.d, id, svc, 0, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.contact_due, "2026-06-03");
	cr_expect_eq(g.overdue, 0);
	dasv_referral_clear(&g);

	fx_today("2026-06-03"); /* due today: not yet overdue */
	fx_get(t.d, id, &g);
	cr_expect_eq(g.overdue, 0);
	dasv_referral_clear(&g);

	fx_today("2026-06-04");
	fx_get(t.d, id, &g);
	cr_expect_eq(g.overdue, 1);
	dasv_referral_clear(&g);

	/* a first contact ends it */
	cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "Spoke, safe to talk"), DASV_OK,
		     "%s", dasv_errmsg(t.d));
	fx_get(t.d, id, &g);
	cr_expect_eq(g.overdue, 0);
	cr_expect_str_eq(g.first_contact_on, "2026-06-04");
	dasv_referral_clear(&g);
}

Test(allocate, worker_sees_it_in_caseload)
{
	struct dasv_referral g;
	struct dasv_row rows[4];
	size_t n = 99;
	int64_t svc, id, carol, cnt = -1;
	int waiting, allowed = 0;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 10, 2, 1);
	id = new_referral("2026-06-01");
	new_referral("2026-06-01"); /* not hers */
	fx_dash(t.d, id, 4, 0, "", NULL);

	th_as(&t, "carol");
	cr_expect_eq(dasv_referral_can_open(t.d, id, &allowed), DASV_OK);
	cr_expect_eq(allowed, 0, "not hers before allocation");
	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_CASELOAD, 0, &cnt), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(cnt, 0);

	th_as(&t, "admin");
	cr_assert_eq(dasv_allocate(t.d, id, svc, carol, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	th_as(&t, "carol");
	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_CASELOAD, 0, &cnt), DASV_OK);
	cr_expect_eq(cnt, 1);
	memset(rows, 0, sizeof(rows));
	cr_assert_eq(dasv_page(t.d, DASV_LIST_CASELOAD, 0, NULL, 1, rows, 4, &n), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(n, 1);
	cr_expect_eq(rows[0].id, id);
	cr_expect_str_eq(rows[0].contact_due, "2026-06-17");
	cr_expect_str_eq(rows[0].service_name, "Test helpline");
	cr_expect_eq(strncmp(rows[0].name, "Alex Alloc", 10), 0, "name %s", rows[0].name);
	dasv_rows_wipe(rows, n);
	cr_expect_eq(dasv_referral_can_open(t.d, id, &allowed), DASV_OK);
	cr_expect_eq(allowed, 1);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.worker_name, "carol");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM break_glass", 0), 0);
}

/* ---- queue order and keyset paging ------------------------------------- */

#define NQ 57

struct qref {
	int64_t id;
	int cls; /* 0 high+MARAC, 1 high, 2 medium, 3 standard, 4 not assessed */
	char received_on[11];
};

static int
qref_cmp(const void *a, const void *b)
{
	const struct qref *x = a, *y = b;
	int c;

	if (x->cls != y->cls)
		return x->cls - y->cls;
	if ((c = strcmp(x->received_on, y->received_on)) != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* 57 referrals in five classes with dates that repeat; *q sorted in queue order. */
static void
make_queue(struct qref q[NQ])
{
	static const int yes[5] = { 17, 15, 11, 3, -1 };
	int32_t base;

	cr_assert_eq(dasv_date_parse("2026-01-01", &base, NULL, 0), DASV_OK);
	for (int i = 0; i < NQ; i++) {
		q[i].cls = (i * 3) % 5;
		dasv_date_format(base + (i * 37) % 40, q[i].received_on);
		q[i].id = new_referral(q[i].received_on);
		if (yes[q[i].cls] >= 0)
			fx_dash(t.d, q[i].id, yes[q[i].cls], 0, q[i].received_on, NULL);
	}
	qsort(q, NQ, sizeof(q[0]), qref_cmp);
}

Test(queue, order_and_forward_walk)
{
	struct qref q[NQ];
	struct dasv_row rows[10];
	struct dasv_page_key key = { 0 };
	int64_t cnt = -1;
	size_t n, seen = 0;
	int pages = 0, last_prio = -1;

	make_queue(q);
	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_QUEUE, 0, &cnt), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(cnt, NQ);
	for (;;) {
		memset(rows, 0, sizeof(rows));
		cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, &key, 1, rows, 10, &n), DASV_OK, "%s",
			     dasv_errmsg(t.d));
		if (n == 0)
			break;
		cr_assert_leq(n, 10);
		pages++;
		for (size_t i = 0; i < n; i++, seen++) {
			cr_assert_lt(seen, NQ, "more rows than referrals");
			cr_expect_eq(rows[i].id, q[seen].id, "row %zu: id %lld, expected %lld", seen,
				     (long long)rows[i].id, (long long)q[seen].id);
			cr_expect_str_eq(rows[i].received_on, q[seen].received_on);
			cr_expect_geq(rows[i].priority, last_prio);
			last_prio = rows[i].priority;
			switch (q[seen].cls) {
			case 0:
				cr_expect_eq(rows[i].level, DASV_LEVEL_HIGH);
				cr_expect_eq(rows[i].marac, 1);
				cr_expect_eq(rows[i].dash_score, 17);
				break;
			case 1:
				cr_expect_eq(rows[i].level, DASV_LEVEL_HIGH);
				cr_expect_eq(rows[i].marac, 0);
				break;
			case 2:
				cr_expect_eq(rows[i].level, DASV_LEVEL_MEDIUM);
				break;
			case 3:
				cr_expect_eq(rows[i].level, DASV_LEVEL_STANDARD);
				break;
			default:
				cr_expect_eq(rows[i].level, DASV_LEVEL_NONE);
				cr_expect_str_eq(rows[i].status, "new");
			}
			cr_expect_eq(strncmp(rows[i].name, "Alex Alloc", 10), 0, "name %s",
				     rows[i].name);
		}
		dasv_page_key_of(&rows[n - 1], &key);
		cr_assert(key.valid);
		dasv_rows_wipe(rows, n);
		cr_assert_lt(pages, 20, "paging does not end");
	}
	cr_expect_eq(seen, NQ);
	cr_expect_eq(pages, 6);
}

Test(queue, backward_walk_and_previous_page)
{
	struct qref q[NQ];
	struct dasv_row rows[10];
	struct dasv_page_key key = { 0 };
	int64_t got[NQ];
	size_t n, have = 0;

	make_queue(q);
	/* from the bottom, pages of 10 backwards, each in list order */
	for (;;) {
		memset(rows, 0, sizeof(rows));
		cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, &key, -1, rows, 10, &n), DASV_OK,
			     "%s", dasv_errmsg(t.d));
		if (n == 0)
			break;
		cr_assert_leq(have + n, NQ, "more rows than referrals");
		/* this page comes before everything collected so far */
		memmove(got + n, got, have * sizeof(got[0]));
		for (size_t i = 0; i < n; i++)
			got[i] = rows[i].id;
		have += n;
		dasv_page_key_of(&rows[0], &key);
		dasv_rows_wipe(rows, n);
	}
	cr_assert_eq(have, NQ);
	for (size_t i = 0; i < NQ; i++)
		cr_expect_eq(got[i], q[i].id, "row %zu", i);

	/* the page before row 15 is rows 5..14; before row 5 only 0..4 */
	memset(rows, 0, sizeof(rows));
	cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, NULL, 1, rows, 10, &n), DASV_OK);
	cr_assert_eq(n, 10);
	cr_expect_eq(rows[0].id, q[0].id);
	dasv_page_key_of(&rows[9], &key);
	dasv_rows_wipe(rows, n);
	cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, &key, 1, rows, 10, &n), DASV_OK);
	cr_assert_eq(n, 10);
	cr_expect_eq(rows[0].id, q[10].id);
	dasv_page_key_of(&rows[5], &key); /* row 15 */
	dasv_rows_wipe(rows, n);
	cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, &key, -1, rows, 10, &n), DASV_OK);
	cr_assert_eq(n, 10);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(rows[i].id, q[5 + i].id, "row %zu", i);
	dasv_page_key_of(&rows[0], &key); /* row 5 */
	dasv_rows_wipe(rows, n);
	cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, &key, -1, rows, 10, &n), DASV_OK);
	cr_assert_eq(n, 5);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(rows[i].id, q[i].id, "row %zu", i);
	dasv_rows_wipe(rows, n);
}

Test(queue, page_is_one_audit_entry_and_allocated_leave)
{
	struct dasv_row rows[5];
	int64_t ids[3], before, after, svc, cnt;
	size_t n;
	int waiting;

	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 10, 2, 1);
	for (int i = 0; i < 3; i++) {
		ids[i] = new_referral("2026-06-01");
		fx_dash(t.d, ids[i], 4, 0, "", NULL);
	}
	before = fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0);
	cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, NULL, 1, rows, 5, &n), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(n, 3);
	dasv_rows_wipe(rows, n);
	after = fx_sql_int(t.path, "SELECT count(*) FROM audit_log", 0);
	cr_expect_eq(after - before, 1, "one audit entry per page shown");
	cr_expect_not(fx_audit_mentions(&t, "Alex"));

	cr_assert_eq(dasv_allocate(t.d, ids[1], svc, 0, NULL, &waiting), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_QUEUE, 0, &cnt), DASV_OK);
	cr_expect_eq(cnt, 2);
	cr_assert_eq(dasv_page(t.d, DASV_LIST_QUEUE, 0, NULL, 1, rows, 5, &n), DASV_OK);
	cr_assert_eq(n, 2);
	cr_expect_eq(rows[0].id, ids[0]);
	cr_expect_eq(rows[1].id, ids[2]);
	dasv_rows_wipe(rows, n);
}

/* Walk a whole list in pages of `size`, forwards or backwards; ids in list order. */
static size_t
walk(enum dasv_list list, int64_t arg, size_t size, int dir, int64_t *ids, size_t cap)
{
	struct dasv_row rows[8];
	struct dasv_page_key key = { 0 };
	size_t n, have = 0;
	int pages = 0;

	cr_assert_leq(size, 8);
	for (;;) {
		memset(rows, 0, sizeof(rows));
		cr_assert_eq(dasv_page(t.d, list, arg, &key, dir, rows, size, &n), DASV_OK, "%s",
			     dasv_errmsg(t.d));
		if (n == 0)
			break;
		cr_assert_leq(have + n, cap, "more rows than expected: paging repeats rows");
		if (dir > 0) {
			for (size_t i = 0; i < n; i++)
				ids[have + i] = rows[i].id;
			dasv_page_key_of(&rows[n - 1], &key);
		} else {
			memmove(ids + n, ids, have * sizeof(ids[0]));
			for (size_t i = 0; i < n; i++)
				ids[i] = rows[i].id;
			dasv_page_key_of(&rows[0], &key);
		}
		have += n;
		dasv_rows_wipe(rows, n);
		cr_assert_lt(++pages, 50, "paging does not end");
	}
	return have;
}

Test(queue, caseload_by_priority_then_due_date)
{
	static const struct {
		int yes;           /* DASH Yes answers */
		const char *alloc; /* allocation day */
		const char *due;   /* by hand: working days, 1 for high, 2 otherwise */
	} c[7] = {
		{ 3, "2026-06-01", "2026-06-03" },  /* standard, Mon + 2 */
		{ 3, "2026-06-02", "2026-06-04" },  /* standard, Tue + 2 */
		{ 15, "2026-06-02", "2026-06-03" }, /* high, no MARAC, Tue + 1 */
		{ 11, "2026-06-01", "2026-06-03" }, /* medium */
		{ 3, "2026-06-01", "2026-06-03" },  /* standard, ties with 0 */
		{ 17, "2026-06-03", "2026-06-04" }, /* high + MARAC, Wed + 1 */
		{ 11, "2026-06-05", "2026-06-09" }, /* medium, Fri + 2 */
	};
	static const int order[7] = { 5, 2, 3, 6, 0, 4, 1 };
	struct dasv_row rows[8];
	int64_t id[7], fwd[8], back[8], svc, carol, cnt = -1;
	size_t n;
	int waiting;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	carol = fx_user_id(t.d, "carol");
	svc = fx_service(t.d, "Test helpline", "helpline", "DA-SUPPORT", FX_DA, 50, 2, 1);
	fx_today("2026-06-01");
	for (int i = 0; i < 7; i++) {
		id[i] = new_referral("2026-05-20");
		fx_dash(t.d, id[i], c[i].yes, 0, "", NULL);
	}
	for (int i = 0; i < 7; i++) {
		fx_today(c[i].alloc);
		cr_assert_eq(dasv_allocate(t.d, id[i], svc, carol, "Caseload test", &waiting), DASV_OK,
			     "%s", dasv_errmsg(t.d));
	}
	fx_today("2026-06-05");
	th_as(&t, "carol");
	cr_assert_eq(dasv_list_count(t.d, DASV_LIST_CASELOAD, 0, &cnt), DASV_OK);
	cr_expect_eq(cnt, 7);
	memset(rows, 0, sizeof(rows));
	cr_assert_eq(dasv_page(t.d, DASV_LIST_CASELOAD, 0, NULL, 1, rows, 8, &n), DASV_OK);
	cr_assert_eq(n, 7);
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(rows[i].id, id[order[i]], "row %zu", i);
		cr_expect_str_eq(rows[i].contact_due, c[order[i]].due, "row %zu", i);
	}
	dasv_rows_wipe(rows, n);
	cr_assert_eq(walk(DASV_LIST_CASELOAD, 0, 3, 1, fwd, 8), 7);
	cr_assert_eq(walk(DASV_LIST_CASELOAD, 0, 3, -1, back, 8), 7);
	for (int i = 0; i < 7; i++) {
		cr_expect_eq(fwd[i], id[order[i]], "forward row %d", i);
		cr_expect_eq(back[i], id[order[i]], "backward row %d", i);
	}
}

Test(queue, waiting_list_walks_both_ways)
{
	int64_t id[5], fwd[8], back[8], svc;
	int waiting, seen[5] = { 0 };
	size_t n;

	svc = fx_service(t.d, "Full helpline", "helpline", "DA-SUPPORT", FX_DA, 0, 2, 1);
	for (int i = 0; i < 5; i++) {
		id[i] = new_referral("2026-06-01");
		fx_dash(t.d, id[i], i == 2 ? 11 : 3, 0, "", NULL);
		fx_today(i < 3 ? "2026-06-15" : "2026-06-16");
		cr_assert_eq(dasv_allocate(t.d, id[i], svc, 0, "Only one with space", &waiting),
			     DASV_OK, "%s", dasv_errmsg(t.d));
		cr_assert_eq(waiting, 1);
	}
	n = walk(DASV_LIST_WAITING, svc, 2, 1, fwd, 8);
	cr_assert_eq(n, 5);
	cr_assert_eq(walk(DASV_LIST_WAITING, svc, 2, -1, back, 8), 5);
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(back[i], fwd[i], "row %zu differs between directions", i);
		for (int k = 0; k < 5; k++)
			if (fwd[i] == id[k])
				seen[k]++;
	}
	for (int k = 0; k < 5; k++)
		cr_expect_eq(seen[k], 1, "referral %d seen %d times", k, seen[k]);
}

Test(recommend, high_housing_need_refuge)
{
	static const int needs[DASV_NEED_DOMAINS] = { 0, 3 }; /* safety 0, housing 3 */
	struct dasv_recommendation rec;
	int64_t id = new_referral("2026-06-01");
	int i;

	fx_dash(t.d, id, 4, 0, "", NULL);
	memset(&rec, 0, sizeof(rec));
	cr_assert_eq(dasv_recommend(t.d, id, &rec), DASV_OK);
	cr_expect_lt(rec_find_type(&rec, "refuge"), 0);
	cr_assert_eq(dasv_needs_record(t.d, id, needs), DASV_OK, "%s", dasv_errmsg(t.d));
	recommend(id, &rec, "helpline");
	i = rec_find_type(&rec, "refuge");
	cr_assert_geq(i, 0, "housing need 3 recommends refuge");
	cr_expect_str_eq(rec.items[i].pathway, "DA-SUPPORT");
}
