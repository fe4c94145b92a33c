/* Fuzzes route matching: route_find over portal_routes (route.h) with the
 * input as the request path. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "net/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	i18n_init("build/locale");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned methods[] = {HM_GET, HM_HEAD, HM_POST, HM_DELETE, HM_OTHER};
	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		struct request rq;
		request_init(&rq);
		rq.method = methods[m];
		rq.path = malloc(size + 1);
		if (!rq.path)
			return 0;
		memcpy(rq.path, data, size);
		rq.path[size] = '\0';
		unsigned allowed = 0;
		enum route_result r = route_find(portal_routes, portal_routes_count, &rq, &allowed);
		if (r == ROUTE_FOUND) {
			assert(rq.route && rq.route->handler);
			assert(rq.nroute_params <= HTTP_MAX_ROUTE_PARAMS);
			for (size_t i = 0; i < rq.nroute_params; i++) {
				const char *c = route_param(&rq, i);
				/* a capture is one non-empty segment inside the path */
				assert(*c && !strchr(c, '/') && strstr(rq.path, c));
			}
			assert(*route_param(&rq, rq.nroute_params) == '\0');
		} else if (r == ROUTE_METHOD_NOT_ALLOWED) {
			assert(allowed && !(allowed & methods[m]));
		}
		if (methods[m] != HM_GET)
			assert(r != ROUTE_FOUND || (rq.route->methods & methods[m]) ||
			       (methods[m] == HM_HEAD && (rq.route->methods & HM_GET)));
		request_free(&rq);
	}
	return 0;
}
