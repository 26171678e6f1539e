/* fuzz_sandbox_request.c - the sandbox's request validation and scenario
 * logic (sb_handle) on hostile bodies for each call.  Every answer is a
 * JSON object with a status, or a deliberate fault; every deposit postback
 * it queues (labels and ctids from the input) reads back and verifies
 * with the keys it was signed with. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/postback.h"
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
	strcpy(st.opt.postback_url, "http://127.0.0.1:9/p"); /* queued only: no thread */
	strcpy(st.opt.postback_access_key, "access");
	strcpy(st.opt.postback_private_key, "private");
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
	for (size_t i = 0; i < st.n_pb; i++) {
		pk_postback pb;
		pk_error err;
		if (pk_postback_read(st.pb[i].json, strlen(st.pb[i].json), &pb, &err) != 0 ||
		    !pk_postback_verify(&pb, "access", "private") || pb.ntx != 1 ||
		    strcmp(pb.tx[0].plugin_custom_order_id, st.pb[i].ctid) != 0)
			abort();
		pk_postback_free(&pb);
	}
	sb_state_free(&st);
	return 0;
}
