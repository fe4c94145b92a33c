/* views_cb: what the call-back pages hand to their templates: the
 * resident's form "Bel mij terug" and its answer (pages_callback.c,
 * templates/callback_*.html) and the staff inbox (staff_callbacks.c,
 * templates/staff_callbacks*.html). The strings belong to the handler
 * (its request's arena, the list it holds); a view lives as long as the
 * handler's call of the template. Threads: any (data only). */
#ifndef WW_VIEWS_CB_H
#define WW_VIEWS_CB_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/callbacks.h"
#include "web/components.h"
#include "web/views_st.h"

/* callback_form.html: GET /{lang}/terugbellen, and a POST that came back */
struct callback_form_view {
	const char *action, *csrf;
	const struct c_option *places; /* the wijkwijzers, at most one selected */
	size_t nplaces;
	bool place_chosen;             /* else the list starts with "Kies een wijkwijzer" */
	const struct c_option *topics; /* optional; one may be selected */
	size_t ntopics;
	const struct c_choice *dayparts; /* "", "ochtend", "middag" */
	size_t ndayparts;
	const char *name, *phone;                     /* as typed; NULL: empty */
	const char *err_place, *err_name, *err_phone; /* NULL: none */
	struct c_link errors[3];                      /* the summary's messages */
	size_t nerrors;
	const char *selfcheck; /* the sealed self-check code it came with; NULL: none */
	bool kiosk;
};

/* callback_done.html: the request is stored */
struct callback_done_view {
	const char *deadline; /* "woensdag 9 december, 17.00 uur" */
	const char *place;    /* the wijkwijzer's name */
	const char *home;     /* the start page (the kiosk's on a kiosk) */
};

/* a request of staff_callbacks.html */
struct staff_callback_item {
	const struct callback *c;
	char tel[24];         /* the digits for tel: */
	const char *topic;    /* the topic's name (content, Dutch: C_() it); NULL: none */
	const char *asked;    /* "maandag 7 december, 9.00 uur" */
	const char *deadline; /* the same of the deadline */
	const char *handled;  /* the same of handled_at; NULL: not handled */
	const char *status;   /* the status in words */
	const char *daypart;  /* "'s ochtends", "'s middags"; NULL: any time */
	const char *language; /* the page's language when asked, if not Dutch ("English") */
	bool called, not_reached;
};

/* staff_callbacks.html: GET /{lang}/medewerker/terugbellen?locatie= */
struct staff_callbacks_view {
	const struct staff_nav *nav;   /* the bar above every staff page */
	const char *place;             /* the location's name */
	const char *location;          /* its id (the forms, the live channel) */
	const struct c_option *places; /* the wijkwijzers to choose; NULL: only one */
	size_t nplaces;
	const char *inbox_href, *agenda_href;
	const char *action, *csrf; /* the status form */
	const struct staff_callback_item *open;
	size_t nopen;
	size_t noverdue;
	const struct staff_callback_item *handled;
	size_t nhandled;
};

/* staff_callbacks_link.html: the agenda's link to the inbox */
struct staff_callbacks_link {
	const char *href;
	int open; /* -1: not known */
};

#endif
