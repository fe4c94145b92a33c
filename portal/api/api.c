/* api: the JSON API /api/v1 for the catalogue (services, locations). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "domain/booking.h"
#include "domain/insight.h"
#include "store/catalog.h"
#include "store/content.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "net/route.h"
#include "base/text.h"

static void json_kv(struct sb *o, const char *key, const char *value, bool comma)
{
	if (comma)
		sb_putc(o, ',');
	json_string(o, key);
	sb_putc(o, ':');
	if (value)
		json_string(o, value);
	else
		sb_puts(o, "null");
}

static void json_hours(struct sb *o, const struct hours_status *h)
{
	sb_puts(o, ",\"open_now\":");
	sb_puts(o, !h->known ? "null" : h->open ? "true" : "false");
}

/* An API request's language: ?lang=, else Accept-Language, else Dutch. */
static const struct i18n_lang *api_lang(struct request *rq)
{
	return rq->lang ? rq->lang : i18n_default();
}

void handle_api_services(struct request *rq, struct response *rs)
{
	struct catalog *c = db_catalog(rq->app);
	struct catalog_filter f;
	memset(&f, 0, sizeof(f));
	f.q = params_get(&rq->query, "q");
	f.category = params_get(&rq->query, "category");
	f.lang = api_lang(rq)->code;
	f.now = clock_now();
	f.respite_notice_max = -1;
	const char *lim = params_get(&rq->query, "limit");
	long limit = 20;
	if (lim && !text_parse_long(lim, 1, 100, &limit)) {
		json_error(rs, 400, "bad_limit",
		           _("limit moet een getal van 1 tot en met 100 zijn."));
		return;
	}
	f.limit = (size_t)limit;
	const char *near = params_get(&rq->query, "near");
	if (near && *near) {
		enum place_lookup pl = catalog_locate(c, near, NULL, NULL, &f.near);
		if (pl == PLACE_MALFORMED) {
			json_error(rs, 400, "bad_postcode",
			           _("Een postcode heeft vier cijfers en twee letters, zoals 7511 "
			             "AB. Alleen de "
			             "vier cijfers mag ook."));
			return;
		}
		if (pl == PLACE_UNKNOWN) {
			const struct site_info *site = catalog_site(c);
			const char *m =
			    site ? arena_printf(
			               &rq->arena,
			               /* TRANSLATORS: the municipality, then its first and
			                  its last postcode (four digits) */
			               _("Deze postcode kennen we niet. Deze website gaat over "
			                 "%s: postcodes %s tot en met %s."),
			               site->municipality, site->pc4_first, site->pc4_last)
			         : NULL;
			json_error(rs, 422, "unknown_postcode",
			           m ? m : _("Deze postcode kennen we niet."));
			return;
		}
	}
	struct catalog_result r;
	if (!catalog_search(c, &f, &r)) {
		json_error(rs, 500, "internal", _(PAGE_UNAVAILABLE));
		return;
	}
	if (r.total == 0) /* counted when shown (domain/insight.h) */
		insight_tag_search(&rs->insight, f.q);
	struct sb *url = arena_sb(&rq->arena, 256); /* each hit's, in turn */
	if (!url) {
		rs->body.failed = true; /* a 500 in server.c */
		catalog_result_free(&r);
		return;
	}
	json_response(rs);
	struct sb *o = &rs->body;
	/* total_capped: counting stopped, there are more than
	   CATALOG_TOTAL_CAP ("total" is then CATALOG_TOTAL_CAP + 1) */
	sb_appendf(o, "{\"total\":%zu,\"total_capped\":%s,\"services\":[", r.total,
	           r.total_capped ? "true" : "false");
	for (size_t i = 0; i < r.n; i++) {
		const struct catalog_hit *h = &r.hits[i];
		sb_puts(o, i ? ",{" : "{");
		json_kv(o, "id", h->id, false);
		json_kv(o, "name", C_(h->name), true);
		json_kv(o, "organization", h->organization, true);
		json_kv(o, "category", h->category, true); /* its first category */
		if (h->has_distance)
			sb_appendf(o, ",\"distance_m\":%ld", lround(h->distance_m));
		else
			sb_puts(o, ",\"distance_m\":null");
		sb_puts(o, ",\"location\":{");
		json_kv(o, "id", h->place_id, false);
		json_kv(o, "name", h->place_name, true);
		json_kv(o, "address", h->address, true);
		json_kv(o, "postal_code", h->postal_code, true);
		sb_puts(o, "}");
		sb_appendf(o, ",\"free\":%s,\"costs_known\":%s", h->free ? "true" : "false",
		           h->costs_known ? "true" : "false");
		json_hours(o, &h->hours);
		sb_reset(url);
		sb_appendf(url, "/%s/voorzieningen/", f.lang);
		text_url_encode(url, h->id);
		json_kv(o, "url", sb_str(url), true);
		sb_puts(o, "}");
	}
	sb_puts(o, "]}\n");
	catalog_result_free(&r);
}

/* A list of texts as a JSON array of strings (empty when the lookup, ok,
 * failed); frees the list. */
static void json_strings_array(struct sb *o, const char *key, bool ok, struct content_strings *v)
{
	sb_putc(o, ',');
	json_string(o, key);
	sb_puts(o, ":[");
	for (size_t i = 0; ok && i < v->n; i++) {
		if (i)
			sb_putc(o, ',');
		json_string(o, v->v[i]);
	}
	content_strings_free(v);
	sb_puts(o, "]");
}

void handle_api_service(struct request *rq, struct response *rs)
{
	struct catalog *c = db_catalog(rq->app);
	const char *id = route_param(rq, 0);
	struct content_service svc;
	enum content_result found = content_service(c, id, &svc);
	if (found == CONTENT_ERROR) {
		json_error(rs, 500, "internal", _(PAGE_UNAVAILABLE));
		return;
	}
	if (found != CONTENT_FOUND) {
		json_error(
		    rs, 404, "not_found",
		    _("Dit aanbod bestaat niet (meer). Zoek opnieuw, of vraag het de wijkwijzer."));
		return;
	}
	json_response(rs);
	struct sb *o = &rs->body;
	sb_puts(o, "{\"service\":{");
	json_kv(o, "id", svc.id, false);
	json_kv(o, "name", C_(svc.name), true);
	json_kv(o, "description", C_(svc.description), true);
	json_kv(o, "application_process",
	        svc.application_process ? C_(svc.application_process) : NULL, true);
	json_kv(o, "fees_description", svc.fees_description ? C_(svc.fees_description) : NULL,
	        true);
	json_kv(o, "eligibility_description",
	        svc.eligibility_description ? C_(svc.eligibility_description) : NULL, true);
	json_kv(o, "url", svc.url, true);
	sb_appendf(o, ",\"free\":%s,\"costs_known\":%s", svc.free ? "true" : "false",
	           svc.has_costs ? "true" : "false");
	sb_puts(o, ",\"organization\":{");
	json_kv(o, "id", svc.organization_id, false);
	json_kv(o, "name", svc.organization_name, true);
	json_kv(o, "website", svc.organization_website, true);
	json_kv(o, "email", svc.organization_email, true);
	sb_puts(o, "}");
	content_service_free(&svc);

	struct content_strings list;
	json_strings_array(o, "categories", content_service_term_ids(c, id, &list), &list);
	json_strings_array(o, "languages", content_service_language_codes(c, id, &list), &list);
	json_strings_array(o, "phones", content_service_phone_numbers(c, id, &list), &list);

	sb_puts(o, ",\"cost\":[");
	struct content_cost *cost;
	size_t ncost;
	if (content_service_costs(c, id, &cost, &ncost)) {
		for (size_t i = 0; i < ncost; i++) {
			sb_puts(o, i ? ",{" : "{");
			json_kv(o, "option", cost[i].option ? C_(cost[i].option) : NULL, false);
			sb_appendf(o, ",\"amount\":%.2f", cost[i].amount);
			json_kv(o, "currency", cost[i].currency, true);
			json_kv(o, "description",
			        cost[i].description ? C_(cost[i].description) : NULL, true);
			sb_puts(o, "}");
		}
		content_costs_free(cost, ncost);
	}
	sb_puts(o, "],\"locations\":[");
	struct content_place *pl;
	size_t npl;
	if (content_service_places(c, id, NULL, 0, &pl, &npl)) {
		static const char *const day[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
		for (size_t i = 0; i < npl; i++) {
			sb_puts(o, i ? ",{" : "{");
			json_kv(o, "id", pl[i].id, false);
			json_kv(o, "name", pl[i].name, true);
			json_kv(o, "address", pl[i].address, true);
			json_kv(o, "postal_code", pl[i].postal_code, true);
			json_kv(o, "city", pl[i].city, true);
			sb_appendf(o, ",\"latitude\":%.6f,\"longitude\":%.6f", pl[i].lat,
			           pl[i].lon);
			json_kv(o, "stadsdeel", pl[i].stadsdeel, true);
			json_kv(o, "wijk", pl[i].wijk, true);
			struct hours_period per[64];
			size_t n = catalog_periods(c, id, pl[i].id, per, 64, NULL);
			sb_puts(o, ",\"schedule\":[");
			for (size_t k = 0; k < n; k++)
				sb_appendf(o,
				           "%s{\"byday\":\"%s\",\"opens_at\":\"%02d:%02d\","
				           "\"closes_at\":\"%02d:%02d\"}",
				           k ? "," : "", day[per[k].wday % 7], per[k].opens / 60,
				           per[k].opens % 60, (per[k].closes / 60) % 24,
				           per[k].closes % 60);
			sb_puts(o, "]}");
		}
		content_places_free(pl, npl);
	}
	sb_puts(o, "]");
	struct content_respite rsp;
	if (content_respite(c, id, &rsp) == CONTENT_FOUND) {
		sb_puts(o, ",\"respite\":{");
		json_kv(o, "setting", rsp.setting, false);
		json_kv(o, "times", rsp.times, true);
		json_kv(o, "provider", rsp.provider, true);
		sb_appendf(o, ",\"notice_days\":%d", rsp.notice_days);
		if (!rsp.has_min_duration)
			sb_puts(o, ",\"min_duration_hours\":null");
		else
			sb_appendf(o, ",\"min_duration_hours\":%d", rsp.min_duration_hours);
		json_kv(o, "payer", rsp.payer, true);
		json_kv(o, "for_whom", rsp.for_whom, true);
		sb_puts(o, "}");
		content_respite_free(&rsp);
	}
	sb_puts(o, "}}\n");
}

void handle_api_locations(struct request *rq, struct response *rs)
{
	struct catalog *c = db_catalog(rq->app);
	const char *type = params_get(&rq->query, "type");
	if (type && strcmp(type, "wijkwijzer") != 0) {
		json_error(rs, 400, "bad_type", _("Alleen type=wijkwijzer wordt ondersteund."));
		return;
	}
	struct content_place *pl;
	size_t npl;
	if (!content_places(c, type != NULL, &pl, &npl)) {
		json_error(rs, 500, "internal", _(PAGE_UNAVAILABLE));
		return;
	}
	struct sb *addr = arena_sb(&rq->arena, 256); /* each location's, in turn */
	if (!addr) {
		rs->body.failed = true; /* a 500 in server.c */
		content_places_free(pl, npl);
		return;
	}
	json_response(rs);
	struct sb *o = &rs->body;
	sb_puts(o, "{\"locations\":[");
	time_t now = clock_now();
	for (size_t i = 0; i < npl; i++) {
		sb_puts(o, i ? ",{" : "{");
		json_kv(o, "id", pl[i].id, false);
		json_kv(o, "name", pl[i].name, true);
		sb_reset(addr);
		sb_appendf(addr, "%s, %s %s", pl[i].address, pl[i].postal_code, pl[i].city);
		json_kv(o, "address", sb_str(addr), true);
		sb_appendf(o, ",\"latitude\":%.6f,\"longitude\":%.6f", pl[i].lat, pl[i].lon);
		json_kv(o, "stadsdeel", pl[i].stadsdeel, true);
		json_kv(o, "wijk", pl[i].wijk, true);
		struct hours_status hs;
		catalog_hours(c, NULL, pl[i].id, now, &hs);
		json_hours(o, &hs);
		/* the first free appointment (any topic of the shortest length) */
		struct slot next;
		if (booking_next_free(rq->app, pl[i].id, "iets-anders", now, &next)) {
			sb_puts(o, ",\"next_free\":\"");
			booking_iso(o, next.start);
			sb_puts(o, "\"}");
		} else {
			sb_puts(o, ",\"next_free\":null}");
		}
	}
	content_places_free(pl, npl);
	sb_puts(o, "]}\n");
}
