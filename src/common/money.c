/* money.c - parsing, exact JSON text and display of int64 minor units. */
#include "money.h"

#include <math.h> /* isfinite */
#include <stdio.h>
#include <string.h>

#include "i18n.h"

static const struct {
	const char *code;
	int exponent;
} currencies[PK_CUR__COUNT] = {
	[PK_CUR_MMK] = { "MMK", 0 },
	[PK_CUR_INR] = { "INR", 2 },
};

static int valid_currency(pk_currency cur)
{
	return (unsigned)cur < PK_CUR__COUNT;
}

const char *pk_currency_code(pk_currency cur)
{
	return valid_currency(cur) ? currencies[cur].code : "???";
}

int pk_currency_exponent(pk_currency cur)
{
	return valid_currency(cur) ? currencies[cur].exponent : 0;
}

static int ascii_upper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

int pk_currency_parse(const char *code, pk_currency *out)
{
	if (!code)
		return -1;
	for (int i = 0; i < PK_CUR__COUNT; i++) {
		const char *want = currencies[i].code;
		size_t k = 0;
		while (want[k] && ascii_upper((unsigned char)code[k]) == want[k])
			k++;
		if (!want[k] && !code[k]) {
			if (out)
				*out = (pk_currency)i;
			return 0;
		}
	}
	return -1;
}

static int64_t pow10_i64(int exp)
{
	int64_t p = 1;
	while (exp-- > 0)
		p *= 10;
	return p;
}

int pk_money_parse(const char *text, pk_currency cur, int64_t *minor, pk_error *err)
{
	if (!valid_currency(cur))
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Unknown currency"), NULL);
	if (!text || !*text)
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Enter an amount greater than zero"), NULL);

	const int exp = currencies[cur].exponent;
	const char *dot = NULL;
	for (const char *p = text; *p; p++) {
		if (*p == '.') {
			if (dot)
				return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Amount: digits and at most one '.' only"), NULL);
			dot = p;
		} else if (*p < '0' || *p > '9') {
			return pk_error_set_id(err, PK_ERR_INVALID, 0,
					       exp ? N_("Amount: digits and at most one '.' only")
						   : N_("Amount: digits only"),
					       NULL);
		}
	}
	if (dot && exp == 0)
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("MMK amounts are whole kyat"), NULL);
	if (dot == text || (dot && dot[1] == '\0'))
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Amount: put digits on both sides of the '.'"), NULL);
	size_t ndec = dot ? strlen(dot + 1) : 0;
	if ((int)ndec > exp || ndec > 9) {
		/* TRANSLATORS: %s is a currency code, %d the number of decimals. */
		return pk_error_set_id(err, PK_ERR_INVALID, exp,
				       N_("%s amounts have at most %d decimals"), currencies[cur].code);
	}

	/* Integer part, skipping leading zeros so that long zero runs are fine. */
	const char *ip = text, *iend = dot ? dot : text + strlen(text);
	while (ip < iend - 1 && *ip == '0')
		ip++;
	int too_large = (iend - ip) > 18;
	int64_t major = 0;
	if (!too_large) {
		for (const char *p = ip; p < iend; p++)
			major = major * 10 + (*p - '0');
		too_large = major > PK_MONEY_MAX_MAJOR;
	}
	int64_t frac = 0;
	for (size_t i = 0; i < (size_t)exp; i++)
		frac = frac * 10 + (i < ndec ? dot[1 + i] - '0' : 0);
	int64_t value = too_large ? 0 : major * pow10_i64(exp) + frac;
	if (too_large || value > PK_MONEY_MAX_MAJOR * pow10_i64(exp)) {
		char max[64];
		pk_money_display(PK_MONEY_MAX_MAJOR * pow10_i64(exp), cur, max, sizeof max);
		/* TRANSLATORS: %s is the largest amount, e.g. "10,000,000.00 INR". */
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Amount too large (max %s)"), max);
	}
	if (value == 0)
		return pk_error_set_id(err, PK_ERR_INVALID, 0, N_("Enter an amount greater than zero"), NULL);
	if (minor)
		*minor = value;
	return 0;
}

/* Magnitude of a possibly negative int64 without overflow on INT64_MIN. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* The exp (0..2) fraction digits of frac, zero padded: 5 -> "05". */
static void frac_digits(uint64_t frac, int exp, char *out)
{
	for (int i = exp - 1; i >= 0; i--) {
		out[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	out[exp] = '\0';
}

static int finish(const char *tmp, char *buf, size_t len)
{
	size_t n = strlen(tmp);
	if (!buf || n + 1 > len) {
		if (buf && len)
			buf[0] = '\0';
		return -1;
	}
	memcpy(buf, tmp, n + 1);
	return (int)n;
}

int pk_money_json(int64_t minor, pk_currency cur, char *buf, size_t len)
{
	if (!valid_currency(cur))
		return -1;
	int exp = currencies[cur].exponent;
	uint64_t mag = magnitude(minor), scale = (uint64_t)pow10_i64(exp);
	uint64_t major = mag / scale, frac = mag % scale;
	char tmp[48];
	int n = snprintf(tmp, sizeof tmp, "%s%llu", minor < 0 ? "-" : "", (unsigned long long)major);
	if (frac) {
		char digits[24];
		frac_digits(frac, exp, digits);
		size_t d = strlen(digits);
		while (d > 0 && digits[d - 1] == '0')
			digits[--d] = '\0';
		snprintf(tmp + n, sizeof tmp - (size_t)n, ".%s", digits);
	}
	return finish(tmp, buf, len);
}

int pk_money_decimal(int64_t minor, pk_currency cur, char *buf, size_t len)
{
	if (!valid_currency(cur))
		return -1;
	int exp = currencies[cur].exponent;
	uint64_t mag = magnitude(minor), scale = (uint64_t)pow10_i64(exp);
	char tmp[48];
	int n = snprintf(tmp, sizeof tmp, "%s%llu", minor < 0 ? "-" : "",
			 (unsigned long long)(mag / scale));
	if (exp > 0) {
		char digits[24];
		frac_digits(mag % scale, exp, digits);
		snprintf(tmp + n, sizeof tmp - (size_t)n, ".%s", digits);
	}
	return finish(tmp, buf, len);
}

int pk_money_from_double(double value, pk_currency cur, int64_t *minor)
{
	if (!valid_currency(cur) || !isfinite(value) || value < 0)
		return -1;
	double scaled = value * (double)pow10_i64(currencies[cur].exponent);
	if (!isfinite(scaled) || scaled > 1e12)
		return -1;
	/* Same as llround() for 0 <= scaled <= 1e12 (no libm needed): the
	 * truncation of scaled + 0.5, with the one double that rounds up wrongly
	 * (just below 0.5) handled by the comparison. */
	int64_t r = (int64_t)scaled;
	if (scaled - (double)r >= 0.5)
		r++;
	if (minor)
		*minor = r;
	return 0;
}

int pk_money_display_plain(int64_t minor, pk_currency cur, char *buf, size_t len)
{
	if (!valid_currency(cur))
		return -1;
	int exp = currencies[cur].exponent;
	uint64_t mag = magnitude(minor), scale = (uint64_t)pow10_i64(exp);
	char digits[32], tmp[64];
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(mag / scale));
	size_t nd = strlen(digits), o = 0;
	if (minor < 0)
		tmp[o++] = '-';
	for (size_t i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			tmp[o++] = ',';
		tmp[o++] = digits[i];
	}
	if (exp > 0) {
		tmp[o++] = '.';
		frac_digits(mag % scale, exp, tmp + o);
	} else {
		tmp[o] = '\0';
	}
	return finish(tmp, buf, len);
}

int pk_money_display(int64_t minor, pk_currency cur, char *buf, size_t len)
{
	char plain[64], tmp[80];
	if (pk_money_display_plain(minor, cur, plain, sizeof plain) < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s %s", plain, currencies[cur].code);
	return finish(tmp, buf, len);
}
