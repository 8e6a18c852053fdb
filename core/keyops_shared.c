/*
 * keyops_shared.c - a database shared by a group on one host: its directory
 * belongs to the group, setgid, mode 2770, and the database with its -wal
 * and -shm files to the group with mode 0660.  Refuses a directory it cannot
 * make so rather than loosening anything else.
 */
#include "keyops.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the shared host ------------------------------------------------------ */

static enum dasv_status
shared_fail(struct dasv **out, enum dasv_status st, const char *msg)
{
	if (!*out && !(*out = calloc(1, sizeof(**out))))
		return DASV_NOMEM;
	(*out)->role = DASV_ROLE_NONE;
	dasv_set_err(*out, st, "%s", msg);
	return st;
}

/* The directory of a shared database: group gid, setgid, 2770 (made if missing). */
static enum dasv_status
shared_dir(const char *dir, gid_t gid, struct dasv **out)
{
	struct stat sb;
	char msg[3 * 4096 + 300];

	if (stat(dir, &sb) != 0 && (errno != ENOENT || mkdir(dir, 0700) != 0 || stat(dir, &sb) != 0)) {
		snprintf(msg, sizeof(msg), "cannot create the directory %s: %s", dir, strerror(errno));
		return shared_fail(out, DASV_CREATE, msg);
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(msg, sizeof(msg), "%s is not a directory", dir);
		return shared_fail(out, DASV_CREATE, msg);
	}
	if (sb.st_uid == geteuid()) {
		/* setgid: files any member makes in it stay in the group */
		if ((sb.st_gid != gid && chown(dir, (uid_t)-1, gid) != 0) || chmod(dir, 02770) != 0 ||
		    stat(dir, &sb) != 0) {
			snprintf(msg, sizeof(msg),
				 "cannot give %s to group %ld with mode 2770 (%s): are you a member "
				 "of that group?", dir, (long)gid, strerror(errno));
			return shared_fail(out, DASV_CREATE, msg);
		}
	}
	if (sb.st_gid != gid || (sb.st_mode & 07777) != 02770) {
		snprintf(msg, sizeof(msg),
			 "the directory %s must belong to group %ld with mode 2770: as its owner, run "
			 "'chgrp GROUP %s && chmod 2770 %s'", dir, (long)gid, dir, dir);
		return shared_fail(out, DASV_CREATE, msg);
	}
	return DASV_OK;
}

enum dasv_status
dasv_init_shared(const char *path, const char *admin, const char *pass, gid_t gid,
		 struct dasv **out)
{
	static const char *const sides[] = { "", "-wal", "-shm" };
	char dir[4096], *slash, file[4200];
	enum dasv_status st;

	*out = NULL;
	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return shared_fail(out, DASV_CREATE, "database path is too long");
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((st = shared_dir(dir, gid, out)) != DASV_OK)
		return st;
	if ((st = dasv_init(path, admin, pass, out)) != DASV_OK)
		return st;
	/* created private; now the group's (SQLite gives -wal and -shm the file's mode) */
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(file, sizeof(file), "%s%s", path, sides[i]);
		if (access(file, F_OK) != 0 && i > 0)
			continue;
		if (chown(file, (uid_t)-1, gid) != 0 || chmod(file, 0660) != 0)
			return dasv_set_err(*out, DASV_IO, "cannot give %s to the group: %s", file,
					    strerror(errno));
	}
	return DASV_OK;
}
