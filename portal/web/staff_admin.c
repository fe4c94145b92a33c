/* staff_admin: the beheerder's pages: the accounts (make one, change its
 * role, wijkwijzers and whether it may log in, set a new password) and
 * the audit trail with its filter. The markup is in templates/
 * staff_accounts.html, staff_account.html and staff_audit.html; what they
 * change is domain/staff.h, what they read domain/audit.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/text.h"
#include "domain/audit.h"
#include "domain/booking.h"
#include "domain/staff.h"
#include "exec/db.h"
#include "net/csrf.h"
#include "net/route.h"
#include "store/content.h"
#include "store/content_edit.h"
#include "web/handlers.h"
#include "web/page.h"
#include "web/staff.h"
#include "web/templates.h"
#include "web/views_st.h"

/* the forms' routes (their tokens are bound to them) */
#define FORM_ACCOUNTS "/{lang}/medewerker/accounts"
#define FORM_ACCOUNT  "/{lang}/medewerker/accounts/{id}"
#define FORM_PASSWORD "/{lang}/medewerker/accounts/{id}/wachtwoord"

#define UNAVAILABLE N_(PAGE_UNAVAILABLE)

/* ---- the account form ------------------------------------------------------ */

/* The organisations of the content as the options of a select (selected:
 * u's, when u is an aanbieder); NULL and *n 0 on failure (*ok false). */
static const struct c_option *organization_options(struct request *rq, const struct staff_user *u,
                                                   size_t *n, bool *ok)
{
	struct content_entry *orgs = NULL;
	size_t norgs = 0;
	*n = 0;
	if (!content_entries(db_catalog(rq->app), "organization", NULL, &orgs, &norgs)) {
		*ok = false;
		return NULL;
	}
	struct c_option *o = norgs ? arena_alloc(&rq->arena, norgs * sizeof(*o)) : NULL;
	for (size_t i = 0; o && i < norgs; i++) {
		o[i] = (struct c_option){.value = arena_strdup(&rq->arena, orgs[i].id),
		                         .label = arena_strdup(&rq->arena, orgs[i].name),
		                         .selected = u && u->role == STAFF_AANBIEDER &&
		                                     strcmp(u->organization, orgs[i].id) == 0};
		if (!o[i].value || !o[i].label)
			o = NULL;
	}
	content_entries_free(orgs, norgs);
	if (norgs && !o)
		*ok = false;
	*n = o ? norgs : 0;
	return o;
}

/* The wijkwijzers as check boxes (checked: those of u; u NULL: none), the
 * organisations of an aanbieder as a select, and the roles as radios;
 * false without memory. */
static bool account_form(struct request *rq, struct staff_account_form *f,
                         const struct staff_user *u, const char *action, const char *form,
                         const char *error)
{
	struct content_place *pl = NULL;
	size_t n = 0;
	if (!content_ap_places(db_catalog(rq->app), NULL, 0, &pl, &n))
		return false;
	struct c_choice *places = n ? arena_alloc(&rq->arena, n * sizeof(*places)) : NULL;
	for (size_t i = 0; places && i < n; i++) {
		bool mine = false;
		for (size_t k = 0; u && k < u->nlocations; k++)
			mine = mine || strcmp(u->locations[k], pl[i].id) == 0;
		places[i] = (struct c_choice){.value = arena_strdup(&rq->arena, pl[i].id),
		                              .label = arena_strdup(&rq->arena, pl[i].name),
		                              .checked = mine};
	}
	content_places_free(pl, n);
	struct c_choice *roles = arena_alloc(&rq->arena, STAFF_ACCOUNT_ROLES * sizeof(*roles));
	if (roles) {
		bool admin = u && u->role == STAFF_BEHEERDER;
		bool provider = u && u->role == STAFF_AANBIEDER;
		roles[0] = (struct c_choice){"medewerker",
		                             _("Medewerker: werkt voor de wijkwijzers "
		                               "die hieronder zijn aangevinkt"),
		                             !admin && !provider};
		roles[1] = (struct c_choice){"beheerder",
		                             _("Beheerder: ziet alle wijkwijzers, "
		                               "maakt accounts en leest het logboek"),
		                             admin};
		roles[2] = (struct c_choice){"aanbieder",
		                             _("Aanbieder: past de gegevens van de eigen "
		                               "organisatie aan in de sociale kaart"),
		                             provider};
	}
	bool orgs_ok = true;
	*f = (struct staff_account_form){.action = action,
	                                 .csrf = csrf_token_of(rq, form),
	                                 .roles = roles,
	                                 .places = places,
	                                 .nplaces = places ? n : 0,
	                                 .error = error};
	f->organizations = organization_options(rq, u, &f->norganizations, &orgs_ok);
	return f->action && f->csrf && roles && (!n || places) && orgs_ok;
}

/* The role, the ticked wijkwijzers and the chosen organisation (NULL:
 * none) of a posted account form. */
static bool posted_account(struct request *rq, enum staff_role *role, const char **locations,
                           size_t *n, const char **organization)
{
	*n = 0;
	const char *org = params_get(&rq->form, "organisatie");
	*organization = org && *org ? org : NULL;
	for (size_t i = 0; i < rq->form.n; i++)
		if (strcmp(rq->form.v[i].name, "locatie") == 0) {
			if (*n == STAFF_MAX_LOCATIONS)
				return false;
			locations[(*n)++] = rq->form.v[i].value;
		}
	return staff_role_parse(params_get(&rq->form, "rol"), role);
}

/* What the page says when an account change is refused. */
static const char *refusal(enum staff_result r)
{
	switch (r) {
	case STAFF_BAD_NAME:
		return _(
		    "Kies een naam van 2 tot 64 tekens: letters zonder accenten, cijfers, punt, "
		    "streepje of liggend streepje. Bijvoorbeeld fatima.yilmaz.");
	case STAFF_NAME_TAKEN:
		return _("Er is al een account met deze naam. Kies een andere naam.");
	case STAFF_BAD_LOCATION:
		return _("Kies de wijkwijzers uit de lijst.");
	case STAFF_NO_LOCATION:
		return _("Een medewerker hoort bij minstens één wijkwijzer. Vink er een aan.");
	case STAFF_BAD_ORGANIZATION:
		return _("Kies de organisatie van de aanbieder uit de lijst.");
	case STAFF_WEAK_PASSWORD:
		return _("Kies een wachtwoord van minstens 12 tekens.");
	case STAFF_LAST_BEHEERDER:
		return _("Dit is de laatste beheerder die kan inloggen. Maak eerst een andere "
		         "beheerder.");
	case STAFF_NOT_FOUND:
		return _("Dit account bestaat niet.");
	case STAFF_OK:
	case STAFF_FAILED:
		break;
	}
	return _(PAGE_UNAVAILABLE);
}

/* ---- the list and a new account -------------------------------------------- */

/* The wijkwijzers of u by name ("Wijkwijzer Centrum, Wijkwijzer Noord"),
 * or "alle wijkwijzers", or an aanbieder's organisation by name; from the
 * request's arena. */
static const char *places_words(struct request *rq, const struct staff_user *u)
{
	if (u->role == STAFF_BEHEERDER)
		return _("alle wijkwijzers");
	if (u->role == STAFF_AANBIEDER) {
		struct content_entry o;
		/* an organisation gone from the content shows as its slug */
		const char *name = content_entry(db_catalog(rq->app), "organization",
		                                 u->organization, &o) == CONTENT_FOUND
		                       ? arena_strdup(&rq->arena, o.name)
		                       : arena_strdup(&rq->arena, u->organization);
		content_entry_free(&o);
		return name;
	}
	struct sb *w = arena_sb(&rq->arena, 128);
	for (size_t i = 0; w && i < u->nlocations; i++) {
		struct content_place pl;
		if (i)
			sb_puts(w, P_("list separator", ", "));
		sb_puts(w, content_place(db_catalog(rq->app), u->locations[i], &pl) == CONTENT_FOUND
		               ? pl.name
		               : u->locations[i]);
		content_place_free(&pl);
	}
	return w && !sb_failed(w) ? sb_str(w) : NULL;
}

static void accounts_page(struct request *rq, struct response *rs, const struct staff_user *me,
                          const char *error, const char *notice)
{
	struct staff_user *all = NULL;
	size_t n = 0;
	if (!staff_list(rq->app, &all, &n)) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	struct staff_accounts_view v = {.nav = staff_nav_of(rq, me, STAFF_NAV_ACCOUNTS),
	                                .notice = notice};
	struct staff_account_row *rows = n ? arena_alloc(&rq->arena, n * sizeof(*rows)) : NULL;
	const char *base = page_href(rq, "/medewerker/accounts/");
	bool ok = v.nav && base && (!n || rows) &&
	          account_form(rq, &v.form, NULL, page_href(rq, "/medewerker/accounts"),
	                       FORM_ACCOUNTS, error);
	for (size_t i = 0; ok && i < n; i++) {
		rows[i] = (struct staff_account_row){
		    .u = &all[i],
		    .role = staff_role_words(all[i].role),
		    .places = places_words(rq, &all[i]),
		    .href = arena_printf(&rq->arena, "%s%lld", base, all[i].id),
		};
		ok = rows[i].places && rows[i].href;
	}
	v.rows = rows;
	v.nrows = n;
	/* after a refused try, what was typed (never the password) */
	const char *typed = params_get(&rq->form, "naam");
	v.name = error && typed && strlen(typed) <= STAFF_NAME_MAX ? typed : NULL;
	if (!ok)
		rs->body.failed = true; /* a 500 in server.c */
	/* a refused form is a 422, whose title page_begin starts with "Fout:" */
	else if (page_begin(rs, rq, _("Accounts"), 0) && tpl_staff_accounts(&rs->body, &v))
		page_end(rs, rq);
	free(all);
}

void handle_staff_accounts(struct request *rq, struct response *rs)
{
	struct staff_user me;
	if (!staff_require_beheerder(rq, rs, &me))
		return;
	if (rq->method != HM_POST) {
		accounts_page(rq, rs, &me, NULL, NULL);
		return;
	}
	enum staff_role role;
	const char *locations[STAFF_MAX_LOCATIONS];
	size_t nloc;
	const char *organization;
	const char *name = params_get(&rq->form, "naam");
	enum staff_result r = STAFF_BAD_LOCATION;
	const char *p1 = params_get(&rq->form, "wachtwoord"),
	           *p2 = params_get(&rq->form, "herhaal");
	if (!p1 || !p2 || strcmp(p1, p2) != 0) {
		rs->status = 422;
		accounts_page(rq, rs, &me,
		              _("De twee wachtwoorden zijn niet gelijk. Typ ze nog een keer."),
		              NULL);
		return;
	}
	if (posted_account(rq, &role, locations, &nloc, &organization))
		r = staff_add(rq->app, &me, name, role, locations, nloc, organization, p1, NULL);
	if (r == STAFF_FAILED) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (r != STAFF_OK) {
		rs->status = 422;
		accounts_page(rq, rs, &me, refusal(r), NULL);
		return;
	}
	/* TRANSLATORS: %s is the new account's name */
	accounts_page(rq, rs, &me, NULL,
	              arena_printf(&rq->arena,
	                           _("Het account %s is gemaakt. Geef de naam en het wachtwoord "
	                             "persoonlijk door; de medewerker kan het wachtwoord daarna "
	                             "zelf wijzigen."),
	                           name));
}

/* ---- one account ----------------------------------------------------------- */

static void account_page(struct request *rq, struct response *rs, const struct staff_user *me,
                         const struct staff_user *u, const char *error, const char *password_error,
                         const char *notice)
{
	const char *self =
	    arena_printf(&rq->arena, "%s%lld", page_href(rq, "/medewerker/accounts/"), u->id);
	struct staff_account_view v = {
	    .nav = staff_nav_of(rq, me, STAFF_NAV_ACCOUNTS),
	    .u = u,
	    .active = u->active,
	    .password_action = self ? arena_printf(&rq->arena, "%s/wachtwoord", self) : NULL,
	    .password_csrf = csrf_token_of(rq, FORM_PASSWORD),
	    .password_error = password_error,
	    .notice = notice,
	    .back = page_href(rq, "/medewerker/accounts"),
	};
	if (!v.nav || !self || !v.password_action || !v.password_csrf || !v.back ||
	    !account_form(rq, &v.form, u, self, FORM_ACCOUNT, error))
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Account wijzigen"), 0) && tpl_staff_account(&rs->body, &v))
		page_end(rs, rq);
}

/* The account of the path's {id}; a 404 page and false when none. */
static bool path_account(struct request *rq, struct response *rs, struct staff_user *u)
{
	long id;
	if (text_parse_long(route_param(rq, 1), 1, 1L << 40, &id) && staff_find(rq->app, id, u))
		return true;
	page_error(rq, rs, 404, "not_found", _("Dit account bestaat niet."));
	return false;
}

void handle_staff_account(struct request *rq, struct response *rs)
{
	struct staff_user me, u;
	if (!staff_require_beheerder(rq, rs, &me) || !path_account(rq, rs, &u))
		return;
	if (rq->method != HM_POST) {
		account_page(rq, rs, &me, &u, NULL, NULL, NULL);
		return;
	}
	enum staff_role role;
	const char *locations[STAFF_MAX_LOCATIONS];
	size_t nloc;
	const char *organization;
	const char *active = params_get(&rq->form, "actief");
	enum staff_result r = posted_account(rq, &role, locations, &nloc, &organization)
	                          ? staff_update(rq->app, &me, u.id, role, locations, nloc,
	                                         organization, active && strcmp(active, "ja") == 0)
	                          : STAFF_BAD_LOCATION;
	if (r == STAFF_FAILED) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (r != STAFF_OK) {
		rs->status = 422;
		account_page(rq, rs, &me, &u, refusal(r), NULL, NULL);
		return;
	}
	struct staff_user now;
	if (!staff_find(rq->app, u.id, &now)) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	account_page(rq, rs, &me, &now, NULL, NULL, _("De wijzigingen zijn opgeslagen."));
}

void handle_staff_account_password(struct request *rq, struct response *rs)
{
	struct staff_user me, u;
	if (!staff_require_beheerder(rq, rs, &me) || !path_account(rq, rs, &u))
		return;
	const char *p1 = params_get(&rq->form, "wachtwoord"),
	           *p2 = params_get(&rq->form, "herhaal");
	enum staff_result r = p1 && p2 && strcmp(p1, p2) == 0
	                          ? staff_set_password(rq->app, &me, u.id, p1, NULL)
	                          : STAFF_OK;
	if (r == STAFF_FAILED) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	if (!p1 || !p2 || strcmp(p1, p2) != 0 || r != STAFF_OK) {
		rs->status = 422;
		account_page(rq, rs, &me, &u, NULL,
		             r != STAFF_OK
		                 ? refusal(r)
		                 : _("De twee wachtwoorden zijn niet gelijk. Typ ze nog een "
		                     "keer."),
		             NULL);
		return;
	}
	account_page(rq, rs, &me, &u, NULL, NULL,
	             _("Het nieuwe wachtwoord is ingesteld. Het account is overal uitgelogd."));
}

/* ---- the audit trail ------------------------------------------------------- */

static const struct {
	const char *action, *words;
} action_words[] = {
    {AUDIT_LOGIN, N_("Ingelogd")},
    {AUDIT_LOGOUT, N_("Uitgelogd")},
    {AUDIT_AGENDA_VIEW, N_("Agenda bekeken")},
    {AUDIT_AGENDA_EXPORT, N_("Agenda gedownload (CSV)")},
    {AUDIT_BOOKING_VIEW, N_("Afspraak bekeken")},
    {AUDIT_SUMMARY_VIEW, N_("Gedeelde zelfcheck bekeken")},
    {AUDIT_BOOKING_STATUS, N_("Status van een afspraak gewijzigd")},
    {AUDIT_BLOCK, N_("Tijd geblokkeerd")},
    {AUDIT_UNBLOCK, N_("Blokkade opgeheven")},
    {AUDIT_CALLBACK_VIEW, N_("Terugbelverzoeken bekeken")},
    {AUDIT_CALLBACK_STATUS, N_("Terugbelverzoek bijgewerkt")},
    {AUDIT_ACCOUNT_ADD, N_("Account gemaakt")},
    {AUDIT_ACCOUNT_UPDATE, N_("Account gewijzigd")},
    {AUDIT_ACCOUNT_PASSWORD, N_("Wachtwoord ingesteld")},
    {AUDIT_TRAIL_VIEW, N_("Logboek bekeken")},
    {AUDIT_INSIGHT_VIEW, N_("Inzicht bekeken")},
    {AUDIT_INSIGHT_EXPORT, N_("Inzicht gedownload (CSV)")},
};
#define NACTIONS (sizeof(action_words) / sizeof(action_words[0]))

static const char *action_text(const char *action)
{
	for (size_t i = 0; i < NACTIONS; i++)
		if (strcmp(action_words[i].action, action) == 0)
			return _(action_words[i].words);
	return action;
}

static const struct {
	const char *word, *words;
} detail_words[] = {
    {"checked_in", N_("aangemeld")},  {"no_show", N_("niet gekomen")},
    {"confirmed", N_("teruggezet")},  {"inactive", N_("mag niet meer inloggen")},
    {"medewerker", N_("medewerker")}, {"beheerder", N_("beheerder")},
    {"called", N_("gebeld")},         {"not_reached", N_("niet bereikt")},
    {"done", N_("afgehandeld")},      {"open", N_("weer open")},
};

/* A row's detail in words: the account or booking it was about, the
 * status in words, the day; from the request's arena. */
static const char *entry_detail(struct request *rq, const struct audit_entry *e)
{
	struct sb *w = arena_sb(&rq->arena, 128);
	if (!w)
		return NULL;
	if (e->account > 0) {
		struct staff_user u;
		/* TRANSLATORS: in the audit trail: the account an action changed */
		sb_appendf(w, _("account %s"), staff_find(rq->app, e->account, &u) ? u.name : "?");
	}
	if (e->booking > 0) {
		struct booking b;
		enum booking_result r = booking_find_id(rq->app, e->booking, &b);
		char ref[16] = "";
		if ((r == BOOKING_OK || r == BOOKING_CANCELLED) && b.reference)
			booking_reference_display(b.reference, ref);
		if (r == BOOKING_OK || r == BOOKING_CANCELLED)
			booking_free(&b);
		/* TRANSLATORS: in the audit trail: the appointment, by its code */
		sb_appendf(w, "%s",
		           *ref ? arena_printf(&rq->arena, _("afspraak %s"), ref)
		                : arena_printf(&rq->arena, _("afspraak nr. %lld"), e->booking));
	}
	if (e->callback > 0) {
		if (w->len)
			sb_puts(w, P_("list separator", ", "));
		/* TRANSLATORS: in the audit trail: a call-back request by its number */
		sb_appendf(w, _("terugbelverzoek nr. %lld"), e->callback);
	}
	if (e->detail[0]) {
		const char *d = e->detail;
		for (size_t i = 0; i < sizeof(detail_words) / sizeof(detail_words[0]); i++)
			if (strcmp(detail_words[i].word, d) == 0)
				d = _(detail_words[i].words);
		if (w->len)
			sb_puts(w, P_("list separator", ", "));
		sb_puts(w, d);
	}
	return sb_failed(w) ? NULL : w->len ? sb_str(w) : NULL;
}

/* "dinsdag 1 december 2026, 09:30:05" in local time, from the arena. */
static const char *entry_when(struct request *rq, const char *at)
{
	time_t t;
	struct tm local;
	struct sb *w = arena_sb(&rq->arena, 96);
	if (!w || !clock_parse_iso(at, &t) || !localtime_r(&t, &local))
		return at;
	i18n_format_date(w, local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_wday);
	sb_appendf(w, ", %02d:%02d:%02d", local.tm_hour, local.tm_min, local.tm_sec);
	return sb_failed(w) ? at : sb_str(w);
}

/* the markup is the template web/templates/staff_audit.html */
void handle_staff_audit(struct request *rq, struct response *rs)
{
	struct staff_user me;
	if (!staff_require_beheerder(rq, rs, &me))
		return;
	const char *actor = params_get(&rq->query, "wie"), *kind = params_get(&rq->query, "wat");
	const char *loc = params_get(&rq->query, "locatie"), *code = params_get(&rq->query, "code");
	const char *from = params_get(&rq->query, "van"), *to = params_get(&rq->query, "tot");
	struct audit_filter f = {.actor = actor && *actor ? actor : NULL,
	                         .location = loc && *loc ? loc : NULL,
	                         .from = page_day(rq, from),
	                         .to = page_day(rq, to),
	                         .limit = 200};
	const char *error = NULL;
	for (size_t i = 0; kind && i < NACTIONS; i++)
		if (strcmp(kind, action_words[i].action) == 0)
			f.action = kind;
	if ((from && *from && !f.from) || (to && *to && !f.to))
		error = _("Vul een datum in als dag-maand-jaar, bijvoorbeeld 08-12-2026.");
	bool none = false;
	if (code && *code) {
		struct booking b;
		enum booking_result r = booking_find_reference(rq->app, code, &b);
		if (r == BOOKING_OK || r == BOOKING_CANCELLED) {
			f.booking = b.id;
			booking_free(&b);
		} else {
			error =
			    _("Er is geen afspraak met deze code (meer). Na de bewaartermijn is de "
			      "code verwijderd.");
			none = true;
		}
	}
	struct audit_subject s = {0};
	if (!staff_audit(rq, rs, &me, AUDIT_TRAIL_VIEW, &s))
		return;
	struct audit_entry *entries = NULL;
	size_t n = 0;
	bool more = false;
	if (!none && !audit_list(rq->app, &f, &entries, &n, &more)) {
		page_error(rq, rs, 503, "unavailable", _(PAGE_UNAVAILABLE));
		return;
	}
	struct staff_audit_view v = {
	    .nav = staff_nav_of(rq, &me, STAFF_NAV_AUDIT),
	    .action = page_href(rq, "/medewerker/logboek"),
	    .actor = actor,
	    .from = from,
	    .to = to,
	    .code = code,
	    .error = error,
	    .more = more,
	    .days = rq->app->cfg.audit_days,
	};
	struct c_option *kinds = arena_alloc(&rq->arena, NACTIONS * sizeof(*kinds));
	for (size_t i = 0; kinds && i < NACTIONS; i++)
		kinds[i] =
		    (struct c_option){action_words[i].action, _(action_words[i].words),
		                      f.action && strcmp(f.action, action_words[i].action) == 0};
	v.kinds = kinds;
	v.nkinds = kinds ? NACTIONS : 0;
	struct content_place *pl = NULL;
	size_t npl = 0;
	struct c_option *places = NULL;
	if (content_ap_places(db_catalog(rq->app), NULL, 0, &pl, &npl) && npl)
		places = arena_alloc(&rq->arena, npl * sizeof(*places));
	for (size_t i = 0; places && i < npl; i++)
		places[i] = (struct c_option){arena_strdup(&rq->arena, pl[i].id),
		                              arena_strdup(&rq->arena, pl[i].name),
		                              f.location && strcmp(f.location, pl[i].id) == 0};
	v.places = places;
	v.nplaces = places ? npl : 0;
	struct staff_audit_row *rows = n ? arena_alloc(&rq->arena, n * sizeof(*rows)) : NULL;
	for (size_t i = 0; rows && i < n; i++) {
		const char *place = NULL;
		for (size_t k = 0; entries[i].location[0] && k < v.nplaces; k++)
			if (strcmp(v.places[k].value, entries[i].location) == 0)
				place = v.places[k].label;
		rows[i] = (struct staff_audit_row){
		    .e = &entries[i],
		    /* TRANSLATORS: in the audit trail: done on the server's command line */
		    .who =
		        entries[i].actor_id ? entries[i].actor : _("op de server (opdrachtregel)"),
		    .when = entry_when(rq, entries[i].at),
		    .what = action_text(entries[i].action),
		    .place = place                    ? place
		             : entries[i].location[0] ? entries[i].location
		                                      : NULL,
		    .detail = entry_detail(rq, &entries[i]),
		};
	}
	v.rows = rows;
	v.nrows = rows ? n : 0;
	if (!v.nav || !v.action || !kinds || (npl && !places) || (n && !rows))
		rs->body.failed = true; /* a 500 in server.c */
	else if (page_begin(rs, rq, _("Logboek"), 0) && tpl_staff_audit(&rs->body, &v))
		page_end(rs, rq);
	if (pl)
		content_places_free(pl, npl);
	free(entries);
}
