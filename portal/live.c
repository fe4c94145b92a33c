#include "live.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "booking.h"
#include "json.h"
#include "kiosk.h"
#include "text.h"

static size_t nsessions;
size_t live_max_sessions = 10000;
static struct live_session *sessions;

size_t live_sessions(void)
{
	return nsessions;
}

static bool enqueue(struct live_session *s, const char *msg, size_t len)
{
	if (s->qcount >= LIVE_MAX_QUEUE)
		return false; /* a client that does not read is dropped */
	char *copy = malloc(LWS_PRE + len);
	if (!copy)
		return false;
	memcpy(copy + LWS_PRE, msg, len);
	size_t slot = (s->qhead + s->qcount) % LIVE_MAX_QUEUE;
	s->queue[slot] = copy;
	s->qlen[slot] = len;
	s->qcount++;
	lws_callback_on_writable(s->wsi);
	return true;
}

static void error_reply(struct sb *reply, const char *code)
{
	sb_puts(reply, "{\"type\":\"error\",\"code\":");
	json_string(reply, code);
	sb_puts(reply, "}");
}

/* {"type":"subscribe","location":ID,"date":"YYYY-MM-DD"[,"topic":ID]} */
static void subscribe(struct app *app, struct live_session *s, const struct json_object *o,
                      struct sb *reply)
{
	const char *loc = json_get_string(o, "location");
	const char *date = json_get_string(o, "date");
	const char *topic = json_get_string(o, "topic");
	struct booking_place cfg;
	if (!app || !s || !loc || !date || strlen(loc) > 64 || strlen(date) != 10 ||
	    (topic && strlen(topic) > 64) || !booking_place_config(app, loc, &cfg)) {
		error_reply(reply, "bad_subscription");
		return;
	}
	struct sb slots;
	sb_init(&slots, 64 * 1024);
	if (!booking_slots_json(app, loc, date, topic, &slots)) {
		error_reply(reply, "bad_subscription");
	} else {
		snprintf(s->location, sizeof(s->location), "%s", loc);
		snprintf(s->date, sizeof(s->date), "%s", date);
		snprintf(s->topic, sizeof(s->topic), "%s", topic ? topic : "");
		sb_append(reply, sb_str(&slots), slots.len);
	}
	sb_free(&slots);
}

void live_notify_slots(struct app *app, const char *location, const char *date)
{
	if (!location || !date)
		return;
	/* every subscriber of the same day and topic gets the same bytes:
	   build each message once */
	struct built {
		char topic[65];
		struct sb msg;
		bool ok;
	} built[8];
	size_t nbuilt = 0;
	for (struct live_session *s = sessions; s; s = s->next) {
		if (strcmp(s->location, location) != 0 || strcmp(s->date, date) != 0)
			continue;
		struct built *b = NULL;
		for (size_t i = 0; i < nbuilt && !b; i++)
			if (strcmp(built[i].topic, s->topic) == 0)
				b = &built[i];
		struct built one;
		if (!b) {
			b = nbuilt < 8 ? &built[nbuilt++] : &one;
			snprintf(b->topic, sizeof(b->topic), "%s", s->topic);
			sb_init(&b->msg, 64 * 1024);
			b->ok = booking_slots_json(app, location, date, s->topic, &b->msg);
		}
		if (b->ok && !enqueue(s, b->msg.data, b->msg.len)) {
			/* a client that does not read its messages is closed */
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		}
		if (b == &one)
			sb_free(&one.msg);
	}
	for (size_t i = 0; i < nbuilt; i++)
		sb_free(&built[i].msg);
}

bool live_handle_message(struct app *app, struct live_session *s, const char *msg, size_t len,
                         struct sb *reply)
{
	struct json_object o;
	if (len > LIVE_MAX_MESSAGE || !text_utf8_valid(msg, len)) {
		error_reply(reply, "bad_message");
		return false;
	}
	if (json_parse_object(msg, len, &o) != JSON_OK) {
		error_reply(reply, "bad_json");
		return true;
	}
	const char *type = json_get_string(&o, "type");
	if (!type) {
		error_reply(reply, "missing_type");
	} else if (strcmp(type, "hello") == 0) {
		sb_puts(reply, "{\"type\":\"hello\",\"protocol\":\"" LIVE_SUBPROTOCOL "\"}");
	} else if (strcmp(type, "subscribe") == 0) {
		subscribe(app, s, &o, reply);
	} else if (strcmp(type, "kiosk_hello") == 0) {
		/* a kiosk page announces its session */
		struct kiosk_terminal t;
		const char *id = json_get_string(&o, "terminal");
		if (s && app && id && kiosk_find(app, id, &t)) {
			snprintf(s->kiosk, sizeof(s->kiosk), "%s", t.id);
			sb_puts(reply, "{\"type\":\"kiosk_ready\"}");
		} else {
			error_reply(reply, "unknown_terminal");
		}
	} else if (strcmp(type, "kiosk_reset") == 0) {
		/* the privacy reset: forget everything this session held */
		if (s) {
			s->kiosk[0] = s->location[0] = s->date[0] = s->topic[0] = '\0';
			sb_reset(&s->in);
		}
		sb_puts(reply, "{\"type\":\"kiosk_reset_done\"}");
	} else if (strcmp(type, "unsubscribe") == 0) {
		if (s)
			s->location[0] = s->date[0] = '\0';
		sb_puts(reply, "{\"type\":\"unsubscribed\"}");
	} else if (strcmp(type, "ping") == 0) {
		sb_puts(reply, "{\"type\":\"pong\"}");
	} else {
		error_reply(reply, "unknown_type");
	}
	json_object_free(&o);
	return true;
}

/* The browser's Origin must name the host it connected to. */
static bool origin_ok(struct lws *wsi)
{
	char origin[256], host[256];
	if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0 ||
	    lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		return false;
	const char *o = origin;
	if (strncmp(o, "http://", 7) == 0)
		o += 7;
	else if (strncmp(o, "https://", 8) == 0)
		o += 8;
	else
		return false;
	return strcmp(o, host) == 0;
}

static bool path_ok(struct lws *wsi)
{
	char path[16];
	return lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) > 0 &&
	       strcmp(path, "/ws") == 0;
}

static void session_free(struct live_session *s)
{
	while (s->qcount) {
		free(s->queue[s->qhead]);
		s->qhead = (s->qhead + 1) % LIVE_MAX_QUEUE;
		s->qcount--;
	}
	sb_free(&s->in);
}

int live_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
	struct live_session *s = user;
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* keep room for ordinary page requests: WebSockets may use at
		   most the share of file descriptors set in live_max_sessions */
		if (nsessions >= live_max_sessions)
			return -1;
		return (path_ok(wsi) && origin_ok(wsi)) ? 0 : -1;
	case LWS_CALLBACK_ESTABLISHED:
		memset(s, 0, sizeof(*s));
		s->wsi = wsi;
		sb_init(&s->in, LIVE_MAX_MESSAGE);
		s->next = sessions;
		sessions = s;
		nsessions++;
		return 0;
	case LWS_CALLBACK_RECEIVE: {
		if (lws_frame_is_binary(wsi)) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, NULL, 0);
			return -1;
		}
		if (!sb_append(&s->in, in, len)) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
			return -1;
		}
		if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
			return 0;
		/* replies may be larger than requests: a day of slots */
		struct sb reply;
		sb_init(&reply, 64 * 1024);
		struct app *app = lws_context_user(lws_get_context(wsi));
		bool keep = live_handle_message(app, s, sb_str(&s->in), s->in.len, &reply);
		sb_reset(&s->in);
		bool ok = reply.len == 0 || enqueue(s, reply.data, reply.len);
		sb_free(&reply);
		if (!keep || !ok) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, NULL, 0);
			return -1;
		}
		return 0;
	}
	case LWS_CALLBACK_SERVER_WRITEABLE: {
		if (!s->qcount)
			return 0;
		char *msg = s->queue[s->qhead];
		size_t n = s->qlen[s->qhead];
		int w = lws_write(wsi, (unsigned char *)msg + LWS_PRE, n, LWS_WRITE_TEXT);
		free(msg);
		s->qhead = (s->qhead + 1) % LIVE_MAX_QUEUE;
		s->qcount--;
		if (w < (int)n)
			return -1;
		if (s->qcount)
			lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_CLOSED:
		for (struct live_session **p = &sessions; *p; p = &(*p)->next)
			if (*p == s) {
				*p = s->next;
				break;
			}
		session_free(s);
		if (nsessions)
			nsessions--;
		return 0;
	default:
		return 0;
	}
}
