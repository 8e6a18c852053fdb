/*
 * screen_case_close.c - closing a referral with its outcome: a form over the
 * case screen asking why it closes, when, and how things stand at exit
 * (abuse stopped, risk level, feels safer, quality of life).  The core's
 * dasv_referral_close() has the last word; its error is shown beside the
 * field it names.  On success the case is marked stale so it reads again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "date.h"
#include "screen_case.h"
#include "validate.h"
#include "widget.h"

struct case_close {
	struct case_view *cv;
	struct widget_form *f;
	struct widget_choice reasons[DASV_CODE_SET_MAX], yes_no[DASV_CODE_SET_MAX],
		levels[DASV_CODE_SET_MAX];
	int core_field;
	char core_msg[200];
	char msg[200];
};

static size_t
case_choices(enum dasv_code_list list, struct widget_choice *out)
{
	const struct dasv_code *c;
	size_t n = 0, i;

	c = dasv_codes(list, &n);
	for (i = 0; c && i < n && i < DASV_CODE_SET_MAX; i++) {
		out[i].code = c[i].code;
		out[i].label = c[i].label;
	}
	return i;
}

static const char *
case_close_validate(void *ctx, const struct widget_form *f, int field, const char *v)
{
	struct case_close *cc = ctx;
	int32_t day;

	if (field == cc->core_field) {
		cc->core_field = -1;
		snprintf(cc->msg, sizeof(cc->msg), "%s", cc->core_msg);
		return cc->msg;
	}
	if (field == widget_form_find(f, "closed_on") &&
	    dasv_validate_date("closed_on", v, 1, INT32_MAX, &day, NULL, 0) == DASV_OK) {
		if (day > dasv_date_today())
			return "In the future";
		/* both YYYY-MM-DD: text order is date order */
		if (cc->cv->r.received_on[0] && strcmp(v, cc->cv->r.received_on) < 0)
			return "Before it was received";
	}
	return NULL;
}

static int
case_close_save(struct case_close *cc, struct ui *ui)
{
	struct dasv_outcome o;
	struct dasv_field_err fe;
	enum dasv_status s;
	char v[32];
	int i;

	if (widget_form_check(cc->f) >= 0) {
		ui_error(ui, "Some fields need attention: see the messages beside them.");
		return UI_HANDLED | UI_REDRAW;
	}
	memset(&o, 0, sizeof(o));
	widget_form_get(cc->f, widget_form_find(cc->f, "close_reason"), o.reason, sizeof(o.reason));
	widget_form_get(cc->f, widget_form_find(cc->f, "abuse_stopped"), v, sizeof(v));
	o.abuse_stopped = !strcmp(v, "yes") ? 1 : !strcmp(v, "no") ? 0 : -1;
	widget_form_get(cc->f, widget_form_find(cc->f, "exit_level"), v, sizeof(v));
	o.exit_level = v[0] ? dasv_level_from_code(v) : DASV_LEVEL_NONE;
	widget_form_get(cc->f, widget_form_find(cc->f, "feels_safer"), v, sizeof(v));
	o.feels_safer = !strcmp(v, "yes") ? 1 : !strcmp(v, "no") ? 0 : -1;
	widget_form_get(cc->f, widget_form_find(cc->f, "quality_of_life"), v, sizeof(v));
	o.quality_of_life = v[0] ? atoi(v) : 0;
	widget_form_get(cc->f, widget_form_find(cc->f, "closed_on"), o.closed_on,
			sizeof(o.closed_on));
	memset(&fe, 0, sizeof(fe));
	s = dasv_referral_close(cc->cv->a->d, cc->cv->id, &o, &fe);
	if (s == DASV_INVALID && fe.field[0] &&
	    (i = widget_form_find(cc->f, !strcmp(fe.field, "close_reason") ? "close_reason"
								     : fe.field)) >= 0) {
		cc->core_field = i;
		snprintf(cc->core_msg, sizeof(cc->core_msg), "%s", fe.msg);
		widget_form_check(cc->f);
		cc->core_field = -1;
		app_core_error(cc->cv->a, s);
		return UI_HANDLED | UI_REDRAW;
	}
	if (s != DASV_OK) {
		app_core_error(cc->cv->a, s);
		return UI_HANDLED | UI_REDRAW;
	}
	widget_form_set_clean(cc->f);
	cc->cv->stale = true;
	cc->cv->load_failed = false;
	ui_message(ui, "Referral #%lld closed: %s.", (long long)cc->cv->id,
		   dasv_code_label(DASV_LIST_CLOSE_REASON, o.reason));
	return UI_HANDLED | UI_POP;
}

static void
case_close_draw(struct ui *ui, void *state)
{
	struct case_close *cc = state;

	widget_form_draw(cc->f, ui, ui_body(ui));
}

static int
case_close_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct case_close *cc = state;

	if (req == UI_REQ_SAVE)
		return case_close_save(cc, ui);
	return widget_form_handle(cc->f, ui, req, ch);
}

static bool
case_close_dirty(struct ui *ui, void *state)
{
	struct case_close *cc = state;

	(void)ui;
	return widget_form_dirty(cc->f);
}

static void
case_close_leave(struct ui *ui, void *state)
{
	struct case_close *cc = state;

	(void)ui;
	widget_form_free(&cc->f);
	free(cc);
}

static const struct ui_screen_ops case_close_ops = {
	.name = "Close referral",
	.keys = widget_form_keys,
	.draw = case_close_draw,
	.handle = case_close_handle,
	.leave = case_close_leave,
	.dirty = case_close_dirty,
};

int
screen_case_close_push(struct case_view *cv)
{
	struct case_close *cc = calloc(1, sizeof(*cc));
	struct widget_form *f;
	char title[80], today[11];
	size_t nr, ny, nl;
	int i, last;

	if (!cc) {
		ui_error(cv->a->ui, "Out of memory.");
		return -1;
	}
	snprintf(title, sizeof(title), "Close referral #%lld with its outcome", (long long)cv->id);
	if (!(cc->f = widget_form_new(title))) {
		free(cc);
		ui_error(cv->a->ui, "Out of memory.");
		return -1;
	}
	f = cc->f;
	cc->cv = cv;
	cc->core_field = -1;
	nr = case_choices(DASV_LIST_CLOSE_REASON, cc->reasons);
	ny = case_choices(DASV_LIST_YES_NO, cc->yes_no);
	nl = case_choices(DASV_LIST_LEVEL, cc->levels);
	widget_form_add_heading(f, "Why the case is closing");
	i = widget_form_add_pick(f, "close_reason", "Reason", cc->reasons, nr);
	widget_form_set_required(f, i, true);
	i = widget_form_add_date(f, "closed_on", "Closed on");
	widget_form_set_required(f, i, true);
	dasv_date_format(dasv_date_today(), today);
	widget_form_set(f, i, today);
	widget_form_add_heading(f, "Outcome at exit");
	i = widget_form_add_pick(f, "abuse_stopped", "Has the abuse stopped?", cc->yes_no, ny);
	widget_form_set_required(f, i, true);
	widget_form_add_pick(f, "exit_level", "Risk level at exit", cc->levels, nl);
	i = widget_form_add_pick(f, "feels_safer", "Feels safer?", cc->yes_no, ny);
	widget_form_set_required(f, i, true);
	last = widget_form_add_int(f, "quality_of_life", "Quality of life (1-5)", 1, 5);
	for (i = 0; i <= last; i++)
		widget_form_set_validate(f, i, case_close_validate, cc);
	widget_form_set_clean(f);
	if (ui_push(cv->a->ui, &case_close_ops, cc) < 0) {
		case_close_leave(cv->a->ui, cc);
		return -1;
	}
	return 0;
}
