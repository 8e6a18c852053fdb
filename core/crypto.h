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

struct dasv_keys {
	unsigned char audit[DASV_KEY_BYTES];     /* random; every keyslot wraps it */
	unsigned char audit_mac[DASV_KEY_BYTES]; /* chains the audit log */
	unsigned char bg[DASV_KEY_BYTES];        /* seals break-glass reasons */
	int has_data;                            /* auditors: 0 */
	unsigned char data[DASV_KEY_BYTES];      /* random; wraps record keys */
	unsigned char field[DASV_KEY_BYTES];     /* wraps record keys, seals settings */
	unsigned char blind[DASV_KEY_BYTES];     /* blind indexes */
};

/* sodium_malloc'd and zeroed; NULL when out of memory. */
struct dasv_keys *dasv_keys_new(void);
/* Wipes and frees; accepts NULL, nulls *k. */
void dasv_keys_free(struct dasv_keys **k);
/* Fill data (if with_data) and audit with random bytes and derive subkeys. */
void dasv_keys_generate(struct dasv_keys *k, int with_data);
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

/* A keyslot: the audit key (and data key unless auditor) under Argon2id. */
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
/* DASV_AUTH for a wrong passphrase; fills k->audit (and data) and derives. */
enum dasv_status dasv_keyslot_unwrap(const char *pass, int64_t user_id,
				     const struct dasv_keyslot *slot, struct dasv_keys *k,
				     char *err, size_t errsz);
void dasv_keyslot_clear(struct dasv_keyslot *slot);
/* Spend the same Argon2id time as an unlock, for unknown users. */
void dasv_keyslot_dummy(const char *pass);

/* Audit chain MAC over a serialised entry. */
void dasv_audit_mac(const unsigned char key[DASV_KEY_BYTES], const unsigned char prev[32],
		    const unsigned char *msg, size_t len, unsigned char out[32]);

#endif
