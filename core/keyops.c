/*
 * keyops.c - the key lifecycle: rotating the data key (rekey), revoking a
 * user, crypto-shredding a person and the retention purge, and setting up a
 * database shared by a group on one host.
 *
 * This file is the rotation and revocation; erasure and the retention purge
 * are keyops_erase.c, the shared host keyops_shared.c.
 *
 * A rotation re-encrypts every sealed value of every person and perpetrator
 * in one transaction, so a rekey that is killed half-way leaves the old state
 * whole.  Decrypted values live only in this file's stack frames and malloc'd
 * strings wiped straight after use; they never reach a message or the log.
 */
#include "keyops.h"
#include "keyops_int.h"
#include "referral_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long rekey_fail_after;

void
dasv_rekey_test_fail_after(long n)
{
	rekey_fail_after = n;
}

/* Ids from a query with one integer parameter (or none); *ids malloc'd. */
enum dasv_status
dasv_keyops_collect_ids(struct dasv *d, const char *sql, int64_t arg, int64_t **ids,
			size_t *n)
{
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int64_t *v = NULL, *nv;
	size_t len = 0, cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!st)
		return DASV_INTERNAL;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, arg);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				sqlite3_reset(st);
				free(v);
				return dasv_set_err(d, DASV_NOMEM, "out of memory");
			}
			v = nv;
		}
		v[len++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return dasv_db_err(d, rc, "list");
	}
	*ids = v;
	*n = len;
	return DASV_OK;
}

/* ---- rotation --------------------------------------------------------- */

/*
 * The free text of a person's referrals, sealed under the person's record
 * key: each query gives (row id, value) for one person's rows.
 */
static const struct sealed_col {
	const char *table, *column, *select, *update;
} referral_text[] = {
	{ "referrals", "notes",
	  "SELECT id, notes FROM referrals WHERE person_id = ? AND notes IS NOT NULL",
	  "UPDATE referrals SET notes = ? WHERE id = ?" },
	{ "case_events", "body",
	  "SELECT e.id, e.body FROM case_events e JOIN referrals r ON r.id = e.referral_id "
	  "WHERE r.person_id = ? AND e.body IS NOT NULL",
	  "UPDATE case_events SET body = ? WHERE id = ?" },
	{ "assessments", "answers",
	  "SELECT a.id, a.answers FROM assessments a JOIN referrals r ON r.id = a.referral_id "
	  "WHERE r.person_id = ? AND a.answers IS NOT NULL",
	  "UPDATE assessments SET answers = ? WHERE id = ?" },
	{ "assessments", "pj_reason",
	  "SELECT a.id, a.pj_reason FROM assessments a JOIN referrals r ON r.id = a.referral_id "
	  "WHERE r.person_id = ? AND a.pj_reason IS NOT NULL",
	  "UPDATE assessments SET pj_reason = ? WHERE id = ?" },
	{ "allocations", "override_reason",
	  "SELECT l.id, l.override_reason FROM allocations l JOIN referrals r "
	  "ON r.id = l.referral_id WHERE r.person_id = ? AND l.override_reason IS NOT NULL",
	  "UPDATE allocations SET override_reason = ? WHERE id = ?" },
};

static const char *const person_cols[] = { "first_name", "last_name", "date_of_birth", "address",
					   "postcode",   "phone",     "email",         "safe_contact" };
#define PERSON_COLS 8

struct rekey {
	struct dasv *d;
	struct dasv_keys *nk; /* the new data key and its subkeys */
	struct dasv_rekey_result *res;
};

static void
free_values(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dasv_str_free(&v[i]);
}

/* A new record key for (table, id), and it wrapped under the new field key. */
static enum dasv_status
new_record_key(struct rekey *r, const char *table, int64_t id, unsigned char rk[DASV_KEY_BYTES],
	       unsigned char **wrapped, size_t *wlen)
{
	dasv_crypto_random(rk, DASV_KEY_BYTES);
	if (dasv_crypto_seal(r->nk->field, table, "record_key", id, rk, DASV_KEY_BYTES, wrapped,
			     wlen) != DASV_OK)
		return dasv_set_err(r->d, DASV_NOMEM, "cannot seal a record key");
	return DASV_OK;
}

/* Open every value of one column of one person's rows and seal it under the new key. */
static enum dasv_status
reseal_text(struct rekey *r, const struct sealed_col *c, int64_t person,
	    const unsigned char ork[DASV_KEY_BYTES], const unsigned char nrk[DASV_KEY_BYTES])
{
	struct dasv *d = r->d;
	sqlite3_stmt *sel = dasv_stmt(d, c->select), *upd;
	enum dasv_status ret = DASV_OK;
	char *pt = NULL;
	int rc;

	if (!sel)
		return DASV_INTERNAL;
	sqlite3_bind_int64(sel, 1, person);
	while (ret == DASV_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);

		if ((ret = dasv_column_open(d, sel, 1, ork, c->table, c->column, id, &pt)) != DASV_OK)
			break;
		if (!(upd = dasv_stmt(d, c->update))) {
			ret = DASV_INTERNAL;
			break;
		}
		/* the row being read changes only in a column no index covers */
		if ((ret = dasv_bind_sealed(d, upd, 1, nrk, c->table, c->column, id, pt)) == DASV_OK) {
			sqlite3_bind_int64(upd, 2, id);
			ret = step_done(d, upd, "rekey");
		} else {
			sqlite3_reset(upd);
		}
		dasv_str_free(&pt);
		r->res->values++;
	}
	if (ret == DASV_OK && rc != SQLITE_DONE)
		ret = dasv_db_err(d, rc, "rekey");
	sqlite3_reset(sel);
	dasv_str_free(&pt);
	return ret;
}

static enum dasv_status
rekey_person(struct rekey *r, int64_t id)
{
	static const char sel[] =
		"SELECT record_key, first_name, last_name, date_of_birth, address, postcode, phone, "
		"email, safe_contact FROM people WHERE id = ?";
	static const char upd[] =
		"UPDATE people SET record_key = ?, first_name = ?, last_name = ?, date_of_birth = ?, "
		"address = ?, postcode = ?, phone = ?, email = ?, safe_contact = ?, bi_name_dob = ?, "
		"bi_phone = ?, bi_postcode = ? WHERE id = ?";
	struct dasv *d = r->d;
	unsigned char ork[DASV_KEY_BYTES], nrk[DASV_KEY_BYTES], *wrapped = NULL;
	char *v[PERSON_COLS] = { 0 };
	struct dasv_person p;
	struct dasv_blinds b;
	size_t wlen = 0;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	memset(&b, 0, sizeof(b));
	if (!(st = dasv_stmt(d, sel)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		/* erased meanwhile: nothing left to re-encrypt */
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "rekey");
	}
	ret = dasv_record_key_open(d, "people", id, sqlite3_column_blob(st, 0),
				   sqlite3_column_bytes(st, 0), ork);
	for (int i = 0; ret == DASV_OK && i < PERSON_COLS; i++)
		ret = dasv_column_open(d, st, 1 + i, ork, "people", person_cols[i], id, &v[i]);
	sqlite3_reset(st);
	if (ret != DASV_OK)
		goto out;
	if ((ret = new_record_key(r, "people", id, nrk, &wrapped, &wlen)) != DASV_OK)
		goto out;
	/* the same normalisation as at intake, under the new blind key */
	memset(&p, 0, sizeof(p));
	p.last_name = v[1];
	p.date_of_birth = v[2];
	p.postcode = v[4];
	p.phone = v[5];
	dasv_person_blinds(r->nk->blind, &p, &b);
	if (!(st = dasv_stmt(d, upd))) {
		ret = DASV_INTERNAL;
		goto out;
	}
	sqlite3_bind_blob(st, 1, wrapped, (int)wlen, SQLITE_TRANSIENT);
	for (int i = 0; ret == DASV_OK && i < PERSON_COLS; i++) {
		ret = dasv_bind_sealed(d, st, 2 + i, nrk, "people", person_cols[i], id, v[i]);
		r->res->values += v[i] != NULL;
	}
	if (ret != DASV_OK) {
		sqlite3_reset(st);
		goto out;
	}
	if (b.has_name_dob)
		sqlite3_bind_blob(st, 10, b.name_dob, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	if (b.has_phone)
		sqlite3_bind_blob(st, 11, b.phone, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	if (b.has_postcode)
		sqlite3_bind_blob(st, 12, b.postcode, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 13, id);
	if ((ret = step_done(d, st, "rekey")) != DASV_OK)
		goto out;
	for (size_t i = 0; ret == DASV_OK && i < sizeof(referral_text) / sizeof(referral_text[0]); i++)
		ret = reseal_text(r, &referral_text[i], id, ork, nrk);
	r->res->people++;
out:
	dasv_wipe(ork, sizeof(ork));
	dasv_wipe(nrk, sizeof(nrk));
	dasv_wipe(&b, sizeof(b));
	free_values(v, PERSON_COLS);
	free(wrapped);
	return ret;
}

static enum dasv_status
rekey_perpetrator(struct rekey *r, int64_t id)
{
	static const char sel[] =
		"SELECT record_key, name, date_of_birth FROM perpetrators WHERE id = ?";
	static const char upd[] =
		"UPDATE perpetrators SET record_key = ?, name = ?, date_of_birth = ?, bi_name = ?, "
		"bi_name_dob = ? WHERE id = ?";
	struct dasv *d = r->d;
	unsigned char ork[DASV_KEY_BYTES], nrk[DASV_KEY_BYTES], *wrapped = NULL;
	unsigned char bn[DASV_BLIND_BYTES], bnd[DASV_BLIND_BYTES];
	char *name = NULL, *dob = NULL;
	size_t wlen = 0;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	if (!(st = dasv_stmt(d, sel)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "rekey");
	}
	ret = dasv_record_key_open(d, "perpetrators", id, sqlite3_column_blob(st, 0),
				   sqlite3_column_bytes(st, 0), ork);
	if (ret == DASV_OK)
		ret = dasv_column_open(d, st, 1, ork, "perpetrators", "name", id, &name);
	if (ret == DASV_OK)
		ret = dasv_column_open(d, st, 2, ork, "perpetrators", "date_of_birth", id, &dob);
	sqlite3_reset(st);
	if (ret != DASV_OK || (ret = new_record_key(r, "perpetrators", id, nrk, &wrapped, &wlen)) !=
				      DASV_OK)
		goto out;
	if (!(st = dasv_stmt(d, upd))) {
		ret = DASV_INTERNAL;
		goto out;
	}
	sqlite3_bind_blob(st, 1, wrapped, (int)wlen, SQLITE_TRANSIENT);
	if ((ret = dasv_bind_sealed(d, st, 2, nrk, "perpetrators", "name", id, name)) != DASV_OK ||
	    (ret = dasv_bind_sealed(d, st, 3, nrk, "perpetrators", "date_of_birth", id, dob)) !=
		    DASV_OK) {
		sqlite3_reset(st);
		goto out;
	}
	r->res->values += (name != NULL) + (dob != NULL);
	/* as dasv_perpetrator_link stores them: by name always, by name and birth date if known */
	if (name) {
		dasv_perpetrator_blinds(r->nk->blind, name, dob, bn, bnd);
		sqlite3_bind_blob(st, 4, bn, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
		if (!dasv_blank(dob))
			sqlite3_bind_blob(st, 5, bnd, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, 6, id);
	if ((ret = step_done(d, st, "rekey")) == DASV_OK)
		r->res->perpetrators++;
out:
	dasv_wipe(ork, sizeof(ork));
	dasv_wipe(nrk, sizeof(nrk));
	dasv_str_free(&name);
	dasv_str_free(&dob);
	free(wrapped);
	return ret;
}

struct staff {
	int64_t id;
	char name[DASV_NAME_MAX];
	int has_pk;
	unsigned char pk[DASV_BOX_PK_BYTES];
};

/*
 * Active staff with a keyslot (auditors hold no data key and are left out).
 * Each must have a public key whose MAC verifies under the current data key;
 * otherwise refuse and name them.
 */
static enum dasv_status
load_staff(struct dasv *d, struct staff **out, size_t *n)
{
	static const char sql[] =
		"SELECT u.id, u.name, u.pk, u.pk_mac FROM users u JOIN keyslots k ON k.user_id = u.id "
		"WHERE u.active = 1 AND u.role <> 'auditor' ORDER BY u.id";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	struct staff *v = NULL, *nv;
	size_t len = 0, cap = 0, off_new = 0, off_bad = 0;
	char no_pk[400] = "", bad[400] = "";
	unsigned char mac[DASV_MAC_BYTES];
	enum dasv_status ret = DASV_OK;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return DASV_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct staff *s;

		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				ret = dasv_set_err(d, DASV_NOMEM, "out of memory");
				goto out;
			}
			v = nv;
		}
		s = &v[len++];
		memset(s, 0, sizeof(*s));
		s->id = sqlite3_column_int64(st, 0);
		dasv_col_text(s->name, sizeof(s->name), st, 1);
		if (s->id == d->user_id)
			continue; /* the session's own keys are at hand */
		if (sqlite3_column_bytes(st, 2) != DASV_BOX_PK_BYTES) {
			if (off_new < sizeof(no_pk))
				off_new += (size_t)snprintf(no_pk + off_new, sizeof(no_pk) - off_new,
							    "%s%s", off_new ? ", " : "", s->name);
			continue;
		}
		memcpy(s->pk, sqlite3_column_blob(st, 2), DASV_BOX_PK_BYTES);
		s->has_pk = 1;
		dasv_pk_mac(d->keys->data, s->id, s->pk, mac);
		if (sqlite3_column_bytes(st, 3) != DASV_MAC_BYTES ||
		    !dasv_equal(sqlite3_column_blob(st, 3), mac, DASV_MAC_BYTES)) {
			if (off_bad < sizeof(bad))
				off_bad += (size_t)snprintf(bad + off_bad, sizeof(bad) - off_bad,
							    "%s%s", off_bad ? ", " : "", s->name);
		}
	}
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "rekey");
		goto out;
	}
	if (bad[0]) {
		ret = dasv_set_err(d, DASV_CORRUPT,
				   "rekey: the public key of %s failed its integrity check (changed "
				   "by someone without the data key?): nothing was changed; have them "
				   "unlock once, which repairs it, or disable them with --no-rekey",
				   bad);
		goto out;
	}
	if (no_pk[0]) {
		ret = dasv_set_err(d, DASV_INVALID,
				   "rekey: %s %s not unlocked since this version of dasv and so cannot "
				   "receive a new key: nothing was changed; ask them to unlock once, or "
				   "disable them with 'dasv user disable NAME --no-rekey'",
				   no_pk, strchr(no_pk, ',') ? "have" : "has");
		goto out;
	}
out:
	sqlite3_reset(st);
	if (ret != DASV_OK) {
		free(v);
		return ret;
	}
	*out = v;
	*n = len;
	return DASV_OK;
}

/* The new key for every active staff member: the session's under its slot key, others' sealed. */
static enum dasv_status
hand_out(struct rekey *r, const struct staff *s, size_t n)
{
	static const char mine[] =
		"UPDATE keyslots SET data_wrapped = ?, pending_data = NULL WHERE user_id = ?";
	static const char theirs[] =
		"UPDATE keyslots SET data_wrapped = NULL, pending_data = ? WHERE user_id = ?";
	static const char pk_sql[] = "UPDATE users SET pk = ?, pk_mac = ? WHERE id = ?";
	static const char others[] =
		"UPDATE keyslots SET data_wrapped = NULL, pending_data = NULL WHERE user_id IN "
		"(SELECT id FROM users WHERE role = 'auditor')";
	static const char gone[] =
		"DELETE FROM keyslots WHERE user_id IN (SELECT id FROM users WHERE active = 0)";
	struct dasv *d = r->d;
	int64_t gen = r->res->generation;
	unsigned char mac[DASV_MAC_BYTES], *blob = NULL;
	size_t len = 0;
	enum dasv_status ret = DASV_OK;
	sqlite3_stmt *st;

	for (size_t i = 0; ret == DASV_OK && i < n; i++) {
		int self = s[i].id == d->user_id;
		const unsigned char *pk = self ? d->keys->box_pk : s[i].pk;

		ret = self ? dasv_data_key_wrap(d->keys->slot, s[i].id, r->nk->data, gen, &blob, &len)
			   : dasv_pending_seal(pk, s[i].id, r->nk->data, gen, &blob, &len);
		if (ret != DASV_OK) {
			ret = dasv_set_err(d, ret, "rekey: cannot seal the new key for %s", s[i].name);
			break;
		}
		if (!(st = dasv_stmt(d, self ? mine : theirs))) {
			ret = DASV_INTERNAL;
			break;
		}
		sqlite3_bind_blob(st, 1, blob, (int)len, free);
		blob = NULL;
		sqlite3_bind_int64(st, 2, s[i].id);
		if ((ret = step_done(d, st, "rekey")) != DASV_OK)
			break;
		dasv_pk_mac(r->nk->data, s[i].id, pk, mac);
		if (!(st = dasv_stmt(d, pk_sql))) {
			ret = DASV_INTERNAL;
			break;
		}
		sqlite3_bind_blob(st, 1, pk, DASV_BOX_PK_BYTES, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 2, mac, DASV_MAC_BYTES, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, s[i].id);
		ret = step_done(d, st, "rekey");
		r->res->users_pending += !self;
	}
	if (ret == DASV_OK)
		ret = dasv_exec(d, others);
	if (ret == DASV_OK)
		ret = dasv_exec(d, gone);
	return ret;
}

enum dasv_status
dasv_rekey(struct dasv *d, struct dasv_rekey_result *res)
{
	static const char people_sql[] =
		"SELECT id FROM people WHERE record_key IS NOT NULL ORDER BY id";
	static const char perps_sql[] =
		"SELECT id FROM perpetrators WHERE record_key IS NOT NULL ORDER BY id";
	static const char gen_sql[] =
		"INSERT OR REPLACE INTO settings(key, value) VALUES ('key_generation', ?)";
	struct dasv_rekey_result local;
	struct rekey r = { d, NULL, NULL };
	struct staff *staff = NULL;
	int64_t *ids = NULL;
	size_t nstaff = 0, n = 0;
	sqlite3_stmt *st;
	enum dasv_status ret;
	char detail[160], gen[24];

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	r.res = res;
	if ((ret = require_admin(d, "rotate the data key")) != DASV_OK)
		return ret;
	if (!d->keys->has_user)
		return dasv_set_err(d, DASV_INVALID, "rekey: unlock again first (your keyslot is "
						     "from an older version)");
	if (!(r.nk = dasv_keys_new()))
		return dasv_set_err(d, DASV_NOMEM, "out of memory for keys");
	dasv_keys_generate(r.nk, 1);
	/* the audit key stays: auditors keep verifying the chain across a rotation */
	memcpy(r.nk->audit, d->keys->audit, DASV_KEY_BYTES);
	dasv_keys_derive(r.nk);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		goto out;
	res->generation = d->keys->generation + 1;
	r.nk->generation = res->generation;
	if ((ret = load_staff(d, &staff, &nstaff)) != DASV_OK)
		goto fail;
	if ((ret = dasv_keyops_collect_ids(d, people_sql, 0, &ids, &n)) != DASV_OK)
		goto fail;
	for (size_t i = 0; ret == DASV_OK && i < n; i++) {
		ret = rekey_person(&r, ids[i]);
		if (ret == DASV_OK && rekey_fail_after > 0 && res->people >= rekey_fail_after)
			ret = dasv_set_err(d, DASV_INTERNAL, "rekey: stopped by the test hook");
	}
	free(ids);
	ids = NULL;
	if (ret != DASV_OK || (ret = dasv_keyops_collect_ids(d, perps_sql, 0, &ids, &n)) != DASV_OK)
		goto fail;
	for (size_t i = 0; ret == DASV_OK && i < n; i++)
		ret = rekey_perpetrator(&r, ids[i]);
	if (ret != DASV_OK || (ret = hand_out(&r, staff, nstaff)) != DASV_OK)
		goto fail;
	snprintf(gen, sizeof(gen), "%lld", (long long)res->generation);
	if (!(st = dasv_stmt(d, gen_sql))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_text(st, 1, gen, -1, SQLITE_TRANSIENT);
	if ((ret = step_done(d, st, "rekey")) != DASV_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "generation=%lld people=%lld perpetrators=%lld pending=%lld",
		 (long long)res->generation, (long long)res->people, (long long)res->perpetrators,
		 (long long)res->users_pending);
	if ((ret = dasv_audit_append(d, "rekey", "database", 0, detail)) != DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) != DASV_OK)
		goto out;
	/* from here on this session works with the new key */
	memcpy(d->keys->data, r.nk->data, DASV_KEY_BYTES);
	d->keys->generation = res->generation;
	dasv_keys_derive(d->keys);
	res->checkpointed = checkpoint(d);
	goto out;
fail:
	dasv_tx_rollback(d);
out:
	if (ret != DASV_OK)
		memset(res, 0, sizeof(*res));
	free(ids);
	free(staff);
	dasv_keys_free(&r.nk);
	return ret;
}

enum dasv_status
dasv_user_revoke(struct dasv *d, const char *name, int rekey, struct dasv_rekey_result *res)
{
	enum dasv_status st;
	char msg[sizeof(d->err)];

	if (res)
		memset(res, 0, sizeof(*res));
	if ((st = require_admin(d, "disable user")) != DASV_OK ||
	    (st = dasv_user_disable(d, name)) != DASV_OK || !rekey)
		return st;
	if ((st = dasv_rekey(d, res)) != DASV_OK) {
		snprintf(msg, sizeof(msg), "%s", d->err);
		dasv_set_err(d, st, "user '%s' was disabled, but the data key was not rotated: %s",
			     name, msg);
	}
	return st;
}
