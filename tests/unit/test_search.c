/* The search on the demo content, checked against SQL and FTS5 on the same
 * database: text matches, the box and distance order, "open now" at the
 * minute it changes and on holidays, siblings sharing one index; and the
 * pieces under it (hours_open_at, the haversine steps). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "store/catalog.h"
#include "store/content_import.h"
#include "base/geo.h"
#include "base/hours.h"
#include "store/store.h"
#include "unit.h"

static time_t local_time(int y, int mon, int d, int h, int min)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = min;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void filter_init(struct catalog_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->lang = "nl";
	f->limit = 1000;
	f->respite_notice_max = -1;
	f->now = local_time(2026, 12, 1, 10, 0);
}

static bool has_id(const struct catalog_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->hits[i].id, id) == 0)
			return true;
	return false;
}

/* Every query's hits are exactly the active services FTS5 finds for the
 * same words (Dutch text or the language's). */
static void check_text(struct catalog *c, const char *q, const char *lang)
{
	struct catalog_filter f;
	filter_init(&f);
	f.q = q;
	f.lang = lang;
	struct catalog_result r;
	CHECK(catalog_search(c, &f, &r));
	struct sb fts;
	sb_init(&fts, 4096);
	size_t want = 0;
	bool all_found = true;
	if (catalog_fts_query(q, &fts)) {
		sqlite3_stmt *st = NULL;
		sqlite3 *db = store_db(catalog_store(c));
		CHECK(
		    sqlite3_prepare_v2(
		        db,
		        "SELECT DISTINCT f.service_id FROM service_fts f JOIN services s ON s.id = "
		        "f.service_id WHERE service_fts MATCH ?1 AND f.lang IN (?2, 'nl') AND "
		        "s.status = 'active'",
		        -1, &st, NULL) == SQLITE_OK);
		sqlite3_bind_text(st, 1, sb_str(&fts), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			want++;
			if (!has_id(&r, (const char *)sqlite3_column_text(st, 0))) {
				all_found = false;
				fprintf(stderr, "  q=%s lang=%s: %s missing\n", q, lang,
				        (const char *)sqlite3_column_text(st, 0));
			}
		}
		sqlite3_finalize(st);
	}
	CHECK(all_found);
	if (r.total != want)
		fprintf(stderr, "  q=%s lang=%s: %zu found, FTS5 %zu\n", q, lang, r.total, want);
	CHECK(r.total == want && r.n == want && !r.total_capped);
	sb_free(&fts);
	catalog_result_free(&r);
}

/* Near a point: every active service with a place in the box, nearest
 * first, the distance that of the place shown. */
static void check_near(struct catalog *c, double lat, double lon)
{
	struct catalog_filter f;
	filter_init(&f);
	f.near.set = true;
	f.near.lat = lat;
	f.near.lon = lon;
	struct catalog_result r;
	CHECK(catalog_search(c, &f, &r));
	sqlite3_stmt *st = NULL;
	sqlite3 *db = store_db(catalog_store(c));
	CHECK(
	    sqlite3_prepare_v2(db,
	                       "SELECT count(DISTINCT s.id) FROM services s JOIN "
	                       "service_at_location sal ON sal.service_id = s.id JOIN place p ON "
	                       "p.id = sal.location_id WHERE s.status = 'active' AND p.latitude "
	                       "BETWEEN ?1 - 0.27 AND ?1 + 0.27 AND p.longitude BETWEEN ?2 - 0.44 "
	                       "AND ?2 + 0.44",
	                       -1, &st, NULL) == SQLITE_OK);
	sqlite3_bind_double(st, 1, lat);
	sqlite3_bind_double(st, 2, lon);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	size_t want = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	CHECK(r.total == want && r.n == want);
	bool sorted = true, exact = true;
	CHECK(sqlite3_prepare_v2(db, "SELECT latitude, longitude FROM place WHERE id = ?1", -1, &st,
	                         NULL) == SQLITE_OK);
	for (size_t i = 0; i < r.n; i++) {
		if (i && r.hits[i].distance_m < r.hits[i - 1].distance_m)
			sorted = false;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, r.hits[i].place_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW ||
		    geo_distance_m(sqlite3_column_double(st, 0), sqlite3_column_double(st, 1), lat,
		                   lon) != r.hits[i].distance_m ||
		    !r.hits[i].has_distance)
			exact = false;
	}
	sqlite3_finalize(st);
	CHECK(sorted && exact);
	/* a page further down is the same list further down */
	struct catalog_result page;
	f.limit = 5;
	f.offset = 5;
	CHECK(catalog_search(c, &f, &page));
	size_t rest = want > 5 ? want - 5 : 0;
	CHECK(page.n == (rest < 5 ? rest : 5) && page.total == want);
	for (size_t i = 0; i < page.n && r.n >= 10; i++)
		CHECK_STR(page.hits[i].id, r.hits[5 + i].id);
	catalog_result_free(&page);
	catalog_result_free(&r);
}

/* "Open now" at one instant equals asking every service's hours. */
static void check_open(struct catalog *c, time_t now, size_t *open_out)
{
	struct catalog_filter f;
	filter_init(&f);
	f.now = now;
	struct catalog_result all, open;
	CHECK(catalog_search(c, &f, &all));
	f.open_now = true;
	CHECK(catalog_search(c, &f, &open));
	sqlite3_stmt *st = NULL;
	CHECK(
	    sqlite3_prepare_v2(store_db(catalog_store(c)),
	                       "SELECT location_id FROM service_at_location WHERE service_id = ?1",
	                       -1, &st, NULL) == SQLITE_OK);
	size_t want = 0;
	bool same = true;
	for (size_t i = 0; i < all.n; i++) {
		bool any = false;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, all.hits[i].id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct hours_status hs;
			catalog_hours(c, all.hits[i].id, (const char *)sqlite3_column_text(st, 0),
			              now, &hs);
			any |= hs.open;
		}
		want += any;
		if (any != has_id(&open, all.hits[i].id))
			same = false;
	}
	sqlite3_finalize(st);
	CHECK(same && open.total == want);
	for (size_t i = 0; i < open.n; i++)
		CHECK(open.hits[i].hours.open);
	*open_out = open.total;
	catalog_result_free(&all);
	catalog_result_free(&open);
}

/* Worker threads, each with its own sibling, search at the same time and
 * get what the base got alone. */
struct worker {
	struct catalog *c;
	size_t want[4];
	bool same;
};

static const char *const worker_q[4] = {"koffie", "hulp", NULL, "taal"};

static size_t worker_search(struct catalog *c, int i)
{
	struct catalog_filter f;
	filter_init(&f);
	f.q = worker_q[i];
	f.limit = 5;
	if (i >= 2) {
		f.near.set = true;
		f.near.lat = 52.2215 + 0.01 * i;
		f.near.lon = 6.8937;
	}
	struct catalog_result r;
	size_t total = catalog_search(c, &f, &r) ? r.total * 1000 + r.n : 0;
	catalog_result_free(&r);
	return total;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	w->same = true;
	for (int round = 0; round < 200; round++)
		for (int i = 0; i < 4; i++)
			w->same &= worker_search(w->c, i) == w->want[i];
	return NULL;
}

static void check_threads(struct catalog *base)
{
	struct worker w[2];
	pthread_t t[2];
	bool started[2] = {false, false};
	char err[256];
	for (int k = 0; k < 2; k++) {
		w[k].c = catalog_open_sibling(base, err, sizeof(err));
		CHECK(w[k].c != NULL);
		for (int i = 0; i < 4; i++)
			w[k].want[i] = worker_search(base, i);
		if (w[k].c)
			started[k] = pthread_create(&t[k], NULL, worker_run, &w[k]) == 0;
		CHECK(started[k]);
	}
	for (int k = 0; k < 2; k++) {
		if (started[k]) {
			pthread_join(t[k], NULL);
			CHECK(w[k].same);
		}
		catalog_close(w[k].c);
	}
}

void test_search(void)
{
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	char dir[] = "/tmp/ww-unit-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct sb db;
	sb_init(&db, 4096);
	sb_appendf(&db, "%s/content.db", dir);
	char err[512];
	bool imported = content_import("content", sb_str(&db), NULL, err, sizeof(err));
	if (!imported)
		fprintf(stderr, "  import: %s\n", err);
	CHECK(imported);
	struct catalog *base = imported ? catalog_open(dir, err, sizeof(err)) : NULL;
	CHECK(base != NULL);
	if (!base) {
		fprintf(stderr, "  open: %s\n", err);
		goto out;
	}
	struct catalog *c = catalog_open_sibling(base, err, sizeof(err));
	CHECK(c != NULL);
	if (!c)
		goto out;

	/* the tokens the search matches: folded as FTS5 folds them */
	struct sb tok;
	sb_init(&tok, 4096);
	CHECK(catalog_tokens(c, "Cliënt-ondersteuning KOFFIE!", &tok) == 3);
	CHECK_STR(sb_str(&tok), "client\nondersteuning\nkoffie\n");
	sb_reset(&tok);
	CHECK(catalog_tokens(c, "\" OR * NEAR( !!!", &tok) == 2);
	sb_free(&tok);

	const char *queries[] = {"koffie", "maaltijd", "mantelzorg",          "hulp thuis",
	                         "taal",   "d",        "clientondersteuning", "Cliëntondersteuning",
	                         "xyzzy",  "de hulp",  "vervoer rolstoel",    "OR NEAR AND"};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		check_text(c, queries[i], "nl");
	check_text(c, "coffee", "en");
	check_text(c, "hilfe", "de");
	check_text(base, "yemek", "tr"); /* the base answers like its sibling */

	/* text relevance, then distance: hits with a query word in the name
	   come first, each group nearest first */
	struct catalog_filter f;
	filter_init(&f);
	f.q = "koffie";
	f.near.set = true;
	f.near.lat = 52.2215;
	f.near.lon = 6.8937;
	struct catalog_result r;
	CHECK(catalog_search(c, &f, &r));
	bool order = r.n > 3;
	for (size_t i = 0; i + 1 < r.n; i++) {
		bool a = strcasestr(r.hits[i].name, "koffie") != NULL,
		     b = strcasestr(r.hits[i + 1].name, "koffie") != NULL;
		if ((!a && b) || (a == b && r.hits[i].distance_m > r.hits[i + 1].distance_m))
			order = false;
	}
	CHECK(order);
	catalog_result_free(&r);

	check_near(c, 52.2215, 6.8937); /* Enschede centre */
	check_near(c, 52.19, 6.95);
	check_near(c, 53.2, 6.56); /* Groningen: nothing in the demo */

	/* filters that name no term find nothing; a respite search finds only
	   respite offers */
	filter_init(&f);
	f.category = "cat-bestaat-niet";
	CHECK(catalog_search(c, &f, &r) && r.total == 0 && r.n == 0);
	catalog_result_free(&r);
	filter_init(&f);
	f.respite_only = true;
	CHECK(catalog_search(c, &f, &r) && r.total > 0);
	for (size_t i = 0; i < r.n; i++)
		CHECK(r.hits[i].notice_days >= 0);
	catalog_result_free(&r);

	/* open now: Tuesday 1 December 2026 around 9.00 and 17.00, then
	   Christmas Day (a holiday, everything closed) and the night after */
	size_t at[6];
	check_open(c, local_time(2026, 12, 1, 8, 59), &at[0]);
	check_open(c, local_time(2026, 12, 1, 9, 0), &at[1]);
	check_open(c, local_time(2026, 12, 1, 16, 59), &at[2]);
	check_open(c, local_time(2026, 12, 1, 17, 0), &at[3]);
	check_open(c, local_time(2026, 12, 25, 11, 0), &at[4]);
	check_open(c, local_time(2026, 12, 26, 0, 30), &at[5]);
	CHECK(at[1] > at[0]); /* opening at 9.00 */
	CHECK(at[3] < at[2]); /* closing at 17.00 */
	CHECK(at[4] == 0);    /* Christmas */
	(void)at[5];

	check_threads(base);

	/* a sibling outlives its base: the index goes with the last one */
	catalog_close(base);
	base = NULL;
	check_text(c, "koffie", "nl");
	catalog_close(c);

	/* the importer replaced the file: a sibling of the old base refuses */
	base = catalog_open(dir, err, sizeof(err));
	CHECK(base != NULL);
	CHECK(content_import("content", sb_str(&db), NULL, err, sizeof(err)));
	c = base ? catalog_open_sibling(base, err, sizeof(err)) : NULL;
	CHECK(c == NULL && strstr(err, "replaced") != NULL);
	catalog_close(c);
out:
	catalog_close(base);
	unlink(sb_str(&db));
	rmdir(dir);
	sb_free(&db);
}

void test_hours_moment(void)
{
	/* Monday-Friday 9.00-17.00, Friday night 22.00-02.00 */
	const struct hours_period p[] = {{1, 540, 1020}, {2, 540, 1020}, {3, 540, 1020},
	                                 {4, 540, 1020}, {5, 540, 1020}, {5, 1320, 120}};
	const size_t n = sizeof(p) / sizeof(p[0]);
	const char *hol[] = {"2026-12-25"};
	struct hours_day tue = {2026, 12, 1, 2}, sat = {2026, 12, 5, 6}, fri = {2026, 12, 25, 5},
	                 sat26 = {2026, 12, 26, 6};
	struct hours_moment m;
	int closes;
	/* every minute of a Tuesday: open exactly from 9.00 to 16.59, and the
	   same answer as hours_status */
	bool same = true, right = true;
	for (int minute = 0; minute < 1440; minute++) {
		hours_moment_of(tue, minute, hol, 1, &m);
		bool open = hours_open_at(p, n, &m, &closes);
		struct hours_status s;
		hours_status(p, n, hol, 1, tue, minute, &s);
		same &= open == s.open && (!open || closes == s.closes);
		right &= open == (minute >= 540 && minute < 1020);
	}
	CHECK(same && right);
	/* Saturday 1.59 is the tail of Friday night, 2.00 is not */
	hours_moment_of(sat, 119, hol, 1, &m);
	CHECK(hours_open_at(p, n, &m, &closes) && closes == 120);
	hours_moment_of(sat, 120, hol, 1, &m);
	CHECK(!hours_open_at(p, n, &m, NULL));
	/* a holiday closes the day and its night */
	hours_moment_of(fri, 600, hol, 1, &m);
	CHECK(m.today_closed && !hours_open_at(p, n, &m, NULL));
	hours_moment_of(sat26, 60, hol, 1, &m);
	CHECK(m.yesterday_closed && !hours_open_at(p, n, &m, NULL));

	/* the two-step distance is the distance, to the last bit */
	double lat1 = 52.2215, lon1 = 6.8937, lat2 = 52.3702, lon2 = 4.8952;
	double a = geo_haversine(lat1, lon1, geo_cos_lat(lat1), lat2, lon2, geo_cos_lat(lat2));
	CHECK(geo_distance_from_haversine(a) == geo_distance_m(lat1, lon1, lat2, lon2));
	CHECK(fabs(geo_distance_m(lat1, lon1, lat2, lon2) - 137600) < 1500);
	CHECK(geo_haversine_of_m(1000) < geo_haversine_of_m(1001));
	CHECK(fabs(geo_distance_from_haversine(geo_haversine_of_m(25000)) - 25000) < 0.01);
}
