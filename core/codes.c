/*
 * codes.c - the built-in code lists.
 *
 * The tables below are the stored vocabulary of the database.  Their order
 * is frozen (indexes and bitmasks are stored elsewhere): append only.
 */
#include "codes.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LIST(name, table) { name, table, sizeof(table) / sizeof(table[0]) }

static const struct dasv_code strand_codes[] = {
	{ "DA", "Domestic abuse" },
	{ "SV", "Sexual violence" },
};

static const struct dasv_code vawg_codes[] = {
	{ "domestic_abuse", "Domestic abuse" },
	{ "sexual_violence", "Sexual violence" },
	{ "fgm", "FGM" },
	{ "forced_marriage", "Forced marriage" },
	{ "stalking_harassment", "Stalking and harassment" },
	{ "honour_based_violence", "Honour-based violence" },
	{ "signposted_elsewhere", "Signposted elsewhere (trafficking, prostitution, CSE)" },
};

static const struct dasv_code source_codes[] = {
	{ "police", "Police" },
	{ "health", "Health" },
	{ "mental_health", "Mental health" },
	{ "children_services", "Children's services" },
	{ "adult_services", "Adult services" },
	{ "housing", "Housing" },
	{ "education", "Education" },
	{ "self", "Self-referral" },
	{ "family_friend", "Family or friend" },
	{ "helpline", "Helpline" },
	{ "voluntary_sector", "Voluntary sector" },
	{ "marac", "MARAC" },
	{ "probation", "Probation" },
	{ "other", "Other" },
};

static const struct dasv_code district_codes[] = {
	{ "cambridge", "Cambridge" },
	{ "east_cambridgeshire", "East Cambridgeshire" },
	{ "fenland", "Fenland" },
	{ "huntingdonshire", "Huntingdonshire" },
	{ "south_cambridgeshire", "South Cambridgeshire" },
	{ "peterborough", "Peterborough" },
	{ "out_of_area", "Out of area" },
};

static const struct dasv_code relationship_codes[] = {
	{ "partner", "Partner" },
	{ "ex_partner", "Ex-partner" },
	{ "family_member", "Family member" },
	{ "acquaintance", "Acquaintance" },
	{ "stranger", "Stranger" },
	{ "other", "Other" },
	{ "unknown", "Unknown" },
};

static const struct dasv_code level_codes[] = {
	{ "standard", "Standard" },
	{ "medium", "Medium" },
	{ "high", "High" },
};

static const struct dasv_code need_domain_codes[] = {
	{ "safety", "Safety" },
	{ "housing", "Housing" },
	{ "physical_health", "Physical health" },
	{ "mental_health", "Mental health" },
	{ "substance_use", "Substance use" },
	{ "finance", "Finance" },
	{ "children_safeguarding", "Children & safeguarding" },
	{ "justice", "Criminal/civil justice" },
	{ "immigration", "Immigration (NRPF)" },
	{ "employment_education", "Employment/education" },
	{ "disability", "Disability" },
	{ "language", "Language" },
	{ "social_isolation", "Social isolation" },
};

static const struct dasv_code need_level_codes[] = {
	{ "none", "None" },
	{ "low", "Low" },
	{ "medium", "Medium" },
	{ "high", "High" },
};

static const struct dasv_code sv_domain_codes[] = {
	{ "personal_requirements", "Personal requirements" },
	{ "harm_from_others", "Harm from others" },
	{ "physical_health", "Physical health" },
	{ "mental_health", "Mental health" },
	{ "coping_support", "Coping and social support" },
	{ "alcohol_drugs", "Alcohol and drugs" },
	{ "safeguarding", "Safeguarding" },
	{ "criminal_justice", "Criminal justice" },
	{ "employment_education", "Employment and education" },
	{ "finance", "Finance" },
	{ "housing", "Housing" },
	{ "immigration", "Immigration (NRPF)" },
	{ "risk_to_professionals", "Risk to professionals" },
	{ "professional_judgement", "Professional judgement" },
};

static const struct dasv_code sex_codes[] = {
	{ "female", "Female" },
	{ "male", "Male" },
	{ "intersex", "Intersex" },
	{ "not_known", "Not known" },
	{ "prefer_not_to_say", "Prefer not to say" },
};

static const struct dasv_code age_band_codes[] = {
	{ "under_16", "Under 16" },
	{ "16_17", "16-17" },
	{ "18_24", "18-24" },
	{ "25_34", "25-34" },
	{ "35_44", "35-44" },
	{ "45_54", "45-54" },
	{ "55_64", "55-64" },
	{ "65_plus", "65 and over" },
	{ "not_known", "Not known" },
};

static const struct dasv_code ethnicity_codes[] = {
	{ "white", "White" },
	{ "mixed", "Mixed or multiple ethnic groups" },
	{ "asian", "Asian or Asian British" },
	{ "black", "Black, Black British, Caribbean or African" },
	{ "other", "Other ethnic group" },
	{ "not_known", "Not known" },
	{ "prefer_not_to_say", "Prefer not to say" },
};

static const struct dasv_code disability_codes[] = {
	{ "yes", "Yes" },
	{ "no", "No" },
	{ "not_known", "Not known" },
	{ "prefer_not_to_say", "Prefer not to say" },
};

static const struct dasv_code sexual_orientation_codes[] = {
	{ "heterosexual", "Heterosexual" },
	{ "gay_lesbian", "Gay or lesbian" },
	{ "bisexual", "Bisexual" },
	{ "other", "Other" },
	{ "not_known", "Not known" },
	{ "prefer_not_to_say", "Prefer not to say" },
};

static const struct dasv_code gender_reassignment_codes[] = {
	{ "yes", "Yes" },
	{ "no", "No" },
	{ "not_known", "Not known" },
	{ "prefer_not_to_say", "Prefer not to say" },
};

static const struct dasv_code pregnancy_codes[] = {
	{ "yes", "Yes" },
	{ "no", "No" },
	{ "not_known", "Not known" },
};

static const struct dasv_code religion_codes[] = {
	{ "none", "No religion" },
	{ "christian", "Christian" },
	{ "buddhist", "Buddhist" },
	{ "hindu", "Hindu" },
	{ "jewish", "Jewish" },
	{ "muslim", "Muslim" },
	{ "sikh", "Sikh" },
	{ "other", "Other religion" },
	{ "not_known", "Not known" },
	{ "prefer_not_to_say", "Prefer not to say" },
};

static const struct dasv_code yes_no_codes[] = {
	{ "yes", "Yes" },
	{ "no", "No" },
	{ "not_known", "Not known" },
};

static const struct dasv_code service_type_codes[] = {
	{ "idva", "IDVA" },
	{ "isva", "ISVA" },
	{ "outreach", "Outreach" },
	{ "refuge", "Refuge" },
	{ "helpline", "Helpline" },
	{ "cyp", "Children & young people" },
	{ "perpetrator_programme", "Perpetrator programme" },
	{ "sarc", "SARC" },
	{ "prevention", "Prevention / education" },
};

static const struct dasv_code status_codes[] = {
	{ "new", "New" },
	{ "triaged", "Triaged" },
	{ "allocated", "Allocated" },
	{ "in_support", "In support" },
	{ "closed", "Closed" },
};

static const struct dasv_code contact_kind_codes[] = {
	{ "attempted", "Attempted" },
	{ "made", "Made" },
	{ "unsafe", "Unsafe to contact" },
};

static const struct dasv_code close_reason_codes[] = {
	{ "support_completed", "Support completed" },
	{ "declined", "Declined" },
	{ "no_contact", "No contact" },
	{ "moved_away", "Moved away" },
	{ "transferred", "Transferred" },
};

static const struct dasv_code sharing_basis_codes[] = {
	{ "consent", "Consent" },
	{ "vital_interests", "Vital interests" },
	{ "safeguarding", "Safeguarding" },
	{ "crime_prevention", "Prevention or detection of crime" },
	{ "legal_obligation", "Legal obligation" },
	{ "public_task", "Public task" },
	{ "not_shared", "Not shared" },
};

static const struct dasv_code answer_source_codes[] = {
	{ "victim", "Victim" },
	{ "professional", "Professional" },
	{ "records", "Records" },
	{ "other", "Other" },
};

static const struct dasv_code role_codes[] = {
	{ "caseworker", "Caseworker" },
	{ "supervisor", "Supervisor" },
	{ "auditor", "Auditor" },
	{ "admin", "Admin" },
};

static const struct {
	const char *name;
	const struct dasv_code *codes;
	size_t n;
} lists[DASV_LIST_COUNT] = {
	[DASV_LIST_STRAND] = LIST("strand", strand_codes),
	[DASV_LIST_VAWG] = LIST("vawg_types", vawg_codes),
	[DASV_LIST_SOURCE] = LIST("source", source_codes),
	[DASV_LIST_DISTRICT] = LIST("district", district_codes),
	[DASV_LIST_RELATIONSHIP] = LIST("perpetrator_relationship", relationship_codes),
	[DASV_LIST_LEVEL] = LIST("level", level_codes),
	[DASV_LIST_NEED_DOMAIN] = LIST("need_domain", need_domain_codes),
	[DASV_LIST_NEED_LEVEL] = LIST("need_level", need_level_codes),
	[DASV_LIST_SV_DOMAIN] = LIST("sv_domain", sv_domain_codes),
	[DASV_LIST_SEX] = LIST("sex", sex_codes),
	[DASV_LIST_AGE_BAND] = LIST("age_band", age_band_codes),
	[DASV_LIST_ETHNICITY] = LIST("ethnicity", ethnicity_codes),
	[DASV_LIST_DISABILITY] = LIST("disability", disability_codes),
	[DASV_LIST_SEXUAL_ORIENTATION] = LIST("sexual_orientation", sexual_orientation_codes),
	[DASV_LIST_GENDER_REASSIGNMENT] = LIST("gender_reassignment", gender_reassignment_codes),
	[DASV_LIST_PREGNANCY] = LIST("pregnancy", pregnancy_codes),
	[DASV_LIST_RELIGION] = LIST("religion", religion_codes),
	[DASV_LIST_YES_NO] = LIST("yes_no", yes_no_codes),
	[DASV_LIST_SERVICE_TYPE] = LIST("service_type", service_type_codes),
	[DASV_LIST_STATUS] = LIST("status", status_codes),
	[DASV_LIST_CONTACT_KIND] = LIST("contact_kind", contact_kind_codes),
	[DASV_LIST_CLOSE_REASON] = LIST("close_reason", close_reason_codes),
	[DASV_LIST_SHARING_BASIS] = LIST("sharing_basis", sharing_basis_codes),
	[DASV_LIST_ANSWER_SOURCE] = LIST("answer_source", answer_source_codes),
	[DASV_LIST_ROLE] = LIST("role", role_codes),
};

/* The longest lists must still fit a bitmask. */
_Static_assert(sizeof(source_codes) / sizeof(source_codes[0]) <= DASV_CODE_SET_MAX,
	       "source list too long for a set");
_Static_assert(sizeof(sv_domain_codes) / sizeof(sv_domain_codes[0]) <= DASV_CODE_SET_MAX,
	       "sv_domain list too long for a set");
_Static_assert(sizeof(unsigned) * 8 >= DASV_CODE_SET_MAX, "unsigned too narrow for a set");

static int
valid_list(enum dasv_code_list list)
{
	return (unsigned)list < DASV_LIST_COUNT;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Index of s[0..len) after trimming, or -1. */
static int
find_n(enum dasv_code_list list, const char *s, size_t len)
{
	size_t i;

	while (len > 0 && is_blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	if (len == 0)
		return -1;
	for (i = 0; i < lists[list].n; i++) {
		const char *c = lists[list].codes[i].code;

		if (strlen(c) == len && strncasecmp(c, s, len) == 0)
			return (int)i;
	}
	return -1;
}

const struct dasv_code *
dasv_codes(enum dasv_code_list list, size_t *n)
{
	if (!valid_list(list)) {
		if (n)
			*n = 0;
		return NULL;
	}
	if (n)
		*n = lists[list].n;
	return lists[list].codes;
}

const char *
dasv_code_list_name(enum dasv_code_list list)
{
	return valid_list(list) ? lists[list].name : "";
}

int
dasv_code_find(enum dasv_code_list list, const char *s)
{
	if (!valid_list(list) || !s)
		return -1;
	return find_n(list, s, strlen(s));
}

const char *
dasv_code_label(enum dasv_code_list list, const char *code)
{
	int i;

	if (!code)
		return "";
	i = dasv_code_find(list, code);
	return i < 0 ? code : lists[list].codes[i].label;
}

/*
 * Copy an untrusted item into a message: printable ASCII as is, anything
 * else as \xNN, so a hostile import cannot put escape sequences on screen.
 * Long items are cut; the item is a would-be code, never personal data.
 */
static void
quote_item(char *out, size_t outsz, const char *s, size_t len)
{
	size_t o = 0, i;
	const size_t keep = 32;

	for (i = 0; i < len && i < keep; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outsz)
				break;
			snprintf(out + o, outsz - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (i < len && o + 3 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

enum dasv_status
dasv_code_parse_set(enum dasv_code_list list, const char *s, unsigned *mask,
		    char *err, size_t errsz)
{
	unsigned m = 0;
	const char *p, *end;

	if (!valid_list(list))
		return dasv_fail(err, errsz, DASV_INTERNAL, "no such code list");
	if (!s)
		s = "";
	for (p = s;; p = end + 1) {
		size_t len, k;
		int idx;

		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		for (k = 0; k < len && is_blank(p[k]); k++)
			;
		if (k < len) {
			idx = find_n(list, p, len);
			if (idx < 0) {
				char item[32 * 4 + 4];
				char valid[512];

				quote_item(item, sizeof(item), p + k, len - k);
				dasv_code_format_set(list, ~0u, valid, sizeof(valid));
				for (char *v = valid; *v; v++)
					if (*v == ';')
						*v = ',';
				return dasv_fail(err, errsz, DASV_INVALID,
						 "%s: '%s' is not one of %s",
						 lists[list].name, item, valid);
			}
			m |= 1u << idx;
		}
		if (*end == '\0')
			break;
	}
	if (mask)
		*mask = m;
	return DASV_OK;
}

void
dasv_code_format_set(enum dasv_code_list list, unsigned mask, char *buf,
		     size_t bufsz)
{
	size_t o = 0, i;

	if (!buf || bufsz == 0)
		return;
	buf[0] = '\0';
	if (!valid_list(list))
		return;
	for (i = 0; i < lists[list].n && i < DASV_CODE_SET_MAX; i++) {
		const char *c = lists[list].codes[i].code;
		size_t len = strlen(c), need = len + (o > 0);

		if (!(mask & (1u << i)))
			continue;
		if (o + need >= bufsz)
			break;
		if (o > 0)
			buf[o++] = ';';
		memcpy(buf + o, c, len);
		o += len;
		buf[o] = '\0';
	}
}

const char *
dasv_age_band_for(int age_years)
{
	static const struct {
		int below;
		const char *code;
	} bands[] = {
		{ 16, "under_16" }, { 18, "16_17" }, { 25, "18_24" },
		{ 35, "25_34" }, { 45, "35_44" }, { 55, "45_54" },
		{ 65, "55_64" },
	};
	size_t i;

	if (age_years < 0)
		return "not_known";
	for (i = 0; i < sizeof(bands) / sizeof(bands[0]); i++)
		if (age_years < bands[i].below)
			return bands[i].code;
	return "65_plus";
}
