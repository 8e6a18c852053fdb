/* test_risk.c - DASH, MARAC criteria, professional judgement, SV levels (core/risk.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "risk.h"

static struct dasv_risk_config cfg;

static void
setup(void)
{
	dasv_risk_config_default(&cfg);
}

TestSuite(dash, .init = setup);
TestSuite(marac, .init = setup);

/* A fresh input: DASH score given, nothing else. */
static struct dasv_marac_input
input(int score)
{
	struct dasv_marac_input in = {
		.score = score,
		.consent = 0,
		.assessed_level = DASV_LEVEL_NONE,
		.pj_level = DASV_LEVEL_NONE,
		.incidents_12m = 1,
		.days_since_marac = -1,
	};
	return in;
}

static struct dasv_marac_result
eval(struct dasv_marac_input in)
{
	struct dasv_marac_result r;

	memset(&r, 0x5a, sizeof(r));	/* every field must be written */
	dasv_marac_evaluate(&cfg, &in, &r);
	return r;
}

/* --- DASH parsing: hostile input first --- */

Test(dash, parse_rejects_short_and_long)
{
	char out[DASV_DASH_QUESTIONS + 1] = "untouched";
	char err[128];

	cr_assert_eq(dasv_dash_parse("YYYYYYYYYYYYYYYYYYYYYYY", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "has 23 answers, expected 24");
	cr_assert_eq(dasv_dash_parse("YYYYYYYYYYYYYYYYYYYYYYYYN", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "has 25 answers, expected 24");
	cr_assert_eq(dasv_dash_parse("", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "has 0 answers, expected 24");
	cr_assert_eq(dasv_dash_parse(NULL, out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(out, "untouched");
}

Test(dash, parse_names_bad_position)
{
	char out[DASV_DASH_QUESTIONS + 1];
	char err[128];

	cr_assert_eq(dasv_dash_parse("YNY?YNxNNNNNNNNNNNNNNNNN", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "character 7 is 'x', expected Y, N or ?");
	cr_assert_eq(dasv_dash_parse("NNNNNNNNNNNNNNNNNNNNNNN ", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "character 24 is ' ', expected Y, N or ?");
}

Test(dash, parse_escapes_control_bytes)
{
	char out[DASV_DASH_QUESTIONS + 1];
	char err[128];

	cr_assert_eq(dasv_dash_parse("\x1bNNNNNNNNNNNNNNNNNNNNNNN", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "character 1 is byte \\x1b, expected Y, N or ?");
	cr_assert_eq(dasv_dash_parse("NNNNNNNNNNNNNNNNNNNNNNN\xff", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "character 24 is byte \\xff, expected Y, N or ?");
}

Test(dash, parse_normalises_case)
{
	char out[DASV_DASH_QUESTIONS + 1];
	char err[128];

	cr_assert_eq(dasv_dash_parse("yYnN??yynnYYNN??yYnN??yn", out, err, sizeof(err)), DASV_OK, "%s", err);
	cr_assert_str_eq(out, "YYNN??YYNNYYNN??YYNN??YN");
}

Test(dash, sdash_parse_needs_eleven)
{
	char out[DASV_SDASH_QUESTIONS + 1];
	char err[128];

	cr_assert_eq(dasv_sdash_parse("YYYYYYYYYY", out, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "has 10 answers, expected 11");
	cr_assert_eq(dasv_sdash_parse("yyyyyyyyyn?", out, err, sizeof(err)), DASV_OK);
	cr_assert_str_eq(out, "YYYYYYYYYN?");
}

Test(dash, score_counts_yes_only)
{
	cr_assert_eq(dasv_dash_score("YN?YN?YN?YN?YN?YN?YN?YN?"), 8);
	cr_assert_eq(dasv_dash_score("????????????????????????"), 0);
	cr_assert_eq(dasv_dash_score("YYYYYYYYYYYYYYYYYYYYYYYY"), 24);
	cr_assert_eq(dasv_dash_score(NULL), 0);
	cr_assert_eq(dasv_dash_score("YY"), 2);	/* short strings stop at NUL */
	cr_assert_eq(dasv_dash_score("YYYYYYYYYYYYYYYYYYYYYYYYYYYY"), 24);	/* only first 24 */
}

Test(dash, questions_in_range_only)
{
	cr_assert_null(dasv_dash_question(-1));
	cr_assert_null(dasv_dash_question(24));
	cr_assert_null(dasv_sdash_question(11));
	cr_assert_str_eq(dasv_dash_question(0), "Current incident caused injury");
	cr_assert_str_eq(dasv_dash_question(23), "In trouble with the police or has a criminal history");
	cr_assert(strstr(dasv_dash_question(DASV_DASH_STALKING_INDEX), "stalking"));
	cr_assert_str_eq(dasv_sdash_question(10), "Violent in the past");
	for (int i = 0; i < DASV_DASH_QUESTIONS; i++)
		cr_assert_not_null(dasv_dash_question(i));
}

Test(dash, config_defaults)
{
	cr_assert_eq(cfg.medium_min, 10);
	cr_assert_eq(cfg.high_min, 14);
	cr_assert_eq(cfg.marac_consent_min, 14);
	cr_assert_eq(cfg.marac_auto_min, 17);
	cr_assert_eq(cfg.escalation_count, 3);
	cr_assert_eq(cfg.escalation_days, 365);
	cr_assert_eq(cfg.repeat_days, 365);
	cr_assert_eq(cfg.reassess_days, 56);
}

Test(dash, level_bands_at_thresholds)
{
	cr_assert_eq(dasv_dash_level(&cfg, -1), DASV_LEVEL_NONE);
	cr_assert_eq(dasv_dash_level(&cfg, 0), DASV_LEVEL_STANDARD);
	cr_assert_eq(dasv_dash_level(&cfg, 9), DASV_LEVEL_STANDARD);
	cr_assert_eq(dasv_dash_level(&cfg, 10), DASV_LEVEL_MEDIUM);
	cr_assert_eq(dasv_dash_level(&cfg, 13), DASV_LEVEL_MEDIUM);
	cr_assert_eq(dasv_dash_level(&cfg, 14), DASV_LEVEL_HIGH);
	cr_assert_eq(dasv_dash_level(&cfg, 24), DASV_LEVEL_HIGH);
}

Test(dash, level_codes)
{
	cr_assert_str_eq(dasv_level_code(DASV_LEVEL_HIGH), "high");
	cr_assert_str_eq(dasv_level_code(DASV_LEVEL_STANDARD), "standard");
	cr_assert_str_eq(dasv_level_code(DASV_LEVEL_NONE), "");
	cr_assert_str_eq(dasv_level_code((enum dasv_level)7), "");
	cr_assert_str_eq(dasv_level_short(DASV_LEVEL_MEDIUM), "MED");
	cr_assert_str_eq(dasv_level_short(DASV_LEVEL_STANDARD), "STD");
	cr_assert_str_eq(dasv_level_short(DASV_LEVEL_HIGH), "HIGH");
	cr_assert_str_eq(dasv_level_short(DASV_LEVEL_NONE), "-");
	cr_assert_eq(dasv_level_from_code("High"), DASV_LEVEL_HIGH);
	cr_assert_eq(dasv_level_from_code("medium"), DASV_LEVEL_MEDIUM);
	cr_assert_eq(dasv_level_from_code(""), DASV_LEVEL_NONE);
	cr_assert_eq(dasv_level_from_code(NULL), DASV_LEVEL_NONE);
	cr_assert_eq(dasv_level_from_code("severe"), DASV_LEVEL_NONE);
}

/* --- MARAC criteria --- */

Test(marac, score_13_is_not_visible_high)
{
	struct dasv_marac_input in = input(13);
	struct dasv_marac_result r;

	in.consent = 1;
	r = eval(in);
	cr_assert_eq(r.visible_high, 0);
	cr_assert_eq(r.refer, 0);
	cr_assert_eq(r.needs_consent, 0);
	cr_assert_eq(r.level, DASV_LEVEL_MEDIUM);
}

Test(marac, score_14_without_consent_needs_consent)
{
	struct dasv_marac_result r = eval(input(14));

	cr_assert_eq(r.visible_high, 1);
	cr_assert_eq(r.auto_marac, 0);
	cr_assert_eq(r.refer, 0);
	cr_assert_eq(r.needs_consent, 1);
	cr_assert_eq(r.level, DASV_LEVEL_HIGH);
}

Test(marac, score_14_with_consent_refers)
{
	struct dasv_marac_input in = input(14);
	struct dasv_marac_result r;

	in.consent = 1;
	r = eval(in);
	cr_assert_eq(r.refer, 1);
	cr_assert_eq(r.needs_consent, 0);
	cr_assert_eq(r.level, DASV_LEVEL_HIGH);
}

Test(marac, score_16_without_consent_is_not_referred)
{
	struct dasv_marac_result r = eval(input(16));

	cr_assert_eq(r.auto_marac, 0);
	cr_assert_eq(r.refer, 0);
	cr_assert_eq(r.needs_consent, 1);
}

Test(marac, score_17_refers_without_consent)
{
	struct dasv_marac_result r = eval(input(17));

	cr_assert_eq(r.auto_marac, 1);
	cr_assert_eq(r.visible_high, 1);
	cr_assert_eq(r.refer, 1);
	cr_assert_eq(r.needs_consent, 0);
}

Test(marac, score_9_and_10_bands)
{
	cr_assert_eq(eval(input(9)).score_level, DASV_LEVEL_STANDARD);
	cr_assert_eq(eval(input(9)).level, DASV_LEVEL_STANDARD);
	cr_assert_eq(eval(input(10)).score_level, DASV_LEVEL_MEDIUM);
	cr_assert_eq(eval(input(10)).refer, 0);
}

Test(marac, two_incidents_is_not_escalation)
{
	struct dasv_marac_input in = input(5);
	struct dasv_marac_result r;

	in.incidents_12m = 2;
	r = eval(in);
	cr_assert_eq(r.escalation, 0);
	cr_assert_eq(r.refer, 0);
	cr_assert_eq(r.level, DASV_LEVEL_STANDARD);
}

Test(marac, three_incidents_is_escalation)
{
	struct dasv_marac_input in = input(5);
	struct dasv_marac_result r;

	in.incidents_12m = 3;
	r = eval(in);
	cr_assert_eq(r.escalation, 1);
	cr_assert_eq(r.refer, 1);
	cr_assert_eq(r.level, DASV_LEVEL_HIGH);
}

Test(marac, escalation_refers_a_visible_high_without_consent)
{
	struct dasv_marac_input in = input(15);
	struct dasv_marac_result r;

	in.incidents_12m = 4;
	r = eval(in);
	cr_assert_eq(r.refer, 1);
	cr_assert_eq(r.needs_consent, 0);
}

Test(marac, zero_escalation_count_is_off)
{
	struct dasv_marac_input in = input(0);

	cfg.escalation_count = 0;
	in.incidents_12m = 0;
	cr_assert_eq(eval(in).escalation, 0);
}

Test(marac, repeat_at_365_days)
{
	struct dasv_marac_input in = input(2);
	struct dasv_marac_result r;

	in.days_since_marac = 365;
	r = eval(in);
	cr_assert_eq(r.repeat, 1);
	cr_assert_eq(r.refer, 1);
	cr_assert_eq(r.level, DASV_LEVEL_HIGH);
}

Test(marac, not_repeat_at_366_days)
{
	struct dasv_marac_input in = input(2);
	struct dasv_marac_result r;

	in.days_since_marac = 366;
	r = eval(in);
	cr_assert_eq(r.repeat, 0);
	cr_assert_eq(r.refer, 0);
}

Test(marac, repeat_on_same_day_and_never)
{
	struct dasv_marac_input in = input(2);

	in.days_since_marac = 0;
	cr_assert_eq(eval(in).repeat, 1);
	in.days_since_marac = -1;
	cr_assert_eq(eval(in).repeat, 0);
}

Test(marac, pj_high_refers)
{
	struct dasv_marac_input in = input(3);
	struct dasv_marac_result r;

	in.pj_level = DASV_LEVEL_HIGH;
	r = eval(in);
	cr_assert_eq(r.pj, 1);
	cr_assert_eq(r.refer, 1);
	cr_assert_eq(r.level, DASV_LEVEL_HIGH);
}

Test(marac, pj_medium_raises_level_without_referral)
{
	struct dasv_marac_input in = input(3);
	struct dasv_marac_result r;

	in.pj_level = DASV_LEVEL_MEDIUM;
	r = eval(in);
	cr_assert_eq(r.pj, 0);
	cr_assert_eq(r.refer, 0);
	cr_assert_eq(r.score_level, DASV_LEVEL_STANDARD);
	cr_assert_eq(r.level, DASV_LEVEL_MEDIUM);
}

Test(marac, sv_only_without_dash)
{
	struct dasv_marac_input in = input(-1);
	struct dasv_marac_result r;

	in.assessed_level = DASV_LEVEL_MEDIUM;
	r = eval(in);
	cr_assert_eq(r.score_level, DASV_LEVEL_NONE);
	cr_assert_eq(r.visible_high, 0);
	cr_assert_eq(r.auto_marac, 0);
	cr_assert_eq(r.refer, 0);
	cr_assert_eq(r.level, DASV_LEVEL_MEDIUM);
}

Test(marac, no_assessment_at_all_is_none)
{
	struct dasv_marac_result r = eval(input(-1));

	cr_assert_eq(r.level, DASV_LEVEL_NONE);
	cr_assert_eq(r.refer, 0);
}

Test(marac, higher_of_dash_and_sv_wins)
{
	struct dasv_marac_input in = input(11);

	in.assessed_level = DASV_LEVEL_HIGH;
	cr_assert_eq(eval(in).level, DASV_LEVEL_HIGH);
	in = input(11);
	in.assessed_level = DASV_LEVEL_STANDARD;
	cr_assert_eq(eval(in).level, DASV_LEVEL_MEDIUM);
}

Test(marac, configured_thresholds_are_used)
{
	struct dasv_marac_result r;

	cfg.marac_consent_min = 12;
	cfg.marac_auto_min = 13;
	r = eval(input(13));
	cr_assert_eq(r.auto_marac, 1);
	cr_assert_eq(r.refer, 1);
}

/* --- professional judgement --- */

Test(pj, lower_refused)
{
	enum dasv_level final = DASV_LEVEL_NONE;
	char err[160];

	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_HIGH, DASV_LEVEL_MEDIUM, "victim seems calmer",
				   &final, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "professional_judgement: may raise the level, not lower it from high to medium");
	cr_assert_eq(final, DASV_LEVEL_NONE);
}

Test(pj, blank_reason_refused)
{
	enum dasv_level final = DASV_LEVEL_NONE;
	char err[160];

	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_STANDARD, DASV_LEVEL_HIGH, " \t\n ", &final,
				   err, sizeof(err)), DASV_INVALID);
	cr_assert(strstr(err, "professional_judgement_reason:") == err, "%s", err);
	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_STANDARD, DASV_LEVEL_HIGH, NULL, &final,
				   err, sizeof(err)), DASV_INVALID);
	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_STANDARD, DASV_LEVEL_HIGH, "", &final,
				   err, sizeof(err)), DASV_INVALID);
	cr_assert_eq(final, DASV_LEVEL_NONE);
}

Test(pj, out_of_range_levels_refused)
{
	enum dasv_level final;

	cr_assert_eq(dasv_pj_apply((enum dasv_level)5, DASV_LEVEL_HIGH, "r", &final, NULL, 0),
		     DASV_INVALID);
	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_STANDARD, (enum dasv_level)3, "r", &final, NULL, 0),
		     DASV_INVALID);
}

Test(pj, raise_allowed_with_reason)
{
	enum dasv_level final = DASV_LEVEL_NONE;

	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_MEDIUM, DASV_LEVEL_HIGH,
				   "threats to family abroad", &final, NULL, 0), DASV_OK);
	cr_assert_eq(final, DASV_LEVEL_HIGH);
}

Test(pj, raise_from_none_allowed_with_reason)
{
	enum dasv_level final = DASV_LEVEL_HIGH;

	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_NONE, DASV_LEVEL_MEDIUM, "reason", &final,
				   NULL, 0), DASV_OK);
	cr_assert_eq(final, DASV_LEVEL_MEDIUM);
}

Test(pj, none_or_same_keeps_computed_without_reason)
{
	enum dasv_level final = DASV_LEVEL_NONE;

	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_MEDIUM, DASV_LEVEL_NONE, NULL, &final, NULL, 0),
		     DASV_OK);
	cr_assert_eq(final, DASV_LEVEL_MEDIUM);
	final = DASV_LEVEL_NONE;
	cr_assert_eq(dasv_pj_apply(DASV_LEVEL_HIGH, DASV_LEVEL_HIGH, "", &final, NULL, 0),
		     DASV_OK);
	cr_assert_eq(final, DASV_LEVEL_HIGH);
}

/* --- SV suggestion --- */

Test(sv, out_of_range_score_names_domain)
{
	int s[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lvl = DASV_LEVEL_NONE;
	char err[128];

	s[10] = 4;
	cr_assert_eq(dasv_sv_suggest(s, &lvl, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "sv_domain housing: score 4 is not 0-3");
	s[10] = 0;
	s[0] = -1;
	cr_assert_eq(dasv_sv_suggest(s, &lvl, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "sv_domain personal_requirements: score -1 is not 0-3");
	cr_assert_eq(lvl, DASV_LEVEL_NONE);
}

Test(sv, null_scores_refused)
{
	enum dasv_level lvl;

	cr_assert_eq(dasv_sv_suggest(NULL, &lvl, NULL, 0), DASV_INVALID);
}

Test(sv, all_zero_or_one_is_standard)
{
	int s[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lvl;

	cr_assert_eq(dasv_sv_suggest(s, &lvl, NULL, 0), DASV_OK);
	cr_assert_eq(lvl, DASV_LEVEL_STANDARD);
	for (int i = 0; i < DASV_SV_DOMAINS; i++)
		s[i] = 1;
	cr_assert_eq(dasv_sv_suggest(s, &lvl, NULL, 0), DASV_OK);
	cr_assert_eq(lvl, DASV_LEVEL_STANDARD);
}

Test(sv, any_two_is_medium)
{
	int s[DASV_SV_DOMAINS] = { 0 };
	enum dasv_level lvl;

	s[13] = 2;
	cr_assert_eq(dasv_sv_suggest(s, &lvl, NULL, 0), DASV_OK);
	cr_assert_eq(lvl, DASV_LEVEL_MEDIUM);
}

Test(sv, any_three_is_high)
{
	int s[DASV_SV_DOMAINS] = { 2, 2, 2, 2, 2, 2, 2, 3, 0, 0, 0, 0, 0, 0 };
	enum dasv_level lvl;

	cr_assert_eq(dasv_sv_suggest(s, &lvl, NULL, 0), DASV_OK);
	cr_assert_eq(lvl, DASV_LEVEL_HIGH);
}
