/* speech: "Lees voor" for the kiosk. Kiosks are closed systems, so
 * speech must not depend on the resident's own assistive technology
 * (EN 301 549, 5.1): the server speaks the main content of a page with
 * espeak-ng in the page's language and serves it as WAV, cached.
 *
 * Threads: espeak-ng is not thread-safe, so one mutex serialises
 * synthesis and the cache; callers are the slow pool (worker.h). */
#ifndef WW_SPEECH_H
#define WW_SPEECH_H

#include <stdbool.h>
#include <stddef.h>

#include "sb.h"

/* Extracts the readable text of <main> from a page: tags dropped, block
 * ends become pauses, entities decoded, scripts and hidden parts left out,
 * at most max bytes. Exposed for tests. */
bool speech_page_text(const char *html, size_t len, struct sb *out, size_t max);

/* Speaks text in the language (nl, en, de, tr, ar, pl, uk) into a WAV
 * file in out. Results are cached by language and text. */
bool speech_wav(const char *lang, const char *text, struct sb *out);

/* The languages with a voice, for the README and the page. */
bool speech_has_voice(const char *lang);
void speech_shutdown(void);

#endif
