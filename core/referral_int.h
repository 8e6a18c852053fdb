/*
 * referral_int.h - referral operations that run inside a caller's
 * transaction and write no audit entry of their own, for batch work (import,
 * demo data) that audits once per batch.  Core-internal.
 */
#ifndef DASV_REFERRAL_INT_H
#define DASV_REFERRAL_INT_H

#include "internal.h"
#include "referral.h"

/* Validate and insert one referral (and its person, children, perpetrator). */
enum dasv_status dasv_referral_insert(struct dasv *d, const struct dasv_referral *r,
				      struct dasv_field_err *fe, struct dasv_intake_result *res);
/*
 * The same for batches.  DASV_INSERT_DASH_FOLLOWS: the caller applies a DASH
 * to this referral in the same transaction (which stores the recommendation),
 * so the insert does not evaluate the rules first.
 */
#define DASV_INSERT_DASH_FOLLOWS 1u
enum dasv_status dasv_referral_insert_flags(struct dasv *d, const struct dasv_referral *r,
					    struct dasv_field_err *fe,
					    struct dasv_intake_result *res, unsigned flags);
/* Score and store a DASH for a referral, updating its level and flags. */
enum dasv_status dasv_dash_apply(struct dasv *d, int64_t referral_id,
				 const struct dasv_dash_input *in, struct dasv_marac_result *out);
/* Read and decrypt one referral with no access check and no audit entry. */
enum dasv_status dasv_referral_load(struct dasv *d, int64_t id, struct dasv_referral *out);
/*
 * Whether the session's user may open and work the referral without
 * break-glass: supervisors and admins always; caseworkers when they created it
 * or it is allocated to them.
 */
int dasv_referral_in_caseload(struct dasv *d, int64_t id);
/* ... or read the rest of it (timeline, assessments) within this long of a break-glass. */
#define DASV_BREAK_GLASS_READ_SECONDS 3600
int dasv_referral_readable(struct dasv *d, int64_t id);
/* A person's record key, or that of a referral's person (wipe after use). */
enum dasv_status dasv_person_key(struct dasv *d, int64_t person_id, unsigned char rk[DASV_KEY_BYTES]);
enum dasv_status dasv_referral_key(struct dasv *d, int64_t referral_id, unsigned char rk[DASV_KEY_BYTES]);
/* Queue priority from level and MARAC: 0 high+MARAC .. 3 standard, 4 not assessed. */
int dasv_priority(int level, int marac);

/* Open a wrapped record key of a person ("people") or perpetrator ("perpetrators"). */
enum dasv_status dasv_record_key_open(struct dasv *d, const char *table, int64_t id,
				      const void *blob, int len, unsigned char rk[DASV_KEY_BYTES]);
/* Find (by blind index) or create the person of an intake and store their fields. */
enum dasv_status dasv_person_link(struct dasv *d, const struct dasv_person *p, const char *now,
				  struct dasv_intake_result *res);
/* Blind indexes of a person, under the given blind key (key rotation uses the new one). */
struct dasv_blinds {
	int has_name_dob, has_phone, has_postcode;
	unsigned char name_dob[DASV_BLIND_BYTES], phone[DASV_BLIND_BYTES],
		postcode[DASV_BLIND_BYTES];
};
void dasv_person_blinds(const unsigned char key[DASV_KEY_BYTES], const struct dasv_person *p,
			struct dasv_blinds *b);
/* A perpetrator's bi_name and bi_name_dob (bnd is stored only when dob is given). */
void dasv_perpetrator_blinds(const unsigned char key[DASV_KEY_BYTES], const char *name,
			     const char *dob, unsigned char bn[DASV_BLIND_BYTES],
			     unsigned char bnd[DASV_BLIND_BYTES]);
/* Rewrite a person's sealed fields and blind indexes. */
enum dasv_status dasv_person_update(struct dasv *d, int64_t id,
				    const unsigned char rk[DASV_KEY_BYTES],
				    const struct dasv_person *p);
/* Find or create the perpetrator of an intake; *out 0 when none is named. */
enum dasv_status dasv_perpetrator_link(struct dasv *d, const struct dasv_referral *r,
				       const char *now, int64_t *out);

/* A page of a referral's timeline, newest first (no access check, no audit). */
enum dasv_status dasv_timeline_load(struct dasv *d, int64_t referral_id, int64_t before_id,
				    size_t max, struct dasv_event **out, size_t *n);

/* Append a sealed event to a referral's timeline (inside the caller's transaction). */
enum dasv_status dasv_event_add(struct dasv *d, int64_t referral_id, const char *kind,
				const char *body);

/* Re-evaluate the rules and store the recommendation and flags on the referral. */
enum dasv_status dasv_recommend_store(struct dasv *d, int64_t referral_id);

#endif
