/* rate: per-client counters in fixed time windows, for every limit the
 * portal has (booking attempts, failed staff logins, read aloud, WebSocket
 * subscriptions). In memory: a restart forgets them, which errs on the
 * side of the resident.
 * A full table reuses the entry whose window started first, which can
 * only forget a limit early, never block someone wrongly.
 *
 * Thread safety: one mutex guards the table (the loop and the workers
 * both count); it is held only for the scan. */
#ifndef WW_RATE_H
#define WW_RATE_H

#include <stdbool.h>
#include <time.h>

/* The count of kind for who in the window of window_s seconds that is
 * running now; with add, this use is counted first. */
int rate_count(const char *kind, const char *who, int window_s, bool add, time_t now);
/* The same, and the time of the last use counted (0: none) into *last. */
int rate_count_last(const char *kind, const char *who, int window_s, bool add, time_t now,
                    time_t *last);
/* Counts one use; false when it is more than limit in the window of
 * window_s seconds running now (limit <= 0: no limit). */
bool rate_allowed_in(const char *kind, const char *who, int limit, int window_s);
/* The same with a window of one hour. */
bool rate_allowed(const char *kind, const char *who, int per_hour);

#endif
