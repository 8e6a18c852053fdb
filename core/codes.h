/*
 * codes.h - the built-in code lists (DESIGN.md section 7 and the equality,
 * service and workflow lists).
 *
 * Owns: the codes stored in coded columns, their readable labels, and the
 * order of each list.  The order is part of the file format: other modules
 * store a code's index, and sets of codes as bitmasks (bit i = code i), so
 * codes may only ever be appended, never reordered or removed.
 *
 * Must never: allocate, print, or return NULL where a string is promised.
 * All tables are static and read-only; callers never free anything here.
 */
#ifndef DASV_CODES_H
#define DASV_CODES_H

#include <stddef.h>

#include "status.h"

enum dasv_code_list {
	DASV_LIST_STRAND,
	DASV_LIST_VAWG,
	DASV_LIST_SOURCE,
	DASV_LIST_DISTRICT,
	DASV_LIST_RELATIONSHIP,
	DASV_LIST_LEVEL,
	DASV_LIST_NEED_DOMAIN,
	DASV_LIST_NEED_LEVEL,
	DASV_LIST_SV_DOMAIN,
	DASV_LIST_SEX,
	DASV_LIST_AGE_BAND,
	DASV_LIST_ETHNICITY,
	DASV_LIST_DISABILITY,
	DASV_LIST_SEXUAL_ORIENTATION,
	DASV_LIST_GENDER_REASSIGNMENT,
	DASV_LIST_PREGNANCY,
	DASV_LIST_RELIGION,
	DASV_LIST_YES_NO,		/* yes, no, not_known */
	DASV_LIST_SERVICE_TYPE,
	DASV_LIST_STATUS,
	DASV_LIST_CONTACT_KIND,
	DASV_LIST_CLOSE_REASON,
	DASV_LIST_SHARING_BASIS,
	DASV_LIST_ANSWER_SOURCE,
	DASV_LIST_ROLE,
	DASV_LIST_COUNT
};

/* A set of codes is an unsigned bitmask, so no list may be longer than this. */
#define DASV_CODE_SET_MAX 32

struct dasv_code {
	const char *code;	/* stored form: lower-case ASCII, except strand (DA, SV) */
	const char *label;	/* shown on screen */
};

/* The static table of a list and its length; NULL and *n = 0 for a bad list. */
const struct dasv_code *dasv_codes(enum dasv_code_list list, size_t *n);

/* Name of the list for messages, e.g. "district"; "" for a bad list. */
const char *dasv_code_list_name(enum dasv_code_list list);

/*
 * Index of s in the list, or -1.  Case-insensitive; surrounding spaces and
 * tabs are ignored, so imported " Police " finds "police".
 */
int dasv_code_find(enum dasv_code_list list, const char *s);

/* Label for a code, or the code itself when unknown (or "" for NULL); never NULL. */
const char *dasv_code_label(enum dasv_code_list list, const char *code);

/*
 * Parse a ';'-separated set ("DA;SV", "fgm; stalking_harassment") into a
 * bitmask, bit i = code i.  Empty items are ignored, so "" gives 0.  An
 * unknown item gives DASV_INVALID and a message naming the list, the item
 * (non-printable bytes shown as \xNN, long items cut) and the valid codes.
 * *mask is written only on success.
 */
enum dasv_status dasv_code_parse_set(enum dasv_code_list list, const char *s,
				     unsigned *mask, char *err, size_t errsz);

/*
 * Format a bitmask as "domestic_abuse;fgm" in list order.  Bits with no code
 * are ignored.  Always NUL-terminates when bufsz > 0; a set that does not fit
 * is cut at a ';' so the result never holds half a code.
 */
void dasv_code_format_set(enum dasv_code_list list, unsigned mask, char *buf,
			  size_t bufsz);

/* age_band code for an age in whole years; "not_known" when age < 0. */
const char *dasv_age_band_for(int age_years);

#endif
