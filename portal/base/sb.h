/* sb: a growable, bounded string builder.
 *
 * Every piece of output in the portal is assembled in an sb instead of a
 * fixed buffer. An sb has a hard size limit; once an append would pass it
 * (or memory runs out) the builder is marked failed, further appends are
 * ignored and sb_failed() tells the caller. The buffer is always
 * NUL-terminated, so sb->data can be passed to C string functions. */
#ifndef WW_SB_H
#define WW_SB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define SB_DEFAULT_LIMIT (8u * 1024u * 1024u)

struct sb {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* 0 means SB_DEFAULT_LIMIT */
	bool failed;
};

void sb_init(struct sb *b, size_t limit);
void sb_free(struct sb *b);
void sb_reset(struct sb *b);
bool sb_failed(const struct sb *b);

/* Appends raw bytes. Returns false (and marks the builder failed) when the
 * limit would be passed or memory is exhausted. */
bool sb_append(struct sb *b, const char *s, size_t n);
bool sb_puts(struct sb *b, const char *s);
bool sb_putc(struct sb *b, char c);
bool sb_appendf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool sb_vappendf(struct sb *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Hands the buffer to the caller (who frees it) and resets the builder. */
char *sb_steal(struct sb *b);

/* A NUL-terminated C string; "" for an empty builder. */
const char *sb_str(const struct sb *b);

#endif
