#!/usr/bin/env bash
# tests/e2e/test_cli_keys.sh - the key lifecycle and whole-database commands
# from a script, as an admin would run them: rekey, erase, purge --dry-run,
# backup, restore, and audit verify after the file was edited with sqlite3.
# Checks exit codes, messages and what is (not) left in the file.  The tests
# run in order on one database, as a day of administration would.
# Passphrases go in on file descriptors.  Prints PASS:/FAIL: lines (run.sh
# counts them).  Uses $DASV as the binary.
set -u
DASV=${DASV:-build/dasv}
. "$(dirname "$0")/lib.sh"
export DASV_TODAY=2026-06-15 TZ=UTC

W="$E2E_DIR/keys"
mkdir -p "$W"
DB="$W/k.db"
ADMIN_PASS="admin passphrase for keys"
CW_PASS="caseworker passphrase k"
AUD_PASS="auditor passphrase k"
H='received_on,source,strand,vawg_types,district,first_name,last_name,date_of_birth,phone,postcode,safe_contact,perpetrator_name,perpetrator_relationship,children_count,dash_answers,notes'

run() {
	rc=0
	"$@" >"$W/out" 2>"$W/err" || rc=$?
}

expect_rc() {
	if [ "$rc" -ne "$1" ]; then
		echo "expected exit $1, got $rc; stdout and stderr:" >&2
		cat "$W/out" "$W/err" >&2
		return 1
	fi
}

as() { # as USER PASS ARGS...
	local u=$1 p=$2
	shift 2
	"$DASV" --db "$DB" --user "$u" --passphrase-fd 3 "$@" 3<<<"$p"
}
boss() { as boss "$ADMIN_PASS" "$@"; }
casey() { as casey "$CW_PASS" "$@"; }
audra() { as audra "$AUD_PASS" "$@"; }

# Does the database (file or WAL) hold the text?  The scan must be able to
# find something: t_setup checks it finds a code that is stored in clear.
on_disk() {
	cat "$DB" "$DB-wal" 2>/dev/null | grep -aqF -- "$1"
}

sql() {
	sqlite3 -cmd ".timeout 5000" "$@"
}

t_setup() {
	"$DASV" --db "$DB" --new-passphrase-fd 3 init --admin boss 3<<<"$ADMIN_PASS" >/dev/null
	"$DASV" --db "$DB" --user boss --passphrase-fd 3 --new-passphrase-fd 4 \
		user add casey --role caseworker 3<<<"$ADMIN_PASS" 4<<<"$CW_PASS" >/dev/null
	"$DASV" --db "$DB" --user boss --passphrase-fd 3 --new-passphrase-fd 4 \
		user add audra --role auditor 3<<<"$ADMIN_PASS" 4<<<"$AUD_PASS" >/dev/null
	{
		echo "$H"
		echo '2026-06-01,police,DA,domestic_abuse,cambridge,Ann,Keepsake,1990-01-01,07700 900101,CB1 2AB,Text only,Tom Keepsake,partner,0,YYYYNNNNNNNNNNNNNNNNNNNN,Keepsake notes marker'
		echo '2026-06-02,police,DA,domestic_abuse,fenland,Bea,Vanishwell,1991-02-02,07700 900202,PE15 8ZZ,Call after six,Rex Vanishwell,partner,0,YYYYNNNNNNNNNNNNNNNNNNNN,Vanishwell notes marker'
		echo '2016-01-04,health,DA,domestic_abuse,cambridge,Cat,Oldcase,1970-03-03,,,,,partner,0,,Oldcase notes marker'
	} >"$W/in.csv"
	casey import "$W/in.csv" >"$W/out"
	grep -q 'imported 3 referrals (ids 1-3)' "$W/out"
	# control for on_disk: a district code is stored in clear
	on_disk "fenland"
	! on_disk "Vanishwell"
	! on_disk "Keepsake notes marker"
}

t_rekey_only_by_an_admin() {
	run casey rekey
	expect_rc 77
	grep -q 'not permitted for the caseworker role' "$W/err"
	run audra rekey
	expect_rc 77
	run as boss "not the admin passphrase" rekey
	expect_rc 77
	grep -q 'wrong user name or passphrase' "$W/err"
	run boss rekey extra
	expect_rc 64
	[ "$(sql "$DB" "SELECT value FROM settings WHERE key = 'key_generation'")" = 1 ]
}

t_rekey_rotates_and_everyone_reads_on() {
	local before
	before=$(sql "$DB" "SELECT hex(record_key) FROM people WHERE id = 1")
	run boss rekey
	expect_rc 0
	grep -q '^data key rotated to generation 2: 3 people and 2 perpetrators re-encrypted' "$W/out"
	grep -q '1 user takes up the new key at the next unlock' "$W/out"
	[ "$(sql "$DB" "SELECT value FROM settings WHERE key = 'key_generation'")" = 2 ]
	[ "$(sql "$DB" "SELECT hex(record_key) FROM people WHERE id = 1")" != "$before" ]
	[ "$(sql "$DB" "SELECT count(*) FROM keyslots k JOIN users u ON u.id = k.user_id
		WHERE u.name = 'casey' AND pending_data IS NOT NULL AND data_wrapped IS NULL")" = 1 ]
	# the WAL was emptied: no old page left in it
	[ ! -s "$DB-wal" ]
	# casey takes the new key up at her next unlock and reads as before
	casey referral show 1 >"$W/show"
	grep -q '^Name: *Ann Keepsake' "$W/show"
	grep -q 'Text only' "$W/show"
	[ "$(sql "$DB" "SELECT count(*) FROM keyslots k JOIN users u ON u.id = k.user_id
		WHERE u.name = 'casey' AND pending_data IS NULL AND data_wrapped IS NOT NULL")" = 1 ]
	audra audit verify >"$W/out"
	grep -q '^audit chain verifies' "$W/out"
	[ "$(sql "$DB" "SELECT count(*) FROM audit_log WHERE action = 'rekey'")" = 1 ]
}

t_erase_refusals() {
	run boss erase 2
	expect_rc 64
	run boss erase --reason "asked to"
	expect_rc 64
	run boss erase abc --reason "asked to"
	expect_rc 64
	run casey erase --referral 2 --reason "asked to"
	expect_rc 77
	run boss erase 999 --reason "asked to"
	expect_rc 65
	[ "$(sql "$DB" "SELECT count(*) FROM people WHERE erased_at IS NOT NULL")" = 0 ]
}

t_erase_by_referral_destroys_the_person() {
	run boss erase --referral 2 --reason "Subject access and erasure request"
	expect_rc 0
	grep -q '^person 2 erased: their record key is destroyed' "$W/out"
	grep -q '1 perpetrator record linked to no one else erased too' "$W/out"
	[ "$(sql "$DB" "SELECT count(*) FROM people WHERE id = 2 AND record_key IS NULL AND
		last_name IS NULL AND phone IS NULL AND safe_contact IS NULL AND bi_name_dob IS NULL")" = 1 ]
	[ "$(sql "$DB" "SELECT count(*) FROM referrals WHERE id = 2 AND notes IS NULL AND
		district = 'fenland'")" = 1 ]
	# the person is gone from the file, even the pages it was on
	! on_disk "Vanishwell"
	! on_disk "Call after six"
	! on_disk "Subject access"
	run boss referral show 2
	expect_rc 65
	grep -q 'erased' "$W/err"
	! grep -q 'Vanishwell' "$W/out" "$W/err"
	# erasing twice says so
	run boss erase 2 --reason "again"
	expect_rc 65
	grep -q 'already erased' "$W/err"
	# the others are untouched
	boss referral show 1 >"$W/show"
	grep -q '^Name: *Ann Keepsake' "$W/show"
}

t_purge_dry_run_lists_and_changes_nothing() {
	run casey purge --dry-run
	expect_rc 77
	run boss purge --now
	expect_rc 64
	# nothing closed yet: no one is due
	run boss purge --dry-run
	expect_rc 0
	grep -q '^0 people are due for erasure' "$W/out"
	# referral 3 closed in 2017 (as the closing screen would have stored it)
	sql "$DB" "UPDATE referrals SET status = 'closed', closed_on = '2017-02-01',
		close_reason = 'support_completed' WHERE id = 3"
	run boss purge --dry-run
	expect_rc 0
	grep -Eq '^PERSON +REFERRALS +LAST CLOSED' "$W/out"
	grep -Eq '^3 +1 +2017-02-01' "$W/out"
	grep -q '^1 person is due for erasure: every referral closed more than 6 years ago' "$W/out"
	# a dry run erases nothing, and is audited
	[ "$(sql "$DB" "SELECT count(*) FROM people WHERE id = 3 AND record_key IS NOT NULL")" = 1 ]
	[ "$(sql "$DB" "SELECT count(*) FROM audit_log WHERE action = 'purge_dry_run'")" = 2 ]
	boss referral show 3 >"$W/show"
	grep -q 'Oldcase' "$W/show"
}

t_backup_is_private_and_refuses_to_overwrite() {
	run casey backup "$W/casey.bak"
	expect_rc 77
	[ ! -e "$W/casey.bak" ]
	run boss backup "$W/one.bak"
	expect_rc 0
	grep -q "^backed up to $W/one.bak (mode 0600" "$W/out"
	[ "$(stat -c %a "$W/one.bak")" = 600 ]
	# one self-contained file, with the audit entry of its own making
	[ ! -e "$W/one.bak-wal" ]
	[ "$(sql "$W/one.bak" "PRAGMA integrity_check")" = ok ]
	[ "$(sql "$W/one.bak" "SELECT count(*) FROM audit_log WHERE action = 'backup'")" = 1 ]
	! grep -aqF "Keepsake notes marker" "$W/one.bak"
	! grep -aqF "Vanishwell" "$W/one.bak"
	run boss backup "$W/one.bak"
	expect_rc 73
	grep -q 'exists' "$W/err"
	mkdir -m 777 "$W/open"
	run boss backup "$W/open/x.bak"
	[ "$rc" -ne 0 ]
	[ ! -e "$W/open/x.bak" ]
}

t_restore_checks_then_puts_the_backup_back() {
	local n
	# work after the backup: one more referral
	{
		echo "$H"
		echo '2026-06-10,police,DA,domestic_abuse,cambridge,Dee,Afterbackup,1992-04-04,,,,,partner,0,,'
	} >"$W/after.csv"
	casey import "$W/after.csv" >/dev/null
	[ "$(sql "$DB" "SELECT count(*) FROM referrals")" = 4 ]
	# refusals first, changing nothing
	run casey restore "$W/one.bak"
	expect_rc 77
	run as boss "not the admin passphrase" restore "$W/one.bak"
	expect_rc 77
	echo "not a database at all, just text" >"$W/junk.bak"
	run boss restore "$W/junk.bak"
	[ "$rc" -ne 0 ]
	# a backup whose audit chain was edited is refused
	cp "$W/one.bak" "$W/edited.bak"
	sql "$W/edited.bak" "DROP TRIGGER audit_log_no_update;
		UPDATE audit_log SET detail = 'role=admin' WHERE id = 3"
	run boss restore "$W/edited.bak"
	expect_rc 65
	grep -q 'audit' "$W/err"
	[ "$(sql "$DB" "SELECT count(*) FROM referrals")" = 4 ]
	# the real thing
	run boss restore "$W/one.bak"
	expect_rc 0
	grep -q "^restored $W/one.bak: [0-9]* audit entries verified" "$W/out"
	n=$(sql "$DB" "SELECT count(*) FROM referrals")
	[ "$n" = 3 ] || { echo "restored database has $n referrals" >&2; return 1; }
	[ "$(sql "$DB" "SELECT count(*) FROM audit_log WHERE action = 'restore'")" = 1 ]
	casey referral show 1 >"$W/show"
	grep -q '^Name: *Ann Keepsake' "$W/show"
	audra audit verify >"$W/out"
	grep -q '^audit chain verifies' "$W/out"
}

t_audit_verify_after_sqlite3_edits() {
	local head
	audra audit head >"$W/head"
	head=$(cut -d' ' -f2 "$W/head")
	[ "${#head}" = 64 ]
	audra audit verify --head "$head" >"$W/out"
	cp "$DB" "$W/e1.db"
	cp "$DB" "$W/e2.db"
	cp "$DB" "$W/e3.db"
	# an edited detail (the triggers only stop accidents)
	sql "$W/e1.db" "DROP TRIGGER audit_log_no_update;
		UPDATE audit_log SET detail = 'count=0 first=0 last=0 linked=0' WHERE action = 'import'"
	rc=0
	"$DASV" --db "$W/e1.db" --user audra --passphrase-fd 3 audit verify 3<<<"$AUD_PASS" \
		>"$W/out" 2>"$W/err" || rc=$?
	expect_rc 65
	grep -q "audit chain broken at entry $(sql "$W/e1.db" "SELECT min(id) FROM audit_log
		WHERE action = 'import'")" "$W/err"
	# an entry deleted from the middle
	sql "$W/e2.db" "DROP TRIGGER audit_log_no_delete;
		DELETE FROM audit_log WHERE action = 'rekey'"
	rc=0
	"$DASV" --db "$W/e2.db" --user boss --passphrase-fd 3 audit verify 3<<<"$ADMIN_PASS" \
		>"$W/out" 2>"$W/err" || rc=$?
	expect_rc 65
	grep -q 'audit chain broken at entry' "$W/err"
	# entries cut from the end: the chain still holds, the recorded head does not
	sql "$W/e3.db" "DROP TRIGGER audit_log_no_delete;
		DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)"
	"$DASV" --db "$W/e3.db" --user audra --passphrase-fd 3 audit verify 3<<<"$AUD_PASS" >/dev/null
	rc=0
	"$DASV" --db "$W/e3.db" --user audra --passphrase-fd 3 audit verify --head "$head" \
		3<<<"$AUD_PASS" >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 65
	grep -q 'the recorded head is not in the chain' "$W/err"
	# the live database is untouched by all that
	audra audit verify --head "$head" >/dev/null
}

e2e_test "setup: a database with three referrals" t_setup
e2e_test "rekey: only an admin" t_rekey_only_by_an_admin
e2e_test "rekey: rotates, everyone reads on" t_rekey_rotates_and_everyone_reads_on
e2e_test "erase: usage and refusals" t_erase_refusals
e2e_test "erase --referral: the person is gone from the file" t_erase_by_referral_destroys_the_person
e2e_test "purge --dry-run: lists who is due, erases no one" t_purge_dry_run_lists_and_changes_nothing
e2e_test "backup: 0600, self-contained, never over a file" t_backup_is_private_and_refuses_to_overwrite
e2e_test "restore: refuses a bad backup, then puts a good one back" \
	t_restore_checks_then_puts_the_backup_back
e2e_test "audit verify: exit 65 after sqlite3 edits, deletions and a cut tail" \
	t_audit_verify_after_sqlite3_edits
e2e_summary
