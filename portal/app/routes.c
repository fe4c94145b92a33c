/* routes: the URL map of the portal, in one place. The flags say where a
 * route runs: ROUTE_INLINE on the loop (memory only), ROUTE_SLOW on the
 * slow pool, ROUTE_WRITE on the writer thread (a pattern has an entry
 * per method where they run in different places),
 * everything else on the reader pool (ROUTE_HEAVY searches in its second
 * lane); ROUTE_CACHE answers are kept in the response cache. */
#include "web/handlers.h"
#include "net/route.h"

const struct route portal_routes[] = {
    {HM_GET, "/", handle_root, ROUTE_INLINE},
    {HM_GET, "/healthz", handle_healthz, ROUTE_JSON | ROUTE_INLINE},
    {HM_GET, "/robots.txt", handle_robots, ROUTE_INLINE},
    {HM_GET, "/static/{file}", handle_static, ROUTE_INLINE},
    {HM_GET, "/{lang}", handle_lang_root, ROUTE_INLINE},
    {HM_GET, "/{lang}/", handle_home, ROUTE_CACHE},
    {HM_GET, "/{lang}/voorzieningen", handle_services, ROUTE_CACHE | ROUTE_HEAVY},
    {HM_GET, "/{lang}/voorzieningen/{id}", handle_service, ROUTE_CACHE},
    {HM_GET, "/{lang}/mantelzorg", handle_carer, ROUTE_CACHE | ROUTE_HEAVY},
    {HM_GET, "/api/v1/services", handle_api_services, ROUTE_JSON | ROUTE_CACHE | ROUTE_HEAVY},
    {HM_GET, "/api/v1/services/{id}", handle_api_service, ROUTE_JSON | ROUTE_CACHE},
    {HM_GET, "/api/v1/locations", handle_api_locations, ROUTE_JSON | ROUTE_HEAVY},
    /* HSDS 3.0 API shape (uuid ids, Dutch source texts) */
    {HM_GET, "/hsds/services", handle_hsds_services, ROUTE_JSON | ROUTE_CACHE | ROUTE_HEAVY},
    {HM_GET, "/hsds/services/{id}", handle_hsds_service, ROUTE_JSON | ROUTE_CACHE},
    {HM_GET, "/hsds/organizations", handle_hsds_organizations,
     ROUTE_JSON | ROUTE_CACHE | ROUTE_HEAVY},
    {HM_GET, "/hsds/organizations/{id}", handle_hsds_organization, ROUTE_JSON | ROUTE_CACHE},
    {HM_GET, "/api/v1/topics", handle_api_topics, ROUTE_JSON | ROUTE_CACHE},
    {HM_GET, "/api/v1/slots", handle_api_slots, ROUTE_JSON},
    {HM_POST, "/api/v1/bookings", handle_api_book, ROUTE_JSON | ROUTE_RATE | ROUTE_WRITE},
    {HM_GET, "/api/v1/bookings/{token}", handle_api_booking, ROUTE_JSON | ROUTE_NOINDEX},
    {HM_DELETE, "/api/v1/bookings/{token}", handle_api_booking,
     ROUTE_JSON | ROUTE_WRITE | ROUTE_NOINDEX},
    {HM_GET, "/{lang}/zelfcheck", handle_selfcheck, 0},
    {HM_POST, "/{lang}/zelfcheck", handle_selfcheck_postcode, ROUTE_FORM},
    {HM_GET, "/{lang}/zelfcheck/uitslag", handle_selfcheck_result, ROUTE_HEAVY},
    /* the same result on an 80 mm receipt (the kiosk's Printen) */
    {HM_GET, "/{lang}/zelfcheck/bon", handle_selfcheck_result, ROUTE_HEAVY},
    {HM_GET, "/{lang}/afspraak", handle_booking, 0},
    {HM_POST, "/{lang}/afspraak/gegevens", handle_booking_details, ROUTE_FORM},
    {HM_POST, "/{lang}/afspraak/bevestigen", handle_booking_confirm,
     ROUTE_FORM | ROUTE_RATE | ROUTE_WRITE},
    /* "Bel mij terug": the form on its own, and the booking flow's when
       no time is free; both store through the writer */
    {HM_GET, "/{lang}/terugbellen", handle_callback, 0},
    {HM_POST, "/{lang}/terugbellen", handle_callback, ROUTE_FORM | ROUTE_RATE | ROUTE_WRITE},
    {HM_POST, "/{lang}/afspraak/terugbellen", handle_callback,
     ROUTE_FORM | ROUTE_RATE | ROUTE_WRITE},
    {HM_GET, "/{lang}/afspraak/terugvinden", handle_find_again, 0},
    /* these two check and refuse on a reader; only a match writes
       (through writer_do), so a flood of guesses never queues at the writer */
    {HM_POST, "/{lang}/afspraak/terugvinden", handle_find_again, ROUTE_FORM},
    {HM_GET, "/{lang}/aanmelden", handle_kiosk_check_in, 0},
    {HM_POST, "/{lang}/aanmelden", handle_kiosk_check_in, ROUTE_FORM},
    {HM_GET, "/{lang}/afspraak/{token}/annuleren", handle_cancel, ROUTE_NOINDEX},
    {HM_POST, "/{lang}/afspraak/{token}/annuleren", handle_cancel,
     ROUTE_FORM | ROUTE_WRITE | ROUTE_NOINDEX},
    {HM_GET, "/{lang}/afspraak/{token}/verzetten", handle_move, ROUTE_NOINDEX},
    {HM_POST, "/{lang}/afspraak/{token}/verzetten", handle_move,
     ROUTE_FORM | ROUTE_WRITE | ROUTE_NOINDEX},
    {HM_GET, "/{lang}/afspraak/{token}", handle_manage, ROUTE_NOINDEX},
    {HM_GET, "/afspraak/{token}/qr.svg", handle_booking_qr, ROUTE_NOINDEX},
    {HM_GET, "/afspraak/{token}/afspraak.ics", handle_booking_ics, ROUTE_NOINDEX},
    {HM_GET, "/{lang}/medewerker", handle_staff_login, 0},
    {HM_POST, "/{lang}/medewerker", handle_staff_login, ROUTE_FORM | ROUTE_SLOW},
    {HM_POST, "/{lang}/medewerker/uitloggen", handle_staff_logout, ROUTE_FORM | ROUTE_WRITE},
    {HM_GET, "/{lang}/medewerker/agenda", handle_staff_agenda, 0},
    {HM_POST, "/{lang}/medewerker/status", handle_staff_status, ROUTE_FORM | ROUTE_WRITE},
    {HM_POST, "/{lang}/medewerker/blokkeren", handle_staff_block, ROUTE_FORM | ROUTE_WRITE},
    {HM_GET, "/{lang}/medewerker/terugbellen", handle_staff_callbacks, 0},
    {HM_POST, "/{lang}/medewerker/terugbellen/status", handle_staff_callback_status,
     ROUTE_FORM | ROUTE_WRITE},
    {HM_GET, "/medewerker/export.csv", handle_staff_export, 0},
    {HM_GET, "/{lang}/medewerker/zelfcheck", handle_staff_summary, 0},
    /* the password forms hash with yescrypt: the slow pool */
    {HM_GET, "/{lang}/medewerker/wachtwoord", handle_staff_password, 0},
    {HM_POST, "/{lang}/medewerker/wachtwoord", handle_staff_password, ROUTE_FORM | ROUTE_SLOW},
    {HM_GET, "/{lang}/medewerker/accounts", handle_staff_accounts, 0},
    {HM_POST, "/{lang}/medewerker/accounts", handle_staff_accounts, ROUTE_FORM | ROUTE_SLOW},
    {HM_GET, "/{lang}/medewerker/accounts/{id}", handle_staff_account, 0},
    {HM_POST, "/{lang}/medewerker/accounts/{id}", handle_staff_account, ROUTE_FORM},
    {HM_POST, "/{lang}/medewerker/accounts/{id}/wachtwoord", handle_staff_account_password,
     ROUTE_FORM | ROUTE_SLOW},
    {HM_GET, "/{lang}/medewerker/logboek", handle_staff_audit, 0},
    {HM_GET, "/{lang}/medewerker/inzicht", handle_staff_insight, 0},
    {HM_GET, "/medewerker/inzicht.csv", handle_staff_insight_csv, 0},
    /* the editor of the sociale kaart: drafts through writer_do; publishing
       rebuilds the content database, as long as an import (slow pool) */
    {HM_GET, "/{lang}/medewerker/inhoud", handle_staff_content, 0},
    {HM_POST, "/{lang}/medewerker/inhoud/publiceren", handle_staff_content_publish,
     ROUTE_FORM | ROUTE_SLOW},
    {HM_GET, "/{lang}/medewerker/inhoud/controleren", handle_staff_content_unchecked, 0},
    {HM_POST, "/{lang}/medewerker/inhoud/concept/{id}/weggooien", handle_staff_content_discard,
     ROUTE_FORM},
    {HM_GET, "/{lang}/medewerker/inhoud/{kind}/{id}", handle_staff_content_entry, 0},
    {HM_POST, "/{lang}/medewerker/inhoud/{kind}/{id}", handle_staff_content_entry, ROUTE_FORM},
    /* the same counts as JSON, for a beheerder's session only */
    {HM_GET, "/api/v1/insight", handle_api_insight, ROUTE_JSON},
    {HM_GET, "/kiosk/{terminal}", handle_kiosk_start, 0},
    {HM_GET, "/kiosk/{terminal}/stop", handle_kiosk_stop, 0},
    /* no form token: only the terminal's own browser (its SameSite=Strict
       kiosk cookie) from our own pages (Origin) may call */
    {HM_POST, "/kiosk/{terminal}/medewerker", handle_kiosk_call, ROUTE_NOINDEX},
    {HM_GET, "/kiosk/{terminal}/aanmelden", handle_kiosk_enrol_form, ROUTE_NOINDEX},
    {HM_POST, "/kiosk/{terminal}/aanmelden", handle_kiosk_enrol,
     ROUTE_FORM | ROUTE_WRITE | ROUTE_NOINDEX},
    {HM_GET, "/lees-voor.wav", handle_read_aloud, ROUTE_SLOW},
};

const size_t portal_routes_count = sizeof(portal_routes) / sizeof(portal_routes[0]);
