/*
 * auditview.c - the audit log as auditors and admins read it: keyset-paged
 * newest first (never OFFSET over the log), optionally break-glass events
 * only, each of those with its reason opened under the break-glass key.
 * Every page shown is one audit entry of its own.
 */
#include "auditview.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLES_AUDIT (DASV_ROLE_BIT(DASV_ROLE_AUDITOR) | DASV_ROLE_BIT(DASV_ROLE_ADMIN))

#define ENTRY_COLS "a.id, a.at, a.user_name, a.action, a.entity, a.entity_id, a.detail, a.user_id"

/* One SQL text per direction and filter; break-glass ones use audit_log(action, id). */
static const char all_fwd[] = "SELECT " ENTRY_COLS " FROM audit_log a WHERE a.id < ?1 "
			      "ORDER BY a.id DESC LIMIT ?2";
static const char all_back[] = "SELECT " ENTRY_COLS " FROM audit_log a WHERE a.id > ?1 "
			       "ORDER BY a.id LIMIT ?2";
static const char bg_fwd[] = "SELECT " ENTRY_COLS " FROM audit_log a WHERE "
			     "a.action = 'break_glass' AND a.id < ?1 ORDER BY a.id DESC LIMIT ?2";
static const char bg_back[] = "SELECT " ENTRY_COLS " FROM audit_log a WHERE "
			      "a.action = 'break_glass' AND a.id > ?1 ORDER BY a.id LIMIT ?2";

void
dasv_audit_entries_clear(struct dasv_audit_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		dasv_str_free(&e[i].bg_reason);
		dasv_wipe(&e[i], sizeof(e[i]));
	}
}

static void
copy_text(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

/*
 * The break_glass row behind an audit entry: the same user, the same
 * referral, and as many earlier such entries as earlier such rows (both are
 * written in one transaction, so they pair off in order).
 */
static enum dasv_status
open_reason(struct dasv *d, struct dasv_audit_entry *e, int64_t user_id)
{
	static const char nth[] =
		"SELECT count(*) FROM audit_log WHERE entity = 'referral' AND entity_id = ?2 "
		"AND action = 'break_glass' AND user_id = ?1 AND id <= ?3";
	static const char row[] = "SELECT id, reason FROM break_glass WHERE user_id = ?1 "
				  "AND referral_id = ?2 ORDER BY id LIMIT 1 OFFSET ?3";
	sqlite3_stmt *st;
	int64_t k = 0;
	int rc;

	e->bg_state = DASV_BG_MISSING;
	if (!(st = dasv_stmt(d, nth)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, e->entity_id);
	sqlite3_bind_int64(st, 3, e->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		k = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return dasv_db_err(d, rc, "audit view");
	if (k < 1)
		return DASV_OK;
	if (!(st = dasv_stmt(d, row)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, e->entity_id);
	sqlite3_bind_int64(st, 3, k - 1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		e->bg_id = sqlite3_column_int64(st, 0);
		/* a reason that does not open is shown as damaged, not as a failed page */
		if (dasv_column_open(d, st, 1, d->keys->bg, "break_glass", "reason", e->bg_id,
				     &e->bg_reason) == DASV_OK &&
		    e->bg_reason)
			e->bg_state = DASV_BG_OPENED;
		else
			e->bg_state = DASV_BG_DAMAGED;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "audit view");
	return DASV_OK;
}

enum dasv_status
dasv_audit_page(struct dasv *d, int break_glass_only, int64_t key, int dir,
		struct dasv_audit_entry *out, size_t max, size_t *n)
{
	const char *sql = break_glass_only ? (dir < 0 ? bg_back : bg_fwd)
					   : (dir < 0 ? all_back : all_fwd);
	int64_t users[256];
	char detail[DASV_AUDIT_DETAIL_MAX];
	sqlite3_stmt *st;
	enum dasv_status ret;
	size_t off, reasons = 0;
	int rc = SQLITE_DONE;

	*n = 0;
	if ((ret = dasv_require_role(d, ROLES_AUDIT, "audit log")) != DASV_OK)
		return ret;
	if (max == 0)
		return DASV_OK;
	/* one page is for one screen: no more than the ids one audit entry can name */
	if (max > sizeof(users) / sizeof(users[0]))
		max = sizeof(users) / sizeof(users[0]);
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, key > 0 ? key : dir < 0 ? 0 : INT64_MAX);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dasv_audit_entry *e = &out[*n];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		copy_text(e->at, sizeof(e->at), st, 1);
		copy_text(e->user, sizeof(e->user), st, 2);
		copy_text(e->action, sizeof(e->action), st, 3);
		copy_text(e->entity, sizeof(e->entity), st, 4);
		e->entity_id = sqlite3_column_int64(st, 5);
		copy_text(e->detail, sizeof(e->detail), st, 6);
		users[*n] = sqlite3_column_int64(st, 7);
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "audit log");
		goto fail;
	}
	if (dir < 0)
		for (size_t i = 0; i < *n / 2; i++) {
			struct dasv_audit_entry tmp = out[i];
			int64_t u = users[i];
			out[i] = out[*n - 1 - i];
			out[*n - 1 - i] = tmp;
			users[i] = users[*n - 1 - i];
			users[*n - 1 - i] = u;
		}
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(out[i].action, "break_glass") != 0 || strcmp(out[i].entity, "referral") != 0)
			continue;
		if ((ret = open_reason(d, &out[i], users[i])) != DASV_OK)
			goto fail;
		reasons += out[i].bg_state == DASV_BG_OPENED;
	}
	if (*n == 0)
		return DASV_OK;
	off = (size_t)snprintf(detail, sizeof(detail), "filter=%s reasons=%zu ids=",
			       break_glass_only ? "break_glass" : "all", reasons);
	if (*n > 2 && !break_glass_only)
		snprintf(detail + off, sizeof(detail) - off, "%lld..%lld", (long long)out[0].id,
			 (long long)out[*n - 1].id);
	else
		for (size_t i = 0; i < *n && off < sizeof(detail) - 24; i++)
			off += (size_t)snprintf(detail + off, sizeof(detail) - off, "%s%lld",
						i ? "," : "", (long long)out[i].id);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		goto fail;
	if ((ret = dasv_audit_append(d, "audit_view", "audit_log", 0, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		goto fail;
	}
	if ((ret = dasv_tx_commit(d)) == DASV_OK)
		return DASV_OK;
fail:
	dasv_audit_entries_clear(out, *n);
	*n = 0;
	return ret;
}

enum dasv_status
dasv_audit_count(struct dasv *d, int break_glass_only, int64_t *n)
{
	static const char all[] = "SELECT count(*) FROM audit_log";
	static const char bg[] = "SELECT count(*) FROM audit_log WHERE action = 'break_glass'";
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	*n = 0;
	if ((ret = dasv_require_role(d, ROLES_AUDIT, "audit log")) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, break_glass_only ? bg : all)))
		return DASV_INTERNAL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DASV_OK : dasv_db_err(d, rc, "audit log");
}
