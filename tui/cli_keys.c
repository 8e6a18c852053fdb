/*
 * cli_keys.c - subcommands for the key lifecycle and the database as a whole:
 * rekey, erase, purge, backup and restore.  All admin only; the core checks
 * that and writes the audit log.  Nothing here prints a decrypted value.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "keyops.h"

static int
parse_id(const char *s, int64_t *out)
{
	char *end = NULL;
	long long v;

	errno = 0;
	if (!s || !*s)
		return -1;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static void
warn_wal(int checkpointed)
{
	if (!checkpointed)
		fprintf(stderr, "dasv: others were reading, so the write-ahead log still holds the "
				"old pages; they go at the next checkpoint (run this again when quiet, "
				"or 'dasv backup' after everyone has logged out)\n");
}

int
cmd_rekey(struct cli *c, int argc, char **argv)
{
	struct dasv_rekey_result res;
	struct dasv *d = NULL;
	enum dasv_status st;
	int rc;

	(void)argv;
	if (argc != 1)
		return cli_error("usage: dasv rekey");
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	st = dasv_rekey(d, &res);
	if ((rc = cli_status(st, dasv_errmsg(d))) == 0) {
		printf("data key rotated to generation %lld: %lld people and %lld perpetrators "
		       "re-encrypted (%lld values); %lld user%s take%s up the new key at the next "
		       "unlock\n",
		       (long long)res.generation, (long long)res.people, (long long)res.perpetrators,
		       (long long)res.values, (long long)res.users_pending,
		       res.users_pending == 1 ? "" : "s", res.users_pending == 1 ? "s" : "");
		warn_wal(res.checkpointed);
	}
	dasv_close(&d);
	return rc;
}

int
cmd_erase(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "reason", required_argument, NULL, 'r' },
					      { "referral", required_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	static const char usage[] =
		"usage: dasv erase PERSON-ID --reason TEXT | dasv erase --referral ID --reason TEXT";
	struct dasv_erase_result res;
	struct dasv *d = NULL;
	const char *reason = NULL;
	int64_t person = 0, referral = 0;
	enum dasv_status st;
	int ch, rc;

	optind = 0; /* GNU getopt: 0 reinitialises for a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch == 'f' && parse_id(optarg, &referral) == 0)
			;
		else
			return cli_error("%s", usage);
	}
	if (!reason || (referral ? optind != argc : optind + 1 != argc))
		return cli_error("%s", usage);
	if (!referral && parse_id(argv[optind], &person) != 0)
		return cli_error("erase: '%s' is not a person id", argv[optind]);
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	st = referral ? dasv_referral_person(d, referral, &person) : DASV_OK;
	if (st == DASV_OK)
		st = dasv_person_erase(d, person, reason, &res);
	if ((rc = cli_status(st, dasv_errmsg(d))) == 0) {
		printf("person %" PRId64 " erased: their record key is destroyed and their details "
		       "and notes are gone; %d referral%s kept as coded data",
		       res.person_id, res.referrals, res.referrals == 1 ? "" : "s");
		if (res.perpetrators)
			printf("; %d perpetrator record%s linked to no one else erased too",
			       res.perpetrators, res.perpetrators == 1 ? "" : "s");
		printf("\n");
		warn_wal(res.checkpointed);
	}
	dasv_close(&d);
	return rc;
}

int
cmd_purge(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "usage: dasv purge [--dry-run]";
	struct dasv_purge_item *items = NULL;
	struct dasv *d = NULL;
	size_t n = 0;
	enum dasv_status st;
	int rc, dry = 0;
	long years = 6;

	if (argc == 2 && !strcmp(argv[1], "--dry-run"))
		dry = 1;
	else if (argc != 1)
		return cli_error("%s", usage);
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	dasv_setting_int(d, "retention_years", 6, &years);
	st = dasv_purge(d, dry, &items, &n);
	if ((rc = cli_status(st, dasv_errmsg(d))) == 0) {
		if (n)
			printf("%-10s %-9s %s\n", "PERSON", "REFERRALS", "LAST CLOSED");
		for (size_t i = 0; i < n; i++)
			printf("%-10" PRId64 " %-9d %s\n", items[i].person_id, items[i].referrals,
			       items[i].last_closed);
		printf("%zu %s %s: every referral closed more than %ld year%s ago\n", n,
		       n == 1 ? "person" : "people",
		       dry ? (n == 1 ? "is due for erasure" : "are due for erasure") : "erased",
		       years, years == 1 ? "" : "s");
	}
	free(items);
	dasv_close(&d);
	return rc;
}

static void
backup_progress(void *ctx, int remaining, int total)
{
	int *last = ctx;
	int pct = total > 0 ? (int)((long)(total - remaining) * 100 / total) : 100;

	/* on a terminal only, and only when it moves */
	if (pct != *last && isatty(STDERR_FILENO)) {
		fprintf(stderr, "\rbackup: %3d%%", pct);
		if (remaining == 0)
			fputc('\n', stderr);
		*last = pct;
	}
}

int
cmd_backup(struct cli *c, int argc, char **argv)
{
	struct dasv *d = NULL;
	enum dasv_status st;
	int rc, last = -1;

	if (argc != 2)
		return cli_error("usage: dasv backup FILE");
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	st = dasv_backup(d, argv[1], backup_progress, &last);
	if ((rc = cli_status(st, dasv_errmsg(d))) == 0)
		printf("backed up to %s (mode 0600; encrypted fields stay encrypted, codes and "
		       "dates are in clear: keep it as safe as the database)\n",
		       argv[1]);
	dasv_close(&d);
	return rc;
}

int
cmd_restore(struct cli *c, int argc, char **argv)
{
	struct dasv_restore_result res;
	struct dasv *d = NULL;
	char pass[1100], prompt[160];
	enum dasv_status st;
	int rc;

	if (argc != 2)
		return cli_error("usage: dasv restore FILE");
	/* the passphrase unlocks both the live database and, to verify it, the backup */
	st = dasv_open(c->db_path, 0, &d);
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
		dasv_close(&d);
		return rc;
	}
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", c->user);
	if ((rc = cli_read_pass(c->pass_fd, prompt, pass, sizeof(pass))) != 0) {
		dasv_close(&d);
		return rc;
	}
	st = dasv_unlock(d, c->user, pass);
	if (st == DASV_OK)
		st = dasv_restore(d, argv[1], pass, &res);
	dasv_wipe(pass, sizeof(pass));
	if ((rc = cli_status(st, dasv_errmsg(d))) == 0)
		printf("restored %s: %lld audit entries verified%s; everything since that backup is "
		       "gone\n",
		       argv[1], (long long)res.entries,
		       res.migrated ? ", schema migrated" : "");
	dasv_close(&d);
	return rc;
}
