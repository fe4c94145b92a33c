/* tpl: the template runtime (escaping, the URL allow-list, the trusted
 * type) and the test templates of tests/tpl/good/, compiled by tools/tpl.c
 * into build/tpl-test/ and run here, hostile values included. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/html.h"
#include "base/i18n.h"
#include "base/tpl.h"
#include "tpl-test/templates.h"
#include "unit.h"

void test_tpl_runtime(void)
{
	struct sb a, b;
	sb_init(&a, 0);
	sb_init(&b, 0);
	/* the same bytes as the HTML writer */
	const char *texts[] = {"",
	                       "plain",
	                       "<script>alert('x')</script> & \"q\"",
	                       "\" onmouseover=\"alert(1)",
	                       "cliënt العربية ×",
	                       "&amp; &#39; >>",
	                       "'''\"\"\"<<<"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		sb_reset(&a);
		sb_reset(&b);
		CHECK(tpl_text(&a, texts[i]));
		html_text(&b, texts[i]);
		CHECK_STR(sb_str(&a), sb_str(&b));
		sb_reset(&a);
		CHECK(tpl_attr(&a, texts[i]));
		CHECK_STR(sb_str(&a), sb_str(&b));
		sb_reset(&a);
		CHECK(tpl_textn(&a, texts[i], strlen(texts[i])));
		CHECK_STR(sb_str(&a), sb_str(&b));
	}
	sb_reset(&a);
	CHECK(tpl_text(&a, "<script>alert('x')</script>"));
	CHECK_STR(sb_str(&a), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	sb_reset(&a);
	CHECK(tpl_textn(&a, "a\0<b", 4)); /* NUL is dropped */
	CHECK(a.len == 6 && memcmp(a.data, "a&lt;b", 6) == 0);
	sb_reset(&a);
	CHECK(tpl_text(&a, NULL) && tpl_attr(&a, NULL) && tpl_url(&a, NULL) &&
	      tpl_urlencode(&a, NULL) && tpl_raw(&a, tpl_trusted_html(NULL)));
	CHECK_STR(sb_str(&a), "");

	/* the URL allow-list */
	const char *allowed[] = {"",
	                         "/",
	                         "/nl/zelfcheck?s=abc#top",
	                         "?q=1",
	                         "#main",
	                         "page.html",
	                         "a/b:c",
	                         "a?b:c",
	                         "a#b:c",
	                         "http://example.org/",
	                         "https://example.org/x",
	                         "HTTPS://EXAMPLE.ORG",
	                         "mailto:wijkwijzer@voorbeeld.nl",
	                         "tel:+31534811111",
	                         "  /x",
	                         "//example.org/protocol-relative",
	                         "javascript",
	                         "javascript/alert(1)"};
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (!tpl_url_allowed(allowed[i]))
			fprintf(stderr, "  refused: \"%s\"\n", allowed[i]);
		CHECK(tpl_url_allowed(allowed[i]));
	}
	const char *refused[] = {"javascript:alert(1)",
	                         "JavaScript:alert(1)",
	                         "JAVASCRIPT:alert(1)",
	                         " javascript:alert(1)",
	                         "\x01\x02javascript:alert(1)",
	                         "\t\n javascript:alert(1)",
	                         "java\tscript:alert(1)",
	                         "java\nscript:alert(1)",
	                         "java\rscript:alert(1)",
	                         "vbscript:msgbox(1)",
	                         "data:text/html,<script>alert(1)</script>",
	                         "file:///etc/passwd",
	                         "ftp://example.org/",
	                         "blob:https://example.org/x",
	                         "x:y",
	                         ":x",
	                         "http :x",
	                         "httpx://example.org",
	                         "https-evil:x",
	                         "mailtox:a",
	                         "verylongschemename:x"};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (tpl_url_allowed(refused[i]))
			fprintf(stderr, "  allowed: \"%s\"\n", refused[i]);
		CHECK(!tpl_url_allowed(refused[i]));
	}
	sb_reset(&a);
	CHECK(tpl_url(&a, "/a?b=1&c=\"2\""));
	CHECK_STR(sb_str(&a), "/a?b=1&amp;c=&quot;2&quot;");
	sb_reset(&a);
	CHECK(tpl_url(&a, "javascript:alert(\"x\")"));
	CHECK_STR(sb_str(&a), TPL_URL_REFUSED);

	sb_reset(&a);
	CHECK(tpl_urlencode(&a, "a b&c=é/?#~-._\"<"));
	CHECK_STR(sb_str(&a), "a%20b%26c%3D%C3%A9%2F%3F%23~-._%22%3C");

	const long nums[] = {0, 7, -1, 42, 1000000, LONG_MAX, LONG_MIN};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char want[32];
		snprintf(want, sizeof(want), "%ld", nums[i]);
		sb_reset(&a);
		CHECK(tpl_long(&a, nums[i]));
		CHECK_STR(sb_str(&a), want);
	}

	sb_reset(&a);
	CHECK(tpl_textf(&a, "%d <%s> %ld", 3, "a&b", -5L));
	CHECK_STR(sb_str(&a), "3 &lt;a&amp;b&gt; -5");
	char big[701];
	memset(big, '<', 700);
	big[700] = '\0';
	sb_reset(&a);
	CHECK(tpl_textf(&a, "[%s]", big)); /* past the stack buffer */
	CHECK(a.len == 2 + 700 * 4 && a.data[0] == '[' && strncmp(a.data + 1, "&lt;", 4) == 0 &&
	      a.data[a.len - 1] == ']');

	sb_reset(&a);
	CHECK(tpl_raw(&a, tpl_trusted_html("<svg><title>QR</title></svg>")));
	CHECK_STR(sb_str(&a), "<svg><title>QR</title></svg>");

	/* failure sticks, like sb */
	struct sb small;
	sb_init(&small, 8);
	CHECK(!tpl_text(&small, "123456789"));
	CHECK(sb_failed(&small));
	CHECK(!tpl_long(&small, 1) && !tpl_attr(&small, "") && !tpl_url(&small, "/") &&
	      !tpl_urlencode(&small, "") && !tpl_textf(&small, "%d", 1) &&
	      !tpl_raw(&small, tpl_trusted_html("")) && !tpl_text(&small, NULL));
	sb_free(&small);
	sb_init(&small, 8);
	CHECK(!tpl_textf(&small, "%s", big));
	CHECK(sb_failed(&small));
	sb_free(&small);
	sb_free(&a);
	sb_free(&b);
}

typedef bool (*tplt_fn)(struct sb *, const struct tplt_view *);

static struct sb rendered;

/* Renders a test template; the result stays valid until the next call. */
static const char *render(tplt_fn fn, const struct tplt_view *v)
{
	sb_free(&rendered);
	sb_init(&rendered, 0);
	if (!fn(&rendered, v))
		return "(failed)";
	return sb_str(&rendered);
}

static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

void test_tpl_templates(void)
{
	const char *xss_text = "<script>alert(\"x\")</script>";
	const char *xss_attr = "\" onmouseover=\"alert(1)";
	struct tplt_view v = {0};

	v.s = xss_text;
	CHECK_STR(render(tplt_t_text, &v),
	          "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>\n");
	v.s = NULL;
	CHECK_STR(render(tplt_t_text, &v), "<p></p>\n");

	v.s = xss_attr;
	CHECK_STR(
	    render(tplt_t_attr, &v),
	    "<p title=\"&quot; onmouseover=&quot;alert(1)\" class='c &quot; "
	    "onmouseover=&quot;alert(1)' data-x=\"&quot; onmouseover=&quot;alert(1)\">x</p>\n");
	v.s = "' onmouseover='alert(1)";
	CHECK_STR(render(tplt_t_attr, &v),
	          "<p title=\"&#39; onmouseover=&#39;alert(1)\" class='c &#39; "
	          "onmouseover=&#39;alert(1)' data-x=\"&#39; onmouseover=&#39;alert(1)\">x</p>\n");

	/* URL attributes: a refused scheme loads nothing */
	v.url = "javascript:alert(1)";
	v.s = "a b/\"<";
	v.n = 7;
	CHECK_STR(
	    render(tplt_t_url, &v),
	    "<a href=\"about:invalid\">a</a>\n"
	    "<img src=\"about:invalid\" alt=\"\">\n"
	    "<form action=\"about:invalid\"><button formaction=' about:invalid'>b</button></form>\n"
	    "<div data-next-url=\"about:invalid\" data-name=\"javascript:alert(1)\"></div>\n"
	    "<a href=\"/zoek/a b/&quot;&lt;?q=a%20b%2F%22%3C&amp;n=7#a b/&quot;&lt;\">c</a>\n"
	    "<a href=\"https://example.org/a b/&quot;&lt;\">d</a> <a href=\"mailto:a "
	    "b/&quot;&lt;\">e</a>\n"
	    "<a href=\"about:invalid/more\">f</a> <a href=\"p7.html\">g</a>\n");
	const char *bad_urls[] = {" JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
	                          "data:text/html,<script>alert(1)</script>", "vbscript:x"};
	for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
		v.url = bad_urls[i];
		const char *got = render(tplt_t_url, &v);
		/* href, src, action, formaction, data-next-url and the one before /more */
		CHECK(count(got, "=\"about:invalid") + count(got, "=' about:invalid") == 6);
		CHECK(strstr(got, "<a href=\"about:invalid\">a</a>") != NULL);
		CHECK(strstr(got, "<script") == NULL);
	}
	v.url = "https://example.org/?a=1&b=\"2\"";
	v.s = "x";
	CHECK(strstr(render(tplt_t_url, &v),
	             "<a href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\">a</a>") != NULL);
	v.url = xss_attr; /* a relative URL, but it cannot leave the attribute */
	CHECK(strstr(render(tplt_t_url, &v),
	             "<a href=\"&quot; onmouseover=&quot;alert(1)\">a</a>") != NULL);
	v.url = NULL;
	CHECK(strstr(render(tplt_t_url, &v), "<a href=\"\">a</a>") != NULL);

	/* only the trusted type is written raw */
	v.html = tpl_trusted_html("<svg><title>QR</title></svg>");
	CHECK_STR(render(tplt_t_raw, &v), "<figure><svg><title>QR</title></svg></figure>\n");
	v.html = tpl_trusted_html(NULL);
	CHECK_STR(render(tplt_t_raw, &v), "<figure></figure>\n");

	/* text in <title> and <textarea> is escaped; after <script> and
	   <style> the text is text again */
	v.s = "</title></textarea><script>alert(1)</script>";
	CHECK_STR(render(tplt_t_rcdata, &v),
	          "<title>&lt;/title&gt;&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
	          "</title><textarea name=\"t\">&lt;/title&gt;&lt;/textarea&gt;&lt;script&gt;"
	          "alert(1)&lt;/script&gt;</textarea>\n"
	          "<script src=\"/static/app.js\" defer></script><style>p > a { color: red "
	          "}</style>\n"
	          "<!-- a comment with \"quotes\" and <b>tags</b> -->\n"
	          "<p>&lt;/title&gt;&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");

	/* blocks, loops, declarations, white space */
	v.items[0] = "a";
	v.items[1] = "<b>";
	v.items[2] = "c";
	v.nitems = 3;
	v.choice = 2;
	v.n = 42;
	CHECK_STR(render(tplt_t_control, &v), "<ul>\n"
	                                      "  <li class=\"first\">a</li>\n"
	                                      "  <li>&lt;b&gt;</li>\n"
	                                      "  <li class=\"last\">c</li>\n"
	                                      "</ul>\n"
	                                      "<p>two</p>\n"
	                                      "<p>42</p>\n"
	                                      "<p>abc</p>\n");
	v.nitems = 1;
	v.choice = 1;
	v.n = -3;
	CHECK_STR(render(tplt_t_control, &v), "<ul>\n"
	                                      "  <li class=\"first\">a</li>\n"
	                                      "</ul>\n"
	                                      "<p>one</p>\n"
	                                      "<p>-3</p>\n"
	                                      "<p>abc</p>\n");
	v.nitems = 0;
	v.choice = 9;
	CHECK(strncmp(render(tplt_t_control, &v), "<ul>\n</ul>\n<p>many</p>\n", 22) == 0);

	/* control blocks inside tags and attribute values */
	v.s = "\"x";
	v.flag = true;
	CHECK_STR(render(tplt_t_attrs_ctrl, &v), "<option value=\"&quot;x\" selected>o</option>\n"
	                                         "<a class=\"on\" href=\"/x\">x</a>\n"
	                                         "<p class=\"a b\">p</p>\n"
	                                         "<a href=\"/a?q=&quot;x\">y</a>\n");
	v.flag = false;
	CHECK_STR(render(tplt_t_attrs_ctrl, &v), "<option value=\"&quot;x\">o</option>\n"
	                                         "<a href=\"/x\">x</a>\n"
	                                         "<p class=\"a\">p</p>\n"
	                                         "<a href=\"/b?q=&quot;x\">y</a>\n");

	/* partials with arguments */
	v.items[0] = "één";
	v.items[1] = "<i>";
	v.nitems = 2;
	CHECK_STR(render(tplt_t_partial, &v), "<ul>\n"
	                                      "<li>één: 1</li>\n"
	                                      "<li>&lt;i&gt;: 2</li>\n"
	                                      "</ul>\n");
	struct sb out;
	sb_init(&out, 0);
	CHECK(tplt_t_item(&out, "x", 5) && tplt_t_empty(&out));
	CHECK_STR(sb_str(&out), "<li>x: 5</li>\n");
	sb_free(&out);

	/* translations, plurals and formatted sentences, escaped */
	const struct i18n_lang *before = i18n_use(i18n_find("nl"));
	v.n = 3;
	v.s = "\"x";
	CHECK_STR(render(tplt_t_i18n, &v), "<h1>Hulp en ondersteuning dichtbij</h1>\n"
	                                   "<p>3 tijden vrij</p>\n"
	                                   "<p title=\"Vraag 2 van 5\">&lt;&quot;x&gt;</p>\n");
	const struct i18n_lang *en = i18n_find("en");
	if (en && en->available) {
		i18n_use(en);
		v.n = 1;
		CHECK_STR(render(tplt_t_i18n, &v),
		          "<h1>Help and support close to home</h1>\n"
		          "<p>1 time free</p>\n"
		          "<p title=\"Vraag 2 van 5\">&lt;&quot;x&gt;</p>\n");
	}
	i18n_use(before);

	v.s = "s";
	CHECK_STR(render(tplt_t_merge, &v), "<a href=\"/x\">s</a>\n<b></b>\n<i>i</i>\n");

	/* a template stops at the first append that fails and says so */
	struct sb small;
	sb_init(&small, 16);
	v.nitems = 3;
	v.items[2] = "c";
	CHECK(!tplt_t_control(&small, &v));
	CHECK(sb_failed(&small));
	sb_free(&small);
	sb_free(&rendered);
}
