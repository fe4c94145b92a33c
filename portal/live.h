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
	struct lws *wsi;
	struct sb in; /* a message arriving in fragments */
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
bool live_handle_message(const char *msg, size_t len, struct sb *reply);

/* Number of open WebSocket sessions. */
size_t live_sessions(void);

#endif
