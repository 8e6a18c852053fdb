/*
 * csv.h - RFC 4180 reading and writing for import and export.
 *
 * The reader owns its input buffer and the current record (the field strings
 * and the pointer array handed out by dasv_csv_next); it does not own the
 * FILE.  It streams: memory is bounded by one record (at most
 * DASV_CSV_MAX_FIELDS fields of DASV_CSV_MAX_FIELD bytes), never by the file.
 * The CSV holds survivors' names, addresses and notes, so the reader wipes
 * everything it held when it grows a buffer or is freed, and its error
 * messages carry only line, column, column name and reason -- never a byte of
 * field content.  This module never prints, never exits, never includes curses.
 */
#ifndef DASV_CSV_H
#define DASV_CSV_H

#include <stdio.h>

#include "status.h"

/* Limits on one record; exceeding either is DASV_INVALID, not a crash. */
#define DASV_CSV_MAX_FIELD 65536  /* bytes in one field after unquoting */
#define DASV_CSV_MAX_FIELDS 256   /* fields in one record */

struct dasv_csv_reader;

/*
 * A reader on fp, which stays the caller's to close (after freeing the
 * reader).  The reader reads ahead, so fp's position afterwards says nothing
 * about where the last record ended.
 */
enum dasv_status dasv_csv_reader_new(FILE *fp, struct dasv_csv_reader **out);

/* Wipe the reader's buffers (they held personal data), free it, NULL *r.
 * Accepts NULL and a pointer to NULL. */
void dasv_csv_reader_free(struct dasv_csv_reader **r);

/*
 * Optional: column names for error messages ("line 4, column 2 (surname):
 * ...").  The array and strings are not copied and must outlive the reader.
 * Pass names from the importer's own schema, never cells read from the
 * file: a "header" row may really be a survivor's record.
 */
void dasv_csv_reader_set_names(struct dasv_csv_reader *r,
			       const char *const *names, size_t n);

/*
 * Read the next record.
 *
 * DASV_OK: *fields points to *n NUL-terminated strings (followed by a NULL
 * pointer), all owned by the reader and valid until the next call or free.
 * DASV_NOTFOUND: end of input.
 * DASV_INVALID: malformed input; err gets e.g. "line 12, column 3:
 * unterminated quoted field".  The line is the physical line (1-based) of
 * the offending byte, or where the quote opened for an unterminated quoted
 * field; the column is the field number (1-based).
 * DASV_IO: read error.
 * After INVALID or IO the reader is spent: every later call returns the same
 * status and message, because after a bad quote there is no safe place to
 * resynchronise.
 *
 * Format: comma separator; fields optionally quoted with ", "" inside quotes
 * is one quote; quoted fields may hold commas, CR and LF.  Records end with
 * LF or CRLF; the last may lack one.  A UTF-8 byte order mark at the start is
 * skipped.  Blank lines (anywhere, including at the end) are not records --
 * a spreadsheet cannot tell a blank line from a row of one empty cell, and
 * the writer writes that row as "" so it still round-trips.  No trimming:
 * spaces are data.  Errors: NUL byte anywhere; a quote inside an unquoted
 * field; text after a closing quote; a CR outside quotes not followed by LF;
 * an unterminated quoted field; a field over DASV_CSV_MAX_FIELD bytes; more
 * than DASV_CSV_MAX_FIELDS fields.  Bytes are passed through unchanged (UTF-8
 * is not validated); sanitise before display.
 */
enum dasv_status dasv_csv_next(struct dasv_csv_reader *r, char ***fields,
			       size_t *n, char *err, size_t errsz);

/* Physical line (1-based) where the last returned record started; 0 before
 * the first record. */
size_t dasv_csv_line(const struct dasv_csv_reader *r);

/*
 * Index of column `name` in a header row of n cells, comparing ASCII
 * case-insensitively and ignoring surrounding spaces and tabs on both sides;
 * -1 if absent (or name is NULL).  The first match wins.
 */
int dasv_csv_header_index(char *const *header, size_t n, const char *name);

/*
 * Append one field to fp, quoted when it holds a comma, quote, CR or LF, or
 * begins or ends with a space or tab, or begins with a UTF-8 byte order mark
 * (which a reader would skip at the start of a file); a `last` field ends the record with
 * CRLF, and an empty last field is written as "" so that a record of one
 * empty field is not a blank line.  NULL is written as an empty field.
 * Returns DASV_IO on a write error (output is buffered: the caller must also
 * check fflush/fclose).  The reader gives back exactly what was written.
 */
enum dasv_status dasv_csv_write_field(FILE *fp, const char *s, int last);

/*
 * As dasv_csv_write_field, but guarded against spreadsheet formula injection
 * for exports a person will open in Excel or LibreOffice: a value that the
 * spreadsheet would run as a formula gets a leading apostrophe, which the
 * spreadsheet hides and treats as "this is text".
 *
 * Guarded: a value starting with '=', '@', TAB or CR; and one starting with
 * '+' or '-' unless the rest is only digits, spaces and ". ( ) + -".  The
 * exception keeps phone numbers ("+44 7700 900123", "+44 (0)1223 ...") and
 * negative numbers ("-3.5") exact: without letters, '|' or '!' such a value
 * can name no function, cell or DDE target, so it cannot reach outside the
 * sheet -- at worst the spreadsheet does harmless arithmetic on display.
 *
 * The apostrophe changes the value, so use this only for exports meant for
 * people.  Where an exact round trip matters (backups, transfers to another
 * system, re-import) use dasv_csv_write_field.
 */
enum dasv_status dasv_csv_write_field_safe(FILE *fp, const char *s, int last);

#endif
