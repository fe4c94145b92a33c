/* handlers: every route handler, grouped by the file that defines it. */
#ifndef WW_HANDLERS_H
#define WW_HANDLERS_H

#include "net/http.h"

/* home.c */
void handle_root(struct request *rq, struct response *rs);
void handle_lang_root(struct request *rq, struct response *rs);
void handle_home(struct request *rq, struct response *rs);
void handle_healthz(struct request *rq, struct response *rs);
void handle_robots(struct request *rq, struct response *rs);
void handle_static(struct request *rq, struct response *rs);

/* pages_catalog.c, pages_service.c, pages_carer.c */
void handle_services(struct request *rq, struct response *rs);
void handle_service(struct request *rq, struct response *rs);
void handle_carer(struct request *rq, struct response *rs);

/* api_hsds.c: the HSDS 3.0 API shape */
void handle_hsds_services(struct request *rq, struct response *rs);
void handle_hsds_service(struct request *rq, struct response *rs);
void handle_hsds_organizations(struct request *rq, struct response *rs);
void handle_hsds_organization(struct request *rq, struct response *rs);

/* api.c */
void handle_api_services(struct request *rq, struct response *rs);
void handle_api_service(struct request *rq, struct response *rs);
void handle_api_locations(struct request *rq, struct response *rs);

/* pages_booking.c, pages_manage.c */
void handle_booking(struct request *rq, struct response *rs);
void handle_booking_details(struct request *rq, struct response *rs);
void handle_booking_confirm(struct request *rq, struct response *rs);
/* The booking's day and time steps (pages_booking.c) for moving an
 * appointment: a week of days at location, or with day (YYYY-MM-DD) the
 * free times of that day, in a form posted to path with csrf; the links
 * go to path with ?locatie=&onderwerp=&dag=&week=; the start exclude
 * (the appointment's own, NULL: none) is not offered. */
void booking_picker(struct request *rq, struct response *rs, const char *path, const char *csrf,
                    const char *location, const char *topic, const char *day, const char *exclude);
void handle_manage(struct request *rq, struct response *rs);
void handle_cancel(struct request *rq, struct response *rs);
void handle_move(struct request *rq, struct response *rs);
void handle_find_again(struct request *rq, struct response *rs);
/* kiosk.c: a resident with an appointment checks in at the kiosk */
void handle_kiosk_check_in(struct request *rq, struct response *rs);
void handle_booking_qr(struct request *rq, struct response *rs);
void handle_booking_ics(struct request *rq, struct response *rs);
/* The absolute URL of this site (for QR codes and calendar files). */
void public_base(const struct request *rq, struct sb *out);

/* api_booking.c */
void handle_api_topics(struct request *rq, struct response *rs);
void handle_api_slots(struct request *rq, struct response *rs);
void handle_api_book(struct request *rq, struct response *rs);
void handle_api_booking(struct request *rq, struct response *rs);

/* staff.c */
void handle_staff_login(struct request *rq, struct response *rs);
void handle_staff_logout(struct request *rq, struct response *rs);
void handle_staff_agenda(struct request *rq, struct response *rs);
void handle_staff_status(struct request *rq, struct response *rs);
void handle_staff_callbacks(struct request *rq, struct response *rs);
void handle_staff_callback_status(struct request *rq, struct response *rs);
void handle_callback(struct request *rq, struct response *rs);
void handle_staff_block(struct request *rq, struct response *rs);
void handle_staff_export(struct request *rq, struct response *rs);
void handle_staff_summary(struct request *rq, struct response *rs);
void handle_staff_password(struct request *rq, struct response *rs);
/* staff_admin.c */
void handle_staff_accounts(struct request *rq, struct response *rs);
void handle_staff_account(struct request *rq, struct response *rs);
void handle_staff_account_password(struct request *rq, struct response *rs);
void handle_staff_audit(struct request *rq, struct response *rs);
void handle_staff_insight(struct request *rq, struct response *rs);
void handle_staff_insight_csv(struct request *rq, struct response *rs);
void handle_staff_content(struct request *rq, struct response *rs);
void handle_staff_content_publish(struct request *rq, struct response *rs);
void handle_staff_content_unchecked(struct request *rq, struct response *rs);
void handle_staff_content_discard(struct request *rq, struct response *rs);
void handle_staff_content_entry(struct request *rq, struct response *rs);
void handle_api_insight(struct request *rq, struct response *rs);

/* kiosk.c */
void handle_kiosk_start(struct request *rq, struct response *rs);
void handle_kiosk_stop(struct request *rq, struct response *rs);
void handle_kiosk_call(struct request *rq, struct response *rs);
void handle_kiosk_enrol_form(struct request *rq, struct response *rs);
void handle_kiosk_enrol(struct request *rq, struct response *rs);
void handle_read_aloud(struct request *rq, struct response *rs);

/* pages_selfcheck.c */
void handle_selfcheck(struct request *rq, struct response *rs);
void handle_selfcheck_postcode(struct request *rq, struct response *rs);
void handle_selfcheck_result(struct request *rq, struct response *rs);

#endif
