#include "net/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/compress.h"
#include "base/i18n.h"
#include "base/text.h"

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

enum params_error params_add(struct params *p, const char *name, size_t nlen, const char *value,
                             size_t vlen)
{
	if (p->n >= HTTP_MAX_PARAMS)
		return PARAMS_TOO_MANY;
	if (nlen > 64 || vlen > HTTP_MAX_PARAM_VALUE)
		return PARAMS_TOO_LONG;
	if (!text_utf8_valid(name, nlen) || !text_utf8_valid(value, vlen))
		return PARAMS_BAD_UTF8;
	struct param *v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!v)
		return PARAMS_NO_MEMORY;
	p->v = v;
	char *n = dup_n(name, nlen);
	char *val = dup_n(value, vlen);
	if (!n || !val) {
		free(n);
		free(val);
		return PARAMS_NO_MEMORY;
	}
	p->v[p->n].name = n;
	p->v[p->n].value = val;
	p->n++;
	return PARAMS_OK;
}

enum params_error params_parse_urlencoded(struct params *p, const char *s, size_t n)
{
	size_t i = 0;
	struct sb name, value;
	sb_init(&name, HTTP_MAX_PARAM_VALUE + 1);
	sb_init(&value, HTTP_MAX_PARAM_VALUE + 1);
	enum params_error err = PARAMS_OK;
	while (i < n && err == PARAMS_OK) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			sb_reset(&name);
			sb_reset(&value);
			if (!text_url_decode(&name, s + i, eq - i) ||
			    !text_url_decode(&value, s + (eq < end ? eq + 1 : end),
			                     eq < end ? end - eq - 1 : 0)) {
				err = (sb_failed(&name) || sb_failed(&value)) ? PARAMS_TOO_LONG
				                                              : PARAMS_BAD_ESCAPE;
				break;
			}
			err = params_add(p, sb_str(&name), name.len, sb_str(&value), value.len);
		}
		i = end + 1;
	}
	sb_free(&name);
	sb_free(&value);
	return err;
}

const char *params_get(const struct params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return p->v[i].value;
	return NULL;
}

void params_free(struct params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void request_init(struct request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->content_length = -1;
	sb_init(&rq->body, HTTP_MAX_BODY + 1);
}

void request_free(struct request *rq)
{
	arena_free(&rq->arena);
	free(rq->path);
	params_free(&rq->query);
	params_free(&rq->form);
	sb_free(&rq->body);
	free(rq->accept_language);
	free(rq->cookie);
	free(rq->origin);
	free(rq->host);
	free(rq->sec_fetch_site);
	free(rq->content_type);
	free(rq->if_none_match);
	free(rq->accept_encoding);
	free(rq->route_buf);
	memset(rq, 0, sizeof(*rq));
}

void response_init(struct response *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	sb_init(&rs->body, 0);
}

void response_free(struct response *rs)
{
	sb_free(&rs->body);
	for (size_t i = 0; i < rs->nheaders; i++) {
		free(rs->header_names[i]);
		free(rs->header_values[i]);
	}
	memset(rs, 0, sizeof(*rs));
}

bool response_copy_headers(struct response *to, const struct response *from)
{
	for (size_t i = 0; i < from->nheaders; i++) {
		if (to->nheaders >= RESPONSE_MAX_HEADERS)
			return false;
		char *n = dup_n(from->header_names[i], strlen(from->header_names[i]));
		char *v = dup_n(from->header_values[i], strlen(from->header_values[i]));
		if (!n || !v) {
			free(n);
			free(v);
			return false;
		}
		to->header_names[to->nheaders] = n;
		to->header_values[to->nheaders] = v;
		to->nheaders++;
	}
	return true;
}

void response_representation(struct response *rs, const struct request *rq,
                             const struct representations *r)
{
	unsigned acc = compress_accepted(rq->accept_encoding);
	const char *etag = r->etag, *encoding = NULL;
	rs->static_body = r->id;
	rs->static_len = r->id_len;
	if ((acc & COMPRESS_BR) && r->br) {
		rs->static_body = r->br;
		rs->static_len = r->br_len;
		etag = r->etag_br;
		encoding = "br";
	} else if ((acc & COMPRESS_GZIP) && r->gz) {
		rs->static_body = r->gz;
		rs->static_len = r->gz_len;
		etag = r->etag_gz;
		encoding = "gzip";
	}
	response_header(rs, "ETag", etag);
	response_header(rs, "Vary", "Accept-Encoding");
	if (compress_etag_match(rq->if_none_match, etag)) {
		rs->status = 304;
		rs->static_body = NULL;
		rs->static_len = 0;
	} else if (encoding) {
		response_header(rs, "Content-Encoding", encoding);
	}
}

bool response_header(struct response *rs, const char *name, const char *value)
{
	if (rs->nheaders >= RESPONSE_MAX_HEADERS)
		return false;
	/* header injection: values never contain line breaks */
	if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n: "))
		return false;
	size_t nl = strlen(name);
	char *n = malloc(nl + 2);
	char *v = dup_n(value, strlen(value));
	if (!n || !v) {
		free(n);
		free(v);
		return false;
	}
	memcpy(n, name, nl);
	n[nl] = ':';
	n[nl + 1] = '\0';
	rs->header_names[rs->nheaders] = n;
	rs->header_values[rs->nheaders] = v;
	rs->nheaders++;
	return true;
}

bool response_redirect(struct response *rs, int status, const char *location)
{
	/* only local paths: an open redirect would help phishing */
	if (!text_local_path(location))
		return false;
	rs->status = status;
	sb_reset(&rs->body);
	return response_header(rs, "Location", location);
}

bool request_cookie(const struct request *rq, const char *name, struct sb *out)
{
	return text_cookie(rq->cookie, name, out);
}

bool response_cookie(struct response *rs, const struct request *rq, const char *name,
                     const char *value, int max_age, const char *samesite, bool http_only)
{
	struct sb c;
	sb_init(&c, 256);
	bool ok = sb_appendf(&c, "%s=%s; Path=/; SameSite=%s", name, value, samesite) &&
	          (max_age < 0 || sb_appendf(&c, "; Max-Age=%d", max_age)) &&
	          (!http_only || sb_puts(&c, "; HttpOnly")) &&
	          (!rq->app->cfg.pub.https || sb_puts(&c, "; Secure")) &&
	          response_header(rs, "Set-Cookie", sb_str(&c));
	sb_free(&c);
	return ok;
}

bool request_kiosk(const struct request *rq, struct kiosk_terminal *out)
{
	if (rq->kiosk)
		*out = rq->terminal;
	return rq->kiosk;
}

static http_error_fn error_page;

void http_set_error_page(http_error_fn fn)
{
	error_page = fn;
}

void http_error(struct request *rq, struct response *rs, int status, const char *code,
                const char *message)
{
	if (error_page) {
		error_page(rq, rs, status, code, message);
		return;
	}
	rs->status = status;
	rs->content_type = "text/plain; charset=utf-8";
	sb_reset(&rs->body);
	sb_puts(&rs->body, message);
	sb_putc(&rs->body, '\n');
}

void http_not_found(struct request *rq, struct response *rs)
{
	http_error(rq, rs, 404, "not_found",
	           _("We kunnen deze pagina niet vinden. Misschien is de link oud of niet "
	             "helemaal goed overgenomen."));
}

void http_busy(struct request *rq, struct response *rs, int retry_after_s)
{
	http_error(rq, rs, 503, "busy",
	           _("Het is nu erg druk. Probeer het over een paar seconden opnieuw."));
	char v[16];
	snprintf(v, sizeof(v), "%d", retry_after_s);
	response_header(rs, "Retry-After", v);
}
