/* routes: the URL map of the portal, in one place. */
#include "handlers.h"
#include "route.h"

const struct route portal_routes[] = {
    {HM_GET, "/", handle_root, 0},
    {HM_GET, "/healthz", handle_healthz, ROUTE_JSON},
    {HM_GET, "/static/{file}", handle_static, 0},
    {HM_GET, "/{lang}", handle_lang_root, 0},
    {HM_GET, "/{lang}/", handle_home, 0},
};

const size_t portal_routes_count = sizeof(portal_routes) / sizeof(portal_routes[0]);
