/*
 * report_build.c - the tables of each section, from the tallies: which
 * rows, which columns, which cells add up to which totals (for
 * suppression), and the titles.  Knows no SQL.
 */
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables ---------------------------------------------------------------- */

typedef void (*fill_fn)(const struct rpt_ctx *c, const struct rpt_gacc *a,
			struct dasv_report_cell *row);

struct rpt_rowgroup {
	int total;
	int members[8];
	int n;
};

struct rpt_tdef {
	enum dasv_report_section section;
	const char *id;
	const struct dasv_colspec *cols;
	size_t ncols;
	const struct rpt_rowgroup *rg;
	size_t nrg;
	fill_fn fill;
};

static int
any_count(const struct dasv_report_cell *row, size_t ncols)
{
	for (size_t i = 0; i < ncols; i++)
		if ((row[i].kind == DASV_CELL_COUNT || row[i].kind == DASV_CELL_PLAIN) && row[i].n)
			return 1;
	return 0;
}

/*
 * A table of n rows (those listed or with any count), then the total row
 * `all`; every colgroup column adds up over the rows to the total row, and
 * every rowgroup within each row.
 */
static enum dasv_status
grouped_table(struct rpt_ctx *c, const struct rpt_tdef *def, const char *title,
	      const struct rpt_grow *grows, const struct rpt_gacc *acc, size_t n,
	      const struct rpt_gacc *all)
{
	struct dasv_report_table *t;
	struct dasv_report_cell *tmp, *row;
	size_t members[8];

	if (!(tmp = calloc(def->ncols, sizeof(*tmp))))
		return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
	if (!(t = dasv_rt_new(c->r, def->section, def->id, title, def->cols, def->ncols)))
		goto oom;
	for (size_t g = 0; g <= n; g++) {
		const struct rpt_gacc *a = g < n ? &acc[g] : all;
		for (size_t i = 0; i < def->ncols; i++) {
			memset(&tmp[i], 0, sizeof(tmp[i]));
			tmp[i].ref[0] = tmp[i].ref[1] = -1;
		}
		def->fill(c, a, tmp);
		if (g < n && !grows[g].listed && !any_count(tmp, def->ncols))
			continue;
		row = dasv_rt_row(t, g < n ? grows[g].code : "all", g < n ? grows[g].label : "All",
				  g == n);
		if (!row)
			goto oom;
		memcpy(row, tmp, def->ncols * sizeof(*tmp));
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t k = 0; k < def->nrg; k++) {
			for (int m = 0; m < def->rg[k].n; m++)
				members[m] = r * t->ncols + (size_t)def->rg[k].members[m];
			if (dasv_rt_group(t, r * t->ncols + (size_t)def->rg[k].total, members,
					  (size_t)def->rg[k].n) != 0)
				goto oom;
		}
	if (dasv_rt_finish(t, def->cols) != 0)
		goto oom;
	free(tmp);
	return DASV_OK;
oom:
	free(tmp);
	return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
}

/* uptake: the funnel, and closures by reason */
static const struct dasv_colspec uptake_cols[] = {
	{ "referred", "Referred", 0, 1 },    { "allocated", "Allocated", 0, 1 },
	{ "waiting", "Waiting", 0, 1 },      { "first_contact", "Contacted", 0, 1 },
	{ "engaged", "Engaged", 0, 1 },      { "closed", "Closed", 0, 1 },
	{ "support_completed", "Completed", 0, 1 }, { "declined", "Declined", 0, 1 },
	{ "no_contact", "NoContact", 0, 1 }, { "moved_away", "Moved", 0, 1 },
	{ "transferred", "Transferred", 0, 1 },
};
static const struct rpt_rowgroup uptake_rg[] = { { 5, { 6, 7, 8, 9, 10 }, 5 } };

static void
uptake_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	(void)c;
	dasv_cell_count(&row[0], a->referred);
	dasv_cell_count(&row[1], a->allocated);
	dasv_cell_count(&row[2], a->waiting);
	dasv_cell_count(&row[3], a->contacted);
	dasv_cell_count(&row[4], a->engaged);
	dasv_cell_count(&row[5], a->closed);
	for (int i = 0; i < 5; i++)
		dasv_cell_count(&row[6 + i], a->reason[i]);
}

static const struct dasv_colspec capacity_cols[] = {
	{ "capacity", "Capacity", 0, 0 },
	{ "open_cases", "Open", 0, 1 },
	{ "capacity_used_pct", "Used%", 1, 0 },
	{ "waiting_list", "Waiting", 0, 1 },
};

static void
capacity_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	(void)c;
	dasv_cell_plain(&row[0], a->capacity);
	dasv_cell_count(&row[1], a->open);
	dasv_cell_share(&row[2], a->open, a->capacity, 1, -1);
	dasv_cell_count(&row[3], a->waiting_now);
}

static const struct dasv_colspec timely_cols[] = {
	{ "first_contact", "Contacted", 0, 1 },
	{ "median_days", "Median", 1, 0 },
	{ "p90_days", "90th", 1, 0 },
	{ "measured", "Measured", 0, 1 },
	{ "met_standard", "Met", 0, 1 },
	{ "missed_standard", "Missed", 0, 1 },
	{ "met_standard_pct", "Met%", 1, 0 },
};
static const struct rpt_rowgroup timely_rg[] = { { 3, { 4, 5 }, 2 } };

static void
timely_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	(void)c;
	dasv_cell_count(&row[0], a->contacted);
	/* a median says nothing of how many people it is over: only too few hide it */
	dasv_cell_stat(&row[1], dasv_rpt_quantile(&a->wd, 1, 2), a->wd.n, -1);
	dasv_cell_stat(&row[2], dasv_rpt_quantile(&a->wd, 9, 10), a->wd.n, -1);
	dasv_cell_count(&row[3], a->measured);
	dasv_cell_count(&row[4], a->met);
	dasv_cell_count(&row[5], a->measured - a->met);
	dasv_cell_share(&row[6], a->met, a->measured, 4, 5);
}

static const struct dasv_colspec risk_cols[] = {
	{ "referred", "Referred", 0, 1 },     { "standard", "Standard", 0, 1 },
	{ "medium", "Medium", 0, 1 },         { "high", "High", 0, 1 },
	{ "not_assessed", "NotAssessed", 0, 1 }, { "marac", "MARAC", 0, 1 },
	{ "repeat_marac", "Repeat", 0, 1 },   { "repeat_marac_pct", "Repeat%", 1, 0 },
	{ "escalation", "Escalation", 0, 1 },
};
static const struct rpt_rowgroup risk_rg[] = { { 0, { 1, 2, 3, 4 }, 4 } };

static void
risk_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	(void)c;
	dasv_cell_count(&row[0], a->referred);
	for (int i = 0; i < 4; i++)
		dasv_cell_count(&row[1 + i], a->level[i]);
	dasv_cell_count(&row[5], a->marac);
	dasv_cell_count(&row[6], a->repeat_marac);
	dasv_cell_share(&row[7], a->repeat_marac, a->marac, 6, 5);
	dasv_cell_count(&row[8], a->escalation);
}

static const struct dasv_colspec rate_cols[] = {
	{ "referred", "Referred", 0, 1 },
	{ "adult_women", "AdultWomen", 0, 0 },
	{ "per_10000", "Per10000", 1, 0 },
};

static void
rate_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	(void)c;
	dasv_cell_count(&row[0], a->referred);
	if (a->pop > 0) {
		dasv_cell_plain(&row[1], a->pop);
		/* a rate times the population is the count: it hides with it */
		dasv_cell_stat(&row[2], (double)a->pop_referred * 10000.0 / (double)a->pop,
			       a->pop_referred, 0);
	}
}

static const struct dasv_colspec outcome_cols[] = {
	{ "closed", "Closed", 0, 1 },
	{ "abuse_stopped", "Stopped", 0, 1 },
	{ "abuse_not_stopped", "NotStopped", 0, 1 },
	{ "abuse_stopped_unknown", "Unknown", 0, 1 },
	{ "abuse_stopped_pct", "Stopped%", 1, 0 },
	{ "feels_safer", "Safer", 0, 1 },
	{ "not_safer", "NotSafer", 0, 1 },
	{ "feels_safer_unknown", "Unknown", 0, 1 },
	{ "feels_safer_pct", "Safer%", 1, 0 },
};
static const struct rpt_rowgroup outcome_rg[] = { { 0, { 1, 2, 3 }, 3 }, { 0, { 5, 6, 7 }, 3 } };

static void
outcome_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	(void)c;
	dasv_cell_count(&row[0], a->out_closed);
	for (int i = 0; i < 3; i++) {
		dasv_cell_count(&row[1 + i], a->stopped[i]);
		dasv_cell_count(&row[5 + i], a->safer[i]);
	}
	dasv_cell_share(&row[4], a->stopped[0], a->stopped[0] + a->stopped[1], 1, 2);
	dasv_cell_share(&row[8], a->safer[0], a->safer[0] + a->safer[1], 5, 6);
}

static const struct dasv_colspec reduced_cols[] = {
	{ "closed", "Closed", 0, 1 },
	{ "risk_reduced", "Reduced", 0, 1 },
	{ "risk_not_reduced", "NotReduced", 0, 1 },
	{ "risk_unknown", "Unknown", 0, 1 },
	{ "risk_reduced_pct", "Reduced%", 1, 0 },
};
static const struct rpt_rowgroup reduced_rg[] = { { 0, { 1, 2, 3 }, 3 } };

static void
reduced_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	(void)c;
	dasv_cell_count(&row[0], a->out_closed);
	for (int i = 0; i < 3; i++)
		dasv_cell_count(&row[1 + i], a->reduced[i]);
	dasv_cell_share(&row[4], a->reduced[0], a->reduced[0] + a->reduced[1], 1, 2);
}

static const struct dasv_colspec qol_cols[] = {
	{ "closed", "Closed", 0, 1 },      { "not_recorded", "NotRecorded", 0, 1 },
	{ "score_1", "1", 0, 1 },          { "score_2", "2", 0, 1 },
	{ "score_3", "3", 0, 1 },          { "score_4", "4", 0, 1 },
	{ "score_5", "5", 0, 1 },          { "mean", "Mean", 2, 0 },
};
static const struct rpt_rowgroup qol_rg[] = { { 0, { 1, 2, 3, 4, 5, 6 }, 6 } };

static void
qol_fill(const struct rpt_ctx *c, const struct rpt_gacc *a, struct dasv_report_cell *row)
{
	int64_t sum = 0, n = 0;

	(void)c;
	dasv_cell_count(&row[0], a->out_closed);
	for (int i = 0; i < 6; i++)
		dasv_cell_count(&row[1 + i], a->qol[i]);
	for (int i = 1; i <= 5; i++) {
		sum += i * a->qol[i];
		n += a->qol[i];
	}
	dasv_cell_stat(&row[7], n ? (double)sum / (double)n : 0, n, -1);
}

static const struct rpt_tdef tdefs[] = {
#define TDEF(sec, id, cols, rg, fill) \
	{ DASV_SECTION_##sec, id, cols, sizeof(cols) / sizeof(cols[0]), rg, \
	  sizeof(rg) / sizeof(rg[0]), fill }
	TDEF(UPTAKE, "uptake", uptake_cols, uptake_rg, uptake_fill),
	TDEF(TIMELINESS, "timeliness", timely_cols, timely_rg, timely_fill),
	TDEF(RISK, "risk", risk_cols, risk_rg, risk_fill),
	TDEF(OUTCOMES, "outcomes", outcome_cols, outcome_rg, outcome_fill),
	TDEF(OUTCOMES, "outcomes_risk", reduced_cols, reduced_rg, reduced_fill),
	TDEF(OUTCOMES, "quality_of_life", qol_cols, qol_rg, qol_fill),
#undef TDEF
};

static const struct rpt_tdef capacity_def = {
	DASV_SECTION_UPTAKE, "capacity", capacity_cols,
	sizeof(capacity_cols) / sizeof(capacity_cols[0]), NULL, 0, capacity_fill
};
static const struct rpt_tdef rate_def = { DASV_SECTION_RISK, "rate", rate_cols,
				      sizeof(rate_cols) / sizeof(rate_cols[0]), NULL, 0,
				      rate_fill };

static const char *
table_title(const char *id)
{
	static const struct {
		const char *id, *title;
	} titles[] = {
		{ "uptake", "Uptake: referrals received" },
		{ "timeliness", "Working days from referral to first contact; first contact within "
				"the service's standard from allocation: referrals received" },
		{ "risk", "Risk level, MARAC and escalation: referrals received" },
		{ "outcomes", "Outcomes at exit: cases closed" },
		{ "outcomes_risk", "Risk reduced from intake to exit: cases closed" },
		{ "quality_of_life", "Quality of life at exit (1-5): cases closed" },
	};
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (!strcmp(titles[i].id, id))
			return titles[i].title;
	return id;
}

/* Capacity now: services (or pathways) selected by the filters. */
static enum dasv_status
capacity_table(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	int by_pw = p->by == DASV_BY_PATHWAY;
	size_t n = by_pw ? c->npw : c->nsvc;
	struct rpt_grow *rows = calloc(n + 1, sizeof(*rows));
	struct rpt_gacc *acc = calloc(n + 1, sizeof(*acc)), all;
	enum dasv_status ret;
	char title[200];

	memset(&all, 0, sizeof(all));
	if (!rows || !acc) {
		free(rows);
		free(acc);
		return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
	}
	for (size_t i = 0; i < c->nsvc; i++) {
		const struct rpt_svc *s = &c->svc[i];
		size_t g = by_pw ? (s->pw < 0 ? n : (size_t)s->pw) : i;
		if (!dasv_rpt_svc_selected(c, s) || (!s->active && !s->open_cases && !s->waiting))
			continue;
		acc[g].capacity += s->capacity;
		acc[g].open += s->open_cases;
		acc[g].waiting_now += s->waiting;
		all.capacity += s->capacity;
		all.open += s->open_cases;
		all.waiting_now += s->waiting;
		if (!by_pw) {
			snprintf(rows[g].code, sizeof(rows[g].code), "%lld", (long long)s->id);
			snprintf(rows[g].label, sizeof(rows[g].label), "%s", s->name);
			rows[g].listed = 1;
		}
	}
	for (size_t i = 0; by_pw && i < c->npw; i++) {
		snprintf(rows[i].code, sizeof(rows[i].code), "%s", c->pw[i].code);
		snprintf(rows[i].label, sizeof(rows[i].label), "%s %s", c->pw[i].code, c->pw[i].aim);
	}
	snprintf(title, sizeof(title), "Capacity now (%s), all districts, by %s", c->r->made_on,
		 by_pw ? "pathway" : "service");
	ret = grouped_table(c, &capacity_def, title, rows, acc, n, &all);
	free(rows);
	free(acc);
	return ret;
}

/* Referrals per 10 000 adult women, by district. */
static enum dasv_status
rate_table(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	struct rpt_grow *rows = calloc(c->ndist + 1, sizeof(*rows));
	struct rpt_gacc *acc = calloc(c->ndist + 1, sizeof(*acc)), all;
	enum dasv_status ret;
	char title[200];

	memset(&all, 0, sizeof(all));
	if (!rows || !acc) {
		free(rows);
		free(acc);
		return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
	}
	for (size_t i = 0; i <= c->ndist; i++) {
		if (i < c->ndist) {
			snprintf(rows[i].code, sizeof(rows[i].code), "%s", c->dist[i].code);
			snprintf(rows[i].label, sizeof(rows[i].label), "%s", c->dist[i].label);
			rows[i].listed = !p->district[0] || !strcmp(p->district, c->dist[i].code);
			acc[i].pop = c->dist[i].women > 0 ? c->dist[i].women : 0;
		} else {
			snprintf(rows[i].code, sizeof(rows[i].code), "none");
			snprintf(rows[i].label, sizeof(rows[i].label), "(unknown district)");
		}
		acc[i].referred = c->by_district[i];
		acc[i].pop_referred = acc[i].pop ? acc[i].referred : 0;
		all.referred += acc[i].referred;
		if (rows[i].listed || acc[i].referred) {
			all.pop += acc[i].pop;
			all.pop_referred += acc[i].pop_referred;
		}
	}
	snprintf(title, sizeof(title),
		 "Referrals per 10 000 adult women: referrals received %s to %s, by district "
		 "(All: districts with a population)",
		 p->from, p->to);
	ret = grouped_table(c, &rate_def, title, rows, acc, c->ndist + 1, &all);
	free(rows);
	free(acc);
	return ret;
}

static const struct dasv_colspec reach_cols[] = {
	{ "referred", "Referred", 0, 1 },
	{ "share_pct", "Share%", 1, 0 },
};

static enum dasv_status
reach_tables(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	struct dasv_report_table *t;
	struct dasv_report_cell *row;
	const struct dasv_code *codes;
	int64_t total;
	char id[32], title[200];
	size_t n;

	for (int i = 0; i < NREACH; i++) {
		codes = dasv_codes(dasv_rpt_reach[i].list, &n);
		total = 0;
		for (size_t k = 0; k <= n; k++)
			total += c->reached[i][k];
		snprintf(id, sizeof(id), "reach_%s", dasv_rpt_reach[i].id);
		snprintf(title, sizeof(title), "Who is reached, by %s: referrals received %s to %s",
			 dasv_rpt_reach[i].title, p->from, p->to);
		if (!(t = dasv_rt_new(c->r, DASV_SECTION_REACH, id, title, reach_cols, 2)))
			goto oom;
		for (size_t k = 0; k <= n + 1; k++) {
			int64_t v = k < n ? c->reached[i][k] : k == n ? c->reached[i][n] : total;
			if (k < n)
				row = dasv_rt_row(t, codes[k].code, codes[k].label, 0);
			else if (k == n)
				row = dasv_rt_row(t, "not_recorded", "Not recorded", 0);
			else
				row = dasv_rt_row(t, "all", "All", 1);
			if (!row)
				goto oom;
			dasv_cell_count(&row[0], v);
			dasv_cell_share(&row[1], v, total, 0, DASV_REF_TOTAL(0));
		}
		if (dasv_rt_finish(t, reach_cols) != 0)
			goto oom;
	}
	return DASV_OK;
oom:
	return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
}

static const struct dasv_colspec needs_cols[] = {
	{ "assessed", "Assessed", 0, 0 },
	{ "any_need", "AnyNeed", 0, 0 },
	{ "any_need_pct", "Any%", 1, 0 },
	{ "high_need", "High", 0, 0 },
	{ "high_need_pct", "High%", 1, 0 },
};

static enum dasv_status
needs_table(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	struct dasv_report_table *t;
	struct dasv_report_cell *row;
	char title[200];
	size_t n;
	const struct dasv_code *codes = dasv_codes(DASV_LIST_NEED_DOMAIN, &n);

	snprintf(title, sizeof(title),
		 "Needs at intake (any: low or above; high): referrals received %s to %s", p->from,
		 p->to);
	if (!(t = dasv_rt_new(c->r, DASV_SECTION_NEEDS, "needs", title, needs_cols, 5)))
		goto oom;
	for (size_t k = 0; k < n; k++) {
		if (!(row = dasv_rt_row(t, codes[k].code, codes[k].label, 0)))
			goto oom;
		dasv_cell_count(&row[0], c->need_assessed[k]);
		dasv_cell_count(&row[1], c->need_any[k]);
		dasv_cell_share(&row[2], c->need_any[k], c->need_assessed[k], 1, 0);
		dasv_cell_count(&row[3], c->need_high[k]);
		dasv_cell_share(&row[4], c->need_high[k], c->need_assessed[k], 3, 0);
	}
	if (dasv_rt_finish(t, needs_cols) != 0)
		goto oom;
	return DASV_OK;
oom:
	return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
}

static const struct dasv_colspec trend_cols[] = {
	{ "referred", "Referred", 0, 0 },    { "high", "High", 0, 0 },
	{ "marac", "MARAC", 0, 0 },          { "allocated", "Allocated", 0, 0 },
	{ "measured", "Measured", 0, 0 },    { "met_standard", "Met", 0, 0 },
	{ "missed_standard", "Missed", 0, 0 }, { "met_standard_pct", "Met%", 1, 0 },
};

static enum dasv_status
trend_table(struct rpt_ctx *c)
{
	struct dasv_report_table *t;
	struct dasv_report_cell *row;
	char code[16], label[16], title[160];
	size_t members[2];

	snprintf(title, sizeof(title), "Quarter on quarter: referrals received %s to %s",
		 c->r->trend_from, c->r->trend_to);
	if (!(t = dasv_rt_new(c->r, DASV_SECTION_TREND, "trend", title, trend_cols, 8)))
		goto oom;
	for (int i = 0; i < TREND_QUARTERS; i++) {
		const struct rpt_trendq *q = &c->q[i];
		int y = (c->trend_q0 + i) / 4, qn = (c->trend_q0 + i) % 4 + 1;
		snprintf(code, sizeof(code), "%04dQ%d", y, qn);
		snprintf(label, sizeof(label), "%04d Q%d", y, qn);
		if (!(row = dasv_rt_row(t, code, label, 0)))
			goto oom;
		dasv_cell_count(&row[0], q->referrals);
		dasv_cell_count(&row[1], q->high);
		dasv_cell_count(&row[2], q->marac);
		dasv_cell_count(&row[3], q->allocated);
		dasv_cell_count(&row[4], q->measured);
		dasv_cell_count(&row[5], q->met);
		dasv_cell_count(&row[6], q->measured - q->met);
		dasv_cell_share(&row[7], q->met, q->measured, 5, 6);
		members[0] = (size_t)i * t->ncols + 5;
		members[1] = (size_t)i * t->ncols + 6;
		if (dasv_rt_group(t, (size_t)i * t->ncols + 4, members, 2) != 0)
			goto oom;
	}
	if (dasv_rt_finish(t, trend_cols) != 0)
		goto oom;
	return DASV_OK;
oom:
	return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
}

enum dasv_status
dasv_rpt_build(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	struct rpt_gacc all;
	enum dasv_status ret = DASV_OK;
	char title[200];

	memset(&all, 0, sizeof(all));
	for (size_t g = 0; g < c->ngroups; g++)
		if (dasv_rpt_gacc_add(&all, &c->acc[g]) != 0) {
			dasv_rpt_gacc_free(&all);
			return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
		}
	for (size_t i = 0; ret == DASV_OK && i < sizeof(tdefs) / sizeof(tdefs[0]); i++) {
		const struct rpt_tdef *def = &tdefs[i];
		if (!(p->sections & DASV_SECTION_BIT(def->section)))
			continue;
		snprintf(title, sizeof(title), "%s %s to %s, by %s", table_title(def->id), p->from,
			 p->to, dasv_report_by_name(p->by));
		ret = grouped_table(c, def, title, c->grows, c->acc, c->ngroups, &all);
		if (ret == DASV_OK && def->section == DASV_SECTION_UPTAKE)
			ret = capacity_table(c);
		if (ret == DASV_OK && def->section == DASV_SECTION_RISK)
			ret = rate_table(c);
	}
	dasv_rpt_gacc_free(&all);
	if (ret == DASV_OK && (p->sections & DASV_SECTION_BIT(DASV_SECTION_REACH)))
		ret = reach_tables(c);
	if (ret == DASV_OK && (p->sections & DASV_SECTION_BIT(DASV_SECTION_NEEDS)))
		ret = needs_table(c);
	if (ret == DASV_OK && (p->sections & DASV_SECTION_BIT(DASV_SECTION_TREND)))
		ret = trend_table(c);
	for (size_t i = 0; ret == DASV_OK && i < c->r->ntables; i++)
		dasv_report_suppress(&c->r->tables[i], c->r->threshold);
	return ret;
}

