/*
 * internal.h - what core modules share and nothing outside core/ may include:
 * the handle's layout, the statement cache, transactions and the audit append.
 */
#ifndef DASV_INTERNAL_H
#define DASV_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>

#include "crypto.h"
#include "dasv.h"

#define DASV_STMT_CACHE 160

struct dasv_stmt_slot {
	const char *sql; /* a string literal: the cache is keyed by its address */
	sqlite3_stmt *stmt;
};

struct dasv {
	sqlite3 *db;
	char err[512];
	int in_tx;
	/* session */
	int64_t user_id;
	char user_name[DASV_NAME_MAX];
	enum dasv_role role;
	struct dasv_keys *keys; /* sodium_malloc'd; NULL while locked */
	struct dasv_stmt_slot stmts[DASV_STMT_CACHE];
};

/* Set the handle's message and return st. */
enum dasv_status dasv_set_err(struct dasv *d, enum dasv_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Map a SQLite failure to a status and message (never includes bound values). */
enum dasv_status dasv_db_err(struct dasv *d, int rc, const char *what);

/* A reset, cleared prepared statement for a literal SQL string; NULL on error. */
sqlite3_stmt *dasv_stmt(struct dasv *d, const char *sql);
/* Run SQL with no parameters and no rows (DDL, PRAGMA). */
enum dasv_status dasv_exec(struct dasv *d, const char *sql);

/*
 * DASV_LOCKED (and the session locked) when an admin rotated the data key
 * since this session unlocked: its blind indexes would find nothing and its
 * record keys open nothing.  Writes and every decrypting read check it.
 */
enum dasv_status dasv_keys_current(struct dasv *d);

/* BEGIN IMMEDIATE with the busy timeout; DASV_BUSY if others hold the lock. */
enum dasv_status dasv_tx_begin(struct dasv *d);
enum dasv_status dasv_tx_commit(struct dasv *d);
void dasv_tx_rollback(struct dasv *d);

/* A new database file with the schema applied (dasv_init, the demo). */
enum dasv_status dasv_db_create(const char *path, struct dasv **out);

/* Session checks. */
enum dasv_status dasv_require_unlocked(struct dasv *d);
enum dasv_status dasv_require_role(struct dasv *d, unsigned role_mask, const char *what);
enum dasv_status dasv_require_data_key(struct dasv *d);
#define DASV_ROLE_BIT(r) (1u << (r))
#define DASV_ROLES_SUPERVISE (DASV_ROLE_BIT(DASV_ROLE_SUPERVISOR) | DASV_ROLE_BIT(DASV_ROLE_ADMIN))
/* Everyone who works with people: every role but the auditor. */
#define DASV_ROLES_STAFF (DASV_ROLE_BIT(DASV_ROLE_CASEWORKER) | DASV_ROLES_SUPERVISE)

/*
 * Append one audit entry inside the caller's transaction.  detail holds ids,
 * counts and codes only, never a decrypted value.
 */
enum dasv_status dasv_audit_append(struct dasv *d, const char *action, const char *entity,
				   int64_t entity_id, const char *detail);

/* NULL, empty or only spaces and tabs. */
static inline int
dasv_blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

/* A text column into a fixed buffer ("" for NULL). */
static inline void
dasv_col_text(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

static inline int
dasv_col_int_or(sqlite3_stmt *st, int col, int dflt)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? dflt : sqlite3_column_int(st, col);
}

/* UTC now as YYYY-MM-DDTHH:MM:SSZ. */
void dasv_now(char buf[21]);

/* Bind a sealed value: seals pt under key for (table, column, rowid). */
enum dasv_status dasv_bind_sealed(struct dasv *d, sqlite3_stmt *st, int idx,
				  const unsigned char *key, const char *table,
				  const char *column, int64_t rowid, const char *pt);
/* Open a sealed column into a malloc'd string (NULL column -> NULL string). */
enum dasv_status dasv_column_open(struct dasv *d, sqlite3_stmt *st, int col,
				  const unsigned char *key, const char *table,
				  const char *column, int64_t rowid, char **out);

#endif
