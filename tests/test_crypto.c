/*
 * test_crypto.c - field encryption, blind indexes, keyslots and the audit MAC
 * (core/crypto.c).  Hostile input first: every flipped bit, every truncation,
 * a value moved to another table, column or row, the wrong key; then the
 * normalisers and blind indexes; then keyslots and their tampered fields.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "dasv.h"

static void
crypto_init(void)
{
	char err[256];

	cr_assert_eq(dasv_process_init(err, sizeof(err)), DASV_OK, "%s", err);
	cr_assert_geq(sodium_init(), 0);
}

TestSuite(seal, .init = crypto_init);
TestSuite(blind, .init = crypto_init);
TestSuite(keyslot, .init = crypto_init);
TestSuite(audit_mac, .init = crypto_init);

static void
fill_key(unsigned char key[DASV_KEY_BYTES], unsigned char seed)
{
	for (int i = 0; i < DASV_KEY_BYTES; i++)
		key[i] = (unsigned char)(seed + 7 * i);
}

static int
all_zero(const unsigned char *p, size_t n)
{
	unsigned char acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Seal pt under (people, first_name, 42) with key. */
static void
seal_std(const unsigned char *key, const void *pt, size_t len, unsigned char **ct, size_t *ctlen)
{
	cr_assert_eq(dasv_crypto_seal(key, "people", "first_name", 42, pt, len, ct, ctlen), DASV_OK);
	cr_assert_not_null(*ct);
	cr_assert_eq(*ctlen, len + DASV_SEAL_OVERHEAD);
}

/* Open must fail with DASV_CORRUPT and hand back nothing. */
static void
assert_open_corrupt(const unsigned char *key, const char *table, const char *column,
		    int64_t rowid, const unsigned char *ct, size_t ctlen, const char *what)
{
	char *out = (char *)"sentinel";
	size_t outlen = 12345;
	enum dasv_status st = dasv_crypto_open(key, table, column, rowid, ct, ctlen, &out, &outlen);

	cr_assert_eq(st, DASV_CORRUPT, "%s: expected DASV_CORRUPT, got %d", what, (int)st);
	cr_assert_null(out, "%s: output must be NULL on failure", what);
	cr_assert_eq(outlen, 0, "%s: output length must be 0 on failure", what);
}

/* ---- seal / open: hostile input ------------------------------------- */

Test(seal, every_single_bit_flip_is_rejected)
{
	unsigned char key[DASV_KEY_BYTES], *ct, *bad;
	size_t ctlen;

	fill_key(key, 1);
	seal_std(key, "Ann", 3, &ct, &ctlen);
	bad = malloc(ctlen);
	cr_assert_not_null(bad);
	for (size_t bit = 0; bit < ctlen * 8; bit++) {
		char what[64];

		memcpy(bad, ct, ctlen);
		bad[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		snprintf(what, sizeof(what), "bit %zu flipped", bit);
		assert_open_corrupt(key, "people", "first_name", 42, bad, ctlen, what);
	}
	/* the untouched value still opens, so the loop above tested something */
	{
		char *out = NULL;
		cr_assert_eq(dasv_crypto_open(key, "people", "first_name", 42, ct, ctlen, &out, NULL),
			     DASV_OK);
		cr_assert_str_eq(out, "Ann");
		dasv_str_free(&out);
	}
	free(bad);
	free(ct);
}

Test(seal, every_truncation_is_rejected)
{
	unsigned char key[DASV_KEY_BYTES], *ct, *longer;
	size_t ctlen;

	fill_key(key, 2);
	seal_std(key, "Bartholomew", 11, &ct, &ctlen);
	for (size_t len = 0; len < ctlen; len++) {
		char what[64];

		snprintf(what, sizeof(what), "truncated to %zu bytes", len);
		/* a fresh copy of exactly len bytes, so ASan sees any over-read */
		unsigned char *cut = malloc(len ? len : 1);
		cr_assert_not_null(cut);
		memcpy(cut, ct, len);
		assert_open_corrupt(key, "people", "first_name", 42, cut, len, what);
		free(cut);
	}
	/* a trailing byte appended is not the same value either */
	longer = malloc(ctlen + 1);
	cr_assert_not_null(longer);
	memcpy(longer, ct, ctlen);
	longer[ctlen] = 0;
	assert_open_corrupt(key, "people", "first_name", 42, longer, ctlen + 1, "one byte appended");
	assert_open_corrupt(key, "people", "first_name", 42, NULL, 0, "NULL value");
	free(longer);
	free(ct);
}

Test(seal, value_moved_to_another_table_column_or_row_is_rejected)
{
	unsigned char key[DASV_KEY_BYTES], *ct;
	size_t ctlen;
	char *out = NULL;

	fill_key(key, 3);
	seal_std(key, "Zoë", strlen("Zoë"), &ct, &ctlen);
	assert_open_corrupt(key, "perpetrators", "first_name", 42, ct, ctlen, "other table");
	assert_open_corrupt(key, "people", "last_name", 42, ct, ctlen, "other column");
	assert_open_corrupt(key, "people", "first_name", 43, ct, ctlen, "other row");
	assert_open_corrupt(key, "people", "first_name", 41, ct, ctlen, "row below");
	assert_open_corrupt(key, "people", "first_name", 42 + ((int64_t)1 << 32), ct, ctlen,
			    "row differing in the high word");
	assert_open_corrupt(key, "people", "first_name", -42, ct, ctlen, "negative row");
	/* the separators matter: table "peoplef" + column "irst_name" is not the same */
	assert_open_corrupt(key, "peoplef", "irst_name", 42, ct, ctlen, "shifted boundary");
	assert_open_corrupt(key, "people", "first_name\x01", 42, ct, ctlen, "column suffix");
	/* control: the right binding opens */
	cr_assert_eq(dasv_crypto_open(key, "people", "first_name", 42, ct, ctlen, &out, NULL), DASV_OK);
	cr_assert_str_eq(out, "Zoë");
	dasv_str_free(&out);
	free(ct);
}

Test(seal, wrong_key_is_rejected)
{
	unsigned char key[DASV_KEY_BYTES], other[DASV_KEY_BYTES], *ct;
	size_t ctlen;

	fill_key(key, 4);
	memcpy(other, key, sizeof(other));
	other[31] ^= 0x80; /* one bit of the key */
	seal_std(key, "secret", 6, &ct, &ctlen);
	assert_open_corrupt(other, "people", "first_name", 42, ct, ctlen, "key with one bit changed");
	fill_key(other, 99);
	assert_open_corrupt(other, "people", "first_name", 42, ct, ctlen, "unrelated key");
	free(ct);
}

/* ---- seal / open: round trips --------------------------------------- */

Test(seal, round_trip_empty_string)
{
	unsigned char key[DASV_KEY_BYTES], *ct;
	size_t ctlen, outlen = 99;
	char *out = NULL;

	fill_key(key, 5);
	seal_std(key, "", 0, &ct, &ctlen);
	cr_assert_eq(ctlen, DASV_SEAL_OVERHEAD);
	cr_assert_eq(dasv_crypto_open(key, "people", "first_name", 42, ct, ctlen, &out, &outlen),
		     DASV_OK);
	cr_assert_not_null(out);
	cr_assert_eq(outlen, 0);
	cr_assert_str_eq(out, "");
	dasv_str_free(&out);
	cr_assert_null(out);
	free(ct);
}

Test(seal, round_trip_64k_binary_value)
{
	enum { N = 64 * 1024 };
	unsigned char key[DASV_KEY_BYTES], *pt, *ct;
	size_t ctlen, outlen = 0;
	char *out = NULL;

	fill_key(key, 6);
	pt = malloc(N);
	cr_assert_not_null(pt);
	randombytes_buf(pt, N);
	pt[0] = 0;      /* NUL bytes inside the value survive: the length is what counts */
	pt[N / 2] = 0;
	seal_std(key, pt, N, &ct, &ctlen);
	cr_assert_eq(dasv_crypto_open(key, "people", "first_name", 42, ct, ctlen, &out, &outlen),
		     DASV_OK);
	cr_assert_eq(outlen, (size_t)N);
	cr_assert_eq(memcmp(out, pt, N), 0);
	cr_assert_eq(out[N], '\0', "opened value must be NUL-terminated");
	free(out);
	free(ct);
	free(pt);
}

Test(seal, round_trip_utf8_text)
{
	static const char name[] = "Zoë Ø'Brien 李";
	unsigned char key[DASV_KEY_BYTES], *ct;
	size_t ctlen, outlen = 0;
	char *out = NULL;

	fill_key(key, 7);
	seal_std(key, name, strlen(name), &ct, &ctlen);
	cr_assert_eq(dasv_crypto_open(key, "people", "first_name", 42, ct, ctlen, &out, &outlen),
		     DASV_OK);
	cr_assert_eq(outlen, strlen(name));
	cr_assert_str_eq(out, name);
	dasv_str_free(&out);
	free(ct);
}

Test(seal, same_value_seals_differently_and_hides_the_plaintext)
{
	static const char pt[] = "MARKER-SEAL-9c2e";
	unsigned char key[DASV_KEY_BYTES], *a, *b;
	size_t alen, blen;

	fill_key(key, 8);
	seal_std(key, pt, strlen(pt), &a, &alen);
	seal_std(key, pt, strlen(pt), &b, &blen);
	cr_assert_eq(a[0], 0x01, "format version byte");
	cr_assert_neq(memcmp(a + 1, b + 1, 24), 0, "nonces must be random");
	cr_assert_neq(memcmp(a, b, alen), 0);
	cr_assert_null(memmem(a, alen, pt, strlen(pt)), "plaintext visible in sealed value");
	cr_assert_null(memmem(a, alen, "MARKER", 6), "plaintext visible in sealed value");
	free(a);
	free(b);
}

/* ---- normalisers and blind indexes ---------------------------------- */

static void
blind_name(const unsigned char *key, const char *in, unsigned char out[DASV_BLIND_BYTES])
{
	char norm[128];

	dasv_normalise_name(in, norm, sizeof(norm));
	dasv_blind(key, "name_dob", norm, out);
}

Test(blind, name_ignores_case_spaces_and_apostrophes)
{
	unsigned char key[DASV_KEY_BYTES], a[DASV_BLIND_BYTES], b[DASV_BLIND_BYTES];
	char norm[64];

	fill_key(key, 10);
	dasv_normalise_name("  O'Brien ", norm, sizeof(norm));
	cr_assert_str_eq(norm, "obrien");
	dasv_normalise_name("o'brien", norm, sizeof(norm));
	cr_assert_str_eq(norm, "obrien");
	blind_name(key, "  O'Brien ", a);
	blind_name(key, "o'brien", b);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
	/* control: a different surname gives a different index */
	blind_name(key, "O'Brian", b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
}

Test(blind, name_folds_latin_accents)
{
	unsigned char key[DASV_KEY_BYTES], a[DASV_BLIND_BYTES], b[DASV_BLIND_BYTES];
	char norm[64];

	fill_key(key, 11);
	dasv_normalise_name("Zoë", norm, sizeof(norm));
	cr_assert_str_eq(norm, "zoe");
	dasv_normalise_name("ZOË", norm, sizeof(norm));
	cr_assert_str_eq(norm, "zoe");
	dasv_normalise_name("Łukasz Żółć", norm, sizeof(norm));
	cr_assert_str_eq(norm, "lukaszzolc");
	blind_name(key, "Zoë", a);
	blind_name(key, "zoe", b);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
	blind_name(key, "Zoa", b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
}

Test(blind, normaliser_handles_hostile_input)
{
	char norm[8];

	/* a lone UTF-8 lead byte at the end must not read past the NUL */
	dasv_normalise_name("ab\xc3", norm, sizeof(norm));
	cr_assert_eq(strncmp(norm, "ab", 2), 0);
	/* output is truncated, always terminated */
	memset(norm, 'x', sizeof(norm));
	dasv_normalise_name("abcdefghijklmnop", norm, sizeof(norm));
	cr_assert_str_eq(norm, "abcdefg");
	memset(norm, 'x', sizeof(norm));
	dasv_normalise_phone("0123456789012345", norm, sizeof(norm));
	cr_assert_str_eq(norm, "0123456");
	memset(norm, 'x', sizeof(norm));
	dasv_normalise_postcode("ab12cd34ef", norm, sizeof(norm));
	cr_assert_str_eq(norm, "AB12CD3");
	/* an expansion (ß -> ss) that does not fit is cut, still terminated */
	memset(norm, 'x', sizeof(norm));
	dasv_normalise_name("abcdefß", norm, sizeof(norm));
	cr_assert_eq(strlen(norm), 7);
}

Test(blind, different_key_gives_different_index)
{
	unsigned char k1[DASV_KEY_BYTES], k2[DASV_KEY_BYTES], a[DASV_BLIND_BYTES],
		b[DASV_BLIND_BYTES], c[DASV_BLIND_BYTES];

	fill_key(k1, 12);
	fill_key(k2, 13);
	blind_name(k1, "obrien", a);
	blind_name(k2, "obrien", b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
	/* and it is deterministic under one key */
	blind_name(k1, "obrien", c);
	cr_assert_eq(memcmp(a, c, sizeof(a)), 0);
}

Test(blind, different_kinds_do_not_collide)
{
	unsigned char key[DASV_KEY_BYTES], a[DASV_BLIND_BYTES], b[DASV_BLIND_BYTES];

	fill_key(key, 14);
	dasv_blind(key, "phone", "07700900123", a);
	dasv_blind(key, "postcode", "07700900123", b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
	/* kind and value are separated: ("ph", "one") is not ("pho", "ne") */
	dasv_blind(key, "ph", "one", a);
	dasv_blind(key, "pho", "ne", b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
	/* control: same kind and value agree */
	dasv_blind(key, "ph", "one", b);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
}

Test(blind, uk_phone_numbers_normalise_alike)
{
	unsigned char key[DASV_KEY_BYTES], a[DASV_BLIND_BYTES], b[DASV_BLIND_BYTES];
	char n1[32], n2[32], n3[32];

	fill_key(key, 15);
	dasv_normalise_phone("+44 7700 900123", n1, sizeof(n1));
	dasv_normalise_phone("07700900123", n2, sizeof(n2));
	dasv_normalise_phone("+44 (0)7700 900-123", n3, sizeof(n3));
	cr_assert_str_eq(n1, "07700900123");
	cr_assert_str_eq(n2, "07700900123");
	cr_assert_str_eq(n3, "07700900123");
	dasv_blind(key, "phone", n1, a);
	dasv_blind(key, "phone", n2, b);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
	dasv_normalise_phone("07700900124", n2, sizeof(n2));
	dasv_blind(key, "phone", n2, b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
}

Test(blind, postcodes_normalise_alike)
{
	unsigned char key[DASV_KEY_BYTES], a[DASV_BLIND_BYTES], b[DASV_BLIND_BYTES];
	char n1[16], n2[16];

	fill_key(key, 16);
	dasv_normalise_postcode("cb1 2ab", n1, sizeof(n1));
	dasv_normalise_postcode("CB12AB", n2, sizeof(n2));
	cr_assert_str_eq(n1, "CB12AB");
	cr_assert_str_eq(n2, "CB12AB");
	dasv_blind(key, "postcode", n1, a);
	dasv_blind(key, "postcode", n2, b);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
	dasv_normalise_postcode("CB1 2AC", n2, sizeof(n2));
	dasv_blind(key, "postcode", n2, b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0);
}

/* ---- keys ----------------------------------------------------------- */

Test(keyslot, generated_keys_are_random_and_subkeys_distinct)
{
	struct dasv_keys *a = dasv_keys_new(), *b = dasv_keys_new();

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	dasv_keys_generate(a, 1);
	dasv_keys_generate(b, 1);
	cr_assert_eq(a->has_data, 1);
	cr_assert_neq(memcmp(a->data, b->data, DASV_KEY_BYTES), 0);
	cr_assert_neq(memcmp(a->audit, b->audit, DASV_KEY_BYTES), 0);
	/* the audit key is its own key, not derived from the data key */
	cr_assert_neq(memcmp(a->audit, a->data, DASV_KEY_BYTES), 0);
	cr_assert_neq(memcmp(a->field, a->blind, DASV_KEY_BYTES), 0);
	cr_assert_neq(memcmp(a->field, a->data, DASV_KEY_BYTES), 0);
	cr_assert_neq(memcmp(a->audit_mac, a->audit, DASV_KEY_BYTES), 0);
	cr_assert_neq(memcmp(a->audit_mac, a->bg, DASV_KEY_BYTES), 0);
	cr_assert(!all_zero(a->field, DASV_KEY_BYTES));
	cr_assert(!all_zero(a->blind, DASV_KEY_BYTES));
	dasv_keys_free(&a);
	dasv_keys_free(&b);
	cr_assert_null(a);
	dasv_keys_free(&a); /* NULL is accepted */
}

/* ---- keyslots ------------------------------------------------------- */

static const char *const PASS = "a long enough passphrase";

static struct dasv_keys *
new_keys(int with_data)
{
	struct dasv_keys *k = dasv_keys_new();

	cr_assert_not_null(k);
	dasv_keys_generate(k, with_data);
	return k;
}

static void
wrap(const struct dasv_keys *k, int with_data, int64_t user, int64_t gen, struct dasv_keyslot *slot)
{
	char err[256] = "";

	cr_assert_eq(dasv_keyslot_wrap(PASS, user, k, with_data, gen, slot, err, sizeof(err)),
		     DASV_OK, "%s", err);
	cr_assert_not_null(slot->wrapped);
}

/* Unwrap into keys pre-filled with junk; on failure they must stay as they were. */
static enum dasv_status
unwrap_status(const char *pass, int64_t user, const struct dasv_keyslot *slot)
{
	struct dasv_keys *k = dasv_keys_new();
	unsigned char junk[sizeof(*k)];
	char err[256] = "";
	enum dasv_status st;

	cr_assert_not_null(k);
	memset(k, 0xa5, sizeof(*k));
	memcpy(junk, k, sizeof(junk));
	st = dasv_keyslot_unwrap(pass, user, slot, k, err, sizeof(err));
	if (st != DASV_OK) {
		cr_assert_neq(err[0], '\0', "a failure must say why");
		cr_assert_eq(memcmp(k, junk, sizeof(junk)), 0, "keys changed by a failed unwrap");
	}
	dasv_keys_free(&k);
	return st;
}

Test(keyslot, wrap_unwrap_round_trip)
{
	struct dasv_keys *k = new_keys(1), *got = dasv_keys_new();
	struct dasv_keyslot slot;
	char err[256] = "";

	cr_assert_not_null(got);
	wrap(k, 1, 7, 3, &slot);
	cr_assert_eq(slot.generation, 3);
	cr_assert_null(memmem(slot.wrapped, slot.wrapped_len, k->data, DASV_KEY_BYTES),
		       "data key visible in the slot");
	cr_assert_null(memmem(slot.wrapped, slot.wrapped_len, k->audit, DASV_KEY_BYTES),
		       "audit key visible in the slot");
	cr_assert_eq(dasv_keyslot_unwrap(PASS, 7, &slot, got, err, sizeof(err)), DASV_OK, "%s", err);
	cr_assert_eq(got->has_data, 1);
	cr_assert_eq(memcmp(got->data, k->data, DASV_KEY_BYTES), 0);
	cr_assert_eq(memcmp(got->audit, k->audit, DASV_KEY_BYTES), 0);
	cr_assert_eq(memcmp(got->field, k->field, DASV_KEY_BYTES), 0);
	cr_assert_eq(memcmp(got->blind, k->blind, DASV_KEY_BYTES), 0);
	cr_assert_eq(memcmp(got->audit_mac, k->audit_mac, DASV_KEY_BYTES), 0);
	cr_assert_eq(memcmp(got->bg, k->bg, DASV_KEY_BYTES), 0);
	dasv_keyslot_clear(&slot);
	cr_assert_null(slot.wrapped);
	cr_assert_eq(slot.wrapped_len, 0);
	dasv_keys_free(&k);
	dasv_keys_free(&got);
}

Test(keyslot, wrong_passphrase_is_auth)
{
	struct dasv_keys *k = new_keys(1);
	struct dasv_keyslot slot;

	wrap(k, 1, 7, 1, &slot);
	cr_assert_eq(unwrap_status("a long enough passphrasf", 7, &slot), DASV_AUTH);
	cr_assert_eq(unwrap_status("", 7, &slot), DASV_AUTH);
	cr_assert_eq(unwrap_status(PASS, 7, &slot), DASV_OK);
	dasv_keyslot_clear(&slot);
	dasv_keys_free(&k);
}

Test(keyslot, auditor_slot_holds_no_data_key)
{
	struct dasv_keys *k = new_keys(1), *got = dasv_keys_new();
	struct dasv_keyslot slot, full;
	char err[256] = "";

	cr_assert_not_null(got);
	wrap(k, 0, 9, 1, &slot);
	wrap(k, 1, 9, 1, &full);
	cr_assert_lt(slot.wrapped_len, full.wrapped_len, "auditor slot must be smaller");
	cr_assert_null(memmem(slot.wrapped, slot.wrapped_len, k->data, DASV_KEY_BYTES));
	/* junk first: the unwrap must clear data, field and blind, not leave them */
	memset(got, 0x5a, sizeof(*got));
	cr_assert_eq(dasv_keyslot_unwrap(PASS, 9, &slot, got, err, sizeof(err)), DASV_OK, "%s", err);
	cr_assert_eq(got->has_data, 0);
	cr_assert(all_zero(got->data, DASV_KEY_BYTES), "auditor got data key bytes");
	cr_assert(all_zero(got->field, DASV_KEY_BYTES), "auditor got field key bytes");
	cr_assert(all_zero(got->blind, DASV_KEY_BYTES), "auditor got blind key bytes");
	/* but the audit key, and so the chain MAC key, are the same as everyone's */
	cr_assert_eq(memcmp(got->audit, k->audit, DASV_KEY_BYTES), 0);
	cr_assert_eq(memcmp(got->audit_mac, k->audit_mac, DASV_KEY_BYTES), 0);
	cr_assert_eq(memcmp(got->bg, k->bg, DASV_KEY_BYTES), 0);
	dasv_keyslot_clear(&slot);
	dasv_keyslot_clear(&full);
	dasv_keys_free(&k);
	dasv_keys_free(&got);
}

/* Copy a slot (deep) so each tamper starts from the genuine one. */
static void
slot_copy(struct dasv_keyslot *dst, const struct dasv_keyslot *src)
{
	*dst = *src;
	dst->wrapped = malloc(src->wrapped_len);
	cr_assert_not_null(dst->wrapped);
	memcpy(dst->wrapped, src->wrapped, src->wrapped_len);
}

Test(keyslot, flipped_byte_in_wrapped_is_refused)
{
	struct dasv_keys *k = new_keys(1);
	struct dasv_keyslot slot, bad;
	/* version byte, nonce, ciphertext (audit key, data key), tag */
	const size_t at[] = { 0, 1, 24, 25, 60, 88, 0 };
	size_t n = sizeof(at) / sizeof(at[0]) - 1;

	wrap(k, 1, 7, 1, &slot);
	cr_assert_eq(slot.wrapped_len, DASV_SEAL_OVERHEAD + 2 * DASV_KEY_BYTES);
	for (size_t i = 0; i < n + 1; i++) {
		size_t pos = i < n ? at[i] : slot.wrapped_len - 1; /* last tag byte */
		enum dasv_status st;

		slot_copy(&bad, &slot);
		bad.wrapped[pos] ^= 0x01;
		st = unwrap_status(PASS, 7, &bad);
		if (pos == 0)
			cr_assert_eq(st, DASV_CORRUPT, "version byte flipped: %d", (int)st);
		else
			cr_assert_eq(st, DASV_AUTH, "byte %zu flipped: %d", pos, (int)st);
		dasv_keyslot_clear(&bad);
	}
	/* a truncated and an extended slot */
	slot_copy(&bad, &slot);
	bad.wrapped_len--;
	cr_assert_neq(unwrap_status(PASS, 7, &bad), DASV_OK, "truncated slot accepted");
	dasv_keyslot_clear(&bad);
	bad = slot;
	bad.wrapped = malloc(slot.wrapped_len + 1);
	cr_assert_not_null(bad.wrapped);
	memcpy(bad.wrapped, slot.wrapped, slot.wrapped_len);
	bad.wrapped[bad.wrapped_len++] = 0;
	cr_assert_neq(unwrap_status(PASS, 7, &bad), DASV_OK, "extended slot accepted");
	dasv_keyslot_clear(&bad);
	dasv_keyslot_clear(&slot);
	dasv_keys_free(&k);
}

Test(keyslot, slot_bound_to_user_and_generation)
{
	struct dasv_keys *k = new_keys(1);
	struct dasv_keyslot slot, bad;

	wrap(k, 1, 7, 2, &slot);
	/* another user's id: a slot copied to another user row must not open */
	cr_assert_eq(unwrap_status(PASS, 8, &slot), DASV_AUTH);
	cr_assert_eq(unwrap_status(PASS, 7 + ((int64_t)1 << 40), &slot), DASV_AUTH);
	slot_copy(&bad, &slot);
	bad.generation = 1;
	cr_assert_eq(unwrap_status(PASS, 7, &bad), DASV_AUTH, "older generation accepted");
	bad.generation = 3;
	cr_assert_eq(unwrap_status(PASS, 7, &bad), DASV_AUTH, "newer generation accepted");
	dasv_keyslot_clear(&bad);
	slot_copy(&bad, &slot);
	bad.salt[5] ^= 0x10;
	cr_assert_eq(unwrap_status(PASS, 7, &bad), DASV_AUTH, "changed salt accepted");
	dasv_keyslot_clear(&bad);
	/* control */
	cr_assert_eq(unwrap_status(PASS, 7, &slot), DASV_OK);
	dasv_keyslot_clear(&slot);
	dasv_keys_free(&k);
}

Test(keyslot, absurd_parameters_are_refused)
{
	struct dasv_keys *k = new_keys(1);
	struct dasv_keyslot slot, bad;
	const unsigned long long ops[] = { 0, (unsigned long long)crypto_pwhash_OPSLIMIT_SENSITIVE * 4 + 1,
					   ULLONG_MAX };
	const size_t mem[] = { 0, 1024, (size_t)crypto_pwhash_MEMLIMIT_SENSITIVE * 4 + 1, SIZE_MAX };

	wrap(k, 1, 7, 1, &slot);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		slot_copy(&bad, &slot);
		bad.opslimit = ops[i];
		cr_assert_eq(unwrap_status(PASS, 7, &bad), DASV_CORRUPT, "opslimit %llu", ops[i]);
		dasv_keyslot_clear(&bad);
	}
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		slot_copy(&bad, &slot);
		bad.memlimit = mem[i];
		cr_assert_eq(unwrap_status(PASS, 7, &bad), DASV_CORRUPT, "memlimit %zu", mem[i]);
		dasv_keyslot_clear(&bad);
	}
	slot_copy(&bad, &slot);
	bad.alg = 2;
	cr_assert_eq(unwrap_status(PASS, 7, &bad), DASV_CORRUPT, "unknown algorithm accepted");
	dasv_keyslot_clear(&bad);
	/* a plausible but different opslimit derives another key */
	slot_copy(&bad, &slot);
	bad.opslimit = slot.opslimit + 1;
	cr_assert_eq(unwrap_status(PASS, 7, &bad), DASV_AUTH, "changed opslimit accepted");
	dasv_keyslot_clear(&bad);
	dasv_keyslot_clear(&slot);
	dasv_keys_free(&k);
}

/* ---- audit MAC ------------------------------------------------------ */

Test(audit_mac, changes_with_any_input_change)
{
	static const char text[] = "id=5;action=user_add;x=1";
	unsigned char key[DASV_KEY_BYTES], prev[32], msg[sizeof(text) - 1], ref[32], out[32];

	fill_key(key, 20);
	for (int i = 0; i < 32; i++)
		prev[i] = (unsigned char)(0x30 + i);
	memcpy(msg, text, sizeof(msg));
	dasv_audit_mac(key, prev, msg, sizeof(msg), ref);
	dasv_audit_mac(key, prev, msg, sizeof(msg), out);
	cr_assert_eq(memcmp(ref, out, 32), 0, "MAC must be deterministic");

	for (size_t bit = 0; bit < DASV_KEY_BYTES * 8; bit++) {
		key[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		dasv_audit_mac(key, prev, msg, sizeof(msg), out);
		key[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		cr_assert_neq(memcmp(ref, out, 32), 0, "key bit %zu ignored", bit);
	}
	for (size_t bit = 0; bit < 32 * 8; bit++) {
		prev[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		dasv_audit_mac(key, prev, msg, sizeof(msg), out);
		prev[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		cr_assert_neq(memcmp(ref, out, 32), 0, "prev bit %zu ignored", bit);
	}
	for (size_t bit = 0; bit < sizeof(msg) * 8; bit++) {
		msg[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		dasv_audit_mac(key, prev, msg, sizeof(msg), out);
		msg[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		cr_assert_neq(memcmp(ref, out, 32), 0, "message bit %zu ignored", bit);
	}
	/* length: a shorter message and the empty message differ too */
	dasv_audit_mac(key, prev, msg, sizeof(msg) - 1, out);
	cr_assert_neq(memcmp(ref, out, 32), 0, "last message byte ignored");
	dasv_audit_mac(key, prev, msg, 0, out);
	cr_assert_neq(memcmp(ref, out, 32), 0, "message ignored");
	/* and the inputs were restored, so the reference still matches */
	dasv_audit_mac(key, prev, msg, sizeof(msg), out);
	cr_assert_eq(memcmp(ref, out, 32), 0);
}

/* Names typed differently by different agencies still match. */
static void
assert_same_name(const char *a, const char *b)
{
	char na[128], nb[128];

	dasv_normalise_name(a, na, sizeof(na));
	dasv_normalise_name(b, nb, sizeof(nb));
	cr_assert_str_eq(na, nb, "'%s' and '%s' normalise differently", a, b);
}

Test(normalise, decomposed_accents_match_composed)
{
	assert_same_name("Zoe\xcc\x88", "Zo\xc3\xab");  /* e + U+0308 and U+00EB */
	assert_same_name("Sio\xcc\x81" "bhan", "Siobhan");
}

Test(normalise, typographic_apostrophes_dashes_and_spaces_fold)
{
	assert_same_name("O\xe2\x80\x99Neill", "O'Neill");          /* U+2019 */
	assert_same_name("Smith\xe2\x80\x90Jones", "Smith-Jones");  /* U+2010 */
	assert_same_name("van\xc2\xa0" "Dijk", "van Dijk");         /* U+00A0 */
}

Test(normalise, different_names_still_differ)
{
	char na[64], nb[64];

	dasv_normalise_name("O'Neill", na, sizeof(na));
	dasv_normalise_name("O'Neil", nb, sizeof(nb));
	cr_assert_str_neq(na, nb);
}
