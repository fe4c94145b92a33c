/* audit: the trail of what staff did with personal data. Every staff
 * action that shows or changes a resident's data (a day agenda, a shared
 * self-check, a call-back request, a check-in, a no-show, a block, a CSV
 * export) or an account is one row: who (the account's number and its
 * name at that moment), what (a fixed action word), which wijkwijzer,
 * booking or call-back request (their numbers, never a resident's name,
 * phone or reference), a detail without personal data (the day, the new
 * status) and when (UTC, to the second). A beheerder reads and filters it
 * (web/staff_admin.c); the retention job deletes rows older than
 * --audit-days.
 *
 * Threads: audit_record writes through writer_do (at once when called
 * inside a write, so a change and its row commit together); the others
 * read on the calling thread's connection. No state of its own. */
#ifndef WW_DOMAIN_AUDIT_H
#define WW_DOMAIN_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct app;

/* The action words (stored; web/staff_admin.c has them in words). */
#define AUDIT_LOGIN            "login"
#define AUDIT_LOGOUT           "logout"
#define AUDIT_AGENDA_VIEW      "agenda.view"
#define AUDIT_AGENDA_EXPORT    "agenda.export"
#define AUDIT_BOOKING_VIEW     "booking.view"
#define AUDIT_SUMMARY_VIEW     "summary.view"
#define AUDIT_BOOKING_STATUS   "booking.status"
#define AUDIT_BLOCK            "slot.block"
#define AUDIT_UNBLOCK          "slot.unblock"
#define AUDIT_CALLBACK_VIEW    "callback.view"
#define AUDIT_CALLBACK_STATUS  "callback.status"
#define AUDIT_ACCOUNT_ADD      "account.add"
#define AUDIT_ACCOUNT_UPDATE   "account.update"
#define AUDIT_ACCOUNT_PASSWORD "account.password"
#define AUDIT_TRAIL_VIEW       "audit.view"
#define AUDIT_INSIGHT_VIEW     "insight.view"    /* the anonymous counts (no personal data) */
#define AUDIT_INSIGHT_EXPORT   "insight.export"  /* their CSV */
#define AUDIT_CONTENT_DRAFT    "content.draft"   /* a part of an entry saved as a draft */
#define AUDIT_CONTENT_DISCARD  "content.discard" /* a draft thrown away */
#define AUDIT_CONTENT_PUBLISH  "content.publish" /* the drafts published (their number) */

/* What an action was about; 0 / NULL: nothing of that kind. */
struct audit_subject {
	const char *location;
	long long booking;
	long long callback;
	long long account;  /* an account the action changed */
	const char *detail; /* no personal data: "2026-12-08", "checked_in" */
};

/* Who did it: an account's number and name (domain/staff.h hands them
 * out as staff_actor(u)); number 0 and name NULL: the command line. */
struct audit_actor {
	long long id;
	const char *name;
};

/* Writes one row: by did action on s at the current clock time. False
 * when it could not be stored: the caller then does not show or change
 * what it was about. */
bool audit_record(struct app *app, struct audit_actor by, const char *action,
                  const struct audit_subject *s);

/* True when by already has a row of action on the same wijkwijzer and
 * detail within the last window_s seconds (a page refreshing itself
 * after a live message is covered by the row of its opening). */
bool audit_recent(struct app *app, struct audit_actor by, const char *action,
                  const struct audit_subject *s, int window_s);

struct audit_entry {
	long long id;
	char at[21];        /* "2026-12-01T09:30:05Z" */
	long long actor_id; /* 0: the command line */
	char actor[65];
	char action[24];
	char location[65];
	long long booking, callback, account;
	char detail[64];
};

/* Which rows audit_list gives; NULL / 0: any. Dates are "YYYY-MM-DD"
 * (local days: from its start, to its end). */
struct audit_filter {
	const char *actor;  /* the account's name */
	const char *action; /* an action word, or its prefix ending in '.' */
	const char *location;
	const char *from, *to;
	long long booking;
	size_t limit; /* rows, newest first (0: 200) */
};

/* The rows that match f, newest first; *out is the caller's to free().
 * *more: there were more than f->limit. */
bool audit_list(struct app *app, const struct audit_filter *f, struct audit_entry **out, size_t *n,
                bool *more);

/* Deletes rows older than days before now; the number deleted or -1. */
int audit_retention(struct app *app, int days, time_t now);

#endif
