/* The suppression rule and the search text normalizer of domain/insight.c. */
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/sb.h"
#include "domain/insight.h"
#include "unit.h"

static const char *norm(const char *q, char *out)
{
	return insight_normalize_query(q, out, INSIGHT_QUERY_MAX + 1) ? out : NULL;
}

void test_insight(void)
{
	char c[24];
	CHECK_STR(insight_cell(0, c, sizeof(c)), "0");
	CHECK_STR(insight_cell(-3, c, sizeof(c)), "0");
	for (long n = 1; n < 10; n++)
		CHECK_STR(insight_cell(n, c, sizeof(c)), "< 10");
	CHECK_STR(insight_cell(10, c, sizeof(c)), "10");
	CHECK_STR(insight_cell(12345, c, sizeof(c)), "12345");
	CHECK(insight_exact(0) && !insight_exact(1) && !insight_exact(9) && insight_exact(10));

	char o[INSIGHT_QUERY_MAX + 1];
	CHECK_STR(norm("  Zwemles   voor\tPAARDEN \n", o), "zwemles voor paarden");
	CHECK_STR(norm("Wmo 2015", o), "wmo 2015");
	CHECK_STR(norm("hulp 7511", o), "hulp 7511");
	CHECK_STR(norm("Café  Élan", o), "café Élan"); /* only ASCII is lowered */
	CHECK(norm("", o) == NULL);
	CHECK(norm("   ", o) == NULL);
	CHECK(norm("jan@example.org", o) == NULL);
	CHECK(norm("06 12345678", o) == NULL);
	CHECK(norm("0612345678", o) == NULL);
	CHECK(norm("053 481 1234", o) == NULL);
	CHECK(norm("7511 AB", o) == NULL);
	CHECK(norm("7511ab hulp", o) == NULL);
	CHECK(norm("75 11", o) == NULL);              /* digits only as one group of four */
	CHECK(norm("hengelosestraat 12", o) == NULL); /* a house number */
	CHECK(norm("7511 7512", o) == NULL);          /* two groups */
	CHECK(norm("12 34 5", o) == NULL);
	CHECK(norm("7511 abc", o) != NULL); /* a word, not a postcode */
	CHECK(norm("a\x01"
	           "b",
	           o) &&
	      strcmp(o, "ab") == 0);
	/* cut to 40 bytes, never inside a character, no space at the end */
	const char *longq = "huishoudelijke hulp en boodschappen voor ouderen";
	CHECK(norm(longq, o) && strlen(o) <= INSIGHT_QUERY_MAX && o[strlen(o) - 1] != ' ');
	CHECK(strncmp(o, "huishoudelijke hulp en boodschappen voor", 38) == 0);
	char buf[80];
	memset(buf, 'a', 39);
	memcpy(buf + 39, "\xc3\xa9xyz", 6); /* é across the cut */
	CHECK(norm(buf, o) && strlen(o) == 39);
	char w[9];
	CHECK(insight_week(1796630400, w) && strcmp(w, "2026-W50") == 0); /* 7 Dec 2026 */

	/* the CSV cells of the export are formula-safe */
	struct sb s;
	sb_init(&s, 256);
	csv_cell(&s, "=cmd()", false);
	csv_cell(&s, "a\"b", true);
	CHECK_STR(sb_str(&s), "\"'=cmd()\",\"a\"\"b\"\r\n");
	sb_free(&s);
}
