/*
 * test_referral.c - intake of a referral (core/referral.c): validation,
 * who may create and open a record, break-glass and its audit trail, edit
 * conflicts between two sessions, repeat-victim and serial-perpetrator links.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
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

static void
check_setup(void)
{
	fx_today(FX_TODAY);
}

TestSuite(check, .init = check_setup);
TestSuite(intake, .init = setup, .fini = teardown);
TestSuite(access, .init = setup, .fini = teardown);
TestSuite(conflict, .init = setup, .fini = teardown);
TestSuite(linking, .init = setup, .fini = teardown);

/* ---- validation: hostile and missing input first ---------------------- */

/*
 * r must fail the check on `field`, and the message must not repeat the
 * personal value given (secret may be NULL when the value is not personal).
 * Clears r.
 */
static void
expect_bad(struct dasv_referral *r, const char *field, const char *secret)
{
	struct dasv_field_err fe;

	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_check(r, &fe), DASV_INVALID, "expected %s to be refused", field);
	cr_expect_str_eq(fe.field, field);
	cr_expect_neq(fe.msg[0], '\0', "no message for %s", field);
	if (secret)
		cr_expect_null(strstr(fe.msg, secret), "message for %s repeats the value: %s", field,
			       fe.msg);
	dasv_referral_clear(r);
}

static void
expect_ok(struct dasv_referral *r, const char *what)
{
	struct dasv_field_err fe;

	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_check(r, &fe), DASV_OK, "%s refused: %s: %s", what, fe.field,
		     fe.msg);
	dasv_referral_clear(r);
}

static void
base(struct dasv_referral *r)
{
	fx_referral(r, "Jane", "Doe", "1990-06-16", "07700 900123");
}

Test(check, fixture_is_valid)
{
	struct dasv_referral r;

	base(&r);
	expect_ok(&r, "the fixture");
	/* optional fields absent */
	fx_referral(&r, "Jane", "Doe", NULL, NULL);
	fx_set(&r.person.postcode, NULL);
	fx_set(&r.person.address, NULL);
	fx_set(&r.person.safe_contact, NULL);
	r.perpetrator_relationship[0] = '\0';
	expect_ok(&r, "no optional fields");
	base(&r);
	fx_set(&r.person.date_of_birth, "");
	fx_set(&r.person.phone, "");
	fx_set(&r.person.email, "");
	expect_ok(&r, "empty optional fields");
}

Test(check, received_on_required_and_well_formed)
{
	struct dasv_referral r;

	base(&r);
	r.received_on[0] = '\0';
	expect_bad(&r, "received_on", NULL);
	base(&r);
	snprintf(r.received_on, sizeof(r.received_on), "2026/06/01");
	expect_bad(&r, "received_on", NULL);
	base(&r);
	snprintf(r.received_on, sizeof(r.received_on), "2026-02-29");
	expect_bad(&r, "received_on", NULL);
}

Test(check, received_on_not_in_future)
{
	struct dasv_referral r;

	base(&r);
	snprintf(r.received_on, sizeof(r.received_on), "2026-06-16");
	expect_bad(&r, "received_on", NULL);
	base(&r);
	snprintf(r.received_on, sizeof(r.received_on), FX_TODAY);
	expect_ok(&r, "received today");
	/* the check follows DASV_TODAY, not the clock */
	fx_today("2026-06-16");
	base(&r);
	snprintf(r.received_on, sizeof(r.received_on), "2026-06-16");
	expect_ok(&r, "received on the new today");
}

Test(check, source_and_district_are_codes)
{
	struct dasv_referral r;

	base(&r);
	snprintf(r.source, sizeof(r.source), "neighbour");
	expect_bad(&r, "source", NULL);
	base(&r);
	r.source[0] = '\0';
	expect_bad(&r, "source", NULL);
	base(&r);
	snprintf(r.district, sizeof(r.district), "london");
	expect_bad(&r, "district", NULL);
	base(&r);
	r.district[0] = '\0';
	expect_bad(&r, "district", NULL);
	base(&r);
	snprintf(r.source, sizeof(r.source), "POLICE");
	snprintf(r.district, sizeof(r.district), "Cambridge");
	expect_ok(&r, "codes in another case");
}

Test(check, strand_and_vawg_required)
{
	struct dasv_referral r;

	base(&r);
	r.strand = 0;
	expect_bad(&r, "strand", NULL);
	base(&r);
	r.vawg = 0;
	expect_bad(&r, "vawg_types", NULL);
}

Test(check, names_required_and_not_echoed)
{
	struct dasv_referral r;

	base(&r);
	fx_set(&r.person.last_name, "");
	expect_bad(&r, "last_name", NULL);
	base(&r);
	fx_set(&r.person.last_name, NULL);
	expect_bad(&r, "last_name", NULL);
	base(&r);
	fx_set(&r.person.last_name, "   ");
	expect_bad(&r, "last_name", NULL);
	base(&r);
	fx_set(&r.person.first_name, "");
	expect_bad(&r, "first_name", NULL);
	base(&r);
	fx_set(&r.person.first_name, "Quent1nella");
	expect_bad(&r, "first_name", "Quent1nella");
	base(&r);
	fx_set(&r.person.last_name, "Smythe\x1b[2J");
	expect_bad(&r, "last_name", "Smythe");
}

Test(check, date_of_birth_valid_and_not_future)
{
	struct dasv_referral r;

	base(&r);
	fx_set(&r.person.date_of_birth, "1990-13-01");
	expect_bad(&r, "date_of_birth", "1990-13");
	base(&r);
	fx_set(&r.person.date_of_birth, "16/06/1990");
	expect_bad(&r, "date_of_birth", "16/06/1990");
	base(&r);
	/* a date of birth is personal data: the message must not repeat it */
	fx_set(&r.person.date_of_birth, "2027-03-04");
	expect_bad(&r, "date_of_birth", "2027-03-04");
	base(&r);
	fx_set(&r.person.date_of_birth, "1991-02-29");
	expect_bad(&r, "date_of_birth", "1991-02-29");
}

Test(check, perpetrator_and_incident)
{
	struct dasv_referral r;

	base(&r);
	fx_set(&r.perpetrator_name, "Dar7en");
	expect_bad(&r, "perpetrator_name", "Dar7en");
	base(&r);
	fx_set(&r.perpetrator_name, "Darren Holt");
	fx_set(&r.perpetrator_dob, "1980-02-30");
	expect_bad(&r, "perpetrator_dob", "1980-02-30");
	base(&r);
	fx_set(&r.perpetrator_name, "Darren Holt");
	fx_set(&r.perpetrator_dob, "2031-05-05");
	expect_bad(&r, "perpetrator_dob", "2031-05-05");
	base(&r);
	/* the incident cannot be after the referral was received */
	snprintf(r.incident_on, sizeof(r.incident_on), "2026-06-02");
	expect_bad(&r, "incident_on", NULL);
	base(&r);
	fx_set(&r.perpetrator_name, "Darren Holt");
	fx_set(&r.perpetrator_dob, "1980-05-05");
	snprintf(r.incident_on, sizeof(r.incident_on), "2026-06-01");
	expect_ok(&r, "a perpetrator and an incident on the day received");
}

Test(check, contact_details_valid_when_given)
{
	struct dasv_referral r;

	base(&r);
	fx_set(&r.person.phone, "0770 abc 123");
	expect_bad(&r, "phone", "0770 abc");
	base(&r);
	fx_set(&r.person.phone, "01223");
	expect_bad(&r, "phone", "01223");
	base(&r);
	fx_set(&r.person.postcode, "QQ12 XYZ");
	expect_bad(&r, "postcode", "QQ12");
	base(&r);
	fx_set(&r.person.email, "jane.doe.at.example");
	expect_bad(&r, "email", "jane.doe");
	base(&r);
	fx_set(&r.person.email, "jane.doe@example.org");
	fx_set(&r.person.phone, "+44 (0)1223 456789");
	fx_set(&r.person.postcode, "cb12ab");
	expect_ok(&r, "valid contact details");
}

Test(check, children_count_and_ages)
{
	struct dasv_referral r;

	base(&r);
	r.children_count = -1;
	expect_bad(&r, "children_count", NULL);
	base(&r);
	r.children_count = 21;
	expect_bad(&r, "children_count", NULL);
	base(&r);
	r.children_count = 2;
	r.n_children_ages = 3;
	r.children_ages[0] = 1;
	r.children_ages[1] = 2;
	r.children_ages[2] = 3;
	expect_bad(&r, "children_ages", NULL);
	base(&r);
	r.children_count = 2;
	r.n_children_ages = 2;
	r.children_ages[0] = 4;
	r.children_ages[1] = 18;
	expect_bad(&r, "children_ages", NULL);
	base(&r);
	r.children_count = 1;
	r.n_children_ages = 1;
	r.children_ages[0] = -1;
	expect_bad(&r, "children_ages", NULL);
	base(&r);
	r.children_count = 20;
	r.n_children_ages = 2;
	r.children_ages[0] = 0;
	r.children_ages[1] = 17;
	expect_ok(&r, "20 children, two ages known at the limits");
}

Test(check, sharing_without_consent_needs_basis)
{
	struct dasv_referral r;

	base(&r);
	r.consent_to_share = 0;
	r.sharing_basis[0] = '\0';
	expect_bad(&r, "sharing_basis", NULL);
	base(&r);
	r.consent_to_share = 0;
	snprintf(r.sharing_basis, sizeof(r.sharing_basis), "because");
	expect_bad(&r, "sharing_basis", NULL);
	base(&r);
	r.consent_to_share = 0;
	snprintf(r.sharing_basis, sizeof(r.sharing_basis), "Vital_Interests");
	expect_ok(&r, "a sharing basis code");
}

Test(check, relationship_and_equality_are_codes)
{
	struct dasv_referral r;
	struct dasv_field_err fe;

	base(&r);
	snprintf(r.perpetrator_relationship, sizeof(r.perpetrator_relationship), "lodger");
	expect_bad(&r, "perpetrator_relationship", NULL);
	base(&r);
	snprintf(r.eq_sex, sizeof(r.eq_sex), "robot");
	expect_bad(&r, "sex", NULL);
	base(&r);
	snprintf(r.eq_ethnicity, sizeof(r.eq_ethnicity), "martian");
	expect_bad(&r, "ethnicity", NULL);

	/* the other equality fields: refused, naming their list */
	base(&r);
	snprintf(r.eq_religion, sizeof(r.eq_religion), "jedi");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_check(&r, &fe), DASV_INVALID);
	cr_expect_not_null(strstr(fe.field, "religion"), "field %s", fe.field);
	dasv_referral_clear(&r);
	base(&r);
	snprintf(r.eq_pregnancy, sizeof(r.eq_pregnancy), "perhaps");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_check(&r, &fe), DASV_INVALID);
	cr_expect_not_null(strstr(fe.field, "pregnancy"), "field %s", fe.field);
	dasv_referral_clear(&r);

	base(&r);
	snprintf(r.eq_sex, sizeof(r.eq_sex), "Female");
	snprintf(r.eq_ethnicity, sizeof(r.eq_ethnicity), "mixed");
	snprintf(r.eq_religion, sizeof(r.eq_religion), "none");
	snprintf(r.eq_disability, sizeof(r.eq_disability), "no");
	snprintf(r.eq_sexual_orientation, sizeof(r.eq_sexual_orientation), "bisexual");
	snprintf(r.eq_gender_reassignment, sizeof(r.eq_gender_reassignment), "not_known");
	snprintf(r.eq_pregnancy, sizeof(r.eq_pregnancy), "yes");
	snprintf(r.perpetrator_relationship, sizeof(r.perpetrator_relationship), "EX_PARTNER");
	expect_ok(&r, "equality codes");
}

/* ---- intake through the database -------------------------------------- */

Test(intake, invalid_create_stores_nothing)
{
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;

	base(&r);
	fx_set(&r.person.phone, "12");
	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_create(t.d, &r, &fe, &res), DASV_INVALID);
	cr_expect_str_eq(fe.field, "phone");
	dasv_referral_clear(&r);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0), 0);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM people", 0), 0);
}

Test(intake, auditor_may_not_create)
{
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;

	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	th_as(&t, "audrey");
	base(&r);
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_create(t.d, &r, &fe, &res), DASV_DENIED);
	dasv_referral_clear(&r);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0), 0);
}

Test(intake, locked_session_may_not_create)
{
	struct dasv_referral r;
	struct dasv_field_err fe;
	struct dasv_intake_result res;

	dasv_lock(t.d);
	base(&r);
	memset(&fe, 0, sizeof(fe));
	cr_expect_neq(dasv_referral_create(t.d, &r, &fe, &res), DASV_OK);
	dasv_referral_clear(&r);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0), 0);
}

Test(intake, caseworker_supervisor_admin_create)
{
	struct dasv_referral r;
	int64_t a, b, c;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "sam", DASV_ROLE_SUPERVISOR);
	fx_referral(&r, "Ann", "Admin", "1980-01-01", NULL);
	a = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	th_as(&t, "carol");
	fx_referral(&r, "Cat", "Worker", "1981-01-01", NULL);
	b = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	th_as(&t, "sam");
	fx_referral(&r, "Sue", "Visor", "1982-01-01", NULL);
	c = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	cr_expect(a != b && b != c && a != c);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0), 3);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM referrals r JOIN users u ON u.id = r.created_by"
				" WHERE u.name = 'carol' AND r.id = ?",
				b),
		     1);
}

Test(intake, round_trip_and_derived_fields)
{
	struct dasv_referral r, g;
	struct dasv_intake_result res;
	int64_t id;

	fx_referral(&r, "Zo\xc3\xab", "Ashworth-Brown", "1990-06-16", "07700 900123");
	fx_set(&r.person.email, "zoe@example.org");
	snprintf(r.incident_on, sizeof(r.incident_on), "2026-05-30");
	snprintf(r.source, sizeof(r.source), "Health");
	r.vawg = FX_VAWG_DA | (1u << 4); /* domestic_abuse;stalking_harassment */
	snprintf(r.eq_sex, sizeof(r.eq_sex), "female");
	r.children_count = 2;
	r.n_children_ages = 2;
	r.children_ages[0] = 3;
	r.children_ages[1] = 11;
	fx_set(&r.perpetrator_name, "Gareth Ashworth");
	fx_set(&r.notes, "Referred after a call from A&E");
	r.do_not_inform_perpetrator = 1;
	id = fx_create(t.d, &r, &res);
	cr_expect_eq(res.earlier_referrals, 0);
	cr_expect_str_eq(res.linked_by, "");
	cr_expect_eq(res.perpetrator_other_victims, 0);

	fx_get(t.d, id, &g);
	cr_expect_eq(g.id, id);
	cr_expect_eq(g.person_id, res.person_id);
	cr_expect_geq(g.version, 1);
	cr_expect_str_eq(g.person.first_name, "Zo\xc3\xab");
	cr_expect_str_eq(g.person.last_name, "Ashworth-Brown");
	cr_expect_str_eq(g.person.date_of_birth, "1990-06-16");
	cr_expect_str_eq(g.person.phone, "07700 900123");
	cr_expect_str_eq(g.person.email, "zoe@example.org");
	cr_expect_str_eq(g.person.address, "1 Mill Road, Cambridge");
	cr_expect_str_eq(g.person.safe_contact, "Call after six, never leave a message");
	cr_expect_eq(g.person.safe_to_call, 1);
	cr_expect_eq(g.person.voicemail_ok, 0);
	cr_expect_eq(g.person.letters_ok, -1);
	cr_expect_str_eq(g.perpetrator_name, "Gareth Ashworth");
	cr_expect_str_eq(g.notes, "Referred after a call from A&E");
	cr_expect_str_eq(g.received_on, "2026-06-01");
	cr_expect_str_eq(g.incident_on, "2026-05-30");
	cr_expect_str_eq(g.source, "health");
	cr_expect_str_eq(g.district, "cambridge");
	cr_expect_eq(g.strand, FX_DA);
	cr_expect_eq(g.vawg, FX_VAWG_DA | (1u << 4));
	cr_expect_str_eq(g.eq_sex, "female");
	cr_expect_eq(g.do_not_inform_perpetrator, 1);
	cr_expect_eq(g.children_count, 2);
	cr_expect_eq(g.n_children_ages, 2);
	if (g.n_children_ages == 2) {
		/* order of ages is not promised: compare as a set */
		int s = g.children_ages[0] + g.children_ages[1];
		int p = g.children_ages[0] * g.children_ages[1];
		cr_expect(s == 14 && p == 33, "ages %d %d", g.children_ages[0], g.children_ages[1]);
	}
	/* born 1990-06-16, received 2026-06-01: 35, the birthday not yet reached */
	cr_expect_eq(g.age_at_referral, 35);
	cr_expect_eq(g.safeguarding, 1, "children in the household set safeguarding");
	cr_expect_str_eq(g.status, "new");
	cr_expect_eq(g.level, DASV_LEVEL_NONE);
	cr_expect_eq(g.dash_score, -1);
	cr_expect_eq(g.repeat_victim, 0);
	cr_expect_eq(g.serial_perpetrator, 0);
	cr_expect_str_eq(g.created_by, "admin");
	dasv_referral_clear(&g);

	/* nothing personal in clear on disk */
	cr_expect_not(fx_db_contains(&t, "Ashworth-Brown"));
	cr_expect_not(fx_db_contains(&t, "900123"));
	cr_expect_not(fx_db_contains(&t, "zoe@example.org"));
	cr_expect_not(fx_db_contains(&t, "Gareth"));
	cr_expect_not(fx_db_contains(&t, "call from A&E"));
	cr_expect_not(fx_db_contains(&t, "1990-06-16"));
	dasv_referral_clear(&r);
}

Test(intake, no_children_no_safeguarding_and_age_on_birthday)
{
	struct dasv_referral r, g;
	int64_t id;

	fx_referral(&r, "Pat", "Birthday", "2000-06-01", NULL);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_get(t.d, id, &g);
	cr_expect_eq(g.safeguarding, 0);
	cr_expect_eq(g.children_count, 0);
	/* born 2000-06-01, received on the 26th birthday */
	cr_expect_eq(g.age_at_referral, 26);
	dasv_referral_clear(&g);

	fx_referral(&r, "Nod", "Nobirth", NULL, NULL);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_get(t.d, id, &g);
	cr_expect_eq(g.age_at_referral, -1);
	dasv_referral_clear(&g);
}

Test(intake, update_validates)
{
	struct dasv_referral r, g;
	struct dasv_field_err fe;
	int64_t id;

	fx_referral(&r, "Val", "Idate", "1970-01-01", NULL);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_get(t.d, id, &g);
	fx_set(&g.person.postcode, "NOT A POSTCODE");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_update(t.d, &g, &fe), DASV_INVALID);
	cr_expect_str_eq(fe.field, "postcode");
	dasv_referral_clear(&g);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.postcode, "CB1 2AB");
	dasv_referral_clear(&g);
}

Test(intake, update_saves_every_intake_field)
{
	struct dasv_referral r, g;
	struct dasv_field_err fe;
	int64_t id;

	fx_referral(&r, "Upd", "Ater", "1970-01-01", NULL);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	fx_get(t.d, id, &g);
	cr_expect_null(g.perpetrator_name);
	/* the caseworker learns more after intake */
	fx_set(&g.perpetrator_name, "Kevin Marsh");
	fx_set(&g.perpetrator_dob, "1975-03-03");
	fx_set(&g.notes, "Perpetrator named at second call");
	fx_set(&g.person.phone, "07700 900555");
	g.children_count = 1;
	g.n_children_ages = 1;
	g.children_ages[0] = 6;
	snprintf(g.district, sizeof(g.district), "fenland");
	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_update(t.d, &g, &fe), DASV_OK, "%s (%s: %s)", dasv_errmsg(t.d),
		     fe.field, fe.msg);
	dasv_referral_clear(&g);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.district, "fenland");
	cr_expect_str_eq(g.person.phone, "07700 900555");
	cr_expect_str_eq(g.notes, "Perpetrator named at second call");
	cr_expect_eq(g.children_count, 1);
	cr_expect_eq(g.safeguarding, 1);
	cr_expect_not_null(g.perpetrator_name, "perpetrator name was not saved by the update");
	if (g.perpetrator_name)
		cr_expect_str_eq(g.perpetrator_name, "Kevin Marsh");
	cr_expect_not_null(g.perpetrator_dob, "perpetrator DOB was not saved by the update");
	if (g.perpetrator_dob)
		cr_expect_str_eq(g.perpetrator_dob, "1975-03-03");
	dasv_referral_clear(&g);
}

/* ---- access ------------------------------------------------------------ */

static int64_t
audit_count(const char *action, int64_t id)
{
	return fx_sql_int(t.path,
			  strcmp(action, "referral_open") == 0
				  ? "SELECT count(*) FROM audit_log WHERE action = 'referral_open'"
				    " AND entity = 'referral' AND entity_id = ?"
				  : "SELECT count(*) FROM audit_log WHERE action = 'break_glass'"
				    " AND entity_id = ?",
			  id);
}

/* carol (caseworker) creates a referral; dave (caseworker) is another. */
static int64_t
carol_referral(void)
{
	struct dasv_referral r;
	int64_t id;

	th_add_user(&t, "carol", DASV_ROLE_CASEWORKER);
	th_add_user(&t, "dave", DASV_ROLE_CASEWORKER);
	th_as(&t, "carol");
	fx_referral(&r, "Mina", "Castellano", "1985-02-03", "01223 456789");
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);
	return id;
}

Test(access, auditor_never_reads)
{
	struct dasv_referral g;
	int64_t id;
	int allowed = 1;

	id = carol_referral();
	th_as(&t, "admin");
	th_add_user(&t, "audrey", DASV_ROLE_AUDITOR);
	th_as(&t, "audrey");
	memset(&g, 0, sizeof(g));
	cr_expect_eq(dasv_referral_get(t.d, id, NULL, &g), DASV_DENIED);
	cr_expect_eq(dasv_referral_get(t.d, id, "annual audit sample", &g), DASV_DENIED);
	cr_expect_null(g.person.last_name);
	dasv_referral_clear(&g);
	if (dasv_referral_can_open(t.d, id, &allowed) == DASV_OK)
		cr_expect_eq(allowed, 0);
	cr_expect_eq(audit_count("referral_open", id), 0);
}

Test(access, creator_opens_without_break_glass)
{
	struct dasv_referral g;
	int64_t id;
	int allowed = 0;

	id = carol_referral();
	cr_expect_eq(dasv_referral_can_open(t.d, id, &allowed), DASV_OK);
	cr_expect_eq(allowed, 1);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.last_name, "Castellano");
	cr_expect_str_eq(g.created_by, "carol");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM break_glass", 0), 0);
}

Test(access, other_caseworker_needs_break_glass)
{
	struct dasv_referral g;
	int64_t id, dave;
	int allowed = 1;

	id = carol_referral();
	th_as(&t, "dave");
	dave = dasv_session_user_id(t.d);
	cr_expect_eq(dasv_referral_can_open(t.d, id, &allowed), DASV_OK);
	cr_expect_eq(allowed, 0);

	memset(&g, 0, sizeof(g));
	cr_expect_eq(dasv_referral_get(t.d, id, NULL, &g), DASV_DENIED);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "break-glass"), "message: %s",
			   dasv_errmsg(t.d));
	cr_expect_null(g.person.last_name);
	cr_expect_eq(dasv_referral_get(t.d, id, "", &g), DASV_DENIED);
	cr_expect_eq(dasv_referral_get(t.d, id, " \t ", &g), DASV_DENIED);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "break-glass"));
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM break_glass", 0), 0);
	cr_expect_eq(audit_count("referral_open", id), 0);

	cr_assert_eq(dasv_referral_get(t.d, id, "Police request, duty cover xq7", &g), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	cr_expect_str_eq(g.person.last_name, "Castellano");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM break_glass WHERE referral_id = ?", id),
		     1);
	cr_expect_eq(fx_sql_int(t.path, "SELECT user_id FROM break_glass WHERE referral_id = ?", id),
		     dave);
	cr_expect_eq(audit_count("break_glass", id), 1);
	cr_expect_eq(audit_count("referral_open", id), 1);
	/* the reason is sealed, and the audit log holds no reason or name */
	cr_expect_not(fx_db_contains(&t, "duty cover xq7"));
	cr_expect_not(fx_audit_mentions(&t, "duty cover"));
	cr_expect_not(fx_audit_mentions(&t, "Castellano"));
}

Test(access, break_glass_is_needed_for_every_open)
{
	struct dasv_referral g;
	int64_t id;
	int allowed = 1;

	id = carol_referral();
	th_as(&t, "dave");
	cr_assert_eq(dasv_referral_get(t.d, id, "Covering for carol today", &g), DASV_OK, "%s",
		     dasv_errmsg(t.d));
	dasv_referral_clear(&g);
	/* referral.h: others only with a break-glass reason, each time */
	memset(&g, 0, sizeof(g));
	cr_expect_eq(dasv_referral_get(t.d, id, NULL, &g), DASV_DENIED,
		     "a second open without a reason was allowed");
	dasv_referral_clear(&g);
	cr_expect_eq(dasv_referral_can_open(t.d, id, &allowed), DASV_OK);
	cr_expect_eq(allowed, 0, "can_open says dave may open it without break-glass");
}

Test(access, supervisor_and_admin_open_anything)
{
	struct dasv_referral g;
	int64_t id;
	int allowed = 0;

	id = carol_referral();
	th_as(&t, "admin");
	th_add_user(&t, "sam", DASV_ROLE_SUPERVISOR);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.first_name, "Mina");
	dasv_referral_clear(&g);
	th_as(&t, "sam");
	cr_expect_eq(dasv_referral_can_open(t.d, id, &allowed), DASV_OK);
	cr_expect_eq(allowed, 1);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.phone, "01223 456789");
	dasv_referral_clear(&g);
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM break_glass", 0), 0);
	cr_expect_eq(audit_count("referral_open", id), 2);
}

Test(access, each_open_is_one_audit_entry_without_personal_data)
{
	struct dasv_referral g;
	int64_t id;

	id = carol_referral();
	cr_expect_eq(audit_count("referral_open", id), 0);
	fx_get(t.d, id, &g);
	dasv_referral_clear(&g);
	cr_expect_eq(audit_count("referral_open", id), 1);
	fx_get(t.d, id, &g);
	dasv_referral_clear(&g);
	cr_expect_eq(audit_count("referral_open", id), 2);
	cr_expect_eq(fx_sql_int(t.path,
				"SELECT count(*) FROM audit_log WHERE action = 'referral_open'", 0),
		     2);
	cr_expect_not(fx_audit_mentions(&t, "Castellano"));
	cr_expect_not(fx_audit_mentions(&t, "Mina"));
	cr_expect_not(fx_audit_mentions(&t, "1985-02-03"));
	cr_expect_not(fx_audit_mentions(&t, "456789"));
	cr_expect_not(fx_audit_mentions(&t, "CB1 2AB"));
}

Test(access, missing_referral_not_found)
{
	struct dasv_referral g;

	memset(&g, 0, sizeof(g));
	cr_expect_eq(dasv_referral_get(t.d, 4242, NULL, &g), DASV_NOTFOUND);
	dasv_referral_clear(&g);
}

/* ---- edit conflict ----------------------------------------------------- */

Test(conflict, second_stale_save_is_refused)
{
	struct dasv *d2 = NULL;
	struct dasv_referral r, a, b, g;
	struct dasv_field_err fe;
	int64_t id, v;

	th_add_user(&t, "alice", DASV_ROLE_SUPERVISOR);
	th_add_user(&t, "bob", DASV_ROLE_SUPERVISOR);
	fx_referral(&r, "Hana", "Kowalczyk", "1979-09-09", NULL);
	id = fx_create(t.d, &r, NULL);
	dasv_referral_clear(&r);

	th_as(&t, "alice");
	cr_assert_eq(dasv_open(t.path, 0, &d2), DASV_OK, "%s", dasv_errmsg(d2));
	cr_assert_eq(dasv_unlock(d2, "bob", TH_PASS), DASV_OK, "%s", dasv_errmsg(d2));

	fx_get(t.d, id, &a);
	fx_get(d2, id, &b);
	cr_assert_eq(a.version, b.version);
	v = a.version;

	fx_set(&a.person.last_name, "Kowalska");
	memset(&fe, 0, sizeof(fe));
	cr_assert_eq(dasv_referral_update(t.d, &a, &fe), DASV_OK, "%s (%s: %s)", dasv_errmsg(t.d),
		     fe.field, fe.msg);

	fx_set(&b.person.postcode, "PE1 1AA");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_update(d2, &b, &fe), DASV_CONFLICT);
	cr_expect_not_null(strstr(dasv_errmsg(d2), "changed by"), "message: %s", dasv_errmsg(d2));
	cr_expect_not_null(strstr(dasv_errmsg(d2), "alice"), "message: %s", dasv_errmsg(d2));
	dasv_referral_clear(&b);

	/* alice's values stand, bob's were not written */
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.last_name, "Kowalska");
	cr_expect_str_eq(g.person.postcode, "CB1 2AB");
	cr_expect_gt(g.version, v);
	cr_expect_str_eq(g.updated_by, "alice");
	dasv_referral_clear(&g);

	/* bob re-reads and saves on top */
	fx_get(d2, id, &b);
	cr_expect_str_eq(b.person.last_name, "Kowalska");
	fx_set(&b.person.postcode, "PE1 1AA");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_update(d2, &b, &fe), DASV_OK, "%s", dasv_errmsg(d2));
	dasv_referral_clear(&b);
	fx_get(t.d, id, &g);
	cr_expect_str_eq(g.person.last_name, "Kowalska");
	cr_expect_str_eq(g.person.postcode, "PE1 1AA");
	cr_expect_str_eq(g.updated_by, "bob");
	dasv_referral_clear(&g);

	/* alice's copy is now stale too */
	fx_set(&a.person.first_name, "Hanna");
	memset(&fe, 0, sizeof(fe));
	cr_expect_eq(dasv_referral_update(t.d, &a, &fe), DASV_CONFLICT);
	cr_expect_not_null(strstr(dasv_errmsg(t.d), "bob"), "message: %s", dasv_errmsg(t.d));
	dasv_referral_clear(&a);
	dasv_close(&d2);
}

/* ---- repeat victims and serial perpetrators ---------------------------- */

Test(linking, repeat_by_surname_and_dob_normalised)
{
	struct dasv_referral r, g;
	struct dasv_intake_result r1, r2, r3;
	int64_t id1, id3;

	fx_referral(&r, "Siobhan", "O'Brien", "1988-04-12", "07700 900001");
	id1 = fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	cr_expect_str_eq(r1.linked_by, "");
	cr_expect_eq(r1.earlier_referrals, 0);

	/* case, spaces and punctuation folded; another phone */
	fx_referral(&r, "Siobhan", "o brien", "1988-04-12", "07700 900002");
	snprintf(r.received_on, sizeof(r.received_on), "2026-06-05");
	fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_eq(r2.person_id, r1.person_id);
	cr_expect_eq(r2.earlier_referrals, 1);
	cr_expect_str_eq(r2.linked_by, "name_dob");

	/* accents folded: O'BRIÉN */
	fx_referral(&r, "Siobhan", "O'BRI\xc3\x89N", "1988-04-12", NULL);
	snprintf(r.received_on, sizeof(r.received_on), "2026-06-10");
	id3 = fx_create(t.d, &r, &r3);
	dasv_referral_clear(&r);
	cr_expect_eq(r3.person_id, r1.person_id);
	cr_expect_eq(r3.earlier_referrals, 2);
	cr_expect_str_eq(r3.linked_by, "name_dob");

	fx_get(t.d, id3, &g);
	cr_expect_eq(g.repeat_victim, 1);
	cr_expect_eq(g.person_id, r1.person_id);
	dasv_referral_clear(&g);
	fx_get(t.d, id1, &g);
	cr_expect_eq(g.repeat_victim, 0, "the first referral had no earlier one");
	dasv_referral_clear(&g);
}

Test(linking, typographic_apostrophe_and_nbsp_folded)
{
	struct dasv_referral r;
	struct dasv_intake_result r1, r2, r3;

	/* the name check accepts U+2019 as an apostrophe; phones and Word type it */
	fx_referral(&r, "Niamh", "O'Neill", "1986-10-10", NULL);
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	fx_referral(&r, "Niamh", "O\xe2\x80\x99Neill", "1986-10-10", NULL);
	fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_eq(r2.person_id, r1.person_id, "O\u2019Neill not linked to O'Neill");
	cr_expect_str_eq(r2.linked_by, "name_dob");
	/* a non-breaking space between the parts of a surname */
	fx_referral(&r, "Niamh", "O Neill", "1986-10-10", NULL);
	fx_set(&r.person.last_name, "O\xc2\xa0Neill");
	fx_create(t.d, &r, &r3);
	dasv_referral_clear(&r);
	cr_expect_eq(r3.person_id, r1.person_id, "O<NBSP>Neill not linked to O'Neill");
}

Test(linking, repeat_by_phone_normalised)
{
	struct dasv_referral r, g;
	struct dasv_intake_result r1, r2;
	int64_t id2;

	fx_referral(&r, "Amira", "Haddad", "1991-01-01", "+44 7700 900123");
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	/* different surname and no DOB: only the phone links */
	fx_referral(&r, "Amira", "Haddad-Jones", NULL, "(07700) 900-123");
	id2 = fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_eq(r2.person_id, r1.person_id);
	cr_expect_eq(r2.earlier_referrals, 1);
	cr_expect_str_eq(r2.linked_by, "phone");
	fx_get(t.d, id2, &g);
	cr_expect_eq(g.repeat_victim, 1);
	dasv_referral_clear(&g);
}

/* A family landline: mother and daughter share a number and a surname. */
Test(linking, shared_phone_with_another_first_name_is_not_linked)
{
	struct dasv_referral r;
	struct dasv_intake_result r1, r2;

	fx_referral(&r, "Grace", "Mensah", "1968-04-04", "01223 555 010");
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	fx_referral(&r, "Abena", "Mensah", NULL, "01223555010");
	fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_neq(r2.person_id, r1.person_id, "two people merged by a shared phone");
	cr_expect_eq(r2.earlier_referrals, 0);
	cr_expect_str_eq(r2.linked_by, "");
}

/* A refuge number given for two women of the same first name. */
Test(linking, shared_phone_with_another_date_of_birth_is_not_linked)
{
	struct dasv_referral r;
	struct dasv_intake_result r1, r2;

	fx_referral(&r, "Sarah", "Jones", "1980-01-01", "07700 900777");
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	fx_referral(&r, "Sarah", "Patel", "1992-09-09", "07700 900777");
	fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_neq(r2.person_id, r1.person_id);
}

Test(linking, later_referral_with_fewer_details_keeps_the_links)
{
	struct dasv_referral r, g;
	struct dasv_intake_result r1, r2, r3;
	int64_t id1;

	fx_referral(&r, "Amira", "Haddad", "1991-01-01", "07700 900321");
	id1 = fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	/* the same woman by phone, surname given differently and no DOB */
	fx_referral(&r, "Amira", "Haddad-Jones", NULL, "07700 900321");
	fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_assert_eq(r2.person_id, r1.person_id);
	cr_expect_str_eq(r2.linked_by, "phone");

	/* the first referral still knows her date of birth */
	fx_get(t.d, id1, &g);
	cr_expect_not_null(g.person.date_of_birth, "DOB erased by a later referral without one");
	if (g.person.date_of_birth)
		cr_expect_str_eq(g.person.date_of_birth, "1991-01-01");
	dasv_referral_clear(&g);

	/* and surname + DOB as first recorded still finds her */
	fx_referral(&r, "Amira", "Haddad", "1991-01-01", NULL);
	fx_create(t.d, &r, &r3);
	dasv_referral_clear(&r);
	cr_expect_eq(r3.person_id, r1.person_id, "not linked by name_dob any more");
	cr_expect_eq(r3.earlier_referrals, 2);
	cr_expect_str_eq(r3.linked_by, "name_dob");
}

Test(linking, different_people_not_linked)
{
	struct dasv_referral r, g;
	struct dasv_intake_result r1, r2, r3;
	int64_t id;

	fx_referral(&r, "Lee", "Morgan", "1990-01-01", "07700 900111");
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	/* same surname, another DOB, another phone */
	fx_referral(&r, "Lee", "Morgan", "1990-01-02", "07700 900112");
	id = fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_neq(r2.person_id, r1.person_id);
	cr_expect_eq(r2.earlier_referrals, 0);
	cr_expect_str_eq(r2.linked_by, "");
	fx_get(t.d, id, &g);
	cr_expect_eq(g.repeat_victim, 0);
	dasv_referral_clear(&g);
	/* same DOB, another surname */
	fx_referral(&r, "Lee", "Morgana", "1990-01-01", NULL);
	fx_create(t.d, &r, &r3);
	dasv_referral_clear(&r);
	cr_expect_neq(r3.person_id, r1.person_id);
	cr_expect_str_eq(r3.linked_by, "");
}

Test(linking, person_matches_before_saving)
{
	struct dasv_referral r;
	struct dasv_person p;
	struct dasv_match m[4];
	struct dasv_intake_result r1, r2;
	size_t n = 99;

	fx_referral(&r, "Ines", "Ferreira", "1975-07-07", "01733 123456");
	snprintf(r.received_on, sizeof(r.received_on), "2026-03-02");
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	fx_referral(&r, "Olu", "Adeyemi", "1982-08-08", "01733 654321");
	fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);

	memset(&p, 0, sizeof(p));
	p.first_name = (char *)"Ines";
	p.last_name = (char *)"FERREIRA";
	p.date_of_birth = (char *)"1975-07-07";
	cr_assert_eq(dasv_person_matches(t.d, &p, m, 4, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 1);
	cr_expect_eq(m[0].referral_id, r1.id);
	cr_expect_str_eq(m[0].received_on, "2026-03-02");
	cr_expect_str_eq(m[0].matched_by, "name_dob");
	cr_expect_str_eq(m[0].status, "new");

	memset(&p, 0, sizeof(p));
	p.last_name = (char *)"Someone";
	p.phone = (char *)"+44 1733 654321";
	n = 99;
	cr_assert_eq(dasv_person_matches(t.d, &p, m, 4, &n), DASV_OK, "%s", dasv_errmsg(t.d));
	cr_assert_eq(n, 1);
	cr_expect_eq(m[0].referral_id, r2.id);
	cr_expect_str_eq(m[0].matched_by, "phone");

	memset(&p, 0, sizeof(p));
	p.last_name = (char *)"Ferreira";
	p.date_of_birth = (char *)"1975-07-08";
	n = 99;
	cr_assert_eq(dasv_person_matches(t.d, &p, m, 4, &n), DASV_OK);
	cr_expect_eq(n, 0);
	/* looking up does not save anything */
	cr_expect_eq(fx_sql_int(t.path, "SELECT count(*) FROM referrals", 0), 2);
}

Test(linking, serial_perpetrator_across_victims)
{
	struct dasv_referral r, g;
	struct dasv_intake_result r1, r2, r3, r4;
	int64_t id2, id4;

	fx_referral(&r, "Amy", "First", "1990-02-02", NULL);
	fx_set(&r.perpetrator_name, "Darren Holt");
	fx_set(&r.perpetrator_dob, "1980-05-05");
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	cr_expect_eq(r1.perpetrator_other_victims, 0);

	/* the same victim again with the same perpetrator: not serial */
	fx_referral(&r, "Amy", "First", "1990-02-02", NULL);
	fx_set(&r.perpetrator_name, "Darren Holt");
	fx_set(&r.perpetrator_dob, "1980-05-05");
	fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_eq(r2.person_id, r1.person_id);
	cr_expect_eq(r2.perpetrator_other_victims, 0);

	/* another victim, same perpetrator name and DOB */
	fx_referral(&r, "Beth", "Second", "1992-03-03", NULL);
	fx_set(&r.perpetrator_name, "Darren Holt");
	fx_set(&r.perpetrator_dob, "1980-05-05");
	id2 = fx_create(t.d, &r, &r3);
	dasv_referral_clear(&r);
	cr_expect_neq(r3.person_id, r1.person_id);
	cr_expect_eq(r3.perpetrator_other_victims, 1);
	fx_get(t.d, id2, &g);
	cr_expect_eq(g.serial_perpetrator, 1);
	dasv_referral_clear(&g);

	/* same name, another DOB: another man */
	fx_referral(&r, "Cara", "Third", "1993-04-04", NULL);
	fx_set(&r.perpetrator_name, "Darren Holt");
	fx_set(&r.perpetrator_dob, "1981-06-06");
	id4 = fx_create(t.d, &r, &r4);
	dasv_referral_clear(&r);
	cr_expect_eq(r4.perpetrator_other_victims, 0);
	fx_get(t.d, id4, &g);
	cr_expect_eq(g.serial_perpetrator, 0);
	dasv_referral_clear(&g);
	cr_expect_not(fx_db_contains(&t, "Darren Holt"));
}

/* Two "Mark Stone"s without dates of birth may be two men: no serial flag. */
Test(linking, serial_perpetrator_needs_a_date_of_birth)
{
	struct dasv_referral r, g;
	struct dasv_intake_result r1, r2;
	int64_t id2;

	fx_referral(&r, "Dee", "Fourth", "1990-02-02", NULL);
	fx_set(&r.perpetrator_name, "Mark Stone");
	fx_create(t.d, &r, &r1);
	dasv_referral_clear(&r);
	fx_referral(&r, "Eve", "Fifth", "1995-02-02", NULL);
	fx_set(&r.perpetrator_name, "Mark Stone");
	id2 = fx_create(t.d, &r, &r2);
	dasv_referral_clear(&r);
	cr_expect_eq(r2.perpetrator_other_victims, 0);
	fx_get(t.d, id2, &g);
	cr_expect_eq(g.serial_perpetrator, 0);
	dasv_referral_clear(&g);
}
