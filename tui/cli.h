/*
 * cli.h - what the subcommands of the dasv command line share: global
 * options, passphrase input and opening/unlocking the database.  Subcommands
 * print results to stdout, messages to stderr, and return an exit code.
 */
#ifndef DASV_CLI_H
#define DASV_CLI_H

#include "dasv.h"

struct cli {
	const char *db_path;
	const char *user;
	int pass_fd;     /* -1: ask on the terminal */
	int new_pass_fd; /* -1: ask on the terminal, twice */
	int no_color;
	const char *prog;
};

/* Print "dasv: message" to stderr; returns 64 (usage). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_status(enum dasv_status st, const char *msg);

/*
 * Read a passphrase: one line from fd, or from the terminal without echo.
 * buf is wiped by the caller with dasv_wipe.  Returns 0 or an exit code.
 */
int cli_read_pass(int fd, const char *prompt, char *buf, size_t bufsz);
/* A new passphrase: from new_pass_fd, or asked twice on the terminal. */
int cli_read_new_pass(const struct cli *c, const char *who, char *buf, size_t bufsz);

/* Open the database and unlock as c->user. Returns 0 or an exit code. */
int cli_open_unlocked(const struct cli *c, int open_flags, struct dasv **out);

/* Print data to a terminal only after sanitising it. */
void cli_print_safe(const char *s);

int cmd_init(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_migrate(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_tui(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_referral(struct cli *c, int argc, char **argv);
int cmd_queue(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
/* cli_keys.c: the key lifecycle and the database as a whole */
int cmd_rekey(struct cli *c, int argc, char **argv);
int cmd_erase(struct cli *c, int argc, char **argv);
int cmd_purge(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_restore(struct cli *c, int argc, char **argv);

#endif
