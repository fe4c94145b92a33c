/* csrf: protection of every state-changing form.
 *
 * Double submit, bound to the browser: a form carries a token
 * base64url(time || HMAC(secret, form|time|binding)), where the binding
 * is a random value in a cookie of that browser (not personal, and not
 * stored on the server, which suits a kiosk that must keep nothing). A
 * token copied from our page into another browser, or an attacker's own
 * token, does not match the victim's cookie. The request's Origin and
 * Sec-Fetch-Site headers are checked as well. */
#ifndef WW_CSRF_H
#define WW_CSRF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/app.h"
#include "net/http.h"
#include "base/sb.h"

#define CSRF_FIELD       "csrf"
#define CSRF_BINDING_LEN HTTP_CSRF_BINDING_LEN
#define CSRF_MAX_AGE_S   (12 * 3600)
/* __Host-ww_form on an https public address (ORIGIN_COOKIE) */
#define CSRF_COOKIE "ww_form"

bool csrf_token(const struct app *app, const char *form, const char *binding, time_t now,
                struct sb *out);
bool csrf_valid(const struct app *app, const char *form, const char *binding, const char *token,
                time_t now);
/* The token of a form, for the template's hidden input (named
 * CSRF_FIELD). Without a binding cookie in the request it makes one,
 * which the dispatch sets on the response (csrf_finish). */
bool csrf_form_token(struct request *rq, const char *form, struct sb *out);
/* The same as a string of the request's arena; NULL on failure. */
const char *csrf_token_of(struct request *rq, const char *form);
/* After the handler: the Set-Cookie for a binding csrf_form_token made. */
bool csrf_finish(const struct request *rq, struct response *rs);
/* The binding cookie of the request, if well formed. */
bool csrf_binding(const struct request *rq, char out[CSRF_BINDING_LEN + 1]);
/* Origin / Sec-Fetch-Site say the request comes from our own pages. */
bool csrf_same_origin(const struct request *rq);

#endif
