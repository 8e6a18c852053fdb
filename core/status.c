/* status.c - messages and exit codes for enum dasv_status. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
	int code;
	const char *msg;
} status_info[] = {
#define DASV_STATUS_ROW(name, code, msg) { code, msg },
	DASV_STATUS_INFO(DASV_STATUS_ROW)
#undef DASV_STATUS_ROW
};

const char *
dasv_status_str(enum dasv_status st)
{
	if ((unsigned)st >= DASV_STATUS_COUNT)
		return "unknown status";
	return status_info[st].msg;
}

int
dasv_status_exit_code(enum dasv_status st)
{
	if ((unsigned)st >= DASV_STATUS_COUNT)
		return 70;
	return status_info[st].code;
}

enum dasv_status
dasv_fail(char *buf, size_t bufsz, enum dasv_status st, const char *fmt, ...)
{
	va_list ap;

	if (buf && bufsz) {
		va_start(ap, fmt);
		vsnprintf(buf, bufsz, fmt, ap);
		va_end(ap);
	}
	return st;
}
