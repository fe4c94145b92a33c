/* assets: static files (CSS, JS, icons) compiled into the binary by
 * tools/embed.c, so build/wijkwijzer carries its own front-end. */
#ifndef WW_ASSETS_H
#define WW_ASSETS_H

#include <stddef.h>

struct asset {
	const char *name; /* "style.css" */
	const char *content_type;
	const unsigned char *data;
	size_t len;
	const char *hash; /* hex digest of the content, for cache busting */
};

extern const struct asset assets[];
extern const size_t assets_count;

const struct asset *asset_find(const char *name);

#endif
