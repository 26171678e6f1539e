/* fuzz_gateway_parse.c - every gateway answer parser on hostile bytes.
 * Byte 0 picks the call and the HTTP status class; the rest is the body.
 * Invariants: a usable status has no error, an unusable one has a kind;
 * qr_data, when present, is a upi:// link within the cap (and the amount
 * it asks, if any, is positive); a 5xx is never a definitive answer; the
 * gateway's message carries no control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const long codes[] = { 200, 200, 403, 500 };
	gw_call call = (gw_call)(data[0] % GW_CALL__COUNT);
	long code = codes[(data[0] >> 4) % 4];
	pk_currency cur = (data[0] & 8) ? PK_CUR_INR : PK_CUR_MMK;
	gw_result res;
	gw_result_init(&res, call);
	gw_parse_response(call, (const char *)data + 1, size - 1, code, cur, &res);
	if (res.status == GW_ST_NONE && res.err.kind == PK_OK)
		abort();
	if (res.status != GW_ST_NONE && res.status != GW_ST_FAIL && res.err.kind != PK_OK)
		abort();
	if (res.qr_data && (strncasecmp(res.qr_data, "upi://", 6) != 0 ||
			    strlen(res.qr_data) > GW_QR_DATA_MAX))
		abort();
	/* the link's amount, when it has one, is a positive amount */
	int64_t minor = -1;
	if (res.qr_data && gw_upi_link_amount(res.qr_data, cur, &minor) == 0 && minor <= 0)
		abort();
	/* an answer under a server error is never definitive */
	if (code >= 500 && res.status != GW_ST_NONE)
		abort();
	for (const unsigned char *p = (const unsigned char *)res.message; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	gw_result_free(&res);
	return 0;
}
