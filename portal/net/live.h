/* live: the WebSocket channel "wijkwijzer.v1" at /ws.
 *
 * JSON text messages, at most LIVE_MAX_MESSAGE bytes each; the browser's
 * Origin must be this server. Keepalive pings come from the lws retry
 * policy (server.c). Messages: {"type":"hello"} is answered with the
 * protocol version; later features (slots, kiosk sessions) add types.
 * A client address may send app->cfg.subscribe_rate subscribe messages a
 * minute (rate.h); more are answered {"type":"error","code":
 * "too_many_subscriptions"} and not computed. kiosk_reset is accepted
 * only on a session that said kiosk_hello ("not_a_kiosk_session").
 * staff_hello is accepted only with a valid staff session cookie in the
 * handshake ("not_staff"); such a session then gets the staff_call
 * notices of its location (live_staff_call).
 *
 * Threads: the sessions, their queues and the fan-outs belong to the loop
 * thread. A complete message goes to a reader (worker.h) with a copy of
 * the session's subscription, one message per session at a time (later
 * ones wait, at most LIVE_MAX_BACKLOG), so their order is kept; the
 * answer comes back by the session's conn_ref. */
#ifndef WW_LIVE_H
#define WW_LIVE_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"
#include "exec/worker.h"
#include "exec/writer.h"

#define LIVE_SUBPROTOCOL "wijkwijzer.v1"
#define LIVE_MAX_MESSAGE 4096
#define LIVE_MAX_QUEUE   32

#define LIVE_MAX_BACKLOG 4 /* messages waiting while one is with a worker */

/* A message to send, shared by every session it goes to (a fan-out sends
 * the same bytes to thousands), with LWS_PRE bytes of headroom. */
struct live_msg {
	int refs;
	size_t len;
	unsigned char buf[];
};

/* Per-connection state; lws allocates it (zeroed) for each session.
 * Owner: the loop thread. A worker handling a message gets a copy of the
 * subscription fields, never this struct. */
struct live_session {
	struct live_session *next; /* all open sessions, for broadcasts */
	struct lws *wsi;
	struct conn_ref ref; /* for answers coming back from a worker */
	char location[65];   /* slot subscription; "" when none */
	char date[11];
	char topic[65];
	char kiosk[65];       /* the terminal of a kiosk session; "" otherwise */
	char terminal[65];    /* the enrolled terminal the browser is (handshake cookie) */
	char peer[64];        /* client address (clients_address): per-client cap and rate */
	char staff_token[48]; /* the staff session cookie of the handshake; "" when none */
	char staff[65];       /* the location of a staff session (staff_hello); "" otherwise */
	long long staff_user; /* its account (staff_hello); 0 otherwise */
	unsigned staff_gen;   /* bumped when the account's sessions end (live_staff_ended) */
	struct sb in;         /* a message arriving in fragments */
	bool busy;            /* a worker has one of its messages */
	char *backlog[LIVE_MAX_BACKLOG];
	size_t backlog_len[LIVE_MAX_BACKLOG];
	size_t nbacklog;
	struct live_msg *queue[LIVE_MAX_QUEUE];
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

/* The day of location on date changed (committed): the staff agenda of
 * that day hears agenda_changed; when slots (a booking, cancellation,
 * move or block, not a status) a reader also builds the new slot list
 * once per topic, and the loop pushes it to every resident's page in
 * chunks, so no other request waits behind the fan-out. Safe from any
 * thread. */
void live_day_changed(struct app *app, const char *location, const char *date,
                      enum writer_change what);

/* A kiosk terminal of location asks for a member of staff ("Roep een
 * medewerker"): every staff session of that location (one that said
 * {"type":"staff_hello"} with a valid staff cookie) gets
 * {"type":"staff_call","terminal":ID,"time":"HH:MM"}. Safe from any
 * thread: the sending is done on the loop. */
void live_staff_call(struct app *app, const char *location, const char *terminal, const char *time);

/* Sessions of the account user ended (logout, turned off, a new
 * password): its staff WebSockets stop hearing staff messages and get
 * {"type":"staff_ended"} (the page then loads itself again, which asks
 * for a login where there is none). Safe from any thread; the hook of
 * staff_on_sessions_ended (server.c). */
void live_staff_ended(struct app *app, long long user);

/* Loop, while a WebSocket handshake's headers are there: 0 when it may
 * be accepted, else the HTTP status of the refusal: 404 not /ws, 403 an
 * Origin that is not this server, 400 without our subprotocol (or without
 * what lws needs: Sec-WebSocket-Key, Connection: upgrade), 503 when
 * live_max_sessions are open, 429 when the client address holds
 * live_max_per_client. */
int live_upgrade_refusal(struct lws *wsi);

/* Frees what is left at shutdown (loop stopped). */
void live_shutdown(void);

/* The most WebSocket sessions at once (set at start from the open files
 * limit, so page requests always find a free descriptor). */
extern size_t live_max_sessions;

/* Number of open WebSocket sessions. */
size_t live_sessions(void);

/* WebSockets one client address may hold open (0: no limit). */
extern int live_max_per_client;

#endif
