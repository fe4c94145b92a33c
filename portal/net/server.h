/* server: the libwebsockets context, the HTTP protocol callback that turns
 * lws events into request/response, security headers, the access log. */
#ifndef WW_SERVER_H
#define WW_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/app.h"
#include "net/http.h"

/* Creates the lws context listening on cfg.listen:cfg.port. On failure
 * writes a one-line reason into err and returns false. */
bool server_start(struct app *app, char *err, size_t errlen);
/* Serves until *stop becomes non-zero; reloads the content whenever
 * *reload becomes non-zero (and clears it). */
void server_run(struct app *app, volatile sig_atomic_t *stop, volatile sig_atomic_t *reload);
/* Wakes the service loop (safe from a signal handler). */
void server_wake(struct app *app);
void server_stop(struct app *app);

/* Runs the router and the handler for a request that has been read.
 * Exposed for tests that bypass the network. */
void server_dispatch(struct app *app, struct request *rq, struct response *rs);

#endif
