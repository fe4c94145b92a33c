#include "base/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

static struct i18n_lang langs[] = {
    {"nl", "nl_NL.UTF-8", "Nederlands", "nl", false, (locale_t)0, false},
    {"en", "en_GB.UTF-8", "English", "en", false, (locale_t)0, false},
    {"de", "de_DE.UTF-8", "Deutsch", "de", false, (locale_t)0, false},
    {"tr", "tr_TR.UTF-8", "Türkçe", "tr", false, (locale_t)0, false},
    {"ar", "ar_SY.UTF-8", "العربية", "ar", true, (locale_t)0, false},
    {"pl", "pl_PL.UTF-8", "Polski", "pl", false, (locale_t)0, false},
    {"uk", "uk_UA.UTF-8", "Українська", "uk", false, (locale_t)0, false},
};
#define NLANGS (sizeof(langs) / sizeof(langs[0]))

static _Thread_local const struct i18n_lang *current;

/* the source language: msgids are its texts */
static bool in_source_language(void)
{
	return !current || current == &langs[0];
}

int i18n_init(const char *localedir)
{
	int missing = 0;
	/* LANGUAGE overrides uselocale() for gettext: it must not be set. */
	unsetenv("LANGUAGE");
	if (!bindtextdomain(WW_DOMAIN_UI, localedir) ||
	    !bindtextdomain(WW_DOMAIN_CONTENT, localedir) ||
	    !bind_textdomain_codeset(WW_DOMAIN_UI, "UTF-8") ||
	    !bind_textdomain_codeset(WW_DOMAIN_CONTENT, "UTF-8")) {
		fprintf(stderr, "wijkwijzer: cannot bind text domains to %s\n", localedir);
		return (int)NLANGS;
	}
	for (size_t i = 0; i < NLANGS; i++) {
		int mask = LC_MESSAGES_MASK | LC_CTYPE_MASK;
		langs[i].loc = newlocale(mask, langs[i].locale_name, (locale_t)0);
		langs[i].available = langs[i].loc != (locale_t)0;
		if (!langs[i].available) {
			missing++;
			fprintf(stderr,
			        "wijkwijzer: warning: locale %s is not installed; %s pages "
			        "will be untranslated (run: make deps)\n",
			        langs[i].locale_name, langs[i].code);
			/* C.UTF-8 keeps the page usable in the source language */
			langs[i].loc = newlocale(mask, "C.UTF-8", (locale_t)0);
		}
	}
	current = &langs[0];
	return missing;
}

void i18n_shutdown(void)
{
	uselocale(LC_GLOBAL_LOCALE);
	for (size_t i = 0; i < NLANGS; i++) {
		if (langs[i].loc)
			freelocale(langs[i].loc);
		langs[i].loc = (locale_t)0;
	}
}

size_t i18n_count(void)
{
	return NLANGS;
}

const struct i18n_lang *i18n_at(size_t i)
{
	return i < NLANGS ? &langs[i] : NULL;
}

const struct i18n_lang *i18n_find(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < NLANGS; i++)
		if (strcmp(langs[i].code, code) == 0)
			return &langs[i];
	return NULL;
}

const struct i18n_lang *i18n_default(void)
{
	return &langs[0];
}

/* Parses a q-value ("1", "0.8", "1.000"); returns -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return -1;
	if (s[0] == '1') {
		if (n == 1)
			return 1000;
		if (s[1] != '.')
			return -1;
		for (size_t i = 2; i < n; i++)
			if (s[i] != '0')
				return -1;
		return 1000;
	}
	if (s[0] != '0')
		return -1;
	if (n == 1)
		return 0;
	if (s[1] != '.')
		return -1;
	int v = 0, scale = 100;
	for (size_t i = 2; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v += (s[i] - '0') * scale;
		scale /= 10;
	}
	return v;
}

const struct i18n_lang *i18n_negotiate(const char *header)
{
	if (!header)
		return NULL;
	const struct i18n_lang *best = NULL;
	int best_q = 0;
	const char *p = header;
	size_t entries = 0;
	while (*p && entries++ < 64) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *tag = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t taglen = (size_t)(p - tag);
		int q = 1000;
		/* parameters: only q is meaningful */
		while (*p && *p != ',') {
			while (*p == ' ' || *p == '\t' || *p == ';')
				p++;
			if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				const char *v = p + 2;
				const char *e = v;
				while (*e && *e != ',' && *e != ';' && *e != ' ')
					e++;
				q = parse_q(v, (size_t)(e - v));
				p = e;
			} else {
				while (*p && *p != ',' && *p != ';')
					p++;
			}
		}
		if (q <= 0 || taglen == 0)
			continue;
		size_t primary = 0;
		while (primary < taglen && tag[primary] != '-' && tag[primary] != '_')
			primary++;
		for (size_t i = 0; i < NLANGS; i++) {
			size_t cl = strlen(langs[i].code);
			if (primary == cl && text_ascii_nieq(tag, langs[i].code, cl)) {
				if (q > best_q) {
					best = &langs[i];
					best_q = q;
				}
				break;
			}
		}
	}
	return best;
}

const struct i18n_lang *i18n_use(const struct i18n_lang *lang)
{
	const struct i18n_lang *prev = current;
	if (!lang)
		lang = &langs[0];
	current = lang;
	if (lang->loc)
		uselocale(lang->loc);
	return prev ? prev : &langs[0];
}

const struct i18n_lang *i18n_current(void)
{
	return current ? current : &langs[0];
}

const char *i18n_pgettext(const char *domain, const char *key)
{
	const char *t = in_source_language() ? key : dcgettext(domain, key, LC_MESSAGES);
	if (t == key) {
		const char *sep = strchr(key, '\004');
		return sep ? sep + 1 : key;
	}
	return t;
}

const char *i18n_ui(const char *msgid)
{
	return in_source_language() ? msgid : dcgettext(WW_DOMAIN_UI, msgid, LC_MESSAGES);
}

const char *i18n_ui_n(const char *msgid, const char *plural, unsigned long n)
{
	if (in_source_language())
		return n == 1 ? msgid : plural; /* Dutch: one, and the rest */
	return dcngettext(WW_DOMAIN_UI, msgid, plural, n, LC_MESSAGES);
}

const char *i18n_content(const char *msgid)
{
	if (!msgid || !*msgid)
		return "";
	return in_source_language() ? msgid : dcgettext(WW_DOMAIN_CONTENT, msgid, LC_MESSAGES);
}

static const char *const weekday_keys[7] = {
    NP_("weekday", "zondag"),   NP_("weekday", "maandag"),   NP_("weekday", "dinsdag"),
    NP_("weekday", "woensdag"), NP_("weekday", "donderdag"), NP_("weekday", "vrijdag"),
    NP_("weekday", "zaterdag"),
};

static const char *const month_keys[12] = {
    NP_("month", "januari"), NP_("month", "februari"), NP_("month", "maart"),
    NP_("month", "april"),   NP_("month", "mei"),      NP_("month", "juni"),
    NP_("month", "juli"),    NP_("month", "augustus"), NP_("month", "september"),
    NP_("month", "oktober"), NP_("month", "november"), NP_("month", "december"),
};

const char *i18n_weekday_name(int wday)
{
	if (wday < 0 || wday > 6)
		return "";
	return i18n_pgettext(WW_DOMAIN_UI, weekday_keys[wday]);
}

const char *i18n_month_name(int mon)
{
	if (mon < 1 || mon > 12)
		return "";
	return i18n_pgettext(WW_DOMAIN_UI, month_keys[mon - 1]);
}

bool i18n_format_date(struct sb *out, int year, int mon, int mday, int wday)
{
	(void)year;
	/* TRANSLATORS: a date without year. %1$s weekday, %2$d day of the
	   month, %3$s month name. Dutch: "dinsdag 1 december". */
	return sb_appendf(out, _("%1$s %2$d %3$s"), i18n_weekday_name(wday), mday,
	                  i18n_month_name(mon));
}

bool i18n_format_time(struct sb *out, int hour, int min)
{
	/* TRANSLATORS: a clock time, 24-hour. %1$d hours, %2$02d minutes.
	   Dutch: "9.30 uur"; English: "9:30". */
	return sb_appendf(out, _("%1$d.%2$02d uur"), hour, min);
}

bool i18n_format_datetime(struct sb *out, int year, int mon, int mday, int wday, int hour, int min)
{
	struct sb d, t;
	sb_init(&d, 256);
	sb_init(&t, 256);
	bool ok = i18n_format_date(&d, year, mon, mday, wday) && i18n_format_time(&t, hour, min);
	/* TRANSLATORS: date and time together. %1$s the date ("dinsdag
	   1 december"), %2$s the time ("9.30 uur"). */
	ok = ok && sb_appendf(out, _("%1$s, %2$s"), sb_str(&d), sb_str(&t));
	sb_free(&d);
	sb_free(&t);
	return ok;
}

bool i18n_format_distance(struct sb *out, long metres)
{
	if (metres < 0)
		metres = 0;
	if (metres < 1000) {
		long rounded = (metres + 5) / 10 * 10;
		/* TRANSLATORS: a distance in metres, e.g. "350 m". */
		return sb_appendf(out, _("%1$ld m"), rounded);
	}
	long tenths = (metres + 50) / 100;
	/* TRANSLATORS: a distance in kilometres with one decimal: %1$ld whole
	   kilometres, %2$ld tenths. Dutch uses a comma: "1,2 km". */
	return sb_appendf(out, _("%1$ld,%2$ld km"), tenths / 10, tenths % 10);
}
