/*
 * session_keys.c - a user's keyslot and, for staff, the data key stored
 * beside it: reading and writing them, and handing an unlocking staff member
 * the current data key (from their slot, from a key rotated to them, or by
 * upgrading a slot older than key rotation).  Never sees a passphrase except
 * to re-wrap a slot it upgrades; keys it opens are wiped before it returns.
 */
#include "session_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* ---- keyslots ------------------------------------------------------- */

enum dasv_status
dasv_keyslot_load(struct dasv *d, int64_t user_id, struct dasv_keyslot *slot)
{
	static const char sql[] =
		"SELECT alg, opslimit, memlimit, salt, wrapped, generation FROM keyslots "
		"WHERE user_id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	enum dasv_status ret = DASV_OK;
	int rc;

	memset(slot, 0, sizeof(*slot));
	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = dasv_set_err(d, DASV_AUTH, "wrong user name or passphrase");
		goto out;
	}
	if (rc != SQLITE_ROW) {
		ret = dasv_db_err(d, rc, "read keyslot");
		goto out;
	}
	slot->alg = sqlite3_column_int(st, 0);
	slot->opslimit = (unsigned long long)sqlite3_column_int64(st, 1);
	slot->memlimit = (size_t)sqlite3_column_int64(st, 2);
	slot->generation = sqlite3_column_int64(st, 5);
	if (sqlite3_column_bytes(st, 3) != DASV_SALT_BYTES) {
		ret = dasv_set_err(d, DASV_CORRUPT, "keyslot is damaged");
		goto out;
	}
	memcpy(slot->salt, sqlite3_column_blob(st, 3), DASV_SALT_BYTES);
	slot->wrapped_len = (size_t)sqlite3_column_bytes(st, 4);
	slot->wrapped = malloc(slot->wrapped_len ? slot->wrapped_len : 1);
	if (!slot->wrapped) {
		ret = dasv_set_err(d, DASV_NOMEM, "out of memory");
		goto out;
	}
	if (slot->wrapped_len)
		memcpy(slot->wrapped, sqlite3_column_blob(st, 4), slot->wrapped_len);
out:
	sqlite3_reset(st);
	return ret;
}

enum dasv_status
dasv_keyslot_store(struct dasv *d, int64_t user_id, const struct dasv_keyslot *slot)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO keyslots(user_id, alg, opslimit, memlimit, salt, wrapped, "
		"generation, created_at, data_wrapped, pending_data) VALUES (?,?,?,?,?,?,?,?,NULL,NULL)";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	char now[21];
	int rc;

	if (!st)
		return DASV_INTERNAL;
	dasv_now(now);
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int(st, 2, slot->alg);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)slot->opslimit);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)slot->memlimit);
	sqlite3_bind_blob(st, 5, slot->salt, DASV_SALT_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, slot->wrapped, (int)slot->wrapped_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, slot->generation);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "store keyslot");
}

int64_t
dasv_key_generation(struct dasv *d)
{
	long g = 1;

	dasv_setting_int(d, "key_generation", 1, &g);
	return g;
}

/* ---- a staff member's data key, beside their keyslot ------------------ */

/*
 * Store what a staff slot needs besides the Argon2id part: the data key under
 * the user's slot key (clearing any pending rotated key) and their public key
 * with its MAC under the data key.  k holds the user's own slot and box keys.
 */
enum dasv_status
dasv_staff_keys_store(struct dasv *d, int64_t id, const struct dasv_keys *k, int64_t gen)
{
	static const char slot_sql[] =
		"UPDATE keyslots SET data_wrapped = ?, pending_data = NULL WHERE user_id = ?";
	static const char user_sql[] = "UPDATE users SET pk = ?, pk_mac = ? WHERE id = ?";
	unsigned char *dw = NULL, mac[DASV_MAC_BYTES];
	size_t dwlen = 0;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	if ((ret = dasv_data_key_wrap(k->slot, id, k->data, gen, &dw, &dwlen)) != DASV_OK)
		return dasv_set_err(d, ret, "cannot seal the data key for user %lld", (long long)id);
	if (!(st = dasv_stmt(d, slot_sql))) {
		free(dw);
		return DASV_INTERNAL;
	}
	sqlite3_bind_blob(st, 1, dw, (int)dwlen, free);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "store keyslot");
	dasv_pk_mac(k->data, id, k->box_pk, mac);
	if (!(st = dasv_stmt(d, user_sql)))
		return DASV_INTERNAL;
	sqlite3_bind_blob(st, 1, k->box_pk, DASV_BOX_PK_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, mac, DASV_MAC_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "store public key");
}

/*
 * A rotated key arrives sealed to the user's public key, and anyone can seal
 * to a public key: accept it only if it opens the record keys already in the
 * database.  A forger would have to rewrite those, destroying the records
 * for every other user, to pass.
 */
static enum dasv_status
check_rotated_key(struct dasv *d, const struct dasv_keys *k)
{
	static const char sql[] =
		"SELECT t, id, k FROM (SELECT 'people' AS t, id, record_key AS k FROM people "
		"WHERE record_key IS NOT NULL UNION ALL SELECT 'perpetrators', id, record_key "
		"FROM perpetrators WHERE record_key IS NOT NULL) ORDER BY random() LIMIT 16";
	sqlite3_stmt *st;
	enum dasv_status ret = DASV_OK;
	char *pt = NULL;
	size_t len = 0;
	int rc;

	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	while (ret == DASV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (dasv_crypto_open(k->field, (const char *)sqlite3_column_text(st, 0), "record_key",
				     sqlite3_column_int64(st, 1), sqlite3_column_blob(st, 2),
				     (size_t)sqlite3_column_bytes(st, 2), &pt, &len) != DASV_OK)
			ret = dasv_set_err(d, DASV_CORRUPT,
					   "the rotated data key waiting for you does not open the "
					   "records in the database (tampered with?): ask an admin to "
					   "rotate the key again");
		if (pt) {
			dasv_wipe(pt, len);
			free(pt);
			pt = NULL;
		}
	}
	if (ret == DASV_OK && rc != SQLITE_DONE)
		ret = dasv_db_err(d, rc, "unlock");
	sqlite3_reset(st);
	return ret;
}

static enum dasv_status
load_staff_blobs(struct dasv *d, int64_t id, unsigned char **dw, size_t *dwlen,
		 unsigned char **pending, size_t *plen)
{
	static const char sql[] =
		"SELECT k.data_wrapped, k.pending_data, u.pk, u.pk_mac FROM keyslots k "
		"JOIN users u ON u.id = k.user_id WHERE k.user_id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	unsigned char **outs[] = { dw, pending };
	size_t *lens[] = { dwlen, plen };
	int rc;

	*dw = *pending = NULL;
	*dwlen = *plen = 0;
	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	for (int i = 0; rc == SQLITE_ROW && i < 2; i++) {
		int n = sqlite3_column_bytes(st, i);

		if (sqlite3_column_type(st, i) == SQLITE_NULL || n <= 0)
			continue;
		if (!(*outs[i] = malloc((size_t)n))) {
			sqlite3_reset(st);
			free(*dw);
			*dw = NULL;
			return dasv_set_err(d, DASV_NOMEM, "out of memory");
		}
		memcpy(*outs[i], sqlite3_column_blob(st, i), (size_t)n);
		*lens[i] = (size_t)n;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "read keyslot");
}

/* Whether users.pk and users.pk_mac are this user's, under k's data key. */
static int
public_key_intact(struct dasv *d, int64_t id, const struct dasv_keys *k)
{
	static const char sql[] = "SELECT pk, pk_mac FROM users WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	unsigned char mac[DASV_MAC_BYTES];
	int ok = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == DASV_BOX_PK_BYTES &&
	    sqlite3_column_bytes(st, 1) == DASV_MAC_BYTES) {
		dasv_pk_mac(k->data, id, k->box_pk, mac);
		ok = dasv_equal(sqlite3_column_blob(st, 0), k->box_pk, DASV_BOX_PK_BYTES) &&
		     dasv_equal(sqlite3_column_blob(st, 1), mac, DASV_MAC_BYTES);
	}
	sqlite3_reset(st);
	return ok;
}

static void
take_data_key(struct dasv_keys *k, const unsigned char data[DASV_KEY_BYTES], int64_t gen)
{
	memcpy(k->data, data, DASV_KEY_BYTES);
	k->has_data = 1;
	k->generation = gen;
	dasv_keys_derive(k);
}

/*
 * Give an unlocking staff member the current data key, inside the unlock's
 * transaction: from beside their slot, from a key rotated to them since
 * (then sealed back under their slot key), or, for a slot older than key
 * rotation that holds the data key itself, upgrading the slot on the spot.
 * *what says which, for the audit entry.
 */
enum dasv_status
dasv_staff_data_key(struct dasv *d, int64_t id, const char *pass, struct dasv_keys *k,
	       const char **what)
{
	unsigned char *dw = NULL, *pending = NULL, data[DASV_KEY_BYTES];
	struct dasv_keyslot slot = { 0 };
	size_t dwlen = 0, plen = 0;
	int64_t gen = dasv_key_generation(d), have = 0;
	enum dasv_status ret;

	*what = "";
	if (k->has_data) {
		if (k->generation != gen) {
			ret = dasv_set_err(d, DASV_CORRUPT,
					   "your keyslot holds data key generation %lld but the "
					   "database is at %lld: ask an admin to disable and re-add "
					   "you", (long long)k->generation, (long long)gen);
			goto out;
		}
		dasv_keys_user_generate(k);
		ret = dasv_keyslot_wrap(pass, id, k, 1, gen, &slot, d->err, sizeof(d->err));
		if (ret == DASV_OK && (ret = dasv_keyslot_store(d, id, &slot)) == DASV_OK)
			ret = dasv_staff_keys_store(d, id, k, gen);
		*what = "slot=upgraded";
		goto out;
	}
	if ((ret = load_staff_blobs(d, id, &dw, &dwlen, &pending, &plen)) != DASV_OK)
		goto out;
	if (pending) {
		if (dasv_pending_open(k, id, pending, plen, data, &have) != DASV_OK || have != gen) {
			ret = dasv_set_err(d, DASV_CORRUPT,
					   "the rotated data key waiting for you does not open or is "
					   "not for generation %lld: ask an admin to rotate the key "
					   "again", (long long)gen);
			goto out;
		}
		take_data_key(k, data, gen);
		if ((ret = check_rotated_key(d, k)) == DASV_OK)
			ret = dasv_staff_keys_store(d, id, k, gen);
		*what = "rekeyed=1";
		goto out;
	}
	if (!dw) {
		ret = dasv_set_err(d, DASV_CORRUPT,
				   "your keyslot holds no data key: ask an admin to rotate the key "
				   "(dasv rekey)");
		goto out;
	}
	if (dasv_data_key_unwrap(k->slot, id, dw, dwlen, data, &have) != DASV_OK) {
		ret = dasv_set_err(d, DASV_CORRUPT, "keyslot's data key failed its integrity check");
		goto out;
	}
	if (have != gen) {
		ret = dasv_set_err(d, DASV_CORRUPT,
				   "your keyslot holds data key generation %lld but the database is "
				   "at %lld and no rotated key is waiting for you: ask an admin to "
				   "rotate the key again", (long long)have, (long long)gen);
		goto out;
	}
	take_data_key(k, data, gen);
	if (!public_key_intact(d, id, k)) {
		/* someone changed our public key: put ours back before a rotation uses it */
		ret = dasv_staff_keys_store(d, id, k, gen);
		*what = "pk=repaired";
	}
out:
	sodium_memzero(data, sizeof(data));
	dasv_keyslot_clear(&slot);
	free(dw);
	free(pending);
	return ret;
}
