/* postback.h - Paykassma's deposit postback: reading its body, the exact
 * bytes its signature covers, the signature (spec sections 2c and 2d).
 * Pure functions (no network, no database): the hub verifies with them and
 * the sandbox signs with them, so both sides derive the bytes one way.
 *
 *   signature = sha1( access_key . private_key . md5( JSON of additional_data ) )
 *
 * "JSON of additional_data" is what PHP's toJson(JSON_UNESCAPED_SLASHES |
 * JSON_UNESCAPED_UNICODE) prints.  It is derived from the raw bytes of the
 * additional_data value as received, never from a re-printed parse (a
 * number keeps its digits as sent): insignificant whitespace removed; "\/"
 * written as "/"; "\uXXXX" (and surrogate pairs) written as the UTF-8
 * character, except where PHP keeps an escape: '"' and '\\' stay \" and \\,
 * control characters below U+0020 are written as \b \f \n \r \t or \u00XX
 * (lowercase hex), and U+2028/U+2029 stay \u2028/\u2029 (PHP >= 7.1 without
 * JSON_UNESCAPED_LINE_TERMINATORS).  An assumption until a real postback
 * confirms it (docs/HUB.md).  The private key is never stored or logged:
 * it only enters pk_postback_sign. */
#ifndef PK_POSTBACK_H
#define PK_POSTBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define PK_PB_FIELD_MAX 256
#define PK_PB_SIG_HEX 41 /* 40 hex digits + NUL */

/* One transaction of additional_data[] (the fields the hub uses). */
typedef struct pk_pb_tx {
	char wallet_type[32];
	char currency[8];
	/* The amount as integer minor units of currency (INR: paise, MMK: kyat),
	 * from the exact decimal text of additional_data[].amount (a string in
	 * the pages' example; a JSON number is read from its raw digits).
	 * has_amount is false when it is missing or not an exact decimal that
	 * fits the currency's minor unit. */
	bool has_amount;
	int64_t amount_minor;
	char transaction_id[PK_PB_FIELD_MAX];
	char plugin_custom_order_id[PK_PB_FIELD_MAX];
	char activated_datetime[32];
} pk_pb_tx;

/* A postback body, read.  Fields absent from the body are "". */
typedef struct pk_postback {
	char signature[PK_PB_FIELD_MAX];
	char access_key[PK_PB_FIELD_MAX];
	char wallet_type[32];
	char currency[8];
	bool has_amount; /* top-level amount, minor units, exact */
	int64_t amount_minor;
	char label[PK_PB_FIELD_MAX];
	char direction[32];
	char created_datetime[32];
	/* The canonical JSON of additional_data (malloc'd, NUL-terminated): the
	 * bytes whose md5 the signature covers. */
	char *canonical;
	pk_pb_tx *tx;   /* additional_data[] in order (malloc'd) */
	size_t ntx;
} pk_postback;

void pk_postback_init(pk_postback *pb);
void pk_postback_free(pk_postback *pb);

/* Read a body.  -1 (PK_ERR_NOT_JSON / PK_ERR_BAD_SHAPE, a message naming
 * what is wrong) when it is not JSON or has no additional_data array; the
 * caller still keeps the raw body (never dropped).  Tolerates a missing
 * closing brace at the very end (the pages' own example lacks one). */
int pk_postback_read(const char *body, size_t len, pk_postback *out, pk_error *err);

/* The canonical JSON of a raw JSON value (the bytes of additional_data as
 * received): malloc'd into *out.  -1 on malformed JSON. */
int pk_postback_canonical(const char *raw, size_t len, char **out, pk_error *err);

/* sha1(access_key . private_key . md5hex(canonical)), lowercase hex into
 * hex[PK_PB_SIG_HEX].  -1 only if the crypto library fails. */
int pk_postback_sign(const char *access_key, const char *private_key, const char *canonical,
		     char hex[PK_PB_SIG_HEX], pk_error *err);

/* Does pb->signature match (constant-time compare)?  False when either key
 * is empty. */
bool pk_postback_verify(const pk_postback *pb, const char *access_key, const char *private_key);

/* Exact decimal text ("700", "700.5", "-1") -> minor units for a currency
 * with `decimals` minor digits; false if not exact or out of range. */
bool pk_postback_amount_minor(const char *text, size_t len, int decimals, int64_t *out);

/* Minor digits of a currency code ("INR" 2, "MMK" 0, others 2). */
int pk_postback_currency_decimals(const char *currency);

/* Lowercase hex sha256 of a string (the hub keeps kiosk tokens hashed). */
int pk_sha256_hex(const char *s, size_t len, char hex[65], pk_error *err);

#endif
