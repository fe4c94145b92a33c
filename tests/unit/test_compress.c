/* compress (encoders, Accept-Encoding, If-None-Match) and the compressed
 * forms tools/embed writes into assets. The encoders are checked with the
 * real decoders: zlib's inflate and libbrotlidec. */
#include <stdint.h>
#include <stdlib.h>

#include <brotli/decode.h>
#define ZLIB_CONST
#include <zlib.h>

#include "base/assets.h"
#include "base/compress.h"
#include "base/sb.h"
#include "unit.h"

/* Inflates a gzip stream (and only gzip: windowBits 15 + 16) into out;
 * false unless it is one complete, valid stream. */
static bool gunzip(const void *in, size_t n, struct sb *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return false;
	z.next_in = in;
	z.avail_in = (uInt)n;
	unsigned char window[4096];
	int rc = Z_OK;
	bool ok = true;
	while (ok && rc != Z_STREAM_END) {
		z.next_out = window;
		z.avail_out = sizeof(window);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			ok = false;
		else if (!sb_append(out, (const char *)window, sizeof(window) - z.avail_out))
			ok = false;
	}
	ok = ok && z.avail_in == 0; /* nothing after the stream */
	if (inflateEnd(&z) != Z_OK)
		ok = false;
	return ok;
}

static bool unbrotli(const void *in, size_t n, struct sb *out)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	if (!s)
		return false;
	const uint8_t *next_in = in;
	size_t avail_in = n;
	BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
	bool ok = true;
	while (ok && r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
		size_t avail_out = 0;
		r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, NULL, NULL);
		while (ok && BrotliDecoderHasMoreOutput(s)) {
			size_t got = 0;
			const uint8_t *o = BrotliDecoderTakeOutput(s, &got);
			ok = sb_append(out, (const char *)o, got);
		}
	}
	ok = ok && r == BROTLI_DECODER_RESULT_SUCCESS && avail_in == 0;
	BrotliDecoderDestroyInstance(s);
	return ok;
}

static bool same(const struct sb *b, const void *p, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->data, p, n) == 0);
}

/* Compresses in both ways at the given settings and decodes again. */
static void round_trip(const void *in, size_t n, int level, int quality)
{
	struct sb z, back;
	sb_init(&z, 0);
	sb_init(&back, 0);
	CHECK(compress_gzip(in, n, level, &z));
	CHECK(z.len >= 18 && (unsigned char)z.data[0] == 0x1f && (unsigned char)z.data[1] == 0x8b);
	CHECK(gunzip(z.data, z.len, &back) && same(&back, in, n));
	sb_reset(&z);
	sb_reset(&back);
	CHECK(compress_brotli(in, n, quality, &z));
	CHECK(unbrotli(z.data, z.len, &back) && same(&back, in, n));
	sb_free(&z);
	sb_free(&back);
}

void test_compress(void)
{
	const char *page = "<!doctype html><html lang=\"nl\"><p>Hulp en ondersteuning dichtbij</p>";
	round_trip("", 0, 6, 5);
	round_trip(NULL, 0, 9, 11);
	round_trip("x", 1, 1, 0);
	round_trip(page, strlen(page), COMPRESS_PAGE_GZIP_LEVEL, COMPRESS_PAGE_BROTLI_QUALITY);
	round_trip(page, strlen(page), COMPRESS_ASSET_GZIP_LEVEL, COMPRESS_ASSET_BROTLI_QUALITY);
	round_trip(page, strlen(page), 0, 0); /* stored blocks, fastest brotli */

	/* bigger than every window and buffer on the way: repetitive text, and
	 * noise that does not compress */
	size_t n = 300 * 1000;
	unsigned char *big = malloc(n);
	CHECK(big != NULL);
	if (big) {
		for (size_t i = 0; i < n; i++)
			big[i] = (unsigned char)"wijkwijzer enschede "[i % 20];
		round_trip(big, n, COMPRESS_PAGE_GZIP_LEVEL, COMPRESS_PAGE_BROTLI_QUALITY);
		uint32_t x = 2463534242u;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			big[i] = (unsigned char)x;
		}
		round_trip(big, n, 6, 5);
		free(big);
	}

	/* appends; the same input gives the same bytes (reproducible builds) */
	struct sb a, b;
	sb_init(&a, 0);
	sb_init(&b, 0);
	CHECK(sb_puts(&a, "head"));
	CHECK(compress_gzip(page, strlen(page), 9, &a));
	CHECK(compress_gzip(page, strlen(page), 9, &b));
	CHECK(a.len == b.len + 4 && memcmp(a.data, "head", 4) == 0 &&
	      memcmp(a.data + 4, b.data, b.len) == 0);
	sb_reset(&a);
	sb_reset(&b);
	CHECK(compress_brotli(page, strlen(page), 11, &a));
	CHECK(compress_brotli(page, strlen(page), 11, &b));
	CHECK(same(&a, b.data, b.len));
	sb_free(&a);
	sb_free(&b);

	/* refusals: bad settings, NULL with a length, a limit too small, a
	 * builder that failed before */
	struct sb s;
	sb_init(&s, 0);
	CHECK(!compress_gzip(page, 10, -1, &s));
	CHECK(!compress_gzip(page, 10, 10, &s));
	CHECK(!compress_brotli(page, 10, -1, &s));
	CHECK(!compress_brotli(page, 10, 12, &s));
	CHECK(!compress_gzip(NULL, 10, 6, &s));
	CHECK(!compress_brotli(NULL, 10, 5, &s));
	CHECK(!compress_gzip(page, 10, 6, NULL));
	CHECK(s.len == 0);
	sb_free(&s);
	sb_init(&s, 8);
	CHECK(!compress_gzip(page, strlen(page), 6, &s) && sb_failed(&s));
	sb_free(&s);
	sb_init(&s, 8);
	CHECK(!compress_brotli(page, strlen(page), 5, &s) && sb_failed(&s));
	CHECK(!compress_brotli("", 0, 5, &s)); /* stays failed */
	sb_free(&s);
}

void test_accept_encoding(void)
{
	const unsigned both = COMPRESS_GZIP | COMPRESS_BR;
	CHECK(compress_accepted(NULL) == 0);
	CHECK(compress_accepted("") == 0);
	CHECK(compress_accepted("   ") == 0);
	CHECK(compress_accepted("gzip, deflate, br") == both); /* Chromium, Firefox */
	CHECK(compress_accepted("gzip, deflate, br, zstd") == both);
	CHECK(compress_accepted("gzip, deflate") == COMPRESS_GZIP); /* old Safari */
	CHECK(compress_accepted("br;q=1.0, gzip;q=0.8, *;q=0.1") == both);
	CHECK(compress_accepted("identity") == 0);
	CHECK(compress_accepted("deflate") == 0);
	CHECK(compress_accepted("br") == COMPRESS_BR);
	CHECK(compress_accepted("GZip,BR") == both);
	CHECK(compress_accepted("x-gzip") == COMPRESS_GZIP);
	CHECK(compress_accepted("X-GZIP;Q=0.5") == COMPRESS_GZIP);
	CHECK(compress_accepted("gzip2, brotli, xbr, gzi") == 0); /* whole tokens only */

	/* q=0 refuses; "*" covers what is not listed */
	CHECK(compress_accepted("gzip;q=0, br") == COMPRESS_BR);
	CHECK(compress_accepted("gzip;q=0.000, br;q=0.001") == COMPRESS_BR);
	CHECK(compress_accepted("br;q=0") == 0);
	CHECK(compress_accepted("*") == both);
	CHECK(compress_accepted("*;q=0") == 0);
	CHECK(compress_accepted("*;q=0, gzip") == COMPRESS_GZIP);
	CHECK(compress_accepted("*, gzip;q=0") == COMPRESS_BR);
	CHECK(compress_accepted("gzip;q=0, *") == COMPRESS_BR);
	CHECK(compress_accepted("identity;q=0, *;q=0.5") == both);
	CHECK(compress_accepted("gzip, gzip;q=0") == 0); /* listed twice: the refusal wins */
	CHECK(compress_accepted("gzip;q=0, gzip;q=1") == 0);

	/* whitespace, empty elements, other parameters */
	CHECK(compress_accepted(" \tgzip \t; \tq=0.5 \t,\t br ") == both);
	CHECK(compress_accepted(",,, ,gzip,,") == COMPRESS_GZIP);
	CHECK(compress_accepted("gzip;level=9;q=1") == COMPRESS_GZIP);
	CHECK(compress_accepted("gzip;foo=\"a,b;q=0\"") == COMPRESS_GZIP);
	CHECK(compress_accepted("gzip;foo=\"a,\\\"br\\\"\", zz") == COMPRESS_GZIP);
	CHECK(compress_accepted("gzip;q=1.") == COMPRESS_GZIP);
	CHECK(compress_accepted("gzip;q=0.") == 0);

	/* malformed q-values and elements: ignored, never a crash */
	CHECK(compress_accepted("gzip;q=2") == 0);
	CHECK(compress_accepted("gzip;q=1.5") == 0);
	CHECK(compress_accepted("gzip;q=1.001") == 0);
	CHECK(compress_accepted("gzip;q=0.0001") == 0);
	CHECK(compress_accepted("gzip;q=-1") == 0);
	CHECK(compress_accepted("gzip;q=") == 0);
	CHECK(compress_accepted("gzip;q") == 0);
	CHECK(compress_accepted("gzip;q=\"0.5\"") == 0);
	CHECK(compress_accepted("gzip;q=0.5x, br") == COMPRESS_BR);
	CHECK(compress_accepted("gzip;;q=1") == 0);
	CHECK(compress_accepted("gzip br") == 0);
	CHECK(compress_accepted("gzip;q=0 junk, br") == COMPRESS_BR);
	CHECK(compress_accepted("\"gzip\", br") == COMPRESS_BR);
	CHECK(compress_accepted("\"unclosed, gzip") == 0);
	CHECK(compress_accepted("gzip;x=\"unclosed, br") == 0);
	CHECK(compress_accepted("@@@, \x01\x7f\xff, br") == COMPRESS_BR);
	CHECK(compress_accepted("g\xc3\xbczip, br;q=0.9") == COMPRESS_BR);
	CHECK(compress_accepted(";;;,,,===") == 0);

	/* long headers: linear work */
	struct sb h;
	sb_init(&h, 0);
	for (int i = 0; i < 20000; i++)
		sb_puts(&h, "deflate;q=0.5;a=\"b\", ");
	sb_puts(&h, "br");
	CHECK(!sb_failed(&h) && compress_accepted(sb_str(&h)) == COMPRESS_BR);
	sb_reset(&h);
	for (int i = 0; i < 100000; i++)
		sb_putc(&h, '"');
	CHECK(!sb_failed(&h) && compress_accepted(sb_str(&h)) == 0);
	sb_free(&h);
}

void test_etag_match(void)
{
	const char *e = "\"2cd9b95fd945b982\"";
	CHECK(compress_etag_match("\"2cd9b95fd945b982\"", e));
	CHECK(compress_etag_match("W/\"2cd9b95fd945b982\"", e)); /* weak comparison */
	CHECK(compress_etag_match("\"2cd9b95fd945b982\"", "W/\"2cd9b95fd945b982\""));
	CHECK(compress_etag_match("W/\"2cd9b95fd945b982\"", "W/\"2cd9b95fd945b982\""));
	CHECK(compress_etag_match("*", e));
	CHECK(compress_etag_match("  *  ", e));
	CHECK(compress_etag_match("\"a\", \"2cd9b95fd945b982\", \"b\"", e));
	CHECK(compress_etag_match("\"a\",W/\"2cd9b95fd945b982\"", e));
	CHECK(compress_etag_match(" \t\"2cd9b95fd945b982\" \t", e));
	CHECK(compress_etag_match("\"a,b\", \"2cd9b95fd945b982\"", e)); /* comma in a tag */
	CHECK(compress_etag_match("garbage, \"2cd9b95fd945b982\"", e));
	CHECK(compress_etag_match("\"bad tag\", \"2cd9b95fd945b982\"", e));
	CHECK(compress_etag_match("\"x\" y, \"2cd9b95fd945b982\"", e));

	CHECK(!compress_etag_match("\"2cd9b95fd945b983\"", e));
	CHECK(!compress_etag_match("\"2CD9B95FD945B982\"", e)); /* opaque: case matters */
	CHECK(!compress_etag_match("2cd9b95fd945b982", e));     /* unquoted */
	CHECK(!compress_etag_match("\"2cd9b95fd945b982", e));   /* unclosed */
	CHECK(!compress_etag_match("w/\"2cd9b95fd945b982\"", e));
	CHECK(!compress_etag_match("\"2cd9b95fd945b982-gzip\"", e)); /* another representation */
	CHECK(!compress_etag_match("\"2cd9b95fd945b982\"", "\"2cd9b95fd945b982-gzip\""));
	CHECK(!compress_etag_match("\"2cd9b95fd945b982\"x", e));
	CHECK(!compress_etag_match("\"\"", e));
	CHECK(!compress_etag_match("", e));
	CHECK(!compress_etag_match(",,,", e));
	CHECK(!compress_etag_match(NULL, e));
	CHECK(!compress_etag_match("*", NULL));
	CHECK(!compress_etag_match("*x", e));
	CHECK(!compress_etag_match("\"a\", \"2cd9b95fd945b982", e));
	CHECK(!compress_etag_match("\"x\"", "x"));        /* the server's tag is malformed */
	CHECK(!compress_etag_match("\"x\"", "\"x\" "));   /* so is this one */
	CHECK(!compress_etag_match("\"a\"b\"", "\"a\"")); /* not one tag */
	CHECK(compress_etag_match("\"\"", "\"\""));       /* the empty tag is valid */
	CHECK(compress_etag_match("\"\xc3\xa9\"", "\"\xc3\xa9\"")); /* obs-text */

	struct sb h;
	sb_init(&h, 0);
	for (int i = 0; i < 20000; i++)
		sb_puts(&h, "W/\"abc,def\", junk \"x, ");
	sb_puts(&h, e);
	CHECK(!sb_failed(&h) && compress_etag_match(sb_str(&h), e));
	sb_free(&h);
}

/* What tools/embed wrote: each compressed form decodes to the asset, is
 * smaller, and every tag is quoted and different. */
void test_assets_compressed(void)
{
	CHECK(assets_count > 0);
	size_t with_gz = 0, with_br = 0;
	for (size_t i = 0; i < assets_count; i++) {
		const struct asset *a = &assets[i];
		struct sb back, tag;
		sb_init(&back, 0);
		sb_init(&tag, 0);
		CHECK(a->hash && strlen(a->hash) == 16);
		sb_appendf(&tag, "\"%s\"", a->hash);
		CHECK_STR(a->etag, sb_str(&tag));
		CHECK(compress_etag_match(a->etag, a->etag));
		CHECK((a->gz == NULL) == (a->gz_len == 0) &&
		      (a->gz == NULL) == (a->etag_gz == NULL));
		CHECK((a->br == NULL) == (a->br_len == 0) &&
		      (a->br == NULL) == (a->etag_br == NULL));
		if (a->gz) {
			with_gz++;
			CHECK(a->gz_len < a->len);
			CHECK(gunzip(a->gz, a->gz_len, &back) && same(&back, a->data, a->len));
			sb_reset(&tag);
			sb_appendf(&tag, "\"%s-gzip\"", a->hash);
			CHECK_STR(a->etag_gz, sb_str(&tag));
			CHECK(!compress_etag_match(a->etag_gz, a->etag));
		}
		if (a->br) {
			with_br++;
			CHECK(a->br_len < a->len);
			sb_reset(&back);
			CHECK(unbrotli(a->br, a->br_len, &back) && same(&back, a->data, a->len));
			sb_reset(&tag);
			sb_appendf(&tag, "\"%s-br\"", a->hash);
			CHECK_STR(a->etag_br, sb_str(&tag));
			CHECK(!compress_etag_match(a->etag_br, a->etag));
			CHECK(!a->etag_gz || !compress_etag_match(a->etag_br, a->etag_gz));
		}
		sb_free(&back);
		sb_free(&tag);
	}
	/* the stylesheet and the script are text and shrink a lot */
	const struct asset *css = asset_find("style.css");
	CHECK(css && css->gz && css->br && css->br_len < css->gz_len && css->gz_len < css->len / 2);
	CHECK(with_gz > 0 && with_br > 0);
}
