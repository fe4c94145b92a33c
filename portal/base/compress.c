#include "base/compress.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <brotli/encode.h>
#define ZLIB_CONST /* next_in is a const pointer */
#include <zlib.h>

/* ---- encoders ------------------------------------------------------------ */

/* zlib wants an output buffer; this window is only where deflate's output
 * passes through on its way into out, so it limits nothing. */
#define GZIP_WINDOW 16384

bool compress_gzip(const void *in, size_t n, int level, struct sb *out)
{
	if (level < 0 || level > 9 || (!in && n) || !out || sb_failed(out))
		return false;
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper (header and trailer) instead of
	 * zlib's; memLevel 8 is zlib's default */
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	const unsigned char *p = in;
	size_t left = n;
	unsigned char window[GZIP_WINDOW];
	bool ok = true;
	int rc = Z_OK;
	while (ok && rc != Z_STREAM_END) {
		if (z.avail_in == 0 && left) {
			/* avail_in is an unsigned int: feed huge inputs in pieces */
			uInt take = left > UINT_MAX ? UINT_MAX : (uInt)left;
			z.next_in = p;
			z.avail_in = take;
			p += take;
			left -= take;
		}
		z.next_out = window;
		z.avail_out = sizeof(window);
		rc = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
		/* Z_BUF_ERROR only means no progress was possible this round,
		 * which cannot last: there is always room in the window */
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			ok = false;
		size_t got = sizeof(window) - z.avail_out;
		if (ok && got && !sb_append(out, (const char *)window, got))
			ok = false;
		if (ok && rc == Z_BUF_ERROR && !got)
			ok = false;
	}
	if (deflateEnd(&z) != Z_OK)
		ok = false;
	return ok;
}

/* The smallest brotli window (log2, 10-22) that holds n bytes, as
 * BrotliEncoderCompress picks it: a smaller window costs the decoder less
 * memory and the result nothing. */
static int brotli_window(size_t n)
{
	int lgwin = BROTLI_MIN_WINDOW_BITS;
	while (lgwin < BROTLI_DEFAULT_WINDOW && ((size_t)1 << lgwin) - 16 < n)
		lgwin++;
	return lgwin;
}

bool compress_brotli(const void *in, size_t n, int quality, struct sb *out)
{
	if (quality < BROTLI_MIN_QUALITY || quality > BROTLI_MAX_QUALITY || (!in && n) || !out ||
	    sb_failed(out))
		return false;
	BrotliEncoderState *s = BrotliEncoderCreateInstance(NULL, NULL, NULL);
	if (!s)
		return false;
	uint32_t hint = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	bool ok = BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, (uint32_t)quality) &&
	          BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, (uint32_t)brotli_window(n)) &&
	          BrotliEncoderSetParameter(s, BROTLI_PARAM_SIZE_HINT, hint);
	const uint8_t *next_in = in;
	size_t avail_in = n;
	while (ok && !BrotliEncoderIsFinished(s)) {
		size_t before = avail_in;
		/* no output buffer of ours: the encoder keeps its output until
		 * BrotliEncoderTakeOutput hands it over */
		size_t avail_out = 0;
		if (!BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH, &avail_in, &next_in,
		                                 &avail_out, NULL, NULL)) {
			ok = false;
			break;
		}
		bool progress = avail_in != before;
		while (ok && BrotliEncoderHasMoreOutput(s)) {
			size_t got = 0;
			const uint8_t *o = BrotliEncoderTakeOutput(s, &got);
			if (got && !sb_append(out, (const char *)o, got))
				ok = false;
			progress |= got > 0;
		}
		/* a call that neither reads nor writes would loop forever */
		if (ok && !progress && !BrotliEncoderIsFinished(s))
			ok = false;
	}
	BrotliEncoderDestroyInstance(s);
	return ok;
}

/* ---- header parsing --------------------------------------------------------
 * Plain ASCII tests, not <ctype.h>: the server switches locales per request
 * with uselocale(), and header syntax must not depend on that. */

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* tchar of RFC 9110 section 5.6.2 */
static bool is_tchar(char ch)
{
	unsigned char c = (unsigned char)ch;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True when the n bytes at s are word, ignoring ASCII case. */
static bool token_is(const char *s, size_t n, const char *word)
{
	if (strlen(word) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(s[i]) != word[i])
			return false;
	return true;
}

static const char *skip_ows(const char *p)
{
	while (is_ows(*p))
		p++;
	return p;
}

static const char *skip_token(const char *p)
{
	while (is_tchar(*p))
		p++;
	return p;
}

/* Past a quoted-string starting at the '"' at p (backslash escapes a byte);
 * at the NUL, with *closed false, when it is not closed. */
static const char *skip_quoted(const char *p, bool *closed)
{
	p++;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	*closed = *p == '"';
	return *closed ? p + 1 : p;
}

/* To the next ',' that is not inside a quoted string, or the NUL. */
static const char *skip_element(const char *p)
{
	bool closed;
	while (*p && *p != ',')
		p = *p == '"' ? skip_quoted(p, &closed) : p + 1;
	return p;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
 * thousandths; -1 when the n bytes at s are not one. */
static int parse_qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1') || (n > 1 && s[1] != '.') || n > 5)
		return -1;
	int v = s[0] == '1' ? 1000 : 0;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9' || (v == 1000 && s[i] != '0'))
			return -1;
		v += (s[i] - '0') * scale;
	}
	return v;
}

/* One element: codings *( OWS ";" OWS name "=" value ) OWS, up to the next
 * ',' or the NUL, which is where *end is left either way. Gives the
 * coding's q-value in thousandths (1000 without q), or -1 when the element
 * is malformed. */
static int parse_coding(const char *p, const char **name, size_t *len, const char **end)
{
	*name = p;
	p = skip_token(p);
	*len = (size_t)(p - *name);
	int q = *len ? 1000 : -1;
	p = skip_ows(p);
	while (q >= 0 && *p == ';') {
		p = skip_ows(p + 1);
		const char *pn = p;
		p = skip_token(p);
		size_t pnlen = (size_t)(p - pn);
		if (!pnlen || *p != '=') {
			q = -1;
			break;
		}
		p++;
		const char *v = p;
		bool closed = true;
		p = *p == '"' ? skip_quoted(p, &closed) : skip_token(p);
		if (!closed) {
			q = -1;
			break;
		}
		if (token_is(pn, pnlen, "q")) {
			int qv = parse_qvalue(v, (size_t)(p - v));
			if (qv < 0)
				q = -1;
			else if (qv < q)
				q = qv;
		}
		p = skip_ows(p);
	}
	if (*p && *p != ',')
		q = -1;
	*end = skip_element(p);
	return q;
}

/* Records q for a coding listed once more: the lowest q-value wins. */
static void note_q(int *slot, int q)
{
	if (*slot < 0 || q < *slot)
		*slot = q;
}

unsigned compress_accepted(const char *accept_encoding)
{
	if (!accept_encoding)
		return 0;
	int gzip = -1, br = -1, star = -1; /* thousandths; -1: not listed */
	const char *p = accept_encoding;
	while (*p) {
		while (*p == ',' || is_ows(*p))
			p++;
		if (!*p)
			break;
		const char *name;
		size_t len;
		int q = parse_coding(p, &name, &len, &p);
		if (q < 0)
			continue;
		if (token_is(name, len, "gzip") || token_is(name, len, "x-gzip"))
			note_q(&gzip, q);
		else if (token_is(name, len, "br"))
			note_q(&br, q);
		else if (token_is(name, len, "*"))
			note_q(&star, q);
	}
	unsigned mask = 0;
	if (gzip > 0 || (gzip < 0 && star > 0))
		mask |= COMPRESS_GZIP;
	if (br > 0 || (br < 0 && star > 0))
		mask |= COMPRESS_BR;
	return mask;
}

/* etagc = %x21 / %x23-7E / obs-text */
static bool is_etagc(char ch)
{
	unsigned char c = (unsigned char)ch;
	return c == 0x21 || (c >= 0x23 && c != 0x7f);
}

/* The opaque-tag of an entity-tag ([W/] DQUOTE *etagc DQUOTE) at p: sets
 * *tag and *len to it, quotes included, and returns the end; NULL when p
 * does not start with one. */
static const char *parse_etag(const char *p, const char **tag, size_t *len)
{
	if (p[0] == 'W' && p[1] == '/')
		p += 2;
	if (*p != '"')
		return NULL;
	const char *start = p++;
	while (is_etagc(*p))
		p++;
	if (*p != '"')
		return NULL;
	p++;
	*tag = start;
	*len = (size_t)(p - start);
	return p;
}

bool compress_etag_match(const char *if_none_match, const char *etag)
{
	if (!if_none_match || !etag)
		return false;
	const char *mine;
	size_t mine_len;
	const char *e = parse_etag(etag, &mine, &mine_len);
	if (!e || *e)
		return false;
	const char *p = if_none_match;
	while (*p) {
		while (*p == ',' || is_ows(*p))
			p++;
		if (!*p)
			break;
		const char *tag = NULL;
		size_t len = 0;
		const char *q;
		if (*p == '*') {
			q = p + 1;
		} else {
			q = parse_etag(p, &tag, &len);
			if (!q) {
				/* not an entity-tag: on to the next element (a
				 * quoted part of this one may hide commas) */
				p = skip_element(p);
				continue;
			}
		}
		q = skip_ows(q);
		if (*q && *q != ',') {
			p = skip_element(q);
			continue;
		}
		if (!tag || (len == mine_len && memcmp(tag, mine, len) == 0))
			return true;
		p = q;
	}
	return false;
}
