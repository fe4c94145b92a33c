#include "web/staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "store/catalog.h"
#include "store/content.h"
#include "net/csrf.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "domain/staff.h"
#include "net/route.h"
#include "base/text.h"

#define FORM_LOGIN     "/{lang}/medewerker"
#define FORM_STATUS    "/{lang}/medewerker/status"
#define FORM_BLOCK     "/{lang}/medewerker/blokkeren"
#define FORM_LOGOUT    "/{lang}/medewerker/uitloggen"
#define SESSION_COOKIE "ww_staff"

/* ---- sessions ------------------------------------------------------------ */

bool staff_session(struct request *rq, char *location, size_t len)
{
	struct sb c;
	sb_init(&c, 128);
	bool ok = request_cookie(rq, SESSION_COOKIE, &c) &&
	          staff_session_find(rq->app, sb_str(&c), location, len);
	sb_free(&c);
	return ok;
}

static void set_cookie(struct request *rq, struct response *rs, const char *value, int max_age)
{
	response_cookie(rs, rq, SESSION_COOKIE, value, max_age, "Strict", true);
}

/* ---- pages ---------------------------------------------------------------- */

static void login_form(struct request *rq, struct response *rs, const char *error)
{
	struct sb *o = &rs->body;
	page_begin(rs, rq, _("Inloggen voor medewerkers"), 0);
	html_fmt(o, "<h1>%s</h1>\n<p>%s</p>\n", _("Inloggen voor medewerkers"),
	         _("Deze pagina is voor medewerkers van de wijkwijzer."));
	if (error)
		html_fmt(o, "<p class=\"error-message\" role=\"alert\">%s</p>\n", error);
	struct sb url;
	sb_init(&url, 128);
	page_link(&url, rq, "/medewerker");
	html_fmt(o, "<form method=\"post\" action=\"%s\">\n", sb_str(&url));
	csrf_field(o, rq, FORM_LOGIN);
	html_fmt(o,
	         "<div class=\"field\"><label for=\"s-loc\">%s</label><select id=\"s-loc\" "
	         "name=\"locatie\">\n",
	         _("Wijkwijzer"));
	struct content_place *pl;
	size_t npl;
	if (content_ap_places(db_catalog(rq->app), NULL, 0, &pl, &npl)) {
		for (size_t i = 0; i < npl; i++)
			html_fmt(o, "<option value=\"%s\">%s</option>\n", pl[i].id, pl[i].name);
		content_places_free(pl, npl);
	}
	html_fmt(o,
	         "</select></div>\n<div class=\"field\"><label for=\"s-pw\">%s</label><input "
	         "type=\"password\" id=\"s-pw\" "
	         "name=\"wachtwoord\" autocomplete=\"current-password\" maxlength=\"256\" "
	         "required></div>\n"
	         "<p><button type=\"submit\">%s</button></p>\n</form>\n",
	         _("Wachtwoord"), _("Inloggen"));
	sb_free(&url);
	page_end(rs, rq);
}

void handle_staff_login(struct request *rq, struct response *rs)
{
	rs->cache_control = "no-store";
	char loc[65];
	if (rq->method != HM_POST) {
		if (staff_session(rq, loc, sizeof(loc))) {
			page_redirect(rs, rq, "/medewerker/agenda");
			return;
		}
		login_form(rq, rs, NULL);
		return;
	}
	const char *location = params_get(&rq->form, "locatie");
	const char *password = params_get(&rq->form, "wachtwoord");
	struct sb token;
	sb_init(&token, 64);
	long wait = 0;
	enum staff_login_result r =
	    staff_login(rq->app, rq->peer, location, password, clock_now(), &token, &wait);
	if (r == STAFF_LOGIN_WAIT) {
		sb_free(&token);
		char ra[24];
		snprintf(ra, sizeof(ra), "%ld", wait);
		rs->status = 429;
		response_header(rs, "Retry-After", ra);
		login_form(rq, rs,
		           wait >= 60 ? _("Te veel pogingen. Wacht een kwartier en probeer het dan "
		                          "opnieuw.")
		                      : _("Te veel verkeerde pogingen. Wacht een paar seconden en "
		                          "probeer het dan opnieuw."));
		return;
	}
	if (r == STAFF_LOGIN_REFUSED) {
		sb_free(&token);
		rs->status = 401;
		login_form(rq, rs, _("Wijkwijzer of wachtwoord klopt niet."));
		return;
	}
	if (r != STAFF_LOGIN_OK) {
		sb_free(&token);
		page_error(
		    rq, rs, 503, "unavailable",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	set_cookie(rq, rs, sb_str(&token), STAFF_SESSION_SECONDS);
	sb_free(&token);
	page_redirect(rs, rq, "/medewerker/agenda");
}

void handle_staff_logout(struct request *rq, struct response *rs)
{
	struct sb c;
	sb_init(&c, 128);
	/* the cookie goes either way; a session left behind expires */
	if (request_cookie(rq, SESSION_COOKIE, &c))
		(void)staff_session_end(rq->app, sb_str(&c));
	sb_free(&c);
	set_cookie(rq, rs, "", 0);
	page_redirect(rs, rq, "/medewerker");
}

static bool require_staff(struct request *rq, struct response *rs, char *loc, size_t len)
{
	rs->cache_control = "no-store";
	if (staff_session(rq, loc, len))
		return true;
	page_redirect(rs, rq, "/medewerker");
	return false;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* "09:30" of "2026-12-01T09:30" */
static const char *clock_time(const char *local)
{
	return local && strlen(local) >= 16 ? local + 11 : "";
}

static void needs_text(struct sb *o, unsigned needs, const char *interpreter)
{
	bool any = false;
	if (needs & NEED_INTERPRETER) {
		html_textf(o, _("Tolk (%s)"), interpreter ? interpreter : "?");
		any = true;
	}
	if (needs & NEED_WHEELCHAIR) {
		html_fmt(o, "%s%s", any ? ", " : "", _("Rolstoel"));
		any = true;
	}
	if (needs & NEED_COMPANION) {
		html_fmt(o, "%s%s", any ? ", " : "", _("Neemt iemand mee"));
		any = true;
	}
	if (needs & NEED_CLIENT_SUPPORT) {
		html_fmt(o, "%s%s", any ? ", " : "", _("Cliëntondersteuner"));
		any = true;
	}
	if (!any)
		html_raw(o, "-");
}

static void status_form(struct request *rq, struct sb *o, long long id, const char *status,
                        const char *label, const char *back)
{
	struct sb url;
	sb_init(&url, 128);
	page_link(&url, rq, "/medewerker/status");
	html_fmt(o, "<form method=\"post\" action=\"%s\" class=\"inline-form\">", sb_str(&url));
	csrf_field(o, rq, FORM_STATUS);
	html_fmt(o,
	         "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" "
	         "name=\"status\" value=\"%s\">"
	         "<input type=\"hidden\" name=\"terug\" value=\"%s\"><button type=\"submit\" "
	         "class=\"secondary\">%s</button></form>",
	         id, status, back, label);
	sb_free(&url);
}

void handle_staff_agenda(struct request *rq, struct response *rs)
{
	char loc[65], day[11];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	struct hours_day d;
	staff_day(params_get(&rq->query, "dag"), clock_now(), day, &d);
	struct booking_list bookings;
	if (!booking_day_list(rq->app, loc, day, &bookings)) {
		page_error(
		    rq, rs, 503, "unavailable",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	struct sb *o = &rs->body;
	page_begin(rs, rq, _("Agenda"), 0);
	char pname[128] = "";
	struct content_place pl;
	/* display only: truncation harmless */
	if (content_place(db_catalog(rq->app), loc, &pl) == CONTENT_FOUND)
		snprintf(pname, sizeof(pname), "%s", pl.name);
	content_place_free(&pl);
	struct sb label, url;
	sb_init(&label, 128);
	sb_init(&url, 256);
	i18n_format_date(&label, d.year, d.mon, d.mday, d.wday);
	html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", pname, sb_str(&label));
	/* day navigation */
	struct hours_day prev = hours_add_days(d, -1), next = hours_add_days(d, 1);
	page_link(&url, rq, "/medewerker/agenda");
	html_fmt(o,
	         "<form method=\"get\" action=\"%s\" class=\"inline-form\"><label "
	         "for=\"a-dag\">%s</label> "
	         "<input type=\"date\" id=\"a-dag\" name=\"dag\" value=\"%s\"> <button "
	         "type=\"submit\" class=\"secondary\">%s</button></form>\n",
	         sb_str(&url), _("Dag"), day, _("Toon"));
	html_fmt(o,
	         "<p class=\"button-row\"><a class=\"button secondary\" "
	         "href=\"%s?dag=%04u-%02u-%02u\">%s</a> "
	         "<a class=\"button secondary\" href=\"%s?dag=%04u-%02u-%02u\">%s</a> "
	         "<a class=\"button secondary\" href=\"/medewerker/export.csv?dag=%s\" "
	         "download>%s</a></p>\n",
	         sb_str(&url), (unsigned)prev.year, (unsigned)prev.mon, (unsigned)prev.mday,
	         _("Vorige dag"), sb_str(&url), (unsigned)next.year, (unsigned)next.mon,
	         (unsigned)next.mday, _("Volgende dag"), day, _("Download als CSV"));
	html_fmt(o,
	         "<p class=\"live-status notice\" role=\"status\" data-live-location=\"%s\" "
	         "data-live-date=\"%s\" "
	         "data-live-reload=\"%s\" hidden></p>\n",
	         loc, day, _("Er is iets veranderd in de agenda. Laad de pagina opnieuw."));
	html_fmt(o,
	         "<table class=\"agenda\">\n<caption "
	         "class=\"visually-hidden\">%s</caption>\n<thead><tr><th scope=\"col\">%s</th>"
	         "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
	         "scope=\"col\">%s</th>"
	         "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
	         _("Afspraken van deze dag"), _("Tijd"), _("Wie"), _("Onderwerp"), _("Nodig"),
	         _("Status"), _("Actie"));
	struct sb back;
	sb_init(&back, 256);
	page_link(&back, rq, "/medewerker/agenda?dag=");
	sb_puts(&back, day);
	for (size_t i = 0; i < bookings.n; i++) {
		const struct booking *b = &bookings.items[i];
		char ref[16];
		booking_reference_display(b->reference, ref);
		html_fmt(o,
		         "<tr><td class=\"ltr\">%.5s-%.5s</td><td>%s<br><span "
		         "class=\"ltr\">%s</span> <span class=\"ltr\">%s</span>"
		         "<br><span class=\"ltr muted\">%s</span></td><td>",
		         clock_time(b->start), clock_time(b->end), or_empty(b->name),
		         or_empty(b->phone), or_empty(b->email), ref);
		html_text(o, or_empty(b->topic));
		html_raw(o, "</td><td>");
		needs_text(o, b->needs, b->interpreter_lang);
		if (b->summary && *b->summary)
			html_fmt(o,
			         "<details><summary>%s</summary><pre "
			         "class=\"summary\">%s</pre></details>",
			         _("Zelfcheck (gedeeld)"), b->summary);
		const char *status = or_empty(b->status);
		html_fmt(o, "</td><td>%s</td><td>",
		         strcmp(status, "checked_in") == 0 ? _("Aangemeld")
		         : strcmp(status, "no_show") == 0  ? _("Niet gekomen")
		                                           : _("Verwacht"));
		if (strcmp(status, "confirmed") == 0) {
			status_form(rq, o, b->id, "checked_in", _("Aanmelden"), sb_str(&back));
			status_form(rq, o, b->id, "no_show", _("Niet gekomen"), sb_str(&back));
		} else {
			status_form(rq, o, b->id, "confirmed", _("Terugzetten"), sb_str(&back));
		}
		html_raw(o, "</td></tr>\n");
	}
	if (!bookings.n)
		html_fmt(o, "<tr><td colspan=\"6\">%s</td></tr>\n",
		         _("Geen afspraken op deze dag."));
	html_raw(o, "</tbody>\n</table>\n");

	/* blocking: a whole day or one slot */
	sb_reset(&url);
	page_link(&url, rq, "/medewerker/blokkeren");
	html_fmt(o, "<h2>%s</h2>\n<form method=\"post\" action=\"%s\">\n", _("Tijden blokkeren"),
	         sb_str(&url));
	csrf_field(o, rq, FORM_BLOCK);
	html_fmt(o, "<input type=\"hidden\" name=\"terug\" value=\"%s\">\n", sb_str(&back));
	html_fmt(o,
	         "<div class=\"field\"><label for=\"b-what\">%s</label><select id=\"b-what\" "
	         "name=\"wat\">\n"
	         "<option value=\"%s\">%s</option>\n",
	         _("Wat wilt u blokkeren?"), day, _("De hele dag"));
	struct slot s[BOOKING_MAX_SLOTS];
	size_t ns = booking_day_starts(rq->app, loc, d, s, BOOKING_MAX_SLOTS);
	for (size_t i = 0; i < ns; i++)
		html_fmt(o, "<option value=\"%s\">%s</option>\n", s[i].start, s[i].start + 11);
	html_fmt(o,
	         "</select></div>\n<div class=\"check\"><input type=\"checkbox\" id=\"b-undo\" "
	         "name=\"vrijgeven\" value=\"ja\">"
	         "<label for=\"b-undo\">%s</label></div>\n<p><button "
	         "type=\"submit\">%s</button></p>\n</form>\n",
	         _("Blokkade opheffen in plaats van blokkeren"), _("Opslaan"));
	sb_reset(&url);
	page_link(&url, rq, "/medewerker/uitloggen");
	html_fmt(o, "<form method=\"post\" action=\"%s\">", sb_str(&url));
	csrf_field(o, rq, FORM_LOGOUT);
	html_fmt(o, "<p><button type=\"submit\" class=\"secondary\">%s</button></p></form>\n",
	         _("Uitloggen"));
	sb_free(&back);
	sb_free(&label);
	sb_free(&url);
	booking_list_free(&bookings);
	page_end(rs, rq);
}

static void back_to(struct request *rq, struct response *rs)
{
	const char *back = params_get(&rq->form, "terug");
	/* only our own pages: a relative path without a scheme or "//" */
	if (back && back[0] == '/' && back[1] != '/' && !strchr(back, '\\') &&
	    response_redirect(rs, 303, back))
		return;
	page_redirect(rs, rq, "/medewerker/agenda");
}

void handle_staff_status(struct request *rq, struct response *rs)
{
	char loc[65];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	long id;
	const char *status = params_get(&rq->form, "status");
	if (!text_parse_long(params_get(&rq->form, "id"), 1, 1L << 40, &id) ||
	    !staff_set_status(rq->app, loc, id, status)) {
		page_error(
		    rq, rs, 400, "bad_status",
		    _("Dit lukte niet. Misschien hoort de afspraak bij een andere wijkwijzer."));
		return;
	}
	back_to(rq, rs);
}

void handle_staff_block(struct request *rq, struct response *rs)
{
	char loc[65];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	const char *what = params_get(&rq->form, "wat");
	const char *undo = params_get(&rq->form, "vrijgeven");
	if (!what || !booking_block(rq->app, loc, what, !(undo && strcmp(undo, "ja") == 0))) {
		page_error(rq, rs, 400, "bad_block",
		           _("Dit lukte niet. Kies een dag of tijd uit de lijst."));
		return;
	}
	back_to(rq, rs);
}

void handle_staff_export(struct request *rq, struct response *rs)
{
	char loc[65], day[11];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	staff_day(params_get(&rq->query, "dag"), clock_now(), day, NULL);
	if (!staff_export_csv(rq->app, loc, day, &rs->body)) {
		/* a CSV without some of the day's rows would look complete */
		page_error(
		    rq, rs, 503, "unavailable",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	rs->content_type = "text/csv; charset=utf-8";
	struct sb disp;
	sb_init(&disp, 128);
	sb_appendf(&disp, "attachment; filename=\"agenda-%s-%s.csv\"", loc, day);
	response_header(rs, "Content-Disposition", sb_str(&disp));
	sb_free(&disp);
}

void staff_booking_panel(struct request *rq, struct sb *o, const struct booking *b)
{
	char loc[65];
	if (!staff_session(rq, loc, sizeof(loc)) || strcmp(loc, b->location) != 0)
		return;
	struct sb back;
	sb_init(&back, 256);
	page_link(&back, rq, "/medewerker/agenda?dag=");
	sb_appendf(&back, "%.10s", b->start);
	html_fmt(o, "<section class=\"staff-panel no-print\"><h2>%s</h2><p>%s: %s</p>",
	         _("Voor de medewerker"), _("Naam"), b->name ? b->name : "-");
	if (strcmp(b->status, "confirmed") == 0) {
		status_form(rq, o, b->id, "checked_in", _("Aanmelden"), sb_str(&back));
		status_form(rq, o, b->id, "no_show", _("Niet gekomen"), sb_str(&back));
	} else {
		html_fmt(o, "<p>%s: %s</p>", _("Status"), b->status);
	}
	html_raw(o, "</section>\n");
	sb_free(&back);
}
