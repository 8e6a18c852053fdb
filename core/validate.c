/*
 * validate.c - field validators for intake and import.
 *
 * Everything here reads untrusted bytes (a CSV from another agency, a
 * pasted note), so each scan is bounded by the string, decodes UTF-8
 * strictly, and reports positions rather than content.
 */
#include "validate.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "date.h"

#define NAME_MAX_BYTES 100
#define PHONE_MAX_BYTES 32
#define EMAIL_MAX_BYTES 254

static const char *
fname(const char *field)
{
	return field && *field ? field : "value";
}

/*
 * Decode one code point at s[*i], strictly (RFC 3629): no overlong forms,
 * no surrogates, nothing above U+10FFFF.  Advances *i; -1 on a bad sequence.
 */
static int
utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char c = s[*i];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, k;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return 0;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return -1;
	}
	if (len - *i <= n)
		return -1;
	for (k = 1; k <= n; k++) {
		unsigned char b = s[*i + k];

		if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
			return -1;
		v = (v << 6) | (b & 0x3f);
	}
	*cp = v;
	*i += n + 1;
	return 0;
}

int
dasv_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	uint32_t cp;

	if (!s)
		return len == 0;
	while (i < len)
		if (utf8_next((const unsigned char *)s, len, &i, &cp) < 0)
			return 0;
	return 1;
}

static int
is_control(uint32_t cp, int multiline)
{
	if (multiline && (cp == '\n' || cp == '\t'))
		return 0;
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_blank(const char *s)
{
	for (; *s; s++)
		if (!is_space(*s))
			return 0;
	return 1;
}

/* Shared text checks; on success *len is strlen(s). */
static enum dasv_status
check_text(const char *field, const char *s, size_t maxlen, int required,
	   int multiline, size_t *len, char *err, size_t errsz)
{
	size_t n, i = 0;
	uint32_t cp;

	n = strlen(s);
	*len = n;
	if (n > maxlen)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: is %zu bytes, longer than %zu", fname(field),
				 n, maxlen);
	while (i < n) {
		size_t at = i;

		if (utf8_next((const unsigned char *)s, n, &i, &cp) < 0)
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: is not valid UTF-8 (byte %zu)",
					 fname(field), at + 1);
		if (is_control(cp, multiline))
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: has a control character (byte %zu)",
					 fname(field), at + 1);
	}
	if (is_blank(s) && (required || n > 0))
		return dasv_fail(err, errsz, DASV_INVALID, n == 0 ? "%s: is required" :
				 required ? "%s: is required (only spaces given)" :
				 "%s: is only spaces", fname(field));
	return DASV_OK;
}

enum dasv_status
dasv_validate_text(const char *field, const char *s, size_t maxlen,
		   int required, char *err, size_t errsz)
{
	size_t len;

	return check_text(field, s ? s : "", maxlen, required, 0, &len, err, errsz);
}

enum dasv_status
dasv_validate_multiline(const char *field, const char *s, size_t maxlen,
			int required, char *err, size_t errsz)
{
	size_t len;

	return check_text(field, s ? s : "", maxlen, required, 1, &len, err, errsz);
}

static int
is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

enum dasv_status
dasv_validate_name(const char *field, const char *s, int required, char *err,
		   size_t errsz)
{
	enum dasv_status st;
	size_t len, i = 0;
	int letters = 0;
	uint32_t cp;

	if (!s)
		s = "";
	st = check_text(field, s, NAME_MAX_BYTES, required, 0, &len, err, errsz);
	if (st != DASV_OK || len == 0)
		return st;
	while (i < len) {
		size_t at = i;

		utf8_next((const unsigned char *)s, len, &i, &cp);
		if (cp >= 0x80) {
			/* Non-ASCII: a letter of some script, or U+2019 apostrophe. */
			letters += cp != 0x2019;
		} else if (is_alpha((int)cp)) {
			letters++;
		} else if (cp != ' ' && cp != '\'' && cp != '-' && cp != '.') {
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: '%c' at byte %zu is not allowed in a name "
					 "(letters, spaces, apostrophes, hyphens, full stops)",
					 fname(field), (char)cp, at + 1);
		}
	}
	if (letters == 0)
		return dasv_fail(err, errsz, DASV_INVALID, "%s: has no letters",
				 fname(field));
	return DASV_OK;
}

enum dasv_status
dasv_validate_phone(const char *field, const char *s, int required, char *err,
		    size_t errsz)
{
	size_t len, i;
	int ndigits = 0, seen = 0;

	if (!s)
		s = "";
	len = strlen(s);
	if (is_blank(s)) {
		if (required || len > 0)
			return dasv_fail(err, errsz, DASV_INVALID, len == 0 ?
					 "%s: is required" : "%s: is only spaces",
					 fname(field));
		return DASV_OK;
	}
	if (len > PHONE_MAX_BYTES)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: is %zu bytes, longer than %d", fname(field),
				 len, PHONE_MAX_BYTES);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_digit(c)) {
			ndigits++;
		} else if (c == '+' && !seen) {
			/* + only as the international prefix. */
		} else if (c != ' ' && c != '(' && c != ')' && c != '-') {
			if (c > 0x20 && c < 0x7f)
				return dasv_fail(err, errsz, DASV_INVALID,
						 "%s: '%c' at byte %zu is not allowed "
						 "(digits, spaces, brackets, hyphens, leading +)",
						 fname(field), c, i + 1);
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: byte %zu is not allowed "
					 "(digits, spaces, brackets, hyphens, leading +)",
					 fname(field), i + 1);
		}
		if (c != ' ')
			seen = 1;
	}
	if (ndigits < 7 || ndigits > 15)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: has %d digits, expected 7 to 15", fname(field),
				 ndigits);
	return DASV_OK;
}

/* Upper-cased postcode without spaces in out[0..8); -1 if it cannot be one. */
static int
postcode_squash(const char *s, char out[8])
{
	size_t n = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!is_alpha(c) && !is_digit(c))
			return -1;
		if (n == 7)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static int
postcode_shape_ok(const char *pc)
{
	static const char *const outward[] = {
		"A9", "A99", "AA9", "AA99", "A9A", "AA9A",
	};
	char shape[8];
	size_t n = strlen(pc), i;

	if (strcmp(pc, "GIR0AA") == 0)
		return 1;
	if (n < 5 || n > 7)
		return 0;
	for (i = 0; i < n; i++)
		shape[i] = is_digit(pc[i]) ? '9' : 'A';
	shape[n] = '\0';
	if (strcmp(shape + n - 3, "9AA") != 0)
		return 0;
	shape[n - 3] = '\0';
	for (i = 0; i < sizeof(outward) / sizeof(outward[0]); i++)
		if (strcmp(shape, outward[i]) == 0)
			return 1;
	return 0;
}

enum dasv_status
dasv_validate_postcode_normalise(const char *s, char out[9])
{
	char pc[8];
	size_t n;

	if (!s || postcode_squash(s, pc) < 0 || !postcode_shape_ok(pc))
		return DASV_INVALID;
	n = strlen(pc);
	memcpy(out, pc, n - 3);
	out[n - 3] = ' ';
	memcpy(out + n - 2, pc + n - 3, 4);
	return DASV_OK;
}

enum dasv_status
dasv_validate_postcode(const char *field, const char *s, int required,
		       char *err, size_t errsz)
{
	char out[9];

	if (!s)
		s = "";
	if (is_blank(s)) {
		if (required || *s)
			return dasv_fail(err, errsz, DASV_INVALID, *s == '\0' ?
					 "%s: is required" : "%s: is only spaces",
					 fname(field));
		return DASV_OK;
	}
	if (dasv_validate_postcode_normalise(s, out) != DASV_OK)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: is not a UK postcode (like CB1 2AB)",
				 fname(field));
	return DASV_OK;
}

static int
is_atext(int c)
{
	return is_alpha(c) || is_digit(c) || (c != 0 && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

/* Trim surrounding ASCII spaces: *start and *len of the rest. */
static void
trim(const char *s, const char **start, size_t *len)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*start = s;
	*len = n;
}

enum dasv_status
dasv_validate_email(const char *field, const char *s, int required,
		    char *err, size_t errsz)
{
	const char *p, *at = NULL, *dom, *label;
	size_t len, i, local_len, dom_len;
	int labels = 0, last_alpha = 0;

	if (!s)
		s = "";
	trim(s, &p, &len);
	if (len == 0) {
		if (required)
			return dasv_fail(err, errsz, DASV_INVALID, "%s: is required",
					 fname(field));
		return DASV_OK;
	}
	if (len > EMAIL_MAX_BYTES)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: is %zu bytes, longer than %d", fname(field), len,
				 EMAIL_MAX_BYTES);
	for (i = 0; i < len; i++) {
		if (p[i] == '@') {
			if (at)
				return dasv_fail(err, errsz, DASV_INVALID,
						 "%s: has more than one @", fname(field));
			at = p + i;
		}
	}
	if (!at)
		return dasv_fail(err, errsz, DASV_INVALID, "%s: has no @",
				 fname(field));
	local_len = (size_t)(at - p);
	if (local_len == 0 || local_len > 64)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: the part before @ must be 1 to 64 characters",
				 fname(field));
	for (i = 0; i < local_len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '.') {
			if (i == 0 || i + 1 == local_len || p[i + 1] == '.')
				return dasv_fail(err, errsz, DASV_INVALID,
						 "%s: a dot before @ cannot be first, last or doubled",
						 fname(field));
		} else if (!is_atext(c)) {
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: byte %zu is not allowed before @",
					 fname(field), i + 1);
		}
	}
	dom = at + 1;
	dom_len = len - local_len - 1;
	label = dom;
	for (i = 0; i <= dom_len; i++) {
		size_t llen;

		if (i < dom_len && dom[i] != '.') {
			unsigned char c = (unsigned char)dom[i];

			if (!is_alpha(c) && !is_digit(c) && c != '-')
				return dasv_fail(err, errsz, DASV_INVALID,
						 "%s: byte %zu is not allowed after @",
						 fname(field), local_len + 1 + i + 1);
			continue;
		}
		llen = (size_t)(dom + i - label);
		if (llen == 0 || llen > 63 || label[0] == '-' || label[llen - 1] == '-')
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: the domain after @ is not well formed",
					 fname(field));
		labels++;
		last_alpha = llen >= 2;
		for (size_t k = 0; k < llen; k++)
			if (!is_alpha((unsigned char)label[k]))
				last_alpha = 0;
		label = dom + i + 1;
	}
	if (labels < 2 || !last_alpha)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: the domain after @ needs a dot and a top-level name (like example.org)",
				 fname(field));
	return DASV_OK;
}

enum dasv_status
dasv_validate_int(const char *field, const char *s, long min, long max,
		  long *out, char *err, size_t errsz)
{
	const char *p;
	size_t len, i = 0;
	int neg = 0;
	/* Accumulate as a negative number: LONG_MIN has no positive twin. */
	long v = 0;

	if (!s)
		s = "";
	trim(s, &p, &len);
	if (len == 0)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: is empty, expected a whole number", fname(field));
	if (p[0] == '+' || p[0] == '-') {
		neg = p[0] == '-';
		i = 1;
	}
	if (i == len)
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%s: is not a whole number", fname(field));
	for (; i < len; i++) {
		int d;

		if (!is_digit((unsigned char)p[i]))
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: is not a whole number", fname(field));
		d = p[i] - '0';
		if (v < (LONG_MIN + d) / 10)
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: is not %ld to %ld", fname(field), min, max);
		v = v * 10 - d;
	}
	if (!neg) {
		if (v == LONG_MIN)
			return dasv_fail(err, errsz, DASV_INVALID,
					 "%s: is not %ld to %ld", fname(field), min, max);
		v = -v;
	}
	if (v < min || v > max)
		return dasv_fail(err, errsz, DASV_INVALID, "%s: %ld is not %ld to %ld",
				 fname(field), v, min, max);
	if (out)
		*out = v;
	return DASV_OK;
}

enum dasv_status
dasv_validate_date(const char *field, const char *s, int required,
		   int32_t not_after, int32_t *out, char *err, size_t errsz)
{
	const char *p;
	char buf[11], why[64];
	size_t len;
	int32_t d;

	if (!s)
		s = "";
	trim(s, &p, &len);
	if (len == 0) {
		if (required)
			return dasv_fail(err, errsz, DASV_INVALID, "%s: is required",
					 fname(field));
		if (out)
			*out = DASV_DATE_NONE;
		return DASV_OK;
	}
	if (len > 10)
		return dasv_fail(err, errsz, DASV_INVALID, "%s: expected YYYY-MM-DD",
				 fname(field));
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (dasv_date_parse(buf, &d, why, sizeof(why)) != DASV_OK)
		return dasv_fail(err, errsz, DASV_INVALID, "%s: %s", fname(field), why);
	if (d > not_after)
		return dasv_fail(err, errsz, DASV_INVALID, "%s: %s is in the future",
				 fname(field), buf);
	if (out)
		*out = d;
	return DASV_OK;
}
