/* site: what the content says about the municipality itself: its name,
 * whether the content is an example (the demo notice), and how many
 * wijkwijzers it has. Texts name the municipality from here, never from C. */
#ifndef WW_SITE_H
#define WW_SITE_H

#include <stdbool.h>

struct catalog;

struct site_info {
	char municipality[65];
	bool example;                   /* made-up organisations and addresses: say so */
	int wijkwijzers;                /* places with appointments */
	char pc4_first[5], pc4_last[5]; /* the postcodes the content knows */
};

/* Reads it from the content; false when the content has none. */
bool site_read(struct catalog *c, struct site_info *out);

#endif
