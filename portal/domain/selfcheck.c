#include "domain/selfcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "store/catalog.h"
#include "exec/db.h"
#include "base/crypto.h"
#include "store/store.h"
#include "base/text.h"
#include "base/arena.h"
#include "base/i18n.h"

bool selfcheck_path_valid(char path)
{
	return path == SC_SELF || path == SC_OTHER || path == SC_CARER;
}

static const char *path_name(char path)
{
	return path == SC_SELF ? "self" : path == SC_OTHER ? "other" : "carer";
}

size_t selfcheck_questions(struct app *app, char path, struct sc_question *out, size_t max)
{
	if (!selfcheck_path_valid(path))
		return 0;
	sqlite3_stmt *st = store_stmt(
	    catalog_store(db_catalog(app)),
	    "SELECT id, domain, answer_set, text_self, coalesce(text_other, ''), "
	    "coalesce(help, '') FROM sc_questions WHERE instr(';' || paths || ';', ';' || "
	    "?1 || ';') > 0 ORDER BY \"order\"");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, path_name(path), -1, SQLITE_STATIC);
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct sc_question *q = &out[n++];
		snprintf(q->id, sizeof(q->id), "%s", store_text(st, 0));
		snprintf(q->domain, sizeof(q->domain), "%s", store_text(st, 1));
		snprintf(q->answer_set, sizeof(q->answer_set), "%s", store_text(st, 2));
		q->text_self = strdup(store_text(st, 3));
		q->text_other = strdup(store_text(st, 4));
		q->help = strdup(store_text(st, 5));
		if (!q->text_self || !q->text_other || !q->help) {
			selfcheck_questions_free(q, 1);
			n--;
			break; /* out of memory: fewer questions, never a NULL text */
		}
	}
	sqlite3_reset(st);
	return n;
}

void selfcheck_questions_free(struct sc_question *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(q[i].text_self);
		free(q[i].text_other);
		free(q[i].help);
	}
}

const char *selfcheck_answers_of(const char *set)
{
	if (strcmp(set, "lukt") == 0)
		return "znx";
	if (strcmp(set, "belasting") == 0)
		return "esv";
	if (strcmp(set, "janee") == 0)
		return "je";
	return "";
}

bool selfcheck_answers_valid(const struct sc_question *q, size_t n, const char *answers,
                             bool complete)
{
	size_t len = strlen(answers);
	if (len > n || (complete && len != n))
		return false;
	for (size_t i = 0; i < len; i++) {
		char a = answers[i];
		if (a != SC_WEETNIET && a != SC_SKIP &&
		    !strchr(selfcheck_answers_of(q[i].answer_set), a))
			return false;
	}
	return true;
}

static const char *answer_code(char a)
{
	switch (a) {
	case SC_ZELF:
		return "zelf";
	case SC_NETWERK:
		return "netwerk";
	case SC_NIET:
		return "niet";
	case SC_JA:
		return "ja";
	case SC_NEE:
		return "nee";
	case SC_SOMS:
		return "soms";
	case SC_VAAK:
		return "vaak";
	case SC_WEETNIET:
		return "weetniet";
	default:
		return NULL;
	}
}

/* Adds v to a list of at most max entries, once. */
static void add_to(char list[][65], size_t *n, size_t max, const char *v)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], v) == 0)
			return;
	if (*n < max)
		snprintf(list[(*n)++], 65, "%s", v);
}

/* Calls fn for each term of a semicolon list. */
static void each_term(const char *p, void (*fn)(void *, const char *), void *arg)
{
	while (p && *p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		char term[65];
		snprintf(term, sizeof(term), "%.*s", (int)(len < 64 ? len : 64), p);
		if (*term)
			fn(arg, term);
		if (!semi)
			break;
		p = semi + 1;
	}
}

static void add_outcome_term(void *arg, const char *term)
{
	struct sc_outcome *out = arg;
	add_to(out->needs, &out->nneeds, SC_MAX_ITEMS, term);
}

static void add_need_term(void *arg, const char *term)
{
	struct sc_need *nd = arg;
	add_to(nd->terms, &nd->nterms, SC_NEED_TERMS, term);
}

/* A rule (or combination) that fired for a question. */
struct fired {
	char advice[65], level[16], needs[512];
	bool heavy, combination;
};
#define FIRED_MAX 12

/* How strongly an advice of a level names a need: the concrete offer
 * first, a talk with the wijkwijzer last (it has its own place). */
static int level_rank(const char *level)
{
	static const char *const order[] = {"veilig",  "algemeen",     "collectief",
	                                    "netwerk", "eigen-kracht", "wijkwijzer"};
	for (int i = 0; i < 6; i++)
		if (strcmp(order[i], level) == 0)
			return i;
	return 6;
}

/* Whether the answers meet the conditions of a combination:
 * "question=answer|answer;question=answer", every part on this path. */
static bool conditions_met(const char *cond, const struct sc_question *q, size_t n,
                           const char *answers)
{
	bool any = false;
	const char *p = cond;
	while (p && *p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (!eq)
			return false;
		size_t qlen = (size_t)(eq - p);
		const char *code = NULL;
		for (size_t i = 0; i < n && !code; i++)
			if (strlen(q[i].id) == qlen && strncmp(q[i].id, p, qlen) == 0)
				code = answer_code(answers[i]);
		if (!code)
			return false; /* not on this path, or skipped */
		/* is code one of the '|' list between eq + 1 and p + len? */
		bool found = false;
		const char *a = eq + 1, *stop = p + len;
		while (a < stop && !found) {
			const char *bar = memchr(a, '|', (size_t)(stop - a));
			size_t alen = bar ? (size_t)(bar - a) : (size_t)(stop - a);
			found = strlen(code) == alen && strncmp(code, a, alen) == 0;
			a = bar ? bar + 1 : stop;
		}
		if (!found)
			return false;
		any = true;
		p = semi ? semi + 1 : NULL;
	}
	return any;
}

static void add_fired(struct fired *list, size_t *n, const char *advice, const char *level,
                      const char *needs, bool heavy, bool combination)
{
	if (*n >= FIRED_MAX)
		return;
	struct fired *f = &list[(*n)++];
	snprintf(f->advice, sizeof(f->advice), "%s", advice);
	snprintf(f->level, sizeof(f->level), "%s", level);
	snprintf(f->needs, sizeof(f->needs), "%s", needs);
	f->heavy = heavy;
	f->combination = combination;
}

/* The need of one question's fired rules, merged into out->raised. */
static void raise_need(struct sc_outcome *out, int order, const struct fired *f, size_t nf)
{
	int main = -1;
	for (size_t k = 0; k < nf; k++) {
		if (!*f[k].needs)
			continue;
		if (main < 0 || (f[k].combination && !f[main].combination) ||
		    (f[k].combination == f[main].combination &&
		     level_rank(f[k].level) < level_rank(f[main].level)))
			main = (int)k;
	}
	if (main < 0)
		return;
	struct sc_need *nd = NULL;
	for (size_t i = 0; i < out->nraised && !nd; i++)
		if (strcmp(out->raised[i].advice, f[main].advice) == 0)
			nd = &out->raised[i];
	if (!nd) {
		if (out->nraised >= SC_MAX_QUESTIONS)
			return;
		nd = &out->raised[out->nraised++];
		memset(nd, 0, sizeof(*nd));
		snprintf(nd->advice, sizeof(nd->advice), "%s", f[main].advice);
		nd->order = order;
		nd->safety = strcmp(f[main].level, "veilig") == 0;
	}
	nd->answers++;
	each_term(f[main].needs, add_need_term, nd);
	for (size_t k = 0; k < nf; k++) {
		if (!*f[k].needs)
			continue;
		nd->heavy += f[k].heavy ? (f[k].combination ? 2 : 1) : 0;
		each_term(f[k].needs, add_need_term, nd);
		if ((int)k != main && strcmp(f[k].level, "wijkwijzer") != 0 &&
		    strcmp(f[k].advice, nd->advice) != 0)
			add_to(nd->more, &nd->nmore, SC_NEED_ADVICE, f[k].advice);
	}
}

/* Heaviest first: safety, then heavy, then by the answers behind it, then
 * in question order. */
static bool need_before(const struct sc_need *a, const struct sc_need *b)
{
	if (a->safety != b->safety)
		return a->safety;
	if (a->heavy != b->heavy)
		return a->heavy > b->heavy;
	if (a->answers != b->answers)
		return a->answers > b->answers;
	return a->order < b->order;
}

static void sort_needs(struct sc_outcome *out)
{
	for (size_t i = 1; i < out->nraised; i++) {
		struct sc_need t = out->raised[i];
		size_t j = i;
		for (; j > 0 && need_before(&t, &out->raised[j - 1]); j--)
			out->raised[j] = out->raised[j - 1];
		out->raised[j] = t;
	}
}

static void note_heavy_domain(struct sc_outcome *out, const char *domain)
{
	out->heavy = true;
	for (size_t k = 0; k < out->nheavy_domains; k++)
		if (strcmp(out->heavy_domains[k], domain) == 0)
			return;
	if (out->nheavy_domains < SC_MAX_QUESTIONS)
		snprintf(out->heavy_domains[out->nheavy_domains++], 32, "%s", domain);
}

/* A carer's burden score: 1 for "soms", 2 for "vaak" on each burden
   question (0 to 10 on the carer path). */
static int burden_of(const struct sc_question *q, size_t n, const char *answers)
{
	int burden = 0;
	for (size_t i = 0; i < n && answers[i]; i++)
		if (strcmp(q[i].domain, "belasting") == 0)
			burden += answers[i] == SC_SOMS ? 1 : answers[i] == SC_VAAK ? 2 : 0;
	return burden;
}

/* A question as the resident saw it: asked about someone else, or not. */
static const char *question_text(const struct sc_question *q, bool other)
{
	return other && q->text_other && *q->text_other ? q->text_other : q->text_self;
}

bool selfcheck_evaluate(struct app *app, char path, const char *answers, struct sc_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct sc_question q[SC_MAX_QUESTIONS];
	size_t n = selfcheck_questions(app, path, q, SC_MAX_QUESTIONS);
	bool ok = n > 0 && selfcheck_answers_valid(q, n, answers, true);
	struct fired(*fired)[FIRED_MAX] = ok ? calloc(n, sizeof(*fired)) : NULL;
	size_t nfired[SC_MAX_QUESTIONS] = {0};
	ok = ok && fired;
	struct store *db = catalog_store(db_catalog(app));
	sqlite3_stmt *st =
	    ok ? store_stmt(db, "SELECT coalesce(r.needs, ''), r.advice, r.weight, a.level FROM "
	                        "sc_rules r JOIN sc_advice a ON a.id = r.advice WHERE r.question = "
	                        "?1 AND instr(';' || r.answers || ';', ';' || ?2 || ';') > 0 ORDER "
	                        "BY r._line")
	       : NULL;
	for (size_t i = 0; ok && st && i < n; i++) {
		char a = answers[i];
		if (a == SC_SKIP) {
			out->skipped++;
			continue;
		}
		if (a == SC_WEETNIET)
			out->unknown++;
		sqlite3_bind_text(st, 1, q[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, answer_code(a), -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			add_fired(fired[i], &nfired[i], store_text(st, 1), store_text(st, 3),
			          store_text(st, 0), strcmp(store_text(st, 2), "zwaar") == 0,
			          false);
		sqlite3_reset(st);
	}
	if (ok)
		out->burden = burden_of(q, n, answers);
	/* the combinations: each fires as a rule of its question */
	sqlite3_stmt *cs =
	    ok && st ? store_stmt(db, "SELECT c.conditions, c.question, coalesce(c.needs, ''), "
	                              "c.advice, c.weight, a.level FROM sc_combinations c JOIN "
	                              "sc_advice a ON a.id = c.advice ORDER BY c._line")
	             : NULL;
	while (cs && sqlite3_step(cs) == SQLITE_ROW) {
		if (!conditions_met(store_text(cs, 0), q, n, answers))
			continue;
		for (size_t i = 0; i < n; i++)
			if (strcmp(q[i].id, store_text(cs, 1)) == 0)
				add_fired(fired[i], &nfired[i], store_text(cs, 3),
				          store_text(cs, 5), store_text(cs, 2),
				          strcmp(store_text(cs, 4), "zwaar") == 0, true);
	}
	if (cs)
		sqlite3_reset(cs);
	for (size_t i = 0; ok && st && cs && i < n; i++) {
		for (size_t k = 0; k < nfired[i]; k++) {
			const struct fired *f = &fired[i][k];
			add_to(out->advice, &out->nadvice, SC_MAX_ITEMS, f->advice);
			if (f->heavy)
				note_heavy_domain(out, q[i].domain);
			if (strcmp(f->level, "veilig") == 0)
				out->safety = true;
			each_term(f->needs, add_outcome_term, out);
			if (!*f->needs)
				add_to(out->fine, &out->nfine, SC_MAX_QUESTIONS, f->advice);
		}
		raise_need(out, (int)i, fired[i], nfired[i]);
	}
	/* an advice that names a need of its own is not also a tip of another */
	for (size_t i = 0; i < out->nraised; i++) {
		struct sc_need *nd = &out->raised[i];
		size_t k = 0;
		for (size_t m = 0; m < nd->nmore; m++) {
			bool main = false;
			for (size_t j = 0; j < out->nraised && !main; j++)
				main = strcmp(out->raised[j].advice, nd->more[m]) == 0;
			if (!main)
				memmove(nd->more[k++], nd->more[m], 65);
		}
		nd->nmore = k;
	}
	sort_needs(out);
	free(fired);
	selfcheck_questions_free(q, n);
	return ok && st && cs;
}

const char *selfcheck_answer_label(char a, bool other)
{
	switch (a) {
	case SC_ZELF:
		return other ? _("Dat lukt hem of haar zelf") : _("Dat lukt me zelf");
	case SC_NETWERK:
		return other ? _("Dat lukt met hulp van mensen om hem of haar heen")
		             : _("Dat lukt met hulp van mensen om me heen");
	case SC_NIET:
		return _("Dat lukt niet of moeilijk");
	case SC_JA:
		return _("Ja");
	case SC_NEE:
		return _("Nee");
	case SC_SOMS:
		return _("Soms");
	case SC_VAAK:
		return _("Vaak of altijd");
	case SC_WEETNIET:
		return _("Weet ik niet");
	case SC_SKIP:
		return _("Overgeslagen");
	default:
		return NULL;
	}
}

bool selfcheck_answer_shared(char a)
{
	return a == SC_NIET || a == SC_NETWERK || a == SC_VAAK || a == SC_SOMS || a == SC_JA ||
	       a == SC_WEETNIET;
}

bool selfcheck_answers_in_words(struct app *app, const char *code, const struct i18n_lang *lang,
                                struct arena *a, bool shared_only, struct sc_words *out)
{
	memset(out, 0, sizeof(*out));
	out->burden = -1;
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	if (!selfcheck_code_parse(app, code, &path, answers, sizeof(answers), pc, sizeof(pc)))
		return false;
	struct sc_question q[SC_MAX_QUESTIONS];
	size_t n = selfcheck_questions(app, path, q, SC_MAX_QUESTIONS);
	const struct i18n_lang *was = lang ? i18n_use(lang) : NULL;
	bool other = path == SC_OTHER;
	out->path = path;
	out->items = arena_alloc(a, (n + 1) * sizeof(*out->items));
	bool ok = n > 0 && out->items;
	if (path == SC_CARER)
		out->burden = burden_of(q, n, answers);
	for (size_t i = 0; ok && i < n && i < strlen(answers); i++) {
		if (shared_only && !selfcheck_answer_shared(answers[i]))
			continue;
		const char *label = selfcheck_answer_label(answers[i], other);
		struct sc_answer_words *w = &out->items[out->n++];
		w->question = arena_strdup(a, C_(question_text(&q[i], other)));
		w->answer = label ? arena_strdup(a, label) : NULL;
		w->letter = answers[i];
		ok = w->question && w->answer;
	}
	if (ok) {
		out->path_label = arena_strdup(a, path == SC_SELF    ? _("Voor mezelf")
		                                  : path == SC_OTHER ? _("Voor iemand anders")
		                                                     : _("Ik zorg voor iemand"));
		ok = out->path_label != NULL;
	}
	if (lang)
		i18n_use(was);
	selfcheck_questions_free(q, n);
	crypto_wipe(answers, sizeof(answers));
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

bool selfcheck_code_postcode(struct app *app, const char *code, char out[8])
{
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	out[0] = '\0';
	if (!selfcheck_code_parse(app, code, &path, answers, sizeof(answers), pc, sizeof(pc)))
		return false;
	snprintf(out, 8, "%.4s", pc);
	crypto_wipe(answers, sizeof(answers));
	return true;
}

/* The seal key is derived from the server secret, so it is never the key
 * that signs forms (csrf.c) or anything else. */
static bool seal_key(const struct app *app, unsigned char key[CRYPTO_KEY_BYTES])
{
	static const char label[] = "selfcheck-seal-v1";
	return crypto_hmac(app->secret, label, sizeof(label) - 1, key);
}

/* What a sealed text is for: a state never opens as a code, nor the
 * other way round. */
static const char AAD_STATE[] = "wijkwijzer selfcheck state v1";
static const char AAD_CODE[] = "wijkwijzer selfcheck code v1";

/* The longest plaintexts: path, answers, ".", postcode (or "-"), ".", the
 * question being changed (two digits). */
#define STATE_PLAIN_MAX (1 + SC_MAX_QUESTIONS + 1 + 4 + 1 + 2)
#define CODE_PLAIN_MAX  (1 + SC_MAX_QUESTIONS + 1 + 4)
/* Every plaintext is padded to one length, so the length of a sealed
 * text tells nothing either: not how many questions were answered, nor
 * whether a postcode was given, nor (by the number of questions) which
 * path, nor whether it is a state or a code. */
#define PLAIN_PADDED STATE_PLAIN_MAX
#define PAD          '~'
_Static_assert(SC_MAX_QUESTIONS <= 99, "the question being changed has at most two digits");
_Static_assert(CODE_PLAIN_MAX <= PLAIN_PADDED, "a code fits the padded length");
_Static_assert(CRYPTO_SEALED_LEN(PLAIN_PADDED) <= SC_SEALED_MAX,
               "every sealed state and code fits SC_SEALED_MAX");

static bool seal(struct app *app, const char *aad, size_t aad_len, const struct sb *plain,
                 struct sb *out)
{
	if (sb_failed(plain) || plain->len > PLAIN_PADDED ||
	    (plain->len && memchr(plain->data, PAD, plain->len)))
		return false;
	char padded[PLAIN_PADDED];
	memcpy(padded, plain->data, plain->len);
	memset(padded + plain->len, PAD, PLAIN_PADDED - plain->len);
	unsigned char key[CRYPTO_KEY_BYTES];
	bool ok = seal_key(app, key) && crypto_seal(key, aad, aad_len, padded, PLAIN_PADDED, out);
	crypto_wipe(key, sizeof(key));
	crypto_wipe(padded, sizeof(padded));
	return ok;
}

/* Opens into out (a NUL-terminated string of at most max bytes). */
static bool open_sealed(struct app *app, const char *aad, size_t aad_len, const char *sealed,
                        char *out, size_t max)
{
	if (!sealed)
		return false;
	size_t len = strnlen(sealed, SC_SEALED_MAX + 1);
	if (len > SC_SEALED_MAX)
		return false;
	unsigned char key[CRYPTO_KEY_BYTES];
	struct sb plain;
	sb_init(&plain, PLAIN_PADDED);
	bool ok = seal_key(app, key) && crypto_open(key, aad, aad_len, sealed, len, &plain) &&
	          plain.len == PLAIN_PADDED;
	crypto_wipe(key, sizeof(key));
	/* the text, then only padding: no NUL, no padding inside */
	size_t n = 0;
	while (ok && n < plain.len && plain.data[n] != PAD && plain.data[n] != '\0')
		n++;
	for (size_t i = n; ok && i < plain.len; i++)
		ok = plain.data[i] == PAD;
	ok = ok && n <= max;
	if (ok) {
		memcpy(out, plain.data, n);
		out[n] = '\0';
	}
	if (plain.data)
		crypto_wipe(plain.data, plain.len);
	sb_free(&plain);
	return ok;
}

static bool answer_letters_ok(const char *a, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!a[i] || !strchr("znxjesvwo", a[i]))
			return false;
	return true;
}

/* "" or four digits, the first not 0 (what the pages keep of a postcode) */
static bool postcode_ok(const char *pc)
{
	size_t n = strlen(pc);
	if (n == 0)
		return true;
	if (n != 4 || pc[0] < '1' || pc[0] > '9')
		return false;
	for (size_t i = 1; i < 4; i++)
		if (pc[i] < '0' || pc[i] > '9')
			return false;
	return true;
}

bool selfcheck_state_seal(struct app *app, const struct sc_state *s, struct sb *out)
{
	size_t na = strnlen(s->answers, sizeof(s->answers));
	if (!selfcheck_path_valid(s->path) || na > SC_MAX_QUESTIONS ||
	    !answer_letters_ok(s->answers, na) || !postcode_ok(s->postcode) || s->change < -1 ||
	    s->change >= SC_MAX_QUESTIONS)
		return false;
	struct sb plain;
	sb_init(&plain, STATE_PLAIN_MAX);
	sb_putc(&plain, s->path);
	sb_append(&plain, s->answers, na);
	sb_putc(&plain, '.');
	if (s->postcode_asked)
		sb_puts(&plain, s->postcode[0] ? s->postcode : "-");
	sb_putc(&plain, '.');
	if (s->change >= 0)
		sb_appendf(&plain, "%ld", s->change);
	bool ok = seal(app, AAD_STATE, sizeof(AAD_STATE) - 1, &plain, out);
	if (plain.data)
		crypto_wipe(plain.data, plain.len);
	sb_free(&plain);
	return ok;
}

bool selfcheck_state_open(struct app *app, const char *sealed, struct sc_state *s)
{
	memset(s, 0, sizeof(*s));
	s->change = -1;
	char plain[STATE_PLAIN_MAX + 1];
	if (!open_sealed(app, AAD_STATE, sizeof(AAD_STATE) - 1, sealed, plain, STATE_PLAIN_MAX))
		return false;
	char *dot1 = strchr(plain, '.');
	char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	bool ok = dot1 && dot2 && !strchr(dot2 + 1, '.') && selfcheck_path_valid(plain[0]);
	if (ok) {
		*dot1 = *dot2 = '\0';
		const char *answers = plain + 1, *pc = dot1 + 1, *change = dot2 + 1;
		ok = strlen(answers) <= SC_MAX_QUESTIONS &&
		     answer_letters_ok(answers, strlen(answers));
		if (ok && *pc) {
			s->postcode_asked = true;
			ok = strcmp(pc, "-") == 0 || postcode_ok(pc);
			if (ok && strcmp(pc, "-") != 0)
				snprintf(s->postcode, sizeof(s->postcode), "%s", pc);
		}
		if (ok && *change)
			ok = text_parse_long(change, 0, SC_MAX_QUESTIONS - 1, &s->change);
		if (ok) {
			s->path = plain[0];
			snprintf(s->answers, sizeof(s->answers), "%s", answers);
		}
	}
	crypto_wipe(plain, sizeof(plain));
	if (!ok) {
		memset(s, 0, sizeof(*s));
		s->change = -1;
	}
	return ok;
}

bool selfcheck_code_make(struct app *app, char path, const char *answers, const char *postcode,
                         struct sb *out)
{
	if (!postcode)
		postcode = "";
	size_t na = strlen(answers);
	if (!selfcheck_path_valid(path) || na > SC_MAX_QUESTIONS ||
	    !answer_letters_ok(answers, na) || !postcode_ok(postcode))
		return false;
	struct sb plain;
	sb_init(&plain, CODE_PLAIN_MAX);
	sb_putc(&plain, path);
	sb_puts(&plain, answers);
	sb_putc(&plain, '.');
	sb_puts(&plain, postcode);
	bool ok = seal(app, AAD_CODE, sizeof(AAD_CODE) - 1, &plain, out);
	if (plain.data)
		crypto_wipe(plain.data, plain.len);
	sb_free(&plain);
	return ok;
}

bool selfcheck_code_parse(struct app *app, const char *code, char *path, char *answers,
                          size_t answers_len, char *postcode, size_t postcode_len)
{
	char payload[CODE_PLAIN_MAX + 1];
	if (!open_sealed(app, AAD_CODE, sizeof(AAD_CODE) - 1, code, payload, CODE_PLAIN_MAX))
		return false;
	char *dot1 = strchr(payload, '.');
	bool ok = dot1 && !strchr(dot1 + 1, '.') && selfcheck_path_valid(payload[0]);
	if (ok) {
		*dot1 = '\0';
		ok = strlen(payload + 1) < answers_len && strlen(dot1 + 1) < postcode_len &&
		     postcode_ok(dot1 + 1);
	}
	if (ok) {
		*path = payload[0];
		snprintf(answers, answers_len, "%s", payload + 1);
		snprintf(postcode, postcode_len, "%s", dot1 + 1);
		struct sc_question q[SC_MAX_QUESTIONS];
		size_t n = selfcheck_questions(app, *path, q, SC_MAX_QUESTIONS);
		ok = n > 0 && selfcheck_answers_valid(q, n, answers, true);
		selfcheck_questions_free(q, n);
	}
	crypto_wipe(payload, sizeof(payload));
	return ok;
}

bool selfcheck_code_valid(struct app *app, const char *code)
{
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	return selfcheck_code_parse(app, code, &path, answers, sizeof(answers), pc, sizeof(pc));
}

/* The summary is for the wijkwijzer staff, so it is written in Dutch
 * whatever the resident's language. */
/* The summary for staff (Dutch, as stored with the booking). */
static bool summary_of(struct app *app, char path, const char *answers, struct sb *out)
{
	struct sc_question q[SC_MAX_QUESTIONS];
	size_t n = selfcheck_questions(app, path, q, SC_MAX_QUESTIONS);
	sb_appendf(out, "Zelfcheck %s.\n",
	           path == SC_SELF    ? "voor zichzelf"
	           : path == SC_OTHER ? "ingevuld voor iemand anders"
	                              : "door een mantelzorger");
	static const struct {
		char a;
		const char *label;
	} groups[] = {
	    {SC_NIET, "Lukt niet of moeilijk"},
	    {SC_NETWERK, "Lukt met hulp van anderen"},
	    {SC_VAAK, "Vaak of altijd"},
	    {SC_SOMS, "Soms"},
	    {SC_JA, "Ja"},
	    {SC_WEETNIET, "Weet ik niet"},
	};
	/* the questions in words, as the resident saw them (Dutch: the
	 * content's source texts), under each answer given */
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool head = false;
		for (size_t i = 0; i < n && i < strlen(answers); i++) {
			if (answers[i] != groups[g].a)
				continue;
			if (!head)
				sb_appendf(out, "%s:\n", groups[g].label);
			head = true;
			sb_appendf(out, "- %s\n", question_text(&q[i], path == SC_OTHER));
		}
	}
	if (path == SC_CARER)
		sb_appendf(out, "Hoe zwaar de zorg is: %d van de 10 punten.\n",
		           burden_of(q, n, answers));
	selfcheck_questions_free(q, n);
	return !sb_failed(out);
}

bool selfcheck_summary(struct app *app, const char *code, struct sb *out)
{
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	bool ok =
	    selfcheck_code_parse(app, code, &path, answers, sizeof(answers), pc, sizeof(pc)) &&
	    summary_of(app, path, answers, out);
	crypto_wipe(answers, sizeof(answers));
	return ok;
}

bool selfcheck_summary_stored(struct app *app, const char *code, struct sb *out)
{
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	if (!selfcheck_code_parse(app, code, &path, answers, sizeof(answers), pc, sizeof(pc)) ||
	    !summary_of(app, path, answers, out)) {
		crypto_wipe(answers, sizeof(answers));
		return false;
	}
	/* only the answers the resident saw in the preview and agreed to
	   share (selfcheck_answer_shared); the others as skipped */
	for (size_t i = 0; answers[i]; i++)
		if (!selfcheck_answer_shared(answers[i]))
			answers[i] = SC_SKIP;
	bool ok = sb_appendf(out, SC_STORED_MARK "%c%s]", path, answers);
	crypto_wipe(answers, sizeof(answers));
	return ok;
}

size_t selfcheck_stored_text_len(const char *stored)
{
	const char *m = stored ? strstr(stored, SC_STORED_MARK) : NULL;
	size_t n = stored ? (m ? (size_t)(m - stored) : strlen(stored)) : 0;
	while (n && (stored[n - 1] == '\n' || stored[n - 1] == ' '))
		n--;
	return n;
}

bool selfcheck_stored_in_words(struct app *app, const char *stored, struct sb *out)
{
	const char *m = stored ? strstr(stored, SC_STORED_MARK) : NULL;
	if (!m)
		return false;
	m += strlen(SC_STORED_MARK);
	char path = *m ? *m++ : '\0';
	char answers[SC_MAX_QUESTIONS + 1];
	size_t n = 0;
	while (*m && *m != ']' && n < SC_MAX_QUESTIONS)
		answers[n++] = *m++;
	answers[n] = '\0';
	if (*m != ']' || !selfcheck_path_valid(path))
		return false;
	struct sc_question q[SC_MAX_QUESTIONS];
	size_t nq = selfcheck_questions(app, path, q, SC_MAX_QUESTIONS);
	if (!selfcheck_answers_valid(q, nq, answers, false)) {
		selfcheck_questions_free(q, nq);
		return false;
	}
	bool other = path == SC_OTHER;
	sb_puts(out, path == SC_SELF    ? _("Zelfcheck voor zichzelf")
	             : path == SC_OTHER ? _("Zelfcheck ingevuld voor iemand anders")
	                                : _("Zelfcheck door een mantelzorger"));
	sb_putc(out, '\n');
	for (size_t i = 0; i < n && i < nq; i++) {
		const char *label = selfcheck_answer_label(answers[i], other);
		if (answers[i] != SC_SKIP && label)
			sb_appendf(out, "%s - %s\n", C_(question_text(&q[i], other)), label);
	}
	if (path == SC_CARER)
		/* the same words as the resident's preview of what is shared */
		sb_appendf(out, _("Hoe zwaar de zorg is: %d van de 10 punten."),
		           burden_of(q, nq, answers));
	selfcheck_questions_free(q, nq);
	return !sb_failed(out);
}

bool selfcheck_stored_display(struct app *app, const char *stored, struct sb *out)
{
	if (!stored || !*stored)
		return !sb_failed(out);
	if (!selfcheck_stored_in_words(app, stored, out)) {
		sb_reset(out);
		sb_append(out, stored, selfcheck_stored_text_len(stored));
	}
	return !sb_failed(out);
}
