#include "web/kiosk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/crypto.h"
#include "domain/terminals.h"
#include "net/csrf.h"
#include "web/handlers.h"
#include "web/page.h"
#include "base/rate.h"
#include "net/route.h"
#include "net/server.h"
#include "domain/speech.h"
#include "base/text.h"
#include "web/templates.h"
#include "web/views.h"
#include "base/clock.h"
#include "domain/booking.h"
#include "exec/db.h"
#include "store/content.h"

void kiosk_set_cookie(const struct request *rq, struct response *rs, const char *value)
{
	/* nothing personal: the terminal and its secret. Chromium keeps a
	   cookie at most 400 days, so every start screen renews it */
	response_cookie(rs, rq, KIOSK_COOKIE, value, 400 * 24 * 3600, "Strict", true);
}

void handle_kiosk_start(struct request *rq, struct response *rs)
{
	struct kiosk_terminal t, mine;
	if (!kiosk_find(rq->app, route_param(rq, 0), &t)) {
		page_error(rq, rs, 404, "unknown_terminal",
		           _("Deze zuil is niet ingesteld. Vraag het aan een medewerker."));
		return;
	}
	const char *lang = params_get(&rq->query, "lang");
	if (lang && i18n_find(lang)) {
		rq->lang = i18n_find(lang);
		i18n_use(rq->lang);
	} else {
		rq->lang = i18n_default();
		i18n_use(rq->lang);
	}
	rs->cache_control = "no-store";
	if (!request_kiosk(rq, &mine) || strcmp(mine.id, t.id) != 0) {
		page_error(rq, rs, 403, "terminal_not_enrolled",
		           _("Deze browser is niet aangemeld als zuil van de wijkwijzer. Een "
		             "medewerker kan de zuil aanmelden met een aanmeldlink van de "
		             "beheerder. Thuis kunt u gewoon de website gebruiken."));
		return;
	}
	struct sb *c = arena_sb(&rq->arena, 128);
	if (!c) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
	if (request_cookie(rq, KIOSK_COOKIE, c))
		kiosk_set_cookie(rq, rs, sb_str(c));
	/* the markup is the template web/templates/kiosk_start.html */
	const struct kiosk_start_view v = {
	    .lang = rq->lang,
	    .terminal = t.id,
	    .postcode = t.postcode,
	    .location = t.location,
	};
	if (page_begin(rs, rq, _("Welkom bij de wijkwijzer"), PAGE_KIOSK_START) &&
	    tpl_kiosk_start(&rs->body, &v))
		page_end(rs, rq);
}

/* check-in tries per terminal in CHECKIN_WINDOW_S: a scanner or a
   resident typing, never a hunt for codes */
#define CHECKIN_TRIES    30
#define CHECKIN_WINDOW_S 600

/* GET and POST /{lang}/aanmelden: a resident with an appointment today
 * at this terminal's wijkwijzer checks in with the QR code (a barcode
 * scanner types its link and Enter) or the code typed on the on-screen
 * keyboard; the staff agenda shows it live (booking_set_status). */
void handle_kiosk_check_in(struct request *rq, struct response *rs)
{
	struct kiosk_terminal kt;
	rs->cache_control = "no-store";
	if (!request_kiosk(rq, &kt)) {
		page_error(
		    rq, rs, 403, "kiosk_only",
		    _("Aanmelden voor uw afspraak kan op de zuil in de wijkwijzer. Of meld u "
		      "bij de balie."));
		return;
	}
	struct kiosk_check_in_view v = {
	    .start = arena_printf(&rq->arena, "/kiosk/%s?lang=%s", kt.id, rq->lang->code),
	};
	struct booking b;
	memset(&b, 0, sizeof(b));
	if (rq->method == HM_POST) {
		const char *code = params_get(&rq->form, "code");
		v.value = code;
		enum booking_checkin r = CHECKIN_UNKNOWN;
		if (!rate_allowed_in("check_in", kt.id, CHECKIN_TRIES, CHECKIN_WINDOW_S)) {
			rs->status = 429;
			response_header(rs, "Retry-After", "600");
			v.error = _("Dit lukt nu even niet. Meld u bij de balie, dan helpen we u "
			            "verder.");
		} else {
			r = code && *code
			        ? booking_check_in(rq->app, code, kt.location, clock_now(), &b)
			        : CHECKIN_UNKNOWN;
			switch (r) {
			case CHECKIN_OK:
			case CHECKIN_ALREADY:
				v.done = true;
				break;
			case CHECKIN_CANCELLED:
				rs->status = 410;
				v.error = _(
				    "Deze afspraak is afgezegd. Meld u bij de balie, dan kijken we "
				    "samen wat kan.");
				break;
			case CHECKIN_NOT_TODAY:
				rs->status = 409;
				v.error = _(
				    "Uw afspraak is niet vandaag. Kijk hieronder wanneer hij is.");
				break;
			case CHECKIN_OTHER_PLACE:
				rs->status = 409;
				v.error =
				    _("Uw afspraak is vandaag bij een andere wijkwijzer. Kijk "
				      "hieronder waar.");
				break;
			case CHECKIN_ERROR:
				page_error(rq, rs, 503, "unavailable",
				           _("Er ging bij ons iets mis. Meld u bij de balie."));
				return;
			default:
				rs->status = 404;
				v.error =
				    _("We vinden geen afspraak met deze code. Kijk of de code "
				      "klopt, of meld u bij de balie.");
			}
		}
		if (b.start) {
			struct sb *w = arena_sb(&rq->arena, 128);
			if (w && booking_when_words(w, b.start) && !sb_failed(w))
				v.when = sb_str(w);
			struct content_place pl;
			if (content_place(db_catalog(rq->app), b.location, &pl) == CONTENT_FOUND)
				v.place = arena_strdup(&rq->arena, pl.name);
			content_place_free(&pl);
		}
		booking_free(&b);
	}
	struct sb *csrf = arena_sb(&rq->arena, 256), *action = arena_sb(&rq->arena, 64);
	if (!v.start || !csrf || !action || !csrf_form_token(rq, "/{lang}/aanmelden", csrf) ||
	    !page_link(action, rq, "/aanmelden")) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
	v.csrf = sb_str(csrf);
	v.action = sb_str(action);
	if (page_begin(rs, rq, v.done ? _("U bent aangemeld") : _("Aanmelden voor uw afspraak"),
	               0) &&
	    tpl_kiosk_check_in(&rs->body, &v))
		page_end(rs, rq);
}

/* Without JavaScript the Stop button still ends the session: the browser
 * is told to clear this site's cache and storage. */
void handle_kiosk_stop(struct request *rq, struct response *rs)
{
	struct kiosk_terminal t;
	if (!kiosk_find(rq->app, route_param(rq, 0), &t)) {
		http_not_found(rq, rs);
		return;
	}
	const char *url = arena_printf(&rq->arena, "/kiosk/%s", t.id);
	if (!url) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
	response_redirect(rs, 303, url);
	response_header(rs, "Clear-Site-Data", "\"cache\", \"storage\"");
	rs->cache_control = "no-store";
}

/* "Lees voor": the page's main text, spoken. pad is the page to read,
 * which is rendered here the same way the browser got it. */
void handle_read_aloud(struct request *rq, struct response *rs)
{
	/* a kiosk feature: only an enrolled terminal's browser (rq->kiosk) */
	struct kiosk_terminal kt;
	if (!request_kiosk(rq, &kt)) {
		page_error(rq, rs, 403, "kiosk_only",
		           _("Voorlezen kan op de zuil in de wijkwijzer."));
		return;
	}
	const char *pad = params_get(&rq->query, "pad");
	if (!pad || pad[0] != '/' || pad[1] == '/' || strlen(pad) > 2048 ||
	    strncmp(pad, "/lees-voor", 10) == 0) {
		page_error(rq, rs, 400, "bad_page", _("Deze pagina kunnen we niet voorlezen."));
		return;
	}
	struct request sub;
	request_init(&sub);
	sub.method = HM_GET;
	sub.method_name = "GET";
	const char *q = strchr(pad, '?');
	size_t plen = q ? (size_t)(q - pad) : strlen(pad);
	sub.path = malloc(plen + 1);
	struct response out;
	response_init(&out);
	bool ok = sub.path != NULL;
	if (ok) {
		memcpy(sub.path, pad, plen);
		sub.path[plen] = '\0';
		/* the query arrives encoded inside pad */
		ok = !q || params_parse_urlencoded(&sub.query, q + 1, strlen(q + 1)) == PARAMS_OK;
		/* the same terminal: the page renders as the kiosk saw it */
		sub.cookie = rq->cookie ? strdup(rq->cookie) : NULL;
		sub.host = rq->host ? strdup(rq->host) : NULL;
	}
	if (ok)
		server_dispatch(rq->app, &sub, &out);
	const char *lang = sub.lang ? sub.lang->code : "nl";
	struct sb *text = arena_sb(&rq->arena, 8192);
	struct sb *wav = arena_sb(&rq->arena, 16u * 1024 * 1024);
	if (!text || !wav) {
		rs->body.failed = true; /* a 500 in server.c */
		response_free(&out);
		request_free(&sub);
		return;
	}
	ok = ok && out.status == 200 && !out.static_body &&
	     speech_page_text(sb_str(&out.body), out.body.len, text, 2000);
	/* a page read before costs no synthesis and no share of the limit */
	enum speech_result sr = SPEECH_FAILED;
	bool limited = false;
	if (ok && speech_cached(lang, sb_str(text), wav))
		sr = SPEECH_OK;
	else if (ok && !(limited = !rate_allowed("speech", kt.id, 240)))
		sr = speech_wav(lang, sb_str(text), wav);
	i18n_use(rq->lang);
	if (limited) {
		page_error(rq, rs, 429, "too_many_requests",
		           _("Even geduld: probeer het zo opnieuw."));
		response_header(rs, "Retry-After", "60");
	} else if (sr == SPEECH_BUSY) {
		http_busy(rq, rs, 3);
	} else if (sr != SPEECH_OK) {
		page_error(rq, rs, 422, "cannot_read", _("Deze pagina kunnen we niet voorlezen."));
	} else {
		rs->content_type = "audio/wav";
		rs->cache_control = "no-store";
		/* the audio becomes the body without a copy; the arena frees
		   the empty builder that was the body */
		struct sb empty = rs->body;
		rs->body = *wav;
		*wav = empty;
	}
	response_free(&out);
	request_free(&sub);
}

/* ---- enrolment, in the terminal's browser -------------------------------- */

static void enrol_refused(struct request *rq, struct response *rs)
{
	page_error(rq, rs, 403, "enrolment_refused",
	           _("Deze aanmeldlink voor de zuil is verlopen of al gebruikt. Vraag de "
	             "beheerder om een nieuwe link."));
}

void handle_kiosk_enrol_form(struct request *rq, struct response *rs)
{
	struct kiosk_terminal t;
	const char *code = params_get(&rq->query, "code");
	rs->cache_control = "no-store";
	if (!kiosk_find(rq->app, route_param(rq, 0), &t)) {
		http_not_found(rq, rs);
		return;
	}
	if (!crypto_is_base64url(code, ENROL_SECRET_LEN)) {
		enrol_refused(rq, rs);
		return;
	}
	/* the markup is the template web/templates/kiosk_enrol.html */
	struct sb *token = arena_sb(&rq->arena, 128);
	if (!token || !csrf_form_token(rq, "/kiosk/{terminal}/aanmelden", token)) {
		rs->body.failed = true; /* a 500 in server.c */
	} else {
		const struct kiosk_enrol_view v = {
		    .terminal = t.id, .csrf = sb_str(token), .code = code};
		if (page_begin(rs, rq, _("Deze zuil aanmelden"), 0) &&
		    tpl_kiosk_enrol(&rs->body, &v))
			page_end(rs, rq);
	}
}

void handle_kiosk_enrol(struct request *rq, struct response *rs)
{
	struct kiosk_terminal t;
	rs->cache_control = "no-store";
	if (!kiosk_find(rq->app, route_param(rq, 0), &t)) {
		http_not_found(rq, rs);
		return;
	}
	struct sb secret;
	sb_init(&secret, 64);
	enum enrol_result r = enrol_redeem(rq->app, t.id, params_get(&rq->form, "code"), &secret);
	if (r == ENROL_REFUSED) {
		enrol_refused(rq, rs);
	} else if (r != ENROL_OK) {
		page_error(rq, rs, 503, "store_failed",
		           _("Het aanmelden is niet gelukt. Probeer het zo opnieuw."));
	} else {
		struct sb *value = arena_sb(&rq->arena, 128);
		const char *url = arena_printf(&rq->arena, "/kiosk/%s", t.id);
		if (!value || !url || !sb_appendf(value, "%s.%s", t.id, sb_str(&secret))) {
			rs->body.failed = true; /* a 500 in server.c */
		} else {
			kiosk_set_cookie(rq, rs, sb_str(value));
			response_redirect(rs, 303, url);
			/* the cookie value holds the secret: wiped like the secret */
			explicit_bzero(value->data, value->len);
		}
	}
	if (secret.data)
		explicit_bzero(secret.data, secret.len);
	sb_free(&secret);
}
