#include "base/rate.h"
#include "base/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct rate {
	char key[96];
	time_t start; /* 0: free */
	time_t last;  /* the last use counted */
	int count;
};

/* one lock for the table: the loop and the worker threads both count */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rate rates[2048];

static int count_locked(const char *key, int window_s, bool add, time_t now, time_t *last);

int rate_count(const char *kind, const char *who, int window_s, bool add, time_t now)
{
	return rate_count_last(kind, who, window_s, add, now, NULL);
}

int rate_count_last(const char *kind, const char *who, int window_s, bool add, time_t now,
                    time_t *last)
{
	char key[96];
	snprintf(key, sizeof(key), "%s:%s", kind, who ? who : "");
	pthread_mutex_lock(&lock);
	int n = count_locked(key, window_s, add, now, last);
	pthread_mutex_unlock(&lock);
	return n;
}

static int count_locked(const char *key, int window_s, bool add, time_t now, time_t *last)
{
	struct rate *slot = NULL;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct rate *r = &rates[i];
		if (r->start && strcmp(r->key, key) == 0) {
			if (now - r->start >= window_s) {
				r->start = now;
				r->count = 0;
			}
			if (add) {
				r->count++;
				r->last = now;
			}
			if (last)
				*last = r->last;
			return r->count;
		}
		if (!slot || (!r->start && slot->start) ||
		    (r->start && slot->start && r->start < slot->start))
			slot = r;
	}
	snprintf(slot->key, sizeof(slot->key), "%s", key);
	slot->start = now;
	slot->count = add ? 1 : 0;
	slot->last = add ? now : 0;
	if (last)
		*last = slot->last;
	return slot->count;
}

bool rate_allowed_in(const char *kind, const char *who, int limit, int window_s)
{
	return limit <= 0 || rate_count(kind, who, window_s, true, clock_now()) <= limit;
}

bool rate_allowed(const char *kind, const char *who, int per_hour)
{
	return rate_allowed_in(kind, who, per_hour, 3600);
}
