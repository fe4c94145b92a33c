/* pages_selfcheck: the zelfcheck flow at /{lang}/zelfcheck and its result
 * at /{lang}/zelfcheck/uitslag.
 *
 * The state of a check in progress travels sealed in one query parameter,
 * s (path, answers so far, postcode, the question being changed; see
 * selfcheck.h), and the result link carries the sealed code in c. Every
 * answer is a plain link to the next state, so no JavaScript is needed
 * and nothing is stored on the server, yet no URL shows an answer, the
 * postcode or for whom the check is. The postcode is the one form: it is
 * posted (with a CSRF token) and answered with a 303 to the sealed state.
 * With JavaScript, the links and that form replace the page in the
 * history (data-replace, static/app.js), so a whole check is one entry in
 * the history, and the quick exit replaces that one. The markup is the
 * templates web/templates/selfcheck_*.html (their views: web/views_sc.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "net/csrf.h"
#include "exec/db.h"
#include "base/app.h"
#include "store/catalog.h"
#include "store/content.h"
#include "base/geo.h"
#include "web/handlers.h"
#include "web/kiosk.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "net/route.h"
#include "domain/insight.h"
#include "domain/selfcheck.h"
#include "base/text.h"
#include "web/templates.h"
#include "web/views_sc.h"

/* The postcode form (its CSRF token is bound to the route). */
#define FORM_POSTCODE "/{lang}/zelfcheck"
/* The longest postcode field read (the input takes 12 characters). */
#define POSTCODE_INPUT_MAX 32

/* The quick exit on a kiosk: its Stop, which wipes the session, instead
 * of a page of another site; NULL elsewhere. */
static const char *kiosk_exit(struct request *rq)
{
	struct kiosk_terminal kt;
	return request_kiosk(rq, &kt) ? arena_printf(&rq->arena, "/kiosk/%s/stop", kt.id) : NULL;
}

/* A seal that cannot be made (no randomness) fails the whole page: the
 * dispatcher answers 500 for a failed body. */
static bool or_fail(struct response *rs, bool ok)
{
	if (!ok)
		rs->body.failed = true;
	return ok;
}

/* The URL of state s with these answers and this question being changed. */
static bool state_url(struct sb *out, struct request *rq, struct response *rs,
                      const struct sc_state *s, const char *answers, long change)
{
	struct sc_state next = *s;
	snprintf(next.answers, sizeof(next.answers), "%s", answers);
	next.change = change;
	return or_fail(rs, page_link(out, rq, "/zelfcheck?s=") &&
	                       selfcheck_state_seal(rq->app, &next, out));
}

/* What a builder of the request's arena holds (NULL: making it failed). */
static const char *url_of(struct sb *url, bool ok)
{
	return ok && !sb_failed(url) ? sb_str(url) : NULL;
}

/* The start of a path: its URL, or NULL. */
static const char *start_url(struct request *rq, struct response *rs, char path)
{
	struct sc_state start;
	memset(&start, 0, sizeof(start));
	start.path = path;
	start.change = -1;
	struct sb *url = arena_sb(&rq->arena, 256);
	return url_of(url, url && state_url(url, rq, rs, &start, "", -1));
}

/* The first step; restart: a state that does not open or does not fit the
 * questions, so start again. */
static void intro(struct request *rq, struct response *rs, bool restart)
{
	struct sc_start_view v = {.restart = restart,
	                          .self_href = start_url(rq, rs, SC_SELF),
	                          .other_href = start_url(rq, rs, SC_OTHER),
	                          .carer_href = start_url(rq, rs, SC_CARER)};
	if (!or_fail(rs, v.self_href && v.other_href && v.carer_href))
		return;
	tpl_selfcheck_start(&rs->body, &v);
}

static void ask_postcode(struct request *rq, struct response *rs, const struct sc_state *s)
{
	struct sb *state = arena_sb(&rq->arena, SC_SEALED_MAX),
	          *skip_url = arena_sb(&rq->arena, 256);
	if (!or_fail(rs, state && skip_url))
		return;
	struct sc_state skip = *s;
	skip.postcode_asked = true;
	skip.postcode[0] = '\0';
	/* posted, so the postcode never shows in a URL */
	struct sc_postcode_view v = {
	    .action = page_href(rq, "/zelfcheck"),
	    .csrf = csrf_token_of(rq, FORM_POSTCODE),
	    .state = url_of(state, selfcheck_state_seal(rq->app, s, state)),
	    .skip_href = url_of(skip_url, state_url(skip_url, rq, rs, &skip, s->answers, -1))};
	if (or_fail(rs, v.action && v.csrf && v.state && v.skip_href))
		tpl_selfcheck_postcode(&rs->body, &v);
}

static void ask_question(struct request *rq, struct response *rs, const struct sc_state *s,
                         const struct sc_question *q, size_t n, size_t index)
{
	const struct sc_question *cur = &q[index];
	bool other = s->path == SC_OTHER;
	/* the answers: links that carry the new state */
	const char *options = selfcheck_answers_of(cur->answer_set);
	char all[16];
	snprintf(all, sizeof(all), "%s%c%c", options, SC_WEETNIET, SC_SKIP);
	struct sc_answer_link links[sizeof(all)];
	size_t nlinks = 0;
	struct sb *ans = arena_sb(&rq->arena, 64);
	if (!or_fail(rs, ans != NULL))
		return;
	for (const char *a = all; *a; a++) {
		sb_reset(ans);
		if (s->change >= 0) {
			sb_puts(ans, s->answers);
			ans->data[index] = *a;
		} else {
			sb_append(ans, s->answers, index);
			sb_putc(ans, *a);
		}
		struct sb *url = arena_sb(&rq->arena, 512);
		if (!or_fail(rs, url && !sb_failed(ans)))
			return;
		links[nlinks].href = url_of(url, state_url(url, rq, rs, s, sb_str(ans), -1));
		links[nlinks].answer = *a;
		if (!or_fail(rs, links[nlinks++].href != NULL))
			return;
	}
	struct sc_question_view v = {
	    .lang = rq->lang->code,
	    .quick_exit = strcmp(cur->domain, "veiligheid") == 0,
	    .other = other,
	    .index = index,
	    .n = n,
	    .text = other && *cur->text_other ? cur->text_other : cur->text_self,
	    .help = cur->help,
	    .answers = links,
	    .nanswers = nlinks,
	    .exit_href = kiosk_exit(rq),
	};
	struct sb *url = arena_sb(&rq->arena, 512);
	if (!or_fail(rs, url != NULL))
		return;
	if (s->change >= 0) {
		v.back = SC_BACK_OVERVIEW;
		v.back_href = url_of(url, state_url(url, rq, rs, s, s->answers, -1));
	} else if (index > 0) {
		sb_reset(ans);
		sb_append(ans, s->answers, index - 1);
		v.back = SC_BACK_PREVIOUS;
		v.back_href = url_of(url, state_url(url, rq, rs, s, sb_str(ans), -1));
	} else {
		v.back = SC_BACK_START;
		v.back_href = url_of(url, page_link(url, rq, "/zelfcheck"));
	}
	if (or_fail(rs, v.back_href != NULL))
		tpl_selfcheck_question(&rs->body, &v);
}

static void check_answers(struct request *rq, struct response *rs, const struct sc_state *s,
                          const struct sc_question *q, size_t n)
{
	bool other = s->path == SC_OTHER;
	struct sc_check_row rows[SC_MAX_QUESTIONS];
	for (size_t i = 0; i < n && i < SC_MAX_QUESTIONS; i++) {
		struct sb *url = arena_sb(&rq->arena, 512);
		if (!or_fail(rs, url != NULL))
			return;
		rows[i] = (struct sc_check_row){
		    .text = other && *q[i].text_other ? q[i].text_other : q[i].text_self,
		    .answer = s->answers[i],
		    .change_href = url_of(url, state_url(url, rq, rs, s, s->answers, (long)i))};
		if (!or_fail(rs, rows[i].change_href != NULL))
			return;
	}
	struct sb *code = arena_sb(&rq->arena, SC_SEALED_MAX), *url = arena_sb(&rq->arena, 512);
	if (!or_fail(rs, code && url &&
	                     selfcheck_code_make(rq->app, s->path, s->answers, s->postcode, code)))
		return;
	bool ok = page_link(url, rq, "/zelfcheck/uitslag?c=") && text_url_encode(url, sb_str(code));
	struct sc_check_view v = {.lang = rq->lang->code,
	                          .other = other,
	                          .rows = rows,
	                          .nrows = n < SC_MAX_QUESTIONS ? n : SC_MAX_QUESTIONS,
	                          .result_href = url_of(url, ok)};
	if (or_fail(rs, v.result_href != NULL))
		tpl_selfcheck_check(&rs->body, &v);
}

void handle_selfcheck(struct request *rq, struct response *rs)
{
	struct kiosk_terminal kt;
	const char *terminal = request_kiosk(rq, &kt) ? kt.id : NULL;
	rs->cache_control = "no-store";
	const char *sealed = params_get(&rq->query, "s");
	page_begin(rs, rq, _("Zelfcheck"), 0);
	struct sc_state s;
	const char *voor = params_get(&rq->query, "voor");
	if (!sealed && voor && strcmp(voor, "mantelzorg") == 0) {
		/* ?voor=mantelzorg (the carer page, the advice): the carer path
		 * straight away */
		memset(&s, 0, sizeof(s));
		s.path = SC_CARER;
		s.change = -1;
	} else if (!sealed) {
		intro(rq, rs, false);
		goto out;
	} else if (!selfcheck_state_open(rq->app, sealed, &s)) {
		intro(rq, rs, true);
		goto out;
	}
	struct sc_question qs[SC_MAX_QUESTIONS];
	size_t n = selfcheck_questions(rq->app, s.path, qs, SC_MAX_QUESTIONS);
	size_t answered = strlen(s.answers);
	if (n == 0 || !selfcheck_answers_valid(qs, n, s.answers, false)) {
		intro(rq, rs, true);
		selfcheck_questions_free(qs, n);
		goto out;
	}
	if (s.change >= (long)n || answered != n)
		s.change = -1;
	if (!s.postcode_asked && !terminal)
		ask_postcode(rq, rs, &s);
	else if (s.change >= 0)
		ask_question(rq, rs, &s, qs, n, (size_t)s.change);
	else if (answered < n)
		ask_question(rq, rs, &s, qs, n, answered);
	else
		check_answers(rq, rs, &s, qs, n);
	selfcheck_questions_free(qs, n);
out:
	page_end(rs, rq);
}

/* The postcode form: the postcode goes into the sealed state and a 303
 * takes the browser on, so the postcode never shows in a URL. A postcode
 * that is not recognised counts as none, as "Sla over" does. */
void handle_selfcheck_postcode(struct request *rq, struct response *rs)
{
	rs->cache_control = "no-store";
	struct sc_state s;
	if (!selfcheck_state_open(rq->app, params_get(&rq->form, "s"), &s)) {
		rs->status = 400;
		page_begin(rs, rq, _("Zelfcheck"), 0);
		intro(rq, rs, true);
		page_end(rs, rq);
		return;
	}
	const char *pc = params_get(&rq->form, "pc");
	char norm[8];
	s.postcode_asked = true;
	s.postcode[0] = '\0';
	if (pc && strlen(pc) <= POSTCODE_INPUT_MAX &&
	    geo_parse_postcode(pc, norm) != POSTCODE_MALFORMED)
		snprintf(s.postcode, sizeof(s.postcode), "%.4s", norm);
	struct sb *url = arena_sb(&rq->arena, 512);
	if (or_fail(rs, url != NULL) && state_url(url, rq, rs, &s, s.answers, s.change))
		or_fail(rs, response_redirect(rs, 303, sb_str(url)));
}

/* The place for nearness: the postcode in the code, else the kiosk's own
 * location. */
/* True when the point is the postcode's. */
static bool result_point(struct request *rq, const char *pc, const char *terminal, struct point *p)
{
	memset(p, 0, sizeof(*p));
	if (pc && *pc && catalog_locate(db_catalog(rq->app), pc, NULL, NULL, p) == PLACE_FOUND)
		return true;
	if (!terminal)
		return false;
	/* not found (or failed): no point, the results are for all of Enschede */
	(void)content_terminal_point(db_catalog(rq->app), terminal, p);
	return false;
}

/* A content text found, as a string of the request's arena. */
static const char *arena_text(struct request *rq, struct response *rs, struct sb *t)
{
	const char *s = sb_failed(t) ? NULL : arena_strdup(&rq->arena, sb_str(t));
	or_fail(rs, s != NULL);
	return s ? s : "";
}

/* A link of the site in the page's language, in the request's arena. */
/* The link of an advice whose text points somewhere (advice.csv, link). */
static void advice_link(struct request *rq, const char *advice, const char *book_href,
                        const char **href, const char **label)
{
	struct sb *kind = arena_sb(&rq->arena, 64);
	if (!kind || content_sc_advice_link(db_catalog(rq->app), advice, kind) != CONTENT_FOUND)
		return;
	if (strcmp(sb_str(kind), "zelfcheck-mantelzorg") == 0) {
		/* the sealed start of the carer path: like every URL of the check,
		 * it does not show for whom the check is (?voor=mantelzorg would) */
		struct sc_state start = {.path = SC_CARER, .change = -1};
		struct sb *u = arena_sb(&rq->arena, 256);
		*href = u && page_link(u, rq, "/zelfcheck?s=") &&
		                selfcheck_state_seal(rq->app, &start, u) && !sb_failed(u)
		            ? sb_str(u)
		            : NULL;
		*label = *href ? _("Doe de check 'Ik zorg voor iemand'") : NULL;
	} else if (strcmp(sb_str(kind), "mantelzorg") == 0) {
		*href = page_href(rq, "/mantelzorg");
		*label = _("Naar de pagina Mantelzorg");
	} else if (strcmp(sb_str(kind), "afspraak") == 0) {
		*href = book_href;
		*label = _("Maak een afspraak met de wijkwijzer");
	} else if (strcmp(sb_str(kind), "veilig-thuis") == 0 && !rq->kiosk) {
		/* Veilig Thuis has one national number; on a kiosk, which
		   cannot call, the number stays in the advice's text */
		*href = "tel:08002000";
		*label = _("Bel Veilig Thuis: 0800-2000 (gratis)");
	}
}

/* The titled texts of these advice ids (each that has one). */
static struct sc_texts advice_texts(struct request *rq, struct response *rs, const char (*ids)[65],
                                    size_t n, const char *book_href)
{
	struct sc_text *items = arena_alloc(&rq->arena, (n + 1) * sizeof(*items));
	size_t k = 0;
	struct sb *title = arena_sb(&rq->arena, SB_DEFAULT_LIMIT);
	/* a content text: as long as a page may be */
	struct sb *text = arena_sb(&rq->arena, SB_DEFAULT_LIMIT);
	if (!or_fail(rs, items && title && text))
		return (struct sc_texts){.items = items, .n = 0};
	for (size_t i = 0; i < n; i++) {
		sb_reset(title);
		sb_reset(text);
		if (content_sc_advice(db_catalog(rq->app), ids[i], NULL, title, text) ==
		    CONTENT_FOUND) {
			items[k] = (struct sc_text){.title = arena_text(rq, rs, title),
			                            .text = arena_text(rq, rs, text)};
			advice_link(rq, ids[i], book_href, &items[k].link_href,
			            &items[k].link_label);
			k++;
		}
	}
	return (struct sc_texts){.items = items, .n = k};
}

/* A titled text of the content (the carer's burden, "niets nodig"), as a
 * text of the request, or NULL. */
static const struct sc_text *found_text(struct request *rq, struct response *rs, struct sb *title,
                                        struct sb *text, bool found)
{
	struct sc_text *t = found ? arena_alloc(&rq->arena, sizeof(*t)) : NULL;
	if (found && or_fail(rs, t != NULL))
		*t = (struct sc_text){.title = arena_text(rq, rs, title),
		                      .text = arena_text(rq, rs, text)};
	return t;
}

/* The options of the needs: at most max services nearby per need, ones
 * not shown for a heavier need first; the hits point into parts (free
 * them with catalog_result_free). */
#define NEED_OPTIONS 2
struct options {
	struct catalog_result *parts;
	size_t nparts, maxparts;
	char (*shown)[65];
	size_t nshown, maxshown;
};

/* How many services per term are looked at: the nearest of each. */
#define NEED_CANDIDATES 16

/* A service found for a need: how many of its terms found it. */
struct candidate {
	const struct catalog_hit *hit;
	int terms;    /* the need's terms it was found for */
	size_t first; /* the first of them (the most specific come first) */
	size_t place; /* its place in that term's list (nearest first) */
	bool taken;
};

static bool candidate_before(const struct candidate *a, const struct candidate *b)
{
	if (a->terms != b->terms)
		return a->terms > b->terms;
	if (a->first != b->first)
		return a->first < b->first;
	return a->place < b->place;
}

static bool shown_before(const struct options *o, const char *id)
{
	for (size_t s = 0; s < o->nshown; s++)
		if (strcmp(o->shown[s], id) == 0)
			return true;
	return false;
}

/* Up to max options of a need: services that several of its terms find
 * first (a "maatje" is both company and support), then by the order of
 * the terms, then nearest first; a service shown for a heavier need only
 * when nothing else is found. */
static size_t need_options(struct request *rq, const struct sc_need *nd, const struct point *near,
                           struct options *o, size_t max, struct catalog_hit *out)
{
	size_t nc = 0;
	struct candidate *c =
	    arena_alloc(&rq->arena, (nd->nterms * NEED_CANDIDATES + 1) * sizeof(*c));
	if (!c)
		return 0;
	for (size_t t = 0; t < nd->nterms && o->nparts < o->maxparts; t++) {
		struct catalog_filter f;
		memset(&f, 0, sizeof(f));
		if (strncmp(nd->terms[t], "mz-", 3) == 0)
			f.function = nd->terms[t];
		else
			f.category = nd->terms[t];
		f.near = *near;
		f.lang = rq->lang->code;
		f.limit = NEED_CANDIDATES;
		f.now = clock_now();
		f.respite_notice_max = -1;
		struct catalog_result *r = &o->parts[o->nparts];
		if (!catalog_search(db_catalog(rq->app), &f, r))
			continue;
		o->nparts++;
		for (size_t h = 0; h < r->n && h < NEED_CANDIDATES; h++) {
			size_t i = 0;
			while (i < nc && strcmp(c[i].hit->id, r->hits[h].id) != 0)
				i++;
			if (i < nc) {
				c[i].terms++;
				continue;
			}
			c[nc++] = (struct candidate){
			    .hit = &r->hits[h], .terms = 1, .first = t, .place = h};
		}
	}
	size_t k = 0;
	while (k < max) {
		struct candidate *best = NULL;
		for (size_t i = 0; i < nc; i++)
			if (!c[i].taken && !shown_before(o, c[i].hit->id) &&
			    (!best || candidate_before(&c[i], best)))
				best = &c[i];
		if (!best)
			break;
		best->taken = true;
		out[k++] = *best->hit;
	}
	/* only options a heavier need has already: show the best again */
	if (k == 0) {
		struct candidate *best = NULL;
		for (size_t i = 0; i < nc; i++)
			if (!best || candidate_before(&c[i], best))
				best = &c[i];
		if (best)
			out[k++] = *best->hit;
	}
	for (size_t i = 0; i < k && o->nshown < o->maxshown; i++)
		snprintf(o->shown[o->nshown++], 65, "%s", out[i].id);
	return k;
}

/* More of a need in the search: its first term, and the sealed code, so
 * that the search knows the postcode without showing it. */
static const char *search_href(struct request *rq, const struct sc_need *nd, const char *code)
{
	if (nd->nterms == 0)
		return NULL;
	struct sb *u = arena_sb(&rq->arena, 512);
	if (!u)
		return NULL;
	bool fn = strncmp(nd->terms[0], "mz-", 3) == 0;
	bool ok = page_link(u, rq, fn ? "/voorzieningen?functie=" : "/voorzieningen?categorie=") &&
	          text_url_encode(u, nd->terms[0]) && sb_puts(u, "&zelfcheck=") &&
	          text_url_encode(u, code);
	return url_of(u, ok);
}

static const char *booking_topic(char path, const struct sc_outcome *oc)
{
	if (path == SC_CARER)
		return "mantelzorg";
	for (size_t i = 0; i < oc->nheavy_domains; i++) {
		if (strcmp(oc->heavy_domains[i], "geldzaken") == 0)
			return "geldzaken";
		if (strcmp(oc->heavy_domains[i], "wonen") == 0)
			return "wonen";
	}
	return oc->heavy ? "hulp-thuis" : "iets-anders";
}

static void bad_code(struct request *rq, struct response *rs)
{
	struct sc_bad_code_view v;
	rs->status = 400;
	if (!or_fail(rs, page_link_buf(v.restart_href, sizeof(v.restart_href), rq, "/zelfcheck")))
		return;
	if (page_begin(rs, rq, _("Zelfcheck"), 0) && tpl_selfcheck_bad_code(&rs->body, &v))
		page_end(rs, rq);
}

/* The anonymous counts of an advice shown (domain/insight.h): each need
 * raised, with the PC4 of the postcode the resident typed (pc: NULL when
 * there is none or it is not of the municipality; never a kiosk's
 * place), and, with a postcode, each need no option within 2 km
 * was found for (a "witte vlek"). Not the safety question's, and not
 * again for the printed receipt. near_found: per need, an option shown
 * lies within 2 km. */
static void count_needs(struct request *rq, const struct sc_outcome *oc, const char *pc,
                        const bool *near_found)
{
	if (rq->route && strcmp(rq->route->pattern, "/{lang}/zelfcheck/bon") == 0)
		return;
	char pc4[5] = "";
	if (pc && strlen(pc) >= 4 && isdigit((unsigned char)pc[0]) &&
	    isdigit((unsigned char)pc[1]) && isdigit((unsigned char)pc[2]) &&
	    isdigit((unsigned char)pc[3]))
		memcpy(pc4, pc, 4), pc4[4] = '\0';
	for (size_t i = 0; i < oc->nraised; i++) {
		const struct sc_need *nd = &oc->raised[i];
		if (nd->safety)
			continue;
		insight_count(INSIGHT_NEED, nd->advice, pc4);
		if (!pc4[0])
			continue;
		if (!near_found[i])
			insight_count(INSIGHT_GAP, nd->advice, pc4);
	}
}

void handle_selfcheck_result(struct request *rq, struct response *rs)
{
	const char *code = params_get(&rq->query, "c");
	struct kiosk_terminal kt;
	const char *terminal = request_kiosk(rq, &kt) ? kt.id : NULL;
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	rs->cache_control = "no-store";
	if (!selfcheck_code_parse(rq->app, code, &path, answers, sizeof(answers), pc, sizeof(pc))) {
		bad_code(rq, rs);
		return;
	}
	struct sc_outcome *oc = arena_alloc(&rq->arena, sizeof(*oc));
	if (!or_fail(rs, oc != NULL))
		return;
	selfcheck_evaluate(rq->app, path, answers, oc);
	struct point near;
	bool pc_known = result_point(rq, pc, terminal, &near);
	struct catalog *cat = db_catalog(rq->app);
	struct sc_result_view v = {
	    .lang = rq->lang->code,
	    .safety = oc->safety,
	    .other = path == SC_OTHER,
	    .heavy = oc->heavy,
	    .minor = oc->skipped + oc->unknown,
	    .near = near.set,
	    .heavy_domains = oc->nheavy_domains > 0,
	    .exit_href = kiosk_exit(rq),
	};
	struct sb *title = arena_sb(&rq->arena, SB_DEFAULT_LIMIT);
	/* a content text: as long as a page may be */
	struct sb *text = arena_sb(&rq->arena, SB_DEFAULT_LIMIT);
	if (!or_fail(rs, title && text))
		return;
	if (path == SC_CARER)
		v.carer = found_text(rq, rs, title, text,
		                     content_sc_carer_result(cat, oc->burden, title, text) ==
		                         CONTENT_FOUND);
	/* the booking link: the topic, the sealed code (with the postcode) */
	struct sb *url = arena_sb(&rq->arena, 512);
	if (or_fail(rs, url != NULL)) {
		page_link(url, rq, "/afspraak?onderwerp=");
		sb_puts(url, booking_topic(path, oc));
		sb_puts(url, "&zelfcheck=");
		text_url_encode(url, code);
		if (terminal) {
			/* on a kiosk: this wijkwijzer */
			sb_puts(url, "&locatie=");
			text_url_encode(url, kt.location);
		}
		v.book_href = url_of(url, true);
		v.callback_query = v.book_href ? strchr(v.book_href, '?') : NULL;
	}
	/* each raised need, heaviest first, with one or two options */
	struct sc_need_view *needs = arena_alloc(&rq->arena, (oc->nraised + 1) * sizeof(*needs));
	struct options opt = {
	    .maxparts = oc->nraised * SC_NEED_TERMS,
	    .maxshown = oc->nraised * NEED_OPTIONS,
	};
	opt.parts = arena_alloc(&rq->arena, (opt.maxparts + 1) * sizeof(*opt.parts));
	opt.shown = arena_alloc(&rq->arena, (opt.maxshown + 1) * sizeof(*opt.shown));
	struct catalog_hit *hits =
	    arena_alloc(&rq->arena, (oc->nraised * NEED_OPTIONS + 1) * sizeof(*hits));
	struct c_result **items = arena_alloc(&rq->arena, (oc->nraised + 1) * sizeof(*items));
	bool *near_found = arena_alloc(&rq->arena, (oc->nraised + 1) * sizeof(*near_found));
	if (!or_fail(rs, needs && opt.parts && opt.shown && hits && items && near_found))
		return;
	memset(near_found, 0, (oc->nraised + 1) * sizeof(*near_found));
	for (size_t i = 0; i < oc->nraised; i++) {
		const struct sc_need *nd = &oc->raised[i];
		struct sc_need_view *nv = &needs[v.nneeds];
		memset(nv, 0, sizeof(*nv));
		items[i] = NULL;
		sb_reset(title);
		sb_reset(text);
		if (content_sc_advice(cat, nd->advice, NULL, title, text) != CONTENT_FOUND)
			continue;
		nv->title = arena_text(rq, rs, title);
		nv->text = arena_text(rq, rs, text);
		nv->anchor = arena_printf(&rq->arena, "behoefte-%zu", v.nneeds + 1);
		nv->safety = nd->safety;
		advice_link(rq, nd->advice, v.book_href, &nv->link_href, &nv->link_label);
		nv->more = advice_texts(rq, rs, nd->more, nd->nmore, v.book_href);
		struct catalog_hit *mine = &hits[i * NEED_OPTIONS];
		/* two options for the needs of the summary, one for the lighter ones */
		size_t k =
		    need_options(rq, nd, &near, &opt, i < SC_MAX_STEPS ? NEED_OPTIONS : 1, mine);
		for (size_t h = 0; h < k; h++)
			if (mine[h].has_distance && mine[h].distance_m <= 2000.0)
				near_found[i] = true;
		if (k) {
			items[i] =
			    results_view(rq, &(struct catalog_result){.hits = mine, .n = k}, 4);
			if (or_fail(rs, items[i] != NULL))
				nv->options = (struct c_results){.items = items[i], .n = k};
		}
		nv->search_href = search_href(rq, nd, code);
		if (v.nsteps < SC_MAX_STEPS) {
			const char *href = arena_printf(&rq->arena, "#%s", nv->anchor);
			v.steps[v.nsteps++] = (struct sc_step){.title = nv->title, .href = href};
		}
		v.nneeds++;
	}
	v.needs = needs;
	count_needs(rq, oc, pc_known ? pc : NULL, near_found);
	v.fine = advice_texts(rq, rs, oc->fine, oc->nfine, v.book_href);
	sb_reset(title);
	sb_reset(text);
	if (oc->nadvice == 0 || (!oc->heavy && !oc->nneeds))
		v.nothing = found_text(rq, rs, title, text,
		                       content_sc_advice(cat, "niets-nodig", NULL, title, text) ==
		                           CONTENT_FOUND);
	/* always a concrete next step: the wijkwijzer */
	sb_reset(text);
	if (content_sc_advice(cat, oc->heavy ? "wijkwijzer-gesprek" : "samen-uitzoeken", NULL, NULL,
	                      text) == CONTENT_FOUND)
		v.talk_text = arena_text(rq, rs, text);
	const char **questions = arena_alloc(&rq->arena, (oc->nheavy_domains + 1) * sizeof(char *));
	for (size_t i = 0; or_fail(rs, questions != NULL) && i < oc->nheavy_domains; i++) {
		sb_reset(text);
		if (content_sc_domain_question(cat, oc->heavy_domains[i], path == SC_OTHER, text) ==
		    CONTENT_FOUND)
			questions[v.ndomain_questions++] = arena_text(rq, rs, text);
	}
	v.domain_questions = questions;
	/* the receipt: the summary's steps (safety first) and the first
	   place of each need, at most three */
	bool receipt = rq->route && strcmp(rq->route->pattern, "/{lang}/zelfcheck/bon") == 0;
	for (size_t i = 0; i < v.nneeds && v.nplaces < SC_RECEIPT_PLACES; i++)
		if (v.needs[i].options.n)
			v.places[v.nplaces++] = v.needs[i].options.items[0];
	v.can_print = !terminal || kt.printer;
	struct sb *back = arena_sb(&rq->arena, 512);
	if (or_fail(rs, back != NULL)) {
		page_link(back, rq, "/zelfcheck/uitslag?c=");
		text_url_encode(back, code);
		if (or_fail(rs, !sb_failed(back))) {
			if (terminal && kt.printer)
				v.receipt_href =
				    arena_printf(&rq->arena, "/%s/zelfcheck/bon?c=%s",
				                 rq->lang->code, strchr(sb_str(back), '=') + 1);
		}
	}
	/* take it with you */
	struct sb *link = arena_sb(&rq->arena, 512);
	if (or_fail(rs, link != NULL)) {
		public_base(rq, link);
		page_link(link, rq, "/zelfcheck/uitslag?c=");
		text_url_encode(link, code);
		or_fail(rs, !sb_failed(link) &&
		                page_qr(&v.qr, rq, sb_str(link),
		                        _("QR-code met de link naar uw advies"),
		                        receipt ? _("Scan de code met uw telefoon. Dan ziet u "
		                                    "uw hele advies.")
		                                : NULL));
	}
	if (receipt) {
		if (or_fail(rs, back && !sb_failed(back)) &&
		    page_begin(rs, rq, _("Uw advies"), PAGE_RECEIPT) &&
		    tpl_selfcheck_receipt(&rs->body, &v) &&
		    tpl_receipt_back(&rs->body, sb_str(back)))
			page_end(rs, rq);
	} else if (or_fail(rs, v.book_href != NULL) && page_begin(rs, rq, _("Uw advies"), 0) &&
	           tpl_selfcheck_result(&rs->body, &v)) {
		page_end(rs, rq);
	}
	for (size_t i = 0; i < oc->nraised; i++)
		free(items[i]);
	for (size_t i = 0; i < opt.nparts; i++)
		catalog_result_free(&opt.parts[i]);
}
