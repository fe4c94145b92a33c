#include "base/mime.h"

#include <string.h>

#include "base/crypto.h"

#define LINE_MAX_QP 76
/* bytes of UTF-8 per encoded word: 45 bytes are 60 base64 characters,
   and "=?UTF-8?B?" + 60 + "?=" is 72, within the 75 of RFC 2047 */
#define WORD_BYTES 45

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of n bytes, no line breaks */
static bool b64_plain(struct sb *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
		             i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
		if (!sb_append(out, q, 4))
			return false;
	}
	return true;
}

bool mime_base64(struct sb *out, const unsigned char *data, size_t n)
{
	/* 57 bytes are one line of 76 characters */
	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;
		if (!b64_plain(out, data + i, k) || !sb_append(out, "\r\n", 2))
			return false;
	}
	return !sb_failed(out);
}

static bool plain_ascii(const char *s, size_t max)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
			return false;
	/* "=?" would be read as the start of an encoded word */
	return n <= max && !strstr(s, "=?");
}

/* UTF-8 bytes of one encoded word that fits in width characters:
   "=?UTF-8?B?" and "?=" are 12, every 3 bytes 4 more */
static size_t word_bytes(size_t width)
{
	size_t k = width > 12 ? (width - 12) / 4 * 3 : 0;
	return k < WORD_BYTES ? k : WORD_BYTES;
}

bool mime_header_text(struct sb *out, const char *utf8, size_t used)
{
	if (plain_ascii(utf8, used < 76 ? 76 - used : 0))
		return sb_puts(out, utf8);
	const unsigned char *p = (const unsigned char *)utf8;
	size_t n = strlen(utf8);
	/* the first word shares its line with the header's name (used); the
	   ones after a fold with the space in front: every line within 76 */
	size_t width = used < 76 ? 76 - used : 0;
	if (n > 0 && word_bytes(width) < 4) {
		/* not even one character fits beside the name: fold at once */
		if (!sb_append(out, "\r\n ", 3))
			return false;
		width = 75;
	}
	bool first = true;
	while (n > 0) {
		size_t max = word_bytes(width);
		size_t k = n < max ? n : max;
		/* never cut a character: back up to the start of one */
		while (k < n && k > 0 && (p[k] & 0xc0) == 0x80)
			k--;
		if (k == 0)
			k = n < max ? n : max; /* not UTF-8: cut anyway */
		/* control characters (CR, LF) never reach a header, even
		   encoded: they become spaces */
		unsigned char buf[WORD_BYTES];
		for (size_t i = 0; i < k; i++)
			buf[i] = p[i] < 0x20 || p[i] == 0x7f ? ' ' : p[i];
		if ((!first && !sb_append(out, "\r\n ", 3)) || !sb_puts(out, "=?UTF-8?B?") ||
		    !b64_plain(out, buf, k) || !sb_puts(out, "?="))
			return false;
		first = false;
		width = 75;
		p += k;
		n -= k;
	}
	return !sb_failed(out);
}

bool mime_qp(struct sb *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			if (!sb_append(out, "\r\n", 2))
				return false;
			col = 0;
			continue;
		}
		char enc[3];
		size_t w;
		bool at_end = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && !at_end)) {
			enc[0] = (char)*p;
			w = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			w = 3;
		}
		/* a soft break ("=") keeps the line at 76 with it */
		if (col + w > LINE_MAX_QP - 1) {
			if (!sb_append(out, "=\r\n", 3))
				return false;
			col = 0;
		}
		if (!sb_append(out, enc, w))
			return false;
		col += w;
	}
	if (col > 0 && !sb_append(out, "\r\n", 2))
		return false;
	return !sb_failed(out);
}

static bool address_ok(const char *a)
{
	if (!a || !*a)
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return false;
	return true;
}

static bool random_hex(char *out, size_t bytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	if (bytes > sizeof(r) || !crypto_random(r, bytes))
		return false;
	for (size_t i = 0; i < bytes; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * bytes] = '\0';
	return true;
}

static bool token_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return false;
	return true;
}

bool mime_build(struct sb *out, const struct mime_message *m)
{
	if (!address_ok(m->from) || !address_ok(m->to) || !m->subject || !m->text)
		return false;
	if (m->lang && !token_ok(m->lang))
		return false;
	if (m->calendar && !token_ok(m->calendar_method ? m->calendar_method : "PUBLISH"))
		return false;
	char boundary[2 * 12 + 1], id[2 * 16 + 1];
	if (!random_hex(boundary, 12) || !random_hex(id, 16))
		return false;
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	if (!gmtime_r(&m->date, &tm))
		return false;
	size_t begin = out->len;
	bool ok = sb_puts(out, "From: ");
	if (m->from_name && *m->from_name) {
		ok = ok && mime_header_text(out, m->from_name, 6);
		/* the address goes on the name's last line when it fits there */
		size_t col = 0;
		while (ok && out->len - col > begin && out->data[out->len - col - 1] != '\n')
			col++;
		ok = ok && sb_puts(out, col + 3 + strlen(m->from) > 78 ? "\r\n " : " ");
	}
	ok = ok && sb_appendf(out, "<%s>\r\nTo: <%s>\r\nSubject: ", m->from, m->to) &&
	     mime_header_text(out, m->subject, 9) &&
	     sb_appendf(out, "\r\nDate: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	                days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	                tm.tm_hour, tm.tm_min, tm.tm_sec) &&
	     sb_appendf(out, "Message-ID: <%s@%s>\r\n", id,
	                token_ok(m->id_domain) ? m->id_domain : "localhost") &&
	     sb_puts(out, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (m->lang)
		ok = ok && sb_appendf(out, "Content-Language: %s\r\n", m->lang);
	ok = ok && sb_appendf(out,
	                      "Content-Type: multipart/mixed; boundary=\"=_%s\"\r\n\r\n"
	                      "This is a message in MIME format.\r\n"
	                      "\r\n--=_%s\r\n"
	                      "Content-Type: text/plain; charset=UTF-8\r\n"
	                      "Content-Transfer-Encoding: quoted-printable\r\n",
	                      boundary, boundary);
	if (m->lang)
		ok = ok && sb_appendf(out, "Content-Language: %s\r\n", m->lang);
	ok = ok && sb_puts(out, "\r\n") && mime_qp(out, m->text);
	if (m->calendar) {
		const char *method = m->calendar_method ? m->calendar_method : "PUBLISH";
		ok = ok &&
		     sb_appendf(out,
		                "\r\n--=_%s\r\n"
		                "Content-Type: text/calendar; charset=UTF-8; method=%s; "
		                "name=\"invite.ics\"\r\n"
		                "Content-Transfer-Encoding: base64\r\n"
		                "Content-Disposition: attachment; filename=\"invite.ics\"\r\n\r\n",
		                boundary, method) &&
		     mime_base64(out, (const unsigned char *)m->calendar, strlen(m->calendar));
	}
	ok = ok && sb_appendf(out, "\r\n--=_%s--\r\n", boundary);
	return ok && !sb_failed(out);
}
