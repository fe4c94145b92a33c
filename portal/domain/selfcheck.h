/* selfcheck: the questionnaire engine of the zelfcheck.
 *
 * Questions, rules and advice are content (content/selfcheck/). Nothing
 * is stored on the server: the state of a check in progress (path,
 * answers, postcode, the question being changed) travels in the URL, and
 * the result link carries path, answers and postcode in a "code". Both
 * are sealed (AES-256-GCM, crypto_seal, with a key derived from the
 * server secret), so a URL, a QR code, a booking form or the history of
 * a shared computer shows nothing of the answers, and a damaged, altered
 * or foreign link is recognised. The code is also what a resident may
 * choose to share with a booking. */
#ifndef WW_SELFCHECK_H
#define WW_SELFCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

struct app;

#define SC_MAX_QUESTIONS 24
#define SC_MAX_ITEMS     64

enum sc_path { SC_SELF = 's', SC_OTHER = 'o', SC_CARER = 'c' };

/* One character per answer: */
#define SC_ZELF     'z' /* lukt zelf */
#define SC_NETWERK  'n' /* met hulp van mensen om me heen */
#define SC_NIET     'x' /* lukt niet */
#define SC_JA       'j'
#define SC_NEE      'e'
#define SC_SOMS     's'
#define SC_VAAK     'v'
#define SC_WEETNIET 'w' /* weet ik niet: always allowed */
#define SC_SKIP     'o' /* sla over: always allowed */

struct sc_question {
	char id[65], domain[32], answer_set[16];
	char *text_self, *text_other, *help;
};

#define SC_NEED_TERMS  12
#define SC_NEED_ADVICE 8

/* A need the answers raised: the fired rules with needs of one or more
 * questions that share their main advice (rules of several questions that
 * point to one advice, say "De zorg even overdragen", are one need). */
struct sc_need {
	char advice[65];               /* the main advice: it names the need */
	char more[SC_NEED_ADVICE][65]; /* the other advice fired with it */
	size_t nmore;
	char terms[SC_NEED_TERMS][65]; /* catalogue terms, most specific first */
	size_t nterms;
	int heavy;   /* how heavy: 1 per heavy rule, 2 per heavy combination */
	int answers; /* answers behind it */
	int order;   /* the place of its first question on the path */
	bool safety; /* the Veilig Thuis need: always first */
};

struct sc_outcome {
	char advice[SC_MAX_ITEMS][65]; /* fired advice ids, in rule order, once each */
	size_t nadvice;
	char needs[SC_MAX_ITEMS][65]; /* catalogue terms, once each */
	size_t nneeds;
	bool heavy;  /* a heavy rule fired: talk to the wijkwijzer */
	bool safety; /* the safety answer asks for Veilig Thuis */
	int burden;  /* carer path: the burden score */
	int unknown; /* "weet ik niet" answers */
	int skipped; /* "sla over" answers */
	char heavy_domains[SC_MAX_QUESTIONS][32];
	size_t nheavy_domains;
	/* the raised needs, heaviest first (safety, then heavy, then by how
	 * many answers raised it, then in the order of the questions) */
	struct sc_need raised[SC_MAX_QUESTIONS];
	size_t nraised;
	/* the advice of the answers that were fine ("Fijn dat ..."), once each */
	char fine[SC_MAX_QUESTIONS][65];
	size_t nfine;
};

bool selfcheck_path_valid(char path);
/* The questions of a path in order (free them with selfcheck_questions_free). */
size_t selfcheck_questions(struct app *app, char path, struct sc_question *out, size_t max);
void selfcheck_questions_free(struct sc_question *q, size_t n);
/* The answer characters allowed for an answer set (besides w and o). */
const char *selfcheck_answers_of(const char *answer_set);
/* Checks answers against the questions of the path (length and letters). */
bool selfcheck_answers_valid(const struct sc_question *q, size_t n, const char *answers,
                             bool complete);
/* Fires the rules (rules.csv) and the combinations of answers
 * (combinations.csv) for complete answers. out is large (tens of KB):
 * allocate it rather than put it on a small stack. */
bool selfcheck_evaluate(struct app *app, char path, const char *answers, struct sc_outcome *out);

/* The longest sealed state or code that is read at all. */
#define SC_SEALED_MAX 128

/* The state of a check in progress. */
struct sc_state {
	char path;                          /* SC_SELF, SC_OTHER or SC_CARER */
	char answers[SC_MAX_QUESTIONS + 1]; /* one letter per question answered so far */
	bool postcode_asked;
	char postcode[8]; /* the four digits, or "" (skipped or not recognised) */
	long change;      /* the question being changed, or -1 */
};

/* Appends the sealed state (base64url, for a URL as it is) to out. */
bool selfcheck_state_seal(struct app *app, const struct sc_state *s, struct sb *out);
/* Opens a sealed state; false for anything that selfcheck_state_seal did
 * not make with this server's secret. The answers are checked for their
 * letters only: check them against the path's questions
 * (selfcheck_answers_valid). */
bool selfcheck_state_open(struct app *app, const char *sealed, struct sc_state *s);

/* code = sealed(path + answers + "." + postcode) */
bool selfcheck_code_make(struct app *app, char path, const char *answers, const char *postcode,
                         struct sb *out);
bool selfcheck_code_parse(struct app *app, const char *code, char *path, char *answers,
                          size_t answers_len, char *postcode, size_t postcode_len);
bool selfcheck_code_valid(struct app *app, const char *code);
/* One answer of a result code in words: the question as the resident saw
 * it and the answer's label, both in the language asked for. */
struct sc_answer_words {
	const char *question; /* content text, translated (C_) */
	const char *answer;   /* "Dat lukt niet of moeilijk", "Weet ik niet", ... */
	char letter;          /* the answer (SC_NIET ...) */
};
/* A result code in words. */
struct sc_words {
	char path;
	const char *path_label; /* "Voor mezelf", "Voor iemand anders", "Ik zorg voor iemand" */
	struct sc_answer_words *items; /* in the order of the questions */
	size_t n;
	int burden; /* the carer path's burden score (0 to 10), else -1 */
};
struct arena;
struct i18n_lang;
/* Whether an answer is in what a resident shares with a booking (the
 * summary): what does not go well, help of others, "soms", "vaak", "ja"
 * and "weet ik niet"; not "zelf", "nee" or a skipped question. */
bool selfcheck_answer_shared(char answer);
/* The answers of a sealed result code in words, in language lang (NULL:
 * the calling thread's language, which is restored after); shared_only:
 * only the answers that selfcheck_summary shares. The texts live in arena
 * a. False for a code that does not open or a lack of memory. For the
 * consent preview of a booking and the staff agenda; it reads the
 * content, so never on the event loop. */
bool selfcheck_answers_in_words(struct app *app, const char *code, const struct i18n_lang *lang,
                                struct arena *a, bool shared_only, struct sc_words *out);
/* The label of an answer letter in the current language (other: the
 * third person of a check for someone else); NULL for an unknown letter. */
const char *selfcheck_answer_label(char answer, bool other);
/* The postcode (four digits, or "") of a result code; false when the code
 * does not open. */
bool selfcheck_code_postcode(struct app *app, const char *code, char out[8]);

/* A short plain-Dutch summary for the wijkwijzer (shared only with consent). */
bool selfcheck_summary(struct app *app, const char *code, struct sb *out);

/* A shared summary as a booking stores it: selfcheck_summary's text,
 * then a last line SC_STORED_MARK followed by the path and the answers
 * that are shared (selfcheck_answer_shared; the others as SC_SKIP):
 * "[zelfcheck:cvsoov]", so staff read it in their own language. */
#define SC_STORED_MARK "[zelfcheck:"
bool selfcheck_summary_stored(struct app *app, const char *code, struct sb *out);
/* The stored summary without its last line (for the CSV export): the
 * length of the text before it. */
size_t selfcheck_stored_text_len(const char *stored);
/* The questions and answers of a stored summary in words, in the
 * language in use (the labels of selfcheck_answer_label): "Question? -
 * Answer" lines, skipped ones left out, a carer's burden score last.
 * False when stored has no answers line (an older booking: show it as
 * it is). For the staff agenda and its CSV. */
bool selfcheck_stored_in_words(struct app *app, const char *stored, struct sb *out);
/* What staff see of a stored summary: selfcheck_stored_in_words, or for
 * an older booking its text without the answers line. False when out
 * failed. */
bool selfcheck_stored_display(struct app *app, const char *stored, struct sb *out);

#endif
