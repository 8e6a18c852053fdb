/*
 * keyops_erase.c - forgetting people: crypto-shredding one person (their
 * record key is destroyed, so every sealed value of theirs is unreadable,
 * backups included) and the retention purge of people whose referrals were
 * all closed long enough ago.  Each is one transaction with its audit
 * entry, which names ids and reasons, never a decrypted value.
 */
#include "keyops.h"
#include "keyops_int.h"
#include "referral_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* ---- erasure ----------------------------------------------------------- */

/* Crypto-shred one person inside the caller's transaction; audit is the caller's. */
static enum dasv_status
erase_one(struct dasv *d, int64_t pid, const char *reason, int purge, const char *now,
	  struct dasv_erase_result *res)
{
	static const char find[] = "SELECT erased_at FROM people WHERE id = ?";
	static const char count[] = "SELECT count(*) FROM referrals WHERE person_id = ?";
	/* perpetrators no living person's referral names: nothing to link them to any more */
	static const char lone[] =
		"SELECT DISTINCT r.perpetrator_id FROM referrals r WHERE r.person_id = ?1 "
		"AND r.perpetrator_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM referrals o "
		"JOIN people q ON q.id = o.person_id WHERE o.perpetrator_id = r.perpetrator_id "
		"AND o.person_id <> ?1 AND q.erased_at IS NULL)";
	static const char perp[] =
		"UPDATE perpetrators SET record_key = NULL, name = NULL, date_of_birth = NULL, "
		"bi_name = NULL, bi_name_dob = NULL, erased_at = ?2 WHERE id = ?1 AND erased_at IS NULL";
	static const char person[] =
		"UPDATE people SET record_key = NULL, first_name = NULL, last_name = NULL, "
		"date_of_birth = NULL, address = NULL, postcode = NULL, phone = NULL, email = NULL, "
		"safe_contact = NULL, safe_to_call = NULL, voicemail_ok = NULL, letters_ok = NULL, "
		"bi_name_dob = NULL, bi_phone = NULL, bi_postcode = NULL, erased_at = ?2 WHERE id = ?1";
	/* what was sealed under the record key goes too: no ciphertext is left to attack */
	static const char *const text[] = {
		"UPDATE referrals SET notes = NULL WHERE person_id = ?1",
		"UPDATE case_events SET body = NULL WHERE referral_id IN "
		"(SELECT id FROM referrals WHERE person_id = ?1)",
		"UPDATE assessments SET answers = NULL, pj_reason = NULL WHERE referral_id IN "
		"(SELECT id FROM referrals WHERE person_id = ?1)",
		"UPDATE allocations SET override_reason = NULL WHERE referral_id IN "
		"(SELECT id FROM referrals WHERE person_id = ?1)",
	};
	static const char log_sql[] =
		"INSERT INTO erasures(person_id, at, by_user, referrals, purge) VALUES (?,?,?,?,?)";
	static const char log_reason[] = "UPDATE erasures SET reason = ? WHERE id = ?";
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t *perps = NULL, eid;
	size_t np = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	res->person_id = pid;
	if (!(st = dasv_stmt(d, find)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, pid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		char at[21];

		dasv_col_text(at, sizeof(at), st, 0);
		sqlite3_reset(st);
		return dasv_set_err(d, DASV_INVALID, "person %lld was already erased at %s",
				    (long long)pid, at);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return dasv_set_err(d, DASV_NOTFOUND, "person %lld: no such person", (long long)pid);
	if (rc != SQLITE_ROW)
		return dasv_db_err(d, rc, "erase");
	if (!(st = dasv_stmt(d, count)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW)
		res->referrals = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if ((ret = dasv_keyops_collect_ids(d, lone, pid, &perps, &np)) != DASV_OK)
		return ret;
	for (size_t i = 0; ret == DASV_OK && i < np; i++) {
		if (!(st = dasv_stmt(d, perp))) {
			ret = DASV_INTERNAL;
			break;
		}
		sqlite3_bind_int64(st, 1, perps[i]);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		if ((ret = step_done(d, st, "erase")) == DASV_OK)
			res->perpetrators += sqlite3_changes(d->db) > 0;
	}
	free(perps);
	if (ret != DASV_OK)
		return ret;
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		if (!(st = dasv_stmt(d, text[i])))
			return DASV_INTERNAL;
		sqlite3_bind_int64(st, 1, pid);
		if ((ret = step_done(d, st, "erase")) != DASV_OK)
			return ret;
	}
	if (!(st = dasv_stmt(d, person)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if ((ret = step_done(d, st, "erase")) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, log_sql)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d->user_id);
	sqlite3_bind_int(st, 4, res->referrals);
	sqlite3_bind_int(st, 5, purge);
	if ((ret = step_done(d, st, "erase")) != DASV_OK)
		return ret;
	eid = sqlite3_last_insert_rowid(d->db);
	/* the reason may name someone: sealed like a break-glass reason */
	if (!(st = dasv_stmt(d, log_reason)))
		return DASV_INTERNAL;
	if ((ret = dasv_bind_sealed(d, st, 1, d->keys->bg, "erasures", "reason", eid, reason)) !=
	    DASV_OK) {
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_bind_int64(st, 2, eid);
	return step_done(d, st, "erase");
}

enum dasv_status
dasv_person_erase(struct dasv *d, int64_t person_id, const char *reason,
		  struct dasv_erase_result *res)
{
	struct dasv_erase_result local;
	enum dasv_status ret;
	char now[21], detail[96];

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if ((ret = require_admin(d, "erase a person")) != DASV_OK)
		return ret;
	if (dasv_blank(reason))
		return dasv_set_err(d, DASV_INVALID, "reason: say why this person is erased");
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	dasv_now(now);
	if ((ret = erase_one(d, person_id, reason, 0, now, res)) != DASV_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "referrals=%d perpetrators=%d", res->referrals,
		 res->perpetrators);
	if ((ret = dasv_audit_append(d, "erase", "person", person_id, detail)) != DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) != DASV_OK) {
		memset(res, 0, sizeof(*res));
		return ret;
	}
	res->checkpointed = checkpoint(d);
	return DASV_OK;
fail:
	dasv_tx_rollback(d);
	memset(res, 0, sizeof(*res));
	return ret;
}

enum dasv_status
dasv_referral_person(struct dasv *d, int64_t referral_id, int64_t *person_id)
{
	static const char sql[] = "SELECT person_id FROM referrals WHERE id = ?";
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	*person_id = 0;
	if ((ret = require_admin(d, "find a referral's person")) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, referral_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*person_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return dasv_set_err(d, DASV_NOTFOUND, "referral %lld: no such referral",
				    (long long)referral_id);
	return rc == SQLITE_ROW ? DASV_OK : dasv_db_err(d, rc, "referral");
}

/* ---- retention ----------------------------------------------------------- */

static enum dasv_status
purge_list(struct dasv *d, const char *cutoff, struct dasv_purge_item **items, size_t *n)
{
	/* every referral closed, the latest closure before the cut-off */
	static const char sql[] =
		"SELECT p.id, count(*), max(r.closed_on) FROM people p "
		"JOIN referrals r ON r.person_id = p.id WHERE p.erased_at IS NULL GROUP BY p.id "
		"HAVING sum(r.status <> 'closed' OR r.closed_on IS NULL) = 0 AND max(r.closed_on) < ? "
		"ORDER BY p.id";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	struct dasv_purge_item *v = NULL, *nv;
	size_t len = 0, cap = 0;
	int rc;

	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 32;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				sqlite3_reset(st);
				free(v);
				return dasv_set_err(d, DASV_NOMEM, "out of memory");
			}
			v = nv;
		}
		memset(&v[len], 0, sizeof(v[len]));
		v[len].person_id = sqlite3_column_int64(st, 0);
		v[len].referrals = sqlite3_column_int(st, 1);
		dasv_col_text(v[len].last_closed, sizeof(v[len].last_closed), st, 2);
		len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return dasv_db_err(d, rc, "purge");
	}
	*items = v;
	*n = len;
	return DASV_OK;
}

enum dasv_status
dasv_purge(struct dasv *d, int dry_run, struct dasv_purge_item **items, size_t *n)
{
	struct dasv_erase_result one;
	enum dasv_status ret;
	long years = 6;
	char cutoff[11], now[21], reason[96], detail[200];
	size_t off;

	*items = NULL;
	*n = 0;
	if ((ret = require_admin(d, "purge")) != DASV_OK)
		return ret;
	if ((ret = dasv_setting_int(d, "retention_years", 6, &years)) != DASV_OK)
		return ret;
	if (years < 1 || years > 100)
		return dasv_set_err(d, DASV_INVALID,
				    "setting retention_years is %ld: it must be 1 to 100", years);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	dasv_date_format(dasv_date_add_months(dasv_date_today(), -12 * (int)years), cutoff);
	if ((ret = purge_list(d, cutoff, items, n)) != DASV_OK)
		goto fail;
	dasv_now(now);
	snprintf(reason, sizeof(reason), "retention: every referral closed more than %ld years ago",
		 years);
	for (size_t i = 0; !dry_run && ret == DASV_OK && i < *n; i++)
		ret = erase_one(d, (*items)[i].person_id, reason, 1, now, &one);
	if (ret != DASV_OK)
		goto fail;
	off = (size_t)snprintf(detail, sizeof(detail), "years=%ld before=%s persons=%zu", years,
			       cutoff, *n);
	if (*n)
		snprintf(detail + off, sizeof(detail) - off, " ids=%lld..%lld",
			 (long long)(*items)[0].person_id, (long long)(*items)[*n - 1].person_id);
	if ((ret = dasv_audit_append(d, dry_run ? "purge_dry_run" : "purge", "person", 0, detail)) !=
	    DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) != DASV_OK)
		goto out;
	if (!dry_run && *n)
		checkpoint(d);
	return DASV_OK;
fail:
	dasv_tx_rollback(d);
out:
	free(*items);
	*items = NULL;
	*n = 0;
	return ret;
}
