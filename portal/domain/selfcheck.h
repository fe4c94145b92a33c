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
/* A short plain-Dutch summary for the wijkwijzer (shared only with consent). */
bool selfcheck_summary(struct app *app, const char *code, struct sb *out);

/* A shared summary as a booking stores it: selfcheck_summary's text,
 * then a last line SC_STORED_MARK followed by the path and the answers
 * ("[zelfcheck:cjsvx]"), so staff read it in their own language. */
#define SC_STORED_MARK "[zelfcheck:"
bool selfcheck_summary_stored(struct app *app, const char *code, struct sb *out);
/* The stored summary without its last line (for the CSV export): the
 * length of the text before it. */
size_t selfcheck_stored_text_len(const char *stored);
/* The questions and answers of a stored summary in words, in the
 * language in use: "Question? - Answer" lines (a carer's burden score
 * last). False when stored has no answers line (an older booking: show
 * it as it is). [Written for the staff agenda; the consent preview's
 * function of the advice work may replace it.] */
bool selfcheck_answers_in_words(struct app *app, const char *stored, struct sb *out);

#endif
