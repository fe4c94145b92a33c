/* api: the JSON API /api/v1 for the catalogue (services, locations). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "domain/booking.h"
#include "store/catalog.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "net/route.h"
#include "store/store.h"
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
			json_error(rs, 422, "unknown_postcode",
			           _("Deze postcode kennen we niet. Deze website gaat over "
			             "Enschede: postcodes "
			             "7511 tot en met 7548."));
			return;
		}
	}
	struct catalog_result r;
	if (!catalog_search(c, &f, &r)) {
		json_error(
		    rs, 500, "internal",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	json_response(rs);
	struct sb *o = &rs->body;
	/* total_capped: counting stopped, there are more than
	   CATALOG_TOTAL_CAP ("total" is then CATALOG_TOTAL_CAP + 1) */
	sb_appendf(o, "{\"total\":%zu,\"total_capped\":%s,\"services\":[", r.total,
	           r.total_capped ? "true" : "false");
	struct sb url;
	sb_init(&url, 256);
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
		sb_appendf(o, ",\"free\":%s", h->free ? "true" : "false");
		json_hours(o, &h->hours);
		sb_reset(&url);
		sb_appendf(&url, "/%s/voorzieningen/", f.lang);
		text_url_encode(&url, h->id);
		json_kv(o, "url", sb_str(&url), true);
		sb_puts(o, "}");
	}
	sb_puts(o, "]}\n");
	sb_free(&url);
	catalog_result_free(&r);
}

/* Rows of a one-column query as a JSON array of strings (translated). */
static void json_column_array(struct sb *o, struct store *db, const char *key, const char *sql,
                              const char *id, bool translate)
{
	sb_putc(o, ',');
	json_string(o, key);
	sb_puts(o, ":[");
	sqlite3_stmt *st = store_stmt(db, sql);
	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		bool first = true;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (!first)
				sb_putc(o, ',');
			first = false;
			const char *v = store_text_or_null(st, 0);
			json_string(o, translate ? C_(v) : v);
		}
		sqlite3_reset(st);
	}
	sb_puts(o, "]");
}

void handle_api_service(struct request *rq, struct response *rs)
{
	struct catalog *c = db_catalog(rq->app);
	struct store *db = catalog_store(c);
	const char *id = route_param(rq, 0);
	sqlite3_stmt *st = store_stmt(
	    db, "SELECT s.id, s.name, s.description, s.application_process, s.fees_description, "
	        "s.eligibility_description, s.url, o.id, o.name, o.website, o.email, f.free FROM "
	        "services s JOIN organizations o ON o.id = s.organization_id JOIN service_flags f "
	        "ON f.service_id = s.id WHERE s.id = ?1 AND s.status = 'active'");
	if (!st) {
		json_error(
		    rs, 500, "internal",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		json_error(
		    rs, 404, "not_found",
		    _("Dit aanbod bestaat niet (meer). Zoek opnieuw, of vraag het de wijkwijzer."));
		return;
	}
	json_response(rs);
	struct sb *o = &rs->body;
	sb_puts(o, "{\"service\":{");
	json_kv(o, "id", store_text_or_null(st, 0), false);
	json_kv(o, "name", C_(store_text_or_null(st, 1)), true);
	json_kv(o, "description", C_(store_text_or_null(st, 2)), true);
	json_kv(o, "application_process",
	        store_text_or_null(st, 3) ? C_(store_text_or_null(st, 3)) : NULL, true);
	json_kv(o, "fees_description",
	        store_text_or_null(st, 4) ? C_(store_text_or_null(st, 4)) : NULL, true);
	json_kv(o, "eligibility_description",
	        store_text_or_null(st, 5) ? C_(store_text_or_null(st, 5)) : NULL, true);
	json_kv(o, "url", store_text_or_null(st, 6), true);
	sb_appendf(o, ",\"free\":%s", sqlite3_column_int(st, 11) ? "true" : "false");
	sb_puts(o, ",\"organization\":{");
	json_kv(o, "id", store_text_or_null(st, 7), false);
	json_kv(o, "name", store_text_or_null(st, 8), true);
	json_kv(o, "website", store_text_or_null(st, 9), true);
	json_kv(o, "email", store_text_or_null(st, 10), true);
	sb_puts(o, "}");
	sqlite3_reset(st);

	json_column_array(
	    o, db, "categories",
	    "SELECT t.id FROM service_term st JOIN taxonomy_terms t ON t.id = st.term_id WHERE "
	    "st.service_id = ?1 ORDER BY t._line",
	    id, false);
	json_column_array(
	    o, db, "languages",
	    "SELECT DISTINCT code FROM languages WHERE service_id = ?1 OR location_id IN (SELECT "
	    "location_id FROM service_at_location WHERE service_id = ?1) ORDER BY code",
	    id, false);
	json_column_array(
	    o, db, "phones",
	    "SELECT DISTINCT number FROM phones WHERE service_id = ?1 OR location_id IN (SELECT "
	    "location_id FROM service_at_location WHERE service_id = ?1) OR organization_id = "
	    "(SELECT organization_id FROM services WHERE id = ?1)",
	    id, false);

	sb_puts(o, ",\"cost\":[");
	st = store_stmt(
	    db, "SELECT option, amount, currency, amount_description FROM cost_options WHERE "
	        "service_id = ?1 ORDER BY _line");
	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		bool first = true;
		while (sqlite3_step(st) == SQLITE_ROW) {
			sb_puts(o, first ? "{" : ",{");
			first = false;
			json_kv(o, "option",
			        store_text_or_null(st, 0) ? C_(store_text_or_null(st, 0)) : NULL,
			        false);
			sb_appendf(o, ",\"amount\":%.2f", sqlite3_column_double(st, 1));
			json_kv(o, "currency", store_text_or_null(st, 2), true);
			json_kv(o, "description",
			        store_text_or_null(st, 3) ? C_(store_text_or_null(st, 3)) : NULL,
			        true);
			sb_puts(o, "}");
		}
		sqlite3_reset(st);
	}
	sb_puts(o, "],\"locations\":[");
	st = store_stmt(
	    db, "SELECT p.id, p.name, p.address, p.postal_code, p.city, p.latitude, p.longitude, "
	        "p.stadsdeel, p.wijk FROM service_at_location sal JOIN place p ON p.id = "
	        "sal.location_id WHERE sal.service_id = ?1 ORDER BY p.name");
	if (st) {
		static const char *const day[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
		size_t np = 0;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			sb_puts(o, np++ ? ",{" : "{");
			json_kv(o, "id", store_text_or_null(st, 0), false);
			json_kv(o, "name", store_text_or_null(st, 1), true);
			json_kv(o, "address", store_text_or_null(st, 2), true);
			json_kv(o, "postal_code", store_text_or_null(st, 3), true);
			json_kv(o, "city", store_text_or_null(st, 4), true);
			sb_appendf(o, ",\"latitude\":%.6f,\"longitude\":%.6f",
			           sqlite3_column_double(st, 5), sqlite3_column_double(st, 6));
			json_kv(o, "stadsdeel", store_text_or_null(st, 7), true);
			json_kv(o, "wijk", store_text_or_null(st, 8), true);
			struct hours_period per[64];
			size_t n = catalog_periods(c, id, store_text_or_null(st, 0), per, 64);
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
		sqlite3_reset(st);
	}
	sb_puts(o, "]");
	sqlite3_stmt *rsp = store_stmt(
	    db, "SELECT setting, times, provider, notice_days, min_duration_hours, payer, "
	        "for_whom FROM x_respite WHERE service_id = ?1");
	if (rsp) {
		sqlite3_bind_text(rsp, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(rsp) == SQLITE_ROW) {
			sb_puts(o, ",\"respite\":{");
			json_kv(o, "setting", store_text_or_null(rsp, 0), false);
			json_kv(o, "times", store_text_or_null(rsp, 1), true);
			json_kv(o, "provider", store_text_or_null(rsp, 2), true);
			sb_appendf(o, ",\"notice_days\":%d", sqlite3_column_int(rsp, 3));
			if (sqlite3_column_type(rsp, 4) == SQLITE_NULL)
				sb_puts(o, ",\"min_duration_hours\":null");
			else
				sb_appendf(o, ",\"min_duration_hours\":%d",
				           sqlite3_column_int(rsp, 4));
			json_kv(o, "payer", store_text_or_null(rsp, 5), true);
			json_kv(o, "for_whom", store_text_or_null(rsp, 6), true);
			sb_puts(o, "}");
		}
		sqlite3_reset(rsp);
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
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c),
	    "SELECT id, name, address, postal_code, city, latitude, longitude, stadsdeel, "
	    "wijk FROM place WHERE ?1 IS NULL OR is_wijkwijzer ORDER BY name");
	if (!st) {
		json_error(
		    rs, 500, "internal",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	if (type)
		sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	json_response(rs);
	struct sb *o = &rs->body;
	sb_puts(o, "{\"locations\":[");
	size_t n = 0;
	time_t now = clock_now();
	while (sqlite3_step(st) == SQLITE_ROW) {
		sb_puts(o, n++ ? ",{" : "{");
		json_kv(o, "id", store_text_or_null(st, 0), false);
		json_kv(o, "name", store_text_or_null(st, 1), true);
		struct sb addr;
		sb_init(&addr, 256);
		sb_appendf(&addr, "%s, %s %s", store_text_or_null(st, 2), store_text_or_null(st, 3),
		           store_text_or_null(st, 4));
		json_kv(o, "address", sb_str(&addr), true);
		sb_free(&addr);
		sb_appendf(o, ",\"latitude\":%.6f,\"longitude\":%.6f", sqlite3_column_double(st, 5),
		           sqlite3_column_double(st, 6));
		json_kv(o, "stadsdeel", store_text_or_null(st, 7), true);
		json_kv(o, "wijk", store_text_or_null(st, 8), true);
		struct hours_status hs;
		char *pid = strdup(store_text_or_null(st, 0));
		catalog_hours(c, NULL, pid, now, &hs);
		free(pid);
		json_hours(o, &hs);
		/* the first free appointment (any topic of the shortest length) */
		struct slot next;
		char *loc = strdup(store_text_or_null(st, 0) ? store_text_or_null(st, 0) : "");
		if (loc && booking_next_free(rq->app, loc, "iets-anders", now, &next)) {
			sb_puts(o, ",\"next_free\":\"");
			booking_iso(o, next.start);
			sb_puts(o, "\"}");
		} else {
			sb_puts(o, ",\"next_free\":null}");
		}
		free(loc);
	}
	sqlite3_reset(st);
	sb_puts(o, "]}\n");
}
