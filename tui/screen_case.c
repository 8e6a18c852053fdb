/*
 * screen_case.c - one referral: the safe-contact instructions first, in a box
 * at the top that never scrolls away, then risk, recommendation, allocation,
 * the person, children, perpetrator, consent, equality, notes and the
 * timeline of contacts and notes, newest first, in a scrolling view.
 *
 * This file owns the view's state, its reading and the keys; how it is drawn
 * is screen_case_draw.c, the break-glass dialog screen_case_bg.c and the
 * close form screen_case_close.c, sharing the state through screen_case.h.
 *
 * Keys are casework: log a contact, add a note, DASH, SV assessment, needs,
 * allocate (supervisors), edit, close with an outcome.  Access is the core's:
 * a referral outside the caseworker's caseload is opened only with a
 * break-glass reason, which the core records for supervisors.
 *
 * Decrypted strings live in the state's dasv_referral and event list only;
 * wipe() (lock) clears them and the view reads again when next drawn, and
 * leave() clears and frees.  The record is read again (an audited read) only
 * after something changed it: a child screen was opened, or a contact, note
 * or closure was saved here.  Everything from data reaches the terminal
 * through ui_put, which sanitises.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screen_case.h"
#include "widget.h"

#define CASE_EVENTS_PAGE 100

/* ---- loading ------------------------------------------------------------ */

static void
case_forget(struct case_view *cv)
{
	dasv_referral_clear(&cv->r);
	dasv_events_free(&cv->ev, cv->nev);
	cv->nev = 0;
	cv->ev_more = false;
	cv->has_dash = false;
	dasv_wipe(cv->criteria, sizeof(cv->criteria));
	dasv_wipe(cv->dash_by, sizeof(cv->dash_by));
	dasv_wipe(cv->needs, sizeof(cv->needs));
	cv->needs_recorded = 0;
	cv->loaded = false;
}

/* What goes with the record: the latest DASH's facts, needs. */
static void
case_load_rest(struct case_view *cv)
{
	cv->ev_error[0] = '\0';
	cv->ev_more = cv->nev == CASE_EVENTS_PAGE;
	cv->has_dash = cv->r.dash_on[0] != '\0';
	snprintf(cv->dash_on, sizeof(cv->dash_on), "%s", cv->r.dash_on);
	snprintf(cv->dash_by, sizeof(cv->dash_by), "%s", cv->r.dash_by);
	snprintf(cv->criteria, sizeof(cv->criteria), "%s", cv->r.marac_criteria);
	if (dasv_needs_get(cv->a->d, cv->id, cv->needs, &cv->needs_recorded) != DASV_OK)
		cv->needs_recorded = 0;
	cv->loaded = true;
	cv->stale = false;
	cv->load_failed = false;
}

/* The record and the first page of its timeline: one audited opening. */
static enum dasv_status
case_fetch(struct case_view *cv)
{
	return dasv_case_get(cv->a->d, cv->id, cv->bg_reason[0] ? cv->bg_reason : NULL,
			     CASE_EVENTS_PAGE, &cv->r, &cv->ev, &cv->nev);
}

int
screen_case_reload(struct case_view *cv)
{
	enum dasv_status s;

	case_forget(cv);
	s = case_fetch(cv);
	if (s != DASV_OK) {
		snprintf(cv->error, sizeof(cv->error), "%s", dasv_errmsg(cv->a->d));
		cv->load_failed = true;
		cv->stale = false;
		return -1;
	}
	case_load_rest(cv);
	return 0;
}

/* The next page of older timeline entries, appended. */
static void
case_load_older(struct case_view *cv)
{
	struct dasv_event *more = NULL, *grown;
	size_t n = 0;
	enum dasv_status s;

	if (!cv->ev_more || !cv->nev)
		return;
	s = dasv_timeline(cv->a->d, cv->id, cv->ev[cv->nev - 1].id, CASE_EVENTS_PAGE, &more, &n);
	if (s != DASV_OK) {
		app_core_error(cv->a, s);
		cv->ev_more = false;
		return;
	}
	grown = n ? realloc(cv->ev, (cv->nev + n) * sizeof(*grown)) : cv->ev;
	if (!grown) {
		dasv_events_free(&more, n);
		ui_error(cv->a->ui, "Out of memory.");
		return;
	}
	if (n)
		memcpy(grown + cv->nev, more, n * sizeof(*more));
	free(more);	/* the bodies now belong to grown */
	cv->ev = grown;
	cv->nev += n;
	cv->ev_more = n == CASE_EVENTS_PAGE;
}

/* ---- keys and casework ---------------------------------------------------- */

static void
case_scroll(struct case_view *cv, int by)
{
	cv->scroll += by;
	if (cv->scroll > cv->total_lines - cv->view_rows)
		cv->scroll = cv->total_lines - cv->view_rows;
	if (cv->scroll < 0)
		cv->scroll = 0;
}

static const struct widget_choice case_contact_kinds[] = {
	{ "attempted", "Attempted: no answer, or could not talk" },
	{ "made", "Made: spoke with them" },
	{ "unsafe", "Unsafe: could not contact safely" },
};
static const enum dasv_contact_kind case_contact_enum[] = {
	DASV_CONTACT_ATTEMPTED, DASV_CONTACT_MADE, DASV_CONTACT_UNSAFE,
};
_Static_assert(sizeof(case_contact_kinds) / sizeof(case_contact_kinds[0]) ==
	       sizeof(case_contact_enum) / sizeof(case_contact_enum[0]), "one kind per choice");

static int
case_contact(struct case_view *cv, struct ui *ui)
{
	char note[2048];
	enum dasv_status s;
	int k, r;

	k = widget_choose(ui, "Log a contact", case_contact_kinds,
			  sizeof(case_contact_kinds) / sizeof(case_contact_kinds[0]), 0);
	if (k < 0)
		return UI_HANDLED | UI_REDRAW;
	r = widget_prompt(ui, "Contact note", "Note (optional):", note, sizeof(note), 0);
	if (r != 1) {
		dasv_wipe(note, sizeof(note));
		ui_message(ui, "No contact logged.");
		return UI_HANDLED | UI_REDRAW;
	}
	s = dasv_contact_add(cv->a->d, cv->id, case_contact_enum[k], note[0] ? note : NULL);
	dasv_wipe(note, sizeof(note));
	if (s != DASV_OK) {
		app_core_error(cv->a, s);
		return UI_HANDLED | UI_REDRAW;
	}
	screen_case_reload(cv);
	cv->to_timeline = true;
	ui_message(ui, "Contact logged (%s).", case_contact_kinds[k].code);
	return UI_HANDLED | UI_REDRAW;
}

static int
case_note(struct case_view *cv, struct ui *ui)
{
	char note[4096];
	enum dasv_status s;
	int r;

	r = widget_prompt(ui, "Case note", "Note:", note, sizeof(note), 0);
	if (r != 1 || note[strspn(note, " ")] == '\0') {
		dasv_wipe(note, sizeof(note));
		ui_message(ui, r == 1 ? "Nothing saved: the note was empty." : "No note added.");
		return UI_HANDLED | UI_REDRAW;
	}
	s = dasv_note_add(cv->a->d, cv->id, note);
	dasv_wipe(note, sizeof(note));
	if (s != DASV_OK) {
		app_core_error(cv->a, s);
		return UI_HANDLED | UI_REDRAW;
	}
	screen_case_reload(cv);
	cv->to_timeline = true;
	ui_message(ui, "Note added.");
	return UI_HANDLED | UI_REDRAW;
}

/* A screen that changes the referral: read it again when we are back. */
static int
case_child(struct case_view *cv, int (*push)(struct app *, int64_t))
{
	cv->stale = true;
	cv->load_failed = false;
	if (push(cv->a, cv->id) != 0)
		cv->stale = false;
	return UI_HANDLED | UI_REDRAW;
}

static int
case_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct case_view *cv = state;
	enum dasv_role role = dasv_session_role(cv->a->d);

	(void)ch;
	switch (req) {
	case UI_REQ_UP:
		case_scroll(cv, -1);
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_DOWN:
		case_scroll(cv, 1);
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_PGUP:
		case_scroll(cv, -(cv->view_rows > 2 ? cv->view_rows - 1 : 1));
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_PGDN:
		case_scroll(cv, cv->view_rows > 2 ? cv->view_rows - 1 : 1);
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_HOME:
		cv->scroll = 0;
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_END:
		if (cv->loaded)
			case_load_older(cv);
		cv->scroll = 1 << 30;	/* clamped when drawn */
		return UI_HANDLED | UI_REDRAW;
	default:
		break;
	}
	if (!cv->loaded)
		return 0;
	switch (req) {
	case UI_REQ_CONTACT:
		return case_contact(cv, ui);
	case UI_REQ_NOTE:
		return case_note(cv, ui);
	case UI_REQ_DASH:
		return case_child(cv, screen_dash_push);
	case UI_REQ_SVASSESS:
		return case_child(cv, screen_sv_push);
	case UI_REQ_NEEDS:
		return case_child(cv, screen_needs_push);
	case UI_REQ_ALLOCATE:
		if (role != DASV_ROLE_SUPERVISOR && role != DASV_ROLE_ADMIN) {
			ui_error(ui, "Only supervisors allocate referrals.");
			return UI_HANDLED | UI_REDRAW;
		}
		return case_child(cv, screen_allocate_push);
	case UI_REQ_EDIT:
		return case_child(cv, screen_referral_form_push);
	case UI_REQ_CLOSECASE:
		if (!strcmp(cv->r.status, "closed")) {
			ui_error(ui, "Referral #%lld is already closed.", (long long)cv->id);
			return UI_HANDLED | UI_REDRAW;
		}
		screen_case_close_push(cv);
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

static void
case_wipe(struct ui *ui, void *state)
{
	struct case_view *cv = state;

	(void)ui;
	case_forget(cv);
	dasv_wipe(cv->error, sizeof(cv->error));
	dasv_wipe(cv->ev_error, sizeof(cv->ev_error));
	cv->stale = true;
	cv->load_failed = false;
}

static void
case_free(struct case_view *cv)
{
	if (!cv)
		return;
	case_forget(cv);
	dasv_wipe(cv, sizeof(*cv));
	free(cv);
}

static void
case_leave(struct ui *ui, void *state)
{
	struct case_view *cv = state;

	if (cv->modal)
		case_wipe(ui, cv);	/* screen_case_run frees it */
	else
		case_free(cv);
}

#define CASE_KEYS_HEAD \
	{ UI_REQ_CONTACT, NULL, NULL }, \
	{ UI_REQ_NOTE, NULL, NULL }, \
	{ UI_REQ_DASH, NULL, NULL }, \
	{ UI_REQ_SVASSESS, NULL, NULL }, \
	{ UI_REQ_NEEDS, NULL, NULL }
#define CASE_KEYS_TAIL \
	{ UI_REQ_EDIT, NULL, NULL }, \
	{ UI_REQ_CLOSECASE, NULL, NULL }, \
	{ UI_REQ_UP, NULL, "Scroll up a line" }, \
	{ UI_REQ_DOWN, NULL, "Scroll down a line" }, \
	{ UI_REQ_PGUP, NULL, NULL }, \
	{ UI_REQ_PGDN, NULL, NULL }, \
	{ UI_REQ_HOME, NULL, "Back to the top" }, \
	{ UI_REQ_END, NULL, "To the end, loading older timeline entries" }, \
	UI_KEYS_END

static const struct ui_keyuse case_keys[] = { CASE_KEYS_HEAD, CASE_KEYS_TAIL };
static const struct ui_keyuse case_keys_supervise[] = {
	CASE_KEYS_HEAD, { UI_REQ_ALLOCATE, NULL, NULL }, CASE_KEYS_TAIL
};

static const struct ui_screen_ops case_ops = {
	.name = "Referral",
	.keys = case_keys,
	.draw = screen_case_draw,
	.handle = case_handle,
	.leave = case_leave,
	.wipe = case_wipe,
};

static const struct ui_screen_ops case_ops_supervise = {
	.name = "Referral",
	.keys = case_keys_supervise,
	.draw = screen_case_draw,
	.handle = case_handle,
	.leave = case_leave,
	.wipe = case_wipe,
};

static const struct ui_screen_ops *
case_ops_for(struct app *a)
{
	enum dasv_role role = dasv_session_role(a->d);

	return role == DASV_ROLE_SUPERVISOR || role == DASV_ROLE_ADMIN ? &case_ops_supervise
								       : &case_ops;
}

/* Read the referral (asking for break-glass if the core says it needs one). */
static struct case_view *
case_open(struct app *a, int64_t id)
{
	struct case_view *cv = calloc(1, sizeof(*cv));
	char reason[1024];
	enum dasv_status s;
	int r;

	if (!cv) {
		ui_error(a->ui, "Out of memory.");
		return NULL;
	}
	cv->a = a;
	cv->id = id;
	s = case_fetch(cv);
	if (s == DASV_DENIED && strstr(dasv_errmsg(a->d), "break-glass")) {
		r = screen_case_ask_break_glass(a->ui, reason, sizeof(reason));
		if (r != 1) {
			dasv_wipe(reason, sizeof(reason));
			free(cv);
			if (r == 0)
				ui_message(a->ui, "Referral #%lld not opened.", (long long)id);
			return NULL;
		}
		/* kept for re-reads after a change or an unlock: each is a recorded opening */
		snprintf(cv->bg_reason, sizeof(cv->bg_reason), "%s", reason);
		dasv_wipe(reason, sizeof(reason));
		s = case_fetch(cv);
	}
	if (s != DASV_OK) {
		app_core_error(a, s);
		free(cv);
		return NULL;
	}
	case_load_rest(cv);
	return cv;
}

int
screen_case_push(struct app *a, int64_t id)
{
	struct case_view *cv = case_open(a, id);

	if (!cv)
		return -1;
	if (ui_push(a->ui, case_ops_for(a), cv) < 0) {
		case_free(cv);
		return -1;
	}
	return 0;
}

int
screen_case_run(struct app *a, int64_t id)
{
	struct case_view *cv = case_open(a, id);
	int r;

	if (!cv)
		return -1;
	cv->modal = true;
	r = ui_run_modal(a->ui, case_ops_for(a), cv);
	case_free(cv);
	return r;
}
