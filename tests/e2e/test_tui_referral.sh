#!/usr/bin/env bash
# tests/e2e/test_tui_referral.sh - the intake form and the case screen of the
# real dasv in tmux: a caseworker types a referral (text, dates, pick-lists,
# yes/no) and lands on its case with the safe-contact instructions at the
# top; a bad date is refused beside its field; the same surname and date of
# birth again brings the repeat-victimisation warning; break-glass asks for a
# reason; a note holding escape sequences is shown as placeholders.  Prints
# PASS:/FAIL: lines (run.sh counts them).  Uses $DASV as the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
DASV=${DASV:-build/dasv}
. tests/e2e/lib.sh

if [ ! -x "$DASV" ]; then
	echo "FAIL: dasv binary at $DASV"
	exit 1
fi

W="$E2E_DIR/referral"
mkdir -p "$W"
BASE="$W/base.db"
CW_PASS=demo-casework-pass
CW2_PASS=demo-casework2-pass
# the demo users (core/demo.h) and no referrals: every referral here is ours
if ! "$DASV" --db "$BASE" demo --referrals 0 >"$W/demo.out" 2>&1; then
	echo "FAIL: dasv demo --referrals 0"
	cat "$W/demo.out"
	exit 1
fi

# A fresh copy of the base database for one test.
fresh_db() {
	rm -f "$W/t.db" "$W/t.db-wal" "$W/t.db-shm"
	cp "$BASE" "$W/t.db"
	DB="$W/t.db"
}

# dasv as USER (passphrase PASS) on $DB, from the command line
cli() {
	local user=$1 pass=$2
	shift 2
	"$DASV" --db "$DB" --user "$user" --passphrase-fd 3 "$@" 3<<<"$pass"
}

# One referral made by the caseworker, as an import: Amara Okafor, born 1990-05-17.
import_one() {
	cat >"$W/one.csv" <<-'EOF'
	received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,children_count,dash_answers,notes,consent_to_share
	2026-01-10,police,DA,domestic_abuse,fenland,Amara,Okafor,1990-05-17,07700 900111,PE13 1AB,Text first; never call after 6pm,,,0,,"Referred by PC Hale.
	Sister is a safe contact.",yes
	EOF
	cli caseworker "$CW_PASS" import "$W/one.csv" >"$W/import.out" 2>&1 ||
		e2e_fail "import: $(cat "$W/import.out")"
}

# From home: search by referral id and open the one found.
open_by_id() {
	e2e_keys /
	e2e_wait_for "Search referrals"
	e2e_type "$1"
	e2e_keys Enter
	e2e_wait_for "1 referral found"
	e2e_keys Enter
}

start_as() {
	local user=$1 pass=$2
	e2e_start dasv "$DASV" --db "$DB" --user "$user"
	e2e_wait_for "Passphrase"
	e2e_type "$pass"
	e2e_keys Enter
	e2e_wait_gone "Passphrase"
}

# Press Tab n times.
tabs() {
	local i
	for ((i = 0; i < $1; i++)); do
		e2e_keys Tab
	done
}

# From the form's first field (Received, today): fill in a DA referral for
# FIRST LAST born DOB with safe-contact instructions SAFE.  Pick-lists are
# set with Right (the first choice) so the codes stored are known.
fill_form() {
	local first=$1 last=$2 dob=$3 safe=$4
	e2e_wait_for "New referral: fields marked * are required"
	e2e_keys Tab			# latest incident: left blank
	e2e_keys Tab Right		# referred by: Police
	e2e_keys Tab Right		# strand: Domestic abuse (DA)
	e2e_keys Tab Right		# district: Cambridge
	e2e_keys Tab Space		# type of abuse: domestic abuse, yes
	tabs 7				# past the other six types, to the first name
	e2e_type "$first"
	e2e_keys Tab
	e2e_type "$last"
	e2e_keys Tab
	e2e_type "$dob"
	e2e_keys Tab
	e2e_type "14 Mill Road, Cambridge"
	e2e_keys Tab
	e2e_type "cb1 2ab"
	e2e_keys Tab
	e2e_type "07700 900123"
	e2e_keys Tab			# e-mail: blank
	e2e_keys Tab
	e2e_type "$safe"
	e2e_keys Tab Right		# safe to call: Yes
	e2e_keys Tab Right Right	# voicemail: No
	e2e_keys Tab Right Right	# letters: No
	e2e_keys Tab
	e2e_type "2"			# children
	e2e_keys Tab
	e2e_type "4;7"
	e2e_keys Tab
	e2e_type "Gary Smith"		# perpetrator
	e2e_keys Tab			# perpetrator's date of birth: blank
	e2e_keys Tab Right Right	# relationship: Ex-partner
	e2e_keys Tab Space		# consent to share: Yes
	e2e_keys Tab			# legal basis: not needed with consent
	e2e_keys Tab Space		# do not inform the perpetrator: Yes
	# the last field typed is on screen: the keys have all arrived
	e2e_wait_for "Do not inform perpetrator"
}

SAFE="Call only Tue-Thu 10-12, say it is the GP surgery"

t_create_referral_and_see_safe_contact_first() {
	fresh_db
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_keys n
	fill_form "Leila" "Haddad" "1988-03-02" "$SAFE"
	e2e_keys F2
	e2e_wait_for "Referral #1"
	e2e_wait_for "SAFE CONTACT"
	# what anyone about to call must read, within the first lines of the screen
	local top
	top=$(e2e_screen | head -n 9)
	for t in "$SAFE" "Safe to call: Yes" "Voicemail: NO" "Letters: NO" \
		"DO NOT INFORM PERPETRATOR"; do
		echo "$top" | grep -qF -- "$t" || e2e_fail "not at the top: $t"
	done
	# the new id is said, and the details follow below the box
	e2e_screen | grep -qF "Referral #1 saved" || e2e_fail "no saved message with the id"
	e2e_wait_for "Referred by           Police"
	e2e_wait_for "District              Cambridge"
	# the case scrolls; the box stays
	e2e_keys PgDn
	e2e_wait_for "Leila Haddad"
	e2e_wait_for "2 (ages 4, 7)"
	e2e_keys End
	e2e_wait_for "Ex-partner"
	e2e_wait_for "Created by caseworker"
	e2e_screen | head -n 9 | grep -qF -- "$SAFE" || e2e_fail "the safe-contact box scrolled away"
	e2e_keys Home
	e2e_wait_for "Risk"
	# Esc goes back home (the form was replaced by the case, not stacked under it)
	e2e_keys Escape
	e2e_wait_for "My caseload"
	e2e_screen | grep -qF "New referral" && e2e_fail "the form came back"
	e2e_keys q
	e2e_wait_exit >/dev/null
	# codes are stored, labels were shown
	cli caseworker "$CW_PASS" export --out "$W/out.csv" >/dev/null 2>&1 ||
		e2e_fail "export failed"
	for c in police cambridge ex_partner "CB1 2AB" "4;7"; do
		grep -qF -- "$c" "$W/out.csv" || e2e_fail "export lacks $c"
	done
}

t_bad_date_beside_field_and_save_refused() {
	fresh_db
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_keys n
	e2e_wait_for "New referral"
	e2e_wait_for "YYYY-MM-DD"
	e2e_keys Tab
	e2e_type "2023-02-30"
	e2e_keys Tab
	e2e_wait_for "No such date"
	e2e_screen | grep -F "Latest incident" | grep -qF "No such date" ||
		e2e_fail "the message is not beside the field"
	# a date in the future is refused too, with its reason
	e2e_keys BTab C-u
	e2e_type "2099-01-01"
	e2e_keys Tab
	e2e_wait_for "In the future"
	e2e_screen | grep -F "Latest incident" | grep -qF "In the future" ||
		e2e_fail "the future date's message is not beside the field"
	e2e_keys F2
	e2e_wait_for "Some fields need attention"
	e2e_screen | grep -qF "SAFE CONTACT" && e2e_fail "saved with a bad date"
	# required fields say so, beside them
	e2e_screen | grep -F "Referred by" | grep -qF "Choose one" ||
		e2e_fail "no message beside a required pick-list"
	# nothing was stored
	e2e_keys Escape
	e2e_wait_for "Discard unsaved changes?"
	e2e_keys y
	e2e_wait_for "My caseload"
	[ "$(sqlite3 "$DB" 'select count(*) from referrals')" = 0 ] || e2e_fail "a referral was stored"
}

t_repeat_victim_warning() {
	fresh_db
	import_one
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	e2e_keys n
	# the same surname and date of birth, another first name spelling
	fill_form "Amarah" "Okafor" "1990-05-17" "Only e-mail"
	e2e_keys F2
	e2e_wait_for "This person matches 1 earlier referral(s):"
	e2e_wait_for "repeat victimisation"
	e2e_screen | grep -qF "#1  2026-01-10" || e2e_fail "the earlier referral is not listed"
	# n: back to the form, nothing saved
	e2e_keys n
	e2e_wait_gone "This person matches"
	e2e_wait_for "New referral"
	[ "$(sqlite3 "$DB" 'select count(*) from referrals')" = 1 ] || e2e_fail "saved after n"
	# y: saved, and the case says repeat victim
	e2e_keys F2
	e2e_wait_for "This person matches 1 earlier referral(s):"
	e2e_keys y
	e2e_wait_for "Referral #2"
	e2e_wait_for "REPEAT VICTIM"
}

# The core refuses control characters in every note it is given, so a note
# holding escape sequences can only come from outside its checks (an older
# version, a bug, a restored backup).  This plants one the way such a path
# would, through the core's internal timeline call, and looks at the screen.
plant_hostile_note() {
	local dir lib cflags=""
	dir=$(dirname "$DASV")
	lib="$dir/libdasvcore.a"
	[ -f "$lib" ] || e2e_fail "no core library at $lib"
	if nm "$lib" 2>/dev/null | grep -q __asan_; then
		cflags="-fsanitize=address,undefined"
	fi
	cat >"$W/plant.c" <<-'EOF'
	#include <stdio.h>
	#include <stdlib.h>
	#include "referral_int.h"

	int
	main(int argc, char **argv)
	{
		struct dasv *d = NULL;
		enum dasv_status st;

		if (argc != 5)
			return 64;
		if (dasv_process_init(NULL, 0) != DASV_OK ||
		    dasv_open(argv[1], 0, &d) != DASV_OK ||
		    dasv_unlock(d, argv[2], argv[3]) != DASV_OK ||
		    dasv_tx_begin(d) != DASV_OK) {
			fprintf(stderr, "plant: %s\n", d ? dasv_errmsg(d) : "open");
			return 1;
		}
		st = dasv_event_add(d, atoll(argv[4]), "note",
				    "before \033[2J\033]0;x\a after");
		if (st == DASV_OK)
			st = dasv_tx_commit(d);
		if (st != DASV_OK)
			fprintf(stderr, "plant: %s\n", dasv_errmsg(d));
		dasv_close(&d);
		return st == DASV_OK ? 0 : 1;
	}
	EOF
	# shellcheck disable=SC2046
	cc -std=c17 -D_GNU_SOURCE $cflags -Icore -I"$dir" $(pkg-config --cflags sqlite3 libsodium) \
		-o "$W/plant" "$W/plant.c" "$lib" $(pkg-config --libs sqlite3 libsodium) \
		>"$W/plant.out" 2>&1 || e2e_fail "cannot build the planter: $(cat "$W/plant.out")"
	ASAN_OPTIONS=detect_leaks=0 "$W/plant" "$DB" caseworker "$CW_PASS" 1 ||
		e2e_fail "could not plant the note"
}

t_hostile_note_is_shown_not_obeyed() {
	fresh_db
	import_one
	plant_hostile_note
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	open_by_id 1
	e2e_wait_for "Referral #1"
	e2e_keys End
	# placeholders on screen, and the text after them on the same line
	e2e_wait_for "before ^[[2J^[]0;x^G after"
	e2e_screen | grep -qF "dasv" || e2e_fail "title bar gone"
	e2e_screen | grep -qF "SAFE CONTACT" || e2e_fail "the safe-contact box was cleared"
	e2e_screen | grep -qF "Text first; never call after 6pm" || e2e_fail "box text gone"
	[ "$(e2e_pane_title)" != "x" ] || e2e_fail "OSC 0 changed the title"
	# typing one in is impossible: the field refuses control characters
	e2e_keys o
	e2e_wait_for "Case note"
	e2e_type "seen at home, all well"
	e2e_keys Enter
	e2e_wait_for "Note added."
	e2e_wait_for "seen at home, all well"
}

t_break_glass_needs_a_reason() {
	fresh_db
	import_one
	start_as caseworker2 "$CW2_PASS"
	e2e_wait_for "My caseload"
	open_by_id 1
	e2e_wait_for "this referral is outside your caseload"
	e2e_wait_for "Supervisors will see your reason."
	e2e_keys Enter
	e2e_wait_for "A reason is required."
	e2e_type "Duty desk: caller says she is in danger now"
	e2e_keys Enter
	e2e_wait_for "Referral #1"
	e2e_wait_for "Text first; never call after 6pm"
	[ "$(sqlite3 "$DB" 'select count(*) from break_glass where referral_id = 1')" = 1 ] ||
		e2e_fail "break-glass not recorded"
}

t_edit_keeps_version_and_saves() {
	fresh_db
	import_one
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	open_by_id 1
	e2e_wait_for "Referral #1"
	e2e_keys e
	e2e_wait_for "Edit referral"
	e2e_wait_for "Okafor"
	# someone else saves in between: ours must not overwrite theirs
	sqlite3 "$DB" "update referrals set version = version + 1 where id = 1"
	e2e_keys F2
	e2e_wait_for "Changed by someone else"
	e2e_wait_for "was changed by"
	e2e_keys Enter
	e2e_keys Escape
	e2e_wait_for "Referral #1"
	# reopen and edit again: saved
	e2e_keys e
	e2e_wait_for "Edit referral"
	e2e_keys Tab
	e2e_type "2026-01-09"
	e2e_keys F2
	e2e_wait_for "Referral #1 updated."
	e2e_wait_for "latest incident 2026-01-09"
	# the note's two lines were edited through a one-line field and kept
	e2e_keys End
	e2e_wait_for "  Referred by PC Hale."
	e2e_wait_for "  Sister is a safe contact."
}

t_lock_hides_case_and_reads_it_again() {
	fresh_db
	import_one
	start_as caseworker "$CW_PASS"
	e2e_wait_for "My caseload"
	open_by_id 1
	e2e_wait_for "Text first; never call after 6pm"
	local opens
	opens=$(sqlite3 "$DB" "select count(*) from audit_log where action = 'referral_open'")
	e2e_keys F12
	e2e_wait_for "Passphrase"
	for t in "Text first" "Okafor" "SAFE CONTACT" "Referral #1"; do
		e2e_screen | grep -qF -- "$t" && e2e_fail "visible while locked: $t"
	done
	e2e_type "$CW_PASS"
	e2e_keys Enter
	e2e_wait_gone "Passphrase"
	# read again after the unlock (the lock wiped it), once
	e2e_wait_for "Text first; never call after 6pm"
	e2e_wait_for "Amara Okafor"
	[ "$(sqlite3 "$DB" "select count(*) from audit_log where action = 'referral_open'")" = \
		$((opens + 1)) ] || e2e_fail "not read exactly once after the unlock"
}

e2e_test "form: a new referral lands on its case, safe contact at the top" \
	t_create_referral_and_see_safe_contact_first
e2e_test "form: a bad date is shown beside the field and saving is refused" \
	t_bad_date_beside_field_and_save_refused
e2e_test "form: same surname and date of birth warns of repeat victimisation" \
	t_repeat_victim_warning
e2e_test "case: a note with escape sequences shows placeholders" \
	t_hostile_note_is_shown_not_obeyed
e2e_test "case: break-glass asks for a reason and records it" t_break_glass_needs_a_reason
e2e_test "edit: a conflicting save is refused, then an edit is saved" \
	t_edit_keeps_version_and_saves
e2e_test "case: a lock hides the case; it is read again after unlocking" \
	t_lock_hides_case_and_reads_it_again
e2e_summary
