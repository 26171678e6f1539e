/* pin.c - supervisor PIN hashing with crypt(3) (libxcrypt). */
#include "pin.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

int pk_pin_check_format(const char *pin, pk_error *err)
{
	size_t n = strlen(pin);
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return pk_error_set(err, PK_ERR_INVALID, "%s",
					    _("The PIN is digits only"));
	if (n < PK_PIN_MIN || n > PK_PIN_MAX)
		/* TRANSLATORS: %d and %d are the shortest and longest PIN */
		return pk_error_set(err, PK_ERR_INVALID, _("The PIN has %d to %d digits"),
				    PK_PIN_MIN, PK_PIN_MAX);
	return 0;
}

int pk_pin_hash(const char *pin, char *out, size_t outlen, pk_error *err)
{
	if (pk_pin_check_format(pin, err) < 0)
		return -1;
	/* NULL rbytes: libxcrypt reads the salt from the kernel's random. */
	char *salt = crypt_gensalt_ra("$y$", 0, NULL, 0);
	if (!salt)
		return pk_error_set(err, PK_ERR_IO, "%s", _("Cannot make a salt for the PIN"));
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd) {
		free(salt);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	const char *h = crypt_r(pin, salt, cd);
	free(salt);
	int rc = 0;
	if (!h || h[0] != '$' || strlen(h) + 1 > outlen)
		rc = pk_error_set(err, PK_ERR_IO, "%s", _("Cannot hash the PIN"));
	else
		memcpy(out, h, strlen(h) + 1);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

bool pk_pin_verify(const char *pin, const char *hash)
{
	if (!pin || !hash || hash[0] != '$')
		return false;
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd)
		return false;
	const char *h = crypt_r(pin, hash, cd);
	bool ok = false;
	if (h && h[0] == '$') {
		size_t a = strlen(h), b = strlen(hash);
		unsigned char diff = a != b;
		for (size_t i = 0; i < a && i < b; i++)
			diff |= (unsigned char)(h[i] ^ hash[i]);
		ok = diff == 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return ok;
}

int pk_pin_delay_s(int failures)
{
	if (failures < 3)
		return 0;
	int d = 5;
	for (int i = 3; i < failures && d < 300; i++)
		d *= 2;
	return d > 300 ? 300 : d;
}
