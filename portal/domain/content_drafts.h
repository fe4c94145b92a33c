/* content_drafts: changes to the sociale kaart made in the browser. A
 * change is a draft of one part of one entry (store/content_edit.h): it
 * is saved as it is typed, after every field passed the import's check,
 * and residents see nothing of it until a beheerder publishes. One draft
 * per part and entry: saving again replaces it. Publishing applies every
 * draft at once (store/content_edit.h content_build), replaces the
 * content database in one rename and moves the content generation, so
 * each thread reopens the new content and no cached page of the old one
 * is served; a request in flight finishes on the old content. Every save,
 * discard and publication is a row in the audit trail (the part and the
 * entry's slug; content is public, so there is no personal data in it).
 *
 * State: the drafts live in the bookings database (content_draft,
 * migration 12), written through the writer. content_drafts_publish
 * builds the content database, as long as an import: the slow pool. */
#ifndef WW_DOMAIN_CONTENT_DRAFTS_H
#define WW_DOMAIN_CONTENT_DRAFTS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/staff.h"

struct app;

struct content_draft {
	long long id;
	char part[32];
	char target[65]; /* the entry's slug */
	char *csv;       /* the part's new values (content_values_csv) */
	long long account_id;
	char account[65];    /* the name of who saved it last */
	char updated_at[21]; /* UTC, "2026-12-01T09:30:05Z" */
};
void content_drafts_free(struct content_draft *d, size_t n);

/* Saves (or replaces) the draft of part of target, by u. */
bool content_draft_save(struct app *app, const struct staff_user *u, const char *part,
                        const char *target, const char *csv);
/* The draft of part of target, or the draft with id: 1 found (out->csv is
 * the caller's to free()), 0 none, -1 error. */
int content_draft_get(struct app *app, const char *part, const char *target,
                      struct content_draft *out);
int content_draft_find(struct app *app, long long id, struct content_draft *out);
/* Every draft, oldest first; *out is the caller's (content_drafts_free). */
bool content_drafts_list(struct app *app, struct content_draft **out, size_t *n);
/* Throws away draft id, by u: 1 done, 0 no such draft, -1 error. */
int content_draft_discard(struct app *app, const struct staff_user *u, long long id);

enum content_publish {
	CONTENT_PUBLISHED,      /* the new content is live */
	CONTENT_NOTHING,        /* there were no drafts */
	CONTENT_REFUSED,        /* the import refused the result: err says where */
	CONTENT_PUBLISH_FAILED, /* the database, the disk or memory */
};
/* Publishes every draft (by a beheerder u): builds and opens the new
 * content, then deletes the drafts it contained (one saved again
 * meanwhile stays) and writes the trail. *count: the drafts published. */
enum content_publish content_drafts_publish(struct app *app, const struct staff_user *u,
                                            size_t *count, char *err, size_t errlen);

/* Opens the content folder's database anew and makes every thread use it
 * (the terminals too); false, keeping the old, when it does not open.
 * SIGHUP comes here too. */
bool content_reload(struct app *app, char *err, size_t errlen);

#endif
