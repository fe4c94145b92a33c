/* views_sc: what the self-check's handlers (pages_selfcheck.c) hand to
 * their templates, templates/selfcheck_*.html. As in views.h a view holds
 * data only: strings (NULL is empty), numbers, and struct tpl_html for
 * markup our own code made. Threads: any (data only). */
#ifndef WW_VIEWS_SC_H
#define WW_VIEWS_SC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/i18n.h"
#include "base/tpl.h"
#include "web/components.h"
#include "web/views.h"

/* selfcheck_start.html: GET /{lang}/zelfcheck, the first step: for whom
 * the check is (the links carry the sealed start state of each path). */
struct sc_start_view {
	bool restart; /* a state that did not open: "Deze link klopt niet helemaal" */
	const char *self_href, *other_href, *carer_href;
};

/* selfcheck_postcode.html: the postcode step, a POST form. */
struct sc_postcode_view {
	const char *action; /* /{lang}/zelfcheck */
	const char *csrf;   /* the form's token */
	const char *state;  /* the sealed state, a hidden field */
	const char *skip_href;
};

/* An answer of a question: a link to the next state. */
struct sc_answer_link {
	const char *href;
	char answer; /* the letter (SC_ZELF ...) */
};

/* Where the link under the answers leads. */
enum sc_back { SC_BACK_OVERVIEW, SC_BACK_PREVIOUS, SC_BACK_START };

/* selfcheck_question.html: one question with its answers. */
struct sc_question_view {
	const char *lang;
	bool quick_exit;         /* the safety question */
	bool other;              /* the check is for someone else */
	size_t index, n;         /* question index (0-based) of n */
	const char *text, *help; /* content texts (Dutch, translated by c_content) */
	const struct sc_answer_link *answers;
	size_t nanswers;
	enum sc_back back;
	const char *back_href;
	const char *exit_href; /* the quick exit on a kiosk (its Stop); NULL: elsewhere */
};

/* A row of the check-your-answers page. */
struct sc_check_row {
	const char *text; /* the question, a content text */
	char answer;
	const char *change_href;
};

/* selfcheck_check.html: the answers to check before the result. */
struct sc_check_view {
	const char *lang;
	bool other;
	const struct sc_check_row *rows;
	size_t nrows;
	const char *result_href;
};

/* selfcheck_bad_code.html: a result code that does not open (400). */
struct sc_bad_code_view {
	char restart_href[48];
};

/* A piece of advice, or another titled text of the content. */
struct sc_text {
	const char *title, *text; /* content texts */
	const char *link_href;    /* a text that points somewhere: its link, or NULL */
	const char *link_label;
};
struct sc_texts {
	const struct sc_text *items;
	size_t n;
};

/* A next step of the summary: a raised need, linked to its part. */
struct sc_step {
	const char *title; /* content text */
	const char *href;  /* "#behoefte-1" */
};

/* A raised need of the result: its advice, one or two options nearby, or
 * the honest "Hier vonden we niets dichtbij". */
struct sc_need_view {
	const char *anchor;       /* "behoefte-1" */
	const char *title, *text; /* the main advice (content texts) */
	const char *link_href;    /* a text that points somewhere: its link, or NULL */
	const char *link_label;
	struct c_results options; /* 0 to 2 */
	const char *search_href;  /* more of this in the search, or NULL */
	struct sc_texts more;     /* the other advice of this need */
	bool safety;              /* Veilig Thuis: always first, marked */
};

#define SC_MAX_STEPS      3
#define SC_RECEIPT_PLACES 3

/* selfcheck_result.html: GET /{lang}/zelfcheck/uitslag, the advice: a
 * summary first (at most three next steps and the booking button), then
 * each raised need, heaviest first, then what goes well (folded). */
struct sc_result_view {
	const char *lang;
	bool safety, other, heavy;
	int minor;                     /* answers skipped or "weet ik niet" */
	const struct sc_text *carer;   /* the carer's burden, NULL: none */
	const struct sc_text *nothing; /* "niets nodig", NULL: none */
	struct sc_step steps[SC_MAX_STEPS];
	size_t nsteps;
	const struct sc_need_view *needs;
	size_t nneeds;
	bool near;             /* nearness: a place is known */
	struct sc_texts fine;  /* what goes well ("Fijn dat ..."), folded */
	const char *talk_text; /* NULL: none */
	bool heavy_domains;    /* the list of what no longer goes well */
	const char *const *domain_questions;
	size_t ndomain_questions;
	const char *book_href;
	const char *callback_query; /* "Bel mij terug": book_href's query ("?onderwerp=...") */
	struct qr_view qr;
	const char *exit_href; /* the quick exit on a kiosk (its Stop); NULL: elsewhere */
	/* the receipt (selfcheck_receipt.html, GET /{lang}/zelfcheck/bon?c=) */
	const char
	    *receipt_href; /* "Printen" on a kiosk with a printer; NULL: the browser's print */
	bool can_print;    /* no "Printen" on a kiosk without a printer */
	struct c_result places[SC_RECEIPT_PLACES]; /* the first option of each need */
	size_t nplaces;
};

#endif
