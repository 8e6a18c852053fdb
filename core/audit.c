/*
 * audit.c - the append-only, hash-chained audit log.
 *
 * Each entry's hash is a keyed BLAKE2b (the audit MAC key, which every
 * keyslot holds, auditors' included) over the previous entry's hash and this
 * entry's id and fields, so an edited, deleted, inserted or reordered entry
 * breaks the chain at that point.  Entries hold ids, codes and counts only.
 */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	unsigned char *p;
	size_t len, cap;
	int oom;
};

static void
buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *np = realloc(b->p, cap);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void
buf_i64(struct buf *b, int64_t v)
{
	unsigned char le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)((uint64_t)v >> (8 * i));
	buf_add(b, le, 8);
}

/*
 * One stored value of an entry, as SQLite holds it: its type, and its exact
 * bytes for text.  The MAC covers types and lengths so that text hidden after
 * a NUL, or 5 stored as '5', or NULL as '', changes the hash.
 */
struct mac_val {
	int type; /* SQLITE_INTEGER, SQLITE_TEXT, SQLITE_NULL, SQLITE_BLOB, SQLITE_FLOAT */
	int64_t i;
	const void *p;
	size_t n;
};

#define MAC_FIELDS 7 /* at, user_id, user_name, action, entity, entity_id, detail */

static struct mac_val
mac_text(const char *s)
{
	return (struct mac_val){ SQLITE_TEXT, 0, s, strlen(s) };
}

static struct mac_val
mac_int_or_null(int64_t v)
{
	return v ? (struct mac_val){ SQLITE_INTEGER, v, NULL, 0 }
		 : (struct mac_val){ SQLITE_NULL, 0, NULL, 0 };
}

static struct mac_val
mac_column(sqlite3_stmt *st, int col)
{
	struct mac_val v = { sqlite3_column_type(st, col), 0, NULL, 0 };

	if (v.type == SQLITE_INTEGER) {
		v.i = sqlite3_column_int64(st, col);
	} else if (v.type == SQLITE_TEXT) {
		v.p = sqlite3_column_text(st, col);
		v.n = (size_t)sqlite3_column_bytes(st, col);
	} else if (v.type != SQLITE_NULL) {
		v.p = sqlite3_column_blob(st, col);
		v.n = (size_t)sqlite3_column_bytes(st, col);
	}
	return v;
}

static int
entry_mac(const unsigned char key[32], const unsigned char prev[32], int64_t id,
	  const struct mac_val vals[MAC_FIELDS], unsigned char out[32])
{
	struct buf b = { 0 };

	buf_i64(&b, id);
	for (int i = 0; i < MAC_FIELDS; i++) {
		unsigned char t = (unsigned char)vals[i].type;
		buf_add(&b, &t, 1);
		if (vals[i].type == SQLITE_INTEGER) {
			buf_i64(&b, vals[i].i);
		} else if (vals[i].type != SQLITE_NULL) {
			buf_i64(&b, (int64_t)vals[i].n);
			if (vals[i].n)
				buf_add(&b, vals[i].p, vals[i].n);
		}
	}
	if (b.oom) {
		free(b.p);
		return -1;
	}
	dasv_audit_mac(key, prev, b.p, b.len, out);
	free(b.p);
	return 0;
}

enum dasv_status
dasv_audit_append(struct dasv *d, const char *action, const char *entity, int64_t entity_id,
		  const char *detail)
{
	static const char last[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
	static const char ins[] =
		"INSERT INTO audit_log(id, at, user_id, user_name, action, entity, entity_id, "
		"detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)";
	unsigned char prev[32] = { 0 }, hash[32];
	sqlite3_stmt *st;
	int64_t id = 1;
	char now[21];
	int rc;

	if (!d->in_tx)
		return dasv_set_err(d, DASV_INTERNAL, "audit entry outside a transaction");
	if (!d->keys)
		return dasv_set_err(d, DASV_LOCKED, "audit: session is locked");
	if (!(st = dasv_stmt(d, last)))
		return DASV_INTERNAL;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0) + 1;
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(prev, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "audit");
	dasv_now(now);
	{
		/* exactly what the INSERT below stores */
		const struct mac_val vals[MAC_FIELDS] = {
			mac_text(now), mac_int_or_null(d->user_id), mac_text(d->user_name),
			mac_text(action), mac_text(entity ? entity : ""), mac_int_or_null(entity_id),
			mac_text(detail ? detail : ""),
		};
		if (entry_mac(d->keys->audit_mac, prev, id, vals, hash) != 0)
			return dasv_set_err(d, DASV_NOMEM, "audit: out of memory");
	}
	if (!(st = dasv_stmt(d, ins)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	if (d->user_id)
		sqlite3_bind_int64(st, 3, d->user_id);
	sqlite3_bind_text(st, 4, d->user_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, entity ? entity : "", -1, SQLITE_STATIC);
	if (entity_id)
		sqlite3_bind_int64(st, 7, entity_id);
	sqlite3_bind_text(st, 8, detail ? detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, prev, 32, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 10, hash, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "audit");
}

enum dasv_status
dasv_audit_verify(struct dasv *d, struct dasv_audit_result *res)
{
	/* a fresh statement: verification walks the whole log once */
	static const char sql[] =
		"SELECT id, at, user_id, user_name, action, entity, entity_id, detail, prev_hash, "
		"hash FROM audit_log ORDER BY id";
	unsigned char prev[32] = { 0 }, mac[32];
	sqlite3_stmt *st = NULL;
	enum dasv_status ret = DASV_OK;
	int64_t expect_id = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((ret = dasv_require_unlocked(d)) != DASV_OK)
		return ret;
	rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dasv_db_err(d, rc, "audit verify");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *why = NULL;

		res->entries++;
		struct mac_val vals[MAC_FIELDS];

		for (int i = 0; i < MAC_FIELDS; i++)
			vals[i] = mac_column(st, 1 + i);
		if (id < 1 || (expect_id && id != expect_id + 1) || (!expect_id && id != 1))
			why = "entries are missing before this one";
		else if (sqlite3_column_bytes(st, 8) != 32 ||
			 sodium_memcmp(sqlite3_column_blob(st, 8), prev, 32) != 0)
			why = "does not follow the previous entry (deleted, inserted or reordered)";
		else if (sqlite3_column_bytes(st, 9) != 32)
			why = "hash is missing or damaged";
		else if (entry_mac(d->keys->audit_mac, prev, id, vals, mac) != 0) {
			ret = dasv_set_err(d, DASV_NOMEM, "audit verify: out of memory");
			goto out;
		} else if (sodium_memcmp(mac, sqlite3_column_blob(st, 9), 32) != 0)
			why = "contents were changed";
		if (why) {
			res->first_bad_id = id ? id : -1; /* 0 would read as "verifies" */
			snprintf(res->reason, sizeof(res->reason), "%s", why);
			ret = dasv_set_err(d, DASV_CORRUPT, "audit log entry %lld: %s", (long long)id,
					   why);
			goto out;
		}
		memcpy(prev, sqlite3_column_blob(st, 9), 32);
		expect_id = id;
	}
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "audit verify");
	} else if (res->entries == 0) {
		/* every database starts with its init entry: an empty log was emptied */
		res->first_bad_id = 1;
		snprintf(res->reason, sizeof(res->reason), "the audit log is empty");
		ret = dasv_set_err(d, DASV_CORRUPT, "audit log: empty (entries were deleted)");
	}
out:
	sqlite3_finalize(st);
	return ret;
}

enum dasv_status
dasv_audit_head(struct dasv *d, char hex[65], int64_t *id)
{
	static const char sql[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	hex[0] = '\0';
	*id = 0;
	if ((ret = dasv_require_unlocked(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		*id = sqlite3_column_int64(st, 0);
		sodium_bin2hex(hex, 65, sqlite3_column_blob(st, 1), 32);
		ret = DASV_OK;
	} else if (rc == SQLITE_DONE) {
		ret = dasv_set_err(d, DASV_NOTFOUND, "the audit log is empty");
	} else {
		ret = dasv_db_err(d, rc, "audit head");
	}
	sqlite3_reset(st);
	return ret;
}

enum dasv_status
dasv_audit_contains(struct dasv *d, const char *hex, int *found)
{
	static const char sql[] = "SELECT 1 FROM audit_log WHERE hash = ?";
	unsigned char hash[32];
	size_t len = 0;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	*found = 0;
	if ((ret = dasv_require_unlocked(d)) != DASV_OK)
		return ret;
	if (sodium_hex2bin(hash, sizeof(hash), hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    len != sizeof(hash))
		return dasv_set_err(d, DASV_INVALID, "head: expected 64 hexadecimal digits");
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "audit");
	*found = rc == SQLITE_ROW;
	return DASV_OK;
}

/* ---- sealed columns ------------------------------------------------- */

enum dasv_status
dasv_bind_sealed(struct dasv *d, sqlite3_stmt *st, int idx, const unsigned char *key,
		 const char *table, const char *column, int64_t rowid, const char *pt)
{
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	enum dasv_status ret;

	if (!pt) {
		sqlite3_bind_null(st, idx);
		return DASV_OK;
	}
	ret = dasv_crypto_seal(key, table, column, rowid, pt, strlen(pt), &ct, &ctlen);
	if (ret != DASV_OK)
		return dasv_set_err(d, ret, "%s.%s: cannot encrypt", table, column);
	sqlite3_bind_blob(st, idx, ct, (int)ctlen, free);
	return DASV_OK;
}

enum dasv_status
dasv_column_open(struct dasv *d, sqlite3_stmt *st, int col, const unsigned char *key,
		 const char *table, const char *column, int64_t rowid, char **out)
{
	enum dasv_status ret;

	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return DASV_OK;
	ret = dasv_crypto_open(key, table, column, rowid, sqlite3_column_blob(st, col),
			       (size_t)sqlite3_column_bytes(st, col), out, NULL);
	if (ret == DASV_CORRUPT)
		return dasv_set_err(d, ret,
				    "%s %lld, %s: stored value failed its integrity check "
				    "(tampered with, or copied from elsewhere)",
				    table, (long long)rowid, column);
	if (ret != DASV_OK)
		return dasv_set_err(d, ret, "%s.%s: cannot decrypt", table, column);
	return DASV_OK;
}
