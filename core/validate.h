/*
 * validate.h - field validators shared by the intake screens and the CSV
 * import, so both accept exactly the same values.
 *
 * Owns: what a well-formed name, phone number, postcode, e-mail address,
 * whole number, date and free text are, and the wording of the message when
 * they are not.  Every message starts with the field name the caller passes
 * ("phone: has 5 digits, expected 7 to 15").
 *
 * Must never: echo a sensitive value in a message (names, phones, postcodes,
 * e-mails, free text; at most one offending ASCII character or a byte
 * position), print, or allocate.  Dates and numbers may be echoed.
 *
 * Text rules common to every validator: valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), and no control characters: C0, DEL,
 * C1, the line/paragraph separators U+2028/U+2029 and the bidi embedding,
 * override and isolate controls (U+202A-U+202E, U+2066-U+2069), which could
 * otherwise drive or disguise what a terminal shows.  A NULL string is
 * treated as "".  "required" means not empty and not only spaces.
 */
#ifndef DASV_VALIDATE_H
#define DASV_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"	/* DASV_DATE_NONE */
#include "status.h"

/* 1 if s[0..len) is well-formed UTF-8 (shortest form, scalar values only), else 0. */
int dasv_utf8_valid(const char *s, size_t len);

/* Single-line text of at most maxlen bytes: no control characters at all. */
enum dasv_status dasv_validate_text(const char *field, const char *s,
				    size_t maxlen, int required, char *err,
				    size_t errsz);

/*
 * Multi-line text (case notes, reasons): as dasv_validate_text, but line
 * feed and tab are allowed.  Carriage return is not: importers turn CRLF
 * into LF first, so a stray CR cannot overwrite a line on screen.
 */
enum dasv_status dasv_validate_multiline(const char *field, const char *s,
					 size_t maxlen, int required,
					 char *err, size_t errsz);

/*
 * A person's name: 1..100 bytes, letters of any script, spaces, apostrophes
 * (' and U+2019), hyphens and full stops; at least one letter.  ASCII digits
 * and other ASCII punctuation are refused; any non-ASCII character that is
 * not a control is taken as a letter (we hold no Unicode tables).
 */
enum dasv_status dasv_validate_name(const char *field, const char *s,
				    int required, char *err, size_t errsz);

/* Digits, spaces, brackets, hyphens and one leading +; 7..15 digits; at most 32 bytes. */
enum dasv_status dasv_validate_phone(const char *field, const char *s,
				     int required, char *err, size_t errsz);

/*
 * A UK postcode shape (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA,
 * AA9A 9AA, and GIR 0AA), ignoring case and spaces: "cb1 2ab", "SW1A1AA".
 */
enum dasv_status dasv_validate_postcode(const char *field, const char *s,
					int required, char *err, size_t errsz);

/*
 * Canonical form of a valid postcode, upper case with one space before the
 * inward code ("cb12ab" -> "CB1 2AB"), for storage and blind indexes.
 * DASV_INVALID (out untouched) if s is not a postcode.
 */
enum dasv_status dasv_validate_postcode_normalise(const char *s, char out[9]);

/*
 * A plain ASCII address local@domain: at most 254 bytes, local part 1..64
 * of letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots; domain
 * of two or more dot-separated labels (letters, digits, inner hyphens,
 * 1..63 each) ending in an alphabetic label of 2+.  Surrounding spaces are
 * ignored.
 */
enum dasv_status dasv_validate_email(const char *field, const char *s,
				     int required, char *err, size_t errsz);

/*
 * A base-10 whole number with optional sign, surrounding spaces ignored,
 * within min..max.  Empty is an error (an optional number is the caller's
 * choice to skip).  *out written only on success.
 */
enum dasv_status dasv_validate_int(const char *field, const char *s,
				   long min, long max, long *out, char *err,
				   size_t errsz);

/*
 * A date as dasv_date_parse (surrounding spaces ignored), not after
 * not_after (normally today; INT32_MAX for no limit):
 * "received_on: 2031-01-01 is in the future".  Empty and not required gives
 * DASV_OK with *out = DASV_DATE_NONE.  *out written only on DASV_OK.
 */
enum dasv_status dasv_validate_date(const char *field, const char *s,
				    int required, int32_t not_after,
				    int32_t *out, char *err, size_t errsz);

#endif
