/* Fuzzes the strict flat-object JSON parser: json_parse_object (json.h).
 * What parses is written back with json_string (html.h) and must parse
 * again to the same members: the writer and the reader agree. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/html.h"
#include "base/json.h"
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	struct json_object o;
	enum json_error e = json_parse_object(s, size, &o);
	if (e == JSON_OK) {
		assert(o.n <= JSON_MAX_FIELDS);
		struct sb out;
		sb_init(&out, 0);
		sb_putc(&out, '{');
		for (size_t i = 0; i < o.n; i++) {
			const struct json_field *f = &o.f[i];
			assert(f->key && text_utf8_valid(f->key, strlen(f->key)));
			assert(json_get(&o, f->key) == f);
			if (i)
				sb_putc(&out, ',');
			json_string(&out, f->key);
			sb_putc(&out, ':');
			switch (f->type) {
			case JSON_STRING:
				assert(f->str && text_utf8_valid(f->str, strlen(f->str)));
				json_string(&out, f->str);
				break;
			case JSON_NUMBER:
				sb_puts(&out, f->str);
				break;
			case JSON_BOOL:
				sb_puts(&out, f->b ? "true" : "false");
				break;
			case JSON_NULL:
				sb_puts(&out, "null");
				break;
			}
		}
		sb_putc(&out, '}');
		assert(!sb_failed(&out));
		struct json_object again;
		enum json_error e2 = json_parse_object(out.data, out.len, &again);
		/* json_string escapes more than it must (<>&' as \u00XX), but
		 * every escape decodes back to the same bytes */
		assert(e2 == JSON_OK);
		assert(again.n == o.n);
		for (size_t i = 0; i < o.n; i++) {
			assert(strcmp(again.f[i].key, o.f[i].key) == 0);
			assert(again.f[i].type == o.f[i].type);
			if (o.f[i].type == JSON_STRING || o.f[i].type == JSON_NUMBER)
				assert(strcmp(again.f[i].str, o.f[i].str) == 0);
			if (o.f[i].type == JSON_BOOL)
				assert(again.f[i].b == o.f[i].b);
		}
		json_object_free(&again);
		sb_free(&out);
		json_object_free(&o);
	}
	free(s);
	return 0;
}
