/*
 * text.c - sanitising and measuring untrusted text for display.
 *
 * The decoder is our own strict one rather than mbrtowc(): stored data is
 * UTF-8 whatever the user's locale, and mbrtowc() would decode in the
 * locale's charset.  wcwidth() is still the authority on columns, since it is
 * what ncursesw and the terminal use.  This relies on wchar_t holding Unicode
 * code points (__STDC_ISO_10646__, true of glibc and musl).
 */
#include "text.h"

#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#if !defined(__STDC_ISO_10646__)
#error "wchar_t must hold Unicode code points"
#endif

/* One displayed unit: a character or the placeholder standing for it. */
struct text_unit {
	char s[4];
	size_t len;
	int width;
};

bool
dasv_text_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0);
}

size_t
dasv_text_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (len == 0) {
		*cp = 0;
		return 0;
	}
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* 0x80-0xc1: stray continuation or a lead byte only overlongs use */
	if (c < 0xc2 || c > 0xf4) {
		*cp = DASV_TEXT_REPLACEMENT;
		return 1;
	}
	if (c < 0xe0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c < 0xf0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	}
	for (i = 1; i < n; i++) {
		/* a truncated sequence is one replacement; the byte that broke it
		 * starts the next character, so ASCII after it is kept */
		if (i >= len || (p[i] & 0xc0) != 0x80) {
			*cp = DASV_TEXT_REPLACEMENT;
			return i;
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = DASV_TEXT_REPLACEMENT;
	*cp = c;
	return n;
}

size_t
dasv_text_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

/* Characters that change how the terminal lays out or orders text. */
static bool
text_is_format_control(uint32_t cp)
{
	return cp == 0x061c ||			/* Arabic letter mark */
	    (cp >= 0x200e && cp <= 0x200f) ||	/* LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, embeddings, overrides */
	    (cp >= 0x2066 && cp <= 0x2069);	/* isolates */
}

bool
dasv_text_cp_allowed(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return false;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return false;
	if (cp > 0x10ffff)
		return false;
	return !text_is_format_control(cp);
}

int
dasv_text_cp_width(uint32_t cp)
{
	int w;

	if (!dasv_text_cp_allowed(cp))
		return -1;
	if (!dasv_text_locale_utf8())
		return cp < 0x7f ? 1 : -1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? -1 : w;
}

/* How cp is shown.  display=false gives the locale-free sanitised form. */
static void
text_unit(uint32_t cp, bool display, bool utf8, struct text_unit *u)
{
	int w;

	u->width = 1;
	if (cp == '\t') {
		u->s[0] = ' ';
		u->len = 1;
		return;
	}
	if (cp < 0x20 || cp == 0x7f) {
		/* caret notation, as cat -v: visible, ASCII and unambiguous */
		u->s[0] = '^';
		u->s[1] = cp == 0x7f ? '?' : (char)(cp + 0x40);
		u->len = 2;
		u->width = 2;
		return;
	}
	if (!dasv_text_cp_allowed(cp))
		cp = DASV_TEXT_REPLACEMENT;
	if (display && !utf8) {
		u->s[0] = cp < 0x7f ? (char)cp : '?';
		u->len = 1;
		return;
	}
	if (display) {
		w = wcwidth((wchar_t)cp);
		if (w < 0) {
			cp = DASV_TEXT_REPLACEMENT;
			w = 1;
		}
		u->width = w;
	}
	u->len = dasv_text_utf8_encode(cp, u->s);
}

size_t
dasv_text_sanitize(const char *in, char *out, size_t outsz)
{
	struct text_unit u;
	size_t len, i, n, o = 0;
	uint32_t cp;

	if (!out || outsz == 0)
		return 0;
	if (!in)
		in = "";
	len = strlen(in);
	for (i = 0; i < len; i += n) {
		n = dasv_text_utf8_decode(in + i, len - i, &cp);
		text_unit(cp, false, true, &u);
		if (o + u.len >= outsz)
			break;
		memcpy(out + o, u.s, u.len);
		o += u.len;
	}
	out[o] = '\0';
	return o;
}

size_t
dasv_text_width(const char *utf8)
{
	struct text_unit u;
	size_t len, i, n, w = 0;
	uint32_t cp;
	bool loc8 = dasv_text_locale_utf8();

	if (!utf8)
		return 0;
	len = strlen(utf8);
	for (i = 0; i < len; i += n) {
		n = dasv_text_utf8_decode(utf8 + i, len - i, &cp);
		text_unit(cp, true, loc8, &u);
		w += (size_t)u.width;
	}
	return w;
}

int
dasv_text_fit(const char *in, int cols, char *out, size_t outsz)
{
	struct text_unit u;
	size_t len, i, n, o = 0;
	uint32_t cp;
	bool loc8 = dasv_text_locale_utf8();
	const char *ell = loc8 ? "\xe2\x80\xa6" : "~";
	size_t ell_len = strlen(ell);
	int w = 0, limit;

	if (!out || outsz == 0)
		return 0;
	out[0] = '\0';
	if (!in || cols <= 0)
		return 0;
	/* whole string fits: no ellipsis, the full width is usable */
	limit = (size_t)cols >= dasv_text_width(in) ? cols : cols - 1;
	len = strlen(in);
	for (i = 0; i < len; i += n) {
		n = dasv_text_utf8_decode(in + i, len - i, &cp);
		text_unit(cp, true, loc8, &u);
		if (w + u.width > limit)
			break;
		/* keep room for the ellipsis in the buffer too */
		if (o + u.len + (limit < cols ? ell_len : 0) >= outsz) {
			limit = -1;	/* buffer full: mark as cut */
			break;
		}
		memcpy(out + o, u.s, u.len);
		o += u.len;
		w += u.width;
	}
	if ((i < len || limit < 0) && o + ell_len < outsz && w < cols) {
		memcpy(out + o, ell, ell_len);
		o += ell_len;
		w++;
	}
	out[o] = '\0';
	return w;
}
