#include "base/crypto.h"

#include <errno.h>
#include <string.h>
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

void crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
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

static const EVP_CIPHER *seal_cipher(void)
{
	return EVP_aes_256_gcm();
}

bool crypto_seal(const unsigned char key[CRYPTO_KEY_BYTES], const void *aad, size_t aad_len,
                 const void *plain, size_t len, struct sb *out)
{
	if (len > CRYPTO_SEAL_MAX_PLAIN || aad_len > CRYPTO_SEAL_MAX_PLAIN || (len && !plain) ||
	    (aad_len && !aad))
		return false;
	unsigned char raw[CRYPTO_SEAL_NONCE_BYTES + CRYPTO_SEAL_MAX_PLAIN + CRYPTO_SEAL_TAG_BYTES];
	unsigned char *nonce = raw, *ct = raw + CRYPTO_SEAL_NONCE_BYTES, *tag = ct + len;
	if (!crypto_random(nonce, CRYPTO_SEAL_NONCE_BYTES))
		return false;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	bool ok =
	    ctx && EVP_EncryptInit_ex(ctx, seal_cipher(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPTO_SEAL_NONCE_BYTES, NULL) == 1 &&
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
	    (aad_len == 0 || EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1);
	n = 0;
	ok = ok && (len == 0 || EVP_EncryptUpdate(ctx, ct, &n, plain, (int)len) == 1) &&
	     (size_t)n == len && EVP_EncryptFinal_ex(ctx, ct + n, &fin) == 1 && fin == 0 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPTO_SEAL_TAG_BYTES, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	size_t total = CRYPTO_SEAL_NONCE_BYTES + len + CRYPTO_SEAL_TAG_BYTES;
	ok = ok && crypto_base64url(out, raw, total);
	OPENSSL_cleanse(raw, total);
	return ok;
}

bool crypto_open(const unsigned char key[CRYPTO_KEY_BYTES], const void *aad, size_t aad_len,
                 const char *text, size_t text_len, struct sb *out)
{
	if (!text || text_len < CRYPTO_SEALED_LEN(0) ||
	    text_len > CRYPTO_SEALED_LEN(CRYPTO_SEAL_MAX_PLAIN) ||
	    aad_len > CRYPTO_SEAL_MAX_PLAIN || (aad_len && !aad))
		return false;
	struct sb raw;
	sb_init(&raw, CRYPTO_SEAL_NONCE_BYTES + CRYPTO_SEAL_MAX_PLAIN + CRYPTO_SEAL_TAG_BYTES);
	bool ok = crypto_base64url_decode(&raw, text, text_len) &&
	          raw.len >= CRYPTO_SEAL_NONCE_BYTES + CRYPTO_SEAL_TAG_BYTES;
	if (!ok) {
		sb_free(&raw);
		return false;
	}
	const unsigned char *r = (const unsigned char *)raw.data;
	size_t len = raw.len - CRYPTO_SEAL_NONCE_BYTES - CRYPTO_SEAL_TAG_BYTES;
	const unsigned char *nonce = r, *ct = r + CRYPTO_SEAL_NONCE_BYTES, *tag = ct + len;
	unsigned char plain[CRYPTO_SEAL_MAX_PLAIN + 1];
	unsigned char tagbuf[CRYPTO_SEAL_TAG_BYTES];
	memcpy(tagbuf, tag, sizeof(tagbuf)); /* the ctrl call takes a non-const pointer */
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	ok = ctx && EVP_DecryptInit_ex(ctx, seal_cipher(), NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPTO_SEAL_NONCE_BYTES, NULL) == 1 &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
	     (aad_len == 0 || EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1);
	n = 0;
	ok = ok && (len == 0 || EVP_DecryptUpdate(ctx, plain, &n, ct, (int)len) == 1) &&
	     (size_t)n == len &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPTO_SEAL_TAG_BYTES, tagbuf) == 1 &&
	     EVP_DecryptFinal_ex(ctx, plain + n, &fin) == 1 && fin == 0;
	EVP_CIPHER_CTX_free(ctx);
	/* only an authenticated plaintext leaves this function */
	ok = ok && sb_append(out, (const char *)plain, len);
	OPENSSL_cleanse(plain, len);
	OPENSSL_cleanse(raw.data, raw.len);
	sb_free(&raw);
	return ok;
}

bool crypto_is_base64url(const char *s, size_t len)
{
	if (!s || strlen(s) != len)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			return false;
	return true;
}
