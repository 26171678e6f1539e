/* test_flow.c - the sale controller against the real sandbox over loopback,
 * with the real gateway client and journal, and a clock the test moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/gateway.h"
#include "journal/journal.h"
#include "sale/flow.h"
#include "fixtures.h"
#include "sandbox_proc.h"

#define INTERVAL_S 2
#define TIMEOUT_S 10
#define BASE_WALL 1790000000

typedef struct ctx {
	pk_test_sandbox sb;
	pk_tmpjournal t;
	pk_journal *j;
	gw_client *gw;
	pk_flow *flow;
	pk_fakeclock clk;
	pk_clock clock;
} ctx;

static void open_flow(ctx *c)
{
	pk_error err;
	gw_options o = { 0 };
	o.api_url = c->sb.url;
	o.secret = c->sb.secret;
	o.connect_timeout_ms = 2000;
	o.total_timeout_ms = 5000;
	if (gw_client_new(&c->gw, &o, &err))
		fail_msg("gw_client_new: %s", err.msg);
	pk_flow_settings set = { INTERVAL_S, TIMEOUT_S };
	if (pk_flow_new(&c->flow, c->j, c->gw, &set, &c->clock, &err))
		fail_msg("pk_flow_new: %s", err.msg);
}

static void close_flow(ctx *c)
{
	pk_flow_free(c->flow);
	c->flow = NULL;
	gw_client_free(c->gw);
	c->gw = NULL;
}

static int setup(void **state)
{
	ctx *c = calloc(1, sizeof *c);
	if (pk_test_sandbox_start(&c->sb, NULL))
		return -1;
	if (pk_tmpjournal_open(&c->t, "flow"))
		return -1;
	c->j = c->t.j;
	c->clk.wall_base = BASE_WALL;
	c->clock = pk_fakeclock_clock(&c->clk);
	c->clk.mono_ms = 1000000;
	open_flow(c);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	ctx *c = *state;
	close_flow(c);
	pk_tmpjournal_close(&c->t);
	pk_test_sandbox_stop(&c->sb);
	free(c);
	return 0;
}

static const pk_sale *cur(ctx *c)
{
	pk_flow_view v;
	pk_flow_view_get(c->flow, &v);
	return v.sale;
}

static bool busy(ctx *c)
{
	pk_flow_view v;
	pk_flow_view_get(c->flow, &v);
	return v.busy;
}

/* Run the loop (real time) until no request is in flight. */
static void pump(ctx *c)
{
	pk_error err;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (gw_client_process(c->gw, &err))
			fail_msg("process: %s", err.msg);
		pk_flow_tick(c->flow, &err);
		if (!busy(c))
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 8)
			fail_msg("the gateway request never finished");
		gw_client_wait(c->gw, NULL, 0, 50, &err);
	}
}

/* Move the fake clock forward one second at a time, ticking and answering. */
static void advance(ctx *c, int seconds)
{
	pk_error err;
	for (int i = 0; i < seconds; i++) {
		c->clk.mono_ms += 1000;
		pk_flow_tick(c->flow, &err);
		pump(c);
	}
}

/* requests.<name> from /_sandbox/stats */
static long stat_count(ctx *c, const char *name)
{
	char *answer = NULL;
	long code = pk_test_sandbox_post(&c->sb, "/_sandbox/stats", NULL, &answer);
	assert_int_equal(code, 200);
	assert_non_null(answer);
	char key[64];
	snprintf(key, sizeof key, "\"%s\"", name);
	char *p = strstr(answer, key);
	assert_non_null(p);
	p = strchr(p + strlen(key), ':');
	assert_non_null(p);
	long n = strtol(p + 1, NULL, 10);
	free(answer);
	return n;
}

static void sandbox_post_ok(ctx *c, const char *path, const char *body)
{
	char *answer = NULL;
	long code = pk_test_sandbox_post(&c->sb, path, body, &answer);
	if (code != 200)
		fail_msg("%s -> %ld %s", path, code, answer ? answer : "");
	free(answer);
}

static void settle_order(ctx *c, const char *order_id, const char *outcome)
{
	char body[512];
	snprintf(body, sizeof body, "{\"order_id\":\"%s\",\"status\":\"%s\"}", order_id,
		 outcome);
	sandbox_post_ok(c, "/_sandbox/settle", body);
}

/* The customer pays (or not) for the active sale's order. */
static void settle(ctx *c, const char *outcome)
{
	settle_order(c, cur(c)->order_id, outcome);
}

static void fault(ctx *c, const char *call, const char *mode, int count)
{
	char body[256];
	snprintf(body, sizeof body, "{\"call\":\"%s\",\"mode\":\"%s\",\"count\":%d}", call, mode,
		 count);
	sandbox_post_ok(c, "/_sandbox/fault", body);
}

/* The journal's path for a sale, as a string "new>creating>...". */
static void history_string(ctx *c, int64_t id, char *out, size_t len)
{
	pk_history_entry *h;
	size_t n;
	pk_error err;
	assert_int_equal(pk_journal_history(c->j, id, &h, &n, &err), 0);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, len - l, "%s%s", i ? ">" : "", pk_state_name(h[i].to));
	}
	free(h);
}

static void assert_row(ctx *c, int64_t id, pk_sale_state state, const char *path)
{
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(c->j, id, &s, &err), 0);
	assert_string_equal(pk_state_name(s.state), pk_state_name(state));
	pk_sale_clear(&s);
	char hist[512];
	history_string(c, id, hist, sizeof hist);
	assert_string_equal(hist, path);
}

static void start_upi(ctx *c, int64_t paise)
{
	pk_error err;
	if (pk_flow_start_upi(c->flow, paise, "counter-1", PK_LANG_EN, &err))
		fail_msg("start_upi: %s", err.msg);
	/* write-ahead: creating is on disk while the create is in flight */
	assert_true(busy(c));
	pk_sale s;
	assert_int_equal(pk_journal_get(c->j, cur(c)->id, &s, &err), 0);
	assert_int_equal(s.state, PK_SALE_CREATING);
	assert_string_equal(s.ctid, cur(c)->ctid);
	pk_sale_clear(&s);
	pump(c);
}

static void test_upi_paid(void **state)
{
	ctx *c = *state;
	start_upi(c, 10050);
	const pk_sale *s = cur(c);
	assert_int_equal(s->state, PK_SALE_AWAITING_PAYMENT);
	assert_non_null(s->qr_data);
	assert_int_equal(strncmp(s->qr_data, "upi://", 6), 0);
	assert_true(strlen(s->order_id) > 0);
	assert_int_equal(s->deadline, BASE_WALL + 1000 + TIMEOUT_S);
	int64_t id = s->id;

	/* the QR and order are on disk before the screen sees them */
	pk_sale row;
	pk_error err;
	assert_int_equal(pk_journal_get(c->j, id, &row, &err), 0);
	assert_string_equal(row.order_id, s->order_id);
	assert_string_equal(row.qr_data, s->qr_data);
	assert_int_equal(row.amount, 10050);
	pk_sale_clear(&row);

	pk_flow_view v;
	pk_flow_view_get(c->flow, &v);
	assert_int_equal(v.next_poll_ms, INTERVAL_S * 1000);
	assert_int_equal(v.remaining_s, TIMEOUT_S);
	assert_int_equal(pk_flow_timeout_ms(c->flow), INTERVAL_S * 1000);

	advance(c, 2); /* one poll: processing */
	assert_int_equal(cur(c)->state, PK_SALE_AWAITING_PAYMENT);
	assert_int_equal(stat_count(c, "upi_status"), 1);
	settle(c, "success");
	advance(c, 1); /* not due yet */
	assert_int_equal(stat_count(c, "upi_status"), 1);
	advance(c, 1);
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_int_equal(stat_count(c, "upi_status"), 2);
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_payment>paid");
	/* no polls once paid */
	advance(c, 6);
	assert_int_equal(stat_count(c, "upi_status"), 2);
	assert_int_equal(pk_flow_timeout_ms(c->flow), -1);
	pk_flow_close(c->flow);
	assert_null(cur(c));
}

/* The gateway's status calls fail while the customer pays: the hub brings
 * the verified postback, the sale is paid, and no more status calls go
 * out (the one in flight is dropped). */
static void test_upi_paid_by_postback(void **state)
{
	ctx *c = *state;
	start_upi(c, 10050);
	int64_t id = cur(c)->id;
	char ctid[PK_CTID_MAX + 1], order[257];
	snprintf(ctid, sizeof ctid, "%s", cur(c)->ctid);
	snprintf(order, sizeof order, "%s", cur(c)->order_id);
	fault(c, "upi_status", "hang", 100);
	settle(c, "success");
	/* a status request is out and hangs */
	c->clk.mono_ms += INTERVAL_S * 1000;
	pk_error err;
	pk_flow_tick(c->flow, &err);
	assert_true(busy(c));
	long asked = 0;
	for (int i = 0; i < 100 && asked < 1; i++) {
		gw_client_wait(c->gw, NULL, 0, 20, &err);
		gw_client_process(c->gw, &err);
		asked = stat_count(c, "upi_status");
	}
	assert_int_equal(asked, 1);

	pk_flow_pb what;
	assert_int_equal(pk_flow_postback_paid(c->flow, ctid, order, 10050, "INR", &what, &err), 0);
	assert_int_equal(what, PK_FLOW_PB_PAID);
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_false(busy(c));
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_payment>paid");
	advance(c, 3 * INTERVAL_S);
	assert_int_equal(stat_count(c, "upi_status"), 1);
	assert_int_equal(pk_flow_timeout_ms(c->flow), -1);
}

/* While the hub is healthy the status poll is slower; when it goes away
 * the poll comes back to poll_interval. */
static void test_poll_interval_while_hub_healthy(void **state)
{
	ctx *c = *state;
	pk_flow_set_poll_interval(c->flow, 3 * INTERVAL_S); /* the hub is up */
	start_upi(c, 10050);
	advance(c, 3 * INTERVAL_S - 1); /* (without the hub: 2 polls by now) */
	assert_int_equal(stat_count(c, "upi_status"), 0);
	pk_flow_set_poll_interval(c->flow, INTERVAL_S); /* the hub is down */
	advance(c, 3);
	assert_int_equal(stat_count(c, "upi_status"), 2);
	assert_int_equal(cur(c)->state, PK_SALE_AWAITING_PAYMENT);
}

static void test_upi_failed(void **state)
{
	ctx *c = *state;
	start_upi(c, 20000);
	int64_t id = cur(c)->id;
	settle(c, "failed");
	advance(c, 2);
	assert_int_equal(cur(c)->state, PK_SALE_FAILED);
	assert_row(c, id, PK_SALE_FAILED, "new>creating>awaiting_payment>failed");
}

static void test_upi_create_refused_by_gateway(void **state)
{
	ctx *c = *state;
	pk_error err;
	/* 5 INR is below the sandbox's minimum: the gateway answers fail */
	assert_int_equal(pk_flow_start_upi(c->flow, 500, "counter-1", PK_LANG_EN, &err), 0);
	pump(c);
	const pk_sale *s = cur(c);
	assert_int_equal(s->state, PK_SALE_FAILED);
	assert_non_null(strstr(s->message, "out of range"));
	assert_row(c, s->id, PK_SALE_FAILED, "new>creating>failed");
	assert_int_equal(stat_count(c, "upi_status"), 0);
}

static void test_upi_cancel(void **state)
{
	ctx *c = *state;
	start_upi(c, 15000);
	int64_t id = cur(c)->id;
	advance(c, 2);
	assert_int_equal(stat_count(c, "upi_status"), 1);
	pk_error err;
	assert_int_equal(pk_flow_cancel(c->flow, &err), 0);
	assert_true(busy(c)); /* the one last status check */
	pump(c);
	/* the gateway still says processing: the customer may be approving it
	 * right now, so the sale stays open (unconfirmed), never "cancelled" */
	assert_int_equal(cur(c)->state, PK_SALE_UNCONFIRMED);
	assert_true(pk_state_is_open(cur(c)->state));
	assert_int_equal(stat_count(c, "upi_status"), 2);
	advance(c, 10); /* polling stopped */
	assert_int_equal(stat_count(c, "upi_status"), 2);
	assert_row(c, id, PK_SALE_UNCONFIRMED, "new>creating>awaiting_payment>unconfirmed");
}

static void test_upi_cancel_when_already_paid(void **state)
{
	ctx *c = *state;
	start_upi(c, 15000);
	int64_t id = cur(c)->id;
	settle(c, "success"); /* the customer paid; no poll has seen it yet */
	pk_error err;
	assert_int_equal(pk_flow_cancel(c->flow, &err), 0);
	pump(c);
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_payment>paid");
	assert_int_equal(stat_count(c, "upi_status"), 1);
}

static void test_upi_deadline_unconfirmed_then_recheck(void **state)
{
	ctx *c = *state;
	start_upi(c, 30000);
	int64_t id = cur(c)->id;
	char order[257];
	snprintf(order, sizeof order, "%s", cur(c)->order_id);
	/* interval 2 s, timeout 10 s: polls at 2, 4, 6, 8; at 10 the deadline */
	advance(c, 9);
	assert_int_equal(cur(c)->state, PK_SALE_AWAITING_PAYMENT);
	assert_int_equal(stat_count(c, "upi_status"), 4);
	advance(c, 1);
	assert_int_equal(cur(c)->state, PK_SALE_UNCONFIRMED);
	assert_int_equal(stat_count(c, "upi_status"), 4);
	advance(c, 20);
	assert_int_equal(stat_count(c, "upi_status"), 4);
	assert_row(c, id, PK_SALE_UNCONFIRMED, "new>creating>awaiting_payment>unconfirmed");

	/* an open sale: the cashier re-checks it later and it was paid */
	pk_flow_close(c->flow);
	assert_null(cur(c));
	settle_order(c, order, "success");
	pk_error err;
	assert_int_equal(pk_flow_recheck(c->flow, id, &err), 0);
	assert_true(busy(c)); /* asks at once */
	pump(c);
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_int_equal(stat_count(c, "upi_status"), 5);
	assert_row(c, id, PK_SALE_PAID,
		   "new>creating>awaiting_payment>unconfirmed>awaiting_payment>paid");
}

static void test_upi_transport_errors_keep_waiting(void **state)
{
	ctx *c = *state;
	start_upi(c, 12345);
	int64_t id = cur(c)->id;
	fault(c, "upi_status", "http500_html", 2);
	advance(c, 2);
	pk_flow_view v;
	pk_flow_view_get(c->flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_AWAITING_PAYMENT);
	assert_int_equal(v.last_error->kind, PK_ERR_HTTP);
	advance(c, 2);
	pk_flow_view_get(c->flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_AWAITING_PAYMENT);
	assert_int_not_equal(v.last_error->kind, PK_OK);
	settle(c, "success");
	advance(c, 2);
	pk_flow_view_get(c->flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_PAID);
	assert_int_equal(v.last_error->kind, PK_OK);
	assert_int_equal(stat_count(c, "upi_status"), 3);
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_payment>paid");
}

/* Four minutes of a flaky shop network (on the driven clock, against the
 * real sandbox): every other status poll fails (reset, HTML 500, in turn),
 * the rest say "processing".  The sale stays awaiting payment the whole
 * time (never failed, never unconfirmed before its deadline), the screen
 * sees the problem come and go, and the payment still lands as paid. */
static void test_upi_flapping_for_minutes(void **state)
{
	ctx *c = *state;
	pk_error err;
	close_flow(c);
	gw_options o = { 0 };
	o.api_url = c->sb.url;
	o.secret = c->sb.secret;
	o.connect_timeout_ms = 2000;
	o.total_timeout_ms = 5000;
	assert_int_equal(gw_client_new(&c->gw, &o, &err), 0);
	pk_flow_settings set = { INTERVAL_S, 600 };
	assert_int_equal(pk_flow_new(&c->flow, c->j, c->gw, &set, &c->clock, &err), 0);
	start_upi(c, 25000);
	int64_t id = cur(c)->id;
	int errors_seen = 0, clear_seen = 0;
	for (int i = 0; i < 120; i++) { /* 120 polls x 2 s = 4 minutes */
		if (i % 2 == 0)
			fault(c, "upi_status", i % 4 == 0 ? "reset" : "http500_html", 1);
		advance(c, INTERVAL_S);
		pk_flow_view v;
		pk_flow_view_get(c->flow, &v);
		assert_int_equal(v.sale->state, PK_SALE_AWAITING_PAYMENT);
		if (v.last_error->kind != PK_OK)
			errors_seen++;
		else
			clear_seen++;
	}
	print_message("flapping: %d polls showed a problem, %d clear, %ld status requests\n",
		      errors_seen, clear_seen, stat_count(c, "upi_status"));
	/* Every HTML 500 shows; a reset of a reused keep-alive connection is
	 * re-sent at once by libcurl (the answer never came), so not all do. */
	assert_true(errors_seen >= 25);
	assert_true(clear_seen >= 50);
	assert_true(stat_count(c, "upi_status") >= 120);
	settle(c, "success");
	advance(c, INTERVAL_S);
	advance(c, INTERVAL_S);
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_payment>paid");
}

static const pk_sale *wavepay_to_txid(ctx *c, int64_t amount)
{
	pk_error err;
	if (pk_flow_start_wavepay(c->flow, amount, "counter-1", PK_LANG_MY, &err))
		fail_msg("start_wavepay: %s", err.msg);
	pump(c);
	const pk_sale *s = cur(c);
	assert_int_equal(s->state, PK_SALE_AWAITING_TXID);
	assert_true(strlen(s->identifier) >= 9);
	return s;
}

static void submit(ctx *c, const char *key1)
{
	pk_error err;
	if (pk_flow_submit_key1(c->flow, key1, &err))
		fail_msg("submit_key1: %s", err.msg);
	/* write-ahead: key1 + ctid on disk before the answer */
	pk_sale s;
	assert_int_equal(pk_journal_get(c->j, cur(c)->id, &s, &err), 0);
	assert_int_equal(s.state, PK_SALE_ACTIVATING);
	assert_string_equal(s.key1, key1);
	assert_string_equal(s.ctid, cur(c)->ctid);
	pk_sale_clear(&s);
	pump(c);
}

static void test_wavepay_outcomes(void **state)
{
	ctx *c = *state;
	pk_error err;

	/* 1: credited, the amount asked */
	int64_t id = wavepay_to_txid(c, 5000)->id;
	submit(c, "1234567890");
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_true(cur(c)->has_deposit_amount);
	assert_int_equal(cur(c)->deposit_amount, 5000);
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_txid>activating>paid");
	pk_flow_close(c->flow);

	/* 2: credited a different amount, recorded as the gateway said */
	id = wavepay_to_txid(c, 5000)->id;
	submit(c, "2234567890");
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_int_equal(cur(c)->deposit_amount, 5500);
	pk_sale row;
	assert_int_equal(pk_journal_get(c->j, id, &row, &err), 0);
	assert_int_equal(row.deposit_amount, 5500);
	assert_int_equal(row.amount, 5000);
	pk_sale_clear(&row);
	pk_flow_close(c->flow);

	/* 3: pending */
	id = wavepay_to_txid(c, 700)->id;
	submit(c, "3234567890");
	assert_int_equal(cur(c)->state, PK_SALE_PENDING);
	assert_true(strlen(cur(c)->message) > 0);
	assert_row(c, id, PK_SALE_PENDING, "new>creating>awaiting_txid>activating>pending");
	pk_flow_close(c->flow);

	/* 4: not found, then a corrected ID is a new attempt with a new ctid */
	id = wavepay_to_txid(c, 900)->id;
	submit(c, "4234567890");
	assert_int_equal(cur(c)->state, PK_SALE_NOT_FOUND);
	assert_non_null(strstr(cur(c)->message, "not found"));
	char first_ctid[PK_CTID_MAX + 1];
	snprintf(first_ctid, sizeof first_ctid, "%s", cur(c)->ctid);
	submit(c, "1777777777");
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_string_not_equal(cur(c)->ctid, first_ctid);
	assert_non_null(strstr(cur(c)->ctid, "-a2"));
	assert_int_equal(cur(c)->attempts, 2);
	assert_row(c, id, PK_SALE_PAID,
		   "new>creating>awaiting_txid>activating>not_found>activating>paid");
	pk_flow_close(c->flow);

	/* 5: fail, with the gateway's message: refused, open (the customer paid
	 * the wallet before the ID was typed; only a person closes it) */
	id = wavepay_to_txid(c, 1000)->id;
	submit(c, "5234567890");
	assert_int_equal(cur(c)->state, PK_SALE_REFUSED);
	assert_true(pk_state_is_open(cur(c)->state));
	assert_non_null(strstr(cur(c)->message, "declined"));
	assert_row(c, id, PK_SALE_REFUSED, "new>creating>awaiting_txid>activating>refused");
	pk_flow_close(c->flow);
	assert_int_equal(pk_flow_close_unpaid(c->flow, id, "the cashier at counter-1",
					      "the customer did not pay", &err), 0);
	assert_row(c, id, PK_SALE_CANCELLED,
		   "new>creating>awaiting_txid>activating>refused>cancelled");
	pk_flow_close(c->flow);

	/* the customer did not pay */
	id = wavepay_to_txid(c, 1000)->id;
	assert_int_equal(pk_flow_abandon(c->flow, &err), 0);
	assert_int_equal(cur(c)->state, PK_SALE_CANCELLED);
	assert_row(c, id, PK_SALE_CANCELLED, "new>creating>awaiting_txid>cancelled");
	assert_int_equal(stat_count(c, "wavepay_activate"), 6);
}

/* Drive the client until the sandbox has seen n requests of a kind. */
static void wait_for_stat(ctx *c, const char *name, long n)
{
	pk_error err;
	for (int i = 0; i < 200; i++) {
		gw_client_wait(c->gw, NULL, 0, 20, &err);
		gw_client_process(c->gw, &err);
		if (stat_count(c, name) >= n)
			return;
	}
	fail_msg("the sandbox never saw %s", name);
}

static void test_create_without_answer_then_recovery_abandons(void **state)
{
	ctx *c = *state;
	pk_error err;
	fault(c, "upi_create", "hang", 1);
	assert_int_equal(pk_flow_start_upi(c->flow, 10000, "counter-1", PK_LANG_HI, &err), 0);
	int64_t id = cur(c)->id;
	wait_for_stat(c, "upi_create", 1);
	assert_true(busy(c));
	/* the kiosk dies with the create in flight */
	close_flow(c);
	assert_row(c, id, PK_SALE_CREATING, "new>creating");

	open_flow(c);
	pk_recovery_report rep;
	assert_int_equal(pk_flow_recover(c->flow, &rep, &err), 0);
	assert_int_equal(rep.abandoned, 1);
	assert_int_equal(rep.resumed, 0);
	assert_int_equal(rep.reactivated, 0);
	assert_null(cur(c));
	assert_row(c, id, PK_SALE_ABANDONED, "new>creating>abandoned");
}

static void test_polling_resumes_after_restart(void **state)
{
	ctx *c = *state;
	pk_error err;
	start_upi(c, 10000);
	int64_t id = cur(c)->id;
	char order[257];
	snprintf(order, sizeof order, "%s", cur(c)->order_id);
	close_flow(c); /* power cut with the QR on screen */

	settle_order(c, order, "success");
	open_flow(c);
	pk_recovery_report rep;
	assert_int_equal(pk_flow_recover(c->flow, &rep, &err), 0);
	assert_int_equal(rep.resumed, 1);
	assert_non_null(cur(c));
	assert_string_equal(cur(c)->order_id, order);
	pump(c);
	assert_int_equal(cur(c)->state, PK_SALE_PAID);
	assert_int_equal(stat_count(c, "upi_create"), 1);
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_payment>paid");
}

static void test_activation_in_flight_then_recovery_credits_once(void **state)
{
	ctx *c = *state;
	pk_error err;
	int64_t id = wavepay_to_txid(c, 8000)->id;
	char ctid[PK_CTID_MAX + 1];
	snprintf(ctid, sizeof ctid, "%s", cur(c)->ctid);
	fault(c, "wavepay_activate", "hang", 1);
	assert_int_equal(pk_flow_submit_key1(c->flow, "1555555555", &err), 0);
	wait_for_stat(c, "wavepay_activate", 1);
	close_flow(c); /* the answer is never recorded */
	assert_row(c, id, PK_SALE_ACTIVATING, "new>creating>awaiting_txid>activating");

	open_flow(c);
	pk_recovery_report rep;
	assert_int_equal(pk_flow_recover(c->flow, &rep, &err), 0);
	assert_int_equal(rep.reactivated, 1);
	assert_true(busy(c));
	pump(c);
	const pk_sale *s = cur(c);
	assert_int_equal(s->state, PK_SALE_PAID);
	assert_string_equal(s->ctid, ctid); /* the identical activation */
	assert_string_equal(s->key1, "1555555555");
	assert_int_equal(s->deposit_amount, 8000);
	assert_int_equal(stat_count(c, "wavepay_activate"), 2);
	assert_row(c, id, PK_SALE_PAID, "new>creating>awaiting_txid>activating>paid");
	pk_flow_close(c->flow);

	/* credited once: the same key1 under another sale's ctid is refused;
	 * refused stays open (a person decides) */
	wavepay_to_txid(c, 8000);
	submit(c, "1555555555");
	assert_int_equal(cur(c)->state, PK_SALE_REFUSED);
}

static void test_create_refused_retry_same_ctid(void **state)
{
	ctx *c = *state;
	pk_error err;
	/* a gateway that is not listening: refused, the request never left */
	close_flow(c);
	gw_options o = { 0 };
	o.api_url = "http://127.0.0.1:1";
	o.secret = c->sb.secret;
	o.connect_timeout_ms = 2000;
	o.total_timeout_ms = 5000;
	assert_int_equal(gw_client_new(&c->gw, &o, &err), 0);
	pk_flow_settings set = { INTERVAL_S, TIMEOUT_S };
	assert_int_equal(pk_flow_new(&c->flow, c->j, c->gw, &set, &c->clock, &err), 0);
	assert_int_equal(pk_flow_start_upi(c->flow, 10000, "counter-1", PK_LANG_EN, &err), 0);
	pump(c);
	pk_flow_view v;
	pk_flow_view_get(c->flow, &v);
	assert_int_equal(v.sale->state, PK_SALE_CREATING);
	assert_int_equal(v.last_error->kind, PK_ERR_REFUSED);
	char ctid[PK_CTID_MAX + 1];
	snprintf(ctid, sizeof ctid, "%s", v.sale->ctid);
	assert_int_equal(pk_flow_retry(c->flow, &err), 0);
	pump(c);
	assert_string_equal(cur(c)->ctid, ctid);
	assert_int_equal(cur(c)->state, PK_SALE_CREATING);
	/* the cashier gives up: nothing was shown */
	assert_int_equal(pk_flow_abandon(c->flow, &err), 0);
	assert_row(c, cur(c)->id, PK_SALE_ABANDONED, "new>creating>abandoned");
}

/* Run the loop until the client has nothing in flight (background too). */
static void pump_all(ctx *c)
{
	pk_error err;
	for (int i = 0; i < 200 && gw_client_busy(c->gw); i++) {
		gw_client_wait(c->gw, NULL, 0, 50, &err);
		gw_client_process(c->gw, &err);
	}
	assert_int_equal(gw_client_busy(c->gw), 0);
}

/* Open sales are worked on: a UPI sale the cashier stopped waiting for and
 * a Wavepay activation whose answer was unusable are asked about again in
 * the background, in turn, until the gateway's word closes them; the sale
 * in the foreground is left alone, and old ones are not re-checked. */
static void test_background_rechecks(void **state)
{
	ctx *c = *state;
	pk_error err;
	/* UPI: cancelled while processing -> unconfirmed (open) */
	start_upi(c, 12000);
	int64_t upi = cur(c)->id;
	char order[260];
	snprintf(order, sizeof order, "%s", cur(c)->order_id);
	assert_int_equal(pk_flow_cancel(c->flow, &err), 0);
	pump(c);
	assert_int_equal(pk_journal_state_of(c->j, upi), PK_SALE_UNCONFIRMED);
	pk_flow_close(c->flow);

	/* Wavepay: credited, but the answer was `ok` without a deposit */
	wavepay_to_txid(c, 3000);
	int64_t wave = cur(c)->id;
	fault(c, "wavepay_activate", "ok_no_deposit", 1);
	submit(c, "1444444444");
	assert_int_equal(pk_journal_state_of(c->j, wave), PK_SALE_UNKNOWN);
	pk_flow_close(c->flow);

	pk_flow_set_recheck(c->flow, 10, 3600);
	long polls = stat_count(c, "upi_status"), acts = stat_count(c, "wavepay_activate");
	advance(c, 9); /* gentle: nothing before the interval */
	pump_all(c);
	assert_int_equal(stat_count(c, "upi_status"), polls);
	assert_int_equal(stat_count(c, "wavepay_activate"), acts);

	/* the first round asks the UPI order: still processing, stays open */
	advance(c, 1);
	pump_all(c);
	assert_int_equal(stat_count(c, "upi_status"), polls + 1);
	assert_int_equal(pk_journal_state_of(c->j, upi), PK_SALE_UNCONFIRMED);

	/* the next asks the Wavepay sale: the identical activation, credited */
	advance(c, 10);
	pump_all(c);
	assert_int_equal(stat_count(c, "wavepay_activate"), acts + 1);
	assert_int_equal(pk_journal_state_of(c->j, wave), PK_SALE_PAID);
	assert_row(c, wave, PK_SALE_PAID, "new>creating>awaiting_txid>activating>unknown>paid");

	/* the customer pays the UPI order: the next round sees it */
	settle_order(c, order, "success");
	advance(c, 10);
	pump_all(c);
	assert_int_equal(pk_journal_state_of(c->j, upi), PK_SALE_PAID);
	assert_row(c, upi, PK_SALE_PAID, "new>creating>awaiting_payment>unconfirmed>paid");

	/* nothing open: no more requests */
	polls = stat_count(c, "upi_status");
	advance(c, 30);
	pump_all(c);
	assert_int_equal(stat_count(c, "upi_status"), polls);

	/* older than open_sale_max_age: listed for a person, not re-checked */
	start_upi(c, 13000);
	int64_t old = cur(c)->id;
	assert_int_equal(pk_flow_cancel(c->flow, &err), 0);
	pump(c);
	pk_flow_close(c->flow);
	pk_flow_set_recheck(c->flow, 10, 60);
	advance(c, 61);
	pump_all(c);
	polls = stat_count(c, "upi_status");
	advance(c, 20);
	pump_all(c);
	assert_int_equal(stat_count(c, "upi_status"), polls);
	assert_int_equal(pk_journal_state_of(c->j, old), PK_SALE_UNCONFIRMED);
	assert_true(pk_state_is_listed(pk_journal_state_of(c->j, old)));
}

/* The retry policy lives in the controller: with retries set (as pay does)
 * an activation without a usable answer is sent again, the identical one,
 * that many times and gap apart, then the view says gave_up; with none (the
 * kiosk) nothing is sent until the cashier asks. */
static void test_retry_policy(void **state)
{
	ctx *c = *state;
	wavepay_to_txid(c, 2000);
	int64_t id = cur(c)->id;
	char ctid[PK_CTID_MAX + 1];
	fault(c, "wavepay_activate", "http500_html", 10);
	long before = stat_count(c, "wavepay_activate");
	submit(c, "1234567890");
	snprintf(ctid, sizeof ctid, "%s", cur(c)->ctid);
	assert_int_equal(cur(c)->state, PK_SALE_UNKNOWN);
	advance(c, 10); /* retries 0: nothing more goes out */
	assert_int_equal(stat_count(c, "wavepay_activate"), before + 1);
	pk_flow_view v;
	pk_flow_view_get(c->flow, &v);
	assert_false(v.gave_up);

	pk_flow_set_retries(c->flow, 2, 3000);
	advance(c, 2); /* not before the gap */
	assert_int_equal(stat_count(c, "wavepay_activate"), before + 1);
	advance(c, 2);
	assert_int_equal(stat_count(c, "wavepay_activate"), before + 2);
	pk_flow_view_get(c->flow, &v);
	assert_false(v.gave_up);
	advance(c, 4);
	assert_int_equal(stat_count(c, "wavepay_activate"), before + 3);
	advance(c, 10); /* used up */
	assert_int_equal(stat_count(c, "wavepay_activate"), before + 3);
	pk_flow_view_get(c->flow, &v);
	assert_true(v.gave_up);
	assert_int_equal(cur(c)->state, PK_SALE_UNKNOWN);
	assert_string_equal(cur(c)->ctid, ctid); /* the identical request each time */
	assert_row(c, id, PK_SALE_UNKNOWN,
		   "new>creating>awaiting_txid>activating>unknown>activating>unknown>activating>unknown");
}

static void test_one_sale_at_a_time(void **state)
{
	ctx *c = *state;
	pk_error err;
	start_upi(c, 10000);
	assert_int_equal(pk_flow_start_wavepay(c->flow, 100, "x", PK_LANG_EN, &err), -1);
	assert_int_equal(err.kind, PK_ERR_STATE);
	pk_flow_close(c->flow); /* refused while awaiting payment */
	assert_non_null(cur(c));
	assert_int_equal(pk_flow_cancel(c->flow, &err), 0);
	pump(c);
	assert_int_equal(cur(c)->state, PK_SALE_UNCONFIRMED); /* still processing */
	assert_int_equal(pk_flow_start_upi(c->flow, 0, "x", PK_LANG_EN, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	pk_sale_list all;
	assert_int_equal(pk_journal_list_range(c->j, 0, (time_t)BASE_WALL * 2, &all, &err), 0);
	assert_int_equal(all.count, 1);
	pk_sale_list_free(&all);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_upi_paid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upi_flapping_for_minutes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upi_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upi_paid_by_postback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_interval_while_hub_healthy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_upi_create_refused_by_gateway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upi_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upi_cancel_when_already_paid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upi_deadline_unconfirmed_then_recheck, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_upi_transport_errors_keep_waiting, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wavepay_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_without_answer_then_recovery_abandons,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_polling_resumes_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activation_in_flight_then_recovery_credits_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_refused_retry_same_ctid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_sale_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_background_rechecks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_policy, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
