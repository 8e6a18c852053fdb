/* test_date.c - dates, working days, ages, months (core/date.c). */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"

static int32_t
D(const char *s)
{
	int32_t d = 0;
	char err[128];

	cr_assert_eq(dasv_date_parse(s, &d, err, sizeof(err)), DASV_OK, "%s: %s", s, err);
	return d;
}

static void
rejects(const char *s, const char *why)
{
	int32_t d = 12345;
	char err[128] = "";

	cr_assert_eq(dasv_date_parse(s, &d, err, sizeof(err)), DASV_INVALID,
		     "accepted '%s'", s ? s : "(null)");
	cr_assert_str_eq(err, why, "for '%s'", s ? s : "(null)");
	cr_assert_eq(d, 12345, "wrote *days on failure");
}

/* --- hostile and malformed input first --- */

Test(date_parse, rejects_null_and_empty)
{
	rejects(NULL, "expected YYYY-MM-DD");
	rejects("", "expected YYYY-MM-DD");
}

Test(date_parse, rejects_wrong_shapes)
{
	rejects("2025-1-01", "expected YYYY-MM-DD");
	rejects("2025/01/01", "expected YYYY-MM-DD");
	rejects("01-01-2025", "expected YYYY-MM-DD");
	rejects("20250101", "expected YYYY-MM-DD");
	rejects(" 2025-01-01", "expected YYYY-MM-DD");
	rejects("2025-01-01 ", "expected YYYY-MM-DD");
	rejects("2025-01-011", "expected YYYY-MM-DD");
	rejects("+025-01-01", "expected YYYY-MM-DD");
	rejects("2025-0a-01", "expected YYYY-MM-DD");
	rejects("2025-01-01T00:00:00Z", "expected YYYY-MM-DD");
}

Test(date_parse, rejects_control_and_high_bytes)
{
	rejects("2025-01-0\x1b", "expected YYYY-MM-DD");
	rejects("\x1b[2J-01-01", "expected YYYY-MM-DD");
	rejects("2025-01-\xc3\xa9", "expected YYYY-MM-DD");
	rejects("\xff\xff\xff\xff-\xff\xff-\xff\xff", "expected YYYY-MM-DD");
}

Test(date_parse, rejects_bad_month)
{
	rejects("2025-13-01", "month 13 is not 01-12");
	rejects("2025-00-10", "month 00 is not 01-12");
}

Test(date_parse, rejects_bad_day)
{
	rejects("2025-01-32", "day 32 is not 01-31");
	rejects("2025-01-00", "day 00 is not 01-31");
}

Test(date_parse, rejects_years_outside_range)
{
	rejects("1899-12-31", "year 1899 is not 1900-2199");
	rejects("2200-01-01", "year 2200 is not 1900-2199");
	rejects("0000-01-01", "year 0000 is not 1900-2199");
}

Test(date_parse, rejects_feb_29_in_common_years)
{
	rejects("2025-02-29", "2025-02-29 is not a date");
	rejects("2100-02-29", "2100-02-29 is not a date");	/* century, not leap */
	rejects("1900-02-29", "1900-02-29 is not a date");
	rejects("2024-02-30", "2024-02-30 is not a date");
}

Test(date_parse, rejects_31st_of_short_months)
{
	rejects("2025-04-31", "2025-04-31 is not a date");
	rejects("2025-06-31", "2025-06-31 is not a date");
	rejects("2025-09-31", "2025-09-31 is not a date");
	rejects("2025-11-31", "2025-11-31 is not a date");
}

Test(date_parse, err_may_be_null)
{
	int32_t d;

	cr_assert_eq(dasv_date_parse("2025-13-01", &d, NULL, 0), DASV_INVALID);
}

Test(date_parse, small_err_buffer_is_truncated_not_overrun)
{
	char err[6];

	cr_assert_eq(dasv_date_parse("2025-13-01", NULL, err, sizeof(err)), DASV_INVALID);
	cr_assert_str_eq(err, "month");
}

/* --- valid input --- */

Test(date_parse, accepts_leap_days)
{
	cr_assert_eq(D("2024-02-29"), 19782);
	D("2000-02-29");	/* divisible by 400 */
	D("1904-02-29");
}

Test(date_parse, known_day_numbers)
{
	cr_assert_eq(D("1970-01-01"), 0);
	cr_assert_eq(D("2000-01-01"), 10957);
	cr_assert_eq(D("1900-01-01"), -25567);
	cr_assert_eq(D("2199-12-31"), 84005);
}

Test(date_parse, month_ends)
{
	cr_assert_eq(D("2025-01-31") + 1, D("2025-02-01"));
	cr_assert_eq(D("2025-02-28") + 1, D("2025-03-01"));
	cr_assert_eq(D("2024-02-28") + 2, D("2024-03-01"));
	cr_assert_eq(D("2024-12-31") + 1, D("2025-01-01"));
	cr_assert_eq(D("2024-12-31") - D("2024-01-01"), 365);	/* leap year */
	cr_assert_eq(D("2025-12-31") - D("2025-01-01"), 364);
}

Test(date_format, round_trips_every_day_in_range)
{
	int32_t d, first = D("1900-01-01"), last = D("2199-12-31");
	char buf[11], err[64];
	int32_t back;

	for (d = first; d <= last; d++) {
		dasv_date_format(d, buf);
		cr_assert_eq(dasv_date_parse(buf, &back, err, sizeof(err)), DASV_OK,
			     "%d -> %s: %s", d, buf, err);
		cr_assert_eq(back, d, "%s", buf);
	}
}

Test(date_format, known_values)
{
	char buf[11];

	dasv_date_format(0, buf);
	cr_assert_str_eq(buf, "1970-01-01");
	dasv_date_format(19782, buf);
	cr_assert_str_eq(buf, "2024-02-29");
}

Test(date_format, extreme_days_do_not_overflow)
{
	char buf[11];

	dasv_date_format(INT32_MAX, buf);
	cr_assert_eq(strlen(buf), 10);
	cr_assert_eq(buf[0], '?');
	dasv_date_format(INT32_MIN, buf);
	cr_assert_eq(buf[0], '?');
}

Test(date_split, gives_parts)
{
	int y, m, d;

	dasv_date_split(D("2024-02-29"), &y, &m, &d);
	cr_assert(y == 2024 && m == 2 && d == 29);
}

/* --- weekdays and working days --- */

Test(date_weekday, known_days)
{
	cr_assert_eq(dasv_date_weekday(0), 3);	/* 1970-01-01 Thursday */
	cr_assert_eq(dasv_date_weekday(D("2025-01-06")), 0);	/* Monday */
	cr_assert_eq(dasv_date_weekday(D("2025-01-03")), 4);	/* Friday */
	cr_assert_eq(dasv_date_weekday(D("2025-01-05")), 6);	/* Sunday */
	cr_assert_eq(dasv_date_weekday(D("1900-01-01")), 0);	/* Monday, negative days */
	cr_assert_eq(dasv_date_weekday(-1), 2);
}

Test(working_days, friday_plus_one_is_monday)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-03"), 1), D("2025-01-06"));
}

Test(working_days, saturday_plus_one_is_monday)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-04"), 1), D("2025-01-06"));
}

Test(working_days, sunday_plus_one_is_monday)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-05"), 1), D("2025-01-06"));
}

Test(working_days, thursday_plus_two_is_monday)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-02"), 2), D("2025-01-06"));
}

Test(working_days, monday_plus_five_is_next_monday)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-06"), 5), D("2025-01-13"));
}

Test(working_days, saturday_plus_five_is_friday)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-04"), 5), D("2025-01-10"));
}

Test(working_days, zero_returns_from_even_at_weekend)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-04"), 0), D("2025-01-04"));
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-06"), 0), D("2025-01-06"));
}

Test(working_days, negative_counts_backwards)
{
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-06"), -1), D("2025-01-03"));
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-04"), -1), D("2025-01-03"));
	cr_assert_eq(dasv_date_add_working_days(D("2025-01-13"), -5), D("2025-01-06"));
}

Test(working_days, extreme_n_clamps)
{
	cr_assert_eq(dasv_date_add_working_days(0, INT_MAX), INT32_MAX);
	cr_assert_eq(dasv_date_add_working_days(0, INT_MIN), INT32_MIN);
}

Test(working_days_between, across_weekend)
{
	cr_assert_eq(dasv_date_working_days_between(D("2025-01-03"), D("2025-01-06")), 1);
	cr_assert_eq(dasv_date_working_days_between(D("2025-01-03"), D("2025-01-05")), 0);
	cr_assert_eq(dasv_date_working_days_between(D("2025-01-04"), D("2025-01-06")), 1);
	cr_assert_eq(dasv_date_working_days_between(D("2025-01-06"), D("2025-01-13")), 5);
}

Test(working_days_between, same_day_is_zero)
{
	cr_assert_eq(dasv_date_working_days_between(D("2025-01-06"), D("2025-01-06")), 0);
}

Test(working_days_between, reversed_is_negative)
{
	cr_assert_eq(dasv_date_working_days_between(D("2025-01-06"), D("2025-01-03")), -1);
	cr_assert_eq(dasv_date_working_days_between(D("2025-01-13"), D("2025-01-06")), -5);
}

Test(working_days_between, agrees_with_add_for_many_starts)
{
	int32_t from, start = D("1969-12-01");
	int n;

	for (from = start; from < start + 60; from++)
		for (n = 0; n <= 30; n++)
			cr_assert_eq(dasv_date_working_days_between(from,
				     dasv_date_add_working_days(from, n)), n,
				     "from %d n %d", from, n);
}

/* --- ages --- */

Test(date_age, dob_after_on_is_minus_one)
{
	cr_assert_eq(dasv_date_age(D("2025-01-02"), D("2025-01-01")), -1);
}

Test(date_age, birthday_eve_and_day)
{
	cr_assert_eq(dasv_date_age(D("2007-06-15"), D("2025-06-14")), 17);
	cr_assert_eq(dasv_date_age(D("2007-06-15"), D("2025-06-15")), 18);
}

Test(date_age, born_today_is_zero)
{
	cr_assert_eq(dasv_date_age(D("2025-06-15"), D("2025-06-15")), 0);
}

Test(date_age, leap_day_birthday_counts_from_march_first)
{
	cr_assert_eq(dasv_date_age(D("2008-02-29"), D("2026-02-28")), 17);
	cr_assert_eq(dasv_date_age(D("2008-02-29"), D("2026-03-01")), 18);
	cr_assert_eq(dasv_date_age(D("2008-02-29"), D("2024-02-28")), 15);
	cr_assert_eq(dasv_date_age(D("2008-02-29"), D("2024-02-29")), 16);
}

/* --- months --- */

Test(date_add_months, clamps_to_month_end)
{
	cr_assert_eq(dasv_date_add_months(D("2025-01-31"), 1), D("2025-02-28"));
	cr_assert_eq(dasv_date_add_months(D("2024-01-31"), 1), D("2024-02-29"));
	cr_assert_eq(dasv_date_add_months(D("2025-03-31"), 1), D("2025-04-30"));
	cr_assert_eq(dasv_date_add_months(D("2024-02-29"), 12), D("2025-02-28"));
}

Test(date_add_months, crosses_years_both_ways)
{
	cr_assert_eq(dasv_date_add_months(D("2025-11-15"), 3), D("2026-02-15"));
	cr_assert_eq(dasv_date_add_months(D("2025-03-31"), -1), D("2025-02-28"));
	cr_assert_eq(dasv_date_add_months(D("2025-01-15"), -13), D("2023-12-15"));
	cr_assert_eq(dasv_date_add_months(D("2025-01-15"), 0), D("2025-01-15"));
}

Test(date_add_months, extreme_months_clamp)
{
	cr_assert_eq(dasv_date_add_months(0, INT_MAX), INT32_MAX);
	cr_assert_eq(dasv_date_add_months(0, INT_MIN), INT32_MIN);
}

/* --- clocks --- */

Test(date_today, invalid_env_is_ignored)
{
	int64_t now = (int64_t)time(NULL) / 86400;

	setenv("DASV_TODAY", "2025-02-29", 1);
	cr_assert(dasv_date_today() >= now && dasv_date_today() <= now + 1);
}

Test(date_today, env_overrides_clock)
{
	setenv("DASV_TODAY", "2025-03-01", 1);
	cr_assert_eq(dasv_date_today(), D("2025-03-01"));
}

Test(date_today, real_clock_without_env)
{
	int64_t now = (int64_t)time(NULL) / 86400;

	unsetenv("DASV_TODAY");
	cr_assert(dasv_date_today() >= now && dasv_date_today() <= now + 1);
}

Test(time_now_utc, has_iso_shape)
{
	char buf[21];
	int32_t d;
	char day[11];

	setenv("DASV_TODAY", "2001-01-01", 1);	/* must not affect timestamps */
	dasv_time_now_utc(buf);
	cr_assert_eq(strlen(buf), 20);
	cr_assert(buf[10] == 'T' && buf[13] == ':' && buf[16] == ':' && buf[19] == 'Z');
	memcpy(day, buf, 10);
	day[10] = '\0';
	cr_assert_eq(dasv_date_parse(day, &d, NULL, 0), DASV_OK);
	cr_assert_neq(d, D("2001-01-01"));
}
