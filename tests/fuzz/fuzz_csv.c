/*
 * fuzz_csv.c - libFuzzer target for the CSV reader and writer.
 *
 * Parses the input to its end or first error; every record that parses is
 * written back with the plain writer and must read back identical, and with
 * the safe writer must read back identical or with one leading apostrophe.
 * Any mismatch abort()s.  No main(): libFuzzer or the corpus replay driver
 * calls LLVMFuzzerTestOneInput.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *
open_bytes(const void *p, size_t len)
{
	/* fmemopen refuses size 0 on some libcs */
	return len ? fmemopen((void *)p, len, "r") : fopen("/dev/null", "r");
}

/* Write fields with wr, read them back, and check each against the original
 * (allowing a leading apostrophe when guarded). */
static void
round_trip(char **fields, size_t n,
	   enum dasv_status (*wr)(FILE *, const char *, int), int guarded)
{
	struct dasv_csv_reader *r = NULL;
	char *buf = NULL, **back, err[160];
	size_t len = 0, nback, i;
	const char *got;
	FILE *out, *in;

	out = open_memstream(&buf, &len);
	if (!out)
		abort();
	for (i = 0; i < n; i++)
		if (wr(out, fields[i], i + 1 == n) != DASV_OK)
			abort();
	if (fclose(out) != 0)
		abort();

	in = open_bytes(buf, len);
	if (!in || dasv_csv_reader_new(in, &r) != DASV_OK)
		abort();
	if (dasv_csv_next(r, &back, &nback, err, sizeof err) != DASV_OK)
		abort();
	if (nback != n)
		abort();
	for (i = 0; i < n; i++) {
		got = back[i];
		if (guarded && got[0] == '\'' && fields[i][0] != '\'' &&
		    strcmp(got + 1, fields[i]) == 0)
			continue;
		if (strcmp(got, fields[i]) != 0)
			abort();
	}
	/* one record in, one record out */
	if (dasv_csv_next(r, &back, &nback, err, sizeof err) != DASV_NOTFOUND)
		abort();
	dasv_csv_reader_free(&r);
	fclose(in);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dasv_csv_reader *r = NULL;
	enum dasv_status st;
	char **fields, err[160];
	size_t n, nrec = 0;
	uint8_t *copy;
	FILE *fp;

	/* fmemopen wants a writable buffer type; never hand it the fuzzer's */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	fp = open_bytes(copy, size);
	if (!fp)
		goto out;
	if (dasv_csv_reader_new(fp, &r) != DASV_OK)
		abort();
	for (;;) {
		st = dasv_csv_next(r, &fields, &n, err, sizeof err);
		if (st != DASV_OK)
			break;
		if (n == 0 || n > DASV_CSV_MAX_FIELDS || fields[n] != NULL)
			abort();
		if (nrec++ == 0 &&
		    dasv_csv_header_index(fields, n, fields[n - 1]) >= (int)n)
			abort();
		round_trip(fields, n, dasv_csv_write_field, 0);
		round_trip(fields, n, dasv_csv_write_field_safe, 1);
	}
	if (st != DASV_NOTFOUND && st != DASV_INVALID)
		abort();
	/* a message is always set, and never longer than its buffer */
	if (st == DASV_INVALID && (err[0] == '\0' ||
				   strnlen(err, sizeof err) == sizeof err))
		abort();
out:
	dasv_csv_reader_free(&r);
	if (fp)
		fclose(fp);
	free(copy);
	return 0;
}
