#include "web/kiosk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/app.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "domain/terminals.h"
#include "net/csrf.h"
#include "net/live.h"
#include "web/handlers.h"
#include "web/page.h"
#include "base/rate.h"
#include "net/route.h"
#include "net/server.h"
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
		/* a scanned link holds the appointment's secret token: it is
		   proof enough for the details, and it never shows on the
		   public screen; a typed reference is not: any failure then gets
		   one answer, which tells nothing about the appointment */
		bool scanned = code && strstr(code, "/afspraak/") != NULL;
		v.value = scanned ? NULL : code;
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
			if (!scanned && r != CHECKIN_OK && r != CHECKIN_ALREADY &&
			    r != CHECKIN_ERROR) {
				r = CHECKIN_UNKNOWN;
				booking_free(&b);
				memset(&b, 0, sizeof(b));
			}
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
				    _("We kunnen u met deze code nu niet aanmelden. Kijk of de "
				      "code klopt, of meld u bij de balie.");
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
	v.csrf = csrf_token_of(rq, "/{lang}/aanmelden");
	v.action = page_href(rq, "/aanmelden");
	if (!v.start || !v.csrf || !v.action) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
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

/* "Roep een medewerker": the terminal's wijkwijzer hears it live on its
 * staff agenda (live.c). Once a minute per terminal; a second call in
 * that minute says that someone is already coming. app.js sends it in the
 * background and reads the status (200 or 429); without JavaScript the
 * answer is a page with the way back. */
#define CALL_WINDOW_S 60

void handle_kiosk_call(struct request *rq, struct response *rs)
{
	struct kiosk_terminal t, mine;
	rs->cache_control = "no-store";
	if (!kiosk_find(rq->app, route_param(rq, 0), &t)) {
		http_not_found(rq, rs);
		return;
	}
	if (!request_kiosk(rq, &mine) || strcmp(mine.id, t.id) != 0 || !csrf_same_origin(rq)) {
		page_error(rq, rs, 403, "terminal_not_enrolled",
		           _("Een medewerker roepen kan op de zuil in de wijkwijzer."));
		return;
	}
	/* the form holds one field, the way back; the language is the
	   page's, from the way back */
	const char *back = NULL;
	if (rq->body.len &&
	    params_parse_urlencoded(&rq->form, sb_str(&rq->body), rq->body.len) == PARAMS_OK)
		back = params_get(&rq->form, "terug");
	const char *url = text_local_path(back) ? arena_strdup(&rq->arena, back) : NULL;
	if (!url)
		url = arena_printf(&rq->arena, "/kiosk/%s", t.id);
	if (!url) {
		rs->body.failed = true; /* a 500 in server.c */
		return;
	}
	if (url[0] == '/' && strlen(url) >= 3 &&
	    (url[3] == '/' || url[3] == '\0' || url[3] == '?')) {
		char code[3] = {url[1], url[2], '\0'};
		if (i18n_find(code))
			rq->lang = i18n_find(code);
	}
	if (!rq->lang)
		rq->lang = i18n_default();
	i18n_use(rq->lang);
	time_t now = clock_now();
	/* counted first, so two calls at once send one notice */
	bool again = rate_count("call_staff", t.id, CALL_WINDOW_S, true, now) > 1;
	if (!again) {
		struct tm tm;
		char hhmm[8] = "";
		if (localtime_r(&now, &tm))
			strftime(hhmm, sizeof(hhmm), "%H:%M", &tm);
		live_staff_call(rq->app, t.location, t.id, hhmm);
	} else {
		rs->status = 429;
		response_header(rs, "Retry-After", "60");
	}
	const struct kiosk_called_view v = {.back = url, .again = again};
	if (page_begin(rs, rq, _("Er komt iemand naar u toe"), 0) &&
	    tpl_kiosk_called(&rs->body, &v))
		page_end(rs, rq);
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
	const char *token = csrf_token_of(rq, "/kiosk/{terminal}/aanmelden");
	if (!token) {
		rs->body.failed = true; /* a 500 in server.c */
	} else {
		const struct kiosk_enrol_view v = {.terminal = t.id, .csrf = token, .code = code};
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
