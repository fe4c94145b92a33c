/* clock: clock_parse_iso (the WIJKWIJZER_NOW format) and the shifted
 * clock_now. The expected instants were computed independently (Python's
 * datetime.fromisoformat(...).timestamp()). */
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "unit.h"

static bool parses_to(const char *s, long long want)
{
	time_t t = (time_t)-12345;
	if (!clock_parse_iso(s, &t)) {
		fprintf(stderr, "  clock_parse_iso refused \"%s\"\n", s);
		return false;
	}
	if ((long long)t != want) {
		fprintf(stderr, "  clock_parse_iso(\"%s\") = %lld, want %lld\n", s, (long long)t,
		        want);
		return false;
	}
	return true;
}

static bool refused(const char *s)
{
	time_t t = (time_t)-12345;
	if (clock_parse_iso(s, &t)) {
		fprintf(stderr, "  clock_parse_iso accepted \"%s\" as %lld\n", s ? s : "(null)",
		        (long long)t);
		return false;
	}
	return true;
}

void test_clock(void)
{
	/* the forms: seconds or not, Z or an offset either side of UTC */
	CHECK(parses_to("1970-01-01T00:00:00Z", 0));
	CHECK(parses_to("1970-01-01T00:00Z", 0));
	CHECK(parses_to("2026-12-07T09:00:00+01:00", 1796630400));
	CHECK(parses_to("2026-12-07T09:00+01:00", 1796630400));
	CHECK(parses_to("2026-12-07T08:00:00Z", 1796630400));
	CHECK(parses_to("2026-12-07T08:00:00+00:00", 1796630400));
	CHECK(parses_to("2026-12-07T08:00:00-00:00", 1796630400));
	CHECK(parses_to("2026-12-07T09:00:00+05:45", 1796613300)); /* Nepal: minutes count */
	CHECK(parses_to("2026-12-07T09:00:00-09:30", 1796668200)); /* Marquesas */
	CHECK(parses_to("2026-12-31T23:59:59-05:00", 1798779599)); /* next year in UTC */
	CHECK(parses_to("2026-12-07T09:00:00+14:00", 1796630400 - 13 * 3600)); /* the widest zone */
	/* leap days and the far end of the year range; past 2038 with 64-bit time_t */
	CHECK(parses_to("2028-02-29T12:00:00Z", 1835438400));
	CHECK(parses_to("2000-02-29T00:00:00Z", 951782400));
	if (sizeof(time_t) >= 8) {
		CHECK(parses_to("2038-01-19T03:14:08Z", 2147483648LL));
		CHECK(parses_to("2099-12-31T23:59:59Z", 4102444799LL));
	}

	/* around the clock switches in Enschede: the offset says which side of
	   the switch a wall-clock time is on. Spring 2026: 02:00 CET -> 03:00
	   CEST on 29 March, so 01:59:59+01:00 and 03:00:00+02:00 are one second
	   apart. Autumn: 02:30 happens twice on 25 October, one hour apart. */
	CHECK(parses_to("2026-03-29T01:59:59+01:00", 1774745999));
	CHECK(parses_to("2026-03-29T03:00:00+02:00", 1774746000));
	CHECK(parses_to("2026-03-29T01:00:00Z", 1774746000));
	CHECK(parses_to("2026-10-25T02:30:00+02:00", 1792888200));
	CHECK(parses_to("2026-10-25T02:30:00+01:00", 1792891800));
	CHECK(parses_to("2027-03-28T01:00:00Z", 1806195600)); /* the 2027 switch */
	time_t a, b;
	CHECK(clock_parse_iso("2026-10-25T01:59:59+02:00", &a) &&
	      clock_parse_iso("2026-10-25T02:00:00+01:00", &b) && b - a == 3601);

	/* bad input: never accepted */
	const char *bad[] = {
	    "",
	    "2026-12-07",
	    "2026-12-07T09:00:00",       /* no zone: local time is ambiguous */
	    "2026-12-07T09:00",          /* no zone */
	    "2026-12-07 09:00:00Z",      /* space instead of T */
	    "2026-12-07T09:00:00+0100",  /* offset without colon */
	    "2026-12-07T09:00:00+01",    /* offset without minutes */
	    "2026-12-07T09:00:00+01:0",  /* short offset */
	    "2026-12-07T09:00:00+15:00", /* no zone is that far */
	    "2026-12-07T09:00:00+01:60",
	    "2026-12-07T09:00:00Zjunk",
	    "2026-12-07T09:00:00+01:00 ",
	    " 2026-12-07T09:00:00Z",
	    "2026-12-07T09:00:00.5Z", /* fractions are not in the format */
	    "2026-12-07T9:00:00Z",
	    "2026-12-7T09:00:00Z",
	    "26-12-07T09:00:00Z",
	    "+2026-12-07T09:00:00Z",
	    "2026/12/07T09:00:00Z",
	    "2026-12-07T09.00.00Z",
	    "2026-00-07T09:00:00Z",
	    "2026-13-07T09:00:00Z",
	    "2026-12-00T09:00:00Z",
	    "2026-12-32T09:00:00Z",
	    "2026-12-07T24:00:00Z",
	    "2026-12-07T09:60:00Z",
	    "2026-12-07T09:00:61Z",
	    "2026-12-07T09:00:0xZ",
	    "2026-12-07T09:00:00+-1:00",
	    "1969-12-31T23:59:59Z",            /* before the epoch */
	    "2026-12-07T09:00:00\xef\xbc\xba", /* a full-width Z */
	    /* days that do not exist in their month */
	    "2026-02-29T12:00:00Z", /* 2026 is no leap year */
	    "2100-02-29T12:00:00Z", /* nor is 2100 */
	    "2026-02-30T12:00:00Z",
	    "2026-04-31T12:00:00Z",
	    "2026-06-31T12:00:00Z",
	    "2026-09-31T12:00:00Z",
	    "2026-11-31T12:00:00Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(refused(bad[i]));
	CHECK(refused(NULL));

	/* clock_now runs on from WIJKWIJZER_NOW in real time */
	char err[200] = "";
	setenv("WIJKWIJZER_NOW", "2026-12-07T09:00:00+01:00", 1);
	CHECK(clock_init_from_env(err, sizeof(err)));
	time_t now = clock_now();
	CHECK(now >= 1796630400 && now <= 1796630400 + 2);
	/* a bad value is refused with a one-line reason and leaves the clock */
	setenv("WIJKWIJZER_NOW", "volgende week", 1);
	CHECK(!clock_init_from_env(err, sizeof(err)));
	CHECK(strstr(err, "WIJKWIJZER_NOW") && strstr(err, "volgende week") && !strchr(err, '\n'));
	CHECK(clock_now() >= 1796630400 && clock_now() <= 1796630400 + 2);
	/* back to the real clock for whatever runs after */
	char real[32];
	time_t t = time(NULL);
	struct tm tm;
	CHECK(gmtime_r(&t, &tm) && strftime(real, sizeof(real), "%Y-%m-%dT%H:%M:%SZ", &tm));
	setenv("WIJKWIJZER_NOW", real, 1);
	CHECK(clock_init_from_env(err, sizeof(err)));
	CHECK(llabs((long long)(clock_now() - time(NULL))) <= 1);
	unsetenv("WIJKWIJZER_NOW");
	CHECK(clock_init_from_env(err, sizeof(err))); /* unset: nothing to do */
}
