/* callbacks: "Bel mij terug", the call-back inbox of a wijkwijzer.
 *
 * A resident leaves a name and a phone number (required) for one
 * wijkwijzer; the wijkwijzer promises to call by the end of the second
 * working day after the request (Monday to Friday, not a public holiday
 * of the content, not a day closed_days.csv closes for all wijkwijzers
 * or for that one). Staff of that wijkwijzer see the requests that are
 * not handled yet, most urgent first, mark them "called" or "not
 * reached" (each counts an attempt) or "done", with a short note, and can
 * reopen a handled one. Personal data (name, phone, note) of a handled
 * request is deleted --retention-days after it was handled; an open
 * request keeps it until it is handled.
 *
 * Times are local wall-clock times "YYYY-MM-DDTHH:MM" (booking.h).
 * Writes go through the writer (writer_do), which tells the layers above
 * with writer_changed(location, "", WRITER_CALLBACKS) after the COMMIT. */
#ifndef WW_CALLBACKS_H
#define WW_CALLBACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/hours.h"
#include "domain/booking.h"

struct app;

#define CALLBACK_NOTE_MAX 300       /* characters of a staff note */
#define CALLBACK_DAY_END  (17 * 60) /* the promised call comes by 17.00 */

/* The deadline of a request asked on day `asked` (any time of that day):
 * the second working day after it, at CALLBACK_DAY_END, written to out.
 * closed(ctx, d) says whether a weekday is no working day (a holiday, a
 * closed day); Saturday and Sunday never are. Pure: any thread. False
 * when no working day comes within 60 days (content that closes
 * everything). */
bool callbacks_deadline(struct hours_day asked, bool (*closed)(void *ctx, struct hours_day d),
                        void *ctx, char out[BOOKING_TIME_LEN]);
/* The same for location at now, with the holidays and closed days of
 * the content. Any thread with connections (db.h). */
bool callbacks_deadline_of(struct app *app, const char *location, time_t now,
                           char out[BOOKING_TIME_LEN]);

/* The part of the day that suits the resident: "" (any), "ochtend",
 * "middag". */
bool callbacks_daypart_known(const char *daypart);

/* A staff note: at most CALLBACK_NOTE_MAX characters, the characters a
 * name may hold (booking_check_text); "" or NULL is fine. */
enum booking_field_error callbacks_check_note(const char *note);

struct callback_new {
	const char *location;     /* a place that takes appointments (checked by the caller) */
	const char *topic;        /* NULL or "": none */
	const char *name, *phone; /* checked: booking_check_name, booking_check_phone */
	const char *lang;
	const char *daypart; /* NULL or one of callbacks_daypart_known */
};
/* Stores the request with its deadline (also written to deadline) and
 * tells the staff of its location. On the writer (it waits for the
 * COMMIT, or runs inside a ROUTE_WRITE handler's write); false when it
 * was not stored. */
bool callbacks_create(struct app *app, const struct callback_new *cb, time_t now,
                      char deadline[BOOKING_TIME_LEN]);

struct callback {
	long long id;
	char *location, *topic, *name, *phone, *lang, *daypart, *status, *note;
	char *created_at, *deadline, *handled_at; /* local times; handled_at NULL when not */
	int attempts;
	bool overdue; /* open or not reached, and the deadline has passed */
	bool purged;  /* personal data deleted */
};
struct callback_list {
	struct callback *items;
	size_t n;
};
void callbacks_list_free(struct callback_list *l);

/* The inbox of location at now: in `open` every request that is not
 * done, overdue first, then by deadline, then oldest first; in
 * `handled` the last `handled_max` handled ones whose personal data is
 * still there, latest first. False on a database error (both empty).
 * Any thread (the reader's connection). */
bool callbacks_inbox(struct app *app, const char *location, time_t now, size_t handled_max,
                     struct callback_list *open, struct callback_list *handled);
/* How many requests of location are not done; -1 on a database error. */
int callbacks_open_count(struct app *app, const char *location);

enum callback_set {
	CALLBACK_SET_OK,
	CALLBACK_SET_NOT_FOUND, /* no such request at this location, or purged */
	CALLBACK_SET_INVALID,   /* an unknown status or a note that does not pass */
	CALLBACK_SET_ERROR,
};
/* Staff of location set request id to status ("called", "not_reached",
 * "done", or "open" to reopen a handled one) with note (NULL: leave it
 * as it is; "": clear it). "called" and "not_reached" count an attempt.
 * On the writer, as callbacks_create. */
enum callback_set callbacks_set_status(struct app *app, const char *location, long long id,
                                       const char *status, const char *note, time_t now);

/* The retention job (with booking_retention): deletes name, phone and
 * note of every request handled more than days before now, and of every
 * one not handled whose deadline passed more than days ago (it then counts
 * as handled; one log line says how many, without data). Returns how many, -1 on an error. On
 * the writer, as callbacks_create. */
int callbacks_retention(struct app *app, int days, time_t now);

#endif
