#include "csrf.h"

#include <string.h>

#include "clock.h"
#include "html.h"
#include "origin.h"

static bool sign(const struct app *app, const char *form, const unsigned char ts[8],
                 unsigned char mac[CRYPTO_MAC_BYTES])
{
	struct sb msg;
	sb_init(&msg, 256);
	bool ok = sb_puts(&msg, "csrf|") && sb_puts(&msg, form) && sb_putc(&msg, '|') &&
	          sb_append(&msg, (const char *)ts, 8) &&
	          crypto_hmac(app->secret, msg.data, msg.len, mac);
	sb_free(&msg);
	return ok;
}

static void put_time(unsigned char ts[8], time_t now)
{
	unsigned long long t = (unsigned long long)now;
	for (int i = 7; i >= 0; i--) {
		ts[i] = (unsigned char)(t & 0xFF);
		t >>= 8;
	}
}

bool csrf_token(const struct app *app, const char *form, time_t now, struct sb *out)
{
	unsigned char raw[8 + 16], mac[CRYPTO_MAC_BYTES];
	put_time(raw, now);
	if (!sign(app, form, raw, mac))
		return false;
	memcpy(raw + 8, mac, 16);
	return crypto_base64url(out, raw, sizeof(raw));
}

bool csrf_valid(const struct app *app, const char *form, const char *token, time_t now)
{
	if (!token || strlen(token) != 32)
		return false;
	struct sb raw;
	sb_init(&raw, 64);
	bool ok = crypto_base64url_decode(&raw, token, 32) && raw.len == 24;
	if (ok) {
		unsigned char mac[CRYPTO_MAC_BYTES];
		const unsigned char *r = (const unsigned char *)raw.data;
		unsigned long long t = 0;
		for (int i = 0; i < 8; i++)
			t = (t << 8) | r[i];
		ok = sign(app, form, r, mac) && crypto_equal(mac, r + 8, 16) &&
		     (time_t)t <= now + 60 && now - (time_t)t <= CSRF_MAX_AGE_S;
	}
	sb_free(&raw);
	return ok;
}

bool csrf_field(struct sb *html, const struct app *app, const char *form)
{
	struct sb tok;
	sb_init(&tok, 128);
	bool ok = csrf_token(app, form, clock_now(), &tok) &&
	          html_fmt(html, "<input type=\"hidden\" name=\"" CSRF_FIELD "\" value=\"%s\">",
	                   sb_str(&tok));
	sb_free(&tok);
	return ok;
}

bool csrf_same_origin(const struct request *rq)
{
	/* Sec-Fetch-Site, when the browser sends it, is the clearest answer */
	if (rq->sec_fetch_site)
		return strcmp(rq->sec_fetch_site, "same-origin") == 0 ||
		       strcmp(rq->sec_fetch_site, "none") == 0;
	/* Browsers send "Origin: null" for our own forms because of
	   Referrer-Policy: no-referrer; without Sec-Fetch-Site that cannot
	   be told apart from a sandboxed attacker, so it is refused. */
	if (rq->origin)
		return origin_matches(&rq->app->cfg.pub, rq->origin, rq->host);
	return true;
}
