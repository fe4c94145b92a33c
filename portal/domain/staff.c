#include "domain/staff.h"
#include "domain/selfcheck.h"

#include <crypt.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/csv.h"
#include "base/rate.h"
#include "base/text.h"
#include "domain/booking.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "store/content.h"
#include "store/content_edit.h"
#include "store/store.h"

/* Set once before any thread starts (staff_on_sessions_ended), read after. */
static staff_ended_fn ended_hook;

void staff_on_sessions_ended(staff_ended_fn fn)
{
	ended_hook = fn;
}

static void sessions_ended(struct app *app, long long user)
{
	if (ended_hook)
		ended_hook(app, user);
}

struct audit_actor staff_actor(const struct staff_user *u)
{
	return u ? (struct audit_actor){u->id, u->name} : (struct audit_actor){0, NULL};
}

const char *staff_role_name(enum staff_role role)
{
	switch (role) {
	case STAFF_BEHEERDER:
		return "beheerder";
	case STAFF_AANBIEDER:
		return "aanbieder";
	case STAFF_MEDEWERKER:
		break;
	}
	return "medewerker";
}

bool staff_role_parse(const char *word, enum staff_role *out)
{
	if (word && strcmp(word, "medewerker") == 0)
		*out = STAFF_MEDEWERKER;
	else if (word && strcmp(word, "beheerder") == 0)
		*out = STAFF_BEHEERDER;
	else if (word && strcmp(word, "aanbieder") == 0)
		*out = STAFF_AANBIEDER;
	else
		return false;
	return true;
}

bool staff_location_exists(struct app *app, const char *location)
{
	struct booking_place cfg;
	return location && strlen(location) <= STAFF_LOCATION_MAX &&
	       booking_place_config(app, location, &cfg);
}

bool staff_may(const struct staff_user *u, const char *location)
{
	if (!u || !location || !u->active || u->role == STAFF_AANBIEDER)
		return false;
	if (u->role == STAFF_BEHEERDER)
		return true;
	for (size_t i = 0; i < u->nlocations; i++)
		if (strcmp(u->locations[i], location) == 0)
			return true;
	return false;
}

bool staff_organization_exists(struct app *app, const char *organization)
{
	if (!organization || !*organization || strlen(organization) > STAFF_LOCATION_MAX)
		return false;
	struct content_entry o;
	bool found =
	    content_entry(db_catalog(app), "organization", organization, &o) == CONTENT_FOUND;
	content_entry_free(&o);
	return found;
}

bool staff_may_edit(const struct staff_user *u, const char *organization)
{
	if (!u || !organization || !*organization || !u->active)
		return false;
	if (u->role == STAFF_BEHEERDER)
		return true;
	return u->role == STAFF_AANBIEDER && strcmp(u->organization, organization) == 0;
}

const char *staff_result_text(enum staff_result r)
{
	switch (r) {
	case STAFF_OK:
		return "done";
	case STAFF_BAD_NAME:
		return "a name has 2 to 64 of the letters a-z, digits and . _ -";
	case STAFF_NAME_TAKEN:
		return "another account has that name";
	case STAFF_BAD_LOCATION:
		return "unknown wijkwijzer location (see content/appointments/locations.csv)";
	case STAFF_NO_LOCATION:
		return "a medewerker needs at least one --location";
	case STAFF_BAD_ORGANIZATION:
		return "an aanbieder needs --organization with the slug of an organisation of the "
		       "content (see content/catalog/x_slugs.csv)";
	case STAFF_WEAK_PASSWORD:
		return "the password needs at least 12 characters";
	case STAFF_LAST_BEHEERDER:
		return "this is the last beheerder who can log in";
	case STAFF_NOT_FOUND:
		return "no such account";
	case STAFF_FAILED:
		break;
	}
	return "the database or the password hash failed";
}

static bool name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 2 || n > STAFF_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

static bool password_valid(const char *password)
{
	return password && strlen(password) <= STAFF_PASSWORD_MAX &&
	       text_utf8_valid(password, strlen(password)) &&
	       text_utf8_length(password) >= STAFF_PASSWORD_MIN;
}

/* A yescrypt hash of password into out; false when it cannot be made. */
static bool hash_password(const char *password, char *out, size_t n)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	memset(&data, 0, sizeof(data));
	bool ok = false;
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting))) {
		const char *h = crypt_r(password, setting, &data);
		ok = h && h[0] != '*' && (size_t)snprintf(out, n, "%s", h) < n;
	}
	explicit_bzero(&data, sizeof(data));
	return ok;
}

/* ---- reading accounts ------------------------------------------------------ */

static bool load_locations(struct app *app, struct staff_user *u)
{
	sqlite3_stmt *st = store_stmt(db_bookings(app),
	                              "SELECT location_id FROM staff_user_location WHERE user_id = "
	                              "?1 ORDER BY location_id");
	if (!st)
		return false;
	u->nlocations = 0;
	int rc = sqlite3_bind_int64(st, 1, u->id) == SQLITE_OK ? SQLITE_ROW : SQLITE_ERROR;
	while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW &&
	       u->nlocations < STAFF_MAX_LOCATIONS)
		snprintf(u->locations[u->nlocations++], STAFF_LOCATION_MAX + 1, "%s",
		         store_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static void load_user(sqlite3_stmt *st, struct staff_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	snprintf(u->name, sizeof(u->name), "%s", store_text(st, 1));
	if (!staff_role_parse(store_text(st, 2), &u->role))
		u->role = STAFF_MEDEWERKER; /* the table's CHECK allows no other */
	u->active = sqlite3_column_int(st, 3) == 1;
	/* the table's CHECK: set exactly for an aanbieder */
	snprintf(u->organization, sizeof(u->organization), "%s", store_text(st, 4));
}

#define USER_COLUMNS "id, name, role, active, organization_id"

bool staff_find(struct app *app, long long id, struct staff_user *out)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "SELECT " USER_COLUMNS " FROM staff_user WHERE id = ?1");
	if (!st)
		return false;
	bool ok = sqlite3_bind_int64(st, 1, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		load_user(st, out);
	sqlite3_reset(st);
	return ok && load_locations(app, out);
}

bool staff_find_name(struct app *app, const char *name, struct staff_user *out)
{
	if (!name_valid(name))
		return false;
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app),
	               "SELECT " USER_COLUMNS " FROM staff_user WHERE name = ?1 COLLATE NOCASE");
	if (!st)
		return false;
	bool ok = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		load_user(st, out);
	sqlite3_reset(st);
	return ok && load_locations(app, out);
}

bool staff_list(struct app *app, struct staff_user **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app),
	               "SELECT " USER_COLUMNS " FROM staff_user ORDER BY name COLLATE NOCASE");
	if (!st)
		return false;
	size_t cap = 0;
	int rc;
	bool ok = true;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct staff_user *grown = realloc(*out, ncap * sizeof(*grown));
			if (!grown) {
				ok = false;
				break;
			}
			*out = grown;
			cap = ncap;
		}
		load_user(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	ok = ok && rc == SQLITE_DONE;
	for (size_t i = 0; ok && i < *n; i++)
		ok = load_locations(app, &(*out)[i]);
	if (!ok) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

int staff_legacy_passwords(struct app *app)
{
	sqlite3_stmt *st = store_stmt(db_bookings(app), "SELECT count(*) FROM staff_account");
	if (!st)
		return -1;
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

/* ---- changing accounts (on the writer) ------------------------------------- */

static bool exec_id(struct app *app, const char *sql, long long id)
{
	sqlite3_stmt *st = store_stmt(db_bookings(app), sql);
	bool ok =
	    st && sqlite3_bind_int64(st, 1, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	return ok;
}

static bool set_locations(struct app *app, long long id, const char *const *locations, size_t n)
{
	if (!exec_id(app, "DELETE FROM staff_user_location WHERE user_id = ?1", id))
		return false;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = store_stmt(db_bookings(app),
		                              "INSERT OR IGNORE INTO staff_user_location(user_id, "
		                              "location_id) VALUES (?1, ?2)");
		bool ok = st && sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
		          sqlite3_bind_text(st, 2, locations[i], -1, SQLITE_STATIC) == SQLITE_OK &&
		          sqlite3_step(st) == SQLITE_DONE;
		if (st)
			sqlite3_reset(st);
		if (!ok)
			return false;
	}
	return true;
}

/* Active beheerders other than id. */
static int other_beheerders(struct app *app, long long id)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT count(*) FROM staff_user WHERE role = 'beheerder' AND "
	                      "active = 1 AND id <> ?1");
	int n = -1;
	if (st && sqlite3_bind_int64(st, 1, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	return n;
}

static enum staff_result check_places(struct app *app, enum staff_role role,
                                      const char *const *locations, size_t n,
                                      const char *organization)
{
	if (n > STAFF_MAX_LOCATIONS)
		return STAFF_BAD_LOCATION;
	for (size_t i = 0; i < n; i++)
		if (!staff_location_exists(app, locations[i]))
			return STAFF_BAD_LOCATION;
	if (role == STAFF_AANBIEDER && !staff_organization_exists(app, organization))
		return STAFF_BAD_ORGANIZATION;
	return role == STAFF_MEDEWERKER && n == 0 ? STAFF_NO_LOCATION : STAFF_OK;
}

/* The organisation stored for an account of role: NULL but for an
 * aanbieder (the table's CHECK). */
static const char *stored_organization(enum staff_role role, const char *organization)
{
	return role == STAFF_AANBIEDER ? organization : NULL;
}

struct account_args {
	const struct staff_user *by;
	long long id; /* in: the account changed; out: the one made */
	const char *name, *hash, *keep;
	enum staff_role role;
	const char *organization; /* an aanbieder's; NULL for the others */
	const char *const *locations;
	size_t nlocations;
	bool active;
	unsigned char keep_hash[32];
	enum staff_result result;
};

static int add_tx(struct app *app, struct account_args *a);
static int update_tx(struct app *app, struct account_args *a);
static int password_tx(struct app *app, struct account_args *a);

/* Runs an account change in a transaction of its own (a savepoint in the
 * writer's group): all of it, its audit row included, or nothing. */
static int account_tx(struct app *app, int (*fn)(struct app *, struct account_args *),
                      struct account_args *a)
{
	struct store *db = db_bookings(app);
	if (!store_begin_immediate(db))
		return 0;
	int r = fn(app, a);
	if (r == 1 && a->result == STAFF_OK && store_commit(db))
		return 1;
	store_rollback(db); /* a refusal wrote nothing; a failure keeps nothing */
	return r == 1 && a->result != STAFF_OK ? 1 : 0;
}

static int add_write(struct app *app, void *arg)
{
	return account_tx(app, add_tx, arg);
}

static int update_write(struct app *app, void *arg)
{
	return account_tx(app, update_tx, arg);
}

static int password_write(struct app *app, void *arg)
{
	return account_tx(app, password_tx, arg);
}

static int add_tx(struct app *app, struct account_args *a)
{
	char now[CLOCK_UTC_LEN];
	clock_utc_text(clock_now(), now);
	struct staff_user existing;
	if (staff_find_name(app, a->name, &existing)) {
		a->result = STAFF_NAME_TAKEN;
		return 1; /* nothing written: commits nothing */
	}
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "INSERT INTO staff_user(name, role, hash, created_at, updated_at, "
	                      "organization_id) VALUES (?1, ?2, ?3, ?4, ?4, ?5)");
	bool ok =
	    st && sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, staff_role_name(a->role), -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 3, a->hash, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 5, a->organization, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	if (!ok)
		return 0;
	a->id = sqlite3_last_insert_rowid(store_db(db_bookings(app)));
	/* a beheerder sees every wijkwijzer, an aanbieder none: no list to keep */
	if (!set_locations(app, a->id, a->locations,
	                   a->role == STAFF_MEDEWERKER ? a->nlocations : 0))
		return 0;
	struct audit_subject s = {.account = a->id, .detail = staff_role_name(a->role)};
	if (!audit_record(app, staff_actor(a->by), AUDIT_ACCOUNT_ADD, &s))
		return 0;
	a->result = STAFF_OK;
	return 1;
}

enum staff_result staff_add(struct app *app, const struct staff_user *by, const char *name,
                            enum staff_role role, const char *const *locations, size_t nlocations,
                            const char *organization, const char *password, long long *id)
{
	if (!name_valid(name))
		return STAFF_BAD_NAME;
	enum staff_result r = check_places(app, role, locations, nlocations, organization);
	if (r != STAFF_OK)
		return r;
	if (!password_valid(password))
		return STAFF_WEAK_PASSWORD;
	char hash[256];
	if (!hash_password(password, hash, sizeof(hash)))
		return STAFF_FAILED;
	struct account_args a = {.by = by,
	                         .name = name,
	                         .hash = hash,
	                         .role = role,
	                         .organization = stored_organization(role, organization),
	                         .locations = locations,
	                         .nlocations = nlocations,
	                         .result = STAFF_FAILED};
	if (writer_do(app, add_write, &a) != 1)
		return STAFF_FAILED;
	if (a.result == STAFF_OK && id)
		*id = a.id;
	return a.result;
}

static int update_tx(struct app *app, struct account_args *a)
{
	struct staff_user u;
	if (!staff_find(app, a->id, &u)) {
		a->result = STAFF_NOT_FOUND;
		return 1;
	}
	bool was_admin = u.role == STAFF_BEHEERDER && u.active;
	bool stays_admin = a->role == STAFF_BEHEERDER && a->active;
	if (was_admin && !stays_admin) {
		int others = other_beheerders(app, a->id);
		if (others < 0)
			return 0;
		if (others == 0) {
			a->result = STAFF_LAST_BEHEERDER;
			return 1;
		}
	}
	char now[CLOCK_UTC_LEN];
	clock_utc_text(clock_now(), now);
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "UPDATE staff_user SET role = ?2, active = ?3, updated_at = ?4, organization_id = ?5 "
	    "WHERE id = ?1");
	bool ok =
	    st && sqlite3_bind_int64(st, 1, a->id) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, staff_role_name(a->role), -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int(st, 3, a->active) == SQLITE_OK &&
	    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 5, a->organization, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	if (!ok || !set_locations(app, a->id, a->locations,
	                          a->role == STAFF_MEDEWERKER ? a->nlocations : 0))
		return 0;
	/* an account that may no longer log in is logged out everywhere */
	if (!a->active && !exec_id(app, "DELETE FROM staff_session WHERE user_id = ?1", a->id))
		return 0;
	struct audit_subject s = {.account = a->id,
	                          .detail = a->active ? staff_role_name(a->role) : "inactive"};
	if (!audit_record(app, staff_actor(a->by), AUDIT_ACCOUNT_UPDATE, &s))
		return 0;
	a->result = STAFF_OK;
	return 1;
}

enum staff_result staff_update(struct app *app, const struct staff_user *by, long long id,
                               enum staff_role role, const char *const *locations,
                               size_t nlocations, const char *organization, bool active)
{
	enum staff_result r = check_places(app, role, locations, nlocations, organization);
	if (r != STAFF_OK)
		return r;
	struct account_args a = {.by = by,
	                         .id = id,
	                         .role = role,
	                         .organization = stored_organization(role, organization),
	                         .locations = locations,
	                         .nlocations = nlocations,
	                         .active = active,
	                         .result = STAFF_FAILED};
	r = writer_do(app, update_write, &a) == 1 ? a.result : STAFF_FAILED;
	/* its open live channels start again with what it may now see (or,
	   turned off, not at all) */
	if (r == STAFF_OK)
		sessions_ended(app, id);
	return r;
}

static int password_tx(struct app *app, struct account_args *a)
{
	char now[CLOCK_UTC_LEN];
	clock_utc_text(clock_now(), now);
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "UPDATE staff_user SET hash = ?2, updated_at = ?3 WHERE id = ?1");
	bool ok = st && sqlite3_bind_int64(st, 1, a->id) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, a->hash, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	if (!ok)
		return 0;
	if (sqlite3_changes(store_db(db_bookings(app))) == 0) {
		a->result = STAFF_NOT_FOUND;
		return 1;
	}
	/* a new password ends the sessions of the old one, but the one of
	   the person who just changed it */
	st = store_stmt(db_bookings(app),
	                "DELETE FROM staff_session WHERE user_id = ?1 AND token_hash <> ?2");
	ok = st && sqlite3_bind_int64(st, 1, a->id) == SQLITE_OK &&
	     sqlite3_bind_blob(st, 2, a->keep_hash, a->keep ? 32 : 0, SQLITE_STATIC) == SQLITE_OK &&
	     sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	struct audit_subject s = {.account = a->id};
	if (!ok || !audit_record(app, staff_actor(a->by), AUDIT_ACCOUNT_PASSWORD, &s))
		return 0;
	a->result = STAFF_OK;
	return 1;
}

enum staff_result staff_set_password(struct app *app, const struct staff_user *by, long long id,
                                     const char *password, const char *keep_token)
{
	if (!password_valid(password))
		return STAFF_WEAK_PASSWORD;
	struct account_args a = {.by = by, .id = id, .keep = keep_token, .result = STAFF_FAILED};
	char hash[256];
	if (!hash_password(password, hash, sizeof(hash)) ||
	    (keep_token && !crypto_sha256(keep_token, strlen(keep_token), a.keep_hash)))
		return STAFF_FAILED;
	a.hash = hash;
	enum staff_result r = writer_do(app, password_write, &a) == 1 ? a.result : STAFF_FAILED;
	if (r == STAFF_OK)
		sessions_ended(app, id);
	return r;
}

/* ---- passwords ------------------------------------------------------------- */

/* Compares password with the stored hash of account id (0: none, which
 * hashes against a dummy so that timing does not tell). */
static bool check_password(struct app *app, long long id, const char *password)
{
	char stored[256] = "";
	sqlite3_stmt *st =
	    id > 0 ? store_stmt(db_bookings(app), "SELECT hash FROM staff_user WHERE id = ?1")
	           : NULL;
	/* a hash longer than any yescrypt hash is cut short and never matches */
	if (st && sqlite3_bind_int64(st, 1, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(stored, sizeof(stored), "%s", store_text(st, 0));
	if (st)
		sqlite3_reset(st);
	struct crypt_data data;
	memset(&data, 0, sizeof(data));
	const char *setting =
	    *stored ? stored
	            : "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7";
	const char *h = crypt_r(password ? password : "", setting, &data);
	bool ok =
	    *stored && h && strlen(h) == strlen(stored) && crypto_equal(h, stored, strlen(stored));
	explicit_bzero(&data, sizeof(data));
	return ok;
}

bool staff_password_ok(struct app *app, long long id, const char *password)
{
	return check_password(app, id, password);
}

/* ---- login rate limit: failures per client and per account name ----------- */

/* The counters' key of a name: lower case, so "Fatima" and "fatima" are
 * one name; a name that is no account's name counts as "?", so the
 * counters never hold a name a client made up. */
static void pair_key(char *out, size_t n, const char *peer, const char *name)
{
	/* an address and at most 64 bytes of name fit; were either longer, a
	   cut key would only count two pairs together */
	snprintf(out, n, "%s|", peer ? peer : "");
	size_t len = strlen(out);
	for (const char *p = name; p && *p && len + 1 < n; p++)
		out[len++] = (char)tolower((unsigned char)*p);
	out[len] = '\0';
}

/* Seconds this client must still wait before it may try name again
 * (0: it may try now). */
static long wait_seconds(const char *peer, const char *name, time_t now)
{
	if (rate_count("login-client", peer, STAFF_FAILURE_WINDOW_S, false, now) >=
	    STAFF_CLIENT_FAILURES)
		return STAFF_FAILURE_WINDOW_S;
	char key[160];
	pair_key(key, sizeof(key), peer, name);
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

static void record_failure(const char *peer, const char *name, long long id, time_t now)
{
	char key[160], account[32];
	pair_key(key, sizeof(key), peer, name);
	rate_count("login-pair", key, STAFF_FAILURE_WINDOW_S, true, now);
	rate_count("login-client", peer, STAFF_FAILURE_WINDOW_S, true, now);
	snprintf(account, sizeof(account), "%lld", id);
	int all = rate_count("login-account", account, STAFF_FAILURE_WINDOW_S, true, now);
	/* one line when the attack starts, then one per further hundred; the
	   account's number only: names and client addresses stay out of the log */
	if (id > 0 &&
	    (all == STAFF_ALARM_FAILURES || (all > STAFF_ALARM_FAILURES && all % 100 == 0)))
		fprintf(stderr,
		        "wijkwijzer: ALARM: staff login for account %lld under attack: %d wrong "
		        "passwords in %d minutes\n",
		        id, all, STAFF_FAILURE_WINDOW_S / 60);
}

/* ---- sessions ------------------------------------------------------------ */

struct session_args {
	const unsigned char *hash;
	long long user;
	time_t now;
};

/* On the writer: a session is used now. */
static int touch_write(struct app *app, void *arg)
{
	struct session_args *a = arg;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "UPDATE staff_session SET last_seen = ?2 WHERE token_hash = ?1");
	bool ok = st && sqlite3_bind_blob(st, 1, a->hash, 32, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_int64(st, 2, (sqlite3_int64)a->now) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	return ok ? 1 : 0;
}

bool staff_session_find(struct app *app, const char *token, bool used, struct staff_user *out)
{
	unsigned char h[32];
	if (!token || strlen(token) != STAFF_TOKEN_LEN || !crypto_sha256(token, strlen(token), h))
		return false;
	time_t now = clock_now();
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app),
	               "SELECT s.user_id, s.last_seen FROM staff_session s JOIN staff_user u "
	               "ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires > ?2 AND "
	               "s.last_seen > ?3 AND u.active = 1");
	if (!st)
		return false;
	bool ok =
	    sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)now) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)(now - STAFF_IDLE_SECONDS)) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW;
	long long user = ok ? sqlite3_column_int64(st, 0) : 0;
	time_t last = ok ? (time_t)sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	if (!ok || !staff_find(app, user, out) || !out->active)
		return false;
	/* inactivity is counted in minutes: at most one write a minute */
	if (used && now - last >= 60) {
		struct session_args a = {h, user, now};
		if (writer_do(app, touch_write, &a) != 1)
			return false;
	}
	return true;
}

/* On the writer: a new session, and expired and idle ones go. */
static int session_write(struct app *app, void *arg)
{
	struct session_args *a = arg;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "INSERT INTO staff_session(token_hash, user_id, last_seen, expires) "
	                      "VALUES (?1, ?2, ?3, ?4)");
	if (!st)
		return 0;
	bool ok =
	    sqlite3_bind_blob(st, 1, a->hash, 32, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 2, a->user) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)a->now) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 4, (sqlite3_int64)a->now + STAFF_SESSION_SECONDS) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	/* old sessions go; should that fail, they go with the next login */
	st = store_stmt(db_bookings(app),
	                "DELETE FROM staff_session WHERE expires < ?1 OR last_seen < ?2");
	if (st) {
		if (sqlite3_bind_int64(st, 1, (sqlite3_int64)a->now) == SQLITE_OK &&
		    sqlite3_bind_int64(st, 2, (sqlite3_int64)(a->now - STAFF_IDLE_SECONDS)) ==
		        SQLITE_OK)
			(void)sqlite3_step(st);
		sqlite3_reset(st);
	}
	return ok ? 1 : 0;
}

static bool new_session(struct app *app, long long user, time_t now, struct sb *token)
{
	unsigned char raw[32], h[32];
	if (!crypto_random(raw, sizeof(raw)) || !crypto_base64url(token, raw, sizeof(raw)) ||
	    !crypto_sha256(token->data, token->len, h))
		return false;
	struct session_args a = {h, user, now};
	return writer_do(app, session_write, &a) == 1;
}

enum staff_login_result staff_login(struct app *app, const char *client, const char *name,
                                    const char *password, time_t now, struct sb *token,
                                    long *wait_s, struct staff_user *user)
{
	bool found = staff_find_name(app, name, user) && user->active;
	const char *known = found ? user->name : "?";
	long wait = wait_seconds(client, known, now);
	if (wait > 0) {
		*wait_s = wait;
		return STAFF_LOGIN_WAIT;
	}
	/* hashed whether the name exists or not: the time of the answer must
	   not tell which names are accounts (id 0 hashes against a dummy) */
	bool right = check_password(app, found ? user->id : 0, password);
	if (!found || !right) {
		record_failure(client, known, found ? user->id : 0, now);
		/* the shared password of a wijkwijzer (before personal accounts)
		   gets its own answer: staff then know to ask for an account */
		return !found && staff_location_exists(app, name) ? STAFF_LOGIN_LEGACY
		                                                  : STAFF_LOGIN_REFUSED;
	}
	return new_session(app, user->id, now, token) ? STAFF_LOGIN_OK : STAFF_LOGIN_ERROR;
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
	long long user = 0;
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "SELECT user_id FROM staff_session WHERE token_hash = ?1");
	if (st && sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		user = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	if (writer_do(app, logout_write, h) != 1)
		return false;
	if (user)
		sessions_ended(app, user);
	return true;
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
