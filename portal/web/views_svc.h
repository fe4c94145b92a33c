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
	bool fresh;            /* ?nieuw=1: just made */
	bool moved;            /* ?verzet=1 */
	bool cancelled;        /* the QR code and the actions are left out */
	bool receipt;          /* ?bon=1: the actions are left out */
	struct tpl_html staff; /* the staff panel (staff.c), or "" */
	struct tpl_html qr;    /* page_qr(), or "" */
	struct manage_facts facts;
	struct manage_facts desk; /* in Dutch, for the desk (manage_desk.html) */
	double lat, lon;          /* of the place, for the route */
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
	const char *csrf;  /* the form's token */
	const char *now;   /* when the appointment is now, in words */
	const char *taken; /* the message when moving failed; NULL: none */
	bool any;          /* any free time at all (else a notice, no form) */
	const struct manage_slot *slots;
	size_t nslots;
};

#endif
