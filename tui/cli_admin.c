/*
 * cli_admin.c - subcommands that manage the database itself: init, users,
 * migrations and the audit chain.
 */
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "keyops.h"

int
cmd_init(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "admin", required_argument, NULL, 'a' },
					      { "shared", required_argument, NULL, 's' },
					      { NULL, 0, NULL, 0 } };
	static const char usage[] = "usage: dasv init [--admin NAME] [--shared GROUP]";
	const char *admin = c->user, *shared = NULL;
	struct dasv *d = NULL;
	struct group *g = NULL;
	char pass[1100];
	enum dasv_status st;
	int ch, rc;

	optind = 0; /* GNU getopt: 0 reinitialises for a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'a')
			admin = optarg;
		else if (ch == 's')
			shared = optarg;
		else
			return cli_error("%s", usage);
	}
	if (optind != argc)
		return cli_error("%s", usage);
	if (shared && !(g = getgrnam(shared)))
		return cli_error("--shared: no group named '%s' (create it with groupadd)", shared);
	if ((rc = cli_read_new_pass(c, admin, pass, sizeof(pass))) != 0)
		return rc;
	if (g) {
		/* the group's from now on: what we create is 0660/2770, never others' */
		umask(007);
		st = dasv_init_shared(c->db_path, admin, pass, g->gr_gid, &d);
	} else {
		st = dasv_init(c->db_path, admin, pass, &d);
	}
	dasv_wipe(pass, sizeof(pass));
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
		dasv_close(&d);
		return rc;
	}
	if (g)
		printf("created %s with admin '%s', shared with group '%s'\n", c->db_path, admin,
		       shared);
	else
		printf("created %s with admin '%s'\n", c->db_path, admin);
	dasv_close(&d);
	return 0;
}

static int
user_add(struct cli *c, struct dasv *d, int argc, char **argv)
{
	static const struct option opts[] = { { "role", required_argument, NULL, 'r' },
					      { NULL, 0, NULL, 0 } };
	enum dasv_role role = DASV_ROLE_NONE;
	const char *name;
	char pass[1100];
	enum dasv_status st;
	int ch, rc;

	optind = 0; /* GNU getopt: 0 reinitialises for a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'r')
			return cli_error("usage: dasv user add NAME --role ROLE");
		role = dasv_role_parse(optarg);
		if (role == DASV_ROLE_NONE)
			return cli_error("--role: '%s' is not caseworker, supervisor, auditor or admin",
					 optarg);
	}
	if (optind + 1 != argc || role == DASV_ROLE_NONE)
		return cli_error("usage: dasv user add NAME --role ROLE");
	name = argv[optind];
	if ((rc = cli_read_new_pass(c, name, pass, sizeof(pass))) != 0)
		return rc;
	st = dasv_user_add(d, name, role, pass);
	dasv_wipe(pass, sizeof(pass));
	if (st != DASV_OK)
		return cli_status(st, dasv_errmsg(d));
	printf("added %s (%s)\n", name, dasv_role_name(role));
	return 0;
}

static int
user_list(struct dasv *d)
{
	struct dasv_user *u = NULL;
	size_t n = 0;
	enum dasv_status st = dasv_user_list(d, &u, &n);

	if (st != DASV_OK)
		return cli_status(st, dasv_errmsg(d));
	printf("%-24s %-11s %-8s %s\n", "NAME", "ROLE", "STATE", "CREATED");
	for (size_t i = 0; i < n; i++)
		printf("%-24s %-11s %-8s %s\n", u[i].name, dasv_role_name(u[i].role),
		       u[i].active ? "active" : "disabled", u[i].created_at);
	free(u);
	return 0;
}

int
cmd_user(struct cli *c, int argc, char **argv)
{
	struct dasv *d = NULL;
	enum dasv_status st;
	char pass[1100];
	int rc;

	if (argc < 2)
		return cli_error("usage: dasv user add|list|disable|passwd ...");
	if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "disable") &&
	    strcmp(argv[1], "passwd"))
		return cli_error("user: unknown subcommand '%s' (add, list, disable, passwd)", argv[1]);
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	if (!strcmp(argv[1], "add")) {
		rc = user_add(c, d, argc - 1, argv + 1);
	} else if (!strcmp(argv[1], "list")) {
		rc = argc == 2 ? user_list(d) : cli_error("usage: dasv user list");
	} else if (!strcmp(argv[1], "disable")) {
		int rekey = !(argc == 4 && !strcmp(argv[3], "--no-rekey"));

		if (argc != 3 && rekey) {
			rc = cli_error("usage: dasv user disable NAME [--no-rekey]");
		} else {
			struct dasv_rekey_result res;

			st = dasv_user_revoke(d, argv[2], rekey, &res);
			rc = cli_status(st, dasv_errmsg(d));
			if (!rc && rekey)
				printf("disabled %s and rotated the data key to generation %lld "
				       "(%lld people re-encrypted; %lld users take it up at their "
				       "next unlock)\n",
				       argv[2], (long long)res.generation, (long long)res.people,
				       (long long)res.users_pending);
			else if (!rc)
				printf("disabled %s (data key not rotated: what they could read, a "
				       "copy of the key they held still reads)\n",
				       argv[2]);
		}
	} else {
		if (argc != 2) {
			rc = cli_error("usage: dasv user passwd");
		} else if (!(rc = cli_read_new_pass(c, c->user, pass, sizeof(pass)))) {
			st = dasv_user_passwd(d, pass);
			dasv_wipe(pass, sizeof(pass));
			rc = cli_status(st, dasv_errmsg(d));
			if (!rc)
				printf("passphrase changed\n");
		}
	}
	dasv_close(&d);
	return rc;
}

int
cmd_migrate(struct cli *c, int argc, char **argv)
{
	struct dasv *d = NULL;
	enum dasv_status st;
	int rc, applied = 0;

	(void)argv;
	if (argc != 1)
		return cli_error("usage: dasv migrate");
	st = dasv_open(c->db_path, DASV_OPEN_MIGRATE, &d);
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
		dasv_close(&d);
		return rc;
	}
	st = dasv_migrate(d, &applied);
	rc = cli_status(st, dasv_errmsg(d));
	if (!rc)
		printf("schema at version %d (%d migration%s applied)\n", dasv_schema_version(d),
		       applied, applied == 1 ? "" : "s");
	dasv_close(&d);
	return rc;
}

int
cmd_audit(struct cli *c, int argc, char **argv)
{
	struct dasv_audit_result res;
	struct dasv *d = NULL;
	const char *expect = NULL;
	char hex[65];
	int64_t id = 0;
	enum dasv_status st;
	int rc;

	if (argc == 4 && !strcmp(argv[1], "verify") && !strcmp(argv[2], "--head"))
		expect = argv[3];
	else if (argc != 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "head")))
		return cli_error("usage: dasv audit verify [--head HEX] | dasv audit head");
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	if (!strcmp(argv[1], "head")) {
		st = dasv_audit_head(d, hex, &id);
		rc = cli_status(st, dasv_errmsg(d));
		if (!rc)
			printf("%lld %s\n", (long long)id, hex);
		dasv_close(&d);
		return rc;
	}
	st = dasv_audit_verify(d, &res);
	if (st == DASV_CORRUPT) {
		fprintf(stderr, "dasv: audit chain broken at entry %lld: %s\n",
			(long long)res.first_bad_id, res.reason);
		dasv_close(&d);
		return 65;
	}
	if ((rc = cli_status(st, dasv_errmsg(d))) != 0) {
		dasv_close(&d);
		return rc;
	}
	if (expect) {
		/* a head recorded off the host catches entries cut from the end */
		int found = 0;
		st = dasv_audit_contains(d, expect, &found);
		if (st != DASV_OK) {
			rc = cli_status(st, dasv_errmsg(d));
			dasv_close(&d);
			return rc;
		}
		if (!found) {
			fprintf(stderr, "dasv: the recorded head is not in the chain: "
					"entries were removed from the end\n");
			dasv_close(&d);
			return 65;
		}
	}
	printf("audit chain verifies: %lld entries\n", (long long)res.entries);
	dasv_close(&d);
	return 0;
}
