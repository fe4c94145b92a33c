#include "store/catalog_index.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/content_import.h"
#include "base/geo.h"

/* ---- reading ------------------------------------------------------------ */

struct reader {
	sqlite3 *db;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct reader *r, const char *what)
{
	if (!r->failed)
		snprintf(r->err, r->errlen, "search index: %s%s%s", what, r->db ? ": " : "",
		         r->db ? sqlite3_errmsg(r->db) : "");
	r->failed = true;
}

static sqlite3_stmt *prepare(struct reader *r, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (r->failed)
		return NULL;
	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(r, "cannot read the content database (run make content)");
		return NULL;
	}
	return st;
}

/* Finishes a statement that was stepped to the end. */
static void done(struct reader *r, sqlite3_stmt *st, int rc)
{
	if (rc != SQLITE_DONE)
		fail(r, "reading the content database");
	sqlite3_finalize(st);
}

static void *alloc(struct reader *r, size_t n, size_t size)
{
	if (r->failed)
		return NULL;
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		snprintf(r->err, r->errlen, "search index: out of memory");
		r->failed = true;
	}
	return p;
}

static char *dup_text(struct reader *r, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	char *s = strdup(t ? (const char *)t : "");
	if (!s && !r->failed) {
		snprintf(r->err, r->errlen, "search index: out of memory");
		r->failed = true;
	}
	return s;
}

/* Copies column col into x->chars; returns its offset. */
static uint32_t add_text(struct reader *r, struct cx *x, sqlite3_stmt *st, int col, size_t *cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (r->failed)
		return 0;
	if (x->nchars + n + 1 > *cap) {
		size_t ncap = *cap ? *cap : 65536;
		while (ncap < x->nchars + n + 1)
			ncap *= 2;
		char *c = ncap <= UINT32_MAX ? realloc(x->chars, ncap) : NULL;
		if (!c) {
			snprintf(r->err, r->errlen, "search index: out of memory");
			r->failed = true;
			return 0;
		}
		x->chars = c;
		*cap = ncap;
	}
	uint32_t at = (uint32_t)x->nchars;
	if (n)
		memcpy(x->chars + at, t, n);
	x->chars[at + n] = '\0';
	x->nchars += n + 1;
	return at;
}

static long long single_int(struct reader *r, const char *sql)
{
	sqlite3_stmt *st = prepare(r, sql);
	long long v = 0;
	if (!st)
		return 0;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	done(r, st, rc);
	return v;
}

/* A growable list of (key, value) pairs read from a two-column query. */
struct pairs {
	uint32_t *key, *val;
	size_t n, cap;
};

static bool pairs_add(struct reader *r, struct pairs *p, uint32_t key, uint32_t val)
{
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 1024;
		uint32_t *k = realloc(p->key, ncap * sizeof(*k));
		if (k)
			p->key = k;
		uint32_t *v = k ? realloc(p->val, ncap * sizeof(*v)) : NULL;
		if (v)
			p->val = v;
		if (!k || !v) {
			snprintf(r->err, r->errlen, "search index: out of memory");
			r->failed = true;
			return false;
		}
		p->cap = ncap;
	}
	p->key[p->n] = key;
	p->val[p->n] = val;
	p->n++;
	return true;
}

static void pairs_free(struct pairs *p)
{
	free(p->key);
	free(p->val);
	memset(p, 0, sizeof(*p));
}

/* Reads (a, b) rows and maps a through amap and b through bmap (arrays
 * of size alen / blen; CX_NONE drops the row). */
static void read_pairs(struct reader *r, const char *sql, const uint32_t *amap, size_t alen,
                       const uint32_t *bmap, size_t blen, struct pairs *out)
{
	sqlite3_stmt *st = prepare(r, sql);
	if (!st)
		return;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long a = sqlite3_column_int64(st, 0), b = sqlite3_column_int64(st, 1);
		if (a < 0 || b < 0 || (size_t)a >= alen || (size_t)b >= blen)
			continue;
		uint32_t ka = amap[a], kb = bmap[b];
		if (ka == CX_NONE || kb == CX_NONE)
			continue;
		if (!pairs_add(r, out, ka, kb))
			break;
	}
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

/* Appends the values of pairs grouped by key to x->pool: first[k] and
 * count[k] (as uint16 or uint32 via the callbacks) tell where. Pairs keep
 * their order within a key. Returns the pool offset of the first value. */
static bool pool_grow(struct reader *r, struct cx *x, size_t more)
{
	uint32_t *p = realloc(x->pool, (x->npool + more + 1) * sizeof(*p));
	if (!p) {
		snprintf(r->err, r->errlen, "search index: out of memory");
		r->failed = true;
		return false;
	}
	x->pool = p;
	return true;
}

/* Groups pairs by key (a counting sort that keeps the order within a
 * key) into x->pool; first[k] gets the pool offset of key k's values and
 * count[k] their number. */
static void group(struct reader *r, struct cx *x, const struct pairs *p, size_t nkeys,
                  uint32_t *first, uint32_t *count)
{
	if (r->failed || !pool_grow(r, x, p->n))
		return;
	for (size_t k = 0; k < nkeys; k++)
		count[k] = 0;
	for (size_t i = 0; i < p->n; i++)
		count[p->key[i]]++;
	size_t at = x->npool;
	for (size_t k = 0; k < nkeys; k++) {
		first[k] = (uint32_t)at;
		at += count[k];
		count[k] = 0;
	}
	for (size_t i = 0; i < p->n; i++) {
		uint32_t k = p->key[i];
		x->pool[first[k] + count[k]++] = p->val[i];
	}
	x->npool += p->n;
}

/* ---- the parts ---------------------------------------------------------- */

static void read_terms(struct reader *r, struct cx *x, uint32_t **term_of_line, size_t *nlines)
{
	long long max = single_int(r, "SELECT coalesce(max(_line), 0) FROM taxonomy_terms");
	long long count = single_int(r, "SELECT count(*) FROM taxonomy_terms");
	if (r->failed)
		return;
	*nlines = (size_t)max + 1;
	*term_of_line = alloc(r, *nlines, sizeof(uint32_t));
	x->term_id = alloc(r, (size_t)count, sizeof(char *));
	x->term_taxonomy = alloc(r, (size_t)count, sizeof(char *));
	x->term_name = alloc(r, (size_t)count, sizeof(char *));
	x->term_code = alloc(r, (size_t)count, sizeof(char *));
	x->term_sorted = alloc(r, (size_t)count, sizeof(uint32_t));
	if (r->failed)
		return;
	for (size_t i = 0; i < *nlines; i++)
		(*term_of_line)[i] = CX_NONE;
	sqlite3_stmt *st =
	    prepare(r, "SELECT _line, id, taxonomy, name, code FROM taxonomy_terms ORDER BY _line");
	if (!st)
		return;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nterms < (size_t)count) {
		long long line = sqlite3_column_int64(st, 0);
		size_t t = x->nterms;
		x->term_id[t] = dup_text(r, st, 1);
		x->term_taxonomy[t] = dup_text(r, st, 2);
		x->term_name[t] = dup_text(r, st, 3);
		x->term_code[t] = dup_text(r, st, 4);
		x->nterms++;
		if (line >= 0 && line <= max)
			(*term_of_line)[line] = (uint32_t)t;
	}
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int cmp_term_id(const void *a, const void *b, void *ctx)
{
	const struct cx *x = ctx;
	return strcmp(x->term_id[*(const uint32_t *)a], x->term_id[*(const uint32_t *)b]);
}

static void read_places(struct reader *r, struct cx *x, size_t *chars_cap)
{
	long long max = single_int(r, "SELECT coalesce(max(n), 0) FROM place");
	long long count = single_int(r, "SELECT count(*) FROM place");
	if (r->failed)
		return;
	x->nplace_n = (size_t)max + 1;
	x->place_of_n = alloc(r, x->nplace_n, sizeof(uint32_t));
	x->places = alloc(r, (size_t)count, sizeof(*x->places));
	if (r->failed)
		return;
	for (size_t i = 0; i < x->nplace_n; i++)
		x->place_of_n[i] = CX_NONE;
	sqlite3_stmt *st = prepare(
	    r,
	    "SELECT n, latitude, longitude, id, name, address, postal_code FROM place ORDER BY n");
	if (!st)
		return;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nplaces < (size_t)count) {
		long long n = sqlite3_column_int64(st, 0);
		if (n < 0 || n > max)
			continue;
		struct cx_place *p = &x->places[x->nplaces];
		p->n = (uint32_t)n;
		p->lat = sqlite3_column_double(st, 1);
		p->lon = sqlite3_column_double(st, 2);
		p->cos_lat = geo_cos_lat(p->lat);
		p->sched = CX_NONE;
		p->id = add_text(r, x, st, 3, chars_cap);
		p->name = add_text(r, x, st, 4, chars_cap);
		p->address = add_text(r, x, st, 5, chars_cap);
		p->postal_code = add_text(r, x, st, 6, chars_cap);
		x->place_of_n[n] = (uint32_t)x->nplaces++;
	}
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int cell_of(const struct cx *x, double lat, double lon)
{
	int row = (int)floor((lat - x->grid_lat0) / CX_CELL_LAT);
	int col = (int)floor((lon - x->grid_lon0) / CX_CELL_LON);
	row = row < 0 ? 0 : row >= x->grid_rows ? x->grid_rows - 1 : row;
	col = col < 0 ? 0 : col >= x->grid_cols ? x->grid_cols - 1 : col;
	return row * x->grid_cols + col;
}

static int cmp_place_cell(const void *a, const void *b, void *ctx)
{
	const struct cx *x = ctx;
	const struct cx_place *p = a, *q = b;
	int cp = cell_of(x, p->lat, p->lon), cq = cell_of(x, q->lat, q->lon);
	if (cp != cq)
		return cp < cq ? -1 : 1;
	return (p->n > q->n) - (p->n < q->n);
}

/* The grid over the places: its bounds, the places renumbered in cell
 * order, and where each cell starts. */
static void build_grid(struct reader *r, struct cx *x)
{
	if (r->failed)
		return;
	double lat0 = 90, lon0 = 180, lat1 = -90, lon1 = -180;
	for (size_t i = 0; i < x->nplaces; i++) {
		const struct cx_place *p = &x->places[i];
		if (!(p->lat >= -90 && p->lat <= 90 && p->lon >= -180 && p->lon <= 180)) {
			fail(r, "a location has no valid position");
			return;
		}
		lat0 = fmin(lat0, p->lat);
		lat1 = fmax(lat1, p->lat);
		lon0 = fmin(lon0, p->lon);
		lon1 = fmax(lon1, p->lon);
	}
	if (!x->nplaces)
		lat0 = lat1 = lon0 = lon1 = 0;
	x->grid_lat0 = lat0;
	x->grid_lon0 = lon0;
	x->grid_rows = (int)floor((lat1 - lat0) / CX_CELL_LAT) + 1;
	x->grid_cols = (int)floor((lon1 - lon0) / CX_CELL_LON) + 1;
	if ((double)x->grid_rows * x->grid_cols > 4e6) {
		fail(r, "the locations are spread too far for the grid");
		return;
	}
	size_t ncells = (size_t)x->grid_rows * (size_t)x->grid_cols;
	x->cell_first = alloc(r, ncells + 1, sizeof(uint32_t));
	if (r->failed)
		return;
	qsort_r(x->places, x->nplaces, sizeof(*x->places), cmp_place_cell, x);
	for (size_t i = 0; i < x->nplaces; i++) {
		x->place_of_n[x->places[i].n] = (uint32_t)i;
		x->cell_first[cell_of(x, x->places[i].lat, x->places[i].lon) + 1]++;
	}
	for (size_t c = 0; c < ncells; c++)
		x->cell_first[c + 1] += x->cell_first[c];
}

static void read_services(struct reader *r, struct cx *x, size_t *chars_cap)
{
	long long max = single_int(r, "SELECT coalesce(max(_line), 0) FROM services");
	long long count = single_int(r, "SELECT count(*) FROM sx_service");
	if (r->failed)
		return;
	if (max >= CONTENT_MAX_LINE || count >= (1LL << (32 - CX_POST_SHIFT))) {
		fail(r, "services.csv has too many lines");
		return;
	}
	x->nlines = (size_t)max + 1;
	x->service_of_line = alloc(r, x->nlines, sizeof(uint32_t));
	x->sched_of_line = alloc(r, x->nlines, sizeof(uint32_t));
	x->services = alloc(r, (size_t)count, sizeof(*x->services));
	x->by_name = alloc(r, (size_t)count, sizeof(uint32_t));
	if (r->failed)
		return;
	for (size_t i = 0; i < x->nlines; i++)
		x->service_of_line[i] = x->sched_of_line[i] = CX_NONE;
	sqlite3_stmt *st = prepare(
	    r, "SELECT line, name_rank, free, id, name, organization, has_costs FROM sx_service "
	       "ORDER BY line");
	if (!st)
		return;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nservices < (size_t)count) {
		long long line = sqlite3_column_int64(st, 0), rank = sqlite3_column_int64(st, 1);
		if (line < 0 || line > max || rank < 1 || rank > count)
			continue;
		struct cx_service *s = &x->services[x->nservices];
		s->line = (uint32_t)line;
		s->name_rank = (uint32_t)(rank - 1);
		s->free = sqlite3_column_int(st, 2) != 0;
		s->has_costs = sqlite3_column_int(st, 6) != 0;
		s->sched = s->respite = s->category = CX_NONE;
		s->id = add_text(r, x, st, 3, chars_cap);
		s->name = add_text(r, x, st, 4, chars_cap);
		s->organization = add_text(r, x, st, 5, chars_cap);
		x->by_name[s->name_rank] = (uint32_t)x->nservices;
		x->service_of_line[line] = (uint32_t)x->nservices++;
	}
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
	if (!r->failed && x->nservices != (size_t)count)
		fail(r, "sx_service does not match services");
}

/* Service terms, service places and place terms into the pool; the place
 * -> services lists from the service places. */
static void read_links(struct reader *r, struct cx *x, const uint32_t *term_of_line,
                       size_t nterm_lines)
{
	struct pairs p = {0};
	size_t nk = x->nservices > x->nplaces ? x->nservices : x->nplaces;
	uint32_t *first = alloc(r, nk, sizeof(uint32_t)), *count = alloc(r, nk, sizeof(uint32_t));

	read_pairs(r, "SELECT svc, term FROM sx_service_term ORDER BY rowid", x->service_of_line,
	           x->nlines, term_of_line, nterm_lines, &p);
	group(r, x, &p, x->nservices, first, count);
	for (size_t i = 0; !r->failed && i < x->nservices; i++) {
		if (count[i] > UINT16_MAX) {
			fail(r, "a service with too many terms");
			break;
		}
		x->services[i].terms = first[i];
		x->services[i].nterms = (uint16_t)count[i];
		/* terms come in term order: the first category is the first one */
		for (uint32_t k = 0; k < count[i]; k++)
			if (strcmp(x->term_taxonomy[x->pool[first[i] + k]], "categorie") == 0) {
				x->services[i].category = x->pool[first[i] + k];
				break;
			}
		/* for everyone: no target group, or the target group "iedereen" */
		bool targeted = false, everyone = false;
		for (uint32_t k = 0; k < count[i]; k++) {
			uint32_t t = x->pool[first[i] + k];
			if (strcmp(x->term_taxonomy[t], "doelgroep") != 0)
				continue;
			targeted = true;
			everyone = everyone || strcmp(x->term_code[t], "iedereen") == 0;
		}
		x->services[i].general = everyone || !targeted;
	}
	p.n = 0;

	read_pairs(r, "SELECT svc, place FROM sx_service_place ORDER BY rowid", x->service_of_line,
	           x->nlines, x->place_of_n, x->nplace_n, &p);
	group(r, x, &p, x->nservices, first, count);
	for (size_t i = 0; !r->failed && i < x->nservices; i++) {
		if (count[i] > UINT16_MAX) {
			fail(r, "a service with too many locations");
			break;
		}
		struct cx_service *sv = &x->services[i];
		sv->places = first[i];
		sv->nplaces = (uint16_t)count[i];
		sv->lat0 = sv->lon0 = INFINITY;
		sv->lat1 = sv->lon1 = -INFINITY;
		for (uint32_t k = 0; k < count[i]; k++) {
			const struct cx_place *pl = &x->places[x->pool[first[i] + k]];
			sv->lat0 = fmin(sv->lat0, pl->lat);
			sv->lat1 = fmax(sv->lat1, pl->lat);
			sv->lon0 = fmin(sv->lon0, pl->lon);
			sv->lon1 = fmax(sv->lon1, pl->lon);
		}
	}
	/* the same pairs turned round: the services at each place */
	for (size_t i = 0; i < p.n; i++) {
		uint32_t t = p.key[i];
		p.key[i] = p.val[i];
		p.val[i] = t;
	}
	group(r, x, &p, x->nplaces, first, count);
	for (size_t i = 0; !r->failed && i < x->nplaces; i++) {
		x->places[i].services = first[i];
		x->places[i].nservices = count[i];
	}
	p.n = 0;

	read_pairs(r, "SELECT place, term FROM sx_place_term ORDER BY rowid", x->place_of_n,
	           x->nplace_n, term_of_line, nterm_lines, &p);
	group(r, x, &p, x->nplaces, first, count);
	for (size_t i = 0; !r->failed && i < x->nplaces; i++) {
		if (count[i] > UINT16_MAX) {
			fail(r, "a location with too many terms");
			break;
		}
		x->places[i].terms = first[i];
		x->places[i].nterms = (uint16_t)count[i];
	}
	pairs_free(&p);
	free(first);
	free(count);
}

/* Weekly periods, grouped per owner (a service by _line, or a place). */
static void read_periods(struct reader *r, struct cx *x)
{
	long long count = single_int(r, "SELECT count(*) FROM sx_period");
	if (r->failed)
		return;
	x->periods = alloc(r, (size_t)count, sizeof(*x->periods));
	x->scheds = alloc(r, (size_t)count, sizeof(*x->scheds));
	sqlite3_stmt *st = prepare(
	    r, "SELECT svc, place, wday, opens, closes, kind FROM sx_period ORDER BY rowid");
	if (!st)
		return;
	long long owner_svc = -2, owner_place = -2;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nperiods < (size_t)count) {
		long long svc =
		    sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
		long long place =
		    sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
		if (svc != owner_svc || place != owner_place) {
			owner_svc = svc;
			owner_place = place;
			x->scheds[x->nscheds].first = (uint32_t)x->nperiods;
			x->scheds[x->nscheds].n = 0;
			x->scheds[x->nscheds].kind = HOURS_KIND_SERVICE;
			uint32_t sched = (uint32_t)x->nscheds++;
			if (svc >= 0 && (size_t)svc < x->nlines) {
				x->sched_of_line[svc] = sched;
				uint32_t s = x->service_of_line[svc];
				if (s != CX_NONE)
					x->services[s].sched = sched;
			} else if (svc < 0 && place >= 0 && (size_t)place < x->nplace_n &&
			           x->place_of_n[place] != CX_NONE) {
				x->places[x->place_of_n[place]].sched = sched;
			}
		}
		struct hours_period *p = &x->periods[x->nperiods++];
		p->wday = sqlite3_column_int(st, 2);
		p->opens = sqlite3_column_int(st, 3);
		p->closes = sqlite3_column_int(st, 4);
		x->scheds[x->nscheds - 1].n++;
		/* one owner's times are all of one kind; a mix counts as the service's */
		int kind = sqlite3_column_int(st, 5);
		if (p == &x->periods[x->scheds[x->nscheds - 1].first])
			x->scheds[x->nscheds - 1].kind = kind;
		else if (x->scheds[x->nscheds - 1].kind != kind)
			x->scheds[x->nscheds - 1].kind = HOURS_KIND_SERVICE;
	}
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static void read_respite(struct reader *r, struct cx *x)
{
	long long count = single_int(r, "SELECT count(*) FROM sx_respite");
	if (r->failed)
		return;
	x->respite = alloc(r, (size_t)count, sizeof(*x->respite));
	sqlite3_stmt *st = prepare(r, "SELECT svc, setting, times, provider, notice_days, payer, "
	                              "for_whom FROM sx_respite ORDER BY rowid");
	if (!st)
		return;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nrespite < (size_t)count) {
		uint32_t s = cx_service_of_line(x, sqlite3_column_int64(st, 0));
		if (s == CX_NONE)
			continue;
		struct cx_respite *p = &x->respite[x->nrespite];
		p->setting = dup_text(r, st, 1);
		p->times = dup_text(r, st, 2);
		p->provider = dup_text(r, st, 3);
		p->notice_days = (long)sqlite3_column_int64(st, 4);
		p->payer = dup_text(r, st, 5);
		p->for_whom = dup_text(r, st, 6);
		x->services[s].respite = (uint32_t)x->nrespite++;
	}
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

/* Per term the services with it in name order, and the respite services
 * in name order: the lists a search without text or place walks. */
static void build_name_lists(struct reader *r, struct cx *x)
{
	x->term_first = alloc(r, x->nterms + 1, sizeof(uint32_t));
	size_t total = 0;
	for (size_t i = 0; i < x->nservices; i++)
		total += x->services[i].nterms;
	x->term_services = alloc(r, total, sizeof(uint32_t));
	uint32_t *fill = alloc(r, x->nterms + 1, sizeof(uint32_t));
	x->respite_by_name = alloc(r, x->nrespite, sizeof(uint32_t));
	if (r->failed) {
		free(fill);
		return;
	}
	for (size_t i = 0; i < x->nservices; i++)
		for (uint16_t k = 0; k < x->services[i].nterms; k++)
			x->term_first[x->pool[x->services[i].terms + k] + 1]++;
	for (size_t t = 0; t < x->nterms; t++)
		x->term_first[t + 1] += x->term_first[t];
	memcpy(fill, x->term_first, (x->nterms + 1) * sizeof(uint32_t));
	for (size_t rank = 0; rank < x->nservices; rank++) {
		uint32_t s = x->by_name[rank];
		const struct cx_service *sv = &x->services[s];
		for (uint16_t k = 0; k < sv->nterms; k++) {
			uint32_t t = x->pool[sv->terms + k];
			/* a term twice on one service counts once */
			if (fill[t] > x->term_first[t] && x->term_services[fill[t] - 1] == s)
				continue;
			x->term_services[fill[t]++] = s;
		}
		if (sv->respite != CX_NONE && x->nrespite_by_name < x->nrespite)
			x->respite_by_name[x->nrespite_by_name++] = s;
	}
	/* close the gaps the doubles left: shift each list down */
	size_t at = 0;
	for (size_t t = 0; t < x->nterms; t++) {
		uint32_t from = x->term_first[t], n = fill[t] - from;
		memmove(&x->term_services[at], &x->term_services[from], n * sizeof(uint32_t));
		x->term_first[t] = (uint32_t)at;
		at += n;
	}
	x->term_first[x->nterms] = (uint32_t)at;
	free(fill);
}

static uint32_t le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void read_text(struct reader *r, struct cx *x)
{
	x->lang_nl = -1;
	sqlite3_stmt *st = prepare(r, "SELECT n, code FROM sx_lang ORDER BY n");
	if (!st)
		return;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_int(st, 0);
		const char *code = (const char *)sqlite3_column_text(st, 1);
		if (n < 0 || n >= CONTENT_FTS_LANGS || !code || strlen(code) >= 8)
			continue;
		snprintf(x->lang_code[n], sizeof(x->lang_code[n]), "%s", code);
		if ((size_t)n >= x->nlangs)
			x->nlangs = (size_t)n + 1;
		if (strcmp(code, "nl") == 0)
			x->lang_nl = n;
	}
	done(r, st, rc);

	long long nwords = single_int(r, "SELECT count(*) FROM sx_text");
	long long chars =
	    single_int(r, "SELECT coalesce(sum(length(CAST(term AS BLOB))), 0) FROM sx_text");
	long long bytes = single_int(r, "SELECT coalesce(sum(length(docs)), 0) FROM sx_text");
	if (r->failed)
		return;
	x->text_chars = alloc(r, (size_t)chars + 1, 1);
	x->text_word = alloc(r, (size_t)nwords + 1, sizeof(uint32_t));
	x->text_first = alloc(r, (size_t)nwords + 1, sizeof(uint32_t));
	x->post = alloc(r, (size_t)bytes / 4 + 1, sizeof(uint32_t));
	st = prepare(r, "SELECT term, docs FROM sx_text ORDER BY term");
	if (!st)
		return;
	size_t nc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nwords < (size_t)nwords) {
		const void *t = sqlite3_column_blob(st, 0);
		size_t tn = (size_t)sqlite3_column_bytes(st, 0);
		const unsigned char *d = sqlite3_column_blob(st, 1);
		size_t dn = (size_t)sqlite3_column_bytes(st, 1) / 4;
		if (nc + tn > (size_t)chars || x->npost + dn > (size_t)bytes / 4) {
			snprintf(r->err, r->errlen, "search index: sx_text changed while read");
			r->failed = true;
			break;
		}
		x->text_word[x->nwords] = (uint32_t)nc;
		x->text_first[x->nwords] = (uint32_t)x->npost;
		if (tn)
			memcpy(x->text_chars + nc, t, tn);
		nc += tn;
		for (size_t i = 0; i < dn; i++) {
			uint32_t e = le32(d + 4 * i);
			uint32_t rowid = e >> 1;
			uint32_t line = rowid / CONTENT_FTS_LANGS, lang = rowid % CONTENT_FTS_LANGS;
			uint32_t s = line < x->nlines ? x->service_of_line[line] : CX_NONE;
			if (s == CX_NONE)
				continue; /* not active */
			x->post[x->npost++] = s << CX_POST_SHIFT | lang << 1 | (e & 1);
		}
		x->nwords++;
	}
	x->text_word[x->nwords] = (uint32_t)nc;
	x->text_first[x->nwords] = (uint32_t)x->npost;
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_holidays(struct reader *r, struct cx *x)
{
	long long count = single_int(r, "SELECT count(*) FROM holidays");
	if (r->failed)
		return;
	x->holidays = alloc(r, (size_t)count, sizeof(char *));
	sqlite3_stmt *st = prepare(r, "SELECT date FROM holidays ORDER BY date");
	if (!st)
		return;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nholidays < (size_t)count) {
		x->holidays[x->nholidays] = dup_text(r, st, 0);
		if (x->holidays[x->nholidays])
			x->nholidays++;
	}
	done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
	/* bsearch in hours_is_holiday needs strcmp order */
	if (!r->failed)
		qsort(x->holidays, x->nholidays, sizeof(char *), cmp_str);
}

/* ---- public ------------------------------------------------------------- */

struct cx *cx_build(sqlite3 *db, const char *db_path, char *err, size_t errlen)
{
	struct reader r = {db, err, errlen, false};
	struct cx *x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "search index: out of memory");
		return NULL;
	}
	atomic_init(&x->refs, 1);
	x->db_path = strdup(db_path);
	if (!x->db_path) {
		snprintf(err, errlen, "search index: out of memory");
		cx_unref(x);
		return NULL;
	}
	sqlite3_stmt *st = prepare(&r, "SELECT value FROM meta WHERE key = 'import_id'");
	if (st) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			snprintf(x->import_id, sizeof(x->import_id), "%s",
			         (const char *)sqlite3_column_text(st, 0));
			rc = SQLITE_DONE;
		}
		done(&r, st, rc);
	}
	uint32_t *term_of_line = NULL;
	size_t nterm_lines = 0;
	read_terms(&r, x, &term_of_line, &nterm_lines);
	size_t chars_cap = 0;
	read_places(&r, x, &chars_cap);
	build_grid(&r, x);
	read_services(&r, x, &chars_cap);
	read_links(&r, x, term_of_line, nterm_lines);
	free(term_of_line);
	read_periods(&r, x);
	read_respite(&r, x);
	build_name_lists(&r, x);
	read_text(&r, x);
	read_holidays(&r, x);
	if (!r.failed) {
		for (size_t i = 0; i < x->nterms; i++)
			x->term_sorted[i] = (uint32_t)i;
		qsort_r(x->term_sorted, x->nterms, sizeof(uint32_t), cmp_term_id, x);
	}
	if (r.failed) {
		cx_unref(x);
		return NULL;
	}
	return x;
}

struct cx *cx_ref(struct cx *x)
{
	atomic_fetch_add_explicit(&x->refs, 1, memory_order_relaxed);
	return x;
}

void cx_unref(struct cx *x)
{
	if (!x || atomic_fetch_sub_explicit(&x->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < x->nterms; i++) {
		free(x->term_id[i]);
		free(x->term_taxonomy[i]);
		free(x->term_name[i]);
		free(x->term_code[i]);
	}
	free(x->term_code);
	free(x->term_name);
	free(x->term_id);
	free(x->term_taxonomy);
	free(x->term_sorted);
	free(x->services);
	free(x->by_name);
	free(x->service_of_line);
	free(x->sched_of_line);
	free(x->places);
	free(x->place_of_n);
	free(x->pool);
	free(x->chars);
	free(x->term_first);
	free(x->term_services);
	free(x->respite_by_name);
	free(x->scheds);
	free(x->periods);
	for (size_t i = 0; i < x->nrespite; i++) {
		free(x->respite[i].setting);
		free(x->respite[i].times);
		free(x->respite[i].provider);
		free(x->respite[i].payer);
		free(x->respite[i].for_whom);
	}
	free(x->respite);
	for (size_t i = 0; i < x->nholidays; i++)
		free(x->holidays[i]);
	free(x->holidays);
	free(x->cell_first);
	free(x->text_chars);
	free(x->text_word);
	free(x->text_first);
	free(x->post);
	free(x->db_path);
	free(x);
}

uint32_t cx_term(const struct cx *x, const char *id)
{
	size_t lo = 0, hi = x->nterms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(x->term_id[x->term_sorted[mid]], id);
		if (c == 0)
			return x->term_sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CX_NONE;
}

uint32_t cx_service_of_line(const struct cx *x, long long line)
{
	return line >= 0 && (size_t)line < x->nlines ? x->service_of_line[line] : CX_NONE;
}

uint32_t cx_place_of_n(const struct cx *x, long long n)
{
	return n >= 0 && (size_t)n < x->nplace_n ? x->place_of_n[n] : CX_NONE;
}

const struct hours_period *cx_periods(const struct cx *x, long long line, uint32_t place, size_t *n,
                                      int *kind)
{
	uint32_t sched = line >= 0 && (size_t)line < x->nlines ? x->sched_of_line[line] : CX_NONE;
	if (sched == CX_NONE && place < x->nplaces)
		sched = x->places[place].sched;
	if (kind)
		*kind = sched == CX_NONE ? HOURS_KIND_SERVICE : x->scheds[sched].kind;
	if (sched == CX_NONE) {
		*n = 0;
		return NULL;
	}
	*n = x->scheds[sched].n;
	return &x->periods[x->scheds[sched].first];
}

/* memcmp order with the shorter first on a tie, as SQLite sorts terms */
static int cmp_word(const struct cx *x, size_t w, const char *s, size_t n)
{
	size_t wn = x->text_word[w + 1] - x->text_word[w];
	int c = memcmp(x->text_chars + x->text_word[w], s, wn < n ? wn : n);
	return c ? c : (wn > n) - (wn < n);
}

void cx_prefix_range(const struct cx *x, const char *prefix, size_t len, size_t *from, size_t *to)
{
	size_t lo = 0, hi = x->nwords;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_word(x, mid, prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo;
	size_t end = lo;
	while (end < x->nwords && x->text_word[end + 1] - x->text_word[end] >= len &&
	       memcmp(x->text_chars + x->text_word[end], prefix, len) == 0)
		end++;
	*to = end;
}

int cx_lang(const struct cx *x, const char *code)
{
	if (!code)
		return -1;
	for (size_t i = 0; i < x->nlangs; i++)
		if (strcmp(x->lang_code[i], code) == 0)
			return (int)i;
	return -1;
}
