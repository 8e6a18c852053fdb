/*
 * screen_referral_form.c - the intake form: a new referral, or an edit of one.
 *
 * One widget_form in sections (referral, types of abuse, person and safe
 * contact, children, perpetrator, consent, equality monitoring, notes).  Each
 * field is checked as it is left with the same validators the core and the
 * CSV import use (core/validate.h), so the message beside a field and the
 * core's verdict agree; dasv_referral_check() is still the last word on save
 * and its error is shown beside the field it names.  Before a new referral is
 * saved the person is matched against earlier referrals (repeat
 * victimisation) and the caseworker decides whether to go on.
 *
 * This file owns the checks, the save and the screen; the fields themselves
 * and their mapping to struct dasv_referral are screen_referral_form_fields.c.
 *
 * The form holds no core string once it is filled: an edit copies the record
 * into the fields and clears it at once, keeping only id and version for the
 * conflict check.  On lock a clean edit form forgets its fields and reads the
 * record again when next drawn; typed, unsaved work is kept (it is the
 * caseworker's, and the terminal is blanked while locked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "date.h"
#include "screen_referral_form.h"
#include "validate.h"
#include "widget.h"

#define RF_MATCHES 8

/* ---- validation --------------------------------------------------------- */

/* today, or the received date when it is a valid date */
static int32_t
rf_received(const struct rform *st)
{
	char v[16];
	int32_t day;

	rf_get(st, "received_on", v, sizeof(v));
	if (dasv_validate_date("received_on", v, 1, dasv_date_today(), &day, NULL, 0) == DASV_OK)
		return day;
	return dasv_date_today();
}

/* Why a date is not one, in a few words (the core's words are longer). */
static const char *
rf_date_why(const char *id, const char *v, int32_t *day)
{
	char err[200];

	if (dasv_validate_date(id, v, 0, INT32_MAX, day, err, sizeof(err)) == DASV_OK)
		return NULL;
	if (strstr(err, "year"))
		return "Year must be 1900-2199";
	if (strstr(err, "month"))
		return "No such month";
	if (strstr(err, "day") || strstr(err, "not a date"))
		return "No such date";
	return "Use YYYY-MM-DD";
}

static const char *
rf_check_date(struct rform *st, const char *id, const char *v, bool by_received)
{
	int32_t limit = by_received ? rf_received(st) : dasv_date_today();
	int32_t day;
	const char *why = rf_date_why(id, v, &day);

	if (why)
		return why;
	if (day > dasv_date_today())
		return "In the future";
	if (day > limit)
		return "After the received date";
	return NULL;
}

static const char *
rf_check_name(const char *id, const char *v)
{
	char err[200];

	if (dasv_validate_name(id, v, 0, err, sizeof(err)) == DASV_OK)
		return NULL;
	if (strstr(err, "has no letters"))
		return "Needs a letter";
	if (strstr(err, "longer than"))
		return "Too long";
	return "Letters, spaces, ' - . only";
}

static const char *
rf_check_phone(struct rform *st, const char *v)
{
	char err[200];
	int digits = 0;
	const char *p;

	if (dasv_validate_phone("phone", v, 0, err, sizeof(err)) == DASV_OK)
		return NULL;
	if (strstr(err, "digits, expected")) {
		for (p = v; *p; p++)
			digits += *p >= '0' && *p <= '9';
		snprintf(st->msg, sizeof(st->msg), "%d digits: needs 7 to 15", digits);
		return st->msg;
	}
	if (strstr(err, "longer than"))
		return "Too long";
	return "Digits, spaces, ( ) - + only";
}

const char *
rf_validate(void *ctx, const struct widget_form *f, int field, const char *v)
{
	struct rform *st = ctx;
	const char *id = field >= 0 && field < RF_MAX_FIELDS ? st->ids[field] : NULL;
	char err[200];
	const char *why = NULL;
	int ages[DASV_MAX_CHILDREN], n, i;
	bool any;

	(void)f;
	if (!id)
		return NULL;
	if (st->core_field == field) {
		/* the core's verdict on the last save, shown once */
		st->core_field = -1;
		snprintf(st->msg, sizeof(st->msg), "%s", st->core_msg);
		return st->msg;
	}
	if (!strcmp(id, "received_on")) {
		int32_t day;

		if ((why = rf_date_why(id, v, &day)))
			return why;
		return day > dasv_date_today() ? "In the future" : NULL;
	}
	if (!strcmp(id, "incident_on") || !strcmp(id, "date_of_birth"))
		return rf_check_date(st, id, v, true);
	if (!strcmp(id, "perpetrator_dob"))
		return rf_check_date(st, id, v, false);
	if (!strcmp(id, "first_name") || !strcmp(id, "last_name") ||
	    !strcmp(id, "perpetrator_name"))
		return rf_check_name(id, v);
	if (!strcmp(id, "postcode"))
		return dasv_validate_postcode(id, v, 0, err, sizeof(err)) == DASV_OK
			       ? NULL : "Not a UK postcode";
	if (!strcmp(id, "phone"))
		return rf_check_phone(st, v);
	if (!strcmp(id, "email"))
		return dasv_validate_email(id, v, 0, err, sizeof(err)) == DASV_OK
			       ? NULL : "Not an e-mail address";
	if (!strcmp(id, "address") || !strcmp(id, "safe_contact") || !strcmp(id, "notes"))
		return dasv_validate_multiline(id, v, !strcmp(id, "address") ? 400 :
					       !strcmp(id, "safe_contact") ? 2000 : 65536,
					       0, err, sizeof(err)) == DASV_OK ? NULL : "Too long";
	if (!strcmp(id, "children_ages")) {
		char cnt[16];

		if (rf_parse_ages(v, ages, &n, &why) != 0)
			return why;
		rf_get(st, "children_count", cnt, sizeof(cnt));
		if (n > atoi(cnt))
			return "More ages than children";
		return NULL;
	}
	if (st->saving && field == st->vawg_field[0]) {
		for (i = 0, any = false; i < st->nvawg; i++)
			any = any || rf_yes(st, st->vawg_ids[i]);
		if (!any)
			return "Choose at least one type";
	}
	return NULL;
}

/* The legal basis is required while consent to share is No. */
static void
rf_sync_required(struct rform *st)
{
	widget_form_set_required(st->f, rf_find(st, "sharing_basis"),
				 !rf_yes(st, "consent_to_share"));
}

/* The core's field name -> the form's field. */
static int
rf_core_field(const struct rform *st, const char *name)
{
	if (!strcmp(name, "vawg_types"))
		return st->vawg_field[0];
	return rf_find(st, name);
}

/* Show the core's complaint beside its field and focus it. */
static void
rf_core_error(struct rform *st, struct ui *ui, const struct dasv_field_err *fe)
{
	int i = rf_core_field(st, fe->field);
	char v[8];
	bool was_blank;

	if (i < 0) {
		ui_error(ui, "%s: %s", fe->field, fe->msg);
		return;
	}
	widget_form_get(st->f, i, v, sizeof(v));
	was_blank = v[0] == '\0';
	st->core_field = i;
	snprintf(st->core_msg, sizeof(st->core_msg), "%c%s",
		 fe->msg[0] >= 'a' && fe->msg[0] <= 'z' ? fe->msg[0] - 'a' + 'A' : fe->msg[0],
		 fe->msg[0] ? fe->msg + 1 : "");
	/* a blank field gets no validator call: make it required for this check */
	if (was_blank)
		widget_form_set_required(st->f, i, true);
	widget_form_check(st->f);
	if (was_blank) {
		widget_form_set_required(st->f, i, st->required[i]);
		rf_sync_required(st);
	}
	st->core_field = -1;
	ui_error(ui, "%s: %s", rf_label_of(fe->field), fe->msg);
}

/* ---- the repeat-victimisation warning ----------------------------------- */

struct rf_repeat {
	const struct dasv_match *m;
	size_t n;
	bool yes;
};

static const struct ui_keyuse rf_repeat_keys[] = {
	{ UI_REQ_YES, "Save anyway", "Save the new referral; it is linked to the earlier ones" },
	{ UI_REQ_NO, "Back to form", "Back to the form without saving" },
	{ UI_REQ_BACK, "Back to form", "Back to the form without saving" },
	UI_KEYS_END
};

static void
rf_repeat_draw(struct ui *ui, void *state)
{
	struct rf_repeat *d = state;
	WINDOW *w = ui_box(ui, (int)d->n + 8, 76, "Repeat victimisation");
	int cols = getmaxx(w) - 6, y = 2, x;
	char line[160];
	size_t i;

	snprintf(line, sizeof(line), "This person matches %zu earlier referral(s):", d->n);
	ui_put(w, y++, 3, cols, line, A_BOLD);
	for (i = 0; i < d->n && y < getmaxy(w) - 4; i++, y++) {
		const struct dasv_match *m = &d->m[i];

		snprintf(line, sizeof(line), "#%lld  %s", (long long)m->referral_id, m->received_on);
		x = 5 + ui_put(w, y, 5, cols - 2, line, A_NORMAL) + 2;
		x += ui_put_risk(ui, w, y, x, m->level, A_NORMAL) + 2;
		snprintf(line, sizeof(line), "%s  (same %s)",
			 dasv_code_label(DASV_LIST_STATUS, m->status),
			 !strcmp(m->matched_by, "phone") ? "phone" : "surname and date of birth");
		ui_put(w, y, x, cols - x + 3, line, A_NORMAL);
	}
	ui_put(w, ++y, 3, cols, "\xe2\x80\x94 repeat victimisation. Save this new referral?",
	       ui_attr(ui, UI_ROLE_RISK_HIGH) | A_BOLD);
	ui_put(w, ++y, 3, cols, "y = save it, n or Esc = back to the form", ui_attr(ui, UI_ROLE_HINT));
	ui_set_cursor(ui, w, 2, 3);
}

static int
rf_repeat_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct rf_repeat *d = state;

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

static const struct ui_screen_ops rf_repeat_ops = {
	.name = "Repeat victimisation",
	.keys = rf_repeat_keys,
	.flags = UI_SCREEN_OVERLAY,
	.draw = rf_repeat_draw,
	.handle = rf_repeat_handle,
};

/* Earlier referrals of this person?  true to go on and save. */
static bool
rf_repeat_ok(struct rform *st, struct ui *ui, const struct dasv_person *p)
{
	struct dasv_match m[RF_MATCHES];
	struct rf_repeat d = { m, 0, false };
	enum dasv_status s;

	s = dasv_person_matches(st->a->d, p, m, RF_MATCHES, &d.n);
	if (s != DASV_OK) {
		/* cannot tell: say so, and let the caseworker decide */
		ui_error(ui, "Could not check for earlier referrals: %s", dasv_errmsg(st->a->d));
		return widget_confirm(ui, "Could not check for earlier referrals. Save anyway?");
	}
	if (d.n == 0)
		return true;
	if (ui_run_modal(ui, &rf_repeat_ops, &d) < 0)
		return false;
	return d.yes;
}

/* ---- the screen --------------------------------------------------------- */

static int
rf_save(struct rform *st, struct ui *ui)
{
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;
	enum dasv_status s;
	char extra[160] = "";
	int64_t id;

	if (st->id && !st->loaded) {
		ui_error(ui, "The referral could not be read: nothing to save. Esc to go back.");
		return UI_HANDLED | UI_REDRAW;
	}
	rf_sync_required(st);
	st->saving = true;
	if (widget_form_check(st->f) >= 0) {
		st->saving = false;
		ui_error(ui, "Some fields need attention: see the messages beside them.");
		return UI_HANDLED | UI_REDRAW;
	}
	st->saving = false;
	rf_collect(st, &r);
	memset(&fe, 0, sizeof(fe));
	if (dasv_referral_check(&r, &fe) != DASV_OK) {
		rf_core_error(st, ui, &fe);
		goto out;
	}
	if (!st->id) {
		if (!rf_repeat_ok(st, ui, &r.person)) {
			ui_message(ui, "Not saved: the form is as you left it.");
			goto out;
		}
		s = dasv_referral_create(st->a->d, &r, &fe, &res);
	} else {
		s = dasv_referral_update(st->a->d, &r, &fe);
	}
	if (s == DASV_INVALID && fe.field[0]) {
		rf_core_error(st, ui, &fe);
		goto out;
	}
	if (s == DASV_CONFLICT) {
		widget_message(ui, "Changed by someone else", dasv_errmsg(st->a->d));
		goto out;
	}
	if (s != DASV_OK) {
		app_core_error(st->a, s);
		goto out;
	}
	widget_form_set_clean(st->f);
	dasv_referral_clear(&r);
	if (st->id) {
		ui_message(ui, "Referral #%lld updated.", (long long)st->id);
		return UI_HANDLED | UI_POP;
	}
	id = res.id;
	if (res.earlier_referrals > 0)
		snprintf(extra, sizeof(extra), " Linked to %d earlier referral(s): repeat victim.",
			 res.earlier_referrals);
	if (res.perpetrator_other_victims > 0)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " Perpetrator linked to other victims.");
	ui_message(ui, "Referral #%lld saved.%s", (long long)id, extra);
	/* the form's work is done: its case screen takes its place */
	screen_case_run(st->a, id);
	return UI_HANDLED | UI_POP;
out:
	dasv_referral_clear(&r);
	return UI_HANDLED | UI_REDRAW;
}

static void
rf_draw(struct ui *ui, void *state)
{
	struct rform *st = state;
	WINDOW *w = ui_body(ui);

	if (st->id && !st->loaded && !st->load_failed) {
		/* fields were forgotten at a lock: read the record again, once */
		if (rf_load(st) != 0)
			st->load_failed = true;
	}
	widget_form_draw(st->f, ui, w);
	if (st->id && !st->loaded)
		ui_put(w, 1, 1, getmaxx(w) - 2,
		       "The referral could not be read (see the message below). Esc to go back.",
		       ui_attr(ui, UI_ROLE_ERROR));
}

static int
rf_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct rform *st = state;
	int r;

	if (req == UI_REQ_SAVE)
		return rf_save(st, ui);
	r = widget_form_handle(st->f, ui, req, ch);
	rf_sync_required(st);
	return r;
}

static bool
rf_dirty(struct ui *ui, void *state)
{
	struct rform *st = state;

	(void)ui;
	return widget_form_dirty(st->f);
}

static void
rf_wipe(struct ui *ui, void *state)
{
	struct rform *st = state;

	(void)ui;
	/* a clean edit holds only what the core gave us: forget it, read again later */
	if (st->id && !widget_form_dirty(st->f)) {
		rf_blank_all(st);
		st->loaded = false;
		st->load_failed = false;
	}
	dasv_wipe(st->msg, sizeof(st->msg));
	dasv_wipe(st->core_msg, sizeof(st->core_msg));
}

static void
rf_free(struct rform *st)
{
	if (!st)
		return;
	widget_form_free(&st->f);
	dasv_wipe(st, sizeof(*st));
	free(st);
}

static void
rf_leave(struct ui *ui, void *state)
{
	(void)ui;
	rf_free(state);
}

static const struct ui_screen_ops rf_new_ops = {
	.name = "New referral",
	.keys = widget_form_keys,
	.draw = rf_draw,
	.handle = rf_handle,
	.leave = rf_leave,
	.dirty = rf_dirty,
	.wipe = rf_wipe,
};

static const struct ui_screen_ops rf_edit_ops = {
	.name = "Edit referral",
	.keys = widget_form_keys,
	.draw = rf_draw,
	.handle = rf_handle,
	.leave = rf_leave,
	.dirty = rf_dirty,
	.wipe = rf_wipe,
};

int
screen_referral_form_push(struct app *a, int64_t id)
{
	struct rform *st = calloc(1, sizeof(*st));
	char today[11];

	if (!st) {
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	st->a = a;
	st->id = id > 0 ? id : 0;
	st->core_field = -1;
	if (rf_build(st) != 0) {
		ui_error(a->ui, "Out of memory.");
		rf_free(st);
		return -1;
	}
	if (st->id) {
		if (rf_load(st) != 0) {
			rf_free(st);
			return -1;
		}
	} else {
		dasv_date_format(dasv_date_today(), today);
		rf_set(st, "received_on", today);
		widget_form_set_clean(st->f);
	}
	rf_sync_required(st);
	if (ui_push(a->ui, st->id ? &rf_edit_ops : &rf_new_ops, st) < 0) {
		rf_free(st);
		return -1;
	}
	return 0;
}
