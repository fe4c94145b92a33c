/* assets: static files (CSS, JS, icons) compiled into the binary by
 * tools/embed.c, so build/wijkwijzer carries its own front-end.
 *
 * Each asset comes in up to three representations, all made at build
 * time: the bytes themselves, gzip (level 9) and brotli (quality 11). A
 * compressed form is NULL (length 0) when it would not be smaller; send the
 * bytes themselves then. Every representation has its own strong
 * entity-tag, because RFC 9110 (8.8.3) wants a strong tag to tell apart
 * all representations of a resource: a cache that holds both the gzip and
 * the brotli form of style.css must be able to say which one it has. All
 * tags are quoted, ready for the ETag header. Everything here is constant
 * data: safe on every thread. */
#ifndef WW_ASSETS_H
#define WW_ASSETS_H

#include <stddef.h>

struct asset {
	const char *name; /* "style.css" */
	const char *content_type;
	const unsigned char *data; /* the file itself (NUL-terminated, len without it) */
	size_t len;
	const char *hash;        /* 16 hex digits of the content, for cache busting (?v=) */
	const char *etag;        /* "\"<hash>\"": the entity-tag of data */
	const unsigned char *gz; /* Content-Encoding: gzip, or NULL */
	size_t gz_len;
	const char *etag_gz;     /* "\"<hash>-gzip\"", or NULL with gz */
	const unsigned char *br; /* Content-Encoding: br, or NULL */
	size_t br_len;
	const char *etag_br; /* "\"<hash>-br\"", or NULL with br */
};

extern const struct asset assets[];
extern const size_t assets_count;

const struct asset *asset_find(const char *name);

#endif
