/* route: maps method + path to a handler through a table of patterns.
 *
 * A pattern is a path whose segments are either literal or a capture in
 * braces: "/{lang}/voorzieningen/{id}". "{lang}" only matches a supported
 * language code; any other capture matches one non-empty segment. A
 * trailing "/" in a pattern is significant ("/{lang}/" is the home page).
 * A pattern ending in "/" followed by "*" matches any rest of the path. */
#ifndef WW_ROUTE_H
#define WW_ROUTE_H

#include <stddef.h>

#include "net/http.h"

typedef void (*route_handler)(struct request *rq, struct response *rs);

/* Route flags */
#define ROUTE_FORM (1u << 0) /* POST bodies are urlencoded forms (CSRF checked) */
#define ROUTE_JSON (1u << 1) /* API: errors are JSON */
#define ROUTE_RATE (1u << 2) /* creates bookings: rate-limited per client */
/* Where a route runs (worker.h): by default on the reader pool. */
#define ROUTE_INLINE  (1u << 3) /* memory only, answered on the loop (health, assets) */
#define ROUTE_SLOW    (1u << 4) /* speech or password hashing: the slow pool */
#define ROUTE_CACHE   (1u << 5) /* the same for everyone: cached (cache.h) */
#define ROUTE_WRITE   (1u << 6) /* POST/DELETE writes: run by the writer (writer.h) */
#define ROUTE_HEAVY   (1u << 7) /* searches: the reader pool's heavy lane */
#define ROUTE_NOINDEX (1u << 8) /* personal (a booking token): never indexed */

struct route {
	unsigned methods; /* HM_* mask */
	const char *pattern;
	route_handler handler;
	unsigned flags;
};

enum route_result {
	ROUTE_FOUND,
	ROUTE_NOT_FOUND,
	ROUTE_METHOD_NOT_ALLOWED,
};

/* Finds the route for method and path. On ROUTE_FOUND, rq->route and the
 * captures are set (pointing into rq->route_buf). On
 * ROUTE_METHOD_NOT_ALLOWED, *allowed holds the methods that would match. */
enum route_result route_find(const struct route *table, size_t n, struct request *rq,
                             unsigned *allowed);

/* Capture by position (0-based); "" when absent. */
const char *route_param(const struct request *rq, size_t i);

/* The route table of the portal (routes.c). */
extern const struct route portal_routes[];
extern const size_t portal_routes_count;

#endif
