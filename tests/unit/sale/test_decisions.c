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

typedef struct fx {
	pk_tmpjournal t;
	pk_journal *j;
	gw_client *gw;
	pk_flow *flow;
	pk_fakeclock clk;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f || pk_tmpjournal_open(&f->t, "decide"))
		return -1;
	f->j = f->t.j;
	pk_error err;
	gw_options o = { 0 };
	o.api_url = "http://127.0.0.1:1"; /* nothing listens: nothing is answered */
	o.secret = "s";
	if (gw_client_new(&f->gw, &o, &err))
		return -1;
	f->clk.wall_base = NOW;
	pk_clock clk = pk_fakeclock_clock(&f->clk);
	pk_flow_settings set = { 2, 60 };
	if (pk_flow_new(&f->flow, f->j, f->gw, &set, &clk, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	pk_flow_free(f->flow);
	gw_client_free(f->gw);
	pk_tmpjournal_close(&f->t);
	free(f);
	return 0;
}

/* The path the journal accepts to reach each state. */
static const pk_sale_state path_upi[] = { PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT,
					  PK_SALE_UNCONFIRMED };
static const pk_sale_state path_wave[] = { PK_SALE_CREATING, PK_SALE_AWAITING_TXID,
					   PK_SALE_ACTIVATING };

/* A sale of method m recorded in state st; returns its id. */
static int64_t sale_in(fx *f, pk_method m, pk_sale_state st)
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
	assert_int_equal(pk_journal_insert(f->j, &s, &err), 0);
	const pk_sale_state *path = m == PK_METHOD_UPI ? path_upi : path_wave;
	for (int i = 0; i < 3 && s.state != st; i++) {
		if (path[i] == PK_SALE_AWAITING_PAYMENT) {
			snprintf(s.order_id, sizeof s.order_id, "ord1");
			s.qr_data = strdup(LINK_OK);
		}
		if (path[i] == PK_SALE_AWAITING_TXID)
			snprintf(s.identifier, sizeof s.identifier, "0977000111");
		if (path[i] == PK_SALE_ACTIVATING)
			snprintf(s.key1, sizeof s.key1, "1234567890");
		assert_int_equal(pk_journal_save(f->j, &s, path[i], NULL, &err), 0);
	}
	/* the Wavepay open answers: one more step from activating */
	if (s.state != st)
		assert_int_equal(pk_journal_save(f->j, &s, st, NULL, &err), 0);
	int64_t id = s.id;
	pk_sale_clear(&s);
	return id;
}

static pk_sale_state recorded(fx *f, int64_t id)
{
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(f->j, id, &s, &err), 0);
	pk_sale_state st = s.state;
	pk_sale_clear(&s);
	return st;
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

typedef enum ev { EV_ANSWER, EV_CANCEL_ANSWER, EV_CLOSE } ev;

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
		pk_sale_state got = recorded(f, id);
		if (got != r->to)
			fail_msg("%s: recorded %s, the table says %s", r->what, pk_state_name(got),
				 pk_state_name(r->to));
		assert_int_equal(pk_state_is_open(got), r->open);
		/* what is not decided stays where a person sees it */
		if (pk_state_is_open(got) && !pk_state_in_progress(got))
			assert_true(pk_state_is_listed(got));
	}
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
		char name[64], outcome[64], listed[8], recheck[8], restart[16];
		if (sscanf(line, "| %63[a-z_] | %63[a-z_] | %7[a-z] | %7[a-z] | %15[a-z] |", name,
			   outcome, listed, recheck, restart) != 5)
			continue;
		pk_sale_state st;
		if (pk_state_parse(name, &st) < 0)
			continue; /* another table's row */
		print_message("  %s\n", name);
		assert_string_equal(outcome, pk_outcome_name(pk_state_outcome(st)));
		assert_string_equal(listed, pk_state_is_listed(st) ? "yes" : "no");
		assert_string_equal(recheck, pk_state_rechecks(st) ? "yes" : "no");
		assert_string_equal(restart, restarts[pk_state_restart(st)]);
		seen++;
	}
	fclose(fp);
	assert_int_equal(seen, PK_SALE__COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decision_table, setup, teardown),
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_states_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
