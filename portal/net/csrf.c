#include "net/csrf.h"

#include <string.h>

#include "base/clock.h"
#include "base/arena.h"
#include "base/origin.h"

static bool sign(const struct app *app, const char *form, const char *binding,
                 const unsigned char ts[8], unsigned char mac[CRYPTO_MAC_BYTES])
{
	struct sb msg;
	sb_init(&msg, 256);
	bool ok = sb_puts(&msg, "csrf|") && sb_puts(&msg, form) && sb_putc(&msg, '|') &&
	          sb_append(&msg, (const char *)ts, 8) && sb_putc(&msg, '|') &&
	          sb_puts(&msg, binding) && crypto_hmac(app->secret, msg.data, msg.len, mac);
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

static bool binding_well_formed(const char *b)
{
	return crypto_is_base64url(b, CSRF_BINDING_LEN);
}

bool csrf_token(const struct app *app, const char *form, const char *binding, time_t now,
                struct sb *out)
{
	unsigned char raw[8 + 16], mac[CRYPTO_MAC_BYTES];
	if (!binding_well_formed(binding))
		return false;
	put_time(raw, now);
	if (!sign(app, form, binding, raw, mac))
		return false;
	memcpy(raw + 8, mac, 16);
	return crypto_base64url(out, raw, sizeof(raw));
}

bool csrf_valid(const struct app *app, const char *form, const char *binding, const char *token,
                time_t now)
{
	if (!token || strlen(token) != 32 || !binding_well_formed(binding))
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
		ok = sign(app, form, binding, r, mac) && crypto_equal(mac, r + 8, 16) &&
		     (time_t)t <= now + 60 && now - (time_t)t <= CSRF_MAX_AGE_S;
	}
	sb_free(&raw);
	return ok;
}

bool csrf_binding(const struct request *rq, char out[CSRF_BINDING_LEN + 1])
{
	struct sb c;
	sb_init(&c, 64);
	bool ok = request_cookie(rq, ORIGIN_COOKIE(rq->app->cfg.pub, CSRF_COOKIE), &c) &&
	          binding_well_formed(sb_str(&c));
	if (ok)
		memcpy(out, c.data, CSRF_BINDING_LEN + 1);
	sb_free(&c);
	return ok;
}

bool csrf_form_token(struct request *rq, const char *form, struct sb *out)
{
	if (!rq->csrf_binding[0] && !csrf_binding(rq, rq->csrf_binding)) {
		unsigned char r[16];
		struct sb b;
		sb_init(&b, 32);
		bool ok = crypto_random(r, sizeof(r)) && crypto_base64url(&b, r, sizeof(r)) &&
		          b.len == CSRF_BINDING_LEN;
		if (ok) {
			memcpy(rq->csrf_binding, b.data, CSRF_BINDING_LEN + 1);
			rq->csrf_binding_new = true;
		}
		sb_free(&b);
		if (!ok) {
			out->failed = true;
			return false;
		}
	}
	return csrf_token(rq->app, form, rq->csrf_binding, clock_now(), out);
}

const char *csrf_token_of(struct request *rq, const char *form)
{
	struct sb *t = arena_sb(&rq->arena, 256);
	return t && csrf_form_token(rq, form, t) && !sb_failed(t) ? sb_str(t) : NULL;
}

bool csrf_finish(const struct request *rq, struct response *rs)
{
	/* a session cookie: it lasts as long as the browser is open, like the
	   forms it protects. Lax keeps it stable when a resident follows a
	   link from elsewhere, and is still not sent on another site's POST */
	return !rq->csrf_binding_new ||
	       response_cookie(rs, rq, ORIGIN_COOKIE(rq->app->cfg.pub, CSRF_COOKIE),
	                       rq->csrf_binding, -1, "Lax", true);
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
	/* neither header (an old browser, a privacy proxy): the token's
	   binding to this browser's cookie is what protects the form */
	return true;
}
