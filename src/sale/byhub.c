/* byhub.c - what the fleet hub brings to the controller: a sale paid by a
 * verified postback (docs/HUB.md), and the status poll period while the hub
 * is there to bring them.  Write-ahead as everywhere: the journal has
 * `paid` before the screen or the log can see it. */
#include "sale/flow_priv.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"

void pk_flow_set_poll_interval(pk_flow *f, int seconds)
{
	if (seconds <= 0 || seconds == f->settings.poll_interval_s)
		return;
	f->settings.poll_interval_s = seconds;
	if (f->polling && !f->req) {
		int64_t soonest = flow_mono(f) + (int64_t)seconds * 1000;
		if (f->next_poll_ms > soonest)
			f->next_poll_ms = soonest;
	}
	flow_changed(f);
}

const char *pk_flow_pb_name(pk_flow_pb r)
{
	static const char *const names[PK_FLOW_PB__COUNT] = {
		[PK_FLOW_PB_PAID] = "paid",
		[PK_FLOW_PB_ALREADY_PAID] = "already_paid",
		[PK_FLOW_PB_FINAL] = "final",
		[PK_FLOW_PB_NOT_SHOWN] = "not_shown",
		[PK_FLOW_PB_MISMATCH] = "amount_mismatch",
		[PK_FLOW_PB_UNKNOWN_SALE] = "unknown_sale",
	};
	return (unsigned)r < PK_FLOW_PB__COUNT ? names[r] : "?";
}

/* What a paid postback does to a sale in its state (the state table
 * decides: only an open sale can become paid). */
static pk_flow_pb decide(const pk_sale *s, int64_t amount, const char *currency)
{
	if (s->state == PK_SALE_PAID)
		return PK_FLOW_PB_ALREADY_PAID;
	if (pk_state_is_final(s->state))
		return PK_FLOW_PB_FINAL;
	if (!pk_state_is_open(s->state) || !pk_state_can(s->method, s->state, PK_SALE_PAID))
		return PK_FLOW_PB_NOT_SHOWN;
	pk_currency cur;
	if (!currency || pk_currency_parse(currency, &cur) < 0 || cur != s->currency ||
	    amount != s->amount)
		return PK_FLOW_PB_MISMATCH;
	return PK_FLOW_PB_PAID;
}

/* The sale the news is about: by its journal id when the hub gave one
 * (its ctid may have changed since), else by ctid.  *found false: none. */
static int find_sale(pk_flow *f, int64_t sale_id, const char *ctid, pk_sale *s, bool *found,
		     pk_error *err)
{
	*found = false;
	if (sale_id > 0) {
		pk_error gerr;
		if (pk_journal_get(f->journal, sale_id, s, &gerr) == 0) {
			*found = true;
			return 0;
		}
		pk_sale_clear(s);
		if (gerr.kind != PK_ERR_INVALID) { /* INVALID: not in this journal */
			if (err)
				*err = gerr;
			return -1;
		}
	}
	return pk_journal_find_ctid(f->journal, ctid, s, found, err);
}

int pk_flow_postback_paid(pk_flow *f, const char *ctid, const char *transaction_id,
			  int64_t amount, const char *currency, pk_flow_pb *what, pk_error *err)
{
	return pk_flow_postback_paid_sale(f, 0, ctid, transaction_id, amount, currency, what, err);
}

int pk_flow_postback_paid_sale(pk_flow *f, int64_t sale_id, const char *ctid,
			       const char *transaction_id, int64_t amount, const char *currency,
			       pk_flow_pb *what, pk_error *err)
{
	*what = PK_FLOW_PB_UNKNOWN_SALE;
	pk_sale s;
	bool found;
	if (find_sale(f, sale_id, ctid, &s, &found, err) < 0)
		return -1;
	if (!found)
		return 0;
	*what = decide(&s, amount, currency);
	if (*what != PK_FLOW_PB_PAID) {
		pk_sale_clear(&s);
		return 0;
	}
	char note[256];
	snprintf(note, sizeof note, "postback %s",
		 transaction_id && *transaction_id ? transaction_id : "-");

	if (f->active && f->sale.id == s.id) {
		/* The sale on screen: recorded from the controller's own copy, so
		 * the view turns paid as for the gateway's own answer. */
		pk_sale_clear(&s);
		pk_sale next;
		if (flow_edit(f, &next, err) < 0)
			return -1;
		next.has_deposit_amount = true;
		next.deposit_amount = amount;
		if (flow_commit(f, &next, PK_SALE_PAID, note, err) < 0)
			return -1; /* (*what says what it would have done) */
		/* Paid is on disk: nothing more to ask the gateway. */
		flow_drop_request(f);
		f->polling = false;
		f->cancelling = false;
		f->retry_at_ms = 0;
		pk_error_clear(&f->last_error);
		flow_changed(f);
		return 0;
	}
	/* A sale nobody is looking at (listed under open sales, or resting). */
	recheck_forget(f, s.id);
	pk_sale_state from = s.state;
	s.has_deposit_amount = true;
	s.deposit_amount = amount;
	if (pk_journal_save(f->journal, &s, PK_SALE_PAID, note, err) < 0) {
		pk_sale_clear(&s);
		return -1;
	}
	flow_tell_state(f, &s, from, note);
	flow_changed(f);
	pk_sale_clear(&s);
	return 0;
}
