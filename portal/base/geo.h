/* geo: postcodes and distances.
 *
 * Residents type postcodes in many ways ("7511 ab", "7511AB", "7511");
 * geo_parse_postcode normalises them to "7511" or "7511AB". Distances are
 * great-circle distances in metres, exact enough for "1,2 km". */
#ifndef WW_GEO_H
#define WW_GEO_H

#include <stdbool.h>

enum postcode_result {
	POSTCODE_PC4,       /* four digits */
	POSTCODE_PC6,       /* four digits and two letters */
	POSTCODE_MALFORMED, /* not a Dutch postcode */
	POSTCODE_EMPTY,
};

/* out receives "7511" or "7511AB" (at most 7 bytes with the NUL). */
enum postcode_result geo_parse_postcode(const char *in, char out[8]);

double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* The same distance in two steps, for ranking many places: the haversine
 * term (grows with the distance) from the points and the cosines of their
 * latitudes (geo_cos_lat), then the metres from that term. Gives exactly
 * what geo_distance_m gives. */
double geo_cos_lat(double lat);
double geo_haversine(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                     double cos_lat2);
double geo_distance_from_haversine(double a);
/* The haversine term of a distance: geo_haversine(...) < geo_haversine_of_m(d)
 * means nearer than d metres. */
double geo_haversine_of_m(double metres);

/* A latitude/longitude pair a browser may send; false when out of range
 * or not a plain decimal number. */
bool geo_parse_coordinate(const char *s, double min, double max, double *out);

#endif
