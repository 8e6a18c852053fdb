/*
 * keyops_int.h - what the key lifecycle's files share: key rotation
 * (keyops.c), erasure and the retention purge (keyops_erase.c).  Core-internal.
 */
#ifndef DASV_KEYOPS_INT_H
#define DASV_KEYOPS_INT_H

#include "internal.h"

/* Admins only, and with the data key: these operations decrypt everything. */
static inline enum dasv_status
require_admin(struct dasv *d, const char *what)
{
	enum dasv_status st = dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), what);

	return st == DASV_OK ? dasv_require_data_key(d) : st;
}

/* Empty the WAL into the file so superseded pages (old ciphertext) are gone. */
static inline int
checkpoint(struct dasv *d)
{
	int log = 0, done = 0;

	return sqlite3_wal_checkpoint_v2(d->db, "main", SQLITE_CHECKPOINT_TRUNCATE, &log, &done) ==
	       SQLITE_OK;
}

static inline enum dasv_status
step_done(struct dasv *d, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, what);
}

/* Ids from a query with one integer parameter (or none); *ids malloc'd. */
enum dasv_status dasv_keyops_collect_ids(struct dasv *d, const char *sql, int64_t arg,
					 int64_t **ids, size_t *n);

#endif
