/*
 * app.c - the terminal front end's entry point.
 */
#include <curses.h>
#include <stdio.h>

#include "cli.h"

int
cmd_tui(struct cli *c, int argc, char **argv)
{
	int ch;

	(void)argc;
	(void)argv;
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	mvprintw(0, 0, "dasv %s", DASV_VERSION_STRING);
	mvprintw(2, 0, "database: %s", c->db_path);
	mvprintw(4, 0, "press q to quit");
	refresh();
	while ((ch = getch()) != 'q' && ch != ERR)
		;
	endwin();
	return 0;
}
