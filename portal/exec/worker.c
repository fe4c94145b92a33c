#include "exec/worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "base/app.h"
#include "exec/db.h"

#define MAX_THREADS 64

struct pool_state {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct job *head, *tail;        /* taken first */
	struct job *heavy, *heavy_tail; /* searches: taken when head is empty */
	size_t queued, max;
	bool stopping;
	pthread_t threads[MAX_THREADS];
	int nthreads;
};

static struct pool_state pools[POOL_COUNT] = {
    [POOL_READ] = {.lock = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER},
    [POOL_SLOW] = {.lock = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER},
};

/* The completion queue: workers push, the loop drains. */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static struct job *done_head, *done_tail;
static struct lws_context *wake_ctx; /* set before the threads start */

/* The loop's connection table (loop thread only). */
struct handle {
	void *conn; /* NULL: free */
	uint64_t gen;
	uint32_t next_free;
};

static struct handle *handles;
static uint32_t nhandles, free_head = UINT32_MAX;
static uint64_t next_gen = 1;

struct thread_arg {
	struct app *app;
	enum pool pool;
	struct db_thread db; /* opened by workers_start, used only by this thread */
};

static void *worker_main(void *arg)
{
	struct thread_arg ta = *(struct thread_arg *)arg;
	free(arg);
	struct pool_state *p = &pools[ta.pool];
	struct db_thread db = ta.db;
	db_thread_use(&db);
	/* speech and hashing yield the CPU to the loop and the readers */
	if (ta.pool == POOL_SLOW && setpriority(PRIO_PROCESS, (id_t)gettid(), 19) != 0)
		fprintf(stderr, "wijkwijzer: slow pool keeps the normal priority\n");
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->heavy && !p->stopping)
			pthread_cond_wait(&p->ready, &p->lock);
		struct job *j = p->head ? p->head : p->heavy;
		if (!j) { /* stopping and nothing left */
			pthread_mutex_unlock(&p->lock);
			break;
		}
		if (j == p->head) {
			p->head = j->next;
			if (!p->head)
				p->tail = NULL;
		} else {
			p->heavy = j->next;
			if (!p->heavy)
				p->heavy_tail = NULL;
		}
		p->queued--;
		pthread_mutex_unlock(&p->lock);
		j->next = NULL;
		db_thread_refresh(ta.app, &db);
		j->run(ta.app, j);
		worker_complete(j);
	}
	db_thread_close(&db);
	return NULL;
}

static size_t queue_bound(enum pool p, int threads)
{
	/* enough for bursts, small enough that a full queue is answered
	   with 503 within a second or so instead of a long wait */
	return p == POOL_SLOW ? 16 : (size_t)threads * 256;
}

bool workers_start(struct app *app, int readers, int slow, char *err, size_t errlen)
{
	wake_ctx = app->ctx;
	int counts[POOL_COUNT] = {[POOL_READ] = readers, [POOL_SLOW] = slow};
	for (int pi = 0; pi < POOL_COUNT; pi++) {
		struct pool_state *p = &pools[pi];
		p->stopping = false;
		p->max = queue_bound((enum pool)pi, counts[pi]);
		for (int i = 0; i < counts[pi] && i < MAX_THREADS; i++) {
			struct thread_arg *ta = malloc(sizeof(*ta));
			if (!ta) {
				snprintf(err, errlen, "out of memory");
				return false;
			}
			ta->app = app;
			ta->pool = (enum pool)pi;
			if (!db_thread_open(app, &ta->db, NULL, err, errlen)) {
				free(ta);
				return false;
			}
			int rc = pthread_create(&p->threads[i], NULL, worker_main, ta);
			if (rc != 0) {
				db_thread_close(&ta->db);
				free(ta);
				snprintf(err, errlen, "cannot start a worker thread");
				return false;
			}
			p->nthreads++;
		}
	}
	return true;
}

void workers_stop(void)
{
	for (int pi = 0; pi < POOL_COUNT; pi++) {
		struct pool_state *p = &pools[pi];
		pthread_mutex_lock(&p->lock);
		p->stopping = true;
		pthread_cond_broadcast(&p->ready);
		pthread_mutex_unlock(&p->lock);
		for (int i = 0; i < p->nthreads; i++)
			pthread_join(p->threads[i], NULL);
		p->nthreads = 0;
	}
}

void workers_drop_answers(struct app *app)
{
	/* the loop is gone: done() sees no context and only frees */
	struct lws_context *ctx = app->ctx;
	pthread_mutex_lock(&done_lock);
	wake_ctx = NULL;
	pthread_mutex_unlock(&done_lock);
	app->ctx = NULL;
	worker_drain(app);
	app->ctx = ctx;
	free(handles);
	handles = NULL;
	nhandles = 0;
	free_head = UINT32_MAX;
}

bool worker_submit(enum pool pi, struct job *j)
{
	return worker_submit_lane(pi, j, false);
}

bool worker_submit_lane(enum pool pi, struct job *j, bool heavy)
{
	struct pool_state *p = &pools[pi];
	bool ok = false;
	j->next = NULL;
	struct job **head = heavy ? &p->heavy : &p->head;
	struct job **tail = heavy ? &p->heavy_tail : &p->tail;
	pthread_mutex_lock(&p->lock);
	if (p->nthreads > 0 && !p->stopping && p->queued < p->max) {
		if (*tail)
			(*tail)->next = j;
		else
			*head = j;
		*tail = j;
		p->queued++;
		ok = true;
		pthread_cond_signal(&p->ready);
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

void worker_complete(struct job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&done_lock);
	bool was_empty = !done_head;
	if (done_tail)
		done_tail->next = j;
	else
		done_head = j;
	done_tail = j;
	struct lws_context *ctx = wake_ctx;
	pthread_mutex_unlock(&done_lock);
	/* one wake-up per batch: the loop drains everything at once */
	if (was_empty && ctx)
		lws_cancel_service(ctx);
}

void worker_drain(struct app *app)
{
	pthread_mutex_lock(&done_lock);
	struct job *j = done_head;
	done_head = done_tail = NULL;
	pthread_mutex_unlock(&done_lock);
	while (j) {
		struct job *next = j->next;
		j->done(app, j);
		j = next;
	}
}

/* ---- the loop's connection table ---------------------------------------- */

bool conn_register(void *conn, struct conn_ref *out)
{
	if (free_head == UINT32_MAX) {
		uint32_t cap = nhandles ? nhandles * 2 : 256;
		struct handle *h = realloc(handles, cap * sizeof(*h));
		if (!h)
			return false;
		handles = h;
		for (uint32_t i = cap; i-- > nhandles;) {
			handles[i].conn = NULL;
			handles[i].gen = 0;
			handles[i].next_free = free_head;
			free_head = i;
		}
		nhandles = cap;
	}
	uint32_t i = free_head;
	free_head = handles[i].next_free;
	handles[i].conn = conn;
	handles[i].gen = next_gen++;
	out->slot = i;
	out->gen = handles[i].gen;
	return true;
}

/* generation 0 marks a free slot: a zeroed conn_ref never matches */
void *conn_lookup(struct conn_ref r)
{
	if (r.gen == 0 || r.slot >= nhandles || handles[r.slot].gen != r.gen)
		return NULL;
	return handles[r.slot].conn;
}

void conn_unregister(struct conn_ref r)
{
	if (r.gen == 0 || r.slot >= nhandles || handles[r.slot].gen != r.gen)
		return;
	handles[r.slot].conn = NULL;
	handles[r.slot].gen = 0;
	handles[r.slot].next_free = free_head;
	free_head = r.slot;
}
