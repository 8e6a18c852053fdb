/*
 * date.h - calendar dates and working-day arithmetic.
 *
 * Owns: the one date representation of the core, days since 1970-01-01 as
 * an int32_t (UTC, proleptic Gregorian), its strict text form YYYY-MM-DD,
 * and the rules for working days (Mon-Fri; bank holidays are not known) and
 * ages (a 29 February birthday falls on 1 March in other years, as in
 * English law).
 *
 * Must never: use the local time zone (a caseworker's TZ must not move a
 * date), print, or allocate.
 */
#ifndef DASV_DATE_H
#define DASV_DATE_H

#include <stdint.h>

#include "status.h"

/* "No date" for optional fields; never produced by dasv_date_parse. */
#define DASV_DATE_NONE INT32_MIN

#define DASV_DATE_MIN_YEAR 1900
#define DASV_DATE_MAX_YEAR 2199

/*
 * Strict YYYY-MM-DD (no spaces, no other separators), a real calendar day,
 * year 1900..2199.  On failure err says why without a field name, which the
 * caller prefixes: "expected YYYY-MM-DD", "month 13 is not 01-12",
 * "day 32 is not 01-31", "year 1899 is not 1900-2199",
 * "2025-02-29 is not a date".  *days is written only on success.
 */
enum dasv_status dasv_date_parse(const char *s, int32_t *days, char *err,
				 size_t errsz);

/* YYYY-MM-DD; all question marks for days outside years 0..9999. */
void dasv_date_format(int32_t days, char buf[11]);

/* From days to year, month (1-12) and day (1-31). */
void dasv_date_split(int32_t days, int *year, int *month, int *day);

/* UTC today; if the environment has DASV_TODAY=YYYY-MM-DD (valid), that day. */
int32_t dasv_date_today(void);

/* 0 = Monday .. 6 = Sunday. */
int dasv_date_weekday(int32_t days);

/*
 * The n-th Mon-Fri day after from: Friday + 1 is Monday, and from a Saturday
 * or Sunday day 1 is Monday.  n == 0 returns from; n < 0 counts backwards
 * (Monday - 1 is Friday).  Clamped to the int32_t range.
 */
int32_t dasv_date_add_working_days(int32_t from, int n);

/* Mon-Fri days d with from < d <= to; the negated count of to < d <= from if to < from. */
int dasv_date_working_days_between(int32_t from, int32_t to);

/* Whole years from dob to on; -1 if dob > on. */
int dasv_date_age(int32_t dob, int32_t on);

/* Same day n months later (or earlier), clamped to the month's last day: 01-31 + 1 = 02-28/29. */
int32_t dasv_date_add_months(int32_t days, int months);

/* Real UTC clock as "YYYY-MM-DDTHH:MM:SSZ" (ignores DASV_TODAY: timestamps are facts). */
void dasv_time_now_utc(char buf[21]);

#endif
