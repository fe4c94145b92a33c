/* Fuzzes geo_parse_postcode and geo_parse_coordinate (geo.h). */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	char out[8];
	memset(out, 'x', sizeof(out));
	enum postcode_result r = geo_parse_postcode(s, out);
	switch (r) {
	case POSTCODE_PC4:
		assert(strlen(out) == 4 && out[0] >= '1' && out[0] <= '9');
		for (int i = 1; i < 4; i++)
			assert(out[i] >= '0' && out[i] <= '9');
		break;
	case POSTCODE_PC6:
		assert(strlen(out) == 6);
		assert(out[4] >= 'A' && out[4] <= 'Z' && out[5] >= 'A' && out[5] <= 'Z');
		break;
	case POSTCODE_MALFORMED:
	case POSTCODE_EMPTY:
		assert(out[0] == '\0');
		break;
	}
	/* parsing the normalised form again gives the same */
	if (r == POSTCODE_PC4 || r == POSTCODE_PC6) {
		char again[8];
		assert(geo_parse_postcode(out, again) == r && strcmp(again, out) == 0);
	}

	double v = 12345.0;
	if (geo_parse_coordinate(s, -90.0, 90.0, &v))
		assert(isfinite(v) && v >= -90.0 && v <= 90.0);
	if (geo_parse_coordinate(s, 50.0, 54.0, &v))
		assert(v >= 50.0 && v <= 54.0);
	free(s);
	return 0;
}
