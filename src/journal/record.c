/* record.c - the sale record, its stable names and the state machine.
 * The transition table below is the only place that says which state
 * changes are possible; docs/STATES.md draws the same machine. */
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

void pk_sale_init(pk_sale *sale)
{
	memset(sale, 0, sizeof *sale);
	sale->method = PK_METHOD_UPI;
	sale->currency = PK_CUR_INR;
	sale->lang = PK_LANG_EN;
	sale->state = PK_SALE_NEW;
}

void pk_sale_clear(pk_sale *sale)
{
	if (!sale)
		return;
	free(sale->qr_data);
	pk_sale_init(sale);
}

int pk_sale_copy(pk_sale *dst, const pk_sale *src)
{
	char *qr = NULL;
	if (src->qr_data) {
		qr = strdup(src->qr_data);
		if (!qr)
			return -1;
	}
	*dst = *src;
	dst->qr_data = qr;
	return 0;
}

static const char *const method_names[PK_METHOD__COUNT] = {
	[PK_METHOD_WAVEPAY] = "wavepay",
	[PK_METHOD_UPI] = "upi",
};

const char *pk_method_name(pk_method m)
{
	return (unsigned)m < PK_METHOD__COUNT ? method_names[m] : "unknown";
}

static const char *const state_names[PK_SALE__COUNT] = {
	[PK_SALE_NEW] = "new",
	[PK_SALE_CREATING] = "creating",
	[PK_SALE_AWAITING_PAYMENT] = "awaiting_payment",
	[PK_SALE_AWAITING_TXID] = "awaiting_txid",
	[PK_SALE_ACTIVATING] = "activating",
	[PK_SALE_PAID] = "paid",
	[PK_SALE_FAILED] = "failed",
	[PK_SALE_CANCELLED] = "cancelled",
	[PK_SALE_UNCONFIRMED] = "unconfirmed",
	[PK_SALE_PENDING] = "pending",
	[PK_SALE_NOT_FOUND] = "not_found",
	[PK_SALE_ABANDONED] = "abandoned",
};

const char *pk_state_name(pk_sale_state s)
{
	return (unsigned)s < PK_SALE__COUNT ? state_names[s] : "unknown";
}

int pk_state_parse(const char *name, pk_sale_state *out)
{
	if (!name)
		return -1;
	for (int i = 0; i < PK_SALE__COUNT; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			if (out)
				*out = (pk_sale_state)i;
			return 0;
		}
	}
	return -1;
}

static const char *const state_labels[PK_SALE__COUNT] = {
	[PK_SALE_NEW] = N_("New"),
	[PK_SALE_CREATING] = N_("Starting"),
	[PK_SALE_AWAITING_PAYMENT] = N_("Waiting for payment"),
	[PK_SALE_AWAITING_TXID] = N_("Waiting for transaction ID"),
	[PK_SALE_ACTIVATING] = N_("Checking payment"),
	[PK_SALE_PAID] = N_("Paid"),
	[PK_SALE_FAILED] = N_("Not paid"),
	[PK_SALE_CANCELLED] = N_("Cancelled"),
	[PK_SALE_UNCONFIRMED] = N_("Not confirmed yet"),
	[PK_SALE_PENDING] = N_("Pending check"),
	[PK_SALE_NOT_FOUND] = N_("Transaction not found"),
	[PK_SALE_ABANDONED] = N_("Abandoned"),
};

const char *pk_state_label(pk_sale_state s)
{
	return (unsigned)s < PK_SALE__COUNT ? _(state_labels[s]) : "?";
}

bool pk_state_is_final(pk_sale_state s)
{
	return s == PK_SALE_PAID || s == PK_SALE_FAILED || s == PK_SALE_CANCELLED ||
	       s == PK_SALE_ABANDONED;
}

bool pk_state_is_open(pk_sale_state s)
{
	return s == PK_SALE_UNCONFIRMED || s == PK_SALE_PENDING || s == PK_SALE_NOT_FOUND;
}

#define B(s) (1u << (s))

/* allowed[method][from] = mask of the states `to` that may follow. */
static const unsigned transitions[PK_METHOD__COUNT][PK_SALE__COUNT] = {
	[PK_METHOD_UPI] = {
		[PK_SALE_NEW] = B(PK_SALE_CREATING) | B(PK_SALE_ABANDONED),
		/* answered (QR) / gateway refused the create / recovery */
		[PK_SALE_CREATING] = B(PK_SALE_AWAITING_PAYMENT) | B(PK_SALE_FAILED) |
				     B(PK_SALE_ABANDONED),
		[PK_SALE_AWAITING_PAYMENT] = B(PK_SALE_PAID) | B(PK_SALE_FAILED) |
					     B(PK_SALE_CANCELLED) | B(PK_SALE_UNCONFIRMED),
		/* re-check: polling again, or a final answer */
		[PK_SALE_UNCONFIRMED] = B(PK_SALE_AWAITING_PAYMENT) | B(PK_SALE_PAID) |
					B(PK_SALE_FAILED),
	},
	[PK_METHOD_WAVEPAY] = {
		[PK_SALE_NEW] = B(PK_SALE_CREATING) | B(PK_SALE_ABANDONED),
		[PK_SALE_CREATING] = B(PK_SALE_AWAITING_TXID) | B(PK_SALE_FAILED) |
				     B(PK_SALE_ABANDONED),
		/* the cashier typed the ID / the customer did not pay */
		[PK_SALE_AWAITING_TXID] = B(PK_SALE_ACTIVATING) | B(PK_SALE_CANCELLED),
		[PK_SALE_ACTIVATING] = B(PK_SALE_PAID) | B(PK_SALE_PENDING) |
				       B(PK_SALE_NOT_FOUND) | B(PK_SALE_FAILED),
		/* corrected ID */
		[PK_SALE_NOT_FOUND] = B(PK_SALE_ACTIVATING),
		/* re-check: the identical activation again */
		[PK_SALE_PENDING] = B(PK_SALE_ACTIVATING),
		/* the cashier retries a mistyped ID */
		[PK_SALE_FAILED] = B(PK_SALE_ACTIVATING),
	},
};

bool pk_state_can(pk_method m, pk_sale_state from, pk_sale_state to)
{
	if ((unsigned)m >= PK_METHOD__COUNT || (unsigned)from >= PK_SALE__COUNT ||
	    (unsigned)to >= PK_SALE__COUNT)
		return false;
	if (from == to)
		return true;
	return (transitions[m][from] & B(to)) != 0;
}

/* Byte length of s cut to at most max bytes without splitting a UTF-8
 * sequence. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

int pk_ctid_make(const char *label, time_t now, int attempt, char *out, size_t outlen)
{
	unsigned char rnd[8];
	size_t got = 0;
	while (got < sizeof rnd) {
		ssize_t r = getrandom(rnd + got, sizeof rnd - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	char hex[17];
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);

	struct tm tm;
	if (!gmtime_r(&now, &tm))
		return -1;
	char stamp[32];
	if (strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm) == 0)
		return -1;

	char suffix[64];
	int slen;
	if (attempt > 1)
		slen = snprintf(suffix, sizeof suffix, "-%s-%s-a%d", stamp, hex, attempt);
	else
		slen = snprintf(suffix, sizeof suffix, "-%s-%s", stamp, hex);
	if (slen < 0 || (size_t)slen >= sizeof suffix)
		return -1;

	size_t limit = PK_CTID_MAX;
	if (outlen == 0)
		return -1;
	if (outlen - 1 < limit)
		limit = outlen - 1;
	if ((size_t)slen + 1 > limit)
		return -1;
	if (!label)
		label = "";
	size_t llen = utf8_cut(label, limit - (size_t)slen);
	if (llen == 0) {
		/* no label: keep the id readable, drop the leading dash */
		memcpy(out, suffix + 1, (size_t)slen);
		return 0;
	}
	memcpy(out, label, llen);
	memcpy(out + llen, suffix, (size_t)slen + 1);
	return 0;
}
