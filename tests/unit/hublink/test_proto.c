/* test_proto.c - the hub protocol's bodies (docs/HUB.md): the events the
 * kiosk sends, exactly as the contract names them, and what it accepts of
 * the hub's answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hublink/proto.h"

static pk_outbox_event event(int64_t seq, pk_sale_state from, pk_sale_state to)
{
	pk_outbox_event e;
	memset(&e, 0, sizeof e);
	e.seq = seq;
	e.from = from;
	e.to = to;
	e.at = 1764470000;
	snprintf(e.note, sizeof e.note, "status \"success\"\n");
	e.sale_id = 3;
	snprintf(e.ctid, sizeof e.ctid, "shop-1-20251130-abc");
	snprintf(e.order_id, sizeof e.order_id, "ORD-1");
	e.method = PK_METHOD_UPI;
	e.currency = PK_CUR_INR;
	e.amount = 10050;
	snprintf(e.label, sizeof e.label, "shop-1");
	e.created_at = 1764469900;
	return e;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
	assert_true(cJSON_IsString(it));
	return it->valuestring;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
	assert_true(cJSON_IsNumber(it));
	return it->valuedouble;
}

static void test_events_body(void **state)
{
	(void)state;
	pk_outbox_event ev[2] = { event(12, PK_SALE_AWAITING_PAYMENT, PK_SALE_PAID),
				  event(13, PK_SALE_NEW, PK_SALE_NEW) };
	ev[1].method = PK_METHOD_WAVEPAY;
	ev[1].currency = PK_CUR_MMK;
	ev[1].amount = 5000;
	snprintf(ev[1].key1, sizeof ev[1].key1, "1234567890");
	char *body;
	pk_error err;
	assert_int_equal(hub_events_body(ev, 2, &body, &err), 0);
	cJSON *root = cJSON_Parse(body);
	assert_non_null(root);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "events");
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	const cJSON *e = cJSON_GetArrayItem(arr, 0);
	assert_int_equal((int64_t)num(e, "seq"), 12);
	assert_string_equal(str(e, "from"), "awaiting_payment");
	assert_string_equal(str(e, "to"), "paid");
	assert_string_equal(str(e, "outcome"), "paid");
	assert_int_equal((int64_t)num(e, "at"), 1764470000);
	assert_string_equal(str(e, "note"), "status \"success\"\n");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "sale");
	/* the journal's sales.id: the sale's identity at the hub, whatever its
	 * ctid becomes */
	assert_int_equal((int64_t)num(s, "id"), 3);
	assert_string_equal(str(s, "ctid"), "shop-1-20251130-abc");
	assert_string_equal(str(s, "order_id"), "ORD-1");
	assert_string_equal(str(s, "method"), "upi");
	assert_string_equal(str(s, "currency"), "INR");
	assert_int_equal((int64_t)num(s, "amount"), 10050);
	assert_string_equal(str(s, "label"), "shop-1");
	assert_string_equal(str(s, "key1"), "");
	assert_int_equal((int64_t)num(s, "created_at"), 1764469900);
	e = cJSON_GetArrayItem(arr, 1);
	assert_string_equal(str(e, "outcome"), "none");
	s = cJSON_GetObjectItemCaseSensitive(e, "sale");
	assert_int_equal((int64_t)num(s, "id"), 3);
	assert_string_equal(str(s, "method"), "wavepay");
	assert_string_equal(str(s, "currency"), "MMK");
	assert_string_equal(str(s, "key1"), "1234567890");
	/* the outcome names the hub reads, from the kiosk's table */
	static const struct {
		pk_sale_state st;
		const char *outcome;
	} oc[] = { { PK_SALE_FAILED, "not_paid" },
		   { PK_SALE_CANCELLED, "nothing" },
		   { PK_SALE_ABANDONED, "nothing" },
		   { PK_SALE_UNCONFIRMED, "not_known" },
		   { PK_SALE_AWAITING_TXID, "not_known" },
		   { PK_SALE_CREATING, "none" } };
	for (size_t i = 0; i < sizeof oc / sizeof oc[0]; i++) {
		pk_outbox_event one = event(1, PK_SALE_NEW, oc[i].st);
		char *b;
		assert_int_equal(hub_events_body(&one, 1, &b, &err), 0);
		cJSON *r = cJSON_Parse(b);
		assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "events"), 0),
					"outcome"),
				    oc[i].outcome);
		cJSON_Delete(r);
		free(b);
	}
	cJSON_Delete(root);
	free(body);
}

static void test_acked(void **state)
{
	(void)state;
	int64_t n = -1;
	pk_error err;
	const char *ok = "{\"acked\":42}";
	assert_int_equal(hub_parse_acked(ok, strlen(ok), &n, &err), 0);
	assert_int_equal(n, 42);
	static const char *const bad[] = { "", "[]", "{\"acked\":\"42\"}", "{\"acked\":-1}",
					   "{\"acked\":1.5}", "{\"status\":\"ok\"}", "<html>" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(hub_parse_acked(bad[i], strlen(bad[i]), &n, &err), -1);
}

static void test_news(void **state)
{
	(void)state;
	const char *body =
		"{\"news\":[{\"id\":7,\"sale_id\":31,\"ctid\":\"k-1\",\"order_id\":\"O1\","
		"\"outcome\":\"paid\","
		"\"amount\":10050,\"currency\":\"INR\",\"transaction_id\":\"UTR 12\\u001b[31m\","
		"\"at\":1764470001},{\"id\":9,\"ctid\":\"k-2\",\"outcome\":\"paid\"}],\"next\":9}";
	pk_hub_news *items;
	size_t n;
	int64_t next;
	pk_error err;
	assert_int_equal(hub_parse_news(body, strlen(body), &items, &n, &next, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(next, 9);
	assert_int_equal(items[0].id, 7);
	assert_int_equal(items[0].sale_id, 31);
	assert_string_equal(items[0].ctid, "k-1");
	assert_string_equal(items[0].order_id, "O1");
	assert_string_equal(items[0].outcome, "paid");
	assert_true(items[0].has_amount);
	assert_int_equal(items[0].amount, 10050);
	assert_string_equal(items[0].currency, "INR");
	/* printable ASCII only: it goes into the journal's note and the log */
	assert_string_equal(items[0].transaction_id, "UTR12[31m");
	assert_int_equal(items[0].at, 1764470001);
	/* no sale_id (an older hub): 0, the sale is found by ctid */
	assert_int_equal(items[1].sale_id, 0);
	assert_false(items[1].has_amount);
	assert_string_equal(items[1].currency, "");
	free(items);

	const char *empty = "{\"news\":[],\"next\":4}";
	assert_int_equal(hub_parse_news(empty, strlen(empty), &items, &n, &next, &err), 0);
	assert_int_equal(n, 0);
	assert_null(items);
	assert_int_equal(next, 4);

	/* next never behind what was handed over */
	const char *behind = "{\"news\":[{\"id\":12,\"ctid\":\"k\",\"outcome\":\"paid\"}],\"next\":3}";
	assert_int_equal(hub_parse_news(behind, strlen(behind), &items, &n, &next, &err), 0);
	assert_int_equal(next, 12);
	free(items);

	static const char *const bad[] = {
		"{\"news\":[]}",
		"{\"next\":1}",
		"{\"news\":{},\"next\":1}",
		"{\"news\":[{\"ctid\":\"k\",\"outcome\":\"paid\"}],\"next\":1}",
		"{\"news\":[{\"id\":1,\"outcome\":\"paid\"}],\"next\":1}",
		"{\"news\":[{\"id\":1,\"ctid\":\"\",\"outcome\":\"paid\"}],\"next\":1}",
		"{\"news\":[{\"id\":1,\"ctid\":\"k\"}],\"next\":1}",
		"{\"news\":[{\"id\":1,\"sale_id\":0,\"ctid\":\"k\",\"outcome\":\"paid\"}],\"next\":1}",
		"{\"news\":[{\"id\":1,\"sale_id\":\"3\",\"ctid\":\"k\",\"outcome\":\"paid\"}],"
		"\"next\":1}",
		"{\"news\":[{\"id\":1,\"sale_id\":2.5,\"ctid\":\"k\",\"outcome\":\"paid\"}],"
		"\"next\":1}",
		"not json",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(hub_parse_news(bad[i], strlen(bad[i]), &items, &n, &next, &err), -1);
		assert_null(items);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_body),
		cmocka_unit_test(test_acked),
		cmocka_unit_test(test_news),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
