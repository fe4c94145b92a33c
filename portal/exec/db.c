#include "exec/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/app.h"
#include "store/catalog.h"
#include "store/store.h"

static _Thread_local struct db_thread *current;

/* Every thread's catalogue is a sibling of app->catalog (the base): its
 * own SQLite connection, the base's in-memory search index. The lock
 * guards app->catalog while a sibling is opened or the base replaced. */
static pthread_mutex_t base_lock = PTHREAD_MUTEX_INITIALIZER;

static struct catalog *sibling(struct app *app, unsigned long *gen, char *err, size_t errlen)
{
	pthread_mutex_lock(&base_lock);
	*gen = atomic_load(&app->content_gen);
	struct catalog *c = catalog_open_sibling(app->catalog, err, errlen);
	pthread_mutex_unlock(&base_lock);
	return c;
}

void db_replace_base(struct app *app, struct catalog *fresh)
{
	pthread_mutex_lock(&base_lock);
	struct catalog *old = app->catalog;
	app->catalog = fresh;
	atomic_fetch_add(&app->content_gen, 1);
	pthread_mutex_unlock(&base_lock);
	/* siblings keep the shared index alive as long as they need it */
	catalog_close(old);
}

bool db_thread_open(struct app *app, struct db_thread *t, struct store *writer, char *err,
                    size_t errlen)
{
	t->catalog = sibling(app, &t->content_gen, err, errlen);
	if (!t->catalog)
		return false;
	t->bookings = writer ? writer : store_open_reader(app->cfg.data_dir, err, errlen);
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
	   thread cannot open it anyway (replaced again meanwhile), it keeps
	   serving the old content until the next reload */
	unsigned long now_gen;
	struct catalog *fresh = sibling(app, &now_gen, err, sizeof(err));
	if (fresh) {
		catalog_close(t->catalog);
		t->catalog = fresh;
		t->content_gen = now_gen;
	} else {
		fprintf(stderr, "wijkwijzer: worker keeps the old content: %s\n", err);
		t->content_gen = gen;
	}
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
