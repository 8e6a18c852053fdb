/*
 * ui.h - the terminal, the screen stack and the main loop of the dasv TUI.
 *
 * ui owns the terminal from ui_new() to ui_free(): curses set-up and
 * teardown, colours (monochrome under NO_COLOR or --no-color), the title bar,
 * the message line, the footer and the `?` help overlay (both generated from
 * keys.h), the too-small screen, the idle lock and signals.
 *
 * A screen is a table of functions (tig's view_ops, tmux's window_mode): a new
 * screen is one file defining a `const struct ui_screen_ops` and one line
 * wherever the app lists its screens.  Screens are pushed on a stack; handlers
 * return flags (htop's HANDLED | REDRAW | BREAK_LOOP) and the loop draws only
 * when a flag asks it to, with one doupdate() per frame.
 *
 * ui never touches the database or keys: the app's lock callback does that.
 */
#ifndef DASV_UI_H
#define DASV_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include <curses.h>

#include "keys.h"

struct ui;

/* What a handler or enter() returns: any combination. */
enum ui_flag {
	UI_HANDLED = 1 << 0,	/* the request was consumed; else the ui's default runs */
	UI_REDRAW  = 1 << 1,	/* something changed: draw a frame before the next key */
	UI_POP     = 1 << 2,	/* leave this screen (back to the one below) */
	UI_QUIT    = 1 << 3	/* leave the program (after the unsaved-changes check) */
};

/* How ui_run() ended. */
enum ui_exit {
	UI_EXIT_QUIT,		/* the user quit, or the stack emptied */
	UI_EXIT_SIGNAL,		/* SIGHUP/SIGTERM/SIGINT/SIGQUIT: the app must still wipe keys */
	UI_EXIT_LOCK		/* the lock callback refused to unlock */
};

/* One request a screen uses; label/help NULL take the defaults of keys.h,
 * label "" hides it from the footer (it still shows in help). */
struct ui_keyuse {
	enum ui_request req;
	const char *label;
	const char *help;
};
#define UI_KEYS_END { UI_REQ_NONE, NULL, NULL }

enum ui_screen_flag {
	UI_SCREEN_OVERLAY = 1 << 0	/* drawn in a box over the screen below (dialogs, help) */
};

struct ui_screen_ops {
	const char *name;		/* right of the title bar; overlays keep the one below */
	const struct ui_keyuse *keys;	/* footer and help; UI_KEYS_END-terminated */
	unsigned flags;			/* enum ui_screen_flag */
	/* Optional.  0 to go ahead, -1 to refuse the push (leave is not called). */
	int (*enter)(struct ui *ui, void *state);
	/* Draw into ui_body() (base screens) or ui_box() (overlays); no refresh. */
	void (*draw)(struct ui *ui, void *state);
	/* ch is the character for UI_REQ_CHAR (and the raw key otherwise). */
	int (*handle)(struct ui *ui, void *state, enum ui_request req, wint_t ch);
	/* Optional.  Called when popped; frees state if the screen owns it. */
	void (*leave)(struct ui *ui, void *state);
	/* Optional.  Unsaved changes?  Asked before Esc/q discards the screen. */
	bool (*dirty)(struct ui *ui, void *state);
	/* Optional.  Forget decrypted data (called on lock); fetch again on draw. */
	void (*wipe)(struct ui *ui, void *state);
};

struct ui_config {
	const char *title;		/* e.g. "dasv - DEMO - alice (caseworker)"; copied */
	int idle_seconds;		/* lock after this long without a key; 0 = never */
	bool no_color;			/* --no-color; NO_COLOR (non-empty) is checked too */
	/*
	 * Called with the screen already cleared (and every screen's wipe() done).
	 * It wipes the session key and asks for the passphrase, typically with
	 * widget_prompt(..., WIDGET_INPUT_SECRET).  Returns 0 once unlocked, -1 to
	 * end the program (ui_run() then returns UI_EXIT_LOCK).  NULL: a plain
	 * "press Enter" lock.
	 */
	int (*lock)(struct ui *ui, void *ctx);
	void *lock_ctx;
};

/* Visual roles; ui_attr() maps them to colour or, in monochrome, attributes. */
enum ui_role {
	UI_ROLE_NORMAL, UI_ROLE_TITLE, UI_ROLE_FOOTER, UI_ROLE_FOOTER_KEY,
	UI_ROLE_SELECT, UI_ROLE_HEADER, UI_ROLE_LABEL, UI_ROLE_FIELD,
	UI_ROLE_FIELD_FOCUS, UI_ROLE_HINT, UI_ROLE_ERROR, UI_ROLE_MESSAGE,
	UI_ROLE_RISK_STD, UI_ROLE_RISK_MED, UI_ROLE_RISK_HIGH,
	UI_ROLE_COUNT
};

/* Risk levels, same values as enum dasv_level in core/risk.h. */
enum ui_risk { UI_RISK_NONE = -1, UI_RISK_STD = 0, UI_RISK_MED = 1, UI_RISK_HIGH = 2 };

#define UI_MIN_COLS 80
#define UI_MIN_LINES 24

/*
 * Take the terminal: setlocale(LC_ALL, ""), newterm, raw, keypad, colours,
 * signal flags.  Returns NULL with a message in err when stdin/stdout is not
 * a terminal or the terminal is unknown (the terminal is left untouched).
 */
struct ui *ui_new(const struct ui_config *cfg, char *err, size_t errsz);
/* Pop every screen (leave), restore the terminal; accepts NULL, nulls *p. */
void ui_free(struct ui **p);

/* Push a screen; state belongs to the screen (its leave() frees it). */
int ui_push(struct ui *ui, const struct ui_screen_ops *ops, void *state);
/* Run until the user quits or a signal arrives. */
enum ui_exit ui_run(struct ui *ui);
/*
 * Push a screen and run the loop until it pops itself: dialogs use this to
 * block like mutt's yes/no prompt while resize, help and the idle lock keep
 * working.  Returns 0 when it closed, -1 when the program is ending.
 */
int ui_run_modal(struct ui *ui, const struct ui_screen_ops *ops, void *state);

/* Lock now (F12 / ^X do this). */
void ui_lock(struct ui *ui);
bool ui_locked(const struct ui *ui);
/* Ask for a frame before the next key, e.g. after data changed. */
void ui_redraw(struct ui *ui);
void ui_set_title(struct ui *ui, const char *title);
/* One line above the footer until the next key; text is sanitised. */
void ui_message(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For draw(): the body window (between title bar and message line). */
WINDOW *ui_body(struct ui *ui);
/* For an overlay's draw(): an erased, boxed, centred window of at most h x w
 * with title in the top border, owned by the ui (resized as needed). */
WINDOW *ui_box(struct ui *ui, int h, int w, const char *title);
/* Where the hardware cursor goes after the frame (selected row or field), so
 * screen readers follow it.  Only the top screen's call counts. */
void ui_set_cursor(struct ui *ui, WINDOW *win, int y, int x);
/* The top screen takes typed text: printable keys arrive as UI_REQ_CHAR
 * instead of j/k/q/?...  Per screen; reset when a screen is pushed. */
void ui_set_text_mode(struct ui *ui, bool on);

attr_t ui_attr(const struct ui *ui, enum ui_role role);
bool ui_has_color(const struct ui *ui);
/* Sanitise, fit into cols columns and draw utf8 at y,x; returns columns used. */
int ui_put(WINDOW *w, int y, int x, int cols, const char *utf8, attr_t attr);
/* "HIGH"/"MED"/"STD"/"-": a level is always shown as text, colour only helps. */
const char *ui_risk_label(int level);
/* Draw a level's label in its colour over base (e.g. the selection);
 * returns columns used. */
int ui_put_risk(struct ui *ui, WINDOW *w, int y, int x, int level, attr_t base);

/* Key name as shown in footer and help ("Up", "^X", "F12", "q"). */
const char *ui_key_name(int key, char *buf, size_t bufsz);
/* A key that types a character (so it goes to a field in text mode). */
bool ui_key_printable(int key);
/* The table of keys.h, for help and generated docs. */
const char *ui_req_label(enum ui_request r);	/* footer label or NULL */
const char *ui_req_help(enum ui_request r);
const int *ui_req_keys(enum ui_request r);	/* 0-terminated */
/* r's first key that none of the other requests in claimed (a screen's keys)
 * uses: '?' answers "not known" on the DASH screen, so its help shows F1.
 * 0 when every key is taken. */
int ui_req_free_key(enum ui_request r, bool text_mode, const struct ui_keyuse *claimed);
/* Requests every screen has (Esc, q, ?, ^X, ^L), *n of them. */
const enum ui_request *ui_req_globals(size_t *n);

#endif
