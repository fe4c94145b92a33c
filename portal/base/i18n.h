/* i18n: languages, per-request gettext, negotiation and formatting.
 *
 * Dutch is the source language: msgids are the Dutch texts, so Dutch needs
 * no catalogue and every other language translates from Dutch. Each
 * language gets its own locale_t at start-up; a request switches the
 * calling thread to it with uselocale(), so one request can never change
 * the language of another. Two text domains: the UI and the content. */
#ifndef WW_I18N_H
#define WW_I18N_H

#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

#define WW_DOMAIN_UI      "wijkwijzer"
#define WW_DOMAIN_CONTENT "wijkwijzer-content"

/* UI text. Dutch, the source language, is answered without a lookup:
 * glibc has no catalogue for it and would search for one on every call
 * (Dutch pages rendered 2.5 times slower than the others). */
#define _(s) i18n_ui(s)
/* UI text with a plural */
#define NG_(s, p, n) i18n_ui_n(s, p, (unsigned long)(n))
/* UI text with a disambiguating context */
#define P_(ctx, s) i18n_pgettext(WW_DOMAIN_UI, ctx "\004" s)
/* marks a string for extraction; translated later with _() */
#define N_(s) (s)
/* marks a context string for extraction; translated later with i18n_pgettext */
#define NP_(ctx, s) ctx "\004" s
/* content text (services, self-check); msgids come from the content files */
#define C_(s) i18n_content(s)

const char *i18n_ui(const char *msgid) __attribute__((format_arg(1)));
const char *i18n_ui_n(const char *msgid, const char *plural, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));

struct i18n_lang {
	const char *code;        /* "nl", path prefix and html lang */
	const char *locale_name; /* "nl_NL.UTF-8" */
	const char *native_name; /* the language in its own name */
	const char *hreflang;
	bool rtl;
	locale_t loc;
	bool available; /* the locale exists on this system */
};

/* Sets up all languages. localedir holds <lang>/LC_MESSAGES/<domain>.mo.
 * Returns the number of languages whose locale is missing (they still
 * work, but untranslated); warnings go to stderr. */
int i18n_init(const char *localedir);
void i18n_shutdown(void);

size_t i18n_count(void);
const struct i18n_lang *i18n_at(size_t i);
const struct i18n_lang *i18n_find(const char *code);
const struct i18n_lang *i18n_default(void);

/* Picks the best supported language from an Accept-Language header
 * (q-values respected, ties by order); NULL when none matches. */
const struct i18n_lang *i18n_negotiate(const char *accept_language);

/* Switches the calling thread's messages to lang; returns the previous
 * language in effect (for nesting, e.g. a bilingual printout). */
const struct i18n_lang *i18n_use(const struct i18n_lang *lang);
const struct i18n_lang *i18n_current(void);

const char *i18n_pgettext(const char *domain, const char *ctx_and_msgid);
const char *i18n_content(const char *msgid);

/* "dinsdag 1 december" in the current language. wday 0 = Sunday, mon 1-12. */
bool i18n_format_date(struct sb *out, int year, int mon, int mday, int wday);
/* "9.30 uur" in the current language. */
bool i18n_format_time(struct sb *out, int hour, int min);
/* "dinsdag 1 december, 9.30 uur" */
bool i18n_format_datetime(struct sb *out, int year, int mon, int mday, int wday, int hour, int min);
/* "350 m", "1,2 km" */
bool i18n_format_distance(struct sb *out, long metres);
const char *i18n_weekday_name(int wday);
const char *i18n_month_name(int mon);

#endif
