#!/usr/bin/env bash
# test_uidemo.sh - end-to-end tests of the TUI framework through uidemo:
# footer and help, paging a 100 000-row list, hostile text, resizing and the
# too-small screen, monochrome, the idle lock, forms and dialogs.
#
# UIDEMO=path/to/uidemo (default build/uidemo).  Prints PASS:/FAIL: lines.

cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh

UIDEMO=${UIDEMO:-build/uidemo}
if [ ! -x "$UIDEMO" ]; then
	echo "FAIL: uidemo binary at $UIDEMO"
	exit 1
fi

# The first row's line: title, sample line, column header, then rows.
FIRST_ROW_Y=3

start_demo() {
	e2e_start demo "$UIDEMO" "$@"
	e2e_wait_for "000001"
}

t_footer_shows_keys() {
	start_demo
	e2e_wait_for "Enter Open  / Search  q Quit  ? Help  ^X Lock"
}

t_help_opens_and_esc_closes() {
	start_demo
	e2e_keys '?'
	e2e_wait_for "Keys: Referrals"
	# every key of the screen, from the same table as the footer
	for k in "Search by reference or name" "PgDn ^F" "End G ^E" "^X F12" "Esc"; do
		e2e_screen | grep -qF -- "$k" || e2e_fail "help lacks $k"
	done
	e2e_keys Escape
	e2e_wait_gone "Keys: Referrals"
	e2e_wait_for "000007  HIGH"
}

t_cursor_follows_selection() {
	start_demo
	[ "$(e2e_cursor)" = "0 $FIRST_ROW_Y" ] || e2e_fail "cursor at $(e2e_cursor)"
	e2e_keys j j
	local end=$(( $(date +%s) + 5 ))
	until [ "$(e2e_cursor)" = "0 $((FIRST_ROW_Y + 2))" ]; do
		[ "$(date +%s)" -lt "$end" ] || e2e_fail "cursor at $(e2e_cursor) after j j"
		sleep 0.1
	done
	e2e_keys k
	until [ "$(e2e_cursor)" = "0 $((FIRST_ROW_Y + 1))" ]; do
		[ "$(date +%s)" -lt "$end" ] || e2e_fail "cursor at $(e2e_cursor) after k"
		sleep 0.1
	done
}

t_pgdn_scrolls() {
	start_demo
	e2e_keys NPage
	e2e_wait_for "000026"
	e2e_wait_gone "000001 "
	e2e_keys NPage NPage
	e2e_wait_for "000076"
	e2e_keys PPage
	e2e_wait_for "000051"
	e2e_wait_gone "000076"
}

t_end_reaches_last_row_quickly() {
	start_demo
	e2e_keys End
	# keyset paging fetches the last page directly: well under 2 s
	e2e_wait_for "100000" 2
	e2e_keys Home
	e2e_wait_for "000001" 2
	e2e_keys G k k
	e2e_wait_for "099976" 2
}

t_search_jumps() {
	start_demo
	e2e_keys /
	e2e_wait_for "Find:"
	e2e_type "054321"
	e2e_keys Enter
	e2e_wait_for "054321"
	e2e_wait_gone "Find:"
}

t_hostile_text_is_shown_not_obeyed() {
	start_demo
	# placeholders on screen, and nothing after them was lost to a clear
	e2e_wait_for "^[[2J^[]0;x^G Mallory"
	e2e_wait_for "Untrusted sample: ^[[2J^[]0;x^G"
	e2e_screen | grep -qF "dasv — DEMO" || e2e_fail "title bar gone"
	e2e_screen | grep -qF "000025" || e2e_fail "rows after the hostile one gone"
	[ "$(e2e_pane_title)" != "x" ] || e2e_fail "OSC 0 changed the title"
}

t_too_small_then_q_quits() {
	start_demo
	e2e_resize 60 20
	e2e_wait_for "Terminal too small: 60x20"
	e2e_keys q
	st=$(e2e_wait_exit)
	[ "$st" = 0 ] || e2e_fail "exit status $st"
}

t_resize_back_redraws() {
	start_demo
	e2e_resize 60 20
	e2e_wait_for "Terminal too small"
	e2e_resize 100 30
	e2e_wait_for "Enter Open  / Search"
	e2e_wait_gone "Terminal too small"
	e2e_wait_for "000025"
	e2e_resize 120 40
	e2e_wait_for "000035"
}

t_no_color_is_monochrome() {
	E2E_ENV="NO_COLOR=1 " start_demo
	e2e_wait_for "HIGH"
	# attributes only: no SGR colour parameter (30-37, 40-47, 38, 48)
	if e2e_screen_attrs | grep -qE $'\e\\[([0-9]+;)*(3[0-8]|4[0-8])(;[0-9]+)*m'; then
		e2e_fail "colour escape in NO_COLOR mode"
	fi
}

t_color_flag_off() {
	start_demo --no-color
	e2e_wait_for "HIGH"
	if e2e_screen_attrs | grep -qE $'\e\\[([0-9]+;)*(3[0-8]|4[0-8])(;[0-9]+)*m'; then
		e2e_fail "colour escape with --no-color"
	fi
}

t_color_by_default() {
	start_demo
	e2e_screen_attrs | grep -qE $'\e\\[([0-9]+;)*(3[0-7])(;[0-9]+)*m' ||
		e2e_fail "no colour by default"
}

t_term_linux_8_colours() {
	E2E_TERM=linux start_demo
	e2e_wait_for "Enter Open"
	e2e_keys End
	e2e_wait_for "100000"
}

t_idle_lock() {
	start_demo --idle 2
	e2e_wait_for "Passphrase:" 6
	for t in 000001 Mallory "Ref     Risk" "Nowak"; do
		if e2e_screen | grep -qF -- "$t"; then
			e2e_fail "data visible while locked: $t"
		fi
	done
	e2e_type "wrong"
	e2e_keys Enter
	e2e_wait_for "Wrong passphrase"
	e2e_screen | grep -qF "wrong" && e2e_fail "passphrase echoed"
	e2e_type "demo"
	e2e_keys Enter
	e2e_wait_for "000001"
	e2e_wait_gone "Passphrase:"
}

t_lock_key() {
	start_demo
	e2e_keys F12
	e2e_wait_for "Passphrase:"
	e2e_wait_gone "000001"
	e2e_type demo
	e2e_keys Enter
	e2e_wait_for "000001"
	e2e_keys C-x
	e2e_wait_for "Passphrase:"
}

t_form_fields_and_errors() {
	start_demo
	e2e_keys j Enter
	e2e_wait_for "Referral (demo form)"
	e2e_wait_for "F2 Save"
	# name field prefilled from the row: controls become U+FFFD in a field
	e2e_wait_for "�[2J�]0;x� Mallory"
	e2e_keys C-u
	e2e_type "王芳é"
	e2e_keys BSpace
	e2e_wait_for "王芳"
	e2e_wait_gone "王芳é"
	e2e_keys Tab
	e2e_wait_for "YYYY-MM-DD"
	e2e_type "2023-02-30"
	e2e_keys Tab
	e2e_wait_for "No such date"
	e2e_type "CB12AB"
	e2e_keys Tab
	e2e_wait_for "Like CB1 2AB"
	# district: pick-list, q here is not quit
	e2e_keys Right
	e2e_wait_for "Cambridge "
	e2e_keys Tab
	e2e_type "99"
	e2e_keys Tab
	e2e_wait_for "Whole number from 0 to 20"
	e2e_keys Space
	e2e_wait_for "Yes"
	e2e_keys F2
	e2e_wait_for "Some fields need attention"
}

t_form_save_asks_reason() {
	start_demo
	e2e_keys Enter
	e2e_wait_for "Referral (demo form)"
	e2e_keys Tab Tab Tab Enter
	e2e_wait_for "Peterborough"
	e2e_keys Enter
	e2e_keys F2
	e2e_wait_for "Reason for the change:"
	e2e_keys Enter
	e2e_wait_for "A reason is required."
	e2e_type "   "
	e2e_keys Enter
	e2e_wait_for "A reason is required."
	e2e_type "data fix"
	e2e_keys Enter
	e2e_wait_for "Saved (demo: nothing is stored)."
	e2e_keys Escape
	e2e_wait_for "Enter Open"
}

t_esc_asks_before_discarding() {
	start_demo
	e2e_keys Enter
	e2e_wait_for "Referral (demo form)"
	e2e_type "x"
	e2e_keys Escape
	e2e_wait_for "Discard unsaved changes?"
	e2e_keys n
	e2e_wait_gone "Discard unsaved changes?"
	e2e_wait_for "Referral (demo form)"
	# q types into the field rather than quitting
	e2e_type "q"
	e2e_wait_for "Łukasz Nowakxq"
	e2e_keys Escape
	e2e_wait_for "Discard unsaved changes?"
	e2e_keys y
	e2e_wait_for "Enter Open"
}

t_quit_from_top() {
	start_demo
	e2e_keys Escape j
	e2e_wait_for "Enter Open"
	local end=$(( $(date +%s) + 5 ))
	until [ "$(e2e_cursor)" = "0 $((FIRST_ROW_Y + 1))" ]; do
		[ "$(date +%s)" -lt "$end" ] || e2e_fail "not running after Esc"
		sleep 0.1
	done
	e2e_keys q
	st=$(e2e_wait_exit)
	[ "$st" = 0 ] || e2e_fail "exit status $st"
}

t_quit_with_unsaved_asks() {
	start_demo
	e2e_keys Enter
	e2e_wait_for "Referral (demo form)"
	e2e_type "x"
	e2e_keys C-c
	e2e_wait_for "Discard unsaved changes?"
	e2e_keys y
	e2e_wait_for "Enter Open"
	e2e_keys q
	e2e_wait_exit >/dev/null
}

t_sigterm_restores_terminal() {
	start_demo
	kill -TERM "$(e2e_pid)"
	st=$(e2e_wait_exit)
	[ "$st" = 1 ] || e2e_fail "exit status $st"
}

t_idle_writes_nothing_and_ctrl_l_redraws() {
	start_demo
	e2e_wait_for "^X Lock"
	e2e_record
	# the one fixed wait: silence can only be shown by waiting
	sleep 2
	[ "$(e2e_recorded_bytes)" -eq 0 ] || e2e_fail "wrote $(e2e_recorded_bytes) bytes while idle"
	e2e_keys j
	local end=$(( $(date +%s) + 5 ))
	# the cursor is placed last in a frame: once it moved, the frame is out
	until [ "$(e2e_cursor)" = "0 $((FIRST_ROW_Y + 1))" ]; do
		[ "$(date +%s)" -lt "$end" ] || e2e_fail "cursor at $(e2e_cursor) after j"
		sleep 0.1
	done
	# a one-row move sends a few dozen bytes, not a repaint
	[ "$(e2e_recorded_bytes)" -gt 0 ] || e2e_fail "nothing written after j"
	[ "$(e2e_recorded_bytes)" -lt 400 ] || e2e_fail "j wrote $(e2e_recorded_bytes) bytes"
	e2e_keys C-l
	until [ "$(e2e_recorded_bytes)" -gt 2000 ]; do
		[ "$(date +%s)" -lt "$end" ] || e2e_fail "^L did not repaint"
		sleep 0.1
	done
	e2e_wait_for "000025"
}

e2e_test "footer shows the screen's keys" t_footer_shows_keys
e2e_test "? shows help, Esc closes it" t_help_opens_and_esc_closes
e2e_test "hardware cursor follows the selected row" t_cursor_follows_selection
e2e_test "PgDn/PgUp scroll a page" t_pgdn_scrolls
e2e_test "End reaches the last of 100000 rows quickly" t_end_reaches_last_row_quickly
e2e_test "/ searches and jumps" t_search_jumps
e2e_test "idle writes nothing; j writes little; ^L repaints" t_idle_writes_nothing_and_ctrl_l_redraws
e2e_test "hostile text is shown as placeholders" t_hostile_text_is_shown_not_obeyed
e2e_test "60x20 shows terminal too small and q quits" t_too_small_then_q_quits
e2e_test "resizing back redraws the layout" t_resize_back_redraws
e2e_test "NO_COLOR=1 gives a monochrome screen" t_no_color_is_monochrome
e2e_test "--no-color gives a monochrome screen" t_color_flag_off
e2e_test "colour is used by default" t_color_by_default
e2e_test "TERM=linux works" t_term_linux_8_colours
e2e_test "--idle 2 locks and hides the data" t_idle_lock
e2e_test "F12 and ^X lock at once" t_lock_key
e2e_test "form: wide chars, inline errors, pick, yes/no" t_form_fields_and_errors
e2e_test "form: save refuses a blank reason" t_form_save_asks_reason
e2e_test "Esc asks before discarding; q types in a field" t_esc_asks_before_discarding
e2e_test "Esc never quits; q quits from the top" t_quit_from_top
e2e_test "^C with unsaved changes asks first" t_quit_with_unsaved_asks
e2e_test "SIGTERM ends cleanly" t_sigterm_restores_terminal
e2e_summary
