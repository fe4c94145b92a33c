/* ics: an RFC 5545 calendar file for an appointment, with a reminder. */
#ifndef WW_ICS_H
#define WW_ICS_H

#include <stdbool.h>
#include <time.h>

#include "base/sb.h"

struct ics_event {
	const char *uid;
	time_t start, end, stamp;
	const char *summary;
	const char *location;
	const char *description;
	const char *url;
	int sequence;    /* RFC 5545 SEQUENCE: 0, raised by every move and the cancel */
	time_t modified; /* LAST-MODIFIED; 0: left out */
	bool cancelled;  /* METHOD:CANCEL, STATUS:CANCELLED, so calendars remove it */
};

bool ics_write(struct sb *out, const struct ics_event *e);

#endif
