/*
 * screen_sv.c - the sexual violence safety-and-support assessment: the 14
 * domains of core/codes.h (DASV_LIST_SV_DOMAIN), each scored 0 to 3.
 *
 * Owns the scores being entered and an optional raise with its reason.  The
 * suggested level (high if any domain is 3, medium if any is 2, else
 * standard) comes live from dasv_sv_suggest, and "raise, never lower" from
 * dasv_pj_apply, so the screen and the core cannot disagree.  The scores are
 * stored sealed, so wipe() drops them on lock and the saved ones are fetched
 * again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "widget.h"

#define SV_UNSCORED (-1)
#define SV_HEAD_LINES 5
#define SV_REASON_MAX 512

struct sv {
	struct app *a;
	int64_t rid;
	int scores[DASV_SV_DOMAINS];	/* 0..3, or SV_UNSCORED */
	enum dasv_level raise;		/* DASV_LEVEL_NONE: the suggestion stands */
	char reason[SV_REASON_MAX];	/* sensitive */
	char prefill[160];
	int sel, top;
	unsigned gen;			/* bumped by wipe(): dialogs check it */
	bool dirty, wiped, lost;
	char notice[200];		/* shown until the next key (see screen_dash.c) */
};

static void
sv_forget(struct sv *s)
{
	int i;

	for (i = 0; i < DASV_SV_DOMAINS; i++)
		s->scores[i] = SV_UNSCORED;
	dasv_wipe(s->reason, sizeof(s->reason));
	s->raise = DASV_LEVEL_NONE;
	s->prefill[0] = '\0';
	s->dirty = false;
}

static enum dasv_status
sv_load(struct sv *s)
{
	struct dasv_assessment as;
	enum dasv_status st;
	int i;

	sv_forget(s);
	st = dasv_assessment_latest(s->a->d, s->rid, "sv", &as);
	if (st == DASV_NOTFOUND)
		return DASV_OK;
	if (st != DASV_OK)
		return st;
	if (as.answers && strlen(as.answers) == DASV_SV_DOMAINS &&
	    strspn(as.answers, "0123") == DASV_SV_DOMAINS) {
		for (i = 0; i < DASV_SV_DOMAINS; i++)
			s->scores[i] = as.answers[i] - '0';
		snprintf(s->prefill, sizeof(s->prefill),
			 "Scores from the assessment of %s by %s (level %s): check each one again.",
			 as.assessed_on, as.assessed_by, dasv_level_short(as.level));
	}
	dasv_assessment_clear(&as);
	return DASV_OK;
}

static void
sv_ensure(struct sv *s)
{
	enum dasv_status st;

	if (!s->wiped)
		return;
	s->wiped = false;
	st = sv_load(s);
	if (st != DASV_OK)
		snprintf(s->notice, sizeof(s->notice), "%s", dasv_errmsg(s->a->d));
	else if (s->lost)
		snprintf(s->notice, sizeof(s->notice),
			 "The screen was locked: unsaved scores were cleared for safety.");
	s->lost = false;
}

/* Unscored domains count as 0, as they will if saved so. */
static enum dasv_level
sv_suggested(const struct sv *s)
{
	int sc[DASV_SV_DOMAINS], i;
	enum dasv_level l = DASV_LEVEL_STANDARD;

	for (i = 0; i < DASV_SV_DOMAINS; i++)
		sc[i] = s->scores[i] < 0 ? 0 : s->scores[i];
	if (dasv_sv_suggest(sc, &l, NULL, 0) != DASV_OK)
		return DASV_LEVEL_NONE;
	return l;
}

static int
sv_unscored(const struct sv *s)
{
	int i, n = 0;

	for (i = 0; i < DASV_SV_DOMAINS; i++)
		n += s->scores[i] < 0;
	return n;
}

/* ---- drawing ---------------------------------------------------------- */

static void
sv_draw(struct ui *ui, void *state)
{
	struct sv *s = state;
	WINDOW *w = ui_body(ui);
	const struct dasv_code *dom;
	attr_t sa = ui_attr(ui, UI_ROLE_SELECT), a;
	enum dasv_level sug;
	char line[240], opt[8];
	size_t ndom;
	int h, cols, rows, x, i, k, v, lw, ox;

	sv_ensure(s);
	getmaxyx(w, h, cols);
	dom = dasv_codes(DASV_LIST_SV_DOMAIN, &ndom);
	sug = sv_suggested(s);

	snprintf(line, sizeof(line), "SV safety and support assessment \xe2\x80\x94 referral %lld",
		 (long long)s->rid);
	ui_put(w, 0, 1, cols - 22, line, ui_attr(ui, UI_ROLE_LABEL));
	snprintf(line, sizeof(line), "Scored %d of %d", DASV_SV_DOMAINS - sv_unscored(s),
		 DASV_SV_DOMAINS);
	ui_put(w, 0, cols - 20, 19, line, A_NORMAL);

	x = 1 + ui_put(w, 1, 1, cols - 2, "Suggested level: ", A_BOLD);
	x += ui_put_risk(ui, w, 1, x, sug, A_BOLD);
	x += ui_put(w, 1, x, cols - x - 1,
		    sug == DASV_LEVEL_HIGH ? " (a domain scores 3)" :
		    sug == DASV_LEVEL_MEDIUM ? " (a domain scores 2)" :
		    sv_unscored(s) == DASV_SV_DOMAINS ? " (nothing scored yet)" : " (no domain above 1)",
		    A_NORMAL);
	if (s->raise != DASV_LEVEL_NONE) {
		x += ui_put(w, 1, x, cols - x - 1, "   raised to ", A_NORMAL);
		x += ui_put_risk(ui, w, 1, x, s->raise, A_BOLD);
		ui_put(w, 1, x, cols - x - 1,
		       s->raise <= sug ? " (not above the suggestion: J to change)" : ", with a reason",
		       s->raise <= sug ? ui_attr(ui, UI_ROLE_ERROR) : A_NORMAL);
	}
	if (s->notice[0])
		ui_put(w, 2, 1, cols - 2, s->notice, ui_attr(ui, UI_ROLE_ERROR));
	else
		ui_put(w, 2, 1, cols - 2,
		       s->prefill[0] ? s->prefill :
		       "Score 0 (none) to 3 (high) with keys 0-3 (then the next), or Left/Right.",
		       ui_attr(ui, UI_ROLE_HINT));
	ui_put(w, 3, 1, cols - 2,
	       "In a relationship the DASH applies too; the referral takes the higher level.",
	       ui_attr(ui, UI_ROLE_HINT));

	lw = cols - 5 - 20;
	if (lw > 40)
		lw = 40;
	ox = 5 + lw + 1;
	ui_put(w, SV_HEAD_LINES - 1, 1, 3, "#", ui_attr(ui, UI_ROLE_HEADER));
	ui_put(w, SV_HEAD_LINES - 1, 5, lw, "Domain", ui_attr(ui, UI_ROLE_HEADER));
	ui_put(w, SV_HEAD_LINES - 1, ox, 16, "Score", ui_attr(ui, UI_ROLE_HEADER));
	rows = h - SV_HEAD_LINES;
	if (rows < 1)
		rows = 1;
	if (s->top > DASV_SV_DOMAINS - rows)
		s->top = DASV_SV_DOMAINS - rows;
	if (s->top < 0)
		s->top = 0;
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + rows)
		s->top = s->sel - rows + 1;
	for (i = 0; i < rows && s->top + i < DASV_SV_DOMAINS; i++) {
		int y = SV_HEAD_LINES + i;

		k = s->top + i;
		a = k == s->sel ? sa : A_NORMAL;
		if (k == s->sel) {
			wattrset(w, sa);
			mvwhline(w, y, 0, ' ', cols);
			wattrset(w, A_NORMAL);
		}
		snprintf(line, sizeof(line), "%2d", k + 1);
		ui_put(w, y, 1, 3, line, a);
		ui_put(w, y, 5, lw, (size_t)k < ndom ? dom[k].label : "?", a);
		/* the chosen score in brackets: shown as text, not by colour alone */
		for (v = 0; v <= 3; v++) {
			snprintf(opt, sizeof(opt), s->scores[k] == v ? "[%d]" : " %d ", v);
			ui_put(w, y, ox + v * 4, 3, opt, s->scores[k] == v ? a | A_BOLD : a);
		}
		if (s->scores[k] < 0)
			ui_put(w, y, ox + 17, cols - ox - 18, "not scored", a | ui_attr(ui, UI_ROLE_HINT));
	}
	ui_set_cursor(ui, w, SV_HEAD_LINES + s->sel - s->top, 0);
}

/* ---- actions ---------------------------------------------------------- */

static const struct widget_choice sv_raise_choices[] = {
	{ "", "Keep the suggested level" },
	{ "standard", "Standard" },
	{ "medium", "Medium" },
	{ "high", "High" },
};

static int
sv_judge(struct ui *ui, struct sv *s)
{
	char reason[SV_REASON_MAX], err[200];
	unsigned gen = s->gen;
	enum dasv_level req, sug = sv_suggested(s);
	int c, r;

	c = widget_choose(ui, "Raise the level", sv_raise_choices,
			  sizeof(sv_raise_choices) / sizeof(sv_raise_choices[0]), (int)s->raise + 1);
	if (c < 0 || gen != s->gen)
		return UI_HANDLED | UI_REDRAW;
	req = (enum dasv_level)(c - 1);
	if (req == DASV_LEVEL_NONE || req == sug) {
		if (s->raise != DASV_LEVEL_NONE) {
			s->raise = DASV_LEVEL_NONE;
			dasv_wipe(s->reason, sizeof(s->reason));
			s->dirty = true;
		}
		ui_message(ui, "The suggested level stands.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (dasv_pj_apply(sug, req, "(reason asked next)", NULL, err, sizeof(err)) != DASV_OK) {
		ui_error(ui, "%s", err);
		return UI_HANDLED | UI_REDRAW;
	}
	r = widget_reason(ui, "Raise the level", "Reason:", reason, sizeof(reason));
	if (r == 1 && gen == s->gen) {
		s->raise = req;
		snprintf(s->reason, sizeof(s->reason), "%s", reason);
		s->dirty = true;
		ui_message(ui, "Level raised to %s, with your reason.", dasv_level_short(req));
	}
	dasv_wipe(reason, sizeof(reason));
	return UI_HANDLED | UI_REDRAW;
}

static int
sv_save(struct ui *ui, struct sv *s)
{
	int scores[DASV_SV_DOMAINS], i, blank = sv_unscored(s);
	enum dasv_level sug, level = DASV_LEVEL_NONE;
	enum dasv_status st;
	unsigned gen = s->gen;
	char q[120], text[400];

	if (blank) {
		snprintf(q, sizeof(q), "Score the %d unscored domain%s as 0?", blank,
			 blank == 1 ? "" : "s");
		if (!widget_confirm(ui, q)) {
			for (i = 0; gen == s->gen && i < DASV_SV_DOMAINS; i++)
				if (s->scores[i] < 0) {
					s->sel = i;
					break;
				}
			return UI_HANDLED | UI_REDRAW;
		}
		if (gen != s->gen)
			return UI_HANDLED | UI_REDRAW;
	}
	for (i = 0; i < DASV_SV_DOMAINS; i++)
		scores[i] = s->scores[i] < 0 ? 0 : s->scores[i];
	sug = sv_suggested(s);
	st = dasv_sv_record(s->a->d, s->rid, scores, s->raise,
			    s->raise != DASV_LEVEL_NONE ? s->reason : NULL, &level);
	dasv_wipe(scores, sizeof(scores));
	if (st != DASV_OK) {
		app_core_error(s->a, st);
		return UI_HANDLED | UI_REDRAW;
	}
	s->dirty = false;
	if (level != sug)
		snprintf(text, sizeof(text), "Referral %lld: SV level %s (suggested %s, raised with "
			 "your reason). The referral takes the higher of this and any DASH level.",
			 (long long)s->rid, dasv_level_short(level), dasv_level_short(sug));
	else
		snprintf(text, sizeof(text), "Referral %lld: SV level %s, as suggested. The referral "
			 "takes the higher of this and any DASH level.", (long long)s->rid,
			 dasv_level_short(level));
	widget_message(ui, "SV assessment saved", text);
	ui_message(ui, "SV assessment saved: level %s.", dasv_level_short(level));
	return UI_HANDLED | UI_POP | UI_REDRAW;
}

static int
sv_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct sv *s = state;
	int *v = &s->scores[s->sel];
	int page = LINES > 12 ? LINES - 12 : 1;

	s->notice[0] = '\0';
	switch (req) {
	case UI_REQ_SCORE:
	case UI_REQ_CHAR:
		if (ch < '0' || ch > '3') {
			ui_error(ui, "Scores are 0 to 3.");
			return UI_HANDLED | UI_REDRAW;
		}
		if (*v != (int)(ch - '0'))
			s->dirty = true;
		*v = (int)(ch - '0');
		if (s->sel < DASV_SV_DOMAINS - 1)
			s->sel++;
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_LEFT:
		if (*v > 0) {
			(*v)--;
			s->dirty = true;
		} else if (*v < 0) {
			*v = 0;
			s->dirty = true;
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_RIGHT:
		if (*v < 3) {
			(*v)++;
			s->dirty = true;
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_JUDGE:
		return sv_judge(ui, s);
	case UI_REQ_SAVE:
		return sv_save(ui, s);
	case UI_REQ_UP: s->sel--; break;
	case UI_REQ_DOWN: s->sel++; break;
	case UI_REQ_PGUP: s->sel -= page; break;
	case UI_REQ_PGDN: s->sel += page; break;
	case UI_REQ_HOME: s->sel = 0; break;
	case UI_REQ_END: s->sel = DASV_SV_DOMAINS - 1; break;
	default:
		return 0;
	}
	if (s->sel < 0)
		s->sel = 0;
	if (s->sel >= DASV_SV_DOMAINS)
		s->sel = DASV_SV_DOMAINS - 1;
	return UI_HANDLED | UI_REDRAW;
}

static bool
sv_dirty(struct ui *ui, void *state)
{
	struct sv *s = state;

	(void)ui;
	return s->dirty;
}

static void
sv_wipe(struct ui *ui, void *state)
{
	struct sv *s = state;

	(void)ui;
	s->lost = s->dirty;
	sv_forget(s);
	s->gen++;
	s->wiped = true;
}

static void
sv_leave(struct ui *ui, void *state)
{
	struct sv *s = state;

	(void)ui;
	sv_forget(s);
	dasv_wipe(s, sizeof(*s));
	free(s);
}

static const struct ui_keyuse sv_keys[] = {
	{ UI_REQ_SCORE, NULL, NULL },
	{ UI_REQ_LEFT, "Less", "Lower the score" },
	{ UI_REQ_RIGHT, "More", "Raise the score" },
	{ UI_REQ_JUDGE, "Raise", "Raise the suggested level, with a reason (never lower)" },
	{ UI_REQ_SAVE, NULL, "Save the assessment" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	UI_KEYS_END
};

static const struct ui_screen_ops sv_ops = {
	.name = "SV assessment",
	.keys = sv_keys,
	.draw = sv_draw,
	.handle = sv_handle,
	.leave = sv_leave,
	.dirty = sv_dirty,
	.wipe = sv_wipe,
};

int
screen_sv_push(struct app *a, int64_t referral_id)
{
	struct sv *s = calloc(1, sizeof(*s));
	enum dasv_status st;

	if (!s) {
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	s->a = a;
	s->rid = referral_id;
	st = sv_load(s);
	if (st != DASV_OK) {
		app_core_error(a, st);
		sv_leave(a->ui, s);
		return -1;
	}
	if (ui_push(a->ui, &sv_ops, s) < 0) {
		sv_leave(a->ui, s);
		return -1;
	}
	return 0;
}
