/* staff: the wijkwijzer staff view: login per location (yescrypt hash,
 * rate-limited), the day agenda with needs and consented summaries,
 * check-in, no-show, blocking slots and days, CSV export. */
#ifndef WW_STAFF_H
#define WW_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "booking.h"
#include "http.h"
#include "sb.h"

struct app;

/* Sets the password of a location's staff account (at least 12
 * characters). Used by `wijkwijzer --set-staff-password LOCATION`. */
bool staff_set_password(struct app *app, const char *location, const char *password, char *err,
                        size_t errlen);
/* The location of a valid staff session cookie, or NULL. */
bool staff_session(struct request *rq, char *location, size_t len);
/* On a booking's page: check-in / no-show buttons for staff of its location. */
void staff_booking_panel(struct request *rq, struct sb *o, const struct booking *b);

/* Failed logins per client and per location in the last window. */
#define STAFF_MAX_FAILURES     5
#define STAFF_FAILURE_WINDOW_S 900

#endif
