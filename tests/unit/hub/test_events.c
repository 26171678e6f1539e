/* What a kiosk sends to POST /kiosk/events (docs/HUB.md): a complete
 * batch is read field by field; anything malformed refuses the whole batch
 * with a message naming the event and the field, so a kiosk's bug is seen
 * and nothing half-stored.  The sale's journal id (sale.id) is its identity
 * at the hub: an event without it (an older kiosk) is refused by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/store.h"

#define SALE_A "\"sale\":{\"id\":41,\"ctid\":\"shop12-c1-20251130-abc\",\"order_id\":\"029391c747902d94\"," \
	       "\"method\":\"upi\",\"currency\":\"INR\",\"amount\":10050,\"label\":\"payer-7\"," \
	       "\"key1\":\"\",\"created_at\":1764469900}"

static int parse(const char *body, pk_hub_event **ev, size_t *n, pk_error *err)
{
	pk_error_clear(err);
	return pk_hub_events_parse(body, strlen(body), ev, n, err);
}

static void test_batch(void **state)
{
	(void)state;
	const char *body =
		"{\"events\":[{\"seq\":12,\"from\":\"awaiting_payment\",\"to\":\"paid\","
		"\"outcome\":\"paid\",\"at\":1764470000,\"note\":\"by postback\"," SALE_A "},"
		"{\"seq\":13,\"to\":\"awaiting_txid\",\"outcome\":\"not_known\",\"at\":1764470001,"
		"\"sale\":{\"id\":42,\"ctid\":\"w-1\",\"method\":\"wavepay\",\"currency\":\"MMK\","
		"\"amount\":5000}}]}";
	pk_hub_event *ev;
	size_t n;
	pk_error err;
	assert_int_equal(parse(body, &ev, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].seq, 12);
	assert_string_equal(ev[0].from, "awaiting_payment");
	assert_string_equal(ev[0].to, "paid");
	assert_int_equal(ev[0].outcome, PK_HUB_OUTCOME_PAID);
	assert_int_equal(ev[0].at, 1764470000);
	assert_string_equal(ev[0].note, "by postback");
	assert_int_equal(ev[0].sale_id, 41);
	assert_string_equal(ev[0].ctid, "shop12-c1-20251130-abc");
	assert_string_equal(ev[0].order_id, "029391c747902d94");
	assert_string_equal(ev[0].method, "upi");
	assert_string_equal(ev[0].currency, "INR");
	assert_int_equal(ev[0].amount, 10050);
	assert_string_equal(ev[0].label, "payer-7");
	assert_int_equal(ev[0].created_at, 1764469900);
	/* optional fields: empty, and created_at defaults to the event's time */
	assert_int_equal(ev[1].outcome, PK_HUB_OUTCOME_NOT_KNOWN);
	assert_int_equal(ev[1].sale_id, 42);
	assert_string_equal(ev[1].from, "");
	assert_string_equal(ev[1].order_id, "");
	assert_int_equal(ev[1].created_at, 1764470001);
	free(ev);

	assert_int_equal(parse("{\"events\":[]}", &ev, &n, &err), 0);
	assert_int_equal(n, 0);
	free(ev);
}

static void expect_refused(const char *body, const char *part)
{
	pk_hub_event *ev = (pk_hub_event *)1;
	size_t n = 99;
	pk_error err;
	int rc = parse(body, &ev, &n, &err);
	if (rc == 0 || !strstr(err.msg, part))
		print_error("rc %d message '%s' wanted '%s'\n", rc, err.msg, part);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, part));
	assert_null(ev);
	assert_int_equal(n, 0);
}

static void test_refused(void **state)
{
	(void)state;
	expect_refused("", "not JSON");
	expect_refused("{\"events\":[", "not JSON");
	expect_refused("{\"event\":[]}", "\"events\"");
	expect_refused("[1]", "\"events\"");
	expect_refused("{\"events\":[1]}", "events[0]: not an object");
#define EV(fields) "{\"events\":[{\"seq\":1,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1," SALE_A \
		   "}," fields "]}"
	expect_refused(EV("{\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1," SALE_A "}"),
		       "events[1].seq: missing");
	expect_refused(EV("{\"seq\":0,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1," SALE_A "}"),
		       "events[1].seq: must be a whole number");
	expect_refused(EV("{\"seq\":2.5,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1," SALE_A "}"),
		       "events[1].seq");
	expect_refused(EV("{\"seq\":\"2\",\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1," SALE_A "}"),
		       "events[1].seq");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"PAID\",\"at\":1," SALE_A "}"),
		       "events[1].outcome: must be paid, not_paid, nothing, not_known or none");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1}"),
		       "events[1].sale: missing");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":7,\"method\":\"upi\",\"currency\":\"INR\",\"amount\":1}}"),
		       "events[1].sale.ctid: missing");
	/* an older kiosk: no sale.id, its sales could not keep one identity */
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"ctid\":\"x\",\"method\":\"upi\",\"currency\":\"INR\",\"amount\":1}}"),
		       "events[1].sale.id: missing");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":0,\"ctid\":\"x\",\"method\":\"upi\",\"currency\":\"INR\","
			  "\"amount\":1}}"),
		       "events[1].sale.id: must be a whole number");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":\"7\",\"ctid\":\"x\",\"method\":\"upi\",\"currency\":\"INR\","
			  "\"amount\":1}}"),
		       "events[1].sale.id: must be a whole number");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":7,\"ctid\":\"\",\"method\":\"upi\",\"currency\":\"INR\",\"amount\":1}}"),
		       "events[1].sale.ctid: empty");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":7,\"ctid\":\"x\",\"method\":\"upi\",\"currency\":\"INR\",\"amount\":-1}}"),
		       "events[1].sale.amount");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":7,\"ctid\":\"x\",\"method\":\"upi\",\"currency\":\"INR\",\"amount\":100.5}}"),
		       "events[1].sale.amount: must be a whole number");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":7,\"ctid\":\"x\",\"method\":\"upi\",\"currency\":\"INRRRRRR\",\"amount\":1}}"),
		       "events[1].sale.currency: too long");
	expect_refused(EV("{\"seq\":2,\"to\":\"paid\",\"outcome\":\"paid\",\"at\":1,\"sale\":"
			  "{\"id\":7,\"ctid\":\"\xff\",\"method\":\"upi\",\"currency\":\"INR\",\"amount\":1}}"),
		       "events[1].sale.ctid: not UTF-8");
#undef EV
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
