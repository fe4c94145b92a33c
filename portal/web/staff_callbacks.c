/* staff_callbacks: the call-back inbox of the staff view,
 * GET /{lang}/medewerker/terugbellen (a reader) and its status form,
 * POST /{lang}/medewerker/terugbellen/status (the writer). Only the
 * requests of the staff member's own wijkwijzer (staff_session). What it
 * shows and changes is domain/callbacks.h; the markup is
 * templates/staff_callbacks*.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/text.h"
#include "domain/callbacks.h"
#include "exec/db.h"
#include "net/csrf.h"
#include "net/route.h"
#include "store/content.h"
#include "web/handlers.h"
#include "web/page.h"
#include "web/staff.h"
#include "web/templates.h"
#include "web/views_cb.h"

#define FORM_CB_STATUS "/{lang}/medewerker/terugbellen/status"
#define FORM_LOGOUT    "/{lang}/medewerker/uitloggen"
#define HANDLED_SHOWN  20

static bool require_staff(struct request *rq, struct response *rs, char *loc, size_t len)
{
	rs->cache_control = "no-store";
	if (staff_session(rq, loc, len))
		return true;
	page_redirect(rs, rq, "/medewerker");
	return false;
}

/* A local time in words, from the request's arena; NULL without one. */
static const char *when(struct request *rq, const char *local)
{
	struct sb *w = local ? arena_sb(&rq->arena, 128) : NULL;
	return w && booking_when_words(w, local) && !sb_failed(w) ? sb_str(w) : NULL;
}

static const char *status_words(const char *status)
{
	if (!strcmp(status, "called"))
		return _("Gebeld");
	if (!strcmp(status, "not_reached"))
		return _("Niet bereikt");
	if (!strcmp(status, "done"))
		return _("Afgehandeld");
	/* TRANSLATORS: a call-back request nobody has called yet */
	return _("Nog niet gebeld");
}

static bool fill_items(struct request *rq, const struct callback_list *l,
                       struct staff_callback_item **out)
{
	*out = NULL;
	if (!l->n)
		return true;
	struct staff_callback_item *items = arena_alloc(&rq->arena, l->n * sizeof(*items));
	if (!items)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct callback *c = &l->items[i];
		struct staff_callback_item *it = &items[i];
		*it = (struct staff_callback_item){
		    .c = c,
		    .asked = when(rq, c->created_at),
		    .deadline = when(rq, c->deadline),
		    .handled = c->handled_at ? when(rq, c->handled_at) : NULL,
		    .status = status_words(c->status),
		    .called = !strcmp(c->status, "called"),
		    .not_reached = !strcmp(c->status, "not_reached"),
		};
		if (c->daypart && !strcmp(c->daypart, "ochtend"))
			it->daypart = _("'s ochtends");
		else if (c->daypart && !strcmp(c->daypart, "middag"))
			it->daypart = _("'s middags");
		/* asked in another language: the call may need it too */
		const struct i18n_lang *lang = c->lang ? i18n_find(c->lang) : NULL;
		if (lang && strcmp(c->lang, "nl") != 0)
			it->language = lang->native_name;
		text_tel(it->tel, sizeof(it->tel), c->phone ? c->phone : "");
		struct content_topic t;
		memset(&t, 0, sizeof(t));
		if (c->topic && *c->topic &&
		    content_ap_topic(db_catalog(rq->app), c->topic, &t) == CONTENT_FOUND)
			it->topic = arena_strdup(&rq->arena, t.name);
		content_topic_free(&t);
		if (!it->asked || !it->deadline || (c->handled_at && !it->handled))
			return false;
	}
	*out = items;
	return true;
}

void handle_staff_callbacks(struct request *rq, struct response *rs)
{
	char loc[65];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	struct callback_list open, handled;
	if (!callbacks_inbox(rq->app, loc, clock_now(), HANDLED_SHOWN, &open, &handled)) {
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
	struct staff_callback_item *oi = NULL, *hi = NULL;
	bool ok = fill_items(rq, &open, &oi) && fill_items(rq, &handled, &hi);
	struct staff_callbacks_view v = {
	    .place = pname,
	    .location = loc,
	    .agenda_href = page_href(rq, "/medewerker/agenda"),
	    .action = page_href(rq, "/medewerker/terugbellen/status"),
	    .csrf = csrf_token_of(rq, FORM_CB_STATUS),
	    .open = oi,
	    .nopen = oi ? open.n : 0,
	    .handled = hi,
	    .nhandled = hi ? handled.n : 0,
	    .logout_action = page_href(rq, "/medewerker/uitloggen"),
	    .logout_csrf = csrf_token_of(rq, FORM_LOGOUT),
	};
	for (size_t i = 0; i < v.nopen; i++)
		v.noverdue += open.items[i].overdue;
	if (!ok || !v.agenda_href || !v.action || !v.csrf || !v.logout_action || !v.logout_csrf)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Terugbelverzoeken"), 0) &&
	         tpl_staff_callbacks(&rs->body, &v))
		page_end(rs, rq);
	callbacks_list_free(&open);
	callbacks_list_free(&handled);
}

void handle_staff_callback_status(struct request *rq, struct response *rs)
{
	char loc[65];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	long id;
	const char *status = params_get(&rq->form, "status");
	const char *note = params_get(&rq->form, "notitie");
	struct sb *folded = note ? arena_sb(&rq->arena, 4096) : NULL;
	if (note && (!folded || !text_trim_fold(folded, note) || sb_failed(folded))) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
	enum callback_set r =
	    text_parse_long(params_get(&rq->form, "id"), 1, 1L << 40, &id)
	        ? callbacks_set_status(rq->app, loc, id, status, folded ? sb_str(folded) : NULL,
	                               clock_now())
	        : CALLBACK_SET_NOT_FOUND;
	if (r == CALLBACK_SET_INVALID &&
	    callbacks_check_note(folded ? sb_str(folded) : NULL) != BOOKING_FIELD_OK) {
		page_error(
		    rq, rs, 422, "bad_note",
		    _("De notitie is te lang of bevat een teken dat we niet kunnen gebruiken. "
		      "Gebruik hoogstens 300 tekens."));
		return;
	}
	if (r == CALLBACK_SET_ERROR) {
		page_error(
		    rq, rs, 503, "unavailable",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	if (r != CALLBACK_SET_OK) {
		page_error(
		    rq, rs, 400, "bad_status",
		    _("Dit lukte niet. Misschien hoort het verzoek bij een andere wijkwijzer."));
		return;
	}
	page_redirect(rs, rq, "/medewerker/terugbellen");
}
