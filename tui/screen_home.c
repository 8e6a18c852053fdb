/*
 * screen_home.c - where staff land: a caseworker's own caseload, or the
 * supervisor's risk-ordered allocation queue and the services' waiting lists.
 *
 * The list is paged from the core by key (dasv_page), a screenful at a time,
 * so 100 000 referrals scroll as smoothly as 100.  Each row remembers its
 * position in the list as it was fetched, which gives "row N of M" without
 * ever counting rows before the selection.  Names are decrypted by the core
 * for the rows on screen only and are wiped on lock and on leaving; the
 * screen decides nothing about access (dasv_page and the case screen do).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "widget.h"

/* A row as the list holds it: the core's row and where it stood when fetched. */
struct home_row {
	struct dasv_row r;
	int64_t pos;	/* 1-based */
};

/* ---- columns: fixed widths first, what is left to the flexible ones ---- */

enum home_col {
	COL_REF, COL_RISK, COL_MARAC, COL_DAYS, COL_DUE, COL_SINCE, COL_FLAGS,
	COL_NAME, COL_DISTRICT, COL_REC, COL_STATUS, COL_SERVICE, COL_COUNT
};

struct home_coldef {
	enum home_col id;
	const char *title;
	int min, want;	/* columns; want > min: grows in the order listed */
	bool right;	/* right-aligned (numbers) */
};

#define COL_GAP 2

static const struct home_coldef queue_cols[] = {
	{ COL_REF, "Ref", 6, 6, true }, { COL_RISK, "Risk", 4, 4, false },
	{ COL_MARAC, "MARAC", 5, 5, false }, { COL_DAYS, "Days", 4, 4, true },
	{ COL_FLAGS, "Flags", 5, 5, false }, { COL_NAME, "Name", 14, 26, false },
	{ COL_DISTRICT, "District", 10, 20, false }, { COL_REC, "Recommended", 11, 23, false },
};
static const struct home_coldef caseload_cols[] = {
	{ COL_REF, "Ref", 6, 6, true }, { COL_RISK, "Risk", 4, 4, false },
	{ COL_MARAC, "MARAC", 5, 5, false }, { COL_DAYS, "Days", 4, 4, true },
	{ COL_DUE, "Next contact", 18, 18, false }, { COL_NAME, "Name", 12, 26, false },
	{ COL_STATUS, "Status", 8, 10, false }, { COL_SERVICE, "Service", 6, 34, false },
};
static const struct home_coldef waiting_cols[] = {
	{ COL_REF, "Ref", 6, 6, true }, { COL_RISK, "Risk", 4, 4, false },
	{ COL_MARAC, "MARAC", 5, 5, false }, { COL_DAYS, "Days", 4, 4, true },
	{ COL_SINCE, "Waiting since", 13, 13, false }, { COL_FLAGS, "Flags", 5, 5, false },
	{ COL_NAME, "Name", 14, 26, false }, { COL_DISTRICT, "District", 10, 20, false },
};
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

struct home_col_at {
	int x, w;	/* w == 0: not shown */
	bool right;
};

struct home {
	struct app *a;
	enum dasv_list list;
	int64_t service_id;		/* waiting list shown */
	char service_name[64];
	struct widget_list *lw;
	struct widget_list_source src;	/* the list borrows it: lives here */
	/* layout for the width last drawn */
	int layout_cols;
	struct home_col_at col[COL_COUNT];
	char header[512];
	/* dasv_page writes whole dasv_rows; converted into home_rows */
	struct dasv_row *tmp;
	size_t tmp_cap;
	/* counts for the header */
	int64_t count;			/* rows in the list, -1 unknown */
	int64_t n_high_marac;
	int64_t n_overdue;
	/* where to pick up after a child screen or the lock */
	bool reload;
	bool have_anchor;
	struct dasv_page_key anchor;
	int64_t anchor_pos;
};

static const char *home_empty[] = {
	[DASV_LIST_QUEUE] = "No referrals are waiting for allocation.",
	[DASV_LIST_CASELOAD] = "You have no open cases.",
	[DASV_LIST_WAITING] = "Nobody is on this service's waiting list.",
};

/* "1 234 567": digits grouped in threes with a space, as the header shows them. */
static const char *
home_fmt_count(int64_t n, char *buf, size_t bufsz)
{
	char digits[24];
	size_t len, i, o = 0;

	snprintf(digits, sizeof(digits), "%lld", (long long)(n < 0 ? 0 : n));
	len = strlen(digits);
	for (i = 0; i < len && o + 2 < bufsz; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ' ';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void
home_layout(struct home *h, int cols)
{
	const struct home_coldef *defs;
	size_t n, i;
	int used = 1, extra, grow, flex = -1, x;

	switch (h->list) {
	case DASV_LIST_CASELOAD: defs = caseload_cols; n = NCOLS(caseload_cols); break;
	case DASV_LIST_WAITING: defs = waiting_cols; n = NCOLS(waiting_cols); break;
	default: defs = queue_cols; n = NCOLS(queue_cols); break;
	}
	memset(h->col, 0, sizeof(h->col));
	for (i = 0; i < n; i++)
		used += defs[i].min + (i ? COL_GAP : 0);
	extra = cols - 1 - used;
	/* grow to the wanted widths in the order listed; the name takes the rest */
	for (i = 0; i < n; i++) {
		h->col[defs[i].id].w = defs[i].min;
		if (defs[i].id == COL_NAME)
			flex = (int)i;
	}
	for (i = 0; i < n && extra > 0; i++) {
		grow = defs[i].want - defs[i].min;
		if (grow > extra)
			grow = extra;
		if (grow > 0) {
			h->col[defs[i].id].w += grow;
			extra -= grow;
		}
	}
	if (extra > 0 && flex >= 0)
		h->col[defs[flex].id].w += extra;
	memset(h->header, ' ', sizeof(h->header) - 1);
	h->header[sizeof(h->header) - 1] = '\0';
	x = 1;
	for (i = 0; i < n; i++) {
		struct home_col_at *c = &h->col[defs[i].id];
		int tw = (int)strlen(defs[i].title), tx;

		if (x + c->w > cols) {
			/* narrower than planned for: cut, or drop, the last columns */
			c->w = cols - x;
			if (c->w < 3)
				c->w = 0;
		}
		c->x = x;
		c->right = defs[i].right;
		if (c->w > 0 && x + c->w < (int)sizeof(h->header)) {
			tx = c->right && tw < c->w ? x + c->w - tw : x;
			memcpy(h->header + tx, defs[i].title, (size_t)(tw < c->w ? tw : c->w));
		}
		x += c->w + COL_GAP;
	}
	h->header[cols > 0 && cols < (int)sizeof(h->header) ? cols : (int)sizeof(h->header) - 1] = '\0';
	h->layout_cols = cols;
}

/* ---- fetching ---- */

static int
home_tmp_reserve(struct home *h, size_t n)
{
	struct dasv_row *t;

	if (n <= h->tmp_cap)
		return 0;
	t = calloc(n, sizeof(*t));
	if (!t)
		return -1;
	if (h->tmp) {
		dasv_rows_wipe(h->tmp, h->tmp_cap);
		free(h->tmp);
	}
	h->tmp = t;
	h->tmp_cap = n;
	return 0;
}

static void
home_count(struct home *h)
{
	struct dasv_list_summary sum;
	enum dasv_status st = dasv_list_summary(h->a->d, h->list, h->service_id, &sum);

	if (st != DASV_OK) {
		app_core_error(h->a, st);
		h->count = -1;
		return;
	}
	h->count = sum.total;
	h->n_high_marac = sum.high_marac;
	h->n_overdue = sum.overdue;
}

static int
home_fetch(void *ctx, enum widget_fetch dir, const void *anchor, void *out, int max)
{
	struct home *h = ctx;
	const struct home_row *an = anchor;
	struct home_row *rows = out;
	struct dasv_page_key key;
	enum dasv_status st;
	int fwd = dir == WIDGET_FETCH_FIRST || dir == WIDGET_FETCH_AFTER;
	int64_t end = 0;
	size_t n = 0, i;

	if (max <= 0)
		return 0;
	if (home_tmp_reserve(h, (size_t)max) < 0) {
		ui_error(h->a->ui, "Out of memory.");
		return -1;
	}
	memset(&key, 0, sizeof(key));
	if (an && (dir == WIDGET_FETCH_AFTER || dir == WIDGET_FETCH_BEFORE))
		dasv_page_key_of(&an->r, &key);
	else if (dir == WIDGET_FETCH_AFTER || dir == WIDGET_FETCH_BEFORE)
		return -1;
	st = dasv_page(h->a->d, h->list, h->service_id, &key, fwd ? 1 : -1, h->tmp,
		       (size_t)max, &n);
	if (st != DASV_OK) {
		app_core_error(h->a, st);
		return -1;
	}
	if (dir == WIDGET_FETCH_LAST) {
		/* the positions count back from the end: know where the end is */
		if (n < (size_t)max)
			h->count = (int64_t)n;
		else
			home_count(h);
		end = h->count > 0 ? h->count : (int64_t)n;
	}
	for (i = 0; i < n; i++) {
		/* dasv_page gives list order both ways; LAST and BEFORE want
		 * the nearest row first */
		rows[i].r = h->tmp[fwd ? i : n - 1 - i];
		switch (dir) {
		case WIDGET_FETCH_FIRST: rows[i].pos = (int64_t)i + 1; break;
		case WIDGET_FETCH_AFTER: rows[i].pos = an->pos + 1 + (int64_t)i; break;
		case WIDGET_FETCH_BEFORE: rows[i].pos = an->pos - 1 - (int64_t)i; break;
		case WIDGET_FETCH_LAST: rows[i].pos = end - (int64_t)i; break;
		}
	}
	dasv_rows_wipe(h->tmp, n);
	return (int)n;
}

/*
 * widget_list_search() is the list's way to reload a window around one row;
 * the home screen uses it to come back to the row that was selected before a
 * child screen or the lock: the first row at or after the remembered key.
 */
static int
home_find(void *ctx, const char *query, const void *from, void *out)
{
	struct home *h = ctx;
	struct home_row *row = out;
	struct dasv_page_key key;
	enum dasv_status st;
	size_t n = 0;

	(void)query;
	(void)from;
	if (!h->have_anchor)
		return 0;
	h->have_anchor = false;	/* one attempt: the list asks again to wrap */
	if (home_tmp_reserve(h, 1) < 0)
		return -1;
	key = h->anchor;
	key.id -= 1;	/* strictly after (p, k2, id - 1) is at or after the row */
	st = dasv_page(h->a->d, h->list, h->service_id, &key, 1, h->tmp, 1, &n);
	if (st != DASV_OK) {
		app_core_error(h->a, st);
		return -1;
	}
	if (n == 0)
		return 0;
	row->r = h->tmp[0];
	row->pos = h->anchor_pos;
	dasv_rows_wipe(h->tmp, 1);
	return 1;
}

/* ---- drawing ---- */

static void
home_cell(WINDOW *w, int y, int x0, const struct home_col_at *c, const char *text, attr_t a)
{
	int tw, x;

	if (c->w <= 0 || !text)
		return;
	x = x0 + c->x;
	if (c->right) {
		tw = (int)strlen(text);	/* numbers: ASCII */
		if (tw < c->w)
			x += c->w - tw;
	}
	ui_put(w, y, x, c->w, text, a);
}

static void
home_draw_row(void *ctx, struct ui *ui, WINDOW *w, int y, int x, int cols,
	      const void *rowp, attr_t attr)
{
	struct home *h = ctx;
	const struct home_row *hr = rowp;
	const struct dasv_row *r = &hr->r;
	const struct home_col_at *c = h->col;
	char buf[64];
	int used;

	(void)cols;
	snprintf(buf, sizeof(buf), "%lld", (long long)r->id);
	home_cell(w, y, x, &c[COL_REF], buf, attr);
	if (c[COL_RISK].w > 0)
		ui_put_risk(ui, w, y, x + c[COL_RISK].x, r->level, attr);
	home_cell(w, y, x, &c[COL_MARAC], r->marac ? "MARAC" : "", attr | (r->marac ? A_BOLD : 0));
	snprintf(buf, sizeof(buf), "%d", r->days_waiting);
	home_cell(w, y, x, &c[COL_DAYS], buf, attr);
	if (c[COL_DUE].w > 0) {
		/* overdue is said in words, colour only helps */
		used = ui_put(w, y, x + c[COL_DUE].x, 10, r->contact_due[0] ? r->contact_due : "-",
			      attr);
		if (r->overdue)
			ui_put(w, y, x + c[COL_DUE].x + used + 1, c[COL_DUE].w - used - 1, "OVERDUE",
			       attr | ui_attr(ui, UI_ROLE_ERROR));
	}
	home_cell(w, y, x, &c[COL_SINCE], r->waiting_since[0] ? r->waiting_since : "-", attr);
	snprintf(buf, sizeof(buf), "%s%s%s", r->safeguarding ? "S" : "",
		 r->safeguarding && r->repeat_victim ? " " : "", r->repeat_victim ? "R" : "");
	home_cell(w, y, x, &c[COL_FLAGS], buf, attr | A_BOLD);
	home_cell(w, y, x, &c[COL_NAME], r->name[0] ? r->name : "(restricted)",
		  r->name[0] ? attr : attr | ui_attr(ui, UI_ROLE_HINT));
	home_cell(w, y, x, &c[COL_DISTRICT],
		  r->district[0] ? dasv_code_label(DASV_LIST_DISTRICT, r->district) : "-", attr);
	home_cell(w, y, x, &c[COL_REC],
		  r->rec_service_type[0] ? dasv_code_label(DASV_LIST_SERVICE_TYPE, r->rec_service_type)
					 : "-", attr);
	home_cell(w, y, x, &c[COL_STATUS], dasv_code_label(DASV_LIST_STATUS, r->status), attr);
	home_cell(w, y, x, &c[COL_SERVICE], r->service_name[0] ? r->service_name : "-", attr);
}

/* Remember the selected row, to come back to it after a child screen or the lock. */
static void
home_remember(struct home *h)
{
	const struct home_row *sel = widget_list_selected(h->lw);

	h->have_anchor = sel != NULL;
	if (sel) {
		dasv_page_key_of(&sel->r, &h->anchor);
		h->anchor_pos = sel->pos;
	}
}

/* Fetch afresh (data may have changed), back at the remembered row. */
static void
home_reload(struct home *h)
{
	bool anchored = h->have_anchor;

	h->reload = false;
	home_count(h);
	if (anchored && widget_list_search(h->lw, "anchor") == 1)
		return;
	h->have_anchor = false;
	widget_list_reset(h->lw);
	/* the remembered row was the last and has gone: stay at the end */
	if (anchored)
		widget_list_handle(h->lw, h->a->ui, UI_REQ_END);
}

static void
home_summary(struct home *h, char *buf, size_t bufsz)
{
	char n1[32], n2[32];

	if (h->count < 0) {
		snprintf(buf, bufsz, "%s",
			 h->list == DASV_LIST_CASELOAD ? "My caseload" :
			 h->list == DASV_LIST_QUEUE ? "Allocation queue" : "Waiting list");
		return;
	}
	home_fmt_count(h->count, n1, sizeof(n1));
	switch (h->list) {
	case DASV_LIST_CASELOAD:
		snprintf(buf, bufsz, "My caseload \xe2\x80\x94 %s open case%s; %s overdue", n1,
			 h->count == 1 ? "" : "s", home_fmt_count(h->n_overdue, n2, sizeof(n2)));
		break;
	case DASV_LIST_WAITING:
		snprintf(buf, bufsz, "Waiting list: %s \xe2\x80\x94 %s waiting", h->service_name, n1);
		break;
	default:
		if (h->count == 0)
			snprintf(buf, bufsz, "Allocation queue \xe2\x80\x94 nothing awaiting allocation");
		else
			snprintf(buf, bufsz,
				 "Allocation queue \xe2\x80\x94 %s awaiting allocation; %s HIGH+MARAC",
				 n1, home_fmt_count(h->n_high_marac, n2, sizeof(n2)));
		break;
	}
}

static void
home_draw(struct ui *ui, void *state)
{
	struct home *h = state;
	WINDOW *w = ui_body(ui);
	const struct home_row *sel;
	char summary[256], pos[64], n1[32], n2[32];
	int rows, cols, used, pw = 0;

	getmaxyx(w, rows, cols);
	if (h->reload)
		home_reload(h);
	if (h->layout_cols != cols)
		home_layout(h, cols);
	/* the list first: its fetches bring the counts up to date */
	widget_list_draw(h->lw, ui, w, 1, 0, rows - 1, cols);
	sel = widget_list_selected(h->lw);
	if (sel && h->count > 0) {
		int64_t p = sel->pos < 1 ? 1 : sel->pos > h->count ? h->count : sel->pos;

		snprintf(pos, sizeof(pos), "row %s of %s", home_fmt_count(p, n1, sizeof(n1)),
			 home_fmt_count(h->count, n2, sizeof(n2)));
		pw = (int)strlen(pos);
		ui_put(w, 0, cols - pw - 1, pw, pos, ui_attr(ui, UI_ROLE_NORMAL));
	}
	home_summary(h, summary, sizeof(summary));
	used = ui_put(w, 0, 1, cols - pw - 3, summary, ui_attr(ui, UI_ROLE_LABEL));
	if (h->list != DASV_LIST_CASELOAD && cols - pw - used - 6 >= 24)
		ui_put(w, 0, used + 3, cols - pw - used - 6, "S safeguarding, R repeat",
		       ui_attr(ui, UI_ROLE_HINT));
}

/* ---- switching lists ---- */

static void
home_set_list(struct home *h, enum dasv_list list, int64_t service_id, const char *service_name)
{
	h->list = list;
	h->service_id = service_id;
	snprintf(h->service_name, sizeof(h->service_name), "%s", service_name ? service_name : "");
	h->src.empty = home_empty[list];
	h->layout_cols = 0;
	h->have_anchor = false;
	h->reload = false;
	widget_list_reset(h->lw);
	home_count(h);
}

/* `w`: pick the allocation queue or one service's waiting list. */
static int
home_switch(struct home *h)
{
	struct dasv_service *svc = NULL;
	struct widget_choice *ch = NULL;
	char (*labels)[160] = NULL;
	size_t n = 0, i;
	enum dasv_status st;
	int cur = 0, pick;

	st = dasv_services_list(h->a->d, 1, &svc, &n);
	if (st != DASV_OK) {
		app_core_error(h->a, st);
		return UI_HANDLED | UI_REDRAW;
	}
	ch = calloc(n + 1, sizeof(*ch));
	labels = calloc(n + 1, sizeof(*labels));
	if (!ch || !labels) {
		ui_error(h->a->ui, "Out of memory.");
		goto out;
	}
	ch[0].code = "queue";
	ch[0].label = "Allocation queue";
	for (i = 0; i < n; i++) {
		snprintf(labels[i], sizeof(labels[i]), "%s \xe2\x80\x94 %d waiting%s", svc[i].name,
			 svc[i].waiting, svc[i].open_cases >= svc[i].capacity ? ", full" : "");
		ch[i + 1].code = "";
		ch[i + 1].label = labels[i];
		if (h->list == DASV_LIST_WAITING && svc[i].id == h->service_id)
			cur = (int)i + 1;
	}
	pick = widget_choose(h->a->ui, "Queue or waiting list", ch, n + 1, cur);
	if (pick == 0)
		home_set_list(h, DASV_LIST_QUEUE, 0, NULL);
	else if (pick > 0)
		home_set_list(h, DASV_LIST_WAITING, svc[pick - 1].id, svc[pick - 1].name);
out:
	free(ch);
	free(labels);
	free(svc);
	return UI_HANDLED | UI_REDRAW;
}

/* ---- the screen ---- */

#define HOME_NAV_KEYS \
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL }, \
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL }, \
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL }, \
	{ UI_REQ_REDRAW, NULL, "Fetch the list again and redraw" }

static const struct ui_keyuse caseworker_keys[] = {
	{ UI_REQ_ENTER, "Open", "Open the selected case" },
	{ UI_REQ_NEW, NULL, NULL },
	{ UI_REQ_SEARCH, NULL, "Search: id, surname + date of birth, phone, postcode" },
	HOME_NAV_KEYS,
	UI_KEYS_END
};

static const struct ui_keyuse supervisor_keys[] = {
	{ UI_REQ_ENTER, "Open", "Open the selected referral" },
	{ UI_REQ_SWITCH, NULL, "The allocation queue or a service's waiting list" },
	{ UI_REQ_NEW, NULL, NULL },
	{ UI_REQ_SEARCH, NULL, "Search: id, surname + date of birth, phone, postcode" },
	{ UI_REQ_REPORTS, NULL, NULL },
	{ UI_REQ_BACK, "", "From a waiting list back to the queue" },
	HOME_NAV_KEYS,
	UI_KEYS_END
};

static const struct ui_keyuse admin_keys[] = {
	{ UI_REQ_ENTER, "Open", "Open the selected referral" },
	{ UI_REQ_SWITCH, NULL, "The allocation queue or a service's waiting list" },
	{ UI_REQ_NEW, NULL, NULL },
	{ UI_REQ_SEARCH, NULL, "Search: id, surname + date of birth, phone, postcode" },
	{ UI_REQ_REPORTS, NULL, NULL },
	{ UI_REQ_AUDITLOG, NULL, NULL },
	{ UI_REQ_ADMIN, NULL, NULL },
	{ UI_REQ_BACK, "", "From a waiting list back to the queue" },
	HOME_NAV_KEYS,
	UI_KEYS_END
};

/* Open a child screen; when it was pushed, fetch afresh once it pops. */
static int
home_child(struct home *h, int pushed)
{
	if (pushed == 0)
		h->reload = true;
	else
		h->have_anchor = false;
	return UI_HANDLED | UI_REDRAW;
}

static int
home_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct home *h = state;
	struct app *a = h->a;
	const struct home_row *sel;
	int64_t id;

	(void)ch;
	switch (req) {
	case UI_REQ_ENTER:
		sel = widget_list_selected(h->lw);
		if (!sel)
			return UI_HANDLED;
		id = sel->r.id;	/* the row is the list's: copy before the list changes */
		home_remember(h);
		return home_child(h, screen_case_push(a, id));
	case UI_REQ_NEW:
		home_remember(h);
		return home_child(h, screen_referral_form_push(a, 0));
	case UI_REQ_SEARCH:
		home_remember(h);
		return home_child(h, screen_search_push(a));
	case UI_REQ_REPORTS:
		home_remember(h);
		return home_child(h, screen_reports_push(a));
	case UI_REQ_AUDITLOG:
		home_remember(h);
		return home_child(h, screen_audit_push(a));
	case UI_REQ_ADMIN:
		home_remember(h);
		return home_child(h, screen_admin_push(a));
	case UI_REQ_SWITCH:
		return home_switch(h);
	case UI_REQ_REDRAW:
		/* others allocate and refer meanwhile: ^L fetches the list again,
		 * then the ui repaints the whole screen */
		home_remember(h);
		h->reload = true;
		return 0;
	case UI_REQ_BACK:
		if (h->list != DASV_LIST_WAITING)
			return 0;
		home_set_list(h, DASV_LIST_QUEUE, 0, NULL);
		return UI_HANDLED | UI_REDRAW;
	default:
		return widget_list_handle(h->lw, ui, req);
	}
}

static void
home_wipe(struct ui *ui, void *state)
{
	struct home *h = state;

	(void)ui;
	home_remember(h);	/* a key of codes and ids, no personal data */
	widget_list_reset(h->lw);
	if (h->tmp)
		dasv_rows_wipe(h->tmp, h->tmp_cap);
	h->reload = true;
}

static void
home_leave(struct ui *ui, void *state)
{
	struct home *h = state;

	(void)ui;
	widget_list_free(&h->lw);
	if (h->tmp)
		dasv_rows_wipe(h->tmp, h->tmp_cap);
	free(h->tmp);
	free(h);
}

static const struct ui_screen_ops caseworker_ops = {
	.name = "My caseload",
	.keys = caseworker_keys,
	.draw = home_draw,
	.handle = home_handle,
	.leave = home_leave,
	.wipe = home_wipe,
};

static const struct ui_screen_ops supervisor_ops = {
	.name = "Allocation",
	.keys = supervisor_keys,
	.draw = home_draw,
	.handle = home_handle,
	.leave = home_leave,
	.wipe = home_wipe,
};

static const struct ui_screen_ops admin_ops = {
	.name = "Allocation",
	.keys = admin_keys,
	.draw = home_draw,
	.handle = home_handle,
	.leave = home_leave,
	.wipe = home_wipe,
};

int
screen_home_push(struct app *a)
{
	const struct ui_screen_ops *ops;
	enum dasv_list list;
	struct home *h;

	switch (dasv_session_role(a->d)) {
	case DASV_ROLE_CASEWORKER:
		ops = &caseworker_ops;
		list = DASV_LIST_CASELOAD;
		break;
	case DASV_ROLE_SUPERVISOR:
		ops = &supervisor_ops;
		list = DASV_LIST_QUEUE;
		break;
	case DASV_ROLE_ADMIN:
		ops = &admin_ops;
		list = DASV_LIST_QUEUE;
		break;
	default:
		ui_error(a->ui, "There is no caseload or queue for this role.");
		return -1;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -1;
	h->a = a;
	h->src.row_size = sizeof(struct home_row);
	h->src.fetch = home_fetch;
	h->src.draw = home_draw_row;
	h->src.find = home_find;
	h->src.header = h->header;
	h->lw = widget_list_new(&h->src, h);
	if (!h->lw) {
		free(h);
		return -1;
	}
	home_set_list(h, list, 0, NULL);
	if (ui_push(a->ui, ops, h) < 0) {
		home_leave(a->ui, h);
		return -1;
	}
	return 0;
}
