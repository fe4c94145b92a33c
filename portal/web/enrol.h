/* enrol: which browsers are kiosk terminals.
 *
 * A terminal is enrolled, not claimed: an administrator runs
 *   wijkwijzer --data DIR --enroll-terminal ID
 * which prints a one-time link (valid ENROL_CODE_SECONDS) for the
 * terminal's browser. Opening it and pressing the button gives that
 * browser a secret in its kiosk cookie (ID.SECRET); only the secret's
 * SHA-256 is stored. Enrolling a terminal again replaces its secret, so
 * the previous browser is no longer a kiosk.
 *
 * Threads: the key table is in memory (the loop checks a request's
 * kiosk cookie for the response cache), behind one mutex; it is loaded
 * at start and changed by the writer when a browser is enrolled. */
#ifndef WW_ENROL_H
#define WW_ENROL_H

#include <stdbool.h>
#include <stddef.h>

#include "net/http.h"
#include "base/sb.h"

struct app;
struct store;

#define ENROL_CODE_SECONDS (24 * 3600)
#define ENROL_SECRET_LEN   43 /* 32 random bytes, base64url */

/* Reads the enrolled terminals' key hashes (start-up, before the writer). */
bool enrol_load(struct store *s);
void enrol_unload(void);
/* Makes a one-time enrolment code for a terminal and writes the link for
 * its browser to link. For the command line. */
bool enrol_new_code(struct app *app, const char *terminal, struct sb *link, char *err,
                    size_t errlen);
/* Does secret belong to the enrolled terminal id? (Loop-safe: memory.) */
bool enrol_verify(const char *terminal, const char *secret);

#endif
