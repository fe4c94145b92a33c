/* pages_catalog: the pages that show the catalogue: search and nearby
 * (/voorzieningen), a service (/voorzieningen/{id}) and the carer's entry
 * point with the respite finder (/mantelzorg). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "store/catalog.h"
#include "web/handlers.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "domain/insight.h"
#include "domain/selfcheck.h"
#include "net/route.h"
#include "base/text.h"
#include "web/templates.h"
#include "web/views.h"

#define CHECK_ACCESS_MAX 5

bool content_untranslated(const struct request *rq, const char *nl_text)
{
	return rq->lang && strcmp(rq->lang->code, "nl") != 0 && *nl_text && C_(nl_text) == nl_text;
}

/* Copies what a formatter wrote into a fixed buffer of a view; a text
 * that does not fit fails the page rather than being cut. */
static bool copy_text(char *buf, size_t size, struct sb *t)
{
	if (sb_failed(t) || t->len >= size)
		return false;
	memcpy(buf, sb_str(t), t->len + 1);
	return true;
}

/* The view of c_hours.html for an opening status: the times and the day
 * formatted in the request's language. */
bool hours_view(struct c_hours *v, const struct hours_status *h)
{
	struct sb t;
	sb_init(&t, 128);
	bool ok = true;
	v->time[0] = v->date[0] = '\0';
	v->kind = h->kind;
	if (!h->known) {
		v->state = C_HOURS_UNKNOWN;
	} else if (h->open) {
		v->state = C_HOURS_OPEN;
		ok = i18n_format_time(&t, (h->closes / 60) % 24, h->closes % 60) &&
		     copy_text(v->time, sizeof(v->time), &t);
	} else if (h->next_known) {
		v->state = h->next_in_days == 0   ? C_HOURS_OPENS_TODAY
		           : h->next_in_days == 1 ? C_HOURS_OPENS_TOMORROW
		                                  : C_HOURS_OPENS_LATER;
		ok = i18n_format_time(&t, h->next_opens / 60, h->next_opens % 60) &&
		     copy_text(v->time, sizeof(v->time), &t);
		if (ok && v->state == C_HOURS_OPENS_LATER) {
			sb_reset(&t);
			ok = i18n_format_date(&t, h->next_day.year, h->next_day.mon,
			                      h->next_day.mday, h->next_day.wday) &&
			     copy_text(v->date, sizeof(v->date), &t);
		}
	} else {
		v->state = C_HOURS_CLOSED;
	}
	sb_free(&t);
	return ok;
}

struct c_result *results_view(const struct request *rq, const struct catalog_result *r, int level)
{
	struct c_result *items = calloc(r->n ? r->n : 1, sizeof(*items));
	struct sb dist;
	sb_init(&dist, 64);
	bool ok = items != NULL;
	for (size_t i = 0; ok && i < r->n; i++) {
		const struct catalog_hit *h = &r->hits[i];
		items[i].hit = h;
		items[i].lang = rq->lang->code;
		items[i].level = level;
		if (h->has_distance) {
			sb_reset(&dist);
			ok = i18n_format_distance(&dist, (long)(h->distance_m + 0.5)) &&
			     copy_text(items[i].distance, sizeof(items[i].distance), &dist);
		}
		ok = ok && hours_view(&items[i].hours, &h->hours);
	}
	sb_free(&dist);
	if (!ok) {
		free(items);
		return NULL;
	}
	return items;
}

/* Reads the place part of a query: a postcode, or the browser's location.
 * Returns a localized problem, or NULL. */
/* The postcode of the self-check (the sealed code of "zelfcheck=", as the
 * advice's search and booking links carry it), when no place is given:
 * so it carries on without showing in a URL. NULL: none. */
static const char *selfcheck_place(struct request *rq)
{
	const char *code = params_get(&rq->query, "zelfcheck");
	if (!code || params_get(&rq->query, "postcode") || params_get(&rq->query, "lat") ||
	    params_get(&rq->query, "lon"))
		return NULL;
	char pc[8];
	if (!selfcheck_code_postcode(rq->app, code, pc) || !*pc)
		return NULL;
	return arena_strdup(&rq->arena, pc);
}

const char *read_place(struct request *rq, struct point *p)
{
	const char *pc = params_get(&rq->query, "postcode");
	if (!pc)
		pc = selfcheck_place(rq);
	switch (catalog_locate(db_catalog(rq->app), pc, params_get(&rq->query, "lat"),
	                       params_get(&rq->query, "lon"), p)) {
	case PLACE_MALFORMED:
		return _(
		    "Een postcode heeft vier cijfers en twee letters, zoals 7511 AB. Alleen de "
		    "vier cijfers mag ook.");
	case PLACE_UNKNOWN: {
		const struct site_info *site = catalog_site(db_catalog(rq->app));
		if (!site)
			return _(
			    "Deze postcode kennen we niet. We laten alles zien, zonder afstand.");
		/* TRANSLATORS: the municipality, then its first and its last postcode (four digits)
		 */
		const char *m =
		    arena_printf(&rq->arena,
		                 _("Deze postcode kennen we niet. Deze website gaat over %s: "
		                   "postcodes %s tot en met %s. We laten alles zien, zonder "
		                   "afstand."),
		                 site->municipality, site->pc4_first, site->pc4_last);
		return m ? m
		         : _("Deze postcode kennen we niet. We laten alles zien, zonder afstand.");
	}
	default:
		return NULL;
	}
}

struct place_view place_view(struct request *rq, const char *error)
{
	/* the self-check's postcode is used (read_place) but not filled in:
	 * sent with the form it would show in the URL */
	return (struct place_view){
	    .postcode = params_get(&rq->query, "postcode"),
	    .lat = params_get(&rq->query, "lat"),
	    .lon = params_get(&rq->query, "lon"),
	    .error = error,
	    .kiosk = rq->kiosk,
	};
}

const char *search_context(struct request *rq)
{
	static const char *const keep[] = {"q", "postcode", "lat", "lon"};
	struct sb *o = arena_sb(&rq->arena, 256);
	if (!o)
		return NULL;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *v = params_get(&rq->query, keep[i]);
		if (!v || !*v)
			continue;
		if (!sb_putc(o, o->len ? '&' : '?') || !sb_puts(o, keep[i]) || !sb_putc(o, '=') ||
		    !text_url_encode(o, v))
			return NULL;
	}
	return sb_str(o);
}

/* A query value that is filled in, or NULL: an empty field of the form
 * is no filter. */
static const char *filled(const struct request *rq, const char *name)
{
	const char *v = params_get(&rq->query, name);
	return v && *v ? v : NULL;
}

static void read_filter(struct request *rq, struct catalog_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->q = params_get(&rq->query, "q");
	f->category = filled(rq, "categorie");
	f->target = filled(rq, "doelgroep");
	f->function = filled(rq, "functie");
	f->general_first = true;
	f->lang = rq->lang->code;
	f->now = clock_now();
	f->respite_notice_max = -1;
	const char *open = params_get(&rq->query, "open");
	f->open_now = open && strcmp(open, "nu") == 0;
	const char *cost = params_get(&rq->query, "kosten");
	if (cost && (strcmp(cost, "gratis") == 0 || strcmp(cost, "betaald") == 0))
		f->cost = cost;
	for (size_t i = 0; i < rq->query.n && f->naccess < CATALOG_MAX_ACCESS; i++)
		if (strcmp(rq->query.v[i].name, "toegang") == 0 && *rq->query.v[i].value)
			f->access[f->naccess++] = rq->query.v[i].value;
	long page = 1;
	const char *ps = params_get(&rq->query, "pagina");
	if (ps && !text_parse_long(ps, 1, 1000, &page))
		page = 1;
	f->limit = 20;
	f->offset = (size_t)(page - 1) * f->limit;
}

/* The options of a select of a taxonomy's terms, the one in the query
 * selected. Returns NULL when out of memory; free() it. */
static struct c_option *term_options(struct request *rq, const char *name, const struct term *t,
                                     size_t n)
{
	struct c_option *o = calloc(n ? n : 1, sizeof(*o));
	if (!o)
		return NULL;
	const char *cur = params_get(&rq->query, name);
	for (size_t i = 0; i < n; i++)
		o[i] = (struct c_option){.value = t[i].id,
		                         .label = C_(t[i].name),
		                         .selected = cur && strcmp(cur, t[i].id) == 0};
	return o;
}

/* Whether the query has name=value (a check box that is on). */
static bool query_has(const struct request *rq, const char *name, const char *value)
{
	for (size_t i = 0; i < rq->query.n; i++)
		if (strcmp(rq->query.v[i].name, name) == 0 &&
		    strcmp(rq->query.v[i].value, value) == 0)
			return true;
	return false;
}

/* The query without pagina= and without empty fields, encoded, every
 * pair followed by '&': the pager's links add pagina=N. Without the pair
 * (name, value) too when name is not NULL (value NULL: any value). */
static bool query_without(struct sb *out, const struct request *rq, const char *name,
                          const char *value)
{
	for (size_t i = 0; i < rq->query.n; i++) {
		const struct param *q = &rq->query.v[i];
		if (strcmp(q->name, "pagina") == 0 || !*q->value ||
		    (name && strcmp(q->name, name) == 0 &&
		     (!value || strcmp(q->value, value) == 0)))
			continue;
		if (!text_url_encode(out, rq->query.v[i].name) || !sb_putc(out, '=') ||
		    !text_url_encode(out, rq->query.v[i].value) || !sb_putc(out, '&'))
			return false;
	}
	return true;
}

static bool pager_query(struct sb *out, const struct request *rq)
{
	return query_without(out, rq, NULL, NULL);
}

/* The filters in use, each as a link that removes it (and lands on the
 * results). */
struct labels {
	struct c_link v[CATALOG_MAX_ACCESS + 6];
	size_t n;
};

const char *link_without(struct request *rq, const char *path, const char *name, const char *value,
                         const char *fragment)
{
	struct sb *q = arena_sb(&rq->arena, 1024);
	if (!q || !sb_appendf(q, "/%s%s?", rq->lang->code, path) ||
	    !query_without(q, rq, name, value))
		return NULL;
	while (q->len && (q->data[q->len - 1] == '&' || q->data[q->len - 1] == '?'))
		q->data[--q->len] = '\0';
	return sb_puts(q, fragment) ? sb_str(q) : NULL;
}

static bool add_label(struct labels *l, struct request *rq, const char *name, const char *value,
                      const char *text)
{
	const char *href = link_without(rq, "/voorzieningen", name, value, "#result-count");
	if (!href || l->n >= sizeof(l->v) / sizeof(l->v[0]))
		return false;
	l->v[l->n++] = (struct c_link){.href = href, .text = text};
	return true;
}

/* The name of a term in the page language, or the id as it came. */
static const char *term_label(struct request *rq, const char *id)
{
	struct sb *t = arena_sb(&rq->arena, 128);
	const char *name = t ? catalog_term_name(db_catalog(rq->app), id, t) : NULL;
	return name ? arena_strdup(&rq->arena, C_(name)) : id;
}

static bool filter_labels(struct request *rq, const struct catalog_filter *f, struct labels *l)
{
	l->n = 0;
	bool ok = true;
	const char *terms[][2] = {
	    {"categorie", f->category}, {"doelgroep", f->target}, {"functie", f->function}};
	for (size_t i = 0; i < 3; i++)
		if (terms[i][1])
			ok = ok && add_label(l, rq, terms[i][0], terms[i][1],
			                     term_label(rq, terms[i][1]));
	for (size_t i = 0; i < f->naccess; i++)
		ok = ok && add_label(l, rq, "toegang", f->access[i], term_label(rq, f->access[i]));
	if (f->open_now)
		ok = ok && add_label(l, rq, "open", NULL, _("Alleen wat nu open is"));
	if (f->cost)
		ok = ok && add_label(l, rq, "kosten", NULL,
		                     strcmp(f->cost, "gratis") == 0 ? _("Alleen gratis")
		                                                    : _("Met kosten"));
	return ok;
}

/* The markup is the template web/templates/services.html. */
void handle_services(struct request *rq, struct response *rs)
{
	struct catalog *cat = db_catalog(rq->app);
	struct catalog_filter f;
	read_filter(rq, &f);
	const char *place_error = read_place(rq, &f.near);
	struct catalog_result r = {0};
	bool ok = catalog_search(cat, &f, &r);
	/* a search that found nothing is counted, without anything else of
	   the request, each time the answer is shown (domain/insight.h) */
	if (ok && r.total == 0 && !place_error)
		insight_tag_search(&rs->insight, f.q);

	struct term *cats, *targets, *access;
	size_t ncats = catalog_terms(cat, "categorie", &cats);
	size_t ntargets = catalog_terms(cat, "doelgroep", &targets);
	size_t naccess = catalog_terms(cat, "toegankelijkheid", &access);
	struct c_option *cat_options = term_options(rq, "categorie", cats, ncats);
	struct c_option *target_options = term_options(rq, "doelgroep", targets, ntargets);
	struct services_view v = {
	    .lang = rq->lang->code,
	    .q = params_get(&rq->query, "q"),
	    .place = place_view(rq, place_error),
	    .filters_open =
	        f.category || f.target || f.naccess || f.open_now || f.cost || f.function,
	    .categories = cat_options,
	    .ncategories = ncats,
	    .targets = target_options,
	    .ntargets = ntargets,
	    .function = f.function,
	    .naccess = naccess,
	    .open_now = query_has(rq, "open", "nu"),
	    .cost = !f.cost                         ? 0
	            : strcmp(f.cost, "gratis") == 0 ? 1
	                                            : 2,
	    .ok = ok,
	    .r = &r,
	    .near = &f.near,
	    .pages = (r.total + f.limit - 1) / f.limit,
	    .page = f.offset / f.limit + 1,
	};
	struct c_choice *access_items = calloc(naccess ? naccess : 1, sizeof(*access_items));
	for (size_t i = 0; access_items && i < naccess; i++)
		access_items[i] =
		    (struct c_choice){.value = access[i].id,
		                      .label = C_(access[i].name),
		                      .checked = query_has(rq, "toegang", access[i].id)};
	v.access = access_items;
	const struct site_info *site = catalog_site(db_catalog(rq->app));
	v.all_text = arena_printf(&rq->arena, _("Bekijk alles wat er in %s is"),
	                          site ? site->municipality : "");
	struct c_result *items = ok ? results_view(rq, &r, 3) : NULL;
	v.results = (struct c_results){.items = items, .n = items ? r.n : 0};
	const char *ctx = search_context(rq);
	for (size_t i = 0; items && i < r.n; i++)
		items[i].ctx = ctx;
	struct labels labels;
	bool labelled = filter_labels(rq, &f, &labels);
	v.labels = labels.v;
	v.nlabels = labels.n;
	struct sb *pq = arena_sb(&rq->arena, 2048);
	bool built = cat_options && target_options && access_items && (!ok || items) && pq && ctx &&
	             labelled && pager_query(pq, rq) &&
	             page_link_buf(v.all_href, sizeof(v.all_href), rq, "/voorzieningen") &&
	             page_link_buf(v.book_href, sizeof(v.book_href), rq, "/afspraak");
	v.pager_query = pq ? sb_str(pq) : "";
	if (place_error)
		rs->status = 422; /* the postcode came back: "Fout:" in the title */
	if (!built)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Hulp en activiteiten in de buurt"), 0) &&
	         tpl_services(&rs->body, &v))
		page_end(rs, rq);
	free(items);
	free(access_items);
	free(cat_options);
	free(target_options);
	catalog_terms_free(cats, ncats);
	catalog_terms_free(targets, ntargets);
	catalog_terms_free(access, naccess);
	catalog_result_free(&r);
}
