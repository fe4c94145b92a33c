#include <stdio.h>
#include <stdlib.h>

#include "base/i18n.h"
#include "net/http.h"
#include "web/page.h"

#include "unit.h"

int unit_passed, unit_failed;

const char *unit_content_dir;

int main(int argc, char **argv)
{
	/* as main.c does: the server's error answers are the web layer's pages */
	http_set_error_page(page_error);
	if (argc != 2) {
		fprintf(stderr, "usage: unit-tests LOCALEDIR\n");
		return 2;
	}
	/* the built content beside the locales: build/locale -> build/content */
	static char content[4096];
	snprintf(content, sizeof(content), "%s/../content", argv[1]);
	unit_content_dir = content;
	if (i18n_init(argv[1]) != 0)
		fprintf(stderr, "note: some locales are missing; run make deps\n");
	test_sb();
	test_arena();
	test_text();
	test_html();
	test_params();
	test_route();
	test_i18n();
	test_json();
	test_csrf();
	test_origin();
	test_dispatch();
	test_csv();
	test_postcode();
	test_hours();
	test_fts_query();
	test_booking_time();
	test_booking_validate();
	test_fts_utf8_cut();
	test_rd_to_wgs84();
	test_rate();
	test_compress();
	test_accept_encoding();
	test_etag_match();
	test_assets_compressed();
	test_clock();
	test_mail();
	test_callbacks_deadline();
	test_staff_roles();
	test_hours_moment();
	test_search();
	test_crypto();
	test_selfcheck_seal();
	test_tpl_runtime();
	test_tpl_templates();
	test_content();
	test_content_patch_csv();
	test_components();
	test_insight();
	i18n_shutdown();
	printf("unit: %d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
