/* pages_callback: "Bel mij terug" for residents, GET and POST
 * /{lang}/terugbellen (and the POST of the booking flow's form when no
 * time is free, /{lang}/afspraak/terugbellen): which wijkwijzer, the
 * topic (optional), name, phone number (required) and the part of the
 * day that suits. The wijkwijzer is preselected from the page it came
 * from (?locatie=), the kiosk's own, or the nearest to a postcode (also
 * the self-check's, sealed). Nothing personal goes into a URL: the
 * details are posted and the answer is the page itself. Every page here
 * is Cache-Control: no-store. The markup is templates/callback_*.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/text.h"
#include "domain/callbacks.h"
#include "domain/selfcheck.h"
#include "exec/db.h"
#include "net/csrf.h"
#include "net/route.h"
#include "store/content.h"
#include "web/handlers.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "web/templates.h"
#include "web/views_cb.h"

#define FORM_CALLBACK "/{lang}/terugbellen"

static const char *param(struct request *rq, const char *name)
{
	const char *v = rq->method == HM_POST ? params_get(&rq->form, name) : NULL;
	if (!v)
		v = params_get(&rq->query, name);
	return v && *v ? v : NULL;
}

/* White space folded, from the request's arena ("" for none). */
static const char *clean(struct request *rq, const char *s)
{
	struct sb *b = arena_sb(&rq->arena, 4096);
	if (!b || !text_trim_fold(b, s ? s : "") || sb_failed(b))
		return NULL;
	return sb_str(b);
}

struct form_input {
	const char *location, *topic, *name, *phone, *daypart, *selfcheck;
	const char *err_place, *err_name, *err_phone;
};

/* The form, with what was typed and the errors of a POST that came back. */
static void form_page(struct request *rq, struct response *rs, const struct form_input *in)
{
	struct catalog *cat = db_catalog(rq->app);
	struct callback_form_view v = {
	    .action = page_href(rq, "/terugbellen"),
	    .csrf = csrf_token_of(rq, FORM_CALLBACK),
	    .name = in->name,
	    .phone = in->phone,
	    .err_place = in->err_place,
	    .err_name = in->err_name,
	    .err_phone = in->err_phone,
	    .selfcheck = in->selfcheck,
	};
	struct kiosk_terminal kt;
	v.kiosk = request_kiosk(rq, &kt);
	/* which one: asked for, else the kiosk's own, else the nearest */
	const char *chosen = in->location;
	if (!chosen && v.kiosk)
		chosen = kt.location;
	struct point near;
	bool has_near = false;
	if (!chosen && rq->method != HM_POST) {
		(void)read_place(rq, &near);
		has_near = true;
	}
	struct content_place *pl = NULL;
	size_t npl = 0;
	bool ok = content_ap_places(cat, has_near ? &near : NULL, 32, &pl, &npl);
	if (!chosen && npl && pl[0].has_distance)
		chosen = pl[0].id;
	struct c_option *places = ok && npl ? arena_alloc(&rq->arena, npl * sizeof(*places)) : NULL;
	for (size_t i = 0; places && i < npl; i++)
		places[i] = (struct c_option){
		    .value = arena_strdup(&rq->arena, pl[i].id),
		    .label = arena_strdup(&rq->arena, pl[i].name),
		    .selected = chosen && strcmp(chosen, pl[i].id) == 0,
		};
	v.places = places;
	v.nplaces = places ? npl : 0;
	/* no silent default: the first of the list is nobody's wijkwijzer */
	v.place_chosen = chosen != NULL;
	if (ok)
		content_places_free(pl, npl);
	struct content_topic *tp = NULL;
	size_t ntp = 0;
	bool tok = content_ap_topics(cat, &tp, &ntp);
	struct c_option *topics =
	    tok && ntp ? arena_alloc(&rq->arena, ntp * sizeof(*topics)) : NULL;
	for (size_t i = 0; topics && i < ntp; i++)
		topics[i] = (struct c_option){
		    .value = arena_strdup(&rq->arena, tp[i].id),
		    .label = arena_strdup(&rq->arena, C_(tp[i].name)),
		    .selected = in->topic && strcmp(in->topic, tp[i].id) == 0,
		};
	v.topics = topics;
	v.ntopics = topics ? ntp : 0;
	for (size_t i = 0; tok && i < ntp; i++)
		content_topic_free(&tp[i]);
	free(tp);
	const char *dp = in->daypart ? in->daypart : "";
	struct c_choice *dayparts = arena_alloc(&rq->arena, 3 * sizeof(*dayparts));
	if (dayparts) {
		dayparts[0] = (struct c_choice){"", _("Dat maakt niet uit"), !*dp};
		dayparts[1] =
		    (struct c_choice){"ochtend", _("'s Ochtends"), !strcmp(dp, "ochtend")};
		dayparts[2] = (struct c_choice){"middag", _("'s Middags"), !strcmp(dp, "middag")};
	}
	v.dayparts = dayparts;
	v.ndayparts = 3;
	if (in->err_place)
		v.errors[v.nerrors++] = (struct c_link){"#cb-locatie", in->err_place};
	if (in->err_name)
		v.errors[v.nerrors++] = (struct c_link){"#cb-naam", in->err_name};
	if (in->err_phone)
		v.errors[v.nerrors++] = (struct c_link){"#cb-telefoon", in->err_phone};
	if (!v.action || !v.csrf || !ok || (npl && !places) || (ntp && !topics) || !dayparts)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Bel mij terug"), 0) && tpl_callback_form(&rs->body, &v))
		page_end(rs, rq);
}

void handle_callback(struct request *rq, struct response *rs)
{
	rs->cache_control = "no-store";
	struct catalog *cat = db_catalog(rq->app);
	struct form_input in = {
	    .location = param(rq, "locatie"),
	    .topic = param(rq, "onderwerp"),
	    .daypart = param(rq, "dagdeel"),
	    .selfcheck = param(rq, "zelfcheck"),
	};
	struct content_place place;
	memset(&place, 0, sizeof(place));
	bool known = in.location && content_ap_place(cat, in.location, &place) == CONTENT_FOUND;
	if (!known)
		in.location = NULL;
	struct content_topic t;
	memset(&t, 0, sizeof(t));
	if (in.topic && content_ap_topic(cat, in.topic, &t) != CONTENT_FOUND)
		in.topic = NULL;
	content_topic_free(&t);
	if (!callbacks_daypart_known(in.daypart))
		in.daypart = NULL;
	if (in.selfcheck && !selfcheck_code_valid(rq->app, in.selfcheck))
		in.selfcheck = NULL;
	if (rq->method != HM_POST) {
		form_page(rq, rs, &in);
		content_place_free(&place);
		return;
	}
	in.name = clean(rq, params_get(&rq->form, "naam"));
	in.phone = clean(rq, params_get(&rq->form, "telefoon"));
	if (!in.name || !in.phone) {
		rs->body.failed = true; /* a 500 in server.c */
		content_place_free(&place);
		return;
	}
	if (!known)
		in.err_place = _("Kies van welke wijkwijzer u gebeld wilt worden.");
	in.err_name = page_name_error(booking_check_name(in.name));
	if (!*in.phone)
		in.err_phone = _("Vul uw telefoonnummer in. Dan kunnen we u terugbellen.");
	else if (booking_check_phone(in.phone) != BOOKING_FIELD_OK)
		in.err_phone =
		    _("Dit telefoonnummer klopt niet. Gebruik alleen cijfers, zoals 06 12345678.");
	if (in.err_place || in.err_name || in.err_phone) {
		rs->status = 422; /* before page_begin: the title says "Fout:" */
		form_page(rq, rs, &in);
		content_place_free(&place);
		return;
	}
	struct callback_new cb = {
	    .location = in.location,
	    .topic = in.topic,
	    .name = in.name,
	    .phone = in.phone,
	    .lang = rq->lang ? rq->lang->code : "nl",
	    .daypart = in.daypart,
	};
	char deadline[BOOKING_TIME_LEN];
	if (!callbacks_create(rq->app, &cb, clock_now(), deadline)) {
		page_error(rq, rs, 503, "unavailable",
		           _("Uw verzoek kon nu niet worden opgeslagen. Er is niets vastgelegd. "
		             "Probeer het over een paar minuten opnieuw, of bel de wijkwijzer."));
		content_place_free(&place);
		return;
	}
	struct sb *words = arena_sb(&rq->arena, 128);
	struct kiosk_terminal kt;
	struct callback_done_view v = {
	    .deadline = words && booking_when_words(words, deadline) ? sb_str(words) : NULL,
	    .place = arena_strdup(&rq->arena, place.name),
	    .home = request_kiosk(rq, &kt) ? arena_printf(&rq->arena, "/kiosk/%s?lang=%s", kt.id,
	                                                  rq->lang ? rq->lang->code : "nl")
	                                   : page_href(rq, "/"),
	};
	content_place_free(&place);
	if (!v.deadline || !v.place || !v.home)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Wij bellen u terug"), 0) && tpl_callback_done(&rs->body, &v))
		page_end(rs, rq);
}
