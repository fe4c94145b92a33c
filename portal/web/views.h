/* views: what a handler hands to its template. One struct per page
 * template in templates/ (README.md, "Templates"); the handler fills it,
 * the template (compiled to tpl_NAME() in build/web/) turns it into
 * markup. A view holds data only: strings (NULL is empty), numbers and
 * struct tpl_html for markup our own code made; never markup in a plain
 * char *. */
#ifndef WW_VIEWS_H
#define WW_VIEWS_H

#include "base/tpl.h"

/* home.html: GET /{lang}/ */
struct home_view {
	const char *lang;         /* the language's path segment, "nl" */
	const char *municipality; /* from the content (store/site.h) */
	long wijkwijzers;
};

#endif
