/* store/content_edit: content_patch_csv, the step of a publication that
 * applies a part's new values to its content file. Read back with the
 * CSV reader, so that quoting is checked by what comes out, not by how
 * it is spelled. */
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/sb.h"
#include "store/content_edit.h"
#include "unit.h"

#define MAX_ROWS 16

/* A CSV text as rows of fields. */
struct table { /* rows[0] is the header */
	struct csv_row rows[MAX_ROWS];
	size_t n;
};

static bool read_table(const char *data, struct table *t)
{
	struct csv_reader r;
	char msg[128];
	int rc = 0;
	t->n = 0;
	csv_init(&r, data, strlen(data));
	while (t->n < MAX_ROWS && (rc = csv_next(&r, &t->rows[t->n], msg, sizeof(msg))) > 0)
		t->n++;
	return rc == 0;
}

static void free_table(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		csv_row_free(&t->rows[i]);
	t->n = 0;
}

static int col(const struct table *t, const char *name)
{
	for (size_t i = 0; t->n && i < t->rows[0].n; i++)
		if (strcmp(t->rows[0].fields[i], name) == 0)
			return (int)i;
	return -1;
}

/* Cell (row, column name) of t ("" when there is no such cell) */
static const char *cell(const struct table *t, size_t row, const char *name)
{
	int c = col(t, name);
	if (c < 0 || row >= t->n || (size_t)c >= t->rows[row].n)
		return "";
	return t->rows[row].fields[c];
}

/* The number of rows (after the header) whose column name is value. */
static size_t count(const struct table *t, const char *name, const char *value)
{
	size_t n = 0;
	for (size_t r = 1; r < t->n; r++)
		n += strcmp(cell(t, r, name), value) == 0;
	return n;
}

/* The row (after the header) whose column name is value; 0: none. */
static size_t find(const struct table *t, const char *name, const char *value)
{
	for (size_t r = 1; r < t->n; r++)
		if (strcmp(cell(t, r, name), value) == 0)
			return r;
	return 0;
}

static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return false;
	}
	return true;
}

/* Patches data with the part's values (a draft's CSV) into t; false when
 * the patch or the reading failed. */
static bool patch(const char *data, const char *part, const char *key, const char *draft,
                  struct table *t)
{
	const struct content_part *p = content_part_find(part);
	struct content_values vals;
	struct sb out;
	char err[256] = "";
	if (!p || !content_values_parse(p, draft, &vals))
		return false;
	sb_init(&out, 1 << 20);
	bool ok = content_patch_csv(data, strlen(data), p, key, &vals, &out, err, sizeof(err));
	if (!ok)
		fprintf(stderr, "  content_patch_csv: %s\n", err);
	ok = ok && read_table(sb_str(&out), t);
	content_values_free(&vals);
	sb_free(&out);
	return ok;
}

static const char organizations[] = "id,name,description,website,email,x_extra\n"
                                    "org-1,Een,Eerste,https://een.nl,info@een.nl,blijft\n"
                                    "org-2,Twee,Tweede,https://twee.nl,info@twee.nl,ook\n";

static void one_row_part(void)
{
	struct table t;
	/* a one-row part sets its columns and keeps the others */
	CHECK(patch(
	    organizations, "organization", "org-2",
	    "name,description,website,email\nTwee nieuw,Anders,https://twee.nl/x,a@twee.nl\n", &t));
	CHECK(t.n == 3);
	size_t r = find(&t, "id", "org-2");
	CHECK(r == 2); /* the order of the rows stays */
	CHECK_STR(cell(&t, r, "name"), "Twee nieuw");
	CHECK_STR(cell(&t, r, "description"), "Anders");
	CHECK_STR(cell(&t, r, "website"), "https://twee.nl/x");
	CHECK_STR(cell(&t, r, "x_extra"), "ook");
	r = find(&t, "id", "org-1");
	CHECK_STR(cell(&t, r, "name"), "Een");
	CHECK_STR(cell(&t, r, "x_extra"), "blijft");
	free_table(&t);

	/* quoting survives: a comma, quotes and a line break */
	const char *tricky = "Een, \"twee\"\nen drie";
	CHECK(patch(organizations, "organization", "org-1",
	            "name,description,website,email\n\"Een, \"\"twee\"\"\nen drie\",,,\n", &t));
	CHECK(t.n == 3);
	r = find(&t, "id", "org-1");
	CHECK_STR(cell(&t, r, "name"), tricky);
	CHECK_STR(cell(&t, r, "description"), "");
	CHECK_STR(cell(&t, r, "x_extra"), "blijft");
	CHECK_STR(cell(&t, find(&t, "id", "org-2"), "name"), "Twee");
	free_table(&t);
}

static const char respite[] =
    "service_id,setting,times,provider,notice_days,min_duration_hours,payer,for_whom,notes\n"
    "svc-1,thuis,dag,zorgaanbieder,2,3,zorgverzekeraar,ouderen,\n";

static void missing_row_added(void)
{
	struct table t;
	/* the entry has no row: it is added, and the key is set */
	CHECK(patch(respite, "respite", "svc-9",
	            "setting,times,provider,notice_days,min_duration_hours,payer,for_whom,notes\n"
	            "logeerhuis,dag;nacht,vrijwilliger,5,24,gemeente,iedereen,\"a, b\"\n",
	            &t));
	CHECK(t.n == 3);
	size_t r = find(&t, "service_id", "svc-9");
	CHECK(r == 2);
	CHECK_STR(cell(&t, r, "times"), "dag;nacht");
	CHECK_STR(cell(&t, r, "notes"), "a, b");
	CHECK_STR(cell(&t, find(&t, "service_id", "svc-1"), "setting"), "thuis");
	free_table(&t);

	/* a file with an id column of its own: the new row gets a new uuid */
	CHECK(patch("id,location_id,address_1,postal_code,city,country\n"
	            "adr-1,loc-1,Markt 1,7511 AA,Enschede,NL\n",
	            "address", "loc-2", "address_1,postal_code,city\nBrink 2,7512 BB,Enschede\n",
	            &t));
	CHECK(t.n == 3);
	r = find(&t, "location_id", "loc-2");
	CHECK(r == 2);
	CHECK(is_uuid(cell(&t, r, "id")));
	CHECK_STR(cell(&t, r, "address_1"), "Brink 2");
	CHECK_STR(cell(&t, r, "country"), "");
	CHECK_STR(cell(&t, find(&t, "location_id", "loc-1"), "id"), "adr-1");
	free_table(&t);

	/* two new rows get two different ids */
	struct table t2;
	CHECK(patch("id,location_id,address_1,postal_code,city\n", "address", "loc-1",
	            "address_1,postal_code,city\nA 1,7511 AA,E\n", &t));
	CHECK(patch("id,location_id,address_1,postal_code,city\n", "address", "loc-1",
	            "address_1,postal_code,city\nA 1,7511 AA,E\n", &t2));
	CHECK(t.n == 2 && t2.n == 2 && strcmp(cell(&t, 1, "id"), cell(&t2, 1, "id")) != 0);
	free_table(&t);
	free_table(&t2);
}

static const char schedules[] =
    "id,service_id,location_id,freq,byday,opens_at,closes_at,valid_from,valid_to,description,"
    "attending_type\n"
    "s-1,svc-1,,WEEKLY,MO,09:00,12:00,,,,\n"
    "s-2,svc-1,,WEEKLY,TU,09:00,12:00,,,,\n"
    "s-3,svc-2,,WEEKLY,MO,13:00,17:00,,,,\n"
    "l-1,,loc-1,WEEKLY,MO,08:30,17:00,,,,\n"
    "l-2,svc-1,loc-1,WEEKLY,WE,10:00,11:00,,,dienst hier,\n"
    "l-3,,loc-1,WEEKLY,FR,08:30,12:00,,,,\n";

static void many_row_part(void)
{
	struct table t;
	/* the service's own rows are replaced by exactly the new ones; the
	 * other services' and locations' rows, and its hours at a location,
	 * stay */
	CHECK(patch(schedules, "service_hours", "svc-1",
	            "freq,byday,opens_at,closes_at,attending_type,description\n"
	            "WEEKLY,WE,09:00,12:00,in_person,\n"
	            "WEEKLY,SA,10:00,12:00,in_person,\"Zaterdag, op afspraak\"\n",
	            &t));
	CHECK(t.n == 7);
	CHECK(count(&t, "service_id", "svc-1") == 3);
	/* l-2 is the service's hours at loc-1: not the service's own */
	CHECK(!find(&t, "id", "s-1") && !find(&t, "id", "s-2") && find(&t, "id", "l-2"));
	CHECK_STR(cell(&t, find(&t, "id", "l-2"), "location_id"), "loc-1");
	CHECK(find(&t, "id", "s-3") && find(&t, "id", "l-1") && find(&t, "id", "l-3"));
	size_t sa = find(&t, "byday", "SA");
	CHECK(sa > 0);
	CHECK_STR(cell(&t, sa, "service_id"), "svc-1");
	CHECK_STR(cell(&t, sa, "opens_at"), "10:00");
	CHECK_STR(cell(&t, sa, "description"), "Zaterdag, op afspraak");
	CHECK(is_uuid(cell(&t, sa, "id")));
	free_table(&t);

	/* no rows: the service's hours are gone, nothing else */
	CHECK(patch(schedules, "service_hours", "svc-2",
	            "freq,byday,opens_at,closes_at,attending_type,description\n", &t));
	CHECK(t.n == 6);
	CHECK(count(&t, "service_id", "svc-2") == 0 && count(&t, "service_id", "svc-1") == 3);
	free_table(&t);

	/* with `empty`: a location's own hours are its rows without a
	 * service; the row of a service at the location (l-2) stays */
	CHECK(patch(schedules, "location_hours", "loc-1",
	            "freq,byday,opens_at,closes_at,description\n"
	            "WEEKLY,TH,09:00,16:00,\n",
	            &t));
	CHECK(t.n == 6);
	CHECK(!find(&t, "id", "l-1") && !find(&t, "id", "l-3"));
	CHECK(find(&t, "id", "l-2") > 0);
	CHECK_STR(cell(&t, find(&t, "id", "l-2"), "description"), "dienst hier");
	size_t th = find(&t, "byday", "TH");
	CHECK(th > 0);
	CHECK_STR(cell(&t, th, "location_id"), "loc-1");
	CHECK_STR(cell(&t, th, "service_id"), "");
	CHECK(count(&t, "location_id", "loc-1") == 2);
	free_table(&t);

	/* a part keyed by slug (appointments/): new rows get a slug id */
	CHECK(patch("id,location_id,date,reason\n"
	            "dicht-a,ww-1,2026-12-10,\"Teamdag, iedereen\"\n"
	            "dicht-b,ww-2,2026-12-11,Verbouwing\n",
	            "closed_days", "ww-1", "date,reason\n2027-01-02,\"Dicht \"\"echt\"\"\"\n", &t));
	CHECK(t.n == 3);
	CHECK(!find(&t, "id", "dicht-a") && find(&t, "id", "dicht-b"));
	size_t r = find(&t, "location_id", "ww-1");
	CHECK(r > 0);
	CHECK_STR(cell(&t, r, "reason"), "Dicht \"echt\"");
	CHECK(strncmp(cell(&t, r, "id"), "dicht-", 6) == 0 && !is_uuid(cell(&t, r, "id")));
	free_table(&t);
}

static void refused(void)
{
	const struct content_part *p = content_part_find("organization");
	struct content_values vals;
	struct sb out;
	char err[256] = "";
	CHECK(p && content_values_parse(p, "name,description,website,email\nX,,,\n", &vals));
	sb_init(&out, 1 << 20);
	/* a file without the part's columns is refused, with the file named */
	const char *file = "id,name\norg-1,Een\n";
	CHECK(!content_patch_csv(file, strlen(file), p, "org-1", &vals, &out, err, sizeof(err)));
	CHECK(strstr(err, "catalog/organizations.csv") != NULL);
	content_values_free(&vals);
	sb_free(&out);
	CHECK(content_part_find("bestaat-niet") == NULL);
}

void test_content_patch_csv(void)
{
	one_row_part();
	missing_row_added();
	many_row_part();
	refused();
}
