#include "base/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sb.h"
#include "base/text.h"

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->line = 1;
}

void csv_row_free(struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		free(row->fields[i]);
	row->n = 0;
}

static bool push(struct csv_row *row, struct sb *f, char *err, size_t errlen)
{
	if (row->n >= CSV_MAX_FIELDS) {
		snprintf(err, errlen, "more than %d fields", CSV_MAX_FIELDS);
		return false;
	}
	if (sb_failed(f)) {
		snprintf(err, errlen, "field %zu is too long", row->n + 1);
		return false;
	}
	if (!text_utf8_valid(sb_str(f), f->len)) {
		snprintf(err, errlen, "field %zu is not valid UTF-8", row->n + 1);
		return false;
	}
	char *s = sb_steal(f);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	row->fields[row->n++] = s;
	sb_init(f, CSV_MAX_FIELD);
	return true;
}

int csv_next(struct csv_reader *r, struct csv_row *row, char *err, size_t errlen)
{
	row->n = 0;
	if (r->pos == 0 && r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0) {
		snprintf(err, errlen,
		         "file starts with a byte order mark; save it as UTF-8 without BOM");
		return -1;
	}
	/* skip blank lines */
	while (r->pos < r->len && (r->data[r->pos] == '\n' || r->data[r->pos] == '\r')) {
		if (r->data[r->pos] == '\n')
			r->line++;
		r->pos++;
	}
	if (r->pos >= r->len)
		return 0;
	row->line = r->line;
	struct sb f;
	sb_init(&f, CSV_MAX_FIELD);
	bool quoted = false, was_quoted = false;
	while (r->pos <= r->len) {
		char c = r->pos < r->len ? r->data[r->pos] : '\n';
		bool at_end = r->pos >= r->len;
		r->pos++;
		if (c == '\0' && !at_end) {
			snprintf(err, errlen, "NUL byte in field %zu", row->n + 1);
			goto fail;
		}
		if (quoted) {
			if (at_end) {
				snprintf(err, errlen, "field %zu: quote not closed", row->n + 1);
				goto fail;
			}
			if (c == '"') {
				if (r->pos < r->len && r->data[r->pos] == '"') {
					sb_putc(&f, '"');
					r->pos++;
				} else {
					quoted = false;
				}
			} else {
				if (c == '\n')
					r->line++;
				sb_putc(&f, c);
			}
			continue;
		}
		if (c == ',') {
			if (!push(row, &f, err, errlen))
				goto fail;
			was_quoted = false;
		} else if (c == '\n' || c == '\r') {
			if (c == '\r' && r->pos < r->len && r->data[r->pos] == '\n')
				r->pos++;
			if (!at_end)
				r->line++;
			if (!push(row, &f, err, errlen))
				goto fail;
			sb_free(&f);
			return 1;
		} else if (c == '"') {
			if (f.len > 0 || was_quoted) {
				snprintf(err, errlen,
				         "field %zu: stray quote (put the whole field in quotes "
				         "and write \"\" for a quote)",
				         row->n + 1);
				goto fail;
			}
			quoted = was_quoted = true;
		} else {
			if (was_quoted) {
				snprintf(err, errlen, "field %zu: text after the closing quote",
				         row->n + 1);
				goto fail;
			}
			sb_putc(&f, c);
		}
	}
	snprintf(err, errlen, "unexpected end of data");
fail:
	sb_free(&f);
	csv_row_free(row);
	return -1;
}

void csv_cell(struct sb *o, const char *v, bool last)
{
	sb_putc(o, '"');
	if (v && strchr("=+-@\t\r", v[0]) && v[0])
		sb_putc(o, '\'');
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '"')
			sb_putc(o, '"');
		sb_putc(o, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	sb_puts(o, last ? "\"\r\n" : "\",");
}
