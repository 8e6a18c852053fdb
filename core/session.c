/*
 * session.c - who is using the database: process hardening, unlock and lock,
 * the throttle on failed unlocks, role checks.  Access decisions live here and
 * in the modules that call dasv_require_*, never in screen code.  Keyslots
 * are session_keys.c; init and user management session_users.c.
 */
#include "session_int.h"
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
	return dasv_keys_current(d);
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

/* ---- unlock ------------------------------------------------------- */

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
	if ((ret = dasv_keyslot_load(d, id, &slot)) != DASV_OK)
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
	if (role != DASV_ROLE_AUDITOR &&
	    (ret = dasv_staff_data_key(d, id, pass, k, &what)) != DASV_OK)
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
