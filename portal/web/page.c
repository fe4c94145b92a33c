#include "web/page.h"

#include <stdio.h>
#include <string.h>

#include "base/app.h"
#include "base/assets.h"
#include "base/html.h"
#include "domain/speech.h"
#include "domain/terminals.h"
#include "base/qr.h"
#include "net/route.h"
#include "base/text.h"
#include "web/templates.h"

bool page_asset_url(struct sb *out, const char *name)
{
	const struct asset *a = asset_find(name);
	return sb_puts(out, "/static/") && sb_puts(out, name) &&
	       (!a || (sb_puts(out, "?v=") && sb_append(out, a->hash, 8)));
}

/* the markup is the template web/templates/icon.html, the drawings web/icons.c */
bool page_icon(struct sb *out, const char *name, int size)
{
	return tpl_icon(out, name, size);
}

bool page_redirect(struct response *rs, const struct request *rq, const char *rest)
{
	struct sb url;
	sb_init(&url, 512);
	bool ok = page_link(&url, rq, rest) && response_redirect(rs, 303, sb_str(&url));
	sb_free(&url);
	return ok;
}

bool page_link(struct sb *out, const struct request *rq, const char *rest)
{
	const struct i18n_lang *l = rq->lang ? rq->lang : i18n_default();
	return sb_putc(out, '/') && sb_puts(out, l->code) && sb_puts(out, rest);
}

/* The same page in another language: swap the language segment and keep
 * the query, so a search or a half-done check survives the switch. */
static bool switch_link(struct sb *out, const struct request *rq, const struct i18n_lang *to)
{
	const char *rest = "/";
	if (rq->route && rq->nroute_params > 0 && strncmp(rq->route->pattern, "/{lang}", 7) == 0) {
		const char *p = rq->path + 1;
		const char *slash = strchr(p, '/');
		rest = slash ? slash : "/";
	}
	if (!sb_putc(out, '/') || !sb_puts(out, to->code) || !text_url_path(out, rest))
		return false;
	for (size_t i = 0; i < rq->query.n; i++) {
		if (!sb_putc(out, i ? '&' : '?') || !text_url_encode(out, rq->query.v[i].name) ||
		    !sb_putc(out, '=') || !text_url_encode(out, rq->query.v[i].value))
			return false;
	}
	return true;
}

/* The kiosk parts of the layout (bar, idle dialog, keyboard), after <body>. */
static void kiosk_layout(const struct request *rq, struct sb *o, const struct kiosk_terminal *t)
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

bool page_begin(struct response *rs, const struct request *rq, const char *title, unsigned flags)
{
	struct sb *o = &rs->body;
	const struct i18n_lang *lang = rq->lang ? rq->lang : i18n_default();
	struct sb url;
	sb_init(&url, 4096);

	/* remember the language chosen, for the next visit to "/" */
	struct sb cur;
	sb_init(&cur, 64);
	if (rs->status == 200 && rq->route && strncmp(rq->route->pattern, "/{lang}", 7) == 0 &&
	    !(request_cookie(rq, "lang", &cur) && strcmp(sb_str(&cur), lang->code) == 0)) {
		/* read by nothing but the server: HttpOnly */
		response_cookie(rs, rq, "lang", lang->code, 31536000, "Lax", true);
	}
	sb_free(&cur);
	html_fmt(o, "<!doctype html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n", lang->code,
	         lang->rtl ? "rtl" : "ltr");
	html_raw(o, "<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	if (rq->route && (rq->route->flags & ROUTE_NOINDEX))
		html_raw(o, "<meta name=\"robots\" content=\"noindex, nofollow\">\n");
	else
		html_fmt(
		    o, "<meta name=\"description\" content=\"%s\">\n",
		    _("Hulp in uw buurt in Enschede: activiteiten en voorzieningen, steun voor "
		      "mantelzorgers en een afspraak met de wijkwijzer."));
	/* TRANSLATORS: suffix of every page title: "Zelfcheck - Wijkwijzer Enschede" */
	html_fmt(o, "<title>%s - %s</title>\n", title, _("Wijkwijzer Enschede"));
	page_asset_url(&url, "style.css");
	html_fmt(o, "<link rel=\"stylesheet\" href=\"%s\">\n", sb_str(&url));
	sb_reset(&url);
	page_asset_url(&url, "print.css");
	html_fmt(o, "<link rel=\"stylesheet\" media=\"print\" href=\"%s\">\n", sb_str(&url));
	sb_reset(&url);
	page_asset_url(&url, "icon.svg");
	html_fmt(o, "<link rel=\"icon\" href=\"%s\" type=\"image/svg+xml\">\n", sb_str(&url));
	sb_reset(&url);
	if (flags & PAGE_RECEIPT) {
		sb_reset(&url);
		page_asset_url(&url, "receipt.css");
		html_fmt(o, "<link rel=\"stylesheet\" href=\"%s\">\n", sb_str(&url));
	}
	sb_reset(&url);
	page_asset_url(&url, "app.js");
	html_fmt(o, "<script src=\"%s\" defer></script>\n</head>\n", sb_str(&url));
	struct kiosk_terminal kt;
	bool kiosk = request_kiosk(rq, &kt);
	if (kiosk)
		rs->cache_control = "no-store"; /* nothing of a kiosk user stays in a cache */
	html_raw(o, (flags & PAGE_RECEIPT) && kiosk ? "<body class=\"receipt kiosk\""
	            : (flags & PAGE_RECEIPT)        ? "<body class=\"receipt\""
	            : kiosk                         ? "<body class=\"kiosk\""
	                                            : "<body");
	html_raw(o, (flags & PAGE_KIOSK_START) ? " data-kiosk-start>\n" : ">\n");
	if (kiosk)
		kiosk_layout(rq, o, &kt);

	html_fmt(o, "<a class=\"skip-link\" href=\"#main\">%s</a>\n", _("Direct naar de inhoud"));
	html_raw(o, "<header class=\"site-header\">\n<div class=\"wrap header-row\">\n");
	sb_reset(&url);
	page_link(&url, rq, "/");
	html_fmt(o,
	         "<a class=\"brand\" href=\"%s\"><svg class=\"brand-mark\" aria-hidden=\"true\" "
	         "focusable=\"false\" viewBox=\"0 0 32 32\" width=\"40\" height=\"40\"><circle "
	         "cx=\"16\" cy=\"16\" r=\"15\" fill=\"currentColor\"/><path d=\"M9 17l5 5 9-11\" "
	         "stroke=\"#fff\" stroke-width=\"3\" fill=\"none\" stroke-linecap=\"round\" "
	         "stroke-linejoin=\"round\"/></svg><span class=\"brand-name\">%s</span> "
	         "<span class=\"brand-place\">%s</span></a>\n",
	         sb_str(&url), _("Wijkwijzer"), _("Enschede"));
	if (!(flags & PAGE_NO_LANG_SWITCH)) {
		/* TRANSLATORS: label of the language switch for screen readers */
		html_fmt(o, "<nav class=\"lang-switch\" aria-label=\"%s\">\n<ul>\n",
		         _("Kies uw taal"));
		for (size_t i = 0; i < i18n_count(); i++) {
			const struct i18n_lang *l = i18n_at(i);
			sb_reset(&url);
			switch_link(&url, rq, l);
			html_fmt(o, "<li><a href=\"%s\" lang=\"%s\" hreflang=\"%s\" dir=\"%s\"",
			         sb_str(&url), l->code, l->hreflang, l->rtl ? "rtl" : "ltr");
			if (l == lang)
				html_raw(o, " aria-current=\"true\"");
			html_fmt(o, ">%s</a></li>\n", l->native_name);
		}
		html_raw(o, "</ul>\n</nav>\n");
	}
	html_raw(o, "</div>\n</header>\n<main id=\"main\" tabindex=\"-1\" class=\"wrap\">\n");
	sb_free(&url);
	return !sb_failed(o);
}

bool page_end(struct response *rs, const struct request *rq)
{
	struct sb *o = &rs->body;
	(void)rq;
	html_raw(o, "</main>\n<footer class=\"site-footer\">\n<div class=\"wrap\">\n");
	html_fmt(o, "<p>%s</p>\n",
	         _("De wijkwijzer helpt u op weg. Aan deze website kunt u geen rechten "
	           "ontlenen: het advies is geen besluit."));
	html_fmt(o, "<p class=\"demo-note\">%s</p>\n",
	         _("Dit is een voorbeeld. De organisaties, adressen en telefoonnummers zijn "
	           "verzonnen."));
	html_raw(o, "</div>\n</footer>\n</body>\n</html>\n");
	return !sb_failed(o);
}

void json_response(struct response *rs)
{
	rs->content_type = "application/json; charset=utf-8";
	rs->cache_control = "no-store";
}

void json_error(struct response *rs, int status, const char *code, const char *message)
{
	rs->status = status;
	rs->content_type = "application/json; charset=utf-8";
	rs->cache_control = "no-store";
	sb_reset(&rs->body);
	sb_puts(&rs->body, "{\"error\":{\"code\":");
	json_string(&rs->body, code);
	sb_puts(&rs->body, ",\"message\":");
	json_string(&rs->body, message);
	sb_puts(&rs->body, "}}\n");
}

void page_error(struct request *rq, struct response *rs, int status, const char *code,
                const char *message)
{
	if (!rq->lang)
		rq->lang = i18n_default();
	i18n_use(rq->lang);
	bool api = rq->route ? (rq->route->flags & ROUTE_JSON) != 0
	                     : (rq->path && strncmp(rq->path, "/api/", 5) == 0);
	if (api) {
		json_error(rs, status, code, message);
		return;
	}
	rs->status = status;
	rs->content_type = "text/html; charset=utf-8";
	rs->cache_control = "no-store";
	sb_reset(&rs->body);
	/* a full queue is no fault: say it is busy, not that it went wrong */
	bool busy = strcmp(code, "busy") == 0;
	const char *title = status == 404   ? _("Deze pagina bestaat niet")
	                    : busy          ? _("Het is even heel druk")
	                    : status >= 500 ? _("Er ging iets mis")
	                                    : _("Dit lukte niet");
	page_begin(rs, rq, title, 0);
	struct sb home;
	sb_init(&home, 256);
	page_link(&home, rq, "/");
	html_fmt(&rs->body,
	         "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<p><a class=\"button\" "
	         "href=\"%s\">%s</a></p>\n",
	         title, message, sb_str(&home), _("Naar de startpagina"));
	html_fmt(&rs->body, "<p class=\"muted\">%s</p>\n",
	         _("Komt u er niet uit? Loop binnen bij een wijkwijzer bij u in de buurt. "
	           "Wij helpen u graag."));
	sb_free(&home);
	page_end(rs, rq);
}

bool page_qr(struct sb *out, const struct request *rq, const char *url, const char *title,
             const char *caption)
{
	struct kiosk_terminal kt;
	if (rq->app->cfg.pub.derived && request_kiosk(rq, &kt))
		return html_fmt(out,
		                "<div class=\"notice warning\" role=\"note\"><p>%s</p></div>\n",
		                _("Voor medewerkers: deze server heeft geen openbaar adres "
		                  "(--public-url). Een telefoon kan de QR-code dan niet openen, "
		                  "dus we laten hem niet zien. Vraag de beheerder dit in te "
		                  "stellen."));
	struct sb svg;
	sb_init(&svg, 64 * 1024);
	bool ok = qr_svg(&svg, url, title);
	if (ok) {
		html_raw(out, "<figure class=\"qr\">");
		/* markup made by qr.c, which escapes its title */
		html_raw(out, sb_str(&svg));
		if (caption)
			html_fmt(out, "<figcaption>%s</figcaption>", caption);
		html_raw(out, "</figure>\n");
	}
	sb_free(&svg);
	return ok;
}
