/* arena: memory that lives as long as one request.
 *
 * Ownership, once for the whole portal: memory from an arena (arena_alloc,
 * arena_strdup, arena_printf, and the builders of arena_sb) belongs to
 * the arena and is released, all at once, by arena_free; never free() it.
 * Every request has one (rq->arena, released with the request), so a
 * handler that fills a view takes its strings from there instead of
 * pairing sb_init with sb_free. Memory from malloc or sb_steal belongs to
 * whoever holds the pointer, and the function that returns it says which
 * function frees it.
 *
 * Allocation fails (NULL) past ARENA_LIMIT bytes or when memory runs out;
 * an arena is used by one thread at a time. */
#ifndef WW_ARENA_H
#define WW_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "base/sb.h"

#define ARENA_LIMIT (16u * 1024u * 1024u)

struct arena_chunk;
struct arena_sb;

struct arena {
	struct arena_chunk *chunks; /* newest first */
	struct arena_sb *builders;  /* freed with the arena */
	size_t used;                /* bytes handed out, against ARENA_LIMIT */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
/* n bytes, aligned for any type; NULL on failure. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A builder (limit as sb_init) that arena_free frees; NULL on failure. */
struct sb *arena_sb(struct arena *a, size_t limit);

#endif
