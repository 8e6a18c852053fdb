/*
 * ui_draw.c - how the ui looks: colours and roles, sanitised text, the
 * layout of title bar, body, message line and footer, the overlay boxes,
 * and one frame drawn from the stack with a single doupdate().
 *
 * It draws only what the screens on the stack draw; while locked nothing
 * below the lock screen is drawn.  Text from data goes through ui_put, which
 * fits and sanitises it (no C0/C1/ESC reaches the terminal).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_int.h"
#include "../core/text.h"

static bool
ui_keyuse_has(const struct ui_keyuse *ku, enum ui_request r)
{
	for (; ku && ku->req != UI_REQ_NONE; ku++)
		if (ku->req == r)
			return true;
	return false;
}

/* ---- appearance ---- */

void
ui_init_colors(struct ui *ui, bool no_color)
{
	const char *nc = getenv("NO_COLOR");
	short bg = COLOR_BLACK;
	attr_t *a = ui->attrs;

	ui->color = !no_color && !(nc && *nc) && has_colors() &&
	    start_color() == OK && COLORS >= 8 && COLOR_PAIRS >= 8;
	if (ui->color) {
		if (use_default_colors() == OK)
			bg = -1;
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_RED, bg);
		init_pair(3, COLOR_YELLOW, bg);
		init_pair(4, COLOR_GREEN, bg);
		init_pair(5, COLOR_CYAN, bg);
	}
	/* monochrome first; colour only adds to it */
	a[UI_ROLE_NORMAL] = A_NORMAL;
	a[UI_ROLE_TITLE] = A_REVERSE | A_BOLD;
	a[UI_ROLE_FOOTER] = A_REVERSE;
	a[UI_ROLE_FOOTER_KEY] = A_REVERSE | A_BOLD;
	a[UI_ROLE_SELECT] = A_REVERSE;
	a[UI_ROLE_HEADER] = A_BOLD | A_UNDERLINE;
	a[UI_ROLE_LABEL] = A_BOLD;
	a[UI_ROLE_FIELD] = A_UNDERLINE;
	a[UI_ROLE_FIELD_FOCUS] = A_REVERSE;
	a[UI_ROLE_HINT] = A_DIM;
	a[UI_ROLE_ERROR] = A_BOLD;
	a[UI_ROLE_MESSAGE] = A_BOLD;
	a[UI_ROLE_RISK_STD] = A_NORMAL;
	a[UI_ROLE_RISK_MED] = A_NORMAL;
	a[UI_ROLE_RISK_HIGH] = A_BOLD;
	if (ui->color) {
		a[UI_ROLE_TITLE] = COLOR_PAIR(1) | A_BOLD;
		a[UI_ROLE_HINT] = COLOR_PAIR(5);
		a[UI_ROLE_ERROR] = COLOR_PAIR(2) | A_BOLD;
		a[UI_ROLE_RISK_STD] = COLOR_PAIR(4);
		a[UI_ROLE_RISK_MED] = COLOR_PAIR(3) | A_BOLD;
		a[UI_ROLE_RISK_HIGH] = COLOR_PAIR(2) | A_BOLD;
	}
}

attr_t
ui_attr(const struct ui *ui, enum ui_role role)
{
	return (unsigned)role < UI_ROLE_COUNT ? ui->attrs[role] : A_NORMAL;
}

bool
ui_has_color(const struct ui *ui)
{
	return ui->color;
}

int
ui_put(WINDOW *w, int y, int x, int cols, const char *utf8, attr_t attr)
{
	char buf[1024];
	int n;

	if (!w || cols <= 0)
		return 0;
	if (cols > 250)
		cols = 250;	/* 4 bytes a column fits buf */
	n = dasv_text_fit(utf8, cols, buf, sizeof(buf));
	wattrset(w, attr);
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
	return n;
}

const char *
ui_risk_label(int level)
{
	switch (level) {
	case UI_RISK_HIGH: return "HIGH";
	case UI_RISK_MED: return "MED";
	case UI_RISK_STD: return "STD";
	default: return "-";
	}
}

int
ui_put_risk(struct ui *ui, WINDOW *w, int y, int x, int level, attr_t base)
{
	enum ui_role r = level == UI_RISK_HIGH ? UI_ROLE_RISK_HIGH :
	    level == UI_RISK_MED ? UI_ROLE_RISK_MED :
	    level == UI_RISK_STD ? UI_ROLE_RISK_STD : UI_ROLE_NORMAL;

	return ui_put(w, y, x, 4, ui_risk_label(level), base | ui_attr(ui, r));
}

/* ---- layout and drawing ---- */

void
ui_delwin(WINDOW **w)
{
	if (*w)
		delwin(*w);
	*w = NULL;
}

void
ui_layout(struct ui *ui)
{
	size_t i;

	ui_delwin(&ui->title);
	ui_delwin(&ui->body);
	ui_delwin(&ui->msgwin);
	ui_delwin(&ui->footer);
	for (i = 0; i < ui->depth; i++)
		ui_delwin(&ui->stack[i].box);
	ui->small = COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
	ui->need_draw = true;
	if (ui->small)
		return;
	ui->title = newwin(1, COLS, 0, 0);
	ui->body = newwin(LINES - 3, COLS, 1, 0);
	ui->msgwin = newwin(1, COLS, LINES - 2, 0);
	ui->footer = newwin(1, COLS, LINES - 1, 0);
	if (!ui->title || !ui->body || !ui->msgwin || !ui->footer) {
		ui->small = true;	/* nothing sensible to draw into */
		return;
	}
	wbkgdset(ui->title, ' ' | ui->attrs[UI_ROLE_TITLE]);
	wbkgdset(ui->footer, ' ' | ui->attrs[UI_ROLE_FOOTER]);
}

static void
ui_draw_small(struct ui *ui)
{
	char line[128];

	werase(stdscr);
	snprintf(line, sizeof(line), "Terminal too small: %dx%d, needs %dx%d.",
		 COLS, LINES, UI_MIN_COLS, UI_MIN_LINES);
	mvwaddnstr(stdscr, 0, 0, line, COLS);
	if (ui->small_confirm)
		mvwaddnstr(stdscr, 1, 0, "Unsaved changes will be lost. Quit anyway? (y/n)", COLS);
	else
		mvwaddnstr(stdscr, 1, 0, "Enlarge the window, or press q to quit.", COLS);
	wmove(stdscr, ui->small_confirm ? 1 : 0, 0);
	wnoutrefresh(stdscr);
}

static void
ui_draw_title(struct ui *ui)
{
	const char *name = NULL;
	size_t i;
	int nw = 0;

	werase(ui->title);
	if (ui->locked)
		name = "Locked";
	for (i = ui->depth; !name && i-- > 0;)
		if (!(ui->stack[i].ops->flags & UI_SCREEN_OVERLAY))
			name = ui->stack[i].ops->name;
	if (name && *name) {
		nw = (int)dasv_text_width(name);
		if (nw > COLS / 3)
			nw = COLS / 3;
		ui_put(ui->title, 0, COLS - nw - 1, nw, name, ui->attrs[UI_ROLE_TITLE]);
	}
	ui_put(ui->title, 0, 1, COLS - nw - 3, ui->title_text, ui->attrs[UI_ROLE_TITLE]);
	wnoutrefresh(ui->title);
}

static int
ui_footer_item(struct ui *ui, int x, enum ui_request r, const char *label, bool text_mode,
	       const struct ui_keyuse *claimed)
{
	char kb[16];
	const char *kn;
	int key = ui_req_free_key(r, text_mode, claimed);
	int need;

	if (!key || !label || !*label)
		return x;
	kn = ui_key_name(key, kb, sizeof(kb));
	need = (int)(dasv_text_width(kn) + dasv_text_width(label)) + 3;
	if (x + need > COLS)
		return x;
	x += ui_put(ui->footer, 0, x, COLS - x, kn, ui->attrs[UI_ROLE_FOOTER_KEY]);
	x += 1;
	x += ui_put(ui->footer, 0, x, COLS - x, label, ui->attrs[UI_ROLE_FOOTER]);
	return x + 2;
}

/* The footer comes from the same lists as help: the top screen's keys, then
 * the global ones it did not list. */
static void
ui_draw_footer(struct ui *ui)
{
	const struct ui_entry *e = ui->depth ? &ui->stack[ui->depth - 1] : NULL;
	const struct ui_keyuse *ku;
	const struct ui_keyuse *keys = e ? e->ops->keys : NULL;
	bool tm = e && e->text_mode;
	int x = 1;
	size_t i;
	const enum ui_request *globals;
	size_t nglobals;

	werase(ui->footer);
	for (ku = keys; ku && ku->req != UI_REQ_NONE; ku++)
		x = ui_footer_item(ui, x, ku->req,
				   ku->label ? ku->label : ui_req_label(ku->req), tm, NULL);
	globals = ui_req_globals(&nglobals);
	for (i = 0; i < nglobals; i++) {
		enum ui_request r = globals[i];

		if (ui_keyuse_has(keys, r))
			continue;
		if (r == UI_REQ_BACK && ui->depth <= 1)
			continue;
		if (r == UI_REQ_QUIT && (ui->depth > 1 || tm))
			continue;
		if (r == UI_REQ_LOCK && ui->locked)
			continue;
		x = ui_footer_item(ui, x, r, ui_req_label(r), tm, keys);
	}
	wnoutrefresh(ui->footer);
}

void
ui_frame(struct ui *ui)
{
	struct ui_entry *e;
	size_t base, i;

	ui->need_draw = false;
	if (ui->clear_all) {
		clearok(curscr, TRUE);
		ui->clear_all = false;
	}
	if (ui->small) {
		ui_draw_small(ui);
		doupdate();
		return;
	}
	ui_draw_title(ui);
	werase(ui->msgwin);
	if (ui->msg[0])
		ui_put(ui->msgwin, 0, 1, COLS - 2, ui->msg,
		       ui->attrs[ui->msg_error ? UI_ROLE_ERROR : UI_ROLE_MESSAGE]);
	wnoutrefresh(ui->msgwin);

	/* draw from the nearest base screen up; never below the lock */
	base = ui->depth ? ui->depth - 1 : 0;
	while (base > 0 && (ui->stack[base].ops->flags & UI_SCREEN_OVERLAY))
		base--;
	if (ui->locked && base < ui->lock_depth)
		base = ui->lock_depth;
	werase(ui->body);
	ui->cur_win = NULL;
	if (base >= ui->depth)
		wnoutrefresh(ui->body);
	for (i = base; i < ui->depth; i++) {
		e = &ui->stack[i];
		e->box_used = false;
		ui->cur = i;
		e->ops->draw(ui, e->state);
		if (i == base)
			wnoutrefresh(ui->body);
		if (e->box && e->box_used)
			wnoutrefresh(e->box);
	}
	/* after the screens: draw() may have switched text mode, which the footer shows */
	ui_draw_footer(ui);
	/* the hardware cursor ends on the selected row or field */
	if (ui->cur_win) {
		if (ui->cursor_vis != 1)
			curs_set(1);
		ui->cursor_vis = 1;
		wmove(ui->cur_win, ui->cur_y, ui->cur_x);
		wnoutrefresh(ui->cur_win);
	} else {
		if (ui->cursor_vis != 0)
			curs_set(0);
		ui->cursor_vis = 0;
	}
	doupdate();
}

WINDOW *
ui_body(struct ui *ui)
{
	return ui->body;
}

WINDOW *
ui_box(struct ui *ui, int h, int w, const char *title)
{
	struct ui_entry *e = &ui->stack[ui->cur];
	int y, x, oh, ow, oy, ox;

	if (h > LINES - 2)
		h = LINES - 2;
	if (w > COLS - 2)
		w = COLS - 2;
	if (h < 3)
		h = 3;
	if (w < 8)
		w = 8;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	if (e->box) {
		getmaxyx(e->box, oh, ow);
		getbegyx(e->box, oy, ox);
		if (oh != h || ow != w || oy != y || ox != x)
			ui_delwin(&e->box);
	}
	if (!e->box)
		e->box = newwin(h, w, y, x);
	if (!e->box)
		return ui->body;	/* out of memory: draw somewhere harmless */
	werase(e->box);
	box(e->box, 0, 0);
	if (title && *title) {
		mvwaddch(e->box, 0, 2, ' ');
		ui_put(e->box, 0, 3, w - 6, title, A_BOLD);
		waddch(e->box, ' ');
	}
	e->box_used = true;
	return e->box;
}

void
ui_set_cursor(struct ui *ui, WINDOW *win, int y, int x)
{
	if (ui->cur + 1 != ui->depth)
		return;
	ui->cur_win = win;
	ui->cur_y = y;
	ui->cur_x = x;
}

void
ui_set_text_mode(struct ui *ui, bool on)
{
	if (ui->depth)
		ui->stack[ui->cur].text_mode = on;
}

void
ui_redraw(struct ui *ui)
{
	ui->need_draw = true;
}

void
ui_set_title(struct ui *ui, const char *title)
{
	char *t = strdup(title ? title : "dasv");

	if (t) {
		free(ui->title_text);
		ui->title_text = t;
	}
	ui->need_draw = true;
}

static void
ui_vmessage(struct ui *ui, bool error, const char *fmt, va_list ap)
{
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	ui->msg_error = error;
	ui->need_draw = true;
}

void
ui_message(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ui_vmessage(ui, false, fmt, ap);
	va_end(ap);
}

void
ui_error(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ui_vmessage(ui, true, fmt, ap);
	va_end(ap);
}
