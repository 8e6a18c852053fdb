/*
 * referral.c - intake, linking of repeat victims and serial perpetrators, the
 * one audited read of a person's record, edits with conflict detection.
 * Whether a referral may be stored is referral_check.c.
 *
 * Each person and perpetrator has a record key of their own (wrapped by the
 * field key) that seals their fields and the free text of their referrals, so
 * erasing a person is destroying one key.  This file never lets a decrypted
 * value into a message or the audit log.
 */
#include "referral_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codes.h"
#include "date.h"

static int64_t
count_query(struct dasv *d, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int64_t n = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static const char *
code_or_null(enum dasv_code_list list, const char *v)
{
	int i;
	const struct dasv_code *c;
	size_t n;

	if (dasv_blank(v) || (i = dasv_code_find(list, v)) < 0)
		return NULL;
	c = dasv_codes(list, &n);
	return c[i].code;
}

static void
bind_code(sqlite3_stmt *st, int idx, enum dasv_code_list list, const char *v)
{
	const char *c = code_or_null(list, v);

	if (c)
		sqlite3_bind_text(st, idx, c, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, idx);
}

static int
age_at(const char *dob, const char *on)
{
	int32_t a, b;

	if (dasv_blank(dob) || dasv_date_parse(dob, &a, NULL, 0) != DASV_OK ||
	    dasv_date_parse(on, &b, NULL, 0) != DASV_OK)
		return -1;
	return dasv_date_age(a, b);
}

/* The intake columns shared by insert and update, bound from index `at`. */
static void
bind_intake(sqlite3_stmt *st, int at, const struct dasv_referral *r)
{
	int age = age_at(r->person.date_of_birth, r->received_on);

	sqlite3_bind_text(st, at + 0, r->received_on, -1, SQLITE_TRANSIENT);
	if (dasv_blank(r->incident_on))
		sqlite3_bind_null(st, at + 1);
	else
		sqlite3_bind_text(st, at + 1, r->incident_on, -1, SQLITE_TRANSIENT);
	bind_code(st, at + 2, DASV_LIST_SOURCE, r->source);
	sqlite3_bind_int(st, at + 3, (int)r->strand);
	sqlite3_bind_int(st, at + 4, (int)r->vawg);
	bind_code(st, at + 5, DASV_LIST_DISTRICT, r->district);
	sqlite3_bind_int(st, at + 6, r->children_count > 0);
	sqlite3_bind_int(st, at + 7, r->children_count);
	bind_code(st, at + 8, DASV_LIST_RELATIONSHIP,
		  dasv_blank(r->perpetrator_relationship) && !dasv_blank(r->perpetrator_name)
			  ? "unknown"
			  : r->perpetrator_relationship);
	sqlite3_bind_int(st, at + 9, r->consent_to_share ? 1 : 0);
	bind_code(st, at + 10, DASV_LIST_SHARING_BASIS, r->sharing_basis);
	sqlite3_bind_int(st, at + 11, r->do_not_inform_perpetrator ? 1 : 0);
	if (age >= 0)
		sqlite3_bind_int(st, at + 12, age);
	else
		sqlite3_bind_null(st, at + 12);
	bind_code(st, at + 13, DASV_LIST_SEX, r->eq_sex);
	sqlite3_bind_text(st, at + 14, dasv_age_band_for(age), -1, SQLITE_STATIC);
	bind_code(st, at + 15, DASV_LIST_ETHNICITY, r->eq_ethnicity);
	bind_code(st, at + 16, DASV_LIST_DISABILITY, r->eq_disability);
	bind_code(st, at + 17, DASV_LIST_SEXUAL_ORIENTATION, r->eq_sexual_orientation);
	bind_code(st, at + 18, DASV_LIST_GENDER_REASSIGNMENT, r->eq_gender_reassignment);
	bind_code(st, at + 19, DASV_LIST_PREGNANCY, r->eq_pregnancy);
	bind_code(st, at + 20, DASV_LIST_RELIGION, r->eq_religion);
	bind_code(st, at + 21, DASV_LIST_YES_NO, r->eq_interpreter);
	bind_code(st, at + 22, DASV_LIST_YES_NO, r->eq_nrpf);
}

#define INTAKE_COLS                                                                        \
	"received_on, incident_on, source, strand, vawg, district, safeguarding, "           \
	"children_count, perpetrator_relationship, consent_to_share, sharing_basis, "        \
	"do_not_inform_perpetrator, age_at_referral, eq_sex, eq_age_band, eq_ethnicity, "    \
	"eq_disability, eq_sexual_orientation, eq_gender_reassignment, eq_pregnancy, "        \
	"eq_religion, eq_interpreter, eq_nrpf"
#define INTAKE_PARAMS "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

static enum dasv_status
store_children(struct dasv *d, int64_t rid, const struct dasv_referral *r)
{
	static const char del[] = "DELETE FROM referral_children WHERE referral_id = ?";
	static const char ins[] = "INSERT INTO referral_children(referral_id, age_years) VALUES (?,?)";
	sqlite3_stmt *st = dasv_stmt(d, del);
	int rc;

	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, rid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "children");
	for (int i = 0; i < r->n_children_ages; i++) {
		if (!(st = dasv_stmt(d, ins)))
			return DASV_INTERNAL;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int(st, 2, r->children_ages[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return dasv_db_err(d, rc, "children");
	}
	return DASV_OK;
}

static enum dasv_status
store_notes(struct dasv *d, int64_t rid, const unsigned char rk[DASV_KEY_BYTES], const char *notes)
{
	static const char sql[] = "UPDATE referrals SET notes = ? WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	enum dasv_status ret;
	int rc;

	if (!st)
		return DASV_INTERNAL;
	ret = dasv_bind_sealed(d, st, 1, rk, "referrals", "notes", rid, dasv_blank(notes) ? NULL : notes);
	if (ret != DASV_OK) {
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_bind_int64(st, 2, rid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "notes");
}

enum dasv_status
dasv_referral_insert(struct dasv *d, const struct dasv_referral *r, struct dasv_field_err *fe,
		     struct dasv_intake_result *res)
{
	return dasv_referral_insert_flags(d, r, fe, res, 0);
}

enum dasv_status
dasv_referral_insert_flags(struct dasv *d, const struct dasv_referral *r,
			   struct dasv_field_err *fe, struct dasv_intake_result *res, unsigned flags)
{
	static const char ins[] =
		"INSERT INTO referrals(person_id, perpetrator_id, status, repeat_victim, linked_by, "
		"serial_perpetrator, created_at, created_by, updated_at, updated_by, " INTAKE_COLS
		") VALUES (?,?,'new',?,?,?,?,?,?,?," INTAKE_PARAMS ")";
	static const char earlier[] =
		"SELECT count(*) FROM referrals WHERE person_id = ? AND id <> ?";
	static const char victims[] =
		"SELECT count(DISTINCT person_id) FROM referrals WHERE perpetrator_id = ? "
		"AND person_id <> ?";
	static const char mark_serial[] =
		"UPDATE referrals SET serial_perpetrator = 1 WHERE perpetrator_id = ? "
		"AND serial_perpetrator = 0 AND ?";
	unsigned char rk[DASV_KEY_BYTES];
	struct dasv_field_err scratch;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t perp = 0, rid;
	char now[21];
	int rc;

	memset(res, 0, sizeof(*res));
	if (!fe)
		fe = &scratch;
	memset(fe, 0, sizeof(*fe));
	if ((ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	if (dasv_referral_check(r, fe) != DASV_OK)
		return dasv_set_err(d, DASV_INVALID, "%s: %s", fe->field, fe->msg);
	dasv_now(now);
	if ((ret = dasv_person_link(d, &r->person, now, res)) != DASV_OK)
		return ret;
	if ((ret = dasv_perpetrator_link(d, r, now, &perp)) != DASV_OK)
		return ret;
	res->earlier_referrals = (int)count_query(d, earlier, res->person_id, 0);
	if (perp)
		res->perpetrator_other_victims = (int)count_query(d, victims, perp, res->person_id);
	if (!(st = dasv_stmt(d, ins)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, res->person_id);
	if (perp)
		sqlite3_bind_int64(st, 2, perp);
	sqlite3_bind_int(st, 3, res->earlier_referrals > 0);
	if (res->linked_by[0] && res->earlier_referrals > 0)
		sqlite3_bind_text(st, 4, res->linked_by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, res->perpetrator_other_victims > 0);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, d->user_id);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, d->user_id);
	bind_intake(st, 10, r);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "create referral");
	rid = sqlite3_last_insert_rowid(d->db);
	res->id = rid;
	if (res->perpetrator_other_victims > 0 &&
	    count_query(d, mark_serial, perp, 1) < -1) /* UPDATE returns no row: -1 is fine */
		return DASV_INTERNAL;
	if ((ret = store_children(d, rid, r)) != DASV_OK)
		return ret;
	if (!dasv_blank(r->notes)) {
		if ((ret = dasv_person_key(d, res->person_id, rk)) != DASV_OK)
			return ret;
		ret = store_notes(d, rid, rk, r->notes);
		dasv_wipe(rk, sizeof(rk));
		if (ret != DASV_OK)
			return ret;
	}
	/* a DASH about to be applied in this transaction evaluates the rules itself */
	if (flags & DASV_INSERT_DASH_FOLLOWS)
		return DASV_OK;
	return dasv_recommend_store(d, rid);
}

enum dasv_status
dasv_referral_create(struct dasv *d, const struct dasv_referral *r, struct dasv_field_err *fe,
		     struct dasv_intake_result *res)
{
	enum dasv_status ret;
	char detail[96];

	memset(res, 0, sizeof(*res));
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "create referral")) != DASV_OK)
		return ret;
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if ((ret = dasv_referral_insert(d, r, fe, res)) != DASV_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "person=%lld earlier=%d", (long long)res->person_id,
		 res->earlier_referrals);
	if ((ret = dasv_audit_append(d, "referral_create", "referral", res->id, detail)) != DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) != DASV_OK)
		memset(res, 0, sizeof(*res));
	return ret;
fail:
	dasv_tx_rollback(d);
	return ret;
}

/* ---- reading -------------------------------------------------------- */

void
dasv_referral_clear(struct dasv_referral *r)
{
	char **s[] = { &r->person.first_name, &r->person.last_name, &r->person.date_of_birth,
		       &r->person.address, &r->person.postcode, &r->person.phone,
		       &r->person.email, &r->person.safe_contact, &r->perpetrator_name,
		       &r->perpetrator_dob, &r->notes };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		dasv_str_free(s[i]);
	dasv_wipe(r, sizeof(*r));
}

int
dasv_referral_in_caseload(struct dasv *d, int64_t id)
{
	static const char sql[] =
		"SELECT 1 FROM referrals WHERE id = ?1 AND (created_by = ?2 OR worker_id = ?2)";
	sqlite3_stmt *st;
	int yes;

	if (!d->keys)
		return 0;
	if (d->role == DASV_ROLE_SUPERVISOR || d->role == DASV_ROLE_ADMIN)
		return 1;
	if (d->role != DASV_ROLE_CASEWORKER || !(st = dasv_stmt(d, sql)))
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, d->user_id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int
dasv_referral_readable(struct dasv *d, int64_t id)
{
	static const char sql[] =
		"SELECT 1 FROM break_glass WHERE user_id = ? AND referral_id = ? AND at >= ? LIMIT 1";
	sqlite3_stmt *st;
	time_t t = time(NULL) - DASV_BREAK_GLASS_READ_SECONDS;
	struct tm tm;
	char since[21];
	int yes;

	if (dasv_referral_in_caseload(d, id))
		return 1;
	if (!d->keys || d->role != DASV_ROLE_CASEWORKER || !(st = dasv_stmt(d, sql)))
		return 0;
	/* the rest of the case just opened by break-glass: its timeline, assessments */
	gmtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sqlite3_bind_int64(st, 1, d->user_id);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, since, -1, SQLITE_TRANSIENT);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

enum dasv_status
dasv_referral_can_open(struct dasv *d, int64_t id, int *allowed)
{
	enum dasv_status ret = dasv_require_unlocked(d);

	*allowed = 0;
	if (ret != DASV_OK)
		return ret;
	*allowed = d->keys->has_data && dasv_referral_in_caseload(d, id);
	return DASV_OK;
}

enum dasv_status
dasv_referral_load(struct dasv *d, int64_t id, struct dasv_referral *r)
{
	static const char sql[] =
		"SELECT r.person_id, r.version, r.received_on, r.incident_on, r.source, r.strand, "
		"r.vawg, r.district, r.eq_sex, r.eq_ethnicity, r.eq_disability, "
		"r.eq_sexual_orientation, r.eq_gender_reassignment, r.eq_pregnancy, r.eq_religion, "
		"r.eq_interpreter, r.eq_nrpf, r.children_count, r.perpetrator_relationship, "
		"r.consent_to_share, r.sharing_basis, r.do_not_inform_perpetrator, r.notes, "
		"r.status, r.level, r.dash_score, r.marac, r.safeguarding, r.mandatory_reporting, "
		"r.sarc, r.repeat_victim, r.serial_perpetrator, r.escalation, r.repeat_marac, "
		"r.age_at_referral, r.rec_pathway, r.rec_service_type, r.rec_reason, r.service_id, "
		"r.worker_id, s.name, w.name, r.allocated_on, r.contact_due, r.first_contact_on, "
		"r.next_review, r.waiting_since, r.closed_on, r.close_reason, c.name, u.name, "
		"r.updated_at, r.perpetrator_id, "
		"p.record_key, p.first_name, p.last_name, p.date_of_birth, p.address, p.postcode, "
		"p.phone, p.email, p.safe_contact, p.safe_to_call, p.voicemail_ok, p.letters_ok, "
		"q.record_key, q.name, q.date_of_birth "
		"FROM referrals r JOIN people p ON p.id = r.person_id "
		"LEFT JOIN perpetrators q ON q.id = r.perpetrator_id "
		"LEFT JOIN services s ON s.id = r.service_id LEFT JOIN users w ON w.id = r.worker_id "
		"LEFT JOIN users c ON c.id = r.created_by LEFT JOIN users u ON u.id = r.updated_by "
		"WHERE r.id = ?";
	static const char dash[] =
		"SELECT a.assessed_on, u.name, a.marac_criteria FROM assessments a "
		"JOIN users u ON u.id = a.assessed_by WHERE a.referral_id = ? AND a.kind = 'dash' "
		"ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1";
	static const char kids[] =
		"SELECT age_years FROM referral_children WHERE referral_id = ? ORDER BY id LIMIT 20";
	static const char *const pcols[] = { "first_name", "last_name", "date_of_birth", "address",
					     "postcode", "phone", "email", "safe_contact" };
	char **pvals[] = { &r->person.first_name, &r->person.last_name,
			   &r->person.date_of_birth, &r->person.address, &r->person.postcode,
			   &r->person.phone, &r->person.email, &r->person.safe_contact };
	unsigned char rk[DASV_KEY_BYTES], qk[DASV_KEY_BYTES];
	sqlite3_stmt *st;
	enum dasv_status ret = DASV_OK;
	int64_t pid, perp;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? dasv_set_err(d, DASV_NOTFOUND, "referral %lld: no such referral",
							(long long)id)
					 : dasv_db_err(d, rc, "read referral");
	}
	r->id = id;
	pid = r->person_id = sqlite3_column_int64(st, 0);
	r->version = sqlite3_column_int64(st, 1);
	dasv_col_text(r->received_on, sizeof(r->received_on), st, 2);
	dasv_col_text(r->incident_on, sizeof(r->incident_on), st, 3);
	dasv_col_text(r->source, sizeof(r->source), st, 4);
	r->strand = (unsigned)sqlite3_column_int(st, 5);
	r->vawg = (unsigned)sqlite3_column_int(st, 6);
	dasv_col_text(r->district, sizeof(r->district), st, 7);
	dasv_col_text(r->eq_sex, sizeof(r->eq_sex), st, 8);
	dasv_col_text(r->eq_ethnicity, sizeof(r->eq_ethnicity), st, 9);
	dasv_col_text(r->eq_disability, sizeof(r->eq_disability), st, 10);
	dasv_col_text(r->eq_sexual_orientation, sizeof(r->eq_sexual_orientation), st, 11);
	dasv_col_text(r->eq_gender_reassignment, sizeof(r->eq_gender_reassignment), st, 12);
	dasv_col_text(r->eq_pregnancy, sizeof(r->eq_pregnancy), st, 13);
	dasv_col_text(r->eq_religion, sizeof(r->eq_religion), st, 14);
	dasv_col_text(r->eq_interpreter, sizeof(r->eq_interpreter), st, 15);
	dasv_col_text(r->eq_nrpf, sizeof(r->eq_nrpf), st, 16);
	r->children_count = sqlite3_column_int(st, 17);
	dasv_col_text(r->perpetrator_relationship, sizeof(r->perpetrator_relationship), st, 18);
	r->consent_to_share = sqlite3_column_int(st, 19);
	dasv_col_text(r->sharing_basis, sizeof(r->sharing_basis), st, 20);
	r->do_not_inform_perpetrator = sqlite3_column_int(st, 21);
	dasv_col_text(r->status, sizeof(r->status), st, 23);
	r->level = dasv_col_int_or(st, 24, DASV_LEVEL_NONE);
	r->dash_score = dasv_col_int_or(st, 25, -1);
	r->marac = sqlite3_column_int(st, 26);
	r->safeguarding = sqlite3_column_int(st, 27);
	r->mandatory_reporting = sqlite3_column_int(st, 28);
	r->sarc = sqlite3_column_int(st, 29);
	r->repeat_victim = sqlite3_column_int(st, 30);
	r->serial_perpetrator = sqlite3_column_int(st, 31);
	r->escalation = sqlite3_column_int(st, 32);
	r->repeat_marac = sqlite3_column_int(st, 33);
	r->age_at_referral = dasv_col_int_or(st, 34, -1);
	dasv_col_text(r->rec_pathway, sizeof(r->rec_pathway), st, 35);
	dasv_col_text(r->rec_service_type, sizeof(r->rec_service_type), st, 36);
	dasv_col_text(r->rec_reason, sizeof(r->rec_reason), st, 37);
	r->service_id = sqlite3_column_int64(st, 38);
	r->worker_id = sqlite3_column_int64(st, 39);
	dasv_col_text(r->service_name, sizeof(r->service_name), st, 40);
	dasv_col_text(r->worker_name, sizeof(r->worker_name), st, 41);
	dasv_col_text(r->allocated_on, sizeof(r->allocated_on), st, 42);
	dasv_col_text(r->contact_due, sizeof(r->contact_due), st, 43);
	dasv_col_text(r->first_contact_on, sizeof(r->first_contact_on), st, 44);
	dasv_col_text(r->next_review, sizeof(r->next_review), st, 45);
	dasv_col_text(r->waiting_since, sizeof(r->waiting_since), st, 46);
	dasv_col_text(r->closed_on, sizeof(r->closed_on), st, 47);
	dasv_col_text(r->close_reason, sizeof(r->close_reason), st, 48);
	dasv_col_text(r->created_by, sizeof(r->created_by), st, 49);
	dasv_col_text(r->updated_by, sizeof(r->updated_by), st, 50);
	dasv_col_text(r->updated_at, sizeof(r->updated_at), st, 51);
	perp = sqlite3_column_int64(st, 52);
	{
		char today[11];
		dasv_date_format(dasv_date_today(), today);
		r->overdue = r->contact_due[0] && !r->first_contact_on[0] &&
			     strcmp(r->status, "closed") != 0 && strcmp(r->contact_due, today) < 0;
	}
	r->person.safe_to_call = dasv_col_int_or(st, 62, -1);
	r->person.voicemail_ok = dasv_col_int_or(st, 63, -1);
	r->person.letters_ok = dasv_col_int_or(st, 64, -1);
	ret = dasv_record_key_open(d, "people", pid, sqlite3_column_blob(st, 53),
				sqlite3_column_bytes(st, 53), rk);
	for (int i = 0; ret == DASV_OK && i < 8; i++)
		ret = dasv_column_open(d, st, 54 + i, rk, "people", pcols[i], pid, pvals[i]);
	if (ret == DASV_OK)
		ret = dasv_column_open(d, st, 22, rk, "referrals", "notes", id, &r->notes);
	dasv_wipe(rk, sizeof(rk));
	if (ret == DASV_OK && perp) {
		ret = dasv_record_key_open(d, "perpetrators", perp, sqlite3_column_blob(st, 65),
					sqlite3_column_bytes(st, 65), qk);
		if (ret == DASV_OK)
			ret = dasv_column_open(d, st, 66, qk, "perpetrators", "name", perp,
					       &r->perpetrator_name);
		if (ret == DASV_OK)
			ret = dasv_column_open(d, st, 67, qk, "perpetrators", "date_of_birth", perp,
					       &r->perpetrator_dob);
		dasv_wipe(qk, sizeof(qk));
	}
	sqlite3_reset(st);
	if (ret != DASV_OK) {
		dasv_referral_clear(r);
		return ret;
	}
	if (!(st = dasv_stmt(d, kids))) {
		dasv_referral_clear(r);
		return DASV_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id);
	while (r->n_children_ages < DASV_MAX_CHILDREN && sqlite3_step(st) == SQLITE_ROW)
		r->children_ages[r->n_children_ages++] = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if ((st = dasv_stmt(d, dash))) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			dasv_col_text(r->dash_on, sizeof(r->dash_on), st, 0);
			dasv_col_text(r->dash_by, sizeof(r->dash_by), st, 1);
			dasv_col_text(r->marac_criteria, sizeof(r->marac_criteria), st, 2);
		}
		sqlite3_reset(st);
	}
	return DASV_OK;
}

static enum dasv_status
record_break_glass(struct dasv *d, int64_t id, const char *reason)
{
	static const char ins[] =
		"INSERT INTO break_glass(at, user_id, referral_id, reason) VALUES (?, ?, ?, x'')";
	static const char upd[] = "UPDATE break_glass SET reason = ? WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, ins);
	enum dasv_status ret;
	int64_t bid;
	char now[21];
	int rc;

	if (!st)
		return DASV_INTERNAL;
	dasv_now(now);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, d->user_id);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "break-glass");
	bid = sqlite3_last_insert_rowid(d->db);
	if (!(st = dasv_stmt(d, upd)))
		return DASV_INTERNAL;
	/* sealed under the break-glass key: supervisors and auditors can read it */
	if ((ret = dasv_bind_sealed(d, st, 1, d->keys->bg, "break_glass", "reason", bid, reason)) !=
	    DASV_OK) {
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_bind_int64(st, 2, bid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "break-glass");
	return dasv_audit_append(d, "break_glass", "referral", id, "");
}

enum dasv_status
dasv_case_get(struct dasv *d, int64_t id, const char *break_glass_reason, size_t max_events,
	      struct dasv_referral *out, struct dasv_event **events, size_t *n_events)
{
	enum dasv_status ret;
	char detail[32] = "";

	memset(out, 0, sizeof(*out));
	if (events) {
		*events = NULL;
		*n_events = 0;
	}
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "open referral")) != DASV_OK)
		return ret;
	if ((ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if (count_query(d, "SELECT count(*) FROM referrals WHERE id = ? AND ?", id, 1) != 1) {
		ret = dasv_set_err(d, DASV_NOTFOUND, "referral %lld: no such referral", (long long)id);
		goto fail;
	}
	if (!dasv_referral_in_caseload(d, id)) {
		if (dasv_blank(break_glass_reason)) {
			ret = dasv_set_err(d, DASV_DENIED,
					   "referral %lld is outside your caseload: opening it needs "
					   "break-glass with a reason, which supervisors will see",
					   (long long)id);
			goto fail;
		}
		if ((ret = record_break_glass(d, id, break_glass_reason)) != DASV_OK)
			goto fail;
	}
	if ((ret = dasv_referral_load(d, id, out)) != DASV_OK)
		goto fail;
	if (events) {
		if ((ret = dasv_timeline_load(d, id, 0, max_events, events, n_events)) != DASV_OK)
			goto fail;
		snprintf(detail, sizeof(detail), "events=%zu", *n_events);
	}
	if ((ret = dasv_audit_append(d, "referral_open", "referral", id, detail)) != DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) != DASV_OK)
		goto fail_committed;
	return DASV_OK;
fail:
	dasv_tx_rollback(d);
fail_committed:
	dasv_referral_clear(out);
	if (events) {
		dasv_events_free(events, *n_events);
		*n_events = 0;
	}
	return ret;
}

enum dasv_status
dasv_referral_get(struct dasv *d, int64_t id, const char *break_glass_reason,
		  struct dasv_referral *out)
{
	return dasv_case_get(d, id, break_glass_reason, 0, out, NULL, NULL);
}

/* (Re)link the referral's perpetrator after an edit, with the serial flag. */
static enum dasv_status
set_perpetrator(struct dasv *d, const struct dasv_referral *r, int64_t person_id, const char *now)
{
	static const char upd[] =
		"UPDATE referrals SET perpetrator_id = ?2, serial_perpetrator = ?3 WHERE id = ?1";
	static const char victims[] =
		"SELECT count(DISTINCT person_id) FROM referrals WHERE perpetrator_id = ? "
		"AND person_id <> ?";
	static const char mark_serial[] =
		"UPDATE referrals SET serial_perpetrator = 1 WHERE perpetrator_id = ? "
		"AND serial_perpetrator = 0 AND ?";
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t perp = 0, others = 0;
	int rc;

	if ((ret = dasv_perpetrator_link(d, r, now, &perp)) != DASV_OK)
		return ret;
	if (perp)
		others = count_query(d, victims, perp, person_id);
	if (!(st = dasv_stmt(d, upd)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, r->id);
	if (perp)
		sqlite3_bind_int64(st, 2, perp);
	sqlite3_bind_int(st, 3, others > 0);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "perpetrator");
	if (others > 0)
		count_query(d, mark_serial, perp, 1);
	return DASV_OK;
}

enum dasv_status
dasv_referral_update(struct dasv *d, const struct dasv_referral *r, struct dasv_field_err *fe)
{
	static const char upd[] =
		"UPDATE referrals SET version = version + 1, updated_at = ?1, updated_by = ?2, "
		"(" INTAKE_COLS ") = (" INTAKE_PARAMS ") WHERE id = ?26 AND version = ?27";
	static const char who[] =
		"SELECT u.name, r.updated_at FROM referrals r JOIN users u ON u.id = r.updated_by "
		"WHERE r.id = ?";
	struct dasv_field_err scratch;
	unsigned char rk[DASV_KEY_BYTES];
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t pid = 0;
	char now[21];
	int rc;

	if (!fe)
		fe = &scratch;
	memset(fe, 0, sizeof(*fe));
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "edit referral")) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	if (dasv_referral_check(r, fe) != DASV_OK)
		return dasv_set_err(d, DASV_INVALID, "%s: %s", fe->field, fe->msg);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if (!dasv_referral_in_caseload(d, r->id)) {
		ret = dasv_set_err(d, DASV_DENIED, "referral %lld is outside your caseload",
				   (long long)r->id);
		goto fail;
	}
	dasv_now(now);
	if (!(st = dasv_stmt(d, upd))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, d->user_id);
	bind_intake(st, 3, r);
	sqlite3_bind_int64(st, 26, r->id);
	sqlite3_bind_int64(st, 27, r->version);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = dasv_db_err(d, rc, "edit referral");
		goto fail;
	}
	if (sqlite3_changes(d->db) == 0) {
		char name[DASV_NAME_MAX] = "?", at[21] = "?";
		if ((st = dasv_stmt(d, who))) {
			sqlite3_bind_int64(st, 1, r->id);
			if (sqlite3_step(st) == SQLITE_ROW) {
				dasv_col_text(name, sizeof(name), st, 0);
				dasv_col_text(at, sizeof(at), st, 1);
			}
			sqlite3_reset(st);
		}
		ret = dasv_set_err(d, DASV_CONFLICT,
				   "referral %lld was changed by %s at %s after you opened it: "
				   "reopen it to see their changes, then edit again",
				   (long long)r->id, name, at);
		goto fail;
	}
	pid = count_query(d, "SELECT person_id FROM referrals WHERE id = ? AND ?", r->id, 1);
	if ((ret = set_perpetrator(d, r, pid, now)) != DASV_OK)
		goto fail;
	if ((ret = dasv_person_key(d, pid, rk)) != DASV_OK)
		goto fail;
	ret = dasv_person_update(d, pid, rk, &r->person);
	if (ret == DASV_OK)
		ret = store_notes(d, r->id, rk, r->notes);
	dasv_wipe(rk, sizeof(rk));
	if (ret != DASV_OK || (ret = store_children(d, r->id, r)) != DASV_OK)
		goto fail;
	if ((ret = dasv_recommend_store(d, r->id)) != DASV_OK ||
	    (ret = dasv_audit_append(d, "referral_update", "referral", r->id, "")) != DASV_OK)
		goto fail;
	return dasv_tx_commit(d);
fail:
	dasv_tx_rollback(d);
	return ret;
}
