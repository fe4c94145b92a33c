/* pages_manage: an appointment after it is made, reached by its secret
 * link or QR code: view, print (A4 and 80 mm receipt, bilingual when the
 * resident's language is not Dutch), calendar file, cancel, reschedule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "domain/booking.h"
#include "domain/mail.h"
#include "store/catalog.h"
#include "store/content.h"
#include "net/csrf.h"
#include "web/handlers.h"
#include "base/ics.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "base/qr.h"
#include "net/route.h"
#include "web/staff.h"
#include "web/templates.h"
#include "web/views_svc.h"
#include "web/kiosk.h"
#include "base/text.h"
#include "base/rate.h"

#define FORM_CANCEL "/{lang}/afspraak/{token}/annuleren"
#define FORM_MOVE   "/{lang}/afspraak/{token}/verzetten"
#define FORM_FIND   "/{lang}/afspraak/terugvinden"

/* tries of "Afspraak terugvinden" per client address in FIND_WINDOW_S */
#define FIND_TRIES    10
#define FIND_WINDOW_S 900
/* tries for one reference a day, from any address */
#define FIND_REF_TRIES 8

/* What the page needs about the place and the topic. */
struct place_info {
	char name[128], address[128], postal_code[16], city[64];
	double lat, lon;
	char topic[128], bring[512];
};

static void place_info(struct app *app, const struct booking *b, struct place_info *p)
{
	memset(p, 0, sizeof(*p));
	/* the texts are for display only: truncation harmless */
	struct content_place pl;
	if (content_place(db_catalog(app), b->location, &pl) == CONTENT_FOUND) {
		snprintf(p->name, sizeof(p->name), "%s", pl.name);
		snprintf(p->address, sizeof(p->address), "%s", pl.address);
		snprintf(p->postal_code, sizeof(p->postal_code), "%s", pl.postal_code);
		snprintf(p->city, sizeof(p->city), "%s", pl.city);
		p->lat = pl.lat;
		p->lon = pl.lon;
	}
	content_place_free(&pl);
	struct content_topic t;
	if (content_ap_topic(db_catalog(app), b->topic, &t) == CONTENT_FOUND) {
		snprintf(p->topic, sizeof(p->topic), "%s", t.name);
		snprintf(p->bring, sizeof(p->bring), "%s", t.bring ? t.bring : "");
	}
	content_topic_free(&t);
}

/* The absolute URL of this site, for QR codes and calendar files: the
 * public address only, never the Host header. */
void public_base(const struct request *rq, struct sb *out)
{
	sb_puts(out, rq->app->cfg.pub.base);
}

/* The view of manage_facts.html, in the language in use: the time in
 * words goes into when (a builder of the caller). */
static void facts_view(struct manage_facts *f, const struct request *rq, const struct booking *b,
                       const struct place_info *p, const char *ref, struct sb *when)
{
	booking_when_words(when, b->start);
	*f = (struct manage_facts){
	    .lang = rq->lang ? rq->lang->code : "nl",
	    .ref = ref,
	    .when = sb_str(when),
	    .name = p->name,
	    .address = p->address,
	    .postal_code = p->postal_code,
	    .city = p->city,
	    .topic = p->topic,
	    .bring = p->bring,
	};
}

static bool find_or_error(struct request *rq, struct response *rs, const char *token,
                          struct booking *b, bool allow_cancelled)
{
	enum booking_result r = booking_find(rq->app, token, b);
	if (r == BOOKING_OK || (allow_cancelled && r == BOOKING_CANCELLED))
		return true;
	if (r == BOOKING_CANCELLED) {
		booking_free(b);
		page_error(rq, rs, 410, "cancelled",
		           _("Deze afspraak is afgezegd. U kunt een nieuwe afspraak maken."));
	} else if (r == BOOKING_NOT_FOUND) {
		page_error(
		    rq, rs, 404, "unknown_booking",
		    _("We kunnen deze afspraak niet vinden. Misschien is de link niet helemaal "
		      "overgenomen, of zijn de gegevens na afloop gewist. Bel de wijkwijzer als u "
		      "twijfelt."));
	} else {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
	}
	return false;
}

void handle_manage(struct request *rq, struct response *rs)
{
	const char *token = route_param(rq, 1);
	struct booking b;
	rs->cache_control = "no-store";
	if (!find_or_error(rq, rs, token, &b, true))
		return;
	struct place_info p;
	place_info(rq->app, &b, &p);
	char ref[16];
	booking_reference_display(b.reference, ref);
	bool cancelled = strcmp(b.status, "cancelled") == 0;
	bool receipt = params_get(&rq->query, "bon") != NULL;
	struct sb *when = arena_sb(&rq->arena, 0), *desk_when = arena_sb(&rq->arena, 0);
	if (!when || !desk_when) {
		rs->body.failed = true; /* a 500 in server.c */
		booking_free(&b);
		return;
	}
	struct manage_view v = {
	    .lang = rq->lang->code,
	    .token = token,
	    .fresh = params_get(&rq->query, "nieuw") != NULL,
	    .mailed = mail_enabled(rq->app) && b.email && *b.email,
	    .moved = params_get(&rq->query, "verzet") != NULL,
	    .cancelled = cancelled,
	    .receipt = receipt,
	    .lat = p.lat,
	    .lon = p.lon,
	    .kiosk = rq->kiosk,
	    /* a kiosk prints only where it has a receipt printer */
	    .print = !rq->kiosk || rq->terminal.printer,
	};
	bool ok = staff_booking_panel(rq, &b, &v.staff);
	facts_view(&v.facts, rq, &b, &p, ref, when);
	if (!cancelled) {
		struct sb *url = arena_sb(&rq->arena, 512);
		if (url)
			public_base(rq, url);
		ok = ok && url && page_link(url, rq, "/afspraak/") && sb_puts(url, token) &&
		     !sb_failed(url) &&
		     page_qr(&v.qr, rq, sb_str(url), _("QR-code met de link naar uw afspraak"),
		             _("Scan deze code met de camera van uw telefoon. Dan heeft u uw "
		               "afspraak bij "
		               "de hand."));
		v.url = ok ? sb_str(url) : NULL;
	}
	ok = ok && !sb_failed(when) &&
	     page_begin(rs, rq, _("Uw afspraak"), receipt ? PAGE_RECEIPT : 0) &&
	     tpl_manage(&rs->body, &v);
	/* the Dutch version for the desk, on paper only */
	if (ok && !cancelled && strcmp(rq->lang->code, "nl") != 0) {
		const struct i18n_lang *prev = i18n_use(i18n_find("nl"));
		struct request nl = *rq;
		nl.lang = i18n_find("nl");
		facts_view(&v.desk, &nl, &b, &p, ref, desk_when);
		ok = !sb_failed(desk_when) && tpl_manage_desk(&rs->body, &v);
		i18n_use(prev);
	}
	if (ok && !cancelled && !receipt)
		ok = tpl_manage_actions(&rs->body, &v);
	if (ok && receipt) {
		/* back to the appointment, in the language of the page */
		struct sb *back = arena_sb(&rq->arena, 256);
		ok = back && page_link(back, rq, "/afspraak/") && sb_puts(back, token) &&
		     tpl_receipt_back(&rs->body, sb_str(back));
	}
	if (!ok)
		rs->body.failed = true; /* a 500 in server.c */
	else
		page_end(rs, rq);
	booking_free(&b);
}

void handle_cancel(struct request *rq, struct response *rs)
{
	const char *token = route_param(rq, 1);
	struct booking b;
	rs->cache_control = "no-store";
	if (!find_or_error(rq, rs, token, &b, false))
		return;
	if (rq->method == HM_POST) {
		booking_free(&b);
		enum booking_result r = booking_cancel(rq->app, token, &b);
		if (r != BOOKING_OK) {
			page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
			return;
		}
		struct sb *url = arena_sb(&rq->arena, 256);
		if (!url || !page_link(url, rq, "/afspraak/") || !sb_puts(url, token) ||
		    !response_redirect(rs, 303, sb_str(url)))
			rs->body.failed = true; /* a 500 in server.c */
		booking_free(&b);
		return;
	}
	struct place_info p;
	place_info(rq->app, &b, &p);
	char ref[16];
	booking_reference_display(b.reference, ref);
	struct sb *when = arena_sb(&rq->arena, 0);
	struct manage_cancel_view v = {
	    .lang = rq->lang->code, .token = token, .csrf = csrf_token_of(rq, FORM_CANCEL)};
	bool ok = when && v.csrf;
	if (ok) {
		facts_view(&v.facts, rq, &b, &p, ref, when);
		ok = !sb_failed(when) && page_begin(rs, rq, _("Afspraak afzeggen"), 0) &&
		     tpl_manage_cancel(&rs->body, &v);
	}
	if (!ok)
		rs->body.failed = true; /* a 500 in server.c */
	else
		page_end(rs, rq);
	booking_free(&b);
}

/* Moving: the places, and the booking's own day and time picker
 * (booking_picker in pages_booking.c) at the chosen place (?locatie=,
 * the booking's own by default), across weeks (?week=) to a day (?dag=),
 * whose free times are posted here. */
void handle_move(struct request *rq, struct response *rs)
{
	const char *token = route_param(rq, 1);
	struct booking b;
	rs->cache_control = "no-store";
	if (!find_or_error(rq, rs, token, &b, false))
		return;
	const char *taken = NULL;
	const char *location = params_get(&rq->form, "locatie");
	if (!location || !*location)
		location = params_get(&rq->query, "locatie");
	struct content_place chosen;
	if (!location || content_ap_place(db_catalog(rq->app), location, &chosen) != CONTENT_FOUND)
		location = b.location;
	else
		content_place_free(&chosen);
	if (rq->method == HM_POST) {
		const char *to = params_get(&rq->form, "tijd");
		struct booking moved;
		enum booking_result r =
		    to ? booking_move(rq->app, token, location, to, clock_now(), &moved)
		       : BOOKING_BAD_SLOT;
		if (r == BOOKING_OK) {
			booking_free(&moved);
			struct sb *url = arena_sb(&rq->arena, 256);
			if (!url || !page_link(url, rq, "/afspraak/") ||
			    !sb_appendf(url, "%s?verzet=1", token) ||
			    !response_redirect(rs, 303, sb_str(url)))
				rs->body.failed = true; /* a 500 in server.c */
			booking_free(&b);
			return;
		}
		if (r == BOOKING_LIMIT || r == BOOKING_CLIENT_LIMIT) {
			/* the weekly cap of the week moved into (booking.h) */
			rs->status = 429;
			taken =
			    _("In die week heeft u al zoveel afspraken als kan. Uw oude afspraak "
			      "blijft staan. Kies een tijd in een andere week.");
		} else if (r != BOOKING_FULL && r != BOOKING_BAD_SLOT) {
			booking_free(&b);
			page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
			return;
		} else {
			rs->status = 409;
			taken = _("Deze tijd is net bezet. Uw oude afspraak blijft staan. Kies een "
			          "andere tijd.");
		}
	}
	struct sb *now = arena_sb(&rq->arena, 0);
	struct sb *path = arena_sb(&rq->arena, 128);
	const char *csrf = csrf_token_of(rq, FORM_MOVE);
	bool ok = now && csrf && path && booking_when_words(now, b.start) && !sb_failed(now) &&
	          sb_appendf(path, "/afspraak/%s/verzetten", token);
	struct content_place *rows = NULL;
	size_t n = 0;
	bool listed = ok && content_ap_places(db_catalog(rq->app), NULL, 32, &rows, &n);
	struct c_link *places = listed && n ? arena_alloc(&rq->arena, n * sizeof(*places)) : NULL;
	struct manage_move_view v = {
	    .lang = rq->lang->code,
	    .token = token,
	    .now = ok ? sb_str(now) : NULL,
	    .taken = taken,
	    .places = places,
	};
	for (size_t i = 0; places && i < n; i++) {
		struct sb *u = arena_sb(&rq->arena, 256);
		if (!u || !page_link(u, rq, sb_str(path)) || !sb_puts(u, "?locatie=") ||
		    !text_url_encode(u, rows[i].id)) {
			ok = false;
			break;
		}
		places[v.nplaces] =
		    (struct c_link){sb_str(u), arena_strdup(&rq->arena, rows[i].name)};
		if (strcmp(rows[i].id, location) == 0)
			v.current = v.nplaces;
		v.nplaces++;
	}
	if (listed)
		content_places_free(rows, n);
	const char *day = rq->method == HM_POST ? NULL : params_get(&rq->query, "dag");
	if (!ok)
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Afspraak verzetten"), 0) && tpl_manage_move(&rs->body, &v)) {
		booking_picker(rq, rs, sb_str(path), csrf, location, b.topic, day,
		               strcmp(location, b.location) == 0 ? b.start : NULL);
		if (tpl_manage_move_end(&rs->body, &v))
			page_end(rs, rq);
	}
	booking_free(&b);
}

void handle_booking_qr(struct request *rq, struct response *rs)
{
	const char *token = route_param(rq, 0);
	struct booking b;
	enum booking_result r = booking_find(rq->app, token, &b);
	rs->cache_control = "no-store";
	if (r != BOOKING_OK && r != BOOKING_CANCELLED) {
		http_not_found(rq, rs);
		return;
	}
	struct sb *url = arena_sb(&rq->arena, 512);
	if (url) {
		public_base(rq, url);
		sb_appendf(url, "/%s/afspraak/%s", i18n_find(b.lang) ? b.lang : "nl", token);
	}
	const struct i18n_lang *prev = i18n_use(i18n_find(b.lang));
	rs->content_type = "image/svg+xml";
	if (!url || sb_failed(url) ||
	    !qr_svg(&rs->body, sb_str(url), _("QR-code met de link naar uw afspraak")))
		rs->body.failed = true;
	i18n_use(prev);
	booking_free(&b);
}

void handle_booking_ics(struct request *rq, struct response *rs)
{
	const char *token = route_param(rq, 0);
	struct booking b;
	rs->cache_control = "no-store";
	/* a cancelled appointment's file is still served, as a CANCEL, so a
	   calendar that has it can remove it */
	enum booking_result found = booking_find(rq->app, token, &b);
	if (found != BOOKING_OK && found != BOOKING_CANCELLED) {
		booking_free(&b);
		http_not_found(rq, rs);
		return;
	}
	time_t modified = 0;
	if (b.updated_at && !clock_parse_iso(b.updated_at, &modified))
		modified = 0;
	const struct i18n_lang *lang = i18n_find(b.lang) ? i18n_find(b.lang) : i18n_default();
	const struct i18n_lang *prev = i18n_use(lang);
	struct place_info p;
	place_info(rq->app, &b, &p);
	char ref[16];
	booking_reference_display(b.reference, ref);
	struct sb *uid = arena_sb(&rq->arena, 128), *summary = arena_sb(&rq->arena, 256),
	          *where = arena_sb(&rq->arena, 512), *desc = arena_sb(&rq->arena, 2048),
	          *url = arena_sb(&rq->arena, 512);
	if (!uid || !summary || !where || !desc || !url) {
		rs->body.failed = true; /* a 500 in server.c */
		i18n_use(prev);
		booking_free(&b);
		return;
	}
	sb_appendf(uid, "%s@wijkwijzer.enschede", b.reference);
	/* TRANSLATORS: calendar title: %s is the wijkwijzer's name */
	sb_appendf(summary, _("Afspraak bij %s"), p.name);
	/* the address alone, as a map or navigation app can find it; the
	   wijkwijzer's name is in the title */
	sb_appendf(where, "%s, %s %s", p.address, p.postal_code, p.city);
	public_base(rq, url);
	sb_appendf(url, "/%s/afspraak/%s", lang->code, token);
	/* TRANSLATORS: calendar description: %1$s the code, %2$s the topic */
	sb_appendf(desc, _("Uw code: %1$s. Onderwerp: %2$s."), ref, C_(p.topic));
	if (*p.bring) {
		sb_puts(desc, "\n");
		sb_puts(desc, C_(p.bring));
	}
	sb_puts(desc, "\n");
	sb_appendf(desc, _("Verzetten of afzeggen: %s"), sb_str(url));
	struct ics_event e = {
	    .uid = sb_str(uid),
	    .start = booking_instant(b.start),
	    .end = booking_instant(b.end),
	    .stamp = clock_now(),
	    .summary = sb_str(summary),
	    .location = sb_str(where),
	    .description = sb_str(desc),
	    .url = sb_str(url),
	    .sequence = b.sequence,
	    .modified = modified,
	    .cancelled = found == BOOKING_CANCELLED,
	};
	rs->content_type = "text/calendar; charset=utf-8";
	if (!ics_write(&rs->body, &e))
		rs->body.failed = true;
	response_header(rs, "Content-Disposition",
	                "attachment; filename=\"afspraak-wijkwijzer.ics\"");
	i18n_use(prev);
	booking_free(&b);
}

/* GET and POST /{lang}/afspraak/terugvinden: the code and the last four
 * digits of the phone number lead to the appointment's page, through a
 * new link of its own (booking_find_again). Every try counts for the
 * client address, right or wrong, and a wrong code and wrong digits get
 * the same words and status, so the form tells nothing about which
 * codes exist. */
void handle_find_again(struct request *rq, struct response *rs)
{
	rs->cache_control = "no-store";
	struct page_phone ph;
	struct manage_find_view v = {.call = page_call(rq, &ph), .mail = mail_enabled(rq->app)};
	if (rq->method == HM_POST) {
		const char *code = params_get(&rq->form, "code");
		const char *proof = params_get(&rq->form, "bewijs");
		v.reference = code;
		v.proof = proof;
		/* per client address, and per reference: four digits are 10,000
		   guesses, which many addresses could otherwise share. Both count
		   every try, so the limit tells nothing about the reference. */
		char ref[16];
		size_t n = 0;
		for (const char *p = code ? code : ""; *p && n + 1 < sizeof(ref); p++)
			if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= 'a' && *p <= 'z'))
				ref[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		ref[n] = '\0';
		bool peer_ok = rate_allowed_in("find_again", rq->peer, FIND_TRIES, FIND_WINDOW_S);
		bool ref_ok = !n || rate_allowed_in("find_again_ref", ref, FIND_REF_TRIES, 86400);
		if (!peer_ok) {
			rs->status = 429;
			response_header(rs, "Retry-After", "900");
			v.error =
			    _("U heeft het te vaak geprobeerd. Wacht een kwartier en probeer het "
			      "dan opnieuw, of bel de wijkwijzer.");
		} else if (!ref_ok) {
			rs->status = 429;
			response_header(rs, "Retry-After", "86400");
			v.error =
			    _("Met deze code is het vandaag te vaak geprobeerd. Bel de wijkwijzer, "
			      "dan zoeken we uw afspraak samen op.");
		} else {
			struct sb *token = arena_sb(&rq->arena, 128);
			struct booking b;
			enum booking_result r =
			    token && code && *code && proof && *proof
			        ? booking_find_again(rq->app, code, proof, token, &b)
			        : BOOKING_NOT_FOUND;
			if (r == BOOKING_OK || r == BOOKING_CANCELLED) {
				booking_free(&b);
				struct sb *url = arena_sb(&rq->arena, 256);
				if (!url || !page_link(url, rq, "/afspraak/") ||
				    !sb_puts(url, sb_str(token)) ||
				    !response_redirect(rs, 303, sb_str(url)))
					rs->body.failed = true; /* a 500 in server.c */
				return;
			}
			if (r == BOOKING_ERROR) {
				page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
				return;
			}
			rs->status = 422;
			v.error =
			    _("We vinden geen afspraak met deze code en deze cijfers. Kijk of "
			      "u ze goed heeft overgenomen.");
		}
	}
	v.csrf = csrf_token_of(rq, FORM_FIND);
	v.action = page_href(rq, "/afspraak/terugvinden");
	if (!v.csrf || !v.action) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
	if (page_begin(rs, rq, _("Afspraak terugvinden"), 0) && tpl_manage_find(&rs->body, &v))
		page_end(rs, rq);
}
