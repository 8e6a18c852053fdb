/*
 * io.c - CSV export of referrals (import is io_import.c; the column
 * vocabulary both share is io_int.h).
 *
 * Export walks referral ids in pages (keyset by id, never OFFSET), loads and
 * decrypts one referral at a time and wipes it as soon as it is written.  It
 * writes exactly one audit entry.
 */
#include "io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "csv.h"
#include "internal.h"
#include "io_int.h"
#include "referral_int.h"

/* ---- export ----------------------------------------------------------- */

/* Export order: id first, then the import columns, then the read-only ones. */
static const enum col export_order[] = {
	C_ID, C_RECEIVED_ON, C_SOURCE, C_STRAND, C_VAWG, C_DISTRICT, C_FIRST_NAME,
	C_LAST_NAME, C_DOB, C_PHONE, C_POSTCODE, C_SAFE_CONTACT, C_PERP_NAME, C_PERP_REL,
	C_CHILDREN_COUNT, C_DASH, C_NOTES, C_SEX, C_ETHNICITY, C_DISABILITY,
	C_SEXUAL_ORIENTATION, C_GENDER_REASSIGNMENT, C_PREGNANCY, C_RELIGION,
	C_INTERPRETER, C_NRPF, C_CONSENT, C_SHARING_BASIS, C_DNI, C_INCIDENT_ON,
	C_ADDRESS, C_EMAIL, C_PERP_DOB, C_CHILDREN_AGES, C_SAFE_TO_CALL, C_VOICEMAIL_OK,
	C_LETTERS_OK, C_STATUS, C_LEVEL, C_DASH_SCORE, C_MARAC, C_SERVICE,
};
_Static_assert(sizeof(export_order) / sizeof(export_order[0]) == C_COUNT,
	       "every column is exported");

#define EXPORT_PAGE 256

/*
 * The answers of the referral's latest DASH, with no access check and no
 * audit entry of their own (the export's one entry covers them).  "" when
 * there is none.
 */
static enum dasv_status
latest_dash(struct dasv *d, int64_t id, char out[DASV_DASH_QUESTIONS + 1]);

static const char *
yes_no(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "not_known";
}

static enum dasv_status
write_row(FILE *fp, const struct dasv_referral *r, const char *dash)
{
	char buf[C_COUNT][160];
	const char *v[C_COUNT];
	enum dasv_status st = DASV_OK;
	size_t o = 0;

	for (int c = 0; c < C_COUNT; c++) {
		buf[c][0] = '\0';
		v[c] = buf[c];
	}
	snprintf(buf[C_ID], sizeof(buf[C_ID]), "%lld", (long long)r->id);
	v[C_RECEIVED_ON] = r->received_on;
	v[C_SOURCE] = r->source;
	dasv_code_format_set(DASV_LIST_STRAND, r->strand, buf[C_STRAND], sizeof(buf[C_STRAND]));
	dasv_code_format_set(DASV_LIST_VAWG, r->vawg, buf[C_VAWG], sizeof(buf[C_VAWG]));
	v[C_DISTRICT] = r->district;
	v[C_FIRST_NAME] = r->person.first_name;
	v[C_LAST_NAME] = r->person.last_name;
	v[C_DOB] = r->person.date_of_birth;
	v[C_PHONE] = r->person.phone;
	v[C_POSTCODE] = r->person.postcode;
	v[C_SAFE_CONTACT] = r->person.safe_contact;
	v[C_PERP_NAME] = r->perpetrator_name;
	v[C_PERP_REL] = r->perpetrator_relationship;
	snprintf(buf[C_CHILDREN_COUNT], sizeof(buf[0]), "%d", r->children_count);
	v[C_DASH] = dash;
	v[C_NOTES] = r->notes;
	for (size_t i = 0; i < sizeof(eq_cols) / sizeof(eq_cols[0]); i++)
		v[eq_cols[i].col] = (const char *)r + eq_cols[i].offset;
	v[C_CONSENT] = r->consent_to_share ? "yes" : "no";
	v[C_SHARING_BASIS] = r->sharing_basis;
	v[C_DNI] = r->do_not_inform_perpetrator ? "yes" : "no";
	v[C_INCIDENT_ON] = r->incident_on;
	v[C_ADDRESS] = r->person.address;
	v[C_EMAIL] = r->person.email;
	v[C_PERP_DOB] = r->perpetrator_dob;
	for (int i = 0; i < r->n_children_ages && i < DASV_MAX_CHILDREN; i++) {
		int w = snprintf(buf[C_CHILDREN_AGES] + o, sizeof(buf[0]) - o, "%s%d", i ? ";" : "",
				 r->children_ages[i]);
		if (w < 0 || (size_t)w >= sizeof(buf[0]) - o)
			break;
		o += (size_t)w;
	}
	v[C_SAFE_TO_CALL] = yes_no(r->person.safe_to_call);
	v[C_VOICEMAIL_OK] = yes_no(r->person.voicemail_ok);
	v[C_LETTERS_OK] = yes_no(r->person.letters_ok);
	v[C_STATUS] = r->status;
	v[C_LEVEL] = dasv_level_code((enum dasv_level)r->level);
	if (r->dash_score >= 0)
		snprintf(buf[C_DASH_SCORE], sizeof(buf[0]), "%d", r->dash_score);
	v[C_MARAC] = r->marac ? "yes" : "no";
	v[C_SERVICE] = r->service_name;

	for (size_t i = 0; i < C_COUNT && st == DASV_OK; i++)
		st = dasv_csv_write_field(fp, v[export_order[i]], i + 1 == C_COUNT);
	dasv_wipe(buf, sizeof(buf));
	return st;
}

enum dasv_status
dasv_export_csv(struct dasv *d, FILE *fp, struct dasv_export_result *res)
{
	/*
	 * Erased people have nothing left to export.  A caseworker's export is
	 * what they created or are allocated, and nothing they opened by
	 * break-glass: that reason covered one record on screen, not a bulk copy.
	 */
	static const char page_all[] =
		"SELECT r.id FROM referrals r JOIN people p ON p.id = r.person_id "
		"WHERE r.id > ?1 AND p.record_key IS NOT NULL ORDER BY r.id LIMIT ?2";
	static const char page_mine[] =
		"SELECT r.id FROM referrals r JOIN people p ON p.id = r.person_id "
		"WHERE r.id > ?1 AND p.record_key IS NOT NULL "
		"AND (r.created_by = ?3 OR r.worker_id = ?3) ORDER BY r.id LIMIT ?2";
	struct dasv_export_result out = { 0 };
	struct dasv_referral r;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t ids[EXPORT_PAGE], after = 0;
	char dash[DASV_DASH_QUESTIONS + 1], detail[160];
	int caseworker, rc, io_failed = 0;
	size_t n;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	if ((ret = dasv_require_role(d,
				     DASV_ROLE_BIT(DASV_ROLE_CASEWORKER) |
					     DASV_ROLE_BIT(DASV_ROLE_SUPERVISOR) |
					     DASV_ROLE_BIT(DASV_ROLE_ADMIN),
				     "export")) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	caseworker = dasv_session_role(d) == DASV_ROLE_CASEWORKER;
	/*
	 * One write transaction: a consistent snapshot, and the audit entry
	 * is certain to be written with what was exported.  Writers wait on
	 * the busy timeout meanwhile; exports are rare.
	 */
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	for (int c = 0; c < C_COUNT && ret == DASV_OK; c++)
		ret = dasv_csv_write_field(fp, col_names[export_order[c]], c + 1 == C_COUNT);
	if (ret != DASV_OK) {
		io_failed = 1;
		goto audit;
	}
	for (;;) {
		if (!(st = dasv_stmt(d, caseworker ? page_mine : page_all))) {
			ret = DASV_INTERNAL;
			goto audit;
		}
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int(st, 2, EXPORT_PAGE);
		if (caseworker)
			sqlite3_bind_int64(st, 3, dasv_session_user_id(d));
		n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < EXPORT_PAGE)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			ret = dasv_db_err(d, rc, "export");
			goto audit;
		}
		if (n == 0)
			break;
		after = ids[n - 1];
		for (size_t i = 0; i < n; i++) {
			if ((ret = dasv_referral_load(d, ids[i], &r)) != DASV_OK ||
			    (ret = latest_dash(d, ids[i], dash)) != DASV_OK)
				goto audit;
			ret = write_row(fp, &r, dash);
			dasv_referral_clear(&r);
			dasv_wipe(dash, sizeof(dash));
			if (ret != DASV_OK) {
				io_failed = 1;
				goto audit;
			}
			if (out.exported == 0)
				out.first_id = ids[i];
			out.last_id = ids[i];
			out.exported++;
		}
	}
	if (fflush(fp) != 0) {
		io_failed = 1;
		ret = DASV_IO;
	}
audit:
	dasv_referral_clear(&r);
	dasv_wipe(dash, sizeof(dash));
	if (ret != DASV_OK && out.exported == 0) {
		/* nothing decrypted left the core: nothing to record */
		dasv_tx_rollback(d);
		if (io_failed)
			return dasv_set_err(d, DASV_IO, "export: cannot write the output: %s",
					    strerror(errno));
		return ret;
	}
	{
		/* what was written is on record even when the export failed part-way */
		enum dasv_status first = ret;
		char saved[sizeof(d->err)];

		snprintf(saved, sizeof(saved), "%s", dasv_errmsg(d));
		snprintf(detail, sizeof(detail), "count=%lld first=%lld last=%lld%s",
			 (long long)out.exported, (long long)out.first_id, (long long)out.last_id,
			 first == DASV_OK ? "" : " incomplete");
		if ((ret = dasv_audit_append(d, "export", "referral", out.first_id, detail)) !=
			    DASV_OK ||
		    (ret = dasv_tx_commit(d)) != DASV_OK) {
			dasv_tx_rollback(d);
			return ret;
		}
		if (first != DASV_OK) {
			if (io_failed)
				return dasv_set_err(d, DASV_IO,
						    "export: cannot write the output after %lld rows",
						    (long long)out.exported);
			return dasv_set_err(d, first, "%s", saved);
		}
	}
	*res = out;
	return DASV_OK;
}

static enum dasv_status
latest_dash(struct dasv *d, int64_t id, char out[DASV_DASH_QUESTIONS + 1])
{
	/* the same order as dasv_assessment_latest, so both agree on "latest" */
	static const char sql[] =
		"SELECT id, answers FROM assessments WHERE referral_id = ? AND kind = 'dash' "
		"ORDER BY assessed_on DESC, id DESC LIMIT 1";
	unsigned char rk[DASV_KEY_BYTES];
	sqlite3_stmt *st = dasv_stmt(d, sql);
	enum dasv_status ret;
	char *pt = NULL;
	int64_t aid;
	int rc;

	out[0] = '\0';
	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return DASV_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return dasv_db_err(d, rc, "export: assessment");
	}
	aid = sqlite3_column_int64(st, 0);
	if ((ret = dasv_referral_key(d, id, rk)) == DASV_OK)
		ret = dasv_column_open(d, st, 1, rk, "assessments", "answers", aid, &pt);
	dasv_wipe(rk, sizeof(rk));
	sqlite3_reset(st);
	if (ret != DASV_OK)
		return ret;
	/* sealed as "answers|sources|stalking" (assess.c) */
	if (pt && strlen(pt) >= DASV_DASH_QUESTIONS && (pt[DASV_DASH_QUESTIONS] == '|' ||
							pt[DASV_DASH_QUESTIONS] == '\0')) {
		memcpy(out, pt, DASV_DASH_QUESTIONS);
		out[DASV_DASH_QUESTIONS] = '\0';
	}
	dasv_str_free(&pt);
	return DASV_OK;
}
