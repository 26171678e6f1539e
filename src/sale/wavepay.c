/* wavepay.c - Wavepay: the create (wallet to pay to) and the activation
 * with the transaction ID the customer got.  Wavepay has no status call:
 * pending / not found / fail are the answers for that attempt. */
#include "sale/flow_priv.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"

static void record(pk_flow *f, pk_sale *next, pk_sale_state to, const char *note)
{
	pk_error e;
	if (flow_commit(f, next, to, note, &e))
		flow_set_error(f, &e);
}

void wavepay_on_create(pk_flow *f, const gw_result *res)
{
	if (f->sale.state != PK_SALE_CREATING)
		return;
	if (res->status != GW_ST_OK && res->status != GW_ST_FAIL) {
		/* No usable answer: stays creating (retry or abandon). */
		flow_set_error(f, &res->err);
		return;
	}
	pk_sale next;
	pk_error e;
	if (flow_edit(f, &next, &e)) {
		flow_set_error(f, &e);
		return;
	}
	flow_note_message(&next, res);
	if (res->status == GW_ST_OK) {
		snprintf(next.identifier, sizeof next.identifier, "%s", res->identifier);
		record(f, &next, PK_SALE_AWAITING_TXID, "wallet received");
	} else {
		record(f, &next, PK_SALE_FAILED, "gateway refused the create");
		f->last_error = res->err;
	}
}

/* Every answer to an activation is recorded; only `ok` with a deposit
 * closes the sale (paid).  The customer paid the wallet before the ID was
 * typed, so no other answer proves that no money moved: pending, not found,
 * refused and "no usable answer" all leave it open (a corrected ID, the same
 * activation again, or a person closes it). */
pk_sale_state wavepay_answer_state(const gw_result *res, const char **note)
{
	switch (res->status) {
	case GW_ST_OK:
		*note = "credited";
		return PK_SALE_PAID;
	case GW_ST_PENDING:
		*note = "pending";
		return PK_SALE_PENDING;
	case GW_ST_POSSIBLE_TX:
		*note = "transaction not found";
		return PK_SALE_NOT_FOUND;
	case GW_ST_FAIL:
		*note = "activation refused";
		return PK_SALE_REFUSED;
	default:
		/* none at all, an error page, `ok` without a deposit */
		*note = "no usable answer to the activation";
		return PK_SALE_UNKNOWN;
	}
}

void wavepay_on_activate(pk_flow *f, const gw_result *res)
{
	if (f->sale.state != PK_SALE_ACTIVATING)
		return;
	pk_sale next;
	pk_error e;
	if (flow_edit(f, &next, &e)) {
		flow_set_error(f, &e);
		return;
	}
	flow_note_message(&next, res);
	const char *note;
	pk_sale_state to = wavepay_answer_state(res, &note);
	if (to == PK_SALE_PAID) {
		next.has_deposit_amount = res->has_deposit_amount;
		next.deposit_amount = res->has_deposit_amount ? res->deposit_amount : 0;
	}
	/* The problem is told first, so the state line is the last word. */
	if (to == PK_SALE_UNKNOWN)
		flow_set_error(f, &res->err);
	record(f, &next, to, note);
	if (to == PK_SALE_REFUSED)
		f->last_error = res->err;
}

static bool key1_ok(const char *key1)
{
	size_t n = key1 ? strlen(key1) : 0;
	if (n == 0 || n > PK_KEY1_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (key1[i] < '0' || key1[i] > '9')
			return false;
	return true;
}

int pk_flow_submit_key1(pk_flow *f, const char *key1, pk_error *err)
{
	if (!f->active || f->sale.method != PK_METHOD_WAVEPAY)
		return pk_error_set(err, PK_ERR_STATE, _("No Wavepay sale is waiting"));
	if (f->req)
		return pk_error_set(err, PK_ERR_STATE, _("Still waiting for the gateway"));
	if (!key1_ok(key1))
		return pk_error_set(err, PK_ERR_INVALID,
				    _("The transaction ID must be 1 to 11 digits"));
	pk_sale_state st = f->sale.state;
	/* The ID screen, an open answer (a corrected or the same ID), or an
	 * activation whose send failed at once. */
	if (!(st == PK_SALE_AWAITING_TXID || st == PK_SALE_ACTIVATING ||
	      (pk_state_rechecks(st) && pk_state_can(PK_METHOD_WAVEPAY, st, PK_SALE_ACTIVATING))))
		return pk_error_set(err, PK_ERR_STATE, _("This sale does not take a transaction ID now"));

	pk_sale next;
	if (flow_edit(f, &next, err))
		return -1;
	char note[PK_CTID_MAX + 64];
	if (st == PK_SALE_AWAITING_TXID && !next.key1[0]) {
		next.attempts = 1;
		snprintf(note, sizeof note, "activate");
	} else if (strcmp(next.key1, key1) == 0) {
		/* The same ID again: the identical request, same ctid. */
		snprintf(note, sizeof note, "activate again (same ID)");
	} else {
		/* A corrected ID is a new attempt with its own ctid. */
		next.attempts = next.attempts > 0 ? next.attempts + 1 : 2;
		snprintf(note, sizeof note, "corrected ID; previous ctid %s", next.ctid);
		if (pk_ctid_make(next.label, flow_wall(f), next.attempts, next.ctid,
				 sizeof next.ctid)) {
			pk_sale_clear(&next);
			return pk_error_set(err, PK_ERR_IO, _("Cannot make a transaction id"));
		}
	}
	snprintf(next.key1, sizeof next.key1, "%s", key1);
	next.has_deposit_amount = false;
	next.deposit_amount = 0;
	/* Write-ahead: key1 + ctid are on disk before the activation leaves. */
	if (flow_commit(f, &next, PK_SALE_ACTIVATING, note, err))
		return -1;
	return flow_send(f, GW_WAVEPAY_ACTIVATE, err) < 0 ? PK_FLOW_RECORDED : 0;
}
