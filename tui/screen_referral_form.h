/*
 * screen_referral_form.h - what the intake form's two files share and nothing
 * else may include: the form's state, its fields and how they map to and from
 * struct dasv_referral (screen_referral_form_fields.c), and the validator the
 * fields are built with (screen_referral_form.c).  rf_ is the form's prefix.
 */
#ifndef DASV_SCREEN_REFERRAL_FORM_H
#define DASV_SCREEN_REFERRAL_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "codes.h"
#include "widget.h"

#define RF_MAX_FIELDS 80

/* Which choice table a pick field uses (beside the core's code lists). */
enum rf_table {
	RF_T_STRAND = DASV_LIST_COUNT,	/* DA, SV, both */
	RF_T_COUNT
};

struct rform {
	struct app *a;
	struct widget_form *f;
	int64_t id;		/* 0: new */
	int64_t version;
	bool loaded;		/* an edit's fields hold the record */
	bool load_failed;	/* ...and reading it again failed: not retried per frame */
	bool saving;		/* validators run for a save: cross-field checks too */
	int nvawg;
	int vawg_field[DASV_CODE_SET_MAX];	/* field of vawg code i */
	char vawg_ids[DASV_CODE_SET_MAX][DASV_CODE_MAX + 8];
	char vawg_labels[DASV_CODE_SET_MAX][64];
	const char *ids[RF_MAX_FIELDS];		/* field index -> id (NULL: heading) */
	bool required[RF_MAX_FIELDS];		/* as defined (sharing_basis varies) */
	size_t maxc[RF_MAX_FIELDS];		/* text fields: characters */
	struct widget_choice choices[RF_T_COUNT][DASV_CODE_SET_MAX];
	size_t nchoices[RF_T_COUNT];
	/* the core's verdict on save, shown once beside its field */
	int core_field;
	char core_msg[200];
	char msg[200];		/* a validator's message */
};

/* ---- screen_referral_form_fields.c ---- */

/* Make the form's fields, in sections, each checked by rf_validate; 0 or -1. */
int rf_build(struct rform *st);
/* The form field of an id (as the core names it), or -1. */
int rf_find(const struct rform *st, const char *id);
void rf_get(const struct rform *st, const char *id, char *out, size_t outsz);
void rf_set(struct rform *st, const char *id, const char *v);
/* A yes/no field is yes. */
bool rf_yes(const struct rform *st, const char *id);
/*
 * "4;7", "4, 7" or "4 7" into ages; 0 ok, -1 with a message.  Ages are whole
 * years 0..17 (children in the household).
 */
int rf_parse_ages(const char *s, int ages[DASV_MAX_CHILDREN], int *n, const char **why);
/* The form as a referral; strings are malloc'd (dasv_referral_clear frees). */
void rf_collect(const struct rform *st, struct dasv_referral *r);
/* Empty every field (an edit form on lock). */
void rf_blank_all(struct rform *st);
/* Read the record of an edit into the fields; keeps only id and version.  0 or -1. */
int rf_load(struct rform *st);
/* The label of a field the core names ("vawg_types" too). */
const char *rf_label_of(const char *id);

/* ---- screen_referral_form.c ---- */

/* The widget_form validator of every field: the form's own words. */
const char *rf_validate(void *ctx, const struct widget_form *f, int field, const char *v);

#endif
