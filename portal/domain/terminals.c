#include "domain/terminals.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/text.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "store/catalog.h"
#include "store/store.h"

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

bool kiosk_of_cookie(struct app *app, const char *cookie_header, struct kiosk_terminal *out)
{
	/* the cookie holds "terminal.secret"; the terminal's id has no dot */
	struct sb c;
	sb_init(&c, 128);
	bool ok = text_cookie(cookie_header, KIOSK_COOKIE, &c) && !sb_failed(&c);
	char *dot = ok ? strrchr(c.data, '.') : NULL;
	if (dot) {
		*dot = '\0';
		ok = kiosk_find(app, c.data, out) && enrol_verify(out->id, dot + 1);
	}
	sb_free(&c);
	return dot && ok;
}

/* ---- enrolment ------------------------------------------------------------ */

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

static bool code_well_formed(const char *code)
{
	return crypto_is_base64url(code, ENROL_SECRET_LEN);
}

struct redeem_args {
	const char *terminal;
	const unsigned char *code_hash, *key_hash;
};

/* On the writer: the code is used up and the terminal's key replaced. */
static int redeem_write(struct app *app, void *arg)
{
	struct redeem_args *a = arg;
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

enum enrol_result enrol_redeem(struct app *app, const char *terminal, const char *code,
                               struct sb *secret)
{
	struct kiosk_terminal t;
	unsigned char code_hash[32], key_hash[32];
	if (!kiosk_find(app, terminal, &t) || !code_well_formed(code) ||
	    !crypto_sha256(code, strlen(code), code_hash))
		return ENROL_REFUSED;
	struct redeem_args a = {t.id, code_hash, key_hash};
	int r = new_secret(secret, key_hash) ? writer_do(app, redeem_write, &a) : -1;
	return r == 1 ? ENROL_OK : r == 0 ? ENROL_REFUSED : ENROL_FAILED;
}
