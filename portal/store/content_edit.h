/* content_edit: the content as staff edit it in the browser. An entry
 * (an organisation, a service, a location) is edited in parts: its own
 * fields, its address, its opening hours, its costs, its respite details,
 * the closed days of a wijkwijzer. A part names the content file and the
 * columns it changes, so the same check as the import (content_import.h
 * content_check_value) applies to every field, and a draft of a part is
 * the part's new rows as CSV (domain/content_drafts.h keeps the drafts).
 *
 * Publishing builds a new content database the way the import does:
 * the current database is written out as the content folder
 * (content_export_csv), every change is applied to its file, the entries
 * changed get today's date in x_checked.csv, and the folder is imported
 * again into content.db, which is replaced in one rename only when the
 * whole import succeeded. The previous database stays otherwise.
 *
 * Threads: content_current and the entry lookups use the catalog they are
 * given (its thread, catalog.h); content_build reads and writes files and
 * takes as long as an import: never the loop (the slow pool). One build
 * runs at a time (a mutex of this module); a second caller waits. */
#ifndef WW_CONTENT_EDIT_H
#define WW_CONTENT_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"
#include "store/catalog.h"
#include "store/content.h"

#define CONTENT_PART_COLUMNS 8
#define CONTENT_PART_ROWS    12 /* rows of a many-row part (hours, costs, closed days) */

struct content_part {
	const char *name;   /* stored with a draft: "service", "service_hours" */
	const char *entity; /* the entry it belongs to: organization, service, location */
	const char *file;   /* in the content folder: "catalog/services.csv"; NULL: the
	                       part only marks the entry checked */
	const char *table;  /* the file's table in the content database */
	const char *key;    /* the column that holds the entry's id */
	const char *empty;  /* a column that is empty in the part's rows; NULL: none */
	bool rows;          /* many rows, replaced together; else one row's columns */
	bool by_slug;       /* key holds the entry's slug (appointments/), else its uuid */
	const char *columns[CONTENT_PART_COLUMNS + 1]; /* the edited ones, NULL-terminated */
};

/* The part called name; NULL when there is none. */
const struct content_part *content_part_find(const char *name);
/* The number of columns of p. */
size_t content_part_ncols(const struct content_part *p);

/* A part's values: nrows rows of ncols strings (the file's form: "09:30",
 * "7.50", "dag;avond"), row by row in v. */
struct content_values {
	size_t nrows, ncols;
	char **v;
};
void content_values_free(struct content_values *vals);
/* Adds a row of copies of vals->ncols cells (NULL: ""); false without
 * memory, and then vals is as it was. */
bool content_values_add(struct content_values *vals, const char *const *cells);
/* Cell (row, col). */
const char *content_value(const struct content_values *vals, size_t row, size_t col);

/* The part's rows of the entry with slug target, as published. */
bool content_current(struct catalog *c, const struct content_part *p, const char *target,
                     struct content_values *out);
/* The values as a draft stores them: a CSV header of the part's columns,
 * then the rows. */
bool content_values_csv(const struct content_part *p, const struct content_values *vals,
                        struct sb *out);
/* A draft's CSV back into values; false when it does not fit the part. */
bool content_values_parse(const struct content_part *p, const char *csv,
                          struct content_values *out);

/* ---- entries --------------------------------------------------------------- */

/* The entries of the sociale kaart by slug and name; also the
 * organisations an aanbieder's account may belong to (domain/staff.h). */

struct content_entry {
	char *id;           /* the slug */
	char *name;         /* of the entry; a location's with its address */
	char *organization; /* the slug of the organisation it belongs to */
	char *checked_on;   /* "2026-11-20"; NULL: never */
};
void content_entry_free(struct content_entry *e);
void content_entries_free(struct content_entry *e, size_t n);

/* The entries of entity ("organization", "service", "location") by name:
 * all (organization NULL) or those of one organisation. */
bool content_entries(struct catalog *c, const char *entity, const char *organization,
                     struct content_entry **out, size_t *n);
enum content_result content_entry(struct catalog *c, const char *entity, const char *id,
                                  struct content_entry *out);
/* The entries of entity last checked before the date ("2026-06-01") or
 * never, oldest first. */
bool content_unchecked(struct catalog *c, const char *entity, const char *before,
                       struct content_entry **out, size_t *n);
/* How many entries of any kind content_unchecked would give. */
bool content_unchecked_count(struct catalog *c, const char *before, size_t *n);

/* ---- publishing ------------------------------------------------------------ */

/* One draft to publish: a part of the entry with slug target, its new
 * values as content_values_csv wrote them. */
struct content_change {
	const char *part, *target, *csv;
};

/* What content_build did. */
enum content_built {
	CONTENT_BUILT,
	CONTENT_BUILD_REFUSED, /* the import refused the changed content */
	CONTENT_BUILD_FAILED,  /* the folder (not writable?), the disk or memory */
};
/* Builds content_dir/content.db anew with the changes applied and the
 * entries changed checked on today ("2026-12-01"); localedir as for
 * content_import (NULL in the server, whose translations are loaded).
 * The calling thread's language (base/i18n.h) is the same after. Otherwise
 * err says what, naming file, line and field as the import does, and the
 * old database is left as it was. */
enum content_built content_build(const char *content_dir, const char *localedir,
                                 const struct content_change *changes, size_t n, const char *today,
                                 char *err, size_t errlen);

/* Applies the values of part p for the entry with id key (a uuid, or a
 * slug when p->by_slug) to the CSV data of p's file, into out. A many-row
 * part replaces the entry's rows; a one-row part sets the columns of the
 * entry's row, or adds the row when there is none. New rows get a new id.
 * (content_build's step, for the unit tests.) */
bool content_patch_csv(const char *data, size_t len, const struct content_part *p, const char *key,
                       const struct content_values *vals, struct sb *out, char *err, size_t errlen);

#endif
