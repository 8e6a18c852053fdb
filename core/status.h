/*
 * status.h - the one error convention of the dasv core.
 *
 * Every core function that can fail returns an enum dasv_status and puts its
 * results in out-parameters.  Functions on a handle also leave a human message
 * in the handle (dasv_errmsg); pure functions take a caller buffer.  A message
 * names the field and the reason, and never contains a decrypted value.
 */
#ifndef DASV_STATUS_H
#define DASV_STATUS_H

#include <stddef.h>

/* name, exit code (sysexits.h values documented in dasv --help), message */
#define DASV_STATUS_INFO(_) \
	_(OK,        0,  "ok") \
	_(USAGE,     64, "usage error") \
	_(INVALID,   65, "invalid data") \
	_(CORRUPT,   65, "stored data failed its integrity check") \
	_(VERSION,   65, "database version does not match this program") \
	_(NOTFOUND,  65, "not found") \
	_(CONFLICT,  65, "changed by someone else") \
	_(NODB,      66, "no such database") \
	_(EXISTS,    73, "already exists") \
	_(CREATE,    73, "cannot create") \
	_(IO,        74, "input/output error") \
	_(BUSY,      75, "database busy") \
	_(AUTH,      77, "wrong user name or passphrase") \
	_(DENIED,    77, "not permitted") \
	_(LOCKED,    77, "session is locked") \
	_(NOMEM,     70, "out of memory") \
	_(INTERNAL,  70, "internal error")

enum dasv_status {
#define DASV_STATUS_ENUM(name, code, msg) DASV_##name,
	DASV_STATUS_INFO(DASV_STATUS_ENUM)
#undef DASV_STATUS_ENUM
	DASV_STATUS_COUNT
};

/* Static text for a status; never NULL. */
const char *dasv_status_str(enum dasv_status st);
/* Process exit code for a status (0, 64, 65, 66, 70, 73, 74, 75, 77). */
int dasv_status_exit_code(enum dasv_status st);

/* Format into a caller buffer and return st, so "return dasv_fail(...)" reads well. */
enum dasv_status dasv_fail(char *buf, size_t bufsz, enum dasv_status st,
			   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
