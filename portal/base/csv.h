/* csv: an RFC 4180 reader for the content files.
 *
 * The whole file is in memory; rows come out one at a time with their
 * line number, so every import error can name file, line and field.
 * Quoted fields may hold commas, quotes ("") and line breaks. A BOM, a
 * bare quote inside an unquoted field, a missing closing quote, NUL bytes
 * and invalid UTF-8 are errors. */
#ifndef WW_CSV_H
#define WW_CSV_H

#include <stdbool.h>
#include <stddef.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD  (64 * 1024)

struct csv_reader {
	const char *data;
	size_t len;
	size_t pos;
	long line; /* line where the next row starts */
};

struct csv_row {
	char *fields[CSV_MAX_FIELDS];
	size_t n;
	long line;
};

void csv_init(struct csv_reader *r, const char *data, size_t len);
/* 1: a row was read; 0: end of data; -1: error (message in err). */
int csv_next(struct csv_reader *r, struct csv_row *row, char *err, size_t errlen);
void csv_row_free(struct csv_row *row);

struct sb;
/* Writes v as one quoted CSV cell, then a comma or (last) CRLF. A cell
 * that starts like a formula (= + - @ tab CR) is prefixed with ', so a
 * spreadsheet never runs it (CSV injection); line breaks become spaces. */
void csv_cell(struct sb *o, const char *v, bool last);

#endif
