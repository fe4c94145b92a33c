#include "base/tpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct tpl_html tpl_trusted_html(const char *markup_made_by_our_code)
{
	struct tpl_html h = {markup_made_by_our_code};
	return h;
}

/* The replacement of every byte that text and attribute values escape
 * (index 1-5), and NUL (6), which is dropped. */
static const unsigned char esc_class[256] = {
    [0] = 6, ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const struct {
	const char *s;
	size_t n;
} esc_rep[] = {{"", 0},       {"&amp;", 5}, {"&lt;", 4}, {"&gt;", 4},
               {"&quot;", 6}, {"&#39;", 5}, {"", 0}};

bool tpl_textn(struct sb *out, const char *s, size_t n)
{
	if (!s)
		return !sb_failed(out);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = esc_class[(unsigned char)s[i]];
		if (!c)
			continue;
		if (!sb_append(out, s + start, i - start) ||
		    !sb_append(out, esc_rep[c].s, esc_rep[c].n))
			return false;
		start = i + 1;
	}
	return sb_append(out, s + start, n - start);
}

bool tpl_text(struct sb *out, const char *s)
{
	if (!s)
		return !sb_failed(out);
	const char *run = s;
	for (const char *p = s;; p++) {
		unsigned char c = esc_class[(unsigned char)*p];
		if (!c)
			continue;
		if (!sb_append(out, run, (size_t)(p - run)))
			return false;
		if (c == 6)
			return true; /* the terminating NUL */
		if (!sb_append(out, esc_rep[c].s, esc_rep[c].n))
			return false;
		run = p + 1;
	}
}

bool tpl_attr(struct sb *out, const char *s)
{
	return tpl_text(out, s);
}

static bool ascii_ieq(const char *a, size_t n, const char *lower)
{
	if (strlen(lower) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lower[i])
			return false;
	}
	return true;
}

bool tpl_url_allowed(const char *url)
{
	if (!url)
		return true;
	const unsigned char *p = (const unsigned char *)url;
	/* a browser strips leading C0 controls and spaces ... */
	while (*p && *p <= 0x20)
		p++;
	/* ... and tabs and line breaks anywhere: "java\tscript:" is javascript: */
	char scheme[8];
	size_t n = 0;
	bool too_long = false; /* longer than any allowed scheme */
	for (; *p; p++) {
		unsigned char c = *p;
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '/' || c == '?' || c == '#')
			return true; /* relative: no scheme before the path, query or fragment */
		if (c == ':')
			return !too_long &&
			       (ascii_ieq(scheme, n, "http") || ascii_ieq(scheme, n, "https") ||
			        ascii_ieq(scheme, n, "mailto") || ascii_ieq(scheme, n, "tel"));
		if (n < sizeof(scheme))
			scheme[n++] = (char)c;
		else
			too_long = true;
	}
	return true; /* no ':' at all: a relative path */
}

bool tpl_url(struct sb *out, const char *url)
{
	if (!tpl_url_allowed(url))
		return sb_append(out, TPL_URL_REFUSED, sizeof(TPL_URL_REFUSED) - 1);
	return tpl_attr(out, url);
}

bool tpl_urlencode(struct sb *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return !sb_failed(out);
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			continue;
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		if (!sb_append(out, run, (size_t)(p - run)) || !sb_append(out, e, 3))
			return false;
		run = p + 1;
	}
	return sb_puts(out, run);
}

bool tpl_long(struct sb *out, long v)
{
	char buf[24];
	char *p = buf + sizeof(buf);
	/* as unsigned, so that LONG_MIN negates without overflow */
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return sb_append(out, p, (size_t)(buf + sizeof(buf) - p));
}

bool tpl_textf(struct sb *out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		out->failed = true;
		return false;
	}
	if ((size_t)n < sizeof(buf))
		return tpl_textn(out, buf, (size_t)n);
	/* longer than the buffer: format again into a builder of its own */
	struct sb tmp;
	sb_init(&tmp, out->limit);
	va_start(ap, fmt);
	bool ok = sb_vappendf(&tmp, fmt, ap);
	va_end(ap);
	ok = ok && tpl_textn(out, sb_str(&tmp), tmp.len);
	if (!ok)
		out->failed = true;
	sb_free(&tmp);
	return ok;
}

bool tpl_raw(struct sb *out, struct tpl_html h)
{
	return h.html ? sb_puts(out, h.html) : !sb_failed(out);
}
