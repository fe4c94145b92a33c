/* handlers: every route handler, grouped by the file that defines it. */
#ifndef WW_HANDLERS_H
#define WW_HANDLERS_H

#include "http.h"

/* home.c */
void handle_root(struct request *rq, struct response *rs);
void handle_lang_root(struct request *rq, struct response *rs);
void handle_home(struct request *rq, struct response *rs);
void handle_healthz(struct request *rq, struct response *rs);
void handle_static(struct request *rq, struct response *rs);

/* pages_catalog.c, pages_service.c, pages_carer.c */
void handle_services(struct request *rq, struct response *rs);
void handle_service(struct request *rq, struct response *rs);
void handle_carer(struct request *rq, struct response *rs);

/* api.c */
void handle_api_services(struct request *rq, struct response *rs);
void handle_api_service(struct request *rq, struct response *rs);
void handle_api_locations(struct request *rq, struct response *rs);

#endif
