/* recovery.c - start-up, before the home screen: finish what a crash or a
 * power cut left half done, from what the journal knows.  What happens to
 * each state is the table's `restart` column (model/record.h):
 *   ABANDON  new / creating: the customer never saw a QR or wallet
 *   POLL     UPI awaiting_payment: polling the same order again (the newest
 *            becomes the active sale), or unconfirmed past its deadline
 *   RESEND   Wavepay activating (answer never recorded): the identical
 *            activation (same key1 + ctid) again
 *   ID       Wavepay awaiting_txid: the newest goes back to its ID screen
 *            (same wallet and amount, no second create); others stay listed
 * Everything listed stays under open sales. */
#include "sale/flow_priv.h"

#include <string.h>

#include "common/i18n.h"

static int save_as(pk_flow *f, pk_sale *s, pk_sale_state to, const char *note, pk_error *err)
{
	pk_sale_state from = s->state;
	if (pk_journal_save(f->journal, s, to, note, err))
		return -1;
	if (from != to)
		flow_tell_state(f, s, from, note);
	return 0;
}

static bool restarts(pk_sale_state st)
{
	return pk_state_restart(st) != PK_RESTART_NONE;
}

int pk_flow_recover(pk_flow *f, pk_recovery_report *report, pk_error *err)
{
	pk_recovery_report rep;
	memset(&rep, 0, sizeof rep);
	if (report)
		*report = rep;
	if (f->active && pk_state_in_progress(f->sale.state))
		return pk_error_set(err, PK_ERR_STATE, _("Another sale is in progress"));
	pk_flow_close(f);

	unsigned mask = pk_state_mask(restarts);
	pk_sale_list list;
	if (pk_journal_list_states(f->journal, mask, &list, err))
		return -1;
	int ret = 0;
	/* Newest first: the newest resumable sale becomes the active one. */
	for (size_t i = 0; i < list.count; i++) {
		pk_sale *s = &list.items[i];
		switch (pk_state_restart(s->state)) {
		case PK_RESTART_ABANDON:
			if (s->method == PK_METHOD_UPI && s->order_id[0] && s->qr_data) {
				/* The answer was recorded but not the state (cannot happen
				 * with flow.c, which writes both at once): treat it as shown. */
				if (save_as(f, s, PK_SALE_AWAITING_PAYMENT, "recovery", err))
					goto fail;
				goto resume_upi;
			}
			if (save_as(f, s, PK_SALE_ABANDONED,
				    "recovery: the create never got an answer; no QR or wallet was shown",
				    err))
				goto fail;
			rep.abandoned++;
			break;
		case PK_RESTART_POLL:
resume_upi:
			if (s->deadline > 0 && flow_wall(f) >= s->deadline) {
				if (save_as(f, s, PK_SALE_UNCONFIRMED, "recovery: past the deadline", err))
					goto fail;
				rep.unconfirmed++;
				break;
			}
			if (f->active) {
				/* One sale polls at a time: an older one waits in the open
				 * sales list for a re-check. */
				if (save_as(f, s, PK_SALE_UNCONFIRMED,
					    "recovery: another sale resumed first", err))
					goto fail;
				rep.unconfirmed++;
				break;
			}
			flow_activate(f, s);
			upi_start_polling(f, 0); /* ask now: time passed while we were down */
			rep.resumed++;
			if (upi_tick(f, err))
				ret = -1; /* polling goes on; the error is in the view too */
			break;
		case PK_RESTART_ID:
			if (f->active)
				break; /* stays listed under open sales */
			flow_activate(f, s);
			rep.waiting_id++;
			break;
		case PK_RESTART_RESEND:
			if (f->active) {
				/* One sale at a time: this one waits under open
				 * sales (not known yet) for a re-check. */
				if (save_as(f, s, PK_SALE_UNKNOWN,
					    "recovery: another sale resumed first; the activation's answer was never recorded",
					    err))
					goto fail;
				rep.unknown++;
				break;
			}
			flow_activate(f, s);
			rep.reactivated++;
			if (flow_send(f, GW_WAVEPAY_ACTIVATE, err))
				ret = -1; /* stays activating; pk_flow_retry re-sends */
			break;
		default:
			break;
		}
	}
	pk_sale_list_free(&list);
	if (report)
		*report = rep;
	return ret;
fail:
	pk_sale_list_free(&list);
	if (report)
		*report = rep;
	return -1;
}
