/*
 * referral_check.c - whether a referral may be stored: dasv_referral_check,
 * the one verdict the intake form, the CSV import and the core's own create
 * and update share.  It names the field at fault and what is wrong with it,
 * never repeating a personal value (a date of birth is described, not
 * quoted).  Reads nothing from the database.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "date.h"
#include "internal.h"
#include "referral.h"
#include "validate.h"

static enum dasv_status
fe_set(struct dasv_field_err *fe, const char *field, const char *msg)
{
	if (fe) {
		snprintf(fe->field, sizeof(fe->field), "%s", field);
		/* validators already prefix the field name; keep just the reason */
		size_t fl = strlen(field);
		if (strncmp(msg, field, fl) == 0 && msg[fl] == ':')
			msg += fl + 1 + (msg[fl + 1] == ' ');
		snprintf(fe->msg, sizeof(fe->msg), "%s", msg);
	}
	return DASV_INVALID;
}

static enum dasv_status
check_code(struct dasv_field_err *fe, const char *field, enum dasv_code_list list,
	   const char *v, int required)
{
	char msg[200];

	if (dasv_blank(v)) {
		if (!required)
			return DASV_OK;
		return fe_set(fe, field, "is required");
	}
	if (dasv_code_find(list, v) < 0) {
		/* never echo the value: a shifted CSV row puts a name where a code belongs */
		size_t n = 0;
		const struct dasv_code *c = dasv_codes(list, &n);
		size_t off = (size_t)snprintf(msg, sizeof(msg), "is not a %s code (",
					      dasv_code_list_name(list));
		for (size_t i = 0; i < n && off < sizeof(msg); i++)
			off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s%s", i ? ", " : "",
						c[i].code);
		if (off < sizeof(msg))
			snprintf(msg + off, sizeof(msg) - off, ")");
		return fe_set(fe, field, msg);
	}
	return DASV_OK;
}

/*
 * A date of birth is personal: say what is wrong with it without repeating it
 * (the validators quote dates, which is fine for codes and referral dates).
 */
static int
date_problem(const char *v, int32_t not_after, const char *late, char *msg, size_t msgsz)
{
	int32_t day;

	if (dasv_blank(v))
		return 0;
	if (dasv_date_parse(v, &day, NULL, 0) != DASV_OK) {
		snprintf(msg, msgsz, "is not a valid date (YYYY-MM-DD)");
		return 1;
	}
	if (day > not_after) {
		snprintf(msg, msgsz, "%s", late);
		return 1;
	}
	return 0;
}

enum dasv_status
dasv_referral_check(const struct dasv_referral *r, struct dasv_field_err *fe)
{
	char err[200];
	int32_t today = dasv_date_today(), received = 0, day;
	const struct dasv_person *p = &r->person;
	static const struct {
		const char *field;
		enum dasv_code_list list;
		size_t off;
	} eq[] = {
		{ "sex", DASV_LIST_SEX, offsetof(struct dasv_referral, eq_sex) },
		{ "ethnicity", DASV_LIST_ETHNICITY, offsetof(struct dasv_referral, eq_ethnicity) },
		{ "disability", DASV_LIST_DISABILITY, offsetof(struct dasv_referral, eq_disability) },
		{ "sexual_orientation", DASV_LIST_SEXUAL_ORIENTATION,
		  offsetof(struct dasv_referral, eq_sexual_orientation) },
		{ "gender_reassignment", DASV_LIST_GENDER_REASSIGNMENT,
		  offsetof(struct dasv_referral, eq_gender_reassignment) },
		{ "pregnancy", DASV_LIST_PREGNANCY, offsetof(struct dasv_referral, eq_pregnancy) },
		{ "religion", DASV_LIST_RELIGION, offsetof(struct dasv_referral, eq_religion) },
		{ "interpreter", DASV_LIST_YES_NO, offsetof(struct dasv_referral, eq_interpreter) },
		{ "nrpf", DASV_LIST_YES_NO, offsetof(struct dasv_referral, eq_nrpf) },
	};

	if (dasv_validate_date("received_on", r->received_on, 1, today, &received, err,
			       sizeof(err)) != DASV_OK)
		return fe_set(fe, "received_on", err);
	if (!dasv_blank(r->incident_on)) {
		if (dasv_validate_date("incident_on", r->incident_on, 0, received, &day, err,
				       sizeof(err)) != DASV_OK)
			return fe_set(fe, "incident_on", err);
	}
	if (check_code(fe, "source", DASV_LIST_SOURCE, r->source, 1) != DASV_OK)
		return DASV_INVALID;
	if (r->strand == 0 || r->strand > 3)
		return fe_set(fe, "strand", "choose DA, SV or both (DA;SV)");
	if (r->vawg == 0)
		return fe_set(fe, "vawg_types", "at least one type of abuse is required");
	if (r->vawg >> 7)
		return fe_set(fe, "vawg_types", "unknown type of abuse");
	if (check_code(fe, "district", DASV_LIST_DISTRICT, r->district, 1) != DASV_OK)
		return DASV_INVALID;
	if (dasv_validate_name("first_name", p->first_name, 1, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "first_name", err);
	if (dasv_validate_name("last_name", p->last_name, 1, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "last_name", err);
	if (date_problem(p->date_of_birth, received, "is after the date received", err,
			 sizeof(err)))
		return fe_set(fe, "date_of_birth", err);
	if (dasv_validate_multiline("address", p->address, 400, 0, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "address", err);
	if (dasv_validate_postcode("postcode", p->postcode, 0, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "postcode", err);
	if (dasv_validate_phone("phone", p->phone, 0, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "phone", err);
	if (dasv_validate_email("email", p->email, 0, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "email", err);
	if (dasv_validate_multiline("safe_contact", p->safe_contact, 2000, 0, err, sizeof(err)) !=
	    DASV_OK)
		return fe_set(fe, "safe_contact", err);
	if (r->children_count < 0 || r->children_count > DASV_MAX_CHILDREN)
		return fe_set(fe, "children_count", "must be 0 to 20");
	if (r->n_children_ages < 0 || r->n_children_ages > r->children_count)
		return fe_set(fe, "children_ages", "more ages than children");
	for (int i = 0; i < r->n_children_ages; i++)
		if (r->children_ages[i] < 0 || r->children_ages[i] > 17)
			return fe_set(fe, "children_ages", "each age must be 0 to 17");
	if (!dasv_blank(r->perpetrator_name) &&
	    dasv_validate_name("perpetrator_name", r->perpetrator_name, 0, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "perpetrator_name", err);
	if (date_problem(r->perpetrator_dob, today, "is in the future", err, sizeof(err)))
		return fe_set(fe, "perpetrator_dob", err);
	if (check_code(fe, "perpetrator_relationship", DASV_LIST_RELATIONSHIP,
		       r->perpetrator_relationship, 0) != DASV_OK)
		return DASV_INVALID;
	if (!r->consent_to_share && dasv_blank(r->sharing_basis))
		return fe_set(fe, "sharing_basis",
			      "required when the person has not consented to sharing");
	if (check_code(fe, "sharing_basis", DASV_LIST_SHARING_BASIS, r->sharing_basis, 0) !=
	    DASV_OK)
		return DASV_INVALID;
	for (size_t i = 0; i < sizeof(eq) / sizeof(eq[0]); i++)
		if (check_code(fe, eq[i].field, eq[i].list, (const char *)r + eq[i].off, 0) !=
		    DASV_OK)
			return DASV_INVALID;
	if (dasv_validate_multiline("notes", r->notes, 65536, 0, err, sizeof(err)) != DASV_OK)
		return fe_set(fe, "notes", err);
	return DASV_OK;
}
