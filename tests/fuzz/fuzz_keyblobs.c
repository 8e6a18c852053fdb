/*
 * fuzz_keyblobs.c - libFuzzer target for the two key blobs key rotation
 * added beside a keyslot (core/crypto.c), which unlock reads from the
 * database before anything else is trusted:
 *   keyslots.data_wrapped  the data key and its generation under the user's
 *                          slot key (dasv_data_key_unwrap)
 *   keyslots.pending_data  a rotated data key sealed to the user's public key
 *                          (dasv_pending_open)
 *
 * Input: [0..7] the user id, little-endian; [8..] the blob (exactly that many
 * bytes, so ASan sees a read past its end).  Each input is tried as both,
 * under fixed keys (the seeds in corpus/keyblobs were made with the same).
 * Beyond "no crash, no sanitizer report": a refusal hands back nothing (the
 * output buffers are untouched); a blob that opens names this user and
 * opens for no other; what opens wraps and opens again to the same key and
 * generation.  No main(): libFuzzer or the corpus replay driver (replay.c)
 * calls LLVMFuzzerTestOneInput.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dasv_keys *keys; /* slot key and box key pair, fixed */

static void
setup_once(void)
{
	unsigned char seed[crypto_box_SEEDBYTES];

	if (keys)
		return;
	if (sodium_init() < 0 || !(keys = dasv_keys_new()))
		abort();
	for (int i = 0; i < DASV_KEY_BYTES; i++)
		keys->slot[i] = (unsigned char)(3 + 11 * i);
	for (int i = 0; i < (int)sizeof(seed); i++)
		seed[i] = (unsigned char)(200 - 5 * i);
	crypto_box_seed_keypair(keys->box_pk, keys->box_sk, seed);
	keys->has_user = 1;
}

static int
untouched(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xa5)
			return 0;
	return 1;
}

static void
fuzz_data_wrapped(int64_t uid, const unsigned char *blob, size_t len)
{
	unsigned char key[DASV_KEY_BYTES], again[DASV_KEY_BYTES], *wrapped = NULL;
	int64_t gen = 0x5a5a, gen2 = 0;
	size_t wlen = 0;

	memset(key, 0xa5, sizeof(key));
	if (dasv_data_key_unwrap(keys->slot, uid, blob, len, key, &gen) != DASV_OK) {
		if (!untouched(key, sizeof(key)) || gen != 0x5a5a)
			abort(); /* a refusal hands back nothing */
		return;
	}
	/* it opened: it is bound to this user, and round-trips */
	if (dasv_data_key_unwrap(keys->slot, uid + 1, blob, len, again, &gen2) == DASV_OK)
		abort();
	if (dasv_data_key_wrap(keys->slot, uid, key, gen, &wrapped, &wlen) != DASV_OK ||
	    dasv_data_key_unwrap(keys->slot, uid, wrapped, wlen, again, &gen2) != DASV_OK ||
	    gen2 != gen || memcmp(again, key, sizeof(key)) != 0)
		abort();
	free(wrapped);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(again, sizeof(again));
}

static void
fuzz_pending(int64_t uid, const unsigned char *blob, size_t len)
{
	unsigned char key[DASV_KEY_BYTES], again[DASV_KEY_BYTES], *sealed = NULL;
	int64_t gen = 0x5a5a, gen2 = 0;
	size_t slen = 0;

	memset(key, 0xa5, sizeof(key));
	if (dasv_pending_open(keys, uid, blob, len, key, &gen) != DASV_OK) {
		if (!untouched(key, sizeof(key)) || gen != 0x5a5a)
			abort();
		return;
	}
	if (dasv_pending_open(keys, uid + 1, blob, len, again, &gen2) == DASV_OK)
		abort(); /* it names one user */
	if (dasv_pending_seal(keys->box_pk, uid, key, gen, &sealed, &slen) != DASV_OK ||
	    slen != len || dasv_pending_open(keys, uid, sealed, slen, again, &gen2) != DASV_OK ||
	    gen2 != gen || memcmp(again, key, sizeof(key)) != 0)
		abort();
	free(sealed);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(again, sizeof(again));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t uid = 0;
	size_t len = size > 8 ? size - 8 : 0;
	unsigned char *blob;

	setup_once();
	for (size_t i = 0; i < 8 && i < size; i++)
		uid |= (uint64_t)data[i] << (8 * i);
	/* keep uid + 1 defined */
	if ((int64_t)uid == INT64_MAX)
		uid--;
	blob = malloc(len ? len : 1);
	if (!blob)
		return 0;
	if (len)
		memcpy(blob, data + 8, len);
	fuzz_data_wrapped((int64_t)uid, len ? blob : NULL, len);
	fuzz_pending((int64_t)uid, len ? blob : NULL, len);
	free(blob);
	return 0;
}
