/*
 * demo.h - a synthetic demonstration database (`dasv demo`, `make run`).
 *
 * Owns: the demo users and their published passphrases, and the generator
 * of synthetic referrals.  Every person in a demo database is invented from
 * built-in lists of common first names and surnames; phones are in Ofcom's
 * drama range (07700 900000-900999); postcodes have the CB/PE shape.  Given
 * the same seed and the same "today" the same database comes out.
 *
 * Must never: print, exit, or be used for a real deployment -- the
 * passphrases below are public.  A demo database says so: the settings row
 * `demo` is '1' and the TUI shows DEMO in its title.
 */
#ifndef DASV_DEMO_H
#define DASV_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "dasv.h"

#define DASV_DEMO_ADMIN_PASS "demo-admin-pass"
#define DASV_DEMO_SUPERVISOR_PASS "demo-super-pass"
#define DASV_DEMO_CASEWORKER_PASS "demo-casework-pass"
#define DASV_DEMO_CASEWORKER2_PASS "demo-casework2-pass"
#define DASV_DEMO_AUDITOR_PASS "demo-audit-pass"

#define DASV_DEMO_DEFAULT_REFERRALS 2000
#define DASV_DEMO_MAX_REFERRALS 200000
#define DASV_DEMO_DEFAULT_SEED 20190401u

/*
 * The first referral of every demo database is this person, referred again
 * later (a repeat victim), so tests have a known name to look for: it must
 * never appear in clear in the database file.
 */
#define DASV_DEMO_MARKER_FIRST "Zoë"
#define DASV_DEMO_MARKER_LAST "Quennell-Adeyemi"

struct dasv_demo_user {
	const char *name;
	enum dasv_role role;
	const char *pass;
};

/* The demo users in creation order (admin first); *n gets the count. */
const struct dasv_demo_user *dasv_demo_users(size_t *n);

/*
 * Create a new demo database at path (refuses an existing file: DASV_EXISTS)
 * with the demo users, the `demo` setting, and `referrals` synthetic
 * referrals (0..DASV_DEMO_MAX_REFERRALS) received over the last two years:
 * inserted and DASH-assessed in one transaction with one audit entry
 * "demo_create", then SV assessments, allocations, contacts and closures
 * made through the public calls as the supervisor and caseworkers would.
 *
 * *out is the open handle, locked (unlock it as one of the users); it is set
 * on failure too when a message is available (read dasv_errmsg, then
 * dasv_close).  A database that could not be completed is removed.
 */
enum dasv_status dasv_demo_create(const char *path, int referrals, uint32_t seed,
				  struct dasv **out);

#endif
