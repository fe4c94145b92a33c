/* mime: encoded-word subjects, quoted-printable and base64 line lengths,
 * the whole message's lines; smtp: dot-stuffing of the DATA body. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/mime.h"
#include "base/smtp.h"
#include "unit.h"

/* Every line of s ends in CRLF (no bare CR or LF) and has at most max
   characters before it. */
static bool lines_within(const char *s, size_t max)
{
	size_t col = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			if (p[1] != '\n')
				return false;
			p++;
			col = 0;
			continue;
		}
		if (*p == '\n' || ++col > max)
			return false;
	}
	return true;
}

/* Decodes RFC 2047 B words of a folded header value (tests only). */
static bool decode_words(const char *v, struct sb *out)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = v;
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		const char *end = strstr(p, "?=");
		if (!end)
			return false;
		unsigned acc = 0;
		int bits = 0;
		for (; p < end; p++) {
			if (*p == '=')
				continue;
			const char *k = strchr(b64, *p);
			if (!k || !*p)
				return false;
			acc = (acc << 6) | (unsigned)(k - b64);
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				sb_putc(out, (char)((acc >> bits) & 0xff));
			}
		}
		if (end - p > 75)
			return false;
		p = end + 2;
	}
	return !sb_failed(out);
}

static void test_header_text(void)
{
	struct sb b;
	sb_init(&b, 0);
	CHECK(mime_header_text(&b, "Your appointment", 9));
	CHECK_STR(sb_str(&b), "Your appointment");
	/* Arabic, long: encoded words of at most 75 characters, folded, and
	   cut only between characters */
	const char *ar = "موعدك لدى الويكفايزر يوم الثلاثاء 8 ديسمبر الساعة 10.00 موعدك لدى "
	                 "الويكفايزر";
	sb_reset(&b);
	CHECK(mime_header_text(&b, ar, 9));
	CHECK(lines_within(sb_str(&b), 76));
	CHECK(strstr(sb_str(&b), "\r\n =?UTF-8?B?") != NULL);
	struct sb d;
	sb_init(&d, 0);
	CHECK(decode_words(sb_str(&b), &d));
	CHECK_STR(sb_str(&d), ar);
	/* every word on its own decodes to whole characters */
	const char *w = sb_str(&b);
	bool whole = true;
	while ((w = strstr(w, "=?UTF-8?B?")) != NULL) {
		const char *end = strstr(w, "?=");
		char one[128];
		size_t n = (size_t)(end + 2 - w);
		if (n >= sizeof(one) || n > 75) {
			whole = false;
			break;
		}
		memcpy(one, w, n);
		one[n] = '\0';
		struct sb x;
		sb_init(&x, 0);
		decode_words(one, &x);
		const unsigned char *u = (const unsigned char *)sb_str(&x);
		if (x.len && (u[0] & 0xc0) == 0x80)
			whole = false;
		sb_free(&x);
		w = end + 2;
	}
	CHECK(whole);
	/* the first line holds the header's name too: "Subject: " (9) and
	   the first word stay within 76, as every line after a fold */
	struct sb line;
	sb_init(&line, 0);
	sb_puts(&line, "Subject: ");
	CHECK(mime_header_text(&line, ar, 9));
	CHECK(lines_within(sb_str(&line), 76));
	/* a name that leaves no room for one word: folded at once */
	sb_reset(&line);
	sb_puts(&line, "X-A-Very-Long-Header-Name-That-Takes-Most-Of-The-Line-Already-Here: ");
	CHECK(mime_header_text(&line, "é", line.len));
	CHECK(lines_within(sb_str(&line), 76));
	CHECK(strstr(sb_str(&line), ": \r\n =?UTF-8?B?") != NULL);
	sb_reset(&d);
	CHECK(decode_words(sb_str(&line), &d));
	CHECK_STR(sb_str(&d), "é");
	sb_free(&line);
	/* no CR or LF gets into a header, even encoded */
	sb_reset(&b);
	sb_reset(&d);
	CHECK(mime_header_text(&b, "é\r\nBcc: x@y.z", 9));
	CHECK(decode_words(sb_str(&b), &d));
	CHECK(strchr(sb_str(&d), '\n') == NULL && strchr(sb_str(&d), '\r') == NULL);
	/* "=?" in plain text would read as a word: encoded */
	sb_reset(&b);
	CHECK(mime_header_text(&b, "a =?x?= b", 9));
	CHECK(strncmp(sb_str(&b), "=?UTF-8?B?", 10) == 0);
	sb_free(&b);
	sb_free(&d);
}

static void test_qp(void)
{
	struct sb b;
	sb_init(&b, 0);
	CHECK(mime_qp(&b, "Beste René,\n\nTot dan. \nx=y"));
	CHECK_STR(sb_str(&b), "Beste Ren=C3=A9,\r\n\r\nTot dan.=20\r\nx=3Dy\r\n");
	/* a long line is broken softly, within 76, and never inside an =XX */
	char line[400];
	for (size_t i = 0; i < sizeof(line) - 1; i++)
		line[i] = i % 7 == 3 ? '=' : 'a';
	line[sizeof(line) - 1] = '\0';
	sb_reset(&b);
	CHECK(mime_qp(&b, line));
	CHECK(lines_within(sb_str(&b), 76));
	/* every "=" is a soft break or a whole =XX on one line */
	bool escapes_whole = true;
	for (const char *p = sb_str(&b); *p; p++)
		if (*p == '=' && !(p[1] == '\r' && p[2] == '\n') &&
		    !(strchr("0123456789ABCDEF", p[1]) && p[1] &&
		      strchr("0123456789ABCDEF", p[2]) && p[2]))
			escapes_whole = false;
	CHECK(escapes_whole);
	sb_free(&b);
}

static void test_base64_lines(void)
{
	unsigned char data[1000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37);
	struct sb b;
	sb_init(&b, 0);
	CHECK(mime_base64(&b, data, sizeof(data)));
	CHECK(lines_within(sb_str(&b), 76));
	/* 57 bytes a line of 76: 1000 bytes are 17 full lines and one more */
	size_t lines = 0;
	for (const char *p = sb_str(&b); (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	CHECK(lines == 18);
	sb_reset(&b);
	CHECK(mime_base64(&b, (const unsigned char *)"ab", 2));
	CHECK_STR(sb_str(&b), "YWI=\r\n");
	sb_free(&b);
}

static void test_message(void)
{
	struct sb b;
	sb_init(&b, 0);
	struct mime_message m = {
	    .from = "wijkwijzer@example.org",
	    .from_name = "De wijkwijzer",
	    .to = "renee@example.org",
	    .subject = "Uw afspraak bij de wijkwijzer op dinsdag 8 december om 10.00 uur",
	    .lang = "nl",
	    .text = "Beste Renée,\n\nTot dinsdag.\n",
	    .calendar = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n",
	    .calendar_method = "PUBLISH",
	    .date = 1796630400,
	    .id_domain = "wijkwijzer.example.nl",
	};
	CHECK(mime_build(&b, &m));
	const char *s = sb_str(&b);
	CHECK(lines_within(s, 78));
	CHECK(strstr(s, "\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\n") != NULL);
	CHECK(strstr(s, "Message-ID: <") != NULL && strstr(s, "@wijkwijzer.example.nl>") != NULL);
	CHECK(strstr(s, "Content-Type: multipart/mixed; boundary=") != NULL);
	CHECK(strstr(s, "Content-Type: text/plain; charset=UTF-8\r\n") != NULL);
	CHECK(strstr(s, "method=PUBLISH") != NULL && strstr(s, "filename=\"invite.ics\"") != NULL);
	CHECK(strstr(s, "Ren=C3=A9e") != NULL);
	/* a long subject and sender's name that are not ASCII: every line
	   of the headers within 78 too, the address after a fold when it
	   does not fit beside the name */
	sb_reset(&b);
	m.subject = "موعدك لدى الويكفايزر يوم الثلاثاء 8 ديسمبر الساعة 10.00 موعدك لدى";
	m.from_name = "الويكفايزر في إنسخيدي، مكتب المدينة والحي";
	CHECK(mime_build(&b, &m));
	CHECK(lines_within(sb_str(&b), 78));
	CHECK(strstr(sb_str(&b), "?=\r\n <wijkwijzer@example.org>\r\n") != NULL ||
	      strstr(sb_str(&b), "?= <wijkwijzer@example.org>\r\n") != NULL);
	m.subject = "Uw afspraak";
	m.from_name = "De wijkwijzer";
	/* an address with a line break could add headers: refused */
	sb_reset(&b);
	m.to = "a@b.nl\r\nBcc: c@d.nl";
	CHECK(!mime_build(&b, &m));
	m.to = "<a@b.nl>";
	CHECK(!mime_build(&b, &m));
	sb_free(&b);
}

static void test_dot_stuff(void)
{
	struct sb b;
	sb_init(&b, 0);
	CHECK(smtp_dot_stuff(&b, ".begin\r\nmiddle\r\n.\r\n..two\nbare lf"));
	CHECK_STR(sb_str(&b), "..begin\r\nmiddle\r\n..\r\n...two\r\nbare lf\r\n.\r\n");
	sb_reset(&b);
	CHECK(smtp_dot_stuff(&b, "ends\r\n"));
	CHECK_STR(sb_str(&b), "ends\r\n.\r\n");
	sb_free(&b);
}

static void test_reply_line(void)
{
	int code = 0;
	bool last = false, tls = false;
	/* a bare code (no text) is a whole last line; nothing past its end
	   is read (ASan, or the bytes after the NUL below, would show it) */
	char bare[16] = "250\0STARTTLS";
	CHECK(smtp_reply_line(bare, &code, &last, &tls));
	CHECK(code == 250 && last && !tls);
	CHECK(smtp_reply_line("250-STARTTLS", &code, &last, &tls) && !last && tls);
	tls = false;
	CHECK(smtp_reply_line("250 starttls", &code, &last, &tls) && last && tls);
	tls = false;
	CHECK(smtp_reply_line("250-STARTTLSX", &code, &last, &tls) && !tls);
	CHECK(smtp_reply_line("250-SIZE 1000", &code, &last, &tls) && !tls);
	CHECK(smtp_reply_line("250-", &code, &last, &tls) && !last && !tls);
	CHECK(smtp_reply_line("530 5.7.0 Authentication required", &code, &last, NULL) &&
	      code == 530 && last);
	CHECK(!smtp_reply_line("25", &code, &last, &tls));
	CHECK(!smtp_reply_line("2500", &code, &last, &tls));
	CHECK(!smtp_reply_line("650 x", &code, &last, &tls));
	CHECK(!smtp_reply_line("hello", &code, &last, &tls));
}

static void test_helo_name(void)
{
	static const char *const cases[][2] = {
	    {"wijkwijzer.example.nl", "wijkwijzer.example.nl"},
	    {"127.0.0.1", "[127.0.0.1]"},
	    {"[::1]", "[IPv6:::1]"},
	    {"2001:db8::1", "[IPv6:2001:db8::1]"},
	    {"", "localhost"},
	    {"bad name\r\nMAIL", "localhost"},
	};
	struct sb b;
	sb_init(&b, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sb_reset(&b);
		CHECK(smtp_helo_name(&b, cases[i][0]));
		CHECK_STR(sb_str(&b), cases[i][1]);
	}
	sb_reset(&b);
	CHECK(smtp_helo_name(&b, NULL));
	CHECK_STR(sb_str(&b), "localhost");
	sb_free(&b);
}

/* A relay that accepts and then drips its greeting, one byte every
 * 100 ms, never ending the line: every single read is quick, so only the
 * conversation's own deadline ends it. */
struct drip {
	int listen_fd;
	atomic_bool stop; /* set by the test when it is done */
};

static void *drip_main(void *arg)
{
	struct drip *d = arg;
	int fd = accept(d->listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	const char *text = "220 slow.example ESMTP a greeting that goes on and on";
	for (size_t i = 0; !atomic_load(&d->stop) && i < 400; i++) {
		if (send(fd, text + i % strlen(text), 1, MSG_NOSIGNAL) != 1)
			break;
		usleep(100 * 1000);
	}
	close(fd);
	return NULL;
}

static void test_dripping_relay(void)
{
	struct drip d = {.listen_fd = socket(AF_INET, SOCK_STREAM, 0)};
	atomic_init(&d.stop, false);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	CHECK(d.listen_fd >= 0 && bind(d.listen_fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	      listen(d.listen_fd, 1) == 0 &&
	      getsockname(d.listen_fd, (struct sockaddr *)&a, &al) == 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, drip_main, &d) == 0);
	struct smtp_relay r = {.host = "127.0.0.1",
	                       .port = ntohs(a.sin_port),
	                       .timeout_s = 1,
	                       .final_timeout_s = 1,
	                       .total_timeout_s = 2};
	char err[200];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enum smtp_result res = smtp_send(&r, "a@example.org", "b@example.org",
	                                 "Subject: x\r\n\r\nx\r\n", err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(res == SMTP_TEMPORARY);
	CHECK(strstr(err, "took too long in all") != NULL);
	/* the whole conversation's two seconds, not 400 drips of 100 ms */
	CHECK(took >= 1.9 && took < 4.0);
	atomic_store(&d.stop, true);
	pthread_join(t, NULL);
	close(d.listen_fd);
}

void test_mail(void)
{
	test_dripping_relay();
	test_helo_name();
	test_reply_line();
	test_header_text();
	test_qp();
	test_base64_lines();
	test_message();
	test_dot_stuff();
}
