/*
 * db.c - the database handle: open, pragmas, migrations, the prepared
 * statement cache and write transactions.  Every write goes through
 * dasv_tx_begin (BEGIN IMMEDIATE) so concurrent SSH users queue on the busy
 * timeout instead of failing half-way.
 */
#include "internal.h"
#include "migrations.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 10000

enum dasv_status
dasv_set_err(struct dasv *d, enum dasv_status st, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return st;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	return st;
}

const char *
dasv_errmsg(const struct dasv *d)
{
	return d ? d->err : "out of memory";
}

enum dasv_status
dasv_db_err(struct dasv *d, int rc, const char *what)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return dasv_set_err(d, DASV_BUSY,
				    "%s: the database is busy (another user is writing); try again",
				    what);
	if (prim == SQLITE_NOMEM)
		return dasv_set_err(d, DASV_NOMEM, "%s: out of memory", what);
	if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
		return dasv_set_err(d, DASV_CORRUPT, "%s: the database file is damaged", what);
	if (prim == SQLITE_FULL || prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN ||
	    prim == SQLITE_READONLY)
		return dasv_set_err(d, DASV_IO, "%s: %s", what, sqlite3_errstr(rc));
	if (prim == SQLITE_CONSTRAINT)
		return dasv_set_err(d, DASV_INVALID, "%s: %s", what, sqlite3_errmsg(d->db));
	/* sqlite3_errmsg never holds bound values, only SQL-level reasons */
	return dasv_set_err(d, DASV_INTERNAL, "%s: %s", what, sqlite3_errmsg(d->db));
}

sqlite3_stmt *
dasv_stmt(struct dasv *d, const char *sql)
{
	size_t i;
	int rc;

	for (i = 0; i < DASV_STMT_CACHE && d->stmts[i].sql; i++) {
		if (d->stmts[i].sql == sql) {
			sqlite3_reset(d->stmts[i].stmt);
			sqlite3_clear_bindings(d->stmts[i].stmt);
			return d->stmts[i].stmt;
		}
	}
	if (i == DASV_STMT_CACHE) {
		dasv_set_err(d, DASV_INTERNAL, "statement cache full");
		return NULL;
	}
	rc = sqlite3_prepare_v3(d->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &d->stmts[i].stmt, NULL);
	if (rc != SQLITE_OK) {
		dasv_db_err(d, rc, "prepare");
		return NULL;
	}
	d->stmts[i].sql = sql;
	return d->stmts[i].stmt;
}

enum dasv_status
dasv_exec(struct dasv *d, const char *sql)
{
	int rc = sqlite3_exec(d->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? DASV_OK : dasv_db_err(d, rc, "database");
}

enum dasv_status
dasv_tx_begin(struct dasv *d)
{
	enum dasv_status st;
	int rc;

	if (d->in_tx)
		return dasv_set_err(d, DASV_INTERNAL, "nested transaction");
	rc = sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return dasv_db_err(d, rc, "begin");
	d->in_tx = 1;
	if ((st = dasv_keys_current(d)) != DASV_OK) {
		dasv_tx_rollback(d);
		return st;
	}
	return DASV_OK;
}

enum dasv_status
dasv_keys_current(struct dasv *d)
{
	long gen = 0;
	enum dasv_status st;

	if (!d->keys || !d->keys->has_data)
		return DASV_OK;
	/* an admin may have rotated the data key since this session unlocked */
	if ((st = dasv_setting_int(d, "key_generation", 1, &gen)) != DASV_OK)
		return st;
	if (gen == d->keys->generation)
		return DASV_OK;
	dasv_lock(d);
	return dasv_set_err(d, DASV_LOCKED,
			    "an admin rotated the data key since you unlocked: unlock again to "
			    "receive the new key");
}

enum dasv_status
dasv_tx_commit(struct dasv *d)
{
	int rc = sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		enum dasv_status st = dasv_db_err(d, rc, "commit");
		dasv_tx_rollback(d);
		return st;
	}
	d->in_tx = 0;
	return DASV_OK;
}

void
dasv_tx_rollback(struct dasv *d)
{
	if (!d->in_tx)
		return;
	sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	d->in_tx = 0;
}

void
dasv_now(char buf[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- pragmas and migrations ----------------------------------------- */

static int
pragma_int(struct dasv *d, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);

	/* primary codes: callers tell NOTADB (a stranger's file) from BUSY */
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc & 0xff;
}

int
dasv_schema_latest(void)
{
	int v = 0;

	for (const struct dasv_migration *m = dasv_migrations; m->sql; m++)
		v = m->version;
	return v;
}

int
dasv_schema_version(struct dasv *d)
{
	int v = 0;

	return pragma_int(d, "PRAGMA user_version", &v) == SQLITE_OK ? v : -1;
}

enum dasv_status
dasv_migrate(struct dasv *d, int *applied)
{
	int have = dasv_schema_version(d), n = 0;
	char pragma[64];
	enum dasv_status st = DASV_OK;

	if (applied)
		*applied = 0;
	if (have < 0)
		return dasv_db_err(d, sqlite3_errcode(d->db), "read schema version");
	if (have > dasv_schema_latest())
		return dasv_set_err(d, DASV_VERSION,
				    "database schema is version %d but this dasv knows only up to %d: "
				    "use a newer dasv",
				    have, dasv_schema_latest());
	for (const struct dasv_migration *m = dasv_migrations; m->sql; m++) {
		if (m->version <= have)
			continue;
		if ((st = dasv_tx_begin(d)) != DASV_OK)
			return st;
		/* re-read inside the lock: another process may have migrated meanwhile */
		if (dasv_schema_version(d) >= m->version) {
			dasv_tx_rollback(d);
			continue;
		}
		int rc = sqlite3_exec(d->db, m->sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			dasv_set_err(d, DASV_INTERNAL, "migration %s failed: %s", m->name,
				     sqlite3_errmsg(d->db));
			dasv_tx_rollback(d);
			return DASV_INTERNAL;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
		if ((st = dasv_exec(d, pragma)) != DASV_OK ||
		    (m->version == 1 &&
		     (st = dasv_exec(d, "PRAGMA application_id = 1145131862")) != DASV_OK)) {
			dasv_tx_rollback(d);
			return st;
		}
		if ((st = dasv_tx_commit(d)) != DASV_OK)
			return st;
		n++;
	}
	if (applied)
		*applied = n;
	return DASV_OK;
}

static enum dasv_status
configure(struct dasv *d)
{
	enum dasv_status st;
	char *mode = NULL;
	sqlite3_stmt *s = NULL;

	sqlite3_busy_timeout(d->db, BUSY_TIMEOUT_MS);
	if (sqlite3_prepare_v2(d->db, "PRAGMA journal_mode = WAL", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		mode = (char *)sqlite3_column_text(s, 0);
	if (!mode || strcmp(mode, "wal") != 0) {
		sqlite3_finalize(s);
		return dasv_set_err(d, DASV_IO, "cannot switch the database to WAL mode");
	}
	sqlite3_finalize(s);
	if ((st = dasv_exec(d, "PRAGMA foreign_keys = ON")) != DASV_OK ||
	    (st = dasv_exec(d, "PRAGMA secure_delete = ON")) != DASV_OK ||
	    (st = dasv_exec(d, "PRAGMA synchronous = NORMAL")) != DASV_OK ||
	    (st = dasv_exec(d, "PRAGMA temp_store = MEMORY")) != DASV_OK)
		return st;
	return DASV_OK;
}

static enum dasv_status
open_handle(const char *path, int create, struct dasv **out)
{
	struct dasv *d = calloc(1, sizeof(*d));
	int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	*out = d;
	if (!d)
		return DASV_NOMEM;
	d->role = DASV_ROLE_NONE;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &d->db, flags, NULL);
	if (rc != SQLITE_OK)
		return dasv_set_err(d, create ? DASV_CREATE : DASV_IO, "cannot open %s: %s", path,
				    sqlite3_errstr(rc));
	sqlite3_extended_result_codes(d->db, 1);
	/* before the first read: another user may be checkpointing or writing */
	sqlite3_busy_timeout(d->db, BUSY_TIMEOUT_MS);
	return DASV_OK;
}

/*
 * Refuse a database others may read or write, or one in a directory others
 * may write (they could plant the -wal or -shm file beside it).  A shared
 * deployment is group-only: 0660 files in a 2770 directory.
 */
static enum dasv_status
check_private(const char *path, struct dasv *d)
{
	char dir[4096], *slash;
	struct stat sb;
	const char *why = NULL, *what = path;

	if (stat(path, &sb) != 0)
		return DASV_OK; /* sqlite3_open reports it */
	if (sb.st_mode & 0007) {
		why = "is readable or writable by others";
	} else {
		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &sb) == 0 && (sb.st_mode & 0002)) {
			why = "is in a directory writable by others";
			what = dir;
		}
	}
	if (!why)
		return DASV_OK;
	return dasv_set_err(d, DASV_DENIED,
			    "%s %s (mode %04o): refusing to open it; run 'chmod o-rwx %s' "
			    "(a shared database is 0660 in a 2770 directory)",
			    path, why, (unsigned)(sb.st_mode & 07777), what);
}

enum dasv_status
dasv_open(const char *path, int flags, struct dasv **out)
{
	enum dasv_status st;
	int appid = 0, have, rc;
	struct dasv *d;

	*out = NULL;
	if (access(path, F_OK) != 0) {
		/* a handle with no database, so the caller can read the message */
		if (!(*out = calloc(1, sizeof(**out))))
			return DASV_NOMEM;
		(*out)->role = DASV_ROLE_NONE;
		return dasv_set_err(*out, DASV_NODB,
				    "no database at %s (create one with 'dasv init' or 'dasv demo')",
				    path);
	}
	if ((st = open_handle(path, 0, out)) != DASV_OK)
		return st;
	d = *out;
	/*
	 * Check it is ours before configuring: switching a stranger's file to
	 * WAL would rewrite its header.  Reading these pragmas writes nothing.
	 */
	rc = pragma_int(d, "PRAGMA application_id", &appid);
	if (rc != SQLITE_OK && rc != SQLITE_NOTADB)
		return dasv_db_err(d, rc, "open");
	if (rc != SQLITE_OK || appid != DASV_APPLICATION_ID)
		return dasv_set_err(d, DASV_VERSION, "%s is not a dasv database", path);
	have = dasv_schema_version(d);
	if (have > dasv_schema_latest())
		return dasv_set_err(d, DASV_VERSION,
				    "database schema is version %d but this dasv knows only up to %d: "
				    "use a newer dasv",
				    have, dasv_schema_latest());
	if (have < dasv_schema_latest() && !(flags & DASV_OPEN_MIGRATE))
		return dasv_set_err(d, DASV_VERSION,
				    "database schema is version %d and needs upgrading to %d: "
				    "run 'dasv migrate' (admin)",
				    have, dasv_schema_latest());
	if ((st = check_private(path, d)) != DASV_OK)
		return st;
	return configure(d);
}

/* Create the file ourselves so it is new (O_EXCL) and private from the start. */
static enum dasv_status
create_file(const char *path, char *err, size_t errsz)
{
	char dir[4096];
	char *slash;
	int fd;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return dasv_fail(err, errsz, DASV_CREATE, "database path is too long");
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		/* make missing parents, private to the user */
		for (char *p = dir + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST)
				return dasv_fail(err, errsz, DASV_CREATE, "cannot create %s: %s", dir,
						 strerror(errno));
			*p = '/';
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return dasv_fail(err, errsz, DASV_CREATE, "cannot create %s: %s", dir,
					 strerror(errno));
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return dasv_fail(err, errsz, DASV_EXISTS,
					 "%s already exists: refusing to overwrite it", path);
		return dasv_fail(err, errsz, DASV_CREATE, "cannot create %s: %s", path,
				 strerror(errno));
	}
	close(fd);
	return DASV_OK;
}

enum dasv_status
dasv_db_create(const char *path, struct dasv **out)
{
	char err[512];
	enum dasv_status st;

	*out = NULL;
	st = create_file(path, err, sizeof(err));
	if (st != DASV_OK) {
		if ((*out = calloc(1, sizeof(**out)))) {
			(*out)->role = DASV_ROLE_NONE;
			dasv_set_err(*out, st, "%s", err);
		}
		return st;
	}
	if ((st = open_handle(path, 1, out)) != DASV_OK || (st = configure(*out)) != DASV_OK)
		goto fail;
	if ((st = dasv_migrate(*out, NULL)) != DASV_OK)
		goto fail;
	return DASV_OK;
fail:
	/* nothing half-made is left behind */
	unlink(path);
	return st;
}

void
dasv_close(struct dasv **dp)
{
	struct dasv *d;

	if (!dp || !*dp)
		return;
	d = *dp;
	dasv_lock(d);
	for (size_t i = 0; i < DASV_STMT_CACHE && d->stmts[i].sql; i++)
		sqlite3_finalize(d->stmts[i].stmt);
	if (d->db)
		sqlite3_close_v2(d->db);
	free(d);
	*dp = NULL;
}

/* ---- settings ------------------------------------------------------- */

enum dasv_status
dasv_setting_int(struct dasv *d, const char *key, long dflt, long *out)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int rc;

	*out = dflt;
	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		char *end = NULL;
		long n = v ? strtol(v, &end, 10) : 0;
		if (v && end != v && *end == '\0')
			*out = n;
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return dasv_db_err(d, rc, "read setting");
	}
	sqlite3_reset(st);
	return DASV_OK;
}

int
dasv_is_demo(struct dasv *d)
{
	long v = 0;

	return dasv_setting_int(d, "demo", 0, &v) == DASV_OK && v == 1;
}
