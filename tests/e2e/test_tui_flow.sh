#!/usr/bin/env bash
# tests/e2e/test_tui_flow.sh - the life of one referral through the real dasv
# in tmux, as the people who do it: a caseworker takes a domestic abuse
# referral and records a DASH with 15 Yes answers and consent; the supervisor
# finds it at the top of the queue as HIGH with MARAC and allocates it to an
# IDVA service and that caseworker; the caseworker logs a contact and closes
# the case with its outcome.  Each step is one PASS:/FAIL: line and needs the
# ones before it (run.sh counts them).  Uses $DASV as the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
DASV=${DASV:-build/dasv}
. tests/e2e/lib.sh

if [ ! -x "$DASV" ]; then
	echo "FAIL: dasv binary at $DASV"
	exit 1
fi

W="$E2E_DIR/flow"
mkdir -p "$W"
DB="$W/flow.db"
CW_PASS=demo-casework-pass
SUPER_PASS=demo-super-pass
SAFE="Text first on the work mobile; never call at home"
# the demo users (core/demo.h) and no referrals: the queue is ours alone
if ! "$DASV" --db "$DB" demo --referrals 0 >"$W/demo.out" 2>&1; then
	echo "FAIL: dasv demo --referrals 0"
	cat "$W/demo.out"
	exit 1
fi

sql() {
	sqlite3 "$DB" "$1"
}

start_as() {
	local user=$1 pass=$2
	e2e_start dasv "$DASV" --db "$DB" --user "$user"
	e2e_wait_for "Passphrase"
	e2e_type "$pass"
	e2e_keys Enter
	e2e_wait_gone "Passphrase"
}

# Back to the home screen and quit.
quit_from_case() {
	e2e_keys Escape
	e2e_wait_gone "SAFE CONTACT"
	e2e_keys q
	[ "$(e2e_wait_exit)" = 0 ] || e2e_fail "dasv did not exit cleanly"
}

tabs() {
	local i
	for ((i = 0; i < $1; i++)); do
		e2e_keys Tab
	done
}

# Press KEY n times.
presses() {
	local key=$1 i
	for ((i = 0; i < $2; i++)); do
		e2e_keys "$key"
	done
}

t_caseworker_takes_referral_and_dash() {
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_keys n
	e2e_wait_for "New referral: fields marked * are required"
	e2e_keys Tab			# latest incident: blank
	e2e_keys Tab Right		# referred by: Police
	e2e_keys Tab Right		# strand: DA
	e2e_keys Tab Right		# district: Cambridge
	e2e_keys Tab Space		# domestic abuse: yes
	tabs 7
	e2e_type "Nadia"
	e2e_keys Tab
	e2e_type "Kowalczyk"
	e2e_keys Tab
	e2e_type "1991-09-14"
	tabs 5				# past address, postcode, phone, e-mail
	e2e_type "$SAFE"
	e2e_keys Tab Right		# safe to call: yes
	e2e_keys Tab Right Right	# voicemail: no
	e2e_keys Tab Right Right	# letters: no
	tabs 4				# past children and the perpetrator's name and birth
	e2e_keys Tab Right		# relationship: partner
	e2e_keys Tab Space		# consent to share: yes
	e2e_keys Tab Tab Space		# do not inform the perpetrator: yes
	e2e_wait_for "Do not inform perpetrator"
	e2e_keys F2
	e2e_wait_for "Referral #1"
	e2e_wait_for "$SAFE"
	# the DASH: 15 Yes (question 8, stalking, is No), the rest No, with consent
	e2e_keys d
	e2e_wait_for "DASH"
	e2e_wait_for "Score"
	presses y 7
	e2e_keys n
	presses y 8
	presses n 8
	e2e_keys C
	e2e_wait_for "consents to a MARAC referral"
	e2e_keys F2
	e2e_wait_for "DASH saved"
	e2e_keys Enter
	# back on the case, read again: high risk, to MARAC
	e2e_wait_for "SAFE CONTACT"
	e2e_wait_for "Referral #1  HIGH  MARAC"
	e2e_wait_for "DASH 15/24"
	e2e_wait_for "YES: visible high risk"
	quit_from_case
	[ "$(sql 'select level, marac, dash_score from referrals where id = 1')" = "2|1|15" ] ||
		e2e_fail "stored: $(sql 'select level, marac, dash_score from referrals where id = 1')"
}

t_supervisor_sees_it_first_and_allocates_to_idva() {
	start_as supervisor "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
	e2e_wait_for "Kowalczyk"
	# the first row of the queue: title bar, summary, column header, then rows
	local first
	first=$(e2e_screen | sed -n 4p)
	for t in " 1 " HIGH MARAC "Nadia Kowalczyk"; do
		echo "$first" | grep -qF -- "$t" || e2e_fail "first row lacks '$t': $first"
	done
	e2e_keys Enter
	e2e_wait_for "Referral #1  HIGH  MARAC"
	e2e_keys a
	e2e_wait_for "IDVA Service (Cambridgeshire)"
	# the recommended services come first: the IDVA service is selected
	e2e_keys Enter
	e2e_wait_for "No caseworker yet"
	e2e_keys Down
	e2e_keys Enter
	e2e_wait_for "is allocated to IDVA Service (Cambridgeshire),"
	e2e_wait_for "caseworker caseworker."
	e2e_keys Enter
	# the case was read again after the allocation screen
	e2e_wait_for "Referral #1  HIGH  MARAC  Allocated"
	e2e_wait_for "IDVA Service (Cambridgeshire), caseworker caseworker"
	quit_from_case
}

t_caseworker_logs_contact_and_closes() {
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_wait_for "Kowalczyk"
	e2e_keys Enter
	e2e_wait_for "Referral #1"
	e2e_wait_for "$SAFE"
	e2e_keys c
	e2e_wait_for "Log a contact"
	e2e_keys Down Enter		# made
	e2e_wait_for "Note (optional):"
	e2e_type "Talked on the work mobile; safety plan agreed"
	e2e_keys Enter
	e2e_wait_for "Contact logged (made)."
	e2e_wait_for "Contact made  (caseworker)"
	e2e_wait_for "safety plan agreed"
	e2e_wait_for "In support"
	e2e_keys x
	e2e_wait_for "Close referral #1 with its outcome"
	e2e_keys Right			# reason: support completed
	e2e_keys Tab			# closed on: today
	e2e_keys Tab Right		# abuse stopped: yes
	e2e_keys Tab Right		# risk at exit: standard
	e2e_keys Tab Right		# feels safer: yes
	e2e_keys Tab
	e2e_type "4"			# quality of life
	e2e_keys F2
	e2e_wait_for "Referral #1 closed: Support completed."
	e2e_wait_for "Referral #1  HIGH  MARAC  Closed"
	e2e_keys End
	e2e_wait_for "Closed: Support completed"
	quit_from_case
	[ "$(sql 'select reason, abuse_stopped, exit_level, feels_safer, quality_of_life from outcomes where referral_id = 1')" = "support_completed|1|0|1|4" ] ||
		e2e_fail "outcome stored: $(sql 'select * from outcomes')"
	[ "$(sql 'select status from referrals where id = 1')" = closed ] || e2e_fail "not closed"
}

e2e_test "flow: caseworker takes a DA referral and a 15-Yes DASH" \
	t_caseworker_takes_referral_and_dash
e2e_test "flow: it tops the supervisor's queue as HIGH MARAC; allocated to IDVA" \
	t_supervisor_sees_it_first_and_allocates_to_idva
e2e_test "flow: caseworker logs a contact and closes it with an outcome" \
	t_caseworker_logs_contact_and_closes
e2e_summary
