/* store: the bookings database (SQLite) in the data folder.
 *
 * Opens the database in WAL mode with synchronous=FULL (a confirmed
 * booking must survive a power cut), runs the schema migrations by
 * PRAGMA user_version inside BEGIN IMMEDIATE, and caches prepared
 * statements by their SQL text. Errors are reported with the database's
 * message and never crash the server. */
#ifndef WW_STORE_H
#define WW_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"
#include "store/store_open.h" /* opening, closing, secrets, settings */

sqlite3 *store_db(struct store *s);

/* The cached statement for sql (which must be a string literal or
 * otherwise outlive the store), reset and with bindings cleared. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);

/* Column i of the current row as text: "" (or NULL) when it is NULL. */
const char *store_text(sqlite3_stmt *st, int i);
const char *store_text_or_null(sqlite3_stmt *st, int i);

bool store_begin_immediate(struct store *s);
bool store_commit(struct store *s);
void store_rollback(struct store *s);
bool store_exec(struct store *s, const char *sql);

/* Group commit (the writer thread): one BEGIN IMMEDIATE ... COMMIT around
 * several jobs. In between, store_begin_immediate/commit/rollback work on
 * a savepoint per job. store_group_commit returns false (and has rolled
 * everything back) when the COMMIT failed. */
bool store_group_begin(struct store *s);
/* False when SQLite has rolled the group's transaction back by itself. */
bool store_group_alive(struct store *s);
bool store_group_commit(struct store *s);

#endif
