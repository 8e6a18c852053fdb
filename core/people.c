/*
 * people.c - who a referral is about: each person's and perpetrator's record
 * key, their sealed identifying fields, and the blind indexes that link a new
 * referral to earlier ones (repeat victims) and a perpetrator across victims.
 */
#include "referral_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

/* ---- keys of people and perpetrators -------------------------------- */

/* Was the record erased on purpose (erased_at set), rather than its key cut out? */
static int
was_erased(struct dasv *d, const char *table, int64_t id)
{
	static const char people[] = "SELECT erased_at IS NOT NULL FROM people WHERE id = ?";
	static const char perps[] = "SELECT erased_at IS NOT NULL FROM perpetrators WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, strcmp(table, "people") == 0 ? people : perps);
	int yes = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		yes = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

enum dasv_status
dasv_record_key_open(struct dasv *d, const char *table, int64_t id, const void *blob, int len,
		  unsigned char rk[DASV_KEY_BYTES])
{
	char *pt = NULL;
	size_t ptlen = 0;
	enum dasv_status st;

	if (!blob && !was_erased(d, table, id))
		return dasv_set_err(d, DASV_CORRUPT,
				    "%s %lld: record key is missing but no erasure was recorded "
				    "(tampered with)",
				    table, (long long)id);
	if (!blob) {
		if (strcmp(table, "people") == 0)
			return dasv_set_err(d, DASV_NOTFOUND,
					    "person %lld was erased: their details and the notes of "
					    "their referrals were destroyed; only coded data remains",
					    (long long)id);
		return dasv_set_err(d, DASV_NOTFOUND, "%s %lld: record has been erased", table,
				    (long long)id);
	}
	st = dasv_crypto_open(d->keys->field, table, "record_key", id, blob, (size_t)len, &pt,
			      &ptlen);
	if (st != DASV_OK || ptlen != DASV_KEY_BYTES) {
		if (pt)
			dasv_wipe(pt, ptlen);
		free(pt);
		return dasv_set_err(d, DASV_CORRUPT,
				    "%s %lld: record key failed its integrity check", table,
				    (long long)id);
	}
	memcpy(rk, pt, DASV_KEY_BYTES);
	dasv_wipe(pt, ptlen);
	free(pt);
	return DASV_OK;
}

enum dasv_status
dasv_person_key(struct dasv *d, int64_t person_id, unsigned char rk[DASV_KEY_BYTES])
{
	static const char sql[] = "SELECT record_key FROM people WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	enum dasv_status ret;
	int rc;

	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, person_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? dasv_set_err(d, DASV_NOTFOUND, "no such person")
					 : dasv_db_err(d, rc, "person key");
	}
	ret = dasv_record_key_open(d, "people", person_id, sqlite3_column_blob(st, 0),
				sqlite3_column_bytes(st, 0), rk);
	sqlite3_reset(st);
	return ret;
}

enum dasv_status
dasv_referral_key(struct dasv *d, int64_t referral_id, unsigned char rk[DASV_KEY_BYTES])
{
	static const char sql[] = "SELECT person_id FROM referrals WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int64_t pid;
	int rc;

	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, referral_id);
	rc = sqlite3_step(st);
	pid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return dasv_set_err(d, DASV_NOTFOUND, "referral %lld: no such referral",
				    (long long)referral_id);
	if (rc != SQLITE_ROW)
		return dasv_db_err(d, rc, "referral");
	return dasv_person_key(d, pid, rk);
}

static enum dasv_status
new_record_key(struct dasv *d, const char *table, int64_t id, unsigned char rk[DASV_KEY_BYTES],
	       unsigned char **wrapped, size_t *wlen)
{
	dasv_crypto_random(rk, DASV_KEY_BYTES);
	if (dasv_crypto_seal(d->keys->field, table, "record_key", id, rk, DASV_KEY_BYTES, wrapped,
			     wlen) != DASV_OK)
		return dasv_set_err(d, DASV_NOMEM, "cannot seal a record key");
	return DASV_OK;
}

/* ---- blind indexes -------------------------------------------------- */

void
dasv_person_blinds(const unsigned char key[DASV_KEY_BYTES], const struct dasv_person *p,
		   struct dasv_blinds *b)
{
	char norm[512], v[600];

	memset(b, 0, sizeof(*b));
	if (!dasv_blank(p->last_name) && !dasv_blank(p->date_of_birth)) {
		dasv_normalise_name(p->last_name, norm, sizeof(norm));
		snprintf(v, sizeof(v), "%s|%s", norm, p->date_of_birth);
		dasv_blind(key, "name_dob", v, b->name_dob);
		b->has_name_dob = norm[0] != '\0';
	}
	if (!dasv_blank(p->phone)) {
		dasv_normalise_phone(p->phone, norm, sizeof(norm));
		dasv_blind(key, "phone", norm, b->phone);
		b->has_phone = norm[0] != '\0';
	}
	if (!dasv_blank(p->postcode)) {
		dasv_normalise_postcode(p->postcode, norm, sizeof(norm));
		dasv_blind(key, "postcode", norm, b->postcode);
		b->has_postcode = norm[0] != '\0';
	}
	dasv_wipe(norm, sizeof(norm));
	dasv_wipe(v, sizeof(v));
}

void
dasv_perpetrator_blinds(const unsigned char key[DASV_KEY_BYTES], const char *name,
			const char *dob, unsigned char bn[DASV_BLIND_BYTES],
			unsigned char bnd[DASV_BLIND_BYTES])
{
	char norm[512], v[600];

	dasv_normalise_name(name, norm, sizeof(norm));
	dasv_blind(key, "perp_name", norm, bn);
	snprintf(v, sizeof(v), "%s|%s", norm, dasv_blank(dob) ? "" : dob);
	dasv_blind(key, "perp_name_dob", v, bnd);
	dasv_wipe(norm, sizeof(norm));
	dasv_wipe(v, sizeof(v));
}

static void
person_blinds(struct dasv *d, const struct dasv_person *p, struct dasv_blinds *b)
{
	dasv_person_blinds(d->keys->blind, p, b);
}

/* The newest living person with this blind index, 0 if none. */
static int64_t
find_person(struct dasv *d, const char *column, const unsigned char *bi)
{
	static const char by_name[] =
		"SELECT id FROM people WHERE bi_name_dob = ? AND erased_at IS NULL "
		"ORDER BY id DESC LIMIT 1";
	static const char by_phone[] =
		"SELECT id FROM people WHERE bi_phone = ? AND erased_at IS NULL "
		"ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = dasv_stmt(d, strcmp(column, "phone") ? by_name : by_phone);
	int64_t id = 0;

	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, bi, DASV_BLIND_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

static enum dasv_status
bind_opt_blob(sqlite3_stmt *st, int idx, int has, const unsigned char *b)
{
	if (has)
		sqlite3_bind_blob(st, idx, b, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
	return DASV_OK;
}

static int
tristate(int v)
{
	return v == 0 || v == 1 ? v : -1;
}

static void
bind_tristate(sqlite3_stmt *st, int idx, int v)
{
	if (tristate(v) < 0)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int(st, idx, v);
}

/*
 * Write a person's sealed fields and blind indexes.  keep_blank: a blank new
 * value keeps what is stored (a later referral with fewer details must not
 * wipe what an earlier one recorded, nor the indexes that link them); an edit
 * passes 0 so a field cleared on purpose is cleared.
 */
static enum dasv_status
store_person(struct dasv *d, int64_t id, const unsigned char rk[DASV_KEY_BYTES],
	     const unsigned char *wrapped, size_t wlen, const struct dasv_person *p,
	     const struct dasv_blinds *b, int keep_blank)
{
	static const char sql[] =
		"UPDATE people SET record_key = coalesce(?1, record_key), "
		"first_name = CASE WHEN ?17 THEN coalesce(?2, first_name) ELSE ?2 END, "
		"last_name = CASE WHEN ?17 THEN coalesce(?3, last_name) ELSE ?3 END, "
		"date_of_birth = CASE WHEN ?17 THEN coalesce(?4, date_of_birth) ELSE ?4 END, "
		"address = CASE WHEN ?17 THEN coalesce(?5, address) ELSE ?5 END, "
		"postcode = CASE WHEN ?17 THEN coalesce(?6, postcode) ELSE ?6 END, "
		"phone = CASE WHEN ?17 THEN coalesce(?7, phone) ELSE ?7 END, "
		"email = CASE WHEN ?17 THEN coalesce(?8, email) ELSE ?8 END, "
		"safe_contact = CASE WHEN ?17 THEN coalesce(?9, safe_contact) ELSE ?9 END, "
		"safe_to_call = CASE WHEN ?17 THEN coalesce(?10, safe_to_call) ELSE ?10 END, "
		"voicemail_ok = CASE WHEN ?17 THEN coalesce(?11, voicemail_ok) ELSE ?11 END, "
		"letters_ok = CASE WHEN ?17 THEN coalesce(?12, letters_ok) ELSE ?12 END, "
		"bi_name_dob = CASE WHEN ?17 THEN coalesce(?13, bi_name_dob) ELSE ?13 END, "
		"bi_phone = CASE WHEN ?17 THEN coalesce(?14, bi_phone) ELSE ?14 END, "
		"bi_postcode = CASE WHEN ?17 THEN coalesce(?15, bi_postcode) ELSE ?15 END "
		"WHERE id = ?16";
	char pc[9];
	/* one spelling of a postcode, whichever way it was typed or imported */
	const char *postcode = p->postcode && dasv_validate_postcode_normalise(p->postcode, pc) ==
							 DASV_OK
				       ? pc
				       : p->postcode;
	const char *vals[] = { p->first_name, p->last_name, p->date_of_birth, p->address,
			       postcode, p->phone, p->email, p->safe_contact };
	static const char *const cols[] = { "first_name", "last_name", "date_of_birth", "address",
					    "postcode", "phone", "email", "safe_contact" };
	sqlite3_stmt *st = dasv_stmt(d, sql);
	enum dasv_status ret;
	int rc;

	if (!st)
		return DASV_INTERNAL;
	if (wrapped)
		sqlite3_bind_blob(st, 1, wrapped, (int)wlen, SQLITE_TRANSIENT);
	for (int i = 0; i < 8; i++) {
		ret = dasv_bind_sealed(d, st, 2 + i, rk, "people", cols[i], id,
				       dasv_blank(vals[i]) ? NULL : vals[i]);
		if (ret != DASV_OK) {
			sqlite3_reset(st);
			return ret;
		}
	}
	bind_tristate(st, 10, p->safe_to_call);
	bind_tristate(st, 11, p->voicemail_ok);
	bind_tristate(st, 12, p->letters_ok);
	bind_opt_blob(st, 13, b->has_name_dob, b->name_dob);
	bind_opt_blob(st, 14, b->has_phone, b->phone);
	bind_opt_blob(st, 15, b->has_postcode, b->postcode);
	sqlite3_bind_int64(st, 16, id);
	sqlite3_bind_int(st, 17, keep_blank);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "store person");
}

static enum dasv_status
insert_row(struct dasv *d, const char *sql, const char *now, int64_t user, int64_t *id)
{
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int rc;

	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if (user)
		sqlite3_bind_int64(st, 2, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "insert");
	*id = sqlite3_last_insert_rowid(d->db);
	return DASV_OK;
}

/*
 * Is the person found by phone the one this intake is about?  A number alone
 * is not a person: families share landlines and refuges share numbers, and
 * merging two people would put one's safe-contact details on the other.  So
 * the first names must agree, and the dates of birth must not disagree (a
 * surname may change; a first name and a birthday rarely do).  Decrypts two
 * fields, which never leave this function.
 */
static int
same_person_by_phone(struct dasv *d, int64_t person_id, const struct dasv_person *p)
{
	static const char sql[] = "SELECT first_name, date_of_birth FROM people WHERE id = ?";
	unsigned char rk[DASV_KEY_BYTES];
	char *first = NULL, *dob = NULL, a[256], b[256];
	sqlite3_stmt *st;
	int same = 0;

	if (dasv_blank(p->first_name) || dasv_person_key(d, person_id, rk) != DASV_OK)
		return 0;
	if ((st = dasv_stmt(d, sql))) {
		sqlite3_bind_int64(st, 1, person_id);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    dasv_column_open(d, st, 0, rk, "people", "first_name", person_id, &first) ==
			    DASV_OK &&
		    dasv_column_open(d, st, 1, rk, "people", "date_of_birth", person_id, &dob) ==
			    DASV_OK &&
		    first) {
			dasv_normalise_name(first, a, sizeof(a));
			dasv_normalise_name(p->first_name, b, sizeof(b));
			same = a[0] && strcmp(a, b) == 0 &&
			       (!dob || dasv_blank(p->date_of_birth) ||
				strcmp(dob, p->date_of_birth) == 0);
			dasv_wipe(a, sizeof(a));
			dasv_wipe(b, sizeof(b));
		}
		sqlite3_reset(st);
	}
	dasv_str_free(&first);
	dasv_str_free(&dob);
	dasv_wipe(rk, sizeof(rk));
	return same;
}

/*
 * The earlier person an intake is about: surname + date of birth, else phone
 * (strict: and the same person by same_person_by_phone).  0 when none, -1 on
 * error; *by says which.
 */
static int64_t
find_linked_person(struct dasv *d, const struct dasv_person *p, const struct dasv_blinds *b,
		   int strict, char *by, size_t bysz)
{
	int64_t id = 0;

	by[0] = '\0';
	if (b->has_name_dob && (id = find_person(d, "name_dob", b->name_dob)) != 0) {
		if (id > 0)
			snprintf(by, bysz, "name_dob");
		return id;
	}
	if (b->has_phone && (id = find_person(d, "phone", b->phone)) > 0) {
		if (strict && !same_person_by_phone(d, id, p))
			return 0;
		snprintf(by, bysz, "phone");
	}
	return id;
}

enum dasv_status
dasv_person_link(struct dasv *d, const struct dasv_person *p, const char *now,
	    struct dasv_intake_result *res)
{
	static const char ins[] = "INSERT INTO people(created_at, created_by) VALUES (?, ?)";
	unsigned char rk[DASV_KEY_BYTES], *wrapped = NULL;
	size_t wlen = 0;
	struct dasv_blinds b;
	enum dasv_status ret;
	int64_t id = 0;

	person_blinds(d, p, &b);
	if ((id = find_linked_person(d, p, &b, 1, res->linked_by, sizeof(res->linked_by))) < 0)
		return DASV_INTERNAL;
	if (id > 0) {
		ret = dasv_person_key(d, id, rk);
	} else {
		if ((ret = insert_row(d, ins, now, d->user_id, &id)) != DASV_OK)
			return ret;
		ret = new_record_key(d, "people", id, rk, &wrapped, &wlen);
	}
	if (ret == DASV_OK)
		ret = store_person(d, id, rk, wrapped, wlen, p, &b, wrapped == NULL);
	dasv_wipe(rk, sizeof(rk));
	free(wrapped);
	res->person_id = id;
	return ret;
}

enum dasv_status
dasv_perpetrator_link(struct dasv *d, const struct dasv_referral *r, const char *now, int64_t *out)
{
	static const char find_nd[] =
		"SELECT id FROM perpetrators WHERE bi_name_dob = ? AND erased_at IS NULL "
		"ORDER BY id DESC LIMIT 1";
	static const char ins[] = "INSERT INTO perpetrators(created_at) VALUES (?)";
	static const char upd[] =
		"UPDATE perpetrators SET record_key = ?, name = ?, date_of_birth = ?, bi_name = ?, "
		"bi_name_dob = ? WHERE id = ?";
	unsigned char rk[DASV_KEY_BYTES], bn[DASV_BLIND_BYTES], bnd[DASV_BLIND_BYTES];
	unsigned char *wrapped = NULL;
	size_t wlen = 0;
	int has_dob = !dasv_blank(r->perpetrator_dob);
	sqlite3_stmt *st;
	enum dasv_status ret = DASV_OK;
	int64_t id = 0;

	*out = 0;
	if (dasv_blank(r->perpetrator_name))
		return DASV_OK;
	dasv_perpetrator_blinds(d->keys->blind, r->perpetrator_name, r->perpetrator_dob, bn, bnd);
	/*
	 * Only name and date of birth together say it is the same perpetrator:
	 * a common name alone would mark strangers as serial perpetrators.
	 */
	if (has_dob) {
		if (!(st = dasv_stmt(d, find_nd)))
			return DASV_INTERNAL;
		sqlite3_bind_blob(st, 1, bnd, DASV_BLIND_BYTES, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (id) {
		*out = id;
		return DASV_OK;
	}
	if ((ret = insert_row(d, ins, now, 0, &id)) != DASV_OK)
		return ret;
	if ((ret = new_record_key(d, "perpetrators", id, rk, &wrapped, &wlen)) != DASV_OK)
		goto out;
	if (!(st = dasv_stmt(d, upd))) {
		ret = DASV_INTERNAL;
		goto out;
	}
	sqlite3_bind_blob(st, 1, wrapped, (int)wlen, SQLITE_TRANSIENT);
	if ((ret = dasv_bind_sealed(d, st, 2, rk, "perpetrators", "name", id,
				    r->perpetrator_name)) != DASV_OK ||
	    (ret = dasv_bind_sealed(d, st, 3, rk, "perpetrators", "date_of_birth", id,
				    has_dob ? r->perpetrator_dob : NULL)) != DASV_OK) {
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_bind_blob(st, 4, bn, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	if (has_dob)
		sqlite3_bind_blob(st, 5, bnd, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = dasv_db_err(d, sqlite3_errcode(d->db), "store perpetrator");
	sqlite3_reset(st);
	*out = id;
out:
	dasv_wipe(rk, sizeof(rk));
	free(wrapped);
	return ret;
}

enum dasv_status
dasv_person_update(struct dasv *d, int64_t id, const unsigned char rk[DASV_KEY_BYTES],
		   const struct dasv_person *p)
{
	struct dasv_blinds b;

	person_blinds(d, p, &b);
	return store_person(d, id, rk, NULL, 0, p, &b, 0);
}

enum dasv_status
dasv_person_matches(struct dasv *d, const struct dasv_person *p, struct dasv_match *out,
		    size_t max, size_t *n)
{
	static const char sql[] =
		"SELECT r.id, r.received_on, r.level, r.status FROM referrals r "
		"WHERE r.person_id = ? ORDER BY r.received_on DESC, r.id DESC LIMIT ?";
	struct dasv_intake_result scratch = { 0 };
	struct dasv_blinds b;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t pid = 0;
	char detail[400];
	size_t off = 0;

	*n = 0;
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "match person")) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	person_blinds(d, p, &b);
	/* a warning before saving: every earlier referral on this number is worth a look */
	pid = find_linked_person(d, p, &b, 0, scratch.linked_by, sizeof(scratch.linked_by));
	if (pid <= 0)
		return pid < 0 ? DASV_INTERNAL : DASV_OK;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct dasv_match *m = &out[*n];
		memset(m, 0, sizeof(*m));
		m->referral_id = sqlite3_column_int64(st, 0);
		dasv_col_text(m->received_on, sizeof(m->received_on), st, 1);
		m->level = dasv_col_int_or(st, 2, DASV_LEVEL_NONE);
		dasv_col_text(m->status, sizeof(m->status), st, 3);
		snprintf(m->matched_by, sizeof(m->matched_by), "%.15s", scratch.linked_by);
		if (off < sizeof(detail))
			off += (size_t)snprintf(detail + off, sizeof(detail) - off, "%s%lld",
						off ? "," : "ids=", (long long)m->referral_id);
		(*n)++;
	}
	sqlite3_reset(st);
	if (*n == 0)
		return DASV_OK;
	/* a match reveals that earlier referrals exist: that is an access worth recording */
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if ((ret = dasv_audit_append(d, "person_match", "person", pid, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		return ret;
	}
	return dasv_tx_commit(d);
}
