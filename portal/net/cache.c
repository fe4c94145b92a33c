#include "net/cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/compress.h"
#include "domain/terminals.h"

#define NBUCKETS 4096

static struct cache_entry *buckets[NBUCKETS];
static struct cache_entry *oldest, *newest;
/* loop thread only */
static size_t nentries, nbytes;

static unsigned long hash_bytes(const char *s, size_t n)
{
	unsigned long h = 1469598103934665603UL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211UL;
	return h;
}

static int cmp_param(const void *a, const void *b)
{
	const struct param *x = *(const struct param *const *)a,
	                   *y = *(const struct param *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->value, y->value);
}

bool cache_key(const struct request *rq, struct sb *key)
{
	struct kiosk_terminal kt;
	bool kiosk = request_kiosk(rq, &kt);
	struct sb c;
	sb_init(&c, 64);
	bool lang_cookie =
	    rq->lang && request_cookie(rq, "lang", &c) && strcmp(sb_str(&c), rq->lang->code) == 0;
	sb_free(&c);
	sb_puts(key, rq->lang ? rq->lang->code : "-");
	sb_putc(key, '|');
	sb_puts(key, kiosk ? kt.id : "-");
	sb_puts(key, lang_cookie ? "|c|" : "|n|");
	sb_puts(key, rq->path ? rq->path : "");
	sb_putc(key, '?');
	/* the same question asked with its parameters in another order, or
	   with empty fields, is the same question */
	const struct param *sorted[HTTP_MAX_PARAMS + 1];
	size_t n = 0;
	for (size_t i = 0; i < rq->query.n && n < HTTP_MAX_PARAMS + 1; i++)
		if (rq->query.v[i].value[0])
			sorted[n++] = &rq->query.v[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_param);
	for (size_t i = 0; i < n; i++)
		sb_appendf(key, "%zu:%s=%zu:%s&", strlen(sorted[i]->name), sorted[i]->name,
		           strlen(sorted[i]->value), sorted[i]->value);
	return !sb_failed(key);
}

static void entry_free(struct cache_entry *e)
{
	free(e->key);
	response_free(&e->rs);
	sb_free(&e->gz);
	sb_free(&e->br);
	free(e);
}

struct cache_entry *cache_entry_new(const struct sb *key, struct response *rs, time_t now,
                                    unsigned long content_gen)
{
	if (rs->status != 200 || rs->static_body || sb_failed(&rs->body) || key->len == 0)
		return NULL;
	struct cache_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = malloc(key->len + 1);
	if (!e->key) {
		free(e);
		return NULL;
	}
	memcpy(e->key, key->data, key->len + 1);
	e->key_len = key->len;
	e->hash = hash_bytes(e->key, e->key_len);
	e->refs = 1;
	/* valid to the end of this minute: hours change at whole minutes */
	e->expires = now - now % 60 + 60;
	e->content_gen = content_gen;
	/* the response moves into the entry */
	e->rs = *rs;
	response_init(rs);
	rs->status = e->rs.status;
	rs->content_type = e->rs.content_type;
	rs->cache_control = e->rs.cache_control;
	unsigned long h = hash_bytes(e->rs.body.data ? e->rs.body.data : "", e->rs.body.len);
	snprintf(e->etag, sizeof(e->etag), "\"%016lx\"", h);
	snprintf(e->etag_gz, sizeof(e->etag_gz), "\"%016lx-gzip\"", h);
	snprintf(e->etag_br, sizeof(e->etag_br), "\"%016lx-br\"", h);
	sb_init(&e->gz, 0);
	sb_init(&e->br, 0);
	return e;
}

static void unlink_entry(struct cache_entry *e)
{
	struct cache_entry **p = &buckets[e->hash % NBUCKETS];
	while (*p && *p != e)
		p = &(*p)->next_bucket;
	if (*p)
		*p = e->next_bucket;
	if (e->older)
		e->older->newer = e->newer;
	else
		oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		newest = e->older;
	e->older = e->newer = e->next_bucket = NULL;
	nentries--;
	nbytes -= e->bytes;
	cache_release(e);
}

struct cache_entry *cache_get(const char *key, size_t key_len, time_t now,
                              unsigned long content_gen)
{
	unsigned long h = hash_bytes(key, key_len);
	for (struct cache_entry *e = buckets[h % NBUCKETS]; e; e = e->next_bucket) {
		if (e->hash != h || e->key_len != key_len || memcmp(e->key, key, key_len) != 0)
			continue;
		if (now >= e->expires || e->content_gen != content_gen) {
			unlink_entry(e);
			break;
		}
		e->refs++;
		return e;
	}
	return NULL;
}

void cache_put(struct cache_entry *e)
{
	unsigned long h = e->hash;
	for (struct cache_entry *o = buckets[h % NBUCKETS]; o; o = o->next_bucket)
		if (o->hash == h && o->key_len == e->key_len &&
		    memcmp(o->key, e->key, e->key_len) == 0) {
			unlink_entry(o);
			break;
		}
	e->bytes = e->key_len + e->rs.body.len + e->gz.len + e->br.len + sizeof(*e);
	while (oldest && (nbytes + e->bytes > CACHE_MAX_BYTES || nentries >= CACHE_MAX_ENTRIES))
		unlink_entry(oldest);
	if (e->bytes > CACHE_MAX_BYTES / 8) {
		cache_release(e);
		return;
	}
	e->next_bucket = buckets[h % NBUCKETS];
	buckets[h % NBUCKETS] = e;
	e->older = newest;
	e->newer = NULL;
	if (newest)
		newest->newer = e;
	else
		oldest = e;
	newest = e;
	nentries++;
	nbytes += e->bytes;
}

void cache_release(struct cache_entry *e)
{
	if (e && --e->refs == 0)
		entry_free(e);
}

void cache_clear(void)
{
	while (oldest)
		unlink_entry(oldest);
}

void cache_entry_compress(struct cache_entry *e)
{
	const struct sb *b = &e->rs.body;
	if (b->len < 256)
		return; /* too small to gain anything */
	if (!compress_brotli(b->data, b->len, COMPRESS_PAGE_BROTLI_QUALITY, &e->br) ||
	    e->br.len >= b->len) {
		sb_free(&e->br);
		sb_init(&e->br, 0);
	}
	if (!compress_gzip(b->data, b->len, COMPRESS_PAGE_GZIP_LEVEL, &e->gz) ||
	    e->gz.len >= b->len) {
		sb_free(&e->gz);
		sb_init(&e->gz, 0);
	}
}
