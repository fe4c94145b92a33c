/* staff: the pages of the wijkwijzer staff view: the login form, the day
 * agenda with needs, check-in, no-show, blocking slots and days, a shared
 * self-check, the CSV download, the own password, and the bar above every
 * staff page (c_staff_nav). The beheerder's pages (accounts, the audit
 * trail) are web/staff_admin.c, the anonymous counts web/staff_insight.c. What they show and change
 * is domain/staff.h (accounts, lockout, sessions, the export), domain/audit.h (the trail every page
 * that shows personal data writes first) and domain/booking.h (the bookings of a day). */
#ifndef WW_STAFF_H
#define WW_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/audit.h"
#include "domain/booking.h"
#include "domain/staff.h"
#include "net/http.h"

/* The request is a staff page fetching itself after a live message
 * (?ververs=1, app.js liveFetch): no use by a person (the idle timeout),
 * and no new row in the audit trail when its opening has one. */
bool staff_refresh(const struct request *rq);
/* The account of the request's valid staff session; false without one. */
bool staff_session(struct request *rq, struct staff_user *u);
/* The same, or a redirect to the login page (no-store either way). */
bool staff_require(struct request *rq, struct response *rs, struct staff_user *u);
/* staff_require for a beheerder's page: anyone else gets a 403 page. */
bool staff_require_beheerder(struct request *rq, struct response *rs, struct staff_user *u);
/* For a page about wijkwijzers (agendas, bookings, call-back requests):
 * true, with a 403 page that says why, when u is an aanbieder, who has
 * none; false for anyone else (nothing written). */
bool staff_refuse_aanbieder(struct request *rq, struct response *rs, const struct staff_user *u);

/* staff_require, and the wijkwijzer the page or form is about: its
 * "locatie" (the form's on a POST, else the query's) when u may see it;
 * without one u's first (a beheerder: the content's first). NULL with a
 * redirect to the login, or a 403 page when u may not see it or has none
 * (an aanbieder never has one: staff_refuse_aanbieder).
 * Points into u, the request or its arena. */
const char *staff_require_location(struct request *rq, struct response *rs, struct staff_user *u);
struct c_option;
/* The wijkwijzers u may choose between (current selected), for a staff
 * page's choice; NULL and *n 0 when there is only one. */
const struct c_option *staff_place_choices(struct request *rq, const struct staff_user *u,
                                           const char *current, size_t *n);

/* Writes the audit row of an action before the page shows or changes
 * what it is about; on failure answers 503 and returns false. */
bool staff_audit(struct request *rq, struct response *rs, const struct staff_user *u,
                 const char *action, const struct audit_subject *s);

struct staff_nav;
/* The bar above a staff page (c_staff_nav.html) with current marked
 * (enum staff_nav_item); NULL without memory. */
const struct staff_nav *staff_nav_of(struct request *rq, const struct staff_user *u, int current);
/* "medewerker" / "beheerder" / "aanbieder" in the request's language. */
const char *staff_role_words(enum staff_role role);

struct staff_panel_view;
/* The staff panel of a booking's page (staff_panel.html), for staff of
 * its place (the viewing is written to the audit trail); *out NULL for
 * anyone else. False on failure. */
bool staff_booking_panel(struct request *rq, const struct booking *b,
                         const struct staff_panel_view **out);

#endif
