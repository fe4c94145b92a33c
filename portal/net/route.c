#include "net/route.h"

#include <stdlib.h>
#include <string.h>

/* Matches one pattern against path. Captures are copied into buf (which
 * has room for the whole path) as NUL-terminated strings. */
static bool match(const char *pattern, const char *path, char *buf, const char **caps,
                  size_t *ncaps)
{
	const char *p = pattern, *s = path;
	size_t nc = 0;
	char *w = buf;
	while (*p) {
		if (p[0] == '*' && p[1] == '\0')
			break;
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return false;
			bool is_lang = (size_t)(close - p) == 5 && strncmp(p, "{lang}", 6) == 0;
			const char *seg = s;
			while (*s && *s != '/')
				s++;
			size_t len = (size_t)(s - seg);
			if (len == 0 || nc >= HTTP_MAX_ROUTE_PARAMS)
				return false;
			memcpy(w, seg, len);
			w[len] = '\0';
			if (is_lang && !i18n_find(w))
				return false;
			caps[nc++] = w;
			w += len + 1;
			p = close + 1;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (!(p[0] == '*' && p[1] == '\0') && *s != '\0')
		return false;
	*ncaps = nc;
	return true;
}

enum route_result route_find(const struct route *table, size_t n, struct request *rq,
                             unsigned *allowed)
{
	size_t plen = strlen(rq->path);
	char *buf = malloc(plen + HTTP_MAX_ROUTE_PARAMS + 2);
	if (!buf)
		return ROUTE_NOT_FOUND;
	unsigned methods = 0;
	for (size_t i = 0; i < n; i++) {
		const char *caps[HTTP_MAX_ROUTE_PARAMS];
		size_t nc = 0;
		if (!match(table[i].pattern, rq->path, buf, caps, &nc))
			continue;
		unsigned m = table[i].methods;
		if (m & HM_GET)
			m |= HM_HEAD;
		if (!(m & rq->method)) {
			methods |= m;
			continue;
		}
		free(rq->route_buf);
		rq->route_buf = buf;
		rq->route = &table[i];
		rq->nroute_params = nc;
		for (size_t k = 0; k < nc; k++)
			rq->route_params[k] = caps[k];
		return ROUTE_FOUND;
	}
	free(buf);
	if (methods) {
		*allowed = methods;
		return ROUTE_METHOD_NOT_ALLOWED;
	}
	return ROUTE_NOT_FOUND;
}

const char *route_param(const struct request *rq, size_t i)
{
	return i < rq->nroute_params ? rq->route_params[i] : "";
}
