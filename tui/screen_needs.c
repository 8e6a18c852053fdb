/*
 * screen_needs.c - the needs assessment: the 13 need domains of core/codes.h
 * (DASV_LIST_NEED_DOMAIN), each none, low, medium or high
 * (DASV_LIST_NEED_LEVEL), shown as last recorded and saved together.
 *
 * Owns only the levels being edited.  Need levels are coded and stored in
 * clear (DESIGN.md section 4), so there is nothing decrypted to wipe on lock
 * and unsaved edits survive it.  The recommendation is worked out again by
 * the core on save.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "widget.h"

#define NEEDS_HEAD_LINES 4

struct needs {
	struct app *a;
	int64_t rid;
	int levels[DASV_NEED_DOMAINS];	/* 0 none .. 3 high */
	int recorded;
	int sel, top;
	bool dirty;
};

static void
needs_draw(struct ui *ui, void *state)
{
	struct needs *n = state;
	WINDOW *w = ui_body(ui);
	const struct dasv_code *dom, *lev;
	attr_t sa = ui_attr(ui, UI_ROLE_SELECT), a;
	char line[200], opt[32];
	size_t ndom, nlev;
	int h, cols, rows, i, k, v, lw, ox, x, hi = 0;

	getmaxyx(w, h, cols);
	dom = dasv_codes(DASV_LIST_NEED_DOMAIN, &ndom);
	lev = dasv_codes(DASV_LIST_NEED_LEVEL, &nlev);
	for (i = 0; i < DASV_NEED_DOMAINS; i++)
		hi += n->levels[i] == 3;

	snprintf(line, sizeof(line), "Needs assessment \xe2\x80\x94 referral %lld", (long long)n->rid);
	ui_put(w, 0, 1, cols - 22, line, ui_attr(ui, UI_ROLE_LABEL));
	snprintf(line, sizeof(line), "High needs: %d", hi);
	ui_put(w, 0, cols - 20, 19, line, A_NORMAL);
	ui_put(w, 1, 1, cols - 2,
	       n->recorded ? "As last recorded: change what has changed, then F2 to save." :
	       "No needs recorded yet: every domain starts at None.",
	       ui_attr(ui, UI_ROLE_HINT));
	ui_put(w, 2, 1, cols - 2,
	       "Left/Right: change the level. 0-3: none, low, medium, high, then the next.",
	       ui_attr(ui, UI_ROLE_HINT));

	lw = cols - 5 - 36;
	if (lw > 30)
		lw = 30;
	ox = 5 + lw + 1;
	ui_put(w, NEEDS_HEAD_LINES - 1, 1, 3, "#", ui_attr(ui, UI_ROLE_HEADER));
	ui_put(w, NEEDS_HEAD_LINES - 1, 5, lw, "Domain", ui_attr(ui, UI_ROLE_HEADER));
	ui_put(w, NEEDS_HEAD_LINES - 1, ox, 10, "Level", ui_attr(ui, UI_ROLE_HEADER));
	rows = h - NEEDS_HEAD_LINES;
	if (rows < 1)
		rows = 1;
	if (n->top > DASV_NEED_DOMAINS - rows)
		n->top = DASV_NEED_DOMAINS - rows;
	if (n->top < 0)
		n->top = 0;
	if (n->sel < n->top)
		n->top = n->sel;
	if (n->sel >= n->top + rows)
		n->top = n->sel - rows + 1;
	for (i = 0; i < rows && n->top + i < DASV_NEED_DOMAINS; i++) {
		int y = NEEDS_HEAD_LINES + i;

		k = n->top + i;
		a = k == n->sel ? sa : A_NORMAL;
		if (k == n->sel) {
			wattrset(w, sa);
			mvwhline(w, y, 0, ' ', cols);
			wattrset(w, A_NORMAL);
		}
		snprintf(line, sizeof(line), "%2d", k + 1);
		ui_put(w, y, 1, 3, line, a);
		ui_put(w, y, 5, lw, (size_t)k < ndom ? dom[k].label : "?", a);
		/* every level in a row, the chosen one in brackets: text, not colour alone */
		x = ox;
		for (v = 0; v < 4 && (size_t)v < nlev; v++) {
			if (n->levels[k] == v)
				snprintf(opt, sizeof(opt), "[%s]", lev[v].label);
			else
				snprintf(opt, sizeof(opt), " %s ", lev[v].label);
			x += ui_put(w, y, x, cols - x - 1, opt, n->levels[k] == v ? a | A_BOLD : a);
			x += 1;
		}
	}
	ui_set_cursor(ui, w, NEEDS_HEAD_LINES + n->sel - n->top, 0);
}

static int
needs_save(struct ui *ui, struct needs *n)
{
	enum dasv_status st;

	st = dasv_needs_record(n->a->d, n->rid, n->levels);
	if (st != DASV_OK) {
		app_core_error(n->a, st);
		return UI_HANDLED | UI_REDRAW;
	}
	n->dirty = false;
	ui_message(ui, "Needs saved for referral %lld; the recommendation is updated.",
		   (long long)n->rid);
	return UI_HANDLED | UI_POP | UI_REDRAW;
}

static int
needs_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct needs *n = state;
	int *v = &n->levels[n->sel];
	int page = LINES > 10 ? LINES - 10 : 1;

	switch (req) {
	case UI_REQ_SCORE:
	case UI_REQ_CHAR:
		if (ch < '0' || ch > '3') {
			ui_error(ui, "Levels are 0 none, 1 low, 2 medium, 3 high.");
			return UI_HANDLED | UI_REDRAW;
		}
		if (*v != (int)(ch - '0'))
			n->dirty = true;
		*v = (int)(ch - '0');
		if (n->sel < DASV_NEED_DOMAINS - 1)
			n->sel++;
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_LEFT:
		if (*v > 0) {
			(*v)--;
			n->dirty = true;
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_RIGHT:
		if (*v < 3) {
			(*v)++;
			n->dirty = true;
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_SAVE:
		return needs_save(ui, n);
	case UI_REQ_UP: n->sel--; break;
	case UI_REQ_DOWN: n->sel++; break;
	case UI_REQ_PGUP: n->sel -= page; break;
	case UI_REQ_PGDN: n->sel += page; break;
	case UI_REQ_HOME: n->sel = 0; break;
	case UI_REQ_END: n->sel = DASV_NEED_DOMAINS - 1; break;
	default:
		return 0;
	}
	if (n->sel < 0)
		n->sel = 0;
	if (n->sel >= DASV_NEED_DOMAINS)
		n->sel = DASV_NEED_DOMAINS - 1;
	return UI_HANDLED | UI_REDRAW;
}

static bool
needs_dirty(struct ui *ui, void *state)
{
	struct needs *n = state;

	(void)ui;
	return n->dirty;
}

static void
needs_leave(struct ui *ui, void *state)
{
	(void)ui;
	free(state);
}

static const struct ui_keyuse needs_keys[] = {
	{ UI_REQ_SCORE, NULL, NULL },
	{ UI_REQ_LEFT, "Less", "Lower the level" },
	{ UI_REQ_RIGHT, "More", "Raise the level" },
	{ UI_REQ_SAVE, NULL, "Save the needs" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	UI_KEYS_END
};

static const struct ui_screen_ops needs_ops = {
	.name = "Needs",
	.keys = needs_keys,
	.draw = needs_draw,
	.handle = needs_handle,
	.leave = needs_leave,
	.dirty = needs_dirty,
};

int
screen_needs_push(struct app *a, int64_t referral_id)
{
	struct needs *n = calloc(1, sizeof(*n));
	enum dasv_status st;

	if (!n) {
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	n->a = a;
	n->rid = referral_id;
	st = dasv_needs_get(a->d, referral_id, n->levels, &n->recorded);
	if (st != DASV_OK) {
		app_core_error(a, st);
		free(n);
		return -1;
	}
	for (int i = 0; i < DASV_NEED_DOMAINS; i++)
		if (n->levels[i] < 0 || n->levels[i] > 3)
			n->levels[i] = n->levels[i] < 0 ? 0 : 3;
	if (ui_push(a->ui, &needs_ops, n) < 0) {
		free(n);
		return -1;
	}
	return 0;
}
