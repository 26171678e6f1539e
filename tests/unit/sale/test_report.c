/* test_report.c - totals and CSV from a journal the test fills. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "journal/journal.h"
#include "sale/report.h"

typedef struct fx {
	pk_tmpjournal t;
	pk_journal *j;
	time_t day_from, day_to;
} fx;

static int setup(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	fx *f = calloc(1, sizeof *f);
	if (!f || pk_tmpjournal_open(&f->t, "report"))
		return -1;
	f->j = f->t.j;
	pk_error err;
	if (pk_report_day("2026-03-10", 0, &f->day_from, &f->day_to, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	pk_tmpjournal_close(&f->t);
	free(f);
	return 0;
}

/* Insert a sale and walk it along a legal path to `final`. */
static void add_sale(fx *f, pk_method m, int64_t amount, time_t at, const char *label,
		     pk_sale_state final, int64_t deposit)
{
	pk_sale s;
	pk_error err;
	pk_sale_init(&s);
	s.method = m;
	s.currency = m == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
	s.amount = amount;
	s.created_at = at;
	snprintf(s.label, sizeof s.label, "%s", label);
	assert_int_equal(pk_ctid_make("t", at, 1, s.ctid, sizeof s.ctid), 0);
	assert_int_equal(pk_journal_insert(f->j, &s, &err), 0);
	assert_int_equal(pk_journal_save(f->j, &s, PK_SALE_CREATING, NULL, &err), 0);
	if (final == PK_SALE_ABANDONED) {
		assert_int_equal(pk_journal_save(f->j, &s, final, NULL, &err), 0);
		return;
	}
	if (m == PK_METHOD_UPI) {
		snprintf(s.order_id, sizeof s.order_id, "ord%lld", (long long)s.id);
		assert_int_equal(pk_journal_save(f->j, &s, PK_SALE_AWAITING_PAYMENT, NULL, &err), 0);
	} else {
		snprintf(s.identifier, sizeof s.identifier, "999");
		assert_int_equal(pk_journal_save(f->j, &s, PK_SALE_AWAITING_TXID, NULL, &err), 0);
		snprintf(s.key1, sizeof s.key1, "1234567890");
		assert_int_equal(pk_journal_save(f->j, &s, PK_SALE_ACTIVATING, NULL, &err), 0);
		if (deposit) {
			s.has_deposit_amount = true;
			s.deposit_amount = deposit;
		}
	}
	assert_int_equal(pk_journal_save(f->j, &s, final, NULL, &err), 0);
}

static void test_day_range(void **state)
{
	fx *f = *state;
	assert_int_equal(f->day_from, 1773100800); /* 2026-03-10T00:00:00Z */
	assert_int_equal(f->day_to - f->day_from, 86400);
	pk_error err;
	time_t a, b;
	assert_int_equal(pk_report_day("2026-02-30", 0, &a, &b, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(pk_report_day("10/03/2026", 0, &a, &b, &err), -1);
	assert_int_equal(pk_report_day("2026-03-10x", 0, &a, &b, &err), -1);
	assert_int_equal(pk_report_day(NULL, 1773100800 + 3600, &a, &b, &err), 0);
	assert_int_equal(a, 1773100800);
}

static void test_totals(void **state)
{
	fx *f = *state;
	time_t t = f->day_from + 3600;
	add_sale(f, PK_METHOD_UPI, 10050, t, "a", PK_SALE_PAID, 0);
	add_sale(f, PK_METHOD_UPI, 20000, t + 1, "b", PK_SALE_PAID, 0);
	add_sale(f, PK_METHOD_UPI, 500, t + 2, "c", PK_SALE_FAILED, 0);
	add_sale(f, PK_METHOD_WAVEPAY, 5000, t + 3, "d", PK_SALE_PAID, 5500);
	add_sale(f, PK_METHOD_WAVEPAY, 700, t + 4, "e", PK_SALE_PENDING, 0);
	add_sale(f, PK_METHOD_UPI, 100, t + 5, "f", PK_SALE_ABANDONED, 0);
	/* the next day: not counted */
	add_sale(f, PK_METHOD_UPI, 99900, f->day_to, "g", PK_SALE_PAID, 0);

	pk_totals_row *rows;
	size_t n;
	pk_error err;
	assert_int_equal(pk_report_totals(f->j, f->day_from, f->day_to, &rows, &n, &err), 0);
	assert_int_equal(n, 5);
	/* wavepay first (enum order), then upi; states in enum order */
	assert_int_equal(rows[0].method, PK_METHOD_WAVEPAY);
	assert_int_equal(rows[0].state, PK_SALE_PAID);
	assert_int_equal(rows[0].sum, 5000);
	assert_int_equal(rows[0].credited, 5500);
	assert_int_equal(rows[1].state, PK_SALE_PENDING);
	assert_int_equal(rows[1].credited, 0);
	assert_int_equal(rows[2].method, PK_METHOD_UPI);
	assert_int_equal(rows[2].state, PK_SALE_PAID);
	assert_int_equal(rows[2].count, 2);
	assert_int_equal(rows[2].sum, 30050);
	assert_int_equal(rows[2].currency, PK_CUR_INR);
	assert_int_equal(rows[3].state, PK_SALE_FAILED);
	assert_int_equal(rows[4].state, PK_SALE_ABANDONED);
	free(rows);

	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_int_equal(pk_report_print_totals(f->j, f->day_from, f->day_to, "Sales", out, &err),
			 0);
	fclose(out);
	assert_non_null(strstr(buf, "UPI (INR): 4 sales, paid 300.50 INR"));
	assert_non_null(strstr(buf, "Wavepay (MMK): 2 sales, paid 5,500 MMK"));
	assert_non_null(strstr(buf, "5,000 MMK  Paid (credited 5,500 MMK)"));
	assert_non_null(strstr(buf, "     2            300.50 INR  Paid\n"));
	assert_null(strstr(buf, "999"));
	free(buf);
}

static void test_csv(void **state)
{
	fx *f = *state;
	time_t t = f->day_from + 60;
	add_sale(f, PK_METHOD_UPI, 10050, t, "cust,\"1\"", PK_SALE_PAID, 0);
	add_sale(f, PK_METHOD_WAVEPAY, 5000, t + 1, "=HYPERLINK(1)", PK_SALE_PAID, 6000);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	pk_error err;
	assert_int_equal(pk_report_print_csv(f->j, f->day_from, f->day_to, out, &err), 0);
	fclose(out);
	char *line2 = strchr(buf, '\n') + 1;
	assert_int_equal(strncmp(buf, "id,created_at,method,currency,amount,state,label,ctid,"
				      "order_id,key1,deposit_amount\n",
				 (size_t)(line2 - buf)),
			 0);
	assert_non_null(strstr(line2, ",2026-03-10T00:01:00+0000,upi,INR,100.50,paid,"
				      "\"cust,\"\"1\"\"\",t-20260310000100-"));
	assert_non_null(strstr(line2, ",ord1,,\n"));
	assert_non_null(strstr(line2, ",wavepay,MMK,5000,paid,\"'=HYPERLINK(1)\","));
	assert_non_null(strstr(line2, ",1234567890,6000\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_day_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
