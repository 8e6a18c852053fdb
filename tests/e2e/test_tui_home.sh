#!/usr/bin/env bash
# tests/e2e/test_tui_home.sh - the home screens of the real dasv in tmux on a
# demo database: unlocking, the supervisor's risk-ordered queue and its
# waiting lists, the caseworker's caseload, paging to the end, the
# too-small screen, monochrome and the idle lock.  Prints PASS:/FAIL: lines
# (run.sh counts them).  Uses $DASV as the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
DASV=${DASV:-build/dasv}
. tests/e2e/lib.sh

if [ ! -x "$DASV" ]; then
	echo "FAIL: dasv binary at $DASV"
	exit 1
fi

W="$E2E_DIR/home"
mkdir -p "$W"
DEMO="$W/demo.db"
SUPER_PASS=demo-super-pass
CW_PASS=demo-casework-pass
# title bar, summary line, column header, then the rows
FIRST_ROW_LINE=4

if ! "$DASV" --db "$DEMO" demo --referrals 300 >"$W/demo.out" 2>&1; then
	echo "FAIL: dasv demo"
	cat "$W/demo.out"
	exit 1
fi

# a busy timeout: a dasv just stopped may still be finishing a write
sql() {
	sqlite3 -cmd ".timeout 5000" "$DEMO" "$1"
}

as_supervisor() {
	"$DASV" --db "$DEMO" --user supervisor --passphrase-fd 3 "$@" 3<<<"$SUPER_PASS"
}

# Two referrals at visible high risk (DASH 20 and 15 of 24): HIGH with MARAC,
# so the top of the queue is known whatever the demo allocated.
H='received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,children_count,dash_answers,notes'
{
	echo "$H"
	echo "$(date -u +%F),police,DA,domestic_abuse,fenland,Ada,Highrisk,1980-02-03,07700 900777,PE15 8ZZ,Text only,,partner,0,YYYYYYYYYYYYYYYYYYYYNNNN,"
	echo "$(date -u +%F),health,DA,domestic_abuse,cambridge,Bea,Highrisk,1981-03-04,07700 900778,CB1 2AB,Text only,,partner,0,YYYYYYYYYYYYYYYNNNNNNNNN,"
} >"$W/high.csv"
if ! as_supervisor import "$W/high.csv" >"$W/import.out" 2>&1; then
	echo "FAIL: dasv import"
	cat "$W/import.out"
	exit 1
fi

# A waiting list, as dasv_allocate leaves one when a service is full (the
# allocate screen is not what is tested here): up to three lower-risk queue
# referrals wait for service 9.
WAIT_SERVICE=$(sql "select name from services where id = 9")
sql "update referrals set service_id = 9, worker_id = null, waiting_since = received_on
	where id in (select id from referrals where status in ('new', 'triaged')
	and waiting_since is null and priority >= 2 order by id limit 3)"
WAIT_COUNT=$(sql "select count(*) from referrals where service_id = 9 and waiting_since is not null")
# where service 9 is in the pick-list (after "Allocation queue"), as the core orders it
WAIT_INDEX=$(sql "select count(*) from services s, services n where n.id = 9 and s.active = 1
	and (s.pathway < n.pathway or (s.pathway = n.pathway and s.name < n.name))")

# "1 234": how the screen groups digits
grouped() {
	echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\| \)/\1 \2\3/' -e 'ta'
}

# the queue's length as the core counts it ("1 of N referrals waiting ...")
QUEUE_COUNT=$(as_supervisor queue --limit 1 | sed -n 's/^1 of \([0-9]*\) referrals.*/\1/p')
if [ -z "$QUEUE_COUNT" ]; then
	echo "FAIL: dasv queue gave no count"
	exit 1
fi
CASELOAD_COUNT=$(sql "select count(*) from referrals r join users u on u.id = r.worker_id
	where u.name = 'caseworker' and r.status <> 'closed'")

# start dasv as USER on DB (default the demo) and wait for the unlock box
start_as() {
	local user=$1 db=${2:-$DEMO}
	e2e_start dasv "$DASV" --db "$db" --user "$user"
	e2e_wait_for "Passphrase"
}

unlock() {
	e2e_type "$1"
	e2e_keys Enter
}

# start and unlock as the supervisor, on the queue
start_supervisor() {
	start_as supervisor
	unlock "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	e2e_wait_for "row 1 of"
}

t_wrong_then_right_passphrase() {
	start_as supervisor
	unlock "not-the-passphrase-at-all"
	e2e_wait_for "wrong"
	e2e_screen | grep -qF "not-the-passphrase" && e2e_fail "passphrase echoed"
	e2e_screen | grep -qF "Allocation queue" && e2e_fail "unlocked with a wrong passphrase"
	unlock "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	e2e_wait_gone "Passphrase"
}

# The user field is prefilled (login name): a person clears it and types.
t_unlock_fields_edit() {
	start_as root
	e2e_wait_for "DEMO database"
	e2e_wait_for "demo-super-pass"
	e2e_keys Up C-u
	e2e_type "supervisorx"
	e2e_keys BSpace
	e2e_wait_for "User         supervisor "
	e2e_keys Enter
	e2e_type "$SUPER_PASS"
	e2e_keys Enter
	e2e_wait_for "Allocation queue"
}

t_queue_highest_risk_first() {
	start_supervisor
	e2e_wait_for "$(grouped "$QUEUE_COUNT") awaiting allocation"
	e2e_wait_for "HIGH+MARAC"
	local first
	first=$(e2e_screen | sed -n "${FIRST_ROW_LINE}p")
	echo "$first" | grep -qF "HIGH" || e2e_fail "first row not HIGH: $first"
	echo "$first" | grep -qF "MARAC" || e2e_fail "first row not MARAC: $first"
	e2e_screen | grep -qF "Recommended" || e2e_fail "no Recommended column"
	# the hardware cursor sits on the selected (first) row
	[ "$(e2e_cursor)" = "0 $((FIRST_ROW_LINE - 1))" ] || e2e_fail "cursor at $(e2e_cursor)"
}

t_end_reaches_last_row() {
	start_supervisor
	local m
	m=$(grouped "$QUEUE_COUNT")
	e2e_keys End
	e2e_wait_for "row $m of $m"
	e2e_keys Home
	e2e_wait_for "row 1 of $m"
	e2e_keys j j
	e2e_wait_for "row 3 of $m"
	e2e_keys NPage
	e2e_wait_gone "row 3 of $m"
	e2e_keys G k
	e2e_wait_for "row $(grouped $((QUEUE_COUNT - 1))) of $m"
}

t_waiting_lists() {
	start_supervisor
	e2e_keys w
	e2e_wait_for "Queue or waiting list"
	e2e_wait_for "$WAIT_SERVICE — $WAIT_COUNT waiting"
	local _
	for _ in $(seq 0 "$WAIT_INDEX"); do
		e2e_keys j
	done
	e2e_keys Enter
	e2e_wait_for "Waiting list: $WAIT_SERVICE — $WAIT_COUNT waiting"
	e2e_wait_gone "Queue or waiting list"
	[ "$WAIT_COUNT" -eq 0 ] || e2e_wait_for "row 1 of $WAIT_COUNT"
	e2e_wait_for "Waiting since"
	# Esc goes back to the queue, and never quits from home
	e2e_keys Escape
	e2e_wait_for "Allocation queue"
	e2e_keys Escape
	e2e_wait_for "row 1 of"
	e2e_screen | grep -qF "Allocation queue" || e2e_fail "Esc left the queue"
}

t_caseworker_caseload() {
	start_as caseworker
	unlock "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_wait_for "$CASELOAD_COUNT open case"
	e2e_wait_for "Next contact"
	e2e_screen | grep -qF "Allocation queue" && e2e_fail "caseworker sees the queue"
	# supervisors' keys are not offered
	e2e_screen | grep -qF "w Lists" && e2e_fail "caseworker offered waiting lists"
	e2e_wait_for "n New"
	# overdue deadlines are said in words, not colour alone
	local overdue
	overdue=$(sql "select count(*) from referrals r join users u on u.id = r.worker_id
		where u.name = 'caseworker' and r.status <> 'closed' and r.first_contact_on is null
		and r.contact_due < '$(date -u +%F)'")
	if [ "$overdue" -gt 0 ]; then
		e2e_wait_for "OVERDUE"
	fi
}

t_help_lists_home_keys() {
	start_supervisor
	e2e_keys '?'
	e2e_wait_for "Keys: Allocation"
	for k in "The allocation queue or a service's waiting list" "New referral" "End G ^E"; do
		e2e_screen | grep -qF -- "$k" || e2e_fail "help lacks $k"
	done
	e2e_keys Escape
	e2e_wait_gone "Keys: Allocation"
	e2e_wait_for "w Lists"
}

t_too_small_and_back() {
	start_supervisor
	e2e_resize 60 20
	e2e_wait_for "Terminal too small"
	e2e_resize 100 30
	e2e_wait_gone "Terminal too small"
	e2e_wait_for "Allocation queue"
	e2e_wait_for "row 1 of"
	local first
	first=$(e2e_screen | sed -n "${FIRST_ROW_LINE}p")
	echo "$first" | grep -qF "HIGH" || e2e_fail "rows not back: $first"
}

t_no_color_is_monochrome() {
	E2E_ENV="NO_COLOR=1 " start_supervisor
	e2e_wait_for "HIGH"
	if e2e_screen_attrs | grep -qE $'\e\\[([0-9]+;)*(3[0-8]|4[0-8])(;[0-9]+)*m'; then
		e2e_fail "colour escape in NO_COLOR mode"
	fi
}

t_colour_by_default() {
	start_supervisor
	e2e_wait_for "HIGH"
	e2e_screen_attrs | grep -qE $'\e\\[([0-9]+;)*(3[0-7])(;[0-9]+)*m' ||
		e2e_fail "no colour by default"
}

t_idle_lock_hides_and_restores() {
	local db="$W/idle.db"
	cp "$DEMO" "$db"
	sqlite3 -cmd ".timeout 5000" "$db" "update settings set value = '2' where key = 'idle_lock_seconds'"
	start_as supervisor "$db"
	unlock "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	e2e_keys j
	e2e_wait_for "row 2 of"
	# two idle seconds later: the data is gone and the passphrase is asked for
	e2e_wait_for "locked" 8
	e2e_wait_for "Passphrase"
	for t in "Allocation queue" "MARAC" "row 2 of" "HIGH"; do
		e2e_screen | grep -qF -- "$t" && e2e_fail "visible while locked: $t"
	done
	unlock "$SUPER_PASS"
	# back where it was
	e2e_wait_for "row 2 of"
	e2e_wait_for "Allocation queue"
}

# a copy of the demo to change under a running dasv; its queue count
copy_demo() {
	cp "$DEMO" "$W/$1.db"
	echo "$W/$1.db"
}

import_one() { # DB: one more referral, as another user would add it meanwhile
	{
		echo "$H"
		echo "$(date -u +%F),self,DA,domestic_abuse,peterborough,Cara,Later,1990-05-06,,,,,partner,0,NNNNNNNNNNNNNNNNNNNNNNNN,"
	} >"$W/later.csv"
	"$DASV" --db "$1" --user supervisor --passphrase-fd 3 import "$W/later.csv" \
		3<<<"$SUPER_PASS" >/dev/null
}

t_ctrl_l_fetches_again() {
	local db
	db=$(copy_demo ctrl-l)
	start_as supervisor "$db"
	unlock "$SUPER_PASS"
	e2e_wait_for "$(grouped "$QUEUE_COUNT") awaiting allocation"
	import_one "$db"
	e2e_keys C-l
	e2e_wait_for "$(grouped $((QUEUE_COUNT + 1))) awaiting allocation"
	e2e_wait_for "Cara Later"
}

t_back_from_a_case_fetches_again() {
	local db
	db=$(copy_demo back)
	start_as supervisor "$db"
	unlock "$SUPER_PASS"
	e2e_wait_for "$(grouped "$QUEUE_COUNT") awaiting allocation"
	e2e_keys j Enter
	e2e_wait_gone "awaiting allocation"
	import_one "$db"
	e2e_keys Escape
	e2e_wait_for "$(grouped $((QUEUE_COUNT + 1))) awaiting allocation"
	# back on the row that was opened
	e2e_wait_for "row 2 of"
}

t_q_quits_from_home() {
	start_supervisor
	e2e_keys q
	local st
	st=$(e2e_wait_exit)
	[ "$st" = 0 ] || e2e_fail "exit status $st"
}

t_idle_writes_nothing() {
	start_supervisor
	e2e_wait_for "^X Lock"
	e2e_record
	# the one fixed wait: silence can only be shown by waiting
	sleep 1.5
	[ "$(e2e_recorded_bytes)" -eq 0 ] || e2e_fail "wrote $(e2e_recorded_bytes) bytes while idle"
}

e2e_test "unlock: a wrong passphrase is refused, the right one opens" t_wrong_then_right_passphrase
e2e_test "unlock: the demo users are shown and the fields edit (^U, Backspace)" \
	t_unlock_fields_edit
e2e_test "supervisor's queue: HIGH with MARAC first" t_queue_highest_risk_first
e2e_test "End reaches the last row: row M of M" t_end_reaches_last_row
e2e_test "w shows the waiting lists; Esc back to the queue" t_waiting_lists
e2e_test "caseworker lands on My caseload" t_caseworker_caseload
e2e_test "? lists the home screen's keys" t_help_lists_home_keys
e2e_test "60x20 says too small; 100x30 restores" t_too_small_and_back
e2e_test "NO_COLOR=1 gives a monochrome screen" t_no_color_is_monochrome
e2e_test "colour is used by default" t_colour_by_default
e2e_test "idle lock hides the data; unlocking brings it back" t_idle_lock_hides_and_restores
e2e_test "^L fetches the queue again" t_ctrl_l_fetches_again
e2e_test "back from a case, the queue is fetched again" t_back_from_a_case_fetches_again
e2e_test "q quits from home" t_q_quits_from_home
e2e_test "idle writes nothing" t_idle_writes_nothing
e2e_summary
