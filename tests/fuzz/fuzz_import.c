/*
 * fuzz_import.c - libFuzzer target for the CSV import (core/io.c), the
 * parser of the one file format that comes from outside.
 *
 * One scratch database per process, created on the first input with a
 * fixed admin (Argon2id is far too slow to pay per input), in a private
 * temporary directory removed at exit.  Each input is imported as a CSV:
 * a bad file rolls back, a good one commits, and the database simply grows.
 * Beyond "no crash, no sanitizer report" it checks that a refused file
 * imported nothing and that no message carries a raw control byte to the
 * terminal.  No main(): libFuzzer or the corpus replay driver calls
 * LLVMFuzzerTestOneInput.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dasv.h"
#include "io.h"
#include "referral.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PASS "fuzzing passphrase"

static struct dasv *db;
static char dir[64], path[128];

static void
cleanup(void)
{
	char side[160];

	dasv_close(&db);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	rmdir(dir);
}

static void
setup_once(void)
{
	char err[256];

	if (db)
		return;
	/* a fixed day, so the same input always meets the same "future" */
	setenv("DASV_TODAY", "2026-06-15", 1);
	if (dasv_process_init(err, sizeof(err)) != DASV_OK)
		abort();
	snprintf(dir, sizeof(dir), "/tmp/dasv-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.db", dir);
	if (dasv_init(path, "admin", FUZZ_PASS, &db) != DASV_OK)
		abort();
	atexit(cleanup);
}

/* Imported referrals are new or triaged, so all of them are in the queue. */
static int64_t
referrals(void)
{
	int64_t n = 0;

	if (dasv_list_count(db, DASV_LIST_QUEUE, 0, &n) != DASV_OK)
		abort();
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dasv_import_result res;
	enum dasv_status st;
	uint8_t *copy;
	int64_t before;
	FILE *fp;

	setup_once();
	/* fmemopen wants a writable buffer; never hand it the fuzzer's */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	fp = size ? fmemopen(copy, size, "r") : fopen("/dev/null", "r");
	if (!fp) {
		free(copy);
		return 0;
	}
	before = referrals();
	st = dasv_import_csv(db, fp, &res);
	fclose(fp);
	free(copy);
	if (st != DASV_OK && st != DASV_INVALID && st != DASV_IO)
		abort();
	if (st == DASV_OK && res.imported > 0 && (res.first_id <= 0 || res.last_id < res.first_id))
		abort();
	if (st != DASV_OK) {
		const char *msg = dasv_errmsg(db);
		if (!msg[0] || res.imported != 0)
			abort();
		for (; *msg; msg++)
			if ((unsigned char)*msg < 0x20 || (unsigned char)*msg == 0x7f)
				abort();
		if (referrals() != before)
			abort(); /* a refused file imported something */
	}
	return 0;
}
