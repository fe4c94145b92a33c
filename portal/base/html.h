/* html: the escaping HTML writer.
 *
 * Escaping is the default. html_fmt() takes a format that is trusted markup
 * written in our source code, and escapes every %s argument; html_text()
 * escapes a whole string; html_textf() formats first (for translated
 * sentences with placeholders) and then escapes the result. The only way to
 * emit unescaped bytes is html_raw(), whose name says what it does: it is
 * used for markup built by this module or for compile-time constants. */
#ifndef WW_HTML_H
#define WW_HTML_H

#include <stdbool.h>

#include "base/sb.h"

bool html_text(struct sb *out, const char *s);
bool html_textn(struct sb *out, const char *s, size_t n);

/* Conversions: %s and %c (escaped), d i u x with l, ll or z, with flags,
 * width and precision (%.5s, %04u); %%. A '*' or any other conversion
 * marks the builder failed. */
bool html_fmt(struct sb *out, const char *markup_fmt, ...) __attribute__((format(printf, 2, 3)));

/* printf-style formatting, then escaping of the complete result. */
bool html_textf(struct sb *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Trusted markup only: never pass request or content data. */
bool html_raw(struct sb *out, const char *trusted_markup);

/* Writes ` name="value"` with the value escaped. */
bool html_attr(struct sb *out, const char *name, const char *value);

/* JSON string literal (with quotes), safe inside HTML and <script>. */
bool json_string(struct sb *out, const char *s);

#endif
