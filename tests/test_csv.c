/*
 * test_csv.c - the CSV reader and writer: hostile input first, then the
 * format rules, then the writer and round trips.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

/* A whole input parsed record by record; keeps copies so records outlive the
 * reader's next call. */
struct parsed {
	enum dasv_status st;	/* status that ended the parse */
	char err[256];
	size_t nrec;
	size_t nf[16];
	char *f[16][8];
	size_t line[16];
};

static FILE *
open_input(const char *data, size_t len)
{
	FILE *fp;

	/* fmemopen refuses size 0 on some libcs */
	fp = len ? fmemopen((void *)data, len, "r") : fopen("/dev/null", "r");
	cr_assert_not_null(fp);
	return fp;
}

static void
parse(const char *data, size_t len, struct parsed *p)
{
	struct dasv_csv_reader *r = NULL;
	FILE *fp = open_input(data, len);
	char **fields;
	size_t n, i;

	memset(p, 0, sizeof *p);
	cr_assert_eq(dasv_csv_reader_new(fp, &r), DASV_OK);
	for (;;) {
		p->st = dasv_csv_next(r, &fields, &n, p->err, sizeof p->err);
		if (p->st != DASV_OK)
			break;
		cr_assert_lt(p->nrec, 16);
		cr_assert_null(fields[n]);
		p->nf[p->nrec] = n;
		p->line[p->nrec] = dasv_csv_line(r);
		for (i = 0; i < n && i < 8; i++)
			p->f[p->nrec][i] = strdup(fields[i]);
		p->nrec++;
	}
	dasv_csv_reader_free(&r);
	cr_assert_null(r);
	fclose(fp);
}

static void
parse_str(const char *s, struct parsed *p)
{
	parse(s, strlen(s), p);
}

static void
parsed_free(struct parsed *p)
{
	size_t i, j;

	for (i = 0; i < 16; i++)
		for (j = 0; j < 8; j++)
			free(p->f[i][j]);
}

/* ---- hostile input ---- */

Test(csv_hostile, unterminated_quote_at_eof_reports_opening_line_and_column)
{
	struct parsed p;

	parse_str("id,name,notes\n1,x,\"SECRETMARKER\nstill open\n", &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_eq(p.nrec, 1);
	cr_assert_str_eq(p.err, "line 2, column 3: unterminated quoted field");
	parsed_free(&p);
}

Test(csv_hostile, quote_inside_unquoted_field)
{
	struct parsed p;

	parse_str("a,b\nc,SECRET\"MARKER\n", &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_eq(p.nrec, 1);
	cr_assert_str_eq(p.err, "line 2, column 2: quote inside unquoted field");
	parsed_free(&p);
}

Test(csv_hostile, text_after_closing_quote)
{
	struct parsed p;

	parse_str("\"SECRET\"MARKER,b\n", &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_str_eq(p.err, "line 1, column 1: text after closing quote");
	parsed_free(&p);
}

Test(csv_hostile, nul_byte_in_unquoted_field_is_error)
{
	static const char in[] = "a,b\nSEC\0RET,x\n";
	struct parsed p;

	parse(in, sizeof in - 1, &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_eq(p.nrec, 1);
	cr_assert_str_eq(p.err, "line 2, column 1: NUL byte");
	parsed_free(&p);
}

Test(csv_hostile, nul_byte_in_quoted_field_is_error_not_truncation)
{
	static const char in[] = "a,\"x\ny\0z\"\n";
	struct parsed p;

	parse(in, sizeof in - 1, &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_eq(p.nrec, 0);
	cr_assert_str_eq(p.err, "line 2, column 2: NUL byte");
	parsed_free(&p);
}

Test(csv_hostile, nul_byte_after_closing_quote_is_error)
{
	static const char in[] = "\"x\"\0\n";
	struct parsed p;

	parse(in, sizeof in - 1, &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_str_eq(p.err, "line 1, column 1: NUL byte");
	parsed_free(&p);
}

Test(csv_hostile, field_of_exactly_limit_is_accepted)
{
	size_t len = DASV_CSV_MAX_FIELD;
	char *in = malloc(len + 4);
	struct parsed p;

	memset(in, 'x', len);
	memcpy(in + len, ",y\n", 3);
	parse(in, len + 3, &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_eq(p.nrec, 1);
	cr_assert_eq(strlen(p.f[0][0]), len);
	cr_assert_str_eq(p.f[0][1], "y");
	parsed_free(&p);
	free(in);
}

Test(csv_hostile, field_over_limit_is_error)
{
	size_t len = DASV_CSV_MAX_FIELD + 1;
	char *in = malloc(len + 8);
	struct parsed p;

	memcpy(in, "a,b,\"", 5);
	memset(in + 5, 'x', len);
	memcpy(in + 5 + len, "\"\n", 2);
	parse(in, len + 7, &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_str_eq(p.err, "line 1, column 3: field longer than 65536 bytes");
	parsed_free(&p);
	free(in);
}

Test(csv_hostile, too_many_fields_is_error)
{
	size_t nf = DASV_CSV_MAX_FIELDS + 1, i;
	char *in = malloc(nf * 2 + 1);
	struct parsed p;

	for (i = 0; i < nf; i++) {
		in[2 * i] = 'v';
		in[2 * i + 1] = i + 1 == nf ? '\n' : ',';
	}
	parse(in, nf * 2, &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_str_eq(p.err, "line 1, column 257: more than 256 fields");
	parsed_free(&p);
	free(in);
}

Test(csv_hostile, exactly_max_fields_is_accepted)
{
	size_t nf = DASV_CSV_MAX_FIELDS, i;
	char *in = malloc(nf * 2 + 1);
	struct parsed p;

	for (i = 0; i < nf; i++) {
		in[2 * i] = 'v';
		in[2 * i + 1] = i + 1 == nf ? '\n' : ',';
	}
	parse(in, nf * 2, &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_eq(p.nf[0], DASV_CSV_MAX_FIELDS);
	parsed_free(&p);
	free(in);
}

Test(csv_hostile, bare_cr_outside_quotes_is_error)
{
	struct parsed p;

	parse_str("a,b\rc,d\r", &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_str_eq(p.err,
			 "line 1, column 2: carriage return not followed by line feed");
	parsed_free(&p);
}

Test(csv_hostile, error_messages_never_contain_field_contents)
{
	static const char *bad[] = {
		"ok\n\"SECRETMARKER",
		"ok\nSECRETMARKER\"x",
		"\"SECRETMARKER\"SECRETMARKER\n",
		"SECRETMARKER\rSECRETMARKER\n",
	};
	struct parsed p;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse_str(bad[i], &p);
		cr_assert_eq(p.st, DASV_INVALID, "case %zu", i);
		cr_assert_gt(strlen(p.err), 0);
		cr_assert_null(strstr(p.err, "SECRET"), "case %zu: %s", i, p.err);
		cr_assert_null(strstr(p.err, "MARKER"), "case %zu: %s", i, p.err);
		parsed_free(&p);
	}
}

Test(csv_hostile, error_names_column_when_names_given)
{
	static const char *const names[] = { "id", "surname" };
	static const char in[] = "1,O\"Brien\n";
	struct dasv_csv_reader *r = NULL;
	FILE *fp = open_input(in, sizeof in - 1);
	char **f, err[128];
	size_t n;

	cr_assert_eq(dasv_csv_reader_new(fp, &r), DASV_OK);
	dasv_csv_reader_set_names(r, names, 2);
	cr_assert_eq(dasv_csv_next(r, &f, &n, err, sizeof err), DASV_INVALID);
	cr_assert_str_eq(err, "line 1, column 2 (surname): quote inside unquoted field");
	cr_assert_null(strstr(err, "Brien"));
	dasv_csv_reader_free(&r);
	fclose(fp);
}

Test(csv_hostile, reader_is_spent_after_error)
{
	static const char in[] = "a\"b\nc,d\n";
	struct dasv_csv_reader *r = NULL;
	FILE *fp = open_input(in, sizeof in - 1);
	char **f, err[128], err2[128];
	size_t n;

	cr_assert_eq(dasv_csv_reader_new(fp, &r), DASV_OK);
	cr_assert_eq(dasv_csv_next(r, &f, &n, err, sizeof err), DASV_INVALID);
	cr_assert_eq(dasv_csv_next(r, &f, &n, err2, sizeof err2), DASV_INVALID);
	cr_assert_str_eq(err, err2);
	cr_assert_null(f);
	cr_assert_eq(n, 0);
	dasv_csv_reader_free(&r);
	fclose(fp);
}

Test(csv_hostile, small_error_buffer_is_truncated_safely)
{
	static const char in[] = "\"abc";
	struct dasv_csv_reader *r = NULL;
	FILE *fp = open_input(in, sizeof in - 1);
	char **f, err[8];
	size_t n;

	cr_assert_eq(dasv_csv_reader_new(fp, &r), DASV_OK);
	cr_assert_eq(dasv_csv_next(r, &f, &n, err, sizeof err), DASV_INVALID);
	cr_assert_str_eq(err, "line 1,");
	cr_assert_eq(dasv_csv_next(r, &f, &n, NULL, 0), DASV_INVALID);
	dasv_csv_reader_free(&r);
	fclose(fp);
}

Test(csv_hostile, free_accepts_null)
{
	struct dasv_csv_reader *r = NULL;

	dasv_csv_reader_free(NULL);
	dasv_csv_reader_free(&r);
	cr_assert_null(r);
	cr_assert_eq(dasv_csv_reader_new(NULL, &r), DASV_INVALID);
	cr_assert_null(r);
}

/* ---- format rules ---- */

Test(csv_read, lf_and_crlf_line_endings)
{
	struct parsed p;

	parse_str("a,b\r\nc,d\ne,f\r\n", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_eq(p.nrec, 3);
	cr_assert_str_eq(p.f[0][1], "b");
	cr_assert_str_eq(p.f[1][1], "d");
	cr_assert_str_eq(p.f[2][1], "f");
	cr_assert_eq(p.line[2], 3);
	parsed_free(&p);
}

Test(csv_read, bom_is_skipped)
{
	struct parsed p;

	parse_str("\xef\xbb\xbfname,age\n", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND);
	cr_assert_eq(p.nrec, 1);
	cr_assert_str_eq(p.f[0][0], "name");
	parsed_free(&p);
}

Test(csv_read, bom_only_at_start)
{
	struct parsed p;

	parse_str("a\n\xef\xbb\xbf" "b\n", &p);
	cr_assert_eq(p.nrec, 2);
	cr_assert_str_eq(p.f[1][0], "\xef\xbb\xbf" "b");
	parsed_free(&p);
}

Test(csv_read, bom_read_one_byte_at_a_time)
{
	static const char in[] = "\xef\xbb\xbfx\n";
	struct dasv_csv_reader *r = NULL;
	char **f, err[128];
	size_t n;
	int fds[2];
	FILE *fp;
	size_t i;

	cr_assert_eq(pipe(fds), 0);
	for (i = 0; i < sizeof in - 1; i++)
		cr_assert_eq(write(fds[1], in + i, 1), 1);
	close(fds[1]);
	fp = fdopen(fds[0], "r");
	setvbuf(fp, NULL, _IONBF, 0);
	cr_assert_eq(dasv_csv_reader_new(fp, &r), DASV_OK);
	cr_assert_eq(dasv_csv_next(r, &f, &n, err, sizeof err), DASV_OK);
	cr_assert_str_eq(f[0], "x");
	dasv_csv_reader_free(&r);
	fclose(fp);
}

Test(csv_read, embedded_newline_keeps_line_count)
{
	struct parsed p;

	parse_str("h1,h2\n1,\"two\nlines\r\nthree\"\n2,x\n3,\"bad\n", &p);
	cr_assert_eq(p.st, DASV_INVALID);
	cr_assert_eq(p.nrec, 3);
	cr_assert_str_eq(p.f[1][1], "two\nlines\r\nthree");
	cr_assert_eq(p.line[1], 2);
	cr_assert_eq(p.line[2], 5);
	cr_assert_str_eq(p.err, "line 6, column 2: unterminated quoted field");
	parsed_free(&p);
}

Test(csv_read, lone_cr_inside_quotes_is_kept)
{
	struct parsed p;

	parse_str("\"a\rb\",c\n", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_str_eq(p.f[0][0], "a\rb");
	parsed_free(&p);
}

Test(csv_read, doubled_quotes_are_one_quote)
{
	struct parsed p;

	parse_str("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_eq(p.nf[0], 3);
	cr_assert_str_eq(p.f[0][0], "say \"hi\"");
	cr_assert_str_eq(p.f[0][1], "\"");
	cr_assert_str_eq(p.f[0][2], "");
	parsed_free(&p);
}

Test(csv_read, quoted_comma_is_data)
{
	struct parsed p;

	parse_str("\"Flat 2, 1 High St\",CB1\n", &p);
	cr_assert_eq(p.nf[0], 2);
	cr_assert_str_eq(p.f[0][0], "Flat 2, 1 High St");
	parsed_free(&p);
}

Test(csv_read, empty_fields_and_trailing_empty_field)
{
	struct parsed p;

	parse_str("a,b,\n,,\n", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_eq(p.nrec, 2);
	cr_assert_eq(p.nf[0], 3);
	cr_assert_str_eq(p.f[0][2], "");
	cr_assert_eq(p.nf[1], 3);
	cr_assert_str_eq(p.f[1][0], "");
	parsed_free(&p);
}

Test(csv_read, trailing_comma_at_eof_is_empty_field)
{
	struct parsed p;

	parse_str("a,b,", &p);
	cr_assert_eq(p.nrec, 1);
	cr_assert_eq(p.nf[0], 3);
	parsed_free(&p);
}

Test(csv_read, last_record_without_newline)
{
	struct parsed p;

	parse_str("a,b\nc,\"d\"", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_eq(p.nrec, 2);
	cr_assert_str_eq(p.f[1][1], "d");
	parsed_free(&p);
}

Test(csv_read, trailing_blank_lines_are_not_records)
{
	struct parsed p;

	parse_str("a,b\n\r\n\n", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND, "%s", p.err);
	cr_assert_eq(p.nrec, 1);
	parsed_free(&p);
}

Test(csv_read, blank_line_in_middle_skipped_but_counted)
{
	struct parsed p;

	parse_str("a\n\nb\n", &p);
	cr_assert_eq(p.nrec, 2);
	cr_assert_str_eq(p.f[1][0], "b");
	cr_assert_eq(p.line[1], 3);
	parsed_free(&p);
}

Test(csv_read, quoted_empty_line_is_a_record)
{
	struct parsed p;

	parse_str("\"\"\n", &p);
	cr_assert_eq(p.nrec, 1);
	cr_assert_eq(p.nf[0], 1);
	cr_assert_str_eq(p.f[0][0], "");
	parsed_free(&p);
}

Test(csv_read, empty_input_has_no_records)
{
	struct parsed p;

	parse("", 0, &p);
	cr_assert_eq(p.st, DASV_NOTFOUND);
	cr_assert_eq(p.nrec, 0);
	parse_str("\xef\xbb\xbf", &p);
	cr_assert_eq(p.st, DASV_NOTFOUND);
	cr_assert_eq(p.nrec, 0);
}

Test(csv_read, spaces_are_data)
{
	struct parsed p;

	parse_str(" a , b \n", &p);
	cr_assert_str_eq(p.f[0][0], " a ");
	cr_assert_str_eq(p.f[0][1], " b ");
	parsed_free(&p);
}

Test(csv_read, non_ascii_utf8_intact)
{
	struct parsed p;

	parse_str("Zoë,Łódź,\"محمد, علي\",王秀英\n", &p);
	cr_assert_eq(p.nf[0], 4);
	cr_assert_str_eq(p.f[0][0], "Zoë");
	cr_assert_str_eq(p.f[0][1], "Łódź");
	cr_assert_str_eq(p.f[0][2], "محمد, علي");
	cr_assert_str_eq(p.f[0][3], "王秀英");
	parsed_free(&p);
}

Test(csv_read, notfound_repeats_at_end)
{
	static const char in[] = "a";
	struct dasv_csv_reader *r = NULL;
	FILE *fp = open_input(in, 1);
	char **f;
	size_t n;

	cr_assert_eq(dasv_csv_reader_new(fp, &r), DASV_OK);
	cr_assert_eq(dasv_csv_line(r), 0);
	cr_assert_eq(dasv_csv_next(r, &f, &n, NULL, 0), DASV_OK);
	cr_assert_eq(dasv_csv_line(r), 1);
	cr_assert_eq(dasv_csv_next(r, &f, &n, NULL, 0), DASV_NOTFOUND);
	cr_assert_eq(dasv_csv_next(r, &f, &n, NULL, 0), DASV_NOTFOUND);
	dasv_csv_reader_free(&r);
	fclose(fp);
}

Test(csv_read, many_records_stream_across_buffer_refills)
{
	char *buf = NULL;
	size_t len = 0, i, nrec = 0, n;
	FILE *out = open_memstream(&buf, &len);
	struct dasv_csv_reader *r = NULL;
	char **f, err[128], want[32];
	FILE *in;

	for (i = 0; i < 20000; i++)
		fprintf(out, "%zu,\"x,\n%zu\"\r\n", i, i);
	fclose(out);
	in = open_input(buf, len);
	cr_assert_eq(dasv_csv_reader_new(in, &r), DASV_OK);
	while (dasv_csv_next(r, &f, &n, err, sizeof err) == DASV_OK) {
		snprintf(want, sizeof want, "x,\n%zu", nrec);
		cr_assert_eq(n, 2);
		cr_assert_str_eq(f[1], want);
		cr_assert_eq(dasv_csv_line(r), 2 * nrec + 1);
		nrec++;
	}
	cr_assert_eq(nrec, 20000);
	dasv_csv_reader_free(&r);
	fclose(in);
	free(buf);
}

/* ---- header ---- */

Test(csv_header, index_is_case_and_space_insensitive)
{
	char c0[] = "ID", c1[] = " Surname ", c2[] = "\tpostcode", c3[] = "surname";
	char *hdr[] = { c0, c1, c2, c3 };

	cr_assert_eq(dasv_csv_header_index(hdr, 4, "id"), 0);
	cr_assert_eq(dasv_csv_header_index(hdr, 4, "SURNAME"), 1);
	cr_assert_eq(dasv_csv_header_index(hdr, 4, " postcode "), 2);
	cr_assert_eq(dasv_csv_header_index(hdr, 4, "post"), -1);
	cr_assert_eq(dasv_csv_header_index(hdr, 4, "postcodes"), -1);
	cr_assert_eq(dasv_csv_header_index(hdr, 1, "surname"), -1);
	cr_assert_eq(dasv_csv_header_index(hdr, 4, ""), -1);
	cr_assert_eq(dasv_csv_header_index(hdr, 4, NULL), -1);
	cr_assert_eq(dasv_csv_header_index(NULL, 0, "id"), -1);
}

/* ---- writer ---- */

static char *
write_row(enum dasv_status (*wr)(FILE *, const char *, int),
	  const char *const *v, size_t n)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	for (i = 0; i < n; i++)
		cr_assert_eq(wr(fp, v[i], i + 1 == n), DASV_OK);
	fclose(fp);
	return buf;
}

Test(csv_write, write_error_is_io)
{
	FILE *fp = fopen("/dev/full", "w");

	cr_assert_not_null(fp);
	setvbuf(fp, NULL, _IONBF, 0);
	cr_assert_eq(dasv_csv_write_field(fp, "x", 1), DASV_IO);
	cr_assert_eq(dasv_csv_write_field(fp, "a\"b", 0), DASV_IO);
	fclose(fp);
}

Test(csv_write, quotes_only_when_needed)
{
	static const char *const v[] = {
		"plain", "a,b", "say \"hi\"", "cr\rx", "lf\nx", " lead",
		"trail ", "", "+44 7700 900123", "O'Brien", "Zoë",
	};
	char *s = write_row(dasv_csv_write_field, v, sizeof v / sizeof v[0]);

	cr_assert_str_eq(s, "plain,\"a,b\",\"say \"\"hi\"\"\",\"cr\rx\",\"lf\nx\","
			 "\" lead\",\"trail \",,+44 7700 900123,O'Brien,Zoë\r\n");
	free(s);
}

Test(csv_write, empty_last_field_is_quoted)
{
	static const char *const one[] = { "" };
	static const char *const two[] = { "a", "" };
	char *s;

	s = write_row(dasv_csv_write_field, one, 1);
	cr_assert_str_eq(s, "\"\"\r\n");
	free(s);
	s = write_row(dasv_csv_write_field, two, 2);
	cr_assert_str_eq(s, "a,\"\"\r\n");
	free(s);
}

Test(csv_write, safe_guards_formulas)
{
	static const char *const v[] = {
		"=HYPERLINK(\"http://x\")", "@SUM(A1)", "\tx", "\rx",
		"+cmd|' /C calc'!A0", "-2+3+cmd|x", "+A1", "-SUM(1)",
	};
	static const char *const want[] = {
		"'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'\tx", "'\rx",
		"'+cmd|' /C calc'!A0", "'-2+3+cmd|x", "'+A1", "'-SUM(1)",
	};
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *s = write_row(dasv_csv_write_field_safe, &v[i], 1);
		struct parsed p;

		parse_str(s, &p);
		cr_assert_eq(p.nrec, 1, "case %zu", i);
		cr_assert_str_eq(p.f[0][0], want[i], "case %zu", i);
		parsed_free(&p);
		free(s);
	}
}

Test(csv_write, safe_leaves_phone_and_negative_numbers_alone)
{
	static const char *const v[] = {
		"+44 7700 900123", "+44 (0)1223 456789", "-3.5", "-", "O'Brien",
		"plain", "",
	};
	char *s = write_row(dasv_csv_write_field_safe, v, sizeof v / sizeof v[0]);

	cr_assert_str_eq(s, "+44 7700 900123,+44 (0)1223 456789,-3.5,-,O'Brien,"
			 "plain,\"\"\r\n");
	free(s);
}

Test(csv_write, round_trip_awkward_values)
{
	static const char *const v[] = {
		"say \"hi\"", "a,b", "two\nlines", "crlf\r\nx", "lone\rcr",
		" leading", "trailing ", "+44 7700 900123", "O'Brien", "Zoë",
		"محمد علي", "王秀英", "\"", ",", "", "-1", "=1+1", "\t",
	};
	size_t nv = sizeof v / sizeof v[0], i, n;
	char *s = write_row(dasv_csv_write_field, v, nv);
	FILE *fp = open_input(s, strlen(s));
	struct dasv_csv_reader *r = NULL;
	char **f, err[128];

	cr_assert_eq(dasv_csv_reader_new(fp, &r), DASV_OK);
	cr_assert_eq(dasv_csv_next(r, &f, &n, err, sizeof err), DASV_OK, "%s", err);
	cr_assert_eq(n, nv);
	for (i = 0; i < nv; i++)
		cr_assert_str_eq(f[i], v[i], "field %zu", i);
	cr_assert_eq(dasv_csv_next(r, &f, &n, err, sizeof err), DASV_NOTFOUND);
	dasv_csv_reader_free(&r);
	fclose(fp);
	free(s);
}

Test(csv_write, leading_bom_in_value_survives_round_trip)
{
	static const char *const v[] = { "\xef\xbb\xbfname", "x" };
	char *s = write_row(dasv_csv_write_field, v, 2);
	struct parsed p;

	parse_str(s, &p);
	cr_assert_eq(p.nrec, 1);
	cr_assert_str_eq(p.f[0][0], v[0]);
	parsed_free(&p);
	free(s);
}

Test(csv_write, null_is_empty_field)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_eq(dasv_csv_write_field(fp, NULL, 0), DASV_OK);
	cr_assert_eq(dasv_csv_write_field_safe(fp, NULL, 1), DASV_OK);
	fclose(fp);
	cr_assert_str_eq(buf, ",\"\"\r\n");
	free(buf);
}
