/* cache: answers that do not depend on the person, kept in memory.
 *
 * Home, service pages, the carer page, search results and the catalogue
 * API are the same for everyone who asks the same thing in the same
 * language on the same terminal. The key holds everything such an
 * answer varies on (cache_key). An entry is valid until the end of the
 * minute it was made in (opening hours change at whole minutes, so an
 * "open now" is never stale) and only for the content generation it was
 * made from (SIGHUP bumps it). Each entry keeps its body compressed once,
 * with gzip and brotli, and a strong ETag.
 *
 * Owner: the loop thread. Workers build a cache_entry (cache_entry_new)
 * and hand it over with their job; only the loop looks up, inserts and
 * evicts, so there is no lock. An entry being sent is held by a
 * reference and freed after its last byte went out. */
#ifndef WW_CACHE_H
#define WW_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "net/http.h"
#include "base/sb.h"

struct cache_entry {
	struct cache_entry *next_bucket;   /* hash chain */
	struct cache_entry *older, *newer; /* eviction order */
	char *key;
	size_t key_len;
	unsigned long hash;
	int refs;
	time_t expires;
	unsigned long content_gen;
	struct response rs;                      /* status, type, cache-control, headers, body */
	struct sb gz, br;                        /* the body compressed, empty when not smaller */
	char etag[24], etag_gz[32], etag_br[32]; /* one strong ETag per form */
	size_t bytes;
};

/* The key of a request whose route may be cached, into key: language,
 * kiosk terminal, whether the language cookie is already set, path and
 * the query parameters sorted. */
bool cache_key(const struct request *rq, struct sb *key);

/* On a worker: an entry from a finished 200 response (taking its body),
 * compressed once. NULL when it should not be cached. */
struct cache_entry *cache_entry_new(const struct sb *key, struct response *rs, time_t now,
                                    unsigned long content_gen);

/* On a worker: compresses the body once, with brotli and gzip. */
void cache_entry_compress(struct cache_entry *e);

/* Loop: the valid entry for key, with a reference taken, or NULL. */
struct cache_entry *cache_get(const char *key, size_t key_len, time_t now,
                              unsigned long content_gen);
/* Loop: inserts e (replacing an older one for the same key); the cache
 * takes the caller's reference. */
void cache_put(struct cache_entry *e);
void cache_release(struct cache_entry *e);
/* Loop: drops every entry (shutdown). */
void cache_clear(void);

/* The most memory the cache holds (bodies and their compressed forms). */
#define CACHE_MAX_BYTES   (8u * 1024 * 1024)
#define CACHE_MAX_ENTRIES 8192

#endif
