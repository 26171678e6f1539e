/* flow.c - the sale controller: what every sale shares (start, retry,
 * abandon, close, the request callback, timers and the view).
 * Write-ahead: the journal has every request before it is sent and every
 * answer before the screen can see it. */
#include "sale/flow_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"

static int64_t system_mono_ms(void *ud)
{
	(void)ud;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static time_t system_wall(void *ud)
{
	(void)ud;
	return time(NULL);
}

const pk_clock pk_clock_system = { system_mono_ms, system_wall, NULL };

int64_t flow_mono(const pk_flow *f)
{
	return f->clock.mono_ms(f->clock.ud);
}

time_t flow_wall(const pk_flow *f)
{
	return f->clock.wall(f->clock.ud);
}

void flow_changed(pk_flow *f)
{
	f->version++;
}

int flow_edit(pk_flow *f, pk_sale *next, pk_error *err)
{
	if (pk_sale_copy(next, &f->sale))
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	return 0;
}

void flow_tell_state(pk_flow *f, const pk_sale *sale, pk_sale_state from, const char *note)
{
	if (f->observer.state)
		f->observer.state(f->observer.ud, sale, from, note);
}

void pk_flow_set_observer(pk_flow *f, const pk_flow_observer *o)
{
	if (o)
		f->observer = *o;
	else
		memset(&f->observer, 0, sizeof f->observer);
}

int flow_commit(pk_flow *f, pk_sale *next, pk_sale_state to, const char *note,
		pk_error *err)
{
	pk_sale_state from = next->state;
	if (pk_journal_save(f->journal, next, to, note, err)) {
		pk_sale_clear(next);
		return -1;
	}
	pk_sale_clear(&f->sale);
	f->sale = *next;
	pk_sale_init(next);
	flow_changed(f);
	if (from != to)
		flow_tell_state(f, &f->sale, from, note);
	return 0;
}

void flow_set_error(pk_flow *f, const pk_error *e)
{
	if (e)
		f->last_error = *e;
	else
		pk_error_clear(&f->last_error);
	flow_changed(f);
	if (e && e->kind != PK_OK && f->observer.problem)
		f->observer.problem(f->observer.ud, f->active ? &f->sale : NULL, e);
}

void flow_note_message(pk_sale *s, const gw_result *res)
{
	if (res->message[0])
		snprintf(s->message, sizeof s->message, "%s", res->message);
	else if (res->err.kind != PK_OK)
		snprintf(s->message, sizeof s->message, "%s", res->err.msg);
	else
		s->message[0] = '\0';
}

void flow_activate(pk_flow *f, pk_sale *sale)
{
	pk_sale_clear(&f->sale);
	f->sale = *sale;
	pk_sale_init(sale);
	f->active = true;
	f->retries_done = 0;
	f->retry_at_ms = 0;
	f->polling = false;
	f->cancelling = false;
	pk_error_clear(&f->last_error);
	flow_changed(f);
}

void flow_drop_request(pk_flow *f)
{
	if (f->req)
		gw_cancel(f->gw, f->req);
	f->req = 0;
}

static gw_call create_call(pk_method m)
{
	return m == PK_METHOD_UPI ? GW_UPI_CREATE : GW_WAVEPAY_CREATE;
}

int flow_send(pk_flow *f, gw_call call, pk_error *err)
{
	const pk_sale *s = &f->sale;
	/* A new attempt starts clean; a status poll keeps showing the last
	 * problem until an answer clears it. */
	if (call != GW_UPI_STATUS)
		pk_error_clear(&f->last_error);
	switch (call) {
	case GW_UPI_CREATE:
		f->req = gw_upi_create(f->gw, s->label, s->amount, s->ctid, flow_done, f, err);
		break;
	case GW_UPI_STATUS:
		f->req = gw_upi_status(f->gw, s->order_id, flow_done, f, err);
		break;
	case GW_WAVEPAY_CREATE:
		f->req = gw_wavepay_create(f->gw, s->label, flow_done, f, err);
		break;
	case GW_WAVEPAY_ACTIVATE:
		f->req = gw_wavepay_activate(f->gw, s->label, s->key1, s->amount, s->ctid, flow_done,
					     f, err);
		break;
	default:
		f->req = 0;
		pk_error_set(err, PK_ERR_INVALID, "flow_send: call %d", (int)call);
		break;
	}
	flow_changed(f);
	if (!f->req) {
		flow_set_error(f, err);
		return -1;
	}
	f->req_call = call;
	return 0;
}

void flow_done(void *ud, const gw_result *res)
{
	pk_flow *f = ud;
	f->req = 0;
	if (!f->active)
		return;
	switch (res->call) {
	case GW_UPI_CREATE:
		upi_on_create(f, res);
		break;
	case GW_UPI_STATUS:
		upi_on_status(f, res);
		break;
	case GW_WAVEPAY_CREATE:
		wavepay_on_create(f, res);
		break;
	case GW_WAVEPAY_ACTIVATE:
		wavepay_on_activate(f, res);
		break;
	default:
		break;
	}
	flow_changed(f);
}

int pk_flow_new(pk_flow **out, pk_journal *journal, gw_client *gw,
		const pk_flow_settings *settings, const pk_clock *clock, pk_error *err)
{
	*out = NULL;
	if (!journal || !gw || !settings || settings->poll_interval_s <= 0 ||
	    settings->poll_timeout_s <= 0)
		return pk_error_set(err, PK_ERR_INVALID, _("The sale controller needs a journal, "
							   "a gateway and poll settings"));
	pk_flow *f = calloc(1, sizeof *f);
	if (!f)
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	f->journal = journal;
	f->gw = gw;
	f->settings = *settings;
	f->clock = clock ? *clock : pk_clock_system;
	pk_sale_init(&f->sale);
	pk_error_clear(&f->last_error);
	*out = f;
	return 0;
}

void pk_flow_free(pk_flow *f)
{
	if (!f)
		return;
	flow_drop_request(f);
	if (f->settle_req)
		gw_cancel(f->gw, f->settle_req);
	if (f->bg.req)
		gw_cancel(f->gw, f->bg.req);
	pk_sale_clear(&f->sale);
	free(f);
}

/* The active sale is being worked on (the state table says which). */
static bool in_progress(const pk_flow *f)
{
	return f->active && pk_state_in_progress(f->sale.state);
}

static int start_sale(pk_flow *f, pk_method method, int64_t amount, const char *label,
		      pk_lang lang, pk_error *err)
{
	if (in_progress(f))
		return pk_error_set(err, PK_ERR_STATE, _("Another sale is in progress"));
	if (amount <= 0)
		return pk_error_set(err, PK_ERR_INVALID, _("The amount must be more than zero"));
	if (!label || !*label || strlen(label) > PK_LABEL_MAX)
		return pk_error_set(err, PK_ERR_INVALID, _("The customer ID is missing or too long"));
	pk_flow_close(f);

	pk_sale s;
	pk_sale_init(&s);
	s.method = method;
	s.currency = method == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
	s.amount = amount;
	s.lang = lang;
	snprintf(s.label, sizeof s.label, "%s", label);
	s.created_at = flow_wall(f);
	if (pk_ctid_make(label, s.created_at, 1, s.ctid, sizeof s.ctid))
		return pk_error_set(err, PK_ERR_IO, _("Cannot make a transaction id"));
	if (pk_journal_insert(f->journal, &s, err))
		return -1;
	flow_activate(f, &s);
	flow_tell_state(f, &f->sale, PK_SALE_NEW, "new sale");

	/* Write-ahead: creating is on disk before the request leaves. */
	pk_sale next;
	if (flow_edit(f, &next, err) ||
	    flow_commit(f, &next, PK_SALE_CREATING, "send create", err))
		return -1;
	/* Recorded: a send that failed at once is the sale's problem now
	 * (its screen shows it, retry or give up), not a refusal. */
	int sent = flow_send(f, create_call(method), err);
	return sent < 0 ? PK_FLOW_RECORDED : 0;
}

int pk_flow_start_upi(pk_flow *f, int64_t amount_paise, const char *label, pk_lang lang,
		      pk_error *err)
{
	return start_sale(f, PK_METHOD_UPI, amount_paise, label, lang, err);
}

int pk_flow_start_wavepay(pk_flow *f, int64_t amount_mmk, const char *label, pk_lang lang,
			  pk_error *err)
{
	return start_sale(f, PK_METHOD_WAVEPAY, amount_mmk, label, lang, err);
}

int pk_flow_abandon(pk_flow *f, pk_error *err)
{
	if (!f->active)
		return pk_error_set(err, PK_ERR_STATE, _("No sale is in progress"));
	pk_sale_state to;
	const char *note;
	switch (f->sale.state) {
	case PK_SALE_NEW:
	case PK_SALE_CREATING:
		to = PK_SALE_ABANDONED;
		note = "abandoned: no QR or wallet was shown";
		break;
	case PK_SALE_AWAITING_TXID:
		to = PK_SALE_CANCELLED;
		note = "cancelled: the customer did not pay";
		break;
	default:
		return pk_error_set(err, PK_ERR_STATE, _("This sale cannot be abandoned now"));
	}
	pk_sale next;
	if (flow_edit(f, &next, err))
		return -1;
	if (flow_commit(f, &next, to, note, err))
		return -1;
	flow_drop_request(f);
	f->polling = false;
	return 0;
}

/* Wavepay: the identical activation (same key1 and ctid) again, written
 * ahead as activating. */
static int resend_activation(pk_flow *f, const char *note, pk_error *err)
{
	pk_sale next;
	if (flow_edit(f, &next, err) || flow_commit(f, &next, PK_SALE_ACTIVATING, note, err))
		return -1;
	return flow_send(f, GW_WAVEPAY_ACTIVATE, err) < 0 ? PK_FLOW_RECORDED : 0;
}

int pk_flow_retry(pk_flow *f, pk_error *err)
{
	if (!f->active)
		return pk_error_set(err, PK_ERR_STATE, _("No sale is in progress"));
	if (f->req)
		return pk_error_set(err, PK_ERR_STATE, _("Still waiting for the gateway"));
	switch (f->sale.state) {
	case PK_SALE_CREATING:
		/* The same ctid again: the gateway treats it as the idempotency key. */
		return flow_send(f, create_call(f->sale.method), err);
	case PK_SALE_ACTIVATING:
		return flow_send(f, GW_WAVEPAY_ACTIVATE, err);
	case PK_SALE_PENDING:
	case PK_SALE_NOT_FOUND:
	case PK_SALE_REFUSED:
	case PK_SALE_UNKNOWN:
		return resend_activation(f, "send the same activation again", err);
	case PK_SALE_AWAITING_PAYMENT:
		if (!f->polling)
			return pk_error_set(err, PK_ERR_STATE, _("Nothing to retry"));
		f->next_poll_ms = flow_mono(f);
		return upi_tick(f, err);
	default:
		return pk_error_set(err, PK_ERR_STATE, _("Nothing to retry"));
	}
}

void pk_flow_close(pk_flow *f)
{
	if (!f->active)
		return;
	if (in_progress(f))
		return;
	flow_drop_request(f);
	f->polling = false;
	f->cancelling = false;
	f->active = false;
	pk_sale_clear(&f->sale);
	pk_error_clear(&f->last_error);
	flow_changed(f);
}

int pk_flow_set_lang(pk_flow *f, pk_lang lang, pk_error *err)
{
	if (!f->active)
		return 0;
	if (f->sale.lang == lang)
		return 0;
	pk_sale next;
	if (flow_edit(f, &next, err))
		return -1;
	next.lang = lang;
	return flow_commit(f, &next, f->sale.state, NULL, err);
}

int pk_flow_recheck(pk_flow *f, int64_t sale_id, pk_error *err)
{
	if (in_progress(f))
		return pk_error_set(err, PK_ERR_STATE, _("Another sale is in progress"));
	recheck_forget(f, sale_id);
	pk_sale s;
	if (pk_journal_get(f->journal, sale_id, &s, err))
		return -1;
	if (!pk_state_is_listed(s.state)) {
		pk_sale_clear(&s);
		return pk_error_set(err, PK_ERR_STATE, _("This sale is already finished"));
	}
	pk_flow_close(f);
	flow_activate(f, &s);
	if (f->sale.state == PK_SALE_AWAITING_TXID)
		return 0; /* the cashier continues: types the transaction ID */

	pk_sale next;
	if (flow_edit(f, &next, err))
		return -1;
	if (f->sale.method == PK_METHOD_UPI) {
		/* Poll again for a while: a fresh deadline from now. */
		next.deadline = flow_wall(f) + f->settings.poll_timeout_s;
		if (flow_commit(f, &next, PK_SALE_AWAITING_PAYMENT, "re-check", err))
			return -1;
		upi_start_polling(f, 0);
		return upi_tick(f, err) < 0 ? PK_FLOW_RECORDED : 0;
	}
	/* Wavepay: the identical activation (same key1 + ctid) again. */
	pk_sale_clear(&next);
	return resend_activation(f, "re-check: same activation", err);
}

int pk_flow_list_open(pk_flow *f, pk_sale_list *out, pk_error *err)
{
	return pk_journal_list_states(f->journal, pk_state_mask(pk_state_is_listed), out, err);
}

int pk_flow_close_unpaid(pk_flow *f, int64_t sale_id, const char *who, const char *reason,
			 pk_error *err)
{
	if (in_progress(f))
		return pk_error_set(err, PK_ERR_STATE, _("Another sale is in progress"));
	pk_sale s;
	if (pk_journal_get(f->journal, sale_id, &s, err))
		return -1;
	if (!pk_state_is_listed(s.state)) {
		pk_sale_clear(&s);
		return pk_error_set(err, PK_ERR_STATE, _("This sale is already finished"));
	}
	recheck_forget(f, sale_id);
	char note[512];
	snprintf(note, sizeof note, "closed as not paid by %s: %s", who && *who ? who : "?",
		 reason && *reason ? reason : "-");
	pk_flow_close(f);
	flow_activate(f, &s);
	pk_sale next;
	if (flow_edit(f, &next, err) || flow_commit(f, &next, PK_SALE_CANCELLED, note, err))
		return -1;
	return 0;
}

void pk_flow_set_retries(pk_flow *f, int retries, int gap_ms)
{
	f->retries = retries > 0 ? retries : 0;
	f->retry_gap_ms = gap_ms > 0 ? gap_ms : 0;
}

/* The sale's request got no usable answer and may be sent again (the
 * identical one): the create, or the activation. */
static bool wants_resend(const pk_flow *f)
{
	pk_sale_state st = f->sale.state;
	return f->active && !f->req && f->last_error.kind != PK_OK &&
	       (st == PK_SALE_CREATING || st == PK_SALE_ACTIVATING || st == PK_SALE_UNKNOWN);
}

static void retry_tick(pk_flow *f)
{
	if (!wants_resend(f)) {
		f->retry_at_ms = 0;
		return;
	}
	if (f->retries_done >= f->retries)
		return;
	int64_t now = flow_mono(f);
	if (!f->retry_at_ms) {
		f->retry_at_ms = now + f->retry_gap_ms;
		return;
	}
	if (now < f->retry_at_ms)
		return;
	f->retry_at_ms = 0;
	f->retries_done++;
	pk_error err;
	pk_flow_retry(f, &err); /* how it went: last_error */
}

int pk_flow_tick(pk_flow *f, pk_error *err)
{
	recheck_tick(f);
	retry_tick(f);
	if (!f->active)
		return 0;
	if (f->sale.method == PK_METHOD_UPI)
		return upi_tick(f, err);
	return 0;
}

int pk_flow_timeout_ms(const pk_flow *f)
{
	if (f->retry_at_ms) {
		int64_t wait = f->retry_at_ms - flow_mono(f);
		return wait < 0 ? 0 : (int)(wait > 60000 ? 60000 : wait);
	}
	if (!f->active || !f->polling || f->req ||
	    f->sale.state != PK_SALE_AWAITING_PAYMENT)
		return -1;
	int64_t now = flow_mono(f);
	int64_t wait = f->next_poll_ms - now;
	if (f->sale.deadline > 0) {
		int64_t dl = ((int64_t)f->sale.deadline - (int64_t)flow_wall(f)) * 1000;
		if (dl < wait)
			wait = dl;
	}
	if (wait < 0)
		wait = 0;
	if (wait > 60000)
		wait = 60000;
	return (int)wait;
}

void pk_flow_view_get(const pk_flow *f, pk_flow_view *view)
{
	memset(view, 0, sizeof *view);
	view->sale = f->active ? &f->sale : NULL;
	view->busy = f->req != 0;
	view->next_poll_ms = -1;
	view->remaining_s = -1;
	if (f->active && f->sale.state == PK_SALE_AWAITING_PAYMENT) {
		if (f->polling && !f->req) {
			int64_t ms = f->next_poll_ms - flow_mono(f);
			view->next_poll_ms = ms < 0 ? 0 : ms;
		}
		if (f->sale.deadline > 0) {
			int64_t s = (int64_t)f->sale.deadline - (int64_t)flow_wall(f);
			view->remaining_s = s < 0 ? 0 : s;
		}
	}
	view->last_error = &f->last_error;
	view->gave_up = f->retries > 0 && f->retries_done >= f->retries && wants_resend(f);
	view->version = f->version;
}

static void settle_done(void *ud, const gw_result *res)
{
	pk_flow *f = ud;
	f->settle_req = 0;
	if (res->status == GW_ST_NONE || res->status == GW_ST_FAIL)
		flow_set_error(f, &res->err);
	/* The status poll picks the outcome up. */
}

int pk_flow_training_settle(pk_flow *f, bool paid, pk_error *err)
{
	if (!f->active || f->sale.method != PK_METHOD_UPI ||
	    f->sale.state != PK_SALE_AWAITING_PAYMENT)
		return pk_error_set(err, PK_ERR_STATE, _("No QR payment is waiting"));
	if (f->settle_req)
		return 0;
	f->settle_req = gw_sandbox_settle(f->gw, f->sale.order_id, paid ? "success" : "failed",
					  settle_done, f, err);
	return f->settle_req ? 0 : -1;
}
