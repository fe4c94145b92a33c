/* tpl: the runtime of the compiled templates.
 *
 * tools/tpl.c compiles the templates in portal/web/templates/ into C functions
 * (build/web/tpl_NAME.c, declared in build/web/templates.h) that call these
 * functions for every value they write; which one depends on where the
 * value stands in the HTML, and the compiler decides that (README.md,
 * "Templates"). Like sb, every function returns false once the builder
 * has failed (too large, no memory) and writes nothing more.
 *
 * Raw markup has a type of its own, struct tpl_html, so that a plain
 * char * given to a raw output tag is a compile error. Make one only with
 * tpl_trusted_html(), only for markup our own code produced (the QR code
 * SVG of qr.c, say), never for request or content data. */
#ifndef WW_TPL_H
#define WW_TPL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

/* What a URL attribute gets instead of a URL with a refused scheme: a
 * harmless URL that loads nothing. */
#define TPL_URL_REFUSED "about:invalid"

/* Markup to be written as it is: made only by tpl_trusted_html(). */
struct tpl_html {
	const char *html;
};

/* Wraps markup that our own code produced (never request or content
 * data) for a raw output tag, {{ x | html }}. NULL writes nothing. */
struct tpl_html tpl_trusted_html(const char *markup_made_by_our_code);

/* Text: & < > " ' become character references, NUL bytes are dropped.
 * NULL writes nothing. The same bytes as html_text(). */
bool tpl_text(struct sb *out, const char *s);
bool tpl_textn(struct sb *out, const char *s, size_t n);

/* A value inside a quoted attribute: the same escaping as text. */
bool tpl_attr(struct sb *out, const char *s);

/* A value at the start of a URL attribute (href, src, ...): written as
 * tpl_attr() does when tpl_url_allowed(), else TPL_URL_REFUSED. */
bool tpl_url(struct sb *out, const char *url);

/* A relative URL (no scheme before the first '/', '?' or '#'), or one
 * with the scheme http, https, mailto or tel (any case). Leading spaces
 * and control characters, and tabs and line breaks anywhere, are ignored
 * as a browser ignores them; anything else before a ':' that is not one
 * of those four schemes is refused. NULL is the empty (relative) URL. */
bool tpl_url_allowed(const char *url);

/* Percent-encodes every byte but A-Z a-z 0-9 - . _ ~ (a query value or
 * a path segment); the result needs no further escaping. */
bool tpl_urlencode(struct sb *out, const char *s);

/* A decimal integer. */
bool tpl_long(struct sb *out, long v);

/* printf-style formatting (a translated sentence with numbers), then
 * the text escaping of the whole result. */
bool tpl_textf(struct sb *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Trusted markup, as it is. */
bool tpl_raw(struct sb *out, struct tpl_html h);

#endif
