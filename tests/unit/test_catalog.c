/* csv, postcodes, distance, opening hours, search query building */
#include <math.h>
#include <stdlib.h>

#include "domain/booking.h"
#include "store/catalog.h"
#include "store/content_import.h"
#include "base/csv.h"
#include "base/geo.h"
#include "base/hours.h"
#include "store/postcodes.h"
#include "base/text.h"
#include "unit.h"

void test_csv(void)
{
	const char *data =
	    "a,b,c\n1,\"two, with comma\",\"say \"\"hi\"\"\"\n\"multi\nline\",,x\r\n";
	struct csv_reader r;
	struct csv_row row;
	char err[256];
	csv_init(&r, data, strlen(data));
	CHECK(csv_next(&r, &row, err, sizeof(err)) == 1 && row.n == 3 && row.line == 1);
	csv_row_free(&row);
	CHECK(csv_next(&r, &row, err, sizeof(err)) == 1 && row.n == 3);
	CHECK_STR(row.fields[1], "two, with comma");
	CHECK_STR(row.fields[2], "say \"hi\"");
	csv_row_free(&row);
	CHECK(csv_next(&r, &row, err, sizeof(err)) == 1 && row.line == 3);
	CHECK_STR(row.fields[0], "multi\nline");
	CHECK_STR(row.fields[1], "");
	CHECK_STR(row.fields[2], "x");
	csv_row_free(&row);
	CHECK(csv_next(&r, &row, err, sizeof(err)) == 0);

	const char *bad[] = {"a,\"open\n", "a,b\"c\n", "\"x\"y\n",
	                     ("\xEF\xBB\xBF"
	                      "a\n"),
	                     "a,\xc3\x28\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		csv_init(&r, bad[i], strlen(bad[i]));
		CHECK(csv_next(&r, &row, err, sizeof(err)) == -1);
	}
	/* the importer's field checks */
	const char *svc_head =
	    "id,organization_id,name,description,application_process,fees_description,"
	    "eligibility_description,url,status,minimum_age,maximum_age\n";
	char buf[1024];
	snprintf(buf, sizeof(buf),
	         "%s0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,Naam,"
	         "Tekst,,,,https://x.voorbeeld.nl,"
	         "active,,\n",
	         svc_head);
	CHECK(content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	snprintf(buf, sizeof(buf),
	         "%sBad Id,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,Naam,Tekst,,,,,active,,\n",
	         svc_head);
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "services.csv:2: field id") != NULL);
	snprintf(buf, sizeof(buf),
	         "%s0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,Naam,"
	         "Tekst,,,,javascript:alert(1),"
	         "active,,\n",
	         svc_head);
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "field url") != NULL);
	snprintf(buf, sizeof(buf),
	         "%s0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,,"
	         "Tekst,,,,,active,,\n",
	         svc_head);
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "field name: is required") != NULL);
	snprintf(buf, sizeof(buf),
	         "%s0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,Naam,"
	         "Tekst,,,,,busy,,\n",
	         svc_head);
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "field status: must be one of") != NULL);
	snprintf(buf, sizeof(buf), "id,name\nx,y\n");
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "services.csv:1: the header has no column organization_id") != NULL);
	/* HSDS 3.0 tabular: ids are uuids ... */
	snprintf(buf, sizeof(buf),
	         "%sok-1,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,Naam,Tekst,,,,,active,,\n", svc_head);
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "services.csv:2: field id: must be a uuid") != NULL);
	snprintf(buf, sizeof(buf),
	         "%s0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70X,"
	         "Naam,Tekst,,,,,active,,\n",
	         svc_head);
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "services.csv:2: field organization_id: must be a uuid") != NULL);
	/* ... a standard column we do not use is accepted and ignored, in any
	   order; a column that is in no HSDS table is refused */
	snprintf(buf, sizeof(buf),
	         "alternate_name,name,id,organization_id,description,status,email\n"
	         "Andere "
	         "naam,Naam,0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-"
	         "2b3c4d5e6f70,Tekst,active,a@b.nl\n");
	CHECK(content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	snprintf(buf, sizeof(buf),
	         "id,organization_id,name,description,status,alternativ_name\n"
	         "0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,Naam,"
	         "Tekst,active,x\n");
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "services.csv:1: column 'alternativ_name' is neither ours nor an HSDS "
	                  "3.0 column") != NULL);
	snprintf(buf, sizeof(buf),
	         "id,id,organization_id,name,status\n0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,0b6f8f3e-"
	         "2c1a-5d4e-9f00-1a2b3c4d5e6f,1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,N,active\n");
	CHECK(!content_check_csv("services.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "column 'id' appears twice") != NULL);
	/* the Dutch profile's own files keep their exact header */
	snprintf(buf, sizeof(buf), "date,name,alternate_name\n2026-01-01,Nieuwjaarsdag,x\n");
	CHECK(!content_check_csv("x_holidays.csv", buf, strlen(buf), err, sizeof(err)));
	CHECK(strstr(err, "x_holidays.csv:1: the header must be exactly") != NULL);
	const char *sched = "id,service_id,location_id,freq,byday,opens_at,closes_at,valid_from,"
	                    "valid_to,description,attending_type\n"
	                    "2d8b0a5f-4e3c-5f60-9b22-3c4d5e6f7081,0b6f8f3e-2c1a-5d4e-9f00-"
	                    "1a2b3c4d5e6f,,WEEKLY,MO,25:00,17:00,,,,\n";
	CHECK(!content_check_csv("schedules.csv", sched, strlen(sched), err, sizeof(err)));
	CHECK(strstr(err, "schedules.csv:2: field opens_at") != NULL);
	/* what the times are for: the service, the phone or the office */
	sched = "id,service_id,location_id,freq,byday,opens_at,closes_at,valid_from,"
	        "valid_to,description,attending_type\n"
	        "2d8b0a5f-4e3c-5f60-9b22-3c4d5e6f7081,0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,,WEEKLY,"
	        "MO,09:00,17:00,,,Bellen,telefoon\n"
	        "1c7a9f4e-3d2b-5e5f-8a11-2b3c4d5e6f70,0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,,WEEKLY,"
	        "TU,09:00,17:00,,,,kantoor\n";
	CHECK(content_check_csv("schedules.csv", sched, strlen(sched), err, sizeof(err)));
	sched = "id,service_id,location_id,freq,byday,opens_at,closes_at,valid_from,"
	        "valid_to,description,attending_type\n"
	        "2d8b0a5f-4e3c-5f60-9b22-3c4d5e6f7081,0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f,,WEEKLY,"
	        "MO,09:00,17:00,,,,balie\n";
	CHECK(!content_check_csv("schedules.csv", sched, strlen(sched), err, sizeof(err)));
	CHECK(strstr(err, "field attending_type: must be one of") != NULL);
}

void test_postcode(void)
{
	struct {
		const char *in;
		enum postcode_result want;
		const char *norm;
	} cases[] = {
	    {"7511AB", POSTCODE_PC6, "7511AB"},
	    {"7511 ab", POSTCODE_PC6, "7511AB"},
	    {" 7511  AB ", POSTCODE_PC6, "7511AB"},
	    {"7511", POSTCODE_PC4, "7511"},
	    {"7511-ab", POSTCODE_PC6, "7511AB"},
	    {"", POSTCODE_EMPTY, ""},
	    {"   ", POSTCODE_EMPTY, ""},
	    {"0511AB", POSTCODE_MALFORMED, ""},
	    {"751", POSTCODE_MALFORMED, ""},
	    {"75111", POSTCODE_MALFORMED, ""},
	    {"7511A", POSTCODE_MALFORMED, ""},
	    {"7511SS", POSTCODE_MALFORMED, ""},
	    {"abcd", POSTCODE_MALFORMED, ""},
	    {"7511AB7511AB", POSTCODE_MALFORMED, ""},
	    {"7511ÄB", POSTCODE_MALFORMED, ""},
	    {"7511'--", POSTCODE_MALFORMED, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[8];
		enum postcode_result r = geo_parse_postcode(cases[i].in, out);
		CHECK(r == cases[i].want);
		if (r == cases[i].want && (r == POSTCODE_PC4 || r == POSTCODE_PC6))
			CHECK_STR(out, cases[i].norm);
	}
	char out[8];
	CHECK(geo_parse_postcode(NULL, out) == POSTCODE_EMPTY);
	/* Enschede station to the Rijksmuseum Twenthe: about 1.3 km */
	double d = geo_distance_m(52.2225, 6.8895, 52.2300, 6.9025);
	CHECK(d > 1100 && d < 1400);
	CHECK(geo_distance_m(52.2, 6.9, 52.2, 6.9) < 0.001);
	double v;
	CHECK(geo_parse_coordinate("52.21912", 50.7, 53.7, &v) && v > 52.2);
	CHECK(!geo_parse_coordinate("52,2", 50.7, 53.7, &v));
	CHECK(!geo_parse_coordinate("1e3", 50.7, 53.7, &v));
	CHECK(!geo_parse_coordinate("48.85", 50.7, 53.7, &v));
	CHECK(!geo_parse_coordinate("nan", 50.7, 53.7, &v));
}

static struct hours_day day(int y, int m, int d, int wd)
{
	struct hours_day x = {y, m, d, wd};
	return x;
}

void test_hours(void)
{
	/* Monday-Friday 9.00-17.00, Saturday 10.00-12.00, Friday evening 22.00-02.00 */
	const struct hours_period p[] = {
	    {1, 540, 1020}, {2, 540, 1020}, {3, 540, 1020}, {4, 540, 1020},
	    {5, 540, 1020}, {6, 600, 720},  {5, 1320, 120},
	};
	const size_t n = sizeof(p) / sizeof(p[0]);
	const char *hol[] = {"2026-12-25", "2026-12-26", "2027-01-01"};
	struct hours_status s;

	/* Tuesday 1 December 2026, 10.00: open until 17.00 */
	hours_status(p, n, hol, 3, day(2026, 12, 1, 2), 600, &s);
	CHECK(s.known && s.open && s.closes == 1020);
	/* 17.00 exactly: closed, opens tomorrow 9.00 */
	hours_status(p, n, hol, 3, day(2026, 12, 1, 2), 1020, &s);
	CHECK(!s.open && s.next_known && s.next_in_days == 1 && s.next_opens == 540);
	/* Tuesday 8.59: opens today */
	hours_status(p, n, hol, 3, day(2026, 12, 1, 2), 539, &s);
	CHECK(!s.open && s.next_in_days == 0 && s.next_opens == 540);
	/* Friday 23.30: the evening period runs past midnight */
	hours_status(p, n, hol, 3, day(2026, 12, 4, 5), 1410, &s);
	CHECK(s.open && s.closes == 120 + 1440);
	/* Saturday 1.30: still the tail of Friday night */
	hours_status(p, n, hol, 3, day(2026, 12, 5, 6), 90, &s);
	CHECK(s.open && s.closes == 120);
	/* Saturday 2.00: closed, opens 10.00 today */
	hours_status(p, n, hol, 3, day(2026, 12, 5, 6), 120, &s);
	CHECK(!s.open && s.next_in_days == 0 && s.next_opens == 600);
	/* Christmas (Friday 25 December 2026) is a holiday: closed all day,
	   and the next opening skips the 26th (holiday, Saturday) to Monday */
	hours_status(p, n, hol, 3, day(2026, 12, 25, 5), 600, &s);
	CHECK(!s.open && s.next_known && s.next_in_days == 3);
	CHECK(s.next_day.mday == 28 && s.next_day.wday == 1);
	/* the night after a holiday has no tail either */
	hours_status(p, n, hol, 3, day(2026, 12, 26, 6), 60, &s);
	CHECK(!s.open);
	/* Sunday: closed, opens Monday */
	hours_status(p, n, hol, 3, day(2026, 11, 22, 0), 720, &s);
	CHECK(!s.open && s.next_in_days == 1 && s.next_day.wday == 1);
	/* no periods: unknown */
	hours_status(p, 0, hol, 3, day(2026, 11, 22, 0), 720, &s);
	CHECK(!s.known && !s.open && !s.next_known);

	/* calendar arithmetic over month, year and leap day */
	struct hours_day d = hours_add_days(day(2026, 12, 31, 4), 1);
	CHECK(d.year == 2027 && d.mon == 1 && d.mday == 1 && d.wday == 5);
	d = hours_add_days(day(2028, 2, 28, 1), 1);
	CHECK(d.mon == 2 && d.mday == 29 && d.wday == 2);
	d = hours_add_days(day(2026, 3, 1, 0), -1);
	CHECK(d.mon == 2 && d.mday == 28 && d.wday == 6);

	/* the daylight-saving switches in Europe/Amsterdam keep wall-clock time:
	   Sunday 29 March 2026 02:00 -> 03:00, Sunday 25 October 2026 03:00 -> 02:00 */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	struct hours_day ld;
	int minute;
	hours_local(1774746000, &ld, &minute); /* 2026-03-29 01:00 UTC = 03:00 CEST */
	CHECK(ld.year == 2026 && ld.mon == 3 && ld.mday == 29 && ld.wday == 0 && minute == 180);
	hours_local(1774742400, &ld, &minute); /* 2026-03-29 00:00 UTC = 01:00 CET */
	CHECK(minute == 60);
	hours_local(1792890000, &ld, &minute); /* 2026-10-25 01:00 UTC = 02:00 CET */
	CHECK(ld.mday == 25 && minute == 120);
	hours_local(1792886400, &ld, &minute); /* 2026-10-25 00:00 UTC = 02:00 CEST */
	CHECK(minute == 120);
	/* a Sunday period 01:00-04:00 is open at 03:00 on the spring-forward day */
	const struct hours_period night[] = {{0, 60, 240}};
	hours_status(night, 1, hol, 0, day(2026, 3, 29, 0), 180, &s);
	CHECK(s.open);

	int m;
	CHECK(hours_parse_hhmm("09:30", &m) && m == 570);
	CHECK(hours_parse_hhmm("24:00", &m) && m == 1440);
	CHECK(!hours_parse_hhmm("24:30", &m));
	CHECK(!hours_parse_hhmm("9:30", &m));
	CHECK(!hours_parse_hhmm("09:60", &m));
}

void test_fts_query(void)
{
	struct sb q;
	sb_init(&q, 1024);
	CHECK(catalog_fts_query("cliëntondersteuning", &q));
	CHECK_STR(sb_str(&q), "\"cliëntondersteuning\"*");
	sb_reset(&q);
	CHECK(catalog_fts_query("  warme   maaltijd! ", &q));
	CHECK_STR(sb_str(&q), "\"warme\"* \"maaltijd\"*");
	sb_reset(&q);
	CHECK(catalog_fts_query("\" OR * NEAR( -x", &q));
	CHECK_STR(sb_str(&q), "\"OR\"* \"NEAR\"* \"x\"*");
	sb_reset(&q);
	CHECK(!catalog_fts_query("!!! ---", &q));
	sb_reset(&q);
	CHECK(!catalog_fts_query(NULL, &q));
	sb_free(&q);
}

void test_booking_time(void)
{
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	struct hours_day d;
	int m;
	CHECK(booking_parse_time("2026-12-01T09:30", &d, &m) && d.wday == 2 && m == 570);
	CHECK(!booking_parse_time("2026-02-29T09:30", &d, &m)); /* not a leap year */
	CHECK(booking_parse_time("2028-02-29T09:30", &d, &m));
	CHECK(!booking_parse_time("2026-12-01 09:30", &d, &m));
	CHECK(!booking_parse_time("2026-12-01T24:00", &d, &m));
	CHECK(!booking_parse_time("2026-13-01T09:30", &d, &m));
	CHECK(!booking_parse_time("2026-12-1T09:30x", &d, &m));
	CHECK(!booking_parse_time(NULL, &d, &m));
	struct sb s;
	sb_init(&s, 64);
	/* winter time, then summer time after the switch of 28 March 2027 */
	CHECK(booking_iso(&s, "2027-03-26T09:00"));
	CHECK_STR(sb_str(&s), "2027-03-26T09:00:00+01:00");
	sb_reset(&s);
	CHECK(booking_iso(&s, "2027-03-29T09:00"));
	CHECK_STR(sb_str(&s), "2027-03-29T09:00:00+02:00");
	sb_reset(&s);
	CHECK(booking_iso(&s, "2026-10-26T09:00"));
	CHECK_STR(sb_str(&s), "2026-10-26T09:00:00+01:00");
	sb_free(&s);
	/* a 9.00 appointment is 9.00 on the wall on both sides of the switch */
	time_t before = booking_instant("2027-03-26T09:00"),
	       after = booking_instant("2027-03-29T09:00");
	CHECK(after - before == 3 * 86400 - 3600);
	char ref[16];
	booking_reference_display("K7D3PX", ref);
	CHECK_STR(ref, "K7D-3PX");
}

void test_fts_utf8_cut(void)
{
	/* 63 letters and a three-byte character straddling byte 64 */
	char in[80];
	memset(in, 'P', 63);
	memcpy(in + 63, "\xEA\xB6\xB1", 4);
	struct sb q;
	sb_init(&q, 1024);
	CHECK(catalog_fts_query(in, &q));
	CHECK(text_utf8_valid(q.data, q.len));
	CHECK(q.len == 1 + 63 + 2); /* "PPP...P"*: the partial character is dropped */
	sb_free(&q);
}

void test_rd_to_wgs84(void)
{
	double lat, lon;
	postcodes_rd_to_wgs84(155000, 463000, &lat, &lon); /* Amersfoort, the origin */
	CHECK(fabs(lat - 52.15517) < 0.00001 && fabs(lon - 5.38721) < 0.00001);
	postcodes_rd_to_wgs84(136800, 455850, &lat,
	                      &lon); /* Domtoren, Utrecht (52.0906 N, 5.1214 E) */
	CHECK(fabs(lat - 52.0906) < 0.001 && fabs(lon - 5.1214) < 0.001);
}

void test_booking_validate(void)
{
	/* names: any script, joiners and apostrophes; no controls or bidi */
	CHECK(booking_check_name("Zoë O'Brien") == BOOKING_FIELD_OK);
	CHECK(booking_check_name("مريم") == BOOKING_FIELD_OK);
	CHECK(booking_check_name("मेघा\u200d") == BOOKING_FIELD_OK); /* ZWJ */
	CHECK(booking_check_name(NULL) == BOOKING_FIELD_MISSING);
	CHECK(booking_check_name("") == BOOKING_FIELD_MISSING);
	CHECK(booking_check_name(" \t ") == BOOKING_FIELD_MISSING);
	CHECK(booking_check_name("Jan\tJansen") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("Anna\x7f") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("An\xc2\x85"
	                         "na") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("Anna\u202eexe.gnp") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("\u2066Anna\u2069") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("Anna\u200e") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("Anna\u061c") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("An\u2028na") == BOOKING_FIELD_BAD_CHAR);
	CHECK(booking_check_name("Anna\xc3") == BOOKING_FIELD_BAD_CHAR); /* cut UTF-8 */
	char name[2 * 101 + 1];
	for (size_t i = 0; i < 101; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2); /* é: 2 bytes, 1 character */
	name[2 * 101] = '\0';
	CHECK(booking_check_name(name) == BOOKING_FIELD_TOO_LONG);
	name[2 * 100] = '\0';
	CHECK(booking_check_name(name) == BOOKING_FIELD_OK);
	/* phone numbers */
	CHECK(booking_check_phone("06 12345678") == BOOKING_FIELD_OK);
	CHECK(booking_check_phone("+31 (0)6-1234 5678") == BOOKING_FIELD_OK);
	CHECK(booking_check_phone("06 1234567") == BOOKING_FIELD_OK); /* 9 digits */
	CHECK(booking_check_phone("06 123456") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_phone("0612345678901234") == BOOKING_FIELD_MALFORMED); /* 16 digits */
	CHECK(booking_check_phone("06 12 34 56 78 90 12") == BOOKING_FIELD_OK); /* 20 characters */
	CHECK(booking_check_phone("06 12 34 56 78 90 123") ==
	      BOOKING_FIELD_MALFORMED); /* 21 characters */
	CHECK(booking_check_phone("06 1234abcd") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_phone("") == BOOKING_FIELD_MALFORMED);
	/* e-mail addresses: the form's rule */
	CHECK(booking_check_email("anna@voorbeeld.nl") == BOOKING_FIELD_OK);
	CHECK(booking_check_email("anna@voorbeeld") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_email("anna@.nl") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_email("anna@voorbeeld.") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_email("@voorbeeld.nl") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_email("a@b@voorbeeld.nl") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_email("anna piet@voorbeeld.nl") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_email("anna,piet@voorbeeld.nl") == BOOKING_FIELD_MALFORMED);
	CHECK(booking_check_email("<anna@voorbeeld.nl>") == BOOKING_FIELD_MALFORMED);
	/* the whole request: optional fields, the interpreter, the language */
	struct booking_request rq = {.name = "Anna", .lang = "nl"};
	struct booking_errors e;
	CHECK(booking_validate(&rq, &e) && e.name == BOOKING_FIELD_OK &&
	      e.phone == BOOKING_FIELD_OK && e.email == BOOKING_FIELD_OK);
	rq.phone = "";
	rq.email = "";
	rq.interpreter_lang = "xx"; /* ignored without the need */
	CHECK(booking_validate(&rq, &e));
	rq.needs = NEED_INTERPRETER;
	CHECK(!booking_validate(&rq, &e) && e.interpreter == BOOKING_FIELD_UNKNOWN);
	rq.interpreter_lang = "";
	CHECK(!booking_validate(&rq, &e) && e.interpreter == BOOKING_FIELD_MISSING);
	rq.interpreter_lang = "ti";
	CHECK(booking_validate(&rq, &e) && booking_interpreter_known("ar") &&
	      !booking_interpreter_known("nl"));
	rq.lang = "xx";
	CHECK(!booking_validate(&rq, &e) && e.lang == BOOKING_FIELD_UNKNOWN &&
	      e.name == BOOKING_FIELD_OK);
	rq.lang = NULL;
	rq.name = "Anna\x7f";
	rq.email = "anna@voorbeeld";
	CHECK(!booking_validate(&rq, &e) && e.lang == BOOKING_FIELD_MISSING &&
	      e.name == BOOKING_FIELD_BAD_CHAR && e.email == BOOKING_FIELD_MALFORMED &&
	      e.phone == BOOKING_FIELD_OK);
}
