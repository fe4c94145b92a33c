#include "store/catalog.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/catalog_index.h"
#include "store/content_import.h"
#include "store/store.h"
#include "base/text.h"

#define MAX_TOKENS 8

/* Per-catalog scratch space of the search (the catalog's own thread only):
 * per service a stamp, so nothing needs clearing between searches, and a
 * state word (text masks, or where its match is). */
struct scratch {
	uint32_t gen;
	size_t n; /* services covered */
	uint32_t *stamp, *state, *touched;
	struct match *m;
	size_t nm, capm;
	uint32_t *heap;
	size_t capheap;
	uint64_t *inbox; /* a bit per service: has a place in the box */
};

struct catalog {
	struct store *db;
	struct cx *ix; /* shared and immutable */
	fts5_tokenizer tokenizer;
	Fts5Tokenizer *tok;
	struct scratch s;
	struct site_info site; /* read at open; a sibling copies its base's */
	bool has_site;
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

/* FTS5's own tokenizer, as the index was built with, to fold query words. */
static bool open_tokenizer(struct catalog *c, char *err, size_t errlen)
{
	sqlite3 *db = store_db(c->db);
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL) == SQLITE_OK)
		(void)sqlite3_step(st);
	sqlite3_finalize(st);
	void *ud = NULL;
	const char *args[] = {"remove_diacritics", "2"};
	if (!api || api->iVersion < 2 ||
	    api->xFindTokenizer(api, "unicode61", &ud, &c->tokenizer) != SQLITE_OK ||
	    c->tokenizer.xCreate(ud, args, 2, &c->tok) != SQLITE_OK) {
		c->tok = NULL;
		snprintf(err, errlen, "SQLite has no FTS5 unicode61 tokenizer");
		return false;
	}
	return true;
}

/* A connection to path with what every catalog needs on it. */
static struct catalog *open_connection(const char *path, char *err, size_t errlen)
{
	struct catalog *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->db = store_open_readonly(path, err, errlen);
	if (!c->db)
		goto fail;
	sqlite3 *db = store_db(c->db);
	sqlite3_stmt *st = store_stmt(c->db, "SELECT value FROM meta WHERE key = 'schema'");
	const unsigned char *v = NULL;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_text(st, 0);
	if (!v || strcmp((const char *)v, CONTENT_SCHEMA_VERSION) != 0) {
		if (st)
			sqlite3_reset(st);
		snprintf(err, errlen, "content database has another schema; run make content");
		goto fail;
	}
	sqlite3_reset(st);
	if (sqlite3_create_function(db, "ww_distance", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_distance, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot register functions: %s", sqlite3_errmsg(db));
		goto fail;
	}
	if (!open_tokenizer(c, err, errlen))
		goto fail;
	return c;
fail:
	catalog_close(c);
	return NULL;
}

struct catalog *catalog_open(const char *content_dir, char *err, size_t errlen)
{
	struct sb path;
	sb_init(&path, 4096);
	sb_appendf(&path, "%s/content.db", content_dir);
	struct catalog *c = sb_failed(&path) ? NULL : open_connection(sb_str(&path), err, errlen);
	if (c) {
		c->ix = cx_build(store_db(c->db), sb_str(&path), err, errlen);
		c->has_site = c->ix && site_load(c->db, &c->site);
		if (!c->ix) {
			catalog_close(c);
			c = NULL;
		}
	} else if (sb_failed(&path)) {
		snprintf(err, errlen, "content folder name too long");
	}
	sb_free(&path);
	return c;
}

struct catalog *catalog_open_sibling(const struct catalog *base, char *err, size_t errlen)
{
	struct catalog *c = open_connection(base->ix->db_path, err, errlen);
	if (!c)
		return NULL;
	/* the same file, not a newer one renamed over it meanwhile */
	sqlite3_stmt *st = store_stmt(c->db, "SELECT value FROM meta WHERE key = 'import_id'");
	bool same = false;
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		same = v && strcmp((const char *)v, base->ix->import_id) == 0;
	}
	if (st)
		sqlite3_reset(st);
	if (!same) {
		snprintf(err, errlen, "content.db was replaced; open the catalogue again");
		catalog_close(c);
		return NULL;
	}
	c->ix = cx_ref(base->ix);
	c->site = base->site;
	c->has_site = base->has_site;
	return c;
}

const struct site_info *catalog_site(const struct catalog *c)
{
	return c && c->has_site ? &c->site : NULL;
}

void catalog_close(struct catalog *c)
{
	if (!c)
		return;
	if (c->tok)
		c->tokenizer.xDelete(c->tok);
	store_close(c->db);
	cx_unref(c->ix);
	free(c->s.stamp);
	free(c->s.state);
	free(c->s.touched);
	free(c->s.m);
	free(c->s.heap);
	free(c->s.inbox);
	free(c);
}

struct store *catalog_store(struct catalog *c)
{
	return c->db;
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

static bool is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

/* The next word of free text: ASCII letters and digits, and any non-ASCII
 * character, at most 64 bytes (cut at a character boundary). Returns its
 * length, 0 at the end; *p moves past it. */
static size_t next_word(const unsigned char **p, const unsigned char **start)
{
	const unsigned char *q = *p;
	while (*q && !is_word_byte(*q))
		q++;
	*start = q;
	while (is_word_byte(*q))
		q++;
	*p = q;
	size_t n = (size_t)(q - *start);
	if (n > 64) {
		/* cut at a character boundary, never inside a UTF-8 sequence */
		n = 64;
		while (n && ((*start)[n] & 0xC0) == 0x80)
			n--;
		if (n == 0) /* not UTF-8 at all: the caller let it through */
			n = 64;
	}
	return n;
}

bool catalog_fts_query(const char *text, struct sb *out)
{
	size_t words = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (words < 8) {
		const unsigned char *start;
		size_t n = next_word(&p, &start);
		if (n == 0)
			break;
		/* the word is quoted, so FTS5 syntax in it has no effect */
		if (words++)
			sb_putc(out, ' ');
		sb_putc(out, '"');
		sb_append(out, (const char *)start, n);
		sb_puts(out, "\"*");
	}
	return words > 0 && !sb_failed(out);
}

struct tokens {
	struct sb buf;
	size_t at[MAX_TOKENS], len[MAX_TOKENS];
	size_t n;
};

static int on_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
	(void)start;
	(void)end;
	struct tokens *t = ctx;
	if ((tflags & FTS5_TOKEN_COLOCATED) || ntoken <= 0 || t->n >= MAX_TOKENS)
		return SQLITE_OK;
	t->at[t->n] = t->buf.len;
	t->len[t->n] = (size_t)ntoken;
	if (!sb_append(&t->buf, token, (size_t)ntoken))
		return SQLITE_NOMEM;
	t->n++;
	return SQLITE_OK;
}

/* The words of text (split as catalog_fts_query does), folded by the
 * index's tokenizer. A word it splits further (a non-ASCII separator
 * inside) gives several tokens, each required. */
static bool tokenize(struct catalog *c, const char *text, struct tokens *t)
{
	sb_init(&t->buf, 4096);
	t->n = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	for (size_t words = 0; words < 8 && t->n < MAX_TOKENS; words++) {
		const unsigned char *start;
		size_t n = next_word(&p, &start);
		if (n == 0)
			break;
		int rc =
		    c->tokenizer.xTokenize(c->tok, t, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX,
		                           (const char *)start, (int)n, on_token);
		if (rc != SQLITE_OK)
			return false;
	}
	return !sb_failed(&t->buf);
}

size_t catalog_tokens(struct catalog *c, const char *text, struct sb *out)
{
	struct tokens t;
	size_t n = 0;
	if (tokenize(c, text, &t)) {
		for (size_t i = 0; i < t.n; i++) {
			sb_append(out, t.buf.data + t.at[i], t.len[i]);
			sb_putc(out, '\n');
		}
		n = t.n;
	}
	sb_free(&t.buf);
	return n;
}

/* ---- opening hours -------------------------------------------------------- */

/* The services._line of a service id, or -1. */
static long long service_line(struct catalog *c, const char *id)
{
	if (!id)
		return -1;
	sqlite3_stmt *st = store_stmt(c->db, "SELECT _line FROM services WHERE id = ?1");
	long long line = -1;
	if (st && sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		line = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	return line;
}

/* The place number of a location id, or CX_NONE. */
static uint32_t place_of_id(struct catalog *c, const char *id)
{
	if (!id)
		return CX_NONE;
	sqlite3_stmt *st = store_stmt(c->db, "SELECT n FROM place WHERE id = ?1");
	uint32_t p = CX_NONE;
	if (st && sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		p = cx_place_of_n(c->ix, sqlite3_column_int64(st, 0));
	if (st)
		sqlite3_reset(st);
	return p;
}

size_t catalog_periods(struct catalog *c, const char *service_id, const char *place_id,
                       struct hours_period *out, size_t max, int *kind)
{
	size_t n;
	const struct hours_period *p =
	    cx_periods(c->ix, service_line(c, service_id), place_of_id(c, place_id), &n, kind);
	if (n > max)
		n = max;
	if (n)
		memcpy(out, p, n * sizeof(*out));
	return n;
}

bool catalog_is_holiday(struct catalog *c, struct hours_day day)
{
	return hours_is_holiday((const char *const *)c->ix->holidays, c->ix->nholidays, day);
}

void catalog_hours(struct catalog *c, const char *service_id, const char *place_id, time_t now,
                   struct hours_status *out)
{
	size_t n;
	int kind;
	const struct hours_period *p =
	    cx_periods(c->ix, service_line(c, service_id), place_of_id(c, place_id), &n, &kind);
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	hours_status(p, n, (const char *const *)c->ix->holidays, c->ix->nholidays, today, minute,
	             out);
	out->kind = kind;
}

/* ---- search ------------------------------------------------------------- */

/* A service that passed every filter, with the place it is shown at. */
struct match {
	uint32_t service, place;
	double a; /* haversine term of its distance (geo_haversine), 0 without a point */
	uint32_t score;
};

/* The filters that are set, resolved against the index: the plan. Only
 * what is set is ever tested. */
struct plan {
	const struct cx *x;
	const struct catalog_filter *f;
	bool empty; /* a filter asks for a term that does not exist */
	uint32_t terms[3];
	size_t nterms; /* service terms, all required */
	uint32_t access[CATALOG_MAX_ACCESS];
	size_t naccess; /* place terms, all required */
	int want_free;  /* -1 any */
	bool respite, open_now;
	struct hours_moment now;
	bool near;
	double lat, lon, cos_lat;
	double lat0, lat1, lon0, lon1; /* the box around the point */
	bool text;
	bool general_first; /* services for everyone before those for a group */
	int lang[2];        /* the languages the text may match in (-1: none) */
};

#define STATE_FAIL UINT32_MAX
#define STATE_NEW  (UINT32_MAX - 1)

static bool set(const char *s)
{
	return s && *s;
}

static bool add_term(struct plan *p, const char *id, uint32_t *list, size_t *n)
{
	if (!set(id))
		return true;
	uint32_t t = cx_term(p->x, id);
	if (t == CX_NONE) {
		p->empty = true;
		return false;
	}
	list[(*n)++] = t;
	return true;
}

static void make_plan(const struct cx *x, const struct catalog_filter *f, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->x = x;
	p->f = f;
	add_term(p, f->category, p->terms, &p->nterms);
	add_term(p, f->target, p->terms, &p->nterms);
	add_term(p, f->function, p->terms, &p->nterms);
	for (size_t i = 0; i < f->naccess && i < CATALOG_MAX_ACCESS; i++)
		add_term(p, f->access[i], p->access, &p->naccess);
	p->want_free = set(f->cost) ? strcmp(f->cost, "gratis") == 0 : -1;
	p->respite = f->respite_only;
	p->open_now = f->open_now;
	/* a target group or a kind of support asked for: those are the answers */
	p->general_first =
	    f->general_first && !set(f->target) && !set(f->function) && !f->respite_only;
	struct hours_day today;
	int minute;
	hours_local(f->now, &today, &minute);
	hours_moment_of(today, minute, (const char *const *)x->holidays, x->nholidays, &p->now);
	if (f->near.set) {
		p->near = true;
		p->lat = f->near.lat;
		p->lon = f->near.lon;
		p->cos_lat = geo_cos_lat(p->lat);
		/* about 30 km each way: the box the search has always used */
		p->lat0 = p->lat - 0.27;
		p->lat1 = p->lat + 0.27;
		p->lon0 = p->lon - 0.44;
		p->lon1 = p->lon + 0.44;
	}
	p->lang[0] = x->lang_nl;
	int l = cx_lang(x, set(f->lang) ? f->lang : "nl");
	p->lang[1] = l == x->lang_nl ? -1 : l;
}

/* A service for everyone (no target group, or "iedereen"). */
static bool general(const struct plan *p, uint32_t s)
{
	return p->x->services[s].general;
}

static bool has_term(const struct cx *x, uint32_t first, uint16_t n, uint32_t t)
{
	for (uint16_t i = 0; i < n; i++)
		if (x->pool[first + i] == t)
			return true;
	return false;
}

static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; *p;) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		if (len == n && memcmp(p, item, n) == 0)
			return true;
		if (!semi)
			break;
		p = semi + 1;
	}
	return false;
}

static bool respite_ok(const struct plan *p, const struct cx_respite *r)
{
	const struct catalog_filter *f = p->f;
	return (!set(f->respite_setting) || strcmp(r->setting, f->respite_setting) == 0) &&
	       (!set(f->respite_time) || in_list(r->times, f->respite_time)) &&
	       (!set(f->respite_provider) || strcmp(r->provider, f->respite_provider) == 0 ||
	        strcmp(r->provider, "beide") == 0) &&
	       (!set(f->respite_for) || in_list(r->for_whom, f->respite_for) ||
	        in_list(r->for_whom, "iedereen")) &&
	       (!set(f->respite_payer) || in_list(r->payer, f->respite_payer)) &&
	       (f->respite_notice_max < 0 || r->notice_days <= f->respite_notice_max);
}

static bool sched_open(const struct plan *p, uint32_t sched)
{
	if (sched == CX_NONE)
		return false;
	const struct cx_sched *s = &p->x->scheds[sched];
	return hours_open_at(&p->x->periods[s->first], s->n, &p->now, NULL);
}

/* The filters on the service itself. */
static bool service_ok(const struct plan *p, uint32_t s)
{
	const struct cx *x = p->x;
	const struct cx_service *sv = &x->services[s];
	for (size_t i = 0; i < p->nterms; i++)
		if (!has_term(x, sv->terms, sv->nterms, p->terms[i]))
			return false;
	if (p->want_free >= 0 && sv->free != (p->want_free == 1))
		return false;
	if (p->respite && (sv->respite == CX_NONE || !respite_ok(p, &x->respite[sv->respite])))
		return false;
	/* a service with its own hours is open or not wherever it is */
	if (p->open_now && sv->sched != CX_NONE && !sched_open(p, sv->sched))
		return false;
	return true;
}

/* The filters on a place of service s (not the box). */
static bool place_ok(const struct plan *p, uint32_t s, uint32_t place)
{
	const struct cx *x = p->x;
	const struct cx_place *pl = &x->places[place];
	for (size_t i = 0; i < p->naccess; i++)
		if (!has_term(x, pl->terms, pl->nterms, p->access[i]))
			return false;
	if (p->open_now && x->services[s].sched == CX_NONE && !sched_open(p, pl->sched))
		return false;
	return true;
}

static bool in_box(const struct plan *p, const struct cx_place *pl)
{
	return pl->lat >= p->lat0 && pl->lat <= p->lat1 && pl->lon >= p->lon0 && pl->lon <= p->lon1;
}

static double haversine(const struct plan *p, const struct cx_place *pl)
{
	return geo_haversine(pl->lat, pl->lon, pl->cos_lat, p->lat, p->lon, p->cos_lat);
}

/* The place service s is shown at: with a point the nearest in the box
 * that passes the place filters, else the first that passes. */
static uint32_t pick_place(const struct plan *p, uint32_t s, double *a)
{
	const struct cx *x = p->x;
	const struct cx_service *sv = &x->services[s];
	uint32_t best = CX_NONE;
	*a = 0;
	if (p->near &&
	    (sv->lat1 < p->lat0 || sv->lat0 > p->lat1 || sv->lon1 < p->lon0 || sv->lon0 > p->lon1))
		return CX_NONE; /* all its places are outside the box */
	for (uint16_t i = 0; i < sv->nplaces; i++) {
		uint32_t place = x->pool[sv->places + i];
		const struct cx_place *pl = &x->places[place];
		if ((p->near && !in_box(p, pl)) || !place_ok(p, s, place))
			continue;
		if (!p->near)
			return place;
		double d = haversine(p, pl);
		if (best == CX_NONE || d < *a) {
			best = place;
			*a = d;
		}
	}
	return best;
}

static bool scratch_ready(struct scratch *s, size_t nservices)
{
	if (s->n < nservices || !s->stamp) {
		free(s->stamp);
		free(s->state);
		free(s->touched);
		free(s->inbox);
		size_t n = nservices ? nservices : 1;
		s->stamp = calloc(n, sizeof(uint32_t));
		s->state = calloc(n, sizeof(uint32_t));
		s->touched = calloc(n, sizeof(uint32_t));
		s->inbox = calloc((n + 63) / 64, sizeof(uint64_t));
		s->n = nservices;
		s->gen = 0;
		if (!s->stamp || !s->state || !s->touched || !s->inbox) {
			free(s->stamp);
			free(s->state);
			free(s->touched);
			free(s->inbox);
			s->stamp = s->state = s->touched = NULL;
			s->inbox = NULL;
			s->n = 0;
			return false;
		}
	}
	if (++s->gen == 0) { /* wrapped: every stamp could look current */
		memset(s->stamp, 0, s->n * sizeof(uint32_t));
		s->gen = 1;
	}
	s->nm = 0;
	return true;
}

static bool add_match(struct scratch *s, uint32_t service, uint32_t place, double a, uint32_t score)
{
	if (s->nm == s->capm) {
		size_t ncap = s->capm ? s->capm * 2 : 256;
		struct match *m = realloc(s->m, ncap * sizeof(*m));
		if (!m)
			return false;
		s->m = m;
		s->capm = ncap;
	}
	s->m[s->nm++] = (struct match){service, place, a, score};
	return true;
}

static unsigned popcount8(uint32_t v)
{
	unsigned n = 0;
	for (v &= 0xFF; v; v &= v - 1)
		n++;
	return n;
}

/* The services whose text (Dutch, or the page language) holds every token
 * as a prefix of some word: into s->touched (returned: how many), each
 * with its score (tokens found in the name) in s->state. With a point,
 * only services marked in s->inbox (mark_box) count. */
static size_t text_candidates(const struct plan *p, struct scratch *s, const struct tokens *t)
{
	const struct cx *x = p->x;
	size_t from[MAX_TOKENS], to[MAX_TOKENS], cost[MAX_TOKENS], order[MAX_TOKENS];
	for (size_t i = 0; i < t->n; i++) {
		cx_prefix_range(x, t->buf.data + t->at[i], t->len[i], &from[i], &to[i]);
		cost[i] = x->text_first[to[i]] - x->text_first[from[i]];
		if (cost[i] == 0)
			return 0;
		order[i] = i;
	}
	/* the rarest token first: it decides which services are looked at */
	for (size_t i = 1; i < t->n; i++)
		for (size_t k = i; k > 0 && cost[order[k]] < cost[order[k - 1]]; k--) {
			size_t tmp = order[k];
			order[k] = order[k - 1];
			order[k - 1] = tmp;
		}
	size_t nt = 0;
	for (size_t oi = 0; oi < t->n; oi++) {
		size_t i = order[oi];
		uint32_t bit = 1u << oi;
		for (size_t w = from[i]; w < to[i]; w++) {
			for (uint32_t k = x->text_first[w]; k < x->text_first[w + 1]; k++) {
				uint32_t e = x->post[k];
				int lang = (int)((e >> 1) & 15);
				int slot = lang == p->lang[0] ? 0 : lang == p->lang[1] ? 1 : -1;
				if (slot < 0)
					continue;
				uint32_t sv = e >> CX_POST_SHIFT;
				if (p->near && !(s->inbox[sv >> 6] >> (sv & 63) & 1))
					continue; /* no place in the box */
				if (s->stamp[sv] != s->gen) {
					if (oi)
						continue;
					s->stamp[sv] = s->gen;
					s->state[sv] = 0;
					s->touched[nt++] = sv;
				}
				uint32_t shift = slot ? 16u : 0u;
				s->state[sv] |= bit << shift;
				if (e & 1)
					s->state[sv] |= bit << (shift + 8);
			}
		}
	}
	uint32_t full = (1u << t->n) - 1;
	size_t keep = 0;
	for (size_t i = 0; i < nt; i++) {
		uint32_t sv = s->touched[i], st = s->state[sv];
		bool ok0 = (st & 0xFF) == full, ok1 = ((st >> 16) & 0xFF) == full;
		if (!ok0 && !ok1)
			continue;
		unsigned a = ok0 ? popcount8(st >> 8) : 0, b = ok1 ? popcount8(st >> 24) : 0;
		s->state[sv] = a > b ? a : b;
		s->touched[keep++] = sv;
	}
	return keep;
}

static int clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The grid rows and columns the box around the point covers; false when
 * there are no places at all. */
static bool box_cells(const struct plan *p, int *rmin, int *rmax, int *cmin, int *cmax)
{
	const struct cx *x = p->x;
	if (!x->nplaces)
		return false;
	*rmin = clamp_int((int)floor((p->lat0 - x->grid_lat0) / CX_CELL_LAT), 0, x->grid_rows - 1);
	*rmax = clamp_int((int)floor((p->lat1 - x->grid_lat0) / CX_CELL_LAT), 0, x->grid_rows - 1);
	*cmin = clamp_int((int)floor((p->lon0 - x->grid_lon0) / CX_CELL_LON), 0, x->grid_cols - 1);
	*cmax = clamp_int((int)floor((p->lon1 - x->grid_lon0) / CX_CELL_LON), 0, x->grid_cols - 1);
	return true;
}

/* Marks the services with a place in the box: a walk over the box's
 * cells (the places of a row of cells are one range), so the text plan
 * can drop far candidates with one bit each. */
static void mark_box(const struct plan *p, struct scratch *s)
{
	const struct cx *x = p->x;
	memset(s->inbox, 0, (x->nservices + 63) / 64 * sizeof(uint64_t));
	int rmin, rmax, cmin, cmax;
	if (!box_cells(p, &rmin, &rmax, &cmin, &cmax))
		return;
	for (int r = rmin; r <= rmax; r++) {
		size_t row = (size_t)r * (size_t)x->grid_cols;
		uint32_t from = x->cell_first[row + (size_t)cmin],
		         to = x->cell_first[row + (size_t)cmax + 1];
		for (uint32_t i = from; i < to; i++) {
			const struct cx_place *pl = &x->places[i];
			if (!in_box(p, pl))
				continue;
			for (uint32_t k = 0; k < pl->nservices; k++) {
				uint32_t sv = x->pool[pl->services + k];
				s->inbox[sv >> 6] |= (uint64_t)1 << (sv & 63);
			}
		}
	}
}

/* Plan: text first. Every text candidate is tested; the order is decided
 * afterwards. When nothing but the text (and the box) filters, every
 * candidate is a match, so only those that can reach the page are looked
 * at: the best scores first, down to the score where `want` is reached. */
static bool search_text(const struct plan *p, struct scratch *s, size_t ncand, size_t want,
                        size_t *total)
{
	bool simple = !p->nterms && p->want_free < 0 && !p->respite && !p->open_now && !p->naccess;
	unsigned cut = 0;
	if (simple) {
		size_t count[MAX_TOKENS + 1] = {0}, acc = 0;
		for (size_t i = 0; i < ncand; i++)
			count[s->state[s->touched[i]]]++;
		for (unsigned sc = MAX_TOKENS + 1; sc-- > 0;) {
			acc += count[sc];
			if (acc >= want) {
				cut = sc;
				break;
			}
		}
	}
	size_t skipped = 0;
	for (size_t i = 0; i < ncand; i++) {
		uint32_t sv = s->touched[i];
		double a;
		uint32_t place;
		if (simple && s->state[sv] < cut) {
			skipped++;
			continue;
		}
		if ((place = pick_place(p, sv, &a)) == CX_NONE || !service_ok(p, sv))
			continue;
		if (!add_match(s, sv, place, a, s->state[sv]))
			return false;
	}
	*total = s->nm + skipped;
	return true;
}

/* Plan: walk a list in name order; the first `need` matches are the
 * answer (the list is in the order of the result). With general_first
 * it is walked twice: the services for everyone, then the others. */
static bool search_list(const struct plan *p, struct scratch *s, const uint32_t *list, size_t n,
                        size_t need)
{
	/* pass 0: everything, or (general_first) those for everyone; pass 1:
	   (general_first) the others */
	for (int pass = 0; pass < (p->general_first ? 2 : 1) && s->nm < need; pass++) {
		for (size_t i = 0; i < n && s->nm < need; i++) {
			uint32_t sv = list[i];
			double a;
			uint32_t place;
			if (p->general_first && general(p, sv) != (pass == 0))
				continue;
			if (!service_ok(p, sv) || (place = pick_place(p, sv, &a)) == CX_NONE)
				continue;
			if (!add_match(s, sv, place, a, 0))
				return false;
		}
	}
	return true;
}

/* One place in the ring walk: every service there that passes. */
static bool ring_place(const struct plan *p, struct scratch *s, uint32_t place)
{
	const struct cx *x = p->x;
	const struct cx_place *pl = &x->places[place];
	if (!in_box(p, pl))
		return true;
	double a = haversine(p, pl);
	for (uint32_t k = 0; k < pl->nservices; k++) {
		uint32_t sv = x->pool[pl->services + k];
		if (s->stamp[sv] != s->gen) {
			s->stamp[sv] = s->gen;
			s->state[sv] = service_ok(p, sv) ? STATE_NEW : STATE_FAIL;
		}
		if (s->state[sv] == STATE_FAIL || !place_ok(p, sv, place))
			continue;
		if (s->state[sv] == STATE_NEW) {
			s->state[sv] = (uint32_t)s->nm;
			if (!add_match(s, sv, place, a, 0))
				return false;
		} else if (a < s->m[s->state[sv]].a) {
			s->m[s->state[sv]].a = a;
			s->m[s->state[sv]].place = place;
		}
	}
	return true;
}

/* Plan: a point and no text. Walks the grid in square rings around the
 * point's cell. After ring k nothing unseen is nearer than k cells, so
 * once there are `need` matches and the first `want` of them are nearer
 * than that, the page and the capped count are certain and the walk
 * stops: a search in a busy city reads the nearest places only. */
static bool search_rings(const struct plan *p, struct scratch *s, size_t need, size_t want)
{
	const struct cx *x = p->x;
	int rmin, rmax, cmin, cmax;
	if (!box_cells(p, &rmin, &rmax, &cmin, &cmax))
		return true;
	int r0 = (int)floor((p->lat - x->grid_lat0) / CX_CELL_LAT);
	int c0 = (int)floor((p->lon - x->grid_lon0) / CX_CELL_LON);
	int kmax = 0;
	int ext[4] = {r0 - rmin, rmax - r0, c0 - cmin, cmax - c0};
	for (int i = 0; i < 4; i++)
		kmax = ext[i] > kmax ? ext[i] : kmax;
	/* the smallest cell side in metres over the box, with a margin for
	   great circles being shorter than parallels */
	double north = fmin(fabs(p->lat) + 0.3, 89.0);
	double cell_m = 0.99 * 111194.9 * fmin(CX_CELL_LAT, CX_CELL_LON * geo_cos_lat(north));
	for (int k = 0; k <= kmax; k++) {
		for (int r = r0 - k; r <= r0 + k; r++) {
			if (r < rmin || r > rmax)
				continue;
			bool edge = r == r0 - k || r == r0 + k;
			for (int col = c0 - k; col <= c0 + k; col += edge || k == 0 ? 1 : 2 * k) {
				if (col < cmin || col > cmax)
					continue;
				size_t cell = (size_t)r * (size_t)x->grid_cols + (size_t)col;
				for (uint32_t i = x->cell_first[cell]; i < x->cell_first[cell + 1];
				     i++)
					if (!ring_place(p, s, i))
						return false;
			}
		}
		if (s->nm >= need && k < kmax) {
			double sure = geo_haversine_of_m(k * cell_m);
			size_t nsure = 0;
			/* with general_first a far general service still beats a near
			   one for a group: only general ones nearer than sure count */
			for (size_t i = 0; i < s->nm && nsure < want; i++)
				nsure += s->m[i].a < sure &&
				         (!p->general_first || general(p, s->m[i].service));
			if (nsure >= want)
				return true;
		}
	}
	return true;
}

/* The result order: text relevance (query words in the name or the
 * keywords), services for everyone before those for a target group
 * (general_first), distance, name. */
static int cmp_match(const struct plan *p, const struct match *a, const struct match *b)
{
	if (p->text && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (p->general_first && general(p, a->service) != general(p, b->service))
		return general(p, a->service) ? -1 : 1;
	if (p->near && a->a != b->a)
		return a->a < b->a ? -1 : 1;
	uint32_t ra = p->x->services[a->service].name_rank,
	         rb = p->x->services[b->service].name_rank;
	return (ra > rb) - (ra < rb);
}

static void sift_down(const struct plan *p, const struct match *m, uint32_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, worst = i;
		if (l < n && cmp_match(p, &m[h[l]], &m[h[worst]]) > 0)
			worst = l;
		if (r < n && cmp_match(p, &m[h[r]], &m[h[worst]]) > 0)
			worst = r;
		if (worst == i)
			return;
		uint32_t t = h[i];
		h[i] = h[worst];
		h[worst] = t;
		i = worst;
	}
}

/* Room for k entries in the scratch heap. */
static bool heap_reserve(struct scratch *s, size_t k)
{
	if (k <= s->capheap)
		return true;
	uint32_t *h = realloc(s->heap, k * sizeof(*h));
	if (!h)
		return false;
	s->heap = h;
	s->capheap = k;
	return true;
}

/* The best k matches in order, into s->heap[0..k): a heap of the k best
 * seen so far (the worst on top), then sorted. */
static bool top_k(const struct plan *p, struct scratch *s, size_t k)
{
	if (k > s->nm)
		k = s->nm;
	if (!heap_reserve(s, k))
		return false;
	uint32_t *h = s->heap;
	for (size_t i = 0; i < k; i++)
		h[i] = (uint32_t)i;
	for (size_t i = k / 2; i-- > 0;)
		sift_down(p, s->m, h, k, i);
	for (size_t i = k; i < s->nm && k; i++)
		if (cmp_match(p, &s->m[i], &s->m[h[0]]) < 0) {
			h[0] = (uint32_t)i;
			sift_down(p, s->m, h, k, 0);
		}
	/* heap sort: the worst goes to the end */
	for (size_t n = k; n > 1; n--) {
		uint32_t t = h[0];
		h[0] = h[n - 1];
		h[n - 1] = t;
		sift_down(p, s->m, h, n - 1, 0);
	}
	return true;
}

/* One hit: its texts come from the index, no query. */
static bool fill_hit(const struct cx *x, const struct plan *p, const struct match *m,
                     struct catalog_hit *h)
{
	const struct cx_service *sv = &x->services[m->service];
	const struct cx_place *pl = &x->places[m->place];
	memset(h, 0, sizeof(*h));
	h->id = strdup(cx_text(x, sv->id));
	h->name = strdup(cx_text(x, sv->name));
	h->organization = strdup(cx_text(x, sv->organization));
	h->place_id = strdup(cx_text(x, pl->id));
	h->place_name = strdup(cx_text(x, pl->name));
	h->address = strdup(cx_text(x, pl->address));
	h->postal_code = strdup(cx_text(x, pl->postal_code));
	if (sv->category != CX_NONE)
		h->category = strdup(x->term_id[sv->category]);
	h->has_distance = p->near;
	h->distance_m = p->near ? geo_distance_from_haversine(m->a) : 0;
	h->free = sv->free;
	h->costs_known = sv->has_costs;
	h->notice_days = sv->respite == CX_NONE ? -1 : x->respite[sv->respite].notice_days;
	uint32_t sched = sv->sched != CX_NONE ? sv->sched : pl->sched;
	const struct cx_sched *sc = sched == CX_NONE ? NULL : &x->scheds[sched];
	hours_status(sc ? &x->periods[sc->first] : NULL, sc ? sc->n : 0,
	             (const char *const *)x->holidays, x->nholidays, p->now.today, p->now.minute,
	             &h->hours);
	h->hours.kind = sc ? sc->kind : HOURS_KIND_SERVICE;
	return h->id && h->name && h->organization && h->place_id && h->place_name && h->address &&
	       h->postal_code && (sv->category == CX_NONE || h->category);
}

bool catalog_search(struct catalog *c, const struct catalog_filter *f, struct catalog_result *out)
{
	memset(out, 0, sizeof(*out));
	const struct cx *x = c->ix;
	struct scratch *s = &c->s;
	struct plan p;
	make_plan(x, f, &p);
	struct tokens t;
	if (!tokenize(c, f->q, &t)) {
		sb_free(&t.buf);
		return false;
	}
	p.text = t.n > 0;
	if (p.empty) {
		sb_free(&t.buf);
		return true;
	}
	if (!scratch_ready(s, x->nservices)) {
		sb_free(&t.buf);
		return false;
	}
	size_t limit = f->limit ? f->limit : 20;
	size_t want = f->offset + limit; /* the matches up to the end of the page */
	size_t need = want > CATALOG_TOTAL_CAP + 1 ? want : CATALOG_TOTAL_CAP + 1;
	bool ok, sorted = false;
	size_t matches = 0;
	if (p.text) {
		if (p.near)
			mark_box(&p, s);
		ok = search_text(&p, s, text_candidates(&p, s, &t), want, &matches);
	} else if (p.near) {
		ok = search_rings(&p, s, need, want);
		matches = s->nm;
	} else {
		/* the shortest list that holds every answer */
		const uint32_t *list = x->by_name;
		size_t n = x->nservices;
		if (p.respite && x->nrespite_by_name < n) {
			list = x->respite_by_name;
			n = x->nrespite_by_name;
		}
		for (size_t i = 0; i < p.nterms; i++) {
			uint32_t tn = p.terms[i];
			size_t len = x->term_first[tn + 1] - x->term_first[tn];
			if (len < n) {
				list = &x->term_services[x->term_first[tn]];
				n = len;
			}
		}
		ok = search_list(&p, s, list, n, need);
		matches = s->nm;
		sorted = true;
	}
	sb_free(&t.buf);
	if (!ok)
		return false;
	out->total = matches;
	if (out->total > CATALOG_TOTAL_CAP) {
		out->total = CATALOG_TOTAL_CAP + 1;
		out->total_capped = true;
	}
	if (f->offset >= s->nm)
		return true;
	size_t k = want < s->nm ? want : s->nm;
	if (!sorted) {
		if (!top_k(&p, s, k))
			return false;
	} else {
		if (!heap_reserve(s, k))
			return false;
		for (size_t i = 0; i < k; i++)
			s->heap[i] = (uint32_t)i;
	}
	out->hits = calloc(k - f->offset, sizeof(*out->hits));
	if (!out->hits)
		return false;
	for (size_t i = f->offset; i < k; i++) {
		bool filled = fill_hit(x, &p, &s->m[s->heap[i]], &out->hits[out->n]);
		out->n++;
		if (!filled) {
			catalog_result_free(out);
			return false;
		}
	}
	return true;
}

void catalog_result_free(struct catalog_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct catalog_hit *h = &r->hits[i];
		free(h->id);
		free(h->name);
		free(h->organization);
		free(h->place_id);
		free(h->place_name);
		free(h->address);
		free(h->postal_code);
		free(h->category);
	}
	free(r->hits);
	memset(r, 0, sizeof(*r));
}

/* Terms come from the index: a page lists them on every request. */
size_t catalog_terms(struct catalog *c, const char *taxonomy, struct term **out)
{
	const struct cx *x = c->ix;
	*out = NULL;
	size_t n = 0, have = 0;
	for (size_t i = 0; i < x->nterms; i++)
		have += strcmp(x->term_taxonomy[i], taxonomy) == 0;
	if (!have || !(*out = calloc(have, sizeof(**out))))
		return 0;
	for (size_t i = 0; i < x->nterms && n < have; i++) {
		if (strcmp(x->term_taxonomy[i], taxonomy) != 0)
			continue;
		(*out)[n].id = strdup(x->term_id[i]);
		(*out)[n].name = strdup(x->term_name[i]);
		if (!(*out)[n].id || !(*out)[n].name) {
			free((*out)[n].id);
			free((*out)[n].name);
			break;
		}
		n++;
	}
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
	uint32_t t = cx_term(c->ix, id);
	if (t == CX_NONE)
		return NULL;
	sb_puts(out, c->ix->term_name[t]);
	return sb_str(out);
}
