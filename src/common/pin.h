/* pin.h - the supervisor PIN that unlocks --kiosk: 4 to 12 digits, kept
 * only as a salted, deliberately slow hash (yescrypt from libxcrypt, the
 * hash Debian uses for login passwords) in the config file. */
#ifndef PK_PIN_H
#define PK_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define PK_PIN_MIN 4
#define PK_PIN_MAX 12
#define PK_PIN_HASH_MAX 256

/* Digits only, PK_PIN_MIN..PK_PIN_MAX of them; INVALID with a message. */
int pk_pin_check_format(const char *pin, pk_error *err);
/* Hash a PIN with a fresh random salt ("$y$..."). */
int pk_pin_hash(const char *pin, char *out, size_t outlen, pk_error *err);
/* Does the PIN match the hash?  Constant-time compare of the results. */
bool pk_pin_verify(const char *pin, const char *hash);
/* Seconds to wait after `failures` wrong PINs in a row: 0 for the first
 * two, then 5, 10, 20 ... capped at 300. */
int pk_pin_delay_s(int failures);

#endif
