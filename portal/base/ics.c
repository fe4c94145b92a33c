#include "base/ics.h"

#include <stdio.h>
#include <string.h>

/* Appends one content line, escaped (RFC 5545 3.3.11) and folded at 75
 * octets (3.1) without splitting a UTF-8 character. */
static void line(struct sb *out, const char *name, const char *value, bool text)
{
	struct sb l;
	sb_init(&l, 64 * 1024);
	sb_puts(&l, name);
	sb_putc(&l, ':');
	for (const char *p = value ? value : ""; *p; p++) {
		if (text && (*p == '\\' || *p == ';' || *p == ',')) {
			sb_putc(&l, '\\');
			sb_putc(&l, *p);
		} else if (*p == '\n') {
			sb_puts(&l, text ? "\\n" : " ");
		} else if (*p == '\r' || ((unsigned char)*p < 0x20 && *p != '\t')) {
			continue;
		} else {
			sb_putc(&l, *p);
		}
	}
	size_t col = 0;
	for (size_t i = 0; i < l.len; i++) {
		unsigned char c = (unsigned char)l.data[i];
		size_t clen = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (col + clen > 75) {
			sb_puts(out, "\r\n ");
			col = 1;
		}
		sb_append(out, l.data + i, clen);
		col += clen;
		i += clen - 1;
	}
	sb_puts(out, "\r\n");
	sb_free(&l);
}

static void utc(struct sb *out, const char *name, time_t t)
{
	struct tm tm;
	char buf[32];
	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm))
		buf[0] = '\0';
	line(out, name, buf, false);
}

bool ics_write(struct sb *out, const struct ics_event *e)
{
	line(out, "BEGIN", "VCALENDAR", false);
	line(out, "VERSION", "2.0", false);
	line(out, "PRODID", "-//Gemeente Enschede//Wijkwijzer//NL", false);
	line(out, "CALSCALE", "GREGORIAN", false);
	line(out, "METHOD", e->cancelled ? "CANCEL" : "PUBLISH", false);
	line(out, "BEGIN", "VEVENT", false);
	line(out, "UID", e->uid, false);
	utc(out, "DTSTAMP", e->stamp);
	utc(out, "DTSTART", e->start);
	utc(out, "DTEND", e->end);
	char seq[16];
	snprintf(seq, sizeof(seq), "%d", e->sequence > 0 ? e->sequence : 0);
	line(out, "SEQUENCE", seq, false);
	if (e->modified > 0)
		utc(out, "LAST-MODIFIED", e->modified);
	line(out, "SUMMARY", e->summary, true);
	line(out, "LOCATION", e->location, true);
	line(out, "DESCRIPTION", e->description, true);
	if (e->url && *e->url)
		line(out, "URL", e->url, false);
	line(out, "STATUS", e->cancelled ? "CANCELLED" : "CONFIRMED", false);
	if (!e->cancelled) { /* no reminder for what is not happening */
		line(out, "BEGIN", "VALARM", false);
		line(out, "ACTION", "DISPLAY", false);
		line(out, "TRIGGER", "-PT2H", false);
		line(out, "DESCRIPTION", e->summary, true);
		line(out, "END", "VALARM", false);
	}
	line(out, "END", "VEVENT", false);
	line(out, "END", "VCALENDAR", false);
	return !sb_failed(out);
}
