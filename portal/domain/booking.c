#include "domain/booking.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "store/catalog.h"
#include "base/crypto.h"
#include "base/html.h"
#include "base/i18n.h"
#include "exec/writer.h"
#include "domain/insight.h"
#include "domain/outbox.h"
#include "store/store.h"
#include "base/text.h"

/* References avoid characters that look alike or sound alike on the
 * phone: no B/8, G/6, I/1, O/0, Q, S/5, Z/2. */
static const char ref_alphabet[] = "ACDEFHJKLMNPRTUVWXY3479";
#define REF_LEN 6
/* At most this many active bookings per phone number or e-mail address
 * in one calendar week, against abuse and hoarding. */
#define CONTACT_WEEKLY_CAP 3
/* Without phone or e-mail the booking counts for its client instead: at
 * most app->cfg.client_bookings (--client-bookings, default 3) future
 * confirmed ones per client address per calendar week.
 *
 * A kiosk terminal is one client for every resident who books on it, so
 * its address would turn residents away after the third booking of the
 * week. A kiosk booking comes from a browser enrolled as that terminal
 * (the server checks the terminal's secret, domain/terminals.h), so it counts
 * for the terminal instead, whatever its address, and the terminal may
 * hold KIOSK_WEEKLY_CAP a week: more than one touch screen books without
 * contact details in a week, and still a bound should a terminal's
 * secret ever leak. Not a full exemption for that reason; a resident who
 * meets the bound can still book with a phone number or at the desk. */
#define KIOSK_WEEKLY_CAP 20

static struct store *content(struct app *app)
{
	return catalog_store(db_catalog(app));
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *t = store_text_or_null(st, i);
	return t ? strdup(t) : NULL;
}

bool booking_place_config(struct app *app, const char *location, struct booking_place *out)
{
	sqlite3_stmt *st =
	    store_stmt(content(app), "SELECT slot_minutes, desks, notice_hours, horizon_days "
	                             "FROM ap_locations WHERE location_id = ?1");
	if (!st || !location)
		return false;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		out->slot_minutes = sqlite3_column_int(st, 0);
		out->desks = sqlite3_column_int(st, 1);
		out->notice_hours = sqlite3_column_int(st, 2);
		out->horizon_days = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	return ok;
}

int booking_topic_duration(struct app *app, const char *topic)
{
	sqlite3_stmt *st =
	    store_stmt(content(app), "SELECT duration_min FROM ap_topics WHERE id = ?1");
	if (!st || !topic)
		return -1;
	sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
	int d = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return d;
}

/* Unsigned arithmetic keeps every field within its width. */
static void fmt_date(char out[11], struct hours_day d)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.mon % 100u,
	         (unsigned)d.mday % 100u);
}

static void fmt_time(char out[BOOKING_TIME_LEN], struct hours_day d, int minute)
{
	char date[11];
	fmt_date(date, d);
	snprintf(out, BOOKING_TIME_LEN, "%.10sT%02u:%02u", date, ((unsigned)minute / 60u) % 100u,
	         (unsigned)minute % 60u);
}

bool booking_parse_time(const char *s, struct hours_day *day, int *minute)
{
	int y, mo, d, h, mi;
	char tail;
	if (!s || strlen(s) != 16 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5)
		return false;
	for (int i = 0; i < 16; i++) {
		bool digit = s[i] >= '0' && s[i] <= '9';
		if ((i == 4 || i == 7) ? s[i] != '-'
		    : i == 10          ? s[i] != 'T'
		    : i == 13          ? s[i] != ':'
		                       : !digit)
			return false;
	}
	if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59)
		return false;
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
		return false;
	struct hours_day base = {y, mo, d, 0};
	/* the weekday comes from calendar arithmetic */
	*day = hours_add_days(base, 0);
	*minute = h * 60 + mi;
	return true;
}

time_t booking_instant(const char *local)
{
	struct hours_day d;
	int m;
	if (!booking_parse_time(local, &d, &m))
		return (time_t)-1;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.mon - 1;
	tm.tm_mday = d.mday;
	tm.tm_hour = m / 60;
	tm.tm_min = m % 60;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

bool booking_iso(struct sb *out, const char *local)
{
	time_t t = booking_instant(local);
	struct tm tm;
	if (t == (time_t)-1 || !localtime_r(&t, &tm))
		return false;
	long off = tm.tm_gmtoff / 60;
	return sb_appendf(out, "%04d-%02d-%02dT%02d:%02d:00%c%02ld:%02ld", tm.tm_year + 1900,
	                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, off < 0 ? '-' : '+',
	                  labs(off) / 60, labs(off) % 60);
}

/* The appointment hours of a place on a weekday: (opens, closes) in minutes. */
static size_t appointment_periods(struct app *app, const char *location, int wday, int out[][2],
                                  size_t max)
{
	sqlite3_stmt *st =
	    store_stmt(content(app), "SELECT opens, closes FROM ap_period WHERE "
	                             "location_id = ?1 AND wday = ?2 ORDER BY opens");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, wday);
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		out[n][0] = sqlite3_column_int(st, 0);
		out[n][1] = sqlite3_column_int(st, 1);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* Is the whole day closed for appointments at this place? */
static bool day_closed(struct app *app, const char *location, struct hours_day day)
{
	if (catalog_is_holiday(db_catalog(app), day))
		return true;
	char date[11];
	fmt_date(date, day);
	sqlite3_stmt *st = store_stmt(content(app), "SELECT 1 FROM ap_closed WHERE date = ?1 AND "
	                                            "(location_id IS NULL OR location_id = ?2)");
	if (!st)
		return true;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, location, -1, SQLITE_STATIC);
	bool closed = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (closed)
		return true;
	st = store_stmt(db_bookings(app),
	                "SELECT 1 FROM slot_block WHERE location_id = ?1 AND what = ?2");
	if (!st)
		return true;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	closed = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return closed;
}

struct day_claims {
	char slot[BOOKING_MAX_SLOTS][BOOKING_TIME_LEN];
	unsigned mask[BOOKING_MAX_SLOTS]; /* desks taken; bit d-1 for desk d */
	bool blocked[BOOKING_MAX_SLOTS];
	size_t n;
};

static size_t claim_index(struct day_claims *c, const char *slot, bool add)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->slot[i], slot) == 0)
			return i;
	if (!add || c->n >= BOOKING_MAX_SLOTS)
		return (size_t)-1;
	snprintf(c->slot[c->n], BOOKING_TIME_LEN, "%s", slot);
	c->mask[c->n] = 0;
	c->blocked[c->n] = false;
	return c->n++;
}

/* Loads the desks taken and the blocked slots of one day. */
static bool load_claims(struct app *app, const char *location, const char *date,
                        long long except_booking, struct day_claims *c)
{
	memset(c, 0, sizeof(*c));
	char lo[BOOKING_TIME_LEN + 1], hi[BOOKING_TIME_LEN + 1];
	snprintf(lo, sizeof(lo), "%sT", date);
	snprintf(hi, sizeof(hi), "%sU", date);
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT slot, desk FROM slot_claim WHERE location_id = ?1 AND "
	                      "active = 1 AND slot > ?2 AND slot < ?3 AND booking_id <> ?4");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, except_booking);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = claim_index(c, store_text_or_null(st, 0), true);
		int desk = sqlite3_column_int(st, 1);
		if (i != (size_t)-1 && desk >= 1 && desk <= 16)
			c->mask[i] |= 1u << (desk - 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return false;
	st = store_stmt(
	    db_bookings(app),
	    "SELECT what FROM slot_block WHERE location_id = ?1 AND what > ?2 AND what < ?3");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = claim_index(c, store_text_or_null(st, 0), true);
		if (i != (size_t)-1)
			c->blocked[i] = true;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE;
}

/* ---- the claims of a day, cached ----------------------------------------
 * Every page and slot list of a day reads its claims; they change only
 * when the writer commits a booking change, which invalidates that day
 * (booking_day_changed, called after the COMMIT). One mutex guards the
 * table. A reader that read the database while a change was committed
 * does not store what it read (the epoch moved), so nothing stale is
 * kept. The writer reads inside its own transaction and never uses it. */
#define CLAIMS_CACHE 256

static struct {
	char location[65];
	char date[11];
	bool used;
	struct day_claims claims;
} claims_cache[CLAIMS_CACHE];
static unsigned long claims_epoch;
static size_t claims_next;
static pthread_mutex_t claims_lock = PTHREAD_MUTEX_INITIALIZER;

void booking_day_changed(const char *location, const char *date)
{
	pthread_mutex_lock(&claims_lock);
	claims_epoch++;
	for (size_t i = 0; i < CLAIMS_CACHE; i++)
		if (claims_cache[i].used && strcmp(claims_cache[i].location, location) == 0 &&
		    strncmp(claims_cache[i].date, date, 10) == 0)
			claims_cache[i].used = false;
	pthread_mutex_unlock(&claims_lock);
}

static bool load_claims_cached(struct app *app, const char *location, const char *date,
                               long long except_booking, struct day_claims *c)
{
	if (except_booking || writer_in_write() || strlen(location) > 64 || strlen(date) > 10)
		return load_claims(app, location, date, except_booking, c);
	pthread_mutex_lock(&claims_lock);
	for (size_t i = 0; i < CLAIMS_CACHE; i++)
		if (claims_cache[i].used && strcmp(claims_cache[i].location, location) == 0 &&
		    strcmp(claims_cache[i].date, date) == 0) {
			*c = claims_cache[i].claims;
			pthread_mutex_unlock(&claims_lock);
			return true;
		}
	unsigned long epoch = claims_epoch;
	pthread_mutex_unlock(&claims_lock);
	if (!load_claims(app, location, date, 0, c))
		return false;
	pthread_mutex_lock(&claims_lock);
	if (epoch == claims_epoch) {
		size_t i = claims_next++ % CLAIMS_CACHE;
		snprintf(claims_cache[i].location, sizeof(claims_cache[i].location), "%s",
		         location);
		snprintf(claims_cache[i].date, sizeof(claims_cache[i].date), "%s", date);
		claims_cache[i].claims = *c;
		claims_cache[i].used = true;
	}
	pthread_mutex_unlock(&claims_lock);
	return true;
}

static int popcount(unsigned v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/* The slots a start covers and the desks free across all of them. */
struct span {
	char slot[BOOKING_SPAN_MAX][BOOKING_TIME_LEN];
	size_t n;
	unsigned taken;
	bool blocked;
};

static void span_of(struct day_claims *c, struct hours_day day, int start, int duration,
                    int slot_minutes, struct span *s)
{
	memset(s, 0, sizeof(*s));
	for (int t = start; t < start + duration && s->n < BOOKING_SPAN_MAX; t += slot_minutes) {
		fmt_time(s->slot[s->n], day, t);
		size_t i = claim_index(c, s->slot[s->n], false);
		if (i != (size_t)-1) {
			s->taken |= c->mask[i];
			s->blocked |= c->blocked[i];
		}
		s->n++;
	}
}

/* The bookable starts of a day with their free desks. When claims_out is
 * given it receives the claims the count was made from, so that a
 * booking picks its desk from the same reading. */
static size_t day_slots(struct app *app, const char *location, int duration,
                        const struct booking_place *cfg, struct hours_day day, time_t now,
                        long long except_booking, struct slot *out, size_t max,
                        struct day_claims *claims_out)
{
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	struct hours_day last = hours_add_days(today, cfg->horizon_days);
	char dkey[11], tkey[11], lkey[11];
	fmt_date(dkey, day);
	fmt_date(tkey, today);
	fmt_date(lkey, last);
	if (strcmp(dkey, tkey) < 0 || strcmp(dkey, lkey) > 0 || duration <= 0 ||
	    day_closed(app, location, day))
		return 0;
	struct day_claims local;
	struct day_claims *claims = claims_out ? claims_out : &local;
	if (!load_claims_cached(app, location, dkey, except_booking, claims))
		return 0;
	int periods[8][2];
	size_t np = appointment_periods(app, location, day.wday, periods, 8);
	time_t earliest = now + (time_t)cfg->notice_hours * 3600;
	size_t n = 0;
	for (size_t p = 0; p < np; p++) {
		for (int t = periods[p][0]; t + duration <= periods[p][1] && n < max;
		     t += cfg->slot_minutes) {
			struct slot *s = &out[n];
			fmt_time(s->start, day, t);
			if (booking_instant(s->start) < earliest)
				continue;
			fmt_time(s->end, day, t + duration);
			struct span sp;
			span_of(claims, day, t, duration, cfg->slot_minutes, &sp);
			s->free = sp.blocked ? 0 : cfg->desks - popcount(sp.taken);
			if (s->free < 0)
				s->free = 0;
			n++;
		}
	}
	return n;
}

size_t booking_day_slots(struct app *app, const char *location, const char *topic,
                         struct hours_day day, time_t now, struct slot *out, size_t max)
{
	struct booking_place cfg;
	int duration = booking_topic_duration(app, topic);
	if (!booking_place_config(app, location, &cfg) || duration <= 0)
		return 0;
	return day_slots(app, location, duration, &cfg, day, now, 0, out, max, NULL);
}

size_t booking_free_after(struct app *app, const char *location, const char *topic, time_t now,
                          const char *after, struct slot *out, size_t max)
{
	struct booking_place cfg;
	int duration = booking_topic_duration(app, topic);
	if (!booking_place_config(app, location, &cfg) || duration <= 0 || max == 0)
		return 0;
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	size_t n = 0;
	for (int d = 0; d <= cfg.horizon_days && n < max; d++) {
		struct slot day[BOOKING_MAX_SLOTS];
		size_t k = day_slots(app, location, duration, &cfg, hours_add_days(today, d), now,
		                     0, day, BOOKING_MAX_SLOTS, NULL);
		for (size_t i = 0; i < k && n < max; i++)
			if (day[i].free > 0 && (!after || strcmp(day[i].start, after) > 0))
				out[n++] = day[i];
	}
	return n;
}

bool booking_next_free(struct app *app, const char *location, const char *topic, time_t now,
                       struct slot *out)
{
	return booking_free_after(app, location, topic, now, NULL, out, 1) == 1;
}

/* ---- storage ------------------------------------------------------------ */

static bool token_hash(const char *token, unsigned char out[32])
{
	return token && crypto_sha256(token, strlen(token), out);
}

static bool new_token(struct sb *token, unsigned char hash[32])
{
	unsigned char raw[32];
	sb_reset(token);
	return crypto_random(raw, sizeof(raw)) && crypto_base64url(token, raw, sizeof(raw)) &&
	       token_hash(sb_str(token), hash);
}

static bool new_reference(char out[REF_LEN + 1])
{
	unsigned char r[REF_LEN];
	if (!crypto_random(r, sizeof(r)))
		return false;
	for (size_t i = 0; i < REF_LEN; i++)
		out[i] = ref_alphabet[r[i] % (sizeof(ref_alphabet) - 1)];
	out[REF_LEN] = '\0';
	return true;
}

void booking_reference_display(const char *ref, char out[16])
{
	if (!ref || strlen(ref) != REF_LEN)
		snprintf(out, 16, "%s", ref ? ref : "");
	else
		snprintf(out, 16, "%.3s-%.3s", ref, ref + 3);
}

static void now_text(char out[32])
{
	if (!clock_utc_text(clock_now(), out))
		snprintf(out, 32, "unknown");
}

/* A keyed hash of the contact, so the weekly cap works without keeping a
 * second copy of the phone number or address. */
static bool contact_hash(struct app *app, const struct booking_request *rq, unsigned char out[32])
{
	const char *c = rq->phone && *rq->phone ? rq->phone : rq->email;
	if (!c || !*c)
		return false;
	struct sb norm;
	sb_init(&norm, 512);
	sb_puts(&norm, "contact|");
	for (const char *p = c; *p; p++) {
		if (rq->phone && *rq->phone ? (*p >= '0' && *p <= '9') : !text_is_space(*p))
			sb_putc(&norm, text_ascii_lower(*p));
	}
	bool ok = crypto_hmac(app->secret, norm.data, norm.len, out);
	sb_free(&norm);
	return ok;
}

/* The keyed hash a booking without contact details counts under: the
 * enrolled kiosk terminal (see KIOSK_WEEKLY_CAP), else the client
 * address, so that the weekly cap never stores an address. */
static bool client_hash(struct app *app, const struct booking_request *rq, unsigned char out[32])
{
	struct sb key;
	sb_init(&key, 256);
	if (rq->terminal && *rq->terminal)
		sb_appendf(&key, "kiosk|%s", rq->terminal);
	else
		sb_appendf(&key, "client|%s", rq->client ? rq->client : "");
	bool ok = !sb_failed(&key) && crypto_hmac(app->secret, key.data, key.len, out);
	sb_free(&key);
	return ok;
}

/* The cap on bookings without contact details (0: none). */
static int client_cap(struct app *app, bool kiosk)
{
	int n = app->cfg.client_bookings;
	if (n <= 0)
		return 0;
	return kiosk && n < KIOSK_WEEKLY_CAP ? KIOSK_WEEKLY_CAP : n;
}

/* Inside a transaction: how many confirmed bookings other than except
 * hold this contact_hash or client_hash (column) in the calendar week
 * (Monday to Sunday) of start; from is the earliest start that counts
 * ("" for all of the week). -1 on a database error. */
static int week_count(struct app *app, bool client, const unsigned char hash[32], const char *start,
                      const char *from, long long except)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    client ? "SELECT count(*) FROM booking WHERE client_hash = ?1 AND status = "
	             "'confirmed' AND id != ?4 AND start >= ?3 AND date(substr(start, 1, 10), "
	             "'weekday 0', '-6 days') = date(substr(?2, 1, 10), 'weekday 0', '-6 days')"
	           : "SELECT count(*) FROM booking WHERE contact_hash = ?1 AND status = "
	             "'confirmed' AND id != ?4 AND start >= ?3 AND date(substr(start, 1, 10), "
	             "'weekday 0', '-6 days') = date(substr(?2, 1, 10), 'weekday 0', '-6 days')");
	if (!st)
		return -1;
	int count = -1;
	if (sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, start, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 4, except) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return count;
}

/* The local time of now, "YYYY-MM-DDTHH:MM": bookings from then on are
 * future ones. */
static void local_now(time_t now, char out[BOOKING_TIME_LEN])
{
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	fmt_time(out, today, minute);
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	return v && *v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Picks the lowest desk free on every slot of the span, or 0. */
static int free_desk(const struct span *sp, int desks)
{
	for (int d = 1; d <= desks; d++)
		if (!(sp->taken & (1u << (d - 1))))
			return d;
	return 0;
}

/* Inside a transaction: checks start and claims a desk for booking id.
 * Returns BOOKING_OK, BOOKING_BAD_SLOT, BOOKING_FULL or BOOKING_ERROR. */
static enum booking_result claim(struct app *app, long long id, const char *location,
                                 const char *topic, const char *start, time_t now,
                                 char end[BOOKING_TIME_LEN])
{
	struct booking_place cfg;
	int duration = booking_topic_duration(app, topic);
	struct hours_day day;
	int minute;
	if (!booking_place_config(app, location, &cfg) || duration <= 0 ||
	    !booking_parse_time(start, &day, &minute))
		return BOOKING_BAD_SLOT;
	struct slot slots[BOOKING_MAX_SLOTS];
	struct day_claims claims;
	size_t n = day_slots(app, location, duration, &cfg, day, now, id, slots, BOOKING_MAX_SLOTS,
	                     &claims);
	const struct slot *s = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(slots[i].start, start) == 0)
			s = &slots[i];
	if (!s)
		return BOOKING_BAD_SLOT;
	if (s->free <= 0)
		return BOOKING_FULL;
	struct span sp;
	span_of(&claims, day, minute, duration, cfg.slot_minutes, &sp);
	int desk = free_desk(&sp, cfg.desks);
	if (!desk)
		return BOOKING_FULL;
	sqlite3_stmt *ins = store_stmt(
	    db_bookings(app), "INSERT INTO slot_claim(booking_id, location_id, slot, desk) "
	                      "VALUES (?1, ?2, ?3, ?4)");
	if (!ins)
		return BOOKING_ERROR;
	for (size_t i = 0; i < sp.n; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_text(ins, 2, location, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, sp.slot[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 4, desk);
		int rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc == SQLITE_CONSTRAINT_UNIQUE)
			return BOOKING_FULL; /* the database said no: never overbook */
		if (rc != SQLITE_DONE)
			return BOOKING_ERROR;
	}
	snprintf(end, BOOKING_TIME_LEN, "%s", s->end);
	return BOOKING_OK;
}

/* The current row of a SELECT BOOKING_COLUMNS into out (strings copied). */
static void load_row(sqlite3_stmt *st, struct booking *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->reference = dup_col(st, 1);
	out->location = dup_col(st, 2);
	out->start = dup_col(st, 3);
	out->end = dup_col(st, 4);
	out->topic = dup_col(st, 5);
	out->status = dup_col(st, 6);
	out->name = dup_col(st, 7);
	out->phone = dup_col(st, 8);
	out->email = dup_col(st, 9);
	out->lang = dup_col(st, 10);
	out->needs = (unsigned)sqlite3_column_int(st, 11);
	out->interpreter_lang = dup_col(st, 12);
	out->summary = dup_col(st, 13);
	out->origin = dup_col(st, 14);
	out->purged = sqlite3_column_int(st, 15) != 0;
	out->sequence = sqlite3_column_int(st, 16);
	out->updated_at = dup_col(st, 17);
}

static enum booking_result load(struct app *app, sqlite3_stmt *st, struct booking *out)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? BOOKING_NOT_FOUND : BOOKING_ERROR;
	}
	(void)app;
	load_row(st, out);
	sqlite3_reset(st);
	return out->status && strcmp(out->status, "cancelled") == 0 ? BOOKING_CANCELLED
	                                                            : BOOKING_OK;
}

#define BOOKING_COLUMNS                                                                            \
	"id, reference, location_id, start, end, topic, status, name, phone, email, lang, needs, " \
	"interpreter_lang, summary, origin, purged, sequence, updated_at"

static enum booking_result find_by_id(struct app *app, long long id, struct booking *out)
{
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "SELECT " BOOKING_COLUMNS " FROM booking WHERE id = ?1");
	if (!st)
		return BOOKING_ERROR;
	sqlite3_bind_int64(st, 1, id);
	return load(app, st, out);
}

static enum booking_result booking_write(struct app *app, writer_fn fn, void *arg,
                                         struct booking *out);

enum booking_result booking_find(struct app *app, const char *token, struct booking *out)
{
	unsigned char h[32];
	memset(out, 0, sizeof(*out));
	if (!token || strlen(token) != 43 || !token_hash(token, h))
		return BOOKING_NOT_FOUND;
	/* the first link, or one made when it was found again */
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT " BOOKING_COLUMNS
	                      " FROM booking WHERE token_hash = ?1 OR id = (SELECT booking_id FROM "
	                      "booking_token WHERE token_hash = ?1)");
	if (!st)
		return BOOKING_ERROR;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	return load(app, st, out);
}

/* The last four digits of a text such as a phone number ("" when it has
   fewer): "06 1234 5678" and "5678" both give "5678". */
static void last_four(const char *text, char out[5])
{
	char ring[4];
	size_t n = 0;
	for (const char *p = text ? text : ""; *p; p++)
		if (*p >= '0' && *p <= '9')
			ring[n++ % 4] = *p;
	for (size_t i = 0; i < 4; i++)
		out[i] = n >= 4 ? ring[(n + i) % 4] : '\0';
	out[4] = '\0';
}

struct again_args {
	const unsigned char *hash;
	long long id;
};

/* A new link for a booking that is still there: one more row in
   booking_token (the first link, and its QR code, keep working). */
static int again_write(struct app *app, void *arg)
{
	struct again_args *a = arg;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "INSERT INTO booking_token(token_hash, booking_id) SELECT ?1, id "
	                      "FROM booking WHERE id = ?2 AND purged = 0");
	if (!st)
		return BOOKING_ERROR;
	sqlite3_bind_blob(st, 1, a->hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, a->id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return BOOKING_ERROR;
	return sqlite3_changes(store_db(db_bookings(app))) == 1 ? BOOKING_OK : BOOKING_NOT_FOUND;
}

enum booking_result booking_find_id(struct app *app, long long id, struct booking *out)
{
	memset(out, 0, sizeof(*out));
	enum booking_result r = find_by_id(app, id, out);
	if (r != BOOKING_OK && r != BOOKING_CANCELLED)
		booking_free(out);
	return r;
}

bool booking_new_link(struct app *app, long long id, struct sb *token)
{
	unsigned char h[32];
	struct again_args a = {h, id};
	if (!new_token(token, h))
		return false;
	if (writer_do(app, again_write, &a) == BOOKING_OK)
		return true;
	sb_reset(token);
	return false;
}

enum booking_result booking_find_again(struct app *app, const char *reference, const char *proof,
                                       struct sb *token, struct booking *out)
{
	/* the lookup and the proof on the caller's (reader) connection: a
	   wrong guess never queues at the writer, only a match writes */
	enum booking_result r = booking_find_reference(app, reference, out);
	char four[5], given[5];
	last_four(out->phone, four);
	last_four(proof, given);
	bool proven = (r == BOOKING_OK || r == BOOKING_CANCELLED) && !out->purged &&
	              ((four[0] && strcmp(four, given) == 0) ||
	               (out->email && *out->email && proof && text_ascii_ieq(out->email, proof)));
	unsigned char h[32];
	struct again_args a = {h, out->id};
	enum booking_result w = BOOKING_ERROR;
	if (proven && new_token(token, h)) {
		int wr = writer_do(app, again_write, &a);
		w = wr == WRITER_FAILED ? BOOKING_ERROR : (enum booking_result)wr;
	}
	if (!proven || w != BOOKING_OK) {
		booking_free(out);
		sb_reset(token);
		return r == BOOKING_ERROR || (proven && w == BOOKING_ERROR) ? BOOKING_ERROR
		                                                            : BOOKING_NOT_FOUND;
	}
	return r;
}

enum booking_result booking_find_reference(struct app *app, const char *reference,
                                           struct booking *out)
{
	char ref[REF_LEN + 1];
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	for (const char *p = reference ? reference : ""; *p && n <= REF_LEN; p++)
		if (*p != '-' && *p != ' ')
			ref[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	if (n != REF_LEN)
		return BOOKING_NOT_FOUND;
	ref[n] = '\0';
	sqlite3_stmt *st = store_stmt(db_bookings(app), "SELECT " BOOKING_COLUMNS
	                                                " FROM booking WHERE reference = ?1");
	if (!st)
		return BOOKING_ERROR;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	return load(app, st, out);
}

/* The day of start changed (slots: its free slots too, not only the
   rows of its bookings): published after the COMMIT (writer.h). */
static void notify(struct app *app, const char *location, const char *start, bool slots)
{
	writer_changed(app, location, start ? start : "", slots ? WRITER_SLOTS : WRITER_ROWS);
}

/* Inside a booking's write, before its COMMIT: the messages that tell
 * the resident of it (domain/outbox.h), only when mail is configured and
 * the booking has an e-mail address. A reminder goes
 * app->cfg.mail.reminder_hours before the start; one whose time has
 * already passed is not made (the confirmation has just been sent). A
 * move or a cancellation first drops what it makes stale
 * (outbox_supersede): a cancellation every pending message, a move the
 * reminder, a confirmation or a move not sent yet. */
static bool queue_mail(struct app *app, long long id, const char *email, enum outbox_kind kind,
                       const char *start, time_t now)
{
	if (!app->cfg.mail.host[0] || !email || !*email)
		return true;
	if (kind != OUTBOX_CONFIRMATION && !outbox_supersede(app, id, kind))
		return false;
	if (!outbox_add(app, OUTBOX_EMAIL, kind, id, now, now))
		return false;
	if (kind == OUTBOX_CANCELLED || app->cfg.mail.reminder_hours <= 0)
		return true;
	time_t due = booking_instant(start) - (time_t)app->cfg.mail.reminder_hours * 3600;
	return due <= now || outbox_add(app, OUTBOX_EMAIL, OUTBOX_REMINDER, id, due, now);
}

/* The anonymous counts of a booking (domain/insight.h), in its own
 * transaction: the topic, an interpreter or client support asked, kiosk
 * or web, in the week it was made. A count that cannot be stored does not
 * stop the booking. */
static void count_booking(struct app *app, const struct booking_request *rq, time_t now)
{
	char week[9];
	const char *via = rq->origin && strcmp(rq->origin, "kiosk") == 0 ? "kiosk" : "web";
	if (!insight_week(now, week))
		return;
	(void)insight_add_tx(app, week, INSIGHT_BOOKING, rq->topic, via, 1);
	if (rq->needs & NEED_INTERPRETER)
		(void)insight_add_tx(app, week, INSIGHT_BOOKING_NEED, "interpreter", via, 1);
	if (rq->needs & NEED_CLIENT_SUPPORT)
		(void)insight_add_tx(app, week, INSIGHT_BOOKING_NEED, "client_support", via, 1);
}

static enum booking_result create_tx(struct app *app, const struct booking_request *rq, time_t now,
                                     struct sb *token, struct booking *out)
{
	memset(out, 0, sizeof(*out));
	unsigned char th[32], ch[32], kh[32];
	bool has_contact = contact_hash(app, rq, ch);
	/* without contact details: the client's hash, only while there is a
	   cap to count it for */
	bool kiosk = rq->terminal && *rq->terminal;
	int ccap = has_contact ? 0 : client_cap(app, kiosk);
	if (ccap > 0 && !client_hash(app, rq, kh))
		return BOOKING_ERROR;
	char created[32], from[BOOKING_TIME_LEN];
	now_text(created);
	local_now(now, from);
	if (!store_begin_immediate(db_bookings(app)))
		return BOOKING_ERROR;
	enum booking_result r = BOOKING_ERROR;
	if (has_contact) {
		/* the same contact in the same week (Monday to Sunday) */
		int count = week_count(app, false, ch, rq->start, "", 0);
		if (count < 0)
			goto fail;
		if (count >= CONTACT_WEEKLY_CAP) {
			r = BOOKING_LIMIT;
			goto fail;
		}
	} else if (ccap > 0) {
		/* the same client's future ones without contact, that week */
		int count = week_count(app, true, kh, rq->start, from, 0);
		if (count < 0)
			goto fail;
		if (count >= ccap) {
			r = BOOKING_CLIENT_LIMIT;
			goto fail;
		}
	}
	char ref[REF_LEN + 1];
	sqlite3_stmt *ins = store_stmt(
	    db_bookings(app),
	    "INSERT INTO booking(token_hash, reference, location_id, start, end, topic, status, "
	    "name, phone, email, lang, needs, interpreter_lang, summary, origin, "
	    "contact_hash, client_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4, "
	    "?5, 'confirmed', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?16, ?15, ?15)");
	if (!ins)
		goto fail;
	int rc = SQLITE_CONSTRAINT_UNIQUE;
	/* a reference or token that happens to exist already is drawn again */
	for (int attempt = 0; attempt < 5 && rc == SQLITE_CONSTRAINT_UNIQUE; attempt++) {
		if (!new_token(token, th) || !new_reference(ref))
			goto fail;
		sqlite3_reset(ins);
		sqlite3_bind_blob(ins, 1, th, 32, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, rq->location, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, rq->start, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, rq->topic, -1, SQLITE_STATIC);
		bind_text_or_null(ins, 6, rq->name);
		bind_text_or_null(ins, 7, rq->phone);
		bind_text_or_null(ins, 8, rq->email);
		sqlite3_bind_text(ins, 9, rq->lang ? rq->lang : "nl", -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 10, (int)rq->needs);
		bind_text_or_null(ins, 11,
		                  (rq->needs & NEED_INTERPRETER) ? rq->interpreter_lang : NULL);
		bind_text_or_null(ins, 12, rq->summary);
		sqlite3_bind_text(ins, 13, rq->origin ? rq->origin : "web", -1, SQLITE_STATIC);
		if (has_contact)
			sqlite3_bind_blob(ins, 14, ch, 32, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 14);
		sqlite3_bind_text(ins, 15, created, -1, SQLITE_STATIC);
		if (ccap > 0)
			sqlite3_bind_blob(ins, 16, kh, 32, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 16);
		rc = sqlite3_step(ins);
	}
	sqlite3_reset(ins);
	if (rc != SQLITE_DONE)
		goto fail;
	long long id = sqlite3_last_insert_rowid(store_db(db_bookings(app)));
	char end[BOOKING_TIME_LEN];
	r = claim(app, id, rq->location, rq->topic, rq->start, now, end);
	if (r != BOOKING_OK)
		goto fail;
	sqlite3_stmt *upd =
	    store_stmt(db_bookings(app), "UPDATE booking SET end = ?2 WHERE id = ?1");
	if (!upd)
		goto fail;
	sqlite3_bind_int64(upd, 1, id);
	sqlite3_bind_text(upd, 2, end, -1, SQLITE_STATIC);
	rc = sqlite3_step(upd);
	sqlite3_reset(upd);
	if (rc == SQLITE_DONE)
		count_booking(app, rq, now);
	if (rc != SQLITE_DONE ||
	    !queue_mail(app, id, rq->email, OUTBOX_CONFIRMATION, rq->start, now) ||
	    !store_commit(db_bookings(app))) {
		r = BOOKING_ERROR;
		goto fail;
	}
	notify(app, rq->location, rq->start, true);
	return find_by_id(app, id, out) == BOOKING_OK ? BOOKING_OK : BOOKING_ERROR;
fail:
	store_rollback(db_bookings(app));
	sb_reset(token);
	return r;
}

/* The writes below run on the writer thread (writer.h); each wrapper
 * packs its arguments and calls booking_write, which waits for the COMMIT
 * and maps a failed group to BOOKING_ERROR. */
static enum booking_result booking_write(struct app *app, writer_fn fn, void *arg,
                                         struct booking *out)
{
	memset(out, 0, sizeof(*out));
	int r = writer_do(app, fn, arg);
	if (r == WRITER_FAILED) {
		booking_free(out);
		return BOOKING_ERROR;
	}
	return (enum booking_result)r;
}
struct create_args {
	const struct booking_request *rq;
	time_t now;
	struct sb *token;
	struct booking *out;
};

static int create_write(struct app *app, void *arg)
{
	struct create_args *a = arg;
	return (int)create_tx(app, a->rq, a->now, a->token, a->out);
}

enum booking_result booking_create(struct app *app, const struct booking_request *rq, time_t now,
                                   struct sb *token, struct booking *out)
{
	struct booking_errors errors;
	if (!booking_validate(rq, &errors)) {
		memset(out, 0, sizeof(*out));
		sb_reset(token);
		return BOOKING_INVALID;
	}
	struct create_args a = {rq, now, token, out};
	enum booking_result r = booking_write(app, create_write, &a, out);
	if (r != BOOKING_OK)
		sb_reset(token);
	return r;
}

static enum booking_result update_status(struct app *app, long long id, const char *status,
                                         bool release)
{
	char now[32];
	now_text(now);
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app),
	               "UPDATE booking SET status = ?2, updated_at = ?3, sequence = sequence + "
	               "(?2 = 'cancelled') WHERE id = ?1");
	if (!st)
		return BOOKING_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return BOOKING_ERROR;
	if (release) {
		st = store_stmt(db_bookings(app),
		                "UPDATE slot_claim SET active = 0 WHERE booking_id = ?1");
		if (!st)
			return BOOKING_ERROR;
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return BOOKING_ERROR;
	}
	return BOOKING_OK;
}

static enum booking_result cancel_tx(struct app *app, const char *token, struct booking *out)
{
	enum booking_result r = booking_find(app, token, out);
	if (r != BOOKING_OK) {
		booking_free(out);
		return r;
	}
	/* a database error leaves out empty, as on every result but
	   BOOKING_OK (booking.h): the booking just read is freed here */
	if (!store_begin_immediate(db_bookings(app))) {
		booking_free(out);
		return BOOKING_ERROR;
	}
	if (update_status(app, out->id, "cancelled", true) != BOOKING_OK ||
	    !queue_mail(app, out->id, out->email, OUTBOX_CANCELLED, out->start, clock_now()) ||
	    !store_commit(db_bookings(app))) {
		store_rollback(db_bookings(app));
		booking_free(out);
		return BOOKING_ERROR;
	}
	free(out->status);
	out->status = strdup("cancelled");
	notify(app, out->location, out->start, true);
	return BOOKING_OK;
}

struct cancel_args {
	const char *token;
	struct booking *out;
};

static int cancel_write(struct app *app, void *arg)
{
	struct cancel_args *a = arg;
	return (int)cancel_tx(app, a->token, a->out);
}

enum booking_result booking_cancel(struct app *app, const char *token, struct booking *out)
{
	struct cancel_args a = {token, out};
	return booking_write(app, cancel_write, &a, out);
}

static bool same_week(const char *a, const char *b)
{
	struct hours_day da, db;
	int m;
	if (!booking_parse_time(a, &da, &m) || !booking_parse_time(b, &db, &m))
		return false;
	/* the Mondays (wday 0 is Sunday) */
	da = hours_add_days(da, -((da.wday + 6) % 7));
	db = hours_add_days(db, -((db.wday + 6) % 7));
	return da.year == db.year && da.mon == db.mon && da.mday == db.mday;
}

/* Inside the move's transaction: a move into another week counts there
 * as a new booking would, for the contact or client the booking holds. */
static enum booking_result move_cap(struct app *app, const struct booking *b, const char *new_start,
                                    time_t now)
{
	if (same_week(b->start, new_start))
		return BOOKING_OK;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT contact_hash, client_hash FROM booking WHERE id = ?1");
	if (!st || sqlite3_bind_int64(st, 1, b->id) != SQLITE_OK)
		return BOOKING_ERROR;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return BOOKING_ERROR;
	}
	unsigned char h[32];
	int which = sqlite3_column_bytes(st, 0) == 32   ? 0
	            : sqlite3_column_bytes(st, 1) == 32 ? 1
	                                                : -1;
	if (which >= 0)
		memcpy(h, sqlite3_column_blob(st, which), 32);
	sqlite3_reset(st);
	if (which == 0) {
		int count = week_count(app, false, h, new_start, "", b->id);
		return count < 0                     ? BOOKING_ERROR
		       : count >= CONTACT_WEEKLY_CAP ? BOOKING_LIMIT
		                                     : BOOKING_OK;
	}
	int cap = client_cap(app, b->origin && strcmp(b->origin, "kiosk") == 0);
	if (which < 0 || cap <= 0)
		return BOOKING_OK;
	char from[BOOKING_TIME_LEN];
	local_now(now, from);
	int count = week_count(app, true, h, new_start, from, b->id);
	return count < 0 ? BOOKING_ERROR : count >= cap ? BOOKING_CLIENT_LIMIT : BOOKING_OK;
}

static enum booking_result move_tx(struct app *app, const char *token, const char *new_location,
                                   const char *new_start, time_t now, struct booking *out)
{
	enum booking_result r = booking_find(app, token, out);
	if (r != BOOKING_OK) {
		booking_free(out);
		return r;
	}
	if (!store_begin_immediate(db_bookings(app))) {
		booking_free(out);
		return BOOKING_ERROR;
	}
	/* release and claim in one transaction: if the new claim fails, the
	   rollback gives the old slot back untouched */
	char end[BOOKING_TIME_LEN], stamp[32];
	now_text(stamp);
	r = move_cap(app, out, new_start, now);
	if (r != BOOKING_OK)
		goto fail_keep;
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app), "UPDATE slot_claim SET active = 0 WHERE booking_id = ?1");
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, out->id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;
	const char *to = new_location && *new_location ? new_location : out->location;
	r = claim(app, out->id, to, out->topic, new_start, now, end);
	if (r != BOOKING_OK)
		goto fail_keep;
	st = store_stmt(db_bookings(app),
	                "UPDATE booking SET start = ?2, end = ?3, updated_at = ?4, sequence = "
	                "sequence + 1, location_id = ?5 WHERE id = ?1");
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, out->id);
	sqlite3_bind_text(st, 2, new_start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, end, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, stamp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, to, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE ||
	    !queue_mail(app, out->id, out->email, OUTBOX_MOVED, new_start, now) ||
	    !store_commit(db_bookings(app)))
		goto fail;
	long long id = out->id;
	char *old_start = out->start, *location = out->location;
	bool other_place = strcmp(to, location) != 0;
	out->start = out->location = NULL;
	notify(app, location, old_start, true);
	if (other_place || strncmp(old_start, new_start, 10) != 0)
		notify(app, to, new_start, true);
	booking_free(out); /* after the last use of to */
	free(old_start);
	free(location);
	return find_by_id(app, id, out) == BOOKING_OK ? BOOKING_OK : BOOKING_ERROR;
fail:
	r = BOOKING_ERROR;
fail_keep:
	store_rollback(db_bookings(app));
	booking_free(out);
	return r;
}

struct move_args {
	const char *token, *new_location, *new_start;
	time_t now;
	struct booking *out;
};

static int move_write(struct app *app, void *arg)
{
	struct move_args *a = arg;
	return (int)move_tx(app, a->token, a->new_location, a->new_start, a->now, a->out);
}

enum booking_result booking_move(struct app *app, const char *token, const char *new_location,
                                 const char *new_start, time_t now, struct booking *out)
{
	struct move_args a = {token, new_location, new_start, now, out};
	return booking_write(app, move_write, &a, out);
}

void booking_free(struct booking *b)
{
	free(b->reference);
	free(b->location);
	free(b->start);
	free(b->end);
	free(b->topic);
	free(b->status);
	free(b->name);
	free(b->phone);
	free(b->email);
	free(b->lang);
	free(b->interpreter_lang);
	free(b->summary);
	free(b->origin);
	free(b->updated_at);
	memset(b, 0, sizeof(*b));
}

static bool set_status_tx(struct app *app, const char *location, long long id, const char *status)
{
	struct booking b;
	memset(&b, 0, sizeof(b));
	/* a cancelled booking is read too (and stays cancelled): freed */
	if (find_by_id(app, id, &b) != BOOKING_OK) {
		booking_free(&b);
		return false;
	}
	bool ok = strcmp(b.location, location) == 0 && store_begin_immediate(db_bookings(app));
	if (ok) {
		ok = update_status(app, id, status, false) == BOOKING_OK;
		/* a no-show counts in the week of the appointment; its undo
		   takes it back */
		bool was = b.status && strcmp(b.status, "no_show") == 0;
		bool is = strcmp(status, "no_show") == 0;
		struct hours_day d;
		int minute;
		char week[9];
		if (ok && was != is && booking_parse_time(b.start, &d, &minute) &&
		    insight_week(mktime(&(struct tm){.tm_year = d.year - 1900,
		                                     .tm_mon = d.mon - 1,
		                                     .tm_mday = d.mday,
		                                     .tm_hour = 12,
		                                     .tm_isdst = -1}),
		                 week))
			(void)insight_add_tx(app, week, INSIGHT_NO_SHOW, b.topic, "", is ? 1 : -1);
		ok = ok && store_commit(db_bookings(app));
		if (!ok)
			store_rollback(db_bookings(app));
		else
			notify(app, b.location, b.start, false); /* only the agenda's rows */
	}
	booking_free(&b);
	return ok;
}

struct status_args {
	const char *location, *status;
	long long id;
};

static int status_write(struct app *app, void *arg)
{
	struct status_args *a = arg;
	return set_status_tx(app, a->location, a->id, a->status) ? 1 : 0;
}

bool booking_set_status(struct app *app, const char *location, long long id, const char *status)
{
	struct status_args a = {location, status, id};
	return writer_do(app, status_write, &a) == 1;
}

static bool block_tx(struct app *app, const char *location, const char *what, bool block)
{
	struct hours_day d;
	int m;
	bool day = strlen(what) == 10;
	char probe[BOOKING_TIME_LEN];
	snprintf(probe, sizeof(probe), "%.10sT00:00", what);
	if (!booking_parse_time(day ? probe : what, &d, &m))
		return false;
	sqlite3_stmt *st =
	    store_stmt(db_bookings(app),
	               block ? "INSERT OR IGNORE INTO slot_block(location_id, what) VALUES (?1, ?2)"
	                     : "DELETE FROM slot_block WHERE location_id = ?1 AND what = ?2");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, what, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		notify(app, location, what, true);
	return rc == SQLITE_DONE;
}

struct block_args {
	const char *location, *what;
	bool block;
};

static int block_write(struct app *app, void *arg)
{
	struct block_args *a = arg;
	return block_tx(app, a->location, a->what, a->block) ? 1 : 0;
}

bool booking_block(struct app *app, const char *location, const char *what, bool block)
{
	struct block_args a = {location, what, block};
	return writer_do(app, block_write, &a) == 1;
}

static int retention_tx(struct app *app, int days, time_t now)
{
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	struct hours_day cut = hours_add_days(today, -days);
	char cutoff[BOOKING_TIME_LEN];
	fmt_time(cutoff, cut, minute);
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app),
	    "UPDATE booking SET name = NULL, phone = NULL, email = NULL, summary = NULL, "
	    "interpreter_lang = NULL, contact_hash = NULL, client_hash = NULL, token_hash = "
	    "NULL, reference = NULL, purged = 1 WHERE purged = 0 AND end < ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	int n = rc == SQLITE_DONE ? sqlite3_changes(store_db(db_bookings(app))) : -1;
	if (n < 0)
		return -1;
	/* the extra links of purged appointments: a failure fails the whole
	   job, which retries on the next run */
	st = store_stmt(db_bookings(app), "DELETE FROM booking_token WHERE booking_id IN (SELECT "
	                                  "id FROM booking WHERE purged = 1)");
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	/* call-back requests have their own retention (callbacks_retention),
	   counted from when they were handled; the messages of purged
	   appointments, and old outcomes */
	return outbox_retention(app, now - (time_t)days * 86400) ? n : -1;
}

struct retention_args {
	int days;
	time_t now;
};

static int retention_write(struct app *app, void *arg)
{
	struct retention_args *a = arg;
	return retention_tx(app, a->days, a->now);
}

int booking_retention(struct app *app, int days, time_t now)
{
	struct retention_args a = {days, now};
	int n = writer_do(app, retention_write, &a);
	return n == WRITER_FAILED ? -1 : n;
}

bool booking_slots_json(struct app *app, const char *location, const char *date, const char *topic,
                        struct sb *out)
{
	struct hours_day d;
	int m;
	char probe[BOOKING_TIME_LEN];
	snprintf(probe, sizeof(probe), "%.10sT00:00", date ? date : "");
	if (!location || !date || strlen(date) != 10 || !booking_parse_time(probe, &d, &m))
		return false;
	struct slot s[BOOKING_MAX_SLOTS];
	size_t n = booking_day_slots(app, location, topic && *topic ? topic : "iets-anders", d,
	                             clock_now(), s, BOOKING_MAX_SLOTS);
	sb_puts(out, "{\"type\":\"slots\",\"location\":");
	json_string(out, location);
	sb_puts(out, ",\"date\":");
	json_string(out, date);
	sb_puts(out, ",\"slots\":[");
	for (size_t i = 0; i < n; i++) {
		sb_puts(out, i ? ",{\"start\":\"" : "{\"start\":\"");
		booking_iso(out, s[i].start);
		sb_puts(out, "\",\"end\":\"");
		booking_iso(out, s[i].end);
		sb_appendf(out, "\",\"free\":%d}", s[i].free);
	}
	return sb_puts(out, "]}");
}

size_t booking_day_starts(struct app *app, const char *location, struct hours_day day,
                          struct slot *out, size_t max)
{
	struct booking_place cfg;
	if (!booking_place_config(app, location, &cfg))
		return 0;
	int periods[8][2];
	size_t np = appointment_periods(app, location, day.wday, periods, 8);
	size_t n = 0;
	for (size_t p = 0; p < np; p++) {
		for (int t = periods[p][0]; t + cfg.slot_minutes <= periods[p][1] && n < max;
		     t += cfg.slot_minutes) {
			fmt_time(out[n].start, day, t);
			fmt_time(out[n].end, day, t + cfg.slot_minutes);
			out[n].free = cfg.desks;
			n++;
		}
	}
	return n;
}

bool booking_when_words(struct sb *out, const char *local)
{
	struct hours_day d;
	int m;
	return booking_parse_time(local, &d, &m) &&
	       i18n_format_datetime(out, d.year, d.mon, d.mday, d.wday, m / 60, m % 60);
}

bool booking_time_words(struct sb *out, const char *local)
{
	struct hours_day d;
	int m;
	return booking_parse_time(local, &d, &m) && i18n_format_time(out, m / 60, m % 60);
}

void booking_writer_changed(struct app *app, const char *location, const char *date,
                            enum writer_change what)
{
	(void)app;
	if (what == WRITER_SLOTS) /* a status change leaves the claims as they were */
		booking_day_changed(location, date);
}

/* ---- the bookings of a day (staff) -------------------------------------- */

void booking_list_free(struct booking_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		booking_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

bool booking_day_list(struct app *app, const char *location, const char *date,
                      struct booking_list *out)
{
	out->items = NULL;
	out->n = 0;
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT " BOOKING_COLUMNS " FROM booking WHERE location_id = ?1 "
	                      "AND substr(start, 1, 10) = ?2 AND status <> 'cancelled' "
	                      "ORDER BY start, id");
	if (!st)
		return false;
	bool ok = sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC) == SQLITE_OK;
	size_t cap = 0;
	int rc = SQLITE_DONE;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct booking *grown = realloc(out->items, ncap * sizeof(*grown));
			if (!grown) {
				ok = false;
				break;
			}
			out->items = grown;
			cap = ncap;
		}
		load_row(st, &out->items[out->n++]);
	}
	sqlite3_reset(st);
	if (!ok || rc != SQLITE_DONE) {
		booking_list_free(out);
		return false;
	}
	return true;
}

/* ---- the one validator -------------------------------------------------- */

/* The next code point of valid UTF-8 (text_utf8_valid said so). */
static unsigned next_code_point(const unsigned char **s)
{
	const unsigned char *p = *s;
	unsigned cp;
	size_t n;
	if (p[0] < 0x80) {
		cp = p[0];
		n = 1;
	} else if (p[0] < 0xE0) {
		cp = p[0] & 0x1Fu;
		n = 2;
	} else if (p[0] < 0xF0) {
		cp = p[0] & 0x0Fu;
		n = 3;
	} else {
		cp = p[0] & 0x07u;
		n = 4;
	}
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (p[i] & 0x3Fu);
	*s = p + n;
	return cp;
}

/* Characters a name may not hold: they are invisible, break the line of
 * the agenda or the CSV, or turn the text around them (a name that shows
 * as something else to staff). */
static bool name_forbidden(unsigned cp)
{
	bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); /* C0, DEL, C1 */
	bool bidi = cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	            (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
	bool separator = cp == 0x2028 || cp == 0x2029; /* line, paragraph */
	return control || bidi || separator;
}

enum booking_field_error booking_check_name(const char *name)
{
	return booking_check_text(name, BOOKING_NAME_MAX);
}

enum booking_field_error booking_check_text(const char *name, size_t max)
{
	if (!name)
		return BOOKING_FIELD_MISSING;
	if (!text_utf8_valid(name, strlen(name)))
		return BOOKING_FIELD_BAD_CHAR;
	size_t chars = 0;
	bool blank = true, forbidden = false;
	for (const unsigned char *p = (const unsigned char *)name; *p;) {
		blank = blank && text_is_space((char)*p);
		unsigned cp = next_code_point(&p);
		forbidden = forbidden || name_forbidden(cp);
		chars++;
	}
	if (blank)
		return BOOKING_FIELD_MISSING;
	if (chars > max)
		return BOOKING_FIELD_TOO_LONG;
	return forbidden ? BOOKING_FIELD_BAD_CHAR : BOOKING_FIELD_OK;
}

enum booking_field_error booking_check_phone(const char *phone)
{
	if (!phone || strlen(phone) > BOOKING_PHONE_MAX)
		return BOOKING_FIELD_MALFORMED;
	int digits = 0;
	for (const char *c = phone; *c; c++) {
		if (*c >= '0' && *c <= '9')
			digits++;
		else if (!strchr(" +-()", *c))
			return BOOKING_FIELD_MALFORMED;
	}
	return digits >= 9 && digits <= 15 ? BOOKING_FIELD_OK : BOOKING_FIELD_MALFORMED;
}

enum booking_field_error booking_check_email(const char *email)
{
	if (!email || strlen(email) > BOOKING_EMAIL_MAX)
		return BOOKING_FIELD_MALFORMED;
	const char *at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@'))
		return BOOKING_FIELD_MALFORMED;
	const char *dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return BOOKING_FIELD_MALFORMED;
	for (const char *c = email; *c; c++)
		if ((unsigned char)*c <= ' ' || strchr("<>\"'(),;:\\[]", *c))
			return BOOKING_FIELD_MALFORMED;
	return BOOKING_FIELD_OK;
}

static const char *const interpreter_langs[] = {"ar", "tr", "pl", "uk", "en", "de", "ti",
                                                "fa", "so", "ru", "es", "fr", "zh"};

const char *booking_interpreter_lang(size_t i)
{
	return i < sizeof(interpreter_langs) / sizeof(interpreter_langs[0]) ? interpreter_langs[i]
	                                                                    : NULL;
}

bool booking_interpreter_known(const char *code)
{
	for (size_t i = 0; code && booking_interpreter_lang(i); i++)
		if (strcmp(booking_interpreter_lang(i), code) == 0)
			return true;
	return false;
}

bool booking_validate(const struct booking_request *rq, struct booking_errors *out)
{
	out->name = booking_check_name(rq->name);
	out->phone = rq->phone && *rq->phone ? booking_check_phone(rq->phone) : BOOKING_FIELD_OK;
	out->email = rq->email && *rq->email ? booking_check_email(rq->email) : BOOKING_FIELD_OK;
	out->interpreter = BOOKING_FIELD_OK;
	if (rq->needs & NEED_INTERPRETER)
		out->interpreter =
		    !rq->interpreter_lang || !*rq->interpreter_lang   ? BOOKING_FIELD_MISSING
		    : booking_interpreter_known(rq->interpreter_lang) ? BOOKING_FIELD_OK
		                                                      : BOOKING_FIELD_UNKNOWN;
	out->lang = !rq->lang             ? BOOKING_FIELD_MISSING
	            : i18n_find(rq->lang) ? BOOKING_FIELD_OK
	                                  : BOOKING_FIELD_UNKNOWN;
	return out->name == BOOKING_FIELD_OK && out->phone == BOOKING_FIELD_OK &&
	       out->email == BOOKING_FIELD_OK && out->interpreter == BOOKING_FIELD_OK &&
	       out->lang == BOOKING_FIELD_OK;
}

enum booking_checkin booking_check_in(struct app *app, const char *code, const char *location,
                                      time_t now, struct booking *out)
{
	memset(out, 0, sizeof(*out));
	if (!code || !location)
		return CHECKIN_UNKNOWN;
	while (*code == ' ' || *code == '\t')
		code++;
	/* a scanned QR code: .../{lang}/afspraak/{token} */
	const char *at = strstr(code, "/afspraak/");
	enum booking_result r;
	if (at) {
		char token[64];
		size_t n = 0;
		for (const char *p = at + 10;
		     *p && !strchr("/?# \t\r\n", *p) && n + 1 < sizeof(token); p++)
			token[n++] = *p;
		token[n] = '\0';
		r = booking_find(app, token, out);
	} else {
		r = booking_find_reference(app, code, out);
	}
	if (r == BOOKING_ERROR)
		return CHECKIN_ERROR;
	if (r == BOOKING_NOT_FOUND || out->purged) {
		booking_free(out);
		return CHECKIN_UNKNOWN;
	}
	if (r == BOOKING_CANCELLED)
		return CHECKIN_CANCELLED;
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	char date[11];
	fmt_date(date, today);
	if (strncmp(out->start, date, 10) != 0)
		return CHECKIN_NOT_TODAY;
	if (strcmp(out->location, location) != 0)
		return CHECKIN_OTHER_PLACE;
	if (strcmp(out->status, "checked_in") == 0)
		return CHECKIN_ALREADY;
	if (!booking_set_status(app, location, out->id, "checked_in")) {
		booking_free(out);
		return CHECKIN_ERROR;
	}
	return CHECKIN_OK;
}

int booking_blocks(struct app *app, const char *location, const char *date,
                   char (*out)[BOOKING_TIME_LEN], size_t max)
{
	sqlite3_stmt *st = store_stmt(
	    db_bookings(app), "SELECT what FROM slot_block WHERE location_id = ?1 AND what >= "
	                      "?2 ORDER BY what LIMIT ?3");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && (size_t)n < max)
		snprintf(out[n++], BOOKING_TIME_LEN, "%s", store_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}
