/*
 * io_int.h - the CSV column vocabulary that import (io_import.c) and export
 * (io.c) share: the column names and the equality columns' fields and code
 * lists.  The tables are static so each file keeps its own read-only copy,
 * and one list is the only place a column is named.  Core-internal.
 */
#ifndef DASV_IO_INT_H
#define DASV_IO_INT_H

#include <stddef.h>

#include "codes.h"
#include "referral.h"

enum col {
	/* required */
	C_RECEIVED_ON, C_SOURCE, C_STRAND, C_VAWG, C_DISTRICT, C_FIRST_NAME, C_LAST_NAME,
	C_DOB, C_PHONE, C_POSTCODE, C_SAFE_CONTACT, C_PERP_NAME, C_PERP_REL,
	C_CHILDREN_COUNT, C_DASH, C_NOTES,
	/* optional */
	C_SEX, C_ETHNICITY, C_DISABILITY, C_SEXUAL_ORIENTATION, C_GENDER_REASSIGNMENT,
	C_PREGNANCY, C_RELIGION, C_INTERPRETER, C_NRPF, C_CONSENT, C_SHARING_BASIS,
	C_DNI, C_INCIDENT_ON, C_ADDRESS, C_EMAIL, C_PERP_DOB, C_CHILDREN_AGES,
	C_SAFE_TO_CALL, C_VOICEMAIL_OK, C_LETTERS_OK,
	/* written by export, ignored by import */
	C_ID, C_STATUS, C_LEVEL, C_DASH_SCORE, C_MARAC, C_SERVICE,
	C_COUNT
};

#define C_REQUIRED_END C_SEX
#define C_IMPORT_END C_ID

static const char *const col_names[C_COUNT] = {
	[C_RECEIVED_ON] = "received_on",
	[C_SOURCE] = "source",
	[C_STRAND] = "strand",
	[C_VAWG] = "vawg_types",
	[C_DISTRICT] = "district",
	[C_FIRST_NAME] = "first_name",
	[C_LAST_NAME] = "last_name",
	[C_DOB] = "date_of_birth",
	[C_PHONE] = "phone",
	[C_POSTCODE] = "postcode",
	[C_SAFE_CONTACT] = "safe_contact",
	[C_PERP_NAME] = "perpetrator_name",
	[C_PERP_REL] = "perpetrator_relationship",
	[C_CHILDREN_COUNT] = "children_count",
	[C_DASH] = "dash_answers",
	[C_NOTES] = "notes",
	[C_SEX] = "sex",
	[C_ETHNICITY] = "ethnicity",
	[C_DISABILITY] = "disability",
	[C_SEXUAL_ORIENTATION] = "sexual_orientation",
	[C_GENDER_REASSIGNMENT] = "gender_reassignment",
	[C_PREGNANCY] = "pregnancy",
	[C_RELIGION] = "religion",
	[C_INTERPRETER] = "interpreter",
	[C_NRPF] = "nrpf",
	[C_CONSENT] = "consent_to_share",
	[C_SHARING_BASIS] = "sharing_basis",
	[C_DNI] = "do_not_inform_perpetrator",
	[C_INCIDENT_ON] = "incident_on",
	[C_ADDRESS] = "address",
	[C_EMAIL] = "email",
	[C_PERP_DOB] = "perpetrator_dob",
	[C_CHILDREN_AGES] = "children_ages",
	[C_SAFE_TO_CALL] = "safe_to_call",
	[C_VOICEMAIL_OK] = "voicemail_ok",
	[C_LETTERS_OK] = "letters_ok",
	[C_ID] = "id",
	[C_STATUS] = "status",
	[C_LEVEL] = "level",
	[C_DASH_SCORE] = "dash_score",
	[C_MARAC] = "marac",
	[C_SERVICE] = "service",
};

/* Equality columns: the referral field and its code list. */
static const struct {
	enum col col;
	enum dasv_code_list list;
	size_t offset;
} eq_cols[] = {
	{ C_SEX, DASV_LIST_SEX, offsetof(struct dasv_referral, eq_sex) },
	{ C_ETHNICITY, DASV_LIST_ETHNICITY, offsetof(struct dasv_referral, eq_ethnicity) },
	{ C_DISABILITY, DASV_LIST_DISABILITY, offsetof(struct dasv_referral, eq_disability) },
	{ C_SEXUAL_ORIENTATION, DASV_LIST_SEXUAL_ORIENTATION,
	  offsetof(struct dasv_referral, eq_sexual_orientation) },
	{ C_GENDER_REASSIGNMENT, DASV_LIST_GENDER_REASSIGNMENT,
	  offsetof(struct dasv_referral, eq_gender_reassignment) },
	{ C_PREGNANCY, DASV_LIST_PREGNANCY, offsetof(struct dasv_referral, eq_pregnancy) },
	{ C_RELIGION, DASV_LIST_RELIGION, offsetof(struct dasv_referral, eq_religion) },
	{ C_INTERPRETER, DASV_LIST_YES_NO, offsetof(struct dasv_referral, eq_interpreter) },
	{ C_NRPF, DASV_LIST_YES_NO, offsetof(struct dasv_referral, eq_nrpf) },
};

#endif
