/*
 * screen_referral_form.c - the intake form: a new referral, or an edit of one.
 *
 * One widget_form in sections (referral, types of abuse, person and safe
 * contact, children, perpetrator, consent, equality monitoring, notes).  Each
 * field is checked as it is left with the same validators the core and the
 * CSV import use (core/validate.h), so the message beside a field and the
 * core's verdict agree; dasv_referral_check() is still the last word on save
 * and its error is shown beside the field it names.  Before a new referral is
 * saved the person is matched against earlier referrals (repeat
 * victimisation) and the caseworker decides whether to go on.
 *
 * The form holds no core string once it is filled: an edit copies the record
 * into the fields and clears it at once, keeping only id and version for the
 * conflict check.  On lock a clean edit form forgets its fields and reads the
 * record again when next drawn; typed, unsaved work is kept (it is the
 * caseworker's, and the terminal is blanked while locked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "date.h"
#include "validate.h"
#include "widget.h"

/* The case screen run in place of the form once a new referral is saved.
 * Defined in screen_case.c; declared here until app.h carries it. */


#define RF_MAX_FIELDS 80
#define RF_MATCHES 8

/* Which choice table a pick field uses (beside the core's code lists). */
enum rf_table {
	RF_T_STRAND = DASV_LIST_COUNT,	/* DA, SV, both */
	RF_T_COUNT
};

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

static int
rf_find(const struct rform *st, const char *id)
{
	return widget_form_find(st->f, id);
}

static void
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

static bool
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
static int
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
static void
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

static void
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
static void
rf_blank_all(struct rform *st)
{
	int i;

	for (i = 0; i < RF_MAX_FIELDS; i++)
		if (st->ids[i])
			widget_form_set(st->f, i, "");
	widget_form_set_clean(st->f);
}

/* Read the record of an edit into the fields; keeps only id and version. */
static int
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

/* ---- validation --------------------------------------------------------- */

/* today, or the received date when it is a valid date */
static int32_t
rf_received(const struct rform *st)
{
	char v[16];
	int32_t day;

	rf_get(st, "received_on", v, sizeof(v));
	if (dasv_validate_date("received_on", v, 1, dasv_date_today(), &day, NULL, 0) == DASV_OK)
		return day;
	return dasv_date_today();
}

/* Why a date is not one, in a few words (the core's words are longer). */
static const char *
rf_date_why(const char *id, const char *v, int32_t *day)
{
	char err[200];

	if (dasv_validate_date(id, v, 0, INT32_MAX, day, err, sizeof(err)) == DASV_OK)
		return NULL;
	if (strstr(err, "year"))
		return "Year must be 1900-2199";
	if (strstr(err, "month"))
		return "No such month";
	if (strstr(err, "day") || strstr(err, "not a date"))
		return "No such date";
	return "Use YYYY-MM-DD";
}

static const char *
rf_check_date(struct rform *st, const char *id, const char *v, bool by_received)
{
	int32_t limit = by_received ? rf_received(st) : dasv_date_today();
	int32_t day;
	const char *why = rf_date_why(id, v, &day);

	if (why)
		return why;
	if (day > dasv_date_today())
		return "In the future";
	if (day > limit)
		return "After the received date";
	return NULL;
}

static const char *
rf_check_name(const char *id, const char *v)
{
	char err[200];

	if (dasv_validate_name(id, v, 0, err, sizeof(err)) == DASV_OK)
		return NULL;
	if (strstr(err, "has no letters"))
		return "Needs a letter";
	if (strstr(err, "longer than"))
		return "Too long";
	return "Letters, spaces, ' - . only";
}

static const char *
rf_check_phone(struct rform *st, const char *v)
{
	char err[200];
	int digits = 0;
	const char *p;

	if (dasv_validate_phone("phone", v, 0, err, sizeof(err)) == DASV_OK)
		return NULL;
	if (strstr(err, "digits, expected")) {
		for (p = v; *p; p++)
			digits += *p >= '0' && *p <= '9';
		snprintf(st->msg, sizeof(st->msg), "%d digits: needs 7 to 15", digits);
		return st->msg;
	}
	if (strstr(err, "longer than"))
		return "Too long";
	return "Digits, spaces, ( ) - + only";
}

static const char *
rf_validate(void *ctx, const struct widget_form *f, int field, const char *v)
{
	struct rform *st = ctx;
	const char *id = field >= 0 && field < RF_MAX_FIELDS ? st->ids[field] : NULL;
	char err[200];
	const char *why = NULL;
	int ages[DASV_MAX_CHILDREN], n, i;
	bool any;

	(void)f;
	if (!id)
		return NULL;
	if (st->core_field == field) {
		/* the core's verdict on the last save, shown once */
		st->core_field = -1;
		snprintf(st->msg, sizeof(st->msg), "%s", st->core_msg);
		return st->msg;
	}
	if (!strcmp(id, "received_on")) {
		int32_t day;

		if ((why = rf_date_why(id, v, &day)))
			return why;
		return day > dasv_date_today() ? "In the future" : NULL;
	}
	if (!strcmp(id, "incident_on") || !strcmp(id, "date_of_birth"))
		return rf_check_date(st, id, v, true);
	if (!strcmp(id, "perpetrator_dob"))
		return rf_check_date(st, id, v, false);
	if (!strcmp(id, "first_name") || !strcmp(id, "last_name") ||
	    !strcmp(id, "perpetrator_name"))
		return rf_check_name(id, v);
	if (!strcmp(id, "postcode"))
		return dasv_validate_postcode(id, v, 0, err, sizeof(err)) == DASV_OK
			       ? NULL : "Not a UK postcode";
	if (!strcmp(id, "phone"))
		return rf_check_phone(st, v);
	if (!strcmp(id, "email"))
		return dasv_validate_email(id, v, 0, err, sizeof(err)) == DASV_OK
			       ? NULL : "Not an e-mail address";
	if (!strcmp(id, "address") || !strcmp(id, "safe_contact") || !strcmp(id, "notes"))
		return dasv_validate_multiline(id, v, !strcmp(id, "address") ? 400 :
					       !strcmp(id, "safe_contact") ? 2000 : 65536,
					       0, err, sizeof(err)) == DASV_OK ? NULL : "Too long";
	if (!strcmp(id, "children_ages")) {
		char cnt[16];

		if (rf_parse_ages(v, ages, &n, &why) != 0)
			return why;
		rf_get(st, "children_count", cnt, sizeof(cnt));
		if (n > atoi(cnt))
			return "More ages than children";
		return NULL;
	}
	if (st->saving && field == st->vawg_field[0]) {
		for (i = 0, any = false; i < st->nvawg; i++)
			any = any || rf_yes(st, st->vawg_ids[i]);
		if (!any)
			return "Choose at least one type";
	}
	return NULL;
}

/* The legal basis is required while consent to share is No. */
static void
rf_sync_required(struct rform *st)
{
	widget_form_set_required(st->f, rf_find(st, "sharing_basis"),
				 !rf_yes(st, "consent_to_share"));
}

/* The core's field name -> the form's field. */
static int
rf_core_field(const struct rform *st, const char *name)
{
	if (!strcmp(name, "vawg_types"))
		return st->vawg_field[0];
	return rf_find(st, name);
}

static const char *
rf_label_of(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(rf_fields) / sizeof(rf_fields[0]); i++)
		if (rf_fields[i].id && !strcmp(rf_fields[i].id, id))
			return rf_fields[i].label;
	return !strcmp(id, "vawg_types") ? "Types of abuse" : id;
}

/* Show the core's complaint beside its field and focus it. */
static void
rf_core_error(struct rform *st, struct ui *ui, const struct dasv_field_err *fe)
{
	int i = rf_core_field(st, fe->field);
	char v[8];
	bool was_blank;

	if (i < 0) {
		ui_error(ui, "%s: %s", fe->field, fe->msg);
		return;
	}
	widget_form_get(st->f, i, v, sizeof(v));
	was_blank = v[0] == '\0';
	st->core_field = i;
	snprintf(st->core_msg, sizeof(st->core_msg), "%c%s",
		 fe->msg[0] >= 'a' && fe->msg[0] <= 'z' ? fe->msg[0] - 'a' + 'A' : fe->msg[0],
		 fe->msg[0] ? fe->msg + 1 : "");
	/* a blank field gets no validator call: make it required for this check */
	if (was_blank)
		widget_form_set_required(st->f, i, true);
	widget_form_check(st->f);
	if (was_blank) {
		widget_form_set_required(st->f, i, st->required[i]);
		rf_sync_required(st);
	}
	st->core_field = -1;
	ui_error(ui, "%s: %s", rf_label_of(fe->field), fe->msg);
}

/* ---- the repeat-victimisation warning ----------------------------------- */

struct rf_repeat {
	const struct dasv_match *m;
	size_t n;
	bool yes;
};

static const struct ui_keyuse rf_repeat_keys[] = {
	{ UI_REQ_YES, "Save anyway", "Save the new referral; it is linked to the earlier ones" },
	{ UI_REQ_NO, "Back to form", "Back to the form without saving" },
	{ UI_REQ_BACK, "Back to form", "Back to the form without saving" },
	UI_KEYS_END
};

static void
rf_repeat_draw(struct ui *ui, void *state)
{
	struct rf_repeat *d = state;
	WINDOW *w = ui_box(ui, (int)d->n + 8, 76, "Repeat victimisation");
	int cols = getmaxx(w) - 6, y = 2, x;
	char line[160];
	size_t i;

	snprintf(line, sizeof(line), "This person matches %zu earlier referral(s):", d->n);
	ui_put(w, y++, 3, cols, line, A_BOLD);
	for (i = 0; i < d->n && y < getmaxy(w) - 4; i++, y++) {
		const struct dasv_match *m = &d->m[i];

		snprintf(line, sizeof(line), "#%lld  %s", (long long)m->referral_id, m->received_on);
		x = 5 + ui_put(w, y, 5, cols - 2, line, A_NORMAL) + 2;
		x += ui_put_risk(ui, w, y, x, m->level, A_NORMAL) + 2;
		snprintf(line, sizeof(line), "%s  (same %s)",
			 dasv_code_label(DASV_LIST_STATUS, m->status),
			 !strcmp(m->matched_by, "phone") ? "phone" : "surname and date of birth");
		ui_put(w, y, x, cols - x + 3, line, A_NORMAL);
	}
	ui_put(w, ++y, 3, cols, "\xe2\x80\x94 repeat victimisation. Save this new referral?",
	       ui_attr(ui, UI_ROLE_RISK_HIGH) | A_BOLD);
	ui_put(w, ++y, 3, cols, "y = save it, n or Esc = back to the form", ui_attr(ui, UI_ROLE_HINT));
	ui_set_cursor(ui, w, 2, 3);
}

static int
rf_repeat_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct rf_repeat *d = state;

	(void)ui;
	(void)ch;
	switch (req) {
	case UI_REQ_YES:
		d->yes = true;
		return UI_HANDLED | UI_POP;
	case UI_REQ_NO:
	case UI_REQ_BACK:
	case UI_REQ_QUIT:
		d->yes = false;
		return UI_HANDLED | UI_POP;
	default:
		return 0;
	}
}

static const struct ui_screen_ops rf_repeat_ops = {
	.name = "Repeat victimisation",
	.keys = rf_repeat_keys,
	.flags = UI_SCREEN_OVERLAY,
	.draw = rf_repeat_draw,
	.handle = rf_repeat_handle,
};

/* Earlier referrals of this person?  true to go on and save. */
static bool
rf_repeat_ok(struct rform *st, struct ui *ui, const struct dasv_person *p)
{
	struct dasv_match m[RF_MATCHES];
	struct rf_repeat d = { m, 0, false };
	enum dasv_status s;

	s = dasv_person_matches(st->a->d, p, m, RF_MATCHES, &d.n);
	if (s != DASV_OK) {
		/* cannot tell: say so, and let the caseworker decide */
		ui_error(ui, "Could not check for earlier referrals: %s", dasv_errmsg(st->a->d));
		return widget_confirm(ui, "Could not check for earlier referrals. Save anyway?");
	}
	if (d.n == 0)
		return true;
	if (ui_run_modal(ui, &rf_repeat_ops, &d) < 0)
		return false;
	return d.yes;
}

/* ---- the screen --------------------------------------------------------- */

static int
rf_save(struct rform *st, struct ui *ui)
{
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;
	enum dasv_status s;
	char extra[160] = "";
	int64_t id;

	if (st->id && !st->loaded) {
		ui_error(ui, "The referral could not be read: nothing to save. Esc to go back.");
		return UI_HANDLED | UI_REDRAW;
	}
	rf_sync_required(st);
	st->saving = true;
	if (widget_form_check(st->f) >= 0) {
		st->saving = false;
		ui_error(ui, "Some fields need attention: see the messages beside them.");
		return UI_HANDLED | UI_REDRAW;
	}
	st->saving = false;
	rf_collect(st, &r);
	memset(&fe, 0, sizeof(fe));
	if (dasv_referral_check(&r, &fe) != DASV_OK) {
		rf_core_error(st, ui, &fe);
		goto out;
	}
	if (!st->id) {
		if (!rf_repeat_ok(st, ui, &r.person)) {
			ui_message(ui, "Not saved: the form is as you left it.");
			goto out;
		}
		s = dasv_referral_create(st->a->d, &r, &fe, &res);
	} else {
		s = dasv_referral_update(st->a->d, &r, &fe);
	}
	if (s == DASV_INVALID && fe.field[0]) {
		rf_core_error(st, ui, &fe);
		goto out;
	}
	if (s == DASV_CONFLICT) {
		widget_message(ui, "Changed by someone else", dasv_errmsg(st->a->d));
		goto out;
	}
	if (s != DASV_OK) {
		app_core_error(st->a, s);
		goto out;
	}
	widget_form_set_clean(st->f);
	dasv_referral_clear(&r);
	if (st->id) {
		ui_message(ui, "Referral #%lld updated.", (long long)st->id);
		return UI_HANDLED | UI_POP;
	}
	id = res.id;
	if (res.earlier_referrals > 0)
		snprintf(extra, sizeof(extra), " Linked to %d earlier referral(s): repeat victim.",
			 res.earlier_referrals);
	if (res.perpetrator_other_victims > 0)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " Perpetrator linked to other victims.");
	ui_message(ui, "Referral #%lld saved.%s", (long long)id, extra);
	/* the form's work is done: its case screen takes its place */
	screen_case_run(st->a, id);
	return UI_HANDLED | UI_POP;
out:
	dasv_referral_clear(&r);
	return UI_HANDLED | UI_REDRAW;
}

static void
rf_draw(struct ui *ui, void *state)
{
	struct rform *st = state;
	WINDOW *w = ui_body(ui);

	if (st->id && !st->loaded && !st->load_failed) {
		/* fields were forgotten at a lock: read the record again, once */
		if (rf_load(st) != 0)
			st->load_failed = true;
	}
	widget_form_draw(st->f, ui, w);
	if (st->id && !st->loaded)
		ui_put(w, 1, 1, getmaxx(w) - 2,
		       "The referral could not be read (see the message below). Esc to go back.",
		       ui_attr(ui, UI_ROLE_ERROR));
}

static int
rf_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct rform *st = state;
	int r;

	if (req == UI_REQ_SAVE)
		return rf_save(st, ui);
	r = widget_form_handle(st->f, ui, req, ch);
	rf_sync_required(st);
	return r;
}

static bool
rf_dirty(struct ui *ui, void *state)
{
	struct rform *st = state;

	(void)ui;
	return widget_form_dirty(st->f);
}

static void
rf_wipe(struct ui *ui, void *state)
{
	struct rform *st = state;

	(void)ui;
	/* a clean edit holds only what the core gave us: forget it, read again later */
	if (st->id && !widget_form_dirty(st->f)) {
		rf_blank_all(st);
		st->loaded = false;
		st->load_failed = false;
	}
	dasv_wipe(st->msg, sizeof(st->msg));
	dasv_wipe(st->core_msg, sizeof(st->core_msg));
}

static void
rf_free(struct rform *st)
{
	if (!st)
		return;
	widget_form_free(&st->f);
	dasv_wipe(st, sizeof(*st));
	free(st);
}

static void
rf_leave(struct ui *ui, void *state)
{
	(void)ui;
	rf_free(state);
}

static const struct ui_screen_ops rf_new_ops = {
	.name = "New referral",
	.keys = widget_form_keys,
	.draw = rf_draw,
	.handle = rf_handle,
	.leave = rf_leave,
	.dirty = rf_dirty,
	.wipe = rf_wipe,
};

static const struct ui_screen_ops rf_edit_ops = {
	.name = "Edit referral",
	.keys = widget_form_keys,
	.draw = rf_draw,
	.handle = rf_handle,
	.leave = rf_leave,
	.dirty = rf_dirty,
	.wipe = rf_wipe,
};

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

static int
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

int
screen_referral_form_push(struct app *a, int64_t id)
{
	struct rform *st = calloc(1, sizeof(*st));
	char today[11];

	if (!st) {
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	st->a = a;
	st->id = id > 0 ? id : 0;
	st->core_field = -1;
	if (rf_build(st) != 0) {
		ui_error(a->ui, "Out of memory.");
		rf_free(st);
		return -1;
	}
	if (st->id) {
		if (rf_load(st) != 0) {
			rf_free(st);
			return -1;
		}
	} else {
		dasv_date_format(dasv_date_today(), today);
		rf_set(st, "received_on", today);
		widget_form_set_clean(st->f);
	}
	rf_sync_required(st);
	if (ui_push(a->ui, st->id ? &rf_edit_ops : &rf_new_ops, st) < 0) {
		rf_free(st);
		return -1;
	}
	return 0;
}
