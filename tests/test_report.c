/*
 * test_report.c - commissioning reports (core/report*.c): who may run them,
 * periods, parameters, small-number suppression on its own and in every
 * table, the figures of a hand-built fixture (counts, working-day medians
 * and percentiles, standards, risk, outcomes, reach, needs, trend), the
 * filters, and the three outputs agreeing with each other.
 *
 * Hostile cases first.  Expected figures are worked out by hand in the
 * comments next to the fixture, never by running the same SQL.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "helpers.h"
#include "referral_fixtures.h"
#include "report.h"

static struct th t;

static void
setup(void)
{
	fx_today(FX_TODAY);
	th_setup(&t);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(period, .init = setup, .fini = teardown);
TestSuite(access, .init = setup, .fini = teardown);
TestSuite(suppress, .init = setup, .fini = teardown);
TestSuite(figures, .init = setup, .fini = teardown);
TestSuite(output, .init = setup, .fini = teardown);

/* ---- helpers ---------------------------------------------------------------- */

static void
params_q2(struct dasv_report_params *p)
{
	dasv_report_params_init(p);
	snprintf(p->from, sizeof(p->from), "2026-04-01");
	snprintf(p->to, sizeof(p->to), "2026-06-30");
}

static struct dasv_report *
run(const struct dasv_report_params *p)
{
	struct dasv_report *r = NULL;

	cr_assert_eq(dasv_report_run(t.d, p, &r), DASV_OK, "report: %s", dasv_errmsg(t.d));
	cr_assert_not_null(r);
	return r;
}

static const struct dasv_report_table *
table(const struct dasv_report *r, const char *id)
{
	const struct dasv_report_table *tb = dasv_report_table_find(r, id);

	cr_assert_not_null(tb, "no table %s", id);
	return tb;
}

/* The text of a cell, by table id, row code and column id. */
static const char *
cell_text(const struct dasv_report *r, const char *tid, const char *row, const char *col)
{
	static char buf[8][64];
	static int next;
	const struct dasv_report_table *tb = table(r, tid);
	long ri = dasv_report_row_find(tb, row), ci = dasv_report_col_find(tb, col);
	char *out = buf[next++ % 8];

	cr_assert_geq(ri, 0, "%s: no row %s", tid, row);
	cr_assert_geq(ci, 0, "%s: no column %s", tid, col);
	return dasv_report_cell_text(r, tb, (size_t)ri, (size_t)ci, out, 64);
}

#define EXPECT_CELL(r, tid, row, col, want)                                            \
	cr_expect_str_eq(cell_text(r, tid, row, col), want, "%s[%s][%s] = '%s', want '%s'", \
			 tid, row, col, cell_text(r, tid, row, col), want)

static int64_t
audit_count(const char *action)
{
	char sql[160];
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int64_t n = 0;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
	st = fx_sql_prepare(&db, t.path, sql, 0);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
set_threshold(const char *v)
{
	cr_assert_eq(dasv_setting_set(t.d, "suppress_below", v), DASV_OK, "%s", dasv_errmsg(t.d));
}

/* ---- an independent check of suppression on any table ------------------------ */

/*
 * What a reader knows of a cell: shown exactly; "<k" is 1..k-1; "*" on a
 * count is at least k (complements are never small and never 0).
 */
static void
bounds(const struct dasv_report_cell *c, int k, int64_t *lo, int64_t *hi)
{
	if (c->supp == DASV_SUPP_NONE) {
		*lo = *hi = c->n;
	} else if (c->supp == DASV_SUPP_SMALL) {
		*lo = 1;
		*hi = k - 1;
	} else {
		*lo = k;
		*hi = INT64_MAX / 8;
	}
}

/*
 * Every rule the output must keep, checked without the core's code: no
 * count from 1 to k-1 shown; no hidden count pinned to one value by a
 * partition; no share or statistic of a hidden count, or over fewer than k
 * people, shown; nothing hidden still carrying its value.
 */
static void
check_suppressed(const struct dasv_report_table *tb, int k)
{
	size_t n = tb->nrows * tb->ncols;

	for (size_t i = 0; i < n; i++) {
		const struct dasv_report_cell *c = &tb->cells[i];
		if (c->kind == DASV_CELL_COUNT && c->supp == DASV_SUPP_NONE)
			cr_expect(c->n == 0 || c->n >= k, "%s cell %zu shows %lld", tb->id, i,
				  (long long)c->n);
		if (c->supp != DASV_SUPP_NONE)
			cr_expect(c->n == 0 && c->base == 0 && c->v == 0,
				  "%s cell %zu is hidden but holds a value", tb->id, i);
		if ((c->kind == DASV_CELL_SHARE || c->kind == DASV_CELL_STAT) &&
		    c->supp == DASV_SUPP_NONE) {
			int64_t over = c->kind == DASV_CELL_SHARE ? c->base : c->n;
			cr_expect(over >= k, "%s cell %zu: a figure over %lld people is shown", tb->id,
				  i, (long long)over);
			for (int j = 0; j < 2; j++)
				if (c->ref[j] >= 0)
					cr_expect_eq(tb->cells[c->ref[j]].supp, DASV_SUPP_NONE,
						     "%s cell %zu shows a figure of a hidden count",
						     tb->id, i);
		}
	}
	for (size_t g = 0; g < tb->ngroups; g++) {
		const struct dasv_report_group *gr = &tb->groups[g];
		size_t cnt = gr->count + 1;
		for (size_t x = 0; x < cnt; x++) {
			size_t cx = x < gr->count ? tb->members[gr->first + x] : gr->total;
			int64_t lo, hi, slo = 0, shi = 0, tlo, thi, a, b;
			if (tb->cells[cx].supp == DASV_SUPP_NONE)
				continue;
			bounds(&tb->cells[cx], k, &lo, &hi);
			for (size_t y = 0; y < gr->count; y++) {
				if (tb->members[gr->first + y] == cx)
					continue;
				bounds(&tb->cells[tb->members[gr->first + y]], k, &a, &b);
				slo += a;
				shi = (shi >= INT64_MAX / 8 || b >= INT64_MAX / 8) ? INT64_MAX / 8
										   : shi + b;
			}
			if (cx == gr->total) {
				if (slo > lo)
					lo = slo;
				if (shi < hi)
					hi = shi;
			} else {
				bounds(&tb->cells[gr->total], k, &tlo, &thi);
				a = shi >= INT64_MAX / 8 ? INT64_MIN / 8 : tlo - shi;
				b = thi >= INT64_MAX / 8 ? INT64_MAX / 8 : thi - slo;
				if (a > lo)
					lo = a;
				if (b < hi)
					hi = b;
			}
			cr_expect_gt(hi, lo, "%s: hidden cell %zu can be worked out from group %zu",
				     tb->id, cx, g);
		}
	}
}

/* A table made by hand, for suppression alone. */
struct handmade {
	struct dasv_report_table tb;
	struct dasv_report_row rows[8];
	struct dasv_report_column cols[8];
	struct dasv_report_cell cells[64];
	struct dasv_report_group groups[16];
	size_t members[128];
};

static void
hm_init(struct handmade *h, size_t nrows, size_t ncols)
{
	memset(h, 0, sizeof(*h));
	h->tb.nrows = nrows;
	h->tb.ncols = ncols;
	h->tb.rows = h->rows;
	h->tb.cols = h->cols;
	h->tb.cells = h->cells;
	h->tb.groups = h->groups;
	h->tb.members = h->members;
	snprintf(h->tb.id, sizeof(h->tb.id), "handmade");
	for (size_t i = 0; i < nrows * ncols; i++) {
		h->cells[i].kind = DASV_CELL_COUNT;
		h->cells[i].ref[0] = h->cells[i].ref[1] = -1;
	}
}

static void
hm_group(struct handmade *h, size_t total, const size_t *members, size_t n)
{
	struct dasv_report_group *g = &h->groups[h->tb.ngroups++];

	g->total = total;
	g->first = h->tb.nmembers;
	g->count = n;
	memcpy(&h->members[h->tb.nmembers], members, n * sizeof(*members));
	h->tb.nmembers += n;
}

/* ---- the fixture ------------------------------------------------------------ */

/*
 * Service 1 is the seeded "IDVA Service (Cambridgeshire)" (first contact
 * standard 2 working days, 1 for high risk); service 3 "DA Outreach" (5, 2).
 */
#define IDVA 1
#define OUTREACH 3

struct fx_case {
	const char *received;
	int dash_yes;         /* -1: no DASH; 14+ with consent is high and MARAC */
	int64_t service;      /* 0: not allocated */
	const char *alloc_on; /* the day of allocation */
	const char *contact_on;
	const char *close_reason; /* NULL: open */
	const char *close_on;
	int stopped, exit_level, safer, qol;
	const char *district, *sex;
};

/*
 * Received in 2026 Q2 unless noted; "wd" is working days from the
 * referral to first contact, "std" first contact from allocation against
 * the standard.
 *
 * IDVA, all high risk and MARAC, in Cambridge:
 *  A1 Fri 04-03, contact Mon 04-06: wd 1; std 1 <= 1 met.   completed
 *  A2 Fri 04-03, contact same day:   wd 0; met.              completed
 *  A3 Fri 04-10, contact Tue 04-14:  wd 2; 2 > 1 missed.     completed
 *  A4 Sat 04-11 (allocated Sat), contact Mon 04-13: wd 1; met.  declined
 *  A5 Wed 04-15, contact Wed 04-22:  wd 5; missed.           declined
 *  A6 Fri 04-17, contact Mon 04-27:  wd 6; missed.           declined
 *  wd sorted 0 1 1 2 5 6: median (1+2)/2 = 1.5; 90th at 5 * 0.9 = 4.5:
 *  5 + 0.5 * (6 - 5) = 5.5.  Measured 6, met 3, missed 3.
 * Outreach, all medium, in Fenland:
 *  B1 Mon 05-04, contact Wed 05-06: wd 2; 2 <= 5 met.
 *  B2 Mon 05-04, contact Mon 05-11: wd 5; met.
 *  B3 Tue 05-05, contact Fri 05-15: wd 8; missed.
 *  B4 Tue 05-05, allocated Fri 06-12, no contact: 1 working day by today
 *     (Mon 06-15), within the standard: not measured yet.
 *  B5, B6 Tue 05-05, allocated 05-05, no contact: past the standard, missed.
 *  B7 Wed 05-06, contact Thu 05-07: wd 1; met.
 *  wd sorted 1 2 5 8: median 3.5; 90th at 3 * 0.9 = 2.7: 5 + 0.7 * 3 = 7.1.
 *  Measured 6 (not B4), met 3, missed 3.
 * Not allocated, standard risk, in Peterborough, men, closed no_contact:
 *  N1 N2 N3.
 * 2026 Q1 (outside the period, inside the trend): Q1a Q1b Q1c, standard,
 * entered after A6 (fixture order: A1-A6, Q1a-c, B1-B7, N1-N3).
 *
 * All: wd 0 1 1 1 2 2 5 5 6 8: median 2.0; 90th at 9 * 0.9 = 8.1:
 * 6 + 0.1 * 2 = 6.2.
 */
static const struct fx_case fixture[] = {
	{ "2026-04-03", 14, IDVA, "2026-04-03", "2026-04-06", "support_completed", "2026-05-01",
	  1, 0, 1, 4, "cambridge", "female" },
	{ "2026-04-03", 14, IDVA, "2026-04-03", "2026-04-03", "support_completed", "2026-05-01",
	  1, 1, 1, 4, "cambridge", "female" },
	{ "2026-04-10", 14, IDVA, "2026-04-10", "2026-04-14", "support_completed", "2026-05-01",
	  1, 0, 1, 4, "cambridge", "female" },
	{ "2026-04-11", 14, IDVA, "2026-04-11", "2026-04-13", "declined", "2026-05-08", -1, -1,
	  -1, 0, "cambridge", "female" },
	{ "2026-04-15", 14, IDVA, "2026-04-15", "2026-04-22", "declined", "2026-05-08", -1, -1,
	  -1, 0, "cambridge", "female" },
	{ "2026-04-17", 14, IDVA, "2026-04-17", "2026-04-27", "declined", "2026-05-08", -1, -1,
	  -1, 0, "cambridge", "female" },
	/* Q1, entered between the others so their ids sit inside Q2's */
	{ "2026-03-30", 3, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, "cambridge", "female" },
	{ "2026-03-31", 3, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, "cambridge", "female" },
	{ "2026-03-31", 3, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, "cambridge", "female" },
	{ "2026-05-04", 10, OUTREACH, "2026-05-04", "2026-05-06", NULL, NULL, 0, 0, 0, 0,
	  "fenland", "female" },
	{ "2026-05-04", 10, OUTREACH, "2026-05-04", "2026-05-11", NULL, NULL, 0, 0, 0, 0,
	  "fenland", "female" },
	{ "2026-05-05", 10, OUTREACH, "2026-05-05", "2026-05-15", NULL, NULL, 0, 0, 0, 0,
	  "fenland", "female" },
	{ "2026-05-05", 10, OUTREACH, "2026-06-12", NULL, NULL, NULL, 0, 0, 0, 0, "fenland",
	  "female" },
	{ "2026-05-05", 10, OUTREACH, "2026-05-05", NULL, NULL, NULL, 0, 0, 0, 0, "fenland",
	  "female" },
	{ "2026-05-05", 10, OUTREACH, "2026-05-05", NULL, NULL, NULL, 0, 0, 0, 0, "fenland",
	  "female" },
	{ "2026-05-06", 10, OUTREACH, "2026-05-06", "2026-05-07", NULL, NULL, 0, 0, 0, 0,
	  "fenland", "female" },
	{ "2026-05-20", 3, 0, NULL, NULL, "no_contact", "2026-06-10", -1, -1, -1, 0,
	  "peterborough", "male" },
	{ "2026-05-20", 3, 0, NULL, NULL, "no_contact", "2026-06-10", -1, -1, -1, 0,
	  "peterborough", "male" },
	{ "2026-06-01", 3, 0, NULL, NULL, "no_contact", "2026-06-10", -1, -1, -1, 0,
	  "peterborough", "male" },
};
#define FIXTURE_N (sizeof(fixture) / sizeof(fixture[0]))

static int64_t fixture_ids[FIXTURE_N];

/* Build the fixture through the public API as admin, moving "today" along. */
static void
build_fixture(void)
{
	for (size_t i = 0; i < FIXTURE_N; i++) {
		const struct fx_case *f = &fixture[i];
		struct dasv_referral r;
		char name[32];
		int waiting = 0;
		int64_t id;

		fx_today(FX_TODAY);
		fx_name_of((int)i, "Report", name, sizeof(name));
		fx_referral(&r, "Alex", name, "1985-05-05", NULL);
		snprintf(r.received_on, sizeof(r.received_on), "%s", f->received);
		snprintf(r.district, sizeof(r.district), "%s", f->district);
		snprintf(r.eq_sex, sizeof(r.eq_sex), "%s", f->sex);
		id = fx_create(t.d, &r, NULL);
		dasv_referral_clear(&r);
		fixture_ids[i] = id;
		if (f->dash_yes >= 0)
			fx_dash(t.d, id, f->dash_yes, 1, f->received, NULL);
		if (f->service) {
			fx_today(f->alloc_on);
			cr_assert_eq(dasv_allocate(t.d, id, f->service, 0, "fixture", &waiting),
				     DASV_OK, "allocate: %s", dasv_errmsg(t.d));
			cr_assert_eq(waiting, 0);
		}
		if (f->contact_on) {
			fx_today(f->contact_on);
			cr_assert_eq(dasv_contact_add(t.d, id, DASV_CONTACT_MADE, "spoke"), DASV_OK,
				     "contact: %s", dasv_errmsg(t.d));
		}
		if (f->close_reason) {
			struct dasv_outcome o;
			struct dasv_field_err fe;
			fx_today(FX_TODAY);
			memset(&o, 0, sizeof(o));
			snprintf(o.reason, sizeof(o.reason), "%s", f->close_reason);
			snprintf(o.closed_on, sizeof(o.closed_on), "%s", f->close_on);
			o.abuse_stopped = f->stopped;
			o.exit_level = f->exit_level;
			o.feels_safer = f->safer;
			o.quality_of_life = f->qol;
			cr_assert_eq(dasv_referral_close(t.d, id, &o, &fe), DASV_OK, "close: %s",
				     dasv_errmsg(t.d));
		}
	}
	fx_today(FX_TODAY);
}

/* ---- periods (hostile first) -------------------------------------------------- */

Test(period, bad_input_is_invalid_and_names_the_option)
{
	static const struct {
		const char *option, *value;
	} bad[] = {
		{ "quarter", "2026Q5" },  { "quarter", "2026Q0" }, { "quarter", "26Q1" },
		{ "quarter", "2026Q1x" }, { "quarter", "" },       { "quarter", "2026-Q1" },
		{ "quarter", "1899Q4" },  { "quarter", "2200Q1" }, { "quarter", "2026\033Q1" },
		{ "month", "2026-13" },   { "month", "2026-00" },  { "month", "2026-9" },
		{ "month", "202609" },    { "month", "2026-09-01" }, { "month", "abcd-ef" },
		{ "year", "20260" },      { "year", "abcd" },      { "year", "1899" },
		{ "year", "" },           { "year", "-202" },
	};
	char from[11] = "unchanged", to[11] = "unchanged", err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(dasv_report_period_parse(bad[i].option, bad[i].value, from, to, err,
						      sizeof(err)),
			     DASV_INVALID, "%s '%s' accepted", bad[i].option, bad[i].value);
		cr_expect(strncmp(err, bad[i].option, strlen(bad[i].option)) == 0,
			  "message '%s' does not name %s", err, bad[i].option);
		cr_expect_null(strchr(err, '\033'), "message carries an escape byte");
	}
	cr_expect_str_eq(from, "unchanged");
	cr_expect_str_eq(to, "unchanged");
	cr_expect_eq(dasv_report_period_parse("week", "2026-W01", from, to, err, sizeof(err)),
		     DASV_USAGE);
	cr_expect_eq(dasv_report_period_parse("year", NULL, from, to, err, sizeof(err)),
		     DASV_INVALID);
}

Test(period, custom_range_checks_both_ends)
{
	char err[200];

	cr_expect_eq(dasv_report_range_check("2026-02-30", "2026-03-01", err, sizeof(err)),
		     DASV_INVALID);
	cr_expect(strncmp(err, "from:", 5) == 0, "%s", err);
	cr_expect_eq(dasv_report_range_check("2026-02-01", "2026-13-01", err, sizeof(err)),
		     DASV_INVALID);
	cr_expect(strncmp(err, "to:", 3) == 0, "%s", err);
	cr_expect_eq(dasv_report_range_check("2026-03-02", "2026-03-01", err, sizeof(err)),
		     DASV_INVALID);
	cr_expect(strncmp(err, "to:", 3) == 0, "%s", err);
	cr_expect_eq(dasv_report_range_check("2025-02-29", "2025-03-01", err, sizeof(err)),
		     DASV_INVALID, "2025 is not a leap year");
	cr_expect_eq(dasv_report_range_check("2024-02-29", "2024-02-29", err, sizeof(err)),
		     DASV_OK, "%s", err);
}

Test(period, quarters_months_years_and_leap_years)
{
	static const struct {
		const char *option, *value, *from, *to;
	} good[] = {
		{ "quarter", "2026Q1", "2026-01-01", "2026-03-31" },
		{ "quarter", "2026q2", "2026-04-01", "2026-06-30" },
		{ "quarter", "2026Q3", "2026-07-01", "2026-09-30" },
		{ "quarter", "2026Q4", "2026-10-01", "2026-12-31" },
		{ "month", "2026-09", "2026-09-01", "2026-09-30" },
		{ "month", "2028-02", "2028-02-01", "2028-02-29" },
		{ "month", "2026-02", "2026-02-01", "2026-02-28" },
		{ "month", "2100-02", "2100-02-01", "2100-02-28" },
		{ "month", "2000-02", "2000-02-01", "2000-02-29" },
		{ "month", "2026-12", "2026-12-01", "2026-12-31" },
		{ "year", "2026", "2026-01-01", "2026-12-31" },
		{ "year", "2024", "2024-01-01", "2024-12-31" },
	};
	char from[11], to[11], err[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_assert_eq(dasv_report_period_parse(good[i].option, good[i].value, from, to, err,
						      sizeof(err)),
			     DASV_OK, "%s %s: %s", good[i].option, good[i].value, err);
		cr_expect_str_eq(from, good[i].from, "%s %s", good[i].option, good[i].value);
		cr_expect_str_eq(to, good[i].to, "%s %s", good[i].option, good[i].value);
	}
}

Test(period, default_is_the_last_full_quarter)
{
	static const struct {
		const char *today, *from, *to;
	} cases[] = {
		{ "2026-10-05", "2026-07-01", "2026-09-30" },
		{ "2026-01-15", "2025-10-01", "2025-12-31" },
		{ "2026-03-31", "2025-10-01", "2025-12-31" },
		{ "2026-04-01", "2026-01-01", "2026-03-31" },
		{ "2024-07-01", "2024-04-01", "2024-06-30" },
	};
	char from[11], to[11];
	int32_t day;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(dasv_date_parse(cases[i].today, &day, NULL, 0), DASV_OK);
		dasv_report_last_quarter(day, from, to);
		cr_expect_str_eq(from, cases[i].from, "today %s", cases[i].today);
		cr_expect_str_eq(to, cases[i].to, "today %s", cases[i].today);
	}
}

Test(period, a_run_without_a_period_reports_the_last_quarter)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	dasv_report_params_init(&p);
	fx_today("2026-10-05");
	r = run(&p);
	cr_expect_str_eq(r->params.from, "2026-07-01");
	cr_expect_str_eq(r->params.to, "2026-09-30");
	/* the trend: the 8 quarters ending with the period's last */
	cr_expect_str_eq(r->trend_from, "2024-10-01");
	cr_expect_str_eq(r->trend_to, "2026-09-30");
	dasv_report_free(&r);
	cr_expect_null(r);
	dasv_report_free(&r);
}

/* ---- access and parameters ------------------------------------------------------ */

Test(access, caseworkers_are_denied_and_locked_sessions_refused)
{
	struct dasv_report_params p;
	struct dasv_report *r = NULL;
	int64_t before;

	params_q2(&p);
	th_add_user(&t, "cw", DASV_ROLE_CASEWORKER);
	th_as(&t, "cw");
	before = audit_count("report");
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_DENIED);
	cr_expect_null(r);
	cr_expect_eq(audit_count("report"), before, "a refused run is not a report run");
	dasv_lock(t.d);
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_LOCKED);
	cr_expect_null(r);
}

Test(access, bad_parameters_are_invalid_and_name_the_field)
{
	struct dasv_report_params p;
	struct dasv_report *r = NULL;

	params_q2(&p);
	snprintf(p.district, sizeof(p.district), "atlantis\033[2J");
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	cr_expect(strncmp(dasv_errmsg(t.d), "district:", 9) == 0, "%s", dasv_errmsg(t.d));
	cr_expect_null(strchr(dasv_errmsg(t.d), '\033'));

	params_q2(&p);
	p.service_id = 9999;
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	cr_expect(strncmp(dasv_errmsg(t.d), "service:", 8) == 0, "%s", dasv_errmsg(t.d));

	params_q2(&p);
	snprintf(p.pathway, sizeof(p.pathway), "DA-NOPE");
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	cr_expect(strncmp(dasv_errmsg(t.d), "pathway:", 8) == 0, "%s", dasv_errmsg(t.d));

	params_q2(&p);
	snprintf(p.from, sizeof(p.from), "2026-07-01");
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	cr_expect(strncmp(dasv_errmsg(t.d), "to:", 3) == 0, "%s", dasv_errmsg(t.d));

	params_q2(&p);
	p.to[0] = '\0';
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	cr_expect(strncmp(dasv_errmsg(t.d), "to:", 3) == 0, "%s", dasv_errmsg(t.d));

	params_q2(&p);
	p.strand = 4;
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	params_q2(&p);
	p.by = (enum dasv_report_by)7;
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	params_q2(&p);
	p.sections = 1u << 20;
	cr_expect_eq(dasv_report_run(t.d, &p, &r), DASV_INVALID);
	cr_expect_null(r);

	/* codes are taken in any case and given back canonical */
	params_q2(&p);
	snprintf(p.pathway, sizeof(p.pathway), "da-risk");
	snprintf(p.district, sizeof(p.district), "FENLAND");
	r = run(&p);
	cr_expect_str_eq(r->params.pathway, "DA-RISK");
	cr_expect_str_eq(r->params.district, "fenland");
	dasv_report_free(&r);
}

Test(access, an_auditor_runs_every_report_and_cannot_open_a_person)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	struct dasv_referral ref;

	build_fixture();
	th_add_user(&t, "aud", DASV_ROLE_AUDITOR);
	th_as(&t, "aud");
	cr_assert_eq(dasv_session_holds_data_key(t.d), 0);
	for (int s = 0; s < DASV_SECTION_COUNT; s++) {
		params_q2(&p);
		p.sections = DASV_SECTION_BIT(s);
		r = run(&p);
		cr_expect_gt(r->ntables, 0, "section %s has no table", dasv_report_section_id(s));
		for (size_t i = 0; i < r->ntables; i++)
			cr_expect_eq(r->tables[i].section, (enum dasv_report_section)s);
		dasv_report_free(&r);
	}
	for (int by = DASV_BY_SERVICE; by <= DASV_BY_DISTRICT; by++) {
		params_q2(&p);
		p.by = (enum dasv_report_by)by;
		r = run(&p);
		cr_expect_eq(r->ntables, 22);
		dasv_report_free(&r);
	}
	memset(&ref, 0, sizeof(ref));
	cr_expect_eq(dasv_referral_get(t.d, fixture_ids[0], NULL, &ref), DASV_DENIED);
	cr_expect_eq(dasv_referral_get(t.d, fixture_ids[0], "audit sample", &ref), DASV_DENIED);
	cr_expect_null(ref.person.last_name);
	cr_expect_eq(dasv_district_population_set(t.d, "fenland", 1), DASV_DENIED);
}

Test(access, every_run_writes_one_audit_entry_without_personal_data)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	char detail[400];
	int64_t before;

	build_fixture();
	before = audit_count("report");
	params_q2(&p);
	p.strand = 1;
	snprintf(p.district, sizeof(p.district), "fenland");
	r = run(&p);
	dasv_report_free(&r);
	cr_expect_eq(audit_count("report"), before + 1);
	fx_sql_text(t.path, "SELECT detail FROM audit_log WHERE action = 'report' ORDER BY id DESC",
		    0, detail, sizeof(detail));
	cr_expect_str_eq(detail, "from=2026-04-01 to=2026-06-30 by=service strand=DA "
				 "district=fenland sections=all");
	cr_expect(!fx_audit_mentions(&t, "Reportaaa"), "a surname reached the audit log");
	cr_expect(!fx_audit_mentions(&t, "1985-05-05"), "a date of birth reached the audit log");
	params_q2(&p);
	p.sections = DASV_SECTION_BIT(DASV_SECTION_RISK) | DASV_SECTION_BIT(DASV_SECTION_TREND);
	r = run(&p);
	dasv_report_free(&r);
	cr_expect_eq(audit_count("report"), before + 2);
	fx_sql_text(t.path, "SELECT detail FROM audit_log WHERE action = 'report' ORDER BY id DESC",
		    0, detail, sizeof(detail));
	cr_expect_str_eq(detail, "from=2026-04-01 to=2026-06-30 by=service sections=risk,trend");
}

/* ---- suppression ------------------------------------------------------------- */

Test(suppress, one_small_cell_beside_a_shown_total_hides_a_second)
{
	struct handmade h;
	const size_t members[] = { 1, 2, 3 };

	/* total 10 = 7 + 3 + 0: the 3 could be worked out as 10 - 7 - 0 */
	hm_init(&h, 1, 4);
	h.cells[0].n = 10;
	h.cells[1].n = 7;
	h.cells[2].n = 3;
	h.cells[3].n = 0;
	hm_group(&h, 0, members, 3);
	dasv_report_suppress(&h.tb, 5);
	cr_expect_eq(h.cells[2].supp, DASV_SUPP_SMALL);
	cr_expect_eq(h.cells[1].supp, DASV_SUPP_COMPLEMENT, "the 7 must go too");
	cr_expect_eq(h.cells[0].supp, DASV_SUPP_NONE);
	cr_expect_eq(h.cells[3].supp, DASV_SUPP_NONE, "a 0 reveals nothing");
	cr_expect_eq(h.cells[0].n, 10);
	cr_expect_eq(h.cells[1].n, 0, "a hidden cell keeps no value");
	cr_expect_eq(h.cells[2].n, 0, "a hidden cell keeps no value");
	check_suppressed(&h.tb, 5);
}

Test(suppress, a_complement_that_still_pins_the_small_cell_is_not_enough)
{
	struct handmade h;
	const size_t members[] = { 1, 2, 3, 4 };

	/*
	 * total 12 = 1 + 5 + 6 + 0.  Hiding the 1 and the 5 leaves 6 hidden: a
	 * reader knows "<5" is at least 1 and "*" at least 5, so the 1 would
	 * be exactly 1.  A third cell must go.
	 */
	hm_init(&h, 1, 5);
	h.cells[0].n = 12;
	h.cells[1].n = 1;
	h.cells[2].n = 5;
	h.cells[3].n = 6;
	h.cells[4].n = 0;
	hm_group(&h, 0, members, 4);
	dasv_report_suppress(&h.tb, 5);
	cr_expect_eq(h.cells[1].supp, DASV_SUPP_SMALL);
	cr_expect_eq(h.cells[2].supp, DASV_SUPP_COMPLEMENT);
	cr_expect_eq(h.cells[3].supp, DASV_SUPP_COMPLEMENT);
	check_suppressed(&h.tb, 5);
}

Test(suppress, hiding_cascades_across_rows_and_columns)
{
	struct handmade h;
	size_t m[4];

	/*
	 *            a   b   total
	 *   row 0    3  20    23
	 *   row 1   30  40    70
	 *   all     33  60    93
	 * The 3 pins through its row (23 - 20) and its column (33 - 30).
	 */
	hm_init(&h, 3, 3);
	const int64_t v[9] = { 3, 20, 23, 30, 40, 70, 33, 60, 93 };
	for (int i = 0; i < 9; i++)
		h.cells[i].n = v[i];
	for (size_t r = 0; r < 3; r++) {
		m[0] = r * 3;
		m[1] = r * 3 + 1;
		hm_group(&h, r * 3 + 2, m, 2);
	}
	for (size_t c = 0; c < 3; c++) {
		m[0] = c;
		m[1] = 3 + c;
		hm_group(&h, 6 + c, m, 2);
	}
	dasv_report_suppress(&h.tb, 5);
	cr_expect_eq(h.cells[0].supp, DASV_SUPP_SMALL);
	cr_expect_neq(h.cells[1].supp, DASV_SUPP_NONE, "row partner");
	cr_expect_neq(h.cells[3].supp, DASV_SUPP_NONE, "column partner");
	cr_expect_neq(h.cells[4].supp, DASV_SUPP_NONE, "the corner that closes the rectangle");
	check_suppressed(&h.tb, 5);
}

Test(suppress, a_hidden_total_is_not_left_to_be_added_up)
{
	struct handmade h;
	const size_t members[] = { 1, 2 };

	/* the total 3 is small; its members 3 and 0 would add up to it */
	hm_init(&h, 1, 3);
	h.cells[0].n = 3;
	h.cells[1].n = 3;
	h.cells[2].n = 0;
	hm_group(&h, 0, members, 2);
	dasv_report_suppress(&h.tb, 5);
	cr_expect_eq(h.cells[0].supp, DASV_SUPP_SMALL);
	cr_expect_eq(h.cells[1].supp, DASV_SUPP_SMALL);
	cr_expect_eq(h.cells[2].supp, DASV_SUPP_NONE);
	check_suppressed(&h.tb, 5);
}

Test(suppress, shares_and_statistics_of_few_or_hidden_are_hidden)
{
	struct handmade h;

	hm_init(&h, 1, 6);
	h.cells[0].n = 3;  /* a small count */
	h.cells[1].n = 40; /* a count */
	h.cells[2].kind = DASV_CELL_SHARE; /* 3 of 40 */
	h.cells[2].n = 3;
	h.cells[2].base = 40;
	h.cells[2].v = 3.0 / 40;
	h.cells[2].ref[0] = 0;
	h.cells[2].ref[1] = 1;
	h.cells[3].kind = DASV_CELL_STAT; /* a median of 4 people */
	h.cells[3].n = 4;
	h.cells[3].v = 2.5;
	h.cells[4].kind = DASV_CELL_STAT; /* a median of 40 people */
	h.cells[4].n = 40;
	h.cells[4].v = 1.5;
	h.cells[4].ref[0] = 1;
	h.cells[5].kind = DASV_CELL_PLAIN; /* a capacity of 2 is not people */
	h.cells[5].n = 2;
	dasv_report_suppress(&h.tb, 5);
	cr_expect_eq(h.cells[0].supp, DASV_SUPP_SMALL);
	cr_expect_eq(h.cells[2].supp, DASV_SUPP_DERIVED);
	cr_expect_eq(h.cells[2].v, 0);
	cr_expect_eq(h.cells[3].supp, DASV_SUPP_DERIVED);
	cr_expect_eq(h.cells[3].v, 0);
	cr_expect_eq(h.cells[4].supp, DASV_SUPP_NONE);
	cr_expect_eq(h.cells[4].v, 1.5);
	cr_expect_eq(h.cells[5].supp, DASV_SUPP_NONE);
	check_suppressed(&h.tb, 5);
}

/* Random partitioned tables: the independent checker must always pass. */
Test(suppress, random_tables_never_leak)
{
	unsigned seed = 12345;
	struct handmade h;
	size_t m[8];

	for (int round = 0; round < 400; round++) {
		size_t nr = 2 + (seed >> 3) % 5, nc = 2 + (seed >> 7) % 5; /* incl. totals */
		int k = 3 + (int)((seed >> 11) % 5);
		hm_init(&h, nr, nc);
		/* members, then each row's total in the last column, the All row last */
		for (size_t r = 0; r + 1 < nr; r++) {
			int64_t sum = 0;
			for (size_t c = 0; c + 1 < nc; c++) {
				seed = seed * 1103515245u + 12345u;
				int64_t v = (seed >> 16) % 4 == 0 ? 0 : (int64_t)((seed >> 18) % 12);
				h.cells[r * nc + c].n = v;
				sum += v;
			}
			h.cells[r * nc + nc - 1].n = sum;
		}
		for (size_t c = 0; c < nc; c++) {
			int64_t sum = 0;
			for (size_t r = 0; r + 1 < nr; r++)
				sum += h.cells[r * nc + c].n;
			h.cells[(nr - 1) * nc + c].n = sum;
		}
		for (size_t r = 0; r < nr; r++) {
			for (size_t c = 0; c + 1 < nc; c++)
				m[c] = r * nc + c;
			hm_group(&h, r * nc + nc - 1, m, nc - 1);
		}
		for (size_t c = 0; c < nc; c++) {
			for (size_t r = 0; r + 1 < nr; r++)
				m[r] = r * nc + c;
			hm_group(&h, (nr - 1) * nc + c, m, nr - 1);
		}
		dasv_report_suppress(&h.tb, k);
		check_suppressed(&h.tb, k);
		seed = seed * 1103515245u + 12345u;
	}
}

Test(suppress, every_table_of_a_real_report_keeps_the_rules)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	build_fixture();
	for (int by = DASV_BY_SERVICE; by <= DASV_BY_DISTRICT; by++) {
		params_q2(&p);
		p.by = (enum dasv_report_by)by;
		r = run(&p);
		cr_expect_eq(r->threshold, 5);
		for (size_t i = 0; i < r->ntables; i++)
			check_suppressed(&r->tables[i], r->threshold);
		/* the fixture has small counts that must show as <5 */
		EXPECT_CELL(r, "reach_source", "police", "referred", "16");
		EXPECT_CELL(r, "reach_sex", "male", "referred", "<5");
		EXPECT_CELL(r, "reach_sex", "male", "share_pct", "*");
		dasv_report_free(&r);
	}
}

Test(suppress, the_threshold_comes_from_settings_and_never_drops_below_3)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	build_fixture();
	set_threshold("10");
	params_q2(&p);
	r = run(&p);
	cr_expect_eq(r->threshold, 10);
	/* Fenland 7 is now small, shown as <10 */
	EXPECT_CELL(r, "reach_district", "fenland", "referred", "<10");
	for (size_t i = 0; i < r->ntables; i++)
		check_suppressed(&r->tables[i], 10);
	dasv_report_free(&r);
	set_threshold("1");
	r = run(&p);
	cr_expect_eq(r->threshold, 3, "a setting of 1 would show every 1 as '<1'");
	dasv_report_free(&r);
	set_threshold("not a number");
	r = run(&p);
	cr_expect_eq(r->threshold, 5);
	dasv_report_free(&r);
}

/* ---- figures ------------------------------------------------------------------ */

/* Each section on its own reads fewer columns: its figures must not change. */
Test(figures, each_section_alone_gives_the_figures_of_all_together)
{
	struct dasv_report_params p;
	struct dasv_report *all, *one;
	char a[64], b[64];

	build_fixture();
	set_threshold("3");
	for (int by = DASV_BY_SERVICE; by <= DASV_BY_DISTRICT; by++) {
		params_q2(&p);
		p.by = (enum dasv_report_by)by;
		all = run(&p);
		for (int s = 0; s < DASV_SECTION_COUNT; s++) {
			p.sections = DASV_SECTION_BIT(s);
			one = run(&p);
			for (size_t i = 0; i < one->ntables; i++) {
				const struct dasv_report_table *x = &one->tables[i];
				const struct dasv_report_table *y = table(all, x->id);
				cr_assert_eq(x->nrows, y->nrows, "%s rows", x->id);
				for (size_t r = 0; r < x->nrows; r++)
					for (size_t c = 0; c < x->ncols; c++)
						cr_expect_str_eq(
							dasv_report_cell_text(one, x, r, c, a, sizeof(a)),
							dasv_report_cell_text(all, y, r, c, b, sizeof(b)),
							"%s by %d [%s][%s]", x->id, by, x->rows[r].code,
							x->cols[c].id);
			}
			dasv_report_free(&one);
		}
		dasv_report_free(&all);
	}
}

Test(figures, uptake_funnel_and_closures_by_service)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	build_fixture();
	set_threshold("3");
	params_q2(&p);
	r = run(&p);
	EXPECT_CELL(r, "uptake", "1", "referred", "6");
	EXPECT_CELL(r, "uptake", "1", "allocated", "6");
	EXPECT_CELL(r, "uptake", "1", "first_contact", "6");
	EXPECT_CELL(r, "uptake", "1", "engaged", "6");
	EXPECT_CELL(r, "uptake", "1", "closed", "6");
	EXPECT_CELL(r, "uptake", "1", "support_completed", "3");
	EXPECT_CELL(r, "uptake", "1", "declined", "3");
	EXPECT_CELL(r, "uptake", "3", "referred", "7");
	EXPECT_CELL(r, "uptake", "3", "allocated", "7");
	EXPECT_CELL(r, "uptake", "3", "waiting", "0");
	EXPECT_CELL(r, "uptake", "3", "first_contact", "4");
	EXPECT_CELL(r, "uptake", "3", "closed", "0");
	EXPECT_CELL(r, "uptake", "none", "referred", "3");
	EXPECT_CELL(r, "uptake", "none", "allocated", "0");
	EXPECT_CELL(r, "uptake", "none", "no_contact", "3");
	EXPECT_CELL(r, "uptake", "all", "referred", "16");
	EXPECT_CELL(r, "uptake", "all", "allocated", "13");
	EXPECT_CELL(r, "uptake", "all", "first_contact", "10");
	EXPECT_CELL(r, "uptake", "all", "closed", "9");
	EXPECT_CELL(r, "uptake", "all", "support_completed", "3");
	EXPECT_CELL(r, "uptake", "all", "declined", "3");
	EXPECT_CELL(r, "uptake", "all", "no_contact", "3");
	/* a seeded service with no referrals is still listed, with zeros */
	EXPECT_CELL(r, "uptake", "7", "referred", "0");
	/* capacity now: six open at the IDVA service were closed, seven open at outreach */
	EXPECT_CELL(r, "capacity", "1", "capacity", "120");
	EXPECT_CELL(r, "capacity", "1", "open_cases", "0");
	EXPECT_CELL(r, "capacity", "3", "open_cases", "7");
	EXPECT_CELL(r, "capacity", "3", "capacity_used_pct", "4.7"); /* 7 / 150 */
	EXPECT_CELL(r, "capacity", "3", "waiting_list", "0");
	dasv_report_free(&r);
}

Test(figures, working_day_medians_and_percentiles_across_weekends)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	build_fixture();
	set_threshold("3");
	params_q2(&p);
	r = run(&p);
	EXPECT_CELL(r, "timeliness", "1", "first_contact", "6");
	EXPECT_CELL(r, "timeliness", "1", "median_days", "1.5");
	EXPECT_CELL(r, "timeliness", "1", "p90_days", "5.5");
	EXPECT_CELL(r, "timeliness", "1", "measured", "6");
	EXPECT_CELL(r, "timeliness", "1", "met_standard", "3");
	EXPECT_CELL(r, "timeliness", "1", "missed_standard", "3");
	EXPECT_CELL(r, "timeliness", "1", "met_standard_pct", "50.0");
	EXPECT_CELL(r, "timeliness", "3", "median_days", "3.5");
	EXPECT_CELL(r, "timeliness", "3", "p90_days", "7.1");
	EXPECT_CELL(r, "timeliness", "3", "measured", "6");
	EXPECT_CELL(r, "timeliness", "3", "met_standard", "3");
	EXPECT_CELL(r, "timeliness", "all", "first_contact", "10");
	EXPECT_CELL(r, "timeliness", "all", "median_days", "2.0");
	EXPECT_CELL(r, "timeliness", "all", "p90_days", "6.2");
	EXPECT_CELL(r, "timeliness", "all", "measured", "12");
	EXPECT_CELL(r, "timeliness", "all", "met_standard_pct", "50.0");
	/* a row with no contacts has no median at all, not a 0 */
	cr_expect_eq(dasv_report_row_find(table(r, "timeliness"), "none"), -1,
		     "a group with nothing to show is left out");
	EXPECT_CELL(r, "timeliness", "7", "median_days", "");
	dasv_report_free(&r);
	/* with the default threshold a median over 4 people is hidden, over 6 shown */
	set_threshold("5");
	r = run(&p);
	EXPECT_CELL(r, "timeliness", "3", "median_days", "*");
	EXPECT_CELL(r, "timeliness", "1", "median_days", "1.5");
	dasv_report_free(&r);
}

Test(figures, timeliness_medians_follow_dates_changed_on_the_file)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	sqlite3 *db = NULL;
	char sql[200];

	build_fixture();
	set_threshold("3");
	/*
	 * Move the IDVA first contacts to a week after the referral for A1..A3
	 * and ten days after for A4..A6, straight on the file.
	 */
	cr_assert_eq(sqlite3_open(t.path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	for (int i = 0; i < 6; i++) {
		snprintf(sql, sizeof(sql),
			 "UPDATE referrals SET first_contact_on = date(received_on, '%s') "
			 "WHERE id = %lld",
			 i < 3 ? "+7 days" : "+10 days", (long long)fixture_ids[i]);
		cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s",
			     sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	/*
	 * A1 Fri 04-03 +7 = Fri 04-10: 5.   A2 same: 5.   A3 Fri 04-10 -> 04-17: 5.
	 * A4 Sat 04-11 +10 = Tue 04-21: Mon-Fri 13-17 and Mon 20, Tue 21: 7.
	 * A5 Wed 04-15 +10 = Sat 04-25: Thu 16, Fri 17, Mon-Fri 20-24: 7.
	 * A6 Fri 04-17 +10 = Mon 04-27: Mon-Fri 20-24, Mon 27: 6.
	 * Sorted 5 5 5 6 7 7: median 5.5; 90th at 4.5: 7 + 0.5 * 0 = 7.0.
	 */
	params_q2(&p);
	p.sections = DASV_SECTION_BIT(DASV_SECTION_TIMELINESS);
	r = run(&p);
	EXPECT_CELL(r, "timeliness", "1", "median_days", "5.5");
	EXPECT_CELL(r, "timeliness", "1", "p90_days", "7.0");
	dasv_report_free(&r);
}

Test(figures, risk_levels_marac_and_rates_per_10000)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	const struct dasv_report_table *rt;
	long row;

	build_fixture();
	set_threshold("3");
	params_q2(&p);
	r = run(&p);
	EXPECT_CELL(r, "risk", "1", "high", "6");
	EXPECT_CELL(r, "risk", "1", "marac", "6");
	EXPECT_CELL(r, "risk", "1", "repeat_marac", "0");
	EXPECT_CELL(r, "risk", "1", "repeat_marac_pct", "0.0");
	EXPECT_CELL(r, "risk", "3", "medium", "7");
	EXPECT_CELL(r, "risk", "none", "standard", "3");
	EXPECT_CELL(r, "risk", "all", "referred", "16");
	EXPECT_CELL(r, "risk", "all", "standard", "3");
	EXPECT_CELL(r, "risk", "all", "medium", "7");
	EXPECT_CELL(r, "risk", "all", "high", "6");
	EXPECT_CELL(r, "risk", "all", "not_assessed", "0");
	EXPECT_CELL(r, "risk", "all", "escalation", "0");
	/* Cambridge 6 of 59 000, Fenland 7 of 40 000, Peterborough 3 of 80 000 */
	rt = table(r, "rate");
	row = dasv_report_row_find(rt, "fenland");
	cr_assert_geq(row, 0);
	cr_expect_float_eq(dasv_report_cell_at(rt, (size_t)row, 2)->v, 7.0 * 10000 / 40000, 1e-9);
	EXPECT_CELL(r, "rate", "cambridge", "per_10000", "1.0");
	EXPECT_CELL(r, "rate", "out_of_area", "adult_women", "");
	EXPECT_CELL(r, "rate", "out_of_area", "per_10000", "");
	/* All: 16 referrals over the 355 000 women of the districts with a population */
	row = dasv_report_row_find(rt, "all");
	cr_expect_float_eq(dasv_report_cell_at(rt, (size_t)row, 2)->v, 16.0 * 10000 / 355000,
			   1e-9);
	dasv_report_free(&r);

	/* admins change the population; 0 clears it */
	cr_expect_eq(dasv_district_population_set(t.d, "Fenland", 50000), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_eq(dasv_district_population_set(t.d, "atlantis", 50000), DASV_INVALID);
	cr_expect_eq(dasv_district_population_set(t.d, "fenland", -1), DASV_INVALID);
	cr_expect_eq(dasv_district_population_set(t.d, "fenland", 100000001), DASV_INVALID);
	r = run(&p);
	EXPECT_CELL(r, "rate", "fenland", "per_10000", "1.4");
	dasv_report_free(&r);
	cr_expect_eq(dasv_district_population_set(t.d, "fenland", 0), DASV_OK);
	r = run(&p);
	EXPECT_CELL(r, "rate", "fenland", "per_10000", "");
	dasv_report_free(&r);
	cr_expect_eq(audit_count("district_population"), 2);
}

Test(figures, repeat_marac_within_12_months_and_escalation)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	struct dasv_referral g;
	char name[32];
	int64_t id;

	set_threshold("3");
	/*
	 * Three people referred to MARAC in February and again in May (repeats),
	 * two people only in May.  A sixth person's third referral in a year is
	 * an escalation, which is itself a MARAC criterion.  Q2: 6 referrals, all
	 * high, 6 MARAC cases, 3 of them repeats: 50%; 1 escalation.
	 */
	for (int i = 0; i < 5; i++) {
		fx_name_of(i, "Repeat", name, sizeof(name));
		if (i < 3) {
			id = fx_quick(t.d, name, "1980-01-01", "2026-02-02", NULL);
			fx_dash(t.d, id, 14, 1, "2026-02-02", NULL);
		}
		id = fx_quick(t.d, name, "1980-01-01", "2026-05-04", NULL);
		fx_dash(t.d, id, 14, 1, "2026-05-04", NULL);
		fx_get(t.d, id, &g);
		cr_assert_eq(g.repeat_marac, i < 3, "fixture: repeat flag of %s", name);
		dasv_referral_clear(&g);
	}
	for (int k = 0; k < 3; k++) {
		const char *days[] = { "2026-01-05", "2026-03-02", "2026-05-05" };
		id = fx_quick(t.d, "Escalating", "1970-01-01", days[k], NULL);
		fx_dash(t.d, id, 3, 1, days[k], NULL);
	}
	fx_get(t.d, id, &g);
	cr_assert_eq(g.escalation, 1, "fixture: the third referral escalates");
	dasv_referral_clear(&g);
	params_q2(&p);
	p.sections = DASV_SECTION_BIT(DASV_SECTION_RISK);
	r = run(&p);
	EXPECT_CELL(r, "risk", "all", "referred", "6");
	EXPECT_CELL(r, "risk", "all", "high", "6");
	EXPECT_CELL(r, "risk", "all", "marac", "6");
	EXPECT_CELL(r, "risk", "all", "repeat_marac", "3");
	EXPECT_CELL(r, "risk", "all", "repeat_marac_pct", "50.0");
	/* one escalation: hidden, and the row's total stays honest */
	EXPECT_CELL(r, "risk", "all", "escalation", "<3");
	dasv_report_free(&r);
}

Test(figures, outcomes_at_exit_against_the_first_assessment)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	build_fixture();
	set_threshold("3");
	params_q2(&p);
	r = run(&p);
	/* IDVA: A1-A3 completed, abuse stopped, feel safer, exit below high; A4-A6 unknown */
	EXPECT_CELL(r, "outcomes", "1", "closed", "6");
	EXPECT_CELL(r, "outcomes", "1", "abuse_stopped", "3");
	EXPECT_CELL(r, "outcomes", "1", "abuse_not_stopped", "0");
	EXPECT_CELL(r, "outcomes", "1", "abuse_stopped_unknown", "3");
	EXPECT_CELL(r, "outcomes", "1", "abuse_stopped_pct", "100.0");
	EXPECT_CELL(r, "outcomes", "1", "feels_safer", "3");
	EXPECT_CELL(r, "outcomes_risk", "1", "risk_reduced", "3");
	EXPECT_CELL(r, "outcomes_risk", "1", "risk_unknown", "3");
	EXPECT_CELL(r, "quality_of_life", "1", "score_4", "3");
	EXPECT_CELL(r, "quality_of_life", "1", "not_recorded", "3");
	EXPECT_CELL(r, "quality_of_life", "1", "mean", "4.00");
	EXPECT_CELL(r, "outcomes", "none", "closed", "3");
	EXPECT_CELL(r, "outcomes", "all", "closed", "9");
	EXPECT_CELL(r, "outcomes", "all", "abuse_stopped_unknown", "6");
	dasv_report_free(&r);

	/* a re-assessment does not move the level at intake: A1 stays "reduced" */
	fx_today(FX_TODAY);
	{
		sqlite3 *db = NULL;
		char sql[200];
		cr_assert_eq(sqlite3_open(t.path, &db), SQLITE_OK);
		/* a later assessment at standard would make a "latest level" reading wrong */
		snprintf(sql, sizeof(sql),
			 "INSERT INTO assessments(referral_id, kind, assessed_on, assessed_by, "
			 "score, level, score_level) VALUES (%lld, 'dash', '2026-04-30', 1, 0, 0, 0)",
			 (long long)fixture_ids[0]);
		cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	r = run(&p);
	EXPECT_CELL(r, "outcomes_risk", "1", "risk_reduced", "3");
	dasv_report_free(&r);
	/* outcomes count by the day a case closed: nothing closed in Q1 */
	snprintf(p.from, sizeof(p.from), "2026-01-01");
	snprintf(p.to, sizeof(p.to), "2026-03-31");
	r = run(&p);
	EXPECT_CELL(r, "outcomes", "all", "closed", "0");
	dasv_report_free(&r);
}

Test(figures, who_is_reached_and_needs)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	int levels[DASV_NEED_DOMAINS] = { 0 };

	build_fixture();
	set_threshold("3");
	/* needs for B1-B3 (open cases): safety high, housing low, the rest none */
	levels[0] = 3;
	levels[1] = 1;
	for (int i = 9; i < 12; i++)
		cr_assert_eq(dasv_needs_record(t.d, fixture_ids[i], levels), DASV_OK, "%s",
			     dasv_errmsg(t.d));
	/* Q1a is outside the period, though its id lies among Q2's: it must not count */
	for (int i = 0; i < DASV_NEED_DOMAINS; i++)
		levels[i] = 3;
	cr_assert_eq(dasv_needs_record(t.d, fixture_ids[6], levels), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	params_q2(&p);
	r = run(&p);
	EXPECT_CELL(r, "reach_district", "cambridge", "referred", "6");
	EXPECT_CELL(r, "reach_district", "fenland", "referred", "7");
	EXPECT_CELL(r, "reach_district", "peterborough", "referred", "3");
	EXPECT_CELL(r, "reach_district", "all", "referred", "16");
	EXPECT_CELL(r, "reach_district", "fenland", "share_pct", "43.8"); /* 7 / 16 */
	EXPECT_CELL(r, "reach_sex", "female", "referred", "13");
	EXPECT_CELL(r, "reach_sex", "male", "referred", "3");
	EXPECT_CELL(r, "reach_sex", "not_recorded", "referred", "0");
	EXPECT_CELL(r, "reach_age_band", "35_44", "referred", "16");
	EXPECT_CELL(r, "reach_ethnicity", "not_recorded", "referred", "16");
	EXPECT_CELL(r, "reach_source", "police", "share_pct", "100.0");
	EXPECT_CELL(r, "needs", "safety", "assessed", "3");
	EXPECT_CELL(r, "needs", "safety", "any_need", "3");
	EXPECT_CELL(r, "needs", "safety", "high_need", "3");
	EXPECT_CELL(r, "needs", "safety", "high_need_pct", "100.0");
	EXPECT_CELL(r, "needs", "housing", "any_need", "3");
	EXPECT_CELL(r, "needs", "housing", "high_need", "0");
	EXPECT_CELL(r, "needs", "mental_health", "assessed", "3");
	EXPECT_CELL(r, "needs", "mental_health", "any_need", "0");
	EXPECT_CELL(r, "needs", "mental_health", "any_need_pct", "0.0");
	dasv_report_free(&r);
	/* the needs table alone reads the same (it takes another path) */
	p.sections = DASV_SECTION_BIT(DASV_SECTION_NEEDS);
	r = run(&p);
	EXPECT_CELL(r, "needs", "safety", "high_need", "3");
	EXPECT_CELL(r, "needs", "housing", "assessed", "3");
	EXPECT_CELL(r, "needs", "mental_health", "any_need", "0");
	dasv_report_free(&r);
}

Test(figures, trend_over_eight_quarters)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	const struct dasv_report_table *tb;

	build_fixture();
	set_threshold("3");
	params_q2(&p);
	r = run(&p);
	tb = table(r, "trend");
	cr_assert_eq(tb->nrows, 8);
	cr_expect_str_eq(tb->rows[0].code, "2024Q3");
	cr_expect_str_eq(tb->rows[7].code, "2026Q2");
	EXPECT_CELL(r, "trend", "2026Q2", "referred", "16");
	EXPECT_CELL(r, "trend", "2026Q2", "high", "6");
	EXPECT_CELL(r, "trend", "2026Q2", "marac", "6");
	EXPECT_CELL(r, "trend", "2026Q2", "allocated", "13");
	EXPECT_CELL(r, "trend", "2026Q2", "measured", "12");
	EXPECT_CELL(r, "trend", "2026Q2", "met_standard_pct", "50.0");
	EXPECT_CELL(r, "trend", "2026Q1", "referred", "3");
	EXPECT_CELL(r, "trend", "2026Q1", "high", "0");
	EXPECT_CELL(r, "trend", "2025Q4", "referred", "0");
	dasv_report_free(&r);
	/* a month's report still trends whole quarters; so does the trend alone */
	dasv_report_params_init(&p);
	snprintf(p.from, sizeof(p.from), "2026-05-01");
	snprintf(p.to, sizeof(p.to), "2026-05-31");
	for (int alone = 0; alone < 2; alone++) {
		p.sections = alone ? DASV_SECTION_BIT(DASV_SECTION_TREND) : 0;
		r = run(&p);
		EXPECT_CELL(r, "trend", "2026Q2", "referred", "16");
		EXPECT_CELL(r, "trend", "2026Q2", "measured", "12");
		EXPECT_CELL(r, "trend", "2026Q1", "referred", "3");
		dasv_report_free(&r);
	}
	/* a period longer than the trend leaves nothing for the trend's own query */
	snprintf(p.from, sizeof(p.from), "2020-01-01");
	snprintf(p.to, sizeof(p.to), "2026-06-30");
	p.sections = 0;
	r = run(&p);
	EXPECT_CELL(r, "trend", "2026Q2", "referred", "16");
	EXPECT_CELL(r, "trend", "2026Q1", "referred", "3");
	EXPECT_CELL(r, "uptake", "all", "referred", "19");
	dasv_report_free(&r);
}

Test(figures, filters_and_groupings)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	build_fixture();
	set_threshold("3");
	params_q2(&p);
	snprintf(p.district, sizeof(p.district), "fenland");
	r = run(&p);
	EXPECT_CELL(r, "uptake", "all", "referred", "7");
	EXPECT_CELL(r, "timeliness", "all", "median_days", "3.5");
	EXPECT_CELL(r, "trend", "2026Q2", "referred", "7");
	dasv_report_free(&r);

	params_q2(&p);
	p.service_id = IDVA;
	r = run(&p);
	EXPECT_CELL(r, "uptake", "all", "referred", "6");
	cr_expect_eq(dasv_report_row_find(table(r, "uptake"), "3"), -1,
		     "another service is not listed");
	EXPECT_CELL(r, "outcomes", "all", "closed", "6");
	dasv_report_free(&r);

	params_q2(&p);
	p.strand = 2; /* SV: the fixture is all DA */
	r = run(&p);
	EXPECT_CELL(r, "uptake", "all", "referred", "0");
	EXPECT_CELL(r, "timeliness", "all", "median_days", "");
	dasv_report_free(&r);

	params_q2(&p);
	p.by = DASV_BY_DISTRICT;
	r = run(&p);
	EXPECT_CELL(r, "uptake", "cambridge", "referred", "6");
	EXPECT_CELL(r, "uptake", "fenland", "referred", "7");
	EXPECT_CELL(r, "uptake", "peterborough", "referred", "3");
	EXPECT_CELL(r, "uptake", "huntingdonshire", "referred", "0");
	EXPECT_CELL(r, "timeliness", "cambridge", "median_days", "1.5");
	dasv_report_free(&r);

	params_q2(&p);
	p.by = DASV_BY_PATHWAY;
	r = run(&p);
	/* both services are on DA-RISK */
	EXPECT_CELL(r, "uptake", "DA-RISK", "allocated", "13");
	EXPECT_CELL(r, "capacity", "DA-RISK", "capacity", "350"); /* 120 + 80 + 150 */
	dasv_report_free(&r);
}

/* ---- outputs -------------------------------------------------------------------- */

static char *
write_to_string(const struct dasv_report *r, enum dasv_report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(dasv_report_write(r, fmt, f), DASV_OK);
	fclose(f);
	return buf;
}

/* RFC 4180: one record; returns the fields (malloc'd) and advances *p. */
static int
csv_record(const char **p, char fields[8][256], int *n)
{
	const char *s = *p;

	*n = 0;
	if (!*s)
		return 0;
	for (;;) {
		size_t k = 0;
		cr_assert_lt(*n, 8, "too many fields");
		if (*s == '"') {
			s++;
			for (;;) {
				cr_assert_neq(*s, '\0', "unterminated quoted field");
				if (*s == '"' && s[1] == '"') {
					fields[*n][k++] = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					fields[*n][k++] = *s++;
				}
				cr_assert_lt(k, 255);
			}
		} else {
			while (*s && *s != ',' && *s != '\r' && *s != '\n') {
				cr_assert_neq(*s, '"', "a bare quote in an unquoted field");
				fields[*n][k++] = *s++;
				cr_assert_lt(k, 255);
			}
		}
		fields[(*n)++][k] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		cr_assert(s[0] == '\r' && s[1] == '\n', "records end in CRLF");
		*p = s + 2;
		return 1;
	}
}

/* A tiny JSON reader: the value at *p, checked as it goes. */
struct jv {
	int type; /* 'o' 'a' 's' 'n' 'b' 'z' */
	char *str; /* strings, and numbers as written */
	size_t n;
	struct jv *items; /* arrays and objects' values */
	char **keys;
};

static void jv_free(struct jv *v);

static void
skip_ws(const char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\r' || **p == '\t')
		(*p)++;
}

static char *
j_string(const char **p)
{
	size_t cap = 64, k = 0;
	char *out = malloc(cap);
	const char *s = *p;

	cr_assert_eq(*s, '"');
	s++;
	while (*s != '"') {
		unsigned char ch = (unsigned char)*s;
		cr_assert(ch >= 0x20, "a raw control byte inside a JSON string");
		if (k + 8 > cap)
			out = realloc(out, cap *= 2);
		if (ch == '\\') {
			s++;
			switch (*s) {
			case '"': case '\\': case '/': out[k++] = *s++; break;
			case 'n': out[k++] = '\n'; s++; break;
			case 't': out[k++] = '\t'; s++; break;
			case 'r': out[k++] = '\r'; s++; break;
			case 'b': out[k++] = '\b'; s++; break;
			case 'f': out[k++] = '\f'; s++; break;
			case 'u':
				for (int i = 1; i <= 4; i++)
					cr_assert(isxdigit((unsigned char)s[i]), "bad \\u escape");
				out[k++] = '?';
				s += 5;
				break;
			default:
				cr_assert_fail("bad escape \\%c", *s);
			}
		} else {
			out[k++] = *s++;
		}
	}
	out[k] = '\0';
	*p = s + 1;
	return out;
}

static void
j_value(const char **p, struct jv *v)
{
	memset(v, 0, sizeof(*v));
	skip_ws(p);
	if (**p == '{' || **p == '[') {
		char close = **p == '{' ? '}' : ']';
		v->type = **p == '{' ? 'o' : 'a';
		(*p)++;
		skip_ws(p);
		if (**p == close) {
			(*p)++;
			return;
		}
		for (;;) {
			v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
			v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
			v->keys[v->n] = NULL;
			if (v->type == 'o') {
				skip_ws(p);
				v->keys[v->n] = j_string(p);
				skip_ws(p);
				cr_assert_eq(**p, ':');
				(*p)++;
			}
			j_value(p, &v->items[v->n]);
			v->n++;
			skip_ws(p);
			if (**p == ',') {
				(*p)++;
				continue;
			}
			cr_assert_eq(**p, close, "expected '%c' at '%.20s'", close, *p);
			(*p)++;
			return;
		}
	} else if (**p == '"') {
		v->type = 's';
		v->str = j_string(p);
	} else if (!strncmp(*p, "null", 4)) {
		v->type = 'z';
		*p += 4;
	} else if (!strncmp(*p, "true", 4) || !strncmp(*p, "false", 5)) {
		v->type = 'b';
		*p += **p == 't' ? 4 : 5;
	} else {
		const char *s = *p;
		if (*s == '-')
			s++;
		cr_assert(isdigit((unsigned char)*s), "bad JSON value at '%.20s'", *p);
		if (*s == '0')
			s++;
		else
			while (isdigit((unsigned char)*s))
				s++;
		if (*s == '.') {
			s++;
			cr_assert(isdigit((unsigned char)*s), "a digit after '.'");
			while (isdigit((unsigned char)*s))
				s++;
		}
		v->type = 'n';
		v->str = strndup(*p, (size_t)(s - *p));
		*p = s;
	}
}

static void
jv_free(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jv_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

static const struct jv *
j_get(const struct jv *o, const char *key)
{
	cr_assert_eq(o->type, 'o');
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return &o->items[i];
	cr_assert_fail("no key %s", key);
	return NULL;
}

/* The cells of the table writer's output, found by the header's column ends. */
static void
check_table_text(const struct dasv_report *r, const char *text)
{
	for (size_t i = 0; i < r->ntables; i++) {
		const struct dasv_report_table *tb = &r->tables[i];
		char title[256], cellbuf[64];
		const char *at, *line, *next;
		size_t colend[64];

		snprintf(title, sizeof(title), "\n%s\n", tb->title);
		cr_assert_not_null(at = strstr(text, title), "table %s not written", tb->id);
		line = at + strlen(title);
		next = strchr(line, '\n');
		/* each heading ends where its column ends */
		for (size_t c = 0, from = 0; c < tb->ncols; c++) {
			const char *h = strstr(line + from, tb->cols[c].label);
			cr_assert(h && h < next, "%s: heading %s", tb->id, tb->cols[c].label);
			while (h[strlen(tb->cols[c].label)] != ' ' &&
			       h[strlen(tb->cols[c].label)] != '\n')
				h = strstr(h + 1, tb->cols[c].label);
			colend[c] = (size_t)(h - line) + strlen(tb->cols[c].label);
			from = colend[c];
		}
		for (size_t row = 0; row < tb->nrows; row++) {
			line = next + 1;
			next = strchr(line, '\n');
			cr_assert_not_null(next);
			for (size_t c = 0; c < tb->ncols; c++) {
				size_t e = colend[c], b = e;
				char got[64];
				while (b > 0 && line[b - 1] != ' ')
					b--;
				snprintf(got, sizeof(got), "%.*s", (int)(e - b), line + b);
				dasv_report_cell_text(r, tb, row, c, cellbuf, sizeof(cellbuf));
				cr_expect_str_eq(got, cellbuf, "%s row %zu col %s: table '%s', cell '%s'",
						 tb->id, row, tb->cols[c].id, got, cellbuf);
			}
		}
	}
}

Test(output, csv_json_and_table_parse_and_agree)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	char fields[8][256], text[64], *csv, *json, *tab;
	const char *at;
	size_t records = 0, cells = 0;
	int n;

	build_fixture();
	params_q2(&p);
	r = run(&p);
	for (size_t i = 0; i < r->ntables; i++)
		cells += r->tables[i].nrows * r->tables[i].ncols;

	csv = write_to_string(r, DASV_FORMAT_CSV);
	at = csv;
	cr_assert(csv_record(&at, fields, &n));
	cr_assert_eq(n, 6);
	cr_expect_str_eq(fields[0], "section");
	cr_expect_str_eq(fields[5], "value");
	while (csv_record(&at, fields, &n)) {
		const struct dasv_report_table *tb = table(r, fields[1]);
		long row = dasv_report_row_find(tb, fields[2]), col = dasv_report_col_find(tb, fields[4]);
		cr_assert_eq(n, 6);
		cr_expect_str_eq(fields[0], dasv_report_section_id(tb->section));
		cr_assert_geq(row, 0, "csv row %s", fields[2]);
		cr_assert_geq(col, 0, "csv column %s", fields[4]);
		dasv_report_cell_text(r, tb, (size_t)row, (size_t)col, text, sizeof(text));
		cr_expect_str_eq(fields[5], text);
		records++;
	}
	cr_expect_eq(records, cells, "one CSV line per cell");
	free(csv);

	json = write_to_string(r, DASV_FORMAT_JSON);
	{
		struct jv root;
		const struct jv *tables;
		at = json;
		j_value(&at, &root);
		skip_ws(&at);
		cr_assert_eq(*at, '\0', "trailing bytes after the JSON value");
		cr_expect_str_eq(j_get(&root, "from")->str, "2026-04-01");
		cr_expect_eq(j_get(j_get(&root, "filters"), "district")->type, 'z');
		cr_expect_str_eq(j_get(&root, "suppress_below")->str, "5");
		tables = j_get(&root, "tables");
		cr_assert_eq(tables->n, r->ntables);
		for (size_t i = 0; i < tables->n; i++) {
			const struct dasv_report_table *tb = table(r, j_get(&tables->items[i], "id")->str);
			const struct jv *rows = j_get(&tables->items[i], "rows");
			cr_assert_eq(rows->n, tb->nrows);
			for (size_t row = 0; row < rows->n; row++) {
				const struct jv *cl = j_get(&rows->items[row], "cells");
				cr_expect_str_eq(j_get(&rows->items[row], "code")->str,
						 tb->rows[row].code);
				cr_assert_eq(cl->n, tb->ncols);
				for (size_t c = 0; c < cl->n; c++) {
					dasv_report_cell_text(r, tb, row, c, text, sizeof(text));
					if (cl->items[c].type == 'z')
						cr_expect_str_eq(text, "");
					else
						cr_expect_str_eq(cl->items[c].str, text);
					/* suppressed cells are strings, figures numbers */
					cr_expect_eq(cl->items[c].type,
						     tb->cells[row * tb->ncols + c].supp ? 's'
						     : text[0]			       ? 'n'
										       : 'z');
				}
			}
		}
		jv_free(&root);
	}
	free(json);

	tab = write_to_string(r, DASV_FORMAT_TABLE);
	check_table_text(r, tab);
	free(tab);
	dasv_report_free(&r);
}

Test(output, hostile_names_stay_inside_their_fields)
{
	struct dasv_report_params p;
	struct dasv_report *r;
	char fields[8][256], *csv, *json, *tab;
	const char *at;
	int64_t sid;
	int n, seen = 0;

	sid = fx_service(t.d, "=HYPERLINK(\"x\"), \\ \"quoted\"\n\033[2Jnext", "idva", "DA-RISK",
			 1, 10, 2, 1);
	params_q2(&p);
	r = run(&p);
	csv = write_to_string(r, DASV_FORMAT_CSV);
	at = csv;
	while (csv_record(&at, fields, &n)) {
		char code[32];
		cr_assert_eq(n, 6);
		snprintf(code, sizeof(code), "%lld", (long long)sid);
		if (!strcmp(fields[1], "uptake") && !strcmp(fields[2], code)) {
			seen++;
			cr_expect_eq(fields[3][0], '\'', "a formula must not start a cell");
			cr_expect_null(strchr(fields[3], '\033'));
		}
	}
	cr_expect_gt(seen, 0);
	free(csv);
	json = write_to_string(r, DASV_FORMAT_JSON);
	{
		struct jv root;
		at = json;
		j_value(&at, &root);
		skip_ws(&at);
		cr_expect_eq(*at, '\0');
		jv_free(&root);
	}
	cr_expect_null(strchr(json, '\033'), "no raw escape in JSON");
	free(json);
	tab = write_to_string(r, DASV_FORMAT_TABLE);
	cr_expect_null(strchr(tab, '\033'), "no escape reaches a terminal");
	free(tab);
	dasv_report_free(&r);
}

Test(output, formats_parse_and_bad_ones_are_refused)
{
	struct dasv_report_params p;
	struct dasv_report *r;

	cr_expect_eq(dasv_report_format_parse("table"), DASV_FORMAT_TABLE);
	cr_expect_eq(dasv_report_format_parse("csv"), DASV_FORMAT_CSV);
	cr_expect_eq(dasv_report_format_parse("json"), DASV_FORMAT_JSON);
	cr_expect_eq(dasv_report_format_parse("xml"), -1);
	cr_expect_eq(dasv_report_format_parse(NULL), -1);
	cr_expect_eq(dasv_report_by_parse("PATHWAY"), DASV_BY_PATHWAY);
	cr_expect_eq(dasv_report_by_parse("person"), -1);
	cr_expect_eq(dasv_report_section_parse("trend"), DASV_SECTION_TREND);
	cr_expect_eq(dasv_report_section_parse("names"), -1);
	params_q2(&p);
	r = run(&p);
	cr_expect_eq(dasv_report_write(r, (enum dasv_report_format)9, stdout), DASV_USAGE);
	cr_expect_eq(dasv_report_write(NULL, DASV_FORMAT_CSV, stdout), DASV_USAGE);
	dasv_report_free(&r);
}
