/*
 * app.c - the front end's entry: take the terminal, unlock, land each role on
 * its screen, and lock again (wiping the keys) when the ui asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "demo.h"
#include "widget.h"

static struct app the_app;

struct app *
app_get(void)
{
	return &the_app;
}

void
app_update_title(struct app *a)
{
	char title[160];

	if (dasv_is_unlocked(a->d))
		snprintf(title, sizeof(title), "dasv%s \xe2\x80\x94 %s (%s)", a->demo ? " \xe2\x80\x94 DEMO" : "",
			 dasv_session_user(a->d), dasv_role_name(dasv_session_role(a->d)));
	else
		snprintf(title, sizeof(title), "dasv%s \xe2\x80\x94 locked", a->demo ? " \xe2\x80\x94 DEMO" : "");
	ui_set_title(a->ui, title);
}

void
app_core_error(struct app *a, enum dasv_status st)
{
	ui_error(a->ui, "%s", st == DASV_OK ? "" : dasv_errmsg(a->d));
}

/* ---- the unlock screen ---------------------------------------------- */

struct unlock {
	struct app *a;
	struct widget_input *user, *pass;
	int focus; /* 0 user, 1 passphrase */
	char error[160];
	bool done;
};

static const struct ui_keyuse unlock_keys[] = {
	{ UI_REQ_ENTER, "Unlock", "Next field, then unlock" },
	{ UI_REQ_NEXT, "", "Next field" },
	{ UI_REQ_PREV, "", "Previous field" },
	{ UI_REQ_UP, "", "Previous field" },
	{ UI_REQ_DOWN, "", "Next field" },
	{ UI_REQ_QUIT, "Quit", "Quit dasv" },
	/* editing keys reach the fields only when the screen lists them */
	{ UI_REQ_LEFT, "", NULL },
	{ UI_REQ_RIGHT, "", NULL },
	{ UI_REQ_HOME, "", NULL },
	{ UI_REQ_END, "", NULL },
	{ UI_REQ_BKSP, "", NULL },
	{ UI_REQ_DEL, "", NULL },
	{ UI_REQ_CLEAR, "", NULL },
	UI_KEYS_END
};

static void
unlock_draw(struct ui *ui, void *state)
{
	/* a demo's users are public: a newcomer needs no README to get in */
	static const char *const demo_users[][2] = {
		{ "supervisor", DASV_DEMO_SUPERVISOR_PASS }, { "caseworker", DASV_DEMO_CASEWORKER_PASS },
		{ "auditor", DASV_DEMO_AUDITOR_PASS },       { "admin", DASV_DEMO_ADMIN_PASS },
	};
	struct unlock *u = state;
	int extra = u->a->demo ? 6 : 0;
	WINDOW *w = ui_box(ui, 11 + extra, 64, "Unlock");
	int cols = getmaxx(w) - 4;
	char line[96];

	ui_put(w, 1, 2, cols, u->a->demo ? "DEMO database, synthetic people. Users and passphrases:"
					   : "Enter your user name and passphrase.",
	       ui_attr(ui, UI_ROLE_HINT));
	for (int i = 0; extra && i < 4; i++) {
		snprintf(line, sizeof(line), "  %-12s %s", demo_users[i][0], demo_users[i][1]);
		ui_put(w, 2 + i, 2, cols, line, ui_attr(ui, UI_ROLE_HINT));
	}
	if (extra)
		ui_put(w, 6, 2, cols, "Ctrl-U clears a field.", ui_attr(ui, UI_ROLE_HINT));
	widget_input_draw(u->user, ui, w, 3 + extra, 2, 12, cols - 12, u->focus == 0);
	widget_input_draw(u->pass, ui, w, 5 + extra, 2, 12, cols - 12, u->focus == 1);
	if (u->error[0])
		ui_put(w, 7 + extra, 2, cols, u->error, ui_attr(ui, UI_ROLE_ERROR));
	/* the cursor belongs in the focused field: widget_input_draw places it */
}

static int
unlock_try(struct unlock *u)
{
	char user[DASV_NAME_MAX], pass[1100];
	enum dasv_status st;

	widget_input_get(u->user, user, sizeof(user));
	widget_input_get(u->pass, pass, sizeof(pass));
	st = dasv_unlock(u->a->d, user, pass);
	dasv_wipe(pass, sizeof(pass));
	widget_input_set(u->pass, "");
	if (st == DASV_OK) {
		snprintf(u->a->user, sizeof(u->a->user), "%s", user);
		u->done = true;
		return UI_HANDLED | UI_POP;
	}
	u->a->lock_failures++;
	snprintf(u->error, sizeof(u->error), "%s", dasv_errmsg(u->a->d));
	u->focus = 1;
	return UI_HANDLED | UI_REDRAW;
}

static int
unlock_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct unlock *u = state;
	struct widget_input *in = u->focus ? u->pass : u->user;

	(void)ui;
	switch (req) {
	case UI_REQ_ENTER:
		if (u->focus == 0) {
			u->focus = 1;
			return UI_HANDLED | UI_REDRAW;
		}
		return unlock_try(u);
	case UI_REQ_NEXT:
	case UI_REQ_DOWN:
	case UI_REQ_PREV:
	case UI_REQ_UP:
		u->focus = !u->focus;
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_BACK:
		/* Esc never quits; at the unlock screen it just clears the error */
		u->error[0] = '\0';
		return UI_HANDLED | UI_REDRAW;
	default:
		break;
	}
	if (widget_input_handle(in, req, ch)) {
		u->error[0] = '\0';
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int
unlock_enter(struct ui *ui, void *state)
{
	(void)state;
	ui_set_text_mode(ui, true);
	return 0;
}

static const struct ui_screen_ops unlock_ops = {
	.name = "Unlock",
	.keys = unlock_keys,
	.flags = UI_SCREEN_OVERLAY,
	.enter = unlock_enter,
	.draw = unlock_draw,
	.handle = unlock_handle,
};

/* Ask until unlocked: 0, or -1 when the user quits or the program is ending. */
static int
app_unlock(struct app *a, const char *user)
{
	struct unlock u = { .a = a };
	int rc;

	u.user = widget_input_new("User", DASV_NAME_MAX - 1, 0);
	u.pass = widget_input_new("Passphrase", 1024, WIDGET_INPUT_SECRET);
	if (!u.user || !u.pass) {
		widget_input_free(&u.user);
		widget_input_free(&u.pass);
		return -1;
	}
	widget_input_set(u.user, user);
	u.focus = user[0] ? 1 : 0;
	app_update_title(a);
	rc = ui_run_modal(a->ui, &unlock_ops, &u);
	widget_input_free(&u.user);
	widget_input_free(&u.pass);
	if (rc != 0 || !u.done)
		return -1;
	a->lock_failures = 0;
	app_update_title(a);
	return 0;
}

/* The ui has cleared the screen and every screen has wiped its data. */
static int
app_lock(struct ui *ui, void *ctx)
{
	struct app *a = ctx;
	char user[DASV_NAME_MAX];

	(void)ui;
	/* idle at the first unlock: that box is already the lock */
	if (!dasv_is_unlocked(a->d))
		return 0;
	snprintf(user, sizeof(user), "%s", a->user);
	dasv_lock(a->d);
	/* only the same user may pick up a locked session */
	for (;;) {
		if (app_unlock(a, user) != 0)
			return -1;
		if (!strcmp(a->user, user))
			return 0;
		dasv_lock(a->d);
		snprintf(a->user, sizeof(a->user), "%s", user);
		ui_error(a->ui, "This session belongs to %s: quit and start dasv again to change user",
			 user);
	}
}

static int
land(struct app *a)
{
	switch (dasv_session_role(a->d)) {
	case DASV_ROLE_AUDITOR:
		return screen_reports_push(a);
	default:
		return screen_home_push(a);
	}
}

int
cmd_tui(struct cli *c, int argc, char **argv)
{
	struct app *a = &the_app;
	struct ui_config cfg = { 0 };
	enum dasv_status st;
	enum ui_exit how;
	char err[256];
	long idle = 600;
	int rc = 0;

	(void)argv;
	if (argc > 1)
		return cli_error("usage: dasv [options] [tui]");
	memset(a, 0, sizeof(*a));
	a->db_path = c->db_path;
	st = dasv_open(c->db_path, 0, &a->d);
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(a->d));
		dasv_close(&a->d);
		return rc;
	}
	a->demo = dasv_is_demo(a->d);
	dasv_setting_int(a->d, "idle_lock_seconds", 600, &idle);
	cfg.title = "dasv";
	cfg.idle_seconds = idle > 0 && idle < 86400 ? (int)idle : 600;
	cfg.no_color = c->no_color;
	cfg.lock = app_lock;
	cfg.lock_ctx = a;
	a->ui = ui_new(&cfg, err, sizeof(err));
	if (!a->ui) {
		dasv_close(&a->d);
		fprintf(stderr, "dasv: %s\n", err);
		return 70;
	}
	snprintf(a->user, sizeof(a->user), "%s", c->user);
	if (app_unlock(a, a->user) == 0 && land(a) == 0) {
		how = ui_run(a->ui);
		rc = how == UI_EXIT_SIGNAL ? 1 : 0;
	}
	ui_free(&a->ui);
	dasv_close(&a->d); /* wipes the keys */
	return rc;
}
