/*
 * screen_referral_form_fields.c - the intake form's fields: which there are,
 * in which sections, with which pick-lists, and how they map to and from
 * struct dasv_referral.  Multi-line text is kept on one line with a visible
 * mark for each break and turned back on save.
 *
 * The strings of a filled referral are handed to the caller (rf_collect) or
 * cleared at once (rf_load); the fields are the only copy the form keeps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "screen_referral_form.h"
#include "validate.h"
#include "widget.h"

enum rf_kind { RF_HEAD, RF_TEXT, RF_DATE, RF_INT, RF_PICK, RF_YESNO, RF_VAWG };

struct rf_def {
	enum rf_kind kind;
	const char *id;		/* as the core names the field (dasv_field_err) */
	const char *label;
	int table;		/* pick: a code list or RF_T_*; int: max */
	size_t max;		/* text: characters */
	bool required;
};

static const struct rf_def rf_fields[] = {
	{ RF_HEAD, NULL, "Referral", 0, 0, false },
	{ RF_DATE, "received_on", "Received", 0, 0, true },
	{ RF_DATE, "incident_on", "Latest incident", 0, 0, false },
	{ RF_PICK, "source", "Referred by", DASV_LIST_SOURCE, 0, true },
	{ RF_PICK, "strand", "Strand", RF_T_STRAND, 0, true },
	{ RF_PICK, "district", "District", DASV_LIST_DISTRICT, 0, true },
	{ RF_HEAD, NULL, "Types of abuse (VAWG): one or more", 0, 0, false },
	{ RF_VAWG, NULL, NULL, 0, 0, false },	/* one yes/no per vawg code */
	{ RF_HEAD, NULL, "Person and safe contact", 0, 0, false },
	{ RF_TEXT, "first_name", "First name", 0, 100, true },
	{ RF_TEXT, "last_name", "Last name", 0, 100, true },
	{ RF_DATE, "date_of_birth", "Date of birth", 0, 0, false },
	{ RF_TEXT, "address", "Address", 0, 400, false },
	{ RF_TEXT, "postcode", "Postcode", 0, 10, false },
	{ RF_TEXT, "phone", "Phone", 0, 32, false },
	{ RF_TEXT, "email", "E-mail", 0, 254, false },
	{ RF_TEXT, "safe_contact", "Safe-contact instructions", 0, 2000, false },
	{ RF_PICK, "safe_to_call", "Safe to call?", DASV_LIST_YES_NO, 0, false },
	{ RF_PICK, "voicemail_ok", "Voicemail OK?", DASV_LIST_YES_NO, 0, false },
	{ RF_PICK, "letters_ok", "Letters OK?", DASV_LIST_YES_NO, 0, false },
	{ RF_HEAD, NULL, "Children in the household", 0, 0, false },
	{ RF_INT, "children_count", "Number of children", DASV_MAX_CHILDREN, 0, false },
	{ RF_TEXT, "children_ages", "Ages (like 4;7)", 0, 80, false },
	{ RF_HEAD, NULL, "Perpetrator", 0, 0, false },
	{ RF_TEXT, "perpetrator_name", "Perpetrator name", 0, 100, false },
	{ RF_DATE, "perpetrator_dob", "Perpetrator date of birth", 0, 0, false },
	{ RF_PICK, "perpetrator_relationship", "Relationship to them", DASV_LIST_RELATIONSHIP, 0,
	  false },
	{ RF_HEAD, NULL, "Consent", 0, 0, false },
	{ RF_YESNO, "consent_to_share", "Consent to share", 0, 0, false },
	{ RF_PICK, "sharing_basis", "Legal basis if no consent", DASV_LIST_SHARING_BASIS, 0,
	  false },
	{ RF_YESNO, "do_not_inform_perpetrator", "Do not inform perpetrator", 0, 0, false },
	{ RF_HEAD, NULL, "Equality monitoring", 0, 0, false },
	{ RF_PICK, "sex", "Sex", DASV_LIST_SEX, 0, false },
	{ RF_PICK, "ethnicity", "Ethnicity", DASV_LIST_ETHNICITY, 0, false },
	{ RF_PICK, "disability", "Disability", DASV_LIST_DISABILITY, 0, false },
	{ RF_PICK, "sexual_orientation", "Sexual orientation", DASV_LIST_SEXUAL_ORIENTATION, 0,
	  false },
	{ RF_PICK, "gender_reassignment", "Gender reassignment", DASV_LIST_GENDER_REASSIGNMENT, 0,
	  false },
	{ RF_PICK, "pregnancy", "Pregnancy", DASV_LIST_PREGNANCY, 0, false },
	{ RF_PICK, "religion", "Religion or belief", DASV_LIST_RELIGION, 0, false },
	{ RF_PICK, "interpreter", "Interpreter needed", DASV_LIST_YES_NO, 0, false },
	{ RF_PICK, "nrpf", "No recourse to public funds", DASV_LIST_YES_NO, 0, false },
	{ RF_HEAD, NULL, "Notes", 0, 0, false },
	{ RF_TEXT, "notes", "Notes", 0, 65536, false },
};

/* Short labels for the vawg codes, in code order; the code list's label otherwise. */
static const char *const rf_vawg_labels[] = {
	"Domestic abuse", "Sexual violence", "FGM", "Forced marriage",
	"Stalking and harassment", "Honour-based violence", "Signposted elsewhere",
};

/* ---- choices ---------------------------------------------------------- */

static const struct widget_choice *
rf_choices(struct rform *st, int table, size_t *n)
{
	const struct dasv_code *c;
	size_t i, k;

	if (table < 0 || table >= RF_T_COUNT) {
		*n = 0;
		return NULL;
	}
	if (!st->nchoices[table]) {
		if (table == RF_T_STRAND) {
			static const struct widget_choice strand[] = {
				{ "DA", "Domestic abuse (DA)" },
				{ "SV", "Sexual violence (SV)" },
				{ "DA;SV", "Both (DA and SV)" },
			};
			memcpy(st->choices[table], strand, sizeof(strand));
			st->nchoices[table] = 3;
		} else {
			c = dasv_codes((enum dasv_code_list)table, &k);
			for (i = 0; c && i < k && i < DASV_CODE_SET_MAX; i++) {
				st->choices[table][i].code = c[i].code;
				st->choices[table][i].label = c[i].label;
			}
			st->nchoices[table] = i;
		}
	}
	*n = st->nchoices[table];
	return st->choices[table];
}

/* ---- reading and writing fields ---------------------------------------- */

int
rf_find(const struct rform *st, const char *id)
{
	return widget_form_find(st->f, id);
}

void
rf_get(const struct rform *st, const char *id, char *out, size_t outsz)
{
	widget_form_get(st->f, rf_find(st, id), out, outsz);
}

static bool
rf_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* A malloc'd copy of a text field, whole (NULL when blank or out of memory). */
static char *
rf_dup(const struct rform *st, const char *id)
{
	int i = rf_find(st, id);
	size_t cap = (i >= 0 && i < RF_MAX_FIELDS && st->maxc[i] ? st->maxc[i] : 256) * 4 + 1;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	widget_form_get(st->f, i, s, cap);
	if (rf_blank(s))
		dasv_str_free(&s);
	return s;
}

/*
 * Multi-line text (address, safe contact, notes) in a one-line field: each
 * line break is shown as U+21B5 and turned back on save, so editing a
 * referral imported with line breaks keeps them.
 */
#define RF_NEWLINE "\xe2\x86\xb5"

/* s with every `from` replaced by `to`, malloc'd; NULL for NULL or no memory. */
static char *
rf_replace(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0, o = 0;
	const char *p;
	char *out;

	if (!s)
		return NULL;
	for (p = s; (p = strstr(p, from)); p += nf)
		n++;
	out = malloc(strlen(s) + n * (nt > nf ? nt - nf : 0) + 1);
	if (!out)
		return NULL;
	for (p = s; *p;) {
		if (!strncmp(p, from, nf)) {
			memcpy(out + o, to, nt);
			o += nt;
			p += nf;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return out;
}

/* A multi-line field's text with its line breaks back (malloc'd, or NULL). */
static char *
rf_dup_lines(const struct rform *st, const char *id)
{
	char *s = rf_dup(st, id), *t;

	if (!s || !strstr(s, RF_NEWLINE))
		return s;
	t = rf_replace(s, RF_NEWLINE, "\n");
	dasv_str_free(&s);
	return t;
}

static void
rf_code(const struct rform *st, const char *id, char out[DASV_CODE_MAX])
{
	rf_get(st, id, out, DASV_CODE_MAX);
}

static int
rf_tri(const struct rform *st, const char *id)
{
	char v[DASV_CODE_MAX];

	rf_code(st, id, v);
	return !strcmp(v, "yes") ? 1 : !strcmp(v, "no") ? 0 : -1;
}

static const char *
rf_tri_code(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "not_known";
}

bool
rf_yes(const struct rform *st, const char *id)
{
	char v[8];

	rf_get(st, id, v, sizeof(v));
	return !strcmp(v, "yes");
}

/*
 * "4;7", "4, 7" or "4 7" into ages; 0 ok, -1 with a message.  Ages are whole
 * years 0..17 (children in the household).
 */
int
rf_parse_ages(const char *s, int ages[DASV_MAX_CHILDREN], int *n, const char **why)
{
	const char *p = s;
	char *end;
	long v;

	*n = 0;
	while (*p) {
		if (*p == ';' || *p == ',' || *p == ' ') {
			p++;
			continue;
		}
		if (*p < '0' || *p > '9') {
			*why = "Ages 0-17, like 4;7";
			return -1;
		}
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || v < 0 || v > 17) {
			*why = "Each age must be 0 to 17";
			return -1;
		}
		if (*n >= DASV_MAX_CHILDREN) {
			*why = "At most 20 ages";
			return -1;
		}
		ages[(*n)++] = (int)v;
		p = end;
	}
	return 0;
}

/* The form as a referral; strings are malloc'd (dasv_referral_clear frees). */
void
rf_collect(const struct rform *st, struct dasv_referral *r)
{
	char v[64];
	const char *why;
	unsigned mask = 0;
	int i;

	memset(r, 0, sizeof(*r));
	r->id = st->id;
	r->version = st->version;
	rf_get(st, "received_on", r->received_on, sizeof(r->received_on));
	rf_get(st, "incident_on", r->incident_on, sizeof(r->incident_on));
	rf_code(st, "source", r->source);
	rf_get(st, "strand", v, sizeof(v));
	if (dasv_code_parse_set(DASV_LIST_STRAND, v, &mask, NULL, 0) == DASV_OK)
		r->strand = mask;
	for (i = 0; i < st->nvawg; i++)
		if (rf_yes(st, st->vawg_ids[i]))
			r->vawg |= 1u << i;
	rf_code(st, "district", r->district);
	r->person.first_name = rf_dup(st, "first_name");
	r->person.last_name = rf_dup(st, "last_name");
	r->person.date_of_birth = rf_dup(st, "date_of_birth");
	r->person.address = rf_dup_lines(st, "address");
	r->person.postcode = rf_dup(st, "postcode");
	if (r->person.postcode) {
		/* stored as the post office writes it: "cb12ab" -> "CB1 2AB" */
		char pc[9];

		if (dasv_validate_postcode_normalise(r->person.postcode, pc) == DASV_OK) {
			char *n = strdup(pc);

			if (n) {
				dasv_str_free(&r->person.postcode);
				r->person.postcode = n;
			}
		}
		dasv_wipe(pc, sizeof(pc));
	}
	r->person.phone = rf_dup(st, "phone");
	r->person.email = rf_dup(st, "email");
	r->person.safe_contact = rf_dup_lines(st, "safe_contact");
	r->person.safe_to_call = rf_tri(st, "safe_to_call");
	r->person.voicemail_ok = rf_tri(st, "voicemail_ok");
	r->person.letters_ok = rf_tri(st, "letters_ok");
	rf_get(st, "children_count", v, sizeof(v));
	r->children_count = v[0] ? atoi(v) : 0;
	{
		char ages[400];	/* 80 characters */

		rf_get(st, "children_ages", ages, sizeof(ages));
		if (rf_parse_ages(ages, r->children_ages, &r->n_children_ages, &why) != 0)
			r->n_children_ages = 0;
	}
	r->perpetrator_name = rf_dup(st, "perpetrator_name");
	r->perpetrator_dob = rf_dup(st, "perpetrator_dob");
	rf_code(st, "perpetrator_relationship", r->perpetrator_relationship);
	r->consent_to_share = rf_yes(st, "consent_to_share");
	rf_code(st, "sharing_basis", r->sharing_basis);
	r->do_not_inform_perpetrator = rf_yes(st, "do_not_inform_perpetrator");
	rf_code(st, "sex", r->eq_sex);
	rf_code(st, "ethnicity", r->eq_ethnicity);
	rf_code(st, "disability", r->eq_disability);
	rf_code(st, "sexual_orientation", r->eq_sexual_orientation);
	rf_code(st, "gender_reassignment", r->eq_gender_reassignment);
	rf_code(st, "pregnancy", r->eq_pregnancy);
	rf_code(st, "religion", r->eq_religion);
	rf_code(st, "interpreter", r->eq_interpreter);
	rf_code(st, "nrpf", r->eq_nrpf);
	r->notes = rf_dup_lines(st, "notes");
}

void
rf_set(struct rform *st, const char *id, const char *v)
{
	widget_form_set(st->f, rf_find(st, id), v ? v : "");
}

static void
rf_set_lines(struct rform *st, const char *id, const char *v)
{
	char *t = v && strchr(v, '\n') ? rf_replace(v, "\n", RF_NEWLINE) : NULL;

	rf_set(st, id, t ? t : v);
	dasv_str_free(&t);
}

/* Fill the fields from a referral read from the core. */
static void
rf_fill(struct rform *st, const struct dasv_referral *r)
{
	char buf[200];
	size_t o = 0;
	int i;

	rf_set(st, "received_on", r->received_on);
	rf_set(st, "incident_on", r->incident_on);
	rf_set(st, "source", r->source);
	rf_set(st, "strand", r->strand == 3 ? "DA;SV" : r->strand == 2 ? "SV" : r->strand == 1 ? "DA" : "");
	for (i = 0; i < st->nvawg; i++)
		rf_set(st, st->vawg_ids[i], r->vawg & (1u << i) ? "yes" : "no");
	rf_set(st, "district", r->district);
	rf_set(st, "first_name", r->person.first_name);
	rf_set(st, "last_name", r->person.last_name);
	rf_set(st, "date_of_birth", r->person.date_of_birth);
	rf_set_lines(st, "address", r->person.address);
	rf_set(st, "postcode", r->person.postcode);
	rf_set(st, "phone", r->person.phone);
	rf_set(st, "email", r->person.email);
	rf_set_lines(st, "safe_contact", r->person.safe_contact);
	rf_set(st, "safe_to_call", rf_tri_code(r->person.safe_to_call));
	rf_set(st, "voicemail_ok", rf_tri_code(r->person.voicemail_ok));
	rf_set(st, "letters_ok", rf_tri_code(r->person.letters_ok));
	snprintf(buf, sizeof(buf), "%d", r->children_count);
	rf_set(st, "children_count", r->children_count > 0 ? buf : "");
	buf[0] = '\0';
	for (i = 0; i < r->n_children_ages && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%d", i ? ";" : "",
				      r->children_ages[i]);
	rf_set(st, "children_ages", buf);
	rf_set(st, "perpetrator_name", r->perpetrator_name);
	rf_set(st, "perpetrator_dob", r->perpetrator_dob);
	rf_set(st, "perpetrator_relationship", r->perpetrator_relationship);
	rf_set(st, "consent_to_share", r->consent_to_share ? "yes" : "no");
	rf_set(st, "sharing_basis", r->sharing_basis);
	rf_set(st, "do_not_inform_perpetrator", r->do_not_inform_perpetrator ? "yes" : "no");
	rf_set(st, "sex", r->eq_sex);
	rf_set(st, "ethnicity", r->eq_ethnicity);
	rf_set(st, "disability", r->eq_disability);
	rf_set(st, "sexual_orientation", r->eq_sexual_orientation);
	rf_set(st, "gender_reassignment", r->eq_gender_reassignment);
	rf_set(st, "pregnancy", r->eq_pregnancy);
	rf_set(st, "religion", r->eq_religion);
	rf_set(st, "interpreter", r->eq_interpreter);
	rf_set(st, "nrpf", r->eq_nrpf);
	rf_set_lines(st, "notes", r->notes);
	widget_form_set_clean(st->f);
}

/* Empty every field (an edit form on lock). */
void
rf_blank_all(struct rform *st)
{
	int i;

	for (i = 0; i < RF_MAX_FIELDS; i++)
		if (st->ids[i])
			widget_form_set(st->f, i, "");
	widget_form_set_clean(st->f);
}

/* Read the record of an edit into the fields; keeps only id and version. */
int
rf_load(struct rform *st)
{
	struct dasv_referral r;
	enum dasv_status s;

	s = dasv_referral_get(st->a->d, st->id, NULL, &r);
	if (s != DASV_OK) {
		app_core_error(st->a, s);
		return -1;
	}
	st->version = r.version;
	rf_fill(st, &r);
	dasv_referral_clear(&r);
	st->loaded = true;
	return 0;
}

const char *
rf_label_of(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(rf_fields) / sizeof(rf_fields[0]); i++)
		if (rf_fields[i].id && !strcmp(rf_fields[i].id, id))
			return rf_fields[i].label;
	return !strcmp(id, "vawg_types") ? "Types of abuse" : id;
}

/* ---- building the form ---------------------------------------------------- */

/* One field as defined, with its validator; its index, 0 for a heading, or -1. */
static int
rf_add(struct rform *st, const struct rf_def *d, const char *id, const char *label)
{
	const struct widget_choice *c;
	size_t n;
	int i;

	switch (d->kind) {
	case RF_HEAD:
		return widget_form_add_heading(st->f, d->label) < 0 ? -1 : 0;
	case RF_TEXT:
		i = widget_form_add_text(st->f, id, label, d->max, 0);
		break;
	case RF_DATE:
		i = widget_form_add_date(st->f, id, label);
		break;
	case RF_INT:
		i = widget_form_add_int(st->f, id, label, 0, d->table);
		break;
	case RF_PICK:
		c = rf_choices(st, d->table, &n);
		i = widget_form_add_pick(st->f, id, label, c, n);
		break;
	default:
		i = widget_form_add_yesno(st->f, id, label);
		break;
	}
	if (i < 0 || i >= RF_MAX_FIELDS)
		return -1;
	st->ids[i] = id;
	st->required[i] = d->required;
	st->maxc[i] = d->kind == RF_TEXT ? d->max : 16;
	widget_form_set_required(st->f, i, d->required);
	widget_form_set_validate(st->f, i, rf_validate, st);
	return i;
}

int
rf_build(struct rform *st)
{
	const struct dasv_code *vc;
	struct rf_def yn = { RF_YESNO, NULL, NULL, 0, 0, false };
	size_t nv, k;
	int i;

	st->f = widget_form_new(st->id ? "Edit referral: fields marked * are required"
				       : "New referral: fields marked * are required");
	if (!st->f)
		return -1;
	vc = dasv_codes(DASV_LIST_VAWG, &nv);
	for (k = 0; k < sizeof(rf_fields) / sizeof(rf_fields[0]); k++) {
		const struct rf_def *d = &rf_fields[k];

		if (d->kind != RF_VAWG) {
			if (rf_add(st, d, d->id, d->label) < 0)
				return -1;
			continue;
		}
		for (i = 0; i < (int)nv && i < DASV_CODE_SET_MAX; i++) {
			snprintf(st->vawg_ids[i], sizeof(st->vawg_ids[i]), "vawg_%s", vc[i].code);
			snprintf(st->vawg_labels[i], sizeof(st->vawg_labels[i]), "%s",
				 i < (int)(sizeof(rf_vawg_labels) / sizeof(rf_vawg_labels[0]))
					 ? rf_vawg_labels[i] : vc[i].label);
			st->vawg_field[i] = rf_add(st, &yn, st->vawg_ids[i], st->vawg_labels[i]);
			if (st->vawg_field[i] < 0)
				return -1;
		}
		st->nvawg = i;
	}
	return 0;
}
