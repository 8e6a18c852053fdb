/*
 * cli_report.c - dasv report: the commissioning reports on the command
 * line, as an aligned table, CSV or JSON, for auditors, supervisors and
 * admins.  The figures, and their suppression, are the core's; this file
 * only reads options and picks the writer.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "report.h"

#define REPORT_USAGE                                                                      \
	"usage: dasv report [--from DATE --to DATE | --quarter 2026Q3 | --month 2026-09 |\n" \
	"                   --year 2026] [--by service|pathway|district] [--strand DA|SV]\n"  \
	"                   [--district CODE] [--service ID] [--pathway CODE]\n"              \
	"                   [--section uptake,timeliness,risk,outcomes,reach,needs,trend]\n"  \
	"                   [--format table|csv|json]\n"                                      \
	"The period defaults to the last full quarter.  Counts of 1 to 4 show as <5."

static int
usage_error(const char *fmt, const char *arg)
{
	cli_error(fmt, arg);
	fprintf(stderr, "%s\n", REPORT_USAGE);
	return 64;
}

/* A message of bad data, naming the option. */
static int
bad_value(const char *msg)
{
	char buf[600];

	snprintf(buf, sizeof(buf), "--%s", msg);
	return cli_status(DASV_INVALID, buf);
}

static int
parse_sections(const char *arg, unsigned *mask)
{
	char buf[200], *save = NULL, *tok;
	int s;

	snprintf(buf, sizeof(buf), "%s", arg);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((s = dasv_report_section_parse(tok)) < 0)
			return -1;
		*mask |= DASV_SECTION_BIT(s);
	}
	return *mask ? 0 : -1;
}

int
cmd_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "quarter", required_argument, NULL, 'q' },
		{ "month", required_argument, NULL, 'm' },
		{ "year", required_argument, NULL, 'y' },
		{ "by", required_argument, NULL, 'b' },
		{ "strand", required_argument, NULL, 's' },
		{ "district", required_argument, NULL, 'D' },
		{ "service", required_argument, NULL, 'S' },
		{ "pathway", required_argument, NULL, 'P' },
		{ "section", required_argument, NULL, 'x' },
		{ "format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dasv_report_params p;
	struct dasv_report *r = NULL;
	struct dasv *d = NULL;
	const char *from = NULL, *to = NULL, *period_opt = NULL, *period_val = NULL;
	char err[300];
	enum dasv_status st;
	int ch, rc, fmt = DASV_FORMAT_TABLE, periods = 0;

	dasv_report_params_init(&p);
	optind = 0; /* GNU getopt: 0 reinitialises for a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'q':
		case 'm':
		case 'y':
			periods++;
			period_opt = ch == 'q' ? "quarter" : ch == 'm' ? "month" : "year";
			period_val = optarg;
			break;
		case 'b':
			if (dasv_report_by_parse(optarg) < 0)
				return usage_error("--by: '%s' is not service, pathway or district",
						   optarg);
			p.by = (enum dasv_report_by)dasv_report_by_parse(optarg);
			break;
		case 's':
			if (!strcasecmp(optarg, "DA"))
				p.strand = 1;
			else if (!strcasecmp(optarg, "SV"))
				p.strand = 2;
			else
				return usage_error("--strand: '%s' is not DA or SV", optarg);
			break;
		case 'D':
			snprintf(p.district, sizeof(p.district), "%s", optarg);
			if (strlen(optarg) >= sizeof(p.district))
				return bad_value("district: too long to be a district code");
			break;
		case 'S': {
			char *end = NULL;
			long long id = strtoll(optarg, &end, 10);
			if (!*optarg || *end || id <= 0)
				return bad_value("service: expected a service id (a number)");
			p.service_id = id;
			break;
		}
		case 'P':
			snprintf(p.pathway, sizeof(p.pathway), "%s", optarg);
			if (strlen(optarg) >= sizeof(p.pathway))
				return bad_value("pathway: too long to be a pathway code");
			break;
		case 'x':
			if (parse_sections(optarg, &p.sections) != 0)
				return usage_error("--section: '%s' is not a list of uptake, timeliness, "
						   "risk, outcomes, reach, needs, trend",
						   optarg);
			break;
		case 'o':
			if ((fmt = dasv_report_format_parse(optarg)) < 0)
				return usage_error("--format: '%s' is not table, csv or json", optarg);
			break;
		case 'h':
			printf("%s\n", REPORT_USAGE);
			return 0;
		default:
			return usage_error("report: %s", "bad option");
		}
	}
	if (optind != argc)
		return usage_error("report: unexpected argument '%s'", argv[optind]);
	if (from || to) {
		if (!from || !to)
			return usage_error("%s", "--from and --to go together");
		periods++;
	}
	if (periods > 1)
		return usage_error("%s", "choose one period: --from/--to, --quarter, --month or --year");
	/* a bad period is reported before asking for a passphrase */
	if (period_opt) {
		st = dasv_report_period_parse(period_opt, period_val, p.from, p.to, err, sizeof(err));
		if (st != DASV_OK)
			return bad_value(err);
	} else if (from) {
		if (dasv_report_range_check(from, to, err, sizeof(err)) != DASV_OK)
			return bad_value(err);
		snprintf(p.from, sizeof(p.from), "%s", from);
		snprintf(p.to, sizeof(p.to), "%s", to);
	}
	if ((rc = cli_open_unlocked(c, 0, &d)) != 0)
		return rc;
	st = dasv_report_run(d, &p, &r);
	if (st == DASV_INVALID) {
		rc = bad_value(dasv_errmsg(d));
	} else if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(d));
	} else {
		st = dasv_report_write(r, (enum dasv_report_format)fmt, stdout);
		rc = st == DASV_OK ? 0 : cli_status(st, "cannot write the report");
	}
	dasv_report_free(&r);
	dasv_close(&d);
	return rc;
}
