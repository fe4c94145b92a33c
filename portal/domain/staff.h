/* staff: the personal accounts of wijkwijzer staff and their roles, the
 * login with its lockout, sessions that end after inactivity, check-in
 * and no-show, and the data of the day agenda and its CSV export. The
 * pages are web/staff.c and web/staff_admin.c; what staff did is written
 * to the audit trail (domain/audit.h); the bookings themselves are read
 * and written by domain/booking.c.
 *
 * Roles: a medewerker works for one or more wijkwijzers (locations) and
 * sees only their agendas and call-back requests; a beheerder sees all
 * wijkwijzers, makes and changes accounts and reads the audit trail; an
 * aanbieder is an account of a provider (one organisation of the
 * content), which edits that organisation's entries of the sociale kaart
 * as drafts a beheerder publishes, and has no wijkwijzers: it sees no
 * agenda, booking or call-back request.
 *
 * State: accounts and sessions live in the bookings database (every
 * write through the writer, exec/writer.h); the lockout counts failures in
 * base/rate.c's table (its own mutex). Nothing here holds state of its own.
 *
 * Threads: staff_add, staff_set_password, staff_password_ok and staff_login
 * hash with yescrypt, which takes a noticeable moment: the slow pool (their
 * routes are ROUTE_SLOW) or the command line, never the loop. The others
 * run on any worker: they read on the calling thread's connection and write
 * through writer_do. */
#ifndef WW_DOMAIN_STAFF_H
#define WW_DOMAIN_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/hours.h"
#include "base/sb.h"
#include "domain/audit.h"

struct app;

/* Failed logins are counted per (client, account name) in a window: after
 * STAFF_FREE_FAILURES, that client waits 2, 4, 8 ... seconds (at most the
 * window) before its next try for that name. Nobody else waits: a correct
 * password from a client that has not failed always works. A client that
 * fails on many names waits the window (STAFF_CLIENT_FAILURES);
 * STAFF_ALARM_FAILURES on one account from all clients together write an
 * alarm to the log (with the account's number, not its name). */
#define STAFF_FREE_FAILURES    3
#define STAFF_CLIENT_FAILURES  30
#define STAFF_ALARM_FAILURES   20
#define STAFF_FAILURE_WINDOW_S 900

/* A session ends after STAFF_IDLE_SECONDS without a request, and at the
 * latest STAFF_SESSION_SECONDS after the login (a working day). Its token
 * is 256 random bits in base64url (43 characters); only its SHA-256 hash
 * is stored. */
#define STAFF_IDLE_SECONDS    (30 * 60)
#define STAFF_SESSION_SECONDS (10 * 3600)
#define STAFF_TOKEN_LEN       43
/* the session cookie (web/staff.c), __Host-ww_staff on an https public
   address (base/origin.h ORIGIN_COOKIE) */
#define STAFF_COOKIE "ww_staff"

#define STAFF_NAME_MAX      64  /* bytes of an account name */
#define STAFF_LOCATION_MAX  64  /* bytes of a location id */
#define STAFF_MAX_LOCATIONS 16  /* wijkwijzers of one medewerker */
#define STAFF_PASSWORD_MIN  12  /* characters */
#define STAFF_PASSWORD_MAX  256 /* bytes */

enum staff_role {
	STAFF_MEDEWERKER,
	STAFF_BEHEERDER,
	STAFF_AANBIEDER,
};

/* An account as staff_find and the session give it. */
struct staff_user {
	long long id;
	char name[STAFF_NAME_MAX + 1];
	enum staff_role role;
	bool active;
	size_t nlocations; /* a medewerker's wijkwijzers, sorted; the others have none */
	char locations[STAFF_MAX_LOCATIONS][STAFF_LOCATION_MAX + 1];
	/* an aanbieder's organisation (its slug in the content); empty for the
	   other roles */
	char organization[STAFF_LOCATION_MAX + 1];
};

/* Who u is in the audit trail; u NULL: the command line. */
struct audit_actor staff_actor(const struct staff_user *u);

/* "medewerker", "beheerder" or "aanbieder" (the stored and the command
 * line's word). */
const char *staff_role_name(enum staff_role role);
bool staff_role_parse(const char *word, enum staff_role *out);

/* True when location is a wijkwijzer with appointments (the content). */
bool staff_location_exists(struct app *app, const char *location);
/* True when u may see and change what belongs to location: a beheerder
 * every wijkwijzer, a medewerker its own, an aanbieder none. */
bool staff_may(const struct staff_user *u, const char *location);
/* True when organization is an organisation of the content (its slug). */
bool staff_organization_exists(struct app *app, const char *organization);
/* True when u may edit the entries of organization (a slug) in the
 * sociale kaart: a beheerder every organisation, an aanbieder its own, a
 * medewerker none. */
bool staff_may_edit(const struct staff_user *u, const char *organization);

/* Why an account change was refused. */
enum staff_result {
	STAFF_OK,
	STAFF_BAD_NAME,         /* 2-64 of a-z A-Z 0-9 . _ - */
	STAFF_NAME_TAKEN,       /* another account has it (case does not count) */
	STAFF_BAD_LOCATION,     /* not a wijkwijzer, or too many */
	STAFF_NO_LOCATION,      /* a medewerker without a wijkwijzer */
	STAFF_BAD_ORGANIZATION, /* an aanbieder without an organisation of the content */
	STAFF_WEAK_PASSWORD,    /* fewer than STAFF_PASSWORD_MIN characters, or too long */
	STAFF_LAST_BEHEERDER,   /* the last active beheerder would go */
	STAFF_NOT_FOUND,
	STAFF_FAILED, /* the database or yescrypt */
};
/* A one-line reason in English for the command line. */
const char *staff_result_text(enum staff_result r);

/* Makes an account; by is the beheerder who does it (NULL: the command
 * line), for the audit trail. locations count for a medewerker only,
 * organization (a slug of the content, required) for an aanbieder only:
 * for the other roles they are ignored (NULL is fine). Sets *id. */
enum staff_result staff_add(struct app *app, const struct staff_user *by, const char *name,
                            enum staff_role role, const char *const *locations, size_t nlocations,
                            const char *organization, const char *password, long long *id);
/* Changes an account's role, wijkwijzers, organisation (as staff_add)
 * and whether it may log in; an account that may no longer log in loses
 * its sessions. */
enum staff_result staff_update(struct app *app, const struct staff_user *by, long long id,
                               enum staff_role role, const char *const *locations,
                               size_t nlocations, const char *organization, bool active);
/* Sets an account's password and ends its sessions, all but keep_token's
 * (the one of the person who changes their own password; NULL: all). */
enum staff_result staff_set_password(struct app *app, const struct staff_user *by, long long id,
                                     const char *password, const char *keep_token);
/* True when password is the account's (yescrypt; the slow pool). */
bool staff_password_ok(struct app *app, long long id, const char *password);

/* The account with id or name (any case); false when there is none. */
bool staff_find(struct app *app, long long id, struct staff_user *out);
bool staff_find_name(struct app *app, const char *name, struct staff_user *out);
/* Every account, by name; *out is the caller's to free(). */
bool staff_list(struct app *app, struct staff_user **out, size_t *n);

/* Old shared location passwords (migration 3) still in the database;
 * they no longer log in. -1 on a database error. */
int staff_legacy_passwords(struct app *app);

enum staff_login_result {
	STAFF_LOGIN_OK,      /* token holds the new session's token */
	STAFF_LOGIN_WAIT,    /* this client must wait *wait_s seconds for this name */
	STAFF_LOGIN_REFUSED, /* unknown name, inactive account or wrong password (counted) */
	STAFF_LOGIN_LEGACY,  /* a location's id: the shared passwords are gone (counted) */
	STAFF_LOGIN_ERROR,   /* the session could not be stored */
};

/* One login try from client (the request's client address) with name and
 * password at now. On STAFF_LOGIN_OK appends the session's token
 * (STAFF_TOKEN_LEN characters, for the cookie) to token, which the caller
 * owns, and fills *user; on STAFF_LOGIN_WAIT sets *wait_s (1 ...
 * STAFF_FAILURE_WINDOW_S). */
enum staff_login_result staff_login(struct app *app, const char *client, const char *name,
                                    const char *password, time_t now, struct sb *token,
                                    long *wait_s, struct staff_user *user);

/* The account of a session token that has neither been idle too long nor
 * expired, of an account that may log in; false for any other token.
 * used: the session counts as used now (written at most once a minute);
 * a page refreshing itself after a live message, or a WebSocket's hello,
 * is no use by a person and does not keep a session alive. */
bool staff_session_find(struct app *app, const char *token, bool used, struct staff_user *out);
/* Ends the session of token (logging out); false when nothing was written. */
bool staff_session_end(struct app *app, const char *token);

/* Called after sessions of account user ended or its rights changed (a
 * logout, a new password, the account changed or turned off), so open
 * live channels stop hearing staff messages (net/live.c). Set once before the server starts; NULL:
 * none. */
typedef void (*staff_ended_fn)(struct app *app, long long user);
void staff_on_sessions_ended(staff_ended_fn fn);

/* Staff set a booking of location to "checked_in", "no_show" or back to
 * "confirmed"; false for another status, a booking of another location,
 * or when it was not stored. */
bool staff_set_status(struct app *app, const char *location, long long id, const char *status);

/* The day the agenda shows: requested ("YYYY-MM-DD") when it is a date,
 * else the local date of now. Fills date and, when day is not NULL, day. */
void staff_day(const char *requested, time_t now, char date[11], struct hours_day *day);

/* The agenda of location on date as CSV (UTF-8 with a BOM, CRLF, every
 * cell quoted; a cell that starts like a formula gets a "'" in front, so
 * a spreadsheet never runs it), appended to out, which the caller owns.
 * False on a database error or without memory (out may then hold part). */
bool staff_export_csv(struct app *app, const char *location, const char *date, struct sb *out);

#endif
