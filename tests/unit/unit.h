/* A minimal unit test harness: CHECK counts, failures print file:line,
 * and main prints "N passed, N failed". */
#ifndef WW_UNIT_H
#define WW_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_passed, unit_failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond) {                                                                        \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (a_ && b_ && strcmp(a_, b_) == 0) {                                             \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			fprintf(stderr, "FAIL %s:%d: %s\n  got:  \"%s\"\n  want: \"%s\"\n",        \
			        __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");   \
		}                                                                                  \
	} while (0)

void test_sb(void);
void test_insight(void);
void test_arena(void);
void test_text(void);
void test_html(void);
void test_params(void);
void test_route(void);
void test_i18n(void);
void test_json(void);
void test_csrf(void);
void test_origin(void);
void test_dispatch(void);
void test_csv(void);
void test_postcode(void);
void test_hours(void);
void test_fts_query(void);
void test_booking_time(void);
void test_booking_validate(void);
void test_fts_utf8_cut(void);
void test_mail(void);
void test_rd_to_wgs84(void);
void test_rate(void);
void test_compress(void);
void test_accept_encoding(void);
void test_etag_match(void);
void test_assets_compressed(void);
void test_clock(void);
void test_callbacks_deadline(void);
void test_staff_roles(void);
void test_search(void);
void test_hours_moment(void);
void test_crypto(void);
void test_selfcheck_seal(void);
void test_tpl_runtime(void);
void test_components(void);
void test_tpl_templates(void);
void test_content(void);
void test_content_patch_csv(void);

/* The built content (build/content), for tests that render pages. */
extern const char *unit_content_dir;

#endif
