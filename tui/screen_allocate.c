/*
 * screen_allocate.c - allocate a referral to a service (supervisors, admins):
 * the recommendation with every reason, then the active services with their
 * free places, the recommended ones marked and first.
 *
 * Owns copies of the recommendation and the service list.  Neither holds
 * personal data (reasons are the rules' own words), so there is nothing to
 * wipe on lock.  The rules, the override check and "full goes to the waiting
 * list" are the core's (dasv_recommend, dasv_allocate); the screen only asks
 * for what they need: a service, optionally a caseworker, and a reason when
 * the service is not of the recommended type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "text.h"
#include "widget.h"

#define ALLOC_REASON_MAX 512

struct alloc {
	struct app *a;
	int64_t rid;
	struct dasv_recommendation rec;
	int rorder[DASV_MAX_RECS];	/* display order of rec.items: primary first */
	const char *primary;		/* recommended service type, or NULL */
	struct dasv_service *svc;
	size_t nsvc;
	size_t *sorder;			/* display order of svc: recommended first */
	int sel, top;
};

/* ---- what is recommended ---------------------------------------------- */

static bool
alloc_type_recommended(const struct alloc *s, const char *type)
{
	int i;

	for (i = 0; i < s->rec.n; i++)
		if (s->rec.items[i].service_type[0] && !strcmp(s->rec.items[i].service_type, type))
			return true;
	return false;
}

/* 0 the primary recommendation's type, 1 also recommended, 2 the rest. */
static int
alloc_rank(const struct alloc *s, const struct dasv_service *v)
{
	if (s->primary && !strcmp(v->type, s->primary))
		return 0;
	return alloc_type_recommended(s, v->type) ? 1 : 2;
}

/* Primary first (the core's: the first item naming a service), then the
 * other services, the flags, and notes; each group in the rules' order. */
static void
alloc_order(struct alloc *s)
{
	int i, k = 0, pass, p = -1;
	size_t j, m = 0;
	int rank;

	s->primary = NULL;
	for (i = 0; i < s->rec.n; i++)
		if (s->rec.items[i].service_type[0]) {
			p = i;
			s->primary = s->rec.items[i].service_type;
			break;
		}
	if (p >= 0)
		s->rorder[k++] = p;
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < s->rec.n; i++) {
			bool svc = s->rec.items[i].service_type[0] != '\0';
			bool flag = s->rec.items[i].flag[0] != '\0';

			if (i == p)
				continue;
			if ((pass == 0 && svc) || (pass == 1 && !svc && flag) ||
			    (pass == 2 && !svc && !flag))
				s->rorder[k++] = i;
		}
	for (rank = 0; rank < 3; rank++)
		for (j = 0; j < s->nsvc; j++)
			if (alloc_rank(s, &s->svc[j]) == rank)
				s->sorder[m++] = j;
}

static const char *
alloc_flag_label(const char *flag)
{
	static const struct {
		const char *code, *label;
	} flags[] = {
		{ "marac", "MARAC" }, { "safeguarding", "Safeguarding" },
		{ "mandatory_reporting", "Mandatory reporting" }, { "sarc", "SARC" },
		{ "assess", "Assess first" }, { "signposted", "Signpost elsewhere" },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(flag, flags[i].code))
			return flags[i].label;
	return flag;
}

static void
alloc_item_text(const struct alloc *s, int i, char *buf, size_t sz)
{
	const char *pw = s->rec.items[i].pathway;
	const char *svc = s->rec.items[i].service_type;
	const char *flag = s->rec.items[i].flag;
	char where[48];

	snprintf(where, sizeof(where), "%s%s%s", pw[0] ? " (" : "", pw, pw[0] ? ")" : "");
	if (svc[0])
		snprintf(buf, sz, "%s %s%s: %s", s->primary == svc ? "*" : "+",
			 dasv_code_label(DASV_LIST_SERVICE_TYPE, svc), where, s->rec.items[i].reason);
	else if (flag[0])
		snprintf(buf, sz, "! %s%s: %s", alloc_flag_label(flag), where, s->rec.items[i].reason);
	else
		snprintf(buf, sz, "- Note%s: %s", where, s->rec.items[i].reason);
}

static void
alloc_places(const struct dasv_service *v, char *buf, size_t sz)
{
	int free_places = v->capacity - v->open_cases;

	if (free_places > 0)
		snprintf(buf, sz, "%d of %d free", free_places, v->capacity);
	else if (v->waiting > 0)
		snprintf(buf, sz, "FULL \xe2\x80\x94 waiting list (%d)", v->waiting);
	else
		snprintf(buf, sz, "FULL \xe2\x80\x94 waiting list");
}

static enum dasv_status
alloc_load(struct alloc *s)
{
	enum dasv_status st;

	free(s->svc);
	free(s->sorder);
	s->svc = NULL;
	s->sorder = NULL;
	s->nsvc = 0;
	st = dasv_recommend(s->a->d, s->rid, &s->rec);
	if (st == DASV_OK)
		st = dasv_services_list(s->a->d, 1, &s->svc, &s->nsvc);
	if (st != DASV_OK)
		return st;
	s->sorder = calloc(s->nsvc ? s->nsvc : 1, sizeof(*s->sorder));
	if (!s->sorder)
		return DASV_NOMEM;
	alloc_order(s);
	return DASV_OK;
}

/* ---- drawing ---------------------------------------------------------- */

static void
alloc_draw(struct ui *ui, void *state)
{
	struct alloc *s = state;
	WINDOW *w = ui_body(ui);
	attr_t sa = ui_attr(ui, UI_ROLE_SELECT), a;
	char line[400], places[64];
	int h, cols, y, i, budget, need = 0, rows, nw, tw, pw;
	bool wrap;
	const struct dasv_service *v;

	getmaxyx(w, h, cols);
	snprintf(line, sizeof(line), "Allocate referral %lld", (long long)s->rid);
	ui_put(w, 0, 1, cols - 2, line, ui_attr(ui, UI_ROLE_LABEL));
	ui_put(w, 1, 1, cols - 2, "Recommendation", ui_attr(ui, UI_ROLE_HEADER));
	y = 2;
	if (s->rec.n == 0) {
		ui_put(w, y++, 3, cols - 4,
		       "None yet (no risk assessment?): any allocation needs a reason.",
		       ui_attr(ui, UI_ROLE_HINT));
	} else {
		/* wrap the reasons when they all fit in half the screen, else a line each */
		budget = h / 2 - 2;
		for (i = 0; i < s->rec.n; i++) {
			alloc_item_text(s, s->rorder[i], line, sizeof(line));
			need += widget_wrap(NULL, 0, 0, cols - 4, 8, 2, line, A_NORMAL);
		}
		wrap = need <= budget;
		for (i = 0; i < s->rec.n; i++) {
			alloc_item_text(s, s->rorder[i], line, sizeof(line));
			a = i == 0 && s->primary ? A_BOLD : A_NORMAL;
			if (wrap)
				y += widget_wrap(w, y, 3, cols - 4, 8, 2, line, a);
			else
				ui_put(w, y++, 3, cols - 4, line, a);
		}
	}
	y++;
	ui_put(w, y++, 1, cols - 2,
	       "Services \xe2\x80\x94 * recommended, + also recommended; Enter allocates",
	       ui_attr(ui, UI_ROLE_HEADER));
	/* "FULL — waiting list (12)"; the type gets what the name leaves */
	pw = 25;
	tw = cols >= 100 ? 24 : 16;
	nw = cols - 3 - tw - pw - 2;
	if (nw > 40)
		nw = 40;
	ui_put(w, y, 3, nw, "Service", ui_attr(ui, UI_ROLE_LABEL));
	ui_put(w, y, 3 + nw + 1, tw, "Type", ui_attr(ui, UI_ROLE_LABEL));
	ui_put(w, y, 3 + nw + tw + 2, pw, "Free places", ui_attr(ui, UI_ROLE_LABEL));
	y++;
	rows = h - y;
	if (s->nsvc == 0) {
		ui_put(w, y, 3, cols - 4, "No active services: an admin adds them.",
		       ui_attr(ui, UI_ROLE_HINT));
		ui_set_cursor(ui, w, y, 0);
		return;
	}
	if (rows < 1)
		rows = 1;
	if (s->sel >= (int)s->nsvc)
		s->sel = (int)s->nsvc - 1;
	if (s->top > (int)s->nsvc - rows)
		s->top = (int)s->nsvc - rows;
	if (s->top < 0)
		s->top = 0;
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + rows)
		s->top = s->sel - rows + 1;
	for (i = 0; i < rows && s->top + i < (int)s->nsvc; i++) {
		int k = s->top + i, rank;

		v = &s->svc[s->sorder[k]];
		rank = alloc_rank(s, v);
		a = k == s->sel ? sa : A_NORMAL;
		if (k == s->sel) {
			wattrset(w, sa);
			mvwhline(w, y + i, 0, ' ', cols);
			wattrset(w, A_NORMAL);
		}
		ui_put(w, y + i, 1, 1, rank == 0 ? "*" : rank == 1 ? "+" : " ", a | A_BOLD);
		ui_put(w, y + i, 3, nw, v->name, a);
		ui_put(w, y + i, 3 + nw + 1, tw, dasv_code_label(DASV_LIST_SERVICE_TYPE, v->type), a);
		alloc_places(v, places, sizeof(places));
		ui_put(w, y + i, 3 + nw + tw + 2, pw, places,
		       v->open_cases >= v->capacity ? a | ui_attr(ui, UI_ROLE_ERROR) : a);
	}
	ui_set_cursor(ui, w, y + s->sel - s->top, 0);
}

/* ---- allocating ------------------------------------------------------- */

/* Optional caseworker: 1 chosen (*id may be 0, "no caseworker yet"), 0 cancelled. */
static int
alloc_pick_worker(struct ui *ui, struct alloc *s, int64_t *id, char *name, size_t namesz)
{
	struct dasv_user *wk = NULL;
	struct widget_choice *ch;
	enum dasv_status st;
	size_t n = 0, i;
	int c;

	*id = 0;
	name[0] = '\0';
	st = dasv_workers_list(s->a->d, &wk, &n);
	if (st != DASV_OK) {
		app_core_error(s->a, st);
		return 0;
	}
	ch = calloc(n + 1, sizeof(*ch));
	if (!ch) {
		free(wk);
		ui_error(ui, "Out of memory.");
		return 0;
	}
	ch[0].code = "";
	ch[0].label = "No caseworker yet";
	for (i = 0; i < n; i++) {
		ch[i + 1].code = wk[i].name;
		ch[i + 1].label = wk[i].name;
	}
	c = widget_choose(ui, "Caseworker", ch, n + 1, 0);
	if (c > 0) {
		*id = wk[c - 1].id;
		snprintf(name, namesz, "%s", wk[c - 1].name);
	}
	free(ch);
	free(wk);
	return c >= 0;
}

static int
alloc_ask_reason(struct ui *ui, struct alloc *s, const struct dasv_service *v, char *reason,
		 size_t sz)
{
	char title[160];

	if (s->primary)
		snprintf(title, sizeof(title), "Recommended: %s, not %s. Why this service?",
			 dasv_code_label(DASV_LIST_SERVICE_TYPE, s->primary),
			 dasv_code_label(DASV_LIST_SERVICE_TYPE, v->type));
	else
		snprintf(title, sizeof(title), "No service is recommended yet. Why this one?");
	return widget_reason(ui, title, "Reason:", reason, sz);
}

static int
alloc_do(struct ui *ui, struct alloc *s)
{
	const struct dasv_service *v;
	char reason[ALLOC_REASON_MAX] = "", wname[DASV_NAME_MAX] = "", q[200], text[400];
	enum dasv_status st;
	int64_t worker = 0;
	bool full, override;
	int waiting = 0, r = 1;

	if (!s->nsvc)
		return UI_HANDLED;
	v = &s->svc[s->sorder[s->sel]];
	full = v->open_cases >= v->capacity;
	if (full) {
		/* the waiting list holds no caseworker: the core clears it */
		snprintf(q, sizeof(q), "%s has no free place (%d open cases, %d places). Put the "
			 "referral on its waiting list?", v->name, v->open_cases, v->capacity);
		if (!widget_confirm(ui, q))
			return UI_HANDLED | UI_REDRAW;
	} else if (!alloc_pick_worker(ui, s, &worker, wname, sizeof(wname))) {
		ui_message(ui, "Not allocated.");
		return UI_HANDLED | UI_REDRAW;
	}
	override = !s->primary || strcmp(v->type, s->primary) != 0;
	if (override)
		r = alloc_ask_reason(ui, s, v, reason, sizeof(reason));
	if (r != 1) {
		ui_message(ui, "Not allocated.");
		return UI_HANDLED | UI_REDRAW;
	}
	st = dasv_allocate(s->a->d, s->rid, v->id, worker, override ? reason : NULL, &waiting);
	if (st == DASV_INVALID && !override &&
	    !strncmp(dasv_errmsg(s->a->d), "override_reason", 15)) {
		/* the stored recommendation changed under us: the core wants a reason */
		ui_error(ui, "%s", dasv_errmsg(s->a->d));
		if (widget_reason(ui, "The recommendation has changed. Why this service?", "Reason:",
				  reason, sizeof(reason)) != 1) {
			dasv_wipe(reason, sizeof(reason));
			ui_message(ui, "Not allocated.");
			return UI_HANDLED | UI_REDRAW;
		}
		st = dasv_allocate(s->a->d, s->rid, v->id, worker, reason, &waiting);
	}
	dasv_wipe(reason, sizeof(reason));
	if (st != DASV_OK) {
		app_core_error(s->a, st);
		if (alloc_load(s) != DASV_OK)
			return UI_HANDLED | UI_POP | UI_REDRAW;
		return UI_HANDLED | UI_REDRAW;
	}
	if (waiting) {
		snprintf(text, sizeof(text), "%s is full: referral %lld is on its waiting list and "
			 "is not allocated yet. Supervisors see it in that service's waiting list.",
			 v->name, (long long)s->rid);
		widget_message(ui, "On the waiting list", text);
		ui_message(ui, "Referral %lld is on the waiting list of %s.", (long long)s->rid, v->name);
	} else {
		snprintf(text, sizeof(text), "Referral %lld is allocated to %s%s%s.", (long long)s->rid,
			 v->name, wname[0] ? ", caseworker " : " (no caseworker yet)", wname);
		widget_message(ui, "Allocated", text);
		ui_message(ui, "Referral %lld allocated to %s.", (long long)s->rid, v->name);
	}
	return UI_HANDLED | UI_POP | UI_REDRAW;
}

static int
alloc_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct alloc *s = state;
	int page = LINES > 16 ? LINES - 16 : 1;

	(void)ch;
	switch (req) {
	case UI_REQ_ENTER:
		return alloc_do(ui, s);
	case UI_REQ_UP: s->sel--; break;
	case UI_REQ_DOWN: s->sel++; break;
	case UI_REQ_PGUP: s->sel -= page; break;
	case UI_REQ_PGDN: s->sel += page; break;
	case UI_REQ_HOME: s->sel = 0; break;
	case UI_REQ_END: s->sel = (int)s->nsvc - 1; break;
	default:
		return 0;
	}
	if (s->sel >= (int)s->nsvc)
		s->sel = (int)s->nsvc - 1;
	if (s->sel < 0)
		s->sel = 0;
	return UI_HANDLED | UI_REDRAW;
}

static void
alloc_leave(struct ui *ui, void *state)
{
	struct alloc *s = state;

	(void)ui;
	free(s->svc);
	free(s->sorder);
	free(s);
}

static const struct ui_keyuse alloc_keys[] = {
	{ UI_REQ_ENTER, "Allocate", "Allocate to the selected service (then a caseworker, if any)" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	UI_KEYS_END
};

static const struct ui_screen_ops alloc_ops = {
	.name = "Allocate",
	.keys = alloc_keys,
	.draw = alloc_draw,
	.handle = alloc_handle,
	.leave = alloc_leave,
};

int
screen_allocate_push(struct app *a, int64_t referral_id)
{
	enum dasv_role role = dasv_session_role(a->d);
	struct alloc *s;
	enum dasv_status st;

	if (role != DASV_ROLE_SUPERVISOR && role != DASV_ROLE_ADMIN) {
		ui_error(a->ui, "Allocating to services is for supervisors and admins.");
		return -1;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	s->a = a;
	s->rid = referral_id;
	st = alloc_load(s);
	if (st != DASV_OK) {
		if (st == DASV_NOMEM)
			ui_error(a->ui, "Out of memory.");
		else
			app_core_error(a, st);
		alloc_leave(a->ui, s);
		return -1;
	}
	if (ui_push(a->ui, &alloc_ops, s) < 0) {
		alloc_leave(a->ui, s);
		return -1;
	}
	return 0;
}
