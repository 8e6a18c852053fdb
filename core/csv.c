/*
 * csv.c - RFC 4180 reader and writer.
 *
 * Owns: the reader's read-ahead buffer, the current record's bytes and the
 * pointer array handed to the caller.  All of it may be personal data, so a
 * buffer is wiped before it is released (on growth and on free), and no error
 * message ever quotes input: only line, column, column name and reason.
 * Never prints, never exits.
 */
#include "csv.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define IN_SIZE 65536
#define BUF_INITIAL 4096
/* Largest record: every field full, plus its NUL. */
#define BUF_LIMIT ((size_t)DASV_CSV_MAX_FIELDS * (DASV_CSV_MAX_FIELD + 1))

#define R_NUL "NUL byte"
#define R_BARE_CR "carriage return not followed by line feed"

struct dasv_csv_reader {
	FILE *fp;			/* borrowed */
	const char *const *names;	/* borrowed, for messages only */
	size_t nnames;

	size_t line;			/* physical line of the next byte */
	size_t rec_line;		/* where the last returned record began */
	enum dasv_status failed;	/* DASV_OK while usable */
	int started;			/* BOM check done */
	int eof;
	int ioerr;
	int done;			/* NOTFOUND from now on */

	/* the record: fields back to back, each NUL-terminated */
	char *buf;
	size_t used;
	size_t cap;
	size_t off[DASV_CSV_MAX_FIELDS];
	char *ptrs[DASV_CSV_MAX_FIELDS + 1];

	char errmsg[160];		/* never holds input bytes */

	size_t pos;
	size_t len;
	unsigned char in[IN_SIZE];
};

enum dasv_status
dasv_csv_reader_new(FILE *fp, struct dasv_csv_reader **out)
{
	struct dasv_csv_reader *r;

	if (!out)
		return DASV_INVALID;
	*out = NULL;
	if (!fp)
		return DASV_INVALID;
	r = calloc(1, sizeof *r);
	if (!r)
		return DASV_NOMEM;
	r->buf = malloc(BUF_INITIAL);
	if (!r->buf) {
		free(r);
		return DASV_NOMEM;
	}
	r->cap = BUF_INITIAL;
	r->fp = fp;
	r->line = 1;
	r->failed = DASV_OK;
	*out = r;
	return DASV_OK;
}

void
dasv_csv_reader_free(struct dasv_csv_reader **rp)
{
	struct dasv_csv_reader *r;

	if (!rp || !*rp)
		return;
	r = *rp;
	if (r->buf) {
		explicit_bzero(r->buf, r->cap);
		free(r->buf);
	}
	/* the read-ahead buffer and pointers held input too */
	explicit_bzero(r, sizeof *r);
	free(r);
	*rp = NULL;
}

void
dasv_csv_reader_set_names(struct dasv_csv_reader *r,
			  const char *const *names, size_t n)
{
	if (!r)
		return;
	r->names = names;
	r->nnames = names ? n : 0;
}

size_t
dasv_csv_line(const struct dasv_csv_reader *r)
{
	return r ? r->rec_line : 0;
}

/*
 * Record a failure and make the reader spent.  col 0 means "no column".
 * `reason` is always one of our literals: input never reaches a message.
 */
static enum dasv_status
rd_fail(struct dasv_csv_reader *r, enum dasv_status st, size_t line,
	size_t col, const char *reason, char *err, size_t errsz)
{
	const char *name = NULL;

	if (col && col <= r->nnames && r->names[col - 1])
		name = r->names[col - 1];
	if (st == DASV_NOMEM)
		snprintf(r->errmsg, sizeof r->errmsg, "%s", reason);
	else if (!col)
		snprintf(r->errmsg, sizeof r->errmsg, "line %zu: %s", line,
			 reason);
	else if (name)
		snprintf(r->errmsg, sizeof r->errmsg,
			 "line %zu, column %zu (%s): %s", line, col, name,
			 reason);
	else
		snprintf(r->errmsg, sizeof r->errmsg, "line %zu, column %zu: %s",
			 line, col, reason);
	r->failed = st;
	return dasv_fail(err, errsz, st, "%s", r->errmsg);
}

static int
rd_getc(struct dasv_csv_reader *r)
{
	size_t got;

	if (r->pos == r->len) {
		if (r->eof)
			return EOF;
		got = fread(r->in, 1, sizeof r->in, r->fp);
		r->pos = 0;
		r->len = got;
		if (got == 0) {
			r->eof = 1;
			r->ioerr = ferror(r->fp) != 0;
			return EOF;
		}
	}
	return r->in[r->pos++];
}

/* Fill at least three bytes (or to EOF) so a BOM can be seen whole even on a
 * pipe that delivers one byte at a time. */
static void
rd_skip_bom(struct dasv_csv_reader *r)
{
	size_t got;

	while (r->len < 3 && !r->eof) {
		got = fread(r->in + r->len, 1, sizeof r->in - r->len, r->fp);
		if (got == 0) {
			r->eof = 1;
			r->ioerr = ferror(r->fp) != 0;
		}
		r->len += got;
	}
	if (r->len >= 3 && memcmp(r->in, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;
}

/* Grow by copying, not realloc, so the old block can be wiped first. */
static int
rd_grow(struct dasv_csv_reader *r)
{
	size_t ncap;
	char *nbuf;

	if (r->cap >= BUF_LIMIT)
		return -1;
	ncap = r->cap * 2;
	if (ncap > BUF_LIMIT)
		ncap = BUF_LIMIT;
	nbuf = malloc(ncap);
	if (!nbuf)
		return -1;
	memcpy(nbuf, r->buf, r->used);
	explicit_bzero(r->buf, r->cap);
	free(r->buf);
	r->buf = nbuf;
	r->cap = ncap;
	return 0;
}

static inline int
rd_push(struct dasv_csv_reader *r, int c)
{
	if (r->used == r->cap && rd_grow(r) != 0)
		return -1;
	r->buf[r->used++] = (char)c;
	return 0;
}

enum dasv_status
dasv_csv_next(struct dasv_csv_reader *r, char ***fields, size_t *n, char *err,
	      size_t errsz)
{
	size_t nf = 0, col = 0, flen, qline, i;
	int c;

	if (!r || !fields || !n)
		return dasv_fail(err, errsz, DASV_INVALID, "csv: missing argument");
	*fields = NULL;
	*n = 0;
	if (r->failed != DASV_OK)
		return dasv_fail(err, errsz, r->failed, "%s", r->errmsg);
	if (r->done)
		return DASV_NOTFOUND;
	if (!r->started) {
		r->started = 1;
		rd_skip_bom(r);
	}

	/* Blank lines are not records (see csv.h). */
	for (;;) {
		c = rd_getc(r);
		if (c == '\n') {
			r->line++;
			continue;
		}
		if (c != '\r')
			break;
		if (rd_getc(r) != '\n')
			goto bare_cr;
		r->line++;
	}
	if (c == EOF)
		goto at_eof;

	r->rec_line = r->line;
	r->used = 0;
	/* One field per pass; c holds its first byte. */
	for (;;) {
		col = nf + 1;
		if (nf == DASV_CSV_MAX_FIELDS)
			return rd_fail(r, DASV_INVALID, r->line, col,
				       "more than 256 fields", err, errsz);
		r->off[nf] = r->used;
		flen = 0;
		if (c == '"') {
			qline = r->line;
			for (;;) {
				c = rd_getc(r);
				if (c == '"') {
					c = rd_getc(r);
					if (c != '"')
						break;
				} else if (c == EOF) {
					if (r->ioerr)
						goto io;
					return rd_fail(r, DASV_INVALID, qline,
						       col,
						       "unterminated quoted field",
						       err, errsz);
				} else if (c == '\0') {
					goto nul;
				} else if (c == '\n') {
					r->line++;
				}
				if (flen == DASV_CSV_MAX_FIELD)
					goto too_long;
				if (rd_push(r, c) != 0)
					goto nomem;
				flen++;
			}
			/* c is the byte after the closing quote */
			if (c == '\0')
				goto nul;
			if (c != ',' && c != '\n' && c != '\r' && c != EOF)
				return rd_fail(r, DASV_INVALID, r->line, col,
					       "text after closing quote", err,
					       errsz);
		} else {
			while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
				if (c == '"')
					return rd_fail(r, DASV_INVALID, r->line,
						       col,
						       "quote inside unquoted field",
						       err, errsz);
				if (c == '\0')
					goto nul;
				if (flen == DASV_CSV_MAX_FIELD)
					goto too_long;
				if (rd_push(r, c) != 0)
					goto nomem;
				flen++;
				c = rd_getc(r);
			}
		}
		if (rd_push(r, '\0') != 0)
			goto nomem;
		nf++;
		if (c == ',') {
			c = rd_getc(r);
			continue;
		}
		if (c == '\r' && rd_getc(r) != '\n')
			goto bare_cr;
		if (c == EOF) {
			if (r->ioerr)
				goto io;
			r->done = 1;
		} else {
			r->line++;
		}
		break;
	}

	/* Pointers last: the buffer may have moved while the record grew. */
	for (i = 0; i < nf; i++)
		r->ptrs[i] = r->buf + r->off[i];
	r->ptrs[nf] = NULL;
	*fields = r->ptrs;
	*n = nf;
	return DASV_OK;

at_eof:
	if (r->ioerr)
		goto io;
	r->done = 1;
	return DASV_NOTFOUND;
bare_cr:
	if (r->ioerr)
		goto io;
	return rd_fail(r, DASV_INVALID, r->line, col ? col : 1, R_BARE_CR, err,
		       errsz);
nul:
	return rd_fail(r, DASV_INVALID, r->line, col, R_NUL, err, errsz);
too_long:
	return rd_fail(r, DASV_INVALID, r->line, col,
		       "field longer than 65536 bytes", err, errsz);
nomem:
	return rd_fail(r, DASV_NOMEM, r->line, col, "out of memory", err,
		       errsz);
io:
	return rd_fail(r, DASV_IO, r->line, 0, "read error", err, errsz);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Trim spaces and tabs: *s moves to the first kept byte, returns length. */
static size_t
trimmed(const char **s)
{
	const char *p = *s;
	size_t len;

	while (is_space(*p))
		p++;
	len = strlen(p);
	while (len && is_space(p[len - 1]))
		len--;
	*s = p;
	return len;
}

int
dasv_csv_header_index(char *const *header, size_t n, const char *name)
{
	const char *want = name, *cell;
	size_t wlen, clen, i, j;

	if (!header || !name)
		return -1;
	wlen = trimmed(&want);
	if (wlen == 0)
		return -1;
	for (i = 0; i < n && i <= INT_MAX; i++) {
		if (!header[i])
			continue;
		cell = header[i];
		clen = trimmed(&cell);
		if (clen != wlen)
			continue;
		for (j = 0; j < wlen; j++)
			if (ascii_lower((unsigned char)cell[j]) !=
			    ascii_lower((unsigned char)want[j]))
				break;
		if (j == wlen)
			return (int)i;
	}
	return -1;
}

/*
 * Write prefix then s as one field.  The prefix (the formula guard's
 * apostrophe, or "") counts as part of the value when deciding on quotes.
 */
static enum dasv_status
write_field(FILE *fp, const char *prefix, const char *s, int last)
{
	size_t plen, slen, seg;
	const char *p, *q;
	char first, final;
	int quote;

	if (!fp)
		return DASV_INVALID;
	if (!s)
		s = "";
	plen = strlen(prefix);
	slen = strlen(s);
	first = plen ? prefix[0] : s[0];
	final = slen ? s[slen - 1] : (plen ? prefix[plen - 1] : '\0');
	quote = strcspn(s, ",\"\r\n") != slen ||
		strcspn(prefix, ",\"\r\n") != plen ||
		is_space(first) || is_space(final) ||
		/* at the start of a file a reader would skip it as a BOM */
		strncmp(plen ? prefix : s, "\xef\xbb\xbf", 3) == 0 ||
		/* else a one-field empty record would be a skipped blank line */
		(last && plen + slen == 0);

	if (quote && fputc('"', fp) == EOF)
		return DASV_IO;
	if (plen && fwrite(prefix, 1, plen, fp) != plen)
		return DASV_IO;
	if (!quote) {
		if (slen && fwrite(s, 1, slen, fp) != slen)
			return DASV_IO;
	} else {
		for (p = s; *p; p = q + 1) {
			q = strchr(p, '"');
			seg = q ? (size_t)(q - p) : strlen(p);
			if (seg && fwrite(p, 1, seg, fp) != seg)
				return DASV_IO;
			if (!q)
				break;
			if (fputs("\"\"", fp) == EOF)
				return DASV_IO;
		}
		if (fputc('"', fp) == EOF)
			return DASV_IO;
	}
	if (fputs(last ? "\r\n" : ",", fp) == EOF)
		return DASV_IO;
	return DASV_OK;
}

enum dasv_status
dasv_csv_write_field(FILE *fp, const char *s, int last)
{
	return write_field(fp, "", s, last);
}

/*
 * Would a spreadsheet run this as a formula?  '+' and '-' are let through
 * when followed only by digits, spaces and ". ( ) + -": phone numbers and
 * negative numbers must survive exactly, and without letters (function
 * names, cell references), '|' (DDE) or '!' (sheet references) the worst a
 * spreadsheet can do is arithmetic on display.
 */
static int
formula_risk(const char *s)
{
	const char *p;

	switch (s[0]) {
	case '=':
	case '@':
	case '\t':
	case '\r':
		return 1;
	case '+':
	case '-':
		for (p = s + 1; *p; p++)
			if (!(*p >= '0' && *p <= '9') && !strchr(" .()+-", *p))
				return 1;
		return 0;
	default:
		return 0;
	}
}

enum dasv_status
dasv_csv_write_field_safe(FILE *fp, const char *s, int last)
{
	if (!s)
		s = "";
	return write_field(fp, formula_risk(s) ? "'" : "", s, last);
}
