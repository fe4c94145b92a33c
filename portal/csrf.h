/* csrf: protection of every state-changing form.
 *
 * A token is bound to one form (its name) and carries its issue time,
 * signed with the server secret: base64url(time || HMAC(secret, form|time)).
 * No session or cookie is needed, which suits a kiosk that must keep
 * nothing. The request's Origin and Sec-Fetch-Site headers are checked as
 * well, so a token copied from our own page cannot be replayed from
 * another site's form. */
#ifndef WW_CSRF_H
#define WW_CSRF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "app.h"
#include "http.h"
#include "sb.h"

#define CSRF_FIELD     "csrf"
#define CSRF_MAX_AGE_S (12 * 3600)

bool csrf_token(const struct app *app, const char *form, time_t now, struct sb *out);
bool csrf_valid(const struct app *app, const char *form, const char *token, time_t now);
/* The hidden input for a form. */
bool csrf_field(struct sb *html, const struct app *app, const char *form);
/* Origin / Sec-Fetch-Site say the request comes from our own pages. */
bool csrf_same_origin(const struct request *rq);

#endif
