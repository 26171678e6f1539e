/* money.h - amounts are int64 minor units everywhere inside the program.
 * MMK: exponent 0 (whole kyat).  INR: exponent 2 (paise). */
#ifndef PK_MONEY_H
#define PK_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum pk_currency { PK_CUR_MMK = 0, PK_CUR_INR, PK_CUR__COUNT } pk_currency;

/* Largest amount accepted from a cashier, in major units (absurd above). */
#define PK_MONEY_MAX_MAJOR 10000000LL /* ten million */

const char *pk_currency_code(pk_currency cur);     /* "MMK", "INR" */
int pk_currency_exponent(pk_currency cur);          /* 0, 2 */
int pk_currency_parse(const char *code, pk_currency *out); /* 0 / -1 */

/* Parse what a cashier typed: "100", "100.5", "100.50" (INR), "5000" (MMK).
 * Rejects empty, signs, exponents, spaces, more decimals than the currency
 * has (MMK: none), zero, above PK_MONEY_MAX_MAJOR.  err->msg is translated. */
int pk_money_parse(const char *text, pk_currency cur, int64_t *minor, pk_error *err);
/* Exact JSON number text: 10050 INR -> "100.5", 10000 -> "100", 5 -> "0.05";
 * 5000 MMK -> "5000".  Returns length, or -1 if buf is too small. */
int pk_money_json(int64_t minor, pk_currency cur, char *buf, size_t len);
/* Fixed decimals, no grouping, ASCII: "12.50" (INR), "5000" (MMK); for
 * logs and the POS JSON lines. */
int pk_money_decimal(int64_t minor, pk_currency cur, char *buf, size_t len);
/* Convert a JSON number the gateway sent (a double) to minor units, rounding
 * to the nearest minor unit; -1 if not finite, negative or absurd. */
int pk_money_from_double(double value, pk_currency cur, int64_t *minor);
/* For the screen and receipts, ASCII digits: "100.50 INR", "5,000 MMK". */
int pk_money_display(int64_t minor, pk_currency cur, char *buf, size_t len);
/* Without the currency: "100.50", "5,000". */
int pk_money_display_plain(int64_t minor, pk_currency cur, char *buf, size_t len);

#endif
