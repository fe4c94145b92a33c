#include "store/site.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

bool site_load(struct store *content, struct site_info *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st =
	    store_stmt(content, "SELECT municipality, example = 'ja', (SELECT count(*) FROM "
	                        "ap_locations), (SELECT min(pc4) FROM pc4), (SELECT max(pc4) "
	                        "FROM pc4), phone, phone_opens, phone_closes FROM site LIMIT 1");
	if (!st)
		return false;
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		snprintf(out->municipality, sizeof(out->municipality), "%s", store_text(st, 0));
		out->example = sqlite3_column_int(st, 1) != 0;
		out->wijkwijzers = sqlite3_column_int(st, 2);
		snprintf(out->pc4_first, sizeof(out->pc4_first), "%s", store_text(st, 3));
		snprintf(out->pc4_last, sizeof(out->pc4_last), "%s", store_text(st, 4));
		snprintf(out->phone, sizeof(out->phone), "%s", store_text(st, 5));
		snprintf(out->phone_opens, sizeof(out->phone_opens), "%s", store_text(st, 6));
		snprintf(out->phone_closes, sizeof(out->phone_closes), "%s", store_text(st, 7));
	}
	sqlite3_reset(st);
	return ok;
}
