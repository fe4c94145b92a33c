/* pages_catalog: the pages that show the catalogue: search and nearby
 * (/voorzieningen), a service (/voorzieningen/{id}) and the carer's entry
 * point with the respite finder (/mantelzorg). */
#include <stdlib.h>
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

#define CHECK_ACCESS_MAX 5

/* Writes a content text in the page language; when it has no translation
 * it is marked as Dutch so screen readers pronounce it right. */
void content_text(struct sb *o, const struct request *rq, const char *nl_text)
{
	const char *t = C_(nl_text);
	if (t == nl_text && rq->lang && strcmp(rq->lang->code, "nl") != 0 && *nl_text)
		html_fmt(o, "<span lang=\"nl\">%s</span>", nl_text);
	else
		html_text(o, t);
}

bool content_untranslated(const struct request *rq, const char *nl_text)
{
	return rq->lang && strcmp(rq->lang->code, "nl") != 0 && *nl_text && C_(nl_text) == nl_text;
}

void hours_text(struct sb *o, const struct hours_status *h)
{
	struct sb t;
	sb_init(&t, 256);
	if (!h->known) {
		html_fmt(o, "<span class=\"hours unknown\">%s</span>",
		         _("Vraag naar de tijden of kijk in de beschrijving."));
	} else if (h->open) {
		i18n_format_time(&t, (h->closes / 60) % 24, h->closes % 60);
		html_raw(o, "<span class=\"hours open\">");
		/* TRANSLATORS: %s is a time, e.g. "17.00 uur" */
		html_textf(o, _("Nu open, tot %s"), sb_str(&t));
		html_raw(o, "</span>");
	} else if (h->next_known) {
		i18n_format_time(&t, h->next_opens / 60, h->next_opens % 60);
		html_raw(o, "<span class=\"hours closed\">");
		if (h->next_in_days == 0) {
			/* TRANSLATORS: %s is a time */
			html_textf(o, _("Nu gesloten. Opent vandaag om %s"), sb_str(&t));
		} else if (h->next_in_days == 1) {
			html_textf(o, _("Nu gesloten. Opent morgen om %s"), sb_str(&t));
		} else {
			struct sb d;
			sb_init(&d, 128);
			i18n_format_date(&d, h->next_day.year, h->next_day.mon, h->next_day.mday,
			                 h->next_day.wday);
			/* TRANSLATORS: %1$s a date ("dinsdag 1 december"), %2$s a time */
			html_textf(o, _("Nu gesloten. Opent %1$s om %2$s"), sb_str(&d), sb_str(&t));
			sb_free(&d);
		}
		html_raw(o, "</span>");
	} else {
		html_fmt(o, "<span class=\"hours closed\">%s</span>",
		         _("Voorlopig gesloten. Bel even voor u gaat."));
	}
	sb_free(&t);
}

/* Notice period of a respite offer, stated plainly. */
void notice_text(struct sb *o, long days)
{
	if (days <= 0)
		html_text(o, _("U kunt dit meestal direct regelen."));
	else if (days % 7 == 0)
		html_textf(o,
		           NG_("Vraag dit minstens %ld week van tevoren aan.",
		               "Vraag dit minstens %ld weken van tevoren aan.", days / 7),
		           days / 7);
	else
		html_textf(o,
		           NG_("Vraag dit minstens %ld dag van tevoren aan.",
		               "Vraag dit minstens %ld dagen van tevoren aan.", days),
		           days);
}

void render_hits(struct sb *o, const struct request *rq, const struct catalog_result *r,
                 const char *heading_level)
{
	struct sb href, dist;
	sb_init(&href, 512);
	sb_init(&dist, 64);
	html_raw(o, "<ol class=\"results\">\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct catalog_hit *h = &r->hits[i];
		sb_reset(&href);
		page_link(&href, rq, "/voorzieningen/");
		text_url_encode(&href, h->id);
		html_fmt(o, "<li class=\"result\">\n<%s class=\"result-title\"><a href=\"%s\">",
		         heading_level, sb_str(&href));
		content_text(o, rq, h->name);
		html_fmt(o, "</a></%s>\n<p class=\"result-org\">%s</p>\n<p class=\"result-meta\">",
		         heading_level, h->organization);
		if (h->has_distance) {
			sb_reset(&dist);
			i18n_format_distance(&dist, (long)(h->distance_m + 0.5));
			html_raw(o, "<span class=\"distance\">");
			page_icon(o, "pin", 20);
			/* TRANSLATORS: %1$s distance ("1,2 km"), %2$s a place name */
			html_textf(o, _("%1$s, %2$s"), sb_str(&dist), h->place_name);
			html_raw(o, "</span> ");
		} else {
			html_raw(o, "<span class=\"distance\">");
			page_icon(o, "pin", 20);
			html_text(o, h->place_name);
			html_raw(o, "</span> ");
		}
		hours_text(o, &h->hours);
		if (h->free)
			html_fmt(o, " <span class=\"badge free\">%s</span>", _("Gratis"));
		html_raw(o, "</p>\n");
		if (h->notice_days >= 0) {
			html_raw(o, "<p class=\"notice-period\">");
			notice_text(o, h->notice_days);
			html_raw(o, "</p>\n");
		}
		html_raw(o, "</li>\n");
	}
	html_raw(o, "</ol>\n");
	sb_free(&href);
	sb_free(&dist);
}

void result_count(struct sb *o, const struct catalog_result *r)
{
	if (r->total_capped)
		/* TRANSLATORS: the search counts no further than 1000 */
		html_text(o, _("meer dan 1.000 resultaten"));
	else
		html_textf(o, NG_("%zu resultaat", "%zu resultaten", r->total), r->total);
}

/* Reads the place part of a query: a postcode, or the browser's location.
 * Returns a localized problem, or NULL. */
const char *read_place(struct request *rq, struct point *p)
{
	const char *pc = params_get(&rq->query, "postcode");
	switch (catalog_locate(db_catalog(rq->app), pc, params_get(&rq->query, "lat"),
	                       params_get(&rq->query, "lon"), p)) {
	case PLACE_MALFORMED:
		return _(
		    "Een postcode heeft vier cijfers en twee letters, zoals 7511 AB. Alleen de "
		    "vier cijfers mag ook.");
	case PLACE_UNKNOWN:
		return _("Deze postcode kennen we niet. Deze website gaat over Enschede: postcodes "
		         "7511 tot en met 7548. We laten alles zien, zonder afstand.");
	default:
		return NULL;
	}
}

static void select_terms(struct sb *o, struct request *rq, const char *name, const char *taxonomy,
                         const char *label, const char *all)
{
	struct term *t;
	size_t n = catalog_terms(db_catalog(rq->app), taxonomy, &t);
	const char *cur = params_get(&rq->query, name);
	html_fmt(o,
	         "<div class=\"field\"><label for=\"f-%s\">%s</label>\n<select id=\"f-%s\" "
	         "name=\"%s\">\n"
	         "<option value=\"\">%s</option>\n",
	         name, label, name, name, all);
	for (size_t i = 0; i < n; i++) {
		html_fmt(o, "<option value=\"%s\"", t[i].id);
		if (cur && strcmp(cur, t[i].id) == 0)
			html_raw(o, " selected");
		html_raw(o, ">");
		html_text(o, C_(t[i].name));
		html_raw(o, "</option>\n");
	}
	html_raw(o, "</select></div>\n");
	catalog_terms_free(t, n);
}

void place_fields(struct sb *o, struct request *rq, const char *error)
{
	const char *pc = params_get(&rq->query, "postcode");
	html_fmt(o, "<div class=\"field%s\"><label for=\"f-postcode\">%s</label>\n",
	         error ? " has-error" : "", _("Uw postcode"));
	html_fmt(o, "<p class=\"hint\" id=\"f-postcode-hint\">%s</p>\n",
	         _("Bijvoorbeeld 7511 AB. Dan staat wat dichtbij is bovenaan."));
	if (error)
		html_fmt(o, "<p class=\"error-message\" id=\"f-postcode-error\">%s</p>\n", error);
	html_fmt(o,
	         "<input type=\"text\" id=\"f-postcode\" name=\"postcode\" value=\"%s\" "
	         "maxlength=\"12\" "
	         "autocomplete=\"postal-code\" inputmode=\"text\" class=\"ltr input-short\" "
	         "aria-describedby=\"f-postcode-hint%s\"",
	         pc ? pc : "", error ? " f-postcode-error" : "");
	if (error)
		html_raw(o, " aria-invalid=\"true\"");
	html_raw(o, ">\n");
	const char *lat = params_get(&rq->query, "lat"), *lon = params_get(&rq->query, "lon");
	html_fmt(o,
	         "<input type=\"hidden\" name=\"lat\" value=\"%s\"><input type=\"hidden\" "
	         "name=\"lon\" value=\"%s\">\n",
	         lat ? lat : "", lon ? lon : "");
	/* shown by app.js only: without JavaScript there is no geolocation */
	html_fmt(o,
	         "<button type=\"button\" class=\"secondary use-location\" hidden data-busy=\"%s\" "
	         "data-denied=\"%s\">%s</button>\n</div>\n",
	         _("Uw locatie wordt opgezocht..."),
	         _("Uw locatie is niet beschikbaar. Vul uw postcode in."),
	         _("Gebruik mijn locatie"));
}

static void read_filter(struct request *rq, struct catalog_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->q = params_get(&rq->query, "q");
	f->category = params_get(&rq->query, "categorie");
	f->target = params_get(&rq->query, "doelgroep");
	f->function = params_get(&rq->query, "functie");
	f->lang = rq->lang->code;
	f->now = clock_now();
	f->respite_notice_max = -1;
	const char *open = params_get(&rq->query, "open");
	f->open_now = open && strcmp(open, "nu") == 0;
	const char *cost = params_get(&rq->query, "kosten");
	if (cost && (strcmp(cost, "gratis") == 0 || strcmp(cost, "betaald") == 0))
		f->cost = cost;
	for (size_t i = 0; i < rq->query.n && f->naccess < CATALOG_MAX_ACCESS; i++)
		if (strcmp(rq->query.v[i].name, "toegang") == 0)
			f->access[f->naccess++] = rq->query.v[i].value;
	long page = 1;
	const char *ps = params_get(&rq->query, "pagina");
	if (ps && !text_parse_long(ps, 1, 1000, &page))
		page = 1;
	f->limit = 20;
	f->offset = (size_t)(page - 1) * f->limit;
}

static void checkbox(struct sb *o, struct request *rq, const char *name, const char *value,
                     const char *label)
{
	bool on = false;
	for (size_t i = 0; i < rq->query.n; i++)
		if (strcmp(rq->query.v[i].name, name) == 0 &&
		    strcmp(rq->query.v[i].value, value) == 0)
			on = true;
	html_fmt(
	    o,
	    "<div class=\"check\"><input type=\"checkbox\" id=\"f-%s-%s\" name=\"%s\" value=\"%s\"",
	    name, value, name, value);
	if (on)
		html_raw(o, " checked");
	html_fmt(o, "><label for=\"f-%s-%s\">%s</label></div>\n", name, value, label);
}

/* A link to the same search with page n. */
static void page_nav(struct sb *o, struct request *rq, const char *path, size_t total,
                     const struct catalog_filter *f)
{
	size_t pages = (total + f->limit - 1) / f->limit;
	size_t cur = f->offset / f->limit + 1;
	if (pages <= 1)
		return;
	html_fmt(o, "<nav class=\"pager\" aria-label=\"%s\"><ul>\n", _("Meer resultaten"));
	struct sb href;
	sb_init(&href, 2048);
	for (size_t p = 1; p <= pages && p <= 50; p++) {
		sb_reset(&href);
		page_link(&href, rq, path);
		char sep = '?';
		for (size_t i = 0; i < rq->query.n; i++) {
			if (strcmp(rq->query.v[i].name, "pagina") == 0)
				continue;
			sb_putc(&href, sep);
			sep = '&';
			text_url_encode(&href, rq->query.v[i].name);
			sb_putc(&href, '=');
			text_url_encode(&href, rq->query.v[i].value);
		}
		sb_appendf(&href, "%cpagina=%zu", sep, p);
		if (p == cur)
			html_fmt(o, "<li><a href=\"%s\" aria-current=\"page\">%zu</a></li>\n",
			         sb_str(&href), p);
		else
			html_fmt(o, "<li><a href=\"%s\">%zu</a></li>\n", sb_str(&href), p);
	}
	sb_free(&href);
	html_raw(o, "</ul></nav>\n");
}

void handle_services(struct request *rq, struct response *rs)
{
	struct sb *o = &rs->body;
	struct catalog_filter f;
	read_filter(rq, &f);
	const char *place_error = read_place(rq, &f.near);
	struct catalog_result r;
	bool ok = catalog_search(db_catalog(rq->app), &f, &r);

	page_begin(rs, rq, _("Hulp en activiteiten in de buurt"), 0);
	html_fmt(
	    o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", _("Hulp en activiteiten in de buurt"),
	    _("Deze activiteiten en diensten zijn er voor iedereen. U heeft geen verwijzing of "
	      "indicatie nodig."));
	if (place_error)
		html_fmt(
		    o,
		    "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>%s</h2><p><a "
		    "href=\"#f-postcode\">%s</a></p></div>\n",
		    _("Er is iets niet goed gegaan"), place_error);
	struct sb action;
	sb_init(&action, 256);
	page_link(&action, rq, "/voorzieningen");
	html_fmt(o, "<form class=\"search\" method=\"get\" action=\"%s\" role=\"search\">\n",
	         sb_str(&action));
	const char *q = params_get(&rq->query, "q");
	html_fmt(o,
	         "<div class=\"field\"><label for=\"f-q\">%s</label>\n<p class=\"hint\" "
	         "id=\"f-q-hint\">%s</p>\n"
	         "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"%s\" maxlength=\"100\" "
	         "aria-describedby=\"f-q-hint\"></div>\n",
	         _("Waar zoekt u naar?"), _("Bijvoorbeeld: maaltijd, vervoer, koffie, formulieren"),
	         q ? q : "");
	place_fields(o, rq, place_error);
	html_fmt(o, "<details class=\"filters\"%s><summary>%s</summary>\n",
	         (f.category || f.target || f.naccess || f.open_now || f.cost || f.function)
	             ? " open"
	             : "",
	         _("Meer keuzes"));
	select_terms(o, rq, "categorie", "categorie", _("Onderwerp"), _("Alle onderwerpen"));
	select_terms(o, rq, "doelgroep", "doelgroep", _("Voor wie"), _("Voor iedereen"));
	if (f.function)
		html_fmt(o, "<input type=\"hidden\" name=\"functie\" value=\"%s\">\n", f.function);
	html_fmt(o, "<fieldset><legend>%s</legend>\n", _("Toegankelijkheid"));
	struct term *t;
	size_t nt = catalog_terms(db_catalog(rq->app), "toegankelijkheid", &t);
	for (size_t i = 0; i < nt; i++)
		checkbox(o, rq, "toegang", t[i].id, C_(t[i].name));
	catalog_terms_free(t, nt);
	html_fmt(o, "</fieldset>\n<fieldset><legend>%s</legend>\n", _("Wanneer"));
	checkbox(o, rq, "open", "nu", _("Alleen wat nu open is"));
	html_fmt(o, "</fieldset>\n<fieldset><legend>%s</legend>\n", _("Kosten"));
	const char *costs[3][2] = {
	    {"", _("Alles")}, {"gratis", _("Alleen gratis")}, {"betaald", _("Met kosten")}};
	for (int i = 0; i < 3; i++) {
		bool on = (f.cost ? strcmp(f.cost, costs[i][0]) == 0 : i == 0);
		html_fmt(o,
		         "<div class=\"check\"><input type=\"radio\" id=\"f-kosten-%d\" "
		         "name=\"kosten\" value=\"%s\"%s>"
		         "<label for=\"f-kosten-%d\">%s</label></div>\n",
		         i, costs[i][0], on ? " checked" : "", i, costs[i][1]);
	}
	html_raw(o, "</fieldset>\n</details>\n");
	html_fmt(o, "<p><button type=\"submit\">%s</button></p>\n</form>\n", _("Zoeken"));

	if (!ok) {
		html_fmt(o, "<p class=\"error-message\">%s</p>\n",
		         _("Zoeken lukt nu even niet. Probeer het later opnieuw."));
	} else {
		html_raw(o, "<section class=\"result-list\" aria-labelledby=\"result-count\">\n<h2 "
		            "id=\"result-count\">");
		result_count(o, &r);
		if (f.near.set && f.near.label[0]) {
			html_raw(o, " <span class=\"near\">");
			/* TRANSLATORS: %s is a postcode */
			html_textf(o, _("dichtbij %s"), f.near.label);
			html_raw(o, "</span>");
		} else if (f.near.set) {
			html_fmt(o, " <span class=\"near\">%s</span>", _("dichtbij uw locatie"));
		}
		html_raw(o, "</h2>\n");
		if (r.total == 0) {
			sb_reset(&action);
			page_link(&action, rq, "/voorzieningen");
			struct sb book;
			sb_init(&book, 256);
			page_link(&book, rq, "/afspraak");
			html_fmt(o,
			         "<div class=\"notice\"><p>%s</p>\n<ul>\n<li>%s</li>\n<li><a "
			         "href=\"%s\">%s</a></li>\n"
			         "<li><a href=\"%s\">%s</a></li>\n</ul></div>\n",
			         _("We vonden niets dat bij uw keuzes past. Wat kunt u doen?"),
			         _("Gebruik minder of andere woorden, of zet keuzes uit."),
			         sb_str(&action), _("Bekijk alles wat er in Enschede is"),
			         sb_str(&book),
			         _("Vraag het de wijkwijzer: die kent ook wat hier niet staat"));
			sb_free(&book);
		} else {
			render_hits(o, rq, &r, "h3");
			page_nav(o, rq, "/voorzieningen", r.total, &f);
		}
		html_raw(o, "</section>\n");
	}
	sb_free(&action);
	catalog_result_free(&r);
	page_end(rs, rq);
}
