/* render: how long the home page handler takes to render, without the
 * network, the response cache or the compression. Calls the router and
 * the handler of GET /{lang}/ in a loop, as a worker does, and prints the
 * median of 7 rounds in microseconds per page for every language.
 * Usage: render LOCALEDIR [ITERATIONS] (make bench-render). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/app.h"
#include "store/catalog.h"
#include "net/http.h"
#include "base/i18n.h"
#include "net/server.h"

#define ROUNDS 7

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One GET of path through the router and the handler; the body length. */
static size_t render(struct app *app, const char *path)
{
	struct request rq;
	struct response rs;
	request_init(&rq);
	response_init(&rs);
	rq.method = HM_GET;
	rq.method_name = "GET";
	rq.path = strdup(path);
	server_dispatch(app, &rq, &rs);
	size_t n = rs.status == 200 ? rs.body.len : 0;
	request_free(&rq);
	response_free(&rs);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: render LOCALEDIR [ITERATIONS]\n");
		return 2;
	}
	long iterations = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	if (iterations < 1)
		iterations = 1;
	if (i18n_init(argv[1]) != 0)
		fprintf(stderr, "note: some locales are missing\n");
	struct app app;
	memset(&app, 0, sizeof(app));
	/* the built content beside the locales, as the server has it */
	char content[4096], err[256];
	snprintf(content, sizeof(content), "%s/../content", argv[1]);
	app.catalog = catalog_open(content, err, sizeof(err));
	if (!app.catalog) {
		fprintf(stderr, "render: %s\n", err);
		return 1;
	}
	static const char *const langs[] = {"nl", "en", "de", "tr", "ar", "pl", "uk"};
	double sum = 0;
	for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
		char path[16];
		snprintf(path, sizeof(path), "/%s/", langs[l]);
		size_t len = render(&app, path); /* warm-up */
		if (!len) {
			fprintf(stderr, "render: GET %s failed\n", path);
			return 1;
		}
		double us[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			double t0 = now_s();
			for (long i = 0; i < iterations; i++)
				render(&app, path);
			us[r] = (now_s() - t0) * 1e6 / (double)iterations;
		}
		qsort(us, ROUNDS, sizeof(us[0]), cmp_double);
		printf(
		    "GET %-4s %5zu bytes  %6.2f us/page (median of %d x %ld; min %.2f, max %.2f)\n",
		    path, len, us[ROUNDS / 2], ROUNDS, iterations, us[0], us[ROUNDS - 1]);
		sum += us[ROUNDS / 2];
	}
	printf("mean of the medians: %.2f us/page\n", sum / 7.0);
	i18n_shutdown();
	return 0;
}
