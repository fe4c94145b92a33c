/* worker: the threads beside the lws loop, and the way back to it.
 *
 * The loop thread does I/O, parsing, routing and what is cached; every
 * job that can block runs here (design.md 5):
 *   - the reader pool (--workers N threads): page and API handlers, slot
 *     lists for WebSocket messages, each thread with its own catalogue
 *     and bookings connection (db.h);
 *   - the slow pool (a few threads): speech synthesis and password
 *     hashing, so a queue of them never holds up an ordinary page;
 *   - the writer thread (writer.h) for every write to the bookings
 *     database.
 * A finished job goes on the completion queue; the worker then calls
 * lws_cancel_service(), the one lws call that is safe from another
 * thread, and the loop runs the job's done() in
 * LWS_CALLBACK_EVENT_WAIT_CANCELLED. done() finds its connection by a
 * generational handle (conn_ref), so a connection that closed meanwhile
 * is recognised and never written to.
 *
 * Every queue is bounded: worker_submit() says no when it is full and the
 * caller answers 503 with Retry-After.
 *
 * Locks: each pool's queue has one mutex; the completion queue has one
 * mutex. A job belongs to exactly one thread at a time: the submitter
 * until worker_submit, the worker until worker_complete, then the loop. */
#ifndef WW_WORKER_H
#define WW_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

enum pool {
	POOL_READ, /* handlers, slot lists */
	POOL_SLOW, /* speech, yescrypt */
	POOL_COUNT,
};

/* A connection as the loop knows it: slot in the loop's table and the
 * generation the slot had when the job started. */
struct conn_ref {
	uint32_t slot;
	uint64_t gen;
};

/* The loop's table of connections that wait for a job (loop thread only,
 * no lock). A slot is reused with a new generation, so a stale reference
 * finds NULL. */
bool conn_register(void *conn, struct conn_ref *out);
void *conn_lookup(struct conn_ref r);
void conn_unregister(struct conn_ref r);

struct job;
typedef void (*job_run_fn)(struct app *app, struct job *j);  /* on a worker */
typedef void (*job_done_fn)(struct app *app, struct job *j); /* on the loop; frees j */

struct job {
	struct job *next;
	job_run_fn run;
	job_done_fn done;
	struct conn_ref conn;
};

/* Starts the pools; each thread opens its connections first. */
bool workers_start(struct app *app, int readers, int slow, char *err, size_t errlen);
/* Lets the threads finish the jobs they hold and joins them. */
void workers_stop(void);
/* After every thread has stopped: completed jobs that were not drained
 * are done() with app->ctx == NULL (they only free themselves). */
void workers_drop_answers(struct app *app);

/* Queues j; false when the pool's queue is full (j is still the caller's). */
bool worker_submit(enum pool p, struct job *j);
/* The same, in the heavy lane (searches): a worker takes those only when
 * no other job waits, so a page that is quick to make never queues behind
 * a row of searches. Both lanes share the pool's bound. */
bool worker_submit_lane(enum pool p, struct job *j, bool heavy);
/* Hands a finished job to the loop (any thread). */
void worker_complete(struct job *j);
/* On the loop: runs done() of every completed job. */
void worker_drain(struct app *app);

#endif
