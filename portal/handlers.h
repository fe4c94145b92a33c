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

#endif
