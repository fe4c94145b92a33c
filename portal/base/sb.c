#include "base/sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct sb *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit ? limit : SB_DEFAULT_LIMIT;
	b->failed = false;
}

void sb_free(struct sb *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void sb_reset(struct sb *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

bool sb_failed(const struct sb *b)
{
	return b->failed;
}

/* Makes room for n more bytes plus the terminating NUL. */
static bool sb_reserve(struct sb *b, size_t n)
{
	size_t limit = b->limit ? b->limit : SB_DEFAULT_LIMIT;
	if (b->failed)
		return false;
	if (n > limit || b->len > limit - n) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

bool sb_append(struct sb *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return false;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

bool sb_puts(struct sb *b, const char *s)
{
	return sb_append(b, s, strlen(s));
}

bool sb_putc(struct sb *b, char c)
{
	return sb_append(b, &c, 1);
}

bool sb_vappendf(struct sb *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = true;
		return false;
	}
	if (!sb_reserve(b, (size_t)n))
		return false;
	int m = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	if (m != n) {
		b->failed = true;
		b->data[b->len] = '\0';
		return false;
	}
	b->len += (size_t)n;
	return true;
}

bool sb_appendf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = sb_vappendf(b, fmt, ap);
	va_end(ap);
	return ok;
}

char *sb_steal(struct sb *b)
{
	char *p = b->data;
	if (!p) {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	}
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
	return p;
}

const char *sb_str(const struct sb *b)
{
	return b->data ? b->data : "";
}
