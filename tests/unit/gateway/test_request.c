/* test_request.c - request bodies: the fields and types the gateway's docs
 * ask for, amounts written exactly, bad input refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gateway.h"

static cJSON *parse_body(char *text)
{
	assert_non_null(text);
	cJSON *o = cJSON_Parse(text);
	assert_non_null(o);
	assert_true(cJSON_IsObject(o));
	return o;
}

static void assert_str_field(const cJSON *o, const char *key, const char *want)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring, want);
}

static int count_fields(const cJSON *o)
{
	return cJSON_GetArraySize(o);
}

static void wavepay_create(void **state)
{
	(void)state;
	char *t = gw_body_wavepay_create("eligendi");
	cJSON *o = parse_body(t);
	assert_str_field(o, "currency", "MMK");
	assert_str_field(o, "label", "eligendi");
	assert_int_equal(count_fields(o), 2);
	cJSON_Delete(o);
	free(t);
}

static void wavepay_activate(void **state)
{
	(void)state;
	char *t = gw_body_wavepay_activate("55", "1394646476", 500, "123465477897");
	cJSON *o = parse_body(t);
	assert_str_field(o, "currency_code", "MMK");
	assert_str_field(o, "wallet_type", "Wavepay");
	assert_str_field(o, "label", "55");
	assert_str_field(o, "key1", "1394646476");
	assert_str_field(o, "custom_transaction_id", "123465477897");
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(o, "amount");
	assert_true(cJSON_IsNumber(amount));
	assert_int_equal(amount->valueint, 500);
	assert_int_equal(count_fields(o), 6);
	/* a whole number, as the docs' example writes it */
	assert_non_null(strstr(t, "\"amount\":500,"));
	cJSON_Delete(o);
	free(t);
}

static void upi_create(void **state)
{
	(void)state;
	char *t = gw_body_upi_create("test_user55", 10000, "test_custom1234");
	cJSON *o = parse_body(t);
	assert_str_field(o, "mode", "upi_collect_qr");
	assert_str_field(o, "currency", "INR");
	assert_str_field(o, "label", "test_user55");
	assert_str_field(o, "wallet_type", "upi_s");
	assert_str_field(o, "custom_transaction_id", "test_custom1234");
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(o, "amount");
	assert_true(cJSON_IsNumber(amount));
	assert_true(amount->valuedouble == 100.0);
	assert_int_equal(count_fields(o), 6);
	assert_non_null(strstr(t, "\"amount\":100,"));
	cJSON_Delete(o);
	free(t);
}

static void upi_amounts_exact(void **state)
{
	(void)state;
	static const struct {
		int64_t paise;
		const char *text;
	} cases[] = {
		{10050, "\"amount\":100.5,"}, {10001, "\"amount\":100.01,"},
		{5, "\"amount\":0.05,"},      {1999999999, "\"amount\":19999999.99,"},
		{33, "\"amount\":0.33,"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *t = gw_body_upi_create("u", cases[i].paise, "c1");
		assert_non_null(t);
		assert_non_null(strstr(t, cases[i].text));
		assert_null(strstr(t, "999999999999"));
		assert_null(strstr(t, "000000001"));
		free(t);
	}
}

static void status_and_settle(void **state)
{
	(void)state;
	char *t = gw_body_upi_status("029391c747902d94");
	cJSON *o = parse_body(t);
	assert_str_field(o, "order_id", "029391c747902d94");
	assert_int_equal(count_fields(o), 1);
	cJSON_Delete(o);
	free(t);

	t = gw_body_sandbox_settle("6a12ce38b3164c53", "success");
	o = parse_body(t);
	assert_str_field(o, "order_id", "6a12ce38b3164c53");
	assert_str_field(o, "status", "success");
	cJSON_Delete(o);
	free(t);
}

static void strings_escaped(void **state)
{
	(void)state;
	/* quotes, backslashes and non-ASCII labels stay one JSON string each */
	char *t = gw_body_upi_create("a\"b\\c\xE0\xA4\x95", 100, "x\"y");
	cJSON *o = parse_body(t);
	assert_str_field(o, "label", "a\"b\\c\xE0\xA4\x95");
	assert_str_field(o, "custom_transaction_id", "x\"y");
	assert_int_equal(count_fields(o), 6);
	cJSON_Delete(o);
	free(t);
}

static void bad_input_refused(void **state)
{
	(void)state;
	char long_label[192];
	memset(long_label, 'l', 191);
	long_label[191] = '\0';
	char ok_label[191];
	memset(ok_label, 'l', 190);
	ok_label[190] = '\0';

	assert_null(gw_body_wavepay_create(NULL));
	assert_null(gw_body_wavepay_create(""));
	assert_null(gw_body_wavepay_create(long_label));
	char *t = gw_body_wavepay_create(ok_label);
	assert_non_null(t);
	free(t);

	assert_null(gw_body_upi_create("u", 0, "c"));
	assert_null(gw_body_upi_create("u", -100, "c"));
	assert_null(gw_body_upi_create("u", 100, ""));
	assert_null(gw_body_upi_create("u", 100, NULL));
	assert_null(gw_body_upi_create(long_label, 100, "c"));

	/* key1: at most 11 characters */
	assert_null(gw_body_wavepay_activate("l", "123456789012", 500, "c"));
	assert_null(gw_body_wavepay_activate("l", "", 500, "c"));
	assert_null(gw_body_wavepay_activate("l", NULL, 500, "c"));
	assert_null(gw_body_wavepay_activate("l", "1", 0, "c"));
	t = gw_body_wavepay_activate("l", "12345678901", 500, "c");
	assert_non_null(t);
	free(t);

	assert_null(gw_body_upi_status(""));
	assert_null(gw_body_upi_status(NULL));
	assert_null(gw_body_sandbox_settle("o", ""));
}

static void paths_and_currencies(void **state)
{
	(void)state;
	assert_string_equal(gw_call_path(GW_WAVEPAY_CREATE), "/api/v1/transaction/create/wavepay");
	assert_string_equal(gw_call_path(GW_WAVEPAY_ACTIVATE), "/api/v1/transaction/activate");
	assert_string_equal(gw_call_path(GW_UPI_CREATE), "/api/v1/payment/create/upi_s");
	assert_string_equal(gw_call_path(GW_UPI_STATUS), "/api/v1/payment/upi_s/status");
	assert_null(gw_call_path(GW_CALL__COUNT));
	assert_int_equal(gw_call_currency(GW_WAVEPAY_ACTIVATE), PK_CUR_MMK);
	assert_int_equal(gw_call_currency(GW_UPI_CREATE), PK_CUR_INR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wavepay_create),    cmocka_unit_test(wavepay_activate),
		cmocka_unit_test(upi_create),        cmocka_unit_test(upi_amounts_exact),
		cmocka_unit_test(status_and_settle), cmocka_unit_test(strings_escaped),
		cmocka_unit_test(bad_input_refused), cmocka_unit_test(paths_and_currencies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
