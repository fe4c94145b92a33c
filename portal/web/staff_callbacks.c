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
#define HANDLED_SHOWN  20

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
	struct staff_user u;
	const char *loc = staff_require_location(rq, rs, &u);
	if (!loc)
		return;
	/* what is not in the audit trail is not shown */
	struct audit_subject seen = {.location = loc};
	if (!staff_audit(rq, rs, &u, AUDIT_CALLBACK_VIEW, &seen))
		return;
	struct callback_list open, handled;
	if (!callbacks_inbox(rq->app, loc, clock_now(), HANDLED_SHOWN, &open, &handled)) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
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
	const char *agenda = page_href(rq, "/medewerker/agenda?locatie=");
	struct staff_callbacks_view v = {
	    .nav = staff_nav_of(rq, &u, STAFF_NAV_CALLBACKS),
	    .place = pname,
	    .location = loc,
	    .inbox_href = page_href(rq, "/medewerker/terugbellen"),
	    .agenda_href = agenda ? arena_printf(&rq->arena, "%s%s", agenda, loc) : NULL,
	    .action = page_href(rq, "/medewerker/terugbellen/status"),
	    .csrf = csrf_token_of(rq, FORM_CB_STATUS),
	    .open = oi,
	    .nopen = oi ? open.n : 0,
	    .handled = hi,
	    .nhandled = hi ? handled.n : 0,
	};
	v.places = staff_place_choices(rq, &u, loc, &v.nplaces);
	for (size_t i = 0; i < v.nopen; i++)
		v.noverdue += open.items[i].overdue;
	if (!ok || !v.nav || !v.inbox_href || !v.agenda_href || !v.action || !v.csrf)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Terugbelverzoeken"), 0) &&
	         tpl_staff_callbacks(&rs->body, &v))
		page_end(rs, rq);
	callbacks_list_free(&open);
	callbacks_list_free(&handled);
}

void handle_staff_callback_status(struct request *rq, struct response *rs)
{
	struct staff_user u;
	const char *loc = staff_require_location(rq, rs, &u);
	if (!loc)
		return;
	long id;
	const char *status = params_get(&rq->form, "status");
	const char *note = params_get(&rq->form, "notitie");
	struct sb *folded = note ? arena_sb(&rq->arena, 4096) : NULL;
	if (note && (!folded || !text_trim_fold(folded, note) || sb_failed(folded))) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
	const char *text = folded ? sb_str(folded) : NULL;
	if (callbacks_check_note(text) != BOOKING_FIELD_OK) {
		page_error(
		    rq, rs, 422, "bad_note",
		    _("De notitie is te lang of bevat een teken dat we niet kunnen gebruiken. "
		      "Gebruik hoogstens 300 tekens."));
		return;
	}
	bool known_id = text_parse_long(params_get(&rq->form, "id"), 1, 1L << 40, &id);
	enum callback_set r =
	    known_id ? callbacks_set_status(rq->app, loc, id, status, text, clock_now())
	             : CALLBACK_SET_NOT_FOUND;
	if (r == CALLBACK_SET_ERROR) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (r != CALLBACK_SET_OK) {
		page_error(
		    rq, rs, 400, "bad_status",
		    _("Dit lukte niet. Misschien hoort het verzoek bij een andere wijkwijzer."));
		return;
	}
	/* the change and its row of the trail go into the same group commit
	   (this handler runs on the writer): a failing commit loses both; the
	   status word is no personal data */
	struct audit_subject s = {.location = loc, .callback = id, .detail = status};
	if (!staff_audit(rq, rs, &u, AUDIT_CALLBACK_STATUS, &s))
		return;
	const char *back = page_href(rq, "/medewerker/terugbellen?locatie=");
	if (!back || !response_redirect(rs, 303, arena_printf(&rq->arena, "%s%s", back, loc)))
		page_redirect(rs, rq, "/medewerker/terugbellen");
}
