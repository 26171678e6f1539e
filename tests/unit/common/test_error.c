/* Errors the screen shows after the cashier switched the language come out
 * in the new language (the built catalogues, via PAYKIOSK_LOCALEDIR); the
 * argument and the HTTP code are kept; plain errors stay as they are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/error.h"
#include "common/i18n.h"
#include "common/money.h"
#include "common/txid.h"

static void test_retranslated(void **state)
{
	(void)state;
	assert_int_equal(pk_i18n_init(), 0);
	pk_i18n_set_lang(PK_LANG_EN);
	pk_error e;
	pk_error_clear(&e);
	assert_int_equal(pk_error_set_id(&e, PK_ERR_REFUSED, 7,
					 N_("Could not connect to the gateway (%s)"), "gw.example"),
			 -1);
	assert_string_equal(e.msg, "Could not connect to the gateway (gw.example)");
	char buf[PK_ERR_MSG_MAX];
	pk_i18n_set_lang(PK_LANG_HI);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf), "गेटवे (gw.example) से कनेक्ट नहीं हो सका");
	pk_i18n_set_lang(PK_LANG_MY);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf),
			    "Gateway (gw.example) နှင့် ချိတ်ဆက်၍ မရပါ");
	pk_i18n_set_lang(PK_LANG_EN);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf), e.msg);

	/* the code fills %ld */
	pk_error_set_id(&e, PK_ERR_HTTP, 500, N_("The gateway answered with an error (HTTP %ld)"),
			NULL);
	assert_string_equal(e.msg, "The gateway answered with an error (HTTP 500)");
	pk_i18n_set_lang(PK_LANG_HI);
	assert_non_null(strstr(pk_error_text(&e, buf, sizeof buf), "500"));
	assert_null(strstr(buf, "The gateway"));
	pk_i18n_set_lang(PK_LANG_EN);

	/* a plain error is shown as it was made */
	pk_error_set(&e, PK_ERR_IO, "disk %s", "full");
	assert_null(e.msgid);
	pk_i18n_set_lang(PK_LANG_HI);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf), "disk full");
	pk_i18n_set_lang(PK_LANG_EN);
}

/* What the cashier typed wrong follows '*' too: the checks of amounts and
 * IDs make errors that are translated again when shown. */
static void test_input_errors_follow_the_language(void **state)
{
	(void)state;
	assert_int_equal(pk_i18n_init(), 0);
	pk_i18n_set_lang(PK_LANG_EN);
	pk_error e;
	int64_t minor;
	char buf[PK_ERR_MSG_MAX];
	assert_int_equal(pk_money_parse("10.5", PK_CUR_MMK, &minor, &e), -1);
	assert_string_equal(e.msg, "MMK amounts are whole kyat");
	pk_i18n_set_lang(PK_LANG_HI);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf), "MMK रकम पूरे क्यात में होती है");

	pk_i18n_set_lang(PK_LANG_EN);
	assert_int_equal(pk_money_parse("1.234", PK_CUR_INR, &minor, &e), -1);
	assert_string_equal(e.msg, "INR amounts have at most 2 decimals"); /* %s and %d */
	pk_i18n_set_lang(PK_LANG_HI);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf),
			    "INR रकम में ज़्यादा से ज़्यादा 2 दशमलव अंक होते हैं");

	pk_i18n_set_lang(PK_LANG_EN);
	char key1[16];
	assert_int_equal(pk_key1_normalise("12a", key1, sizeof key1, &e), -1);
	pk_i18n_set_lang(PK_LANG_HI);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf), "ट्रांज़ैक्शन ID: सिर्फ़ अंक");
	pk_i18n_set_lang(PK_LANG_EN);
	assert_string_equal(pk_error_text(&e, buf, sizeof buf), "Transaction ID: digits only");
}

static void test_long_argument_cut_whole(void **state)
{
	(void)state;
	char arg[600];
	memset(arg, 'a', sizeof arg);
	/* a 3-byte character across the 255-byte limit is dropped, not cut */
	memcpy(arg + 254, "\xe0\xa4\x95", 3);
	arg[sizeof arg - 1] = '\0';
	pk_error e;
	pk_error_set_id(&e, PK_ERR_GATEWAY_FAIL, 200, N_("The gateway refused: %s"), arg);
	assert_int_equal(strlen(e.arg), 254);
	char buf[PK_ERR_MSG_MAX];
	assert_true(strlen(pk_error_text(&e, buf, sizeof buf)) < sizeof buf);
	pk_error_clear(&e);
	assert_null(e.msgid);
	assert_string_equal(e.msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retranslated),
		cmocka_unit_test(test_input_errors_follow_the_language),
		cmocka_unit_test(test_long_argument_cut_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
