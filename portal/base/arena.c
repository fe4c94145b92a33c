#include "base/arena.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

struct arena_sb {
	struct arena_sb *next;
	struct sb sb;
};

void arena_init(struct arena *a)
{
	a->chunks = NULL;
	a->builders = NULL;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	for (struct arena_sb *b = a->builders, *next; b; b = next) {
		next = b->next;
		sb_free(&b->sb);
	}
	for (struct arena_chunk *c = a->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	arena_init(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	if (n == 0)
		n = 1;
	if (n > ARENA_LIMIT || a->used > ARENA_LIMIT - n)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	struct arena_chunk *c = a->chunks;
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_BYTES ? n : CHUNK_BYTES;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	a->used += n;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	int m = vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return m == n ? p : NULL;
}

struct sb *arena_sb(struct arena *a, size_t limit)
{
	struct arena_sb *b = arena_alloc(a, sizeof(*b));
	if (!b)
		return NULL;
	sb_init(&b->sb, limit);
	b->next = a->builders;
	a->builders = b;
	return &b->sb;
}
