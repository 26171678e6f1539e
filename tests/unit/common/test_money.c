/* Money: what the cashier types, what the gateway receives, what is shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "common/money.h"

static int64_t parse_ok(const char *text, pk_currency cur)
{
	pk_error err = { 0 };
	int64_t v = -1;
	int rc = pk_money_parse(text, cur, &v, &err);
	if (rc != 0)
		print_error("unexpected rejection of '%s': %s\n", text, err.msg);
	assert_int_equal(rc, 0);
	return v;
}

static void parse_bad(const char *text, pk_currency cur, const char *msg_part)
{
	pk_error err = { 0 };
	int64_t v = 12345;
	assert_int_equal(pk_money_parse(text, cur, &v, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(v, 12345); /* untouched */
	if (!strstr(err.msg, msg_part))
		print_error("'%s': message '%s' lacks '%s'\n", text ? text : "(null)", err.msg, msg_part);
	assert_non_null(strstr(err.msg, msg_part));
}

static void test_parse_accepts(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("100", PK_CUR_INR), 10000);
	assert_int_equal(parse_ok("100.5", PK_CUR_INR), 10050);
	assert_int_equal(parse_ok("100.50", PK_CUR_INR), 10050);
	assert_int_equal(parse_ok("0.50", PK_CUR_INR), 50);
	assert_int_equal(parse_ok("0.01", PK_CUR_INR), 1);
	assert_int_equal(parse_ok("5000", PK_CUR_MMK), 5000);
	assert_int_equal(parse_ok("007", PK_CUR_MMK), 7);
	assert_int_equal(parse_ok("000000000000000000000000001", PK_CUR_MMK), 1);
	assert_int_equal(parse_ok("10000000", PK_CUR_MMK), 10000000);
	assert_int_equal(parse_ok("10000000.00", PK_CUR_INR), 1000000000);
}

static void test_parse_rejects(void **state)
{
	(void)state;
	parse_bad("", PK_CUR_INR, "greater than zero");
	parse_bad(NULL, PK_CUR_INR, "greater than zero");
	parse_bad("0", PK_CUR_MMK, "greater than zero");
	parse_bad("0.00", PK_CUR_INR, "greater than zero");
	parse_bad("-5", PK_CUR_MMK, "digits");
	parse_bad("+5", PK_CUR_INR, "digits");
	parse_bad("1e3", PK_CUR_INR, "digits");
	parse_bad(" 100", PK_CUR_MMK, "digits");
	parse_bad("100 ", PK_CUR_INR, "digits");
	parse_bad("1 000", PK_CUR_MMK, "digits");
	parse_bad("1,000", PK_CUR_MMK, "digits");
	parse_bad("1.2.3", PK_CUR_INR, "one '.'");
	parse_bad(".5", PK_CUR_INR, "'.'");
	parse_bad("5.", PK_CUR_INR, "'.'");
	parse_bad("100.505", PK_CUR_INR, "INR amounts have at most 2 decimals");
	parse_bad("100.5", PK_CUR_MMK, "MMK amounts are whole kyat");
	parse_bad("5000.0", PK_CUR_MMK, "whole kyat");
	parse_bad("10000001", PK_CUR_MMK, "Amount too large (max 10,000,000 MMK)");
	parse_bad("10000000.01", PK_CUR_INR, "Amount too large (max 10,000,000.00 INR)");
	parse_bad("99999999999999999999999999", PK_CUR_MMK, "too large");
	parse_bad("\xe1\x81\x81", PK_CUR_MMK, "digits"); /* Burmese one: not here */
}

static const char *json(int64_t minor, pk_currency cur)
{
	static char buf[64]; /* test-only scratch */
	assert_true(pk_money_json(minor, cur, buf, sizeof buf) > 0);
	return buf;
}

static void test_json_exact(void **state)
{
	(void)state;
	assert_string_equal(json(10050, PK_CUR_INR), "100.5");
	assert_string_equal(json(10000, PK_CUR_INR), "100");
	assert_string_equal(json(5, PK_CUR_INR), "0.05");
	assert_string_equal(json(50, PK_CUR_INR), "0.5");
	assert_string_equal(json(12345, PK_CUR_INR), "123.45");
	assert_string_equal(json(5000, PK_CUR_MMK), "5000");
	assert_string_equal(json(0, PK_CUR_INR), "0");
	assert_string_equal(json(-250, PK_CUR_INR), "-2.5");
	assert_string_equal(json(INT64_MIN, PK_CUR_MMK), "-9223372036854775808");

	char small[4];
	assert_int_equal(pk_money_json(10050, PK_CUR_INR, small, sizeof small), -1);
	char exact[6];
	assert_int_equal(pk_money_json(10050, PK_CUR_INR, exact, sizeof exact), 5);
	assert_string_equal(exact, "100.5");
}

static void test_json_round_trip(void **state)
{
	(void)state;
	/* Every value the cashier can type survives parse -> json -> parse. */
	const char *inputs[] = { "1", "0.01", "0.1", "9.99", "100.5", "1234567.89", "10000000" };
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		int64_t a = parse_ok(inputs[i], PK_CUR_INR);
		int64_t b = parse_ok(json(a, PK_CUR_INR), PK_CUR_INR);
		assert_int_equal(a, b);
		/* and the gateway's double of it comes back to the same minor units */
		int64_t c = -1;
		double d = (double)a / 100.0;
		assert_int_equal(pk_money_from_double(d, PK_CUR_INR, &c), 0);
		assert_int_equal(a, c);
	}
	for (int64_t v = 1; v < 100000; v += 7) {
		int64_t c = -1;
		assert_int_equal(pk_money_from_double((double)v / 100.0, PK_CUR_INR, &c), 0);
		assert_int_equal(c, v);
	}
}

static void test_from_double(void **state)
{
	(void)state;
	int64_t v = -7;
	assert_int_equal(pk_money_from_double(100.5, PK_CUR_INR, &v), 0);
	assert_int_equal(v, 10050);
	assert_int_equal(pk_money_from_double(0.1 + 0.2, PK_CUR_INR, &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(pk_money_from_double(1.005, PK_CUR_INR, &v), 0);
	assert_true(v == 100 || v == 101); /* 1.005 is 1.00499999... in binary */
	assert_int_equal(pk_money_from_double(5000.0, PK_CUR_MMK, &v), 0);
	assert_int_equal(v, 5000);
	assert_int_equal(pk_money_from_double(4999.6, PK_CUR_MMK, &v), 0);
	assert_int_equal(v, 5000);
	assert_int_equal(pk_money_from_double(0.0, PK_CUR_MMK, &v), 0);
	assert_int_equal(v, 0);

	v = 42;
	assert_int_equal(pk_money_from_double(NAN, PK_CUR_INR, &v), -1);
	assert_int_equal(pk_money_from_double(INFINITY, PK_CUR_INR, &v), -1);
	assert_int_equal(pk_money_from_double(-1.0, PK_CUR_INR, &v), -1);
	assert_int_equal(pk_money_from_double(1e11, PK_CUR_INR, &v), -1); /* 1e13 paise */
	assert_int_equal(pk_money_from_double(1e300, PK_CUR_MMK, &v), -1);
	assert_int_equal(v, 42);
	assert_int_equal(pk_money_from_double(1e12, PK_CUR_MMK, &v), 0);
	assert_int_equal(v, 1000000000000LL);
}

static void test_display(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(pk_money_display(123450, PK_CUR_INR, buf, sizeof buf), 12);
	assert_string_equal(buf, "1,234.50 INR");
	pk_money_display(5000, PK_CUR_MMK, buf, sizeof buf);
	assert_string_equal(buf, "5,000 MMK");
	pk_money_display(10050, PK_CUR_INR, buf, sizeof buf);
	assert_string_equal(buf, "100.50 INR");
	pk_money_display(5, PK_CUR_INR, buf, sizeof buf);
	assert_string_equal(buf, "0.05 INR");
	pk_money_display_plain(999, PK_CUR_MMK, buf, sizeof buf);
	assert_string_equal(buf, "999");
	pk_money_display_plain(1000000000, PK_CUR_INR, buf, sizeof buf);
	assert_string_equal(buf, "10,000,000.00");
	pk_money_display_plain(123456789, PK_CUR_MMK, buf, sizeof buf);
	assert_string_equal(buf, "123,456,789");
	pk_money_display_plain(-1234, PK_CUR_MMK, buf, sizeof buf);
	assert_string_equal(buf, "-1,234");
	char small[8];
	assert_int_equal(pk_money_display(123450, PK_CUR_INR, small, sizeof small), -1);
}

static void test_currency(void **state)
{
	(void)state;
	pk_currency c = PK_CUR__COUNT;
	assert_int_equal(pk_currency_parse("INR", &c), 0);
	assert_int_equal(c, PK_CUR_INR);
	assert_int_equal(pk_currency_parse("mmk", &c), 0);
	assert_int_equal(c, PK_CUR_MMK);
	assert_int_equal(pk_currency_parse("USD", &c), -1);
	assert_int_equal(pk_currency_parse("IN", &c), -1);
	assert_int_equal(pk_currency_parse("INRX", &c), -1);
	assert_int_equal(pk_currency_parse("", &c), -1);
	assert_string_equal(pk_currency_code(PK_CUR_MMK), "MMK");
	assert_string_equal(pk_currency_code(PK_CUR_INR), "INR");
	assert_int_equal(pk_currency_exponent(PK_CUR_MMK), 0);
	assert_int_equal(pk_currency_exponent(PK_CUR_INR), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_json_exact),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_from_double),
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_currency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
