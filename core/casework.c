/*
 * casework.c - the work on an open case: contacts (attempted, made, unsafe),
 * encrypted notes, the timeline, and closure with the outcome at exit.
 */
#include "referral_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "date.h"
#include "validate.h"

enum dasv_status
dasv_event_add(struct dasv *d, int64_t referral_id, const char *kind, const char *body)
{
	static const char ins[] =
		"INSERT INTO case_events(referral_id, at, by_user, kind) VALUES (?,?,?,?)";
	static const char seal[] = "UPDATE case_events SET body = ? WHERE id = ?";
	unsigned char rk[DASV_KEY_BYTES];
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t id;
	char now[21];
	int rc;

	if (!(st = dasv_stmt(d, ins)))
		return DASV_INTERNAL;
	dasv_now(now);
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, d->user_id);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "timeline");
	if (!body || !*body)
		return DASV_OK;
	id = sqlite3_last_insert_rowid(d->db);
	if ((ret = dasv_referral_key(d, referral_id, rk)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, seal))) {
		dasv_wipe(rk, sizeof(rk));
		return DASV_INTERNAL;
	}
	ret = dasv_bind_sealed(d, st, 1, rk, "case_events", "body", id, body);
	dasv_wipe(rk, sizeof(rk));
	if (ret != DASV_OK) {
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "timeline");
}

/* Open-case work: the caller's caseload (or supervisors), and not closed. */
static enum dasv_status
begin_casework(struct dasv *d, int64_t referral_id, const char *what, char status[DASV_CODE_MAX])
{
	static const char sql[] = "SELECT status FROM referrals WHERE id = ?";
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, what)) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql))) {
		dasv_tx_rollback(d);
		return DASV_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(status, DASV_CODE_MAX, "%s", sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		ret = dasv_set_err(d, DASV_NOTFOUND, "referral %lld: no such referral",
				   (long long)referral_id);
	else if (!dasv_referral_in_caseload(d, referral_id))
		ret = dasv_set_err(d, DASV_DENIED, "%s: referral %lld is outside your caseload", what,
				   (long long)referral_id);
	else if (!strcmp(status, "closed"))
		ret = dasv_set_err(d, DASV_INVALID, "%s: referral %lld is closed", what,
				   (long long)referral_id);
	if (ret != DASV_OK)
		dasv_tx_rollback(d);
	return ret;
}

enum dasv_status
dasv_contact_add(struct dasv *d, int64_t referral_id, enum dasv_contact_kind kind,
		 const char *note)
{
	static const char made[] =
		"UPDATE referrals SET first_contact_on = coalesce(first_contact_on, ?2), engaged = 1, "
		"status = CASE WHEN status IN ('allocated','triaged','new') AND service_id IS NOT NULL "
		"AND waiting_since IS NULL THEN 'in_support' ELSE status END WHERE id = ?1";
	static const char *const kinds[] = { "contact_attempted", "contact_made", "contact_unsafe" };
	char status[DASV_CODE_MAX], today[11], err[200];
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	if ((unsigned)kind > DASV_CONTACT_UNSAFE)
		return dasv_set_err(d, DASV_INVALID, "contact: kind must be attempted, made or unsafe");
	if (dasv_validate_multiline("note", note, 65536, 0, err, sizeof(err)) != DASV_OK)
		return dasv_set_err(d, DASV_INVALID, "%s", err);
	if ((ret = begin_casework(d, referral_id, "contact", status)) != DASV_OK)
		return ret;
	if ((ret = dasv_event_add(d, referral_id, kinds[kind], note)) != DASV_OK)
		goto fail;
	if (kind == DASV_CONTACT_MADE) {
		dasv_date_format(dasv_date_today(), today);
		if (!(st = dasv_stmt(d, made))) {
			ret = DASV_INTERNAL;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, referral_id);
		sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			ret = dasv_db_err(d, rc, "contact");
			goto fail;
		}
	}
	if ((ret = dasv_audit_append(d, "contact", "referral", referral_id, kinds[kind])) != DASV_OK)
		goto fail;
	return dasv_tx_commit(d);
fail:
	dasv_tx_rollback(d);
	return ret;
}

enum dasv_status
dasv_note_add(struct dasv *d, int64_t referral_id, const char *text)
{
	char status[DASV_CODE_MAX], err[200];
	enum dasv_status ret;

	if (dasv_validate_multiline("note", text, 65536, 1, err, sizeof(err)) != DASV_OK)
		return dasv_set_err(d, DASV_INVALID, "%s", err);
	if ((ret = begin_casework(d, referral_id, "note", status)) != DASV_OK)
		return ret;
	if ((ret = dasv_event_add(d, referral_id, "note", text)) != DASV_OK ||
	    (ret = dasv_audit_append(d, "note", "referral", referral_id, "")) != DASV_OK) {
		dasv_tx_rollback(d);
		return ret;
	}
	return dasv_tx_commit(d);
}

void
dasv_events_free(struct dasv_event **ev, size_t n)
{
	if (!ev || !*ev)
		return;
	for (size_t i = 0; i < n; i++)
		dasv_str_free(&(*ev)[i].body);
	free(*ev);
	*ev = NULL;
}

enum dasv_status
dasv_timeline_load(struct dasv *d, int64_t referral_id, int64_t before_id, size_t max,
		   struct dasv_event **out, size_t *n)
{
	static const char sql[] =
		"SELECT e.id, e.at, u.name, e.kind, e.body FROM case_events e "
		"JOIN users u ON u.id = e.by_user WHERE e.referral_id = ?1 AND e.id < ?2 "
		"ORDER BY e.id DESC LIMIT ?3";
	unsigned char rk[DASV_KEY_BYTES];
	struct dasv_event *ev;
	sqlite3_stmt *st;
	enum dasv_status ret;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return DASV_OK;
	if (!(ev = calloc(max, sizeof(*ev))))
		return dasv_set_err(d, DASV_NOMEM, "out of memory");
	if ((ret = dasv_referral_key(d, referral_id, rk)) != DASV_OK) {
		free(ev);
		return ret;
	}
	if (!(st = dasv_stmt(d, sql))) {
		dasv_wipe(rk, sizeof(rk));
		free(ev);
		return DASV_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_int64(st, 2, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (ret == DASV_OK && k < max && sqlite3_step(st) == SQLITE_ROW) {
		struct dasv_event *e = &ev[k++];
		e->id = sqlite3_column_int64(st, 0);
		dasv_col_text(e->at, sizeof(e->at), st, 1);
		dasv_col_text(e->by, sizeof(e->by), st, 2);
		dasv_col_text(e->kind, sizeof(e->kind), st, 3);
		ret = dasv_column_open(d, st, 4, rk, "case_events", "body", e->id, &e->body);
		/* one tampered entry is refused, not the whole case around it */
		if (ret == DASV_CORRUPT) {
			e->damaged = 1;
			ret = DASV_OK;
		}
	}
	sqlite3_reset(st);
	dasv_wipe(rk, sizeof(rk));
	if (ret != DASV_OK) {
		dasv_events_free(&ev, k);
		return ret;
	}
	*out = ev;
	*n = k;
	return DASV_OK;
}

enum dasv_status
dasv_timeline(struct dasv *d, int64_t referral_id, int64_t before_id, size_t max,
	      struct dasv_event **out, size_t *n)
{
	enum dasv_status ret;

	*out = NULL;
	*n = 0;
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "timeline")) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	if (!dasv_referral_readable(d, referral_id))
		return dasv_set_err(d, DASV_DENIED, "timeline: referral %lld is outside your caseload",
				    (long long)referral_id);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if ((ret = dasv_timeline_load(d, referral_id, before_id, max, out, n)) != DASV_OK ||
	    (ret = dasv_audit_append(d, "timeline", "referral", referral_id, "")) != DASV_OK ||
	    (ret = dasv_tx_commit(d)) != DASV_OK) {
		dasv_tx_rollback(d);
		dasv_events_free(out, *n);
		*n = 0;
		return ret;
	}
	return DASV_OK;
}

static int
allocated_to_me(struct dasv *d, int64_t referral_id)
{
	static const char sql[] = "SELECT 1 FROM referrals WHERE id = ? AND worker_id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int yes;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_int64(st, 2, d->user_id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

enum dasv_status
dasv_referral_close(struct dasv *d, int64_t referral_id, const struct dasv_outcome *o,
		    struct dasv_field_err *fe)
{
	static const char free_place[] =
		"UPDATE services SET open_cases = max(open_cases - 1, 0) WHERE id IN "
		"(SELECT service_id FROM allocations WHERE referral_id = ? AND state = 'active')";
	static const char end_alloc[] =
		"UPDATE allocations SET state = 'ended', ended_on = ? WHERE referral_id = ? "
		"AND state IN ('active','waiting')";
	static const char outcome[] =
		"INSERT INTO outcomes(referral_id, closed_on, reason, abuse_stopped, exit_level, "
		"feels_safer, quality_of_life, closed_by) VALUES (?,?,?,?,?,?,?,?)";
	static const char close[] =
		"UPDATE referrals SET status = 'closed', closed_on = ?2, close_reason = ?3, "
		"next_review = NULL, waiting_since = NULL, version = version + 1, updated_at = ?4, "
		"updated_by = ?5 WHERE id = ?1";
	static const char received[] = "SELECT received_on FROM referrals WHERE id = ?";
	struct dasv_field_err scratch;
	char status[DASV_CODE_MAX], on[11], now[21], err[200], body[160];
	const struct dasv_code *codes;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int32_t day, rec = 0;
	size_t n;
	int idx, rc;

	if (!fe)
		fe = &scratch;
	memset(fe, 0, sizeof(*fe));
#define BAD(f, m)                                                          \
	do {                                                               \
		snprintf(fe->field, sizeof(fe->field), "%s", f);           \
		snprintf(fe->msg, sizeof(fe->msg), "%s", m);               \
		return dasv_set_err(d, DASV_INVALID, "%s: %s", f, m);      \
	} while (0)
	if ((idx = dasv_code_find(DASV_LIST_CLOSE_REASON, o->reason)) < 0)
		BAD("close_reason", "choose support_completed, declined, no_contact, moved_away or "
				    "transferred");
	if (o->quality_of_life < 0 || o->quality_of_life > 5)
		BAD("quality_of_life", "must be 1 to 5, or 0 when not recorded");
	if (o->exit_level < DASV_LEVEL_NONE || o->exit_level > DASV_LEVEL_HIGH)
		BAD("exit_level", "must be standard, medium, high or not assessed");
	if (o->abuse_stopped < -1 || o->abuse_stopped > 1 || o->feels_safer < -1 ||
	    o->feels_safer > 1)
		BAD("abuse_stopped", "must be yes, no or not known");
	if (o->closed_on[0]) {
		if (dasv_date_parse(o->closed_on, &day, err, sizeof(err)) != DASV_OK)
			BAD("closed_on", err);
		if (day > dasv_date_today())
			BAD("closed_on", "is in the future");
	} else {
		day = dasv_date_today();
	}
#undef BAD
	dasv_date_format(day, on);
	codes = dasv_codes(DASV_LIST_CLOSE_REASON, &n);
	if ((ret = begin_casework(d, referral_id, "close", status)) != DASV_OK)
		return ret;
	if (d->role == DASV_ROLE_CASEWORKER && !allocated_to_me(d, referral_id)) {
		ret = dasv_set_err(d, DASV_DENIED,
				   "close: only the allocated caseworker or a supervisor may close "
				   "referral %lld",
				   (long long)referral_id);
		goto fail;
	}
	if ((st = dasv_stmt(d, received))) {
		sqlite3_bind_int64(st, 1, referral_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			dasv_date_parse((const char *)sqlite3_column_text(st, 0), &rec, NULL, 0);
		sqlite3_reset(st);
	}
	if (day < rec) {
		snprintf(fe->field, sizeof(fe->field), "closed_on");
		snprintf(fe->msg, sizeof(fe->msg), "is before the referral was received");
		ret = dasv_set_err(d, DASV_INVALID, "closed_on: is before the referral was received");
		goto fail;
	}
	dasv_now(now);
	if (!(st = dasv_stmt(d, free_place))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || !(st = dasv_stmt(d, end_alloc))) {
		ret = dasv_db_err(d, rc, "close");
		goto fail;
	}
	sqlite3_bind_text(st, 1, on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, referral_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || !(st = dasv_stmt(d, outcome))) {
		ret = dasv_db_err(d, rc, "close");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_text(st, 2, on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, codes[idx].code, -1, SQLITE_STATIC);
	if (o->abuse_stopped >= 0)
		sqlite3_bind_int(st, 4, o->abuse_stopped);
	if (o->exit_level >= 0)
		sqlite3_bind_int(st, 5, o->exit_level);
	if (o->feels_safer >= 0)
		sqlite3_bind_int(st, 6, o->feels_safer);
	if (o->quality_of_life > 0)
		sqlite3_bind_int(st, 7, o->quality_of_life);
	sqlite3_bind_int64(st, 8, d->user_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || !(st = dasv_stmt(d, close))) {
		ret = dasv_db_err(d, rc, "close");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_text(st, 2, on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, codes[idx].code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, d->user_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "close");
		goto fail;
	}
	snprintf(body, sizeof(body), "Closed: %s", codes[idx].label);
	if ((ret = dasv_event_add(d, referral_id, "closure", body)) != DASV_OK ||
	    (ret = dasv_audit_append(d, "close", "referral", referral_id, codes[idx].code)) != DASV_OK)
		goto fail;
	return dasv_tx_commit(d);
fail:
	dasv_tx_rollback(d);
	return ret;
}
