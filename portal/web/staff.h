/* staff: the pages of the wijkwijzer staff view: the login form, the day
 * agenda with needs and consented summaries, check-in, no-show, blocking
 * slots and days, the CSV download. What they show and change is
 * domain/staff.h (accounts, lockout, sessions, the export) and
 * domain/booking.h (the bookings of a day). */
#ifndef WW_STAFF_H
#define WW_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/booking.h"
#include "net/http.h"

/* Copies the location of the request's valid staff session into location;
 * false without one. */
bool staff_session(struct request *rq, char *location, size_t len);
struct staff_panel_view;
/* The staff panel of a booking's page (staff_panel.html), for staff of
 * its place; *out NULL for anyone else. False on failure. */
bool staff_booking_panel(struct request *rq, const struct booking *b,
                         const struct staff_panel_view **out);

#endif
