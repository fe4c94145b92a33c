/* smtp: a small blocking SMTP client (RFC 5321) for the mail thread only,
 * never the event loop.
 *
 * Connects with a timeout, says EHLO, upgrades with STARTTLS (RFC 3207)
 * whenever the relay offers it, and refuses to go on without it when
 * require_tls is set (a man in the middle can strip the offer; the
 * certificate is verified against the
 * system's CAs, or against ca_file for a private relay, and must name
 * the host), then MAIL FROM, RCPT TO and DATA with dot-stuffing, QUIT.
 * No state between calls: one connection per message. Error texts name
 * the relay and the step, never an address or anything of the message. */
#ifndef WW_SMTP_H
#define WW_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

#define SMTP_FINAL_TIMEOUT_S 60
#define SMTP_TOTAL_TIMEOUT_S 90

struct smtp_relay {
	const char *host; /* a name or a numeric address */
	int port;
	const char *ca_file; /* NULL: the system's CAs */
	/* a relay that offers no STARTTLS gets nothing (a temporary failure)
	   instead of the message in plain text */
	bool require_tls;
	int timeout_s; /* per step; 0: 30 */
	/* the reply to the message itself (a relay may scan it first; RFC 5321
	   4.5.3.2 allows minutes) and the whole conversation, a relay that
	   drips its bytes included; 0: SMTP_FINAL_TIMEOUT_S, SMTP_TOTAL_TIMEOUT_S */
	int final_timeout_s, total_timeout_s;
	const char *helo; /* our name in EHLO (see smtp_helo_name); NULL: "localhost" */
};

enum smtp_result {
	SMTP_SENT,
	/* could not connect, a 4xx, TLS trouble, or a 5xx that refuses every
	   message alike (the greeting, EHLO, MAIL FROM, DATA, a 530): try
	   again later */
	SMTP_TEMPORARY,
	/* a 5xx to RCPT TO or to the message: trying again will not help */
	SMTP_PERMANENT,
};

/* Sends data (a whole message, CRLF line ends; see base/mime.h) from
 * from to to. err gets one line without personal data, such as
 * "relay 127.0.0.1:2525 refused (421)". */
enum smtp_result smtp_send(const struct smtp_relay *r, const char *from, const char *to,
                           const char *data, char *err, size_t errlen);

/* The DATA body as sent: every line ending in CRLF (a bare LF becomes
 * CRLF), a line that begins with "." gets another in front (RFC 5321
 * 4.5.2), and the closing ".\r\n". Exposed for tests. */
bool smtp_dot_stuff(struct sb *out, const char *data);

/* The argument of EHLO for our name (RFC 5321 4.1.3): a host name as
 * it is, an IPv4 address as "[192.0.2.1]", an IPv6 one (with or without
 * brackets) as "[IPv6:2001:db8::1]"; "localhost" for NULL or anything
 * else. Exposed for tests. */
bool smtp_helo_name(struct sb *out, const char *name);

/* One line of a reply (without CRLF): its code, whether it is the last
 * line ("250 ..." or "250", not "250-..."), and starttls set when it is
 * an EHLO keyword line "STARTTLS". False when it is not a reply line.
 * Exposed for tests. */
bool smtp_reply_line(const char *line, int *code, bool *last, bool *starttls);

#endif
