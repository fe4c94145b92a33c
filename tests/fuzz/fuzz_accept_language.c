/* Fuzzes Accept-Language negotiation: i18n_negotiate (i18n.h). The
 * locale folder is build/locale (or $WW_LOCALE_DIR); a folder that does not
 * exist must work too. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = getenv("WW_LOCALE_DIR");
	i18n_init(dir ? dir : "build/locale");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	const struct i18n_lang *l = i18n_negotiate(s);
	if (l) {
		bool known = false;
		for (size_t i = 0; i < i18n_count(); i++)
			known |= i18n_at(i) == l;
		assert(known);
		assert(i18n_find(l->code) == l);
		/* the chosen language must be named in the header */
		assert(strstr(s, l->code) || strcasestr(s, l->code));
	}
	free(s);
	return 0;
}
