/*
 * ui.c - terminal set-up and teardown, the screen stack, the main loop.
 *
 * Owns curses and the windows of the layout: a title bar, the body, a
 * message line and a footer (drawn by ui_draw.c).  The loop reads one key, turns it into a
 * request (keys.h), gives it to the top screen, applies the ui's default when
 * the screen did not handle it, and draws a frame only when someone asked for
 * one: idle means no output at all.  Signals only set a flag; ncurses turns
 * SIGWINCH into KEY_RESIZE.  It must never show a screen's data while locked.
 */
#include "ui.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui_int.h"
#include "widget.h"

/* ERR from a blocking read this many times in a row means the terminal is
 * gone (hang-up with SIGHUP ignored): stop rather than spin. */
#define UI_DEAD_READS 64

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
