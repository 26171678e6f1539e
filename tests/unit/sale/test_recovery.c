/* test_recovery.c - start-up recovery decisions from the journal alone.
 * The gateway is a closed loopback port: the cases here must not need an
 * answer (the ones that do are in tests/integration/test_flow.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "gateway/gateway.h"
#include "journal/journal.h"
#include "sale/flow.h"

#define NOW 1790000000

typedef pk_flowfx fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f || pk_flowfx_open(f, "recover", NOW))
		return -1;
	*state = f;
	return 0;
}

static void make_flow(fx *f)
{
	assert_int_equal(pk_flowfx_make_flow(f), 0);
}

static int teardown(void **state)
{
	pk_flowfx_close(*state);
	free(*state);
	return 0;
}

/* A sale left in `state` by a crash, created at `at`, UPI deadline `deadline`. */
static int64_t left_behind(fx *f, pk_method m, pk_sale_state st, time_t at, time_t deadline)
{
	pk_sale s;
	pk_error err;
	pk_sale_init(&s);
	s.method = m;
	s.currency = m == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
	s.amount = 10000;
	s.created_at = at;
	snprintf(s.label, sizeof s.label, "k");
	assert_int_equal(pk_ctid_make("k", at, 1, s.ctid, sizeof s.ctid), 0);
	assert_int_equal(pk_journal_insert(f->j, &s, &err), 0);
	if (st == PK_SALE_NEW)
		goto out;
	assert_int_equal(pk_journal_save(f->j, &s, PK_SALE_CREATING, NULL, &err), 0);
	if (st == PK_SALE_CREATING)
		goto out;
	if (m == PK_METHOD_UPI) {
		snprintf(s.order_id, sizeof s.order_id, "ord-%lld", (long long)s.id);
		s.qr_data = strdup("upi://pay?pa=x@y");
		s.deadline = deadline;
		assert_int_equal(pk_journal_save(f->j, &s, PK_SALE_AWAITING_PAYMENT, NULL, &err), 0);
	} else {
		snprintf(s.identifier, sizeof s.identifier, "123456789");
		assert_int_equal(pk_journal_save(f->j, &s, PK_SALE_AWAITING_TXID, NULL, &err), 0);
	}
out:;
	int64_t id = s.id;
	pk_sale_clear(&s);
	return id;
}

static void test_recovery_decisions(void **state)
{
	fx *f = *state;
	int64_t a = left_behind(f, PK_METHOD_UPI, PK_SALE_NEW, NOW - 500, 0);
	int64_t b = left_behind(f, PK_METHOD_UPI, PK_SALE_CREATING, NOW - 400, 0);
	int64_t c = left_behind(f, PK_METHOD_WAVEPAY, PK_SALE_CREATING, NOW - 300, 0);
	int64_t d = left_behind(f, PK_METHOD_UPI, PK_SALE_AWAITING_PAYMENT, NOW - 200, NOW - 1);
	int64_t e = left_behind(f, PK_METHOD_WAVEPAY, PK_SALE_AWAITING_TXID, NOW - 100, 0);
	int64_t g = left_behind(f, PK_METHOD_UPI, PK_SALE_AWAITING_PAYMENT, NOW - 60, NOW + 30);
	int64_t h = left_behind(f, PK_METHOD_UPI, PK_SALE_AWAITING_PAYMENT, NOW - 50, NOW + 40);
	make_flow(f);
	pk_recovery_report rep;
	pk_error err;
	assert_int_equal(pk_flow_recover(f->flow, &rep, &err), 0);
	assert_int_equal(rep.abandoned, 3);
	assert_int_equal(rep.unconfirmed, 2); /* d past deadline, g second in line */
	assert_int_equal(rep.resumed, 1);
	assert_int_equal(rep.reactivated, 0);
	assert_int_equal(pk_journal_state_of(f->j, a), PK_SALE_ABANDONED);
	assert_int_equal(pk_journal_state_of(f->j, b), PK_SALE_ABANDONED);
	assert_int_equal(pk_journal_state_of(f->j, c), PK_SALE_ABANDONED);
	assert_int_equal(pk_journal_state_of(f->j, d), PK_SALE_UNCONFIRMED);
	assert_int_equal(pk_journal_state_of(f->j, e), PK_SALE_AWAITING_TXID);
	assert_int_equal(pk_journal_state_of(f->j, g), PK_SALE_UNCONFIRMED);
	assert_int_equal(pk_journal_state_of(f->j, h), PK_SALE_AWAITING_PAYMENT);

	/* the newest awaiting sale is active and asks about its order at once */
	pk_flow_view v;
	pk_flow_view_get(f->flow, &v);
	assert_non_null(v.sale);
	assert_int_equal(v.sale->id, h);
	assert_true(v.busy);
	assert_int_equal(v.remaining_s, 40);

	/* a second recovery finds nothing more to do while polling runs */
	assert_int_equal(pk_flow_recover(f->flow, &rep, &err), -1);
	assert_int_equal(err.kind, PK_ERR_STATE);
}

static void test_recovery_nothing_to_do(void **state)
{
	fx *f = *state;
	int64_t e = left_behind(f, PK_METHOD_WAVEPAY, PK_SALE_AWAITING_TXID, NOW - 100, 0);
	make_flow(f);
	pk_recovery_report rep;
	pk_error err;
	assert_int_equal(pk_flow_recover(f->flow, &rep, &err), 0);
	assert_int_equal(rep.abandoned + rep.unconfirmed + rep.resumed + rep.reactivated, 0);
	/* the Wavepay sale killed at its ID screen comes back to it: same
	 * wallet, nothing sent (no second create) */
	assert_int_equal(rep.waiting_id, 1);
	pk_flow_view v;
	pk_flow_view_get(f->flow, &v);
	assert_non_null(v.sale);
	assert_int_equal(v.sale->id, e);
	assert_false(v.busy);
	assert_int_equal(pk_flow_timeout_ms(f->flow), -1);

	/* left for later, it is listed; the cashier continues it from there */
	pk_flow_close(f->flow);
	pk_flow_view_get(f->flow, &v);
	assert_null(v.sale);
	assert_int_equal(pk_flow_recheck(f->flow, e, &err), 0);
	pk_flow_view_get(f->flow, &v);
	assert_non_null(v.sale);
	assert_int_equal(v.sale->state, PK_SALE_AWAITING_TXID);
	assert_false(v.busy);
	assert_string_equal(v.sale->identifier, "123456789");
	/* a bad transaction ID is refused before anything is written */
	assert_int_equal(pk_flow_submit_key1(f->flow, "12a", &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(pk_flow_submit_key1(f->flow, "123456789012", &err), -1);
	assert_int_equal(pk_journal_state_of(f->j, e), PK_SALE_AWAITING_TXID);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recovery_decisions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recovery_nothing_to_do, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
