/* callbacks: the deadline of a call-back request, two working days after
 * the day it was asked (Monday to Friday, not a holiday or closed day),
 * by 17.00, with fixed dates. */
#include <string.h>
#include <time.h>

#include "domain/callbacks.h"
#include "unit.h"

static struct hours_day day_of(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t t = timegm(&tm);
	struct tm out;
	gmtime_r(&t, &out);
	return (struct hours_day){y, m, d, out.tm_wday};
}

/* the closed days of a test: a list of "YYYY-MM-DD" */
struct closed_list {
	const char *const *days;
};

static bool listed(void *ctx, struct hours_day d)
{
	const struct closed_list *l = ctx;
	char date[11];
	snprintf(date, sizeof(date), "%04d-%02d-%02d", d.year, d.mon, d.mday);
	for (const char *const *p = l->days; p && *p; p++)
		if (strcmp(*p, date) == 0)
			return true;
	return false;
}

static bool everything_closed(void *ctx, struct hours_day d)
{
	(void)ctx;
	(void)d;
	return true;
}

static bool deadline_is(struct hours_day asked, const char *const *closed, const char *want)
{
	char out[BOOKING_TIME_LEN];
	struct closed_list l = {closed};
	if (!callbacks_deadline(asked, listed, &l, out) || strcmp(out, want) != 0) {
		fprintf(stderr, "  deadline of %04d-%02d-%02d: %s, want %s\n", asked.year,
		        asked.mon, asked.mday, out, want);
		return false;
	}
	return true;
}

void test_callbacks_deadline(void)
{
	static const char *const none[] = {NULL};
	/* Monday: Tuesday and Wednesday; by 17.00 */
	CHECK(deadline_is(day_of(2026, 12, 7), none, "2026-12-09T17:00"));
	/* Thursday: Friday and Monday */
	CHECK(deadline_is(day_of(2026, 12, 10), none, "2026-12-14T17:00"));
	/* Friday, Saturday and Sunday: Monday and Tuesday */
	CHECK(deadline_is(day_of(2026, 12, 11), none, "2026-12-15T17:00"));
	CHECK(deadline_is(day_of(2026, 12, 12), none, "2026-12-15T17:00"));
	CHECK(deadline_is(day_of(2026, 12, 13), none, "2026-12-15T17:00"));
	/* a closed day (Thursday 10 December, all wijkwijzers) is skipped */
	static const char *const teamday[] = {"2026-12-10", NULL};
	CHECK(deadline_is(day_of(2026, 12, 9), teamday, "2026-12-14T17:00"));
	CHECK(deadline_is(day_of(2026, 12, 8), teamday, "2026-12-11T17:00"));
	/* before Christmas: Friday 25 December is a holiday (26th a Saturday) */
	static const char *const xmas[] = {"2026-12-25", "2026-12-26", "2027-01-01", NULL};
	CHECK(deadline_is(day_of(2026, 12, 23), xmas, "2026-12-28T17:00"));
	CHECK(deadline_is(day_of(2026, 12, 24), xmas, "2026-12-29T17:00"));
	CHECK(deadline_is(day_of(2026, 12, 25), xmas, "2026-12-29T17:00"));
	/* over New Year (Friday 1 January 2027 a holiday) */
	CHECK(deadline_is(day_of(2026, 12, 31), xmas, "2027-01-05T17:00"));
	/* without a closed-day function only weekends count */
	char out[BOOKING_TIME_LEN];
	CHECK(callbacks_deadline(day_of(2026, 12, 11), NULL, NULL, out) &&
	      strcmp(out, "2026-12-15T17:00") == 0);
	/* content that closes every day: no promise, not a wrong one */
	CHECK(!callbacks_deadline(day_of(2026, 12, 7), everything_closed, NULL, out) && !out[0]);
	/* the note: 300 characters at most, no control characters */
	char note[302];
	memset(note, 'a', 300);
	note[300] = '\0';
	CHECK(callbacks_check_note(note) == BOOKING_FIELD_OK);
	note[300] = 'a';
	note[301] = '\0';
	CHECK(callbacks_check_note(note) == BOOKING_FIELD_TOO_LONG);
	CHECK(callbacks_check_note("bel na \xe2\x80\xae 12 uur") == BOOKING_FIELD_BAD_CHAR);
	CHECK(callbacks_check_note("") == BOOKING_FIELD_OK &&
	      callbacks_check_note(NULL) == BOOKING_FIELD_OK);
	CHECK(callbacks_daypart_known("ochtend") && callbacks_daypart_known("") &&
	      !callbacks_daypart_known("nacht"));
}
