/* txid.c - normalising cashier-typed ids (transaction ID, account label).
 * UTF-8 is decoded here, strictly, independent of the process locale. */
#include "txid.h"

#include <stdint.h>
#include <string.h>

#include "i18n.h"

int pk_digit_value(wchar_t wc)
{
	if (wc >= L'0' && wc <= L'9')
		return (int)(wc - L'0');
	if (wc >= 0x1040 && wc <= 0x1049) /* Myanmar digits */
		return (int)(wc - 0x1040);
	if (wc >= 0x0966 && wc <= 0x096F) /* Devanagari digits */
		return (int)(wc - 0x0966);
	return -1;
}

/* Decode one UTF-8 character at s; returns its length (1..4), or -1 for an
 * invalid, overlong, truncated or surrogate sequence. */
static int utf8_decode(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0], min;
	int n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2; c &= 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3; c &= 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		return -1;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
			return -1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return n;
}

int pk_key1_normalise(const char *utf8, char *out, size_t outlen, pk_error *err)
{
	if (!utf8 || !*utf8)
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Enter the transaction ID"), NULL);
	char tmp[PK_KEY1_MAX + 1];
	size_t n = 0;
	const unsigned char *s = (const unsigned char *)utf8;
	while (*s) {
		uint32_t cp;
		int len = utf8_decode(s, &cp);
		int d = len < 0 ? -1 : pk_digit_value((wchar_t)cp);
		if (d < 0)
			return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Transaction ID: digits only"), NULL);
		if (n >= PK_KEY1_MAX) {
			/* TRANSLATORS: %d is the maximum number of digits (11). */
			return pk_error_set_id(err, PK_ERR_INVALID, PK_KEY1_MAX,
					       N_("Transaction ID has at most %d digits"), NULL);
		}
		tmp[n++] = (char)('0' + d);
		s += len;
	}
	tmp[n] = '\0';
	if (!out || outlen < n + 1)
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Transaction ID buffer too small"), NULL);
	memcpy(out, tmp, n + 1);
	return 0;
}

int pk_label_normalise(const char *utf8, char *out, size_t outlen, pk_error *err)
{
	if (!utf8)
		utf8 = "";
	const unsigned char *s = (const unsigned char *)utf8;
	const unsigned char *end = s + strlen(utf8);
	while (*s == ' ')
		s++;
	while (end > s && end[-1] == ' ')
		end--;
	if (s == end)
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Enter the account ID"), NULL);
	char tmp[PK_LABEL_MAX + 1];
	size_t n = 0;
	while (s < end) {
		uint32_t cp;
		int len = utf8_decode(s, &cp);
		int d = len < 0 ? -1 : pk_digit_value((wchar_t)cp);
		char c;
		if (d >= 0)
			c = (char)('0' + d);
		else if (len == 1 && cp >= 0x20 && cp < 0x7F)
			c = (char)cp;
		else
			return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Account ID: use letters, digits and punctuation only"), NULL);
		if (n >= PK_LABEL_MAX) {
			/* TRANSLATORS: %d is the maximum length (190). */
			return pk_error_set_id(err, PK_ERR_INVALID, PK_LABEL_MAX,
					       N_("Account ID has at most %d characters"), NULL);
		}
		tmp[n++] = c;
		s += len;
	}
	tmp[n] = '\0';
	if (!out || outlen < n + 1)
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Account ID buffer too small"), NULL);
	memcpy(out, tmp, n + 1);
	return 0;
}
