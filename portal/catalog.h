/* catalog: the read-only content database: services, their places and
 * opening hours, postcodes, search and nearness.
 *
 * The database is built by wijkwijzer-import and replaced atomically; the
 * server opens it read-only and reopens it on SIGHUP, keeping the old one
 * when the new one does not open or has the wrong schema. */
#ifndef WW_CATALOG_H
#define WW_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "geo.h"
#include "hours.h"
#include "sb.h"

struct catalog;

struct catalog *catalog_open(const char *content_dir, char *err, size_t errlen);
void catalog_close(struct catalog *c);
/* Opens the content again; on success replaces *cur, else keeps it and
 * explains in err. */
bool catalog_reload(struct catalog **cur, const char *content_dir, char *err, size_t errlen);
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
	const char *lang;
	size_t offset, limit;
	time_t now;
};

struct catalog_hit {
	char *id, *name, *organization, *description;
	char *place_id, *place_name, *address, *postal_code;
	bool has_distance;
	double distance_m;
	bool free;
	struct hours_status hours;
	long notice_days; /* respite only; -1 otherwise */
};

struct catalog_result {
	struct catalog_hit *hits;
	size_t n;     /* hits returned (after offset/limit) */
	size_t total; /* all matches */
};

bool catalog_search(struct catalog *c, const struct catalog_filter *f, struct catalog_result *out);
void catalog_result_free(struct catalog_result *r);

/* Opening status of a service (its own periods, else those of place). */
void catalog_hours(struct catalog *c, const char *service_id, const char *place_id, time_t now,
                   struct hours_status *out);
/* The weekly periods of a service at a place (or of a place), sorted. */
size_t catalog_periods(struct catalog *c, const char *service_id, const char *place_id,
                       struct hours_period *out, size_t max);

/* A public holiday (everything closed)? */
bool catalog_is_holiday(struct catalog *c, struct hours_day day);

/* Builds an FTS5 query from free text: every word quoted, prefix-matched.
 * Returns false when there are no words. Exposed for tests and the fuzzer. */
bool catalog_fts_query(const char *text, struct sb *out);

/* Taxonomy terms of one taxonomy ("categorie"), in display order. */
struct term {
	char *id, *name;
};
size_t catalog_terms(struct catalog *c, const char *taxonomy, struct term **out);
void catalog_terms_free(struct term *t, size_t n);
const char *catalog_term_name(struct catalog *c, const char *id, struct sb *out);

#endif
