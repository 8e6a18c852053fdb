/*
 * ui_int.h - what the ui's own files share and nothing else may include: the
 * layout of struct ui and its screen stack (ui.c: the stack and the loop;
 * ui_draw.c: appearance and drawing) and the request table's lookups
 * (ui_keys.c).
 */
#ifndef DASV_UI_INT_H
#define DASV_UI_INT_H

#include <signal.h>
#include <time.h>

#include "ui.h"

#define UI_STACK_MAX 16

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

/* ---- ui_draw.c ---- */

/* The attributes of each role: monochrome first, colour only adds to it. */
void ui_init_colors(struct ui *ui, bool no_color);
/* delwin and NULL; accepts a NULL window. */
void ui_delwin(WINDOW **w);
/* Make the title, body, message and footer windows for the terminal's size. */
void ui_layout(struct ui *ui);
/* Draw one frame: title, message, the screens from the nearest base up, footer. */
void ui_frame(struct ui *ui);

/* ---- ui_keys.c ---- */

bool ui_req_has_key(enum ui_request r, int key);
/* The key the footer shows for r (the first non-printable one in text mode). */
int ui_req_first_key(enum ui_request r, bool text_mode);
/* Teach curses the Home/End/F1 sequences common emulators send. */
void ui_define_keys(void);

#endif
