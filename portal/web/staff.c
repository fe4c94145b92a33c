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
#include "web/page.h"
#include "web/templates.h"
#include "web/views_st.h"
#include "web/views_cb.h"
#include "domain/callbacks.h"
#include "base/arena.h"
#include "web/pages_common.h"
#include "domain/staff.h"
#include "net/route.h"
#include "base/text.h"
#include "domain/selfcheck.h"

#define FORM_LOGIN    "/{lang}/medewerker"
#define FORM_STATUS   "/{lang}/medewerker/status"
#define FORM_BLOCK    "/{lang}/medewerker/blokkeren"
#define FORM_LOGOUT   "/{lang}/medewerker/uitloggen"
#define FORM_PASSWORD "/{lang}/medewerker/wachtwoord"

#define UNAVAILABLE N_(PAGE_UNAVAILABLE)

/* ---- sessions ------------------------------------------------------------ */

/* The session cookie's token, from the request's arena; NULL without one. */
static const char *session_token(struct request *rq)
{
	/* without memory for the cookie: no session, as for a cookie too long */
	struct sb *c = arena_sb(&rq->arena, 128);
	return c && request_cookie(rq, ORIGIN_COOKIE(rq->app->cfg.pub, STAFF_COOKIE), c) ? sb_str(c)
	                                                                                 : NULL;
}

bool staff_refresh(const struct request *rq)
{
	const char *v = params_get(&rq->query, "ververs");
	return v && strcmp(v, "1") == 0;
}

bool staff_session(struct request *rq, struct staff_user *u)
{
	const char *token = session_token(rq);
	return token && staff_session_find(rq->app, token, !staff_refresh(rq), u);
}

static void set_cookie(struct request *rq, struct response *rs, const char *value, int max_age)
{
	response_cookie(rs, rq, ORIGIN_COOKIE(rq->app->cfg.pub, STAFF_COOKIE), value, max_age,
	                "Strict", true);
}

bool staff_require(struct request *rq, struct response *rs, struct staff_user *u)
{
	rs->cache_control = "no-store";
	if (staff_session(rq, u))
		return true;
	page_redirect(rs, rq, "/medewerker");
	return false;
}

bool staff_require_beheerder(struct request *rq, struct response *rs, struct staff_user *u)
{
	if (!staff_require(rq, rs, u))
		return false;
	if (u->role == STAFF_BEHEERDER)
		return true;
	page_error(rq, rs, 403, "not_beheerder",
	           _("Deze pagina is alleen voor de beheerder van de wijkwijzers."));
	return false;
}

/* The page of u's own work, where a login leads: an aanbieder edits the
 * sociale kaart, the others start at the agenda. */
static const char *start_page(const struct staff_user *u)
{
	return u->role == STAFF_AANBIEDER ? "/medewerker/inhoud" : "/medewerker/agenda";
}

bool staff_refuse_aanbieder(struct request *rq, struct response *rs, const struct staff_user *u)
{
	if (u->role != STAFF_AANBIEDER)
		return false;
	page_error(rq, rs, 403, "not_for_aanbieder",
	           _("Deze pagina is voor de medewerkers van de wijkwijzers. Met het account van "
	             "een aanbieder past u alleen de gegevens van uw eigen organisatie aan in de "
	             "sociale kaart."));
	return true;
}

/* u's first wijkwijzer (a beheerder: the content's first); NULL when
 * there is none (an aanbieder never has one). */
static const char *first_location(struct request *rq, const struct staff_user *u)
{
	if (u->role == STAFF_AANBIEDER)
		return NULL;
	if (u->role == STAFF_MEDEWERKER)
		return u->nlocations ? u->locations[0] : NULL;
	struct content_place *pl = NULL;
	size_t n = 0;
	const char *first = NULL;
	if (content_ap_places(db_catalog(rq->app), NULL, 0, &pl, &n) && n)
		first = arena_strdup(&rq->arena, pl[0].id);
	if (pl)
		content_places_free(pl, n);
	return first;
}

bool staff_audit(struct request *rq, struct response *rs, const struct staff_user *u,
                 const char *action, const struct audit_subject *s)
{
	/* a page that follows live changes while open is covered by the row
	   of its opening (a refresh without one writes its own) */
	if (staff_refresh(rq) && rq->method == HM_GET &&
	    audit_recent(rq->app, staff_actor(u), action, s, STAFF_IDLE_SECONDS))
		return true;
	if (audit_record(rq->app, staff_actor(u), action, s))
		return true;
	/* what is not in the trail is not shown or changed */
	page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
	return false;
}

const char *staff_role_words(enum staff_role role)
{
	switch (role) {
	case STAFF_BEHEERDER:
		return _("beheerder");
	case STAFF_AANBIEDER:
		/* TRANSLATORS: the role of an account of a provider (an
		   organisation in the sociale kaart), after the account's name */
		return _("aanbieder");
	case STAFF_MEDEWERKER:
		break;
	}
	return _("medewerker");
}

const struct staff_nav *staff_nav_of(struct request *rq, const struct staff_user *u, int current)
{
	struct staff_nav *n = arena_alloc(&rq->arena, sizeof(*n));
	if (!n)
		return NULL;
	bool admin = u->role == STAFF_BEHEERDER;
	/* an aanbieder has no wijkwijzers: only the sociale kaart */
	bool wijkwijzers = u->role != STAFF_AANBIEDER;
	bool content = admin || u->role == STAFF_AANBIEDER;
	*n = (struct staff_nav){
	    .name = u->name,
	    .role = staff_role_words(u->role),
	    .agenda = wijkwijzers ? page_href(rq, "/medewerker/agenda") : NULL,
	    .callbacks = wijkwijzers ? page_href(rq, "/medewerker/terugbellen") : NULL,
	    .password = page_href(rq, "/medewerker/wachtwoord"),
	    .accounts = admin ? page_href(rq, "/medewerker/accounts") : NULL,
	    .audit = admin ? page_href(rq, "/medewerker/logboek") : NULL,
	    .insight = admin ? page_href(rq, "/medewerker/inzicht") : NULL,
	    .content = content ? page_href(rq, "/medewerker/inhoud") : NULL,
	    .logout_action = page_href(rq, "/medewerker/uitloggen"),
	    .logout_csrf = csrf_token_of(rq, FORM_LOGOUT),
	    .current = current,
	};
	if ((wijkwijzers && (!n->agenda || !n->callbacks)) || !n->password || !n->logout_action ||
	    !n->logout_csrf || (admin && (!n->accounts || !n->audit || !n->insight)) ||
	    (content && !n->content))
		return NULL;
	return n;
}

/* ---- login and logout ------------------------------------------------------ */

/* the markup is the template web/templates/staff_login.html */
static void login_form(struct request *rq, struct response *rs, const char *error, const char *name)
{
	struct staff_login_view v = {.action = page_href(rq, "/medewerker"),
	                             .csrf = csrf_token_of(rq, FORM_LOGIN),
	                             .error = error,
	                             .name = name};
	if (!v.action || !v.csrf)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq,
	                    error ? _("Fout: Inloggen voor medewerkers")
	                          : _("Inloggen voor medewerkers"),
	                    0) &&
	         tpl_staff_login(&rs->body, &v))
		page_end(rs, rq);
}

void handle_staff_login(struct request *rq, struct response *rs)
{
	rs->cache_control = "no-store";
	struct staff_user u;
	if (rq->method != HM_POST) {
		if (staff_session(rq, &u)) {
			page_redirect(rs, rq, start_page(&u));
			return;
		}
		login_form(rq, rs, NULL, NULL);
		return;
	}
	const char *name = params_get(&rq->form, "naam");
	const char *password = params_get(&rq->form, "wachtwoord");
	struct sb *token = arena_sb(&rq->arena, 64);
	if (!token) {
		rs->body.failed = true; /* a 500 in server.c; nobody logged in */
		return;
	}
	long wait = 0;
	enum staff_login_result r =
	    staff_login(rq->app, rq->peer, name, password, clock_now(), token, &wait, &u);
	/* the name typed stays in the form, but only a plausible one */
	const char *typed = name && strlen(name) <= STAFF_NAME_MAX ? name : NULL;
	if (r == STAFF_LOGIN_WAIT) {
		char ra[24];
		snprintf(ra, sizeof(ra), "%ld", wait);
		rs->status = 429;
		response_header(rs, "Retry-After", ra);
		login_form(rq, rs,
		           wait >= 60 ? _("Te veel pogingen. Wacht een kwartier en probeer het dan "
		                          "opnieuw.")
		                      : _("Te veel verkeerde pogingen. Wacht een paar seconden en "
		                          "probeer het dan opnieuw."),
		           typed);
		return;
	}
	if (r == STAFF_LOGIN_LEGACY) {
		rs->status = 401;
		login_form(rq, rs,
		           _("Inloggen met het wachtwoord van de wijkwijzer kan niet meer. Iedere "
		             "medewerker heeft nu een eigen account. Vraag de beheerder om uw "
		             "account."),
		           NULL);
		return;
	}
	if (r == STAFF_LOGIN_REFUSED) {
		rs->status = 401;
		login_form(rq, rs, _("Naam of wachtwoord klopt niet."), typed);
		return;
	}
	struct audit_subject none = {0};
	if (r != STAFF_LOGIN_OK || !audit_record(rq->app, staff_actor(&u), AUDIT_LOGIN, &none)) {
		if (r == STAFF_LOGIN_OK)
			(void)staff_session_end(rq->app, sb_str(token));
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	set_cookie(rq, rs, sb_str(token), STAFF_SESSION_SECONDS);
	page_redirect(rs, rq, start_page(&u));
}

void handle_staff_logout(struct request *rq, struct response *rs)
{
	const char *token = session_token(rq);
	struct staff_user u;
	/* the cookie goes either way; a session left behind expires */
	if (token && staff_session_find(rq->app, token, true, &u)) {
		struct audit_subject none = {0};
		(void)audit_record(rq->app, staff_actor(&u), AUDIT_LOGOUT, &none);
		(void)staff_session_end(rq->app, token);
	}
	set_cookie(rq, rs, "", 0);
	page_redirect(rs, rq, "/medewerker");
}

/* ---- the own password ------------------------------------------------------ */

/* the markup is the template web/templates/staff_password.html */
static void password_page(struct request *rq, struct response *rs, const struct staff_user *u,
                          const char *error, bool done)
{
	struct staff_password_view v = {
	    .nav = staff_nav_of(rq, u, STAFF_NAV_PASSWORD),
	    .action = page_href(rq, "/medewerker/wachtwoord"),
	    .csrf = csrf_token_of(rq, FORM_PASSWORD),
	    .error = error,
	    .done = done,
	};
	if (!v.nav || !v.action || !v.csrf)
		rs->body.failed = true; /* a 500 in server.c */
	/* a refused form is a 422, whose title page_begin starts with "Fout:" */
	else if (page_begin(rs, rq, _("Wachtwoord wijzigen"), 0) &&
	         tpl_staff_password(&rs->body, &v))
		page_end(rs, rq);
}

void handle_staff_password(struct request *rq, struct response *rs)
{
	struct staff_user u;
	if (!staff_require(rq, rs, &u))
		return;
	if (rq->method != HM_POST) {
		password_page(rq, rs, &u, NULL, false);
		return;
	}
	const char *old = params_get(&rq->form, "huidig");
	const char *new1 = params_get(&rq->form, "nieuw");
	const char *new2 = params_get(&rq->form, "herhaal");
	const char *error = NULL;
	if (!staff_password_ok(rq->app, u.id, old))
		error = _("Uw huidige wachtwoord klopt niet.");
	else if (!new1 || !new2 || strcmp(new1, new2) != 0)
		error = _("De twee nieuwe wachtwoorden zijn niet gelijk. Typ ze nog een keer.");
	if (error) {
		rs->status = 422;
		password_page(rq, rs, &u, error, false);
		return;
	}
	enum staff_result r = staff_set_password(rq->app, &u, u.id, new1, session_token(rq));
	if (r == STAFF_WEAK_PASSWORD) {
		rs->status = 422;
		password_page(rq, rs, &u,
		              _("Kies een wachtwoord van minstens 12 tekens. Een zin van een paar "
		                "woorden onthoudt u makkelijk."),
		              false);
		return;
	}
	if (r != STAFF_OK) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	password_page(rq, rs, &u, NULL, true);
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

/* A block in words: "dinsdag 8 december: de hele dag", or the slot's
 * date and time; from the request's arena (NULL without memory). */
static const char *block_words(struct request *rq, const char *what)
{
	struct sb *w = arena_sb(&rq->arena, 128);
	if (!w)
		return NULL;
	if (strlen(what) == 10) {
		char probe[BOOKING_TIME_LEN];
		struct hours_day d;
		int m;
		snprintf(probe, sizeof(probe), "%.10sT00:00", what);
		if (!booking_parse_time(probe, &d, &m))
			return NULL;
		i18n_format_date(w, d.year, d.mon, d.mday, d.wday);
		/* TRANSLATORS: after a date: a whole day is blocked */
		sb_appendf(w, " - %s", _("de hele dag"));
	} else if (!booking_when_words(w, what)) {
		return NULL;
	}
	return sb_failed(w) ? NULL : sb_str(w);
}

const struct c_option *staff_place_choices(struct request *rq, const struct staff_user *u,
                                           const char *current, size_t *n)
{
	*n = 0;
	struct content_place *pl = NULL;
	size_t npl = 0;
	if (!content_ap_places(db_catalog(rq->app), NULL, 0, &pl, &npl))
		return NULL;
	struct c_option *o = npl ? arena_alloc(&rq->arena, npl * sizeof(*o)) : NULL;
	size_t k = 0;
	for (size_t i = 0; o && i < npl; i++) {
		if (!staff_may(u, pl[i].id))
			continue;
		o[k++] = (struct c_option){.value = arena_strdup(&rq->arena, pl[i].id),
		                           .label = arena_strdup(&rq->arena, pl[i].name),
		                           .selected = strcmp(pl[i].id, current) == 0};
	}
	content_places_free(pl, npl);
	*n = k > 1 ? k : 0;
	return k > 1 ? o : NULL;
}

#define NOT_YOURS N_("Dit hoort bij een wijkwijzer waar uw account niet bij hoort.")

const char *staff_require_location(struct request *rq, struct response *rs, struct staff_user *u)
{
	if (!staff_require(rq, rs, u) || staff_refuse_aanbieder(rq, rs, u))
		return NULL;
	const char *requested =
	    params_get(rq->method == HM_POST ? &rq->form : &rq->query, "locatie");
	const char *loc =
	    requested && *requested
	        ? (staff_may(u, requested) && staff_location_exists(rq->app, requested) ? requested
	                                                                                : NULL)
	        : first_location(rq, u);
	if (!loc)
		page_error(
		    rq, rs, 403, "not_your_location",
		    requested && *requested
		        ? _(NOT_YOURS)
		        : _("Uw account hoort nog niet bij een wijkwijzer. Vraag de beheerder "
		            "om dat te regelen."));
	return loc;
}

/* The name of a wijkwijzer, from the request's arena ("" when unknown). */
static const char *place_name(struct request *rq, const char *location)
{
	struct content_place pl;
	const char *name = "";
	if (content_place(db_catalog(rq->app), location, &pl) == CONTENT_FOUND)
		name = arena_strdup(&rq->arena, pl.name);
	content_place_free(&pl);
	return name ? name : "";
}

/* the markup is the template web/templates/staff_agenda.html */
void handle_staff_agenda(struct request *rq, struct response *rs)
{
	struct staff_user u;
	char day[11];
	const char *loc = staff_require_location(rq, rs, &u);
	if (!loc)
		return;
	struct hours_day d;
	staff_day(params_get(&rq->query, "dag"), clock_now(), day, &d);
	struct audit_subject seen = {.location = loc, .detail = day};
	if (!staff_audit(rq, rs, &u, AUDIT_AGENDA_VIEW, &seen))
		return;
	struct booking_list bookings;
	if (!booking_day_list(rq->app, loc, day, &bookings)) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	struct sb *label = arena_sb(&rq->arena, 128);
	if (label)
		i18n_format_date(label, d.year, d.mon, d.mday, d.wday);
	struct hours_day prev = hours_add_days(d, -1), next = hours_add_days(d, 1);
	const char *agenda = page_href(rq, "/medewerker/agenda");
	const char *at =
	    agenda ? arena_printf(&rq->arena, "%s?locatie=%s&dag=", agenda, loc) : NULL;
	struct staff_agenda_view v = {
	    .nav = staff_nav_of(rq, &u, STAFF_NAV_AGENDA),
	    .place = place_name(rq, loc),
	    .date_label = label ? sb_str(label) : NULL,
	    .location = loc,
	    .day = day,
	    .agenda_href = agenda,
	    .prev_href = at ? arena_printf(&rq->arena, "%s%04u-%02u-%02u", at, (unsigned)prev.year,
	                                   (unsigned)prev.mon, (unsigned)prev.mday)
	                    : NULL,
	    .next_href = at ? arena_printf(&rq->arena, "%s%04u-%02u-%02u", at, (unsigned)next.year,
	                                   (unsigned)next.mon, (unsigned)next.mday)
	                    : NULL,
	    .back = at ? arena_printf(&rq->arena, "%s%s", at, day) : NULL,
	    .export_href =
	        arena_printf(&rq->arena, "/medewerker/export.csv?locatie=%s&dag=%s", loc, day),
	    .status_action = page_href(rq, "/medewerker/status"),
	    .status_csrf = csrf_token_of(rq, FORM_STATUS),
	    .block_action = page_href(rq, "/medewerker/blokkeren"),
	    .block_csrf = csrf_token_of(rq, FORM_BLOCK),
	};
	v.places = staff_place_choices(rq, &u, loc, &v.nplaces);
	const char *summary = page_href(rq, "/medewerker/zelfcheck?id=");
	struct staff_agenda_row *rows =
	    bookings.n ? arena_alloc(&rq->arena, bookings.n * sizeof(*rows)) : NULL;
	for (size_t i = 0; rows && i < bookings.n; i++) {
		const struct booking *b = &bookings.items[i];
		const char *status = or_empty(b->status);
		rows[i] = (struct staff_agenda_row){
		    .b = b,
		    .confirmed = strcmp(status, "confirmed") == 0,
		    .checked_in = strcmp(status, "checked_in") == 0,
		    .no_show = strcmp(status, "no_show") == 0,
		};
		/* both 5 characters: fits */
		snprintf(rows[i].time, sizeof(rows[i].time), "%.5s-%.5s", clock_time(b->start),
		         clock_time(b->end));
		struct content_topic t;
		rows[i].topic = content_ap_topic(db_catalog(rq->app), b->topic, &t) == CONTENT_FOUND
		                    ? arena_strdup(&rq->arena, t.name)
		                    : NULL;
		content_topic_free(&t);
		/* a shared self-check is opened on a page of its own, so the
		   trail says whose was read */
		if (b->summary && *b->summary) {
			rows[i].summary_href =
			    summary ? arena_printf(&rq->arena, "%s%lld", summary, b->id) : NULL;
			if (!rows[i].summary_href)
				rs->body.failed = true; /* a 500 in server.c */
		}
		booking_reference_display(b->reference, rows[i].ref);
	}
	v.rows = rows;
	v.nrows = rows ? bookings.n : 0;
	/* blocking: a whole day or one slot */
	struct slot s[BOOKING_MAX_SLOTS];
	size_t ns = booking_day_starts(rq->app, loc, d, s, BOOKING_MAX_SLOTS);
	struct c_option *slots = ns ? arena_alloc(&rq->arena, ns * sizeof(*slots)) : NULL;
	for (size_t i = 0; slots && i < ns; i++)
		slots[i] = (struct c_option){.value = arena_strdup(&rq->arena, s[i].start),
		                             .label = arena_strdup(&rq->arena, s[i].start + 11)};
	v.slots = slots;
	v.nslots = slots ? ns : 0;
	/* the blocks from this day on, each with its undo */
	char(*blocked)[BOOKING_TIME_LEN] = arena_alloc(&rq->arena, 64 * sizeof(*blocked));
	int nb = blocked ? booking_blocks(rq->app, loc, day, blocked, 64) : -1;
	struct staff_block_item *blocks =
	    nb > 0 ? arena_alloc(&rq->arena, (size_t)nb * sizeof(*blocks)) : NULL;
	for (int i = 0; blocks && i < nb; i++)
		blocks[i] = (struct staff_block_item){.what = blocked[i],
		                                      .words = block_words(rq, blocked[i])};
	v.blocks = blocks;
	v.nblocks = blocks ? (size_t)nb : 0;
	/* the link to the call-back inbox, with how many are open */
	const char *inbox = page_href(rq, "/medewerker/terugbellen?locatie=");
	struct staff_callbacks_link cb = {
	    .href = inbox ? arena_printf(&rq->arena, "%s%s", inbox, loc) : NULL,
	    .open = callbacks_open_count(rq->app, loc)};
	v.callbacks = &cb;
	if (!v.nav || !v.date_label || !v.agenda_href || !v.prev_href || !v.next_href || !v.back ||
	    !v.export_href || nb < 0 || (nb > 0 && !blocks) || !v.status_action || !v.status_csrf ||
	    !v.block_action || !v.block_csrf || !cb.href || (bookings.n && !rows) || (ns && !slots))
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Agenda"), 0) && tpl_staff_agenda(&rs->body, &v))
		page_end(rs, rq);
	booking_list_free(&bookings);
}

/* the markup is the template web/templates/staff_summary.html */
void handle_staff_summary(struct request *rq, struct response *rs)
{
	struct staff_user u;
	if (!staff_require(rq, rs, &u) || staff_refuse_aanbieder(rq, rs, &u))
		return;
	long id;
	struct booking b;
	enum booking_result found = text_parse_long(params_get(&rq->query, "id"), 1, 1L << 40, &id)
	                                ? booking_find_id(rq->app, id, &b)
	                                : BOOKING_NOT_FOUND;
	if (found == BOOKING_ERROR) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (found != BOOKING_OK) {
		if (found == BOOKING_CANCELLED)
			booking_free(&b);
		page_error(rq, rs, 404, "not_found",
		           _("Deze afspraak staat niet (meer) in de agenda."));
		return;
	}
	struct audit_subject s = {.location = b.location, .booking = b.id};
	struct sb *words = arena_sb(&rq->arena, 16384), *when = arena_sb(&rq->arena, 128);
	if (!staff_may(&u, b.location) || !b.summary || !*b.summary) {
		page_error(
		    rq, rs, 404, "not_found",
		    _("Bij deze afspraak is geen zelfcheck gedeeld, of de afspraak hoort bij "
		      "een andere wijkwijzer."));
	} else if (staff_audit(rq, rs, &u, AUDIT_SUMMARY_VIEW, &s)) {
		const char *agenda = page_href(rq, "/medewerker/agenda");
		struct staff_summary_view v = {
		    .nav = staff_nav_of(rq, &u, STAFF_NAV_AGENDA),
		    .name = b.name && *b.name ? b.name : "-",
		    .when = when && booking_when_words(when, b.start) ? sb_str(when) : NULL,
		    .summary = words && selfcheck_stored_display(rq->app, b.summary, words)
		                   ? sb_str(words)
		                   : NULL,
		    .back = agenda ? arena_printf(&rq->arena, "%s?locatie=%s&dag=%.10s", agenda,
		                                  b.location, b.start)
		                   : NULL,
		};
		if (!v.nav || !v.when || !v.summary || !v.back)
			rs->body.failed = true; /* a 500 in server.c */
		else if (page_begin(rs, rq, _("Gedeelde zelfcheck"), 0) &&
		         tpl_staff_summary(&rs->body, &v))
			page_end(rs, rq);
	}
	booking_free(&b);
}

static void back_to(struct request *rq, struct response *rs)
{
	const char *back = params_get(&rq->form, "terug");
	/* only our own pages: response_redirect refuses any other */
	if (back && response_redirect(rs, 303, back))
		return;
	page_redirect(rs, rq, "/medewerker/agenda");
}

void handle_staff_status(struct request *rq, struct response *rs)
{
	struct staff_user u;
	const char *loc = staff_require_location(rq, rs, &u);
	if (!loc)
		return;
	long id;
	const char *status = params_get(&rq->form, "status");
	bool ok = text_parse_long(params_get(&rq->form, "id"), 1, 1L << 40, &id);
	struct audit_subject s = {.location = loc, .booking = ok ? id : 0, .detail = status};
	/* the change and its row of the trail go into the same group commit
	   (this handler runs on the writer): a failing commit loses both */
	if (!ok || !staff_set_status(rq->app, loc, id, status)) {
		page_error(
		    rq, rs, 400, "bad_status",
		    _("Dit lukte niet. Misschien hoort de afspraak bij een andere wijkwijzer."));
		return;
	}
	if (!staff_audit(rq, rs, &u, AUDIT_BOOKING_STATUS, &s))
		return;
	back_to(rq, rs);
}

void handle_staff_block(struct request *rq, struct response *rs)
{
	struct staff_user u;
	const char *loc = staff_require_location(rq, rs, &u);
	if (!loc)
		return;
	const char *what = params_get(&rq->form, "wat");
	const char *undo = params_get(&rq->form, "vrijgeven");
	const char *sure = params_get(&rq->form, "bevestigd");
	bool unblock = undo && strcmp(undo, "ja") == 0;
	const char *words = what ? block_words(rq, what) : NULL;
	if (what && words && !unblock && !(sure && strcmp(sure, "ja") == 0)) {
		/* blocking first asks: the appointments there stay, but nobody
		   can book it any more */
		struct booking_list day;
		size_t n = 0;
		if (booking_day_list(rq->app, loc, arena_printf(&rq->arena, "%.10s", what), &day)) {
			for (size_t i = 0; i < day.n; i++)
				n += strlen(what) == 10 || (strcmp(day.items[i].start, what) <= 0 &&
				                            strcmp(what, day.items[i].end) < 0);
			booking_list_free(&day);
		}
		const char *back = params_get(&rq->form, "terug");
		struct staff_block_confirm_view cv = {
		    .nav = staff_nav_of(rq, &u, STAFF_NAV_AGENDA),
		    .action = page_href(rq, "/medewerker/blokkeren"),
		    .csrf = csrf_token_of(rq, FORM_BLOCK),
		    .what = what,
		    .words = words,
		    .location = loc,
		    .back = text_local_path(back) ? back : page_href(rq, "/medewerker/agenda"),
		    .nbookings = n,
		};
		if (!cv.nav || !cv.action || !cv.csrf || !cv.back)
			rs->body.failed = true; /* a 500 in server.c */
		else if (page_begin(rs, rq, _("Blokkeren bevestigen"), 0) &&
		         tpl_staff_block_confirm(&rs->body, &cv))
			page_end(rs, rq);
		return;
	}
	if (!what || !words || !booking_block(rq->app, loc, what, !unblock)) {
		page_error(rq, rs, 400, "bad_block",
		           _("Dit lukte niet. Kies een dag of tijd uit de lijst."));
		return;
	}
	struct audit_subject s = {.location = loc, .detail = what};
	if (!staff_audit(rq, rs, &u, unblock ? AUDIT_UNBLOCK : AUDIT_BLOCK, &s))
		return;
	back_to(rq, rs);
}

void handle_staff_export(struct request *rq, struct response *rs)
{
	struct staff_user u;
	char day[11];
	const char *loc = staff_require_location(rq, rs, &u);
	if (!loc)
		return;
	staff_day(params_get(&rq->query, "dag"), clock_now(), day, NULL);
	struct audit_subject s = {.location = loc, .detail = day};
	if (!staff_audit(rq, rs, &u, AUDIT_AGENDA_EXPORT, &s))
		return;
	if (!staff_export_csv(rq->app, loc, day, &rs->body)) {
		/* a CSV without some of the day's rows would look complete */
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	rs->content_type = "text/csv; charset=utf-8";
	const char *disp =
	    arena_printf(&rq->arena, "attachment; filename=\"agenda-%s-%s.csv\"", loc, day);
	if (!disp || !response_header(rs, "Content-Disposition", disp))
		rs->body.failed = true; /* a 500 in server.c */
}

/* the markup is the template web/templates/staff_panel.html */
bool staff_booking_panel(struct request *rq, const struct booking *b,
                         const struct staff_panel_view **out)
{
	struct staff_user u;
	*out = NULL;
	if (!staff_session(rq, &u) || !staff_may(&u, b->location))
		return true;
	/* staff see the resident's name here: that is in the trail */
	struct audit_subject s = {.location = b->location, .booking = b->id};
	if (!audit_record(rq->app, staff_actor(&u), AUDIT_BOOKING_VIEW, &s))
		return false;
	const char *agenda = page_href(rq, "/medewerker/agenda");
	struct staff_panel_view *v = arena_alloc(&rq->arena, sizeof(*v));
	if (!v)
		return false;
	*v = (struct staff_panel_view){
	    .name = b->name ? b->name : "-",
	    .status = b->status,
	    .confirmed = strcmp(b->status, "confirmed") == 0,
	    .status_action = page_href(rq, "/medewerker/status"),
	    .status_csrf = csrf_token_of(rq, FORM_STATUS),
	    .back = agenda ? arena_printf(&rq->arena, "%s?locatie=%s&dag=%.10s", agenda,
	                                  b->location, b->start)
	                   : NULL,
	    .location = b->location,
	    .id = b->id,
	};
	*out = v;
	return v->status_action && v->status_csrf && v->back;
}
