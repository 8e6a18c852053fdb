/*
 * session.c - who is using the database: process hardening, init, unlock and
 * lock, users and their keyslots, role checks.  Access decisions live here and
 * in the modules that call dasv_require_*, never in screen code.
 */
#include "internal.h"
#include "keyops.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *const role_names[] = { "caseworker", "supervisor", "auditor", "admin" };

const char *
dasv_role_name(enum dasv_role role)
{
	if (role < 0 || (size_t)role >= sizeof(role_names) / sizeof(role_names[0]))
		return "none";
	return role_names[role];
}

enum dasv_role
dasv_role_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcasecmp(s, role_names[i]) == 0)
			return (enum dasv_role)i;
	return DASV_ROLE_NONE;
}

enum dasv_status
dasv_process_init(char *err, size_t errsz)
{
	struct rlimit none = { 0, 0 };

	if (sodium_init() < 0)
		return dasv_fail(err, errsz, DASV_INTERNAL, "cannot initialise libsodium");
	/* plaintext and keys in memory must not end up in a core file */
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		return dasv_fail(err, errsz, DASV_INTERNAL, "cannot disable core dumps");
	/* and other processes of the same user must not read it with ptrace */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return dasv_fail(err, errsz, DASV_INTERNAL, "cannot disable ptrace attach");
	return DASV_OK;
}

void
dasv_wipe(void *p, size_t n)
{
	if (p)
		sodium_memzero(p, n);
}

void
dasv_str_free(char **s)
{
	if (!s || !*s)
		return;
	sodium_memzero(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

/* ---- checks --------------------------------------------------------- */

enum dasv_status
dasv_require_unlocked(struct dasv *d)
{
	if (!d->keys)
		return dasv_set_err(d, DASV_LOCKED, "the session is locked: unlock first");
	return DASV_OK;
}

enum dasv_status
dasv_require_role(struct dasv *d, unsigned role_mask, const char *what)
{
	enum dasv_status st = dasv_require_unlocked(d);

	if (st != DASV_OK)
		return st;
	if (!(role_mask & DASV_ROLE_BIT(d->role)))
		return dasv_set_err(d, DASV_DENIED, "%s: not permitted for the %s role", what,
				    dasv_role_name(d->role));
	return DASV_OK;
}

enum dasv_status
dasv_require_data_key(struct dasv *d)
{
	enum dasv_status st = dasv_require_unlocked(d);

	if (st != DASV_OK)
		return st;
	if (!d->keys->has_data)
		return dasv_set_err(d, DASV_DENIED,
				    "the %s role holds no data key and cannot read personal data",
				    dasv_role_name(d->role));
	return DASV_OK;
}

int
dasv_is_unlocked(const struct dasv *d)
{
	return d && d->keys;
}

enum dasv_role
dasv_session_role(const struct dasv *d)
{
	return d && d->keys ? d->role : DASV_ROLE_NONE;
}

const char *
dasv_session_user(const struct dasv *d)
{
	return d && d->keys ? d->user_name : "";
}

int64_t
dasv_session_user_id(const struct dasv *d)
{
	return d && d->keys ? d->user_id : 0;
}

int
dasv_session_holds_data_key(const struct dasv *d)
{
	return d && d->keys && d->keys->has_data;
}

void
dasv_lock(struct dasv *d)
{
	if (!d)
		return;
	dasv_keys_free(&d->keys);
	d->user_id = 0;
	d->role = DASV_ROLE_NONE;
	sodium_memzero(d->user_name, sizeof(d->user_name));
}

/* ---- keyslots ------------------------------------------------------- */

static enum dasv_status
load_keyslot(struct dasv *d, int64_t user_id, struct dasv_keyslot *slot)
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

static enum dasv_status
store_keyslot(struct dasv *d, int64_t user_id, const struct dasv_keyslot *slot)
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

static enum dasv_status
check_passphrase(struct dasv *d, const char *pass)
{
	if (!pass || strlen(pass) < DASV_MIN_PASSPHRASE)
		return dasv_set_err(d, DASV_INVALID,
				    "passphrase: must be at least %d characters", DASV_MIN_PASSPHRASE);
	if (strlen(pass) > 1024)
		return dasv_set_err(d, DASV_INVALID, "passphrase: longer than 1024 characters");
	return DASV_OK;
}

static enum dasv_status
check_user_name(struct dasv *d, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= DASV_NAME_MAX)
		return dasv_set_err(d, DASV_INVALID, "user name: must be 1 to %d characters",
				    DASV_NAME_MAX - 1);
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return dasv_set_err(d, DASV_INVALID,
					    "user name: only letters, digits, '.', '_' and '-' "
					    "are allowed (like a login name)");
	return DASV_OK;
}

static enum dasv_status
insert_user(struct dasv *d, const char *name, enum dasv_role role, int64_t *id)
{
	static const char sql[] = "INSERT INTO users(name, role, created_at) VALUES (?,?,?)";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	char now[21];
	int rc;

	if (!st)
		return DASV_INTERNAL;
	dasv_now(now);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dasv_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return dasv_set_err(d, DASV_EXISTS, "user name: '%s' already exists", name);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "add user");
	*id = sqlite3_last_insert_rowid(d->db);
	return DASV_OK;
}

static int64_t
current_generation(struct dasv *d)
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
static enum dasv_status
store_staff_keys(struct dasv *d, int64_t id, const struct dasv_keys *k, int64_t gen)
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
static enum dasv_status
staff_data_key(struct dasv *d, int64_t id, const char *pass, struct dasv_keys *k,
	       const char **what)
{
	unsigned char *dw = NULL, *pending = NULL, data[DASV_KEY_BYTES];
	struct dasv_keyslot slot = { 0 };
	size_t dwlen = 0, plen = 0;
	int64_t gen = current_generation(d), have = 0;
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
		if (ret == DASV_OK && (ret = store_keyslot(d, id, &slot)) == DASV_OK)
			ret = store_staff_keys(d, id, k, gen);
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
			ret = store_staff_keys(d, id, k, gen);
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
		ret = store_staff_keys(d, id, k, gen);
		*what = "pk=repaired";
	}
out:
	sodium_memzero(data, sizeof(data));
	dasv_keyslot_clear(&slot);
	free(dw);
	free(pending);
	return ret;
}

/* ---- failed unlocks --------------------------------------------------- */

int
dasv_unlock_delay(int failures, long cap_seconds)
{
	long s;

	if (failures < 3 || cap_seconds <= 0)
		return 0;
	s = failures - 3 >= 5 ? 32 : 1L << (failures - 3);
	return (int)(s < cap_seconds ? s : cap_seconds);
}

/* After three failures in a row, wait before trying again (1 s, 2 s, 4 s ...). */
static void
throttle(struct dasv *d, int failures)
{
	long cap = 30;
	struct timespec ts = { 0, 0 };

	if (dasv_setting_int(d, "unlock_delay_max", 30, &cap) != DASV_OK)
		cap = 30;
	ts.tv_sec = dasv_unlock_delay(failures, cap);
	while (ts.tv_sec > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Tell syslog (for fail2ban and the like) and count the failure.  The count is
 * the one thing a wrong passphrase changes; the audit log stays as it was.
 */
static void
note_failure(struct dasv *d, const char *user, int64_t id)
{
	static const char sql[] = "UPDATE users SET failed_unlocks = failed_unlocks + 1 WHERE id = ?";
	char safe[DASV_NAME_MAX], msg[sizeof(d->err)];
	size_t i;
	sqlite3_stmt *st;

	/* a user name is whatever was typed: nothing that could forge a log line */
	for (i = 0; user[i] && i + 1 < sizeof(safe); i++)
		safe[i] = (user[i] >= 'a' && user[i] <= 'z') || (user[i] >= 'A' && user[i] <= 'Z') ||
				  (user[i] >= '0' && user[i] <= '9') || user[i] == '.' ||
				  user[i] == '_' || user[i] == '-'
			  ? user[i]
			  : '?';
	safe[i] = '\0';
	/* tui/main.c opens the log as "dasv": "dasv: failed unlock for user X from uid N" */
	syslog(LOG_AUTH | LOG_WARNING, "failed unlock for user %s from uid %lu", safe,
	       (unsigned long)getuid());
	if (!id)
		return;
	snprintf(msg, sizeof(msg), "%s", d->err);
	if (dasv_tx_begin(d) == DASV_OK) {
		if ((st = dasv_stmt(d, sql))) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		if (dasv_tx_commit(d) != DASV_OK)
			dasv_tx_rollback(d);
	}
	snprintf(d->err, sizeof(d->err), "%s", msg);
}

/* ---- init and unlock ------------------------------------------------ */

enum dasv_status
dasv_init(const char *path, const char *admin, const char *pass, struct dasv **out)
{
	struct dasv *d = NULL;
	struct dasv_keyslot slot = { 0 };
	enum dasv_status st;
	int64_t id = 0;

	st = dasv_db_create(path, out);
	d = *out;
	if (st != DASV_OK)
		return st;
	if ((st = check_user_name(d, admin)) != DASV_OK ||
	    (st = check_passphrase(d, pass)) != DASV_OK)
		goto fail;
	if (!(d->keys = dasv_keys_new())) {
		st = dasv_set_err(d, DASV_NOMEM, "out of memory for keys");
		goto fail;
	}
	dasv_keys_generate(d->keys, 1);
	dasv_keys_user_generate(d->keys);
	d->keys->generation = 1;
	if ((st = dasv_tx_begin(d)) != DASV_OK)
		goto fail;
	if ((st = insert_user(d, admin, DASV_ROLE_ADMIN, &id)) != DASV_OK)
		goto rollback;
	st = dasv_keyslot_wrap(pass, id, d->keys, 1, 1, &slot, d->err, sizeof(d->err));
	if (st != DASV_OK)
		goto rollback;
	if ((st = store_keyslot(d, id, &slot)) != DASV_OK ||
	    (st = store_staff_keys(d, id, d->keys, 1)) != DASV_OK ||
	    (st = dasv_exec(d, "INSERT OR REPLACE INTO settings VALUES ('key_generation','1')")) !=
		    DASV_OK)
		goto rollback;
	d->user_id = id;
	d->role = DASV_ROLE_ADMIN;
	snprintf(d->user_name, sizeof(d->user_name), "%s", admin);
	if ((st = dasv_audit_append(d, "init", "database", 0, "")) != DASV_OK ||
	    (st = dasv_audit_append(d, "user_add", "user", id, "role=admin")) != DASV_OK)
		goto rollback;
	if ((st = dasv_tx_commit(d)) != DASV_OK)
		goto fail;
	dasv_keyslot_clear(&slot);
	return DASV_OK;
rollback:
	dasv_tx_rollback(d);
fail:
	dasv_keyslot_clear(&slot);
	dasv_lock(d);
	if (d->db) {
		/* an init that failed leaves no database behind */
		sqlite3_close_v2(d->db);
		d->db = NULL;
		remove(path);
		char side[4200];
		snprintf(side, sizeof(side), "%s-wal", path);
		remove(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		remove(side);
	}
	return st;
}

enum dasv_status
dasv_unlock(struct dasv *d, const char *user, const char *pass)
{
	static const char sql[] =
		"SELECT id, role, name, failed_unlocks FROM users WHERE name = ? AND active = 1";
	static const char reset[] =
		"UPDATE users SET failed_unlocks = 0 WHERE id = ? AND failed_unlocks <> 0";
	sqlite3_stmt *st;
	struct dasv_keyslot slot = { 0 };
	struct dasv_keys *k = NULL;
	enum dasv_status ret;
	int64_t id = 0;
	enum dasv_role role = DASV_ROLE_NONE;
	char name[DASV_NAME_MAX] = "";
	const char *what = "";
	int rc, failures = 0;

	dasv_lock(d);
	if (!user || !pass)
		return dasv_set_err(d, DASV_AUTH, "wrong user name or passphrase");
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		role = dasv_role_parse((const char *)sqlite3_column_text(st, 1));
		snprintf(name, sizeof(name), "%s", (const char *)sqlite3_column_text(st, 2));
		failures = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "unlock");
	if (rc == SQLITE_DONE || role == DASV_ROLE_NONE) {
		/* same cost as a real attempt, so timing does not reveal user names */
		dasv_keyslot_dummy(pass);
		ret = dasv_set_err(d, DASV_AUTH, "wrong user name or passphrase");
		note_failure(d, user, 0);
		return ret;
	}
	throttle(d, failures);
	if ((ret = load_keyslot(d, id, &slot)) != DASV_OK)
		goto out;
	if (!(k = dasv_keys_new())) {
		ret = dasv_set_err(d, DASV_NOMEM, "out of memory for keys");
		goto out;
	}
	ret = dasv_keyslot_unwrap(pass, id, &slot, k, d->err, sizeof(d->err));
	if (ret == DASV_AUTH)
		note_failure(d, user, id);
	if (ret != DASV_OK)
		goto out;
	if (role == DASV_ROLE_AUDITOR && (k->has_data || k->has_user)) {
		ret = dasv_set_err(d, DASV_CORRUPT, "an auditor's keyslot must not hold the data key");
		goto out;
	}
	if (role != DASV_ROLE_AUDITOR && !k->has_data && !k->has_user) {
		ret = dasv_set_err(d, DASV_CORRUPT, "keyslot is missing the data key");
		goto out;
	}
	/* with no keys set yet, the transaction does not check their generation */
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		goto out;
	if (role != DASV_ROLE_AUDITOR && (ret = staff_data_key(d, id, pass, k, &what)) != DASV_OK)
		goto rollback;
	d->keys = k;
	k = NULL;
	d->user_id = id;
	d->role = role;
	snprintf(d->user_name, sizeof(d->user_name), "%s", name);
	if (!(st = dasv_stmt(d, reset))) {
		ret = DASV_INTERNAL;
		goto rollback;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "unlock");
		goto rollback;
	}
	if ((ret = dasv_audit_append(d, "unlock", "user", id, what)) != DASV_OK)
		goto rollback;
	ret = dasv_tx_commit(d);
	goto out;
rollback:
	dasv_tx_rollback(d);
out:
	dasv_keyslot_clear(&slot);
	dasv_keys_free(&k);
	if (ret != DASV_OK)
		dasv_lock(d);
	return ret;
}

/* ---- users ---------------------------------------------------------- */

enum dasv_status
dasv_user_add(struct dasv *d, const char *name, enum dasv_role role, const char *pass)
{
	struct dasv_keyslot slot = { 0 };
	struct dasv_keys *nk = NULL;
	enum dasv_status st;
	int64_t id = 0, gen;
	char detail[64];

	if ((st = dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), "add user")) != DASV_OK)
		return st;
	if ((st = check_user_name(d, name)) != DASV_OK || (st = check_passphrase(d, pass)) != DASV_OK)
		return st;
	if (role < DASV_ROLE_CASEWORKER || role > DASV_ROLE_ADMIN)
		return dasv_set_err(d, DASV_INVALID,
				    "role: must be caseworker, supervisor, auditor or admin");
	if ((st = dasv_tx_begin(d)) != DASV_OK)
		return st;
	gen = current_generation(d);
	if ((st = insert_user(d, name, role, &id)) != DASV_OK)
		goto fail;
	/* the new user's keys: the shared ones, and a slot key and key pair of their own */
	if (!(nk = dasv_keys_new())) {
		st = dasv_set_err(d, DASV_NOMEM, "out of memory for keys");
		goto fail;
	}
	memcpy(nk->audit, d->keys->audit, DASV_KEY_BYTES);
	nk->has_data = role != DASV_ROLE_AUDITOR;
	if (nk->has_data) {
		memcpy(nk->data, d->keys->data, DASV_KEY_BYTES);
		dasv_keys_user_generate(nk);
	}
	dasv_keys_derive(nk);
	st = dasv_keyslot_wrap(pass, id, nk, nk->has_data, gen, &slot, d->err, sizeof(d->err));
	if (st != DASV_OK || (st = store_keyslot(d, id, &slot)) != DASV_OK ||
	    (nk->has_data && (st = store_staff_keys(d, id, nk, gen)) != DASV_OK))
		goto fail;
	snprintf(detail, sizeof(detail), "role=%s", dasv_role_name(role));
	if ((st = dasv_audit_append(d, "user_add", "user", id, detail)) != DASV_OK)
		goto fail;
	st = dasv_tx_commit(d);
	dasv_keyslot_clear(&slot);
	dasv_keys_free(&nk);
	return st;
fail:
	dasv_tx_rollback(d);
	dasv_keyslot_clear(&slot);
	dasv_keys_free(&nk);
	return st;
}

enum dasv_status
dasv_user_disable(struct dasv *d, const char *name)
{
	static const char find[] = "SELECT id, role, active FROM users WHERE name = ?";
	static const char admins[] =
		"SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?";
	static const char upd[] = "UPDATE users SET active = 0, disabled_at = ? WHERE id = ?";
	static const char del[] = "DELETE FROM keyslots WHERE user_id = ?";
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t id;
	int active, rc, is_admin;
	char now[21];

	if ((ret = dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), "disable user")) != DASV_OK)
		return ret;
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, find))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		ret = rc == SQLITE_DONE ? dasv_set_err(d, DASV_NOTFOUND, "user: no user named '%s'", name)
					: dasv_db_err(d, rc, "disable user");
		goto fail;
	}
	id = sqlite3_column_int64(st, 0);
	is_admin = strcmp((const char *)sqlite3_column_text(st, 1), "admin") == 0;
	active = sqlite3_column_int(st, 2);
	sqlite3_reset(st);
	if (!active) {
		ret = dasv_set_err(d, DASV_INVALID, "user: '%s' is already disabled", name);
		goto fail;
	}
	if (is_admin) {
		if (!(st = dasv_stmt(d, admins))) {
			ret = DASV_INTERNAL;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		int others = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
		sqlite3_reset(st);
		if (others == 0) {
			ret = dasv_set_err(d, DASV_INVALID,
					   "user: '%s' is the last active admin and cannot be disabled",
					   name);
			goto fail;
		}
	}
	dasv_now(now);
	if (!(st = dasv_stmt(d, upd))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "disable user");
		goto fail;
	}
	if (!(st = dasv_stmt(d, del))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "remove keyslot");
		goto fail;
	}
	if ((ret = dasv_audit_append(d, "user_disable", "user", id, "")) != DASV_OK)
		goto fail;
	return dasv_tx_commit(d);
fail:
	dasv_tx_rollback(d);
	return ret;
}

enum dasv_status
dasv_user_passwd(struct dasv *d, const char *new_pass)
{
	struct dasv_keyslot slot = { 0 };
	enum dasv_status st;

	if ((st = dasv_require_unlocked(d)) != DASV_OK || (st = check_passphrase(d, new_pass)) != DASV_OK)
		return st;
	if ((st = dasv_tx_begin(d)) != DASV_OK)
		return st;
	st = dasv_keyslot_wrap(new_pass, d->user_id, d->keys, d->keys->has_data,
			       current_generation(d), &slot, d->err, sizeof(d->err));
	if (st == DASV_OK)
		st = store_keyslot(d, d->user_id, &slot);
	if (st == DASV_OK && d->keys->has_data)
		st = store_staff_keys(d, d->user_id, d->keys, d->keys->generation);
	if (st == DASV_OK)
		st = dasv_audit_append(d, "passwd", "user", d->user_id, "");
	if (st == DASV_OK)
		st = dasv_tx_commit(d);
	else
		dasv_tx_rollback(d);
	dasv_keyslot_clear(&slot);
	return st;
}

enum dasv_status
dasv_user_list(struct dasv *d, struct dasv_user **users, size_t *n)
{
	static const char sql[] = "SELECT id, name, role, active, created_at FROM users ORDER BY name";
	sqlite3_stmt *st;
	struct dasv_user *v = NULL, *nv;
	size_t len = 0, cap = 0;
	enum dasv_status ret = DASV_OK;
	int rc;

	*users = NULL;
	*n = 0;
	if ((ret = dasv_require_unlocked(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				ret = dasv_set_err(d, DASV_NOMEM, "out of memory");
				goto out;
			}
			v = nv;
		}
		memset(&v[len], 0, sizeof(v[len]));
		v[len].id = sqlite3_column_int64(st, 0);
		snprintf(v[len].name, sizeof(v[len].name), "%s", sqlite3_column_text(st, 1));
		v[len].role = dasv_role_parse((const char *)sqlite3_column_text(st, 2));
		v[len].active = sqlite3_column_int(st, 3);
		snprintf(v[len].created_at, sizeof(v[len].created_at), "%s",
			 sqlite3_column_text(st, 4));
		len++;
	}
	if (rc != SQLITE_DONE)
		ret = dasv_db_err(d, rc, "list users");
out:
	sqlite3_reset(st);
	if (ret != DASV_OK) {
		free(v);
		return ret;
	}
	*users = v;
	*n = len;
	return DASV_OK;
}

enum dasv_status
dasv_setting_set(struct dasv *d, const char *key, const char *value)
{
	static const char sql[] = "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)";
	sqlite3_stmt *st;
	enum dasv_status ret;
	char detail[160];
	int rc;

	if ((ret = dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), "change setting")) != DASV_OK)
		return ret;
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql))) {
		dasv_tx_rollback(d);
		return DASV_INTERNAL;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "change setting");
		dasv_tx_rollback(d);
		return ret;
	}
	/* settings are configuration, never personal data, so the value may be logged */
	snprintf(detail, sizeof(detail), "%.60s=%.60s", key, value);
	if ((ret = dasv_audit_append(d, "setting", "settings", 0, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		return ret;
	}
	return dasv_tx_commit(d);
}
