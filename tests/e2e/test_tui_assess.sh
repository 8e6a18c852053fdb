#!/usr/bin/env bash
# tests/e2e/test_tui_assess.sh - the assessment and allocation screens of the
# real dasv in tmux on a demo database: the DASH checklist with its live
# score, level and MARAC criteria, the stalking screen (S-DASH), professional
# judgement, unsaved answers (Esc asks, a lock clears them), the SV
# assessment's suggested level, needs, and a supervisor's allocation with an
# override reason and a full service's waiting list.  The screens are reached
# the way a user does: search by referral id, then the case screen's keys.
# Prints PASS:/FAIL: lines (run.sh counts them).  Uses $DASV as the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
DASV=${DASV:-build/dasv}
. tests/e2e/lib.sh

if [ ! -x "$DASV" ]; then
	echo "FAIL: dasv binary at $DASV"
	exit 1
fi

W="$E2E_DIR/assess"
mkdir -p "$W"
DEMO="$W/demo.db"
SUPER_PASS=demo-super-pass
CW_PASS=demo-casework-pass

if ! "$DASV" --db "$DEMO" demo --referrals 200 >"$W/demo.out" 2>&1; then
	echo "FAIL: dasv demo"
	cat "$W/demo.out"
	exit 1
fi

sql() {
	sqlite3 -cmd ".timeout 5000" "$DEMO" "$1"
}

# an open domestic abuse case allocated to the demo caseworker
RID=$(sql "select r.id from referrals r join users u on u.id = r.worker_id
	where u.name = 'caseworker' and r.status <> 'closed' and (r.strand & 1) = 1
	order by r.id limit 1")
# an open high-risk domestic abuse referral that is not theirs, to allocate
ARID=$(sql "select r.id from referrals r where r.status <> 'closed' and (r.strand & 1) = 1
	and r.level = 2 and r.id <> '$RID' and coalesce(r.worker_id, 0) not in
	(select id from users where name = 'caseworker') order by r.id limit 1")
if [ -z "$RID" ] || [ -z "$ARID" ]; then
	echo "FAIL: demo data: no caseworker case ($RID) or high-risk referral ($ARID)"
	exit 1
fi

start_as() {
	e2e_start dasv "$DASV" --db "$DEMO" --user "$1"
	e2e_wait_for "Passphrase"
	e2e_type "$2"
	e2e_keys Enter
}

start_caseworker() {
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
}

start_supervisor() {
	start_as supervisor "$SUPER_PASS"
	e2e_wait_for "Allocation queue"
}

# search by referral id and open the case screen
open_case() {
	e2e_keys /
	e2e_wait_for "Search referrals"
	e2e_type "$1"
	e2e_keys Enter
	e2e_wait_for "1 referral found"
	e2e_keys Enter
	e2e_wait_for "Referral #$1 "
}

# "x y" of the hardware cursor -> y
cursor_y() {
	e2e_cursor | cut -d' ' -f2
}

# Move the selection (where the hardware cursor is) to the row showing TEXT.
select_row() {
	local text=$1 line y i end
	for i in $(seq 60); do
		line=$(e2e_screen | grep -nF -- "$text" | head -n 1 | cut -d: -f1)
		[ -n "$line" ] || e2e_fail "no row shows $text" || return 1
		y=$(cursor_y)
		[ $((line - 1)) -eq "$y" ] && return 0
		if [ $((line - 1)) -gt "$y" ]; then e2e_keys j; else e2e_keys k; fi
		end=$(( $(date +%s%3N) + 2000 ))
		while [ "$(cursor_y)" = "$y" ] && [ "$(date +%s%3N)" -lt "$end" ]; do
			sleep 0.05
		done
	done
	e2e_fail "could not select the row showing $text"
}

# Wait until a line of the screen matches the extended regular expression.
wait_re() {
	local re=$1 end=$(( $(date +%s%3N) + E2E_TIMEOUT * 1000 ))
	until e2e_screen | grep -qE -- "$re"; do
		[ "$(date +%s%3N)" -lt "$end" ] || e2e_fail "no line matches: $re" || return 1
		sleep 0.1
	done
}

# Wait until the cursor is on screen line Y (0-based).
wait_cursor_y() {
	local want=$1 end=$(( $(date +%s%3N) + 5000 ))
	while [ "$(cursor_y)" != "$want" ]; do
		[ "$(date +%s%3N)" -lt "$end" ] || e2e_fail "cursor on line $(cursor_y), not $want" ||
			return 1
		sleep 0.05
	done
}

# Answer the 24 questions from the first: $1 Yes, then No for the rest.
answer_dash() {
	local yes=$1 i
	e2e_keys Home
	wait_cursor_y "$(first_question_y)"
	for i in $(seq 24); do
		if [ "$i" -le "$yes" ]; then e2e_keys y; else e2e_keys n; fi
	done
	e2e_wait_for "Answered 24 of 24"
}

# The screen line of question 1 (0-based): below the column header.
first_question_y() {
	local h
	h=$(e2e_screen | grep -n "^ #   Question" | head -n 1 | cut -d: -f1)
	echo "$h"
}

open_dash() {
	open_case "$RID"
	e2e_keys d
	e2e_wait_for "DASH risk checklist"
}

t_dash_live_score_level_and_marac() {
	start_caseworker
	open_dash
	answer_dash 15
	e2e_wait_for "Score 15 of 24 — HIGH"
	if e2e_screen | grep -qF "Consent to MARAC: no"; then
		e2e_wait_for "MARAC: not without consent"
		e2e_keys C
	fi
	e2e_wait_for "Consent to MARAC: yes"
	e2e_wait_for "MARAC: yes — visible high risk (score 14+), with consent"
	e2e_wait_for "Escalation and repeat are checked on save"
	# question 8 is among the Yes answers: the stalking screen is offered first
	e2e_keys F2
	e2e_wait_for "fill in the stalking screen (S-DASH) before saving?"
	e2e_keys n
	e2e_wait_for "DASH saved"
	e2e_screen | grep -qF "level HIGH, score 15 of 24. MARAC: yes" ||
		e2e_fail "result lacks level and MARAC"
	e2e_keys Enter
	e2e_wait_for "Referral #$RID  HIGH  MARAC"
	[ "$(sql "select level, marac, dash_score from referrals where id = $RID")" = "2|1|15" ] ||
		e2e_fail "stored: $(sql "select level, marac, dash_score from referrals where id = $RID")"
}

t_dash_q8_yes_offers_stalking_screen() {
	start_caseworker
	open_dash
	e2e_keys Home
	wait_cursor_y "$(first_question_y)"
	e2e_keys j j j j j j j
	wait_cursor_y $(( $(first_question_y) + 7 ))
	e2e_keys n k y
	e2e_wait_for "Q8 is Yes: the stalking screen (S-DASH) is on Enter, and offered on save."
	e2e_wait_for "Q8 is Yes: Enter on it opens the stalking screen (S-DASH)"
	# offered on save while none of it is answered
	e2e_keys F2
	e2e_wait_for "Question 8 is Yes: fill in the stalking screen (S-DASH) before saving?"
	e2e_keys y
	e2e_wait_for "Stalking screen (S-DASH)"
	e2e_wait_for "Violent in the past"
	e2e_keys y n '?'
	e2e_wait_for "Answered 3 of 11"
	e2e_keys Escape
	e2e_wait_for "DASH risk checklist"
	e2e_wait_for "(S-DASH), 3 of 11 answered"
	# and from question 8 itself
	e2e_keys Home
	wait_cursor_y "$(first_question_y)"
	e2e_keys j j j j j j j Enter
	e2e_wait_for "Stalking screen (S-DASH)"
	e2e_wait_for "Answered 3 of 11"
}

t_dash_judgement_cannot_lower() {
	start_caseworker
	open_dash
	answer_dash 15
	e2e_wait_for "Score 15 of 24 — HIGH"
	e2e_keys J
	e2e_wait_for "No professional judgement"
	e2e_keys s Enter
	e2e_wait_for "professional_judgement: may raise the level, not lower it from high to standard"
	e2e_wait_for "Judgement: none"
}

t_dash_judgement_raises_with_a_reason() {
	start_caseworker
	open_dash
	answer_dash 5
	e2e_wait_for "Score 5 of 24 — STD"
	e2e_keys J
	e2e_wait_for "No professional judgement"
	e2e_keys h Enter
	e2e_wait_for "Reason:"
	e2e_keys Enter
	e2e_wait_for "A reason is required."
	e2e_type "Threats to the children disclosed today"
	e2e_keys Enter
	e2e_wait_for "Judgement: HIGH"
	e2e_wait_for "MARAC: yes — professional judgement"
}

t_dash_f1_help_question_mark_answers_and_esc_asks() {
	start_caseworker
	open_dash
	e2e_keys Home
	wait_cursor_y "$(first_question_y)"
	e2e_keys n
	wait_cursor_y $(( $(first_question_y) + 1 ))
	e2e_keys k '?'
	wait_re "^  1  Current incident caused injury +Not known"
	wait_cursor_y $(( $(first_question_y) + 1 ))
	e2e_screen | grep -qF "Keys: DASH" && e2e_fail "? opened help"
	e2e_keys F1
	e2e_wait_for "Keys: DASH"
	e2e_wait_for "Source: victim, professional, records, other"
	e2e_keys Escape
	e2e_wait_gone "Keys: DASH"
	e2e_keys Escape
	e2e_wait_for "Discard unsaved changes?"
	e2e_keys n
	e2e_wait_for "DASH risk checklist"
	e2e_keys Escape
	e2e_wait_for "Discard unsaved changes?"
	e2e_keys y
	e2e_wait_for "Referral #$RID "
}

t_dash_lock_clears_unsaved_answers() {
	start_caseworker
	open_dash
	e2e_keys Home
	wait_cursor_y "$(first_question_y)"
	# n then ?: the second is a change whatever was saved before
	e2e_keys n
	wait_cursor_y $(( $(first_question_y) + 1 ))
	e2e_keys k '?'
	wait_re "^  1  Current incident caused injury +Not known"
	e2e_keys C-x
	e2e_wait_for "Passphrase"
	e2e_screen | grep -qF "Current incident caused injury" && e2e_fail "answers shown while locked"
	e2e_type "$CW_PASS"
	e2e_keys Enter
	e2e_wait_for "unsaved answers were cleared for safety"
	e2e_wait_for "DASH risk checklist"
	# nothing unsaved is left, so Esc goes straight back
	e2e_keys Escape
	e2e_wait_for "Referral #$RID "
}

t_sv_domain_scored_3_suggests_high() {
	start_caseworker
	open_case "$RID"
	e2e_keys s
	e2e_wait_for "SV safety and support assessment"
	e2e_keys Home 0 0 0 0 0 0 0 0 0 0 0 0 0 0
	e2e_wait_for "Scored 14 of 14"
	e2e_wait_for "Suggested level: STD"
	e2e_keys Home 2
	e2e_wait_for "Suggested level: MED (a domain scores 2)"
	e2e_keys 3
	e2e_wait_for "Suggested level: HIGH (a domain scores 3)"
	e2e_keys F2
	e2e_wait_for "SV assessment saved"
	e2e_wait_for "SV level HIGH, as suggested"
	e2e_keys Enter
	e2e_wait_for "Referral #$RID "
	[ "$(sql "select level from assessments where referral_id = $RID and kind = 'sv'
		order by id desc limit 1")" = 2 ] || e2e_fail "SV level not stored as high"
}

t_needs_saved_and_shown_again() {
	start_caseworker
	open_case "$RID"
	e2e_keys N
	e2e_wait_for "Needs assessment — referral $RID"
	e2e_keys Home 3 2 0
	e2e_wait_for "High needs: 1"
	e2e_keys F2
	e2e_wait_for "Needs saved for referral $RID"
	e2e_wait_for "Referral #$RID "
	e2e_keys N
	e2e_wait_for "As last recorded"
	wait_re "^  1  Safety .*\[High\]"
	wait_re "^  2  Housing .*\[Medium\]"
	wait_re "^  3  Physical health .*\[None\]"
	[ "$(sql "select level from needs where referral_id = $RID and domain = 'safety'")" = 3 ] ||
		e2e_fail "safety need not stored"
}

t_allocate_recommends_idva_and_asks_why_not() {
	start_supervisor
	open_case "$ARID"
	e2e_keys a
	e2e_wait_for "Allocate referral $ARID"
	e2e_wait_for "* IDVA (DA-RISK): Domestic abuse at high risk"
	# recommended services first, marked
	e2e_screen | grep -A1 "^   Service" | tail -n 1 | grep -E "^ \* IDVA Service" >/dev/null ||
		e2e_fail "an IDVA service is not first"
	e2e_wait_for "of 120 free"
	select_row "DA Outreach"
	e2e_keys Enter
	e2e_wait_for "No caseworker yet"
	e2e_keys Enter
	e2e_wait_for "Recommended: IDVA, not Outreach. Why this service?"
	e2e_type "Survivor asked for outreach near her work"
	e2e_keys Enter
	e2e_wait_for "is allocated to DA Outreach (no caseworker yet)"
	e2e_keys Enter
	e2e_wait_for "Referral #$ARID "
	[ "$(sql "select overridden from allocations where referral_id = $ARID
		order by id desc limit 1")" = 1 ] || e2e_fail "override not recorded"
}

t_allocate_full_service_goes_to_waiting_list() {
	sql "update services set capacity = 0 where type = 'idva'"
	start_supervisor
	open_case "$ARID"
	e2e_keys a
	e2e_wait_for "Allocate referral $ARID"
	e2e_wait_for "FULL — waiting list"
	select_row "IDVA Service (Cambridgeshire)"
	e2e_keys Enter
	e2e_wait_for "has no free place"
	e2e_keys y
	e2e_wait_for "On the waiting list"
	e2e_wait_for "IDVA Service (Cambridgeshire) is full: referral $ARID is on its"
	e2e_keys Enter
	e2e_wait_for "Referral #$ARID "
	[ -n "$(sql "select waiting_since from referrals where id = $ARID")" ] ||
		e2e_fail "not on the waiting list"
}

e2e_test "DASH: 15 Yes and 9 No give score 15, HIGH and MARAC live; saved, the case shows them" \
	t_dash_live_score_level_and_marac
e2e_test "DASH: a Yes on question 8 offers the stalking screen (S-DASH)" \
	t_dash_q8_yes_offers_stalking_screen
e2e_test "DASH: professional judgement cannot lower the level (the core's message)" \
	t_dash_judgement_cannot_lower
e2e_test "DASH: professional judgement raises the level with a reason, and refers to MARAC" \
	t_dash_judgement_raises_with_a_reason
e2e_test "DASH: ? answers Not known, F1 is help, Esc asks before discarding" \
	t_dash_f1_help_question_mark_answers_and_esc_asks
e2e_test "DASH: a lock clears unsaved answers" t_dash_lock_clears_unsaved_answers
e2e_test "SV: a domain scored 3 suggests HIGH" t_sv_domain_scored_3_suggests_high
e2e_test "Needs: saved and shown again" t_needs_saved_and_shown_again
e2e_test "Allocate: IDVA recommended for DA high; another service asks for a reason" \
	t_allocate_recommends_idva_and_asks_why_not
e2e_test "Allocate: a full service puts the referral on its waiting list" \
	t_allocate_full_service_goes_to_waiting_list
e2e_summary
