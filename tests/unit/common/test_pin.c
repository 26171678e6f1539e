/* The supervisor PIN: only digits, 4-12 of them; a salted slow hash that
 * verifies the right PIN and nothing else; the lockout grows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/pin.h"

static void test_format(void **state)
{
	(void)state;
	pk_error err;
	assert_int_equal(pk_pin_check_format("2468", &err), 0);
	assert_int_equal(pk_pin_check_format("123456789012", &err), 0);
	assert_int_equal(pk_pin_check_format("123", &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(pk_pin_check_format("1234567890123", &err), -1);
	assert_int_equal(pk_pin_check_format("12a4", &err), -1);
	assert_int_equal(pk_pin_check_format("", &err), -1);
	char h[PK_PIN_HASH_MAX];
	assert_int_equal(pk_pin_hash("12 4", h, sizeof h, &err), -1);
}

static void test_hash_verify(void **state)
{
	(void)state;
	pk_error err;
	char a[PK_PIN_HASH_MAX], b[PK_PIN_HASH_MAX];
	assert_int_equal(pk_pin_hash("2468", a, sizeof a, &err), 0);
	assert_int_equal(pk_pin_hash("2468", b, sizeof b, &err), 0);
	assert_memory_equal(a, "$y$", 3);   /* yescrypt */
	assert_string_not_equal(a, b);      /* salted */
	assert_null(strstr(a, "2468"));
	assert_true(pk_pin_verify("2468", a));
	assert_true(pk_pin_verify("2468", b));
	assert_false(pk_pin_verify("2469", a));
	assert_false(pk_pin_verify("24680", a));
	assert_false(pk_pin_verify("", a));
	assert_false(pk_pin_verify("2468", "2468"));   /* a clear-text "hash" never matches */
	assert_false(pk_pin_verify("2468", "$y$broken"));
	assert_false(pk_pin_verify("2468", NULL));
}

static void test_delay(void **state)
{
	(void)state;
	assert_int_equal(pk_pin_delay_s(0), 0);
	assert_int_equal(pk_pin_delay_s(1), 0);
	assert_int_equal(pk_pin_delay_s(2), 0);
	assert_int_equal(pk_pin_delay_s(3), 5);
	assert_int_equal(pk_pin_delay_s(4), 10);
	assert_int_equal(pk_pin_delay_s(5), 20);
	assert_int_equal(pk_pin_delay_s(20), 300);
	assert_int_equal(pk_pin_delay_s(1000000), 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
