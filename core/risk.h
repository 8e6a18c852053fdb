/*
 * risk.h - risk assessment rules: the SafeLives DASH checklist, the S-DASH
 * stalking screen, the MARAC referral criteria, professional judgement and
 * the SV safety-and-support level suggestion (DESIGN.md sections 3 and 7).
 *
 * Owns: the questions' wording, the score bands and every decision that
 * turns answers into a level or a MARAC referral, so the screens, the import
 * and the reports can never disagree about them.
 *
 * Must never: touch the database, print, or allocate.  Every input it needs
 * (incident counts, days since the last MARAC) is passed in by the caller.
 */
#ifndef DASV_RISK_H
#define DASV_RISK_H

#include <stddef.h>

#include "status.h"

#define DASV_DASH_QUESTIONS 24
#define DASV_SDASH_QUESTIONS 11
#define DASV_SV_DOMAINS 14
/* DASH question 8 (stalking), 0-based; a Yes offers the S-DASH screen. */
#define DASV_DASH_STALKING_INDEX 7

/* Ordered, so that max() and "raise, never lower" are plain comparisons. */
enum dasv_level {
	DASV_LEVEL_NONE = -1,
	DASV_LEVEL_STANDARD = 0,
	DASV_LEVEL_MEDIUM = 1,
	DASV_LEVEL_HIGH = 2
};

struct dasv_risk_config {
	int medium_min;		/* DASH score for medium (10) */
	int high_min;		/* DASH score for high (14) */
	int marac_consent_min;	/* visible high risk: MARAC with consent (14) */
	int marac_auto_min;	/* MARAC regardless of consent (17) */
	int escalation_count;	/* incidents within escalation_days for potential escalation (3) */
	int escalation_days;	/* window for escalation (365) */
	int repeat_days;	/* new incident within this of the last MARAC is a repeat (365) */
	int reassess_days;	/* re-assessment due while open (56, 8 weeks) */
};

/* 10, 14, 14, 17, 3, 365, 365, 56. */
void dasv_risk_config_default(struct dasv_risk_config *c);

/* Short paraphrase of DASH question i (0..23), S-DASH question i (0..10); NULL out of range. */
const char *dasv_dash_question(int i);
const char *dasv_sdash_question(int i);

/* "standard"/"medium"/"high", "" for NONE or out of range (the stored code). */
const char *dasv_level_code(enum dasv_level l);
/* "STD"/"MED"/"HIGH", "-" for NONE or out of range (queue columns). */
const char *dasv_level_short(enum dasv_level l);
/* Level from a stored code ("high", any case); DASV_LEVEL_NONE for "" or unknown. */
enum dasv_level dasv_level_from_code(const char *code);

/*
 * Exactly 24 characters of Y, N or ? (any case) into out, normalised to
 * upper case and NUL-terminated.  err names the problem without a field
 * name: "has 23 answers, expected 24" or "character 7 is 'x', expected Y, N
 * or ?" (1-based; a non-printable byte is shown as \xNN).  out is written
 * only on success.
 */
enum dasv_status dasv_dash_parse(const char *answers,
				 char out[DASV_DASH_QUESTIONS + 1], char *err,
				 size_t errsz);

/* Number of Y (or y) answers among the first 24; 0 for NULL. */
int dasv_dash_score(const char *answers);

/* Band for a score: >= high_min HIGH, >= medium_min MEDIUM, else STANDARD; NONE if score < 0. */
enum dasv_level dasv_dash_level(const struct dasv_risk_config *c, int score);

/* S-DASH: exactly 11 characters of Y/N/?, same rules and messages as dasv_dash_parse. */
enum dasv_status dasv_sdash_parse(const char *answers,
				  char out[DASV_SDASH_QUESTIONS + 1], char *err,
				  size_t errsz);

struct dasv_marac_input {
	int score;		/* DASH Yes count, -1 if no DASH (SV-only referral) */
	int consent;		/* victim consents to MARAC referral */
	enum dasv_level assessed_level;	/* level from another assessment to combine (SV), NONE if none */
	enum dasv_level pj_level;	/* professional judgement level, NONE if none */
	int incidents_12m;	/* referrals/incidents for this person in the last escalation_days, INCLUDING this one */
	int days_since_marac;	/* days since the person's last MARAC referral, -1 if never */
};

struct dasv_marac_result {
	enum dasv_level score_level;	/* from bands (NONE if score<0) */
	enum dasv_level level;		/* final: max(score_level, assessed_level, pj_level), HIGH when referred to MARAC */
	int visible_high;	/* score >= marac_consent_min */
	int auto_marac;		/* score >= marac_auto_min: to MARAC regardless of consent */
	int pj;			/* pj_level == HIGH */
	int escalation;		/* incidents_12m >= escalation_count */
	int repeat;		/* 0 <= days_since_marac <= repeat_days */
	int needs_consent;	/* visible_high but not auto_marac and no consent, and no other criterion: not referred, flagged */
	int refer;		/* refer to MARAC: auto_marac || (visible_high && consent) || pj || escalation || repeat */
};

/* Apply the MARAC criteria of DESIGN.md section 3.  All flags are 0 or 1. */
void dasv_marac_evaluate(const struct dasv_risk_config *c,
			 const struct dasv_marac_input *in,
			 struct dasv_marac_result *out);

/*
 * Professional judgement may raise a computed level, never lower it, and a
 * raise needs a non-blank reason.  requested NONE or equal to computed is
 * "no change": *final = computed and no reason is needed (the SV flow
 * "confirms" a suggestion this way).  Errors name the field
 * "professional_judgement" or "professional_judgement_reason".
 * *final is written only on success.
 */
enum dasv_status dasv_pj_apply(enum dasv_level computed,
			       enum dasv_level requested, const char *reason,
			       enum dasv_level *final, char *err, size_t errsz);

/*
 * SV safety-and-support: 14 domain scores 0..3, in sv_domain code order.
 * Suggests high if any is 3, medium if any is 2, else standard.  A score
 * out of range gives DASV_INVALID naming the domain:
 * "sv_domain housing: score 4 is not 0-3".  *level written only on success.
 */
enum dasv_status dasv_sv_suggest(const int scores[DASV_SV_DOMAINS],
				 enum dasv_level *level, char *err,
				 size_t errsz);

#endif
