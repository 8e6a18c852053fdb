/*
 * demo_int.h - what the demo's two files share and nothing else may include:
 * the seeded PRNG (one stream, so a seed and a "today" always give the same
 * database), the generator's state, and what the casework replay (demo.c)
 * needs to know of each generated referral (demo_gen.c).  Core-internal.
 */
#ifndef DASV_DEMO_INT_H
#define DASV_DEMO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "referral.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PRNG (xorshift64*, seeded through splitmix64) ------------------ */

struct rng {
	uint64_t s;
};

static inline uint32_t
rng_next(struct rng *g)
{
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return (uint32_t)((g->s * 0x2545f4914f6cdd1dull) >> 32);
}

/* 0 <= r < n */
static inline int
rnd(struct rng *g, int n)
{
	return n <= 1 ? 0 : (int)(((uint64_t)rng_next(g) * (uint64_t)n) >> 32);
}

/* true with probability pct/100 */
static inline int
chance(struct rng *g, int pct)
{
	return rnd(g, 1000) < pct * 10;
}

static inline int
pick_w(struct rng *g, const int *w, int n)
{
	int total = 0, r;

	for (int i = 0; i < n; i++)
		total += w[i];
	r = rnd(g, total);
	for (int i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

/* ---- the generator ---------------------------------------------------- */

struct person {
	const char *first, *last;
	int male;
	int32_t dob;
	char phone[24];
	char postcode[9];
	char address[96];
	char email[64];
	int district;
	int safe;       /* index into safe_contacts */
	int perp;       /* index of their perpetrator in the perps ring, -1 none */
};

struct perp {
	const char *first, *last;
	int32_t dob;
};

#define RING 4096
#define SERIAL_PERPS 6

struct gen {
	struct rng g;
	int32_t today;
	int phones_used;   /* unique numbers handed out, across both drama ranges */
	int phone_perm[2000];
	struct person people[RING];
	int npeople;
	struct person marker;
	struct perp perps[RING];
	int nperps;
	struct perp serial[SERIAL_PERPS];
};

/* What the replay of casework needs to remember about a referral. */
struct item {
	int64_t id;
	int32_t received;
	unsigned strand;
	int district;
	int sv_level;     /* target level for an SV-only assessment, -1 none */
	int level;        /* the level the generator aimed at */
};

/* The strings a built referral points into (wiped after use). */
struct strs {
	char first[128], last[128], dob[11], safe[256], perp_name[256], perp_dob[11], notes[512];
};

/*
 * Seed a zeroed generator, set its today (dasv_date_today) and draw what all
 * referrals share: the order phones are handed out, the serial perpetrators.
 */
void dasv_demo_gen_init(struct gen *G, uint32_t seed);
/* The code of a generated district index ("peterborough", ...). */
const char *dasv_demo_district_code(int district);
/*
 * Build referral i (0-based, in date order) received on day `received`.
 * marker: the documented marker person (first referral and its repeat).
 * The referral's strings point into s.
 */
void dasv_demo_build(struct gen *G, int i, int32_t received, int marker_repeat,
		     struct dasv_referral *r, struct strs *s, struct dasv_dash_input *dash,
		     int *has_dash, struct item *it);

#endif
