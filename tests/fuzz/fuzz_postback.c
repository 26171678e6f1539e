/* fuzz_postback.c - a deposit postback body from the network (spec 2c):
 * reading it never crashes, and what it reads holds together: the
 * canonical bytes of additional_data are their own canonical form, a body
 * signed with them verifies, and an exact amount prints back to itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/postback.h"

static void canonical_is_fixed_point(const char *c)
{
	char *again = NULL;
	pk_error err;
	if (pk_postback_canonical(c, strlen(c), &again, &err) != 0 || strcmp(again, c) != 0)
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	pk_error err;
	pk_postback pb;
	if (pk_postback_read(text, size, &pb, &err) == 0) {
		if (!pb.canonical || (pb.ntx && !pb.tx))
			abort();
		canonical_is_fixed_point(pb.canonical);
		if (pk_postback_sign("access", "private", pb.canonical, pb.signature, &err) != 0)
			abort();
		if (!pk_postback_verify(&pb, "access", "private") ||
		    pk_postback_verify(&pb, "access", "other") || pk_postback_verify(&pb, "", ""))
			abort();
	} else if (err.msg[0] == '\0' || pb.canonical || pb.tx) {
		abort(); /* a refusal says why and holds nothing */
	}
	pk_postback_free(&pb);

	char *c = NULL;
	if (pk_postback_canonical(text, size, &c, &err) == 0) {
		canonical_is_fixed_point(c);
		free(c);
	} else if (c) {
		abort();
	}

	int64_t v;
	if (pk_postback_amount_minor(text, size, 0, &v)) {
		char back[32];
		snprintf(back, sizeof back, "%lld", (long long)v);
		int64_t w;
		if (!pk_postback_amount_minor(back, strlen(back), 0, &w) || w != v)
			abort();
	}
	return 0;
}
