/* Fuzzes the WebSocket message handler: live_handle_message (live.h) with
 * no app and no session, as a message can arrive before either matters.
 * Every reply must be one valid JSON object. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "live.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	struct sb reply;
	sb_init(&reply, 64 * 1024);
	bool keep = live_handle_message(NULL, NULL, s, size, &reply);
	assert(!sb_failed(&reply));
	if (reply.len) {
		struct json_object o;
		assert(json_parse_object(reply.data, reply.len, &o) == JSON_OK);
		assert(json_get_string(&o, "type") != NULL);
		json_object_free(&o);
	}
	/* a message that is too long or not UTF-8 closes the connection */
	if (size > LIVE_MAX_MESSAGE || !text_utf8_valid(s, size))
		assert(!keep);
	sb_free(&reply);
	free(s);
	return 0;
}
