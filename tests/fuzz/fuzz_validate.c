/*
 * fuzz_validate.c - libFuzzer target for every parser of outside text in
 * core/: dates, the field validators, DASH/S-DASH answers and code sets.
 *
 * The input is copied to a NUL-terminated buffer (the parsers take C
 * strings) and fed to each.  Beyond "no crash, no sanitizer report" it
 * checks a few invariants that would otherwise go unnoticed: a parsed date
 * formats back to itself, a parsed DASH string is canonical, a parsed code
 * set formats and re-parses to the same mask, and no error message carries
 * a raw control byte to the terminal.  No main(): libFuzzer or the replay
 * driver provides it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "date.h"
#include "risk.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Messages reach a terminal: any raw C0/DEL byte there is a bug. */
static void
check_message(const char *err)
{
	for (; *err; err++)
		if ((unsigned char)*err < 0x20 || (unsigned char)*err == 0x7f)
			abort();
}

static void
fuzz_date(const char *s)
{
	char err[128] = "", buf[11];
	int32_t d, back;

	if (dasv_date_parse(s, &d, err, sizeof(err)) == DASV_OK) {
		dasv_date_format(d, buf);
		if (strcmp(buf, s) != 0)
			abort();
		if (dasv_date_parse(buf, &back, NULL, 0) != DASV_OK || back != d)
			abort();
		(void)dasv_date_weekday(d);
		(void)dasv_date_add_working_days(d, (int)(size_t)strlen(s));
		(void)dasv_date_add_months(d, -13);
	} else {
		check_message(err);
	}
}

static void
fuzz_validators(const char *s)
{
	char err[512] = "", pc[9];
	long l;
	int32_t d;

	dasv_validate_text("f", s, 64, 1, err, sizeof(err));
	check_message(err);
	dasv_validate_multiline("f", s, 4096, 0, err, sizeof(err));
	check_message(err);
	dasv_validate_name("f", s, 1, err, sizeof(err));
	check_message(err);
	dasv_validate_phone("f", s, 1, err, sizeof(err));
	check_message(err);
	dasv_validate_postcode("f", s, 1, err, sizeof(err));
	check_message(err);
	if (dasv_validate_postcode_normalise(s, pc) == DASV_OK &&
	    dasv_validate_postcode("f", pc, 1, NULL, 0) != DASV_OK)
		abort();
	dasv_validate_email("f", s, 1, err, sizeof(err));
	check_message(err);
	dasv_validate_int("f", s, -1000, 1000, &l, err, sizeof(err));
	check_message(err);
	dasv_validate_date("f", s, 0, dasv_date_today(), &d, err, sizeof(err));
	check_message(err);
}

static void
fuzz_dash(const char *s)
{
	char out[DASV_DASH_QUESTIONS + 1], sout[DASV_SDASH_QUESTIONS + 1];
	char err[128] = "";
	int score = dasv_dash_score(s);

	if (score < 0 || score > DASV_DASH_QUESTIONS)
		abort();
	if (dasv_dash_parse(s, out, err, sizeof(err)) == DASV_OK) {
		if (strspn(out, "YN?") != DASV_DASH_QUESTIONS)
			abort();
		if (dasv_dash_score(out) != score)
			abort();
	} else {
		check_message(err);
	}
	err[0] = '\0';
	dasv_sdash_parse(s, sout, err, sizeof(err));
	check_message(err);
}

static void
fuzz_codes(const char *s)
{
	char err[1024] = "", buf[1024];
	unsigned mask, back;
	int l;

	for (l = 0; l < DASV_LIST_COUNT; l++) {
		(void)dasv_code_find((enum dasv_code_list)l, s);
		(void)dasv_code_label((enum dasv_code_list)l, s);
		err[0] = '\0';
		if (dasv_code_parse_set((enum dasv_code_list)l, s, &mask, err,
					sizeof(err)) == DASV_OK) {
			dasv_code_format_set((enum dasv_code_list)l, mask, buf, sizeof(buf));
			if (dasv_code_parse_set((enum dasv_code_list)l, buf, &back, NULL,
						0) != DASV_OK || back != mask)
				abort();
		} else {
			check_message(err);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_date(s);
	fuzz_validators(s);
	fuzz_dash(s);
	fuzz_codes(s);
	free(s);
	return 0;
}
