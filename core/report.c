/*
 * report.c - running a commissioning report: who may, the period and the
 * filters, the catalogue of services, pathways and districts the rows come
 * from, one read snapshot for every figure, and one audit entry per run.
 * Also the district populations behind the rates per 10 000 adult women.
 *
 * Reports read coded columns only (dates, codes, levels, flags), never a
 * sealed one, so auditors, who hold no data key, can run them all.  The
 * counting is in report_tally.c, the tables in report_build.c, suppression
 * in report_table.c, the writers in report_out.c.
 *
 * Built for a million referrals: the period's referrals are read in one
 * pass over an index on received_on (covering, migration 0003) and folded by
 * application-defined SQL aggregates into tallies, so SQLite never sorts and
 * no row comes back through sqlite3_step.  These queries run once per
 * report, so they are prepared and finalised here rather than kept in the
 * handle's statement cache, which other modules share.
 */
#include "internal.h"
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codes.h"
#include "date.h"

#define ROLES_REPORT                                                                 \
	(DASV_ROLE_BIT(DASV_ROLE_AUDITOR) | DASV_ROLE_BIT(DASV_ROLE_SUPERVISOR) |   \
	 DASV_ROLE_BIT(DASV_ROLE_ADMIN))

/* ---- sections, groupings ----------------------------------------------- */

static const struct {
	const char *id, *title;
} sections[DASV_SECTION_COUNT] = {
#define DASV_REPORT_SECTION_ROW(name, id, title) { id, title },
	DASV_REPORT_SECTIONS(DASV_REPORT_SECTION_ROW)
#undef DASV_REPORT_SECTION_ROW
};

const char *
dasv_report_section_id(enum dasv_report_section s)
{
	return (unsigned)s < DASV_SECTION_COUNT ? sections[s].id : "";
}

const char *
dasv_report_section_title(enum dasv_report_section s)
{
	return (unsigned)s < DASV_SECTION_COUNT ? sections[s].title : "";
}

int
dasv_report_section_parse(const char *s)
{
	for (int i = 0; s && i < DASV_SECTION_COUNT; i++)
		if (strcasecmp(s, sections[i].id) == 0)
			return i;
	return -1;
}

static const char *const by_names[] = { "service", "pathway", "district" };

const char *
dasv_report_by_name(enum dasv_report_by by)
{
	return (unsigned)by < 3 ? by_names[by] : "";
}

int
dasv_report_by_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (strcasecmp(s, by_names[i]) == 0)
			return i;
	return -1;
}

void
dasv_report_params_init(struct dasv_report_params *p)
{
	memset(p, 0, sizeof(*p));
	p->by = DASV_BY_SERVICE;
}

/* ---- periods ------------------------------------------------------------ */

/* A value as it may appear in a message: printable ASCII, cut short. */
static const char *
shown(const char *s, char *buf, size_t bufsz)
{
	size_t k = 0;

	for (; s && *s && k + 5 < bufsz && k < 24; s++)
		buf[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	if (s && *s && k + 4 < bufsz) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* First day of month m (1-12) of year y, and the last day of month m2. */
static enum dasv_status
months_range(int y, int m, int m2, char from[11], char to[11])
{
	char buf[11];
	int32_t first, last;

	snprintf(buf, sizeof(buf), "%04d-%02d-01", y, m);
	if (dasv_date_parse(buf, &first, NULL, 0) != DASV_OK)
		return DASV_INVALID;
	snprintf(buf, sizeof(buf), "%04d-%02d-01", y, m2);
	if (dasv_date_parse(buf, &last, NULL, 0) != DASV_OK)
		return DASV_INVALID;
	last = dasv_date_add_months(last, 1) - 1;
	dasv_date_format(first, from);
	dasv_date_format(last, to);
	return DASV_OK;
}

void
dasv_report_last_quarter(int32_t today, char from[11], char to[11])
{
	int y, m, q;

	dasv_date_split(today, &y, &m, NULL);
	q = (m - 1) / 3; /* this quarter, 0-3 */
	if (q == 0) {
		y--;
		q = 3;
	} else {
		q--;
	}
	months_range(y, 3 * q + 1, 3 * q + 3, from, to);
}

enum dasv_status
dasv_report_period_parse(const char *option, const char *value, char from[11], char to[11],
			 char *err, size_t errsz)
{
	char f[11], t[11], show[40];
	size_t len = value ? strnlen(value, 16) : 0;
	int y = 0, m = 0;

	option = option ? option : "";
	shown(value, show, sizeof(show));
	if (!strcmp(option, "quarter")) {
		if (len != 6 || !all_digits(value, 4) || (value[4] != 'Q' && value[4] != 'q') ||
		    value[5] < '1' || value[5] > '4')
			return dasv_fail(err, errsz, DASV_INVALID,
					 "quarter: '%s' is not a quarter (expected YYYYQn, n 1 to 4, "
					 "e.g. 2026Q3)", show);
		y = atoi(value);
		m = 3 * (value[5] - '1') + 1;
		if (y < DASV_DATE_MIN_YEAR || y > DASV_DATE_MAX_YEAR ||
		    months_range(y, m, m + 2, f, t) != DASV_OK)
			return dasv_fail(err, errsz, DASV_INVALID, "quarter: year %04d is not %d-%d", y,
					 DASV_DATE_MIN_YEAR, DASV_DATE_MAX_YEAR);
	} else if (!strcmp(option, "month")) {
		if (len != 7 || !all_digits(value, 4) || value[4] != '-' || !all_digits(value + 5, 2))
			return dasv_fail(err, errsz, DASV_INVALID,
					 "month: '%s' is not a month (expected YYYY-MM, e.g. 2026-09)",
					 show);
		y = atoi(value);
		m = atoi(value + 5);
		if (m < 1 || m > 12)
			return dasv_fail(err, errsz, DASV_INVALID, "month: month %02d is not 01-12", m);
		if (y < DASV_DATE_MIN_YEAR || y > DASV_DATE_MAX_YEAR ||
		    months_range(y, m, m, f, t) != DASV_OK)
			return dasv_fail(err, errsz, DASV_INVALID, "month: year %04d is not %d-%d", y,
					 DASV_DATE_MIN_YEAR, DASV_DATE_MAX_YEAR);
	} else if (!strcmp(option, "year")) {
		if (len != 4 || !all_digits(value, 4))
			return dasv_fail(err, errsz, DASV_INVALID,
					 "year: '%s' is not a year (expected YYYY, e.g. 2026)", show);
		y = atoi(value);
		if (y < DASV_DATE_MIN_YEAR || y > DASV_DATE_MAX_YEAR ||
		    months_range(y, 1, 12, f, t) != DASV_OK)
			return dasv_fail(err, errsz, DASV_INVALID, "year: %04d is not %d-%d", y,
					 DASV_DATE_MIN_YEAR, DASV_DATE_MAX_YEAR);
	} else {
		return dasv_fail(err, errsz, DASV_USAGE, "period: '%s' is not quarter, month or year",
				 shown(option, show, sizeof(show)));
	}
	memcpy(from, f, 11);
	memcpy(to, t, 11);
	return DASV_OK;
}

enum dasv_status
dasv_report_range_check(const char *from, const char *to, char *err, size_t errsz)
{
	char why[120];
	int32_t a, b;

	if (dasv_date_parse(from, &a, why, sizeof(why)) != DASV_OK)
		return dasv_fail(err, errsz, DASV_INVALID, "from: %s", why);
	if (dasv_date_parse(to, &b, why, sizeof(why)) != DASV_OK)
		return dasv_fail(err, errsz, DASV_INVALID, "to: %s", why);
	if (b < a)
		return dasv_fail(err, errsz, DASV_INVALID, "to: %s is before from (%s)", to, from);
	return DASV_OK;
}

static void
copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

/* Grow *arr (of elements of size) to hold len + 1; 0 or -1. */
#define GROW(arr, len, cap)                                                            \
	((len) < (cap) ? 0                                                             \
		       : ((tmp = realloc((arr), ((cap) = (cap) ? (cap) * 2 : 16) *     \
							 sizeof(*(arr)))) != NULL      \
				  ? ((arr) = tmp, 0)                                   \
				  : -1))

/* Services (by id), pathways and districts: the rows of the grouped tables. */
static enum dasv_status
load_catalogue(struct rpt_ctx *c)
{
	static const char svc_sql[] =
		"SELECT s.id, s.name, s.pathway, s.strand, s.capacity, s.open_cases, s.contact_days, "
		"s.high_contact_days, s.active, (SELECT count(*) FROM referrals w WHERE "
		"w.service_id = s.id AND w.waiting_since IS NOT NULL) FROM services s ORDER BY s.id";
	static const char pw_sql[] = "SELECT code, strand, aim FROM pathways ORDER BY strand, code";
	static const char dist_sql[] = "SELECT code, label, adult_women FROM districts";
	const char *const sqls[3] = { svc_sql, pw_sql, dist_sql };
	sqlite3_stmt *st = NULL;
	enum dasv_status ret = DASV_OK;
	size_t cap[3] = { 0, 0, 0 };
	void *tmp;
	int rc = SQLITE_DONE;

	for (int which = 0; which < 3 && ret == DASV_OK; which++) {
		rc = sqlite3_prepare_v2(c->d->db, sqls[which], -1, &st, NULL);
		if (rc != SQLITE_OK)
			return dasv_db_err(c->d, rc, "report");
		while (ret == DASV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (which == 0) {
				struct rpt_svc *s;
				if (GROW(c->svc, c->nsvc, cap[0]) != 0)
					break;
				s = &c->svc[c->nsvc++];
				memset(s, 0, sizeof(*s));
				s->id = sqlite3_column_int64(st, 0);
				copy_col(s->name, sizeof(s->name), st, 1);
				copy_col(s->pathway, sizeof(s->pathway), st, 2);
				s->strand = (unsigned)sqlite3_column_int(st, 3);
				s->capacity = sqlite3_column_int(st, 4);
				s->open_cases = sqlite3_column_int(st, 5);
				s->contact_days = sqlite3_column_int(st, 6);
				s->high_days = sqlite3_column_int(st, 7);
				s->active = sqlite3_column_int(st, 8);
				s->waiting = sqlite3_column_int(st, 9);
			} else if (which == 1) {
				struct rpt_pathway *w;
				const unsigned char *sv;
				/* grouping looks pathways up in a table of CODES_MAX */
				if (c->npw + 1 >= CODES_MAX)
					continue;
				if (GROW(c->pw, c->npw, cap[1]) != 0)
					break;
				w = &c->pw[c->npw++];
				sv = sqlite3_column_text(st, 1);
				copy_col(w->code, sizeof(w->code), st, 0);
				copy_col(w->aim, sizeof(w->aim), st, 2);
				w->strand = sv && !strcmp((const char *)sv, "SV") ? 2u : 1u;
			} else {
				struct rpt_district *x;
				/* by_district[] has room for CODES_MAX - 1 districts */
				if (c->ndist + 1 >= CODES_MAX)
					continue;
				if (GROW(c->dist, c->ndist, cap[2]) != 0)
					break;
				x = &c->dist[c->ndist++];
				copy_col(x->code, sizeof(x->code), st, 0);
				copy_col(x->label, sizeof(x->label), st, 1);
				x->women = sqlite3_column_int64(st, 2);
			}
		}
		if (rc == SQLITE_ROW)
			ret = dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
		else if (rc != SQLITE_DONE)
			ret = dasv_db_err(c->d, rc, "report");
		sqlite3_finalize(st);
		st = NULL;
	}
#undef GROW
	if (ret != DASV_OK)
		return ret;
	for (size_t i = 0; i < c->nsvc; i++) {
		c->svc[i].pw = -1;
		for (size_t j = 0; j < c->npw; j++)
			if (!strcmp(c->svc[i].pathway, c->pw[j].code))
				c->svc[i].pw = (long)j;
	}
	/* districts in the order of the code list, any others after */
	for (size_t i = 1; i < c->ndist; i++)
		for (size_t j = i; j > 0; j--) {
			int a = dasv_code_find(DASV_LIST_DISTRICT, c->dist[j - 1].code);
			int b = dasv_code_find(DASV_LIST_DISTRICT, c->dist[j].code);
			if ((a < 0 ? 1000 : a) <= (b < 0 ? 1000 : b))
				break;
			struct rpt_district swap = c->dist[j];
			c->dist[j] = c->dist[j - 1];
			c->dist[j - 1] = swap;
		}
	dasv_rpt_codetab_init(&c->districts, NULL, 0);
	for (size_t i = 0; i < c->ndist; i++)
		dasv_rpt_codetab_add(&c->districts, c->dist[i].code);
	dasv_rpt_codetab_init(&c->pathways, NULL, 0);
	for (size_t i = 0; i < c->npw; i++)
		dasv_rpt_codetab_add(&c->pathways, c->pw[i].code);
	return DASV_OK;
}

/* ---- parameters ---------------------------------------------------------- */

static enum dasv_status
check_params(struct rpt_ctx *c, const struct dasv_report_params *in)
{
	struct dasv_report_params *p = &c->r->params;
	char show[40], err[200];
	size_t at;
	long k;

	*p = *in;
	/* the caller's arrays may be full to the brim: terminate them */
	p->from[sizeof(p->from) - 1] = p->to[sizeof(p->to) - 1] = '\0';
	p->district[sizeof(p->district) - 1] = p->pathway[sizeof(p->pathway) - 1] = '\0';
	if ((unsigned)p->by > DASV_BY_DISTRICT)
		return dasv_set_err(c->d, DASV_INVALID, "by: must be service, pathway or district");
	if (p->strand > 3)
		return dasv_set_err(c->d, DASV_INVALID, "strand: must be DA, SV or both");
	if (p->sections & ~DASV_SECTION_ALL)
		return dasv_set_err(c->d, DASV_INVALID, "sections: unknown section");
	if (!p->sections)
		p->sections = DASV_SECTION_ALL;
	if (!p->from[0] && !p->to[0]) {
		dasv_report_last_quarter(c->today, p->from, p->to);
	} else if (!p->from[0] || !p->to[0]) {
		return dasv_set_err(c->d, DASV_INVALID, "%s: required with %s",
				    p->from[0] ? "to" : "from", p->from[0] ? "from" : "to");
	} else if (dasv_report_range_check(p->from, p->to, err, sizeof(err)) != DASV_OK) {
		return dasv_set_err(c->d, DASV_INVALID, "%s", err);
	}
	if (p->district[0]) {
		for (k = 0; (size_t)k < c->ndist; k++)
			if (!strcasecmp(c->dist[k].code, p->district))
				break;
		if ((size_t)k == c->ndist) {
			at = (size_t)snprintf(err, sizeof(err), "district: '%s' is not a district (",
					      shown(p->district, show, sizeof(show)));
			for (size_t i = 0; i < c->ndist && at < sizeof(err); i++)
				at += (size_t)snprintf(err + at, sizeof(err) - at, "%s%s", i ? ", " : "",
						       c->dist[i].code);
			return dasv_set_err(c->d, DASV_INVALID, "%s)", err);
		}
		snprintf(p->district, sizeof(p->district), "%s", c->dist[k].code);
	}
	if (p->pathway[0]) {
		for (k = 0; (size_t)k < c->npw; k++)
			if (!strcasecmp(c->pw[k].code, p->pathway))
				break;
		if ((size_t)k == c->npw) {
			at = (size_t)snprintf(err, sizeof(err), "pathway: '%s' is not a pathway (",
					      shown(p->pathway, show, sizeof(show)));
			for (size_t i = 0; i < c->npw && at < sizeof(err); i++)
				at += (size_t)snprintf(err + at, sizeof(err) - at, "%s%s", i ? ", " : "",
						       c->pw[i].code);
			return dasv_set_err(c->d, DASV_INVALID, "%s)", err);
		}
		snprintf(p->pathway, sizeof(p->pathway), "%s", c->pw[k].code);
	}
	if (p->service_id && dasv_rpt_svc_find(c, p->service_id) < 0)
		return dasv_set_err(c->d, DASV_INVALID, "service: no service with id %lld",
				    (long long)p->service_id);
	return DASV_OK;
}

int
dasv_rpt_svc_selected(const struct rpt_ctx *c, const struct rpt_svc *s)
{
	const struct dasv_report_params *p = &c->r->params;

	return (!p->service_id || p->service_id == s->id) &&
	       (!p->pathway[0] || !strcmp(p->pathway, s->pathway)) &&
	       (!p->strand || (s->strand & p->strand));
}

/* The rows of the grouped tables for params.by, with "none" last. */
static enum dasv_status
make_groups(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	size_t n = p->by == DASV_BY_SERVICE ? c->nsvc : p->by == DASV_BY_PATHWAY ? c->npw : c->ndist;

	c->ngroups = n + 1;
	c->grows = calloc(c->ngroups, sizeof(*c->grows));
	c->acc = calloc(c->ngroups, sizeof(*c->acc));
	if (!c->grows || !c->acc)
		return dasv_set_err(c->d, DASV_NOMEM, "report: out of memory");
	for (size_t i = 0; i < n; i++) {
		struct rpt_grow *g = &c->grows[i];
		if (p->by == DASV_BY_SERVICE) {
			const struct rpt_svc *s = &c->svc[i];
			snprintf(g->code, sizeof(g->code), "%lld", (long long)s->id);
			snprintf(g->label, sizeof(g->label), "%s", s->name);
			g->listed = s->active && dasv_rpt_svc_selected(c, s);
		} else if (p->by == DASV_BY_PATHWAY) {
			const struct rpt_pathway *w = &c->pw[i];
			int has_svc = !p->service_id;
			for (size_t j = 0; j < c->nsvc && !has_svc; j++)
				has_svc = c->svc[j].id == p->service_id && c->svc[j].pw == (long)i;
			snprintf(g->code, sizeof(g->code), "%s", w->code);
			snprintf(g->label, sizeof(g->label), "%s %s", w->code, w->aim);
			g->listed = has_svc && (!p->pathway[0] || !strcmp(p->pathway, w->code)) &&
				    (!p->strand || (w->strand & p->strand));
		} else {
			const struct rpt_district *x = &c->dist[i];
			snprintf(g->code, sizeof(g->code), "%s", x->code);
			snprintf(g->label, sizeof(g->label), "%s", x->label);
			g->listed = !p->district[0] || !strcmp(p->district, x->code);
		}
	}
	snprintf(c->grows[n].code, sizeof(c->grows[n].code), "none");
	snprintf(c->grows[n].label, sizeof(c->grows[n].label), "%s",
		 p->by == DASV_BY_SERVICE   ? "(not allocated)"
		 : p->by == DASV_BY_PATHWAY ? "(no pathway)"
					    : "(unknown district)");
	return DASV_OK;
}

/* ---- running --------------------------------------------------------------- */

/* The 8 quarters ending with the one that holds the period's last day. */
static void
trend_range(struct rpt_ctx *c)
{
	int32_t to;
	int y, m, q0, q1;

	dasv_date_parse(c->r->params.to, &to, NULL, 0);
	dasv_date_split(to, &y, &m, NULL);
	q1 = y * 4 + (m - 1) / 3;
	q0 = q1 - (TREND_QUARTERS - 1);
	if (q0 < DASV_DATE_MIN_YEAR * 4)
		q0 = DASV_DATE_MIN_YEAR * 4;
	c->trend_q0 = q0;
	months_range(q0 / 4, (q0 % 4) * 3 + 1, (q0 % 4) * 3 + 1, c->r->trend_from,
		     (char[11]){ 0 });
	months_range(y, (q1 % 4) * 3 + 3, (q1 % 4) * 3 + 3, (char[11]){ 0 }, c->r->trend_to);
}

/* One audit line: the period, grouping, filters and sections; no personal data. */
static enum dasv_status
audit_run(struct rpt_ctx *c)
{
	const struct dasv_report_params *p = &c->r->params;
	enum dasv_status ret;
	char detail[400];
	size_t at;

	at = (size_t)snprintf(detail, sizeof(detail), "from=%s to=%s by=%s", p->from, p->to,
			      dasv_report_by_name(p->by));
	if (p->strand)
		at += (size_t)snprintf(detail + at, sizeof(detail) - at, " strand=%s",
				       p->strand == 1 ? "DA" : p->strand == 2 ? "SV" : "DA;SV");
	if (p->district[0])
		at += (size_t)snprintf(detail + at, sizeof(detail) - at, " district=%s", p->district);
	if (p->service_id)
		at += (size_t)snprintf(detail + at, sizeof(detail) - at, " service=%lld",
				       (long long)p->service_id);
	if (p->pathway[0])
		at += (size_t)snprintf(detail + at, sizeof(detail) - at, " pathway=%s", p->pathway);
	at += (size_t)snprintf(detail + at, sizeof(detail) - at, " sections=");
	if (p->sections == DASV_SECTION_ALL)
		snprintf(detail + at, sizeof(detail) - at, "all");
	else
		for (int s = 0, first = 1; s < DASV_SECTION_COUNT && at < sizeof(detail); s++)
			if (p->sections & DASV_SECTION_BIT(s)) {
				at += (size_t)snprintf(detail + at, sizeof(detail) - at, "%s%s",
						       first ? "" : ",", sections[s].id);
				first = 0;
			}
	if ((ret = dasv_tx_begin(c->d)) != DASV_OK)
		return ret;
	if ((ret = dasv_audit_append(c->d, "report", "report", 0, detail)) != DASV_OK) {
		dasv_tx_rollback(c->d);
		return ret;
	}
	return dasv_tx_commit(c->d);
}

enum dasv_status
dasv_report_run(struct dasv *d, const struct dasv_report_params *in, struct dasv_report **out)
{
	struct dasv_report_params dflt;
	struct rpt_ctx c;
	const struct dasv_code *codes;
	enum dasv_status ret;
	long k = 5;
	size_t n;
	int reading = 0;

	*out = NULL;
	if (!in) {
		dasv_report_params_init(&dflt);
		in = &dflt;
	}
	if ((ret = dasv_require_role(d, ROLES_REPORT, "reports")) != DASV_OK)
		return ret;
	if (d->in_tx)
		return dasv_set_err(d, DASV_INTERNAL, "report: inside a transaction");
	if ((ret = dasv_rpt_register(d)) != DASV_OK)
		return ret;
	memset(&c, 0, sizeof(c));
	c.d = d;
	c.today = dasv_date_today();
	for (int i = 0; i < NREACH; i++) {
		codes = dasv_codes(dasv_rpt_reach[i].list, &n);
		dasv_rpt_codetab_init(&c.reach[i], codes, n);
	}
	/* the uptake table has a column for each of the first five reasons */
	codes = dasv_codes(DASV_LIST_CLOSE_REASON, &n);
	dasv_rpt_codetab_init(&c.reasons, codes, n < 5 ? n : 5);
	codes = dasv_codes(DASV_LIST_NEED_DOMAIN, &n);
	dasv_rpt_codetab_init(&c.domains, codes, n);
	if (!(c.r = calloc(1, sizeof(*c.r))) ||
	    !(c.r->tables = calloc(DASV_REPORT_TABLES_MAX, sizeof(*c.r->tables)))) {
		ret = dasv_set_err(d, DASV_NOMEM, "report: out of memory");
		goto out;
	}
	dasv_date_format(c.today, c.r->made_on);
	/* one snapshot for every figure: a read transaction, never a write lock */
	if ((ret = dasv_exec(d, "BEGIN")) != DASV_OK)
		goto out;
	reading = 1;
	if ((ret = dasv_setting_int(d, "suppress_below", 5, &k)) != DASV_OK ||
	    (ret = load_catalogue(&c)) != DASV_OK || (ret = check_params(&c, in)) != DASV_OK ||
	    (ret = make_groups(&c)) != DASV_OK)
		goto out;
	/* never below 3: "<2" could only mean 1, which hides nothing */
	c.r->threshold = k < 3 ? 3 : k > 1000 ? 1000 : (int)k;
	trend_range(&c);
	if ((ret = dasv_rpt_gather(&c)) != DASV_OK || (ret = dasv_exec(d, "COMMIT")) != DASV_OK)
		goto out;
	reading = 0;
	if ((ret = dasv_rpt_build(&c)) != DASV_OK || (ret = audit_run(&c)) != DASV_OK)
		goto out;
	*out = c.r;
	c.r = NULL;
out:
	if (reading)
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	for (size_t g = 0; c.acc && g < c.ngroups; g++)
		dasv_rpt_gacc_free(&c.acc[g]);
	free(c.acc);
	free(c.grows);
	free(c.ids);
	free(c.svc);
	free(c.pw);
	free(c.dist);
	dasv_report_free(&c.r);
	return ret;
}

/* ---- district populations ---------------------------------------------------- */

enum dasv_status
dasv_districts_list(struct dasv *d, struct dasv_district **out, size_t *n)
{
	struct rpt_ctx c;
	enum dasv_status ret;

	*out = NULL;
	*n = 0;
	if ((ret = dasv_require_unlocked(d)) != DASV_OK)
		return ret;
	memset(&c, 0, sizeof(c));
	c.d = d;
	if ((ret = load_catalogue(&c)) == DASV_OK) {
		if (c.ndist && !(*out = calloc(c.ndist, sizeof(**out)))) {
			ret = dasv_set_err(d, DASV_NOMEM, "out of memory");
		} else {
			for (size_t i = 0; i < c.ndist; i++) {
				snprintf((*out)[i].code, sizeof((*out)[i].code), "%s", c.dist[i].code);
				snprintf((*out)[i].label, sizeof((*out)[i].label), "%s",
					 c.dist[i].label);
				(*out)[i].adult_women = c.dist[i].women > 0 ? c.dist[i].women : 0;
			}
			*n = c.ndist;
		}
	}
	free(c.svc);
	free(c.pw);
	free(c.dist);
	return ret;
}

enum dasv_status
dasv_district_population_set(struct dasv *d, const char *code, int64_t adult_women)
{
	static const char sql[] = "UPDATE districts SET adult_women = ?2 WHERE code = ?1";
	sqlite3_stmt *st = NULL;
	enum dasv_status ret;
	char detail[96], show[40], canon[32] = "";
	int rc;

	if ((ret = dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), "district population")) !=
	    DASV_OK)
		return ret;
	if (adult_women < 0 || adult_women > 100000000)
		return dasv_set_err(d, DASV_INVALID,
				    "adult_women: must be 1 to 100000000, or 0 when not known");
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	rc = sqlite3_prepare_v2(d->db, "SELECT code FROM districts WHERE code = lower(?)", -1, &st,
				NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, code ? code : "", -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			copy_col(canon, sizeof(canon), st, 0);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_OK) {
		ret = dasv_db_err(d, rc, "district population");
		goto fail;
	}
	if (!canon[0]) {
		ret = dasv_set_err(d, DASV_INVALID, "district: '%s' is not a district",
				   shown(code, show, sizeof(show)));
		goto fail;
	}
	if ((rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL)) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
		if (adult_women > 0)
			sqlite3_bind_int64(st, 2, adult_women);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "district population");
		goto fail;
	}
	snprintf(detail, sizeof(detail), "district=%s adult_women=%lld", canon,
		 (long long)adult_women);
	if ((ret = dasv_audit_append(d, "district_population", "district", 0, detail)) != DASV_OK)
		goto fail;
	return dasv_tx_commit(d);
fail:
	dasv_tx_rollback(d);
	return ret;
}
