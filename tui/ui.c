/*
 * ui.c - terminal set-up and teardown, the screen stack, the main loop.
 *
 * Owns curses and the windows of the layout: a title bar, the body, a
 * message line and a footer.  The loop reads one key, turns it into a
 * request (keys.h), gives it to the top screen, applies the ui's default when
 * the screen did not handle it, and draws a frame only when someone asked for
 * one: idle means no output at all.  Signals only set a flag; ncurses turns
 * SIGWINCH into KEY_RESIZE.  It must never show a screen's data while locked.
 */
#include "ui.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui_int.h"
#include "widget.h"
#include "../core/text.h"

#define UI_STACK_MAX 16
/* ERR from a blocking read this many times in a row means the terminal is
 * gone (hang-up with SIGHUP ignored): stop rather than spin. */
#define UI_DEAD_READS 64

struct ui_entry {
	const struct ui_screen_ops *ops;
	void *state;
	WINDOW *box;		/* ui_box() window of an overlay */
	bool box_used;		/* drawn this frame */
	bool text_mode;
};

struct ui {
	SCREEN *scr;
	WINDOW *title, *body, *msgwin, *footer;
	WINDOW *input;		/* a pad: reading from it never refreshes anything */
	struct ui_entry stack[UI_STACK_MAX];
	size_t depth;
	size_t cur;		/* entry whose callback is running */
	bool color;
	attr_t attrs[UI_ROLE_COUNT];
	char *title_text;
	char msg[512];
	bool msg_error;
	bool need_draw, clear_all, small, small_confirm;
	bool quitting;
	enum ui_exit exit;
	bool locked;
	size_t lock_depth;	/* screens below this are not drawn while locked */
	int idle_ms;
	struct timespec last_key;
	int (*lock_cb)(struct ui *, void *);
	void *lock_ctx;
	WINDOW *cur_win;	/* hardware cursor for this frame */
	int cur_y, cur_x;
	int cursor_vis;
	struct sigaction old_sa[4];
};

static volatile sig_atomic_t ui_signalled;
static const int ui_signals[4] = { SIGHUP, SIGINT, SIGTERM, SIGQUIT };

static void ui_on_signal(int sig);

static void
ui_on_signal(int sig)
{
	ui_signalled = sig;
}

static long
ui_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static bool
ui_keyuse_has(const struct ui_keyuse *ku, enum ui_request r)
{
	for (; ku && ku->req != UI_REQ_NONE; ku++)
		if (ku->req == r)
			return true;
	return false;
}

static enum ui_request
ui_lookup(const struct ui_entry *e, int key, bool small)
{
	const struct ui_keyuse *ku;
	size_t i;
	const enum ui_request *globals;
	size_t nglobals;
	bool printable = ui_key_printable(key);

	if (e && e->text_mode && printable && !small)
		return UI_REQ_CHAR;
	for (ku = e && !small ? e->ops->keys : NULL; ku && ku->req != UI_REQ_NONE; ku++)
		if (ui_req_has_key(ku->req, key))
			return ku->req;
	globals = ui_req_globals(&nglobals);
	for (i = 0; i < nglobals; i++)
		if (ui_req_has_key(globals[i], key))
			return globals[i];
	return printable && !small ? UI_REQ_CHAR : UI_REQ_NONE;
}

/* ---- appearance ---- */

static void
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

static void
ui_delwin(WINDOW **w)
{
	if (*w)
		delwin(*w);
	*w = NULL;
}

static void
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

static void
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

/* ---- the stack ---- */

int
ui_push(struct ui *ui, const struct ui_screen_ops *ops, void *state)
{
	struct ui_entry *e;
	size_t saved = ui->cur;

	if (ui->depth >= UI_STACK_MAX)
		return -1;
	e = &ui->stack[ui->depth];
	memset(e, 0, sizeof(*e));
	e->ops = ops;
	e->state = state;
	ui->cur = ui->depth++;
	if (ops->enter && ops->enter(ui, state) < 0) {
		ui->depth--;
		ui->cur = saved;
		return -1;
	}
	ui->cur = saved;
	ui->need_draw = true;
	return 0;
}

static void
ui_pop(struct ui *ui)
{
	struct ui_entry *e;

	if (!ui->depth)
		return;
	e = &ui->stack[--ui->depth];
	ui->cur = ui->depth;
	if (e->ops->leave)
		e->ops->leave(ui, e->state);
	ui_delwin(&e->box);
	memset(e, 0, sizeof(*e));
	ui->need_draw = true;
}

static bool
ui_entry_dirty(struct ui *ui, size_t i)
{
	struct ui_entry *e = &ui->stack[i];

	ui->cur = i;
	return e->ops->dirty && e->ops->dirty(ui, e->state);
}

/* Esc: back one screen, asking first if it has unsaved changes. */
static void
ui_back(struct ui *ui)
{
	size_t top = ui->depth - 1;

	if (ui->depth <= 1 || (ui->locked && top < ui->lock_depth))
		return;
	if (ui_entry_dirty(ui, top) &&
	    !widget_confirm(ui, "Discard unsaved changes?"))
		return;
	if (ui->depth == top + 1)
		ui_pop(ui);
}

static void
ui_request_quit(struct ui *ui)
{
	size_t i;
	bool dirty = false;

	for (i = 0; i < ui->depth && !dirty; i++)
		dirty = ui_entry_dirty(ui, i);
	if (dirty && !ui->locked) {
		if (ui->small) {
			ui->small_confirm = true;
			ui->need_draw = true;
			return;
		}
		if (!widget_confirm(ui, "Unsaved changes will be lost. Quit anyway?"))
			return;
	}
	ui->quitting = true;
	ui->exit = UI_EXIT_QUIT;
}

static int
ui_default_lock(struct ui *ui, void *ctx)
{
	(void)ctx;
	widget_message(ui, "Locked", "The screen is locked. Press Enter to continue.");
	return 0;
}

void
ui_lock(struct ui *ui)
{
	size_t i;
	int r;

	if (ui->locked || ui->quitting)
		return;
	ui->locked = true;
	ui->lock_depth = ui->depth;
	ui->msg[0] = '\0';
	for (i = 0; i < ui->depth; i++) {
		ui->cur = i;
		if (ui->stack[i].ops->wipe)
			ui->stack[i].ops->wipe(ui, ui->stack[i].state);
	}
	/* blank the terminal now, before the callback can block */
	werase(stdscr);
	wnoutrefresh(stdscr);
	doupdate();
	ui->need_draw = true;
	r = ui->lock_cb ? ui->lock_cb(ui, ui->lock_ctx) : ui_default_lock(ui, NULL);
	ui->locked = false;
	clock_gettime(CLOCK_MONOTONIC, &ui->last_key);
	if (r != 0 && !ui->quitting) {
		ui->quitting = true;
		ui->exit = UI_EXIT_LOCK;
	}
	ui->clear_all = true;
	ui->need_draw = true;
}

bool
ui_locked(const struct ui *ui)
{
	return ui->locked;
}

/* ---- the loop ---- */

/* 0 with a key, -1 when the program is ending. */
static int
ui_getkey(struct ui *ui, int *key, wint_t *ch)
{
	wint_t c;
	long ms;
	int r, dead = 0;

	for (;;) {
		if (ui_signalled && !ui->quitting) {
			ui->quitting = true;
			ui->exit = UI_EXIT_SIGNAL;
		}
		if (ui->quitting)
			return -1;
		/* a draw() may post a message: one more frame shows it now, not after a key */
		for (int i = 0; i < 2 && ui->need_draw; i++)
			ui_frame(ui);
		ms = -1;
		if (ui->idle_ms > 0 && !ui->locked) {
			ms = ui->idle_ms - ui_ms_since(&ui->last_key);
			if (ms <= 0) {
				ui_lock(ui);
				continue;
			}
		}
		wtimeout(ui->input, (int)ms);
		errno = 0;
		r = wget_wch(ui->input, &c);
		if (r == ERR) {
			/* a timeout or a signal; a dead terminal returns at once */
			if (ms < 0 && errno != EINTR && ++dead >= UI_DEAD_READS) {
				ui->quitting = true;
				ui->exit = UI_EXIT_SIGNAL;
			}
			continue;
		}
		dead = 0;
		if (r == KEY_CODE_YES && c == KEY_RESIZE) {
			ui_layout(ui);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &ui->last_key);
		*ch = c;
		*key = r == KEY_CODE_YES ? UI_FKEY(c) : (int)c;
		return 0;
	}
}

static void
ui_default(struct ui *ui, enum ui_request req)
{
	switch (req) {
	case UI_REQ_BACK:
		ui_back(ui);
		break;
	case UI_REQ_QUIT:
		if (ui->locked) {
			ui->quitting = true;
			ui->exit = UI_EXIT_QUIT;
		} else if (ui->depth <= 1) {
			ui_request_quit(ui);
		} else {
			ui_back(ui);
		}
		break;
	case UI_REQ_HELP:
		widget_help(ui, ui->stack[ui->depth - 1].ops,
			    ui->stack[ui->depth - 1].text_mode, ui->depth > 1);
		break;
	case UI_REQ_LOCK:
		ui_lock(ui);
		break;
	case UI_REQ_REDRAW:
		ui->clear_all = true;
		ui->need_draw = true;
		break;
	default:
		break;
	}
}

/* Below 80x24 only q (with its unsaved-changes question), lock and redraw work. */
static void
ui_small_key(struct ui *ui, int key)
{
	enum ui_request req;

	if (ui->small_confirm) {
		ui->small_confirm = false;
		ui->need_draw = true;
		if (key == 'y' || key == 'Y') {
			ui->quitting = true;
			ui->exit = UI_EXIT_QUIT;
		}
		return;
	}
	req = ui_lookup(NULL, key, true);
	if (req == UI_REQ_QUIT)
		ui_request_quit(ui);
	else if (req == UI_REQ_LOCK || req == UI_REQ_REDRAW)
		ui_default(ui, req);
}

static void
ui_dispatch(struct ui *ui, int key, wint_t ch)
{
	struct ui_entry *e;
	enum ui_request req;
	size_t idx;
	int fl;

	if (ui->msg[0]) {
		ui->msg[0] = '\0';
		ui->need_draw = true;
	}
	if (ui->small) {
		ui_small_key(ui, key);
		return;
	}
	idx = ui->depth - 1;
	e = &ui->stack[idx];
	req = ui_lookup(e, key, false);
	if (req == UI_REQ_NONE)
		return;
	ui->cur = idx;
	fl = e->ops->handle(ui, e->state, req, ch);
	if (fl & UI_REDRAW)
		ui->need_draw = true;
	if ((fl & UI_POP) && ui->depth == idx + 1)
		ui_pop(ui);
	if (fl & UI_QUIT)
		ui_request_quit(ui);
	if (!(fl & UI_HANDLED))
		ui_default(ui, req);
}

static void
ui_loop(struct ui *ui, size_t stop)
{
	wint_t ch;
	int key;

	while (!ui->quitting && ui->depth > stop) {
		if (ui_getkey(ui, &key, &ch) < 0)
			break;
		ui_dispatch(ui, key, ch);
	}
}

enum ui_exit
ui_run(struct ui *ui)
{
	ui_loop(ui, 0);
	if (!ui->quitting)
		ui->exit = UI_EXIT_QUIT;
	return ui->exit;
}

int
ui_run_modal(struct ui *ui, const struct ui_screen_ops *ops, void *state)
{
	size_t d = ui->depth;

	if (ui->quitting || ui_push(ui, ops, state) < 0)
		return -1;
	ui_loop(ui, d);
	while (ui->depth > d)
		ui_pop(ui);
	return ui->quitting ? -1 : 0;
}

/* ---- set-up and teardown ---- */

struct ui *
ui_new(const struct ui_config *cfg, char *err, size_t errsz)
{
	struct sigaction sa;
	struct ui *ui;
	size_t i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errsz, "the screen needs a terminal");
		return NULL;
	}
	ui = calloc(1, sizeof(*ui));
	if (!ui || !(ui->title_text = strdup(cfg->title ? cfg->title : "dasv"))) {
		free(ui);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	/* ncursesw needs the locale before the terminal is set up */
	setlocale(LC_ALL, "");
	/* ours before newterm, so ncurses does not install its own */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ui_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(ui_signals[i], &sa, &ui->old_sa[i]);
	ui_signalled = 0;

	ui->scr = newterm(NULL, stdout, stdin);
	if (!ui->scr) {
		for (i = 0; i < 4; i++)
			sigaction(ui_signals[i], &ui->old_sa[i], NULL);
		snprintf(err, errsz, "cannot use terminal type \"%s\"",
			 getenv("TERM") ? getenv("TERM") : "");
		free(ui->title_text);
		free(ui);
		return NULL;
	}
	/* raw: ^C ^Z ^S ^Q are keys, so nothing suspends with data on screen */
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	/* short enough that Esc feels immediate, long enough for slow links to
	 * deliver an arrow key's bytes together; ESCDELAY in the environment wins */
	if (!getenv("ESCDELAY"))
		set_escdelay(100);
	ui->input = newpad(1, 1);
	keypad(ui->input, TRUE);
	ui_define_keys();
	ui->cursor_vis = -1;
	ui->idle_ms = cfg->idle_seconds > 0 ? cfg->idle_seconds * 1000 : 0;
	ui->lock_cb = cfg->lock;
	ui->lock_ctx = cfg->lock_ctx;
	ui_init_colors(ui, cfg->no_color);
	clock_gettime(CLOCK_MONOTONIC, &ui->last_key);
	ui_layout(ui);
	return ui;
}

void
ui_free(struct ui **p)
{
	struct ui *ui;
	size_t i;

	if (!p || !*p)
		return;
	ui = *p;
	while (ui->depth)
		ui_pop(ui);
	ui_delwin(&ui->title);
	ui_delwin(&ui->body);
	ui_delwin(&ui->msgwin);
	ui_delwin(&ui->footer);
	ui_delwin(&ui->input);
	/* leave a blank screen behind, not the last frame's data */
	werase(stdscr);
	wnoutrefresh(stdscr);
	doupdate();
	curs_set(1);
	endwin();
	delscreen(ui->scr);
	for (i = 0; i < 4; i++)
		sigaction(ui_signals[i], &ui->old_sa[i], NULL);
	free(ui->title_text);
	explicit_bzero(ui->msg, sizeof(ui->msg));
	free(ui);
	*p = NULL;
}
