/*
 * chart.c - bars in eighths of a cell (▏▎▍▌▋▊▉█) and sparklines (▁▂▃▄▅▆▇█),
 * with ASCII stand-ins ('#' bars, "_.-~=+#@" levels) for terminals whose
 * locale is not UTF-8.
 */
#include "chart.h"

#include <string.h>

/* U+2589..U+258F: seven eighths down to one eighth; U+2588 the full block. */
static const char *const eighths[8] = {
	"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
	"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89",
};
#define FULL_BLOCK "\xe2\x96\x88"

static const char *const spark_utf8[CHART_LEVELS] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char *const spark_ascii[CHART_LEVELS] = { "_", ".", "-", "~", "=", "+", "#", "@" };

/* Round a non-negative x to the nearest whole number (no libm). */
static long
round_pos(double x)
{
	return (long)(x + 0.5);
}

/* Append s to out at *o if it fits whole. */
static int
put(char *out, size_t outsz, size_t *o, const char *s)
{
	size_t len = strlen(s);

	if (*o + len + 1 > outsz)
		return -1;
	memcpy(out + *o, s, len + 1);
	*o += len;
	return 0;
}

int
chart_bar(double frac, int width, bool utf8, char *out, size_t outsz)
{
	size_t o = 0;
	long units, full, rem;
	int cells = 0;

	if (!outsz)
		return 0;
	out[0] = '\0';
	if (width <= 0 || !(frac > 0)) /* also NaN */
		return 0;
	if (frac > 1)
		frac = 1;
	/* eighths of a cell in UTF-8, whole cells in ASCII; never 0 above 0 */
	units = round_pos(frac * width * (utf8 ? 8 : 1));
	if (units < 1)
		units = 1;
	full = utf8 ? units / 8 : units;
	rem = utf8 ? units % 8 : 0;
	for (long i = 0; i < full; i++, cells++)
		if (put(out, outsz, &o, utf8 ? FULL_BLOCK : "#") < 0)
			return cells;
	if (rem && put(out, outsz, &o, eighths[rem]) == 0)
		cells++;
	return cells;
}

int
chart_level(double v, double max)
{
	long l;

	if (!(max > 0) || !(v > 0))
		return 0;
	if (v >= max)
		return CHART_LEVELS - 1;
	l = round_pos(v / max * (CHART_LEVELS - 1));
	return l < 0 ? 0 : l > CHART_LEVELS - 1 ? CHART_LEVELS - 1 : (int)l;
}

const char *
chart_spark_glyph(int level, bool utf8)
{
	if (level == CHART_HIDDEN)
		return utf8 ? "\xc2\xb7" : "?"; /* a middle dot: there, but no height */
	if (level < 0 || level >= CHART_LEVELS)
		return " ";
	return utf8 ? spark_utf8[level] : spark_ascii[level];
}
