#!/usr/bin/env bash
# tests/e2e/test_tui_reports.sh - the commissioning reports and the audit view
# of the real dasv in tmux on a demo database: an auditor lands on the
# reports, sees figures with numbers beside bars and "<5" for a small group,
# changes the period and the grouping, exports a CSV that `dasv report
# --format csv` agrees with, gets ASCII bars under LANG=C, cannot reach a
# person; the audit view lists ids (no names), shows a break-glass reason and
# verifies the chain, and says BROKEN at an edited entry.  Prints PASS:/FAIL:
# lines (run.sh counts them).  Uses $DASV as the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
DASV=${DASV:-build/dasv}
. tests/e2e/lib.sh

if [ ! -x "$DASV" ]; then
	echo "FAIL: dasv binary at $DASV"
	exit 1
fi

W="$E2E_DIR/reports"
mkdir -p "$W"
DEMO="$W/demo.db"
AUDIT_PASS=demo-audit-pass
ADMIN_PASS=demo-admin-pass
SUPER_PASS=demo-super-pass
CW_PASS=demo-casework-pass
CW2_PASS=demo-casework2-pass

# "Today" is pinned for the demo, the CLI and the TUI alike, so the default
# period (the last full quarter) is known: 2026 Q1.  Audit times stay real.
export DASV_TODAY=2026-05-15
TODAY_ENV="DASV_TODAY=$DASV_TODAY "
Q_DEFAULT="Report 2026 Q1: 2026-01-01 to 2026-03-31"
Q_PREVIOUS="Report 2025 Q4: 2025-10-01 to 2025-12-31"

if ! "$DASV" --db "$DEMO" demo --referrals 300 >"$W/demo.out" 2>&1; then
	echo "FAIL: dasv demo"
	cat "$W/demo.out"
	exit 1
fi

sql() {
	sqlite3 -cmd ".timeout 5000" "${2:-$DEMO}" "$1"
}

as() { # USER PASS ARGS...: the CLI as a user on the demo
	local user=$1 pass=$2
	shift 2
	"$DASV" --db "$DEMO" --user "$user" --passphrase-fd 3 "$@" 3<<<"$pass"
}

# A small group for certain: two referrals from out of the area in 2026 Q1,
# so "Out of area" shows "<5" when grouped by district.
H='received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,children_count,dash_answers,notes'
{
	echo "$H"
	echo "2026-02-10,police,DA,domestic_abuse,out_of_area,Ola,Faraway,1980-02-03,,,,,partner,0,NNNNNNNNNNNNNNNNNNNNNNNN,"
	echo "2026-02-11,self,DA,domestic_abuse,out_of_area,Una,Faraway,1982-02-03,,,,,partner,0,NNNNNNNNNNNNNNNNNNNNNNNN,"
} >"$W/small.csv"
if ! as supervisor "$SUPER_PASS" import "$W/small.csv" >"$W/import.out" 2>&1; then
	echo "FAIL: dasv import"
	cat "$W/import.out"
	exit 1
fi

# A break-glass event: caseworker2 opens a referral outside their caseload.
BG_REASON="Duty cover for a safeguarding call"
BG_ID=""
for id in $(seq 1 40); do
	if as caseworker2 "$CW2_PASS" referral show "$id" 2>&1 | grep -q "outside your caseload"; then
		BG_ID=$id
		break
	fi
done
if [ -z "$BG_ID" ] ||
	! as caseworker2 "$CW2_PASS" referral show "$BG_ID" --break-glass "$BG_REASON" >/dev/null 2>&1; then
	echo "FAIL: no break-glass event could be made (referral '$BG_ID')"
	exit 1
fi
# the person behind it, as an admin sees them: the audit view must never show this
BG_NAME=$(as admin "$ADMIN_PASS" referral show "$BG_ID" | sed -n 's/^Name: *//p')
if [ -z "$BG_NAME" ]; then
	echo "FAIL: no name for referral $BG_ID"
	exit 1
fi

# The headline count as the CLI reports it for the default period.
REFERRED=$(as auditor "$AUDIT_PASS" report --format csv |
	sed -n 's/^uptake,uptake,all,All,referred,\([0-9]*\)\r$/\1/p')
if [ -z "$REFERRED" ]; then
	echo "FAIL: dasv report gave no count of referrals"
	exit 1
fi

# The database as set up, before any test reads it (each read is audited):
# the audit view tests start from copies of it, so the break-glass event is
# still near the top of the log.
cp "$DEMO" "$W/base.db"
fresh() {
	cp "$W/base.db" "$W/$1.db"
	echo "$W/$1.db"
}

# start dasv as USER (on DB, default the demo) and unlock it
start_as() {
	local user=$1 pass=$2 db=${3:-$DEMO}
	E2E_ENV="$TODAY_ENV${E2E_ENV:-}" e2e_start dasv "$DASV" --db "$db" --user "$user"
	e2e_wait_for "Passphrase"
	e2e_type "$pass"
	e2e_keys Enter
}

start_auditor() {
	start_as auditor "$AUDIT_PASS" "${1:-$DEMO}"
	e2e_wait_for "$Q_DEFAULT, by service"
	e2e_wait_for "Headline figures"
}

# Page down until TEXT is on screen (at most N pages), waiting for each page.
page_to() {
	local text=$1 n=${2:-20} pos
	for _ in $(seq 1 "$n"); do
		e2e_screen | grep -qF -- "$text" && return 0
		pos=$(e2e_screen | grep -o 'lines [0-9]*-[0-9]* of [0-9]*' | head -n 1)
		e2e_keys NPage
		e2e_wait_gone "$pos" 3 2>/dev/null || break
	done
	e2e_wait_for "$text" 1
}

t_auditor_lands_on_figures() {
	start_auditor
	# the headline, as the CLI counts it
	e2e_screen | grep -qE "Referrals received +$REFERRED( |$)" ||
		e2e_fail "headline is not $REFERRED"
	# a number beside a bar, in blocks
	e2e_screen | grep -qE '[0-9]  █' || e2e_fail "no figure beside a bar"
	e2e_screen | grep -qF "Risk level at referral" || e2e_fail "no risk levels"
	# auditors land here: no Esc back, q quits
	e2e_screen | grep -qF "q Quit" || e2e_fail "no q Quit in the footer"
	e2e_screen | grep -qF "Esc Back" && e2e_fail "Esc offered on the top screen"
	e2e_keys Escape
	e2e_wait_for "Headline figures"
	# the trend: eight quarters of sparkline
	page_to "Quarter on quarter"
	e2e_wait_for "26Q1"
	e2e_screen | grep -qE 'Referrals +[▁▂▃▄▅▆▇█·]{8} ' || e2e_fail "no sparkline"
}

t_small_group_shows_lt5() {
	start_auditor
	e2e_keys b
	e2e_wait_for "$Q_DEFAULT, by pathway"
	e2e_keys b
	e2e_wait_for "$Q_DEFAULT, by district"
	page_to "Referrals received, by district"
	e2e_wait_for "Out of area"
	local line
	line=$(e2e_screen | grep -F "Out of area" | head -n 1)
	echo "$line" | grep -qE 'Out of area +<5( |$)' || e2e_fail "Out of area is not <5: $line"
	# a hidden figure never gets a bar
	e2e_screen | grep -E '(<5|\*) +[▏▎▍▌▋▊▉█]' && e2e_fail "a bar beside a hidden figure"
	e2e_keys b
	e2e_wait_for "$Q_DEFAULT, by service"
}

t_period_changes_the_heading() {
	start_auditor
	e2e_keys p
	e2e_wait_for "Last full quarter (2026 Q1)"
	e2e_wait_for "Previous quarter (2025 Q4)"
	e2e_keys j Enter
	e2e_wait_for "$Q_PREVIOUS, by service"
	# Right and Left step a period of the same kind
	e2e_keys l
	e2e_wait_for "$Q_DEFAULT, by service"
	# a month by its name
	e2e_keys p
	e2e_wait_for "A month..."
	e2e_type "A"
	e2e_type "A"
	e2e_keys Enter
	e2e_wait_for "Month (YYYY-MM)"
	e2e_type "2026-02"
	e2e_keys Enter
	e2e_wait_for "Report February 2026: 2026-02-01 to 2026-02-28, by service"
	# a custom range from the small form; a To before From is refused beside it
	e2e_keys p
	e2e_wait_for "From and to dates..."
	e2e_keys G Enter
	e2e_wait_for "Period: from and to"
	e2e_keys C-u
	e2e_type "2026-01-15"
	e2e_keys Tab C-u
	e2e_type "2026-01-01"
	e2e_keys Enter
	e2e_wait_for "is before from"
	e2e_keys C-u
	e2e_type "2026-03-15"
	e2e_keys Enter
	e2e_wait_for "Report 2026-01-15 to 2026-03-15, by service"
}

t_scrolling() {
	start_auditor
	e2e_wait_for "lines 1-"
	e2e_keys NPage
	e2e_wait_gone "lines 1-"
	e2e_keys g
	e2e_wait_for "lines 1-"
	e2e_keys j
	e2e_wait_for "lines 2-"
	e2e_keys k
	e2e_wait_for "lines 1-"
	e2e_keys G
	e2e_wait_for "Needs at intake"
}

t_export_agrees_with_the_cli() {
	local out="$W/export.csv" mode
	rm -f "$out"
	start_auditor
	e2e_keys p
	e2e_wait_for "Previous quarter"
	e2e_keys j Enter
	e2e_wait_for "$Q_PREVIOUS, by service"
	e2e_keys b
	e2e_wait_for "$Q_PREVIOUS, by pathway"
	e2e_keys E
	e2e_wait_for "Export CSV"
	e2e_type "$out"
	e2e_keys Enter
	e2e_wait_for "Exported"
	as auditor "$AUDIT_PASS" report --quarter 2025Q4 --by pathway --format csv >"$W/cli.csv"
	cmp -s "$out" "$W/cli.csv" || e2e_fail "the export differs from dasv report --format csv:
$(diff "$out" "$W/cli.csv" | head -n 10)"
	mode=$(stat -c %a "$out")
	[ "$mode" = 600 ] || e2e_fail "export is mode $mode, not 600"
	# an existing file is kept unless replacing it is confirmed
	e2e_keys E
	e2e_wait_for "Export CSV"
	e2e_type "$out"
	e2e_keys Enter
	e2e_wait_for "already exists. Replace it?"
	e2e_keys n
	e2e_wait_for "Not exported"
	cmp -s "$out" "$W/cli.csv" || e2e_fail "a refused overwrite changed the file"
	e2e_keys E
	e2e_wait_for "Export CSV"
	e2e_type "$out"
	e2e_keys Enter
	e2e_wait_for "already exists. Replace it?"
	e2e_keys y
	e2e_wait_for "Exported"
	cmp -s "$out" "$W/cli.csv" || e2e_fail "the replaced export differs"
	mode=$(stat -c %a "$out")
	[ "$mode" = 600 ] || e2e_fail "replaced export is mode $mode, not 600"
}

t_ascii_bars_without_utf8() {
	E2E_ENV="LANG=C LC_ALL=C " start_auditor
	e2e_screen | grep -qE '[0-9]  #' || e2e_fail "no ASCII bar beside a figure"
	e2e_screen | grep -qE '[▁▂▃▄▅▆▇█▏▎▍▌▋▊▉]' && e2e_fail "block characters under LANG=C"
	page_to "Quarter on quarter"
	e2e_wait_for "26Q1"
	e2e_screen | grep -qE '[▁▂▃▄▅▆▇█▏▎▍▌▋▊▉]' && e2e_fail "block characters under LANG=C"
	e2e_screen | grep -qE 'Referrals +[_.~=+#@?-]{8} ' || e2e_fail "no ASCII sparkline"
}

t_auditor_reaches_no_person() {
	start_auditor
	e2e_keys /
	e2e_wait_for "figures only"
	e2e_screen | grep -qF "Find:" && e2e_fail "a search box opened"
	e2e_keys Enter
	e2e_wait_for "figures only"
	e2e_screen | grep -qF "$Q_DEFAULT" || e2e_fail "left the reports"
	# and the core says no, whatever the screen
	if as auditor "$AUDIT_PASS" referral show "$BG_ID" >"$W/aud.out" 2>&1; then
		e2e_fail "the auditor opened referral $BG_ID"
	fi
	grep -qF "$BG_NAME" "$W/aud.out" && e2e_fail "a name reached the auditor"
	return 0
}

t_audit_view_ids_reason_and_verify() {
	start_auditor "$(fresh audit)"
	e2e_keys L
	e2e_wait_for "Audit log:"
	e2e_wait_for "Chain not verified yet"
	e2e_wait_for "referral_open"
	e2e_wait_for "referral $BG_ID"
	e2e_screen | grep -qF "$BG_NAME" && e2e_fail "a name in the audit view"
	e2e_keys f
	e2e_wait_for "Break-glass events only"
	e2e_keys j Enter
	e2e_wait_for "break-glass event"
	e2e_wait_for "caseworker2"
	e2e_wait_for "referral $BG_ID"
	e2e_wait_for "Break-glass reason: $BG_REASON"
	e2e_screen | grep -qF "$BG_NAME" && e2e_fail "a name in the audit view"
	# the hardware cursor sits on the selected (first) row: title, summary,
	# chain line, header, then the rows
	[ "$(e2e_cursor)" = "0 4" ] || e2e_fail "cursor at $(e2e_cursor)"
	e2e_keys V
	e2e_wait_for "Chain verifies:"
	# locking drops the reasons; unlocking reads them again, on the same entry
	e2e_keys C-x
	e2e_wait_for "Passphrase"
	e2e_screen | grep -qF "$BG_REASON" && e2e_fail "a reason visible while locked"
	e2e_type "$AUDIT_PASS"
	e2e_keys Enter
	e2e_wait_for "Break-glass reason: $BG_REASON"
	# Esc goes back to the reports
	e2e_keys Escape
	e2e_wait_for "Headline figures"
}

t_broken_chain_says_where() {
	local db="$W/broken.db" k
	cp "$DEMO" "$db"
	k=$(sql "select id from audit_log where action = 'close' order by id limit 1" "$db")
	sql "drop trigger audit_log_no_update; update audit_log set detail = detail || ' edited' where id = $k" "$db"
	start_auditor "$db"
	e2e_keys L
	e2e_wait_for "Chain not verified yet"
	e2e_keys V
	e2e_wait_for "BROKEN at entry $k: contents were changed"
	# the list shows the entry where it breaks
	e2e_wait_for "Entry $k,"
}

t_at_80x24() {
	start_auditor
	e2e_resize 80 24
	e2e_wait_for "p Period"
	e2e_wait_for "Headline figures"
	e2e_screen | grep -qE '[0-9]  █' || e2e_fail "no bar at 80x24"
	e2e_keys L
	e2e_wait_for "Chain not verified yet"
	e2e_wait_for "V Verify"
	e2e_keys Escape
	e2e_wait_for "Headline figures"
	e2e_keys q
	local st
	st=$(e2e_wait_exit)
	[ "$st" = 0 ] || e2e_fail "exit status $st"
}

t_help_lists_report_keys() {
	start_auditor
	e2e_keys '?'
	e2e_wait_for "Keys: Reports"
	for k in "Change the period" "Group by service, pathway or district" "Export this report as CSV" "The audit log"; do
		e2e_screen | grep -qF -- "$k" || e2e_fail "help lacks $k"
	done
	e2e_keys Escape
	e2e_wait_gone "Keys: Reports"
}

t_staff_reach_reports_with_r() {
	start_as supervisor "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	e2e_keys r
	e2e_wait_for "$Q_DEFAULT, by service"
	e2e_screen | grep -qF "L Audit" && e2e_fail "a supervisor is offered the audit log"
	e2e_keys Escape
	e2e_wait_for "Allocation queue"
}

t_admin_audit_from_home() {
	start_as admin "$ADMIN_PASS" "$(fresh admin)"
	e2e_wait_for "Allocation queue"
	e2e_keys L
	e2e_wait_for "Audit log:"
	e2e_wait_for "referral $BG_ID"
	e2e_keys Escape
	e2e_wait_for "Allocation queue"
}

# Caseworkers work their caseload: service-wide figures are not offered to them.
t_caseworker_is_refused() {
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_screen | grep -qF "r Reports" && e2e_fail "a caseworker is offered the reports"
	e2e_keys r
	e2e_keys j
	e2e_wait_for "My caseload"
	e2e_screen | grep -qF "Headline figures" && e2e_fail "a caseworker sees the reports"
	return 0
}

t_idle_and_no_change_write_nothing() {
	start_auditor
	e2e_keys G
	e2e_wait_for "Needs at intake"
	e2e_wait_for "^X Lock"
	e2e_record
	# the one fixed wait: silence can only be shown by waiting; j at the end
	# changes nothing, so nothing is drawn either
	e2e_keys j
	sleep 1.5
	[ "$(e2e_recorded_bytes)" -eq 0 ] || e2e_fail "wrote $(e2e_recorded_bytes) bytes with nothing changed"
}

e2e_test "auditor lands on the reports: headline, numbers beside bars, trend" t_auditor_lands_on_figures
e2e_test "a small group shows <5 and no bar" t_small_group_shows_lt5
e2e_test "p changes the period and the heading" t_period_changes_the_heading
e2e_test "j/k, PgDn, g/G scroll the report" t_scrolling
e2e_test "E exports the CSV that dasv report --format csv gives" t_export_agrees_with_the_cli
e2e_test "LANG=C draws ASCII bars and sparklines" t_ascii_bars_without_utf8
e2e_test "the auditor reaches no person" t_auditor_reaches_no_person
e2e_test "audit view: ids not names, a break-glass reason, V verifies" t_audit_view_ids_reason_and_verify
e2e_test "an edited audit row: V says BROKEN at that entry" t_broken_chain_says_where
e2e_test "reports and audit view work at 80x24; q quits" t_at_80x24
e2e_test "? lists the reports keys" t_help_lists_report_keys
e2e_test "a supervisor reaches the reports with r; Esc goes back" t_staff_reach_reports_with_r
e2e_test "an admin reaches the audit log with L from home" t_admin_audit_from_home
e2e_test "a caseworker is not offered the reports" t_caseworker_is_refused
e2e_test "idle, or a key that changes nothing, writes nothing" t_idle_and_no_change_write_nothing
e2e_summary
