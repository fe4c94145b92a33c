#include "store/content.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

/* ---- helpers ---------------------------------------------------------------- */

/* A copy of column i of a required field ("" should it be NULL); *ok
 * becomes false when memory runs out. */
static char *text_copy(sqlite3_stmt *st, int i, bool *ok)
{
	char *s = strdup(store_text(st, i));
	if (!s)
		*ok = false;
	return s;
}

/* A copy of column i of an optional field: NULL when it is NULL. */
static char *opt_copy(sqlite3_stmt *st, int i, bool *ok)
{
	const char *t = store_text_or_null(st, i);
	if (!t)
		return NULL;
	char *s = strdup(t);
	if (!s)
		*ok = false;
	return s;
}

/* Steps st: true with a row; false when done, and then *ok is false if
 * it was an error rather than the end. */
static bool next_row(sqlite3_stmt *st, bool *ok)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		*ok = false;
	return false;
}

/* A text parameter (NULL binds NULL, which matches no row). */
static bool bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) == SQLITE_OK;
}

/* The point of near in parameters i and i + 1 (left NULL when not set:
 * then ww_distance() is NULL). */
static bool bind_point(sqlite3_stmt *st, int i, const struct point *near)
{
	return !near->set || (sqlite3_bind_double(st, i, near->lat) == SQLITE_OK &&
	                      sqlite3_bind_double(st, i + 1, near->lon) == SQLITE_OK);
}

/* Room for element n of an array of size-byte elements with *cap room:
 * the array (moved, perhaps), or NULL when memory runs out (v is then
 * unchanged and still the caller's). */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	size_t want = *cap ? *cap * 2 : 8;
	if (want > SIZE_MAX / size)
		return NULL;
	void *p = realloc(v, want * size);
	if (p)
		*cap = want;
	return p;
}

void content_strings_free(struct content_strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* The first column of every row of sql, with a in ?1 (and b in ?2). */
static bool strings_of(struct catalog *c, const char *sql, const char *a, const char *b,
                       struct content_strings *out)
{
	out->v = NULL;
	out->n = 0;
	sqlite3_stmt *st = store_stmt(catalog_store(c), sql);
	if (!st)
		return false;
	bool ok = bind_text(st, 1, a) && (!b || bind_text(st, 2, b));
	size_t cap = 0;
	while (ok && next_row(st, &ok)) {
		char **v = grow(out->v, &cap, out->n, sizeof(*out->v));
		if (!v) {
			ok = false;
			break;
		}
		out->v = v;
		char *s = text_copy(st, 0, &ok);
		if (!s)
			break;
		out->v[out->n++] = s;
	}
	sqlite3_reset(st);
	if (!ok)
		content_strings_free(out);
	return ok;
}

/* Appends column i to b when b is not NULL. */
static bool append_column(struct sb *b, sqlite3_stmt *st, int i)
{
	return !b || sb_puts(b, store_text(st, i));
}

/* The first row of st (bound as ok says) as title and text into the
 * builders; resets st. */
static enum content_result title_text(sqlite3_stmt *st, bool ok, struct sb *title, struct sb *text)
{
	enum content_result r = CONTENT_ERROR;
	if (ok && next_row(st, &ok))
		r = append_column(title, st, 0) && append_column(text, st, 1) ? CONTENT_FOUND
		                                                              : CONTENT_ERROR;
	else if (ok)
		r = CONTENT_MISSING;
	sqlite3_reset(st);
	return r;
}

/* The first column of the one row of st (bound when ok) into out. */
static enum content_result one_text(sqlite3_stmt *st, bool ok, struct sb *out)
{
	enum content_result r = CONTENT_ERROR;
	if (ok && next_row(st, &ok))
		r = sb_puts(out, store_text(st, 0)) ? CONTENT_FOUND : CONTENT_ERROR;
	else if (ok)
		r = CONTENT_MISSING;
	sqlite3_reset(st);
	return r;
}

/* ---- places --------------------------------------------------------------- */

/* The columns of a place, in the order place_row() reads them; queries
 * with a distance add it as column PLACE_DISTANCE. */
#define PLACE_COLUMNS                                                                              \
	"p.id, p.name, p.address, p.postal_code, p.city, p.transportation, p.stadsdeel, p.wijk, "  \
	"p.latitude, p.longitude"
#define PLACE_DISTANCE 10

void content_place_free(struct content_place *p)
{
	free(p->id);
	free(p->name);
	free(p->address);
	free(p->postal_code);
	free(p->city);
	free(p->transportation);
	free(p->stadsdeel);
	free(p->wijk);
	memset(p, 0, sizeof(*p));
}

void content_places_free(struct content_place *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		content_place_free(&p[i]);
	free(p);
}

static bool place_row(sqlite3_stmt *st, bool with_distance, struct content_place *p)
{
	bool ok = true;
	memset(p, 0, sizeof(*p));
	p->id = text_copy(st, 0, &ok);
	p->name = text_copy(st, 1, &ok);
	p->address = text_copy(st, 2, &ok);
	p->postal_code = text_copy(st, 3, &ok);
	p->city = text_copy(st, 4, &ok);
	p->transportation = opt_copy(st, 5, &ok);
	p->stadsdeel = opt_copy(st, 6, &ok);
	p->wijk = opt_copy(st, 7, &ok);
	p->lat = sqlite3_column_double(st, 8);
	p->lon = sqlite3_column_double(st, 9);
	if (with_distance && sqlite3_column_type(st, PLACE_DISTANCE) != SQLITE_NULL) {
		p->has_distance = true;
		p->distance_m = sqlite3_column_double(st, PLACE_DISTANCE);
	}
	if (!ok)
		content_place_free(p);
	return ok;
}

/* The rows of st (bound as ok says), at most max (0: all); resets st. */
static bool place_rows(sqlite3_stmt *st, bool ok, bool with_distance, size_t max,
                       struct content_place **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	while (ok && (!max || *n < max) && next_row(st, &ok)) {
		struct content_place *v = grow(*out, &cap, *n, sizeof(**out));
		if (!v) {
			ok = false;
			break;
		}
		*out = v;
		if (!place_row(st, with_distance, &v[*n])) {
			ok = false;
			break;
		}
		(*n)++;
	}
	sqlite3_reset(st);
	if (!ok) {
		content_places_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

/* The first row of st (bound as ok says); resets st. */
static enum content_result place_first(sqlite3_stmt *st, bool ok, struct content_place *out)
{
	enum content_result r = CONTENT_ERROR;
	if (ok && next_row(st, &ok))
		r = place_row(st, false, out) ? CONTENT_FOUND : CONTENT_ERROR;
	else if (ok)
		r = CONTENT_MISSING;
	sqlite3_reset(st);
	return r;
}

enum content_result content_place(struct catalog *c, const char *id, struct content_place *out)
{
	memset(out, 0, sizeof(*out));
	if (!id)
		return CONTENT_MISSING;
	sqlite3_stmt *st =
	    store_stmt(catalog_store(c), "SELECT " PLACE_COLUMNS " FROM place p WHERE p.id = ?1");
	if (!st)
		return CONTENT_ERROR;
	return place_first(st, bind_text(st, 1, id), out);
}

bool content_places(struct catalog *c, bool wijkwijzer_only, struct content_place **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(catalog_store(c),
	                              "SELECT " PLACE_COLUMNS " FROM place p WHERE ?1 IS NULL OR "
	                              "p.is_wijkwijzer ORDER BY p.name");
	if (!st)
		return false;
	bool ok = !wijkwijzer_only || sqlite3_bind_int(st, 1, 1) == SQLITE_OK;
	return place_rows(st, ok, false, 0, out, n);
}

bool content_service_places(struct catalog *c, const char *service_id, const struct point *near,
                            size_t max, struct content_place **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    near
	        ? store_stmt(catalog_store(c),
	                     "SELECT " PLACE_COLUMNS ", ww_distance(p.latitude, p.longitude, ?2, "
	                     "?3) AS d FROM service_at_location sal JOIN place p ON p.id = "
	                     "sal.location_id WHERE sal.service_id = ?1 ORDER BY d, p.name")
	        : store_stmt(catalog_store(c),
	                     "SELECT " PLACE_COLUMNS " FROM service_at_location sal JOIN place p "
	                     "ON p.id = sal.location_id WHERE sal.service_id = ?1 ORDER BY p.name");
	if (!st)
		return false;
	bool ok = bind_text(st, 1, service_id) && (!near || bind_point(st, 2, near));
	return place_rows(st, ok, near != NULL, max, out, n);
}

bool content_place_term_names(struct catalog *c, const char *place_id, const char *taxonomy,
                              struct content_strings *out)
{
	return strings_of(
	    c,
	    "SELECT t.name FROM location_term lt JOIN taxonomy_terms t ON t.id = "
	    "lt.term_id WHERE lt.location_id = ?1 AND t.taxonomy = ?2 ORDER BY t._line",
	    place_id, taxonomy, out);
}

enum content_result content_terminal_point(struct catalog *c, const char *terminal_id,
                                           struct point *out)
{
	if (!terminal_id)
		return CONTENT_MISSING;
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c), "SELECT p.latitude, p.longitude FROM terminals t JOIN place p "
	                      "ON p.id = t.location_id WHERE t.id = ?1");
	if (!st)
		return CONTENT_ERROR;
	bool ok = bind_text(st, 1, terminal_id);
	enum content_result r = CONTENT_ERROR;
	if (ok && next_row(st, &ok)) {
		out->set = true;
		out->lat = sqlite3_column_double(st, 0);
		out->lon = sqlite3_column_double(st, 1);
		r = CONTENT_FOUND;
	} else if (ok) {
		r = CONTENT_MISSING;
	}
	sqlite3_reset(st);
	return r;
}

/* ---- services ------------------------------------------------------------- */

void content_service_free(struct content_service *s)
{
	free(s->id);
	free(s->name);
	free(s->description);
	free(s->application_process);
	free(s->fees_description);
	free(s->eligibility_description);
	free(s->url);
	free(s->organization_id);
	free(s->organization_name);
	free(s->organization_website);
	free(s->organization_email);
	free(s->checked_on);
	memset(s, 0, sizeof(*s));
}

enum content_result content_service(struct catalog *c, const char *id, struct content_service *out)
{
	memset(out, 0, sizeof(*out));
	if (!id)
		return CONTENT_MISSING;
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c),
	    "SELECT s.id, s.name, s.description, s.application_process, s.fees_description, "
	    "s.eligibility_description, s.url, o.id, o.name, o.website, o.email, f.free, "
	    "f.has_costs, k.checked_on FROM "
	    "services s JOIN organizations o ON o.id = s.organization_id JOIN service_flags f ON "
	    "f.service_id = s.id LEFT JOIN x_checked k ON k.link_id = s.uuid WHERE s.id = ?1 AND "
	    "s.status = 'active'");
	if (!st)
		return CONTENT_ERROR;
	bool ok = bind_text(st, 1, id);
	enum content_result r = CONTENT_ERROR;
	if (ok && next_row(st, &ok)) {
		out->id = text_copy(st, 0, &ok);
		out->name = text_copy(st, 1, &ok);
		out->description = text_copy(st, 2, &ok);
		out->application_process = opt_copy(st, 3, &ok);
		out->fees_description = opt_copy(st, 4, &ok);
		out->eligibility_description = opt_copy(st, 5, &ok);
		out->url = opt_copy(st, 6, &ok);
		out->organization_id = text_copy(st, 7, &ok);
		out->organization_name = text_copy(st, 8, &ok);
		out->organization_website = opt_copy(st, 9, &ok);
		out->organization_email = opt_copy(st, 10, &ok);
		out->free = sqlite3_column_int(st, 11) != 0;
		out->has_costs = sqlite3_column_int(st, 12) != 0;
		out->checked_on = opt_copy(st, 13, &ok);
		r = ok ? CONTENT_FOUND : CONTENT_ERROR;
		if (!ok)
			content_service_free(out);
	} else if (ok) {
		r = CONTENT_MISSING;
	}
	sqlite3_reset(st);
	return r;
}

bool content_service_term_names(struct catalog *c, const char *service_id, const char *taxonomy,
                                struct content_strings *out)
{
	return strings_of(
	    c,
	    "SELECT t.name FROM service_term st JOIN taxonomy_terms t ON t.id = "
	    "st.term_id WHERE st.service_id = ?1 AND t.taxonomy = ?2 ORDER BY t._line",
	    service_id, taxonomy, out);
}

bool content_service_term_ids(struct catalog *c, const char *service_id,
                              struct content_strings *out)
{
	return strings_of(c,
	                  "SELECT t.id FROM service_term st JOIN taxonomy_terms t ON t.id = "
	                  "st.term_id WHERE st.service_id = ?1 ORDER BY t._line",
	                  service_id, NULL, out);
}

bool content_service_language_names(struct catalog *c, const char *service_id,
                                    struct content_strings *out)
{
	return strings_of(
	    c,
	    "SELECT DISTINCT name FROM languages WHERE service_id = ?1 OR location_id "
	    "IN (SELECT location_id FROM service_at_location WHERE service_id = ?1) "
	    "ORDER BY name",
	    service_id, NULL, out);
}

bool content_service_language_codes(struct catalog *c, const char *service_id,
                                    struct content_strings *out)
{
	return strings_of(
	    c,
	    "SELECT DISTINCT code FROM languages WHERE service_id = ?1 OR location_id "
	    "IN (SELECT location_id FROM service_at_location WHERE service_id = ?1) "
	    "ORDER BY code",
	    service_id, NULL, out);
}

bool content_service_schedule_notes(struct catalog *c, const char *service_id,
                                    struct content_strings *out)
{
	/* each text once, in the order of the file; the weekly rows are in
	   the table of hours */
	return strings_of(c,
	                  "SELECT description FROM schedules WHERE service_id = ?1 AND "
	                  "freq IS NULL AND description IS NOT NULL GROUP BY description "
	                  "ORDER BY min(_line)",
	                  service_id, NULL, out);
}

void content_phones_free(struct content_phone *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].number);
		free(p[i].description);
	}
	free(p);
}

bool content_service_phones(struct catalog *c, const char *service_id, const char *organization_id,
                            size_t max, struct content_phone **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c),
	    "SELECT DISTINCT number, description FROM phones WHERE service_id = ?1 OR "
	    "organization_id = ?2 OR location_id IN (SELECT location_id FROM service_at_location "
	    "WHERE service_id = ?1) ORDER BY service_id IS NULL LIMIT ?3");
	if (!st)
		return false;
	/* LIMIT -1: no limit */
	bool ok = bind_text(st, 1, service_id) && bind_text(st, 2, organization_id) &&
	          sqlite3_bind_int64(st, 3, max && max <= INT64_MAX ? (sqlite3_int64)max : -1) ==
	              SQLITE_OK;
	size_t cap = 0;
	while (ok && next_row(st, &ok)) {
		struct content_phone *v = grow(*out, &cap, *n, sizeof(**out));
		if (!v) {
			ok = false;
			break;
		}
		*out = v;
		v[*n].number = text_copy(st, 0, &ok);
		v[*n].description = opt_copy(st, 1, &ok);
		(*n)++; /* freed with the rest, also when a copy failed */
	}
	sqlite3_reset(st);
	if (!ok) {
		content_phones_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

bool content_service_phone_numbers(struct catalog *c, const char *service_id,
                                   struct content_strings *out)
{
	return strings_of(
	    c,
	    "SELECT DISTINCT number FROM phones WHERE service_id = ?1 OR location_id "
	    "IN (SELECT location_id FROM service_at_location WHERE service_id = ?1) "
	    "OR organization_id = (SELECT organization_id FROM services WHERE id = ?1)",
	    service_id, NULL, out);
}

void content_costs_free(struct content_cost *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].option);
		free(p[i].currency);
		free(p[i].description);
	}
	free(p);
}

bool content_service_costs(struct catalog *c, const char *service_id, struct content_cost **out,
                           size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    store_stmt(catalog_store(c), "SELECT option, amount, currency, amount_description FROM "
	                                 "cost_options WHERE service_id = ?1 ORDER BY _line");
	if (!st)
		return false;
	bool ok = bind_text(st, 1, service_id);
	size_t cap = 0;
	while (ok && next_row(st, &ok)) {
		struct content_cost *v = grow(*out, &cap, *n, sizeof(**out));
		if (!v) {
			ok = false;
			break;
		}
		*out = v;
		v[*n].option = opt_copy(st, 0, &ok);
		v[*n].amount = sqlite3_column_double(st, 1);
		v[*n].currency = text_copy(st, 2, &ok);
		v[*n].description = opt_copy(st, 3, &ok);
		(*n)++; /* freed with the rest, also when a copy failed */
	}
	sqlite3_reset(st);
	if (!ok) {
		content_costs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

void content_respite_free(struct content_respite *r)
{
	free(r->setting);
	free(r->times);
	free(r->provider);
	free(r->payer);
	free(r->for_whom);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

enum content_result content_respite(struct catalog *c, const char *service_id,
                                    struct content_respite *out)
{
	memset(out, 0, sizeof(*out));
	if (!service_id)
		return CONTENT_MISSING;
	sqlite3_stmt *st = store_stmt(catalog_store(c),
	                              "SELECT setting, times, provider, notice_days, "
	                              "min_duration_hours, payer, for_whom, notes FROM x_respite "
	                              "WHERE service_id = ?1");
	if (!st)
		return CONTENT_ERROR;
	bool ok = bind_text(st, 1, service_id);
	enum content_result r = CONTENT_ERROR;
	if (ok && next_row(st, &ok)) {
		out->setting = text_copy(st, 0, &ok);
		out->times = text_copy(st, 1, &ok);
		out->provider = text_copy(st, 2, &ok);
		out->notice_days = sqlite3_column_int(st, 3);
		out->has_min_duration = sqlite3_column_type(st, 4) != SQLITE_NULL;
		out->min_duration_hours = sqlite3_column_int(st, 4);
		out->payer = text_copy(st, 5, &ok);
		out->for_whom = text_copy(st, 6, &ok);
		out->notes = opt_copy(st, 7, &ok);
		r = ok ? CONTENT_FOUND : CONTENT_ERROR;
		if (!ok)
			content_respite_free(out);
	} else if (ok) {
		r = CONTENT_MISSING;
	}
	sqlite3_reset(st);
	return r;
}

/* ---- appointments --------------------------------------------------------- */

bool content_ap_places(struct catalog *c, const struct point *near, size_t max,
                       struct content_place **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    near ? store_stmt(catalog_store(c),
	                      "SELECT " PLACE_COLUMNS ", ww_distance(p.latitude, p.longitude, ?1, "
	                      "?2) AS d FROM place p JOIN ap_locations a ON a.location_id = p.id "
	                      "ORDER BY d, p.name")
	         : store_stmt(catalog_store(c),
	                      "SELECT " PLACE_COLUMNS " FROM place p JOIN ap_locations a ON "
	                      "a.location_id = p.id ORDER BY p.name");
	if (!st)
		return false;
	return place_rows(st, !near || bind_point(st, 1, near), near != NULL, max, out, n);
}

enum content_result content_ap_place(struct catalog *c, const char *id, struct content_place *out)
{
	memset(out, 0, sizeof(*out));
	if (!id)
		return CONTENT_MISSING;
	sqlite3_stmt *st = store_stmt(catalog_store(c), "SELECT " PLACE_COLUMNS
	                                                " FROM place p JOIN ap_locations a ON "
	                                                "a.location_id = p.id WHERE p.id = ?1");
	if (!st)
		return CONTENT_ERROR;
	return place_first(st, bind_text(st, 1, id), out);
}

void content_topic_free(struct content_topic *t)
{
	free(t->id);
	free(t->name);
	free(t->description);
	free(t->bring);
	memset(t, 0, sizeof(*t));
}

void content_topics_free(struct content_topic *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		content_topic_free(&t[i]);
	free(t);
}

static bool topic_row(sqlite3_stmt *st, struct content_topic *t)
{
	bool ok = true;
	t->id = text_copy(st, 0, &ok);
	t->name = text_copy(st, 1, &ok);
	t->description = text_copy(st, 2, &ok);
	t->duration_min = sqlite3_column_int(st, 3);
	t->bring = opt_copy(st, 4, &ok);
	if (!ok)
		content_topic_free(t);
	return ok;
}

bool content_ap_topics(struct catalog *c, struct content_topic **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c),
	    "SELECT id, name, description, duration_min, bring FROM ap_topics ORDER BY _line");
	if (!st)
		return false;
	bool ok = true;
	size_t cap = 0;
	while (ok && next_row(st, &ok)) {
		struct content_topic *v = grow(*out, &cap, *n, sizeof(**out));
		if (!v) {
			ok = false;
			break;
		}
		*out = v;
		memset(&v[*n], 0, sizeof(v[*n]));
		if (!topic_row(st, &v[*n])) {
			ok = false;
			break;
		}
		(*n)++;
	}
	sqlite3_reset(st);
	if (!ok) {
		content_topics_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

enum content_result content_ap_topic(struct catalog *c, const char *id, struct content_topic *out)
{
	memset(out, 0, sizeof(*out));
	if (!id)
		return CONTENT_MISSING;
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c),
	    "SELECT id, name, description, duration_min, bring FROM ap_topics WHERE id = ?1");
	if (!st)
		return CONTENT_ERROR;
	bool ok = bind_text(st, 1, id);
	enum content_result r = CONTENT_ERROR;
	if (ok && next_row(st, &ok))
		r = topic_row(st, out) ? CONTENT_FOUND : CONTENT_ERROR;
	else if (ok)
		r = CONTENT_MISSING;
	sqlite3_reset(st);
	return r;
}

/* ---- self-check texts ----------------------------------------------------- */

enum content_result content_sc_advice(struct catalog *c, const char *id, const char *level,
                                      struct sb *title, struct sb *text)
{
	if (!id)
		return CONTENT_MISSING;
	sqlite3_stmt *st =
	    level ? store_stmt(catalog_store(c),
	                       "SELECT title, text FROM sc_advice WHERE id = ?1 AND level = ?2")
	          : store_stmt(catalog_store(c), "SELECT title, text FROM sc_advice WHERE id = ?1");
	if (!st)
		return CONTENT_ERROR;
	bool ok = bind_text(st, 1, id) && (!level || bind_text(st, 2, level));
	return title_text(st, ok, title, text);
}

enum content_result content_sc_advice_link(struct catalog *c, const char *id, struct sb *out)
{
	if (!id)
		return CONTENT_MISSING;
	sqlite3_stmt *st =
	    store_stmt(catalog_store(c), "SELECT link FROM sc_advice WHERE id = ?1 AND link <> ''");
	if (!st)
		return CONTENT_ERROR;
	return one_text(st, bind_text(st, 1, id), out);
}

enum content_result content_sc_carer_result(struct catalog *c, int score, struct sb *title,
                                            struct sb *text)
{
	sqlite3_stmt *st = store_stmt(catalog_store(c), "SELECT title, text FROM sc_carer_result "
	                                                "WHERE ?1 BETWEEN min_score AND max_score");
	if (!st)
		return CONTENT_ERROR;
	return title_text(st, sqlite3_bind_int(st, 1, score) == SQLITE_OK, title, text);
}

enum content_result content_sc_domain_question(struct catalog *c, const char *domain, bool other,
                                               struct sb *out)
{
	if (!domain)
		return CONTENT_MISSING;
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c), "SELECT CASE WHEN ?2 = 'o' AND text_other <> '' THEN "
	                      "text_other ELSE text_self END FROM sc_questions WHERE domain "
	                      "= ?1 ORDER BY \"order\" LIMIT 1");
	if (!st)
		return CONTENT_ERROR;
	return one_text(st, bind_text(st, 1, domain) && bind_text(st, 2, other ? "o" : "s"), out);
}
