/* recovery.c - start-up, before the home screen: finish what a crash or a
 * power cut left half done, from what the journal knows.
 *   new / creating without order_id or identifier -> abandoned
 *       (the customer never saw a QR or wallet: no money can have moved)
 *   UPI awaiting_payment -> polling the same order again (the newest becomes
 *       the active sale), or unconfirmed when past its deadline
 *   Wavepay activating (answer never recorded) -> the identical activation
 *       (same key1 + ctid) re-sent once
 *   awaiting_txid stays (the cashier continues it from the open sales). */
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

int pk_flow_recover(pk_flow *f, pk_recovery_report *report, pk_error *err)
{
	pk_recovery_report rep;
	memset(&rep, 0, sizeof rep);
	if (report)
		*report = rep;
	if (f->active && !pk_state_is_final(f->sale.state) && !pk_state_is_open(f->sale.state))
		return pk_error_set(err, PK_ERR_STATE, _("Another sale is in progress"));
	pk_flow_close(f);

	unsigned mask = (1u << PK_SALE_NEW) | (1u << PK_SALE_CREATING) |
			(1u << PK_SALE_AWAITING_PAYMENT) | (1u << PK_SALE_ACTIVATING);
	pk_sale_list list;
	if (pk_journal_list_states(f->journal, mask, &list, err))
		return -1;
	int ret = 0;
	/* Newest first: the newest resumable sale becomes the active one. */
	for (size_t i = 0; i < list.count; i++) {
		pk_sale *s = &list.items[i];
		switch (s->state) {
		case PK_SALE_NEW:
		case PK_SALE_CREATING:
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
		case PK_SALE_AWAITING_PAYMENT:
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
		case PK_SALE_ACTIVATING:
			if (f->active)
				break; /* stays activating; re-checked at the next start */
			flow_activate(f, s);
			rep.reactivated++;
			if (wavepay_send_activate(f, err))
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
