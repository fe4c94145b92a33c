/* hours: opening hours in wall-clock time (Europe/Amsterdam).
 *
 * A schedule is a list of weekly periods (weekday, opens, closes in
 * minutes after midnight); a period whose closing time is not after its
 * opening time runs past midnight. Public holidays close everything.
 * Working in local dates and minutes, not in UTC instants, keeps the
 * daylight-saving switch out of the logic: "open 9.00-17.00" means the
 * clock on the wall, whatever the offset that day. */
#ifndef WW_HOURS_H
#define WW_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct hours_period {
	int wday;  /* 0 = Sunday */
	int opens; /* minutes after midnight */
	int closes;
};

/* A local calendar day. */
struct hours_day {
	int year, mon, mday, wday; /* mon 1-12 */
};

/* What a schedule's times are for (schedules.csv attending_type). */
enum hours_kind {
	HOURS_KIND_SERVICE, /* the service itself: opening hours */
	HOURS_KIND_PHONE,   /* when you can call */
	HOURS_KIND_OFFICE,  /* office hours: to sign up, ask or visit */
};

struct hours_status {
	int kind;   /* enum hours_kind: hours_status() says SERVICE, the caller knows */
	bool known; /* there are periods at all */
	bool open;  /* open right now */
	int closes; /* when open: closing minute (may be past 1440) */
	bool next_known;
	int next_in_days; /* 0 today, 1 tomorrow, ... */
	struct hours_day next_day;
	int next_opens;
};

/* One instant, prepared for testing many schedules against it: the local
 * day and minute, and whether today and yesterday are public holidays. */
struct hours_moment {
	struct hours_day today;
	int minute;
	int yesterday_wday;
	bool today_closed, yesterday_closed;
};

void hours_moment_of(struct hours_day today, int minute, const char *const *holidays,
                     size_t nholidays, struct hours_moment *m);

/* Open at the moment? When open, *closes gets the closing minute (past
 * 1440 for a period that runs past midnight); closes may be NULL. Costs a
 * pass over the periods and nothing else, for filtering many rows. */
bool hours_open_at(const struct hours_period *p, size_t n, const struct hours_moment *m,
                   int *closes);

/* holidays: sorted "YYYY-MM-DD" strings. now: local day and minute. */
void hours_status(const struct hours_period *p, size_t n, const char *const *holidays,
                  size_t nholidays, struct hours_day today, int minute, struct hours_status *out);

/* The local day and minute of t in the process time zone. */
void hours_local(time_t t, struct hours_day *day, int *minute);
/* day + offset days, with a correct weekday. */
struct hours_day hours_add_days(struct hours_day d, int days);
bool hours_is_holiday(const char *const *holidays, size_t n, struct hours_day d);
/* Parses "HH:MM" (00:00-24:00) into minutes. */
bool hours_parse_hhmm(const char *s, int *minutes);

#endif
