/* test_byhub.c - a sale paid by a verified postback that the hub brings
 * (pk_flow_postback_paid), as the cashier and the journal see it: the sale
 * on screen turns Paid as for the gateway's own answer and stops asking;
 * an open sale in the list becomes paid; a final sale, a sale being set up,
 * another amount or currency, or an unknown ctid change nothing.  The hub
 * names the sale by its journal id: news about a Wavepay sale whose ID the
 * cashier corrected (a new ctid) still pays it.  And the status poll
 * period the hub stretches (pk_flow_set_poll_interval).
 * No network: the gateway is a closed loopback port, answers are crafted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "journal/journal.h"
#include "sale/flow_priv.h"

#define NOW 1790000000
#define LINK_OK "upi://pay?pa=shop@bank&pn=Shop&am=100.00&tr=X1"

typedef struct heard {
	int calls;
	pk_sale_state from, to;
	char note[256];
} heard;

typedef struct fx {
	pk_flowfx f;
	heard h;
} fx;

static void on_state(void *ud, const pk_sale *sale, pk_sale_state from, const char *note)
{
	heard *h = ud;
	h->calls++;
	h->from = from;
	h->to = sale->state;
	snprintf(h->note, sizeof h->note, "%s", note ? note : "");
}

static int setup(void **state)
{
	fx *x = calloc(1, sizeof *x);
	if (!x || pk_flowfx_open(&x->f, "byhub", NOW) || pk_flowfx_make_flow(&x->f))
		return -1;
	pk_flow_observer o = { on_state, NULL, &x->h };
	pk_flow_set_observer(x->f.flow, &o);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	pk_flowfx_close(&x->f);
	free(x);
	return 0;
}

/* A sale of method m walked through the states of path (ending where the
 * test wants it), with what each step needs; returns its id. */
static int64_t sale_at(fx *x, pk_method m, const pk_sale_state *path, size_t n)
{
	pk_sale s;
	pk_error err;
	pk_sale_init(&s);
	s.method = m;
	s.currency = m == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
	s.amount = m == PK_METHOD_UPI ? 10000 : 5000; /* 100.00 INR, 5,000 MMK */
	s.created_at = NOW;
	snprintf(s.label, sizeof s.label, "k");
	assert_int_equal(pk_ctid_make("k", NOW, 1, s.ctid, sizeof s.ctid), 0);
	assert_int_equal(pk_journal_insert(x->f.j, &s, &err), 0);
	for (size_t i = 0; i < n; i++) {
		if (path[i] == PK_SALE_AWAITING_PAYMENT) {
			snprintf(s.order_id, sizeof s.order_id, "ord1");
			free(s.qr_data);
			s.qr_data = strdup(LINK_OK);
			s.deadline = NOW + 60;
		}
		if (path[i] == PK_SALE_AWAITING_TXID)
			snprintf(s.identifier, sizeof s.identifier, "0977000111");
		if (path[i] == PK_SALE_ACTIVATING)
			snprintf(s.key1, sizeof s.key1, "1234567890");
		assert_int_equal(pk_journal_save(x->f.j, &s, path[i], "walk", &err), 0);
	}
	int64_t id = s.id;
	pk_sale_clear(&s);
	x->h.calls = 0;
	return id;
}
#define SALE_AT(x, m, ...) \
	sale_at(x, m, (const pk_sale_state[]){ __VA_ARGS__ }, \
		sizeof((const pk_sale_state[]){ __VA_ARGS__ }) / sizeof(pk_sale_state))

static void ctid_of(fx *x, int64_t id, char *buf, size_t len)
{
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(x->f.j, id, &s, &err), 0);
	snprintf(buf, len, "%s", s.ctid);
	pk_sale_clear(&s);
}

static size_t history_len(fx *x, int64_t id, char *last_note, size_t len)
{
	pk_history_entry *h;
	size_t n;
	pk_error err;
	assert_int_equal(pk_journal_history(x->f.j, id, &h, &n, &err), 0);
	if (last_note && n)
		snprintf(last_note, len, "%s", h[n - 1].note);
	free(h);
	return n;
}

/* The postback for sale id: what it did (the call itself must succeed). */
static pk_flow_pb postback(fx *x, int64_t id, int64_t amount, const char *currency)
{
	char ctid[PK_CTID_MAX + 1];
	ctid_of(x, id, ctid, sizeof ctid);
	pk_flow_pb what;
	pk_error err;
	assert_int_equal(pk_flow_postback_paid(x->f.flow, ctid, "UTR-449911", amount, currency,
					       &what, &err),
			 0);
	return what;
}

/* The UPI sale on screen: its QR shown, polling, a status request out. */
static int64_t upi_on_screen(fx *x)
{
	pk_error err;
	assert_int_equal(pk_flow_start_upi(x->f.flow, 10000, "k", PK_LANG_EN, &err), 0);
	/* the gateway's answer to the create, crafted */
	flow_drop_request(x->f.flow);
	gw_result res;
	gw_result_init(&res, GW_UPI_CREATE);
	res.status = GW_ST_OK;
	snprintf(res.order_id, sizeof res.order_id, "ord9");
	res.qr_data = strdup(LINK_OK);
	flow_done(x->f.flow, &res);
	gw_result_free(&res);
	pk_flow_view v;
	pk_flow_view_get(x->f.flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_AWAITING_PAYMENT);
	/* the next status request goes out */
	x->f.clk.mono_ms += 2000;
	assert_int_equal(pk_flow_tick(x->f.flow, &err), 0);
	pk_flow_view_get(x->f.flow, &v);
	assert_true(v.busy);
	x->h.calls = 0;
	return v.sale->id;
}

static void test_sale_on_screen_turns_paid(void **state)
{
	fx *x = *state;
	int64_t id = upi_on_screen(x);
	pk_flow_view before;
	pk_flow_view_get(x->f.flow, &before);

	assert_int_equal(postback(x, id, 10000, "INR"), PK_FLOW_PB_PAID);

	/* on disk first, with where the word came from */
	assert_int_equal(pk_journal_state_of(x->f.j, id), PK_SALE_PAID);
	char note[256];
	history_len(x, id, note, sizeof note);
	assert_string_equal(note, "postback UTR-449911");
	/* the screen's view: the same sale, Paid, nothing in flight, no more polls */
	pk_flow_view v;
	pk_flow_view_get(x->f.flow, &v);
	assert_non_null(v.sale);
	assert_int_equal(v.sale->id, id);
	assert_int_equal(v.sale->state, PK_SALE_PAID);
	assert_string_equal(pk_state_title(v.sale->state), "Paid");
	assert_true(v.version != before.version);
	assert_false(v.busy);
	assert_int_equal(v.last_error->kind, PK_OK);
	assert_int_equal(pk_flow_timeout_ms(x->f.flow), -1);
	x->f.clk.mono_ms += 60000;
	pk_error err;
	assert_int_equal(pk_flow_tick(x->f.flow, &err), 0);
	pk_flow_view_get(x->f.flow, &v);
	assert_false(v.busy);
	/* the log (the observer) hears it as any other payment */
	assert_int_equal(x->h.calls, 1);
	assert_int_equal(x->h.from, PK_SALE_AWAITING_PAYMENT);
	assert_int_equal(x->h.to, PK_SALE_PAID);
	assert_string_equal(x->h.note, "postback UTR-449911");
	/* and it may be left (result -> home) */
	pk_flow_close(x->f.flow);
	pk_flow_view_get(x->f.flow, &v);
	assert_null(v.sale);

	/* the same news again (a restart before news_after was stored): nothing */
	assert_int_equal(postback(x, id, 10000, "INR"), PK_FLOW_PB_ALREADY_PAID);
	assert_int_equal(x->h.calls, 1);
}

/* The cashier stopped waiting and the final check is out: the postback
 * decides first. */
static void test_sale_being_cancelled_turns_paid(void **state)
{
	fx *x = *state;
	pk_error err;
	int64_t id = upi_on_screen(x);
	assert_int_equal(pk_flow_cancel(x->f.flow, &err), 0);
	assert_int_equal(postback(x, id, 10000, "INR"), PK_FLOW_PB_PAID);
	pk_flow_view v;
	pk_flow_view_get(x->f.flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_PAID);
	assert_false(v.busy);
	assert_int_equal(pk_journal_state_of(x->f.j, id), PK_SALE_PAID);
}

/* Wavepay, activation in flight on screen: paid, credited the amount. */
static void test_wavepay_on_screen_credited(void **state)
{
	fx *x = *state;
	pk_error err;
	int64_t id = SALE_AT(x, PK_METHOD_WAVEPAY, PK_SALE_CREATING, PK_SALE_AWAITING_TXID);
	pk_sale s;
	assert_int_equal(pk_journal_get(x->f.j, id, &s, &err), 0);
	flow_activate(x->f.flow, &s);
	assert_int_equal(pk_flow_submit_key1(x->f.flow, "1234567890", &err), 0);
	pk_flow_view v;
	pk_flow_view_get(x->f.flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_ACTIVATING);
	assert_true(v.busy);

	assert_int_equal(postback(x, id, 5000, "MMK"), PK_FLOW_PB_PAID);
	pk_flow_view_get(x->f.flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_PAID);
	assert_false(v.busy);
	assert_true(v.sale->has_deposit_amount);
	assert_int_equal(v.sale->deposit_amount, 5000);
	assert_string_equal(v.sale->key1, "1234567890");
}

/* A sale under Open sales becomes paid while the cashier serves another
 * customer, whose sale goes on untouched. */
static void test_listed_sale_paid_meanwhile(void **state)
{
	fx *x = *state;
	int64_t listed = SALE_AT(x, PK_METHOD_WAVEPAY, PK_SALE_CREATING, PK_SALE_AWAITING_TXID,
				 PK_SALE_ACTIVATING, PK_SALE_NOT_FOUND);
	int64_t current = upi_on_screen(x);
	pk_flow_view before;
	pk_flow_view_get(x->f.flow, &before);

	assert_int_equal(postback(x, listed, 5000, "MMK"), PK_FLOW_PB_PAID);
	assert_int_equal(pk_journal_state_of(x->f.j, listed), PK_SALE_PAID);
	assert_int_equal(x->h.calls, 1);
	assert_int_equal(x->h.from, PK_SALE_NOT_FOUND);
	assert_int_equal(x->h.to, PK_SALE_PAID);
	/* the list changed: the screens redraw it */
	pk_flow_view v;
	pk_flow_view_get(x->f.flow, &v);
	assert_true(v.version != before.version);
	pk_sale_list open;
	pk_error err;
	assert_int_equal(pk_flow_list_open(x->f.flow, &open, &err), 0);
	for (size_t i = 0; i < open.count; i++)
		assert_true(open.items[i].id != listed);
	pk_sale_list_free(&open);
	/* the sale on screen goes on as it was */
	assert_int_equal(v.sale->id, current);
	assert_int_equal(v.sale->state, PK_SALE_AWAITING_PAYMENT);
	assert_true(v.busy);
}

/* Every open state of both methods becomes paid. */
static void test_every_open_state(void **state)
{
	fx *x = *state;
	const pk_method U = PK_METHOD_UPI, W = PK_METHOD_WAVEPAY;
	int64_t ids[] = {
		SALE_AT(x, U, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT),
		SALE_AT(x, U, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT, PK_SALE_UNCONFIRMED),
		SALE_AT(x, W, PK_SALE_CREATING, PK_SALE_AWAITING_TXID),
		SALE_AT(x, W, PK_SALE_CREATING, PK_SALE_AWAITING_TXID, PK_SALE_ACTIVATING),
		SALE_AT(x, W, PK_SALE_CREATING, PK_SALE_AWAITING_TXID, PK_SALE_ACTIVATING,
			PK_SALE_PENDING),
		SALE_AT(x, W, PK_SALE_CREATING, PK_SALE_AWAITING_TXID, PK_SALE_ACTIVATING,
			PK_SALE_REFUSED),
		SALE_AT(x, W, PK_SALE_CREATING, PK_SALE_AWAITING_TXID, PK_SALE_ACTIVATING,
			PK_SALE_UNKNOWN),
	};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		pk_sale_state was = pk_journal_state_of(x->f.j, ids[i]);
		assert_true(pk_state_is_open(was));
		bool upi = i < 2;
		assert_int_equal(postback(x, ids[i], upi ? 10000 : 5000, upi ? "INR" : "MMK"),
				 PK_FLOW_PB_PAID);
		assert_int_equal(pk_journal_state_of(x->f.j, ids[i]), PK_SALE_PAID);
	}
}

/* Decided sales stay decided; the hub reports the mismatch to a person. */
static void test_final_sales_unchanged(void **state)
{
	fx *x = *state;
	const pk_method U = PK_METHOD_UPI, W = PK_METHOD_WAVEPAY;
	struct {
		int64_t id;
		pk_flow_pb want;
	} c[] = {
		{ SALE_AT(x, U, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT, PK_SALE_FAILED),
		  PK_FLOW_PB_FINAL },
		{ SALE_AT(x, U, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT, PK_SALE_UNCONFIRMED,
			  PK_SALE_CANCELLED),
		  PK_FLOW_PB_FINAL },
		{ SALE_AT(x, U, PK_SALE_CREATING, PK_SALE_ABANDONED), PK_FLOW_PB_FINAL },
		{ SALE_AT(x, W, PK_SALE_CREATING, PK_SALE_AWAITING_TXID, PK_SALE_CANCELLED),
		  PK_FLOW_PB_FINAL },
		{ SALE_AT(x, U, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT, PK_SALE_PAID),
		  PK_FLOW_PB_ALREADY_PAID },
		/* being set up: no QR was shown, nothing could be paid */
		{ SALE_AT(x, U, PK_SALE_CREATING), PK_FLOW_PB_NOT_SHOWN },
		{ SALE_AT(x, W), PK_FLOW_PB_NOT_SHOWN },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		pk_sale_state was = pk_journal_state_of(x->f.j, c[i].id);
		size_t lines = history_len(x, c[i].id, NULL, 0);
		pk_sale s;
		pk_error err;
		assert_int_equal(pk_journal_get(x->f.j, c[i].id, &s, &err), 0);
		assert_int_equal(postback(x, c[i].id, s.amount, pk_currency_code(s.currency)),
				 c[i].want);
		pk_sale_clear(&s);
		assert_int_equal(pk_journal_state_of(x->f.j, c[i].id), was);
		assert_int_equal(history_len(x, c[i].id, NULL, 0), lines);
	}
	assert_int_equal(x->h.calls, 0);
}

/* Another amount or currency: the sale stays open for a person. */
static void test_other_amount_or_currency(void **state)
{
	fx *x = *state;
	int64_t id = SALE_AT(x, PK_METHOD_UPI, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT,
			     PK_SALE_UNCONFIRMED);
	assert_int_equal(postback(x, id, 10001, "INR"), PK_FLOW_PB_MISMATCH);
	assert_int_equal(postback(x, id, 9999, "INR"), PK_FLOW_PB_MISMATCH);
	assert_int_equal(postback(x, id, 10000, "MMK"), PK_FLOW_PB_MISMATCH);
	assert_int_equal(postback(x, id, 10000, "inr?"), PK_FLOW_PB_MISMATCH);
	assert_int_equal(postback(x, id, -1, ""), PK_FLOW_PB_MISMATCH);
	assert_int_equal(pk_journal_state_of(x->f.j, id), PK_SALE_UNCONFIRMED);
	assert_int_equal(x->h.calls, 0);
	/* the right amount still closes it */
	assert_int_equal(postback(x, id, 10000, "INR"), PK_FLOW_PB_PAID);
}

static void test_unknown_ctid(void **state)
{
	fx *x = *state;
	int64_t id = SALE_AT(x, PK_METHOD_UPI, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT);
	pk_flow_pb what;
	pk_error err;
	assert_int_equal(pk_flow_postback_paid(x->f.flow, "k-20290101000000-ffffffffffffffff",
					       "UTR1", 10000, "INR", &what, &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_UNKNOWN_SALE);
	assert_string_equal(pk_flow_pb_name(what), "unknown_sale");
	assert_int_equal(pk_journal_state_of(x->f.j, id), PK_SALE_AWAITING_PAYMENT);
}

/* The cashier corrected a refused Wavepay ID: the sale has a new ctid
 * (...-a2).  The hub's news names the sale by its journal id and may carry
 * the earlier ctid (the postback was for the first attempt, or the news
 * was written before the correction reached the hub): the right sale, the
 * one on screen, turns paid. */
static void test_news_by_sale_id_after_ctid_change(void **state)
{
	fx *x = *state;
	pk_error err;
	int64_t id = SALE_AT(x, PK_METHOD_WAVEPAY, PK_SALE_CREATING, PK_SALE_AWAITING_TXID,
			     PK_SALE_ACTIVATING, PK_SALE_REFUSED);
	char first[PK_CTID_MAX + 1], now[PK_CTID_MAX + 1];
	ctid_of(x, id, first, sizeof first);
	pk_sale s;
	assert_int_equal(pk_journal_get(x->f.j, id, &s, &err), 0);
	flow_activate(x->f.flow, &s);
	assert_int_equal(pk_flow_submit_key1(x->f.flow, "2234567890", &err), 0);
	ctid_of(x, id, now, sizeof now);
	assert_string_not_equal(now, first);
	assert_string_equal(now + strlen(now) - 3, "-a2");
	x->h.calls = 0;

	/* by the old ctid alone (what an older hub would send): no sale has it */
	pk_flow_pb what;
	assert_int_equal(pk_flow_postback_paid_sale(x->f.flow, 0, first, "UTR-1", 5000, "MMK",
						    &what, &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_UNKNOWN_SALE);
	assert_int_equal(pk_journal_state_of(x->f.j, id), PK_SALE_ACTIVATING);
	assert_int_equal(x->h.calls, 0);

	/* by its id: this sale, whatever ctid came with it */
	assert_int_equal(pk_flow_postback_paid_sale(x->f.flow, id, first, "UTR-1", 5000, "MMK",
						    &what, &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_PAID);
	assert_int_equal(pk_journal_state_of(x->f.j, id), PK_SALE_PAID);
	pk_flow_view v;
	pk_flow_view_get(x->f.flow, &v);
	assert_int_equal(v.sale->id, id);
	assert_int_equal(v.sale->state, PK_SALE_PAID);
	assert_false(v.busy);
	assert_string_equal(v.sale->ctid, now);
	assert_int_equal(x->h.calls, 1);
	/* the same news again: already paid, nothing more */
	assert_int_equal(pk_flow_postback_paid_sale(x->f.flow, id, now, "UTR-1", 5000, "MMK",
						    &what, &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_ALREADY_PAID);
	assert_int_equal(x->h.calls, 1);
}

/* The id decides over the ctid; an id this journal does not have falls
 * back to the ctid; the id still goes through the same checks. */
static void test_news_sale_id_rules(void **state)
{
	fx *x = *state;
	pk_error err;
	pk_flow_pb what;
	int64_t a = SALE_AT(x, PK_METHOD_UPI, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT,
			    PK_SALE_UNCONFIRMED);
	int64_t b = SALE_AT(x, PK_METHOD_UPI, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT,
			    PK_SALE_UNCONFIRMED);
	char ctid_a[PK_CTID_MAX + 1];
	ctid_of(x, a, ctid_a, sizeof ctid_a);
	/* id b with a's ctid: b is paid, a stays open */
	assert_int_equal(pk_flow_postback_paid_sale(x->f.flow, b, ctid_a, "UTR-2", 10000, "INR",
						    &what, &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_PAID);
	assert_int_equal(pk_journal_state_of(x->f.j, b), PK_SALE_PAID);
	assert_int_equal(pk_journal_state_of(x->f.j, a), PK_SALE_UNCONFIRMED);
	/* another amount by id: left open */
	assert_int_equal(pk_flow_postback_paid_sale(x->f.flow, a, "", "UTR-3", 9999, "INR", &what,
						    &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_MISMATCH);
	assert_int_equal(pk_journal_state_of(x->f.j, a), PK_SALE_UNCONFIRMED);
	/* an id not in this journal: found by its ctid */
	assert_int_equal(pk_flow_postback_paid_sale(x->f.flow, 999999, ctid_a, "UTR-3", 10000,
						    "INR", &what, &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_PAID);
	assert_int_equal(pk_journal_state_of(x->f.j, a), PK_SALE_PAID);
	/* neither known: nothing */
	assert_int_equal(pk_flow_postback_paid_sale(x->f.flow, 999999, "k-nope", "UTR-4", 10000,
						    "INR", &what, &err),
			 0);
	assert_int_equal(what, PK_FLOW_PB_UNKNOWN_SALE);
}

/* While the hub brings postbacks the status poll may be slower; when it
 * does not, the normal period comes back at once. */
static void test_poll_interval(void **state)
{
	fx *x = *state;
	pk_error err;
	upi_on_screen(x);
	/* the status answer: processing; the next poll in the set period */
	flow_drop_request(x->f.flow);
	gw_result res;
	gw_result_init(&res, GW_UPI_STATUS);
	res.status = GW_ST_PROCESSING;
	pk_flow_set_poll_interval(x->f.flow, 10);
	flow_done(x->f.flow, &res);
	assert_int_equal(pk_flow_timeout_ms(x->f.flow), 10000);
	x->f.clk.mono_ms += 5000;
	assert_int_equal(pk_flow_tick(x->f.flow, &err), 0);
	pk_flow_view v;
	pk_flow_view_get(x->f.flow, &v);
	assert_false(v.busy);
	assert_int_equal(v.next_poll_ms, 5000);
	/* the hub is gone: back to 2 s, the poll due 8 s from now comes sooner */
	pk_flow_set_poll_interval(x->f.flow, 2);
	assert_int_equal(pk_flow_timeout_ms(x->f.flow), 2000);
	x->f.clk.mono_ms += 2000;
	assert_int_equal(pk_flow_tick(x->f.flow, &err), 0);
	pk_flow_view_get(x->f.flow, &v);
	assert_true(v.busy);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sale_on_screen_turns_paid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sale_being_cancelled_turns_paid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wavepay_on_screen_credited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listed_sale_paid_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_open_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final_sales_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_amount_or_currency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_ctid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_news_by_sale_id_after_ctid_change, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_news_sale_id_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_interval, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
