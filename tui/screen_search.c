/*
 * screen_search.c - find a referral by id, surname and date of birth, phone
 * or postcode (the core's blind indexes), then open it.
 *
 * Two screens: the search form, and on top of it the results, so Esc from
 * the results goes back to the form to refine the search, and Esc again goes
 * home.  The core decides what each row shows: a referral the user may not
 * open comes back without a name, and opening it is the case screen's
 * business (it asks for the break-glass reason).  Typed search values and
 * result rows are wiped when they are let go; rows are dropped on lock and
 * the search is run again after unlocking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "widget.h"

#define SEARCH_MAX 200	/* rows asked of the core; more means: refine */
#define SEARCH_VALUE_MAX 120

struct search_kind {
	const char *code;	/* dasv_search's kind */
	const char *label;	/* pick-list */
	const char *a_label;
	const char *b_label;	/* date of birth, or NULL */
	const char *what;	/* "by ..." in the results' header */
};

static const struct search_kind kinds[] = {
	{ "id", "Referral id", "Referral id", NULL, "referral id" },
	{ "name_dob", "Surname and date of birth", "Surname", "Date of birth",
	  "surname and date of birth" },
	{ "phone", "Phone number", "Phone number", NULL, "phone number" },
	{ "postcode", "Postcode", "Postcode", NULL, "postcode" },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const struct widget_choice kind_choices[NKINDS] = {
	{ "id", "Referral id" },
	{ "name_dob", "Surname and date of birth" },
	{ "phone", "Phone number" },
	{ "postcode", "Postcode" },
};

/* ---- results ---- */

/* The list holds only indexes: the rows (with names) stay in one array. */
struct result_row {
	size_t idx;
};

struct results {
	struct app *a;
	size_t kind;
	char qa[SEARCH_VALUE_MAX * 4 + 1], qb[16];	/* the query, to run again */
	struct dasv_row *rows;	/* SEARCH_MAX, owned */
	size_t n;
	size_t restricted;	/* rows shown without a name */
	bool reload;		/* run the search again on the next draw */
	size_t back_to;		/* row to select after running it again */
	struct widget_list *lw;
	struct widget_list_source src;
	char header[256];
	int layout_cols;
	int cx[7], cw[7];	/* ref, received, risk, marac, status, name, service */
};

static int
results_fetch(void *ctx, enum widget_fetch dir, const void *anchor, void *out, int max)
{
	struct results *r = ctx;
	const struct result_row *an = anchor;
	struct result_row *rows = out;
	long i, step;
	int k = 0;

	switch (dir) {
	case WIDGET_FETCH_FIRST: i = 0; step = 1; break;
	case WIDGET_FETCH_LAST: i = (long)r->n - 1; step = -1; break;
	case WIDGET_FETCH_AFTER: i = (long)an->idx + 1; step = 1; break;
	case WIDGET_FETCH_BEFORE: i = (long)an->idx - 1; step = -1; break;
	default: return -1;
	}
	for (; k < max && i >= 0 && i < (long)r->n; i += step)
		rows[k++].idx = (size_t)i;
	return k;
}

/* Reloads a window around the row to come back to (see results_rerun). */
static int
results_find(void *ctx, const char *query, const void *from, void *out)
{
	struct results *r = ctx;
	struct result_row *row = out;

	(void)query;
	(void)from;
	if (!r->n)
		return 0;
	row->idx = r->back_to < r->n ? r->back_to : r->n - 1;
	return 1;
}

static void
results_layout(struct results *r, int cols)
{
	/* ref, received, risk, marac, status: fixed; name and service share the rest */
	static const int fixed[5] = { 6, 10, 4, 5, 10 };
	static const char *const titles[7] = { "Ref", "Received", "Risk", "MARAC", "Status",
					       "Name", "Service" };
	int x = 1, i, rest, tw;

	for (i = 0; i < 5; i++) {
		r->cx[i] = x;
		r->cw[i] = fixed[i];
		x += fixed[i] + 2;
	}
	rest = cols - x - 3;
	if (rest < 10)
		rest = 10;
	r->cx[5] = x;
	r->cw[5] = rest * 11 / 20;
	r->cx[6] = x + r->cw[5] + 2;
	r->cw[6] = cols - r->cx[6] - 1;
	if (r->cw[6] < 0)
		r->cw[6] = 0;
	memset(r->header, ' ', sizeof(r->header) - 1);
	r->header[sizeof(r->header) - 1] = '\0';
	for (i = 0; i < 7; i++) {
		tw = (int)strlen(titles[i]);
		if (r->cw[i] <= 0 || r->cx[i] + tw >= (int)sizeof(r->header))
			continue;
		/* the id is right-aligned under its title */
		memcpy(r->header + (i == 0 ? r->cx[i] + r->cw[i] - tw : r->cx[i]), titles[i],
		       (size_t)(tw < r->cw[i] ? tw : r->cw[i]));
	}
	r->header[cols > 0 && cols < (int)sizeof(r->header) ? cols : (int)sizeof(r->header) - 1] =
		'\0';
	r->layout_cols = cols;
}

static void
results_draw_row(void *ctx, struct ui *ui, WINDOW *w, int y, int x, int cols,
		 const void *rowp, attr_t attr)
{
	struct results *r = ctx;
	const struct result_row *rr = rowp;
	const struct dasv_row *d;
	char id[24];
	int n;

	(void)cols;
	if (rr->idx >= r->n)
		return;
	d = &r->rows[rr->idx];
	n = snprintf(id, sizeof(id), "%lld", (long long)d->id);
	ui_put(w, y, x + r->cx[0] + (n < r->cw[0] ? r->cw[0] - n : 0), r->cw[0], id, attr);
	ui_put(w, y, x + r->cx[1], r->cw[1], d->received_on, attr);
	ui_put_risk(ui, w, y, x + r->cx[2], d->level, attr);
	ui_put(w, y, x + r->cx[3], r->cw[3], d->marac ? "MARAC" : "", attr | (d->marac ? A_BOLD : 0));
	ui_put(w, y, x + r->cx[4], r->cw[4], dasv_code_label(DASV_LIST_STATUS, d->status), attr);
	/* the core leaves the name out of rows outside the user's caseload */
	if (d->name[0])
		ui_put(w, y, x + r->cx[5], r->cw[5], d->name, attr);
	else
		ui_put(w, y, x + r->cx[5], r->cw[5], "(restricted)", attr | ui_attr(ui, UI_ROLE_HINT));
	ui_put(w, y, x + r->cx[6], r->cw[6], d->service_name[0] ? d->service_name : "-", attr);
}

static void
results_clear(struct results *r)
{
	if (r->lw)
		widget_list_reset(r->lw);
	dasv_rows_wipe(r->rows, SEARCH_MAX);
	r->n = 0;
	r->restricted = 0;
}

/* Run the query; 0 with rows (maybe none), -1 on a core error (shown). */
static int
results_run(struct results *r)
{
	enum dasv_status st;
	size_t i;

	results_clear(r);
	st = dasv_search(r->a->d, kinds[r->kind].code, r->qa, kinds[r->kind].b_label ? r->qb : NULL,
			 r->rows, SEARCH_MAX, &r->n);
	if (st != DASV_OK) {
		app_core_error(r->a, st);
		r->n = 0;
		return -1;
	}
	for (i = 0; i < r->n; i++)
		r->restricted += r->rows[i].name[0] == '\0';
	return 0;
}

/* Run the search again (after a case screen or the lock), at the same row. */
static void
results_rerun(struct results *r)
{
	r->reload = false;
	if (results_run(r) < 0)
		return;
	if (r->n)
		widget_list_search(r->lw, "row");
}

static void
results_draw(struct ui *ui, void *state)
{
	struct results *r = state;
	WINDOW *w = ui_body(ui);
	char line[200];
	int rows, cols, top = 1;

	getmaxyx(w, rows, cols);
	if (r->reload)
		results_rerun(r);
	if (r->layout_cols != cols)
		results_layout(r, cols);
	snprintf(line, sizeof(line), "Search by %s \xe2\x80\x94 %s%zu referral%s found%s",
		 kinds[r->kind].what, r->n >= SEARCH_MAX ? "at least " : "", r->n,
		 r->n == 1 ? "" : "s", r->n >= SEARCH_MAX ? ": refine the search" : "");
	ui_put(w, 0, 1, cols - 2, line, ui_attr(ui, UI_ROLE_LABEL));
	if (r->restricted) {
		ui_put(w, 1, 1, cols - 2,
		       "(restricted): outside your caseload. Opening one asks for a reason, "
		       "which is recorded and seen by supervisors.", ui_attr(ui, UI_ROLE_HINT));
		top = 2;
	}
	widget_list_draw(r->lw, ui, w, top, 0, rows - top, cols);
}

static int
results_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct results *r = state;
	const struct result_row *sel;
	int64_t id;

	(void)ch;
	switch (req) {
	case UI_REQ_ENTER:
		sel = widget_list_selected(r->lw);
		if (!sel || sel->idx >= r->n)
			return UI_HANDLED;
		id = r->rows[sel->idx].id;
		r->back_to = sel->idx;
		/* the case screen asks for break-glass when the core says so */
		if (screen_case_push(r->a, id) == 0)
			r->reload = true;
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_SEARCH:
		return UI_HANDLED | UI_POP;	/* back to the form, values kept */
	case UI_REQ_REDRAW:
		/* ^L runs the search again, then the ui repaints */
		sel = widget_list_selected(r->lw);
		r->back_to = sel ? sel->idx : 0;
		r->reload = true;
		return 0;
	default:
		return widget_list_handle(r->lw, ui, req);
	}
}

static void
results_wipe(struct ui *ui, void *state)
{
	struct results *r = state;
	const struct result_row *sel = widget_list_selected(r->lw);

	(void)ui;
	r->back_to = sel ? sel->idx : 0;
	results_clear(r);
	r->reload = true;
}

static void
results_leave(struct ui *ui, void *state)
{
	struct results *r = state;

	(void)ui;
	widget_list_free(&r->lw);
	dasv_rows_wipe(r->rows, SEARCH_MAX);
	free(r->rows);
	dasv_wipe(r->qa, sizeof(r->qa));
	dasv_wipe(r->qb, sizeof(r->qb));
	free(r);
}

static const struct ui_keyuse results_keys[] = {
	{ UI_REQ_ENTER, "Open", "Open the selected referral (outside your caseload: asks why)" },
	{ UI_REQ_SEARCH, "Change search", "Back to the search form to change it" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	{ UI_REQ_REDRAW, NULL, "Run the search again and redraw" },
	UI_KEYS_END
};

static const struct ui_screen_ops results_ops = {
	.name = "Search results",
	.keys = results_keys,
	.draw = results_draw,
	.handle = results_handle,
	.leave = results_leave,
	.wipe = results_wipe,
};

/* ---- the form ---- */

struct search {
	struct app *a;
	struct widget_form *f;
	size_t kind;
	int f_kind, f_a, f_b;	/* field indexes; f_b -1 when the kind has one value */
};

static const char *
search_check_id(void *ctx, const struct widget_form *f, int field, const char *v)
{
	(void)ctx;
	(void)f;
	(void)field;
	if (strspn(v, "0123456789") != strlen(v) || v[0] == '0')
		return "A referral id is a number, like 1234";
	return NULL;
}

static int
search_build(struct search *s, size_t kind)
{
	struct widget_form *f = widget_form_new("Search referrals");

	if (!f)
		return -1;
	s->f_kind = widget_form_add_pick(f, "kind", "Search by", kind_choices, NKINDS);
	widget_form_set(f, s->f_kind, kinds[kind].code);
	s->f_a = widget_form_add_text(f, "a", kinds[kind].a_label, SEARCH_VALUE_MAX, 0);
	widget_form_set_required(f, s->f_a, true);
	if (kind == 0)
		widget_form_set_validate(f, s->f_a, search_check_id, NULL);
	s->f_b = -1;
	if (kinds[kind].b_label) {
		s->f_b = widget_form_add_date(f, "b", kinds[kind].b_label);
		widget_form_set_required(f, s->f_b, true);
	}
	if (s->f_kind < 0 || s->f_a < 0 || (kinds[kind].b_label && s->f_b < 0)) {
		widget_form_free(&f);
		return -1;
	}
	widget_form_free(&s->f);	/* wipes what was typed for the old kind */
	s->f = f;
	s->kind = kind;
	return 0;
}

static void
search_draw(struct ui *ui, void *state)
{
	struct search *s = state;
	WINDOW *w = ui_body(ui);
	int y = s->f_b >= 0 ? 6 : 5;	/* a blank line under the fields */

	widget_form_draw(s->f, ui, w);
	ui_put(w, y, 2, getmaxx(w) - 4,
	       "F2, or Enter on the last field, searches. Values match whole, as recorded.",
	       ui_attr(ui, UI_ROLE_HINT));
}

static int
search_run(struct search *s, struct ui *ui)
{
	struct results *r;
	int bad;

	bad = widget_form_check(s->f);
	if (bad >= 0) {
		ui_error(ui, "Please correct the field marked.");
		return UI_HANDLED | UI_REDRAW;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->rows = calloc(SEARCH_MAX, sizeof(*r->rows)))) {
		free(r);
		ui_error(ui, "Out of memory.");
		return UI_HANDLED | UI_REDRAW;
	}
	r->a = s->a;
	r->kind = s->kind;
	widget_form_get(s->f, s->f_a, r->qa, sizeof(r->qa));
	if (s->f_b >= 0)
		widget_form_get(s->f, s->f_b, r->qb, sizeof(r->qb));
	r->src.row_size = sizeof(struct result_row);
	r->src.fetch = results_fetch;
	r->src.draw = results_draw_row;
	r->src.find = results_find;
	r->src.header = r->header;
	r->src.empty = "No referral found.";
	r->lw = widget_list_new(&r->src, r);
	if (!r->lw || results_run(r) < 0) {
		results_leave(ui, r);
		return UI_HANDLED | UI_REDRAW;
	}
	if (r->n == 0) {
		ui_message(ui, "No referral found by %s.", kinds[s->kind].what);
		results_leave(ui, r);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ui_push(ui, &results_ops, r) < 0)
		results_leave(ui, r);
	return UI_HANDLED | UI_REDRAW;
}

static int
search_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct search *s = state;
	char code[DASV_CODE_MAX];
	int last = s->f_b >= 0 ? s->f_b : s->f_a, r;
	size_t k;

	if (req == UI_REQ_SAVE || (req == UI_REQ_ENTER && widget_form_focus(s->f) == last))
		return search_run(s, ui);
	r = widget_form_handle(s->f, ui, req, ch);
	widget_form_get(s->f, s->f_kind, code, sizeof(code));
	for (k = 0; k < NKINDS; k++) {
		if (strcmp(code, kinds[k].code) != 0 || k == s->kind)
			continue;
		/* another kind: other fields; the focus stays on the pick */
		if (search_build(s, k) < 0)
			ui_error(ui, "Out of memory.");
		ui_set_text_mode(ui, false);
		return UI_HANDLED | UI_REDRAW;
	}
	return r;
}

static int
search_enter(struct ui *ui, void *state)
{
	struct search *s = state;

	/* start in the value field: most searches are by referral id */
	widget_form_handle(s->f, ui, UI_REQ_NEXT, 0);
	return 0;
}

static void
search_leave(struct ui *ui, void *state)
{
	struct search *s = state;

	(void)ui;
	widget_form_free(&s->f);
	free(s);
}

static const struct ui_keyuse search_keys[] = {
	{ UI_REQ_SAVE, "Search", "Search" },
	{ UI_REQ_ENTER, "", "Choose from the list; on the last field, search" },
	{ UI_REQ_NEXT, NULL, NULL },
	{ UI_REQ_PREV, NULL, NULL },
	{ UI_REQ_UP, NULL, "Previous field" },
	{ UI_REQ_DOWN, NULL, "Next field" },
	{ UI_REQ_TOGGLE, NULL, "Next choice" },
	{ UI_REQ_LEFT, NULL, NULL },
	{ UI_REQ_RIGHT, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL },
	{ UI_REQ_END, NULL, NULL },
	{ UI_REQ_BKSP, NULL, NULL },
	{ UI_REQ_DEL, NULL, NULL },
	{ UI_REQ_CLEAR, NULL, NULL },
	UI_KEYS_END
};

static const struct ui_screen_ops search_ops = {
	.name = "Search",
	.keys = search_keys,
	.enter = search_enter,
	.draw = search_draw,
	.handle = search_handle,
	.leave = search_leave,
};

int
screen_search_push(struct app *a)
{
	struct search *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->a = a;
	if (search_build(s, 0) < 0) {
		free(s);
		return -1;
	}
	if (ui_push(a->ui, &search_ops, s) < 0) {
		search_leave(a->ui, s);
		return -1;
	}
	return 0;
}
