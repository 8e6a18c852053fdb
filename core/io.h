/*
 * io.h - bulk import and export of referrals as CSV (RFC 4180, core/csv.h).
 *
 * Owns: the import/export column vocabulary (DESIGN.md section 7), turning a
 * CSV row into a referral and back, and the one audit entry per import or
 * export.  Both stream: memory is bounded by one CSV record or one page of
 * ids, never by the file or the database.
 *
 * Must never: print, exit, include curses, or put a personal value into a
 * message.  A bad row is reported as "line N, column C (name): reason"; the
 * reason names what is wrong (a date in the future, an unknown code), never
 * the value of a name, date of birth, phone, postcode, e-mail, address or
 * free text.
 *
 * Columns (header row required, any order, names case-insensitive):
 *   required  received_on source strand vawg_types district first_name
 *             last_name date_of_birth phone postcode safe_contact
 *             perpetrator_name perpetrator_relationship children_count
 *             dash_answers notes
 *   optional  sex ethnicity disability sexual_orientation gender_reassignment
 *             pregnancy religion interpreter nrpf consent_to_share
 *             sharing_basis do_not_inform_perpetrator incident_on address
 *             email perpetrator_dob children_ages safe_to_call voicemail_ok
 *             letters_ok
 *   ignored   id status level dash_score marac service (written by export,
 *             so an export can be imported again)
 * Any other column name is refused, so a misspelt optional column cannot
 * silently drop data.
 */
#ifndef DASV_IO_H
#define DASV_IO_H

#include <stdint.h>
#include <stdio.h>

#include "dasv.h"

struct dasv_import_result {
	int64_t imported;  /* rows imported (0 unless the whole file was) */
	int64_t linked;    /* of those, people with earlier referrals (repeat victims) */
	int64_t first_id;  /* referral ids given to the first and last row; 0 if none */
	int64_t last_id;
};

/*
 * Import every row of fp, which the caller opened and closes, in ONE
 * transaction: any bad row rolls back the whole file (res->imported = 0) and
 * the message in dasv_errmsg(d) says "line N, column C (name): reason".
 * A missing required column is named.  Caseworkers, supervisors and admins;
 * auditors DASV_DENIED.  One audit entry "import" with the count and id range.
 *
 * dash_answers (24 of Y/N/?, or empty for no DASH) is recorded as a DASH
 * assessed on received_on, with consent_to_share standing in for the
 * victim's consent to a MARAC referral (the CSV has no separate column).
 */
enum dasv_status dasv_import_csv(struct dasv *d, FILE *fp, struct dasv_import_result *res);

struct dasv_export_result {
	int64_t exported;
	int64_t first_id;  /* lowest and highest id written; 0 if none */
	int64_t last_id;
};

/*
 * Write the referrals the session may see, decrypted, to fp as CSV with a
 * header: id, the import columns, then status, level, dash_score, marac,
 * service.  Caseworkers get the referrals they created or are allocated
 * (never those opened by break-glass: that covers one record on screen, not
 * a bulk copy); supervisors and admins get all; auditors DASV_DENIED.
 * Referrals of erased people are left out.  Rows in id order, read a page
 * of ids at a time.
 *
 * Fields are written with dasv_csv_write_field (exact), NOT the
 * formula-guarded writer: this export exists to be imported again (another
 * dasv, a commissioned system), and a guard apostrophe would change a name
 * on every round trip.  Whoever opens it in a spreadsheet must treat it as
 * data, which the CLI's help says.
 *
 * One audit entry "export" with the count and id range.  If writing fails
 * part-way the entry is still made for what was written (detail marks it
 * incomplete) and DASV_IO is returned; the caller should delete the file.
 * fp is not closed; the caller must check its fclose().
 */
enum dasv_status dasv_export_csv(struct dasv *d, FILE *fp, struct dasv_export_result *res);

#endif
