/* json: a strict parser for flat JSON objects (string, number, boolean and
 * null members), which is all the API and the WebSocket protocol accept.
 * Nested values, duplicate keys, invalid UTF-8, lone surrogates and
 * trailing bytes are rejected. Output is written with json_string() from
 * html.h and plain sb_appendf. */
#ifndef WW_JSON_H
#define WW_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_FIELDS 32
#define JSON_MAX_STRING 4096

enum json_type { JSON_STRING, JSON_NUMBER, JSON_BOOL, JSON_NULL };

struct json_field {
	char *key;
	enum json_type type;
	char *str; /* JSON_STRING: decoded UTF-8; JSON_NUMBER: its text */
	double num;
	bool b;
};

struct json_object {
	struct json_field f[JSON_MAX_FIELDS];
	size_t n;
};

enum json_error {
	JSON_OK = 0,
	JSON_SYNTAX,
	JSON_NESTED,
	JSON_TOO_BIG,
	JSON_DUPLICATE,
	JSON_NO_MEMORY,
};

enum json_error json_parse_object(const char *s, size_t n, struct json_object *out);
void json_object_free(struct json_object *o);
const struct json_field *json_get(const struct json_object *o, const char *key);
/* The string member or NULL when absent or of another type. */
const char *json_get_string(const struct json_object *o, const char *key);

#endif
