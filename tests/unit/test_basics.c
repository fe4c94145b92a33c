/* sb, text, html, params */
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "base/arena.h"
#include "base/html.h"
#include "net/http.h"
#include "base/sb.h"
#include "base/text.h"
#include "unit.h"

void test_sb(void)
{
	struct sb b;
	sb_init(&b, 16);
	CHECK(sb_puts(&b, "hello"));
	CHECK(sb_appendf(&b, " %d", 42));
	CHECK_STR(sb_str(&b), "hello 42");
	CHECK(!sb_puts(&b, "this is far too long"));
	CHECK(sb_failed(&b));
	CHECK(!sb_puts(&b, "x")); /* stays failed */
	CHECK_STR(sb_str(&b), "hello 42");
	sb_free(&b);

	sb_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		sb_appendf(&b, "%04d", i);
	CHECK(b.len == 4000 && !sb_failed(&b));
	char *s = sb_steal(&b);
	CHECK(s && strncmp(s, "00000001", 8) == 0);
	free(s);
	CHECK_STR(sb_str(&b), "");
	sb_free(&b);
}

void test_text(void)
{
	CHECK(text_utf8_valid("gewoon", 6));
	CHECK(text_utf8_valid("cliënt", strlen("cliënt")));
	CHECK(text_utf8_valid("العربية", strlen("العربية")));
	CHECK(!text_utf8_valid("\xc3", 1));             /* truncated */
	CHECK(!text_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	CHECK(!text_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	CHECK(!text_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	CHECK(!text_utf8_valid("a\0b", 3));             /* NUL */

	/* a way back that stays on this site */
	CHECK(text_local_path("/nl/voorzieningen?q=koffie&postcode=7511"));
	CHECK(text_local_path("/ar/zelfcheck/uitslag?c=abc"));
	CHECK(!text_local_path(NULL) && !text_local_path("") && !text_local_path("nl/"));
	CHECK(!text_local_path("//evil.example") && !text_local_path("/\\evil.example"));
	CHECK(!text_local_path("/\t/evil.example")); /* a browser drops the tab */
	CHECK(!text_local_path("/\n/evil.example") && !text_local_path("/ /x"));
	CHECK(!text_local_path("/\x7f") && !text_local_path("/\xc3"));
	CHECK(!text_local_path("https://evil.example/"));

	char tel[12];
	text_tel(tel, sizeof(tel), "053 000 7379");
	CHECK(strcmp(tel, "0530007379") == 0);
	text_tel(tel, sizeof(tel), "+31 (0)53-000 7379");
	CHECK(strcmp(tel, "+3105300073") == 0); /* cut to fit */
	text_tel(tel, sizeof(tel), "0800-2000 of +1");
	CHECK(strcmp(tel, "080020001") == 0); /* a "+" only first */

	long v;
	CHECK(text_parse_long("8080", 1, 65535, &v) && v == 8080);
	CHECK(!text_parse_long("0", 1, 65535, &v));
	CHECK(!text_parse_long("80a", 1, 65535, &v));
	CHECK(!text_parse_long(" 80", 1, 65535, &v));
	CHECK(!text_parse_long("99999999999999999999", 0, 10, &v));
	CHECK(!text_parse_long("", 0, 10, &v));

	struct sb b;
	sb_init(&b, 0);
	text_url_encode(&b, "a b&c=é/");
	CHECK_STR(sb_str(&b), "a%20b%26c%3D%C3%A9%2F");
	sb_reset(&b);
	CHECK(text_url_decode(&b, "a+b%26c", 7));
	CHECK_STR(sb_str(&b), "a b&c");
	sb_reset(&b);
	CHECK(!text_url_decode(&b, "%zz", 3));
	sb_reset(&b);
	CHECK(!text_url_decode(&b, "%4", 2));
	sb_reset(&b);
	text_trim_fold(&b, "  7511 \t  ab  ");
	CHECK_STR(sb_str(&b), "7511 ab");
	sb_reset(&b);
	text_url_path(&b, "/nl/a b/é");
	CHECK_STR(sb_str(&b), "/nl/a%20b/%C3%A9");
	sb_free(&b);
	CHECK(text_ascii_ieq("Nl-NL", "nl-nl"));
	CHECK(text_utf8_length("cliënt") == 6);
}

void test_html(void)
{
	struct sb b;
	sb_init(&b, 0);
	html_text(&b, "<script>alert('x')</script> & \"q\"");
	CHECK_STR(sb_str(&b),
	          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	sb_reset(&b);
	html_fmt(&b, "<a href=\"%s\">%s</a> %d%%", "/x?a=1&b=\"2\"", "<b>", 7);
	CHECK_STR(sb_str(&b), "<a href=\"/x?a=1&amp;b=&quot;2&quot;\">&lt;b&gt;</a> 7%");
	sb_reset(&b);
	html_textf(&b, "%s <%d>", "a&b", 3);
	CHECK_STR(sb_str(&b), "a&amp;b &lt;3&gt;");
	sb_reset(&b);
	html_attr(&b, "value", "\"><img src=x onerror=alert(1)>");
	CHECK_STR(sb_str(&b), " value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"");
	sb_reset(&b);
	html_fmt(&b, "%ld %zu %u", -5L, (size_t)9, 3u);
	CHECK_STR(sb_str(&b), "-5 9 3");
	sb_reset(&b);
	json_string(&b, "a\"b\\c\n</script>\x01");
	CHECK_STR(sb_str(&b), "\"a\\\"b\\\\c\\n\\u003c/script\\u003e\\u0001\"");
	sb_reset(&b);
	html_text(&b, NULL);
	CHECK_STR(sb_str(&b), "");
	sb_free(&b);
}

void test_params(void)
{
	struct params p = {0};
	const char *q = "q=thuis+zorg&postcode=7511%20AB&empty=&flag&q=second";
	CHECK(params_parse_urlencoded(&p, q, strlen(q)) == PARAMS_OK);
	CHECK_STR(params_get(&p, "q"), "thuis zorg");
	CHECK_STR(params_get(&p, "postcode"), "7511 AB");
	CHECK_STR(params_get(&p, "empty"), "");
	CHECK_STR(params_get(&p, "flag"), "");
	CHECK(params_get(&p, "missing") == NULL);
	CHECK(p.n == 5);
	params_free(&p);

	CHECK(params_parse_urlencoded(&p, "a=%ZZ", 5) == PARAMS_BAD_ESCAPE);
	params_free(&p);
	CHECK(params_parse_urlencoded(&p, "a=%C3%28", 8) == PARAMS_BAD_UTF8);
	params_free(&p);
	CHECK(params_parse_urlencoded(&p, "a=%00", 5) == PARAMS_BAD_UTF8);
	params_free(&p);

	struct sb many;
	sb_init(&many, 0);
	for (int i = 0; i < HTTP_MAX_PARAMS + 5; i++)
		sb_appendf(&many, "k%d=v&", i);
	CHECK(params_parse_urlencoded(&p, many.data, many.len) == PARAMS_TOO_MANY);
	params_free(&p);
	sb_reset(&many);
	sb_puts(&many, "a=");
	for (int i = 0; i < HTTP_MAX_PARAM_VALUE + 10; i++)
		sb_putc(&many, 'x');
	CHECK(params_parse_urlencoded(&p, many.data, many.len) == PARAMS_TOO_LONG);
	params_free(&p);
	sb_free(&many);

	struct request rq;
	request_init(&rq);
	rq.cookie = strdup("theme=dark; lang=en; other=1");
	struct sb c;
	sb_init(&c, 64);
	CHECK(request_cookie(&rq, "lang", &c));
	CHECK_STR(sb_str(&c), "en");
	sb_reset(&c);
	CHECK(!request_cookie(&rq, "lan", &c));
	sb_free(&c);
	request_free(&rq);

	struct response rs;
	response_init(&rs);
	CHECK(!response_header(&rs, "X-Test", "a\r\nSet-Cookie: evil=1"));
	CHECK(!response_redirect(&rs, 303, "//evil.example/"));
	CHECK(!response_redirect(&rs, 303, "https://evil.example/"));
	CHECK(response_redirect(&rs, 303, "/nl/"));
	CHECK(rs.status == 303 && rs.nheaders == 1);
	response_free(&rs);
}

void test_arena(void)
{
	struct arena a;
	arena_init(&a);
	char *s = arena_strdup(&a, "wijkwijzer");
	CHECK(s && strcmp(s, "wijkwijzer") == 0);
	char *f = arena_printf(&a, "%s %d", "vraag", 3);
	CHECK(f && strcmp(f, "vraag 3") == 0);
	/* aligned for any type, and many small pieces over several chunks */
	bool aligned = true;
	for (int i = 0; i < 5000 && aligned; i++) {
		long double *p = arena_alloc(&a, sizeof(*p) * 3);
		aligned = p && ((uintptr_t)p % _Alignof(max_align_t)) == 0;
		if (p)
			p[2] = (long double)i;
	}
	CHECK(aligned);
	CHECK(strcmp(s, "wijkwijzer") == 0); /* earlier memory stays put */
	/* a piece larger than a chunk, and the limit */
	CHECK(arena_alloc(&a, 100000) != NULL);
	CHECK(arena_alloc(&a, ARENA_LIMIT) == NULL);
	CHECK(arena_alloc(&a, (size_t)-1) == NULL);
	struct sb *b = arena_sb(&a, 64);
	CHECK(b && sb_puts(b, "een builder") && strcmp(sb_str(b), "een builder") == 0);
	CHECK(b && !sb_append(b, "x", 100) && sb_failed(b));
	arena_free(&a); /* frees the builder too: valgrind and ASan see no leak */
	CHECK(a.chunks == NULL && a.builders == NULL && a.used == 0);
	arena_free(&a); /* twice is harmless */
}
