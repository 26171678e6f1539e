/* test_upi_link.c - gw_upi_link_amount: the amount a upi://pay link asks
 * (its "am" parameter), in minor units, or -1 when there is none or it
 * cannot be trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "gateway/gateway.h"

#define NO_AMOUNT (-1)

static void link_amounts(void **state)
{
	(void)state;
	static const struct {
		const char *link;
		pk_currency cur;
		int64_t minor; /* NO_AMOUNT: the function must return -1 */
	} cases[] = {
		/* the spec's own link */
		{"upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987"
		 "&tr=IT32021661770570987",
		 PK_CUR_INR, 10000},
		{"upi://pay?pa=x@y&am=100", PK_CUR_INR, 10000},
		{"upi://pay?am=100.5", PK_CUR_INR, 10050},
		{"upi://pay?am=100.50&pa=x@y", PK_CUR_INR, 10050},
		{"upi://pay?pa=x@y&am=999.00&cu=INR", PK_CUR_INR, 99900},
		{"upi://pay?pa=x@y&am=0.05", PK_CUR_INR, 5},
		{"upi://pay?pa=x@y&am=007", PK_CUR_INR, 700},
		{"UPI://pay?pa=x@y&am=1", PK_CUR_INR, 100},  /* the scheme in any case */
		{"upi://pay?pa=x@y&am=5000", PK_CUR_MMK, 5000}, /* MMK: whole kyat */
		/* percent-encoding in the value */
		{"upi://pay?pa=x@y&am=100%2E50", PK_CUR_INR, 10050},
		{"upi://pay?pa=x@y&am=100%2e5", PK_CUR_INR, 10050},
		{"upi://pay?pa=x@y&am=%31%30%30", PK_CUR_INR, 10000},
		/* ... but a name that only decodes to "am" is read as "am" by some
		 * apps and not by others (Android's getQueryParameter): ambiguous */
		{"upi://pay?pa=x@y&%61m=42", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=42&%61m=42", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&%61%6D=42", PK_CUR_INR, NO_AMOUNT},
		/* other escaped names are just other parameters */
		{"upi://pay?pa=x@y&p%61=z&am=42", PK_CUR_INR, 4200},
		/* the same amount twice is still one amount */
		{"upi://pay?am=100&pa=x@y&am=100.00", PK_CUR_INR, 10000},
		/* a fragment is not the query */
		{"upi://pay?pa=x@y&am=100#am=200", PK_CUR_INR, 10000},
		{"upi://pay?pa=x@y#&am=200", PK_CUR_INR, NO_AMOUNT},
		/* other parameters that merely contain "am" */
		{"upi://pay?pa=x@y&tam=5&amx=7&name=am&am=12", PK_CUR_INR, 1200},
		{"upi://pay?pa=x@y&pn=am%3D500&am=12", PK_CUR_INR, 1200},

		/* missing */
		{"upi://pay?pa=x@y&pn=Shop", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?", PK_CUR_INR, NO_AMOUNT},
		{"", PK_CUR_INR, NO_AMOUNT},
		/* names are case-sensitive lowercase: AM / Am are not the amount */
		{"upi://pay?pa=x@y&AM=100", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&Am=100", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&AM=100&am=7", PK_CUR_INR, 700},
		/* unreadable */
		{"upi://pay?pa=x@y&am=", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=abc", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=1e3", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=1E3", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=-5", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=%2D5", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=+5", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=0", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=0.00", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=100.505", PK_CUR_INR, NO_AMOUNT}, /* 3 decimals for INR */
		{"upi://pay?pa=x@y&am=100.5", PK_CUR_MMK, NO_AMOUNT},   /* MMK has none */
		{"upi://pay?pa=x@y&am=100.", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=.5", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=1.2.3", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=1,000", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=100%20", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am= 100", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=0x10", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=inf", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=NaN", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=\xE0\xA5\xA7\xE0\xA5\xA6", PK_CUR_INR, NO_AMOUNT}, /* १० */
		{"upi://pay?pa=x@y&am=99999999999999999999999", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=100%", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=100%2", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=100%zz", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?pa=x@y&am=1%000", PK_CUR_INR, NO_AMOUNT}, /* a NUL inside */
		/* two amounts that disagree: which one would the app pay? */
		{"upi://pay?pa=x@y&am=100&am=200", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?am=100&pa=x@y&am=100.01", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?am=100&pa=x@y&%61m=200", PK_CUR_INR, NO_AMOUNT},
		/* one good amount and one unreadable */
		{"upi://pay?am=100&am=abc", PK_CUR_INR, NO_AMOUNT},
		{"upi://pay?am=100&am=", PK_CUR_INR, NO_AMOUNT},
		/* not a UPI link */
		{"https://pay.example/?am=100", PK_CUR_INR, NO_AMOUNT},
		{" upi://pay?am=100", PK_CUR_INR, NO_AMOUNT},
		{"paytmmp://pay?am=100", PK_CUR_INR, NO_AMOUNT},
		/* an unknown currency */
		{"upi://pay?am=100", PK_CUR__COUNT, NO_AMOUNT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t minor = -777;
		int rc = gw_upi_link_amount(cases[i].link, cases[i].cur, &minor);
		if (cases[i].minor == NO_AMOUNT) {
			if (rc != -1 || minor != -777)
				fail_msg("case %zu \"%s\": rc %d minor %lld, want -1 and untouched", i,
					 cases[i].link, rc, (long long)minor);
		} else if (rc != 0 || minor != cases[i].minor) {
			fail_msg("case %zu \"%s\": rc %d minor %lld, want %lld", i, cases[i].link, rc,
				 (long long)minor, (long long)cases[i].minor);
		}
	}
}

static void null_arguments(void **state)
{
	(void)state;
	int64_t minor = 1;
	assert_int_equal(gw_upi_link_amount(NULL, PK_CUR_INR, &minor), -1);
	assert_int_equal(gw_upi_link_amount("upi://pay?am=1", PK_CUR_INR, NULL), -1);
	assert_int_equal(minor, 1);
}

/* The link the gateway sends is what gw_parse_response keeps as qr_data. */
static void amount_of_parsed_qr(void **state)
{
	(void)state;
	static const char body[] =
		"{\"status\":\"ok\",\"data\":{\"order_id\":\"6a12ce38b3164c53\",\"qr_data\":"
		"\"upi://pay?pa=test@bank&pn=Test%20test&am=123.45&tn=IT1&tr=IT1\"}}";
	gw_result r;
	gw_result_init(&r, GW_UPI_CREATE);
	gw_parse_response(GW_UPI_CREATE, body, strlen(body), 200, PK_CUR_INR, &r);
	assert_int_equal(r.status, GW_ST_OK);
	int64_t minor = 0;
	assert_int_equal(gw_upi_link_amount(r.qr_data, PK_CUR_INR, &minor), 0);
	assert_int_equal(minor, 12345);
	gw_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link_amounts),
		cmocka_unit_test(null_arguments),
		cmocka_unit_test(amount_of_parsed_qr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
