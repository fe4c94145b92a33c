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
 * the history, and the quick exit replaces that one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "net/csrf.h"
#include "exec/db.h"
#include "base/app.h"
#include "store/catalog.h"
#include "store/content.h"
#include "base/geo.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/kiosk.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "net/route.h"
#include "domain/selfcheck.h"
#include "base/text.h"

/* A neutral page for the quick exit of the safety question. */
#define QUICK_EXIT_URL "https://www.buienradar.nl/"

/* The postcode form (its CSRF token is bound to the route). */
#define FORM_POSTCODE "/{lang}/zelfcheck"
/* The longest postcode field read (the input takes 12 characters). */
#define POSTCODE_INPUT_MAX 32

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

static const char *answer_label(char a, bool other)
{
	switch (a) {
	case SC_ZELF:
		return other ? _("Dat lukt hem of haar zelf") : _("Dat lukt me zelf");
	case SC_NETWERK:
		return other ? _("Dat lukt met hulp van mensen om hem of haar heen")
		             : _("Dat lukt met hulp van mensen om me heen");
	case SC_NIET:
		return _("Dat lukt niet of moeilijk");
	case SC_JA:
		return _("Ja");
	case SC_NEE:
		return _("Nee");
	case SC_SOMS:
		return _("Soms");
	case SC_VAAK:
		return _("Vaak of altijd");
	case SC_WEETNIET:
		return _("Weet ik niet");
	case SC_SKIP:
		return _("Overgeslagen");
	default:
		return "";
	}
}

static void intro(struct request *rq, struct response *rs)
{
	struct sb *o = &rs->body;
	html_fmt(o,
	         "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<ul class=\"plain "
	         "facts-list\">\n<li>%s</li>\n<li>%s</li>\n<li>%s</li>\n<li>%s</li>\n</ul>\n",
	         _("Zelfcheck: wat kan u helpen?"),
	         _("Met een paar korte vragen ziet u wat u kan helpen in uw dagelijks leven. Eerst "
	           "wat u "
	           "zelf kunt doen, dan wat er in de buurt is."),
	         _("Het duurt ongeveer vijf minuten."),
	         _("Bij elke vraag mag u 'Weet ik niet' kiezen of de vraag overslaan."),
	         _("We bewaren uw antwoorden niet. Alleen u ziet ze."),
	         _("Dit is geen aanvraag. U krijgt advies, geen besluit."));
	html_fmt(o, "<h2>%s</h2>\n<ul class=\"choice-list big\">\n",
	         _("Voor wie doet u de zelfcheck?"));
	const struct {
		char path;
		const char *title, *detail;
	} paths[] = {
	    {SC_SELF, _("Voor mezelf"), _("Het gaat over uw eigen dagelijks leven.")},
	    {SC_OTHER, _("Voor iemand anders"),
	     _("U vult het in voor bijvoorbeeld uw vader, moeder of buurvrouw.")},
	    {SC_CARER, _("Ik zorg voor iemand"),
	     _("U bent mantelzorger en wilt weten hoe het met u gaat.")},
	};
	struct sb url;
	sb_init(&url, 256);
	for (size_t i = 0; i < 3; i++) {
		struct sc_state start;
		memset(&start, 0, sizeof(start));
		start.path = paths[i].path;
		start.change = -1;
		sb_reset(&url);
		if (!state_url(&url, rq, rs, &start, "", -1))
			break;
		html_fmt(o,
		         "<li><a class=\"choice\" href=\"%s\" data-replace><span "
		         "class=\"choice-title\">%s</span><span "
		         "class=\"choice-detail\">%s</span></a></li>\n",
		         sb_str(&url), paths[i].title, paths[i].detail);
	}
	html_raw(o, "</ul>\n");
	sb_free(&url);
}

/* A state that does not open or does not fit the questions: start again. */
static void restart(struct request *rq, struct response *rs)
{
	html_fmt(&rs->body, "<p class=\"notice\">%s</p>\n",
	         _("Deze link klopt niet helemaal. Begin gerust opnieuw: het duurt maar "
	           "een paar minuten."));
	intro(rq, rs);
}

static void ask_postcode(struct request *rq, struct response *rs, const struct sc_state *s)
{
	struct sb *o = &rs->body;
	html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", _("Wat is uw postcode?"),
	         _("Dan laten we zien wat er bij u in de buurt is. Dit mag u overslaan."));
	struct sb url, state;
	sb_init(&url, 256);
	sb_init(&state, SC_SEALED_MAX);
	/* posted, so the postcode never shows in a URL */
	page_link(&url, rq, "/zelfcheck");
	html_fmt(o, "<form method=\"post\" action=\"%s\" data-replace>\n", sb_str(&url));
	or_fail(rs, csrf_field(o, rq, FORM_POSTCODE));
	if (or_fail(rs, selfcheck_state_seal(rq->app, s, &state)))
		html_fmt(o, "<input type=\"hidden\" name=\"s\" value=\"%s\">\n", sb_str(&state));
	html_fmt(o,
	         "<div class=\"field\"><label for=\"f-pc\">%s</label><p class=\"hint\" "
	         "id=\"f-pc-hint\">%s</p>"
	         "<input type=\"text\" id=\"f-pc\" name=\"pc\" maxlength=\"12\" "
	         "autocomplete=\"postal-code\" class=\"ltr input-short\" "
	         "aria-describedby=\"f-pc-hint\"></div>\n",
	         _("Uw postcode"), _("Bijvoorbeeld 7511 AB, of alleen de cijfers."));
	html_fmt(o, "<p class=\"button-row\"><button type=\"submit\">%s</button>", _("Verder"));
	struct sc_state skip = *s;
	skip.postcode_asked = true;
	skip.postcode[0] = '\0';
	sb_reset(&url);
	if (state_url(&url, rq, rs, &skip, s->answers, -1))
		html_fmt(
		    o,
		    " <a class=\"button secondary\" href=\"%s\" data-replace>%s</a></p>\n</form>\n",
		    sb_str(&url), _("Sla over"));
	sb_free(&state);
	sb_free(&url);
}

static void quick_exit_button(struct sb *o)
{
	html_fmt(o,
	         "<p class=\"quick-exit no-print\"><a class=\"button danger\" href=\"%s\" "
	         "rel=\"noreferrer\" data-quick-exit>%s</a></p>\n",
	         QUICK_EXIT_URL, _("Snel weg van deze pagina"));
}

static void ask_question(struct request *rq, struct response *rs, const struct sc_state *s,
                         const struct sc_question *q, size_t n, size_t index)
{
	struct sb *o = &rs->body;
	const struct sc_question *cur = &q[index];
	bool other = s->path == SC_OTHER;
	if (strcmp(cur->domain, "veiligheid") == 0)
		quick_exit_button(o);
	html_raw(o, "<p class=\"step-count\">");
	/* TRANSLATORS: progress: "Vraag 3 van 9" */
	html_textf(o, _("Vraag %1$zu van %2$zu"), index + 1, n);
	html_fmt(o, "</p>\n<progress max=\"%zu\" value=\"%zu\" aria-hidden=\"true\"></progress>\n",
	         n, index);
	if (other)
		html_fmt(o, "<p class=\"hint\">%s</p>\n",
		         _("U vult dit in voor iemand anders. De vragen gaan over die persoon."));
	html_raw(o, "<h1 class=\"question\">");
	content_text(o, rq, other && *cur->text_other ? cur->text_other : cur->text_self);
	html_raw(o, "</h1>\n");
	if (*cur->help) {
		html_raw(o, "<p class=\"hint\">");
		content_text(o, rq, cur->help);
		html_raw(o, "</p>\n");
	}
	/* the answers: links that carry the new state */
	struct sb url, ans;
	sb_init(&url, 512);
	sb_init(&ans, 64);
	const char *options = selfcheck_answers_of(cur->answer_set);
	char all[16];
	snprintf(all, sizeof(all), "%s%c%c", options, SC_WEETNIET, SC_SKIP);
	html_raw(o, "<ul class=\"answers\">\n");
	for (const char *a = all; *a; a++) {
		sb_reset(&url);
		sb_reset(&ans);
		if (s->change >= 0) {
			sb_puts(&ans, s->answers);
			ans.data[index] = *a;
		} else {
			sb_append(&ans, s->answers, index);
			sb_putc(&ans, *a);
		}
		if (!or_fail(rs, !sb_failed(&ans)) || !state_url(&url, rq, rs, s, sb_str(&ans), -1))
			break;
		bool minor = *a == SC_WEETNIET || *a == SC_SKIP;
		html_fmt(o, "<li><a class=\"answer%s\" href=\"%s\" data-replace>%s</a></li>\n",
		         minor ? " minor" : "", sb_str(&url),
		         *a == SC_SKIP ? _("Sla deze vraag over") : answer_label(*a, other));
	}
	html_raw(o, "</ul>\n");
	sb_reset(&url);
	if (s->change >= 0) {
		if (state_url(&url, rq, rs, s, s->answers, -1))
			html_fmt(o, "<p><a href=\"%s\" data-replace>%s</a></p>\n", sb_str(&url),
			         _("Terug naar het overzicht"));
	} else if (index > 0) {
		sb_reset(&ans);
		sb_append(&ans, s->answers, index - 1);
		if (state_url(&url, rq, rs, s, sb_str(&ans), -1))
			html_fmt(o, "<p><a href=\"%s\" data-replace>%s</a></p>\n", sb_str(&url),
			         _("Vorige vraag"));
	} else {
		page_link(&url, rq, "/zelfcheck");
		html_fmt(o, "<p><a href=\"%s\" data-replace>%s</a></p>\n", sb_str(&url),
		         _("Terug naar het begin"));
	}
	sb_free(&url);
	sb_free(&ans);
}

static void check_answers(struct request *rq, struct response *rs, const struct sc_state *s,
                          const struct sc_question *q, size_t n)
{
	struct sb *o = &rs->body;
	bool other = s->path == SC_OTHER;
	html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<dl class=\"check-answers\">\n",
	         _("Kloppen uw antwoorden?"),
	         _("Kijk ze nog even na. U kunt elk antwoord veranderen."));
	struct sb url;
	sb_init(&url, 512);
	for (size_t i = 0; i < n; i++) {
		html_raw(o, "<div><dt>");
		content_text(o, rq, other && *q[i].text_other ? q[i].text_other : q[i].text_self);
		html_fmt(o, "</dt><dd>%s</dd>", answer_label(s->answers[i], other));
		sb_reset(&url);
		if (!state_url(&url, rq, rs, s, s->answers, (long)i))
			break;
		html_fmt(o,
		         "<dd class=\"change\"><a href=\"%s\" data-replace>%s<span "
		         "class=\"visually-hidden\"> ",
		         sb_str(&url), _("Wijzig"));
		html_textf(o, _("vraag %zu"), i + 1);
		html_raw(o, "</span></a></dd></div>\n");
	}
	html_raw(o, "</dl>\n");
	struct sb code;
	sb_init(&code, SC_SEALED_MAX);
	if (or_fail(rs, selfcheck_code_make(rq->app, s->path, s->answers, s->postcode, &code))) {
		sb_reset(&url);
		page_link(&url, rq, "/zelfcheck/uitslag?c=");
		text_url_encode(&url, sb_str(&code));
		html_fmt(o, "<p><a class=\"button big\" href=\"%s\" data-replace>%s</a></p>\n",
		         sb_str(&url), _("Bekijk uw advies"));
	}
	sb_free(&code);
	sb_free(&url);
}

void handle_selfcheck(struct request *rq, struct response *rs)
{
	struct kiosk_terminal kt;
	const char *terminal = request_kiosk(rq, &kt) ? kt.id : NULL;
	rs->cache_control = "no-store";
	const char *sealed = params_get(&rq->query, "s");
	page_begin(rs, rq, _("Zelfcheck"), 0);
	struct sc_state s;
	if (!sealed) {
		intro(rq, rs);
		goto out;
	}
	if (!selfcheck_state_open(rq->app, sealed, &s)) {
		restart(rq, rs);
		goto out;
	}
	struct sc_question qs[SC_MAX_QUESTIONS];
	size_t n = selfcheck_questions(rq->app, s.path, qs, SC_MAX_QUESTIONS);
	size_t answered = strlen(s.answers);
	if (n == 0 || !selfcheck_answers_valid(qs, n, s.answers, false)) {
		restart(rq, rs);
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
		restart(rq, rs);
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
	struct sb url;
	sb_init(&url, 512);
	if (state_url(&url, rq, rs, &s, s.answers, s.change))
		or_fail(rs, response_redirect(rs, 303, sb_str(&url)));
	sb_free(&url);
}

/* The place for nearness: the postcode in the code, else the kiosk's own
 * location. */
static void result_point(struct request *rq, const char *pc, const char *terminal, struct point *p)
{
	memset(p, 0, sizeof(*p));
	if (pc && *pc && catalog_locate(db_catalog(rq->app), pc, NULL, NULL, p) == PLACE_FOUND)
		return;
	if (!terminal)
		return;
	/* not found (or failed): no point, the results are for all of Enschede */
	(void)content_terminal_point(db_catalog(rq->app), terminal, p);
}

static void advice_group(struct request *rq, struct sb *o, const struct sc_outcome *oc,
                         const char *level, const char *heading)
{
	bool any = false;
	struct sb title, text;
	sb_init(&title, SB_DEFAULT_LIMIT);
	sb_init(&text, SB_DEFAULT_LIMIT); /* a content text: as long as a page may be */
	for (size_t i = 0; i < oc->nadvice; i++) {
		sb_reset(&title);
		sb_reset(&text);
		if (content_sc_advice(db_catalog(rq->app), oc->advice[i], level, &title, &text) ==
		    CONTENT_FOUND) {
			if (!any)
				html_fmt(o, "<section class=\"advice advice-%s\">\n<h2>%s</h2>\n",
				         level, heading);
			any = true;
			html_raw(o, "<div class=\"advice-item\"><h3>");
			content_text(o, rq, sb_str(&title));
			html_raw(o, "</h3><p>");
			content_text(o, rq, sb_str(&text));
			html_raw(o, "</p></div>\n");
		}
	}
	sb_free(&title);
	sb_free(&text);
	if (any && strcmp(level, "algemeen") != 0)
		html_raw(o, "</section>\n");
}

/* Nearby services for the needs; each service once. */
static void nearby(struct request *rq, struct sb *o, const struct sc_outcome *oc,
                   const struct point *near)
{
	struct catalog_result all;
	memset(&all, 0, sizeof(all));
	char seen[128][65];
	size_t nseen = 0;
	struct catalog_hit hits[12];
	size_t nh = 0;
	struct catalog_result parts[SC_MAX_ITEMS];
	size_t nparts = 0;
	for (size_t i = 0; i < oc->nneeds && nh < 12; i++) {
		struct catalog_filter f;
		memset(&f, 0, sizeof(f));
		if (strncmp(oc->needs[i], "mz-", 3) == 0)
			f.function = oc->needs[i];
		else
			f.category = oc->needs[i];
		f.near = *near;
		f.lang = rq->lang->code;
		f.limit = 3;
		f.now = clock_now();
		f.respite_notice_max = -1;
		struct catalog_result *r = &parts[nparts];
		if (!catalog_search(db_catalog(rq->app), &f, r))
			continue;
		nparts++;
		for (size_t k = 0; k < r->n && nh < 12; k++) {
			bool dup = false;
			for (size_t s = 0; s < nseen; s++)
				dup |= strcmp(seen[s], r->hits[k].id) == 0;
			if (dup)
				continue;
			snprintf(seen[nseen++], 65, "%s", r->hits[k].id);
			hits[nh++] = r->hits[k];
		}
	}
	if (nh) {
		html_fmt(o, "<h3>%s</h3>\n", near->set ? _("Dichtbij u") : _("In Enschede"));
		all.hits = hits;
		all.n = nh;
		render_hits(o, rq, &all, "h4");
	}
	for (size_t i = 0; i < nparts; i++)
		catalog_result_free(&parts[i]);
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

void handle_selfcheck_result(struct request *rq, struct response *rs)
{
	const char *code = params_get(&rq->query, "c");
	struct kiosk_terminal kt;
	const char *terminal = request_kiosk(rq, &kt) ? kt.id : NULL;
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	rs->cache_control = "no-store";
	if (!selfcheck_code_parse(rq->app, code, &path, answers, sizeof(answers), pc, sizeof(pc))) {
		struct sb url;
		sb_init(&url, 128);
		page_link(&url, rq, "/zelfcheck");
		rs->status = 400;
		page_begin(rs, rq, _("Zelfcheck"), 0);
		html_fmt(&rs->body,
		         "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<p><a class=\"button\" "
		         "href=\"%s\">%s</a></p>\n",
		         _("Deze uitslag kunnen we niet lezen"),
		         _("De link is niet compleet of is veranderd. Dat is niet erg: doe de "
		           "zelfcheck gewoon "
		           "opnieuw. Het duurt maar een paar minuten."),
		         sb_str(&url), _("Opnieuw beginnen"));
		page_end(rs, rq);
		sb_free(&url);
		return;
	}
	struct sc_outcome oc;
	selfcheck_evaluate(rq->app, path, answers, &oc);
	struct point near;
	result_point(rq, pc, terminal, &near);
	struct sb *o = &rs->body;
	page_begin(rs, rq, _("Uw advies"), 0);
	if (oc.safety)
		quick_exit_button(o);
	html_fmt(
	    o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", _("Uw advies"),
	    _("Dit is wat u kan helpen, het lichtste eerst. Het is een advies, geen besluit."));
	if (path == SC_OTHER)
		html_fmt(
		    o, "<p class=\"hint\">%s</p>\n",
		    _("Waar 'u' staat, gaat het over de persoon voor wie u de zelfcheck invulde."));
	if (oc.skipped || oc.unknown) {
		html_raw(o, "<p class=\"hint\">");
		html_textf(o,
		           NG_("U heeft %d vraag overgeslagen of met 'weet ik niet' beantwoord.",
		               "U heeft %d vragen overgeslagen of met 'weet ik niet' beantwoord.",
		               oc.skipped + oc.unknown),
		           oc.skipped + oc.unknown);
		html_raw(o, "</p>\n");
	}
	if (oc.safety) {
		advice_group(rq, o, &oc, "veilig", _("Uw veiligheid gaat voor"));
	}
	struct sb title, text;
	sb_init(&title, SB_DEFAULT_LIMIT);
	sb_init(&text, SB_DEFAULT_LIMIT); /* a content text: as long as a page may be */
	if (path == SC_CARER && content_sc_carer_result(db_catalog(rq->app), oc.burden, &title,
	                                                &text) == CONTENT_FOUND) {
		html_raw(o, "<section class=\"carer-result\"><h2>");
		content_text(o, rq, sb_str(&title));
		html_raw(o, "</h2><p>");
		content_text(o, rq, sb_str(&text));
		html_raw(o, "</p></section>\n");
	}
	advice_group(rq, o, &oc, "eigen-kracht", _("Wat u zelf kunt doen"));
	advice_group(rq, o, &oc, "netwerk", _("Wie om u heen kan helpen"));
	advice_group(rq, o, &oc, "algemeen", _("Wat er in de buurt is"));
	bool had_general = false;
	for (size_t i = 0; i < oc.nadvice; i++)
		had_general |= content_sc_advice(db_catalog(rq->app), oc.advice[i], "algemeen",
		                                 NULL, NULL) == CONTENT_FOUND;
	if (oc.nneeds) {
		if (!had_general)
			html_fmt(o, "<section class=\"advice advice-algemeen\">\n<h2>%s</h2>\n",
			         _("Wat er in de buurt is"));
		nearby(rq, o, &oc, &near);
		had_general = true;
	}
	if (had_general)
		html_raw(o, "</section>\n");
	advice_group(rq, o, &oc, "collectief", _("Regelingen die u kunt gebruiken"));
	sb_reset(&title);
	sb_reset(&text);
	if ((oc.nadvice == 0 || (!oc.heavy && !oc.nneeds)) &&
	    content_sc_advice(db_catalog(rq->app), "niets-nodig", NULL, &title, &text) ==
	        CONTENT_FOUND) {
		html_raw(o, "<section class=\"advice\"><h2>");
		content_text(o, rq, sb_str(&title));
		html_raw(o, "</h2><p>");
		content_text(o, rq, sb_str(&text));
		html_raw(o, "</p></section>\n");
	}
	/* always a concrete next step: the wijkwijzer */
	struct sb url;
	sb_init(&url, 512);
	html_fmt(o, "<section class=\"advice advice-wijkwijzer\">\n<h2>%s</h2>\n",
	         oc.heavy ? _("Praat met de wijkwijzer") : _("Wilt u er toch over praten?"));
	sb_reset(&text);
	if (content_sc_advice(db_catalog(rq->app),
	                      oc.heavy ? "wijkwijzer-gesprek" : "samen-uitzoeken", NULL, NULL,
	                      &text) == CONTENT_FOUND) {
		html_raw(o, "<p>");
		content_text(o, rq, sb_str(&text));
		html_raw(o, "</p>\n");
	}
	if (oc.nheavy_domains) {
		html_fmt(o, "<p>%s</p>\n<ul>\n",
		         _("Vertel bij de wijkwijzer in elk geval wat niet meer goed lukt:"));
		for (size_t i = 0; i < oc.nheavy_domains; i++) {
			sb_reset(&text);
			if (content_sc_domain_question(db_catalog(rq->app), oc.heavy_domains[i],
			                               path == SC_OTHER, &text) == CONTENT_FOUND) {
				html_raw(o, "<li>");
				content_text(o, rq, sb_str(&text));
				html_raw(o, "</li>\n");
			}
		}
		html_raw(o, "</ul>\n");
	}
	page_link(&url, rq, "/afspraak?onderwerp=");
	sb_puts(&url, booking_topic(path, &oc));
	sb_puts(&url, "&zelfcheck=");
	text_url_encode(&url, code);
	if (terminal) {
		/* on a kiosk: this wijkwijzer */
		sb_puts(&url, "&locatie=");
		text_url_encode(&url, kt.location);
	}
	html_fmt(
	    o, "<p class=\"no-print\"><a class=\"button big\" href=\"%s\">%s</a></p>\n</section>\n",
	    sb_str(&url), _("Maak een afspraak met de wijkwijzer"));

	/* take it with you */
	sb_reset(&url);
	public_base(rq, &url);
	page_link(&url, rq, "/zelfcheck/uitslag?c=");
	text_url_encode(&url, code);
	html_fmt(o, "<section class=\"take-home\">\n<h2>%s</h2>\n<p>%s</p>\n",
	         _("Neem uw advies mee"),
	         _("Scan de code met uw telefoon, of print deze pagina. We bewaren niets: de "
	           "uitslag zit "
	           "alleen in de link."));
	page_qr(o, rq, sb_str(&url), _("QR-code met de link naar uw advies"), NULL);
	html_fmt(o,
	         "<p class=\"no-print\"><button type=\"button\" class=\"secondary\" data-print "
	         "hidden>%s</button></p>\n",
	         _("Printen"));
	html_raw(o, "</section>\n");
	html_fmt(o, "<p class=\"disclaimer\">%s</p>\n",
	         _("Aan dit advies kunt u geen rechten ontlenen. Het is bedoeld om u op weg te "
	           "helpen en om "
	           "het gesprek met de wijkwijzer voor te bereiden."));
	sb_free(&url);
	sb_free(&title);
	sb_free(&text);
	page_end(rs, rq);
}
