/*
 * io_import.c - CSV import of referrals.
 *
 * Import reads one record at a time from the CSV reader, turns it into a
 * struct dasv_referral whose personal strings point straight into the
 * reader's buffers (which the reader wipes), and inserts it with the batch
 * API of referral_int.h inside one transaction, so a bad row anywhere leaves
 * the database as it was.  It writes exactly one audit entry.  A bad row is
 * reported by line and column with a reason that never holds the value.
 */
#include "io.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codes.h"
#include "csv.h"
#include "date.h"
#include "internal.h"
#include "io_int.h"
#include "referral_int.h"
#include "risk.h"
#include "validate.h"

static enum col
col_by_name(const char *name)
{
	for (int i = 0; i < C_COUNT; i++)
		if (strcmp(col_names[i], name) == 0)
			return (enum col)i;
	return C_COUNT;
}

/* ---- import: small parsers ------------------------------------------ */

/* Cut surrounding spaces and tabs in place; returns the new start. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* CRLF -> LF in place, as validate.h asks of importers. */
static void
crlf_to_lf(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	*w = '\0';
}

/* "a, b or c" for a message: the valid codes of a list. */
static void
codes_hint(enum dasv_code_list list, char *buf, size_t bufsz)
{
	size_t n = 0, o = 0;
	const struct dasv_code *c = dasv_codes(list, &n);

	buf[0] = '\0';
	for (size_t i = 0; c && i < n; i++) {
		int w = snprintf(buf + o, bufsz - o, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
				 c[i].code);
		if (w < 0 || (size_t)w >= bufsz - o) {
			buf[o] = '\0';
			break;
		}
		o += (size_t)w;
	}
}

/* The state of one import, for messages. */
struct imp {
	struct dasv *d;
	struct dasv_csv_reader *r;
	int pos[C_COUNT];       /* column index in the file, -1 if absent */
	const char *names[DASV_CSV_MAX_FIELDS]; /* per file column, from our vocabulary */
	size_t ncols;
	size_t line;
	int32_t today;
};

/* Fail the current row at a column, with a reason that holds no value. */
static enum dasv_status
row_fail(struct imp *im, enum col c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum dasv_status
row_fail(struct imp *im, enum col c, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c < C_COUNT && im->pos[c] >= 0)
		return dasv_set_err(im->d, DASV_INVALID, "line %zu, column %d (%s): %s", im->line,
				    im->pos[c] + 1, col_names[c], why);
	return dasv_set_err(im->d, DASV_INVALID, "line %zu (%s): %s", im->line,
			    c < C_COUNT ? col_names[c] : "row", why);
}

/* A validator's message without its leading "field: ". */
static const char *
reason_of(const char *err, const char *field)
{
	size_t n = strlen(field);

	if (strncmp(err, field, n) == 0 && err[n] == ':' && err[n + 1] == ' ')
		return err + n + 2;
	return err;
}

static char *
cell(struct imp *im, char **f, enum col c)
{
	static char empty[1] = "";

	if (im->pos[c] < 0)
		return empty;
	return f[im->pos[c]];
}

static enum dasv_status
parse_code(struct imp *im, char **f, enum col c, enum dasv_code_list list, int required,
	   char *out, size_t outsz)
{
	char *s = trim(cell(im, f, c)), hint[400];
	size_t n = 0;
	const struct dasv_code *codes = dasv_codes(list, &n);
	int idx;

	out[0] = '\0';
	if (!*s) {
		if (required)
			return row_fail(im, c, "is required");
		return DASV_OK;
	}
	idx = dasv_code_find(list, s);
	if (idx < 0 || (size_t)idx >= n) {
		codes_hint(list, hint, sizeof(hint));
		/* the value is not echoed: a shifted row could put a name here */
		return row_fail(im, c, "unknown code (expected %s)", hint);
	}
	snprintf(out, outsz, "%s", codes[idx].code);
	return DASV_OK;
}

static enum dasv_status
parse_set(struct imp *im, char **f, enum col c, enum dasv_code_list list, unsigned *mask)
{
	char *s = trim(cell(im, f, c)), hint[400];

	if (dasv_code_parse_set(list, s, mask, NULL, 0) != DASV_OK) {
		codes_hint(list, hint, sizeof(hint));
		return row_fail(im, c, "unknown code (expected %s, separated by ';')", hint);
	}
	if (*mask == 0)
		return row_fail(im, c, "is required");
	return DASV_OK;
}

/* yes/no (and not_known when allow_unknown) -> 1/0/-1; empty -> dflt. */
static enum dasv_status
parse_yes_no(struct imp *im, char **f, enum col c, int allow_unknown, int dflt, int *out)
{
	char *s = trim(cell(im, f, c));

	*out = dflt;
	if (!*s)
		return DASV_OK;
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "y")) {
		*out = 1;
	} else if (!strcasecmp(s, "no") || !strcasecmp(s, "n")) {
		*out = 0;
	} else if (allow_unknown && (!strcasecmp(s, "not_known") || !strcmp(s, "?"))) {
		*out = -1;
	} else {
		return row_fail(im, c, allow_unknown ? "expected yes, no or not_known"
						     : "expected yes or no");
	}
	return DASV_OK;
}

/*
 * A date into out ("" when empty).  Dates of birth are personal: their
 * messages never repeat the value, unlike the validator's for event dates.
 */
static enum dasv_status
parse_date(struct imp *im, char **f, enum col c, int required, int personal, char out[11])
{
	char *s = trim(cell(im, f, c)), err[200];
	int32_t days;

	out[0] = '\0';
	if (dasv_validate_date(col_names[c], s, required, im->today, &days, err, sizeof(err)) !=
	    DASV_OK) {
		if (!personal)
			return row_fail(im, c, "%s", reason_of(err, col_names[c]));
		if (!*s)
			return row_fail(im, c, "is required");
		if (dasv_validate_date(col_names[c], s, 0, INT32_MAX, &days, NULL, 0) == DASV_OK)
			return row_fail(im, c, "is in the future");
		return row_fail(im, c, "is not a real date in the form YYYY-MM-DD");
	}
	if (days != DASV_DATE_NONE)
		dasv_date_format(days, out);
	return DASV_OK;
}

/* Validators of personal fields say what is wrong but never repeat the value. */
static enum dasv_status
check_field(struct imp *im, enum col c, enum dasv_status st, const char *err)
{
	if (st == DASV_OK)
		return DASV_OK;
	return row_fail(im, c, "%s", reason_of(err, col_names[c]));
}

static enum dasv_status
parse_children_ages(struct imp *im, char **f, struct dasv_referral *r)
{
	char *s = cell(im, f, C_CHILDREN_AGES), *p = s, item[16], err[160];
	int n = 0;
	long v;

	r->n_children_ages = 0;
	while (*p) {
		size_t len = strcspn(p, ";");
		char *tok;

		if (len >= sizeof(item))
			return row_fail(im, C_CHILDREN_AGES, "item %d is not a whole number",
					n + 1);
		memcpy(item, p, len);
		item[len] = '\0';
		tok = trim(item);
		p += len;
		if (*p == ';')
			p++;
		if (!*tok)
			continue;
		if (n == DASV_MAX_CHILDREN)
			return row_fail(im, C_CHILDREN_AGES, "more than %d ages", DASV_MAX_CHILDREN);
		if (dasv_validate_int("age", tok, 0, 17, &v, err, sizeof(err)) != DASV_OK)
			return row_fail(im, C_CHILDREN_AGES, "item %d: %s", n + 1,
					reason_of(err, "age"));
		r->children_ages[n++] = (int)v;
	}
	r->n_children_ages = n;
	return DASV_OK;
}

/*
 * One record into r.  Personal strings point into the reader's buffers;
 * r must not be passed to dasv_referral_clear.
 */
static enum dasv_status
parse_row(struct imp *im, char **f, struct dasv_referral *r, struct dasv_dash_input *dash,
	  int *has_dash)
{
	struct dasv_person *p = &r->person;
	enum dasv_status st;
	char err[300], *s;
	long v;

	memset(r, 0, sizeof(*r));
	p->safe_to_call = p->voicemail_ok = p->letters_ok = -1;
	if ((st = parse_date(im, f, C_RECEIVED_ON, 1, 0, r->received_on)) != DASV_OK ||
	    (st = parse_date(im, f, C_INCIDENT_ON, 0, 0, r->incident_on)) != DASV_OK ||
	    (st = parse_code(im, f, C_SOURCE, DASV_LIST_SOURCE, 1, r->source,
			     sizeof(r->source))) != DASV_OK ||
	    (st = parse_set(im, f, C_STRAND, DASV_LIST_STRAND, &r->strand)) != DASV_OK ||
	    (st = parse_set(im, f, C_VAWG, DASV_LIST_VAWG, &r->vawg)) != DASV_OK ||
	    (st = parse_code(im, f, C_DISTRICT, DASV_LIST_DISTRICT, 1, r->district,
			     sizeof(r->district))) != DASV_OK)
		return st;
	if (r->incident_on[0] && strcmp(r->incident_on, r->received_on) > 0)
		return row_fail(im, C_INCIDENT_ON, "is after received_on");

	p->first_name = trim(cell(im, f, C_FIRST_NAME));
	p->last_name = trim(cell(im, f, C_LAST_NAME));
	st = dasv_validate_name("first_name", p->first_name, 0, err, sizeof(err));
	if ((st = check_field(im, C_FIRST_NAME, st, err)) != DASV_OK)
		return st;
	st = dasv_validate_name("last_name", p->last_name, 0, err, sizeof(err));
	if ((st = check_field(im, C_LAST_NAME, st, err)) != DASV_OK)
		return st;

	/* the date text lives in the reader's buffer too: overwrite in place */
	s = cell(im, f, C_DOB);
	{
		char dob[11];
		if ((st = parse_date(im, f, C_DOB, 0, 1, dob)) != DASV_OK)
			return st;
		/* YYYY-MM-DD strings compare as dates */
		if (dob[0] && strcmp(dob, r->received_on) > 0)
			return row_fail(im, C_DOB, "is after received_on");
		memcpy(s, dob, strlen(dob) + 1); /* a valid date is never longer than its text */
		p->date_of_birth = s;
		dasv_wipe(dob, sizeof(dob));
	}

	p->phone = trim(cell(im, f, C_PHONE));
	st = dasv_validate_phone("phone", p->phone, 0, err, sizeof(err));
	if ((st = check_field(im, C_PHONE, st, err)) != DASV_OK)
		return st;
	p->postcode = trim(cell(im, f, C_POSTCODE));
	st = dasv_validate_postcode("postcode", p->postcode, 0, err, sizeof(err));
	if ((st = check_field(im, C_POSTCODE, st, err)) != DASV_OK)
		return st;
	p->email = trim(cell(im, f, C_EMAIL));
	st = dasv_validate_email("email", p->email, 0, err, sizeof(err));
	if ((st = check_field(im, C_EMAIL, st, err)) != DASV_OK)
		return st;
	p->address = cell(im, f, C_ADDRESS);
	crlf_to_lf(p->address);
	p->safe_contact = cell(im, f, C_SAFE_CONTACT);
	crlf_to_lf(p->safe_contact);
	if ((st = parse_yes_no(im, f, C_SAFE_TO_CALL, 1, -1, &p->safe_to_call)) != DASV_OK ||
	    (st = parse_yes_no(im, f, C_VOICEMAIL_OK, 1, -1, &p->voicemail_ok)) != DASV_OK ||
	    (st = parse_yes_no(im, f, C_LETTERS_OK, 1, -1, &p->letters_ok)) != DASV_OK)
		return st;

	for (size_t i = 0; i < sizeof(eq_cols) / sizeof(eq_cols[0]); i++)
		if ((st = parse_code(im, f, eq_cols[i].col, eq_cols[i].list, 0,
				     (char *)r + eq_cols[i].offset, DASV_CODE_MAX)) != DASV_OK)
			return st;

	s = trim(cell(im, f, C_CHILDREN_COUNT));
	r->children_count = 0;
	if (*s) {
		if (dasv_validate_int("children_count", s, 0, DASV_MAX_CHILDREN, &v, err,
				      sizeof(err)) != DASV_OK)
			return row_fail(im, C_CHILDREN_COUNT, "%s", reason_of(err, "children_count"));
		r->children_count = (int)v;
	}
	if ((st = parse_children_ages(im, f, r)) != DASV_OK)
		return st;
	if (r->n_children_ages > r->children_count)
		return row_fail(im, C_CHILDREN_AGES, "%d ages given for %d children",
				r->n_children_ages, r->children_count);

	r->perpetrator_name = trim(cell(im, f, C_PERP_NAME));
	st = dasv_validate_name("perpetrator_name", r->perpetrator_name, 0, err, sizeof(err));
	if ((st = check_field(im, C_PERP_NAME, st, err)) != DASV_OK)
		return st;
	s = cell(im, f, C_PERP_DOB);
	{
		char dob[11];
		if ((st = parse_date(im, f, C_PERP_DOB, 0, 1, dob)) != DASV_OK)
			return st;
		memcpy(s, dob, strlen(dob) + 1);
		r->perpetrator_dob = s;
		dasv_wipe(dob, sizeof(dob));
	}
	if ((st = parse_code(im, f, C_PERP_REL, DASV_LIST_RELATIONSHIP, 0,
			     r->perpetrator_relationship,
			     sizeof(r->perpetrator_relationship))) != DASV_OK)
		return st;

	if ((st = parse_yes_no(im, f, C_CONSENT, 0, 1, &r->consent_to_share)) != DASV_OK ||
	    (st = parse_code(im, f, C_SHARING_BASIS, DASV_LIST_SHARING_BASIS, 0, r->sharing_basis,
			     sizeof(r->sharing_basis))) != DASV_OK ||
	    (st = parse_yes_no(im, f, C_DNI, 0, 0, &r->do_not_inform_perpetrator)) != DASV_OK)
		return st;

	r->notes = cell(im, f, C_NOTES);
	crlf_to_lf(r->notes);

	memset(dash, 0, sizeof(*dash));
	*has_dash = 0;
	s = trim(cell(im, f, C_DASH));
	if (*s) {
		if (dasv_dash_parse(s, dash->answers, err, sizeof(err)) != DASV_OK)
			return row_fail(im, C_DASH, "%s", err);
		dash->consent = r->consent_to_share;
		dash->pj_level = DASV_LEVEL_NONE;
		memcpy(dash->assessed_on, r->received_on, sizeof(dash->assessed_on));
		*has_dash = 1;
	}
	return DASV_OK;
}

/* The core's field name (as in the import columns) back to a column. */
static enum col
col_of_field(const char *field)
{
	static const struct {
		const char *field;
		enum col col;
	} alias[] = {
		{ "vawg", C_VAWG },
		{ "eq_sex", C_SEX },
		{ "eq_ethnicity", C_ETHNICITY },
		{ "eq_disability", C_DISABILITY },
		{ "eq_sexual_orientation", C_SEXUAL_ORIENTATION },
		{ "eq_gender_reassignment", C_GENDER_REASSIGNMENT },
		{ "eq_pregnancy", C_PREGNANCY },
		{ "eq_religion", C_RELIGION },
		{ "eq_interpreter", C_INTERPRETER },
		{ "eq_nrpf", C_NRPF },
		{ "dash", C_DASH },
		{ "answers", C_DASH },
	};
	enum col c = col_by_name(field);

	if (c != C_COUNT)
		return c;
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcmp(alias[i].field, field) == 0)
			return alias[i].col;
	return C_COUNT;
}

/* Map the header onto our vocabulary; names every missing required column. */
static enum dasv_status
read_header(struct imp *im, char **f, size_t n)
{
	char missing[400] = "";
	size_t o = 0;
	int nmiss = 0;

	for (int c = 0; c < C_COUNT; c++)
		im->pos[c] = dasv_csv_header_index(f, n, col_names[c]);
	for (int c = 0; c < C_REQUIRED_END; c++) {
		if (im->pos[c] >= 0)
			continue;
		int w = snprintf(missing + o, sizeof(missing) - o, "%s%s", nmiss ? ", " : "",
				 col_names[c]);
		if (w > 0 && (size_t)w < sizeof(missing) - o)
			o += (size_t)w;
		nmiss++;
	}
	if (nmiss)
		return dasv_set_err(im->d, DASV_INVALID, "line %zu: missing required column%s %s",
				    im->line, nmiss > 1 ? "s" : "", missing);
	/*
	 * Every required column is there, so this row really is a header and
	 * its cells are column names, not a survivor's details.
	 */
	for (size_t i = 0; i < n; i++) {
		int c = 0;
		for (; c < C_COUNT; c++)
			if (im->pos[c] == (int)i)
				break;
		if (c == C_COUNT) {
			char safe[48];
			size_t k = 0;
			for (const char *s = f[i]; *s && k + 1 < sizeof(safe); s++)
				safe[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
			safe[k] = '\0';
			/* the first match wins in header_index: a repeat lands here too */
			for (c = 0; c < C_COUNT; c++)
				if (dasv_csv_header_index(&f[i], 1, col_names[c]) == 0)
					return dasv_set_err(im->d, DASV_INVALID,
							    "line %zu, column %zu: column %s appears twice",
							    im->line, i + 1, col_names[c]);
			return dasv_set_err(im->d, DASV_INVALID,
					    "line %zu, column %zu: unknown column '%s'", im->line,
					    i + 1, safe);
		}
		im->names[i] = col_names[c];
	}
	im->ncols = n;
	dasv_csv_reader_set_names(im->r, im->names, n);
	return DASV_OK;
}

enum dasv_status
dasv_import_csv(struct dasv *d, FILE *fp, struct dasv_import_result *res)
{
	struct imp im;
	struct dasv_referral r;
	struct dasv_dash_input dash;
	struct dasv_intake_result ir;
	struct dasv_field_err fe;
	struct dasv_marac_result mr;
	struct dasv_import_result out = { 0 };
	enum dasv_status st;
	char **f, err[300], detail[160];
	size_t n;
	int has_dash = 0, in_tx = 0;

	memset(res, 0, sizeof(*res));
	memset(&im, 0, sizeof(im));
	memset(&r, 0, sizeof(r));
	memset(&dash, 0, sizeof(dash));
	im.d = d;
	im.today = dasv_date_today();
	if ((st = dasv_require_role(d,
				    DASV_ROLE_BIT(DASV_ROLE_CASEWORKER) |
					    DASV_ROLE_BIT(DASV_ROLE_SUPERVISOR) |
					    DASV_ROLE_BIT(DASV_ROLE_ADMIN),
				    "import")) != DASV_OK ||
	    (st = dasv_require_data_key(d)) != DASV_OK)
		return st;
	if ((st = dasv_csv_reader_new(fp, &im.r)) != DASV_OK)
		return dasv_set_err(d, st, "import: %s", dasv_status_str(st));

	st = dasv_csv_next(im.r, &f, &n, err, sizeof(err));
	if (st == DASV_NOTFOUND) {
		st = dasv_set_err(d, DASV_INVALID, "the file is empty: expected a header row");
		goto out;
	}
	if (st != DASV_OK) {
		st = dasv_set_err(d, st, "%s", err);
		goto out;
	}
	im.line = dasv_csv_line(im.r);
	if ((st = read_header(&im, f, n)) != DASV_OK)
		goto out;

	if ((st = dasv_tx_begin(d)) != DASV_OK)
		goto out;
	in_tx = 1;
	for (;;) {
		st = dasv_csv_next(im.r, &f, &n, err, sizeof(err));
		if (st == DASV_NOTFOUND)
			break;
		if (st != DASV_OK) {
			/* the reader's messages carry line, column and name, never content */
			st = dasv_set_err(d, st, "%s", err);
			goto out;
		}
		im.line = dasv_csv_line(im.r);
		if (n != im.ncols) {
			st = dasv_set_err(d, DASV_INVALID,
					  n > im.ncols ? "line %zu, column %zu: %zu fields, but the "
							 "header has %zu columns"
						       : "line %zu, column %zu: only %zu fields, but the "
							 "header has %zu columns",
					  im.line, n > im.ncols ? im.ncols + 1 : n, n, im.ncols);
			goto out;
		}
		if ((st = parse_row(&im, f, &r, &dash, &has_dash)) != DASV_OK)
			goto out;
		memset(&fe, 0, sizeof(fe));
		memset(&ir, 0, sizeof(ir));
		st = dasv_referral_insert_flags(d, &r, &fe, &ir,
						has_dash ? DASV_INSERT_DASH_FOLLOWS : 0);
		if (st == DASV_OK && has_dash) {
			memset(&fe, 0, sizeof(fe));
			snprintf(fe.field, sizeof(fe.field), "dash_answers");
			st = dasv_dash_apply(d, ir.id, &dash, &mr);
			if (st == DASV_INVALID)
				snprintf(fe.msg, sizeof(fe.msg), "%s", dasv_errmsg(d));
		}
		if (st != DASV_OK) {
			if (st == DASV_INVALID && fe.field[0]) {
				enum col c = col_of_field(fe.field);
				const char *why = fe.msg[0] ? reason_of(fe.msg, fe.field)
							    : dasv_status_str(st);
				if (c != C_COUNT)
					st = row_fail(&im, c, "%s", why);
				else
					st = dasv_set_err(d, st, "line %zu (%s): %s", im.line,
							  fe.field, why);
			} else {
				/* messages of the core hold no values */
				char why[sizeof(d->err)];
				snprintf(why, sizeof(why), "%s", dasv_errmsg(d));
				st = dasv_set_err(d, st, "line %zu: %s", im.line, why);
			}
			goto out;
		}
		if (out.imported == 0)
			out.first_id = ir.id;
		out.last_id = ir.id;
		out.imported++;
		if (ir.earlier_referrals > 0)
			out.linked++;
	}
	snprintf(detail, sizeof(detail), "count=%lld first=%lld last=%lld linked=%lld",
		 (long long)out.imported, (long long)out.first_id, (long long)out.last_id,
		 (long long)out.linked);
	if ((st = dasv_audit_append(d, "import", "referral", out.first_id, detail)) != DASV_OK)
		goto out;
	in_tx = 0;
	if ((st = dasv_tx_commit(d)) != DASV_OK)
		goto out;
	*res = out;
out:
	if (in_tx)
		dasv_tx_rollback(d);
	dasv_wipe(&dash, sizeof(dash));
	dasv_csv_reader_free(&im.r);
	return st;
}
