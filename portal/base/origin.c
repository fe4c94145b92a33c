#include "base/origin.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool origin_parse(const char *url, struct public_origin *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *p;
	if (strncmp(url, "https://", 8) == 0) {
		out->https = true;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		snprintf(err, errlen, "must start with http:// or https://");
		return false;
	}
	size_t n = 0;
	if (*p == '[') {
		/* an IPv6 literal: hex digits, colons and dots up to ']' */
		out->host[n++] = *p++;
		while (*p && *p != ']' && n < sizeof(out->host) - 2) {
			char c = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' ||
			      c == '.'))
				break;
			out->host[n++] = c;
			p++;
		}
		if (*p != ']' || n < 3) {
			snprintf(err, errlen, "has a malformed IPv6 address");
			return false;
		}
		out->host[n++] = *p++;
	} else {
		while (*p && *p != ':' && *p != '/' && n < sizeof(out->host) - 1) {
			char c = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			if (!host_char(c))
				break;
			out->host[n++] = c;
			p++;
		}
		if (n == 0 || (*p && *p != ':' && *p != '/')) {
			snprintf(err, errlen,
			         "needs a host name of letters, digits, dots and dashes");
			return false;
		}
	}
	out->host[n] = '\0';
	out->port = out->https ? 443 : 80;
	if (*p == ':') {
		p++;
		char digits[8];
		size_t d = 0;
		while (*p >= '0' && *p <= '9' && d < sizeof(digits) - 1)
			digits[d++] = *p++;
		digits[d] = '\0';
		long v;
		if (d == 0 || !text_parse_long(digits, 1, 65535, &v)) {
			snprintf(err, errlen, "has a port that is not a number from 1 to 65535");
			return false;
		}
		out->port = (int)v;
	}
	if (*p == '/')
		p++;
	if (*p) {
		snprintf(err, errlen, "must be only scheme://host[:port], without a path");
		return false;
	}
	bool standard = out->port == (out->https ? 443 : 80);
	int w = standard ? snprintf(out->base, sizeof(out->base), "%s://%s",
	                            out->https ? "https" : "http", out->host)
	                 : snprintf(out->base, sizeof(out->base), "%s://%s:%d",
	                            out->https ? "https" : "http", out->host, out->port);
	if (w < 0 || (size_t)w >= sizeof(out->base)) {
		snprintf(err, errlen, "is too long");
		return false;
	}
	return true;
}

bool origin_listen_is_loopback(const char *listen)
{
	return strcmp(listen, "localhost") == 0 || strcmp(listen, "::1") == 0 ||
	       strncmp(listen, "127.", 4) == 0;
}

bool origin_from_listen(const char *listen, int port, struct public_origin *out)
{
	if (!origin_listen_is_loopback(listen))
		return false;
	char url[300], err[128];
	int w = snprintf(url, sizeof(url), strchr(listen, ':') ? "http://[%s]:%d" : "http://%s:%d",
	                 listen, port);
	if (w < 0 || (size_t)w >= sizeof(url) || !origin_parse(url, out, err, sizeof(err)))
		return false;
	out->derived = true;
	return true;
}

bool origin_matches(const struct public_origin *pub, const char *origin, const char *host)
{
	if (!origin || strlen(origin) > 290)
		return false;
	struct public_origin o, want;
	char err[128];
	if (!origin_parse(origin, &o, err, sizeof(err)) || strchr(origin + 8, '/'))
		return false;
	if (pub->derived) {
		char url[300];
		int w = host ? snprintf(url, sizeof(url), "http://%s", host) : -1;
		if (w < 0 || (size_t)w >= sizeof(url) ||
		    !origin_parse(url, &want, err, sizeof(err)))
			return false;
	} else {
		want = *pub;
	}
	return o.https == want.https && o.port == want.port && strcmp(o.host, want.host) == 0;
}
