#include "web/staff.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "base/app.h"
#include "store/catalog.h"
#include "store/content.h"
#include "base/crypto.h"
#include "net/csrf.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "net/rate.h"
#include "net/route.h"
#include "store/store.h"
#include "base/text.h"

#define FORM_LOGIN      "/{lang}/medewerker"
#define FORM_STATUS     "/{lang}/medewerker/status"
#define FORM_BLOCK      "/{lang}/medewerker/blokkeren"
#define FORM_LOGOUT     "/{lang}/medewerker/uitloggen"
#define SESSION_COOKIE  "ww_staff"
#define SESSION_SECONDS (8 * 3600)

static bool location_exists(struct app *app, const char *location)
{
	struct booking_place cfg;
	return location && booking_place_config(app, location, &cfg);
}

struct password_args {
	const char *location, *hash, *now;
};

/* On the writer: the new hash, and the end of the old sessions. */
static int password_write(struct app *app, void *arg)
{
	struct password_args *a = arg;
	const char *location = a->location, *hash = a->hash, *now = a->now;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "INSERT INTO staff_account(location_id, hash, updated_at) VALUES "
	                      "(?1, ?2, ?3) ON CONFLICT(location_id) DO UPDATE SET hash = ?2, "
	                      "updated_at = ?3");
	bool ok = st && sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
	          sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	/* a new password ends the sessions of the old one */
	st = store_stmt(db_bookings(app), "DELETE FROM staff_session WHERE location_id = ?1");
	if (ok && st) {
		sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
	}
	return ok ? 1 : 0;
}

bool staff_set_password(struct app *app, const char *location, const char *password, char *err,
                        size_t errlen)
{
	if (!location_exists(app, location)) {
		snprintf(err, errlen, "unknown wijkwijzer location '%s'", location ? location : "");
		return false;
	}
	if (!password || text_utf8_length(password) < 12 || strlen(password) > 256) {
		snprintf(err, errlen, "the password needs at least 12 characters");
		return false;
	}
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	memset(&data, 0, sizeof(data));
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting))) {
		snprintf(err, errlen, "yescrypt is not available");
		return false;
	}
	const char *hash = crypt_r(password, setting, &data);
	if (!hash || hash[0] == '*') {
		snprintf(err, errlen, "cannot hash the password");
		return false;
	}
	char now[32];
	time_t t = clock_now();
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm))
		now[0] = '\0';
	struct password_args a = {location, hash, now};
	bool ok = writer_do(app, password_write, &a) == 1;
	explicit_bzero(&data, sizeof(data));
	if (!ok)
		snprintf(err, errlen, "cannot store the password: %s",
		         store_errmsg(db_bookings(app)));
	return ok;
}

static bool check_password(struct app *app, const char *location, const char *password)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "SELECT hash FROM staff_account WHERE location_id = ?1");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	char stored[256] = "";
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(stored, sizeof(stored), "%s", store_text(st, 0));
	sqlite3_reset(st);
	struct crypt_data data;
	memset(&data, 0, sizeof(data));
	/* without an account, hash against a dummy so timing does not tell */
	const char *setting =
	    *stored ? stored
	            : "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7";
	const char *h = crypt_r(password ? password : "", setting, &data);
	bool ok =
	    *stored && h && strlen(h) == strlen(stored) && crypto_equal(h, stored, strlen(stored));
	explicit_bzero(&data, sizeof(data));
	return ok;
}

/* ---- login rate limit: failures per client and per location ---------- */

static void pair_key(char *out, size_t n, const char *peer, const char *location)
{
	snprintf(out, n, "%s|%.64s", peer ? peer : "", location ? location : "");
}

/* Seconds this client must still wait before it may try location again
 * (0: it may try now). */
static long wait_seconds(const char *peer, const char *location, time_t now)
{
	if (rate_count("login-client", peer, STAFF_FAILURE_WINDOW_S, false, now) >=
	    STAFF_CLIENT_FAILURES)
		return STAFF_FAILURE_WINDOW_S;
	char key[160];
	pair_key(key, sizeof(key), peer, location);
	time_t last;
	int n = rate_count_last("login-pair", key, STAFF_FAILURE_WINDOW_S, false, now, &last);
	if (n < STAFF_FREE_FAILURES)
		return 0;
	long delay = 1L << (n - STAFF_FREE_FAILURES + 1 > 10 ? 10 : n - STAFF_FREE_FAILURES + 1);
	if (delay > STAFF_FAILURE_WINDOW_S)
		delay = STAFF_FAILURE_WINDOW_S;
	long left = (long)(last + delay - now);
	return left > 0 ? left : 0;
}

static void record_failure(const char *peer, const char *location, time_t now)
{
	char key[160];
	pair_key(key, sizeof(key), peer, location);
	rate_count("login-pair", key, STAFF_FAILURE_WINDOW_S, true, now);
	rate_count("login-client", peer, STAFF_FAILURE_WINDOW_S, true, now);
	int all = rate_count("login-location", location, STAFF_FAILURE_WINDOW_S, true, now);
	/* one line when the attack starts, then one per further hundred;
	   the location only: client addresses stay out of the log */
	if (all == STAFF_ALARM_FAILURES || (all > STAFF_ALARM_FAILURES && all % 100 == 0))
		fprintf(stderr,
		        "wijkwijzer: ALARM: staff login for %s under attack: %d wrong passwords in "
		        "%d minutes\n",
		        location, all, STAFF_FAILURE_WINDOW_S / 60);
}

/* ---- sessions ------------------------------------------------------------ */

bool staff_session(struct request *rq, char *location, size_t len)
{
	struct sb c;
	sb_init(&c, 128);
	bool ok = request_cookie(rq, SESSION_COOKIE, &c) && c.len == 43;
	unsigned char h[32];
	if (ok)
		ok = crypto_sha256(c.data, c.len, h);
	sb_free(&c);
	if (!ok)
		return false;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(rq->app), "SELECT location_id FROM staff_session WHERE token_hash = ?1 AND "
	                          "expires > ?2");
	if (!st)
		return false;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)clock_now());
	ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		snprintf(location, len, "%s", store_text(st, 0));
	sqlite3_reset(st);
	return ok;
}

struct session_args {
	const char *location;
	const unsigned char *hash;
};

/* On the writer: a new session, and expired ones go. */
static int session_write(struct app *app, void *arg)
{
	struct session_args *a = arg;
	const char *location = a->location;
	const unsigned char *h = a->hash;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "INSERT INTO staff_session(token_hash, location_id, expires) VALUES "
	                      "(?1, ?2, ?3)");
	if (!st)
		return false;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, location, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)clock_now() + SESSION_SECONDS);
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	/* old sessions go */
	st = store_stmt(db_bookings(app), "DELETE FROM staff_session WHERE expires < ?1");
	if (st) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)clock_now());
		(void)sqlite3_step(st);
		sqlite3_reset(st);
	}
	return ok ? 1 : 0;
}

static bool new_session(struct app *app, const char *location, struct sb *token)
{
	unsigned char raw[32], h[32];
	if (!crypto_random(raw, sizeof(raw)) || !crypto_base64url(token, raw, sizeof(raw)) ||
	    !crypto_sha256(token->data, token->len, h))
		return false;
	struct session_args a = {location, h};
	return writer_do(app, session_write, &a) == 1;
}

static void set_cookie(struct request *rq, struct response *rs, const char *value, int max_age)
{
	response_cookie(rs, rq, SESSION_COOKIE, value, max_age, "Strict", true);
}

/* ---- pages ---------------------------------------------------------------- */

static void login_form(struct request *rq, struct response *rs, const char *error)
{
	struct sb *o = &rs->body;
	page_begin(rs, rq, _("Inloggen voor medewerkers"), 0);
	html_fmt(o, "<h1>%s</h1>\n<p>%s</p>\n", _("Inloggen voor medewerkers"),
	         _("Deze pagina is voor medewerkers van de wijkwijzer."));
	if (error)
		html_fmt(o, "<p class=\"error-message\" role=\"alert\">%s</p>\n", error);
	struct sb url;
	sb_init(&url, 128);
	page_link(&url, rq, "/medewerker");
	html_fmt(o, "<form method=\"post\" action=\"%s\">\n", sb_str(&url));
	csrf_field(o, rq, FORM_LOGIN);
	html_fmt(o,
	         "<div class=\"field\"><label for=\"s-loc\">%s</label><select id=\"s-loc\" "
	         "name=\"locatie\">\n",
	         _("Wijkwijzer"));
	struct content_place *pl;
	size_t npl;
	if (content_ap_places(db_catalog(rq->app), NULL, 0, &pl, &npl)) {
		for (size_t i = 0; i < npl; i++)
			html_fmt(o, "<option value=\"%s\">%s</option>\n", pl[i].id, pl[i].name);
		content_places_free(pl, npl);
	}
	html_fmt(o,
	         "</select></div>\n<div class=\"field\"><label for=\"s-pw\">%s</label><input "
	         "type=\"password\" id=\"s-pw\" "
	         "name=\"wachtwoord\" autocomplete=\"current-password\" maxlength=\"256\" "
	         "required></div>\n"
	         "<p><button type=\"submit\">%s</button></p>\n</form>\n",
	         _("Wachtwoord"), _("Inloggen"));
	sb_free(&url);
	page_end(rs, rq);
}

void handle_staff_login(struct request *rq, struct response *rs)
{
	rs->cache_control = "no-store";
	char loc[65];
	if (rq->method != HM_POST) {
		if (staff_session(rq, loc, sizeof(loc))) {
			page_redirect(rs, rq, "/medewerker/agenda");
			return;
		}
		login_form(rq, rs, NULL);
		return;
	}
	const char *location = params_get(&rq->form, "locatie");
	const char *password = params_get(&rq->form, "wachtwoord");
	time_t now = clock_now();
	const char *known = location_exists(rq->app, location) ? location : "?";
	long wait = wait_seconds(rq->peer, known, now);
	if (wait > 0) {
		char ra[24];
		snprintf(ra, sizeof(ra), "%ld", wait);
		rs->status = 429;
		response_header(rs, "Retry-After", ra);
		login_form(rq, rs,
		           wait >= 60 ? _("Te veel pogingen. Wacht een kwartier en probeer het dan "
		                          "opnieuw.")
		                      : _("Te veel verkeerde pogingen. Wacht een paar seconden en "
		                          "probeer het dan opnieuw."));
		return;
	}
	if (!location_exists(rq->app, location) || !check_password(rq->app, location, password)) {
		record_failure(rq->peer, known, now);
		rs->status = 401;
		login_form(rq, rs, _("Wijkwijzer of wachtwoord klopt niet."));
		return;
	}
	struct sb token;
	sb_init(&token, 64);
	if (!new_session(rq->app, location, &token)) {
		sb_free(&token);
		page_error(
		    rq, rs, 503, "unavailable",
		    _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."));
		return;
	}
	set_cookie(rq, rs, sb_str(&token), SESSION_SECONDS);
	sb_free(&token);
	page_redirect(rs, rq, "/medewerker/agenda");
}

static int logout_write(struct app *app, void *arg)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "DELETE FROM staff_session WHERE token_hash = ?1");
	if (!st)
		return 0;
	sqlite3_bind_blob(st, 1, arg, 32, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE;
}

void handle_staff_logout(struct request *rq, struct response *rs)
{
	struct sb c;
	sb_init(&c, 128);
	unsigned char h[32];
	if (request_cookie(rq, SESSION_COOKIE, &c) && crypto_sha256(c.data, c.len, h))
		(void)writer_do(rq->app, logout_write, h);
	sb_free(&c);
	set_cookie(rq, rs, "", 0);
	page_redirect(rs, rq, "/medewerker");
}

static bool require_staff(struct request *rq, struct response *rs, char *loc, size_t len)
{
	rs->cache_control = "no-store";
	if (staff_session(rq, loc, len))
		return true;
	page_redirect(rs, rq, "/medewerker");
	return false;
}

static const char *day_param(struct request *rq, char out[11])
{
	const char *d = params_get(&rq->query, "dag");
	char probe[BOOKING_TIME_LEN];
	struct hours_day day;
	int m;
	if (d && strlen(d) == 10) {
		snprintf(probe, sizeof(probe), "%sT00:00", d);
		if (booking_parse_time(probe, &day, &m)) {
			snprintf(out, 11, "%s", d);
			return out;
		}
	}
	time_t now = clock_now();
	struct tm tm;
	if (!localtime_r(&now, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		snprintf(out, 11, "2026-01-01");
	return out;
}

static void needs_text(struct sb *o, unsigned needs, const char *interpreter)
{
	bool any = false;
	if (needs & NEED_INTERPRETER) {
		html_textf(o, _("Tolk (%s)"), interpreter ? interpreter : "?");
		any = true;
	}
	if (needs & NEED_WHEELCHAIR) {
		html_fmt(o, "%s%s", any ? ", " : "", _("Rolstoel"));
		any = true;
	}
	if (needs & NEED_COMPANION) {
		html_fmt(o, "%s%s", any ? ", " : "", _("Neemt iemand mee"));
		any = true;
	}
	if (needs & NEED_CLIENT_SUPPORT) {
		html_fmt(o, "%s%s", any ? ", " : "", _("Cliëntondersteuner"));
		any = true;
	}
	if (!any)
		html_raw(o, "-");
}

static void status_form(struct request *rq, struct sb *o, long long id, const char *status,
                        const char *label, const char *back)
{
	struct sb url;
	sb_init(&url, 128);
	page_link(&url, rq, "/medewerker/status");
	html_fmt(o, "<form method=\"post\" action=\"%s\" class=\"inline-form\">", sb_str(&url));
	csrf_field(o, rq, FORM_STATUS);
	html_fmt(o,
	         "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" "
	         "name=\"status\" value=\"%s\">"
	         "<input type=\"hidden\" name=\"terug\" value=\"%s\"><button type=\"submit\" "
	         "class=\"secondary\">%s</button></form>",
	         id, status, back, label);
	sb_free(&url);
}

void handle_staff_agenda(struct request *rq, struct response *rs)
{
	char loc[65], day[11];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	day_param(rq, day);
	struct sb *o = &rs->body;
	page_begin(rs, rq, _("Agenda"), 0);
	char pname[128] = "";
	struct content_place pl;
	/* display only: truncation harmless */
	if (content_place(db_catalog(rq->app), loc, &pl) == CONTENT_FOUND)
		snprintf(pname, sizeof(pname), "%s", pl.name);
	content_place_free(&pl);
	sqlite3_stmt *st; /* the bookings of the day, below */
	struct hours_day d;
	int m;
	char probe[BOOKING_TIME_LEN];
	snprintf(probe, sizeof(probe), "%sT00:00", day);
	booking_parse_time(probe, &d, &m);
	struct sb label, url;
	sb_init(&label, 128);
	sb_init(&url, 256);
	i18n_format_date(&label, d.year, d.mon, d.mday, d.wday);
	html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", pname, sb_str(&label));
	/* day navigation */
	struct hours_day prev = hours_add_days(d, -1), next = hours_add_days(d, 1);
	page_link(&url, rq, "/medewerker/agenda");
	html_fmt(o,
	         "<form method=\"get\" action=\"%s\" class=\"inline-form\"><label "
	         "for=\"a-dag\">%s</label> "
	         "<input type=\"date\" id=\"a-dag\" name=\"dag\" value=\"%s\"> <button "
	         "type=\"submit\" class=\"secondary\">%s</button></form>\n",
	         sb_str(&url), _("Dag"), day, _("Toon"));
	html_fmt(o,
	         "<p class=\"button-row\"><a class=\"button secondary\" "
	         "href=\"%s?dag=%04u-%02u-%02u\">%s</a> "
	         "<a class=\"button secondary\" href=\"%s?dag=%04u-%02u-%02u\">%s</a> "
	         "<a class=\"button secondary\" href=\"/medewerker/export.csv?dag=%s\" "
	         "download>%s</a></p>\n",
	         sb_str(&url), (unsigned)prev.year, (unsigned)prev.mon, (unsigned)prev.mday,
	         _("Vorige dag"), sb_str(&url), (unsigned)next.year, (unsigned)next.mon,
	         (unsigned)next.mday, _("Volgende dag"), day, _("Download als CSV"));
	html_fmt(o,
	         "<p class=\"live-status notice\" role=\"status\" data-live-location=\"%s\" "
	         "data-live-date=\"%s\" "
	         "data-live-reload=\"%s\" hidden></p>\n",
	         loc, day, _("Er is iets veranderd in de agenda. Laad de pagina opnieuw."));
	st = store_stmt(
	    db_bookings(rq->app),
	    "SELECT id, start, end, topic, status, coalesce(name, ''), coalesce(phone, ''), "
	    "coalesce(email, ''), needs, interpreter_lang, coalesce(summary, ''), reference, "
	    "origin FROM booking WHERE location_id = ?1 AND substr(start, 1, 10) = ?2 AND "
	    "status <> 'cancelled' ORDER BY start, id");
	html_fmt(o,
	         "<table class=\"agenda\">\n<caption "
	         "class=\"visually-hidden\">%s</caption>\n<thead><tr><th scope=\"col\">%s</th>"
	         "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
	         "scope=\"col\">%s</th>"
	         "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
	         _("Afspraken van deze dag"), _("Tijd"), _("Wie"), _("Onderwerp"), _("Nodig"),
	         _("Status"), _("Actie"));
	size_t n = 0;
	struct sb back;
	sb_init(&back, 256);
	page_link(&back, rq, "/medewerker/agenda?dag=");
	sb_puts(&back, day);
	if (st) {
		sqlite3_bind_text(st, 1, loc, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			n++;
			long long id = sqlite3_column_int64(st, 0);
			char ref[16];
			booking_reference_display(store_text(st, 11), ref);
			html_fmt(o,
			         "<tr><td class=\"ltr\">%.5s-%.5s</td><td>%s<br><span "
			         "class=\"ltr\">%s</span> <span class=\"ltr\">%s</span>"
			         "<br><span class=\"ltr muted\">%s</span></td><td>",
			         store_text(st, 1) + 11, store_text(st, 2) + 11, store_text(st, 5),
			         store_text(st, 6), store_text(st, 7), ref);
			html_text(o, store_text(st, 3));
			html_raw(o, "</td><td>");
			needs_text(o, (unsigned)sqlite3_column_int(st, 8),
			           sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL
			                                                     : store_text(st, 9));
			if (*store_text(st, 10))
				html_fmt(o,
				         "<details><summary>%s</summary><pre "
				         "class=\"summary\">%s</pre></details>",
				         _("Zelfcheck (gedeeld)"), store_text(st, 10));
			const char *status = store_text(st, 4);
			html_fmt(o, "</td><td>%s</td><td>",
			         strcmp(status, "checked_in") == 0 ? _("Aangemeld")
			         : strcmp(status, "no_show") == 0  ? _("Niet gekomen")
			                                           : _("Verwacht"));
			if (strcmp(status, "confirmed") == 0) {
				status_form(rq, o, id, "checked_in", _("Aanmelden"), sb_str(&back));
				status_form(rq, o, id, "no_show", _("Niet gekomen"), sb_str(&back));
			} else {
				status_form(rq, o, id, "confirmed", _("Terugzetten"),
				            sb_str(&back));
			}
			html_raw(o, "</td></tr>\n");
		}
		sqlite3_reset(st);
	}
	if (!n)
		html_fmt(o, "<tr><td colspan=\"6\">%s</td></tr>\n",
		         _("Geen afspraken op deze dag."));
	html_raw(o, "</tbody>\n</table>\n");

	/* blocking: a whole day or one slot */
	sb_reset(&url);
	page_link(&url, rq, "/medewerker/blokkeren");
	html_fmt(o, "<h2>%s</h2>\n<form method=\"post\" action=\"%s\">\n", _("Tijden blokkeren"),
	         sb_str(&url));
	csrf_field(o, rq, FORM_BLOCK);
	html_fmt(o, "<input type=\"hidden\" name=\"terug\" value=\"%s\">\n", sb_str(&back));
	html_fmt(o,
	         "<div class=\"field\"><label for=\"b-what\">%s</label><select id=\"b-what\" "
	         "name=\"wat\">\n"
	         "<option value=\"%s\">%s</option>\n",
	         _("Wat wilt u blokkeren?"), day, _("De hele dag"));
	struct slot s[BOOKING_MAX_SLOTS];
	size_t ns = booking_day_starts(rq->app, loc, d, s, BOOKING_MAX_SLOTS);
	for (size_t i = 0; i < ns; i++)
		html_fmt(o, "<option value=\"%s\">%s</option>\n", s[i].start, s[i].start + 11);
	html_fmt(o,
	         "</select></div>\n<div class=\"check\"><input type=\"checkbox\" id=\"b-undo\" "
	         "name=\"vrijgeven\" value=\"ja\">"
	         "<label for=\"b-undo\">%s</label></div>\n<p><button "
	         "type=\"submit\">%s</button></p>\n</form>\n",
	         _("Blokkade opheffen in plaats van blokkeren"), _("Opslaan"));
	sb_reset(&url);
	page_link(&url, rq, "/medewerker/uitloggen");
	html_fmt(o, "<form method=\"post\" action=\"%s\">", sb_str(&url));
	csrf_field(o, rq, FORM_LOGOUT);
	html_fmt(o, "<p><button type=\"submit\" class=\"secondary\">%s</button></p></form>\n",
	         _("Uitloggen"));
	sb_free(&back);
	sb_free(&label);
	sb_free(&url);
	page_end(rs, rq);
}

static void back_to(struct request *rq, struct response *rs)
{
	const char *back = params_get(&rq->form, "terug");
	/* only our own pages: a relative path without a scheme or "//" */
	if (back && back[0] == '/' && back[1] != '/' && !strchr(back, '\\') &&
	    response_redirect(rs, 303, back))
		return;
	page_redirect(rs, rq, "/medewerker/agenda");
}

void handle_staff_status(struct request *rq, struct response *rs)
{
	char loc[65];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	long id;
	const char *status = params_get(&rq->form, "status");
	if (!text_parse_long(params_get(&rq->form, "id"), 1, 1L << 40, &id) || !status ||
	    (strcmp(status, "checked_in") && strcmp(status, "no_show") &&
	     strcmp(status, "confirmed")) ||
	    !booking_set_status(rq->app, loc, id, status)) {
		page_error(
		    rq, rs, 400, "bad_status",
		    _("Dit lukte niet. Misschien hoort de afspraak bij een andere wijkwijzer."));
		return;
	}
	back_to(rq, rs);
}

void handle_staff_block(struct request *rq, struct response *rs)
{
	char loc[65];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	const char *what = params_get(&rq->form, "wat");
	const char *undo = params_get(&rq->form, "vrijgeven");
	if (!what || !booking_block(rq->app, loc, what, !(undo && strcmp(undo, "ja") == 0))) {
		page_error(rq, rs, 400, "bad_block",
		           _("Dit lukte niet. Kies een dag of tijd uit de lijst."));
		return;
	}
	back_to(rq, rs);
}

/* CSV cells that start like a formula are prefixed, so a spreadsheet
 * never runs them (CSV injection). */
static void csv_cell(struct sb *o, const char *v, bool last)
{
	sb_putc(o, '"');
	if (v && strchr("=+-@\t\r", v[0]) && v[0])
		sb_putc(o, '\'');
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '"')
			sb_putc(o, '"');
		sb_putc(o, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	sb_puts(o, last ? "\"\r\n" : "\",");
}

void handle_staff_export(struct request *rq, struct response *rs)
{
	char loc[65], day[11];
	if (!require_staff(rq, rs, loc, sizeof(loc)))
		return;
	day_param(rq, day);
	rs->content_type = "text/csv; charset=utf-8";
	struct sb disp;
	sb_init(&disp, 128);
	sb_appendf(&disp, "attachment; filename=\"agenda-%s-%s.csv\"", loc, day);
	response_header(rs, "Content-Disposition", sb_str(&disp));
	sb_free(&disp);
	struct sb *o = &rs->body;
	sb_puts(o, "\xEF\xBB\xBF"); /* spreadsheets need the BOM to read UTF-8 */
	const char *head[] = {
	    "tijd",      "einde", "code",     "naam",     "telefoon",           "email",
	    "onderwerp", "tolk",  "rolstoel", "meenemen", "clientondersteuner", "status",
	    "zelfcheck"};
	for (size_t i = 0; i < 13; i++)
		csv_cell(o, head[i], i == 12);
	sqlite3_stmt *st =
	    store_stmt(db_bookings(rq->app),
	               "SELECT start, end, reference, name, phone, email, topic, needs, "
	               "interpreter_lang, status, summary FROM booking WHERE location_id = "
	               "?1 AND substr(start, 1, 10) = ?2 AND status <> 'cancelled' ORDER BY start");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, loc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		unsigned needs = (unsigned)sqlite3_column_int(st, 7);
		char ref[16];
		booking_reference_display(store_text(st, 2), ref);
		csv_cell(o, store_text(st, 0) + 11, false);
		csv_cell(o, store_text(st, 1) + 11, false);
		csv_cell(o, ref, false);
		csv_cell(o, store_text(st, 3), false);
		csv_cell(o, store_text(st, 4), false);
		csv_cell(o, store_text(st, 5), false);
		csv_cell(o, store_text(st, 6), false);
		csv_cell(o, (needs & NEED_INTERPRETER) ? store_text(st, 8) : "", false);
		csv_cell(o, (needs & NEED_WHEELCHAIR) ? "ja" : "", false);
		csv_cell(o, (needs & NEED_COMPANION) ? "ja" : "", false);
		csv_cell(o, (needs & NEED_CLIENT_SUPPORT) ? "ja" : "", false);
		csv_cell(o, store_text(st, 9), false);
		csv_cell(o, store_text(st, 10), true);
	}
	sqlite3_reset(st);
}

void staff_booking_panel(struct request *rq, struct sb *o, const struct booking *b)
{
	char loc[65];
	if (!staff_session(rq, loc, sizeof(loc)) || strcmp(loc, b->location) != 0)
		return;
	struct sb back;
	sb_init(&back, 256);
	page_link(&back, rq, "/medewerker/agenda?dag=");
	sb_appendf(&back, "%.10s", b->start);
	html_fmt(o, "<section class=\"staff-panel no-print\"><h2>%s</h2><p>%s: %s</p>",
	         _("Voor de medewerker"), _("Naam"), b->name ? b->name : "-");
	if (strcmp(b->status, "confirmed") == 0) {
		status_form(rq, o, b->id, "checked_in", _("Aanmelden"), sb_str(&back));
		status_form(rq, o, b->id, "no_show", _("Niet gekomen"), sb_str(&back));
	} else {
		html_fmt(o, "<p>%s: %s</p>", _("Status"), b->status);
	}
	html_raw(o, "</section>\n");
	sb_free(&back);
}
