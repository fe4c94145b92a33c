#include "store/postcodes.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/content_import.h"
#include "base/csv.h"
#include "base/geo.h"
#include "base/sb.h"

void postcodes_rd_to_wgs84(double x, double y, double *lat, double *lon)
{
	static const struct {
		int p, q;
		double k;
	} K[] = {{0, 1, 3235.65389}, {2, 0, -32.58297}, {0, 2, -0.24750}, {2, 1, -0.84978},
	         {0, 3, -0.06550},   {2, 2, -0.01709},  {1, 0, -0.00738}, {4, 0, 0.00530},
	         {2, 3, -0.00039},   {4, 1, 0.00033},   {1, 1, -0.00012}};
	static const struct {
		int p, q;
		double l;
	} L[] = {{1, 0, 5260.52916}, {1, 1, 105.94684}, {1, 2, 2.45656},  {3, 0, -0.81885},
	         {1, 3, 0.05594},    {3, 1, -0.05607},  {0, 1, 0.01199},  {3, 2, -0.00256},
	         {1, 4, 0.00128},    {0, 2, 0.00022},   {2, 0, -0.00022}, {5, 0, 0.00026}};
	double dx = (x - 155000.0) * 1e-5, dy = (y - 463000.0) * 1e-5;
	double a = 0, b = 0;
	for (size_t i = 0; i < sizeof(K) / sizeof(K[0]); i++) {
		double t = K[i].k;
		for (int n = 0; n < K[i].p; n++)
			t *= dx;
		for (int n = 0; n < K[i].q; n++)
			t *= dy;
		a += t;
	}
	for (size_t i = 0; i < sizeof(L) / sizeof(L[0]); i++) {
		double t = L[i].l;
		for (int n = 0; n < L[i].p; n++)
			t *= dx;
		for (int n = 0; n < L[i].q; n++)
			t *= dy;
		b += t;
	}
	*lat = 52.15517440 + a / 3600.0;
	*lon = 5.38720621 + b / 3600.0;
}

static int column(const struct csv_row *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->fields[i], name) == 0)
			return (int)i;
	return -1;
}

static bool parse_double(const char *s, double *out)
{
	char *end = NULL;
	errno = 0;
	*out = strtod(s, &end);
	return s[0] && !errno && end && !*end;
}

static bool write_table(sqlite3 *db, const char *sql, const char *path, const char *header,
                        char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	fprintf(f, "%s\n", header);
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		/* wijk and stadsdeel are quoted: they may hold commas */
		struct sb line;
		sb_init(&line, 1024);
		sb_appendf(&line, "%s,%.5f,%.5f", (const char *)sqlite3_column_text(st, 0),
		           sqlite3_column_double(st, 1), sqlite3_column_double(st, 2));
		for (int c = 3; c <= 5; c++) {
			sb_puts(&line, ",\"");
			for (const unsigned char *p = sqlite3_column_text(st, c); p && *p; p++) {
				if (*p == '"')
					sb_putc(&line, '"');
				sb_putc(&line, (char)*p);
			}
			sb_putc(&line, '"');
		}
		fprintf(f, "%s\n", sb_str(&line));
		sb_free(&line);
	}
	if (!ok)
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (fclose(f) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ok = false;
	}
	return ok;
}

/* Mean position per postcode; wijk, stadsdeel and municipality are the
 * most common values among its addresses. */
static const char pc4_sql[] =
    "SELECT substr(pc6, 1, 4) AS pc, avg(lat), avg(lon),"
    " (SELECT wijk FROM a b WHERE substr(b.pc6, 1, 4) = substr(a.pc6, 1, 4)"
    "  GROUP BY wijk ORDER BY count(*) DESC, wijk LIMIT 1),"
    " (SELECT stadsdeel FROM a b WHERE substr(b.pc6, 1, 4) = substr(a.pc6, 1, 4)"
    "  GROUP BY stadsdeel ORDER BY count(*) DESC, stadsdeel LIMIT 1),"
    " (SELECT municipality FROM a b WHERE substr(b.pc6, 1, 4) = substr(a.pc6, 1, 4)"
    "  GROUP BY municipality ORDER BY count(*) DESC, municipality LIMIT 1)"
    " FROM a GROUP BY pc ORDER BY pc";
static const char pc6_sql[] =
    "SELECT pc6 AS pc, avg(lat), avg(lon),"
    " (SELECT wijk FROM a b WHERE b.pc6 = a.pc6 GROUP BY wijk ORDER BY count(*) DESC, wijk LIMIT "
    "1),"
    " (SELECT stadsdeel FROM a b WHERE b.pc6 = a.pc6"
    "  GROUP BY stadsdeel ORDER BY count(*) DESC, stadsdeel LIMIT 1),"
    " (SELECT municipality FROM a b WHERE b.pc6 = a.pc6"
    "  GROUP BY municipality ORDER BY count(*) DESC, municipality LIMIT 1)"
    " FROM a GROUP BY pc ORDER BY pc";

bool postcodes_import(const char *addresses_csv, const char *out_dir, char *err, size_t errlen)
{
	struct sb data;
	sb_init(&data, 1024u * 1024 * 1024);
	bool read_ok = content_read_file(addresses_csv, &data, err, errlen);
	sqlite3 *db = NULL;
	bool ok = false;
	struct csv_reader r;
	struct csv_row head = {0}, row = {0};
	char msg[256];
	if (!read_ok)
		goto out;
	csv_init(&r, sb_str(&data), data.len);
	if (csv_next(&r, &head, msg, sizeof(msg)) != 1) {
		snprintf(err, errlen, "%s:1: no header", addresses_csv);
		goto out;
	}
	int cpc = column(&head, "postcode"), cx = column(&head, "x"), cy = column(&head, "y");
	int clat = column(&head, "latitude"), clon = column(&head, "longitude");
	int cw = column(&head, "wijk"), cs = column(&head, "stadsdeel"),
	    cm = column(&head, "municipality");
	bool rd = cx >= 0 && cy >= 0;
	if (cpc < 0 || (!rd && (clat < 0 || clon < 0))) {
		snprintf(err, errlen,
		         "%s:1: the header needs postcode and x,y (RD) or latitude,longitude",
		         addresses_csv);
		goto out;
	}
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "CREATE TABLE a (pc6 TEXT, lat REAL, lon REAL, wijk TEXT, stadsdeel TEXT, "
	                 "municipality TEXT)",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database: cannot start");
		goto out;
	}
	sqlite3_stmt *ins = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO a VALUES (?, ?, ?, ?, ?, ?)", -1, &ins, NULL) !=
	        SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_finalize(ins);
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		goto out;
	}
	int rc;
	size_t rows = 0;
	while ((rc = csv_next(&r, &row, msg, sizeof(msg))) == 1) {
		char pc[8];
		double a, b, lat, lon;
		int need = cpc;
		int cols[] = {cx, cy, clat, clon, cw, cs, cm};
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			if (cols[i] > need)
				need = cols[i];
		bool good = (int)row.n > need &&
		            geo_parse_postcode(row.fields[cpc], pc) == POSTCODE_PC6 &&
		            parse_double(row.fields[rd ? cx : clat], &a) &&
		            parse_double(row.fields[rd ? cy : clon], &b);
		if (!good) {
			/* a row that is not a Dutch address with a position is named and skipped */
			fprintf(
			    stderr,
			    "wijkwijzer-import: %s:%ld: skipped (no PC6 postcode or position)\n",
			    addresses_csv, row.line);
			csv_row_free(&row);
			continue;
		}
		if (rd)
			postcodes_rd_to_wgs84(a, b, &lat, &lon);
		else {
			lat = a;
			lon = b;
		}
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, pc, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(ins, 2, lat);
		sqlite3_bind_double(ins, 3, lon);
		sqlite3_bind_text(ins, 4, cw >= 0 ? row.fields[cw] : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 5, cs >= 0 ? row.fields[cs] : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 6, cm >= 0 ? row.fields[cm] : "", -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
			csv_row_free(&row);
			sqlite3_finalize(ins);
			goto out;
		}
		rows++;
		csv_row_free(&row);
	}
	sqlite3_finalize(ins);
	if (rc < 0) {
		snprintf(err, errlen, "%s:%ld: %s", addresses_csv, r.line, msg);
		goto out;
	}
	if (!rows) {
		snprintf(err, errlen, "%s: no usable addresses", addresses_csv);
		goto out;
	}
	(void)sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	struct sb p4, p6;
	sb_init(&p4, 4096);
	sb_init(&p6, 4096);
	sb_appendf(&p4, "%s/pc4.csv", out_dir);
	sb_appendf(&p6, "%s/pc6.csv", out_dir);
	ok = write_table(db, pc4_sql, sb_str(&p4),
	                 "pc4,latitude,longitude,wijk,stadsdeel,municipality", err, errlen) &&
	     write_table(db, pc6_sql, sb_str(&p6),
	                 "pc6,latitude,longitude,wijk,stadsdeel,municipality", err, errlen);
	if (ok)
		fprintf(stderr, "wijkwijzer-import: %zu addresses -> %s and %s\n", rows,
		        sb_str(&p4), sb_str(&p6));
	sb_free(&p4);
	sb_free(&p6);
out:
	csv_row_free(&head);
	sqlite3_close(db);
	sb_free(&data);
	return ok;
}
