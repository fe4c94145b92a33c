/* Fuzzes the header parsers of compress.h: compress_accepted
 * (Accept-Encoding) and compress_etag_match (If-None-Match). The input is
 * the header; for compress_etag_match everything after its first newline
 * is also tried as the server's entity-tag. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/compress.h"
#include "base/sb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const etags[] = {
    "\"2cd9b95fd945b982\"",
    "\"2cd9b95fd945b982-gzip\"",
    "W/\"2cd9b95fd945b982-br\"",
    "\"\"",
};

/* The opaque tag of an entity-tag: without W/. */
static const char *opaque(const char *etag)
{
	return strncmp(etag, "W/", 2) == 0 ? etag + 2 : etag;
}

static void check_accepted(const char *s)
{
	unsigned m = compress_accepted(s);
	assert((m & ~(COMPRESS_GZIP | COMPRESS_BR)) == 0);
	assert(compress_accepted(s) == m);
	/* a coding is only accepted when named, or covered by "*" */
	bool star = strchr(s, '*') != NULL;
	if (m & COMPRESS_GZIP)
		assert(star || strcasestr(s, "gzip"));
	if (m & COMPRESS_BR)
		assert(star || strcasestr(s, "br"));
	/* without quotes, nothing can swallow an element appended to the
	 * list: a refusal at the end refuses, whatever came before */
	if (!strchr(s, '"')) {
		struct sb b;
		sb_init(&b, 0);
		sb_puts(&b, s);
		sb_puts(&b, ", gzip;q=0,BR;Q=0.000");
		if (!sb_failed(&b))
			assert(compress_accepted(sb_str(&b)) == 0);
		sb_free(&b);
	}
}

static void check_etag(const char *inm, const char *etag)
{
	bool match = compress_etag_match(inm, etag);
	assert(compress_etag_match(inm, etag) == match);
	/* a match needs "*" or the tag itself in the header */
	if (match && !strchr(inm, '*'))
		assert(strstr(inm, opaque(etag)));
	/* a header without quotes cannot hide an element appended to it */
	if (!match && !strchr(inm, '"') && compress_etag_match(etag, etag)) {
		struct sb b;
		sb_init(&b, 0);
		sb_puts(&b, inm);
		sb_puts(&b, ",W/");
		sb_puts(&b, opaque(etag));
		if (!sb_failed(&b))
			assert(compress_etag_match(sb_str(&b), etag));
		sb_free(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_accepted(s);
	for (size_t i = 0; i < sizeof(etags) / sizeof(etags[0]); i++) {
		assert(compress_etag_match(etags[i], etags[i]));
		check_etag(s, etags[i]);
	}
	char *nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		check_etag(s, nl + 1);
		(void)compress_etag_match(nl + 1, nl + 1);
	}
	free(s);
	return 0;
}
