/* txid.h - normalising what a cashier types into gateway ids.
 * ASCII digits, Burmese digits U+1040..U+1049 and Devanagari digits
 * U+0966..U+096F all mean 0-9. */
#ifndef PK_TXID_H
#define PK_TXID_H

#include <stddef.h>
#include <wchar.h>

#include "error.h"

#define PK_KEY1_MAX 11     /* Wavepay transaction ID, per the spec */
#define PK_LABEL_MAX 190   /* label and custom_transaction_id */

/* The ASCII digit a wide character stands for, or -1. */
int pk_digit_value(wchar_t wc);
/* Normalise a UTF-8 Wavepay transaction ID to ASCII digits: every char must be
 * a digit in one of the three scripts; 1..11 digits.  out >= 12 bytes. */
int pk_key1_normalise(const char *utf8, char *out, size_t outlen, pk_error *err);
/* Normalise a customer account ID (label): native digits -> ASCII, other
 * printable ASCII kept, no control chars, 1..190 bytes after normalising. */
int pk_label_normalise(const char *utf8, char *out, size_t outlen, pk_error *err);

#endif
