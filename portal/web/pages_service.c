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
#include "web/page.h"
#include "web/pages_common.h"
#include "net/route.h"
#include "base/text.h"
#include "web/templates.h"
#include "web/views_svc.h"

/* The week's opening hours of a service at a place, Monday first, into
 * sorted (room for max) and days. */
static size_t week_view(struct catalog *c, const char *service_id, const char *place_id,
                        struct hours_period *sorted, size_t max, struct service_day days[7],
                        int *kind)
{
	struct hours_period p[64];
	size_t n = catalog_periods(c, service_id, place_id, p, 64, kind), m = 0;
	for (int k = 0; k < 7; k++) {
		int wd = (k + 1) % 7;
		days[k] = (struct service_day){.wday = wd, .periods = sorted + m};
		for (size_t i = 0; i < n && m < max; i++)
			if (p[i].wday == wd) {
				sorted[m++] = p[i];
				days[k].n++;
			}
	}
	return n;
}

/* Splits a semicolon list of codes (each cut at 63 bytes). */
static bool codes_view(struct arena *a, const char *codes, struct service_codes *out)
{
	size_t max = 1;
	for (const char *p = codes; *p; p++)
		max += *p == ';';
	out->n = 0;
	out->v = arena_alloc(a, max * sizeof(*out->v));
	if (!out->v)
		return false;
	const char *p = codes;
	while (*p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		char *code = arena_printf(a, "%.*s", (int)(len < 63 ? len : 63), p);
		if (!code)
			return false;
		out->v[out->n++] = code;
		if (!semi)
			break;
		p = semi + 1;
	}
	return true;
}

void handle_service(struct request *rq, struct response *rs)
{
	struct catalog *c = db_catalog(rq->app);
	const char *id = route_param(rq, 1);
	struct content_service svc;
	enum content_result found = content_service(c, id, &svc);
	if (found == CONTENT_ERROR) {
		page_error(rq, rs, 500, "internal", _(PAGE_UNAVAILABLE));
		return;
	}
	if (found != CONTENT_FOUND) {
		page_error(
		    rq, rs, 404, "not_found",
		    _("Dit aanbod bestaat niet (meer). Zoek opnieuw, of vraag het de wijkwijzer."));
		return;
	}
	struct point near;
	read_place(rq, &near);
	struct content_strings none = {0}, langs = {0}, categories = {0}, targets = {0}, when = {0};
	struct service_view v = {
	    .lang = rq->lang->code,
	    .svc = &svc,
	    .how = svc.application_process ? svc.application_process : "",
	    .fees = svc.fees_description ? svc.fees_description : "",
	    .who = svc.eligibility_description ? svc.eligibility_description : "",
	    .url = svc.url                    ? svc.url
	           : svc.organization_website ? svc.organization_website
	                                      : "",
	    .email = svc.organization_email ? svc.organization_email : "",
	    .untranslated = content_untranslated(rq, svc.description),
	    .langs = &none,
	    .categories = &none,
	    .targets = &none,
	    .when = &none,
	    .kiosk = rq->kiosk,
	};
	v.checked = page_checked_on(rq, svc.checked_on);
	bool ok = page_link_buf(v.book_href, sizeof(v.book_href), rq, "/afspraak");
	/* the search it came from: the query and the place stay in the URL,
	   as on the search page (the access log never writes a query) */
	v.back = search_context(rq);
	ok = ok && v.back;

	struct content_respite r;
	struct service_respite respite = {.r = &r};
	bool has_respite = content_respite(c, id, &r) == CONTENT_FOUND;
	if (has_respite) {
		ok = ok && codes_view(&rq->arena, r.times, &respite.times) &&
		     codes_view(&rq->arena, r.payer, &respite.payer) &&
		     codes_view(&rq->arena, r.for_whom, &respite.whom);
		v.respite = &respite;
	}

	/* the places, each with its hours, opening times and accessibility */
	struct content_place *rows = NULL;
	size_t n = 0;
	struct service_place *places = NULL;
	struct content_strings *access = NULL;
	v.places_ok = content_service_places(c, id, &near, 16, &rows, &n);
	if (v.places_ok && n) {
		places = calloc(n, sizeof(*places));
		access = calloc(n, sizeof(*access));
		ok = ok && places && access;
	}
	for (size_t i = 0; ok && i < n; i++) {
		struct service_place *sp = &places[i];
		sp->place = &rows[i];
		sp->kiosk = rq->kiosk;
		sp->access = &access[i];
		if (rows[i].has_distance) {
			struct sb *d = arena_sb(&rq->arena, 0);
			ok = d && i18n_format_distance(d, (long)(rows[i].distance_m + 0.5)) &&
			     snprintf(sp->distance, sizeof(sp->distance), "%s", sb_str(d)) <
			         (int)sizeof(sp->distance);
		}
		struct hours_status hs;
		catalog_hours(c, id, rows[i].id, clock_now(), &hs);
		ok = ok && hours_view(&sp->hours, &hs);
		struct hours_period *sorted = arena_alloc(&rq->arena, 64 * sizeof(*sorted));
		ok = ok && sorted;
		if (sorted)
			sp->nperiods =
			    week_view(c, id, rows[i].id, sorted, 64, sp->days, &sp->kind);
		if (!content_place_term_names(c, rows[i].id, "toegankelijkheid", &access[i]))
			access[i] = (struct content_strings){0};
	}
	v.places = places;
	v.nplaces = places ? n : 0;

	/* phone numbers of the service, its places or its organisation */
	struct content_phone *phones = NULL;
	size_t nphones = 0;
	struct service_phone *pv = NULL;
	bool phones_ok = content_service_phones(c, id, svc.organization_id, 3, &phones, &nphones);
	if (phones_ok && nphones) {
		pv = calloc(nphones, sizeof(*pv));
		ok = ok && pv;
		for (size_t i = 0; pv && i < nphones; i++) {
			text_tel(pv[i].tel, sizeof(pv[i].tel), phones[i].number);
			pv[i].number = phones[i].number;
			pv[i].description = phones[i].description;
		}
		v.phones = pv;
		v.nphones = pv ? nphones : 0;
	}

	if (content_service_schedule_notes(c, id, &when))
		v.when = &when;
	if (content_service_language_names(c, id, &langs))
		v.langs = &langs;
	if (content_service_term_names(c, id, "categorie", &categories))
		v.categories = &categories;
	if (content_service_term_names(c, id, "doelgroep", &targets))
		v.targets = &targets;

	if (!ok)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, C_(svc.name), 0) && tpl_service(&rs->body, &v))
		page_end(rs, rq);

	content_strings_free(&when);
	content_strings_free(&langs);
	content_strings_free(&categories);
	content_strings_free(&targets);
	free(pv);
	if (phones_ok)
		content_phones_free(phones, nphones);
	for (size_t i = 0; access && i < n; i++)
		content_strings_free(&access[i]);
	free(access);
	free(places);
	if (v.places_ok)
		content_places_free(rows, n);
	if (has_respite)
		content_respite_free(&r);
	content_service_free(&svc);
}
