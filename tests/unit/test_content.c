/* store/content: the repository of content lookups, on the demo content
 * (build/content), checked against the demo's values and, where a count
 * or an order is asked, against a query of the test's own. */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "base/sb.h"
#include "store/catalog.h"
#include "store/content.h"
#include "store/content_edit.h"
#include "unit.h"

/* The first column of the first row of sql (with a in ?1), or -1. */
static long raw_long(sqlite3 *db, const char *sql, const char *a)
{
	sqlite3_stmt *st = NULL;
	long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    (!a || sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) == SQLITE_OK) &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row of sql (with a in ?1) into out. */
static bool raw_text(sqlite3 *db, const char *sql, const char *a, struct sb *out)
{
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	          (!a || sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) == SQLITE_OK) &&
	          sqlite3_step(st) == SQLITE_ROW &&
	          sb_puts(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return ok;
}

static bool names_sorted(const struct content_place *p, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(p[i - 1].name, p[i].name) > 0)
			return false;
	return true;
}

static bool nearest_first(const struct content_place *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!p[i].has_distance || (i && p[i - 1].distance_m > p[i].distance_m))
			return false;
	return true;
}

static void check_organizations(struct catalog *c, sqlite3 *db)
{
	struct content_entry o;
	CHECK(content_entry(c, "organization", "humanitas-onder-dak", &o) == CONTENT_FOUND);
	CHECK_STR(o.id, "humanitas-onder-dak");
	CHECK_STR(o.name, "Humanitas Onder Dak");
	content_entry_free(&o);
	CHECK(o.id == NULL && o.name == NULL); /* freed and zeroed */
	/* the slug, not the uuid of the CSV */
	CHECK(content_entry(c, "organization", "3495e324-62f5-5cc8-ab6d-aa74b88481eb", &o) ==
	          CONTENT_MISSING &&
	      o.id == NULL);
	CHECK(content_entry(c, "organization", NULL, &o) == CONTENT_MISSING);
	struct content_entry *v = NULL;
	size_t n = 0;
	CHECK(content_entries(c, "organization", NULL, &v, &n));
	CHECK(n > 1 && (long)n == raw_long(db, "SELECT count(*) FROM organizations", NULL));
	bool sorted = true, found = false;
	for (size_t i = 0; i < n; i++) {
		sorted = sorted && (!i || strcmp(v[i - 1].name, v[i].name) <= 0);
		found = found || strcmp(v[i].id, "humanitas-onder-dak") == 0;
	}
	CHECK(sorted && found);
	content_entries_free(v, n);
	/* the six-month list's count is the length of its lists */
	size_t count = 0, total = 0;
	const char *kinds[] = {"organization", "service", "location"};
	CHECK(content_unchecked_count(c, "2026-06-01", &count));
	for (size_t k = 0; k < 3; k++) {
		CHECK(content_unchecked(c, kinds[k], "2026-06-01", &v, &n));
		for (size_t i = 0; i < n; i++)
			CHECK(!v[i].checked_on || strcmp(v[i].checked_on, "2026-06-01") < 0);
		total += n;
		content_entries_free(v, n);
	}
	CHECK(count > 0 && count == total);
	CHECK(content_unchecked_count(c, "2000-01-01", &count) && count == 0);
}

static void check_places(struct catalog *c, sqlite3 *db)
{
	struct content_place p;
	CHECK(content_place(c, "ww-centrum", &p) == CONTENT_FOUND);
	CHECK_STR(p.id, "ww-centrum");
	CHECK_STR(p.name, "Wijkwijzer Centrum");
	CHECK_STR(p.address, "Pleinstraat 12");
	CHECK_STR(p.postal_code, "7511 HE");
	CHECK_STR(p.city, "Enschede");
	CHECK_STR(p.stadsdeel, "Centrum");
	CHECK(p.wijk != NULL && !p.has_distance);
	CHECK(fabs(p.lat - 52.21985) < 1e-6 && fabs(p.lon - 6.8931) < 1e-6);
	struct point centrum = {.set = true, .lat = p.lat, .lon = p.lon};
	content_place_free(&p);
	CHECK(p.id == NULL && p.name == NULL); /* freed and zeroed */
	CHECK(content_place(c, "bestaat-niet", &p) == CONTENT_MISSING && p.id == NULL);
	CHECK(content_place(c, NULL, &p) == CONTENT_MISSING);

	struct content_place *v;
	size_t n;
	CHECK(content_places(c, false, &v, &n));
	CHECK((long)n == raw_long(db, "SELECT count(*) FROM place", NULL));
	CHECK(names_sorted(v, n));
	content_places_free(v, n);
	CHECK(content_places(c, true, &v, &n));
	CHECK(n > 0 &&
	      (long)n == raw_long(db, "SELECT count(*) FROM place WHERE is_wijkwijzer", NULL));
	bool all_wijkwijzer = true;
	for (size_t i = 0; i < n; i++)
		all_wijkwijzer &=
		    raw_long(db, "SELECT is_wijkwijzer FROM place WHERE id = ?1", v[i].id) == 1;
	CHECK(all_wijkwijzer && names_sorted(v, n));
	content_places_free(v, n);

	/* the appointment places: by name, or nearest first */
	long nap = raw_long(db, "SELECT count(*) FROM ap_locations", NULL);
	CHECK(content_ap_places(c, NULL, 0, &v, &n));
	CHECK(nap > 1 && (long)n == nap && names_sorted(v, n) && !v[0].has_distance);
	content_places_free(v, n);
	CHECK(content_ap_places(c, &centrum, 0, &v, &n));
	CHECK((long)n == nap && nearest_first(v, n));
	CHECK(n && strcmp(v[0].id, "ww-centrum") == 0 && v[0].distance_m < 1);
	content_places_free(v, n);
	struct point nowhere = {.set = false};
	CHECK(content_ap_places(c, &nowhere, 3, &v, &n));
	CHECK(n == 3 && !v[0].has_distance && names_sorted(v, n));
	content_places_free(v, n);
	CHECK(content_ap_place(c, "ww-centrum", &p) == CONTENT_FOUND);
	CHECK_STR(p.name, "Wijkwijzer Centrum");
	content_place_free(&p);
	/* a place, but not one that takes appointments */
	struct sb other;
	sb_init(&other, 256);
	CHECK(
	    raw_text(db,
	             "SELECT id FROM place WHERE id NOT IN (SELECT location_id FROM ap_locations) "
	             "ORDER BY n LIMIT 1",
	             NULL, &other));
	CHECK(content_place(c, sb_str(&other), &p) == CONTENT_FOUND);
	content_place_free(&p);
	CHECK(content_ap_place(c, sb_str(&other), &p) == CONTENT_MISSING);
	sb_free(&other);

	/* the places of a service */
	const char *svc = "aan-tafel-samen-eten";
	long nsp =
	    raw_long(db, "SELECT count(*) FROM service_at_location WHERE service_id = ?1", svc);
	CHECK(nsp > 1);
	CHECK(content_service_places(c, svc, NULL, 0, &v, &n));
	CHECK((long)n == nsp && names_sorted(v, n) && !v[0].has_distance);
	content_places_free(v, n);
	CHECK(content_service_places(c, svc, &centrum, 0, &v, &n));
	CHECK((long)n == nsp && nearest_first(v, n));
	content_places_free(v, n);
	CHECK(content_service_places(c, svc, &centrum, 1, &v, &n) && n == 1);
	content_places_free(v, n);
	CHECK(content_service_places(c, "bestaat-niet", NULL, 0, &v, &n) && n == 0 && v == NULL);

	struct content_strings t;
	CHECK(content_place_term_names(c, "ww-centrum", "toegankelijkheid", &t));
	CHECK(t.n > 0 && (long)t.n == raw_long(db,
	                                       "SELECT count(*) FROM location_term lt JOIN "
	                                       "taxonomy_terms t ON t.id = lt.term_id WHERE "
	                                       "lt.location_id = ?1 AND t.taxonomy = "
	                                       "'toegankelijkheid'",
	                                       "ww-centrum"));
	content_strings_free(&t);
	CHECK(t.v == NULL && t.n == 0);

	/* a kiosk terminal's point is its wijkwijzer's */
	struct point kp = {.set = false};
	CHECK(content_terminal_point(c, "demo", &kp) == CONTENT_FOUND);
	CHECK(kp.set && kp.lat == centrum.lat && kp.lon == centrum.lon);
	struct point none = {.set = false};
	CHECK(content_terminal_point(c, "bestaat-niet", &none) == CONTENT_MISSING && !none.set);
}

static void check_services(struct catalog *c, sqlite3 *db)
{
	struct content_service s;
	CHECK(content_service(c, "carinova-logeeropvang", &s) == CONTENT_FOUND);
	CHECK_STR(s.id, "carinova-logeeropvang");
	CHECK(s.name && *s.name && s.description && *s.description);
	CHECK(s.organization_id && *s.organization_id && s.organization_name);
	CHECK(s.free == (raw_long(db, "SELECT free FROM service_flags WHERE service_id = ?1",
	                          "carinova-logeeropvang") == 1));
	content_service_free(&s);
	CHECK(content_service(c, "bestaat-niet", &s) == CONTENT_MISSING && s.id == NULL);

	struct content_respite r;
	CHECK(content_respite(c, "carinova-logeeropvang", &r) == CONTENT_FOUND);
	CHECK_STR(r.setting, "buitenshuis");
	CHECK_STR(r.times, "logeren;nacht;weekend");
	CHECK_STR(r.provider, "professional");
	CHECK(r.notice_days == 42 && r.has_min_duration && r.min_duration_hours == 24);
	CHECK_STR(r.for_whom, "dementie;ouderen;lichamelijke-beperking;nah");
	CHECK(r.notes && strstr(r.notes, "zes weken") != NULL);
	content_respite_free(&r);
	CHECK(content_respite(c, "wijkwijzer-inloop", &r) == CONTENT_MISSING);

	const char *svc = "aan-tafel-samen-eten";
	struct content_strings t;
	CHECK(content_service_term_names(c, svc, "categorie", &t));
	CHECK(t.n > 0 && (long)t.n == raw_long(db,
	                                       "SELECT count(*) FROM service_term st JOIN "
	                                       "taxonomy_terms t ON t.id = st.term_id WHERE "
	                                       "st.service_id = ?1 AND t.taxonomy = 'categorie'",
	                                       svc));
	content_strings_free(&t);
	CHECK(content_service_term_ids(c, svc, &t));
	CHECK(t.n > 0 &&
	      (long)t.n ==
	          raw_long(db, "SELECT count(*) FROM service_term WHERE service_id = ?1", svc));
	content_strings_free(&t);
	CHECK(content_service_language_names(c, svc, &t) && t.n == 0); /* none for this one */
	content_strings_free(&t);
	const char *multi = "wijkwijzer-inloop";
	CHECK(content_service_language_names(c, multi, &t));
	CHECK(t.n > 1 && (long)t.n == raw_long(db,
	                                       "SELECT count(DISTINCT name) FROM languages WHERE "
	                                       "service_id = ?1 OR location_id IN (SELECT "
	                                       "location_id FROM service_at_location WHERE "
	                                       "service_id = ?1)",
	                                       multi));
	bool sorted = true;
	for (size_t i = 1; i < t.n; i++)
		sorted &= strcmp(t.v[i - 1], t.v[i]) < 0; /* each once */
	CHECK(sorted);
	size_t nnames = t.n;
	content_strings_free(&t);
	CHECK(content_service_language_codes(c, multi, &t) && t.n == nnames);
	content_strings_free(&t);

	/* phones: the organisation's number, "053 000 5534", once */
	struct content_phone *ph;
	size_t n;
	CHECK(content_service_phones(c, svc, "aan-tafel", 3, &ph, &n));
	CHECK(n == 1 && strcmp(ph[0].number, "053 000 5534") == 0);
	CHECK(n == 1 && ph[0].description && strcmp(ph[0].description, "Algemeen nummer") == 0);
	content_phones_free(ph, n);
	CHECK(content_service_phone_numbers(c, svc, &t) && t.n == 1);
	CHECK(t.n == 1 && strcmp(t.v[0], "053 000 5534") == 0);
	content_strings_free(&t);
	/* at most max, the service's own numbers first */
	struct sb many;
	sb_init(&many, 256);
	CHECK(
	    raw_text(db,
	             "SELECT s.id FROM services s WHERE (SELECT count(DISTINCT number) FROM phones "
	             "p WHERE p.service_id = s.id OR p.organization_id = s.organization_id) > 1 "
	             "ORDER BY s._line LIMIT 1",
	             NULL, &many));
	struct content_service ms;
	CHECK(content_service(c, sb_str(&many), &ms) == CONTENT_FOUND);
	CHECK(content_service_phones(c, sb_str(&many), ms.organization_id, 1, &ph, &n) && n == 1);
	content_phones_free(ph, n);
	CHECK(content_service_phones(c, sb_str(&many), ms.organization_id, 0, &ph, &n) && n > 1);
	content_phones_free(ph, n);
	content_service_free(&ms);
	sb_free(&many);

	struct content_cost *cost;
	CHECK(content_service_costs(c, "wijkwijzer-inloop", &cost, &n) && n == 1);
	CHECK(n == 1 && cost[0].option && strcmp(cost[0].option, "Gratis") == 0);
	CHECK(n == 1 && cost[0].amount == 0.0 && strcmp(cost[0].currency, "EUR") == 0);
	CHECK(n == 1 && cost[0].description &&
	      strcmp(cost[0].description, "U betaalt niets.") == 0);
	content_costs_free(cost, n);
}

static void check_topics(struct catalog *c, sqlite3 *db)
{
	struct content_topic *v;
	size_t n;
	CHECK(content_ap_topics(c, &v, &n));
	CHECK((long)n == raw_long(db, "SELECT count(*) FROM ap_topics", NULL));
	CHECK(n && strcmp(v[0].id, "hulp-thuis") == 0 && v[0].duration_min == 60);
	CHECK(n && strcmp(v[0].name, "Hulp om thuis te blijven wonen") == 0 && v[0].bring &&
	      *v[0].description);
	content_topics_free(v, n);
	struct content_topic t;
	CHECK(content_ap_topic(c, "wonen", &t) == CONTENT_FOUND);
	CHECK_STR(t.name, "Wonen");
	CHECK(t.duration_min == 30);
	CHECK_STR(t.bring, "Neem uw identiteitsbewijs mee.");
	content_topic_free(&t);
	CHECK(t.name == NULL);
	CHECK(content_ap_topic(c, "bestaat-niet", &t) == CONTENT_MISSING && t.id == NULL);
	CHECK(content_ap_topic(c, NULL, &t) == CONTENT_MISSING);
}

static void check_selfcheck_texts(struct catalog *c, sqlite3 *db)
{
	struct sb title, text, want;
	sb_init(&title, 4096);
	sb_init(&text, 4096);
	sb_init(&want, 4096);
	CHECK(content_sc_advice(c, "niets-nodig", NULL, &title, &text) == CONTENT_FOUND);
	CHECK_STR(sb_str(&title), "Fijn, het gaat goed");
	CHECK(raw_text(db, "SELECT text FROM sc_advice WHERE id = ?1", "niets-nodig", &want));
	CHECK_STR(sb_str(&text), sb_str(&want));
	sb_reset(&title);
	CHECK(content_sc_advice(c, "niets-nodig", "eigen-kracht", &title, NULL) == CONTENT_FOUND);
	CHECK_STR(sb_str(&title), "Fijn, het gaat goed");
	CHECK(content_sc_advice(c, "niets-nodig", "algemeen", NULL, NULL) == CONTENT_MISSING);
	CHECK(content_sc_advice(c, "bestaat-niet", NULL, NULL, NULL) == CONTENT_MISSING);
	/* a builder that is full: an error, not a cut text */
	struct sb tiny;
	sb_init(&tiny, 4);
	CHECK(content_sc_advice(c, "niets-nodig", NULL, &tiny, NULL) == CONTENT_ERROR);
	CHECK(sb_failed(&tiny));
	sb_free(&tiny);

	/* the carer's result: each score in its band */
	const int scores[] = {0, 2, 3, 6, 7, 10};
	const char *titles[] = {"U houdt het goed vol", "U houdt het goed vol",
	                        "Let goed op uzelf",    "Let goed op uzelf",
	                        "De zorg is nu veel",   "De zorg is nu veel"};
	for (size_t i = 0; i < sizeof(scores) / sizeof(scores[0]); i++) {
		sb_reset(&title);
		sb_reset(&text);
		CHECK(content_sc_carer_result(c, scores[i], &title, &text) == CONTENT_FOUND);
		CHECK(strncmp(sb_str(&title), titles[i], strlen(titles[i])) == 0 && text.len > 0);
	}
	CHECK(content_sc_carer_result(c, 99, &title, NULL) == CONTENT_MISSING);

	/* the first question of a domain, about oneself or someone else */
	sb_reset(&text);
	sb_reset(&want);
	CHECK(content_sc_domain_question(c, "geldzaken", false, &text) == CONTENT_FOUND);
	CHECK(raw_text(db,
	               "SELECT text_self FROM sc_questions WHERE domain = ?1 ORDER BY \"order\" "
	               "LIMIT 1",
	               "geldzaken", &want));
	CHECK_STR(sb_str(&text), sb_str(&want));
	CHECK(strncmp(sb_str(&text), "Lukt het u", 10) == 0);
	sb_reset(&text);
	CHECK(content_sc_domain_question(c, "geldzaken", true, &text) == CONTENT_FOUND);
	CHECK(strncmp(sb_str(&text), "Lukt het hem of haar", 20) == 0);
	/* no wording about someone else: the question as asked */
	sb_reset(&text);
	CHECK(content_sc_domain_question(c, "belasting", true, &text) == CONTENT_FOUND);
	CHECK_STR(sb_str(&text), "Voelt de zorg voor de ander zwaar?");
	CHECK(content_sc_domain_question(c, "bestaat-niet", false, &text) == CONTENT_MISSING);
	sb_free(&title);
	sb_free(&text);
	sb_free(&want);
}

void test_content(void)
{
	char err[512];
	struct catalog *c = catalog_open(unit_content_dir, err, sizeof(err));
	CHECK(c != NULL);
	if (!c) {
		fprintf(stderr, "  content: %s (run make content)\n", err);
		return;
	}
	struct sb path;
	sb_init(&path, 4096);
	sb_appendf(&path, "%s/content.db", unit_content_dir);
	sqlite3 *db = NULL;
	bool opened = sqlite3_open_v2(sb_str(&path), &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK;
	CHECK(opened);
	if (opened) {
		check_places(c, db);
		check_organizations(c, db);
		check_services(c, db);
		check_topics(c, db);
		check_selfcheck_texts(c, db);
	}
	sqlite3_close(db);
	sb_free(&path);
	catalog_close(c);
}
