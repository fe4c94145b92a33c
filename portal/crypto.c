#include "crypto.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

bool crypto_random(void *out, size_t n)
{
	unsigned char *p = out;
	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += r;
		n -= (size_t)r;
	}
	return true;
}

bool crypto_hmac(const unsigned char key[CRYPTO_KEY_BYTES], const void *msg, size_t len,
                 unsigned char mac[CRYPTO_MAC_BYTES])
{
	unsigned int maclen = 0;
	return HMAC(EVP_sha256(), key, CRYPTO_KEY_BYTES, msg, len, mac, &maclen) != NULL &&
	       maclen == CRYPTO_MAC_BYTES;
}

bool crypto_sha256(const void *msg, size_t len, unsigned char out[32])
{
	unsigned int n = 0;
	return EVP_Digest(msg, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32;
}

bool crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool crypto_base64url(struct sb *out, const unsigned char *in, size_t n)
{
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		char c[4] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63], b64[v & 63]};
		if (!sb_append(out, c, 4))
			return false;
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		char c[2] = {b64[v >> 18], b64[(v >> 12) & 63]};
		return sb_append(out, c, 2);
	}
	if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		char c[3] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63]};
		return sb_append(out, c, 3);
	}
	return true;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

bool crypto_base64url_decode(struct sb *out, const char *in, size_t n)
{
	if (n % 4 == 1)
		return false;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64val(in[i]);
		if (v < 0)
			return false;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (!sb_putc(out, (char)((acc >> bits) & 0xFF)))
				return false;
		}
	}
	/* leftover bits must be zero, so each byte string has one encoding */
	return (acc & ((1u << bits) - 1)) == 0;
}
