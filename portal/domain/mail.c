#include "domain/mail.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/app.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/i18n.h"
#include "base/ics.h"
#include "base/mime.h"
#include "base/smtp.h"
#include "domain/booking.h"
#include "exec/db.h"
#include "store/catalog.h"
#include "store/content.h"
#include "store/site.h"

/* how many messages one turn takes before it looks again */
#define BATCH 16
/* each step of a relay's conversation; also how long stopping may wait */
#define RELAY_TIMEOUT_S 10

static pthread_mutex_t mail_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mail_cond = PTHREAD_COND_INITIALIZER;
static bool running, stopping, woken;
static pthread_t thread;

bool mail_enabled(const struct app *app)
{
	return app->cfg.mail.host[0] != '\0' && app->cfg.mail.from;
}

void mail_wake(void)
{
	pthread_mutex_lock(&mail_lock);
	woken = true;
	pthread_cond_signal(&mail_cond);
	pthread_mutex_unlock(&mail_lock);
}

/* ---- the texts ---------------------------------------------------------- */

static bool date_and_time(struct sb *date, struct sb *hour, const char *local)
{
	struct hours_day d;
	int m;
	return booking_parse_time(local, &d, &m) &&
	       i18n_format_date(date, d.year, d.mon, d.mday, d.wday) &&
	       i18n_format_time(hour, m / 60, m % 60);
}

bool mail_short_text(struct sb *out, enum outbox_kind kind, const struct booking *b)
{
	struct sb date, hour;
	sb_init(&date, 256);
	sb_init(&hour, 64);
	bool ok = date_and_time(&date, &hour, b->start);
	const char *d = sb_str(&date), *h = sb_str(&hour);
	switch (kind) {
	case OUTBOX_CONFIRMATION:
		/* TRANSLATORS: e-mail subject (and SMS): %1$s the day ("dinsdag
		   8 december"), %2$s the time ("10.00 uur") */
		ok =
		    ok && sb_appendf(out, _("Uw afspraak bij de wijkwijzer op %1$s om %2$s"), d, h);
		break;
	case OUTBOX_REMINDER:
		/* TRANSLATORS: e-mail subject (and SMS) of the reminder */
		ok = ok && sb_appendf(out,
		                      _("Herinnering: uw afspraak bij de wijkwijzer op %1$s om "
		                        "%2$s"),
		                      d, h);
		break;
	case OUTBOX_MOVED:
		/* TRANSLATORS: e-mail subject (and SMS): the new day and time */
		ok = ok &&
		     sb_appendf(out, _("Uw afspraak bij de wijkwijzer is verzet naar %1$s om %2$s"),
		                d, h);
		break;
	case OUTBOX_CANCELLED:
		/* TRANSLATORS: e-mail subject (and SMS) */
		ok = ok &&
		     sb_appendf(out, _("Uw afspraak bij de wijkwijzer op %1$s om %2$s is afgezegd"),
		                d, h);
		break;
	}
	sb_free(&date);
	sb_free(&hour);
	return ok && !sb_failed(out);
}

/* What the texts say of the place and the topic. */
struct place_words {
	struct content_place place;
	struct content_topic topic;
	bool has_place, has_topic;
};

static void place_words(struct app *app, const struct booking *b, struct place_words *w)
{
	memset(w, 0, sizeof(*w));
	w->has_place = content_place(db_catalog(app), b->location, &w->place) == CONTENT_FOUND;
	w->has_topic = content_ap_topic(db_catalog(app), b->topic, &w->topic) == CONTENT_FOUND;
}

static void place_words_free(struct place_words *w)
{
	content_place_free(&w->place);
	content_topic_free(&w->topic);
}

static bool long_text(struct sb *out, struct app *app, enum outbox_kind kind,
                      const struct booking *b, const char *link, const struct place_words *w)
{
	bool ok = true;
	if (b->name && *b->name)
		/* TRANSLATORS: the greeting of an e-mail; %s is the resident's name */
		ok = sb_appendf(out, _("Beste %s,"), b->name);
	else
		ok = sb_puts(out, _("Beste meneer of mevrouw,"));
	ok = ok && sb_puts(out, "\n\n");
	switch (kind) {
	case OUTBOX_CONFIRMATION:
		ok = ok &&
		     sb_puts(out, _("U heeft een afspraak bij de wijkwijzer. Fijn dat u komt!"));
		break;
	case OUTBOX_REMINDER:
		ok = ok &&
		     sb_puts(out, _("Wij herinneren u graag aan uw afspraak bij de wijkwijzer."));
		break;
	case OUTBOX_MOVED:
		ok = ok &&
		     sb_puts(out, _("Uw afspraak bij de wijkwijzer is verzet. Dit is de nieuwe "
		                    "tijd."));
		break;
	case OUTBOX_CANCELLED:
		ok = ok &&
		     sb_puts(out, _("Uw afspraak bij de wijkwijzer is afgezegd. U hoeft niet te "
		                    "komen."));
		break;
	}
	ok = ok && sb_puts(out, "\n\n");
	struct sb when;
	sb_init(&when, 256);
	ok = ok && booking_when_words(&when, b->start);
	/* TRANSLATORS: a line of an e-mail: the day and time of the appointment */
	ok = ok && sb_appendf(out, _("Wanneer: %s"), sb_str(&when)) && sb_puts(out, "\n");
	sb_free(&when);
	if (w->has_place)
		/* TRANSLATORS: a line of an e-mail: %1$s the wijkwijzer's name,
		   %2$s the street, %3$s the postcode, %4$s the city */
		ok = ok &&
		     sb_appendf(out, _("Waar: %1$s, %2$s, %3$s %4$s"), w->place.name,
		                w->place.address, w->place.postal_code, w->place.city) &&
		     sb_puts(out, "\n");
	if (w->has_topic)
		/* TRANSLATORS: a line of an e-mail: what the appointment is about */
		ok = ok && sb_appendf(out, _("Onderwerp: %s"), C_(w->topic.name)) &&
		     sb_puts(out, "\n");
	char ref[16];
	booking_reference_display(b->reference, ref);
	/* TRANSLATORS: a line of an e-mail: the appointment's code ("K7D-3PX") */
	ok = ok && sb_appendf(out, _("Uw code: %s"), ref) && sb_puts(out, "\n");
	if (kind != OUTBOX_CANCELLED && w->has_topic && w->topic.bring && *w->topic.bring)
		/* TRANSLATORS: a line of an e-mail: what to bring to the appointment */
		ok = ok && sb_appendf(out, _("Neem mee: %s"), C_(w->topic.bring)) &&
		     sb_puts(out, "\n");
	ok = ok && sb_puts(out, "\n");
	if (kind != OUTBOX_CANCELLED && link) {
		ok = ok &&
		     sb_puts(out, _("Kunt u niet? Zeg af of verzet de afspraak via deze link:")) &&
		     sb_appendf(out, "\n%s\n\n", link);
		ok = ok && sb_puts(out, _("In de bijlage staat de afspraak voor uw agenda.")) &&
		     sb_puts(out, "\n\n");
	} else if (kind == OUTBOX_CANCELLED) {
		ok = ok &&
		     sb_puts(out, _("Wilt u toch een afspraak? Maak een nieuwe afspraak via:")) &&
		     sb_appendf(out, "\n%s/%s/afspraak\n\n", app->cfg.pub.base, b->lang);
	}
	const struct site_info *site = catalog_site(db_catalog(app));
	if (site && site->phone[0])
		/* TRANSLATORS: the end of an e-mail; %s is the wijkwijzer's phone number */
		ok = ok &&
		     sb_appendf(out, _("Heeft u een vraag? Bel de wijkwijzer: %s."), site->phone) &&
		     sb_puts(out, "\n\n");
	ok = ok && sb_puts(out, _("Met vriendelijke groet,")) && sb_puts(out, "\n") &&
	     sb_puts(out, _("De wijkwijzer")) && sb_puts(out, "\n\n") &&
	     sb_puts(out, _("Dit bericht is automatisch verstuurd.")) && sb_puts(out, "\n");
	return ok && !sb_failed(out);
}

bool mail_long_text(struct sb *out, struct app *app, enum outbox_kind kind, const struct booking *b,
                    const char *link)
{
	struct place_words w;
	place_words(app, b, &w);
	bool ok = long_text(out, app, kind, b, link, &w);
	place_words_free(&w);
	return ok;
}

/* The calendar file, as the page's (web/pages_manage.c,
   handle_booking_ics): the same UID, so a calendar updates its entry. */
static bool calendar(struct sb *out, struct app *app, const struct booking *b, const char *link,
                     const struct place_words *w, bool cancelled)
{
	struct sb uid, summary, where, desc;
	sb_init(&uid, 256);
	sb_init(&summary, 512);
	sb_init(&where, 1024);
	sb_init(&desc, 4096);
	char ref[16];
	booking_reference_display(b->reference, ref);
	time_t modified = 0;
	if (b->updated_at && !clock_parse_iso(b->updated_at, &modified))
		modified = 0;
	bool ok = sb_appendf(&uid, "%s@wijkwijzer.enschede", b->reference ? b->reference : "") &&
	          sb_appendf(&summary, _("Afspraak bij %s"), w->has_place ? w->place.name : "");
	if (w->has_place)
		ok = ok && sb_appendf(&where, "%s, %s %s", w->place.address, w->place.postal_code,
		                      w->place.city);
	ok = ok && sb_appendf(&desc, _("Uw code: %1$s. Onderwerp: %2$s."), ref,
	                      w->has_topic ? C_(w->topic.name) : "");
	if (w->has_topic && w->topic.bring && *w->topic.bring)
		ok = ok && sb_puts(&desc, "\n") && sb_puts(&desc, C_(w->topic.bring));
	if (link)
		ok = ok && sb_puts(&desc, "\n") &&
		     sb_appendf(&desc, _("Verzetten of afzeggen: %s"), link);
	struct ics_event e = {
	    .uid = sb_str(&uid),
	    .start = booking_instant(b->start),
	    .end = booking_instant(b->end),
	    .stamp = clock_now(),
	    .summary = sb_str(&summary),
	    .location = sb_str(&where),
	    .description = sb_str(&desc),
	    .url = link,
	    .sequence = b->sequence,
	    .modified = modified,
	    .cancelled = cancelled,
	};
	(void)app;
	ok = ok && ics_write(out, &e);
	sb_free(&uid);
	sb_free(&summary);
	sb_free(&where);
	sb_free(&desc);
	return ok && !sb_failed(out);
}

/* The whole message of kind about b, in b's language. */
static bool compose(struct sb *out, struct app *app, enum outbox_kind kind, const struct booking *b,
                    const char *link)
{
	const struct i18n_lang *lang = i18n_find(b->lang) ? i18n_find(b->lang) : i18n_default();
	const struct i18n_lang *prev = i18n_use(lang);
	struct place_words w;
	place_words(app, b, &w);
	struct sb subject, text, ics;
	sb_init(&subject, 1024);
	sb_init(&text, 16384);
	sb_init(&ics, 16384);
	bool cancelled = kind == OUTBOX_CANCELLED;
	bool ok = mail_short_text(&subject, kind, b) && long_text(&text, app, kind, b, link, &w) &&
	          calendar(&ics, app, b, link, &w, cancelled);
	struct mime_message m = {
	    .from = app->cfg.mail.from,
	    /* TRANSLATORS: the sender's name of the e-mails */
	    .from_name = _("De wijkwijzer"),
	    .to = b->email,
	    .subject = sb_str(&subject),
	    .lang = lang->code,
	    .text = sb_str(&text),
	    .calendar = sb_str(&ics),
	    .calendar_method = cancelled ? "CANCEL" : "PUBLISH",
	    .date = clock_now(),
	    .id_domain = app->cfg.pub.host,
	};
	ok = ok && mime_build(out, &m);
	sb_free(&subject);
	sb_free(&text);
	sb_free(&ics);
	place_words_free(&w);
	i18n_use(prev);
	return ok;
}

/* ---- the thread --------------------------------------------------------- */

static const int backoff[MAIL_ATTEMPTS - 1] = {1, 5, 30, 120, 360, 720, 1440};

static void log_line(const char *what, const char *error)
{
	/* error comes from smtp.c: the relay and the step, no personal data */
	fprintf(stderr, "wijkwijzer: mail: %s%s%s\n", error ? error : "", error ? ", " : "", what);
}

/* A message the thread must leave alone until a time, because what
   happened to it could not be recorded (the writer's queue was full, a
   COMMIT failed) or its booking could not be read. Without this the row
   stays pending with its old due time and the next turn takes it again
   at once: a message sent over and over, a thread that spins. */
enum hold_kind {
	HOLD_SENT,   /* went out: only its recording is tried again, never a send */
	HOLD_FAILED, /* given up: only its recording is tried again */
	HOLD_FORGET, /* not needed: only its deletion is tried again */
	HOLD_RETRY,  /* to try again at until, with attempts tries so far */
	HOLD_READ,   /* its booking could not be read: again at until */
	HOLD_KINDS,
};

#define HOLD_MAX       64
#define HOLD_FIRST_S   5   /* the first wait before recording again, doubled */
#define HOLD_LONGEST_S 300 /* up to this */
#define PAUSE_S        60  /* the table full: no sending for this long */

struct hold {
	long long id;
	enum hold_kind kind;
	int attempts;
	time_t until;
	int wait_s; /* the next wait, doubled each time */
	char err[256];
};

struct mail_thread {
	struct app *app;
	struct db_thread db;
	/* the mail thread's alone: no lock */
	struct hold holds[HOLD_MAX];
	int nholds;
	bool logged[HOLD_KINDS]; /* a line was logged for this kind's trouble */
	bool logged_due;         /* ... for an outbox that could not be read */
	time_t paused_until;
};

static const char *const hold_words[HOLD_KINDS] = {
    [HOLD_SENT] = ("a message was sent, but that could not be recorded: it is not sent again, "
                   "its recording is tried again"),
    [HOLD_FAILED] = "a message given up could not be recorded as such: tried again",
    [HOLD_FORGET] = "a message that is not needed any more could not be dropped: tried again",
    [HOLD_RETRY] = "a failed try could not be recorded: the message waits in memory",
    [HOLD_READ] = "the database cannot be read: messages wait",
};

static struct hold *hold_find(struct mail_thread *mt, long long id)
{
	for (int i = 0; i < mt->nholds; i++)
		if (mt->holds[i].id == id)
			return &mt->holds[i];
	return NULL;
}

static void hold_remove(struct mail_thread *mt, struct hold *h)
{
	*h = mt->holds[--mt->nholds];
}

/* What went wrong for kind worked now: once no message is held for it
   any more, its trouble is over (and a new one gets a line again). */
static void trouble_over(struct mail_thread *mt, enum hold_kind kind)
{
	if (!mt->logged[kind])
		return;
	for (int i = 0; i < mt->nholds; i++)
		if (mt->holds[i].kind == kind)
			return;
	mt->logged[kind] = false;
	log_line(kind == HOLD_READ ? "the database can be read again"
	                           : "what could not be recorded is recorded now",
	         NULL);
}

/* Holds message id (kind; until: when it may be touched again). One log
   line for each kind of trouble until it is over, not one a turn. */
static void hold_add(struct mail_thread *mt, long long id, enum hold_kind kind, int attempts,
                     time_t until, const char *err)
{
	struct hold *h = hold_find(mt, id);
	if (!h && mt->nholds == HOLD_MAX) {
		/* full: a retry or a read may go (at worst it is tried early),
		   a message that went out may not (it would go again) */
		for (int i = 0; i < mt->nholds && !h; i++)
			if (mt->holds[i].kind == HOLD_RETRY || mt->holds[i].kind == HOLD_READ)
				h = &mt->holds[i];
		if (!h) {
			if (mt->paused_until == 0)
				log_line(
				    "too many outcomes not recorded: no mail is sent for a while",
				    NULL);
			mt->paused_until = clock_now() + PAUSE_S;
			return;
		}
	}
	if (!h) {
		h = &mt->holds[mt->nholds++];
		h->wait_s = HOLD_FIRST_S;
	} else if (h->kind != kind) {
		h->wait_s = HOLD_FIRST_S;
	}
	h->id = id;
	h->kind = kind;
	h->attempts = attempts;
	h->until = until;
	snprintf(h->err, sizeof(h->err), "%s", err ? err : "");
	if (!mt->logged[kind]) {
		log_line(hold_words[kind], NULL);
		mt->logged[kind] = true;
	}
}

/* The next wait of h, for a recording tried again that failed again. */
static time_t hold_later(struct hold *h, time_t now)
{
	time_t t = now + h->wait_s;
	h->wait_s = h->wait_s * 2 > HOLD_LONGEST_S ? HOLD_LONGEST_S : h->wait_s * 2;
	return t;
}

/* Tries again, once their time has come, the recordings that failed. */
static void holds_turn(struct mail_thread *mt, time_t now)
{
	for (int i = 0; i < mt->nholds;) {
		struct hold *h = &mt->holds[i];
		if (h->until > now) {
			i++;
			continue;
		}
		bool done;
		enum hold_kind kind = h->kind;
		if (kind == HOLD_SENT)
			done = outbox_mark_sent(mt->app, h->id, h->attempts, now);
		else if (kind == HOLD_FAILED)
			done = outbox_mark_failed(mt->app, h->id, h->attempts, h->err);
		else if (kind == HOLD_FORGET)
			done = outbox_forget(mt->app, h->id);
		else {
			i++; /* a retry or a read: taken when its row comes (turn) */
			continue;
		}
		if (done) {
			hold_remove(mt, h); /* the last one took its place: i again */
			trouble_over(mt, kind);
		} else {
			h->until = hold_later(h, now);
			i++;
		}
	}
}

/* Tries one due message and records how it went. */
static void send_one(struct mail_thread *mt, const struct outbox_item *it, int tries)
{
	struct app *app = mt->app;
	time_t now = clock_now();
	struct booking b;
	enum booking_result r = booking_find_id(app, it->booking_id, &b);
	if (r == BOOKING_ERROR) {
		booking_free(&b);
		/* the database: left alone for a while, not taken at once again */
		hold_add(mt, it->id, HOLD_READ, tries, now + HOLD_FIRST_S, NULL);
		return;
	}
	trouble_over(mt, HOLD_READ);
	/* gone, purged, no address any more, or too late to matter: not sent */
	bool useless = (r != BOOKING_OK && r != BOOKING_CANCELLED) || b.purged || !b.email ||
	               !*b.email || !b.start || !b.end;
	/* a cancelled appointment gets its cancellation only, never a
	   confirmation, move or reminder that was still waiting */
	if (!useless && it->kind != OUTBOX_CANCELLED)
		useless = r == BOOKING_CANCELLED;
	if (!useless && it->kind == OUTBOX_REMINDER)
		useless = booking_instant(b.start) <= now;
	if (!useless && it->kind != OUTBOX_CANCELLED)
		useless = booking_instant(b.end) <= now;
	if (useless) {
		if (!outbox_forget(app, it->id))
			hold_add(mt, it->id, HOLD_FORGET, tries, now + HOLD_FIRST_S, NULL);
		else
			trouble_over(mt, HOLD_FORGET);
		booking_free(&b);
		return;
	}
	struct sb token, link, msg;
	sb_init(&token, 128);
	sb_init(&link, 1024);
	sb_init(&msg, 256 * 1024);
	bool ok = true;
	if (it->kind != OUTBOX_CANCELLED) {
		ok = booking_new_link(app, b.id, &token) &&
		     sb_appendf(&link, "%s/%s/afspraak/%s", app->cfg.pub.base,
		                i18n_find(b.lang) ? b.lang : "nl", sb_str(&token));
	}
	char err[256] = "";
	enum smtp_result res = SMTP_TEMPORARY;
	if (!ok || !compose(&msg, app, it->kind, &b,
	                    it->kind != OUTBOX_CANCELLED ? sb_str(&link) : NULL)) {
		snprintf(err, sizeof(err), "could not compose a message");
	} else {
		struct smtp_relay relay = {
		    .host = app->cfg.mail.host,
		    .port = app->cfg.mail.port,
		    .ca_file = app->cfg.mail.ca_file,
		    .require_tls = app->cfg.mail.tls_required,
		    .timeout_s = RELAY_TIMEOUT_S,
		    .helo = app->cfg.pub.host[0] ? app->cfg.pub.host : NULL,
		};
		res =
		    smtp_send(&relay, app->cfg.mail.from, b.email, sb_str(&msg), err, sizeof(err));
	}
	if (token.data)
		crypto_wipe(token.data, token.len);
	int attempts = tries + 1;
	char what[128];
	now = clock_now();
	if (res == SMTP_SENT) {
		if (!outbox_mark_sent(app, it->id, attempts, now)) {
			hold_add(mt, it->id, HOLD_SENT, attempts, now + HOLD_FIRST_S, NULL);
		} else {
			trouble_over(mt, HOLD_SENT);
			if (attempts > 1) {
				snprintf(what, sizeof(what), "a %s sent at try %d",
				         outbox_kind_name(it->kind), attempts);
				log_line(what, NULL);
			}
		}
	} else if (res == SMTP_PERMANENT || attempts >= MAIL_ATTEMPTS) {
		snprintf(what, sizeof(what), "a %s given up after %d tries",
		         outbox_kind_name(it->kind), attempts);
		log_line(what, err);
		if (!outbox_mark_failed(app, it->id, attempts, err))
			hold_add(mt, it->id, HOLD_FAILED, attempts, now + HOLD_FIRST_S, err);
		else
			trouble_over(mt, HOLD_FAILED);
	} else {
		long delay = (long)backoff[attempts - 1] * app->cfg.mail.retry_seconds;
		snprintf(what, sizeof(what), "retry %d in %ld s", attempts, delay);
		log_line(what, err);
		if (!outbox_mark_retry(app, it->id, attempts, now + delay, err))
			hold_add(mt, it->id, HOLD_RETRY, attempts, now + delay, err);
		else
			trouble_over(mt, HOLD_RETRY);
	}
	sb_free(&token);
	sb_free(&link);
	sb_free(&msg);
	booking_free(&b);
}

static bool should_stop(void)
{
	pthread_mutex_lock(&mail_lock);
	bool s = stopping;
	pthread_mutex_unlock(&mail_lock);
	return s;
}

/* One turn: the recordings to try again, then up to BATCH due messages
   that are not held. Returns how many it sent (or tried to). */
static int turn(struct mail_thread *mt, time_t now)
{
	struct app *app = mt->app;
	holds_turn(mt, now);
	if (mt->paused_until > now)
		return 0;
	mt->paused_until = 0;
	/* the held ones may come first: enough rows to find BATCH others */
	struct outbox_item items[BATCH + HOLD_MAX];
	int n = outbox_due(app, OUTBOX_EMAIL, now, items, BATCH + HOLD_MAX);
	if (n < 0) {
		if (!mt->logged_due)
			log_line("the outbox cannot be read: messages wait", NULL);
		mt->logged_due = true;
		return 0;
	}
	mt->logged_due = false;
	int sent = 0, i;
	for (i = 0; i < n && sent < BATCH && !should_stop(); i++) {
		struct hold *h = hold_find(mt, items[i].id);
		int tries = items[i].attempts;
		if (h) {
			if (h->kind != HOLD_RETRY && h->kind != HOLD_READ)
				continue; /* sent, given up or dropped: never again */
			if (h->until > now)
				continue;
			if (h->attempts > tries)
				tries = h->attempts; /* the tries the database missed */
			hold_remove(mt, h);
		}
		send_one(mt, &items[i], tries);
		sent++;
	}
	if (i == n && n < BATCH + HOLD_MAX) {
		/* every due row was seen: a retry or read held for a row that
		   is not due any more (dropped, purged) is let go */
		for (int k = 0; k < mt->nholds;) {
			struct hold *h = &mt->holds[k];
			if ((h->kind == HOLD_RETRY || h->kind == HOLD_READ) && h->until <= now)
				hold_remove(mt, h);
			else
				k++;
		}
	}
	return sent;
}

static void *mail_main(void *arg)
{
	struct mail_thread *mt = arg;
	struct app *app = mt->app;
	db_thread_use(&mt->db);
	for (;;) {
		if (should_stop())
			break;
		db_thread_refresh(app, &mt->db);
		time_t now = clock_now();
		int sent = turn(mt, now);
		/* sleep until the next is due, a write wakes us, or the poll;
		   what is held or was due at now is not "next": a row a turn
		   left alone must not make the next turn start at once */
		long wait_s = MAIL_POLL_S;
		time_t next;
		if (sent == BATCH)
			wait_s = 0;
		else {
			if (outbox_next_due(app, OUTBOX_EMAIL, now, &next)) {
				time_t t = clock_now();
				if (next - t < wait_s)
					wait_s = next > t ? (long)(next - t) : 0;
			}
			for (int i = 0; i < mt->nholds; i++) {
				long w = (long)(mt->holds[i].until - now);
				if (w < wait_s)
					wait_s = w > 1 ? w : 1;
			}
			if (mt->paused_until > now && wait_s > mt->paused_until - now)
				wait_s = (long)(mt->paused_until - now);
		}
		pthread_mutex_lock(&mail_lock);
		if (!woken && !stopping && wait_s > 0) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += wait_s;
			while (!woken && !stopping &&
			       pthread_cond_timedwait(&mail_cond, &mail_lock, &until) == 0)
				;
		}
		woken = false;
		pthread_mutex_unlock(&mail_lock);
	}
	db_thread_use(NULL);
	db_thread_close(&mt->db);
	free(mt);
	return NULL;
}

bool mail_start(struct app *app, char *err, size_t errlen)
{
	if (!mail_enabled(app))
		return true;
	struct mail_thread *mt = calloc(1, sizeof(*mt));
	if (!mt) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	mt->app = app;
	if (!db_thread_open(app, &mt->db, NULL, err, errlen)) {
		free(mt);
		return false;
	}
	pthread_mutex_lock(&mail_lock);
	stopping = false;
	woken = true; /* what waited across a restart goes out at once */
	pthread_mutex_unlock(&mail_lock);
	if (pthread_create(&thread, NULL, mail_main, mt) != 0) {
		db_thread_close(&mt->db);
		free(mt);
		snprintf(err, errlen, "cannot start the mail thread");
		return false;
	}
	running = true;
	return true;
}

void mail_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mail_lock);
	stopping = true;
	pthread_cond_broadcast(&mail_cond);
	pthread_mutex_unlock(&mail_lock);
	pthread_join(thread, NULL);
	running = false;
}
