/* kiosk: the portal on a touch terminal in a wijkwijzer location.
 *
 * A browser enrolled as a terminal (enrol.h) holds a kiosk cookie; every
 * page then renders in kiosk mode (large targets, a Stop
 * button, the idle dialog, the on-screen keyboard, read aloud). The
 * terminal's location is used for nearness and booking. A reset wipes
 * the session in the browser (app.js) and on the server (live.c). */
#ifndef WW_KIOSK_H
#define WW_KIOSK_H

#include <stdbool.h>

#include "net/http.h"

struct kiosk_terminal {
	char id[65];
	char location[65];
	char postcode[16];
	int idle_seconds;
	bool printer;
};

struct catalog;
/* Reads the terminals of the content into memory (start, reload); the
 * lookups below then never touch SQLite, so the loop may call them.
 * Threads: one mutex guards the table, which a reload replaces whole. */
bool kiosk_load(struct catalog *c);
void kiosk_unload(void);
bool kiosk_find(struct app *app, const char *id, struct kiosk_terminal *out);
/* The enrolled terminal this browser is (its kiosk cookie), if any. */
bool kiosk_of_request(const struct request *rq, struct kiosk_terminal *out);
/* The same from a Cookie header (a WebSocket handshake). */
bool kiosk_of_cookie(struct app *app, const char *cookie_header, struct kiosk_terminal *out);
/* Sets (renews) the kiosk cookie "terminal.secret" (enrol.h). */
void kiosk_set_cookie(const struct request *rq, struct response *rs, const char *value);
/* The kiosk parts of the layout (bar, idle dialog, keyboard), after <body>. */
void kiosk_layout(const struct request *rq, struct sb *o, const struct kiosk_terminal *t);

#define KIOSK_COOKIE      "ww_kiosk"
#define KIOSK_COUNTDOWN_S 20

#endif
