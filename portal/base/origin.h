/* origin: the portal's one public address, and whether a request comes
 * from it.
 *
 * Absolute URLs (QR codes, calendar files, enrolment links) are built
 * from this address only, never from the Host header, which any client
 * can set. It is --public-url, or, on a loopback listener without it,
 * the listen address itself (a development or single-machine set-up; a
 * phone cannot open such a URL, so kiosk pages warn instead of showing
 * a QR code). */
#ifndef WW_ORIGIN_H
#define WW_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

struct public_origin {
	char base[300]; /* scheme://host[:port], no trailing slash */
	char host[256]; /* lower case, IPv6 in brackets */
	int port;       /* always set: 80 or 443 when the URL has none */
	bool https;
	bool derived; /* from the listen address, not from --public-url */
};

/* Parses an http(s) URL of the form scheme://host[:port][/]: no path,
 * query, fragment or user. */
bool origin_parse(const char *url, struct public_origin *out, char *err, size_t errlen);
/* 127.0.0.0/8, ::1 and "localhost". */
bool origin_listen_is_loopback(const char *listen);
/* The public origin of a loopback listener without --public-url. */
bool origin_from_listen(const char *listen, int port, struct public_origin *out);
/* Does an Origin header value name the public origin? For a derived
 * origin the request's own Host is what the browser used, so the
 * Origin must be http:// and that Host. */
bool origin_matches(const struct public_origin *pub, const char *origin, const char *host);

/* The name of a session cookie (a string literal): with the __Host-
 * prefix on an https public address, so no other host (a sibling
 * subdomain) can set one; the prefix needs Secure, hence only there. */
#define ORIGIN_COOKIE(pub, name) ((pub).https ? "__Host-" name : name)

#endif
