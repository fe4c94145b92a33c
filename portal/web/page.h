/* page: the page layout every HTML page shares, and the error pages.
 *
 * page_begin writes everything up to and including <main>: language and
 * direction, the skip link, the header with the product name and a
 * language switch that keeps the current page. page_end closes main and
 * writes the footer. Error replies are HTML for pages and JSON for the
 * API, always in the language of the request. The markup is in
 * templates/: layout_begin.html, layout_end.html, error_page.html and
 * qr.html, built from the components c_head, c_header, c_kiosk_bar,
 * c_footer, c_button and c_notice. */
#ifndef WW_PAGE_H
#define WW_PAGE_H

#include <stdbool.h>

#include "net/http.h"
#include "web/components.h"

#define PAGE_NO_LANG_SWITCH (1u << 0)
#define PAGE_RECEIPT        (1u << 1) /* an 80 mm receipt layout */
#define PAGE_KIOSK_START    (1u << 2) /* the kiosk start screen */

bool page_begin(struct response *rs, const struct request *rq, const char *title, unsigned flags);
bool page_end(struct response *rs, const struct request *rq);

/* The wijkwijzer's phone number from the content (site.csv) for a "bel
 * de wijkwijzer" text: as written, as digits for tel:, the hours it is
 * answered ("8.30", "17.00"; "" when not given) and whether this is a
 * kiosk (no tel: link there). False when the content has no number. */
struct page_phone {
	char phone[24], tel[24], opens[8], closes[8];
	bool kiosk;
};
bool page_phone(const struct request *rq, struct page_phone *out);
/* The same as the parameters of c_call.html, pointing into buf; phone
 * NULL when the content has no number. */
struct c_call page_call(const struct request *rq, struct page_phone *buf);

/* Path of a page in the request's language: page_link(out, rq, "/zelfcheck"). */
bool page_link(struct sb *out, const struct request *rq, const char *rest);

/* The same as a string of the request's arena; NULL when out of memory. */
const char *page_href(struct request *rq, const char *rest);

/* The same into a buffer of a view; false when it does not fit. */
bool page_link_buf(char *buf, size_t size, const struct request *rq, const char *rest);

/* A 303 to a page in the request's language: page_redirect(rs, rq, "/medewerker"). */
bool page_redirect(struct response *rs, const struct request *rq, const char *rest);
/* A day as "YYYY-MM-DD" (what a date field sends), also when typed as
 * "dd-mm-jjjj" where a browser has no date field; from the request's
 * arena, NULL when it is no date. */
const char *page_day(struct request *rq, const char *s);
/* "12 maart 2026" for "2026-03-12" in the request's language, from its
 * arena; NULL for anything else. */
const char *page_date_long(struct request *rq, const char *iso);
/* "Laatst gecontroleerd op 12 maart 2026." for an entry of the sociale
 * kaart checked on iso; NULL without a date. */
const char *page_checked_on(struct request *rq, const char *iso);

struct qr_view;
/* The view of qr.html for a QR code of an absolute URL, with a caption
 * (may be NULL), its SVG in the request's arena. On a kiosk without a
 * public address a phone could not open it: staff then see a warning in
 * its place. False on failure. */
bool page_qr(struct qr_view *out, struct request *rq, const char *url, const char *title,
             const char *caption);

/* The words of every 503: something of ours failed, nothing was kept. */
#define PAGE_UNAVAILABLE N_("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw.")

/* An error page (HTML) or error object (JSON, for API routes) with a
 * localized message. code is a stable machine-readable word. */
void page_error(struct request *rq, struct response *rs, int status, const char *code,
                const char *message);

/* Marks a response as JSON (the body follows); not cached. */
void json_response(struct response *rs);

/* A JSON error body: {"error":{"code":..,"message":..}} */
void json_error(struct response *rs, int status, const char *code, const char *message);

#endif
