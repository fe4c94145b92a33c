/* mime: an e-mail message as RFC 5322 / MIME text, built in an sb.
 *
 * Pure functions, any thread. Every line ends in CRLF and no line is
 * longer than 78 characters: a subject that is not short plain ASCII
 * becomes RFC 2047 encoded words (UTF-8, base64), folded; the text part
 * is quoted-printable, the calendar part base64, both in lines of at
 * most 76 characters. */
#ifndef WW_MIME_H
#define WW_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/sb.h"

struct mime_message {
	const char *from;      /* the sender's address */
	const char *from_name; /* its display name (UTF-8), NULL: none */
	const char *to;        /* the recipient's address */
	const char *subject;   /* UTF-8 */
	const char *lang;      /* Content-Language ("nl"), NULL: none */
	const char *text;      /* the text part, UTF-8, '\n' line ends */
	/* an RFC 5545 calendar file attached as invite.ics (NULL: none) and
	   its METHOD ("PUBLISH", "REQUEST", "CANCEL"), repeated in the
	   part's Content-Type as RFC 6047 asks */
	const char *calendar;
	const char *calendar_method;
	time_t date;
	/* the domain of the Message-ID (its left side is random) */
	const char *id_domain;
};

/* The whole message, headers and body. False when out failed or an
 * address holds a CR, LF or other control character, or '<' '>'. */
bool mime_build(struct sb *out, const struct mime_message *m);

/* A header's value as RFC 2047 encoded words ("=?UTF-8?B?...?="), each
 * of at most 75 characters and cut only between characters, joined by
 * CRLF and a space (folding); used is how much of the first line the
 * header's name already takes. Plain printable ASCII that fits stays
 * as it is. */
bool mime_header_text(struct sb *out, const char *utf8, size_t used);

/* Quoted-printable (RFC 2045 6.7) of UTF-8 text with '\n' or "\r\n" line
 * ends: CRLF line ends, soft line breaks so that no line passes 76
 * characters, a space or tab at a line's end encoded. */
bool mime_qp(struct sb *out, const char *text);

/* Base64 in lines of 76 characters, each ending in CRLF. */
bool mime_base64(struct sb *out, const unsigned char *data, size_t n);

#endif
