/*
 * backup.c - backups and restores through SQLite's online backup API.
 *
 * A backup copies a few pages at a time from one read snapshot, so the WAL
 * lets everyone else keep writing meanwhile.  A restore checks the backup
 * completely (integrity, schema, the restoring admin's keyslot, the audit
 * chain) through a read-only, immutable handle before it touches anything,
 * then copies it into the live database as one write transaction: never a
 * file copy under a running WAL.  Both are admin only and audited.
 */
#include "keyops.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STEP_PAGES 32
#define BUSY_SLEEP_MS 10
#define BUSY_TRIES 1000 /* 10 s, like the busy timeout of a handle */

static enum dasv_status
require_admin(struct dasv *d, const char *what)
{
	return dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), what);
}

/* The directory part of a path, for permission checks. */
static void
dir_of(const char *path, char *dir, size_t dirsz)
{
	char *slash;

	snprintf(dir, dirsz, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, dirsz, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
}

/* Run a backup to completion, waiting out busy moments; returns a SQLite code. */
static int
run_backup(sqlite3_backup *b, int pages, dasv_progress_fn progress, void *ctx)
{
	int rc, busy = 0;

	for (;;) {
		rc = sqlite3_backup_step(b, pages);
		if (progress && (rc == SQLITE_OK || rc == SQLITE_DONE))
			progress(ctx, sqlite3_backup_remaining(b), sqlite3_backup_pagecount(b));
		if (rc == SQLITE_DONE)
			return SQLITE_OK;
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
			if (++busy > BUSY_TRIES)
				return rc;
			sqlite3_sleep(BUSY_SLEEP_MS);
			continue;
		}
		if (rc != SQLITE_OK)
			return rc;
	}
}

enum dasv_status
dasv_backup(struct dasv *d, const char *path, dasv_progress_fn progress, void *ctx)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	enum dasv_status ret;
	struct stat sb;
	char dir[4096];
	int fd, rc, reading = 0;

	if ((ret = require_admin(d, "back up")) != DASV_OK)
		return ret;
	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &sb) == 0 && (sb.st_mode & 0002))
		return dasv_set_err(d, DASV_DENIED,
				    "%s is writable by others: keep backups in a private directory",
				    dir);
	/* new and private from the first byte; never over an existing file or a link */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return dasv_set_err(d, errno == EEXIST ? DASV_EXISTS : DASV_CREATE,
				    errno == EEXIST ? "%s already exists: refusing to overwrite it"
						    : "cannot create %s: %s",
				    path, strerror(errno));
	close(fd);
	/* audited first, so the backup holds its own entry */
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		goto fail;
	if ((ret = dasv_audit_append(d, "backup", "database", 0, "")) != DASV_OK) {
		dasv_tx_rollback(d);
		goto fail;
	}
	if ((ret = dasv_tx_commit(d)) != DASV_OK)
		goto fail;
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		ret = dasv_set_err(d, DASV_CREATE, "cannot open %s: %s", path, sqlite3_errstr(rc));
		goto fail;
	}
	/* one snapshot for the whole copy: writers carry on in the WAL meanwhile */
	if (sqlite3_exec(d->db, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		ret = dasv_db_err(d, sqlite3_errcode(d->db), "backup");
		goto fail;
	}
	reading = 1;
	if (!(b = sqlite3_backup_init(dst, "main", d->db, "main"))) {
		ret = dasv_set_err(d, DASV_IO, "backup: %s", sqlite3_errmsg(dst));
		goto fail;
	}
	rc = run_backup(b, STEP_PAGES, progress, ctx);
	if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_OK)
		rc = sqlite3_errcode(dst);
	sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
	reading = 0;
	if (rc != SQLITE_OK) {
		ret = dasv_set_err(d, (rc & 0xff) == SQLITE_BUSY ? DASV_BUSY : DASV_IO,
				   "backup: %s", sqlite3_errstr(rc));
		goto fail;
	}
	/* a backup is one self-contained file, not a WAL database */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		ret = dasv_set_err(d, DASV_IO, "backup: %s", sqlite3_errmsg(dst));
		goto fail;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		ret = dasv_set_err(d, DASV_IO, "backup: cannot close %s", path);
		dst = NULL;
		goto fail;
	}
	return DASV_OK;
fail:
	if (reading)
		sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
	if (dst)
		sqlite3_close_v2(dst);
	unlink(path);
	return ret;
}

/* ---- restore ------------------------------------------------------------- */

/* file:PATH?mode=ro&immutable=1 with PATH percent-encoded. */
static int
readonly_uri(const char *path, char *uri, size_t urisz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	n = (size_t)snprintf(uri, urisz, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("/-._~", *p);

		if (n + 4 >= urisz)
			return -1;
		if (plain) {
			uri[n++] = (char)*p;
		} else {
			uri[n++] = '%';
			uri[n++] = hex[*p >> 4];
			uri[n++] = hex[*p & 15];
		}
	}
	if ((size_t)snprintf(uri + n, urisz - n, "?mode=ro&immutable=1") >= urisz - n)
		return -1;
	return 0;
}

static int
pragma_value(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Everything about the backup b that must hold before it may replace the
 * live database.  Messages go on d, the live handle.  b->keys is left set.
 */
static enum dasv_status
check_backup(struct dasv *d, struct dasv *b, const char *path, const char *user, const char *pass,
	     struct dasv_restore_result *res)
{
	static const char who[] = "SELECT id, role, active FROM users WHERE name = ?";
	static const char slot_sql[] =
		"SELECT alg, opslimit, memlimit, salt, wrapped, generation FROM keyslots "
		"WHERE user_id = ?";
	struct dasv_keyslot slot = { 0 };
	struct dasv_audit_result ar;
	sqlite3_stmt *st = NULL;
	enum dasv_status ret;
	int rc, appid = 0, ok = 0, admin = 0;
	int64_t id = 0;

	/* integrity first: nothing else is worth reading from a damaged file */
	rc = sqlite3_prepare_v2(b->db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		ok = v && strcmp((const char *)v, "ok") == 0;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!ok)
		return dasv_set_err(d, DASV_CORRUPT,
				    "%s failed its integrity check (damaged, or not a database): "
				    "nothing was restored", path);
	if (pragma_value(b->db, "PRAGMA application_id", &appid) != SQLITE_OK ||
	    appid != DASV_APPLICATION_ID)
		return dasv_set_err(d, DASV_VERSION, "%s is not a dasv database: nothing was restored",
				    path);
	if (pragma_value(b->db, "PRAGMA user_version", &res->schema) != SQLITE_OK ||
	    res->schema < 1 || res->schema > dasv_schema_latest())
		return dasv_set_err(d, DASV_VERSION,
				    "%s has schema version %d but this dasv knows 1 to %d: nothing "
				    "was restored", path, res->schema, dasv_schema_latest());
	if (sqlite3_prepare_v2(b->db, who, -1, &st, NULL) != SQLITE_OK)
		return dasv_set_err(d, DASV_CORRUPT, "%s: cannot read its users", path);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		admin = sqlite3_column_int(st, 2) == 1 &&
			dasv_role_parse((const char *)sqlite3_column_text(st, 1)) == DASV_ROLE_ADMIN;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!admin)
		return dasv_set_err(d, DASV_DENIED,
				    "%s: '%s' is not an active admin in that backup, so could not "
				    "work in it once restored: nothing was restored", path, user);
	/* unlock in the backup itself: its audit key is what its chain is MACed with */
	if (sqlite3_prepare_v2(b->db, slot_sql, -1, &st, NULL) != SQLITE_OK)
		return dasv_set_err(d, DASV_CORRUPT, "%s: cannot read its keyslots", path);
	sqlite3_bind_int64(st, 1, id);
	ret = DASV_AUTH;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 3) == DASV_SALT_BYTES &&
	    sqlite3_column_bytes(st, 4) > 0 &&
	    (slot.wrapped = malloc((size_t)sqlite3_column_bytes(st, 4)))) {
		slot.alg = sqlite3_column_int(st, 0);
		slot.opslimit = (unsigned long long)sqlite3_column_int64(st, 1);
		slot.memlimit = (size_t)sqlite3_column_int64(st, 2);
		memcpy(slot.salt, sqlite3_column_blob(st, 3), DASV_SALT_BYTES);
		slot.wrapped_len = (size_t)sqlite3_column_bytes(st, 4);
		memcpy(slot.wrapped, sqlite3_column_blob(st, 4), slot.wrapped_len);
		slot.generation = sqlite3_column_int64(st, 5);
		if (!(b->keys = dasv_keys_new()))
			ret = DASV_NOMEM;
		else
			ret = dasv_keyslot_unwrap(pass, id, &slot, b->keys, b->err, sizeof(b->err));
	}
	sqlite3_finalize(st);
	dasv_keyslot_clear(&slot);
	if (ret != DASV_OK) {
		dasv_keys_free(&b->keys);
		return dasv_set_err(d, ret == DASV_NOMEM ? DASV_NOMEM : DASV_AUTH,
				    "%s: your passphrase does not open your keyslot in that backup "
				    "(give the one you had then): nothing was restored", path);
	}
	b->user_id = id;
	b->role = DASV_ROLE_ADMIN;
	if ((ret = dasv_audit_verify(b, &ar)) != DASV_OK) {
		if (ret == DASV_CORRUPT)
			return dasv_set_err(d, DASV_CORRUPT,
					    "%s: its audit chain is broken at entry %lld (%s): "
					    "nothing was restored", path, (long long)ar.first_bad_id,
					    ar.reason);
		return dasv_set_err(d, ret, "%s: cannot verify its audit chain (%s): nothing was "
					    "restored", path, b->err);
	}
	if (ar.entries == 0)
		return dasv_set_err(d, DASV_CORRUPT, "%s: its audit log is empty: nothing was restored",
				    path);
	res->entries = ar.entries;
	return DASV_OK;
}

enum dasv_status
dasv_restore(struct dasv *d, const char *path, const char *pass, struct dasv_restore_result *res)
{
	struct dasv_restore_result local;
	struct dasv *b = NULL;
	sqlite3_backup *bk;
	enum dasv_status ret;
	char user[DASV_NAME_MAX], uri[8300], detail[96];
	int rc;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if ((ret = require_admin(d, "restore")) != DASV_OK)
		return ret;
	if (access(path, R_OK) != 0)
		return dasv_set_err(d, DASV_NODB, "cannot read %s: %s", path, strerror(errno));
	snprintf(user, sizeof(user), "%s", d->user_name);
	if (readonly_uri(path, uri, sizeof(uri)) != 0)
		return dasv_set_err(d, DASV_INVALID, "backup path is too long");
	if (!(b = calloc(1, sizeof(*b))))
		return dasv_set_err(d, DASV_NOMEM, "out of memory");
	b->role = DASV_ROLE_NONE;
	rc = sqlite3_open_v2(uri, &b->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		ret = dasv_set_err(d, DASV_IO, "cannot open %s: %s", path, sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_extended_result_codes(b->db, 1);
	if ((ret = check_backup(d, b, path, user, pass, res)) != DASV_OK)
		goto out;
	/* checked: now, and only now, replace the live database in one transaction */
	if (!(bk = sqlite3_backup_init(d->db, "main", b->db, "main"))) {
		ret = dasv_set_err(d, DASV_IO, "restore: %s: nothing was restored",
				   sqlite3_errmsg(d->db));
		goto out;
	}
	rc = run_backup(bk, -1, NULL, NULL);
	if (sqlite3_backup_finish(bk) != SQLITE_OK && rc == SQLITE_OK)
		rc = sqlite3_errcode(d->db);
	if (rc != SQLITE_OK) {
		ret = dasv_set_err(d, (rc & 0xff) == SQLITE_BUSY ? DASV_BUSY : DASV_IO,
				   "restore: %s: nothing was restored", sqlite3_errstr(rc));
		goto out;
	}
	dasv_close(&b);
	/* the session's keys belong to the database that is gone */
	dasv_lock(d);
	if (res->schema < dasv_schema_latest() && (ret = dasv_migrate(d, &res->migrated)) != DASV_OK)
		goto out;
	if ((ret = dasv_unlock(d, user, pass)) != DASV_OK)
		goto out;
	snprintf(detail, sizeof(detail), "entries=%lld schema=%d migrated=%d",
		 (long long)res->entries, res->schema, res->migrated);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		goto out;
	if ((ret = dasv_audit_append(d, "restore", "database", 0, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		goto out;
	}
	ret = dasv_tx_commit(d);
out:
	dasv_close(&b);
	return ret;
}
