/*
 * screen_reports.c - the commissioning reports on screen: headline figures,
 * bar charts by service, pathway or district, the quarter-on-quarter trend
 * as sparklines, and an export of the same report as CSV.
 *
 * Auditors land here (it is their top screen); supervisors and admins reach
 * it with `r`.  Every figure and every suppression is the core's
 * (dasv_report_run, dasv_report_cell_text): this file only lays them out.
 * A bar is drawn from a cell that is shown, never from a hidden one, and its
 * figure is always printed beside it, so "<5" and "*" are never a bar.  The
 * report is run again only when the period or the grouping changes (the
 * core writes one audit entry per run); scrolling and resizing only redraw.
 * The screen holds figures and no personal data, so it has nothing to wipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "chart.h"
#include "date.h"
#include "report.h"
#include "text.h"
#include "widget.h"

/* ---- periods ------------------------------------------------------------- */

/* Copy src into dst, cut on a character boundary when it does not fit. */
static void
rp_copy(char *dst, size_t dstsz, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (!dstsz)
		return;
	if (len >= dstsz) {
		len = dstsz - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

enum rp_kind { RP_QUARTER, RP_MONTH, RP_YEAR, RP_CUSTOM };

struct rp_period {
	enum rp_kind kind;
	int year, num; /* num: quarter 1-4 or month 1-12 */
	char from[11], to[11];
};

static const char *const rp_months[12] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};

/* A quarter, month or year into from/to through the core's parser. */
static int
rp_period_make(struct rp_period *p, enum rp_kind kind, int year, int num, char *err, size_t errsz)
{
	char v[16];
	const char *opt;

	if (kind == RP_MONTH) {
		while (num < 1) {
			num += 12;
			year--;
		}
		while (num > 12) {
			num -= 12;
			year++;
		}
	} else if (kind == RP_QUARTER) {
		while (num < 1) {
			num += 4;
			year--;
		}
		while (num > 4) {
			num -= 4;
			year++;
		}
	}
	switch (kind) {
	case RP_QUARTER:
		snprintf(v, sizeof(v), "%04dQ%d", year, num);
		opt = "quarter";
		break;
	case RP_MONTH:
		snprintf(v, sizeof(v), "%04d-%02d", year, num);
		opt = "month";
		break;
	case RP_YEAR:
		snprintf(v, sizeof(v), "%04d", year);
		opt = "year";
		break;
	default:
		return -1;
	}
	if (dasv_report_period_parse(opt, v, p->from, p->to, err, errsz) != DASV_OK)
		return -1;
	p->kind = kind;
	p->year = year;
	p->num = num;
	return 0;
}

/* What a period parsed from an option ("2026Q3", "2026-09", "2026") is. */
static int
rp_period_parse(struct rp_period *p, enum rp_kind kind, const char *value, char *err,
		size_t errsz)
{
	static const char *const opts[] = { "quarter", "month", "year" };
	struct rp_period q;
	int month;

	memset(&q, 0, sizeof(q));
	if (kind > RP_YEAR ||
	    dasv_report_period_parse(opts[kind], value, q.from, q.to, err, errsz) != DASV_OK)
		return -1;
	q.kind = kind;
	q.year = atoi(q.from);
	month = atoi(q.from + 5);
	q.num = kind == RP_QUARTER ? (month + 2) / 3 : kind == RP_MONTH ? month : 0;
	*p = q;
	return 0;
}

static int
rp_period_custom(struct rp_period *p, const char *from, const char *to, char *err, size_t errsz)
{
	if (dasv_report_range_check(from, to, err, errsz) != DASV_OK)
		return -1;
	memset(p, 0, sizeof(*p));
	p->kind = RP_CUSTOM;
	rp_copy(p->from, sizeof(p->from), from);
	rp_copy(p->to, sizeof(p->to), to);
	p->year = atoi(from);
	p->num = (atoi(from + 5) + 2) / 3;
	return 0;
}

/* The last full quarter before today. */
static void
rp_period_default(struct rp_period *p)
{
	char from[11], to[11];

	dasv_report_last_quarter(dasv_date_today(), from, to);
	memset(p, 0, sizeof(*p));
	p->kind = RP_QUARTER;
	rp_copy(p->from, sizeof(p->from), from);
	rp_copy(p->to, sizeof(p->to), to);
	p->year = atoi(from);
	p->num = (atoi(from + 5) + 2) / 3;
}

/* The period before (dir -1) or after (+1) p, of the same kind and length. */
static int
rp_period_step(const struct rp_period *p, int dir, struct rp_period *out, char *err, size_t errsz)
{
	int32_t a, b, len;
	char from[11], to[11];

	*out = *p;
	if (p->kind != RP_CUSTOM)
		return rp_period_make(out, p->kind, p->kind == RP_YEAR ? p->year + dir : p->year,
				      p->kind == RP_YEAR ? 0 : p->num + dir, err, errsz);
	if (dasv_date_parse(p->from, &a, err, errsz) != DASV_OK ||
	    dasv_date_parse(p->to, &b, err, errsz) != DASV_OK)
		return -1;
	len = b - a + 1;
	dasv_date_format(a + dir * len, from);
	dasv_date_format(b + dir * len, to);
	return rp_period_custom(out, from, to, err, errsz);
}

/* "2026 Q3", "September 2026", "2026", or "2026-07-01 to 2026-09-30". */
static void
rp_period_name(const struct rp_period *p, char *buf, size_t bufsz)
{
	switch (p->kind) {
	case RP_QUARTER:
		snprintf(buf, bufsz, "%04d Q%d", p->year, p->num);
		break;
	case RP_MONTH:
		snprintf(buf, bufsz, "%s %04d", rp_months[(p->num + 11) % 12], p->year);
		break;
	case RP_YEAR:
		snprintf(buf, bufsz, "%04d", p->year);
		break;
	default:
		snprintf(buf, bufsz, "%s to %s", p->from, p->to);
		break;
	}
}

/* ---- the report laid out as lines --------------------------------------- */

enum rl_kind {
	RL_BLANK,
	RL_SECTION,  /* a section's heading */
	RL_SUB,      /* a chart's title */
	RL_NOTE,     /* a line of explanation */
	RL_KV,       /* two headline figures side by side */
	RL_BAR,      /* label, figure, bar, extra */
	RL_QUARTERS, /* the trend's quarter names, over its figures */
	RL_SPARK,    /* label, sparkline, the figures of each quarter */
};

#define RL_SPARK_MAX 8

struct rline {
	enum rl_kind kind;
	int role;        /* enum ui_role of a bar (risk levels have their own) */
	char label[96];
	char value[24];  /* the figure, exactly as the core prints it */
	char extra[72];  /* more figures, after the bar */
	double frac;     /* bar length 0..1; < 0: no bar (hidden or empty) */
	int share;       /* the bar is a share (0..1 scale), not scaled to the largest */
	char label2[48];
	char value2[72];
	int n;           /* sparkline points */
	int level[RL_SPARK_MAX];
	char svalue[RL_SPARK_MAX][10];
};

struct reports {
	struct app *a;
	struct rp_period per;
	enum dasv_report_by by;
	struct dasv_report *r; /* NULL when the last run failed */
	char run_error[256];
	struct rline *lines;
	size_t nlines, cap;
	bool oom;
	int top;    /* first line shown */
	int view_h; /* lines the last draw could show */
};

static struct rline rl_dummy; /* written to when out of memory, never shown */

static struct rline *
rl_add(struct reports *s, enum rl_kind kind)
{
	struct rline *l;

	if (s->nlines == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 128;
		struct rline *n = realloc(s->lines, cap * sizeof(*n));
		if (!n) {
			s->oom = true;
			memset(&rl_dummy, 0, sizeof(rl_dummy));
			return &rl_dummy;
		}
		s->lines = n;
		s->cap = cap;
	}
	l = &s->lines[s->nlines++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->frac = -1;
	l->role = UI_ROLE_LABEL;
	return l;
}

static void
rl_text(struct reports *s, enum rl_kind kind, const char *text)
{
	struct rline *l = rl_add(s, kind);

	rp_copy(l->label, sizeof(l->label), text);
}

/* ---- reading cells --------------------------------------------------------- */

static const struct dasv_report_table *
rp_table(const struct reports *s, const char *tid)
{
	return dasv_report_table_find(s->r, tid);
}

/* The cell of table tid at row code, column id, or NULL. */
static const struct dasv_report_cell *
rp_cell(const struct reports *s, const struct dasv_report_table *t, size_t row, const char *col,
	char *text, size_t textsz)
{
	long c = dasv_report_col_find(t, col);

	text[0] = '\0';
	if (!t || c < 0 || row >= t->nrows)
		return NULL;
	dasv_report_cell_text(s->r, t, row, (size_t)c, text, textsz);
	return dasv_report_cell_at(t, row, (size_t)c);
}

/* A shown figure: "12", "42.9%" for a share; "<5" and "*" as they are; "-" for empty. */
static void
rp_figure(const struct dasv_report_cell *c, const char *text, char *out, size_t outsz)
{
	if (!c || !text[0])
		snprintf(out, outsz, "-");
	else if (c->supp == DASV_SUPP_NONE && c->kind == DASV_CELL_SHARE)
		snprintf(out, outsz, "%s%%", text);
	else
		snprintf(out, outsz, "%s", text);
}

/* The figure of table tid, row code, column col, as rp_figure shows it. */
static void
rp_fig(const struct reports *s, const char *tid, const char *row, const char *col, char *out,
       size_t outsz)
{
	const struct dasv_report_table *t = rp_table(s, tid);
	long r = dasv_report_row_find(t, row);
	char text[64];
	const struct dasv_report_cell *c = NULL;

	text[0] = '\0';
	if (r >= 0)
		c = rp_cell(s, t, (size_t)r, col, text, sizeof(text));
	rp_figure(c, text, out, outsz);
}

/* A bar's length from a cell: only a shown figure has one. */
static double
rp_bar_value(const struct dasv_report_cell *c, int *share)
{
	*share = 0;
	if (!c || c->supp != DASV_SUPP_NONE)
		return -1;
	switch (c->kind) {
	case DASV_CELL_COUNT:
	case DASV_CELL_PLAIN:
		return (double)c->n;
	case DASV_CELL_SHARE:
		*share = 1;
		return c->v;
	case DASV_CELL_STAT:
		return c->v;
	default:
		return -1;
	}
}

/* Scale the bars of lines [from, nlines) that are not shares to the largest of them. */
static void
rp_chart_end(struct reports *s, size_t from)
{
	double max = 0;

	for (size_t i = from; i < s->nlines; i++)
		if (s->lines[i].kind == RL_BAR && !s->lines[i].share && s->lines[i].frac > max)
			max = s->lines[i].frac;
	for (size_t i = from; i < s->nlines; i++) {
		struct rline *l = &s->lines[i];
		if (l->kind != RL_BAR || l->share || l->frac < 0)
			continue;
		l->frac = max > 0 ? l->frac / max : 0;
	}
}

/* One bar from one cell. */
static void
rp_bar(struct reports *s, const char *label, const struct dasv_report_table *t, size_t row,
       const char *col, int role)
{
	struct rline *l = rl_add(s, RL_BAR);
	const struct dasv_report_cell *c;
	char text[64];

	rp_copy(l->label, sizeof(l->label), label);
	c = rp_cell(s, t, row, col, text, sizeof(text));
	rp_figure(c, text, l->value, sizeof(l->value));
	l->frac = rp_bar_value(c, &l->share);
	l->role = role;
}

/* What follows a bar: nothing, "<a>%", "<a> of <b>", or "<pre> <a>". */
enum rp_extra { EX_NONE, EX_SHARE, EX_OF, EX_PRE };

struct rp_chart {
	const char *table, *col; /* the bars */
	enum rp_extra extra;
	const char *col_a, *col_b, *pre;
};

/* Has column col of any row but the All row a figure (shown or hidden)? */
static bool
rp_any(const struct dasv_report_table *t, const char *col)
{
	long c = dasv_report_col_find(t, col);

	for (size_t row = 0; c >= 0 && row < t->nrows; row++)
		if (!t->rows[row].total &&
		    dasv_report_cell_at(t, row, (size_t)c)->kind != DASV_CELL_EMPTY)
			return true;
	return false;
}

/* A bar for each row of a table but its All row, scaled together; then "All: n". */
static void
rp_chart_rows(struct reports *s, const char *title, const struct rp_chart *ch)
{
	const struct dasv_report_table *t = rp_table(s, ch->table);
	size_t first;
	long all;
	char a[64], b[64], fa[32], fb[32], sub[200];

	if (!t)
		return;
	all = dasv_report_row_find(t, "all");
	if (all >= 0) {
		const struct dasv_report_cell *c = rp_cell(s, t, (size_t)all, ch->col, a, sizeof(a));
		rp_figure(c, a, fa, sizeof(fa));
		snprintf(sub, sizeof(sub), "%s (all: %s)", title, fa);
	} else {
		rp_copy(sub, sizeof(sub), title);
	}
	rl_text(s, RL_SUB, sub);
	if (!rp_any(t, ch->col)) {
		rl_text(s, RL_NOTE, "  Nothing to show for this period.");
		rl_add(s, RL_BLANK);
		return;
	}
	first = s->nlines;
	for (size_t row = 0; row < t->nrows; row++) {
		struct rline *l;
		const struct dasv_report_cell *ca, *cb;
		if (t->rows[row].total)
			continue;
		rp_bar(s, t->rows[row].label, t, row, ch->col, UI_ROLE_LABEL);
		if (s->oom)
			break;
		l = &s->lines[s->nlines - 1];
		switch (ch->extra) {
		case EX_SHARE:
			ca = rp_cell(s, t, row, ch->col_a, a, sizeof(a));
			rp_figure(ca, a, l->extra, sizeof(l->extra));
			break;
		case EX_OF:
			ca = rp_cell(s, t, row, ch->col_a, a, sizeof(a));
			cb = rp_cell(s, t, row, ch->col_b, b, sizeof(b));
			rp_figure(ca, a, fa, sizeof(fa));
			rp_figure(cb, b, fb, sizeof(fb));
			snprintf(l->extra, sizeof(l->extra), "%s of %s", fa, fb);
			break;
		case EX_PRE:
			ca = rp_cell(s, t, row, ch->col_a, a, sizeof(a));
			rp_figure(ca, a, fa, sizeof(fa));
			snprintf(l->extra, sizeof(l->extra), "%s %s", ch->pre, fa);
			break;
		default:
			break;
		}
	}
	rp_chart_end(s, first);
	rl_add(s, RL_BLANK);
}

/* Bars across the columns of one row (e.g. the All row), scaled together. */
struct rp_item {
	const char *col, *label;
	int role;
};

static void
rp_chart_cols(struct reports *s, const char *title, const char *tid, const char *rowcode,
	      const struct rp_item *items, size_t n)
{
	const struct dasv_report_table *t = rp_table(s, tid);
	long row = dasv_report_row_find(t, rowcode);
	size_t first;

	if (!t || row < 0)
		return;
	rl_text(s, RL_SUB, title);
	first = s->nlines;
	for (size_t i = 0; i < n; i++)
		rp_bar(s, items[i].label, t, (size_t)row, items[i].col,
		       items[i].role ? items[i].role : UI_ROLE_LABEL);
	rp_chart_end(s, first);
	rl_add(s, RL_BLANK);
}

static void
rp_kv(struct reports *s, const char *l1, const char *v1, const char *l2, const char *v2)
{
	struct rline *l = rl_add(s, RL_KV);

	rp_copy(l->label, sizeof(l->label), l1);
	rp_copy(l->value, sizeof(l->value), v1);
	rp_copy(l->label2, sizeof(l->label2), l2 ? l2 : "");
	rp_copy(l->value2, sizeof(l->value2), v2 ? v2 : "");
}

/* ---- the sections ---------------------------------------------------------- */

static const char *
rp_by_name(enum dasv_report_by by)
{
	return dasv_report_by_name(by);
}

static void
rp_headlines(struct reports *s)
{
	char a[32], b[32], c[32];

	rl_text(s, RL_SECTION, "Headline figures");
	rp_fig(s, "uptake", "all", "referred", a, sizeof(a));
	rp_fig(s, "uptake", "all", "allocated", b, sizeof(b));
	rp_kv(s, "Referrals received", a, "Allocated to a service", b);
	rp_fig(s, "risk", "all", "high", a, sizeof(a));
	rp_fig(s, "risk", "all", "marac", b, sizeof(b));
	rp_kv(s, "High risk", a, "Referred to MARAC", b);
	rp_fig(s, "risk", "all", "repeat_marac_pct", a, sizeof(a));
	rp_fig(s, "risk", "all", "escalation", b, sizeof(b));
	rp_kv(s, "Repeat MARAC rate", a, "Potential escalation", b);
	rp_fig(s, "timeliness", "all", "met_standard_pct", a, sizeof(a));
	rp_fig(s, "timeliness", "all", "met_standard", b, sizeof(b));
	rp_fig(s, "timeliness", "all", "measured", c, sizeof(c));
	{
		char of[72];
		snprintf(of, sizeof(of), "%s of %s", b, c);
		rp_kv(s, "First contact in standard", a, "Met the standard", of);
	}
	rp_fig(s, "timeliness", "all", "median_days", a, sizeof(a));
	rp_fig(s, "timeliness", "all", "p90_days", b, sizeof(b));
	rp_kv(s, "Working days to contact", a, "90th percentile", b);
	rp_fig(s, "outcomes", "all", "closed", a, sizeof(a));
	rp_fig(s, "outcomes", "all", "abuse_stopped_pct", b, sizeof(b));
	rp_kv(s, "Cases closed", a, "Abuse stopped at exit", b);
	rp_fig(s, "outcomes", "all", "feels_safer_pct", a, sizeof(a));
	rp_fig(s, "outcomes_risk", "all", "risk_reduced_pct", b, sizeof(b));
	rp_kv(s, "Feels safer at exit", a, "Risk reduced at exit", b);
	rp_fig(s, "quality_of_life", "all", "mean", a, sizeof(a));
	rp_kv(s, "Quality of life (1-5)", a, NULL, NULL);
	rl_add(s, RL_BLANK);
	{
		static const struct rp_item levels[] = {
			{ "standard", "Standard", UI_ROLE_RISK_STD },
			{ "medium", "Medium", UI_ROLE_RISK_MED },
			{ "high", "High", UI_ROLE_RISK_HIGH },
			{ "not_assessed", "Not assessed", UI_ROLE_HINT },
		};
		rp_chart_cols(s, "Risk level at referral", "risk", "all", levels,
			      sizeof(levels) / sizeof(levels[0]));
	}
}

static void
rp_trend(struct reports *s)
{
	static const struct {
		const char *col, *label;
	} series[] = {
		{ "referred", "Referrals" }, { "high", "High risk" }, { "marac", "MARAC" },
		{ "allocated", "Allocated" }, { "met_standard_pct", "In standard %" },
	};
	const struct dasv_report_table *t = rp_table(s, "trend");
	struct rline *q;
	char title[160], text[64];
	size_t n;

	if (!t)
		return;
	n = t->nrows < RL_SPARK_MAX ? t->nrows : RL_SPARK_MAX;
	snprintf(title, sizeof(title), "Quarter on quarter: referrals received %s to %s",
		 s->r->trend_from, s->r->trend_to);
	rl_text(s, RL_SECTION, title);
	q = rl_add(s, RL_QUARTERS);
	q->n = (int)n;
	for (size_t i = 0; i < n; i++) {
		/* "2026Q3" -> "26Q3" */
		const char *code = t->rows[t->nrows - n + i].code;
		rp_copy(q->svalue[i], sizeof(q->svalue[i]), strlen(code) == 6 ? code + 2 : code);
	}
	for (size_t k = 0; k < sizeof(series) / sizeof(series[0]); k++) {
		struct rline *l = rl_add(s, RL_SPARK);
		double v[RL_SPARK_MAX], max = 0;
		int share = 0, kinds[RL_SPARK_MAX];

		if (s->oom)
			break;
		rp_copy(l->label, sizeof(l->label), series[k].label);
		l->n = (int)n;
		for (size_t i = 0; i < n; i++) {
			const struct dasv_report_cell *c =
				rp_cell(s, t, t->nrows - n + i, series[k].col, text, sizeof(text));
			int sh = 0;
			rp_copy(l->svalue[i], sizeof(l->svalue[i]), text[0] ? text : "-");
			v[i] = rp_bar_value(c, &sh);
			share |= sh;
			kinds[i] = !c || c->kind == DASV_CELL_EMPTY ? CHART_NONE
				   : c->supp != DASV_SUPP_NONE      ? CHART_HIDDEN
								    : 0;
			if (v[i] > max)
				max = v[i];
		}
		if (share)
			max = 1; /* a percentage is drawn on its own scale, not the largest */
		for (size_t i = 0; i < n; i++)
			l->level[i] = kinds[i] ? kinds[i] : chart_level(v[i], max);
	}
	rl_add(s, RL_BLANK);
}

static void
rp_grouped(struct reports *s)
{
	const char *by = rp_by_name(s->by);
	char title[160];

	snprintf(title, sizeof(title), "Uptake of services, by %s", by);
	rl_text(s, RL_SECTION, title);
	{
		const struct rp_chart ch = { "uptake", "referred", EX_PRE, "allocated", NULL,
					     "allocated" };
		snprintf(title, sizeof(title), "Referrals received, by %s", by);
		rp_chart_rows(s, title, &ch);
	}
	{
		static const struct rp_item funnel[] = {
			{ "referred", "Referred", 0 },     { "allocated", "Allocated", 0 },
			{ "waiting", "Waiting list", 0 },  { "first_contact", "Contacted", 0 },
			{ "engaged", "Engaged", 0 },       { "closed", "Closed", 0 },
		};
		static const struct rp_item reasons[] = {
			{ "support_completed", "Support completed", 0 },
			{ "declined", "Declined", 0 },
			{ "no_contact", "No contact", 0 },
			{ "moved_away", "Moved away", 0 },
			{ "transferred", "Transferred", 0 },
		};
		rp_chart_cols(s, "From referral to closure, all", "uptake", "all", funnel,
			      sizeof(funnel) / sizeof(funnel[0]));
		rp_chart_cols(s, "Closed, by reason", "uptake", "all", reasons,
			      sizeof(reasons) / sizeof(reasons[0]));
	}
	{
		const struct rp_chart ch = { "capacity", "capacity_used_pct", EX_OF, "open_cases",
					     "capacity", NULL };
		snprintf(title, sizeof(title), "Capacity in use now (open of capacity), by %s",
			 s->by == DASV_BY_PATHWAY ? "pathway" : "service");
		rp_chart_rows(s, title, &ch);
	}

	rl_text(s, RL_SECTION, "Time to first contact");
	{
		const struct rp_chart ch = { "timeliness", "met_standard_pct", EX_OF, "met_standard",
					     "measured", NULL };
		snprintf(title, sizeof(title), "First contact within the service's standard, by %s",
			 by);
		rp_chart_rows(s, title, &ch);
	}
	{
		const struct rp_chart ch = { "timeliness", "median_days", EX_PRE, "p90_days", NULL,
					     "90th" };
		snprintf(title, sizeof(title), "Median working days to first contact, by %s", by);
		rp_chart_rows(s, title, &ch);
	}

	rl_text(s, RL_SECTION, "Risk");
	{
		const struct rp_chart ch = { "risk", "high", EX_PRE, "marac", NULL, "MARAC" };
		snprintf(title, sizeof(title), "High risk, by %s", by);
		rp_chart_rows(s, title, &ch);
	}
	{
		const struct rp_chart ch = { "rate", "per_10000", EX_PRE, "referred", NULL,
					     "referred" };
		rp_chart_rows(s, "Referrals per 10 000 adult women, by district", &ch);
	}

	rl_text(s, RL_SECTION, "Outcomes at exit");
	{
		const struct rp_chart ch = { "outcomes", "abuse_stopped_pct", EX_PRE, "closed", NULL,
					     "closed" };
		snprintf(title, sizeof(title), "Abuse stopped at exit, by %s", by);
		rp_chart_rows(s, title, &ch);
	}
	{
		const struct rp_chart ch = { "outcomes", "feels_safer_pct", EX_PRE, "closed", NULL,
					     "closed" };
		snprintf(title, sizeof(title), "Feels safer at exit, by %s", by);
		rp_chart_rows(s, title, &ch);
	}
	{
		static const struct rp_item qol[] = {
			{ "score_1", "1 (worst)", 0 }, { "score_2", "2", 0 }, { "score_3", "3", 0 },
			{ "score_4", "4", 0 },         { "score_5", "5 (best)", 0 },
			{ "not_recorded", "Not recorded", UI_ROLE_HINT },
		};
		rp_chart_cols(s, "Quality of life at exit, all", "quality_of_life", "all", qol,
			      sizeof(qol) / sizeof(qol[0]));
	}
}

static void
rp_reach(struct reports *s)
{
	char title[200], *colon;

	rl_text(s, RL_SECTION, "Who is reached");
	for (size_t i = 0; i < s->r->ntables; i++) {
		const struct dasv_report_table *t = &s->r->tables[i];
		struct rp_chart ch = { NULL, "referred", EX_SHARE, "share_pct", NULL, NULL };
		if (t->section != DASV_SECTION_REACH)
			continue;
		ch.table = t->id;
		/* "Who is reached, by sex: referrals received ..." -> "By sex" */
		rp_copy(title, sizeof(title), t->title);
		if ((colon = strchr(title, ':')))
			*colon = '\0';
		if (!strncmp(title, "Who is reached, by ", 19)) {
			memmove(title, title + 16, strlen(title + 16) + 1);
			title[0] = 'B';
		}
		rp_chart_rows(s, title, &ch);
	}
}

static void
rp_needs(struct reports *s)
{
	const struct rp_chart ch = { "needs", "any_need_pct", EX_OF, "any_need", "assessed", NULL };
	const struct rp_chart hi = { "needs", "high_need_pct", EX_OF, "high_need", "assessed",
				     NULL };

	rl_text(s, RL_SECTION, "Needs at intake");
	rp_chart_rows(s, "Any need (low or above), of those assessed", &ch);
	rp_chart_rows(s, "High need, of those assessed", &hi);
}

/* Lay the report out as lines: once per run, whatever the width. */
static void
rp_build(struct reports *s)
{
	char note[200];

	s->nlines = 0;
	s->oom = false;
	if (!s->r)
		return;
	snprintf(note, sizeof(note),
		 "Counts of 1 to %d show as <%d; * hides a figure that would reveal one,",
		 s->r->threshold - 1, s->r->threshold);
	rl_text(s, RL_NOTE, note);
	snprintf(note, sizeof(note),
		 "or a share or average of fewer than %d people. Made on %s.", s->r->threshold,
		 s->r->made_on);
	rl_text(s, RL_NOTE, note);
	rl_add(s, RL_BLANK);
	rp_headlines(s);
	rp_trend(s);
	rp_grouped(s);
	rp_reach(s);
	rp_needs(s);
	if (s->oom)
		s->nlines = 0;
}

/* Run the report for a period and grouping; on failure keep what was shown. */
static int
rp_run(struct reports *s, const struct rp_period *per, enum dasv_report_by by)
{
	struct dasv_report_params p;
	struct dasv_report *r = NULL;
	enum dasv_status st;

	dasv_report_params_init(&p);
	p.by = by;
	snprintf(p.from, sizeof(p.from), "%s", per->from);
	snprintf(p.to, sizeof(p.to), "%s", per->to);
	st = dasv_report_run(s->a->d, &p, &r);
	if (st != DASV_OK) {
		rp_copy(s->run_error, sizeof(s->run_error), dasv_errmsg(s->a->d));
		app_core_error(s->a, st);
		return st == DASV_DENIED ? -2 : -1;
	}
	dasv_report_free(&s->r);
	s->r = r;
	s->run_error[0] = '\0';
	s->per = *per;
	s->by = by;
	s->top = 0;
	rp_build(s);
	if (s->oom)
		ui_error(s->a->ui, "Out of memory laying out the report.");
	return 0;
}

/* ---- drawing --------------------------------------------------------------- */

#define RP_INDENT 2
#define RP_VALUE_W 7

struct rp_cols {
	int label_w, value_x, bar_x, bar_w, extra_x, extra_w;
};

static void
rp_cols_for(int cols, struct rp_cols *c)
{
	c->label_w = cols >= 110 ? 36 : 30;
	c->value_x = RP_INDENT + 1 + c->label_w + 1;
	c->bar_x = c->value_x + RP_VALUE_W + 2;
	c->extra_w = 14;
	c->bar_w = cols - c->bar_x - 1 - c->extra_w - 1;
	if (c->bar_w < 4)
		c->bar_w = 4;
	c->extra_x = c->bar_x + c->bar_w + 1;
}

/* A figure right-aligned to end at column x + w. */
static void
rp_put_right(WINDOW *w, int y, int x, int width, const char *text, attr_t a)
{
	int tw = (int)dasv_text_width(text);

	if (tw > width)
		tw = width;
	ui_put(w, y, x + width - tw, tw, text, a);
}

static void
rp_draw_line(struct ui *ui, WINDOW *w, int y, int cols, const struct rline *l, bool utf8)
{
	struct rp_cols c;
	char bar[4 * 512];
	int x;

	rp_cols_for(cols, &c);
	switch (l->kind) {
	case RL_SECTION:
		ui_put(w, y, 1, cols - 2, l->label, ui_attr(ui, UI_ROLE_HEADER) | A_BOLD);
		break;
	case RL_SUB:
		ui_put(w, y, RP_INDENT, cols - RP_INDENT - 1, l->label, ui_attr(ui, UI_ROLE_LABEL));
		break;
	case RL_NOTE:
		ui_put(w, y, RP_INDENT, cols - RP_INDENT - 1, l->label, ui_attr(ui, UI_ROLE_HINT));
		break;
	case RL_KV: {
		int half = (cols - RP_INDENT) / 2, lw = half - RP_VALUE_W - 4;
		if (lw > 26) /* wide terminals: keep each figure near its label */
			lw = 26;
		half = lw + 1 + RP_VALUE_W + 4;
		x = RP_INDENT + 1;
		ui_put(w, y, x, lw, l->label, ui_attr(ui, UI_ROLE_LABEL));
		rp_put_right(w, y, x + lw + 1, RP_VALUE_W, l->value, A_BOLD);
		if (l->label2[0]) {
			x += half;
			ui_put(w, y, x, lw, l->label2, ui_attr(ui, UI_ROLE_LABEL));
			rp_put_right(w, y, x + lw + 1, cols - x - lw - 2 < RP_VALUE_W + 8
						       ? cols - x - lw - 2
						       : RP_VALUE_W + 8,
				     l->value2, A_BOLD);
		}
		break;
	}
	case RL_BAR:
		ui_put(w, y, RP_INDENT + 1, c.label_w, l->label, A_NORMAL);
		rp_put_right(w, y, c.value_x, RP_VALUE_W, l->value, A_BOLD);
		if (l->frac >= 0 && chart_bar(l->frac, c.bar_w, utf8, bar, sizeof(bar)) > 0)
			ui_put(w, y, c.bar_x, c.bar_w, bar, ui_attr(ui, (enum ui_role)l->role));
		if (l->extra[0])
			ui_put(w, y, c.extra_x, cols - c.extra_x - 1, l->extra,
			       ui_attr(ui, UI_ROLE_HINT));
		break;
	case RL_QUARTERS:
	case RL_SPARK: {
		int sx = RP_INDENT + 1 + 14, vx = sx + RL_SPARK_MAX + 2;
		if (l->kind == RL_SPARK) {
			ui_put(w, y, RP_INDENT + 1, 13, l->label, A_NORMAL);
			for (int i = 0; i < l->n; i++)
				ui_put(w, y, sx + i, 1, chart_spark_glyph(l->level[i], utf8),
				       ui_attr(ui, UI_ROLE_LABEL));
		}
		for (int i = 0; i < l->n && vx + (i + 1) * 6 < cols; i++)
			rp_put_right(w, y, vx + i * 6, 6, l->svalue[i],
				     l->kind == RL_QUARTERS ? ui_attr(ui, UI_ROLE_HINT) : A_BOLD);
		break;
	}
	default:
		break;
	}
}

static int
rp_max_top(const struct reports *s)
{
	int m = (int)s->nlines - (s->view_h > 0 ? s->view_h : 1);

	return m > 0 ? m : 0;
}

static void
rp_heading(const struct reports *s, char *buf, size_t bufsz)
{
	char name[64];

	rp_period_name(&s->per, name, sizeof(name));
	if (s->per.kind == RP_CUSTOM)
		snprintf(buf, bufsz, "Report %s, by %s", name, rp_by_name(s->by));
	else
		snprintf(buf, bufsz, "Report %s: %s to %s, by %s", name, s->per.from, s->per.to,
			 rp_by_name(s->by));
}

static void
rp_draw(struct ui *ui, void *state)
{
	struct reports *s = state;
	WINDOW *w = ui_body(ui);
	bool utf8 = dasv_text_locale_utf8();
	char heading[200], pos[48];
	int rows, cols, pw = 0;

	getmaxyx(w, rows, cols);
	s->view_h = rows - 1;
	if (s->top > rp_max_top(s))
		s->top = rp_max_top(s);
	rp_heading(s, heading, sizeof(heading));
	if (s->nlines > 0) {
		int last = s->top + s->view_h < (int)s->nlines ? s->top + s->view_h : (int)s->nlines;
		snprintf(pos, sizeof(pos), "lines %d-%d of %zu", s->top + 1, last, s->nlines);
		pw = (int)strlen(pos);
		ui_put(w, 0, cols - pw - 1, pw, pos, ui_attr(ui, UI_ROLE_HINT));
	}
	ui_put(w, 0, 1, cols - pw - 3, heading, ui_attr(ui, UI_ROLE_LABEL) | A_BOLD);
	if (!s->r) {
		ui_put(w, 2, RP_INDENT, cols - RP_INDENT - 1,
		       s->run_error[0] ? s->run_error : "The report could not be run.",
		       ui_attr(ui, UI_ROLE_ERROR));
		ui_put(w, 3, RP_INDENT, cols - RP_INDENT - 1,
		       "Choose another period with p, or another grouping with b.",
		       ui_attr(ui, UI_ROLE_HINT));
		ui_set_cursor(ui, w, 0, 0);
		return;
	}
	for (int i = 0; i < s->view_h && s->top + i < (int)s->nlines; i++)
		rp_draw_line(ui, w, 1 + i, cols, &s->lines[s->top + i], utf8);
	/* the "current line" of a document: the first one shown */
	ui_set_cursor(ui, w, 1, 0);
}

/* ---- the period: p, and Left/Right ---------------------------------------------- */

/* Show a period and grouping: the report is run again only when they change. */
static int
rp_apply(struct reports *s, const struct rp_period *per, enum dasv_report_by by)
{
	if (s->r && by == s->by && per->kind == s->per.kind && !strcmp(per->from, s->per.from) &&
	    !strcmp(per->to, s->per.to))
		return UI_HANDLED;
	rp_run(s, per, by);
	return UI_HANDLED | UI_REDRAW;
}

/* The small form for a custom range. */
struct rp_custom {
	struct widget_form *f;
	int from_i, to_i;
	int result; /* 1 apply, 0 cancelled */
	char from[11], to[11];
	char err[200];
};

/* To must be a day on or after From: the core's own check, shown beside To. */
static const char *
rp_custom_validate(void *ctx, const struct widget_form *f, int field, const char *value)
{
	struct rp_custom *c = ctx;
	char from[16];

	if (field != c->to_i)
		return NULL;
	widget_form_get(f, c->from_i, from, sizeof(from));
	if (dasv_report_range_check(from, value, c->err, sizeof(c->err)) == DASV_OK ||
	    strncmp(c->err, "to", 2) != 0)
		return NULL; /* a bad From is said beside From */
	return c->err;
}

static const struct ui_keyuse rp_custom_keys[] = {
	{ UI_REQ_SAVE, "Apply", "Report on these dates" },
	{ UI_REQ_ENTER, "", "Next field; on the last, apply" },
	{ UI_REQ_NEXT, NULL, NULL },
	{ UI_REQ_PREV, NULL, NULL },
	{ UI_REQ_UP, NULL, "Previous field" },
	{ UI_REQ_DOWN, NULL, "Next field" },
	{ UI_REQ_LEFT, NULL, NULL },
	{ UI_REQ_RIGHT, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL },
	{ UI_REQ_END, NULL, NULL },
	{ UI_REQ_BKSP, NULL, NULL },
	{ UI_REQ_DEL, NULL, NULL },
	{ UI_REQ_CLEAR, NULL, NULL },
	{ UI_REQ_BACK, "Cancel", "Keep the period as it is" },
	UI_KEYS_END
};

static int
rp_custom_enter(struct ui *ui, void *state)
{
	(void)state;
	ui_set_text_mode(ui, true);
	return 0;
}

static void
rp_custom_draw(struct ui *ui, void *state)
{
	struct rp_custom *c = state;
	WINDOW *w = ui_box(ui, 7, 70, "Period: from and to");

	widget_form_draw(c->f, ui, w);
	ui_put(w, 5, 2, getmaxx(w) - 4, "Both days are included. F2, or Enter on To, applies.",
	       ui_attr(ui, UI_ROLE_HINT));
}

static int
rp_custom_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct rp_custom *c = state;
	char err[200];

	if (req == UI_REQ_BACK || req == UI_REQ_QUIT) {
		c->result = 0;
		return UI_HANDLED | UI_POP;
	}
	if (req == UI_REQ_SAVE || (req == UI_REQ_ENTER && widget_form_focus(c->f) == c->to_i)) {
		if (widget_form_check(c->f) >= 0)
			return UI_HANDLED | UI_REDRAW;
		widget_form_get(c->f, c->from_i, c->from, sizeof(c->from));
		widget_form_get(c->f, c->to_i, c->to, sizeof(c->to));
		if (dasv_report_range_check(c->from, c->to, err, sizeof(err)) != DASV_OK) {
			ui_error(ui, "%s", err);
			return UI_HANDLED | UI_REDRAW;
		}
		c->result = 1;
		return UI_HANDLED | UI_POP;
	}
	return widget_form_handle(c->f, ui, req, ch);
}

static const struct ui_screen_ops rp_custom_ops = {
	.name = "Period",
	.keys = rp_custom_keys,
	.flags = UI_SCREEN_OVERLAY,
	.enter = rp_custom_enter,
	.draw = rp_custom_draw,
	.handle = rp_custom_handle,
};

static int
rp_custom_run(struct reports *s, struct ui *ui)
{
	struct rp_custom c;
	struct rp_period per;
	char err[200];
	int rc;

	memset(&c, 0, sizeof(c));
	if (!(c.f = widget_form_new(""))) {
		ui_error(ui, "Out of memory.");
		return UI_HANDLED | UI_REDRAW;
	}
	c.from_i = widget_form_add_date(c.f, "from", "From");
	c.to_i = widget_form_add_date(c.f, "to", "To");
	widget_form_set_required(c.f, c.from_i, true);
	widget_form_set_required(c.f, c.to_i, true);
	widget_form_set_validate(c.f, c.to_i, rp_custom_validate, &c);
	widget_form_set(c.f, c.from_i, s->per.from);
	widget_form_set(c.f, c.to_i, s->per.to);
	widget_form_set_clean(c.f);
	rc = ui_run_modal(ui, &rp_custom_ops, &c);
	widget_form_free(&c.f);
	if (rc != 0 || c.result != 1)
		return UI_HANDLED | UI_REDRAW;
	if (rp_period_custom(&per, c.from, c.to, err, sizeof(err)) != 0) {
		ui_error(ui, "%s", err);
		return UI_HANDLED | UI_REDRAW;
	}
	return rp_apply(s, &per, s->by);
}

/* Ask for a quarter, month or year by its name. */
static int
rp_prompt_period(struct reports *s, struct ui *ui, enum rp_kind kind)
{
	static const char *const titles[] = { "Period: a quarter", "Period: a month",
					      "Period: a year" };
	static const char *const labels[] = { "Quarter (YYYYQn)", "Month (YYYY-MM)", "Year (YYYY)" };
	struct rp_period per;
	char v[32], err[200];
	int r;

	r = widget_prompt(ui, titles[kind], labels[kind], v, sizeof(v), 0);
	if (r != 1 || !v[0])
		return UI_HANDLED | UI_REDRAW;
	if (rp_period_parse(&per, kind, v, err, sizeof(err)) != 0) {
		ui_error(ui, "%s", err);
		return UI_HANDLED | UI_REDRAW;
	}
	return rp_apply(s, &per, s->by);
}

static int
rp_step(struct reports *s, int dir)
{
	struct rp_period per;
	char err[200];

	if (rp_period_step(&s->per, dir, &per, err, sizeof(err)) != 0) {
		ui_error(s->a->ui, "%s", err);
		return UI_HANDLED | UI_REDRAW;
	}
	return rp_apply(s, &per, s->by);
}

static int
rp_period_menu(struct reports *s, struct ui *ui)
{
	static const char *const units[] = { "quarter", "month", "year", "period" };
	struct rp_period last, prev, next;
	char l0[100], l1[100], l2[100], name[64], err[200];
	struct widget_choice ch[7];
	bool have_prev, have_next;
	int pick;

	rp_period_default(&last);
	have_prev = rp_period_step(&s->per, -1, &prev, err, sizeof(err)) == 0;
	have_next = rp_period_step(&s->per, 1, &next, err, sizeof(err)) == 0;
	rp_period_name(&last, name, sizeof(name));
	snprintf(l0, sizeof(l0), "Last full quarter (%s)", name);
	if (have_prev)
		rp_period_name(&prev, name, sizeof(name));
	snprintf(l1, sizeof(l1), "Previous %s (%s)", units[s->per.kind], have_prev ? name : "-");
	if (have_next)
		rp_period_name(&next, name, sizeof(name));
	snprintf(l2, sizeof(l2), "Next %s (%s)", units[s->per.kind], have_next ? name : "-");
	ch[0] = (struct widget_choice){ "last", l0 };
	ch[1] = (struct widget_choice){ "previous", l1 };
	ch[2] = (struct widget_choice){ "next", l2 };
	ch[3] = (struct widget_choice){ "quarter", "A quarter..." };
	ch[4] = (struct widget_choice){ "month", "A month..." };
	ch[5] = (struct widget_choice){ "year", "A year..." };
	ch[6] = (struct widget_choice){ "custom", "From and to dates..." };
	pick = widget_choose(ui, "Period", ch, 7, 0);
	switch (pick) {
	case 0:
		return rp_apply(s, &last, s->by);
	case 1:
		return have_prev ? rp_apply(s, &prev, s->by) : (UI_HANDLED | UI_REDRAW);
	case 2:
		return have_next ? rp_apply(s, &next, s->by) : (UI_HANDLED | UI_REDRAW);
	case 3:
		return rp_prompt_period(s, ui, RP_QUARTER);
	case 4:
		return rp_prompt_period(s, ui, RP_MONTH);
	case 5:
		return rp_prompt_period(s, ui, RP_YEAR);
	case 6:
		return rp_custom_run(s, ui);
	default:
		return UI_HANDLED | UI_REDRAW;
	}
}

/* ---- export: E --------------------------------------------------------------- */

/* "dasv-report-2026Q3-by-service.csv" */
static void
rp_default_file(const struct reports *s, char *buf, size_t bufsz)
{
	char name[40];

	switch (s->per.kind) {
	case RP_QUARTER:
		snprintf(name, sizeof(name), "%04dQ%d", s->per.year, s->per.num);
		break;
	case RP_MONTH:
		snprintf(name, sizeof(name), "%04d-%02d", s->per.year, s->per.num);
		break;
	case RP_YEAR:
		snprintf(name, sizeof(name), "%04d", s->per.year);
		break;
	default:
		snprintf(name, sizeof(name), "%s-to-%s", s->per.from, s->per.to);
		break;
	}
	snprintf(buf, bufsz, "dasv-report-%s-by-%s.csv", name, rp_by_name(s->by));
}

/*
 * A new file only this user can read: O_EXCL, so an existing file (or a
 * link planted in its place) is never written through.  -1 with errno.
 */
static int
rp_create(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/*
 * To replace a file: a new 0600 file beside it (renamed over it once
 * written), so the old one's mode and links are not kept.  -1 with errno.
 */
static int
rp_create_beside(const char *path, char *tmp, size_t tmpsz)
{
	const char *slash = strrchr(path, '/');
	int n, fd;

	if (slash)
		n = snprintf(tmp, tmpsz, "%.*s/.dasv-export-XXXXXX", (int)(slash - path), path);
	else
		n = snprintf(tmp, tmpsz, ".dasv-export-XXXXXX");
	if (n < 0 || (size_t)n >= tmpsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	return fd;
}

static int
rp_export(struct reports *s, struct ui *ui)
{
	char name[512], path[1100], tmp[1200], dflt[128], title[200], *p;
	const char *home;
	struct stat sb;
	size_t cells = 0;
	enum dasv_status st;
	bool replace = false;
	FILE *f;
	int fd;

	if (!s->r) {
		ui_error(ui, "There is no report to export.");
		return UI_HANDLED | UI_REDRAW;
	}
	rp_default_file(s, dflt, sizeof(dflt));
	snprintf(title, sizeof(title), "Export CSV (blank: %s)", dflt);
	if (widget_prompt(ui, title, "File", name, sizeof(name), 0) != 1)
		return UI_HANDLED | UI_REDRAW;
	/* trim spaces at both ends */
	for (p = name + strlen(name); p > name && p[-1] == ' ';)
		*--p = '\0';
	for (p = name; *p == ' '; p++)
		;
	if (!*p)
		p = dflt;
	if (p[0] == '~' && p[1] == '/' && (home = getenv("HOME")) && *home)
		snprintf(path, sizeof(path), "%s/%s", home, p + 2);
	else
		rp_copy(path, sizeof(path), p);

	fd = rp_create(path);
	if (fd < 0 && errno == EEXIST) {
		char q[1200];
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			ui_error(ui, "%s is a directory: give a file name.", path);
			return UI_HANDLED | UI_REDRAW;
		}
		snprintf(q, sizeof(q), "%s already exists. Replace it?", path);
		if (!widget_confirm(ui, q)) {
			ui_message(ui, "Not exported: %s was left as it was.", path);
			return UI_HANDLED | UI_REDRAW;
		}
		replace = true;
		fd = rp_create_beside(path, tmp, sizeof(tmp));
	}
	if (fd < 0) {
		ui_error(ui, "Cannot create %s: %s", path, strerror(errno));
		return UI_HANDLED | UI_REDRAW;
	}
	errno = 0;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		st = DASV_IO;
	} else {
		/* the core's writer: the same figures as dasv report --format csv */
		st = dasv_report_write(s->r, DASV_FORMAT_CSV, f);
		if (fflush(f) != 0 || fsync(fileno(f)) != 0)
			st = DASV_IO;
		if (fclose(f) != 0)
			st = DASV_IO;
	}
	if (st == DASV_OK && replace && rename(tmp, path) != 0)
		st = DASV_IO;
	if (st != DASV_OK) {
		int e = errno;
		unlink(replace ? tmp : path);
		ui_error(ui, "Could not write %s: %s", path, e ? strerror(e) : "write failed");
		return UI_HANDLED | UI_REDRAW;
	}
	for (size_t i = 0; i < s->r->ntables; i++)
		cells += s->r->tables[i].nrows * s->r->tables[i].ncols;
	ui_message(ui, "Exported %zu figures to %s (readable by you only).", cells, path);
	return UI_HANDLED | UI_REDRAW;
}

/* ---- the screen ---------------------------------------------------------------- */

#define RP_COMMON_KEYS                                                                  \
	{ UI_REQ_PERIOD, NULL, "Change the period: quarter, month, year or dates" },        \
	{ UI_REQ_GROUPBY, NULL, "Group by service, pathway or district" },                  \
	{ UI_REQ_EXPORT, NULL, "Export this report as CSV, as dasv report does" },          \
	{ UI_REQ_LEFT, "", "Previous period of the same kind" },                            \
	{ UI_REQ_RIGHT, "", "Next period of the same kind" },                               \
	{ UI_REQ_UP, NULL, "Scroll up a line" }, { UI_REQ_DOWN, NULL, "Scroll down a line" }, \
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },                           \
	{ UI_REQ_HOME, NULL, "Top of the report" }, { UI_REQ_END, NULL, "End of the report" }, \
	{ UI_REQ_ENTER, "", "Nothing to open: figures only, never a person" },              \
	{ UI_REQ_SEARCH, "", "No search: figures only, never a person" }

static const struct ui_keyuse rp_keys_audit[] = {
	RP_COMMON_KEYS,
	{ UI_REQ_AUDITLOG, NULL, "The audit log: who opened what; verify it" },
	UI_KEYS_END
};

static const struct ui_keyuse rp_keys[] = { RP_COMMON_KEYS, UI_KEYS_END };

static int
rp_scroll(struct reports *s, int to)
{
	int old = s->top;

	if (to > rp_max_top(s))
		to = rp_max_top(s);
	if (to < 0)
		to = 0;
	s->top = to;
	return UI_HANDLED | (s->top != old ? UI_REDRAW : 0);
}

static int
rp_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct reports *s = state;
	int page = s->view_h > 1 ? s->view_h - 1 : 1;

	(void)ch;
	switch (req) {
	case UI_REQ_UP:
		return rp_scroll(s, s->top - 1);
	case UI_REQ_DOWN:
		return rp_scroll(s, s->top + 1);
	case UI_REQ_PGUP:
		return rp_scroll(s, s->top - page);
	case UI_REQ_PGDN:
		return rp_scroll(s, s->top + page);
	case UI_REQ_HOME:
		return rp_scroll(s, 0);
	case UI_REQ_END:
		return rp_scroll(s, rp_max_top(s));
	case UI_REQ_LEFT:
		return rp_step(s, -1);
	case UI_REQ_RIGHT:
		return rp_step(s, 1);
	case UI_REQ_PERIOD:
		return rp_period_menu(s, ui);
	case UI_REQ_GROUPBY:
		return rp_apply(s, &s->per,
				s->by == DASV_BY_SERVICE   ? DASV_BY_PATHWAY
				: s->by == DASV_BY_PATHWAY ? DASV_BY_DISTRICT
							   : DASV_BY_SERVICE);
	case UI_REQ_EXPORT:
		return rp_export(s, ui);
	case UI_REQ_AUDITLOG:
		screen_audit_push(s->a);
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_ENTER:
	case UI_REQ_SEARCH:
		ui_message(ui, "Reports hold figures only: there is no one to open or search for.");
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

static void
rp_leave(struct ui *ui, void *state)
{
	struct reports *s = state;

	(void)ui;
	dasv_report_free(&s->r);
	free(s->lines);
	free(s);
}

static const struct ui_screen_ops rp_ops_audit = {
	.name = "Reports",
	.keys = rp_keys_audit,
	.draw = rp_draw,
	.handle = rp_handle,
	.leave = rp_leave,
};

static const struct ui_screen_ops rp_ops = {
	.name = "Reports",
	.keys = rp_keys,
	.draw = rp_draw,
	.handle = rp_handle,
	.leave = rp_leave,
};

int
screen_reports_push(struct app *a)
{
	enum dasv_role role = dasv_session_role(a->d);
	struct reports *s = calloc(1, sizeof(*s));
	struct rp_period per;

	if (!s) {
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	s->a = a;
	s->by = DASV_BY_SERVICE;
	rp_period_default(&per);
	s->per = per;
	/* a refusal (caseworkers) stays where it was; another failure is shown on the screen */
	if (rp_run(s, &per, DASV_BY_SERVICE) == -2) {
		rp_leave(a->ui, s);
		return -1;
	}
	if (ui_push(a->ui,
		    role == DASV_ROLE_AUDITOR || role == DASV_ROLE_ADMIN ? &rp_ops_audit : &rp_ops,
		    s) < 0) {
		rp_leave(a->ui, s);
		return -1;
	}
	return 0;
}
