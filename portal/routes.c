/* routes: the URL map of the portal, in one place. */
#include "handlers.h"
#include "route.h"

const struct route portal_routes[] = {
    {HM_GET, "/", handle_root, 0},
    {HM_GET, "/healthz", handle_healthz, ROUTE_JSON},
    {HM_GET, "/static/{file}", handle_static, 0},
    {HM_GET, "/{lang}", handle_lang_root, 0},
    {HM_GET, "/{lang}/", handle_home, 0},
    {HM_GET, "/{lang}/voorzieningen", handle_services, 0},
    {HM_GET, "/{lang}/voorzieningen/{id}", handle_service, 0},
    {HM_GET, "/{lang}/mantelzorg", handle_carer, 0},
    {HM_GET, "/api/v1/services", handle_api_services, ROUTE_JSON},
    {HM_GET, "/api/v1/services/{id}", handle_api_service, ROUTE_JSON},
    {HM_GET, "/api/v1/locations", handle_api_locations, ROUTE_JSON},
};

const size_t portal_routes_count = sizeof(portal_routes) / sizeof(portal_routes[0]);
