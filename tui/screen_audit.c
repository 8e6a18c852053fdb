/*
 * screen_audit.c - the audit log as auditors and admins read it: who did
 * what to which referral id, when, newest first; break-glass events with the
 * reason that was given; a filter (all, break-glass only, one user); and the
 * result of verifying the chain, said in words at the top of the screen.
 *
 * The log is paged from the core by entry id (dasv_audit_page), a screenful
 * at a time; every page read is itself an audit entry, written by the core.
 * Entries carry ids and codes, never a name: the only free text is a
 * break-glass reason, which the core opens under the audit-derived key.
 * Reasons are wiped on lock (wipe) and on leaving, with every row held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auditview.h"
#include "date.h"
#include "text.h"
#include "widget.h"

/* The core's page at most; the user filter reads whole pages of this. */
#define AU_PAGE_MAX 256
#define AU_REASON_MAX 512
#define AU_DETAIL_MAX 512

/* A row as the list holds it: plain data, no pointers (the list copies and wipes rows). */
struct au_row {
	int64_t id;
	char at[21];
	char user[DASV_NAME_MAX];
	char action[32];
	char entity[32];
	int64_t entity_id;
	char detail[AU_DETAIL_MAX];
	int bg_state;
	char reason[AU_REASON_MAX];
};

enum au_filter { AU_ALL, AU_BREAK_GLASS, AU_USER };

enum au_verified { AU_UNVERIFIED, AU_VERIFIES, AU_BROKEN, AU_VERIFY_FAILED };

struct audit {
	struct app *a;
	struct widget_list *lw;
	struct widget_list_source src;
	enum au_filter filter;
	char user[DASV_NAME_MAX];      /* AU_USER */
	struct dasv_audit_entry *buf;  /* one core page; wiped after each use */
	int64_t count;                 /* entries in the list; -1 not known */
	/* the chain, as last verified */
	enum au_verified verified;
	struct dasv_audit_result res;
	char verified_at[21];
	int64_t jump_id;               /* find(): the entry to bring into view */
	int64_t resume_id;             /* after the lock: the entry that was selected */
	char header[200];              /* the list's column titles, for header_cols */
	int header_cols;
};

/* ---- fetching ---- */

static void
au_row_from(struct au_row *r, const struct dasv_audit_entry *e)
{
	memset(r, 0, sizeof(*r));
	r->id = e->id;
	memcpy(r->at, e->at, sizeof(r->at));
	r->at[sizeof(r->at) - 1] = '\0';
	dasv_text_sanitize(e->user, r->user, sizeof(r->user));
	dasv_text_sanitize(e->action, r->action, sizeof(r->action));
	dasv_text_sanitize(e->entity, r->entity, sizeof(r->entity));
	r->entity_id = e->entity_id;
	dasv_text_sanitize(e->detail, r->detail, sizeof(r->detail));
	r->bg_state = e->bg_state;
	if (e->bg_state == DASV_BG_OPENED && e->bg_reason)
		dasv_text_sanitize(e->bg_reason, r->reason, sizeof(r->reason));
}

static void
au_count(struct audit *s)
{
	enum dasv_status st;

	s->count = -1;
	if (s->filter == AU_USER)
		return; /* the core counts all or break-glass entries, not one user's */
	st = dasv_audit_count(s->a->d, s->filter == AU_BREAK_GLASS, &s->count);
	if (st != DASV_OK) {
		app_core_error(s->a, st);
		s->count = -1;
	}
}

/*
 * The list is newest first.  FIRST and AFTER read older entries (dir 1);
 * LAST and BEFORE read newer ones (dir -1), which the core gives newest
 * first too, so they are turned round to come nearest first.  With a user
 * filter, whole core pages are read until enough of that user's entries
 * are found or the log ends.
 */
static int
au_fetch(void *ctx, enum widget_fetch dir, const void *anchor, void *out, int max)
{
	struct audit *s = ctx;
	const struct au_row *an = anchor;
	struct au_row *rows = out;
	bool fwd = dir == WIDGET_FETCH_FIRST || dir == WIDGET_FETCH_AFTER;
	int64_t key = 0;
	enum dasv_status st;
	size_t n, ask;
	int got = 0;

	if (max <= 0)
		return 0;
	if (dir == WIDGET_FETCH_AFTER || dir == WIDGET_FETCH_BEFORE) {
		if (!an)
			return -1;
		key = an->id;
	}
	for (;;) {
		ask = s->filter == AU_USER ? AU_PAGE_MAX : (size_t)(max - got);
		if (ask > AU_PAGE_MAX)
			ask = AU_PAGE_MAX;
		n = 0;
		st = dasv_audit_page(s->a->d, s->filter == AU_BREAK_GLASS, key, fwd ? 1 : -1,
				     s->buf, ask, &n);
		if (st != DASV_OK) {
			app_core_error(s->a, st);
			return got ? got : -1;
		}
		for (size_t k = 0; k < n && got < max; k++) {
			const struct dasv_audit_entry *e = &s->buf[fwd ? k : n - 1 - k];
			if (s->filter == AU_USER && strcmp(e->user, s->user) != 0)
				continue;
			au_row_from(&rows[got++], e);
		}
		if (n > 0)
			key = fwd ? s->buf[n - 1].id : s->buf[0].id;
		dasv_audit_entries_clear(s->buf, n);
		if (n < ask || got >= max)
			break;
	}
	return got;
}

/* Bring entry jump_id into view (the list asks through its search). */
static int
au_find(void *ctx, const char *query, const void *from, void *out)
{
	struct audit *s = ctx;
	enum dasv_status st;
	int64_t id = s->jump_id;
	size_t n = 0;
	int found = 0;

	(void)query;
	(void)from;
	s->jump_id = 0; /* one attempt: the list asks again to wrap */
	if (id <= 0 || s->filter == AU_USER)
		return 0;
	/* the newest entry older than id + 1 is id itself, if the filter keeps it */
	st = dasv_audit_page(s->a->d, s->filter == AU_BREAK_GLASS, id + 1, 1, s->buf, 1, &n);
	if (st != DASV_OK) {
		app_core_error(s->a, st);
		return -1;
	}
	if (n == 1 && s->buf[0].id == id) {
		au_row_from(out, &s->buf[0]);
		found = 1;
	}
	dasv_audit_entries_clear(s->buf, n);
	return found;
}

/* ---- drawing ---- */

#define AU_ID_W 7
#define AU_AT_W 19
#define AU_USER_W 12
#define AU_ACTION_W 14
#define AU_ENTITY_W 14
/* the detail column is left out when narrower; the pane below has it */
#define AU_DETAIL_MIN 12
/* the columns before the detail */
#define AU_FIXED_W (1 + AU_ID_W + 2 + AU_AT_W + 2 + AU_USER_W + 2 + AU_ACTION_W + 2 + AU_ENTITY_W + 2)

/* "2026-11-25T10:22:01Z" -> "2026-11-25 10:22:01" */
static void
au_when(const char *at, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%.10s %.8s", at, strlen(at) > 11 ? at + 11 : "");
}

static void
au_entity(const struct au_row *r, char *buf, size_t bufsz)
{
	if (r->entity_id > 0)
		snprintf(buf, bufsz, "%s %lld", r->entity, (long long)r->entity_id);
	else
		snprintf(buf, bufsz, "%s", r->entity[0] ? r->entity : "-");
}

/* What a break-glass entry says of its reason, or NULL for other entries. */
static const char *
au_reason(const struct au_row *r)
{
	switch (r->bg_state) {
	case DASV_BG_OPENED:
		return r->reason;
	case DASV_BG_MISSING:
		return "(no break-glass record matches this entry)";
	case DASV_BG_DAMAGED:
		return "(the sealed reason is damaged: it failed its integrity check)";
	default:
		return NULL;
	}
}

static void
au_draw_row(void *ctx, struct ui *ui, WINDOW *w, int y, int x, int cols, const void *rowp,
	    attr_t attr)
{
	const struct au_row *r = rowp;
	const char *reason = au_reason(r);
	char buf[64], text[AU_REASON_MAX + 16];
	int cx = x + 1, rest;

	(void)ctx;
	(void)ui;
	snprintf(buf, sizeof(buf), "%lld", (long long)r->id);
	ui_put(w, y, cx + AU_ID_W - (int)strlen(buf), AU_ID_W, buf, attr);
	cx += AU_ID_W + 2;
	au_when(r->at, buf, sizeof(buf));
	ui_put(w, y, cx, AU_AT_W, buf, attr);
	cx += AU_AT_W + 2;
	ui_put(w, y, cx, AU_USER_W, r->user, attr);
	cx += AU_USER_W + 2;
	ui_put(w, y, cx, AU_ACTION_W, r->action,
	       attr | (r->bg_state != DASV_BG_NONE ? A_BOLD : 0));
	cx += AU_ACTION_W + 2;
	au_entity(r, buf, sizeof(buf));
	ui_put(w, y, cx, AU_ENTITY_W, buf, attr);
	cx += AU_ENTITY_W + 2;
	rest = x + cols - cx - 1;
	if (rest < AU_DETAIL_MIN)
		return; /* narrow: the pane below shows the selected entry's detail */
	if (reason) {
		snprintf(text, sizeof(text), "reason: %s", reason);
		ui_put(w, y, cx, rest, text, attr | A_BOLD);
	} else {
		ui_put(w, y, cx, rest, r->detail, attr);
	}
}

static void
au_header(char *buf, size_t bufsz, int cols)
{
	snprintf(buf, bufsz, " %*s  %-*s  %-*s  %-*s  %-*s  %s", AU_ID_W, "Entry", AU_AT_W,
		 "When (UTC)", AU_USER_W, "User", AU_ACTION_W, "Action", AU_ENTITY_W, "Record",
		 cols - AU_FIXED_W - 1 >= AU_DETAIL_MIN ? "Detail, or break-glass reason" : "");
}

static void
au_summary(const struct audit *s, char *buf, size_t bufsz)
{
	switch (s->filter) {
	case AU_BREAK_GLASS:
		if (s->count >= 0)
			snprintf(buf, bufsz, "Audit log: %lld break-glass event%s, newest first",
				 (long long)s->count, s->count == 1 ? "" : "s");
		else
			snprintf(buf, bufsz, "Audit log: break-glass events, newest first");
		break;
	case AU_USER:
		snprintf(buf, bufsz, "Audit log: entries by %s, newest first", s->user);
		break;
	default:
		if (s->count >= 0)
			snprintf(buf, bufsz, "Audit log: %lld entr%s, newest first",
				 (long long)s->count, s->count == 1 ? "y" : "ies");
		else
			snprintf(buf, bufsz, "Audit log: all entries, newest first");
		break;
	}
}

/* The chain's state, in words: it is what an auditor came for. */
static void
au_draw_verified(const struct audit *s, struct ui *ui, WINDOW *w, int y, int cols)
{
	char line[300];

	switch (s->verified) {
	case AU_VERIFIES:
		snprintf(line, sizeof(line), "Chain verifies: %lld entries (checked %s)",
			 (long long)s->res.entries, s->verified_at);
		ui_put(w, y, 1, cols - 2, line, ui_attr(ui, UI_ROLE_MESSAGE) | A_BOLD);
		break;
	case AU_BROKEN:
		snprintf(line, sizeof(line), "BROKEN at entry %lld: %s (checked %s)",
			 (long long)s->res.first_bad_id, s->res.reason, s->verified_at);
		wattrset(w, ui_attr(ui, UI_ROLE_ERROR) | A_BOLD | A_REVERSE);
		mvwhline(w, y, 0, ' ', cols);
		wattrset(w, A_NORMAL);
		ui_put(w, y, 1, cols - 2, line, ui_attr(ui, UI_ROLE_ERROR) | A_BOLD | A_REVERSE);
		break;
	case AU_VERIFY_FAILED:
		ui_put(w, y, 1, cols - 2, "The chain could not be verified: see the message below.",
		       ui_attr(ui, UI_ROLE_ERROR));
		break;
	default:
		ui_put(w, y, 1, cols - 2, "Chain not verified yet: press V to verify it.",
		       ui_attr(ui, UI_ROLE_HINT));
		break;
	}
}

/*
 * text over two lines of cols columns at y and y + 1, broken at a space;
 * what does not fit ends in an ellipsis (ui_put).
 */
static void
au_put2(WINDOW *w, int y, int x, int cols, const char *text, attr_t a)
{
	char line[AU_REASON_MAX + 16];
	size_t cut = 0, len = strlen(text);

	if ((int)dasv_text_width(text) <= cols) {
		ui_put(w, y, x, cols, text, a);
		return;
	}
	/* the longest run of whole words that fits */
	for (size_t i = 1; i <= len && i < sizeof(line); i++) {
		if (text[i] != ' ' && text[i] != '\0')
			continue;
		memcpy(line, text, i);
		line[i] = '\0';
		if ((int)dasv_text_width(line) > cols)
			break;
		cut = i;
	}
	if (!cut) {
		ui_put(w, y, x, cols, text, a);
		return;
	}
	memcpy(line, text, cut);
	line[cut] = '\0';
	ui_put(w, y, x, cols, line, a);
	while (text[cut] == ' ')
		cut++;
	ui_put(w, y + 1, x, cols, text + cut, a);
}

/* The selected entry in full, below the list: a header, its detail, the reason. */
static void
au_draw_detail(struct ui *ui, WINDOW *w, int y, int cols, const struct au_row *r)
{
	char line[AU_REASON_MAX + 64], when[32], ent[64];
	const char *reason;
	int used;

	wattrset(w, ui_attr(ui, UI_ROLE_HINT));
	mvwhline(w, y, 0, ACS_HLINE, cols);
	wattrset(w, A_NORMAL);
	if (!r)
		return;
	au_when(r->at, when, sizeof(when));
	au_entity(r, ent, sizeof(ent));
	snprintf(line, sizeof(line), "Entry %lld, %s UTC, by %s: %s, %s", (long long)r->id, when,
		 r->user, r->action, ent);
	ui_put(w, y + 1, 1, cols - 2, line, ui_attr(ui, UI_ROLE_LABEL));
	reason = au_reason(r);
	if (r->detail[0] || !reason) {
		used = ui_put(w, y + 2, 1, 8, "Detail:", ui_attr(ui, UI_ROLE_LABEL));
		ui_put(w, y + 2, 2 + used, cols - used - 3, r->detail[0] ? r->detail : "-",
		       A_NORMAL);
		y++;
	}
	if (reason) {
		/* a break-glass entry has no detail: its reason gets two lines */
		used = ui_put(w, y + 2, 1, 20, "Break-glass reason:", ui_attr(ui, UI_ROLE_LABEL));
		if (r->detail[0])
			ui_put(w, y + 2, 2 + used, cols - used - 3, reason, A_BOLD);
		else
			au_put2(w, y + 2, 2 + used, cols - used - 3, reason, A_BOLD);
	}
}

static void
au_draw(struct ui *ui, void *state)
{
	struct audit *s = state;
	WINDOW *w = ui_body(ui);
	char summary[160];
	int rows, cols, list_h;

	getmaxyx(w, rows, cols);
	if (cols != s->header_cols) {
		au_header(s->header, sizeof(s->header), cols);
		s->header_cols = cols;
	}
	au_summary(s, summary, sizeof(summary));
	ui_put(w, 0, 1, cols - 2, summary, ui_attr(ui, UI_ROLE_LABEL) | A_BOLD);
	au_draw_verified(s, ui, w, 1, cols);
	if (s->resume_id) {
		s->jump_id = s->resume_id;
		s->resume_id = 0;
		widget_list_search(s->lw, "entry");
	}
	/* the list, then the selected entry in full below it */
	list_h = rows - 2 - 4;
	widget_list_draw(s->lw, ui, w, 2, 0, list_h, cols);
	au_draw_detail(ui, w, 2 + list_h, cols, widget_list_selected(s->lw));
}

/* ---- requests ---- */

static void
au_set_filter(struct audit *s, enum au_filter f, const char *user)
{
	s->filter = f;
	snprintf(s->user, sizeof(s->user), "%s", f == AU_USER && user ? user : "");
	s->src.empty = f == AU_BREAK_GLASS ? "No break-glass events."
		       : f == AU_USER     ? "No entries by this user."
					  : "The audit log is empty.";
	widget_list_reset(s->lw);
	au_count(s);
}

static int
au_filter(struct audit *s, struct ui *ui)
{
	static const struct widget_choice top[] = {
		{ "all", "All entries" },
		{ "break_glass", "Break-glass events only" },
		{ "user", "One user's entries..." },
	};
	struct dasv_user *users = NULL;
	struct widget_choice *ch = NULL;
	enum dasv_status st;
	size_t n = 0;
	int pick, cur = 0;

	pick = widget_choose(ui, "Show", top, 3, (int)s->filter);
	if (pick == AU_ALL || pick == AU_BREAK_GLASS) {
		if ((int)s->filter != pick)
			au_set_filter(s, (enum au_filter)pick, NULL);
		return UI_HANDLED | UI_REDRAW;
	}
	if (pick != AU_USER)
		return UI_HANDLED | UI_REDRAW;
	if ((st = dasv_user_list(s->a->d, &users, &n)) != DASV_OK) {
		app_core_error(s->a, st);
		return UI_HANDLED | UI_REDRAW;
	}
	if (!n || !(ch = calloc(n, sizeof(*ch)))) {
		free(users);
		ui_error(ui, n ? "Out of memory." : "There are no users.");
		return UI_HANDLED | UI_REDRAW;
	}
	for (size_t i = 0; i < n; i++) {
		ch[i].code = users[i].name;
		ch[i].label = users[i].name;
		if (!strcmp(users[i].name, s->user))
			cur = (int)i;
	}
	pick = widget_choose(ui, "Entries by", ch, n, cur);
	if (pick >= 0)
		au_set_filter(s, AU_USER, users[pick].name);
	free(ch);
	free(users);
	return UI_HANDLED | UI_REDRAW;
}

static int
au_verify(struct audit *s, struct ui *ui)
{
	enum dasv_status st;
	char now[21];

	memset(&s->res, 0, sizeof(s->res));
	st = dasv_audit_verify(s->a->d, &s->res);
	dasv_time_now_utc(now);
	au_when(now, s->verified_at, sizeof(s->verified_at));
	if (st == DASV_OK && s->res.first_bad_id == 0) {
		s->verified = AU_VERIFIES;
		ui_message(ui, "Chain verifies: %lld entries.", (long long)s->res.entries);
	} else if (s->res.first_bad_id != 0) {
		s->verified = AU_BROKEN;
		ui_error(ui, "BROKEN at entry %lld: %s", (long long)s->res.first_bad_id,
			 s->res.reason);
		/* show the entry where it breaks */
		if (s->filter != AU_ALL)
			au_set_filter(s, AU_ALL, NULL);
		s->jump_id = s->res.first_bad_id;
		if (widget_list_search(s->lw, "entry") != 1)
			s->jump_id = 0;
	} else {
		s->verified = AU_VERIFY_FAILED;
		app_core_error(s->a, st);
	}
	return UI_HANDLED | UI_REDRAW;
}

static const struct ui_keyuse au_keys[] = {
	{ UI_REQ_VERIFY, NULL, "Verify the chain of every entry's keyed hash" },
	{ UI_REQ_FILTER, NULL, "All entries, break-glass only, or one user's" },
	{ UI_REQ_UP, NULL, NULL },
	{ UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL },
	{ UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, "Newest entry" },
	{ UI_REQ_END, NULL, "Oldest entry" },
	{ UI_REQ_REDRAW, NULL, "Read the log again and redraw" },
	UI_KEYS_END
};

static int
au_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct audit *s = state;

	(void)ch;
	switch (req) {
	case UI_REQ_VERIFY:
		return au_verify(s, ui);
	case UI_REQ_FILTER:
		return au_filter(s, ui);
	case UI_REQ_REDRAW:
		/* entries are added all the time: ^L reads from the newest again */
		widget_list_reset(s->lw);
		au_count(s);
		return 0; /* and the ui repaints the whole screen */
	default:
		return widget_list_handle(s->lw, ui, req);
	}
}

static void
au_wipe(struct ui *ui, void *state)
{
	struct audit *s = state;

	(void)ui;
	const struct au_row *sel = widget_list_selected(s->lw);

	/* the rows hold break-glass reasons: read them again after unlocking,
	 * back at the entry that was selected (an id is no secret) */
	s->resume_id = sel ? sel->id : 0;
	widget_list_reset(s->lw);
	dasv_audit_entries_clear(s->buf, AU_PAGE_MAX);
}

static void
au_leave(struct ui *ui, void *state)
{
	struct audit *s = state;

	(void)ui;
	widget_list_free(&s->lw);
	if (s->buf) {
		dasv_audit_entries_clear(s->buf, AU_PAGE_MAX);
		free(s->buf);
	}
	free(s);
}

static const struct ui_screen_ops au_ops = {
	.name = "Audit log",
	.keys = au_keys,
	.draw = au_draw,
	.handle = au_handle,
	.leave = au_leave,
	.wipe = au_wipe,
};

int
screen_audit_push(struct app *a)
{
	struct audit *s;
	enum dasv_status st;
	int64_t n = 0;

	/* the core decides who may read the log */
	if ((st = dasv_audit_count(a->d, 0, &n)) != DASV_OK) {
		app_core_error(a, st);
		return -1;
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->buf = calloc(AU_PAGE_MAX, sizeof(*s->buf)))) {
		free(s);
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	s->a = a;
	s->src.row_size = sizeof(struct au_row);
	s->src.fetch = au_fetch;
	s->src.draw = au_draw_row;
	s->src.find = au_find;
	s->src.header = s->header;
	if (!(s->lw = widget_list_new(&s->src, s))) {
		au_leave(a->ui, s);
		ui_error(a->ui, "Out of memory.");
		return -1;
	}
	au_set_filter(s, AU_ALL, NULL);
	if (ui_push(a->ui, &au_ops, s) < 0) {
		au_leave(a->ui, s);
		return -1;
	}
	return 0;
}
