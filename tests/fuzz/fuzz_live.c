/* Fuzzes the WebSocket message handler: live_handle_message (live.h) with
 * a real app (the built demo content, a bookings database in a temporary
 * folder, the kiosk terminals) and a session, so subscribe and the kiosk
 * messages run their SQL-backed paths; and with no app and no session, as
 * a message can arrive before either matters. Every reply must be one
 * well-formed JSON object that starts with its "type". The content folder is WW_FUZZ_CONTENT, default
 * build/content (make fuzz-build builds it). */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "store/catalog.h"
#include "base/i18n.h"
#include "web/kiosk.h"
#include "net/live.h"
#include "store/store.h"
#include "base/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app app;
static bool have_app;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *content = getenv("WW_FUZZ_CONTENT");
	static char data[] = "/tmp/ww-fuzz-live-XXXXXX";
	char err[512];
	static char dir[4096];
	snprintf(dir, sizeof(dir), "%s", content ? content : "build/content");
	app.cfg.content_dir = dir;
	if (!mkdtemp(data)) {
		fprintf(stderr, "fuzz_live: no temporary folder\n");
		exit(1);
	}
	app.cfg.data_dir = data;
	app.catalog = catalog_open(app.cfg.content_dir, err, sizeof(err));
	app.store = app.catalog ? store_open(data, err, sizeof(err)) : NULL;
	if (!app.catalog || !app.store || !kiosk_load(app.catalog) ||
	    !store_secret(app.store, "signing", app.secret, sizeof(app.secret))) {
		/* the real paths are the point of this target: refuse to run
		   without them rather than fuzz less than it says */
		fprintf(stderr, "fuzz_live: cannot open the content in %s (run make): %s\n",
		        app.cfg.content_dir, err);
		exit(1);
	}
	have_app = true;
	return 0;
}

/* A well-formedness check for any JSON value (json.h parses only the
 * flat objects clients send; a slots reply holds an array of objects). */
static const char *value(const char *p, const char *end, int depth);

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static const char *string(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\' && ++p >= end)
			return NULL;
	}
	return NULL;
}

static const char *members(const char *p, const char *end, int depth, bool object)
{
	p = ws(p + 1, end);
	if (p < end && *p == (object ? '}' : ']'))
		return p + 1;
	for (;;) {
		if (object) {
			p = string(ws(p, end), end);
			if (!p || (p = ws(p, end)) >= end || *p != ':')
				return NULL;
			p++;
		}
		p = value(p, end, depth + 1);
		if (!p || (p = ws(p, end)) >= end)
			return NULL;
		if (*p == (object ? '}' : ']'))
			return p + 1;
		if (*p != ',')
			return NULL;
		p++;
	}
}

static const char *value(const char *p, const char *end, int depth)
{
	p = ws(p, end);
	if (p >= end || depth > 16)
		return NULL;
	if (*p == '{' || *p == '[')
		return members(p, end, depth, *p == '{');
	if (*p == '"')
		return string(p, end);
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		while (p < end && strchr("+-.eE0123456789", *p))
			p++;
		return p;
	}
	for (const char *lit = "true\0false\0null\0"; *lit; lit += strlen(lit) + 1)
		if ((size_t)(end - p) >= strlen(lit) && memcmp(p, lit, strlen(lit)) == 0)
			return p + strlen(lit);
	return NULL;
}

static void one(struct app *a, struct live_session *s, const char *msg, size_t size)
{
	struct sb reply;
	sb_init(&reply, 64 * 1024);
	bool keep = live_handle_message(a, s, msg, size, &reply);
	assert(!sb_failed(&reply));
	if (reply.len) {
		const char *end = reply.data + reply.len;
		const char *v = value(reply.data, end, 0);
		assert(reply.data[0] == '{' && v && ws(v, end) == end);
		assert(strncmp(reply.data, "{\"type\":\"", 9) == 0);
	}
	/* a message that is too long or not UTF-8 closes the connection */
	if (size > LIVE_MAX_MESSAGE || !text_utf8_valid(msg, size))
		assert(!keep);
	sb_free(&reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	one(NULL, NULL, s, size);
	struct live_session session;
	memset(&session, 0, sizeof(session));
	sb_init(&session.in, LIVE_MAX_MESSAGE);
	one(have_app ? &app : NULL, &session, s, size);
	/* the same message again on the state the first one left */
	one(have_app ? &app : NULL, &session, s, size);
	assert(strlen(session.location) < sizeof(session.location) &&
	       strlen(session.kiosk) < sizeof(session.kiosk));
	sb_free(&session.in);
	free(s);
	return 0;
}
