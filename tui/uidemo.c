/*
 * uidemo.c - a standalone program that exercises the TUI framework: a list
 * of 100 000 synthetic referrals paged from a generator, a form with every
 * field kind, dialogs, help, footer, the too-small screen, the idle lock and
 * sanitising of hostile text.  It is the fixture of tests/e2e/test_uidemo.sh
 * and is never linked into dasv.  It shows how a real screen is written: a
 * state struct, four functions and one `const struct ui_screen_ops`.
 *
 * Usage: uidemo [--idle SECONDS] [--no-color]     (lock passphrase: demo)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui.h"
#include "widget.h"

#define DEMO_ROWS 100000
#define DEMO_HOSTILE "\033[2J\033]0;x\a"

/* ---- the synthetic data: a pager over ids 1..DEMO_ROWS ---- */

struct demo_row {
	int id;			/* the key: rows are ordered by id */
	int level;
	char name[96];
	char district[32];
	char date[16];
};

static const char *const demo_names[] = {
	"Zo\xc3\xab Smith", "\xc5\x81ukasz Nowak", "\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0 "
	"\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2\xd0\xb0",
	"\xe7\x8e\x8b\xe8\x8a\xb3", "Siobh\xc3\xa1n Murphy", "Jos\xc3\xa9 Garc\xc3\xad" "a",
	"Ngozi Okafor", "Priya Patel", "Ren\xc3\xa9" "e Dubois", "Mehmet Y\xc4\xb1lmaz",
};

static const struct widget_choice demo_districts[] = {
	{ "cambridge", "Cambridge" },
	{ "east_cambridgeshire", "East Cambridgeshire" },
	{ "fenland", "Fenland" },
	{ "huntingdonshire", "Huntingdonshire" },
	{ "south_cambridgeshire", "South Cambridgeshire" },
	{ "peterborough", "Peterborough" },
	{ "out_of_area", "Out of area" },
};
#define DEMO_NDISTRICTS (sizeof(demo_districts) / sizeof(demo_districts[0]))

static void
demo_make(int id, struct demo_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->level = id % 7 == 0 ? UI_RISK_HIGH : id % 3 == 0 ? UI_RISK_MED : UI_RISK_STD;
	if (id == 2)	/* data as an attacker would store it */
		snprintf(r->name, sizeof(r->name), "%s Mallory", DEMO_HOSTILE);
	else
		snprintf(r->name, sizeof(r->name), "%s",
			 demo_names[id % (sizeof(demo_names) / sizeof(demo_names[0]))]);
	snprintf(r->district, sizeof(r->district), "%s",
		 demo_districts[id % DEMO_NDISTRICTS].label);
	snprintf(r->date, sizeof(r->date), "20%02u-%02u-%02u", 20 + (unsigned)id % 6,
		 1 + (unsigned)id % 12, 1 + (unsigned)id % 28);
}

/* What an SQL keyset query would do: WHERE id > ? ORDER BY id LIMIT ?. */
static int
demo_fetch(void *ctx, enum widget_fetch dir, const void *anchor, void *out, int max)
{
	const struct demo_row *a = anchor;
	struct demo_row *rows = out;
	int id, step, n = 0;

	(void)ctx;
	switch (dir) {
	case WIDGET_FETCH_FIRST: id = 1; step = 1; break;
	case WIDGET_FETCH_LAST: id = DEMO_ROWS; step = -1; break;
	case WIDGET_FETCH_AFTER: id = a->id + 1; step = 1; break;
	case WIDGET_FETCH_BEFORE: id = a->id - 1; step = -1; break;
	default: return -1;
	}
	for (; n < max && id >= 1 && id <= DEMO_ROWS; id += step)
		demo_make(id, &rows[n++]);
	return n;
}

static void
demo_draw_row(void *ctx, struct ui *ui, WINDOW *w, int y, int x, int cols,
	      const void *row, attr_t attr)
{
	const struct demo_row *r = row;
	char id[16];

	(void)ctx;
	snprintf(id, sizeof(id), "%06d", r->id);
	ui_put(w, y, x + 1, 6, id, attr);
	/* the level as text, in colour too; never colour alone */
	ui_put_risk(ui, w, y, x + 9, r->level, attr);
	ui_put(w, y, x + 16, 30, r->name, attr);
	ui_put(w, y, x + 48, 22, r->district, attr);
	ui_put(w, y, x + 72, cols - 73, r->date, attr);
}

static int
demo_find(void *ctx, const char *q, const void *from, void *out)
{
	const struct demo_row *f = from;
	struct demo_row r;
	char idtxt[16];
	int id;

	(void)ctx;
	for (id = f ? f->id + 1 : 1; id <= DEMO_ROWS; id++) {
		demo_make(id, &r);
		snprintf(idtxt, sizeof(idtxt), "%06d", id);
		if (strstr(idtxt, q) || strcasestr(r.name, q)) {
			memcpy(out, &r, sizeof(r));
			return 1;
		}
	}
	return 0;
}

static const struct widget_list_source demo_source = {
	.row_size = sizeof(struct demo_row),
	.fetch = demo_fetch,
	.draw = demo_draw_row,
	.find = demo_find,
	.header = "  Ref     Risk   Name                            District"
	    "                Received",
	.empty = "No referrals.",
};

/* ---- the form screen ---- */

struct demo_form {
	struct widget_form *form;
};

static const char *
demo_check_postcode(void *ctx, const struct widget_form *f, int field, const char *v)
{
	size_t n = strlen(v);

	(void)ctx;
	(void)f;
	(void)field;
	if (n < 5 || n > 8 || !strchr(v, ' '))
		return "Like CB1 2AB";
	return NULL;
}

static void
demo_form_draw(struct ui *ui, void *state)
{
	struct demo_form *d = state;

	widget_form_draw(d->form, ui, ui_body(ui));
}

static int
demo_form_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct demo_form *d = state;
	char reason[512];
	int r;

	if (req != UI_REQ_SAVE)
		return widget_form_handle(d->form, ui, req, ch);
	if (widget_form_check(d->form) >= 0) {
		ui_error(ui, "Some fields need attention: see the messages beside them.");
		return UI_HANDLED | UI_REDRAW;
	}
	r = widget_reason(ui, "Reason", "Reason for the change:", reason, sizeof(reason));
	if (r == 1) {
		widget_form_set_clean(d->form);
		ui_message(ui, "Saved (demo: nothing is stored).");
	}
	explicit_bzero(reason, sizeof(reason));
	return UI_HANDLED | UI_REDRAW;
}

static bool
demo_form_dirty(struct ui *ui, void *state)
{
	struct demo_form *d = state;

	(void)ui;
	return widget_form_dirty(d->form);
}

static void
demo_form_leave(struct ui *ui, void *state)
{
	struct demo_form *d = state;

	(void)ui;
	widget_form_free(&d->form);
	free(d);
}

static const struct ui_screen_ops demo_form_ops = {
	.name = "Referral",
	.keys = widget_form_keys,
	.draw = demo_form_draw,
	.handle = demo_form_handle,
	.leave = demo_form_leave,
	.dirty = demo_form_dirty,
};

static int
demo_open_form(struct ui *ui, const struct demo_row *row)
{
	struct demo_form *d = calloc(1, sizeof(*d));
	struct widget_form *f;
	int i;

	if (!d || !(d->form = widget_form_new("Referral (demo form)"))) {
		free(d);
		return -1;
	}
	f = d->form;
	widget_form_add_heading(f, "Person");
	i = widget_form_add_text(f, "name", "Name", 80, 0);
	widget_form_set_required(f, i, true);
	if (row)
		widget_form_set(f, i, row->name);
	widget_form_add_date(f, "dob", "Date of birth");
	i = widget_form_add_text(f, "postcode", "Postcode", 8, 0);
	widget_form_set_validate(f, i, demo_check_postcode, NULL);
	i = widget_form_add_pick(f, "district", "District", demo_districts, DEMO_NDISTRICTS);
	widget_form_set_required(f, i, true);
	widget_form_add_heading(f, "Household");
	widget_form_add_int(f, "children", "Children in household", 0, 20);
	widget_form_add_yesno(f, "consent", "Consent to share");
	widget_form_add_yesno(f, "no_tell", "Perpetrator must not be told");
	if (ui_push(ui, &demo_form_ops, d) < 0) {
		demo_form_leave(ui, d);
		return -1;
	}
	return 0;
}

/* ---- the list screen ---- */

struct demo_list {
	struct widget_list *list;
};

static const struct ui_keyuse demo_list_keys[] = {
	{ UI_REQ_ENTER, "Open", "Open the selected referral in the form" },
	{ UI_REQ_SEARCH, NULL, "Search by reference or name" },
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL },
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL },
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL },
	UI_KEYS_END
};

static void
demo_list_draw(struct ui *ui, void *state)
{
	struct demo_list *d = state;
	WINDOW *w = ui_body(ui);
	int h, cols;

	getmaxyx(w, h, cols);
	ui_put(w, 0, 1, cols - 2, "Untrusted sample: " DEMO_HOSTILE " (shown, not obeyed)",
	       ui_attr(ui, UI_ROLE_HINT));
	widget_list_draw(d->list, ui, w, 1, 0, h - 1, cols);
}

static int
demo_list_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct demo_list *d = state;

	(void)ch;
	if (req == UI_REQ_ENTER) {
		if (widget_list_selected(d->list))
			demo_open_form(ui, widget_list_selected(d->list));
		return UI_HANDLED | UI_REDRAW;
	}
	return widget_list_handle(d->list, ui, req);
}

static void
demo_list_wipe(struct ui *ui, void *state)
{
	struct demo_list *d = state;

	(void)ui;
	widget_list_reset(d->list);
}

static void
demo_list_leave(struct ui *ui, void *state)
{
	struct demo_list *d = state;

	(void)ui;
	widget_list_free(&d->list);
}

static const struct ui_screen_ops demo_list_ops = {
	.name = "Referrals",
	.keys = demo_list_keys,
	.draw = demo_list_draw,
	.handle = demo_list_handle,
	.leave = demo_list_leave,
	.wipe = demo_list_wipe,
};

/* ---- lock ---- */

static int
demo_lock(struct ui *ui, void *ctx)
{
	char pass[256];
	int r, tries;

	(void)ctx;
	for (tries = 0; tries < 5;) {
		r = widget_prompt(ui, "Locked", "Passphrase:", pass, sizeof(pass),
				  WIDGET_INPUT_SECRET | WIDGET_INPUT_STARS);
		if (r < 0)
			break;
		if (r == 1 && strcmp(pass, "demo") == 0) {
			explicit_bzero(pass, sizeof(pass));
			return 0;
		}
		if (r == 1) {
			tries++;
			ui_error(ui, "Wrong passphrase.");
		}
	}
	explicit_bzero(pass, sizeof(pass));
	return -1;
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: uidemo [--idle SECONDS] [--no-color]\n"
		"The lock passphrase is \"demo\".\n");
}

int
main(int argc, char **argv)
{
	struct ui_config cfg = {
		.title = "dasv \xe2\x80\x94 DEMO \xe2\x80\x94 demo (caseworker)",
		.idle_seconds = 600,
		.lock = demo_lock,
	};
	struct demo_list list = { NULL };
	struct ui *ui;
	enum ui_exit ex;
	char err[256], *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-color") == 0) {
			cfg.no_color = true;
		} else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc) {
			cfg.idle_seconds = (int)strtol(argv[++i], &end, 10);
			if (*end || cfg.idle_seconds < 0) {
				usage(stderr);
				return 64;
			}
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 64;
		}
	}
	list.list = widget_list_new(&demo_source, NULL);
	if (!list.list) {
		fprintf(stderr, "uidemo: out of memory\n");
		return 70;
	}
	ui = ui_new(&cfg, err, sizeof(err));
	if (!ui) {
		widget_list_free(&list.list);
		fprintf(stderr, "uidemo: %s\n", err);
		return 70;
	}
	if (ui_push(ui, &demo_list_ops, &list) < 0) {
		ui_free(&ui);
		widget_list_free(&list.list);
		return 70;
	}
	ex = ui_run(ui);
	ui_free(&ui);
	widget_list_free(&list.list);
	if (ex == UI_EXIT_SIGNAL)
		return 1;
	if (ex == UI_EXIT_LOCK) {
		fprintf(stderr, "uidemo: locked out\n");
		return 77;
	}
	return 0;
}
