/* site: what the content says about the municipality itself: its name,
 * whether the content is an example (the demo notice), how many
 * wijkwijzers it has and its postcode range. Texts name the municipality
 * from here, never from C. It is read once, when a catalogue opens
 * (catalog_site() in catalog.h hands it out). */
#ifndef WW_SITE_H
#define WW_SITE_H

#include <stdbool.h>

struct store;

struct site_info {
	char municipality[65];
	bool example;                   /* made-up organisations and addresses: say so */
	int wijkwijzers;                /* places with appointments */
	char pc4_first[5], pc4_last[5]; /* the postcodes the content knows */
	/* the wijkwijzers' central phone number ("053 000 7379", "": none)
	   and the hours it is answered on working days ("08:30", "17:00";
	   "": not given) */
	char phone[24], phone_opens[6], phone_closes[6];
};

/* Reads it from a content database; false when the content has none. */
bool site_load(struct store *content, struct site_info *out);

#endif
