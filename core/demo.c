/*
 * demo.c - the synthetic demonstration database.
 *
 * The bulk of the referrals goes in through the batch API (referral_int.h)
 * in one transaction with one audit entry, which is what makes 2000
 * referrals take seconds.  What a partnership would then do with them --
 * SV assessments, allocation, contacts, closure -- goes through the public
 * calls as the supervisor and caseworkers, so the demo exercises the same
 * rules (capacity, recommendations, overrides) as real use.  Those calls
 * take "today" from dasv_date_today(), so the generator sets DASV_TODAY to
 * each event's day while it replays two years of casework in date order,
 * and restores the caller's environment afterwards.
 *
 * Everything random comes from one small PRNG seeded by the caller, so a
 * seed and a "today" always give the same database.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "date.h"
#include "internal.h"
#include "referral_int.h"
#include "risk.h"

static const struct dasv_demo_user demo_users[] = {
	{ "admin", DASV_ROLE_ADMIN, DASV_DEMO_ADMIN_PASS },
	{ "supervisor", DASV_ROLE_SUPERVISOR, DASV_DEMO_SUPERVISOR_PASS },
	{ "caseworker", DASV_ROLE_CASEWORKER, DASV_DEMO_CASEWORKER_PASS },
	{ "caseworker2", DASV_ROLE_CASEWORKER, DASV_DEMO_CASEWORKER2_PASS },
	{ "auditor", DASV_ROLE_AUDITOR, DASV_DEMO_AUDITOR_PASS },
};
#define N_USERS (sizeof(demo_users) / sizeof(demo_users[0]))

const struct dasv_demo_user *
dasv_demo_users(size_t *n)
{
	if (n)
		*n = N_USERS;
	return demo_users;
}

/* ---- synthetic vocabulary ------------------------------------------- */

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const female_first[] = {
	"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Chloe", "Jessica",
	"Hannah", "Zoë", "Siobhán", "Aoife", "Niamh", "Saoirse", "Fatima", "Aisha", "Priya",
	"Anjali", "Amira", "Maryam", "Zainab", "Sadia", "Noor", "Agnieszka", "Katarzyna",
	"Małgorzata", "Oksana", "Ioana", "Elena", "Chiamaka", "Adaeze", "Abena", "Mei", "Yuki",
	"Leila", "Nadia", "Chantelle", "Shannon", "Kelly", "Joanne", "Sarah", "Rebecca", "Laura",
	"Emma", "Gemma", "Rachel", "Precious", "Renée", "Inês", "Lucía", "Bronwen", "Eilidh",
	"Gráinne", "Anna-Marie", "Mary", "Susan", "Karen", "Tracey", "Lisa", "Nicola", "Danielle",
	"Jade", "Kirsty", "Amber", "Megan", "Ellie", "Mia", "Ruby", "Hafsa", "Roxana", "Dorota",
	"فاطمة", "مريم", "Анна", "Ольга", "美玲", "Ngozi", "Thandiwe", "Şule", "Ayşe",
};

static const char *const male_first[] = {
	"Oliver", "George", "Jack", "Harry", "Mohammed", "Muhammad", "Ahmed", "Łukasz", "Piotr",
	"Tomasz", "Andrei", "Darius", "Kwame", "Chinedu", "Jamal", "Ravi", "Arjun", "Seán",
	"Ciarán", "Connor", "Liam", "Daniel", "James", "Thomas", "Ryan", "Callum", "José",
	"Mateus", "محمد", "Дмитрий", "Wei", "Hiroshi", "Tariq", "Imran", "Kofi", "Dylan", "Reece",
	"Jordan", "Craig", "Lee", "Gareth", "Rhys", "Stuart", "Wayne", "Darren", "Mark", "Paul",
	"Kieran", "Nathan", "Bogdan", "Mihai", "Emre", "Yusuf", "Hamza", "Bilal", "Adebayo",
	"Chukwuma", "Jakub", "Krzysztof", "Aleksander", "Luís", "François",
};

static const char *const surnames[] = {
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
	"Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Edwards",
	"Green", "Hall", "Wood", "Harris", "Clarke", "Patel", "Khan", "Ali", "Hussain", "Begum",
	"Ahmed", "Akhtar", "Singh", "Kaur", "Sharma", "Nowak", "Kowalski", "Wiśniewska",
	"Wójcik", "Kamińska", "Popescu", "Ionescu", "O'Brien", "O'Connor", "Murphy", "Kelly",
	"Ní Bhriain", "MacDonald", "Okafor", "Mensah", "Adeyemi", "Osei", "Nguyen", "Chen", "Wang",
	"Kim", "Silva", "Santos", "Ferreira", "da Costa", "Müller", "Le Fèvre", "Smith-Jones",
	"Yılmaz", "Demir", "Kovačević", "Petrović", "Baker", "Turner", "Cooper", "King", "Lee",
	"Mitchell", "Ward", "Morris", "Cox", "Fisher", "Mason", "Hunt", "Barnes", "Lloyd",
	"Fletcher", "Ó Súilleabháin", "حسين", "Иванова", "Петренко", "Mahmood", "Iqbal",
	"Rahman", "Chowdhury", "Gill", "Sandhu", "Dhillon", "Owusu", "Boateng", "Eze",
};

static const char *const streets[] = {
	"Mill Road", "Station Road", "High Street", "Church Lane", "Victoria Road",
	"Queen's Road", "Lincoln Road", "Park Road", "London Road", "Chapel Street",
	"Newmarket Road", "Broadway", "The Green", "Orchard Close", "Willow Way",
	"St John's Road", "Market Street", "Elm Avenue", "Fenland Way", "Riverside",
};

struct district {
	const char *code;
	int weight;        /* adult women, thousands (migration 0001) */
	const char *towns[4];
	const char *outward[6];
};

static const struct district districts[] = {
	{ "cambridge", 59, { "Cambridge", "Cambridge", "Cherry Hinton", "Trumpington" },
	  { "CB1", "CB2", "CB3", "CB4", "CB5", NULL } },
	{ "east_cambridgeshire", 36, { "Ely", "Soham", "Littleport", "Burwell" },
	  { "CB6", "CB7", NULL } },
	{ "fenland", 40, { "Wisbech", "March", "Whittlesey", "Chatteris" },
	  { "PE13", "PE14", "PE15", "PE16", NULL } },
	{ "huntingdonshire", 74, { "Huntingdon", "St Neots", "St Ives", "Ramsey" },
	  { "PE19", "PE26", "PE27", "PE28", "PE29", NULL } },
	{ "south_cambridgeshire", 66, { "Cambourne", "Sawston", "Histon", "Melbourn" },
	  { "CB21", "CB22", "CB23", "CB24", "CB25", NULL } },
	{ "peterborough", 80, { "Peterborough", "Orton", "Werrington", "Hampton" },
	  { "PE1", "PE2", "PE3", "PE4", "PE7", NULL } },
	{ "out_of_area", 3, { "King's Lynn", "Downham Market", "Hunstanton", "Stamford" },
	  { "PE30", "PE31", "PE33", "PE38", NULL } },
};

static const struct {
	const char *text;
	int call, voicemail, letters;
} safe_contacts[] = {
	{ "Safe to call on her mobile at any time", 1, 1, 1 },
	{ "Call only 9am to 3pm on weekdays, when he is at work", 1, 0, 0 },
	{ "Do not call. Text first and wait for a reply", 0, 0, 0 },
	{ "Contact through her sister only; never leave a voicemail", 0, 0, 0 },
	{ "Letters to the GP surgery only, never to the home address", 1, 0, 0 },
	{ "Safe to call; if someone else answers say you are from the dentist", 1, 0, 0 },
	{ "E-mail only: the phone is monitored", 0, 0, 0 },
	{ "Call after 6pm; letters are fine", 1, 1, 1 },
	{ "Interpreter needed; call via the language line, mornings only", 1, 0, 0 },
	{ "Staying with a friend: use the mobile only\nDo not visit the home address", 1, 1, 0 },
	{ "Safe to call and text. No letters: he opens the post", 1, 1, 0 },
	{ "Only call from a withheld number", 1, 0, 0 },
};

static const char *const note_lines[] = {
	"Referred after a police call-out; disclosed earlier incidents not reported at the time.",
	"Reports coercive control: access to money and phone restricted.",
	"Recently separated; perpetrator still has a key to the property.",
	"GP noticed bruising and made the referral with consent.",
	"School raised concerns after a child disclosed arguments at home.",
	"Self-referral through the helpline; wants advice on a non-molestation order.",
	"Housing officer reports repeated damage to the front door.",
	"Survivor wants support through the court process.",
	"Reports being followed home from work several times a week.",
	"Assault by an acquaintance after a night out; reported to police.",
	"Historic sexual abuse disclosed during counselling.",
	"Family pressure to marry; worried about travel abroad in the summer.",
	"Has no recourse to public funds; needs help with accommodation.",
	"Pregnant; midwife made the referral.",
	"Wants the perpetrator to get help; does not want police involvement.",
};

static const char *const close_reasons[] = { "support_completed", "declined", "no_contact",
					     "moved_away", "transferred" };
static const int close_weights[] = { 55, 15, 15, 8, 7 };

/* ---- PRNG (xorshift64*, seeded through splitmix64) ------------------ */

struct rng {
	uint64_t s;
};

static void
rng_seed(struct rng *g, uint32_t seed)
{
	uint64_t z = (uint64_t)seed + 0x9e3779b97f4a7c15ull;

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

/* 0 <= r < n */
static int
rnd(struct rng *g, int n)
{
	return n <= 1 ? 0 : (int)(((uint64_t)rng_next(g) * (uint64_t)n) >> 32);
}

/* true with probability pct/100 */
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

static const char *
pick_s(struct rng *g, const char *const *list, size_t n)
{
	return list[rnd(g, (int)n)];
}

/* A code by weight from parallel arrays. */
#define PICK(g, codes, weights) ((codes)[pick_w((g), (weights), (int)LEN(weights))])

/* ---- people ---------------------------------------------------------- */

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

/* Ofcom drama numbers, each given to one person only, so that linking by
 * phone never merges two invented people: 07700 900xxx, then 01632 960xxx. */
static void
new_phone(struct gen *G, char out[24])
{
	int k;

	out[0] = '\0';
	if (G->phones_used >= 2000)
		return;
	k = G->phone_perm[G->phones_used++];
	if (k < 1000)
		snprintf(out, 24, "07700 900%03d", k);
	else
		snprintf(out, 24, "01632 960%03d", k - 1000);
}

static void
ascii_lower(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *in && n + 1 < outsz; in++) {
		char c = *in;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c >= 'a' && c <= 'z')
			out[n++] = c;
	}
	out[n] = '\0';
}

static int
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static int32_t
random_dob(struct gen *G, int32_t on, int min_age, int max_age)
{
	int age = min_age + rnd(&G->g, max_age - min_age + 1);

	return on - (int32_t)(age * 365.25) - rnd(&G->g, 365);
}

static int
random_age(struct gen *G)
{
	static const int lo[] = { 16, 18, 25, 35, 45, 55, 65 };
	static const int hi[] = { 17, 24, 34, 44, 54, 64, 82 };
	static const int w[] = { 2, 20, 32, 24, 12, 6, 4 };
	int b = pick_w(&G->g, w, (int)LEN(w));

	return lo[b] + rnd(&G->g, hi[b] - lo[b] + 1);
}

static void
new_person(struct gen *G, struct person *p, int32_t received, int min_age, int max_age)
{
	static const int dw[] = { 59, 36, 40, 74, 66, 80, 3 };
	static const char letters[] = "ABDEFGHJLNPQRSTUWXYZ";
	const struct district *dist;
	char a[32], b[32];
	int n, age;

	memset(p, 0, sizeof(*p));
	p->male = chance(&G->g, 11);
	p->first = p->male ? pick_s(&G->g, male_first, LEN(male_first))
			   : pick_s(&G->g, female_first, LEN(female_first));
	p->last = pick_s(&G->g, surnames, LEN(surnames));
	age = min_age >= 0 ? min_age + rnd(&G->g, max_age - min_age + 1) : random_age(G);
	p->dob = received - (int32_t)(age * 365.25) - rnd(&G->g, 365);
	p->district = pick_w(&G->g, dw, (int)LEN(dw));
	dist = &districts[p->district];
	if (chance(&G->g, 85))
		new_phone(G, p->phone);
	if (chance(&G->g, 90)) {
		for (n = 0; dist->outward[n]; n++)
			;
		snprintf(p->postcode, sizeof(p->postcode), "%s %d%c%c",
			 dist->outward[rnd(&G->g, n)], rnd(&G->g, 10),
			 letters[rnd(&G->g, (int)sizeof(letters) - 1)],
			 letters[rnd(&G->g, (int)sizeof(letters) - 1)]);
	}
	if (chance(&G->g, 80))
		snprintf(p->address, sizeof(p->address), "%d %s, %s", 1 + rnd(&G->g, 180),
			 pick_s(&G->g, streets, LEN(streets)), dist->towns[rnd(&G->g, 4)]);
	if (chance(&G->g, 25) && is_ascii(p->first) && is_ascii(p->last)) {
		ascii_lower(p->first, a, sizeof(a));
		ascii_lower(p->last, b, sizeof(b));
		if (a[0] && b[0])
			snprintf(p->email, sizeof(p->email), "%c.%s%d@example.org", a[0], b,
				 rnd(&G->g, 90) + 10);
	}
	p->safe = rnd(&G->g, (int)LEN(safe_contacts));
	p->perp = -1;
}

static void
new_perp(struct gen *G, struct perp *q, int32_t received)
{
	q->first = chance(&G->g, 88) ? pick_s(&G->g, male_first, LEN(male_first))
				     : pick_s(&G->g, female_first, LEN(female_first));
	q->last = pick_s(&G->g, surnames, LEN(surnames));
	/* always with a date of birth: a name alone would link strangers who share it */
	q->dob = random_dob(G, received, 18, 65);
}

/* ---- one referral ---------------------------------------------------- */

/* What the replay of casework needs to remember about a referral. */
struct item {
	int64_t id;
	int32_t received;
	unsigned strand;
	int district;
	int sv_level;     /* target level for an SV-only assessment, -1 none */
	int level;        /* the level the generator aimed at */
};

struct strs {
	char first[128], last[128], dob[11], safe[256], perp_name[256], perp_dob[11], notes[512];
};

static void
format_name(char *out, size_t n, const char *first, const char *last)
{
	snprintf(out, n, "%s %s", first, last);
}

static void
make_dash(struct gen *G, int level, int stalking, char out[DASV_DASH_QUESTIONS + 1])
{
	int score, idx[DASV_DASH_QUESTIONS], yes = 0;

	switch (level) {
	case DASV_LEVEL_HIGH:
		score = 14 + rnd(&G->g, 7);
		break;
	case DASV_LEVEL_MEDIUM:
		score = 10 + rnd(&G->g, 4);
		break;
	default:
		score = 1 + rnd(&G->g, 9);
		break;
	}
	for (int i = 0; i < DASV_DASH_QUESTIONS; i++) {
		idx[i] = i;
		out[i] = chance(&G->g, 85) ? 'N' : '?';
	}
	out[DASV_DASH_QUESTIONS] = '\0';
	if (stalking) {
		out[DASV_DASH_STALKING_INDEX] = 'Y';
		yes = 1;
	}
	/* shuffle, then the first questions of the shuffle are Yes */
	for (int i = DASV_DASH_QUESTIONS - 1; i > 0; i--) {
		int j = rnd(&G->g, i + 1), t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	for (int i = 0; i < DASV_DASH_QUESTIONS && yes < score; i++)
		if (out[idx[i]] != 'Y') {
			out[idx[i]] = 'Y';
			yes++;
		}
}

static int
target_level(struct gen *G)
{
	static const int w[] = { 55, 30, 15 }; /* standard, medium, high */

	return pick_w(&G->g, w, 3);
}

/*
 * Build referral i (0-based, in date order) received on day `received`.
 * marker: the documented marker person (first referral and its repeat).
 */
static void
build(struct gen *G, int i, int32_t received, int marker_repeat, struct dasv_referral *r,
      struct strs *s, struct dasv_dash_input *dash, int *has_dash, struct item *it)
{
	static const char *const src_da[] = { "police", "health", "mental_health",
					      "children_services", "adult_services", "housing",
					      "education", "self", "family_friend", "helpline",
					      "voluntary_sector", "marac", "probation", "other" };
	static const int src_da_w[] = { 38, 8, 3, 11, 3, 6, 3, 10, 3, 6, 4, 2, 1, 2 };
	static const int src_sv_w[] = { 30, 18, 5, 4, 2, 2, 6, 20, 3, 5, 3, 0, 0, 2 };
	static const char *const rel_codes[] = { "partner", "ex_partner", "family_member",
						  "acquaintance", "stranger", "other", "unknown" };
	static const int rel_da_w[] = { 42, 38, 15, 2, 0, 3, 0 };
	static const int rel_sv_w[] = { 10, 10, 10, 35, 25, 0, 10 };
	static const char *const eth[] = { "white", "mixed", "asian", "black", "other",
					   "not_known", "prefer_not_to_say" };
	static const int eth_w[] = { 78, 3, 9, 5, 2, 2, 1 };
	static const char *const dis[] = { "yes", "no", "not_known", "prefer_not_to_say" };
	static const int dis_w[] = { 22, 60, 16, 2 };
	static const char *const so[] = { "heterosexual", "gay_lesbian", "bisexual", "other",
					  "not_known", "prefer_not_to_say" };
	static const int so_w[] = { 80, 4, 4, 1, 9, 2 };
	static const char *const gr[] = { "yes", "no", "not_known", "prefer_not_to_say" };
	static const int gr_w[] = { 1, 88, 10, 1 };
	static const char *const rel[] = { "none", "christian", "buddhist", "hindu", "jewish",
					   "muslim", "sikh", "other", "not_known",
					   "prefer_not_to_say" };
	static const int rel_w[] = { 45, 30, 1, 2, 1, 10, 2, 2, 6, 1 };
	static const char *const yn[] = { "yes", "no", "not_known" };
	static const int interp_w[] = { 6, 90, 4 };
	static const int nrpf_w[] = { 3, 90, 7 };
	static const char *const basis[] = { "safeguarding", "vital_interests", "crime_prevention",
					     "legal_obligation", "not_shared" };
	static const int basis_w[] = { 45, 20, 20, 5, 10 };
	static const int strand_w[] = { 72, 22, 6 }; /* DA, SV, DA;SV */
	struct person *p, *prev = NULL, fresh;
	int strand_k, level, stalking = 0, min_age = -1, max_age = -1;
	unsigned vawg;

	memset(r, 0, sizeof(*r));
	memset(dash, 0, sizeof(*dash));
	memset(it, 0, sizeof(*it));
	*has_dash = 0;
	dasv_date_format(received, r->received_on);
	it->received = received;
	it->sv_level = -1;

	strand_k = pick_w(&G->g, strand_w, 3);
	r->strand = strand_k == 0 ? 1u : strand_k == 1 ? 2u : 3u;
	vawg = 0;
	if (r->strand & 1u) {
		vawg |= 1u << 0;
		if (chance(&G->g, 18)) {
			vawg |= 1u << 4;
			stalking = 1;
		}
	}
	if (r->strand & 2u)
		vawg |= 1u << 1;
	/* the rarer harms: FGM, forced marriage, honour-based violence, signposting */
	{
		int k = rnd(&G->g, 1000);
		if (k < 10) {
			vawg |= 1u << 2;
			if (chance(&G->g, 40)) {
				min_age = 14;
				max_age = 17; /* a girl: the mandatory-reporting duty applies */
			}
		} else if (k < 25) {
			vawg |= 1u << 3;
			min_age = 17;
			max_age = 26;
		} else if (k < 40) {
			vawg |= 1u << 5;
		} else if (k < 48) {
			vawg |= 1u << 6;
		}
	}
	r->vawg = vawg;

	/* the person: new, or someone referred before (repeat victimisation) */
	p = NULL;
	if (i == 0) {
		new_person(G, &G->marker, received, 29, 29);
		G->marker.first = DASV_DEMO_MARKER_FIRST;
		G->marker.last = DASV_DEMO_MARKER_LAST;
		G->marker.male = 0;
		p = &G->marker;
	} else if (marker_repeat) {
		p = prev = &G->marker;
	} else if (G->npeople > 20 && min_age < 0 && chance(&G->g, 12)) {
		int back = 1 + rnd(&G->g, G->npeople < RING ? G->npeople : RING);
		p = prev = &G->people[(G->npeople - back) % RING];
	}
	if (!p) {
		new_person(G, &fresh, received, min_age, max_age);
		p = &G->people[G->npeople++ % RING];
		*p = fresh;
	}
	it->district = p->district;

	snprintf(r->source, sizeof(r->source), "%s",
		 r->strand == 2u ? PICK(&G->g, src_da, src_sv_w) : PICK(&G->g, src_da, src_da_w));
	snprintf(r->district, sizeof(r->district), "%s", districts[p->district].code);
	if (chance(&G->g, 70)) {
		int back = r->strand & 2u ? (chance(&G->g, 40) ? rnd(&G->g, 7) : rnd(&G->g, 200))
					   : rnd(&G->g, 15);
		dasv_date_format(received - back, r->incident_on);
	}

	snprintf(s->first, sizeof(s->first), "%s", p->first);
	snprintf(s->last, sizeof(s->last), "%s", p->last);
	dasv_date_format(p->dob, s->dob);
	snprintf(s->safe, sizeof(s->safe), "%s", safe_contacts[p->safe].text);
	r->person.first_name = s->first;
	r->person.last_name = s->last;
	r->person.date_of_birth = s->dob;
	r->person.phone = p->phone;
	r->person.postcode = p->postcode;
	r->person.address = p->address;
	r->person.email = p->email;
	r->person.safe_contact = s->safe;
	r->person.safe_to_call = safe_contacts[p->safe].call;
	r->person.voicemail_ok = safe_contacts[p->safe].voicemail;
	r->person.letters_ok = safe_contacts[p->safe].letters;

	snprintf(r->eq_sex, sizeof(r->eq_sex), "%s", p->male ? "male" : "female");
	snprintf(r->eq_ethnicity, sizeof(r->eq_ethnicity), "%s", PICK(&G->g, eth, eth_w));
	snprintf(r->eq_disability, sizeof(r->eq_disability), "%s", PICK(&G->g, dis, dis_w));
	snprintf(r->eq_sexual_orientation, sizeof(r->eq_sexual_orientation), "%s",
		 PICK(&G->g, so, so_w));
	snprintf(r->eq_gender_reassignment, sizeof(r->eq_gender_reassignment), "%s",
		 PICK(&G->g, gr, gr_w));
	snprintf(r->eq_pregnancy, sizeof(r->eq_pregnancy), "%s",
		 p->male ? "no" : chance(&G->g, 7) ? "yes" : chance(&G->g, 85) ? "no" : "not_known");
	snprintf(r->eq_religion, sizeof(r->eq_religion), "%s", PICK(&G->g, rel, rel_w));
	snprintf(r->eq_interpreter, sizeof(r->eq_interpreter), "%s", PICK(&G->g, yn, interp_w));
	snprintf(r->eq_nrpf, sizeof(r->eq_nrpf), "%s", PICK(&G->g, yn, nrpf_w));

	/* children in about 45% of households */
	if (chance(&G->g, 45)) {
		static const int cw[] = { 45, 35, 15, 5 };
		r->children_count = 1 + pick_w(&G->g, cw, 4);
		if (chance(&G->g, 85)) {
			r->n_children_ages = r->children_count;
			for (int k = 0; k < r->children_count; k++)
				r->children_ages[k] = rnd(&G->g, 18);
		}
	}

	/* the perpetrator: the same one again for most repeat victims; a few serial */
	s->perp_name[0] = s->perp_dob[0] = '\0';
	{
		const struct perp *q = NULL;
		int known = r->strand == 2u ? 65 : 95;

		if (prev && prev->perp >= 0 && chance(&G->g, 75))
			q = &G->perps[prev->perp % RING];
		else if (rnd(&G->g, 1000) < 25)
			q = &G->serial[rnd(&G->g, SERIAL_PERPS)];
		else if (chance(&G->g, known)) {
			struct perp *nq = &G->perps[G->nperps % RING];
			new_perp(G, nq, received);
			p->perp = G->nperps++;
			q = nq;
		}
		if (q) {
			format_name(s->perp_name, sizeof(s->perp_name), q->first, q->last);
			dasv_date_format(q->dob, s->perp_dob);
			r->perpetrator_name = s->perp_name;
			r->perpetrator_dob = s->perp_dob;
		}
		snprintf(r->perpetrator_relationship, sizeof(r->perpetrator_relationship), "%s",
			 !q ? "unknown"
			    : r->strand == 2u ? PICK(&G->g, rel_codes, rel_sv_w)
					      : PICK(&G->g, rel_codes, rel_da_w));
	}

	r->consent_to_share = chance(&G->g, 85);
	if (!r->consent_to_share)
		snprintf(r->sharing_basis, sizeof(r->sharing_basis), "%s",
			 PICK(&G->g, basis, basis_w));
	r->do_not_inform_perpetrator = chance(&G->g, 12);
	{
		int k = rnd(&G->g, (int)LEN(note_lines));
		/* the midwife's referral only for someone recorded as pregnant */
		if (strstr(note_lines[k], "Pregnant") && strcmp(r->eq_pregnancy, "yes") != 0)
			k = 0;
		snprintf(s->notes, sizeof(s->notes), "%s", note_lines[k]);
	}
	if (chance(&G->g, 35)) {
		size_t o = strlen(s->notes);
		int k = rnd(&G->g, (int)LEN(note_lines));
		if (strstr(note_lines[k], "Pregnant"))
			k = 1;
		snprintf(s->notes + o, sizeof(s->notes) - o, "\n%s", note_lines[k]);
	}
	r->notes = s->notes;

	/* risk: the DASH for domestic abuse; SV-only cases get an SV assessment later */
	level = target_level(G);
	it->level = level;
	if (r->strand & 1u) {
		make_dash(G, level, stalking, dash->answers);
		dash->consent = level == DASV_LEVEL_HIGH ? chance(&G->g, 60) : chance(&G->g, 80);
		dash->pj_level = DASV_LEVEL_NONE;
		memcpy(dash->assessed_on, r->received_on, sizeof(dash->assessed_on));
		*has_dash = 1;
	} else {
		it->sv_level = level;
	}
	it->strand = r->strand;
}

/* ---- replaying casework ---------------------------------------------- */

enum ev_kind { EV_SV, EV_ALLOCATE, EV_ATTEMPT, EV_CONTACT, EV_CLOSE };
/* EV_CLOSE's arg: a close_reasons index, or'd with this for a referral never allocated */
#define CLOSE_UNALLOCATED 0x100

struct event {
	int32_t day;
	int kind;
	int idx;
	int arg; /* contact kind, worker, close reason */
};

static int
event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return x->kind - y->kind;
}

struct replay {
	struct dasv *sup;          /* supervisor */
	struct dasv *cw[2];        /* caseworker, caseworker2 */
	int64_t cw_id[2];
	struct dasv_service *svc;
	size_t nsvc;
	int *worker;               /* per item: -1 none, 0/1 caseworker; set on allocation */
	int *allocated;            /* per item: 1 active, 2 waiting */
};

static void
set_today(int32_t day)
{
	char b[11];

	dasv_date_format(day, b);
	setenv("DASV_TODAY", b, 1);
}

/* The referral's recommended service type (after assessment), "" if none. */
static void
rec_type(struct dasv *d, int64_t id, char *out, size_t n)
{
	static const char sql[] = "SELECT rec_service_type FROM referrals WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);

	out[0] = '\0';
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

static const struct dasv_service *
find_service(const struct replay *R, const char *type, unsigned strand, int district,
	     struct rng *g)
{
	const struct dasv_service *c[16], *local = NULL;
	int n = 0;
	int pboro = !strcmp(districts[district].code, "peterborough");

	for (size_t k = 0; k < R->nsvc && n < 16; k++) {
		if (strcmp(R->svc[k].type, type) != 0 || !(R->svc[k].strand & strand))
			continue;
		/* a service named for Peterborough serves Peterborough, and only it */
		if (strstr(R->svc[k].name, "Peterborough")) {
			local = &R->svc[k];
			continue;
		}
		c[n++] = &R->svc[k];
	}
	if (local && (pboro || n == 0))
		return local;
	return n ? c[rnd(g, n)] : NULL;
}

static enum dasv_status
do_allocate(struct replay *R, struct item *it, int idx, struct rng *g)
{
	const struct dasv_service *s;
	char rec[DASV_CODE_MAX];
	const char *why = NULL;
	int waiting = 0, w = -1;
	enum dasv_status st;

	rec_type(R->sup, it->id, rec, sizeof(rec));
	s = rec[0] ? find_service(R, rec, it->strand, it->district, g) : NULL;
	if (!s) {
		/* no rule-recommended service: the supervisor's judgement, with a reason */
		s = find_service(R, it->strand & 1u ? "outreach" : "isva", it->strand, it->district,
				 g);
		if (!s)
			return DASV_OK;
		if (rec[0] && strcmp(rec, s->type) != 0)
			why = "Demo data: nearest service with capacity for this strand";
	}
	if (!strcmp(s->type, "idva") || !strcmp(s->type, "isva") || !strcmp(s->type, "outreach") ||
	    !strcmp(s->type, "cyp"))
		w = rnd(g, 2);
	st = dasv_allocate(R->sup, it->id, s->id, w >= 0 ? R->cw_id[w] : 0, why, &waiting);
	if (st != DASV_OK)
		return st;
	R->worker[idx] = w;
	R->allocated[idx] = waiting ? 2 : 1;
	return DASV_OK;
}

static enum dasv_status
replay_event(struct replay *R, struct item *items, const struct event *e, struct rng *g)
{
	struct item *it = &items[e->idx];
	enum dasv_status st = DASV_OK;

	switch (e->kind) {
	case EV_SV: {
		int scores[DASV_SV_DOMAINS];
		enum dasv_level lv;
		for (int k = 0; k < DASV_SV_DOMAINS; k++)
			scores[k] = rnd(g, 2);
		if (it->sv_level > 0)
			scores[rnd(g, DASV_SV_DOMAINS)] = it->sv_level == DASV_LEVEL_HIGH ? 3 : 2;
		return dasv_sv_record(R->sup, it->id, scores, DASV_LEVEL_NONE, NULL, &lv);
	}
	case EV_ALLOCATE:
		return do_allocate(R, it, e->idx, g);
	case EV_ATTEMPT:
	case EV_CONTACT: {
		static const char *const notes[] = {
			"Called; no answer. Did not leave a message as agreed.",
			"Spoke by phone; safety plan reviewed.",
			"Met at the children's centre; discussed housing options.",
			"Texted to arrange a safe time to call.",
			"Phone answered by someone else; ended the call safely.",
		};
		int w = R->worker[e->idx];
		enum dasv_contact_kind k = e->kind == EV_ATTEMPT ? DASV_CONTACT_ATTEMPTED
								: (enum dasv_contact_kind)e->arg;
		const char *note = k == DASV_CONTACT_ATTEMPTED ? notes[rnd(g, 2) ? 0 : 3]
				   : k == DASV_CONTACT_UNSAFE  ? notes[4]
							       : notes[1 + rnd(g, 2)];
		if (R->allocated[e->idx] != 1 || w < 0)
			return DASV_OK;
		return dasv_contact_add(R->cw[w], it->id, k, note);
	}
	case EV_CLOSE: {
		struct dasv_outcome o;
		struct dasv_field_err fe;
		int reason = e->arg & 0xff;
		if (R->allocated[e->idx] != ((e->arg & CLOSE_UNALLOCATED) ? 0 : 1))
			return DASV_OK;
		memset(&o, 0, sizeof(o));
		snprintf(o.reason, sizeof(o.reason), "%s", close_reasons[reason]);
		o.abuse_stopped = o.feels_safer = -1;
		o.exit_level = DASV_LEVEL_NONE;
		if (reason == 0) {
			o.abuse_stopped = chance(g, 72);
			o.feels_safer = chance(g, 82);
			o.exit_level = chance(g, 80) ? DASV_LEVEL_STANDARD : DASV_LEVEL_MEDIUM;
			o.quality_of_life = 3 + rnd(g, 3);
		} else if (reason >= 3) {
			o.abuse_stopped = rnd(g, 3) - 1;
			o.quality_of_life = rnd(g, 2) ? 0 : 2 + rnd(g, 3);
		}
		st = dasv_referral_close(R->sup, it->id, &o, &fe);
		return st;
	}
	}
	return st;
}

/* Decide what happens to each referral after intake, as dated events. */
static size_t
plan_events(struct gen *G, const struct item *items, int n, struct event *ev)
{
	size_t m = 0;

	for (int i = 0; i < n; i++) {
		const struct item *it = &items[i];
		int32_t age = G->today - it->received, alloc, first;
		int p;

		if (it->sv_level >= 0)
			ev[m++] = (struct event){ it->received, EV_SV, i, 0 };
		/* most referrals are allocated within days; the newest are still queued */
		/* high risk is allocated within days; the rest as capacity allows */
		p = it->level == DASV_LEVEL_HIGH ? (age > 3 ? 98 : 40) : age > 28 ? 70 : age > 7 ? 45 : 10;
		if (!chance(&G->g, p)) {
			/* never allocated: most older ones were closed from the queue */
			if (age > 45 && chance(&G->g, 95))
				ev[m++] = (struct event){ it->received + 7 + rnd(&G->g, 30), EV_CLOSE, i,
							   CLOSE_UNALLOCATED | (chance(&G->g, 50) ? 1 : 2) };
			continue;
		}
		alloc = it->received + 1 + rnd(&G->g, 4);
		if (alloc > G->today)
			continue;
		ev[m++] = (struct event){ alloc, EV_ALLOCATE, i, 0 };
		first = alloc + rnd(&G->g, 3);
		if (first > G->today || chance(&G->g, 6))
			continue;
		if (chance(&G->g, 30)) {
			ev[m++] = (struct event){ first, EV_ATTEMPT, i, 0 };
			first += 1 + rnd(&G->g, 2);
			if (first > G->today)
				continue;
		}
		ev[m++] = (struct event){ first, EV_CONTACT, i,
					   chance(&G->g, 5) ? DASV_CONTACT_UNSAFE : DASV_CONTACT_MADE };
		/* support lasts weeks to months; most cases that old are closed */
		{
			int32_t close = first + 21 + rnd(&G->g, 200);
			if (close <= G->today && chance(&G->g, 92))
				ev[m++] = (struct event){ close, EV_CLOSE, i,
							   pick_w(&G->g, close_weights,
								  (int)LEN(close_weights)) };
		}
	}
	qsort(ev, m, sizeof(ev[0]), event_cmp);
	return m;
}

/* ---- the whole database --------------------------------------------- */

static int
day_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static enum dasv_status
open_as(const char *path, const struct dasv_demo_user *u, struct dasv *d0, struct dasv **out)
{
	enum dasv_status st = dasv_open(path, 0, out);

	if (st == DASV_OK)
		st = dasv_unlock(*out, u->name, u->pass);
	if (st != DASV_OK && *out)
		dasv_set_err(d0, st, "demo: %s: %s", u->name, dasv_errmsg(*out));
	return st;
}

static enum dasv_status
bulk_insert(struct dasv *d, struct gen *G, int n, struct item *items)
{
	int32_t *days = NULL;
	struct dasv_referral r;
	struct strs s;
	struct dasv_dash_input dash;
	struct dasv_intake_result ir;
	struct dasv_field_err fe;
	struct dasv_marac_result mr;
	enum dasv_status st;
	char detail[128];
	int has_dash, marker_again;

	if (n == 0)
		return DASV_OK;
	if (!(days = malloc((size_t)n * sizeof(*days))))
		return dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
	/* received over the last two years, a little busier on weekdays */
	for (int i = 0; i < n; i++) {
		days[i] = G->today - 1 - rnd(&G->g, 730);
		if (dasv_date_weekday(days[i]) >= 5 && chance(&G->g, 50))
			days[i] -= dasv_date_weekday(days[i]) - 4;
	}
	qsort(days, (size_t)n, sizeof(*days), day_cmp);
	/* the marker person comes back about two thirds of the way through */
	marker_again = n >= 3 ? (2 * n) / 3 : -1;
	if ((st = dasv_tx_begin(d)) != DASV_OK)
		goto out;
	for (int i = 0; i < n; i++) {
		build(G, i, days[i], i == marker_again, &r, &s, &dash, &has_dash, &items[i]);
		st = dasv_referral_insert(d, &r, &fe, &ir);
		if (st == DASV_OK && has_dash)
			st = dasv_dash_apply(d, ir.id, &dash, &mr);
		if (st != DASV_OK) {
			char why[sizeof(d->err)];
			snprintf(why, sizeof(why), "%s", dasv_errmsg(d));
			dasv_set_err(d, st, "demo: referral %d: %s", i + 1, why);
			dasv_tx_rollback(d);
			goto out;
		}
		items[i].id = ir.id;
	}
	snprintf(detail, sizeof(detail), "count=%d first=%lld last=%lld", n,
		 (long long)items[0].id, (long long)items[n - 1].id);
	if ((st = dasv_audit_append(d, "demo_create", "referral", items[0].id, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		goto out;
	}
	st = dasv_tx_commit(d);
out:
	dasv_wipe(&s, sizeof(s));
	free(days);
	return st;
}

static enum dasv_status
replay(struct dasv *d, const char *path, struct gen *G, int n, struct item *items)
{
	struct replay R;
	struct event *ev = NULL;
	size_t m;
	enum dasv_status st = DASV_OK;
	int32_t day = DASV_DATE_NONE;
	struct dasv_user *users = NULL;
	size_t nu = 0;

	memset(&R, 0, sizeof(R));
	R.sup = d;
	if (n == 0)
		return DASV_OK;
	R.worker = calloc((size_t)n, sizeof(int));
	R.allocated = calloc((size_t)n, sizeof(int));
	ev = malloc((size_t)n * 5 * sizeof(*ev));
	if (!R.worker || !R.allocated || !ev) {
		st = dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
		goto out;
	}
	if ((st = open_as(path, &demo_users[2], d, &R.cw[0])) != DASV_OK ||
	    (st = open_as(path, &demo_users[3], d, &R.cw[1])) != DASV_OK)
		goto out;
	if ((st = dasv_user_list(d, &users, &nu)) != DASV_OK)
		goto out;
	for (size_t k = 0; k < nu; k++)
		for (int w = 0; w < 2; w++)
			if (!strcmp(users[k].name, demo_users[2 + w].name))
				R.cw_id[w] = users[k].id;
	if ((st = dasv_services_list(d, 1, &R.svc, &R.nsvc)) != DASV_OK)
		goto out;
	m = plan_events(G, items, n, ev);
	for (size_t k = 0; k < m; k++) {
		if (ev[k].day != day) {
			day = ev[k].day;
			set_today(day);
		}
		st = replay_event(&R, items, &ev[k], &G->g);
		if (st != DASV_OK) {
			struct dasv *who = ev[k].kind == EV_ATTEMPT || ev[k].kind == EV_CONTACT
						   ? R.cw[R.worker[ev[k].idx]]
						   : d;
			char why[sizeof(d->err)];
			snprintf(why, sizeof(why), "%s", dasv_errmsg(who));
			dasv_set_err(d, st, "demo: casework on referral %lld: %s",
				     (long long)items[ev[k].idx].id, why);
			goto out;
		}
	}
out:
	free(users);
	free(R.svc);
	free(R.worker);
	free(R.allocated);
	free(ev);
	dasv_close(&R.cw[0]);
	dasv_close(&R.cw[1]);
	return st;
}

static void
remove_db(const char *path)
{
	char side[4200];

	remove(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	remove(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	remove(side);
}

enum dasv_status
dasv_demo_create(const char *path, int referrals, uint32_t seed, struct dasv **out)
{
	struct gen *G = NULL;
	struct item *items = NULL;
	struct dasv *d = NULL;
	enum dasv_status st;
	char *saved_today = NULL;
	const char *env;

	*out = NULL;
	if (referrals < 0 || referrals > DASV_DEMO_MAX_REFERRALS) {
		if ((*out = calloc(1, sizeof(**out)))) {
			(*out)->role = DASV_ROLE_NONE;
			dasv_set_err(*out, DASV_USAGE, "demo: referrals must be 0 to %d",
				     DASV_DEMO_MAX_REFERRALS);
		}
		return DASV_USAGE;
	}
	st = dasv_init(path, demo_users[0].name, demo_users[0].pass, out);
	d = *out;
	if (st != DASV_OK)
		return st; /* nothing of ours to remove: the file was not created or existed */

	env = getenv("DASV_TODAY");
	if (env && !(saved_today = strdup(env))) {
		st = dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
		goto fail;
	}
	if (!(G = calloc(1, sizeof(*G))) ||
	    !(items = calloc(referrals > 0 ? (size_t)referrals : 1, sizeof(*items)))) {
		st = dasv_set_err(d, DASV_NOMEM, "demo: out of memory");
		goto fail;
	}
	rng_seed(&G->g, seed);
	G->today = dasv_date_today();
	for (int k = 0; k < 2000; k++)
		G->phone_perm[k] = k;
	for (int k = 1999; k > 0; k--) {
		int j = rnd(&G->g, k + 1), t = G->phone_perm[k];
		G->phone_perm[k] = G->phone_perm[j];
		G->phone_perm[j] = t;
	}
	for (int k = 0; k < SERIAL_PERPS; k++)
		new_perp(G, &G->serial[k], G->today - 730);

	for (size_t k = 1; k < N_USERS; k++)
		if ((st = dasv_user_add(d, demo_users[k].name, demo_users[k].role,
					demo_users[k].pass)) != DASV_OK)
			goto fail;
	if ((st = dasv_setting_set(d, "demo", "1")) != DASV_OK)
		goto fail;
	/* intake is the supervisor's: caseworkers see what is allocated to them */
	if ((st = dasv_unlock(d, demo_users[1].name, demo_users[1].pass)) != DASV_OK ||
	    (st = bulk_insert(d, G, referrals, items)) != DASV_OK ||
	    (st = replay(d, path, G, referrals, items)) != DASV_OK)
		goto fail;
	st = DASV_OK;
	goto done;
fail:
	/* a demo that could not be finished is not left half-made */
	{
		char why[sizeof(d->err)];
		snprintf(why, sizeof(why), "%s", dasv_errmsg(d));
		dasv_close(out);
		remove_db(path);
		if ((*out = d = calloc(1, sizeof(*d)))) {
			d->role = DASV_ROLE_NONE;
			dasv_set_err(d, st, "%s", why);
		}
	}
done:
	if (saved_today) {
		setenv("DASV_TODAY", saved_today, 1);
		free(saved_today);
	} else {
		unsetenv("DASV_TODAY");
	}
	if (d)
		dasv_lock(d);
	if (G)
		dasv_wipe(G, sizeof(*G));
	free(G);
	free(items);
	return st;
}
