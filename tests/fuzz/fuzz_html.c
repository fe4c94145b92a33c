/* Fuzzes the escaping HTML writer (html.h): html_text, html_textn,
 * html_fmt, html_textf and html_attr with the input as the argument. No
 * '<', '>', '"' or '\'' from the input may come out. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* out must not hold any of the characters that end text or an attribute. */
static void clean(const struct sb *out, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		assert(out->data[i] != '<' && out->data[i] != '>' && out->data[i] != '"' &&
		       out->data[i] != '\'');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16 * 1024) /* html_fmt formats one argument in at most 64 KiB */
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	struct sb out;

	sb_init(&out, 0);
	assert(html_text(&out, s));
	clean(&out, 0, out.len);
	sb_free(&out);

	sb_init(&out, 0);
	assert(html_textn(&out, s, size)); /* with any NUL bytes inside */
	clean(&out, 0, out.len);
	assert(strlen(sb_str(&out)) == out.len);
	sb_free(&out);

	/* the markup is ours; everything between its fixed parts is escaped */
	sb_init(&out, 0);
	assert(html_fmt(&out, "[%s|%.7s|%-12s|%c|%d]", s, s, s, size ? s[0] : 'x', (int)size));
	clean(&out, 0, out.len);
	sb_free(&out);

	sb_init(&out, 0);
	assert(html_fmt(&out, "<p title=\"%s\">%s</p>", s, s));
	const char *open = "<p title=\"", *mid = "\">", *close = "</p>";
	assert(out.len >= strlen(open) + strlen(mid) + strlen(close));
	assert(memcmp(out.data, open, strlen(open)) == 0);
	assert(memcmp(out.data + out.len - strlen(close), close, strlen(close)) == 0);
	const char *m = strstr(out.data + strlen(open), mid);
	assert(m);
	clean(&out, strlen(open), (size_t)(m - out.data));
	clean(&out, (size_t)(m - out.data) + strlen(mid), out.len - strlen(close));
	sb_free(&out);

	sb_init(&out, 0);
	assert(html_textf(&out, "%s (%zu)", s, size));
	clean(&out, 0, out.len);
	sb_free(&out);

	sb_init(&out, 0);
	assert(html_attr(&out, "value", s));
	assert(out.len >= 9 && memcmp(out.data, " value=\"", 8) == 0 &&
	       out.data[out.len - 1] == '"');
	clean(&out, 8, out.len - 1);
	sb_free(&out);

	free(s);
	return 0;
}
