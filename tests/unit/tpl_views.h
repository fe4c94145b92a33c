/* The views of the test templates in tests/tpl/good/ (test_tpl.c). */
#ifndef WW_TPL_VIEWS_H
#define WW_TPL_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/tpl.h"

struct tplt_view {
	const char *s;   /* any text, hostile too */
	const char *url; /* a URL of unknown origin */
	long n;
	bool flag;
	int choice;
	const char *items[4];
	size_t nitems;
	struct tpl_html html;
};

#endif
