/* record.c - the sale record, its stable names and the state machine
 * (the model every layer shares: the journal stores it, the controller
 * moves it, the screens show it).
 * The transition table below is the only place that says which state
 * changes are possible; docs/STATES.md draws the same machine. */
#include "model/record.h"

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

static const struct state_row {
	const char *name;
	const char *label;
	const char *title;
	pk_outcome outcome;
	unsigned flags;
	pk_restart restart;
} states[PK_SALE__COUNT] = {
#define PK_X_ROW(id, nm, lb, ti, oc, fl, rs) \
	[PK_SALE_##id] = { nm, lb, ti, PK_OUTCOME_##oc, fl, PK_RESTART_##rs },
	PK_SALE_STATES(PK_X_ROW)
#undef PK_X_ROW
};

static bool valid(pk_sale_state s)
{
	return (unsigned)s < PK_SALE__COUNT;
}

const char *pk_state_name(pk_sale_state s)
{
	return valid(s) ? states[s].name : "unknown_state";
}

int pk_state_parse(const char *name, pk_sale_state *out)
{
	if (!name)
		return -1;
	for (int i = 0; i < PK_SALE__COUNT; i++) {
		if (strcmp(name, states[i].name) == 0) {
			if (out)
				*out = (pk_sale_state)i;
			return 0;
		}
	}
	return -1;
}

const char *pk_state_label(pk_sale_state s)
{
	return valid(s) ? _(states[s].label) : "?";
}

const char *pk_state_title(pk_sale_state s)
{
	return valid(s) ? _(states[s].title) : "?";
}

pk_outcome pk_state_outcome(pk_sale_state s)
{
	return valid(s) ? states[s].outcome : PK_OUTCOME_NOT_KNOWN;
}

pk_restart pk_state_restart(pk_sale_state s)
{
	return valid(s) ? states[s].restart : PK_RESTART_NONE;
}

bool pk_state_is_final(pk_sale_state s)
{
	pk_outcome o = pk_state_outcome(s);
	return o == PK_OUTCOME_PAID || o == PK_OUTCOME_NOT_PAID || o == PK_OUTCOME_NOTHING;
}

bool pk_state_is_open(pk_sale_state s)
{
	return pk_state_outcome(s) == PK_OUTCOME_NOT_KNOWN;
}

bool pk_state_is_listed(pk_sale_state s)
{
	return valid(s) && (states[s].flags & PK_SF_LISTED);
}

bool pk_state_rechecks(pk_sale_state s)
{
	return valid(s) && (states[s].flags & PK_SF_RECHECK);
}

bool pk_state_in_progress(pk_sale_state s)
{
	return valid(s) && !pk_state_is_final(s) && !pk_state_is_listed(s);
}

unsigned pk_state_mask(bool (*pred)(pk_sale_state))
{
	unsigned m = 0;
	for (int i = 0; i < PK_SALE__COUNT; i++)
		if (pred((pk_sale_state)i))
			m |= 1u << i;
	return m;
}

const char *pk_outcome_name(pk_outcome o)
{
	static const char *const names[PK_OUTCOME__COUNT] = {
		[PK_OUTCOME_NONE] = "none",         [PK_OUTCOME_PAID] = "paid",
		[PK_OUTCOME_NOT_PAID] = "not_paid", [PK_OUTCOME_NOTHING] = "nothing",
		[PK_OUTCOME_NOT_KNOWN] = "not_known",
	};
	return (unsigned)o < PK_OUTCOME__COUNT ? names[o] : "?";
}

#define B(s) (1u << (s))

/* Where the gateway's answers lead (pk_state_can adds "any open sale may
 * become paid", below: it is not listed here). */
#define WAVEPAY_ANSWERS \
	(B(PK_SALE_PENDING) | B(PK_SALE_NOT_FOUND) | B(PK_SALE_REFUSED) | B(PK_SALE_UNKNOWN))
#define WAVEPAY_REOPEN (B(PK_SALE_ACTIVATING) | B(PK_SALE_CANCELLED) | WAVEPAY_ANSWERS)

/* allowed[method][from] = mask of the states `to` that may follow, besides
 * paid (see pk_state_can).  docs/STATES.md draws it; the decision table
 * there says which answer leads where (sale/upi.c, sale/wavepay.c). */
static const unsigned transitions[PK_METHOD__COUNT][PK_SALE__COUNT] = {
	[PK_METHOD_UPI] = {
		[PK_SALE_NEW] = B(PK_SALE_CREATING) | B(PK_SALE_ABANDONED),
		/* answered (QR) / refused / abandoned (never answered, or a link
		 * asking another amount: no QR was shown) */
		[PK_SALE_CREATING] = B(PK_SALE_AWAITING_PAYMENT) | B(PK_SALE_FAILED) |
				     B(PK_SALE_ABANDONED),
		/* (success) / failed / stopped waiting (cancel without a final
		 * answer, or the deadline) */
		[PK_SALE_AWAITING_PAYMENT] = B(PK_SALE_FAILED) | B(PK_SALE_UNCONFIRMED),
		/* re-check: polling again, a final answer, or a person closes it */
		[PK_SALE_UNCONFIRMED] = B(PK_SALE_AWAITING_PAYMENT) | B(PK_SALE_FAILED) |
					B(PK_SALE_CANCELLED),
	},
	[PK_METHOD_WAVEPAY] = {
		[PK_SALE_NEW] = B(PK_SALE_CREATING) | B(PK_SALE_ABANDONED),
		[PK_SALE_CREATING] = B(PK_SALE_AWAITING_TXID) | B(PK_SALE_FAILED) |
				     B(PK_SALE_ABANDONED),
		/* the cashier typed the ID / a person says the customer did not pay */
		[PK_SALE_AWAITING_TXID] = B(PK_SALE_ACTIVATING) | B(PK_SALE_CANCELLED),
		/* (credited), or one of the open answers (no answer proves that no
		 * money moved: the customer paid before the ID was typed) */
		[PK_SALE_ACTIVATING] = WAVEPAY_ANSWERS,
		/* corrected ID or the same activation again; a person closes it;
		 * or the answer to a background re-check (the same activation) */
		[PK_SALE_PENDING] = WAVEPAY_REOPEN,
		[PK_SALE_NOT_FOUND] = WAVEPAY_REOPEN,
		[PK_SALE_REFUSED] = WAVEPAY_REOPEN,
		[PK_SALE_UNKNOWN] = WAVEPAY_REOPEN,
	},
};

bool pk_state_can(pk_method m, pk_sale_state from, pk_sale_state to)
{
	if ((unsigned)m >= PK_METHOD__COUNT || (unsigned)from >= PK_SALE__COUNT ||
	    (unsigned)to >= PK_SALE__COUNT)
		return false;
	if (from == to)
		return true;
	/* The gateway's word that the money arrived closes any sale that is
	 * still open (outcome not_known), whichever way it comes: a status
	 * `success`, a credited activation, or a verified postback brought by
	 * the hub (the customer may pay after the cashier stopped waiting). */
	if (to == PK_SALE_PAID)
		return pk_state_is_open(from);
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

void pk_sale_list_free(pk_sale_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		pk_sale_clear(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}
