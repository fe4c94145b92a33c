/* home: the entry points: language choice, the home page, health and
 * static assets. */
#include <string.h>

#include "base/assets.h"
#include "exec/db.h"
#include "store/catalog.h"
#include "web/handlers.h"
#include "web/page.h"
#include "net/route.h"
#include "web/templates.h"

/* The language for a request without one in its path: the remembered
 * choice, then the browser's preference, then Dutch. */
static const struct i18n_lang *preferred_lang(struct request *rq)
{
	struct sb *c = arena_sb(&rq->arena, 64);
	const struct i18n_lang *l =
	    c && request_cookie(rq, "lang", c) ? i18n_find(sb_str(c)) : NULL;
	if (!l)
		l = i18n_negotiate(rq->accept_language);
	return l ? l : i18n_default();
}

/* The strings below come from the request's arena: nothing to free. */
void handle_root(struct request *rq, struct response *rs)
{
	const struct i18n_lang *l = preferred_lang(rq);
	const char *loc = arena_printf(&rq->arena, "/%s/", l->code);
	if (!loc || !response_redirect(rs, 303, loc)) {
		rs->body.failed = true;
		return;
	}
	response_header(rs, "Vary", "Accept-Language, Cookie");
	rs->cache_control = "no-cache";
}

void handle_lang_root(struct request *rq, struct response *rs)
{
	const char *loc = arena_printf(&rq->arena, "/%s/", route_param(rq, 0));
	if (!loc || !response_redirect(rs, 301, loc))
		rs->body.failed = true;
}

/* Search engines stay away from everything personal: booking pages
 * (their token is the key to an appointment), staff and kiosk pages. */
void handle_robots(struct request *rq, struct response *rs)
{
	(void)rq;
	rs->content_type = "text/plain; charset=utf-8";
	rs->cache_control = "public, max-age=86400";
	sb_puts(&rs->body, "User-agent: *\n"
	                   "Disallow: /afspraak/\n"
	                   "Disallow: /*/afspraak/\n"
	                   "Disallow: /*/medewerker\n"
	                   "Disallow: /medewerker/\n"
	                   "Disallow: /kiosk/\n"
	                   "Disallow: /lees-voor.wav\n"
	                   "Disallow: /api/v1/bookings\n");
}

void handle_healthz(struct request *rq, struct response *rs)
{
	(void)rq;
	rs->content_type = "application/json";
	rs->cache_control = "no-store";
	sb_puts(&rs->body, "{\"status\":\"ok\"}\n");
}

void handle_static(struct request *rq, struct response *rs)
{
	const struct asset *a = asset_find(route_param(rq, 0));
	if (!a) {
		http_not_found(rq, rs);
		return;
	}
	const char *v = params_get(&rq->query, "v");
	rs->content_type = a->content_type;
	/* compressed at build time; each form has its own strong ETag */
	const struct representations r = {a->data,   a->gz,   a->br,      a->len,    a->gz_len,
	                                  a->br_len, a->etag, a->etag_gz, a->etag_br};
	response_representation(rs, rq, &r);
	/* versioned URLs never change, so they may be cached for a year */
	rs->cache_control = (v && strncmp(v, a->hash, 8) == 0 && strlen(v) == 8)
	                        ? "public, max-age=31536000, immutable"
	                        : "public, max-age=300";
}

/* The markup is the template web/templates/home.html (and its partials
 * path_card.html and icon.html), inside the layout of page.c. */
void handle_home(struct request *rq, struct response *rs)
{
	const struct site_info *site = catalog_site(db_catalog(rq->app));
	if (!site) {
		rs->body.failed = true; /* a 500: the content has no site.csv */
		return;
	}
	const struct home_view v = {
	    .lang = (rq->lang ? rq->lang : i18n_default())->code,
	    .municipality = site->municipality,
	    .wijkwijzers = site->wijkwijzers,
	};
	/* a body that failed becomes a 500 in server.c */
	if (page_begin(rs, rq, _("Hulp en ondersteuning dichtbij"), 0) && tpl_home(&rs->body, &v))
		page_end(rs, rq);
}
