/* insight: anonymous counts of what residents look for (issue 16), so a
 * municipality sees which needs are asked where and which find nothing
 * nearby ("witte vlekken"), without following anyone.
 *
 * Only counts, never a row per person: a cell is (ISO week, metric, key,
 * sub) with a number. Nothing that identifies a person goes in: no client
 * address, no cookie, no session, no time finer than the week, a postcode
 * only as its four digits (PC4, and only when the resident typed one),
 * search text only normalized and only when it found nothing, and never
 * when it looks like a postcode, phone number or e-mail address. Two
 * counts are never linked to each other (there is nothing to link them
 * by).
 *
 * Counting: insight_count() adds one to a cell of a small table in
 * memory (any thread, the loop included: a hash lookup behind the one
 * mutex counts_lock of insight.c, no I/O); insight_flush() moves the
 * table into SQLite through the writer (the server calls it every
 * minute and at shutdown, so a crash loses at most a minute of counts).
 * Counts made inside a write of their own (a booking, a no-show) use
 * insight_add_tx() in that write's transaction instead, so they commit
 * with the change. Cells are kept INSIGHT_WEEKS_KEPT weeks
 * (insight_retention, the hourly job).
 *
 * Suppression (insight_cell): a number from 1 to 9 is shown as "< 10" on
 * every way out (page, CSV); totals over rows are never shown. */
#ifndef WW_DOMAIN_INSIGHT_H
#define WW_DOMAIN_INSIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/sb.h"

struct app;

#define INSIGHT_KEY_MAX    48  /* bytes of a key, a normalized query included */
#define INSIGHT_SUB_MAX    16  /* bytes of a second dimension */
#define INSIGHT_QUERY_MAX  40  /* a normalized query is cut to this many bytes */
#define INSIGHT_MIN        10  /* cells under it are shown as "< 10" */
#define INSIGHT_WEEKS_KEPT 104 /* two years */

/* The metrics (stored). */
#define INSIGHT_NEED         "need"         /* key: the need (advice id), sub: PC4 or "" */
#define INSIGHT_GAP          "gap"          /* the same, no offer within 2 km (PC4 given) */
#define INSIGHT_SEARCH_NONE  "search_none"  /* key: the normalized query */
#define INSIGHT_BOOKING      "booking"      /* key: the topic, sub: "kiosk" / "web" */
#define INSIGHT_BOOKING_NEED "booking_need" /* key: "interpreter" / "client_support" */
#define INSIGHT_NO_SHOW      "no_show"      /* key: the topic; the appointment's week */

/* What an answer counts when it is shown (net/server.c counts it each time
 * it goes out, from the cache too); metric NULL: nothing. */
struct insight_tag {
	const char *metric;
	char key[INSIGHT_KEY_MAX + 1];
	char sub[INSIGHT_SUB_MAX + 1];
};

/* Tags an answer to a search that found nothing with its query text,
 * when insight_normalize_query counts it (else t stays untagged). */
void insight_tag_search(struct insight_tag *t, const char *q);

/* The ISO week of t in local time, "2026-W50". */
bool insight_week(time_t t, char out[9]);

/* Adds one to the cell (metric, key, sub) of the current week, in memory.
 * Keys and subs longer than their maximum are not counted. */
void insight_count(const char *metric, const char *key, const char *sub);
/* The same for a tag (nothing when its metric is NULL). */
void insight_count_tag(const struct insight_tag *t);

/* Inside a write (writer.h): adds delta to the cell of week in the
 * write's transaction. False on a database error. */
bool insight_add_tx(struct app *app, const char *week, const char *metric, const char *key,
                    const char *sub, int delta);

/* Writes the counts in memory to the database (writer_do); the number of
 * cells written, or -1 (then they stay in memory for the next try). */
int insight_flush(struct app *app);

/* Deletes cells of weeks more than INSIGHT_WEEKS_KEPT weeks before now;
 * the number deleted or -1. */
int insight_retention(struct app *app, time_t now);

/* A search text as it is counted, into out (INSIGHT_QUERY_MAX + 1 bytes):
 * lower case, trimmed, runs of white space one space, control characters
 * dropped, cut to INSIGHT_QUERY_MAX bytes on a character boundary. False
 * when it is not counted: empty, an '@', digits other than one group of
 * exactly four (a house or phone number), or four digits with two letters
 * after them (a whole postcode). */
bool insight_normalize_query(const char *q, char *out, size_t n);

/* The suppression rule, in one place: 0 (or less) is "0", 1 to
 * INSIGHT_MIN - 1 is "< 10", else the number. out: at least 24 bytes. */
const char *insight_cell(long n, char *out, size_t len);
/* True when n is shown as itself (0 or at least INSIGHT_MIN). */
bool insight_exact(long n);

/* One cell summed over a period. */
struct insight_row {
	char key[INSIGHT_KEY_MAX + 1];
	char sub[INSIGHT_SUB_MAX + 1];
	long n;
};

/* The cells of metric in the weeks from the week weeks - 1 weeks before
 * now up to now, summed per (key, sub), largest first (at most 10 000);
 * example: the
 * generated example cells instead of real ones. *out is the caller's to
 * free(). */
bool insight_rows(struct app *app, const char *metric, int weeks, time_t now, bool example,
                  struct insight_row **out, size_t *n);
/* Whether there are real (not example) cells at all; -1 on error. */
int insight_has_real(struct app *app);

/* Fills generated example cells (marked example, never added to real
 * ones) for the weeks before now; the number of cells or -1. */
int insight_example(struct app *app, time_t now);

#endif
