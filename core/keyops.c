/*
 * keyops.c - the key lifecycle: rotating the data key (rekey), revoking a
 * user, crypto-shredding a person and the retention purge, and setting up a
 * database shared by a group on one host.
 *
 * A rotation re-encrypts every sealed value of every person and perpetrator
 * in one transaction, so a rekey that is killed half-way leaves the old state
 * whole.  Decrypted values live only in this file's stack frames and malloc'd
 * strings wiped straight after use; they never reach a message or the log.
 */
#include "keyops.h"
#include "referral_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"

static long rekey_fail_after;

void
dasv_rekey_test_fail_after(long n)
{
	rekey_fail_after = n;
}

static enum dasv_status
require_admin(struct dasv *d, const char *what)
{
	enum dasv_status st = dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), what);

	return st == DASV_OK ? dasv_require_data_key(d) : st;
}

/* Empty the WAL into the file so superseded pages (old ciphertext) are gone. */
static int
checkpoint(struct dasv *d)
{
	int log = 0, done = 0;

	return sqlite3_wal_checkpoint_v2(d->db, "main", SQLITE_CHECKPOINT_TRUNCATE, &log, &done) ==
	       SQLITE_OK;
}

static enum dasv_status
step_done(struct dasv *d, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, what);
}

/* Ids from a query with one integer parameter (or none); *ids malloc'd. */
static enum dasv_status
collect_ids(struct dasv *d, const char *sql, int64_t arg, int64_t **ids, size_t *n)
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
	if ((ret = collect_ids(d, people_sql, 0, &ids, &n)) != DASV_OK)
		goto fail;
	for (size_t i = 0; ret == DASV_OK && i < n; i++) {
		ret = rekey_person(&r, ids[i]);
		if (ret == DASV_OK && rekey_fail_after > 0 && res->people >= rekey_fail_after)
			ret = dasv_set_err(d, DASV_INTERNAL, "rekey: stopped by the test hook");
	}
	free(ids);
	ids = NULL;
	if (ret != DASV_OK || (ret = collect_ids(d, perps_sql, 0, &ids, &n)) != DASV_OK)
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
	if ((ret = collect_ids(d, lone, pid, &perps, &np)) != DASV_OK)
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

/* ---- the shared host ------------------------------------------------------ */

static enum dasv_status
shared_fail(struct dasv **out, enum dasv_status st, const char *msg)
{
	if (!*out && !(*out = calloc(1, sizeof(**out))))
		return DASV_NOMEM;
	(*out)->role = DASV_ROLE_NONE;
	dasv_set_err(*out, st, "%s", msg);
	return st;
}

/* The directory of a shared database: group gid, setgid, 2770 (made if missing). */
static enum dasv_status
shared_dir(const char *dir, gid_t gid, struct dasv **out)
{
	struct stat sb;
	char msg[3 * 4096 + 300];

	if (stat(dir, &sb) != 0 && (errno != ENOENT || mkdir(dir, 0700) != 0 || stat(dir, &sb) != 0)) {
		snprintf(msg, sizeof(msg), "cannot create the directory %s: %s", dir, strerror(errno));
		return shared_fail(out, DASV_CREATE, msg);
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(msg, sizeof(msg), "%s is not a directory", dir);
		return shared_fail(out, DASV_CREATE, msg);
	}
	if (sb.st_uid == geteuid()) {
		/* setgid: files any member makes in it stay in the group */
		if ((sb.st_gid != gid && chown(dir, (uid_t)-1, gid) != 0) || chmod(dir, 02770) != 0 ||
		    stat(dir, &sb) != 0) {
			snprintf(msg, sizeof(msg),
				 "cannot give %s to group %ld with mode 2770 (%s): are you a member "
				 "of that group?", dir, (long)gid, strerror(errno));
			return shared_fail(out, DASV_CREATE, msg);
		}
	}
	if (sb.st_gid != gid || (sb.st_mode & 07777) != 02770) {
		snprintf(msg, sizeof(msg),
			 "the directory %s must belong to group %ld with mode 2770: as its owner, run "
			 "'chgrp GROUP %s && chmod 2770 %s'", dir, (long)gid, dir, dir);
		return shared_fail(out, DASV_CREATE, msg);
	}
	return DASV_OK;
}

enum dasv_status
dasv_init_shared(const char *path, const char *admin, const char *pass, gid_t gid,
		 struct dasv **out)
{
	static const char *const sides[] = { "", "-wal", "-shm" };
	char dir[4096], *slash, file[4200];
	enum dasv_status st;

	*out = NULL;
	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return shared_fail(out, DASV_CREATE, "database path is too long");
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((st = shared_dir(dir, gid, out)) != DASV_OK)
		return st;
	if ((st = dasv_init(path, admin, pass, out)) != DASV_OK)
		return st;
	/* created private; now the group's (SQLite gives -wal and -shm the file's mode) */
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(file, sizeof(file), "%s%s", path, sides[i]);
		if (access(file, F_OK) != 0 && i > 0)
			continue;
		if (chown(file, (uid_t)-1, gid) != 0 || chmod(file, 0660) != 0)
			return dasv_set_err(*out, DASV_IO, "cannot give %s to the group: %s", file,
					    strerror(errno));
	}
	return DASV_OK;
}
