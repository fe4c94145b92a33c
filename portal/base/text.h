/* text: small, locale-independent text helpers (ASCII case, UTF-8
 * validation, URL encoding, number parsing). Nothing here depends on the
 * process or thread locale, so a Turkish request cannot change how "i"
 * is compared. */
#ifndef WW_TEXT_H
#define WW_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

bool text_utf8_valid(const char *s, size_t n);
char text_ascii_lower(char c);
bool text_ascii_ieq(const char *a, const char *b);
bool text_ascii_nieq(const char *a, const char *b, size_t n);
bool text_is_space(char c);

/* A path of this site (a redirect, a way back): starts with one "/", no
 * "\\", no byte below 0x21 or 0x7f (a browser drops tabs and newlines,
 * so "/\t/evil.example" would become "//evil.example"), valid UTF-8,
 * shorter than 2048 bytes. */
bool text_local_path(const char *s);
/* The digits (and a leading "+") of a phone number for a tel: link:
 * "053 000 7379" gives "0530007379"; cut to fit size. */
void text_tel(char *out, size_t size, const char *phone);
/* Parses a whole decimal integer in [min, max]; rejects signs other than a
 * leading '-', spaces, overflow and trailing garbage. */
bool text_parse_long(const char *s, long min, long max, long *out);

/* Percent-encodes s for use inside a URL query value or path segment. */
bool text_url_encode(struct sb *out, const char *s);

/* Percent-encodes a path, keeping "/" as is. */
bool text_url_path(struct sb *out, const char *path);

/* Decodes application/x-www-form-urlencoded bytes ('+' is a space).
 * Returns false on a malformed escape. */
bool text_url_decode(struct sb *out, const char *s, size_t n);

/* Copies s with leading and trailing ASCII white space removed and inner
 * runs of white space folded to one space. */
bool text_trim_fold(struct sb *out, const char *s);

/* Counts Unicode code points of a valid UTF-8 string. */
size_t text_utf8_length(const char *s);

/* The value of cookie name in a Cookie header (NULL: none), appended to out. */
bool text_cookie(const char *header, const char *name, struct sb *out);

#endif
