/* wsfan: WebSocket fan-out benchmark client for wijkwijzer (bench/run.sh).
 *
 * Opens N WebSocket connections to ws://127.0.0.1:PORT/ws (subprotocol
 * wijkwijzer.v1, Origin http://127.0.0.1:PORT), subscribes each to the slots
 * of one location/date/topic and waits for the first {"type":"slots"} answer
 * on every one. Then it books one slot of that day with POST
 * /api/v1/bookings and measures, per connection, the time from just before
 * the POST is sent until the pushed {"type":"slots"} message has arrived.
 *
 *   wsfan PORT N LOCATION DATE TOPIC SERVER_PID
 *
 * One thread, epoll, non-blocking sockets; at most WSFAN_BATCH (default 200)
 * connections are in their handshake at the same time. Everything is
 * bounded: the connect phase by WSFAN_CONNECT_S (default 120 s), the push
 * phase by WSFAN_PUSH_S (default 60 s). Pings from the server are answered.
 *
 * Prints key=value lines on stdout (see the end of main); diagnostics go to
 * stderr. Exit 0 when the run could be measured (even with fewer
 * connections than asked: `connected` and `fail_reasons` say why), 1 when
 * not at all. Only talks to 127.0.0.1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

enum state { S_FREE, S_CONNECTING, S_HANDSHAKE, S_SUBSCRIBED, S_READY, S_DEAD };

struct conn {
	int fd;
	enum state st;
	unsigned char *buf; /* bytes received but not parsed yet */
	size_t len, cap;
	int pushes;     /* slots messages after the initial one */
	double push_ms; /* arrival of the first push, ms after t0 */
};

#define MAX_REASONS 16
static struct {
	char text[96];
	int count;
} reasons[MAX_REASONS];
static int nreasons;

static void fail_reason(const char *what, int err)
{
	char t[96];
	if (err)
		snprintf(t, sizeof(t), "%s: %s", what, strerror(err));
	else
		snprintf(t, sizeof(t), "%s", what);
	for (int i = 0; i < nreasons; i++)
		if (strcmp(reasons[i].text, t) == 0) {
			reasons[i].count++;
			return;
		}
	if (nreasons < MAX_REASONS) {
		snprintf(reasons[nreasons].text, sizeof(reasons[nreasons].text), "%s", t);
		reasons[nreasons++].count = 1;
	}
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long proc_kib(long pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	long v = -1;
	if (!f)
		return -1;
	size_t fl = strlen(field);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long proc_fds(long pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	DIR *d = opendir(path);
	long n = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return v[i - 1];
}

/* A masked client frame (RFC 6455 5.3); payload shorter than 126 bytes. */
static int send_frame(int fd, int opcode, const char *payload, size_t n)
{
	unsigned char f[2 + 4 + 125];
	if (n > 125)
		return -1;
	uint32_t r = (uint32_t)rand();
	unsigned char mask[4] = {(unsigned char)r, (unsigned char)(r >> 8),
	                         (unsigned char)(r >> 16), (unsigned char)(r >> 24)};
	f[0] = (unsigned char)(0x80 | opcode);
	f[1] = (unsigned char)(0x80 | n);
	memcpy(f + 2, mask, 4);
	for (size_t i = 0; i < n; i++)
		f[6 + i] = (unsigned char)payload[i] ^ mask[i % 4];
	ssize_t w = send(fd, f, 6 + n, MSG_NOSIGNAL);
	return w == (ssize_t)(6 + n) ? 0 : -1;
}

static int buf_add(struct conn *c, const unsigned char *p, size_t n)
{
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->len + n)
			cap *= 2;
		if (cap > (1u << 22))
			return -1;
		unsigned char *b = realloc(c->buf, cap);
		if (!b)
			return -1;
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	return 0;
}

static void buf_drop(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	if (c->len == 0) {
		free(c->buf);
		c->buf = NULL;
		c->cap = 0;
	}
}

/* globals of the run */
static int ep = -1;
static struct conn *conns;
static int nconn;
static int in_flight; /* connecting, handshake or waiting for the first slots */
static int ready, dead;
static double t0 = -1;
static char first_slots[65536]; /* the initial slots message of a connection */
static int have_first;
static char subscribe_msg[256];
static char handshake[512];
static int pushes_bad; /* messages after t0 that were not slots */

static void kill_conn(struct conn *c, const char *why, int err)
{
	if (c->st == S_DEAD || c->st == S_FREE)
		return;
	if (c->st != S_READY)
		in_flight--;
	else
		ready--;
	if (why)
		fail_reason(why, err);
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->st = S_DEAD;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	dead++;
}

/* Parses the complete frames in c->buf. */
static void parse_frames(struct conn *c, double t)
{
	for (;;) {
		if (c->len < 2)
			return;
		unsigned char *b = c->buf;
		int opcode = b[0] & 0x0f;
		size_t hdr = 2;
		uint64_t n = b[1] & 0x7f;
		if (b[1] & 0x80) {
			kill_conn(c, "masked frame from the server", 0);
			return;
		}
		if (n == 126) {
			if (c->len < 4)
				return;
			n = ((uint64_t)b[2] << 8) | b[3];
			hdr = 4;
		} else if (n == 127) {
			if (c->len < 10)
				return;
			n = 0;
			for (int i = 0; i < 8; i++)
				n = (n << 8) | b[2 + i];
			hdr = 10;
		}
		if (n > (1u << 21)) {
			kill_conn(c, "frame too large", 0);
			return;
		}
		if (c->len < hdr + n)
			return;
		const char *p = (const char *)b + hdr;
		if (opcode == 0x9) { /* ping -> pong with the same payload */
			if (send_frame(c->fd, 0xA, p, n) < 0) {
				kill_conn(c, "pong failed", errno);
				return;
			}
		} else if (opcode == 0x8) {
			kill_conn(c,
			          c->st == S_READY ? "closed by the server after subscribing"
			                           : "closed by the server while subscribing",
			          0);
			return;
		} else if (opcode == 0x1 || opcode == 0x0) {
			int is_slots = n >= 16 && memcmp(p, "{\"type\":\"slots\"", 15) == 0;
			if (c->st == S_SUBSCRIBED) {
				if (!is_slots) {
					char why[96];
					snprintf(why, sizeof(why), "subscribe answered: %.60s", p);
					kill_conn(c, why, 0);
					return;
				}
				if (!have_first && n < sizeof(first_slots)) {
					memcpy(first_slots, p, n);
					first_slots[n] = '\0';
					have_first = 1;
				}
				c->st = S_READY;
				in_flight--;
				ready++;
			} else if (c->st == S_READY && t0 >= 0) {
				if (!is_slots)
					pushes_bad++;
				else if (c->pushes++ == 0)
					c->push_ms = t - t0;
			}
		}
		buf_drop(c, hdr + n);
		if (c->st == S_DEAD)
			return;
	}
}

static void on_readable(struct conn *c)
{
	unsigned char tmp[65536];
	for (;;) {
		ssize_t r = recv(c->fd, tmp, sizeof(tmp), 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			kill_conn(c, "recv", errno);
			return;
		}
		if (r == 0) {
			kill_conn(c,
			          c->st == S_READY       ? "connection closed after subscribing"
			          : c->st == S_HANDSHAKE ? "connection closed during the handshake"
			                                 : "connection closed while subscribing",
			          0);
			return;
		}
		if (buf_add(c, tmp, (size_t)r) < 0) {
			kill_conn(c, "out of memory", 0);
			return;
		}
		if ((size_t)r < sizeof(tmp))
			break;
	}
	double t = now_ms();
	if (c->st == S_HANDSHAKE) {
		unsigned char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
		if (!end) {
			if (c->len > 8192)
				kill_conn(c, "handshake answer too long", 0);
			return;
		}
		size_t hl = (size_t)(end - c->buf) + 4;
		if (c->len < 12 || memcmp(c->buf, "HTTP/1.1 101", 12) != 0) {
			char why[96];
			size_t eol = 0;
			while (eol < c->len && eol < 40 && c->buf[eol] != '\r')
				eol++;
			snprintf(why, sizeof(why), "handshake answered '%.*s'", (int)eol,
			         (const char *)c->buf);
			kill_conn(c, why, 0);
			return;
		}
		if (!memmem(c->buf, hl, "wijkwijzer.v1", 13)) {
			kill_conn(c, "handshake without the subprotocol", 0);
			return;
		}
		buf_drop(c, hl);
		if (send_frame(c->fd, 0x1, subscribe_msg, strlen(subscribe_msg)) < 0) {
			kill_conn(c, "sending subscribe", errno);
			return;
		}
		c->st = S_SUBSCRIBED;
	}
	if (c->st == S_SUBSCRIBED || c->st == S_READY)
		parse_frames(c, t);
}

static void on_writable(struct conn *c)
{
	int err = 0;
	socklen_t el = sizeof(err);
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
	if (err) {
		kill_conn(c, "connect", err);
		return;
	}
	size_t n = strlen(handshake);
	if (send(c->fd, handshake, n, MSG_NOSIGNAL) != (ssize_t)n) {
		kill_conn(c, "sending the handshake", errno);
		return;
	}
	c->st = S_HANDSHAKE;
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)(c - conns)};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static struct sockaddr_in server_addr;

/* Opens one more connection; -1 when no socket can be made (stop trying). */
static int open_one(struct conn *c)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail_reason("socket", errno);
		c->st = S_DEAD;
		dead++;
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->st = S_CONNECTING;
	in_flight++;
	if (connect(fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0 &&
	    errno != EINPROGRESS) {
		kill_conn(c, "connect", errno);
		return 0;
	}
	struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)(c - conns)};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		kill_conn(c, "epoll_ctl", errno);
		return -1;
	}
	return 0;
}

/* The booking request: a plain HTTP/1.1 POST with Connection: close. */
static int post_fd = -1;
static char post_buf[8192];
static size_t post_len;
static double post_done_ms = -1;
static int post_status;

static void on_post_readable(void)
{
	for (;;) {
		ssize_t r = recv(post_fd, post_buf + post_len, sizeof(post_buf) - 1 - post_len, 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r > 0) {
			post_len += (size_t)r;
			if (post_len < sizeof(post_buf) - 1)
				continue;
		}
		/* EOF, error or full buffer: the answer is complete */
		post_buf[post_len] = '\0';
		post_done_ms = now_ms() - t0;
		if (post_len > 12 && strncmp(post_buf, "HTTP/1.1 ", 9) == 0)
			post_status = atoi(post_buf + 9);
		epoll_ctl(ep, EPOLL_CTL_DEL, post_fd, NULL);
		close(post_fd);
		post_fd = -1;
		return;
	}
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: wsfan PORT N LOCATION DATE TOPIC SERVER_PID\n");
		return 2;
	}
	int port = atoi(argv[1]);
	nconn = atoi(argv[2]);
	const char *loc = argv[3], *date = argv[4], *topic = argv[5];
	long spid = atol(argv[6]);
	const char *e;
	int batch = (e = getenv("WSFAN_BATCH")) ? atoi(e) : 200;
	double connect_s = (e = getenv("WSFAN_CONNECT_S")) ? atof(e) : 120;
	double push_s = (e = getenv("WSFAN_PUSH_S")) ? atof(e) : 60;
	if (port < 1 || port > 65535 || nconn < 1 || nconn > 100000 || batch < 1 ||
	    strlen(loc) > 64 || strlen(date) != 10 || strlen(topic) > 64) {
		fprintf(stderr, "wsfan: bad arguments\n");
		return 2;
	}
	srand((unsigned)getpid());
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	snprintf(subscribe_msg, sizeof(subscribe_msg),
	         "{\"type\":\"subscribe\",\"location\":\"%s\",\"date\":\"%s\",\"topic\":\"%s\"}",
	         loc, date, topic);
	snprintf(handshake, sizeof(handshake),
	         "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
	         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: wijkwijzer.v1\r\n"
	         "Origin: http://127.0.0.1:%d\r\n\r\n",
	         port, port);
	memset(&server_addr, 0, sizeof(server_addr));
	server_addr.sin_family = AF_INET;
	server_addr.sin_port = htons((uint16_t)port);
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	conns = calloc((size_t)nconn, sizeof(*conns));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || ep < 0) {
		fprintf(stderr, "wsfan: out of memory or no epoll\n");
		return 1;
	}
	for (int i = 0; i < nconn; i++)
		conns[i].fd = -1;

	long rss_before = proc_kib(spid, "VmRSS");
	long fds_before = proc_fds(spid);
	struct epoll_event evs[1024];

	/* ---- connect and subscribe ------------------------------------- */
	double start = now_ms(), deadline = start + connect_s * 1e3;
	int next = 0, stop_opening = 0;
	double last_report = start;
	while (now_ms() < deadline) {
		while (!stop_opening && next < nconn && in_flight < batch)
			if (open_one(&conns[next++]) < 0)
				stop_opening = 1;
		if ((next >= nconn || stop_opening) && in_flight == 0)
			break;
		int n = epoll_wait(ep, evs, 1024, 100);
		for (int i = 0; i < n; i++) {
			struct conn *c = &conns[evs[i].data.u32];
			if (c->st == S_CONNECTING) {
				if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
					on_writable(c);
			} else if (c->st != S_DEAD) {
				on_readable(c);
			}
		}
		if (now_ms() - last_report > 5000) {
			fprintf(stderr, "wsfan: %d ready, %d in progress, %d failed\n", ready,
			        in_flight, dead);
			last_report = now_ms();
		}
	}
	double connect_ms = now_ms() - start;
	for (int i = 0; i < nconn; i++)
		if (conns[i].st != S_READY && conns[i].st != S_DEAD && conns[i].st != S_FREE)
			kill_conn(&conns[i], "no answer within the connect time limit", 0);
	for (int i = next; i < nconn; i++)
		fail_reason(stop_opening ? "not attempted after a socket could not be opened"
		                         : "not attempted within the connect time limit",
		            0);
	int connected = ready;
	usleep(200 * 1000); /* let the server finish its bookkeeping */
	long rss_after = proc_kib(spid, "VmRSS");
	long fds_after = proc_fds(spid);
	fprintf(stderr, "wsfan: %d of %d connections subscribed in %.1f s\n", connected, nconn,
	        connect_ms / 1e3);

	/* ---- pick a free slot from the initial message ----------------- */
	char slot[40] = "";
	if (have_first) {
		const char *p = first_slots;
		while ((p = strstr(p, "\"start\":\""))) {
			const char *s = p + 9, *q = strchr(s, '"');
			const char *f = strstr(s, "\"free\":");
			if (!q || !f)
				break;
			if (atoi(f + 7) > 0 && (size_t)(q - s) < sizeof(slot)) {
				snprintf(slot, sizeof(slot), "%.*s", (int)(q - s), s);
				break;
			}
			p = f;
		}
	}

	/* ---- book, and time the pushes ---------------------------------- */
	double *lat = NULL;
	int received = 0;
	double post_ms = -1;
	if (connected > 0 && slot[0]) {
		char body[512], req[1024];
		snprintf(body, sizeof(body),
		         "{\"location\":\"%s\",\"start\":\"%s\",\"topic\":\"%s\",\"name\":\"Bench "
		         "fan-out\",\"lang\":\"nl\"}",
		         loc, slot, topic);
		snprintf(req, sizeof(req),
		         "POST /api/v1/bookings HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		         "Origin: http://127.0.0.1:%d\r\nContent-Type: application/json\r\n"
		         "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		         port, port, strlen(body), body);
		post_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (post_fd < 0 ||
		    connect(post_fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0) {
			fprintf(stderr, "wsfan: cannot connect for the booking: %s\n",
			        strerror(errno));
			return 1;
		}
		fcntl(post_fd, F_SETFL, fcntl(post_fd, F_GETFL) | O_NONBLOCK);
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
		epoll_ctl(ep, EPOLL_CTL_ADD, post_fd, &ev);
		t0 = now_ms();
		if (send(post_fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
			fprintf(stderr, "wsfan: cannot send the booking\n");
			return 1;
		}
		double pdeadline = t0 + push_s * 1e3;
		int got = 0;
		while (now_ms() < pdeadline) {
			int n = epoll_wait(ep, evs, 1024, 100);
			for (int i = 0; i < n; i++) {
				if (evs[i].data.u32 == UINT32_MAX) {
					on_post_readable();
					continue;
				}
				struct conn *c = &conns[evs[i].data.u32];
				if (c->st == S_READY) {
					int before = c->pushes;
					on_readable(c);
					if (before == 0 && c->pushes > 0)
						got++;
				}
			}
			if (got >= ready && post_fd < 0)
				break;
		}
		post_ms = post_done_ms;
		lat = malloc(sizeof(double) * (size_t)(connected ? connected : 1));
		for (int i = 0; lat && i < nconn; i++)
			if (conns[i].pushes > 0)
				lat[received++] = conns[i].push_ms;
		if (lat)
			qsort(lat, (size_t)received, sizeof(double), cmp_double);
	} else {
		fprintf(stderr, "wsfan: nothing to book (%s)\n",
		        connected ? "no free slot on that day" : "no connection");
	}
	long rss_end = proc_kib(spid, "VmRSS");

	/* ---- report ----------------------------------------------------- */
	printf("fd_limit=%llu\n", (unsigned long long)rl.rlim_cur);
	printf("target=%d\n", nconn);
	printf("connected=%d\n", connected);
	printf("connect_s=%.1f\n", connect_ms / 1e3);
	printf("fail_reasons=");
	for (int i = 0; i < nreasons; i++)
		printf("%s%s (%d)", i ? "; " : "", reasons[i].text, reasons[i].count);
	printf("\n");
	printf("rss_before_kib=%ld\nrss_after_kib=%ld\nrss_end_kib=%ld\n", rss_before, rss_after,
	       rss_end);
	printf("server_fds_before=%ld\nserver_fds_after=%ld\n", fds_before, fds_after);
	printf("slot=%s\n", slot);
	printf("post_status=%d\npost_ms=%.1f\n", post_status, post_ms);
	printf("still_open=%d\n", ready);
	printf("received=%d\n", received);
	printf("not_slots=%d\n", pushes_bad);
	if (received) {
		printf("min_ms=%.1f\n", lat[0]);
		printf("p50_ms=%.1f\np99_ms=%.1f\nmax_ms=%.1f\n", pct(lat, (size_t)received, 50),
		       pct(lat, (size_t)received, 99), lat[received - 1]);
		printf("all_ms=%s", received == connected ? "" : "none");
		if (received == connected)
			printf("%.1f", lat[received - 1]);
		printf("\n");
	}
	free(lat);
	return connected > 0 ? 0 : 1;
}
