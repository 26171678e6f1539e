/* fuzz_txid.c - transaction IDs and account IDs as typed in any script.
 * Accepted key1: 1..11 ASCII digits; accepted label: 1..190 printable ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/txid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char out[PK_LABEL_MAX + 1];
	pk_error err;
	if (pk_key1_normalise(text, out, sizeof out, &err) == 0) {
		size_t n = strlen(out);
		if (n < 1 || n > PK_KEY1_MAX || strspn(out, "0123456789") != n)
			abort();
	}
	if (pk_label_normalise(text, out, sizeof out, &err) == 0) {
		size_t n = strlen(out);
		if (n < 1 || n > PK_LABEL_MAX)
			abort();
		for (size_t i = 0; i < n; i++)
			if (out[i] < 0x20 || out[i] > 0x7e)
				abort();
	}
	free(text);
	return 0;
}
