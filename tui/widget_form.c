/*
 * widget_form.c - a form of labelled fields, one per line.
 *
 * Kinds: heading (not focusable), text, date (YYYY-MM-DD), integer, pick-list
 * over (code, label) pairs, and yes/no.  Tab/Shift-Tab and Up/Down move
 * between fields; a field is checked when it is left and again by
 * widget_form_check(), and its message is shown beside it, so a caseworker
 * sees what is wrong where it is wrong.  Values go in and out as text; the
 * form knows nothing of referrals (the core does the real validation).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "widget.h"
#include "../core/text.h"

enum form_kind { FORM_HEADING, FORM_TEXT, FORM_DATE, FORM_INT, FORM_PICK, FORM_YESNO };

struct form_field {
	enum form_kind kind;
	char *id, *label;
	struct widget_input *in;		/* text, date, int */
	const struct widget_choice *choices;	/* pick */
	size_t nchoices;
	int pick;				/* -1: none chosen */
	bool yes;
	long min, max;				/* int */
	bool required;
	widget_validate_fn validate;
	void *vctx;
	char error[160];			/* pick, yes/no (inputs hold their own) */
};

struct widget_form {
	char *title;
	struct form_field *f;
	int n, cap;
	int focus;		/* -1 until a focusable field exists */
	int scroll;		/* first line shown */
	bool dirty;
};

const struct ui_keyuse widget_form_keys[] = {
	{ UI_REQ_SAVE, NULL, NULL },
	{ UI_REQ_NEXT, NULL, NULL },
	{ UI_REQ_PREV, NULL, NULL },
	{ UI_REQ_UP, NULL, "Previous field" },
	{ UI_REQ_DOWN, NULL, "Next field" },
	{ UI_REQ_ENTER, "", "Choose from the list (pick fields), else next field" },
	{ UI_REQ_TOGGLE, NULL, NULL },
	{ UI_REQ_LEFT, NULL, NULL },
	{ UI_REQ_RIGHT, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL },
	{ UI_REQ_END, NULL, NULL },
	{ UI_REQ_BKSP, NULL, NULL },
	{ UI_REQ_DEL, NULL, NULL },
	{ UI_REQ_CLEAR, NULL, "Clear the field" },
	UI_KEYS_END
};

struct widget_form *
widget_form_new(const char *title)
{
	struct widget_form *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->title = strdup(title ? title : "");
	if (!f->title) {
		free(f);
		return NULL;
	}
	f->focus = -1;
	return f;
}

void
widget_form_free(struct widget_form **p)
{
	struct widget_form *f;
	int i;

	if (!p || !*p)
		return;
	f = *p;
	for (i = 0; i < f->n; i++) {
		widget_input_free(&f->f[i].in);
		free(f->f[i].id);
		free(f->f[i].label);
	}
	free(f->f);
	free(f->title);
	free(f);
	*p = NULL;
}

static bool
form_focusable(const struct form_field *ff)
{
	return ff->kind != FORM_HEADING;
}

static bool
form_is_text(const struct form_field *ff)
{
	return ff->in != NULL;
}

static int
form_add(struct widget_form *f, enum form_kind kind, const char *id, const char *label)
{
	struct form_field *ff;
	int cap;

	if (f->n == f->cap) {
		cap = f->cap ? f->cap * 2 : 16;
		ff = realloc(f->f, (size_t)cap * sizeof(*ff));
		if (!ff)
			return -1;
		f->f = ff;
		f->cap = cap;
	}
	ff = &f->f[f->n];
	memset(ff, 0, sizeof(*ff));
	ff->kind = kind;
	ff->pick = -1;
	ff->id = strdup(id ? id : "");
	ff->label = strdup(label ? label : "");
	if (!ff->id || !ff->label) {
		free(ff->id);
		free(ff->label);
		return -1;
	}
	if (f->focus < 0 && form_focusable(ff))
		f->focus = f->n;
	return f->n++;
}

int
widget_form_add_heading(struct widget_form *f, const char *text)
{
	return form_add(f, FORM_HEADING, "", text);
}

static int
form_add_input(struct widget_form *f, enum form_kind kind, const char *id,
	       const char *label, size_t max_chars, unsigned flags)
{
	int i = form_add(f, kind, id, label);

	if (i < 0)
		return -1;
	f->f[i].in = widget_input_new(label, max_chars, flags);
	if (!f->f[i].in) {
		free(f->f[i].id);
		free(f->f[i].label);
		f->n--;
		if (f->focus == i)
			f->focus = -1;
		return -1;
	}
	return i;
}

int
widget_form_add_text(struct widget_form *f, const char *id, const char *label,
		     size_t max_chars, unsigned input_flags)
{
	return form_add_input(f, FORM_TEXT, id, label, max_chars, input_flags);
}

int
widget_form_add_date(struct widget_form *f, const char *id, const char *label)
{
	return form_add_input(f, FORM_DATE, id, label, 10, 0);
}

int
widget_form_add_int(struct widget_form *f, const char *id, const char *label,
		    long min, long max)
{
	int i = form_add_input(f, FORM_INT, id, label, 11, 0);

	if (i >= 0) {
		f->f[i].min = min;
		f->f[i].max = max;
	}
	return i;
}

int
widget_form_add_pick(struct widget_form *f, const char *id, const char *label,
		     const struct widget_choice *choices, size_t n)
{
	int i = form_add(f, FORM_PICK, id, label);

	if (i >= 0) {
		f->f[i].choices = choices;
		f->f[i].nchoices = n;
	}
	return i;
}

int
widget_form_add_yesno(struct widget_form *f, const char *id, const char *label)
{
	return form_add(f, FORM_YESNO, id, label);
}

void
widget_form_set_required(struct widget_form *f, int field, bool required)
{
	if (field >= 0 && field < f->n)
		f->f[field].required = required;
}

void
widget_form_set_validate(struct widget_form *f, int field, widget_validate_fn fn, void *ctx)
{
	if (field >= 0 && field < f->n) {
		f->f[field].validate = fn;
		f->f[field].vctx = ctx;
	}
}

int
widget_form_set(struct widget_form *f, int field, const char *value)
{
	struct form_field *ff;
	size_t i;

	if (field < 0 || field >= f->n)
		return -1;
	ff = &f->f[field];
	value = value ? value : "";
	switch (ff->kind) {
	case FORM_PICK:
		ff->pick = -1;
		for (i = 0; i < ff->nchoices; i++)
			if (strcasecmp(ff->choices[i].code, value) == 0)
				ff->pick = (int)i;
		if (ff->pick < 0 && *value)
			return -1;
		break;
	case FORM_YESNO:
		ff->yes = strcasecmp(value, "yes") == 0 || strcasecmp(value, "y") == 0 ||
		    strcmp(value, "1") == 0;
		break;
	case FORM_HEADING:
		return -1;
	default:
		widget_input_set(ff->in, value);
		break;
	}
	ff->error[0] = '\0';
	return 0;
}

size_t
widget_form_get(const struct widget_form *f, int field, char *out, size_t outsz)
{
	const struct form_field *ff;

	if (!outsz)
		return 0;
	out[0] = '\0';
	if (field < 0 || field >= f->n)
		return 0;
	ff = &f->f[field];
	switch (ff->kind) {
	case FORM_PICK:
		if (ff->pick >= 0)
			snprintf(out, outsz, "%s", ff->choices[ff->pick].code);
		break;
	case FORM_YESNO:
		snprintf(out, outsz, "%s", ff->yes ? "yes" : "no");
		break;
	case FORM_HEADING:
		break;
	default:
		return widget_input_get(ff->in, out, outsz);
	}
	return strlen(out);
}

int
widget_form_find(const struct widget_form *f, const char *id)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->f[i].kind != FORM_HEADING && strcmp(f->f[i].id, id) == 0)
			return i;
	return -1;
}

int
widget_form_focus(const struct widget_form *f)
{
	return f->focus;
}

bool
widget_form_dirty(const struct widget_form *f)
{
	return f->dirty;
}

void
widget_form_set_clean(struct widget_form *f)
{
	f->dirty = false;
}

/* ---- checking ---- */

static bool
form_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static const char *
form_check_date(const char *s)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return "Use YYYY-MM-DD";
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return "Use YYYY-MM-DD";
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && form_leap(y)))
		return "No such date";
	return NULL;
}

static void
form_set_error(struct form_field *ff, const char *msg)
{
	if (ff->in)
		widget_input_set_error(ff->in, msg);
	else
		snprintf(ff->error, sizeof(ff->error), "%s", msg ? msg : "");
}

static const char *
form_error(const struct form_field *ff)
{
	if (ff->in)
		return widget_input_error(ff->in);
	return ff->error[0] ? ff->error : NULL;
}

/* Check one field, show its message; true when valid. */
static bool
form_check_field(struct widget_form *f, int i)
{
	struct form_field *ff = &f->f[i];
	char v[1024], msg[160];
	const char *err = NULL;
	char *end;
	long n;

	if (!form_focusable(ff))
		return true;
	widget_form_get(f, i, v, sizeof(v));
	if (!v[0]) {
		if (ff->required)
			err = ff->kind == FORM_PICK ? "Choose one" : "Required";
	} else if (ff->kind == FORM_DATE) {
		err = form_check_date(v);
	} else if (ff->kind == FORM_INT) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || n < ff->min || n > ff->max) {
			snprintf(msg, sizeof(msg), "Whole number from %ld to %ld", ff->min, ff->max);
			err = msg;
		}
	}
	if (!err && v[0] && ff->validate)
		err = ff->validate(ff->vctx, f, i, v);
	explicit_bzero(v, sizeof(v));
	form_set_error(ff, err);
	return err == NULL;
}

int
widget_form_check(struct widget_form *f)
{
	int i, bad = -1;

	for (i = 0; i < f->n; i++)
		if (!form_check_field(f, i) && bad < 0)
			bad = i;
	if (bad >= 0)
		f->focus = bad;
	return bad;
}

/* ---- keys ---- */

static int
form_move(struct widget_form *f, int dir, bool wrap)
{
	int i = f->focus, tries;

	for (tries = 0; tries < f->n; tries++) {
		i += dir;
		if (i < 0 || i >= f->n) {
			if (!wrap)
				return f->focus;
			i = i < 0 ? f->n - 1 : 0;
		}
		if (form_focusable(&f->f[i]))
			return i;
	}
	return f->focus;
}

/* First (or last) focusable field. */
static int
form_edge(const struct widget_form *f, bool first)
{
	int i;

	for (i = 0; i < f->n; i++) {
		int k = first ? i : f->n - 1 - i;

		if (form_focusable(&f->f[k]))
			return k;
	}
	return f->focus;
}

static int
form_set_focus(struct widget_form *f, int to)
{
	if (to == f->focus)
		return UI_HANDLED;
	form_check_field(f, f->focus);	/* say what is wrong as the field is left */
	f->focus = to;
	return UI_HANDLED | UI_REDRAW;
}

static int
form_pick_letter(struct form_field *ff, wint_t ch)
{
	size_t i, k;

	for (i = 1; i <= ff->nchoices; i++) {
		k = ((size_t)(ff->pick < 0 ? -1 : ff->pick) + i) % ff->nchoices;
		if (towlower((wint_t)(unsigned char)ff->choices[k].label[0]) == towlower(ch))
			return (int)k;
	}
	return ff->pick;
}

static int
form_changed(struct widget_form *f, struct form_field *ff)
{
	f->dirty = true;
	ff->error[0] = '\0';
	return UI_HANDLED | UI_REDRAW;
}

int
widget_form_handle(struct widget_form *f, struct ui *ui, enum ui_request req, wint_t ch)
{
	struct form_field *ff;
	int r, n;

	if (f->focus < 0)
		return 0;
	ff = &f->f[f->focus];
	switch (req) {
	case UI_REQ_NEXT:
		r = form_set_focus(f, form_move(f, 1, true));
		break;
	case UI_REQ_PREV:
		r = form_set_focus(f, form_move(f, -1, true));
		break;
	case UI_REQ_DOWN:
		r = form_set_focus(f, form_move(f, 1, false));
		break;
	case UI_REQ_UP:
		r = form_set_focus(f, form_move(f, -1, false));
		break;
	case UI_REQ_ENTER:
		if (ff->kind == FORM_PICK) {
			n = widget_choose(ui, ff->label, ff->choices, ff->nchoices, ff->pick);
			r = UI_HANDLED | UI_REDRAW;
			if (n >= 0 && n != ff->pick) {
				ff->pick = n;
				r = form_changed(f, ff);
			}
		} else {
			r = form_set_focus(f, form_move(f, 1, false));
		}
		break;
	default:
		if (form_is_text(ff)) {
			r = widget_input_handle(ff->in, req, ch);
			if ((r & UI_HANDLED) && (req == UI_REQ_CHAR || req == UI_REQ_BKSP ||
			    req == UI_REQ_DEL || req == UI_REQ_CLEAR))
				f->dirty = true;
			break;
		}
		r = 0;
		if (ff->kind == FORM_YESNO) {
			if (req == UI_REQ_TOGGLE || req == UI_REQ_LEFT || req == UI_REQ_RIGHT ||
			    (req == UI_REQ_CHAR && (ch == 'y' || ch == 'Y') && !ff->yes) ||
			    (req == UI_REQ_CHAR && (ch == 'n' || ch == 'N') && ff->yes)) {
				ff->yes = !ff->yes;
				r = form_changed(f, ff);
			}
		} else if (ff->kind == FORM_PICK && ff->nchoices) {
			n = ff->pick;
			if (req == UI_REQ_TOGGLE || req == UI_REQ_RIGHT)
				n = (int)((size_t)(n + 1) % ff->nchoices);
			else if (req == UI_REQ_LEFT)
				n = n <= 0 ? (int)ff->nchoices - 1 : n - 1;
			else if (req == UI_REQ_CHAR)
				n = form_pick_letter(ff, ch);
			else if (req == UI_REQ_CLEAR || req == UI_REQ_BKSP || req == UI_REQ_DEL)
				n = -1;
			if (n != ff->pick) {
				ff->pick = n;
				r = form_changed(f, ff);
			}
		}
		if (!r && (req == UI_REQ_HOME || req == UI_REQ_END))
			r = form_set_focus(f, form_edge(f, req == UI_REQ_HOME));
		break;
	}
	ui_set_text_mode(ui, form_is_text(&f->f[f->focus]));
	return r;
}

/* ---- drawing ---- */

static int
form_lines_before(const struct widget_form *f, int i)
{
	int k, lines = 0;

	for (k = 0; k < i; k++)
		lines += f->f[k].kind == FORM_HEADING && k > 0 ? 2 : 1;
	if (i > 0 && f->f[i].kind == FORM_HEADING)
		lines++;	/* the blank line above a heading */
	return lines;
}

static int
form_field_cols(const struct form_field *ff, int avail)
{
	size_t i;
	int w = 8;

	switch (ff->kind) {
	case FORM_DATE: return 11;
	case FORM_INT: return 12;
	case FORM_YESNO: return 5;
	case FORM_PICK:
		for (i = 0; i < ff->nchoices; i++)
			if ((int)dasv_text_width(ff->choices[i].label) + 2 > w)
				w = (int)dasv_text_width(ff->choices[i].label) + 2;
		return w < avail ? w : avail;
	default: return avail < 40 ? avail : 40;
	}
}

void
widget_form_draw(struct widget_form *f, struct ui *ui, WINDOW *w)
{
	int maxy, maxx, rows, lc = 0, i, y, x, fc, l, ex;
	struct form_field *ff;
	const char *err, *hint, *val;
	char hb[64];
	bool focus;

	getmaxyx(w, maxy, maxx);
	ui_put(w, 0, 1, maxx - 2, f->title, ui_attr(ui, UI_ROLE_HEADER));
	rows = maxy - 2;
	if (rows < 1)
		return;
	for (i = 0; i < f->n; i++)
		if (f->f[i].kind != FORM_HEADING && (int)dasv_text_width(f->f[i].label) > lc)
			lc = (int)dasv_text_width(f->f[i].label);
	lc += 2;	/* room for the required mark */
	if (lc > maxx / 3)
		lc = maxx / 3;
	if (f->focus >= 0) {
		l = form_lines_before(f, f->focus);
		/* show the heading above the first field of a section */
		if (f->focus > 0 && f->f[f->focus - 1].kind == FORM_HEADING &&
		    l - 1 < f->scroll)
			f->scroll = l - 1;
		if (l < f->scroll)
			f->scroll = l;
		if (l >= f->scroll + rows)
			f->scroll = l - rows + 1;
	}
	for (i = 0; i < f->n; i++) {
		ff = &f->f[i];
		y = 2 + form_lines_before(f, i) - f->scroll;
		if (y < 2 || y >= maxy)
			continue;
		if (ff->kind == FORM_HEADING) {
			ui_put(w, y, 1, maxx - 2, ff->label, ui_attr(ui, UI_ROLE_HEADER));
			continue;
		}
		focus = i == f->focus;
		l = ui_put(w, y, 2, lc - 2, ff->label, ui_attr(ui, UI_ROLE_LABEL));
		if (ff->required)
			ui_put(w, y, 2 + l, 1, "*", ui_attr(ui, UI_ROLE_LABEL));
		x = 2 + lc + 1;
		fc = form_field_cols(ff, maxx - x - 30);
		if (ff->in) {
			widget_input_draw_field(ff->in, ui, w, y, x, fc, focus);
		} else {
			val = ff->kind == FORM_YESNO ? (ff->yes ? "Yes" : "No") :
			    ff->pick >= 0 ? ff->choices[ff->pick].label : "-";
			wattrset(w, ui_attr(ui, focus ? UI_ROLE_FIELD_FOCUS : UI_ROLE_FIELD));
			mvwhline(w, y, x, ' ', fc);
			ui_put(w, y, x, fc, val,
			       ui_attr(ui, focus ? UI_ROLE_FIELD_FOCUS : UI_ROLE_FIELD));
			if (focus)
				ui_set_cursor(ui, w, y, x);
		}
		ex = x + fc + 2;
		err = form_error(ff);
		hint = NULL;
		if (ff->kind == FORM_DATE)
			hint = "YYYY-MM-DD";
		else if (ff->kind == FORM_INT) {
			snprintf(hb, sizeof(hb), "%ld-%ld", ff->min, ff->max);
			hint = hb;
		} else if (focus && ff->kind == FORM_PICK)
			hint = "Enter: list, Left/Right: cycle";
		else if (focus && ff->kind == FORM_YESNO)
			hint = "Space: toggle";
		if (err)
			ui_put(w, y, ex, maxx - ex - 1, err, ui_attr(ui, UI_ROLE_ERROR));
		else if (hint)
			ui_put(w, y, ex, maxx - ex - 1, hint, ui_attr(ui, UI_ROLE_HINT));
	}
	if (f->focus >= 0)
		ui_set_text_mode(ui, form_is_text(&f->f[f->focus]));
}
