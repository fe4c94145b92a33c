#include "exec/writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "exec/db.h"
#include "store/store.h"
#include "exec/worker.h"

/* the most writes in one group: bounds the time one COMMIT keeps the
   first caller of the group waiting */
#define GROUP_MAX 128
/* callers waiting beyond this get WRITER_FAILED at once (503) */
#define QUEUE_MAX   1024
#define CHANGES_MAX 16

struct change {
	char location[65];
	char date[11];
	enum writer_change what;
};

struct write {
	struct write *next;
	writer_fn fn;    /* a write someone waits for, or: */
	struct job *job; /* a request the writer answers itself */
	void (*on_fail)(struct app *app, struct job *j);
	void *arg;
	int result;
	bool done;
	pthread_cond_t cond;
	struct change changes[CHANGES_MAX];
	size_t nchanges;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static struct write *head, *tail;
static size_t queued;
static bool running, stopping;
static pthread_t thread;
static struct app *the_app;

/* the write being run on this thread, for writer_changed */
static _Thread_local struct write *current;

/* Who hears of a changed day (writer_on_change), set before the thread
 * starts and read only after. */
static writer_change_fn hook_before, hook_after;

void writer_on_change(writer_change_fn before_answers, writer_change_fn after_answers)
{
	hook_before = before_answers;
	hook_after = after_answers;
}

static void changed_before(struct app *app, const struct change *c)
{
	if (hook_before)
		hook_before(app, c->location, c->date, c->what);
}

static void changed_after(struct app *app, const struct change *c)
{
	if (hook_after)
		hook_after(app, c->location, c->date, c->what);
}

static void publish_one(struct app *app, const struct change *c)
{
	changed_before(app, c);
	changed_after(app, c);
}

static void publish(struct app *app, const struct write *w)
{
	for (size_t i = 0; i < w->nchanges; i++)
		publish_one(app, &w->changes[i]);
}

/* The days a group changed, each once (writer thread only). */
static struct change changes[GROUP_MAX * CHANGES_MAX];

/* Adds c to the n changes of v (room for max), once per day (or per
   location's call-back requests): a day already there becomes
   WRITER_SLOTS when c is; when v is full c is dropped. */
static size_t add_change(struct change *v, size_t n, size_t max, const struct change *c)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].location, c->location) == 0 && strcmp(v[i].date, c->date) == 0 &&
		    (v[i].what == WRITER_CALLBACKS) == (c->what == WRITER_CALLBACKS)) {
			if (c->what == WRITER_SLOTS)
				v[i].what = WRITER_SLOTS;
			return n;
		}
	if (n == max)
		return n;
	v[n] = *c;
	return n + 1;
}

static void *writer_main(void *arg)
{
	struct db_thread *db = arg;
	db_thread_use(db);
	struct write *group[GROUP_MAX];
	for (;;) {
		pthread_mutex_lock(&lock);
		while (!head && !stopping)
			pthread_cond_wait(&work, &lock);
		if (!head) {
			pthread_mutex_unlock(&lock);
			break;
		}
		size_t n = 0;
		while (head && n < GROUP_MAX) {
			group[n++] = head;
			head = head->next;
			queued--;
		}
		if (!head)
			tail = NULL;
		pthread_mutex_unlock(&lock);

		db_thread_refresh(the_app, db);
		struct store *s = db->bookings;
		bool ok = store_group_begin(s);
		for (size_t i = 0; i < n; i++) {
			struct write *w = group[i];
			current = w;
			if (w->job && ok)
				w->job->run(the_app, w->job);
			else if (w->job)
				w->result = WRITER_FAILED;
			else
				w->result = ok ? w->fn(the_app, w->arg) : WRITER_FAILED;
			current = NULL;
			ok = ok && store_group_alive(s);
		}
		ok = ok && store_group_commit(s);
		if (!ok)
			fprintf(stderr, "wijkwijzer: writer: a group of %zu writes failed: %s\n", n,
			        store_errmsg(s));
		/* the days that changed are forgotten by the caches before any
		   answer goes out (whoever reads after a 201 sees the booking);
		   the fan-out to the subscribers follows the answers, so it
		   never holds up the answer that caused it */
		size_t nchanges = 0;
		for (size_t i = 0; ok && i < n; i++)
			for (size_t c = 0; c < group[i]->nchanges; c++)
				nchanges = add_change(changes, nchanges,
				                      sizeof(changes) / sizeof(changes[0]),
				                      &group[i]->changes[c]);
		for (size_t c = 0; c < nchanges; c++)
			changed_before(the_app, &changes[c]);
		for (size_t i = 0; i < n; i++) {
			struct write *w = group[i];
			if (!ok)
				w->result = WRITER_FAILED;
			if (w->job) {
				if (!ok)
					w->on_fail(the_app, w->job);
				worker_complete(w->job);
				free(w);
				continue;
			}
			pthread_mutex_lock(&lock);
			w->done = true;
			pthread_cond_signal(&w->cond);
			pthread_mutex_unlock(&lock);
		}
		for (size_t c = 0; c < nchanges; c++)
			changed_after(the_app, &changes[c]);
	}
	db_thread_close(db);
	free(db);
	return NULL;
}

bool writer_start(struct app *app, char *err, size_t errlen)
{
	struct db_thread *db = calloc(1, sizeof(*db));
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	/* opened here, made the thread's own in writer_main; the bookings
	   connection is the one main opened and migrated, from now on the
	   writer's alone */
	if (!db_thread_open(app, db, app->store, err, errlen)) {
		free(db);
		return false;
	}
	the_app = app;
	stopping = false;
	if (pthread_create(&thread, NULL, writer_main, db) != 0) {
		db->bookings = NULL; /* still main's */
		db_thread_close(db);
		free(db);
		snprintf(err, errlen, "cannot start the writer thread");
		return false;
	}
	app->store = NULL;
	running = true;
	return true;
}

void writer_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&work);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = false;
}

/* With lock held: w joins the queue, unless it is full or the writer
 * stops. */
static bool enqueue_locked(struct write *w)
{
	if (!running || queued >= QUEUE_MAX || stopping)
		return false;
	if (tail)
		tail->next = w;
	else
		head = w;
	tail = w;
	queued++;
	pthread_cond_signal(&work);
	return true;
}

int writer_do(struct app *app, writer_fn fn, void *arg)
{
	if (!running || current) {
		/* no writer thread (tools, tests), or a write inside a write */
		struct write w;
		memset(&w, 0, sizeof(w));
		struct write *outer = current;
		if (!outer)
			current = &w;
		int r = fn(app, arg);
		if (!outer) {
			current = NULL;
			publish(app, &w);
		}
		return r;
	}
	struct write w;
	memset(&w, 0, sizeof(w));
	w.fn = fn;
	w.arg = arg;
	if (pthread_cond_init(&w.cond, NULL) != 0)
		return WRITER_FAILED;
	pthread_mutex_lock(&lock);
	if (!enqueue_locked(&w)) {
		pthread_mutex_unlock(&lock);
		pthread_cond_destroy(&w.cond);
		return WRITER_FAILED;
	}
	while (!w.done)
		pthread_cond_wait(&w.cond, &lock);
	pthread_mutex_unlock(&lock);
	pthread_cond_destroy(&w.cond);
	return w.result;
}

bool writer_submit(struct job *j, void (*on_fail)(struct app *app, struct job *j))
{
	struct write *w = calloc(1, sizeof(*w));
	if (!w)
		return false;
	w->job = j;
	w->on_fail = on_fail;
	pthread_mutex_lock(&lock);
	bool ok = enqueue_locked(w);
	pthread_mutex_unlock(&lock);
	if (!ok)
		free(w);
	return ok;
}

void writer_changed(struct app *app, const char *location, const char *date,
                    enum writer_change what)
{
	struct write *w = current;
	if (!location || !date)
		return;
	struct change c = {.what = what};
	snprintf(c.location, sizeof(c.location), "%s", location);
	snprintf(c.date, sizeof(c.date), "%.10s", date);
	if (!w)
		publish_one(app, &c);
	else
		w->nchanges = add_change(w->changes, w->nchanges, CHANGES_MAX, &c);
}

bool writer_in_write(void)
{
	return current != NULL;
}
