/* crypto: random bytes, HMAC-SHA256 signatures, AES-256-GCM sealing and
 * base64url, for CSRF tokens, booking tokens and sealed links. OpenSSL
 * does the hashing and the cipher; getrandom() supplies the randomness. */
#ifndef WW_CRYPTO_H
#define WW_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sb.h"

#define CRYPTO_KEY_BYTES 32
#define CRYPTO_MAC_BYTES 32

bool crypto_random(void *out, size_t n);
bool crypto_hmac(const unsigned char key[CRYPTO_KEY_BYTES], const void *msg, size_t len,
                 unsigned char mac[CRYPTO_MAC_BYTES]);
bool crypto_sha256(const void *msg, size_t len, unsigned char out[32]);
/* Overwrites secrets (keys, plaintexts) in a way the compiler keeps. */
void crypto_wipe(void *p, size_t n);
/* Constant-time comparison. */
bool crypto_equal(const void *a, const void *b, size_t n);
bool crypto_base64url(struct sb *out, const unsigned char *in, size_t n);
/* Decodes unpadded base64url; returns false on a bad character or length. */
bool crypto_base64url_decode(struct sb *out, const char *in, size_t n);
/* Is s exactly len characters of the base64url alphabet? (NULL: no) */
bool crypto_is_base64url(const char *s, size_t len);

/* Sealing: AES-256-GCM with a fresh random 96-bit nonce per seal and a
 * 128-bit tag over the ciphertext and the associated data (aad, which is
 * not in the output: both sides must pass the same, e.g. what the text is
 * for). The text is base64url(nonce || ciphertext || tag), so it can go
 * into a URL as it is. Random nonces are safe for far more than 2^24
 * seals per key. */
#define CRYPTO_SEAL_NONCE_BYTES 12
#define CRYPTO_SEAL_TAG_BYTES   16
#define CRYPTO_SEAL_MAX_PLAIN   4096
/* The length of the text of a sealed plaintext of n bytes. */
#define CRYPTO_SEALED_LEN(n) ((((n) + CRYPTO_SEAL_NONCE_BYTES + CRYPTO_SEAL_TAG_BYTES) * 4 + 2) / 3)

/* Appends the sealed text of plain (len <= CRYPTO_SEAL_MAX_PLAIN bytes) to out. */
bool crypto_seal(const unsigned char key[CRYPTO_KEY_BYTES], const void *aad, size_t aad_len,
                 const void *plain, size_t len, struct sb *out);
/* Opens a text made by crypto_seal with the same key and aad and appends the
 * plaintext to out. A text that is too short or too long, not base64url,
 * sealed with another key or aad, or changed in any bit is refused (false)
 * and nothing is appended. */
bool crypto_open(const unsigned char key[CRYPTO_KEY_BYTES], const void *aad, size_t aad_len,
                 const char *text, size_t text_len, struct sb *out);

#endif
