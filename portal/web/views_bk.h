/* views_bk: what the booking pages (pages_booking.c) hand to their
 * templates (templates/booking_*.html). Strings are the request's
 * (arena) or the handler's; NULL where a comment says so. Threads: any
 * (data only). */
#ifndef WW_VIEWS_BK_H
#define WW_VIEWS_BK_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/selfcheck.h"
#include "web/components.h"
#include "web/views.h"

/* booking_details_hidden.html: the details typed, carried to the next
 * form as hidden fields */
struct booking_details_fields {
	const char *name, *phone, *email, *interpreter_lang;
	bool interpreter, wheelchair, companion, client_support;
	bool share;
};

/* booking_flow_hidden.html: the choices so far, as hidden fields
 * (NULL: left out) */
struct booking_flow_fields {
	const char *location, *topic, *time, *selfcheck;
};

/* A place of step 1, a link that chooses it. */
struct booking_place_item {
	const char *href, *name, *address, *postal_code;
	const char *distance; /* NULL: none */
	const char *next;     /* the first free time in words; NULL: none free */
};

/* booking_place.html: step 1, the place */
struct booking_place_view {
	const char *action;            /* of the postcode form */
	const char *find_again;        /* "Afspraak terugvinden" */
	const char *selfcheck, *topic; /* hidden; NULL: none */
	struct place_view place;
	bool listed; /* false: the places could not be read */
	const struct booking_place_item *items;
	size_t n;
};

/* A topic of step 2 (its texts are content, in Dutch). */
struct booking_topic_item {
	const char *href, *name, *description;
	int minutes;
};

/* booking_topic.html: step 2, the topic */
struct booking_topic_view {
	const char *lang;
	bool listed; /* false: the topics could not be read */
	const struct booking_topic_item *items;
	size_t n;
	const char *other_place; /* the link to step 1 */
};

/* A day of step 3: with free times a link, else unavailable. */
struct booking_day_item {
	const char *href; /* NULL: no time free */
	const char *label;
	int free_starts;
	bool current; /* the day whose times are shown (the move page) */
};

/* booking_day.html: step 3, the day, a week at a time */
struct booking_day_view {
	const char *topic, *location; /* the lead: "Wonen bij Wijkwijzer Centrum." */
	bool any;                     /* false: nothing free, the call-back form follows */
	struct booking_day_item days[7];
	bool week_has_free;
	const char *prev, *next; /* the week links; NULL: none */
	bool move;               /* inside the move page: no steps, an h2 */
	struct c_call call;      /* move, nothing free: "Bel de wijkwijzer" */
};

/* A free start of step 4. */
struct booking_time_item {
	size_t index; /* in the day's slots: the radio's id t-index */
	const char *start, *words;
};

/* booking_time.html: step 4, the time of a day */
struct booking_time_view {
	const char *lead_date, *location_name;
	const char *action; /* NULL: no time free this day */
	const char *csrf;   /* a move: the form is posted with it; NULL: GET */
	const char *location, *day, *topic, *selfcheck;
	const struct booking_time_item *items;
	size_t n;
	const char *other_day;
};

/* booking_details.html: step 5, the details form, empty, filled in or
 * with its errors */
struct booking_details_view {
	const char *when, *location_name; /* the lead */
	const char *action, *csrf;
	struct booking_flow_fields flow;
	struct c_link errors[4]; /* the summary's messages */
	size_t nerrors;
	const char *name, *phone, *email;                               /* as typed; NULL: empty */
	const char *err_name, *err_phone, *err_email, *err_interpreter; /* NULL: none */
	/* the e-mail field: only when mail is sent (--smtp); reminder: a
	   reminder goes too */
	bool mail, reminder;
	bool interpreter, wheelchair, companion, client_support;
	const struct c_option *languages; /* of the interpreter */
	size_t nlanguages;
	bool selfcheck; /* the consent to share the self-check's summary */
	/* what is shared, in words in the reader's language; NULL: none to show */
	const struct sc_words *shared;
	bool share;
};

/* booking_callback.html: when nothing is free, the call-back form */
struct booking_callback_view {
	const char *action, *csrf;
	struct booking_flow_fields flow;
	const char *error;        /* NULL: none */
	const char *name, *phone; /* as typed; NULL: empty */
};

/* A row of the check page that can be changed. */
struct booking_check_row {
	const char *label, *value; /* value NULL: the topic, a content text */
	const char *href;          /* Wijzig */
};

/* booking_check.html: step 6, the details shown back */
struct booking_check_view {
	const char *lang;
	struct booking_check_row rows[3];
	const char *topic; /* the topic's Dutch name; NULL: not found */
	const char *name, *phone, *email;
	bool mail;                    /* the e-mail row: only when mail is sent */
	const char *interpreter_name; /* "" if unknown */
	bool selfcheck;               /* the share row */
	const char *change_action, *change_csrf, *confirm_action, *confirm_csrf;
	struct booking_flow_fields flow;
	struct booking_details_fields details;
};

/* A free time of the taken page. */
struct booking_taken_item {
	const char *start, *words;
};

/* booking_taken.html: the time was just taken, the next free times */
struct booking_taken_view {
	bool bad_slot; /* the time cannot be booked (any more) */
	bool callback; /* none free: the handler adds the call-back form */
	const char *action, *csrf;
	const char *location, *topic, *selfcheck;
	struct booking_details_fields details;
	const struct booking_taken_item *items;
	size_t n;
};

#endif
