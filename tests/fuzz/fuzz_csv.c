/* Fuzzes the RFC 4180 reader: csv_next (csv.h). Rows come out with valid
 * UTF-8 fields without NUL, line numbers never go back, and the reader
 * always ends. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct csv_reader r;
	struct csv_row row;
	char err[256];
	csv_init(&r, buf, size);
	long last_line = 0;
	size_t rows = 0;
	int rc;
	while ((rc = csv_next(&r, &row, err, sizeof(err))) > 0) {
		assert(row.n >= 1 && row.n <= CSV_MAX_FIELDS);
		assert(row.line > last_line);
		last_line = row.line;
		for (size_t i = 0; i < row.n; i++) {
			size_t l = strlen(row.fields[i]);
			assert(l <= CSV_MAX_FIELD && text_utf8_valid(row.fields[i], l));
		}
		csv_row_free(&row);
		assert(++rows <= size + 1); /* every row consumes input */
	}
	assert(rc == 0 || rc == -1);
	assert(r.pos <= size + 1);
	free(buf);
	return 0;
}
