/*
 * chart.h - horizontal bars and sparklines as text, for the reports screen.
 *
 * Unicode block characters when the terminal's locale is UTF-8 (eighths of
 * a cell for bars, ▁ to █ for sparklines), plain ASCII otherwise.  The
 * functions only make strings: the caller draws them (through ui_put) and
 * always prints the figure beside them, so a chart never carries a value
 * the text does not also say.  A hidden (suppressed) figure gets no bar and
 * no height at all.  Knows no curses and no core.
 */
#ifndef DASV_CHART_H
#define DASV_CHART_H

#include <stdbool.h>
#include <stddef.h>

/* Sparkline levels: 0 (lowest) .. CHART_LEVELS-1 (highest), or one of these. */
#define CHART_LEVELS 8
#define CHART_HIDDEN (-1) /* a suppressed figure: a mark with no height */
#define CHART_NONE (-2)   /* nothing to show (no one counted): blank */

/*
 * A bar frac (0..1, clamped) of width cells long into out (NUL-terminated,
 * cut to whole characters).  A figure above zero always gets at least the
 * thinnest bar, so it cannot be mistaken for zero.  Returns the cells used.
 */
int chart_bar(double frac, int width, bool utf8, char *out, size_t outsz);

/* The level (0 .. CHART_LEVELS-1) of v on a scale of 0 .. max. */
int chart_level(double v, double max);

/* The sparkline glyph of a level, CHART_HIDDEN or CHART_NONE: one cell. */
const char *chart_spark_glyph(int level, bool utf8);

#endif
