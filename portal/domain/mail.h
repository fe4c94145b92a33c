/* mail: the messages to residents by e-mail, and the thread that sends
 * them.
 *
 * What to send is in the outbox (domain/outbox.h), written by the
 * booking writes. The mail thread, started and stopped with the server,
 * wakes when a write committed (mail_wake) and at least every
 * MAIL_POLL_S seconds, sends what is due one message per connection
 * (base/smtp.h, STARTTLS when offered), and records each outcome through
 * the writer. A message is composed when it goes out, in the booking's
 * language, from the booking as it is then: the text, a new link of its
 * own to manage the appointment and the calendar file. A failure is
 * tried again after 1, 5, 30, 120, 360, 720 and 1440 times
 * app->cfg.mail.retry_seconds (a minute: about two days in all), then
 * given up as failed; each is one log line without addresses, names or
 * references. Nothing of this runs on the event loop.
 *
 * An outcome that could not be recorded (the writer's queue full, a
 * COMMIT failed) is kept in the thread's memory, so a message that went
 * out is never sent again, and nothing makes the thread spin.
 *
 * Shared state: the thread's flags (running, stopping, woken) behind
 * one mutex, mail_lock in mail.c; what the thread keeps in memory is its
 * own. */
#ifndef WW_MAIL_H
#define WW_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"
#include "domain/outbox.h"

struct app;
struct booking;

#define MAIL_POLL_S   5
#define MAIL_ATTEMPTS 8

/* Mail is configured (--smtp and --mail-from). */
bool mail_enabled(const struct app *app);

/* Starts the mail thread when mail is configured (true without it). */
bool mail_start(struct app *app, char *err, size_t errlen);
/* Stops it (before the writer: it writes through it); a message being
 * sent is finished first, within the relay's timeout. */
void mail_stop(void);
/* Something may be due: a write committed (any thread, cheap). */
void mail_wake(void);

/* The texts, in the current language (i18n_use), for any channel: the
 * short one (an e-mail's subject, what an SMS would say) and the whole
 * message. link: the absolute manage URL (NULL for a cancellation, which
 * gets the booking page instead). Exposed for an SMS composer and for
 * tests. */
bool mail_short_text(struct sb *out, enum outbox_kind kind, const struct booking *b);
bool mail_long_text(struct sb *out, struct app *app, enum outbox_kind kind, const struct booking *b,
                    const char *link);

#endif
