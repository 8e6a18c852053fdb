/*
 * text.h - making untrusted text safe and measurable for a terminal.
 *
 * Everything shown on a terminal that came from data (names, notes, imported
 * CSV) passes through here first, in the TUI and in the CLI alike.  The module
 * knows no curses.  Input is treated as UTF-8 whatever the locale, because the
 * database stores UTF-8; only the display width and the fallback for
 * non-UTF-8 terminals look at the locale (LC_CTYPE, set by the caller with
 * setlocale(LC_ALL, "") before use).
 *
 * What never gets through: ESC, any other C0 control, DEL, C1 controls
 * (U+0080-U+009F, including the 8-bit CSI 0x9b), bidirectional overrides and
 * isolates (which reorder what is displayed), line/paragraph separators, and
 * invalid UTF-8 (bad bytes, truncated, overlong forms, surrogates, > U+10FFFF).
 */
#ifndef DASV_TEXT_H
#define DASV_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DASV_TEXT_REPLACEMENT 0xFFFDu

/*
 * Copy in to out as valid, printable UTF-8: C0 controls and DEL become caret
 * notation ("^[" for ESC, "^G" for BEL, "^?" for DEL), a tab becomes a space,
 * C1 controls, bidi controls and invalid sequences become U+FFFD.  Truncates
 * at a character boundary so that out always holds whole characters and a
 * NUL (when outsz > 0).  in may be NULL (treated as "").  Returns the bytes
 * written, not counting the NUL.  Locale-independent.
 */
size_t dasv_text_sanitize(const char *in, char *out, size_t outsz);

/*
 * Display columns that in takes once sanitised (so "\033" counts 2, for "^[").
 * Uses wcwidth(), so the caller must have called setlocale(); in a non-UTF-8
 * locale every non-ASCII character counts 1 (it is shown as '?').
 */
size_t dasv_text_width(const char *utf8);

/*
 * Sanitise in and cut it to at most cols display columns, ending in an
 * ellipsis ("…", or "~" when the locale is not UTF-8) when it had to be cut.
 * A wide character that would straddle the limit is left out.  In a non-UTF-8
 * locale non-ASCII characters become '?' so out is plain ASCII.  Not padded.
 * Returns the display width of out.
 */
int dasv_text_fit(const char *in, int cols, char *out, size_t outsz);

/* Is the current LC_CTYPE UTF-8? */
bool dasv_text_locale_utf8(void);

/*
 * Decode one code point from s (at most len bytes).  Returns the bytes used
 * (at least 1 when len > 0, 0 when len == 0); invalid input yields U+FFFD and
 * consumes the bad bytes.
 */
size_t dasv_text_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp (<= U+10FFFF, not a surrogate) into out; returns 1..4, 0 if invalid. */
size_t dasv_text_utf8_encode(uint32_t cp, char out[4]);

/* May cp be typed into a field and stored?  False for controls, C1, bidi
 * controls, separators, surrogates and out-of-range values. */
bool dasv_text_cp_allowed(uint32_t cp);

/* Columns cp takes on this terminal (0, 1 or 2), or -1 when it cannot be shown
 * as itself and needs a one-column placeholder ('?' or U+FFFD). */
int dasv_text_cp_width(uint32_t cp);

#endif
