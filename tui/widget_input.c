/*
 * widget_input.c - a one-line text field that edits by character.
 *
 * Text is held as Unicode code points, so the cursor moves by character and
 * backspace never leaves half a UTF-8 sequence; display columns come from
 * wcwidth (via core/text), so wide CJK and combining marks line up.  Only
 * characters that may be stored are accepted: no controls, no bidi tricks.
 * A secret field (passphrases) shows nothing or stars and is wiped on free.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widget.h"
#include "../core/text.h"

#define WIDGET_INPUT_DEFAULT_MAX 256

struct widget_input {
	char *label;
	uint32_t *buf;		/* max + 1 code points */
	size_t len, max, cur;
	size_t hscroll;		/* first character shown */
	unsigned flags;
	char error[160];
};

struct widget_input *
widget_input_new(const char *label, size_t max_chars, unsigned flags)
{
	struct widget_input *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->max = max_chars ? max_chars : WIDGET_INPUT_DEFAULT_MAX;
	in->flags = flags;
	in->label = strdup(label ? label : "");
	in->buf = calloc(in->max + 1, sizeof(*in->buf));
	if (!in->label || !in->buf) {
		free(in->label);
		free(in->buf);
		free(in);
		return NULL;
	}
	return in;
}

void
widget_input_free(struct widget_input **p)
{
	struct widget_input *in;

	if (!p || !*p)
		return;
	in = *p;
	explicit_bzero(in->buf, (in->max + 1) * sizeof(*in->buf));
	free(in->buf);
	free(in->label);
	free(in);
	*p = NULL;
}

void
widget_input_set(struct widget_input *in, const char *utf8)
{
	size_t i, n, len;
	uint32_t cp;

	explicit_bzero(in->buf, (in->max + 1) * sizeof(*in->buf));
	in->len = 0;
	len = utf8 ? strlen(utf8) : 0;
	for (i = 0; i < len && in->len < in->max; i += n) {
		n = dasv_text_utf8_decode(utf8 + i, len - i, &cp);
		if (cp == '\t')
			cp = ' ';
		if (!dasv_text_cp_allowed(cp))
			cp = DASV_TEXT_REPLACEMENT;
		in->buf[in->len++] = cp;
	}
	in->cur = in->len;
	in->hscroll = 0;
	in->error[0] = '\0';
}

size_t
widget_input_get(const struct widget_input *in, char *out, size_t outsz)
{
	char u[4];
	size_t i, n, o = 0;

	if (!outsz)
		return 0;
	for (i = 0; i < in->len; i++) {
		n = dasv_text_utf8_encode(in->buf[i], u);
		if (o + n >= outsz)
			break;
		memcpy(out + o, u, n);
		o += n;
	}
	out[o] = '\0';
	explicit_bzero(u, sizeof(u));
	return o;
}

size_t
widget_input_len(const struct widget_input *in)
{
	return in->len;
}

void
widget_input_set_error(struct widget_input *in, const char *msg)
{
	snprintf(in->error, sizeof(in->error), "%s", msg ? msg : "");
}

const char *
widget_input_error(const struct widget_input *in)
{
	return in->error[0] ? in->error : NULL;
}

/* Columns of buf[from..to), as drawn (secret fields: 0 or 1 per char). */
static int
input_width(const struct widget_input *in, size_t from, size_t to)
{
	int w, sum = 0;
	size_t i;

	if (in->flags & WIDGET_INPUT_SECRET)
		return in->flags & WIDGET_INPUT_STARS ? (int)(to - from) : 0;
	for (i = from; i < to; i++) {
		w = dasv_text_cp_width(in->buf[i]);
		sum += w < 0 ? 1 : w;
	}
	return sum;
}

static bool
input_zero_width(const struct widget_input *in, size_t i)
{
	return i < in->len && dasv_text_cp_width(in->buf[i]) == 0;
}

int
widget_input_handle(struct widget_input *in, enum ui_request req, wint_t ch)
{
	switch (req) {
	case UI_REQ_CHAR:
		if (!dasv_text_cp_allowed((uint32_t)ch))
			return UI_HANDLED;
		if (in->len >= in->max) {
			beep();
			return UI_HANDLED;
		}
		memmove(in->buf + in->cur + 1, in->buf + in->cur,
			(in->len - in->cur) * sizeof(*in->buf));
		in->buf[in->cur++] = (uint32_t)ch;
		in->len++;
		break;
	case UI_REQ_LEFT:
		/* a base character and its combining marks move as one */
		while (in->cur > 0 && input_zero_width(in, --in->cur))
			;
		break;
	case UI_REQ_RIGHT:
		if (in->cur < in->len)
			in->cur++;
		while (input_zero_width(in, in->cur))
			in->cur++;
		break;
	case UI_REQ_HOME:
		in->cur = 0;
		break;
	case UI_REQ_END:
		in->cur = in->len;
		break;
	case UI_REQ_BKSP:
		if (in->cur == 0)
			return UI_HANDLED;
		in->cur--;
		/* fall through */
	case UI_REQ_DEL:
		if (in->cur >= in->len)
			return UI_HANDLED;
		memmove(in->buf + in->cur, in->buf + in->cur + 1,
			(in->len - in->cur - 1) * sizeof(*in->buf));
		in->buf[--in->len] = 0;
		break;
	case UI_REQ_CLEAR:
		explicit_bzero(in->buf, (in->max + 1) * sizeof(*in->buf));
		in->len = in->cur = in->hscroll = 0;
		break;
	default:
		return 0;
	}
	if (req != UI_REQ_LEFT && req != UI_REQ_RIGHT && req != UI_REQ_HOME &&
	    req != UI_REQ_END)
		in->error[0] = '\0';
	return UI_HANDLED | UI_REDRAW;
}

void
widget_input_draw_field(struct widget_input *in, struct ui *ui, WINDOW *w,
			int y, int x, int cols, bool focus)
{
	wchar_t wbuf[512];
	size_t i, n = 0;
	int cw, used = 0;
	uint32_t cp;
	bool utf8 = dasv_text_locale_utf8();

	if (cols < 1)
		return;
	/* keep the cursor inside the field, one column spare for it at the end */
	if (in->cur < in->hscroll)
		in->hscroll = in->cur;
	while (in->hscroll < in->cur && input_width(in, in->hscroll, in->cur) > cols - 1)
		in->hscroll++;
	wattrset(w, ui_attr(ui, focus ? UI_ROLE_FIELD_FOCUS : UI_ROLE_FIELD));
	mvwhline(w, y, x, ' ', cols);
	for (i = in->hscroll; i < in->len && n < sizeof(wbuf) / sizeof(wbuf[0]) - 1; i++) {
		cp = in->buf[i];
		if (in->flags & WIDGET_INPUT_SECRET) {
			if (!(in->flags & WIDGET_INPUT_STARS))
				break;
			cp = '*';
		}
		cw = dasv_text_cp_width(cp);
		if (cw < 0) {
			cp = utf8 ? DASV_TEXT_REPLACEMENT : '?';
			cw = 1;
		}
		if (used + cw > cols)
			break;
		wbuf[n++] = (wchar_t)cp;
		used += cw;
	}
	wbuf[n] = L'\0';
	if (n)
		mvwaddnwstr(w, y, x, wbuf, (int)n);
	explicit_bzero(wbuf, sizeof(wbuf));
	wattrset(w, A_NORMAL);
	if (focus)
		ui_set_cursor(ui, w, y, x + input_width(in, in->hscroll, in->cur));
}

void
widget_input_draw(struct widget_input *in, struct ui *ui, WINDOW *w, int y,
		  int x, int label_cols, int field_cols, bool focus)
{
	int maxx = getmaxx(w);
	int ex = x + label_cols + 1 + field_cols + 2;

	if (label_cols > 0)
		ui_put(w, y, x, label_cols, in->label, ui_attr(ui, UI_ROLE_LABEL));
	if (in->error[0] && ex < maxx)
		ui_put(w, y, ex, maxx - ex - 1, in->error, ui_attr(ui, UI_ROLE_ERROR));
	widget_input_draw_field(in, ui, w, y, x + label_cols + 1, field_cols, focus);
}
