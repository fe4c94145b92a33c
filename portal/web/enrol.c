#include "web/enrol.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "net/csrf.h"
#include "exec/db.h"
#include "web/handlers.h"
#include "base/html.h"
#include "web/kiosk.h"
#include "web/page.h"
#include "net/route.h"
#include "store/store.h"
#include "base/text.h"
#include "exec/writer.h"

struct key {
	char terminal[65];
	unsigned char hash[32];
};

static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct key *keys;
static size_t nkeys, keys_cap;

/* keys_lock held */
static bool keys_set(const char *terminal, const unsigned char hash[32])
{
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(keys[i].terminal, terminal) == 0) {
			memcpy(keys[i].hash, hash, 32);
			return true;
		}
	if (nkeys == keys_cap) {
		size_t cap = keys_cap ? keys_cap * 2 : 16;
		struct key *k = realloc(keys, cap * sizeof(*k));
		if (!k)
			return false;
		keys = k;
		keys_cap = cap;
	}
	snprintf(keys[nkeys].terminal, sizeof(keys[nkeys].terminal), "%s", terminal);
	memcpy(keys[nkeys].hash, hash, 32);
	nkeys++;
	return true;
}

bool enrol_load(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT terminal_id, key_hash FROM terminal_key");
	if (!st)
		return false;
	int rc;
	bool ok = true;
	pthread_mutex_lock(&keys_lock);
	nkeys = 0;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_bytes(st, 1) == 32)
			ok = keys_set(store_text(st, 0), sqlite3_column_blob(st, 1));
	pthread_mutex_unlock(&keys_lock);
	ok = ok && rc == SQLITE_DONE;
	sqlite3_reset(st);
	return ok;
}

void enrol_unload(void)
{
	pthread_mutex_lock(&keys_lock);
	free(keys);
	keys = NULL;
	nkeys = keys_cap = 0;
	pthread_mutex_unlock(&keys_lock);
}

bool enrol_verify(const char *terminal, const char *secret)
{
	unsigned char h[32];
	if (!terminal || !secret || strlen(secret) != ENROL_SECRET_LEN ||
	    !crypto_sha256(secret, ENROL_SECRET_LEN, h))
		return false;
	bool ok = false;
	pthread_mutex_lock(&keys_lock);
	for (size_t i = 0; i < nkeys && !ok; i++)
		ok = strcmp(keys[i].terminal, terminal) == 0 && crypto_equal(keys[i].hash, h, 32);
	pthread_mutex_unlock(&keys_lock);
	return ok;
}

/* A random base64url secret and its SHA-256. */
static bool new_secret(struct sb *out, unsigned char hash[32])
{
	unsigned char raw[32];
	bool ok = crypto_random(raw, sizeof(raw)) && crypto_base64url(out, raw, sizeof(raw)) &&
	          out->len == ENROL_SECRET_LEN && crypto_sha256(out->data, out->len, hash);
	explicit_bzero(raw, sizeof(raw));
	return ok;
}

struct code_args {
	const char *terminal;
	const unsigned char *hash;
};

static int code_write(struct app *app, void *arg)
{
	struct code_args *a = arg;
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "INSERT OR REPLACE INTO terminal_enrolment(terminal_id, "
	                                 "code_hash, expires) VALUES (?1, ?2, ?3)");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, a->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, a->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)clock_now() + ENROL_CODE_SECONDS);
	int ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	return ok;
}

bool enrol_new_code(struct app *app, const char *terminal, struct sb *link, char *err,
                    size_t errlen)
{
	struct kiosk_terminal t;
	if (!kiosk_find(app, terminal, &t)) {
		snprintf(err, errlen, "no terminal '%s' in the content (content/terminals.csv)",
		         terminal);
		return false;
	}
	struct sb code;
	sb_init(&code, 64);
	unsigned char h[32];
	struct code_args a = {t.id, h};
	bool ok = new_secret(&code, h) && writer_do(app, code_write, &a) == 1;
	if (!ok)
		snprintf(err, errlen, "cannot store the enrolment code: %s",
		         store_errmsg(db_bookings(app)));
	else
		ok = sb_appendf(link, "%s/kiosk/", app->cfg.pub.base) &&
		     text_url_encode(link, t.id) && sb_puts(link, "/aanmelden?code=") &&
		     sb_puts(link, sb_str(&code));
	sb_free(&code);
	return ok;
}

/* ---- the enrolment page, in the terminal's browser ------------------------ */

static bool code_well_formed(const char *code)
{
	return crypto_is_base64url(code, ENROL_SECRET_LEN);
}

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
		page_not_found(rq, rs);
		return;
	}
	if (!code_well_formed(code)) {
		enrol_refused(rq, rs);
		return;
	}
	page_begin(rs, rq, _("Deze zuil aanmelden"), 0);
	struct sb *o = &rs->body;
	struct sb url;
	sb_init(&url, 128);
	sb_puts(&url, "/kiosk/");
	text_url_encode(&url, t.id);
	sb_puts(&url, "/aanmelden");
	html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">", _("Deze zuil aanmelden"));
	/* TRANSLATORS: %s is the name of a kiosk terminal, such as "demo" */
	html_fmt(o, _("Met de knop hieronder wordt deze browser de zuil %s van de wijkwijzer."),
	         t.id);
	html_fmt(o, "</p>\n<p>%s</p>\n",
	         _("Doe dit alleen op de zuil zelf. Was deze zuil al aangemeld in een andere "
	           "browser? Dan werkt die daarna niet meer als zuil."));
	html_fmt(o, "<form method=\"post\" action=\"%s\">\n", sb_str(&url));
	csrf_field(o, rq, "/kiosk/{terminal}/aanmelden");
	html_fmt(o,
	         "<input type=\"hidden\" name=\"code\" value=\"%s\">\n"
	         "<button type=\"submit\" class=\"button big\">%s</button>\n</form>\n",
	         code, _("Zuil aanmelden"));
	sb_free(&url);
	page_end(rs, rq);
}

struct enrol_args {
	const char *terminal;
	const unsigned char *code_hash, *key_hash;
};

/* On the writer: the code is used up and the terminal's key replaced. */
static int enrol_write(struct app *app, void *arg)
{
	struct enrol_args *a = arg;
	struct store *s = db_bookings(app);
	sqlite3_stmt *st = store_stmt(
	    s, "SELECT code_hash, expires FROM terminal_enrolment WHERE terminal_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, a->terminal, -1, SQLITE_STATIC);
	bool match = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32 &&
	             crypto_equal(sqlite3_column_blob(st, 0), a->code_hash, 32) &&
	             sqlite3_column_int64(st, 1) > (sqlite3_int64)clock_now();
	sqlite3_reset(st);
	if (!match)
		return 0;
	st = store_stmt(s, "DELETE FROM terminal_enrolment WHERE terminal_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, a->terminal, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	st = ok ? store_stmt(s, "INSERT OR REPLACE INTO terminal_key(terminal_id, key_hash, "
	                        "enrolled_at) VALUES (?1, ?2, ?3)")
	        : NULL;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, a->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, a->key_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)clock_now());
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	if (!ok)
		return -1;
	/* in memory at once: should the group's COMMIT fail, the resident's
	   browser gets a 503 and no cookie, and the new key is one nobody
	   holds */
	pthread_mutex_lock(&keys_lock);
	ok = keys_set(a->terminal, a->key_hash);
	pthread_mutex_unlock(&keys_lock);
	return ok ? 1 : -1;
}

void handle_kiosk_enrol(struct request *rq, struct response *rs)
{
	struct kiosk_terminal t;
	const char *code = params_get(&rq->form, "code");
	rs->cache_control = "no-store";
	if (!kiosk_find(rq->app, route_param(rq, 0), &t)) {
		page_not_found(rq, rs);
		return;
	}
	unsigned char code_hash[32], key_hash[32];
	if (!code_well_formed(code) || !crypto_sha256(code, strlen(code), code_hash)) {
		enrol_refused(rq, rs);
		return;
	}
	struct sb secret;
	sb_init(&secret, 64);
	struct enrol_args a = {t.id, code_hash, key_hash};
	int r = new_secret(&secret, key_hash) ? writer_do(rq->app, enrol_write, &a) : -1;
	if (r == 0) {
		enrol_refused(rq, rs);
	} else if (r != 1) {
		page_error(rq, rs, 503, "store_failed",
		           _("Het aanmelden is niet gelukt. Probeer het zo opnieuw."));
	} else {
		struct sb value, url;
		sb_init(&value, 128);
		sb_init(&url, 128);
		sb_appendf(&value, "%s.%s", t.id, sb_str(&secret));
		sb_appendf(&url, "/kiosk/%s", t.id);
		kiosk_set_cookie(rq, rs, sb_str(&value));
		response_redirect(rs, 303, sb_str(&url));
		sb_free(&value);
		sb_free(&url);
	}
	if (secret.data)
		explicit_bzero(secret.data, secret.len);
	sb_free(&secret);
}
