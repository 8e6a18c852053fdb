/*
 * cli.c - helpers shared by the subcommands: messages, passphrase input
 * without echo, opening and unlocking.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "text.h"

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("dasv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 64;
}

int
cli_status(enum dasv_status st, const char *msg)
{
	char safe[1024];

	if (st == DASV_OK)
		return 0;
	dasv_text_sanitize(msg && *msg ? msg : dasv_status_str(st), safe, sizeof(safe));
	fprintf(stderr, "dasv: %s\n", safe);
	return dasv_status_exit_code(st);
}

void
cli_print_safe(const char *s)
{
	char safe[4096];

	dasv_text_sanitize(s ? s : "", safe, sizeof(safe));
	fputs(safe, stdout);
}

/* One line from fd, byte by byte so nothing after the line is consumed. */
static int
read_line_fd(int fd, char *buf, size_t bufsz)
{
	size_t n = 0;
	char ch;
	ssize_t r;

	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		if (n + 1 >= bufsz) {
			dasv_wipe(buf, bufsz);
			return -1;
		}
		buf[n++] = ch;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return r < 0 ? -1 : (int)n;
}

int
cli_read_pass(int fd, const char *prompt, char *buf, size_t bufsz)
{
	struct termios old, quiet;
	int tty, n;

	buf[0] = '\0';
	if (fd >= 0) {
		if (read_line_fd(fd, buf, bufsz) < 0)
			return cli_error("cannot read the passphrase from file descriptor %d", fd),
			       74;
		return 0;
	}
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty < 0)
		return cli_error("no terminal to ask for the passphrase: use --passphrase-fd N");
	if (tcgetattr(tty, &old) != 0) {
		close(tty);
		return cli_error("cannot read the passphrase from the terminal");
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (write(tty, prompt, strlen(prompt)) < 0 || tcsetattr(tty, TCSAFLUSH, &quiet) != 0) {
		close(tty);
		return cli_error("cannot turn off echo on the terminal");
	}
	n = read_line_fd(tty, buf, bufsz);
	tcsetattr(tty, TCSAFLUSH, &old);
	if (write(tty, "\n", 1) < 0)
		n = -1;
	close(tty);
	if (n < 0)
		return cli_error("cannot read the passphrase"), 74;
	return 0;
}

int
cli_read_new_pass(const struct cli *c, const char *who, char *buf, size_t bufsz)
{
	char again[1100], prompt[128];
	int rc;

	if (c->new_pass_fd >= 0)
		return cli_read_pass(c->new_pass_fd, "", buf, bufsz);
	snprintf(prompt, sizeof(prompt), "New passphrase for %s (at least %d characters): ", who,
		 DASV_MIN_PASSPHRASE);
	if ((rc = cli_read_pass(-1, prompt, buf, bufsz)) != 0)
		return rc;
	if ((rc = cli_read_pass(-1, "Repeat it: ", again, sizeof(again))) != 0) {
		dasv_wipe(buf, bufsz);
		return rc;
	}
	rc = strcmp(buf, again) != 0;
	dasv_wipe(again, sizeof(again));
	if (rc) {
		dasv_wipe(buf, bufsz);
		fprintf(stderr, "dasv: the two passphrases differ\n");
		return 65;
	}
	return 0;
}

int
cli_open_unlocked(const struct cli *c, int open_flags, struct dasv **out)
{
	char pass[1100], prompt[160];
	enum dasv_status st;
	int rc;

	*out = NULL;
	st = dasv_open(c->db_path, open_flags, out);
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(*out));
		dasv_close(out);
		return rc;
	}
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", c->user);
	if ((rc = cli_read_pass(c->pass_fd, prompt, pass, sizeof(pass))) != 0) {
		dasv_close(out);
		return rc;
	}
	st = dasv_unlock(*out, c->user, pass);
	dasv_wipe(pass, sizeof(pass));
	if (st != DASV_OK) {
		rc = cli_status(st, dasv_errmsg(*out));
		dasv_close(out);
		return rc;
	}
	return 0;
}
