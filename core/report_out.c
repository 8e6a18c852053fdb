/*
 * report_out.c - a report as text: the one cell formatter every output
 * uses, and writers for an aligned table, CSV (RFC 4180) and JSON.
 *
 * Writers only format what report_table.c left in the cells: a suppressed
 * cell holds no value, so it can only ever print as its marker.  They write
 * to the caller's FILE * and never to a stream of their own choosing.
 * Labels come from the database (service names are typed by admins), so
 * they are sanitised for a terminal, quoted for CSV and escaped for JSON.
 */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

static const char *
by_filter_strand(unsigned s)
{
	return s == 1 ? "DA" : s == 2 ? "SV" : s == 3 ? "DA;SV" : "";
}

const char *
dasv_report_cell_text(const struct dasv_report *r, const struct dasv_report_table *t, size_t row,
		      size_t col, char *buf, size_t bufsz)
{
	const struct dasv_report_cell *c = dasv_report_cell_at(t, row, col);

	if (!bufsz)
		return buf;
	buf[0] = '\0';
	if (!c)
		return buf;
	if (c->supp == DASV_SUPP_SMALL) {
		snprintf(buf, bufsz, "<%d", r ? r->threshold : 5);
		return buf;
	}
	if (c->supp != DASV_SUPP_NONE) {
		snprintf(buf, bufsz, "*");
		return buf;
	}
	switch (c->kind) {
	case DASV_CELL_COUNT:
	case DASV_CELL_PLAIN:
		snprintf(buf, bufsz, "%lld", (long long)c->n);
		break;
	case DASV_CELL_SHARE:
		snprintf(buf, bufsz, "%.1f", c->v * 100.0);
		break;
	case DASV_CELL_STAT:
		snprintf(buf, bufsz, "%.*f", t->cols[col].decimals, c->v);
		break;
	default:
		break;
	}
	return buf;
}

/* ---- table ----------------------------------------------------------------- */

#define LABEL_MAX_COLS 40

static void
pad(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

static void
write_heading(const struct dasv_report *r, FILE *f)
{
	const struct dasv_report_params *p = &r->params;
	char safe[200];

	fprintf(f, "dasv report: %s to %s, by %s", p->from, p->to, dasv_report_by_name(p->by));
	if (p->strand)
		fprintf(f, "; strand %s", by_filter_strand(p->strand));
	if (p->district[0]) {
		dasv_text_sanitize(p->district, safe, sizeof(safe));
		fprintf(f, "; district %s", safe);
	}
	if (p->service_id)
		fprintf(f, "; service %lld", (long long)p->service_id);
	if (p->pathway[0]) {
		dasv_text_sanitize(p->pathway, safe, sizeof(safe));
		fprintf(f, "; pathway %s", safe);
	}
	fprintf(f, "\nmade on %s.  Counts of 1 to %d show as <%d; * hides a figure that would "
		   "reveal one,\nor a share or average of fewer than %d people.\n",
		r->made_on, r->threshold - 1, r->threshold, r->threshold);
}

static void
write_table(const struct dasv_report *r, const struct dasv_report_table *t, FILE *f)
{
	size_t label_w = 0, w[64];
	char text[64], fit[4 * LABEL_MAX_COLS + 8], title[4 * sizeof(t->title)];
	size_t ncols = t->ncols < 64 ? t->ncols : 64;

	for (size_t row = 0; row < t->nrows; row++) {
		size_t lw = (size_t)dasv_text_fit(t->rows[row].label, LABEL_MAX_COLS, fit, sizeof(fit));
		if (lw > label_w)
			label_w = lw;
	}
	for (size_t col = 0; col < ncols; col++) {
		w[col] = strlen(t->cols[col].label);
		for (size_t row = 0; row < t->nrows; row++) {
			size_t len = strlen(dasv_report_cell_text(r, t, row, col, text, sizeof(text)));
			if (len > w[col])
				w[col] = len;
		}
	}
	dasv_text_sanitize(t->title, title, sizeof(title));
	fprintf(f, "\n%s\n", title);
	pad(f, label_w);
	for (size_t col = 0; col < ncols; col++) {
		fputs("  ", f);
		pad(f, w[col] - strlen(t->cols[col].label));
		fputs(t->cols[col].label, f);
	}
	fputc('\n', f);
	for (size_t row = 0; row < t->nrows; row++) {
		size_t lw = (size_t)dasv_text_fit(t->rows[row].label, LABEL_MAX_COLS, fit, sizeof(fit));
		fputs(fit, f);
		pad(f, label_w - lw);
		for (size_t col = 0; col < ncols; col++) {
			dasv_report_cell_text(r, t, row, col, text, sizeof(text));
			fputs("  ", f);
			pad(f, w[col] - strlen(text));
			fputs(text, f);
		}
		fputc('\n', f);
	}
}

static void
write_text(const struct dasv_report *r, FILE *f)
{
	int section = -1;

	write_heading(r, f);
	for (size_t i = 0; i < r->ntables; i++) {
		const struct dasv_report_table *t = &r->tables[i];
		if ((int)t->section != section) {
			section = (int)t->section;
			fprintf(f, "\n== %s ==\n", dasv_report_section_title(t->section));
		}
		write_table(r, t, f);
	}
}

/* ---- CSV ------------------------------------------------------------------- */

/* One RFC 4180 field; text from data is sanitised, and cannot start a formula. */
static void
csv_field(FILE *f, const char *s, int from_data)
{
	char safe[4 * 160];
	int quote;

	if (from_data) {
		dasv_text_sanitize(s, safe + 1, sizeof(safe) - 1);
		/* a spreadsheet would run "=..." as a formula */
		if (safe[1] && strchr("=+-@", safe[1])) {
			safe[0] = '\'';
			s = safe;
		} else {
			s = safe + 1;
		}
	}
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
write_csv(const struct dasv_report *r, FILE *f)
{
	char text[64];

	fputs("section,table,row,label,column,value\r\n", f);
	for (size_t i = 0; i < r->ntables; i++) {
		const struct dasv_report_table *t = &r->tables[i];
		for (size_t row = 0; row < t->nrows; row++)
			for (size_t col = 0; col < t->ncols; col++) {
				csv_field(f, dasv_report_section_id(t->section), 0);
				fputc(',', f);
				csv_field(f, t->id, 0);
				fputc(',', f);
				csv_field(f, t->rows[row].code, 1);
				fputc(',', f);
				csv_field(f, t->rows[row].label, 1);
				fputc(',', f);
				csv_field(f, t->cols[col].id, 0);
				fputc(',', f);
				csv_field(f, dasv_report_cell_text(r, t, row, col, text, sizeof(text)), 0);
				fputs("\r\n", f);
			}
	}
}

/* ---- JSON ------------------------------------------------------------------ */

/* A JSON string: valid UTF-8 (bad bytes become U+FFFD), controls escaped. */
static void
json_str(FILE *f, const char *s)
{
	size_t len = s ? strlen(s) : 0, used;
	char enc[4];
	uint32_t cp;

	fputc('"', f);
	while (len > 0) {
		used = dasv_text_utf8_decode(s, len, &cp);
		s += used;
		len -= used;
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (char)cp);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
			fprintf(f, "\\u%04x", (unsigned)cp);
		else
			fwrite(enc, 1, dasv_text_utf8_encode(cp, enc), f);
	}
	fputc('"', f);
}

static void
json_cell(const struct dasv_report *r, const struct dasv_report_table *t, size_t row, size_t col,
	  FILE *f)
{
	const struct dasv_report_cell *c = dasv_report_cell_at(t, row, col);
	char text[64];

	dasv_report_cell_text(r, t, row, col, text, sizeof(text));
	if (c->supp != DASV_SUPP_NONE)
		json_str(f, text);
	else if (!text[0])
		fputs("null", f);
	else
		fputs(text, f); /* digits, with at most one '.': a JSON number */
}

static void
write_json(const struct dasv_report *r, FILE *f)
{
	const struct dasv_report_params *p = &r->params;

	fputs("{\n  \"from\": ", f);
	json_str(f, p->from);
	fputs(", \"to\": ", f);
	json_str(f, p->to);
	fputs(", \"made_on\": ", f);
	json_str(f, r->made_on);
	fputs(", \"by\": ", f);
	json_str(f, dasv_report_by_name(p->by));
	fputs(",\n  \"filters\": {\"strand\": ", f);
	if (p->strand)
		json_str(f, by_filter_strand(p->strand));
	else
		fputs("null", f);
	fputs(", \"district\": ", f);
	if (p->district[0])
		json_str(f, p->district);
	else
		fputs("null", f);
	fputs(", \"service_id\": ", f);
	if (p->service_id)
		fprintf(f, "%lld", (long long)p->service_id);
	else
		fputs("null", f);
	fputs(", \"pathway\": ", f);
	if (p->pathway[0])
		json_str(f, p->pathway);
	else
		fputs("null", f);
	fprintf(f, "},\n  \"suppress_below\": %d,\n  \"trend_from\": ", r->threshold);
	json_str(f, r->trend_from);
	fputs(", \"trend_to\": ", f);
	json_str(f, r->trend_to);
	fputs(",\n  \"tables\": [", f);
	for (size_t i = 0; i < r->ntables; i++) {
		const struct dasv_report_table *t = &r->tables[i];
		fputs(i ? ",\n    {" : "\n    {", f);
		fputs("\"section\": ", f);
		json_str(f, dasv_report_section_id(t->section));
		fputs(", \"id\": ", f);
		json_str(f, t->id);
		fputs(", \"title\": ", f);
		json_str(f, t->title);
		fputs(",\n     \"columns\": [", f);
		for (size_t col = 0; col < t->ncols; col++) {
			fputs(col ? ", {\"id\": " : "{\"id\": ", f);
			json_str(f, t->cols[col].id);
			fputs(", \"label\": ", f);
			json_str(f, t->cols[col].label);
			fputc('}', f);
		}
		fputs("],\n     \"rows\": [", f);
		for (size_t row = 0; row < t->nrows; row++) {
			fputs(row ? ",\n       {\"code\": " : "\n       {\"code\": ", f);
			json_str(f, t->rows[row].code);
			fputs(", \"label\": ", f);
			json_str(f, t->rows[row].label);
			fprintf(f, ", \"total\": %s, \"cells\": [", t->rows[row].total ? "true" : "false");
			for (size_t col = 0; col < t->ncols; col++) {
				if (col)
					fputs(", ", f);
				json_cell(r, t, row, col, f);
			}
			fputs("]}", f);
		}
		fputs("]}", f);
	}
	fputs("\n  ]\n}\n", f);
}

int
dasv_report_format_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "table"))
		return DASV_FORMAT_TABLE;
	if (!strcmp(s, "csv"))
		return DASV_FORMAT_CSV;
	if (!strcmp(s, "json"))
		return DASV_FORMAT_JSON;
	return -1;
}

enum dasv_status
dasv_report_write(const struct dasv_report *r, enum dasv_report_format fmt, FILE *f)
{
	if (!r || !f)
		return DASV_USAGE;
	switch (fmt) {
	case DASV_FORMAT_TABLE:
		write_text(r, f);
		break;
	case DASV_FORMAT_CSV:
		write_csv(r, f);
		break;
	case DASV_FORMAT_JSON:
		write_json(r, f);
		break;
	default:
		return DASV_USAGE;
	}
	if (fflush(f) != 0 || ferror(f))
		return DASV_IO;
	return DASV_OK;
}
