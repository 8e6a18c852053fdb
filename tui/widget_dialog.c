/*
 * widget_dialog.c - modal dialogs: yes/no, message, prompt, reason, choose.
 *
 * Each dialog is an overlay screen run with ui_run_modal(), so it blocks the
 * caller like mutt's prompts while resize, help, the idle lock and signals
 * keep working underneath.  Dialog state lives on the caller's stack; nothing
 * here allocates except the input field, which is wiped and freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "ui_int.h"
#include "widget.h"
#include "../core/text.h"

#define DIALOG_WIDTH 70

/* See widget.h; shared by the dialogs and screens that wrap prose. */
int
widget_wrap(WINDOW *w, int y, int x, int cols, int maxl, int hang, const char *text, attr_t a)
{
	char line[512];
	const char *p = text, *sp, *end;
	size_t len;
	int lines = 0;

	while (*p && lines < maxl) {
		if (lines == 1)
			cols -= hang;
		/* take words while they fit */
		end = p;
		for (;;) {
			sp = strchr(end, ' ');
			if (!sp)
				sp = end + strlen(end);
			len = (size_t)(sp - p);
			if (len >= sizeof(line))
				break;
			memcpy(line, p, len);
			line[len] = '\0';
			if ((int)dasv_text_width(line) > cols && end != p)
				break;
			end = sp;
			if (!*sp)
				break;
			end++;
		}
		if (end == p)	/* one word longer than the line: cut it */
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		/* a trailing space would not fit and the line would be cut to "…" */
		while (len && line[len - 1] == ' ')
			len--;
		line[len] = '\0';
		if (w)
			ui_put(w, y + lines, lines ? x + hang : x, cols, line, a);
		lines++;
		p = end;
		while (*p == ' ')
			p++;
	}
	return lines;
}

/* ---- confirm ---- */

struct dialog_confirm {
	const char *question;
	bool yes;
};

static const struct ui_keyuse dialog_confirm_keys[] = {
	{ UI_REQ_YES, NULL, NULL },
	{ UI_REQ_NO, NULL, NULL },
	{ UI_REQ_BACK, "Cancel", "Cancel (same as no)" },
	UI_KEYS_END
};

static void
dialog_confirm_draw(struct ui *ui, void *state)
{
	struct dialog_confirm *d = state;
	int qw = (int)dasv_text_width(d->question) + 6;
	WINDOW *w = ui_box(ui, 6, qw < 44 ? 44 : qw > DIALOG_WIDTH + 6 ? DIALOG_WIDTH + 6 : qw,
			   "Confirm");
	int cols = getmaxx(w) - 6;
	int n;

	n = widget_wrap(w, 2, 3, cols, 2, 0, d->question, A_BOLD);
	ui_put(w, 2 + n, 3, cols, "y = yes, n or Esc = no", ui_attr(ui, UI_ROLE_HINT));
	ui_set_cursor(ui, w, 2, 3);
}

static int
dialog_confirm_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct dialog_confirm *d = state;

	(void)ui;
	(void)ch;
	switch (req) {
	case UI_REQ_YES:
		d->yes = true;
		return UI_HANDLED | UI_POP;
	case UI_REQ_NO:
	case UI_REQ_BACK:
	case UI_REQ_QUIT:
		d->yes = false;
		return UI_HANDLED | UI_POP;
	default:
		return 0;
	}
}

static const struct ui_screen_ops dialog_confirm_ops = {
	.name = "Confirm",
	.keys = dialog_confirm_keys,
	.flags = UI_SCREEN_OVERLAY,
	.draw = dialog_confirm_draw,
	.handle = dialog_confirm_handle,
};

bool
widget_confirm(struct ui *ui, const char *question)
{
	struct dialog_confirm d = { question ? question : "", false };

	if (ui_run_modal(ui, &dialog_confirm_ops, &d) < 0)
		return false;
	return d.yes;
}

/* ---- message ---- */

struct dialog_message {
	const char *title;
	const char *text;
};

static const struct ui_keyuse dialog_message_keys[] = {
	{ UI_REQ_ENTER, "OK", "Close" },
	{ UI_REQ_BACK, "Close", "Close" },
	UI_KEYS_END
};

static void
dialog_message_draw(struct ui *ui, void *state)
{
	struct dialog_message *d = state;
	int tw = (int)dasv_text_width(d->text);
	int lines = tw / (DIALOG_WIDTH - 6) + 2;
	WINDOW *w = ui_box(ui, lines + 4, DIALOG_WIDTH, d->title);
	int bh = getmaxy(w);

	widget_wrap(w, 2, 3, getmaxx(w) - 6, bh - 4, 0, d->text, A_NORMAL);
	ui_set_cursor(ui, w, 2, 3);
}

static int
dialog_message_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	(void)ui;
	(void)state;
	(void)ch;
	if (req == UI_REQ_ENTER || req == UI_REQ_BACK || req == UI_REQ_QUIT)
		return UI_HANDLED | UI_POP;
	return 0;
}

static const struct ui_screen_ops dialog_message_ops = {
	.name = "Message",
	.keys = dialog_message_keys,
	.flags = UI_SCREEN_OVERLAY,
	.draw = dialog_message_draw,
	.handle = dialog_message_handle,
};

void
widget_message(struct ui *ui, const char *title, const char *text)
{
	struct dialog_message d = { title ? title : "", text ? text : "" };

	ui_run_modal(ui, &dialog_message_ops, &d);
}

/* ---- prompt and reason ---- */

struct dialog_prompt {
	const char *title;
	const char *label;
	struct widget_input *in;
	bool require;		/* refuse blank */
	int result;
};

static const struct ui_keyuse dialog_prompt_keys[] = {
	{ UI_REQ_ENTER, "OK", "Accept" },
	{ UI_REQ_BACK, "Cancel", "Cancel" },
	{ UI_REQ_LEFT, NULL, NULL }, { UI_REQ_RIGHT, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	{ UI_REQ_BKSP, NULL, NULL }, { UI_REQ_DEL, NULL, NULL },
	{ UI_REQ_CLEAR, NULL, NULL },
	UI_KEYS_END
};

static int
dialog_prompt_enter(struct ui *ui, void *state)
{
	(void)state;
	ui_set_text_mode(ui, true);
	return 0;
}

static void
dialog_prompt_draw(struct ui *ui, void *state)
{
	struct dialog_prompt *d = state;
	WINDOW *w = ui_box(ui, 7, DIALOG_WIDTH, d->title);
	int bw = getmaxx(w);
	int lw = (int)dasv_text_width(d->label);
	const char *err = widget_input_error(d->in);

	if (lw > bw / 3)
		lw = bw / 3;
	ui_put(w, 2, 3, lw, d->label, ui_attr(ui, UI_ROLE_LABEL));
	if (err)
		ui_put(w, 4, 3, bw - 6, err, ui_attr(ui, UI_ROLE_ERROR));
	else
		ui_put(w, 4, 3, bw - 6, "Enter to accept, Esc to cancel",
		       ui_attr(ui, UI_ROLE_HINT));
	widget_input_draw_field(d->in, ui, w, 2, 3 + lw + 1, bw - lw - 8, true);
}

static bool
dialog_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ')
			return false;
	return true;
}

static int
dialog_prompt_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct dialog_prompt *d = state;
	char buf[1024];

	(void)ui;
	switch (req) {
	case UI_REQ_ENTER:
		widget_input_get(d->in, buf, sizeof(buf));
		if (d->require && dialog_blank(buf)) {
			widget_input_set_error(d->in, "A reason is required.");
			return UI_HANDLED | UI_REDRAW;
		}
		explicit_bzero(buf, sizeof(buf));	/* it may be a passphrase */
		d->result = 1;
		return UI_HANDLED | UI_POP;
	case UI_REQ_BACK:
	case UI_REQ_QUIT:
		d->result = 0;
		return UI_HANDLED | UI_POP;
	default:
		return widget_input_handle(d->in, req, ch);
	}
}

static const struct ui_screen_ops dialog_prompt_ops = {
	.name = "Prompt",
	.keys = dialog_prompt_keys,
	.flags = UI_SCREEN_OVERLAY,
	.enter = dialog_prompt_enter,
	.draw = dialog_prompt_draw,
	.handle = dialog_prompt_handle,
};

static int
dialog_prompt_run(struct ui *ui, const char *title, const char *label, char *out,
		  size_t outsz, unsigned flags, bool require)
{
	struct dialog_prompt d = { title ? title : "", label ? label : "", NULL, require, 0 };

	if (!out || !outsz)
		return 0;
	out[0] = '\0';
	/* characters, not bytes: a name may be 4 bytes a character */
	d.in = widget_input_new(label, outsz > 4 ? outsz / 4 : 1, flags);
	if (!d.in)
		return -1;
	if (ui_run_modal(ui, &dialog_prompt_ops, &d) < 0)
		d.result = -1;
	if (d.result == 1)
		widget_input_get(d.in, out, outsz);
	widget_input_free(&d.in);
	return d.result;
}

int
widget_prompt(struct ui *ui, const char *title, const char *label, char *out,
	      size_t outsz, unsigned input_flags)
{
	return dialog_prompt_run(ui, title, label, out, outsz, input_flags, false);
}

int
widget_reason(struct ui *ui, const char *title, const char *label, char *out,
	      size_t outsz)
{
	return dialog_prompt_run(ui, title, label, out, outsz, 0, true);
}

/* ---- choose ---- */

struct dialog_choose {
	const char *title;
	const struct widget_choice *c;
	int n, sel, top, result;
};

static const struct ui_keyuse dialog_choose_keys[] = {
	{ UI_REQ_ENTER, "Choose", "Choose the selected item" },
	{ UI_REQ_BACK, "Cancel", "Cancel" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	{ UI_REQ_CHAR, NULL, "Jump to the next item starting with that letter" },
	UI_KEYS_END
};

static void
dialog_choose_draw(struct ui *ui, void *state)
{
	struct dialog_choose *d = state;
	WINDOW *w = ui_box(ui, d->n + 2, 50, d->title);
	int rows = getmaxy(w) - 2, cols = getmaxx(w) - 4, i;
	attr_t a;

	if (d->sel < d->top)
		d->top = d->sel;
	if (d->sel >= d->top + rows)
		d->top = d->sel - rows + 1;
	for (i = 0; i < rows && d->top + i < d->n; i++) {
		a = d->top + i == d->sel ? ui_attr(ui, UI_ROLE_SELECT) : A_NORMAL;
		wattrset(w, a);
		mvwhline(w, 1 + i, 2, ' ', cols);
		ui_put(w, 1 + i, 3, cols - 2, d->c[d->top + i].label, a);
	}
	ui_set_cursor(ui, w, 1 + d->sel - d->top, 2);
}

static int
dialog_choose_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct dialog_choose *d = state;
	int rows = LINES - 4, i, k;

	(void)ui;
	switch (req) {
	case UI_REQ_UP: d->sel--; break;
	case UI_REQ_DOWN: d->sel++; break;
	case UI_REQ_PGUP: d->sel -= rows; break;
	case UI_REQ_PGDN: d->sel += rows; break;
	case UI_REQ_HOME: d->sel = 0; break;
	case UI_REQ_END: d->sel = d->n - 1; break;
	case UI_REQ_CHAR:
		for (i = 1; i <= d->n; i++) {
			k = (d->sel + i) % d->n;
			if (d->c[k].label && towlower((wint_t)(unsigned char)d->c[k].label[0]) ==
			    towlower(ch)) {
				d->sel = k;
				break;
			}
		}
		break;
	case UI_REQ_ENTER:
		d->result = d->sel;
		return UI_HANDLED | UI_POP;
	case UI_REQ_BACK:
	case UI_REQ_QUIT:
		d->result = -1;
		return UI_HANDLED | UI_POP;
	default:
		return 0;
	}
	if (d->sel < 0)
		d->sel = 0;
	if (d->sel >= d->n)
		d->sel = d->n - 1;
	return UI_HANDLED | UI_REDRAW;
}

static const struct ui_screen_ops dialog_choose_ops = {
	.name = "Choose",
	.keys = dialog_choose_keys,
	.flags = UI_SCREEN_OVERLAY,
	.draw = dialog_choose_draw,
	.handle = dialog_choose_handle,
};

int
widget_choose(struct ui *ui, const char *title, const struct widget_choice *choices,
	      size_t n, int current)
{
	struct dialog_choose d = { title ? title : "", choices, (int)n, current, 0, -1 };

	if (!n)
		return -1;
	if (d.sel < 0 || d.sel >= d.n)
		d.sel = 0;
	if (ui_run_modal(ui, &dialog_choose_ops, &d) < 0)
		return -1;
	return d.result;
}

/* ---- help: every key of a screen, from the table in keys.h ---- */

struct dialog_help {
	const struct ui_screen_ops *target;
	bool text_mode;		/* the target takes text: its printable keys type */
	bool nested;		/* not the top screen: q goes back */
	int scroll;
};

static const struct ui_keyuse dialog_help_keys[] = {
	{ UI_REQ_UP, NULL, "Scroll up" }, { UI_REQ_DOWN, NULL, "Scroll down" },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_BACK, "Close", "Close help" }, UI_KEYS_END
};

static bool
dialog_keyuse_has(const struct ui_keyuse *ku, enum ui_request r)
{
	for (; ku && ku->req != UI_REQ_NONE; ku++)
		if (ku->req == r)
			return true;
	return false;
}

/* All key names of r; printable ones left out when typing goes to a field. */
static void
dialog_help_keynames(enum ui_request r, bool text_mode, const struct ui_keyuse *claimed,
		     char *out, size_t outsz)
{
	char kb[16];
	const char *kn;
	const int *k;
	size_t o = 0;

	out[0] = '\0';
	for (k = ui_req_keys(r); *k && o < outsz; k++) {
		bool taken = false;

		if (text_mode && ui_key_printable(*k))
			continue;
		/* a key the screen gives to another request does not do this one there */
		for (const struct ui_keyuse *ku = claimed; ku && ku->req != UI_REQ_NONE; ku++)
			if (ku->req != r && ui_req_has_key(ku->req, *k))
				taken = true;
		if (taken)
			continue;
		kn = ui_key_name(*k, kb, sizeof(kb));
		/* "\r", "\n" and KEY_ENTER are all "Enter" */
		if (o && (strcmp(kn, "Enter") == 0 || strcmp(kn, "Backspace") == 0) &&
		    strstr(out, kn))
			continue;
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? " " : "", kn);
	}
	if (!out[0] && r == UI_REQ_CHAR)
		snprintf(out, outsz, "letters");
}

/* Rows of the help: the target's keys, then the globals it did not list. */
static int
dialog_help_rows(const struct dialog_help *h, enum ui_request *reqs,
		 const char **helps, int max)
{
	const struct ui_keyuse *ku;
	const enum ui_request *g;
	size_t i, ng;
	int n = 0;

	for (ku = h->target->keys; ku && ku->req != UI_REQ_NONE && n < max; ku++) {
		reqs[n] = ku->req;
		helps[n++] = ku->help ? ku->help : ui_req_help(ku->req);
	}
	g = ui_req_globals(&ng);
	for (i = 0; i < ng && n < max; i++) {
		if (dialog_keyuse_has(h->target->keys, g[i]))
			continue;
		if (g[i] == UI_REQ_QUIT && h->text_mode)
			continue;
		reqs[n] = g[i];
		helps[n++] = g[i] == UI_REQ_QUIT && h->nested ?
		    "Go back (q quits from the top screen)" : ui_req_help(g[i]);
	}
	return n;
}

static void
dialog_help_draw(struct ui *ui, void *state)
{
	struct dialog_help *h = state;
	enum ui_request reqs[64];
	const char *helps[64];
	char names[96], title[128];
	WINDOW *w;
	int n, i, rows, bw;

	n = dialog_help_rows(h, reqs, helps, 64);
	snprintf(title, sizeof(title), "Keys: %s", h->target->name ? h->target->name : "");
	w = ui_box(ui, n + 2, 78, title);
	getmaxyx(w, rows, bw);
	rows -= 2;
	if (h->scroll > n - rows)
		h->scroll = n - rows;
	if (h->scroll < 0)
		h->scroll = 0;
	for (i = 0; i < rows && h->scroll + i < n; i++) {
		dialog_help_keynames(reqs[h->scroll + i], h->text_mode, h->target->keys, names,
				     sizeof(names));
		ui_put(w, 1 + i, 2, 24, names, ui_attr(ui, UI_ROLE_LABEL));
		ui_put(w, 1 + i, 27, bw - 29, helps[h->scroll + i], A_NORMAL);
	}
	ui_set_cursor(ui, w, 1, 2);
}

static int
dialog_help_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct dialog_help *h = state;

	(void)ui;
	(void)ch;
	switch (req) {
	case UI_REQ_UP: h->scroll--; break;
	case UI_REQ_DOWN: h->scroll++; break;
	case UI_REQ_PGUP: h->scroll -= 10; break;
	case UI_REQ_PGDN: h->scroll += 10; break;
	case UI_REQ_BACK: case UI_REQ_QUIT: case UI_REQ_HELP: case UI_REQ_ENTER:
		return UI_HANDLED | UI_POP;
	default:
		return 0;
	}
	return UI_HANDLED | UI_REDRAW;
}

static const struct ui_screen_ops dialog_help_ops = {
	.name = "Help",
	.keys = dialog_help_keys,
	.flags = UI_SCREEN_OVERLAY,
	.draw = dialog_help_draw,
	.handle = dialog_help_handle,
};

void
widget_help(struct ui *ui, const struct ui_screen_ops *target, bool text_mode, bool nested)
{
	struct dialog_help h = { target, text_mode, nested, 0 };

	ui_run_modal(ui, &dialog_help_ops, &h);
}
