/*
 * assess.c - risk and need through the database: DASH with the MARAC criteria
 * computed from the person's own history, the SV safety-and-support
 * assessment, needs, and the recommendation rules (data in the rules table).
 */
#include "referral_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "date.h"

int
dasv_priority(int level, int marac)
{
	switch (level) {
	case DASV_LEVEL_HIGH:
		return marac ? 0 : 1;
	case DASV_LEVEL_MEDIUM:
		return 2;
	case DASV_LEVEL_STANDARD:
		return 3;
	default:
		return 4;
	}
}

enum dasv_status
dasv_risk_config_load(struct dasv *d, struct dasv_risk_config *c)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "dash_medium_min", offsetof(struct dasv_risk_config, medium_min) },
		{ "dash_high_min", offsetof(struct dasv_risk_config, high_min) },
		{ "marac_consent_min", offsetof(struct dasv_risk_config, marac_consent_min) },
		{ "marac_auto_min", offsetof(struct dasv_risk_config, marac_auto_min) },
		{ "escalation_count", offsetof(struct dasv_risk_config, escalation_count) },
		{ "escalation_days", offsetof(struct dasv_risk_config, escalation_days) },
		{ "repeat_days", offsetof(struct dasv_risk_config, repeat_days) },
		{ "reassess_days", offsetof(struct dasv_risk_config, reassess_days) },
	};
	enum dasv_status st;
	long v;

	dasv_risk_config_default(c);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int *field = (int *)((char *)c + keys[i].off);
		if ((st = dasv_setting_int(d, keys[i].key, *field, &v)) != DASV_OK)
			return st;
		if (v >= 0 && v <= 10000)
			*field = (int)v;
	}
	return DASV_OK;
}

/* What an assessment needs to know about its referral. */
struct ref_facts {
	int64_t person_id;
	int32_t received;
	char status[DASV_CODE_MAX];
	int marac;
	char marac_on[11];
};

static enum dasv_status
load_facts(struct dasv *d, int64_t id, struct ref_facts *f)
{
	static const char sql[] =
		"SELECT person_id, received_on, status, marac, marac_on FROM referrals WHERE id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	const unsigned char *v;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? dasv_set_err(d, DASV_NOTFOUND,
							"referral %lld: no such referral",
							(long long)id)
					 : dasv_db_err(d, rc, "referral");
	}
	f->person_id = sqlite3_column_int64(st, 0);
	dasv_date_parse((const char *)sqlite3_column_text(st, 1), &f->received, NULL, 0);
	snprintf(f->status, sizeof(f->status), "%s", sqlite3_column_text(st, 2));
	f->marac = sqlite3_column_int(st, 3);
	v = sqlite3_column_text(st, 4);
	snprintf(f->marac_on, sizeof(f->marac_on), "%s", v ? (const char *)v : "");
	sqlite3_reset(st);
	if (!strcmp(f->status, "closed"))
		return dasv_set_err(d, DASV_INVALID, "referral %lld is closed", (long long)id);
	return DASV_OK;
}

static enum dasv_status
require_casework(struct dasv *d, int64_t referral_id, const char *what)
{
	enum dasv_status ret = dasv_require_role(d, DASV_ROLES_STAFF, what);

	if (ret == DASV_OK)
		ret = dasv_require_data_key(d);
	if (ret == DASV_OK && !dasv_referral_in_caseload(d, referral_id))
		ret = dasv_set_err(d, DASV_DENIED,
				   "%s: referral %lld is outside your caseload (open it with "
				   "break-glass first)",
				   what, (long long)referral_id);
	return ret;
}

/* Latest level of an assessment kind for a referral, DASV_LEVEL_NONE if none. */
static int
latest_level(struct dasv *d, int64_t referral_id, const char *kind)
{
	static const char sql[] =
		"SELECT level FROM assessments WHERE referral_id = ? AND kind = ? "
		"ORDER BY assessed_on DESC, id DESC LIMIT 1";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int level = DASV_LEVEL_NONE;

	if (!st)
		return DASV_LEVEL_NONE;
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		level = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return level;
}

static enum dasv_status
insert_assessment(struct dasv *d, int64_t referral_id, const char *kind, const char *on,
		  int score, int level, int score_level, int consent, int marac,
		  const char *criteria, const char *answers, const char *pj_reason)
{
	static const char ins[] =
		"INSERT INTO assessments(referral_id, kind, assessed_on, assessed_by, score, level, "
		"score_level, consent, marac, marac_criteria) VALUES (?,?,?,?,?,?,?,?,?,?)";
	static const char seal[] = "UPDATE assessments SET answers = ?, pj_reason = ? WHERE id = ?";
	unsigned char rk[DASV_KEY_BYTES];
	sqlite3_stmt *st = dasv_stmt(d, ins);
	enum dasv_status ret;
	int64_t aid;
	int rc;

	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, d->user_id);
	if (score >= 0)
		sqlite3_bind_int(st, 5, score);
	sqlite3_bind_int(st, 6, level);
	sqlite3_bind_int(st, 7, score_level);
	sqlite3_bind_int(st, 8, consent);
	sqlite3_bind_int(st, 9, marac);
	sqlite3_bind_text(st, 10, criteria, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dasv_db_err(d, rc, "assessment");
	aid = sqlite3_last_insert_rowid(d->db);
	if ((ret = dasv_referral_key(d, referral_id, rk)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, seal))) {
		dasv_wipe(rk, sizeof(rk));
		return DASV_INTERNAL;
	}
	ret = dasv_bind_sealed(d, st, 1, rk, "assessments", "answers", aid, answers);
	if (ret == DASV_OK)
		ret = dasv_bind_sealed(d, st, 2, rk, "assessments", "pj_reason", aid,
				       pj_reason && *pj_reason ? pj_reason : NULL);
	dasv_wipe(rk, sizeof(rk));
	if (ret != DASV_OK) {
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_bind_int64(st, 3, aid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "assessment");
}

/* Level, flags, queue priority, review date and status after an assessment. */
static enum dasv_status
update_risk(struct dasv *d, int64_t referral_id, int level, int score, int set_score, int marac,
	    const char *marac_on, int escalation, int repeat, const char *review)
{
	static const char sql[] =
		"UPDATE referrals SET level = ?1, dash_score = CASE WHEN ?2 THEN ?3 ELSE dash_score END, "
		"marac = max(marac, ?4), marac_on = CASE WHEN ?4 AND marac_on IS NULL THEN ?5 "
		"ELSE marac_on END, escalation = max(escalation, ?6), "
		"repeat_marac = max(repeat_marac, ?7), next_review = ?8, "
		"status = CASE status WHEN 'new' THEN 'triaged' ELSE status END, "
		"priority = CASE WHEN ?1 = 2 AND (?4 OR marac) THEN 0 WHEN ?1 = 2 THEN 1 "
		"WHEN ?1 = 1 THEN 2 WHEN ?1 = 0 THEN 3 ELSE 4 END WHERE id = ?9";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int rc;

	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int(st, 2, set_score);
	sqlite3_bind_int(st, 3, score);
	sqlite3_bind_int(st, 4, marac);
	sqlite3_bind_text(st, 5, marac_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, escalation);
	sqlite3_bind_int(st, 7, repeat);
	sqlite3_bind_text(st, 8, review, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, referral_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "update risk");
}

static enum dasv_status
assessed_on(struct dasv *d, const char *given, const struct ref_facts *f, char out[11],
	    int32_t *days)
{
	char err[160];

	if (!given || !*given) {
		*days = dasv_date_today();
		dasv_date_format(*days, out);
		return DASV_OK;
	}
	if (dasv_date_parse(given, days, err, sizeof(err)) != DASV_OK)
		return dasv_set_err(d, DASV_INVALID, "assessed_on: %s", err);
	if (*days > dasv_date_today())
		return dasv_set_err(d, DASV_INVALID, "assessed_on: %s is in the future", given);
	if (*days < f->received)
		return dasv_set_err(d, DASV_INVALID, "assessed_on: before the referral was received");
	dasv_date_format(*days, out);
	return DASV_OK;
}

enum dasv_status
dasv_dash_apply(struct dasv *d, int64_t referral_id, const struct dasv_dash_input *in,
		struct dasv_marac_result *out)
{
	static const char history[] =
		"SELECT count(*) FROM referrals WHERE person_id = ? AND received_on BETWEEN ? AND ?";
	static const char last_marac[] =
		"SELECT max(marac_on) FROM referrals WHERE person_id = ? AND id <> ? AND marac = 1 "
		"AND marac_on <= ?";
	struct dasv_risk_config cfg;
	struct dasv_marac_input mi = { 0 };
	struct ref_facts f;
	char answers[DASV_DASH_QUESTIONS + 1], stalking[DASV_SDASH_QUESTIONS + 1] = "";
	char sources[DASV_DASH_QUESTIONS + 1], err[200], on[11], from[11], rec[11], review[11];
	char criteria[96] = "", sealed[80];
	enum dasv_level pj_final;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int32_t on_days;

	memset(out, 0, sizeof(*out));
	if ((ret = load_facts(d, referral_id, &f)) != DASV_OK ||
	    (ret = dasv_risk_config_load(d, &cfg)) != DASV_OK ||
	    (ret = assessed_on(d, in->assessed_on, &f, on, &on_days)) != DASV_OK)
		return ret;
	if (dasv_dash_parse(in->answers, answers, err, sizeof(err)) != DASV_OK)
		return dasv_set_err(d, DASV_INVALID, "dash_answers: %s", err);
	/* where each answer came from; the victim unless said otherwise */
	for (int i = 0; i < DASV_DASH_QUESTIONS; i++) {
		char c = in->sources[0] ? in->sources[i] : 'V';
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!c || !strchr("VPRO", c))
			return dasv_set_err(d, DASV_INVALID,
					    "dash_sources: answer %d has no source (V victim, "
					    "P professional, R records, O other)",
					    i + 1);
		sources[i] = c;
	}
	sources[DASV_DASH_QUESTIONS] = '\0';
	if (in->stalking[0]) {
		if (answers[DASV_DASH_STALKING_INDEX] != 'Y')
			return dasv_set_err(d, DASV_INVALID,
					    "stalking: the stalking screen applies only when "
					    "question 8 is Yes");
		if (dasv_sdash_parse(in->stalking, stalking, err, sizeof(err)) != DASV_OK)
			return dasv_set_err(d, DASV_INVALID, "stalking: %s", err);
	}
	mi.score = dasv_dash_score(answers);
	mi.consent = in->consent;
	mi.assessed_level = latest_level(d, referral_id, "sv");
	mi.pj_level = DASV_LEVEL_NONE;
	if (in->pj_level != DASV_LEVEL_NONE && dasv_blank(in->pj_reason))
		return dasv_set_err(d, DASV_INVALID,
				    "professional_judgement_reason: professional judgement needs a "
				    "written reason");
	if (in->pj_level != DASV_LEVEL_NONE) {
		if (dasv_pj_apply(dasv_dash_level(&cfg, mi.score), in->pj_level, in->pj_reason,
				  &pj_final, err, sizeof(err)) != DASV_OK)
			return dasv_set_err(d, DASV_INVALID, "%s", err);
		mi.pj_level = pj_final;
	}
	/* escalation: this person's referrals in the window up to this one's date */
	dasv_date_format(f.received - cfg.escalation_days, from);
	dasv_date_format(f.received, rec);
	if (!(st = dasv_stmt(d, history)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, f.person_id);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, rec, -1, SQLITE_TRANSIENT);
	mi.incidents_12m = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1;
	sqlite3_reset(st);
	/* repeat: within repeat_days of this person's last MARAC referral */
	mi.days_since_marac = -1;
	if (!(st = dasv_stmt(d, last_marac)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, f.person_id);
	sqlite3_bind_int64(st, 2, referral_id);
	sqlite3_bind_text(st, 3, rec, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		int32_t last;
		if (dasv_date_parse((const char *)sqlite3_column_text(st, 0), &last, NULL, 0) ==
		    DASV_OK)
			mi.days_since_marac = f.received - last;
	}
	sqlite3_reset(st);
	dasv_marac_evaluate(&cfg, &mi, out);
	snprintf(criteria, sizeof(criteria), "%s%s%s%s%s%s",
		 out->auto_marac ? "auto_marac;" : "",
		 out->visible_high ? "visible_high;" : "", out->pj ? "professional_judgement;" : "",
		 out->escalation ? "escalation;" : "", out->repeat ? "repeat;" : "",
		 out->needs_consent ? "needs_consent;" : "");
	/* answers, their sources and the stalking screen travel sealed together */
	snprintf(sealed, sizeof(sealed), "%s|%s|%s", answers, sources, stalking);
	ret = insert_assessment(d, referral_id, "dash", on, mi.score, out->level, out->score_level,
				in->consent ? 1 : 0, out->refer, criteria, sealed,
				in->pj_level != DASV_LEVEL_NONE ? in->pj_reason : NULL);
	dasv_wipe(sealed, sizeof(sealed));
	if (ret != DASV_OK)
		return ret;
	dasv_date_format(on_days + cfg.reassess_days, review);
	if ((ret = update_risk(d, referral_id, out->level, mi.score, 1, out->refer, on,
			       out->escalation, out->repeat, review)) != DASV_OK)
		return ret;
	return dasv_recommend_store(d, referral_id);
}

enum dasv_status
dasv_dash_record(struct dasv *d, int64_t referral_id, const struct dasv_dash_input *in,
		 struct dasv_marac_result *out)
{
	enum dasv_status ret;
	char detail[96];

	memset(out, 0, sizeof(*out));
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if ((ret = require_casework(d, referral_id, "DASH")) != DASV_OK ||
	    (ret = dasv_dash_apply(d, referral_id, in, out)) != DASV_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "kind=dash level=%s marac=%d", dasv_level_code(out->level),
		 out->refer);
	if ((ret = dasv_audit_append(d, "assessment", "referral", referral_id, detail)) != DASV_OK)
		goto fail;
	return dasv_tx_commit(d);
fail:
	dasv_tx_rollback(d);
	memset(out, 0, sizeof(*out));
	return ret;
}

enum dasv_status
dasv_sv_record(struct dasv *d, int64_t referral_id, const int scores[DASV_SV_DOMAINS],
	       enum dasv_level raise_to, const char *reason, enum dasv_level *level_out)
{
	struct dasv_risk_config cfg;
	struct ref_facts f;
	enum dasv_level suggested, final;
	char err[200], on[11], review[11], digits[DASV_SV_DOMAINS + 1], detail[64];
	enum dasv_status ret;
	int32_t on_days;
	int dash, level;

	*level_out = DASV_LEVEL_NONE;
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if ((ret = require_casework(d, referral_id, "SV assessment")) != DASV_OK ||
	    (ret = load_facts(d, referral_id, &f)) != DASV_OK ||
	    (ret = dasv_risk_config_load(d, &cfg)) != DASV_OK ||
	    (ret = assessed_on(d, NULL, &f, on, &on_days)) != DASV_OK)
		goto fail;
	if (dasv_sv_suggest(scores, &suggested, err, sizeof(err)) != DASV_OK) {
		ret = dasv_set_err(d, DASV_INVALID, "sv: %s", err);
		goto fail;
	}
	final = suggested;
	if (raise_to != DASV_LEVEL_NONE &&
	    dasv_pj_apply(suggested, raise_to, reason, &final, err, sizeof(err)) != DASV_OK) {
		ret = dasv_set_err(d, DASV_INVALID, "level: %s", err);
		goto fail;
	}
	for (int i = 0; i < DASV_SV_DOMAINS; i++)
		digits[i] = (char)('0' + scores[i]);
	digits[DASV_SV_DOMAINS] = '\0';
	if ((ret = insert_assessment(d, referral_id, "sv", on, -1, final, suggested, 0, 0, "",
				     digits, final != suggested ? reason : NULL)) != DASV_OK)
		goto fail;
	/* sexual violence within a relationship: the DASH applies too, the higher wins */
	dash = latest_level(d, referral_id, "dash");
	level = dash > (int)final ? dash : (int)final;
	dasv_date_format(on_days + cfg.reassess_days, review);
	if ((ret = update_risk(d, referral_id, level, 0, 0, 0, on, 0, 0, review)) != DASV_OK ||
	    (ret = dasv_recommend_store(d, referral_id)) != DASV_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "kind=sv level=%s", dasv_level_code(final));
	if ((ret = dasv_audit_append(d, "assessment", "referral", referral_id, detail)) != DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) == DASV_OK)
		*level_out = final;
	return ret;
fail:
	dasv_tx_rollback(d);
	return ret;
}

enum dasv_status
dasv_needs_record(struct dasv *d, int64_t referral_id, const int levels[DASV_NEED_DOMAINS])
{
	static const char sql[] =
		"INSERT OR REPLACE INTO needs(referral_id, domain, level, assessed_on, assessed_by) "
		"VALUES (?,?,?,?,?)";
	const struct dasv_code *dom;
	size_t n = 0;
	struct ref_facts f;
	enum dasv_status ret;
	sqlite3_stmt *st;
	char on[11];
	int32_t on_days;

	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "needs")) != DASV_OK)
		return ret;
	dom = dasv_codes(DASV_LIST_NEED_DOMAIN, &n);
	for (int i = 0; i < DASV_NEED_DOMAINS; i++)
		if (levels[i] < 0 || levels[i] > 3)
			return dasv_set_err(d, DASV_INVALID, "need %s: level must be none, low, "
					    "medium or high", i < (int)n ? dom[i].code : "?");
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if ((ret = require_casework(d, referral_id, "needs")) != DASV_OK ||
	    (ret = load_facts(d, referral_id, &f)) != DASV_OK ||
	    (ret = assessed_on(d, NULL, &f, on, &on_days)) != DASV_OK)
		goto fail;
	for (int i = 0; i < DASV_NEED_DOMAINS && i < (int)n; i++) {
		int rc;
		if (!(st = dasv_stmt(d, sql))) {
			ret = DASV_INTERNAL;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, referral_id);
		sqlite3_bind_text(st, 2, dom[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, levels[i]);
		sqlite3_bind_text(st, 4, on, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, d->user_id);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			ret = dasv_db_err(d, rc, "needs");
			goto fail;
		}
	}
	if ((ret = dasv_recommend_store(d, referral_id)) != DASV_OK ||
	    (ret = dasv_audit_append(d, "needs", "referral", referral_id, "")) != DASV_OK)
		goto fail;
	return dasv_tx_commit(d);
fail:
	dasv_tx_rollback(d);
	return ret;
}

enum dasv_status
dasv_needs_get(struct dasv *d, int64_t referral_id, int levels[DASV_NEED_DOMAINS], int *recorded)
{
	static const char sql[] = "SELECT domain, level FROM needs WHERE referral_id = ?";
	sqlite3_stmt *st;
	enum dasv_status ret;

	*recorded = 0;
	memset(levels, 0, sizeof(int) * DASV_NEED_DOMAINS);
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "needs")) != DASV_OK)
		return ret;
	if (!dasv_referral_readable(d, referral_id))
		return dasv_set_err(d, DASV_DENIED, "needs: referral %lld is outside your caseload",
				    (long long)referral_id);
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, referral_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i = dasv_code_find(DASV_LIST_NEED_DOMAIN, (const char *)sqlite3_column_text(st, 0));
		if (i >= 0 && i < DASV_NEED_DOMAINS) {
			levels[i] = sqlite3_column_int(st, 1);
			*recorded = 1;
		}
	}
	sqlite3_reset(st);
	return DASV_OK;
}

void
dasv_assessment_clear(struct dasv_assessment *a)
{
	dasv_str_free(&a->answers);
	dasv_str_free(&a->pj_reason);
	memset(a, 0, sizeof(*a));
}

enum dasv_status
dasv_assessment_latest(struct dasv *d, int64_t referral_id, const char *kind,
		       struct dasv_assessment *a)
{
	static const char sql[] =
		"SELECT a.id, a.assessed_on, u.name, a.score, a.level, a.score_level, a.consent, "
		"a.marac, a.marac_criteria, a.answers, a.pj_reason FROM assessments a "
		"JOIN users u ON u.id = a.assessed_by WHERE a.referral_id = ? AND a.kind = ? "
		"ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1";
	unsigned char rk[DASV_KEY_BYTES];
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	memset(a, 0, sizeof(*a));
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "assessment")) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		goto fail;
	if (!dasv_referral_readable(d, referral_id)) {
		ret = dasv_set_err(d, DASV_DENIED, "assessment: referral %lld is outside your caseload",
				   (long long)referral_id);
		goto fail;
	}
	if (!(st = dasv_stmt(d, sql))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		ret = rc == SQLITE_DONE ? dasv_set_err(d, DASV_NOTFOUND, "no %s assessment yet", kind)
					: dasv_db_err(d, rc, "assessment");
		goto fail;
	}
	a->id = sqlite3_column_int64(st, 0);
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	snprintf(a->assessed_on, sizeof(a->assessed_on), "%s", sqlite3_column_text(st, 1));
	snprintf(a->assessed_by, sizeof(a->assessed_by), "%s", sqlite3_column_text(st, 2));
	a->score = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3);
	a->level = sqlite3_column_int(st, 4);
	a->score_level = sqlite3_column_int(st, 5);
	a->consent = sqlite3_column_int(st, 6);
	a->marac = sqlite3_column_int(st, 7);
	snprintf(a->criteria, sizeof(a->criteria), "%s",
		 sqlite3_column_text(st, 8) ? (const char *)sqlite3_column_text(st, 8) : "");
	ret = dasv_referral_key(d, referral_id, rk);
	if (ret == DASV_OK)
		ret = dasv_column_open(d, st, 9, rk, "assessments", "answers", a->id, &a->answers);
	if (ret == DASV_OK)
		ret = dasv_column_open(d, st, 10, rk, "assessments", "pj_reason", a->id,
				       &a->pj_reason);
	dasv_wipe(rk, sizeof(rk));
	sqlite3_reset(st);
	if (ret != DASV_OK ||
	    (ret = dasv_audit_append(d, "assessment_open", "referral", referral_id, kind)) != DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) != DASV_OK)
		dasv_assessment_clear(a);
	return ret;
fail:
	dasv_tx_rollback(d);
	dasv_assessment_clear(a);
	return ret;
}

/* ---- recommendation rules ------------------------------------------- */

struct rule_facts {
	unsigned strand, vawg;
	int level, marac, children, age, perp_known, incident_days;
	int needs[DASV_NEED_DOMAINS];
};

static enum dasv_status
rule_facts_load(struct dasv *d, int64_t id, struct rule_facts *rf)
{
	static const char sql[] =
		"SELECT strand, vawg, level, marac, children_count, age_at_referral, "
		"perpetrator_id IS NOT NULL, "
		"CASE WHEN incident_on IS NULL THEN -1 "
		"ELSE julianday(received_on) - julianday(incident_on) END "
		"FROM referrals WHERE id = ?";
	static const char needs[] = "SELECT domain, level FROM needs WHERE referral_id = ?";
	sqlite3_stmt *st = dasv_stmt(d, sql);
	int rc;

	memset(rf, 0, sizeof(*rf));
	if (!st)
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? dasv_set_err(d, DASV_NOTFOUND,
							"referral %lld: no such referral",
							(long long)id)
					 : dasv_db_err(d, rc, "rules");
	}
	rf->strand = (unsigned)sqlite3_column_int(st, 0);
	rf->vawg = (unsigned)sqlite3_column_int(st, 1);
	rf->level = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 2);
	rf->marac = sqlite3_column_int(st, 3);
	rf->children = sqlite3_column_int(st, 4) > 0;
	rf->age = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
	rf->perp_known = sqlite3_column_int(st, 6);
	rf->incident_days = sqlite3_column_int(st, 7);
	sqlite3_reset(st);
	if (!(st = dasv_stmt(d, needs)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i = dasv_code_find(DASV_LIST_NEED_DOMAIN, (const char *)sqlite3_column_text(st, 0));
		if (i >= 0 && i < DASV_NEED_DOMAINS)
			rf->needs[i] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return DASV_OK;
}

/* NULL condition columns match anything. */
static int
rule_matches(sqlite3_stmt *st, const struct rule_facts *rf)
{
#define HAS(col) (sqlite3_column_type(st, (col)) != SQLITE_NULL)
#define INT(col) sqlite3_column_int(st, (col))
	if (HAS(0) && !(rf->strand & (unsigned)INT(0)))
		return 0;
	if (HAS(1) && (rf->level < 0 || rf->level < INT(1)))
		return 0;
	if (HAS(2) && rf->level > INT(2))
		return 0;
	if (HAS(3) && rf->marac != INT(3))
		return 0;
	if (HAS(4) && !(rf->vawg & (unsigned)INT(4)))
		return 0;
	if (HAS(5) && rf->children != INT(5))
		return 0;
	if (HAS(6) && (rf->age < 0 || rf->age > INT(6)))
		return 0;
	if (HAS(7) && rf->perp_known != INT(7))
		return 0;
	if (HAS(8) && (rf->incident_days < 0 || rf->incident_days > INT(8)))
		return 0;
	if (HAS(9)) {
		int i = dasv_code_find(DASV_LIST_NEED_DOMAIN, (const char *)sqlite3_column_text(st, 9));
		if (i < 0 || i >= DASV_NEED_DOMAINS || rf->needs[i] < (HAS(10) ? INT(10) : 1))
			return 0;
	}
	return 1;
#undef HAS
#undef INT
}

static enum dasv_status
recommend_eval(struct dasv *d, int64_t referral_id, struct dasv_recommendation *out)
{
	static const char sql[] =
		"SELECT cond_strand, cond_min_level, cond_max_level, cond_marac, cond_vawg, "
		"cond_children, cond_max_age, cond_perp_known, cond_incident_within, "
		"cond_need_domain, cond_need_min, out_pathway, out_service_type, out_flag, reason "
		"FROM rules WHERE active = 1 ORDER BY priority, id";
	struct rule_facts rf;
	sqlite3_stmt *st;
	enum dasv_status ret;

	memset(out, 0, sizeof(*out));
	if ((ret = rule_facts_load(d, referral_id, &rf)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	while (out->n < DASV_MAX_RECS && sqlite3_step(st) == SQLITE_ROW) {
		const char *svc = (const char *)sqlite3_column_text(st, 12);
		const char *flag = (const char *)sqlite3_column_text(st, 13);
		int dup = 0;

		if (!rule_matches(st, &rf))
			continue;
		/* one item per service type or flag: the highest-priority rule speaks */
		for (int i = 0; i < out->n; i++)
			if ((svc && !strcmp(out->items[i].service_type, svc)) ||
			    (!svc && flag && !strcmp(out->items[i].flag, flag)))
				dup = 1;
		if (dup)
			continue;
		snprintf(out->items[out->n].pathway, sizeof(out->items[0].pathway), "%s",
			 sqlite3_column_text(st, 11) ? (const char *)sqlite3_column_text(st, 11) : "");
		snprintf(out->items[out->n].service_type, sizeof(out->items[0].service_type), "%s",
			 svc ? svc : "");
		snprintf(out->items[out->n].flag, sizeof(out->items[0].flag), "%s", flag ? flag : "");
		snprintf(out->items[out->n].reason, sizeof(out->items[0].reason), "%s",
			 sqlite3_column_text(st, 14));
		out->n++;
	}
	sqlite3_reset(st);
	return DASV_OK;
}

enum dasv_status
dasv_recommend_store(struct dasv *d, int64_t referral_id)
{
	static const char sql[] =
		"UPDATE referrals SET rec_pathway = ?, rec_service_type = ?, rec_reason = ?, "
		"mandatory_reporting = max(mandatory_reporting, ?), sarc = max(sarc, ?), "
		"safeguarding = max(safeguarding, ?) WHERE id = ?";
	struct dasv_recommendation rec;
	char reason[512] = "";
	const char *pathway = NULL, *svc = NULL;
	int mandatory = 0, sarc = 0, safeguarding = 0;
	size_t off = 0;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int rc;

	if ((ret = recommend_eval(d, referral_id, &rec)) != DASV_OK)
		return ret;
	for (int i = 0; i < rec.n; i++) {
		if (!svc && rec.items[i].service_type[0]) {
			svc = rec.items[i].service_type;
			pathway = rec.items[i].pathway;
		}
		if (!pathway && rec.items[i].pathway[0])
			pathway = rec.items[i].pathway;
		mandatory |= !strcmp(rec.items[i].flag, "mandatory_reporting");
		sarc |= !strcmp(rec.items[i].flag, "sarc");
		safeguarding |= !strcmp(rec.items[i].flag, "safeguarding");
	}
	/* the primary reason first, then the flags' reasons */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < rec.n && off < sizeof(reason); i++) {
			int primary = svc && rec.items[i].service_type == svc;
			if ((pass == 0) != primary)
				continue;
			if (pass == 1 && !rec.items[i].flag[0])
				continue;
			off += (size_t)snprintf(reason + off, sizeof(reason) - off, "%s%s",
						off ? "; " : "", rec.items[i].reason);
		}
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	if (pathway)
		sqlite3_bind_text(st, 1, pathway, -1, SQLITE_TRANSIENT);
	if (svc)
		sqlite3_bind_text(st, 2, svc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, mandatory);
	sqlite3_bind_int(st, 5, sarc);
	sqlite3_bind_int(st, 6, safeguarding);
	sqlite3_bind_int64(st, 7, referral_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, "recommendation");
}

enum dasv_status
dasv_recommend(struct dasv *d, int64_t referral_id, struct dasv_recommendation *out)
{
	enum dasv_status ret;

	memset(out, 0, sizeof(*out));
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "recommendation")) != DASV_OK)
		return ret;
	if (!dasv_referral_readable(d, referral_id))
		return dasv_set_err(d, DASV_DENIED,
				    "recommendation: referral %lld is outside your caseload",
				    (long long)referral_id);
	return recommend_eval(d, referral_id, out);
}
