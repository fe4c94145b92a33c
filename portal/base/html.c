#include "base/html.h"

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

/* Formats one conversion (flags, width, precision and length included)
 * with snprintf; text conversions (%s, %c) are escaped afterwards. The
 * caller's whole format is type-checked by the format attribute in
 * html.h; here each single conversion is re-parsed and passed on with an
 * argument of the type it names, which the compiler cannot see. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
bool html_fmt(struct sb *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *p = fmt;
	struct sb piece;
	sb_init(&piece, 64 * 1024);
	while (*p && !sb_failed(out)) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			sb_puts(out, p);
			break;
		}
		sb_append(out, p, (size_t)(pct - p));
		if (pct[1] == '%') {
			sb_putc(out, '%');
			p = pct + 2;
			continue;
		}
		/* %[flags][width][.precision][length]conversion, no '*' */
		size_t n = 1 + strspn(pct + 1, "-+ #0");
		n += strspn(pct + n, "0123456789");
		if (pct[n] == '.')
			n += 1 + strspn(pct + n + 1, "0123456789");
		int longs = 0;
		bool size = false;
		while (pct[n] == 'l' && longs < 2) {
			longs++;
			n++;
		}
		if (!longs && pct[n] == 'z') {
			size = true;
			n++;
		}
		char conv = pct[n];
		char spec[32];
		if (n + 1 >= sizeof(spec) || !strchr("sdiuxc", conv) || !conv) {
			out->failed = true;
			break;
		}
		memcpy(spec, pct, n + 1);
		spec[n + 1] = '\0';
		sb_reset(&piece);
		bool text = conv == 's' || conv == 'c';
		if (conv == 's') {
			const char *v = va_arg(ap, const char *);
			sb_appendf(&piece, spec, v ? v : "");
		} else if (conv == 'c') {
			sb_appendf(&piece, spec, va_arg(ap, int));
		} else if (size) {
			sb_appendf(&piece, spec, va_arg(ap, size_t));
		} else if (longs == 2) {
			if (conv == 'd' || conv == 'i')
				sb_appendf(&piece, spec, va_arg(ap, long long));
			else
				sb_appendf(&piece, spec, va_arg(ap, unsigned long long));
		} else if (longs == 1) {
			if (conv == 'd' || conv == 'i')
				sb_appendf(&piece, spec, va_arg(ap, long));
			else
				sb_appendf(&piece, spec, va_arg(ap, unsigned long));
		} else if (conv == 'd' || conv == 'i') {
			sb_appendf(&piece, spec, va_arg(ap, int));
		} else {
			sb_appendf(&piece, spec, va_arg(ap, unsigned));
		}
		if (sb_failed(&piece))
			out->failed = true;
		else if (text)
			html_textn(out, sb_str(&piece), piece.len);
		else
			sb_append(out, sb_str(&piece), piece.len);
		p = pct + n + 1;
	}
	sb_free(&piece);
	va_end(ap);
	return !sb_failed(out);
}
#pragma GCC diagnostic pop

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
