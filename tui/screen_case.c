/*
 * screen_case.c - one referral: the safe-contact instructions first, in a box
 * at the top that never scrolls away, then risk, recommendation, allocation,
 * the person, children, perpetrator, consent, equality, notes and the
 * timeline of contacts and notes, newest first, in a scrolling view.
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
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "date.h"
#include "text.h"
#include "validate.h"
#include "widget.h"

/* Push the case screen and run until it is closed; for the intake form,
 * which is replaced by the case it created.  Declared in
 * screen_referral_form.c too until app.h carries it. */


#define CASE_EVENTS_PAGE 100
#define CASE_LABEL_COLS 22
#define CASE_MAX_COLS 250	/* ui_put draws at most this many columns */
#define CASE_BOX_TEXT_LINES 4

struct case_view {
	struct app *a;
	int64_t id;
	bool loaded;		/* r and the rest hold the record */
	bool stale;		/* read again when next drawn */
	bool load_failed;	/* ...and that failed: not retried every frame */
	bool modal;		/* run by screen_case_run: leave() wipes, the runner frees */
	struct dasv_referral r;
	struct dasv_event *ev;	/* newest first */
	size_t nev;
	bool ev_more;		/* older entries may exist */
	char ev_error[200];
	/* the latest DASH: what the screen shows of it (answers are not kept) */
	bool has_dash;
	char dash_on[11], dash_by[DASV_NAME_MAX], criteria[96];
	int needs[DASV_NEED_DOMAINS];
	int needs_recorded;
	int scroll;		/* first content line shown */
	int view_rows;		/* rows of the scrolling view at the last draw */
	int total_lines;	/* content lines at the last draw */
	int timeline_line;	/* where the timeline starts */
	bool to_timeline;	/* scroll to it at the next draw (after a note or contact) */
	char error[300];	/* why the record could not be read */
	char bg_reason[1024];	/* break-glass reason this case was opened with, or "" */
};

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

/* Read the record again (after a change or an unlock); 0 or -1. */
static int
case_reload(struct case_view *cv)
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

/* ---- laying out lines ------------------------------------------------- */

/* Bytes of s (sanitised UTF-8) that fit in cols columns, broken after the
 * last word that fits; at least one character. */
static size_t
case_wrap_len(const char *s, int cols)
{
	size_t len = strlen(s), i = 0, brk = 0, k;
	uint32_t cp;
	int col = 0, cw;

	while (i < len) {
		k = dasv_text_utf8_decode(s + i, len - i, &cp);
		cw = dasv_text_cp_width(cp);
		if (cw < 0)
			cw = 1;
		if (col + cw > cols)
			break;
		if (cp == ' ')
			brk = i;
		col += cw;
		i += k;
	}
	if (i >= len)
		return len;
	if (brk > 0)
		return brk;
	if (i == 0)
		i = dasv_text_utf8_decode(s, len, &cp);
	return i;
}

/* Content lines drawn into the scrolling view (or only counted). */
struct pen {
	struct ui *ui;
	WINDOW *w;
	int y0, rows;		/* the view: window lines y0..y0+rows-1 */
	int scroll;		/* first content line shown */
	int line;		/* next content line */
	int cols;
	bool draw;
};

/* The window line for the next content line, or -1 when not shown. */
static int
pen_row(struct pen *p)
{
	int l = p->line++ - p->scroll;

	if (!p->draw || l < 0 || l >= p->rows)
		return -1;
	return p->y0 + l;
}

static void
pen_heading(struct pen *p, const char *text)
{
	int y;

	if (p->line > 0)
		p->line++;
	if ((y = pen_row(p)) >= 0)
		ui_put(p->w, y, 1, p->cols - 2, text, ui_attr(p->ui, UI_ROLE_HEADER));
}

/*
 * text wrapped from column x, paragraphs at newlines; the label (if any) on
 * the first line at column 2.  Sanitised before wrapping, so an escape in a
 * note takes the columns of its visible placeholder.
 */
static void
pen_text(struct pen *p, const char *label, int x, const char *text, attr_t a)
{
	const char *s = text ? text : "";
	int width = p->cols - x - 1, y;
	bool first = true;
	char line[1024];
	size_t n, k, cap;
	char *raw, *safe, *q;

	if (width > CASE_MAX_COLS)
		width = CASE_MAX_COLS;
	if (width < 8)
		width = 8;
	for (;;) {
		n = strcspn(s, "\n");
		cap = n * 3 + 1;
		raw = malloc(n + 1);
		safe = malloc(cap);
		if (!raw || !safe) {
			free(raw);
			free(safe);
			return;
		}
		memcpy(raw, s, n);
		raw[n] = '\0';
		dasv_text_sanitize(raw, safe, cap);
		q = safe;
		do {
			k = case_wrap_len(q, width);
			if (k >= sizeof(line))
				k = sizeof(line) - 1;
			if ((y = pen_row(p)) >= 0) {
				if (first && label)
					ui_put(p->w, y, 2, x - 3, label, ui_attr(p->ui, UI_ROLE_LABEL));
				memcpy(line, q, k);
				line[k] = '\0';
				ui_put(p->w, y, x, width, line, a);
			}
			first = false;
			q += k;
			while (*q == ' ')
				q++;
		} while (*q);
		dasv_wipe(line, sizeof(line));
		dasv_wipe(raw, n + 1);
		dasv_wipe(safe, cap);
		free(raw);
		free(safe);
		s += n;
		if (*s != '\n')
			break;
		s++;
	}
}

/* "Label   value" with the value wrapped in the value column. */
static void
pen_kv(struct pen *p, const char *label, const char *value, attr_t a)
{
	pen_text(p, label, 2 + CASE_LABEL_COLS, value, a);
}

/* pen_kv for a formatted value that may hold personal data (wiped after). */
static void
pen_kvf(struct pen *p, const char *label, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
pen_kvf(struct pen *p, const char *label, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pen_kv(p, label, buf, a);
	dasv_wipe(buf, sizeof(buf));
}

static bool
case_has(const char *s)
{
	return s && *s;
}

/* Labels of a code set, ", "-separated. */
static void
case_labels(enum dasv_code_list list, unsigned mask, char *buf, size_t bufsz)
{
	const struct dasv_code *c;
	size_t n = 0, o = 0, i;
	int w;

	buf[0] = '\0';
	c = dasv_codes(list, &n);
	for (i = 0; c && i < n && i < DASV_CODE_SET_MAX; i++) {
		if (!(mask & (1u << i)))
			continue;
		w = snprintf(buf + o, bufsz - o, "%s%s", o ? ", " : "", c[i].label);
		if (w < 0 || (size_t)w >= bufsz - o)
			break;
		o += (size_t)w;
	}
}

/* Append text to a ", "-separated list in buf. */
static void
case_add(char *buf, size_t bufsz, const char *text)
{
	size_t o = strlen(buf);

	if (o < bufsz)
		snprintf(buf + o, bufsz - o, "%s%s", o ? ", " : "", text);
}

static void
case_criteria(const char *codes, char *buf, size_t bufsz)
{
	static const struct {
		const char *code, *label;
	} names[] = {
		{ "auto_marac", "score high enough for MARAC regardless of consent" },
		{ "visible_high", "visible high risk" },
		{ "professional_judgement", "professional judgement" },
		{ "escalation", "potential escalation" },
		{ "repeat", "repeat MARAC referral" },
		{ "needs_consent", "visible high risk: waiting for consent" },
	};
	char want[40];
	size_t i;

	/* codes is "auto_marac;visible_high;" and so on, each ended by ';' */
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "%s;", names[i].code);
		if (!strstr(codes, want))
			continue;
		if (i == 1 && strstr(codes, "auto_marac;"))
			continue;	/* implied by the one before */
		case_add(buf, bufsz, names[i].label);
	}
}

static const char *
case_event_label(const char *kind)
{
	static const struct {
		const char *kind, *label;
	} kinds[] = {
		{ "contact_attempted", "Contact attempted" },
		{ "contact_made", "Contact made" },
		{ "contact_unsafe", "Unsafe to contact" },
		{ "note", "Note" },
		{ "allocation", "Allocated" },
		{ "closure", "Closed" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i].kind))
			return kinds[i].label;
	return kind;
}

/* Everything below the safe-contact box, in order. */
static void
case_lay_out(struct case_view *cv, struct pen *p, bool safe_cut)
{
	const struct dasv_referral *r = &cv->r;
	struct ui *ui = p->ui;
	attr_t normal = ui_attr(ui, UI_ROLE_NORMAL), warn = ui_attr(ui, UI_ROLE_RISK_HIGH) | A_BOLD;
	char buf[1024], tmp[256];
	const struct dasv_code *dom;
	size_t i, ndom;
	int y, x;

	/* risk */
	pen_heading(p, "Risk");
	if ((y = pen_row(p)) >= 0) {
		ui_put(p->w, y, 2, CASE_LABEL_COLS, "Level", ui_attr(ui, UI_ROLE_LABEL));
		x = 2 + CASE_LABEL_COLS;
		x += ui_put_risk(ui, p->w, y, x, r->level, normal) + 2;
		if (r->dash_score >= 0 && cv->has_dash)
			snprintf(buf, sizeof(buf), "DASH %d/24, %s by %s", r->dash_score, cv->dash_on,
				 cv->dash_by);
		else if (r->dash_score >= 0)
			snprintf(buf, sizeof(buf), "DASH %d/24", r->dash_score);
		else if (r->level >= 0)
			snprintf(buf, sizeof(buf), "from the SV assessment; no DASH yet");
		else
			snprintf(buf, sizeof(buf), "not assessed yet (d: DASH, s: SV assessment)");
		ui_put(p->w, y, x, p->cols - x - 1, buf, normal);
	}
	tmp[0] = '\0';
	if (cv->has_dash)
		case_criteria(cv->criteria, tmp, sizeof(tmp));
	if (r->escalation && !strstr(tmp, "escalation"))
		case_add(tmp, sizeof(tmp), "potential escalation");
	if (r->repeat_marac && !strstr(tmp, "repeat"))
		case_add(tmp, sizeof(tmp), "repeat MARAC");
	if (r->marac)
		pen_kvf(p, "MARAC", warn, "YES%s%s", tmp[0] ? ": " : "", tmp);
	else
		pen_kvf(p, "MARAC", normal, "No%s%s", tmp[0] ? " (" : "", tmp[0] ? tmp : "");
	buf[0] = '\0';
	if (r->safeguarding)
		case_add(buf, sizeof(buf), "SAFEGUARDING");
	if (r->mandatory_reporting)
		case_add(buf, sizeof(buf), "MANDATORY REPORTING (FGM)");
	if (r->sarc)
		case_add(buf, sizeof(buf), "SARC");
	if (r->repeat_victim)
		case_add(buf, sizeof(buf), "REPEAT VICTIM");
	if (r->serial_perpetrator)
		case_add(buf, sizeof(buf), "SERIAL PERPETRATOR");
	if (r->escalation)
		case_add(buf, sizeof(buf), "ESCALATION");
	pen_kv(p, "Flags", buf[0] ? buf : "none", buf[0] ? warn : normal);
	if (case_has(r->next_review))
		pen_kv(p, "Next review", r->next_review, normal);
	if (cv->needs_recorded) {
		buf[0] = '\0';
		dom = dasv_codes(DASV_LIST_NEED_DOMAIN, &ndom);
		for (i = 0; dom && i < ndom && i < DASV_NEED_DOMAINS; i++) {
			if (cv->needs[i] <= 0)
				continue;
			snprintf(tmp, sizeof(tmp), "%s %s", dom[i].label,
				 cv->needs[i] >= 3 ? "HIGH" : cv->needs[i] == 2 ? "medium" : "low");
			case_add(buf, sizeof(buf), tmp);
		}
		pen_kv(p, "Needs", buf[0] ? buf : "none", normal);
	}

	/* recommendation */
	pen_heading(p, "Recommendation");
	if (case_has(r->rec_service_type))
		pen_kvf(p, "Recommended", normal, "%s%s%s%s",
			dasv_code_label(DASV_LIST_SERVICE_TYPE, r->rec_service_type),
			case_has(r->rec_pathway) ? " (" : "", r->rec_pathway,
			case_has(r->rec_pathway) ? ")" : "");
	else if (case_has(r->rec_pathway))
		pen_kvf(p, "Recommended", normal, "pathway %s, no service yet", r->rec_pathway);
	else
		pen_kv(p, "Recommended", "none yet", normal);
	if (case_has(r->rec_reason))
		pen_kv(p, "Why", r->rec_reason, normal);

	/* allocation */
	pen_heading(p, "Allocation");
	pen_kv(p, "Status", dasv_code_label(DASV_LIST_STATUS, r->status), normal);
	if (case_has(r->service_name))
		pen_kvf(p, "Service", normal, "%s%s%s", r->service_name,
			case_has(r->worker_name) ? ", caseworker " : "", r->worker_name);
	else
		pen_kv(p, "Service", "not allocated", normal);
	if (case_has(r->allocated_on))
		pen_kv(p, "Allocated on", r->allocated_on, normal);
	if (case_has(r->waiting_since))
		pen_kvf(p, "Waiting list", warn, "since %s", r->waiting_since);
	if (case_has(r->contact_due))
		pen_kvf(p, "First contact due", r->overdue ? warn : normal, "%s%s", r->contact_due,
			r->overdue ? "  OVERDUE" : "");
	if (case_has(r->first_contact_on))
		pen_kv(p, "First contact", r->first_contact_on, normal);
	if (case_has(r->closed_on))
		pen_kvf(p, "Closed", normal, "%s (%s)", r->closed_on,
			dasv_code_label(DASV_LIST_CLOSE_REASON, r->close_reason));

	/* the referral */
	pen_heading(p, "Referral");
	pen_kvf(p, "Received", normal, "%s%s%s", r->received_on,
		case_has(r->incident_on) ? ", latest incident " : "", r->incident_on);
	pen_kv(p, "Referred by", dasv_code_label(DASV_LIST_SOURCE, r->source), normal);
	case_labels(DASV_LIST_STRAND, r->strand, buf, sizeof(buf));
	pen_kv(p, "Strand", buf, normal);
	case_labels(DASV_LIST_VAWG, r->vawg, buf, sizeof(buf));
	pen_kv(p, "Types of abuse", buf, normal);
	pen_kv(p, "District", dasv_code_label(DASV_LIST_DISTRICT, r->district), normal);

	/* the person */
	pen_heading(p, "Person");
	pen_kvf(p, "Name", normal, "%s %s", r->person.first_name ? r->person.first_name : "",
		r->person.last_name ? r->person.last_name : "");
	if (case_has(r->person.date_of_birth)) {
		if (r->age_at_referral >= 0)
			pen_kvf(p, "Date of birth", normal, "%s (%d at referral)",
				r->person.date_of_birth, r->age_at_referral);
		else
			pen_kv(p, "Date of birth", r->person.date_of_birth, normal);
	}
	if (case_has(r->person.address))
		pen_kv(p, "Address", r->person.address, normal);
	if (case_has(r->person.postcode))
		pen_kv(p, "Postcode", r->person.postcode, normal);
	if (case_has(r->person.phone))
		pen_kv(p, "Phone", r->person.phone, normal);
	if (case_has(r->person.email))
		pen_kv(p, "E-mail", r->person.email, normal);
	if (safe_cut)
		pen_kv(p, "Safe contact (all)", r->person.safe_contact, normal);

	/* children */
	pen_heading(p, "Children in the household");
	if (r->children_count > 0) {
		size_t o = (size_t)snprintf(buf, sizeof(buf), "%d", r->children_count);

		for (i = 0; i < (size_t)r->n_children_ages && o < sizeof(buf); i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%d", i ? ", " : " (ages ",
					      r->children_ages[i]);
		if (r->n_children_ages > 0 && o < sizeof(buf))
			snprintf(buf + o, sizeof(buf) - o, ")");
		pen_kv(p, "Children", buf, normal);
	} else {
		pen_kv(p, "Children", "none recorded", normal);
	}

	/* perpetrator */
	pen_heading(p, "Perpetrator");
	if (case_has(r->perpetrator_name))
		pen_kv(p, "Name", r->perpetrator_name, normal);
	if (case_has(r->perpetrator_dob))
		pen_kv(p, "Date of birth", r->perpetrator_dob, normal);
	pen_kv(p, "Relationship", case_has(r->perpetrator_relationship)
		   ? dasv_code_label(DASV_LIST_RELATIONSHIP, r->perpetrator_relationship)
		   : "not recorded", normal);
	if (r->serial_perpetrator)
		pen_kv(p, "Other victims", "linked to other victims (serial perpetrator)", warn);

	/* consent */
	pen_heading(p, "Consent");
	if (r->consent_to_share)
		pen_kv(p, "Consent to share", "Yes", normal);
	else
		pen_kvf(p, "Consent to share", normal, "No: legal basis %s",
			case_has(r->sharing_basis)
				? dasv_code_label(DASV_LIST_SHARING_BASIS, r->sharing_basis)
				: "not recorded");
	pen_kv(p, "Inform perpetrator", r->do_not_inform_perpetrator
		   ? "DO NOT INFORM PERPETRATOR" : "no restriction recorded",
	       r->do_not_inform_perpetrator ? warn : normal);

	/* equality monitoring */
	pen_heading(p, "Equality monitoring");
	{
		static const struct {
			const char *label;
			enum dasv_code_list list;
			size_t off;
		} eq[] = {
			{ "Sex", DASV_LIST_SEX, offsetof(struct dasv_referral, eq_sex) },
			{ "Ethnicity", DASV_LIST_ETHNICITY, offsetof(struct dasv_referral, eq_ethnicity) },
			{ "Disability", DASV_LIST_DISABILITY,
			  offsetof(struct dasv_referral, eq_disability) },
			{ "Sexual orientation", DASV_LIST_SEXUAL_ORIENTATION,
			  offsetof(struct dasv_referral, eq_sexual_orientation) },
			{ "Gender reassignment", DASV_LIST_GENDER_REASSIGNMENT,
			  offsetof(struct dasv_referral, eq_gender_reassignment) },
			{ "Pregnancy", DASV_LIST_PREGNANCY, offsetof(struct dasv_referral, eq_pregnancy) },
			{ "Religion or belief", DASV_LIST_RELIGION,
			  offsetof(struct dasv_referral, eq_religion) },
			{ "Interpreter needed", DASV_LIST_YES_NO,
			  offsetof(struct dasv_referral, eq_interpreter) },
			{ "No recourse (NRPF)", DASV_LIST_YES_NO,
			  offsetof(struct dasv_referral, eq_nrpf) },
		};
		bool any = false;

		for (i = 0; i < sizeof(eq) / sizeof(eq[0]); i++) {
			const char *code = (const char *)r + eq[i].off;

			if (*code) {
				pen_kv(p, eq[i].label, dasv_code_label(eq[i].list, code), normal);
				any = true;
			}
		}
		if (!any)
			pen_kv(p, "Recorded", "nothing yet", normal);
	}

	/* notes on the referral */
	pen_heading(p, "Notes");
	if (case_has(r->notes))
		pen_text(p, NULL, 2, r->notes, normal);
	else
		pen_text(p, NULL, 2, "(none)", ui_attr(ui, UI_ROLE_HINT));

	/* timeline */
	pen_heading(p, "Timeline (newest first)");
	cv->timeline_line = p->line - 1;
	if (cv->ev_error[0])
		pen_text(p, NULL, 2, cv->ev_error, ui_attr(ui, UI_ROLE_ERROR));
	else if (!cv->nev)
		pen_text(p, NULL, 2, "No contacts or notes yet (c: log a contact, o: add a note).",
			 ui_attr(ui, UI_ROLE_HINT));
	for (i = 0; i < cv->nev; i++) {
		const struct dasv_event *e = &cv->ev[i];
		bool alarm = !strcmp(e->kind, "contact_unsafe");

		/* "2026-11-25T10:31:07Z" -> "2026-11-25 10:31" */
		snprintf(tmp, sizeof(tmp), "%.10s %.5s", e->at, strlen(e->at) > 11 ? e->at + 11 : "");
		snprintf(buf, sizeof(buf), "%s  %s  (%s)", tmp, case_event_label(e->kind), e->by);
		pen_text(p, NULL, 2, buf, alarm ? warn : ui_attr(ui, UI_ROLE_LABEL));
		if (e->damaged)
			pen_text(p, NULL, 6,
				 "[this entry failed its integrity check (tampered with, or copied "
				 "from elsewhere) and is not shown]",
				 ui_attr(ui, UI_ROLE_ERROR));
		else if (case_has(e->body))
			pen_text(p, NULL, 6, e->body, normal);
	}
	if (cv->ev_more)
		pen_text(p, NULL, 2, "Older entries: press End to load them.",
			 ui_attr(ui, UI_ROLE_HINT));
	p->line++;	/* a blank line */
	snprintf(buf, sizeof(buf), "Created by %s; last updated by %s at %s", r->created_by,
		 r->updated_by, r->updated_at);
	pen_text(p, NULL, 2, buf, ui_attr(ui, UI_ROLE_HINT));
	dasv_wipe(buf, sizeof(buf));
	dasv_wipe(tmp, sizeof(tmp));
}

/* ---- the safe-contact box ------------------------------------------------ */

static void
case_box_edge(WINDOW *w, int y, int cols, chtype left, chtype right, attr_t a)
{
	wattrset(w, a);
	mvwaddch(w, y, 0, left);
	mvwhline(w, y, 1, ACS_HLINE, cols - 2);
	mvwaddch(w, y, cols - 1, right);
	wattrset(w, A_NORMAL);
}

/*
 * What anyone about to make contact must read first, boxed at the top:
 * whether a call, a voicemail or a letter is safe, the instructions in the
 * caseworker's words, and the do-not-inform warning.  Returns its height;
 * *cut is set when the instructions did not fit (they follow in full below).
 */
static int
case_draw_safe(struct case_view *cv, struct ui *ui, WINDOW *w, int y0, int cols, bool *cut)
{
	static const char *const names[] = { "Safe to call: ", "Voicemail: ", "Letters: " };
	static const char dni[] = "DO NOT INFORM PERPETRATOR";
	const struct dasv_person *p = &cv->r.person;
	const int vals[] = { p->safe_to_call, p->voicemail_ok, p->letters_ok };
	attr_t edge = ui_attr(ui, UI_ROLE_RISK_MED) | A_BOLD;
	attr_t warn = ui_attr(ui, UI_ROLE_RISK_HIGH) | A_BOLD, normal = ui_attr(ui, UI_ROLE_NORMAL);
	attr_t lab = ui_attr(ui, UI_ROLE_LABEL);
	const char *text = case_has(p->safe_contact) ? p->safe_contact : NULL;
	/* instructions run from column 2 to cols - 3, inside "x " and " x" */
	struct pen pen = { ui, w, 0, 0, 0, 0, cols - 1, false };
	int y = y0 + 1, x, n = 1, i, want, lines;
	bool dni_own_line;

	/* how wide the permissions are, so the warning never gets cut off */
	for (i = 0, want = 2; i < 3; i++)
		want += (int)strlen(names[i]) + (vals[i] > 0 ? 3 : vals[i] == 0 ? 2 : 9) + 4;
	dni_own_line = cv->r.do_not_inform_perpetrator && want + (int)sizeof(dni) > cols - 2;
	if (text) {
		pen_text(&pen, NULL, 2, text, normal);	/* count only */
		n = pen.line;
	}
	*cut = n > CASE_BOX_TEXT_LINES;
	if (n > CASE_BOX_TEXT_LINES)
		n = CASE_BOX_TEXT_LINES;
	lines = 1 + dni_own_line + n;
	case_box_edge(w, y0, cols, ACS_ULCORNER, ACS_URCORNER, edge);
	ui_put(w, y0, 2, cols - 4, " SAFE CONTACT ", edge);
	for (i = 0; i < lines; i++) {
		wattrset(w, edge);
		mvwaddch(w, y0 + 1 + i, 0, ACS_VLINE);
		mvwaddch(w, y0 + 1 + i, cols - 1, ACS_VLINE);
		wattrset(w, A_NORMAL);
	}
	/* what is safe, never by colour alone: No and not known are words */
	for (i = 0, x = 2; i < 3; i++) {
		x += ui_put(w, y, x, cols - x - 2, names[i], lab);
		x += ui_put(w, y, x, cols - x - 2, vals[i] > 0 ? "Yes" : vals[i] == 0 ? "NO" : "not known",
			    vals[i] > 0 ? normal : warn);
		x += 4;
	}
	if (cv->r.do_not_inform_perpetrator) {
		if (dni_own_line)
			ui_put(w, ++y, 2, cols - 4, dni, warn | A_REVERSE);
		else
			ui_put(w, y, x, cols - x - 2, dni, warn | A_REVERSE);
	}
	y++;
	if (text) {
		/* too long for the box: its last line says where the rest is */
		pen.draw = true;
		pen.y0 = y;
		pen.rows = *cut ? n - 1 : n;
		pen.line = 0;
		pen_text(&pen, NULL, 2, text, A_BOLD);
		if (*cut)
			ui_put(w, y + n - 1, 2, cols - 4,
			       "\xe2\x80\xa6 more: all of it is under Person, below (PgDn)",
			       ui_attr(ui, UI_ROLE_HINT) | A_BOLD);
	} else {
		ui_put(w, y, 2, cols - 4, "No safe-contact instructions recorded: ask before contact.",
		       ui_attr(ui, UI_ROLE_HINT));
	}
	case_box_edge(w, y0 + 1 + lines, cols, ACS_LLCORNER, ACS_LRCORNER, edge);
	return lines + 2;
}

/* ---- the screen --------------------------------------------------------- */

static void
case_draw(struct ui *ui, void *state)
{
	struct case_view *cv = state;
	WINDOW *w = ui_body(ui);
	int h, cols, x, top;
	struct pen p = { 0 };
	char head[160];
	bool cut = false;

	getmaxyx(w, h, cols);
	werase(w);
	if (cv->stale && !cv->load_failed)
		case_reload(cv);
	if (!cv->loaded) {
		snprintf(head, sizeof(head), "Referral #%lld", (long long)cv->id);
		ui_put(w, 0, 1, cols - 2, head, A_BOLD);
		ui_put(w, 2, 2, cols - 4, cv->error[0] ? cv->error : "Not read.",
		       ui_attr(ui, UI_ROLE_ERROR));
		ui_put(w, 4, 2, cols - 4, "Esc to go back.", ui_attr(ui, UI_ROLE_HINT));
		return;
	}
	/* the title line: who, how risky, where it stands */
	snprintf(head, sizeof(head), "Referral #%lld", (long long)cv->id);
	x = 1 + ui_put(w, 0, 1, cols - 2, head, A_BOLD) + 2;
	x += ui_put_risk(ui, w, 0, x, cv->r.level, A_NORMAL) + 2;
	if (cv->r.marac)
		x += ui_put(w, 0, x, cols - x - 1, "MARAC", ui_attr(ui, UI_ROLE_RISK_HIGH) | A_BOLD) + 2;
	x += ui_put(w, 0, x, cols - x - 1, dasv_code_label(DASV_LIST_STATUS, cv->r.status),
		    A_NORMAL) + 2;
	if (cv->r.overdue)
		x += ui_put(w, 0, x, cols - x - 1, "FIRST CONTACT OVERDUE",
			    ui_attr(ui, UI_ROLE_RISK_HIGH) | A_BOLD) + 2;
	if (cv->r.repeat_victim)
		x += ui_put(w, 0, x, cols - x - 1, "REPEAT VICTIM", A_BOLD) + 2;
	snprintf(head, sizeof(head), "received %s", cv->r.received_on);
	ui_put(w, 0, x, cols - x - 1, head, ui_attr(ui, UI_ROLE_HINT));

	top = 1 + case_draw_safe(cv, ui, w, 1, cols, &cut);

	/* count, clamp the scroll, then draw */
	p.ui = ui;
	p.w = w;
	p.cols = cols;
	p.y0 = top;
	p.rows = h - top;
	case_lay_out(cv, &p, cut);
	cv->total_lines = p.line;
	cv->view_rows = p.rows > 0 ? p.rows : 1;
	if (cv->to_timeline) {
		cv->scroll = cv->timeline_line;
		cv->to_timeline = false;
	}
	if (cv->scroll > cv->total_lines - cv->view_rows)
		cv->scroll = cv->total_lines - cv->view_rows;
	if (cv->scroll < 0)
		cv->scroll = 0;
	p.line = 0;
	p.scroll = cv->scroll;
	p.draw = true;
	case_lay_out(cv, &p, cut);
	if (cv->total_lines > cv->view_rows) {
		snprintf(head, sizeof(head), " %d-%d of %d ", cv->scroll + 1,
			 cv->scroll + cv->view_rows < cv->total_lines ? cv->scroll + cv->view_rows
								      : cv->total_lines,
			 cv->total_lines);
		ui_put(w, h - 1, cols - (int)strlen(head) - 1, (int)strlen(head), head,
		       ui_attr(ui, UI_ROLE_HINT) | A_REVERSE);
	}
}

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
	case_reload(cv);
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
	case_reload(cv);
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

static int case_close_push(struct case_view *cv);

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
		case_close_push(cv);
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
	.draw = case_draw,
	.handle = case_handle,
	.leave = case_leave,
	.wipe = case_wipe,
};

static const struct ui_screen_ops case_ops_supervise = {
	.name = "Referral",
	.keys = case_keys_supervise,
	.draw = case_draw,
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

/* ---- break-glass ---------------------------------------------------------- */

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
	struct pen p = { ui, w, 2, 3, 0, 0, getmaxx(w) - 2, true };

	pen_text(&p, NULL, 3,
		 "Break-glass: this referral is outside your caseload. Why do you need to open "
		 "it? Supervisors will see your reason.", A_BOLD);
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
static int
case_ask_break_glass(struct ui *ui, char *out, size_t outsz)
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
		r = case_ask_break_glass(a->ui, reason, sizeof(reason));
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

/* ---- closing with an outcome ------------------------------------------------ */

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

static int
case_close_push(struct case_view *cv)
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
