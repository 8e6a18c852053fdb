/*
 * app.h - the dasv front end's screens and the state they share.
 *
 * Each screen is one file (screen_*.c) defining its struct ui_screen_ops and
 * one entry point below that builds its state and pushes it.  Screens talk to
 * the database only through core calls (core/dasv.h, core/referral.h, ...);
 * tui/ never calls sqlite3 or libsodium.  Decrypted strings a screen holds are
 * wiped in its wipe() (called on lock) and leave().
 */
#ifndef DASV_APP_H
#define DASV_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "dasv.h"
#include "referral.h"
#include "ui.h"

struct app {
	struct dasv *d;     /* open database; unlocked while screens run */
	struct ui *ui;
	const char *db_path;
	char user[DASV_NAME_MAX];
	bool demo;
	int lock_failures;  /* consecutive wrong passphrases at the lock screen */
};

/* The app of the running front end (screens receive it as their ctx). */
struct app *app_get(void);
/* Redo the title bar: "dasv — DEMO — alice (caseworker)". */
void app_update_title(struct app *a);
/* Show a core failure on the message line: the handle's message. */
void app_core_error(struct app *a, enum dasv_status st);

/* ---- screens (each in its own file) --------------------------------- */

/* screen_home.c: caseworker's caseload; supervisor's queue and waiting lists. */
int screen_home_push(struct app *a);
/* screen_referral_form.c: new referral (id 0) or edit an existing one. */
int screen_referral_form_push(struct app *a, int64_t id);
/* screen_case.c: one referral, safe contact first, timeline, casework actions.
 * Asks for a break-glass reason when the referral is outside the caseload. */
int screen_case_push(struct app *a, int64_t id);
/* The same, run modally until it is closed (the form opens a new referral's case
 * in place of itself this way). */
int screen_case_run(struct app *a, int64_t id);
/* screen_dash.c: DASH checklist (and the stalking screen when Q8 is Yes). */
int screen_dash_push(struct app *a, int64_t referral_id);
/* screen_sv.c: SV safety-and-support assessment. */
int screen_sv_push(struct app *a, int64_t referral_id);
/* screen_needs.c: needs assessment. */
int screen_needs_push(struct app *a, int64_t referral_id);
/* screen_allocate.c: recommendation, services with capacity, allocate/override. */
int screen_allocate_push(struct app *a, int64_t referral_id);
/* screen_search.c: by id, surname + date of birth, phone, postcode. */
int screen_search_push(struct app *a);
/* screen_reports.c: commissioning reports (auditors land here). */
int screen_reports_push(struct app *a);
/* screen_audit.c: the audit log view (auditors, admins). */
int screen_audit_push(struct app *a);
/* screen_admin.c: users and services (admins). */
int screen_admin_push(struct app *a);

#endif
