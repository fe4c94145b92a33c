#include "domain/insight.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "store/store.h"

/* The counts since the last flush: an open-addressing hash table of
 * CELLS cells, behind counts_lock (any thread may count; the flush takes
 * the whole table out at once). A cell that does not fit is dropped and
 * said once in the log: counts are an estimate, never a reason to wait. */
#define CELLS 1024

struct cell {
	char week[9];
	const char *metric; /* one of the INSIGHT_ literals; NULL: free */
	char key[INSIGHT_KEY_MAX + 1];
	char sub[INSIGHT_SUB_MAX + 1];
	long n;
};

static pthread_mutex_t counts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cell cells[CELLS];
static size_t ncells;
static bool full_said;

bool insight_week(time_t t, char out[9])
{
	struct tm tm;
	return localtime_r(&t, &tm) && strftime(out, 9, "%G-W%V", &tm) == 8;
}

static unsigned long hash_cell(const char *week, const char *metric, const char *key,
                               const char *sub)
{
	unsigned long h = 1469598103934665603UL;
	const char *parts[] = {week, metric, key, sub};
	for (size_t i = 0; i < 4; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
			h = (h ^ *p) * 1099511628211UL;
		h = (h ^ 0xff) * 1099511628211UL;
	}
	return h;
}

/* With counts_lock held. */
static bool add_locked(const char *week, const char *metric, const char *key, const char *sub,
                       long n)
{
	size_t i = hash_cell(week, metric, key, sub) % CELLS;
	for (size_t probe = 0; probe < CELLS; probe++, i = (i + 1) % CELLS) {
		struct cell *c = &cells[i];
		if (!c->metric) {
			if (ncells >= CELLS * 3 / 4)
				return false;
			memcpy(c->week, week, 9);
			c->metric = metric;
			snprintf(c->key, sizeof(c->key), "%s", key);
			snprintf(c->sub, sizeof(c->sub), "%s", sub);
			c->n = n;
			ncells++;
			return true;
		}
		if (c->metric == metric && strcmp(c->week, week) == 0 && strcmp(c->key, key) == 0 &&
		    strcmp(c->sub, sub) == 0) {
			c->n += n;
			return true;
		}
	}
	return false;
}

void insight_count(const char *metric, const char *key, const char *sub)
{
	char week[9];
	if (!metric || !key || !*key || strlen(key) > INSIGHT_KEY_MAX ||
	    (sub && strlen(sub) > INSIGHT_SUB_MAX) || !insight_week(clock_now(), week))
		return;
	pthread_mutex_lock(&counts_lock);
	bool ok = add_locked(week, metric, key, sub ? sub : "", 1);
	bool say = !ok && !full_said;
	if (say)
		full_said = true;
	pthread_mutex_unlock(&counts_lock);
	if (say)
		fprintf(stderr, "wijkwijzer: insight: the table of counts is full until the next "
		                "flush; counts are dropped\n");
}

void insight_count_tag(const struct insight_tag *t)
{
	if (t && t->metric)
		insight_count(t->metric, t->key, t->sub);
}

bool insight_add_tx(struct app *app, const char *week, const char *metric, const char *key,
                    const char *sub, int delta)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "INSERT INTO insight_count(week, metric, key, sub, n) VALUES (?1, ?2, ?3, ?4, "
	    "max(?5, 0)) ON CONFLICT(week, metric, key, sub, example) DO UPDATE SET "
	    "n = max(n + ?5, 0)");
	if (!st)
		return false;
	bool ok = sqlite3_bind_text(st, 1, week, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 4, sub ? sub : "", -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_int(st, 5, delta) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	return ok;
}

struct flush_args {
	struct cell *c;
	size_t n;
};

static int flush_write(struct app *app, void *arg)
{
	struct flush_args *a = arg;
	if (!store_begin_immediate(db_bookings(app)))
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!insight_add_tx(app, a->c[i].week, a->c[i].metric, a->c[i].key, a->c[i].sub,
		                    (int)a->c[i].n)) {
			store_rollback(db_bookings(app));
			return 0;
		}
	return store_commit(db_bookings(app)) ? 1 : 0;
}

int insight_flush(struct app *app)
{
	struct flush_args a = {NULL, 0};
	pthread_mutex_lock(&counts_lock);
	if (ncells) {
		a.c = malloc(ncells * sizeof(*a.c));
		for (size_t i = 0; a.c && i < CELLS; i++)
			if (cells[i].metric)
				a.c[a.n++] = cells[i];
		if (a.c) {
			memset(cells, 0, sizeof(cells));
			ncells = 0;
			full_said = false;
		}
	}
	pthread_mutex_unlock(&counts_lock);
	if (!a.n) {
		free(a.c);
		return 0;
	}
	int r = writer_do(app, flush_write, &a);
	if (r != 1) {
		/* back into the table, for the next try */
		pthread_mutex_lock(&counts_lock);
		for (size_t i = 0; i < a.n; i++)
			(void)add_locked(a.c[i].week, a.c[i].metric, a.c[i].key, a.c[i].sub,
			                 a.c[i].n);
		pthread_mutex_unlock(&counts_lock);
		free(a.c);
		return -1;
	}
	free(a.c);
	return (int)a.n;
}

static int retention_write(struct app *app, void *arg)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "DELETE FROM insight_count WHERE week < ?1");
	if (!st)
		return -1;
	bool ok = sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	return ok ? sqlite3_changes(store_db(db_bookings(app))) : -1;
}

/* The first week of a period of weeks weeks that ends with now's. */
static bool first_week(time_t now, int weeks, char out[9])
{
	return insight_week(now - (time_t)(weeks - 1) * 7 * 86400, out);
}

int insight_retention(struct app *app, time_t now)
{
	char oldest[9];
	if (!first_week(now, INSIGHT_WEEKS_KEPT, oldest))
		return -1;
	int r = writer_do(app, retention_write, oldest);
	return r == WRITER_FAILED ? -1 : r;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool insight_normalize_query(const char *q, char *out, size_t n)
{
	if (!q || n < INSIGHT_QUERY_MAX + 1)
		return false;
	size_t len = 0, runs = 0, run = 0;
	bool space = false;
	for (const unsigned char *p = (const unsigned char *)q;; p++) {
		unsigned char c = *p;
		if (c == '@')
			return false;
		if (c >= '0' && c <= '9') {
			run++;
		} else if (run) {
			/* digits only as one group of four (a PC4, a year): no
			   house number, phone number or whole postcode */
			if (run != 4 || ++runs > 1)
				return false;
			/* four digits and two letters: a whole postcode */
			const unsigned char *l = p;
			while (*l == ' ')
				l++;
			if (((l[0] | 0x20) >= 'a' && (l[0] | 0x20) <= 'z') &&
			    ((l[1] | 0x20) >= 'a' && (l[1] | 0x20) <= 'z') &&
			    !(((l[2] | 0x20) >= 'a' && (l[2] | 0x20) <= 'z')))
				return false;
			run = 0;
		}
		if (!c)
			break;
		if (is_space(c)) {
			space = len > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (len >= INSIGHT_QUERY_MAX)
			continue; /* cut, but the rest is still checked */
		if (space) {
			if (len + 1 >= INSIGHT_QUERY_MAX)
				continue;
			out[len++] = ' ';
			space = false;
		}
		out[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	/* not in the middle of a UTF-8 character */
	while (len > 0 && ((unsigned char)out[len - 1] & 0xC0) == 0x80) {
		size_t start = len - 1;
		while (start > 0 && ((unsigned char)out[start] & 0xC0) == 0x80)
			start--;
		unsigned char lead = (unsigned char)out[start];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (len - start >= need)
			break;
		len = start;
	}
	if (len > 0 && ((unsigned char)out[len - 1] & 0xC0) == 0xC0)
		len--; /* a lead byte without its continuation */
	while (len > 0 && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
	return len > 0;
}

void insight_tag_search(struct insight_tag *t, const char *q)
{
	char norm[INSIGHT_QUERY_MAX + 1];
	if (!insight_normalize_query(q, norm, sizeof(norm)))
		return;
	t->metric = INSIGHT_SEARCH_NONE;
	snprintf(t->key, sizeof(t->key), "%s", norm);
	t->sub[0] = '\0';
}

bool insight_exact(long n)
{
	return n <= 0 || n >= INSIGHT_MIN;
}

const char *insight_cell(long n, char *out, size_t len)
{
	if (n <= 0)
		snprintf(out, len, "0");
	else if (n < INSIGHT_MIN)
		snprintf(out, len, "< %d", INSIGHT_MIN);
	else
		snprintf(out, len, "%ld", n);
	return out;
}

bool insight_rows(struct app *app, const char *metric, int weeks, time_t now, bool example,
                  struct insight_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char from[9];
	if (weeks < 1 || !first_week(now, weeks, from))
		return false;
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "SELECT key, sub, sum(n) AS total FROM insight_count "
	                                 "WHERE metric = ?1 AND week >= ?2 AND example = ?3 "
	                                 "GROUP BY key, sub HAVING total > 0 "
	                                 "ORDER BY total DESC, key, sub LIMIT 10000");
	if (!st)
		return false;
	bool ok = sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_int(st, 3, example ? 1 : 0) == SQLITE_OK;
	size_t cap = 0;
	int rc;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct insight_row *m = realloc(*out, ncap * sizeof(*m));
			if (!m) {
				ok = false;
				break;
			}
			*out = m;
			cap = ncap;
		}
		struct insight_row *r = &(*out)[(*n)++];
		snprintf(r->key, sizeof(r->key), "%s", store_text(st, 0));
		snprintf(r->sub, sizeof(r->sub), "%s", store_text(st, 1));
		r->n = (long)sqlite3_column_int64(st, 2);
	}
	if (ok && rc != SQLITE_DONE)
		ok = false;
	sqlite3_reset(st);
	if (!ok) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

int insight_has_real(struct app *app)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "SELECT 1 FROM insight_count WHERE example = 0 LIMIT 1");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* ---- example data ---------------------------------------------------------- */

struct example_args {
	time_t now;
	int cells;
};

static bool example_cell(struct app *app, const char *week, const char *metric, const char *key,
                         const char *sub, long n)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "INSERT INTO insight_count(week, metric, key, sub, n, example) VALUES (?1, ?2, ?3, "
	    "?4, ?5, 1) ON CONFLICT(week, metric, key, sub, example) DO UPDATE SET n = ?5");
	if (!st)
		return false;
	bool ok = sqlite3_bind_text(st, 1, week, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 4, sub, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_int64(st, 5, n) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	return ok;
}

static int example_write(struct app *app, void *arg)
{
	struct example_args *a = arg;
	static const char *const needs[] = {
	    "huishouden-hulp", "vervoer-hulp",      "contact-ontmoeten", "geldzaken-hulp",
	    "wonen-aanpassen", "mz-respijt",        "eenzaam-thuis",     "hulpmiddelen",
	    "regiotaxi",       "lezen-en-schrijven"};
	static const char *const pc4[] = {"7511", "7512", "7513", "7514", "7521", "7522",
	                                  "7523", "7524", "7531", "7532", "7533", "7541",
	                                  "7542", "7543", "7544", "7545", "7546", "7547"};
	static const char *const queries[] = {
	    "boodschappendienst", "maaltijd bezorgen", "kapper aan huis",     "taalcafe arabisch",
	    "rolstoel lenen",     "klusjesman",        "hondenuitlaatdienst", "computerles"};
	static const char *const topics[] = {"hulp-thuis", "mantelzorg", "geldzaken", "wonen",
	                                     "iets-anders"};
	const size_t nneeds = sizeof(needs) / sizeof(needs[0]);
	const size_t npc4 = sizeof(pc4) / sizeof(pc4[0]);
	if (!store_begin_immediate(db_bookings(app)))
		return -1;
	/* a fixed pseudo-random sequence: the same example every time */
	unsigned long r = 20261207;
#define NEXT(m) ((r = r * 6364136223846793005UL + 1442695040888963407UL), (long)((r >> 33) % (m)))
	bool ok = true;
	for (int w = 0; ok && w < 52; w++) {
		char week[9];
		if (!insight_week(a->now - (time_t)w * 7 * 86400, week)) {
			ok = false;
			break;
		}
		for (size_t i = 0; ok && i < nneeds; i++)
			for (size_t p = 0; ok && p < npc4; p++) {
				if (NEXT(3) == 0)
					continue;
				long n = NEXT(6) + (long)(nneeds - i) / 3;
				ok = example_cell(app, week, INSIGHT_NEED, needs[i], pc4[p], n);
				a->cells += ok;
				/* the south and east have fewer offers nearby */
				if (ok && p >= 12 && i % 3 == 0) {
					ok = example_cell(app, week, INSIGHT_GAP, needs[i], pc4[p],
					                  n / 2 + 1);
					a->cells += ok;
				}
			}
		for (size_t q = 0; ok && q < sizeof(queries) / sizeof(queries[0]); q++) {
			ok = example_cell(app, week, INSIGHT_SEARCH_NONE, queries[q], "",
			                  NEXT(4) + (long)(8 - q) / 3);
			a->cells += ok;
		}
		for (size_t t = 0; ok && t < sizeof(topics) / sizeof(topics[0]); t++) {
			ok =
			    example_cell(app, week, INSIGHT_BOOKING, topics[t], "web",
			                 NEXT(8) + 6 - (long)t) &&
			    example_cell(app, week, INSIGHT_BOOKING, topics[t], "kiosk", NEXT(4)) &&
			    example_cell(app, week, INSIGHT_NO_SHOW, topics[t], "", NEXT(2));
			a->cells += ok ? 3 : 0;
		}
		ok = ok &&
		     example_cell(app, week, INSIGHT_BOOKING_NEED, "interpreter", "web", NEXT(4)) &&
		     example_cell(app, week, INSIGHT_BOOKING_NEED, "interpreter", "kiosk",
		                  NEXT(2)) &&
		     example_cell(app, week, INSIGHT_BOOKING_NEED, "client_support", "web",
		                  NEXT(3)) &&
		     example_cell(app, week, INSIGHT_BOOKING_NEED, "client_support", "kiosk",
		                  NEXT(2));
		a->cells += ok ? 4 : 0;
	}
#undef NEXT
	if (!ok || !store_commit(db_bookings(app))) {
		store_rollback(db_bookings(app));
		return -1;
	}
	return a->cells;
}

int insight_example(struct app *app, time_t now)
{
	struct example_args a = {now, 0};
	int r = writer_do(app, example_write, &a);
	return r == WRITER_FAILED ? -1 : r;
}
