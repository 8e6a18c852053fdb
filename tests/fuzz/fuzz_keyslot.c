/*
 * fuzz_keyslot.c - libFuzzer target for the two blobs dasv reads back from the
 * database and trusts least: sealed values and keyslots (core/crypto.c).
 *
 * Each input is used twice:
 *  (a) whole, as a sealed value opened with dasv_crypto_open under a fixed key
 *      bound to (people, first_name, 1).  Anything that opens is sealed again
 *      and must open to the same bytes.
 *  (b) split into the fields of a struct dasv_keyslot and unwrapped with a
 *      fixed passphrase:
 *        [0]      alg: 0 means the real one (1), anything else is taken as is
 *        [1]      opslimit: %4 -> MIN, 0, MIN + 1, ULLONG_MAX
 *        [2]      memlimit: %4 -> MIN, 0, MIN - 1, SIZE_MAX
 *        [3..10]  user id, little-endian
 *        [11..18] generation, little-endian
 *        [19..34] salt
 *        [35..]   wrapped
 *      (missing bytes are zero).  Only the minimum Argon2id cost, or values
 *      the unwrap must refuse before hashing, are reachable, so each run is fast.
 * Must never crash, leak or read out of bounds.  No main(): libFuzzer or the
 * corpus replay driver (replay.c) calls LLVMFuzzerTestOneInput.
 */
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PASS "fuzz passphrase 0123"
#define SLOT_HEAD 35

static void
fuzz_key(unsigned char key[DASV_KEY_BYTES])
{
	for (int i = 0; i < DASV_KEY_BYTES; i++)
		key[i] = (unsigned char)(1 + 7 * i);
}

static void
fuzz_sealed(const uint8_t *data, size_t size)
{
	unsigned char key[DASV_KEY_BYTES], *again = NULL;
	size_t len = 0, againlen = 0, len2 = 0;
	char *out = NULL, *out2 = NULL;
	enum dasv_status st;

	fuzz_key(key);
	st = dasv_crypto_open(key, "people", "first_name", 1, data, size, &out, &len);
	if (st != DASV_OK) {
		if (out || len)
			abort(); /* a failure hands back nothing */
		return;
	}
	if (!out || len + DASV_SEAL_OVERHEAD != size || out[len] != '\0')
		abort();
	/* what opened must seal and open again to the same bytes, bound the same way */
	if (dasv_crypto_seal(key, "people", "first_name", 1, out, len, &again, &againlen) != DASV_OK ||
	    dasv_crypto_open(key, "people", "first_name", 1, again, againlen, &out2, &len2) !=
		    DASV_OK ||
	    len2 != len || memcmp(out, out2, len) != 0)
		abort();
	/* and must not open as another row */
	free(out2);
	out2 = NULL;
	if (dasv_crypto_open(key, "people", "first_name", 2, again, againlen, &out2, &len2) !=
	    DASV_CORRUPT)
		abort();
	free(again);
	free(out);
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
fuzz_slot(const uint8_t *data, size_t size)
{
	uint8_t head[SLOT_HEAD] = { 0 };
	struct dasv_keyslot slot;
	struct dasv_keys *k;
	size_t wlen = size > SLOT_HEAD ? size - SLOT_HEAD : 0;
	char err[160];
	enum dasv_status st;
	static const unsigned long long ops[4] = { crypto_pwhash_OPSLIMIT_MIN, 0,
						   crypto_pwhash_OPSLIMIT_MIN + 1, ULLONG_MAX };
	static const size_t mem[4] = { crypto_pwhash_MEMLIMIT_MIN, 0, crypto_pwhash_MEMLIMIT_MIN - 1,
				       SIZE_MAX };

	memcpy(head, data, size < SLOT_HEAD ? size : SLOT_HEAD);
	memset(&slot, 0, sizeof(slot));
	slot.alg = head[0] ? head[0] : 1;
	slot.opslimit = ops[head[1] % 4];
	slot.memlimit = mem[head[2] % 4];
	slot.generation = (int64_t)le64(head + 11);
	memcpy(slot.salt, head + 19, DASV_SALT_BYTES);
	/* exactly wlen bytes, so ASan catches a read past the end */
	slot.wrapped = malloc(wlen ? wlen : 1);
	if (!slot.wrapped)
		return;
	if (wlen)
		memcpy(slot.wrapped, data + SLOT_HEAD, wlen);
	slot.wrapped_len = wlen;
	if (!(k = dasv_keys_new())) {
		dasv_keyslot_clear(&slot);
		return;
	}
	err[0] = '\0';
	st = dasv_keyslot_unwrap(FUZZ_PASS, (int64_t)le64(head + 3), &slot, k, err, sizeof(err));
	if (st == DASV_OK && k->has_data != 0 && k->has_data != 1)
		abort();
	if (st != DASV_OK && err[0] == '\0')
		abort(); /* every refusal says why */
	dasv_keys_free(&k);
	dasv_keyslot_clear(&slot);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	fuzz_sealed(data, size);
	fuzz_slot(data, size);
	return 0;
}
