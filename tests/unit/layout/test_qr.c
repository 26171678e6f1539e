/* test_qr.c - fitting, drawing and scanning QR codes for the kiosk screen. */
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

static const char spec_example[] =
	"upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987";

/* A upi:// link of exactly len bytes (mixed case, so 8-bit mode matters). */
static char *upi_link(size_t len)
{
	static const char head[] = "upi://pay?pa=kiosk.Shop7@okAxis&pn=Pay%20Kiosk&am=1250.50&cu=INR&tr=";
	static const char fill[] = "Tx9aB3kQ7zLm2Np5Rs8VwY4cDf6GhJ";
	char *s = malloc(len + 1);
	size_t hl = strlen(head);

	assert_non_null(s);
	assert_true(len > 20);
	for (size_t i = 0; i < len; i++)
		s[i] = i < hl ? head[i] : fill[(i - hl) % (sizeof fill - 1)];
	if (len < hl)
		memcpy(s, "upi://pay?pa=a@b&tr=", 20);
	s[len] = '\0';
	assert_int_equal(strlen(s), len);
	return s;
}

static int qr_dark(const void *ctx, int x, int y)
{
	return pk_qr_module(ctx, x, y);
}

static void assert_scans_as(const pk_qr *qr, const char *text)
{
	char *got = scan_modules(qr->cols, qr_dark, qr);

	assert_non_null(got);
	assert_string_equal(got, text);
	free(got);
}

static void assert_well_formed(const pk_qr *qr, int max_cols, int max_rows)
{
	int modules = qr->cols - 2 * qr->quiet;

	assert_int_equal(modules, 17 + 4 * qr->version);
	assert_true(qr->cols <= max_cols);
	assert_true(qr->rows <= max_rows);
	assert_int_equal(qr->rows, (qr->cols + 1) / 2);
	assert_true(qr->quiet >= 2 && qr->quiet <= 4);
	assert_true(qr->ecc >= 0 && qr->ecc <= 3);
	/* the quiet zone is light all round */
	for (int i = 0; i < qr->cols; i++) {
		for (int q = 0; q < qr->quiet; q++) {
			assert_false(pk_qr_module(qr, i, q));
			assert_false(pk_qr_module(qr, i, qr->cols - 1 - q));
			assert_false(pk_qr_module(qr, q, i));
			assert_false(pk_qr_module(qr, qr->cols - 1 - q, i));
		}
	}
	/* the finder pattern's corner is dark */
	assert_true(pk_qr_module(qr, qr->quiet, qr->quiet));
}

/* An 80x24 terminal keeps one row for a caption: 80 columns x 23 rows. */
static void fit_80x24_and_scan(size_t len, int want_version, int want_ecc, int want_quiet)
{
	char *text = upi_link(len);
	pk_qr qr;
	pk_error err = { 0 };

	assert_int_equal(pk_qr_fit(text, 80, 23, &qr, &err), 0);
	assert_well_formed(&qr, 80, 23);
	print_message("%zu-byte link at 80x23: version %d ecc %c quiet %d -> %dx%d cells\n",
		      len, qr.version, "LMQH"[qr.ecc], qr.quiet, qr.cols, qr.rows);
	assert_int_equal(qr.version, want_version);
	assert_int_equal(qr.ecc, want_ecc);
	assert_int_equal(qr.quiet, want_quiet);
	assert_true(qr.cols <= 45);
	assert_scans_as(&qr, text);
	pk_qr_free(&qr);
	free(text);
}

static void test_fit_60(void **state)
{
	(void)state;
	/* 60 bytes: version 5 ECC Q with the full quiet zone, 45x23 */
	fit_80x24_and_scan(60, 5, 2, 4);
}

static void test_fit_130(void **state)
{
	(void)state;
	/* the floor from the brief: version 6, ECC L, quiet 2 = 45 columns x 23 rows */
	fit_80x24_and_scan(130, 6, 0, 2);
}

static void test_fit_spec_example(void **state)
{
	pk_qr qr;
	pk_error err = { 0 };

	(void)state;
	assert_int_equal(pk_qr_fit(spec_example, 80, 23, &qr, &err), 0);
	assert_well_formed(&qr, 80, 23);
	print_message("spec example (%zu bytes) at 80x23: version %d ecc %c quiet %d -> %dx%d\n",
		      strlen(spec_example), qr.version, "LMQH"[qr.ecc], qr.quiet, qr.cols, qr.rows);
	assert_true(qr.cols <= 45);
	assert_scans_as(&qr, spec_example);
	pk_qr_free(&qr);
}

static void test_250_too_large_for_80x24_but_scans_bigger(void **state)
{
	char *text = upi_link(250);
	pk_qr qr;
	pk_error err = { 0 };

	(void)state;
	/* 250 bytes needs version 10 (57 modules + 4 = 61 columns, 31 rows) */
	assert_int_equal(pk_qr_fit(text, 80, 23, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
	assert_null(qr.cells);
	assert_true(strlen(err.msg) > 0);

	assert_int_equal(pk_qr_fit(text, 132, 43, &qr, &err), 0);
	assert_well_formed(&qr, 132, 43);
	print_message("250-byte link at 132x43: version %d ecc %c quiet %d -> %dx%d\n",
		      qr.version, "LMQH"[qr.ecc], qr.quiet, qr.cols, qr.rows);
	assert_scans_as(&qr, text);
	pk_qr_free(&qr);

	assert_int_equal(pk_qr_encode(text, 1, 4, &qr, &err), 0);
	assert_int_equal(qr.quiet, 4);
	assert_int_equal(qr.ecc, 1);
	assert_scans_as(&qr, text);
	pk_qr_free(&qr);
	free(text);
}

static void test_too_small_and_bad_input(void **state)
{
	pk_qr qr;
	pk_error err = { 0 };
	char *huge = malloc(5000);

	(void)state;
	assert_int_equal(pk_qr_fit(spec_example, 20, 10, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
	assert_null(qr.cells);
	assert_int_equal(pk_qr_fit(spec_example, 0, 0, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
	assert_int_equal(pk_qr_fit(spec_example, -5, 1000, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);

	/* more than any QR code holds (2953 bytes at 40-L) */
	assert_non_null(huge);
	memset(huge, 'x', 4999);
	huge[4999] = '\0';
	assert_int_equal(pk_qr_fit(huge, 1000, 1000, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
	assert_null(qr.cells);
	assert_int_equal(pk_qr_encode(huge, 0, 2, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
	free(huge);

	assert_int_equal(pk_qr_fit("", 80, 23, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(pk_qr_fit(NULL, 80, 23, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	/* err may be NULL */
	assert_int_equal(pk_qr_fit(spec_example, 5, 5, &qr, NULL), -1);
}

static void test_case_and_bytes_preserved(void **state)
{
	/* 8-bit mode: lower and mixed case survive (alphanumeric mode would
	 * upcase).  (Non-ASCII is not tested: zbar guesses a short UTF-8
	 * string as Shift-JIS; UPI links are percent-encoded ASCII anyway.) */
	static const char mixed[] = "upi://pay?pa=MiXeD@Bank&pn=caf%C3%A9&tn=aBcD";
	pk_qr qr;
	pk_error err = { 0 };

	(void)state;
	assert_int_equal(pk_qr_fit(mixed, 80, 23, &qr, &err), 0);
	assert_scans_as(&qr, mixed);
	pk_qr_free(&qr);
}

static int rank(const pk_qr *qr)
{
	/* position in the candidate order: quiet 4,3,2 x ECC H,Q,M,L */
	return (4 - qr->quiet) * 4 + (3 - qr->ecc);
}

static void test_choice_monotonic_as_area_shrinks(void **state)
{
	char *text = upi_link(130);
	int last_rank = -1, last_quiet = 5, seen_ranks = 0, fitted = 0;

	(void)state;
	for (int rows = 40; rows >= 15; rows--) {
		int cols = rows * 2 + 10;
		pk_qr qr;
		pk_error err = { 0 };

		if (pk_qr_fit(text, cols, rows, &qr, &err) < 0) {
			assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
			/* once too small, smaller stays too small */
			last_rank = 1000;
			continue;
		}
		assert_true(last_rank != 1000);
		assert_well_formed(&qr, cols, rows);
		assert_true(rank(&qr) >= last_rank);
		assert_true(qr.quiet <= last_quiet);
		if (rank(&qr) != last_rank)
			seen_ranks++;
		last_rank = rank(&qr);
		last_quiet = qr.quiet;
		fitted++;
		pk_qr_free(&qr);
	}
	/* the sweep went from 4-H through to 2-L and then to too small */
	assert_true(seen_ranks >= 4);
	assert_true(fitted > 5);
	assert_int_equal(last_rank, 1000);

	/* a roomy area gets the best: H with quiet 4 */
	pk_qr qr;
	pk_error err = { 0 };
	assert_int_equal(pk_qr_fit(text, 200, 100, &qr, &err), 0);
	assert_int_equal(qr.ecc, 3);
	assert_int_equal(qr.quiet, 4);
	assert_scans_as(&qr, text);
	pk_qr_free(&qr);

	/* a fixed ECC level is honoured */
	assert_int_equal(pk_qr_fit_ecc(text, 1, 200, 100, &qr, &err), 0);
	assert_int_equal(qr.ecc, 1);
	assert_int_equal(qr.quiet, 4);
	pk_qr_free(&qr);
	free(text);
}

static void test_app_links(void **state)
{
	static const struct { pk_upi_app app; const char *want; const char *name; } cases[] = {
		{ PK_UPI_UNIVERSAL, "upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987", "UPI" },
		{ PK_UPI_PAYTM, "paytmmp://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987", "Paytm" },
		{ PK_UPI_PHONEPE, "phonepe://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987", "PhonePe" },
		{ PK_UPI_GPAY, "tez://upi/pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987", "GPay" },
	};
	pk_upi_app app;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char *link = pk_upi_app_link(spec_example, cases[i].app);

		assert_non_null(link);
		assert_string_equal(link, cases[i].want);
		assert_string_equal(pk_upi_app_name(cases[i].app), cases[i].name);
		free(link);
	}
	/* the scheme is matched case-insensitively, the rest kept as is */
	char *link = pk_upi_app_link("UPI://pay?pa=X@y", PK_UPI_GPAY);
	assert_non_null(link);
	assert_string_equal(link, "tez://upi/pay?pa=X@y");
	free(link);
	assert_null(pk_upi_app_link("https://pay?pa=x@y", PK_UPI_PAYTM));
	assert_null(pk_upi_app_link("upi:/pay", PK_UPI_PAYTM));
	assert_null(pk_upi_app_link("", PK_UPI_PAYTM));
	assert_null(pk_upi_app_link(NULL, PK_UPI_PAYTM));
	assert_null(pk_upi_app_link(spec_example, PK_UPI_APP__COUNT));

	assert_int_equal(pk_upi_app_parse("paytm", &app), 0);
	assert_int_equal(app, PK_UPI_PAYTM);
	assert_int_equal(pk_upi_app_parse("PhonePe", &app), 0);
	assert_int_equal(app, PK_UPI_PHONEPE);
	assert_int_equal(pk_upi_app_parse("gpay", &app), 0);
	assert_int_equal(app, PK_UPI_GPAY);
	assert_int_equal(pk_upi_app_parse("upi", &app), 0);
	assert_int_equal(app, PK_UPI_UNIVERSAL);
	assert_int_equal(pk_upi_app_parse("bhim", &app), -1);
	assert_int_equal(pk_upi_app_parse(NULL, &app), -1);
}

/* The rendered text, parsed back glyph by glyph, is the same code. */
typedef struct grid { int side; unsigned char *m; } grid;
static int grid_dark(const void *ctx, int x, int y)
{
	const grid *g = ctx;
	return g->m[(size_t)y * (size_t)g->side + (size_t)x];
}

static void test_render_text_scans(void **state)
{
	pk_qr qr;
	pk_error err = { 0 };
	char *buf, *p;
	size_t len;

	(void)state;
	assert_int_equal(pk_qr_fit(spec_example, 80, 23, &qr, &err), 0);
	for (int color = 0; color <= 1; color++) {
		assert_int_equal(pk_qr_render(&qr, color, &buf, &len, &err), 0);
		assert_int_equal(strlen(buf), len);
		grid g = { qr.cols, calloc((size_t)qr.cols * (size_t)(qr.rows * 2), 1) };
		int row = 0;

		assert_non_null(g.m);
		p = buf;
		while (*p) {
			char *nl = strchr(p, '\n');
			assert_non_null(nl);
			if (color) {
				assert_memory_equal(p, "\033[30;107m", 9);
				assert_memory_equal(nl - 4, "\033[0m", 4);
				p += 9;
			}
			int x = 0;
			while (p < nl && *p != '\033') {
				int v;
				if (*p == ' ') { v = 0; p++; }
				else if (!strncmp(p, "\u2580", 3)) { v = 1; p += 3; }
				else if (!strncmp(p, "\u2584", 3)) { v = 2; p += 3; }
				else if (!strncmp(p, "\u2588", 3)) { v = 3; p += 3; }
				else { fail_msg("unexpected byte in render"); return; }
				assert_true(x < qr.cols);
				if (2 * row < qr.cols)
					g.m[(size_t)(2 * row) * (size_t)qr.cols + (size_t)x] = v & 1;
				if (2 * row + 1 < qr.cols)
					g.m[(size_t)(2 * row + 1) * (size_t)qr.cols + (size_t)x] = (v >> 1) & 1;
				x++;
			}
			assert_int_equal(x, qr.cols);
			row++;
			p = nl + 1;
		}
		assert_int_equal(row, qr.rows);
		char *got = scan_modules(g.side, grid_dark, &g);
		assert_non_null(got);
		assert_string_equal(got, spec_example);
		free(got);
		free(g.m);
		free(buf);
	}
	assert_string_equal(pk_qr_glyph(0), " ");
	assert_string_equal(pk_qr_glyph(PK_QR_UPPER), "\u2580");
	assert_string_equal(pk_qr_glyph(PK_QR_LOWER), "\u2584");
	assert_string_equal(pk_qr_glyph(PK_QR_UPPER | PK_QR_LOWER), "\u2588");
	pk_qr_free(&qr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_60),
		cmocka_unit_test(test_fit_130),
		cmocka_unit_test(test_fit_spec_example),
		cmocka_unit_test(test_250_too_large_for_80x24_but_scans_bigger),
		cmocka_unit_test(test_too_small_and_bad_input),
		cmocka_unit_test(test_case_and_bytes_preserved),
		cmocka_unit_test(test_choice_monotonic_as_area_shrinks),
		cmocka_unit_test(test_app_links),
		cmocka_unit_test(test_render_text_scans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
