/*
 * test_text.c - sanitising and measuring untrusted text: hostile input first
 * (escape sequences, C1, invalid UTF-8), then widths and fitting.
 */
#include <criterion/criterion.h>

#include <locale.h>
#include <string.h>

#include "text.h"

static void
utf8_locale(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"), "C.UTF-8 locale missing");
}

/* No byte below 0x20, no DEL, no C1 byte in the UTF-8 output. */
static void
assert_no_controls(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		cr_assert(*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in output", *p);
	/* C1 controls encode as c2 80..c2 9f */
	for (p = (const unsigned char *)s; *p; p++)
		cr_assert(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f), "C1 in output");
}

static const char *
san(const char *in)
{
	static char buf[256];

	dasv_text_sanitize(in, buf, sizeof(buf));
	assert_no_controls(buf);
	return buf;
}

Test(text_sanitize, csi_clear_screen)
{
	cr_assert_str_eq(san("\033[2J"), "^[[2J");
}

Test(text_sanitize, osc_title_with_bel)
{
	cr_assert_str_eq(san("\033]0;x\a"), "^[]0;x^G");
}

Test(text_sanitize, other_c0_and_del)
{
	cr_assert_str_eq(san("a\rb\nc\bd\x7f" "e\x01"), "a^Mb^Jc^Hd^?e^A");
	cr_assert_str_eq(san("tab\there"), "tab here");
}

Test(text_sanitize, raw_c1_byte_is_invalid_utf8)
{
	/* 0x9b alone is the 8-bit CSI on some terminals */
	cr_assert_str_eq(san("\x9b" "2J"), "\xef\xbf\xbd" "2J");
}

Test(text_sanitize, encoded_c1_is_replaced)
{
	/* U+009B correctly encoded is still a control */
	cr_assert_str_eq(san("\xc2\x9b" "2J"), "\xef\xbf\xbd" "2J");
}

Test(text_sanitize, overlong_forms)
{
	/* overlong "/" and overlong NUL must not decode to ASCII */
	cr_assert_str_eq(san("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
	cr_assert_str_eq(san("\xe0\x80\xaf"), "\xef\xbf\xbd");
	cr_assert_str_eq(san("\xc0\x80"), "\xef\xbf\xbd\xef\xbf\xbd");
	/* overlong ESC */
	cr_assert_str_eq(san("\xc0\x9b"), "\xef\xbf\xbd\xef\xbf\xbd");
}

Test(text_sanitize, surrogates_and_out_of_range)
{
	cr_assert_str_eq(san("\xed\xa0\x80"), "\xef\xbf\xbd");
	cr_assert_str_eq(san("\xf4\x90\x80\x80"), "\xef\xbf\xbd");
	cr_assert_str_eq(san("\xff\xfe"), "\xef\xbf\xbd\xef\xbf\xbd");
}

Test(text_sanitize, truncated_sequence_keeps_following_ascii)
{
	cr_assert_str_eq(san("caf\xc3"), "caf\xef\xbf\xbd");
	cr_assert_str_eq(san("\xe6\x97" "A"), "\xef\xbf\xbd" "A");
}

Test(text_sanitize, bidi_override_replaced)
{
	cr_assert_str_eq(san("a\xe2\x80\xae" "b"), "a\xef\xbf\xbd" "b");
	cr_assert_str_eq(san("\xe2\x81\xa6x"), "\xef\xbf\xbdx");
}

Test(text_sanitize, valid_text_unchanged)
{
	const char *s = "Zo\xc3\xab \xc5\x81ukasz \xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0 "
	    "\xe7\x8e\x8b\xe8\x8a\xb3 \xd9\x85\xd8\xb1\xd9\x8a\xd9\x85 \xf0\x9f\x98\x80";

	cr_assert_str_eq(san(s), s);
}

Test(text_sanitize, null_input_and_tiny_buffer)
{
	char buf[4] = "xxx";

	cr_assert_eq(dasv_text_sanitize(NULL, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(dasv_text_sanitize("abc", buf, 0), 0);
	cr_assert_eq(dasv_text_sanitize("abc", buf, 1), 0);
	cr_assert_str_eq(buf, "");
}

Test(text_sanitize, buffer_cut_never_splits_a_character)
{
	char buf[6];

	/* "é" is 2 bytes: "aé" + "é" would need 5+1; only whole chars fit */
	cr_assert_eq(dasv_text_sanitize("a\xc3\xa9\xc3\xa9\xc3\xa9", buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "a\xc3\xa9\xc3\xa9");
	cr_assert_eq(dasv_text_sanitize("ab\xe7\x8e\x8b", buf, 5), 2);
	cr_assert_str_eq(buf, "ab");
	/* a placeholder is never split either */
	cr_assert_eq(dasv_text_sanitize("abc\033", buf, 5), 3);
	cr_assert_str_eq(buf, "abc");
}

Test(text_width, ascii_controls_and_invalid, .init = utf8_locale)
{
	cr_assert_eq(dasv_text_width(""), 0);
	cr_assert_eq(dasv_text_width(NULL), 0);
	cr_assert_eq(dasv_text_width("abc"), 3);
	cr_assert_eq(dasv_text_width("\033[2J"), 5);	/* ^[[2J */
	cr_assert_eq(dasv_text_width("\xff"), 1);
}

Test(text_width, wide_cjk_and_combining, .init = utf8_locale)
{
	cr_assert_eq(dasv_text_width("\xe7\x8e\x8b\xe8\x8a\xb3"), 4);		/* 王芳 */
	cr_assert_eq(dasv_text_width("e\xcc\x81"), 1);				/* e + U+0301 */
	cr_assert_eq(dasv_text_width("Zo\xc3\xab"), 3);
}

Test(text_width, non_utf8_locale_counts_one_each)
{
	setlocale(LC_ALL, "C");
	cr_assert_eq(dasv_text_width("\xe7\x8e\x8b\xe8\x8a\xb3"), 2);
}

Test(text_fit, fits_unchanged, .init = utf8_locale)
{
	char buf[64];

	cr_assert_eq(dasv_text_fit("hello", 5, buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "hello");
}

Test(text_fit, cut_with_ellipsis, .init = utf8_locale)
{
	char buf[64];

	cr_assert_eq(dasv_text_fit("hello world", 6, buf, sizeof(buf)), 6);
	cr_assert_str_eq(buf, "hello\xe2\x80\xa6");
	cr_assert_eq(dasv_text_fit("hello", 1, buf, sizeof(buf)), 1);
	cr_assert_str_eq(buf, "\xe2\x80\xa6");
	cr_assert_eq(dasv_text_fit("hello", 0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
}

Test(text_fit, wide_char_not_split_at_limit, .init = utf8_locale)
{
	char buf[64];

	/* "ab王芳" is 6 columns; in 4 there is room for "ab" + "…" only */
	cr_assert_eq(dasv_text_fit("ab\xe7\x8e\x8b\xe8\x8a\xb3", 4, buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "ab\xe2\x80\xa6");
	cr_assert_eq(dasv_text_fit("ab\xe7\x8e\x8b\xe8\x8a\xb3", 5, buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "ab\xe7\x8e\x8b\xe2\x80\xa6");
}

Test(text_fit, sanitises_while_cutting, .init = utf8_locale)
{
	char buf[64];

	cr_assert_eq(dasv_text_fit("\033[2J\033]0;x\a", 40, buf, sizeof(buf)), 13);
	cr_assert_str_eq(buf, "^[[2J^[]0;x^G");
	/* a cut never leaves half a placeholder */
	cr_assert_eq(dasv_text_fit("\033\033\033", 4, buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "^[\xe2\x80\xa6");
}

Test(text_fit, small_buffer_cuts_on_char_boundary, .init = utf8_locale)
{
	char buf[6];

	dasv_text_fit("\xe7\x8e\x8b\xe8\x8a\xb3\xe7\x8e\x8b", 40, buf, sizeof(buf));
	cr_assert_str_eq(buf, "\xe7\x8e\x8b");
}

Test(text_fit, ascii_fallback_in_c_locale)
{
	char buf[64];

	setlocale(LC_ALL, "C");
	cr_assert_eq(dasv_text_fit("Zo\xc3\xab Smith", 40, buf, sizeof(buf)), 9);
	cr_assert_str_eq(buf, "Zo? Smith");
	cr_assert_eq(dasv_text_fit("abcdef", 4, buf, sizeof(buf)), 4);
	cr_assert_str_eq(buf, "abc~");
}

Test(text_codec, decode_encode_round_trip)
{
	static const uint32_t cps[] = { 0x41, 0xe9, 0x4e2d, 0x1f600, 0x10ffff };
	char b[4];
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		n = dasv_text_utf8_encode(cps[i], b);
		cr_assert(n > 0);
		cr_assert_eq(dasv_text_utf8_decode(b, n, &cp), n);
		cr_assert_eq(cp, cps[i]);
	}
	cr_assert_eq(dasv_text_utf8_encode(0xd800, b), 0);
	cr_assert_eq(dasv_text_utf8_encode(0x110000, b), 0);
}

Test(text_codec, allowed_for_typing)
{
	cr_assert(!dasv_text_cp_allowed(0x1b));
	cr_assert(!dasv_text_cp_allowed(0x9b));
	cr_assert(!dasv_text_cp_allowed(0x202e));
	cr_assert(dasv_text_cp_allowed(0xe9));
	cr_assert(dasv_text_cp_allowed(0x738b));
}
