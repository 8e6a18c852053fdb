/*
 * demo.c - the synthetic demonstration database.
 *
 * The bulk of the referrals goes in through the batch API (referral_int.h)
 * in one transaction with one audit entry, which is what makes 2000
 * referrals take seconds.  What a partnership would then do with them --
 * SV assessments, allocation, contacts, closure -- goes through the public
 * calls as the supervisor and caseworkers, so the demo exercises the same
 * rules (capacity, recommendations, overrides) as real use.  Those calls
 * take "today" from dasv_date_today(), so the generator sets DASV_TODAY to
 * each event's day while it replays two years of casework in date order,
 * and restores the caller's environment afterwards.
 *
 * Everything random comes from one small PRNG seeded by the caller, so a
 * seed and a "today" always give the same database.  The invented people and
 * their referrals come from demo_gen.c; this file puts them in the database
 * and replays the casework.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "date.h"
#include "demo_int.h"
#include "internal.h"
#include "referral_int.h"
#include "risk.h"

static const struct dasv_demo_user demo_users[] = {
	{ "admin", DASV_ROLE_ADMIN, DASV_DEMO_ADMIN_PASS },
	{ "supervisor", DASV_ROLE_SUPERVISOR, DASV_DEMO_SUPERVISOR_PASS },
	{ "caseworker", DASV_ROLE_CASEWORKER, DASV_DEMO_CASEWORKER_PASS },
	{ "caseworker2", DASV_ROLE_CASEWORKER, DASV_DEMO_CASEWORKER2_PASS },
	{ "auditor", DASV_ROLE_AUDITOR, DASV_DEMO_AUDITOR_PASS },
};
#define N_USERS (sizeof(demo_users) / sizeof(demo_users[0]))

const struct dasv_demo_user *
dasv_demo_users(size_t *n)
{
	if (n)
		*n = N_USERS;
	return demo_users;
}

/* ---- replaying casework ---------------------------------------------- */

static const char *const close_reasons[] = { "support_completed", "declined", "no_contact",
					     "moved_away", "transferred" };
static const int close_weights[] = { 55, 15, 15, 8, 7 };

enum ev_kind { EV_SV, EV_ALLOCATE, EV_ATTEMPT, EV_CONTACT, EV_CLOSE };
/* EV_CLOSE's arg: a close_reasons index, or'd with this for a referral never allocated */
#define CLOSE_UNALLOCATED 0x100

struct event {
	int32_t day;
	int kind;
	int idx;
	int arg; /* contact kind, worker, close reason */
};

static int
event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return x->kind - y->kind;
}

struct replay {
	struct dasv *sup;          /* supervisor */
	struct dasv *cw[2];        /* caseworker, caseworker2 */
	int64_t cw_id[2];
	struct dasv_service *svc;
	size_t nsvc;
	int *worker;               /* per item: -1 none, 0/1 caseworker; set on allocation */
	int *allocated;            /* per item: 1 active, 2 waiting */
};

static void
set_today(int32_t day)
{
	char b[11];

	dasv_date_format(day, b);
	setenv("DASV_TODAY", b, 1);
}

/* The referral's recommended service type (after assessment), "" if none. */
static void
rec_type(struct dasv *d, int64_t id, char *out, size_t n)
{
	static const char sql[] = "SELECT rec_service_type FROM referrals WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);

	out[0] = '\0';
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

static const struct dasv_service *
find_service(const struct replay *R, const char *type, unsigned strand, int district,
	     struct rng *g)
{
	const struct dasv_service *c[16], *local = NULL;
	int n = 0;
	int pboro = !strcmp(dasv_demo_district_code(district), "peterborough");

	for (size_t k = 0; k < R->nsvc && n < 16; k++) {
		if (strcmp(R->svc[k].type, type) != 0 || !(R->svc[k].strand & strand))
			continue;
		/* a service named for Peterborough serves Peterborough, and only it */
		if (strstr(R->svc[k].name, "Peterborough")) {
			local = &R->svc[k];
			continue;
		}
		c[n++] = &R->svc[k];
	}
	if (local && (pboro || n == 0))
		return local;
	return n ? c[rnd(g, n)] : NULL;
}

static enum dasv_status
do_allocate(struct replay *R, struct item *it, int idx, struct rng *g)
{
	const struct dasv_service *s;
	char rec[DASV_CODE_MAX];
	const char *why = NULL;
	int waiting = 0, w = -1;
	enum dasv_status st;

	rec_type(R->sup, it->id, rec, sizeof(rec));
	s = rec[0] ? find_service(R, rec, it->strand, it->district, g) : NULL;
	if (!s) {
		/* no rule-recommended service: the supervisor's judgement, with a reason */
		s = find_service(R, it->strand & 1u ? "outreach" : "isva", it->strand, it->district,
				 g);
		if (!s)
			return DASV_OK;
		if (rec[0] && strcmp(rec, s->type) != 0)
			why = "Demo data: nearest service with capacity for this strand";
	}
	if (!strcmp(s->type, "idva") || !strcmp(s->type, "isva") || !strcmp(s->type, "outreach") ||
	    !strcmp(s->type, "cyp"))
		w = rnd(g, 2);
	st = dasv_allocate(R->sup, it->id, s->id, w >= 0 ? R->cw_id[w] : 0, why, &waiting);
	if (st != DASV_OK)
		return st;
	R->worker[idx] = w;
	R->allocated[idx] = waiting ? 2 : 1;
	return DASV_OK;
}

static enum dasv_status
replay_event(struct replay *R, struct item *items, const struct event *e, struct rng *g)
{
	struct item *it = &items[e->idx];
	enum dasv_status st = DASV_OK;

	switch (e->kind) {
	case EV_SV: {
		int scores[DASV_SV_DOMAINS];
		enum dasv_level lv;
		for (int k = 0; k < DASV_SV_DOMAINS; k++)
			scores[k] = rnd(g, 2);
		if (it->sv_level > 0)
			scores[rnd(g, DASV_SV_DOMAINS)] = it->sv_level == DASV_LEVEL_HIGH ? 3 : 2;
		return dasv_sv_record(R->sup, it->id, scores, DASV_LEVEL_NONE, NULL, &lv);
	}
	case EV_ALLOCATE:
		return do_allocate(R, it, e->idx, g);
	case EV_ATTEMPT:
	case EV_CONTACT: {
		static const char *const notes[] = {
			"Called; no answer. Did not leave a message as agreed.",
			"Spoke by phone; safety plan reviewed.",
			"Met at the children's centre; discussed housing options.",
			"Texted to arrange a safe time to call.",
			"Phone answered by someone else; ended the call safely.",
		};
		int w = R->worker[e->idx];
		enum dasv_contact_kind k = e->kind == EV_ATTEMPT ? DASV_CONTACT_ATTEMPTED
								: (enum dasv_contact_kind)e->arg;
		const char *note = k == DASV_CONTACT_ATTEMPTED ? notes[rnd(g, 2) ? 0 : 3]
				   : k == DASV_CONTACT_UNSAFE  ? notes[4]
							       : notes[1 + rnd(g, 2)];
		if (R->allocated[e->idx] != 1 || w < 0)
			return DASV_OK;
		return dasv_contact_add(R->cw[w], it->id, k, note);
	}
	case EV_CLOSE: {
		struct dasv_outcome o;
		struct dasv_field_err fe;
		int reason = e->arg & 0xff;
		if (R->allocated[e->idx] != ((e->arg & CLOSE_UNALLOCATED) ? 0 : 1))
			return DASV_OK;
		memset(&o, 0, sizeof(o));
		snprintf(o.reason, sizeof(o.reason), "%s", close_reasons[reason]);
		o.abuse_stopped = o.feels_safer = -1;
		o.exit_level = DASV_LEVEL_NONE;
		if (reason == 0) {
			o.abuse_stopped = chance(g, 72);
			o.feels_safer = chance(g, 82);
			o.exit_level = chance(g, 80) ? DASV_LEVEL_STANDARD : DASV_LEVEL_MEDIUM;
			o.quality_of_life = 3 + rnd(g, 3);
		} else if (reason >= 3) {
			o.abuse_stopped = rnd(g, 3) - 1;
			o.quality_of_life = rnd(g, 2) ? 0 : 2 + rnd(g, 3);
		}
		st = dasv_referral_close(R->sup, it->id, &o, &fe);
		return st;
	}
	}
	return st;
}

/* Decide what happens to each referral after intake, as dated events. */
static size_t
plan_events(struct gen *G, const struct item *items, int n, struct event *ev)
{
	size_t m = 0;

	for (int i = 0; i < n; i++) {
		const struct item *it = &items[i];
		int32_t age = G->today - it->received, alloc, first;
		int p;

		if (it->sv_level >= 0)
			ev[m++] = (struct event){ it->received, EV_SV, i, 0 };
		/* most referrals are allocated within days; the newest are still queued */
		/* high risk is allocated within days; the rest as capacity allows */
		p = it->level == DASV_LEVEL_HIGH ? (age > 3 ? 98 : 40) : age > 28 ? 70 : age > 7 ? 45 : 10;
		if (!chance(&G->g, p)) {
			/* never allocated: most older ones were closed from the queue */
			if (age > 45 && chance(&G->g, 95))
				ev[m++] = (struct event){ it->received + 7 + rnd(&G->g, 30), EV_CLOSE, i,
							   CLOSE_UNALLOCATED | (chance(&G->g, 50) ? 1 : 2) };
			continue;
		}
		alloc = it->received + 1 + rnd(&G->g, 4);
		if (alloc > G->today)
			continue;
		ev[m++] = (struct event){ alloc, EV_ALLOCATE, i, 0 };
		first = alloc + rnd(&G->g, 3);
		if (first > G->today || chance(&G->g, 6))
			continue;
		if (chance(&G->g, 30)) {
			ev[m++] = (struct event){ first, EV_ATTEMPT, i, 0 };
			first += 1 + rnd(&G->g, 2);
			if (first > G->today)
				continue;
		}
		ev[m++] = (struct event){ first, EV_CONTACT, i,
					   chance(&G->g, 5) ? DASV_CONTACT_UNSAFE : DASV_CONTACT_MADE };
		/* support lasts weeks to months; most cases that old are closed */
		{
			int32_t close = first + 21 + rnd(&G->g, 200);
			if (close <= G->today && chance(&G->g, 92))
				ev[m++] = (struct event){ close, EV_CLOSE, i,
							   pick_w(&G->g, close_weights,
								  (int)LEN(close_weights)) };
		}
	}
	qsort(ev, m, sizeof(ev[0]), event_cmp);
	return m;
}

/* ---- the whole database --------------------------------------------- */

static int
day_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static enum dasv_status
open_as(const char *path, const struct dasv_demo_user *u, struct dasv *d0, struct dasv **out)
{
	enum dasv_status st = dasv_open(path, 0, out);

	if (st == DASV_OK)
		st = dasv_unlock(*out, u->name, u->pass);
	if (st != DASV_OK && *out)
		dasv_set_err(d0, st, "demo: %s: %s", u->name, dasv_errmsg(*out));
	return st;
}

static enum dasv_status
bulk_insert(struct dasv *d, struct gen *G, int n, struct item *items)
{
	int32_t *days = NULL;
	struct dasv_referral r;
	struct strs s;
	struct dasv_dash_input dash;
	struct dasv_intake_result ir;
	struct dasv_field_err fe;
	struct dasv_marac_result mr;
	enum dasv_status st;
	char detail[128];
	int has_dash, marker_again;

	if (n == 0)
		return DASV_OK;
	if (!(days = malloc((size_t)n * sizeof(*days))))
		return dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
	/* received over the last two years, a little busier on weekdays */
	for (int i = 0; i < n; i++) {
		days[i] = G->today - 1 - rnd(&G->g, 730);
		if (dasv_date_weekday(days[i]) >= 5 && chance(&G->g, 50))
			days[i] -= dasv_date_weekday(days[i]) - 4;
	}
	qsort(days, (size_t)n, sizeof(*days), day_cmp);
	/* the marker person comes back about two thirds of the way through */
	marker_again = n >= 3 ? (2 * n) / 3 : -1;
	if ((st = dasv_tx_begin(d)) != DASV_OK)
		goto out;
	for (int i = 0; i < n; i++) {
		dasv_demo_build(G, i, days[i], i == marker_again, &r, &s, &dash, &has_dash,
				&items[i]);
		st = dasv_referral_insert_flags(d, &r, &fe, &ir,
						has_dash ? DASV_INSERT_DASH_FOLLOWS : 0);
		if (st == DASV_OK && has_dash)
			st = dasv_dash_apply(d, ir.id, &dash, &mr);
		if (st != DASV_OK) {
			char why[sizeof(d->err)];
			snprintf(why, sizeof(why), "%s", dasv_errmsg(d));
			dasv_set_err(d, st, "demo: referral %d: %s", i + 1, why);
			dasv_tx_rollback(d);
			goto out;
		}
		items[i].id = ir.id;
	}
	snprintf(detail, sizeof(detail), "count=%d first=%lld last=%lld", n,
		 (long long)items[0].id, (long long)items[n - 1].id);
	if ((st = dasv_audit_append(d, "demo_create", "referral", items[0].id, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		goto out;
	}
	st = dasv_tx_commit(d);
out:
	dasv_wipe(&s, sizeof(s));
	free(days);
	return st;
}

static enum dasv_status
replay(struct dasv *d, const char *path, struct gen *G, int n, struct item *items)
{
	struct replay R;
	struct event *ev = NULL;
	size_t m;
	enum dasv_status st = DASV_OK;
	int32_t day = DASV_DATE_NONE;
	struct dasv_user *users = NULL;
	size_t nu = 0;

	memset(&R, 0, sizeof(R));
	R.sup = d;
	if (n == 0)
		return DASV_OK;
	R.worker = calloc((size_t)n, sizeof(int));
	R.allocated = calloc((size_t)n, sizeof(int));
	ev = malloc((size_t)n * 5 * sizeof(*ev));
	if (!R.worker || !R.allocated || !ev) {
		st = dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
		goto out;
	}
	if ((st = open_as(path, &demo_users[2], d, &R.cw[0])) != DASV_OK ||
	    (st = open_as(path, &demo_users[3], d, &R.cw[1])) != DASV_OK)
		goto out;
	if ((st = dasv_user_list(d, &users, &nu)) != DASV_OK)
		goto out;
	for (size_t k = 0; k < nu; k++)
		for (int w = 0; w < 2; w++)
			if (!strcmp(users[k].name, demo_users[2 + w].name))
				R.cw_id[w] = users[k].id;
	if ((st = dasv_services_list(d, 1, &R.svc, &R.nsvc)) != DASV_OK)
		goto out;
	m = plan_events(G, items, n, ev);
	for (size_t k = 0; k < m; k++) {
		if (ev[k].day != day) {
			day = ev[k].day;
			set_today(day);
		}
		st = replay_event(&R, items, &ev[k], &G->g);
		if (st != DASV_OK) {
			struct dasv *who = ev[k].kind == EV_ATTEMPT || ev[k].kind == EV_CONTACT
						   ? R.cw[R.worker[ev[k].idx]]
						   : d;
			char why[sizeof(d->err)];
			snprintf(why, sizeof(why), "%s", dasv_errmsg(who));
			dasv_set_err(d, st, "demo: casework on referral %lld: %s",
				     (long long)items[ev[k].idx].id, why);
			goto out;
		}
	}
out:
	free(users);
	free(R.svc);
	free(R.worker);
	free(R.allocated);
	free(ev);
	dasv_close(&R.cw[0]);
	dasv_close(&R.cw[1]);
	return st;
}

static void
remove_db(const char *path)
{
	char side[4200];

	remove(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	remove(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	remove(side);
}

enum dasv_status
dasv_demo_create(const char *path, int referrals, uint32_t seed, struct dasv **out)
{
	struct gen *G = NULL;
	struct item *items = NULL;
	struct dasv *d = NULL;
	enum dasv_status st;
	char *saved_today = NULL;
	const char *env;

	*out = NULL;
	if (referrals < 0 || referrals > DASV_DEMO_MAX_REFERRALS) {
		if ((*out = calloc(1, sizeof(**out)))) {
			(*out)->role = DASV_ROLE_NONE;
			dasv_set_err(*out, DASV_USAGE, "demo: referrals must be 0 to %d",
				     DASV_DEMO_MAX_REFERRALS);
		}
		return DASV_USAGE;
	}
	st = dasv_init(path, demo_users[0].name, demo_users[0].pass, out);
	d = *out;
	if (st != DASV_OK)
		return st; /* nothing of ours to remove: the file was not created or existed */

	env = getenv("DASV_TODAY");
	if (env && !(saved_today = strdup(env))) {
		st = dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
		goto fail;
	}
	if (!(G = calloc(1, sizeof(*G))) ||
	    !(items = calloc(referrals > 0 ? (size_t)referrals : 1, sizeof(*items)))) {
		st = dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
		goto fail;
	}
	dasv_demo_gen_init(G, seed);

	for (size_t k = 1; k < N_USERS; k++)
		if ((st = dasv_user_add(d, demo_users[k].name, demo_users[k].role,
					demo_users[k].pass)) != DASV_OK)
			goto fail;
	if ((st = dasv_setting_set(d, "demo", "1")) != DASV_OK)
		goto fail;
	/* intake is the supervisor's: caseworkers see what is allocated to them */
	if ((st = dasv_unlock(d, demo_users[1].name, demo_users[1].pass)) != DASV_OK ||
	    (st = bulk_insert(d, G, referrals, items)) != DASV_OK ||
	    (st = replay(d, path, G, referrals, items)) != DASV_OK)
		goto fail;
	st = DASV_OK;
	goto done;
fail:
	/* a demo that could not be finished is not left half-made */
	{
		char why[sizeof(d->err)];
		snprintf(why, sizeof(why), "%s", dasv_errmsg(d));
		dasv_close(out);
		remove_db(path);
		if ((*out = d = calloc(1, sizeof(*d)))) {
			d->role = DASV_ROLE_NONE;
			dasv_set_err(d, st, "%s", why);
		}
	}
done:
	if (saved_today) {
		setenv("DASV_TODAY", saved_today, 1);
		free(saved_today);
	} else {
		unsetenv("DASV_TODAY");
	}
	if (d)
		dasv_lock(d);
	if (G)
		dasv_wipe(G, sizeof(*G));
	free(G);
	free(items);
	return st;
}

