#include "base/json.h"

#include <stdlib.h>
#include <string.h>

#include "base/sb.h"
#include "base/text.h"

struct parser {
	const char *s;
	size_t n, i;
};

static void skip_ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
	                       p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(const char *s)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		char c = s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static bool put_utf8(struct sb *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return sb_append(b, u, n);
}

static enum json_error parse_string(struct parser *p, char **out)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return JSON_SYNTAX;
	p->i++;
	struct sb b;
	sb_init(&b, JSON_MAX_STRING);
	enum json_error err = JSON_SYNTAX;
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			if (!sb_append(&b, "", 0) || !text_utf8_valid(b.data, b.len)) {
				err = sb_failed(&b) ? JSON_TOO_BIG : JSON_SYNTAX;
				break;
			}
			*out = sb_steal(&b);
			return *out ? JSON_OK : JSON_NO_MEMORY;
		}
		if (c < 0x20)
			break;
		if (c == '\\') {
			if (p->i + 1 >= p->n)
				break;
			char e = p->s[p->i + 1];
			p->i += 2;
			const char *simple = strchr("\"\\/bfnrt", e);
			if (e && simple) {
				static const char map[] = "\"\\/\b\f\n\r\t";
				if (!sb_putc(&b, map[simple - "\"\\/bfnrt"]))
					break;
				continue;
			}
			if (e != 'u' || p->n - p->i < 4)
				break;
			int cp = hex4(p->s + p->i);
			if (cp < 0)
				break;
			p->i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (p->n - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
					break;
				int lo = hex4(p->s + p->i + 2);
				if (lo < 0xDC00 || lo > 0xDFFF)
					break;
				p->i += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				break;
			}
			if (cp == 0 || !put_utf8(&b, (unsigned)cp))
				break;
			continue;
		}
		if (!sb_putc(&b, (char)c))
			break;
		p->i++;
	}
	if (sb_failed(&b))
		err = JSON_TOO_BIG;
	sb_free(&b);
	return err;
}

static enum json_error parse_number(struct parser *p, struct json_field *f)
{
	size_t start = p->i;
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n)
		return JSON_SYNTAX;
	if (p->s[p->i] == '0') {
		p->i++;
	} else if (p->s[p->i] >= '1' && p->s[p->i] <= '9') {
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	} else {
		return JSON_SYNTAX;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		size_t d = p->i;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (d == p->i)
			return JSON_SYNTAX;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		size_t d = p->i;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (d == p->i)
			return JSON_SYNTAX;
	}
	size_t len = p->i - start;
	if (len > 64)
		return JSON_TOO_BIG;
	f->str = malloc(len + 1);
	if (!f->str)
		return JSON_NO_MEMORY;
	memcpy(f->str, p->s + start, len);
	f->str[len] = '\0';
	f->num = strtod(f->str, NULL);
	f->type = JSON_NUMBER;
	return JSON_OK;
}

static bool literal(struct parser *p, const char *word)
{
	size_t l = strlen(word);
	if (p->n - p->i < l || memcmp(p->s + p->i, word, l) != 0)
		return false;
	p->i += l;
	return true;
}

enum json_error json_parse_object(const char *s, size_t n, struct json_object *out)
{
	memset(out, 0, sizeof(*out));
	struct parser p = {s, n, 0};
	enum json_error err = JSON_OK;
	skip_ws(&p);
	if (p.i >= p.n || s[p.i] != '{')
		return JSON_SYNTAX;
	p.i++;
	skip_ws(&p);
	if (p.i < p.n && s[p.i] == '}') {
		p.i++;
		goto end;
	}
	for (;;) {
		if (out->n >= JSON_MAX_FIELDS) {
			err = JSON_TOO_BIG;
			goto fail;
		}
		struct json_field *f = &out->f[out->n];
		skip_ws(&p);
		if ((err = parse_string(&p, &f->key)) != JSON_OK)
			goto fail;
		out->n++;
		for (size_t k = 0; k + 1 < out->n; k++)
			if (strcmp(out->f[k].key, f->key) == 0) {
				err = JSON_DUPLICATE;
				goto fail;
			}
		skip_ws(&p);
		if (p.i >= p.n || s[p.i] != ':') {
			err = JSON_SYNTAX;
			goto fail;
		}
		p.i++;
		skip_ws(&p);
		if (p.i >= p.n) {
			err = JSON_SYNTAX;
			goto fail;
		}
		char c = s[p.i];
		if (c == '"') {
			f->type = JSON_STRING;
			err = parse_string(&p, &f->str);
		} else if (c == '{' || c == '[') {
			err = JSON_NESTED;
		} else if (literal(&p, "true")) {
			f->type = JSON_BOOL;
			f->b = true;
		} else if (literal(&p, "false")) {
			f->type = JSON_BOOL;
		} else if (literal(&p, "null")) {
			f->type = JSON_NULL;
		} else {
			err = parse_number(&p, f);
		}
		if (err != JSON_OK)
			goto fail;
		skip_ws(&p);
		if (p.i < p.n && s[p.i] == ',') {
			p.i++;
			continue;
		}
		if (p.i < p.n && s[p.i] == '}') {
			p.i++;
			break;
		}
		err = JSON_SYNTAX;
		goto fail;
	}
end:
	skip_ws(&p);
	if (p.i != p.n) {
		err = JSON_SYNTAX;
		goto fail;
	}
	return JSON_OK;
fail:
	json_object_free(out);
	return err;
}

void json_object_free(struct json_object *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->f[i].key);
		free(o->f[i].str);
	}
	memset(o, 0, sizeof(*o));
}

const struct json_field *json_get(const struct json_object *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->f[i].key, key) == 0)
			return &o->f[i];
	return NULL;
}

const char *json_get_string(const struct json_object *o, const char *key)
{
	const struct json_field *f = json_get(o, key);
	return f && f->type == JSON_STRING ? f->str : NULL;
}
