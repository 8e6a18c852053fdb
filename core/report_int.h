/*
 * report_int.h - what the report modules share and nothing else includes:
 * building result tables (report_table.c), and the state of one run that
 * report.c sets up, report_tally.c fills and report_build.c turns into
 * tables.
 */
#ifndef DASV_REPORT_INT_H
#define DASV_REPORT_INT_H

#include "report.h"

/* At most this many tables in one report (7 sections, 12 reach tables). */
#define DASV_REPORT_TABLES_MAX 32

/* A column of a table being built. */
struct dasv_colspec {
	const char *id;
	const char *label;
	int decimals;  /* for STAT cells */
	int colgroup;  /* a COUNT column whose rows add up to the total row */
};

/*
 * While a row is filled, a cell's ref[] holds a column of the same row
 * (>= 0) or DASV_REF_TOTAL(col), the column in the total row; -1 none.
 * dasv_rt_finish turns them into cell indexes.
 */
#define DASV_REF_TOTAL(col) (-(long)(col) - 2)

/* A new, empty table in r (NULL when out of memory or r is full). */
struct dasv_report_table *dasv_rt_new(struct dasv_report *r, enum dasv_report_section s,
				      const char *id, const char *title,
				      const struct dasv_colspec *cols, size_t ncols);
/*
 * Append a row; returns its ncols cells, all EMPTY with no refs, valid until
 * the next dasv_rt_row on the table (NULL when out of memory).
 */
struct dasv_report_cell *dasv_rt_row(struct dasv_report_table *t, const char *code,
				     const char *label, int total);
/* Record a partition: members (cell indexes) add up to the total cell. 0 or -1 (no memory). */
int dasv_rt_group(struct dasv_report_table *t, size_t total, const size_t *members, size_t n);
/*
 * Finish a table: a group per colgroup column (total row = the row marked
 * total) when there is a total row, and refs made absolute.  0 or -1.
 */
int dasv_rt_finish(struct dasv_report_table *t, const struct dasv_colspec *cols);

/* Cell setters (refs are columns as described above, -1 none). */
void dasv_cell_count(struct dasv_report_cell *c, int64_t n);
void dasv_cell_plain(struct dasv_report_cell *c, int64_t n);
void dasv_cell_share(struct dasv_report_cell *c, int64_t n, int64_t base, long ref0, long ref1);
void dasv_cell_stat(struct dasv_report_cell *c, double v, int64_t over, long ref0);

/* ---- the computation's shared state (report.c, report_tally.c, report_build.c) ---- */

#include <sqlite3.h>

#include "codes.h"
#include "internal.h"

#define DASV_RPT_PTR_TYPE "dasv_report_ctx"
#define TREND_QUARTERS 8
#define NREACH 12
#define CODES_MAX (DASV_CODE_SET_MAX + 1) /* the list's codes, then "not recorded" */

/* Counts of people by whole working days (received to first contact). */
struct rpt_hist {
	int64_t *c;
	size_t len;
	int64_t n;
};

/* Everything counted for one row of a grouped table. */
struct rpt_gacc {
	int64_t referred, allocated, waiting, contacted, engaged, closed;
	int64_t reason[CODES_MAX];
	int64_t level[4]; /* standard, medium, high, not assessed */
	int64_t marac, repeat_marac, escalation;
	int64_t measured, met;
	struct rpt_hist wd;
	int64_t out_closed;
	int64_t stopped[3], safer[3], reduced[3]; /* yes, no, not known */
	int64_t qol[6];                           /* not recorded, then scores 1-5 */
	/* capacity and population tables */
	int64_t capacity, open, waiting_now;
	int64_t pop, pop_referred;
};

struct rpt_svc {
	int64_t id;
	char name[64];
	char pathway[32];
	unsigned strand;
	int capacity, open_cases, contact_days, high_days, active, waiting;
	long pw; /* index into pathways, -1 */
};

struct rpt_pathway {
	char code[32];
	char aim[48];
	unsigned strand;
};

struct rpt_district {
	char code[32];
	char label[64];
	int64_t women;
};

struct rpt_grow {
	char code[40];
	char label[80];
	int listed; /* shown even when every count is 0 */
};

/*
 * Codes to look stored values up in: stored codes are canonical, so an
 * exact comparison does.  The last hit is tried first (neighbouring rows
 * repeat their codes), then only the codes sharing the first byte.
 */
struct rpt_codetab {
	const char *code[CODES_MAX];
	unsigned char first[256];       /* 1 + the first code starting with a byte, 0 none */
	unsigned char next[CODES_MAX];  /* 1 + the next code with the same first byte */
	size_t n;
	long last;
};
void dasv_rpt_codetab_init(struct rpt_codetab *t, const struct dasv_code *codes, size_t n);
/* Append one code (which must outlive the table); ignored when full. */
void dasv_rpt_codetab_add(struct rpt_codetab *t, const char *code);

/*
 * Dates parsed from one column, by day of the year: rows in index order
 * repeat their dates, so a lookup is one comparison instead of a parse.
 */
#define DCACHE_SLOTS 512
struct rpt_dslot {
	char s[10];
	int state;   /* 0 empty, 1 a date, 2 not a date */
	int32_t day;
	int quarter; /* year * 4 + quarter (0-3) */
};
struct rpt_dcache {
	struct rpt_dslot slot[DCACHE_SLOTS];
};

struct rpt_trendq {
	int64_t referrals, high, marac, allocated, measured, met;
};

struct rpt_ctx {
	struct dasv *d;
	struct dasv_report *r;
	int32_t today;
	struct rpt_svc *svc;
	size_t nsvc;
	struct rpt_pathway *pw;
	size_t npw;
	struct rpt_district *dist;
	size_t ndist;
	/* grouped tables: ngroups rows, the last one "none" */
	size_t ngroups;
	struct rpt_grow *grows;
	struct rpt_gacc *acc;
	int64_t by_district[CODES_MAX]; /* by index into dist, then unknown */
	int64_t reached[NREACH][CODES_MAX];
	int64_t need_assessed[CODES_MAX], need_any[CODES_MAX], need_high[CODES_MAX];
	struct rpt_trendq q[TREND_QUARTERS];
	struct rpt_codetab reach[NREACH], reasons, domains, districts, pathways;
	struct rpt_dcache received, allocated, contact;
	int trend_q0; /* year * 4 + quarter (0-3) of the first trend quarter */
	int trend_in_cohort; /* the cohort pass also counts its rows for the trend */
	unsigned want; /* RPT_WANT_*: the cohort pass skips what no section asked for */
	/* the cohort's referral ids, sorted, for reading their needs by key range */
	int collect_ids;
	int64_t *ids;
	size_t nids, capids;
	size_t id_at, id_end; /* the run of ids being read, and the next one to match */
	int oom;
};

#define RPT_WANT_TIMELY 1u   /* working-day histograms and the first-contact standard */
#define RPT_WANT_REACH 2u    /* the equality and reach tallies */
#define RPT_WANT_DISTRICT 4u /* referrals by district, for the rates */

/* The equality and reach lists, in table order. */
struct rpt_reach {
	enum dasv_code_list list;
	const char *id, *title;
};
extern const struct rpt_reach dasv_rpt_reach[NREACH];

/* report_tally.c */
enum dasv_status dasv_rpt_register(struct dasv *d);
/* Run the aggregate queries the sections need, filling the tallies in c. */
enum dasv_status dasv_rpt_gather(struct rpt_ctx *c);
double dasv_rpt_quantile(const struct rpt_hist *h, int64_t num, int64_t den);
int dasv_rpt_gacc_add(struct rpt_gacc *into, const struct rpt_gacc *a);
void dasv_rpt_gacc_free(struct rpt_gacc *a);
long dasv_rpt_svc_find(const struct rpt_ctx *c, int64_t id);

/* report.c */
int dasv_rpt_svc_selected(const struct rpt_ctx *c, const struct rpt_svc *s);

/* report_build.c: the tables of the sections asked for, suppressed. */
enum dasv_status dasv_rpt_build(struct rpt_ctx *c);

#endif
