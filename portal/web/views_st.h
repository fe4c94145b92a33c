/* views_st: what the staff pages of web/staff.c hand to their templates
 * (templates/staff_*.html): the login form, the day agenda and the staff
 * panel on a booking's page. The strings belong to the handler (its
 * request's arena, the booking list it holds); a view lives as long as
 * the handler's call of the template. Threads: any (data only). */
#ifndef WW_VIEWS_ST_H
#define WW_VIEWS_ST_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/booking.h"
#include "web/components.h"

/* staff_login.html: GET and POST /{lang}/medewerker */
struct staff_login_view {
	const char *action; /* the form's URL */
	const char *csrf;   /* the form's token */
	const char *error;  /* NULL: none */
	const struct c_option *places;
	size_t nplaces;
};

/* staff_status_form.html: a button that sets a booking's status */
struct staff_status_form {
	const char *action, *csrf; /* the status form's URL and token */
	long long id;
	const char *status; /* the new one: "checked_in", "no_show", "confirmed" */
	const char *label;
	const char *back; /* where the handler goes back to */
};

/* a booking of staff_agenda.html */
struct staff_agenda_row {
	const struct booking *b;
	char time[12];  /* "09:30-10:00" */
	char ref[16];   /* the reference as displayed */
	bool confirmed; /* the buttons; else undo */
	bool checked_in, no_show;
	const char *topic;   /* the topic's name (content, Dutch: C_() it) */
	const char *summary; /* a shared self-check in words in the page's language;
	                        NULL: none */
};

/* an active block of staff_agenda.html, with its undo */
struct staff_block_item {
	const char *what;  /* the form's value: "YYYY-MM-DD" or "...T09:30" */
	const char *words; /* "dinsdag 8 december, hele dag" */
};

/* staff_block_confirm.html: the block asked for, to confirm */
struct staff_block_confirm_view {
	const char *action, *csrf, *what, *words, *back;
	size_t nbookings; /* appointments at that time that stay */
};

struct staff_callbacks_link; /* views_cb.h */

/* staff_agenda.html: GET /{lang}/medewerker/agenda?dag= */
struct staff_agenda_view {
	const char *place;      /* the location's name */
	const char *date_label; /* "dinsdag 8 december 2026" */
	const char *location, *day;
	const char *agenda_href, *prev_href, *next_href;
	const char *back; /* the agenda of this day, for the forms */
	const char *status_action, *status_csrf;
	const char *block_action, *block_csrf;
	const char *logout_action, *logout_csrf;
	const struct staff_agenda_row *rows;
	size_t nrows;
	const struct c_option *slots; /* the slots that can be blocked, after the whole day */
	size_t nslots;
	const struct staff_block_item *blocks; /* from the day shown on */
	size_t nblocks;
	const struct staff_callbacks_link *callbacks; /* the link to the call-back inbox */
};

/* staff_panel.html: on a booking's page, for staff of its location */
struct staff_panel_view {
	const char *name;   /* "-" without one */
	const char *status; /* the booking's */
	bool confirmed;     /* the buttons instead of the status */
	const char *status_action, *status_csrf, *back;
	long long id;
};

#endif
