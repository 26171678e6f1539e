/* fuzz_sandbox_request.c - the sandbox's request validation and scenario
 * logic (sb_handle) on hostile bodies for each call.  Every answer is a
 * JSON object with a status, or a deliberate fault. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"/api/v1/transaction/create/wavepay", "/api/v1/transaction/activate",
		"/api/v1/payment/create/upi_s", "/api/v1/payment/upi_s/status",
		"/_sandbox/settle", "/_sandbox/fault", "/nope",
	};
	if (size < 1)
		return 0;
	sb_state st;
	if (sb_state_init(&st) != 0)
		return 0;
	strcpy(st.secret, "s");
	const char *path = paths[data[0] % (sizeof paths / sizeof paths[0])];
	sb_reply r;
	sb_handle(&st, "POST", path, "s", (const char *)data + 1, size - 1, &r);
	if (r.fault == SB_FAULT_NONE) {
		cJSON *o = cJSON_ParseWithLength(r.body ? r.body : "", r.len);
		cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "status");
		if (!cJSON_IsString(s))
			abort();
		cJSON_Delete(o);
	}
	sb_reply_free(&r);
	/* a second request on the same state (idempotency paths) */
	sb_handle(&st, "POST", path, "s", (const char *)data + 1, size - 1, &r);
	sb_reply_free(&r);
	sb_state_free(&st);
	return 0;
}
