/* route, i18n, json, csrf, dispatch */
#include <stdlib.h>
#include <time.h>

#include "base/app.h"
#include "net/csrf.h"
#include "base/origin.h"
#include "web/handlers.h"
#include "net/http.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/rate.h"
#include "net/route.h"
#include "net/server.h"
#include "store/catalog.h"
#include "domain/staff.h"
#include "unit.h"

static void noop(struct request *rq, struct response *rs)
{
	(void)rq;
	(void)rs;
}

static const struct route table[] = {
    {HM_GET, "/", noop, 0},
    {HM_GET, "/{lang}/", noop, 0},
    {HM_GET | HM_POST, "/{lang}/afspraak", noop, ROUTE_FORM},
    {HM_GET, "/{lang}/voorzieningen/{id}", noop, 0},
    {HM_DELETE, "/api/v1/bookings/{token}", noop, ROUTE_JSON},
    {HM_GET, "/static/*", noop, 0},
};

static enum route_result find(unsigned method, const char *path, struct request *rq,
                              unsigned *allowed)
{
	request_init(rq);
	rq->method = method;
	rq->path = strdup(path);
	return route_find(table, sizeof(table) / sizeof(table[0]), rq, allowed);
}

void test_route(void)
{
	struct request rq;
	unsigned allowed = 0;
	CHECK(find(HM_GET, "/", &rq, &allowed) == ROUTE_FOUND && rq.route == &table[0]);
	request_free(&rq);
	CHECK(find(HM_GET, "/nl/", &rq, &allowed) == ROUTE_FOUND && rq.route == &table[1]);
	CHECK_STR(route_param(&rq, 0), "nl");
	request_free(&rq);
	CHECK(find(HM_GET, "/xx/", &rq, &allowed) == ROUTE_NOT_FOUND);
	request_free(&rq);
	CHECK(find(HM_GET, "/nl", &rq, &allowed) == ROUTE_NOT_FOUND);
	request_free(&rq);
	CHECK(find(HM_HEAD, "/ar/voorzieningen/humanitas-1", &rq, &allowed) == ROUTE_FOUND);
	CHECK_STR(route_param(&rq, 0), "ar");
	CHECK_STR(route_param(&rq, 1), "humanitas-1");
	CHECK_STR(route_param(&rq, 2), "");
	request_free(&rq);
	CHECK(find(HM_GET, "/nl/voorzieningen/", &rq, &allowed) == ROUTE_NOT_FOUND);
	request_free(&rq);
	CHECK(find(HM_GET, "/nl/voorzieningen/a/b", &rq, &allowed) == ROUTE_NOT_FOUND);
	request_free(&rq);
	CHECK(find(HM_POST, "/nl/", &rq, &allowed) == ROUTE_METHOD_NOT_ALLOWED);
	CHECK(allowed & HM_GET);
	request_free(&rq);
	CHECK(find(HM_POST, "/en/afspraak", &rq, &allowed) == ROUTE_FOUND);
	request_free(&rq);
	CHECK(find(HM_GET, "/api/v1/bookings/abc", &rq, &allowed) == ROUTE_METHOD_NOT_ALLOWED);
	CHECK(allowed == HM_DELETE);
	request_free(&rq);
	CHECK(find(HM_GET, "/static/a/b.css", &rq, &allowed) == ROUTE_FOUND);
	request_free(&rq);
}

static const char *neg(const char *h)
{
	const struct i18n_lang *l = i18n_negotiate(h);
	return l ? l->code : "(none)";
}

static const char *fmt_date(const char *lang, int y, int m, int d, int wd, int hh, int mm)
{
	static char out[256];
	struct sb b;
	sb_init(&b, 256);
	const struct i18n_lang *prev = i18n_use(i18n_find(lang));
	i18n_format_datetime(&b, y, m, d, wd, hh, mm);
	i18n_use(prev);
	snprintf(out, sizeof(out), "%s", sb_str(&b));
	sb_free(&b);
	return out;
}

void test_i18n(void)
{
	CHECK_STR(neg("en-US,en;q=0.9,nl;q=0.8"), "en");
	CHECK_STR(neg("fr-FR, de;q=0.5, nl;q=0.7"), "nl");
	CHECK_STR(neg("fr, ar;q=0.1"), "ar");
	CHECK_STR(neg("nl;q=0, en;q=0.2"), "en");
	CHECK_STR(neg("NL-be"), "nl");
	CHECK_STR(neg("tr-TR;q=1.0, uk;q=1"), "tr"); /* ties keep order */
	CHECK_STR(neg("pl;q=0.3, uk;q=0.35"), "uk");
	CHECK_STR(neg("*"), "(none)");
	CHECK_STR(neg("fr, es"), "(none)");
	CHECK_STR(neg(""), "(none)");
	CHECK_STR(neg("en;q=abc, de;q=0.1"), "de"); /* a malformed q drops the entry */
	CHECK_STR(neg(";;;,,,=q"), "(none)");
	CHECK_STR(neg("english, en-gb"), "en");
	CHECK(i18n_negotiate(NULL) == NULL);

	CHECK(i18n_find("ar")->rtl);
	CHECK(!i18n_find("nl")->rtl);
	CHECK(i18n_find("xx") == NULL);
	CHECK(i18n_count() == 7);

	CHECK_STR(fmt_date("nl", 2026, 12, 1, 2, 9, 30), "dinsdag 1 december, 9.30 uur");
	CHECK_STR(fmt_date("en", 2026, 12, 1, 2, 9, 30), "Tuesday 1 December, 9:30");
	CHECK_STR(fmt_date("nl", 2027, 3, 28, 0, 14, 5), "zondag 28 maart, 14.05 uur");

	struct sb b;
	sb_init(&b, 64);
	i18n_use(i18n_find("nl"));
	i18n_format_distance(&b, 347);
	CHECK_STR(sb_str(&b), "350 m");
	sb_reset(&b);
	i18n_format_distance(&b, 1249);
	CHECK_STR(sb_str(&b), "1,2 km");
	sb_reset(&b);
	i18n_use(i18n_find("en"));
	i18n_format_distance(&b, 12960);
	CHECK_STR(sb_str(&b), "13.0 km");
	sb_free(&b);

	/* switching back and forth never leaks a language */
	for (int i = 0; i < 50; i++) {
		i18n_use(i18n_find(i % 2 ? "en" : "nl"));
		CHECK_STR(_("Direct naar de inhoud"),
		          i % 2 ? "Skip to content" : "Direct naar de inhoud");
	}
	i18n_use(i18n_default());
}

void test_json(void)
{
	struct json_object o;
	const char *ok = " {\"type\":\"subscribe\",\"location\":\"ww-centrum\",\"n\":-1.5e2,"
	                 "\"b\":true,\"z\":null,\"u\":\"caf\\u00e9 \\ud83d\\ude00\"} ";
	CHECK(json_parse_object(ok, strlen(ok), &o) == JSON_OK);
	CHECK_STR(json_get_string(&o, "type"), "subscribe");
	CHECK(json_get(&o, "n") && json_get(&o, "n")->num == -150.0);
	CHECK(json_get(&o, "b") && json_get(&o, "b")->b);
	CHECK(json_get(&o, "z") && json_get(&o, "z")->type == JSON_NULL);
	CHECK_STR(json_get_string(&o, "u"), "café 😀");
	CHECK(json_get_string(&o, "n") == NULL);
	json_object_free(&o);
	CHECK(json_parse_object("{}", 2, &o) == JSON_OK && o.n == 0);

	const char *bad[] = {
	    "",
	    "[]",
	    "{",
	    "{\"a\":}",
	    "{\"a\":1,}",
	    "{\"a\":01}",
	    "{\"a\":1} x",
	    "{\"a\":{\"b\":1}}",
	    "{\"a\":[1]}",
	    "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\ud800\"}",
	    "{\"a\":\"\\u0000\"}",
	    "{\"a\":1,\"a\":2}",
	    "{a:1}",
	    "{\"a\":tru}",
	    "{\"a\":\"\x01\"}",
	    "{\"a\":\"\xc3\x28\"}",
	    "{\"a\":-}",
	    "{\"a\":1.}",
	    "{\"a\":1e}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum json_error e = json_parse_object(bad[i], strlen(bad[i]), &o);
		CHECK(e != JSON_OK);
		if (e == JSON_OK) {
			fprintf(stderr, "  accepted: %s\n", bad[i]);
			json_object_free(&o);
		}
	}
}

void test_csrf(void)
{
	struct app app;
	memset(&app, 0, sizeof(app));
	memset(app.secret, 7, sizeof(app.secret));
	CHECK(origin_from_listen("127.0.0.1", 8080, &app.cfg.pub));
	const char *mine = "AAAAAAAAAAAAAAAAAAAAAA", *theirs = "BBBBBBBBBBBBBBBBBBBBBB";
	struct sb t;
	sb_init(&t, 128);
	time_t now = 1800000000;
	CHECK(csrf_token(&app, "/{lang}/afspraak", mine, now, &t));
	CHECK(t.len == 32);
	CHECK(csrf_valid(&app, "/{lang}/afspraak", mine, sb_str(&t), now + 10));
	/* bound to the browser: another browser's cookie does not fit */
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", theirs, sb_str(&t), now + 10));
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", NULL, sb_str(&t), now + 10));
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", "AAAA", sb_str(&t), now + 10));
	CHECK(!csrf_token(&app, "/{lang}/afspraak", "AAAAAAAAAAAAAAAAAAAAA=", now, &t));
	CHECK(!csrf_valid(&app, "/{lang}/zelfcheck", mine, sb_str(&t), now + 10));
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", mine, sb_str(&t), now + CSRF_MAX_AGE_S + 1));
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", mine, sb_str(&t), now - 3600));
	char tampered[64];
	snprintf(tampered, sizeof(tampered), "%s", sb_str(&t));
	tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", mine, tampered, now + 10));
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", mine, NULL, now));
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", mine, "short", now));
	memset(app.secret, 8, sizeof(app.secret));
	CHECK(!csrf_valid(&app, "/{lang}/afspraak", mine, sb_str(&t), now + 10));
	sb_free(&t);

	struct request rq;
	request_init(&rq);
	rq.app = &app;
	rq.host = strdup("127.0.0.1:8080");
	CHECK(csrf_same_origin(&rq)); /* no headers: the bound token decides */
	rq.origin = strdup("http://127.0.0.1:8080");
	CHECK(csrf_same_origin(&rq));
	free(rq.origin);
	rq.origin = strdup("https://127.0.0.1:8080"); /* not on a plain http listener */
	CHECK(!csrf_same_origin(&rq));
	free(rq.origin);
	rq.origin = strdup("http://evil.example");
	CHECK(!csrf_same_origin(&rq));
	free(rq.origin);
	rq.origin = strdup("null");
	CHECK(!csrf_same_origin(&rq)); /* "null" alone could be a sandboxed attacker */
	rq.sec_fetch_site = strdup("same-origin");
	CHECK(csrf_same_origin(&rq)); /* Chromium's own form under no-referrer */
	free(rq.sec_fetch_site);
	rq.sec_fetch_site = strdup("cross-site");
	CHECK(!csrf_same_origin(&rq));
	free(rq.sec_fetch_site);
	rq.sec_fetch_site = strdup("same-site");
	CHECK(!csrf_same_origin(&rq));
	request_free(&rq);
}

void test_origin(void)
{
	struct public_origin o;
	char err[128];
	CHECK(origin_parse("https://Wijkwijzer.Example.nl/", &o, err, sizeof(err)));
	CHECK(o.https && o.port == 443 && strcmp(o.host, "wijkwijzer.example.nl") == 0);
	CHECK(strcmp(o.base, "https://wijkwijzer.example.nl") == 0);
	CHECK(origin_parse("http://[::1]:8080", &o, err, sizeof(err)));
	CHECK(strcmp(o.base, "http://[::1]:8080") == 0 && o.port == 8080);
	CHECK(origin_parse("https://x.example:443", &o, err, sizeof(err)));
	CHECK(strcmp(o.base, "https://x.example") == 0);
	const char *bad[] = {"ftp://x",
	                     "https://",
	                     "https://x.example/pad",
	                     "https://u@x.example",
	                     "https://x.example:0",
	                     "https://x.example:65536",
	                     "https://x_y",
	                     "https://x.example?q",
	                     "http://[::1",
	                     "https://x.example:8a"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!origin_parse(bad[i], &o, err, sizeof(err)));
	CHECK(origin_listen_is_loopback("127.0.0.1") && origin_listen_is_loopback("::1"));
	CHECK(!origin_listen_is_loopback("0.0.0.0") && !origin_listen_is_loopback("192.168.1.5"));
	CHECK(!origin_from_listen("0.0.0.0", 80, &o));

	struct public_origin pub;
	CHECK(origin_parse("https://wijk.example", &pub, err, sizeof(err)));
	CHECK(origin_matches(&pub, "https://wijk.example", "evil.example"));
	CHECK(origin_matches(&pub, "https://WIJK.example:443", NULL));
	CHECK(!origin_matches(&pub, "http://wijk.example", NULL));
	CHECK(!origin_matches(&pub, "https://wijk.example:8443", NULL));
	CHECK(!origin_matches(&pub, "https://wijk.example/", NULL));
	CHECK(!origin_matches(&pub, "null", NULL));
	CHECK(origin_from_listen("127.0.0.1", 8080, &pub));
	CHECK(origin_matches(&pub, "http://localhost:8080", "localhost:8080"));
	CHECK(!origin_matches(&pub, "https://localhost:8080", "localhost:8080"));
	CHECK(!origin_matches(&pub, "http://localhost:8080", "127.0.0.1:8080"));
	CHECK(!origin_matches(&pub, "http://localhost:8080", NULL));
}

static int dispatch(const char *method_name, unsigned method, const char *path, const char *accept,
                    struct response *rs)
{
	struct app app;
	memset(&app, 0, sizeof(app));
	char err[256];
	app.catalog = catalog_open(unit_content_dir, err, sizeof(err)); /* the home page reads it */
	struct request rq;
	request_init(&rq);
	rq.method = method;
	rq.method_name = method_name;
	rq.path = strdup(path);
	if (accept)
		rq.accept_language = strdup(accept);
	response_init(rs);
	server_dispatch(&app, &rq, rs);
	request_free(&rq);
	catalog_close(app.catalog);
	return rs->status;
}

void test_dispatch(void)
{
	struct response rs;
	CHECK(dispatch("GET", HM_GET, "/nl/", NULL, &rs) == 200);
	CHECK(strstr(sb_str(&rs.body), "<html lang=\"nl\" dir=\"ltr\">") != NULL);
	response_free(&rs);
	CHECK(dispatch("GET", HM_GET, "/ar/", NULL, &rs) == 200);
	CHECK(strstr(sb_str(&rs.body), "<html lang=\"ar\" dir=\"rtl\">") != NULL);
	response_free(&rs);
	CHECK(dispatch("GET", HM_GET, "/en/<script>alert(1)</script>", NULL, &rs) == 404);
	CHECK(strstr(sb_str(&rs.body), "<script>alert") == NULL);
	CHECK(strstr(sb_str(&rs.body), "lang=\"en\"") != NULL);
	response_free(&rs);
	CHECK(dispatch("GET", HM_GET, "/nergens", "de;q=0.9", &rs) == 404);
	CHECK(strstr(sb_str(&rs.body), "<html lang=\"de\"") != NULL);
	response_free(&rs);
	CHECK(dispatch("DELETE", HM_DELETE, "/nl/", NULL, &rs) == 405);
	CHECK(rs.nheaders == 1 && strcmp(rs.header_values[0], "GET, HEAD") == 0);
	response_free(&rs);
	CHECK(dispatch("GET", HM_GET, "/", "en", &rs) == 303);
	CHECK(rs.nheaders >= 1 && strcmp(rs.header_values[0], "/en/") == 0);
	response_free(&rs);
	CHECK(dispatch("GET", HM_GET, "/healthz", NULL, &rs) == 200);
	CHECK_STR(sb_str(&rs.body), "{\"status\":\"ok\"}\n");
	response_free(&rs);
	CHECK(dispatch("GET", HM_GET, "/nl/\x01", NULL, &rs) == 400);
	response_free(&rs);
	i18n_use(i18n_default());
}

void test_rate(void)
{
	time_t t = 1800000000;
	CHECK(rate_count("unit-a", "1.2.3.4", 900, false, t) == 0);
	for (int i = 1; i <= 5; i++)
		CHECK(rate_count("unit-a", "1.2.3.4", 900, true, t + i) == i);
	CHECK(rate_count("unit-a", "5.6.7.8", 900, false, t) == 0); /* per client */
	CHECK(rate_count("unit-b", "1.2.3.4", 900, false, t) == 0); /* per kind */
	CHECK(rate_count("unit-a", "1.2.3.4", 900, false, t + 899) == 5);
	CHECK(rate_count("unit-a", "1.2.3.4", 900, false, t + 901) == 0); /* a new window */
	/* a full table never blocks anyone wrongly: fill it with others */
	char who[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(who, sizeof(who), "10.0.%d.%d", i / 256, i % 256);
		rate_count("unit-c", who, 900, true, t + 1000 + i);
	}
	CHECK(rate_count("unit-c", "10.0.19.135", 900, false, t + 7000) <= 1);
	CHECK(rate_allowed("unit-d", "x", 0)); /* 0: no limit */
	CHECK(rate_allowed("unit-d", "x", 2) && rate_allowed("unit-d", "x", 2) &&
	      !rate_allowed("unit-d", "x", 2));
}

/* domain/staff: the three roles' words and what each may see or edit. */
void test_staff_roles(void)
{
	enum staff_role r = STAFF_MEDEWERKER;
	CHECK(staff_role_parse("aanbieder", &r) && r == STAFF_AANBIEDER);
	CHECK_STR(staff_role_name(STAFF_AANBIEDER), "aanbieder");
	CHECK_STR(staff_role_name(STAFF_BEHEERDER), "beheerder");
	CHECK_STR(staff_role_name(STAFF_MEDEWERKER), "medewerker");
	CHECK(!staff_role_parse("Aanbieder", &r) && !staff_role_parse(NULL, &r));
	struct staff_user mw = {.role = STAFF_MEDEWERKER, .active = true, .nlocations = 1};
	snprintf(mw.locations[0], sizeof(mw.locations[0]), "ww-noord");
	struct staff_user admin = {.role = STAFF_BEHEERDER, .active = true};
	struct staff_user provider = {.role = STAFF_AANBIEDER, .active = true};
	snprintf(provider.organization, sizeof(provider.organization), "humanitas-onder-dak");
	/* an aanbieder has no wijkwijzers, not even one that shares a name */
	CHECK(staff_may(&mw, "ww-noord") && !staff_may(&mw, "ww-zuid"));
	CHECK(staff_may(&admin, "ww-zuid"));
	CHECK(!staff_may(&provider, "ww-noord") && !staff_may(&provider, "humanitas-onder-dak"));
	CHECK(staff_may_edit(&provider, "humanitas-onder-dak"));
	CHECK(!staff_may_edit(&provider, "leger-des-heils") &&
	      !staff_may_edit(&provider, "humanitas"));
	CHECK(staff_may_edit(&admin, "leger-des-heils") && !staff_may_edit(&admin, NULL) &&
	      !staff_may_edit(&admin, ""));
	CHECK(!staff_may_edit(&mw, "humanitas-onder-dak") &&
	      !staff_may_edit(NULL, "humanitas-onder-dak"));
	provider.active = false;
	CHECK(!staff_may_edit(&provider, "humanitas-onder-dak"));
}
