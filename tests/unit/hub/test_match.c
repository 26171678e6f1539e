/* Matching a postback's transaction to a sale (docs/HUB.md "Matching"):
 * the decision table, and the name tables every SQL list comes from.  The
 * one outcome that moves money on a kiosk is "closed, tell the kiosk": it
 * must happen only for a verified transaction, exactly one sale with the
 * value, the same amount and currency, an open sale, no other payment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hub/match.h"
#include "hub/model.h"

static pk_hub_match_in closing(void)
{
	return (pk_hub_match_in){ .trusted = true, .has_value = true, .nsales = 1,
				  .outcome = PK_HUB_OUTCOME_NOT_KNOWN, .same_money = true,
				  .other_payment = false };
}

static void expect(pk_hub_match_in in, pk_hub_result want, bool news)
{
	pk_hub_match_out out = pk_hub_match_decide(&in);
	if (out.result != want || out.news != news)
		print_error("got %s news=%d, wanted %s news=%d\n", pk_hub_result_name(out.result),
			    out.news, pk_hub_result_name(want), news);
	assert_int_equal(out.result, want);
	assert_int_equal(out.news, news);
}

static void test_decision_table(void **state)
{
	(void)state;
	pk_hub_match_in in = closing();
	expect(in, PK_RESULT_CLOSED, true);

	in = closing();
	in.trusted = false;
	expect(in, PK_RESULT_UNTRUSTED, false);
	in = closing();
	in.has_value = false;
	expect(in, PK_RESULT_NO_SALE, false);
	in = closing();
	in.nsales = 0;
	expect(in, PK_RESULT_NO_SALE, false);
	in = closing();
	in.nsales = 2;
	expect(in, PK_RESULT_SEVERAL_SALES, false);
	in = closing();
	in.same_money = false;
	expect(in, PK_RESULT_AMOUNT_DIFFERS, false);
	in = closing();
	in.other_payment = true;
	expect(in, PK_RESULT_SECOND_PAYMENT, false);

	/* the kiosk's last word decides between closing, confirming, reporting */
	in = closing();
	in.outcome = PK_HUB_OUTCOME_PAID;
	expect(in, PK_RESULT_CONFIRMED, false);
	static const pk_hub_outcome not_paid[] = { PK_HUB_OUTCOME_NOT_PAID, PK_HUB_OUTCOME_NOTHING,
						   PK_HUB_OUTCOME_NONE };
	for (size_t i = 0; i < sizeof not_paid / sizeof *not_paid; i++) {
		in = closing();
		in.outcome = not_paid[i];
		expect(in, PK_RESULT_KIOSK_NOT_PAID, false);
	}
}

/* Every combination: news if and only if the one unambiguous case. */
static void test_news_only_when_unambiguous(void **state)
{
	(void)state;
	int closed = 0;
	for (int mask = 0; mask < 16; mask++)
		for (int nsales = 0; nsales <= 2; nsales++)
			for (int o = 0; o < PK_HUB_OUTCOME__COUNT; o++) {
				pk_hub_match_in in = { .trusted = mask & 1,
						       .has_value = mask & 2,
						       .same_money = mask & 4,
						       .other_payment = mask & 8,
						       .nsales = nsales,
						       .outcome = (pk_hub_outcome)o };
				pk_hub_match_out out = pk_hub_match_decide(&in);
				bool want = in.trusted && in.has_value && nsales == 1 &&
					    in.same_money && !in.other_payment &&
					    o == PK_HUB_OUTCOME_NOT_KNOWN;
				assert_int_equal(out.news, want);
				assert_int_equal(out.result == PK_RESULT_CLOSED, want);
				closed += want;
				/* a result always names a known result */
				assert_string_not_equal(pk_hub_result_name(out.result), "?");
			}
	assert_int_equal(closed, 1);
}

static void test_sections_of_results(void **state)
{
	(void)state;
	/* what a shop owner must act on, by section */
	assert_int_equal(pk_hub_result_section(PK_RESULT_NO_SALE), PK_SEC_NO_SALE);
	assert_int_equal(pk_hub_result_section(PK_RESULT_SEVERAL_SALES), PK_SEC_AMBIGUOUS);
	assert_int_equal(pk_hub_result_section(PK_RESULT_AMOUNT_DIFFERS), PK_SEC_AMBIGUOUS);
	assert_int_equal(pk_hub_result_section(PK_RESULT_SECOND_PAYMENT), PK_SEC_AMBIGUOUS);
	assert_int_equal(pk_hub_result_section(PK_RESULT_KIOSK_NOT_PAID), PK_SEC_NOT_RECORDED);
	assert_int_equal(pk_hub_result_section(PK_RESULT_CLOSED), PK_SEC_NOT_RECORDED);
	assert_int_equal(pk_hub_result_section(PK_RESULT_CONFIRMED), PK_SEC_NONE);
	/* untrusted ones are listed per postback, not per transaction */
	assert_int_equal(pk_hub_result_section(PK_RESULT_UNTRUSTED), PK_SEC_NONE);

	char buf[256];
	assert_int_equal(pk_hub_section_results_array(PK_SEC_AMBIGUOUS, buf, sizeof buf), 0);
	assert_string_equal(buf, "{several_sales,amount_differs,second_payment}");
	assert_int_equal(pk_hub_section_results_array(PK_SEC_TOTALS, buf, sizeof buf), 0);
	assert_string_equal(buf, "{}");
	assert_int_equal(pk_hub_holding_results_array(buf, sizeof buf), 0);
	assert_string_equal(buf, "{closed,kiosk_not_paid,confirmed}");
	assert_int_equal(pk_hub_holding_results_array(buf, 10), -1); /* too small: refused */

	/* names round-trip; unknown names are refused */
	for (int r = 0; r < PK_RESULT__COUNT; r++) {
		pk_hub_result back;
		assert_int_equal(pk_hub_result_parse(pk_hub_result_name((pk_hub_result)r), &back), 0);
		assert_int_equal(back, r);
		assert_true(strlen(pk_hub_result_label((pk_hub_result)r)) > 0);
	}
	pk_hub_result res;
	assert_int_equal(pk_hub_result_parse("closed ", &res), -1);
}

static void test_outcomes(void **state)
{
	(void)state;
	/* the kiosk's stable names (src/model/record.h pk_outcome_name, plus none) */
	static const char *const names[] = { "paid", "not_paid", "nothing", "not_known", "none" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		pk_hub_outcome o;
		assert_int_equal(pk_hub_outcome_parse(names[i], &o), 0);
		assert_string_equal(pk_hub_outcome_name(o), names[i]);
	}
	pk_hub_outcome o;
	assert_int_equal(pk_hub_outcome_parse("Paid", &o), -1);
	assert_int_equal(pk_hub_outcome_parse("", &o), -1);

	char buf[128];
	assert_int_equal(pk_hub_group_array(PK_GROUP_PAID, buf, sizeof buf), 0);
	assert_string_equal(buf, "{paid}");
	assert_int_equal(pk_hub_group_array(PK_GROUP_NOT_PAID, buf, sizeof buf), 0);
	assert_string_equal(buf, "{not_paid,nothing}");
	assert_int_equal(pk_hub_group_array(PK_GROUP_OPEN, buf, sizeof buf), 0);
	assert_string_equal(buf, "{none,not_known}");
}

static void test_text_array(void **state)
{
	(void)state;
	const char *const items[] = { "ctid-1", "a\"b", "c\\d", "", "x,y{z}" };
	char *a = pk_hub_text_array(items, 5);
	assert_non_null(a);
	assert_string_equal(a, "{\"ctid-1\",\"a\\\"b\",\"c\\\\d\",\"\",\"x,y{z}\"}");
	free(a);
	a = pk_hub_text_array(NULL, 0);
	assert_string_equal(a, "{}");
	free(a);
}

static void test_match_values(void **state)
{
	(void)state;
	pk_postback pb;
	memset(&pb, 0, sizeof pb);
	strcpy(pb.label, "payer-7");
	pk_pb_tx tx;
	memset(&tx, 0, sizeof tx);
	strcpy(tx.plugin_custom_order_id, "shop12-20251130-abc");
	strcpy(tx.transaction_id, "322712363408");
	assert_string_equal(pk_hub_tx_match_value(PK_MATCH_PLUGIN_CUSTOM_ORDER_ID, &pb, &tx),
			    "shop12-20251130-abc");
	assert_string_equal(pk_hub_tx_match_value(PK_MATCH_LABEL, &pb, &tx), "payer-7");
	assert_string_equal(pk_hub_tx_match_value(PK_MATCH_TRANSACTION_ID, &pb, &tx),
			    "322712363408");
	/* and the sale's side of each, over `sales s` */
	assert_string_equal(pk_hub_match_field_sql(PK_MATCH_PLUGIN_CUSTOM_ORDER_ID),
			    "s.custom_transaction_id");
	assert_string_equal(pk_hub_match_field_sql(PK_MATCH_LABEL), "s.label");
	assert_non_null(strstr(pk_hub_match_field_sql(PK_MATCH_TRANSACTION_ID), "s.key1"));
	assert_non_null(strstr(pk_hub_match_field_sql(PK_MATCH_TRANSACTION_ID), "s.order_id"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decision_table),
		cmocka_unit_test(test_news_only_when_unambiguous),
		cmocka_unit_test(test_sections_of_results),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_text_array),
		cmocka_unit_test(test_match_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
