/* writer: the one thread that writes to the bookings database.
 *
 * A worker that needs a write hands a function to writer_do() and waits.
 * The writer takes every write waiting at that moment into one
 * BEGIN IMMEDIATE ... COMMIT (group commit, synchronous=FULL: one fsync
 * for the group), each write in a savepoint of its own, and wakes each
 * caller only after that COMMIT, so a 201 is never sent for a booking
 * that a power cut could still take away. When the COMMIT fails, every
 * write of the group reports WRITER_FAILED.
 *
 * Inside a write, writer_changed() notes a day that changed (its free
 * slots, or only its bookings' rows, such as a check-in) or a location's
 * call-back requests; the
 * writer publishes these after the COMMIT, never before, to the two hooks
 * of writer_on_change(): the first before any answer of the group goes
 * out (caches forget the day), the second after them (the WebSocket
 * push). The hooks are how the layers above hear of changes without the
 * writer knowing them.
 *
 * Without a running writer thread (the command line tools, unit tests,
 * start-up) writer_do() runs the function at once on the caller's
 * connection. The queue has one mutex; each caller waits on its own
 * condition variable. */
#ifndef WW_WRITER_H
#define WW_WRITER_H

#include <stdbool.h>
#include <stddef.h>

struct app;

#define WRITER_FAILED (-1000)

typedef int (*writer_fn)(struct app *app, void *arg);

bool writer_start(struct app *app, char *err, size_t errlen);
void writer_stop(void);

/* Runs fn(app, arg) on the writer thread inside a group commit and returns
 * its result once committed, or WRITER_FAILED. */
int writer_do(struct app *app, writer_fn fn, void *arg);

/* For a request whose handler writes (ROUTE_WRITE): the writer runs the
 * job itself inside its group, so many bookings share one COMMIT without
 * holding a reader thread each, and hands the job to the loop after the
 * COMMIT. When the COMMIT failed, on_fail(app, j) first replaces the
 * answer. False when the queue is full (j stays the caller's). */
struct job;
bool writer_submit(struct job *j, void (*on_fail)(struct app *app, struct job *j));

/* What a write changed, for the hooks: a day's bookings' rows only (a
 * status), its free slots too (a booking, a move, a block), or the
 * call-back requests of a location (callbacks.h; date ""). */
enum writer_change {
	WRITER_ROWS,
	WRITER_SLOTS,
	WRITER_CALLBACKS,
};
typedef void (*writer_change_fn)(struct app *app, const char *location, const char *date,
                                 enum writer_change what);
/* Sets the hooks (before writer_start; NULL: none). */
void writer_on_change(writer_change_fn before_answers, writer_change_fn after_answers);

/* Inside a write: what of location changed (on date, YYYY-MM-DD..., for
 * a day). Several changes of one day in a group are told once, as
 * WRITER_SLOTS when any of them was. */
void writer_changed(struct app *app, const char *location, const char *date,
                    enum writer_change what);

/* True on the writer thread inside a write (reads see uncommitted data). */
bool writer_in_write(void);

#endif
