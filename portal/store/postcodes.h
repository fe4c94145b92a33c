/* postcodes: turns a real address file into the postcode tables of the
 * content (postcodes/pc4.csv and pc6.csv).
 *
 * Input: a CSV with a header that has "postcode" and either "x","y" (RD
 * New, EPSG:28992, as in BAG extracts) or "latitude","longitude" (WGS84),
 * and optionally "wijk", "stadsdeel", "municipality". Every address is one
 * row. The centre of a postcode is the mean of its addresses; its wijk and
 * stadsdeel are the most common ones. */
#ifndef WW_POSTCODES_H
#define WW_POSTCODES_H

#include <stdbool.h>
#include <stddef.h>

/* RD New (Rijksdriehoek) to WGS84, with the usual polynomial (about a
 * metre accurate in the Netherlands). */
void postcodes_rd_to_wgs84(double x, double y, double *lat, double *lon);

bool postcodes_import(const char *addresses_csv, const char *out_dir, char *err, size_t errlen);

#endif
