#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "store/store.h"

struct record_args {
	struct audit_actor by;
	const char *action;
	const struct audit_subject *s;
	const char *at;
};

static int bind_id(sqlite3_stmt *st, int i, long long v)
{
	return v > 0 ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	return v && *v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* On the writer (or inside the write of the change it records). */
static int record_write(struct app *app, void *arg)
{
	const struct record_args *a = arg;
	const struct audit_subject none = {0};
	const struct audit_subject *s = a->s ? a->s : &none;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "INSERT INTO audit_log(at, actor_id, actor, action, location_id, booking_id, "
	    "callback_id, account_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!st)
		return 0;
	bool ok =
	    sqlite3_bind_text(st, 1, a->at, -1, SQLITE_STATIC) == SQLITE_OK &&
	    bind_id(st, 2, a->by.id) == SQLITE_OK &&
	    sqlite3_bind_text(st, 3, a->by.name ? a->by.name : "-", -1, SQLITE_STATIC) ==
	        SQLITE_OK &&
	    sqlite3_bind_text(st, 4, a->action, -1, SQLITE_STATIC) == SQLITE_OK &&
	    bind_text_or_null(st, 5, s->location) == SQLITE_OK &&
	    bind_id(st, 6, s->booking) == SQLITE_OK && bind_id(st, 7, s->callback) == SQLITE_OK &&
	    bind_id(st, 8, s->account) == SQLITE_OK &&
	    bind_text_or_null(st, 9, s->detail) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	return ok ? 1 : 0;
}

bool audit_record(struct app *app, struct audit_actor by, const char *action,
                  const struct audit_subject *s)
{
	char at[CLOCK_UTC_LEN];
	if (!clock_utc_text(clock_now(), at))
		return false;
	struct record_args a = {by, action, s, at};
	return writer_do(app, record_write, &a) == 1;
}

bool audit_recent(struct app *app, struct audit_actor by, const char *action,
                  const struct audit_subject *s, int window_s)
{
	char since[CLOCK_UTC_LEN];
	if (by.id <= 0 || !clock_utc_text(clock_now() - window_s, since))
		return false;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "SELECT 1 FROM audit_log WHERE at >= ?1 AND actor_id = ?2 AND action = ?3 AND "
	    "location_id IS ?4 AND detail IS ?5 LIMIT 1");
	if (!st)
		return false;
	bool found = sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC) == SQLITE_OK &&
	             sqlite3_bind_int64(st, 2, by.id) == SQLITE_OK &&
	             sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC) == SQLITE_OK &&
	             bind_text_or_null(st, 4, s ? s->location : NULL) == SQLITE_OK &&
	             bind_text_or_null(st, 5, s ? s->detail : NULL) == SQLITE_OK &&
	             sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* "YYYY-MM-DD" local day to the UTC instant its start (end: the next
 * day's start) is, as the stored text; false when it is no date. */
static bool day_bound(const char *day, bool end, char out[CLOCK_UTC_LEN])
{
	int y, m, d;
	char tail;
	if (!day || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return false;
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + (end ? 1 : 0), .tm_isdst = -1};
	time_t t = mktime(&tm);
	return t != (time_t)-1 && clock_utc_text(t, out);
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	/* display only: a longer value is cut */
	snprintf(dst, n, "%s", store_text(st, i));
}

bool audit_list(struct app *app, const struct audit_filter *f, struct audit_entry **out, size_t *n,
                bool *more)
{
	*out = NULL;
	*n = 0;
	*more = false;
	size_t limit = f->limit ? f->limit : 200;
	char from[21], to[21];
	bool has_from = day_bound(f->from, false, from), has_to = day_bound(f->to, true, to);
	/* an action ending in '.' is a kind: "account." is every account change */
	bool prefix = f->action && *f->action && f->action[strlen(f->action) - 1] == '.';
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "SELECT id, at, actor_id, actor, action, location_id, booking_id, callback_id, "
	    "account_id, detail "
	    "FROM audit_log WHERE (?1 IS NULL OR actor = ?1 COLLATE NOCASE) "
	    "AND (?2 IS NULL OR action = ?2 OR (?3 AND substr(action, 1, length(?2)) = ?2)) "
	    "AND (?4 IS NULL OR location_id = ?4) AND (?5 IS NULL OR at >= ?5) "
	    "AND (?6 IS NULL OR at < ?6) AND (?7 IS NULL OR booking_id = ?7) "
	    "ORDER BY id DESC LIMIT ?8");
	if (!st)
		return false;
	bool ok = bind_text_or_null(st, 1, f->actor) == SQLITE_OK &&
	          bind_text_or_null(st, 2, f->action) == SQLITE_OK &&
	          sqlite3_bind_int(st, 3, prefix) == SQLITE_OK &&
	          bind_text_or_null(st, 4, f->location) == SQLITE_OK &&
	          bind_text_or_null(st, 5, has_from ? from : NULL) == SQLITE_OK &&
	          bind_text_or_null(st, 6, has_to ? to : NULL) == SQLITE_OK &&
	          bind_id(st, 7, f->booking) == SQLITE_OK &&
	          sqlite3_bind_int64(st, 8, (sqlite3_int64)limit + 1) == SQLITE_OK;
	struct audit_entry *items = ok ? calloc(limit + 1, sizeof(*items)) : NULL;
	size_t k = 0;
	int rc = SQLITE_DONE;
	while (items && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == limit) {
			*more = true;
			break;
		}
		struct audit_entry *e = &items[k++];
		e->id = sqlite3_column_int64(st, 0);
		copy_col(e->at, sizeof(e->at), st, 1);
		e->actor_id = sqlite3_column_int64(st, 2);
		copy_col(e->actor, sizeof(e->actor), st, 3);
		copy_col(e->action, sizeof(e->action), st, 4);
		copy_col(e->location, sizeof(e->location), st, 5);
		e->booking = sqlite3_column_int64(st, 6);
		e->callback = sqlite3_column_int64(st, 7);
		e->account = sqlite3_column_int64(st, 8);
		copy_col(e->detail, sizeof(e->detail), st, 9);
	}
	sqlite3_reset(st);
	if (!items || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		free(items);
		return false;
	}
	*out = items;
	*n = k;
	return true;
}

struct retention_args {
	char cutoff[CLOCK_UTC_LEN];
};

static int retention_write(struct app *app, void *arg)
{
	struct retention_args *a = arg;
	sqlite3_stmt *st = store_stmt(db_bookings(app), "DELETE FROM audit_log WHERE at < ?1");
	if (!st)
		return -1;
	int rc = sqlite3_bind_text(st, 1, a->cutoff, -1, SQLITE_STATIC) == SQLITE_OK
	             ? sqlite3_step(st)
	             : SQLITE_ERROR;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? sqlite3_changes(store_db(db_bookings(app))) : -1;
}

int audit_retention(struct app *app, int days, time_t now)
{
	struct retention_args a;
	if (!clock_utc_text(now - (time_t)days * 86400, a.cutoff))
		return -1;
	int n = writer_do(app, retention_write, &a);
	return n < 0 ? -1 : n;
}
