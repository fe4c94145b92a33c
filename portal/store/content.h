/* content: the repository of content lookups that pages and the API make
 * on the content database besides the search: a service with its
 * organisation, places, phones, languages, costs, respite details and
 * terms; the appointment places and topics; the self-check texts (advice,
 * the carer's result, the question of a domain). The SQL lives here, so
 * page and API handlers never prepare a statement.
 *
 * Threads: every function uses the catalog it is given and so runs on the
 * thread that owns that catalog (catalog.h), like the catalog's own
 * functions.
 *
 * Results are copies: the strings of a struct are allocated by the
 * function and belong to the caller, who frees them with the _free
 * function named next to each type (never with free() alone). A field
 * marked "may be NULL" is NULL where the content leaves it empty; every
 * other string is never NULL. On failure (a database error, memory) a
 * function returns false or CONTENT_ERROR and leaves nothing to free:
 * lists are then NULL with a count of 0, structs are zeroed. Texts are as
 * the content has them (Dutch); translating them is the caller's job. */
#ifndef WW_CONTENT_H
#define WW_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"
#include "store/catalog.h"

/* A lookup of one row. */
enum content_result {
	CONTENT_FOUND,
	CONTENT_MISSING, /* no such row (or no id asked) */
	CONTENT_ERROR,   /* the database or memory failed */
};

/* A list of texts, in the order the function names. Free with
 * content_strings_free. */
struct content_strings {
	char **v;
	size_t n;
};
void content_strings_free(struct content_strings *s);

/* ---- places --------------------------------------------------------------- */

struct content_place {
	char *id, *name, *address, *postal_code, *city;
	char *transportation;   /* may be NULL */
	char *stadsdeel, *wijk; /* may be NULL */
	double lat, lon;
	bool has_distance; /* distance_m is set: a point was given */
	double distance_m;
};
/* Frees the strings of one place (not p itself), and zeroes it. */
void content_place_free(struct content_place *p);
/* Frees n places and the array. */
void content_places_free(struct content_place *p, size_t n);

/* The place with this id (has_distance false). */
enum content_result content_place(struct catalog *c, const char *id, struct content_place *out);

/* Every place in name order, or only the wijkwijzers (places with the
 * lt-wijkwijzer term). */
bool content_places(struct catalog *c, bool wijkwijzer_only, struct content_place **out, size_t *n);

/* The places of a service, at most max of them (0: all). With near NULL in
 * name order, without distances; with near (set or not) nearest first,
 * then by name, with distances when near is set. */
bool content_service_places(struct catalog *c, const char *service_id, const struct point *near,
                            size_t max, struct content_place **out, size_t *n);

/* The names of the terms of one taxonomy ("toegankelijkheid") a place
 * has, in the order of the taxonomy. */
bool content_place_term_names(struct catalog *c, const char *place_id, const char *taxonomy,
                              struct content_strings *out);

/* The point of the place of a kiosk terminal: sets out->set, lat and lon
 * when found and leaves the rest of out as it is. */
enum content_result content_terminal_point(struct catalog *c, const char *terminal_id,
                                           struct point *out);

/* ---- services ------------------------------------------------------------- */

struct content_service {
	char *id, *name, *description;
	char *application_process, *fees_description, *eligibility_description; /* may be NULL */
	char *url;                                                              /* may be NULL */
	char *organization_id, *organization_name;
	char *organization_website, *organization_email; /* may be NULL */
	bool free;                                       /* it has cost options and all are 0.00 */
	bool has_costs;   /* it has cost options (else: ask what it costs) */
	char *checked_on; /* when it was last checked ("2026-11-20"); may be NULL */
};
void content_service_free(struct content_service *s);

/* An active service with its organisation. */
enum content_result content_service(struct catalog *c, const char *id, struct content_service *out);

/* The names of the terms of one taxonomy ("categorie", "doelgroep") of a
 * service, in the order of the taxonomy. */
bool content_service_term_names(struct catalog *c, const char *service_id, const char *taxonomy,
                                struct content_strings *out);
/* The ids of every term of a service, in the order of the taxonomy. */
bool content_service_term_ids(struct catalog *c, const char *service_id,
                              struct content_strings *out);

/* The languages spoken by a service or at its places, each once: their
 * names in name order, or their codes in code order. */
bool content_service_language_names(struct catalog *c, const char *service_id,
                                    struct content_strings *out);
bool content_service_language_codes(struct catalog *c, const char *service_id,
                                    struct content_strings *out);
/* The texts of a service's schedules without weekly hours ("Eén of twee
 * weekenden per maand ..."), each once, in the order of the file. */
bool content_service_schedule_notes(struct catalog *c, const char *service_id,
                                    struct content_strings *out);

struct content_phone {
	char *number;
	char *description; /* may be NULL */
};
void content_phones_free(struct content_phone *p, size_t n);

/* The phone numbers to show with a service: its own, its places' and its
 * organisation's (organization_id), its own first, at most max (0: all),
 * each number and description once. */
bool content_service_phones(struct catalog *c, const char *service_id, const char *organization_id,
                            size_t max, struct content_phone **out, size_t *n);
/* Every phone number of a service, its places and its organisation, each
 * once. */
bool content_service_phone_numbers(struct catalog *c, const char *service_id,
                                   struct content_strings *out);

struct content_cost {
	char *option; /* may be NULL */
	double amount;
	char *currency;
	char *description; /* may be NULL */
};
void content_costs_free(struct content_cost *p, size_t n);

/* The cost options of a service, in the order of the content. */
bool content_service_costs(struct catalog *c, const char *service_id, struct content_cost **out,
                           size_t *n);

/* Respite care details of a service (x_respite). times, payer and
 * for_whom are lists of codes separated by ';'. */
struct content_respite {
	char *setting, *times, *provider, *payer, *for_whom;
	int notice_days;
	bool has_min_duration;
	int min_duration_hours;
	char *notes; /* may be NULL */
};
void content_respite_free(struct content_respite *r);

enum content_result content_respite(struct catalog *c, const char *service_id,
                                    struct content_respite *out);

/* ---- appointments --------------------------------------------------------- */

/* The places that take appointments (the wijkwijzers of ap_locations), at
 * most max (0: all). near NULL: in name order; near given: nearest first,
 * then by name, with distances when near is set. */
bool content_ap_places(struct catalog *c, const struct point *near, size_t max,
                       struct content_place **out, size_t *n);
/* A place that takes appointments (has_distance false). */
enum content_result content_ap_place(struct catalog *c, const char *id, struct content_place *out);

struct content_topic {
	char *id, *name, *description;
	int duration_min;
	char *bring; /* may be NULL */
};
void content_topic_free(struct content_topic *t);
void content_topics_free(struct content_topic *t, size_t n);

/* The topics of an appointment, in the order of the content. */
bool content_ap_topics(struct catalog *c, struct content_topic **out, size_t *n);
enum content_result content_ap_topic(struct catalog *c, const char *id, struct content_topic *out);

/* ---- self-check texts ----------------------------------------------------- */

/* An advice of the self-check, at this level ("eigen-kracht", ...; NULL:
 * at any level). Appends its title and its text to the builders that are
 * not NULL. */
enum content_result content_sc_advice(struct catalog *c, const char *id, const char *level,
                                      struct sb *title, struct sb *text);

/* The link kind of an advice ("zelfcheck-mantelzorg", "mantelzorg",
 * "afspraak", "veilig-thuis") into out; CONTENT_MISSING when it has none. */
enum content_result content_sc_advice_link(struct catalog *c, const char *id, struct sb *out);
/* The carer's result for a burden score: appends its title and text. */
enum content_result content_sc_carer_result(struct catalog *c, int score, struct sb *title,
                                            struct sb *text);

/* The text of the first question of a domain ("geldzaken"): with other,
 * the way it is asked about someone else when the content has that
 * wording. Appends it to out. */
enum content_result content_sc_domain_question(struct catalog *c, const char *domain, bool other,
                                               struct sb *out);

#endif
