/*
 * alloc.c - services, the risk-ordered queue, caseloads and waiting lists
 * (keyset-paged: never OFFSET, never a whole table), allocation against
 * capacity with working-day contact deadlines, and search by blind index.
 */
#include "referral_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "date.h"


/* ---- services ------------------------------------------------------- */

enum dasv_status
dasv_services_list(struct dasv *d, int active_only, struct dasv_service **out, size_t *n)
{
	static const char sql[] =
		"SELECT s.id, s.name, s.type, s.pathway, s.strand, s.capacity, s.open_cases, "
		"s.contact_days, s.high_contact_days, s.commissioned, s.active, "
		"(SELECT count(*) FROM referrals r WHERE r.service_id = s.id "
		" AND r.waiting_since IS NOT NULL) "
		"FROM services s WHERE s.active = 1 OR ?1 = 0 ORDER BY s.pathway, s.name";
	struct dasv_service *v = NULL, *nv;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st;
	enum dasv_status ret;

	*out = NULL;
	*n = 0;
	if ((ret = dasv_require_unlocked(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	sqlite3_bind_int(st, 1, active_only);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				free(v);
				sqlite3_reset(st);
				return dasv_set_err(d, DASV_NOMEM, "out of memory");
			}
			v = nv;
		}
		struct dasv_service *s = &v[len++];
		memset(s, 0, sizeof(*s));
		s->id = sqlite3_column_int64(st, 0);
		dasv_col_text(s->name, sizeof(s->name), st, 1);
		dasv_col_text(s->type, sizeof(s->type), st, 2);
		dasv_col_text(s->pathway, sizeof(s->pathway), st, 3);
		s->strand = (unsigned)sqlite3_column_int(st, 4);
		s->capacity = sqlite3_column_int(st, 5);
		s->open_cases = sqlite3_column_int(st, 6);
		s->contact_days = sqlite3_column_int(st, 7);
		s->high_contact_days = sqlite3_column_int(st, 8);
		s->commissioned = sqlite3_column_int(st, 9);
		s->active = sqlite3_column_int(st, 10);
		s->waiting = sqlite3_column_int(st, 11);
	}
	sqlite3_reset(st);
	*out = v;
	*n = len;
	return DASV_OK;
}

enum dasv_status
dasv_service_save(struct dasv *d, struct dasv_service *s, struct dasv_field_err *fe)
{
	static const char ins[] =
		"INSERT INTO services(name, type, pathway, strand, capacity, contact_days, "
		"high_contact_days, commissioned, active) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";
	static const char upd[] =
		"UPDATE services SET name = ?1, type = ?2, pathway = ?3, strand = ?4, capacity = ?5, "
		"contact_days = ?6, high_contact_days = ?7, commissioned = ?8, active = ?9 "
		"WHERE id = ?10";
	static const char pw[] = "SELECT 1 FROM pathways WHERE code = ?";
	struct dasv_field_err scratch;
	sqlite3_stmt *st;
	enum dasv_status ret;
	char detail[64];
	int rc, ok;

	if (!fe)
		fe = &scratch;
	memset(fe, 0, sizeof(*fe));
	if ((ret = dasv_require_role(d, DASV_ROLE_BIT(DASV_ROLE_ADMIN), "edit service")) != DASV_OK)
		return ret;
#define BAD(f, m)                                                            \
	do {                                                                 \
		snprintf(fe->field, sizeof(fe->field), "%s", f);             \
		snprintf(fe->msg, sizeof(fe->msg), "%s", m);                 \
		return dasv_set_err(d, DASV_INVALID, "%s: %s", f, m);        \
	} while (0)
	if (!s->name[0])
		BAD("name", "is required");
	if (dasv_code_find(DASV_LIST_SERVICE_TYPE, s->type) < 0)
		BAD("type", "is not a service type code");
	if (s->strand < 1 || s->strand > 3)
		BAD("strand", "choose DA, SV or both");
	if (s->capacity < 0 || s->capacity > 100000)
		BAD("capacity", "must be 0 to 100000 open cases");
	if (s->contact_days < 0 || s->contact_days > 60 || s->high_contact_days < 0 ||
	    s->high_contact_days > 60)
		BAD("contact_days", "must be 0 to 60 working days");
	if (!(st = dasv_stmt(d, pw)))
		return DASV_INTERNAL;
	sqlite3_bind_text(st, 1, s->pathway, -1, SQLITE_TRANSIENT);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!ok)
		BAD("pathway", "is not one of the strategy's pathways (e.g. DA-RISK)");
#undef BAD
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, s->id ? upd : ins))) {
		dasv_tx_rollback(d);
		return DASV_INTERNAL;
	}
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, dasv_codes(DASV_LIST_SERVICE_TYPE, &(size_t){ 0 })
					 [dasv_code_find(DASV_LIST_SERVICE_TYPE, s->type)].code,
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->pathway, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, (int)s->strand);
	sqlite3_bind_int(st, 5, s->capacity);
	sqlite3_bind_int(st, 6, s->contact_days);
	sqlite3_bind_int(st, 7, s->high_contact_days);
	sqlite3_bind_int(st, 8, s->commissioned ? 1 : 0);
	sqlite3_bind_int(st, 9, s->active ? 1 : 0);
	if (s->id)
		sqlite3_bind_int64(st, 10, s->id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = (rc & 0xff) == SQLITE_CONSTRAINT
			      ? dasv_set_err(d, DASV_EXISTS, "name: a service with that name exists")
			      : dasv_db_err(d, rc, "save service");
		dasv_tx_rollback(d);
		return ret;
	}
	if (!s->id)
		s->id = sqlite3_last_insert_rowid(d->db);
	snprintf(detail, sizeof(detail), "capacity=%d active=%d", s->capacity, s->active);
	if ((ret = dasv_audit_append(d, "service_save", "service", s->id, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		return ret;
	}
	return dasv_tx_commit(d);
}

/* ---- rows and paging ------------------------------------------------ */

#define ROW_COLS                                                                          \
	"r.id, r.priority, r.received_on, r.level, r.marac, r.dash_score, r.status, "        \
	"r.district, r.strand, s.name, r.rec_service_type, r.contact_due, r.waiting_since, " \
	"r.safeguarding, r.repeat_victim, r.first_contact_on, r.person_id, p.record_key, "   \
	"p.first_name, p.last_name, r.created_by, r.worker_id"
#define ROW_FROM                                                                           \
	" FROM referrals r JOIN people p ON p.id = r.person_id "                              \
	"LEFT JOIN services s ON s.id = r.service_id "

void
dasv_rows_wipe(struct dasv_row *rows, size_t n)
{
	if (rows)
		dasv_wipe(rows, n * sizeof(*rows));
}

void
dasv_page_key_of(const struct dasv_row *row, struct dasv_page_key *key)
{
	memset(key, 0, sizeof(*key));
	key->valid = 1;
	key->priority = row->priority;
	snprintf(key->key2, sizeof(key->key2), "%s", row->key2);
	key->id = row->id;
}

/* "First Last" for a row, decrypted only when the session may see it. */
static void
row_name(struct dasv *d, sqlite3_stmt *st, struct dasv_row *row, int visible)
{
	unsigned char rk[DASV_KEY_BYTES];
	char *pt = NULL, *first = NULL, *last = NULL;
	size_t len = 0;
	int64_t pid = sqlite3_column_int64(st, 16);

	row->name[0] = '\0';
	if (!visible || !d->keys->has_data)
		return;
	if (sqlite3_column_type(st, 17) == SQLITE_NULL) {
		snprintf(row->name, sizeof(row->name), "(erased)");
		return;
	}
	if (dasv_crypto_open(d->keys->field, "people", "record_key", pid,
			     sqlite3_column_blob(st, 17), (size_t)sqlite3_column_bytes(st, 17), &pt,
			     &len) != DASV_OK ||
	    len != DASV_KEY_BYTES) {
		snprintf(row->name, sizeof(row->name), "(damaged record)");
		goto out;
	}
	memcpy(rk, pt, DASV_KEY_BYTES);
	if (dasv_column_open(d, st, 18, rk, "people", "first_name", pid, &first) != DASV_OK ||
	    dasv_column_open(d, st, 19, rk, "people", "last_name", pid, &last) != DASV_OK)
		snprintf(row->name, sizeof(row->name), "(damaged record)");
	else
		snprintf(row->name, sizeof(row->name), "%s %s", first ? first : "", last ? last : "");
	dasv_wipe(rk, sizeof(rk));
out:
	if (pt) {
		dasv_wipe(pt, len);
		free(pt);
	}
	dasv_str_free(&first);
	dasv_str_free(&last);
}

static void
fill_row(struct dasv *d, sqlite3_stmt *st, struct dasv_row *row, int key2_col, int32_t today)
{
	char t[11];
	int32_t day;

	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, 0);
	row->priority = sqlite3_column_int(st, 1);
	dasv_col_text(row->received_on, sizeof(row->received_on), st, 2);
	row->level = sqlite3_column_type(st, 3) == SQLITE_NULL ? DASV_LEVEL_NONE
							      : sqlite3_column_int(st, 3);
	row->marac = sqlite3_column_int(st, 4);
	row->dash_score = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
	dasv_col_text(row->status, sizeof(row->status), st, 6);
	dasv_col_text(row->district, sizeof(row->district), st, 7);
	row->strand = (unsigned)sqlite3_column_int(st, 8);
	dasv_col_text(row->service_name, sizeof(row->service_name), st, 9);
	dasv_col_text(row->rec_service_type, sizeof(row->rec_service_type), st, 10);
	dasv_col_text(row->contact_due, sizeof(row->contact_due), st, 11);
	dasv_col_text(row->waiting_since, sizeof(row->waiting_since), st, 12);
	row->safeguarding = sqlite3_column_int(st, 13);
	row->repeat_victim = sqlite3_column_int(st, 14);
	dasv_col_text(row->key2, sizeof(row->key2), st, key2_col);
	/* the caseload pages by coalesce(contact_due, '9999-12-31'): the key must match */
	if (key2_col == 11 && !row->key2[0])
		snprintf(row->key2, sizeof(row->key2), "9999-12-31");
	if (dasv_date_parse(row->waiting_since[0] ? row->waiting_since : row->received_on, &day,
			    NULL, 0) == DASV_OK)
		row->days_waiting = today - day;
	dasv_date_format(today, t);
	row->overdue = row->contact_due[0] && sqlite3_column_type(st, 15) == SQLITE_NULL &&
		       strcmp(row->status, "closed") != 0 && strcmp(row->contact_due, t) < 0;
	row_name(d, st, row,
		 d->role != DASV_ROLE_CASEWORKER ||
			 sqlite3_column_int64(st, 20) == d->user_id ||
			 sqlite3_column_int64(st, 21) == d->user_id);
}

/* One SQL text per list and direction; the key bounds are always bound. */
static const char q_fwd[] = "SELECT " ROW_COLS ROW_FROM
	"WHERE r.status IN ('new','triaged') AND r.waiting_since IS NULL AND (r.priority, r.received_on, r.id) > (?1, ?2, ?3) "
	"ORDER BY r.priority, r.received_on, r.id LIMIT ?4";
static const char q_back[] = "SELECT " ROW_COLS ROW_FROM
	"WHERE r.status IN ('new','triaged') AND r.waiting_since IS NULL AND (r.priority, r.received_on, r.id) < (?1, ?2, ?3) "
	"ORDER BY r.priority DESC, r.received_on DESC, r.id DESC LIMIT ?4";
static const char c_fwd[] = "SELECT " ROW_COLS ROW_FROM
	"WHERE r.worker_id = ?5 AND r.status <> 'closed' "
	"AND (r.priority, coalesce(r.contact_due, '9999-12-31'), r.id) > (?1, ?2, ?3) "
	"ORDER BY r.priority, coalesce(r.contact_due, '9999-12-31'), r.id LIMIT ?4";
static const char c_back[] = "SELECT " ROW_COLS ROW_FROM
	"WHERE r.worker_id = ?5 AND r.status <> 'closed' "
	"AND (r.priority, coalesce(r.contact_due, '9999-12-31'), r.id) < (?1, ?2, ?3) "
	"ORDER BY r.priority DESC, coalesce(r.contact_due, '9999-12-31') DESC, r.id DESC LIMIT ?4";
static const char w_fwd[] = "SELECT " ROW_COLS ROW_FROM
	"WHERE r.service_id = ?5 AND r.waiting_since IS NOT NULL "
	"AND (r.priority, r.waiting_since, r.id) > (?1, ?2, ?3) "
	"ORDER BY r.priority, r.waiting_since, r.id LIMIT ?4";
static const char w_back[] = "SELECT " ROW_COLS ROW_FROM
	"WHERE r.service_id = ?5 AND r.waiting_since IS NOT NULL "
	"AND (r.priority, r.waiting_since, r.id) < (?1, ?2, ?3) "
	"ORDER BY r.priority DESC, r.waiting_since DESC, r.id DESC LIMIT ?4";

static const char *const list_names[] = { "queue", "caseload", "waiting" };

enum dasv_status
dasv_page(struct dasv *d, enum dasv_list list, int64_t arg, const struct dasv_page_key *key,
	  int dir, struct dasv_row *rows, size_t max, size_t *n)
{
	const char *sql;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int32_t today = dasv_date_today();
	int key2_col;
	char detail[1024];
	size_t off;

	*n = 0;
	switch (list) {
	case DASV_LIST_QUEUE:
		ret = dasv_require_role(d, DASV_ROLES_SUPERVISE, "allocation queue");
		sql = dir < 0 ? q_back : q_fwd;
		key2_col = 2;
		break;
	case DASV_LIST_CASELOAD:
		ret = dasv_require_role(d, DASV_ROLES_STAFF, "caseload");
		sql = dir < 0 ? c_back : c_fwd;
		arg = d->user_id;
		key2_col = 11;
		break;
	case DASV_LIST_WAITING:
		ret = dasv_require_role(d, DASV_ROLES_SUPERVISE, "waiting list");
		sql = dir < 0 ? w_back : w_fwd;
		key2_col = 12;
		break;
	default:
		return dasv_set_err(d, DASV_USAGE, "unknown list");
	}
	if (ret != DASV_OK || (ret = dasv_keys_current(d)) != DASV_OK)
		return ret;
	if (max == 0)
		return DASV_OK;
	if (!(st = dasv_stmt(d, sql)))
		return DASV_INTERNAL;
	if (key && key->valid) {
		sqlite3_bind_int(st, 1, key->priority);
		sqlite3_bind_text(st, 2, key->key2, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, key->id);
	} else if (dir < 0) {
		/* from the bottom: a key after every row */
		sqlite3_bind_int(st, 1, 1000);
		sqlite3_bind_text(st, 2, "~", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, INT64_MAX);
	} else {
		sqlite3_bind_int(st, 1, -1);
		sqlite3_bind_text(st, 2, "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, 0);
	}
	sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
	sqlite3_bind_int64(st, 5, arg);
	while (*n < max && sqlite3_step(st) == SQLITE_ROW)
		fill_row(d, st, &rows[(*n)++], key2_col, today);
	sqlite3_reset(st);
	if (dir < 0)
		for (size_t i = 0; i < *n / 2; i++) {
			struct dasv_row tmp = rows[i];
			rows[i] = rows[*n - 1 - i];
			rows[*n - 1 - i] = tmp;
		}
	if (*n == 0 || !d->keys->has_data)
		return DASV_OK;
	/* one audit entry per page shown, listing the ids whose names were decrypted */
	off = (size_t)snprintf(detail, sizeof(detail), "ids=");
	for (size_t i = 0; i < *n && off < sizeof(detail) - 24; i++)
		off += (size_t)snprintf(detail + off, sizeof(detail) - off, "%s%lld", i ? "," : "",
					(long long)rows[i].id);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		goto fail;
	if ((ret = dasv_audit_append(d, list_names[list], "referral", 0, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		goto fail;
	}
	if ((ret = dasv_tx_commit(d)) != DASV_OK)
		goto fail;
	return DASV_OK;
fail:
	dasv_rows_wipe(rows, *n);
	*n = 0;
	return ret;
}

enum dasv_status
dasv_list_summary(struct dasv *d, enum dasv_list list, int64_t arg, struct dasv_list_summary *sum)
{
	static const char q[] =
		"SELECT count(*), coalesce(sum(r.priority = 0), 0), 0 FROM referrals r "
		"WHERE r.status IN ('new','triaged') AND r.waiting_since IS NULL AND ?1 = ?1 AND ?2 = ?2";
	static const char c[] =
		"SELECT count(*), coalesce(sum(r.priority = 0), 0), "
		"coalesce(sum(r.contact_due < ?2 AND r.first_contact_on IS NULL), 0) FROM referrals r "
		"WHERE r.worker_id = ?1 AND r.status <> 'closed'";
	static const char w[] =
		"SELECT count(*), coalesce(sum(r.priority = 0), 0), 0 FROM referrals r "
		"WHERE r.service_id = ?1 AND r.waiting_since IS NOT NULL AND ?2 = ?2";
	sqlite3_stmt *st;
	enum dasv_status ret;
	char today[11];
	int rc;

	memset(sum, 0, sizeof(*sum));
	if (list == DASV_LIST_CASELOAD) {
		ret = dasv_require_role(d, DASV_ROLES_STAFF, "caseload");
		arg = d->user_id;
	} else {
		ret = dasv_require_role(d, DASV_ROLES_SUPERVISE,
					list_names[list == DASV_LIST_WAITING ? 2 : 0]);
	}
	if (ret != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, list == DASV_LIST_QUEUE ? q : list == DASV_LIST_CASELOAD ? c : w)))
		return DASV_INTERNAL;
	dasv_date_format(dasv_date_today(), today);
	sqlite3_bind_int64(st, 1, arg);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sum->total = sqlite3_column_int64(st, 0);
		sum->high_marac = sqlite3_column_int64(st, 1);
		sum->overdue = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DASV_OK : dasv_db_err(d, rc, "count");
}

enum dasv_status
dasv_list_count(struct dasv *d, enum dasv_list list, int64_t arg, int64_t *n)
{
	struct dasv_list_summary sum;
	enum dasv_status ret = dasv_list_summary(d, list, arg, &sum);

	*n = sum.total;
	return ret;
}

/* ---- allocation ----------------------------------------------------- */

static enum dasv_status
step_done(struct dasv *d, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DASV_OK : dasv_db_err(d, rc, what);
}

/* End the referral's current allocation, freeing its place if it held one. */
static enum dasv_status
end_allocation(struct dasv *d, int64_t referral_id, const char *today)
{
	static const char free_place[] =
		"UPDATE services SET open_cases = max(open_cases - 1, 0) WHERE id IN "
		"(SELECT service_id FROM allocations WHERE referral_id = ? AND state = 'active')";
	static const char end[] =
		"UPDATE allocations SET state = 'ended', ended_on = ? WHERE referral_id = ? "
		"AND state IN ('active','waiting')";
	sqlite3_stmt *st;
	enum dasv_status ret;

	if (!(st = dasv_stmt(d, free_place)))
		return DASV_INTERNAL;
	sqlite3_bind_int64(st, 1, referral_id);
	if ((ret = step_done(d, st, "allocation")) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, end)))
		return DASV_INTERNAL;
	sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, referral_id);
	return step_done(d, st, "allocation");
}

enum dasv_status
dasv_allocate(struct dasv *d, int64_t referral_id, int64_t service_id, int64_t worker_id,
	      const char *override_reason, int *waiting)
{
	static const char ref[] =
		"SELECT status, level, rec_service_type, person_id FROM referrals WHERE id = ?";
	static const char svc[] =
		"SELECT name, type, capacity, open_cases, contact_days, high_contact_days, active "
		"FROM services WHERE id = ?";
	static const char worker[] =
		"SELECT name FROM users WHERE id = ? AND active = 1 AND role IN ('caseworker','supervisor')";
	static const char ins[] =
		"INSERT INTO allocations(referral_id, service_id, worker_id, state, allocated_on, "
		"allocated_by, due_on, overridden) VALUES (?,?,?,?,?,?,?,?)";
	static const char seal[] = "UPDATE allocations SET override_reason = ? WHERE id = ?";
	static const char to_wait[] =
		"UPDATE referrals SET service_id = ?2, worker_id = NULL, waiting_since = ?3, "
		"allocated_on = NULL, contact_due = NULL, status = CASE status WHEN 'new' THEN "
		"'triaged' ELSE status END WHERE id = ?1";
	static const char to_active[] =
		"UPDATE referrals SET service_id = ?2, worker_id = ?3, waiting_since = NULL, "
		"allocated_on = ?4, contact_due = ?5, status = 'allocated' WHERE id = ?1";
	static const char take_place[] = "UPDATE services SET open_cases = open_cases + 1 WHERE id = ?";
	char status[DASV_CODE_MAX] = "", rec[DASV_CODE_MAX] = "", type[DASV_CODE_MAX] = "";
	char sname[64] = "", wname[DASV_NAME_MAX] = "", today[11], due[11], detail[160], body[200];
	int level = -1, capacity = 0, open = 0, days = 0, hdays = 0, active = 0, overridden, full;
	unsigned char rk[DASV_KEY_BYTES];
	sqlite3_stmt *st;
	enum dasv_status ret;
	int64_t aid;
	int32_t t = dasv_date_today();

	*waiting = 0;
	if ((ret = dasv_require_role(d, DASV_ROLES_SUPERVISE, "allocate")) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	dasv_date_format(t, today);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		return ret;
	if (!(st = dasv_stmt(d, ref))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		ret = dasv_set_err(d, DASV_NOTFOUND, "referral %lld: no such referral",
				   (long long)referral_id);
		goto fail;
	}
	dasv_col_text(status, sizeof(status), st, 0);
	level = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 1);
	dasv_col_text(rec, sizeof(rec), st, 2);
	sqlite3_reset(st);
	if (!strcmp(status, "closed")) {
		ret = dasv_set_err(d, DASV_INVALID, "referral %lld is closed", (long long)referral_id);
		goto fail;
	}
	if (!(st = dasv_stmt(d, svc))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, service_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		ret = dasv_set_err(d, DASV_NOTFOUND, "service: no service with id %lld",
				   (long long)service_id);
		goto fail;
	}
	dasv_col_text(sname, sizeof(sname), st, 0);
	dasv_col_text(type, sizeof(type), st, 1);
	capacity = sqlite3_column_int(st, 2);
	open = sqlite3_column_int(st, 3);
	days = sqlite3_column_int(st, 4);
	hdays = sqlite3_column_int(st, 5);
	active = sqlite3_column_int(st, 6);
	sqlite3_reset(st);
	if (!active) {
		ret = dasv_set_err(d, DASV_INVALID, "service: %s is not active", sname);
		goto fail;
	}
	overridden = strcmp(type, rec) != 0;
	if (overridden && dasv_blank(override_reason)) {
		ret = dasv_set_err(d, DASV_INVALID,
				   "override_reason: required, because the recommendation is %s "
				   "and %s is a %s service",
				   rec[0] ? dasv_code_label(DASV_LIST_SERVICE_TYPE, rec) : "none yet",
				   sname, dasv_code_label(DASV_LIST_SERVICE_TYPE, type));
		goto fail;
	}
	if (worker_id) {
		if (!(st = dasv_stmt(d, worker))) {
			ret = DASV_INTERNAL;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, worker_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			dasv_col_text(wname, sizeof(wname), st, 0);
		sqlite3_reset(st);
		if (!wname[0]) {
			ret = dasv_set_err(d, DASV_INVALID,
					   "worker: no active caseworker with id %lld",
					   (long long)worker_id);
			goto fail;
		}
	}
	if ((ret = end_allocation(d, referral_id, today)) != DASV_OK)
		goto fail;
	/* re-read the count: ending this referral's own allocation may have freed a place */
	if (!(st = dasv_stmt(d, svc))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, service_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		open = sqlite3_column_int(st, 3);
	sqlite3_reset(st);
	full = open >= capacity;
	dasv_date_format(dasv_date_add_working_days(t, level == DASV_LEVEL_HIGH ? hdays : days), due);
	if (!(st = dasv_stmt(d, ins))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_int64(st, 2, service_id);
	if (worker_id)
		sqlite3_bind_int64(st, 3, worker_id);
	sqlite3_bind_text(st, 4, full ? "waiting" : "active", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, today, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, d->user_id);
	if (!full)
		sqlite3_bind_text(st, 7, due, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 8, overridden);
	if ((ret = step_done(d, st, "allocate")) != DASV_OK)
		goto fail;
	aid = sqlite3_last_insert_rowid(d->db);
	if (overridden) {
		if ((ret = dasv_referral_key(d, referral_id, rk)) != DASV_OK)
			goto fail;
		if (!(st = dasv_stmt(d, seal))) {
			dasv_wipe(rk, sizeof(rk));
			ret = DASV_INTERNAL;
			goto fail;
		}
		ret = dasv_bind_sealed(d, st, 1, rk, "allocations", "override_reason", aid,
				       override_reason);
		dasv_wipe(rk, sizeof(rk));
		if (ret != DASV_OK) {
			sqlite3_reset(st);
			goto fail;
		}
		sqlite3_bind_int64(st, 2, aid);
		if ((ret = step_done(d, st, "allocate")) != DASV_OK)
			goto fail;
	}
	if (!(st = dasv_stmt(d, full ? to_wait : to_active))) {
		ret = DASV_INTERNAL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, referral_id);
	sqlite3_bind_int64(st, 2, service_id);
	if (full) {
		sqlite3_bind_text(st, 3, today, -1, SQLITE_TRANSIENT);
	} else {
		if (worker_id)
			sqlite3_bind_int64(st, 3, worker_id);
		sqlite3_bind_text(st, 4, today, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, due, -1, SQLITE_TRANSIENT);
	}
	if ((ret = step_done(d, st, "allocate")) != DASV_OK)
		goto fail;
	if (!full) {
		if (!(st = dasv_stmt(d, take_place))) {
			ret = DASV_INTERNAL;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, service_id);
		if ((ret = step_done(d, st, "allocate")) != DASV_OK)
			goto fail;
	}
	if (full)
		snprintf(body, sizeof(body), "Waiting list: %s is full (%d of %d)", sname, open,
			 capacity);
	else
		snprintf(body, sizeof(body), "Allocated to %s%s%s; first contact due %s", sname,
			 wname[0] ? ", caseworker " : "", wname, due);
	if ((ret = dasv_event_add(d, referral_id, "allocation", body)) != DASV_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "service=%lld worker=%lld waiting=%d override=%d",
		 (long long)service_id, (long long)worker_id, full, overridden);
	if ((ret = dasv_audit_append(d, "allocate", "referral", referral_id, detail)) != DASV_OK)
		goto fail;
	if ((ret = dasv_tx_commit(d)) == DASV_OK)
		*waiting = full;
	return ret;
fail:
	dasv_tx_rollback(d);
	return ret;
}

enum dasv_status
dasv_workers_list(struct dasv *d, struct dasv_user **out, size_t *n)
{
	struct dasv_user *all = NULL;
	size_t len = 0, k = 0;
	enum dasv_status ret;

	*out = NULL;
	*n = 0;
	if ((ret = dasv_require_role(d, DASV_ROLES_SUPERVISE, "caseworkers")) != DASV_OK)
		return ret;
	if ((ret = dasv_user_list(d, &all, &len)) != DASV_OK)
		return ret;
	for (size_t i = 0; i < len; i++)
		if (all[i].active && all[i].role == DASV_ROLE_CASEWORKER)
			all[k++] = all[i];
	*out = all;
	*n = k;
	return DASV_OK;
}

/* ---- search --------------------------------------------------------- */

enum dasv_status
dasv_search(struct dasv *d, const char *kind, const char *a, const char *b, struct dasv_row *rows,
	    size_t max, size_t *n)
{
	static const char by_id[] = "SELECT " ROW_COLS ROW_FROM "WHERE r.id = ?1 LIMIT ?2";
	static const char by_name[] = "SELECT " ROW_COLS ROW_FROM
		"WHERE p.bi_name_dob = ?1 ORDER BY r.received_on DESC, r.id DESC LIMIT ?2";
	static const char by_phone[] = "SELECT " ROW_COLS ROW_FROM
		"WHERE p.bi_phone = ?1 ORDER BY r.received_on DESC, r.id DESC LIMIT ?2";
	static const char by_postcode[] = "SELECT " ROW_COLS ROW_FROM
		"WHERE p.bi_postcode = ?1 ORDER BY r.received_on DESC, r.id DESC LIMIT ?2";
	unsigned char bi[DASV_BLIND_BYTES];
	char norm[512], v[600], detail[1024];
	const char *sql;
	sqlite3_stmt *st;
	enum dasv_status ret;
	int32_t today = dasv_date_today(), day;
	size_t off;

	*n = 0;
	if ((ret = dasv_require_role(d, DASV_ROLES_STAFF, "search")) != DASV_OK ||
	    (ret = dasv_require_data_key(d)) != DASV_OK)
		return ret;
	if (dasv_blank(a))
		return dasv_set_err(d, DASV_INVALID, "search: type something to search for");
	if (!strcmp(kind, "id")) {
		char *end = NULL;
		long long id = strtoll(a, &end, 10);
		if (*end || id <= 0)
			return dasv_set_err(d, DASV_INVALID, "referral id: must be a number");
		sql = by_id;
		if (!(st = dasv_stmt(d, sql)))
			return DASV_INTERNAL;
		sqlite3_bind_int64(st, 1, id);
	} else {
		if (!strcmp(kind, "name_dob")) {
			if (dasv_date_parse(b ? b : "", &day, NULL, 0) != DASV_OK)
				return dasv_set_err(d, DASV_INVALID,
						    "date of birth: expected YYYY-MM-DD");
			dasv_normalise_name(a, norm, sizeof(norm));
			snprintf(v, sizeof(v), "%s|%s", norm, b);
			dasv_blind(d->keys->blind, "name_dob", v, bi);
			sql = by_name;
		} else if (!strcmp(kind, "phone")) {
			dasv_normalise_phone(a, norm, sizeof(norm));
			dasv_blind(d->keys->blind, "phone", norm, bi);
			sql = by_phone;
		} else if (!strcmp(kind, "postcode")) {
			dasv_normalise_postcode(a, norm, sizeof(norm));
			dasv_blind(d->keys->blind, "postcode", norm, bi);
			sql = by_postcode;
		} else {
			return dasv_set_err(d, DASV_USAGE, "search: unknown kind");
		}
		dasv_wipe(norm, sizeof(norm));
		dasv_wipe(v, sizeof(v));
		if (!(st = dasv_stmt(d, sql)))
			return DASV_INTERNAL;
		sqlite3_bind_blob(st, 1, bi, DASV_BLIND_BYTES, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && sqlite3_step(st) == SQLITE_ROW)
		fill_row(d, st, &rows[(*n)++], 2, today);
	sqlite3_reset(st);
	off = (size_t)snprintf(detail, sizeof(detail), "by=%s ids=", kind);
	for (size_t i = 0; i < *n && off < sizeof(detail) - 24; i++)
		off += (size_t)snprintf(detail + off, sizeof(detail) - off, "%s%lld", i ? "," : "",
					(long long)rows[i].id);
	if ((ret = dasv_tx_begin(d)) != DASV_OK)
		goto fail;
	if ((ret = dasv_audit_append(d, "search", "referral", 0, detail)) != DASV_OK) {
		dasv_tx_rollback(d);
		goto fail;
	}
	if ((ret = dasv_tx_commit(d)) == DASV_OK)
		return DASV_OK;
fail:
	dasv_rows_wipe(rows, *n);
	*n = 0;
	return ret;
}
