/*
 * screen_dash.c - the SafeLives DASH risk checklist and, when question 8
 * (stalking) is Yes, the 11-question S-DASH stalking screen.
 *
 * Owns the answers being entered: 24 answers with where each came from, the
 * stalking answers, consent to a MARAC referral and a professional
 * judgement.  The score, level and MARAC criteria on screen are worked out
 * live by core/risk.h; the criteria that need the person's history
 * (potential escalation, repeat) only by dasv_dash_record on save, and the
 * screen says so.  It never decides risk itself, and it keeps no answer
 * through a lock: wipe() drops them and the last saved assessment is
 * fetched again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "text.h"
#include "widget.h"

#define DASH_UNANSWERED '-'
#define DASH_REASON_MAX 512

struct dash {
	struct app *a;
	int64_t rid;
	struct dasv_risk_config cfg;
	char answers[DASV_DASH_QUESTIONS + 1];	/* Y N ? or DASH_UNANSWERED */
	char sources[DASV_DASH_QUESTIONS + 1];	/* V P R O */
	char stalking[DASV_SDASH_QUESTIONS + 1];
	int consent;
	enum dasv_level pj_level;		/* DASV_LEVEL_NONE: no judgement */
	char pj_reason[DASH_REASON_MAX];	/* sensitive */
	char prefill[160];			/* where the answers came from */
	int sel, top;				/* the checklist */
	int ssel, stop;				/* the stalking screen */
	unsigned gen;				/* bumped by wipe(): dialogs check it */
	bool dirty;
	bool wiped;				/* fetch again before drawing */
	bool lost;				/* a lock cleared unsaved answers */
	/* shown on the screen until the next key: a message set while drawing
	 * would wait for a key to appear */
	char notice[200];
};

/* ---- answers ---------------------------------------------------------- */

static const char dash_source_codes[] = "VPRO";

static const char *
dash_answer_text(char c)
{
	switch (c) {
	case 'Y': return "Yes";
	case 'N': return "No";
	case '?': return "Not known";
	default: return "-";
	}
}

static const char *
dash_source_text(char c)
{
	const struct dasv_code *codes;
	const char *p = strchr(dash_source_codes, c);
	size_t n;

	codes = dasv_codes(DASV_LIST_ANSWER_SOURCE, &n);
	if (!c || !p || (size_t)(p - dash_source_codes) >= n)
		return "?";
	return codes[p - dash_source_codes].label;
}

static int
dash_count(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

static bool
dash_stalking_applies(const struct dash *d)
{
	return d->answers[DASV_DASH_STALKING_INDEX] == 'Y';
}

static bool
dash_stalking_started(const struct dash *d)
{
	return dash_count(d->stalking, DASH_UNANSWERED) < DASV_SDASH_QUESTIONS;
}

static void
dash_forget(struct dash *d)
{
	dasv_wipe(d->answers, sizeof(d->answers));
	dasv_wipe(d->sources, sizeof(d->sources));
	dasv_wipe(d->stalking, sizeof(d->stalking));
	dasv_wipe(d->pj_reason, sizeof(d->pj_reason));
	memset(d->answers, DASH_UNANSWERED, DASV_DASH_QUESTIONS);
	memset(d->sources, 'V', DASV_DASH_QUESTIONS);
	memset(d->stalking, DASH_UNANSWERED, DASV_SDASH_QUESTIONS);
	d->consent = 0;
	d->pj_level = DASV_LEVEL_NONE;
	d->prefill[0] = '\0';
	d->dirty = false;
}

static bool
dash_valid(const char *s, size_t n, const char *allowed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i] || !strchr(allowed, s[i]))
			return false;
	return true;
}

/* The stored form is "ANSWERS|SOURCES|STALKING"; anything odd is left out. */
static void
dash_parse_saved(struct dash *d, const char *s)
{
	const char *p;

	if (!s || strlen(s) < DASV_DASH_QUESTIONS || !dash_valid(s, DASV_DASH_QUESTIONS, "YN?"))
		return;
	memcpy(d->answers, s, DASV_DASH_QUESTIONS);
	p = s + DASV_DASH_QUESTIONS;
	if (*p != '|')
		return;
	p++;
	if (strlen(p) >= DASV_DASH_QUESTIONS && dash_valid(p, DASV_DASH_QUESTIONS, "VPRO"))
		memcpy(d->sources, p, DASV_DASH_QUESTIONS);
	p = strchr(p, '|');
	if (p && strlen(p + 1) == DASV_SDASH_QUESTIONS &&
	    dash_valid(p + 1, DASV_SDASH_QUESTIONS, "YN?"))
		memcpy(d->stalking, p + 1, DASV_SDASH_QUESTIONS);
}

/* Start blank, or from the latest DASH of this referral when there is one. */
static enum dasv_status
dash_load(struct dash *d)
{
	struct dasv_assessment as;
	enum dasv_status st;

	dash_forget(d);
	st = dasv_assessment_latest(d->a->d, d->rid, "dash", &as);
	if (st == DASV_NOTFOUND)
		return DASV_OK;
	if (st != DASV_OK)
		return st;
	/* consent to a MARAC referral is asked afresh each time, so not carried */
	dash_parse_saved(d, as.answers);
	snprintf(d->prefill, sizeof(d->prefill),
		 "From the DASH of %s by %s: check each answer; ask consent again.",
		 as.assessed_on, as.assessed_by);
	dasv_assessment_clear(&as);
	return DASV_OK;
}

/* After a lock: the answers were wiped, fetch the saved ones again. */
static void
dash_ensure(struct dash *d)
{
	enum dasv_status st;

	if (!d->wiped)
		return;
	d->wiped = false;
	st = dash_load(d);
	if (st != DASV_OK)
		snprintf(d->notice, sizeof(d->notice), "%s", dasv_errmsg(d->a->d));
	else if (d->lost)
		snprintf(d->notice, sizeof(d->notice),
			 "The screen was locked: unsaved answers were cleared for safety.");
	d->lost = false;
}

/* The live result: what the answers alone give, without the history. */
static void
dash_live(const struct dash *d, struct dasv_marac_result *res, bool *pj_refused)
{
	struct dasv_marac_input mi = { 0 };
	enum dasv_level pj = DASV_LEVEL_NONE;

	mi.score = dasv_dash_score(d->answers);
	mi.consent = d->consent;
	mi.assessed_level = DASV_LEVEL_NONE;
	mi.pj_level = DASV_LEVEL_NONE;
	mi.incidents_12m = 1;	/* this one; the history is counted on save */
	mi.days_since_marac = -1;
	*pj_refused = false;
	if (d->pj_level != DASV_LEVEL_NONE) {
		if (dasv_pj_apply(dasv_dash_level(&d->cfg, mi.score), d->pj_level, d->pj_reason,
				  &pj, NULL, 0) == DASV_OK)
			mi.pj_level = pj;
		else
			*pj_refused = true;
	}
	dasv_marac_evaluate(&d->cfg, &mi, res);
}

/* "visible high risk (score 14+), with consent; potential escalation" */
static void
dash_criteria(const struct dash *d, const struct dasv_marac_result *r, char *buf, size_t sz)
{
	size_t o = 0;

	buf[0] = '\0';
#define ADD(...) \
	do { \
		if (o < sz) \
			o += (size_t)snprintf(buf + o, sz - o, "%s", o ? "; " : ""); \
		if (o < sz) \
			o += (size_t)snprintf(buf + o, sz - o, __VA_ARGS__); \
	} while (0)
	if (r->auto_marac)
		ADD("score %d+ (regardless of consent)", d->cfg.marac_auto_min);
	else if (r->visible_high && d->consent)
		ADD("visible high risk (score %d+), with consent", d->cfg.marac_consent_min);
	if (r->pj)
		ADD("professional judgement");
	if (r->escalation)
		ADD("potential escalation");
	if (r->repeat && d->cfg.repeat_days == 365)
		ADD("repeat within 12 months of the last MARAC");
	else if (r->repeat)
		ADD("repeat within %d days of the last MARAC", d->cfg.repeat_days);
#undef ADD
}

/* ---- drawing ---------------------------------------------------------- */

static void
dash_scroll(int n, int rows, int sel, int *top)
{
	if (rows < 1)
		rows = 1;
	if (*top > n - rows)
		*top = n - rows;
	if (*top < 0)
		*top = 0;
	if (sel < *top)
		*top = sel;
	if (sel >= *top + rows)
		*top = sel - rows + 1;
}

/* One list of questions: the checklist (with sources) or the stalking screen. */
static void
dash_draw_rows(struct ui *ui, WINDOW *w, int y, int rows, int cols, int n,
	       const char *(*question)(int), const char *answers, const char *sources,
	       int sel, int *top, int note_row, const char *note)
{
	int srcw = sources ? 14 : 0, answ = 11;
	int qx = 5, qw = cols - qx - answ - srcw - 1;
	attr_t sa = ui_attr(ui, UI_ROLE_SELECT), a;
	char num[16], q[200];
	int i, k;

	ui_put(w, y - 1, 1, 3, "#", ui_attr(ui, UI_ROLE_HEADER));
	ui_put(w, y - 1, qx, qw, "Question", ui_attr(ui, UI_ROLE_HEADER));
	ui_put(w, y - 1, qx + qw + 1, answ - 1, "Answer", ui_attr(ui, UI_ROLE_HEADER));
	if (sources)
		ui_put(w, y - 1, qx + qw + 1 + answ, srcw - 1, "Source", ui_attr(ui, UI_ROLE_HEADER));
	dash_scroll(n, rows, sel, top);
	for (i = 0; i < rows && *top + i < n; i++) {
		k = *top + i;
		a = k == sel ? sa : A_NORMAL;
		if (k == sel) {
			wattrset(w, sa);
			mvwhline(w, y + i, 0, ' ', cols);
			wattrset(w, A_NORMAL);
		}
		snprintf(num, sizeof(num), "%2d", k + 1);
		ui_put(w, y + i, 1, 3, num, a);
		if (k == note_row && note &&
		    (int)(dasv_text_width(question(k)) + 2 + dasv_text_width(note)) <= qw)
			snprintf(q, sizeof(q), "%s  %s", question(k), note);
		else
			snprintf(q, sizeof(q), "%s", question(k));
		ui_put(w, y + i, qx, qw, q, a);
		ui_put(w, y + i, qx + qw + 1, answ - 1, dash_answer_text(answers[k]),
		       answers[k] == DASH_UNANSWERED ? a | ui_attr(ui, UI_ROLE_HINT) :
		       answers[k] == 'Y' ? a | A_BOLD : a);
		if (sources)
			ui_put(w, y + i, qx + qw + 1 + answ, srcw - 1, dash_source_text(sources[k]), a);
	}
	if (n > rows && rows > 0 && qw > 30) {
		/* where the window is, at the end of the question column */
		snprintf(q, sizeof(q), "%d-%d of %d", *top + 1, *top + i, n);
		ui_put(w, y - 1, qx + qw - 12, 12, q, ui_attr(ui, UI_ROLE_HINT));
	}
	ui_set_cursor(ui, w, y + sel - *top, 0);
}

static void
dash_draw(struct ui *ui, void *state)
{
	struct dash *d = state;
	WINDOW *w = ui_body(ui);
	struct dasv_marac_result r;
	char line[320], crit[200], note[64];
	int h, cols, x, y, score, answered;
	bool pj_refused;
	enum dasv_level sl;

	dash_ensure(d);
	getmaxyx(w, h, cols);
	score = dasv_dash_score(d->answers);
	answered = DASV_DASH_QUESTIONS - dash_count(d->answers, DASH_UNANSWERED);
	dash_live(d, &r, &pj_refused);
	sl = dasv_dash_level(&d->cfg, score);

	snprintf(line, sizeof(line), "DASH risk checklist \xe2\x80\x94 referral %lld", (long long)d->rid);
	ui_put(w, 0, 1, cols - 22, line, ui_attr(ui, UI_ROLE_LABEL));
	snprintf(line, sizeof(line), "Answered %d of %d", answered, DASV_DASH_QUESTIONS);
	ui_put(w, 0, cols - 20, 19, line, ui_attr(ui, UI_ROLE_NORMAL));

	/* Score 15 of 24 — HIGH   Consent to MARAC: no   Judgement: none */
	snprintf(line, sizeof(line), "Score %d of %d \xe2\x80\x94 ", score, DASV_DASH_QUESTIONS);
	x = 1 + ui_put(w, 1, 1, cols - 2, line, A_BOLD);
	x += ui_put_risk(ui, w, 1, x, sl, A_BOLD);
	if (r.level > sl) {
		x += ui_put(w, 1, x, cols - x - 1, ", level ", A_NORMAL);
		x += ui_put_risk(ui, w, 1, x, r.level, A_BOLD);
		x += ui_put(w, 1, x, cols - x - 1, r.pj ? " (judgement)" : " (MARAC)", A_NORMAL);
	}
	if (d->pj_level == DASV_LEVEL_NONE)
		snprintf(line, sizeof(line), "   Consent to MARAC: %s   Judgement: none",
			 d->consent ? "yes" : "no");
	else
		snprintf(line, sizeof(line), "   Consent to MARAC: %s   Judgement: %s%s",
			 d->consent ? "yes" : "no", dasv_level_short(d->pj_level),
			 pj_refused ? " (below the score: will be refused)" : "");
	ui_put(w, 1, x, cols - x - 1, line, pj_refused ? ui_attr(ui, UI_ROLE_ERROR) : A_NORMAL);

	dash_criteria(d, &r, crit, sizeof(crit));
	if (r.refer)
		snprintf(line, sizeof(line), "MARAC: yes \xe2\x80\x94 %s", crit);
	else if (r.needs_consent)
		snprintf(line, sizeof(line),
			 "MARAC: not without consent \xe2\x80\x94 visible high risk (score %d+); C records consent",
			 d->cfg.marac_consent_min);
	else
		snprintf(line, sizeof(line), "MARAC: no criteria met by the answers");
	ui_put(w, 2, 1, cols - 2, line, r.refer ? ui_attr(ui, UI_ROLE_RISK_HIGH) | A_BOLD : A_NORMAL);
	/* hints, as many as apply; the list takes the rest */
	y = 3;
	if (d->notice[0])
		ui_put(w, y++, 1, cols - 2, d->notice, ui_attr(ui, UI_ROLE_ERROR));
	ui_put(w, y++, 1, cols - 2,
	       "Escalation and repeat are checked on save, from the person's history.",
	       ui_attr(ui, UI_ROLE_HINT));
	if (d->prefill[0])
		ui_put(w, y++, 1, cols - 2, d->prefill, ui_attr(ui, UI_ROLE_HINT));
	if (dash_stalking_applies(d)) {
		snprintf(line, sizeof(line),
			 "Q8 is Yes: Enter on it opens the stalking screen (S-DASH), %d of %d answered.",
			 DASV_SDASH_QUESTIONS - dash_count(d->stalking, DASH_UNANSWERED),
			 DASV_SDASH_QUESTIONS);
		ui_put(w, y++, 1, cols - 2, line, ui_attr(ui, UI_ROLE_HINT));
	}
	if (y == 4 && !d->notice[0])
		ui_put(w, y++, 1, cols - 2,
		       "y Yes, n No, ? Not known (each moves on); S changes the source; F1 help.",
		       ui_attr(ui, UI_ROLE_HINT));
	y++;	/* the column header */
	snprintf(note, sizeof(note), "[Enter: stalking screen]");
	dash_draw_rows(ui, w, y, h - y, cols, DASV_DASH_QUESTIONS,
		       dasv_dash_question, d->answers, d->sources, d->sel, &d->top,
		       dash_stalking_applies(d) ? DASV_DASH_STALKING_INDEX : -1, note);
}

/* ---- the stalking screen (S-DASH) ------------------------------------- */

static const struct ui_keyuse sdash_keys[] = {
	{ UI_REQ_YES, NULL, "Yes, then the next question" },
	{ UI_REQ_NO, NULL, "No, then the next question" },
	{ UI_REQ_UNKNOWN, NULL, "Not known, then the next question" },
	{ UI_REQ_SAVE, "Done", "Back to the checklist (saved with it)" },
	{ UI_REQ_BACK, "Back", "Back to the checklist, keeping the answers" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	/* ? answers here, so help is on F1 only */
	{ UI_REQ_HELP, "", "Help: F1 here, as ? answers Not known" },
	UI_KEYS_END
};

static void
sdash_draw(struct ui *ui, void *state)
{
	struct dash *d = state;
	WINDOW *w = ui_body(ui);
	char line[200];
	int h, cols, answered;

	dash_ensure(d);
	getmaxyx(w, h, cols);
	answered = DASV_SDASH_QUESTIONS - dash_count(d->stalking, DASH_UNANSWERED);
	snprintf(line, sizeof(line), "Stalking screen (S-DASH) \xe2\x80\x94 referral %lld",
		 (long long)d->rid);
	ui_put(w, 0, 1, cols - 22, line, ui_attr(ui, UI_ROLE_LABEL));
	snprintf(line, sizeof(line), "Answered %d of %d", answered, DASV_SDASH_QUESTIONS);
	ui_put(w, 0, cols - 20, 19, line, A_NORMAL);
	snprintf(line, sizeof(line), "Yes answers: %d of %d", dash_count(d->stalking, 'Y'),
		 DASV_SDASH_QUESTIONS);
	ui_put(w, 1, 1, cols - 2, line, A_BOLD);
	ui_put(w, 2, 1, cols - 2,
	       dash_stalking_applies(d) ?
	       "Asked because question 8 (stalking) is Yes; saved with the checklist." :
	       "Question 8 is no longer Yes: these answers will not be saved.",
	       ui_attr(ui, dash_stalking_applies(d) ? UI_ROLE_HINT : UI_ROLE_ERROR));
	if (d->notice[0])
		ui_put(w, 3, 1, cols - 2, d->notice, ui_attr(ui, UI_ROLE_ERROR));
	else
		ui_put(w, 3, 1, cols - 2,
		       answered == DASV_SDASH_QUESTIONS ?
		       "All answered: F2 or Esc goes back to the checklist." :
		       "y Yes, n No, ? Not known (each moves on); F2 or Esc back to the checklist.",
		       ui_attr(ui, UI_ROLE_HINT));
	dash_draw_rows(ui, w, 5, h - 5, cols, DASV_SDASH_QUESTIONS, dasv_sdash_question,
		       d->stalking, NULL, d->ssel, &d->stop, -1, NULL);
}

static int
dash_move(int *sel, int n, int page, enum ui_request req)
{
	int s = *sel;

	switch (req) {
	case UI_REQ_UP: s--; break;
	case UI_REQ_DOWN: s++; break;
	case UI_REQ_PGUP: s -= page; break;
	case UI_REQ_PGDN: s += page; break;
	case UI_REQ_HOME: s = 0; break;
	case UI_REQ_END: s = n - 1; break;
	default: return 0;
	}
	if (s < 0)
		s = 0;
	if (s >= n)
		s = n - 1;
	*sel = s;
	return UI_HANDLED | UI_REDRAW;
}

static char
dash_answer_of(enum ui_request req)
{
	switch (req) {
	case UI_REQ_YES: return 'Y';
	case UI_REQ_NO: return 'N';
	case UI_REQ_UNKNOWN: return '?';
	default: return 0;
	}
}

static int
dash_page(void)
{
	return LINES > 12 ? LINES - 12 : 1;
}

static int
sdash_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct dash *d = state;
	char c = dash_answer_of(req);

	(void)ui;
	(void)ch;
	d->notice[0] = '\0';
	if (c) {
		if (d->stalking[d->ssel] != c)
			d->dirty = true;
		d->stalking[d->ssel] = c;
		if (d->ssel < DASV_SDASH_QUESTIONS - 1)
			d->ssel++;
		return UI_HANDLED | UI_REDRAW;
	}
	if (req == UI_REQ_SAVE)
		return UI_HANDLED | UI_POP;
	return dash_move(&d->ssel, DASV_SDASH_QUESTIONS, dash_page(), req);
}

/* The answers belong to the checklist below: nothing to free or wipe here. */
static const struct ui_screen_ops sdash_ops = {
	.name = "Stalking (S-DASH)",
	.keys = sdash_keys,
	.draw = sdash_draw,
	.handle = sdash_handle,
};

/* ---- the checklist's actions ------------------------------------------ */

static const struct widget_choice dash_pj_choices[] = {
	{ "", "No professional judgement" },
	{ "standard", "Standard" },
	{ "medium", "Medium" },
	{ "high", "High" },
};

static int
dash_judge(struct ui *ui, struct dash *d)
{
	char reason[DASH_REASON_MAX], err[200];
	unsigned gen = d->gen;
	enum dasv_level req, computed;
	int c, r;

	c = widget_choose(ui, "Professional judgement", dash_pj_choices,
			  sizeof(dash_pj_choices) / sizeof(dash_pj_choices[0]), (int)d->pj_level + 1);
	if (c < 0 || gen != d->gen)
		return UI_HANDLED | UI_REDRAW;
	req = (enum dasv_level)(c - 1);
	if (req == DASV_LEVEL_NONE) {
		if (d->pj_level != DASV_LEVEL_NONE) {
			d->pj_level = DASV_LEVEL_NONE;
			dasv_wipe(d->pj_reason, sizeof(d->pj_reason));
			d->dirty = true;
			ui_message(ui, "Professional judgement removed.");
		}
		return UI_HANDLED | UI_REDRAW;
	}
	/* the core's rule and words: it may raise, never lower */
	computed = dasv_dash_level(&d->cfg, dasv_dash_score(d->answers));
	if (dasv_pj_apply(computed, req, "(reason asked next)", NULL, err, sizeof(err)) != DASV_OK) {
		ui_error(ui, "%s", err);
		return UI_HANDLED | UI_REDRAW;
	}
	r = widget_reason(ui, "Professional judgement", "Reason:", reason, sizeof(reason));
	if (r == 1 && gen == d->gen) {
		d->pj_level = req;
		snprintf(d->pj_reason, sizeof(d->pj_reason), "%s", reason);
		d->dirty = true;
		ui_message(ui, "Professional judgement: %s, with your reason.", dasv_level_short(req));
	}
	dasv_wipe(reason, sizeof(reason));
	return UI_HANDLED | UI_REDRAW;
}

static void
dash_result_text(const struct dash *d, const struct dasv_marac_result *r, int score,
		 char *buf, size_t sz)
{
	char crit[200], due[48] = "";

	dash_criteria(d, r, crit, sizeof(crit));
	if (d->cfg.reassess_days > 0 && d->cfg.reassess_days % 7 == 0)
		snprintf(due, sizeof(due), "in %d weeks", d->cfg.reassess_days / 7);
	else
		snprintf(due, sizeof(due), "in %d days", d->cfg.reassess_days);
	if (r->refer)
		snprintf(buf, sz, "Referral %lld: level %s, score %d of %d. MARAC: yes \xe2\x80\x94 %s. "
			 "Re-assessment due %s.", (long long)d->rid, dasv_level_short(r->level), score,
			 DASV_DASH_QUESTIONS, crit, due);
	else if (r->needs_consent)
		snprintf(buf, sz, "Referral %lld: level %s, score %d of %d. MARAC: no \xe2\x80\x94 visible "
			 "high risk, but no consent to a MARAC referral. Re-assessment due %s.",
			 (long long)d->rid, dasv_level_short(r->level), score, DASV_DASH_QUESTIONS, due);
	else
		snprintf(buf, sz, "Referral %lld: level %s, score %d of %d. MARAC: no criteria met. "
			 "Re-assessment due %s.", (long long)d->rid, dasv_level_short(r->level), score,
			 DASV_DASH_QUESTIONS, due);
}

static void
dash_fill_unknown(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i] == DASH_UNANSWERED ? '?' : src[i];
	dst[n] = '\0';
}

static int
dash_save(struct ui *ui, struct dash *d)
{
	struct dasv_dash_input in;
	struct dasv_marac_result r;
	enum dasv_status st;
	unsigned gen = d->gen;
	char q[160], text[600];
	bool stalking;
	int blank, sblank, score;
	char *first;

	if (dash_stalking_applies(d) && !dash_stalking_started(d)) {
		if (widget_confirm(ui, "Question 8 is Yes: fill in the stalking screen (S-DASH) before saving?")) {
			if (gen == d->gen) {
				d->ssel = 0;
				ui_push(ui, &sdash_ops, d);
				ui_message(ui, "Then press F2 on the checklist to save.");
			}
			return UI_HANDLED | UI_REDRAW;
		}
		if (gen != d->gen)
			return UI_HANDLED | UI_REDRAW;
	}
	stalking = dash_stalking_applies(d) && dash_stalking_started(d);
	blank = dash_count(d->answers, DASH_UNANSWERED);
	sblank = stalking ? dash_count(d->stalking, DASH_UNANSWERED) : 0;
	if (blank + sblank > 0) {
		if (blank && sblank)
			snprintf(q, sizeof(q), "Treat the %d unanswered as Not known? (%d on the checklist, "
				 "%d on the stalking screen)", blank + sblank, blank, sblank);
		else
			snprintf(q, sizeof(q), "Treat the %d unanswered as Not known?", blank + sblank);
		if (!widget_confirm(ui, q)) {
			if (gen == d->gen && (first = strchr(d->answers, DASH_UNANSWERED)))
				d->sel = (int)(first - d->answers);
			return UI_HANDLED | UI_REDRAW;
		}
		if (gen != d->gen)
			return UI_HANDLED | UI_REDRAW;
	}

	memset(&in, 0, sizeof(in));
	dash_fill_unknown(in.answers, d->answers, DASV_DASH_QUESTIONS);
	memcpy(in.sources, d->sources, DASV_DASH_QUESTIONS);
	if (stalking)
		dash_fill_unknown(in.stalking, d->stalking, DASV_SDASH_QUESTIONS);
	in.consent = d->consent;
	in.pj_level = d->pj_level;
	in.pj_reason = d->pj_level != DASV_LEVEL_NONE ? d->pj_reason : NULL;
	score = dasv_dash_score(in.answers);
	st = dasv_dash_record(d->a->d, d->rid, &in, &r);
	dasv_wipe(&in, sizeof(in));
	if (st != DASV_OK) {
		app_core_error(d->a, st);
		return UI_HANDLED | UI_REDRAW;
	}
	d->dirty = false;
	dash_result_text(d, &r, score, text, sizeof(text));
	widget_message(ui, "DASH saved", text);
	ui_message(ui, "DASH saved: level %s, MARAC %s.", dasv_level_short(r.level),
		   r.refer ? "yes" : "no");
	return UI_HANDLED | UI_POP | UI_REDRAW;
}

static int
dash_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct dash *d = state;
	char c = dash_answer_of(req);
	const char *p;

	(void)ch;
	d->notice[0] = '\0';
	if (c) {
		if (d->answers[d->sel] != c)
			d->dirty = true;
		d->answers[d->sel] = c;
		if (d->sel == DASV_DASH_STALKING_INDEX && c == 'Y')
			ui_message(ui, "Q8 is Yes: the stalking screen (S-DASH) is on Enter, and offered "
				   "on save.");
		if (d->sel < DASV_DASH_QUESTIONS - 1)
			d->sel++;
		return UI_HANDLED | UI_REDRAW;
	}
	switch (req) {
	case UI_REQ_SOURCE:
		p = strchr(dash_source_codes, d->sources[d->sel]);
		d->sources[d->sel] = p && p[1] ? p[1] : dash_source_codes[0];
		d->dirty = true;
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_CONSENT:
		d->consent = !d->consent;
		d->dirty = true;
		ui_message(ui, d->consent ? "The survivor consents to a MARAC referral." :
			   "No consent to a MARAC referral recorded.");
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_JUDGE:
		return dash_judge(ui, d);
	case UI_REQ_ENTER:
		if (d->sel == DASV_DASH_STALKING_INDEX && dash_stalking_applies(d)) {
			d->ssel = 0;
			ui_push(ui, &sdash_ops, d);
		} else {
			ui_message(ui, "Enter opens the stalking screen from question 8, once it is Yes.");
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_SAVE:
		return dash_save(ui, d);
	default:
		return dash_move(&d->sel, DASV_DASH_QUESTIONS, dash_page(), req);
	}
}

static bool
dash_dirty(struct ui *ui, void *state)
{
	struct dash *d = state;

	(void)ui;
	return d->dirty;
}

static void
dash_wipe(struct ui *ui, void *state)
{
	struct dash *d = state;

	(void)ui;
	d->lost = d->dirty;
	dash_forget(d);
	d->gen++;
	d->wiped = true;
}

static void
dash_leave(struct ui *ui, void *state)
{
	struct dash *d = state;

	(void)ui;
	dash_forget(d);
	dasv_wipe(d, sizeof(*d));
	free(d);
}

static const struct ui_keyuse dash_keys[] = {
	{ UI_REQ_YES, NULL, "Yes, then the next question" },
	{ UI_REQ_NO, NULL, "No, then the next question" },
	{ UI_REQ_UNKNOWN, NULL, "Not known, then the next question" },
	{ UI_REQ_SOURCE, NULL, "Source: victim, professional, records, other" },
	{ UI_REQ_CONSENT, NULL, "Survivor consents to a MARAC referral (toggle)" },
	{ UI_REQ_JUDGE, NULL, "Professional judgement: raise, with a reason" },
	{ UI_REQ_SAVE, NULL, "Save (asks about unanswered questions first)" },
	{ UI_REQ_ENTER, "", "Question 8, when Yes: stalking screen (S-DASH)" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	/* ? answers here (listed first, so it wins), so help is on F1 only */
	{ UI_REQ_HELP, "", "Help: F1 here, as ? answers Not known" },
	UI_KEYS_END
};

static const struct ui_screen_ops dash_ops = {
	.name = "DASH",
	.keys = dash_keys,
	.draw = dash_draw,
	.handle = dash_handle,
	.leave = dash_leave,
	.dirty = dash_dirty,
	.wipe = dash_wipe,
};

int
screen_dash_push(struct app *a, int64_t referral_id)
{
	struct dash *d = calloc(1, sizeof(*d));
	enum dasv_status st;

	if (!d) {
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	d->a = a;
	d->rid = referral_id;
	st = dasv_risk_config_load(a->d, &d->cfg);
	if (st == DASV_OK)
		st = dash_load(d);
	if (st != DASV_OK) {
		app_core_error(a, st);
		dash_leave(a->ui, d);
		return -1;
	}
	if (ui_push(a->ui, &dash_ops, d) < 0) {
		dash_leave(a->ui, d);
		return -1;
	}
	return 0;
}
