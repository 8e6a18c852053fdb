/*
 * crypto.c - libsodium behind the dasv core: keys, seal/open, blind indexes,
 * keyslots and the audit MAC.  Never logs or returns plaintext in a message.
 */
#include "crypto.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SEAL_VERSION 0x01
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define KEYSLOT_ALG_ARGON2ID13 1
/*
 * Argon2id for new keyslots: INTERACTIVE's 64 MiB with one more pass (3, not
 * 2), so an unlock costs 100 ms or more even on an idle server (measured by
 * make bench).  Slots store their parameters: older ones keep working.
 */
#define DASV_KEYSLOT_OPSLIMIT (crypto_pwhash_OPSLIMIT_INTERACTIVE + 1)
#define DASV_KEYSLOT_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/* crypto_kdf contexts: exactly 8 bytes each, one per purpose. */
enum { KDF_FIELD = 1, KDF_BLIND = 2, KDF_AUDIT_MAC = 3, KDF_BG = 4, KDF_PK_MAC = 5 };
/* Largest keyslot payload: audit key, slot key, box secret key. */
#define SLOT_PAYLOAD_MAX (3 * DASV_KEY_BYTES)

struct dasv_keys *
dasv_keys_new(void)
{
	struct dasv_keys *k = sodium_malloc(sizeof(*k));

	if (k)
		sodium_memzero(k, sizeof(*k));
	return k;
}

void
dasv_keys_free(struct dasv_keys **k)
{
	if (!k || !*k)
		return;
	sodium_free(*k); /* wipes before unmapping */
	*k = NULL;
}

void
dasv_keys_derive(struct dasv_keys *k)
{
	crypto_kdf_derive_from_key(k->audit_mac, sizeof(k->audit_mac), KDF_AUDIT_MAC,
				   "dasvaudt", k->audit);
	crypto_kdf_derive_from_key(k->bg, sizeof(k->bg), KDF_BG, "dasvbrgl", k->audit);
	if (k->has_data) {
		crypto_kdf_derive_from_key(k->field, sizeof(k->field), KDF_FIELD, "dasvfild",
					   k->data);
		crypto_kdf_derive_from_key(k->blind, sizeof(k->blind), KDF_BLIND, "dasvblnd",
					   k->data);
	} else {
		sodium_memzero(k->data, sizeof(k->data));
		sodium_memzero(k->field, sizeof(k->field));
		sodium_memzero(k->blind, sizeof(k->blind));
	}
}

void
dasv_keys_generate(struct dasv_keys *k, int with_data)
{
	crypto_kdf_keygen(k->audit);
	k->has_data = with_data;
	if (with_data)
		crypto_kdf_keygen(k->data);
	dasv_keys_derive(k);
}

void
dasv_keys_user_generate(struct dasv_keys *k)
{
	crypto_kdf_keygen(k->slot);
	crypto_box_keypair(k->box_pk, k->box_sk);
	k->has_user = 1;
}

void
dasv_crypto_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

/* "dasv" NUL table NUL column NUL rowid(8, little-endian) */
static size_t
seal_ad(unsigned char *ad, size_t adsz, const char *table, const char *column, int64_t rowid)
{
	size_t tl = strlen(table), cl = strlen(column), n = 0;
	uint64_t r = (uint64_t)rowid;

	if (5 + tl + 1 + cl + 1 + 8 > adsz)
		return 0;
	memcpy(ad, "dasv", 5);
	n = 5;
	memcpy(ad + n, table, tl + 1);
	n += tl + 1;
	memcpy(ad + n, column, cl + 1);
	n += cl + 1;
	for (int i = 0; i < 8; i++)
		ad[n++] = (unsigned char)(r >> (8 * i));
	return n;
}

enum dasv_status
dasv_crypto_seal(const unsigned char key[DASV_KEY_BYTES], const char *table, const char *column,
		 int64_t rowid, const void *pt, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char ad[160];
	size_t adlen = seal_ad(ad, sizeof(ad), table, column, rowid);
	unsigned char *buf;
	unsigned long long clen = 0;

	*out = NULL;
	*outlen = 0;
	if (!adlen)
		return DASV_INTERNAL;
	if (len > SIZE_MAX - DASV_SEAL_OVERHEAD)
		return DASV_INVALID;
	buf = malloc(len + DASV_SEAL_OVERHEAD);
	if (!buf)
		return DASV_NOMEM;
	buf[0] = SEAL_VERSION;
	randombytes_buf(buf + 1, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + 1 + NONCE_BYTES, &clen, pt, len, ad,
						   adlen, NULL, buf + 1, key);
	*out = buf;
	*outlen = 1 + NONCE_BYTES + (size_t)clen;
	return DASV_OK;
}

enum dasv_status
dasv_crypto_open(const unsigned char key[DASV_KEY_BYTES], const char *table, const char *column,
		 int64_t rowid, const unsigned char *ct, size_t ctlen, char **out, size_t *outlen)
{
	unsigned char ad[160];
	size_t adlen = seal_ad(ad, sizeof(ad), table, column, rowid);
	unsigned long long plen = 0;
	size_t cap;
	char *buf;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	if (!adlen)
		return DASV_INTERNAL;
	if (!ct || ctlen < DASV_SEAL_OVERHEAD || ct[0] != SEAL_VERSION)
		return DASV_CORRUPT;
	cap = ctlen - DASV_SEAL_OVERHEAD + 1;
	buf = malloc(cap);
	if (!buf)
		return DASV_NOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)buf, &plen, NULL, ct + 1 + NONCE_BYTES,
		    ctlen - 1 - NONCE_BYTES, ad, adlen, ct + 1, key) != 0) {
		free(buf);
		return DASV_CORRUPT;
	}
	buf[plen] = '\0';
	*out = buf;
	if (outlen)
		*outlen = (size_t)plen;
	return DASV_OK;
}

/* ---- blind indexes -------------------------------------------------- */

/* ASCII folds for U+00C0..U+00FF; "" drops the character (× and ÷). */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Latin Extended-A (U+0100..U+017F) as ranges of one base letter. */
static const struct {
	unsigned lo, hi;
	const char *fold;
} latin_ext_fold[] = {
	{ 0x100, 0x105, "a" }, { 0x106, 0x10d, "c" }, { 0x10e, 0x111, "d" },
	{ 0x112, 0x11b, "e" }, { 0x11c, 0x123, "g" }, { 0x124, 0x127, "h" },
	{ 0x128, 0x131, "i" }, { 0x132, 0x133, "ij" }, { 0x134, 0x135, "j" },
	{ 0x136, 0x138, "k" }, { 0x139, 0x142, "l" }, { 0x143, 0x14b, "n" },
	{ 0x14c, 0x151, "o" }, { 0x152, 0x153, "oe" }, { 0x154, 0x159, "r" },
	{ 0x15a, 0x161, "s" }, { 0x162, 0x167, "t" }, { 0x168, 0x173, "u" },
	{ 0x174, 0x175, "w" }, { 0x176, 0x178, "y" }, { 0x179, 0x17e, "z" },
	{ 0x17f, 0x17f, "s" },
};

static void
put(char *out, size_t outsz, size_t *n, const char *s)
{
	for (; *s && *n + 1 < outsz; s++)
		out[(*n)++] = *s;
}

void
dasv_normalise_name(const char *in, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0;

	if (!outsz)
		return;
	while (*p) {
		if (*p < 0x80) {
			unsigned char c = *p++;
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			/* spaces, apostrophes and hyphens vary between records of one name */
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				if (n + 1 < outsz)
					out[n++] = (char)c;
			continue;
		}
		if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
			unsigned cp = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
			const char *fold = NULL;

			/*
			 * combining accents (e + U+0308) are the decomposed form of a
			 * folded letter; no-break and soft hyphen are spacing
			 */
			if ((cp >= 0x300 && cp <= 0x36f) || cp == 0xa0 || cp == 0xad) {
				p += 2;
				continue;
			}
			if (cp >= 0xc0 && cp <= 0xff)
				fold = latin1_fold[cp - 0xc0];
			for (size_t i = 0; !fold && i < sizeof(latin_ext_fold) / sizeof(latin_ext_fold[0]); i++)
				if (cp >= latin_ext_fold[i].lo && cp <= latin_ext_fold[i].hi)
					fold = latin_ext_fold[i].fold;
			if (fold) {
				put(out, outsz, &n, fold);
				p += 2;
				continue;
			}
		}
		/* typographic hyphens, dashes, quotes and thin spaces, like their ASCII kin */
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    ((p[2] >= 0x90 && p[2] <= 0x95) || p[2] == 0x98 || p[2] == 0x99 ||
		     p[2] == 0x89 || p[2] == 0xaf)) {
			p += 3;
			continue;
		}
		/* other scripts: keep the bytes as they are */
		if (n + 1 < outsz)
			out[n++] = (char)*p;
		p++;
	}
	out[n] = '\0';
}

void
dasv_normalise_phone(const char *in, char *out, size_t outsz)
{
	size_t n = 0;
	const char *p = in;

	if (!outsz)
		return;
	while (*p == ' ')
		p++;
	/* +44 7700 ... and 07700 ... are the same UK number */
	if (p[0] == '+' && p[1] == '4' && p[2] == '4') {
		p += 3;
		if (n + 1 < outsz)
			out[n++] = '0';
		while (*p == ' ' || *p == '(' || *p == ')' || *p == '0')
			p++;
	}
	for (; *p; p++)
		if (*p >= '0' && *p <= '9' && n + 1 < outsz)
			out[n++] = *p;
	out[n] = '\0';
}

void
dasv_normalise_postcode(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	if (!outsz)
		return;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) && n + 1 < outsz)
			out[n++] = c;
	}
	out[n] = '\0';
}

void
dasv_blind(const unsigned char key[DASV_KEY_BYTES], const char *kind, const char *value,
	   unsigned char out[DASV_BLIND_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, DASV_KEY_BYTES, DASV_BLIND_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, out, DASV_BLIND_BYTES);
	sodium_memzero(&st, sizeof(st));
}

/* ---- keyslots ------------------------------------------------------- */

static void
keyslot_ad(unsigned char ad[32], int64_t user_id, int64_t generation)
{
	memset(ad, 0, 32);
	memcpy(ad, "dasv-keyslot", 12);
	for (int i = 0; i < 8; i++) {
		ad[16 + i] = (unsigned char)((uint64_t)user_id >> (8 * i));
		ad[24 + i] = (unsigned char)((uint64_t)generation >> (8 * i));
	}
}

static int
slot_key(unsigned char *key, const char *pass, const unsigned char salt[DASV_SALT_BYTES],
	 unsigned long long ops, size_t mem)
{
	return crypto_pwhash(key, DASV_KEY_BYTES, pass, strlen(pass), salt, ops, mem,
			     crypto_pwhash_ALG_ARGON2ID13);
}

enum dasv_status
dasv_keyslot_wrap(const char *pass, int64_t user_id, const struct dasv_keys *k, int with_data,
		  int64_t generation, struct dasv_keyslot *slot, char *err, size_t errsz)
{
	unsigned char *kek = NULL, *payload = NULL, ad[32];
	int with_user = with_data && k->has_user;
	size_t plen = with_user ? 3 * DASV_KEY_BYTES : with_data ? 2 * DASV_KEY_BYTES : DASV_KEY_BYTES;
	unsigned long long clen = 0;
	enum dasv_status st = DASV_NOMEM;

	memset(slot, 0, sizeof(*slot));
	slot->alg = KEYSLOT_ALG_ARGON2ID13;
	slot->opslimit = DASV_KEYSLOT_OPSLIMIT;
	slot->memlimit = DASV_KEYSLOT_MEMLIMIT;
	slot->generation = generation;
	randombytes_buf(slot->salt, sizeof(slot->salt));
	kek = sodium_malloc(DASV_KEY_BYTES);
	payload = sodium_malloc(SLOT_PAYLOAD_MAX);
	slot->wrapped = malloc(1 + NONCE_BYTES + plen + crypto_aead_xchacha20poly1305_ietf_ABYTES);
	if (!kek || !payload || !slot->wrapped)
		goto out;
	if (slot_key(kek, pass, slot->salt, slot->opslimit, slot->memlimit) != 0) {
		st = dasv_fail(err, errsz, DASV_NOMEM, "not enough memory for Argon2id");
		goto out;
	}
	memcpy(payload, k->audit, DASV_KEY_BYTES);
	if (with_user) {
		/* the data key stays out: it is sealed under the slot key beside the slot */
		memcpy(payload + DASV_KEY_BYTES, k->slot, DASV_KEY_BYTES);
		memcpy(payload + 2 * DASV_KEY_BYTES, k->box_sk, DASV_BOX_SK_BYTES);
	} else if (with_data) {
		memcpy(payload + DASV_KEY_BYTES, k->data, DASV_KEY_BYTES);
	}
	keyslot_ad(ad, user_id, generation);
	slot->wrapped[0] = SEAL_VERSION;
	randombytes_buf(slot->wrapped + 1, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(slot->wrapped + 1 + NONCE_BYTES, &clen, payload,
						   plen, ad, sizeof(ad), NULL, slot->wrapped + 1,
						   kek);
	slot->wrapped_len = 1 + NONCE_BYTES + (size_t)clen;
	st = DASV_OK;
out:
	sodium_free(kek);
	sodium_free(payload);
	if (st != DASV_OK)
		dasv_keyslot_clear(slot);
	return st;
}

enum dasv_status
dasv_keyslot_unwrap(const char *pass, int64_t user_id, const struct dasv_keyslot *slot,
		    struct dasv_keys *k, char *err, size_t errsz)
{
	unsigned char *kek = NULL, *payload = NULL, ad[32];
	unsigned long long plen = 0;
	enum dasv_status st = DASV_NOMEM;

	if (slot->alg != KEYSLOT_ALG_ARGON2ID13 || slot->wrapped_len < DASV_SEAL_OVERHEAD ||
	    slot->wrapped_len > DASV_SEAL_OVERHEAD + SLOT_PAYLOAD_MAX ||
	    slot->wrapped[0] != SEAL_VERSION || slot->opslimit < crypto_pwhash_OPSLIMIT_MIN ||
	    slot->opslimit > (unsigned long long)crypto_pwhash_OPSLIMIT_SENSITIVE * 4 ||
	    slot->memlimit < crypto_pwhash_MEMLIMIT_MIN ||
	    slot->memlimit > (size_t)crypto_pwhash_MEMLIMIT_SENSITIVE * 4)
		return dasv_fail(err, errsz, DASV_CORRUPT, "keyslot is damaged or of an unknown kind");
	kek = sodium_malloc(DASV_KEY_BYTES);
	payload = sodium_malloc(SLOT_PAYLOAD_MAX);
	if (!kek || !payload)
		goto out;
	if (slot_key(kek, pass, slot->salt, slot->opslimit, slot->memlimit) != 0) {
		st = dasv_fail(err, errsz, DASV_NOMEM, "not enough memory for Argon2id");
		goto out;
	}
	keyslot_ad(ad, user_id, slot->generation);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    payload, &plen, NULL, slot->wrapped + 1 + NONCE_BYTES,
		    slot->wrapped_len - 1 - NONCE_BYTES, ad, sizeof(ad), slot->wrapped + 1, kek) != 0) {
		st = dasv_fail(err, errsz, DASV_AUTH, "wrong user name or passphrase");
		goto out;
	}
	if (plen != DASV_KEY_BYTES && plen != 2 * DASV_KEY_BYTES && plen != 3 * DASV_KEY_BYTES) {
		st = dasv_fail(err, errsz, DASV_CORRUPT, "keyslot holds an unexpected payload");
		goto out;
	}
	memcpy(k->audit, payload, DASV_KEY_BYTES);
	k->has_data = plen == 2 * DASV_KEY_BYTES;
	k->generation = k->has_data ? slot->generation : 0;
	if (k->has_data)
		memcpy(k->data, payload + DASV_KEY_BYTES, DASV_KEY_BYTES);
	k->has_user = plen == 3 * DASV_KEY_BYTES;
	if (k->has_user) {
		memcpy(k->slot, payload + DASV_KEY_BYTES, DASV_KEY_BYTES);
		memcpy(k->box_sk, payload + 2 * DASV_KEY_BYTES, DASV_BOX_SK_BYTES);
		crypto_scalarmult_base(k->box_pk, k->box_sk);
	} else {
		sodium_memzero(k->slot, sizeof(k->slot));
		sodium_memzero(k->box_pk, sizeof(k->box_pk));
		sodium_memzero(k->box_sk, sizeof(k->box_sk));
	}
	dasv_keys_derive(k);
	st = DASV_OK;
out:
	sodium_free(kek);
	sodium_free(payload);
	return st;
}

void
dasv_keyslot_clear(struct dasv_keyslot *slot)
{
	free(slot->wrapped);
	slot->wrapped = NULL;
	slot->wrapped_len = 0;
}

void
dasv_keyslot_dummy(const char *pass)
{
	unsigned char key[DASV_KEY_BYTES], salt[DASV_SALT_BYTES] = { 0 };

	(void)slot_key(key, pass, salt, DASV_KEYSLOT_OPSLIMIT, DASV_KEYSLOT_MEMLIMIT);
	sodium_memzero(key, sizeof(key));
}

/* ---- the data key beside a keyslot, and rotated keys ------------------ */

static void
put_le64(unsigned char *p, int64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

static int64_t
get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return (int64_t)v;
}

enum dasv_status
dasv_data_key_wrap(const unsigned char slot[DASV_KEY_BYTES], int64_t user_id,
		   const unsigned char data[DASV_KEY_BYTES], int64_t generation, unsigned char **out,
		   size_t *outlen)
{
	unsigned char pt[DASV_KEY_BYTES + 8];
	enum dasv_status st;

	memcpy(pt, data, DASV_KEY_BYTES);
	put_le64(pt + DASV_KEY_BYTES, generation);
	st = dasv_crypto_seal(slot, "keyslots", "data_key", user_id, pt, sizeof(pt), out, outlen);
	sodium_memzero(pt, sizeof(pt));
	return st;
}

enum dasv_status
dasv_data_key_unwrap(const unsigned char slot[DASV_KEY_BYTES], int64_t user_id,
		     const unsigned char *ct, size_t len, unsigned char data[DASV_KEY_BYTES],
		     int64_t *generation)
{
	char *pt = NULL;
	size_t ptlen = 0;
	enum dasv_status st;

	st = dasv_crypto_open(slot, "keyslots", "data_key", user_id, ct, len, &pt, &ptlen);
	if (st != DASV_OK)
		return st;
	if (ptlen != DASV_KEY_BYTES + 8) {
		st = DASV_CORRUPT;
	} else {
		memcpy(data, pt, DASV_KEY_BYTES);
		*generation = get_le64((const unsigned char *)pt + DASV_KEY_BYTES);
	}
	sodium_memzero(pt, ptlen);
	free(pt);
	return st;
}

#define PENDING_PT (DASV_KEY_BYTES + 16)

enum dasv_status
dasv_pending_seal(const unsigned char pk[DASV_BOX_PK_BYTES], int64_t user_id,
		  const unsigned char data[DASV_KEY_BYTES], int64_t generation, unsigned char **out,
		  size_t *outlen)
{
	unsigned char pt[PENDING_PT];

	*out = malloc(PENDING_PT + crypto_box_SEALBYTES);
	*outlen = 0;
	if (!*out)
		return DASV_NOMEM;
	memcpy(pt, data, DASV_KEY_BYTES);
	put_le64(pt + DASV_KEY_BYTES, generation);
	put_le64(pt + DASV_KEY_BYTES + 8, user_id);
	if (crypto_box_seal(*out, pt, sizeof(pt), pk) != 0) {
		sodium_memzero(pt, sizeof(pt));
		free(*out);
		*out = NULL;
		return DASV_INVALID; /* not a usable public key */
	}
	sodium_memzero(pt, sizeof(pt));
	*outlen = PENDING_PT + crypto_box_SEALBYTES;
	return DASV_OK;
}

enum dasv_status
dasv_pending_open(const struct dasv_keys *k, int64_t user_id, const unsigned char *ct, size_t len,
		  unsigned char data[DASV_KEY_BYTES], int64_t *generation)
{
	unsigned char pt[PENDING_PT];
	enum dasv_status st = DASV_CORRUPT;

	if (!k->has_user || !ct || len != PENDING_PT + crypto_box_SEALBYTES)
		return DASV_CORRUPT;
	if (crypto_box_seal_open(pt, ct, len, k->box_pk, k->box_sk) == 0 &&
	    get_le64(pt + DASV_KEY_BYTES + 8) == user_id) {
		memcpy(data, pt, DASV_KEY_BYTES);
		*generation = get_le64(pt + DASV_KEY_BYTES);
		st = DASV_OK;
	}
	sodium_memzero(pt, sizeof(pt));
	return st;
}

void
dasv_pk_mac(const unsigned char data[DASV_KEY_BYTES], int64_t user_id,
	    const unsigned char pk[DASV_BOX_PK_BYTES], unsigned char out[DASV_MAC_BYTES])
{
	unsigned char key[DASV_KEY_BYTES], id[8];
	crypto_generichash_state st;

	crypto_kdf_derive_from_key(key, sizeof(key), KDF_PK_MAC, "dasvpkey", data);
	put_le64(id, user_id);
	crypto_generichash_init(&st, key, sizeof(key), DASV_MAC_BYTES);
	crypto_generichash_update(&st, id, sizeof(id));
	crypto_generichash_update(&st, pk, DASV_BOX_PK_BYTES);
	crypto_generichash_final(&st, out, DASV_MAC_BYTES);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(key, sizeof(key));
}

int
dasv_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void
dasv_audit_mac(const unsigned char key[DASV_KEY_BYTES], const unsigned char prev[32],
	       const unsigned char *msg, size_t len, unsigned char out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, DASV_KEY_BYTES, 32);
	crypto_generichash_update(&st, prev, 32);
	crypto_generichash_update(&st, msg, len);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof(st));
}
