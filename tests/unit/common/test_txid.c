/* Transaction IDs and account labels as a cashier types them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/txid.h"

static void key1_ok(const char *in, const char *want)
{
	pk_error err = { 0 };
	char out[PK_KEY1_MAX + 1];
	int rc = pk_key1_normalise(in, out, sizeof out, &err);
	if (rc != 0)
		print_error("'%s' rejected: %s\n", in, err.msg);
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
}

static void key1_bad(const char *in, const char *msg)
{
	pk_error err = { 0 };
	char out[64] = "untouched";
	assert_int_equal(pk_key1_normalise(in, out, sizeof out, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_string_equal(out, "untouched");
	if (!strstr(err.msg, msg))
		print_error("message '%s' lacks '%s'\n", err.msg, msg);
	assert_non_null(strstr(err.msg, msg));
}

static void test_digit_value(void **state)
{
	(void)state;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(pk_digit_value(L'0' + i), i);
		assert_int_equal(pk_digit_value(0x1040 + i), i);
		assert_int_equal(pk_digit_value(0x0966 + i), i);
	}
	assert_int_equal(pk_digit_value(L'a'), -1);
	assert_int_equal(pk_digit_value(L'/'), -1);
	assert_int_equal(pk_digit_value(L':'), -1);
	assert_int_equal(pk_digit_value(0x103F), -1);
	assert_int_equal(pk_digit_value(0x104A), -1);
	assert_int_equal(pk_digit_value(0x0965), -1);
	assert_int_equal(pk_digit_value(0x0970), -1);
	assert_int_equal(pk_digit_value(0x0660), -1); /* Arabic-Indic zero: not ours */
}

static void test_key1_scripts(void **state)
{
	(void)state;
	key1_ok("12345678901", "12345678901");
	key1_ok("0", "0");
	key1_ok("007", "007");
	key1_ok("၁၂၃၄၅၆၇၈၉၀", "1234567890");       /* Burmese */
	key1_ok("०१२३४५६७८९", "0123456789");       /* Devanagari */
	key1_ok("1၂३4", "1234");                   /* mixed */
	key1_ok("၁၂၃၄၅၆၇၈၉၀၁", "12345678901");    /* 11 Burmese digits */
}

static void test_key1_rejects(void **state)
{
	(void)state;
	key1_bad("", "Enter the transaction ID");
	key1_bad(NULL, "Enter the transaction ID");
	key1_bad("123456789012", "at most 11 digits");
	key1_bad("၁၂၃၄၅၆၇၈၉၀၁၂", "at most 11 digits");
	key1_bad("12a4", "digits only");
	key1_bad("12 34", "digits only");
	key1_bad(" 1234", "digits only");
	key1_bad("-1234", "digits only");
	key1_bad("12\n", "digits only");
	key1_bad("١٢٣", "digits only");                 /* Arabic-Indic */
	key1_bad("\xc0\xb1", "digits only");              /* overlong '1' */
	key1_bad("\xe0\x81\x81", "digits only");          /* overlong U+1041 */
	key1_bad("12\xe1\x81", "digits only");            /* truncated */
	key1_bad("\xe1\x81\x81\x81", "digits only");      /* stray continuation */
	key1_bad("\xed\xa0\x80", "digits only");          /* surrogate */
	key1_bad("\xf8\x88\x80\x80\x80", "digits only");  /* 5-byte form */
	key1_bad("\xff", "digits only");

	pk_error err = { 0 };
	char tiny[4];
	assert_int_equal(pk_key1_normalise("12345", tiny, sizeof tiny, &err), -1);
}

static void test_label(void **state)
{
	(void)state;
	pk_error err = { 0 };
	char out[PK_LABEL_MAX + 1];
	assert_int_equal(pk_label_normalise("user-42@shop.example", out, sizeof out, &err), 0);
	assert_string_equal(out, "user-42@shop.example");
	assert_int_equal(pk_label_normalise("  acct ၄၂ / ४२  ", out, sizeof out, &err), 0);
	assert_string_equal(out, "acct 42 / 42");

	assert_int_equal(pk_label_normalise("", out, sizeof out, &err), -1);
	assert_non_null(strstr(err.msg, "Enter the account ID"));
	assert_int_equal(pk_label_normalise("   ", out, sizeof out, &err), -1);
	assert_non_null(strstr(err.msg, "Enter the account ID"));
	assert_int_equal(pk_label_normalise("ab\tc", out, sizeof out, &err), -1);
	assert_non_null(strstr(err.msg, "letters, digits"));
	assert_int_equal(pk_label_normalise("ab\x7f", out, sizeof out, &err), -1);
	assert_int_equal(pk_label_normalise("naïve", out, sizeof out, &err), -1);
	assert_non_null(strstr(err.msg, "letters, digits"));
	assert_int_equal(pk_label_normalise("မင်း", out, sizeof out, &err), -1);
	assert_int_equal(pk_label_normalise("a\xc3", out, sizeof out, &err), -1);

	char long_in[400];
	memset(long_in, 'x', 190);
	long_in[190] = '\0';
	assert_int_equal(pk_label_normalise(long_in, out, sizeof out, &err), 0);
	assert_int_equal(strlen(out), 190);
	long_in[190] = 'y';
	long_in[191] = '\0';
	assert_int_equal(pk_label_normalise(long_in, out, sizeof out, &err), -1);
	assert_non_null(strstr(err.msg, "at most 190"));
	/* 190 Burmese digits are 570 bytes typed but 190 after normalising */
	char burmese[190 * 3 + 1];
	for (int i = 0; i < 190; i++)
		memcpy(burmese + 3 * i, "\xe1\x81\x85", 3); /* ၅ */
	burmese[570] = '\0';
	assert_int_equal(pk_label_normalise(burmese, out, sizeof out, &err), 0);
	assert_int_equal(strlen(out), 190);
	assert_int_equal(out[0], '5');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digit_value),
		cmocka_unit_test(test_key1_scripts),
		cmocka_unit_test(test_key1_rejects),
		cmocka_unit_test(test_label),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
