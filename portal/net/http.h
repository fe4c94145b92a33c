/* http: the request and response that handlers see.
 *
 * The server module fills a request from libwebsockets, the router picks a
 * handler, the handler fills a response, and the server sends it. Handlers
 * never touch libwebsockets, which keeps them testable. */
#ifndef WW_HTTP_H
#define WW_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/i18n.h"
#include "base/arena.h"
#include "base/sb.h"
#include "domain/insight.h"
#include "domain/terminals.h"

struct app;
struct route;

enum http_method {
	HM_GET = 1,
	HM_HEAD = 2,
	HM_POST = 4,
	HM_DELETE = 8,
	HM_OTHER = 16,
};

/* Limits on what a client may send. */
#define HTTP_MAX_PATH         1024
#define HTTP_MAX_PARAMS       64
#define HTTP_MAX_PARAM_VALUE  4096
#define HTTP_MAX_BODY         (32 * 1024)
#define HTTP_MAX_HEADER       2048
#define HTTP_MAX_ROUTE_PARAMS 4

struct param {
	char *name;
	char *value;
};

struct params {
	struct param *v;
	size_t n;
};

enum params_error {
	PARAMS_OK = 0,
	PARAMS_BAD_ESCAPE,
	PARAMS_BAD_UTF8,
	PARAMS_TOO_MANY,
	PARAMS_TOO_LONG,
	PARAMS_NO_MEMORY,
};

/* Adds one name/value pair after checking UTF-8 and length limits. */
enum params_error params_add(struct params *p, const char *name, size_t nlen, const char *value,
                             size_t vlen);
/* Parses application/x-www-form-urlencoded data ("a=1&b=two+words"). */
enum params_error params_parse_urlencoded(struct params *p, const char *s, size_t n);
const char *params_get(const struct params *p, const char *name);
void params_free(struct params *p);

#define HTTP_CSRF_BINDING_LEN 22 /* 16 random bytes, base64url */

struct request {
	unsigned method;
	const char *method_name;
	char *path; /* URL-decoded path, attacker data */
	struct params query;
	struct params form;
	struct sb body;
	long content_length; /* -1 when absent */
	char *accept_language;
	char *cookie;
	char *origin;
	char *host;
	char *sec_fetch_site;
	char *content_type;
	char *if_none_match;
	char *accept_encoding;
	char peer[64]; /* client address, for rate limits only; never logged */
	/* the enrolled terminal this browser is: resolved once, by the server */
	bool kiosk;
	struct kiosk_terminal terminal;
	/* the form binding of csrf.c: read from the cookie or made new */
	char csrf_binding[HTTP_CSRF_BINDING_LEN + 1];
	bool csrf_binding_new;
	const struct i18n_lang *lang; /* language of the reply */
	const struct route *route;
	const char *route_params[HTTP_MAX_ROUTE_PARAMS];
	size_t nroute_params;
	char *route_buf;
	struct app *app;
	struct arena arena; /* lives as long as the request (base/arena.h) */
};

#define RESPONSE_MAX_HEADERS 8

struct response {
	int status;
	const char *content_type;
	struct sb body;
	/* a static body (assets): sent as is, not copied */
	const unsigned char *static_body;
	size_t static_len;
	const char *cache_control;
	char *header_names[RESPONSE_MAX_HEADERS]; /* "Location:" with the colon */
	char *header_values[RESPONSE_MAX_HEADERS];
	size_t nheaders;
	bool close; /* close the connection after the reply */
	/* what the answer counts each time it is shown, from the cache too
	   (domain/insight.h; metric NULL: nothing) */
	struct insight_tag insight;
};

void request_init(struct request *rq);
void request_free(struct request *rq);
void response_init(struct response *rs);
void response_free(struct response *rs);

/* Extra response header; name without the colon. */
bool response_header(struct response *rs, const char *name, const char *value);
/* Set-Cookie with Path=/ and the given SameSite; HttpOnly unless for
 * scripts; Secure when the public address is https. max_age < 0 makes
 * a session cookie, 0 deletes it. */
bool response_cookie(struct response *rs, const struct request *rq, const char *name,
                     const char *value, int max_age, const char *samesite, bool http_only);
/* Copies the extra headers of from (a cached answer) to to. */
bool response_copy_headers(struct response *to, const struct response *from);

/* The forms of one body: identity and, where it is smaller, gzip and
 * brotli (NULL when there is none), each with its own strong ETag. */
struct representations {
	const unsigned char *id, *gz, *br;
	size_t id_len, gz_len, br_len;
	const char *etag, *etag_gz, *etag_br;
};
/* Answers with the form the request accepts best (brotli, gzip, identity):
 * body, Content-Encoding, ETag, Vary; a 304 without a body when the
 * browser already holds that form (If-None-Match). */
void response_representation(struct response *rs, const struct request *rq,
                             const struct representations *r);

/* A 303 See Other (or another 3xx) to a local URL. */
bool response_redirect(struct response *rs, int status, const char *location);

/* Cookie value by name from the request's Cookie header, into out. */
bool request_cookie(const struct request *rq, const char *name, struct sb *out);
/* The terminal of a kiosk request (rq->kiosk), copied to out. */
bool request_kiosk(const struct request *rq, struct kiosk_terminal *out);

/* Error answers. The page that shows them (in the user's language, with
 * the site's layout) belongs to the web layer, which registers it at
 * start; without one the message is sent as plain text. */
typedef void (*http_error_fn)(struct request *rq, struct response *rs, int status, const char *code,
                              const char *message);
void http_set_error_page(http_error_fn fn);
void http_error(struct request *rq, struct response *rs, int status, const char *code,
                const char *message);
void http_not_found(struct request *rq, struct response *rs);
/* 503 with Retry-After: too much work at this moment, nothing was done. */
void http_busy(struct request *rq, struct response *rs, int retry_after_s);

#endif
