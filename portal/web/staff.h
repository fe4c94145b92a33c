/* staff: the wijkwijzer staff view: login per location (yescrypt hash,
 * rate-limited), the day agenda with needs and consented summaries,
 * check-in, no-show, blocking slots and days, CSV export. */
#ifndef WW_STAFF_H
#define WW_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/booking.h"
#include "net/http.h"
#include "base/sb.h"

struct app;

/* Sets the password of a location's staff account (at least 12
 * characters). Used by `wijkwijzer --set-staff-password LOCATION`. */
bool staff_set_password(struct app *app, const char *location, const char *password, char *err,
                        size_t errlen);
/* The location of a valid staff session cookie, or NULL. */
bool staff_session(struct request *rq, char *location, size_t len);
/* On a booking's page: check-in / no-show buttons for staff of its location. */
void staff_booking_panel(struct request *rq, struct sb *o, const struct booking *b);

/* Failed logins are counted per (client, location) in a window: after
 * STAFF_FREE_FAILURES, that client waits 2, 4, 8 ... seconds (at most the
 * window) before its next try for that location. Nobody else waits: a
 * correct password from a client that has not failed always works. A
 * client that fails on many locations waits the window
 * (STAFF_CLIENT_FAILURES); STAFF_ALARM_FAILURES on one location from all
 * clients together write an alarm to the log. */
#define STAFF_FREE_FAILURES    3
#define STAFF_CLIENT_FAILURES  30
#define STAFF_ALARM_FAILURES   20
#define STAFF_FAILURE_WINDOW_S 900

#endif
