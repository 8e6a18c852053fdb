/*
 * risk.c - DASH, S-DASH, MARAC criteria, professional judgement, SV levels.
 *
 * The local MARAC rule (DESIGN.md section 3): a score of 14-16 goes to MARAC
 * with the victim's consent, 17+ regardless; professional judgement,
 * potential escalation and repeat refer on their own.  Thresholds come from
 * struct dasv_risk_config so a partnership can change them without a build.
 */
#include "risk.h"

#include <string.h>

#include "codes.h"

static const char *const dash_questions[DASV_DASH_QUESTIONS] = {
	"Current incident caused injury",
	"Very frightened",
	"Afraid of what (further injury or violence)",
	"Isolated from family or friends",
	"Depressed or having suicidal thoughts",
	"Separated or tried to separate in the past year",
	"Conflict over child contact",
	"Constant texts, calls, following or stalking",
	"Pregnant or recently had a baby",
	"Abuse happening more often",
	"Abuse getting worse",
	"Controls everything or is excessively jealous",
	"Used weapons or objects to hurt",
	"Threatened to kill, and was believed",
	"Strangled, choked, suffocated or drowned",
	"Sexual abuse",
	"Another person who threatens or is feared",
	"Known to have hurt others",
	"Mistreated an animal",
	"Financial issues or dependence",
	"Drugs, alcohol or mental health problems in the past year",
	"Threatened or attempted suicide",
	"Breached bail, an injunction or a contact agreement",
	"In trouble with the police or has a criminal history",
};

static const char *const sdash_questions[DASV_SDASH_QUESTIONS] = {
	"Very frightened",
	"Previous harassment of this or other victims",
	"Property destroyed or vandalised",
	"Visits home or work more than 3 times a week",
	"Loiters near home or work",
	"Threats of physical or sexual violence",
	"Harassed third parties",
	"Acted violently during the stalking",
	"Got others to help",
	"Abuses drugs or alcohol",
	"Violent in the past",
};

void
dasv_risk_config_default(struct dasv_risk_config *c)
{
	c->medium_min = 10;
	c->high_min = 14;
	c->marac_consent_min = 14;
	c->marac_auto_min = 17;
	c->escalation_count = 3;
	c->escalation_days = 365;
	c->repeat_days = 365;
	c->reassess_days = 56;
}

const char *
dasv_dash_question(int i)
{
	return i >= 0 && i < DASV_DASH_QUESTIONS ? dash_questions[i] : NULL;
}

const char *
dasv_sdash_question(int i)
{
	return i >= 0 && i < DASV_SDASH_QUESTIONS ? sdash_questions[i] : NULL;
}

const char *
dasv_level_code(enum dasv_level l)
{
	switch (l) {
	case DASV_LEVEL_STANDARD: return "standard";
	case DASV_LEVEL_MEDIUM: return "medium";
	case DASV_LEVEL_HIGH: return "high";
	default: return "";
	}
}

const char *
dasv_level_short(enum dasv_level l)
{
	switch (l) {
	case DASV_LEVEL_STANDARD: return "STD";
	case DASV_LEVEL_MEDIUM: return "MED";
	case DASV_LEVEL_HIGH: return "HIGH";
	default: return "-";
	}
}

enum dasv_level
dasv_level_from_code(const char *code)
{
	/* The level code list is in level order, so the index is the level. */
	int i = dasv_code_find(DASV_LIST_LEVEL, code);

	return i < 0 ? DASV_LEVEL_NONE : (enum dasv_level)i;
}

static int
valid_level(enum dasv_level l)
{
	return l >= DASV_LEVEL_NONE && l <= DASV_LEVEL_HIGH;
}

static enum dasv_level
max_level(enum dasv_level a, enum dasv_level b)
{
	return a > b ? a : b;
}

/* Shared by DASH and S-DASH: exactly n of Y/N/? into out, upper-cased. */
static enum dasv_status
parse_answers(const char *answers, int n, char *out, char *err, size_t errsz)
{
	size_t len;
	int i;

	if (!answers)
		answers = "";
	len = strlen(answers);
	if (len != (size_t)n)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "has %zu answers, expected %d", len, n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)answers[i];

		if (c != 'Y' && c != 'y' && c != 'N' && c != 'n' && c != '?') {
			if (c >= 0x20 && c < 0x7f)
				return dasv_fail(err, errsz, DASV_INVALID,
						 "character %d is '%c', expected Y, N or ?",
						 i + 1, c);
			return dasv_fail(err, errsz, DASV_INVALID,
					 "character %d is byte \\x%02x, expected Y, N or ?",
					 i + 1, c);
		}
	}
	for (i = 0; i < n; i++) {
		char c = answers[i];

		out[i] = c == 'y' ? 'Y' : c == 'n' ? 'N' : c;
	}
	out[n] = '\0';
	return DASV_OK;
}

enum dasv_status
dasv_dash_parse(const char *answers, char out[DASV_DASH_QUESTIONS + 1],
		char *err, size_t errsz)
{
	return parse_answers(answers, DASV_DASH_QUESTIONS, out, err, errsz);
}

enum dasv_status
dasv_sdash_parse(const char *answers, char out[DASV_SDASH_QUESTIONS + 1],
		 char *err, size_t errsz)
{
	return parse_answers(answers, DASV_SDASH_QUESTIONS, out, err, errsz);
}

int
dasv_dash_score(const char *answers)
{
	int score = 0, i;

	if (!answers)
		return 0;
	for (i = 0; i < DASV_DASH_QUESTIONS && answers[i]; i++)
		if (answers[i] == 'Y' || answers[i] == 'y')
			score++;
	return score;
}

enum dasv_level
dasv_dash_level(const struct dasv_risk_config *c, int score)
{
	if (score < 0)
		return DASV_LEVEL_NONE;
	if (score >= c->high_min)
		return DASV_LEVEL_HIGH;
	if (score >= c->medium_min)
		return DASV_LEVEL_MEDIUM;
	return DASV_LEVEL_STANDARD;
}

void
dasv_marac_evaluate(const struct dasv_risk_config *c,
		    const struct dasv_marac_input *in,
		    struct dasv_marac_result *out)
{
	int has_score = in->score >= 0;
	enum dasv_level assessed = valid_level(in->assessed_level) ?
	    in->assessed_level : DASV_LEVEL_NONE;
	enum dasv_level pj = valid_level(in->pj_level) ? in->pj_level :
	    DASV_LEVEL_NONE;

	out->score_level = dasv_dash_level(c, in->score);
	out->visible_high = has_score && in->score >= c->marac_consent_min;
	out->auto_marac = has_score && in->score >= c->marac_auto_min;
	out->pj = pj == DASV_LEVEL_HIGH;
	/* A zero threshold would refer everyone; treat it as switched off. */
	out->escalation = c->escalation_count > 0 &&
	    in->incidents_12m >= c->escalation_count;
	out->repeat = in->days_since_marac >= 0 &&
	    in->days_since_marac <= c->repeat_days;
	out->refer = out->auto_marac || (out->visible_high && in->consent != 0) ||
	    out->pj || out->escalation || out->repeat;
	out->needs_consent = out->visible_high && !out->auto_marac &&
	    !in->consent && !out->refer;
	out->level = max_level(out->score_level, max_level(assessed, pj));
	if (out->refer)
		out->level = DASV_LEVEL_HIGH;
}

static int
blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

enum dasv_status
dasv_pj_apply(enum dasv_level computed, enum dasv_level requested,
	      const char *reason, enum dasv_level *final, char *err,
	      size_t errsz)
{
	if (!valid_level(computed))
		return dasv_fail(err, errsz, DASV_INVALID,
				 "professional_judgement: computed level %d is not a level",
				 (int)computed);
	if (!valid_level(requested))
		return dasv_fail(err, errsz, DASV_INVALID,
				 "professional_judgement: level %d is not a level",
				 (int)requested);
	if (requested == DASV_LEVEL_NONE || requested == computed) {
		if (final)
			*final = computed;
		return DASV_OK;
	}
	if (requested < computed)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "professional_judgement: may raise the level, not lower it from %s to %s",
				 dasv_level_code(computed), dasv_level_code(requested));
	if (blank(reason))
		return dasv_fail(err, errsz, DASV_INVALID,
				 "professional_judgement_reason: a reason is required to raise the level to %s",
				 dasv_level_code(requested));
	if (final)
		*final = requested;
	return DASV_OK;
}

enum dasv_status
dasv_sv_suggest(const int scores[DASV_SV_DOMAINS], enum dasv_level *level,
		char *err, size_t errsz)
{
	const struct dasv_code *dom;
	size_t n;
	int i, top = 0;

	if (!scores)
		return dasv_fail(err, errsz, DASV_INVALID, "sv_domain: no scores");
	dom = dasv_codes(DASV_LIST_SV_DOMAIN, &n);
	for (i = 0; i < DASV_SV_DOMAINS; i++) {
		if (scores[i] < 0 || scores[i] > 3)
			return dasv_fail(err, errsz, DASV_INVALID,
					 "sv_domain %s: score %d is not 0-3",
					 (size_t)i < n ? dom[i].code : "?", scores[i]);
		if (scores[i] > top)
			top = scores[i];
	}
	if (level)
		*level = top == 3 ? DASV_LEVEL_HIGH : top == 2 ?
		    DASV_LEVEL_MEDIUM : DASV_LEVEL_STANDARD;
	return DASV_OK;
}
