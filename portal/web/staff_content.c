/* staff_content: the editor of the sociale kaart, for a beheerder and an
 * aanbieder (its own organisation only). An entry (organisation, service,
 * location) is edited part by part (store/content_edit.h); each part is a
 * form whose fields are checked one by one as the import checks them, and
 * saving makes a draft (domain/content_drafts.h). Residents see nothing
 * until a beheerder publishes: then the content database is rebuilt and
 * replaced without a restart. The markup is in templates/staff_content*.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/geo.h"
#include "base/i18n.h"
#include "base/text.h"
#include "domain/content_drafts.h"
#include "domain/staff.h"
#include "exec/db.h"
#include "net/csrf.h"
#include "net/route.h"
#include "store/content_edit.h"
#include "store/content_import.h"
#include "web/handlers.h"
#include "web/page.h"
#include "web/staff.h"
#include "web/templates.h"
#include "web/views_ct.h"

/* the forms' routes (their tokens are bound to them) */
#define FORM_ENTRY   "/{lang}/medewerker/inhoud/{kind}/{id}"
#define FORM_PUBLISH "/{lang}/medewerker/inhoud/publiceren"
#define FORM_DISCARD "/{lang}/medewerker/inhoud/concept/{id}/weggooien"
#define MONTHS_CHECK 6 /* an entry not checked for this long is listed */

/* ---- what the forms hold ------------------------------------------------------- */

enum field_kind {
	FK_TEXT,
	FK_AREA,
	FK_URL,
	FK_EMAIL,
	FK_SELECT,
	FK_CHECKS, /* check boxes: a ';' list */
	FK_WHOLE,  /* a whole number */
	FK_AMOUNT, /* 7.50 or 7,50 */
	FK_COORD,  /* 52.21985 */
	FK_TIME,   /* 09:30 or 9.30 */
	FK_DATE,   /* a date field, or dd-mm-jjjj */
	FK_POSTCODE,
	FK_FIXED, /* not shown: the editor sets it (freq, currency) */
};

struct option_def {
	const char *value, *label;
};

struct field_def {
	const char *column;
	const char *label, *hint; /* msgids; hint may be NULL */
	enum field_kind kind;
	const struct option_def *options;
	size_t noptions;
};

#define N(a) (sizeof(a) / sizeof(a[0]))

static const struct option_def status_options[] = {
    {"active", N_("Actief: bewoners kunnen deze voorziening vinden")},
    {"temporarily closed", N_("Tijdelijk gesloten")},
    {"inactive", N_("Niet actief: bewoners zien deze voorziening niet")},
    {"defunct", N_("Gestopt")},
};
static const struct option_def day_options[] = {
    {"", N_("Geen vaste dag")}, {"MO", N_("maandag")},   {"TU", N_("dinsdag")},
    {"WE", N_("woensdag")},     {"TH", N_("donderdag")}, {"FR", N_("vrijdag")},
    {"SA", N_("zaterdag")},     {"SU", N_("zondag")},
};
static const struct option_def attending_options[] = {
    {"", N_("Open: dan kunt u er terecht")},
    {"telefoon", N_("Telefonisch bereikbaar")},
    {"kantoor", N_("Spreekuur of kantoor")},
};
static const struct option_def setting_options[] = {
    {"thuis", N_("Bij ons thuis")},
    {"buitenshuis", N_("Buiten de deur")},
};
static const struct option_def times_options[] = {
    {"dag", N_("Overdag")},
    {"avond", N_("'s Avonds")},
    {"nacht", N_("'s Nachts")},
    {"weekend", N_("In het weekend")},
    {"logeren", N_("Een paar dagen logeren")},
};
static const struct option_def provider_options[] = {
    {"vrijwilliger", N_("Een vrijwilliger")},
    {"professional", N_("Een beroepskracht")},
    {"beide", N_("Een vrijwilliger of een beroepskracht")},
};
static const struct option_def payer_options[] = {
    {"gemeente", N_("De gemeente (Wmo)")},        {"zorgverzekeraar", N_("De zorgverzekeraar")},
    {"wlz", N_("De Wet langdurige zorg (Wlz)")},  {"gratis", N_("Gratis")},
    {"eigen-bijdrage", N_("Een eigen bijdrage")},
};
static const struct option_def whom_options[] = {
    {"dementie", N_("Iemand met dementie")},
    {"nah", N_("Iemand met hersenletsel (NAH)")},
    {"verstandelijke-beperking", N_("Iemand met een verstandelijke beperking")},
    {"lichamelijke-beperking", N_("Iemand met een lichamelijke beperking")},
    {"ggz", N_("Iemand met psychische problemen")},
    {"ouderen", N_("Een oudere")},
    {"kinderen", N_("Een kind")},
    {"iedereen", N_("Iedereen")},
};

static const struct field_def fields[] = {
    {"name", N_("Naam"), NULL, FK_TEXT, NULL, 0},
    {"description", N_("Beschrijving"),
     N_("Schrijf in korte zinnen wat het is en voor wie. Spreek de lezer aan met u."), FK_AREA,
     NULL, 0},
    {"website", N_("Website"), N_("Begint met https://"), FK_URL, NULL, 0},
    {"url", N_("Webpagina"), N_("Begint met https://"), FK_URL, NULL, 0},
    {"email", N_("E-mailadres"), NULL, FK_EMAIL, NULL, 0},
    {"application_process", N_("Hoe meldt u zich aan?"), NULL, FK_AREA, NULL, 0},
    {"fees_description", N_("Wat kost het? (in woorden)"), NULL, FK_AREA, NULL, 0},
    {"eligibility_description", N_("Voor wie is het?"), NULL, FK_AREA, NULL, 0},
    {"status", N_("Staat"), NULL, FK_SELECT, status_options, N(status_options)},
    {"transportation", N_("Hoe komt u er?"), N_("Bus, parkeren, hoe ver lopen."), FK_AREA, NULL, 0},
    {"latitude", N_("Breedtegraad"), N_("Bijvoorbeeld 52.21985. Zo vinden bewoners de afstand."),
     FK_COORD, NULL, 0},
    {"longitude", N_("Lengtegraad"), N_("Bijvoorbeeld 6.89310."), FK_COORD, NULL, 0},
    {"address_1", N_("Straat en huisnummer"), NULL, FK_TEXT, NULL, 0},
    {"postal_code", N_("Postcode"), N_("Bijvoorbeeld 7511 AB."), FK_POSTCODE, NULL, 0},
    {"city", N_("Plaats"), NULL, FK_TEXT, NULL, 0},
    {"freq", NULL, NULL, FK_FIXED, NULL, 0},
    {"byday", N_("Dag"), NULL, FK_SELECT, day_options, N(day_options)},
    {"opens_at", N_("Van"), N_("Bijvoorbeeld 09:00"), FK_TIME, NULL, 0},
    {"closes_at", N_("Tot"), N_("Bijvoorbeeld 12:30"), FK_TIME, NULL, 0},
    {"attending_type", N_("Waarvoor"), NULL, FK_SELECT, attending_options, N(attending_options)},
    {"option", N_("Wat"), N_("Bijvoorbeeld: Per keer"), FK_TEXT, NULL, 0},
    {"amount", N_("Bedrag in euro"), N_("Bijvoorbeeld 7,50. Gratis: 0"), FK_AMOUNT, NULL, 0},
    {"currency", NULL, NULL, FK_FIXED, NULL, 0},
    {"amount_description", N_("Uitleg"), NULL, FK_TEXT, NULL, 0},
    {"setting", N_("Waar?"), NULL, FK_SELECT, setting_options, N(setting_options)},
    {"times", N_("Wanneer?"), NULL, FK_CHECKS, times_options, N(times_options)},
    {"provider", N_("Wie doet het?"), NULL, FK_SELECT, provider_options, N(provider_options)},
    {"notice_days", N_("Hoeveel dagen van tevoren aanvragen?"), NULL, FK_WHOLE, NULL, 0},
    {"min_duration_hours", N_("Hoeveel uur minstens?"), N_("Leeg als er geen minimum is."),
     FK_WHOLE, NULL, 0},
    {"payer", N_("Wie betaalt?"), NULL, FK_CHECKS, payer_options, N(payer_options)},
    {"for_whom", N_("Voor wie?"), NULL, FK_CHECKS, whom_options, N(whom_options)},
    {"notes", N_("Goed om te weten"), NULL, FK_AREA, NULL, 0},
    {"date", N_("Datum"), NULL, FK_DATE, NULL, 0},
    {"reason", N_("Waarom dicht?"), N_("Bewoners lezen dit bij het maken van een afspraak."),
     FK_TEXT, NULL, 0},
};

/* The field of a column; the table holds every column of every part. */
static const struct field_def *field_of(const char *column)
{
	for (size_t i = 0; i < N(fields); i++)
		if (strcmp(fields[i].column, column) == 0)
			return &fields[i];
	return NULL;
}

/* What a part is called on the page, and what it says first. */
static const struct {
	const char *part, *title, *intro;
} part_words[] = {
    {"organization", N_("Gegevens van de organisatie"), NULL},
    {"service", N_("Gegevens van de voorziening"), NULL},
    {"service_hours", N_("Openingstijden"),
     N_("Eén regel per dag en tijd. Zonder vaste dag kunt u bij Beschrijving iets zeggen als "
        "\"Eén keer per maand\".")},
    {"costs", N_("Kosten"), N_("Eén regel per prijs. Is het gratis? Vul dan 0 in.")},
    {"respite", N_("Respijtzorg"), N_("Wat mantelzorgers willen weten om te kiezen.")},
    {"location", N_("Gegevens van de locatie"), NULL},
    {"address", N_("Adres"), NULL},
    {"location_hours", N_("Openingstijden van de locatie"), NULL},
    {"closed_days", N_("Dagen dat de wijkwijzer dicht is"),
     N_("Op deze dagen kunnen bewoners geen afspraak maken.")},
    {"organization_checked", N_("Gecontroleerd"), NULL},
    {"service_checked", N_("Gecontroleerd"), NULL},
    {"location_checked", N_("Gecontroleerd"), NULL},
};

static const char *part_title(const char *part)
{
	for (size_t i = 0; i < N(part_words); i++)
		if (strcmp(part_words[i].part, part) == 0)
			return _(part_words[i].title);
	return part;
}

static const char *part_intro(const char *part)
{
	for (size_t i = 0; i < N(part_words); i++)
		if (strcmp(part_words[i].part, part) == 0 && part_words[i].intro)
			return _(part_words[i].intro);
	return NULL;
}

/* The URL word of an entity and back. */
static const struct {
	const char *entity, *word, *kind;
} entity_words[] = {
    {"organization", "organisatie", N_("Organisatie")},
    {"service", "voorziening", N_("Voorziening")},
    {"location", "locatie", N_("Locatie")},
};

static const char *entity_of_word(const char *word)
{
	for (size_t i = 0; word && i < N(entity_words); i++)
		if (strcmp(entity_words[i].word, word) == 0)
			return entity_words[i].entity;
	return NULL;
}

static size_t entity_index(const char *entity)
{
	for (size_t i = 0; i < N(entity_words); i++)
		if (strcmp(entity_words[i].entity, entity) == 0)
			return i;
	return 0;
}

static const char *entry_href(struct request *rq, const char *entity, const char *slug)
{
	return arena_printf(&rq->arena, "%s/%s/%s", page_href(rq, "/medewerker/inhoud"),
	                    entity_words[entity_index(entity)].word, slug);
}

/* The parts an entry's page shows, in order. */
static size_t entry_parts(struct request *rq, const char *entity, const char *slug,
                          const char **out)
{
	size_t n = 0;
	if (strcmp(entity, "organization") == 0) {
		out[n++] = "organization";
	} else if (strcmp(entity, "service") == 0) {
		out[n++] = "service";
		out[n++] = "service_hours";
		out[n++] = "costs";
		/* respite details only for a service that has them */
		struct content_values v;
		const struct content_part *p = content_part_find("respite");
		if (p && content_current(db_catalog(rq->app), p, slug, &v)) {
			if (v.nrows)
				out[n++] = "respite";
			content_values_free(&v);
		}
	} else {
		out[n++] = "location";
		out[n++] = "address";
		out[n++] = "location_hours";
		struct content_place pl;
		if (content_ap_place(db_catalog(rq->app), slug, &pl) == CONTENT_FOUND)
			out[n++] = "closed_days";
		content_place_free(&pl);
	}
	return n;
}

/* ---- words --------------------------------------------------------------------- */

/* "1 december 2026, 9.30 uur" for a UTC stamp, in local time */
static const char *stamp_words(struct request *rq, const char *utc)
{
	time_t t;
	struct tm tm;
	if (!clock_parse_iso(utc, &t) || !localtime_r(&t, &tm))
		return utc;
	struct sb *w = arena_sb(&rq->arena, 256);
	if (!w || !i18n_format_datetime(w, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_wday,
	                                tm.tm_hour, tm.tm_min))
		return utc;
	return sb_str(w);
}

/* What the page says about a field's value that the import would refuse. */
static const char *problem_words(enum content_problem p)
{
	switch (p) {
	case CONTENT_VALUE_OK:
		return NULL;
	case CONTENT_VALUE_REQUIRED:
		return _("Dit veld is verplicht. Vul het in.");
	case CONTENT_VALUE_CONTROL:
		return _("Hier staat een teken dat niet kan. Typ de tekst opnieuw.");
	case CONTENT_VALUE_LONG:
		return _("Deze tekst is te lang. Maak hem korter dan 4000 tekens.");
	case CONTENT_VALUE_NUMBER:
		return _("Vul een heel getal in, bijvoorbeeld 14.");
	case CONTENT_VALUE_DECIMAL:
		return _("Vul een bedrag in, bijvoorbeeld 7,50.");
	case CONTENT_VALUE_DECIMAL_ANY:
		return _("Vul een getal in, bijvoorbeeld 52.21985.");
	case CONTENT_VALUE_LATITUDE:
	case CONTENT_VALUE_LONGITUDE:
		return _("Deze plek ligt niet in Nederland. Kijk de coördinaten na.");
	case CONTENT_VALUE_TIME:
		return _("Vul een tijd in, bijvoorbeeld 09:30.");
	case CONTENT_VALUE_DATE:
		return _("Vul een datum in, bijvoorbeeld 24-12-2026.");
	case CONTENT_VALUE_URL:
		return _("Vul een webadres in dat begint met https://, bijvoorbeeld "
		         "https://www.voorbeeld.nl.");
	case CONTENT_VALUE_EMAIL:
		return _("Vul een e-mailadres in, bijvoorbeeld info@voorbeeld.nl.");
	case CONTENT_VALUE_POSTCODE:
	case CONTENT_VALUE_PC4:
	case CONTENT_VALUE_PC6:
		return _("Vul een postcode in, bijvoorbeeld 7511 AB.");
	case CONTENT_VALUE_PHONE:
		return _("Een telefoonnummer heeft alleen cijfers, spaties en + - ( ).");
	case CONTENT_VALUE_CHOICE:
	case CONTENT_VALUE_LIST:
	case CONTENT_VALUE_SLUG:
	case CONTENT_VALUE_UUID:
	case CONTENT_VALUE_UNKNOWN:
		break;
	}
	return _("Kies uit de lijst.");
}

/* ---- reading a posted value ------------------------------------------------------ */

/* The posted value of name as the file writes it (trimmed, line breaks
 * as \n, a time as 09:30, an amount with a point, a postcode as 7511 AB,
 * a date as 2026-12-24, check boxes as a ';' list); "" when absent. */
static const char *posted(struct request *rq, const char *file, const struct field_def *f,
                          const char *name)
{
	if (f->kind == FK_CHECKS) {
		struct sb *w = arena_sb(&rq->arena, 1024);
		for (size_t i = 0; w && i < rq->form.n; i++)
			if (strcmp(rq->form.v[i].name, name) == 0) {
				if (w->len)
					sb_putc(w, ';');
				sb_puts(w, rq->form.v[i].value);
			}
		return w && !sb_failed(w) ? sb_str(w) : "";
	}
	const char *raw = params_get(&rq->form, name);
	if (!raw)
		return "";
	struct sb *w = arena_sb(&rq->arena, CONTENT_MAX_VALUE * 2);
	if (!w)
		return "";
	/* trim, and drop the CR of a textarea's CRLF */
	while (*raw == ' ' || *raw == '\t' || *raw == '\r' || *raw == '\n')
		raw++;
	for (const char *s = raw; *s; s++)
		if (*s != '\r')
			sb_putc(w, *s);
	while (w->len && strchr(" \t\n", sb_str(w)[w->len - 1]))
		w->len--;
	char *v = sb_failed(w) ? NULL : arena_strdup(&rq->arena, sb_str(w));
	if (!v)
		return "";
	size_t n = strlen(v);
	switch (f->kind) {
	case FK_AMOUNT:
	case FK_COORD:
		for (char *s = v; *s; s++)
			if (*s == ',')
				*s = '.';
		if (f->kind == FK_AMOUNT &&
		    content_check_value(file, f->column, v) == CONTENT_VALUE_OK)
			return arena_printf(&rq->arena, "%.2f", strtod(v, NULL));
		return v;
	case FK_TIME:
		for (char *s = v; *s; s++)
			if (*s == '.')
				*s = ':';
		if (n == 4 && v[1] == ':')
			return arena_printf(&rq->arena, "0%s", v);
		return v;
	case FK_POSTCODE: {
		/* as residents type it ("7511ab"), into the files' form */
		char pc[8];
		return geo_parse_postcode(v, pc) == POSTCODE_PC6
		           ? arena_printf(&rq->arena, "%.4s %.2s", pc, pc + 4)
		           : v;
	}
	case FK_DATE: {
		/* 24-12-2026, as people write it, to 2026-12-24 */
		const char *day = page_day(rq, v);
		return day ? day : v;
	}
	case FK_TEXT:
	case FK_AREA:
	case FK_URL:
	case FK_EMAIL:
	case FK_SELECT:
	case FK_CHECKS:
	case FK_WHOLE:
	case FK_FIXED:
		break;
	}
	return v;
}

/* ---- building a part's form ------------------------------------------------------ */

/* The prefixes of a field's id ("service_hours-r2-", unique on the page)
 * and of its name ("r2-", what posted_part reads) before the column. */
struct field_prefix {
	const char *id, *name;
};

/* One field's view with its value and error. */
static bool field_view(struct request *rq, const struct field_def *f, struct field_prefix pre,
                       const char *value, const char *error, struct content_field_view *out)
{
	/* the view outlives the values it was made from */
	value = arena_strdup(&rq->arena, value);
	const char *id = arena_printf(&rq->arena, "%s%s", pre.id, f->column);
	const char *name = arena_printf(&rq->arena, "%s%s", pre.name, f->column);
	if (!id || !name || !value)
		return false;
	*out = (struct content_field_view){0};
	if (f->kind == FK_CHECKS) {
		struct c_choice *items = arena_alloc(&rq->arena, f->noptions * sizeof(*items));
		struct c_choices *c = arena_alloc(&rq->arena, sizeof(*c));
		if (!items || !c)
			return false;
		for (size_t i = 0; i < f->noptions; i++) {
			size_t len = strlen(f->options[i].value);
			const char *p = value;
			bool on = false;
			while (p && *p && !on) {
				on = strncmp(p, f->options[i].value, len) == 0 &&
				     (p[len] == ';' || p[len] == '\0');
				p = strchr(p, ';');
				p = p ? p + 1 : NULL;
			}
			items[i] =
			    (struct c_choice){f->options[i].value, _(f->options[i].label), on};
		}
		*c = (struct c_choices){.legend = _(f->label),
		                        .type = "checkbox",
		                        .name = name,
		                        .id_prefix = arena_printf(&rq->arena, "%s-", id),
		                        .items = items,
		                        .n = f->noptions};
		out->choices = c;
		out->choices_error = error;
		return c->id_prefix != NULL;
	}
	struct c_option *opts = NULL;
	if (f->kind == FK_SELECT) {
		opts = arena_alloc(&rq->arena, f->noptions * sizeof(*opts));
		if (!opts)
			return false;
		for (size_t i = 0; i < f->noptions; i++)
			opts[i] =
			    (struct c_option){.value = f->options[i].value,
			                      .label = _(f->options[i].label),
			                      .selected = strcmp(value, f->options[i].value) == 0};
	}
	out->field = (struct c_field){
	    .id = id,
	    .name = name,
	    .label = _(f->label),
	    .hint = f->hint ? _(f->hint) : NULL,
	    .error = error,
	    .type = f->kind == FK_URL     ? "url"
	            : f->kind == FK_EMAIL ? "email"
	            : f->kind == FK_DATE  ? "date"
	                                  : "text",
	    .value = value,
	    .maxlength = f->kind == FK_AREA ? CONTENT_MAX_VALUE : 500,
	    .inputmode = f->kind == FK_WHOLE                           ? "numeric"
	                 : f->kind == FK_AMOUNT || f->kind == FK_COORD ? "decimal"
	                                                               : NULL,
	    .autocomplete = "off",
	    .options = opts,
	    .noptions = opts ? f->noptions : 0,
	    .rows = f->kind == FK_AREA ? 5 : 0,
	};
	return true;
}

/* The rows a many-row part shows: its values and empty ones to fill in,
 * at most CONTENT_PART_ROWS. */
static size_t shown_rows(const struct content_values *v)
{
	size_t n = v->nrows + 2;
	return n > CONTENT_PART_ROWS ? CONTENT_PART_ROWS : n;
}

/* The fields of row r of vals into fv (*n of them), with the row's
 * errors (NULL: none) next to them and in the part's summary, each named
 * by the row's legend (NULL: a one-row part); *filled: a value is there. */
static bool row_fields(struct request *rq, const struct content_part *p,
                       const struct content_values *vals, size_t r, const char **errors,
                       struct field_prefix pre, const char *legend, struct content_field_view *fv,
                       size_t *n, struct c_link *summary, size_t *nsummary, bool *filled)
{
	*filled = false;
	for (size_t i = 0; i < content_part_ncols(p); i++) {
		const struct field_def *f = field_of(p->columns[i]);
		if (!f || f->kind == FK_FIXED)
			continue;
		const char *value = content_value(vals, r, i), *err = errors ? errors[i] : NULL;
		*filled = *filled || *value;
		if (!field_view(rq, f, pre, value, err, &fv[(*n)++]))
			return false;
		if (!err)
			continue;
		/* a group of check boxes is reached through its error */
		summary[(*nsummary)++] = (struct c_link){
		    arena_printf(&rq->arena, "#%s%s%s", pre.id, f->column,
		                 f->kind == FK_CHECKS ? "-error" : ""),
		    legend ? arena_printf(&rq->arena, "%s, %s: %s", legend, _(f->label), err)
		           : arena_printf(&rq->arena, "%s: %s", _(f->label), err)};
	}
	return true;
}

/* A part's form with vals (a draft's, the published or the posted ones)
 * and, after a refused save, errors[row * ncols + col]. */
static bool part_view(struct request *rq, const char *self, const struct content_part *p,
                      const struct content_values *vals, const char **errors,
                      const struct content_draft *draft, bool saved, struct content_part_view *out)
{
	size_t nc = content_part_ncols(p);
	*out = (struct content_part_view){
	    .anchor = arena_printf(&rq->arena, "deel-%s", p->name),
	    .title = part_title(p->name),
	    .intro = part_intro(p->name),
	    .action = self,
	    .csrf = csrf_token_of(rq, FORM_ENTRY),
	    .part = p->name,
	    .saved = saved ? _("Opgeslagen als concept. Bewoners zien het als de beheerder het "
	                       "publiceert.")
	                   : NULL,
	};
	if (draft)
		/* TRANSLATORS: %1$s is an account's name, %2$s a date and time */
		out->draft = arena_printf(&rq->arena,
		                          _("Dit is een concept van %1$s (%2$s). Het is nog niet "
		                            "gepubliceerd."),
		                          draft->account, stamp_words(rq, draft->updated_at));
	struct c_link *errs = arena_alloc(&rq->arena, (CONTENT_PART_ROWS * nc + 1) * sizeof(*errs));
	if (!out->anchor || !out->csrf || !errs)
		return false;
	out->errors = errs;
	if (!p->rows) {
		struct content_field_view *fv = arena_alloc(&rq->arena, nc * sizeof(*fv));
		struct field_prefix pre = {arena_printf(&rq->arena, "%s-", p->name), ""};
		bool filled;
		out->fields = fv;
		return fv && pre.id &&
		       row_fields(rq, p, vals, 0, errors, pre, NULL, fv, &out->nfields, errs,
		                  &out->nerrors, &filled);
	}
	size_t nr = errors ? vals->nrows : shown_rows(vals);
	struct content_row_view *rows = arena_alloc(&rq->arena, (nr ? nr : 1) * sizeof(*rows));
	if (!rows)
		return false;
	for (size_t r = 0; r < nr; r++) {
		struct content_field_view *fv = arena_alloc(&rq->arena, nc * sizeof(*fv));
		struct field_prefix pre = {arena_printf(&rq->arena, "%s-r%zu-", p->name, r),
		                           arena_printf(&rq->arena, "r%zu-", r)};
		/* TRANSLATORS: %zu is the number of a line of a form */
		rows[r] = (struct content_row_view){
		    .legend = arena_printf(&rq->arena, _("Regel %zu"), r + 1), .fields = fv};
		bool filled = false;
		if (!fv || !pre.id || !pre.name || !rows[r].legend ||
		    !row_fields(rq, p, vals, r, errors ? errors + r * nc : NULL, pre,
		                rows[r].legend, fv, &rows[r].nfields, errs, &out->nerrors, &filled))
			return false;
		if (filled) {
			rows[r].remove_id = arena_printf(&rq->arena, "%sweg", pre.id);
			rows[r].remove_name = arena_printf(&rq->arena, "%sweg", pre.name);
		}
	}
	out->rows = rows;
	out->nrows = nr;
	out->rows_count = arena_printf(&rq->arena, "%zu", nr);
	return true;
}

/* ---- checking a posted part ------------------------------------------------------ */

/* Where the column is among p's, or -1. */
static int column_index(const struct content_part *p, const char *name)
{
	for (size_t i = 0; i < content_part_ncols(p); i++)
		if (strcmp(p->columns[i], name) == 0)
			return (int)i;
	return -1;
}

/* A row's time ("09:30" each, as posted) beyond its fields' own checks:
 * a day needs both ends, ends need a day, the end comes after the start.
 * Sets the error of the field it is about, unless that field has one;
 * 1 when it did. */
static int time_problem(const char *day, const char *from, const char *to, const char **day_err,
                        const char **from_err, const char **to_err)
{
	if (*from_err || *to_err)
		return 0;
	if (*day && (!*from || !*to)) {
		*(*from ? to_err : from_err) = _("Vul de tijd in waarop het begint en eindigt.");
		return 1;
	}
	if (!*day && (*from || *to) && !*day_err) {
		*day_err = _("Kies de dag van deze tijd.");
		return 1;
	}
	if (*from && *to && strcmp(from, to) >= 0) {
		*to_err = _("De eindtijd moet na de begintijd liggen.");
		return 1;
	}
	return 0;
}

/* The posted values of part p into out (the caller frees them), with an
 * error per cell in errors (NULL where fine); the number of errors, or
 * -1 without memory. */
static int posted_part(struct request *rq, const struct content_part *p, struct content_values *out,
                       const char ***errors)
{
	size_t nc = content_part_ncols(p);
	*out = (struct content_values){.ncols = nc};
	long nrows = 1;
	if (p->rows &&
	    !text_parse_long(params_get(&rq->form, "regels"), 0, CONTENT_PART_ROWS, &nrows))
		nrows = 0;
	const char **errs = arena_alloc(&rq->arena, ((size_t)nrows * nc + 1) * sizeof(*errs));
	if (!errs)
		return -1;
	int bad = 0;
	for (long r = 0; r < nrows; r++) {
		char prefix[48];
		if (p->rows)
			snprintf(prefix, sizeof(prefix), "r%ld-", r);
		else
			prefix[0] = '\0';
		const char *vals[CONTENT_PART_COLUMNS];
		bool any = false;
		for (size_t i = 0; i < nc; i++) {
			const struct field_def *f = field_of(p->columns[i]);
			const char *name = arena_printf(&rq->arena, "%s%s", prefix, p->columns[i]);
			vals[i] =
			    f && name && f->kind != FK_FIXED ? posted(rq, p->file, f, name) : "";
			any = any || *vals[i];
		}
		/* an empty row, or one to take away, is left out */
		char weg[48];
		snprintf(weg, sizeof(weg), "%sweg", prefix);
		if (p->rows && (!any || params_get(&rq->form, weg)))
			continue;
		/* the columns the editor sets: a time with a day is weekly */
		int day = column_index(p, "byday"), from = column_index(p, "opens_at"),
		    to = column_index(p, "closes_at");
		for (size_t i = 0; i < nc; i++) {
			if (strcmp(p->columns[i], "freq") == 0)
				vals[i] = day >= 0 && *vals[day] ? "WEEKLY" : "";
			else if (strcmp(p->columns[i], "currency") == 0)
				vals[i] = "EUR";
		}
		size_t row = out->nrows;
		if (!content_values_add(out, vals))
			return -1;
		for (size_t i = 0; i < nc; i++) {
			enum content_problem pr =
			    content_check_value(p->file, p->columns[i], vals[i]);
			errs[row * nc + i] = problem_words(pr);
			bad += pr != CONTENT_VALUE_OK;
		}
		/* a time needs a day and both ends, the end after the start */
		if (day >= 0 && from >= 0 && to >= 0)
			bad += time_problem(vals[day], vals[from], vals[to], &errs[row * nc + day],
			                    &errs[row * nc + from], &errs[row * nc + to]);
	}
	*errors = errs;
	return bad;
}

/* ---- permissions ------------------------------------------------------------------ */

/* staff_require for the editor: a beheerder or an aanbieder. */
static bool require_editor(struct request *rq, struct response *rs, struct staff_user *u)
{
	if (!staff_require(rq, rs, u))
		return false;
	if (u->role != STAFF_MEDEWERKER)
		return true;
	page_error(rq, rs, 403, "not_editor",
	           _("De sociale kaart bijwerken kan alleen de beheerder of een aanbieder."));
	return false;
}

/* ---- the entry's page ------------------------------------------------------------- */

struct entry_ctx {
	const char *entity, *slug, *self;
	struct content_entry e;
};

/* Renders the entry's page; the posted part (its values and errors)
 * replaces what the page would show for it. */
static void entry_page(struct request *rq, struct response *rs, const struct staff_user *me,
                       struct entry_ctx *x, const struct content_part *posted_p,
                       const struct content_values *posted_v, const char **posted_errors,
                       const char *saved_part)
{
	struct catalog *c = db_catalog(rq->app);
	const char *names[8];
	size_t np = entry_parts(rq, x->entity, x->slug, names);
	struct content_part_view *pv = arena_alloc(&rq->arena, np * sizeof(*pv));
	size_t ei = entity_index(x->entity);
	struct content_entry_view v = {
	    .nav = staff_nav_of(rq, me, STAFF_NAV_CONTENT),
	    .kind = _(entity_words[ei].kind),
	    .name = x->e.name,
	    .checked = page_checked_on(rq, x->e.checked_on),
	    .checked_action = x->self,
	    .checked_csrf = csrf_token_of(rq, FORM_ENTRY),
	    .checked_part = arena_printf(&rq->arena, "%s_checked", x->entity),
	    .back = page_href(rq, "/medewerker/inhoud"),
	    .parts = pv,
	};
	if (!v.checked)
		v.checked = _("Nog nooit gecontroleerd.");
	bool ok = pv && v.nav && v.checked_csrf && v.checked_part && v.back;
	if (ok && saved_part && strcmp(saved_part, v.checked_part) == 0)
		v.checked_saved = _("Genoteerd als concept: na het publiceren staat de datum van "
		                    "vandaag bij \"laatst gecontroleerd\".");
	for (size_t i = 0; ok && i < np; i++) {
		const struct content_part *p = content_part_find(names[i]);
		struct content_draft d = {0};
		struct content_values vals = {0};
		if (!p) {
			ok = false;
			break;
		}
		if (p == posted_p) {
			ok = part_view(rq, x->self, p, posted_v, posted_errors, NULL, false,
			               &pv[v.nparts]);
		} else {
			int found = content_draft_get(rq->app, p->name, x->slug, &d);
			ok = found >= 0 &&
			     (found ? content_values_parse(p, d.csv, &vals)
			            : content_current(c, p, x->slug, &vals)) &&
			     part_view(rq, x->self, p, &vals, NULL, found ? &d : NULL,
			               saved_part && strcmp(saved_part, p->name) == 0,
			               &pv[v.nparts]);
			free(d.csv);
			content_values_free(&vals);
		}
		v.nparts += ok;
	}
	struct c_link *org = NULL;
	if (ok && strcmp(x->entity, "organization") != 0) {
		struct content_entry o;
		if (content_entry(c, "organization", x->e.organization, &o) == CONTENT_FOUND) {
			org = arena_alloc(&rq->arena, sizeof(*org));
			if (org)
				*org = (struct c_link){entry_href(rq, "organization", o.id),
				                       arena_strdup(&rq->arena, o.name)};
			content_entry_free(&o);
		}
		v.organization = org;
	}
	if (ok && strcmp(x->entity, "service") == 0)
		v.public_href =
		    page_href(rq, arena_printf(&rq->arena, "/voorzieningen/%s", x->slug));
	if (ok && strcmp(x->entity, "organization") == 0) {
		for (int k = 0; k < 2 && ok; k++) {
			const char *ent = k ? "location" : "service";
			struct content_entry *list = NULL;
			size_t n = 0;
			ok = content_entries(c, ent, x->slug, &list, &n);
			struct c_link *links =
			    n ? arena_alloc(&rq->arena, n * sizeof(*links)) : NULL;
			for (size_t i = 0; ok && links && i < n; i++)
				links[i] = (struct c_link){entry_href(rq, ent, list[i].id),
				                           arena_strdup(&rq->arena, list[i].name)};
			ok = ok && (!n || links);
			if (k) {
				v.locations = links;
				v.nlocations = n;
			} else {
				v.services = links;
				v.nservices = n;
			}
			content_entries_free(list, n);
		}
	}
	if (!ok) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	/* a refused form is a 422: page_begin starts the title with "Fout:" */
	if (page_begin(rs, rq, x->e.name, 0) && tpl_staff_content_entry(&rs->body, &v))
		page_end(rs, rq);
}

/* The entry of the path ({kind}/{id}) that me may edit; false with a
 * page (404, 403) when there is none. */
static bool path_entry(struct request *rq, struct response *rs, const struct staff_user *me,
                       struct entry_ctx *x)
{
	x->entity = entity_of_word(route_param(rq, 1));
	x->slug = route_param(rq, 2);
	enum content_result r = x->entity
	                            ? content_entry(db_catalog(rq->app), x->entity, x->slug, &x->e)
	                            : CONTENT_MISSING;
	if (r == CONTENT_ERROR) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return false;
	}
	if (r == CONTENT_MISSING) {
		page_error(rq, rs, 404, "not_found",
		           _("Dit staat niet (meer) in de sociale kaart."));
		return false;
	}
	if (!staff_may_edit(me, x->e.organization)) {
		content_entry_free(&x->e);
		page_error(
		    rq, rs, 403, "not_yours",
		    _("Dit hoort bij een andere organisatie. U kunt alleen de gegevens van uw "
		      "eigen organisatie aanpassen."));
		return false;
	}
	x->self = entry_href(rq, x->entity, x->slug);
	return x->self != NULL;
}

void handle_staff_content_entry(struct request *rq, struct response *rs)
{
	struct staff_user me;
	struct entry_ctx x = {0};
	if (!require_editor(rq, rs, &me) || !path_entry(rq, rs, &me, &x))
		return;
	if (rq->method != HM_POST) {
		entry_page(rq, rs, &me, &x, NULL, NULL, NULL, params_get(&rq->query, "opgeslagen"));
		content_entry_free(&x.e);
		return;
	}
	/* only the parts this entry's page shows */
	const char *names[8];
	size_t np = entry_parts(rq, x.entity, x.slug, names);
	const char *want = params_get(&rq->form, "deel");
	const struct content_part *p = NULL;
	char checked[32];
	snprintf(checked, sizeof(checked), "%s_checked", x.entity);
	for (size_t i = 0; want && i < np; i++)
		if (strcmp(names[i], want) == 0)
			p = content_part_find(want);
	if (!p && want && strcmp(want, checked) == 0)
		p = content_part_find(want);
	if (!p) {
		content_entry_free(&x.e);
		page_error(rq, rs, 400, "bad_part",
		           _("Dit onderdeel kan hier niet worden aangepast."));
		return;
	}
	struct content_values vals = {0};
	const char **errors = NULL;
	int bad = p->file ? posted_part(rq, p, &vals, &errors) : 0;
	struct sb *csv = arena_sb(&rq->arena, 64 * 1024);
	if (bad < 0 || !csv || (p->file && !content_values_csv(p, &vals, csv))) {
		content_values_free(&vals);
		content_entry_free(&x.e);
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (bad > 0) {
		rs->status = 422;
		entry_page(rq, rs, &me, &x, p, &vals, errors, NULL);
	} else if (!content_draft_save(rq->app, &me, p->name, x.slug, p->file ? sb_str(csv) : "")) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
	} else {
		/* back to the page (a reload does not post again) */
		const char *rest =
		    arena_printf(&rq->arena, "/medewerker/inhoud/%s/%s?opgeslagen=%s#%s%s",
		                 entity_words[entity_index(x.entity)].word, x.slug, p->name,
		                 p->file ? "deel-" : "", p->file ? p->name : "");
		if (!rest || !page_redirect(rs, rq, rest))
			page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
	}
	content_values_free(&vals);
	content_entry_free(&x.e);
}

/* The day MONTHS_CHECK months ago ("2026-06-01"): an entry last checked
 * before it is listed. */
static bool check_cutoff(char before[11])
{
	time_t now = clock_now();
	struct tm tm;
	if (!localtime_r(&now, &tm))
		return false;
	tm.tm_mon -= MONTHS_CHECK;
	tm.tm_isdst = -1;
	time_t then = mktime(&tm);
	return then != (time_t)-1 && localtime_r(&then, &tm) &&
	       strftime(before, 11, "%Y-%m-%d", &tm) == 10;
}

/* ---- the overview and publishing ---------------------------------------------------- */

/* The part and the entry a draft is about (e zeroed when the entry is
 * gone from the content), and whether me may see and throw it away: the
 * entry's organisation's editors; a draft of a gone entry only a beheerder,
 * so that it does not stop every publication. */
static bool draft_visible(struct request *rq, const struct staff_user *me,
                          const struct content_draft *d, const struct content_part **p,
                          struct content_entry *e)
{
	*p = content_part_find(d->part);
	*e = (struct content_entry){0};
	if (*p && content_entry(db_catalog(rq->app), (*p)->entity, d->target, e) == CONTENT_FOUND)
		return staff_may_edit(me, e->organization);
	return me->role == STAFF_BEHEERDER;
}

static void home_page(struct request *rq, struct response *rs, const struct staff_user *me,
                      const char *notice, const char *error, const char *detail)
{
	struct catalog *c = db_catalog(rq->app);
	bool admin = me->role == STAFF_BEHEERDER;
	struct content_home_view v = {
	    .nav = staff_nav_of(rq, me, STAFF_NAV_CONTENT),
	    .notice = notice,
	    .error = error,
	    .error_detail = detail,
	    .discard_csrf = csrf_token_of(rq, FORM_DISCARD),
	    .publish_action = admin ? page_href(rq, "/medewerker/inhoud/publiceren") : NULL,
	    .publish_csrf = admin ? csrf_token_of(rq, FORM_PUBLISH) : NULL,
	    .aanbieder_intro =
	        admin ? NULL
	              : _("Hier past u de gegevens van uw organisatie aan. De beheerder van de "
	                  "gemeente kijkt ze na en publiceert ze."),
	};
	bool ok = v.nav && v.discard_csrf && (!admin || v.publish_csrf);
	struct content_draft *d = NULL;
	size_t nd = 0;
	ok = ok && content_drafts_list(rq->app, &d, &nd);
	struct content_draft_row *rows = nd ? arena_alloc(&rq->arena, nd * sizeof(*rows)) : NULL;
	ok = ok && (!nd || rows);
	for (size_t i = 0; ok && i < nd; i++) {
		const struct content_part *p;
		struct content_entry e;
		if (draft_visible(rq, me, &d[i], &p, &e))
			rows[v.ndrafts++] = (struct content_draft_row){
			    .entry = arena_strdup(&rq->arena, e.id ? e.name : d[i].target),
			    .href = e.id ? entry_href(rq, p->entity, e.id) : NULL,
			    .part = p ? part_title(p->name) : d[i].part,
			    .who = arena_strdup(&rq->arena, d[i].account),
			    .when = stamp_words(rq, d[i].updated_at),
			    .discard_action =
			        arena_printf(&rq->arena, "%s/concept/%lld/weggooien",
			                     page_href(rq, "/medewerker/inhoud"), d[i].id),
			};
		content_entry_free(&e);
	}
	v.drafts = rows;
	content_drafts_free(d, nd);
	struct content_entry *orgs = NULL;
	size_t no = 0;
	ok = ok && content_entries(c, "organization", admin ? NULL : me->organization, &orgs, &no);
	struct c_link *links = no ? arena_alloc(&rq->arena, no * sizeof(*links)) : NULL;
	for (size_t i = 0; ok && links && i < no; i++)
		links[i] = (struct c_link){entry_href(rq, "organization", orgs[i].id),
		                           arena_strdup(&rq->arena, orgs[i].name)};
	ok = ok && (!no || links);
	content_entries_free(orgs, no);
	v.entries = links;
	v.nentries = no;
	if (ok && admin) {
		size_t total = 0;
		char before[11];
		ok = check_cutoff(before);
		ok = ok && content_unchecked_count(c, before, &total);
		v.unchecked_href = page_href(rq, "/medewerker/inhoud/controleren");
		/* TRANSLATORS: %zu is a number of entries of the sociale kaart */
		v.unchecked_text =
		    arena_printf(&rq->arena,
		                 NG_("%zu onderdeel is een half jaar niet gecontroleerd",
		                     "%zu onderdelen zijn een half jaar niet gecontroleerd", total),
		                 total);
	}
	if (!ok) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (page_begin(rs, rq, _("Sociale kaart bijwerken"), 0) && tpl_staff_content(&rs->body, &v))
		page_end(rs, rq);
}

void handle_staff_content(struct request *rq, struct response *rs)
{
	struct staff_user me;
	if (!require_editor(rq, rs, &me))
		return;
	const char *n = params_get(&rq->query, "gepubliceerd");
	long count = 0;
	const char *notice = NULL;
	if (n && text_parse_long(n, 1, 100000, &count))
		/* TRANSLATORS: %ld is a number of changes */
		notice = arena_printf(&rq->arena,
		                      NG_("%ld wijziging is gepubliceerd. Bewoners zien hem nu.",
		                          "%ld wijzigingen zijn gepubliceerd. Bewoners zien ze nu.",
		                          count),
		                      count);
	else if (params_get(&rq->query, "weggegooid"))
		notice = _("Het concept is weggegooid.");
	home_page(rq, rs, &me, notice, NULL, NULL);
}

void handle_staff_content_publish(struct request *rq, struct response *rs)
{
	struct staff_user me;
	if (!staff_require_beheerder(rq, rs, &me))
		return;
	size_t count = 0;
	char err[1024] = "";
	switch (content_drafts_publish(rq->app, &me, &count, err, sizeof(err))) {
	case CONTENT_PUBLISHED:
		if (!page_redirect(
		        rs, rq,
		        arena_printf(&rq->arena, "/medewerker/inhoud?gepubliceerd=%zu", count)))
			page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	case CONTENT_NOTHING:
		home_page(rq, rs, &me, _("Er was niets om te publiceren."), NULL, NULL);
		return;
	case CONTENT_REFUSED:
		rs->status = 422;
		home_page(rq, rs, &me, NULL,
		          _("Publiceren is niet gelukt: de nieuwe inhoud klopt niet. Er is niets "
		            "veranderd voor bewoners. Pas het onderdeel aan dat hieronder staat."),
		          arena_strdup(&rq->arena, err));
		return;
	case CONTENT_PUBLISH_FAILED:
		break;
	}
	/* the folder not writable, the disk full: for whoever runs the server */
	fprintf(stderr, "wijkwijzer: publishing the content failed: %s\n", err);
	rs->status = 503;
	home_page(rq, rs, &me, NULL,
	          _("Publiceren is niet gelukt door een storing. Er is niets veranderd voor "
	            "bewoners en de concepten zijn bewaard. Probeer het later opnieuw of vraag de "
	            "technisch beheerder om hulp."),
	          arena_strdup(&rq->arena, err));
}

void handle_staff_content_discard(struct request *rq, struct response *rs)
{
	struct staff_user me;
	long id;
	if (!require_editor(rq, rs, &me))
		return;
	if (!text_parse_long(route_param(rq, 1), 1, 1L << 40, &id)) {
		page_error(rq, rs, 404, "not_found", _("Dit concept bestaat niet (meer)."));
		return;
	}
	/* an aanbieder throws away only drafts of its own organisation */
	struct content_draft d;
	int found = content_draft_find(rq->app, id, &d);
	bool mine = false;
	if (found == 1) {
		const struct content_part *p;
		struct content_entry e;
		mine = draft_visible(rq, &me, &d, &p, &e);
		content_entry_free(&e);
		free(d.csv);
	}
	int r = found < 1 ? found : mine ? content_draft_discard(rq->app, &me, id) : -2;
	if (r == 1 && page_redirect(rs, rq, "/medewerker/inhoud?weggegooid=1"))
		return;
	if (r == 0)
		page_error(rq, rs, 404, "not_found", _("Dit concept bestaat niet (meer)."));
	else if (r == -2)
		page_error(
		    rq, rs, 403, "not_yours",
		    _("Dit hoort bij een andere organisatie. U kunt alleen de gegevens van uw "
		      "eigen organisatie aanpassen."));
	else
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
}

void handle_staff_content_unchecked(struct request *rq, struct response *rs)
{
	struct staff_user me;
	if (!staff_require_beheerder(rq, rs, &me))
		return;
	struct catalog *c = db_catalog(rq->app);
	char before[11];
	bool ok = check_cutoff(before);
	struct content_unchecked_view v = {.nav = staff_nav_of(rq, &me, STAFF_NAV_CONTENT),
	                                   .since = ok ? page_date_long(rq, before) : NULL,
	                                   .back = page_href(rq, "/medewerker/inhoud")};
	struct content_unchecked_row *rows = NULL;
	size_t cap = 0;
	for (int k = 0; ok && k < 3; k++) {
		struct content_entry *list = NULL;
		size_t n = 0;
		ok = content_unchecked(c, entity_words[k].entity, before, &list, &n);
		if (ok && n) {
			struct content_unchecked_row *more =
			    arena_alloc(&rq->arena, (cap + n) * sizeof(*more));
			ok = more != NULL;
			if (ok && cap)
				memcpy(more, rows, cap * sizeof(*more));
			rows = more;
		}
		for (size_t i = 0; ok && i < n; i++) {
			const char *d = page_date_long(rq, list[i].checked_on);
			rows[cap++] = (struct content_unchecked_row){
			    .href = entry_href(rq, entity_words[k].entity, list[i].id),
			    .name = arena_strdup(&rq->arena, list[i].name),
			    .kind = _(entity_words[k].kind),
			    .checked = d ? d : _("nooit")};
		}
		content_entries_free(list, n);
	}
	v.rows = rows;
	v.nrows = cap;
	if (!ok || !v.nav || !v.since) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (page_begin(rs, rq, _("Niet gecontroleerd in een half jaar"), 0) &&
	    tpl_staff_content_unchecked(&rs->body, &v))
		page_end(rs, rq);
}
