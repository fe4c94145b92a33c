#include "domain/content_drafts.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/app.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/terminals.h"
#include "exec/db.h"
#include "exec/writer.h"
#include "store/catalog.h"
#include "store/content_edit.h"
#include "store/store.h"

void content_drafts_free(struct content_draft *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++)
		free(d[i].csv);
	free(d);
}

/* "service_hours de-zonnebloem" (cut to fit), the trail's detail */
static void draft_detail(char *out, size_t size, const char *part, const char *target)
{
	/* a long slug is cut: the trail's detail holds 63 bytes */
	if (snprintf(out, size, "%s %s", part, target) >= (int)size)
		out[size - 1] = '\0';
}

struct save_args {
	const struct staff_user *u;
	const char *part, *target, *csv, *at;
};

static int save_write(struct app *app, void *arg)
{
	const struct save_args *a = arg;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "INSERT INTO content_draft(part, target, payload, account_id, updated_at) VALUES (?1, "
	    "?2, ?3, ?4, ?5) ON CONFLICT(part, target) DO UPDATE SET payload = excluded.payload, "
	    "account_id = excluded.account_id, updated_at = excluded.updated_at");
	bool ok = st && sqlite3_bind_text(st, 1, a->part, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, a->target, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 3, a->csv, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_int64(st, 4, a->u->id) == SQLITE_OK &&
	          sqlite3_bind_text(st, 5, a->at, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	char detail[64];
	draft_detail(detail, sizeof(detail), a->part, a->target);
	struct audit_subject s = {.detail = detail};
	/* inside the write: the draft and its row commit together */
	return ok && audit_record(app, staff_actor(a->u), AUDIT_CONTENT_DRAFT, &s) ? 1 : -1;
}

bool content_draft_save(struct app *app, const struct staff_user *u, const char *part,
                        const char *target, const char *csv)
{
	char at[CLOCK_UTC_LEN];
	if (!u || !part || !target || !csv || !clock_utc_text(clock_now(), at))
		return false;
	struct save_args a = {u, part, target, csv, at};
	return writer_do(app, save_write, &a) == 1;
}

#define DRAFT_COLUMNS                                                                              \
	"d.id, d.part, d.target, d.payload, d.account_id, coalesce(u.name, ''), d.updated_at "     \
	"FROM content_draft d LEFT JOIN staff_user u ON u.id = d.account_id"

static bool load_draft(sqlite3_stmt *st, struct content_draft *d)
{
	*d = (struct content_draft){.id = sqlite3_column_int64(st, 0),
	                            .account_id = sqlite3_column_int64(st, 4)};
	snprintf(d->part, sizeof(d->part), "%s", store_text(st, 1));
	snprintf(d->target, sizeof(d->target), "%s", store_text(st, 2));
	snprintf(d->account, sizeof(d->account), "%s", store_text(st, 5));
	snprintf(d->updated_at, sizeof(d->updated_at), "%s", store_text(st, 6));
	d->csv = strdup(store_text(st, 3));
	return d->csv != NULL;
}

int content_draft_get(struct app *app, const char *part, const char *target,
                      struct content_draft *out)
{
	*out = (struct content_draft){0};
	sqlite3_stmt *st = store_stmt(db_bookings(app), "SELECT " DRAFT_COLUMNS
	                                                " WHERE d.part = ?1 AND d.target = ?2");
	if (!st)
		return -1;
	int rc = sqlite3_bind_text(st, 1, part, -1, SQLITE_STATIC) == SQLITE_OK &&
	                 sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC) == SQLITE_OK
	             ? sqlite3_step(st)
	             : SQLITE_ERROR;
	int r = rc == SQLITE_ROW ? (load_draft(st, out) ? 1 : -1) : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return r;
}

bool content_drafts_list(struct app *app, struct content_draft **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(db_bookings(app), "SELECT " DRAFT_COLUMNS " ORDER BY d.id");
	if (!st)
		return false;
	size_t cap = 0;
	bool ok = true;
	int rc;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t want = cap ? cap * 2 : 8;
			struct content_draft *v = realloc(*out, want * sizeof(*v));
			if (!v) {
				ok = false;
				break;
			}
			*out = v;
			cap = want;
		}
		ok = load_draft(st, &(*out)[*n]);
		if (ok)
			(*n)++;
	}
	if (ok && rc != SQLITE_DONE)
		ok = false;
	sqlite3_reset(st);
	if (!ok) {
		content_drafts_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

struct discard_args {
	const struct staff_user *u;
	long long id;
};

int content_draft_find(struct app *app, long long id, struct content_draft *out)
{
	*out = (struct content_draft){0};
	sqlite3_stmt *st = store_stmt(db_bookings(app), "SELECT " DRAFT_COLUMNS " WHERE d.id = ?1");
	if (!st)
		return -1;
	int rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
	int r = rc == SQLITE_ROW ? (load_draft(st, out) ? 1 : -1) : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return r;
}

static int discard_write(struct app *app, void *arg)
{
	const struct discard_args *a = arg;
	struct content_draft d;
	int found = content_draft_find(app, a->id, &d);
	if (found < 1)
		return found;
	free(d.csv);
	sqlite3_stmt *st = store_stmt(db_bookings(app), "DELETE FROM content_draft WHERE id = ?1");
	bool ok =
	    st && sqlite3_bind_int64(st, 1, a->id) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
	if (st)
		sqlite3_reset(st);
	char detail[64];
	draft_detail(detail, sizeof(detail), d.part, d.target);
	struct audit_subject s = {.detail = detail};
	return ok && audit_record(app, staff_actor(a->u), AUDIT_CONTENT_DISCARD, &s) ? 1 : -1;
}

int content_draft_discard(struct app *app, const struct staff_user *u, long long id)
{
	struct discard_args a = {u, id};
	return writer_do(app, discard_write, &a);
}

/* ---- publishing ------------------------------------------------------------ */

bool content_reload(struct app *app, char *err, size_t errlen)
{
	/* the new index is built here, on a worker, never on the loop */
	struct catalog *fresh = catalog_open(app->cfg.content_dir, err, errlen);
	if (!fresh)
		return false;
	if (!kiosk_load(fresh)) {
		snprintf(err, errlen, "cannot read the terminals");
		catalog_close(fresh);
		return false;
	}
	db_replace_base(app, fresh);
	return true;
}

struct done_args {
	const struct staff_user *u;
	const struct content_draft *d;
	size_t n;
	int deleted; /* out */
};

static int published_write(struct app *app, void *arg)
{
	struct done_args *a = arg;
	sqlite3_stmt *st = store_stmt(db_bookings(app),
	                              "DELETE FROM content_draft WHERE id = ?1 AND updated_at = ?2 "
	                              "AND payload = ?3");
	if (!st)
		return -1;
	a->deleted = 0;
	for (size_t i = 0; i < a->n; i++) {
		bool ok =
		    sqlite3_bind_int64(st, 1, a->d[i].id) == SQLITE_OK &&
		    sqlite3_bind_text(st, 2, a->d[i].updated_at, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_bind_text(st, 3, a->d[i].csv, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
		if (!ok)
			return -1;
		a->deleted += sqlite3_changes(store_db(db_bookings(app)));
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "%zu", a->n);
	struct audit_subject s = {.detail = detail};
	return audit_record(app, staff_actor(a->u), AUDIT_CONTENT_PUBLISH, &s) ? 1 : -1;
}

enum content_publish content_drafts_publish(struct app *app, const struct staff_user *u,
                                            size_t *count, char *err, size_t errlen)
{
	*count = 0;
	struct content_draft *d = NULL;
	size_t n = 0;
	if (!content_drafts_list(app, &d, &n)) {
		snprintf(err, errlen, "cannot read the drafts");
		return CONTENT_PUBLISH_FAILED;
	}
	if (n == 0) {
		free(d);
		return CONTENT_NOTHING;
	}
	struct content_change *ch = calloc(n, sizeof(*ch));
	if (!ch) {
		content_drafts_free(d, n);
		snprintf(err, errlen, "out of memory");
		return CONTENT_PUBLISH_FAILED;
	}
	for (size_t i = 0; i < n; i++)
		ch[i] = (struct content_change){d[i].part, d[i].target, d[i].csv};
	char today[11];
	time_t now = clock_now();
	struct tm tm;
	enum content_publish r = CONTENT_PUBLISHED;
	enum content_built built;
	if (!localtime_r(&now, &tm) || !strftime(today, sizeof(today), "%Y-%m-%d", &tm)) {
		snprintf(err, errlen, "no clock");
		r = CONTENT_PUBLISH_FAILED;
	} else if ((built = content_build(app->cfg.content_dir, NULL, ch, n, today, err, errlen)) !=
	           CONTENT_BUILT) {
		/* no locale folder: the server's translations were loaded at
		   start (i18n_init), and loading them again on a worker would
		   race with every thread that uses them */
		r = built == CONTENT_BUILD_REFUSED ? CONTENT_REFUSED : CONTENT_PUBLISH_FAILED;
	} else if (!content_reload(app, err, errlen)) {
		/* the file is replaced, but this server could not open it: say
		   so; a restart or SIGHUP opens it */
		r = CONTENT_PUBLISH_FAILED;
	} else {
		struct done_args a = {u, d, n, 0};
		if (writer_do(app, published_write, &a) != 1) {
			snprintf(err, errlen, "published, but the drafts could not be cleared");
			r = CONTENT_PUBLISH_FAILED;
		}
		*count = n;
	}
	free(ch);
	content_drafts_free(d, n);
	return r;
}
