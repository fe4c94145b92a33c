#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool html_textn(struct sb *out, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\0':
			rep = "";
			break;
		default:
			continue;
		}
		if (!sb_append(out, s + start, i - start) || !sb_puts(out, rep))
			return false;
		start = i + 1;
	}
	return sb_append(out, s + start, n - start);
}

bool html_text(struct sb *out, const char *s)
{
	return html_textn(out, s ? s : "", s ? strlen(s) : 0);
}

bool html_raw(struct sb *out, const char *trusted_markup)
{
	return sb_puts(out, trusted_markup);
}

bool html_attr(struct sb *out, const char *name, const char *value)
{
	return sb_putc(out, ' ') && sb_puts(out, name) && sb_puts(out, "=\"") &&
	       html_text(out, value) && sb_putc(out, '"');
}

bool html_fmt(struct sb *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			sb_puts(out, p);
			break;
		}
		sb_append(out, p, (size_t)(pct - p));
		const char *c = pct + 1;
		if (*c == '%') {
			sb_putc(out, '%');
		} else if (*c == 's') {
			html_text(out, va_arg(ap, const char *));
		} else if (*c == 'd') {
			sb_appendf(out, "%d", va_arg(ap, int));
		} else if (*c == 'u') {
			sb_appendf(out, "%u", va_arg(ap, unsigned));
		} else if (c[0] == 'l' && c[1] == 'd') {
			sb_appendf(out, "%ld", va_arg(ap, long));
			c++;
		} else if (c[0] == 'l' && c[1] == 'u') {
			sb_appendf(out, "%lu", va_arg(ap, unsigned long));
			c++;
		} else if (c[0] == 'z' && c[1] == 'u') {
			sb_appendf(out, "%zu", va_arg(ap, size_t));
			c++;
		} else {
			out->failed = true;
			break;
		}
		p = c + 1;
	}
	va_end(ap);
	return !sb_failed(out);
}

bool html_textf(struct sb *out, const char *fmt, ...)
{
	struct sb tmp;
	sb_init(&tmp, 64 * 1024);
	va_list ap;
	va_start(ap, fmt);
	bool ok = sb_vappendf(&tmp, fmt, ap);
	va_end(ap);
	ok = ok && html_textn(out, sb_str(&tmp), tmp.len);
	if (!ok)
		out->failed = true;
	sb_free(&tmp);
	return ok;
}

bool json_string(struct sb *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (!sb_putc(out, '"'))
		return false;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		unsigned char c = *p;
		switch (c) {
		case '"':
			sb_puts(out, "\\\"");
			break;
		case '\\':
			sb_puts(out, "\\\\");
			break;
		case '\n':
			sb_puts(out, "\\n");
			break;
		case '\r':
			sb_puts(out, "\\r");
			break;
		case '\t':
			sb_puts(out, "\\t");
			break;
		case '<':
		case '>':
		case '&':
		case '\'':
			/* keeps a JSON string inert if it ever lands in HTML */
			sb_appendf(out, "\\u%04x", c);
			break;
		default:
			if (c < 0x20) {
				char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				sb_append(out, e, 6);
			} else {
				sb_putc(out, (char)c);
			}
		}
	}
	return sb_putc(out, '"');
}
