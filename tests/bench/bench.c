/*
 * bench.c - the benchmark program behind `make bench` (tests/bench/run.sh).
 *
 * Owns: synthetic databases at a county's and a nation's scale, made through
 * the real core (encrypted, blind-indexed, repeat-linked, DASH-scored), the
 * plain unencrypted mirror the baselines read, the import CSV, and the
 * in-process timings: a queue page, a repeat-victim lookup, the uptake report
 * and an unlock.  Each timing is the median of repeated runs and is printed
 * as one "key value" line for run.sh to put in RESULTS.md.
 *
 * Like the unit tests it may reach past the public headers (internal.h for
 * the handle's sqlite3 *, referral_int.h for batch inserts) and use SQLite
 * directly for the plain baselines.  It is never part of `make test`.
 *
 * Must never: be pointed at a real database.  Every person in it is invented
 * (built-in name lists, Ofcom drama phone numbers, example.org e-mail), and
 * the databases it makes carry the `demo` setting and the published demo
 * passphrases of demo.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "codes.h"
#include "csv.h"
#include "date.h"
#include "demo.h"
#include "internal.h"
#include "io.h"
#include "referral_int.h"
#include "report.h"
#include "risk.h"

/* Bump when the generator's output changes: run.sh rebuilds cached databases. */
#define BENCH_GEN_VERSION 2
#define BATCH 10000
#define PAGE_ROWS 32 /* the list widget's smallest page (tui/widget_list.c) */
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("dasv-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User + system CPU seconds of this process. */
static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
check(struct dasv *d, enum dasv_status st, const char *what)
{
	if (st != DASV_OK)
		die("%s: %s (%s)", what, dasv_errmsg(d), dasv_status_str(st));
}

static void
sql_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("sql: %s: %s", err ? err : "?", sql);
}

static int64_t
sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare: %s: %s", sqlite3_errmsg(db), sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static struct dasv *
open_as(const char *path, const char *user, const char *pass)
{
	struct dasv *d = NULL;
	enum dasv_status st = dasv_open(path, 0, &d);

	if (st != DASV_OK)
		die("open %s: %s", path, d ? dasv_errmsg(d) : "out of memory");
	check(d, dasv_unlock(d, user, pass), "unlock");
	return d;
}

/* ---- PRNG (xorshift64*, seeded through splitmix64) ------------------ */

struct rng {
	uint64_t s;
};

static void
rng_seed(struct rng *g, uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	g->s = (z ^ (z >> 31)) | 1;
}

static uint32_t
rng_next(struct rng *g)
{
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return (uint32_t)((g->s * 0x2545f4914f6cdd1dull) >> 32);
}

static int
rnd(struct rng *g, int n)
{
	return n <= 1 ? 0 : (int)(((uint64_t)rng_next(g) * (uint64_t)n) >> 32);
}

static int
chance(struct rng *g, int pct)
{
	return rnd(g, 1000) < pct * 10;
}

static int
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

#define PICK(g, list) ((list)[rnd((g), (int)LEN(list))])
#define PICKW(g, codes, w) ((codes)[pick_w((g), (w), (int)LEN(w))])

/* ---- synthetic vocabulary -------------------------------------------- */

static const char *const female_first[] = {
	"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Chloe", "Jessica",
	"Hannah", "Zoë", "Siobhán", "Aoife", "Niamh", "Fatima", "Aisha", "Priya", "Amira",
	"Maryam", "Zainab", "Agnieszka", "Katarzyna", "Małgorzata", "Oksana", "Ioana", "Elena",
	"Chiamaka", "Abena", "Mei", "Leila", "Nadia", "Kelly", "Joanne", "Sarah", "Rebecca",
	"Laura", "Emma", "Gemma", "Rachel", "Renée", "Inês", "Bronwen", "Eilidh", "Mary",
	"Susan", "Karen", "Tracey", "Lisa", "Nicola", "Jade", "Amber", "Megan", "Ruby", "Ayşe",
};

static const char *const male_first[] = {
	"Oliver", "George", "Jack", "Harry", "Mohammed", "Ahmed", "Łukasz", "Piotr", "Andrei",
	"Kwame", "Chinedu", "Jamal", "Ravi", "Seán", "Connor", "Liam", "Daniel", "James",
	"Thomas", "Ryan", "Callum", "José", "Wei", "Tariq", "Kofi", "Dylan", "Craig", "Gareth",
	"Rhys", "Wayne", "Darren", "Mark", "Paul", "Nathan", "Bogdan", "Emre", "Hamza", "Jakub",
};

static const char *const surnames[] = {
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
	"Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Edwards",
	"Green", "Hall", "Wood", "Harris", "Clarke", "Patel", "Khan", "Ali", "Hussain", "Begum",
	"Ahmed", "Akhtar", "Singh", "Kaur", "Sharma", "Nowak", "Kowalski", "Wiśniewska",
	"Wójcik", "Popescu", "Ionescu", "O'Brien", "O'Connor", "Murphy", "Kelly", "MacDonald",
	"Okafor", "Mensah", "Adeyemi", "Osei", "Nguyen", "Chen", "Wang", "Kim", "Silva",
	"Santos", "Ferreira", "da Costa", "Müller", "Le Fèvre", "Yılmaz", "Demir", "Kovačević",
	"Petrović", "Baker", "Turner", "Cooper", "King", "Lee", "Mitchell", "Ward", "Morris",
	"Cox", "Fisher", "Mason", "Hunt", "Barnes", "Lloyd", "Fletcher", "Mahmood", "Iqbal",
	"Rahman", "Chowdhury", "Gill", "Sandhu", "Dhillon", "Owusu", "Boateng", "Eze",
};

static const char *const streets[] = {
	"Mill Road", "Station Road", "High Street", "Church Lane", "Victoria Road", "Park Road",
	"London Road", "Chapel Street", "Broadway", "The Green", "Orchard Close", "Willow Way",
};

static const char *const towns[] = { "Cambridge", "Ely", "Wisbech", "March", "Huntingdon",
				     "St Neots", "Peterborough", "Soham", "Histon" };

static const char *const outward[] = { "CB1", "CB2", "CB4", "CB6", "CB7", "CB22", "PE1",
				       "PE2", "PE13", "PE15", "PE19", "PE27", "PE29" };

static const char *const safe_contacts[] = {
	"Safe to call on her mobile at any time",
	"Call only 9am to 3pm on weekdays, when he is at work",
	"Do not call. Text first and wait for a reply",
	"Letters to the GP surgery only, never to the home address",
	"Safe to call; if someone else answers say you are from the dentist",
	"E-mail only: the phone is monitored",
	"Interpreter needed; call via the language line, mornings only",
};

static const char *const note_lines[] = {
	"Referred after a police call-out; disclosed earlier incidents not reported at the time.",
	"Reports coercive control: access to money and phone restricted.",
	"Recently separated; perpetrator still has a key to the property.",
	"School raised concerns after a child disclosed arguments at home.",
	"Self-referral through the helpline; wants advice on a non-molestation order.",
	"Reports being followed home from work several times a week.",
	"Has no recourse to public funds; needs help with accommodation.",
};

/*
 * Ofcom's numbers for drama (never assigned to anyone), so phone linking is
 * exercised without inventing a real person's number.  Each is handed out
 * once: a shared number would link two invented strangers.  There are 17 000
 * of them, so most people at a nation's scale have no phone recorded.
 */
static const char *const phone_ranges[] = {
	"07700 900", "01632 960", "020 7946 0", "0113 496 0", "0114 496 0", "0115 496 0",
	"0116 496 0", "0117 496 0", "0118 496 0", "0121 496 0", "0131 496 0", "0141 496 0",
	"0151 496 0", "0161 496 0", "0191 498 0", "029 2018 0", "0306 999 0",
};
#define PHONES ((int)LEN(phone_ranges) * 1000)

/* ---- the generator ---------------------------------------------------- */

struct person {
	char first[64], last[128];
	int32_t dob;
	int male;
	int phone;     /* index into the drama numbers, -1 none */
	char postcode[12];
	int street, town, house;
	int safe;
	int perp;      /* ring index of their perpetrator, -1 none */
};

struct perp {
	char name[160];
	int32_t dob;
};

#define RING 8192
#define SERIAL 8

struct gen {
	struct rng g;
	int32_t first_day;   /* received dates: first_day + [0, days) in order */
	int days;
	int64_t n;
	int next_phone;
	int phone_perm[PHONES];
	struct person people[RING];
	int64_t npeople;
	struct perp perps[RING];
	int64_t nperps;
	struct perp serial[SERIAL];
	int serial_uses[SERIAL];
};

/* What one referral's strings live in while it is inserted or written. */
struct strs {
	char first[64], last[128], dob[11], phone[24], postcode[12], address[128], email[96];
	char perp_name[160], perp_dob[11], notes[512];
};

/*
 * A serial perpetrator harms about ten people, then another takes their
 * place, so their number grows with the database as it would in life.
 */
#define SERIAL_VICTIMS 10

static void
new_serial(struct gen *G, int k)
{
	snprintf(G->serial[k].name, sizeof(G->serial[k].name), "%s %s", PICK(&G->g, male_first),
		 PICK(&G->g, surnames));
	G->serial[k].dob = G->first_day - 9000 - rnd(&G->g, 9000);
	G->serial_uses[k] = 0;
}

static void
gen_init(struct gen *G, uint64_t seed, int64_t n, int year)
{
	char b[11];

	memset(G, 0, sizeof(*G));
	rng_seed(&G->g, seed);
	snprintf(b, sizeof(b), "%04d-01-01", year);
	if (dasv_date_parse(b, &G->first_day, NULL, 0) != DASV_OK)
		die("bad year %d", year);
	G->days = 365;
	G->n = n;
	for (int k = 0; k < PHONES; k++)
		G->phone_perm[k] = k;
	for (int k = PHONES - 1; k > 0; k--) {
		int j = rnd(&G->g, k + 1), t = G->phone_perm[k];
		G->phone_perm[k] = G->phone_perm[j];
		G->phone_perm[j] = t;
	}
	for (int k = 0; k < SERIAL; k++)
		new_serial(G, k);
}

static void
surname(struct gen *G, char *out, size_t n)
{
	/* a third double-barrelled: about 7 500 surnames, as in a real population */
	if (chance(&G->g, 33))
		snprintf(out, n, "%s-%s", PICK(&G->g, surnames), PICK(&G->g, surnames));
	else
		snprintf(out, n, "%s", PICK(&G->g, surnames));
}

static void
new_person(struct gen *G, struct person *p, int32_t received)
{
	static const int lo[] = { 16, 18, 25, 35, 45, 55, 65 };
	static const int hi[] = { 17, 24, 34, 44, 54, 64, 82 };
	static const int w[] = { 2, 20, 32, 24, 12, 6, 4 };
	static const char letters[] = "ABDEFGHJLNPQRSTUWXYZ";
	int b = pick_w(&G->g, w, (int)LEN(w)), age = lo[b] + rnd(&G->g, hi[b] - lo[b] + 1);

	memset(p, 0, sizeof(*p));
	p->male = chance(&G->g, 11);
	snprintf(p->first, sizeof(p->first), "%s",
		 p->male ? PICK(&G->g, male_first) : PICK(&G->g, female_first));
	surname(G, p->last, sizeof(p->last));
	p->dob = received - (int32_t)(age * 365.25) - rnd(&G->g, 365);
	p->phone = chance(&G->g, 85) && G->next_phone < PHONES ? G->phone_perm[G->next_phone++]
								: -1;
	if (chance(&G->g, 90))
		snprintf(p->postcode, sizeof(p->postcode), "%s %d%c%c", PICK(&G->g, outward),
			 rnd(&G->g, 10), letters[rnd(&G->g, (int)sizeof(letters) - 1)],
			 letters[rnd(&G->g, (int)sizeof(letters) - 1)]);
	p->street = rnd(&G->g, (int)LEN(streets));
	p->town = rnd(&G->g, (int)LEN(towns));
	p->house = chance(&G->g, 80) ? 1 + rnd(&G->g, 180) : 0;
	p->safe = rnd(&G->g, (int)LEN(safe_contacts));
	p->perp = -1;
}

static void
make_dash(struct gen *G, int level, char out[DASV_DASH_QUESTIONS + 1])
{
	int score = level == 2 ? 14 + rnd(&G->g, 7) : level == 1 ? 10 + rnd(&G->g, 4)
								  : 1 + rnd(&G->g, 9);
	int idx[DASV_DASH_QUESTIONS], yes = 0;

	for (int i = 0; i < DASV_DASH_QUESTIONS; i++) {
		idx[i] = i;
		out[i] = chance(&G->g, 85) ? 'N' : '?';
	}
	out[DASV_DASH_QUESTIONS] = '\0';
	for (int i = DASV_DASH_QUESTIONS - 1; i > 0; i--) {
		int j = rnd(&G->g, i + 1), t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	for (int i = 0; i < DASV_DASH_QUESTIONS && yes < score; i++, yes++)
		out[idx[i]] = 'Y';
}

/* Referral i of G->n, received in date order over the year. */
static void
gen_referral(struct gen *G, int64_t i, struct dasv_referral *r, struct strs *s,
	     struct dasv_dash_input *dash, int *has_dash)
{
	static const char *const src[] = { "police", "health", "mental_health",
					   "children_services", "adult_services", "housing",
					   "education", "self", "family_friend", "helpline",
					   "voluntary_sector", "marac", "probation", "other" };
	static const int src_w[] = { 38, 8, 3, 11, 3, 6, 3, 10, 3, 6, 4, 2, 1, 2 };
	static const char *const districts[] = { "cambridge", "east_cambridgeshire", "fenland",
						 "huntingdonshire", "south_cambridgeshire",
						 "peterborough", "out_of_area" };
	static const int district_w[] = { 59, 36, 40, 74, 66, 80, 3 };
	static const char *const rel[] = { "partner", "ex_partner", "family_member",
					   "acquaintance", "stranger", "other" };
	static const int rel_w[] = { 42, 38, 15, 2, 1, 2 };
	static const char *const eth[] = { "white", "mixed", "asian", "black", "other",
					   "not_known" };
	static const int eth_w[] = { 78, 3, 9, 5, 2, 3 };
	static const char *const yn[] = { "yes", "no", "not_known" };
	static const int dis_w[] = { 22, 62, 16 };
	static const int interp_w[] = { 6, 90, 4 };
	static const int strand_w[] = { 72, 22, 6 };
	static const int level_w[] = { 55, 30, 15 };
	int32_t received = G->first_day + (int32_t)(i * G->days / (G->n > 0 ? G->n : 1));
	struct person *p, fresh;
	const struct perp *q = NULL;
	int k, level, serial = -1;

	memset(r, 0, sizeof(*r));
	memset(dash, 0, sizeof(*dash));
	*has_dash = 0;
	dasv_date_format(received, r->received_on);
	k = pick_w(&G->g, strand_w, 3);
	r->strand = k == 0 ? 1u : k == 1 ? 2u : 3u;
	r->vawg = (r->strand & 1u ? 1u : 0u) | (r->strand & 2u ? 2u : 0u);
	if ((r->strand & 1u) && chance(&G->g, 18))
		r->vawg |= 1u << 4;
	snprintf(r->source, sizeof(r->source), "%s", PICKW(&G->g, src, src_w));
	if (chance(&G->g, 70))
		dasv_date_format(received - rnd(&G->g, 15), r->incident_on);

	/* about one in ten is someone referred before: repeat victimisation */
	p = NULL;
	if (G->npeople > 20 && chance(&G->g, 10)) {
		int64_t back = 1 + rnd(&G->g, G->npeople < RING ? (int)G->npeople : RING);
		p = &G->people[(G->npeople - back) % RING];
		if (p->dob >= received)
			p = NULL;
	}
	if (!p) {
		new_person(G, &fresh, received);
		p = &G->people[G->npeople++ % RING];
		*p = fresh;
	}
	snprintf(r->district, sizeof(r->district), "%s", PICKW(&G->g, districts, district_w));
	snprintf(s->first, sizeof(s->first), "%s", p->first);
	snprintf(s->last, sizeof(s->last), "%s", p->last);
	dasv_date_format(p->dob, s->dob);
	s->phone[0] = '\0';
	if (p->phone >= 0)
		snprintf(s->phone, sizeof(s->phone), "%s%03d", phone_ranges[p->phone / 1000],
			 p->phone % 1000);
	snprintf(s->postcode, sizeof(s->postcode), "%s", p->postcode);
	s->address[0] = '\0';
	if (p->house)
		snprintf(s->address, sizeof(s->address), "%d %s, %s", p->house, streets[p->street],
			 towns[p->town]);
	s->email[0] = '\0';
	if (p->phone >= 0 && p->phone % 4 == 0)
		snprintf(s->email, sizeof(s->email), "person%d@example.org", p->phone);
	r->person.first_name = s->first;
	r->person.last_name = s->last;
	r->person.date_of_birth = s->dob;
	r->person.phone = s->phone;
	r->person.postcode = s->postcode;
	r->person.address = s->address;
	r->person.email = s->email;
	r->person.safe_contact = (char *)safe_contacts[p->safe];
	r->person.safe_to_call = p->safe % 3 == 2 ? 0 : 1;
	r->person.voicemail_ok = p->safe == 0;
	r->person.letters_ok = p->safe % 2;

	snprintf(r->eq_sex, sizeof(r->eq_sex), "%s", p->male ? "male" : "female");
	snprintf(r->eq_ethnicity, sizeof(r->eq_ethnicity), "%s", PICKW(&G->g, eth, eth_w));
	snprintf(r->eq_disability, sizeof(r->eq_disability), "%s", PICKW(&G->g, yn, dis_w));
	snprintf(r->eq_interpreter, sizeof(r->eq_interpreter), "%s", PICKW(&G->g, yn, interp_w));
	snprintf(r->eq_pregnancy, sizeof(r->eq_pregnancy), "%s",
		 p->male ? "no" : chance(&G->g, 7) ? "yes" : "no");

	if (chance(&G->g, 45)) {
		r->children_count = 1 + rnd(&G->g, 3);
		r->n_children_ages = r->children_count;
		for (int c = 0; c < r->children_count; c++)
			r->children_ages[c] = rnd(&G->g, 18);
	}

	/* the same perpetrator again for most repeat victims; a few serial ones */
	if (p->perp >= 0 && chance(&G->g, 75))
		q = &G->perps[p->perp % RING];
	else if (rnd(&G->g, 1000) < 25)
		q = &G->serial[serial = rnd(&G->g, SERIAL)];
	else if (chance(&G->g, r->strand == 2u ? 65 : 95)) {
		struct perp *nq = &G->perps[G->nperps % RING];
		snprintf(nq->name, sizeof(nq->name), "%s %s",
			 chance(&G->g, 88) ? PICK(&G->g, male_first) : PICK(&G->g, female_first),
			 PICK(&G->g, surnames));
		nq->dob = received - 6600 - rnd(&G->g, 15000);
		p->perp = (int)(G->nperps++ % RING);
		q = nq;
	}
	s->perp_name[0] = s->perp_dob[0] = '\0';
	if (q) {
		snprintf(s->perp_name, sizeof(s->perp_name), "%s", q->name);
		dasv_date_format(q->dob, s->perp_dob);
		r->perpetrator_name = s->perp_name;
		r->perpetrator_dob = s->perp_dob;
		snprintf(r->perpetrator_relationship, sizeof(r->perpetrator_relationship), "%s",
			 PICKW(&G->g, rel, rel_w));
		if (serial >= 0 && ++G->serial_uses[serial] >= SERIAL_VICTIMS)
			new_serial(G, serial);
	} else {
		snprintf(r->perpetrator_relationship, sizeof(r->perpetrator_relationship),
			 "unknown");
	}
	r->consent_to_share = chance(&G->g, 85);
	if (!r->consent_to_share)
		snprintf(r->sharing_basis, sizeof(r->sharing_basis), "safeguarding");
	r->do_not_inform_perpetrator = chance(&G->g, 12);
	snprintf(s->notes, sizeof(s->notes), "%s", PICK(&G->g, note_lines));
	r->notes = s->notes;

	level = pick_w(&G->g, level_w, 3);
	if (r->strand & 1u) {
		make_dash(G, level, dash->answers);
		dash->consent = level == 2 ? chance(&G->g, 60) : chance(&G->g, 80);
		dash->pj_level = DASV_LEVEL_NONE;
		memcpy(dash->assessed_on, r->received_on, sizeof(dash->assessed_on));
		*has_dash = 1;
	}
}

/* The last full calendar year: every referral of a database falls in it. */
static int
bench_year(void)
{
	int y, m, dd;

	dasv_date_split(dasv_date_today(), &y, &m, &dd);
	return y - 1;
}

/* ---- databases ---------------------------------------------------------- */

static struct dasv *
create_db(const char *path)
{
	struct dasv *d = NULL;
	enum dasv_status st = dasv_init(path, "admin", DASV_DEMO_ADMIN_PASS, &d);

	check(d, st, "init");
	check(d, dasv_user_add(d, "supervisor", DASV_ROLE_SUPERVISOR, DASV_DEMO_SUPERVISOR_PASS),
	      "user add");
	check(d, dasv_user_add(d, "caseworker", DASV_ROLE_CASEWORKER, DASV_DEMO_CASEWORKER_PASS),
	      "user add");
	check(d, dasv_user_add(d, "auditor", DASV_ROLE_AUDITOR, DASV_DEMO_AUDITOR_PASS),
	      "user add");
	/* synthetic people: the TUI says DEMO, as for `dasv demo` */
	check(d, dasv_setting_set(d, "demo", "1"), "setting");
	dasv_lock(d);
	check(d, dasv_unlock(d, "supervisor", DASV_DEMO_SUPERVISOR_PASS), "unlock");
	return d;
}

static void
checkpoint(struct dasv *d)
{
	sql_exec(d->db, "PRAGMA wal_checkpoint(TRUNCATE)");
}

/*
 * BENCH_SQL_PROFILE=FILE: time every statement the core runs (SQLite's own
 * profile hook, keyed by the cached statement) and write the costliest to
 * FILE, to say which query a slow path spends its time in.
 */
struct sql_cost {
	sqlite3_stmt *st;
	uint64_t ns, calls;
};
static struct sql_cost sql_costs[512];
static size_t n_sql_costs;

static int
sql_profile_cb(unsigned type, void *ctx, void *p, void *x)
{
	sqlite3_stmt *st = p;
	size_t i;

	(void)ctx;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	for (i = 0; i < n_sql_costs && sql_costs[i].st != st; i++)
		;
	if (i == n_sql_costs) {
		if (n_sql_costs == LEN(sql_costs))
			return 0;
		sql_costs[n_sql_costs++].st = st;
	}
	sql_costs[i].ns += *(sqlite3_uint64 *)x;
	sql_costs[i].calls++;
	return 0;
}

static int
sql_cost_cmp(const void *a, const void *b)
{
	const struct sql_cost *x = a, *y = b;

	return (x->ns < y->ns) - (x->ns > y->ns);
}

static void
sql_profile_start(sqlite3 *db)
{
	if (getenv("BENCH_SQL_PROFILE"))
		sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, sql_profile_cb, NULL);
}

static void
sql_profile_write(int64_t per)
{
	const char *path = getenv("BENCH_SQL_PROFILE");
	FILE *f;
	uint64_t total = 0;

	if (!path || !(f = fopen(path, "w")))
		return;
	qsort(sql_costs, n_sql_costs, sizeof(sql_costs[0]), sql_cost_cmp);
	for (size_t i = 0; i < n_sql_costs; i++)
		total += sql_costs[i].ns;
	fprintf(f, "%.1f us of SQL per item in all\n", (double)total / 1e3 / (double)per);
	for (size_t i = 0; i < n_sql_costs && i < 25; i++)
		fprintf(f, "%8.2f us/item %6.2f calls/item  %.160s\n",
			(double)sql_costs[i].ns / 1e3 / (double)per,
			(double)sql_costs[i].calls / (double)per, sqlite3_sql(sql_costs[i].st));
	fclose(f);
}

/* `gen DB N SEED`: N referrals through dasv_referral_insert, BATCH per transaction. */
static int
cmd_gen(const char *path, int64_t n, uint64_t seed)
{
	struct gen *G = calloc(1, sizeof(*G));
	struct dasv *d;
	struct dasv_referral r;
	struct dasv_dash_input dash;
	struct dasv_intake_result ir;
	struct dasv_field_err fe;
	struct dasv_marac_result mr;
	struct strs s;
	double t0 = now_s(), tb = t0;
	int has_dash;
	int64_t first = 0, done = 0;
	char detail[128];

	if (!G)
		die("out of memory");
	gen_init(G, seed, n, bench_year());
	d = create_db(path);
	/*
	 * Building the fixture is not what is measured: a large page cache keeps
	 * the random blind-index inserts in memory.  dasv itself runs with
	 * SQLite's default cache, and every timing below uses a fresh handle.
	 */
	sql_exec(d->db, "PRAGMA cache_size = -524288");
	sql_profile_start(d->db);
	for (int64_t i = 0; i < n; i++) {
		if (i % BATCH == 0)
			check(d, dasv_tx_begin(d), "begin");
		gen_referral(G, i, &r, &s, &dash, &has_dash);
		check(d, dasv_referral_insert(d, &r, &fe, &ir), "insert");
		if (has_dash)
			check(d, dasv_dash_apply(d, ir.id, &dash, &mr), "dash");
		if (i % BATCH == 0)
			first = ir.id;
		if (i % BATCH == BATCH - 1 || i == n - 1) {
			snprintf(detail, sizeof(detail), "count=%" PRId64 " first=%" PRId64
				 " last=%" PRId64, i % BATCH + 1, first, ir.id);
			check(d, dasv_audit_append(d, "bench_create", "referral", first, detail),
			      "audit");
			check(d, dasv_tx_commit(d), "commit");
			if ((i + 1) % 100000 == 0 || i == n - 1) {
				double t = now_s();
				fprintf(stderr, "  %s: %" PRId64 " of %" PRId64 " (%.0f/s lately, "
					"%.0f s in all)\n", path, i + 1, n,
					(double)(i + 1 - done) / (t - tb), t - t0);
				tb = t;
				done = i + 1;
			}
		}
	}
	sql_profile_write(n);
	checkpoint(d);
	printf("gen_rows %" PRId64 "\ngen_seconds %.1f\ngen_rate %.0f\n", n, now_s() - t0,
	       (double)n / (now_s() - t0));
	dasv_wipe(&s, sizeof(s));
	dasv_close(&d);
	free(G);
	return 0;
}

/* `empty DB`: the users and nothing else, the import's target. */
static int
cmd_empty(const char *path)
{
	struct dasv *d = create_db(path);

	checkpoint(d);
	dasv_close(&d);
	return 0;
}

/* ---- the import CSV ------------------------------------------------------ */

static const char *const csv_cols[] = {
	"received_on", "source", "strand", "vawg_types", "district", "first_name", "last_name",
	"date_of_birth", "phone", "postcode", "safe_contact", "perpetrator_name",
	"perpetrator_relationship", "children_count", "dash_answers", "notes", "sex",
	"ethnicity", "disability", "pregnancy", "interpreter", "consent_to_share",
	"sharing_basis", "do_not_inform_perpetrator", "incident_on", "address", "email",
	"perpetrator_dob", "children_ages", "safe_to_call", "voicemail_ok", "letters_ok",
};

static const char *
yes_no(int v)
{
	return v == 1 ? "yes" : v == 0 ? "no" : "not_known";
}

static void
put(FILE *f, const char *s)
{
	if (dasv_csv_write_field(f, s ? s : "", 0) != DASV_OK)
		die("write csv: %s", strerror(errno));
}

/* `csv OUT N SEED`: the same generator, written as an import file. */
static int
cmd_csv(const char *out, int64_t n, uint64_t seed)
{
	struct gen *G = calloc(1, sizeof(*G));
	struct dasv_referral r;
	struct dasv_dash_input dash;
	struct strs s;
	FILE *f = fopen(out, "w");
	char buf[256];
	int has_dash;

	if (!G || !f)
		die("%s: %s", out, strerror(errno));
	gen_init(G, seed, n, bench_year());
	for (size_t c = 0; c < LEN(csv_cols); c++)
		dasv_csv_write_field(f, csv_cols[c], c + 1 == LEN(csv_cols));
	for (int64_t i = 0; i < n; i++) {
		gen_referral(G, i, &r, &s, &dash, &has_dash);
		put(f, r.received_on);
		put(f, r.source);
		dasv_code_format_set(DASV_LIST_STRAND, r.strand, buf, sizeof(buf));
		put(f, buf);
		dasv_code_format_set(DASV_LIST_VAWG, r.vawg, buf, sizeof(buf));
		put(f, buf);
		put(f, r.district);
		put(f, r.person.first_name);
		put(f, r.person.last_name);
		put(f, r.person.date_of_birth);
		put(f, r.person.phone);
		put(f, r.person.postcode);
		put(f, r.person.safe_contact);
		put(f, r.perpetrator_name);
		put(f, r.perpetrator_relationship);
		snprintf(buf, sizeof(buf), "%d", r.children_count);
		put(f, buf);
		put(f, has_dash ? dash.answers : "");
		put(f, r.notes);
		put(f, r.eq_sex);
		put(f, r.eq_ethnicity);
		put(f, r.eq_disability);
		put(f, r.eq_pregnancy);
		put(f, r.eq_interpreter);
		put(f, yes_no(r.consent_to_share));
		put(f, r.sharing_basis);
		put(f, yes_no(r.do_not_inform_perpetrator));
		put(f, r.incident_on);
		put(f, r.person.address);
		put(f, r.person.email);
		put(f, r.perpetrator_dob);
		buf[0] = '\0';
		for (int c = 0, o = 0; c < r.n_children_ages; c++)
			o += snprintf(buf + o, sizeof(buf) - (size_t)o, "%s%d", c ? ";" : "",
				      r.children_ages[c]);
		put(f, buf);
		put(f, yes_no(r.person.safe_to_call));
		put(f, yes_no(r.person.voicemail_ok));
		dasv_csv_write_field(f, yes_no(r.person.letters_ok), 1);
	}
	if (fclose(f) != 0)
		die("%s: %s", out, strerror(errno));
	free(G);
	return 0;
}

/*
 * `import DB CSV [CACHE_KIB]`: dasv_import_csv in-process (what `dasv import`
 * runs, less the process and the unlock), optionally with a larger page
 * cache than SQLite's default, to profile the import and to show what the
 * cache costs it.  DB is modified.
 */
static int
cmd_import(const char *path, const char *csv, long cache_kib)
{
	struct dasv *d = open_as(path, "supervisor", DASV_DEMO_SUPERVISOR_PASS);
	struct dasv_import_result res;
	FILE *f = fopen(csv, "r");
	char pragma[64];
	double t0, c0;

	if (!f)
		die("%s: %s", csv, strerror(errno));
	if (cache_kib > 0) {
		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%ld", cache_kib);
		sql_exec(d->db, pragma);
	}
	sql_profile_start(d->db);
	t0 = now_s();
	c0 = cpu_s();
	check(d, dasv_import_csv(d, f, &res), "import");
	t0 = now_s() - t0;
	c0 = cpu_s() - c0;
	sql_profile_write(res.imported);
	printf("import_inproc_rows %" PRId64 "\nimport_inproc_s %.2f\nimport_inproc_rate %.0f\n"
	       "import_inproc_cpu_s %.2f\nimport_inproc_cpu_rate %.0f\n",
	       res.imported, t0, (double)res.imported / t0, c0, (double)res.imported / c0);
	fclose(f);
	dasv_close(&d);
	return 0;
}

/* ---- the plain mirror ------------------------------------------------- */

/* Copy a table's or index's own CREATE statement from the attached database. */
static void
copy_ddl(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT sql FROM e.sqlite_schema WHERE name = ?", -1, &st,
			       NULL) != SQLITE_OK)
		die("prepare: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("no %s in the schema", name);
	sql_exec(db, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/*
 * `plain ENC PLAIN`: the same referrals, services and queue index, with the
 * people's names and dates of birth in clear: what the baselines read.
 */
static int
cmd_plain(const char *enc, const char *plain)
{
	struct dasv *d = open_as(enc, "supervisor", DASV_DEMO_SUPERVISOR_PASS);
	sqlite3 *db;
	sqlite3_stmt *rd, *wr, *at;
	int64_t n = 0;

	unlink(plain);
	if (sqlite3_open(plain, &db) != SQLITE_OK)
		die("open %s", plain);
	sql_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
		     "PRAGMA cache_size = -262144");
	/* the encrypted database is only read: its referrals are copied as they are */
	if (sqlite3_prepare_v2(db, "ATTACH ? AS e", -1, &at, NULL) != SQLITE_OK)
		die("prepare: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(at, 1, enc, -1, SQLITE_STATIC);
	if (sqlite3_step(at) != SQLITE_DONE)
		die("attach %s: %s", enc, sqlite3_errmsg(db));
	sqlite3_finalize(at);
	sql_exec(db, "BEGIN");
	copy_ddl(db, "services");
	copy_ddl(db, "referrals");
	sql_exec(db, "INSERT INTO main.services SELECT * FROM e.services; "
		     "INSERT INTO main.referrals SELECT * FROM e.referrals");
	copy_ddl(db, "referrals_queue");
	copy_ddl(db, "referrals_person");
	sql_exec(db, "CREATE TABLE people(id INTEGER PRIMARY KEY, first_name TEXT, "
		     "last_name TEXT, date_of_birth TEXT)");
	if (sqlite3_prepare_v2(d->db, "SELECT id, record_key, first_name, last_name, "
			       "date_of_birth FROM people ORDER BY id", -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO people VALUES (?,?,?,?)", -1, &wr, NULL) !=
		    SQLITE_OK)
		die("prepare mirror");
	while (sqlite3_step(rd) == SQLITE_ROW) {
		unsigned char rk[DASV_KEY_BYTES];
		int64_t id = sqlite3_column_int64(rd, 0);
		char *v[3] = { NULL, NULL, NULL };
		static const char *const cols[] = { "first_name", "last_name", "date_of_birth" };

		check(d, dasv_record_key_open(d, "people", id, sqlite3_column_blob(rd, 1),
					      sqlite3_column_bytes(rd, 1), rk), "record key");
		for (int k = 0; k < 3; k++)
			check(d, dasv_column_open(d, rd, 2 + k, rk, "people", cols[k], id, &v[k]),
			      "open");
		dasv_wipe(rk, sizeof(rk));
		sqlite3_bind_int64(wr, 1, id);
		for (int k = 0; k < 3; k++)
			sqlite3_bind_text(wr, 2 + k, v[k], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(wr) != SQLITE_DONE)
			die("mirror: %s", sqlite3_errmsg(db));
		sqlite3_reset(wr);
		for (int k = 0; k < 3; k++)
			dasv_str_free(&v[k]);
		n++;
	}
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	sql_exec(db, "CREATE INDEX people_name_dob ON people(last_name, date_of_birth)");
	sql_exec(db, "COMMIT; DETACH e; PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	dasv_close(&d);
	fprintf(stderr, "  %s: %" PRId64 " people mirrored\n", plain, n);
	return 0;
}

/* ---- queue pages -------------------------------------------------------- */

/* The key of the row at 1-based position pos of the queue (set-up, not timed). */
static void
queue_key_at(sqlite3 *db, int64_t pos, struct dasv_page_key *key)
{
	static const char sql[] =
		"SELECT priority, received_on, id FROM referrals WHERE status IN ('new','triaged') "
		"AND waiting_since IS NULL ORDER BY priority, received_on, id LIMIT 1 OFFSET ?";
	sqlite3_stmt *st;

	memset(key, 0, sizeof(*key));
	if (pos <= 0)
		return;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare: %s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, pos - 1);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("the queue is shorter than %" PRId64, pos);
	key->valid = 1;
	key->priority = sqlite3_column_int(st, 0);
	snprintf(key->key2, sizeof(key->key2), "%s", (const char *)sqlite3_column_text(st, 1));
	key->id = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
}

/* The queue's SQL as alloc.c runs it, on the plain mirror with names in clear. */
static const char plain_fwd[] =
	"SELECT r.id, r.priority, r.received_on, r.level, r.marac, r.dash_score, r.status, "
	"r.district, r.strand, s.name, r.rec_service_type, r.contact_due, r.waiting_since, "
	"r.safeguarding, r.repeat_victim, r.first_contact_on, r.person_id, p.first_name, "
	"p.last_name, r.created_by, r.worker_id "
	"FROM referrals r JOIN people p ON p.id = r.person_id "
	"LEFT JOIN services s ON s.id = r.service_id "
	"WHERE r.status IN ('new','triaged') AND r.waiting_since IS NULL "
	"AND (r.priority, r.received_on, r.id) > (?1, ?2, ?3) "
	"ORDER BY r.priority, r.received_on, r.id LIMIT ?4";
/* What paging by OFFSET would cost, for comparison. */
static const char plain_offset[] =
	"SELECT r.id, r.priority, r.received_on, r.level, r.marac, r.dash_score, r.status, "
	"r.district, r.strand, s.name, r.rec_service_type, r.contact_due, r.waiting_since, "
	"r.safeguarding, r.repeat_victim, r.first_contact_on, r.person_id, p.first_name, "
	"p.last_name, r.created_by, r.worker_id "
	"FROM referrals r JOIN people p ON p.id = r.person_id "
	"LEFT JOIN services s ON s.id = r.service_id "
	"WHERE r.status IN ('new','triaged') AND r.waiting_since IS NULL "
	"ORDER BY r.priority, r.received_on, r.id LIMIT ?4 OFFSET ?5";

/* Step a plain page into rows as dasv_page fills them (text copied, name joined). */
static size_t
plain_page(sqlite3_stmt *st, struct dasv_row *rows, size_t max)
{
	size_t n = 0;

	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct dasv_row *row = &rows[n++];
		const unsigned char *f = sqlite3_column_text(st, 17), *l = sqlite3_column_text(st, 18);

		memset(row, 0, sizeof(*row));
		row->id = sqlite3_column_int64(st, 0);
		row->priority = sqlite3_column_int(st, 1);
		dasv_col_text(row->received_on, sizeof(row->received_on), st, 2);
		dasv_col_text(row->key2, sizeof(row->key2), st, 2);
		row->level = dasv_col_int_or(st, 3, DASV_LEVEL_NONE);
		row->marac = sqlite3_column_int(st, 4);
		row->dash_score = dasv_col_int_or(st, 5, -1);
		dasv_col_text(row->status, sizeof(row->status), st, 6);
		dasv_col_text(row->district, sizeof(row->district), st, 7);
		row->strand = (unsigned)sqlite3_column_int(st, 8);
		dasv_col_text(row->service_name, sizeof(row->service_name), st, 9);
		dasv_col_text(row->rec_service_type, sizeof(row->rec_service_type), st, 10);
		dasv_col_text(row->contact_due, sizeof(row->contact_due), st, 11);
		dasv_col_text(row->waiting_since, sizeof(row->waiting_since), st, 12);
		row->safeguarding = sqlite3_column_int(st, 13);
		row->repeat_victim = sqlite3_column_int(st, 14);
		snprintf(row->name, sizeof(row->name), "%s %s", f ? (const char *)f : "",
			 l ? (const char *)l : "");
	}
	sqlite3_reset(st);
	return n;
}

/*
 * `queue ENC PLAIN TAG REPS`: the supervisor's first page and a page 50 000
 * rows deep through dasv_page (names decrypted, one audit entry per page),
 * and the same SELECT through the sqlite3 library on the plain mirror.
 */
static int
cmd_queue(const char *enc, const char *plain, const char *tag, int reps)
{
	static const int64_t depths[] = { 0, 50000 };
	struct dasv *d = open_as(enc, "supervisor", DASV_DEMO_SUPERVISOR_PASS);
	struct dasv_row rows[PAGE_ROWS];
	double *t = calloc((size_t)reps, sizeof(double)), *tp = calloc((size_t)reps, sizeof(double));
	sqlite3 *db;
	sqlite3_stmt *fwd, *off;
	int64_t count;

	if (!t || !tp)
		die("out of memory");
	if (sqlite3_open_v2(plain, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("open %s", plain);
	if (sqlite3_prepare_v3(db, plain_fwd, -1, SQLITE_PREPARE_PERSISTENT, &fwd, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v3(db, plain_offset, -1, SQLITE_PREPARE_PERSISTENT, &off, NULL) !=
		    SQLITE_OK)
		die("prepare: %s", sqlite3_errmsg(db));
	check(d, dasv_list_count(d, DASV_LIST_QUEUE, 0, &count), "count");
	printf("queue_%s_rows %" PRId64 "\n", tag, count);
	for (size_t k = 0; k < LEN(depths); k++) {
		struct dasv_page_key key;
		size_t n = 0;
		double dasv_ms, plain_ms;

		queue_key_at(d->db, depths[k], &key);
		/* turn about, so that both see the same moments of a shared machine */
		for (int i = 0; i < reps; i++) {
			double t0 = now_s();
			check(d, dasv_page(d, DASV_LIST_QUEUE, 0, &key, 1, rows, PAGE_ROWS, &n),
			      "page");
			t[i] = (now_s() - t0) * 1e3;
			if (n != PAGE_ROWS || !rows[0].name[0] || !rows[n - 1].name[0])
				die("page at %" PRId64 ": %zu rows, names %s", depths[k], n,
				    rows[0].name[0] ? "shown" : "missing");
			dasv_rows_wipe(rows, n);
			t0 = now_s();
			sqlite3_bind_int(fwd, 1, key.valid ? key.priority : -1);
			sqlite3_bind_text(fwd, 2, key.valid ? key.key2 : "", -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(fwd, 3, key.valid ? key.id : 0);
			sqlite3_bind_int64(fwd, 4, PAGE_ROWS);
			n = plain_page(fwd, rows, PAGE_ROWS);
			tp[i] = (now_s() - t0) * 1e3;
			if (n != PAGE_ROWS)
				die("plain page at %" PRId64 ": %zu rows", depths[k], n);
		}
		dasv_ms = median(t, reps);
		plain_ms = median(tp, reps);
		printf("queue_%s_%" PRId64 "_dasv_ms %.3f\n", tag, depths[k], dasv_ms);
		printf("queue_%s_%" PRId64 "_plain_ms %.3f\n", tag, depths[k], plain_ms);
		printf("queue_%s_%" PRId64 "_ratio %.2f\n", tag, depths[k], dasv_ms / plain_ms);
		if (depths[k] > 0) {
			for (int i = 0; i < reps && i < 5; i++) {
				double t0 = now_s();
				sqlite3_bind_int64(off, 4, PAGE_ROWS);
				sqlite3_bind_int64(off, 5, depths[k]);
				n = plain_page(off, rows, PAGE_ROWS);
				t[i] = (now_s() - t0) * 1e3;
			}
			printf("queue_%s_%" PRId64 "_offset_ms %.3f\n", tag, depths[k],
			       median(t, reps < 5 ? reps : 5));
		}
	}
	/* the header's "row N of M" counts the queue when a list is (re)loaded */
	for (int i = 0; i < reps && i < 7; i++) {
		double t0 = now_s();
		check(d, dasv_list_count(d, DASV_LIST_QUEUE, 0, &count), "count");
		t[i] = (now_s() - t0) * 1e3;
	}
	printf("queue_%s_count_ms %.3f\n", tag, median(t, reps < 7 ? reps : 7));
	dasv_rows_wipe(rows, PAGE_ROWS);
	sqlite3_finalize(fwd);
	sqlite3_finalize(off);
	sqlite3_close(db);
	dasv_close(&d);
	free(t);
	free(tp);
	return 0;
}

/* ---- repeat-victim lookup ---------------------------------------------- */

/*
 * `lookup ENC PLAIN TAG REPS`: surname + date of birth of REPS people picked
 * at random (decrypted at set-up), looked up through dasv_person_matches (the
 * intake form's "referred before?") and dasv_search (the search screen).
 */
static int
cmd_lookup(const char *enc, const char *plain, const char *tag, int reps)
{
	struct dasv *d = open_as(enc, "supervisor", DASV_DEMO_SUPERVISOR_PASS);
	struct rng g;
	struct dasv_match m[16];
	struct dasv_row rows[16];
	double *tm = calloc((size_t)reps, sizeof(double)), *ts = calloc((size_t)reps, sizeof(double)),
	       *tp = calloc((size_t)reps, sizeof(double)), *tmiss = calloc((size_t)reps, sizeof(double));
	char (*last)[128] = calloc((size_t)reps, sizeof(*last));
	char (*dob)[11] = calloc((size_t)reps, sizeof(*dob));
	int64_t people = sql_int(d->db, "SELECT max(id) FROM people"), found = 0;
	char miss_dob[] = "1900-01-01";
	sqlite3_stmt *st, *pst;
	sqlite3 *db;

	if (!tm || !ts || !tp || !tmiss || !last || !dob)
		die("out of memory");
	printf("lookup_%s_people %" PRId64 "\n", tag,
	       sql_int(d->db, "SELECT count(*) FROM people"));
	rng_seed(&g, 7);
	if (sqlite3_prepare_v2(d->db, "SELECT id, record_key, last_name, date_of_birth FROM people "
			       "WHERE id >= ? ORDER BY id LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		die("prepare: %s", sqlite3_errmsg(d->db));
	for (int i = 0; i < reps; i++) {
		unsigned char rk[DASV_KEY_BYTES];
		int64_t id;
		char *l = NULL, *b = NULL;

		sqlite3_bind_int64(st, 1, 1 + (int64_t)(((uint64_t)rng_next(&g) << 20 | rng_next(&g)) %
							 (uint64_t)people));
		if (sqlite3_step(st) != SQLITE_ROW)
			die("no person");
		id = sqlite3_column_int64(st, 0);
		check(d, dasv_record_key_open(d, "people", id, sqlite3_column_blob(st, 1),
					      sqlite3_column_bytes(st, 1), rk), "key");
		check(d, dasv_column_open(d, st, 2, rk, "people", "last_name", id, &l), "open");
		check(d, dasv_column_open(d, st, 3, rk, "people", "date_of_birth", id, &b), "open");
		snprintf(last[i], sizeof(last[i]), "%s", l);
		snprintf(dob[i], sizeof(dob[i]), "%s", b);
		dasv_str_free(&l);
		dasv_str_free(&b);
		dasv_wipe(rk, sizeof(rk));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	for (int i = 0; i < reps; i++) {
		struct dasv_person p = { 0 };
		size_t n = 0;
		double t0;

		p.last_name = last[i];
		p.date_of_birth = dob[i];
		t0 = now_s();
		check(d, dasv_person_matches(d, &p, m, LEN(m), &n), "matches");
		tm[i] = (now_s() - t0) * 1e6;
		found += n > 0;
		t0 = now_s();
		check(d, dasv_search(d, "name_dob", last[i], dob[i], rows, LEN(rows), &n), "search");
		ts[i] = (now_s() - t0) * 1e6;
		dasv_rows_wipe(rows, n);
		/* a miss: nobody of that name was born on 1 January 1900 */
		p.date_of_birth = miss_dob;
		t0 = now_s();
		check(d, dasv_person_matches(d, &p, m, LEN(m), &n), "matches");
		tmiss[i] = (now_s() - t0) * 1e6;
	}
	if (found < reps)
		die("only %" PRId64 " of %d people were found again", found, reps);
	if (sqlite3_open_v2(plain, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "SELECT r.id, r.received_on, r.level, r.status FROM people p "
			       "JOIN referrals r ON r.person_id = p.id WHERE p.last_name = ? AND "
			       "p.date_of_birth = ? ORDER BY r.received_on DESC, r.id DESC LIMIT 16",
			       -1, SQLITE_PREPARE_PERSISTENT, &pst, NULL) != SQLITE_OK)
		die("plain lookup: %s", plain);
	for (int i = 0; i < reps; i++) {
		double t0 = now_s();
		size_t n = 0;
		sqlite3_bind_text(pst, 1, last[i], -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(pst, 2, dob[i], -1, SQLITE_TRANSIENT);
		while (n < LEN(m) && sqlite3_step(pst) == SQLITE_ROW) {
			m[n].referral_id = sqlite3_column_int64(pst, 0);
			dasv_col_text(m[n].received_on, sizeof(m[n].received_on), pst, 1);
			m[n].level = dasv_col_int_or(pst, 2, DASV_LEVEL_NONE);
			dasv_col_text(m[n].status, sizeof(m[n].status), pst, 3);
			n++;
		}
		sqlite3_reset(pst);
		tp[i] = (now_s() - t0) * 1e6;
	}
	sqlite3_finalize(pst);
	sqlite3_close(db);
	printf("lookup_%s_matches_us %.1f\n", tag, median(tm, reps));
	printf("lookup_%s_search_us %.1f\n", tag, median(ts, reps));
	printf("lookup_%s_miss_us %.1f\n", tag, median(tmiss, reps));
	printf("lookup_%s_plain_us %.1f\n", tag, median(tp, reps));
	dasv_wipe(last, (size_t)reps * sizeof(*last));
	dasv_wipe(dob, (size_t)reps * sizeof(*dob));
	free(last);
	free(dob);
	free(tm);
	free(ts);
	free(tp);
	free(tmiss);
	dasv_close(&d);
	return 0;
}

/* ---- reports ------------------------------------------------------------ */

/* `report ENC TAG REPS`: the uptake section, then every section, for the year. */
static int
cmd_report(const char *enc, const char *tag, int reps)
{
	struct dasv *d = open_as(enc, "supervisor", DASV_DEMO_SUPERVISOR_PASS);
	struct dasv_report_params p;
	double *t = calloc((size_t)reps, sizeof(double));
	int64_t in_year = 0;
	char from[11], to[11];
	int year = bench_year();
	sqlite3_stmt *st;

	if (!t)
		die("out of memory");
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	if (sqlite3_prepare_v2(d->db, "SELECT count(*) FROM referrals WHERE received_on "
			       "BETWEEN ? AND ?", -1, &st, NULL) != SQLITE_OK)
		die("prepare: %s", sqlite3_errmsg(d->db));
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		in_year = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	printf("report_%s_year %d\nreport_%s_referrals %" PRId64 "\n", tag, year, tag, in_year);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < reps; i++) {
			struct dasv_report *r = NULL;
			double t0;

			dasv_report_params_init(&p);
			memcpy(p.from, from, sizeof(p.from));
			memcpy(p.to, to, sizeof(p.to));
			p.sections = pass == 0 ? DASV_SECTION_BIT(DASV_SECTION_UPTAKE) : 0;
			t0 = now_s();
			check(d, dasv_report_run(d, &p, &r), "report");
			t[i] = (now_s() - t0) * 1e3;
			dasv_report_free(&r);
		}
		printf("report_%s_%s_ms %.1f\n", tag, pass == 0 ? "uptake" : "all", median(t, reps));
	}
	free(t);
	dasv_close(&d);
	return 0;
}

/* ---- unlock --------------------------------------------------------------- */

static long
status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(field);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* `unlock DB REPS`: dasv_unlock at the keyslot's Argon2id parameters. */
static int
cmd_unlock(const char *path, int reps)
{
	struct dasv *d = NULL;
	double *t = calloc((size_t)reps, sizeof(double)), *c = calloc((size_t)reps, sizeof(double));
	long before, peak;
	FILE *f;

	if (!t || !c)
		die("out of memory");
	if (dasv_open(path, 0, &d) != DASV_OK)
		die("open %s: %s", path, dasv_errmsg(d));
	printf("unlock_opslimit %" PRId64 "\nunlock_memlimit_mib %.0f\n",
	       sql_int(d->db, "SELECT opslimit FROM keyslots k JOIN users u ON u.id = k.user_id "
			      "WHERE u.name = 'supervisor'"),
	       (double)sql_int(d->db, "SELECT memlimit FROM keyslots k JOIN users u ON u.id = "
				      "k.user_id WHERE u.name = 'supervisor'") / 1048576.0);
	/* the peak the unlock adds: reset the high-water mark first (Linux >= 4.0) */
	before = status_kib("VmRSS");
	if ((f = fopen("/proc/self/clear_refs", "w"))) {
		fputs("5", f);
		fclose(f);
	}
	for (int i = 0; i < reps; i++) {
		double t0 = now_s(), c0 = cpu_s();
		check(d, dasv_unlock(d, "supervisor", DASV_DEMO_SUPERVISOR_PASS), "unlock");
		t[i] = (now_s() - t0) * 1e3;
		c[i] = (cpu_s() - c0) * 1e3;
		dasv_lock(d);
	}
	printf("unlock_cpu_ms %.1f\n", median(c, reps));
	/* t is sorted by median(): the quickest is what an idle machine takes */
	median(t, reps);
	printf("unlock_min_ms %.1f\n", t[0]);
	peak = status_kib("VmHWM");
	printf("unlock_ms %.1f\n", median(t, reps));
	if (before > 0 && peak > 0)
		printf("unlock_peak_mib %.1f\n", (double)(peak - before) / 1024.0);
	dasv_close(&d);
	free(t);
	free(c);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256];

	if (dasv_process_init(err, sizeof(err)) != DASV_OK)
		die("%s", err);
	if (argc >= 2 && !strcmp(argv[1], "version")) {
		printf("gen=%d schema=%d\n", BENCH_GEN_VERSION, dasv_schema_latest());
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "gen"))
		return cmd_gen(argv[2], strtoll(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "empty"))
		return cmd_empty(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "csv"))
		return cmd_csv(argv[2], strtoll(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "import"))
		return cmd_import(argv[2], argv[3], argc == 5 ? atol(argv[4]) : 0);
	if (argc == 4 && !strcmp(argv[1], "plain"))
		return cmd_plain(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "queue"))
		return cmd_queue(argv[2], argv[3], argv[4], atoi(argv[5]));
	if (argc == 6 && !strcmp(argv[1], "lookup"))
		return cmd_lookup(argv[2], argv[3], argv[4], atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "report"))
		return cmd_report(argv[2], argv[3], atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "unlock"))
		return cmd_unlock(argv[2], atoi(argv[3]));
	fprintf(stderr,
		"usage: dasv-bench version\n"
		"       dasv-bench gen DB N SEED | empty DB | csv OUT N SEED | plain ENC PLAIN\n"
		"       dasv-bench import DB CSV [CACHE_KIB]\n"
		"       dasv-bench queue ENC PLAIN TAG REPS | lookup ENC PLAIN TAG REPS\n"
		"       dasv-bench report ENC TAG REPS | unlock DB REPS\n");
	return 64;
}
