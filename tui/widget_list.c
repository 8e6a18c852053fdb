/*
 * widget_list.c - a scrolling list that holds only a window of rows.
 *
 * Rows come from the app's fetch() a page at a time, anchored on the first
 * or last row held (keyset paging), so a 100 000-row queue costs a few pages
 * of memory and one indexed query per page, never a full load or an OFFSET
 * scan.  Home and End fetch the first or last page directly.  The list never
 * knows the total; it knows only whether it has reached either end.  Rows
 * may hold decrypted names, so every row let go is wiped.
 */
#include <stdlib.h>
#include <string.h>

#include "widget.h"

#define LIST_MIN_PAGE 32
#define LIST_PAGES 4	/* window = LIST_PAGES pages; one is dropped to fetch the next */

struct widget_list {
	const struct widget_list_source *src;
	void *ctx;
	unsigned char *rows;	/* cap rows */
	unsigned char *scratch;	/* one page, for BEFORE and find() */
	int cap, n, page;
	int top, sel;		/* indexes into rows */
	int h;			/* visible rows at the last draw */
	unsigned gen;		/* bumped by every fetch, to detect change */
	bool loaded, at_start, at_end, failed;
};

static unsigned char *
list_row(const struct widget_list *l, int i)
{
	return l->rows + (size_t)i * l->src->row_size;
}

static void
list_wipe(struct widget_list *l, int from, int to)
{
	if (to > from)
		explicit_bzero(list_row(l, from), (size_t)(to - from) * l->src->row_size);
}

/* Room for LIST_PAGES pages of the current height; moves rows, wiping the old copy. */
static int
list_reserve(struct widget_list *l)
{
	size_t rs = l->src->row_size;
	int page = l->h > LIST_MIN_PAGE ? l->h : LIST_MIN_PAGE;
	int cap = page * LIST_PAGES;
	unsigned char *rows, *scratch;

	l->page = page;
	if (l->rows && cap <= l->cap)
		return 0;
	rows = calloc((size_t)cap, rs);
	scratch = calloc((size_t)page, rs);
	if (!rows || !scratch) {
		free(rows);
		free(scratch);
		if (l->rows) {
			l->page = l->cap / LIST_PAGES;	/* keep working with what we have */
			return 0;
		}
		return -1;
	}
	if (l->rows) {
		memcpy(rows, l->rows, (size_t)l->n * rs);
		explicit_bzero(l->rows, (size_t)l->cap * rs);
		explicit_bzero(l->scratch, (size_t)(l->cap / LIST_PAGES) * rs);
	}
	free(l->rows);
	free(l->scratch);
	l->rows = rows;
	l->scratch = scratch;
	l->cap = cap;
	return 0;
}

struct widget_list *
widget_list_new(const struct widget_list_source *src, void *ctx)
{
	struct widget_list *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->src = src;
	l->ctx = ctx;
	l->h = 1;
	if (list_reserve(l) < 0) {
		free(l);
		return NULL;
	}
	return l;
}

void
widget_list_free(struct widget_list **p)
{
	struct widget_list *l;

	if (!p || !*p)
		return;
	l = *p;
	explicit_bzero(l->rows, (size_t)l->cap * l->src->row_size);
	explicit_bzero(l->scratch, (size_t)l->page * l->src->row_size);
	free(l->rows);
	free(l->scratch);
	free(l);
	*p = NULL;
}

void
widget_list_reset(struct widget_list *l)
{
	list_wipe(l, 0, l->n);
	l->n = l->top = l->sel = 0;
	l->loaded = l->failed = false;
	l->gen++;
}

/* Reverse rows [0, n) of buf: BEFORE and LAST deliver nearest-first. */
static void
list_reverse(struct widget_list *l, unsigned char *buf, int n)
{
	size_t rs = l->src->row_size;
	unsigned char *a, *b;
	unsigned char t;
	size_t k;
	int i;

	for (i = 0; i < n / 2; i++) {
		a = buf + (size_t)i * rs;
		b = buf + (size_t)(n - 1 - i) * rs;
		for (k = 0; k < rs; k++) {
			t = a[k];
			a[k] = b[k];
			b[k] = t;
		}
	}
}

static void
list_load(struct widget_list *l, enum widget_fetch dir)
{
	int got;

	widget_list_reset(l);
	l->loaded = true;
	got = l->src->fetch(l->ctx, dir, NULL, l->rows, l->page);
	if (got < 0 || got > l->page) {
		l->failed = true;
		l->at_start = l->at_end = true;
		return;
	}
	l->n = got;
	if (dir == WIDGET_FETCH_LAST) {
		list_reverse(l, l->rows, got);
		l->at_end = true;
		l->at_start = got < l->page;
		l->sel = got ? got - 1 : 0;
		l->top = got > l->h ? got - l->h : 0;
	} else {
		l->at_start = true;
		l->at_end = got < l->page;
	}
}

/* One page after the last row held; drops rows at the front to make room. */
static int
list_fetch_after(struct widget_list *l)
{
	size_t rs = l->src->row_size;
	int ask = l->page, drop, got;

	if (l->at_end || l->failed || l->n == 0)
		return 0;
	if (l->n + ask > l->cap) {
		drop = l->n + ask - l->cap;
		list_wipe(l, 0, drop);
		memmove(l->rows, list_row(l, drop), (size_t)(l->n - drop) * rs);
		list_wipe(l, l->n - drop, l->n);
		l->n -= drop;
		l->top -= drop;
		l->sel -= drop;
		l->at_start = false;
	}
	got = l->src->fetch(l->ctx, WIDGET_FETCH_AFTER, list_row(l, l->n - 1),
			    list_row(l, l->n), ask);
	if (got < 0 || got > ask) {
		l->failed = true;
		return 0;
	}
	l->n += got;
	l->at_end = got < ask;
	l->gen++;
	return got;
}

/* One page before the first row held; drops rows at the end to make room. */
static int
list_fetch_before(struct widget_list *l)
{
	size_t rs = l->src->row_size;
	int ask = l->page, got;

	if (l->at_start || l->failed || l->n == 0)
		return 0;
	if (l->n + ask > l->cap) {
		list_wipe(l, l->cap - ask, l->n);
		l->n = l->cap - ask;
		l->at_end = false;
	}
	got = l->src->fetch(l->ctx, WIDGET_FETCH_BEFORE, list_row(l, 0), l->scratch, ask);
	if (got < 0 || got > ask) {
		l->failed = true;
		return 0;
	}
	list_reverse(l, l->scratch, got);
	memmove(list_row(l, got), l->rows, (size_t)l->n * rs);
	memcpy(l->rows, l->scratch, (size_t)got * rs);
	explicit_bzero(l->scratch, (size_t)got * rs);
	l->n += got;
	l->top += got;
	l->sel += got;
	l->at_start = got < ask;
	l->gen++;
	return got;
}

static void
list_down(struct widget_list *l, int k)
{
	while (l->sel + k >= l->n && list_fetch_after(l) > 0)
		;
	l->sel = l->sel + k < l->n ? l->sel + k : l->n - 1;
	if (l->sel < 0)
		l->sel = 0;
}

static void
list_up(struct widget_list *l, int k)
{
	while (l->sel - k < 0 && list_fetch_before(l) > 0)
		;
	l->sel = l->sel - k > 0 ? l->sel - k : 0;
}

/* Keep the selection visible and the view full where rows exist. */
static void
list_clamp(struct widget_list *l)
{
	int h = l->h > 0 ? l->h : 1;

	while (l->top + h > l->n && list_fetch_after(l) > 0)
		;
	if (l->top > l->n - h)
		l->top = l->n - h;
	if (l->top < 0)
		l->top = 0;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
}

void
widget_list_draw(struct widget_list *l, struct ui *ui, WINDOW *w,
		 int y, int x, int h, int cols)
{
	const struct widget_list_source *src = l->src;
	attr_t sel = ui_attr(ui, UI_ROLE_SELECT);
	attr_t a;
	int i;

	if (src->header && h > 1) {
		ui_put(w, y, x, cols, src->header, ui_attr(ui, UI_ROLE_HEADER));
		y++;
		h--;
	}
	if (h < 1 || cols < 1)
		return;
	l->h = h;
	list_reserve(l);
	if (!l->loaded)
		list_load(l, WIDGET_FETCH_FIRST);
	if (l->failed && l->n == 0) {
		ui_put(w, y, x, cols, "Could not load the rows.", ui_attr(ui, UI_ROLE_ERROR));
		ui_set_cursor(ui, w, y, x);
		return;
	}
	if (l->n == 0) {
		ui_put(w, y, x, cols, src->empty ? src->empty : "(no rows)",
		       ui_attr(ui, UI_ROLE_HINT));
		ui_set_cursor(ui, w, y, x);
		return;
	}
	list_clamp(l);
	for (i = 0; i < h && l->top + i < l->n; i++) {
		a = l->top + i == l->sel ? sel : A_NORMAL;
		if (a != A_NORMAL) {
			wattrset(w, a);
			mvwhline(w, y + i, x, ' ', cols);
			wattrset(w, A_NORMAL);
		}
		src->draw(l->ctx, ui, w, y + i, x, cols, list_row(l, l->top + i), a);
	}
	ui_set_cursor(ui, w, y + l->sel - l->top, x);
}

int
widget_list_search(struct widget_list *l, const char *query)
{
	const void *from = widget_list_selected(l);
	int r;

	if (!l->src->find || !query || !*query)
		return 0;
	r = l->src->find(l->ctx, query, from, l->scratch);
	if (r == 0 && from)	/* wrap round to the start */
		r = l->src->find(l->ctx, query, NULL, l->scratch);
	if (r != 1)
		return r;
	/* reload a window around the match */
	widget_list_reset(l);
	memcpy(l->rows, l->scratch, l->src->row_size);
	explicit_bzero(l->scratch, l->src->row_size);
	l->n = 1;
	l->loaded = true;
	l->at_start = l->at_end = false;
	list_fetch_after(l);
	list_fetch_before(l);
	l->top = l->sel - l->h / 3;
	list_clamp(l);
	return 1;
}

int
widget_list_handle(struct widget_list *l, struct ui *ui, enum ui_request req)
{
	int sel = l->sel, top = l->top, n = l->n;
	unsigned gen = l->gen;
	int h = l->h > 0 ? l->h : 1;
	char q[128];
	int r;

	if (!l->loaded)
		list_load(l, WIDGET_FETCH_FIRST);
	switch (req) {
	case UI_REQ_UP:
		list_up(l, 1);
		break;
	case UI_REQ_DOWN:
		list_down(l, 1);
		break;
	case UI_REQ_PGUP:
		l->top -= h;
		list_up(l, h);
		break;
	case UI_REQ_PGDN:
		l->top += h;
		list_down(l, h);
		break;
	case UI_REQ_HOME:
		if (l->at_start) {
			l->sel = l->top = 0;
		} else {
			list_load(l, WIDGET_FETCH_FIRST);
		}
		break;
	case UI_REQ_END:
		if (l->at_end) {
			l->sel = l->n ? l->n - 1 : 0;
			l->top = l->n - h;
		} else {
			list_load(l, WIDGET_FETCH_LAST);
		}
		break;
	case UI_REQ_SEARCH:
		if (!l->src->find)
			return 0;
		r = widget_prompt(ui, "Search", "Find:", q, sizeof(q), 0);
		if (r == 1) {
			r = widget_list_search(l, q);
			if (r == 0)
				ui_message(ui, "Not found: %s", q);
			else if (r < 0)
				ui_error(ui, "Search failed.");
		}
		explicit_bzero(q, sizeof(q));
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
	list_clamp(l);
	if (l->sel != sel || l->top != top || l->n != n || l->gen != gen)
		return UI_HANDLED | UI_REDRAW;
	return UI_HANDLED;
}

const void *
widget_list_selected(const struct widget_list *l)
{
	return l->n ? list_row(l, l->sel) : NULL;
}
