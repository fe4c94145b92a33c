/* staff_insight: the beheerder's view of the anonymous counts
 * (domain/insight.h): GET /{lang}/medewerker/inzicht, a chart and a table
 * per section, and GET /medewerker/inzicht.csv with the same cells.
 * Rules of what is shown, in one place with insight_cell: every number is
 * one cell summed over the period (never a total over rows), 1 to 9 is
 * "< 10" and has no bar; a search text seen fewer than 10 times is not
 * shown at all (its text could be a name), only how many there were.
 * GET /api/v1/insight gives the same cells as JSON, to a beheerder's
 * session only.
 * Example counts (--insight-example) are shown only while there are no
 * real ones, with a notice; the two are never added together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/html.h"
#include "base/i18n.h"
#include "domain/insight.h"
#include "exec/db.h"
#include "store/content.h"
#include "web/handlers.h"
#include "web/page.h"
#include "web/staff.h"
#include "web/templates.h"
#include "web/views_st.h"

static const int periods[] = {4, 13, 52};

static int period_of(struct request *rq)
{
	const char *w = params_get(&rq->query, "weken");
	for (size_t i = 0; w && i < sizeof(periods) / sizeof(periods[0]); i++)
		if (atoi(w) == periods[i])
			return periods[i];
	return 13;
}

struct section_def {
	const char *metric, *id;
	const char *title, *intro, *key_head, *sub_head;
	bool rare_hidden; /* search texts: cells under 10 are left out */
};

static const struct section_def sections[] = {
    {INSIGHT_NEED, "hulpvragen", N_("Hulpvragen per wijk"),
     N_("Welke hulp inwoners nodig hebben volgens de zelfcheck, per postcodegebied (4 cijfers). "
        "Zonder postcode staat er \"geen postcode\"."),
     N_("Hulpvraag"), N_("Postcode"), false},
    {INSIGHT_GAP, "witte-vlekken", N_("Witte vlekken: geen aanbod binnen 2 km"),
     N_("Hulpvragen waarvoor de zelfcheck geen aanbod vond binnen 2 km van de postcode."),
     N_("Hulpvraag"), N_("Postcode"), false},
    {INSIGHT_SEARCH_NONE, "zoeken", N_("Zoekvragen zonder resultaat"),
     N_("Waar inwoners naar zochten zonder iets te vinden. Alleen zoekvragen die 10 keer of "
        "vaker voorkwamen staan hier."),
     N_("Zoekvraag"), NULL, true},
    {INSIGHT_BOOKING, "afspraken", N_("Afspraken per onderwerp"),
     N_("Gemaakte afspraken, via de website of een kiosk."), N_("Onderwerp"), N_("Via"), false},
    {INSIGHT_BOOKING_NEED, "tolk", N_("Tolk en cliëntondersteuner"),
     N_("Afspraken waarbij een tolk of een cliëntondersteuner werd gevraagd."), N_("Gevraagd"),
     N_("Via"), false},
    {INSIGHT_NO_SHOW, "niet-gekomen", N_("Niet gekomen"),
     N_("Afspraken waarbij de inwoner niet kwam, in de week van de afspraak."), N_("Onderwerp"),
     NULL, false},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

/* A key in words: a need's advice title, a topic's name, a word. */
static const char *key_words(struct request *rq, const char *metric, const char *key)
{
	struct catalog *cat = db_catalog(rq->app);
	if (strcmp(metric, INSIGHT_NEED) == 0 || strcmp(metric, INSIGHT_GAP) == 0) {
		struct sb *t = arena_sb(&rq->arena, 512);
		if (t && content_sc_advice(cat, key, NULL, t, NULL) == CONTENT_FOUND &&
		    !sb_failed(t))
			return arena_strdup(&rq->arena, sb_str(t));
	} else if (strcmp(metric, INSIGHT_BOOKING) == 0 || strcmp(metric, INSIGHT_NO_SHOW) == 0) {
		struct content_topic tp;
		memset(&tp, 0, sizeof(tp));
		if (content_ap_topic(cat, key, &tp) == CONTENT_FOUND) {
			const char *n = arena_strdup(&rq->arena, tp.name);
			content_topic_free(&tp);
			return n;
		}
		content_topic_free(&tp);
	} else if (strcmp(metric, INSIGHT_BOOKING_NEED) == 0) {
		if (strcmp(key, "interpreter") == 0)
			return _("Tolk");
		if (strcmp(key, "client_support") == 0)
			return _("Cliëntondersteuner");
	}
	return arena_strdup(&rq->arena, key);
}

static const char *sub_words(const struct section_def *d, const char *sub)
{
	if (!d->sub_head)
		return NULL;
	if (strcmp(sub, "kiosk") == 0)
		return _("kiosk");
	if (strcmp(sub, "web") == 0)
		return _("website");
	if (!*sub)
		return _("geen postcode");
	return sub;
}

/* The rows of one section as shown; false on failure. */
static bool build_section(struct request *rq, const struct section_def *d, int weeks, bool example,
                          struct insight_section_view *sv)
{
	struct insight_row *rows;
	size_t n;
	if (!insight_rows(rq->app, d->metric, weeks, clock_now(), example, &rows, &n))
		return false;
	struct insight_bar *bars = arena_alloc(&rq->arena, (n + 1) * sizeof(*bars));
	if (!bars) {
		free(rows);
		return false;
	}
	long max = 1;
	for (size_t i = 0; i < n; i++)
		if (insight_exact(rows[i].n) && rows[i].n > max)
			max = rows[i].n;
	size_t shown = 0, hidden = 0;
	bool ok = true;
	size_t beyond = 0; /* rows the page leaves to the CSV */
	for (size_t i = 0; i < n && ok; i++) {
		if (d->rare_hidden && !insight_exact(rows[i].n)) {
			hidden++;
			continue;
		}
		if (shown == INSIGHT_TABLE_MAX) {
			beyond++;
			continue;
		}
		char cell[24];
		struct insight_bar *b = &bars[shown];
		b->label = key_words(rq, d->metric, rows[i].key);
		/* rows are freed below: the sub is copied */
		const char *sub = sub_words(d, rows[i].sub);
		b->sub = sub ? arena_strdup(&rq->arena, sub) : NULL;
		b->value = arena_strdup(&rq->arena, insight_cell(rows[i].n, cell, sizeof(cell)));
		b->exact = insight_exact(rows[i].n);
		b->width = b->exact ? rows[i].n * INSIGHT_BAR_MAX / max : 0;
		if (b->exact && b->width < 1)
			b->width = 1;
		ok = b->label && b->value && (b->sub || !sub);
		shown++;
	}
	free(rows);
	if (!ok)
		return false;
	size_t nchart = shown < 10 ? shown : 10;
	for (size_t i = 0; i < nchart; i++)
		bars[i].y = (long)i * 40;
	*sv = (struct insight_section_view){
	    .id = d->id,
	    .title = _(d->title),
	    .intro = _(d->intro),
	    .key_head = _(d->key_head),
	    .sub_head = d->sub_head ? _(d->sub_head) : NULL,
	    .rows = bars,
	    .nrows = shown,
	    .nchart = nchart,
	    .chart_height = (long)nchart * 40 + 8,
	    .caption = _(d->title),
	    .chart_name = nchart < shown
	                      ? arena_printf(&rq->arena,
	                                     /* TRANSLATORS: the name of a chart: a
	                                        section's title, how many bars */
	                                     _("%s: de %zu grootste"), _(d->title), nchart)
	                      : _(d->title),
	};
	if (beyond)
		sv->more = arena_printf(&rq->arena,
		                        NG_("Nog %zu rij staat in de CSV-download.",
		                            "Nog %zu rijen staan in de CSV-download.", beyond),
		                        beyond);
	if (hidden)
		sv->hidden = arena_printf(&rq->arena,
		                          NG_("%zu andere zoekvraag kwam minder dan 10 keer voor. "
		                              "Die staat hier niet.",
		                              "%zu andere zoekvragen kwamen elk minder dan 10 keer "
		                              "voor. Die staan hier niet.",
		                              hidden),
		                          hidden);
	return sv->chart_name != NULL && (!beyond || sv->more);
}

/* Example counts only while there are no real ones; -1 on failure. */
static int showing_example(struct request *rq)
{
	int real = insight_has_real(rq->app);
	return real < 0 ? -1 : real == 0;
}

/* The period asked for, written to the audit trail as action of me
 * ("via" says how: "" for the page and the CSV, "API, "), and whether
 * the counts are the examples (-1: unreadable). False when the row could
 * not be written (the 503 is answered). */
static bool insight_recorded(struct request *rq, struct response *rs, const struct staff_user *me,
                             const char *action, const char *via, int *weeks, int *example)
{
	*weeks = period_of(rq);
	char detail[24];
	snprintf(detail, sizeof(detail), "%s%d weken", via, *weeks);
	struct audit_subject s = {.detail = detail};
	if (!staff_audit(rq, rs, me, action, &s))
		return false;
	*example = showing_example(rq);
	return true;
}

void handle_staff_insight(struct request *rq, struct response *rs)
{
	struct staff_user me;
	if (!staff_require_beheerder(rq, rs, &me))
		return;
	int weeks, example;
	if (!insight_recorded(rq, rs, &me, AUDIT_INSIGHT_VIEW, "", &weeks, &example))
		return;
	struct insight_section_view *sv = arena_alloc(&rq->arena, NSECTIONS * sizeof(*sv));
	struct c_option *opts =
	    arena_alloc(&rq->arena, sizeof(periods) / sizeof(periods[0]) * sizeof(*opts));
	bool ok = example >= 0 && sv && opts;
	for (size_t i = 0; ok && i < NSECTIONS; i++)
		ok = build_section(rq, &sections[i], weeks, example == 1, &sv[i]);
	if (!ok) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
		opts[i] = (struct c_option){
		    arena_printf(&rq->arena, "%d", periods[i]),
		    arena_printf(&rq->arena,
		                 NG_("De laatste %d week", "De laatste %d weken", periods[i]),
		                 periods[i]),
		    periods[i] == weeks};
	struct staff_insight_view v = {
	    .nav = staff_nav_of(rq, &me, STAFF_NAV_INSIGHT),
	    .example = example == 1,
	    .action = page_href(rq, "/medewerker/inzicht"),
	    .csv_href = arena_printf(&rq->arena, "/medewerker/inzicht.csv?weken=%d", weeks),
	    .periods = opts,
	    .nperiods = sizeof(periods) / sizeof(periods[0]),
	    .sections = sv,
	    .nsections = NSECTIONS,
	};
	rs->cache_control = "no-store";
	if (!v.nav || !v.action || !v.csv_href)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Inzicht"), 0) && tpl_staff_insight(&rs->body, &v))
		page_end(rs, rq);
}

void handle_staff_insight_csv(struct request *rq, struct response *rs)
{
	struct staff_user me;
	if (!staff_require_beheerder(rq, rs, &me))
		return;
	int weeks, example;
	if (!insight_recorded(rq, rs, &me, AUDIT_INSIGHT_EXPORT, "", &weeks, &example))
		return;
	struct sb *o = &rs->body;
	sb_puts(o, "\xEF\xBB\xBF"); /* spreadsheets need the BOM to read UTF-8 */
	static const char *const head[] = {"soort",  "wat",   "waarbij",
	                                   "aantal", "weken", "voorbeeld"};
	for (size_t i = 0; i < 6; i++)
		csv_cell(o, head[i], i == 5);
	bool ok = example >= 0;
	for (size_t d = 0; ok && d < NSECTIONS; d++) {
		struct insight_row *rows;
		size_t n;
		ok = insight_rows(rq->app, sections[d].metric, weeks, clock_now(), example == 1,
		                  &rows, &n);
		size_t hidden = 0;
		for (size_t i = 0; ok && i < n; i++) {
			if (sections[d].rare_hidden && !insight_exact(rows[i].n)) {
				hidden++;
				continue;
			}
			char cell[24], w[8];
			snprintf(w, sizeof(w), "%d", weeks);
			csv_cell(o, sections[d].metric, false);
			csv_cell(o, rows[i].key, false);
			csv_cell(o, rows[i].sub, false);
			csv_cell(o, insight_cell(rows[i].n, cell, sizeof(cell)), false);
			csv_cell(o, w, false);
			csv_cell(o, example == 1 ? "ja" : "nee", true);
		}
		if (ok && hidden) {
			char cnt[24], w[8];
			snprintf(cnt, sizeof(cnt), "%zu", hidden);
			snprintf(w, sizeof(w), "%d", weeks);
			csv_cell(o, sections[d].metric, false);
			csv_cell(o, "(andere zoekvragen, elk < 10: aantal zoekvragen)", false);
			csv_cell(o, "", false);
			csv_cell(o, cnt, false);
			csv_cell(o, w, false);
			csv_cell(o, example == 1 ? "ja" : "nee", true);
		}
		free(rows); /* NULL when insight_rows failed */
	}
	if (!ok) {
		sb_reset(o);
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	rs->cache_control = "no-store";
	rs->content_type = "text/csv; charset=utf-8";
	const char *disp =
	    arena_printf(&rq->arena, "attachment; filename=\"inzicht-%d-weken.csv\"", weeks);
	if (!disp || !response_header(rs, "Content-Disposition", disp))
		rs->body.failed = true; /* a 500 in server.c */
}

/* GET /api/v1/insight?weken=N: the cells of the CSV as JSON, for a
 * beheerder's session; "count" is the cell as shown ("< 10", "42"). */
void handle_api_insight(struct request *rq, struct response *rs)
{
	struct staff_user me;
	rs->cache_control = "no-store";
	if (!staff_session(rq, &me)) {
		json_error(rs, 401, "not_logged_in", _("Log eerst in als beheerder."));
		return;
	}
	if (me.role != STAFF_BEHEERDER) {
		json_error(rs, 403, "not_beheerder",
		           _("Deze gegevens zijn alleen voor de beheerder van de wijkwijzers."));
		return;
	}
	int weeks, example;
	if (!insight_recorded(rq, rs, &me, AUDIT_INSIGHT_EXPORT, "API, ", &weeks, &example))
		return;
	struct sb *o = &rs->body;
	rs->content_type = "application/json";
	sb_appendf(o, "{\"weeks\":%d,\"example\":%s,\"min\":%d,\"sections\":[", weeks,
	           example == 1 ? "true" : "false", INSIGHT_MIN);
	bool ok = example >= 0;
	for (size_t d = 0; ok && d < NSECTIONS; d++) {
		struct insight_row *rows;
		size_t n, hidden = 0;
		ok = insight_rows(rq->app, sections[d].metric, weeks, clock_now(), example == 1,
		                  &rows, &n);
		if (!ok)
			break;
		sb_puts(o, d ? ",{\"metric\":" : "{\"metric\":");
		json_string(o, sections[d].metric);
		sb_puts(o, ",\"rows\":[");
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			if (sections[d].rare_hidden && !insight_exact(rows[i].n)) {
				hidden++;
				continue;
			}
			char cell[24];
			sb_puts(o, first ? "{\"key\":" : ",{\"key\":");
			first = false;
			json_string(o, rows[i].key);
			sb_puts(o, ",\"sub\":");
			json_string(o, rows[i].sub);
			sb_puts(o, ",\"count\":");
			json_string(o, insight_cell(rows[i].n, cell, sizeof(cell)));
			sb_putc(o, '}');
		}
		sb_appendf(o, "],\"rare_left_out\":%zu}", hidden);
		free(rows);
	}
	sb_puts(o, "]}");
	if (!ok) {
		sb_reset(o);
		json_error(rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
	}
}
