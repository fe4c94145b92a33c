/* compress: gzip and brotli encoders, Accept-Encoding negotiation and
 * If-None-Match comparison.
 *
 * tools/embed uses the encoders at build time for the static assets
 * (COMPRESS_ASSET_*); the server uses them once per cached page on a
 * worker thread (COMPRESS_PAGE_*). Everything here is thread-safe: no
 * global mutable state, every call has its own encoder, and the parsers
 * only read their arguments. The parsers take attacker data (request
 * headers): any byte string is accepted, the work is linear in its length,
 * and nothing is allocated. */
#ifndef WW_COMPRESS_H
#define WW_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

/* Content codings, as bits in the mask compress_accepted() returns. */
#define COMPRESS_GZIP 1u /* Content-Encoding: gzip */
#define COMPRESS_BR   2u /* Content-Encoding: br */

/* Build time, once per asset: the best either format can do. */
#define COMPRESS_ASSET_GZIP_LEVEL     9
#define COMPRESS_ASSET_BROTLI_QUALITY 11

/* Run time, once per cache entry on a worker thread. Measured on the
 * portal's own pages (5-22 KB of HTML, and style.css; one core of the
 * 2-core build machine): brotli quality 11 takes 5-19 ms per page, about
 * 100 times as long as quality 5 (0.07-0.2 ms), for a result only 7-10%
 * smaller; a worker would be busy that long for every new entry (every
 * language, every search). Quality 5 is already 10% smaller than gzip -9;
 * 6-9 cost up to 1.5 times as much for well under 1%. gzip level 6 is
 * zlib's default: level 9 gained under 0.5% here, and its longer match
 * search (a chain of 4096 instead of 128) can cost many times more on
 * repetitive input; gzip only goes to clients without brotli anyway. */
#define COMPRESS_PAGE_GZIP_LEVEL     6
#define COMPRESS_PAGE_BROTLI_QUALITY 5

/* Appends a complete gzip stream (RFC 1952: header with mtime 0, deflate
 * data, CRC-32 and length) of the n bytes at in to out. level is 0-9
 * (zlib's deflate levels). in may be NULL when n is 0. False when the
 * level is out of range, memory runs out or out's limit would be passed;
 * out then holds a partial stream (possibly marked failed) and must be
 * discarded. The same input and level always give the same bytes. */
bool compress_gzip(const void *in, size_t n, int level, struct sb *out);

/* Appends a complete brotli stream (RFC 7932) of the n bytes at in to out.
 * quality is 0-11; the window is sized to the input (at most 4 MB).
 * Failure as for compress_gzip. */
bool compress_brotli(const void *in, size_t n, int quality, struct sb *out);

/* The content codings of ours (COMPRESS_GZIP, COMPRESS_BR) that an
 * Accept-Encoding field value allows (RFC 9110 section 12.5.3):
 * - a coding is accepted when it is listed with a q-value above 0, or,
 *   when it is not listed, when "*" is listed with a q-value above 0;
 * - "x-gzip" counts as gzip; tokens are case-insensitive;
 * - an element whose q-value is not a valid qvalue ("0", "0.5", "1.000",
 *   not "2" or "0.0001") is ignored, as are unknown codings and garbage;
 * - a coding listed twice gets its lowest q-value (a refusal wins);
 * - NULL (no header) and "" (RFC: no coding wanted) give 0.
 * The mask says what may be sent, not the client's order of preference:
 * the server picks (brotli before gzip, being smaller). identity is never
 * refused here; the server may always send uncompressed bytes. */
unsigned compress_accepted(const char *accept_encoding);

/* True when an If-None-Match field value matches etag under the weak
 * comparison of RFC 9110 section 8.8.3.2 (W/"x" matches "x" and W/"x"),
 * as section 13.1.2 requires for If-None-Match: "*" matches any etag,
 * otherwise each element of the comma-separated list is compared. etag is
 * the server's own entity-tag, quoted, with or without W/ ("\"abc\"").
 * Malformed elements match nothing; NULL for either argument gives false.
 * On a GET or HEAD that matches, answer 304 Not Modified. */
bool compress_etag_match(const char *if_none_match, const char *etag);

#endif
