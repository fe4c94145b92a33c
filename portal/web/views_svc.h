/* views_svc: the views of the service page (pages_service.c) and of an
 * appointment after it is made (pages_manage.c), as views.h is for the
 * other pages: the handler fills them, the templates service*.html and
 * manage*.html turn them into markup. Data only; struct tpl_html only
 * for markup our own code made. Threads: any (data only). */
#ifndef WW_VIEWS_SVC_H
#define WW_VIEWS_SVC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/hours.h"
#include "base/i18n.h"
#include "base/tpl.h"
#include "store/content.h"
#include "web/components.h"
#include "web/views.h"
#include "web/views_st.h"

/* manage_facts.html: the facts of an appointment, in the language in use */
struct manage_facts {
	const char *lang; /* of the content texts (c_content) */
	const char *ref;  /* the code, "WHR-W3R" */
	const char *when; /* "dinsdag 8 december, 9.30 uur" */
	const char *name, *address, *postal_code, *city;
	const char *topic, *bring; /* bring "": none */
};

/* manage.html, manage_desk.html, manage_actions.html: GET /{lang}/afspraak/{token} */
struct manage_view {
	const char *lang, *token;
	bool fresh;     /* ?nieuw=1: just made */
	bool mailed;    /* an e-mail tells of it (mail is on and it has an address) */
	bool moved;     /* ?verzet=1 */
	bool cancelled; /* the QR code and the actions are left out */
	bool receipt;   /* ?bon=1: the actions are left out */
	const struct staff_panel_view *staff; /* for staff of its place (staff.c); NULL: none */
	struct qr_view qr;                    /* page_qr(); not shown when cancelled */
	struct manage_facts facts;
	struct manage_facts desk; /* in Dutch, for the desk (manage_desk.html) */
	double lat, lon;          /* of the place, for the route */
	bool kiosk;      /* an enrolled terminal: no calendar file, no map, no link to keep */
	bool print;      /* "Printen": not on a kiosk without a printer */
	const char *url; /* the appointment's public link (fresh, on a phone) */
};

/* manage_cancel.html: GET /{lang}/afspraak/{token}/annuleren */
struct manage_cancel_view {
	const char *lang, *token;
	const char *csrf; /* the form's token */
	struct manage_facts facts;
};

/* manage_move.html: GET or POST /{lang}/afspraak/{token}/verzetten */
struct manage_slot {
	size_t index; /* of the slot in the list: the radio's id */
	const char *start, *when;
};
struct manage_move_view {
	const char *lang, *token;
	const char *csrf;            /* the form's token */
	const char *now;             /* when the appointment is now, in words */
	const char *taken;           /* the message when moving failed; NULL: none */
	const struct c_link *places; /* the wijkwijzers, each a link to its week */
	size_t nplaces, current;     /* current: the place shown */
};

/* manage_find.html: GET and POST /{lang}/afspraak/terugvinden, finding
 * an appointment again with its code and the last digits of the phone
 * number */
struct manage_find_view {
	const char *action, *csrf;
	const char *reference, *proof; /* as typed; NULL: empty */
	const char *error;             /* NULL: none */
	struct c_call call;
	bool mail; /* residents give an e-mail address (--smtp): it is proof too */
};

/* service_label.html: the word for a code of a respite offer */
enum service_label {
	SERVICE_LABEL_SETTING,
	SERVICE_LABEL_TIMES,
	SERVICE_LABEL_PROVIDER,
	SERVICE_LABEL_PAYER,
	SERVICE_LABEL_WHOM,
};

/* A semicolon list of codes, split ("dag;avond"). */
struct service_codes {
	const char **v;
	size_t n;
};

/* service_respite.html: the respite facts of a service */
struct service_respite {
	const struct content_respite *r;
	struct service_codes times, payer, whom;
};

/* A day of the week's opening hours (closed when n is 0). */
struct service_day {
	int wday; /* 0 = Sunday */
	const struct hours_period *periods;
	size_t n;
};

/* service_place.html: a place where a service is offered */
struct service_place {
	const struct content_place *place;
	char distance[48];                    /* "1,2 km"; "": no distance */
	struct c_hours hours;                 /* open now, or when next */
	size_t nperiods;                      /* 0: no table of opening hours */
	int kind;                             /* enum hours_kind: what the times are for */
	struct service_day days[7];           /* Monday first */
	const struct content_strings *access; /* its accessibility (n 0: none) */
	bool kiosk;                           /* an enrolled terminal: no map link */
};

/* A phone number with the digits a tel: link dials. */
struct service_phone {
	char tel[64];
	const char *number, *description; /* description NULL: none */
};

/* service.html: GET /{lang}/voorzieningen/{id} */
struct service_view {
	const char *lang;
	const struct content_service *svc;
	const char *how, *fees, *who, *url, *email; /* "": none */
	bool untranslated;                          /* the description */
	const struct service_respite *respite;      /* NULL: none */
	const struct service_place *places;
	size_t nplaces;
	bool places_ok; /* false: no "Waar" heading */
	const struct service_phone *phones;
	size_t nphones;
	const struct content_strings *langs, *categories, *targets; /* n 0: none */
	char book_href[32]; /* the appointment's first step */
	/* "Terug naar zoeken": the search it came from (q, postcode), as
	   "?q=...&postcode=..." encoded, or "" */
	const char *back;
	/* the texts of its schedules without weekly hours: when it is given */
	const struct content_strings *when;
	bool kiosk;          /* an enrolled terminal: phone, e-mail, website as text */
	const char *checked; /* "Laatst gecontroleerd op 12 maart 2026."; NULL: unknown */
};

#endif
