#include "domain/callbacks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "store/catalog.h"
#include "store/store.h"

/* ---- the deadline ---------------------------------------------------------- */

static void fmt_local(char out[BOOKING_TIME_LEN], struct hours_day d, int minute)
{
	snprintf(out, BOOKING_TIME_LEN, "%04u-%02u-%02uT%02u:%02u", (unsigned)d.year % 10000u,
	         (unsigned)d.mon % 100u, (unsigned)d.mday % 100u, ((unsigned)minute / 60u) % 100u,
	         (unsigned)minute % 60u);
}

bool callbacks_deadline(struct hours_day asked, bool (*closed)(void *ctx, struct hours_day d),
                        void *ctx, char out[BOOKING_TIME_LEN])
{
	int working = 0;
	for (int i = 1; i <= 60; i++) {
		struct hours_day d = hours_add_days(asked, i);
		if (d.wday == 0 || d.wday == 6 || (closed && closed(ctx, d)))
			continue;
		if (++working == 2) {
			fmt_local(out, d, CALLBACK_DAY_END);
			return true;
		}
	}
	out[0] = '\0';
	return false;
}

struct closed_ctx {
	struct app *app;
	const char *location;
};

/* A public holiday, or a day closed_days.csv closes for every wijkwijzer
 * or for this one. A database error counts as open: the promise is then
 * at most a day early, never lost. */
static bool content_closed(void *arg, struct hours_day d)
{
	struct closed_ctx *c = arg;
	struct catalog *cat = db_catalog(c->app);
	if (catalog_is_holiday(cat, d))
		return true;
	char date[11];
	snprintf(date, sizeof(date), "%04u-%02u-%02u", (unsigned)d.year % 10000u,
	         (unsigned)d.mon % 100u, (unsigned)d.mday % 100u);
	sqlite3_stmt *st =
	    store_stmt(catalog_store(cat), "SELECT 1 FROM ap_closed WHERE date = ?1 AND "
	                                   "(location_id IS NULL OR location_id = ?2)");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->location, -1, SQLITE_STATIC);
	bool closed = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return closed;
}

bool callbacks_deadline_of(struct app *app, const char *location, time_t now,
                           char out[BOOKING_TIME_LEN])
{
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	struct closed_ctx c = {app, location ? location : ""};
	return callbacks_deadline(today, content_closed, &c, out);
}

/* ---- checks ---------------------------------------------------------------- */

bool callbacks_daypart_known(const char *daypart)
{
	return !daypart || !*daypart || strcmp(daypart, "ochtend") == 0 ||
	       strcmp(daypart, "middag") == 0;
}

enum booking_field_error callbacks_check_note(const char *note)
{
	if (!note || !*note)
		return BOOKING_FIELD_OK;
	enum booking_field_error e = booking_check_text(note, CALLBACK_NOTE_MAX);
	/* only white space: as good as no note */
	return e == BOOKING_FIELD_MISSING ? BOOKING_FIELD_OK : e;
}

static void local_stamp(char out[BOOKING_TIME_LEN], time_t now)
{
	struct hours_day d;
	int minute;
	hours_local(now, &d, &minute);
	fmt_local(out, d, minute);
}

/* ---- create ---------------------------------------------------------------- */

struct create_args {
	const struct callback_new *cb;
	const char *stamp, *deadline;
};

/* On the writer: the request, and the inbox of its location hears of it
 * after the COMMIT. */
static int create_write(struct app *app, void *arg)
{
	const struct create_args *a = arg;
	const struct callback_new *cb = a->cb;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "INSERT INTO callback_request(location_id, topic, name, phone, lang, created_at, "
	    "status, deadline, attempts, updated_at, daypart) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "'open', ?7, 0, ?6, ?8)");
	bool ok =
	    st && sqlite3_bind_text(st, 1, cb->location, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, cb->topic ? cb->topic : "", -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 3, cb->name, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 4, cb->phone, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 5, cb->lang, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 6, a->stamp, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 7, a->deadline, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 8, cb->daypart ? cb->daypart : "", -1, SQLITE_STATIC) ==
	        SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	if (ok)
		writer_changed(app, cb->location, "", WRITER_CALLBACKS);
	return ok ? 1 : 0;
}

bool callbacks_create(struct app *app, const struct callback_new *cb, time_t now,
                      char deadline[BOOKING_TIME_LEN])
{
	if (!cb || !cb->location || !cb->name || !cb->phone || !cb->lang ||
	    booking_check_name(cb->name) != BOOKING_FIELD_OK ||
	    booking_check_phone(cb->phone) != BOOKING_FIELD_OK ||
	    !callbacks_daypart_known(cb->daypart))
		return false;
	char stamp[BOOKING_TIME_LEN];
	local_stamp(stamp, now);
	if (!callbacks_deadline_of(app, cb->location, now, deadline))
		return false;
	struct create_args a = {cb, stamp, deadline};
	return writer_do(app, create_write, &a) == 1;
}

/* ---- the inbox --------------------------------------------------------------- */

#define CALLBACK_COLUMNS                                                                           \
	"id, location_id, topic, name, phone, lang, daypart, status, note, created_at, deadline, " \
	"handled_at, attempts, purged"

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *t = store_text_or_null(st, i);
	return t ? strdup(t) : NULL;
}

static void callback_free(struct callback *c)
{
	free(c->location);
	free(c->topic);
	free(c->name);
	free(c->phone);
	free(c->lang);
	free(c->daypart);
	free(c->status);
	free(c->note);
	free(c->created_at);
	free(c->deadline);
	free(c->handled_at);
	memset(c, 0, sizeof(*c));
}

void callbacks_list_free(struct callback_list *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		callback_free(&l->items[i]);
	if (l) {
		free(l->items);
		l->items = NULL;
		l->n = 0;
	}
}

/* Reads the rows of st (bound) into out; false on an error or without
 * memory (out is then empty). */
static bool read_rows(sqlite3_stmt *st, const char *now, struct callback_list *out)
{
	size_t cap = 0;
	int rc;
	bool ok = true;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct callback *p = realloc(out->items, ncap * sizeof(*p));
			if (!p) {
				ok = false;
				break;
			}
			out->items = p;
			cap = ncap;
		}
		struct callback *c = &out->items[out->n];
		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(st, 0);
		c->location = dup_col(st, 1);
		c->topic = dup_col(st, 2);
		c->name = dup_col(st, 3);
		c->phone = dup_col(st, 4);
		c->lang = dup_col(st, 5);
		c->daypart = dup_col(st, 6);
		c->status = dup_col(st, 7);
		c->note = dup_col(st, 8);
		c->created_at = dup_col(st, 9);
		c->deadline = dup_col(st, 10);
		c->handled_at = dup_col(st, 11);
		c->attempts = sqlite3_column_int(st, 12);
		c->purged = sqlite3_column_int(st, 13) != 0;
		out->n++;
		if (!c->location || !c->status || !c->created_at || !c->deadline) {
			ok = false;
			break;
		}
		c->overdue =
		    (strcmp(c->status, "open") == 0 || strcmp(c->status, "not_reached") == 0) &&
		    strcmp(c->deadline, now) < 0;
	}
	if (ok && rc != SQLITE_DONE)
		ok = false;
	sqlite3_reset(st);
	if (!ok)
		callbacks_list_free(out);
	return ok;
}

bool callbacks_inbox(struct app *app, const char *location, time_t now, size_t handled_max,
                     struct callback_list *open, struct callback_list *handled)
{
	memset(open, 0, sizeof(*open));
	memset(handled, 0, sizeof(*handled));
	if (!location)
		return false;
	char stamp[BOOKING_TIME_LEN];
	local_stamp(stamp, now);
	/* urgent first: overdue, then the earliest promise; a request that
	   was reached ("called") waits behind those nobody reached yet */
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "SELECT " CALLBACK_COLUMNS " FROM callback_request WHERE location_id = ?1 AND "
	    "status <> 'done' AND purged = 0 ORDER BY (status IN ('open', 'not_reached') AND "
	    "deadline < ?2) DESC, (status = 'called'), deadline, created_at, id");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stamp, -1, SQLITE_STATIC);
	if (!read_rows(st, stamp, open))
		return false;
	st = store_stmt(db_bookings(app),
	                "SELECT " CALLBACK_COLUMNS " FROM callback_request WHERE location_id = ?1 "
	                "AND status = 'done' AND purged = 0 ORDER BY handled_at DESC, id DESC "
	                "LIMIT ?2");
	if (!st) {
		callbacks_list_free(open);
		return false;
	}
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)handled_max);
	if (!read_rows(st, stamp, handled)) {
		callbacks_list_free(open);
		return false;
	}
	return true;
}

int callbacks_open_count(struct app *app, const char *location)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT count(*) FROM callback_request WHERE location_id = ?1 "
	                      "AND status <> 'done' AND purged = 0");
	if (!st || !location)
		return -1;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

/* ---- status ---------------------------------------------------------------- */

struct status_args {
	const char *location, *status, *note, *stamp;
	long long id;
};

static int status_write(struct app *app, void *arg)
{
	const struct status_args *a = arg;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "UPDATE callback_request SET status = ?3, note = CASE WHEN ?4 IS NULL THEN note "
	    "ELSE NULLIF(trim(?4), '') END, attempts = attempts + (?3 IN ('called', "
	    "'not_reached')), updated_at = ?5, handled_at = CASE WHEN ?3 = 'done' THEN ?5 END "
	    "WHERE id = ?1 AND location_id = ?2 AND purged = 0");
	if (!st)
		return -1;
	bool ok = sqlite3_bind_int64(st, 1, a->id) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, a->location, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 3, a->status, -1, SQLITE_STATIC) == SQLITE_OK &&
	          (a->note ? sqlite3_bind_text(st, 4, a->note, -1, SQLITE_STATIC)
	                   : sqlite3_bind_null(st, 4)) == SQLITE_OK &&
	          sqlite3_bind_text(st, 5, a->stamp, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	if (!ok)
		return -1;
	int n = sqlite3_changes(store_db(db_bookings(app)));
	if (n == 1)
		writer_changed(app, a->location, "", WRITER_CALLBACKS);
	return n;
}

enum callback_set callbacks_set_status(struct app *app, const char *location, long long id,
                                       const char *status, const char *note, time_t now)
{
	if (!location || !status ||
	    (strcmp(status, "open") != 0 && strcmp(status, "called") != 0 &&
	     strcmp(status, "not_reached") != 0 && strcmp(status, "done") != 0) ||
	    callbacks_check_note(note) != BOOKING_FIELD_OK)
		return CALLBACK_SET_INVALID;
	char stamp[BOOKING_TIME_LEN];
	local_stamp(stamp, now);
	struct status_args a = {location, status, note, stamp, id};
	int n = writer_do(app, status_write, &a);
	return n == 1 ? CALLBACK_SET_OK : n == 0 ? CALLBACK_SET_NOT_FOUND : CALLBACK_SET_ERROR;
}

/* ---- retention --------------------------------------------------------------- */

struct retention_args {
	const char *cutoff, *now;
	int never_handled; /* out */
};

static int retention_write(struct app *app, void *arg)
{
	struct retention_args *a = arg;
	/* handled ones, counted from when they were handled */
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "UPDATE callback_request SET name = NULL, phone = NULL, "
	                                 "note = NULL, purged = 1 WHERE purged = 0 AND status = "
	                                 "'done' AND handled_at < ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, a->cutoff, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	int n = sqlite3_changes(store_db(db_bookings(app)));
	/* and the ones nobody handled, as long after their deadline: the
	   resident was promised a call within two working days, not that the
	   number is kept; they leave the inbox as handled, and are counted */
	st = store_stmt(db_bookings(app),
	                "UPDATE callback_request SET name = NULL, phone = NULL, note = NULL, "
	                "purged = 1, status = 'done', handled_at = ?2 WHERE purged = 0 AND status "
	                "<> 'done' AND deadline < ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, a->cutoff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	a->never_handled = sqlite3_changes(store_db(db_bookings(app)));
	return n + a->never_handled;
}

int callbacks_retention(struct app *app, int days, time_t now)
{
	char cutoff[BOOKING_TIME_LEN], stamp[BOOKING_TIME_LEN];
	local_stamp(cutoff, now - (time_t)days * 86400);
	local_stamp(stamp, now);
	struct retention_args a = {cutoff, stamp, 0};
	int n = writer_do(app, retention_write, &a);
	if (n > 0 && a.never_handled > 0)
		fprintf(stderr,
		        "wijkwijzer: retention: %d call-back requests were never handled, %d days "
		        "after their deadline; their personal data is deleted\n",
		        a.never_handled, days);
	return n < 0 ? -1 : n;
}
