/*
 * report_tally.c - the aggregate queries of the reports and the C side of
 * them: application-defined SQL aggregates that fold each period's rows
 * into per-group counters and working-day histograms in one pass, with no
 * sort and no row handed to sqlite3_step's caller.  Reads coded columns only.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"

const struct rpt_reach dasv_rpt_reach[NREACH] = {
	{ DASV_LIST_SOURCE, "source", "source of referral" },
	{ DASV_LIST_DISTRICT, "district", "district" },
	{ DASV_LIST_SEX, "sex", "sex" },
	{ DASV_LIST_AGE_BAND, "age_band", "age at referral" },
	{ DASV_LIST_ETHNICITY, "ethnicity", "ethnicity" },
	{ DASV_LIST_DISABILITY, "disability", "disability" },
	{ DASV_LIST_SEXUAL_ORIENTATION, "sexual_orientation", "sexual orientation" },
	{ DASV_LIST_GENDER_REASSIGNMENT, "gender_reassignment", "gender reassignment" },
	{ DASV_LIST_PREGNANCY, "pregnancy", "pregnancy or maternity" },
	{ DASV_LIST_RELIGION, "religion", "religion or belief" },
	{ DASV_LIST_YES_NO, "interpreter", "needs an interpreter" },
	{ DASV_LIST_YES_NO, "nrpf", "no recourse to public funds" },
};

/* Argument positions of dasv_report_cohort (0 is the context pointer). */
enum {
	CA_SERVICE = 1, CA_PATHWAY, CA_DISTRICT, CA_RECEIVED, CA_LEVEL, CA_MARAC, CA_REPEAT,
	CA_ESCALATION, CA_ALLOCATED, CA_CONTACT, CA_WAITING, CA_ENGAGED, CA_STATUS, CA_REASON,
	CA_SOURCE, CA_EQ_FIRST, /* eq_sex .. eq_nrpf: 10 */
	CA_ID = CA_EQ_FIRST + 10,
	CA_COUNT
};
/* The cohort argument holding each reach list's code. */
static const int reach_arg[NREACH] = { CA_SOURCE, CA_DISTRICT, CA_EQ_FIRST + 0, CA_EQ_FIRST + 1,
				       CA_EQ_FIRST + 2, CA_EQ_FIRST + 3, CA_EQ_FIRST + 4,
				       CA_EQ_FIRST + 5, CA_EQ_FIRST + 6, CA_EQ_FIRST + 7,
				       CA_EQ_FIRST + 8, CA_EQ_FIRST + 9 };

static int
hist_reserve(struct rpt_hist *h, size_t v)
{
	size_t len = h->len ? h->len : 32;
	int64_t *c;

	if (v < h->len)
		return 0;
	while (len <= v)
		len *= 2;
	if (!(c = realloc(h->c, len * sizeof(*c))))
		return -1;
	memset(c + h->len, 0, (len - h->len) * sizeof(*c));
	h->c = c;
	h->len = len;
	return 0;
}

/* Working days before the referral (bad data) count as the same day. */
static int
hist_add(struct rpt_hist *h, int64_t days)
{
	size_t v = days < 0 ? 0 : (size_t)days;

	if (hist_reserve(h, v) != 0)
		return -1;
	h->c[v]++;
	h->n++;
	return 0;
}

static int
hist_merge(struct rpt_hist *into, const struct rpt_hist *from)
{
	if (from->len && hist_reserve(into, from->len - 1) != 0)
		return -1;
	for (size_t v = 0; v < from->len; v++)
		into->c[v] += from->c[v];
	into->n += from->n;
	return 0;
}

static int64_t
hist_at_rank(const struct rpt_hist *h, int64_t rank)
{
	int64_t seen = 0;

	for (size_t v = 0; v < h->len; v++) {
		seen += h->c[v];
		if (seen > rank)
			return (int64_t)v;
	}
	return 0;
}

/*
 * The num/den quantile, linear between order statistics (Hyndman and
 * Fan type 7, as Excel's PERCENTILE.INC and R's default): position
 * (n - 1) * num / den, in integers so a median is exactly x.0 or x.5.
 */
double
dasv_rpt_quantile(const struct rpt_hist *h, int64_t num, int64_t den)
{
	int64_t pos, lo, rem, a, b;

	if (h->n <= 0)
		return 0;
	pos = (h->n - 1) * num;
	lo = pos / den;
	rem = pos % den;
	a = hist_at_rank(h, lo);
	b = rem ? hist_at_rank(h, lo + 1) : a;
	return (double)a + (double)(b - a) * (double)rem / (double)den;
}

void
dasv_rpt_gacc_free(struct rpt_gacc *a)
{
	free(a->wd.c);
	a->wd.c = NULL;
	a->wd.len = 0;
}

static void
add_n(int64_t *into, const int64_t *from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		into[i] += from[i];
}

int
dasv_rpt_gacc_add(struct rpt_gacc *into, const struct rpt_gacc *a)
{
	into->referred += a->referred;
	into->allocated += a->allocated;
	into->waiting += a->waiting;
	into->contacted += a->contacted;
	into->engaged += a->engaged;
	into->closed += a->closed;
	add_n(into->reason, a->reason, CODES_MAX);
	add_n(into->level, a->level, 4);
	into->marac += a->marac;
	into->repeat_marac += a->repeat_marac;
	into->escalation += a->escalation;
	into->measured += a->measured;
	into->met += a->met;
	into->out_closed += a->out_closed;
	add_n(into->stopped, a->stopped, 3);
	add_n(into->safer, a->safer, 3);
	add_n(into->reduced, a->reduced, 3);
	add_n(into->qol, a->qol, 6);
	into->capacity += a->capacity;
	into->open += a->open;
	into->waiting_now += a->waiting_now;
	into->pop += a->pop;
	into->pop_referred += a->pop_referred;
	return hist_merge(&into->wd, &a->wd);
}

/* ---- per-row work inside the aggregates ---------------------------------- */

static int64_t
int_or(sqlite3_value *v, int64_t dflt)
{
	return sqlite3_value_type(v) == SQLITE_NULL ? dflt : sqlite3_value_int64(v);
}

void
dasv_rpt_codetab_init(struct rpt_codetab *t, const struct dasv_code *codes, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->last = -1;
	for (size_t i = 0; i < n; i++)
		dasv_rpt_codetab_add(t, codes[i].code);
}

void
dasv_rpt_codetab_add(struct rpt_codetab *t, const char *code)
{
	unsigned char *link;

	if (t->n >= CODES_MAX)
		return;
	t->code[t->n] = code;
	/* append to the chain of codes with this first byte */
	for (link = &t->first[(unsigned char)code[0]]; *link; link = &t->next[*link - 1])
		;
	*link = (unsigned char)(t->n + 1);
	t->next[t->n] = 0;
	t->n++;
}

/* Whether NUL-terminated a equals b, without a library call for short codes. */
static int
same(const char *a, const unsigned char *b)
{
	while (*a && *a == (char)*b) {
		a++;
		b++;
	}
	return *a == (char)*b;
}

/* Index of a stored code in the table, or -1 (NULL or unknown). */
static long
tab_find(struct rpt_codetab *t, sqlite3_value *v)
{
	const unsigned char *s = sqlite3_value_text(v);

	if (!s)
		return -1;
	if (t->last >= 0 && same(t->code[t->last], s))
		return t->last;
	for (unsigned i = t->first[s[0]]; i; i = t->next[i - 1])
		if (same(t->code[i - 1], s))
			return t->last = (long)i - 1;
	return -1;
}

static int
text_is(sqlite3_value *v, const char *s, int len)
{
	const unsigned char *t = sqlite3_value_text(v);

	return t && sqlite3_value_bytes(v) == len && memcmp(t, s, (size_t)len) == 0;
}

/* A stored date through the column's cache; NULL when NULL or not a date. */
static const struct rpt_dslot *
date_slot(struct rpt_dcache *dc, sqlite3_value *v)
{
	const unsigned char *s = sqlite3_value_text(v);
	struct rpt_dslot *slot;
	char buf[11];
	int y, m;

	if (!s || sqlite3_value_bytes(v) != 10)
		return NULL;
	/* last digit of the year, month and day: any bytes will do, it is only a hash */
	slot = &dc->slot[((unsigned)s[3] * 372u + (unsigned)s[6] * 31u + (unsigned)s[8] * 10u +
			  (unsigned)s[9]) % DCACHE_SLOTS];
	if (!slot->state || memcmp(slot->s, s, 10) != 0) {
		memcpy(buf, s, 10);
		buf[10] = '\0';
		memcpy(slot->s, s, 10);
		slot->state = dasv_date_parse(buf, &slot->day, NULL, 0) == DASV_OK ? 1 : 2;
		if (slot->state == 1) {
			dasv_date_split(slot->day, &y, &m, NULL);
			slot->quarter = y * 4 + (m - 1) / 3;
		}
	}
	return slot->state == 1 ? slot : NULL;
}

static int
date_of(struct rpt_dcache *dc, sqlite3_value *v, int32_t *day)
{
	const struct rpt_dslot *slot = date_slot(dc, v);

	if (slot)
		*day = slot->day;
	return slot != NULL;
}

long
dasv_rpt_svc_find(const struct rpt_ctx *c, int64_t id)
{
	size_t lo = 0, hi = c->nsvc;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->svc[mid].id == id)
			return (long)mid;
		if (c->svc[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The service a row names, as an index into c->svc; -1 for none or unknown. */
static long
svc_of(const struct rpt_ctx *c, sqlite3_value *service)
{
	return sqlite3_value_type(service) == SQLITE_NULL
		       ? -1
		       : dasv_rpt_svc_find(c, sqlite3_value_int64(service));
}

/* The grouped-table row a referral of service si falls in. */
static size_t
group_of(struct rpt_ctx *c, long si, sqlite3_value *pathway, sqlite3_value *district)
{
	size_t none = c->ngroups - 1;
	long k;

	switch (c->r->params.by) {
	case DASV_BY_SERVICE:
		return si < 0 ? none : (size_t)si;
	case DASV_BY_PATHWAY:
		if (si >= 0 && c->svc[si].pw >= 0)
			return (size_t)c->svc[si].pw;
		k = tab_find(&c->pathways, pathway);
		return k < 0 ? none : (size_t)k;
	default:
		k = tab_find(&c->districts, district);
		return k < 0 ? none : (size_t)k;
	}
}

/*
 * First contact against the service's standard, in working days from
 * allocation: counted once contact is made, or once the standard has
 * passed without it (a miss).
 */
static void
standard(struct rpt_ctx *c, long si, int level, sqlite3_value *allocated, sqlite3_value *contact,
	 int64_t *measured, int64_t *met)
{
	int32_t a, f;
	int days;

	if (si < 0 || !date_of(&c->allocated, allocated, &a))
		return;
	days = level == 2 ? c->svc[si].high_days : c->svc[si].contact_days;
	if (date_of(&c->contact, contact, &f)) {
		(*measured)++;
		*met += dasv_date_working_days_between(a, f) <= days;
	} else if (dasv_date_working_days_between(a, c->today) > days) {
		(*measured)++;
	}
}

static struct rpt_ctx *
agg_ctx(sqlite3_context *cx, sqlite3_value *v, int argc, int want)
{
	struct rpt_ctx *c = sqlite3_value_pointer(v, DASV_RPT_PTR_TYPE);

	if (!c || argc != want) {
		sqlite3_result_error(cx, "report aggregate called wrongly", -1);
		return NULL;
	}
	return c->oom ? NULL : c;
}

static void
cohort_step(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct rpt_ctx *c = agg_ctx(cx, v[0], argc, CA_COUNT);
	const struct rpt_dslot *received;
	struct rpt_gacc *a;
	int32_t fc;
	int64_t level, marac, allocated, measured = 0, met = 0;
	long k, qi, si;

	if (!c)
		return;
	si = svc_of(c, v[CA_SERVICE]);
	a = &c->acc[group_of(c, si, v[CA_PATHWAY], v[CA_DISTRICT])];
	a->referred++;
	level = int_or(v[CA_LEVEL], -1);
	if (level < 0 || level > 2)
		level = 3;
	a->level[level]++;
	marac = sqlite3_value_int(v[CA_MARAC]) != 0;
	a->marac += marac;
	a->repeat_marac += marac && sqlite3_value_int(v[CA_REPEAT]) != 0;
	a->escalation += sqlite3_value_int(v[CA_ESCALATION]) != 0;
	allocated = sqlite3_value_type(v[CA_ALLOCATED]) != SQLITE_NULL;
	a->allocated += allocated;
	a->waiting += sqlite3_value_type(v[CA_WAITING]) != SQLITE_NULL;
	a->contacted += sqlite3_value_type(v[CA_CONTACT]) != SQLITE_NULL;
	a->engaged += sqlite3_value_int(v[CA_ENGAGED]) != 0;
	if (text_is(v[CA_STATUS], "closed", 6)) {
		a->closed++;
		if ((k = tab_find(&c->reasons, v[CA_REASON])) >= 0)
			a->reason[k]++;
	}
	if (c->want & RPT_WANT_TIMELY) {
		received = date_slot(&c->received, v[CA_RECEIVED]);
		if (received && date_of(&c->contact, v[CA_CONTACT], &fc) &&
		    hist_add(&a->wd, dasv_date_working_days_between(received->day, fc)) != 0) {
			c->oom = 1;
			sqlite3_result_error_nomem(cx);
			return;
		}
		standard(c, si, (int)level, v[CA_ALLOCATED], v[CA_CONTACT], &measured, &met);
		a->measured += measured;
		a->met += met;
	} else {
		received = NULL;
	}
	if (c->trend_in_cohort && received && (qi = received->quarter - c->trend_q0) >= 0 &&
	    qi < TREND_QUARTERS) {
		struct rpt_trendq *q = &c->q[qi];
		q->referrals++;
		q->high += level == 2;
		q->marac += marac;
		q->allocated += allocated;
		q->measured += measured;
		q->met += met;
	}
	if (c->collect_ids) {
		if (c->nids == c->capids) {
			size_t cap = c->capids ? c->capids * 2 : 4096;
			int64_t *ids = realloc(c->ids, cap * sizeof(*ids));
			if (!ids) {
				c->oom = 1;
				sqlite3_result_error_nomem(cx);
				return;
			}
			c->ids = ids;
			c->capids = cap;
		}
		c->ids[c->nids++] = sqlite3_value_int64(v[CA_ID]);
	}
	if (c->want & RPT_WANT_DISTRICT) {
		k = tab_find(&c->districts, v[CA_DISTRICT]);
		c->by_district[k < 0 ? (long)c->ndist : k]++;
	}
	if (!(c->want & RPT_WANT_REACH))
		return;
	for (int i = 0; i < NREACH; i++) {
		k = tab_find(&c->reach[i], v[reach_arg[i]]);
		c->reached[i][k < 0 ? (long)c->reach[i].n : k]++;
	}
}

/* 0 ctx, 1 received_on, 2 service_id, 3 level, 4 marac, 5 allocated_on, 6 first_contact_on */
static void
trend_step(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct rpt_ctx *c = agg_ctx(cx, v[0], argc, 7);
	const struct rpt_dslot *received;
	struct rpt_trendq *q;
	int level;
	long qi;

	if (!c || !(received = date_slot(&c->received, v[1])))
		return;
	qi = received->quarter - c->trend_q0;
	if (qi < 0 || qi >= TREND_QUARTERS)
		return;
	q = &c->q[qi];
	level = (int)int_or(v[3], -1);
	q->referrals++;
	q->high += level == 2;
	q->marac += sqlite3_value_int(v[4]) != 0;
	q->allocated += sqlite3_value_type(v[5]) != SQLITE_NULL;
	standard(c, svc_of(c, v[2]), level, v[5], v[6], &q->measured, &q->met);
}

/* 0 ctx, 1-3 service/pathway/district, 4 abuse_stopped, 5 exit_level, 6 feels_safer,
 * 7 quality_of_life, 8 level at intake */
static void
outcome_step(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct rpt_ctx *c = agg_ctx(cx, v[0], argc, 9);
	struct rpt_gacc *a;
	int64_t x, exit_level, intake, qol;

	if (!c)
		return;
	a = &c->acc[group_of(c, svc_of(c, v[1]), v[2], v[3])];
	a->out_closed++;
	x = int_or(v[4], -1);
	a->stopped[x == 1 ? 0 : x == 0 ? 1 : 2]++;
	x = int_or(v[6], -1);
	a->safer[x == 1 ? 0 : x == 0 ? 1 : 2]++;
	exit_level = int_or(v[5], -1);
	intake = int_or(v[8], -1);
	if (exit_level < 0 || intake < 0)
		a->reduced[2]++;
	else
		a->reduced[exit_level < intake ? 0 : 1]++;
	qol = int_or(v[7], 0);
	a->qol[qol >= 1 && qol <= 5 ? qol : 0]++;
}

/* 0 ctx, 1 domain, 2 level */
static void
needs_step(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct rpt_ctx *c = agg_ctx(cx, v[0], argc, 3);
	int64_t level;
	long k;

	if (!c)
		return;
	if ((k = tab_find(&c->domains, v[1])) < 0)
		return;
	level = int_or(v[2], 0);
	c->need_assessed[k]++;
	c->need_any[k] += level >= 1;
	c->need_high[k] += level >= 3;
}

/* 0 ctx, 1 referral_id, 2 domain, 3 level: only the cohort's referrals count */
static void
needs_in_step(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct rpt_ctx *c = agg_ctx(cx, v[0], argc, 4);
	int64_t id;

	if (!c)
		return;
	id = sqlite3_value_int64(v[1]);
	/* rows come in referral_id order, like the ids of the run */
	while (c->id_at < c->id_end && c->ids[c->id_at] < id)
		c->id_at++;
	if (c->id_at < c->id_end && c->ids[c->id_at] == id)
		needs_step(cx, 3, (sqlite3_value *[]){ v[0], v[2], v[3] });
}

static void
agg_final(sqlite3_context *cx)
{
	sqlite3_result_null(cx);
}

enum dasv_status
dasv_rpt_register(struct dasv *d)
{
	static const struct {
		const char *name;
		int nargs;
		void (*step)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{ "dasv_report_cohort", CA_COUNT, cohort_step },
		{ "dasv_report_trend", 7, trend_step },
		{ "dasv_report_outcome", 9, outcome_step },
		{ "dasv_report_needs", 3, needs_step },
		{ "dasv_report_needs_in", 4, needs_in_step },
	};
	sqlite3_stmt *probe = NULL;
	int rc;

	/* registering again would expire every cached statement: only once per handle */
	rc = sqlite3_prepare_v2(d->db, "SELECT dasv_report_needs_in(NULL, NULL, NULL, NULL)", -1,
				&probe, NULL);
	sqlite3_finalize(probe);
	if (rc == SQLITE_OK)
		return DASV_OK;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		rc = sqlite3_create_function_v2(d->db, fns[i].name, fns[i].nargs,
						SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, NULL,
						fns[i].step, agg_final, NULL);
		if (rc != SQLITE_OK)
			return dasv_db_err(d, rc, "report");
	}
	return DASV_OK;
}

/* ---- queries --------------------------------------------------------------- */

/*
 * ?2 ?3 the period; ?4 strand mask; ?5 district, ?6 service, ?7 pathway.
 * Each query comes in two texts, with and without the filter terms, so a
 * report without filters spends nothing on them per row.
 */
#define COHORT_FILTER                                                                     \
	" AND (?4 = 0 OR (r.strand & ?4) <> 0)"                                           \
	" AND (?5 IS NULL OR r.district = ?5)"                                            \
	" AND (?6 IS NULL OR r.service_id = ?6)"                                          \
	" AND (?7 IS NULL OR coalesce((SELECT s.pathway FROM services s "                 \
	"WHERE s.id = r.service_id), r.rec_pathway) = ?7)"

/*
 * The cohort pass: one aggregate call per referral of the period.  Each
 * section alone needs only some columns; the others are passed as NULL (or
 * 0), which SQLite need not decode, so a one-section run reads only its own.
 * All variants share the aggregate and the order of its arguments.
 */
#define COHORT_SQL(args) \
	"SELECT dasv_report_cohort(?1, r.service_id, r.rec_pathway, r.district, " args \
	", r.id) FROM referrals r WHERE r.received_on BETWEEN ?2 AND ?3"
#define NULLS_EQ "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
/* received, level, marac, repeat, escalation, allocated, contact, waiting, engaged,
 * status, reason, source, eq_sex .. eq_nrpf */
#define ARGS_ALL                                                                             \
	"r.received_on, r.level, r.marac, r.repeat_marac, r.escalation, r.allocated_on, "       \
	"r.first_contact_on, r.waiting_since, r.engaged, r.status, r.close_reason, r.source, "  \
	"r.eq_sex, r.eq_age_band, r.eq_ethnicity, r.eq_disability, r.eq_sexual_orientation, "   \
	"r.eq_gender_reassignment, r.eq_pregnancy, r.eq_religion, r.eq_interpreter, r.eq_nrpf"
#define ARGS_UPTAKE                                                                          \
	"NULL, NULL, 0, 0, 0, r.allocated_on, r.first_contact_on, r.waiting_since, r.engaged, " \
	"r.status, r.close_reason, NULL, " NULLS_EQ
#define ARGS_TIMELY                                                                       \
	"r.received_on, r.level, 0, 0, 0, r.allocated_on, r.first_contact_on, NULL, 0, NULL, " \
	"NULL, NULL, " NULLS_EQ
#define ARGS_RISK                                                                           \
	"NULL, r.level, r.marac, r.repeat_marac, r.escalation, NULL, NULL, NULL, 0, NULL, NULL, " \
	"NULL, " NULLS_EQ
#define ARGS_REACH                                                                          \
	"NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0, NULL, NULL, r.source, r.eq_sex, r.eq_age_band, " \
	"r.eq_ethnicity, r.eq_disability, r.eq_sexual_orientation, r.eq_gender_reassignment, "    \
	"r.eq_pregnancy, r.eq_religion, r.eq_interpreter, r.eq_nrpf"

#define TREND_SQL                                                                      \
	"SELECT dasv_report_trend(?1, r.received_on, r.service_id, r.level, r.marac, "     \
	"r.allocated_on, r.first_contact_on) "                                             \
	"FROM referrals r WHERE r.received_on BETWEEN ?2 AND ?3"

/*
 * The level at intake is that of the first DASH or SV assessment: the
 * index assessments_first keeps a referral's assessments by date, then id.
 * Referrals are read through the narrow index referrals_report_id, not the
 * wide table rows (both from migration 0003).
 */
#define OUTCOME_SQL                                                                          \
	"SELECT dasv_report_outcome(?1, r.service_id, r.rec_pathway, r.district, "              \
	"o.abuse_stopped, o.exit_level, o.feels_safer, o.quality_of_life, "                      \
	"(SELECT a.level FROM assessments a WHERE a.referral_id = r.id AND a.kind <> 'sdash' "   \
	"ORDER BY a.assessed_on, a.id LIMIT 1)) "                                                \
	"FROM outcomes o JOIN referrals r INDEXED BY referrals_report_id ON r.id = o.referral_id " \
	"WHERE o.closed_on BETWEEN ?2 AND ?3"

#define NEEDS_SQL                                                   \
	"SELECT dasv_report_needs(?1, n.domain, n.level) "            \
	"FROM referrals r JOIN needs n ON n.referral_id = r.id "        \
	"WHERE r.received_on BETWEEN ?2 AND ?3"

/*
 * Needs by key range: ids follow the order referrals are entered, so a
 * period's ids come in a few dense runs.  Reading each run's needs in
 * referral_id order and matching ids along the sorted cohort replaces one
 * B-tree search per referral; scattered ids just make more, shorter runs.
 */
static const char needs_range_sql[] =
	"SELECT dasv_report_needs_in(?1, n.referral_id, n.domain, n.level) "
	"FROM needs n WHERE n.referral_id BETWEEN ?2 AND ?3";

static const char *const queries[][2] = {
	{ COHORT_SQL(ARGS_ALL), COHORT_SQL(ARGS_ALL) COHORT_FILTER },
	{ COHORT_SQL(ARGS_UPTAKE), COHORT_SQL(ARGS_UPTAKE) COHORT_FILTER },
	{ COHORT_SQL(ARGS_TIMELY), COHORT_SQL(ARGS_TIMELY) COHORT_FILTER },
	{ COHORT_SQL(ARGS_RISK), COHORT_SQL(ARGS_RISK) COHORT_FILTER },
	{ COHORT_SQL(ARGS_REACH), COHORT_SQL(ARGS_REACH) COHORT_FILTER },
	{ TREND_SQL, TREND_SQL COHORT_FILTER },
	{ OUTCOME_SQL, OUTCOME_SQL COHORT_FILTER },
	{ NEEDS_SQL, NEEDS_SQL COHORT_FILTER },
};
enum { Q_COHORT, Q_UPTAKE, Q_TIMELY, Q_RISK, Q_REACH, Q_TREND, Q_OUTCOME, Q_NEEDS };

static enum dasv_status
run_aggregate(struct rpt_ctx *c, int query, const char *from, const char *to)
{
	const struct dasv_report_params *p = &c->r->params;
	int filtered = p->strand || p->district[0] || p->service_id || p->pathway[0];
	sqlite3_stmt *st = NULL;
	enum dasv_status ret = DASV_OK;
	int rc;

	rc = sqlite3_prepare_v2(c->d->db, queries[query][filtered], -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dasv_db_err(c->d, rc, "report");
	sqlite3_bind_pointer(st, 1, c, DASV_RPT_PTR_TYPE, NULL);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)p->strand);
	if (p->district[0])
		sqlite3_bind_text(st, 5, p->district, -1, SQLITE_STATIC);
	if (p->service_id)
		sqlite3_bind_int64(st, 6, p->service_id);
	if (p->pathway[0])
		sqlite3_bind_text(st, 7, p->pathway, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (c->oom)
		ret = dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
	else if (rc != SQLITE_DONE)
		ret = dasv_db_err(c->d, rc, "report");
	sqlite3_finalize(st);
	return ret;
}

/* The day before or after a date, as text. */
static void
day_next(const char *day, int delta, char out[11])
{
	int32_t d = 0;

	dasv_date_parse(day, &d, NULL, 0);
	dasv_date_format(d + delta, out);
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Ids closer than this share a run: reading a few foreign rows beats a search. */
#define RUN_GAP 16

static enum dasv_status
gather_needs(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	sqlite3_stmt *st = NULL;
	enum dasv_status ret = DASV_OK;
	size_t i = 0, j;
	int rc = SQLITE_DONE;

	if (!c->collect_ids)
		return run_aggregate(c, Q_NEEDS, p->from, p->to);
	if (!c->nids)
		return DASV_OK;
	qsort(c->ids, c->nids, sizeof(*c->ids), cmp_id);
	rc = sqlite3_prepare_v2(c->d->db, needs_range_sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dasv_db_err(c->d, rc, "report");
	for (rc = SQLITE_DONE; i < c->nids && rc == SQLITE_DONE; i = j) {
		for (j = i + 1; j < c->nids && c->ids[j] - c->ids[j - 1] <= RUN_GAP; j++)
			;
		c->id_at = i;
		c->id_end = j;
		sqlite3_bind_pointer(st, 1, c, DASV_RPT_PTR_TYPE, NULL);
		sqlite3_bind_int64(st, 2, c->ids[i]);
		sqlite3_bind_int64(st, 3, c->ids[j - 1]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		sqlite3_reset(st);
	}
	if (c->oom)
		ret = dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
	else if (rc != SQLITE_DONE)
		ret = dasv_db_err(c->d, rc, "report");
	sqlite3_finalize(st);
	return ret;
}

enum dasv_status
dasv_rpt_gather(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	const unsigned need_cohort = DASV_SECTION_BIT(DASV_SECTION_UPTAKE) |
				     DASV_SECTION_BIT(DASV_SECTION_TIMELINESS) |
				     DASV_SECTION_BIT(DASV_SECTION_RISK) |
				     DASV_SECTION_BIT(DASV_SECTION_REACH);
	int trend = (p->sections & DASV_SECTION_BIT(DASV_SECTION_TREND)) != 0;
	enum dasv_status ret = DASV_OK;
	char edge[11];

	if (p->sections & need_cohort) {
		static const struct {
			enum dasv_report_section section;
			int query;
		} lean[] = {
			{ DASV_SECTION_UPTAKE, Q_UPTAKE },
			{ DASV_SECTION_TIMELINESS, Q_TIMELY },
			{ DASV_SECTION_RISK, Q_RISK },
			{ DASV_SECTION_REACH, Q_REACH },
		};
		unsigned mine = p->sections & need_cohort;
		/* one cohort section: its lean query; more: all columns, and the trend too */
		int one = (mine & (mine - 1)) == 0;
		int query = Q_COHORT;
		for (size_t i = 0; one && i < sizeof(lean) / sizeof(lean[0]); i++)
			if (mine == DASV_SECTION_BIT(lean[i].section))
				query = lean[i].query;
		c->trend_in_cohort = trend && !one;
		c->collect_ids = (p->sections & DASV_SECTION_BIT(DASV_SECTION_NEEDS)) != 0;
		if ((p->sections & DASV_SECTION_BIT(DASV_SECTION_TIMELINESS)) || c->trend_in_cohort)
			c->want |= RPT_WANT_TIMELY;
		if (p->sections & DASV_SECTION_BIT(DASV_SECTION_RISK))
			c->want |= RPT_WANT_DISTRICT;
		if (p->sections & DASV_SECTION_BIT(DASV_SECTION_REACH))
			c->want |= RPT_WANT_REACH;
		ret = run_aggregate(c, query, p->from, p->to);
	}
	if (ret == DASV_OK && (p->sections & DASV_SECTION_BIT(DASV_SECTION_OUTCOMES)))
		ret = run_aggregate(c, Q_OUTCOME, p->from, p->to);
	if (ret == DASV_OK && (p->sections & DASV_SECTION_BIT(DASV_SECTION_NEEDS)))
		ret = gather_needs(c);
	if (ret != DASV_OK || !trend)
		return ret;
	if (!c->trend_in_cohort)
		return run_aggregate(c, Q_TREND, c->r->trend_from, c->r->trend_to);
	/* only what the period left out: before it, and the rest of its last quarter */
	if (strcmp(c->r->trend_from, p->from) < 0) {
		day_next(p->from, -1, edge);
		ret = run_aggregate(c, Q_TREND, c->r->trend_from, edge);
	}
	if (ret == DASV_OK && strcmp(p->to, c->r->trend_to) < 0) {
		day_next(p->to, 1, edge);
		ret = run_aggregate(c, Q_TREND, edge, c->r->trend_to);
	}
	return ret;
}
