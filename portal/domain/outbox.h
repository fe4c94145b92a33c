/* outbox: messages to residents waiting to go out (table outbox).
 *
 * A booking write (create, move, cancel) adds its messages in its own
 * transaction on the writer thread, so a message exists exactly when the
 * change it tells of was committed, and it survives a restart. The mail
 * thread (domain/mail.h) reads what is due on its own connection and
 * records the outcome through writer_do(). A row holds no address and no
 * text: only the booking, the kind, when it is due and how it went; the
 * message is composed when it is sent, from the booking as it is then.
 *
 * channel is "email" today; an SMS gateway would add rows of "sms" and a
 * sender of its own, without changes to the booking code's calls. */
#ifndef WW_OUTBOX_H
#define WW_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct app;

enum outbox_kind {
	OUTBOX_CONFIRMATION,
	OUTBOX_REMINDER,
	OUTBOX_MOVED,
	OUTBOX_CANCELLED,
};

#define OUTBOX_EMAIL "email"
#define OUTBOX_SMS   "sms"

const char *outbox_kind_name(enum outbox_kind k);

/* ---- inside a write on the writer thread (in its transaction) -------- */

/* A message of kind about booking_id, due at due. */
bool outbox_add(struct app *app, const char *channel, enum outbox_kind kind, long long booking_id,
                time_t due, time_t now);
/* Before a message of kind about booking_id is added: drops its pending
 * messages that kind makes stale, so only the latest state goes out. A
 * cancellation drops every pending one (but a cancellation); a move the
 * reminder, a confirmation and a move not sent yet. */
bool outbox_supersede(struct app *app, long long booking_id, enum outbox_kind kind);
/* The retention job: deletes every message about a purged booking, and
 * sent and failed ones made before cutoff. */
bool outbox_retention(struct app *app, time_t cutoff);

/* ---- the sender (any thread with its own connection) ----------------- */

struct outbox_item {
	long long id, booking_id;
	enum outbox_kind kind;
	int attempts;
	time_t created;
};

/* Up to max pending messages of channel due at now, oldest due first;
 * -1 on a database error. */
int outbox_due(struct app *app, const char *channel, time_t now, struct outbox_item *out, int max);
/* When the next pending message of channel is due that is due later
 * than after (what was due at after, outbox_due has given); false when
 * none is. */
bool outbox_next_due(struct app *app, const char *channel, time_t after, time_t *out);

/* The outcome of a try, each its own write (writer_do): sent; to try
 * again at due (attempts so far, the error without personal data);
 * given up; not needed any more (deleted). False when it was not stored. */
bool outbox_mark_sent(struct app *app, long long id, int attempts, time_t now);
bool outbox_mark_retry(struct app *app, long long id, int attempts, time_t due, const char *error);
bool outbox_mark_failed(struct app *app, long long id, int attempts, const char *error);
bool outbox_forget(struct app *app, long long id);

#endif
