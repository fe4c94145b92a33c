/* kiosk: the pages of a touch terminal in a wijkwijzer location (the
 * start screen, Stop, read aloud, enrolment); the layout is in page.c.
 *
 * A browser enrolled as a terminal (domain/terminals.h) holds a kiosk cookie; every
 * page then renders in kiosk mode (large targets, a Stop
 * button, the idle dialog, the on-screen keyboard, read aloud). The
 * terminal's location is used for nearness and booking. A reset wipes
 * the session in the browser (app.js) and on the server (live.c). */
#ifndef WW_KIOSK_H
#define WW_KIOSK_H

#include <stdbool.h>

#include "domain/terminals.h"
#include "net/http.h"

/* Sets (renews) the kiosk cookie "terminal.secret" (domain/terminals.h). */
void kiosk_set_cookie(const struct request *rq, struct response *rs, const char *value);

#endif
