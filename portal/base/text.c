#include "base/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool text_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned int cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1Fu;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0Fu;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07u;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3Fu);
		}
		/* overlong forms, surrogates and values past U+10FFFF */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

size_t text_utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

char text_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool text_ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (text_ascii_lower(*a) != text_ascii_lower(*b))
			return false;
	return *a == *b;
}

bool text_ascii_nieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (text_ascii_lower(a[i]) != text_ascii_lower(b[i]))
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

bool text_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool text_parse_long(const char *s, long min, long max, long *out)
{
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (p == s && *p == '-')))
			return false;
	errno = 0;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (errno || !end || *end || end == s)
		return false;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool text_url_encode(struct sb *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		             (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
		if (plain) {
			if (!sb_putc(out, (char)c))
				return false;
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			if (!sb_append(out, e, 3))
				return false;
		}
	}
	return true;
}

bool text_url_path(struct sb *out, const char *path)
{
	const char *p = path;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		struct sb seg;
		sb_init(&seg, n + 1);
		bool ok = sb_append(&seg, p, n) && text_url_encode(out, sb_str(&seg));
		sb_free(&seg);
		if (!ok)
			return false;
		if (!slash)
			break;
		if (!sb_putc(out, '/'))
			return false;
		p = slash + 1;
	}
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = text_ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool text_url_decode(struct sb *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (n - i < 3)
				return false;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return false;
			c = (char)(h * 16 + l);
			i += 2;
		}
		if (!sb_putc(out, c))
			return false;
	}
	return true;
}

bool text_trim_fold(struct sb *out, const char *s)
{
	bool pending_space = false, any = false;
	for (; *s; s++) {
		if (text_is_space(*s)) {
			pending_space = any;
			continue;
		}
		if (pending_space && !sb_putc(out, ' '))
			return false;
		pending_space = false;
		any = true;
		if (!sb_putc(out, *s))
			return false;
	}
	if (!out->data)
		return sb_append(out, "", 0);
	return true;
}

bool text_cookie(const char *header, const char *name, struct sb *out)
{
	if (!header)
		return false;
	size_t nl = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *eq = strchr(p, '=');
		const char *semi = strchr(p, ';');
		if (!semi)
			semi = p + strlen(p);
		if (eq && eq < semi && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0)
			return sb_append(out, eq + 1, (size_t)(semi - eq - 1));
		p = semi;
	}
	return false;
}

bool text_local_path(const char *s)
{
	if (!s || s[0] != '/' || s[1] == '/')
		return false;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p <= 0x20 || *p == 0x7f || *p == '\\' || n >= 2048)
			return false;
	return text_utf8_valid(s, n);
}

void text_tel(char *out, size_t size, const char *phone)
{
	size_t k = 0;
	for (const char *p = phone ? phone : ""; *p && k + 1 < size; p++)
		if ((*p >= '0' && *p <= '9') || (*p == '+' && k == 0))
			out[k++] = *p;
	if (size)
		out[k] = '\0';
}
