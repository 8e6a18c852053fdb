/*
 * ui_keys.c - the request table generated from keys.h, key names for the
 * footer and help, and the escape sequences of common terminal emulators.
 */
#include <stdio.h>
#include <string.h>

#include "ui_int.h"
#include "../core/text.h"

/* The request table, generated from keys.h. */
#define UI_REQ_KEYS(id, label, help, ...) \
	static const int ui_keys_##id[] = { __VA_ARGS__, 0 };
UI_REQ_INFO(UI_REQ_KEYS)
#undef UI_REQ_KEYS

static const struct {
	const char *label;
	const char *help;
	const int *keys;
} ui_reqs[UI_REQ_COUNT] = {
#define UI_REQ_ROW(id, label, help, ...) { label, help, ui_keys_##id },
	UI_REQ_INFO(UI_REQ_ROW)
#undef UI_REQ_ROW
};

/* Requests every screen has; the screen's own list is searched first. */
static const enum ui_request ui_globals[] = {
	UI_REQ_BACK, UI_REQ_QUIT, UI_REQ_HELP, UI_REQ_LOCK, UI_REQ_REDRAW
};

const char *
ui_req_label(enum ui_request r)
{
	return (unsigned)r < UI_REQ_COUNT ? ui_reqs[r].label : NULL;
}

const char *
ui_req_help(enum ui_request r)
{
	return (unsigned)r < UI_REQ_COUNT ? ui_reqs[r].help : "";
}

const int *
ui_req_keys(enum ui_request r)
{
	return ui_reqs[(unsigned)r < UI_REQ_COUNT ? r : UI_REQ_NONE].keys;
}

const enum ui_request *
ui_req_globals(size_t *n)
{
	*n = sizeof(ui_globals) / sizeof(ui_globals[0]);
	return ui_globals;
}

bool
ui_key_printable(int key)
{
	return !UI_IS_FKEY(key) && dasv_text_cp_allowed((uint32_t)key);
}

bool
ui_req_has_key(enum ui_request r, int key)
{
	const int *k;

	for (k = ui_reqs[r].keys; *k; k++)
		if (*k == key)
			return true;
	return false;
}

/* First key of r worth showing: not a printable one when typing goes to a field. */
int
ui_req_first_key(enum ui_request r, bool text_mode)
{
	const int *k;

	for (k = ui_reqs[r].keys; *k; k++)
		if (!text_mode || !ui_key_printable(*k))
			return *k;
	return 0;
}

int
ui_req_free_key(enum ui_request r, bool text_mode, const struct ui_keyuse *claimed)
{
	for (const int *k = ui_reqs[r].keys; *k; k++) {
		bool taken = false;

		if (text_mode && ui_key_printable(*k))
			continue;
		for (const struct ui_keyuse *ku = claimed; ku && ku->req != UI_REQ_NONE; ku++)
			if (ku->req != r && ui_req_has_key(ku->req, *k))
				taken = true;
		if (!taken)
			return *k;
	}
	return 0;
}

const char *
ui_key_name(int key, char *buf, size_t bufsz)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" },
		{ KEY_HOME, "Home" }, { KEY_END, "End" }, { KEY_ENTER, "Enter" },
		{ KEY_BTAB, "S-Tab" }, { KEY_BACKSPACE, "Backspace" }, { KEY_DC, "Del" },
	};
	char u[5];
	size_t i, n;
	int k;

	if (UI_IS_FKEY(key)) {
		k = key & ~UI_FKEY(0);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].key == k)
				return names[i].name;
		if (k >= KEY_F(1) && k <= KEY_F(63)) {
			snprintf(buf, bufsz, "F%d", k - KEY_F0);
			return buf;
		}
		return "?";
	}
	switch (key) {
	case '\r': case '\n': return "Enter";
	case '\t': return "Tab";
	case UI_KEY_ESC: return "Esc";
	case 0x7f: return "Backspace";
	case ' ': return "Space";
	default: break;
	}
	if (key < 0x20) {
		snprintf(buf, bufsz, "^%c", key + 0x40);
		return buf;
	}
	n = dasv_text_utf8_encode((uint32_t)key, u);
	u[n] = '\0';
	snprintf(buf, bufsz, "%s", u);
	return buf;
}

/*
 * Home/End and F1 as the common emulators send them whatever TERM says:
 * PuTTY and tmux send ESC [1~ / ESC [4~ while TERM=xterm expects ESC OH / ESC OF.
 */
void
ui_define_keys(void)
{
	static const struct {
		const char *seq;
		int key;
	} extra[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033[H", KEY_HOME },
		{ "\033OH", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[8~", KEY_END },
		{ "\033[F", KEY_END }, { "\033OF", KEY_END }, { "\033[11~", KEY_F(1) },
		{ "\033OP", KEY_F(1) }, { "\033[12~", KEY_F(2) }, { "\033OQ", KEY_F(2) },
		{ "\033[Z", KEY_BTAB },
	};
	size_t i;

	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (key_defined(extra[i].seq) <= 0)
			define_key(extra[i].seq, extra[i].key);
}

