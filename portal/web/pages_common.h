/* pages_common: pieces of page that several page modules share. */
#ifndef WW_PAGES_COMMON_H
#define WW_PAGES_COMMON_H

#include <stdbool.h>

#include "domain/booking.h"
#include "store/catalog.h"
#include "net/http.h"
#include "base/sb.h"
#include "web/views.h"

bool content_untranslated(const struct request *rq, const char *nl_text);
/* The view of c_hours.html ("Nu open, tot 17.00 uur" / "Nu gesloten.
 * Opent morgen om 9.00 uur") of an opening status; false on failure. */
bool hours_view(struct c_hours *v, const struct hours_status *h);
/* The view of place_fields.html from the query. */
struct place_view place_view(struct request *rq, const char *error);
/* The views of a result list (c_results.html), with the headings at
 * level (3 or 4): the distances and opening hours formatted. Returns an
 * array of r->n (free() it), or NULL when that failed. */
struct c_result *results_view(const struct request *rq, const struct catalog_result *r, int level);
/* The search a page came from, to carry to a service page and back: the
 * query's q, postcode, lat and lon that are filled in, encoded, as
 * "?q=...&postcode=..." (NULL when out of memory, "" without any). */
const char *search_context(struct request *rq);
/* /{lang}{path}?{the query without pagina=, empty fields and name=value
 * (value NULL: any)}{fragment}: a link that removes one filter. NULL
 * when out of memory. */
const char *link_without(struct request *rq, const char *path, const char *name, const char *value,
                         const char *fragment);
/* The words for what booking_check_name found about a resident's name
 * (NULL: nothing): the booking and the call-back forms. */
const char *page_name_error(enum booking_field_error e);
/* Reads postcode / lat / lon from the query; returns a localized problem. */
const char *read_place(struct request *rq, struct point *p);

#endif
