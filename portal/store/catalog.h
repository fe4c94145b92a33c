/* catalog: the read-only content database: services, their places and
 * opening hours, postcodes, search and nearness.
 *
 * The database is built by wijkwijzer-import and replaced atomically; the
 * server opens it read-only and reopens it on SIGHUP, keeping the old one
 * when the new one does not open or has the wrong schema.
 *
 * Threads: a struct catalog is used by one thread at a time (its SQLite
 * connection, statement cache and search scratch space are its own). The
 * search index it builds in memory (catalog_index.h: places, terms, hours,
 * text postings, a grid of places) is immutable and shared: a worker
 * thread gets its own catalog with catalog_open_sibling(base), which opens
 * a new connection to the same file and takes a reference to base's index
 * instead of building a copy. The index is freed with the last catalog
 * that uses it, so base may be closed before its siblings.
 *
 * Reloading with workers: open a fresh base (catalog_open), then let each
 * worker, between two jobs, replace its catalog by
 * catalog_open_sibling(fresh) and close the old one. */
#ifndef WW_CATALOG_H
#define WW_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/geo.h"
#include "base/hours.h"
#include "base/sb.h"
#include "store/site.h"

struct catalog;

struct catalog *catalog_open(const char *content_dir, char *err, size_t errlen);
/* Another catalog on the same content, sharing base's in-memory index.
 * It reads only base's immutable index (and bumps its atomic reference
 * count), so worker threads may call it at the same time, also while base
 * serves requests on its own thread; base must stay open during the call,
 * after that either may be closed first. Fails (NULL, reason in err) when
 * content.db was replaced since base was opened: then open a fresh base. */
struct catalog *catalog_open_sibling(const struct catalog *base, char *err, size_t errlen);
void catalog_close(struct catalog *c);
/* The database handle, for modules that read other content tables. */
struct store *catalog_store(struct catalog *c);

struct point {
	bool set;
	double lat, lon;
	char label[16]; /* normalised postcode, or "" for a browser location */
};

enum place_lookup {
	PLACE_NONE,      /* nothing asked */
	PLACE_FOUND,     /* point set */
	PLACE_MALFORMED, /* not a postcode */
	PLACE_UNKNOWN,   /* a postcode we do not know */
};

/* From a postcode field or lat/lon fields (lat/lon win when valid). */
enum place_lookup catalog_locate(struct catalog *c, const char *postcode, const char *lat,
                                 const char *lon, struct point *out);

#define CATALOG_MAX_ACCESS 5

struct catalog_filter {
	const char *q;
	struct point near;
	const char *category;                   /* cat-... */
	const char *target;                     /* dg-... */
	const char *function;                   /* mz-... */
	const char *access[CATALOG_MAX_ACCESS]; /* tg-... all required */
	size_t naccess;
	bool open_now;
	const char *cost; /* "gratis" | "betaald" | NULL */
	/* respite finder */
	const char *respite_setting;  /* thuis | buitenshuis */
	const char *respite_time;     /* dag | avond | ... */
	const char *respite_provider; /* vrijwilliger | professional */
	const char *respite_for;      /* dementie | ... */
	const char *respite_payer;    /* gemeente | ... */
	long respite_notice_max;      /* -1: any */
	bool respite_only;
	/* services for everyone before those for a target group (the pages;
	   not with a target group, a kind of support or the respite finder) */
	bool general_first;
	const char *lang;
	size_t offset, limit;
	time_t now;
};

struct catalog_hit {
	char *id, *name, *organization;
	char *place_id, *place_name, *address, *postal_code;
	char *category; /* first 'categorie' term id, or NULL */
	bool has_distance;
	double distance_m;
	bool free;        /* it has cost options and all are 0.00 */
	bool costs_known; /* it has cost options (else: ask what it costs) */
	struct hours_status hours;
	long notice_days; /* respite only; -1 otherwise */
};

/* Counting stops past this many matches: "more than 1,000". */
#define CATALOG_TOTAL_CAP 1000

struct catalog_result {
	struct catalog_hit *hits;
	size_t n;          /* hits returned (after offset/limit) */
	size_t total;      /* matches, at most CATALOG_TOTAL_CAP + 1 */
	bool total_capped; /* more than CATALOG_TOTAL_CAP (total is then CAP + 1) */
};

/* Searches with the filters that are set (each unset one costs nothing):
 * candidates come from the text postings when there is a query, else from
 * the grid around the point (ring by ring, nearest first, stopping once
 * the page and the capped count are certain), else from a list in name
 * order (all, one term's services, or the respite services). Order: text
 * relevance first (query words found in the name, the keywords or the
 * names of the service's terms), then (general_first) services for
 * everyone, then distance, then name. A service is shown with its nearest place that passes the
 * place filters (accessibility, open now, the 30 km box around the point). */
bool catalog_search(struct catalog *c, const struct catalog_filter *f, struct catalog_result *out);
void catalog_result_free(struct catalog_result *r);

/* Opening status of a service (its own periods, else those of place). */
void catalog_hours(struct catalog *c, const char *service_id, const char *place_id, time_t now,
                   struct hours_status *out);
/* The weekly periods of a service at a place (or of a place), sorted;
 * *kind (unless NULL) gets what they are for (enum hours_kind). */
size_t catalog_periods(struct catalog *c, const char *service_id, const char *place_id,
                       struct hours_period *out, size_t max, int *kind);

/* A public holiday (everything closed)? */
bool catalog_is_holiday(struct catalog *c, struct hours_day day);

/* Builds an FTS5 query from free text: every word quoted, prefix-matched.
 * Returns false when there are no words. Exposed for tests and the fuzzer;
 * the search splits words the same way, then lets FTS5's tokenizer
 * (unicode61, diacritics removed) fold each one. */
bool catalog_fts_query(const char *text, struct sb *out);

/* The search tokens of free text, as the search uses them ("Cliënt
 * koffie" -> "client", "koffie"), one per line in out; returns how many
 * (at most 8). For tests. */
size_t catalog_tokens(struct catalog *c, const char *text, struct sb *out);

/* Taxonomy terms of one taxonomy ("categorie"), in display order. */
struct term {
	char *id, *name;
};
size_t catalog_terms(struct catalog *c, const char *taxonomy, struct term **out);
void catalog_terms_free(struct term *t, size_t n);
const char *catalog_term_name(struct catalog *c, const char *id, struct sb *out);

/* The content's municipality (store/site.h), read once at open; valid as
 * long as the catalogue; NULL when the content has none or c is NULL. */
const struct site_info *catalog_site(const struct catalog *c);

#endif
