/* test_field.c - the entry fields: digits typed in ASCII, Burmese or
 * Devanagari are stored as ASCII; lengths are capped; only one '.' in an
 * amount; '*' (the language key) never lands in a field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* The field's key handling is pure; its drawing is stubbed out here. */
#include "../../../src/ui/field.c"

int pk_draw_text(int y, int x, int w, const char *utf8, attr_t attr)
{
	(void)y, (void)x, (void)w, (void)utf8, (void)attr;
	return 0;
}
void pk_draw_fill(int y, int x, int w, attr_t attr)
{
	(void)y, (void)x, (void)w, (void)attr;
}
attr_t pk_role_attr(pk_role role)
{
	(void)role;
	return 0;
}

static void type(pk_field *f, const wchar_t *keys)
{
	for (; *keys; keys++)
		pk_field_key(f, (int)*keys);
}

static void test_native_digits_become_ascii(void **state)
{
	(void)state;
	pk_field f;
	pk_field_init(&f, PK_FIELD_DIGITS, PK_KEY1_MAX);
	type(&f, L"1\u1042\u0969\u1040\u096F"); /* 1 ၂ ३ ၀ ९ */
	assert_string_equal(f.text, "12309");
}

static void test_txid_max_and_no_letters(void **state)
{
	(void)state;
	pk_field f;
	pk_field_init(&f, PK_FIELD_DIGITS, PK_KEY1_MAX);
	assert_false(pk_field_key(&f, 'a'));
	assert_false(pk_field_key(&f, '*'));
	assert_false(pk_field_key(&f, '.'));
	type(&f, L"1234567890123");
	assert_string_equal(f.text, "12345678901");
	assert_true(pk_field_key(&f, PK_K_BACKSPACE));
	assert_string_equal(f.text, "1234567890");
}

static void test_amount_one_dot(void **state)
{
	(void)state;
	pk_field f;
	pk_field_init(&f, PK_FIELD_AMOUNT, 12);
	type(&f, L"1\u0966.5.0");
	assert_string_equal(f.text, "10.50");
	assert_false(pk_field_key(&f, '*'));
	assert_false(pk_field_key(&f, '-'));
	for (int i = 0; i < 10; i++)
		pk_field_key(&f, PK_K_BACKSPACE);
	assert_string_equal(f.text, "");
	assert_int_equal(f.len, 0);
}

static void test_label_printable_ascii(void **state)
{
	(void)state;
	pk_field f;
	pk_field_init(&f, PK_FIELD_LABEL, PK_LABEL_MAX);
	type(&f, L"cust-\u1041\u1042*x y\x01");
	assert_string_equal(f.text, "cust-12xy");
	pk_field_set(&f, "abc");
	assert_int_equal(f.len, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_digits_become_ascii),
		cmocka_unit_test(test_txid_max_and_no_letters),
		cmocka_unit_test(test_amount_one_dot),
		cmocka_unit_test(test_label_printable_ascii),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
