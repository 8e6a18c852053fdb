/*
 * test_memory.c - keys and plaintext in the process's memory.
 *
 * What a lock must achieve: once dasv_lock (the TUI's idle lock) or
 * dasv_close returns, the session's keys (data key and its subkeys, audit
 * key, slot key, box secret key) are nowhere in the process any more.
 *
 * How this is tested, honestly: the keys live in sodium_malloc memory, and
 * sodium_free wipes it and unmaps it, guard pages and all, so there is no
 * freed region left to look at and reading it would fault.  Instead the test
 * looks everywhere it can: it reads every writable mapping of its own
 * process through /proc/self/mem (heap, stacks, libraries' data, SQLite's
 * page cache; not ASan's shadow, which never holds application bytes) and
 * searches for each key's 32 bytes.  To keep its own
 * copy of the keys from being found, it never holds them whole: it keeps them
 * XORed with a random mask and compares memory byte by byte against
 * (masked ^ mask), so no 32-byte run of a key exists in the test's memory.
 * A control plants one key in an ordinary malloc'd buffer and must be found,
 * so the search can fail; and the keys are found while unlocked.
 *
 * What it cannot see: registers, and memory the kernel holds.  What it does
 * not claim: that plaintext the caller copied out of a record is gone (that
 * is the caller's to wipe, which dasv_referral_clear does).
 *
 * Also here: dasv_process_init turns off core dumps and ptrace attach
 * (RLIMIT_CORE 0, not dumpable); tests/e2e/test_memory.sh shows the effect on
 * the real TUI.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "keyops.h"
#include "referral_fixtures.h"

static struct th t;

static void
setup(void)
{
	fx_today(FX_TODAY);
	th_setup(&t);
}

static void
teardown(void)
{
	th_teardown(&t);
}

TestSuite(memory, .init = setup, .fini = teardown);

/* ---- keys held masked ----------------------------------------------------- */

enum { K_DATA, K_FIELD, K_BLIND, K_AUDIT, K_AUDIT_MAC, K_BG, K_SLOT, K_BOX_SK, NKEYS };
static const char *const key_names[NKEYS] = { "data",      "field", "blind", "audit",
					      "audit_mac", "bg",    "slot",  "box_sk" };

struct masked {
	unsigned char mask[NKEYS][DASV_KEY_BYTES];
	unsigned char val[NKEYS][DASV_KEY_BYTES]; /* key ^ mask */
};

static void
mask_one(struct masked *m, int i, const unsigned char *key)
{
	randombytes_buf(m->mask[i], DASV_KEY_BYTES);
	for (int j = 0; j < DASV_KEY_BYTES; j++)
		m->val[i][j] = key[j] ^ m->mask[i][j];
}

static void
mask_keys(struct masked *m, const struct dasv_keys *k)
{
	mask_one(m, K_DATA, k->data);
	mask_one(m, K_FIELD, k->field);
	mask_one(m, K_BLIND, k->blind);
	mask_one(m, K_AUDIT, k->audit);
	mask_one(m, K_AUDIT_MAC, k->audit_mac);
	mask_one(m, K_BG, k->bg);
	mask_one(m, K_SLOT, k->slot);
	mask_one(m, K_BOX_SK, k->box_sk);
}

/* Is key i of m at buf[0..32)?  Byte by byte: the key is never rebuilt whole. */
static int
match_at(const struct masked *m, int i, const volatile unsigned char *buf)
{
	for (int j = 0; j < DASV_KEY_BYTES; j++)
		if (buf[j] != (unsigned char)(m->val[i][j] ^ m->mask[i][j]))
			return 0;
	return 1;
}

/* ---- looking through the process's memory ---------------------------------- */

struct found {
	int any;
	char where[NKEYS][160];
};

static void
scan_buffer(const struct masked *m, unsigned want, const unsigned char *buf, size_t len,
	    const char *what, unsigned long base, struct found *f)
{
	unsigned char starts[256] = { 0 }; /* bit i: key i starts with this byte */

	for (int i = 0; i < NKEYS; i++)
		if (want & (1u << i))
			starts[(unsigned char)(m->val[i][0] ^ m->mask[i][0])] |= (unsigned char)(1u << i);
	for (size_t p = 0; p + DASV_KEY_BYTES <= len; p++) {
		unsigned s = starts[buf[p]];

		for (int i = 0; s; i++, s >>= 1)
			if ((s & 1) && !f->where[i][0] && match_at(m, i, buf + p)) {
				snprintf(f->where[i], sizeof(f->where[i]), "%.120s at %#lx", what,
					 base + p);
				f->any = 1;
			}
	}
}

/*
 * Every readable and writable mapping of the process (a key is written
 * there, so it cannot be in read-only text), read through /proc/self/mem.
 * Only resident pages (mincore): a page never touched holds zeros, and this
 * host has no swap, so a key is only ever in a resident page.  Mappings over
 * 4 GiB are ASan's shadow and reserved allocator space, never app bytes.
 */
static void
scan_process(const struct masked *m, unsigned want, struct found *f)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);
	long pg = sysconf(_SC_PAGESIZE);
	size_t cap = 1 << 20;
	unsigned char *buf = malloc(cap + DASV_KEY_BYTES), *vec = NULL;
	char line[512];

	memset(f, 0, sizeof(*f));
	cr_assert_not_null(maps);
	cr_assert_geq(mem, 0);
	cr_assert_not_null(buf);
	while (fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi, pages, run;
		char perms[8] = "", path[256] = "", what[300];

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &lo, &hi, perms, path) < 3)
			continue;
		if (perms[0] != 'r' || perms[1] != 'w' || hi - lo > (1ul << 32))
			continue;
		if (!strcmp(path, "[vvar]") || !strcmp(path, "[vsyscall]"))
			continue;
		snprintf(what, sizeof(what), "%s", path[0] ? path : "[anon]");
		pages = (hi - lo) / (unsigned long)pg;
		vec = realloc(vec, pages);
		cr_assert_not_null(vec);
		if (mincore((void *)lo, hi - lo, vec) != 0)
			memset(vec, 1, pages); /* cannot tell: read it all */
		for (unsigned long p = 0; p < pages; p = run) {
			unsigned long at, end;

			if (!(vec[p] & 1)) {
				run = p + 1;
				continue;
			}
			for (run = p; run < pages && (vec[run] & 1); run++)
				;
			end = lo + run * (unsigned long)pg;
			/* overlap by a key's length so a key across two reads is seen */
			for (at = lo + p * (unsigned long)pg; at < end; at += cap) {
				size_t n = end - at < cap + DASV_KEY_BYTES ? end - at
									 : cap + DASV_KEY_BYTES;
				ssize_t r = pread(mem, buf, n, (off_t)at);

				if (r >= DASV_KEY_BYTES)
					scan_buffer(m, want, buf, (size_t)r, what, at, f);
			}
		}
	}
	/* the read buffer holds the last chunk read: wipe it before freeing */
	sodium_memzero(buf, cap + DASV_KEY_BYTES);
	free(buf);
	free(vec);
	close(mem);
	fclose(maps);
}

static void
assert_none(const struct found *f, unsigned want, const char *when)
{
	for (int i = 0; i < NKEYS; i++)
		cr_expect(!(want & (1u << i)) || !f->where[i][0], "%s: the %s key is still in %s",
			  when, key_names[i], f->where[i]);
}

#define ALL_KEYS ((1u << NKEYS) - 1)
/* the keys a user's own slot holds; the rest are the database's, shared */
#define STAFF_KEYS ALL_KEYS

/* ---- process set-up -------------------------------------------------------- */

Test(memory, process_init_turns_off_core_dumps_and_ptrace)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_CORE, &rl), 0);
	cr_expect_eq(rl.rlim_cur, 0, "core dumps are on (soft limit %llu)",
		     (unsigned long long)rl.rlim_cur);
	cr_expect_eq(rl.rlim_max, 0, "core dumps can be turned back on (hard limit %llu)",
		     (unsigned long long)rl.rlim_max);
	cr_expect_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0, "the process is dumpable: "
							     "others of this user may ptrace it");
}

/* ---- the search can fail ------------------------------------------------- */

Test(memory, control_a_key_copied_to_the_heap_is_found)
{
	struct masked m;
	struct found f;
	unsigned char *copy = malloc(64);

	mask_keys(&m, t.d->keys);
	/* unlocked: the keys are in the sodium_malloc'd region */
	scan_process(&m, ALL_KEYS, &f);
	for (int i = 0; i < NKEYS; i++)
		cr_expect(f.where[i][0], "unlocked, the %s key was not found: the search is blind",
			  key_names[i]);
	/* a careless copy in ordinary heap memory, kept after the lock */
	cr_assert_not_null(copy);
	memcpy(copy + 7, t.d->keys->field, DASV_KEY_BYTES);
	dasv_lock(t.d);
	scan_process(&m, 1u << K_FIELD, &f);
	cr_expect(f.where[K_FIELD][0], "a key left in the heap was not found");
	sodium_memzero(copy, 64);
	free(copy);
	scan_process(&m, 1u << K_FIELD, &f);
	cr_expect(!f.where[K_FIELD][0], "wiped, it is still found (%s)", f.where[K_FIELD]);
}

/* ---- lock and close -------------------------------------------------------- */

/* Work that touches every key: intake, a read, a search, the audit chain. */
static void
work(void)
{
	struct dasv_referral r;
	struct dasv_row rows[4];
	struct dasv_audit_result ar;
	size_t n = 0;
	int64_t id;

	id = fx_quick(t.d, "Memorytest", "1970-01-01", "2026-06-01", NULL);
	fx_get(t.d, id, &r);
	dasv_referral_clear(&r);
	cr_assert_eq(dasv_search(t.d, "name_dob", "Memorytest", "1970-01-01", rows, 4, &n), DASV_OK,
		     "%s", dasv_errmsg(t.d));
	dasv_rows_wipe(rows, n);
	cr_assert_eq(dasv_audit_verify(t.d, &ar), DASV_OK, "%s", dasv_errmsg(t.d));
}

Test(memory, lock_leaves_no_key_anywhere_in_the_process)
{
	struct masked m;
	struct found f;
	const unsigned char *h;

	/* a fresh unlock, as a user starting the TUI would */
	th_as(&t, "admin");
	work();
	mask_keys(&m, t.d->keys);
	dasv_lock(t.d);
	cr_assert_null(t.d->keys, "the handle still points at keys");
	cr_assert_eq(dasv_is_unlocked(t.d), 0);
	cr_assert_eq(dasv_session_holds_data_key(t.d), 0);
	cr_assert_eq(dasv_session_user_id(t.d), 0);
	/* the handle itself (its error buffer, its statement cache) holds none */
	h = (const unsigned char *)t.d;
	for (size_t p = 0; p + DASV_KEY_BYTES <= sizeof(*t.d); p++)
		for (int i = 0; i < NKEYS; i++)
			cr_assert(!match_at(&m, i, h + p), "the %s key is in the handle at +%zu",
				  key_names[i], p);
	/* nor anything else in the process */
	scan_process(&m, ALL_KEYS, &f);
	assert_none(&f, ALL_KEYS, "after dasv_lock");
	/* and the locked handle refuses work */
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_LOCKED);
}

Test(memory, a_rotated_and_a_taken_up_key_are_gone_after_lock_too)
{
	struct masked before, after;
	struct found f;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_as(&t, "carol");
	work();
	mask_keys(&before, t.d->keys);
	th_as(&t, "admin");
	cr_assert_eq(dasv_rekey(t.d, NULL), DASV_OK, "%s", dasv_errmsg(t.d));
	/* carol takes up the rotated key sealed to her public key */
	th_as(&t, "carol");
	cr_assert_eq(t.d->keys->generation, 2);
	work();
	mask_keys(&after, t.d->keys);
	dasv_lock(t.d);
	scan_process(&before, ALL_KEYS & ~(1u << K_AUDIT) & ~(1u << K_AUDIT_MAC) & ~(1u << K_BG) &
				      ~(1u << K_SLOT) & ~(1u << K_BOX_SK),
		     &f);
	assert_none(&f, ALL_KEYS & ~(1u << K_AUDIT) & ~(1u << K_AUDIT_MAC) & ~(1u << K_BG) &
				~(1u << K_SLOT) & ~(1u << K_BOX_SK),
		    "the old data key, after the rotation and a lock");
	scan_process(&after, ALL_KEYS, &f);
	assert_none(&f, ALL_KEYS, "carol's keys after a lock");
}

Test(memory, close_leaves_no_key_anywhere_in_the_process)
{
	struct masked m;
	struct found f;

	work();
	mask_keys(&m, t.d->keys);
	dasv_close(&t.d);
	cr_assert_null(t.d);
	scan_process(&m, ALL_KEYS, &f);
	assert_none(&f, ALL_KEYS, "after dasv_close");
	cr_assert_eq(dasv_open(t.path, 0, &t.d), DASV_OK);
}
