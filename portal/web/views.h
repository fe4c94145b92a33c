/* views: what a handler hands to its template. One struct per page
 * template in templates/ (README.md, "Templates"); the handler fills it,
 * the template (compiled to tpl_NAME() in build/web/) turns it into
 * markup. A view holds data only: strings (NULL is empty), numbers and
 * struct tpl_html for markup our own code made; never markup in a plain
 * char *. The parameters of the components (templates/c_*.html) are in
 * web/components.h. */
#ifndef WW_VIEWS_H
#define WW_VIEWS_H

#include "base/i18n.h"
#include "base/tpl.h"
#include "store/catalog.h"
#include "web/components.h"

/* home.html: GET /{lang}/ */
struct home_view {
	const char *lang;         /* the language's path segment, "nl" */
	const char *municipality; /* from the content (store/site.h) */
	long wijkwijzers;
};

/* layout_begin.html (with c_head, c_kiosk_bar, c_header): everything of
 * a page up to <main>, made by page_begin() in page.c. */
struct layout_view {
	const struct i18n_lang *lang;
	const char *title;
	bool noindex;     /* robots: noindex instead of the description */
	bool form_errors; /* a form came back (422): the title says "Fout:" */
	bool receipt;     /* the 80 mm receipt layout */
	bool kiosk_start;
	const struct c_kiosk_bar *kiosk; /* NULL: not a kiosk */
	bool lang_switch;
	bool read_aloud;          /* "Lees voor" at home: espeak-ng has the language */
	const char *municipality; /* from the content (store/site.h) */
	/* the page after its language segment, with its query, encoded:
	   the language switch links to /{code} followed by it */
	const char *switch_rest;
	/* the assets, with their cache-busting versions */
	char css[64], print_css[64], icon[64], receipt_css[64], app_js[64], logo[64];
};

/* error_page.html: the body of page_error() */
struct error_view {
	const char *title, *message;
	char home[16];      /* the home page: "/nl/" */
	struct c_call call; /* "Bel de wijkwijzer" (phone NULL: none) */
};

/* qr.html: page_qr() */
struct qr_view {
	bool shown; /* false: no QR code on this page */
	bool warn;  /* a kiosk without a public address: staff see a warning */
	struct tpl_html svg;
	const char *caption; /* NULL: none */
};

/* place_fields.html: the postcode field of a GET form */
struct place_view {
	const char *postcode, *lat, *lon;
	const char *error; /* NULL: none */
	bool kiosk;        /* an enrolled terminal: no "Gebruik mijn locatie" */
};

/* services.html: GET /{lang}/voorzieningen */
struct services_view {
	const char *lang;
	const char *q;
	struct place_view place;
	bool filters_open;
	const struct c_option *categories, *targets;
	size_t ncategories, ntargets;
	const char *function; /* ?functie=, kept in a hidden field */
	const struct c_choice *access;
	size_t naccess;
	bool open_now;
	int cost; /* 0 all, 1 free, 2 paid */
	bool ok;  /* the search worked */
	const struct catalog_result *r;
	const struct point *near;
	struct c_results results;
	/* the pager: the query without pagina=, encoded, each pair followed by & */
	size_t pages, page;
	const char *pager_query;
	char all_href[32], book_href[32];
	const char *all_text; /* "Bekijk alles wat er in Enschede is" */
	/* the filters in use, each a link without it (c_filters.html) */
	const struct c_link *labels;
	size_t nlabels;
};

/* carer.html: GET /{lang}/mantelzorg */
struct carer_view {
	const char *lang;
	const struct c_service_card *functions;
	size_t nfunctions;
	struct place_view place;
	const struct c_choices *groups; /* the respite finder's questions */
	size_t ngroups;
	bool searched; /* the search worked */
	const struct catalog_result *r;
	struct c_results results;
	char check_href[48]; /* the carer's self-check */
	/* the finder's answers given, each a link without it (c_filters.html) */
	const struct c_link *labels;
	size_t nlabels;
};

/* kiosk_start.html: GET /kiosk/{terminal} */
struct kiosk_start_view {
	const struct i18n_lang *lang;
	const char *terminal, *postcode, *location;
};

/* kiosk_check_in.html: GET and POST /{lang}/aanmelden, on an enrolled
 * kiosk: the code field (a barcode scanner types the QR code's link and
 * Enter), or the answer once checked in */
struct kiosk_check_in_view {
	const char *action, *csrf;
	const char *value; /* as typed; NULL: empty */
	const char *error; /* NULL: none */
	bool done;         /* checked in: "neem plaats" */
	const char *when;  /* done, or the refusal's appointment: in words; NULL: none */
	const char *place; /* its wijkwijzer; NULL: none */
	const char *start; /* the kiosk's start screen */
};

/* kiosk_called.html: POST /kiosk/{terminal}/medewerker without JavaScript */
struct kiosk_called_view {
	const char *back; /* the page the call came from */
	bool again;       /* called a moment ago: not sent again */
};

/* kiosk_enrol.html: GET /kiosk/{terminal}/aanmelden */
struct kiosk_enrol_view {
	const char *terminal;
	const char *csrf; /* the form's token */
	const char *code; /* the enrolment code of the link */
};

#endif
