/* The hub's report as a shop owner reads it: amounts in the currency's
 * own unit, the day in the hub's time zone (DST included), columns that
 * line up whatever the language, a CSV any spreadsheet reads (RFC 4180),
 * and an empty section saying so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "hub/report.h"

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

static void test_amounts(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(pk_hub_amount_text(10050, "INR", true, buf, sizeof buf), "100.50 INR");
	assert_string_equal(pk_hub_amount_text(1000, "MMK", true, buf, sizeof buf), "1000 MMK");
	assert_string_equal(pk_hub_amount_text(5, "INR", true, buf, sizeof buf), "0.05 INR");
	assert_string_equal(pk_hub_amount_text(0, "INR", true, buf, sizeof buf), "0.00 INR");
	assert_string_equal(pk_hub_amount_text(-5, "INR", true, buf, sizeof buf), "-0.05 INR");
	assert_string_equal(pk_hub_amount_text(0, "MMK", false, buf, sizeof buf), "0");
	assert_string_equal(pk_hub_amount_text(123456789, "INR", false, buf, sizeof buf),
			    "1234567.89");
	/* a currency the kiosk does not sell in: two decimals, its code kept */
	assert_string_equal(pk_hub_amount_text(461, "USD", true, buf, sizeof buf), "4.61 USD");
	assert_string_equal(pk_hub_amount_text(INT64_MIN, "MMK", false, buf, sizeof buf),
			    "-9223372036854775808");
	assert_string_equal(pk_hub_amount_text(INT64_MAX, "INR", false, buf, sizeof buf),
			    "92233720368547758.07");
}

static char *csv_of(const char *field)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	pk_hub_csv_field(f, field);
	fclose(f);
	return out;
}

static void test_csv_field(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r", "\"cr\r\"" },
		{ "ဆိုင် ၁", "ဆိုင် ၁" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = csv_of(cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void test_day_window(void **state)
{
	(void)state;
	time_t from, to;
	char date[11];
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	assert_int_equal(pk_hub_day_window("2025-03-01", 0, &from, &to, date), 0);
	assert_int_equal(from, 1740767400); /* 2025-02-28T18:30:00Z */
	assert_int_equal(to - from, 86400);
	assert_string_equal(date, "2025-03-01");
	/* no date: the day of now, in the hub's zone (23:00Z is already tomorrow) */
	assert_int_equal(pk_hub_day_window(NULL, 1740783600 /* 2025-02-28T23:00Z */, &from, &to,
					   date),
			 0);
	assert_string_equal(date, "2025-03-01");
	assert_int_equal(from, 1740767400);
	/* a day of 23 hours (Berlin, spring forward) */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	assert_int_equal(pk_hub_day_window("2025-03-30", 0, &from, &to, date), 0);
	assert_int_equal(from, 1743289200); /* 2025-03-29T23:00:00Z */
	assert_int_equal(to - from, 23 * 3600);
	unsetenv("TZ");
	tzset();
}

static char *write_report(const pk_hub_report *r, bool csv)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_int_equal(pk_hub_report_write(f, r, csv), 0);
	fclose(f);
	return out;
}

/* The text column (display cells, not bytes) where needle ends on the
 * line that holds it. */
static size_t end_column(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	assert_non_null(p);
	const char *line = p;
	while (line > text && line[-1] != '\n')
		line--;
	size_t cols = 0, left = (size_t)(p - line) + strlen(needle);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (left > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, line, left, &st);
		assert_true(n > 0 && n <= left);
		int w = wcwidth(wc);
		cols += w > 0 ? (size_t)w : 0;
		line += n;
		left -= n;
	}
	return cols;
}

static void fill(pk_hub_report *r)
{
	pk_hub_report_init(r);
	strcpy(r->date, "2025-11-30");
	pk_hub_report_row *t = pk_hub_report_add(r, PK_SEC_TOTALS);
	strcpy(t->shop, "Shop 12");
	strcpy(t->counter, "c1");
	strcpy(t->method, "upi");
	strcpy(t->currency, "INR");
	t->paid_count = 12;
	t->paid_amount = 1234550;
	t->not_paid_count = 1;
	t->open_count = 0;
	t = pk_hub_report_add(r, PK_SEC_TOTALS);
	strcpy(t->shop, "ဆိုင်");
	strcpy(t->counter, "c2");
	strcpy(t->method, "wavepay");
	strcpy(t->currency, "MMK");
	t->paid_count = 3;
	t->paid_amount = 15000;
	t->open_count = 2;
	pk_hub_report_row *m = pk_hub_report_add(r, PK_SEC_NOT_RECORDED);
	strcpy(m->shop, "Shop 12");
	strcpy(m->counter, "c1");
	strcpy(m->ctid, "shop12-20251130101010-00ff");
	strcpy(m->kiosk_state, "cancelled");
	m->has_sale = true;
	m->sale_amount = 10050;
	strcpy(m->currency, "INR");
	m->postback_id = 7;
	m->has_pb_amount = true;
	m->pb_amount = 10050;
	strcpy(m->pb_currency, "INR");
	strcpy(m->transaction_id, "322712363408");
	strcpy(m->result, "kiosk_not_paid");
	pk_hub_report_row *u = pk_hub_report_add(r, PK_SEC_UNTRUSTED);
	u->postback_id = 9;
	strcpy(u->trust, "untrusted");
	u->times_seen = 4;
	strcpy(u->problem, "bad, \"forged\"\nsignature");
}

static void test_text(void **state)
{
	(void)state;
	pk_hub_report r;
	fill(&r);
	char *text = write_report(&r, false);
	assert_non_null(strstr(text, "2025-11-30"));
	/* headings, amounts with their currency, right-aligned under "Paid amount" */
	assert_non_null(strstr(text, "== Totals of the day (2) =="));
	assert_non_null(strstr(text, "12345.50 INR"));
	assert_non_null(strstr(text, "15000 MMK"));
	size_t head = end_column(text, "Paid amount");
	assert_int_equal(end_column(text, "12345.50 INR"), head);
	assert_int_equal(end_column(text, "15000 MMK"), head);
	/* a Burmese shop name takes its display width, the next column lines up */
	assert_int_equal(end_column(text, "c1  "), end_column(text, "c2  "));
	/* the mismatch says what to act on, in words */
	assert_non_null(strstr(text, "the kiosk does not count the sale as paid"));
	assert_non_null(strstr(text, "shop12-20251130101010-00ff"));
	assert_non_null(strstr(text, "100.50 INR"));
	/* empty sections say so */
	assert_non_null(strstr(text, "== Money with no sale"));
	assert_non_null(strstr(text, "None."));
	/* a problem text never breaks a line of the table */
	assert_non_null(strstr(text, "bad, \"forged\" signature"));
	free(text);
	pk_hub_report_free(&r);
}

static void test_csv(void **state)
{
	(void)state;
	pk_hub_report r;
	fill(&r);
	char *csv = write_report(&r, true);
	/* the fixed header row first */
	const char *header =
		"section,shop,counter,method,paid_count,paid_amount,not_paid_count,open_count,"
		"currency,ctid,kiosk_state,sale_amount,sale_time,sale_ref,postback_id,"
		"postback_time,last_seen,times_seen,trust,postback_amount,postback_currency,"
		"transaction_id,match_value,result,problem\r\n";
	assert_memory_equal(csv, header, strlen(header));
	/* bare amounts, stable names */
	assert_non_null(strstr(csv, "\r\ntotals,Shop 12,c1,upi,12,12345.50,1,0,INR,"));
	assert_non_null(strstr(csv, "\r\ntotals,ဆိုင်,c2,wavepay,3,15000,0,2,MMK,"));
	assert_non_null(strstr(csv, ",322712363408,,kiosk_not_paid,\r\n"));
	assert_non_null(strstr(csv, "\r\nuntrusted_postback,"));
	assert_non_null(strstr(csv, ",\"bad, \"\"forged\"\"\nsignature\"\r\n"));
	/* every record has the header's 25 fields (quoted commas are not fields) */
	size_t records = 0, fields = 1;
	bool quoted = false;
	for (const char *p = csv; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == ',')
			fields++;
		else if (!quoted && *p == '\n') {
			assert_int_equal(fields, 25);
			records++;
			fields = 1;
		}
	}
	assert_int_equal(records, 1 + 4);
	free(csv);
	pk_hub_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_day_window),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
