/*
 * report.h - commissioning reports: uptake of commissioned services,
 * timeliness, risk, outcomes at exit, who is reached, needs, and the
 * quarter-on-quarter trend, for a period and optional filters.
 *
 * Owns: every figure a commissioner or auditor sees, and the small-number
 * suppression applied to them.  Reports read coded, unencrypted columns
 * only, so an auditor (who holds no data key) can run every one of them.
 * Suppression is decided here, on the result, one flag per cell; a
 * suppressed cell carries no value at all (n, base and v are zero), so no
 * printer, screen or export can leak what was hidden.
 *
 * Must never: decrypt anything, print on its own (the writers take the
 * caller's FILE *), or hand out a figure before suppression.
 */
#ifndef DASV_REPORT_H
#define DASV_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dasv.h"

/* ---- periods ---------------------------------------------------------- */

/*
 * The last full calendar quarter before the one holding `today` (days since
 * 1970, as dasv_date_today): on 2026-10-05 that is 2026-07-01..2026-09-30.
 */
void dasv_report_last_quarter(int32_t today, char from[11], char to[11]);

/*
 * A period option into an inclusive date range: option is "quarter"
 * (2026Q3, q in any case), "month" (2026-09) or "year" (2026).  On bad
 * input DASV_INVALID and err names the option and says what was expected,
 * e.g. "quarter: '2026Q5' is not a quarter (expected YYYYQn, n 1 to 4)".
 * from and to are written only on success.
 */
enum dasv_status dasv_report_period_parse(const char *option, const char *value, char from[11],
					  char to[11], char *err, size_t errsz);

/* A custom range: both YYYY-MM-DD and from <= to; err names "from" or "to". */
enum dasv_status dasv_report_range_check(const char *from, const char *to, char *err,
					 size_t errsz);

/* ---- what to report --------------------------------------------------- */

#define DASV_REPORT_SECTIONS(_)                            \
	_(UPTAKE, "uptake", "Uptake of services")          \
	_(TIMELINESS, "timeliness", "Time to first contact") \
	_(RISK, "risk", "Risk")                            \
	_(OUTCOMES, "outcomes", "Outcomes at exit")        \
	_(REACH, "reach", "Who is reached")                \
	_(NEEDS, "needs", "Needs at intake")               \
	_(TREND, "trend", "Quarter on quarter")

enum dasv_report_section {
#define DASV_REPORT_SECTION_ENUM(name, id, title) DASV_SECTION_##name,
	DASV_REPORT_SECTIONS(DASV_REPORT_SECTION_ENUM)
#undef DASV_REPORT_SECTION_ENUM
	DASV_SECTION_COUNT
};
#define DASV_SECTION_BIT(s) (1u << (s))
#define DASV_SECTION_ALL ((1u << DASV_SECTION_COUNT) - 1)

/* "uptake", ... ; "" out of range. */
const char *dasv_report_section_id(enum dasv_report_section s);
const char *dasv_report_section_title(enum dasv_report_section s);
/* Section by id ("risk"), or -1. */
int dasv_report_section_parse(const char *s);

enum dasv_report_by { DASV_BY_SERVICE, DASV_BY_PATHWAY, DASV_BY_DISTRICT };
/* "service", "pathway", "district"; parse gives -1 for anything else. */
const char *dasv_report_by_name(enum dasv_report_by by);
int dasv_report_by_parse(const char *s);

struct dasv_report_params {
	char from[11], to[11]; /* inclusive YYYY-MM-DD; both "" = the last full quarter */
	enum dasv_report_by by;
	unsigned strand;       /* 0 any, else a strand bitmask (1 DA, 2 SV) that must intersect */
	char district[32];     /* "" any, else a district code */
	int64_t service_id;    /* 0 any */
	char pathway[32];      /* "" any, else a pathway code (DA-RISK ...), any case */
	unsigned sections;     /* DASV_SECTION_BIT mask; 0 = every section */
};

/* Every section, last full quarter, by service, no filters. */
void dasv_report_params_init(struct dasv_report_params *p);

/* ---- the result -------------------------------------------------------- */

enum dasv_cell_kind {
	DASV_CELL_EMPTY, /* nothing to show: no one to count or average */
	DASV_CELL_COUNT, /* a count of people: n */
	DASV_CELL_SHARE, /* n of base, v = n / base, shown as a percentage */
	DASV_CELL_STAT,  /* a median, percentile, mean or rate: v over n people */
	DASV_CELL_PLAIN, /* a figure about a service or place, not people: n */
};

enum dasv_supp {
	DASV_SUPP_NONE,
	DASV_SUPP_SMALL,      /* a count from 1 to threshold-1: shown as "<5" */
	DASV_SUPP_COMPLEMENT, /* hidden so a small count cannot be worked out from a total: "*" */
	DASV_SUPP_DERIVED,    /* a share or statistic of hidden counts or of too few people: "*" */
};

struct dasv_report_cell {
	int kind;      /* enum dasv_cell_kind */
	int supp;      /* enum dasv_supp; when not NONE, n, base and v are 0 */
	int64_t n;     /* COUNT, PLAIN: the figure; SHARE: numerator; STAT: people it is over */
	int64_t base;  /* SHARE: denominator */
	double v;      /* SHARE: n / base; STAT: the statistic */
	long ref[2];   /* SHARE, STAT: cells (row * ncols + col) it derives from, -1 none */
};

struct dasv_report_column {
	char id[24];    /* CSV and JSON name */
	char label[24]; /* table heading */
	int decimals;   /* STAT cells in this column */
};

struct dasv_report_row {
	char code[40];  /* service id, pathway, district, code, quarter, or "all" */
	char label[80]; /* for people, never personal data */
	int total;      /* the "All" row */
};

/*
 * A partition with a shown total: members[first .. first+count) are cell
 * indexes that add up to the total cell.  Complementary suppression works
 * within these, so no hidden count can be worked out by subtraction.
 */
struct dasv_report_group {
	size_t total;
	size_t first, count;
};

struct dasv_report_table {
	enum dasv_report_section section;
	char id[32];     /* "uptake", "capacity", "reach_sex", ... */
	char title[200];
	size_t nrows, ncols;
	struct dasv_report_row *rows;
	struct dasv_report_column *cols;
	struct dasv_report_cell *cells; /* nrows * ncols, row-major */
	size_t ngroups, nmembers;
	struct dasv_report_group *groups;
	size_t *members;
};

struct dasv_report {
	struct dasv_report_params params; /* as run: period filled in, codes canonical */
	int threshold;                    /* settings suppress_below (default 5, never below 3):
					     counts from 1 to threshold-1 are hidden */
	char made_on[11];                 /* the day it was run (for snapshots "now") */
	char trend_from[11], trend_to[11];
	size_t ntables;
	struct dasv_report_table *tables;
};

/*
 * Run the report (auditor, supervisor, admin; caseworkers: DASV_DENIED, as
 * they see their own caseload, not service-wide figures).  Validates the
 * parameters (DASV_INVALID naming the field: from, to, district, service,
 * pathway, strand, by, sections), reads one consistent snapshot, applies
 * suppression, and writes one audit entry "report" with the period, the
 * grouping and the filters.  p NULL: dasv_report_params_init's defaults.
 * *out is the caller's: dasv_report_free.
 */
enum dasv_status dasv_report_run(struct dasv *d, const struct dasv_report_params *p,
				 struct dasv_report **out);
/* Accepts NULL; nulls *r. */
void dasv_report_free(struct dasv_report **r);

/* Look-ups; NULL or -1 when absent. */
const struct dasv_report_table *dasv_report_table_find(const struct dasv_report *r,
							 const char *id);
const struct dasv_report_cell *dasv_report_cell_at(const struct dasv_report_table *t, size_t row,
						   size_t col);
long dasv_report_row_find(const struct dasv_report_table *t, const char *code);
long dasv_report_col_find(const struct dasv_report_table *t, const char *id);

/*
 * A cell as every output shows it: "12", "42.9" (a share, in per cent),
 * "2.5", "<5", "*", or "" for an empty cell.  Returns buf.
 */
const char *dasv_report_cell_text(const struct dasv_report *r, const struct dasv_report_table *t,
				  size_t row, size_t col, char *buf, size_t bufsz);

/*
 * Suppression on a table whose cells and groups are filled in: counts from
 * 1 to threshold-1 hidden; then, in every group, more cells hidden until no
 * hidden count can be pinned to one value from the total and the shown
 * members; then shares and statistics of hidden counts or of fewer than
 * threshold people; then the values of every hidden cell wiped.
 * dasv_report_run does this; it is public so that it can be tested alone.
 */
void dasv_report_suppress(struct dasv_report_table *t, int threshold);

/* ---- output ------------------------------------------------------------ */

enum dasv_report_format { DASV_FORMAT_TABLE, DASV_FORMAT_CSV, DASV_FORMAT_JSON };
/* "table", "csv", "json"; -1 for anything else. */
int dasv_report_format_parse(const char *s);

/*
 * Write the report to f:
 *  table - aligned text for people, labels sanitised for a terminal;
 *  csv   - RFC 4180 with CRLF, one line per cell:
 *          section,table,row,label,column,value
 *  json  - one object: period, grouping, filters, threshold and the tables.
 * DASV_IO if writing fails.
 */
enum dasv_status dasv_report_write(const struct dasv_report *r, enum dasv_report_format fmt,
				   FILE *f);

/* ---- district populations (for rates per 10 000 adult women) ----------- */

struct dasv_district {
	char code[32];
	char label[64];
	int64_t adult_women; /* 0: not known, no rate shown */
};

/* Any unlocked user; *out malloc'd, caller frees. */
enum dasv_status dasv_districts_list(struct dasv *d, struct dasv_district **out, size_t *n);
/* Admin only, audited: 1 .. 100 000 000, or 0 to clear. */
enum dasv_status dasv_district_population_set(struct dasv *d, const char *code,
					      int64_t adult_women);

#endif
