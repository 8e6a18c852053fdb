/*
 * referral.h - the referral core: intake, risk and needs assessment,
 * recommendations, allocation, casework and closure.
 *
 * Every function checks the session's role and writes the audit log; every
 * read that decrypts a person goes through dasv_referral_get (one record) or
 * a page function (one audit entry listing the ids shown).  Strings marked
 * "sensitive" are malloc'd plaintext owned by the struct; release them with
 * the matching *_clear function, which wipes them.
 */
#ifndef DASV_REFERRAL_H
#define DASV_REFERRAL_H

#include <stddef.h>
#include <stdint.h>

#include "dasv.h"
#include "risk.h"

#define DASV_MAX_CHILDREN 20
#define DASV_CODE_MAX 32
#define DASV_NEED_DOMAINS 13
#define DASV_ROW_NAME 96

/* Where validation failed: the field's name (as in the import columns) and why. */
struct dasv_field_err {
	char field[40];
	char msg[200];
};

struct dasv_person {
	/* sensitive */
	char *first_name, *last_name, *date_of_birth, *address, *postcode, *phone, *email;
	char *safe_contact; /* safe-contact instructions, free text */
	int safe_to_call;   /* 1 yes, 0 no, -1 not known */
	int voicemail_ok;
	int letters_ok;
};

struct dasv_referral {
	int64_t id;        /* 0 for a new referral */
	int64_t person_id; /* set by the core */
	int64_t version;   /* edit-conflict check: pass back what get returned */

	char received_on[11];  /* YYYY-MM-DD, required */
	char incident_on[11];  /* optional: date of the latest incident */
	char source[DASV_CODE_MAX];
	unsigned strand;       /* bitmask: 1 DA, 2 SV */
	unsigned vawg;         /* bitmask over DASV_LIST_VAWG */
	char district[DASV_CODE_MAX];
	struct dasv_person person;

	/* equality monitoring codes; "" = not recorded */
	char eq_sex[DASV_CODE_MAX], eq_ethnicity[DASV_CODE_MAX], eq_disability[DASV_CODE_MAX];
	char eq_sexual_orientation[DASV_CODE_MAX], eq_gender_reassignment[DASV_CODE_MAX];
	char eq_pregnancy[DASV_CODE_MAX], eq_religion[DASV_CODE_MAX];
	char eq_interpreter[DASV_CODE_MAX], eq_nrpf[DASV_CODE_MAX];

	int children_count;
	int n_children_ages;   /* ages known, <= children_count */
	int children_ages[DASV_MAX_CHILDREN];

	char *perpetrator_name;          /* sensitive; NULL or "" when unknown */
	char *perpetrator_dob;           /* sensitive; optional YYYY-MM-DD */
	char perpetrator_relationship[DASV_CODE_MAX];
	int consent_to_share;
	char sharing_basis[DASV_CODE_MAX]; /* required when sharing without consent */
	int do_not_inform_perpetrator;
	char *notes;                     /* sensitive free text */

	/* filled by the core on get; ignored on create/update */
	char status[DASV_CODE_MAX];
	int level;                       /* enum dasv_level */
	int dash_score;                  /* -1 none */
	int marac;
	int safeguarding, mandatory_reporting, sarc, repeat_victim, serial_perpetrator;
	int escalation, repeat_marac;
	int age_at_referral;             /* -1 unknown */
	char rec_pathway[DASV_CODE_MAX], rec_service_type[DASV_CODE_MAX];
	char rec_reason[512];
	int64_t service_id, worker_id;
	char service_name[64], worker_name[DASV_NAME_MAX];
	char allocated_on[11], contact_due[11], first_contact_on[11], next_review[11];
	char waiting_since[11], closed_on[11], close_reason[DASV_CODE_MAX];
	int overdue;
	char created_by[DASV_NAME_MAX], updated_by[DASV_NAME_MAX], updated_at[21];
	/* the latest DASH, from its coded columns */
	char dash_on[11], dash_by[DASV_NAME_MAX], marac_criteria[96];
};

/* Wipe and free the sensitive strings; the struct may be reused after. */
void dasv_referral_clear(struct dasv_referral *r);

/* Check every field of an intake; the first problem goes in *fe (no values). */
enum dasv_status dasv_referral_check(const struct dasv_referral *r, struct dasv_field_err *fe);

struct dasv_intake_result {
	int64_t id;
	int64_t person_id;
	int earlier_referrals;  /* of the same person (repeat victimisation) */
	int perpetrator_other_victims; /* serial perpetrator when > 0 */
	char linked_by[32];     /* "name_dob", "phone" or "" */
};

/*
 * Create a referral (caseworker, supervisor, admin).  The person is linked to
 * earlier referrals by blind index (surname + date of birth, then phone);
 * the perpetrator likewise across victims.  One transaction.
 */
enum dasv_status dasv_referral_create(struct dasv *d, const struct dasv_referral *r,
				      struct dasv_field_err *fe, struct dasv_intake_result *res);

/*
 * The one way to read a person's record.  Caseworkers may read referrals they
 * created or are allocated; others only with a break-glass reason (non-NULL,
 * non-blank), which is recorded and shown to supervisors.  Auditors: never.
 * DASV_DENIED with a message saying break-glass is needed, when it is.
 */
enum dasv_status dasv_referral_get(struct dasv *d, int64_t id, const char *break_glass_reason,
				   struct dasv_referral *out);

/*
 * Opening a case: the referral and the newest max_events of its timeline, as
 * one audited action (same access rules as dasv_referral_get).  *events is
 * freed with dasv_events_free.
 */
struct dasv_event;
enum dasv_status dasv_case_get(struct dasv *d, int64_t id, const char *break_glass_reason,
			       size_t max_events, struct dasv_referral *out,
			       struct dasv_event **events, size_t *n_events);

/* Whether the session may open the referral without break-glass. */
enum dasv_status dasv_referral_can_open(struct dasv *d, int64_t id, int *allowed);

/*
 * Save edits to intake fields.  r->version must be the version read; if
 * someone saved in between, DASV_CONFLICT "changed by NAME at TIME".
 */
enum dasv_status dasv_referral_update(struct dasv *d, const struct dasv_referral *r,
				      struct dasv_field_err *fe);

/* Earlier referrals matching a person (before saving a new one). */
struct dasv_match {
	int64_t referral_id;
	char received_on[11];
	int level;
	char status[DASV_CODE_MAX];
	char matched_by[16];  /* "name_dob" or "phone" */
};
enum dasv_status dasv_person_matches(struct dasv *d, const struct dasv_person *p,
				     struct dasv_match *out, size_t max, size_t *n);

/* ---- risk and needs ------------------------------------------------- */

struct dasv_dash_input {
	char answers[DASV_DASH_QUESTIONS + 1]; /* Y N ? */
	char sources[DASV_DASH_QUESTIONS + 1]; /* per answer: V victim, P professional, R records, O other; "" = all V */
	char stalking[DASV_SDASH_QUESTIONS + 1]; /* optional S-DASH answers when Q8 is Y; "" none */
	int consent;                 /* victim consents to a MARAC referral */
	enum dasv_level pj_level;    /* DASV_LEVEL_NONE: no professional judgement */
	const char *pj_reason;       /* required with pj_level */
	char assessed_on[11];        /* "" = today */
};

/*
 * Record a DASH (re-)assessment: scores it, applies the MARAC criteria with
 * the person's own history (escalation, repeat), sets the referral's level,
 * queue priority, next review date and recommendation.
 */
enum dasv_status dasv_dash_record(struct dasv *d, int64_t referral_id,
				  const struct dasv_dash_input *in, struct dasv_marac_result *out);

/* SV safety and support: 14 domains 0..3; the caseworker may raise with a reason. */
enum dasv_status dasv_sv_record(struct dasv *d, int64_t referral_id,
				const int scores[DASV_SV_DOMAINS], enum dasv_level raise_to,
				const char *reason, enum dasv_level *level_out);

/* Needs: one level 0..3 (none..high) per DASV_LIST_NEED_DOMAIN entry. */
enum dasv_status dasv_needs_record(struct dasv *d, int64_t referral_id,
				   const int levels[DASV_NEED_DOMAINS]);
enum dasv_status dasv_needs_get(struct dasv *d, int64_t referral_id,
				int levels[DASV_NEED_DOMAINS], int *recorded);

/* The latest assessment of a kind ("dash", "sdash", "sv"), decrypted. */
struct dasv_assessment {
	int64_t id;
	char kind[8];
	char assessed_on[11];
	char assessed_by[DASV_NAME_MAX];
	int score, level, score_level, consent, marac;
	char criteria[96];
	char *answers;   /* sensitive */
	char *pj_reason; /* sensitive */
};
void dasv_assessment_clear(struct dasv_assessment *a);
enum dasv_status dasv_assessment_latest(struct dasv *d, int64_t referral_id, const char *kind,
					struct dasv_assessment *out);

/* ---- recommendation ------------------------------------------------- */

#define DASV_MAX_RECS 8
struct dasv_recommendation {
	int n;
	struct {
		char pathway[DASV_CODE_MAX];
		char service_type[DASV_CODE_MAX];
		char flag[DASV_CODE_MAX];
		char reason[200];
	} items[DASV_MAX_RECS];
};
/* Evaluate the rules for a referral (supervisor, admin, or its caseworker). */
enum dasv_status dasv_recommend(struct dasv *d, int64_t referral_id,
				struct dasv_recommendation *out);

/* ---- services, queue and allocation --------------------------------- */

struct dasv_service {
	int64_t id;
	char name[64];
	char type[DASV_CODE_MAX];
	char pathway[DASV_CODE_MAX];
	unsigned strand;
	int capacity, open_cases, waiting;
	int contact_days, high_contact_days;
	int commissioned, active;
};
/* Services (any unlocked user); *out malloc'd, caller frees. */
enum dasv_status dasv_services_list(struct dasv *d, int active_only, struct dasv_service **out,
				    size_t *n);
/* Admin: add (s->id == 0) or edit a service. */
enum dasv_status dasv_service_save(struct dasv *d, struct dasv_service *s,
				   struct dasv_field_err *fe);

/*
 * One row of a queue, caseload, waiting list or search.  name is decrypted
 * ("First Last") and wiped by dasv_rows_wipe; screens own the array.
 */
struct dasv_row {
	int64_t id;
	int priority;
	char key2[21];           /* the second sort key of the list it came from */
	char received_on[11];
	int level, marac, dash_score;
	char status[DASV_CODE_MAX];
	char district[DASV_CODE_MAX];
	unsigned strand;
	char name[DASV_ROW_NAME];
	char service_name[64];
	char rec_service_type[DASV_CODE_MAX];
	char contact_due[11];
	char waiting_since[11];
	int days_waiting;
	int overdue;
	int safeguarding, repeat_victim;
};
void dasv_rows_wipe(struct dasv_row *rows, size_t n);

/* Where to continue a page from: the first or last row shown. */
struct dasv_page_key {
	int valid;     /* 0: start from the top (dir > 0) or the bottom (dir < 0) */
	int priority;
	char key2[21];
	int64_t id;
};
void dasv_page_key_of(const struct dasv_row *row, struct dasv_page_key *key);

/*
 * Keyset paging: dir > 0 gives up to max rows after key in list order, dir < 0
 * the max rows before it (still returned in list order).  Never OFFSET.
 *  queue    - supervisors/admins: unallocated referrals by level, MARAC, age
 *  caseload - the session's own open cases (caseworker), by priority, due date
 *  waiting  - supervisors/admins: the waiting list of one service (arg)
 */
enum dasv_list { DASV_LIST_QUEUE, DASV_LIST_CASELOAD, DASV_LIST_WAITING };
enum dasv_status dasv_page(struct dasv *d, enum dasv_list list, int64_t arg,
			   const struct dasv_page_key *key, int dir, struct dasv_row *rows,
			   size_t max, size_t *n);
/* Count of rows in a list (for "row 12 of 3 456"). */
enum dasv_status dasv_list_count(struct dasv *d, enum dasv_list list, int64_t arg, int64_t *n);
/* The counts a list's header shows. */
struct dasv_list_summary {
	int64_t total;
	int64_t high_marac; /* priority 0: high risk and referred to MARAC */
	int64_t overdue;    /* caseload: first contact due before today and not made */
};
enum dasv_status dasv_list_summary(struct dasv *d, enum dasv_list list, int64_t arg,
				   struct dasv_list_summary *s);

/*
 * Allocate a referral to a service (and optionally a caseworker).  When the
 * service's type is not the recommended one, override_reason is required.
 * A full service puts the referral on its waiting list (*waiting = 1).
 */
enum dasv_status dasv_allocate(struct dasv *d, int64_t referral_id, int64_t service_id,
			       int64_t worker_id, const char *override_reason, int *waiting);

/* ---- casework ------------------------------------------------------- */

enum dasv_contact_kind { DASV_CONTACT_ATTEMPTED, DASV_CONTACT_MADE, DASV_CONTACT_UNSAFE };
enum dasv_status dasv_contact_add(struct dasv *d, int64_t referral_id,
				  enum dasv_contact_kind kind, const char *note);
enum dasv_status dasv_note_add(struct dasv *d, int64_t referral_id, const char *text);

struct dasv_event {
	int64_t id;
	char at[21];
	char by[DASV_NAME_MAX];
	char kind[DASV_CODE_MAX];
	char *body;  /* sensitive; NULL when there is none or it is damaged */
	int damaged; /* the body failed its integrity check and is not shown */
};
void dasv_events_free(struct dasv_event **ev, size_t n);
/* The case timeline, newest first, up to max events before before_id (0: newest). */
enum dasv_status dasv_timeline(struct dasv *d, int64_t referral_id, int64_t before_id,
			       size_t max, struct dasv_event **out, size_t *n);

struct dasv_outcome {
	char reason[DASV_CODE_MAX]; /* DASV_LIST_CLOSE_REASON */
	int abuse_stopped;          /* 1 yes, 0 no, -1 not known */
	int exit_level;             /* enum dasv_level, DASV_LEVEL_NONE if not assessed */
	int feels_safer;            /* 1, 0, -1 */
	int quality_of_life;        /* 1..5, 0 not recorded */
	char closed_on[11];         /* "" = today */
};
/* Close with an outcome (the allocated caseworker, supervisors, admins). */
enum dasv_status dasv_referral_close(struct dasv *d, int64_t referral_id,
				     const struct dasv_outcome *o, struct dasv_field_err *fe);

/* ---- search --------------------------------------------------------- */

/*
 * Find referrals by blind index.  Rows the session may not open are still
 * listed (id, date, level) but with an empty name; opening them needs
 * break-glass.  kind: "id", "name_dob" (a = surname, b = date of birth),
 * "phone" (a), "postcode" (a).
 */
enum dasv_status dasv_search(struct dasv *d, const char *kind, const char *a, const char *b,
			     struct dasv_row *rows, size_t max, size_t *n);

/* Caseworkers, for allocation pick-lists (supervisors, admins). */
enum dasv_status dasv_workers_list(struct dasv *d, struct dasv_user **out, size_t *n);

/* Current risk configuration (bands and MARAC thresholds) from settings. */
enum dasv_status dasv_risk_config_load(struct dasv *d, struct dasv_risk_config *c);

#endif
