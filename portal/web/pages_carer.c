/* pages_carer: /{lang}/mantelzorg, the carer's entry point: the eight kinds
 * of support for mantelzorgers and the respite finder. */
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "store/catalog.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "net/route.h"
#include "base/text.h"

struct choice {
	const char *value;
	const char *label;
};

static void radios(struct sb *o, struct request *rq, const char *name, const char *legend,
                   const struct choice *c, size_t n)
{
	const char *cur = params_get(&rq->query, name);
	html_fmt(o, "<fieldset class=\"choices\"><legend>%s</legend>\n", legend);
	for (size_t i = 0; i < n; i++) {
		bool on = cur ? strcmp(cur, c[i].value) == 0 : c[i].value[0] == '\0';
		html_fmt(o,
		         "<div class=\"check\"><input type=\"radio\" id=\"r-%s-%zu\" name=\"%s\" "
		         "value=\"%s\"%s>"
		         "<label for=\"r-%s-%zu\">%s</label></div>\n",
		         name, i, name, c[i].value, on ? " checked" : "", name, i, c[i].label);
	}
	html_raw(o, "</fieldset>\n");
}

/* Only a value from the offered choices reaches the query. */
static const char *pick(struct request *rq, const char *name, const struct choice *c, size_t n)
{
	const char *v = params_get(&rq->query, name);
	for (size_t i = 1; v && i < n; i++)
		if (strcmp(v, c[i].value) == 0)
			return c[i].value;
	return NULL;
}

void handle_carer(struct request *rq, struct response *rs)
{
	struct sb *o = &rs->body;
	struct catalog *cat = db_catalog(rq->app);
	page_begin(rs, rq, _("Steun voor mantelzorgers"), 0);
	html_fmt(
	    o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", _("Zorgt u voor iemand?"),
	    _("Dan bent u mantelzorger. Zorgen voor een ander geeft vaak voldoening, maar kan ook "
	      "zwaar zijn. U hoeft het niet alleen te doen. Hier vindt u steun, dichtbij."));

	struct sb href;
	sb_init(&href, 256);
	page_link(&href, rq, "/zelfcheck?voor=mantelzorg");
	html_fmt(o, "<p><a class=\"button\" href=\"%s\">%s</a></p>\n", sb_str(&href),
	         _("Hoe zwaar is het voor u? Doe de korte check"));

	html_fmt(o, "<h2>%s</h2>\n<ul class=\"paths functions\">\n",
	         _("Wat is er voor mantelzorgers?"));
	struct term *t;
	size_t n = catalog_terms(cat, "mantelzorgfunctie", &t);
	for (size_t i = 0; i < n; i++) {
		sb_reset(&href);
		page_link(&href, rq, "/voorzieningen?functie=");
		text_url_encode(&href, t[i].id);
		html_fmt(o, "<li class=\"path-card\"><h3><a href=\"%s\">%s</a></h3>", sb_str(&href),
		         C_(t[i].name));
		struct catalog_filter f;
		memset(&f, 0, sizeof(f));
		f.function = t[i].id;
		f.lang = rq->lang->code;
		f.limit = 1;
		f.now = clock_now();
		f.respite_notice_max = -1;
		struct catalog_result r;
		if (catalog_search(cat, &f, &r)) {
			html_raw(o, "<p>");
			if (r.total_capped)
				/* TRANSLATORS: the search counts no further than 1000 */
				html_text(o, _("meer dan 1.000 mogelijkheden in Enschede"));
			else
				html_textf(o,
				           NG_("%zu mogelijkheid in Enschede",
				               "%zu mogelijkheden in Enschede", r.total),
				           r.total);
			html_raw(o, "</p>");
			catalog_result_free(&r);
		}
		html_raw(o, "</li>\n");
	}
	catalog_terms_free(t, n);
	html_raw(o, "</ul>\n");

	/* the respite finder */
	const struct choice setting[] = {{"", _("Maakt niet uit")},
	                                 {"thuis", _("Bij ons thuis")},
	                                 {"buitenshuis", _("Buiten de deur")}};
	const struct choice times[] = {
	    {"", _("Maakt niet uit")},        {"dag", _("Overdag")},
	    {"avond", _("'s Avonds")},        {"nacht", _("'s Nachts")},
	    {"weekend", _("In het weekend")}, {"logeren", _("Een paar dagen logeren")}};
	const struct choice provider[] = {{"", _("Maakt niet uit")},
	                                  {"vrijwilliger", _("Een vrijwilliger")},
	                                  {"professional", _("Een beroepskracht")}};
	const struct choice whom[] = {
	    {"", _("Maakt niet uit")},
	    {"dementie", _("Iemand met dementie")},
	    {"nah", _("Iemand met hersenletsel (NAH)")},
	    {"verstandelijke-beperking", _("Iemand met een verstandelijke beperking")},
	    {"lichamelijke-beperking", _("Iemand met een lichamelijke beperking")},
	    {"ggz", _("Iemand met psychische problemen")},
	    {"kinderen", _("Een kind")}};
	const struct choice soon[] = {
	    {"", _("Maakt niet uit")}, {"7", _("Binnen een week")}, {"28", _("Binnen vier weken")}};
#define N(a) (sizeof(a) / sizeof(a[0]))
	html_fmt(
	    o,
	    "<section class=\"finder\" aria-labelledby=\"finder-title\">\n<h2 "
	    "id=\"finder-title\">%s</h2>\n<p>%s</p>\n",
	    _("Respijtzorg zoeken: de zorg even overdragen"),
	    _("Respijtzorg neemt de zorg een tijdje van u over. Zo heeft u even tijd voor uzelf."));
	struct point near;
	const char *place_error = read_place(rq, &near);
	sb_reset(&href);
	page_link(&href, rq, "/mantelzorg");
	html_fmt(o, "<form method=\"get\" action=\"%s#finder-title\">\n", sb_str(&href));
	place_fields(o, rq, place_error);
	radios(o, rq, "waar", _("Waar?"), setting, N(setting));
	radios(o, rq, "wanneer", _("Wanneer?"), times, N(times));
	radios(o, rq, "wie", _("Wie mag het doen?"), provider, N(provider));
	radios(o, rq, "voor", _("Voor wie zorgt u?"), whom, N(whom));
	radios(o, rq, "termijn", _("Hoe snel heeft u het nodig?"), soon, N(soon));
	html_fmt(o, "<p><button type=\"submit\">%s</button></p>\n</form>\n", _("Zoek respijtzorg"));

	struct catalog_filter f;
	memset(&f, 0, sizeof(f));
	f.respite_only = true;
	f.respite_setting = pick(rq, "waar", setting, N(setting));
	f.respite_time = pick(rq, "wanneer", times, N(times));
	f.respite_provider = pick(rq, "wie", provider, N(provider));
	f.respite_for = pick(rq, "voor", whom, N(whom));
	const char *within = pick(rq, "termijn", soon, N(soon));
	long days = -1;
	f.respite_notice_max = within && text_parse_long(within, 0, 365, &days) ? days : -1;
	f.near = near;
	f.lang = rq->lang->code;
	f.limit = 50;
	f.now = clock_now();
#undef N
	struct catalog_result r;
	if (catalog_search(cat, &f, &r)) {
		html_raw(o, "<h3 class=\"result-count\">");
		result_count(o, &r);
		html_raw(o, "</h3>\n");
		if (r.total == 0)
			html_fmt(o, "<p class=\"notice\">%s</p>\n",
			         _("Niets gevonden met deze keuzes. Kies vaker 'Maakt niet uit', "
			           "of vraag de "
			           "wijkwijzer: samen vindt u vaak toch iets."));
		else
			render_hits(o, rq, &r, "h4");
		catalog_result_free(&r);
	}
	html_raw(o, "</section>\n");
	sb_free(&href);
	page_end(rs, rq);
}
