/*
 * main.c - the dasv command: global options, then a subcommand, or the
 * terminal front end when no subcommand is given.
 */
#include <getopt.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(struct cli *, int, char **);
	const char *usage;
} commands[] = {
	{ "init", cmd_init, "init [--admin NAME] [--shared GROUP]  create a database and its first admin\n"
			    "                               (--shared: for GROUP on this host, 2770/0660)" },
	{ "user", cmd_user, "user add NAME --role ROLE    add a user (admin)\n"
			    "  user list                    list users\n"
			    "  user disable NAME [--no-rekey]  disable a user, remove their keyslot and\n"
			    "                               rotate the data key (admin)\n"
			    "  user passwd                  change your own passphrase" },
	{ "migrate", cmd_migrate, "migrate                      apply pending schema migrations" },
	{ "audit", cmd_audit, "audit verify [--head HEX]    verify the audit chain\n"
			      "  audit head                   print the latest chain hash" },
	{ "demo", cmd_demo, "demo [--referrals N] [--seed N]  a new database of synthetic people" },
	{ "import", cmd_import, "import FILE.csv              add referrals from a CSV file, all or none" },
	{ "export", cmd_export, "export [--out FILE [--force]]  your referrals as CSV, decrypted (exact, not\n"
				"                               formula-guarded: treat it as data, not a spreadsheet)" },
	{ "referral", cmd_referral, "referral show ID [--break-glass REASON]  one referral, safe contact first" },
	{ "queue", cmd_queue, "queue [--limit N]            the allocation queue, highest risk first" },
	{ "rekey", cmd_rekey, "rekey                        rotate the data key, re-encrypting everything (admin)" },
	{ "erase", cmd_erase, "erase PERSON-ID --reason TEXT  crypto-shred one person (admin); or\n"
			      "  erase --referral ID --reason TEXT  the person of a referral" },
	{ "purge", cmd_purge, "purge [--dry-run]            erase people whose cases closed more than\n"
			      "                               retention_years ago (admin)" },
	{ "backup", cmd_backup, "backup FILE                  an online copy of the database, 0600 (admin)" },
	{ "restore", cmd_restore, "restore FILE                 check a backup, then put it in place (admin)" },
	{ "report", cmd_report, "report [--quarter 2026Q3|--month M|--year Y|--from D --to D] [--by service|pathway|district]\n"
				"       [--strand DA|SV] [--district C] [--service ID] [--pathway C] [--format table|csv|json]\n"
				"                               commissioning reports (auditor, supervisor, admin)" },
	{ "tui", cmd_tui, "tui                          the terminal front end (the default)" },
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: dasv [--db PATH] [--user NAME] [--passphrase-fd N] [--no-color] [COMMAND ...]\n"
		"\n"
		"Referrals, risk assessment and allocation for a DASV partnership.\n"
		"Without a command, opens the terminal front end.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f,
		"\n"
		"options:\n"
		"  --db PATH            database (default $DASV_DB, else $XDG_DATA_HOME/dasv/dasv.db)\n"
		"  --user NAME          user to unlock as (default: your login name)\n"
		"  --passphrase-fd N    read the passphrase as one line from file descriptor N\n"
		"  --new-passphrase-fd N  read a new passphrase from N (init, user add, user passwd)\n"
		"  --no-color           monochrome screen (also when NO_COLOR is set)\n"
		"  --help, --version\n"
		"\n"
		"exit codes:\n"
		"  0 ok   64 usage   65 bad data   66 no such database   70 internal error\n"
		"  73 cannot create   74 i/o error   75 database busy\n"
		"  77 wrong passphrase or not permitted\n");
}

static const char *
default_db(char *buf, size_t bufsz)
{
	const char *env = getenv("DASV_DB"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (env && *env)
		return env;
	if (xdg && *xdg)
		snprintf(buf, bufsz, "%s/dasv/dasv.db", xdg);
	else if (home && *home)
		snprintf(buf, bufsz, "%s/.local/share/dasv/dasv.db", home);
	else
		snprintf(buf, bufsz, "dasv.db");
	return buf;
}

static const char *
login_name(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "";
}

/*
 * In a shared deployment (the database's directory is setgid and the group's,
 * as 'dasv init --shared' makes it) what we create is the group's too.
 */
static void
shared_umask(const char *db)
{
	char dir[4096], *slash;
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s", db);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &sb) == 0 && (sb.st_mode & S_ISGID) && (sb.st_mode & 0070) == 0070 &&
	    !(sb.st_mode & 0007))
		umask(007);
}

static int
parse_fd(const char *s, int *out)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > 1024)
		return -1;
	*out = (int)v;
	return 0;
}

static const struct option *
find_global(const char *arg, const struct option *opts)
{
	size_t n;

	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	arg += 2;
	n = strcspn(arg, "=");
	for (; opts->name; opts++)
		if (strlen(opts->name) == n && strncmp(arg, opts->name, n) == 0)
			return opts;
	return NULL;
}

static void
hoist_globals(int argc, char **argv, const struct option *opts)
{
	int front = 1;

	for (int i = 1; i < argc; i++) {
		const struct option *o;
		int take;

		if (strcmp(argv[i], "--") == 0)
			break;
		if (!(o = find_global(argv[i], opts)))
			continue;
		take = (o->has_arg == required_argument && !strchr(argv[i], '=') && i + 1 < argc) ? 2 : 1;
		/* rotate argv[front..i+take) so the option lands at front */
		for (int k = 0; k < take; k++) {
			char *moving = argv[i + k];
			memmove(&argv[front + k + 1], &argv[front + k],
				(size_t)(i + k - front - k) * sizeof(char *));
			argv[front + k] = moving;
		}
		front += take;
		i += take - 1;
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "passphrase-fd", required_argument, NULL, 'p' },
		{ "new-passphrase-fd", required_argument, NULL, 'P' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { .pass_fd = -1, .new_pass_fd = -1, .prog = "dasv" };
	char dbbuf[4096], err[256];
	enum dasv_status st;
	int ch;

	setlocale(LC_ALL, "");
	/* files we create are never readable by others */
	umask(077);
	/* failed unlocks go to the auth log, for fail2ban and the like */
	openlog("dasv", 0, LOG_AUTH);
	st = dasv_process_init(err, sizeof(err));
	if (st != DASV_OK)
		return cli_status(st, err);
	/*
	 * Global options may stand before or after the subcommand; they are
	 * moved to the front so the subcommand sees only its own.
	 */
	hoist_globals(argc, argv, opts);
	/* '+': stop at the subcommand so its own options are left to it */
	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			c.db_path = optarg;
			break;
		case 'u':
			c.user = optarg;
			break;
		case 'p':
			if (parse_fd(optarg, &c.pass_fd) != 0)
				return cli_error("--passphrase-fd: '%s' is not a file descriptor", optarg);
			break;
		case 'P':
			if (parse_fd(optarg, &c.new_pass_fd) != 0)
				return cli_error("--new-passphrase-fd: '%s' is not a file descriptor",
						 optarg);
			break;
		case 'C':
			c.no_color = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("dasv %s\n", DASV_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (!c.db_path)
		c.db_path = default_db(dbbuf, sizeof(dbbuf));
	shared_umask(c.db_path);
	if (!c.user)
		c.user = login_name();
	if (optind >= argc)
		return cmd_tui(&c, 0, argv + argc);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].run(&c, argc - optind, argv + optind);
	fprintf(stderr, "dasv: unknown command '%s' (see dasv --help)\n", argv[optind]);
	return 64;
}
