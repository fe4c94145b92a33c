/* home: the entry points: language choice, the home page, health and
 * static assets. */
#include <string.h>

#include "base/assets.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "net/route.h"

/* The language for a request without one in its path: the remembered
 * choice, then the browser's preference, then Dutch. */
static const struct i18n_lang *preferred_lang(const struct request *rq)
{
	struct sb c;
	sb_init(&c, 64);
	const struct i18n_lang *l = NULL;
	if (request_cookie(rq, "lang", &c))
		l = i18n_find(sb_str(&c));
	sb_free(&c);
	if (!l)
		l = i18n_negotiate(rq->accept_language);
	return l ? l : i18n_default();
}

void handle_root(struct request *rq, struct response *rs)
{
	const struct i18n_lang *l = preferred_lang(rq);
	struct sb loc;
	sb_init(&loc, 64);
	sb_appendf(&loc, "/%s/", l->code);
	response_redirect(rs, 303, sb_str(&loc));
	response_header(rs, "Vary", "Accept-Language, Cookie");
	rs->cache_control = "no-cache";
	sb_free(&loc);
}

void handle_lang_root(struct request *rq, struct response *rs)
{
	struct sb loc;
	sb_init(&loc, 64);
	sb_appendf(&loc, "/%s/", route_param(rq, 0));
	response_redirect(rs, 301, sb_str(&loc));
	sb_free(&loc);
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

struct home_path {
	const char *href;
	const char *icon;
	const char *title;
	const char *text;
	const char *action;
};

void handle_home(struct request *rq, struct response *rs)
{
	struct sb *o = &rs->body;
	const struct home_path paths[] = {
	    {"/zelfcheck", "check", _("Wat kan mij helpen?"),
	     _("Beantwoord een paar korte vragen over uw dagelijks leven. U krijgt advies "
	       "over wat u kan helpen. Dat duurt ongeveer vijf minuten."),
	     _("Start de zelfcheck")},
	    {"/voorzieningen", "pin", _("Hulp en activiteiten in de buurt"),
	     _("Ontmoeting, een warme maaltijd, vervoer, hulp bij geldzaken en meer. Vaak "
	       "gratis en zonder aanmelding."),
	     _("Zoek in uw buurt")},
	    {"/afspraak", "calendar", _("Praat met de wijkwijzer"),
	     _("Maak een afspraak op een plek en tijd die u past. U krijgt een bevestiging "
	       "met een code."),
	     _("Maak een afspraak")},
	    {"/mantelzorg", "heart", _("Zorgt u voor iemand?"),
	     _("Steun voor mantelzorgers: informatie, een luisterend oor en even tijd voor "
	       "uzelf (respijtzorg)."),
	     _("Steun voor mantelzorgers")},
	};
	page_begin(rs, rq, _("Hulp en ondersteuning dichtbij"), 0);
	html_fmt(o,
	         "<section class=\"intro\">\n<h1>%s</h1>\n<p class=\"lead\">%s</p>\n</section>\n",
	         _("Hulp en ondersteuning dichtbij"),
	         _("Wilt u zo lang mogelijk zelfstandig blijven wonen, of zorgt u voor iemand? "
	           "Hier vindt u wat u daarbij kan helpen. Eerst wat dichtbij is en wat u zonder "
	           "aanvraag kunt gebruiken. Is dat niet genoeg? Dan denkt de wijkwijzer met u "
	           "mee."));
	html_fmt(o, "<h2 class=\"visually-hidden\">%s</h2>\n<ul class=\"paths\">\n",
	         _("Waar kunnen we u mee helpen?"));
	struct sb href;
	sb_init(&href, 256);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		sb_reset(&href);
		page_link(&href, rq, paths[i].href);
		html_fmt(o, "<li class=\"path-card\">\n<h3><a href=\"%s\">", sb_str(&href));
		page_icon(o, paths[i].icon, 40);
		html_fmt(
		    o,
		    "%s</a></h3>\n<p>%s</p>\n<p class=\"path-action\" aria-hidden=\"true\">%s</p>\n"
		    "</li>\n",
		    paths[i].title, paths[i].text, paths[i].action);
	}
	html_raw(o, "</ul>\n");
	html_fmt(o,
	         "<section class=\"steps\" aria-labelledby=\"steps-title\">\n<h2 "
	         "id=\"steps-title\">%s</h2>\n<ol>\n",
	         _("Zo werkt het"));
	html_fmt(o, "<li><strong>%s</strong> %s</li>\n", _("Wat kunt u zelf?"),
	         _("Kijk wat u zelf kunt doen, en wie in uw omgeving kan helpen: familie, "
	           "buren, vrienden."));
	html_fmt(o, "<li><strong>%s</strong> %s</li>\n", _("Wat is er in uw buurt?"),
	         _("In Enschede is veel te doen en te krijgen, vaak gratis en zonder "
	           "aanmelding."));
	html_fmt(o, "<li><strong>%s</strong> %s</li>\n", _("Samen verder kijken."),
	         _("Lukt het daarmee niet? Dan zoekt de wijkwijzer samen met u naar een "
	           "oplossing."));
	html_raw(o, "</ol>\n</section>\n");
	html_fmt(o,
	         "<section class=\"contact\" aria-labelledby=\"contact-title\">\n<h2 "
	         "id=\"contact-title\">%s</h2>\n<p>%s</p>\n</section>\n",
	         _("Liever iemand spreken?"),
	         _("Loop binnen bij een van de tien wijkwijzers in Enschede. U hoeft geen "
	           "afspraak te maken en u mag iemand meenemen."));
	sb_free(&href);
	page_end(rs, rq);
}
