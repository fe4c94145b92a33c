/* Fuzzes the content import checks: content_check_csv (content_import.h)
 * with the file named by the first input byte, the rest as the file's
 * bytes. The seeds start with a real header, so the fuzzer reaches the
 * per-field checks. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/content_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every file the importer knows (content_import.c), by the name the
 * fuzzer passes; "locations.csv" is both catalog/ and appointments/, and
 * the name selects the first. The last name is unknown on purpose. */
static const char *const names[] = {
    "taxonomy_terms.csv",
    "organizations.csv",
    "services.csv",
    "locations.csv",
    "addresses.csv",
    "x_location_area.csv",
    "service_at_location.csv",
    "phones.csv",
    "schedules.csv",
    "x_holidays.csv",
    "languages.csv",
    "attributes.csv",
    "cost_options.csv",
    "x_respite.csv",
    "advice.csv",
    "questions.csv",
    "rules.csv",
    "carer_result.csv",
    "topics.csv",
    "hours.csv",
    "closed_days.csv",
    "terminals.csv",
    "pc4.csv",
    "pc6.csv",
    "unknown.csv",
    "combinations.csv", /* last: the corpus keeps its first byte's meaning */
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *file = names[data[0] % NNAMES];
	size_t n = size - 1;
	/* an exact-size copy of the file bytes: no NUL after them */
	char *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);
	char err[512];
	err[0] = '\0';
	bool ok = content_check_csv(file, buf, n, err, sizeof(err));
	assert(ok || err[0] != '\0'); /* a refusal always says why */
	assert(memchr(err, '\0', sizeof(err)) != NULL);
	free(buf);
	return 0;
}
