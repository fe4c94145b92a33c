/* crypto: random bytes, HMAC-SHA256 signatures and base64url, for CSRF
 * tokens, booking tokens and signed links. OpenSSL does the hashing;
 * getrandom() supplies the randomness. */
#ifndef WW_CRYPTO_H
#define WW_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "sb.h"

#define CRYPTO_KEY_BYTES 32
#define CRYPTO_MAC_BYTES 32

bool crypto_random(void *out, size_t n);
bool crypto_hmac(const unsigned char key[CRYPTO_KEY_BYTES], const void *msg, size_t len,
                 unsigned char mac[CRYPTO_MAC_BYTES]);
bool crypto_sha256(const void *msg, size_t len, unsigned char out[32]);
/* Constant-time comparison. */
bool crypto_equal(const void *a, const void *b, size_t n);
bool crypto_base64url(struct sb *out, const unsigned char *in, size_t n);
/* Decodes unpadded base64url; returns false on a bad character or length. */
bool crypto_base64url_decode(struct sb *out, const char *in, size_t n);

#endif
