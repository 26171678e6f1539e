/* upi.c - UPI_S: the create, and the status poll schedule.
 * Only `success` / `failed` close a sale; a cancel without one of them
 * leaves it unconfirmed (open, re-checked later).
 * One status request at a time, poll_interval seconds after the previous
 * answer; transport and gateway errors never fail the sale (it stays
 * awaiting_payment and polling goes on); past the deadline the sale is
 * unconfirmed and polling stops; polling stops whenever the sale leaves
 * awaiting_payment. */
#include "sale/flow_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"

void upi_start_polling(pk_flow *f, int64_t first_in_ms)
{
	f->polling = true;
	f->cancelling = false;
	f->next_poll_ms = flow_mono(f) + first_in_ms;
	flow_changed(f);
}

static void schedule_next(pk_flow *f)
{
	f->next_poll_ms = flow_mono(f) + (int64_t)f->settings.poll_interval_s * 1000;
}

int upi_past_deadline(const pk_flow *f)
{
	return f->sale.deadline > 0 && flow_wall(f) >= f->sale.deadline;
}

/* Move to a state that ends polling, recording the answer first. */
static void finish(pk_flow *f, pk_sale_state to, const gw_result *res, const char *note)
{
	pk_sale next;
	pk_error e;
	f->polling = false;
	f->cancelling = false;
	if (flow_edit(f, &next, &e)) {
		flow_set_error(f, &e);
		return;
	}
	if (res)
		flow_note_message(&next, res);
	if (flow_commit(f, &next, to, note, &e)) {
		flow_set_error(f, &e);
		return;
	}
	if (pk_state_is_final(to))
		pk_error_clear(&f->last_error);
}

/* The link must ask exactly the sale's amount: a QR that charges another
 * amount is never drawn.  0 when it does; else the reason, for the cashier. */
static int link_matches(const pk_flow *f, const char *qr_data, pk_error *why)
{
	int64_t asked;
	char want[64], got[64];
	pk_money_display(f->sale.amount, f->sale.currency, want, sizeof want);
	if (gw_upi_link_amount(qr_data, f->sale.currency, &asked) < 0)
		return pk_error_set_id(why, PK_ERR_BAD_SHAPE, 0,
				       N_("The gateway's payment link names no amount (the sale is %s): no QR was shown"),
				       want);
	if (asked == f->sale.amount)
		return 0;
	pk_money_display(asked, f->sale.currency, got, sizeof got);
	return pk_error_set_id(why, PK_ERR_BAD_SHAPE, 0,
			       N_("The gateway's payment link asks for %s, not the sale's amount: no QR was shown"),
			       got);
}

void upi_on_create(pk_flow *f, const gw_result *res)
{
	if (f->sale.state != PK_SALE_CREATING)
		return;
	pk_sale next;
	pk_error e, e2;
	switch (res->status) {
	case GW_ST_OK:
		if (link_matches(f, res->qr_data, &e) < 0) {
			/* Nothing was shown, so nothing can be paid: abandoned,
			 * and the cashier is told what the link asked. */
			if (flow_edit(f, &next, &e2)) {
				flow_set_error(f, &e2);
				return;
			}
			snprintf(next.order_id, sizeof next.order_id, "%s", res->order_id);
			snprintf(next.message, sizeof next.message, "%s", e.msg);
			if (flow_commit(f, &next, PK_SALE_ABANDONED,
					"the link asks another amount; no QR was shown", &e2)) {
				flow_set_error(f, &e2);
				return;
			}
			flow_set_error(f, &e);
			return;
		}
		if (flow_edit(f, &next, &e)) {
			flow_set_error(f, &e);
			return;
		}
		snprintf(next.order_id, sizeof next.order_id, "%s", res->order_id);
		free(next.qr_data);
		next.qr_data = res->qr_data ? strdup(res->qr_data) : NULL;
		if (res->qr_data && !next.qr_data) {
			pk_sale_clear(&next);
			pk_error_set(&e, PK_ERR_NOMEM, _("Out of memory"));
			flow_set_error(f, &e);
			return;
		}
		flow_note_message(&next, res);
		next.deadline = flow_wall(f) + f->settings.poll_timeout_s;
		/* The QR reaches the screen only once it is on disk. */
		if (flow_commit(f, &next, PK_SALE_AWAITING_PAYMENT, "QR received", &e)) {
			flow_set_error(f, &e);
			return;
		}
		pk_error_clear(&f->last_error);
		upi_start_polling(f, (int64_t)f->settings.poll_interval_s * 1000);
		return;
	case GW_ST_FAIL:
		finish(f, PK_SALE_FAILED, res, "gateway refused the create");
		f->last_error = res->err;
		return;
	default:
		/* No usable answer: stays creating; pk_flow_retry re-sends the same
		 * ctid, pk_flow_abandon gives up (no QR was shown). */
		flow_set_error(f, &res->err);
		return;
	}
}

bool upi_status_decides(const gw_result *res, pk_sale_state *to, const char **note)
{
	if (res->status == GW_ST_SUCCESS) {
		*to = PK_SALE_PAID;
		*note = "status success";
		return true;
	}
	if (res->status == GW_ST_FAILED) {
		*to = PK_SALE_FAILED;
		*note = "status failed";
		return true;
	}
	return false;
}

void upi_on_status(pk_flow *f, const gw_result *res)
{
	pk_sale_state to;
	const char *note;
	if (f->sale.state != PK_SALE_AWAITING_PAYMENT)
		return; /* a late answer: the sale moved on */
	if (f->cancelling) {
		/* Only the gateway's word decides: anything else leaves the sale
		 * open (the customer may be approving it right now). */
		if (upi_status_decides(res, &to, &note))
			finish(f, to, res, to == PK_SALE_PAID ? "paid (checked at cancel)"
							      : "failed (checked at cancel)");
		else
			finish(f, PK_SALE_UNCONFIRMED, res,
			       "the cashier stopped waiting; not decided by the gateway");
		return;
	}
	if (!f->polling)
		return;
	if (upi_status_decides(res, &to, &note)) {
		finish(f, to, res, note);
		return;
	}
	switch (res->status) {
	case GW_ST_PROCESSING:
		if (f->last_error.kind != PK_OK)
			pk_error_clear(&f->last_error);
		break;
	default:
		/* A transport or gateway problem says nothing about the money:
		 * keep waiting and keep asking. */
		flow_set_error(f, &res->err);
		break;
	}
	schedule_next(f);
	if (upi_past_deadline(f))
		finish(f, PK_SALE_UNCONFIRMED, NULL, "poll timeout");
}

int upi_tick(pk_flow *f, pk_error *err)
{
	if (f->sale.state != PK_SALE_AWAITING_PAYMENT || !f->polling || f->req)
		return 0;
	if (upi_past_deadline(f)) {
		finish(f, PK_SALE_UNCONFIRMED, NULL, "poll timeout");
		return 0;
	}
	if (flow_mono(f) < f->next_poll_ms)
		return 0;
	if (flow_send(f, GW_UPI_STATUS, err)) {
		schedule_next(f);
		return -1;
	}
	return 0;
}

int pk_flow_cancel(pk_flow *f, pk_error *err)
{
	if (!f->active)
		return pk_error_set(err, PK_ERR_STATE, _("No sale is in progress"));
	if (f->sale.state == PK_SALE_NEW || f->sale.state == PK_SALE_CREATING ||
	    f->sale.state == PK_SALE_AWAITING_TXID)
		return pk_flow_abandon(f, err);
	if (f->sale.state != PK_SALE_AWAITING_PAYMENT)
		return pk_error_set(err, PK_ERR_STATE, _("This sale cannot be cancelled now"));
	if (f->cancelling)
		return 0;
	/* Stop the schedule; ask one last time whether the customer paid. */
	f->polling = false;
	flow_drop_request(f);
	f->cancelling = true;
	if (flow_send(f, GW_UPI_STATUS, err)) {
		finish(f, PK_SALE_UNCONFIRMED, NULL,
		       "the cashier stopped waiting; the final check could not be sent");
		return 0;
	}
	return 0;
}
