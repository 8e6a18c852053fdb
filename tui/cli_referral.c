/*
 * cli_referral.c - subcommands that work with referrals: the demo database,
 * CSV import and export, showing one referral, and the supervisor's queue.
 *
 * Everything here opens files and prints; the work (access, audit, parsing)
 * is the core's.  Data from the database reaches a terminal only through
 * dasv_text_sanitize; the CSV export is refused on a terminal for the same
 * reason and because a screenful of survivors' details is the wrong default.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "demo.h"
#include "io.h"
#include "referral.h"
#include "risk.h"
#include "text.h"

/* A whole number in [min, max] from an argument; -1 if it is not one. */
static int
parse_long(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---- demo ------------------------------------------------------------- */

int
cmd_demo(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "referrals", required_argument, NULL, 'n' },
					      { "seed", required_argument, NULL, 's' },
					      { NULL, 0, NULL, 0 } };
	static const char usage[] = "usage: dasv demo [--db PATH] [--referrals N] [--seed N]";
	const struct dasv_demo_user *u;
	struct dasv *d = NULL;
	long n = DASV_DEMO_DEFAULT_REFERRALS, seed = DASV_DEMO_DEFAULT_SEED;
	size_t nu = 0;
	enum dasv_status st;
	int ch, rc;

	optind = 0; /* GNU getopt: 0 reinitialises for a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n') {
			if (parse_long(optarg, 0, DASV_DEMO_MAX_REFERRALS, &n) != 0)
				return cli_error("--referrals: expected 0 to %d",
						 DASV_DEMO_MAX_REFERRALS);
		} else if (ch == 's') {
			if (parse_long(optarg, 0, UINT32_MAX, &seed) != 0)
				return cli_error("--seed: expected 0 to %lu",
						 (unsigned long)UINT32_MAX);
		} else {
			return cli_error("%s", usage);
		}
	}
	if (optind != argc)
		return cli_error("%s", usage);
	st = dasv_demo_create(c->db_path, (int)n, (uint32_t)seed, &d);
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
		dasv_close(&d);
		return rc;
	}
	dasv_close(&d);
	printf("created demo database %s with %ld synthetic referrals\n", c->db_path, n);
	printf("\nDEMO ONLY: these passphrases are public. Never put real people in this "
	       "database.\n\n");
	printf("  %-12s %-11s %s\n", "USER", "ROLE", "PASSPHRASE");
	u = dasv_demo_users(&nu);
	for (size_t i = 0; i < nu; i++)
		printf("  %-12s %-11s %s\n", u[i].name, dasv_role_name(u[i].role), u[i].pass);
	printf("\nopen it with: dasv --db %s --user supervisor\n", c->db_path);
	return 0;
}

/* ---- import ----------------------------------------------------------- */

int
cmd_import(struct cli *c, int argc, char **argv)
{
	struct dasv_import_result res;
	struct dasv *d = NULL;
	enum dasv_status st;
	FILE *fp;
	int rc;

	if (argc != 2 || argv[1][0] == '\0')
		return cli_error("usage: dasv import FILE.csv   (FILE '-' reads standard input)");
	if (strcmp(argv[1], "-") == 0) {
		fp = stdin;
	} else if (!(fp = fopen(argv[1], "re"))) {
		fprintf(stderr, "dasv: cannot open %s: %s\n", argv[1], strerror(errno));
		return 66;
	}
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0) {
		if (fp != stdin)
			fclose(fp);
		return rc;
	}
	st = dasv_import_csv(d, fp, &res);
	if (fp != stdin)
		fclose(fp);
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
		if (st == DASV_INVALID)
			fprintf(stderr, "dasv: nothing was imported\n");
		dasv_close(&d);
		return rc;
	}
	if (res.imported)
		printf("imported %" PRId64 " referral%s (ids %" PRId64 "-%" PRId64 "); %" PRId64
		       " linked to earlier referrals (repeat victims)\n",
		       res.imported, res.imported == 1 ? "" : "s", res.first_id, res.last_id,
		       res.linked);
	else
		printf("imported 0 referrals (the file has a header and no rows)\n");
	dasv_close(&d);
	return 0;
}

/* ---- export ----------------------------------------------------------- */

/* A new file, 0600, never through a symlink; --force replaces an old one. */
static int
create_out(const char *path, int force, FILE **out)
{
	int fd;

	*out = NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && force) {
		struct stat sb;
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			fprintf(stderr, "dasv: %s is a directory\n", path);
			return 73;
		}
		/* unlink and recreate, so the new file is ours and 0600 whatever the old was */
		if (unlink(path) != 0) {
			fprintf(stderr, "dasv: cannot replace %s: %s\n", path, strerror(errno));
			return 73;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "dasv: %s already exists (use --force to replace it)\n", path);
		else
			fprintf(stderr, "dasv: cannot create %s: %s\n", path, strerror(errno));
		return 73;
	}
	if (!(*out = fdopen(fd, "w"))) {
		close(fd);
		unlink(path);
		fprintf(stderr, "dasv: cannot create %s: %s\n", path, strerror(errno));
		return 73;
	}
	return 0;
}

int
cmd_export(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "out", required_argument, NULL, 'o' },
					      { "force", no_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	static const char usage[] = "usage: dasv export [--out FILE [--force]]";
	struct dasv_export_result res;
	struct dasv *d = NULL;
	const char *path = NULL;
	enum dasv_status st;
	FILE *fp = stdout;
	int ch, rc, force = 0, failed;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'o')
			path = optarg;
		else if (ch == 'f')
			force = 1;
		else
			return cli_error("%s", usage);
	}
	if (optind != argc || (path && !*path) || (force && !path))
		return cli_error("%s", usage);
	if (!path && isatty(STDOUT_FILENO))
		return cli_error("export: not to a terminal (survivors' details): use --out FILE");
	/* unlock first: a wrong passphrase must not leave an empty file behind */
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	if (path && (rc = create_out(path, force, &fp)) != 0) {
		dasv_close(&d);
		return rc;
	}
	st = dasv_export_csv(d, fp, &res);
	rc = cli_status(st, dasv_errmsg(d));
	failed = path ? fclose(fp) != 0 : fflush(fp) != 0;
	if (!rc && failed) {
		fprintf(stderr, "dasv: cannot write %s: %s\n", path ? path : "the output",
			strerror(errno));
		rc = 74;
	}
	if (rc) {
		if (path)
			unlink(path); /* a partial export is no use and still personal data */
		dasv_close(&d);
		return rc;
	}
	fprintf(path ? stdout : stderr,
		"exported %" PRId64 " referral%s (ids %" PRId64 "-%" PRId64 ")%s%s\n",
		res.exported, res.exported == 1 ? "" : "s", res.first_id, res.last_id,
		path ? " to " : "", path ? path : "");
	dasv_close(&d);
	return 0;
}

/* ---- referral show ---------------------------------------------------- */

/*
 * Print one labelled value, sanitised; a multi-line value continues on
 * indented lines.  Nothing is printed for an empty optional value.
 */
static void
show(const char *label, const char *value)
{
	const char *p = value ? value : "";
	size_t cap;
	char *line, *safe;
	int first = 1;

	if (!*p)
		return;
	cap = strlen(p) + 1;
	line = malloc(cap);
	safe = malloc(cap * 3 + 1); /* a byte becomes at most 3 (U+FFFD) */
	if (!line || !safe) {
		free(line);
		free(safe);
		return;
	}
	while (first || *p) {
		size_t n = strcspn(p, "\n");
		memcpy(line, p, n);
		line[n] = '\0';
		dasv_text_sanitize(line, safe, cap * 3 + 1);
		printf("%-22s %s\n", first ? label : "", safe);
		p += n;
		if (*p == '\n')
			p++;
		first = 0;
	}
	dasv_wipe(line, cap);
	dasv_wipe(safe, cap * 3 + 1);
	free(line);
	free(safe);
}

static const char *
tri(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "not known";
}

static void
labels_of(enum dasv_code_list list, unsigned mask, char *buf, size_t bufsz)
{
	size_t n = 0, o = 0;
	const struct dasv_code *codes = dasv_codes(list, &n);

	buf[0] = '\0';
	for (size_t i = 0; codes && i < n && i < DASV_CODE_SET_MAX; i++) {
		if (!(mask & (1u << i)))
			continue;
		int w = snprintf(buf + o, bufsz - o, "%s%s", o ? ", " : "", codes[i].label);
		if (w < 0 || (size_t)w >= bufsz - o)
			break;
		o += (size_t)w;
	}
}

static void
print_referral(const struct dasv_referral *r)
{
	char buf[1024], flags[256];
	size_t o = 0;

	printf("Referral %" PRId64 "\n", r->id);
	/* first, what anyone about to make contact must read */
	show("Safe contact:", r->person.safe_contact && r->person.safe_contact[0]
				      ? r->person.safe_contact
				      : "(no instructions recorded)");
	snprintf(buf, sizeof(buf), "call %s, voicemail %s, letters %s", tri(r->person.safe_to_call),
		 tri(r->person.voicemail_ok), tri(r->person.letters_ok));
	show("Safe to:", buf);
	if (r->do_not_inform_perpetrator)
		show("WARNING:", "the perpetrator must not be told of this referral");

	snprintf(buf, sizeof(buf), "%s %s", r->person.first_name ? r->person.first_name : "",
		 r->person.last_name ? r->person.last_name : "");
	show("Name:", buf);
	if (r->person.date_of_birth && r->person.date_of_birth[0]) {
		if (r->age_at_referral >= 0)
			snprintf(buf, sizeof(buf), "%s (%d at referral)", r->person.date_of_birth,
				 r->age_at_referral);
		else
			snprintf(buf, sizeof(buf), "%s", r->person.date_of_birth);
		show("Date of birth:", buf);
	}
	show("Address:", r->person.address);
	show("Postcode:", r->person.postcode);
	show("Phone:", r->person.phone);
	show("E-mail:", r->person.email);
	dasv_wipe(buf, sizeof(buf));

	snprintf(buf, sizeof(buf), "%s%s%s%s", r->received_on,
		 r->incident_on[0] ? " (latest incident " : "", r->incident_on,
		 r->incident_on[0] ? ")" : "");
	show("Received:", buf);
	show("Source:", dasv_code_label(DASV_LIST_SOURCE, r->source));
	labels_of(DASV_LIST_STRAND, r->strand, buf, sizeof(buf));
	show("Strand:", buf);
	labels_of(DASV_LIST_VAWG, r->vawg, buf, sizeof(buf));
	show("Types of abuse:", buf);
	show("District:", dasv_code_label(DASV_LIST_DISTRICT, r->district));
	show("Status:", dasv_code_label(DASV_LIST_STATUS, r->status));
	if (r->level >= 0) {
		snprintf(buf, sizeof(buf), "%s",
			 dasv_code_label(DASV_LIST_LEVEL, dasv_level_code((enum dasv_level)r->level)));
		if (r->dash_score >= 0) {
			size_t n = strlen(buf);
			snprintf(buf + n, sizeof(buf) - n, " (DASH %d/24)", r->dash_score);
		}
	} else {
		snprintf(buf, sizeof(buf), "not assessed");
	}
	show("Risk level:", buf);
	show("MARAC:", r->marac ? "yes" : "no");
	flags[0] = '\0';
#define FLAG(cond, text)                                                                   \
	do {                                                                               \
		if ((cond) && o < sizeof(flags)) {                                         \
			int w_ = snprintf(flags + o, sizeof(flags) - o, "%s%s", o ? ", " : "", \
					  (text));                                         \
			if (w_ > 0)                                                        \
				o += (size_t)w_;                                           \
		}                                                                          \
	} while (0)
	FLAG(r->safeguarding, "safeguarding");
	FLAG(r->mandatory_reporting, "FGM mandatory reporting");
	FLAG(r->sarc, "SARC");
	FLAG(r->repeat_victim, "repeat victim");
	FLAG(r->serial_perpetrator, "serial perpetrator");
	FLAG(r->escalation, "escalation");
	FLAG(r->repeat_marac, "repeat MARAC");
	FLAG(r->overdue, "first contact OVERDUE");
#undef FLAG
	show("Flags:", flags);
	if (r->rec_service_type[0] || r->rec_pathway[0]) {
		snprintf(buf, sizeof(buf), "%s%s%s%s",
			 dasv_code_label(DASV_LIST_SERVICE_TYPE, r->rec_service_type),
			 r->rec_pathway[0] ? " (" : "", r->rec_pathway, r->rec_pathway[0] ? ")" : "");
		show("Recommended:", buf);
	}
	show("Why:", r->rec_reason);
	if (r->service_name[0]) {
		snprintf(buf, sizeof(buf), "%s%s%s", r->service_name,
			 r->worker_name[0] ? ", caseworker " : "", r->worker_name);
		show("Service:", buf);
	}
	show("Allocated on:", r->allocated_on);
	show("Waiting since:", r->waiting_since);
	show("First contact due:", r->contact_due);
	show("First contact on:", r->first_contact_on);
	show("Next review:", r->next_review);
	if (r->closed_on[0]) {
		snprintf(buf, sizeof(buf), "%s (%s)", r->closed_on,
			 dasv_code_label(DASV_LIST_CLOSE_REASON, r->close_reason));
		show("Closed:", buf);
	}
	if (r->children_count > 0) {
		o = (size_t)snprintf(buf, sizeof(buf), "%d", r->children_count);
		for (int i = 0; i < r->n_children_ages && o < sizeof(buf); i++) {
			int w = snprintf(buf + o, sizeof(buf) - o, "%s%d", i ? ", " : " (ages ",
					 r->children_ages[i]);
			if (w > 0)
				o += (size_t)w;
		}
		if (r->n_children_ages > 0 && o < sizeof(buf))
			snprintf(buf + o, sizeof(buf) - o, ")");
		show("Children:", buf);
	} else {
		show("Children:", "none recorded");
	}
	if (r->perpetrator_name && r->perpetrator_name[0]) {
		snprintf(buf, sizeof(buf), "%s (%s)%s%s", r->perpetrator_name,
			 dasv_code_label(DASV_LIST_RELATIONSHIP, r->perpetrator_relationship),
			 r->perpetrator_dob && r->perpetrator_dob[0] ? ", born " : "",
			 r->perpetrator_dob ? r->perpetrator_dob : "");
		show("Perpetrator:", buf);
		dasv_wipe(buf, sizeof(buf));
	} else if (r->perpetrator_relationship[0]) {
		show("Perpetrator:", dasv_code_label(DASV_LIST_RELATIONSHIP,
						     r->perpetrator_relationship));
	}
	if (r->consent_to_share)
		snprintf(buf, sizeof(buf), "yes");
	else
		snprintf(buf, sizeof(buf), "no (shared on the basis of: %s)",
			 dasv_code_label(DASV_LIST_SHARING_BASIS, r->sharing_basis));
	show("Consent to share:", buf);
	{
		static const struct {
			const char *label;
			enum dasv_code_list list;
			size_t off;
		} eq[] = {
			{ "Sex:", DASV_LIST_SEX, offsetof(struct dasv_referral, eq_sex) },
			{ "Ethnicity:", DASV_LIST_ETHNICITY, offsetof(struct dasv_referral, eq_ethnicity) },
			{ "Disability:", DASV_LIST_DISABILITY,
			  offsetof(struct dasv_referral, eq_disability) },
			{ "Sexual orientation:", DASV_LIST_SEXUAL_ORIENTATION,
			  offsetof(struct dasv_referral, eq_sexual_orientation) },
			{ "Gender reassignment:", DASV_LIST_GENDER_REASSIGNMENT,
			  offsetof(struct dasv_referral, eq_gender_reassignment) },
			{ "Pregnancy:", DASV_LIST_PREGNANCY, offsetof(struct dasv_referral, eq_pregnancy) },
			{ "Religion:", DASV_LIST_RELIGION, offsetof(struct dasv_referral, eq_religion) },
			{ "Interpreter:", DASV_LIST_YES_NO,
			  offsetof(struct dasv_referral, eq_interpreter) },
			{ "NRPF:", DASV_LIST_YES_NO, offsetof(struct dasv_referral, eq_nrpf) },
		};
		for (size_t i = 0; i < sizeof(eq) / sizeof(eq[0]); i++) {
			const char *code = (const char *)r + eq[i].off;
			if (*code)
				show(eq[i].label, dasv_code_label(eq[i].list, code));
		}
	}
	show("Notes:", r->notes);
	snprintf(buf, sizeof(buf), "created by %s; last updated by %s at %s", r->created_by,
		 r->updated_by, r->updated_at);
	show("Record:", buf);
}

int
cmd_referral(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "break-glass", required_argument, NULL, 'b' },
					      { NULL, 0, NULL, 0 } };
	static const char usage[] = "usage: dasv referral show ID [--break-glass REASON]";
	struct dasv_referral r;
	struct dasv *d = NULL;
	const char *reason = NULL;
	enum dasv_status st;
	long id;
	int ch, rc;

	if (argc < 2 || strcmp(argv[1], "show") != 0)
		return cli_error("%s", usage);
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'b')
			return cli_error("%s", usage);
		reason = optarg;
	}
	if (optind + 1 != argc)
		return cli_error("%s", usage);
	if (parse_long(argv[optind], 1, INT64_MAX > LONG_MAX ? LONG_MAX : INT64_MAX, &id) != 0)
		return cli_error("referral show: '%s' is not a referral id", argv[optind]);
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	st = dasv_referral_get(d, (int64_t)id, reason, &r);
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
		if (st == DASV_DENIED && !reason && dasv_session_role(d) == DASV_ROLE_CASEWORKER)
			fprintf(stderr,
				"dasv: if you must open it, say why: dasv referral show %ld "
				"--break-glass \"REASON\" (recorded and shown to supervisors)\n",
				id);
		dasv_close(&d);
		return rc;
	}
	print_referral(&r);
	dasv_referral_clear(&r);
	dasv_close(&d);
	return 0;
}

/* ---- queue ------------------------------------------------------------ */

#define QUEUE_PAGE 100

int
cmd_queue(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "limit", required_argument, NULL, 'l' },
					      { NULL, 0, NULL, 0 } };
	static const char usage[] = "usage: dasv queue [--limit N]";
	struct dasv_row rows[QUEUE_PAGE];
	struct dasv_page_key key = { 0 };
	struct dasv *d = NULL;
	enum dasv_status st;
	long limit = 20, shown = 0;
	int64_t total = 0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'l' || parse_long(optarg, 1, 100000, &limit) != 0)
			return cli_error(ch == 'l' ? "--limit: expected 1 to 100000" : "%s", usage);
	}
	if (optind != argc)
		return cli_error("%s", usage);
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	if ((st = dasv_list_count(d, DASV_LIST_QUEUE, 0, &total)) != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
		dasv_close(&d);
		return rc;
	}
	printf("%-7s %-10s %-5s %-5s %5s  %-20s %-21s %s\n", "ID", "RECEIVED", "LEVEL", "MARAC",
	       "DAYS", "DISTRICT", "RECOMMENDED", "NAME");
	while (shown < limit) {
		size_t n = 0, want = (size_t)(limit - shown) < QUEUE_PAGE ? (size_t)(limit - shown)
									 : QUEUE_PAGE;
		st = dasv_page(d, DASV_LIST_QUEUE, 0, &key, 1, rows, want, &n);
		if (st != DASV_OK) {
			rc = cli_status(st, dasv_errmsg(d));
			dasv_close(&d);
			return rc;
		}
		for (size_t i = 0; i < n; i++) {
			char name[DASV_ROW_NAME * 3 + 1], svc[DASV_CODE_MAX * 3 + 1];
			char dist[DASV_CODE_MAX * 3 + 1], recv[40];
			/* codes and dates come from the file too: sanitised like names */
			dasv_text_fit(rows[i].name, 32, name, sizeof(name));
			dasv_text_fit(rows[i].rec_service_type[0] ? rows[i].rec_service_type : "-",
				      21, svc, sizeof(svc));
			dasv_text_fit(rows[i].district, 20, dist, sizeof(dist));
			dasv_text_fit(rows[i].received_on, 10, recv, sizeof(recv));
			printf("%-7" PRId64 " %-10s %-5s %-5s %5d  %-20s %-21s %s\n", rows[i].id,
			       recv, dasv_level_short((enum dasv_level)rows[i].level),
			       rows[i].marac ? "MARAC" : "", rows[i].days_waiting, dist, svc, name);
			dasv_wipe(name, sizeof(name));
		}
		if (n > 0)
			dasv_page_key_of(&rows[n - 1], &key);
		dasv_rows_wipe(rows, n);
		shown += (long)n;
		if (n < want)
			break;
	}
	printf("%ld of %" PRId64 " referral%s waiting for allocation\n", shown, total,
	       total == 1 ? "" : "s");
	dasv_close(&d);
	return 0;
}
