#include "store/hsds.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"

/* The objects, as SQL expressions. Every object goes through
 * json_patch('{}', ...), which leaves out the keys whose value is NULL
 * (JSON merge patch), so an empty field is absent rather than null: the
 * HSDS schema types its fields as strings or numbers. A list is
 * json_group_array over a subquery in file order (_line). References are
 * written as the uuid of the row they point to. */
/* (clang-format does not settle on these string macros) */
/* clang-format off */
#define UUID_OF(table, slug) "(SELECT uuid FROM " table " WHERE id = " slug ")"
#define LIST(row, from) \
	"json((SELECT json_group_array(json(j)) FROM (SELECT " row " AS j " from ")))"

#define TERM \
	"json_patch('{}', json_object('id', t.uuid, 'code', t.code, 'name', t.name," \
	" 'description', t.description, 'taxonomy', t.taxonomy, 'parent_id'," \
	" (SELECT pt.uuid FROM taxonomy_terms pt WHERE pt.id = t.parent_id)))"
#define ATTRIBUTES(entity, uuid) \
	LIST("json_patch('{}', json_object('id', a.uuid, 'link_id', a.link_id," \
	     " 'link_type', a.link_type, 'link_entity', a.link_entity," \
	     " 'taxonomy_term_id', t.uuid, 'taxonomy_term', json(" TERM ")))", \
	     "FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id" \
	     " WHERE a.link_entity = '" entity "' AND a.link_id = " uuid " ORDER BY a._line")
#define PHONES(col, key) \
	LIST("json_patch('{}', json_object('id', p.uuid," \
	     " 'service_id', " UUID_OF("services", "p.service_id") "," \
	     " 'location_id', " UUID_OF("locations", "p.location_id") "," \
	     " 'organization_id', " UUID_OF("organizations", "p.organization_id") "," \
	     " 'number', p.number, 'type', p.type, 'description', p.description))", \
	     "FROM phones p WHERE p." col " = " key " ORDER BY p._line")
#define SCHEDULES(col, key) \
	LIST("json_patch('{}', json_object('id', h.uuid," \
	     " 'service_id', " UUID_OF("services", "h.service_id") "," \
	     " 'location_id', " UUID_OF("locations", "h.location_id") "," \
	     " 'valid_from', h.valid_from, 'valid_to', h.valid_to, 'freq', h.freq," \
	     " 'byday', h.byday, 'opens_at', h.opens_at, 'closes_at', h.closes_at," \
	     " 'description', h.description, 'attending_type', h.attending_type))", \
	     "FROM schedules h WHERE h." col " = " key " ORDER BY h._line")
#define LANGUAGES(col, key) \
	LIST("json_patch('{}', json_object('id', g.uuid," \
	     " 'service_id', " UUID_OF("services", "g.service_id") "," \
	     " 'location_id', " UUID_OF("locations", "g.location_id") "," \
	     " 'name', g.name, 'code', g.code))", \
	     "FROM languages g WHERE g." col " = " key " ORDER BY g._line")
#define ADDRESSES \
	LIST("json_patch('{}', json_object('id', d.uuid, 'location_id', l.uuid," \
	     " 'address_1', d.address_1, 'city', d.city, 'state_province', d.state_province," \
	     " 'postal_code', d.postal_code, 'country', d.country," \
	     " 'address_type', d.address_type))", \
	     "FROM addresses d WHERE d.location_id = l.id ORDER BY d._line")
#define LOCATION \
	"json_patch('{}', json_object('id', l.uuid, 'location_type', l.location_type," \
	" 'organization_id', " UUID_OF("organizations", "l.organization_id") "," \
	" 'name', l.name, 'description', l.description, 'transportation', l.transportation," \
	" 'latitude', l.latitude, 'longitude', l.longitude," \
	" 'addresses', " ADDRESSES "," \
	" 'phones', " PHONES("location_id", "l.id") "," \
	" 'schedules', " SCHEDULES("location_id", "l.id") "," \
	" 'languages', " LANGUAGES("location_id", "l.id") "," \
	" 'attributes', " ATTRIBUTES("location", "l.uuid") "))"
#define ORGANIZATION \
	"json_patch('{}', json_object('id', o.uuid, 'name', o.name," \
	" 'description', o.description, 'website', o.website, 'email', o.email))"
#define ORGANIZATION_FULL \
	"json_patch(" ORGANIZATION ", json_object(" \
	"'phones', " PHONES("organization_id", "o.id") "," \
	" 'locations', " LIST(LOCATION, "FROM locations l WHERE l.organization_id = o.id" \
	                                " ORDER BY l._line") "))"
#define SERVICE \
	"json_patch('{}', json_object('id', s.uuid, 'organization_id', o.uuid," \
	" 'name', s.name, 'description', s.description, 'url', s.url, 'status', s.status," \
	" 'application_process', s.application_process," \
	" 'fees_description', s.fees_description," \
	" 'eligibility_description', s.eligibility_description," \
	" 'minimum_age', s.minimum_age, 'maximum_age', s.maximum_age," \
	/* HSDS: "the date that the information about the service was last \
	   checked" (x_checked.csv) */ \
	" 'assured_date', (SELECT k.checked_on FROM x_checked k WHERE k.link_id = s.uuid)," \
	" 'organization', json(" ORGANIZATION ")," \
	" 'phones', " PHONES("service_id", "s.id") "," \
	" 'schedules', " SCHEDULES("service_id", "s.id") "," \
	" 'service_at_locations', " LIST( \
	    "json_patch('{}', json_object('id', x.uuid, 'service_id', s.uuid," \
	    " 'location_id', l.uuid, 'location', json(" LOCATION ")))", \
	    "FROM service_at_location x JOIN locations l ON l.id = x.location_id" \
	    " WHERE x.service_id = s.id ORDER BY x._line") "," \
	" 'languages', " LANGUAGES("service_id", "s.id") "," \
	" 'cost_options', " LIST( \
	    "json_patch('{}', json_object('id', c.uuid, 'service_id', s.uuid," \
	    " 'option', c.option, 'currency', c.currency, 'amount', c.amount," \
	    " 'amount_description', c.amount_description))", \
	    "FROM cost_options c WHERE c.service_id = s.id ORDER BY c._line") "," \
	" 'attributes', " ATTRIBUTES("service", "s.uuid") "))"
/* clang-format on */

static const char service_one[] = "SELECT " SERVICE " FROM services s JOIN organizations o ON "
                                  "o.id = s.organization_id WHERE s.uuid = ?1 AND s.status = "
                                  "'active'";
static const char service_page[] = "SELECT " SERVICE " FROM services s JOIN organizations o ON "
                                   "o.id = s.organization_id WHERE s.status = 'active' ORDER BY "
                                   "s._line LIMIT ?1 OFFSET ?2";
static const char service_count[] = "SELECT count(*) FROM services WHERE status = 'active'";
static const char organization_one[] =
    "SELECT " ORGANIZATION_FULL " FROM organizations o WHERE o.uuid = ?1";
static const char organization_page[] =
    "SELECT " ORGANIZATION_FULL " FROM organizations o ORDER BY o._line LIMIT ?1 OFFSET ?2";
static const char organization_count[] = "SELECT count(*) FROM organizations";

/* how the statements are got: cached on a server connection, or
 * prepared on the exporter's own */
struct src {
	struct store *store;
	sqlite3 *db;
	sqlite3_stmt *own;
};

static sqlite3_stmt *stmt(struct src *s, const char *sql)
{
	if (s->store)
		return store_stmt(s->store, sql);
	sqlite3_finalize(s->own);
	s->own = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &s->own, NULL) != SQLITE_OK)
		return NULL;
	return s->own;
}

static enum hsds_result one(struct src *s, const char *sql, const char *uuid, struct sb *out)
{
	sqlite3_stmt *st = stmt(s, sql);
	if (!st || sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return HSDS_ERROR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return HSDS_NOT_FOUND;
	if (rc != SQLITE_ROW)
		return HSDS_ERROR;
	sb_puts(out, store_text(st, 0));
	return sb_failed(out) ? HSDS_ERROR : HSDS_FOUND;
}

static bool page_of(struct src *s, const char *count_sql, const char *page_sql, long page,
                    long per_page, struct sb *out)
{
	sqlite3_stmt *st = stmt(s, count_sql);
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return false;
	long long total = sqlite3_column_int64(st, 0);
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 1;
	long long pages = (total + per_page - 1) / per_page;
	st = stmt(s, page_sql);
	if (!st || sqlite3_bind_int64(st, 1, per_page) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (long long)(page - 1) * per_page) != SQLITE_OK)
		return false;
	struct sb items;
	sb_init(&items, 0);
	long n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++)
			sb_putc(&items, ',');
		sb_puts(&items, store_text(st, 0));
	}
	bool ok = rc == SQLITE_DONE && !sb_failed(&items);
	if (ok)
		sb_appendf(out,
		           "{\"total_items\":%lld,\"total_pages\":%lld,\"page_number\":%ld,"
		           "\"size\":%ld,\"first_page\":%s,\"last_page\":%s,\"empty\":%s,"
		           "\"contents\":[%s]}",
		           total, pages, page, n, page == 1 ? "true" : "false",
		           page >= pages ? "true" : "false", n == 0 ? "true" : "false",
		           items.data ? items.data : "");
	sb_free(&items);
	return ok && !sb_failed(out);
}

enum hsds_result hsds_service(struct catalog *c, const char *uuid, struct sb *out)
{
	struct src s = {catalog_store(c), NULL, NULL};
	return one(&s, service_one, uuid, out);
}

bool hsds_services(struct catalog *c, long page, long per_page, struct sb *out)
{
	struct src s = {catalog_store(c), NULL, NULL};
	return page_of(&s, service_count, service_page, page, per_page, out);
}

enum hsds_result hsds_organization(struct catalog *c, const char *uuid, struct sb *out)
{
	struct src s = {catalog_store(c), NULL, NULL};
	return one(&s, organization_one, uuid, out);
}

bool hsds_organizations(struct catalog *c, long page, long per_page, struct sb *out)
{
	struct src s = {catalog_store(c), NULL, NULL};
	return page_of(&s, organization_count, organization_page, page, per_page, out);
}

static bool write_page(struct src *s, const char *count_sql, const char *page_sql,
                       const char *outdir, const char *name, char *err, size_t errlen)
{
	struct sb body, path;
	sb_init(&body, 256u * 1024 * 1024);
	sb_init(&path, 4096);
	sb_appendf(&path, "%s/%s", outdir, name);
	bool ok = page_of(s, count_sql, page_sql, 1, 1L << 30, &body);
	if (!ok)
		snprintf(err, errlen, "%s: %s", name, sqlite3_errmsg(s->db));
	FILE *f = ok ? fopen(sb_str(&path), "w") : NULL;
	if (ok && !f) {
		snprintf(err, errlen, "%s: %s", sb_str(&path), strerror(errno));
		ok = false;
	}
	if (f) {
		fputs(sb_str(&body), f);
		fputc('\n', f);
		if (fclose(f) != 0) {
			snprintf(err, errlen, "%s: %s", sb_str(&path), strerror(errno));
			ok = false;
		}
	}
	sb_free(&body);
	sb_free(&path);
	return ok;
}

bool hsds_export(const char *db_path, const char *outdir, char *err, size_t errlen)
{
	struct src s = {NULL, NULL, NULL};
	if (sqlite3_open_v2(db_path, &s.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db_path,
		         s.db ? sqlite3_errmsg(s.db) : "cannot open");
		sqlite3_close(s.db);
		return false;
	}
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", outdir, strerror(errno));
		sqlite3_close(s.db);
		return false;
	}
	bool ok =
	    write_page(&s, service_count, service_page, outdir, "services.json", err, errlen) &&
	    write_page(&s, organization_count, organization_page, outdir, "organizations.json", err,
	               errlen);
	sqlite3_finalize(s.own);
	sqlite3_close(s.db);
	return ok;
}
