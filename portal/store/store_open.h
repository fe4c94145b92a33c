/* store_open: the bookings database as a program opens and closes it,
 * with its secrets and settings, and nothing that runs SQL of its own.
 *
 * This is the part of store.h that code above the domain may use (main
 * opens the database at start-up); store.h, which includes this header,
 * adds the prepared statements and transactions for store/, exec/ and
 * domain/ (make layers: no SQL above the domain). */
#ifndef WW_STORE_OPEN_H
#define WW_STORE_OPEN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

struct store;

/* Opens (creating if needed) DIR/wijkwijzer.db and migrates it. On failure
 * returns NULL and writes a one-line reason into err. */
struct store *store_open(const char *dir, char *err, size_t errlen);
/* Opens the bookings database of dir for a reader thread: no migrations,
 * and query_only, so only the writer thread ever writes. */
struct store *store_open_reader(const char *dir, char *err, size_t errlen);
/* Opens an existing database read-only (the content), without migrations,
 * as immutable: the file must never be changed in place while open (the
 * importer renames a new file over it, which is fine). */
struct store *store_open_readonly(const char *path, char *err, size_t errlen);
void store_close(struct store *s);

/* Reads or creates the named random secret (bytes long). */
bool store_secret(struct store *s, const char *name, unsigned char *out, size_t bytes);

int store_schema_version(struct store *s);
int store_latest_version(void);
const char *store_errmsg(struct store *s);
/* Named settings of the running server (setting table). */
bool store_setting_get(struct store *s, const char *name, struct sb *out);
bool store_setting_set(struct store *s, const char *name, const char *value);

#endif
