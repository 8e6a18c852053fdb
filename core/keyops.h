/*
 * keyops.h - the key lifecycle and the database as a whole: rotating the data
 * key, revoking a user, crypto-shredding a person and the retention purge,
 * backups and restores, the shared-host set-up, and unlock throttling.
 *
 * Public, like dasv.h: tui/ includes it.  Every operation here is admin only
 * and audited; none ever puts a decrypted value in a message or the log.
 */
#ifndef DASV_KEYOPS_H
#define DASV_KEYOPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dasv.h"

/* ---- key rotation ----------------------------------------------------- */

struct dasv_rekey_result {
	int64_t generation;   /* the new data key generation */
	int64_t people;       /* people and perpetrators given new record keys */
	int64_t perpetrators;
	int64_t values;       /* sealed values re-encrypted */
	int64_t users_pending; /* users who receive the new key at their next unlock */
	int checkpointed;     /* the WAL was emptied, so no old ciphertext is left in it */
};

/*
 * Admin: a new random data key, in one transaction: new record keys for every
 * person and perpetrator, every sealed value re-encrypted under them, every
 * blind index recomputed under the new blind key, the admin's own key stored
 * under their slot key and the new key sealed to every other active staff
 * member's public key (they take it up at their next unlock).  No copy of the
 * old key is left in the database.  Auditors are untouched.  Refuses, with the
 * names, while an active staff member has no public key yet (they have not
 * unlocked since the upgrade) or has one that fails its integrity check.
 * On success the session holds the new key; on failure nothing changed.
 */
enum dasv_status dasv_rekey(struct dasv *d, struct dasv_rekey_result *res);

/* Test hook: make the next rekeys fail after re-encrypting n people (0: never). */
void dasv_rekey_test_fail_after(long n);

/*
 * Admin: disable a user and remove their keyslot (dasv_user_disable), then,
 * when rekey is set, rotate the data key so that their passphrase, or a key
 * copied from memory earlier, opens nothing written from now on.  The disable
 * stands even if the rotation fails (the message says so).
 */
enum dasv_status dasv_user_revoke(struct dasv *d, const char *name, int rekey,
				  struct dasv_rekey_result *res);

/* ---- erasure and retention ---------------------------------------------- */

struct dasv_erase_result {
	int64_t person_id;
	int referrals;     /* kept, with their codes and dates, for statistics */
	int perpetrators;  /* erased with them: linked to no one else */
	int checkpointed;
};

/*
 * Admin: crypto-shred one person.  Their record key is destroyed and every
 * value sealed under it set to NULL (their details, and the notes, case
 * notes, assessment answers and override reasons of their referrals), with
 * secure_delete on and the WAL emptied; their blind indexes go, so no search
 * finds them.  The coded rows stay.  A perpetrator linked to no one else is
 * erased too.  reason is required; it is sealed like a break-glass reason.
 */
enum dasv_status dasv_person_erase(struct dasv *d, int64_t person_id, const char *reason,
				   struct dasv_erase_result *res);
/* The person of a referral (admin), for erasing by referral id. */
enum dasv_status dasv_referral_person(struct dasv *d, int64_t referral_id, int64_t *person_id);

struct dasv_purge_item {
	int64_t person_id;
	int referrals;
	char last_closed[11]; /* YYYY-MM-DD */
};

/*
 * Admin: the people whose referrals are all closed, the last more than the
 * retention_years setting (default 6) ago; unless dry_run, erase them all in
 * one transaction.  *items is malloc'd (caller frees), ordered by person id.
 */
enum dasv_status dasv_purge(struct dasv *d, int dry_run, struct dasv_purge_item **items,
			    size_t *n);

/* ---- backups ------------------------------------------------------------ */

/* Called between steps of a backup with the pages still to copy and the total. */
typedef void (*dasv_progress_fn)(void *ctx, int remaining, int total);

/*
 * Admin: copy the database to a new file (created 0600; an existing file is
 * refused) with SQLite's online backup, a few pages at a time from one read
 * snapshot, so others keep working.  Audited before the copy, so the backup
 * holds the entry.  progress may be NULL.
 */
enum dasv_status dasv_backup(struct dasv *d, const char *path, dasv_progress_fn progress,
			     void *ctx);

struct dasv_restore_result {
	int64_t entries;   /* audit entries in the backup, verified */
	int schema;        /* the backup's schema version */
	int migrated;      /* migrations applied after the restore */
};

/*
 * Admin: replace the live database with a backup.  First, without changing
 * anything, the backup must pass PRAGMA integrity_check, be a dasv database of
 * this or an older schema, name the session's user as an active admin whose
 * passphrase pass opens their keyslot there, and have an audit chain that
 * verifies.  Then it is copied into the live database through the backup API
 * (one write transaction, not a file copy under a live WAL), migrated if
 * older, unlocked again as the user and audited.  On success the session is
 * that of the restored database; on a refusal the live database is untouched.
 */
enum dasv_status dasv_restore(struct dasv *d, const char *path, const char *pass,
			      struct dasv_restore_result *res);

/* ---- the shared host ----------------------------------------------------- */

/*
 * dasv_init for a group of users on one host: the database directory is made
 * (or must already be) owned by group gid, setgid, mode 2770, and the
 * database and its -wal and -shm files 0660 in that group.
 */
enum dasv_status dasv_init_shared(const char *path, const char *admin, const char *pass,
				  gid_t gid, struct dasv **out);

/* ---- unlocking ------------------------------------------------------------ */

/*
 * Seconds dasv_unlock waits before trying a user's passphrase after failures
 * in a row: 0 for fewer than 3, then 1, 2, 4, ... up to cap (the
 * unlock_delay_max setting, default 30; 0 turns it off).
 */
int dasv_unlock_delay(int failures, long cap_seconds);

#endif
