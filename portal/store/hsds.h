/* hsds: the catalogue as HSDS 3.0 JSON (Open Referral), in the shape of
 * the HSDS API: a service with its organization, phones, schedules,
 * service_at_locations (each with its location, addresses, phones,
 * schedules, languages and attributes), languages, cost_options and
 * attributes (with their taxonomy_term); an organization with its phones
 * and locations; and the paginated list around them (total_items,
 * total_pages, page_number, size, first_page, last_page, empty,
 * contents). Ids are the uuids of the content (services.uuid, ...), keys
 * with no value are left out, texts are the Dutch source texts. Only
 * active services are shown, as on the rest of the portal.
 *
 * Built in SQL (json_object) from content.db, so the server's endpoints
 * (/hsds/...) and the importer's export (--export-hsds) give the same
 * objects. */
#ifndef WW_HSDS_H
#define WW_HSDS_H

#include <stdbool.h>

#include "base/sb.h"
#include "store/catalog.h"

#define HSDS_PER_PAGE     50
#define HSDS_PER_PAGE_MAX 100

enum hsds_result { HSDS_FOUND, HSDS_NOT_FOUND, HSDS_ERROR };

/* One service (uuid) as HSDS JSON into out. */
enum hsds_result hsds_service(struct catalog *c, const char *uuid, struct sb *out);
/* A page (from 1) of per_page services; a page past the end is empty. */
bool hsds_services(struct catalog *c, long page, long per_page, struct sb *out);
enum hsds_result hsds_organization(struct catalog *c, const char *uuid, struct sb *out);
bool hsds_organizations(struct catalog *c, long page, long per_page, struct sb *out);

/* Writes services.json and organizations.json (each one page with every
 * object) into outdir, read from the content database at db_path. */
bool hsds_export(const char *db_path, const char *outdir, char *err, size_t errlen);

#endif
