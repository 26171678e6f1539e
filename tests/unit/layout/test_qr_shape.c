/* test_qr_shape.c - one fit, two module shapes: full blocks (2 cells wide,
 * 1 high: the customer display) and half blocks (the cashier's).  Full
 * blocks are chosen only where they fit; both scan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/qr.h"
#include "scan_util.c"

static const char upi_link[] =
	"upi://pay?pa=paykiosk.sandbox@upi&pn=Paykiosk%20Sandbox&am=150.00&cu=INR"
	"&tn=ef147756b96abf72&tr=ef147756b96abf72";

static int qr_dark(const void *ctx, int x, int y)
{
	return pk_qr_module(ctx, x, y);
}

/* Full blocks: every module is two whole cells of one row, so the cells
 * are all blank or all full block, in pairs; the code scans. */
static void test_full_blocks_are_2x1_and_scan(void **state)
{
	(void)state;
	pk_qr qr;
	pk_error err;
	assert_int_equal(pk_qr_fit_shape(upi_link, -1, PK_QR_FULL, 200, 70, &qr, &err), 0);
	assert_int_equal(qr.shape, PK_QR_FULL);
	assert_int_equal(qr.cols, 2 * qr.side);
	assert_int_equal(qr.rows, qr.side);
	assert_int_equal(qr.side, 17 + 4 * qr.version + 2 * qr.quiet);
	for (int r = 0; r < qr.rows; r++)
		for (int c = 0; c < qr.cols; c += 2) {
			unsigned char a = qr.cells[r * qr.cols + c], b = qr.cells[r * qr.cols + c + 1];
			assert_true(a == 0 || a == (PK_QR_UPPER | PK_QR_LOWER));
			assert_int_equal(a, b);
			assert_int_equal(a != 0, pk_qr_module(&qr, c / 2, r));
		}
	char *got = scan_modules(qr.side, qr_dark, &qr);
	assert_non_null(got);
	assert_string_equal(got, upi_link);
	free(got);
	pk_qr_free(&qr);
}

/* Where full blocks do not fit (80x24), the same fit with half blocks
 * does; the half-block code is the one the cashier's screen had before. */
static void test_full_blocks_only_where_they_fit(void **state)
{
	(void)state;
	pk_qr full, half, old;
	pk_error err;
	assert_int_equal(pk_qr_fit_shape(upi_link, -1, PK_QR_FULL, 80, 23, &full, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
	assert_int_equal(pk_qr_fit_shape(upi_link, -1, PK_QR_HALF, 80, 23, &half, &err), 0);
	assert_int_equal(pk_qr_fit(upi_link, 80, 23, &old, &err), 0);
	assert_int_equal(half.shape, PK_QR_HALF);
	assert_int_equal(half.cols, old.cols);
	assert_int_equal(half.rows, old.rows);
	assert_memory_equal(half.cells, old.cells, (size_t)half.rows * (size_t)half.cols);
	char *got = scan_modules(half.side, qr_dark, &half);
	assert_non_null(got);
	assert_string_equal(got, upi_link);
	free(got);
	pk_qr_free(&half);
	pk_qr_free(&old);
}

/* The cells a shape takes, and an unknown shape refused. */
static void test_shape_cells(void **state)
{
	(void)state;
	int c, r;
	pk_qr_shape_cells(PK_QR_FULL, 45, &c, &r);
	assert_int_equal(c, 90);
	assert_int_equal(r, 45);
	pk_qr_shape_cells(PK_QR_HALF, 45, &c, &r);
	assert_int_equal(c, 45);
	assert_int_equal(r, 23);
	pk_qr qr;
	pk_error err;
	assert_int_equal(pk_qr_fit_shape(upi_link, -1, PK_QR_SHAPE__COUNT, 200, 70, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_blocks_are_2x1_and_scan),
		cmocka_unit_test(test_full_blocks_only_where_they_fit),
		cmocka_unit_test(test_shape_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
