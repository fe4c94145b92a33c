/* pages_booking: making, viewing, cancelling and moving an appointment
 * with the wijkwijzer, without JavaScript.
 *
 * The choices travel in the query string step by step (place, topic,
 * day, time); personal details are posted, checked, shown back for
 * checking and posted again to confirm. Nothing is stored until the
 * resident confirms. Every page here is Cache-Control: no-store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "exec/db.h"
#include "base/app.h"
#include "domain/booking.h"
#include "domain/mail.h"
#include "store/catalog.h"
#include "store/content.h"
#include "net/csrf.h"
#include "web/handlers.h"
#include "base/ics.h"
#include "web/kiosk.h"
#include "web/page.h"
#include "web/pages_common.h"
#include "base/qr.h"
#include "net/route.h"
#include "domain/selfcheck.h"
#include "base/text.h"
#include "base/arena.h"
#include "web/templates.h"
#include "web/views_bk.h"

#define FORM_DETAILS  "/{lang}/afspraak/gegevens"
#define FORM_CONFIRM  "/{lang}/afspraak/bevestigen"
#define FORM_CALLBACK "/{lang}/afspraak/terugbellen"
#define FORM_CANCEL   "/{lang}/afspraak/{token}/annuleren"
#define FORM_MOVE     "/{lang}/afspraak/{token}/verzetten"

/* The state of the flow, read from the query (GET) or form (POST). */
struct flow {
	const char *location, *topic, *day, *time, *selfcheck, *terminal;
	/* the page the picker's links go to: "/afspraak" (NULL), or a move's
	   "/afspraak/{token}/verzetten" */
	const char *path;
	const char *csrf;    /* a move's form token: the time form is posted */
	const char *exclude; /* a move: the appointment's own start, not offered */
	char location_name[128];
	struct kiosk_terminal kiosk;
};

static const char *param(struct request *rq, const char *name)
{
	const char *v = rq->method == HM_POST ? params_get(&rq->form, name) : NULL;
	if (!v)
		v = params_get(&rq->query, name);
	return v && *v ? v : NULL;
}

static bool place_name(struct app *app, const char *id, char *out, size_t n)
{
	struct content_place p;
	bool ok = content_ap_place(db_catalog(app), id, &p) == CONTENT_FOUND;
	if (ok)
		snprintf(out, n, "%s", p.name); /* display only: truncation harmless */
	content_place_free(&p);
	return ok;
}

static void read_flow(struct request *rq, struct flow *f)
{
	memset(f, 0, sizeof(*f));
	f->location = param(rq, "locatie");
	if (f->location &&
	    !place_name(rq->app, f->location, f->location_name, sizeof(f->location_name)))
		f->location = NULL;
	f->topic = param(rq, "onderwerp");
	if (f->topic && booking_topic_duration(rq->app, f->topic) <= 0)
		f->topic = NULL;
	f->day = param(rq, "dag");
	struct hours_day d;
	int m;
	char probe[BOOKING_TIME_LEN];
	if (f->day) {
		snprintf(probe, sizeof(probe), "%.10sT00:00", f->day);
		if (strlen(f->day) != 10 || !booking_parse_time(probe, &d, &m))
			f->day = NULL;
	}
	f->time = param(rq, "tijd");
	if (f->time && !booking_parse_time(f->time, &d, &m))
		f->time = NULL;
	f->selfcheck = param(rq, "zelfcheck");
	if (f->selfcheck && !selfcheck_code_valid(rq->app, f->selfcheck))
		f->selfcheck = NULL;
	f->terminal = request_kiosk(rq, &f->kiosk) ? f->kiosk.id : NULL;
}

/* URL of the flow with the given state (NULL leaves a field out). */
static void flow_url(struct sb *out, struct request *rq, const char *path, const struct flow *f,
                     const char *location, const char *topic, const char *day, const char *time)
{
	page_link(out, rq, path);
	const char *names[] = {"locatie", "onderwerp", "dag", "tijd", "zelfcheck"};
	const char *values[] = {location, topic, day, time, f->selfcheck};
	char sep = '?';
	for (size_t i = 0; i < 5; i++) {
		if (!values[i])
			continue;
		sb_putc(out, sep);
		sep = '&';
		sb_puts(out, names[i]);
		sb_putc(out, '=');
		text_url_encode(out, values[i]);
	}
}

static void no_store(struct response *rs)
{
	rs->cache_control = "no-store";
}

/* ---- step 1: the place -------------------------------------------------- */

/* The URL of flow_url, in the request's arena (NULL without memory). */
static const char *flow_href(struct request *rq, const struct flow *f, const char *location,
                             const char *topic, const char *day, const char *time)
{
	struct sb *u = arena_sb(&rq->arena, 1024);
	if (!u)
		return NULL;
	flow_url(u, rq, f->path ? f->path : "/afspraak", f, location, topic, day, time);
	return sb_failed(u) ? NULL : sb_str(u);
}

static void choose_location(struct request *rq, struct response *rs, struct flow *f)
{
	struct point near;
	const char *place_error = read_place(rq, &near);
	struct booking_place_view v = {
	    .action = page_href(rq, "/afspraak"),
	    .find_again = page_href(rq, "/afspraak/terugvinden"),
	    .selfcheck = f->selfcheck,
	    .topic = f->topic,
	    .place = place_view(rq, place_error),
	};
	struct content_place *rows = NULL;
	size_t n = 0;
	v.listed = content_ap_places(db_catalog(rq->app), &near, 32, &rows, &n);
	struct booking_place_item *items =
	    v.listed && n ? arena_alloc(&rq->arena, n * sizeof(*items)) : NULL;
	if (v.listed && n && !items) {
		content_places_free(rows, n);
		rs->status = 500;
		return;
	}
	time_t now = clock_now();
	for (size_t i = 0; v.listed && i < n; i++) {
		struct booking_place_item *it = &items[i];
		*it = (struct booking_place_item){
		    .href = flow_href(rq, f, rows[i].id, f->topic, NULL, NULL),
		    .name = arena_strdup(&rq->arena, rows[i].name),
		    .address = arena_strdup(&rq->arena, rows[i].address),
		    .postal_code = arena_strdup(&rq->arena, rows[i].postal_code),
		};
		if (rows[i].has_distance) {
			struct sb *d = arena_sb(&rq->arena, 64);
			if (d) {
				i18n_format_distance(d, (long)rows[i].distance_m);
				it->distance = sb_str(d);
			}
		}
		struct slot next;
		if (booking_next_free(rq->app, rows[i].id, f->topic ? f->topic : "iets-anders", now,
		                      &next)) {
			struct sb *w = arena_sb(&rq->arena, 128);
			if (w) {
				booking_when_words(w, next.start);
				it->next = sb_str(w);
			}
		}
	}
	v.items = items;
	v.n = v.listed ? n : 0;
	tpl_booking_place(&rs->body, &v);
	if (v.listed)
		content_places_free(rows, n);
}

/* ---- step 2: the topic -------------------------------------------------- */

static void choose_topic(struct request *rq, struct response *rs, struct flow *f)
{
	struct booking_topic_view v = {.lang = rq->lang ? rq->lang->code : "nl"};
	struct content_topic *topics = NULL;
	size_t ntopics = 0;
	v.listed = content_ap_topics(db_catalog(rq->app), &topics, &ntopics);
	struct booking_topic_item *items =
	    v.listed && ntopics ? arena_alloc(&rq->arena, ntopics * sizeof(*items)) : NULL;
	for (size_t i = 0; items && i < ntopics; i++)
		items[i] = (struct booking_topic_item){
		    .href = flow_href(rq, f, f->location, topics[i].id, NULL, NULL),
		    .name = arena_strdup(&rq->arena, topics[i].name),
		    .description = arena_strdup(&rq->arena, topics[i].description),
		    .minutes = topics[i].duration_min,
		};
	v.items = items;
	v.n = items ? ntopics : 0;
	v.other_place = flow_href(rq, f, NULL, NULL, NULL, NULL);
	if (v.listed)
		content_topics_free(topics, ntopics);
	if (v.listed && ntopics && !items) {
		rs->status = 500;
		return;
	}
	tpl_booking_topic(&rs->body, &v);
}

/* ---- when nothing is free: call me back ----------------------------------- */

static struct booking_flow_fields flow_fields(const struct flow *f)
{
	return (struct booking_flow_fields){f->location, f->topic, f->time, f->selfcheck};
}

static void callback_form(struct request *rq, struct sb *o, const struct flow *f, const char *error)
{
	struct booking_callback_view v = {
	    .action = page_href(rq, "/afspraak/terugbellen"),
	    .csrf = csrf_token_of(rq, FORM_CALLBACK),
	    .flow = flow_fields(f),
	    .error = error,
	    .name = param(rq, "naam"),
	    .phone = param(rq, "telefoon"),
	};
	if (!v.csrf)
		o->failed = true;
	else
		tpl_booking_callback(o, &v);
}

/* ---- step 3: the day ----------------------------------------------------- */

/* The flow's URL at the week of monday. */
static const char *week_href(struct request *rq, const struct flow *f, struct hours_day monday)
{
	struct sb *u = arena_sb(&rq->arena, 1024);
	if (!u)
		return NULL;
	flow_url(u, rq, f->path ? f->path : "/afspraak", f, f->location, f->topic, NULL, NULL);
	sb_appendf(u, "&week=%04u-%02u-%02u", (unsigned)monday.year % 10000u,
	           (unsigned)monday.mon % 100u, (unsigned)monday.mday % 100u);
	return sb_failed(u) ? NULL : sb_str(u);
}

/* first_free (NULL: not wanted) gets the first day of the week shown
 * with a free time, "" when none. */
static void choose_day(struct request *rq, struct response *rs, struct flow *f, char first_free[11])
{
	if (first_free)
		first_free[0] = '\0';
	struct sb *o = &rs->body;
	struct booking_place cfg;
	booking_place_config(rq->app, f->location, &cfg);
	time_t now = clock_now();
	struct hours_day today;
	int minute;
	hours_local(now, &today, &minute);
	/* the week to show: from ?week=, else the week of the first free time */
	struct hours_day start = today;
	const char *week = params_get(&rq->query, "week");
	char probe[BOOKING_TIME_LEN];
	struct hours_day wd;
	int wm;
	bool asked_week = false;
	if (week && strlen(week) == 10) {
		snprintf(probe, sizeof(probe), "%sT00:00", week);
		if (booking_parse_time(probe, &wd, &wm)) {
			start = wd;
			asked_week = true;
		}
	}
	struct slot next;
	struct booking_day_view v = {.location = f->location_name, .move = f->path != NULL};
	v.any = booking_next_free(rq->app, f->location, f->topic, now, &next);
	char topic[128] = "";
	struct content_topic tq;
	if (content_ap_topic(db_catalog(rq->app), f->topic, &tq) == CONTENT_FOUND)
		snprintf(topic, sizeof(topic), "%s", C_(tq.name));
	content_topic_free(&tq);
	v.topic = topic;
	struct page_phone ph;
	if (!v.any) {
		v.call = page_call(rq, &ph);
		tpl_booking_day(o, &v);
		if (!f->path)
			callback_form(rq, o, f, NULL);
		return;
	}
	struct hours_day first;
	booking_parse_time(next.start, &first, &wm);
	struct hours_day chosen_day;
	char chosen_probe[BOOKING_TIME_LEN];
	if (!asked_week)
		start = first;
	if (!asked_week && f->day) {
		/* the week of the day chosen (the move page shows both) */
		snprintf(chosen_probe, sizeof(chosen_probe), "%.10sT00:00", f->day);
		if (booking_parse_time(chosen_probe, &chosen_day, &wm))
			start = chosen_day;
	}
	/* begin the week on Monday */
	start = hours_add_days(start, -((start.wday + 6) % 7));
	for (int i = 0; i < 7; i++) {
		struct hours_day d = hours_add_days(start, i);
		struct slot s[BOOKING_MAX_SLOTS];
		size_t n =
		    booking_day_slots(rq->app, f->location, f->topic, d, now, s, BOOKING_MAX_SLOTS);
		int free_starts = 0;
		for (size_t k = 0; k < n; k++)
			free_starts += s[k].free > 0;
		struct sb *label = arena_sb(&rq->arena, 128);
		if (label)
			i18n_format_date(label, d.year, d.mon, d.mday, d.wday);
		v.days[i].label = label ? sb_str(label) : NULL;
		v.days[i].free_starts = free_starts;
		char date[11];
		snprintf(date, sizeof(date), "%04u-%02u-%02u", (unsigned)d.year % 10000u,
		         (unsigned)d.mon % 100u, (unsigned)d.mday % 100u);
		v.days[i].current = f->day && strncmp(f->day, date, 10) == 0;
		if (free_starts > 0) {
			if (first_free && !v.week_has_free)
				memcpy(first_free, date, 11);
			v.week_has_free = true;
			v.days[i].href = flow_href(rq, f, f->location, f->topic, date, NULL);
			if (!v.days[i].href)
				o->failed = true; /* else it would show as unavailable */
		}
	}
	struct hours_day prev = hours_add_days(start, -7), nextw = hours_add_days(start, 7);
	struct hours_day monday = hours_add_days(today, -((today.wday + 6) % 7));
	if (prev.year * 10000 + prev.mon * 100 + prev.mday >=
	    monday.year * 10000 + monday.mon * 100 + monday.mday)
		v.prev = week_href(rq, f, prev);
	struct hours_day horizon = hours_add_days(today, cfg.horizon_days);
	if (nextw.year * 10000 + nextw.mon * 100 + nextw.mday <=
	    horizon.year * 10000 + horizon.mon * 100 + horizon.mday)
		v.next = week_href(rq, f, nextw);
	tpl_booking_day(o, &v);
}

/* ---- step 4: the time ---------------------------------------------------- */

static void choose_time(struct request *rq, struct response *rs, struct flow *f)
{
	char probe[BOOKING_TIME_LEN];
	snprintf(probe, sizeof(probe), "%sT00:00", f->day);
	struct hours_day d;
	int m;
	booking_parse_time(probe, &d, &m);
	struct slot s[BOOKING_MAX_SLOTS];
	size_t n =
	    booking_day_slots(rq->app, f->location, f->topic, d, clock_now(), s, BOOKING_MAX_SLOTS);
	struct booking_time_item *items = arena_alloc(&rq->arena, sizeof(*items) * (n ? n : 1));
	struct sb *label = arena_sb(&rq->arena, 128);
	if (!items || !label) {
		rs->body.failed = true;
		return;
	}
	size_t free_n = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i].free <= 0 || (f->exclude && strcmp(s[i].start, f->exclude) == 0))
			continue;
		struct sb *t = arena_sb(&rq->arena, 64);
		if (!t) {
			rs->body.failed = true;
			return;
		}
		booking_time_words(t, s[i].start);
		items[free_n++] = (struct booking_time_item){
		    .index = i, .start = arena_strdup(&rq->arena, s[i].start), .words = sb_str(t)};
	}
	i18n_format_date(label, d.year, d.mon, d.mday, d.wday);
	struct booking_time_view v = {
	    .lead_date = sb_str(label),
	    .location_name = f->location_name,
	    .action = free_n ? page_href(rq, f->path ? f->path : "/afspraak") : NULL,
	    .csrf = f->csrf,
	    .location = f->location,
	    .day = f->day,
	    .topic = f->topic,
	    .selfcheck = f->selfcheck,
	    .items = items,
	    .n = free_n,
	    .other_day = flow_href(rq, f, f->location, f->topic, NULL, NULL),
	};
	if (free_n && !v.action)
		rs->body.failed = true;
	else
		tpl_booking_time(&rs->body, &v);
}

/* ---- the picker, for moving an appointment -------------------------------- */

void booking_picker(struct request *rq, struct response *rs, const char *path, const char *csrf,
                    const char *location, const char *topic, const char *day, const char *exclude)
{
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.csrf = csrf;
	f.exclude = exclude;
	f.topic = topic;
	if (location && place_name(rq->app, location, f.location_name, sizeof(f.location_name)))
		f.location = location;
	if (!f.location || !f.topic) {
		rs->body.failed = true; /* the caller checked both: a 500 */
		return;
	}
	struct hours_day d;
	int m;
	char probe[BOOKING_TIME_LEN];
	if (day && strlen(day) == 10) {
		snprintf(probe, sizeof(probe), "%.10sT00:00", day);
		if (booking_parse_time(probe, &d, &m))
			f.day = day;
	}
	/* the week, and below it the times of the day chosen, or of the
	   week's first day with a free time */
	char first[11] = "";
	struct slot next;
	if (!f.day && !params_get(&rq->query, "week") &&
	    booking_next_free(rq->app, f.location, f.topic, clock_now(), &next)) {
		memcpy(first, next.start, 10);
		first[10] = '\0';
		f.day = first;
	}
	char week_first[11];
	choose_day(rq, rs, &f, week_first);
	if (!f.day && week_first[0])
		f.day = week_first;
	if (f.day)
		choose_time(rq, rs, &f);
}

/* ---- step 5: details ----------------------------------------------------- */

struct details {
	char *name, *phone, *email, *interpreter_lang;
	unsigned needs;
	bool share;
	const char *err_name, *err_phone, *err_email, *err_interpreter;
};

static const char *language_name(const char *code)
{
	const char *names[][2] = {
	    {"ar", _("Arabisch")},  {"tr", _("Turks")},
	    {"pl", _("Pools")},     {"uk", _("Oekraïens")},
	    {"en", _("Engels")},    {"de", _("Duits")},
	    {"ti", _("Tigrinya")},  {"fa", _("Perzisch (Farsi)")},
	    {"so", _("Somalisch")}, {"ru", _("Russisch")},
	    {"es", _("Spaans")},    {"fr", _("Frans")},
	    {"zh", _("Chinees")},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], code) == 0)
			return names[i][1];
	return NULL;
}

/* A field as typed, with white space trimmed and folded (NULL without
 * memory); the rules are booking_validate's. */
static char *clean(const char *s)
{
	struct sb b;
	sb_init(&b, 4096);
	text_trim_fold(&b, s ? s : "");
	char *r = sb_steal(&b);
	return r ? r : strdup("");
}

const char *page_name_error(enum booking_field_error e)
{
	switch (e) {
	case BOOKING_FIELD_OK:
		return NULL;
	case BOOKING_FIELD_TOO_LONG:
		return _("Uw naam is te lang. Gebruik hoogstens 100 tekens.");
	case BOOKING_FIELD_BAD_CHAR:
		/* TRANSLATORS: the name holds an invisible control or text-direction
		   character, mostly from copy and paste; typing it again helps */
		return _("In uw naam staat een teken dat we niet kunnen gebruiken. Typ uw naam "
		         "opnieuw.");
	default:
		return _("Vul uw naam in. Een voornaam is genoeg.");
	}
}

static bool read_details(struct request *rq, struct details *d)
{
	memset(d, 0, sizeof(*d));
	d->name = clean(params_get(&rq->form, "naam"));
	d->phone = clean(params_get(&rq->form, "telefoon"));
	/* without mail the form has no e-mail field: nothing else is stored */
	d->email = clean(mail_enabled(rq->app) ? params_get(&rq->form, "email") : NULL);
	d->interpreter_lang = clean(params_get(&rq->form, "tolktaal"));
	if (!d->name || !d->phone || !d->email || !d->interpreter_lang) {
		/* out of memory: refuse rather than write through NULL */
		free(d->name);
		free(d->phone);
		free(d->email);
		free(d->interpreter_lang);
		d->name = strdup("");
		d->phone = strdup("");
		d->email = strdup("");
		d->interpreter_lang = strdup("");
		d->err_name = _(PAGE_UNAVAILABLE);
		return false;
	}
	for (size_t i = 0; i < rq->form.n; i++) {
		if (strcmp(rq->form.v[i].name, "nodig") != 0)
			continue;
		const char *v = rq->form.v[i].value;
		d->needs |= strcmp(v, "tolk") == 0           ? NEED_INTERPRETER
		            : strcmp(v, "rolstoel") == 0     ? NEED_WHEELCHAIR
		            : strcmp(v, "meenemen") == 0     ? NEED_COMPANION
		            : strcmp(v, "ondersteuner") == 0 ? NEED_CLIENT_SUPPORT
		                                             : 0;
	}
	const char *share = params_get(&rq->form, "delen");
	d->share = share && strcmp(share, "ja") == 0;
	struct booking_request br = {
	    .name = d->name,
	    .phone = d->phone,
	    .email = d->email,
	    .lang = rq->lang->code,
	    .needs = d->needs,
	    .interpreter_lang = d->interpreter_lang,
	};
	struct booking_errors e;
	bool ok = booking_validate(&br, &e);
	d->err_name = page_name_error(e.name);
	if (e.phone != BOOKING_FIELD_OK)
		d->err_phone =
		    _("Dit telefoonnummer klopt niet. Gebruik alleen cijfers, zoals 06 12345678.");
	if (e.email != BOOKING_FIELD_OK)
		d->err_email =
		    _("Dit e-mailadres klopt niet. Het ziet eruit als naam@voorbeeld.nl.");
	if (e.interpreter != BOOKING_FIELD_OK)
		d->err_interpreter = _("Kies de taal voor de tolk.");
	if (e.lang != BOOKING_FIELD_OK && !d->err_name) /* the page's own language: never */
		d->err_name = _(PAGE_UNAVAILABLE);
	if (!(d->needs & NEED_INTERPRETER))
		d->interpreter_lang[0] = '\0';
	return ok;
}

static void details_free(struct details *d)
{
	free(d->name);
	free(d->phone);
	free(d->email);
	free(d->interpreter_lang);
}

static void details_form(struct request *rq, struct response *rs, struct flow *f, struct details *d)
{
	struct sb *w = arena_sb(&rq->arena, 256);
	size_t nlang = 0;
	while (booking_interpreter_lang(nlang))
		nlang++;
	struct c_option *langs = arena_alloc(&rq->arena, sizeof(*langs) * (nlang ? nlang : 1));
	if (!w || !langs) {
		rs->body.failed = true;
		return;
	}
	booking_when_words(w, f->time);
	for (size_t i = 0; i < nlang; i++) {
		const char *code = booking_interpreter_lang(i);
		langs[i] = (struct c_option){
		    .value = code,
		    .label = language_name(code) ? language_name(code) : code,
		    .selected = d && strcmp(d->interpreter_lang, code) == 0,
		};
	}
	unsigned needs = d ? d->needs : 0;
	struct booking_details_view v = {
	    .when = sb_str(w),
	    .location_name = f->location_name,
	    .action = page_href(rq, "/afspraak/gegevens"),
	    .csrf = csrf_token_of(rq, FORM_DETAILS),
	    .flow = flow_fields(f),
	    .interpreter = needs & NEED_INTERPRETER,
	    .wheelchair = needs & NEED_WHEELCHAIR,
	    .companion = needs & NEED_COMPANION,
	    .client_support = needs & NEED_CLIENT_SUPPORT,
	    .languages = langs,
	    .nlanguages = nlang,
	    .selfcheck = f->selfcheck != NULL,
	    .mail = mail_enabled(rq->app),
	    .reminder = rq->app->cfg.mail.reminder_hours > 0,
	};
	if (d) {
		v.name = d->name;
		v.phone = d->phone;
		v.email = d->email;
		v.err_name = d->err_name;
		v.err_phone = d->err_phone;
		v.err_email = d->err_email;
		v.err_interpreter = d->err_interpreter;
		v.share = d->share;
		const struct c_link all[] = {{"#f-naam", d->err_name},
		                             {"#f-telefoon", d->err_phone},
		                             {"#f-email", d->err_email},
		                             {"#f-tolktaal", d->err_interpreter}};
		for (size_t i = 0; i < 4; i++)
			if (all[i].text)
				v.errors[v.nerrors++] = all[i];
	}
	if (f->selfcheck) {
		/* the preview of what is shared: in words, in the reader's language */
		struct sc_words *sw = arena_alloc(&rq->arena, sizeof(*sw));
		if (sw &&
		    selfcheck_answers_in_words(rq->app, f->selfcheck, NULL, &rq->arena, true, sw))
			v.shared = sw;
	}
	if (!v.action || !v.csrf)
		rs->body.failed = true;
	else
		tpl_booking_details(&rs->body, &v);
}

static struct booking_details_fields details_fields(const struct details *d)
{
	return (struct booking_details_fields){
	    .name = d->name,
	    .phone = d->phone,
	    .email = d->email,
	    .interpreter_lang = d->interpreter_lang,
	    .interpreter = d->needs & NEED_INTERPRETER,
	    .wheelchair = d->needs & NEED_WHEELCHAIR,
	    .companion = d->needs & NEED_COMPANION,
	    .client_support = d->needs & NEED_CLIENT_SUPPORT,
	    .share = d->share,
	};
}

static void check_page(struct request *rq, struct response *rs, struct flow *f, struct details *d)
{
	struct sb *w = arena_sb(&rq->arena, 256);
	if (!w) {
		rs->body.failed = true;
		return;
	}
	booking_when_words(w, f->time);
	const char *lname = language_name(d->interpreter_lang);
	struct booking_check_view v = {
	    .lang = rq->lang ? rq->lang->code : "nl",
	    .rows =
	        {
	            {_("Waar"), f->location_name, flow_href(rq, f, NULL, NULL, NULL, NULL)},
	            {_("Onderwerp"), NULL, flow_href(rq, f, f->location, NULL, NULL, NULL)},
	            {_("Wanneer"), sb_str(w), flow_href(rq, f, f->location, f->topic, NULL, NULL)},
	        },
	    .name = d->name,
	    .phone = d->phone,
	    .email = d->email,
	    .mail = mail_enabled(rq->app),
	    .interpreter_name = lname ? lname : "",
	    .selfcheck = f->selfcheck != NULL,
	    .change_action = page_href(rq, "/afspraak/gegevens"),
	    .change_csrf = csrf_token_of(rq, FORM_DETAILS),
	    .confirm_action = page_href(rq, "/afspraak/bevestigen"),
	    .confirm_csrf = csrf_token_of(rq, FORM_CONFIRM),
	    .flow = flow_fields(f),
	    .details = details_fields(d),
	};
	struct content_topic t;
	if (content_ap_topic(db_catalog(rq->app), f->topic, &t) == CONTENT_FOUND)
		v.topic = arena_strdup(&rq->arena, t.name);
	content_topic_free(&t);
	if (!v.change_action || !v.change_csrf || !v.confirm_action || !v.confirm_csrf)
		rs->body.failed = true;
	else
		tpl_booking_check(&rs->body, &v);
}

void handle_booking(struct request *rq, struct response *rs)
{
	struct flow f;
	read_flow(rq, &f);
	no_store(rs);
	page_begin(rs, rq, _("Afspraak met de wijkwijzer"), 0);
	if (!f.location)
		choose_location(rq, rs, &f);
	else if (!f.topic)
		choose_topic(rq, rs, &f);
	else if (!f.day && !f.time)
		choose_day(rq, rs, &f, NULL);
	else if (!f.time)
		choose_time(rq, rs, &f);
	else
		details_form(rq, rs, &f, NULL);
	page_end(rs, rq);
}

void handle_booking_details(struct request *rq, struct response *rs)
{
	struct flow f;
	read_flow(rq, &f);
	no_store(rs);
	if (!f.location || !f.topic || !f.time) {
		page_error(
		    rq, rs, 400, "incomplete",
		    _("Er ontbreekt een keuze. Begin opnieuw bij het maken van een afspraak."));
		return;
	}
	struct details d;
	bool ok = read_details(rq, &d);
	const char *change = params_get(&rq->form, "wijzig");
	if (!ok && !change)
		rs->status = 422; /* before page_begin: the title says "Fout:" */
	page_begin(rs, rq, ok && !change ? _("Klopt alles?") : _("Uw gegevens"), 0);
	if (change) {
		d.err_name = d.err_phone = d.err_email = d.err_interpreter = NULL;
		details_form(rq, rs, &f, &d);
	} else if (!ok) {
		details_form(rq, rs, &f, &d);
	} else {
		check_page(rq, rs, &f, &d);
	}
	details_free(&d);
	page_end(rs, rq);
}

/* "Just taken": the next free times, with the details kept. */
static void taken_page(struct request *rq, struct response *rs, struct flow *f, struct details *d,
                       bool bad_slot)
{
	rs->status = 409;
	page_begin(rs, rq, _("Deze tijd is net bezet"), 0);
	struct slot s[8];
	size_t n = booking_free_after(rq->app, f->location, f->topic, clock_now(), NULL, s, 8);
	struct booking_taken_item items[8];
	for (size_t i = 0; i < n; i++) {
		struct sb *w = arena_sb(&rq->arena, 128);
		if (!w) {
			rs->body.failed = true;
			return;
		}
		booking_when_words(w, s[i].start);
		items[i] =
		    (struct booking_taken_item){arena_strdup(&rq->arena, s[i].start), sb_str(w)};
	}
	struct booking_taken_view v = {
	    .bad_slot = bad_slot,
	    .callback = n == 0,
	    .location = f->location,
	    .topic = f->topic,
	    .selfcheck = f->selfcheck,
	    .details = details_fields(d),
	    .items = items,
	    .n = n,
	};
	if (n) {
		v.action = page_href(rq, "/afspraak/bevestigen");
		v.csrf = csrf_token_of(rq, FORM_CONFIRM);
		if (!v.action || !v.csrf) {
			rs->body.failed = true;
			return;
		}
	}
	tpl_booking_taken(&rs->body, &v);
	if (n == 0)
		callback_form(rq, &rs->body, f, NULL);
	page_end(rs, rq);
}

void handle_booking_confirm(struct request *rq, struct response *rs)
{
	struct flow f;
	read_flow(rq, &f);
	no_store(rs);
	struct details d;
	bool ok = read_details(rq, &d);
	if (!f.location || !f.topic || !ok) {
		details_free(&d);
		page_error(
		    rq, rs, 400, "incomplete",
		    _("Er ontbreekt een keuze. Begin opnieuw bij het maken van een afspraak."));
		return;
	}
	if (!f.time) {
		taken_page(rq, rs, &f, &d, true);
		details_free(&d);
		return;
	}
	struct sb *summary = arena_sb(&rq->arena, 8192);
	struct sb *token = arena_sb(&rq->arena, 128);
	if (!summary || !token) {
		rs->body.failed = true; /* a 500 in server.c; nothing booked */
		details_free(&d);
		return;
	}
	bool share =
	    d.share && f.selfcheck && selfcheck_summary_stored(rq->app, f.selfcheck, summary);
	struct booking_request br = {
	    .location = f.location,
	    .start = f.time,
	    .topic = f.topic,
	    .name = d.name,
	    .phone = d.phone,
	    .email = d.email,
	    .lang = rq->lang->code,
	    .needs = d.needs,
	    .interpreter_lang = d.interpreter_lang,
	    .summary = share ? sb_str(summary) : NULL,
	    .origin = f.terminal ? "kiosk" : "web",
	    .client = rq->peer,
	    .terminal = f.terminal,
	};
	struct booking b;
	enum booking_result r = booking_create(rq->app, &br, clock_now(), token, &b);
	if (r == BOOKING_OK) {
		struct sb *loc = arena_sb(&rq->arena, 256);
		if (!loc || !page_link(loc, rq, "/afspraak/") || !sb_puts(loc, sb_str(token)) ||
		    !sb_puts(loc, "?nieuw=1") || !response_redirect(rs, 303, sb_str(loc)))
			rs->body.failed = true; /* a 500 in server.c */
		booking_free(&b);
	} else if (r == BOOKING_FULL || r == BOOKING_BAD_SLOT) {
		taken_page(rq, rs, &f, &d, r == BOOKING_BAD_SLOT);
	} else if (r == BOOKING_INVALID) {
		/* read_details checked the same rules: only if they changed between */
		rs->status = 422;
		page_begin(rs, rq, _("Uw gegevens"), 0);
		details_form(rq, rs, &f, &d);
		page_end(rs, rq);
	} else if (r == BOOKING_LIMIT || r == BOOKING_CLIENT_LIMIT) {
		/* the form again, filled in, with the reason at the field it is
		   about: the contact that has its three, or the phone number
		   that lifts the limit of bookings without contact details */
		rs->status = 429;
		if (r == BOOKING_LIMIT) {
			const char *msg =
			    _("Met dit telefoonnummer of e-mailadres zijn deze week al drie "
			      "afspraken gemaakt. "
			      "Bel of loop binnen bij de wijkwijzer als u meer nodig heeft.");
			if (*d.phone)
				d.err_phone = msg;
			else
				d.err_email = msg;
		} else {
			d.err_phone =
			    _("Zonder telefoonnummer of e-mailadres kunt u vanaf dit apparaat "
			      "deze week geen afspraak meer maken. Vul uw telefoonnummer of "
			      "e-mailadres in. U kunt ook bellen of binnenlopen bij de "
			      "wijkwijzer.");
		}
		page_begin(rs, rq, _("Uw gegevens"), 0);
		details_form(rq, rs, &f, &d);
		page_end(rs, rq);
	} else {
		page_error(rq, rs, 503, "unavailable",
		           _("Uw afspraak kon nu niet worden opgeslagen. Er is niets vastgelegd. "
		             "Probeer het over "
		             "een paar minuten opnieuw, of bel de wijkwijzer."));
	}
	details_free(&d);
}
