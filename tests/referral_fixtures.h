/*
 * referral_fixtures.h - shared fixtures for the referral-core tests
 * (test_referral.c, test_assess.c, test_alloc.c, test_casework.c): a valid
 * intake to mutate, quick creation and assessment, services, and read-only
 * SQL on the database file to check what the core really stored.
 *
 * Everything here is static inline so each test binary takes what it uses.
 */
#ifndef DASV_TEST_REFERRAL_FIXTURES_H
#define DASV_TEST_REFERRAL_FIXTURES_H

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "dasv.h"
#include "helpers.h"
#include "referral.h"
#include "risk.h"

/* The fixed "today" of every referral test: a Monday. */
#define FX_TODAY "2026-06-15"

/* Bits of the code lists (bit i = code i of core/codes.c). */
#define FX_DA 1u
#define FX_SV 2u
#define FX_VAWG_DA (1u << 0)
#define FX_VAWG_SV (1u << 1)
#define FX_VAWG_FGM (1u << 2)

static inline void
fx_today(const char *day)
{
	cr_assert_eq(setenv("DASV_TODAY", day, 1), 0);
}

/* Replace a sensitive string slot with a copy of v (NULL stays NULL). */
static inline void
fx_set(char **slot, const char *v)
{
	dasv_str_free(slot);
	if (v) {
		*slot = strdup(v);
		cr_assert_not_null(*slot);
	}
}

/*
 * A valid DA intake received 2026-06-01 in Cambridge from the police, with
 * consent to share and no children.  dob and phone may be NULL.  The
 * sensitive strings are strdup'd: release with dasv_referral_clear.
 */
static inline void
fx_referral(struct dasv_referral *r, const char *first, const char *last, const char *dob,
	    const char *phone)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->received_on, sizeof(r->received_on), "2026-06-01");
	snprintf(r->source, sizeof(r->source), "police");
	r->strand = FX_DA;
	r->vawg = FX_VAWG_DA;
	snprintf(r->district, sizeof(r->district), "cambridge");
	fx_set(&r->person.first_name, first);
	fx_set(&r->person.last_name, last);
	fx_set(&r->person.date_of_birth, dob);
	fx_set(&r->person.phone, phone);
	fx_set(&r->person.address, "1 Mill Road, Cambridge");
	fx_set(&r->person.postcode, "CB1 2AB");
	fx_set(&r->person.safe_contact, "Call after six, never leave a message");
	r->person.safe_to_call = 1;
	r->person.voicemail_ok = 0;
	r->person.letters_ok = -1;
	snprintf(r->perpetrator_relationship, sizeof(r->perpetrator_relationship), "partner");
	r->consent_to_share = 1;
	r->level = DASV_LEVEL_NONE;
	r->dash_score = -1;
	r->age_at_referral = -1;
}

/* Create r and return its id; asserts success. */
static inline int64_t
fx_create(struct dasv *d, const struct dasv_referral *r, struct dasv_intake_result *res)
{
	struct dasv_field_err fe = { "", "" };
	struct dasv_intake_result local;
	enum dasv_status st;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	st = dasv_referral_create(d, r, &fe, res);
	cr_assert_eq(st, DASV_OK, "create: %s (%s: %s)", dasv_errmsg(d), fe.field, fe.msg);
	cr_assert_gt(res->id, 0);
	cr_assert_gt(res->person_id, 0);
	return res->id;
}

/* A referral of its own person (surname last, no phone) received on the date. */
static inline int64_t
fx_quick(struct dasv *d, const char *last, const char *dob, const char *received_on,
	 struct dasv_intake_result *res)
{
	struct dasv_referral r;
	int64_t id;

	fx_referral(&r, "Alex", last, dob, NULL);
	snprintf(r.received_on, sizeof(r.received_on), "%s", received_on);
	id = fx_create(d, &r, res);
	dasv_referral_clear(&r);
	return id;
}

/* Surname made of letters only from a number (names may not hold digits). */
static inline void
fx_name_of(int i, const char *prefix, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s%c%c%c", prefix, 'a' + (i / 676) % 26, 'a' + (i / 26) % 26,
		 'a' + i % 26);
}

/* DASH input with `yes` Y answers first and N for the rest. */
static inline void
fx_dash_input(struct dasv_dash_input *in, int yes, int consent, const char *assessed_on)
{
	memset(in, 0, sizeof(*in));
	for (int i = 0; i < DASV_DASH_QUESTIONS; i++)
		in->answers[i] = i < yes ? 'Y' : 'N';
	in->answers[DASV_DASH_QUESTIONS] = '\0';
	in->consent = consent;
	in->pj_level = DASV_LEVEL_NONE;
	in->pj_reason = NULL;
	snprintf(in->assessed_on, sizeof(in->assessed_on), "%s", assessed_on ? assessed_on : "");
}

static inline void
fx_dash(struct dasv *d, int64_t id, int yes, int consent, const char *assessed_on,
	struct dasv_marac_result *out)
{
	struct dasv_dash_input in;
	struct dasv_marac_result local;

	fx_dash_input(&in, yes, consent, assessed_on);
	cr_assert_eq(dasv_dash_record(d, id, &in, out ? out : &local), DASV_OK, "dash: %s",
		     dasv_errmsg(d));
}

/* Read a referral with no break-glass; asserts success.  Clear it after. */
static inline void
fx_get(struct dasv *d, int64_t id, struct dasv_referral *out)
{
	memset(out, 0, sizeof(*out));
	cr_assert_eq(dasv_referral_get(d, id, NULL, out), DASV_OK, "get %lld: %s", (long long)id,
		     dasv_errmsg(d));
}

/* Add a service as the current (admin) session and return its id. */
static inline int64_t
fx_service(struct dasv *d, const char *name, const char *type, const char *pathway,
	   unsigned strand, int capacity, int contact_days, int high_contact_days)
{
	struct dasv_service s;
	struct dasv_field_err fe = { "", "" };

	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	snprintf(s.type, sizeof(s.type), "%s", type);
	snprintf(s.pathway, sizeof(s.pathway), "%s", pathway);
	s.strand = strand;
	s.capacity = capacity;
	s.contact_days = contact_days;
	s.high_contact_days = high_contact_days;
	s.commissioned = 1;
	s.active = 1;
	cr_assert_eq(dasv_service_save(d, &s, &fe), DASV_OK, "service_save: %s (%s: %s)",
		     dasv_errmsg(d), fe.field, fe.msg);
	cr_assert_gt(s.id, 0);
	return s.id;
}

/* One service as listed by the core; asserts it exists. */
static inline struct dasv_service
fx_service_get(struct dasv *d, int64_t id)
{
	struct dasv_service *all = NULL, found;
	size_t n = 0;
	int ok = 0;

	memset(&found, 0, sizeof(found));
	cr_assert_eq(dasv_services_list(d, 0, &all, &n), DASV_OK, "%s", dasv_errmsg(d));
	for (size_t i = 0; i < n; i++)
		if (all[i].id == id) {
			found = all[i];
			ok = 1;
		}
	free(all);
	cr_assert(ok, "service %lld not listed", (long long)id);
	return found;
}

static inline int64_t
fx_user_id(struct dasv *d, const char *name)
{
	struct dasv_user *u = NULL;
	size_t n = 0;
	int64_t id = 0;

	cr_assert_eq(dasv_user_list(d, &u, &n), DASV_OK, "%s", dasv_errmsg(d));
	for (size_t i = 0; i < n; i++)
		if (strcmp(u[i].name, name) == 0)
			id = u[i].id;
	free(u);
	cr_assert_gt(id, 0, "no user %s", name);
	return id;
}

/* ---- read-only SQL on the file, to check what was really stored ---- */

static inline sqlite3_stmt *
fx_sql_prepare(sqlite3 **db, const char *path, const char *sql, int64_t arg)
{
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(*db, 5000);
	cr_assert_eq(sqlite3_prepare_v2(*db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(*db));
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, arg);
	return st;
}

/* The first column of the first row as an integer (0 for no row / NULL). */
static inline int64_t
fx_sql_int(const char *path, const char *sql, int64_t arg)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = fx_sql_prepare(&db, path, sql, arg);
	int64_t v = 0;
	int rc = sqlite3_step(st);

	cr_assert(rc == SQLITE_ROW || rc == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The first column of the first row as text ("" for no row / NULL). */
static inline void
fx_sql_text(const char *path, const char *sql, int64_t arg, char *buf, size_t bufsz)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = fx_sql_prepare(&db, path, sql, arg);
	int rc = sqlite3_step(st);

	cr_assert(rc == SQLITE_ROW || rc == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	buf[0] = '\0';
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, bufsz, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Does the database (main file or its WAL) hold the bytes? */
static inline int
fx_db_contains(const struct th *t, const char *needle)
{
	char wal[160];

	snprintf(wal, sizeof(wal), "%s-wal", t->path);
	return th_file_contains(t->path, needle) || th_file_contains(wal, needle);
}

/* Does any audit entry's detail hold the text? */
static inline int
fx_audit_mentions(const struct th *t, const char *needle)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = fx_sql_prepare(&db, t->path, "SELECT detail FROM audit_log", 0);
	int found = 0;

	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		if (s && strstr(s, needle))
			found = 1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

#endif
