#include "store/content_edit.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/csv.h"
#include "base/i18n.h"
#include "store/content_import.h"
#include "store/store.h"

/* The parts of the entries, as the editor (web/staff_content.c) shows
 * them. Schedules: freq is WEEKLY when a day is given (the editor sets
 * it); a location's own hours are the rows without a service. */
static const struct content_part parts[] = {
    {"organization",
     "organization",
     "catalog/organizations.csv",
     "organizations",
     "id",
     NULL,
     false,
     false,
     {"name", "description", "website", "email", NULL}},
    {"service",
     "service",
     "catalog/services.csv",
     "services",
     "id",
     NULL,
     false,
     false,
     {"name", "description", "application_process", "fees_description", "eligibility_description",
      "url", "status", NULL}},
    /* a service's own hours: its rows without a location (hours it has at
       one location only are not edited here, and stay as they are) */
    {"service_hours",
     "service",
     "catalog/schedules.csv",
     "schedules",
     "service_id",
     "location_id",
     true,
     false,
     {"freq", "byday", "opens_at", "closes_at", "attending_type", "description", NULL}},
    {"costs",
     "service",
     "catalog/cost_options.csv",
     "cost_options",
     "service_id",
     NULL,
     true,
     false,
     {"option", "amount", "currency", "amount_description", NULL}},
    {"respite",
     "service",
     "catalog/x_respite.csv",
     "x_respite",
     "service_id",
     NULL,
     false,
     false,
     {"setting", "times", "provider", "notice_days", "min_duration_hours", "payer", "for_whom",
      "notes", NULL}},
    {"location",
     "location",
     "catalog/locations.csv",
     "locations",
     "id",
     NULL,
     false,
     false,
     {"name", "description", "transportation", "latitude", "longitude", NULL}},
    {"address",
     "location",
     "catalog/addresses.csv",
     "addresses",
     "location_id",
     NULL,
     false,
     false,
     {"address_1", "postal_code", "city", NULL}},
    {"location_hours",
     "location",
     "catalog/schedules.csv",
     "schedules",
     "location_id",
     "service_id",
     true,
     false,
     {"freq", "byday", "opens_at", "closes_at", "description", NULL}},
    {"closed_days",
     "location",
     "appointments/closed_days.csv",
     "ap_closed",
     "location_id",
     NULL,
     true,
     true,
     {"date", "reason", NULL}},
    /* "Alles klopt nog": no file, only the date in x_checked.csv */
    {"organization_checked", "organization", NULL, NULL, NULL, NULL, false, false, {NULL}},
    {"service_checked", "service", NULL, NULL, NULL, NULL, false, false, {NULL}},
    {"location_checked", "location", NULL, NULL, NULL, NULL, false, false, {NULL}},
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

/* what content_build writes for every entry it changed */
static const struct content_part checked_part = {
    "checked",   NULL,      "catalog/x_checked.csv",
    "x_checked", "link_id", NULL,
    false,       false,     {"link_entity", "checked_on", NULL}};

const struct content_part *content_part_find(const char *name)
{
	for (size_t i = 0; name && i < NPARTS; i++)
		if (strcmp(parts[i].name, name) == 0)
			return &parts[i];
	return NULL;
}

size_t content_part_ncols(const struct content_part *p)
{
	size_t n = 0;
	while (n < CONTENT_PART_COLUMNS && p->columns[n])
		n++;
	return n;
}

void content_values_free(struct content_values *vals)
{
	for (size_t i = 0; vals->v && i < vals->nrows * vals->ncols; i++)
		free(vals->v[i]);
	free(vals->v);
	*vals = (struct content_values){0};
}

const char *content_value(const struct content_values *vals, size_t row, size_t col)
{
	if (row >= vals->nrows || col >= vals->ncols)
		return "";
	const char *s = vals->v[row * vals->ncols + col];
	return s ? s : "";
}

bool content_values_add(struct content_values *vals, const char *const *cells)
{
	char **v = realloc(vals->v, (vals->nrows + 1) * vals->ncols * sizeof(*v));
	if (!v)
		return false;
	vals->v = v;
	char **row = v + vals->nrows * vals->ncols;
	bool ok = true;
	for (size_t i = 0; i < vals->ncols; i++)
		ok = (row[i] = strdup(cells[i] ? cells[i] : "")) != NULL && ok;
	/* a row that is not complete is not added */
	for (size_t i = 0; !ok && i < vals->ncols; i++)
		free(row[i]);
	vals->nrows += ok;
	return ok;
}

/* A statement of SQL built here (store_stmt caches literals only, by
 * address); the caller finalizes it. The editor's pages are few. */
static sqlite3_stmt *prepare(struct catalog *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(catalog_store(c)), sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "wijkwijzer: content: cannot prepare: %s\n",
		        sqlite3_errmsg(store_db(catalog_store(c))));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* The table of an entity's entries */
static const char *entity_table(const char *entity)
{
	if (!entity)
		return NULL;
	if (strcmp(entity, "organization") == 0)
		return "organizations";
	if (strcmp(entity, "service") == 0)
		return "services";
	if (strcmp(entity, "location") == 0)
		return "locations";
	return NULL;
}

bool content_current(struct catalog *c, const struct content_part *p, const char *target,
                     struct content_values *out)
{
	*out = (struct content_values){.ncols = content_part_ncols(p)};
	if (!p->file)
		return true;
	struct sb sql;
	sb_init(&sql, 2048);
	sb_puts(&sql, "SELECT ");
	for (size_t i = 0; i < out->ncols; i++)
		sb_appendf(&sql, "%s\"%s\"", i ? ", " : "", p->columns[i]);
	sb_appendf(&sql, " FROM %s WHERE \"%s\" = ?1", p->table, p->key);
	if (p->empty)
		sb_appendf(&sql, " AND \"%s\" IS NULL", p->empty);
	sb_puts(&sql, " ORDER BY _line");
	sqlite3_stmt *st = sb_failed(&sql) ? NULL : prepare(c, sb_str(&sql));
	sb_free(&sql);
	if (!st || sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(st);
		return false;
	}
	bool ok = true;
	int rc;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[CONTENT_PART_COLUMNS];
		char num[CONTENT_PART_COLUMNS][64];
		for (size_t i = 0; i < out->ncols; i++) {
			cells[i] = (const char *)sqlite3_column_text(st, (int)i);
			if (sqlite3_column_type(st, (int)i) == SQLITE_FLOAT) {
				int dec = content_column_decimals(p->file, p->columns[i]);
				snprintf(num[i], sizeof(num[i]), "%.*f", dec ? dec : 5,
				         sqlite3_column_double(st, (int)i));
				cells[i] = num[i];
			}
		}
		ok = content_values_add(out, cells);
	}
	if (ok && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	if (!ok)
		content_values_free(out);
	return ok;
}

/* One CSV field as the content files write it: quoted only when needed
 * (no spreadsheet escaping: these are data files, not downloads). */
static void put_field(struct sb *o, const char *v, bool last)
{
	if (!strpbrk(v, ",\"\n\r")) {
		sb_puts(o, v);
	} else {
		sb_putc(o, '"');
		for (; *v; v++) {
			if (*v == '"')
				sb_putc(o, '"');
			sb_putc(o, *v);
		}
		sb_putc(o, '"');
	}
	sb_putc(o, last ? '\n' : ',');
}

bool content_values_csv(const struct content_part *p, const struct content_values *vals,
                        struct sb *out)
{
	size_t nc = content_part_ncols(p);
	if (vals->ncols != nc)
		return false;
	for (size_t i = 0; i < nc; i++)
		put_field(out, p->columns[i], i + 1 == nc);
	for (size_t r = 0; r < vals->nrows; r++)
		for (size_t i = 0; i < nc; i++)
			put_field(out, content_value(vals, r, i), i + 1 == nc);
	return !sb_failed(out);
}

bool content_values_parse(const struct content_part *p, const char *csv, struct content_values *out)
{
	*out = (struct content_values){.ncols = content_part_ncols(p)};
	struct csv_reader r;
	struct csv_row row;
	char msg[128];
	csv_init(&r, csv, strlen(csv));
	if (csv_next(&r, &row, msg, sizeof(msg)) <= 0)
		return out->ncols == 0 && !*csv;
	bool ok = row.n == out->ncols;
	for (size_t i = 0; ok && i < row.n; i++)
		ok = strcmp(row.fields[i], p->columns[i]) == 0;
	csv_row_free(&row);
	int rc = 0;
	while (ok && (rc = csv_next(&r, &row, msg, sizeof(msg))) > 0) {
		ok =
		    row.n == out->ncols && content_values_add(out, (const char *const *)row.fields);
		csv_row_free(&row);
	}
	if (!ok || rc < 0) {
		content_values_free(out);
		return false;
	}
	return true;
}

/* ---- entries --------------------------------------------------------------- */

void content_entry_free(struct content_entry *e)
{
	free(e->id);
	free(e->name);
	free(e->organization);
	free(e->checked_on);
	*e = (struct content_entry){0};
}

void content_entries_free(struct content_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		content_entry_free(&e[i]);
	free(e);
}

/* The SELECT of an entity's entries: slug, name, organisation, checked
 * date, with a WHERE clause after it (which may use x. and k.). */
static bool entries_sql(struct sb *sql, const char *entity, const char *where)
{
	const char *t = entity_table(entity);
	if (!t)
		return false;
	bool org = strcmp(entity, "organization") == 0, loc = strcmp(entity, "location") == 0;
	sb_appendf(sql,
	           "SELECT x.id, x.name%s, %s, k.checked_on FROM %s x%s LEFT JOIN x_checked k "
	           "ON k.link_id = x.uuid WHERE %s",
	           loc ? " || coalesce(', ' || a.address_1, '')" : "",
	           org ? "x.id" : "x.organization_id", t,
	           loc ? " LEFT JOIN addresses a ON a.location_id = x.id" : "", where);
	return !sb_failed(sql);
}

static bool entries_run(struct catalog *c, const char *sql, const char *p1,
                        struct content_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prepare(c, sql);
	if (!st || (p1 && sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC) != SQLITE_OK)) {
		sqlite3_finalize(st);
		return false;
	}
	bool ok = true;
	size_t cap = 0;
	int rc;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t want = cap ? cap * 2 : 16;
			struct content_entry *v = realloc(*out, want * sizeof(*v));
			if (!v) {
				ok = false;
				break;
			}
			*out = v;
			cap = want;
		}
		struct content_entry *e = &(*out)[(*n)++];
		const char *checked = store_text_or_null(st, 3);
		*e = (struct content_entry){.id = strdup(store_text(st, 0)),
		                            .name = strdup(store_text(st, 1)),
		                            .organization = strdup(store_text(st, 2)),
		                            .checked_on = checked ? strdup(checked) : NULL};
		ok = e->id && e->name && e->organization && (!checked || e->checked_on);
	}
	if (ok && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	if (!ok) {
		content_entries_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ok;
}

bool content_entries(struct catalog *c, const char *entity, const char *organization,
                     struct content_entry **out, size_t *n)
{
	struct sb sql;
	sb_init(&sql, 2048);
	bool org = entity && strcmp(entity, "organization") == 0;
	bool ok = entries_sql(&sql, entity,
	                      !organization ? "1 ORDER BY x.name COLLATE NOCASE"
	                      : org         ? "x.id = ?1 ORDER BY x.name COLLATE NOCASE"
	                            : "x.organization_id = ?1 ORDER BY x.name COLLATE NOCASE") &&
	          entries_run(c, sb_str(&sql), organization, out, n);
	sb_free(&sql);
	return ok;
}

enum content_result content_entry(struct catalog *c, const char *entity, const char *id,
                                  struct content_entry *out)
{
	*out = (struct content_entry){0};
	if (!id)
		return CONTENT_MISSING;
	struct sb sql;
	sb_init(&sql, 2048);
	struct content_entry *v = NULL;
	size_t n = 0;
	bool ok =
	    entries_sql(&sql, entity, "x.id = ?1") && entries_run(c, sb_str(&sql), id, &v, &n);
	sb_free(&sql);
	if (!ok)
		return entity_table(entity) ? CONTENT_ERROR : CONTENT_MISSING;
	if (n == 0) {
		free(v);
		return CONTENT_MISSING;
	}
	*out = v[0];
	for (size_t i = 1; i < n; i++)
		content_entry_free(&v[i]);
	free(v);
	return CONTENT_FOUND;
}

#define UNCHECKED(table)                                                                           \
	"(SELECT count(*) FROM " table " x LEFT JOIN x_checked k ON k.link_id = x.uuid WHERE "     \
	"k.checked_on IS NULL OR k.checked_on < ?1)"

bool content_unchecked_count(struct catalog *c, const char *before, size_t *n)
{
	sqlite3_stmt *st =
	    store_stmt(catalog_store(c), "SELECT " UNCHECKED("organizations") " + " UNCHECKED(
	                                     "services") " + " UNCHECKED("locations"));
	if (!st)
		return false;
	bool ok = sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ok;
}

bool content_unchecked(struct catalog *c, const char *entity, const char *before,
                       struct content_entry **out, size_t *n)
{
	struct sb sql;
	sb_init(&sql, 2048);
	bool ok = entries_sql(&sql, entity,
	                      "k.checked_on IS NULL OR k.checked_on < ?1 ORDER BY k.checked_on "
	                      "NULLS FIRST, x.name COLLATE NOCASE") &&
	          entries_run(c, sb_str(&sql), before, out, n);
	sb_free(&sql);
	return ok;
}

/* ---- patching a file -------------------------------------------------------- */

/* A new id for a row of file: a random uuid (version 4) in catalog/, else
 * a slug ("dicht-3fa9c2d1"). */
static bool new_id(const char *file, char *out, size_t size)
{
	unsigned char b[16];
	if (!crypto_random(b, sizeof(b)))
		return false;
	if (strncmp(file, "catalog/", 8) != 0) {
		snprintf(out, size, "dicht-%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
		return true;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
	return true;
}

static int column_of(const struct csv_row *header, const char *name)
{
	for (size_t i = 0; name && i < header->n; i++)
		if (strcmp(header->fields[i], name) == 0)
			return (int)i;
	return -1;
}

static void put_row(struct sb *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_field(out, fields[i] ? fields[i] : "", i + 1 == n);
}

/* Writes one new row of the header's width: the key, a new id (when the
 * file has an id column other than the key), and row r of vals. */
static bool put_new_row(struct sb *out, const struct csv_row *header, const int *pos, int key_col,
                        const char *key, const struct content_part *p,
                        const struct content_values *vals, size_t r)
{
	const char *fields[CSV_MAX_FIELDS] = {0};
	char id[40];
	int id_col = column_of(header, "id");
	if (id_col >= 0 && id_col != key_col) {
		if (!new_id(p->file, id, sizeof(id)))
			return false;
		fields[id_col] = id;
	}
	fields[key_col] = key;
	for (size_t i = 0; i < vals->ncols; i++)
		fields[pos[i]] = content_value(vals, r, i);
	put_row(out, fields, header->n);
	return true;
}

bool content_patch_csv(const char *data, size_t len, const struct content_part *p, const char *key,
                       const struct content_values *vals, struct sb *out, char *err, size_t errlen)
{
	struct csv_reader r;
	struct csv_row header, row;
	char msg[256];
	csv_init(&r, data, len);
	if (csv_next(&r, &header, msg, sizeof(msg)) <= 0) {
		snprintf(err, errlen, "%s: no header", p->file);
		return false;
	}
	int key_col = column_of(&header, p->key), empty_col = column_of(&header, p->empty);
	int pos[CONTENT_PART_COLUMNS];
	bool ok =
	    key_col >= 0 && (!p->empty || empty_col >= 0) && vals->ncols == content_part_ncols(p);
	for (size_t i = 0; ok && i < vals->ncols; i++)
		ok = (pos[i] = column_of(&header, p->columns[i])) >= 0;
	if (!ok) {
		snprintf(err, errlen, "%s: the header lacks a column of the part %s", p->file,
		         p->name);
		csv_row_free(&header);
		return false;
	}
	put_row(out, (const char *const *)header.fields, header.n);
	size_t matched = 0;
	int rc;
	while ((rc = csv_next(&r, &row, msg, sizeof(msg))) > 0) {
		bool mine = row.n == header.n && strcmp(row.fields[key_col], key) == 0 &&
		            (empty_col < 0 || !row.fields[empty_col][0]);
		if (mine && p->rows) {
			csv_row_free(&row); /* replaced by the new rows below */
			continue;
		}
		if (mine && vals->nrows) {
			const char *fields[CSV_MAX_FIELDS];
			for (size_t i = 0; i < row.n; i++)
				fields[i] = row.fields[i];
			for (size_t i = 0; i < vals->ncols; i++)
				fields[pos[i]] = content_value(vals, 0, i);
			put_row(out, fields, row.n);
			matched++;
		} else {
			put_row(out, (const char *const *)row.fields, row.n);
		}
		csv_row_free(&row);
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s:%ld: %s", p->file, r.line, msg);
		csv_row_free(&header);
		return false;
	}
	for (size_t i = 0; ok && i < vals->nrows && (p->rows || (i == 0 && !matched)); i++)
		ok = put_new_row(out, &header, pos, key_col, key, p, vals, i);
	csv_row_free(&header);
	if (!ok || sb_failed(out)) {
		snprintf(err, errlen, "%s: out of memory", p->file);
		return false;
	}
	return true;
}

/* ---- building -------------------------------------------------------------- */

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

/* The uuid of the entry of entity with slug in db (the slug itself when the
 * content has none), into out. */
static bool entry_uuid(sqlite3 *db, const char *entity, const char *slug, char *out, size_t size)
{
	const char *t = entity_table(entity);
	char sql[128];
	sqlite3_stmt *st = NULL;
	snprintf(sql, sizeof(sql), "SELECT uuid FROM %s WHERE id = ?1", t ? t : "none");
	bool ok = t && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	          sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0);
	if (ok)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return ok;
}

/* Applies vals of p to the file in dir (made with the header of the
 * part's columns when it is not there). */
static bool patch_file(const char *dir, const struct content_part *p, const char *key,
                       const struct content_values *vals, char *err, size_t errlen)
{
	struct sb path, data, out;
	sb_init(&path, 4096);
	sb_init(&data, (size_t)CONTENT_MAX_LINE * 4);
	sb_init(&out, (size_t)CONTENT_MAX_LINE * 4);
	bool ok = sb_appendf(&path, "%s/%s", dir, p->file);
	if (ok && access(sb_str(&path), F_OK) != 0) {
		/* an optional file the export left out: its header only, in the
		   order the import wants */
		ok = content_file_header(p->file, &data);
	} else if (ok) {
		ok = content_read_file(sb_str(&path), &data, err, errlen);
	}
	ok = ok && content_patch_csv(sb_str(&data), data.len, p, key, vals, &out, err, errlen);
	FILE *f = ok ? fopen(sb_str(&path), "w") : NULL;
	if (ok && (!f || fwrite(sb_str(&out), 1, out.len, f) != out.len)) {
		snprintf(err, errlen, "%s: %s", sb_str(&path), strerror(errno));
		ok = false;
	}
	if (f && fclose(f) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", sb_str(&path), strerror(errno));
		ok = false;
	}
	sb_free(&path);
	sb_free(&data);
	sb_free(&out);
	return ok;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Applies every change to the content folder dir, exported from db. A
 * change of an entry no longer in the content, or unreadable, is refused;
 * a file that cannot be written is a failure. */
static enum content_built apply_changes(sqlite3 *db, const char *dir,
                                        const struct content_change *changes, size_t n,
                                        const char *today, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct content_part *p = content_part_find(changes[i].part);
		char uuid[80];
		if (!p || !entry_uuid(db, p->entity, changes[i].target, uuid, sizeof(uuid))) {
			snprintf(err, errlen, "the change %s of %s is about nothing in the content",
			         changes[i].part, changes[i].target);
			return CONTENT_BUILD_REFUSED;
		}
		struct content_values vals;
		if (p->file && !content_values_parse(p, changes[i].csv, &vals)) {
			snprintf(err, errlen, "the change %s of %s cannot be read", p->name,
			         changes[i].target);
			return CONTENT_BUILD_REFUSED;
		}
		bool ok = !p->file || patch_file(dir, p, p->by_slug ? changes[i].target : uuid,
		                                 &vals, err, errlen);
		if (p->file)
			content_values_free(&vals);
		/* every entry changed or confirmed is checked today */
		struct content_values checked = {.ncols = 2};
		const char *cells[2] = {p->entity, today};
		ok = ok && content_values_add(&checked, cells) &&
		     patch_file(dir, &checked_part, uuid, &checked, err, errlen);
		content_values_free(&checked);
		if (!ok)
			return CONTENT_BUILD_FAILED;
	}
	return CONTENT_BUILT;
}

enum content_built content_build(const char *content_dir, const char *localedir,
                                 const struct content_change *changes, size_t n, const char *today,
                                 char *err, size_t errlen)
{
	char tmp[4096], db_path[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.publish-XXXXXX", content_dir) >= sizeof(tmp) ||
	    (size_t)snprintf(db_path, sizeof(db_path), "%s/content.db", content_dir) >=
	        sizeof(db_path)) {
		snprintf(err, errlen, "the content folder's name is too long");
		return CONTENT_BUILD_FAILED;
	}
	pthread_mutex_lock(&build_lock);
	sqlite3 *db = NULL;
	bool made = mkdtemp(tmp) != NULL;
	bool ok = made;
	if (!ok)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	ok = ok && content_export_csv(db_path, tmp, err, errlen);
	if (ok && sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db_path, db ? sqlite3_errmsg(db) : "cannot open");
		ok = false;
	}
	enum content_built r =
	    ok ? apply_changes(db, tmp, changes, n, today, err, errlen) : CONTENT_BUILD_FAILED;
	sqlite3_close(db);
	/* the import writes a temporary file and renames it over content.db
	   only when every file was good; it indexes every language, switching
	   this thread's */
	const struct i18n_lang *lang = i18n_current();
	if (r == CONTENT_BUILT && !content_import(tmp, db_path, localedir, err, errlen))
		r = CONTENT_BUILD_REFUSED;
	i18n_use(lang);
	if (made && nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "wijkwijzer: cannot remove %s: %s\n", tmp, strerror(errno));
	pthread_mutex_unlock(&build_lock);
	return r;
}
