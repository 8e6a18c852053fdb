/*
 * crypto.h - keys, field encryption, blind indexes and keyslots (libsodium).
 *
 * Owns every use of libsodium in dasv.  Keys live only in sodium_malloc'd
 * memory (guarded, locked, wiped on free).  A sealed value is
 *     0x01 | nonce (24) | XChaCha20-Poly1305 ciphertext and tag
 * with additional data binding the table, column and row id, so a value
 * copied to another row or column fails to open.
 */
#ifndef DASV_CRYPTO_H
#define DASV_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DASV_KEY_BYTES 32
#define DASV_BLIND_BYTES 16
#define DASV_SALT_BYTES 16
#define DASV_SEAL_OVERHEAD (1 + 24 + 16)
#define DASV_BOX_PK_BYTES 32
#define DASV_BOX_SK_BYTES 32
#define DASV_MAC_BYTES 32

struct dasv_keys {
	unsigned char audit[DASV_KEY_BYTES];     /* random; every keyslot wraps it */
	unsigned char audit_mac[DASV_KEY_BYTES]; /* chains the audit log */
	unsigned char bg[DASV_KEY_BYTES];        /* seals break-glass reasons */
	int has_data;                            /* auditors: 0 */
	unsigned char data[DASV_KEY_BYTES];      /* random; wraps record keys */
	unsigned char field[DASV_KEY_BYTES];     /* wraps record keys, seals settings */
	unsigned char blind[DASV_KEY_BYTES];     /* blind indexes */
	int64_t generation;                      /* of data; 0 when not known */
	/* per user, not shared: see "Keys" in SECURITY.md */
	int has_user;                            /* slot and the box key pair are set */
	unsigned char slot[DASV_KEY_BYTES];      /* wraps the data key (keyslots.data_wrapped) */
	unsigned char box_pk[DASV_BOX_PK_BYTES]; /* receives a rotated data key ... */
	unsigned char box_sk[DASV_BOX_SK_BYTES]; /* ... sealed to it (keyslots.pending_data) */
};

/* sodium_malloc'd and zeroed; NULL when out of memory. */
struct dasv_keys *dasv_keys_new(void);
/* Wipes and frees; accepts NULL, nulls *k. */
void dasv_keys_free(struct dasv_keys **k);
/* Fill data (if with_data) and audit with random bytes and derive subkeys. */
void dasv_keys_generate(struct dasv_keys *k, int with_data);
/* A new user's own keys: a random slot key and an X25519 box key pair. */
void dasv_keys_user_generate(struct dasv_keys *k);
/* Derive the subkeys from data and audit (crypto_kdf, one context per purpose). */
void dasv_keys_derive(struct dasv_keys *k);

/* Seal; *out is malloc'd (caller frees), *outlen = len + DASV_SEAL_OVERHEAD. */
enum dasv_status dasv_crypto_seal(const unsigned char key[DASV_KEY_BYTES], const char *table,
				  const char *column, int64_t rowid, const void *pt, size_t len,
				  unsigned char **out, size_t *outlen);
/*
 * Open; *out is malloc'd and NUL-terminated (free with dasv_str_free).
 * DASV_CORRUPT for anything that does not authenticate, including a value from
 * another row or column, a flipped bit or a truncated value.
 */
enum dasv_status dasv_crypto_open(const unsigned char key[DASV_KEY_BYTES], const char *table,
				  const char *column, int64_t rowid, const unsigned char *ct,
				  size_t ctlen, char **out, size_t *outlen);

/* Fresh random record key, sodium_malloc'd by the caller's dasv_keys_new-like use. */
void dasv_crypto_random(void *buf, size_t n);

/*
 * Blind index: keyed BLAKE2b of a normalised value, truncated to 16 bytes.
 * `kind` separates purposes ("name_dob", "phone", ...) so equal values of
 * different kinds do not collide.
 */
void dasv_blind(const unsigned char key[DASV_KEY_BYTES], const char *kind, const char *value,
		unsigned char out[DASV_BLIND_BYTES]);
/* Normalisers: fold case, spaces, punctuation and common Latin accents. */
void dasv_normalise_name(const char *in, char *out, size_t outsz);
void dasv_normalise_phone(const char *in, char *out, size_t outsz);
void dasv_normalise_postcode(const char *in, char *out, size_t outsz);

/*
 * A keyslot: what a user's passphrase opens, under Argon2id.  The payload is
 *     audit key                          (auditors: no data key at all)
 *     audit key | slot key | box secret  (staff, when k->has_user)
 *     audit key | data key               (staff, older slots; upgraded at unlock)
 * A staff slot's data key then lives beside it, sealed under the slot key
 * (dasv_data_key_wrap), so rotating the data key never needs a passphrase.
 */
struct dasv_keyslot {
	int alg;
	unsigned long long opslimit;
	size_t memlimit;
	unsigned char salt[DASV_SALT_BYTES];
	unsigned char *wrapped; /* malloc'd, owned by the slot */
	size_t wrapped_len;
	int64_t generation;
};

enum dasv_status dasv_keyslot_wrap(const char *pass, int64_t user_id, const struct dasv_keys *k,
				   int with_data, int64_t generation, struct dasv_keyslot *slot,
				   char *err, size_t errsz);
/*
 * DASV_AUTH for a wrong passphrase; fills k->audit (and data, or slot and the
 * box key pair) and derives.  k->generation is the slot's for an older slot
 * that holds the data key, else 0 until dasv_data_key_unwrap.
 */
enum dasv_status dasv_keyslot_unwrap(const char *pass, int64_t user_id,
				     const struct dasv_keyslot *slot, struct dasv_keys *k,
				     char *err, size_t errsz);
void dasv_keyslot_clear(struct dasv_keyslot *slot);
/* Spend the same Argon2id time as an unlock, for unknown users. */
void dasv_keyslot_dummy(const char *pass);

/*
 * The data key and its generation sealed under a user's slot key, bound to
 * the user id (keyslots.data_wrapped).  *out is malloc'd, caller frees.
 */
enum dasv_status dasv_data_key_wrap(const unsigned char slot[DASV_KEY_BYTES], int64_t user_id,
				    const unsigned char data[DASV_KEY_BYTES], int64_t generation,
				    unsigned char **out, size_t *outlen);
/* DASV_CORRUPT if it does not open for this slot key and user. */
enum dasv_status dasv_data_key_unwrap(const unsigned char slot[DASV_KEY_BYTES], int64_t user_id,
				      const unsigned char *ct, size_t len,
				      unsigned char data[DASV_KEY_BYTES], int64_t *generation);

/*
 * A rotated data key sealed to a user's public key (crypto_box_seal), with
 * its generation and the user id (keyslots.pending_data).  Anyone can seal to
 * a public key, so the receiver must check what it opens: see session.c.
 */
enum dasv_status dasv_pending_seal(const unsigned char pk[DASV_BOX_PK_BYTES], int64_t user_id,
				   const unsigned char data[DASV_KEY_BYTES], int64_t generation,
				   unsigned char **out, size_t *outlen);
/* DASV_CORRUPT unless it opens with k's box key pair and names user_id. */
enum dasv_status dasv_pending_open(const struct dasv_keys *k, int64_t user_id,
				   const unsigned char *ct, size_t len,
				   unsigned char data[DASV_KEY_BYTES], int64_t *generation);

/*
 * MAC of a user's public key under a subkey of the data key (users.pk_mac):
 * someone who can write the file but holds no data key (an auditor) cannot
 * swap a public key to receive the next rotated key.
 */
void dasv_pk_mac(const unsigned char data[DASV_KEY_BYTES], int64_t user_id,
		 const unsigned char pk[DASV_BOX_PK_BYTES], unsigned char out[DASV_MAC_BYTES]);
/* Constant-time comparison; 1 when equal. */
int dasv_equal(const void *a, const void *b, size_t n);

/* Audit chain MAC over a serialised entry. */
void dasv_audit_mac(const unsigned char key[DASV_KEY_BYTES], const unsigned char prev[32],
		    const unsigned char *msg, size_t len, unsigned char out[32]);

#endif
