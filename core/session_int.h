/*
 * session_int.h - what the session's files share: reading and writing
 * keyslots and a staff member's data key beside it (session_keys.c), for
 * unlock (session.c), init and user management (session_users.c).
 * Core-internal.
 */
#ifndef DASV_SESSION_INT_H
#define DASV_SESSION_INT_H

#include "internal.h"

/* The user's keyslot (DASV_AUTH when there is none); clear it with dasv_keyslot_clear. */
enum dasv_status dasv_keyslot_load(struct dasv *d, int64_t user_id, struct dasv_keyslot *slot);
/* Write the user's keyslot, dropping any data key stored beside the old one. */
enum dasv_status dasv_keyslot_store(struct dasv *d, int64_t user_id,
				    const struct dasv_keyslot *slot);
/* The current data key generation (settings.key_generation, 1 if unset). */
int64_t dasv_key_generation(struct dasv *d);
/*
 * Store what a staff slot needs besides the Argon2id part: the data key under
 * the user's slot key (clearing any pending rotated key) and their public key
 * with its MAC under the data key.  k holds the user's own slot and box keys.
 */
enum dasv_status dasv_staff_keys_store(struct dasv *d, int64_t id, const struct dasv_keys *k,
				       int64_t gen);
/*
 * Give an unlocking staff member the current data key, inside the unlock's
 * transaction: from beside their slot, from a key rotated to them since
 * (then sealed back under their slot key), or, for a slot older than key
 * rotation that holds the data key itself, upgrading the slot on the spot.
 * *what says which, for the audit entry.
 */
enum dasv_status dasv_staff_data_key(struct dasv *d, int64_t id, const char *pass,
				     struct dasv_keys *k, const char **what);

#endif
