/*
 * screen_admin.c - users and services, for admins.
 *
 * Users: the list, adding one (a role from the pick-list and a passphrase
 * typed twice, never shown) and disabling one after a confirmation.
 * Services: the catalogue with capacity, open cases and waiting, and editing
 * a service's capacity, contact standard and whether it takes referrals.
 * `w` switches between the two lists.  The core checks the role and the
 * values; this screen only collects them and shows what the core said.
 * Passphrases live only in the form's fields and one stack buffer, wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keyops.h"
#include "codes.h"
#include "widget.h"

#define PASS_BUF 1100

/* Both lists hold indexes into the arrays below. */
struct admin_row {
	size_t idx;
};

struct admin {
	struct app *a;
	struct dasv_user *users;
	size_t nusers;
	struct dasv_service *svc;
	size_t nsvc;
	struct widget_list *ul, *sl;
	bool reload_users, reload_svc;
	struct widget_choice roles[DASV_CODE_SET_MAX];
	size_t nroles;
};

static int
admin_fetch_n(size_t n, enum widget_fetch dir, const void *anchor, void *out, int max)
{
	const struct admin_row *an = anchor;
	struct admin_row *rows = out;
	long i, step;
	int k = 0;

	switch (dir) {
	case WIDGET_FETCH_FIRST: i = 0; step = 1; break;
	case WIDGET_FETCH_LAST: i = (long)n - 1; step = -1; break;
	case WIDGET_FETCH_AFTER: i = (long)an->idx + 1; step = 1; break;
	case WIDGET_FETCH_BEFORE: i = (long)an->idx - 1; step = -1; break;
	default: return -1;
	}
	for (; k < max && i >= 0 && i < (long)n; i += step)
		rows[k++].idx = (size_t)i;
	return k;
}

static int
users_fetch(void *ctx, enum widget_fetch dir, const void *anchor, void *out, int max)
{
	struct admin *ad = ctx;

	return admin_fetch_n(ad->nusers, dir, anchor, out, max);
}

static int
services_fetch(void *ctx, enum widget_fetch dir, const void *anchor, void *out, int max)
{
	struct admin *ad = ctx;

	return admin_fetch_n(ad->nsvc, dir, anchor, out, max);
}

static void
users_draw_row(void *ctx, struct ui *ui, WINDOW *w, int y, int x, int cols,
	       const void *rowp, attr_t attr)
{
	struct admin *ad = ctx;
	const struct dasv_user *u;
	size_t idx = ((const struct admin_row *)rowp)->idx;

	(void)ui;
	if (idx >= ad->nusers)
		return;
	u = &ad->users[idx];
	ui_put(w, y, x + 1, 24, u->name, attr);
	ui_put(w, y, x + 27, 12, dasv_role_name(u->role), attr);
	ui_put(w, y, x + 41, 10, u->active ? "active" : "disabled",
	       attr | (u->active ? 0 : ui_attr(ui, UI_ROLE_HINT)));
	ui_put(w, y, x + 53, cols - 54, u->created_at, attr);
}

static void
services_draw_row(void *ctx, struct ui *ui, WINDOW *w, int y, int x, int cols,
		  const void *rowp, attr_t attr)
{
	struct admin *ad = ctx;
	const struct dasv_service *s;
	size_t idx = ((const struct admin_row *)rowp)->idx;
	int name_w = cols - 58;
	char buf[64];

	(void)ui;
	if (idx >= ad->nsvc)
		return;
	s = &ad->svc[idx];
	if (name_w < 16)
		name_w = 16;
	ui_put(w, y, x + 1, name_w, s->name, attr);
	x += name_w + 3;
	ui_put(w, y, x, 11, s->pathway, attr);
	snprintf(buf, sizeof(buf), "%5d/%-5d", s->open_cases, s->capacity);
	ui_put(w, y, x + 12, 11, buf, attr);
	snprintf(buf, sizeof(buf), "%7d", s->waiting);
	ui_put(w, y, x + 24, 7, buf, attr);
	snprintf(buf, sizeof(buf), "%2d / %-2d", s->contact_days, s->high_contact_days);
	ui_put(w, y, x + 33, 9, buf, attr);
	ui_put(w, y, x + 44, 8, s->active ? "yes" : "no", attr);
}

static const struct widget_list_source users_src = {
	.row_size = sizeof(struct admin_row),
	.fetch = users_fetch,
	.draw = users_draw_row,
	.header = " User                      Role          State       Created",
	.empty = "No users.",
};

static const struct widget_list_source services_src = {
	.row_size = sizeof(struct admin_row),
	.fetch = services_fetch,
	.draw = services_draw_row,
	.empty = "No services.",
};

static void
admin_load_users(struct admin *ad)
{
	enum dasv_status st;

	ad->reload_users = false;
	widget_list_reset(ad->ul);
	free(ad->users);
	ad->users = NULL;
	ad->nusers = 0;
	st = dasv_user_list(ad->a->d, &ad->users, &ad->nusers);
	if (st != DASV_OK)
		app_core_error(ad->a, st);
}

static void
admin_load_services(struct admin *ad)
{
	enum dasv_status st;

	ad->reload_svc = false;
	widget_list_reset(ad->sl);
	free(ad->svc);
	ad->svc = NULL;
	ad->nsvc = 0;
	st = dasv_services_list(ad->a->d, 0, &ad->svc, &ad->nsvc);
	if (st != DASV_OK)
		app_core_error(ad->a, st);
}

/* ---- add a user ---- */

struct user_form {
	struct admin *ad;
	struct widget_form *f;
	int f_name, f_role, f_pass, f_pass2;
};

static const char *
user_check_pass(void *ctx, const struct widget_form *f, int field, const char *v)
{
	static char msg[64];
	const unsigned char *p = (const unsigned char *)v;
	size_t chars = 0;

	(void)ctx;
	(void)f;
	(void)field;
	for (; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	if (chars < DASV_MIN_PASSPHRASE) {
		snprintf(msg, sizeof(msg), "At least %d characters", DASV_MIN_PASSPHRASE);
		return msg;
	}
	return NULL;
}

static const char *
user_check_repeat(void *ctx, const struct widget_form *f, int field, const char *v)
{
	struct user_form *uf = ctx;
	char first[PASS_BUF];
	bool same;

	(void)field;
	widget_form_get(f, uf->f_pass, first, sizeof(first));
	same = strcmp(first, v) == 0;
	dasv_wipe(first, sizeof(first));
	return same ? NULL : "Not the same as the passphrase";
}

static void
user_form_draw(struct ui *ui, void *state)
{
	struct user_form *uf = state;
	WINDOW *w = ui_body(ui);

	widget_form_draw(uf->f, ui, w);
	ui_put(w, 8, 2, getmaxx(w) - 4,
	       "Passphrases are not shown; users change theirs with dasv user passwd.",
	       ui_attr(ui, UI_ROLE_HINT));
}

static int
user_form_save(struct user_form *uf, struct ui *ui)
{
	struct app *a = uf->ad->a;
	char name[DASV_NAME_MAX], role[DASV_CODE_MAX], pass[PASS_BUF];
	enum dasv_status st;

	if (widget_form_check(uf->f) >= 0) {
		ui_error(ui, "Please correct the fields marked.");
		return UI_HANDLED | UI_REDRAW;
	}
	widget_form_get(uf->f, uf->f_name, name, sizeof(name));
	widget_form_get(uf->f, uf->f_role, role, sizeof(role));
	widget_form_get(uf->f, uf->f_pass, pass, sizeof(pass));
	st = dasv_user_add(a->d, name, dasv_role_parse(role), pass);
	dasv_wipe(pass, sizeof(pass));
	if (st != DASV_OK) {
		app_core_error(a, st);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_message(ui, "User %s added as %s.", name, dasv_role_name(dasv_role_parse(role)));
	widget_form_set_clean(uf->f);
	uf->ad->reload_users = true;
	return UI_HANDLED | UI_REDRAW | UI_POP;
}

static int
user_form_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct user_form *uf = state;

	if (req == UI_REQ_SAVE)
		return user_form_save(uf, ui);
	return widget_form_handle(uf->f, ui, req, ch);
}

static bool
user_form_dirty(struct ui *ui, void *state)
{
	struct user_form *uf = state;

	(void)ui;
	return widget_form_dirty(uf->f);
}

static void
user_form_leave(struct ui *ui, void *state)
{
	struct user_form *uf = state;

	(void)ui;
	widget_form_free(&uf->f);	/* wipes the passphrase fields */
	free(uf);
}

static const struct ui_screen_ops user_form_ops = {
	.name = "New user",
	.keys = widget_form_keys,
	.draw = user_form_draw,
	.handle = user_form_handle,
	.leave = user_form_leave,
	.dirty = user_form_dirty,
};

static int
user_form_push(struct admin *ad)
{
	struct user_form *uf = calloc(1, sizeof(*uf));
	struct widget_form *f;

	if (!uf || !(uf->f = widget_form_new("New user"))) {
		free(uf);
		return -1;
	}
	uf->ad = ad;
	f = uf->f;
	uf->f_name = widget_form_add_text(f, "name", "User name", DASV_NAME_MAX - 1, 0);
	uf->f_role = widget_form_add_pick(f, "role", "Role", ad->roles, ad->nroles);
	uf->f_pass = widget_form_add_text(f, "pass", "Passphrase", 1024,
					  WIDGET_INPUT_SECRET | WIDGET_INPUT_STARS);
	uf->f_pass2 = widget_form_add_text(f, "pass2", "Passphrase again", 1024,
					   WIDGET_INPUT_SECRET | WIDGET_INPUT_STARS);
	if (uf->f_name < 0 || uf->f_role < 0 || uf->f_pass < 0 || uf->f_pass2 < 0) {
		user_form_leave(NULL, uf);
		return -1;
	}
	widget_form_set_required(f, uf->f_name, true);
	widget_form_set_required(f, uf->f_role, true);
	widget_form_set_required(f, uf->f_pass, true);
	widget_form_set_required(f, uf->f_pass2, true);
	widget_form_set_validate(f, uf->f_pass, user_check_pass, NULL);
	widget_form_set_validate(f, uf->f_pass2, user_check_repeat, uf);
	if (ui_push(ad->a->ui, &user_form_ops, uf) < 0) {
		user_form_leave(NULL, uf);
		return -1;
	}
	return 0;
}

/* ---- edit a service ---- */

struct service_form {
	struct admin *ad;
	struct dasv_service s;	/* a copy: saved as a whole */
	struct widget_form *f;
	int f_cap, f_days, f_high, f_active;
};

static void
service_form_draw(struct ui *ui, void *state)
{
	struct service_form *sf = state;
	WINDOW *w = ui_body(ui);
	char line[160];

	widget_form_draw(sf->f, ui, w);
	snprintf(line, sizeof(line), "Open cases now: %d, waiting: %d. Days are working days to "
		 "first contact.", sf->s.open_cases, sf->s.waiting);
	ui_put(w, 8, 2, getmaxx(w) - 4, line, ui_attr(ui, UI_ROLE_HINT));
}

static long
service_form_int(struct service_form *sf, int field)
{
	char v[24];

	widget_form_get(sf->f, field, v, sizeof(v));
	return strtol(v, NULL, 10);
}

static int
service_form_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct service_form *sf = state;
	struct dasv_field_err fe;
	struct dasv_service s;
	char v[8];
	enum dasv_status st;

	if (req != UI_REQ_SAVE)
		return widget_form_handle(sf->f, ui, req, ch);
	if (widget_form_check(sf->f) >= 0) {
		ui_error(ui, "Please correct the fields marked.");
		return UI_HANDLED | UI_REDRAW;
	}
	s = sf->s;
	s.capacity = (int)service_form_int(sf, sf->f_cap);
	s.contact_days = (int)service_form_int(sf, sf->f_days);
	s.high_contact_days = (int)service_form_int(sf, sf->f_high);
	widget_form_get(sf->f, sf->f_active, v, sizeof(v));
	s.active = strcmp(v, "yes") == 0;
	st = dasv_service_save(sf->ad->a->d, &s, &fe);
	if (st != DASV_OK) {
		app_core_error(sf->ad->a, st);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_message(ui, "Saved %s.", s.name);
	widget_form_set_clean(sf->f);
	sf->ad->reload_svc = true;
	return UI_HANDLED | UI_REDRAW | UI_POP;
}

static bool
service_form_dirty(struct ui *ui, void *state)
{
	struct service_form *sf = state;

	(void)ui;
	return widget_form_dirty(sf->f);
}

static void
service_form_leave(struct ui *ui, void *state)
{
	struct service_form *sf = state;

	(void)ui;
	widget_form_free(&sf->f);
	free(sf);
}

static const struct ui_screen_ops service_form_ops = {
	.name = "Edit service",
	.keys = widget_form_keys,
	.draw = service_form_draw,
	.handle = service_form_handle,
	.leave = service_form_leave,
	.dirty = service_form_dirty,
};

static int
service_form_push(struct admin *ad, const struct dasv_service *s)
{
	struct service_form *sf = calloc(1, sizeof(*sf));
	struct widget_form *f;
	char title[128], v[24];

	if (!sf)
		return -1;
	snprintf(title, sizeof(title), "Service: %s", s->name);
	if (!(sf->f = widget_form_new(title))) {
		free(sf);
		return -1;
	}
	sf->ad = ad;
	sf->s = *s;
	f = sf->f;
	sf->f_cap = widget_form_add_int(f, "capacity", "Capacity (cases)", 0, 100000);
	sf->f_days = widget_form_add_int(f, "contact_days", "First contact (days)", 0, 60);
	sf->f_high = widget_form_add_int(f, "high_contact_days", "High risk (days)", 0, 60);
	sf->f_active = widget_form_add_yesno(f, "active", "Takes referrals");
	if (sf->f_cap < 0 || sf->f_days < 0 || sf->f_high < 0 || sf->f_active < 0) {
		service_form_leave(NULL, sf);
		return -1;
	}
	widget_form_set_required(f, sf->f_cap, true);
	widget_form_set_required(f, sf->f_days, true);
	widget_form_set_required(f, sf->f_high, true);
	snprintf(v, sizeof(v), "%d", s->capacity);
	widget_form_set(f, sf->f_cap, v);
	snprintf(v, sizeof(v), "%d", s->contact_days);
	widget_form_set(f, sf->f_days, v);
	snprintf(v, sizeof(v), "%d", s->high_contact_days);
	widget_form_set(f, sf->f_high, v);
	widget_form_set(f, sf->f_active, s->active ? "yes" : "no");
	widget_form_set_clean(f);
	if (ui_push(ad->a->ui, &service_form_ops, sf) < 0) {
		service_form_leave(NULL, sf);
		return -1;
	}
	return 0;
}

/* ---- the two lists ---- */

static void
users_draw(struct ui *ui, void *state)
{
	struct admin *ad = state;
	WINDOW *w = ui_body(ui);
	size_t i, active = 0;
	char line[128];
	int rows, cols;

	getmaxyx(w, rows, cols);
	if (ad->reload_users)
		admin_load_users(ad);
	for (i = 0; i < ad->nusers; i++)
		active += ad->users[i].active != 0;
	snprintf(line, sizeof(line), "Users \xe2\x80\x94 %zu active, %zu disabled", active,
		 ad->nusers - active);
	ui_put(w, 0, 1, cols - 2, line, ui_attr(ui, UI_ROLE_LABEL));
	widget_list_draw(ad->ul, ui, w, 1, 0, rows - 1, cols);
}

static int
users_disable(struct admin *ad, struct ui *ui)
{
	const struct admin_row *sel = widget_list_selected(ad->ul);
	const struct dasv_user *u;
	char q[200], name[DASV_NAME_MAX];
	struct dasv_rekey_result rr;
	enum dasv_status st;

	if (!sel || sel->idx >= ad->nusers)
		return UI_HANDLED;
	u = &ad->users[sel->idx];
	if (!u->active) {
		ui_message(ui, "%s is already disabled.", u->name);
		return UI_HANDLED | UI_REDRAW;
	}
	snprintf(name, sizeof(name), "%s", u->name);
	if (strcmp(name, dasv_session_user(ad->a->d)) == 0)
		snprintf(q, sizeof(q), "Disable your own account %s? You will not be able to "
			 "unlock again.", name);
	else
		snprintf(q, sizeof(q), "Disable %s? Their keyslot is removed and the data key is "
			 "rotated, so nothing they copied opens anything new.", name);
	if (!widget_confirm(ui, q))
		return UI_HANDLED | UI_REDRAW;
	/* as `dasv user disable`: revoking rotates the data key */
	st = dasv_user_revoke(ad->a->d, name, 1, &rr);
	if (st != DASV_OK)
		app_core_error(ad->a, st);
	else
		ui_message(ui, "%s disabled; data key rotated to generation %lld.", name,
			   (long long)rr.generation);
	ad->reload_users = true;
	return UI_HANDLED | UI_REDRAW;
}

static void
admin_open_services(struct admin *ad, struct ui *ui);

static int
users_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct admin *ad = state;

	(void)ch;
	switch (req) {
	case UI_REQ_NEW:
		if (user_form_push(ad) < 0)
			ui_error(ui, "Could not open the form.");
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_DEL:
		return users_disable(ad, ui);
	case UI_REQ_SWITCH:
		admin_open_services(ad, ui);
		return UI_HANDLED | UI_REDRAW;
	default:
		return widget_list_handle(ad->ul, ui, req);
	}
}

static void
services_draw(struct ui *ui, void *state)
{
	struct admin *ad = state;
	WINDOW *w = ui_body(ui);
	char header[200];
	int rows, cols, name_w;

	getmaxyx(w, rows, cols);
	if (ad->reload_svc)
		admin_load_services(ad);
	name_w = cols - 58 < 16 ? 16 : cols - 58;
	snprintf(header, sizeof(header), " %-*s  %-11s %-11s %7s  %-9s  %s", name_w, "Service",
		 "Pathway", " Open/cap", "Waiting", "Contact", "Active");
	ui_put(w, 0, 1, cols - 2, "Services \xe2\x80\x94 contact within working days (all / high risk)",
	       ui_attr(ui, UI_ROLE_LABEL));
	ui_put(w, 1, 0, cols, header, ui_attr(ui, UI_ROLE_HEADER));
	widget_list_draw(ad->sl, ui, w, 2, 0, rows - 2, cols);
}

static int
services_handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	struct admin *ad = state;
	const struct admin_row *sel;

	(void)ch;
	switch (req) {
	case UI_REQ_ENTER:
	case UI_REQ_EDIT:
		sel = widget_list_selected(ad->sl);
		if (sel && sel->idx < ad->nsvc && service_form_push(ad, &ad->svc[sel->idx]) < 0)
			ui_error(ui, "Could not open the form.");
		return UI_HANDLED | UI_REDRAW;
	case UI_REQ_SWITCH:
		return UI_HANDLED | UI_POP;	/* the users list is below */
	default:
		return widget_list_handle(ad->sl, ui, req);
	}
}

#define ADMIN_NAV_KEYS \
	{ UI_REQ_UP, NULL, NULL }, { UI_REQ_DOWN, NULL, NULL }, \
	{ UI_REQ_PGUP, NULL, NULL }, { UI_REQ_PGDN, NULL, NULL }, \
	{ UI_REQ_HOME, NULL, NULL }, { UI_REQ_END, NULL, NULL }

static const struct ui_keyuse users_keys[] = {
	{ UI_REQ_NEW, "Add user", "Add a user: role and a new passphrase" },
	{ UI_REQ_DEL, "Disable", "Disable the selected user (asks first)" },
	{ UI_REQ_SWITCH, "Services", "The services catalogue" },
	ADMIN_NAV_KEYS,
	UI_KEYS_END
};

static const struct ui_keyuse services_keys[] = {
	{ UI_REQ_ENTER, "Edit", "Edit capacity, contact standard and active" },
	{ UI_REQ_EDIT, "", "Edit the selected service" },
	{ UI_REQ_SWITCH, "Users", "Back to the users" },
	ADMIN_NAV_KEYS,
	UI_KEYS_END
};

static void
admin_leave(struct ui *ui, void *state)
{
	struct admin *ad = state;

	(void)ui;
	widget_list_free(&ad->ul);
	widget_list_free(&ad->sl);
	free(ad->users);
	free(ad->svc);
	free(ad);
}

static const struct ui_screen_ops users_ops = {
	.name = "Users",
	.keys = users_keys,
	.draw = users_draw,
	.handle = users_handle,
	.leave = admin_leave,
};

/* The services list shares the users' state; the users screen frees it. */
static const struct ui_screen_ops services_ops = {
	.name = "Services",
	.keys = services_keys,
	.draw = services_draw,
	.handle = services_handle,
};

static void
admin_open_services(struct admin *ad, struct ui *ui)
{
	ad->reload_svc = true;
	if (ui_push(ui, &services_ops, ad) < 0)
		ui_error(ui, "Could not open the services.");
}

int
screen_admin_push(struct app *a)
{
	const struct dasv_code *codes;
	struct admin *ad;
	size_t n, i;

	if (dasv_session_role(a->d) != DASV_ROLE_ADMIN) {
		ui_error(a->ui, "Users and services are for admins.");
		return -1;
	}
	ad = calloc(1, sizeof(*ad));
	if (!ad)
		return -1;
	ad->a = a;
	codes = dasv_codes(DASV_LIST_ROLE, &n);
	for (i = 0; i < n && i < DASV_CODE_SET_MAX; i++) {
		ad->roles[i].code = codes[i].code;
		ad->roles[i].label = codes[i].label;
	}
	ad->nroles = i;
	ad->ul = widget_list_new(&users_src, ad);
	ad->sl = widget_list_new(&services_src, ad);
	if (!ad->ul || !ad->sl) {
		admin_leave(a->ui, ad);
		return -1;
	}
	ad->reload_users = true;
	if (ui_push(a->ui, &users_ops, ad) < 0) {
		admin_leave(a->ui, ad);
		return -1;
	}
	return 0;
}
