/* Fuzzes the opening of sealed texts (crypto_open, selfcheck_state_open,
 * selfcheck_code_parse: what arrives in the self-check's s= and c=), and
 * checks that sealing the input and opening it gives the input back and
 * that a flipped bit is refused. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/crypto.h"
#include "domain/selfcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the secret of the seeds in corpus/sealed/ */
	static struct app app;
	memset(app.secret, 7, sizeof(app.secret));
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	/* as a sealed state: a state that opens is well-formed */
	struct sc_state st;
	if (selfcheck_state_open(&app, s, &st)) {
		assert(selfcheck_path_valid(st.path));
		assert(strlen(st.answers) <= SC_MAX_QUESTIONS);
		assert(st.change >= -1 && st.change < SC_MAX_QUESTIONS);
		assert(st.postcode_asked || st.postcode[0] == '\0');
		struct sb again;
		sb_init(&again, 0);
		assert(selfcheck_state_seal(&app, &st, &again));
		sb_free(&again);
	} else {
		assert(st.path == 0 && st.change == -1);
	}
	/* as a result code: nothing opens without the key (no catalogue is
	   open here, so an opened code would crash on its questions) */
	char path, answers[SC_MAX_QUESTIONS + 1], pc[16];
	(void)selfcheck_code_parse(&app, s, &path, answers, sizeof(answers), pc, sizeof(pc));

	/* as plaintext: seal, open, the same bytes; one bit flipped: refused */
	unsigned char key[CRYPTO_KEY_BYTES];
	memset(key, 3, sizeof(key));
	struct sb sealed, plain;
	sb_init(&sealed, 0);
	sb_init(&plain, 0);
	if (crypto_seal(key, "fuzz", 4, data, size, &sealed)) {
		assert(size <= CRYPTO_SEAL_MAX_PLAIN && sealed.len == CRYPTO_SEALED_LEN(size));
		assert(crypto_open(key, "fuzz", 4, sealed.data, sealed.len, &plain));
		assert(plain.len == size && (size == 0 || memcmp(plain.data, data, size) == 0));
		sb_reset(&plain);
		size_t at = size ? data[0] % sealed.len : 0;
		sealed.data[at] = sealed.data[at] == 'A' ? 'B' : 'A';
		assert(!crypto_open(key, "fuzz", 4, sealed.data, sealed.len, &plain));
		assert(plain.len == 0);
	} else {
		assert(size > CRYPTO_SEAL_MAX_PLAIN);
	}
	sb_reset(&plain);
	(void)crypto_open(key, "fuzz", 4, s, size, &plain);
	sb_free(&sealed);
	sb_free(&plain);
	free(s);
	return 0;
}
