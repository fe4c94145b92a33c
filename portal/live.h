/* live: the WebSocket channel "wijkwijzer.v1" at /ws.
 *
 * JSON text messages, at most LIVE_MAX_MESSAGE bytes each; the browser's
 * Origin must be this server. Keepalive pings come from the lws retry
 * policy (server.c). Messages: {"type":"hello"} is answered with the
 * protocol version; later features (slots, kiosk sessions) add types. */
#ifndef WW_LIVE_H
#define WW_LIVE_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

#include "sb.h"

#define LIVE_SUBPROTOCOL "wijkwijzer.v1"
#define LIVE_MAX_MESSAGE 4096
#define LIVE_MAX_QUEUE   32

/* Per-connection state; lws allocates it (zeroed) for each session. */
struct live_session {
	struct live_session *next; /* all open sessions, for broadcasts */
	struct lws *wsi;
	char location[65]; /* slot subscription; "" when none */
	char date[11];
	char topic[65];
	char kiosk[65]; /* the terminal of a kiosk session; "" otherwise */
	struct sb in;   /* a message arriving in fragments */
	char *queue[LIVE_MAX_QUEUE];
	size_t qlen[LIVE_MAX_QUEUE];
	size_t qhead, qcount;
};

int live_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len);

#define LIVE_PROTOCOL                                                                              \
	{                                                                                          \
		LIVE_SUBPROTOCOL, live_callback, sizeof(struct live_session), LIVE_MAX_MESSAGE, 0, \
		    NULL, 0                                                                        \
	}

/* Handles one complete client message; appends the reply (if any) to
 * reply. Exposed for unit tests and the fuzzer. Returns false when the
 * connection should be closed. */
struct app;
bool live_handle_message(struct app *app, struct live_session *s, const char *msg, size_t len,
                         struct sb *reply);

/* Pushes the current slots of location/date to every session subscribed
 * to them. Called after every booking, cancellation, move or block. */
void live_notify_slots(struct app *app, const char *location, const char *date);

/* The most WebSocket sessions at once (set at start from the open files
 * limit, so page requests always find a free descriptor). */
extern size_t live_max_sessions;

/* Number of open WebSocket sessions. */
size_t live_sessions(void);

#endif
