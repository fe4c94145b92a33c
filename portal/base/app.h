/* app: the state shared by all requests of one server process. */
#ifndef WW_APP_H
#define WW_APP_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "base/crypto.h"
#include "base/origin.h"

struct store;
struct catalog;
struct lws_context;

struct config {
	int port;
	const char *listen;
	char *data_dir;
	char *content_dir;
	char *locale_dir;
	bool behind_proxy;        /* client address from X-Forwarded-For (rate limits) */
	bool quiet;               /* no access log */
	struct public_origin pub; /* the one public address: QR codes, calendars */
	int retention_days;       /* personal data kept after an appointment */
	int booking_rate;         /* booking attempts per client per hour; 0: no limit */
	int workers;              /* reader threads */
	int max_conns_per_client; /* open HTTP connections per client address */
	int max_ws_per_client;    /* open WebSockets per client address */
	int subscribe_rate;       /* WebSocket subscribe messages per client per minute */
	int client_bookings;      /* appointments without contact per client a week; 0: no limit */
	int speech_rate; /* new pages read aloud per client per hour at home; 0: no limit */
	int audit_days;  /* days the audit trail of staff actions is kept */
	/* mail to residents (domain/mail.h): on when host is set (--smtp) */
	struct mail_config {
		char host[256];   /* the relay, "" for no mail */
		int port;         /* its port */
		const char *from; /* --mail-from */
		const char
		    *ca_file; /* --smtp-ca: CAs for the relay's certificate; NULL: the system's */
		bool tls_required;  /* --smtp-tls required: never in plain text */
		int reminder_hours; /* a reminder this long before; 0: none */
		int retry_seconds;  /* the first retry after a failure (later ones back off) */
	} mail;
};

struct app {
	struct config cfg;
	struct store *store;
	struct catalog *catalog; /* read-only content, replaced on SIGHUP */
	struct lws_context *ctx;
	_Atomic unsigned long content_gen;      /* bumped when new content is checked */
	unsigned char secret[CRYPTO_KEY_BYTES]; /* signs forms and links */
	time_t started;
};

#endif
