#include "store/content_import.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/hours.h"
#include "base/i18n.h"
#include "base/sb.h"
#include "base/text.h"

enum kind {
	K_ID,       /* slug [a-z0-9-], unique in its file */
	K_REF,      /* slug pointing into another file */
	K_TEXT,     /* free text */
	K_INT,      /* whole number >= 0 */
	K_REAL,     /* decimal number */
	K_LAT,      /* latitude within the Netherlands */
	K_LON,      /* longitude within the Netherlands */
	K_HHMM,     /* 09:30 */
	K_DATE,     /* 2026-12-01 */
	K_URL,      /* http(s)://... */
	K_EMAIL,    /* a@b.nl */
	K_POSTCODE, /* 7511 AB */
	K_PC4,      /* 7511 */
	K_PC6,      /* 7511AB */
	K_ENUM,     /* one of values */
	K_LIST,     /* semicolon list of values */
	K_PHONE,    /* digits, spaces, +, -, () */
	K_UUID,     /* the HSDS id of the row: a lower-case uuid, unique; the row's
	               slug comes from x_slugs.csv (else the uuid is its slug) */
	K_UREF,     /* a uuid pointing into another catalog file ("file.id");
	               stored as the slug of the row it points to */
	K_UUIDV,    /* a uuid, stored as it is (attributes.link_id, x_slugs) */
};

#define REQ   1u /* required */
#define TRANS 2u /* translatable (goes into the content .pot) */
#define UNIQ  4u /* unique within the file */

struct column {
	const char *name;
	enum kind kind;
	unsigned flags;
	const char *values; /* K_ENUM / K_LIST: "a|b|c"; K_REF: "file.column" */
};

struct file_spec {
	const char *path; /* relative to the content folder */
	const char *table;
	bool optional;
	struct column cols[14];
	/* HSDS 3.0 files: the entity (x_slugs.link_entity) and its standard
	   columns ("a|b|c", the scalar properties of schema/<entity>.json).
	   Their header may hold the columns in any order, may leave out our
	   optional ones, and may add standard ones, which are ignored. Other
	   files (x_, appointments, ...): exactly the columns, in order. */
	const char *entity;
	const char *standard;
};

/* The scalar properties of the HSDS 3.0 schema files (openreferral/
   specification, schema/<entity>.json). */
#define STD_ORGANIZATION                                                                           \
	"id|name|alternate_name|description|email|website|tax_status|tax_id|year_incorporated|"    \
	"legal_status|logo|uri|parent_organization_id"
#define STD_SERVICE                                                                                \
	"id|organization_id|program_id|name|alternate_name|description|url|email|status|"          \
	"interpretation_services|application_process|fees_description|wait_time|fees|"             \
	"accreditations|eligibility_description|minimum_age|maximum_age|assured_date|"             \
	"assurer_email|licenses|alert|last_modified"
#define STD_LOCATION                                                                               \
	"id|location_type|url|organization_id|name|alternate_name|description|transportation|"     \
	"latitude|longitude|external_identifier|external_identifier_type"
#define STD_ADDRESS                                                                                \
	"id|location_id|attention|address_1|address_2|city|region|state_province|postal_code|"     \
	"country|address_type"
#define STD_SERVICE_AT_LOCATION "id|service_id|location_id|description"
#define STD_PHONE                                                                                  \
	"id|location_id|service_id|organization_id|contact_id|service_at_location_id|number|"      \
	"extension|type|description"
#define STD_SCHEDULE                                                                               \
	"id|service_id|location_id|service_at_location_id|valid_from|valid_to|dtstart|timezone|"   \
	"until|count|wkst|freq|interval|byday|byweekno|bymonthday|byyearday|description|"          \
	"opens_at|closes_at|schedule_link|attending_type|notes"
#define STD_LANGUAGE "id|service_id|location_id|phone_id|name|code|note"
#define STD_TAXONOMY_TERM                                                                          \
	"id|code|name|description|parent_id|taxonomy|language|taxonomy_id|term_uri"
#define STD_ATTRIBUTE "id|link_id|taxonomy_term_id|link_type|link_entity|value"
#define STD_COST_OPTION                                                                            \
	"id|service_id|valid_from|valid_to|option|currency|amount|amount_description"
#define ENTITIES                                                                                   \
	"organization|service|location|address|service_at_location|phone|schedule|language|"       \
	"taxonomy_term|attribute|cost_option"

#define END                                                                                        \
	{                                                                                          \
		NULL, K_TEXT, 0, NULL                                                              \
	}
#define HSDS(entity, std) , entity, std
#define NOHSDS            , NULL, NULL

static const char days[] = "MO|TU|WE|TH|FR|SA|SU";

/* Files in dependency order: a reference always points to an earlier file. */
static const struct file_spec files[] = {
    /* the readable slug of an HSDS row, which the portal's URLs and the
       other folders (appointments/, selfcheck/) use */
    {"catalog/x_slugs.csv",
     "x_slugs",
     false,
     {{"link_entity", K_ENUM, REQ, ENTITIES},
      {"link_id", K_UUIDV, REQ, NULL},
      {"slug", K_ID, REQ, NULL},
      END} NOHSDS},
    {"catalog/taxonomy_terms.csv",
     "taxonomy_terms",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"taxonomy", K_ENUM, REQ,
       "categorie|doelgroep|toegankelijkheid|mantelzorgfunctie|locatietype"},
      {"code", K_TEXT, REQ, NULL},
      {"name", K_TEXT, REQ | TRANS, NULL},
      {"description", K_TEXT, TRANS, NULL},
      {"parent_id", K_UREF, 0, "taxonomy_terms.id"},
      END} HSDS("taxonomy_term", STD_TAXONOMY_TERM)},
    {"catalog/organizations.csv",
     "organizations",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"name", K_TEXT, REQ, NULL},
      {"description", K_TEXT, TRANS, NULL},
      {"website", K_URL, 0, NULL},
      {"email", K_EMAIL, 0, NULL},
      END} HSDS("organization", STD_ORGANIZATION)},
    {"catalog/services.csv",
     "services",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"organization_id", K_UREF, REQ, "organizations.id"},
      {"name", K_TEXT, REQ | TRANS, NULL},
      {"description", K_TEXT, REQ | TRANS, NULL},
      {"application_process", K_TEXT, TRANS, NULL},
      {"fees_description", K_TEXT, TRANS, NULL},
      {"eligibility_description", K_TEXT, TRANS, NULL},
      {"url", K_URL, 0, NULL},
      {"status", K_ENUM, REQ, "active|inactive|defunct|temporarily closed"},
      {"minimum_age", K_INT, 0, NULL},
      {"maximum_age", K_INT, 0, NULL},
      END} HSDS("service", STD_SERVICE)},
    {"catalog/locations.csv",
     "locations",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      /* every place of the sociale kaart is a building you can go to */
      {"location_type", K_ENUM, REQ, "physical"},
      {"organization_id", K_UREF, REQ, "organizations.id"},
      {"name", K_TEXT, REQ, NULL},
      {"description", K_TEXT, TRANS, NULL},
      {"transportation", K_TEXT, TRANS, NULL},
      {"latitude", K_LAT, REQ, NULL},
      {"longitude", K_LON, REQ, NULL},
      END} HSDS("location", STD_LOCATION)},
    {"catalog/addresses.csv",
     "addresses",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"location_id", K_UREF, REQ | UNIQ, "locations.id"},
      {"address_1", K_TEXT, REQ, NULL},
      {"city", K_TEXT, REQ, NULL},
      {"state_province", K_TEXT, REQ, NULL},
      {"postal_code", K_POSTCODE, REQ, NULL},
      {"country", K_ENUM, REQ, "NL"},
      {"address_type", K_ENUM, REQ, "physical"},
      END} HSDS("address", STD_ADDRESS)},
    {"catalog/x_location_area.csv",
     "x_location_area",
     false,
     {{"location_id", K_UREF, REQ | UNIQ, "locations.id"},
      {"stadsdeel", K_ENUM, REQ, "Centrum|Noord|Oost|Zuid|West|Zuidoost"},
      {"wijk", K_TEXT, REQ, NULL},
      END} NOHSDS},
    {"catalog/service_at_location.csv",
     "service_at_location",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"service_id", K_UREF, REQ, "services.id"},
      {"location_id", K_UREF, REQ, "locations.id"},
      END} HSDS("service_at_location", STD_SERVICE_AT_LOCATION)},
    {"catalog/phones.csv",
     "phones",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"service_id", K_UREF, 0, "services.id"},
      {"location_id", K_UREF, 0, "locations.id"},
      {"organization_id", K_UREF, 0, "organizations.id"},
      {"number", K_PHONE, REQ, NULL},
      {"type", K_ENUM, REQ, "voice|text|fax|sms|video"},
      {"description", K_TEXT, TRANS, NULL},
      END} HSDS("phone", STD_PHONE)},
    {"catalog/schedules.csv",
     "schedules",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"service_id", K_UREF, 0, "services.id"},
      {"location_id", K_UREF, 0, "locations.id"},
      {"freq", K_ENUM, 0, "WEEKLY"},
      {"byday", K_ENUM, 0, days},
      {"opens_at", K_HHMM, 0, NULL},
      {"closes_at", K_HHMM, 0, NULL},
      {"valid_from", K_DATE, 0, NULL},
      {"valid_to", K_DATE, 0, NULL},
      {"description", K_TEXT, TRANS, NULL},
      /* HSDS attending_type, as a code: what the times are for. Empty or
         aanbod: the service itself (opening hours); telefoon: when you
         can call; kantoor: office hours (to sign up, ask, visit) */
      {"attending_type", K_ENUM, 0, "aanbod|telefoon|kantoor"},
      END} HSDS("schedule", STD_SCHEDULE)},
    {"catalog/x_holidays.csv",
     "holidays",
     false,
     {{"date", K_DATE, REQ | UNIQ, NULL}, {"name", K_TEXT, REQ | TRANS, NULL}, END} NOHSDS},
    {"catalog/languages.csv",
     "languages",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"service_id", K_UREF, 0, "services.id"},
      {"location_id", K_UREF, 0, "locations.id"},
      {"name", K_TEXT, REQ | TRANS, NULL},
      {"code", K_TEXT, REQ, NULL},
      END} HSDS("language", STD_LANGUAGE)},
    {"catalog/attributes.csv",
     "attributes",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      /* the uuid of a service or a location, as link_entity says */
      {"link_id", K_UUIDV, REQ, NULL},
      /* HSDS: what the term describes; we write the term's taxonomy */
      {"link_type", K_TEXT, REQ, NULL},
      {"link_entity", K_ENUM, REQ, "service|location"},
      {"taxonomy_term_id", K_UREF, REQ, "taxonomy_terms.id"},
      END} HSDS("attribute", STD_ATTRIBUTE)},
    {"catalog/cost_options.csv",
     "cost_options",
     false,
     {{"id", K_UUID, REQ | UNIQ, NULL},
      {"service_id", K_UREF, REQ, "services.id"},
      {"option", K_TEXT, TRANS, NULL},
      {"amount", K_REAL, REQ, NULL},
      {"currency", K_ENUM, REQ, "EUR"},
      {"amount_description", K_TEXT, TRANS, NULL},
      END} HSDS("cost_option", STD_COST_OPTION)},
    {"catalog/x_respite.csv",
     "x_respite",
     false,
     {{"service_id", K_UREF, REQ | UNIQ, "services.id"},
      {"setting", K_ENUM, REQ, "thuis|buitenshuis"},
      {"times", K_LIST, REQ, "dag|avond|nacht|weekend|logeren"},
      {"provider", K_ENUM, REQ, "vrijwilliger|professional|beide"},
      {"notice_days", K_INT, REQ, NULL},
      {"min_duration_hours", K_INT, 0, NULL},
      {"payer", K_LIST, REQ, "gemeente|zorgverzekeraar|wlz|gratis|eigen-bijdrage"},
      {"for_whom", K_LIST, REQ,
       "dementie|nah|verstandelijke-beperking|lichamelijke-beperking|ggz|ouderen|kinderen|"
       "iedereen"},
      {"notes", K_TEXT, TRANS, NULL},
      END} NOHSDS},
    /* words residents search with that are not in the name: they weigh as
       much as the name (optional file) */
    {"catalog/x_service_keywords.csv",
     "x_service_keywords",
     true,
     {{"service_id", K_UREF, REQ | UNIQ, "services.id"},
      {"keywords", K_TEXT, REQ | TRANS, NULL},
      END} NOHSDS},
    /* when an entry was last checked (the editor in the browser, web/
       staff_content.c, sets it on every publication; optional file) */
    {"catalog/x_checked.csv",
     "x_checked",
     true,
     {{"link_entity", K_ENUM, REQ, "organization|service|location"},
      {"link_id", K_UUIDV, REQ | UNIQ, NULL},
      {"checked_on", K_DATE, REQ, NULL},
      END} NOHSDS},
    {"selfcheck/advice.csv",
     "sc_advice",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"level", K_ENUM, REQ, "veilig|eigen-kracht|netwerk|algemeen|collectief|wijkwijzer"},
      {"title", K_TEXT, REQ | TRANS, NULL},
      {"text", K_TEXT, REQ | TRANS, NULL},
      {"link", K_ENUM, 0, "zelfcheck-mantelzorg|mantelzorg|afspraak|veilig-thuis"},
      END} NOHSDS},
    {"selfcheck/questions.csv",
     "sc_questions",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"domain", K_ENUM, REQ,
       "huishouden|in-en-om-huis|vervoer|contact|geldzaken|gezondheid|wonen|zorgen-voor-ander|"
       "veiligheid|belasting"},
      {"paths", K_LIST, REQ, "self|other|carer"},
      {"order", K_INT, REQ | UNIQ, NULL},
      {"answer_set", K_ENUM, REQ, "lukt|belasting|janee"},
      {"text_self", K_TEXT, REQ | TRANS, NULL},
      {"text_other", K_TEXT, TRANS, NULL},
      {"help", K_TEXT, TRANS, NULL},
      END} NOHSDS},
    {"selfcheck/rules.csv",
     "sc_rules",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"question", K_REF, REQ, "sc_questions.id"},
      {"answers", K_LIST, REQ, "zelf|netwerk|niet|nee|soms|vaak|ja|weetniet"},
      {"needs", K_TEXT, 0, NULL},
      {"advice", K_REF, REQ, "sc_advice.id"},
      {"weight", K_ENUM, REQ, "licht|zwaar"},
      END} NOHSDS},
    /* rules that fire on a combination of answers (README there) */
    {"selfcheck/combinations.csv",
     "sc_combinations",
     true,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"conditions", K_TEXT, REQ, NULL},
      {"question", K_REF, REQ, "sc_questions.id"},
      {"needs", K_TEXT, 0, NULL},
      {"advice", K_REF, REQ, "sc_advice.id"},
      {"weight", K_ENUM, REQ, "licht|zwaar"},
      END} NOHSDS},
    {"selfcheck/carer_result.csv",
     "sc_carer_result",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"min_score", K_INT, REQ, NULL},
      {"max_score", K_INT, REQ, NULL},
      {"title", K_TEXT, REQ | TRANS, NULL},
      {"text", K_TEXT, REQ | TRANS, NULL},
      END} NOHSDS},
    {"appointments/topics.csv",
     "ap_topics",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"name", K_TEXT, REQ | TRANS, NULL},
      {"duration_min", K_INT, REQ, NULL},
      {"description", K_TEXT, REQ | TRANS, NULL},
      {"bring", K_TEXT, TRANS, NULL},
      END} NOHSDS},
    {"appointments/locations.csv",
     "ap_locations",
     false,
     {{"location_id", K_REF, REQ | UNIQ, "locations.id"},
      {"slot_minutes", K_INT, REQ, NULL},
      {"desks", K_INT, REQ, NULL},
      {"notice_hours", K_INT, REQ, NULL},
      {"horizon_days", K_INT, REQ, NULL},
      END} NOHSDS},
    {"appointments/hours.csv",
     "ap_hours",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"location_id", K_REF, REQ, "ap_locations.location_id"},
      {"byday", K_ENUM, REQ, days},
      {"opens_at", K_HHMM, REQ, NULL},
      {"closes_at", K_HHMM, REQ, NULL},
      END} NOHSDS},
    {"appointments/closed_days.csv",
     "ap_closed",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"location_id", K_REF, 0, "ap_locations.location_id"},
      {"date", K_DATE, REQ, NULL},
      {"reason", K_TEXT, TRANS, NULL},
      END} NOHSDS},
    {"appointments/terminals.csv",
     "terminals",
     false,
     {{"id", K_ID, REQ | UNIQ, NULL},
      {"location_id", K_REF, REQ, "ap_locations.location_id"},
      {"idle_seconds", K_INT, REQ, NULL},
      {"receipt_printer", K_ENUM, REQ, "ja|nee"},
      END} NOHSDS},
    {"site.csv",
     "site",
     false,
     {{"municipality", K_TEXT, REQ, NULL},
      {"example", K_ENUM, REQ, "ja|nee"},
      {"phone", K_PHONE, 0, NULL},
      {"phone_opens", K_HHMM, 0, NULL},
      {"phone_closes", K_HHMM, 0, NULL},
      END} NOHSDS},
    {"postcodes/pc4.csv",
     "pc4",
     false,
     {{"pc4", K_PC4, REQ | UNIQ, NULL},
      {"latitude", K_LAT, REQ, NULL},
      {"longitude", K_LON, REQ, NULL},
      {"wijk", K_TEXT, REQ, NULL},
      {"stadsdeel", K_TEXT, REQ, NULL},
      {"municipality", K_TEXT, REQ, NULL},
      END} NOHSDS},
    {"postcodes/pc6.csv",
     "pc6",
     true,
     {{"pc6", K_PC6, REQ | UNIQ, NULL},
      {"latitude", K_LAT, REQ, NULL},
      {"longitude", K_LON, REQ, NULL},
      {"wijk", K_TEXT, REQ, NULL},
      {"stadsdeel", K_TEXT, REQ, NULL},
      {"municipality", K_TEXT, REQ, NULL},
      END} NOHSDS},
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static size_t ncols(const struct file_spec *f)
{
	size_t n = 0;
	while (n < sizeof(f->cols) / sizeof(f->cols[0]) && f->cols[n].name)
		n++;
	return n;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool is_slug(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* A uuid in its canonical form: 8-4-4-4-12 lower-case hex digits. */
static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-'
		         : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool in_values(const char *v, size_t n, const char *values)
{
	const char *p = values;
	while (*p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, v, n) == 0)
			return true;
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* What is wrong with one field (CONTENT_VALUE_OK: nothing); for a list,
 * *bad and *badlen give the item that is not allowed. */
static enum content_problem check_value(const struct column *c, const char *v, const char **bad,
                                        size_t *badlen)
{
	size_t n = strlen(v);
	if (n == 0)
		return (c->flags & REQ) ? CONTENT_VALUE_REQUIRED : CONTENT_VALUE_OK;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\n')
			return CONTENT_VALUE_CONTROL;
	if (n > CONTENT_MAX_VALUE)
		return CONTENT_VALUE_LONG;
	switch (c->kind) {
	case K_ID:
	case K_REF:
		return is_slug(v) ? CONTENT_VALUE_OK : CONTENT_VALUE_SLUG;
	case K_UUID:
	case K_UREF:
	case K_UUIDV:
		return is_uuid(v) ? CONTENT_VALUE_OK : CONTENT_VALUE_UUID;
	case K_TEXT:
		return CONTENT_VALUE_OK;
	case K_INT: {
		long x;
		return text_parse_long(v, 0, 1000000, &x) ? CONTENT_VALUE_OK : CONTENT_VALUE_NUMBER;
	}
	case K_REAL: {
		char *end = NULL;
		errno = 0;
		double d = strtod(v, &end);
		return (!errno && end && !*end && d >= 0 && d < 1e7 && !strchr(v, ','))
		           ? CONTENT_VALUE_OK
		           : CONTENT_VALUE_DECIMAL;
	}
	case K_LAT:
	case K_LON: {
		char *end = NULL;
		double d = strtod(v, &end);
		bool lat = c->kind == K_LAT;
		if (!end || *end)
			return CONTENT_VALUE_DECIMAL_ANY;
		if (lat ? (d < 50.7 || d > 53.7) : (d < 3.2 || d > 7.3))
			return lat ? CONTENT_VALUE_LATITUDE : CONTENT_VALUE_LONGITUDE;
		return CONTENT_VALUE_OK;
	}
	case K_HHMM: {
		int m;
		return hours_parse_hhmm(v, &m) ? CONTENT_VALUE_OK : CONTENT_VALUE_TIME;
	}
	case K_DATE:
		if (n == 10 && all_digits(v, 4) && v[4] == '-' && all_digits(v + 5, 2) &&
		    v[7] == '-' && all_digits(v + 8, 2)) {
			int mon = (v[5] - '0') * 10 + v[6] - '0',
			    day = (v[8] - '0') * 10 + v[9] - '0';
			if (mon >= 1 && mon <= 12 && day >= 1 && day <= 31)
				return CONTENT_VALUE_OK;
		}
		return CONTENT_VALUE_DATE;
	case K_URL:
		if ((strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0) &&
		    !strpbrk(v, " \"<>\n'"))
			return CONTENT_VALUE_OK;
		return CONTENT_VALUE_URL;
	case K_EMAIL: {
		const char *at = strchr(v, '@');
		return (at && at != v && strchr(at, '.') && !strpbrk(v, " <>\"'\n"))
		           ? CONTENT_VALUE_OK
		           : CONTENT_VALUE_EMAIL;
	}
	case K_POSTCODE:
		return (n == 7 && all_digits(v, 4) && v[0] != '0' && v[4] == ' ' && v[5] >= 'A' &&
		        v[5] <= 'Z' && v[6] >= 'A' && v[6] <= 'Z')
		           ? CONTENT_VALUE_OK
		           : CONTENT_VALUE_POSTCODE;
	case K_PC4:
		return (n == 4 && all_digits(v, 4) && v[0] != '0') ? CONTENT_VALUE_OK
		                                                   : CONTENT_VALUE_PC4;
	case K_PC6:
		return (n == 6 && all_digits(v, 4) && v[0] != '0' && v[4] >= 'A' && v[4] <= 'Z' &&
		        v[5] >= 'A' && v[5] <= 'Z')
		           ? CONTENT_VALUE_OK
		           : CONTENT_VALUE_PC6;
	case K_ENUM:
		return in_values(v, n, c->values) ? CONTENT_VALUE_OK : CONTENT_VALUE_CHOICE;
	case K_LIST: {
		const char *p = v;
		for (;;) {
			const char *semi = strchr(p, ';');
			size_t len = semi ? (size_t)(semi - p) : strlen(p);
			if (!in_values(p, len, c->values)) {
				*bad = p;
				*badlen = len;
				return CONTENT_VALUE_LIST;
			}
			if (!semi)
				return CONTENT_VALUE_OK;
			p = semi + 1;
		}
	}
	case K_PHONE:
		for (size_t i = 0; i < n; i++)
			if (!strchr("0123456789 +-()", v[i]))
				return CONTENT_VALUE_PHONE;
		return CONTENT_VALUE_OK;
	}
	return CONTENT_VALUE_OK;
}

/* Checks one field; returns NULL when fine, else what is wrong (for the
 * import's message, in English). */
static const char *check_field(const struct column *c, const char *v, struct sb *why)
{
	const char *bad = NULL;
	size_t badlen = 0;
	switch (check_value(c, v, &bad, &badlen)) {
	case CONTENT_VALUE_OK:
		return NULL;
	case CONTENT_VALUE_REQUIRED:
		return "is required";
	case CONTENT_VALUE_CONTROL:
		return "contains a control character";
	case CONTENT_VALUE_LONG:
		return "is longer than 4000 bytes";
	case CONTENT_VALUE_SLUG:
		return "must be lower-case letters, digits and '-' (at most 64)";
	case CONTENT_VALUE_UUID:
		return "must be a uuid: 8-4-4-4-12 lower-case hex digits, like "
		       "0b6f8f3e-2c1a-5d4e-9f00-1a2b3c4d5e6f";
	case CONTENT_VALUE_NUMBER:
		return "must be a whole number";
	case CONTENT_VALUE_DECIMAL:
		return "must be a number with a decimal point, like 7.50";
	case CONTENT_VALUE_DECIMAL_ANY:
		return "must be a decimal number";
	case CONTENT_VALUE_LATITUDE:
		return "latitude is outside the Netherlands";
	case CONTENT_VALUE_LONGITUDE:
		return "longitude is outside the Netherlands";
	case CONTENT_VALUE_TIME:
		return "must be a time like 09:30";
	case CONTENT_VALUE_DATE:
		return "must be a date like 2026-12-01";
	case CONTENT_VALUE_URL:
		return "must be a web address starting with https://";
	case CONTENT_VALUE_EMAIL:
		return "is not an e-mail address";
	case CONTENT_VALUE_POSTCODE:
		return "must be a postcode like 7511 AB";
	case CONTENT_VALUE_PC4:
		return "must be four digits";
	case CONTENT_VALUE_PC6:
		return "must be like 7511AB";
	case CONTENT_VALUE_CHOICE:
		sb_appendf(why, "must be one of: %s", c->values);
		return sb_str(why);
	case CONTENT_VALUE_LIST:
		sb_appendf(why, "'%.*s' is not one of: %s", (int)badlen, bad, c->values);
		return sb_str(why);
	case CONTENT_VALUE_PHONE:
		return "may only hold digits, spaces and + - ( )";
	case CONTENT_VALUE_UNKNOWN:
		break;
	}
	return NULL;
}

/* The spec of one column of a file ("catalog/services.csv", "name"). */
static const struct column *spec_column(const char *file, const char *column)
{
	for (size_t i = 0; i < NFILES; i++) {
		if (strcmp(files[i].path, file) != 0)
			continue;
		for (size_t k = 0; k < ncols(&files[i]); k++)
			if (strcmp(files[i].cols[k].name, column) == 0)
				return &files[i].cols[k];
		return NULL;
	}
	return NULL;
}

enum content_problem content_check_value(const char *file, const char *column, const char *value)
{
	const struct column *c = spec_column(file, column);
	const char *bad = NULL;
	size_t badlen = 0;
	return c ? check_value(c, value ? value : "", &bad, &badlen) : CONTENT_VALUE_UNKNOWN;
}

bool content_column_required(const char *file, const char *column)
{
	const struct column *c = spec_column(file, column);
	return c && (c->flags & REQ);
}

bool content_file_header(const char *file, struct sb *out)
{
	for (size_t i = 0; i < NFILES; i++) {
		if (strcmp(files[i].path, file) != 0)
			continue;
		for (size_t k = 0; k < ncols(&files[i]); k++)
			sb_appendf(out, "%s%s", k ? "," : "", files[i].cols[k].name);
		return sb_putc(out, '\n');
	}
	return false;
}

int content_column_decimals(const char *file, const char *column)
{
	const struct column *c = spec_column(file, column);
	return !c ? 0 : c->kind == K_REAL ? 2 : c->kind == K_LAT || c->kind == K_LON ? 5 : 0;
}

const char *content_column_values(const char *file, const char *column)
{
	const struct column *c = spec_column(file, column);
	return c && (c->kind == K_ENUM || c->kind == K_LIST) ? c->values : NULL;
}

bool content_read_file(const char *path, struct sb *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (!sb_append(out, buf, n))
			break;
	bool ok = !ferror(f) && !sb_failed(out);
	fclose(f);
	if (!ok)
		snprintf(err, errlen, "%s: cannot read (or larger than the limit)", path);
	return ok;
}

/* Calls row_fn for every data row after checking the header and every
 * field. ctx is passed through. */
typedef bool (*row_fn)(void *ctx, const struct file_spec *f, const struct csv_row *row, char *err,
                       size_t errlen);

static bool each_row(const struct file_spec *f, const char *data, size_t len, row_fn fn, void *ctx,
                     char *err, size_t errlen)
{
	const char *name = basename_of(f->path);
	struct csv_reader r;
	struct csv_row row;
	char msg[256];
	csv_init(&r, data, len);
	int rc = csv_next(&r, &row, msg, sizeof(msg));
	if (rc <= 0) {
		snprintf(err, errlen, "%s:1: %s", name, rc < 0 ? msg : "the file is empty");
		return false;
	}
	size_t nc = ncols(f), nh = row.n;
	/* pos[i]: where column i of the spec is in the file (-1: absent) */
	int pos[sizeof(f->cols) / sizeof(f->cols[0])];
	bool ok = true;
	if (!f->entity) {
		ok = row.n == nc;
		for (size_t i = 0; ok && i < nc; i++) {
			ok = strcmp(row.fields[i], f->cols[i].name) == 0;
			pos[i] = (int)i;
		}
	} else {
		for (size_t i = 0; i < nc; i++)
			pos[i] = -1;
		for (size_t h = 0; h < nh; h++) {
			const char *col = row.fields[h];
			size_t i = 0;
			while (i < nc && strcmp(col, f->cols[i].name) != 0)
				i++;
			const char *what = NULL;
			if (i < nc && pos[i] >= 0)
				what = "appears twice";
			else if (i < nc)
				pos[i] = (int)h;
			else if (!in_values(col, strlen(col), f->standard))
				what = "is neither ours nor an HSDS 3.0 column of this table";
			if (what) {
				snprintf(err, errlen, "%s:1: column '%s' %s (HSDS 3.0 %s: %s)",
				         name, col, what, f->entity, f->standard);
				csv_row_free(&row);
				return false;
			}
		}
		for (size_t i = 0; i < nc; i++)
			if (pos[i] < 0 && (f->cols[i].flags & REQ)) {
				snprintf(err, errlen, "%s:1: the header has no column %s", name,
				         f->cols[i].name);
				csv_row_free(&row);
				return false;
			}
	}
	if (!ok) {
		struct sb want;
		sb_init(&want, 1024);
		for (size_t i = 0; i < nc; i++)
			sb_appendf(&want, "%s%s", i ? "," : "", f->cols[i].name);
		snprintf(err, errlen, "%s:1: the header must be exactly: %s", name, sb_str(&want));
		sb_free(&want);
		csv_row_free(&row);
		return false;
	}
	csv_row_free(&row);
	while ((rc = csv_next(&r, &row, msg, sizeof(msg))) > 0) {
		if (row.n != nh) {
			snprintf(err, errlen, "%s:%ld: %zu fields, the header has %zu", name,
			         row.line, row.n, nh);
			csv_row_free(&row);
			return false;
		}
		/* the row in the spec's order: absent columns are empty, columns
		   we do not use are left out (view holds no memory of its own) */
		struct csv_row view;
		char empty[1] = "";
		view.n = nc;
		view.line = row.line;
		for (size_t i = 0; i < nc; i++)
			view.fields[i] = pos[i] >= 0 ? row.fields[pos[i]] : empty;
		for (size_t i = 0; i < nc; i++) {
			struct sb why;
			sb_init(&why, 1024);
			const char *bad = check_field(&f->cols[i], view.fields[i], &why);
			if (bad) {
				snprintf(err, errlen, "%s:%ld: field %s: %s", name, row.line,
				         f->cols[i].name, bad);
				sb_free(&why);
				csv_row_free(&row);
				return false;
			}
			sb_free(&why);
		}
		ok = fn(ctx, f, &view, err, errlen);
		csv_row_free(&row);
		if (!ok)
			return false;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s:%ld: %s", name, r.line, msg);
		return false;
	}
	return true;
}

static bool no_row(void *ctx, const struct file_spec *f, const struct csv_row *row, char *err,
                   size_t errlen)
{
	(void)ctx;
	(void)f;
	(void)row;
	(void)err;
	(void)errlen;
	return true;
}

bool content_check_csv(const char *file, const char *data, size_t len, char *err, size_t errlen)
{
	for (size_t i = 0; i < NFILES; i++)
		if (strcmp(basename_of(files[i].path), file) == 0)
			return each_row(&files[i], data, len, no_row, NULL, err, errlen);
	snprintf(err, errlen, "%s: unknown file", file);
	return false;
}

/* ---- database ---------------------------------------------------------- */

struct loader {
	sqlite3 *db;
	sqlite3_stmt *ins;
};

static bool exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return false;
	}
	return true;
}

static bool insert_row(void *ctx, const struct file_spec *f, const struct csv_row *row, char *err,
                       size_t errlen)
{
	struct loader *l = ctx;
	sqlite3_reset(l->ins);
	sqlite3_bind_int64(l->ins, 1, row->line);
	for (size_t i = 0; i < row->n; i++) {
		int rc = row->fields[i][0] ? sqlite3_bind_text(l->ins, (int)i + 2, row->fields[i],
		                                               -1, SQLITE_TRANSIENT)
		                           : sqlite3_bind_null(l->ins, (int)i + 2);
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "database: %s", sqlite3_errmsg(l->db));
			return false;
		}
	}
	/* an HSDS row: its uuid also in the column uuid (id becomes the slug) */
	if (f->entity && sqlite3_bind_text(l->ins, (int)row->n + 2, row->fields[0], -1,
	                                   SQLITE_TRANSIENT) != SQLITE_OK) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(l->db));
		return false;
	}
	if (sqlite3_step(l->ins) != SQLITE_DONE) {
		snprintf(err, errlen, "%s:%ld: database: %s", basename_of(f->path), row->line,
		         sqlite3_errmsg(l->db));
		return false;
	}
	return true;
}

static bool load_file(sqlite3 *db, const char *src, const struct file_spec *f, char *err,
                      size_t errlen)
{
	struct sb path, sql, data;
	sb_init(&path, 4096);
	sb_init(&sql, 4096);
	sb_init(&data, 256u * 1024 * 1024);
	bool ok = false;
	sqlite3_stmt *ins = NULL;
	size_t nc = ncols(f);

	/* _line is the rowid: a stable key (VACUUM keeps it) that the search
	   index uses to point back to a row */
	sb_appendf(&sql, "CREATE TABLE %s (_line INTEGER PRIMARY KEY", f->table);
	for (size_t i = 0; i < nc; i++)
		sb_appendf(&sql, ", \"%s\" %s", f->cols[i].name,
		           f->cols[i].kind == K_LAT || f->cols[i].kind == K_LON ||
		                   f->cols[i].kind == K_REAL
		               ? "REAL"
		           : f->cols[i].kind == K_INT ? "INTEGER"
		                                      : "TEXT");
	if (f->entity)
		sb_puts(&sql, ", uuid TEXT");
	sb_puts(&sql, ")");
	if (!exec(db, sb_str(&sql), err, errlen))
		goto out;

	sb_appendf(&path, "%s/%s", src, f->path);
	if (f->optional && access(sb_str(&path), F_OK) != 0) {
		ok = true;
		goto out;
	}
	if (!content_read_file(sb_str(&path), &data, err, errlen))
		goto out;
	sb_reset(&sql);
	sb_appendf(&sql, "INSERT INTO %s VALUES (?", f->table);
	for (size_t i = 0; i < nc; i++)
		sb_puts(&sql, ", ?");
	sb_puts(&sql, f->entity ? ", ?)" : ")");
	if (sqlite3_prepare_v2(db, sb_str(&sql), -1, &ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		goto out;
	}
	struct loader l = {db, ins};
	if (!each_row(f, sb_str(&data), data.len, insert_row, &l, err, errlen))
		goto out;

	/* uniqueness (of the uuids, in HSDS files), then the slugs, then the
	   references, reported with the line of the first bad row */
	for (size_t pass = 0; pass < 2 * nc; pass++) {
		size_t i = pass % nc;
		const struct column *c = &f->cols[i];
		sqlite3_stmt *st = NULL;
		sb_reset(&sql);
		if (pass == nc && f->entity) {
			/* the slug: from x_slugs.csv, else the uuid itself */
			sb_appendf(
			    &sql,
			    "CREATE UNIQUE INDEX %s_uuid ON %s(uuid); UPDATE %s SET id = "
			    "coalesce((SELECT slug FROM x_slugs x WHERE x.link_entity = '%s' AND "
			    "x.link_id = %s.uuid), uuid)",
			    f->table, f->table, f->table, f->entity, f->table);
			if (!exec(db, sb_str(&sql), err, errlen))
				goto out;
			sb_reset(&sql);
		}
		if (pass < nc && !(c->flags & UNIQ))
			continue;
		if (pass >= nc && c->kind != K_REF && c->kind != K_UREF)
			continue;
		if (pass < nc) {
			sb_appendf(
			    &sql,
			    "SELECT a._line, a.\"%s\" FROM %s a JOIN %s b ON a.\"%s\" = b.\"%s\" "
			    "AND b._line < a._line ORDER BY a._line LIMIT 1",
			    c->name, f->table, f->table, c->name, c->name);
		} else {
			char target[64];
			snprintf(target, sizeof(target), "%s", c->values);
			char *dot = strchr(target, '.');
			if (!dot)
				continue;
			*dot = '\0';
			/* a uuid points to the column uuid of its target */
			sb_appendf(&sql,
			           "SELECT _line, \"%s\" FROM %s WHERE \"%s\" IS NOT NULL AND "
			           "\"%s\" NOT IN "
			           "(SELECT \"%s\" FROM %s) ORDER BY _line LIMIT 1",
			           c->name, f->table, c->name, c->name,
			           c->kind == K_UREF ? "uuid" : dot + 1, target);
		}
		if (sqlite3_prepare_v2(db, sb_str(&sql), -1, &st, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
			goto out;
		}
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(err, errlen, "%s:%d: field %s: %s '%s'", basename_of(f->path),
			         sqlite3_column_int(st, 0), c->name,
			         pass < nc ? "repeats" : "points to nothing:",
			         (const char *)sqlite3_column_text(st, 1));
			sqlite3_finalize(st);
			goto out;
		}
		sqlite3_finalize(st);
		if (pass >= nc && c->kind == K_UREF) {
			/* stored as the slug of the row it points to */
			char target[64];
			snprintf(target, sizeof(target), "%s", c->values);
			*strchr(target, '.') = '\0';
			sb_reset(&sql);
			sb_appendf(&sql,
			           "UPDATE %s SET \"%s\" = (SELECT t.id FROM %s t WHERE t.uuid = "
			           "%s.\"%s\") WHERE \"%s\" IS NOT NULL",
			           f->table, c->name, target, f->table, c->name, c->name);
			if (!exec(db, sb_str(&sql), err, errlen))
				goto out;
		}
	}
	/* the slugs are looked up by row (the HSDS files that follow) and
	   checked for repeats */
	if (strcmp(f->table, "x_slugs") == 0 &&
	    !exec(db,
	          "CREATE INDEX x_slugs_row ON x_slugs(link_entity, link_id);"
	          "CREATE INDEX x_slugs_slug ON x_slugs(link_entity, slug)",
	          err, errlen))
		goto out;
	ok = true;
out:
	sqlite3_finalize(ins);
	sb_free(&path);
	sb_free(&sql);
	sb_free(&data);
	return ok;
}

/* Checks that need more than one column or file. */
struct rule {
	const char *sql; /* returns (_line, value) of the first offending row */
	const char *file;
	const char *message;
};

static const struct rule rules[] = {
    {"SELECT _line, link_id FROM attributes WHERE link_entity = 'service' AND link_id NOT IN "
     "(SELECT uuid FROM services) UNION ALL SELECT _line, link_id FROM attributes WHERE "
     "link_entity = 'location' AND link_id NOT IN (SELECT uuid FROM locations) ORDER BY 1 LIMIT 1",
     "attributes.csv", "field link_id: points to nothing:"},
    {"SELECT a._line, a.slug FROM x_slugs a JOIN x_slugs b ON b.link_entity = a.link_entity AND "
     "b.slug = a.slug AND b._line < a._line ORDER BY 1 LIMIT 1",
     "x_slugs.csv", "field slug: repeats"},
    {"SELECT a._line, a.link_id FROM x_slugs a JOIN x_slugs b ON b.link_entity = a.link_entity "
     "AND b.link_id = a.link_id AND b._line < a._line ORDER BY 1 LIMIT 1",
     "x_slugs.csv", "field link_id: has a slug already:"},
    {"SELECT _line, link_id FROM x_slugs WHERE CASE link_entity"
     " WHEN 'organization' THEN link_id NOT IN (SELECT uuid FROM organizations)"
     " WHEN 'service' THEN link_id NOT IN (SELECT uuid FROM services)"
     " WHEN 'location' THEN link_id NOT IN (SELECT uuid FROM locations)"
     " WHEN 'address' THEN link_id NOT IN (SELECT uuid FROM addresses)"
     " WHEN 'service_at_location' THEN link_id NOT IN (SELECT uuid FROM service_at_location)"
     " WHEN 'phone' THEN link_id NOT IN (SELECT uuid FROM phones)"
     " WHEN 'schedule' THEN link_id NOT IN (SELECT uuid FROM schedules)"
     " WHEN 'language' THEN link_id NOT IN (SELECT uuid FROM languages)"
     " WHEN 'taxonomy_term' THEN link_id NOT IN (SELECT uuid FROM taxonomy_terms)"
     " WHEN 'attribute' THEN link_id NOT IN (SELECT uuid FROM attributes)"
     " ELSE link_id NOT IN (SELECT uuid FROM cost_options) END ORDER BY 1 LIMIT 1",
     "x_slugs.csv", "field link_id: points to nothing:"},
    {"SELECT _line, id FROM schedules WHERE (service_id IS NULL) = (location_id IS NULL) "
     "ORDER BY _line LIMIT 1",
     "schedules.csv", "fill in exactly one of service_id and location_id, row"},
    {"SELECT _line, id FROM schedules WHERE freq = 'WEEKLY' AND (byday IS NULL OR opens_at IS "
     "NULL OR closes_at IS NULL) ORDER BY _line LIMIT 1",
     "schedules.csv", "a weekly period needs byday, opens_at and closes_at, row"},
    {"SELECT _line, id FROM schedules WHERE opens_at = closes_at ORDER BY _line LIMIT 1",
     "schedules.csv", "field closes_at: equals opens_at in row"},
    {"SELECT _line, id FROM services WHERE id NOT IN (SELECT service_id FROM "
     "service_at_location) ORDER BY _line LIMIT 1",
     "services.csv", "the service has no location in service_at_location.csv:"},
    {"SELECT _line, id FROM locations WHERE id NOT IN (SELECT location_id FROM addresses) "
     "ORDER BY _line LIMIT 1",
     "locations.csv", "the location has no address in addresses.csv:"},
    {"SELECT _line, id FROM phones WHERE service_id IS NULL AND location_id IS NULL AND "
     "organization_id IS NULL ORDER BY _line LIMIT 1",
     "phones.csv", "the phone belongs to nothing: row"},
    {"SELECT a._line, a.taxonomy_term_id FROM attributes a JOIN taxonomy_terms t ON t.id = "
     "a.taxonomy_term_id WHERE a.link_entity = 'location' AND t.taxonomy NOT IN "
     "('toegankelijkheid','locatietype') ORDER BY 1 LIMIT 1",
     "attributes.csv", "field taxonomy_term_id: not a location term:"},
    {"WITH RECURSIVE split(line, rest, item) AS (SELECT _line, needs || ';', '' FROM sc_rules"
     " WHERE needs IS NOT NULL UNION ALL SELECT line, substr(rest, instr(rest, ';') + 1),"
     " substr(rest, 1, instr(rest, ';') - 1) FROM split WHERE rest <> '')"
     " SELECT line, item FROM split WHERE item <> '' AND item NOT IN (SELECT id FROM"
     " taxonomy_terms) ORDER BY line LIMIT 1",
     "rules.csv", "field needs: unknown taxonomy term"},
    {"WITH RECURSIVE split(line, rest, item) AS (SELECT _line, needs || ';', '' FROM"
     " sc_combinations WHERE needs IS NOT NULL UNION ALL SELECT line, substr(rest, instr(rest,"
     " ';') + 1), substr(rest, 1, instr(rest, ';') - 1) FROM split WHERE rest <> '')"
     " SELECT line, item FROM split WHERE item <> '' AND item NOT IN (SELECT id FROM"
     " taxonomy_terms) ORDER BY line LIMIT 1",
     "combinations.csv", "field needs: unknown taxonomy term"},
    /* conditions: question=answer|answer;... with a question of questions.csv and
     * answers of its answer set (or weetniet) */
    {"WITH RECURSIVE split(line, rest, item) AS (SELECT _line, conditions || ';', '' FROM"
     " sc_combinations UNION ALL SELECT line, substr(rest, instr(rest, ';') + 1), substr(rest,"
     " 1, instr(rest, ';') - 1) FROM split WHERE rest <> ''),"
     " cond(line, item, q, a) AS (SELECT line, item, substr(item, 1, instr(item, '=') - 1),"
     " '|' || substr(item, instr(item, '=') + 1) || '|' FROM split WHERE item <> '')"
     " SELECT c.line, c.item FROM cond c LEFT JOIN sc_questions q ON q.id = c.q WHERE q.id IS"
     " NULL OR length(c.a) < 3 OR replace(replace(replace(replace(replace(replace(replace("
     " replace(replace(c.a, '|zelf|', '|'), '|netwerk|', '|'), '|niet|', '|'), '|nee|', '|'),"
     " '|soms|', '|'), '|vaak|', '|'), '|ja|', '|'), '|weetniet|', '|'), '|', '') <> ''"
     " ORDER BY 1 LIMIT 1",
     "combinations.csv", "field conditions: write question=answer|answer;..., not"},
    {"SELECT a._line, a.location_id FROM ap_locations a WHERE a.location_id NOT IN (SELECT "
     "l.id FROM attributes t JOIN locations l ON l.uuid = t.link_id WHERE t.link_entity = "
     "'location' AND t.taxonomy_term_id = 'lt-wijkwijzer') ORDER BY 1 LIMIT 1",
     "locations.csv", "field location_id: not a wijkwijzer location:"},
    {"SELECT _line, location_id FROM ap_locations WHERE slot_minutes NOT IN (10, 15, 20, 30, 45, "
     "60) OR desks < 1 OR desks > 16 OR horizon_days < 1 OR horizon_days > 365 ORDER BY 1 LIMIT 1",
     "locations.csv", "slot_minutes must be 10, 15, 20, 30, 45 or 60 and desks 1 to 16, row"},
    {"SELECT _line, id FROM ap_hours WHERE opens_at >= closes_at ORDER BY 1 LIMIT 1", "hours.csv",
     "field closes_at: must be after opens_at, row"},
    {"SELECT t._line, t.id FROM ap_topics t, ap_locations l WHERE (t.duration_min + "
     "l.slot_minutes - 1) / l.slot_minutes > 32 ORDER BY 1 LIMIT 1",
     "topics.csv", "field duration_min: covers more than 32 slots at some wijkwijzer, row"},
    {"SELECT _line, id FROM ap_topics WHERE duration_min < 10 OR duration_min > 240 ORDER BY 1 "
     "LIMIT 1",
     "topics.csv", "field duration_min: must be 10 to 240, row"},
    {"SELECT _line, id FROM terminals WHERE idle_seconds < 5 OR idle_seconds > 3600 ORDER BY 1 "
     "LIMIT 1",
     "terminals.csv", "field idle_seconds: must be 5 to 3600, row"},
    {"SELECT 2, count(*) FROM site HAVING count(*) <> 1", "site.csv",
     "needs exactly one row (the municipality), rows:"},
};

/* The tables the server reads, derived from the staged files. */
static const char derive_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE period AS SELECT service_id, location_id,"
    "  instr('SUMOTUWETHFRSA', byday) / 2 AS wday,"
    "  CAST(substr(opens_at, 1, 2) AS INTEGER) * 60 + CAST(substr(opens_at, 4, 2) AS INTEGER) AS "
    "opens,"
    "  CAST(substr(closes_at, 1, 2) AS INTEGER) * 60 + CAST(substr(closes_at, 4, 2) AS INTEGER) AS "
    "closes,"
    "  valid_from, valid_to,"
    "  CASE attending_type WHEN 'telefoon' THEN 1 WHEN 'kantoor' THEN 2 ELSE 0 END AS kind"
    "  FROM schedules WHERE freq = 'WEEKLY';"
    "CREATE INDEX period_service ON period(service_id);"
    "CREATE INDEX period_location ON period(location_id);"
    "CREATE TABLE service_term AS SELECT s.id AS service_id, a.taxonomy_term_id AS term_id"
    "  FROM attributes a JOIN services s ON s.uuid = a.link_id WHERE a.link_entity = 'service'"
    "  ORDER BY a._line;"
    "CREATE INDEX service_term_term ON service_term(term_id, service_id);"
    "CREATE INDEX service_term_service ON service_term(service_id);"
    "CREATE TABLE location_term AS SELECT l.id AS location_id, a.taxonomy_term_id AS term_id"
    "  FROM attributes a JOIN locations l ON l.uuid = a.link_id WHERE a.link_entity = 'location'"
    "  ORDER BY a._line;"
    "CREATE INDEX location_term_term ON location_term(term_id, location_id);"
    "CREATE TABLE place (n INTEGER PRIMARY KEY, id TEXT, organization_id TEXT, name TEXT,"
    "  description TEXT, transportation TEXT, latitude REAL, longitude REAL, address TEXT,"
    "  postal_code TEXT, city TEXT, stadsdeel TEXT, wijk TEXT, is_wijkwijzer INTEGER);"
    "INSERT INTO place SELECT l._line, l.id, l.organization_id, l.name, l.description,"
    "  l.transportation, l.latitude, l.longitude, a.address_1, a.postal_code, a.city,"
    "  x.stadsdeel, x.wijk,"
    "  EXISTS (SELECT 1 FROM location_term t WHERE t.location_id = l.id AND t.term_id = "
    "'lt-wijkwijzer')"
    "  FROM locations l JOIN addresses a ON a.location_id = l.id"
    "  LEFT JOIN x_location_area x ON x.location_id = l.id ORDER BY l._line;"
    "CREATE UNIQUE INDEX place_id ON place(id);"
    "CREATE INDEX place_geo ON place(latitude, longitude);"
    "CREATE INDEX sal_service ON service_at_location(service_id);"
    "CREATE INDEX sal_location ON service_at_location(location_id);"
    "CREATE UNIQUE INDEX services_id ON services(id);"
    "CREATE UNIQUE INDEX organizations_id ON organizations(id);"
    "CREATE UNIQUE INDEX terms_id ON taxonomy_terms(id);"
    "CREATE INDEX phones_service ON phones(service_id);"
    "CREATE INDEX languages_service ON languages(service_id);"
    "CREATE INDEX cost_service ON cost_options(service_id);"
    "CREATE UNIQUE INDEX respite_service ON x_respite(service_id);"
    "CREATE UNIQUE INDEX pc4_pc ON pc4(pc4);"
    "CREATE UNIQUE INDEX pc6_pc ON pc6(pc6);"
    "CREATE TABLE service_flags AS SELECT s.id AS service_id,"
    /* free only when a cost option says so; no cost options: ask */
    "  EXISTS (SELECT 1 FROM cost_options c WHERE c.service_id = s.id) AND"
    "  NOT EXISTS (SELECT 1 FROM cost_options c WHERE c.service_id = s.id AND"
    "   (c.amount IS NULL OR c.amount > 0)) AS free,"
    "  EXISTS (SELECT 1 FROM cost_options c WHERE c.service_id = s.id) AS has_costs"
    "  FROM services s;"
    "CREATE UNIQUE INDEX service_flags_id ON service_flags(service_id);"
    "CREATE TABLE ap_period AS SELECT location_id, instr('SUMOTUWETHFRSA', byday) / 2 AS wday,"
    "  CAST(substr(opens_at, 1, 2) AS INTEGER) * 60 + CAST(substr(opens_at, 4, 2) AS INTEGER) AS "
    "opens,"
    "  CAST(substr(closes_at, 1, 2) AS INTEGER) * 60 + CAST(substr(closes_at, 4, 2) AS INTEGER) AS "
    "closes"
    "  FROM ap_hours;"
    "CREATE INDEX ap_period_loc ON ap_period(location_id, wday);"
    "CREATE VIRTUAL TABLE service_fts USING fts5(service_id UNINDEXED, lang UNINDEXED, name, body,"
    "  tokenize = 'unicode61 remove_diacritics 2');"
    /* The search index the server loads into memory (catalog_index.c):
       integers only, services by _line, places by n, terms by _line. */
    "CREATE TABLE sx_service (line INTEGER PRIMARY KEY, name_rank INTEGER NOT NULL,"
    "  free INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, organization TEXT NOT NULL,"
    "  has_costs INTEGER NOT NULL);"
    "INSERT INTO sx_service SELECT s._line, row_number() OVER (ORDER BY s.name, s._line), f.free,"
    "  s.id, s.name, o.name, f.has_costs FROM services s JOIN service_flags f ON f.service_id = "
    "s.id"
    "  JOIN organizations o ON o.id = s.organization_id WHERE s.status = 'active';"
    "CREATE TABLE sx_service_term AS SELECT s._line AS svc, t._line AS term FROM service_term st"
    "  JOIN services s ON s.id = st.service_id JOIN taxonomy_terms t ON t.id = st.term_id"
    "  ORDER BY 1, 2;"
    "CREATE TABLE sx_service_place AS SELECT s._line AS svc, p.n AS place"
    "  FROM service_at_location sal JOIN services s ON s.id = sal.service_id"
    "  JOIN place p ON p.id = sal.location_id ORDER BY s._line, sal._line;"
    "CREATE TABLE sx_place_term AS SELECT p.n AS place, t._line AS term FROM location_term lt"
    "  JOIN place p ON p.id = lt.location_id JOIN taxonomy_terms t ON t.id = lt.term_id"
    "  ORDER BY 1, 2;"
    "CREATE TABLE sx_period AS SELECT s._line AS svc, p.n AS place, pe.wday, pe.opens, pe.closes,"
    "  pe.kind"
    "  FROM period pe LEFT JOIN services s ON s.id = pe.service_id"
    "  LEFT JOIN place p ON p.id = pe.location_id"
    "  ORDER BY 1, 2, (pe.wday + 6) % 7, pe.opens, pe.closes;"
    "CREATE TABLE sx_respite AS SELECT s._line AS svc, r.setting, r.times, r.provider,"
    "  r.notice_days, r.payer, r.for_whom FROM x_respite r JOIN services s ON s.id = r.service_id"
    "  ORDER BY 1;"
    "CREATE TABLE sx_lang (n INTEGER PRIMARY KEY, code TEXT NOT NULL);"
    "CREATE TABLE sx_text (term TEXT PRIMARY KEY, docs BLOB NOT NULL) WITHOUT ROWID;";

/* Adds one language's texts of every service to the search index: the
 * name, its keywords and the names of its terms in the column "name" (a
 * word found there weighs more), the description, for whom and the
 * organisation in "body". */
static bool index_language(sqlite3 *db, const char *lang, int lang_no, char *err, size_t errlen)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	bool ok = false;
	const char *q =
	    "SELECT s.id, s.name, coalesce(s.description, ''), coalesce(s.eligibility_description, "
	    "''), o.name, (SELECT group_concat(t.name, ' ') FROM service_term st JOIN "
	    "taxonomy_terms "
	    "t ON t.id = st.term_id WHERE st.service_id = s.id), s._line, (SELECT k.keywords FROM "
	    "x_service_keywords k WHERE k.service_id = s.id) FROM services s JOIN organizations o "
	    "ON o.id = s.organization_id";
	if (sqlite3_prepare_v2(db, q, -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	        db,
	        "INSERT INTO service_fts(rowid, service_id, lang, name, body) VALUES "
	        "(?,?,?,?,?)",
	        -1, &ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		goto out;
	}
	bool dutch = strcmp(lang, "nl") == 0;
	int rc;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(sel, 0);
		const char *name = (const char *)sqlite3_column_text(sel, 1);
		const char *name_t = dutch ? name : C_(name);
		/* other languages: only when something is translated */
		if (!dutch && name_t == name)
			continue;
		struct sb title, body;
		sb_init(&title, 0);
		sb_init(&body, 0);
		sb_puts(&title, name_t);
		const char *kw = (const char *)sqlite3_column_text(sel, 7);
		if (kw) {
			sb_putc(&title, '\n');
			sb_puts(&title, dutch ? kw : C_(kw));
		}
		/* term names are searched as they are written in the content */
		const char *terms = (const char *)sqlite3_column_text(sel, 5);
		if (terms) {
			sb_putc(&title, '\n');
			sb_puts(&title, terms);
		}
		for (int c = 2; c <= 4; c++) {
			const char *t = (const char *)sqlite3_column_text(sel, c);
			if (!t)
				continue;
			sb_puts(&body, c == 4 || dutch ? t : C_(t));
			sb_putc(&body, '\n');
		}
		sqlite3_int64 line = sqlite3_column_int64(sel, 6);
		if (line <= 0 || line > CONTENT_MAX_LINE) {
			snprintf(err, errlen, "services.csv: more than %d lines", CONTENT_MAX_LINE);
			sb_free(&title);
			sb_free(&body);
			goto out;
		}
		sqlite3_reset(ins);
		rc = sqlite3_bind_int64(ins, 1, line * CONTENT_FTS_LANGS + lang_no);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(ins, 2, id, -1, SQLITE_TRANSIENT);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(ins, 3, lang, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sb_failed(&title)
			         ? SQLITE_NOMEM
			         : sqlite3_bind_text(ins, 4, sb_str(&title), -1, SQLITE_TRANSIENT);
		if (rc == SQLITE_OK)
			rc = sb_failed(&body)
			         ? SQLITE_NOMEM
			         : sqlite3_bind_text(ins, 5, sb_str(&body), -1, SQLITE_TRANSIENT);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(ins);
		sb_free(&title);
		sb_free(&body);
		if (rc != SQLITE_DONE) {
			snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
			goto out;
		}
	}
	ok = rc == SQLITE_DONE;
	if (!ok)
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return ok;
}

static bool add_lang(sqlite3 *db, int n, const char *code, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(db, "INSERT INTO sx_lang VALUES (?1, ?2)", -1, &st, NULL) ==
	              SQLITE_OK &&
	          sqlite3_bind_int(st, 1, n) == SQLITE_OK &&
	          sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC) == SQLITE_OK &&
	          sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ok;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Writes one term's docs entries (sorted, one per row, the name flags
 * merged) as little-endian uint32 into sx_text. */
static bool write_term(sqlite3_stmt *ins, const char *term, int nterm, uint32_t *e, size_t n,
                       struct sb *blob)
{
	qsort(e, n, sizeof(*e), cmp_u32);
	sb_reset(blob);
	for (size_t i = 0; i < n; i++) {
		uint32_t v = e[i];
		while (i + 1 < n && (e[i + 1] >> 1) == (v >> 1))
			v |= e[++i];
		unsigned char b[4] = {(unsigned char)(v & 0xFF), (unsigned char)((v >> 8) & 0xFF),
		                      (unsigned char)((v >> 16) & 0xFF), (unsigned char)(v >> 24)};
		sb_append(blob, (const char *)b, 4);
	}
	if (sb_failed(blob))
		return false;
	sqlite3_reset(ins);
	return sqlite3_bind_text(ins, 1, term, nterm, SQLITE_TRANSIENT) == SQLITE_OK &&
	       sqlite3_bind_blob(ins, 2, blob->data, (int)blob->len, SQLITE_TRANSIENT) ==
	           SQLITE_OK &&
	       sqlite3_step(ins) == SQLITE_DONE;
}

/* The text part of the search index: for every term of service_fts the
 * rows that hold it, read from the index itself (fts5vocab), so the server
 * matches exactly the tokens FTS5 made. */
static bool build_postings(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	bool ok = false;
	uint32_t *e = NULL;
	size_t n = 0, cap = 0;
	struct sb term, blob;
	sb_init(&term, 4096);
	sb_init(&blob, 256u * 1024 * 1024);
	if (!exec(db,
	          "CREATE VIRTUAL TABLE temp.sx_vocab USING fts5vocab(main, service_fts, instance)",
	          err, errlen))
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT term, doc, col = 'name' FROM temp.sx_vocab", -1, &sel,
	                       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO sx_text(term, docs) VALUES (?1, ?2)", -1, &ins,
	                       NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
		goto out;
	}
	int rc;
	bool have = false;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(sel, 0);
		int nt = sqlite3_column_bytes(sel, 0);
		sqlite3_int64 doc = sqlite3_column_int64(sel, 1);
		if (!t || doc < 0 || doc >= (sqlite3_int64)1 << 31) {
			snprintf(err, errlen, "search index: unexpected row %lld", (long long)doc);
			goto out;
		}
		if (!have || term.len != (size_t)nt || memcmp(term.data, t, (size_t)nt) != 0) {
			if (have) {
				/* the vocabulary comes in term order; a term seen again
				   would break the index, so stop rather than guess */
				size_t m = term.len < (size_t)nt ? term.len : (size_t)nt;
				int c = memcmp(term.data, t, m);
				if (c > 0 || (c == 0 && term.len > (size_t)nt)) {
					snprintf(err, errlen, "search index: terms out of order");
					goto out;
				}
				if (!write_term(ins, term.data, (int)term.len, e, n, &blob))
					goto db_error;
			}
			sb_reset(&term);
			if (!sb_append(&term, t, (size_t)nt)) {
				snprintf(err, errlen, "search index: term too long");
				goto out;
			}
			n = 0;
			have = true;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			uint32_t *ne = realloc(e, ncap * sizeof(*e));
			if (!ne) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			e = ne;
			cap = ncap;
		}
		e[n++] = (uint32_t)doc << 1 | (uint32_t)(sqlite3_column_int(sel, 2) != 0);
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	if (have && !write_term(ins, term.data, (int)term.len, e, n, &blob))
		goto db_error;
	ok = true;
	goto out;
db_error:
	snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	free(e);
	sb_free(&term);
	sb_free(&blob);
	if (ok)
		ok = exec(db, "DROP TABLE temp.sx_vocab", err, errlen);
	return ok;
}

static bool check_rules(sqlite3 *db, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, rules[i].sql, -1, &st, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "database (rule %zu): %s", i, sqlite3_errmsg(db));
			return false;
		}
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(err, errlen, "%s:%d: %s '%s'", rules[i].file,
			         sqlite3_column_int(st, 0), rules[i].message,
			         (const char *)sqlite3_column_text(st, 1));
			sqlite3_finalize(st);
			return false;
		}
		sqlite3_finalize(st);
	}
	return true;
}

bool content_import(const char *src, const char *out, const char *localedir, char *err,
                    size_t errlen)
{
	struct sb tmp;
	sb_init(&tmp, 4096);
	sb_appendf(&tmp, "%s.tmp", out);
	unlink(sb_str(&tmp));
	sqlite3 *db = NULL;
	bool ok = false;
	if (sqlite3_open_v2(sb_str(&tmp), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot create: %s", sb_str(&tmp),
		         db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (!exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN", err, errlen))
		goto out;
	for (size_t i = 0; i < NFILES; i++)
		if (!load_file(db, src, &files[i], err, errlen))
			goto out;
	if (!check_rules(db, err, errlen) || !exec(db, derive_sql, err, errlen))
		goto out;
	if (localedir)
		i18n_init(localedir);
	if (i18n_count() > CONTENT_FTS_LANGS) {
		snprintf(err, errlen, "more than %d languages", CONTENT_FTS_LANGS);
		goto out;
	}
	for (size_t i = 0; i < i18n_count(); i++) {
		const struct i18n_lang *l = i18n_at(i);
		i18n_use(l);
		if (!add_lang(db, (int)i, l->code, err, errlen) ||
		    !index_language(db, l->code, (int)i, err, errlen))
			goto out;
	}
	i18n_use(i18n_default());
	if (!build_postings(db, err, errlen))
		goto out;
	if (!exec(db,
	          "INSERT INTO meta VALUES ('schema', '" CONTENT_SCHEMA_VERSION "'),"
	          " ('imported', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	          " ('import_id', lower(hex(randomblob(8)))),"
	          " ('services', (SELECT count(*) FROM services));"
	          "COMMIT; PRAGMA journal_mode=DELETE; VACUUM; ANALYZE;",
	          err, errlen))
		goto out;
	if (sqlite3_close(db) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot close", sb_str(&tmp));
		db = NULL;
		goto out;
	}
	db = NULL;
	if (rename(sb_str(&tmp), out) != 0) {
		snprintf(err, errlen, "%s: cannot replace: %s", out, strerror(errno));
		goto out;
	}
	ok = true;
out:
	if (db)
		sqlite3_close(db);
	if (!ok)
		unlink(sb_str(&tmp));
	sb_free(&tmp);
	return ok;
}

/* ---- translation template ---------------------------------------------- */

struct pot_ctx {
	FILE *out;
	struct sb seen; /* "\n"-separated msgids already written */
};

static void po_escape(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static bool pot_row(void *ctx, const struct file_spec *f, const struct csv_row *row, char *err,
                    size_t errlen)
{
	struct pot_ctx *p = ctx;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < row->n; i++) {
		const char *v = row->fields[i];
		if (!(f->cols[i].flags & TRANS) || !*v)
			continue;
		/* dedupe: search for "\x01msgid\x01" */
		struct sb key;
		sb_init(&key, 0);
		sb_putc(&key, '\x01');
		sb_puts(&key, v);
		sb_putc(&key, '\x01');
		bool dup = p->seen.data && strstr(p->seen.data, key.data);
		if (!dup)
			sb_puts(&p->seen, key.data);
		sb_free(&key);
		if (dup)
			continue;
		fprintf(p->out, "#. %s: %s\n#: content/%s:%ld\nmsgid ", f->table, f->cols[i].name,
		        f->path, row->line);
		po_escape(p->out, v);
		fputs("\nmsgstr \"\"\n\n", p->out);
	}
	return true;
}

bool content_write_pot(const char *src, const char *pot, char *err, size_t errlen)
{
	struct pot_ctx p;
	p.out = fopen(pot, "w");
	if (!p.out) {
		snprintf(err, errlen, "%s: %s", pot, strerror(errno));
		return false;
	}
	sb_init(&p.seen, 64u * 1024 * 1024);
	fputs("# Translatable texts of the wijkwijzer content (generated by wijkwijzer-import "
	      "--pot).\n# The msgids are the Dutch texts from the content files.\n"
	      "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: wijkwijzer-content\\n\"\n"
	      "\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	      "\"Content-Transfer-Encoding: 8bit\\n\"\n\n",
	      p.out);
	bool ok = true;
	for (size_t i = 0; ok && i < NFILES; i++) {
		struct sb path, data;
		sb_init(&path, 4096);
		sb_init(&data, 256u * 1024 * 1024);
		sb_appendf(&path, "%s/%s", src, files[i].path);
		if (!(files[i].optional && access(sb_str(&path), F_OK) != 0))
			ok = content_read_file(sb_str(&path), &data, err, errlen) &&
			     each_row(&files[i], sb_str(&data), data.len, pot_row, &p, err, errlen);
		sb_free(&path);
		sb_free(&data);
	}
	sb_free(&p.seen);
	if (fclose(p.out) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", pot, strerror(errno));
		ok = false;
	}
	return ok;
}

/* ---- export ------------------------------------------------------------ */

static void csv_field(FILE *out, const char *v)
{
	if (!strpbrk(v, ",\"\n\r")) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', out);
		fputc(*v, out);
	}
	fputc('"', out);
}

/* A number as the files write it (5 decimals for coordinates, 2 for
 * amounts) when that reads back as the same double, else exactly. */
static void csv_number(FILE *out, double d, int decimals)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.*f", decimals, d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof(buf), "%.17g", d);
	fputs(buf, out);
}

/* mkdir -p of the folder of path (inside outdir) */
static bool make_parent(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return false;
		}
		*p = '/';
	}
	return true;
}

static bool export_file(sqlite3 *db, const char *outdir, const struct file_spec *f, char *err,
                        size_t errlen)
{
	struct sb sql, path;
	sb_init(&sql, 4096);
	sb_init(&path, 4096);
	sqlite3_stmt *st = NULL;
	FILE *out = NULL;
	bool ok = false;
	size_t nc = ncols(f);
	sb_puts(&sql, "SELECT ");
	for (size_t i = 0; i < nc; i++) {
		const struct column *c = &f->cols[i];
		if (i)
			sb_puts(&sql, ", ");
		if (c->kind == K_UUID) {
			sb_puts(&sql, "x.uuid");
		} else if (c->kind == K_UREF) {
			char target[64];
			snprintf(target, sizeof(target), "%s", c->values);
			*strchr(target, '.') = '\0';
			sb_appendf(&sql, "(SELECT t.uuid FROM %s t WHERE t.id = x.\"%s\")", target,
			           c->name);
		} else {
			sb_appendf(&sql, "x.\"%s\"", c->name);
		}
	}
	sb_appendf(&sql, " FROM %s x ORDER BY x._line", f->table);
	if (sqlite3_prepare_v2(db, sb_str(&sql), -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s (is this a content database of schema %s?)", f->table,
		         sqlite3_errmsg(db), CONTENT_SCHEMA_VERSION);
		goto done;
	}
	int rc = sqlite3_step(st);
	if (f->optional && rc == SQLITE_DONE) {
		ok = true; /* an optional file without rows is left out */
		goto done;
	}
	sb_appendf(&path, "%s/%s", outdir, f->path);
	if (!make_parent(sb_str(&path), err, errlen))
		goto done;
	out = fopen(sb_str(&path), "w");
	if (!out) {
		snprintf(err, errlen, "%s: %s", sb_str(&path), strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < nc; i++)
		fprintf(out, "%s%s", i ? "," : "", f->cols[i].name);
	fputc('\n', out);
	for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		for (size_t i = 0; i < nc; i++) {
			const struct column *c = &f->cols[i];
			if (i)
				fputc(',', out);
			int type = sqlite3_column_type(st, (int)i);
			if (type == SQLITE_NULL)
				continue;
			if (type == SQLITE_FLOAT)
				csv_number(out, sqlite3_column_double(st, (int)i),
				           c->kind == K_REAL ? 2 : 5);
			else
				csv_field(out, (const char *)sqlite3_column_text(st, (int)i));
		}
		fputc('\n', out);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", f->table, sqlite3_errmsg(db));
		goto done;
	}
	ok = true;
done:
	if (out && fclose(out) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", sb_str(&path), strerror(errno));
		ok = false;
	}
	sqlite3_finalize(st);
	sb_free(&sql);
	sb_free(&path);
	return ok;
}

bool content_export_csv(const char *db_path, const char *outdir, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db_path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return false;
	}
	bool ok = mkdir(outdir, 0755) == 0 || errno == EEXIST;
	if (!ok)
		snprintf(err, errlen, "%s: %s", outdir, strerror(errno));
	for (size_t i = 0; ok && i < NFILES; i++)
		ok = export_file(db, outdir, &files[i], err, errlen);
	sqlite3_close(db);
	return ok;
}
