#include "base/hours.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hours_local(time_t t, struct hours_day *day, int *minute)
{
	struct tm tm;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	day->year = tm.tm_year + 1900;
	day->mon = tm.tm_mon + 1;
	day->mday = tm.tm_mday;
	day->wday = tm.tm_wday;
	*minute = tm.tm_hour * 60 + tm.tm_min;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct hours_day hours_add_days(struct hours_day d, int days)
{
	long z = days_from_civil(d.year, d.mon, d.mday) + days;
	struct hours_day out;
	out.wday = (int)((z % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	out.mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	out.mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	out.year = (int)(y + (out.mon <= 2));
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool hours_is_holiday(const char *const *holidays, size_t n, struct hours_day d)
{
	char key[16];
	snprintf(key, sizeof(key), "%04d-%02d-%02d", d.year % 10000, d.mon % 100, d.mday % 100);
	const char *k = key;
	return n && bsearch(&k, holidays, n, sizeof(*holidays), cmp_str) != NULL;
}

bool hours_parse_hhmm(const char *s, int *minutes)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return false;
	*minutes = h * 60 + m;
	return true;
}

void hours_moment_of(struct hours_day today, int minute, const char *const *holidays,
                     size_t nholidays, struct hours_moment *m)
{
	m->today = today;
	m->minute = minute;
	m->today_closed = hours_is_holiday(holidays, nholidays, today);
	struct hours_day yesterday = hours_add_days(today, -1);
	m->yesterday_wday = yesterday.wday;
	m->yesterday_closed = hours_is_holiday(holidays, nholidays, yesterday);
}

bool hours_open_at(const struct hours_period *p, size_t n, const struct hours_moment *m,
                   int *closes)
{
	bool open = false;
	int until = 0;
	for (size_t i = 0; i < n; i++) {
		bool overnight = p[i].closes <= p[i].opens;
		if (!m->today_closed && p[i].wday == m->today.wday && m->minute >= p[i].opens &&
		    (overnight || m->minute < p[i].closes)) {
			int c = overnight ? p[i].closes + 1440 : p[i].closes;
			if (!open || c > until)
				until = c;
			open = true;
		}
		/* the tail of last night's period */
		if (!m->yesterday_closed && overnight && p[i].wday == m->yesterday_wday &&
		    m->minute < p[i].closes) {
			if (!open || p[i].closes > until)
				until = p[i].closes;
			open = true;
		}
	}
	if (closes)
		*closes = until;
	return open;
}

void hours_status(const struct hours_period *p, size_t n, const char *const *holidays,
                  size_t nholidays, struct hours_day today, int minute, struct hours_status *out)
{
	memset(out, 0, sizeof(*out));
	out->known = n > 0;
	if (!n)
		return;
	struct hours_moment m;
	hours_moment_of(today, minute, holidays, nholidays, &m);
	out->open = hours_open_at(p, n, &m, &out->closes);
	for (int d = 0; d < 15 && !out->next_known; d++) {
		struct hours_day day = hours_add_days(today, d);
		if (hours_is_holiday(holidays, nholidays, day))
			continue;
		int best = -1;
		for (size_t i = 0; i < n; i++) {
			if (p[i].wday != day.wday || (d == 0 && p[i].opens <= minute))
				continue;
			if (best < 0 || p[i].opens < best)
				best = p[i].opens;
		}
		if (best >= 0) {
			out->next_known = true;
			out->next_in_days = d;
			out->next_day = day;
			out->next_opens = best;
		}
	}
}
