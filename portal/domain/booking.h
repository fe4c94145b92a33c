/* booking: wijkwijzer appointments: slots from the content, bookings in
 * the data folder, tokens and references, cancel and reschedule,
 * retention.
 *
 * Never overbooked: every booking claims one desk for each slot it
 * covers, and a partial UNIQUE index on (location, slot, desk) of the
 * active claims makes a second claim of the same desk impossible in the
 * database itself. Desks are numbered 1..desks, so a slot can never hold
 * more bookings than it has desks. Claims are made inside BEGIN
 * IMMEDIATE, so concurrent requests queue instead of racing.
 *
 * Never lost: the database runs with synchronous=FULL; a confirmation is
 * shown only after COMMIT returned.
 *
 * Times are local wall-clock times in Europe/Amsterdam, written as
 * "YYYY-MM-DDTHH:MM" (they sort as text). */
#ifndef WW_BOOKING_H
#define WW_BOOKING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/hours.h"
#include "base/sb.h"
#include "exec/writer.h"

struct app;

#define BOOKING_TIME_LEN  17 /* "2026-12-01T09:30" + NUL */
#define BOOKING_MAX_SLOTS 64
/* the most slots one appointment may cover (checked at import) */
#define BOOKING_SPAN_MAX 32

struct slot {
	char start[BOOKING_TIME_LEN];
	char end[BOOKING_TIME_LEN];
	int free; /* desks free for the whole duration */
};

struct booking_place {
	int slot_minutes, desks, notice_hours, horizon_days;
};

bool booking_place_config(struct app *app, const char *location, struct booking_place *out);
/* Duration of a topic in minutes, or -1 when unknown. */
int booking_topic_duration(struct app *app, const char *topic);

/* Bookable starts on one day for a topic (free may be 0: then full). */
size_t booking_day_slots(struct app *app, const char *location, const char *topic,
                         struct hours_day day, time_t now, struct slot *out, size_t max);
/* Every slot of a day by the opening hours, whatever is booked or how
 * near it is (for staff, to block one). */
size_t booking_day_starts(struct app *app, const char *location, struct hours_day day,
                          struct slot *out, size_t max);
/* The first start with a free desk within the horizon. */
bool booking_next_free(struct app *app, const char *location, const char *topic, time_t now,
                       struct slot *out);
/* Up to max next free starts from a given moment (for "just taken"). */
size_t booking_free_after(struct app *app, const char *location, const char *topic, time_t now,
                          const char *after, struct slot *out, size_t max);

/* A local time "YYYY-MM-DDTHH:MM" as a day and minute; false if malformed. */
bool booking_parse_time(const char *s, struct hours_day *day, int *minute);
/* ISO 8601 with the UTC offset in force then: 2026-12-01T09:30:00+01:00 */
bool booking_iso(struct sb *out, const char *local);
/* The instant of a local time. */
time_t booking_instant(const char *local);

enum booking_need {
	NEED_INTERPRETER = 1,
	NEED_WHEELCHAIR = 2,
	NEED_COMPANION = 4,
	NEED_CLIENT_SUPPORT = 8,
};

struct booking_request {
	const char *location;
	const char *start;
	const char *topic;
	const char *name;
	const char *phone;
	const char *email;
	const char *lang;
	unsigned needs;
	const char *interpreter_lang;
	const char *summary; /* consented self-check summary, or NULL */
	const char *origin;  /* "web", "kiosk" or "api" */
	/* Who books, for the weekly cap without contact details (only a
	   keyed hash of it is stored): the client address (request.peer,
	   the forwarded one behind the proxy), and the enrolled kiosk
	   terminal this browser is (kiosk_of_request; NULL outside a kiosk,
	   and origin is then not "kiosk"), which counts instead. */
	const char *client;
	const char *terminal;
};

/* ---- the one validator of a booking request --------------------------
 *
 * The booking pages and the API check the resident's details with the
 * same rules; each maps the codes to its own words (the pages to the
 * messages next to the fields, the API to its JSON). booking_create
 * checks them again (BOOKING_INVALID), so no other way in can skip them.
 * The choice of place, topic and time is checked by booking_create
 * itself (BOOKING_BAD_SLOT). Pure functions: any thread. */

#define BOOKING_NAME_MAX  100 /* characters (code points) */
#define BOOKING_PHONE_MAX 20  /* characters */
#define BOOKING_EMAIL_MAX 254 /* bytes */

enum booking_field_error {
	BOOKING_FIELD_OK = 0,
	BOOKING_FIELD_MISSING,   /* empty or only white space, where it is needed */
	BOOKING_FIELD_TOO_LONG,  /* name: more than BOOKING_NAME_MAX characters */
	BOOKING_FIELD_BAD_CHAR,  /* name: a control character (C0, DEL, C1), a bidi
	                            control (U+061C, U+200E/F, U+202A-E, U+2066-9), a
	                            line or paragraph separator, or invalid UTF-8 */
	BOOKING_FIELD_MALFORMED, /* phone, e-mail: not one */
	BOOKING_FIELD_UNKNOWN,   /* interpreter, lang: not a language we know */
};

struct booking_errors {
	enum booking_field_error name, phone, email, interpreter, lang;
};

/* Checks name (required), phone and email (optional: NULL or "" is
 * fine), the interpreter's language when needs has NEED_INTERPRETER, and
 * lang (required, a language of the portal). The values are checked as
 * given: the pages fold white space first (text_trim_fold), the API does
 * not. Fills every field of out; true when all are BOOKING_FIELD_OK. */
bool booking_validate(const struct booking_request *rq, struct booking_errors *out);
/* The rules one field at a time (the call-back form asks only these two):
 * a name as above; a phone number of BOOKING_PHONE_MAX characters at most,
 * digits and " +-()" only, 9 to 15 digits ("" is MALFORMED: the caller
 * decides whether the field is optional). */
enum booking_field_error booking_check_name(const char *name);
enum booking_field_error booking_check_phone(const char *phone);
/* A name's rules with another length: at most max characters (a staff
 * note of a call-back request). */
enum booking_field_error booking_check_text(const char *text, size_t max);
/* An e-mail address: at most BOOKING_EMAIL_MAX bytes, one "@" that is not
 * the first character, a dot in the domain of which the last is neither
 * its first nor its last character, no byte up to and including the
 * space and none of
 * <>"'(),;:\[] ("" is MALFORMED). */
enum booking_field_error booking_check_email(const char *email);
/* The languages an interpreter can be booked for: the i-th code ("ar"),
 * NULL past the last. */
const char *booking_interpreter_lang(size_t i);
bool booking_interpreter_known(const char *code);

enum booking_result {
	BOOKING_OK,
	BOOKING_FULL,     /* no desk free any more */
	BOOKING_BAD_SLOT, /* not a bookable start */
	BOOKING_NOT_FOUND,
	BOOKING_CANCELLED,
	BOOKING_LIMIT,        /* too many bookings for this contact */
	BOOKING_CLIENT_LIMIT, /* too many without contact details from this client */
	BOOKING_INVALID,      /* the details do not pass booking_validate */
	BOOKING_ERROR,
};

struct booking {
	long long id;
	char *reference, *location, *start, *end, *topic, *status;
	char *name, *phone, *email, *lang, *interpreter_lang, *summary, *origin;
	char *updated_at; /* "2026-12-01T09:30:00Z" (UTC) */
	int sequence;     /* moves and cancellation so far (RFC 5545 SEQUENCE) */
	unsigned needs;
	bool purged;
};

/* Creates a booking; on BOOKING_OK fills token (secret, 43 characters)
 * and reference ("K7D-3PX"). One phone number or e-mail address holds at
 * most three confirmed bookings per calendar week (BOOKING_LIMIT); a
 * booking without either counts for its client instead, which holds at
 * most app->cfg.client_bookings future confirmed ones per calendar week
 * without contact details (BOOKING_CLIENT_LIMIT); an enrolled kiosk
 * terminal counts as one client of its own, with a higher bound (see
 * booking.c). Details that booking_validate refuses: BOOKING_INVALID,
 * nothing stored. */
enum booking_result booking_create(struct app *app, const struct booking_request *rq, time_t now,
                                   struct sb *token, struct booking *out);
enum booking_result booking_find(struct app *app, const char *token, struct booking *out);
enum booking_result booking_find_reference(struct app *app, const char *reference,
                                           struct booking *out);
/* On any result but BOOKING_OK, out is left empty (booking_free-d). */
enum booking_result booking_cancel(struct app *app, const char *token, struct booking *out);
/* Moves a booking, to new_location (NULL: the same place) at new_start;
 * the old slot is released only when the new one is
 * held. A move into another week counts there for the booking's contact
 * or client like a new booking (BOOKING_LIMIT, BOOKING_CLIENT_LIMIT). */
enum booking_result booking_move(struct app *app, const char *token, const char *new_location,
                                 const char *new_start, time_t now, struct booking *out);
/* A resident finds an appointment again without its link: the reference
 * ("K7D-3PX", any case, with or without the dash) and, as proof, the
 * last four digits of the phone number or the e-mail address given when
 * booking. On BOOKING_OK or BOOKING_CANCELLED a new link of its own is
 * made (token; the first link and QR code keep working) and out is
 * filled; anything that does not match, whether the reference or the
 * proof, is BOOKING_NOT_FOUND, so an answer never tells which was
 * wrong. On the writer thread (it stores the new link's hash). */
enum booking_result booking_find_again(struct app *app, const char *reference, const char *proof,
                                       struct sb *token, struct booking *out);
void booking_free(struct booking *b);
/* The booking with this id, cancelled or not (BOOKING_OK,
 * BOOKING_CANCELLED; out empty otherwise). Any thread. */
enum booking_result booking_find_id(struct app *app, long long id, struct booking *out);
/* A new link of its own for booking id (as booking_find_again makes):
 * the token into token, its hash stored on the writer. False when the
 * booking is gone or purged, or nothing was stored. */
bool booking_new_link(struct app *app, long long id, struct sb *token);

/* The bookings of a day, for staff. */
struct booking_list {
	struct booking *items; /* n of them, by start and then id */
	size_t n;
};
/* Fills out (owned by the caller: booking_list_free) with every booking at
 * location on date ("YYYY-MM-DD") that is not cancelled, purged ones
 * included. False on a database error or without memory, and out is then
 * empty. Any thread (the reader's connection). */
bool booking_day_list(struct app *app, const char *location, const char *date,
                      struct booking_list *out);
void booking_list_free(struct booking_list *l);

/* A resident who found no free time asks to be called back: callbacks.h. */

/* Staff: set status (checked_in / no_show) by booking id at a location. */
bool booking_set_status(struct app *app, const char *location, long long id, const char *status);
/* Staff: block or unblock a slot ("...T09:30") or a whole day ("YYYY-MM-DD"). */
bool booking_block(struct app *app, const char *location, const char *what, bool block);

/* A resident checks in at a kiosk of location: code is what the QR code
 * carries (the appointment's URL, typed by a barcode scanner) or the
 * reference as typed. Only an appointment of today (the local date of
 * now) at location is set to checked_in (the agenda hears of it live).
 * out is filled on CHECKIN_OK and CHECKIN_ALREADY and for the two
 * refusals that say when and where it is; booking_free it. */
enum booking_checkin {
	CHECKIN_OK,
	CHECKIN_ALREADY,     /* checked in before */
	CHECKIN_UNKNOWN,     /* no such appointment (or not readable) */
	CHECKIN_CANCELLED,   /* it was cancelled */
	CHECKIN_NOT_TODAY,   /* another day */
	CHECKIN_OTHER_PLACE, /* today, at another wijkwijzer */
	CHECKIN_ERROR,
};
enum booking_checkin booking_check_in(struct app *app, const char *code, const char *location,
                                      time_t now, struct booking *out);

/* Staff: the blocks of location from date ("YYYY-MM-DD") on, in order:
 * whole days ("YYYY-MM-DD") and slots ("...T09:30"), at most max. -1 on
 * a database error. Any thread (the reader's connection). */
int booking_blocks(struct app *app, const char *location, const char *date,
                   char (*out)[BOOKING_TIME_LEN], size_t max);

/* Deletes personal data of bookings that ended more than days ago; keeps
 * anonymous rows (location, day, topic, status). Returns how many. */
int booking_retention(struct app *app, int days, time_t now);

/* {"type":"slots","location":..,"date":..,"slots":[...]} for the live channel. */
bool booking_slots_json(struct app *app, const char *location, const char *date, const char *topic,
                        struct sb *out);

/* A booking time in words in the current language: "dinsdag 1 december,
 * 9.30 uur", or only the time: "9.30 uur". */
bool booking_when_words(struct sb *out, const char *local);
bool booking_time_words(struct sb *out, const char *local);

/* Pretty reference for display ("K7D3PX" -> "K7D-3PX"). */
void booking_reference_display(const char *ref, char out[16]);

/* The slots of location on date changed (after a COMMIT): forgets what is
 * cached of that day. Any thread: the claims cache (booking.c) has one
 * mutex; the writer thread never reads through it. */
void booking_day_changed(const char *location, const char *date);
/* The same as a writer_on_change() hook. */
void booking_writer_changed(struct app *app, const char *location, const char *date,
                            enum writer_change what);

#endif
