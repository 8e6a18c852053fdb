/*
 * screen_home.c - placeholder until the home screen lands: says so,
 * and goes back on Esc.
 */
#include "app.h"

static const struct ui_keyuse keys[] = { UI_KEYS_END };

static void
draw(struct ui *ui, void *state)
{
	WINDOW *w = ui_body(ui);

	(void)state;
	werase(w);
	ui_put(w, 1, 2, getmaxx(w) - 4, "Home: not available yet in this version.", ui_attr(ui, UI_ROLE_NORMAL));
	ui_put(w, 3, 2, getmaxx(w) - 4, "Press q to quit or Esc to go back.", ui_attr(ui, UI_ROLE_HINT));
}

static int
handle(struct ui *ui, void *state, enum ui_request req, wint_t ch)
{
	(void)ui;
	(void)state;
	(void)req;
	(void)ch;
	return 0;
}

static const struct ui_screen_ops ops = { .name = "Home", .keys = keys, .draw = draw, .handle = handle };

int
screen_home_push(struct app *a)
{
	return ui_push(a->ui, &ops, NULL);
}
