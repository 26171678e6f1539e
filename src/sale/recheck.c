/* recheck.c - open sales are worked on.  In the background, at a gentle
 * rate, the kiosk asks again about each sale the state table marks for
 * re-checks (UPI: a status call; Wavepay: the identical activation, same
 * key1 and ctid, so a second credit is impossible): one request at a time,
 * one sale every `every_s` seconds in turn, until a person or the gateway
 * closes it, or it is older than `max_age_s` (then it stays listed for a
 * person, without automatic re-checks).  The sale being worked on in the
 * foreground is never touched here. */
#include "sale/flow_priv.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"

void pk_flow_set_recheck(pk_flow *f, int every_s, int max_age_s)
{
	f->bg.every_s = every_s > 0 ? every_s : 0;
	f->bg.max_age_s = max_age_s;
	f->bg.next_ms = flow_mono(f) + (int64_t)f->bg.every_s * 1000;
}

void recheck_forget(pk_flow *f, int64_t sale_id)
{
	if (f->bg.req && f->bg.sale_id == sale_id) {
		gw_cancel(f->gw, f->bg.req);
		f->bg.req = 0;
	}
}

/* The gateway answered about a sale nobody is looking at: record what the
 * decision table says, if it moves the sale. */
void recheck_done(void *ud, const gw_result *res)
{
	pk_flow *f = ud;
	int64_t id = f->bg.sale_id;
	f->bg.req = 0;
	if (f->active && f->sale.id == id)
		return; /* the foreground took it over meanwhile */
	pk_sale s;
	pk_error err;
	if (pk_journal_get(f->journal, id, &s, &err) < 0)
		return;
	if (!pk_state_rechecks(s.state)) {
		pk_sale_clear(&s); /* closed meanwhile */
		return;
	}
	pk_sale_state to = s.state;
	const char *note = NULL;
	if (s.method == PK_METHOD_UPI) {
		if (!upi_status_decides(res, &to, &note))
			to = s.state; /* processing, or no usable answer: still open */
	} else {
		to = wavepay_answer_state(res, &note);
		if (to == PK_SALE_PAID) {
			s.has_deposit_amount = res->has_deposit_amount;
			s.deposit_amount = res->has_deposit_amount ? res->deposit_amount : 0;
		}
	}
	if (to != s.state) {
		pk_sale_state from = s.state;
		char line[128];
		snprintf(line, sizeof line, "background re-check: %s", note);
		flow_note_message(&s, res);
		if (pk_journal_save(f->journal, &s, to, line, &err) == 0) {
			flow_tell_state(f, &s, from, line);
			flow_changed(f);
		}
	}
	pk_sale_clear(&s);
}

/* Ask about one sale now, in the background slot. */
static gw_req_id ask(pk_flow *f, const pk_sale *s, pk_error *err)
{
	f->bg.sale_id = s->id;
	f->bg.last_id = s->id;
	return s->method == PK_METHOD_UPI
		       ? gw_upi_status(f->gw, s->order_id, recheck_done, f, err)
		       : gw_wavepay_activate(f->gw, s->label, s->key1, s->amount, s->ctid, recheck_done, f,
					     err);
}

/* The sale to ask about next: the one after the last in id order (round
 * robin), among those the table re-checks, young enough, and not the
 * foreground's.  -1 when there is none. */
static ssize_t pick(const pk_flow *f, const pk_sale_list *list)
{
	ssize_t best = -1, first = -1;
	time_t oldest = flow_wall(f) - f->bg.max_age_s;
	for (size_t i = 0; i < list->count; i++) {
		const pk_sale *s = &list->items[i];
		if (f->active && f->sale.id == s->id)
			continue;
		if (f->bg.max_age_s > 0 && s->created_at < oldest)
			continue;
		if (s->method == PK_METHOD_UPI ? !s->order_id[0] : !s->key1[0])
			continue;
		if (first < 0 || s->id < list->items[first].id)
			first = (ssize_t)i;
		if (s->id > f->bg.last_id && (best < 0 || s->id < list->items[best].id))
			best = (ssize_t)i;
	}
	return best >= 0 ? best : first;
}

void recheck_tick(pk_flow *f)
{
	if (f->bg.every_s <= 0 || f->bg.req)
		return;
	int64_t now = flow_mono(f);
	if (now < f->bg.next_ms)
		return;
	f->bg.next_ms = now + (int64_t)f->bg.every_s * 1000;
	pk_sale_list list;
	pk_error err;
	if (pk_journal_list_states(f->journal, pk_state_mask(pk_state_rechecks), &list, &err) < 0)
		return;
	ssize_t i = pick(f, &list);
	if (i >= 0)
		f->bg.req = ask(f, &list.items[i], &err);
	pk_sale_list_free(&list);
}

int pk_flow_recheck_pass(pk_flow *f, int max_age_s, int timeout_ms, int *asked, pk_error *err)
{
	*asked = 0;
	if (f->bg.req)
		return pk_error_set(err, PK_ERR_STATE, _("Still waiting for the gateway"));
	pk_sale_list list;
	if (pk_journal_list_states(f->journal, pk_state_mask(pk_state_rechecks), &list, err) < 0)
		return -1;
	time_t oldest = flow_wall(f) - max_age_s;
	int ret = 0;
	for (size_t i = 0; i < list.count; i++) {
		const pk_sale *s = &list.items[i];
		if ((f->active && f->sale.id == s->id) || (max_age_s > 0 && s->created_at < oldest) ||
		    (s->method == PK_METHOD_UPI ? !s->order_id[0] : !s->key1[0]))
			continue;
		f->bg.req = ask(f, s, err);
		if (!f->bg.req) {
			ret = -1;
			continue;
		}
		(*asked)++;
		if (gw_run_blocking(f->gw, f->bg.req, timeout_ms, err) < 0)
			ret = -1; /* no answer: the sale stays as it was */
		f->bg.req = 0;
	}
	pk_sale_list_free(&list);
	return ret;
}
