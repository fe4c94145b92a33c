/* clients: open connections per client address, so that one client can
 * never take the connections the kiosks and other residents need.
 *
 * Owner: the loop thread (no lock). A connection is counted when lws
 * accepts it and forgotten when lws destroys it, whichever protocol it
 * ended on. Behind a reverse proxy every connection comes from the proxy,
 * so the server does not count them there (the proxy limits clients). */
#ifndef WW_CLIENTS_H
#define WW_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>

/* Counts a new connection of peer; false (not counted) when peer already
 * holds max (max <= 0: no limit). */
bool clients_admit(const void *wsi, const char *peer, int max);
/* Forgets a connection (unknown ones are ignored). */
void clients_leave(const void *wsi);
void clients_clear(void);

struct lws;
/* The client address of a connection: with --behind-proxy the last
 * X-Forwarded-For entry (the address the proxy saw), else the peer. */
void clients_address(struct lws *wsi, char *out, size_t n);
/* Only the forwarded address; false (out untouched) when there is none. */
bool clients_forwarded_for(struct lws *wsi, char *out, size_t n);

#endif
