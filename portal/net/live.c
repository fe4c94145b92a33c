#include "net/live.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/app.h"
#include "domain/booking.h"
#include "net/clients.h"
#include "base/html.h"
#include "base/json.h"
#include "domain/staff.h"
#include "domain/terminals.h"
#include "exec/writer.h"
#include "base/rate.h"
#include "base/text.h"

/* Loop thread only: the sessions, the fan-outs under way. */
static size_t nsessions;
size_t live_max_sessions = 10000;
int live_max_per_client = 0;
static struct live_session *sessions;

/* subscribers reached per loop turn: bounds how long a fan-out holds up
   the other connections (a few milliseconds) */
#define FANOUT_CHUNK 1000

struct fanout {
	struct fanout *next;
	struct live_msg *msg;
	struct conn_ref *to;
	size_t n, done;
};
static struct fanout *fanouts;
static lws_sorted_usec_list_t fanout_timer;
static struct lws_context *fanout_ctx;

size_t live_sessions(void)
{
	return nsessions;
}

static struct live_msg *msg_new(const char *data, size_t len)
{
	struct live_msg *m = malloc(sizeof(*m) + LWS_PRE + len);
	if (!m)
		return NULL;
	m->refs = 1;
	m->len = len;
	memcpy(m->buf + LWS_PRE, data, len);
	return m;
}

static void msg_release(struct live_msg *m)
{
	if (m && --m->refs == 0)
		free(m);
}

static bool enqueue(struct live_session *s, struct live_msg *m)
{
	if (s->qcount >= LIVE_MAX_QUEUE)
		return false; /* a client that does not read is dropped */
	m->refs++;
	s->queue[(s->qhead + s->qcount) % LIVE_MAX_QUEUE] = m;
	s->qcount++;
	lws_callback_on_writable(s->wsi);
	return true;
}

static bool enqueue_copy(struct live_session *s, const char *data, size_t len)
{
	struct live_msg *m = msg_new(data, len);
	if (!m)
		return false;
	bool ok = enqueue(s, m);
	msg_release(m);
	return ok;
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
	/* every subscribe costs a slot list on a reader: counted per client
	   address before anything is looked at, and refused over the rate
	   with the subscription left as it was */
	if (app && s && !rate_allowed_in("subscribe", s->peer, app->cfg.subscribe_rate, 60)) {
		error_reply(reply, "too_many_subscriptions");
		return;
	}
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
		if (!s || !app || !id || !kiosk_find(app, id, &t)) {
			error_reply(reply, "unknown_terminal");
		} else if (strcmp(s->terminal, t.id) != 0) {
			/* only the browser enrolled as that terminal */
			error_reply(reply, "not_enrolled");
		} else {
			snprintf(s->kiosk, sizeof(s->kiosk), "%s", t.id);
			sb_puts(reply, "{\"type\":\"kiosk_ready\"}");
		}
	} else if (strcmp(type, "kiosk_reset") == 0) {
		/* the privacy reset: forget everything this session held; only
		   a kiosk session (kiosk_hello before, on this session) has one */
		if (!s || !s->kiosk[0]) {
			error_reply(reply, "not_a_kiosk_session");
		} else {
			s->kiosk[0] = s->location[0] = s->date[0] = s->topic[0] = '\0';
			sb_reset(&s->in);
			sb_puts(reply, "{\"type\":\"kiosk_reset_done\"}");
		}
	} else if (strcmp(type, "staff_hello") == 0) {
		/* a staff page announces itself with the wijkwijzer it shows:
		   the session cookie (from the handshake) must be of an account
		   that may see that one; it then hears its kiosk calls */
		struct staff_user u;
		const char *loc = json_get_string(&o, "location");
		if (!s || !app || !s->staff_token[0] ||
		    !staff_session_find(app, s->staff_token, false, &u)) {
			error_reply(reply, "not_staff");
		} else if (!loc || !staff_may(&u, loc) || strlen(loc) >= sizeof(s->staff)) {
			error_reply(reply, "not_your_location");
		} else {
			snprintf(s->staff, sizeof(s->staff), "%s", loc);
			s->staff_user = u.id;
			sb_puts(reply, "{\"type\":\"staff_ready\"}");
		}
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

/* ---- messages on a worker ------------------------------------------------- */

struct message_job {
	struct job base;
	struct live_session copy; /* the subscription fields and the peer only */
	char *msg;
	size_t len;
	struct sb reply;
	bool keep;
};

static void message_run(struct app *app, struct job *base)
{
	struct message_job *j = (struct message_job *)base;
	sb_init(&j->reply, 64 * 1024);
	sb_init(&j->copy.in, 0);
	j->keep = live_handle_message(app, &j->copy, j->msg, j->len, &j->reply);
}

static bool submit_message(struct live_session *s, char *msg, size_t len);

static void message_done(struct app *app, struct job *base)
{
	struct message_job *j = (struct message_job *)base;
	struct live_session *s = app->ctx ? conn_lookup(base->conn) : NULL;
	if (s) {
		s->busy = false;
		memcpy(s->location, j->copy.location, sizeof(s->location));
		memcpy(s->date, j->copy.date, sizeof(s->date));
		memcpy(s->topic, j->copy.topic, sizeof(s->topic));
		memcpy(s->kiosk, j->copy.kiosk, sizeof(s->kiosk));
		/* a worker's copy from before the account's sessions ended must
		   not bring the staff channel back */
		if (s->staff_gen == j->copy.staff_gen) {
			memcpy(s->staff, j->copy.staff, sizeof(s->staff));
			s->staff_user = j->copy.staff_user;
		}
		bool ok = j->reply.len == 0 || enqueue_copy(s, j->reply.data, j->reply.len);
		if (!j->keep || !ok) {
			lws_close_reason(s->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, NULL, 0);
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		} else if (s->nbacklog) {
			char *next = s->backlog[0];
			size_t nlen = s->backlog_len[0];
			s->nbacklog--;
			memmove(s->backlog, s->backlog + 1, s->nbacklog * sizeof(s->backlog[0]));
			memmove(s->backlog_len, s->backlog_len + 1,
			        s->nbacklog * sizeof(s->backlog_len[0]));
			if (!submit_message(s, next, nlen))
				lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		}
	}
	sb_free(&j->reply);
	sb_free(&j->copy.in);
	explicit_bzero(j->copy.staff_token, sizeof(j->copy.staff_token));
	free(j->msg);
	free(j);
}

/* Gives one complete message (taking msg) to a worker. */
static bool submit_message(struct live_session *s, char *msg, size_t len)
{
	struct message_job *j = calloc(1, sizeof(*j));
	if (!j) {
		free(msg);
		return false;
	}
	j->base.run = message_run;
	j->base.done = message_done;
	j->base.conn = s->ref;
	memcpy(j->copy.location, s->location, sizeof(s->location));
	memcpy(j->copy.date, s->date, sizeof(s->date));
	memcpy(j->copy.topic, s->topic, sizeof(s->topic));
	memcpy(j->copy.kiosk, s->kiosk, sizeof(s->kiosk));
	memcpy(j->copy.terminal, s->terminal, sizeof(s->terminal));
	memcpy(j->copy.peer, s->peer, sizeof(s->peer));
	memcpy(j->copy.staff_token, s->staff_token, sizeof(s->staff_token));
	memcpy(j->copy.staff, s->staff, sizeof(s->staff));
	j->copy.staff_user = s->staff_user;
	j->copy.staff_gen = s->staff_gen;
	j->msg = msg;
	j->len = len;
	if (!worker_submit(POOL_READ, &j->base)) {
		free(msg);
		explicit_bzero(j->copy.staff_token, sizeof(j->copy.staff_token));
		free(j);
		/* busy: say so, keep the connection */
		static const char busy[] = "{\"type\":\"error\",\"code\":\"busy\"}";
		return enqueue_copy(s, busy, sizeof(busy) - 1);
	}
	s->busy = true;
	return true;
}

/* ---- fan-out after a change ---------------------------------------------- */

struct slots_job {
	struct job base;
	char location[65], date[11], topic[65];
	struct sb json;
	bool ok;
};

static void fanout_step(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	size_t budget = FANOUT_CHUNK;
	while (fanouts && budget) {
		struct fanout *f = fanouts;
		for (; f->done < f->n && budget; f->done++, budget--) {
			struct live_session *s = conn_lookup(f->to[f->done]);
			/* a client that does not read its messages is closed */
			if (s && !enqueue(s, f->msg))
				lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		}
		if (f->done < f->n)
			break;
		fanouts = f->next;
		msg_release(f->msg);
		free(f->to);
		free(f);
	}
	if (fanouts && fanout_ctx)
		lws_sul_schedule(fanout_ctx, 0, &fanout_timer, fanout_step, 1);
}

static void slots_run(struct app *app, struct job *base)
{
	struct slots_job *j = (struct slots_job *)base;
	sb_init(&j->json, 64 * 1024);
	j->ok = booking_slots_json(app, j->location, j->date, j->topic, &j->json);
}

static void slots_done(struct app *app, struct job *base)
{
	struct slots_job *j = (struct slots_job *)base;
	struct fanout *f = NULL;
	if (app->ctx && j->ok)
		f = calloc(1, sizeof(*f));
	if (f) {
		/* the subscribers as they are now, by reference: one that
		   closes before its turn is skipped */
		size_t cap = 0;
		for (struct live_session *s = sessions; s; s = s->next)
			if (!strcmp(s->location, j->location) && !strcmp(s->date, j->date) &&
			    !strcmp(s->topic, j->topic))
				cap++;
		f->to = cap ? malloc(cap * sizeof(*f->to)) : NULL;
		f->msg = msg_new(j->json.data ? j->json.data : "", j->json.len);
		for (struct live_session *s = sessions; s && f->to && f->n < cap; s = s->next)
			if (!strcmp(s->location, j->location) && !strcmp(s->date, j->date) &&
			    !strcmp(s->topic, j->topic))
				f->to[f->n++] = s->ref;
		if (!f->to || !f->msg) {
			free(f->to);
			msg_release(f->msg);
			free(f);
		} else {
			struct fanout **p = &fanouts;
			while (*p)
				p = &(*p)->next;
			*p = f;
			fanout_ctx = app->ctx;
			fanout_step(NULL);
		}
	}
	sb_free(&j->json);
	free(j);
}

/* Loop: which topics do the subscribers of this day have? One slot list
 * is built per topic. */
struct change_job {
	struct job base;
	char location[65], date[11];
	enum writer_change what;
};

/* Loop: the staff agenda of the day (a subscription without a topic, of
 * a staff session of that location: staff_hello) hears that its rows
 * changed, without a word of what: the page fetches its rows itself, with
 * the staff session's cookie. Nobody else hears it, not even when a
 * resident checks in. */
static void agenda_changed(const struct change_job *c)
{
	struct sb m;
	sb_init(&m, 256);
	sb_puts(&m, "{\"type\":\"agenda_changed\",\"location\":");
	json_string(&m, c->location);
	sb_puts(&m, ",\"date\":");
	json_string(&m, c->date);
	sb_puts(&m, "}");
	struct live_msg *msg = sb_failed(&m) ? NULL : msg_new(m.data, m.len);
	for (struct live_session *s = msg ? sessions : NULL; s; s = s->next)
		if (!s->topic[0] && s->staff[0] && !strcmp(s->staff, c->location) &&
		    !strcmp(s->location, c->location) && !strcmp(s->date, c->date) &&
		    !enqueue(s, msg))
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	msg_release(msg);
	sb_free(&m);
}

/* Loop: the call-back requests of a location changed (a new one, a
 * status): every staff session of that location (staff_hello) hears
 * {"type":"callbacks_changed","location":..}, without a word of what;
 * the inbox and the agenda's counter fetch the inbox with the staff
 * cookie. */
static void callbacks_changed(const struct change_job *c)
{
	struct sb m;
	sb_init(&m, 128);
	sb_puts(&m, "{\"type\":\"callbacks_changed\",\"location\":");
	json_string(&m, c->location);
	sb_puts(&m, "}");
	struct live_msg *msg = sb_failed(&m) ? NULL : msg_new(m.data, m.len);
	for (struct live_session *s = msg ? sessions : NULL; s; s = s->next)
		if (s->staff[0] && !strcmp(s->staff, c->location) && !enqueue(s, msg))
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	msg_release(msg);
	sb_free(&m);
}

static void change_done(struct app *app, struct job *base)
{
	struct change_job *c = (struct change_job *)base;
	char topics[8][65];
	size_t nt = 0;
	if (c->what == WRITER_CALLBACKS) {
		if (app->ctx)
			callbacks_changed(c);
		free(c);
		return;
	}
	if (app->ctx)
		agenda_changed(c);
	/* new slot lists, once per topic, for the residents' pages; a staff
	   agenda follows agenda_changed instead */
	for (struct live_session *s = app->ctx && c->what == WRITER_SLOTS ? sessions : NULL; s;
	     s = s->next) {
		if (strcmp(s->location, c->location) != 0 || strcmp(s->date, c->date) != 0 ||
		    (s->staff[0] && !s->topic[0]))
			continue;
		bool seen = false;
		for (size_t i = 0; i < nt && !seen; i++)
			seen = strcmp(topics[i], s->topic) == 0;
		if (seen)
			continue;
		if (nt == 8)
			break; /* the content has far fewer topics */
		snprintf(topics[nt++], sizeof(topics[0]), "%s", s->topic);
	}
	for (size_t i = 0; i < nt; i++) {
		struct slots_job *j = calloc(1, sizeof(*j));
		if (!j)
			break;
		j->base.run = slots_run;
		j->base.done = slots_done;
		memcpy(j->location, c->location, sizeof(j->location));
		memcpy(j->date, c->date, sizeof(j->date));
		memcpy(j->topic, topics[i], sizeof(j->topic));
		if (!worker_submit(POOL_READ, &j->base))
			free(j); /* the subscribers see it with the next change */
	}
	free(c);
}

/* The jobs below only go to the loop (worker_complete): nothing to run
 * on a worker. */
static void loop_only(struct app *app, struct job *base)
{
	(void)app;
	(void)base;
}

void live_day_changed(struct app *app, const char *location, const char *date,
                      enum writer_change what)
{
	if (!app || !app->ctx || !location || !date)
		return;
	struct change_job *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->base.run = loop_only;
	c->base.done = change_done;
	snprintf(c->location, sizeof(c->location), "%s", location);
	snprintf(c->date, sizeof(c->date), "%.10s", date);
	c->what = what;
	worker_complete(&c->base); /* straight to the loop */
}

/* ---- a kiosk calls staff --------------------------------------------------- */

struct call_job {
	struct job base;
	char location[65];
	struct sb json;
};

static void call_done(struct app *app, struct job *base)
{
	struct call_job *c = (struct call_job *)base;
	struct live_msg *m =
	    app->ctx && !sb_failed(&c->json) ? msg_new(c->json.data, c->json.len) : NULL;
	/* few staff sessions: sent at once, not in chunks */
	for (struct live_session *s = m ? sessions : NULL; s; s = s->next)
		if (s->staff[0] && strcmp(s->staff, c->location) == 0 && !enqueue(s, m))
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	msg_release(m);
	sb_free(&c->json);
	free(c);
}

void live_staff_call(struct app *app, const char *location, const char *terminal, const char *time)
{
	if (!app || !app->ctx || !location || !terminal || !time)
		return;
	struct call_job *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->base.run = loop_only;
	c->base.done = call_done;
	snprintf(c->location, sizeof(c->location), "%s", location);
	sb_init(&c->json, 256);
	sb_puts(&c->json, "{\"type\":\"staff_call\",\"terminal\":");
	json_string(&c->json, terminal);
	sb_puts(&c->json, ",\"time\":");
	json_string(&c->json, time);
	sb_puts(&c->json, "}");
	worker_complete(&c->base); /* straight to the loop */
}

/* ---- an account's sessions ended ------------------------------------------ */

struct ended_job {
	struct job base;
	long long user;
};

static void ended_done(struct app *app, struct job *base)
{
	struct ended_job *e = (struct ended_job *)base;
	static const char msg[] = "{\"type\":\"staff_ended\"}";
	struct live_msg *m = app->ctx ? msg_new(msg, sizeof(msg) - 1) : NULL;
	for (struct live_session *s = m ? sessions : NULL; s; s = s->next) {
		if (!s->staff[0] || s->staff_user != e->user)
			continue;
		/* it hears nothing more for staff, whatever the page does */
		s->staff[0] = '\0';
		s->staff_user = 0;
		s->staff_gen++;
		explicit_bzero(s->staff_token, sizeof(s->staff_token));
		if (!enqueue(s, m))
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	}
	msg_release(m);
	free(e);
}

void live_staff_ended(struct app *app, long long user)
{
	if (!app || !app->ctx || user <= 0)
		return;
	struct ended_job *e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->base.run = loop_only;
	e->base.done = ended_done;
	e->user = user;
	worker_complete(&e->base); /* straight to the loop */
}

void live_shutdown(void)
{
	while (fanouts) {
		struct fanout *f = fanouts;
		fanouts = f->next;
		msg_release(f->msg);
		free(f->to);
		free(f);
	}
	fanout_ctx = NULL;
}

/* ---- per-client cap --------------------------------------------------------- */

static size_t sessions_of(const char *peer)
{
	size_t n = 0;
	for (struct live_session *s = sessions; s; s = s->next)
		n += strcmp(s->peer, peer) == 0;
	return n;
}

/* The browser's Origin must be the public address (scheme, host, port). */
static bool origin_ok(struct lws *wsi)
{
	char origin[300], host[256];
	if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0)
		return false;
	if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		host[0] = '\0';
	const struct app *app = lws_context_user(lws_get_context(wsi));
	return app && origin_matches(&app->cfg.pub, origin, host[0] ? host : NULL);
}

static bool path_ok(struct lws *wsi)
{
	char path[16];
	return lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) > 0 &&
	       strcmp(path, "/ws") == 0;
}

/* Sec-WebSocket-Protocol offers ours before any other name lws knows
 * ("http", the protocol of pages): lws binds the first it knows. */
static bool subprotocol_ok(struct lws *wsi)
{
	char list[256];
	if (lws_hdr_copy(wsi, list, sizeof(list), WSI_TOKEN_PROTOCOL) <= 0)
		return false;
	for (char *save = NULL, *t = strtok_r(list, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save)) {
		if (strcmp(t, LIVE_SUBPROTOCOL) == 0)
			return true;
		if (strcmp(t, "http") == 0)
			return false;
	}
	return false;
}

/* What lws itself needs for a handshake, checked here so that a request
 * without it gets a 400 (lws would close without a word):
 * Sec-WebSocket-Key, and "upgrade" among the Connection tokens. */
static bool handshake_ok(struct lws *wsi)
{
	char conn[128];
	if (lws_hdr_total_length(wsi, WSI_TOKEN_KEY) <= 0 ||
	    lws_hdr_copy(wsi, conn, sizeof(conn), WSI_TOKEN_CONNECTION) <= 0)
		return false;
	for (char *save = NULL, *t = strtok_r(conn, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save))
		if (strcasecmp(t, "upgrade") == 0)
			return true;
	return false;
}

int live_upgrade_refusal(struct lws *wsi)
{
	if (!path_ok(wsi))
		return 404;
	if (!origin_ok(wsi))
		return 403;
	if (!subprotocol_ok(wsi) || !handshake_ok(wsi))
		return 400;
	/* keep room for ordinary page requests: WebSockets may use at most
	   the share of file descriptors set in live_max_sessions */
	if (nsessions >= live_max_sessions)
		return 503;
	char peer[64];
	clients_address(wsi, peer, sizeof(peer));
	if (live_max_per_client > 0 && sessions_of(peer) >= (size_t)live_max_per_client)
		return 429;
	return 0;
}

static void session_free(struct live_session *s)
{
	explicit_bzero(s->staff_token, sizeof(s->staff_token));
	while (s->qcount) {
		msg_release(s->queue[s->qhead]);
		s->qhead = (s->qhead + 1) % LIVE_MAX_QUEUE;
		s->qcount--;
	}
	for (size_t i = 0; i < s->nbacklog; i++)
		free(s->backlog[i]);
	s->nbacklog = 0;
	sb_free(&s->in);
}

int live_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
	struct live_session *s = user;
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* the same checks as at LWS_CALLBACK_HTTP_CONFIRM_UPGRADE
		   (server.c), which answered a refusal with its status; here
		   lws can only close */
		return live_upgrade_refusal(wsi) ? -1 : 0;
	case LWS_CALLBACK_ESTABLISHED:
		memset(s, 0, sizeof(*s));
		s->wsi = wsi;
		if (!conn_register(s, &s->ref))
			return -1;
		/* the handshake's headers are still here */
		clients_address(wsi, s->peer, sizeof(s->peer));
		{
			struct app *app = lws_context_user(lws_get_context(wsi));
			int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_COOKIE);
			char *cookie = n > 0 && n < 8192 ? malloc((size_t)n + 1) : NULL;
			struct kiosk_terminal t;
			if (cookie &&
			    lws_hdr_copy(wsi, cookie, n + 1, WSI_TOKEN_HTTP_COOKIE) == n &&
			    kiosk_of_cookie(app, cookie, &t))
				snprintf(s->terminal, sizeof(s->terminal), "%s", t.id);
			/* a staff page's session token: checked (SQLite) on a
			   reader when the page says staff_hello */
			struct sb st;
			sb_init(&st, 64);
			if (cookie &&
			    text_cookie(cookie, ORIGIN_COOKIE(app->cfg.pub, STAFF_COOKIE), &st) &&
			    !sb_failed(&st) && st.len == STAFF_TOKEN_LEN)
				snprintf(s->staff_token, sizeof(s->staff_token), "%s", sb_str(&st));
			if (st.data)
				explicit_bzero(st.data, st.len);
			sb_free(&st);
			free(cookie);
		}
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
		size_t n = s->in.len;
		char *msg = sb_steal(&s->in);
		sb_init(&s->in, LIVE_MAX_MESSAGE);
		if (!msg)
			return -1;
		if (s->busy) {
			/* one message at a time per session keeps their order */
			if (s->nbacklog == LIVE_MAX_BACKLOG) {
				free(msg);
				lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, NULL, 0);
				return -1;
			}
			s->backlog[s->nbacklog] = msg;
			s->backlog_len[s->nbacklog++] = n;
			return 0;
		}
		return submit_message(s, msg, n) ? 0 : -1;
	}
	case LWS_CALLBACK_SERVER_WRITEABLE: {
		if (!s->qcount)
			return 0;
		struct live_msg *m = s->queue[s->qhead];
		int w = lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
		size_t n = m->len;
		msg_release(m);
		s->qhead = (s->qhead + 1) % LIVE_MAX_QUEUE;
		s->qcount--;
		if (w < (int)n)
			return -1;
		if (s->qcount)
			lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_WSI_DESTROY:
		/* an upgraded connection ends here, not in the HTTP protocol */
		clients_leave(wsi);
		return 0;
	case LWS_CALLBACK_CLOSED:
		if (!s->wsi)
			return 0; /* refused before it was established */
		for (struct live_session **p = &sessions; *p; p = &(*p)->next)
			if (*p == s) {
				*p = s->next;
				break;
			}
		conn_unregister(s->ref);
		session_free(s);
		if (nsessions)
			nsessions--;
		return 0;
	default:
		return 0;
	}
}
