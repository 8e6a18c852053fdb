/*
 * keys.h - every request the TUI understands, its default keys, its footer
 * label and its help text, in one list.
 *
 * The request enum, the key lookup, the footer and the `?` help screen are all
 * generated from UI_REQ_INFO (tig's REQ_INFO), so they cannot drift apart.  A
 * screen says which requests it uses with a struct ui_keyuse list (ui.h) and
 * may relabel them there; it never binds keys of its own.
 *
 * Keys are wide characters as get_wch() returns them, or function keys
 * wrapped in UI_FKEY() so that KEY_UP (0403) is not confused with U+0103.
 */
#ifndef DASV_KEYS_H
#define DASV_KEYS_H

#include <curses.h>

#define UI_FKEY(k)	((int)(k) | 0x1000000)
#define UI_IS_FKEY(k)	(((k) & 0x1000000) != 0)
#define UI_CTRL(c)	((c) & 0x1f)
#define UI_KEY_ESC	0x1b

/*
 * request, footer label (NULL: help only), help text, keys...
 * The first key is the one the footer shows (the first non-printable one
 * while the screen takes text).
 */
#define UI_REQ_INFO(_) \
	_(NONE,   NULL,     "",                                   0) \
	_(CHAR,   NULL,     "Type text",                          0) \
	_(UP,     NULL,     "Previous row or field",              UI_FKEY(KEY_UP), 'k') \
	_(DOWN,   NULL,     "Next row or field",                  UI_FKEY(KEY_DOWN), 'j') \
	_(LEFT,   NULL,     "Cursor left, previous choice",       UI_FKEY(KEY_LEFT), 'h') \
	_(RIGHT,  NULL,     "Cursor right, next choice",          UI_FKEY(KEY_RIGHT), 'l') \
	_(PGUP,   NULL,     "Previous page",                      UI_FKEY(KEY_PPAGE), UI_CTRL('b')) \
	_(PGDN,   NULL,     "Next page",                          UI_FKEY(KEY_NPAGE), UI_CTRL('f')) \
	_(HOME,   NULL,     "First row, start of field",          UI_FKEY(KEY_HOME), 'g', UI_CTRL('a')) \
	_(END,    NULL,     "Last row, end of field",             UI_FKEY(KEY_END), 'G', UI_CTRL('e')) \
	_(ENTER,  "Open",   "Open the selected item",             '\r', '\n', UI_FKEY(KEY_ENTER)) \
	_(NEXT,   "Next",   "Next field",                         '\t') \
	_(PREV,   NULL,     "Previous field",                     UI_FKEY(KEY_BTAB)) \
	_(BKSP,   NULL,     "Delete the character before the cursor", UI_FKEY(KEY_BACKSPACE), 0x7f, UI_CTRL('h')) \
	_(DEL,    NULL,     "Delete the character under the cursor", UI_FKEY(KEY_DC), UI_CTRL('d')) \
	_(CLEAR,  NULL,     "Clear the field",                    UI_CTRL('u')) \
	_(TOGGLE, NULL,     "Toggle yes/no, next choice",         ' ') \
	_(SAVE,   "Save",   "Check and save",                     UI_FKEY(KEY_F(2)), UI_CTRL('s')) \
	_(SEARCH, "Search", "Search",                             '/') \
	_(YES,    "Yes",    "Answer yes",                         'y', 'Y') \
	_(NO,     "No",     "Answer no",                          'n', 'N') \
	_(BACK,   "Back",   "Go back or cancel (never quits)",    UI_KEY_ESC) \
	_(QUIT,   "Quit",   "Quit (from the top screen; elsewhere goes back)", 'q', UI_CTRL('c')) \
	_(HELP,   "Help",   "Show the keys of this screen",       '?', UI_FKEY(KEY_F(1))) \
	_(LOCK,   "Lock",   "Lock the screen now",                UI_CTRL('x'), UI_FKEY(KEY_F(12))) \
	_(REDRAW, NULL,     "Redraw the screen",                  UI_CTRL('l')) \
	/* the app's requests: each screen lists the ones it uses */ \
	_(NEW,      "New",      "New referral",                   'n') \
	_(EDIT,     "Edit",     "Edit the referral",              'e') \
	_(ALLOCATE, "Allocate", "Allocate to a service",          'a') \
	_(DASH,     "Risk",     "DASH risk checklist",            'd') \
	_(SVASSESS, "SV",       "Sexual violence safety and support assessment", 's') \
	_(NEEDS,    "Needs",    "Needs assessment",               'N') \
	_(CONTACT,  "Contact",  "Log a contact (attempted, made, unsafe)", 'c') \
	_(NOTE,     "Note",     "Add a case note",                'o') \
	_(CLOSECASE,"Close",    "Close the case with an outcome", 'x') \
	_(SWITCH,   "Lists",    "Switch between the queue and the waiting lists", 'w') \
	_(REPORTS,  "Reports",  "Commissioning reports",          'r') \
	_(AUDITLOG, "Audit",    "The audit log",                  'L') \
	_(ADMIN,    "Admin",    "Users and services",             'M') \
	_(PERIOD,   "Period",   "Change the period",              'p') \
	_(GROUPBY,  "By",       "Group by service, pathway or district", 'b') \
	_(EXPORT,   "Export",   "Export this view as CSV",        'E') \
	_(FILTER,   "Filter",   "Filter",                         'f') \
	_(VERIFY,   "Verify",   "Verify the audit chain",         'V') \
	_(UNKNOWN,  "Not known","Answer not known",               '?') \
	_(SOURCE,   "Source",   "Change where the answer came from", 'S') \
	_(JUDGE,    "Judgement","Professional judgement (raise the level, with a reason)", 'J') \
	_(CONSENT,  "Consent",  "Consent to a MARAC referral",    'C') \
	_(SCORE,    NULL,       "Set the score or level (0 none, 1 low, 2 medium, 3 high)", '0', '1', '2', '3')

enum ui_request {
#define UI_REQ_ENUM(id, label, help, ...) UI_REQ_##id,
	UI_REQ_INFO(UI_REQ_ENUM)
#undef UI_REQ_ENUM
	UI_REQ_COUNT
};

#endif
