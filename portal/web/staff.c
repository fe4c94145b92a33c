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

#define FORM_LOGIN     "/{lang}/medewerker"
#define FORM_STATUS    "/{lang}/medewerker/status"
#define FORM_BLOCK     "/{lang}/medewerker/blokkeren"
#define FORM_LOGOUT    "/{lang}/medewerker/uitloggen"
#define SESSION_COOKIE "ww_staff"

/* ---- sessions ------------------------------------------------------------ */

bool staff_session(struct request *rq, char *location, size_t len)
{
	/* without memory for the cookie: no session, as for a cookie too long */
	struct sb *c = arena_sb(&rq->arena, 128);
	return c && request_cookie(rq, SESSION_COOKIE, c) &&
	       staff_session_find(rq->app, sb_str(c), location, len);
}

static void set_cookie(struct request *rq, struct response *rs, const char *value, int max_age)
{
	response_cookie(rs, rq, SESSION_COOKIE, value, max_age, "Strict", true);
}

/* ---- pages ---------------------------------------------------------------- */

/* a form's URL in the request's language, from the request's arena */
/* the markup is the template web/templates/staff_login.html */
static void login_form(struct request *rq, struct response *rs, const char *error)
{
	struct staff_login_view v = {.action = page_href(rq, "/medewerker"),
	                             .csrf = csrf_token_of(rq, FORM_LOGIN),
	                             .error = error};
	struct content_place *pl = NULL;
	size_t npl = 0;
	if (content_ap_places(db_catalog(rq->app), NULL, 0, &pl, &npl) && npl) {
		struct c_option *o = arena_alloc(&rq->arena, npl * sizeof(*o));
		if (o) {
			for (size_t i = 0; i < npl; i++)
				o[i] = (struct c_option){.value = pl[i].id, .label = pl[i].name};
			v.places = o;
			v.nplaces = npl;
		}
	}
	if (!v.action || !v.csrf || (npl && !v.places))
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Inloggen voor medewerkers"), 0) &&
	         tpl_staff_login(&rs->body, &v))
		page_end(rs, rq);
	if (pl)
		content_places_free(pl, npl);
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
	struct sb *token = arena_sb(&rq->arena, 64);
	if (!token) {
		rs->body.failed = true; /* a 500 in server.c; nobody logged in */
		return;
	}
	long wait = 0;
	enum staff_login_result r =
	    staff_login(rq->app, rq->peer, location, password, clock_now(), token, &wait);
	if (r == STAFF_LOGIN_WAIT) {
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
		rs->status = 401;
		login_form(rq, rs, _("Wijkwijzer of wachtwoord klopt niet."));
		return;
	}
	if (r != STAFF_LOGIN_OK) {
		page_error(
		    rq, rs, 503, "unavailable",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	set_cookie(rq, rs, sb_str(token), STAFF_SESSION_SECONDS);
	page_redirect(rs, rq, "/medewerker/agenda");
}

void handle_staff_logout(struct request *rq, struct response *rs)
{
	struct sb *c = arena_sb(&rq->arena, 128);
	/* the cookie goes either way; a session left behind expires */
	if (c && request_cookie(rq, SESSION_COOKIE, c))
		(void)staff_session_end(rq->app, sb_str(c));
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

/* the markup is the template web/templates/staff_agenda.html */
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
	char pname[128] = "";
	struct content_place pl;
	/* display only: truncation harmless */
	if (content_place(db_catalog(rq->app), loc, &pl) == CONTENT_FOUND)
		snprintf(pname, sizeof(pname), "%s", pl.name);
	content_place_free(&pl);
	struct sb *label = arena_sb(&rq->arena, 128);
	if (label)
		i18n_format_date(label, d.year, d.mon, d.mday, d.wday);
	struct hours_day prev = hours_add_days(d, -1), next = hours_add_days(d, 1);
	const char *agenda = page_href(rq, "/medewerker/agenda");
	struct sb *back = arena_sb(&rq->arena, 256);
	if (back && page_link(back, rq, "/medewerker/agenda?dag="))
		sb_puts(back, day);
	struct staff_agenda_view v = {
	    .place = pname,
	    .date_label = label ? sb_str(label) : NULL,
	    .location = loc,
	    .day = day,
	    .agenda_href = agenda,
	    .prev_href =
	        agenda ? arena_printf(&rq->arena, "%s?dag=%04u-%02u-%02u", agenda,
	                              (unsigned)prev.year, (unsigned)prev.mon, (unsigned)prev.mday)
	               : NULL,
	    .next_href =
	        agenda ? arena_printf(&rq->arena, "%s?dag=%04u-%02u-%02u", agenda,
	                              (unsigned)next.year, (unsigned)next.mon, (unsigned)next.mday)
	               : NULL,
	    .back = back && !sb_failed(back) ? sb_str(back) : NULL,
	    .status_action = page_href(rq, "/medewerker/status"),
	    .status_csrf = csrf_token_of(rq, FORM_STATUS),
	    .block_action = page_href(rq, "/medewerker/blokkeren"),
	    .block_csrf = csrf_token_of(rq, FORM_BLOCK),
	    .logout_action = page_href(rq, "/medewerker/uitloggen"),
	    .logout_csrf = csrf_token_of(rq, FORM_LOGOUT),
	};
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
		if (b->summary && *b->summary) {
			/* in the staff member's language, from the answers */
			struct sb *w = arena_sb(&rq->arena, 16384);
			if (w && selfcheck_stored_display(rq->app, b->summary, w))
				rows[i].summary = sb_str(w);
			else
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
		slots[i] = (struct c_option){.value = s[i].start, .label = s[i].start + 11};
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
	struct staff_callbacks_link cb = {.href = page_href(rq, "/medewerker/terugbellen"),
	                                  .open = callbacks_open_count(rq->app, loc)};
	v.callbacks = &cb;
	if (!v.date_label || !v.agenda_href || !v.prev_href || !v.next_href || !v.back || nb < 0 ||
	    (nb > 0 && !blocks) || !v.status_action || !v.status_csrf || !v.block_action ||
	    !v.block_csrf || !v.logout_action || !v.logout_csrf || !cb.href ||
	    (bookings.n && !rows) || (ns && !slots))
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Agenda"), 0) && tpl_staff_agenda(&rs->body, &v))
		page_end(rs, rq);
	booking_list_free(&bookings);
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
		    .action = page_href(rq, "/medewerker/blokkeren"),
		    .csrf = csrf_token_of(rq, FORM_BLOCK),
		    .what = what,
		    .words = words,
		    .back = text_local_path(back) ? back : page_href(rq, "/medewerker/agenda"),
		    .nbookings = n,
		};
		if (!cv.action || !cv.csrf || !cv.back)
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
	const char *disp =
	    arena_printf(&rq->arena, "attachment; filename=\"agenda-%s-%s.csv\"", loc, day);
	if (!disp || !response_header(rs, "Content-Disposition", disp))
		rs->body.failed = true; /* a 500 in server.c */
}

/* the markup is the template web/templates/staff_panel.html */
bool staff_booking_panel(struct request *rq, const struct booking *b,
                         const struct staff_panel_view **out)
{
	char loc[65];
	*out = NULL;
	if (!staff_session(rq, loc, sizeof(loc)) || strcmp(loc, b->location) != 0)
		return true;
	const char *agenda = page_href(rq, "/medewerker/agenda?dag=");
	struct staff_panel_view *v = arena_alloc(&rq->arena, sizeof(*v));
	if (!v)
		return false;
	*v = (struct staff_panel_view){
	    .name = b->name ? b->name : "-",
	    .status = b->status,
	    .confirmed = strcmp(b->status, "confirmed") == 0,
	    .status_action = page_href(rq, "/medewerker/status"),
	    .status_csrf = csrf_token_of(rq, FORM_STATUS),
	    .back = agenda ? arena_printf(&rq->arena, "%s%.10s", agenda, b->start) : NULL,
	    .id = b->id,
	};
	*out = v;
	return v->status_action && v->status_csrf && v->back;
}
