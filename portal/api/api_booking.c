/* api_booking: the JSON API for appointments: topics, slots, bookings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "domain/booking.h"
#include "store/catalog.h"
#include "store/content.h"
#include "net/csrf.h"
#include "web/handlers.h"
#include "base/html.h"
#include "base/json.h"
#include "web/page.h"
#include "net/route.h"
#include "base/text.h"

void handle_api_topics(struct request *rq, struct response *rs)
{
	struct content_topic *t;
	size_t nt;
	if (!content_ap_topics(db_catalog(rq->app), &t, &nt)) {
		json_error(rs, 500, "internal", _(PAGE_UNAVAILABLE));
		return;
	}
	json_response(rs);
	struct sb *o = &rs->body;
	sb_puts(o, "{\"topics\":[");
	for (size_t i = 0; i < nt; i++) {
		sb_puts(o, i ? ",{\"id\":" : "{\"id\":");
		json_string(o, t[i].id);
		sb_puts(o, ",\"name\":");
		json_string(o, C_(t[i].name));
		sb_appendf(o, ",\"duration_min\":%d}", t[i].duration_min);
	}
	content_topics_free(t, nt);
	sb_puts(o, "]}\n");
}

void handle_api_slots(struct request *rq, struct response *rs)
{
	const char *loc = params_get(&rq->query, "location");
	const char *date = params_get(&rq->query, "date");
	const char *topic = params_get(&rq->query, "topic");
	struct booking_place cfg;
	if (!loc || !booking_place_config(rq->app, loc, &cfg)) {
		json_error(rs, 404, "unknown_location", _("Deze wijkwijzer kennen we niet."));
		return;
	}
	if (topic && booking_topic_duration(rq->app, topic) <= 0) {
		json_error(rs, 422, "unknown_topic", _("Dit onderwerp kennen we niet."));
		return;
	}
	json_response(rs);
	if (!date || !booking_slots_json(rq->app, loc, date, topic, &rs->body)) {
		json_error(rs, 400, "bad_date", _("Geef een datum als 2026-12-01."));
		return;
	}
	sb_puts(&rs->body, "\n");
}

/* "2026-12-01T09:30:00+01:00" or "2026-12-01T09:30" -> local "2026-12-01T09:30" */
static bool local_start(const char *in, char out[BOOKING_TIME_LEN])
{
	if (!in || strlen(in) < 16 || strlen(in) > 25)
		return false;
	snprintf(out, BOOKING_TIME_LEN, "%.16s", in);
	struct hours_day d;
	int m;
	if (!booking_parse_time(out, &d, &m))
		return false;
	if (strlen(in) == 16)
		return true;
	/* the offset must be the one in force at that moment in Enschede */
	struct sb iso;
	sb_init(&iso, 64);
	bool ok = booking_iso(&iso, out) && strcmp(sb_str(&iso), in) == 0;
	sb_free(&iso);
	return ok;
}

static void booking_json(struct request *rq, struct sb *o, const struct booking *b,
                         const char *token)
{
	char ref[16];
	booking_reference_display(b->reference, ref);
	const char *lang = i18n_find(b->lang) ? b->lang : "nl";
	sb_puts(o, "{\"reference\":");
	json_string(o, ref);
	if (token) {
		sb_puts(o, ",\"token\":");
		json_string(o, token);
	}
	sb_puts(o, ",\"status\":");
	json_string(o, b->status);
	sb_puts(o, ",\"start\":\"");
	booking_iso(o, b->start);
	sb_puts(o, "\",\"end\":\"");
	booking_iso(o, b->end);
	sb_puts(o, "\",\"location\":");
	json_string(o, b->location);
	sb_puts(o, ",\"topic\":");
	json_string(o, b->topic);
	struct sb *url = token ? arena_sb(&rq->arena, 512) : NULL;
	if (token && !url)
		o->failed = true; /* the response body: a 500 in server.c */
	if (url) {
		sb_appendf(url, "/%s/afspraak/%s", lang, token);
		sb_puts(o, ",\"manage_url\":");
		json_string(o, sb_str(url));
		sb_reset(url);
		sb_appendf(url, "/afspraak/%s/qr.svg", token);
		sb_puts(o, ",\"qr_url\":");
		json_string(o, sb_str(url));
		sb_reset(url);
		sb_appendf(url, "/afspraak/%s/afspraak.ics", token);
		sb_puts(o, ",\"ics_url\":");
		json_string(o, sb_str(url));
	}
	sb_puts(o, "}");
}

/* A field's error: its words in "fields", its stable code in "field_codes". */
struct field_error {
	const char *field, *code, *message;
};

static void field_errors(struct response *rs, int status, const struct field_error *e, size_t n)
{
	json_error(rs, status, "invalid", _("Niet alles is goed ingevuld."));
	/* json_error wrote {"error":{...}}: add the fields before the last "}}" */
	struct sb *o = &rs->body;
	if (o->len >= 3)
		o->len -= 3;
	for (int pass = 0; pass < 2; pass++) {
		sb_puts(o, pass ? ",\"field_codes\":{" : ",\"fields\":{");
		for (size_t i = 0; i < n; i++) {
			if (i)
				sb_putc(o, ',');
			json_string(o, e[i].field);
			sb_putc(o, ':');
			json_string(o, pass ? e[i].code : e[i].message);
		}
		sb_putc(o, '}');
	}
	sb_puts(o, "}}\n");
}

static const char *field_code(enum booking_field_error e)
{
	switch (e) {
	case BOOKING_FIELD_OK:
		return "ok";
	case BOOKING_FIELD_MISSING:
		return "missing";
	case BOOKING_FIELD_TOO_LONG:
		return "too_long";
	case BOOKING_FIELD_BAD_CHAR:
		return "bad_character";
	case BOOKING_FIELD_MALFORMED:
		return "malformed";
	case BOOKING_FIELD_UNKNOWN:
		return "unknown";
	}
	return "invalid";
}

/* The validator's findings as field errors, in the words of the booking
 * form (pages_booking.c), appended to e (which has room for five more). */
static size_t detail_errors(const struct booking_errors *v, struct field_error *e, size_t ne)
{
	if (v->name == BOOKING_FIELD_TOO_LONG)
		e[ne++] =
		    (struct field_error){"name", field_code(v->name),
		                         _("Uw naam is te lang. Gebruik hoogstens 100 tekens.")};
	else if (v->name == BOOKING_FIELD_BAD_CHAR)
		e[ne++] = (struct field_error){
		    "name", field_code(v->name),
		    _("In uw naam staat een teken dat we niet kunnen gebruiken. Typ uw naam "
		      "opnieuw.")};
	else if (v->name != BOOKING_FIELD_OK)
		e[ne++] = (struct field_error){"name", field_code(v->name),
		                               _("Vul uw naam in. Een voornaam is genoeg.")};
	if (v->phone != BOOKING_FIELD_OK)
		e[ne++] = (struct field_error){
		    "phone", field_code(v->phone),
		    _("Dit telefoonnummer klopt niet. Gebruik alleen cijfers, zoals 06 12345678.")};
	if (v->email != BOOKING_FIELD_OK)
		e[ne++] = (struct field_error){
		    "email", field_code(v->email),
		    _("Dit e-mailadres klopt niet. Het ziet eruit als naam@voorbeeld.nl.")};
	if (v->interpreter != BOOKING_FIELD_OK)
		e[ne++] =
		    (struct field_error){"interpreter", field_code(v->interpreter),
		                         _("Geef de taal voor de tolk als code, zoals ar of tr.")};
	if (v->lang != BOOKING_FIELD_OK)
		e[ne++] = (struct field_error){"lang", field_code(v->lang),
		                               _("Deze taal kennen we niet.")};
	return ne;
}

void handle_api_book(struct request *rq, struct response *rs)
{
	if (!csrf_same_origin(rq)) {
		json_error(rs, 403, "cross_origin", _("Dit verzoek komt niet van deze website."));
		return;
	}
	const char *ct = rq->content_type ? rq->content_type : "";
	if (!text_ascii_nieq(ct, "application/json", 16)) {
		json_error(rs, 415, "unsupported_media_type", _("Stuur JSON (application/json)."));
		return;
	}
	struct json_object o;
	if (json_parse_object(sb_str(&rq->body), rq->body.len, &o) != JSON_OK) {
		json_error(rs, 400, "bad_json", _("Dit is geen geldige JSON."));
		return;
	}
	struct field_error errs[8];
	size_t ne = 0;
	const char *loc = json_get_string(&o, "location");
	const char *start = json_get_string(&o, "start");
	const char *topic = json_get_string(&o, "topic");
	const char *name = json_get_string(&o, "name");
	const char *phone = json_get_string(&o, "phone");
	const char *email = json_get_string(&o, "email");
	const char *lang = json_get_string(&o, "lang");
	char local[BOOKING_TIME_LEN];
	struct booking_place cfg;
	if (!loc || !booking_place_config(rq->app, loc, &cfg))
		errs[ne++] = (struct field_error){"location", "unknown",
		                                  _("Deze wijkwijzer kennen we niet.")};
	if (!topic || booking_topic_duration(rq->app, topic) <= 0)
		errs[ne++] =
		    (struct field_error){"topic", "unknown", _("Dit onderwerp kennen we niet.")};
	if (!local_start(start, local))
		errs[ne++] = (struct field_error){
		    "start", "malformed",
		    _("Geef de begintijd zoals de lijst met vrije tijden die geeft.")};
	/* an "interpreter" string asks for one: "" is refused, not ignored */
	const char *interp = json_get_string(&o, "interpreter");
	unsigned needs = interp ? NEED_INTERPRETER : 0;
	const struct json_field *f;
	if ((f = json_get(&o, "wheelchair")) && f->type == JSON_BOOL && f->b)
		needs |= NEED_WHEELCHAIR;
	if ((f = json_get(&o, "companion")) && f->type == JSON_BOOL && f->b)
		needs |= NEED_COMPANION;
	if ((f = json_get(&o, "client_support")) && f->type == JSON_BOOL && f->b)
		needs |= NEED_CLIENT_SUPPORT;
	struct booking_request br = {
	    .location = loc,
	    .start = local,
	    .topic = topic,
	    .name = name,
	    .phone = phone,
	    .email = email,
	    .lang = lang ? lang : rq->lang->code,
	    .needs = needs,
	    .interpreter_lang = interp,
	    .origin = "api",
	    /* the kiosk books through the pages, not the API: no terminal
	       here, the API's bookings count for the client address */
	    .client = rq->peer,
	    .terminal = NULL,
	};
	struct booking_errors v;
	if (!booking_validate(&br, &v))
		ne = detail_errors(&v, errs, ne);
	if (ne) {
		field_errors(rs, ne == 1 && strcmp(errs[0].field, "start") == 0 ? 400 : 422, errs,
		             ne);
		json_object_free(&o);
		return;
	}
	struct sb *token = arena_sb(&rq->arena, 128);
	if (!token) {
		rs->body.failed = true; /* a 500 in server.c; nothing booked */
		json_object_free(&o);
		return;
	}
	struct booking b;
	enum booking_result r = booking_create(rq->app, &br, clock_now(), token, &b);
	if (r == BOOKING_OK) {
		rs->status = 201;
		json_response(rs);
		booking_json(rq, &rs->body, &b, sb_str(token));
		sb_puts(&rs->body, "\n");
		booking_free(&b);
	} else if (r == BOOKING_FULL) {
		json_error(rs, 409, "slot_full",
		           _("Deze tijd is net bezet. Kies een andere tijd."));
	} else if (r == BOOKING_BAD_SLOT) {
		struct field_error e = {"start", "not_bookable",
		                        _("Op deze tijd kunt u geen afspraak maken.")};
		field_errors(rs, 422, &e, 1);
	} else if (r == BOOKING_INVALID) {
		/* booking_validate passed above, so booking_create cannot say this */
		json_error(rs, 422, "invalid", _("Niet alles is goed ingevuld."));
	} else if (r == BOOKING_LIMIT) {
		json_error(rs, 429, "too_many",
		           _("Met dit telefoonnummer of e-mailadres zijn deze week al drie "
		             "afspraken gemaakt."));
	} else if (r == BOOKING_CLIENT_LIMIT) {
		json_error(rs, 429, "too_many_without_contact",
		           _("Zonder telefoonnummer of e-mailadres kunt u vanaf dit apparaat deze "
		             "week geen afspraak meer maken."));
	} else {
		json_error(rs, 503, "unavailable",
		           _("Uw afspraak kon nu niet worden opgeslagen. Er is niets vastgelegd."));
	}
	json_object_free(&o);
}

void handle_api_booking(struct request *rq, struct response *rs)
{
	const char *token = route_param(rq, 0);
	struct booking b;
	enum booking_result r;
	if (rq->method == HM_DELETE) {
		if (!csrf_same_origin(rq)) {
			json_error(rs, 403, "cross_origin",
			           _("Dit verzoek komt niet van deze website."));
			return;
		}
		r = booking_cancel(rq->app, token, &b);
	} else {
		r = booking_find(rq->app, token, &b);
	}
	if (r == BOOKING_NOT_FOUND) {
		json_error(rs, 404, "unknown_booking", _("We kunnen deze afspraak niet vinden."));
		return;
	}
	if (r == BOOKING_CANCELLED && rq->method == HM_DELETE) {
		booking_free(&b);
		json_error(rs, 410, "cancelled", _("Deze afspraak is al afgezegd."));
		return;
	}
	if (r != BOOKING_OK && r != BOOKING_CANCELLED) {
		json_error(rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	json_response(rs);
	booking_json(rq, &rs->body, &b, NULL);
	sb_puts(&rs->body, "\n");
	booking_free(&b);
}
