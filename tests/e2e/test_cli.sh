#!/usr/bin/env bash
# tests/e2e/test_cli.sh - the dasv command line from a script: init, users,
# demo, queue, import, export, referral show and audit verify, checking exit
# codes and messages.  Passphrases go in on --passphrase-fd, as a script or a
# ForceCommand wrapper would give them.  Prints PASS:/FAIL: lines (run.sh
# counts them).  Uses $DASV as the binary.
set -u
DASV=${DASV:-build/dasv}
. "$(dirname "$0")/lib.sh"
export DASV_TODAY=2026-06-15 TZ=UTC

W="$E2E_DIR/cli"
mkdir -p "$W"
ADMIN_PASS="admin passphrase for e2e"
CW_PASS="caseworker passphrase"
DEMO="$W/demo.db"
H='received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,children_count,dash_answers,notes'

# run CMD... with its exit status in $rc and its stderr in $W/err
run() {
	rc=0
	"$@" 2>"$W/err" || rc=$?
}

expect_rc() {
	if [ "$rc" -ne "$1" ]; then
		echo "expected exit $1, got $rc; stderr:" >&2
		cat "$W/err" >&2
		return 1
	fi
}

as() { # as USER PASS ARGS...: run dasv as USER on the small database
	local u=$1 p=$2
	shift 2
	"$DASV" --db "$W/t.db" --user "$u" --passphrase-fd 3 "$@" 3<<<"$p"
}

demo_as() {
	local u=$1 p=$2
	shift 2
	"$DASV" --db "$DEMO" --user "$u" --passphrase-fd 3 "$@" 3<<<"$p"
}

t_help_lists_exit_codes() {
	"$DASV" --help >"$W/out"
	grep -q '^exit codes:' "$W/out"
	grep -q '65 bad data' "$W/out"
	grep -q '77 wrong passphrase or not permitted' "$W/out"
	grep -q 'import FILE.csv' "$W/out"
	grep -q 'export \[--out FILE' "$W/out"
	grep -q 'referral show ID' "$W/out"
	grep -q 'queue \[--limit N\]' "$W/out"
	grep -q 'demo \[--referrals N\]' "$W/out"
}

t_init_and_user_add_from_a_script() {
	"$DASV" --db "$W/t.db" --new-passphrase-fd 3 init --admin boss 3<<<"$ADMIN_PASS" >"$W/out"
	grep -q "created .*t.db with admin 'boss'" "$W/out"
	[ "$(stat -c %a "$W/t.db")" = 600 ]
	"$DASV" --db "$W/t.db" --user boss --passphrase-fd 3 --new-passphrase-fd 4 \
		user add casey --role caseworker 3<<<"$ADMIN_PASS" 4<<<"$CW_PASS" >"$W/out"
	grep -q 'added casey (caseworker)' "$W/out"
	"$DASV" --db "$W/t.db" --user boss --passphrase-fd 3 --new-passphrase-fd 4 \
		user add audra --role auditor 3<<<"$ADMIN_PASS" 4<<<"auditor passphrase" >/dev/null
	as casey "$CW_PASS" user list >"$W/out"
	grep -q '^casey  *caseworker  *active' "$W/out"
	# init refuses to overwrite
	run "$DASV" --db "$W/t.db" --new-passphrase-fd 3 init --admin boss 3<<<"$ADMIN_PASS"
	expect_rc 73
}

t_wrong_passphrase_exits_77() {
	run as boss "not the passphrase" user list
	expect_rc 77
	grep -q 'dasv: wrong user name or passphrase' "$W/err"
	run as nobody "$ADMIN_PASS" user list
	expect_rc 77
	grep -q 'dasv: wrong user name or passphrase' "$W/err"
}

t_missing_database_exits_66() {
	run "$DASV" --db "$W/none.db" --user boss --passphrase-fd 3 queue 3<<<"$ADMIN_PASS"
	expect_rc 66
	grep -q 'no database at' "$W/err"
}

t_usage_errors_exit_64() {
	run as boss "$ADMIN_PASS" import
	expect_rc 64
	run as boss "$ADMIN_PASS" referral show abc
	expect_rc 64
	run as boss "$ADMIN_PASS" queue --limit 0
	expect_rc 64
	run as boss "$ADMIN_PASS" export --force
	expect_rc 64
}

t_import_of_a_bad_file_exits_65_and_names_line_and_column() {
	{
		echo "$H"
		echo '2026-06-01,police,DA,domestic_abuse,cambridge,Ann,Lee,1990-01-01,,,,,partner,0,,'
		echo '2026-06-02,police,DA,domestic_abuse,atlantis,Quennell,Smith,1991-01-01,,,,,partner,0,,'
	} >"$W/bad.csv"
	run as casey "$CW_PASS" import "$W/bad.csv"
	expect_rc 65
	grep -q 'line 3, column 5 (district): unknown code' "$W/err"
	grep -q 'nothing was imported' "$W/err"
	! grep -q 'Quennell' "$W/err"
	printf 'received_on,source\n2026-06-01,police\n' >"$W/short.csv"
	run as casey "$CW_PASS" import "$W/short.csv"
	expect_rc 65
	grep -q 'missing required columns strand, vawg_types, district' "$W/err"
	run as casey "$CW_PASS" import "$W/does-not-exist.csv"
	expect_rc 66
	# and nothing from the bad file is there
	as casey "$CW_PASS" export --out "$W/after-bad.csv" >/dev/null
	[ "$(wc -l <"$W/after-bad.csv")" -eq 1 ]
}

t_import_export_round_trip() {
	{
		echo "$H"
		echo '2026-06-01,police,DA,domestic_abuse,cambridge,Zoë,"O'"'"'Brien",1990-01-01,07700 900001,CB1 2AB,"Text first, ""never"" call",Tom Lee,partner,1,YYYYYYYYYYYYYYNNNNNNNNNN,"two
lines"'
		echo '2026-06-03,self,SV,sexual_violence,peterborough,محمد,حسين,1985-05-05,,PE1 1AA,,,stranger,0,,'
		echo '2026-06-04,health,DA,domestic_abuse,cambridge,zoë,"  o'"'"'brien ",1990-01-01,07700 900001,,"Text first, ""never"" call",,partner,0,,'
	} >"$W/good.csv"
	as casey "$CW_PASS" import "$W/good.csv" >"$W/out"
	grep -q 'imported 3 referrals (ids 1-3); 1 linked to earlier referrals' "$W/out"
	as casey "$CW_PASS" export --out "$W/x1.csv" >"$W/out"
	grep -q 'exported 3 referrals (ids 1-3)' "$W/out"
	[ "$(stat -c %a "$W/x1.csv")" = 600 ]
	grep -q 'Text first, ""never"" call' "$W/x1.csv"
	# never over an existing file without --force
	run as casey "$CW_PASS" export --out "$W/x1.csv"
	expect_rc 73
	grep -q 'already exists' "$W/err"
	chmod 644 "$W/x1.csv"
	as casey "$CW_PASS" export --out "$W/x1.csv" --force >/dev/null
	[ "$(stat -c %a "$W/x1.csv")" = 600 ]
	# into a second database and out again: the same but for the ids
	"$DASV" --db "$W/t2.db" --new-passphrase-fd 3 init --admin boss 3<<<"$ADMIN_PASS" >/dev/null
	"$DASV" --db "$W/t2.db" --user boss --passphrase-fd 3 import "$W/x1.csv" 3<<<"$ADMIN_PASS" >/dev/null
	"$DASV" --db "$W/t2.db" --user boss --passphrase-fd 3 export 3<<<"$ADMIN_PASS" >"$W/x2.csv" 2>/dev/null
	diff <(cut -d, -f2- "$W/x1.csv") <(cut -d, -f2- "$W/x2.csv")
}

t_auditor_cannot_import_or_export() {
	run as audra "auditor passphrase" export --out "$W/audit.csv"
	expect_rc 77
	[ ! -e "$W/audit.csv" ]
	run as audra "auditor passphrase" import "$W/good.csv"
	expect_rc 77
}

t_export_refuses_a_terminal() {
	# script(1) gives the command a terminal as its standard output
	rc=0
	script -qec "$(printf '%q ' "$DASV" --db "$W/t.db" --user casey export)" /dev/null \
		>"$W/out" 2>&1 </dev/null || rc=$?
	expect_rc 64
	grep -q "export: not to a terminal (survivors' details): use --out FILE" "$W/out"
}

t_demo_refuses_an_existing_file() {
	run "$DASV" --db "$W/t.db" demo --referrals 5
	expect_rc 73
	grep -q 'already exists' "$W/err"
}

t_demo_then_queue_shows_high_first() {
	"$DASV" --db "$DEMO" demo --referrals 150 --seed 7 >"$W/out"
	grep -q 'created demo database .* with 150 synthetic referrals' "$W/out"
	grep -q '^  supervisor   supervisor  demo-super-pass$' "$W/out"
	grep -q '^  auditor      auditor     demo-audit-pass$' "$W/out"
	# a standard and a high-risk referral come in today, the standard one first
	{
		echo "$H"
		echo '2026-06-15,police,DA,domestic_abuse,fenland,Ann,Standardcase,1990-01-01,,,,,partner,0,YNNNNNNNNNNNNNNNNNNNNNNN,'
		echo '2026-06-15,police,DA,domestic_abuse,fenland,Bea,Highcase,1991-01-01,,,,,partner,0,YYYYYYYYYYYYYYYYNNNNNNNN,'
	} >"$W/new.csv"
	demo_as supervisor demo-super-pass import "$W/new.csv" >"$W/out"
	grep -q 'imported 2 referrals (ids 151-152)' "$W/out"
	demo_as supervisor demo-super-pass queue --limit 40 >"$W/q"
	head -n 1 "$W/q" | grep -q '^ID  *RECEIVED  *LEVEL  *MARAC  *DAYS  *DISTRICT  *RECOMMENDED  *NAME'
	sed -n 2p "$W/q" | grep -q ' HIGH '
	grep -q '^152  *2026-06-15 HIGH  MARAC .* Bea Highcase$' "$W/q"
	grep -q '^151  *2026-06-15 STD .* Ann Standardcase$' "$W/q"
	# levels never go back up the list: HIGH, then MED, then STD
	awk 'NR > 1 && $2 ~ /^[0-9][0-9][0-9][0-9]-/ { print $3 }' "$W/q" | uniq >"$W/levels"
	tr '\n' ' ' <"$W/levels" | grep -Eq '^(HIGH )+(MED )*(STD )*(- )*$'
	grep -Eq '^[0-9]+ of [0-9]+ referrals? waiting for allocation' "$W/q"
	run demo_as caseworker demo-casework-pass queue
	expect_rc 77
}

t_referral_show_puts_safe_contact_first_and_needs_break_glass() {
	local id
	id=$(sqlite3 "$DEMO" "SELECT r.id FROM referrals r JOIN users u ON u.id = r.worker_id
		WHERE u.name = 'caseworker' ORDER BY r.id LIMIT 1")
	[ -n "$id" ]
	demo_as caseworker demo-casework-pass referral show "$id" >"$W/show"
	sed -n 1p "$W/show" | grep -q "^Referral $id\$"
	sed -n 2p "$W/show" | grep -q '^Safe contact:'
	grep -q '^Name: ' "$W/show"
	grep -q '^Risk level: ' "$W/show"
	run demo_as caseworker2 demo-casework2-pass referral show "$id"
	expect_rc 77
	grep -q 'outside your caseload' "$W/err"
	grep -q -- "--break-glass" "$W/err"
	demo_as caseworker2 demo-casework2-pass referral show "$id" \
		--break-glass "covering for a colleague on leave" >"$W/show2"
	sed -n 2p "$W/show2" | grep -q '^Safe contact:'
	[ "$(sqlite3 "$DEMO" "SELECT count(*) FROM break_glass")" -ge 1 ]
	run demo_as auditor demo-audit-pass referral show "$id"
	expect_rc 77
	run demo_as supervisor demo-super-pass referral show 999999
	expect_rc 65
}

t_audit_verify_catches_an_edited_row() {
	cp "$DEMO" "$W/tamper.db"
	"$DASV" --db "$W/tamper.db" --user auditor --passphrase-fd 3 audit verify \
		3<<<demo-audit-pass >"$W/out"
	grep -q '^audit chain verifies: [0-9]* entries' "$W/out"
	sqlite3 "$W/tamper.db" "DROP TRIGGER audit_log_no_update;
		UPDATE audit_log SET detail = 'count=1' WHERE action = 'demo_create';"
	rc=0
	"$DASV" --db "$W/tamper.db" --user auditor --passphrase-fd 3 audit verify \
		3<<<demo-audit-pass >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 65
	grep -q 'audit chain broken at entry' "$W/err"
}

e2e_test "help lists exit codes" t_help_lists_exit_codes
e2e_test "init and user add from a script" t_init_and_user_add_from_a_script
e2e_test "wrong passphrase exits 77" t_wrong_passphrase_exits_77
e2e_test "missing database exits 66" t_missing_database_exits_66
e2e_test "usage errors exit 64" t_usage_errors_exit_64
e2e_test "bad import exits 65 naming line and column" \
	t_import_of_a_bad_file_exits_65_and_names_line_and_column
e2e_test "import and export round-trip" t_import_export_round_trip
e2e_test "auditor cannot import or export" t_auditor_cannot_import_or_export
e2e_test "export refuses a terminal" t_export_refuses_a_terminal
e2e_test "demo refuses an existing file" t_demo_refuses_an_existing_file
e2e_test "demo then queue shows HIGH first" t_demo_then_queue_shows_high_first
e2e_test "referral show: safe contact first, break-glass outside caseload" \
	t_referral_show_puts_safe_contact_first_and_needs_break_glass
e2e_test "audit verify catches an edited row" t_audit_verify_catches_an_edited_row
e2e_summary
