/* fuzz_money.c - what a cashier types as an amount.  Accepted amounts are
 * positive and survive display -> parse and JSON -> parse unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[64];
	if (size < 1 || size >= sizeof text)
		return 0;
	pk_currency cur = data[0] & 1 ? PK_CUR_INR : PK_CUR_MMK;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	int64_t v;
	pk_error err;
	if (pk_money_parse(text, cur, &v, &err) != 0) {
		if (err.msg[0] == '\0')
			abort(); /* a refusal always says why */
		return 0;
	}
	if (v <= 0)
		abort();
	char json[64], plain[64], nocomma[64];
	if (pk_money_json(v, cur, json, sizeof json) < 0)
		abort();
	int64_t back;
	if (pk_money_parse(json, cur, &back, &err) != 0 || back != v)
		abort();
	if (pk_money_display_plain(v, cur, plain, sizeof plain) < 0)
		abort();
	size_t n = 0;
	for (const char *p = plain; *p; p++)
		if (*p != ',')
			nocomma[n++] = *p;
	nocomma[n] = '\0';
	if (pk_money_parse(nocomma, cur, &back, &err) != 0 || back != v)
		abort();
	return 0;
}
