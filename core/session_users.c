/*
 * session_users.c - the people who may use the database: creating it with
 * its first admin (dasv_init), adding and disabling users, changing one's own
 * passphrase, listing users, and admin settings.  Each change is one
 * transaction with its audit entry; passphrases are only handed to the
 * keyslot code, never stored or logged.
 */
#include "session_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- init ----------------------------------------------------------- */

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
	if ((st = dasv_keyslot_store(d, id, &slot)) != DASV_OK ||
	    (st = dasv_staff_keys_store(d, id, d->keys, 1)) != DASV_OK ||
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
	gen = dasv_key_generation(d);
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
	if (st != DASV_OK || (st = dasv_keyslot_store(d, id, &slot)) != DASV_OK ||
	    (nk->has_data && (st = dasv_staff_keys_store(d, id, nk, gen)) != DASV_OK))
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
			       dasv_key_generation(d), &slot, d->err, sizeof(d->err));
	if (st == DASV_OK)
		st = dasv_keyslot_store(d, d->user_id, &slot);
	if (st == DASV_OK && d->keys->has_data)
		st = dasv_staff_keys_store(d, d->user_id, d->keys, d->keys->generation);
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
