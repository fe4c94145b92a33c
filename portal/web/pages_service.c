/* pages_service: the page of one service, /{lang}/voorzieningen/{id}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "store/catalog.h"
#include "store/content.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "net/route.h"
#include "base/text.h"

/* A labelled block of content text, skipped when empty. */
static void text_block(struct sb *o, const struct request *rq, const char *heading,
                       const char *text)
{
	if (!text || !*text)
		return;
	html_fmt(o, "<h2>%s</h2>\n<p>", heading);
	content_text(o, rq, text);
	html_raw(o, "</p>\n");
}

static void week_table(struct sb *o, struct catalog *c, const char *service_id,
                       const char *place_id)
{
	struct hours_period p[64];
	size_t n = catalog_periods(c, service_id, place_id, p, 64);
	if (!n)
		return;
	html_fmt(o, "<table class=\"hours-table\">\n<caption>%s</caption>\n<tbody>\n",
	         _("Openingstijden"));
	static const int order[7] = {1, 2, 3, 4, 5, 6, 0};
	struct sb t;
	sb_init(&t, 128);
	for (int k = 0; k < 7; k++) {
		int wd = order[k];
		html_fmt(o, "<tr><th scope=\"row\">%s</th><td>", i18n_weekday_name(wd));
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			if (p[i].wday != wd)
				continue;
			sb_reset(&t);
			int cl = p[i].closes % 1440;
			/* TRANSLATORS: opening hours: %1$d.%2$02d opens, %3$d.%4$02d closes */
			sb_appendf(&t, _("%1$d.%2$02d - %3$d.%4$02d uur"), p[i].opens / 60,
			           p[i].opens % 60, cl / 60, cl % 60);
			html_fmt(o, "%s<span class=\"ltr\">%s</span>", any ? ", " : "", sb_str(&t));
			any = true;
		}
		if (!any)
			html_text(o, _("gesloten"));
		html_raw(o, "</td></tr>\n");
	}
	sb_free(&t);
	html_raw(o, "</tbody>\n</table>\n");
	html_fmt(o, "<p class=\"hint\">%s</p>\n", _("Op feestdagen is het gesloten."));
}

struct label {
	const char *code;
	const char *text;
};

static const char *label_of(const struct label *l, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i].code, code) == 0)
			return l[i].text;
	return code;
}

/* Writes a semicolon list of codes as translated words. */
static void code_list(struct sb *o, const struct label *l, size_t n, const char *codes)
{
	const char *p = codes;
	bool first = true;
	while (*p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		char code[64];
		snprintf(code, sizeof(code), "%.*s", (int)(len < 63 ? len : 63), p);
		html_fmt(o, "%s%s", first ? "" : ", ", label_of(l, n, code));
		first = false;
		if (!semi)
			break;
		p = semi + 1;
	}
}

static void respite_block(struct sb *o, struct catalog *c, const char *id)
{
	struct content_respite r;
	if (content_respite(c, id, &r) != CONTENT_FOUND)
		return;
	const struct label setting[] = {{"thuis", _("bij u thuis")},
	                                {"buitenshuis", _("buiten de deur")}};
	const struct label times[] = {{"dag", _("overdag")},
	                              {"avond", _("'s avonds")},
	                              {"nacht", _("'s nachts")},
	                              {"weekend", _("in het weekend")},
	                              {"logeren", _("logeren")}};
	const struct label provider[] = {{"vrijwilliger", _("vrijwilligers")},
	                                 {"professional", _("beroepskrachten")},
	                                 {"beide", _("vrijwilligers en beroepskrachten")}};
	const struct label payer[] = {{"gemeente", _("de gemeente (Wmo)")},
	                              {"zorgverzekeraar", _("de zorgverzekeraar")},
	                              {"wlz", _("de Wet langdurige zorg (Wlz)")},
	                              {"gratis", _("gratis")},
	                              {"eigen-bijdrage", _("een eigen bijdrage")}};
	const struct label whom[] = {
	    {"dementie", _("mensen met dementie")},
	    {"nah", _("mensen met hersenletsel (NAH)")},
	    {"verstandelijke-beperking", _("mensen met een verstandelijke beperking")},
	    {"lichamelijke-beperking", _("mensen met een lichamelijke beperking")},
	    {"ggz", _("mensen met psychische problemen")},
	    {"ouderen", _("ouderen")},
	    {"kinderen", _("kinderen")},
	    {"iedereen", _("iedereen")}};
#define N(a) (sizeof(a) / sizeof(a[0]))
	html_fmt(o,
	         "<section class=\"respite\" aria-labelledby=\"respite-title\">\n<h2 "
	         "id=\"respite-title\">%s</h2>\n<dl>\n",
	         _("Respijtzorg: even tijd voor uzelf"));
	html_fmt(o, "<dt>%s</dt><dd>%s</dd>\n", _("Waar"),
	         label_of(setting, N(setting), r.setting));
	html_fmt(o, "<dt>%s</dt><dd>", _("Wanneer"));
	code_list(o, times, N(times), r.times);
	html_fmt(o, "</dd>\n<dt>%s</dt><dd>%s</dd>\n", _("Wie helpt"),
	         label_of(provider, N(provider), r.provider));
	long notice = r.notice_days;
	html_fmt(o, "<dt>%s</dt><dd><strong>", _("Op tijd aanvragen"));
	notice_text(o, notice);
	html_raw(o, "</strong></dd>\n");
	if (r.has_min_duration) {
		long h = r.min_duration_hours;
		html_fmt(o, "<dt>%s</dt><dd>", _("Minimale duur"));
		html_textf(o, NG_("%ld uur", "%ld uur", h), h);
		html_raw(o, "</dd>\n");
	}
	html_fmt(o, "<dt>%s</dt><dd>", _("Wie betaalt"));
	code_list(o, payer, N(payer), r.payer);
	html_fmt(o, "</dd>\n<dt>%s</dt><dd>", _("Voor wie"));
	code_list(o, whom, N(whom), r.for_whom);
	html_raw(o, "</dd>\n</dl>\n");
#undef N
	if (r.notes && *r.notes) {
		html_raw(o, "<p>");
		html_text(o, C_(r.notes));
		html_raw(o, "</p>\n");
	}
	html_raw(o, "</section>\n");
	content_respite_free(&r);
}

static void term_list(struct sb *o, struct catalog *c, const char *id, const char *taxonomy,
                      const char *heading)
{
	struct content_strings names;
	if (!content_service_term_names(c, id, taxonomy, &names))
		return;
	for (size_t i = 0; i < names.n; i++) {
		if (i == 0)
			html_fmt(o, "<h2>%s</h2>\n<ul class=\"tags\">\n", heading);
		html_fmt(o, "<li>%s</li>\n", C_(names.v[i]));
	}
	if (names.n)
		html_raw(o, "</ul>\n");
	content_strings_free(&names);
}

static void places_block(struct sb *o, struct request *rq, const char *id, const struct point *near)
{
	struct catalog *c = db_catalog(rq->app);
	struct content_place *rows;
	size_t n;
	if (!content_service_places(c, id, near, 16, &rows, &n))
		return;
	html_fmt(o, "<h2>%s</h2>\n", _("Waar"));
	struct sb tmp;
	sb_init(&tmp, 512);
	for (size_t i = 0; i < n; i++) {
		html_fmt(o,
		         "<section class=\"place\">\n<h3>%s</h3>\n<p class=\"address\">%s<br><span "
		         "class=\"ltr\">%s</span> %s",
		         rows[i].name, rows[i].address, rows[i].postal_code, rows[i].city);
		if (rows[i].has_distance) {
			sb_reset(&tmp);
			i18n_format_distance(&tmp, (long)(rows[i].distance_m + 0.5));
			html_raw(o, "<br>");
			/* TRANSLATORS: %s is a distance ("1,2 km") */
			html_textf(o, _("%s van uw postcode"), sb_str(&tmp));
		}
		html_raw(o, "</p>\n");
		if (rows[i].transportation && *rows[i].transportation) {
			html_raw(o, "<p>");
			content_text(o, rq, rows[i].transportation);
			html_raw(o, "</p>\n");
		}
		struct hours_status hs;
		catalog_hours(c, id, rows[i].id, clock_now(), &hs);
		html_raw(o, "<p>");
		hours_text(o, &hs);
		html_raw(o, "</p>\n");
		week_table(o, c, id, rows[i].id);
		/* accessibility of the place */
		struct content_strings acc;
		if (content_place_term_names(c, rows[i].id, "toegankelijkheid", &acc)) {
			for (size_t k = 0; k < acc.n; k++) {
				if (k == 0)
					html_fmt(
					    o, "<p><strong>%s</strong></p>\n<ul class=\"tags\">\n",
					    _("Toegankelijkheid"));
				html_fmt(o, "<li>%s</li>\n", C_(acc.v[k]));
			}
			if (acc.n)
				html_raw(o, "</ul>\n");
			content_strings_free(&acc);
		}
		sb_reset(&tmp);
		sb_appendf(&tmp, "https://www.openstreetmap.org/directions?to=%.5f%%2C%.5f",
		           rows[i].lat, rows[i].lon);
		html_fmt(o,
		         "<p class=\"no-print\"><a href=\"%s\" "
		         "rel=\"noreferrer\">%s</a></p>\n</section>\n",
		         sb_str(&tmp), _("Routebeschrijving (OpenStreetMap)"));
	}
	sb_free(&tmp);
	content_places_free(rows, n);
}

void handle_service(struct request *rq, struct response *rs)
{
	struct catalog *c = db_catalog(rq->app);
	struct sb *o = &rs->body;
	const char *id = route_param(rq, 1);
	struct content_service svc;
	enum content_result found = content_service(c, id, &svc);
	if (found == CONTENT_ERROR) {
		page_error(
		    rq, rs, 500, "internal",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	if (found != CONTENT_FOUND) {
		page_error(
		    rq, rs, 404, "not_found",
		    _("Dit aanbod bestaat niet (meer). Zoek opnieuw, of vraag het de wijkwijzer."));
		return;
	}
	const char *name = svc.name, *desc = svc.description,
	           *how = svc.application_process ? svc.application_process : "",
	           *fees = svc.fees_description ? svc.fees_description : "",
	           *who = svc.eligibility_description ? svc.eligibility_description : "",
	           *url = svc.url                    ? svc.url
	                  : svc.organization_website ? svc.organization_website
	                                             : "",
	           *org = svc.organization_name, *org_id = svc.organization_id,
	           *email = svc.organization_email ? svc.organization_email : "";
	struct point near;
	read_place(rq, &near);

	page_begin(rs, rq, C_(name), 0);
	struct sb back;
	sb_init(&back, 256);
	page_link(&back, rq, "/voorzieningen");
	html_fmt(o, "<p class=\"back no-print\"><a href=\"%s\">%s</a></p>\n", sb_str(&back),
	         _("Terug naar zoeken"));
	html_raw(o, "<article class=\"service\">\n<h1>");
	content_text(o, rq, name);
	html_fmt(o, "</h1>\n<p class=\"result-org\">%s</p>\n", org);
	if (content_untranslated(rq, desc))
		html_fmt(o, "<p class=\"notice\">%s</p>\n",
		         _("Deze tekst is nog niet vertaald. U leest hem in het Nederlands."));
	html_raw(o, "<p class=\"lead\">");
	content_text(o, rq, desc);
	html_raw(o, "</p>\n");
	text_block(o, rq, _("Voor wie"), who);
	text_block(o, rq, _("Hoe begint u?"), how);
	text_block(o, rq, _("Kosten"), fees);
	respite_block(o, c, id);
	places_block(o, rq, id, &near);

	/* phone numbers of the service, its places or its organisation */
	struct content_phone *phones;
	size_t nphones;
	html_fmt(o, "<h2>%s</h2>\n<ul class=\"contact-list\">\n", _("Contact"));
	if (content_service_phones(c, id, org_id, 3, &phones, &nphones)) {
		struct sb tel;
		sb_init(&tel, 64);
		for (size_t i = 0; i < nphones; i++) {
			sb_reset(&tel);
			for (const char *p = phones[i].number; *p; p++)
				if ((*p >= '0' && *p <= '9') || *p == '+')
					sb_putc(&tel, *p);
			html_fmt(o, "<li>");
			page_icon(o, "phone", 20);
			html_fmt(o, " <a href=\"tel:%s\" class=\"ltr\">%s</a>", sb_str(&tel),
			         phones[i].number);
			if (phones[i].description && *phones[i].description) {
				html_raw(o, " (");
				html_text(o, C_(phones[i].description));
				html_raw(o, ")");
			}
			html_raw(o, "</li>\n");
		}
		sb_free(&tel);
		content_phones_free(phones, nphones);
	}
	if (*email)
		html_fmt(o, "<li><a href=\"mailto:%s\" class=\"ltr\">%s</a></li>\n", email, email);
	if (*url)
		html_fmt(o, "<li><a href=\"%s\" rel=\"noreferrer\" class=\"ltr\">%s</a></li>\n",
		         url, url);
	html_raw(o, "</ul>\n");

	struct content_strings langs;
	if (content_service_language_names(c, id, &langs)) {
		for (size_t i = 0; i < langs.n; i++) {
			if (i == 0)
				html_fmt(o, "<h2>%s</h2>\n<p>%s ", _("Talen"),
				         _("Naast Nederlands spreken we ook:"));
			html_fmt(o, "%s%s", i ? ", " : "", C_(langs.v[i]));
		}
		if (langs.n)
			html_raw(o, "</p>\n");
		content_strings_free(&langs);
	}
	term_list(o, c, id, "categorie", _("Onderwerpen"));
	term_list(o, c, id, "doelgroep", _("Voor wie is het bedoeld"));
	html_raw(o, "</article>\n");
	struct sb book;
	sb_init(&book, 256);
	page_link(&book, rq, "/afspraak");
	html_fmt(o,
	         "<aside class=\"contact no-print\"><h2>%s</h2><p>%s</p><p><a class=\"button "
	         "secondary\" href=\"%s\">%s</a></p></aside>\n",
	         _("Past dit niet helemaal?"),
	         _("De wijkwijzer denkt met u mee en kent nog meer mogelijkheden."), sb_str(&book),
	         _("Maak een afspraak"));
	sb_free(&book);
	sb_free(&back);
	content_service_free(&svc);
	page_end(rs, rq);
}
