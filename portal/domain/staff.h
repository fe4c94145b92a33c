/* staff: the staff accounts of the wijkwijzer locations: one password per
 * location (a yescrypt hash in the bookings database), the login with its
 * lockout, sessions, check-in and no-show, and the data of the day agenda
 * and its CSV export. The pages are web/staff.c; the bookings themselves
 * are read and written by domain/booking.c.
 *
 * State: the accounts and sessions live in the bookings database (every
 * write through the writer, exec/writer.h); the lockout counts failures in
 * base/rate.c's table (its own mutex). Nothing here holds state of its own.
 *
 * Threads: staff_login and staff_set_password hash with yescrypt, which
 * takes a noticeable moment: the slow pool (the login route is ROUTE_SLOW)
 * or the command line, never the loop. The others run on any worker: they
 * read on the calling thread's connection and write through writer_do
 * (inside a ROUTE_WRITE handler that runs at once on the writer). */
#ifndef WW_DOMAIN_STAFF_H
#define WW_DOMAIN_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/hours.h"
#include "base/sb.h"

struct app;

/* Failed logins are counted per (client, location) in a window: after
 * STAFF_FREE_FAILURES, that client waits 2, 4, 8 ... seconds (at most the
 * window) before its next try for that location. Nobody else waits: a
 * correct password from a client that has not failed always works. A
 * client that fails on many locations waits the window
 * (STAFF_CLIENT_FAILURES); STAFF_ALARM_FAILURES on one location from all
 * clients together write an alarm to the log. */
#define STAFF_FREE_FAILURES    3
#define STAFF_CLIENT_FAILURES  30
#define STAFF_ALARM_FAILURES   20
#define STAFF_FAILURE_WINDOW_S 900

/* A session lasts a working day; its token is 256 random bits in
 * base64url (43 characters); only its SHA-256 hash is stored. */
#define STAFF_SESSION_SECONDS (8 * 3600)
#define STAFF_TOKEN_LEN       43
#define STAFF_COOKIE          "ww_staff" /* the session cookie (web/staff.c) */

/* True when location is a wijkwijzer with appointments (the content). */
bool staff_location_exists(struct app *app, const char *location);

/* Sets the password of a location's staff account (at least 12
 * characters) and ends the sessions of the old one. Used by `wijkwijzer
 * --set-staff-password LOCATION`. False with a one-line reason in err. */
bool staff_set_password(struct app *app, const char *location, const char *password, char *err,
                        size_t errlen);

enum staff_login_result {
	STAFF_LOGIN_OK,      /* token holds the new session's token */
	STAFF_LOGIN_WAIT,    /* this client must wait *wait_s seconds for this location */
	STAFF_LOGIN_REFUSED, /* unknown location or wrong password (counted) */
	STAFF_LOGIN_ERROR,   /* the session could not be stored */
};

/* One login try from client (the request's client address) for location
 * with password at now. On STAFF_LOGIN_OK appends the session's token
 * (STAFF_TOKEN_LEN characters, for the cookie) to token, which the caller
 * owns; on STAFF_LOGIN_WAIT sets *wait_s (1 ... STAFF_FAILURE_WINDOW_S). */
enum staff_login_result staff_login(struct app *app, const char *client, const char *location,
                                    const char *password, time_t now, struct sb *token,
                                    long *wait_s);

/* The location (copied into location, len bytes) of a session token that
 * has not expired; false for any other token. */
bool staff_session_find(struct app *app, const char *token, char *location, size_t len);
/* Ends the session of token (logging out); false when nothing was written. */
bool staff_session_end(struct app *app, const char *token);

/* Staff set a booking of their location to "checked_in", "no_show" or
 * back to "confirmed"; false for another status, a booking of another
 * location, or when it was not stored. */
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
