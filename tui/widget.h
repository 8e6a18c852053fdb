/*
 * widget.h - the building blocks screens are made of: a paged list, a
 * one-line text input, a form of labelled fields, and modal dialogs.
 *
 * Widgets draw into a window the screen gives them and turn requests into
 * ui flags (UI_HANDLED | UI_REDRAW); they never refresh the terminal, never
 * call the core, and sanitise everything they show.  Each x_new() has an
 * x_free(&p) that accepts NULL, wipes text that may be personal data and
 * nulls the pointer.
 */
#ifndef DASV_WIDGET_H
#define DASV_WIDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

/* A (code, label) pair for pick-lists; tables are borrowed, not copied. */
struct widget_choice {
	const char *code;
	const char *label;
};

/* ---- list: rows paged from a callback by key (keyset paging) ---- */

enum widget_fetch {
	WIDGET_FETCH_FIRST,	/* from the first row, in order */
	WIDGET_FETCH_LAST,	/* from the last row backwards, nearest the end first */
	WIDGET_FETCH_AFTER,	/* rows strictly after *anchor, in order */
	WIDGET_FETCH_BEFORE	/* rows strictly before *anchor, nearest first */
};

struct widget_list_source {
	/* Bytes per row.  Rows are plain data the list copies and wipes (a key
	 * plus display columns); they must not own pointers. */
	size_t row_size;
	/*
	 * Fill up to max rows into rows_out (an array of row_size-byte rows).
	 * anchor is a row the list already holds (NULL for FIRST/LAST), so the
	 * app can page with WHERE (sort key) > (anchor's key) LIMIT max.
	 * Returns how many were written; fewer than max means that end was
	 * reached.  -1 on error (the list shows "could not load").
	 */
	int (*fetch)(void *ctx, enum widget_fetch dir, const void *anchor,
		     void *rows_out, int max);
	/* Draw one row at line y of w, cols wide, from column x.  attr is the
	 * base attribute (the selection's on the selected row) to OR into. */
	void (*draw)(void *ctx, struct ui *ui, WINDOW *w, int y, int x, int cols,
		     const void *row, attr_t attr);
	/* Optional, for `/`: the first row after *from (NULL: from the start)
	 * that matches query, into row_out.  1 found, 0 none, -1 error. */
	int (*find)(void *ctx, const char *query, const void *from, void *row_out);
	const char *header;	/* optional column titles, drawn above the rows */
	const char *empty;	/* shown when there is no row; NULL: "(no rows)" */
};

struct widget_list;

/* src and ctx are borrowed and must outlive the list. */
struct widget_list *widget_list_new(const struct widget_list_source *src, void *ctx);
void widget_list_free(struct widget_list **p);
/* Draws in lines y..y+h-1 and sets the cursor on the selected row. */
void widget_list_draw(struct widget_list *l, struct ui *ui, WINDOW *w,
		      int y, int x, int h, int cols);
/* UP DOWN PGUP PGDN HOME END, and SEARCH (prompts, then find()). */
int widget_list_handle(struct widget_list *l, struct ui *ui, enum ui_request req);
/* The selected row (row_size bytes, owned by the list, valid until the next
 * list call), or NULL when empty. */
const void *widget_list_selected(const struct widget_list *l);
/* Forget (and wipe) every row held; the next draw fetches the first page. */
void widget_list_reset(struct widget_list *l);
/* Move to the next row matching query.  1 found, 0 not found, -1 error. */
int widget_list_search(struct widget_list *l, const char *query);

/* ---- input: one line of UTF-8 text ---- */

enum widget_input_flag {
	WIDGET_INPUT_SECRET = 1 << 0,	/* show nothing (passphrases) */
	WIDGET_INPUT_STARS  = 1 << 1	/* with SECRET: one '*' per character */
};

struct widget_input;

/* label is copied; max_chars counts characters (code points), not bytes. */
struct widget_input *widget_input_new(const char *label, size_t max_chars, unsigned flags);
void widget_input_free(struct widget_input **p);
/* Replace the text (sanitised, cut to max_chars); cursor to the end. */
void widget_input_set(struct widget_input *in, const char *utf8);
/* The text as UTF-8 into out (cut on a character boundary); returns bytes. */
size_t widget_input_get(const struct widget_input *in, char *out, size_t outsz);
size_t widget_input_len(const struct widget_input *in);
/* Message shown beside the field until the text changes; NULL clears it. */
void widget_input_set_error(struct widget_input *in, const char *msg);
const char *widget_input_error(const struct widget_input *in);
/* CHAR LEFT RIGHT HOME END BKSP DEL CLEAR. */
int widget_input_handle(struct widget_input *in, enum ui_request req, wint_t ch);
/* "label  [field]  error" at y,x: label_cols for the label, field_cols for
 * the text; the error takes the rest of the line. */
void widget_input_draw(struct widget_input *in, struct ui *ui, WINDOW *w, int y,
		       int x, int label_cols, int field_cols, bool focus);
/* Only the field; with focus the hardware cursor is put in it. */
void widget_input_draw_field(struct widget_input *in, struct ui *ui, WINDOW *w,
			     int y, int x, int cols, bool focus);

/* ---- form: labelled fields for data entry ---- */

struct widget_form;

/* A field's value as text -> NULL when valid, else a message shown beside
 * the field (static, or in ctx).  Not called for an empty value: blank is
 * refused by widget_form_set_required() or allowed. */
typedef const char *(*widget_validate_fn)(void *ctx, const struct widget_form *f,
					   int field, const char *value);

/* title is copied. */
struct widget_form *widget_form_new(const char *title);
void widget_form_free(struct widget_form **p);
/* Each add returns the field index, or -1 when out of memory.  id and label
 * are copied; choices are borrowed. */
int widget_form_add_heading(struct widget_form *f, const char *text);
int widget_form_add_text(struct widget_form *f, const char *id, const char *label,
			 size_t max_chars, unsigned input_flags);
int widget_form_add_date(struct widget_form *f, const char *id, const char *label);
int widget_form_add_int(struct widget_form *f, const char *id, const char *label,
			long min, long max);
int widget_form_add_pick(struct widget_form *f, const char *id, const char *label,
			 const struct widget_choice *choices, size_t n);
int widget_form_add_yesno(struct widget_form *f, const char *id, const char *label);
/* Mark a field required (blank refused) and/or give it a validator. */
void widget_form_set_required(struct widget_form *f, int field, bool required);
void widget_form_set_validate(struct widget_form *f, int field, widget_validate_fn fn, void *ctx);
/* Values as text: a pick's code ("" for none), "yes"/"no", digits, YYYY-MM-DD. */
int widget_form_set(struct widget_form *f, int field, const char *value);
size_t widget_form_get(const struct widget_form *f, int field, char *out, size_t outsz);
int widget_form_find(const struct widget_form *f, const char *id);
int widget_form_focus(const struct widget_form *f);
/* Validate every field, showing each error; focus the first bad one.
 * Returns its index, or -1 when all are valid. */
int widget_form_check(struct widget_form *f);
bool widget_form_dirty(const struct widget_form *f);
void widget_form_set_clean(struct widget_form *f);
/* NEXT PREV UP DOWN HOME END ENTER TOGGLE LEFT RIGHT, text editing keys.
 * Switches the ui's text mode to match the focused field. */
int widget_form_handle(struct widget_form *f, struct ui *ui, enum ui_request req, wint_t ch);
void widget_form_draw(struct widget_form *f, struct ui *ui, WINDOW *w);
/* The requests a form uses, for a screen's keys table. */
extern const struct ui_keyuse widget_form_keys[];

/* ---- dialogs: modal, over the current screen ---- */

/* y -> true; n or Esc -> false (also when the program is ending). */
/*
 * Word-wrap text into cols columns at y,x, at most maxl lines; lines after the
 * first hang `hang` columns further right (and are that much narrower).  With
 * w NULL, only counts the lines.  Returns the lines used.
 */
int widget_wrap(WINDOW *w, int y, int x, int cols, int maxl, int hang, const char *text,
		attr_t a);
bool widget_confirm(struct ui *ui, const char *question);
/* Enter or Esc closes. */
void widget_message(struct ui *ui, const char *title, const char *text);
/* One line of input.  1 entered (out holds it), 0 cancelled, -1 program
 * ending.  With WIDGET_INPUT_SECRET the caller wipes out after use. */
int widget_prompt(struct ui *ui, const char *title, const char *label,
		  char *out, size_t outsz, unsigned input_flags);
/* Like widget_prompt, but a blank (or all-space) reason is refused with an
 * inline message; for break-glass, overrides and professional judgement. */
int widget_reason(struct ui *ui, const char *title, const char *label,
		  char *out, size_t outsz);
/* Pick one of n choices: its index, or -1 when cancelled. */
int widget_choose(struct ui *ui, const char *title,
		  const struct widget_choice *choices, size_t n, int current);
/* Every key of target (its list, then the global ones), from keys.h; the
 * ui calls this for `?` and F1.  text_mode leaves out keys that would type. */
void widget_help(struct ui *ui, const struct ui_screen_ops *target,
		 bool text_mode, bool nested);

#endif
