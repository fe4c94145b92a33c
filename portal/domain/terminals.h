/* terminals: the kiosk terminals of the content, and which browsers are
 * enrolled as one.
 *
 * The terminals are read from the content at start and on every reload;
 * the lookups never touch SQLite, so the loop may call them (one mutex,
 * the table is replaced whole).
 *
 * A terminal is enrolled, not claimed: an administrator runs
 *   wijkwijzer --data DIR --enroll-terminal ID
 * which prints a one-time link (valid ENROL_CODE_SECONDS) for the
 * terminal's browser. Redeeming it gives that browser a secret for its
 * kiosk cookie (ID.SECRET); only the secret's SHA-256 is stored.
 * Enrolling a terminal again replaces its secret, so the previous browser
 * is no longer a kiosk. The key table is in memory too, behind its own
 * mutex: loaded at start, changed by the writer when a browser enrols. */
#ifndef WW_TERMINALS_H
#define WW_TERMINALS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

struct app;
struct catalog;
struct store;

struct kiosk_terminal {
	char id[65];
	char location[65];
	char postcode[16];
	int idle_seconds;
	bool printer;
};

#define KIOSK_COOKIE       "ww_kiosk"
#define KIOSK_COUNTDOWN_S  20 /* the idle dialog counts down at least this long */
#define ENROL_CODE_SECONDS (24 * 3600)
#define ENROL_SECRET_LEN   43 /* 32 random bytes, base64url */

bool kiosk_load(struct catalog *c);
void kiosk_unload(void);
bool kiosk_find(struct app *app, const char *id, struct kiosk_terminal *out);
/* The enrolled terminal a Cookie header's kiosk cookie names, if its
 * secret is right. */
bool kiosk_of_cookie(struct app *app, const char *cookie_header, struct kiosk_terminal *out);

/* Reads the enrolled terminals' key hashes (start-up, before the writer). */
bool enrol_load(struct store *s);
void enrol_unload(void);
/* Makes a one-time enrolment code for a terminal and writes the link for
 * its browser to link. For the command line. */
bool enrol_new_code(struct app *app, const char *terminal, struct sb *link, char *err,
                    size_t errlen);
/* Does secret belong to the enrolled terminal id? (Loop-safe: memory.) */
bool enrol_verify(const char *terminal, const char *secret);

enum enrol_result { ENROL_OK, ENROL_REFUSED, ENROL_FAILED };
/* Uses up a terminal's one-time code and writes the browser's new secret
 * to secret. REFUSED: unknown terminal, wrong, used or expired code. */
enum enrol_result enrol_redeem(struct app *app, const char *terminal, const char *code,
                               struct sb *secret);

#endif
