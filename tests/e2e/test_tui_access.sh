#!/usr/bin/env bash
# tests/e2e/test_tui_access.sh - who sees what, driven through the real dasv
# in tmux: search by id and by surname + date of birth, rows outside a
# caseworker's caseload shown without a name and opened only with a
# break-glass reason, results dropped on lock and back after unlocking, and
# the admin screens (users and services).  Prints PASS:/FAIL: lines (run.sh
# counts them).  Uses $DASV as the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
DASV=${DASV:-build/dasv}
. tests/e2e/lib.sh

if [ ! -x "$DASV" ]; then
	echo "FAIL: dasv binary at $DASV"
	exit 1
fi

W="$E2E_DIR/access"
mkdir -p "$W"
DEMO="$W/demo.db"
SUPER_PASS=demo-super-pass
CW_PASS=demo-casework-pass
ADMIN_PASS=demo-admin-pass

if ! "$DASV" --db "$DEMO" demo --referrals 300 >"$W/demo.out" 2>&1; then
	echo "FAIL: dasv demo"
	cat "$W/demo.out"
	exit 1
fi

# a busy timeout: a dasv just stopped may still be finishing a write
sql() {
	sqlite3 -cmd ".timeout 5000" "$DEMO" "$1"
}

# A person the supervisor refers (so outside every caseworker's caseload),
# with values the tests can search for.
SURNAME=Testperson-Vale
DOB=1980-02-03
H='received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,children_count,dash_answers,notes'
{
	echo "$H"
	echo "$(date -u +%F),police,DA,domestic_abuse,fenland,Imogen,$SURNAME,$DOB,07700 900777,PE15 8ZZ,Text only,,partner,0,YYYYYYYYYYYYYYYNNNNNNNNN,"
} >"$W/one.csv"
if ! "$DASV" --db "$DEMO" --user supervisor --passphrase-fd 3 import "$W/one.csv" \
	3<<<"$SUPER_PASS" >"$W/import.out" 2>&1; then
	echo "FAIL: dasv import"
	cat "$W/import.out"
	exit 1
fi
IMPORTED=$(sql "select max(id) from referrals")

# The demo's marker person (referral 1) was referred again later; pick a
# referral of hers outside the caseworker's caseload, else any such referral.
CW_ID=$(sql "select id from users where name = 'caseworker'")
OUTSIDE=$(sql "select r.id from referrals r where r.person_id = (select person_id from referrals
	where id = 1) and coalesce(r.worker_id, 0) <> $CW_ID and r.created_by <> $CW_ID
	order by r.id limit 1")
MARKER=Quennell-Adeyemi
if [ -z "$OUTSIDE" ]; then
	OUTSIDE=$(sql "select id from referrals where coalesce(worker_id, 0) <> $CW_ID
		and created_by <> $CW_ID order by id limit 1")
	MARKER=""
fi
# What the case screen asks before opening a referral outside the caseload.
BREAK_GLASS_PROMPT=${BREAK_GLASS_PROMPT:-Break-glass}

start_as() {
	local user=$1 pass=$2
	e2e_start dasv "$DASV" --db "$DEMO" --user "$user"
	e2e_wait_for "Passphrase"
	e2e_type "$pass"
	e2e_keys Enter
	e2e_wait_gone "Passphrase"
}

# from home: / opens the search form with the referral id field focused
search_id() {
	e2e_keys /
	e2e_wait_for "Search referrals"
	e2e_type "$1"
	e2e_keys Enter
}

# from home: search by surname and date of birth
search_name_dob() {
	e2e_keys /
	e2e_wait_for "Search referrals"
	e2e_keys BTab Right
	e2e_wait_for "Surname"
	e2e_keys Tab
	e2e_type "$1"
	e2e_keys Tab
	e2e_type "$2"
	e2e_keys Enter
}

t_restricted_row_has_no_name_and_asks_why() {
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	search_id "$OUTSIDE"
	e2e_wait_for "1 referral found"
	e2e_wait_for "(restricted)"
	e2e_screen | grep -qE "^ +$OUTSIDE " || e2e_fail "referral $OUTSIDE not listed"
	if [ -n "$MARKER" ]; then
		e2e_screen | grep -qF "$MARKER" && e2e_fail "name shown outside the caseload"
	fi
	# opening it: the case screen wants a reason first, and shows nothing yet
	e2e_keys Enter
	e2e_wait_for "$BREAK_GLASS_PROMPT"
	if [ -n "$MARKER" ]; then
		e2e_screen | grep -qF "$MARKER" && e2e_fail "name shown before a reason was given"
	fi
	e2e_keys Escape
	e2e_wait_gone "$BREAK_GLASS_PROMPT"
	e2e_wait_for "(restricted)"
}

t_own_case_by_id_shows_name() {
	local own
	own=$(sql "select id from referrals where worker_id = $CW_ID order by id limit 1")
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	search_id "$own"
	e2e_wait_for "1 referral found"
	e2e_screen | grep -qF "(restricted)" && e2e_fail "own case shown restricted"
	# a bad id is refused in the form, beside the field
	e2e_keys /
	e2e_wait_for "Search referrals"
	e2e_keys C-u
	e2e_type "12x"
	e2e_keys Enter
	e2e_wait_for "A referral id is a number"
}

t_name_dob_search_by_role() {
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	search_name_dob "$SURNAME" "$DOB"
	e2e_wait_for "referral found"
	e2e_wait_for "(restricted)"
	e2e_screen | grep -qF "$SURNAME" && e2e_fail "caseworker sees a name outside the caseload"
	e2e_stop
	start_as supervisor "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	search_name_dob "$SURNAME" "$DOB"
	e2e_wait_for "referral found"
	e2e_wait_for "Imogen $SURNAME"
	e2e_screen | grep -qF "(restricted)" && e2e_fail "supervisor sees a restricted row"
	return 0
}

t_search_esc_and_q() {
	start_as supervisor "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	e2e_keys /
	e2e_wait_for "Search referrals"
	# q types into the field, it does not quit
	e2e_type "q"
	e2e_keys F2
	e2e_wait_for "A referral id is a number"
	e2e_keys C-u
	e2e_type "$IMPORTED"
	e2e_keys F2
	e2e_wait_for "1 referral found"
	e2e_wait_for "Imogen $SURNAME"
	# Esc: results -> form (value kept) -> home
	e2e_keys Escape
	e2e_wait_for "Search referrals"
	e2e_wait_for "$IMPORTED"
	e2e_keys Escape
	e2e_wait_for "Allocation queue"
	e2e_wait_gone "Search referrals"
}

t_lock_drops_results_and_unlock_restores() {
	start_as supervisor "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	search_id "$IMPORTED"
	e2e_wait_for "Imogen $SURNAME"
	e2e_keys C-x
	e2e_wait_for "Passphrase"
	e2e_screen | grep -qF "$SURNAME" && e2e_fail "name visible while locked"
	e2e_type "$SUPER_PASS"
	e2e_keys Enter
	e2e_wait_for "Imogen $SURNAME"
}

t_admin_users_and_services() {
	start_as admin "$ADMIN_PASS"
	e2e_wait_for "Allocation queue"
	e2e_wait_for "M Admin"
	e2e_keys M
	e2e_wait_for "Users —"
	e2e_wait_for "caseworker2"
	e2e_keys n
	e2e_wait_for "New user"
	e2e_type "newbie"
	e2e_keys Tab Right Tab
	e2e_type "a long enough passphrase"
	e2e_keys Tab
	e2e_type "a different passphrase"
	e2e_keys F2
	e2e_wait_for "Not the same as the passphrase"
	e2e_screen | grep -qF "long enough" && e2e_fail "passphrase shown"
	e2e_keys C-u
	e2e_type "a long enough passphrase"
	e2e_keys F2
	e2e_wait_for "User newbie added as caseworker"
	e2e_wait_for "newbie"
	[ "$(sql "select role || active from users where name = 'newbie'")" = caseworker1 ] ||
		e2e_fail "newbie not stored"
	# disable: asks, then does it
	e2e_keys Home
	local _
	for _ in $(seq 1 "$(sql "select count(*) from users where name < 'newbie'")"); do
		e2e_keys j
	done
	e2e_keys DC
	e2e_wait_for "Disable newbie?"
	e2e_keys y
	e2e_wait_for "newbie disabled"
	[ "$(sql "select active from users where name = 'newbie'")" = 0 ] || e2e_fail "not disabled"
	# services: edit a capacity
	e2e_keys w
	e2e_wait_for "Services —"
	e2e_wait_for "IDVA"
	e2e_keys Enter
	e2e_wait_for "Capacity (cases)"
	e2e_keys C-u
	e2e_type "77"
	e2e_keys F2
	e2e_wait_for "Saved "
	e2e_wait_for "/77"
	e2e_keys w
	e2e_wait_for "Users —"
}

t_caseworker_has_no_admin() {
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_screen | grep -qF "M Admin" && e2e_fail "caseworker offered admin"
	e2e_keys M
	e2e_keys j
	e2e_wait_for "My caseload"
	e2e_screen | grep -qF "Users —" && e2e_fail "caseworker reached admin"
	return 0
}

e2e_test "search by id: outside the caseload, no name; opening asks why" \
	t_restricted_row_has_no_name_and_asks_why
e2e_test "search by id: own case with its name; bad id refused" t_own_case_by_id_shows_name
e2e_test "surname + date of birth: restricted for caseworker, named for supervisor" \
	t_name_dob_search_by_role
e2e_test "search: q types, Esc goes back a step" t_search_esc_and_q
e2e_test "lock drops search results; unlock brings them back" \
	t_lock_drops_results_and_unlock_restores
e2e_test "admin: add and disable a user, edit a service" t_admin_users_and_services
e2e_test "caseworker has no admin screen" t_caseworker_has_no_admin
e2e_summary
