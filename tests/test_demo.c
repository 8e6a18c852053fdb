/*
 * test_demo.c - the synthetic demo database (core/demo.c).
 *
 * Refusals first (an existing file, a silly size), then one ~200-referral
 * demo per test: its users and published passphrases, the DEMO flag, a
 * realistic mix, an intact audit chain, and no invented name in clear.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "demo.h"
#include "helpers.h"
#include "io.h"
#include "referral_fixtures.h"

#define N_DEMO 200

static struct th T;

static void
setup(void)
{
	char err[256];

	fx_today("2026-06-15");
	cr_assert_eq(dasv_process_init(err, sizeof(err)), DASV_OK, "%s", err);
	snprintf(T.dir, sizeof(T.dir), "/tmp/dasv-test-XXXXXX");
	cr_assert_not_null(mkdtemp(T.dir));
	snprintf(T.path, sizeof(T.path), "%s/demo.db", T.dir);
	T.d = NULL;
}

static void
teardown(void)
{
	th_teardown(&T);
}

TestSuite(demo, .init = setup, .fini = teardown);

static void
make_demo(int n, uint32_t seed)
{
	enum dasv_status st = dasv_demo_create(T.path, n, seed, &T.d);

	cr_assert_eq(st, DASV_OK, "demo: %s", dasv_errmsg(T.d));
	cr_assert_not_null(T.d);
	cr_assert_not(dasv_is_unlocked(T.d), "the demo handle is returned locked");
}

static double
share(const char *sql)
{
	return (double)fx_sql_int(T.path, sql, 0) / (double)N_DEMO;
}

/* ---- refusals ---------------------------------------------------------- */

Test(demo, refuses_an_existing_file_and_leaves_it_alone)
{
	FILE *f = fopen(T.path, "w");
	char buf[32] = "";

	cr_assert_not_null(f);
	fputs("precious", f);
	fclose(f);
	cr_assert_eq(dasv_demo_create(T.path, 10, 1, &T.d), DASV_EXISTS);
	cr_assert(strstr(dasv_errmsg(T.d), "already exists"), "%s", dasv_errmsg(T.d));
	f = fopen(T.path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_assert_str_eq(buf, "precious");
	cr_assert_eq(dasv_status_exit_code(DASV_EXISTS), 73);
}

Test(demo, refuses_a_negative_or_huge_size_without_creating_a_file)
{
	cr_assert_eq(dasv_demo_create(T.path, -1, 1, &T.d), DASV_USAGE);
	dasv_close(&T.d);
	cr_assert_eq(dasv_demo_create(T.path, DASV_DEMO_MAX_REFERRALS + 1, 1, &T.d), DASV_USAGE);
	cr_assert_eq(access(T.path, F_OK), -1, "a refused demo left a file");
}

Test(demo, passphrases_are_long_enough_and_distinct)
{
	size_t n = 0;
	const struct dasv_demo_user *u = dasv_demo_users(&n);

	cr_assert_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		cr_assert_geq(strlen(u[i].pass), DASV_MIN_PASSPHRASE, "%s", u[i].name);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(u[i].pass, u[j].pass);
	}
	cr_assert_str_eq(u[0].name, "admin");
	cr_assert_eq(u[0].role, DASV_ROLE_ADMIN);
}

/* ---- a demo database --------------------------------------------------- */

Test(demo, users_unlock_with_the_documented_passphrases)
{
	size_t n = 0;
	const struct dasv_demo_user *u = dasv_demo_users(&n);

	make_demo(N_DEMO, DASV_DEMO_DEFAULT_SEED);
	cr_assert(dasv_is_demo(T.d), "the demo flag is set");
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(dasv_unlock(T.d, u[i].name, u[i].pass), DASV_OK, "%s: %s", u[i].name,
			     dasv_errmsg(T.d));
		cr_assert_eq(dasv_session_role(T.d), u[i].role, "%s", u[i].name);
		cr_assert_eq(dasv_session_holds_data_key(T.d), u[i].role != DASV_ROLE_AUDITOR);
	}
	cr_assert_eq(dasv_unlock(T.d, "supervisor", DASV_DEMO_ADMIN_PASS), DASV_AUTH);
	/* the documented constants are what dasv_demo_users hands out */
	cr_assert_str_eq(u[1].pass, DASV_DEMO_SUPERVISOR_PASS);
	cr_assert_str_eq(u[2].pass, DASV_DEMO_CASEWORKER_PASS);
	cr_assert_str_eq(u[3].pass, DASV_DEMO_CASEWORKER2_PASS);
	cr_assert_str_eq(u[4].pass, DASV_DEMO_AUDITOR_PASS);
	cr_assert_str_eq(u[4].name, "auditor");
}

Test(demo, the_mix_is_roughly_as_designed)
{
	double high, med, std, marac, kids, alloc;

	make_demo(N_DEMO, DASV_DEMO_DEFAULT_SEED);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM referrals", 0), N_DEMO);
	high = share("SELECT count(*) FROM referrals WHERE level = 2");
	med = share("SELECT count(*) FROM referrals WHERE level = 1");
	std = share("SELECT count(*) FROM referrals WHERE level = 0");
	marac = share("SELECT count(*) FROM referrals WHERE marac = 1");
	kids = share("SELECT count(*) FROM referrals WHERE children_count > 0");
	alloc = share("SELECT count(*) FROM referrals WHERE service_id IS NOT NULL");
	cr_assert(high > 0.07 && high < 0.25, "high %.2f", high);
	cr_assert(med > 0.18 && med < 0.42, "medium %.2f", med);
	cr_assert(std > 0.40 && std < 0.70, "standard %.2f", std);
	cr_assert(high + med + std > 0.97, "nearly every referral assessed");
	cr_assert(marac > 0.04 && marac < 0.18, "marac %.2f", marac);
	cr_assert(kids > 0.33 && kids < 0.57, "children %.2f", kids);
	cr_assert(alloc > 0.55 && alloc < 0.85, "allocated %.2f", alloc);
	/* both strands, every district, the rarer harms, repeat victims, closures */
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(*) FROM referrals WHERE strand & 2", 0), 10);
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(*) FROM referrals WHERE strand & 1", 0), 100);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(DISTINCT district) FROM referrals", 0), 7);
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(*) FROM referrals WHERE repeat_victim", 0), 5);
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(*) FROM referrals WHERE vawg & 16", 0), 5);
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(*) FROM outcomes", 0), 40);
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(DISTINCT reason) FROM outcomes", 0), 2);
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(*) FROM case_events "
					"WHERE kind LIKE 'contact%'", 0),
		     40);
	/* two years of referrals, none in the future */
	char lo[11], hi[11];
	fx_sql_text(T.path, "SELECT min(received_on) FROM referrals", 0, lo, sizeof(lo));
	fx_sql_text(T.path, "SELECT max(received_on) FROM referrals", 0, hi, sizeof(hi));
	cr_assert(strcmp(lo, "2024-06-15") >= 0 && strcmp(lo, "2024-10-01") < 0, "%s", lo);
	cr_assert(strcmp(hi, "2026-06-15") <= 0 && strcmp(hi, "2026-04-01") > 0, "%s", hi);
}

Test(demo, the_audit_chain_verifies_and_the_bulk_is_one_entry)
{
	struct dasv_audit_result res;

	make_demo(N_DEMO, DASV_DEMO_DEFAULT_SEED);
	cr_assert_eq(dasv_unlock(T.d, "auditor", DASV_DEMO_AUDITOR_PASS), DASV_OK);
	cr_assert_eq(dasv_audit_verify(T.d, &res), DASV_OK, "%s", dasv_errmsg(T.d));
	cr_assert_eq(res.first_bad_id, 0, "%s", res.reason);
	cr_assert_gt(res.entries, N_DEMO);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM audit_log "
					"WHERE action = 'demo_create'", 0),
		     1);
	cr_assert(fx_audit_mentions(&T, "count=200 first=1 last=200"));
	/* the casework after the bulk went through the audited calls */
	cr_assert_gt(fx_sql_int(T.path, "SELECT count(*) FROM audit_log WHERE action = 'allocate'",
				0),
		     50);
}

Test(demo, no_invented_name_is_in_clear_in_the_file)
{
	struct dasv_export_result er;
	struct dasv_csv_reader *r = NULL;
	char out[200], **fields, err[200];
	size_t n;
	FILE *f;
	int checked = 0, marker = 0, phones = 0, last = -1, phone = -1, rec = 0;

	make_demo(N_DEMO, DASV_DEMO_DEFAULT_SEED);
	cr_assert_eq(dasv_unlock(T.d, "admin", DASV_DEMO_ADMIN_PASS), DASV_OK);
	snprintf(out, sizeof(out), "%s/all.csv", T.dir);
	f = fopen(out, "w");
	cr_assert_eq(dasv_export_csv(T.d, f, &er), DASV_OK, "%s", dasv_errmsg(T.d));
	fclose(f);
	cr_assert_eq(er.exported, N_DEMO);
	dasv_close(&T.d); /* checkpoint the WAL into the file */

	cr_assert_not(fx_db_contains(&T, DASV_DEMO_MARKER_LAST));
	cr_assert_not(fx_db_contains(&T, "07700 900"));
	cr_assert_not(fx_db_contains(&T, "never leave a voicemail"));
	cr_assert_not(fx_db_contains(&T, "@example.org"));
	/* every surname of the export (the database did hold them) is absent in clear */
	f = fopen(out, "r");
	cr_assert_eq(dasv_csv_reader_new(f, &r), DASV_OK);
	while (dasv_csv_next(r, &fields, &n, err, sizeof(err)) == DASV_OK) {
		if (rec++ == 0) {
			last = dasv_csv_header_index(fields, n, "last_name");
			phone = dasv_csv_header_index(fields, n, "phone");
			cr_assert_geq(last, 0);
			cr_assert_geq(phone, 0);
			continue;
		}
		marker += strcmp(fields[last], DASV_DEMO_MARKER_LAST) == 0;
		phones += strncmp(fields[phone], "07700 900", 9) == 0;
		if (strlen(fields[last]) >= 6 && checked < 40) {
			cr_assert_not(fx_db_contains(&T, fields[last]), "surname %s in clear",
				      fields[last]);
			checked++;
		}
	}
	dasv_csv_reader_free(&r);
	fclose(f);
	cr_assert_eq(marker, 2, "the marker person and her repeat referral");
	cr_assert_gt(phones, 10);
	cr_assert_gt(checked, 20);
}

Test(demo, the_same_seed_gives_the_same_referrals)
{
	char a[65536], b[65536];
	static const char sql[] =
		"SELECT group_concat(received_on || strand || vawg || district || ifnull(level, '-') "
		"|| marac || children_count, ';') FROM (SELECT * FROM referrals ORDER BY id)";

	make_demo(60, 42);
	dasv_close(&T.d);
	fx_sql_text(T.path, sql, 0, a, sizeof(a));
	th_rmdir(T.dir);
	cr_assert_not_null(mkdtemp(strcpy(T.dir, "/tmp/dasv-test-XXXXXX")));
	snprintf(T.path, sizeof(T.path), "%s/demo.db", T.dir);
	make_demo(60, 42);
	fx_sql_text(T.path, sql, 0, b, sizeof(b));
	cr_assert_str_eq(a, b);
	cr_assert_gt(strlen(a), 600);
	dasv_close(&T.d);
	th_rmdir(T.dir);
	cr_assert_not_null(mkdtemp(strcpy(T.dir, "/tmp/dasv-test-XXXXXX")));
	snprintf(T.path, sizeof(T.path), "%s/demo.db", T.dir);
	make_demo(60, 43);
	fx_sql_text(T.path, sql, 0, b, sizeof(b));
	cr_assert_str_neq(a, b, "another seed, another database");
}

Test(demo, does_not_disturb_the_callers_today)
{
	make_demo(30, 7);
	cr_assert_str_eq(getenv("DASV_TODAY"), "2026-06-15");
}

Test(demo, caseworkers_see_only_what_is_allocated_to_them)
{
	struct dasv_export_result er;
	int64_t mine, id;
	FILE *f;

	make_demo(N_DEMO, DASV_DEMO_DEFAULT_SEED);
	id = fx_sql_int(T.path, "SELECT id FROM users WHERE name = 'caseworker'", 0);
	mine = fx_sql_int(T.path, "SELECT count(*) FROM referrals WHERE worker_id = ?", id);
	cr_assert_gt(mine, 5);
	cr_assert_lt(mine, N_DEMO / 2);
	cr_assert_eq(dasv_unlock(T.d, "caseworker", DASV_DEMO_CASEWORKER_PASS), DASV_OK);
	f = tmpfile();
	cr_assert_eq(dasv_export_csv(T.d, f, &er), DASV_OK, "%s", dasv_errmsg(T.d));
	fclose(f);
	cr_assert_eq(er.exported, mine);
}

Test(demo, an_empty_demo_is_still_a_demo)
{
	make_demo(0, 1);
	cr_assert(dasv_is_demo(T.d));
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM referrals", 0), 0);
	cr_assert_eq(fx_sql_int(T.path, "SELECT count(*) FROM users", 0), 5);
}
