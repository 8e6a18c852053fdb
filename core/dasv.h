/*
 * dasv.h - the public face of the referral core: what tui/ and tests include.
 *
 * A struct dasv is one open database plus, once unlocked, one user's session
 * (their role and keys).  Everything a screen does is a call here; the core
 * decides access, writes the audit log and never prints or exits.  Strings the
 * core hands out that may hold personal data are freed with dasv_str_free(),
 * which wipes them first.
 */
#ifndef DASV_H
#define DASV_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DASV_VERSION_STRING "0.1.0"
#define DASV_APPLICATION_ID 0x44415356 /* "DASV" */
#define DASV_MIN_PASSPHRASE 12
#define DASV_NAME_MAX 64

struct dasv;

enum dasv_role {
	DASV_ROLE_NONE = -1,
	DASV_ROLE_CASEWORKER = 0,
	DASV_ROLE_SUPERVISOR,
	DASV_ROLE_AUDITOR,
	DASV_ROLE_ADMIN,
};

const char *dasv_role_name(enum dasv_role role);
enum dasv_role dasv_role_parse(const char *s); /* DASV_ROLE_NONE if unknown */

/* Process set-up: sodium_init, no core dumps, no ptrace attach.  Call first. */
enum dasv_status dasv_process_init(char *err, size_t errsz);

/* ---- database ------------------------------------------------------- */

enum dasv_open_flags {
	DASV_OPEN_MIGRATE = 1 << 0, /* allow an older schema (for dasv migrate) */
};

/*
 * Open an existing database.  *out is set even on failure when a message is
 * available (read it with dasv_errmsg, then dasv_close); NULL only when out
 * of memory.  DASV_NODB when the file does not exist, DASV_VERSION when the
 * schema is newer than this program or (without DASV_OPEN_MIGRATE) older.
 */
enum dasv_status dasv_open(const char *path, int flags, struct dasv **out);
/* Wipes keys, finalises statements, closes.  Accepts NULL; nulls *d. */
void dasv_close(struct dasv **d);
/* Last error message on the handle; never NULL, never a decrypted value. */
const char *dasv_errmsg(const struct dasv *d);

/* Create a new database with its first admin.  Refuses an existing file. */
enum dasv_status dasv_init(const char *path, const char *admin, const char *pass,
			   struct dasv **out);
/* Apply pending migrations; *applied counts them. */
enum dasv_status dasv_migrate(struct dasv *d, int *applied);
int dasv_schema_version(struct dasv *d);
int dasv_schema_latest(void);
int dasv_is_demo(struct dasv *d);

/* ---- session -------------------------------------------------------- */

/* Unlock as a user.  DASV_AUTH for an unknown user or wrong passphrase. */
enum dasv_status dasv_unlock(struct dasv *d, const char *user, const char *pass);
/* Wipe the keys; the handle stays open and can be unlocked again. */
void dasv_lock(struct dasv *d);
int dasv_is_unlocked(const struct dasv *d);
enum dasv_role dasv_session_role(const struct dasv *d);
const char *dasv_session_user(const struct dasv *d);
int64_t dasv_session_user_id(const struct dasv *d);
/* Test hook: whether the data key bytes are present in this process. */
int dasv_session_holds_data_key(const struct dasv *d);

/* ---- users ---------------------------------------------------------- */

struct dasv_user {
	int64_t id;
	char name[DASV_NAME_MAX];
	enum dasv_role role;
	int active;
	char created_at[21];
};

/* Admin only.  The passphrase must be at least DASV_MIN_PASSPHRASE characters. */
enum dasv_status dasv_user_add(struct dasv *d, const char *name, enum dasv_role role,
			       const char *pass);
/* Admin only; removes the keyslot.  Refuses to disable the last active admin. */
enum dasv_status dasv_user_disable(struct dasv *d, const char *name);
/* The unlocked user's own passphrase. */
enum dasv_status dasv_user_passwd(struct dasv *d, const char *new_pass);
/* Any unlocked user; *users is malloc'd, caller frees. */
enum dasv_status dasv_user_list(struct dasv *d, struct dasv_user **users, size_t *n);

/* ---- settings ------------------------------------------------------- */

enum dasv_status dasv_setting_int(struct dasv *d, const char *key, long dflt, long *out);
/* Admin only. */
enum dasv_status dasv_setting_set(struct dasv *d, const char *key, const char *value);

/* ---- audit ---------------------------------------------------------- */

struct dasv_audit_result {
	int64_t entries;
	int64_t first_bad_id;  /* 0 when the chain verifies */
	char reason[128];
};

/* Any unlocked user (auditors included): verify the whole chain. */
enum dasv_status dasv_audit_verify(struct dasv *d, struct dasv_audit_result *res);
/* Latest chain hash as 64 hex digits, for recording off the host. */
enum dasv_status dasv_audit_head(struct dasv *d, char hex[65], int64_t *id);
/* Whether a head recorded earlier is still in the chain (catches a cut tail). */
enum dasv_status dasv_audit_contains(struct dasv *d, const char *hex, int *found);

/* ---- secrets -------------------------------------------------------- */

/* Wipe and free a string the core returned; accepts NULL, nulls *s. */
void dasv_str_free(char **s);
/* Wipe memory that held a passphrase or plaintext. */
void dasv_wipe(void *p, size_t n);

#endif
