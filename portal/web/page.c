#include "web/page.h"

#include <stdio.h>
#include <string.h>

#include "base/app.h"
#include "base/assets.h"
#include "base/html.h"
#include "domain/speech.h"
#include "domain/terminals.h"
#include "exec/db.h"
#include "store/catalog.h"
#include "base/qr.h"
#include "net/route.h"
#include "base/arena.h"
#include "base/text.h"
#include "web/templates.h"
#include "web/views.h"

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

const char *page_href(struct request *rq, const char *rest)
{
	struct sb *u = arena_sb(&rq->arena, 512);
	return u && page_link(u, rq, rest) && !sb_failed(u) ? sb_str(u) : NULL;
}

bool page_link_buf(char *buf, size_t size, const struct request *rq, const char *rest)
{
	const struct i18n_lang *l = rq->lang ? rq->lang : i18n_default();
	int n = snprintf(buf, size, "/%s%s", l->code, rest);
	return n > 0 && (size_t)n < size;
}

/* An asset's URL with its version into a buffer of the layout view; the
 * names are ours and short, so it is never cut (a cut one fails). */
static bool asset_url(char *buf, size_t size, const char *name)
{
	const struct asset *a = asset_find(name);
	int n = a ? snprintf(buf, size, "/static/%s?v=%.8s", name, a->hash)
	          : snprintf(buf, size, "/static/%s", name);
	return n > 0 && (size_t)n < size;
}

/* The page after its language segment, with its query, for the language
 * switch, which keeps the page: a search or a half-done check survives
 * the switch. */
static bool switch_rest(struct sb *out, const struct request *rq)
{
	const char *rest = "/";
	if (rq->route && rq->nroute_params > 0 && strncmp(rq->route->pattern, "/{lang}", 7) == 0) {
		const char *p = rq->path + 1;
		const char *slash = strchr(p, '/');
		rest = slash ? slash : "/";
	}
	if (!text_url_path(out, rest))
		return false;
	for (size_t i = 0; i < rq->query.n; i++) {
		if (!sb_putc(out, i ? '&' : '?') || !text_url_encode(out, rq->query.v[i].name) ||
		    !sb_putc(out, '=') || !text_url_encode(out, rq->query.v[i].value))
			return false;
	}
	return true;
}

/* The markup is the template web/templates/layout_begin.html with the
 * components c_head, c_kiosk_bar and c_header. */
bool page_begin(struct response *rs, const struct request *rq, const char *title, unsigned flags)
{
	struct sb *o = &rs->body;
	const struct i18n_lang *lang = rq->lang ? rq->lang : i18n_default();

	/* remember the language chosen, for the next visit to "/" */
	struct sb cur;
	sb_init(&cur, 64);
	if (rs->status == 200 && rq->route && strncmp(rq->route->pattern, "/{lang}", 7) == 0 &&
	    !(request_cookie(rq, "lang", &cur) && strcmp(sb_str(&cur), lang->code) == 0)) {
		/* read by nothing but the server: HttpOnly */
		response_cookie(rs, rq, "lang", lang->code, 31536000, "Lax", true);
	}
	sb_free(&cur);

	struct layout_view v = {
	    .lang = lang,
	    .title = title,
	    .noindex = rq->route && (rq->route->flags & ROUTE_NOINDEX),
	    .form_errors = rs->status == 422,
	    .receipt = (flags & PAGE_RECEIPT) != 0,
	    .kiosk_start = (flags & PAGE_KIOSK_START) != 0,
	    .lang_switch = !(flags & PAGE_NO_LANG_SWITCH),
	    /* not on staff pages: the sub-request never carries a staff
	       session, and a resident's details are not for the speech cache */
	    .read_aloud =
	        !(flags & PAGE_RECEIPT) && speech_has_voice(lang->code) &&
	        !(rq->route && strncmp(rq->route->pattern, "/{lang}/medewerker", 18) == 0),
	};
	const struct site_info *site = catalog_site(db_catalog(rq->app));
	v.municipality = site ? site->municipality : "";
	bool ok = asset_url(v.css, sizeof(v.css), "style.css") &&
	          asset_url(v.print_css, sizeof(v.print_css), "print.css") &&
	          asset_url(v.icon, sizeof(v.icon), "icon.svg") &&
	          asset_url(v.logo, sizeof(v.logo), "logo.svg") &&
	          (!v.receipt || asset_url(v.receipt_css, sizeof(v.receipt_css), "receipt.css")) &&
	          asset_url(v.app_js, sizeof(v.app_js), "app.js");
	struct kiosk_terminal kt;
	struct c_kiosk_bar bar;
	if (request_kiosk(rq, &kt)) {
		rs->cache_control = "no-store"; /* nothing of a kiosk user stays in a cache */
		bar = (struct c_kiosk_bar){
		    .terminal = kt.id,
		    .lang = lang->code,
		    .idle_seconds = kt.idle_seconds,
		    .countdown_seconds = KIOSK_COUNTDOWN_S,
		    .printer = kt.printer,
		    .read_aloud = speech_has_voice(lang->code),
		};
		int n = snprintf(bar.stop_href, sizeof(bar.stop_href), "/kiosk/%s/stop", kt.id);
		ok = ok && n > 0 && (size_t)n < sizeof(bar.stop_href);
		v.kiosk = &bar;
	}
	struct sb rest, back;
	sb_init(&rest, 4096);
	sb_init(&back, 4096);
	ok = ok && (!v.lang_switch || switch_rest(&rest, rq));
	v.switch_rest = sb_str(&rest);
	if (ok && v.kiosk) {
		/* where "Roep een medewerker" returns to without JavaScript:
		   this page, else the start screen */
		struct sb here;
		sb_init(&here, 4096);
		bool lang_page = rq->route && strncmp(rq->route->pattern, "/{lang}", 7) == 0 &&
		                 rq->method == HM_GET && switch_rest(&here, rq);
		ok = lang_page ? page_link(&back, rq, sb_str(&here))
		               : sb_appendf(&back, "/kiosk/%s?lang=%s", kt.id, lang->code);
		ok = ok && !sb_failed(&back);
		sb_free(&here);
		bar.back = sb_str(&back);
	}
	if (!ok)
		o->failed = true; /* a 500 in server.c */
	ok = ok && tpl_layout_begin(o, &v);
	sb_free(&rest);
	sb_free(&back);
	return ok;
}

/* "08:30" as "8.30" */
static void hour_words(char out[8], const char *hhmm)
{
	out[0] = '\0';
	if (strlen(hhmm) != 5)
		return;
	const char *h = hhmm[0] == '0' ? hhmm + 1 : hhmm;
	snprintf(out, 8, "%.*s.%.2s", (int)(hhmm + 2 - h), h, hhmm + 3);
}

bool page_phone(const struct request *rq, struct page_phone *out)
{
	memset(out, 0, sizeof(*out));
	out->kiosk = rq->kiosk;
	const struct site_info *site = catalog_site(db_catalog(rq->app));
	if (!site || !site->phone[0])
		return false;
	snprintf(out->phone, sizeof(out->phone), "%s", site->phone);
	text_tel(out->tel, sizeof(out->tel), site->phone);
	if (site->phone_opens[0] && site->phone_closes[0]) {
		hour_words(out->opens, site->phone_opens);
		hour_words(out->closes, site->phone_closes);
	}
	return true;
}

/* "Bel de wijkwijzer" with the content's number (page.h). */
struct c_call page_call(const struct request *rq, struct page_phone *buf)
{
	if (!page_phone(rq, buf))
		return (struct c_call){0};
	return (struct c_call){.phone = buf->phone, .tel = buf->tel, .kiosk = buf->kiosk};
}

bool page_end(struct response *rs, const struct request *rq)
{
	const struct site_info *site = catalog_site(db_catalog(rq->app));
	struct page_phone ph;
	bool phone = page_phone(rq, &ph);
	struct c_footer f = {
	    .example = site && site->example,
	    .kiosk = ph.kiosk,
	    .phone = phone ? ph.phone : NULL,
	    .tel = ph.tel,
	    .opens = phone && ph.opens[0] ? ph.opens : NULL,
	    .closes = ph.closes,
	};
	return tpl_layout_end(&rs->body, &f);
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
	struct page_phone ph;
	struct error_view v = {.title = title, .message = message, .call = page_call(rq, &ph)};
	if (!page_link_buf(v.home, sizeof(v.home), rq, "/"))
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, title, 0) && tpl_error_page(&rs->body, &v))
		page_end(rs, rq);
}

bool page_qr(struct qr_view *out, struct request *rq, const char *url, const char *title,
             const char *caption)
{
	*out = (struct qr_view){.shown = true, .caption = caption};
	struct kiosk_terminal kt;
	if (rq->app->cfg.pub.derived && request_kiosk(rq, &kt)) {
		out->warn = true;
		return true;
	}
	struct sb *svg = arena_sb(&rq->arena, 64 * 1024);
	/* markup made by qr.c, which escapes its title */
	if (!svg || !qr_svg(svg, url, title) || sb_failed(svg))
		return false;
	out->svg = tpl_trusted_html(sb_str(svg));
	return true;
}

const char *page_date_long(struct request *rq, const char *iso)
{
	long y, m, d;
	char buf[11];
	if (!iso || strlen(iso) < 10)
		return NULL;
	memcpy(buf, iso, 10);
	buf[4] = buf[7] = buf[10] = '\0';
	if (!text_parse_long(buf, 2000, 2200, &y) || !text_parse_long(buf + 5, 1, 12, &m) ||
	    !text_parse_long(buf + 8, 1, 31, &d))
		return NULL;
	/* TRANSLATORS: a date with its year. %1$d the day, %2$s the month's
	   name, %3$d the year. Dutch: "12 maart 2026". */
	return arena_printf(&rq->arena, _("%1$d %2$s %3$d"), (int)d, i18n_month_name((int)m),
	                    (int)y);
}

const char *page_day(struct request *rq, const char *s)
{
	int y, m, d;
	char tail;
	if (!s || !*s)
		return NULL;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 &&
	    sscanf(s, "%2d-%2d-%4d%c", &d, &m, &y, &tail) != 3)
		return NULL;
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return NULL;
	return arena_printf(&rq->arena, "%04d-%02d-%02d", y, m, d);
}

const char *page_checked_on(struct request *rq, const char *iso)
{
	const char *d = page_date_long(rq, iso);
	/* TRANSLATORS: %s is a date, "12 maart 2026" */
	return d ? arena_printf(&rq->arena, _("Laatst gecontroleerd op %s."), d) : NULL;
}
