/* crypto: AES-256-GCM sealing (crypto_seal / crypto_open), and the sealed
 * state and code of the self-check that use it */
#include <stdlib.h>

#include "base/app.h"
#include "base/crypto.h"
#include "domain/selfcheck.h"
#include "unit.h"

static const char AAD[] = "unit-test-v1";

static bool seal(const unsigned char *key, const char *plain, struct sb *out)
{
	sb_reset(out);
	return crypto_seal(key, AAD, sizeof(AAD) - 1, plain, strlen(plain), out);
}

static bool open_text(const unsigned char *key, const char *text, size_t len, struct sb *out)
{
	sb_reset(out);
	return crypto_open(key, AAD, sizeof(AAD) - 1, text, len, out);
}

/* Every text that differs from a sealed one in a single bit is refused. */
static void every_bit_flip_refused(const unsigned char *key, const char *text)
{
	struct sb raw, flipped, plain;
	sb_init(&raw, 0);
	sb_init(&flipped, 0);
	sb_init(&plain, 0);
	CHECK(crypto_base64url_decode(&raw, text, strlen(text)));
	size_t accepted = 0, tried = 0;
	for (size_t i = 0; i < raw.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			raw.data[i] = (char)(raw.data[i] ^ (1 << bit));
			sb_reset(&flipped);
			CHECK(crypto_base64url(&flipped, (const unsigned char *)raw.data, raw.len));
			tried++;
			if (open_text(key, flipped.data, flipped.len, &plain) || plain.len != 0)
				accepted++;
			raw.data[i] = (char)(raw.data[i] ^ (1 << bit));
		}
	}
	CHECK(tried == raw.len * 8 && tried > 0);
	CHECK(accepted == 0);
	sb_free(&raw);
	sb_free(&flipped);
	sb_free(&plain);
}

void test_crypto(void)
{
	CHECK(crypto_is_base64url("Az09-_", 6));
	CHECK(!crypto_is_base64url("Az09-_", 5) && !crypto_is_base64url("Az09-_", 7));
	CHECK(!crypto_is_base64url("Az09+/", 6) && !crypto_is_base64url("Az09=_", 6));
	CHECK(!crypto_is_base64url(NULL, 0) && crypto_is_base64url("", 0));
	unsigned char key[CRYPTO_KEY_BYTES], other[CRYPTO_KEY_BYTES];
	memset(key, 7, sizeof(key));
	memset(other, 7, sizeof(other));
	other[31] = 8; /* one bit of the key differs */
	struct sb a, b, plain;
	sb_init(&a, 0);
	sb_init(&b, 0);
	sb_init(&plain, 0);
	const char *msg = "sznxjevw.7522";

	/* round trip; the text is base64url of nonce + ciphertext + tag */
	CHECK(seal(key, msg, &a));
	CHECK(a.len == CRYPTO_SEALED_LEN(strlen(msg)));
	CHECK(strspn(a.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	      a.len);
	CHECK(open_text(key, a.data, a.len, &plain));
	CHECK_STR(sb_str(&plain), msg);
	CHECK(strstr(a.data, "7522") == NULL && strstr(a.data, "sznx") == NULL);

	/* a fresh nonce each time: the same plaintext never gives the same text */
	CHECK(seal(key, msg, &b));
	CHECK(a.len == b.len && strcmp(a.data, b.data) != 0);
	CHECK(memcmp(a.data, b.data, 16) != 0); /* the nonce, in its first 16 characters */
	CHECK(open_text(key, b.data, b.len, &plain));
	CHECK_STR(sb_str(&plain), msg);

	/* another key, another aad, no aad: refused, nothing appended */
	CHECK(!open_text(other, a.data, a.len, &plain));
	CHECK(plain.len == 0);
	sb_reset(&plain);
	CHECK(!crypto_open(key, "unit-test-v2", 12, a.data, a.len, &plain));
	CHECK(!crypto_open(key, NULL, 0, a.data, a.len, &plain));
	CHECK(plain.len == 0);
	sb_reset(&b);
	CHECK(crypto_seal(key, NULL, 0, msg, strlen(msg), &b));
	CHECK(!open_text(key, b.data, b.len, &plain));
	sb_reset(&plain);
	CHECK(crypto_open(key, NULL, 0, b.data, b.len, &plain));
	CHECK_STR(sb_str(&plain), msg);

	/* any single bit flipped anywhere (nonce, ciphertext, tag) */
	every_bit_flip_refused(key, a.data);

	/* truncated, extended, damaged characters */
	for (size_t n = 0; n < a.len; n++)
		CHECK(!open_text(key, a.data, n, &plain));
	sb_reset(&b);
	CHECK(sb_puts(&b, a.data) && sb_puts(&b, "AA"));
	CHECK(!open_text(key, b.data, b.len, &plain));
	sb_reset(&b);
	CHECK(sb_puts(&b, a.data));
	b.data[5] = '.';
	CHECK(!open_text(key, b.data, b.len, &plain));
	b.data[5] = '=';
	CHECK(!open_text(key, b.data, b.len, &plain));
	CHECK(!open_text(key, NULL, 0, &plain));
	CHECK(!open_text(key, "", 0, &plain));
	CHECK(plain.len == 0);
	/* another text of the right shape that was never sealed */
	sb_reset(&b);
	for (size_t i = 0; i < a.len; i++)
		CHECK(sb_putc(&b, 'A'));
	CHECK(!open_text(key, b.data, b.len, &plain));

	/* an empty plaintext is sealed and authenticated too */
	CHECK(seal(key, "", &a));
	CHECK(a.len == CRYPTO_SEALED_LEN(0));
	CHECK(open_text(key, a.data, a.len, &plain) && plain.len == 0);
	CHECK(!open_text(other, a.data, a.len, &plain));
	every_bit_flip_refused(key, a.data);

	/* limits: the largest plaintext works, one byte more is refused */
	char *big = malloc(CRYPTO_SEAL_MAX_PLAIN + 2);
	CHECK(big != NULL);
	if (big) {
		memset(big, 'q', CRYPTO_SEAL_MAX_PLAIN + 1);
		big[CRYPTO_SEAL_MAX_PLAIN + 1] = '\0';
		sb_reset(&a);
		CHECK(!crypto_seal(key, AAD, sizeof(AAD) - 1, big, CRYPTO_SEAL_MAX_PLAIN + 1, &a));
		CHECK(a.len == 0);
		big[CRYPTO_SEAL_MAX_PLAIN] = '\0';
		CHECK(seal(key, big, &a));
		CHECK(a.len == CRYPTO_SEALED_LEN(CRYPTO_SEAL_MAX_PLAIN));
		CHECK(open_text(key, a.data, a.len, &plain) && plain.len == CRYPTO_SEAL_MAX_PLAIN);
		CHECK(sb_puts(&a, "AAAA")); /* longer than any sealed text */
		CHECK(!open_text(key, a.data, a.len, &plain));
		free(big);
	}
	/* a full builder: seal reports it */
	struct sb tiny;
	sb_init(&tiny, 8);
	CHECK(!crypto_seal(key, AAD, sizeof(AAD) - 1, msg, strlen(msg), &tiny));
	sb_free(&tiny);

	sb_free(&a);
	sb_free(&b);
	sb_free(&plain);
}

static bool same_state(const struct sc_state *a, const struct sc_state *b)
{
	return a->path == b->path && strcmp(a->answers, b->answers) == 0 &&
	       a->postcode_asked == b->postcode_asked && strcmp(a->postcode, b->postcode) == 0 &&
	       a->change == b->change;
}

void test_selfcheck_seal(void)
{
	struct app app, other;
	memset(&app, 0, sizeof(app));
	memset(&other, 0, sizeof(other));
	memset(app.secret, 7, sizeof(app.secret));
	memset(other.secret, 9, sizeof(other.secret));
	struct sc_state s, t;
	memset(&s, 0, sizeof(s));
	s.path = SC_OTHER;
	snprintf(s.answers, sizeof(s.answers), "%s", "xnxje");
	s.postcode_asked = true;
	snprintf(s.postcode, sizeof(s.postcode), "%s", "7522");
	s.change = -1;
	struct sb a, b;
	sb_init(&a, 0);
	sb_init(&b, 0);
	CHECK(selfcheck_state_seal(&app, &s, &a));
	CHECK(a.len <= SC_SEALED_MAX);
	size_t one_length = a.len; /* every state and code is padded to it */
	CHECK(strstr(a.data, "7522") == NULL && strstr(a.data, "xnxje") == NULL);
	CHECK(selfcheck_state_open(&app, a.data, &t) && same_state(&s, &t));
	CHECK(selfcheck_state_seal(&app, &s, &b) && strcmp(a.data, b.data) != 0);
	CHECK(selfcheck_state_open(&app, b.data, &t) && same_state(&s, &t));
	/* another secret, and the secret itself as the key: the seal key is derived */
	CHECK(!selfcheck_state_open(&other, a.data, &t));
	CHECK(t.path == 0 && t.answers[0] == '\0' && t.change == -1);
	struct sb plain;
	sb_init(&plain, 0);
	CHECK(!crypto_open(app.secret, "wijkwijzer selfcheck state v1", 29, a.data, a.len, &plain));
	sb_free(&plain);
	/* a state is no result code (and never gets as far as the questions) */
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	CHECK(!selfcheck_code_parse(&app, a.data, &path, answers, sizeof(answers), pc, sizeof(pc)));
	/* nor a result code a state */
	sb_reset(&b);
	CHECK(selfcheck_code_make(&app, SC_SELF, "zzz", "7511", &b));
	CHECK(b.len == one_length && strstr(b.data, "7511") == NULL);
	CHECK(!selfcheck_state_open(&app, b.data, &t));
	/* postcode skipped, a question being changed, a fresh start */
	s.postcode[0] = '\0';
	s.change = 4;
	sb_reset(&a);
	CHECK(selfcheck_state_seal(&app, &s, &a));
	CHECK(selfcheck_state_open(&app, a.data, &t) && same_state(&s, &t) && t.postcode_asked);
	memset(&s, 0, sizeof(s));
	s.path = SC_CARER;
	s.change = -1;
	sb_reset(&a);
	CHECK(selfcheck_state_seal(&app, &s, &a));
	CHECK(selfcheck_state_open(&app, a.data, &t) && same_state(&s, &t) && !t.postcode_asked);
	CHECK(a.len == one_length);
	/* the longest state fits the limit */
	memset(s.answers, 'w', SC_MAX_QUESTIONS);
	s.answers[SC_MAX_QUESTIONS] = '\0';
	s.postcode_asked = true;
	snprintf(s.postcode, sizeof(s.postcode), "%s", "9999");
	s.change = SC_MAX_QUESTIONS - 1;
	sb_reset(&a);
	CHECK(selfcheck_state_seal(&app, &s, &a) && a.len == one_length);
	CHECK(selfcheck_state_open(&app, a.data, &t) && same_state(&s, &t));
	/* what is never sealed */
	struct sc_state bad = s;
	bad.path = 'q';
	CHECK(!selfcheck_state_seal(&app, &bad, &b));
	bad = s;
	bad.answers[0] = 'A';
	CHECK(!selfcheck_state_seal(&app, &bad, &b));
	bad = s;
	snprintf(bad.postcode, sizeof(bad.postcode), "%s", "0752");
	CHECK(!selfcheck_state_seal(&app, &bad, &b));
	bad = s;
	bad.change = SC_MAX_QUESTIONS;
	CHECK(!selfcheck_state_seal(&app, &bad, &b));
	CHECK(!selfcheck_code_make(&app, SC_SELF, "zzz", "75", &b));
	/* nothing, too long, damaged */
	CHECK(!selfcheck_state_open(&app, NULL, &t));
	CHECK(!selfcheck_state_open(&app, "", &t));
	char longer[SC_SEALED_MAX + 8];
	memset(longer, 'A', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	CHECK(!selfcheck_state_open(&app, longer, &t));
	a.data[a.len / 2] = a.data[a.len / 2] == 'A' ? 'B' : 'A';
	CHECK(!selfcheck_state_open(&app, a.data, &t));
	/* sealed with the right key and aad but not as the pages seal: without
	   the padding, padding inside, a NUL inside, padded too long */
	unsigned char key[CRYPTO_KEY_BYTES];
	CHECK(crypto_hmac(app.secret, "selfcheck-seal-v1", 17, key));
	static const char aad[] = "wijkwijzer selfcheck state v1";
	char padded[40];
	memset(padded, '~', sizeof(padded));
	memcpy(padded, "sz..", 4);
	sb_reset(&a);
	CHECK(crypto_seal(key, aad, sizeof(aad) - 1, padded, 33, &a));
	CHECK(selfcheck_state_open(&app, a.data, &t) && t.path == 's' &&
	      strcmp(t.answers, "z") == 0);
	const struct {
		const char *text;
		size_t len;
	} odd[] = {{padded, 4},
	           {padded, 32},
	           {padded, 34},
	           {"sz~z..~~~~~~~~~~~~~~~~~~~~~~~~~~~", 33},
	           {"sz..\0~~~~~~~~~~~~~~~~~~~~~~~~~~~~", 33}};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		sb_reset(&a);
		CHECK(crypto_seal(key, aad, sizeof(aad) - 1, odd[i].text, odd[i].len, &a));
		CHECK(!selfcheck_state_open(&app, a.data, &t));
	}
	sb_free(&a);
	sb_free(&b);
}
