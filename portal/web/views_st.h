/* views_st: what the staff pages of web/staff.c hand to their templates
 * (templates/staff_*.html): the login form, the day agenda and the staff
 * panel on a booking's page; and of web/staff_insight.c (the beheerder's
 * anonymous counts). The strings belong to the handler (its
 * request's arena, the booking list it holds); a view lives as long as
 * the handler's call of the template. Threads: any (data only). */
#ifndef WW_VIEWS_ST_H
#define WW_VIEWS_ST_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/audit.h"
#include "domain/booking.h"
#include "domain/staff.h"
#include "web/components.h"

/* the items of c_staff_nav.html */
enum staff_nav_item {
	STAFF_NAV_NONE,
	STAFF_NAV_AGENDA,
	STAFF_NAV_CALLBACKS,
	STAFF_NAV_ACCOUNTS,
	STAFF_NAV_AUDIT,
	STAFF_NAV_INSIGHT,
	STAFF_NAV_CONTENT,
	STAFF_NAV_PASSWORD,
};

/* c_staff_nav.html: the bar above every staff page */
struct staff_nav {
	const char *name, *role;        /* the account's name, its role in words */
	const char *agenda, *callbacks; /* NULL for an aanbieder */
	const char *password;
	const char *accounts, *audit, *insight; /* NULL but for a beheerder */
	const char *content; /* the sociale kaart's editor; NULL for a medewerker */
	const char *logout_action, *logout_csrf;
	int current; /* enum staff_nav_item */
};

/* staff_login.html: GET and POST /{lang}/medewerker */
struct staff_login_view {
	const char *action; /* the form's URL */
	const char *csrf;   /* the form's token */
	const char *error;  /* NULL: none */
	const char *name;   /* as typed, after a failed try */
};

/* staff_password.html: GET and POST /{lang}/medewerker/wachtwoord */
struct staff_password_view {
	const struct staff_nav *nav;
	const char *action, *csrf;
	const char *error; /* NULL: none */
	bool done;         /* changed: the form is not shown again */
};

/* staff_summary.html: GET /{lang}/medewerker/zelfcheck?id= */
struct staff_summary_view {
	const struct staff_nav *nav;
	const char *name;    /* the resident's, "-" without one */
	const char *when;    /* the appointment in words */
	const char *summary; /* the shared self-check in words */
	const char *back;    /* the agenda of its day */
};

/* staff_status_form.html: a button that sets a booking's status */
struct staff_status_form {
	const char *action, *csrf; /* the status form's URL and token */
	long long id;
	const char *location; /* the booking's wijkwijzer */
	const char *status;   /* the new one: "checked_in", "no_show", "confirmed" */
	const char *label;
	const char *back; /* where the handler goes back to */
};

/* a booking of staff_agenda.html */
struct staff_agenda_row {
	const struct booking *b;
	char time[12];  /* "09:30-10:00" */
	char ref[16];   /* the reference as displayed */
	bool confirmed; /* the buttons; else undo */
	bool checked_in, no_show;
	const char *topic;        /* the topic's name (content, Dutch: C_() it) */
	const char *summary_href; /* the shared self-check's page; NULL: none shared */
};

/* an active block of staff_agenda.html, with its undo */
struct staff_block_item {
	const char *what;  /* the form's value: "YYYY-MM-DD" or "...T09:30" */
	const char *words; /* "dinsdag 8 december, hele dag" */
};

/* staff_block_confirm.html: the block asked for, to confirm */
struct staff_block_confirm_view {
	const struct staff_nav *nav;
	const char *action, *csrf, *what, *words, *back, *location;
	size_t nbookings; /* appointments at that time that stay */
};

struct staff_callbacks_link; /* views_cb.h */

/* staff_agenda.html: GET /{lang}/medewerker/agenda?locatie=&dag= */
struct staff_agenda_view {
	const struct staff_nav *nav;
	const struct c_option *places; /* the wijkwijzers to choose; NULL: only one */
	size_t nplaces;
	const char *export_href;
	const char *place;      /* the location's name */
	const char *date_label; /* "dinsdag 8 december 2026" */
	const char *location, *day;
	const char *agenda_href, *prev_href, *next_href;
	const char *back; /* the agenda of this day, for the forms */
	const char *status_action, *status_csrf;
	const char *block_action, *block_csrf;
	const struct staff_agenda_row *rows;
	size_t nrows;
	const struct c_option *slots; /* the slots that can be blocked, after the whole day */
	size_t nslots;
	const struct staff_block_item *blocks; /* from the day shown on */
	size_t nblocks;
	const struct staff_callbacks_link *callbacks; /* the link to the call-back inbox */
};

/* staff_panel.html: on a booking's page, for staff of its location */
struct staff_panel_view {
	const char *name;   /* "-" without one */
	const char *status; /* the booking's */
	bool confirmed;     /* the buttons instead of the status */
	const char *status_action, *status_csrf, *back;
	const char *location;
	long long id;
};

/* a row of staff_accounts.html */
struct staff_account_row {
	const struct staff_user *u;
	const char *role;   /* in words */
	const char *places; /* the wijkwijzers' names, "alle wijkwijzers", or an aanbieder's
	                       organisation's name */
	const char *href;   /* its edit page */
};

#define STAFF_ACCOUNT_ROLES 3 /* the radios of the account form */

/* the account form's fields (staff_accounts.html for a new one,
 * staff_account.html to change one) */
struct staff_account_form {
	const char *action, *csrf;
	const struct c_choice *roles; /* medewerker, beheerder, aanbieder */
	const struct c_choice *places;
	size_t nplaces;
	const struct c_option *organizations; /* of an aanbieder, in name order */
	size_t norganizations;
	const char *error; /* NULL: none */
};

/* staff_accounts.html: GET and POST /{lang}/medewerker/accounts */
struct staff_accounts_view {
	const struct staff_nav *nav;
	const struct staff_account_row *rows;
	size_t nrows;
	struct staff_account_form form; /* a new account */
	const char *name;               /* as typed, after an error */
	const char *notice;             /* "Het account ... is gemaakt."; NULL: none */
};

/* staff_account.html: GET and POST /{lang}/medewerker/accounts/{id} */
struct staff_account_view {
	const struct staff_nav *nav;
	const struct staff_user *u;
	struct staff_account_form form;
	bool active;
	const char *password_action, *password_csrf;
	const char *password_error; /* NULL: none */
	const char *notice;         /* NULL: none */
	const char *back;           /* the list */
};

/* a row of staff_audit.html */
struct staff_audit_row {
	const struct audit_entry *e;
	const char *who;    /* the account's name, or the command line in words */
	const char *when;   /* local date and time in words */
	const char *what;   /* the action in words */
	const char *place;  /* the wijkwijzer's name; NULL: none */
	const char *detail; /* in words; NULL: none */
};

/* staff_audit.html: GET /{lang}/medewerker/logboek */
struct staff_audit_view {
	const struct staff_nav *nav;
	const char *action;                   /* the filter form's URL */
	const char *actor, *from, *to, *code; /* the filter as given */
	const struct c_option *kinds, *places;
	size_t nkinds, nplaces;
	const char *error; /* the filter could not be used; NULL: none */
	const struct staff_audit_row *rows;
	size_t nrows;
	bool more; /* only the newest are shown */
	int days;  /* --audit-days */
};

/* staff_insight.html: GET /{lang}/medewerker/inzicht, the anonymous
 * counts (domain/insight.h). Every number is already a cell as shown:
 * "< 10" under ten (insight_cell), never a total over rows. */
struct insight_bar {
	const char *label; /* the key in words: a need, a topic, a search text */
	const char *sub;   /* the second column (a PC4, kiosk or web); NULL: none */
	const char *value; /* "< 10" or the number */
	bool exact;        /* value is the number: the chart draws a bar */
	long width;        /* of the bar, 0..INSIGHT_BAR_MAX (0 when not exact) */
	long y;            /* of its row in the chart */
};
#define INSIGHT_BAR_MAX   400 /* of a chart 480 wide: room for the number */
#define INSIGHT_TABLE_MAX 50

struct insight_section_view {
	const char *id, *title, *intro;
	const char *key_head, *sub_head; /* column headings; sub_head NULL: no second column */
	const struct insight_bar *rows;  /* the table: the largest, at most INSIGHT_TABLE_MAX */
	size_t nrows;
	size_t nchart;          /* the chart: the first nchart rows */
	long chart_height;      /* of the SVG */
	const char *caption;    /* of the table */
	const char *chart_name; /* of the chart: the caption, or its largest */
	const char *more;       /* NULL, or that the CSV has the other rows */
	const char *hidden;     /* NULL, or what is left out (rare search texts) */
};

struct staff_insight_view {
	const struct staff_nav *nav;
	bool example; /* the numbers are generated example counts */
	const char *action, *csv_href;
	const struct c_option *periods;
	size_t nperiods;
	const struct insight_section_view *sections;
	size_t nsections;
};

#endif
