#include "db.h"

#include <stdatomic.h>
#include <stdio.h>

#include "app.h"
#include "catalog.h"
#include "store.h"

static _Thread_local struct db_thread *current;

bool db_thread_open(struct app *app, struct db_thread *t, bool writable, char *err, size_t errlen)
{
	t->content_gen = atomic_load(&app->content_gen);
	t->catalog = catalog_open(app->cfg.content_dir, err, errlen);
	if (!t->catalog)
		return false;
	t->bookings = writable ? store_open(app->cfg.data_dir, err, errlen)
	                       : store_open_reader(app->cfg.data_dir, err, errlen);
	if (!t->bookings) {
		catalog_close(t->catalog);
		t->catalog = NULL;
		return false;
	}
	return true;
}

void db_thread_use(struct db_thread *t)
{
	current = t;
}

void db_thread_refresh(struct app *app, struct db_thread *t)
{
	unsigned long gen = atomic_load(&app->content_gen);
	if (gen == t->content_gen)
		return;
	char err[512];
	/* the content was checked before the generation moved; if this
	   thread cannot open it anyway, it keeps serving the old content */
	if (catalog_reload(&t->catalog, app->cfg.content_dir, err, sizeof(err)))
		t->content_gen = gen;
	else
		fprintf(stderr, "wijkwijzer: worker keeps the old content: %s\n", err);
}

void db_thread_close(struct db_thread *t)
{
	if (current == t)
		current = NULL;
	catalog_close(t->catalog);
	store_close(t->bookings);
	t->catalog = NULL;
	t->bookings = NULL;
}

struct store *db_bookings(struct app *app)
{
	return current ? current->bookings : app->store;
}

struct catalog *db_catalog(struct app *app)
{
	return current ? current->catalog : app->catalog;
}
