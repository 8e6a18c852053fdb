/*
 * screen_case_draw.c - how the referral screen looks: the title line, the
 * safe-contact box that never scrolls away, and the scrolling view of risk,
 * recommendation, allocation, the person, children, perpetrator, consent,
 * equality, notes and the timeline, laid out by a pen that counts lines first
 * and draws them second.
 *
 * It only reads the state (and reads the record again when it is stale); it
 * never changes the record.  Every string from data reaches the terminal
 * through ui_put after dasv_text_sanitize, so a note cannot move the cursor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codes.h"
#include "screen_case.h"
#include "text.h"

#define CASE_LABEL_COLS 22
#define CASE_MAX_COLS 250	/* ui_put draws at most this many columns */
#define CASE_BOX_TEXT_LINES 4

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

void
screen_case_put_wrapped(struct ui *ui, WINDOW *w, int y0, int rows, int cols, int x,
			const char *text, attr_t a)
{
	struct pen p = { ui, w, y0, rows, 0, 0, cols, true };

	pen_text(&p, NULL, x, text, a);
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

void
screen_case_draw(struct ui *ui, void *state)
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
		screen_case_reload(cv);
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

