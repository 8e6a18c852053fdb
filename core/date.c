/*
 * date.c - days since 1970-01-01 in the proleptic Gregorian calendar.
 *
 * Conversions follow Howard Hinnant's days_from_civil / civil_from_days,
 * which are exact for every int32_t day and need no time zone or libc
 * calendar (mktime would bring in the local TZ and DST).
 */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int32_t
clamp32(int64_t v)
{
	if (v > INT32_MAX)
		return INT32_MAX;
	if (v < INT32_MIN)
		return INT32_MIN;
	return (int32_t)v;
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

enum dasv_status
dasv_date_parse(const char *s, int32_t *days, char *err, size_t errsz)
{
	int y, m, d;
	size_t len = 0;

	/* Bounded scan: a hostile string need not be read past byte 11. */
	if (s)
		while (len < 11 && s[len])
			len++;
	if (!s || len != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return dasv_fail(err, errsz, DASV_INVALID, "expected YYYY-MM-DD");
	if (m < 1 || m > 12)
		return dasv_fail(err, errsz, DASV_INVALID, "month %02d is not 01-12", m);
	if (d < 1 || d > 31)
		return dasv_fail(err, errsz, DASV_INVALID, "day %02d is not 01-31", d);
	if (y < DASV_DATE_MIN_YEAR || y > DASV_DATE_MAX_YEAR)
		return dasv_fail(err, errsz, DASV_INVALID, "year %04d is not %d-%d",
				 y, DASV_DATE_MIN_YEAR, DASV_DATE_MAX_YEAR);
	if (d > month_days(y, m))
		return dasv_fail(err, errsz, DASV_INVALID,
				 "%04d-%02d-%02d is not a date", y, m, d);
	if (days)
		*days = (int32_t)days_from_civil(y, m, d);
	return DASV_OK;
}

void
dasv_date_split(int32_t days, int *year, int *month, int *day)
{
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	if (year)
		*year = (int)y;
	if (month)
		*month = m;
	if (day)
		*day = d;
}

void
dasv_date_format(int32_t days, char buf[11])
{
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		/* Escaped: question marks before a hyphen form a trigraph in C17. */
		snprintf(buf, 11, "\?\?\?\?-\?\?-\?\?");
		return;
	}
	snprintf(buf, 11, "%04d-%02d-%02d", (int)y, m, d);
}

int32_t
dasv_date_today(void)
{
	const char *env = getenv("DASV_TODAY");
	int32_t d;
	int64_t secs;

	if (env && dasv_date_parse(env, &d, NULL, 0) == DASV_OK)
		return d;
	secs = (int64_t)time(NULL);
	/* Floor division: a clock before 1970 would otherwise round toward zero. */
	return clamp32(secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400));
}

int
dasv_date_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = ((int64_t)days + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

int32_t
dasv_date_add_working_days(int32_t from, int n)
{
	int64_t d = from;
	int wd = dasv_date_weekday(from);
	int step = n < 0 ? -1 : 1;
	int64_t left = n < 0 ? -(int64_t)n : n;

	if (n == 0)
		return from;
	/*
	 * Moving from a weekend is the same as moving from the working day on
	 * the side we leave: forward from Sat/Sun = from Friday, backward =
	 * from Monday.  Then whole weeks are 7 days and only the rest loops.
	 */
	if (wd >= 5)
		d += step > 0 ? 4 - wd : 7 - wd;
	d += step * (left / 5) * 7;
	for (left %= 5; left > 0; left--) {
		d += step;
		while (dasv_date_weekday(clamp32(d)) >= 5)
			d += step;
	}
	return clamp32(d);
}

/* Mon-Fri days from a fixed Monday up to and including day x (may be negative). */
static int64_t
weekdays_upto(int64_t x)
{
	/* 1970-01-05 (day 4) was a Monday. */
	int64_t k = x - 4 + 1;
	int64_t q = k >= 0 ? k / 7 : -((-k + 6) / 7);
	int64_t r = k - q * 7;

	return q * 5 + (r < 5 ? r : 5);
}

int
dasv_date_working_days_between(int32_t from, int32_t to)
{
	int64_t n = weekdays_upto(to) - weekdays_upto(from);

	return n > INT32_MAX ? INT32_MAX : n < -INT32_MAX ? -INT32_MAX : (int)n;
}

int
dasv_date_age(int32_t dob, int32_t on)
{
	int64_t by, oy;
	int bm, bd, om, od;
	int64_t age;

	if (dob > on)
		return -1;
	civil_from_days(dob, &by, &bm, &bd);
	civil_from_days(on, &oy, &om, &od);
	age = oy - by;
	/* Comparing (month, day) puts a 29 Feb birthday on 1 March in other years. */
	if (om < bm || (om == bm && od < bd))
		age--;
	return (int)age;
}

int32_t
dasv_date_add_months(int32_t days, int months)
{
	int64_t y, total;
	int m, d, dim;

	civil_from_days(days, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	y = total >= 0 ? total / 12 : -((-total + 11) / 12);
	m = (int)(total - y * 12) + 1;
	dim = month_days(y, m);
	if (d > dim)
		d = dim;
	return clamp32(days_from_civil(y, m, d));
}

void
dasv_time_now_utc(char buf[21])
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 21, "1970-01-01T00:00:00Z");
}
