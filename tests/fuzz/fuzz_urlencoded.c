/* Fuzzes form and query decoding: params_parse_urlencoded (http.h) and
 * text_url_decode (text.h). Every accepted parameter must be valid UTF-8
 * without NUL bytes and within the limits of http.h. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy: ASan flags any read past size */
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);

	struct params p = {0};
	enum params_error e = params_parse_urlencoded(&p, s, size);
	assert(p.n <= HTTP_MAX_PARAMS);
	for (size_t i = 0; i < p.n; i++) {
		size_t nl = strlen(p.v[i].name), vl = strlen(p.v[i].value);
		assert(nl <= 64 && vl <= HTTP_MAX_PARAM_VALUE);
		assert(text_utf8_valid(p.v[i].name, nl) && text_utf8_valid(p.v[i].value, vl));
		assert(params_get(&p, p.v[i].name) != NULL);
	}
	(void)e;
	params_free(&p);

	struct sb out;
	sb_init(&out, 0);
	if (text_url_decode(&out, s, size)) {
		assert(out.len <= size);
		assert(strlen(sb_str(&out)) <= out.len);
		/* what decodes also encodes and decodes back to the same bytes
		 * (when it has no NUL, which a C string cannot carry) */
		if (strlen(sb_str(&out)) == out.len) {
			struct sb enc, back;
			sb_init(&enc, 0);
			sb_init(&back, 0);
			if (text_url_encode(&enc, sb_str(&out)) &&
			    text_url_decode(&back, sb_str(&enc), enc.len)) {
				assert(back.len == out.len &&
				       (!out.len || memcmp(back.data, out.data, out.len) == 0));
			}
			sb_free(&enc);
			sb_free(&back);
		}
	}
	sb_free(&out);
	free(s);
	return 0;
}
