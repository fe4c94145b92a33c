/* Fuzzes the search text to FTS5 query step: catalog_fts_query
 * (catalog.h). The output must be only quoted words, each followed by
 * "*", so FTS5 syntax in the input has no effect; valid UTF-8 in gives
 * valid UTF-8 out (SQLite's behaviour on invalid UTF-8 is undefined). */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/catalog.h"
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	struct sb out;
	sb_init(&out, 0);
	if (catalog_fts_query(s, &out)) {
		/* "word"* "word"* ... */
		const char *p = sb_str(&out);
		size_t words = 0;
		while (*p) {
			if (words)
				assert(*p++ == ' ');
			assert(*p++ == '"');
			const char *w = p;
			while (*p && *p != '"')
				p++;
			assert(p > w && *p == '"');
			for (const char *c = w; c < p; c++)
				assert(*c != ' ' && *c != '*' && *c != '(' && *c != ':' &&
				       *c != '^');
			p++;
			assert(*p++ == '*');
			words++;
		}
		assert(words >= 1 && words <= 8);
		if (text_utf8_valid(s, strlen(s)))
			assert(text_utf8_valid(out.data, out.len));
	}
	sb_free(&out);
	free(s);
	return 0;
}
