/*
 * demo_gen.c - the synthetic referrals of a demo database: built-in lists of
 * common first names, surnames, streets, towns and postcode districts, safe
 * contact wordings and notes, and the generator that draws a plausible
 * referral (person, perpetrator, children, consent, equality, DASH answers)
 * from them with the demo's one PRNG.
 *
 * Every person is invented: phones are in Ofcom's drama ranges, each given to
 * one person only; postcodes have the CB/PE shape.  Nothing here touches the
 * database: demo.c inserts what this builds and replays the casework.
 */
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "date.h"
#include "demo.h"
#include "demo_int.h"
#include "risk.h"

/* ---- synthetic vocabulary ------------------------------------------- */

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

const char *
dasv_demo_district_code(int district)
{
	return districts[district].code;
}

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

/* ---- PRNG (xorshift64*, seeded through splitmix64) ------------------ */

static void
rng_seed(struct rng *g, uint32_t seed)
{
	uint64_t z = (uint64_t)seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	g->s = (z ^ (z >> 31)) | 1;
}

static const char *
pick_s(struct rng *g, const char *const *list, size_t n)
{
	return list[rnd(g, (int)n)];
}

/* A code by weight from parallel arrays. */
#define PICK(g, codes, weights) ((codes)[pick_w((g), (weights), (int)LEN(weights))])

/* ---- people ---------------------------------------------------------- */

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
void
dasv_demo_build(struct gen *G, int i, int32_t received, int marker_repeat,
		struct dasv_referral *r, struct strs *s, struct dasv_dash_input *dash,
		int *has_dash, struct item *it)
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

/* ---- the generator ----------------------------------------------------- */

void
dasv_demo_gen_init(struct gen *G, uint32_t seed)
{
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
}
