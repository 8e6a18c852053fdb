/*
 * screen_case_bg.c - the break-glass dialog: a referral outside the
 * caseworker's caseload opens only with a reason, which the core records for
 * supervisors.  The dialog asks for the reason and refuses a blank one; it
 * holds the reason only until it is handed back (the caller wipes it).
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "screen_case.h"
#include "widget.h"

struct case_bg {
	struct widget_input *in;
	int result;
};

static const struct ui_keyuse case_bg_keys[] = {
	{ UI_REQ_ENTER, "Open", "Record the reason and open the referral" },
	{ UI_REQ_BACK, "Cancel", "Do not open it" },
	{ UI_REQ_LEFT, NULL, NULL }, { UI_REQ_RIGHT, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	{ UI_REQ_BKSP, NULL, NULL }, { UI_REQ_DEL, NULL, NULL },
	{ UI_REQ_CLEAR, NULL, NULL },
	UI_KEYS_END
};

static int
case_bg_enter(struct ui *ui, void *state)
{
	(void)state;
	ui_set_text_mode(ui, true);
	return 0;
}

static void
case_bg_draw(struct ui *ui, void *state)
{
	struct case_bg *b = state;
	WINDOW *w = ui_box(ui, 10, 76, "Break-glass");
	int cols = getmaxx(w) - 6;
	const char *err = widget_input_error(b->in);

	screen_case_put_wrapped(ui, w, 2, 3, getmaxx(w) - 2, 3,
				"Break-glass: this referral is outside your caseload. Why do you "
				"need to open it? Supervisors will see your reason.", A_BOLD);
	ui_put(w, 6, 3, 8, "Reason:", ui_attr(ui, UI_ROLE_LABEL));
	widget_input_draw_field(b->in, ui, w, 6, 11, cols - 8, true);
	ui_put(w, 8, 3, cols, err ? err : "Enter to open, Esc to cancel",
	       ui_attr(ui, err ? UI_ROLE_ERROR : UI_ROLE_HINT));
}

static int
case_bg_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct case_bg *b = state;
	char buf[1024];
	bool blank;

	(void)ui;
	switch (req) {
	case UI_REQ_ENTER:
		widget_input_get(b->in, buf, sizeof(buf));
		blank = buf[strspn(buf, " ")] == '\0';
		dasv_wipe(buf, sizeof(buf));
		if (blank) {
			widget_input_set_error(b->in, "A reason is required.");
			return UI_HANDLED | UI_REDRAW;
		}
		b->result = 1;
		return UI_HANDLED | UI_POP;
	case UI_REQ_BACK:
	case UI_REQ_QUIT:
		b->result = 0;
		return UI_HANDLED | UI_POP;
	default:
		return widget_input_handle(b->in, req, ch);
	}
}

static const struct ui_screen_ops case_bg_ops = {
	.name = "Break-glass",
	.keys = case_bg_keys,
	.flags = UI_SCREEN_OVERLAY,
	.enter = case_bg_enter,
	.draw = case_bg_draw,
	.handle = case_bg_handle,
};

/* 1 with a reason in out, 0 cancelled, -1 when the program is ending. */
int
screen_case_ask_break_glass(struct ui *ui, char *out, size_t outsz)
{
	struct case_bg b = { NULL, 0 };

	out[0] = '\0';
	b.in = widget_input_new("Reason", outsz / 4, 0);
	if (!b.in)
		return -1;
	if (ui_run_modal(ui, &case_bg_ops, &b) < 0)
		b.result = -1;
	if (b.result == 1)
		widget_input_get(b.in, out, outsz);
	widget_input_free(&b.in);
	return b.result;
}
