/* read_aloud: "Lees voor", on a kiosk and at home. The page the person
 * sees is rendered again here, its main text spoken by espeak-ng in the
 * page's language (domain/speech.h, on the slow pool). A page read before
 * comes from the cache and costs nothing; a new one counts against an
 * hourly budget: per enrolled terminal, or per client address at home. */
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/rate.h"
#include "base/text.h"
#include "domain/speech.h"
#include "domain/terminals.h"
#include "net/route.h"
#include "net/server.h"
#include "web/handlers.h"
#include "web/page.h"

/* new pages spoken per hour by one terminal, which serves many residents
   a day; at home it is --speech-rate per client address */
#define SPEECH_PER_TERMINAL 240
/* requests per hour per client address at home, cached or not: each one
   renders a page on the slow pool, which also hashes staff passwords */
#define SPEECH_REQUESTS_PER_CLIENT 240

/* "Lees voor": the page's main text, spoken. pad is the page to read,
 * which is rendered here the same way the browser got it. */
void handle_read_aloud(struct request *rq, struct response *rs)
{
	/* an enrolled terminal has a budget of its own; at home, the
	   client address has one */
	struct kiosk_terminal kt;
	bool kiosk = request_kiosk(rq, &kt);
	const char *pad = params_get(&rq->query, "pad");
	if (!text_local_path(pad) || strncmp(pad, "/lees-voor", 10) == 0) {
		page_error(rq, rs, 400, "bad_page", _("Deze pagina kunnen we niet voorlezen."));
		return;
	}
	if (!kiosk && !rate_allowed("speech-request", rq->peer, SPEECH_REQUESTS_PER_CLIENT)) {
		page_error(rq, rs, 429, "too_many_requests",
		           _("Even geduld: probeer het zo opnieuw."));
		response_header(rs, "Retry-After", "60");
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
	else if (ok && !(limited = kiosk ? !rate_allowed("speech", kt.id, SPEECH_PER_TERMINAL)
	                                 : !rate_allowed("speech-home", rq->peer,
	                                                 rq->app->cfg.speech_rate)))
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
