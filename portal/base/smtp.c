#include "base/smtp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

bool smtp_dot_stuff(struct sb *out, const char *data)
{
	bool bol = true;
	for (const char *p = data; *p; p++) {
		if (bol && *p == '.' && !sb_putc(out, '.'))
			return false;
		if (*p == '\r' && p[1] == '\n')
			continue; /* the CRLF is written at the '\n' */
		if (*p == '\n') {
			if (!sb_append(out, "\r\n", 2))
				return false;
			bol = true;
			continue;
		}
		if (!sb_putc(out, *p))
			return false;
		bol = false;
	}
	if (!bol && !sb_append(out, "\r\n", 2))
		return false;
	return sb_puts(out, ".\r\n");
}

struct conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	char buf[4096];
	size_t len;
	int timeout_ms;      /* of the step at hand */
	struct timespec end; /* of the whole conversation (CLOCK_MONOTONIC) */
	const struct smtp_relay *r;
	bool permanent; /* a 5xx about this message (command()) */
	char *err;
	size_t errlen;
};

static void fail(struct conn *c, const char *what)
{
	if (c->err[0])
		return; /* the first reason counts */
	snprintf(c->err, c->errlen, "relay %s:%d %s", c->r->host, c->r->port, what);
}

/* Milliseconds the next wait may take: the step's timeout, but never past
 * the end of the conversation (0 when that has come). */
static int wait_ms(const struct conn *c)
{
	struct timespec now;
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return 0;
	long long left = (long long)(c->end.tv_sec - now.tv_sec) * 1000 +
	                 (c->end.tv_nsec - now.tv_nsec) / 1000000;
	if (left <= 0)
		return 0;
	return left < c->timeout_ms ? (int)left : c->timeout_ms;
}

/* Before a blocking read or write: its timeout (SO_RCVTIMEO/SO_SNDTIMEO,
 * which also bound OpenSSL on this blocking socket). False, with the
 * reason, when the conversation has used all its time. */
static bool arm(struct conn *c)
{
	int ms = wait_ms(c);
	if (ms <= 0) {
		fail(c, "took too long in all (a slow or dripping relay)");
		return false;
	}
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	return setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
	       setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0;
}

static bool wait_fd(struct conn *c, short events)
{
	struct pollfd p = {.fd = c->fd, .events = events};
	for (;;) {
		int ms = wait_ms(c);
		if (ms <= 0)
			return false;
		int n = poll(&p, 1, ms);
		if (n > 0)
			return true;
		if (n == 0 || errno != EINTR)
			return false;
	}
}

static bool connect_to(struct conn *c)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC}, *res = NULL;
	char port[8];
	snprintf(port, sizeof(port), "%d", c->r->port);
	if (getaddrinfo(c->r->host, port, &hints, &res) != 0 || !res) {
		fail(c, "not found (DNS)");
		return false;
	}
	const char *why = "unreachable";
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			close(fd);
			continue;
		}
		int rc = connect(fd, a->ai_addr, a->ai_addrlen);
		if (rc < 0 && errno == EINPROGRESS) {
			c->fd = fd;
			int soerr = 0;
			socklen_t sl = sizeof(soerr);
			if (!wait_fd(c, POLLOUT)) {
				why = "timed out connecting";
				rc = -1;
			} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
				why = soerr == ECONNREFUSED ? "refused the connection"
				                            : "unreachable";
				rc = -1;
			} else {
				rc = 0;
			}
			c->fd = -1;
		} else if (rc < 0) {
			why = errno == ECONNREFUSED ? "refused the connection" : "unreachable";
		}
		if (rc == 0 && fcntl(fd, F_SETFL, fl) == 0) {
			c->fd = fd;
			break;
		}
		close(fd);
	}
	freeaddrinfo(res);
	if (c->fd < 0) {
		fail(c, why);
		return false;
	}
	return true;
}

static bool send_all(struct conn *c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w;
		if (!arm(c))
			return false;
		if (c->ssl) {
			int k = SSL_write(c->ssl, p, n > 1 << 30 ? 1 << 30 : (int)n);
			w = k > 0 ? k : -1;
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
		}
		if (w <= 0) {
			fail(c, "closed the connection while sending");
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* One line (without CRLF) into line; false at the end or on a timeout. */
static bool read_line(struct conn *c, char *line, size_t max)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			size_t k = n > 0 && c->buf[n - 1] == '\r' ? n - 1 : n;
			if (k >= max)
				k = max - 1;
			memcpy(line, c->buf, k);
			line[k] = '\0';
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return true;
		}
		if (c->len == sizeof(c->buf)) {
			fail(c, "sent a line too long");
			return false;
		}
		ssize_t got;
		if (!arm(c))
			return false;
		if (c->ssl) {
			int k = SSL_read(c->ssl, c->buf + c->len, (int)(sizeof(c->buf) - c->len));
			got = k > 0 ? k : -1;
		} else {
			got = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
			if (got < 0 && errno == EINTR)
				continue;
		}
		if (got <= 0) {
			bool late = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
			fail(c, !late ? "closed the connection"
			        : wait_ms(c) <= 0
			            ? "took too long in all (a slow or dripping relay)"
			            : "timed out");
			return false;
		}
		c->len += (size_t)got;
	}
}

bool smtp_reply_line(const char *line, int *code, bool *last, bool *starttls)
{
	size_t n = strlen(line);
	if (n < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
	    line[2] < '0' || line[2] > '9' || (n > 3 && line[3] != ' ' && line[3] != '-'))
		return false;
	*code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	*last = n == 3 || line[3] == ' ';
	/* "250" alone has no text: line + 4 would be past its end */
	if (starttls && n >= 12 && strncasecmp(line + 4, "STARTTLS", 8) == 0 &&
	    (line[12] == '\0' || line[12] == ' '))
		*starttls = true;
	return true;
}

/* A reply: its code (0 on failure); starttls is set when an EHLO reply
   offers STARTTLS. */
static int reply(struct conn *c, bool *starttls)
{
	char line[1024];
	for (int lines = 0; lines < 100; lines++) {
		if (!read_line(c, line, sizeof(line)))
			return 0;
		int code;
		bool last;
		if (!smtp_reply_line(line, &code, &last, starttls)) {
			fail(c, "sent something that is not SMTP");
			return 0;
		}
		if (last)
			return code;
	}
	fail(c, "sent too long a reply");
	return 0;
}

/* Sends a command (NULL: none, only read the reply) and reads the reply;
   returns its code (0 when there was none); when it is not of want's
   class (2xx or 3xx) the error says the step and the code.

   A 5xx is permanent (c->permanent) only where it can be about this
   message: the recipient (RCPT TO) or the message itself (the reply to
   the final dot), and never 530 (authentication required, RFC 4954). A
   5xx elsewhere (the greeting, EHLO, MAIL FROM, DATA) or a 530 refuses
   every message alike, so it is a temporary failure of the set-up,
   logged as such, and no message is given up for it. */
static int command(struct conn *c, const char *cmd, int want, const char *step, bool about_message,
                   bool *starttls)
{
	if (cmd && !send_all(c, cmd, strlen(cmd)))
		return 0;
	int code = reply(c, starttls);
	if (code == 0)
		return 0;
	if (code / 100 != want / 100) {
		char what[160];
		if (code >= 500 && (!about_message || code == 530))
			snprintf(what, sizeof(what),
			         "refuses us (%d to %s): check --mail-from / relay settings", code,
			         step);
		else
			snprintf(what, sizeof(what), "refused %s (%d)", step, code);
		fail(c, what);
		c->permanent = code >= 500 && about_message && code != 530;
	}
	return code;
}

static bool is_ip(const char *host)
{
	unsigned char b[16];
	return inet_pton(AF_INET, host, b) == 1 || inet_pton(AF_INET6, host, b) == 1;
}

bool smtp_helo_name(struct sb *out, const char *name)
{
	char h[256];
	size_t n = name ? strlen(name) : 0;
	if (n >= 2 && name[0] == '[' && name[n - 1] == ']') {
		name++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(h))
		return sb_puts(out, "localhost");
	memcpy(h, name, n);
	h[n] = '\0';
	unsigned char b[16];
	if (inet_pton(AF_INET, h, b) == 1)
		return sb_appendf(out, "[%s]", h);
	if (inet_pton(AF_INET6, h, b) == 1)
		return sb_appendf(out, "[IPv6:%s]", h);
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return sb_puts(out, "localhost");
	return sb_puts(out, h);
}

static bool start_tls(struct conn *c)
{
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx || !SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION)) {
		fail(c, "TLS: no context");
		return false;
	}
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	int ok = c->r->ca_file ? SSL_CTX_load_verify_locations(c->ctx, c->r->ca_file, NULL)
	                       : SSL_CTX_set_default_verify_paths(c->ctx);
	if (ok != 1) {
		fail(c, "TLS: cannot read the CA certificates");
		return false;
	}
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		fail(c, "TLS: no session");
		return false;
	}
	X509_VERIFY_PARAM *vp = SSL_get0_param(c->ssl);
	if (is_ip(c->r->host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(vp, c->r->host) != 1) {
			fail(c, "TLS: bad address");
			return false;
		}
	} else {
		/* SSL_set_tlsext_host_name casts its argument to void *: a copy */
		char name[256];
		if (snprintf(name, sizeof(name), "%s", c->r->host) >= (int)sizeof(name) ||
		    SSL_set_tlsext_host_name(c->ssl, name) != 1 ||
		    SSL_set1_host(c->ssl, c->r->host) != 1) {
			fail(c, "TLS: bad host name");
			return false;
		}
	}
	if (!arm(c))
		return false;
	if (SSL_connect(c->ssl) != 1) {
		long v = SSL_get_verify_result(c->ssl);
		char what[160];
		snprintf(what, sizeof(what), "TLS handshake failed: %s",
		         v != X509_V_OK ? X509_verify_cert_error_string(v) : "no common ground");
		ERR_clear_error();
		SSL_free(c->ssl);
		c->ssl = NULL; /* nothing more is said in plain text */
		fail(c, what);
		return false;
	}
	c->len = 0; /* nothing read before the handshake counts (RFC 3207 4.2) */
	return true;
}

static void conn_close(struct conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	ERR_clear_error();
}

static bool addr_ok(const char *a)
{
	if (!a || !*a || strlen(a) > 254)
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return false;
	return true;
}

enum smtp_result smtp_send(const struct smtp_relay *r, const char *from, const char *to,
                           const char *data, char *err, size_t errlen)
{
	struct conn c = {.fd = -1, .r = r, .err = err, .errlen = errlen};
	c.timeout_ms = (r->timeout_s > 0 ? r->timeout_s : 30) * 1000;
	if (clock_gettime(CLOCK_MONOTONIC, &c.end) != 0) {
		snprintf(err, errlen, "relay %s:%d not tried: no clock", r->host, r->port);
		return SMTP_TEMPORARY;
	}
	c.end.tv_sec += r->total_timeout_s > 0 ? r->total_timeout_s : SMTP_TOTAL_TIMEOUT_S;
	err[0] = '\0';
	if (!addr_ok(from) || !addr_ok(to)) {
		fail(&c, "not tried: an address is not valid");
		return SMTP_PERMANENT;
	}
	enum smtp_result res = SMTP_TEMPORARY;
	struct sb cmd, body;
	sb_init(&cmd, 1024);
	sb_init(&body, 0);
	bool tls_offered = false;
	int code;
	if (!connect_to(&c) || command(&c, NULL, 220, "the greeting", false, NULL) != 220)
		goto out;
	sb_puts(&cmd, "EHLO ");
	smtp_helo_name(&cmd, r->helo);
	sb_puts(&cmd, "\r\n");
	if (command(&c, sb_str(&cmd), 250, "EHLO", false, &tls_offered) != 250)
		goto out;
	if (!tls_offered && r->require_tls) {
		fail(&c, "offers no STARTTLS; not sending in plain text");
		if (send_all(&c, "QUIT\r\n", 6))
			(void)reply(&c, NULL);
		goto out;
	}
	if (tls_offered) {
		if (command(&c, "STARTTLS\r\n", 220, "STARTTLS", false, NULL) != 220 ||
		    !start_tls(&c))
			goto out;
		tls_offered = false;
		if (command(&c, sb_str(&cmd), 250, "EHLO", false, &tls_offered) != 250)
			goto out;
	}
	sb_reset(&cmd);
	sb_appendf(&cmd, "MAIL FROM:<%s>\r\n", from);
	code = command(&c, sb_str(&cmd), 250, "MAIL FROM", false, NULL);
	if (code != 250) {
		res = c.permanent ? SMTP_PERMANENT : SMTP_TEMPORARY;
		goto out;
	}
	sb_reset(&cmd);
	sb_appendf(&cmd, "RCPT TO:<%s>\r\n", to);
	code = command(&c, sb_str(&cmd), 250, "the recipient", true, NULL);
	if (code / 100 != 2) {
		res = c.permanent ? SMTP_PERMANENT : SMTP_TEMPORARY;
		goto out;
	}
	code = command(&c, "DATA\r\n", 354, "DATA", false, NULL);
	if (code != 354) {
		res = c.permanent ? SMTP_PERMANENT : SMTP_TEMPORARY;
		goto out;
	}
	if (!smtp_dot_stuff(&body, data)) {
		fail(&c, "not tried: the message is too large");
		goto out;
	}
	if (!send_all(&c, body.data, body.len))
		goto out;
	/* a relay may scan the message before it answers */
	c.timeout_ms = (r->final_timeout_s > 0 ? r->final_timeout_s : SMTP_FINAL_TIMEOUT_S) * 1000;
	code = command(&c, NULL, 250, "the message", true, NULL);
	if (code / 100 != 2) {
		res = c.permanent ? SMTP_PERMANENT : SMTP_TEMPORARY;
		goto out;
	}
	res = SMTP_SENT;
	/* the message is accepted; a QUIT that goes wrong changes nothing */
	if (send_all(&c, "QUIT\r\n", 6))
		(void)reply(&c, NULL);
	err[0] = '\0';
out:
	if (res != SMTP_SENT && !err[0])
		fail(&c, "failed");
	conn_close(&c);
	sb_free(&cmd);
	sb_free(&body);
	return res;
}
