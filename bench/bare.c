/* bare: the "bare libwebsockets" baseline of the benchmark (bench/run.sh).
 *
 *   bare PORT PATH BODY_FILE HEADER_FILE [PATH BODY_FILE HEADER_FILE]...
 *
 * Listens on 127.0.0.1:PORT and answers GET PATH with the bytes of
 * BODY_FILE, read once at start and kept in memory, and the response
 * headers listed in HEADER_FILE (as `curl -D` saved them from the portal:
 * the status line, then one "name: value" per line; content-type and
 * content-length are taken from it, the rest is sent as it is). A query
 * string in PATH is ignored for matching, as it is in the request: lws hands
 * the callback the path alone. Anything else gets a 404.
 *
 * It is the portal's HTTP path with everything of the portal taken out: one
 * lws context, one thread, one loop, the same lws options and timeouts as
 * portal/server.c, headers with lws_add_http_common_headers plus
 * lws_add_http_header_by_name, the body in WRITEABLE in pieces of at most
 * 16 KiB (the portal's WRITE_CHUNK), then lws_http_transaction_completed
 * (keep-alive). What the portal adds on top of this (routing, rendering,
 * gettext, SQLite, its own bookkeeping) is what the benchmark compares.
 *
 * Build: cc -std=c11 -O2 bench/bare.c $(pkg-config --cflags --libs libwebsockets)
 * Stops on SIGINT/SIGTERM. Only listens on 127.0.0.1.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#define WRITE_CHUNK 16384
#define MAX_PAGES   16
#define MAX_HEADERS 32

struct header {
	char *name; /* "name:" as lws_add_http_header_by_name wants it */
	char *value;
};

struct page {
	char *path; /* without the query */
	unsigned char *body;
	size_t len;
	unsigned status;
	char *content_type;
	struct header headers[MAX_HEADERS];
	int nheaders;
};

static struct page pages[MAX_PAGES];
static int npages;
static volatile sig_atomic_t stop;
static struct lws_context *ctx;

struct conn {
	const struct page *page; /* NULL: no response under way */
	size_t sent;
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
	if (ctx)
		lws_cancel_service(ctx);
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *b = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			unsigned char *nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				fclose(f);
				return NULL;
			}
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

/* The status line and headers of a `curl -D` file; false when unusable. */
static bool load_headers(struct page *pg, const char *file)
{
	size_t len;
	char *text = (char *)read_file(file, &len);
	if (!text)
		return false;
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	if (!line || strncmp(line, "HTTP/", 5) != 0) {
		free(text);
		return false;
	}
	char *sp = strchr(line, ' ');
	pg->status = sp ? (unsigned)atoi(sp + 1) : 0;
	while ((line = strtok_r(NULL, "\n", &save))) {
		line = trim(line);
		if (!*line)
			break;
		char *colon = strchr(line, ':');
		if (!colon || colon == line)
			continue;
		*colon = '\0';
		char *value = trim(colon + 1);
		if (strcasecmp(line, "content-length") == 0)
			continue; /* lws_add_http_common_headers writes it */
		if (strcasecmp(line, "content-type") == 0) {
			pg->content_type = strdup(value);
			continue;
		}
		if (pg->nheaders == MAX_HEADERS)
			break;
		struct header *h = &pg->headers[pg->nheaders++];
		if (asprintf(&h->name, "%s:", line) < 0 || !(h->value = strdup(value))) {
			free(text);
			return false;
		}
	}
	free(text);
	return pg->status >= 200 && pg->status < 600 && pg->content_type;
}

static const struct page *find_page(const char *path)
{
	for (int i = 0; i < npages; i++)
		if (strcmp(pages[i].path, path) == 0)
			return &pages[i];
	return NULL;
}

static int send_headers(struct lws *wsi, const struct page *pg)
{
	unsigned char buf[LWS_PRE + 4096];
	unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	if (lws_add_http_common_headers(wsi, pg->status, pg->content_type, (lws_filepos_t)pg->len,
	                                &p, end))
		return -1;
	for (int i = 0; i < pg->nheaders; i++)
		if (lws_add_http_header_by_name(wsi, (const unsigned char *)pg->headers[i].name,
		                                (const unsigned char *)pg->headers[i].value,
		                                (int)strlen(pg->headers[i].value), &p, end))
			return -1;
	return lws_finalize_write_http_header(wsi, start, &p, end);
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
	struct conn *c = user;
	static unsigned char buf[LWS_PRE + WRITE_CHUNK];
	switch (reason) {
	case LWS_CALLBACK_HTTP: {
		const struct page *pg = find_page((const char *)in);
		c->page = NULL;
		c->sent = 0;
		if (!pg) {
			lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
			return -1; /* not part of the benchmark: just close */
		}
		if (send_headers(wsi, pg))
			return -1;
		if (pg->len == 0)
			return lws_http_transaction_completed(wsi) ? -1 : 0;
		c->page = pg;
		lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_HTTP_WRITEABLE: {
		if (!c || !c->page)
			return 0;
		size_t n = c->page->len - c->sent;
		if (n > WRITE_CHUNK)
			n = WRITE_CHUNK;
		memcpy(buf + LWS_PRE, c->page->body + c->sent, n);
		bool last = c->sent + n == c->page->len;
		if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
		    (int)n)
			return -1;
		c->sent += n;
		if (last) {
			c->page = NULL;
			return lws_http_transaction_completed(wsi) ? -1 : 0;
		}
		lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (c)
			c->page = NULL;
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
    {"http", callback_http, sizeof(struct conn), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static const lws_retry_bo_t retry = {
    .secs_since_valid_ping = 25,
    .secs_since_valid_hangup = 40,
};

int main(int argc, char **argv)
{
	if (argc < 5 || (argc - 2) % 3 != 0 || (argc - 2) / 3 > MAX_PAGES) {
		fprintf(stderr, "usage: bare PORT PATH BODY_FILE HEADER_FILE [PATH BODY HEADERS]...\n");
		return 2;
	}
	int port = atoi(argv[1]);
	if (port < 1 || port > 65535) {
		fprintf(stderr, "bare: bad port %s\n", argv[1]);
		return 2;
	}
	for (int i = 2; i + 2 < argc; i += 3) {
		struct page *pg = &pages[npages++];
		pg->path = strndup(argv[i], strcspn(argv[i], "?"));
		pg->body = read_file(argv[i + 1], &pg->len);
		if (!pg->path || !pg->body) {
			fprintf(stderr, "bare: cannot read %s\n", argv[i + 1]);
			return 1;
		}
		if (!load_headers(pg, argv[i + 2])) {
			fprintf(stderr, "bare: no usable status line and content-type in %s\n",
			        argv[i + 2]);
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	lws_set_log_level(LLL_ERR, NULL);

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.vhost_name = "bare";
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	info.timeout_secs = 20;
	info.keepalive_timeout = 10;
	info.retry_and_idle_policy = &retry;
	info.max_http_header_data = 4096;
	info.max_http_header_pool = 256;
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "bare: cannot listen on 127.0.0.1:%d\n", port);
		return 1;
	}
	while (!stop && lws_service(ctx, 0) >= 0)
		;
	lws_context_destroy(ctx);
	return 0;
}
