#include "web/kiosk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "store/catalog.h"
#include "exec/db.h"
#include "web/enrol.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "net/rate.h"
#include "net/route.h"
#include "net/server.h"
#include "domain/speech.h"
#include "store/store.h"
#include "base/text.h"

/* The terminals, read from the content at start and on every reload,
 * so the loop can tell a kiosk request without asking SQLite. One mutex;
 * the table is replaced whole. */
static pthread_mutex_t terminals_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kiosk_terminal *terminals;
static size_t nterminals;

bool kiosk_load(struct catalog *c)
{
	sqlite3_stmt *st = store_stmt(
	    catalog_store(c),
	    "SELECT t.id, t.location_id, t.idle_seconds, t.receipt_printer, p.postal_code FROM "
	    "terminals t JOIN place p ON p.id = t.location_id ORDER BY t.id");
	if (!st)
		return false;
	struct kiosk_terminal *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	bool ok = true;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct kiosk_terminal *nv = realloc(v, ncap * sizeof(*nv));
			if (!nv) {
				ok = false;
				break;
			}
			v = nv;
			cap = ncap;
		}
		struct kiosk_terminal *t = &v[n++];
		memset(t, 0, sizeof(*t));
		snprintf(t->id, sizeof(t->id), "%s", store_text(st, 0));
		snprintf(t->location, sizeof(t->location), "%s", store_text(st, 1));
		t->idle_seconds = sqlite3_column_int(st, 2);
		t->printer = strcmp(store_text(st, 3), "ja") == 0;
		snprintf(t->postcode, sizeof(t->postcode), "%s", store_text(st, 4));
	}
	ok = ok && rc == SQLITE_DONE;
	sqlite3_reset(st);
	if (!ok) {
		free(v);
		return false;
	}
	pthread_mutex_lock(&terminals_lock);
	struct kiosk_terminal *old = terminals;
	terminals = v;
	nterminals = n;
	pthread_mutex_unlock(&terminals_lock);
	free(old);
	return true;
}

void kiosk_unload(void)
{
	pthread_mutex_lock(&terminals_lock);
	free(terminals);
	terminals = NULL;
	nterminals = 0;
	pthread_mutex_unlock(&terminals_lock);
}

bool kiosk_find(struct app *app, const char *id, struct kiosk_terminal *out)
{
	(void)app;
	if (!id || !*id || strlen(id) > 64)
		return false;
	bool ok = false;
	pthread_mutex_lock(&terminals_lock);
	for (size_t i = 0; i < nterminals && !ok; i++)
		if (strcmp(terminals[i].id, id) == 0) {
			*out = terminals[i];
			ok = true;
		}
	pthread_mutex_unlock(&terminals_lock);
	return ok;
}

bool kiosk_of_request(const struct request *rq, struct kiosk_terminal *out)
{
	return kiosk_of_cookie(rq->app, rq->cookie, out);
}

bool kiosk_of_cookie(struct app *app, const char *cookie_header, struct kiosk_terminal *out)
{
	/* the cookie holds "terminal.secret"; the terminal's id has no dot */
	struct sb c;
	sb_init(&c, 128);
	bool ok = cookie_value(cookie_header, KIOSK_COOKIE, &c) && !sb_failed(&c);
	char *dot = ok ? strrchr(c.data, '.') : NULL;
	if (dot) {
		*dot = '\0';
		ok = kiosk_find(app, c.data, out) && enrol_verify(out->id, dot + 1);
	}
	sb_free(&c);
	return dot && ok;
}

void kiosk_set_cookie(const struct request *rq, struct response *rs, const char *value)
{
	/* nothing personal: the terminal and its secret. Chromium keeps a
	   cookie at most 400 days, so every start screen renews it */
	response_cookie(rs, rq, KIOSK_COOKIE, value, 400 * 24 * 3600, "Strict", true);
}

void kiosk_layout(const struct request *rq, struct sb *o, const struct kiosk_terminal *t)
{
	const struct i18n_lang *l = rq->lang ? rq->lang : i18n_default();
	struct sb start;
	sb_init(&start, 128);
	sb_appendf(&start, "/kiosk/%s?lang=%s", t->id, l->code);
	/* the data attributes carry the terminal's settings and the texts
	   app.js needs, already translated */
	html_fmt(o,
	         "<div class=\"kiosk-bar no-print\" data-kiosk=\"%s\" data-idle=\"%d\" "
	         "data-countdown=\"%d\" "
	         "data-start=\"%s\" data-printer=\"%s\">\n",
	         t->id, t->idle_seconds, KIOSK_COUNTDOWN_S, sb_str(&start),
	         t->printer ? "ja" : "nee");
	html_fmt(o, "<a class=\"button danger kiosk-stop\" href=\"/kiosk/%s/stop\">%s</a>\n", t->id,
	         _("Stoppen"));
	if (speech_has_voice(l->code))
		html_fmt(o,
		         "<button type=\"button\" class=\"secondary\" data-read-aloud "
		         "data-stop-label=\"%s\" hidden>%s</button>\n",
		         _("Stop met voorlezen"), _("Lees voor"));
	html_fmt(o,
	         "<button type=\"button\" class=\"secondary\" data-toggle=\"high-contrast\" "
	         "aria-pressed=\"false\" hidden>%s</button>\n",
	         _("Hoog contrast"));
	html_fmt(o,
	         "<button type=\"button\" class=\"secondary\" data-toggle=\"text-large\" "
	         "aria-pressed=\"false\" hidden>%s</button>\n",
	         _("Grotere letters"));
	html_raw(o, "</div>\n");
	html_fmt(o,
	         "<dialog class=\"idle-dialog\" aria-labelledby=\"idle-title\" "
	         "aria-describedby=\"idle-text\">\n"
	         "<h2 id=\"idle-title\">%s</h2>\n<p id=\"idle-text\" data-template=\"%s\"></p>\n"
	         "<p class=\"button-row\"><button type=\"button\" class=\"big\" "
	         "data-idle-continue>%s</button> "
	         "<button type=\"button\" class=\"secondary\" "
	         "data-idle-stop>%s</button></p>\n</dialog>\n",
	         _("Bent u er nog?"),
	         /* TRANSLATORS: %d is a number of seconds; keep %d */
	         _("Over %d seconden wissen we alles en begint het scherm opnieuw."),
	         _("Ja, ik ga verder"), _("Nee, stoppen"));
	html_fmt(o,
	         "<div class=\"osk\" hidden role=\"group\" aria-label=\"%s\" data-back=\"%s\" "
	         "data-space=\"%s\" "
	         "data-done=\"%s\" data-shift=\"%s\"></div>\n",
	         _("Toetsenbord op het scherm"), _("Wissen"), _("Spatie"), _("Klaar"),
	         _("Hoofdletters"));
	sb_free(&start);
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
	if (!kiosk_of_request(rq, &mine) || strcmp(mine.id, t.id) != 0) {
		page_error(rq, rs, 403, "terminal_not_enrolled",
		           _("Deze browser is niet aangemeld als zuil van de wijkwijzer. Een "
		             "medewerker kan de zuil aanmelden met een aanmeldlink van de "
		             "beheerder. Thuis kunt u gewoon de website gebruiken."));
		return;
	}
	struct sb c;
	sb_init(&c, 128);
	if (request_cookie(rq, KIOSK_COOKIE, &c))
		kiosk_set_cookie(rq, rs, sb_str(&c));
	sb_free(&c);
	page_begin(rs, rq, _("Welkom bij de wijkwijzer"), PAGE_KIOSK_START);
	struct sb *o = &rs->body;
	html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", _("Welkom bij de wijkwijzer"),
	         _("Raak het scherm aan om te beginnen. Kies eerst uw taal."));
	html_fmt(o, "<ul class=\"kiosk-langs\" aria-label=\"%s\">\n", _("Kies uw taal"));
	for (size_t i = 0; i < i18n_count(); i++) {
		const struct i18n_lang *l = i18n_at(i);
		html_fmt(
		    o,
		    "<li><a class=\"kiosk-lang\" href=\"/kiosk/%s?lang=%s\" lang=\"%s\" dir=\"%s\"",
		    t.id, l->code, l->code, l->rtl ? "rtl" : "ltr");
		if (l == rq->lang)
			html_raw(o, " aria-current=\"true\"");
		html_fmt(o, ">%s</a></li>\n", l->native_name);
	}
	html_raw(o, "</ul>\n<ul class=\"paths kiosk-paths\">\n");
	struct {
		const char *icon, *title, *text;
		struct sb href;
	} paths[4] = {
	    {"check",
	     _("Wat kan mij helpen?"),
	     _("Een paar korte vragen, dan krijgt u advies."),
	     {0}},
	    {"pin",
	     _("Hulp en activiteiten in de buurt"),
	     _("Wat er dichtbij is, vaak gratis."),
	     {0}},
	    {"calendar",
	     _("Praat met de wijkwijzer"),
	     _("Maak een afspraak hier of in een andere wijk."),
	     {0}},
	    {"heart", _("Zorgt u voor iemand?"), _("Steun en even tijd voor uzelf."), {0}},
	};
	for (int i = 0; i < 4; i++)
		sb_init(&paths[i].href, 256);
	page_link(&paths[0].href, rq, "/zelfcheck");
	page_link(&paths[1].href, rq, "/voorzieningen?postcode=");
	text_url_encode(&paths[1].href, t.postcode);
	page_link(&paths[2].href, rq, "/afspraak?locatie=");
	text_url_encode(&paths[2].href, t.location);
	page_link(&paths[3].href, rq, "/mantelzorg?postcode=");
	text_url_encode(&paths[3].href, t.postcode);
	for (int i = 0; i < 4; i++) {
		html_fmt(o, "<li class=\"path-card\"><h2><a href=\"%s\">", sb_str(&paths[i].href));
		page_icon(o, paths[i].icon, 56);
		html_fmt(o, "%s</a></h2><p>%s</p></li>\n", paths[i].title, paths[i].text);
		sb_free(&paths[i].href);
	}
	html_raw(o, "</ul>\n");
	html_fmt(o, "<p class=\"kiosk-privacy\">%s</p>\n",
	         _("Na een paar minuten zonder aanraken, of als u op Stoppen drukt, wissen we "
	           "alles wat u "
	           "hier heeft gedaan. De volgende persoon ziet niets van u."));
	page_end(rs, rq);
}

/* Without JavaScript the Stop button still ends the session: the browser
 * is told to clear this site's cache and storage. */
void handle_kiosk_stop(struct request *rq, struct response *rs)
{
	struct kiosk_terminal t;
	if (!kiosk_find(rq->app, route_param(rq, 0), &t)) {
		page_not_found(rq, rs);
		return;
	}
	struct sb url;
	sb_init(&url, 128);
	sb_appendf(&url, "/kiosk/%s", t.id);
	response_redirect(rs, 303, sb_str(&url));
	response_header(rs, "Clear-Site-Data", "\"cache\", \"storage\"");
	rs->cache_control = "no-store";
	sb_free(&url);
}

/* "Lees voor": the page's main text, spoken. pad is the page to read,
 * which is rendered here the same way the browser got it. */
void handle_read_aloud(struct request *rq, struct response *rs)
{
	/* a kiosk feature: speech synthesis is heavy work on the one thread */
	struct kiosk_terminal kt;
	if (!kiosk_of_request(rq, &kt)) {
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
	struct sb text, wav;
	sb_init(&text, 8192);
	sb_init(&wav, 16u * 1024 * 1024);
	ok = ok && out.status == 200 && !out.static_body &&
	     speech_page_text(sb_str(&out.body), out.body.len, &text, 2000);
	/* a page read before costs no synthesis and no share of the limit */
	enum speech_result sr = SPEECH_FAILED;
	bool limited = false;
	if (ok && speech_cached(lang, sb_str(&text), &wav))
		sr = SPEECH_OK;
	else if (ok && !(limited = !rate_allowed("speech", kt.id, 240)))
		sr = speech_wav(lang, sb_str(&text), &wav);
	i18n_use(rq->lang);
	if (limited) {
		page_error(rq, rs, 429, "too_many_requests",
		           _("Even geduld: probeer het zo opnieuw."));
		response_header(rs, "Retry-After", "60");
	} else if (sr == SPEECH_BUSY) {
		page_busy(rq, rs, 3);
	} else if (sr != SPEECH_OK) {
		page_error(rq, rs, 422, "cannot_read", _("Deze pagina kunnen we niet voorlezen."));
	} else {
		rs->content_type = "audio/wav";
		rs->cache_control = "no-store";
		sb_append(&rs->body, wav.data, wav.len);
	}
	sb_free(&text);
	sb_free(&wav);
	response_free(&out);
	request_free(&sub);
}
