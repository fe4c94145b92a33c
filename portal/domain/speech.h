/* speech: "Lees voor" for the kiosk. Kiosks are closed systems, so
 * speech must not depend on the resident's own assistive technology
 * (EN 301 549, 5.1): the server speaks the main content of a page with
 * espeak-ng in the page's language and serves it as WAV, cached.
 *
 * Threads: espeak-ng is not thread-safe, so one mutex serialises
 * synthesis; the cache has a lock of its own. Callers are the slow pool
 * (worker.h). */
#ifndef WW_SPEECH_H
#define WW_SPEECH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

/* Extracts the readable text of <main> from a page: tags dropped, block
 * ends become pauses, entities decoded, scripts and hidden parts left out,
 * at most max bytes. Exposed for tests. */
bool speech_page_text(const char *html, size_t len, struct sb *out, size_t max);

/* At most this many syntheses run at once, across all terminals (more
 * would only wait for espeak-ng's lock): the other slow-pool thread
 * stays free for staff logins. The browser tries again shortly. */
#define SPEECH_MAX_AT_ONCE 1

enum speech_result { SPEECH_OK, SPEECH_BUSY, SPEECH_FAILED };

/* Speaks text in the language (nl, en, de, tr, ar, pl, uk) into a WAV
 * file in out. Results are cached by language and text, so a page read
 * before is served at once; SPEECH_BUSY when the cap is reached. */
enum speech_result speech_wav(const char *lang, const char *text, struct sb *out);
/* The cached audio only: true when the text was spoken before. */
bool speech_cached(const char *lang, const char *text, struct sb *out);

/* The languages with a voice, for the README and the page. */
bool speech_has_voice(const char *lang);
void speech_shutdown(void);

#endif
