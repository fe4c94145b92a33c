/* views_ct: what the editor of the sociale kaart (web/staff_content.c)
 * hands to its templates (templates/staff_content*.html). The strings
 * belong to the request's arena; a view lives as long as the handler's
 * call of the template. Threads: any (data only). */
#ifndef WW_VIEWS_CT_H
#define WW_VIEWS_CT_H

#include <stdbool.h>
#include <stddef.h>

#include "web/components.h"
#include "web/views_st.h"

/* one field of a part: an input, a textarea or a select (field), or a
   group of check boxes or radios (choices) */
struct content_field_view {
	struct c_field field;
	const struct c_choices *choices; /* instead of field; NULL: none */
	const char *choices_error;       /* the group's error; NULL: none */
};

/* one row of a many-row part (a time, a cost, a closed day) */
struct content_row_view {
	const char *legend; /* "Regel 2" */
	struct content_field_view *fields;
	size_t nfields;
	const char *remove_id, *remove_name; /* "Deze regel weghalen"; NULL on an empty row */
};

/* staff_content_part.html: the form of one part of an entry */
struct content_part_view {
	const char *anchor;        /* "deel-service" */
	const char *title, *intro; /* intro may be NULL */
	const char *action, *csrf, *part;
	const char *draft; /* "Concept van ...: nog niet gepubliceerd"; NULL: published */
	const char *saved; /* after a save; NULL */
	const struct c_link *errors;
	size_t nerrors;
	struct content_field_view *fields; /* a one-row part */
	size_t nfields;
	struct content_row_view *rows; /* a many-row part */
	size_t nrows;
	const char *rows_count; /* the number of rows posted, as text */
};

/* staff_content_entry.html: GET and POST
   /{lang}/medewerker/inhoud/{organisatie|voorziening|locatie}/{slug} */
struct content_entry_view {
	const struct staff_nav *nav;
	const char *kind, *name;                   /* "Voorziening", the entry's name */
	const char *checked;                       /* "Laatst gecontroleerd op 12 maart 2026." */
	const char *public_href;                   /* the resident's page; NULL: none */
	const struct c_link *organization;         /* of a service or location; NULL */
	const struct c_link *services, *locations; /* of an organisation */
	size_t nservices, nlocations;
	const struct content_part_view *parts;
	size_t nparts;
	const char *checked_action, *checked_csrf, *checked_part; /* "Alles klopt nog" */
	const char *checked_saved;                                /* after it; NULL */
	const char *back;
};

/* a draft on staff_content.html */
struct content_draft_row {
	const char *entry, *href; /* the entry's name and editor (NULL: gone from the content) */
	const char *part;         /* the part in words */
	const char *who, *when;
	const char *discard_action;
};

/* staff_content.html: GET /{lang}/medewerker/inhoud, and after publishing */
struct content_home_view {
	const struct staff_nav *nav;
	const char *notice;               /* NULL: none */
	const char *error, *error_detail; /* a refused publication; NULL: none */
	const struct content_draft_row *drafts;
	size_t ndrafts;
	const char *discard_csrf;
	const char *publish_action, *publish_csrf; /* NULL: not a beheerder */
	const char *aanbieder_intro;               /* an aanbieder's explanation; NULL */
	const struct c_link *entries;              /* the organisations (an aanbieder: its own) */
	size_t nentries;
	const char *unchecked_href, *unchecked_text; /* NULL: not a beheerder */
};

/* a row of staff_content_unchecked.html */
struct content_unchecked_row {
	const char *href, *name, *kind, *checked;
};

/* staff_content_unchecked.html: GET /{lang}/medewerker/inhoud/controleren */
struct content_unchecked_view {
	const struct staff_nav *nav;
	const char *since; /* the date six months ago, in words */
	const struct content_unchecked_row *rows;
	size_t nrows;
	const char *back;
};

#endif
