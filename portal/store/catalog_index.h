/* catalog_index: the search index of the content, held in memory.
 *
 * Built once from the sx_* tables that wijkwijzer-import writes into
 * content.db, when the catalogue opens, and never changed after that:
 * every thread's catalog (catalog_open_sibling) reads the same index
 * without a lock, and the last catalog that lets go of it frees it (a
 * reference count with C11 atomics). Nothing here is mutable after
 * cx_build returns, except refs.
 *
 * What it holds is what a search must look at for every candidate, and
 * the few texts a result shows (name, organisation, place, address), so
 * a search reads nothing from SQLite. Services (active ones only) are
 * numbered 0..nservices-1 in services._line order, places 0..nplaces-1 in
 * grid cell order, taxonomy terms 0..nterms-1 in taxonomy_terms order.
 *
 * Memory with the generated 50 000 services: about 20 MiB, most of it the
 * text postings (1.5 million entries) and the texts (7 MiB). */
#ifndef WW_CATALOG_INDEX_H
#define WW_CATALOG_INDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hours.h"

#define CX_NONE UINT32_MAX

struct cx_service {
	uint32_t line;      /* services._line */
	uint32_t name_rank; /* 0-based position in name order */
	uint32_t terms;     /* first term in cx.pool (ascending term numbers) */
	uint32_t places;    /* first place in cx.pool (service_at_location order) */
	uint16_t nterms, nplaces;
	uint32_t sched;    /* own weekly periods (cx.scheds), or CX_NONE */
	uint32_t respite;  /* cx.respite, or CX_NONE */
	uint32_t category; /* first 'categorie' term, or CX_NONE */
	bool free;
	bool has_costs;                  /* it has cost options (else: ask what it costs) */
	bool general;                    /* for everyone: a target group "iedereen", or none */
	double lat0, lat1, lon0, lon1;   /* the box around its places */
	uint32_t id, name, organization; /* texts in cx.chars */
};

struct cx_place {
	double lat, lon, cos_lat;
	uint32_t n;        /* place.n */
	uint32_t terms;    /* first term in cx.pool */
	uint32_t services; /* first service in cx.pool */
	uint32_t nservices;
	uint16_t nterms;
	uint32_t sched;                          /* weekly periods of the place, or CX_NONE */
	uint32_t id, name, address, postal_code; /* texts in cx.chars */
};

struct cx_sched {
	uint32_t first; /* in cx.periods, Monday first, by opening time */
	uint32_t n;
	int kind; /* enum hours_kind (base/hours.h): what the times are for */
};

struct cx_respite {
	char *setting, *times, *provider, *payer, *for_whom;
	long notice_days;
};

struct cx {
	atomic_int refs;
	char *db_path;
	char import_id[40];

	size_t nterms;
	char **term_id, **term_taxonomy, **term_name, **term_code;
	uint32_t *term_sorted; /* term numbers sorted by id */

	size_t nservices;
	struct cx_service *services;
	uint32_t *by_name; /* services in name order */
	uint32_t *service_of_line;
	size_t nlines; /* service_of_line[0..nlines): services._line -> service or CX_NONE */
	uint32_t *sched_of_line; /* own schedule of any service (also inactive) by _line */

	size_t nplaces;
	struct cx_place *places;
	uint32_t *place_of_n;
	size_t nplace_n;

	uint32_t *pool; /* lists: terms and places of services, terms and services of places */
	size_t npool;
	char *chars; /* the texts a result shows, NUL-terminated, by offset */
	size_t nchars;

	/* per term: the services that have it, in name order */
	uint32_t *term_first; /* nterms + 1 offsets into term_services */
	uint32_t *term_services;
	uint32_t *respite_by_name; /* services with respite details, in name order */
	size_t nrespite_by_name;

	struct cx_sched *scheds;
	size_t nscheds;
	struct hours_period *periods;
	size_t nperiods;

	struct cx_respite *respite;
	size_t nrespite;

	char **holidays; /* sorted YYYY-MM-DD */
	size_t nholidays;

	/* a grid of cells (CX_CELL_LAT x CX_CELL_LON degrees) over the places;
	   the places are numbered in cell order, so a cell is a range */
	double grid_lat0, grid_lon0;
	int grid_rows, grid_cols;
	uint32_t *cell_first; /* rows * cols + 1: the first place of each cell */

	/* text postings: word w is text_chars[text_word[w] .. text_word[w + 1]),
	   its entries post[text_first[w] .. text_first[w + 1]), each
	   (service << CX_POST_SHIFT) | (language << 1) | in_name */
	size_t nwords;
	char *text_chars;
	uint32_t *text_word;
	uint32_t *text_first;
	uint32_t *post;
	size_t npost;
	size_t nlangs;
	char lang_code[16][8];
	int lang_nl; /* number of Dutch, or -1 */
};

#define CX_CELL_LAT   0.01
#define CX_CELL_LON   0.016
#define CX_POST_SHIFT 5

/* Reads the index from an open content database. NULL with a reason in
 * err on failure. refs starts at 1. */
struct sqlite3;
struct cx *cx_build(struct sqlite3 *db, const char *db_path, char *err, size_t errlen);
/* Takes another reference / drops one (freeing with the last). */
struct cx *cx_ref(struct cx *x);
void cx_unref(struct cx *x);

/* Term number of an id, or CX_NONE. */
uint32_t cx_term(const struct cx *x, const char *id);
/* Service number of a services._line, or CX_NONE (inactive or unknown). */
uint32_t cx_service_of_line(const struct cx *x, long long line);
/* Place number of a place.n, or CX_NONE. */
uint32_t cx_place_of_n(const struct cx *x, long long n);
/* The weekly periods that apply to a service at a place: the service's
 * own (by services._line; line < 0 for none) when it has any, else the
 * place's (place < 0 or CX_NONE for none). *n gets their number, *kind
 * (unless NULL) what they are for (enum hours_kind). */
const struct hours_period *cx_periods(const struct cx *x, long long line, uint32_t place, size_t *n,
                                      int *kind);
/* First word >= prefix and one past the last word starting with it. */
void cx_prefix_range(const struct cx *x, const char *prefix, size_t len, size_t *from, size_t *to);
/* A text of cx.chars by offset. */
static inline const char *cx_text(const struct cx *x, uint32_t at)
{
	return x->chars + at;
}
/* Language number of a code, or -1. */
int cx_lang(const struct cx *x, const char *code);

#endif
