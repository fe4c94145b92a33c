#include "domain/outbox.h"

#include <string.h>

#include "exec/db.h"
#include "exec/writer.h"
#include "store/store.h"

static const char *const kinds[] = {"confirmation", "reminder", "moved", "cancelled"};

const char *outbox_kind_name(enum outbox_kind k)
{
	return (unsigned)k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k] : "confirmation";
}

static bool kind_parse(const char *s, enum outbox_kind *out)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i]) == 0) {
			*out = (enum outbox_kind)i;
			return true;
		}
	return false;
}

/* Steps a statement that returns no rows. */
static bool done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE;
}

bool outbox_add(struct app *app, const char *channel, enum outbox_kind kind, long long booking_id,
                time_t due, time_t now)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "INSERT INTO outbox(channel, kind, booking_id, due, created_at) "
	                      "VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, outbox_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, booking_id);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)due);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
	return done(st);
}

bool outbox_supersede(struct app *app, long long booking_id, enum outbox_kind kind)
{
	/* a cancellation makes every other message stale; a move the
	   reminder (a new one is queued with the new time), a confirmation
	   or an earlier move not sent yet (the move's notice tells all they
	   would, and they would be composed with the new time anyway) */
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "DELETE FROM outbox WHERE booking_id = ?1 AND status = 'pending' AND "
	                      "((?2 = 'cancelled' AND kind <> 'cancelled') OR "
	                      "(?2 = 'moved' AND kind IN ('reminder', 'confirmation', 'moved')))");
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, booking_id);
	sqlite3_bind_text(st, 2, outbox_kind_name(kind), -1, SQLITE_STATIC);
	return done(st);
}

bool outbox_retention(struct app *app, time_t cutoff)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "DELETE FROM outbox WHERE booking_id IN (SELECT id FROM booking WHERE purged = 1) OR "
	    "(status <> 'pending' AND created_at < ?1)");
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)cutoff);
	return done(st);
}

int outbox_due(struct app *app, const char *channel, time_t now, struct outbox_item *out, int max)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT id, booking_id, kind, attempts, created_at FROM outbox "
	                      "WHERE status = 'pending' AND channel = ?1 AND due <= ?2 "
	                      "ORDER BY due, id LIMIT ?3");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int(st, 3, max);
	int n = 0, rc;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct outbox_item *it = &out[n];
		it->id = sqlite3_column_int64(st, 0);
		it->booking_id = sqlite3_column_int64(st, 1);
		if (!kind_parse(store_text(st, 2), &it->kind))
			continue; /* the CHECK makes this impossible */
		it->attempts = sqlite3_column_int(st, 3);
		it->created = (time_t)sqlite3_column_int64(st, 4);
		n++;
	}
	if (n < max && rc != SQLITE_DONE)
		n = -1;
	sqlite3_reset(st);
	return n;
}

bool outbox_next_due(struct app *app, const char *channel, time_t after, time_t *out)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "SELECT min(due) FROM outbox WHERE status = 'pending' AND "
	                                 "channel = ?1 AND due > ?2");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)after);
	bool found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		*out = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return found;
}

struct mark {
	long long id;
	const char *status; /* NULL: delete */
	int attempts;
	time_t due, sent;
	const char *error;
};

static int mark_write(struct app *app, void *arg)
{
	const struct mark *m = arg;
	sqlite3_stmt *st;
	if (!m->status) {
		st = store_stmt(db_bookings(app), "DELETE FROM outbox WHERE id = ?1");
		if (!st)
			return 0;
		sqlite3_bind_int64(st, 1, m->id);
		return done(st) ? 1 : 0;
	}
	st = store_stmt(db_bookings(app),
	                "UPDATE outbox SET status = ?2, attempts = ?3, due = ?4, last_error = ?5, "
	                "sent_at = ?6 WHERE id = ?1");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, m->id);
	sqlite3_bind_text(st, 2, m->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, m->attempts);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)m->due);
	if (m->error)
		sqlite3_bind_text(st, 5, m->error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	if (m->sent)
		sqlite3_bind_int64(st, 6, (sqlite3_int64)m->sent);
	else
		sqlite3_bind_null(st, 6);
	return done(st) ? 1 : 0;
}

static bool mark(struct app *app, struct mark *m)
{
	return writer_do(app, mark_write, m) == 1;
}

bool outbox_mark_sent(struct app *app, long long id, int attempts, time_t now)
{
	struct mark m = {.id = id, .status = "sent", .attempts = attempts, .due = now, .sent = now};
	return mark(app, &m);
}

bool outbox_mark_retry(struct app *app, long long id, int attempts, time_t due, const char *error)
{
	struct mark m = {
	    .id = id, .status = "pending", .attempts = attempts, .due = due, .error = error};
	return mark(app, &m);
}

bool outbox_mark_failed(struct app *app, long long id, int attempts, const char *error)
{
	struct mark m = {.id = id, .status = "failed", .attempts = attempts, .error = error};
	return mark(app, &m);
}

bool outbox_forget(struct app *app, long long id)
{
	struct mark m = {.id = id};
	return mark(app, &m);
}
