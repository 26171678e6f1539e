/* Receipts: the lines of a paid sale (both methods), aligned to the paper
 * width; only paid sales have one; the ESC/POS job's exact frame; printing
 * to a file appends one job per print. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/i18n.h"
#include "layout/text.h"
#include "receipt/receipt.h"

static void upi_sale(pk_sale *s)
{
	pk_sale_init(s);
	s->id = 42;
	s->method = PK_METHOD_UPI;
	s->currency = PK_CUR_INR;
	s->amount = 12350;
	s->state = PK_SALE_PAID;
	s->lang = PK_LANG_EN;
	snprintf(s->order_id, sizeof s->order_id, "ord-7f3a");
	s->created_at = s->updated_at = 1764074400; /* 2025-11-25 12:40 UTC */
}

static const char *find(const pk_receipt *r, const char *prefix)
{
	for (int i = 0; i < r->count; i++)
		if (strncmp(r->line[i], prefix, strlen(prefix)) == 0)
			return r->line[i];
	return NULL;
}

static void test_upi_lines(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	pk_sale s;
	upi_sale(&s);
	pk_receipt r;
	pk_error err;
	pk_receipt_info info = { "Corner Shop", "till-1", false, 32 };
	assert_int_equal(pk_receipt_build(&s, &info, &r, &err), 0);
	assert_string_equal(r.line[0], "Corner Shop");
	assert_string_equal(r.line[1], "Payment receipt");
	assert_int_equal(r.center_lines, 2);
	assert_string_equal(find(&r, "Date"), "Date            2025-11-25 12:40");
	assert_string_equal(find(&r, "Method"), "Method                       UPI");
	assert_string_equal(find(&r, "Amount"), "Amount                123.50 INR");
	assert_string_equal(find(&r, "Order ID"), "Order ID                ord-7f3a");
	assert_string_equal(find(&r, "Sale"), "Sale                         #42");
	assert_string_equal(find(&r, "Kiosk"), "Kiosk                     till-1");
	assert_null(find(&r, "Credited"));
	assert_null(find(&r, "Transaction ID"));
	assert_string_equal(r.line[r.count - 1], "        Paid - thank you"); /* centred in 32 */
	for (int i = 0; i < r.count; i++)
		assert_true(pk_text_width(r.line[i]) <= 32);
	pk_receipt_free(&r);
}

static void test_wavepay_training_credited(void **state)
{
	(void)state;
	pk_sale s;
	upi_sale(&s);
	s.method = PK_METHOD_WAVEPAY;
	s.currency = PK_CUR_MMK;
	s.amount = 5000;
	s.has_deposit_amount = true;
	s.deposit_amount = 5500;
	s.order_id[0] = '\0';
	snprintf(s.key1, sizeof s.key1, "2234567890");
	pk_receipt r;
	pk_error err;
	pk_receipt_info info = { "", NULL, true, 24 };
	assert_int_equal(pk_receipt_build(&s, &info, &r, &err), 0);
	assert_string_equal(r.line[0], "TRAINING - no real money");
	assert_string_equal(find(&r, "Amount"), "Amount         5,000 MMK");
	assert_string_equal(find(&r, "Credited"), "Credited       5,500 MMK");
	/* "Transaction ID" + the ID do not fit 24 columns: two lines, the ID right */
	const char *t = find(&r, "Transaction ID");
	assert_non_null(t);
	assert_string_equal(t, "Transaction ID");
	assert_null(find(&r, "Kiosk"));
	int i = 0;
	while (strcmp(r.line[i], "Transaction ID") != 0)
		i++;
	assert_string_equal(r.line[i + 1], "              2234567890");
	pk_receipt_free(&r);
}

static void test_only_paid(void **state)
{
	(void)state;
	pk_sale s;
	upi_sale(&s);
	s.state = PK_SALE_FAILED;
	pk_receipt r;
	pk_error err;
	pk_receipt_info info = { "Shop", "k", false, 32 };
	assert_int_equal(pk_receipt_build(&s, &info, &r, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(r.count, 0);
}

static void test_escpos_frame(void **state)
{
	(void)state;
	pk_receipt r = { .width = 32, .count = 3, .center_lines = 2 };
	r.line[0] = "Shop";
	r.line[1] = "Payment receipt";
	r.line[2] = "Amount 1";
	unsigned char *b;
	size_t n;
	pk_error err;
	assert_int_equal(pk_receipt_escpos(&r, &b, &n, &err), 0);
	static const unsigned char want[] =
		"\x1b@" "\x1b" "a\x01"
		"\x1b" "E\x01" "Shop\n" "\x1b" "E\x00"
		"Payment receipt\n"
		"\x1b" "a\x00" "Amount 1\n"
		"\x1b" "a\x00" "\x1b" "d\x04" "\x1d" "V\x01";
	assert_int_equal(n, sizeof want - 1);
	assert_memory_equal(b, want, n);
	free(b);
}

static void test_print_appends_to_file(void **state)
{
	(void)state;
	char path[] = "/tmp/pk-printer-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	pk_receipt r = { .width = 32, .count = 1 };
	r.line[0] = "x";
	pk_error err;
	assert_int_equal(pk_receipt_print(&r, path, &err), 0);
	assert_int_equal(pk_receipt_print(&r, path, &err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	unsigned char *b;
	size_t n;
	pk_receipt_escpos(&r, &b, &n, &err);
	free(b);
	assert_int_equal((size_t)st.st_size, 2 * n);
	unlink(path);
	assert_int_equal(pk_receipt_print(&r, "/nonexistent/lp0", &err), -1);
	assert_int_equal(err.kind, PK_ERR_IO);
	assert_non_null(strstr(err.msg, "/nonexistent/lp0"));
	assert_int_equal(pk_receipt_print(&r, "", &err), -1);
	assert_int_equal(err.kind, PK_ERR_CONFIG);
}

/* A Burmese / Hindi receipt goes to the printer as an image (its font has
 * no such script): ESC @, GS v 0 bands 48 bytes wide, some ink but not a
 * black page, feed and cut; no UTF-8 text.  English stays text. */
static size_t ink_of(const unsigned char *b, size_t n, int *rows)
{
	size_t inked = 0;
	*rows = 0;
	size_t i = 2;
	while (i + 8 <= n && b[i] == 0x1d && b[i + 1] == 'v' && b[i + 2] == '0') {
		assert_int_equal(b[i + 3], 0);
		assert_int_equal(b[i + 4] | (b[i + 5] << 8), PK_RECEIPT_DOTS / 8);
		int r = b[i + 6] | (b[i + 7] << 8);
		assert_true(r > 0 && r <= 128);
		*rows += r;
		size_t bytes = (size_t)r * (PK_RECEIPT_DOTS / 8);
		assert_true(i + 8 + bytes <= n);
		for (size_t k = 0; k < bytes; k++)
			inked += (size_t)__builtin_popcount(b[i + 8 + k]);
		i += 8 + bytes;
	}
	assert_int_equal(n - i, 6); /* ESC d 4, GS V 1 */
	assert_memory_equal(b + i, "\x1b" "d\x04" "\x1d" "V\x01", 6);
	return inked;
}

static void raster_for(pk_lang lang, const char *title)
{
	pk_sale s;
	upi_sale(&s);
	s.lang = lang;
	pk_receipt r;
	pk_error err;
	pk_receipt_info info = { "Corner Shop", "till-1", false, 32 };
	assert_int_equal(pk_i18n_init(), 0);
	assert_int_equal(pk_receipt_build(&s, &info, &r, &err), 0);
	assert_string_equal(r.line[1], title); /* the screen text is translated */
	assert_non_null(pk_receipt_font_for(lang));
	unsigned char *b;
	size_t n;
	assert_int_equal(pk_receipt_escpos(&r, &b, &n, &err), 0);
	assert_memory_equal(b, "\x1b@", 2);
	assert_true(memmem(b, n, title, strlen(title)) == NULL); /* drawn, not sent as text */
	int rows;
	size_t inked = ink_of(b, n, &rows);
	size_t dots = (size_t)rows * PK_RECEIPT_DOTS;
	assert_true(rows >= 10 * 24);               /* every item drawn */
	assert_true(inked > dots / 100);            /* there is text */
	assert_true(inked < dots / 4);              /* not a black page */
	free(b);
	pk_receipt_free(&r);
}

static void test_raster_burmese_hindi(void **state)
{
	(void)state;
	raster_for(PK_LANG_MY, "ငွေပေးချေမှု ပြေစာ");
	raster_for(PK_LANG_HI, "भुगतान रसीद");
}

static void test_english_stays_text(void **state)
{
	(void)state;
	pk_sale s;
	upi_sale(&s);
	pk_receipt r;
	pk_error err;
	pk_receipt_info info = { "Corner Shop", "till-1", false, 32 };
	assert_int_equal(pk_receipt_build(&s, &info, &r, &err), 0);
	unsigned char *b;
	size_t n;
	assert_int_equal(pk_receipt_escpos(&r, &b, &n, &err), 0);
	assert_non_null(memmem(b, n, "Payment receipt", 15));
	assert_null(memmem(b, n, "\x1dv0", 3));
	free(b);
	/* a font without the script: refused, so the caller can fall back */
	const char *latin = pk_receipt_font_for(PK_LANG_EN);
	assert_non_null(latin);
	s.lang = PK_LANG_MY;
	pk_receipt my;
	assert_int_equal(pk_receipt_build(&s, &info, &my, &err), 0);
	assert_int_equal(pk_receipt_escpos_raster(&my, latin, PK_RECEIPT_DOTS, &b, &n, &err), -1);
	assert_int_equal(pk_receipt_escpos_raster(&my, "/nonexistent.ttf", PK_RECEIPT_DOTS, &b, &n,
						  &err),
			 -1);
	pk_receipt_free(&my);
	pk_receipt_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upi_lines),
		cmocka_unit_test(test_wavepay_training_credited),
		cmocka_unit_test(test_only_paid),
		cmocka_unit_test(test_escpos_frame),
		cmocka_unit_test(test_print_appends_to_file),
		cmocka_unit_test(test_raster_burmese_hindi),
		cmocka_unit_test(test_english_stays_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
