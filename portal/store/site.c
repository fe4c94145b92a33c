#include "store/site.h"

#include <stdio.h>
#include <string.h>

#include "store/catalog.h"
#include "store/store.h"

bool site_read(struct catalog *c, struct site_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return false;
	sqlite3_stmt *st = store_stmt(catalog_store(c),
	                              "SELECT municipality, example = 'ja', (SELECT count(*) FROM "
	                              "ap_locations) FROM site LIMIT 1");
	if (!st)
		return false;
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		snprintf(out->municipality, sizeof(out->municipality), "%s", store_text(st, 0));
		out->example = sqlite3_column_int(st, 1) != 0;
		out->wijkwijzers = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return ok;
}
