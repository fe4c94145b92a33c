/* db: the database connections of the calling thread.
 *
 * SQLite connections are never shared between threads (design.md 5).
 * Every worker thread owns a content catalogue and a bookings connection
 * of its own; the writer thread's bookings connection is the only one
 * that may write, the readers' are opened with query_only. A thread that
 * has none of its own (main before the server starts, the command line
 * tools, unit tests) uses the ones in struct app.
 *
 * The content generation (app->content_gen) is bumped when new content
 * has been checked (SIGHUP); each thread reopens its catalogue before its
 * next job, so a request never sees content change halfway. */
#ifndef WW_DB_H
#define WW_DB_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct store;
struct catalog;

struct db_thread {
	struct store *bookings;
	struct catalog *catalog;
	unsigned long content_gen;
};

/* Opens the connections of a worker thread: a reader's own read-only
 * bookings connection, or for the writer the one writable connection
 * (main opened and migrated it; t takes it over). They may be opened on
 * one thread and then used by another, never by two. */
bool db_thread_open(struct app *app, struct db_thread *t, struct store *writer, char *err,
                    size_t errlen);
/* Makes t the calling thread's connections (NULL: back to struct app's). */
void db_thread_use(struct db_thread *t);
/* Reopens the catalogue when the content generation moved on. */
void db_thread_refresh(struct app *app, struct db_thread *t);
void db_thread_close(struct db_thread *t);

/* Makes fresh (checked, opened on some thread) the base catalogue and
 * bumps the content generation; the old base is closed. */
void db_replace_base(struct app *app, struct catalog *fresh);

/* The calling thread's connections. */
struct store *db_bookings(struct app *app);
struct catalog *db_catalog(struct app *app);

#endif
