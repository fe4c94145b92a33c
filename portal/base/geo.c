#include "base/geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

enum postcode_result geo_parse_postcode(const char *in, char out[8])
{
	char buf[8];
	size_t n = 0;
	out[0] = '\0';
	if (!in)
		return POSTCODE_EMPTY;
	for (const char *p = in; *p; p++) {
		if (text_is_space(*p) || *p == '-')
			continue;
		if (n >= 6)
			return POSTCODE_MALFORMED;
		char c = *p;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (n == 0)
		return POSTCODE_EMPTY;
	if (n != 4 && n != 6)
		return POSTCODE_MALFORMED;
	if (buf[0] < '1' || buf[0] > '9')
		return POSTCODE_MALFORMED;
	for (size_t i = 1; i < 4; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return POSTCODE_MALFORMED;
	if (n == 6) {
		for (size_t i = 4; i < 6; i++)
			if (buf[i] < 'A' || buf[i] > 'Z')
				return POSTCODE_MALFORMED;
		/* PostNL never issues SA, SD and SS */
		if (buf[4] == 'S' && (buf[5] == 'A' || buf[5] == 'D' || buf[5] == 'S'))
			return POSTCODE_MALFORMED;
	}
	memcpy(out, buf, n + 1);
	return n == 4 ? POSTCODE_PC4 : POSTCODE_PC6;
}

#define EARTH_R 6371008.8
#define RAD     (M_PI / 180.0)

double geo_cos_lat(double lat)
{
	return cos(lat * RAD);
}

double geo_haversine(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                     double cos_lat2)
{
	double dlat = (lat2 - lat1) * RAD, dlon = (lon2 - lon1) * RAD;
	return sin(dlat / 2) * sin(dlat / 2) + cos_lat1 * cos_lat2 * sin(dlon / 2) * sin(dlon / 2);
}

double geo_distance_from_haversine(double a)
{
	return 2 * EARTH_R * atan2(sqrt(a), sqrt(1 - a));
}

double geo_haversine_of_m(double metres)
{
	double s = sin(metres / (2 * EARTH_R));
	return s * s;
}

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	return geo_distance_from_haversine(
	    geo_haversine(lat1, lon1, geo_cos_lat(lat1), lat2, lon2, geo_cos_lat(lat2)));
}

bool geo_parse_coordinate(const char *s, double min, double max, double *out)
{
	if (!s || !*s || strlen(s) > 20)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || (*p == '-' && p == s)))
			return false;
	char *end = NULL;
	double v = strtod(s, &end);
	if (!end || *end || !isfinite(v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}
