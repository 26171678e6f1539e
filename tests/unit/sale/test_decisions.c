/* test_decisions.c - the decision table of docs/STATES.md, walked pair by
 * pair: a sale in a state gets an answer (or a person's decision) and the
 * test reads back from the journal what was recorded and whether the sale
 * stays open.  The answers are crafted gw_results handed to the flow's own
 * answer handlers (flow_priv.h): no network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "journal/journal.h"
#include "sale/flow_priv.h"

#define NOW 1790000000
#define LINK_OK "upi://pay?pa=shop@bank&pn=Shop&am=100.00&tr=X1"

typedef pk_flowfx fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f || pk_flowfx_open(f, "decide", NOW) || pk_flowfx_make_flow(f))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	pk_flowfx_close(*state);
	free(*state);
	return 0;
}

/* A sale of method m recorded in state st, walked there along the
 * shortest path the transition table allows; returns its id. */
static int64_t sale_in(fx *f, pk_method m, pk_sale_state st)
{
	int prev[PK_SALE__COUNT];
	bool seen[PK_SALE__COUNT] = { false };
	int queue[PK_SALE__COUNT], head = 0, tail = 0;
	queue[tail++] = PK_SALE_NEW;
	seen[PK_SALE_NEW] = true;
	while (head < tail) {
		int from = queue[head++];
		for (int to = 0; to < PK_SALE__COUNT; to++) {
			if (!seen[to] && pk_state_can(m, (pk_sale_state)from, (pk_sale_state)to)) {
				seen[to] = true;
				prev[to] = from;
				queue[tail++] = to;
			}
		}
	}
	assert_true(seen[st]);
	pk_sale_state path[PK_SALE__COUNT];
	int n = 0;
	for (int x = st; x != PK_SALE_NEW; x = prev[x])
		path[n++] = (pk_sale_state)x;

	pk_sale s;
	pk_error err;
	pk_sale_init(&s);
	s.method = m;
	s.currency = m == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
	s.amount = m == PK_METHOD_UPI ? 10000 : 5000; /* 100.00 INR, 5,000 MMK */
	s.created_at = NOW;
	snprintf(s.label, sizeof s.label, "k");
	assert_int_equal(pk_ctid_make("k", NOW, 1, s.ctid, sizeof s.ctid), 0);
	assert_int_equal(pk_journal_insert(f->j, &s, &err), 0);
	while (n-- > 0) {
		if (path[n] == PK_SALE_AWAITING_PAYMENT) {
			snprintf(s.order_id, sizeof s.order_id, "ord1");
			s.qr_data = strdup(LINK_OK);
			s.deadline = NOW + 60;
		}
		if (path[n] == PK_SALE_AWAITING_TXID)
			snprintf(s.identifier, sizeof s.identifier, "0977000111");
		if (path[n] == PK_SALE_ACTIVATING)
			snprintf(s.key1, sizeof s.key1, "1234567890");
		assert_int_equal(pk_journal_save(f->j, &s, path[n], NULL, &err), 0);
	}
	int64_t id = s.id;
	pk_sale_clear(&s);
	return id;
}

/* Make sale id the flow's active one, as the screens would have it. */
static void activate(fx *f, int64_t id)
{
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(f->j, id, &s, &err), 0);
	pk_flow_close(f->flow);
	flow_activate(f->flow, &s);
}

typedef enum ev {
	EV_ANSWER,        /* the answer to the sale's own request */
	EV_CANCEL_ANSWER, /* UPI: the final check after the cashier cancelled */
	EV_CLOSE,         /* a person closes it as not paid */
	EV_BG,            /* the answer to a background re-check */
	EV_RESTART,       /* the kiosk starts again (recovery) */
	EV_POSTBACK,      /* the hub brings a verified postback: paid, the sale's amount */
	EV_POSTBACK_OTHER,/* ... paid, but another amount than the sale's */
} ev;

typedef struct row {
	const char *what;
	pk_method method;
	pk_sale_state from;
	ev event;
	gw_call call;
	gw_status status;
	const char *qr_data;   /* UPI create answers */
	pk_sale_state to;
	bool open;             /* pk_state_is_open(to) */
} row;

#define U PK_METHOD_UPI
#define W PK_METHOD_WAVEPAY
static const row rows[] = {
	{ "UPI create: link asks the sale's amount", U, PK_SALE_CREATING, EV_ANSWER, GW_UPI_CREATE, GW_ST_OK, LINK_OK, PK_SALE_AWAITING_PAYMENT, true },
	{ "UPI create: link asks another amount", U, PK_SALE_CREATING, EV_ANSWER, GW_UPI_CREATE, GW_ST_OK, "upi://pay?pa=shop@bank&am=999.00", PK_SALE_ABANDONED, false },
	{ "UPI create: link names no amount", U, PK_SALE_CREATING, EV_ANSWER, GW_UPI_CREATE, GW_ST_OK, "upi://pay?pa=shop@bank&pn=Shop", PK_SALE_ABANDONED, false },
	{ "UPI create: fail (2xx/4xx)", U, PK_SALE_CREATING, EV_ANSWER, GW_UPI_CREATE, GW_ST_FAIL, NULL, PK_SALE_FAILED, false },
	{ "UPI create: no usable answer", U, PK_SALE_CREATING, EV_ANSWER, GW_UPI_CREATE, GW_ST_NONE, NULL, PK_SALE_CREATING, false },
	{ "UPI status: success", U, PK_SALE_AWAITING_PAYMENT, EV_ANSWER, GW_UPI_STATUS, GW_ST_SUCCESS, NULL, PK_SALE_PAID, false },
	{ "UPI status: failed", U, PK_SALE_AWAITING_PAYMENT, EV_ANSWER, GW_UPI_STATUS, GW_ST_FAILED, NULL, PK_SALE_FAILED, false },
	{ "UPI status: processing", U, PK_SALE_AWAITING_PAYMENT, EV_ANSWER, GW_UPI_STATUS, GW_ST_PROCESSING, NULL, PK_SALE_AWAITING_PAYMENT, true },
	{ "UPI status: no answer", U, PK_SALE_AWAITING_PAYMENT, EV_ANSWER, GW_UPI_STATUS, GW_ST_NONE, NULL, PK_SALE_AWAITING_PAYMENT, true },
	{ "UPI status: fail", U, PK_SALE_AWAITING_PAYMENT, EV_ANSWER, GW_UPI_STATUS, GW_ST_FAIL, NULL, PK_SALE_AWAITING_PAYMENT, true },
	{ "UPI cancel, final check success", U, PK_SALE_AWAITING_PAYMENT, EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_SUCCESS, NULL, PK_SALE_PAID, false },
	{ "UPI cancel, final check failed", U, PK_SALE_AWAITING_PAYMENT, EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_FAILED, NULL, PK_SALE_FAILED, false },
	{ "UPI cancel, final check processing", U, PK_SALE_AWAITING_PAYMENT, EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_PROCESSING, NULL, PK_SALE_UNCONFIRMED, true },
	{ "UPI cancel, final check no answer", U, PK_SALE_AWAITING_PAYMENT, EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_NONE, NULL, PK_SALE_UNCONFIRMED, true },
	{ "UPI cancel, final check fail", U, PK_SALE_AWAITING_PAYMENT, EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_FAIL, NULL, PK_SALE_UNCONFIRMED, true },
	{ "UPI unconfirmed: a person closes it", U, PK_SALE_UNCONFIRMED, EV_CLOSE, 0, 0, NULL, PK_SALE_CANCELLED, false },
	{ "Wavepay create: wallet", W, PK_SALE_CREATING, EV_ANSWER, GW_WAVEPAY_CREATE, GW_ST_OK, NULL, PK_SALE_AWAITING_TXID, true },
	{ "Wavepay create: fail", W, PK_SALE_CREATING, EV_ANSWER, GW_WAVEPAY_CREATE, GW_ST_FAIL, NULL, PK_SALE_FAILED, false },
	{ "Wavepay create: no usable answer", W, PK_SALE_CREATING, EV_ANSWER, GW_WAVEPAY_CREATE, GW_ST_NONE, NULL, PK_SALE_CREATING, false },
	{ "Wavepay activate: ok with a deposit", W, PK_SALE_ACTIVATING, EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_OK, NULL, PK_SALE_PAID, false },
	{ "Wavepay activate: pending", W, PK_SALE_ACTIVATING, EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_PENDING, NULL, PK_SALE_PENDING, true },
	{ "Wavepay activate: possible_transaction_created", W, PK_SALE_ACTIVATING, EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_POSSIBLE_TX, NULL, PK_SALE_NOT_FOUND, true },
	{ "Wavepay activate: fail (also to a re-send)", W, PK_SALE_ACTIVATING, EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_FAIL, NULL, PK_SALE_REFUSED, true },
	{ "Wavepay activate: no or unusable answer", W, PK_SALE_ACTIVATING, EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_NONE, NULL, PK_SALE_UNKNOWN, true },
	{ "Wavepay awaiting ID: a person closes it", W, PK_SALE_AWAITING_TXID, EV_CLOSE, 0, 0, NULL, PK_SALE_CANCELLED, false },
	{ "Wavepay pending: a person closes it", W, PK_SALE_PENDING, EV_CLOSE, 0, 0, NULL, PK_SALE_CANCELLED, false },
	{ "Wavepay not found: a person closes it", W, PK_SALE_NOT_FOUND, EV_CLOSE, 0, 0, NULL, PK_SALE_CANCELLED, false },
	{ "Wavepay refused: a person closes it", W, PK_SALE_REFUSED, EV_CLOSE, 0, 0, NULL, PK_SALE_CANCELLED, false },
	{ "Wavepay not known: a person closes it", W, PK_SALE_UNKNOWN, EV_CLOSE, 0, 0, NULL, PK_SALE_CANCELLED, false },
};

static void test_decision_table(void **state)
{
	fx *f = *state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const row *r = &rows[i];
		print_message("  %s\n", r->what);
		int64_t id = sale_in(f, r->method, r->from);
		pk_error err;
		if (r->event == EV_CLOSE) {
			pk_flow_close(f->flow);
			assert_int_equal(pk_flow_close_unpaid(f->flow, id, "the cashier at k",
							      "the customer did not pay", &err), 0);
		} else {
			activate(f, id);
			if (r->call == GW_UPI_STATUS)
				f->flow->polling = true;
			if (r->event == EV_CANCEL_ANSWER) {
				f->flow->polling = false;
				f->flow->cancelling = true;
			}
			gw_result res;
			gw_result_init(&res, r->call);
			res.status = r->status;
			if (r->status == GW_ST_NONE)
				pk_error_set(&res.err, PK_ERR_TIMEOUT, "no answer");
			if (r->status == GW_ST_FAIL)
				pk_error_set(&res.err, PK_ERR_GATEWAY_FAIL, "refused");
			if (r->call == GW_UPI_CREATE && r->status == GW_ST_OK) {
				snprintf(res.order_id, sizeof res.order_id, "ord2");
				res.qr_data = strdup(r->qr_data);
			}
			if (r->call == GW_WAVEPAY_CREATE && r->status == GW_ST_OK)
				snprintf(res.identifier, sizeof res.identifier, "0977000111");
			if (r->call == GW_WAVEPAY_ACTIVATE && r->status == GW_ST_OK) {
				res.has_deposit_amount = true;
				res.deposit_amount = 5000;
			}
			flow_done(f->flow, &res);
			gw_result_free(&res);
		}
		pk_sale_state got = pk_journal_state_of(f->j, id);
		if (got != r->to)
			fail_msg("%s: recorded %s, the table says %s", r->what, pk_state_name(got),
				 pk_state_name(r->to));
		assert_int_equal(pk_state_is_open(got), r->open);
		/* what is not decided stays where a person sees it */
		if (pk_state_is_open(got) && !pk_state_in_progress(got))
			assert_true(pk_state_is_listed(got));
	}
}

static const char LINK_999[] = "upi://pay?pa=shop@bank&am=999.00";
static const char LINK_NONE[] = "upi://pay?pa=shop@bank&pn=Shop";

/* Background re-checks and restarts, written out (not derived from the
 * code's flags): what each does to each state. */
static const row more_rows[] = {
	{ "UPI re-check: success", U, PK_SALE_UNCONFIRMED, EV_BG, GW_UPI_STATUS, GW_ST_SUCCESS, NULL, PK_SALE_PAID, false },
	{ "UPI re-check: failed", U, PK_SALE_UNCONFIRMED, EV_BG, GW_UPI_STATUS, GW_ST_FAILED, NULL, PK_SALE_FAILED, false },
	{ "UPI re-check: processing", U, PK_SALE_UNCONFIRMED, EV_BG, GW_UPI_STATUS, GW_ST_PROCESSING, NULL, PK_SALE_UNCONFIRMED, true },
	{ "UPI re-check: no answer", U, PK_SALE_UNCONFIRMED, EV_BG, GW_UPI_STATUS, GW_ST_NONE, NULL, PK_SALE_UNCONFIRMED, true },
	{ "UPI re-check: fail", U, PK_SALE_UNCONFIRMED, EV_BG, GW_UPI_STATUS, GW_ST_FAIL, NULL, PK_SALE_UNCONFIRMED, true },
	{ "UPI restart: new", U, PK_SALE_NEW, EV_RESTART, 0, 0, NULL, PK_SALE_ABANDONED, false },
	{ "UPI restart: creating", U, PK_SALE_CREATING, EV_RESTART, 0, 0, NULL, PK_SALE_ABANDONED, false },
	{ "Wavepay restart: new", W, PK_SALE_NEW, EV_RESTART, 0, 0, NULL, PK_SALE_ABANDONED, false },
	{ "Wavepay restart: creating", W, PK_SALE_CREATING, EV_RESTART, 0, 0, NULL, PK_SALE_ABANDONED, false },
};
/* Wavepay's open states re-checked in the background: the identical
 * activation, so its answer lands as an activation's does (rows above). */
static const pk_sale_state wave_rechecked[] = { PK_SALE_PENDING, PK_SALE_NOT_FOUND,
						 PK_SALE_REFUSED, PK_SALE_UNKNOWN };
/* What a verified postback (through the hub) makes paid: the open states. */
static const struct {
	pk_method m;
	pk_sale_state s;
} paid_by_postback[] = {
	{ U, PK_SALE_AWAITING_PAYMENT }, { U, PK_SALE_UNCONFIRMED }, { W, PK_SALE_AWAITING_TXID },
	{ W, PK_SALE_ACTIVATING },       { W, PK_SALE_PENDING },     { W, PK_SALE_NOT_FOUND },
	{ W, PK_SALE_REFUSED },          { W, PK_SALE_UNKNOWN },
};
/* What a person may close as not paid. */
static const struct {
	pk_method m;
	pk_sale_state s;
} closable[] = { { U, PK_SALE_UNCONFIRMED }, { W, PK_SALE_AWAITING_TXID }, { W, PK_SALE_PENDING },
		 { W, PK_SALE_NOT_FOUND },    { W, PK_SALE_REFUSED },       { W, PK_SALE_UNKNOWN } };

typedef struct event {
	ev kind;
	gw_call call;
	gw_status status;
	const char *qr;
} event;

static const event upi_events[] = {
	{ EV_ANSWER, GW_UPI_CREATE, GW_ST_OK, LINK_OK }, { EV_ANSWER, GW_UPI_CREATE, GW_ST_OK, LINK_999 },
	{ EV_ANSWER, GW_UPI_CREATE, GW_ST_OK, LINK_NONE }, { EV_ANSWER, GW_UPI_CREATE, GW_ST_FAIL, NULL },
	{ EV_ANSWER, GW_UPI_CREATE, GW_ST_NONE, NULL },
	{ EV_ANSWER, GW_UPI_STATUS, GW_ST_SUCCESS, NULL }, { EV_ANSWER, GW_UPI_STATUS, GW_ST_FAILED, NULL },
	{ EV_ANSWER, GW_UPI_STATUS, GW_ST_PROCESSING, NULL }, { EV_ANSWER, GW_UPI_STATUS, GW_ST_NONE, NULL },
	{ EV_ANSWER, GW_UPI_STATUS, GW_ST_FAIL, NULL },
	{ EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_SUCCESS, NULL }, { EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_FAILED, NULL },
	{ EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_PROCESSING, NULL }, { EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_NONE, NULL },
	{ EV_CANCEL_ANSWER, GW_UPI_STATUS, GW_ST_FAIL, NULL },
	{ EV_BG, GW_UPI_STATUS, GW_ST_SUCCESS, NULL }, { EV_BG, GW_UPI_STATUS, GW_ST_FAILED, NULL },
	{ EV_BG, GW_UPI_STATUS, GW_ST_PROCESSING, NULL }, { EV_BG, GW_UPI_STATUS, GW_ST_NONE, NULL },
	{ EV_BG, GW_UPI_STATUS, GW_ST_FAIL, NULL },
	{ EV_CLOSE, 0, 0, NULL }, { EV_RESTART, 0, 0, NULL },
	{ EV_POSTBACK, 0, 0, NULL }, { EV_POSTBACK_OTHER, 0, 0, NULL },
};
static const event wave_events[] = {
	{ EV_ANSWER, GW_WAVEPAY_CREATE, GW_ST_OK, NULL }, { EV_ANSWER, GW_WAVEPAY_CREATE, GW_ST_FAIL, NULL },
	{ EV_ANSWER, GW_WAVEPAY_CREATE, GW_ST_NONE, NULL },
	{ EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_OK, NULL }, { EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_PENDING, NULL },
	{ EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_POSSIBLE_TX, NULL }, { EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_FAIL, NULL },
	{ EV_ANSWER, GW_WAVEPAY_ACTIVATE, GW_ST_NONE, NULL },
	{ EV_BG, GW_WAVEPAY_ACTIVATE, GW_ST_OK, NULL }, { EV_BG, GW_WAVEPAY_ACTIVATE, GW_ST_PENDING, NULL },
	{ EV_BG, GW_WAVEPAY_ACTIVATE, GW_ST_POSSIBLE_TX, NULL }, { EV_BG, GW_WAVEPAY_ACTIVATE, GW_ST_FAIL, NULL },
	{ EV_BG, GW_WAVEPAY_ACTIVATE, GW_ST_NONE, NULL },
	{ EV_CLOSE, 0, 0, NULL }, { EV_RESTART, 0, 0, NULL },
	{ EV_POSTBACK, 0, 0, NULL }, { EV_POSTBACK_OTHER, 0, 0, NULL },
};

static bool same_qr(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const row *find_row(const row *t, size_t n, pk_method m, pk_sale_state from,
			   const event *e)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].method == m && t[i].from == from && t[i].event == e->kind &&
		    t[i].call == e->call && t[i].status == e->status && same_qr(t[i].qr_data, e->qr))
			return &t[i];
	return NULL;
}

/* What the decision table says the event does to a sale in `from`. */
static pk_sale_state expected(pk_method m, pk_sale_state from, const event *e)
{
	const row *r = find_row(rows, sizeof rows / sizeof rows[0], m, from, e);
	if (!r)
		r = find_row(more_rows, sizeof more_rows / sizeof more_rows[0], m, from, e);
	if (r)
		return r->to;
	if (e->kind == EV_BG && m == W) {
		for (size_t i = 0; i < sizeof wave_rechecked / sizeof wave_rechecked[0]; i++) {
			if (wave_rechecked[i] != from)
				continue;
			event as_answer = { EV_ANSWER, e->call, e->status, NULL };
			return find_row(rows, sizeof rows / sizeof rows[0], W, PK_SALE_ACTIVATING,
					&as_answer)->to;
		}
	}
	if (e->kind == EV_CLOSE)
		for (size_t i = 0; i < sizeof closable / sizeof closable[0]; i++)
			if (closable[i].m == m && closable[i].s == from)
				return PK_SALE_CANCELLED;
	if (e->kind == EV_POSTBACK)
		for (size_t i = 0; i < sizeof paid_by_postback / sizeof paid_by_postback[0]; i++)
			if (paid_by_postback[i].m == m && paid_by_postback[i].s == from)
				return PK_SALE_PAID;
	return from; /* the event does not apply: nothing changes */
}

static gw_result answer(const event *e)
{
	gw_result res;
	gw_result_init(&res, e->call);
	res.status = e->status;
	if (e->status == GW_ST_NONE)
		pk_error_set(&res.err, PK_ERR_TIMEOUT, "no answer");
	if (e->status == GW_ST_FAIL)
		pk_error_set(&res.err, PK_ERR_GATEWAY_FAIL, "refused");
	if (e->call == GW_UPI_CREATE && e->status == GW_ST_OK) {
		snprintf(res.order_id, sizeof res.order_id, "ord2");
		res.qr_data = strdup(e->qr);
	}
	if (e->call == GW_WAVEPAY_CREATE && e->status == GW_ST_OK)
		snprintf(res.identifier, sizeof res.identifier, "0977000111");
	if (e->call == GW_WAVEPAY_ACTIVATE && e->status == GW_ST_OK) {
		res.has_deposit_amount = true;
		res.deposit_amount = 5000;
	}
	return res;
}

/* No sale in the foreground, nothing in flight. */
static void idle(fx *f)
{
	flow_drop_request(f->flow);
	f->flow->active = false;
	f->flow->polling = f->flow->cancelling = false;
	pk_sale_clear(&f->flow->sale);
}

/* The event happens to sale id; returns what the journal then says. */
static pk_sale_state happen(fx *f, int64_t id, const event *e)
{
	pk_error err;
	gw_result res;
	switch (e->kind) {
	case EV_CLOSE:
		idle(f);
		pk_flow_close_unpaid(f->flow, id, "the cashier at k", "the customer did not pay", &err);
		break;
	case EV_BG:
		idle(f);
		f->flow->bg.sale_id = id;
		res = answer(e);
		recheck_done(f->flow, &res);
		gw_result_free(&res);
		break;
	case EV_POSTBACK:
	case EV_POSTBACK_OTHER: {
		pk_sale s;
		pk_flow_pb what;
		idle(f);
		assert_int_equal(pk_journal_get(f->j, id, &s, &err), 0);
		int64_t amount = s.amount + (e->kind == EV_POSTBACK_OTHER ? 100 : 0);
		assert_int_equal(pk_flow_postback_paid(f->flow, s.ctid, "UTR1", amount,
						       pk_currency_code(s.currency), &what, &err),
				 0);
		pk_sale_clear(&s);
		break;
	}
	case EV_RESTART: {
		/* a kiosk starting on this journal: a flow of its own */
		pk_flow *again;
		pk_clock clk = pk_fakeclock_clock(&f->clk);
		pk_flow_settings set = { 2, 60 };
		pk_recovery_report rep;
		idle(f);
		assert_int_equal(pk_flow_new(&again, f->j, f->gw, &set, &clk, &err), 0);
		pk_flow_recover(again, &rep, &err);
		pk_flow_free(again);
		break;
	}
	default:
		idle(f);
		activate(f, id);
		f->flow->polling = e->kind == EV_ANSWER && e->call == GW_UPI_STATUS;
		f->flow->cancelling = e->kind == EV_CANCEL_ANSWER;
		res = answer(e);
		flow_done(f->flow, &res);
		gw_result_free(&res);
		break;
	}
	pk_sale_state got = pk_journal_state_of(f->j, id);
	idle(f);
	return got;
}

/* Every (state x answer / event) pair of both methods: what the journal
 * records and whether the sale stays open.  Pairs the table does not name
 * must change nothing.  A restart acts on every sale in the journal, so
 * each pair gets a journal of its own. */
static void test_every_pair(void **state)
{
	(void)state;
	int pairs = 0;
	for (int m = 0; m < PK_METHOD__COUNT; m++) {
		const event *evs = m == U ? upi_events : wave_events;
		size_t nev = m == U ? sizeof upi_events / sizeof upi_events[0]
				    : sizeof wave_events / sizeof wave_events[0];
		for (int st = 0; st < PK_SALE__COUNT; st++) {
			for (size_t k = 0; k < nev; k++) {
				void *fxs;
				assert_int_equal(setup(&fxs), 0);
				fx *f = fxs;
				/* states the method never reaches are skipped */
				bool reachable = st == PK_SALE_NEW;
				for (int from = 0; from < PK_SALE__COUNT && !reachable; from++)
					reachable = from != st && pk_state_can((pk_method)m,
									(pk_sale_state)from,
									(pk_sale_state)st);
				if (reachable) {
					int64_t id = sale_in(f, (pk_method)m, (pk_sale_state)st);
					pk_sale_state want = expected((pk_method)m, (pk_sale_state)st, &evs[k]);
					pk_sale_state got = happen(f, id, &evs[k]);
					if (got != want)
						fail_msg("%s in %s, event %d (call %d, answer %d): recorded %s, the table says %s",
							 m == U ? "UPI" : "Wavepay", pk_state_name((pk_sale_state)st),
							 evs[k].kind, evs[k].call, evs[k].status,
							 pk_state_name(got), pk_state_name(want));
					assert_int_equal(pk_state_is_open(got), pk_state_is_open(want));
					pairs++;
				}
				teardown(&fxs);
			}
		}
	}
	print_message("  %d pairs\n", pairs);
	assert_true(pairs > 300);
}

/* The flags every rule derives from hang together. */
static void test_table_consistent(void **state)
{
	(void)state;
	for (int i = 0; i < PK_SALE__COUNT; i++) {
		pk_sale_state s = (pk_sale_state)i;
		/* final, open or being set up: exactly one */
		int kinds = pk_state_is_final(s) + pk_state_is_open(s) +
			    (pk_state_outcome(s) == PK_OUTCOME_NONE);
		assert_int_equal(kinds, 1);
		if (pk_state_is_listed(s))
			assert_true(pk_state_is_open(s));
		if (pk_state_rechecks(s))
			assert_true(pk_state_is_listed(s));
		if (pk_state_is_final(s)) {
			assert_int_equal(pk_state_restart(s), PK_RESTART_NONE);
			for (int m = 0; m < PK_METHOD__COUNT; m++)
				for (int t = 0; t < PK_SALE__COUNT; t++)
					if (t != i)
						assert_false(pk_state_can((pk_method)m, s, (pk_sale_state)t));
		}
		/* every open state survives a restart: resumed or listed */
		if (pk_state_is_open(s))
			assert_true(pk_state_is_listed(s) || pk_state_restart(s) != PK_RESTART_NONE);
		pk_sale_state back;
		assert_int_equal(pk_state_parse(pk_state_name(s), &back), 0);
		assert_int_equal(back, s);
	}
}

/* docs/STATES.md's state table says what the code's table says. */
static void test_states_doc(void **state)
{
	(void)state;
	const char *src = getenv("PK_SOURCE_DIR");
	assert_non_null(src);
	char path[512];
	snprintf(path, sizeof path, "%s/docs/STATES.md", src);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	static const char *const restarts[] = { "none", "abandon", "poll", "resend", "id" };
	char line[512];
	int seen = 0;
	while (fgets(line, sizeof line, fp)) {
		char name[64], outcome[64], listed[8], recheck[8], restart[16], postback[8];
		if (sscanf(line, "| %63[a-z_] | %63[a-z_] | %7[a-z] | %7[a-z] | %15[a-z] | %7[a-z] |",
			   name, outcome, listed, recheck, restart, postback) != 6)
			continue;
		pk_sale_state st;
		if (pk_state_parse(name, &st) < 0)
			continue; /* another table's row */
		print_message("  %s\n", name);
		assert_string_equal(outcome, pk_outcome_name(pk_state_outcome(st)));
		assert_string_equal(listed, pk_state_is_listed(st) ? "yes" : "no");
		assert_string_equal(recheck, pk_state_rechecks(st) ? "yes" : "no");
		assert_string_equal(restart, restarts[pk_state_restart(st)]);
		/* paid by postback: what the transition table allows, for the
		 * methods that reach the state */
		bool allowed = false;
		for (int m = 0; m < PK_METHOD__COUNT; m++)
			allowed |= st != PK_SALE_PAID && pk_state_can((pk_method)m, st, PK_SALE_PAID);
		assert_string_equal(postback, allowed ? "yes" : "no");
		seen++;
	}
	fclose(fp);
	assert_int_equal(seen, PK_SALE__COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decision_table, setup, teardown),
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_states_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
