#include "net/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "base/clock.h"
#include "domain/audit.h"
#include "domain/booking.h"
#include "domain/callbacks.h"
#include "domain/content_drafts.h"
#include "domain/insight.h"
#include "domain/mail.h"
#include "net/cache.h"
#include "store/catalog.h"
#include "net/clients.h"
#include "net/csrf.h"
#include "exec/db.h"
#include "domain/staff.h"
#include "domain/terminals.h"
#include "net/live.h"
#include "base/rate.h"
#include "net/route.h"
#include "base/text.h"
#include "exec/worker.h"
#include "exec/writer.h"

#define WRITE_CHUNK 16384
/* threads for speech and password hashing: enough that one of each can
   run at once, few enough that they cannot crowd out the readers */
#define SLOW_THREADS 2

/* Security headers on every response. The CSP allows no inline script or
 * style and nothing from other origins. */
static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

/* One HTTP connection (lws allocates it with the wsi). While a worker
 * has the request, the conn holds nothing of it (the job does) and is
 * known to the job only by its conn_ref, so a close in the meantime is
 * harmless. */
struct conn {
	struct request rq;
	struct response rs;
	struct lws *wsi;
	bool in_request;
	bool awaiting_body; /* the request is read, its body is coming */
	bool discard_body;  /* answered early: read and drop the body, then close */
	bool waiting;       /* a worker has the request */
	bool headers_due;   /* the answer is here: headers go in the next WRITEABLE */
	struct conn_ref ref;
	struct cache_entry *entry; /* the cached answer being sent, if any */
	size_t sent;
	size_t total;
	struct timespec t0;
};

/* A request on its way through a worker. */
struct http_job {
	struct job base;
	struct request rq;
	struct response rs;
	enum route_result route;
	unsigned allowed;
	bool cacheable;
	struct sb key;
	unsigned long content_gen;
	struct cache_entry *entry; /* built by the worker for the cache */
};

static struct app *the_app;
static lws_sorted_usec_list_t retention_timer;
static lws_sorted_usec_list_t insight_timer;

static void job_free(struct app *app, struct job *j)
{
	(void)app;
	free(j);
}

/* Personal data of past appointments is deleted every hour, by a worker
 * (the write itself goes through the writer). */
static void retention_job(struct app *app, struct job *j)
{
	(void)j;
	int n = booking_retention(app, app->cfg.retention_days, clock_now());
	if (n > 0)
		fprintf(stderr, "wijkwijzer: retention: personal data of %d appointments deleted\n",
		        n);
	else if (n < 0)
		fprintf(stderr, "wijkwijzer: retention: failed\n");
	/* handled call-back requests, counted from when they were handled */
	n = callbacks_retention(app, app->cfg.retention_days, clock_now());
	if (n > 0)
		fprintf(stderr,
		        "wijkwijzer: retention: personal data of %d call-back requests deleted\n",
		        n);
	else if (n < 0)
		fprintf(stderr, "wijkwijzer: retention: call-back requests failed\n");
	int a = audit_retention(app, app->cfg.audit_days, clock_now());
	if (a > 0)
		fprintf(stderr, "wijkwijzer: retention: %d rows of the audit trail deleted\n", a);
	else if (a < 0)
		fprintf(stderr, "wijkwijzer: retention: the audit trail failed\n");
	/* anonymous counts are kept two years */
	a = insight_retention(app, clock_now());
	if (a > 0)
		fprintf(stderr, "wijkwijzer: retention: %d cells of the anonymous counts deleted\n",
		        a);
	else if (a < 0)
		fprintf(stderr, "wijkwijzer: retention: the anonymous counts failed\n");
}

/* The anonymous counts in memory go to the database once a minute, by a
 * reader (the write through the writer); a crash loses at most that
 * minute. */
static void insight_job(struct app *app, struct job *j)
{
	(void)j;
	if (insight_flush(app) < 0)
		fprintf(stderr, "wijkwijzer: insight: the counts could not be stored; "
		                "trying again in a minute\n");
}

static void insight_run(lws_sorted_usec_list_t *sul)
{
	struct job *j = calloc(1, sizeof(*j));
	if (j) {
		j->run = insight_job;
		j->done = job_free;
		if (!worker_submit(POOL_READ, j))
			free(j); /* busy: the counts wait for the next minute */
	}
	lws_sul_schedule(the_app->ctx, 0, sul, insight_run, 60 * LWS_US_PER_SEC);
}

static void retention_run(lws_sorted_usec_list_t *sul)
{
	struct job *j = calloc(1, sizeof(*j));
	if (j) {
		j->run = retention_job;
		j->done = job_free;
		if (!worker_submit(POOL_READ, j)) {
			free(j);
			/* busy now: try again in a minute */
			lws_sul_schedule(the_app->ctx, 0, sul, retention_run, 60 * LWS_US_PER_SEC);
			return;
		}
	}
	lws_sul_schedule(the_app->ctx, 0, sul, retention_run, 3600 * LWS_US_PER_SEC);
}

/* SIGHUP: a worker checks the new content; only when it opens are the
 * terminals replaced and the content generation bumped, after which every
 * thread reopens its catalogue and cached answers of the old content are
 * no longer served. A request in flight finishes on the old content. */
static void reload_job(struct app *app, struct job *j)
{
	(void)j;
	char err[512];
	if (content_reload(app, err, sizeof(err)))
		fprintf(stderr, "wijkwijzer: content reloaded\n");
	else
		fprintf(stderr,
		        "wijkwijzer: content not reloaded, keeping the last good content: %s\n",
		        err);
}

static void start_reload(void)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->run = reload_job;
	j->done = job_free;
	if (!worker_submit(POOL_SLOW, j)) {
		free(j);
		fprintf(stderr, "wijkwijzer: content not reloaded: the server is busy, send "
		                "SIGHUP again\n");
	}
}

static char *copy_header(struct lws *wsi, enum lws_token_indexes t)
{
	int n = lws_hdr_total_length(wsi, t);
	if (n <= 0 || n > HTTP_MAX_HEADER)
		return NULL;
	char *p = malloc((size_t)n + 1);
	if (!p)
		return NULL;
	if (lws_hdr_copy(wsi, p, n + 1, t) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

static char *copy_custom_header(struct lws *wsi, const char *name)
{
	int nl = (int)strlen(name);
	int n = lws_hdr_custom_length(wsi, name, nl);
	if (n <= 0 || n > HTTP_MAX_HEADER)
		return NULL;
	char *p = malloc((size_t)n + 1);
	if (!p)
		return NULL;
	if (lws_hdr_custom_copy(wsi, p, n + 1, name, nl) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

struct method_token {
	enum lws_token_indexes token;
	unsigned method;
	const char *name;
};

static const struct method_token methods[] = {
    {WSI_TOKEN_GET_URI, HM_GET, "GET"},           {WSI_TOKEN_POST_URI, HM_POST, "POST"},
    {WSI_TOKEN_HEAD_URI, HM_HEAD, "HEAD"},        {WSI_TOKEN_DELETE_URI, HM_DELETE, "DELETE"},
    {WSI_TOKEN_PUT_URI, HM_OTHER, "PUT"},         {WSI_TOKEN_PATCH_URI, HM_OTHER, "PATCH"},
    {WSI_TOKEN_OPTIONS_URI, HM_OTHER, "OPTIONS"},
};

static const struct method_token *method_of(struct lws *wsi)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (lws_hdr_total_length(wsi, methods[i].token) > 0)
			return &methods[i];
	return NULL;
}

static bool path_acceptable(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > HTTP_MAX_PATH || p[0] != '/' || !text_utf8_valid(p, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

/* Reads the query string fragments lws has already split and decoded. */
static bool read_query(struct lws *wsi, struct request *rq)
{
	for (int i = 0; i < HTTP_MAX_PARAMS + 1; i++) {
		int len = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
		if (len <= 0)
			return true;
		if (len > HTTP_MAX_PARAM_VALUE + 70)
			return false;
		char *frag = malloc((size_t)len + 1);
		if (!frag)
			return false;
		int got = lws_hdr_copy_fragment(wsi, frag, len + 1, WSI_TOKEN_HTTP_URI_ARGS, i);
		bool ok = got >= 0;
		if (ok) {
			char *eq = strchr(frag, '=');
			size_t nl = eq ? (size_t)(eq - frag) : (size_t)got;
			const char *v = eq ? eq + 1 : "";
			ok = params_add(&rq->query, frag, nl, v, strlen(v)) == PARAMS_OK;
		}
		free(frag);
		if (!ok)
			return false;
	}
	return false;
}

/* The language of a reply when the route does not fix it: the first path
 * segment if it is a language, else the browser's preference. */
static const struct i18n_lang *guess_lang(const struct request *rq)
{
	const char *p = rq->path ? rq->path : "/";
	if (p[0] == '/') {
		char seg[8];
		size_t n = 0;
		for (const char *s = p + 1; *s && *s != '/' && n < sizeof(seg) - 1; s++)
			seg[n++] = *s;
		seg[n] = '\0';
		const struct i18n_lang *l = i18n_find(seg);
		if (l)
			return l;
	}
	const char *q = params_get(&rq->query, "lang");
	const struct i18n_lang *l = q ? i18n_find(q) : NULL;
	if (!l)
		l = i18n_negotiate(rq->accept_language);
	return l ? l : i18n_default();
}

/* The cheap half of a dispatch, on the loop: which route, which language. */
static enum route_result dispatch_route(struct app *app, struct request *rq, unsigned *allowed)
{
	rq->app = app;
	*allowed = 0;
	enum route_result r = ROUTE_NOT_FOUND;
	if (rq->path && path_acceptable(rq->path))
		r = route_find(portal_routes, portal_routes_count, rq, allowed);
	rq->lang = guess_lang(rq);
	/* once per request: pages, the cache key and the layout read it */
	rq->kiosk = kiosk_of_cookie(app, rq->cookie, &rq->terminal);
	return r;
}

/* The rest: checks and the handler (on a worker, or inline). */
static void dispatch_handle(struct app *app, struct request *rq, struct response *rs,
                            enum route_result r, unsigned allowed)
{
	i18n_use(rq->lang);
	if (!rq->path || !path_acceptable(rq->path)) {
		http_error(rq, rs, 400, "bad_request", _("Dit adres klopt niet."));
		return;
	}
	if (r == ROUTE_NOT_FOUND) {
		http_not_found(rq, rs);
		return;
	}
	if (r == ROUTE_METHOD_NOT_ALLOWED) {
		struct sb a;
		sb_init(&a, 64);
		for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			if (allowed & methods[i].method & ~(unsigned)HM_OTHER)
				sb_appendf(&a, "%s%s", a.len ? ", " : "", methods[i].name);
		http_error(rq, rs, 405, "method_not_allowed",
		           _("Deze actie is hier niet mogelijk."));
		response_header(rs, "Allow", sb_str(&a));
		sb_free(&a);
		return;
	}
	if (rq->method == HM_POST && (rq->route->flags & ROUTE_FORM)) {
		const char *ct = rq->content_type ? rq->content_type : "";
		if (!text_ascii_nieq(ct, "application/x-www-form-urlencoded", 33)) {
			http_error(rq, rs, 415, "unsupported_media_type",
			           _("Dit formulier is op een onbekende manier verstuurd."));
			return;
		}
		if (params_parse_urlencoded(&rq->form, sb_str(&rq->body), rq->body.len) !=
		    PARAMS_OK) {
			http_error(rq, rs, 400, "bad_form",
			           _("Het formulier bevat tekens die we niet kunnen lezen. Probeer "
			             "het opnieuw."));
			return;
		}
		char binding[CSRF_BINDING_LEN + 1];
		if (!csrf_binding(rq, binding)) {
			http_error(
			    rq, rs, 403, "form_no_cookie",
			    _("Uw browser stuurde het formulier zonder ons cookie. Dat cookie "
			      "beveiligt het formulier en bewaart niets over u. Sta cookies toe "
			      "voor deze website, laad de pagina opnieuw en probeer het nog een "
			      "keer."));
			return;
		}
		if (!csrf_same_origin(rq) ||
		    !csrf_valid(app, rq->route->pattern, binding, params_get(&rq->form, CSRF_FIELD),
		                clock_now())) {
			http_error(rq, rs, 403, "form_expired",
			           _("Dit formulier is verlopen of komt niet van deze website. Ga "
			             "terug, laad de pagina opnieuw en probeer het nog een keer."));
			return;
		}
	}
	if ((rq->route->flags & ROUTE_RATE) &&
	    !rate_allowed("booking", rq->peer, app->cfg.booking_rate)) {
		http_error(
		    rq, rs, 429, "too_many_requests",
		    _("U heeft in korte tijd veel afspraken geprobeerd te maken. Wacht een uur, "
		      "of bel of loop binnen bij de wijkwijzer."));
		response_header(rs, "Retry-After", "3600");
		return;
	}
	rq->route->handler(rq, rs);
	if (!csrf_finish(rq, rs))
		rs->body.failed = true;
	if (rq->route->flags & ROUTE_NOINDEX)
		response_header(rs, "X-Robots-Tag", "noindex, nofollow");
	if (sb_failed(&rs->body)) {
		sb_free(&rs->body);
		sb_init(&rs->body, 0);
		rs->nheaders = 0;
		http_error(rq, rs, 500, "internal",
		           _("Er ging bij ons iets mis. Probeer het over een paar minuten "
		             "opnieuw."));
	}
}

void server_dispatch(struct app *app, struct request *rq, struct response *rs)
{
	unsigned allowed;
	enum route_result r = dispatch_route(app, rq, &allowed);
	dispatch_handle(app, rq, rs, r, allowed);
}

static void conn_reset(struct conn *c)
{
	request_free(&c->rq);
	response_free(&c->rs);
	if (c->waiting)
		conn_unregister(c->ref); /* the job's answer will find no one */
	cache_release(c->entry);
	c->entry = NULL;
	c->in_request = false;
	c->awaiting_body = false;
	c->discard_body = false;
	c->waiting = false;
	c->headers_due = false;
	c->sent = c->total = 0;
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* One line per request: no query string, no raw path (it may hold a
 * booking token), only the route pattern that matched. */
static void access_log(const struct conn *c)
{
	if (the_app && the_app->cfg.quiet)
		return;
	char ts[CLOCK_UTC_LEN];
	clock_utc_text(clock_now(), ts);
	fprintf(stderr, "%s %s %s %d %zu %.2fms\n", ts, c->rq.method_name ? c->rq.method_name : "-",
	        c->rq.route ? c->rq.route->pattern : "-", c->rs.status, c->total,
	        elapsed_ms(&c->t0));
}

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
                      unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
	                                   (const unsigned char *)value, (int)strlen(value), p,
	                                   end);
}

/* The headers every response carries; nonzero when they did not fit. */
static int add_security_headers(struct lws *wsi, unsigned char **p, unsigned char *end)
{
	return add_header(wsi, "content-security-policy:", csp, p, end) ||
	       add_header(wsi, "x-content-type-options:", "nosniff", p, end) ||
	       add_header(wsi, "referrer-policy:", "no-referrer", p, end) ||
	       add_header(wsi, "x-frame-options:", "DENY", p, end) ||
	       add_header(wsi, "cross-origin-opener-policy:", "same-origin", p, end) ||
	       add_header(wsi, "permissions-policy:",
	                  "geolocation=(self), camera=(), microphone=(), interest-cohort=()", p,
	                  end);
}

/* Sends the status line and headers; the body follows in WRITEABLE,
 * unless with_body: then the whole (small) response goes in one write,
 * for answers given while lws is still reading a request body. */
static int send_headers(struct lws *wsi, struct conn *c, bool with_body)
{
	/* the loop thread's buffer for headers alone; an early answer with
	   its body gets one of its own */
	static unsigned char hbuf[LWS_PRE + 4096];
	struct response *rs = &c->rs;
	size_t extra = with_body ? rs->body.len : 0;
	unsigned char *buf = extra ? malloc(LWS_PRE + 4096 + extra) : hbuf;
	if (!buf)
		return -1;
	int r = -1;
	unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + LWS_PRE + 4096 - 1;
	c->total = rs->static_body ? rs->static_len : rs->body.len;
	/* a 304 has no body and must not claim the length of one */
	bool ok = rs->status == 304
	              ? !lws_add_http_header_status(wsi, 304, &p, end)
	              : !lws_add_http_common_headers(wsi, (unsigned)rs->status, rs->content_type,
	                                             (lws_filepos_t)c->total, &p, end);
	if (rs->status == 304)
		c->total = 0;
	if (!ok || add_security_headers(wsi, &p, end) ||
	    add_header(wsi, "cache-control:", rs->cache_control ? rs->cache_control : "no-cache",
	               &p, end))
		goto out;
	for (size_t i = 0; i < rs->nheaders; i++)
		if (add_header(wsi, rs->header_names[i], rs->header_values[i], &p, end))
			goto out;
	if (rs->close && add_header(wsi, "connection:", "close", &p, end))
		goto out;
	if (!with_body) {
		if (lws_finalize_write_http_header(wsi, start, &p, end))
			goto out;
	} else {
		if (lws_finalize_http_header(wsi, &p, end))
			goto out;
		if (c->rq.method != HM_HEAD) {
			memcpy(p, rs->body.data ? rs->body.data : "", extra);
			p += extra;
		}
		size_t n = (size_t)(p - start);
		if (lws_write(wsi, start, n, LWS_WRITE_HTTP_HEADERS) != (int)n)
			goto out;
		c->sent = c->total;
	}
	if (c->rq.method == HM_HEAD)
		c->total = 0;
	r = 0;
out:
	if (buf != hbuf)
		free(buf);
	return r;
}

/* Ends the transaction after the last byte. */
static int finish(struct lws *wsi, struct conn *c)
{
	access_log(c);
	bool close = c->rs.close;
	conn_reset(c);
	if (close)
		return -1;
	if (lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

static int respond(struct lws *wsi, struct conn *c)
{
	if (send_headers(wsi, c, false))
		return -1;
	if (c->total == 0)
		return finish(wsi, c);
	lws_callback_on_writable(wsi);
	return 0;
}

/* Fills c->rs from a cached entry: 304 when the browser has it, else the
 * best encoding the browser accepts. c takes the caller's reference. */
static void use_entry(struct conn *c, struct cache_entry *e)
{
	struct response *rs = &c->rs;
	response_free(rs);
	response_init(rs);
	c->entry = e;
	insight_count_tag(&e->rs.insight);
	rs->status = e->rs.status;
	rs->content_type = e->rs.content_type;
	rs->cache_control = e->rs.cache_control;
	response_copy_headers(rs, &e->rs);
	const struct representations r = {
	    (const unsigned char *)(e->rs.body.data ? e->rs.body.data : ""),
	    e->gz.len ? (const unsigned char *)e->gz.data : NULL,
	    e->br.len ? (const unsigned char *)e->br.data : NULL,
	    e->rs.body.len,
	    e->gz.len,
	    e->br.len,
	    e->etag,
	    e->etag_gz,
	    e->etag_br,
	};
	response_representation(rs, &c->rq, &r);
}

/* Worker: runs the handler; a cacheable 200 becomes a cache entry,
 * compressed here, off the loop. */
static void http_job_run(struct app *app, struct job *base)
{
	struct http_job *j = (struct http_job *)base;
	/* the minute the handler saw is the minute the answer is valid for */
	time_t made = clock_now();
	dispatch_handle(app, &j->rq, &j->rs, j->route, j->allowed);
	if (j->cacheable) {
		j->entry = cache_entry_new(&j->key, &j->rs, made, j->content_gen);
		if (j->entry)
			cache_entry_compress(j->entry);
	}
}

static void http_job_free(struct http_job *j)
{
	request_free(&j->rq);
	response_free(&j->rs);
	sb_free(&j->key);
	cache_release(j->entry);
	free(j);
}

/* Loop: the answer is back. */
static void http_job_done(struct app *app, struct job *base)
{
	struct http_job *j = (struct http_job *)base;
	struct conn *c = app->ctx ? conn_lookup(base->conn) : NULL;
	if (j->entry && app->ctx) {
		j->entry->refs++; /* one for the cache, one for this answer */
		cache_put(j->entry);
	}
	if (!c) {
		http_job_free(j);
		return;
	}
	conn_unregister(base->conn);
	c->waiting = false;
	request_free(&c->rq);
	c->rq = j->rq;
	request_init(&j->rq);
	if (j->entry) {
		use_entry(c, j->entry);
		j->entry = NULL;
	} else {
		response_free(&c->rs);
		c->rs = j->rs;
		response_init(&j->rs);
		insight_count_tag(&c->rs.insight);
	}
	http_job_free(j);
	c->headers_due = true;
	lws_callback_on_writable(c->wsi);
}

/* Writer: the COMMIT of the group failed, so nothing of this request was
 * kept; the answer it had must not say otherwise. */
static void http_write_failed(struct app *app, struct job *base)
{
	(void)app;
	struct http_job *j = (struct http_job *)base;
	response_free(&j->rs);
	response_init(&j->rs);
	i18n_use(j->rq.lang);
	http_error(&j->rq, &j->rs, 503, "unavailable",
	           _("Uw afspraak kon nu niet worden opgeslagen. Er is niets "
	             "vastgelegd. Probeer het "
	             "over een paar minuten opnieuw, of bel de wijkwijzer."));
	response_header(&j->rs, "Retry-After", "30");
}

/* The queue is full: a short answer now beats a long wait. */
static void busy(struct conn *c)
{
	http_busy(&c->rq, &c->rs, 5);
}

/* A request is read: answer from the cache or inline, or give it to a
 * worker. */
static int start(struct lws *wsi, struct conn *c)
{
	struct request *rq = &c->rq;
	unsigned allowed;
	enum route_result r = dispatch_route(the_app, rq, &allowed);
	unsigned flags = r == ROUTE_FOUND ? rq->route->flags : 0;
	i18n_use(rq->lang);
	/* errors of the route itself cost no more than a page from memory:
	   answered here, also while lws still expects a body */
	if ((flags & ROUTE_INLINE) || r != ROUTE_FOUND) {
		if (!rq->peer[0])
			lws_get_peer_simple(wsi, rq->peer, sizeof(rq->peer));
		dispatch_handle(the_app, rq, &c->rs, r, allowed);
		return respond(wsi, c);
	}
	unsigned long gen = atomic_load(&the_app->content_gen);
	bool cacheable = (flags & ROUTE_CACHE) && (rq->method & (HM_GET | HM_HEAD));
	struct sb key;
	sb_init(&key, 256);
	if (cacheable) {
		cacheable = cache_key(rq, &key);
		struct cache_entry *e =
		    cacheable ? cache_get(key.data, key.len, clock_now(), gen) : NULL;
		if (e) {
			sb_free(&key);
			use_entry(c, e);
			return respond(wsi, c);
		}
	}
	if (!rq->peer[0])
		lws_get_peer_simple(wsi, rq->peer, sizeof(rq->peer));
	struct http_job *j = calloc(1, sizeof(*j));
	if (!j || !conn_register(c, &c->ref)) {
		free(j);
		sb_free(&key);
		busy(c);
		return respond(wsi, c);
	}
	j->base.run = http_job_run;
	j->base.done = http_job_done;
	j->base.conn = c->ref;
	j->rq = *rq;
	request_init(rq);
	rq = &j->rq;
	response_init(&j->rs);
	j->route = r;
	j->allowed = allowed;
	j->cacheable = cacheable;
	j->key = key;
	j->content_gen = gen;
	enum pool pool = (flags & ROUTE_SLOW) ? POOL_SLOW : POOL_READ;
	if (!((flags & ROUTE_WRITE) ? writer_submit(&j->base, http_write_failed)
	                            : worker_submit_lane(pool, &j->base, flags & ROUTE_HEAVY))) {
		conn_unregister(c->ref);
		c->rq = j->rq;
		request_init(&j->rq);
		http_job_free(j);
		busy(c);
		return respond(wsi, c);
	}
	c->waiting = true;
	return 0;
}

/* Replies with an error before the body has been read. lws gives no
 * WRITEABLE while a body is due, so the whole (small) answer goes out in
 * one write. With drain, the announced body is then read and dropped, so
 * the client sees the answer instead of a reset, and the connection is
 * closed after it; without, the connection is closed at once. */
static int early_error(struct lws *wsi, struct conn *c, int status, const char *code,
                       const char *msg, bool drain)
{
	c->rq.lang = guess_lang(&c->rq);
	i18n_use(c->rq.lang);
	http_error(&c->rq, &c->rs, status, code, msg);
	c->rs.close = true;
	if (send_headers(wsi, c, true))
		return -1;
	access_log(c);
	if (!drain)
		return -1;
	c->discard_body = true;
	lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, 10);
	return 0;
}

static int on_http(struct lws *wsi, struct conn *c, const char *in)
{
	(void)in;
	conn_reset(c);
	request_init(&c->rq);
	response_init(&c->rs);
	c->in_request = true;
	c->wsi = wsi;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	struct request *rq = &c->rq;
	rq->app = the_app;
	const struct method_token *m = method_of(wsi);
	rq->method = m ? m->method : HM_OTHER;
	rq->method_name = m ? m->name : "-";
	rq->accept_language = copy_header(wsi, WSI_TOKEN_HTTP_ACCEPT_LANGUAGE);
	rq->cookie = copy_header(wsi, WSI_TOKEN_HTTP_COOKIE);
	rq->origin = copy_header(wsi, WSI_TOKEN_ORIGIN);
	rq->host = copy_header(wsi, WSI_TOKEN_HOST);
	rq->content_type = copy_header(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
	rq->if_none_match = copy_header(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH);
	rq->accept_encoding = copy_header(wsi, WSI_TOKEN_HTTP_ACCEPT_ENCODING);
	rq->sec_fetch_site = copy_custom_header(wsi, "sec-fetch-site:");
	/* the peer address (a system call) is looked up only for requests
	   that reach a handler, see start(); behind a proxy it is the
	   proxy's last X-Forwarded-For entry */
	if (the_app && the_app->cfg.behind_proxy)
		clients_forwarded_for(wsi, rq->peer, sizeof(rq->peer));
	if (m)
		rq->path = copy_header(wsi, m->token);
	if (!rq->path || !read_query(wsi, rq))
		return early_error(wsi, c, 400, "bad_request", _("Dit adres klopt niet."), false);
	if (rq->method == HM_POST || rq->method == HM_DELETE) {
		bool chunked = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
		char *cl = copy_header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
		long len = -1;
		bool valid = cl && text_parse_long(cl, 0, 1L << 40, &len);
		free(cl);
		if (rq->method == HM_POST && (chunked || !valid))
			return early_error(
			    wsi, c, 411, "length_required",
			    _("Uw browser stuurde het formulier op een manier die we "
			      "niet aannemen. Probeer het opnieuw."),
			    false);
		if (valid && len > HTTP_MAX_BODY)
			return early_error(wsi, c, 413, "too_large",
			                   _("U stuurde te veel tekst in één keer. Maak het korter "
			                     "en probeer het opnieuw."),
			                   len <= 64L * 1024 * 1024);
		rq->content_length = valid ? len : 0;
		/* lws reports the end of a POST body even when it is empty */
		if (rq->content_length > 0 || rq->method == HM_POST) {
			lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, 15);
			c->awaiting_body = true;
			return 0; /* wait for the body */
		}
	}
	return start(wsi, c);
}

static int on_writeable(struct lws *wsi, struct conn *c)
{
	static unsigned char buf[LWS_PRE + WRITE_CHUNK];
	if (c->in_request && c->headers_due) {
		c->headers_due = false;
		return respond(wsi, c);
	}
	if (!c->in_request || c->waiting || c->sent >= c->total)
		return 0;
	size_t n = c->total - c->sent;
	if (n > WRITE_CHUNK)
		n = WRITE_CHUNK;
	const unsigned char *src =
	    c->rs.static_body ? c->rs.static_body : (const unsigned char *)c->rs.body.data;
	memcpy(buf + LWS_PRE, src + c->sent, n);
	bool last = c->sent + n == c->total;
	if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
	    (int)n)
		return -1;
	c->sent += n;
	if (last)
		return finish(wsi, c);
	lws_callback_on_writable(wsi);
	return 0;
}

/* Answers a WebSocket handshake that is refused with its status and a
 * one-line body, and returns 1: lws then ends this HTTP transaction
 * itself (the connection stays open for another request). */
static int refuse_upgrade(struct lws *wsi, int status)
{
	unsigned char buf[LWS_PRE + 2048];
	unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	const char *body = status == 404   ? "not found\n"
	                   : status == 403 ? "forbidden\n"
	                   : status == 429 ? "too many connections\n"
	                   : status == 503 ? "busy\n"
	                                   : "bad request\n";
	size_t blen = strlen(body);
	if (lws_add_http_common_headers(wsi, (unsigned)status, "text/plain; charset=utf-8",
	                                (lws_filepos_t)blen, &p, end) ||
	    add_security_headers(wsi, &p, end) ||
	    add_header(wsi, "cache-control:", "no-store", &p, end) ||
	    lws_finalize_http_header(wsi, &p, end) || (size_t)(end - p) < blen)
		return -1;
	memcpy(p, body, blen);
	p += blen;
	size_t n = (size_t)(p - start);
	return lws_write(wsi, start, n, LWS_WRITE_HTTP_HEADERS) == (int)n ? 1 : -1;
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
	struct conn *c = user;
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_http(wsi, c, in);
	case LWS_CALLBACK_HTTP_BODY:
		if (c->discard_body)
			return 0;
		if (!c->in_request || !c->awaiting_body)
			return -1;
		if (c->rq.body.len + len > (size_t)c->rq.content_length ||
		    !sb_append(&c->rq.body, in, len))
			return -1;
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (c->discard_body)
			return -1; /* the early answer is out: close */
		if (!c->in_request || !c->awaiting_body)
			return 0;
		c->awaiting_body = false;
		lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
		return start(wsi, c);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return on_writeable(wsi, c);
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		/* the headers of an upgrade are here, before lws picks a
		   protocol: a refusal gets its status (lws would only close) */
		if (in && strcmp(in, "websocket") == 0) {
			int status = live_upgrade_refusal(wsi);
			if (status)
				return refuse_upgrade(wsi, status);
		}
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* a WebSocket without our subprotocol lands here: refuse it
		   (CONFIRM_UPGRADE has answered those already) */
		return -1;
	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED: {
		if (the_app->cfg.behind_proxy)
			return 0; /* every connection is the proxy's */
		char peer[64];
		lws_get_peer_simple(wsi, peer, sizeof(peer));
		/* refused: closed before a byte is read */
		return clients_admit(wsi, peer, the_app->cfg.max_conns_per_client) ? 0 : -1;
	}
	case LWS_CALLBACK_WSI_DESTROY:
		clients_leave(wsi);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* a worker finished something (or a signal came) */
		worker_drain(the_app);
		return 0;
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (c)
			conn_reset(c);
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
    {"http", callback_http, sizeof(struct conn), 0, 0, NULL, 0},
    LIVE_PROTOCOL,
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static const lws_retry_bo_t retry = {
    .secs_since_valid_ping = 25,
    .secs_since_valid_hangup = 40,
};

static void log_emit(int level, const char *line)
{
	(void)level;
	fprintf(stderr, "wijkwijzer: lws: %s", line);
}

/* Finds out why a listen failed, for a one-line message. */
static const char *bind_problem(const char *addr, int port)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	int fd = -1, rc = -1;
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, addr, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0)
			rc = bind(fd, (struct sockaddr *)&a4, sizeof(a4));
	} else if (inet_pton(AF_INET6, addr, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		if (fd >= 0)
			rc = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	} else {
		return "not a numeric IP address";
	}
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		return "the server could not start";
	return strerror(e);
}

/* After a COMMIT that changed a day: the booking caches forget it, and
 * the mail thread looks for messages the write may have added. */
static void committed(struct app *app, const char *location, const char *date,
                      enum writer_change what)
{
	booking_writer_changed(app, location, date, what);
	mail_wake();
}

bool server_start(struct app *app, char *err, size_t errlen)
{
	the_app = app;
	lws_set_log_level(LLL_ERR, log_emit);
	/* lws would print its own multi-line complaint about a busy port */
	int quiet = 0;
	lws_set_log_level(quiet, log_emit);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = app->cfg.port;
	info.iface = app->cfg.listen;
	info.protocols = protocols;
	info.vhost_name = "wijkwijzer";
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
	if (strchr(app->cfg.listen, ':'))
		info.options &= ~(uint64_t)LWS_SERVER_OPTION_DISABLE_IPV6;
	info.timeout_secs = 20;
	info.keepalive_timeout = 10;
	info.retry_and_idle_policy = &retry;
	info.max_http_header_data = 4096;
	/* no pool limit of its own: lws would make requests beyond it wait
	   unseen, outside every bounded queue; the connection caps and the
	   queues bound the work instead, and a full queue answers 503 */
	info.max_http_header_pool = 0;
	/* a cap on open connections, within the open files limit; three
	   quarters may be WebSockets, the rest stays for page requests */
	struct rlimit rl;
	rlim_t fds = 20000;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < fds)
		fds = rl.rlim_cur;
	info.fd_limit_per_thread = (unsigned int)fds;
	live_max_sessions = fds > 128 ? (size_t)fds * 3 / 4 : 16;
	live_max_per_client = app->cfg.max_ws_per_client;
	info.user = app;
	app->ctx = lws_create_context(&info);
	lws_set_log_level(LLL_ERR, log_emit);
	if (!app->ctx) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", app->cfg.listen, app->cfg.port,
		         bind_problem(app->cfg.listen, app->cfg.port));
		return false;
	}
	/* the writer tells the booking caches and the mail thread, then the
	   live subscribers */
	writer_on_change(committed, live_day_changed);
	/* a staff account's ended sessions close its live staff channels */
	staff_on_sessions_ended(live_staff_ended);
	if (!writer_start(app, err, errlen) || !mail_start(app, err, errlen) ||
	    !workers_start(app, app->cfg.workers, SLOW_THREADS, err, errlen))
		return false;
	lws_sul_schedule(app->ctx, 0, &retention_timer, retention_run, 1);
	lws_sul_schedule(app->ctx, 0, &insight_timer, insight_run, 60 * LWS_US_PER_SEC);
	return true;
}

void server_run(struct app *app, volatile sig_atomic_t *stop, volatile sig_atomic_t *reload)
{
	while (!*stop && lws_service(app->ctx, 0) >= 0) {
		if (*reload) {
			*reload = 0;
			start_reload();
		}
	}
}

void server_wake(struct app *app)
{
	if (app->ctx)
		lws_cancel_service(app->ctx);
}

void server_stop(struct app *app)
{
	if (app->ctx) {
		lws_sul_cancel(&retention_timer);
		lws_sul_cancel(&insight_timer);
	}
	/* workers first (they may wait for the writer), then the writer;
	   answers that come back now are dropped, not written */
	workers_stop();
	mail_stop(); /* it writes through the writer */
	/* the last counts, while the writer still runs */
	if (app->ctx && insight_flush(app) < 0)
		fprintf(stderr, "wijkwijzer: insight: the last counts could not be stored\n");
	writer_stop();
	workers_drop_answers(app);
	if (app->ctx)
		lws_context_destroy(app->ctx);
	app->ctx = NULL;
	live_shutdown();
	cache_clear();
	clients_clear();
}
