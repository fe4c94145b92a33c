/* api_hsds: read-only endpoints in the shape of the HSDS 3.0 API (Open
 * Referral): /hsds/services, /hsds/services/{id}, /hsds/organizations,
 * /hsds/organizations/{id}, with uuid ids and the lists paginated with
 * ?page= and ?per_page= (README "HSDS"). The objects are built by
 * store/hsds.c, the same as the importer's --export-hsds. */
#include "base/app.h"
#include "base/text.h"
#include "exec/db.h"
#include "net/route.h"
#include "store/hsds.h"
#include "web/handlers.h"
#include "web/page.h"

static bool page_params(struct request *rq, struct response *rs, long *page, long *per_page)
{
	const char *p = params_get(&rq->query, "page");
	const char *pp = params_get(&rq->query, "per_page");
	*page = 1;
	*per_page = HSDS_PER_PAGE;
	if ((p && !text_parse_long(p, 1, 1000000, page)) ||
	    (pp && !text_parse_long(pp, 1, HSDS_PER_PAGE_MAX, per_page))) {
		json_error(rs, 400, "bad_page", _("Niet alles is goed ingevuld."));
		return false;
	}
	return true;
}

static void internal(struct response *rs)
{
	json_error(rs, 500, "internal", _(PAGE_UNAVAILABLE));
}

static void not_found(struct response *rs)
{
	json_error(rs, 404, "not_found",
	           _("Dit aanbod bestaat niet (meer). Zoek opnieuw, of vraag het de wijkwijzer."));
}

static void list(struct request *rq, struct response *rs,
                 bool (*fn)(struct catalog *, long, long, struct sb *))
{
	long page, per_page;
	if (!page_params(rq, rs, &page, &per_page))
		return;
	json_response(rs);
	if (!fn(db_catalog(rq->app), page, per_page, &rs->body)) {
		internal(rs);
		return;
	}
	sb_putc(&rs->body, '\n');
}

static void one(struct request *rq, struct response *rs,
                enum hsds_result (*fn)(struct catalog *, const char *, struct sb *))
{
	json_response(rs);
	enum hsds_result r = fn(db_catalog(rq->app), route_param(rq, 0), &rs->body);
	if (r == HSDS_ERROR)
		internal(rs);
	else if (r == HSDS_NOT_FOUND)
		not_found(rs);
	else
		sb_putc(&rs->body, '\n');
}

void handle_hsds_services(struct request *rq, struct response *rs)
{
	list(rq, rs, hsds_services);
}

void handle_hsds_service(struct request *rq, struct response *rs)
{
	one(rq, rs, hsds_service);
}

void handle_hsds_organizations(struct request *rq, struct response *rs)
{
	list(rq, rs, hsds_organizations);
}

void handle_hsds_organization(struct request *rq, struct response *rs)
{
	one(rq, rs, hsds_organization);
}
