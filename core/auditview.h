/*
 * auditview.h - reading the audit log, for auditors and admins: entries
 * newest first in keyset-paged pages, a filter for break-glass events, and
 * for those the reason that was given.  Verifying the chain is
 * dasv_audit_verify (dasv.h).
 *
 * Every page read is itself one audit entry ("audit_view").  Break-glass
 * reasons are sealed under a key derived from the audit key, which
 * auditors hold, so an auditor can read them without the data key.
 */
#ifndef DASV_AUDITVIEW_H
#define DASV_AUDITVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "dasv.h"

#define DASV_AUDIT_DETAIL_MAX 1024

enum dasv_bg_state {
	DASV_BG_NONE,    /* not a break-glass entry */
	DASV_BG_OPENED,  /* bg_reason holds the reason */
	DASV_BG_MISSING, /* no break-glass record matches the entry */
	DASV_BG_DAMAGED, /* the sealed reason failed its integrity check */
};

struct dasv_audit_entry {
	int64_t id;
	char at[21];              /* YYYY-MM-DDTHH:MM:SSZ */
	char user[DASV_NAME_MAX];
	char action[32];
	char entity[32];
	int64_t entity_id;        /* 0: none */
	char detail[DASV_AUDIT_DETAIL_MAX];
	int bg_state;             /* enum dasv_bg_state */
	int64_t bg_id;            /* break_glass row, 0 when none */
	char *bg_reason;          /* sensitive free text; wiped by dasv_audit_entries_clear */
};

/* Wipe the reasons and the entries; the array stays the caller's. */
void dasv_audit_entries_clear(struct dasv_audit_entry *e, size_t n);

/*
 * Auditors and admins (others: DASV_DENIED).  The list is newest first;
 * dir > 0 gives up to max entries after the entry with id key in that
 * order (key 0: from the newest), dir < 0 the max entries before it
 * (key 0: the oldest ones), still newest first.  break_glass_only keeps
 * the break-glass events.  A page holds at most 256 entries.  A page of
 * one or more entries writes one audit entry "audit_view" naming the ids
 * shown, never a reason.  Reasons that fail to open do not fail the page:
 * the entry says DASV_BG_DAMAGED.
 */
enum dasv_status dasv_audit_page(struct dasv *d, int break_glass_only, int64_t key, int dir,
				 struct dasv_audit_entry *out, size_t max, size_t *n);

/* How many entries the list has (auditors and admins). */
enum dasv_status dasv_audit_count(struct dasv *d, int break_glass_only, int64_t *n);

#endif
