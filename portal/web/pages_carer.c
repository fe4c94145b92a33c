/* pages_carer: /{lang}/mantelzorg, the carer's entry point: the eight kinds
 * of support for mantelzorgers and the respite finder. The markup is the
 * template web/templates/carer.html. */
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
#include "net/route.h"
#include "base/text.h"
#include "web/templates.h"
#include "web/views.h"

/* The respite finder's questions: the values the query may hold (the
 * first, "", is "it does not matter") and their labels, translated when
 * the page is made. */
struct answer {
	const char *value, *label;
};
struct question {
	const char *name, *legend;
	const struct answer *answers;
	size_t n;
};

#define N(a) (sizeof(a) / sizeof(a[0]))
static const struct answer setting[] = {{"", N_("Maakt niet uit")},
                                        {"thuis", N_("Bij ons thuis")},
                                        {"buitenshuis", N_("Buiten de deur")}};
static const struct answer times[] = {
    {"", N_("Maakt niet uit")},        {"dag", N_("Overdag")},
    {"avond", N_("'s Avonds")},        {"nacht", N_("'s Nachts")},
    {"weekend", N_("In het weekend")}, {"logeren", N_("Een paar dagen logeren")}};
static const struct answer provider[] = {{"", N_("Maakt niet uit")},
                                         {"vrijwilliger", N_("Een vrijwilliger")},
                                         {"professional", N_("Een beroepskracht")}};
static const struct answer whom[] = {
    {"", N_("Maakt niet uit")},
    {"dementie", N_("Iemand met dementie")},
    {"nah", N_("Iemand met hersenletsel (NAH)")},
    {"verstandelijke-beperking", N_("Iemand met een verstandelijke beperking")},
    {"lichamelijke-beperking", N_("Iemand met een lichamelijke beperking")},
    {"ggz", N_("Iemand met psychische problemen")},
    {"kinderen", N_("Een kind")}};
static const struct answer soon[] = {
    {"", N_("Maakt niet uit")}, {"7", N_("Binnen een week")}, {"28", N_("Binnen vier weken")}};
static const struct question questions[] = {
    {"waar", N_("Waar?"), setting, N(setting)},
    {"wanneer", N_("Wanneer?"), times, N(times)},
    {"wie", N_("Wie mag het doen?"), provider, N(provider)},
    {"voor", N_("Voor wie zorgt u?"), whom, N(whom)},
    {"termijn", N_("Hoe snel heeft u het nodig?"), soon, N(soon)},
};
#define NQUESTIONS  N(questions)
#define MAX_CHOICES 8
#define ID_PREFIX   16

/* Only a value from the offered choices reaches the query: the index of
 * the one asked for, 0 ("it does not matter") for anything else. */
static size_t pick(struct request *rq, const struct question *q)
{
	const char *v = params_get(&rq->query, q->name);
	for (size_t i = 1; v && i < q->n; i++)
		if (strcmp(v, q->answers[i].value) == 0)
			return i;
	return 0;
}

/* Which radio is checked: the one the query names (none for a value not
 * offered), "it does not matter" without one. */
static bool checked(struct request *rq, const struct question *q, size_t i)
{
	const char *v = params_get(&rq->query, q->name);
	return v ? strcmp(v, q->answers[i].value) == 0 : i == 0;
}

/* A question as a choice list, the answer in the query checked. */
struct question_view {
	struct c_choice items[MAX_CHOICES];
	char id_prefix[ID_PREFIX];
};

static bool question_view(struct question_view *qv, struct c_choices *out, struct request *rq,
                          const struct question *q)
{
	if (q->n > MAX_CHOICES)
		return false;
	for (size_t i = 0; i < q->n; i++)
		qv->items[i] = (struct c_choice){.value = q->answers[i].value,
		                                 .label = _(q->answers[i].label),
		                                 .checked = checked(rq, q, i)};
	int n = snprintf(qv->id_prefix, sizeof(qv->id_prefix), "r-%s-", q->name);
	*out = (struct c_choices){.legend = _(q->legend),
	                          .cls = "choices",
	                          .type = "radio",
	                          .name = q->name,
	                          .id_prefix = qv->id_prefix,
	                          .by_index = true,
	                          .items = qv->items,
	                          .n = q->n};
	return n > 0 && (size_t)n < sizeof(qv->id_prefix);
}

/* The kinds of support, each with how many offers there are. Returns
 * an array of n (free() it), or NULL when out of memory. */
static struct c_service_card *function_cards(struct request *rq, struct catalog *cat,
                                             const struct term *t, size_t n)
{
	const struct site_info *site = catalog_site(cat);
	const char *municipality = site ? site->municipality : "";
	struct c_service_card *cards = calloc(n ? n : 1, sizeof(*cards));
	for (size_t i = 0; cards && i < n; i++) {
		struct catalog_filter f;
		memset(&f, 0, sizeof(f));
		f.function = t[i].id;
		f.lang = rq->lang->code;
		f.limit = 1;
		f.now = clock_now();
		f.respite_notice_max = -1;
		struct catalog_result r;
		cards[i] = (struct c_service_card){.lang = rq->lang->code,
		                                   .function = t[i].id,
		                                   .name = C_(t[i].name),
		                                   .municipality = municipality};
		if (catalog_search(cat, &f, &r)) {
			cards[i].counted = true;
			cards[i].total = r.total;
			cards[i].capped = r.total_capped;
			catalog_result_free(&r);
		}
	}
	return cards;
}

void handle_carer(struct request *rq, struct response *rs)
{
	struct catalog *cat = db_catalog(rq->app);
	struct term *t;
	size_t nt = catalog_terms(cat, "mantelzorgfunctie", &t);
	struct c_service_card *cards = function_cards(rq, cat, t, nt);

	/* the respite finder */
	struct point near;
	const char *place_error = read_place(rq, &near);
	struct question_view qv[NQUESTIONS];
	struct c_choices groups[NQUESTIONS];
	size_t picked[NQUESTIONS];
	bool ok = cards != NULL;
	for (size_t i = 0; i < NQUESTIONS; i++) {
		picked[i] = pick(rq, &questions[i]);
		ok = ok && question_view(&qv[i], &groups[i], rq, &questions[i]);
	}
#define ANSWER(i) (picked[i] ? questions[i].answers[picked[i]].value : NULL)
	struct catalog_filter f;
	memset(&f, 0, sizeof(f));
	f.respite_only = true;
	f.respite_setting = ANSWER(0);
	f.respite_time = ANSWER(1);
	f.respite_provider = ANSWER(2);
	f.respite_for = ANSWER(3);
	const char *within = ANSWER(4);
#undef ANSWER
	long days = -1;
	f.respite_notice_max = within && text_parse_long(within, 0, 365, &days) ? days : -1;
	f.near = near;
	f.lang = rq->lang->code;
	f.limit = 50;
	f.now = clock_now();
	struct catalog_result r = {0};
	bool searched = catalog_search(cat, &f, &r);
	struct c_result *items = NULL;
	if (searched && r.total > 0) {
		items = results_view(rq, &r, 4);
		ok = ok && items;
	}
	const char *ctx = search_context(rq);
	ok = ok && ctx;
	for (size_t i = 0; items && i < r.n; i++)
		items[i].ctx = ctx;
	/* the answers given, each a label that removes it */
	struct c_link labels[NQUESTIONS];
	size_t nlabels = 0;
	for (size_t i = 0; ok && i < NQUESTIONS; i++) {
		if (!picked[i])
			continue;
		const char *href =
		    link_without(rq, "/mantelzorg", questions[i].name, NULL, "#respite-results");
		ok = href != NULL;
		labels[nlabels++] =
		    (struct c_link){.href = href, .text = _(questions[i].answers[picked[i]].label)};
	}

	struct carer_view v = {
	    .lang = rq->lang->code,
	    .functions = cards,
	    .nfunctions = nt,
	    .place = place_view(rq, place_error),
	    .groups = groups,
	    .ngroups = NQUESTIONS,
	    .searched = searched,
	    .r = &r,
	    .results = {.items = items, .n = items ? r.n : 0},
	    .labels = labels,
	    .nlabels = nlabels,
	};
	ok = ok &&
	     page_link_buf(v.check_href, sizeof(v.check_href), rq, "/zelfcheck?voor=mantelzorg");
	if (!ok)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Steun voor mantelzorgers"), 0) && tpl_carer(&rs->body, &v))
		page_end(rs, rq);
	free(items);
	catalog_result_free(&r);
	free(cards);
	catalog_terms_free(t, nt);
}
