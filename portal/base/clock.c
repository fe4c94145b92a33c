#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* written once in main before threads exist, read-only afterwards */
static time_t offset;

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool clock_parse_iso(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec = 0, zh = 0, zm = 0, sign = 1;
	if (!s || strlen(s) < 17 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi))
		return false;
	const char *p = s + 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, &sec))
			return false;
		p += 3;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &zh) || p[3] != ':' || !digits(p + 4, 2, &zm))
			return false;
		p += 6;
	} else {
		return false;
	}
	if (*p || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || zh > 14 || zm > 59)
		return false;
	/* no 30 February: a test clock must not slide into the next month */
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] + (mo == 2 && leap))
		return false;
	long long t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec -
	              sign * (zh * 3600LL + zm * 60LL);
	*out = (time_t)t;
	return true;
}

bool clock_init_from_env(char *err, size_t errlen)
{
	const char *v = getenv("WIJKWIJZER_NOW");
	if (!v || !*v)
		return true;
	time_t want;
	if (!clock_parse_iso(v, &want)) {
		snprintf(err, errlen,
		         "WIJKWIJZER_NOW must look like 2026-12-07T09:00:00+01:00, not '%.40s'", v);
		return false;
	}
	offset = want - time(NULL);
	return true;
}

time_t clock_now(void)
{
	return time(NULL) + offset;
}

bool clock_utc_text(time_t t, char out[CLOCK_UTC_LEN])
{
	struct tm tm;
	if (gmtime_r(&t, &tm) && strftime(out, CLOCK_UTC_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return true;
	out[0] = '\0';
	return false;
}
