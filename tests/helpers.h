/*
 * helpers.h - shared set-up for the criterion unit tests: every test gets its
 * own temporary directory and database, removed afterwards.
 */
#ifndef DASV_TEST_HELPERS_H
#define DASV_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dasv.h"

#define TH_ADMIN_PASS "correct horse battery staple"
#define TH_PASS "a long enough passphrase"

struct th {
	char dir[64];
	char path[128];
	struct dasv *d;
};

static inline void
th_rmdir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(dp);
	rmdir(dir);
}

/* A new database with admin "admin", unlocked as admin. */
static inline void
th_setup(struct th *t)
{
	char err[256];

	cr_assert_eq(dasv_process_init(err, sizeof(err)), DASV_OK, "%s", err);
	snprintf(t->dir, sizeof(t->dir), "/tmp/dasv-test-XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
	cr_assert_eq(dasv_init(t->path, "admin", TH_ADMIN_PASS, &t->d), DASV_OK, "%s",
		     dasv_errmsg(t->d));
}

static inline void
th_teardown(struct th *t)
{
	dasv_close(&t->d);
	th_rmdir(t->dir);
}

/* Add a user as the current (admin) session. */
static inline void
th_add_user(struct th *t, const char *name, enum dasv_role role)
{
	cr_assert_eq(dasv_user_add(t->d, name, role, TH_PASS), DASV_OK, "%s", dasv_errmsg(t->d));
}

/* Switch the session to another user. */
static inline void
th_as(struct th *t, const char *name)
{
	const char *pass = strcmp(name, "admin") == 0 ? TH_ADMIN_PASS : TH_PASS;
	cr_assert_eq(dasv_unlock(t->d, name, pass), DASV_OK, "%s", dasv_errmsg(t->d));
}

/* Does the file contain the byte string? (for "no plaintext on disk") */
static inline int
th_file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	size_t n = strlen(needle), have = 0;
	char *buf;
	long len;
	int found = 0;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (buf)
		have = fread(buf, 1, (size_t)len, f);
	fclose(f);
	for (size_t i = 0; buf && n && i + n <= have; i++)
		if (memcmp(buf + i, needle, n) == 0) {
			found = 1;
			break;
		}
	free(buf);
	return found;
}

#endif
