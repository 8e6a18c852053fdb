/*
 * screen_case.h - what the referral screen's files share and nothing else may
 * include: the view's state (the decrypted record, its timeline and where the
 * view is scrolled) and the calls between the screen (screen_case.c), its
 * drawing (screen_case_draw.c), the break-glass dialog (screen_case_bg.c) and
 * the close form (screen_case_close.c).  Decrypted strings live only in
 * struct case_view; screen_case.c wipes them on lock and leave.
 */
#ifndef DASV_SCREEN_CASE_H
#define DASV_SCREEN_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

struct case_view {
	struct app *a;
	int64_t id;
	bool loaded;		/* r and the rest hold the record */
	bool stale;		/* read again when next drawn */
	bool load_failed;	/* ...and that failed: not retried every frame */
	bool modal;		/* run by screen_case_run: leave() wipes, the runner frees */
	struct dasv_referral r;
	struct dasv_event *ev;	/* newest first */
	size_t nev;
	bool ev_more;		/* older entries may exist */
	char ev_error[200];
	/* the latest DASH: what the screen shows of it (answers are not kept) */
	bool has_dash;
	char dash_on[11], dash_by[DASV_NAME_MAX], criteria[96];
	int needs[DASV_NEED_DOMAINS];
	int needs_recorded;
	int scroll;		/* first content line shown */
	int view_rows;		/* rows of the scrolling view at the last draw */
	int total_lines;	/* content lines at the last draw */
	int timeline_line;	/* where the timeline starts */
	bool to_timeline;	/* scroll to it at the next draw (after a note or contact) */
	char error[300];	/* why the record could not be read */
	char bg_reason[1024];	/* break-glass reason this case was opened with, or "" */
};

/* Read the record again (after a change or an unlock); 0 or -1. */
int screen_case_reload(struct case_view *cv);
/* The screen's draw: title line, safe-contact box, then the scrolling view. */
void screen_case_draw(struct ui *ui, void *state);
/*
 * text wrapped from column x at window lines y0..y0+rows-1 of a window cols
 * wide, as the case view wraps it (sanitised first); the break-glass dialog.
 */
void screen_case_put_wrapped(struct ui *ui, WINDOW *w, int y0, int rows, int cols, int x,
			     const char *text, attr_t a);
/* 1 with a break-glass reason in out, 0 cancelled, -1 when the program is ending. */
int screen_case_ask_break_glass(struct ui *ui, char *out, size_t outsz);
/* Push the close-with-outcome form over the case; 0 or -1. */
int screen_case_close_push(struct case_view *cv);

#endif
