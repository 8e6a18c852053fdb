/*
 * test_io.c - CSV import and export (core/io.c).
 *
 * Hostile and bad input first: every kind of bad row must reject the whole
 * file with "line N, column C (name)", import nothing, and never echo a
 * personal value.  Then the good paths: counts, repeat-victim linking, the
 * export -> import round trip, and who may export what.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "helpers.h"
#include "io.h"
#include "referral.h"
#include "referral_fixtures.h"

/* ---- building CSV files ------------------------------------------------ */

/* Every import column, in the order the test files use. */
static const char *const cols[] = {
	"received_on", "source", "strand", "vawg_types", "district", "first_name", "last_name",
	"date_of_birth", "phone", "postcode", "safe_contact", "perpetrator_name",
	"perpetrator_relationship", "children_count", "dash_answers", "notes",
	/* optional */
	"sex", "ethnicity", "disability", "sexual_orientation", "gender_reassignment",
	"pregnancy", "religion", "interpreter", "nrpf", "consent_to_share", "sharing_basis",
	"do_not_inform_perpetrator", "incident_on", "address", "email", "perpetrator_dob",
	"children_ages",
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* A good row; the surname is made unique per row so rows do not link. */
static const char *const good[NCOLS] = {
	"2026-06-01", "police", "DA", "domestic_abuse;stalking_harassment", "cambridge", "Siobhán",
	"(per row)", "1990-04-02", "", "CB1 2AB", "Call after six, never leave a voicemail",
	"Dmitri Ivanov", "ex_partner", "2", "YYYNNNNY?NNNNNNNNNNNNNNN", "Police call-out",
	"female", "white", "no", "heterosexual", "no", "no", "none", "no", "no", "yes", "", "no",
	"2026-05-30", "1 Mill Road, Cambridge", "s.obrien@example.org", "1985-01-01", "4;7",
};

/* A personal-looking value, to prove messages never repeat what is in a cell. */
#define SECRET "Quennell"

static int
col_index(const char *name)
{
	for (size_t i = 0; i < NCOLS; i++)
		if (!strcmp(cols[i], name))
			return (int)i;
	cr_assert_fail("no column %s", name);
	return -1;
}

/*
 * Write a file of n rows: the header (without column `skip`, if given), then
 * good rows, except that data row `bad` (1-based) has `col` set to `val`.
 */
static void
write_csv(const char *path, int n, int bad, const char *col, const char *val, const char *skip)
{
	FILE *f = fopen(path, "w");
	char last[32];
	int bc = col ? col_index(col) : -1;

	cr_assert_not_null(f);
	for (size_t c = 0, w = 0; c < NCOLS; c++) {
		if (skip && !strcmp(cols[c], skip))
			continue;
		cr_assert_eq(dasv_csv_write_field(f, cols[c], c + 1 == NCOLS), DASV_OK);
		w++;
	}
	for (int r = 1; r <= n; r++) {
		fx_name_of(r, "Testname", last, sizeof(last));
		for (size_t c = 0; c < NCOLS; c++) {
			const char *v = good[c];
			if (skip && !strcmp(cols[c], skip))
				continue;
			if (c == 6)
				v = last;
			if (r == bad && (int)c == bc)
				v = val;
			cr_assert_eq(dasv_csv_write_field(f, v, c + 1 == NCOLS), DASV_OK);
		}
	}
	cr_assert_eq(fclose(f), 0);
}

static enum dasv_status
import_file(struct th *t, const char *path, struct dasv_import_result *res)
{
	FILE *f = fopen(path, "r");
	enum dasv_status st;

	cr_assert_not_null(f);
	st = dasv_import_csv(t->d, f, res);
	fclose(f);
	return st;
}

static enum dasv_status
import_text(struct th *t, const char *text, struct dasv_import_result *res)
{
	char path[200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/text.csv", t->dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return import_file(t, path, res);
}

static int64_t
referral_count(struct th *t)
{
	return fx_sql_int(t->path, "SELECT count(*) FROM referrals", 0);
}

static struct th T;

static void
setup(void)
{
	fx_today("2026-06-15");
	th_setup(&T);
}

static void
teardown(void)
{
	th_teardown(&T);
}

TestSuite(io, .init = setup, .fini = teardown);

/* Expect the file to be refused at line/column, with nothing imported. */
static void
expect_rejected(const char *path, int line, const char *col, const char *must_not_contain)
{
	struct dasv_import_result res = { 5, 5, 5, 5 };
	char want[128];
	const char *msg;
	enum dasv_status st = import_file(&T, path, &res);

	msg = dasv_errmsg(T.d);
	cr_assert_eq(st, DASV_INVALID, "column %s: status %d: %s", col, st, msg);
	snprintf(want, sizeof(want), "line %d, column %d (%s)", line, col_index(col) + 1, col);
	cr_assert(strstr(msg, want), "expected '%s' in '%s'", want, msg);
	if (must_not_contain)
		cr_assert_null(strstr(msg, must_not_contain), "message leaks a value: %s", msg);
	cr_assert_eq(res.imported, 0);
	cr_assert_eq(res.first_id, 0);
	cr_assert_eq(referral_count(&T), 0, "a rejected file imported rows");
}

/* ---- bad input --------------------------------------------------------- */

Test(io, rejects_a_date_that_is_not_a_date)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 5, 3, "received_on", "2026-13-01", NULL);
	expect_rejected(path, 4, "received_on", NULL);
	write_csv(path, 5, 2, "received_on", "1/6/2026", NULL);
	expect_rejected(path, 3, "received_on", NULL);
	write_csv(path, 5, 5, "incident_on", "2026-02-30", NULL);
	expect_rejected(path, 6, "incident_on", NULL);
}

Test(io, rejects_a_future_date)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 4, 4, "received_on", "2026-06-16", NULL);
	expect_rejected(path, 5, "received_on", NULL);
	cr_assert(strstr(dasv_errmsg(T.d), "future"), "%s", dasv_errmsg(T.d));
}

Test(io, rejects_a_bad_date_of_birth_without_repeating_it)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	/* a date of birth is personal: neither the bad text nor the date is echoed */
	write_csv(path, 3, 2, "date_of_birth", "1987-02-29", NULL);
	expect_rejected(path, 3, "date_of_birth", "1987-02-29");
	write_csv(path, 3, 2, "date_of_birth", "2026-06-10", NULL);
	expect_rejected(path, 3, "date_of_birth", "2026-06-10");
	write_csv(path, 3, 1, "date_of_birth", "2030-01-01", NULL);
	expect_rejected(path, 2, "date_of_birth", "2030");
	write_csv(path, 3, 1, "perpetrator_dob", "2031-07-07", NULL);
	expect_rejected(path, 2, "perpetrator_dob", "2031");
}

Test(io, rejects_an_unknown_code_in_every_coded_column)
{
	static const char *const coded[] = {
		"source", "strand", "vawg_types", "district", "perpetrator_relationship", "sex",
		"ethnicity", "disability", "sexual_orientation", "gender_reassignment", "pregnancy",
		"religion", "interpreter", "nrpf", "sharing_basis", "consent_to_share",
		"do_not_inform_perpetrator",
	};
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	for (size_t i = 0; i < sizeof(coded) / sizeof(coded[0]); i++) {
		/* a shifted row would put a name in a coded column: never echo it */
		write_csv(path, 4, 3, coded[i], "Siobhán " SECRET, NULL);
		expect_rejected(path, 4, coded[i], SECRET);
	}
	/* one bad item in a set is enough */
	write_csv(path, 2, 2, "vawg_types", "domestic_abuse;" SECRET, NULL);
	expect_rejected(path, 3, "vawg_types", SECRET);
	write_csv(path, 2, 1, "strand", "DA;XX", NULL);
	expect_rejected(path, 2, "strand", NULL);
}

Test(io, accepts_codes_in_any_case)
{
	char path[200];
	struct dasv_import_result res;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 1, 1, "district", " South_Cambridgeshire ", NULL);
	cr_assert_eq(import_file(&T, path, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(res.imported, 1);
	char d[40];
	fx_sql_text(T.path, "SELECT district FROM referrals WHERE id = ?", res.first_id, d,
		    sizeof(d));
	cr_assert_str_eq(d, "south_cambridgeshire");
}

Test(io, rejects_bad_dash_answers)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 3, 2, "dash_answers", "YYYNNNNNNNNNNNNNNNNNNNN", NULL); /* 23 */
	expect_rejected(path, 3, "dash_answers", NULL);
	cr_assert(strstr(dasv_errmsg(T.d), "23"), "%s", dasv_errmsg(T.d));
	write_csv(path, 3, 3, "dash_answers", "YYYNNNNNNNNNNNNNNNNNNNNX", NULL);
	expect_rejected(path, 4, "dash_answers", NULL);
	write_csv(path, 3, 1, "dash_answers", "YYYNNNNNNNNNNNNNNNNNNNNNN", NULL); /* 25 */
	expect_rejected(path, 2, "dash_answers", NULL);
}

Test(io, rejects_bad_personal_fields_without_repeating_them)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 2, 2, "phone", "07700 9" SECRET, NULL);
	expect_rejected(path, 3, "phone", SECRET);
	write_csv(path, 2, 2, "postcode", "ZZ" SECRET, NULL);
	expect_rejected(path, 3, "postcode", SECRET);
	write_csv(path, 2, 2, "email", SECRET "@", NULL);
	expect_rejected(path, 3, "email", SECRET);
	write_csv(path, 2, 1, "first_name", SECRET "42", NULL);
	expect_rejected(path, 2, "first_name", SECRET);
	write_csv(path, 2, 1, "last_name", "", NULL);
	expect_rejected(path, 2, "last_name", NULL);
	write_csv(path, 2, 2, "notes", SECRET "\033[2J", NULL);
	expect_rejected(path, 3, "notes", SECRET);
	write_csv(path, 2, 2, "children_ages", "4;" SECRET, NULL);
	expect_rejected(path, 3, "children_ages", SECRET);
	write_csv(path, 2, 2, "children_count", SECRET, NULL);
	expect_rejected(path, 3, "children_count", SECRET);
}

Test(io, rejects_sharing_without_consent_and_no_basis)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 2, 2, "consent_to_share", "no", NULL);
	expect_rejected(path, 3, "sharing_basis", NULL);
}

Test(io, names_a_missing_required_column)
{
	char path[200];
	struct dasv_import_result res;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 3, 0, NULL, NULL, "district");
	cr_assert_eq(import_file(&T, path, &res), DASV_INVALID);
	cr_assert(strstr(dasv_errmsg(T.d), "missing required column district"), "%s",
		  dasv_errmsg(T.d));
	cr_assert_eq(referral_count(&T), 0);
	/* a "header" that is really a survivor's row is not echoed back */
	cr_assert_eq(import_text(&T, "Siobhán," SECRET ",1990-01-01\n", &res), DASV_INVALID);
	cr_assert_null(strstr(dasv_errmsg(T.d), SECRET), "%s", dasv_errmsg(T.d));
	cr_assert(strstr(dasv_errmsg(T.d), "received_on"), "%s", dasv_errmsg(T.d));
}

Test(io, rejects_an_unknown_or_repeated_column)
{
	char path[200], buf[4096];
	struct dasv_import_result res;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 1, 0, NULL, NULL, NULL);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* misspell an optional column: its data must not be dropped silently */
	char *p = strstr(buf, "ethnicity");
	cr_assert_not_null(p);
	memcpy(p, "ethnicty,", 9);
	cr_assert_eq(import_text(&T, buf, &res), DASV_INVALID);
	cr_assert(strstr(dasv_errmsg(T.d), "line 1, column 18: unknown column"), "%s",
		  dasv_errmsg(T.d));
	memcpy(p, "district,", 9);
	cr_assert_eq(import_text(&T, buf, &res), DASV_INVALID);
	cr_assert(strstr(dasv_errmsg(T.d), "district appears twice"), "%s", dasv_errmsg(T.d));
	cr_assert_eq(referral_count(&T), 0);
}

Test(io, rejects_too_many_and_too_few_fields)
{
	char path[200];
	struct dasv_import_result res;
	FILE *f;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 2, 0, NULL, NULL, NULL);
	f = fopen(path, "a");
	fputs("2026-06-01,police,DA,domestic_abuse,cambridge,Ann,Lee,,,,,,,0,,", f);
	for (size_t i = 16; i < NCOLS + 1; i++)
		fputs(",", f);
	fputs("\r\n", f);
	fclose(f);
	cr_assert_eq(import_file(&T, path, &res), DASV_INVALID);
	char want[64];
	snprintf(want, sizeof(want), "line 4, column %zu:", NCOLS + 1);
	cr_assert(strstr(dasv_errmsg(T.d), want), "%s", dasv_errmsg(T.d));
	cr_assert_eq(referral_count(&T), 0);

	cr_assert_eq(import_text(&T, "received_on,source,strand,vawg_types,district,first_name,"
				     "last_name,date_of_birth,phone,postcode,safe_contact,"
				     "perpetrator_name,perpetrator_relationship,children_count,"
				     "dash_answers,notes\n2026-06-01,police,DA\n",
				 &res),
		     DASV_INVALID);
	cr_assert(strstr(dasv_errmsg(T.d), "line 2, column 3: only 3 fields"), "%s",
		  dasv_errmsg(T.d));
}

Test(io, rejects_an_unterminated_quote)
{
	char path[200];
	struct dasv_import_result res;
	FILE *f;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 3, 0, NULL, NULL, NULL);
	f = fopen(path, "a");
	fputs("2026-06-01,police,DA,domestic_abuse,cambridge,\"" SECRET ",Lee\n", f);
	fclose(f);
	cr_assert_eq(import_file(&T, path, &res), DASV_INVALID);
	cr_assert(strstr(dasv_errmsg(T.d), "line 5, column 6 (first_name)"), "%s",
		  dasv_errmsg(T.d));
	cr_assert(strstr(dasv_errmsg(T.d), "unterminated"), "%s", dasv_errmsg(T.d));
	cr_assert_null(strstr(dasv_errmsg(T.d), SECRET));
	cr_assert_eq(referral_count(&T), 0);
}

Test(io, rejects_an_empty_file)
{
	struct dasv_import_result res;

	cr_assert_eq(import_text(&T, "", &res), DASV_INVALID);
	cr_assert(strstr(dasv_errmsg(T.d), "empty"), "%s", dasv_errmsg(T.d));
}

Test(io, a_bad_last_row_undoes_every_earlier_row)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 300, 300, "district", "atlantis", NULL);
	expect_rejected(path, 301, "district", NULL);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM people", 0), 0);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM assessments", 0), 0);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM audit_log WHERE action = 'import'",
				0),
		     0);
}

Test(io, auditor_may_neither_import_nor_export)
{
	char path[200];
	struct dasv_import_result ir;
	struct dasv_export_result er;
	FILE *f;

	th_add_user(&T, "audrey", DASV_ROLE_AUDITOR);
	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 2, 0, NULL, NULL, NULL);
	th_as(&T, "audrey");
	cr_assert_eq(import_file(&T, path, &ir), DASV_DENIED);
	f = tmpfile();
	cr_assert_eq(dasv_export_csv(T.d, f, &er), DASV_DENIED);
	cr_assert_eq(ftell(f), 0, "an auditor's export wrote something");
	fclose(f);
	cr_assert_eq(referral_count(&T), 0);
	dasv_lock(T.d);
	f = tmpfile();
	cr_assert_eq(dasv_export_csv(T.d, f, &er), DASV_LOCKED);
	fclose(f);
}

/* ---- good input -------------------------------------------------------- */

Test(io, imports_every_row_of_a_good_file_and_audits_once)
{
	char path[200], lvl[8];
	struct dasv_import_result res;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 40, 0, NULL, NULL, NULL);
	cr_assert_eq(import_file(&T, path, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(res.imported, 40);
	cr_assert_eq(res.linked, 0);
	cr_assert_eq(res.last_id - res.first_id, 39);
	cr_assert_eq(referral_count(&T), 40);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM audit_log WHERE action = 'import'",
				0),
		     1);
	cr_assert(fx_audit_mentions(&T, "count=40"));
	/* the DASH in each row was scored: 4 Yes answers is standard risk */
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM assessments WHERE kind = 'dash'", 0),
		     40);
	fx_sql_text(T.path, "SELECT dash_score FROM referrals WHERE id = ?", res.first_id, lvl,
		    sizeof(lvl));
	cr_assert_str_eq(lvl, "4");
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM referral_children", 0), 80);
	/* nothing personal in clear */
	cr_assert_not(fx_db_contains(&T, "Siobhán"));
	cr_assert_not(fx_db_contains(&T, "Mill Road"));
	cr_assert_not(fx_db_contains(&T, "Dmitri"));
}

Test(io, a_header_only_file_imports_nothing)
{
	char path[200];
	struct dasv_import_result res;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 0, 0, NULL, NULL, NULL);
	cr_assert_eq(import_file(&T, path, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(res.imported, 0);
	cr_assert_eq(referral_count(&T), 0);
}

Test(io, an_empty_dash_means_no_assessment)
{
	char path[200];
	struct dasv_import_result res;

	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	write_csv(path, 2, 1, "dash_answers", "", NULL);
	cr_assert_eq(import_file(&T, path, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM assessments", 0), 1);
	cr_assert_eq(fx_sql_int(T.path, "SELECT dash_score IS NULL FROM referrals WHERE id = ?",
				res.first_id),
		     1);
}

Test(io, a_second_import_of_the_same_person_links)
{
	static const char header[] =
		"received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,"
		"phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,"
		"children_count,dash_answers,notes\n";
	char text[2048];
	struct dasv_import_result res;

	snprintf(text, sizeof(text),
		 "%s2026-01-10,police,DA,domestic_abuse,fenland,Máire,O'Brien,1988-03-04,,,,,"
		 "partner,0,,\n"
		 "2026-01-11,self,SV,sexual_violence,fenland,Ann,Lee,1970-01-01,,,,,stranger,0,,\n",
		 header);
	cr_assert_eq(import_text(&T, text, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(res.imported, 2);
	cr_assert_eq(res.linked, 0);
	/* differently spaced and cased, or hyphenated: still the same person */
	snprintf(text, sizeof(text),
		 "%s2026-05-02,health,DA,domestic_abuse,fenland,maire,\"  o'brien \",1988-03-04,,,,,"
		 "partner,0,,\n"
		 "2026-05-03,health,DA,domestic_abuse,fenland,Máire,O-BRIEN,1988-03-04,,,,,"
		 "partner,0,,\n"
		 "2026-05-04,health,DA,domestic_abuse,fenland,Bea,Newperson,1999-09-09,,,,,"
		 "partner,0,,\n",
		 header);
	cr_assert_eq(import_text(&T, text, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(res.imported, 3);
	cr_assert_eq(res.linked, 2, "linked %lld", (long long)res.linked);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM people", 0), 3);
	cr_assert_eq(fx_sql_int(T.path, "SELECT repeat_victim FROM referrals WHERE id = ?",
				res.first_id),
		     1);
}

/* ---- export ------------------------------------------------------------ */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *buf;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void
export_to(struct dasv *d, const char *path, struct dasv_export_result *res)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	cr_assert_eq(dasv_export_csv(d, f, res), DASV_OK, "%s", dasv_errmsg(d));
	cr_assert_eq(fclose(f), 0);
}

/* Every record of a CSV file, as arrays of strdup'd fields. */
struct table {
	size_t nrec, ncol;
	char **cell; /* nrec * ncol */
};

static void
read_table(const char *path, struct table *t)
{
	struct dasv_csv_reader *r = NULL;
	FILE *f = fopen(path, "r");
	char **fields, err[200];
	size_t n;
	enum dasv_status st;

	memset(t, 0, sizeof(*t));
	cr_assert_not_null(f);
	cr_assert_eq(dasv_csv_reader_new(f, &r), DASV_OK);
	while ((st = dasv_csv_next(r, &fields, &n, err, sizeof(err))) == DASV_OK) {
		if (t->nrec == 0)
			t->ncol = n;
		cr_assert_eq(n, t->ncol, "ragged export at record %zu", t->nrec + 1);
		t->cell = realloc(t->cell, (t->nrec + 1) * t->ncol * sizeof(char *));
		cr_assert_not_null(t->cell);
		for (size_t i = 0; i < n; i++)
			t->cell[t->nrec * t->ncol + i] = strdup(fields[i]);
		t->nrec++;
	}
	cr_assert_eq(st, DASV_NOTFOUND, "%s", err);
	dasv_csv_reader_free(&r);
	fclose(f);
}

static const char *
cellv(const struct table *t, size_t rec, const char *col)
{
	for (size_t c = 0; c < t->ncol; c++)
		if (!strcmp(t->cell[c], col))
			return t->cell[rec * t->ncol + c];
	cr_assert_fail("no column %s in export", col);
	return NULL;
}

static void
free_table(struct table *t)
{
	for (size_t i = 0; i < t->nrec * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
}

Test(io, export_then_import_round_trips_awkward_text)
{
	/* quotes, commas, newlines, CR-free multi-line text, non-Latin scripts */
	static const struct {
		const char *first, *last, *safe, *notes, *addr, *perp;
	} people[] = {
		{ "Zoë", "O'Brien-Łukasiewicz", "Text \"before\" calling, never after 6",
		  "Line one, with a comma\nLine \"two\"\n\nafter a blank line",
		  "Flat 2, \"The Maltings\"\n3 Fen Road", "Łukasz Nowak" },
		{ "محمد", "حسين", "Call, then hang up; \"safe word\" is \"blue\"", "ملاحظات",
		  "", "" },
		{ "Siobhán", "Ní Bhriain", "", "  leading and trailing spaces  ", "  2  Spaced Road  ", "Seán Ó Súilleabháin" },
		{ "Анна", "Иванова", "\"", ",", "\nулица Ленина, 5", "Пётр Иванов" },
	};
	char b_path[200], exp_a[200], exp_b[200], db_b[200];
	struct dasv_referral r;
	struct dasv_export_result ea, eb;
	struct dasv_import_result ib;
	struct dasv *b = NULL;
	struct table ta, tb;
	FILE *f;

	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		fx_referral(&r, people[i].first, people[i].last, i == 0 ? "1990-02-03" : NULL,
			    i == 1 ? "+44 7700 900123" : NULL);
		fx_set(&r.person.safe_contact, people[i].safe);
		fx_set(&r.notes, people[i].notes);
		fx_set(&r.person.address, people[i].addr);
		fx_set(&r.perpetrator_name, people[i].perp);
		if (i == 0) {
			r.children_count = 3;
			r.n_children_ages = 2;
			r.children_ages[0] = 0;
			r.children_ages[1] = 17;
			r.consent_to_share = 0;
			snprintf(r.sharing_basis, sizeof(r.sharing_basis), "safeguarding");
			fx_set(&r.perpetrator_dob, "1980-12-31");
			snprintf(r.eq_religion, sizeof(r.eq_religion), "muslim");
		}
		if (i == 3) {
			r.strand = FX_DA | FX_SV;
			r.vawg = FX_VAWG_DA | FX_VAWG_SV | FX_VAWG_FGM;
			r.do_not_inform_perpetrator = 1;
		}
		int64_t id = fx_create(T.d, &r, NULL);
		if (i != 2)
			fx_dash(T.d, id, (int)(4 * i + 3), 1, "", NULL);
		dasv_referral_clear(&r);
	}
	snprintf(exp_a, sizeof(exp_a), "%s/a.csv", T.dir);
	export_to(T.d, exp_a, &ea);
	cr_assert_eq(ea.exported, 4);

	/* a fresh database B, imported from A's export */
	snprintf(db_b, sizeof(db_b), "%s/b.db", T.dir);
	cr_assert_eq(dasv_init(db_b, "admin", TH_ADMIN_PASS, &b), DASV_OK, "%s", dasv_errmsg(b));
	f = fopen(exp_a, "r");
	cr_assert_eq(dasv_import_csv(b, f, &ib), DASV_OK, "%s", dasv_errmsg(b));
	fclose(f);
	cr_assert_eq(ib.imported, 4);
	snprintf(exp_b, sizeof(exp_b), "%s/b.csv", T.dir);
	export_to(b, exp_b, &eb);
	dasv_close(&b);
	snprintf(b_path, sizeof(b_path), "%s/b.db-wal", T.dir);
	unlink(b_path);
	snprintf(b_path, sizeof(b_path), "%s/b.db-shm", T.dir);
	unlink(b_path);
	unlink(db_b);

	read_table(exp_a, &ta);
	read_table(exp_b, &tb);
	cr_assert_eq(ta.nrec, 5);
	cr_assert_eq(tb.nrec, 5);
	cr_assert_eq(ta.ncol, tb.ncol);
	/* every column but the ids the new database gave out is the same */
	for (size_t c = 0; c < ta.ncol; c++) {
		cr_assert_str_eq(ta.cell[c], tb.cell[c]);
		if (!strcmp(ta.cell[c], "id"))
			continue;
		for (size_t rec = 1; rec < ta.nrec; rec++)
			cr_assert_str_eq(ta.cell[rec * ta.ncol + c], tb.cell[rec * tb.ncol + c],
					 "row %zu column %s", rec, ta.cell[c]);
	}
	/* and the values really are the awkward ones */
	cr_assert_str_eq(cellv(&ta, 1, "last_name"), "O'Brien-Łukasiewicz");
	cr_assert_str_eq(cellv(&ta, 1, "notes"), people[0].notes);
	cr_assert_str_eq(cellv(&ta, 1, "address"), people[0].addr);
	cr_assert_str_eq(cellv(&ta, 1, "children_ages"), "0;17");
	cr_assert_str_eq(cellv(&ta, 1, "sharing_basis"), "safeguarding");
	cr_assert_str_eq(cellv(&ta, 2, "first_name"), "محمد");
	cr_assert_str_eq(cellv(&ta, 2, "safe_contact"), people[1].safe);
	cr_assert_str_eq(cellv(&ta, 3, "notes"), people[2].notes);
	cr_assert_str_eq(cellv(&ta, 3, "dash_answers"), "");
	cr_assert_str_eq(cellv(&ta, 4, "strand"), "DA;SV");
	cr_assert_str_eq(cellv(&ta, 4, "vawg_types"), "domestic_abuse;sexual_violence;fgm");
	cr_assert_str_eq(cellv(&ta, 4, "dash_answers"), "YYYYYYYYYYYYYYYNNNNNNNNN");
	cr_assert_str_eq(cellv(&ta, 4, "level"), "high");
	free_table(&ta);
	free_table(&tb);
}

Test(io, export_file_holds_only_what_the_session_may_see)
{
	char path[200], out[200], last[32];
	struct dasv_import_result res;
	struct dasv_export_result er;
	struct table t;

	th_add_user(&T, "cw1", DASV_ROLE_CASEWORKER);
	th_add_user(&T, "cw2", DASV_ROLE_CASEWORKER);
	snprintf(path, sizeof(path), "%s/in.csv", T.dir);
	th_as(&T, "cw1");
	write_csv(path, 2, 0, NULL, NULL, NULL);
	cr_assert_eq(import_file(&T, path, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	th_as(&T, "cw2");
	write_csv(path, 3, 1, "first_name", "Other", NULL);
	/* different surnames from cw1's rows, so nobody links */
	char text[4096];
	{
		char *buf = slurp(path);
		for (char *p = buf; (p = strstr(p, "Testname")); p += 8)
			memcpy(p, "Zestname", 8);
		snprintf(text, sizeof(text), "%s", buf);
		free(buf);
	}
	cr_assert_eq(import_text(&T, text, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(res.imported, 3);

	th_as(&T, "cw1");
	snprintf(out, sizeof(out), "%s/cw1.csv", T.dir);
	export_to(T.d, out, &er);
	cr_assert_eq(er.exported, 2);
	read_table(out, &t);
	cr_assert_eq(t.nrec, 3);
	for (size_t i = 1; i < t.nrec; i++) {
		fx_name_of((int)i, "Testname", last, sizeof(last));
		cr_assert_str_eq(cellv(&t, i, "last_name"), last);
	}
	free_table(&t);
	cr_assert(fx_audit_mentions(&T, "count=2"));

	th_as(&T, "admin");
	snprintf(out, sizeof(out), "%s/admin.csv", T.dir);
	export_to(T.d, out, &er);
	cr_assert_eq(er.exported, 5);
	cr_assert_eq(er.last_id - er.first_id, 4);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM audit_log WHERE action = 'export'",
				0),
		     2);
}

Test(io, break_glass_does_not_extend_to_export)
{
	struct dasv_referral r, got;
	struct dasv_export_result er;
	int64_t id;
	FILE *f;

	th_add_user(&T, "cw1", DASV_ROLE_CASEWORKER);
	th_add_user(&T, "cw2", DASV_ROLE_CASEWORKER);
	th_as(&T, "cw1");
	fx_referral(&r, "Ann", "Lee", NULL, NULL);
	id = fx_create(T.d, &r, NULL);
	dasv_referral_clear(&r);
	th_as(&T, "cw2");
	cr_assert_eq(dasv_referral_get(T.d, id, "covering for cw1 today", &got), DASV_OK, "%s",
		     dasv_errmsg(T.d));
	dasv_referral_clear(&got);
	f = tmpfile();
	cr_assert_eq(dasv_export_csv(T.d, f, &er), DASV_OK, "%s", dasv_errmsg(T.d));
	fclose(f);
	cr_assert_eq(er.exported, 0, "a break-glass record went into a bulk export");
}

Test(io, export_of_an_empty_database_is_a_header)
{
	char out[200];
	struct dasv_export_result er;
	char *text;

	snprintf(out, sizeof(out), "%s/e.csv", T.dir);
	export_to(T.d, out, &er);
	cr_assert_eq(er.exported, 0);
	text = slurp(out);
	cr_assert(!strncmp(text, "id,received_on,source,", 22), "%s", text);
	cr_assert_eq(strchr(text, '\n')[1], '\0', "more than a header: %s", text);
	free(text);
}

Test(io, a_failed_write_is_still_audited)
{
	struct dasv_referral r;
	struct dasv_export_result er;
	FILE *f;

	fx_referral(&r, "Ann", "Lee", NULL, NULL);
	fx_create(T.d, &r, NULL);
	dasv_referral_clear(&r);
	/* /dev/full takes the buffered bytes and fails on flush */
	f = fopen("/dev/full", "w");
	cr_assert_not_null(f);
	cr_assert_eq(dasv_export_csv(T.d, f, &er), DASV_IO);
	fclose(f);
	cr_assert(fx_audit_mentions(&T, "incomplete"));
}
