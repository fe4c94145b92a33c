/* clock: the one wall clock of the server.
 *
 * Every module asks clock_now() instead of time(NULL), so tests can set
 * the date: WIJKWIJZER_NOW=2026-12-07T09:00:00+01:00 makes the server start
 * at that instant, and its clock runs on from there in real time (timeouts
 * and "open now" keep working). The offset is set once in main before any
 * thread starts and only read afterwards, so it needs no lock. */
#ifndef WW_CLOCK_H
#define WW_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Reads WIJKWIJZER_NOW when set. False (with a one-line reason in err)
 * when it is set but not an ISO 8601 date-time with a zone. */
bool clock_init_from_env(char *err, size_t errlen);

/* Parses "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)". Exposed for tests. */
bool clock_parse_iso(const char *s, time_t *out);

/* Seconds since the epoch, on the (possibly shifted) clock. */
time_t clock_now(void);

/* t as UTC text to the second, "2026-12-01T09:30:05Z" (what the bookings
 * database stores and the access log prints); false when it cannot be
 * written (out is then ""). */
#define CLOCK_UTC_LEN 21
bool clock_utc_text(time_t t, char out[CLOCK_UTC_LEN]);

#endif
