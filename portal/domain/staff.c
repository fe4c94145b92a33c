#include "domain/staff.h"
#include "domain/selfcheck.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/rate.h"
#include "base/text.h"
#include "domain/booking.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "store/store.h"

bool staff_location_exists(struct app *app, const char *location)
{
	struct booking_place cfg;
	return location && booking_place_config(app, location, &cfg);
}

/* ---- the password ---------------------------------------------------------- */

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
		ok = sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC) == SQLITE_OK &&
		     sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
	}
	return ok ? 1 : 0;
}

bool staff_set_password(struct app *app, const char *location, const char *password, char *err,
                        size_t errlen)
{
	/* err is a message for the command line: cut short is harmless */
	if (!staff_location_exists(app, location)) {
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
	char stored[256] = "";
	/* a hash longer than any yescrypt hash is cut short and never matches */
	if (sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
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
	/* an address and at most 64 bytes of location fit; were either longer,
	   a cut key would only count two pairs together */
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

bool staff_session_find(struct app *app, const char *token, char *location, size_t len)
{
	unsigned char h[32];
	if (!token || strlen(token) != STAFF_TOKEN_LEN || !crypto_sha256(token, strlen(token), h))
		return false;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT location_id FROM staff_session WHERE token_hash = ?1 AND "
	                      "expires > ?2");
	if (!st)
		return false;
	bool ok = sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT) == SQLITE_OK &&
	          sqlite3_bind_int64(st, 2, (sqlite3_int64)clock_now()) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_ROW;
	/* a location that does not fit is no session, rather than another place */
	if (ok)
		ok = (size_t)snprintf(location, len, "%s", store_text(st, 0)) < len;
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
		return 0;
	bool ok = sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, location, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_int64(st, 3, (sqlite3_int64)clock_now() + STAFF_SESSION_SECONDS) ==
	              SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	/* old sessions go; should that fail, they go with the next login */
	st = store_stmt(db_bookings(app), "DELETE FROM staff_session WHERE expires < ?1");
	if (st) {
		if (sqlite3_bind_int64(st, 1, (sqlite3_int64)clock_now()) == SQLITE_OK)
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

enum staff_login_result staff_login(struct app *app, const char *client, const char *location,
                                    const char *password, time_t now, struct sb *token,
                                    long *wait_s)
{
	bool exists = staff_location_exists(app, location);
	/* an unknown location counts as "?": the counters and the alarm line
	   never hold a name the client made up */
	const char *known = exists ? location : "?";
	long wait = wait_seconds(client, known, now);
	if (wait > 0) {
		*wait_s = wait;
		return STAFF_LOGIN_WAIT;
	}
	if (!exists || !check_password(app, location, password)) {
		record_failure(client, known, now);
		return STAFF_LOGIN_REFUSED;
	}
	return new_session(app, location, token) ? STAFF_LOGIN_OK : STAFF_LOGIN_ERROR;
}

static int logout_write(struct app *app, void *arg)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "DELETE FROM staff_session WHERE token_hash = ?1");
	if (!st)
		return 0;
	bool ok = sqlite3_bind_blob(st, 1, arg, 32, SQLITE_TRANSIENT) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	return ok ? 1 : 0;
}

bool staff_session_end(struct app *app, const char *token)
{
	unsigned char h[32];
	if (!token || !crypto_sha256(token, strlen(token), h))
		return false;
	return writer_do(app, logout_write, h) == 1;
}

/* ---- the agenda ------------------------------------------------------------ */

bool staff_set_status(struct app *app, const char *location, long long id, const char *status)
{
	if (!status || (strcmp(status, "checked_in") != 0 && strcmp(status, "no_show") != 0 &&
	                strcmp(status, "confirmed") != 0))
		return false;
	return booking_set_status(app, location, id, status);
}

void staff_day(const char *requested, time_t now, char date[11], struct hours_day *day)
{
	char probe[BOOKING_TIME_LEN];
	struct hours_day d;
	int m;
	memset(&d, 0, sizeof(d));
	if (requested && strlen(requested) == 10) {
		snprintf(probe, sizeof(probe), "%sT00:00", requested);
		if (booking_parse_time(probe, &d, &m)) {
			memcpy(date, requested, 11);
			if (day)
				*day = d;
			return;
		}
	}
	struct tm tm;
	if (!localtime_r(&now, &tm) || !strftime(date, 11, "%Y-%m-%d", &tm))
		memcpy(date, "2026-01-01", 11);
	snprintf(probe, sizeof(probe), "%sT00:00", date);
	if (!booking_parse_time(probe, &d, &m))
		memset(&d, 0, sizeof(d));
	if (day)
		*day = d;
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

/* "09:30" of "2026-12-01T09:30" */
static const char *clock_time(const char *local)
{
	return local && strlen(local) >= 16 ? local + 11 : "";
}

bool staff_export_csv(struct app *app, const char *location, const char *date, struct sb *out)
{
	sb_puts(out, "\xEF\xBB\xBF"); /* spreadsheets need the BOM to read UTF-8 */
	static const char *const head[] = {
	    "tijd",      "einde", "code",     "naam",     "telefoon",           "email",
	    "onderwerp", "tolk",  "rolstoel", "meenemen", "clientondersteuner", "status",
	    "zelfcheck"};
	size_t columns = sizeof(head) / sizeof(head[0]);
	for (size_t i = 0; i < columns; i++)
		csv_cell(out, head[i], i == columns - 1);
	struct booking_list day;
	if (!booking_day_list(app, location, date, &day))
		return false;
	for (size_t i = 0; i < day.n; i++) {
		const struct booking *b = &day.items[i];
		char ref[16];
		booking_reference_display(b->reference, ref);
		csv_cell(out, clock_time(b->start), false);
		csv_cell(out, clock_time(b->end), false);
		csv_cell(out, ref, false);
		csv_cell(out, b->name, false);
		csv_cell(out, b->phone, false);
		csv_cell(out, b->email, false);
		csv_cell(out, b->topic, false);
		csv_cell(out, (b->needs & NEED_INTERPRETER) ? b->interpreter_lang : "", false);
		csv_cell(out, (b->needs & NEED_WHEELCHAIR) ? "ja" : "", false);
		csv_cell(out, (b->needs & NEED_COMPANION) ? "ja" : "", false);
		csv_cell(out, (b->needs & NEED_CLIENT_SUPPORT) ? "ja" : "", false);
		csv_cell(out, b->status, false);
		/* a shared self-check in words, without its answers line */
		struct sb words;
		sb_init(&words, 16384);
		bool ok = selfcheck_stored_display(app, b->summary, &words);
		csv_cell(out, ok ? sb_str(&words) : "", true);
		if (!ok)
			out->failed = true; /* the export is incomplete: no file */
		sb_free(&words);
	}
	booking_list_free(&day);
	return !sb_failed(out);
}
