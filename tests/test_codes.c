/* test_codes.c - built-in code lists (core/codes.c). */
#include <criterion/criterion.h>
#include <limits.h>
#include <string.h>

#include "codes.h"

static void
assert_list(enum dasv_code_list list, const char *const *want, size_t nwant)
{
	size_t n, i;
	const struct dasv_code *c = dasv_codes(list, &n);

	cr_assert_not_null(c);
	cr_assert_eq(n, nwant, "%s has %zu codes, expected %zu",
		     dasv_code_list_name(list), n, nwant);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(c[i].code, want[i], "%s[%zu]", dasv_code_list_name(list), i);
}

#define ASSERT_LIST(list, ...) do { \
	static const char *const want_[] = { __VA_ARGS__ }; \
	assert_list(list, want_, sizeof(want_) / sizeof(want_[0])); \
} while (0)

/* --- hostile input first --- */

Test(code_parse_set, unknown_item_names_item_and_valid_codes)
{
	unsigned mask = 77;
	char err[512];

	cr_assert_eq(dasv_code_parse_set(DASV_LIST_VAWG, "fgm;trafficking", &mask,
					 err, sizeof(err)), DASV_INVALID);
	cr_assert_eq(mask, 77, "mask written on failure");
	cr_assert(strstr(err, "vawg_types: 'trafficking' is not one of ") == err, "%s", err);
	cr_assert(strstr(err, "domestic_abuse") && strstr(err, "signposted_elsewhere"), "%s", err);
}

Test(code_parse_set, hostile_bytes_are_escaped_in_message)
{
	unsigned mask;
	char err[512];
	const char *p;

	cr_assert_eq(dasv_code_parse_set(DASV_LIST_STRAND, "DA;\x1b[2J\xff", &mask,
					 err, sizeof(err)), DASV_INVALID);
	for (p = err; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f,
			  "raw byte 0x%02x in message", (unsigned char)*p);
	cr_assert(strstr(err, "\\x1b[2J\\xff"), "%s", err);
}

Test(code_parse_set, long_item_is_cut)
{
	char big[4096], err[1024];
	unsigned mask;

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(dasv_code_parse_set(DASV_LIST_VAWG, big, &mask, err, sizeof(err)),
		     DASV_INVALID);
	cr_assert(strstr(err, "...'"), "%s", err);
	cr_assert_lt(strlen(err), 400);
}

Test(code_parse_set, bad_list_is_internal_error)
{
	unsigned mask;

	cr_assert_eq(dasv_code_parse_set(DASV_LIST_COUNT, "DA", &mask, NULL, 0),
		     DASV_INTERNAL);
}

Test(codes, bad_list_gives_null_and_empty)
{
	size_t n = 99;

	cr_assert_null(dasv_codes(DASV_LIST_COUNT, &n));
	cr_assert_eq(n, 0);
	cr_assert_null(dasv_codes((enum dasv_code_list)-1, &n));
	cr_assert_str_eq(dasv_code_list_name(DASV_LIST_COUNT), "");
	cr_assert_eq(dasv_code_find(DASV_LIST_COUNT, "DA"), -1);
	cr_assert_str_eq(dasv_code_label(DASV_LIST_COUNT, "DA"), "DA");
}

Test(code_find, rejects_null_empty_and_blank)
{
	cr_assert_eq(dasv_code_find(DASV_LIST_DISTRICT, NULL), -1);
	cr_assert_eq(dasv_code_find(DASV_LIST_DISTRICT, ""), -1);
	cr_assert_eq(dasv_code_find(DASV_LIST_DISTRICT, "   "), -1);
}

Test(code_find, rejects_prefixes_and_inner_spaces)
{
	cr_assert_eq(dasv_code_find(DASV_LIST_DISTRICT, "cambridg"), -1);
	cr_assert_eq(dasv_code_find(DASV_LIST_DISTRICT, "cambridgeshire"), -1);
	cr_assert_eq(dasv_code_find(DASV_LIST_DISTRICT, "east cambridgeshire"), -1);
	cr_assert_eq(dasv_code_find(DASV_LIST_STRAND, "DA;SV"), -1);
}

/* --- lookups --- */

Test(code_find, case_insensitive_and_trimmed)
{
	cr_assert_eq(dasv_code_find(DASV_LIST_SOURCE, "POLICE"), 0);
	cr_assert_eq(dasv_code_find(DASV_LIST_SOURCE, " Police \t"), 0);
	cr_assert_eq(dasv_code_find(DASV_LIST_STRAND, "sv"), 1);
	cr_assert_eq(dasv_code_find(DASV_LIST_DISTRICT, "Peterborough"), 5);
}

Test(code_label, known_and_unknown)
{
	cr_assert_str_eq(dasv_code_label(DASV_LIST_SERVICE_TYPE, "cyp"), "Children & young people");
	cr_assert_str_eq(dasv_code_label(DASV_LIST_SERVICE_TYPE, "IDVA"), "IDVA");
	cr_assert_str_eq(dasv_code_label(DASV_LIST_NEED_DOMAIN, "immigration"), "Immigration (NRPF)");
	cr_assert_str_eq(dasv_code_label(DASV_LIST_CONTACT_KIND, "unsafe"), "Unsafe to contact");
	cr_assert_str_eq(dasv_code_label(DASV_LIST_DISTRICT, "atlantis"), "atlantis");
	cr_assert_str_eq(dasv_code_label(DASV_LIST_DISTRICT, NULL), "");
}

Test(code_parse_set, strand_masks)
{
	unsigned mask = 0;

	cr_assert_eq(dasv_code_parse_set(DASV_LIST_STRAND, "DA", &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 1);
	cr_assert_eq(dasv_code_parse_set(DASV_LIST_STRAND, "SV", &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 2);
	cr_assert_eq(dasv_code_parse_set(DASV_LIST_STRAND, "DA;SV", &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 3);
	cr_assert_eq(dasv_code_parse_set(DASV_LIST_STRAND, "sv ; da", &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 3);
}

Test(code_parse_set, empty_items_ignored)
{
	unsigned mask = 99;

	cr_assert_eq(dasv_code_parse_set(DASV_LIST_VAWG, "", &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 0);
	cr_assert_eq(dasv_code_parse_set(DASV_LIST_VAWG, NULL, &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 0);
	cr_assert_eq(dasv_code_parse_set(DASV_LIST_VAWG, ";;fgm; ;", &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 1u << 2);
}

Test(code_parse_set, duplicates_collapse)
{
	unsigned mask;

	cr_assert_eq(dasv_code_parse_set(DASV_LIST_VAWG, "fgm;FGM", &mask, NULL, 0), DASV_OK);
	cr_assert_eq(mask, 1u << 2);
}

Test(code_format_set, list_order)
{
	char buf[128];

	dasv_code_format_set(DASV_LIST_VAWG, (1u << 2) | 1u, buf, sizeof(buf));
	cr_assert_str_eq(buf, "domestic_abuse;fgm");
	dasv_code_format_set(DASV_LIST_STRAND, 3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "DA;SV");
	dasv_code_format_set(DASV_LIST_STRAND, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
}

Test(code_format_set, ignores_bits_beyond_list)
{
	char buf[128];

	dasv_code_format_set(DASV_LIST_STRAND, ~0u, buf, sizeof(buf));
	cr_assert_str_eq(buf, "DA;SV");
}

Test(code_format_set, small_buffer_cuts_at_separator)
{
	char buf[20];

	dasv_code_format_set(DASV_LIST_VAWG, 7, buf, sizeof(buf));
	cr_assert_str_eq(buf, "domestic_abuse");
	dasv_code_format_set(DASV_LIST_VAWG, 1, buf, 3);
	cr_assert_str_eq(buf, "");
}

Test(code_format_set, round_trips_every_subset_of_strand_and_vawg)
{
	unsigned m, back;
	char buf[256];

	for (m = 0; m < (1u << 7); m++) {
		dasv_code_format_set(DASV_LIST_VAWG, m, buf, sizeof(buf));
		cr_assert_eq(dasv_code_parse_set(DASV_LIST_VAWG, buf, &back, NULL, 0), DASV_OK);
		cr_assert_eq(back, m, "%s", buf);
	}
}

/* --- contents and order are stored; guard them --- */

Test(codes, every_list_fits_a_mask_and_has_labels)
{
	int l;
	size_t n, i;

	for (l = 0; l < DASV_LIST_COUNT; l++) {
		const struct dasv_code *c = dasv_codes((enum dasv_code_list)l, &n);

		cr_assert_not_null(c);
		cr_assert(n > 0 && n <= DASV_CODE_SET_MAX, "list %d", l);
		cr_assert_neq(dasv_code_list_name((enum dasv_code_list)l)[0], '\0');
		for (i = 0; i < n; i++) {
			cr_assert_not_null(c[i].code);
			cr_assert_not_null(c[i].label);
			cr_assert_eq(dasv_code_find((enum dasv_code_list)l, c[i].code), (int)i,
				     "duplicate or unfindable code %s", c[i].code);
			cr_assert_null(strchr(c[i].code, ';'));
			cr_assert_null(strchr(c[i].code, ' '));
		}
	}
}

Test(codes, design_section_7_order)
{
	ASSERT_LIST(DASV_LIST_STRAND, "DA", "SV");
	ASSERT_LIST(DASV_LIST_VAWG, "domestic_abuse", "sexual_violence", "fgm",
		    "forced_marriage", "stalking_harassment", "honour_based_violence",
		    "signposted_elsewhere");
	ASSERT_LIST(DASV_LIST_SOURCE, "police", "health", "mental_health",
		    "children_services", "adult_services", "housing", "education", "self",
		    "family_friend", "helpline", "voluntary_sector", "marac", "probation",
		    "other");
	ASSERT_LIST(DASV_LIST_DISTRICT, "cambridge", "east_cambridgeshire", "fenland",
		    "huntingdonshire", "south_cambridgeshire", "peterborough", "out_of_area");
	ASSERT_LIST(DASV_LIST_RELATIONSHIP, "partner", "ex_partner", "family_member",
		    "acquaintance", "stranger", "other", "unknown");
	ASSERT_LIST(DASV_LIST_LEVEL, "standard", "medium", "high");
}

Test(codes, need_and_sv_domain_order)
{
	ASSERT_LIST(DASV_LIST_NEED_DOMAIN, "safety", "housing", "physical_health",
		    "mental_health", "substance_use", "finance", "children_safeguarding",
		    "justice", "immigration", "employment_education", "disability",
		    "language", "social_isolation");
	ASSERT_LIST(DASV_LIST_NEED_LEVEL, "none", "low", "medium", "high");
	ASSERT_LIST(DASV_LIST_SV_DOMAIN, "personal_requirements", "harm_from_others",
		    "physical_health", "mental_health", "coping_support", "alcohol_drugs",
		    "safeguarding", "criminal_justice", "employment_education", "finance",
		    "housing", "immigration", "risk_to_professionals",
		    "professional_judgement");
}

Test(codes, equality_lists_order)
{
	ASSERT_LIST(DASV_LIST_SEX, "female", "male", "intersex", "not_known",
		    "prefer_not_to_say");
	ASSERT_LIST(DASV_LIST_AGE_BAND, "under_16", "16_17", "18_24", "25_34", "35_44",
		    "45_54", "55_64", "65_plus", "not_known");
	ASSERT_LIST(DASV_LIST_ETHNICITY, "white", "mixed", "asian", "black", "other",
		    "not_known", "prefer_not_to_say");
	ASSERT_LIST(DASV_LIST_DISABILITY, "yes", "no", "not_known", "prefer_not_to_say");
	ASSERT_LIST(DASV_LIST_SEXUAL_ORIENTATION, "heterosexual", "gay_lesbian",
		    "bisexual", "other", "not_known", "prefer_not_to_say");
	ASSERT_LIST(DASV_LIST_GENDER_REASSIGNMENT, "yes", "no", "not_known",
		    "prefer_not_to_say");
	ASSERT_LIST(DASV_LIST_PREGNANCY, "yes", "no", "not_known");
	ASSERT_LIST(DASV_LIST_RELIGION, "none", "christian", "buddhist", "hindu", "jewish",
		    "muslim", "sikh", "other", "not_known", "prefer_not_to_say");
	ASSERT_LIST(DASV_LIST_YES_NO, "yes", "no", "not_known");
}

Test(codes, workflow_lists_order)
{
	ASSERT_LIST(DASV_LIST_SERVICE_TYPE, "idva", "isva", "outreach", "refuge",
		    "helpline", "cyp", "perpetrator_programme", "sarc", "prevention");
	ASSERT_LIST(DASV_LIST_STATUS, "new", "triaged", "allocated", "in_support", "closed");
	ASSERT_LIST(DASV_LIST_CONTACT_KIND, "attempted", "made", "unsafe");
	ASSERT_LIST(DASV_LIST_CLOSE_REASON, "support_completed", "declined", "no_contact",
		    "moved_away", "transferred");
	ASSERT_LIST(DASV_LIST_SHARING_BASIS, "consent", "vital_interests", "safeguarding",
		    "crime_prevention", "legal_obligation", "public_task", "not_shared");
	ASSERT_LIST(DASV_LIST_ANSWER_SOURCE, "victim", "professional", "records", "other");
	ASSERT_LIST(DASV_LIST_ROLE, "caseworker", "supervisor", "auditor", "admin");
}

/* --- age bands --- */

Test(age_band, negative_is_not_known)
{
	cr_assert_str_eq(dasv_age_band_for(-1), "not_known");
	cr_assert_str_eq(dasv_age_band_for(INT_MIN), "not_known");
}

Test(age_band, boundaries)
{
	cr_assert_str_eq(dasv_age_band_for(0), "under_16");
	cr_assert_str_eq(dasv_age_band_for(15), "under_16");
	cr_assert_str_eq(dasv_age_band_for(16), "16_17");
	cr_assert_str_eq(dasv_age_band_for(17), "16_17");
	cr_assert_str_eq(dasv_age_band_for(18), "18_24");
	cr_assert_str_eq(dasv_age_band_for(24), "18_24");
	cr_assert_str_eq(dasv_age_band_for(25), "25_34");
	cr_assert_str_eq(dasv_age_band_for(34), "25_34");
	cr_assert_str_eq(dasv_age_band_for(35), "35_44");
	cr_assert_str_eq(dasv_age_band_for(45), "45_54");
	cr_assert_str_eq(dasv_age_band_for(55), "55_64");
	cr_assert_str_eq(dasv_age_band_for(64), "55_64");
	cr_assert_str_eq(dasv_age_band_for(65), "65_plus");
	cr_assert_str_eq(dasv_age_band_for(120), "65_plus");
}

Test(age_band, every_result_is_a_code)
{
	int a;

	for (a = -2; a < 130; a++)
		cr_assert_geq(dasv_code_find(DASV_LIST_AGE_BAND, dasv_age_band_for(a)), 0);
}
