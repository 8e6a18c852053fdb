/* test_validate.c - field validators (core/validate.c). */
#include <criterion/criterion.h>
#include <limits.h>
#include <string.h>

#include "date.h"
#include "validate.h"

static char err[256];

#define BAD(call) do { \
	err[0] = '\0'; \
	cr_assert_eq((call), DASV_INVALID, "accepted: %s", #call); \
} while (0)
#define OK(call) do { \
	err[0] = '\0'; \
	cr_assert_eq((call), DASV_OK, "%s: %s", #call, err); \
} while (0)

/* No message may hold a raw control or non-ASCII byte. */
static void
assert_clean_message(void)
{
	const char *p;

	for (p = err; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f,
			  "raw byte 0x%02x in message '%s'", (unsigned char)*p, err);
}

/* --- UTF-8 --- */

Test(utf8, rejects_overlong_encodings)
{
	cr_assert_eq(dasv_utf8_valid("\xc0\xaf", 2), 0);	/* '/' in 2 bytes */
	cr_assert_eq(dasv_utf8_valid("\xc1\xbf", 2), 0);
	cr_assert_eq(dasv_utf8_valid("\xe0\x80\xaf", 3), 0);
	cr_assert_eq(dasv_utf8_valid("\xf0\x80\x80\xaf", 4), 0);
}

Test(utf8, rejects_surrogates_and_above_max)
{
	cr_assert_eq(dasv_utf8_valid("\xed\xa0\x80", 3), 0);	/* U+D800 */
	cr_assert_eq(dasv_utf8_valid("\xed\xbf\xbf", 3), 0);	/* U+DFFF */
	cr_assert_eq(dasv_utf8_valid("\xf4\x90\x80\x80", 4), 0);	/* U+110000 */
	cr_assert_eq(dasv_utf8_valid("\xf5\x80\x80\x80", 4), 0);
	cr_assert_eq(dasv_utf8_valid("\xff", 1), 0);
}

Test(utf8, rejects_truncated_and_stray_continuation)
{
	cr_assert_eq(dasv_utf8_valid("\xc3", 1), 0);
	cr_assert_eq(dasv_utf8_valid("\xe2\x82", 2), 0);
	cr_assert_eq(dasv_utf8_valid("\x80", 1), 0);
	cr_assert_eq(dasv_utf8_valid("a\xc3(", 3), 0);
	/* len bounds the read: a valid sequence cut by len is invalid */
	cr_assert_eq(dasv_utf8_valid("\xc3\xa9", 1), 0);
}

Test(utf8, accepts_valid)
{
	cr_assert_eq(dasv_utf8_valid("", 0), 1);
	cr_assert_eq(dasv_utf8_valid(NULL, 0), 1);
	cr_assert_eq(dasv_utf8_valid("Zo\xc3\xab", 4), 1);	/* Zoë */
	cr_assert_eq(dasv_utf8_valid("\xe2\x82\xac", 3), 1);	/* € */
	cr_assert_eq(dasv_utf8_valid("\xf0\x9f\x98\x80", 4), 1);	/* U+1F600 */
	cr_assert_eq(dasv_utf8_valid("\xf4\x8f\xbf\xbf", 4), 1);	/* U+10FFFF */
	cr_assert_eq(dasv_utf8_valid("\xed\x9f\xbf", 3), 1);	/* U+D7FF */
}

/* --- text --- */

Test(text, rejects_escape_sequences)
{
	BAD(dasv_validate_text("notes", "hello \x1b[31mred", 100, 0, err, sizeof(err)));
	cr_assert_str_eq(err, "notes: has a control character (byte 7)");
}

Test(text, rejects_c1_del_and_bidi_controls)
{
	BAD(dasv_validate_text("notes", "a\x7f", 100, 0, err, sizeof(err)));
	BAD(dasv_validate_text("notes", "a\xc2\x9b" "31m", 100, 0, err, sizeof(err)));	/* C1 CSI */
	BAD(dasv_validate_text("notes", "a\xe2\x80\xae" "cba", 100, 0, err, sizeof(err)));	/* RLO */
	BAD(dasv_validate_text("notes", "a\xe2\x81\xa6" "b", 100, 0, err, sizeof(err)));	/* LRI */
	BAD(dasv_validate_text("notes", "a\xe2\x80\xa8" "b", 100, 0, err, sizeof(err)));	/* LS */
	assert_clean_message();
}

Test(text, rejects_newline_tab_and_cr_on_one_line)
{
	BAD(dasv_validate_text("address", "1 High St\nCambridge", 100, 0, err, sizeof(err)));
	BAD(dasv_validate_text("address", "a\tb", 100, 0, err, sizeof(err)));
	BAD(dasv_validate_text("address", "a\rb", 100, 0, err, sizeof(err)));
}

Test(text, rejects_invalid_utf8_with_position)
{
	BAD(dasv_validate_text("notes", "ab\xc0\xaf", 100, 0, err, sizeof(err)));
	cr_assert_str_eq(err, "notes: is not valid UTF-8 (byte 3)");
	BAD(dasv_validate_text("notes", "\xff\xfe", 100, 0, err, sizeof(err)));
	assert_clean_message();
}

Test(text, rejects_overlong_text)
{
	char big[5002];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	BAD(dasv_validate_text("notes", big, 5000, 0, err, sizeof(err)));
	cr_assert_str_eq(err, "notes: is 5001 bytes, longer than 5000");
	big[5000] = '\0';
	OK(dasv_validate_text("notes", big, 5000, 0, err, sizeof(err)));
}

Test(text, required_and_blank)
{
	BAD(dasv_validate_text("reason", "", 100, 1, err, sizeof(err)));
	cr_assert_str_eq(err, "reason: is required");
	BAD(dasv_validate_text("reason", NULL, 100, 1, err, sizeof(err)));
	BAD(dasv_validate_text("reason", "   ", 100, 1, err, sizeof(err)));
	BAD(dasv_validate_text("reason", "   ", 100, 0, err, sizeof(err)));
	cr_assert_str_eq(err, "reason: is only spaces");
	OK(dasv_validate_text("reason", "", 100, 0, err, sizeof(err)));
	OK(dasv_validate_text("reason", NULL, 100, 0, err, sizeof(err)));
}

Test(text, accepts_unicode)
{
	OK(dasv_validate_text("notes", "Caf\xc3\xa9 \xe2\x80\x94 \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", 100, 1, err, sizeof(err)));
}

Test(text, null_field_name_still_gives_message)
{
	BAD(dasv_validate_text(NULL, "", 10, 1, err, sizeof(err)));
	cr_assert_str_eq(err, "value: is required");
}

Test(multiline, allows_newline_and_tab_not_cr_or_esc)
{
	OK(dasv_validate_multiline("notes", "line 1\n\tline 2\n", 100, 1, err, sizeof(err)));
	BAD(dasv_validate_multiline("notes", "line 1\r\nline 2", 100, 1, err, sizeof(err)));
	BAD(dasv_validate_multiline("notes", "line 1\n\x1b]0;title\x07", 100, 1, err, sizeof(err)));
	BAD(dasv_validate_multiline("notes", "\n\n\t", 100, 1, err, sizeof(err)));
}

/* --- names --- */

Test(name, does_not_echo_the_name)
{
	BAD(dasv_validate_name("surname", "Smith<script>", 1, err, sizeof(err)));
	cr_assert_null(strstr(err, "Smith"), "%s", err);
	cr_assert(strstr(err, "surname: '<'"), "%s", err);
	BAD(dasv_validate_name("surname", "Jones\x1b[2J", 1, err, sizeof(err)));
	cr_assert_null(strstr(err, "Jones"), "%s", err);
	assert_clean_message();
}

Test(name, rejects_digits_and_symbols)
{
	BAD(dasv_validate_name("first_name", "J0hn", 1, err, sizeof(err)));
	BAD(dasv_validate_name("first_name", "Ann;DROP", 1, err, sizeof(err)));
	BAD(dasv_validate_name("first_name", "a@b", 1, err, sizeof(err)));
	BAD(dasv_validate_name("first_name", "a\tb", 1, err, sizeof(err)));
}

Test(name, rejects_invalid_utf8_and_bidi)
{
	BAD(dasv_validate_name("surname", "M\xfcller", 1, err, sizeof(err)));	/* Latin-1 */
	cr_assert_str_eq(err, "surname: is not valid UTF-8 (byte 2)");
	BAD(dasv_validate_name("surname", "\xe2\x80\xae" "htimS", 1, err, sizeof(err)));
}

Test(name, rejects_over_100_bytes)
{
	char big[102];

	memset(big, 'a', 101);
	big[101] = '\0';
	BAD(dasv_validate_name("surname", big, 1, err, sizeof(err)));
	cr_assert_str_eq(err, "surname: is 101 bytes, longer than 100");
	big[100] = '\0';
	OK(dasv_validate_name("surname", big, 1, err, sizeof(err)));
}

Test(name, rejects_blank_and_letterless)
{
	BAD(dasv_validate_name("surname", "", 1, err, sizeof(err)));
	BAD(dasv_validate_name("surname", "    ", 1, err, sizeof(err)));
	BAD(dasv_validate_name("surname", "    ", 0, err, sizeof(err)));
	BAD(dasv_validate_name("surname", "'-.", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "surname: has no letters");
}

Test(name, accepts_real_names)
{
	OK(dasv_validate_name("surname", "O'Brien", 1, err, sizeof(err)));
	OK(dasv_validate_name("surname", "Smith-Jones", 1, err, sizeof(err)));
	OK(dasv_validate_name("surname", "van der Berg", 1, err, sizeof(err)));
	OK(dasv_validate_name("first_name", "Zo\xc3\xab", 1, err, sizeof(err)));
	OK(dasv_validate_name("first_name", "J. R.", 1, err, sizeof(err)));
	OK(dasv_validate_name("surname", "O\xe2\x80\x99Neill", 1, err, sizeof(err)));	/* ’ */
	OK(dasv_validate_name("first_name", "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf", 1, err, sizeof(err)));	/* Arabic */
	OK(dasv_validate_name("first_name", "\xe6\x9d\x8e", 1, err, sizeof(err)));	/* CJK */
	OK(dasv_validate_name("middle_name", "", 0, err, sizeof(err)));
}

/* --- phone --- */

Test(phone, too_few_digits_does_not_echo)
{
	BAD(dasv_validate_phone("phone", "01223", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "phone: has 5 digits, expected 7 to 15");
}

Test(phone, too_many_digits)
{
	BAD(dasv_validate_phone("phone", "0122345678901234", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "phone: has 16 digits, expected 7 to 15");
}

Test(phone, rejects_letters_controls_and_inner_plus)
{
	BAD(dasv_validate_phone("phone", "01223 4567x8", 1, err, sizeof(err)));
	cr_assert(strstr(err, "'x'"), "%s", err);
	cr_assert_null(strstr(err, "01223"), "%s", err);
	BAD(dasv_validate_phone("phone", "01223\x1b" "456789", 1, err, sizeof(err)));
	assert_clean_message();
	BAD(dasv_validate_phone("phone", "01223+456789", 1, err, sizeof(err)));
	BAD(dasv_validate_phone("phone", "++441223456789", 1, err, sizeof(err)));
	BAD(dasv_validate_phone("phone", "\xef\xbc\x90\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96", 1, err, sizeof(err)));	/* fullwidth digits */
}

Test(phone, rejects_overlong_input)
{
	BAD(dasv_validate_phone("phone", "0 1 2 2 3 4 5 6 7 8 9 - - - - - - - -", 1, err, sizeof(err)));
}

Test(phone, required_and_optional)
{
	BAD(dasv_validate_phone("phone", "", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "phone: is required");
	OK(dasv_validate_phone("phone", "", 0, err, sizeof(err)));
	OK(dasv_validate_phone("phone", NULL, 0, err, sizeof(err)));
}

Test(phone, boundaries_7_and_15)
{
	OK(dasv_validate_phone("phone", "1234567", 1, err, sizeof(err)));
	BAD(dasv_validate_phone("phone", "123456", 1, err, sizeof(err)));
	OK(dasv_validate_phone("phone", "123456789012345", 1, err, sizeof(err)));
}

Test(phone, accepts_uk_and_international_forms)
{
	OK(dasv_validate_phone("phone", "01223 123456", 1, err, sizeof(err)));
	OK(dasv_validate_phone("phone", "+44 (0)1223 123-456", 1, err, sizeof(err)));
	OK(dasv_validate_phone("phone", " +447700900123", 1, err, sizeof(err)));
}

/* --- postcode --- */

Test(postcode, rejects_wrong_shapes_without_echo)
{
	BAD(dasv_validate_postcode("postcode", "CB1", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "postcode: is not a UK postcode (like CB1 2AB)");
	BAD(dasv_validate_postcode("postcode", "12345", 1, err, sizeof(err)));
	BAD(dasv_validate_postcode("postcode", "CB1 2A1", 1, err, sizeof(err)));
	BAD(dasv_validate_postcode("postcode", "CBB1 2AB", 1, err, sizeof(err)));
	BAD(dasv_validate_postcode("postcode", "CB123 2AB", 1, err, sizeof(err)));
	BAD(dasv_validate_postcode("postcode", "CB1-2AB", 1, err, sizeof(err)));
	BAD(dasv_validate_postcode("postcode", "CB1\x1b" "2AB", 1, err, sizeof(err)));
	BAD(dasv_validate_postcode("postcode", "C\xc3\xa9" "1 2AB", 1, err, sizeof(err)));
	BAD(dasv_validate_postcode("postcode", "CB1 2AB CB1 2AB", 1, err, sizeof(err)));
}

Test(postcode, required_and_optional)
{
	BAD(dasv_validate_postcode("postcode", "", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "postcode: is required");
	BAD(dasv_validate_postcode("postcode", "  ", 0, err, sizeof(err)));
	OK(dasv_validate_postcode("postcode", "", 0, err, sizeof(err)));
}

Test(postcode, accepts_every_shape_any_case_and_spacing)
{
	OK(dasv_validate_postcode("postcode", "cb1 2ab", 1, err, sizeof(err)));	/* AA9 */
	OK(dasv_validate_postcode("postcode", "PE27 5AB", 1, err, sizeof(err)));	/* AA99 */
	OK(dasv_validate_postcode("postcode", "SW1A1AA", 1, err, sizeof(err)));	/* AA9A */
	OK(dasv_validate_postcode("postcode", "W1A 0AX", 1, err, sizeof(err)));	/* A9A */
	OK(dasv_validate_postcode("postcode", "M1 1AE", 1, err, sizeof(err)));	/* A9 */
	OK(dasv_validate_postcode("postcode", "B33 8TH", 1, err, sizeof(err)));	/* A99 */
	OK(dasv_validate_postcode("postcode", "gir 0aa", 1, err, sizeof(err)));
	OK(dasv_validate_postcode("postcode", "  cb1   2ab ", 1, err, sizeof(err)));
}

Test(postcode, normalises)
{
	char out[9];

	cr_assert_eq(dasv_validate_postcode_normalise("cb12ab", out), DASV_OK);
	cr_assert_str_eq(out, "CB1 2AB");
	cr_assert_eq(dasv_validate_postcode_normalise("sw1a1aa", out), DASV_OK);
	cr_assert_str_eq(out, "SW1A 1AA");
	cr_assert_eq(dasv_validate_postcode_normalise(" pe27  5ab", out), DASV_OK);
	cr_assert_str_eq(out, "PE27 5AB");
	strcpy(out, "keep");
	cr_assert_eq(dasv_validate_postcode_normalise("nope", out), DASV_INVALID);
	cr_assert_str_eq(out, "keep");
	cr_assert_eq(dasv_validate_postcode_normalise(NULL, out), DASV_INVALID);
}

/* --- e-mail --- */

Test(email, rejects_malformed_without_echo)
{
	BAD(dasv_validate_email("email", "jane.smith", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "email: has no @");
	BAD(dasv_validate_email("email", "jane@@example.org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "@example.org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@localhost", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@example.c", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@example.123", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@-example.org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@example..org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@example.org.", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", ".jane@example.org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "ja..ne@example.org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane smith@example.org", 1, err, sizeof(err)));
	cr_assert_null(strstr(err, "jane"), "%s", err);
}

Test(email, rejects_hostile_bytes)
{
	BAD(dasv_validate_email("email", "jane\x1b[2J@example.org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@ex\xc3\xa4mple.org", 1, err, sizeof(err)));
	BAD(dasv_validate_email("email", "jane@example.org\n", 1, err, sizeof(err)));
	assert_clean_message();
}

Test(email, rejects_long_parts)
{
	char big[300];

	memset(big, 'a', 65);
	strcpy(big + 65, "@example.org");
	BAD(dasv_validate_email("email", big, 1, err, sizeof(err)));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[10] = '@';
	BAD(dasv_validate_email("email", big, 1, err, sizeof(err)));
}

Test(email, required_and_optional)
{
	BAD(dasv_validate_email("email", " ", 1, err, sizeof(err)));
	cr_assert_str_eq(err, "email: is required");
	OK(dasv_validate_email("email", "", 0, err, sizeof(err)));
}

Test(email, accepts_plain_addresses)
{
	OK(dasv_validate_email("email", "jane.smith@example.org", 1, err, sizeof(err)));
	OK(dasv_validate_email("email", "j+dasv@mail.example.co.uk", 1, err, sizeof(err)));
	OK(dasv_validate_email("email", " jane@x-y.org ", 1, err, sizeof(err)));
}

/* --- int --- */

Test(int, rejects_non_numbers)
{
	long v = 42;

	BAD(dasv_validate_int("children", "", 0, 20, &v, err, sizeof(err)));
	cr_assert_str_eq(err, "children: is empty, expected a whole number");
	BAD(dasv_validate_int("children", "two", 0, 20, &v, err, sizeof(err)));
	cr_assert_str_eq(err, "children: is not a whole number");
	BAD(dasv_validate_int("children", "2.5", 0, 20, &v, err, sizeof(err)));
	BAD(dasv_validate_int("children", "0x10", 0, 20, &v, err, sizeof(err)));
	BAD(dasv_validate_int("children", "-", 0, 20, &v, err, sizeof(err)));
	BAD(dasv_validate_int("children", "1 2", 0, 20, &v, err, sizeof(err)));
	BAD(dasv_validate_int("children", "2\x1b", 0, 20, &v, err, sizeof(err)));
	cr_assert_eq(v, 42);
}

Test(int, rejects_out_of_range)
{
	long v;

	BAD(dasv_validate_int("children", "21", 0, 20, &v, err, sizeof(err)));
	cr_assert_str_eq(err, "children: 21 is not 0 to 20");
	BAD(dasv_validate_int("children", "-1", 0, 20, &v, err, sizeof(err)));
}

Test(int, rejects_overflow)
{
	long v;

	BAD(dasv_validate_int("n", "99999999999999999999999", LONG_MIN, LONG_MAX, &v, err, sizeof(err)));
	BAD(dasv_validate_int("n", "9223372036854775808", LONG_MIN, LONG_MAX, &v, err, sizeof(err)));
	BAD(dasv_validate_int("n", "-9223372036854775809", LONG_MIN, LONG_MAX, &v, err, sizeof(err)));
}

Test(int, accepts_limits_signs_and_spaces)
{
	long v;

	OK(dasv_validate_int("n", " 7 ", 0, 20, &v, err, sizeof(err)));
	cr_assert_eq(v, 7);
	OK(dasv_validate_int("n", "+0", 0, 20, &v, err, sizeof(err)));
	cr_assert_eq(v, 0);
	OK(dasv_validate_int("n", "9223372036854775807", LONG_MIN, LONG_MAX, &v, err, sizeof(err)));
	cr_assert_eq(v, LONG_MAX);
	OK(dasv_validate_int("n", "-9223372036854775808", LONG_MIN, LONG_MAX, &v, err, sizeof(err)));
	cr_assert_eq(v, LONG_MIN);
}

/* --- date --- */

Test(vdate, prefixes_field_name)
{
	int32_t d = 5;

	BAD(dasv_validate_date("date_of_birth", "1990-13-01", 1, INT32_MAX, &d, err, sizeof(err)));
	cr_assert_str_eq(err, "date_of_birth: month 13 is not 01-12");
	BAD(dasv_validate_date("date_of_birth", "01/02/1990", 1, INT32_MAX, &d, err, sizeof(err)));
	cr_assert_str_eq(err, "date_of_birth: expected YYYY-MM-DD");
	BAD(dasv_validate_date("date_of_birth", "1990-01-01-01-01", 1, INT32_MAX, &d, err, sizeof(err)));
	cr_assert_str_eq(err, "date_of_birth: expected YYYY-MM-DD");
	cr_assert_eq(d, 5);
}

Test(vdate, rejects_future)
{
	int32_t today, d;

	cr_assert_eq(dasv_date_parse("2025-06-01", &today, NULL, 0), DASV_OK);
	BAD(dasv_validate_date("received_on", "2031-01-01", 1, today, &d, err, sizeof(err)));
	cr_assert_str_eq(err, "received_on: 2031-01-01 is in the future");
	BAD(dasv_validate_date("received_on", "2025-06-02", 1, today, &d, err, sizeof(err)));
	OK(dasv_validate_date("received_on", "2025-06-01", 1, today, &d, err, sizeof(err)));
	cr_assert_eq(d, today);
}

Test(vdate, rejects_hostile_bytes)
{
	int32_t d;

	BAD(dasv_validate_date("received_on", "2025-01-0\x1b", 1, INT32_MAX, &d, err, sizeof(err)));
	BAD(dasv_validate_date("received_on", "\xff\xfe", 1, INT32_MAX, &d, err, sizeof(err)));
	assert_clean_message();
}

Test(vdate, required_and_optional)
{
	int32_t d = 5;

	BAD(dasv_validate_date("received_on", "", 1, INT32_MAX, &d, err, sizeof(err)));
	cr_assert_str_eq(err, "received_on: is required");
	OK(dasv_validate_date("date_of_birth", "  ", 0, INT32_MAX, &d, err, sizeof(err)));
	cr_assert_eq(d, DASV_DATE_NONE);
}

Test(vdate, trims_spaces)
{
	int32_t d;

	OK(dasv_validate_date("received_on", " 2024-02-29 ", 1, INT32_MAX, &d, err, sizeof(err)));
	cr_assert_eq(d, 19782);
}
