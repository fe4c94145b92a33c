/* components: the parameters of the partial templates that pages are
 * built from (templates/c_*.html), in the manner of govuk-frontend
 * macros and NL Design System components: each writes one piece of the
 * page's markup (the classes of static/style.css) from these values
 * only. A component with few parameters takes them as C parameters
 * (c_button), one with many takes a struct, which a template fills with
 * a compound literal:
 *
 *   {% include c_notice(&(struct c_notice){.text = _("..."), .warning = true}) %}
 *
 * Block components end with a newline, inline ones (c_button, c_hours,
 * c_content) do not. Strings may be NULL where a comment says so; every
 * value is escaped by the template. Threads: any (data only). */
#ifndef WW_COMPONENTS_H
#define WW_COMPONENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/tpl.h"
#include "store/catalog.h"

/* A link of a list (error summary, notice): href NULL is plain text. */
struct c_link {
	const char *href;
	const char *text;
};

/* c_card.html: a way in (home page, kiosk start screen), a list item
 * of <ul class="paths">: a heading that links to /lang + path + query
 * (the query url-encoded after a path that ends in "="), an icon, a
 * short text and the action the link leads to. */
struct c_card {
	int level; /* the heading: 2 or 3 */
	const char *lang, *path;
	const char *query; /* NULL: none */
	const char *icon;  /* NULL: none (icons.c) */
	int icon_size;
	const char *title;
	const char *text;   /* NULL: none */
	const char *action; /* NULL: none; hidden from screen readers */
	bool compact;       /* no line breaks between its parts (the kiosk) */
};

/* c_service_card.html: a kind of service (a term) as a card that
 * searches for it, with how many offers there are. */
struct c_service_card {
	const char *lang;
	const char *function; /* the term id of ?functie= */
	const char *name;
	bool counted; /* false: the count failed and is not shown */
	size_t total;
	bool capped;
	const char *municipality; /* "... mogelijkheden in Enschede" */
};

/* c_field.html: a form field: label, hint, error message and an input,
 * or a select when options is set. The hint and the error are tied to
 * the control with aria-describedby; an error marks it aria-invalid. */
struct c_option {
	const char *value, *label;
	bool selected;
};
struct c_field {
	const char *id, *name, *label;
	const char *hint, *error; /* NULL: none */
	const char *type;         /* of the input: "text", "search" */
	const char *value;
	int maxlength;                              /* 0: none */
	const char *autocomplete, *inputmode, *cls; /* NULL: none */
	const struct c_option *options;             /* a select instead of an input */
	size_t noptions;
	const char *empty_option; /* of a select: a first option "" with this label */
	bool more;                /* the caller writes more into the field and closes its </div> */
	int rows;                 /* > 0: a textarea of this many lines instead of an input */
};

/* c_choices.html: a fieldset of radios or check boxes. The id of an
 * item is id_prefix followed by its index (by_index) or its value. */
struct c_choice {
	const char *value, *label;
	bool checked;
};
struct c_choices {
	const char *legend;
	const char *cls;  /* of the fieldset; NULL: none */
	const char *type; /* "radio" or "checkbox" */
	const char *name, *id_prefix;
	bool by_index;
	const struct c_choice *items;
	size_t n;
};

/* c_notice.html: a highlighted message, a paragraph; with a list of
 * links, or as a warning (staff only, say), a box around it. */
struct c_notice {
	const char *text;
	bool warning;
	const char *role; /* NULL: none; "note", "status" */
	const struct c_link *items;
	size_t nitems;
};

/* c_hours.html: whether a place is open now (hours_view() in
 * pages_catalog.c makes it from a struct hours_status). */
enum c_hours_state {
	C_HOURS_UNKNOWN,
	C_HOURS_OPEN, /* until time */
	C_HOURS_OPENS_TODAY,
	C_HOURS_OPENS_TOMORROW,
	C_HOURS_OPENS_LATER, /* on date at time */
	C_HOURS_CLOSED,      /* no opening ahead */
};
struct c_hours {
	enum c_hours_state state;
	int kind;       /* enum hours_kind: opening hours, phone or office hours */
	char time[48];  /* "17.00 uur" */
	char date[128]; /* "dinsdag 1 december" */
};

/* c_result.html: a service found, in <ol class="results"> (c_results). */
struct c_result {
	const struct catalog_hit *hit;
	const char *lang;
	int level;         /* the heading: 3 or 4 */
	char distance[48]; /* "1,2 km", or "" without a distance */
	struct c_hours hours;
	const char *ctx; /* appended to the link: "?q=...&postcode=..." or "" */
};
struct c_results {
	const struct c_result *items;
	size_t n;
};

/* c_kiosk_bar.html: the kiosk's bar (Stop, read aloud, contrast, text
 * size), its idle dialog and its on-screen keyboard, with the settings
 * and the texts app.js needs in data attributes. */
struct c_kiosk_bar {
	const char *terminal; /* its id */
	const char *lang;     /* the page's language: the start screen keeps it */
	int idle_seconds, countdown_seconds;
	bool printer;
	bool read_aloud; /* espeak-ng speaks the page's language */
	char stop_href[96];
	const char *back; /* this page: where a call for staff returns without JavaScript */
};

/* c_call.html: "Bel de wijkwijzer: 053 000 7379" with a tel: link
 * (text only on a kiosk); inline; nothing when phone is NULL. */
struct c_call {
	const char *phone, *tel;
	bool kiosk;
};

/* c_footer.html: the footer of every page: how to reach the wijkwijzer
 * by phone (from site.csv; on a kiosk the number is text, not a link out
 * of the kiosk), that the advice is no decision, and the demo notice. */
struct c_footer {
	bool example;
	bool kiosk;
	const char *phone;          /* "053 000 7379"; NULL: none in the content */
	const char *tel;            /* the same as digits for tel: */
	const char *opens, *closes; /* "8.30", "17.00"; NULL: no hours given */
};

#endif
