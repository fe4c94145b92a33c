#include "catalog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content_import.h"
#include "store.h"
#include "text.h"

struct catalog {
	struct store *db;
	char **holidays; /* sorted YYYY-MM-DD */
	size_t nholidays;
};

static void sql_distance(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
	(void)argc;
	for (int i = 0; i < 4; i++)
		if (sqlite3_value_type(v[i]) == SQLITE_NULL) {
			sqlite3_result_null(ctx);
			return;
		}
	sqlite3_result_double(
	    ctx, geo_distance_m(sqlite3_value_double(v[0]), sqlite3_value_double(v[1]),
	                        sqlite3_value_double(v[2]), sqlite3_value_double(v[3])));
}

struct catalog *catalog_open(const char *content_dir, char *err, size_t errlen)
{
	struct sb path;
	sb_init(&path, 4096);
	sb_appendf(&path, "%s/content.db", content_dir);
	struct catalog *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		sb_free(&path);
		return NULL;
	}
	c->db = store_open_readonly(sb_str(&path), err, errlen);
	sb_free(&path);
	if (!c->db)
		goto fail;
	sqlite3 *db = store_db(c->db);
	sqlite3_stmt *st = store_stmt(c->db, "SELECT value FROM meta WHERE key = 'schema'");
	if (!st || sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), CONTENT_SCHEMA_VERSION) != 0) {
		snprintf(err, errlen, "content database has another schema; run make content");
		goto fail;
	}
	sqlite3_reset(st);
	if (sqlite3_create_function(db, "ww_distance", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_distance, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot register functions: %s", sqlite3_errmsg(db));
		goto fail;
	}
	st = store_stmt(c->db, "SELECT date FROM holidays ORDER BY date");
	if (!st)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char **h = realloc(c->holidays, (c->nholidays + 1) * sizeof(*h));
		if (!h)
			break;
		c->holidays = h;
		c->holidays[c->nholidays] = strdup((const char *)sqlite3_column_text(st, 0));
		if (c->holidays[c->nholidays])
			c->nholidays++;
	}
	sqlite3_reset(st);
	return c;
fail:
	catalog_close(c);
	return NULL;
}

void catalog_close(struct catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nholidays; i++)
		free(c->holidays[i]);
	free(c->holidays);
	store_close(c->db);
	free(c);
}

bool catalog_reload(struct catalog **cur, const char *content_dir, char *err, size_t errlen)
{
	struct catalog *fresh = catalog_open(content_dir, err, errlen);
	if (!fresh)
		return false;
	catalog_close(*cur);
	*cur = fresh;
	return true;
}

struct store *catalog_store(struct catalog *c)
{
	return c->db;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return strdup(t ? (const char *)t : "");
}

enum place_lookup catalog_locate(struct catalog *c, const char *postcode, const char *lat,
                                 const char *lon, struct point *out)
{
	memset(out, 0, sizeof(*out));
	double la, lo;
	if (lat && lon && *lat && *lon) {
		if (geo_parse_coordinate(lat, 50.7, 53.7, &la) &&
		    geo_parse_coordinate(lon, 3.2, 7.3, &lo)) {
			out->set = true;
			out->lat = la;
			out->lon = lo;
			return PLACE_FOUND;
		}
	}
	char pc[8];
	enum postcode_result r = geo_parse_postcode(postcode, pc);
	if (r == POSTCODE_EMPTY)
		return PLACE_NONE;
	if (r == POSTCODE_MALFORMED)
		return PLACE_MALFORMED;
	sqlite3_stmt *st = NULL;
	if (r == POSTCODE_PC6) {
		st = store_stmt(c->db, "SELECT latitude, longitude FROM pc6 WHERE pc6 = ?1");
		if (st && sqlite3_bind_text(st, 1, pc, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW) {
			out->set = true;
			out->lat = sqlite3_column_double(st, 0);
			out->lon = sqlite3_column_double(st, 1);
			snprintf(out->label, sizeof(out->label), "%.4s %s", pc, pc + 4);
		}
		if (st)
			sqlite3_reset(st);
		if (out->set)
			return PLACE_FOUND;
	}
	st = store_stmt(c->db, "SELECT latitude, longitude FROM pc4 WHERE pc4 = ?1");
	char pc4[5];
	memcpy(pc4, pc, 4);
	pc4[4] = '\0';
	if (st && sqlite3_bind_text(st, 1, pc4, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		out->set = true;
		out->lat = sqlite3_column_double(st, 0);
		out->lon = sqlite3_column_double(st, 1);
		if (r == POSTCODE_PC6)
			snprintf(out->label, sizeof(out->label), "%.4s %s", pc, pc + 4);
		else
			snprintf(out->label, sizeof(out->label), "%s", pc4);
	}
	if (st)
		sqlite3_reset(st);
	return out->set ? PLACE_FOUND : PLACE_UNKNOWN;
}

bool catalog_fts_query(const char *text, struct sb *out)
{
	size_t words = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (*p && words < 8) {
		/* a word: ASCII letters and digits, and any non-ASCII character */
		while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		               (*p >= '0' && *p <= '9') || *p >= 0x80))
			p++;
		const unsigned char *start = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9') || *p >= 0x80)
			p++;
		size_t n = (size_t)(p - start);
		if (n == 0)
			break;
		if (n > 64) {
			/* cut at a character boundary, never inside a UTF-8 sequence */
			n = 64;
			while (n && (start[n] & 0xC0) == 0x80)
				n--;
			if (n == 0) /* not UTF-8 at all: the caller let it through */
				n = 64;
		}
		/* the word is quoted, so FTS5 syntax in it has no effect */
		if (words++)
			sb_putc(out, ' ');
		sb_putc(out, '"');
		sb_append(out, (const char *)start, n);
		sb_puts(out, "\"*");
	}
	return words > 0 && !sb_failed(out);
}

static int cmp_period(const void *a, const void *b)
{
	const struct hours_period *x = a, *y = b;
	int wx = (x->wday + 6) % 7, wy = (y->wday + 6) % 7; /* Monday first */
	if (wx != wy)
		return wx - wy;
	return x->opens - y->opens;
}

size_t catalog_periods(struct catalog *c, const char *service_id, const char *place_id,
                       struct hours_period *out, size_t max)
{
	size_t n = 0;
	static const char *const q[2] = {
	    "SELECT wday, opens, closes FROM period WHERE service_id = ?1 AND (location_id IS NULL "
	    "OR "
	    "location_id = ?2)",
	    "SELECT wday, opens, closes FROM period WHERE location_id = ?2 AND service_id IS NULL",
	};
	for (int k = 0; k < 2 && n == 0; k++) {
		if ((k == 0 && !service_id) || (k == 1 && !place_id))
			continue;
		sqlite3_stmt *st = store_stmt(c->db, q[k]);
		if (!st)
			return 0;
		sqlite3_bind_text(st, 1, service_id ? service_id : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, place_id ? place_id : "", -1, SQLITE_STATIC);
		while (n < max && sqlite3_step(st) == SQLITE_ROW) {
			out[n].wday = sqlite3_column_int(st, 0);
			out[n].opens = sqlite3_column_int(st, 1);
			out[n].closes = sqlite3_column_int(st, 2);
			n++;
		}
		sqlite3_reset(st);
	}
	qsort(out, n, sizeof(*out), cmp_period);
	return n;
}

bool catalog_is_holiday(struct catalog *c, struct hours_day day)
{
	return hours_is_holiday((const char *const *)c->holidays, c->nholidays, day);
}

void catalog_hours(struct catalog *c, const char *service_id, const char *place_id, time_t now,
                   struct hours_status *out)
{
	struct hours_period p[64];
	size_t n = catalog_periods(c, service_id, place_id, p, 64);
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	hours_status(p, n, (const char *const *)c->holidays, c->nholidays, today, minute, out);
}

/* One query serves every filter: a NULL parameter switches its condition
 * off, so the statement is prepared once and cached. Nearby means within
 * about 30 km (a box the place_geo index can use), so a catalogue for the
 * whole country still answers quickly. The nearest place of
 * each service comes with it (SQLite takes the bare columns of the row
 * with the smallest distance). */
#define SEARCH_SQL(rank, join, order)                                                              \
	"SELECT s.id, s.name, o.name, s.description, p.id, p.name, p.address, p.postal_code,"      \
	" f.free, MIN(ww_distance(p.latitude, p.longitude, ?1, ?2)) AS d,"                         \
	" " rank " AS rank,"                                                                       \
	" (SELECT notice_days FROM x_respite r WHERE r.service_id = s.id)"                         \
	" FROM services s JOIN organizations o ON o.id = s.organization_id"                        \
	" JOIN service_at_location sal ON sal.service_id = s.id JOIN place p ON p.id ="            \
	" sal.location_id JOIN service_flags f ON f.service_id = s.id " join                       \
	" WHERE s.status = 'active'"                                                               \
	" AND (?3 IS NULL OR s.id IN (SELECT service_id FROM service_fts WHERE service_fts MATCH"  \
	"  ?3 AND lang IN (?4, 'nl')))"                                                            \
	" AND (?5 IS NULL OR s.id IN (SELECT service_id FROM service_term WHERE term_id = ?5))"    \
	" AND (?6 IS NULL OR s.id IN (SELECT service_id FROM service_term WHERE term_id = ?6))"    \
	" AND (?7 IS NULL OR s.id IN (SELECT service_id FROM service_term WHERE term_id = ?7))"    \
	" AND (?8 IS NULL OR f.free = (?8 = 'gratis'))"                                            \
	" AND (?9 IS NULL OR p.id IN (SELECT location_id FROM location_term WHERE term_id = ?9))"  \
	" AND (?10 IS NULL OR p.id IN (SELECT location_id FROM location_term WHERE term_id = "     \
	"?10))"                                                                                    \
	" AND (?11 IS NULL OR p.id IN (SELECT location_id FROM location_term WHERE term_id = "     \
	"?11))"                                                                                    \
	" AND (?12 IS NULL OR p.id IN (SELECT location_id FROM location_term WHERE term_id = "     \
	"?12))"                                                                                    \
	" AND (?13 IS NULL OR p.id IN (SELECT location_id FROM location_term WHERE term_id = "     \
	"?13))"                                                                                    \
	" AND (?14 = 0 OR s.id IN (SELECT r.service_id FROM x_respite r WHERE"                     \
	"  (?15 IS NULL OR r.setting = ?15)"                                                       \
	"  AND (?16 IS NULL OR instr(';' || r.times || ';', ';' || ?16 || ';') > 0)"               \
	"  AND (?17 IS NULL OR r.provider = ?17 OR r.provider = 'beide')"                          \
	"  AND (?18 IS NULL OR instr(';' || r.for_whom || ';', ';' || ?18 || ';') > 0"             \
	"       OR instr(';' || r.for_whom || ';', ';iedereen;') > 0)"                             \
	"  AND (?19 IS NULL OR instr(';' || r.payer || ';', ';' || ?19 || ';') > 0)"               \
	"  AND (?20 < 0 OR r.notice_days <= ?20)))"                                                \
	" AND (?1 IS NULL OR (p.latitude BETWEEN ?1 - 0.27 AND ?1 + 0.27"                          \
	"      AND p.longitude BETWEEN ?2 - 0.44 AND ?2 + 0.44))"                                  \
	" GROUP BY s.id ORDER BY " order

/* bm25 only works in a plain full-text query, hence the derived table */
#define FTS_JOIN                                                                                   \
	"JOIN (SELECT service_id AS fid, min(rank) AS frank FROM service_fts WHERE service_fts "   \
	"MATCH ?3 AND lang IN (?4, 'nl') GROUP BY service_id) fr ON fr.fid = s.id"
static const char search_by_distance[] = SEARCH_SQL("NULL", "", "d, s.name");
static const char search_by_rank[] = SEARCH_SQL("fr.frank", FTS_JOIN, "rank, s.name");
static const char search_by_name[] = SEARCH_SQL("NULL", "", "s.name");

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

bool catalog_search(struct catalog *c, const struct catalog_filter *f, struct catalog_result *out)
{
	memset(out, 0, sizeof(*out));
	struct sb fts;
	sb_init(&fts, 2048);
	bool has_q = catalog_fts_query(f->q, &fts);
	const char *sql = f->near.set ? search_by_distance
	                  : has_q     ? search_by_rank
	                              : search_by_name;
	sqlite3_stmt *st = store_stmt(c->db, sql);
	if (!st) {
		sb_free(&fts);
		return false;
	}
	if (f->near.set) {
		sqlite3_bind_double(st, 1, f->near.lat);
		sqlite3_bind_double(st, 2, f->near.lon);
	}
	if (has_q)
		sqlite3_bind_text(st, 3, sb_str(&fts), -1, SQLITE_STATIC);
	bind_opt(st, 4, f->lang ? f->lang : "nl");
	bind_opt(st, 5, f->category);
	bind_opt(st, 6, f->target);
	bind_opt(st, 7, f->function);
	bind_opt(st, 8, f->cost);
	for (size_t i = 0; i < CATALOG_MAX_ACCESS; i++)
		bind_opt(st, 9 + (int)i, i < f->naccess ? f->access[i] : NULL);
	sqlite3_bind_int(st, 14, f->respite_only);
	bind_opt(st, 15, f->respite_setting);
	bind_opt(st, 16, f->respite_time);
	bind_opt(st, 17, f->respite_provider);
	bind_opt(st, 18, f->respite_for);
	bind_opt(st, 19, f->respite_payer);
	sqlite3_bind_int64(st, 20, f->respite_notice_max);

	size_t limit = f->limit ? f->limit : 20;
	size_t cap = 0;
	int rc;
	bool ok = true;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hours_status hs;
		const char *sid = (const char *)sqlite3_column_text(st, 0);
		const char *pid = (const char *)sqlite3_column_text(st, 4);
		bool need_hours = f->open_now || (out->total >= f->offset && out->n < limit);
		if (need_hours)
			catalog_hours(c, sid, pid, f->now, &hs);
		if (f->open_now && !hs.open)
			continue;
		size_t index = out->total++;
		if (index < f->offset || out->n >= limit)
			continue;
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct catalog_hit *h = realloc(out->hits, ncap * sizeof(*h));
			if (!h) {
				ok = false;
				break;
			}
			out->hits = h;
			cap = ncap;
		}
		struct catalog_hit *h = &out->hits[out->n++];
		memset(h, 0, sizeof(*h));
		h->id = col_dup(st, 0);
		h->name = col_dup(st, 1);
		h->organization = col_dup(st, 2);
		h->description = col_dup(st, 3);
		h->place_id = col_dup(st, 4);
		h->place_name = col_dup(st, 5);
		h->address = col_dup(st, 6);
		h->postal_code = col_dup(st, 7);
		h->free = sqlite3_column_int(st, 8) != 0;
		h->has_distance = sqlite3_column_type(st, 9) != SQLITE_NULL;
		h->distance_m = h->has_distance ? sqlite3_column_double(st, 9) : 0;
		h->notice_days =
		    sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 11);
		h->hours = hs;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "wijkwijzer: search failed: %s\n", sqlite3_errmsg(store_db(c->db)));
		ok = false;
	}
	sqlite3_reset(st);
	sb_free(&fts);
	return ok;
}

void catalog_result_free(struct catalog_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct catalog_hit *h = &r->hits[i];
		free(h->id);
		free(h->name);
		free(h->organization);
		free(h->description);
		free(h->place_id);
		free(h->place_name);
		free(h->address);
		free(h->postal_code);
	}
	free(r->hits);
	memset(r, 0, sizeof(*r));
}

size_t catalog_terms(struct catalog *c, const char *taxonomy, struct term **out)
{
	*out = NULL;
	sqlite3_stmt *st = store_stmt(
	    c->db, "SELECT id, name FROM taxonomy_terms WHERE taxonomy = ?1 ORDER BY _line");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, taxonomy, -1, SQLITE_STATIC);
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct term *t = realloc(*out, (n + 1) * sizeof(*t));
		if (!t)
			break;
		*out = t;
		t[n].id = col_dup(st, 0);
		t[n].name = col_dup(st, 1);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

void catalog_terms_free(struct term *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].id);
		free(t[i].name);
	}
	free(t);
}

const char *catalog_term_name(struct catalog *c, const char *id, struct sb *out)
{
	sqlite3_stmt *st = store_stmt(c->db, "SELECT name FROM taxonomy_terms WHERE id = ?1");
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	const char *r = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		sb_puts(out, (const char *)sqlite3_column_text(st, 0));
		r = sb_str(out);
	}
	sqlite3_reset(st);
	return r;
}
