/*
 * report_table.c - the result tables of a report: building them, looking
 * things up in them, freeing them, and small-number suppression.
 *
 * Suppression works on the table, one flag per cell, before anyone sees it:
 *  1. a count from 1 to threshold-1 is hidden ("<5");
 *  2. within every partition with a shown total (the rows of a column adding
 *     up to the All row, the closure reasons adding up to "closed", ...),
 *     more cells are hidden until no hidden count is pinned to one value by
 *     the total and the shown members ("*").  A reader knows a "<5" is 1 to
 *     threshold-1 and a "*" is at least the threshold, and we assume they
 *     use both facts;
 *  3. a share or statistic of a hidden count, or over fewer than threshold
 *     people, is hidden ("*");
 *  4. every hidden cell's value is wiped, so nothing downstream can leak it.
 */
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building -------------------------------------------------------- */

struct dasv_report_table *
dasv_rt_new(struct dasv_report *r, enum dasv_report_section s, const char *id, const char *title,
	    const struct dasv_colspec *cols, size_t ncols)
{
	struct dasv_report_table *t;

	if (r->ntables >= DASV_REPORT_TABLES_MAX)
		return NULL;
	t = &r->tables[r->ntables];
	memset(t, 0, sizeof(*t));
	if (!(t->cols = calloc(ncols, sizeof(*t->cols))))
		return NULL;
	t->section = s;
	t->ncols = ncols;
	snprintf(t->id, sizeof(t->id), "%s", id);
	snprintf(t->title, sizeof(t->title), "%s", title);
	for (size_t i = 0; i < ncols; i++) {
		snprintf(t->cols[i].id, sizeof(t->cols[i].id), "%s", cols[i].id);
		snprintf(t->cols[i].label, sizeof(t->cols[i].label), "%s", cols[i].label);
		t->cols[i].decimals = cols[i].decimals;
	}
	r->ntables++;
	return t;
}

struct dasv_report_cell *
dasv_rt_row(struct dasv_report_table *t, const char *code, const char *label, int total)
{
	struct dasv_report_row *rows;
	struct dasv_report_cell *cells, *row;

	rows = realloc(t->rows, (t->nrows + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	t->rows = rows;
	cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));
	if (!cells)
		return NULL;
	t->cells = cells;
	memset(&rows[t->nrows], 0, sizeof(*rows));
	snprintf(rows[t->nrows].code, sizeof(rows[t->nrows].code), "%s", code);
	snprintf(rows[t->nrows].label, sizeof(rows[t->nrows].label), "%s", label);
	rows[t->nrows].total = total;
	row = &cells[t->nrows * t->ncols];
	for (size_t i = 0; i < t->ncols; i++) {
		memset(&row[i], 0, sizeof(row[i]));
		row[i].kind = DASV_CELL_EMPTY;
		row[i].ref[0] = row[i].ref[1] = -1;
	}
	t->nrows++;
	return row;
}

int
dasv_rt_group(struct dasv_report_table *t, size_t total, const size_t *members, size_t n)
{
	struct dasv_report_group *g;
	size_t *m;

	if (!(g = realloc(t->groups, (t->ngroups + 1) * sizeof(*g))))
		return -1;
	t->groups = g;
	if (n && !(m = realloc(t->members, (t->nmembers + n) * sizeof(*m))))
		return -1;
	if (n) {
		t->members = m;
		memcpy(&t->members[t->nmembers], members, n * sizeof(*m));
	}
	g[t->ngroups].total = total;
	g[t->ngroups].first = t->nmembers;
	g[t->ngroups].count = n;
	t->nmembers += n;
	t->ngroups++;
	return 0;
}

int
dasv_rt_finish(struct dasv_report_table *t, const struct dasv_colspec *cols)
{
	long total_row = -1;
	size_t *members;
	size_t k;

	for (size_t r = 0; r < t->nrows; r++)
		if (t->rows[r].total)
			total_row = (long)r;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			struct dasv_report_cell *cell = &t->cells[r * t->ncols + c];
			for (int i = 0; i < 2; i++) {
				long ref = cell->ref[i];
				if (ref >= 0)
					cell->ref[i] = (long)(r * t->ncols) + ref;
				else if (ref <= -2 && total_row >= 0)
					cell->ref[i] = total_row * (long)t->ncols + (-ref - 2);
				else
					cell->ref[i] = -1;
			}
		}
	if (total_row < 0 || t->nrows < 2)
		return 0;
	if (!(members = calloc(t->nrows, sizeof(*members))))
		return -1;
	for (size_t c = 0; c < t->ncols; c++) {
		if (!cols[c].colgroup)
			continue;
		k = 0;
		for (size_t r = 0; r < t->nrows; r++)
			if ((long)r != total_row)
				members[k++] = r * t->ncols + c;
		if (dasv_rt_group(t, (size_t)total_row * t->ncols + c, members, k) != 0) {
			free(members);
			return -1;
		}
	}
	free(members);
	return 0;
}

void
dasv_cell_count(struct dasv_report_cell *c, int64_t n)
{
	c->kind = DASV_CELL_COUNT;
	c->n = n;
}

void
dasv_cell_plain(struct dasv_report_cell *c, int64_t n)
{
	c->kind = DASV_CELL_PLAIN;
	c->n = n;
}

void
dasv_cell_share(struct dasv_report_cell *c, int64_t n, int64_t base, long ref0, long ref1)
{
	c->ref[0] = ref0;
	c->ref[1] = ref1;
	if (base <= 0) {
		c->kind = DASV_CELL_EMPTY;
		return;
	}
	c->kind = DASV_CELL_SHARE;
	c->n = n;
	c->base = base;
	c->v = (double)n / (double)base;
}

void
dasv_cell_stat(struct dasv_report_cell *c, double v, int64_t over, long ref0)
{
	c->ref[0] = ref0;
	if (over <= 0) {
		c->kind = DASV_CELL_EMPTY;
		return;
	}
	c->kind = DASV_CELL_STAT;
	c->v = v;
	c->n = over;
}

/* ---- suppression ------------------------------------------------------- */

/* "Unbounded" for a hidden cell's upper end; sums saturate here. */
#define UNBOUNDED (INT64_MAX / 4)

struct bounds {
	int64_t lo, hi;
};

static int64_t
sat_add(int64_t a, int64_t b)
{
	if (a >= UNBOUNDED || b >= UNBOUNDED)
		return UNBOUNDED;
	if (a + b >= UNBOUNDED)
		return UNBOUNDED;
	return a + b;
}

/* a - b where b may be unbounded (then the result is unbounded below). */
static int64_t
sat_sub(int64_t a, int64_t b)
{
	if (b >= UNBOUNDED)
		return -UNBOUNDED;
	if (a >= UNBOUNDED)
		return UNBOUNDED;
	return a - b;
}

/* What a reader knows about a cell from what is shown. */
static struct bounds
known(const struct dasv_report_cell *c, int k)
{
	struct bounds b;

	switch (c->supp) {
	case DASV_SUPP_NONE:
		b.lo = b.hi = c->n;
		break;
	case DASV_SUPP_SMALL:
		b.lo = 1;
		b.hi = k - 1;
		break;
	default:
		/* complements are chosen among counts that were neither 0 nor small */
		b.lo = k;
		b.hi = UNBOUNDED;
		break;
	}
	return b;
}

/* Does the group's equation pin hidden cell x (the total, or member index mi) to one value? */
static int
pinned(const struct dasv_report_table *t, const struct dasv_report_group *g, long mi, int k)
{
	const size_t *m = &t->members[g->first];
	struct bounds tot = known(&t->cells[g->total], k), self, b;
	int64_t lo_sum = 0, hi_sum = 0, lo, hi;

	for (size_t i = 0; i < g->count; i++) {
		if ((long)i == mi)
			continue;
		b = known(&t->cells[m[i]], k);
		lo_sum = sat_add(lo_sum, b.lo);
		hi_sum = sat_add(hi_sum, b.hi);
	}
	if (mi < 0) {
		self = tot;
		lo = lo_sum;
		hi = hi_sum;
	} else {
		self = known(&t->cells[m[mi]], k);
		lo = sat_sub(tot.lo, hi_sum);
		hi = sat_sub(tot.hi, lo_sum);
	}
	if (lo < self.lo)
		lo = self.lo;
	if (hi > self.hi)
		hi = self.hi;
	return hi <= lo;
}

/* Hide one more cell of the group if any hidden cell in it is pinned; 1 if it did. */
static int
fix_group(struct dasv_report_table *t, const struct dasv_report_group *g, int k)
{
	const size_t *m = &t->members[g->first];
	struct dasv_report_cell *best = NULL, *c;
	int unsafe = 0;

	if (t->cells[g->total].supp != DASV_SUPP_NONE && pinned(t, g, -1, k))
		unsafe = 1;
	for (size_t i = 0; !unsafe && i < g->count; i++)
		if (t->cells[m[i]].supp != DASV_SUPP_NONE && pinned(t, g, (long)i, k))
			unsafe = 1;
	if (!unsafe)
		return 0;
	/* the smallest shown member loses least; the total only when no member can go */
	for (size_t i = 0; i < g->count; i++) {
		c = &t->cells[m[i]];
		if (c->supp == DASV_SUPP_NONE && c->n > 0 && (!best || c->n < best->n))
			best = c;
	}
	if (!best) {
		c = &t->cells[g->total];
		if (c->supp != DASV_SUPP_NONE || c->n <= 0)
			return 0;
		best = c;
	}
	best->supp = DASV_SUPP_COMPLEMENT;
	return 1;
}

static int
is_hidden_ref(const struct dasv_report_table *t, long ref)
{
	return ref >= 0 && (size_t)ref < t->nrows * t->ncols &&
	       t->cells[ref].supp != DASV_SUPP_NONE;
}

void
dasv_report_suppress(struct dasv_report_table *t, int threshold)
{
	size_t n = t->nrows * t->ncols;
	int k = threshold < 1 ? 1 : threshold, changed;

	for (size_t i = 0; i < n; i++) {
		struct dasv_report_cell *c = &t->cells[i];
		if (c->kind == DASV_CELL_COUNT && c->n >= 1 && c->n < k)
			c->supp = DASV_SUPP_SMALL;
	}
	/* each pass hides at least one more cell or stops: it ends */
	do {
		changed = 0;
		for (size_t g = 0; g < t->ngroups; g++)
			changed |= fix_group(t, &t->groups[g], k);
	} while (changed);
	for (size_t i = 0; i < n; i++) {
		struct dasv_report_cell *c = &t->cells[i];
		int64_t over;

		if (c->kind != DASV_CELL_SHARE && c->kind != DASV_CELL_STAT)
			continue;
		over = c->kind == DASV_CELL_SHARE ? c->base : c->n;
		if ((over >= 1 && over < k) ||
		    (c->kind == DASV_CELL_SHARE && c->n >= 1 && c->n < k) ||
		    is_hidden_ref(t, c->ref[0]) || is_hidden_ref(t, c->ref[1]))
			c->supp = DASV_SUPP_DERIVED;
	}
	for (size_t i = 0; i < n; i++)
		if (t->cells[i].supp != DASV_SUPP_NONE) {
			t->cells[i].n = 0;
			t->cells[i].base = 0;
			t->cells[i].v = 0;
		}
}

/* ---- look-ups and freeing ---------------------------------------------- */

const struct dasv_report_table *
dasv_report_table_find(const struct dasv_report *r, const char *id)
{
	for (size_t i = 0; r && id && i < r->ntables; i++)
		if (strcmp(r->tables[i].id, id) == 0)
			return &r->tables[i];
	return NULL;
}

const struct dasv_report_cell *
dasv_report_cell_at(const struct dasv_report_table *t, size_t row, size_t col)
{
	if (!t || row >= t->nrows || col >= t->ncols)
		return NULL;
	return &t->cells[row * t->ncols + col];
}

long
dasv_report_row_find(const struct dasv_report_table *t, const char *code)
{
	for (size_t i = 0; t && code && i < t->nrows; i++)
		if (strcmp(t->rows[i].code, code) == 0)
			return (long)i;
	return -1;
}

long
dasv_report_col_find(const struct dasv_report_table *t, const char *id)
{
	for (size_t i = 0; t && id && i < t->ncols; i++)
		if (strcmp(t->cols[i].id, id) == 0)
			return (long)i;
	return -1;
}

void
dasv_report_free(struct dasv_report **rp)
{
	struct dasv_report *r;

	if (!rp || !*rp)
		return;
	r = *rp;
	for (size_t i = 0; r->tables && i < r->ntables; i++) {
		free(r->tables[i].rows);
		free(r->tables[i].cols);
		free(r->tables[i].cells);
		free(r->tables[i].groups);
		free(r->tables[i].members);
	}
	free(r->tables);
	free(r);
	*rp = NULL;
}
