/*
 * test_assess.c - risk and needs assessment through the database
 * (core/assess.c): DASH scoring and bands, the MARAC criteria with the
 * person's own history (escalation, repeat), professional judgement, the SV
 * safety-and-support level, needs, and the re-assessment date.
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

TestSuite(dash, .init = setup, .fini = teardown);
TestSuite(marac, .init = setup, .fini = teardown);
TestSuite(sv, .init = setup, .fini = teardown);
TestSuite(needs, .init = setup, .fini = teardown);

static int serial;

/* A DA referral of a new person (each call another surname and DOB). */
static int64_t
new_da(const char *received_on)
{
	char name[32];

	fx_name_of(serial++, "Dash", name, sizeof(name));
	return fx_quick(t.d, name, "1985-05-05", received_on, NULL);
}

static int64_t
new_with_strand(unsigned strand, unsigned vawg)
{
	struct dasv_referral r;
	char name[32];
	int64_t id;

	fx_name_of(serial++, "Strand", name, sizeof(name));
	fx_referral(&r, "Robin", name, "1984-04-04", NULL);
	r.strand = strand;
	r.vawg = vawg;
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	return id;
}

static int64_t
count_assessments(int64_t id)
{
	return fx_sql_int(t.path, "SELECT count(*) FROM assessments WHERE referral_id = ?", id);
}

/* The stored referral's level, marac flag, score and status. */
static void
expect_referral(int64_t id, int level, int marac, int score, const char *status)
{
	struct dasv_referral g;

	fx_get(t.d, id, &g);
	cr_expect_eq(g.level, level, "referral %lld level %d, expected %d", (long long)id, g.level,
		     level);
	cr_expect_eq(g.marac, marac, "referral %lld marac %d, expected %d", (long long)id, g.marac,
		     marac);
	cr_expect_eq(g.dash_score, score, "referral %lld score %d, expected %d", (long long)id,
		     g.dash_score, score);
	if (status)
		cr_expect_str_eq(g.status, status);
	dasv_referral_clear(&g);
}

/* ---- DASH: hostile input and access first ----------------------------- */

Test(dash, bad_answers_refused_and_nothing_stored)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 3, 0, "");
	snprintf(in.answers, sizeof(in.answers), "YYY");
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	fx_dash_input(&in, 3, 0, "");
	in.answers[5] = 'x';
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	fx_dash_input(&in, 3, 0, "2026-13-01");
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	cr_expect_eq(count_assessments(id), 0);
	expect_referral(id, DASV_LEVEL_NONE, 0, -1, "new");
}

Test(dash, assessed_on_in_future_refused)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 3, 0, "2026-06-16"); /* tomorrow */
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	cr_expect_eq(count_assessments(id), 0);
}

Test(dash, unknown_referral)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;

	fx_dash_input(&in, 3, 0, "");
	cr_expect_eq(dasv_dash_record(t.d, 777, &in, &out), DASV_NOTFOUND);
}

Test(dash, auditor_denied)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int sv[DASV_SV_DOMAINS] = { 0 };
	int needs[DASV_NEED_DOMAINS] = { 0 };
	enum dasv_level lv;
	int64_t id = new_da("2026-06-01");

	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	th_as(&t, "audrey");
	fx_dash_input(&in, 3, 0, "");
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_DENIED);
	cr_expect_eq(dasv_sv_record(t.d, id, sv, DASV_LEVEL_NONE, NULL, &lv), DASV_DENIED);
	cr_expect_eq(dasv_needs_record(t.d, id, needs), DASV_DENIED);
	cr_expect_eq(count_assessments(id), 0);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM needs", 0), 0);
}

/* ---- DASH: score and bands -------------------------------------------- */

Test(dash, score_counts_yes_only)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 0, 0, "");
	/* 3 Yes (any case) among No and not-known */
	memcpy(in.answers, "yY?N?Y??NNNN????NNNN????", DASV_DASH_QUESTIONS);
	cr_assert_eq(dasv_dash_record(t.d, id, &in, &out), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(out.score_level, DASV_LEVEL_STANDARD);
	cr_expect_eq(out.level, DASV_LEVEL_STANDARD);
	cr_expect_eq(out.refer, 0);
	expect_referral(id, DASV_LEVEL_STANDARD, 0, 3, "triaged");
}

Test(dash, bands_and_visible_high_risk)
{
	static const struct {
		int yes, consent;
		int level, refer, auto_marac, needs_consent;
	} c[] = {
		{ 0, 0, DASV_LEVEL_STANDARD, 0, 0, 0 },
		{ 9, 1, DASV_LEVEL_STANDARD, 0, 0, 0 },
		{ 10, 0, DASV_LEVEL_MEDIUM, 0, 0, 0 },
		{ 13, 1, DASV_LEVEL_MEDIUM, 0, 0, 0 },
		{ 14, 1, DASV_LEVEL_HIGH, 1, 0, 0 },
		{ 14, 0, DASV_LEVEL_HIGH, 0, 0, 1 },
		{ 16, 0, DASV_LEVEL_HIGH, 0, 0, 1 },
		{ 16, 1, DASV_LEVEL_HIGH, 1, 0, 0 },
		{ 17, 0, DASV_LEVEL_HIGH, 1, 1, 0 },
		{ 24, 0, DASV_LEVEL_HIGH, 1, 1, 0 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct dasv_marac_result out;
		int64_t id = new_da("2026-06-01");

		memset(&out, 0x5a, sizeof(out));
		fx_dash(t.d, id, c[i].yes, c[i].consent, "2026-06-02", &out);
		cr_expect_eq(out.level, c[i].level, "score %d: level %d", c[i].yes, out.level);
		cr_expect_eq(out.score_level, c[i].level, "score %d", c[i].yes);
		cr_expect_eq(out.refer, c[i].refer, "score %d consent %d: refer %d", c[i].yes,
			     c[i].consent, out.refer);
		cr_expect_eq(out.auto_marac, c[i].auto_marac, "score %d", c[i].yes);
		cr_expect_eq(out.needs_consent, c[i].needs_consent, "score %d consent %d",
			     c[i].yes, c[i].consent);
		cr_expect_eq(out.visible_high, c[i].yes >= 14, "score %d", c[i].yes);
		cr_expect_eq(out.escalation, 0);
		cr_expect_eq(out.repeat, 0);
		expect_referral(id, c[i].level, c[i].refer, c[i].yes, "triaged");
	}
}

Test(dash, assessment_stored_and_sealed)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	struct dasv_assessment a;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 0, 1, "2026-06-03");
	memcpy(in.answers, "YNYNYNYNYNYNYNYNYNYNYNYN", DASV_DASH_QUESTIONS);
	cr_assert_eq(dasv_dash_record(t.d, id, &in, &out), DASV_OK, "%s", dasv_errmsg(t.d));
	memset(&a, 0, sizeof(a));
	cr_assert_eq(dasv_assessment_latest(t.d, id, "dash", &a), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_str_eq(a.kind, "dash");
	cr_expect_str_eq(a.assessed_on, "2026-06-03");
	cr_expect_str_eq(a.assessed_by, "admin");
	cr_expect_eq(a.score, 12);
	cr_expect_eq(a.level, DASV_LEVEL_MEDIUM);
	cr_expect_eq(a.score_level, DASV_LEVEL_MEDIUM);
	cr_expect_eq(a.consent, 1);
	cr_expect_eq(a.marac, 0);
	cr_assert_not_null(a.answers);
	cr_expect_eq(strncmp(a.answers, "YNYNYNYNYNYNYNYNYNYNYNYN", DASV_DASH_QUESTIONS), 0,
		     "answers %s", a.answers);
	dasv_assessment_clear(&a);
	cr_expect_null(a.answers);
	cr_expect_not(fx_db_contains(&t, "YNYNYNYNYNYNYNYNYNYNYNYN"));
	/* no SV yet */
	cr_expect_eq(dasv_assessment_latest(t.d, id, "sv", &a), DASV_NOTFOUND);
	dasv_assessment_clear(&a);
}

Test(dash, first_assessment_triages_and_sets_review)
{
	struct dasv_referral g;
	int64_t id = new_da("2026-06-01");

	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "new");
	cr_expect_str_eq(g.next_review, "");
	dasv_referral_clear(&g);
	fx_dash(t.d, id, 12, 0, "2026-06-10", NULL);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.status, "triaged");
	/* 2026-06-10 + 56 days: 20 to 30 June, 31 in July, 5 in August */
	cr_expect_str_eq(g.next_review, "2026-08-05");
	dasv_referral_clear(&g);
}

Test(dash, assessed_on_defaults_to_today)
{
	struct dasv_referral g;
	struct dasv_assessment a;
	int64_t id = new_da("2026-06-01");

	fx_dash(t.d, id, 2, 0, "", NULL);
	fx_get(t.d, id, &g);
	/* 2026-06-15 + 56 days = 2026-08-10 */
	cr_expect_str_eq(g.next_review, "2026-08-10");
	dasv_referral_clear(&g);
	memset(&a, 0, sizeof(a));
	cr_assert_eq(dasv_assessment_latest(t.d, id, "dash", &a), DASV_OK);
	cr_expect_str_eq(a.assessed_on, FX_TODAY);
	dasv_assessment_clear(&a);
}

Test(dash, reassessment_replaces_level_and_keeps_history)
{
	struct dasv_referral g;
	struct dasv_assessment a;
	int64_t id = new_da("2026-06-01");

	fx_dash(t.d, id, 12, 0, "2026-06-02", NULL);
	expect_referral(id, DASV_LEVEL_MEDIUM, 0, 12, "triaged");
	fx_dash(t.d, id, 4, 0, "2026-06-12", NULL);
	expect_referral(id, DASV_LEVEL_STANDARD, 0, 4, "triaged");
	fx_get(t.d, id, &g);
	/* 2026-06-12 + 56: 18 to 30 June, 31 in July, 7 in August */
	cr_expect_str_eq(g.next_review, "2026-08-07");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM assessments WHERE kind = 'dash' AND referral_id = ?",
				id),
		     2);
	memset(&a, 0, sizeof(a));
	cr_assert_eq(dasv_assessment_latest(t.d, id, "dash", &a), DASV_OK);
	cr_expect_eq(a.score, 4);
	cr_expect_str_eq(a.assessed_on, "2026-06-12");
	dasv_assessment_clear(&a);
}

/* ---- professional judgement ------------------------------------------- */

Test(marac, pj_without_reason_refused)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 5, 0, "");
	in.pj_level = DASV_LEVEL_HIGH;
	in.pj_reason = NULL;
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	in.pj_reason = "   ";
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	cr_expect_eq(count_assessments(id), 0);
	expect_referral(id, DASV_LEVEL_NONE, 0, -1, "new");
}

Test(marac, pj_high_on_a_high_score_still_needs_reason)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	/* 15 without consent: only a reasoned professional judgement may refer */
	fx_dash_input(&in, 15, 0, "");
	in.pj_level = DASV_LEVEL_HIGH;
	in.pj_reason = NULL;
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID,
		     "professional judgement without a reason was accepted (refer=%d)", out.refer);
	in.pj_reason = "  ";
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	cr_expect_eq(fx_sql_int(t.path, "SELECT marac FROM referrals WHERE id = ?", id), 0,
		     "referred to MARAC on an unreasoned judgement");
}

Test(marac, pj_never_lowers)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 12, 0, "");
	in.pj_level = DASV_LEVEL_STANDARD;
	in.pj_reason = "She says things are calmer";
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	fx_dash_input(&in, 15, 1, "");
	in.pj_level = DASV_LEVEL_MEDIUM;
	in.pj_reason = "She says things are calmer";
	cr_expect_eq(dasv_dash_record(t.d, id, &in, &out), DASV_INVALID);
	cr_expect_eq(count_assessments(id), 0);
	expect_referral(id, DASV_LEVEL_NONE, 0, -1, "new");
}

Test(marac, pj_high_refers_and_reason_sealed)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	struct dasv_assessment a;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 5, 0, "2026-06-04");
	in.pj_level = DASV_LEVEL_HIGH;
	in.pj_reason = "Disclosed a plan to abduct the children qz9";
	cr_assert_eq(dasv_dash_record(t.d, id, &in, &out), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(out.score_level, DASV_LEVEL_STANDARD);
	cr_expect_eq(out.level, DASV_LEVEL_HIGH);
	cr_expect_eq(out.pj, 1);
	cr_expect_eq(out.refer, 1);
	expect_referral(id, DASV_LEVEL_HIGH, 1, 5, "triaged");
	memset(&a, 0, sizeof(a));
	cr_assert_eq(dasv_assessment_latest(t.d, id, "dash", &a), DASV_OK);
	cr_expect_eq(a.score, 5);
	cr_expect_eq(a.score_level, DASV_LEVEL_STANDARD);
	cr_expect_eq(a.level, DASV_LEVEL_HIGH);
	cr_expect_eq(a.marac, 1);
	cr_assert_not_null(a.pj_reason);
	cr_expect_str_eq(a.pj_reason, "Disclosed a plan to abduct the children qz9");
	cr_expect(strstr(a.criteria, "pj") || strstr(a.criteria, "judgement"), "criteria %s",
		  a.criteria);
	dasv_assessment_clear(&a);
	cr_expect_not(fx_db_contains(&t, "abduct the children"));
}

Test(marac, pj_medium_raises_without_marac)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	fx_dash_input(&in, 3, 0, "");
	in.pj_level = DASV_LEVEL_MEDIUM;
	in.pj_reason = "Recent escalation described by the school";
	cr_assert_eq(dasv_dash_record(t.d, id, &in, &out), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(out.level, DASV_LEVEL_MEDIUM);
	cr_expect_eq(out.refer, 0);
	expect_referral(id, DASV_LEVEL_MEDIUM, 0, 3, "triaged");
}

Test(marac, needs_consent_unless_other_criterion)
{
	struct dasv_dash_input in;
	struct dasv_marac_result out;
	int64_t a = new_da("2026-06-01"), b = new_da("2026-06-01");

	fx_dash(t.d, a, 15, 0, "", &out);
	cr_expect_eq(out.needs_consent, 1);
	cr_expect_eq(out.refer, 0);
	expect_referral(a, DASV_LEVEL_HIGH, 0, 15, "triaged");

	fx_dash_input(&in, 15, 0, "");
	in.pj_level = DASV_LEVEL_HIGH;
	in.pj_reason = "Risk to life despite no consent";
	cr_assert_eq(dasv_dash_record(t.d, b, &in, &out), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(out.needs_consent, 0);
	cr_expect_eq(out.refer, 1);
	expect_referral(b, DASV_LEVEL_HIGH, 1, 15, "triaged");
}

/* ---- escalation and repeat from the person's own history --------------- */

Test(marac, escalation_three_in_twelve_months)
{
	struct dasv_marac_result out;
	struct dasv_referral g;
	struct dasv_intake_result res;
	int64_t id;

	/* 364 days, 156 days and 0 days before 2026-06-15 */
	fx_quick(t.d, "Escalate", "1979-03-03", "2025-06-16", NULL);
	fx_quick(t.d, "Escalate", "1979-03-03", "2026-01-10", NULL);
	id = fx_quick(t.d, "Escalate", "1979-03-03", "2026-06-15", &res);
	cr_assert_eq(res.earlier_referrals, 2, "the three must be one person");
	fx_dash(t.d, id, 3, 0, "2026-06-15", &out);
	cr_expect_eq(out.score_level, DASV_LEVEL_STANDARD);
	cr_expect_eq(out.escalation, 1);
	cr_expect_eq(out.refer, 1);
	cr_expect_eq(out.level, DASV_LEVEL_HIGH, "a MARAC referral is high risk");
	expect_referral(id, DASV_LEVEL_HIGH, 1, 3, "triaged");
	fx_get(t.d, id, &g);
	cr_expect_eq(g.escalation, 1);
	cr_expect_eq(g.repeat_marac, 0);
	dasv_referral_clear(&g);
}

Test(marac, escalation_window_boundary_366_days)
{
	struct dasv_marac_result out;
	struct dasv_referral g;
	struct dasv_intake_result res;
	int64_t id;

	/* 2025-06-14 is 366 days before 2026-06-15: outside the window */
	fx_quick(t.d, "Boundary", "1979-03-03", "2025-06-14", NULL);
	fx_quick(t.d, "Boundary", "1979-03-03", "2026-01-10", NULL);
	id = fx_quick(t.d, "Boundary", "1979-03-03", "2026-06-15", &res);
	cr_assert_eq(res.earlier_referrals, 2);
	fx_dash(t.d, id, 3, 0, "2026-06-15", &out);
	cr_expect_eq(out.escalation, 0);
	cr_expect_eq(out.refer, 0);
	cr_expect_eq(out.level, DASV_LEVEL_STANDARD);
	expect_referral(id, DASV_LEVEL_STANDARD, 0, 3, "triaged");
	fx_get(t.d, id, &g);
	cr_expect_eq(g.escalation, 0);
	dasv_referral_clear(&g);
}

Test(marac, escalation_counts_referrals_not_later_ones)
{
	struct dasv_marac_result out;
	int64_t first;

	/* assessing the first of three: the later two are not "up to" it */
	first = fx_quick(t.d, "Later", "1979-03-03", "2026-01-10", NULL);
	fx_quick(t.d, "Later", "1979-03-03", "2026-03-10", NULL);
	fx_quick(t.d, "Later", "1979-03-03", "2026-06-10", NULL);
	fx_dash(t.d, first, 3, 0, "2026-06-15", &out);
	cr_expect_eq(out.escalation, 0);
	cr_expect_eq(out.refer, 0);
}

Test(marac, repeat_within_365_days_of_last_marac)
{
	struct dasv_marac_result out;
	struct dasv_referral g;
	struct dasv_intake_result res;
	char marac_on[16];
	int64_t r1, r2;

	r1 = fx_quick(t.d, "Repeat", "1983-08-08", "2025-06-01", NULL);
	fx_dash(t.d, r1, 17, 0, "2025-06-01", &out);
	cr_assert_eq(out.refer, 1);
	fx_sql_text(t.path, "SELECT marac_on FROM referrals WHERE id = ?", r1, marac_on,
		    sizeof(marac_on));
	cr_expect_str_eq(marac_on, "2025-06-01", "marac_on is the date of the assessment");

	/* 2025-06-01 + 365 days = 2026-06-01 */
	r2 = fx_quick(t.d, "Repeat", "1983-08-08", "2026-06-01", &res);
	cr_assert_eq(res.earlier_referrals, 1);
	fx_dash(t.d, r2, 2, 0, "2026-06-01", &out);
	cr_expect_eq(out.repeat, 1);
	cr_expect_eq(out.escalation, 0);
	cr_expect_eq(out.refer, 1);
	cr_expect_eq(out.level, DASV_LEVEL_HIGH);
	expect_referral(r2, DASV_LEVEL_HIGH, 1, 2, "triaged");
	fx_get(t.d, r2, &g);
	cr_expect_eq(g.repeat_marac, 1);
	cr_expect_eq(g.repeat_victim, 1);
	dasv_referral_clear(&g);
}

Test(marac, repeat_not_after_366_days)
{
	struct dasv_marac_result out;
	struct dasv_referral g;
	struct dasv_intake_result res;
	int64_t r1, r2;

	r1 = fx_quick(t.d, "Norepeat", "1983-08-08", "2025-06-01", NULL);
	fx_dash(t.d, r1, 17, 0, "2025-06-01", &out);
	cr_assert_eq(out.refer, 1);
	r2 = fx_quick(t.d, "Norepeat", "1983-08-08", "2026-06-02", &res);
	cr_assert_eq(res.earlier_referrals, 1);
	fx_dash(t.d, r2, 2, 0, "2026-06-02", &out);
	cr_expect_eq(out.repeat, 0);
	cr_expect_eq(out.refer, 0);
	cr_expect_eq(out.level, DASV_LEVEL_STANDARD);
	expect_referral(r2, DASV_LEVEL_STANDARD, 0, 2, "triaged");
	fx_get(t.d, r2, &g);
	cr_expect_eq(g.repeat_marac, 0);
	dasv_referral_clear(&g);
}

Test(marac, no_repeat_without_an_earlier_marac)
{
	struct dasv_marac_result out;
	int64_t r1, r2;

	r1 = fx_quick(t.d, "Nomarac", "1983-08-08", "2026-01-05", NULL);
	fx_dash(t.d, r1, 12, 1, "2026-01-05", &out);
	cr_assert_eq(out.refer, 0);
	r2 = fx_quick(t.d, "Nomarac", "1983-08-08", "2026-06-01", NULL);
	fx_dash(t.d, r2, 2, 0, "2026-06-01", &out);
	cr_expect_eq(out.repeat, 0);
	cr_expect_eq(out.refer, 0);
}

Test(marac, reassessing_a_marac_case_is_not_a_repeat_of_itself)
{
	struct dasv_marac_result out;
	int64_t id = new_da("2026-06-01");

	fx_dash(t.d, id, 17, 0, "2026-06-02", &out);
	cr_assert_eq(out.refer, 1);
	/* the same referral re-assessed: its own MARAC is not an earlier one */
	fx_dash(t.d, id, 4, 0, "2026-06-12", &out);
	cr_expect_eq(out.repeat, 0);
	cr_expect_eq(out.score_level, DASV_LEVEL_STANDARD);
}

Test(marac, thresholds_come_from_settings)
{
	struct dasv_marac_result out;
	struct dasv_referral g;
	int64_t id = new_da("2026-06-01");

	cr_assert_eq(dasv_setting_set(t.d, "marac_auto_min", "20"), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(dasv_setting_set(t.d, "reassess_days", "28"), DASV_OK, "%s", dasv_errmsg(t.d));
	/* 17 without consent is no longer "regardless of consent" */
	fx_dash(t.d, id, 17, 0, "2026-06-10", &out);
	cr_expect_eq(out.auto_marac, 0);
	cr_expect_eq(out.refer, 0);
	cr_expect_eq(out.needs_consent, 1);
	fx_get(t.d, id, &g);
	cr_expect_eq(g.marac, 0);
	/* 2026-06-10 + 28 days */
	cr_expect_str_eq(g.next_review, "2026-07-08");
	dasv_referral_clear(&g);
}

/* ---- SV safety and support -------------------------------------------- */

Test(sv, out_of_range_refused)
{
	int s[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lv = DASV_LEVEL_NONE;
	int64_t id = new_with_strand(FX_SV, FX_VAWG_SV);

	s[10] = 4;
	cr_expect_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_NONE, NULL, &lv), DASV_INVALID);
	s[10] = -1;
	cr_expect_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_NONE, NULL, &lv), DASV_INVALID);
	cr_expect_eq(count_assessments(id), 0);
	expect_referral(id, DASV_LEVEL_NONE, 0, -1, "new");
}

Test(sv, suggested_levels)
{
	static const struct {
		int idx, score, level;
	} c[] = {
		{ 0, 0, DASV_LEVEL_STANDARD },
		{ 4, 1, DASV_LEVEL_STANDARD },
		{ 13, 2, DASV_LEVEL_MEDIUM },
		{ 0, 3, DASV_LEVEL_HIGH },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int s[DASV_SV_DOMAINS] = { 0 };
		enum dasv_level lv = DASV_LEVEL_NONE;
		int64_t id = new_with_strand(FX_SV, FX_VAWG_SV);

		for (int k = 0; k < DASV_SV_DOMAINS; k++)
			s[k] = k % 2; /* ones and zeros */
		s[c[i].idx] = c[i].score;
		cr_expect_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_NONE, NULL, &lv), DASV_OK, "%s",
			     dasv_errmsg(t.d));
		cr_expect_eq(lv, c[i].level, "case %zu: level %d", i, lv);
		expect_referral(id, c[i].level, 0, -1, "triaged");
	}
}

Test(sv, raise_with_reason_never_lower)
{
	int s[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lv = DASV_LEVEL_NONE;
	struct dasv_assessment a;
	int64_t id = new_with_strand(FX_SV, FX_VAWG_SV);

	s[3] = 2; /* medium */
	cr_expect_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_HIGH, NULL, &lv), DASV_INVALID);
	cr_expect_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_HIGH, " ", &lv), DASV_INVALID);
	cr_expect_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_STANDARD, "Lower please", &lv),
		     DASV_INVALID);
	cr_expect_eq(count_assessments(id), 0);

	cr_assert_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_HIGH, "Suspect is out on bail xk4", &lv),
		     DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(lv, DASV_LEVEL_HIGH);
	expect_referral(id, DASV_LEVEL_HIGH, 0, -1, "triaged");
	memset(&a, 0, sizeof(a));
	cr_assert_eq(dasv_assessment_latest(t.d, id, "sv", &a), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(a.score_level, DASV_LEVEL_MEDIUM);
	cr_expect_eq(a.level, DASV_LEVEL_HIGH);
	cr_assert_not_null(a.pj_reason);
	cr_expect_str_eq(a.pj_reason, "Suspect is out on bail xk4");
	dasv_assessment_clear(&a);
	cr_expect_not(fx_db_contains(&t, "out on bail xk4"));

	/* confirming the suggestion needs no reason */
	cr_expect_eq(dasv_sv_record(t.d, id, s, DASV_LEVEL_MEDIUM, NULL, &lv), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(lv, DASV_LEVEL_MEDIUM);
}

Test(sv, both_assessments_the_higher_level_wins)
{
	int high[DASV_SV_DOMAINS] = { 0 }, low[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lv;
	int64_t a = new_with_strand(FX_DA | FX_SV, FX_VAWG_DA | FX_VAWG_SV);
	int64_t b = new_with_strand(FX_DA | FX_SV, FX_VAWG_DA | FX_VAWG_SV);
	int64_t c = new_with_strand(FX_DA | FX_SV, FX_VAWG_DA | FX_VAWG_SV);

	high[6] = 3;
	/* DASH medium, then SV high */
	fx_dash(t.d, a, 11, 0, "", NULL);
	cr_assert_eq(dasv_sv_record(t.d, a, high, DASV_LEVEL_NONE, NULL, &lv), DASV_OK);
	expect_referral(a, DASV_LEVEL_HIGH, 0, 11, NULL);
	/* SV high, then DASH standard: still high */
	cr_assert_eq(dasv_sv_record(t.d, b, high, DASV_LEVEL_NONE, NULL, &lv), DASV_OK);
	fx_dash(t.d, b, 3, 0, "", NULL);
	expect_referral(b, DASV_LEVEL_HIGH, 0, 3, NULL);
	/* SV standard, then DASH medium */
	cr_assert_eq(dasv_sv_record(t.d, c, low, DASV_LEVEL_NONE, NULL, &lv), DASV_OK);
	fx_dash(t.d, c, 11, 0, "", NULL);
	expect_referral(c, DASV_LEVEL_MEDIUM, 0, 11, NULL);
}

/* ---- needs ------------------------------------------------------------- */

Test(needs, out_of_range_refused)
{
	int lv[DASV_NEED_DOMAINS] = { 0 };
	int64_t id = new_da("2026-06-01");

	lv[12] = 4;
	cr_expect_eq(dasv_needs_record(t.d, id, lv), DASV_INVALID);
	lv[12] = -1;
	cr_expect_eq(dasv_needs_record(t.d, id, lv), DASV_INVALID);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM needs", 0), 0);
}

Test(needs, stored_and_read_back)
{
	static const int want[DASV_NEED_DOMAINS] = { 3, 0, 1, 2, 0, 3, 2, 1, 0, 0, 1, 3, 2 };
	int got[DASV_NEED_DOMAINS], zero[DASV_NEED_DOMAINS] = { 0 };
	int recorded = -1;
	int64_t id = new_da("2026-06-01");

	cr_assert_eq(dasv_needs_get(t.d, id, got, &recorded), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_expect_eq(recorded, 0);
	cr_assert_eq(dasv_needs_record(t.d, id, want), DASV_OK, "%s", dasv_errmsg(t.d));
	memset(got, 0x7f, sizeof(got));
	cr_assert_eq(dasv_needs_get(t.d, id, got, &recorded), DASV_OK);
	cr_expect_eq(recorded, 1);
	for (int i = 0; i < DASV_NEED_DOMAINS; i++)
		cr_expect_eq(got[i], want[i], "domain %d: %d, expected %d", i, got[i], want[i]);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT level FROM needs WHERE referral_id = ? AND domain = 'language'",
				id),
		     3);
	/* recorded again: replaced, not added */
	cr_assert_eq(dasv_needs_record(t.d, id, zero), DASV_OK);
	cr_assert_eq(dasv_needs_get(t.d, id, got, &recorded), DASV_OK);
	for (int i = 0; i < DASV_NEED_DOMAINS; i++)
		cr_expect_eq(got[i], 0, "domain %d", i);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM needs WHERE referral_id = ?", id),
		     DASV_NEED_DOMAINS);
}
