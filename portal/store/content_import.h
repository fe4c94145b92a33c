/* content_import: turns the content CSV files into the read-only content
 * database the server reads (content.db), and extracts the translatable
 * texts for the gettext content domain.
 *
 * Every file is checked against its column list; every field against its
 * kind (id, reference, text, number, time, date, URL, postcode, list of
 * allowed values); every reference against the file it points into. The
 * first problem stops the import with "file:line: field NAME: what is
 * wrong", and the previous content.db stays in place: the database is
 * written to a temporary file and renamed only when complete. */
#ifndef WW_CONTENT_IMPORT_H
#define WW_CONTENT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

#define CONTENT_SCHEMA_VERSION "5"

/* The search index (tables sx_*, read by catalog_index.c). A service_fts
 * row's rowid is services._line * CONTENT_FTS_LANGS + the number of its
 * language in sx_lang; sx_text holds for every term the rows with it, as
 * little-endian uint32 entries (rowid << 1) | (1 when the term is in the
 * name). */
#define CONTENT_FTS_LANGS 16
#define CONTENT_MAX_LINE  (1 << 26)

/* src: the content folder (with catalog/, postcodes/, ...); out: the
 * database file to write; localedir: compiled content translations used
 * for the multilingual search index (may be NULL). */
bool content_import(const char *src, const char *out, const char *localedir, char *err,
                    size_t errlen);

/* Writes the content folder back from a content database: every file the
 * import reads (catalog/ as HSDS 3.0 tabular with uuids, the x_ files,
 * appointments/, selfcheck/, site.csv, postcodes/), so that importing
 * outdir gives the same database (README "Content"). */
bool content_export_csv(const char *db_path, const char *outdir, char *err, size_t errlen);

/* Writes a .pot with every translatable content text. */
bool content_write_pot(const char *src, const char *pot, char *err, size_t errlen);

/* Reads a whole file into out (within out's limit); err names the file. */
bool content_read_file(const char *path, struct sb *out, char *err, size_t errlen);

/* The longest value of a field, in bytes. */
#define CONTENT_MAX_VALUE 4000

/* What is wrong with a value of a content field, by the field's kind. */
enum content_problem {
	CONTENT_VALUE_OK,
	CONTENT_VALUE_REQUIRED,    /* empty, and the field is required */
	CONTENT_VALUE_CONTROL,     /* a control character other than a line break */
	CONTENT_VALUE_LONG,        /* more than CONTENT_MAX_VALUE bytes */
	CONTENT_VALUE_SLUG,        /* not a-z 0-9 - */
	CONTENT_VALUE_UUID,        /* not a lower-case uuid */
	CONTENT_VALUE_NUMBER,      /* not a whole number 0-1000000 */
	CONTENT_VALUE_DECIMAL,     /* not an amount like 7.50 */
	CONTENT_VALUE_DECIMAL_ANY, /* not a decimal number */
	CONTENT_VALUE_LATITUDE,    /* outside the Netherlands */
	CONTENT_VALUE_LONGITUDE,
	CONTENT_VALUE_TIME,     /* not 09:30 */
	CONTENT_VALUE_DATE,     /* not 2026-12-01 */
	CONTENT_VALUE_URL,      /* not http(s):// */
	CONTENT_VALUE_EMAIL,    /* not an e-mail address */
	CONTENT_VALUE_POSTCODE, /* not 7511 AB */
	CONTENT_VALUE_PC4,
	CONTENT_VALUE_PC6,
	CONTENT_VALUE_CHOICE,  /* not one of the allowed values */
	CONTENT_VALUE_LIST,    /* an item not one of the allowed values */
	CONTENT_VALUE_PHONE,   /* other than digits, spaces, + - ( ) */
	CONTENT_VALUE_UNKNOWN, /* the file has no such column */
};

/* Checks value (NULL: empty) against the kind of column of file (the path
 * in the content folder: "catalog/services.csv"), as the import does. */
enum content_problem content_check_value(const char *file, const char *column, const char *value);
/* True when the import requires the column. */
bool content_column_required(const char *file, const char *column);
/* The header line of a content file ("catalog/x_checked.csv"), as the
 * import wants it: its columns in order. */
bool content_file_header(const char *file, struct sb *out);
/* The decimals the files write a number column with (2 for an amount,
 * 5 for a coordinate), 0 for any other column. */
int content_column_decimals(const char *file, const char *column);
/* The allowed values of a choice or list column ("a|b|c"), else NULL. */
const char *content_column_values(const char *file, const char *column);

/* Validates one CSV file's data against the spec of the named file
 * ("services.csv"); used by the fuzzer. */
bool content_check_csv(const char *file, const char *data, size_t len, char *err, size_t errlen);

#endif
