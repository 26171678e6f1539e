/* test_shape.c - Burmese and Hindi runs drawn into pixels for a sixel
 * terminal (layout/shape.h): the picture is exactly the size of the cells
 * it covers, the text is in it (ink, across the run, vertically centred)
 * and shaped (a Hindi conjunct is one glyph),
 * a run too wide for its cells is squeezed in rather than cut, and a
 * screen redrawn every second does not shape its runs again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/shape.h"

static const char burmese[] = "ငွေပေးချေနည်း ရွေးပါ";   /* choose the payment */
static const char hindi[] = "भुगतान का तरीका चुनें";        /* choose the payment */
static const char mixed[] = "100.00 INR दें";                /* pay 100.00 INR */

#define CELL_W 11
#define CELL_H 27

typedef struct ink_box {
	long total;             /* sum of coverage */
	int left, right;        /* inked columns [left, right] (-1: none) */
	int top, bottom;        /* inked rows */
} ink_box;

static ink_box ink_of(const pk_shape_bitmap *bm)
{
	ink_box b = { 0, -1, -1, -1, -1 };
	for (int y = 0; y < bm->h; y++)
		for (int x = 0; x < bm->w; x++) {
			unsigned char v = bm->px[(size_t)y * (size_t)bm->w + (size_t)x];
			if (v < 128)
				continue;
			b.total += v;
			if (b.left < 0 || x < b.left)
				b.left = x;
			if (x > b.right)
				b.right = x;
			if (b.top < 0)
				b.top = y;
			b.bottom = y;
		}
	return b;
}

static int setup(void **state)
{
	pk_shaper *s;
	pk_error err;
	if (pk_shaper_new(&s, &err) < 0)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	pk_shaper_free(*state);
	return 0;
}

/* Shape, or skip the test when the machine has no font for the script
 * (assets/bootstrap.sh installs them). */
static void shape_or_skip(pk_shaper *s, const char *text, int w, int h, bool bold,
			  pk_shape_bitmap *bm)
{
	pk_error err;
	if (pk_shape_text(s, text, w, h, bold, bm, &err) < 0) {
		if (err.kind == PK_ERR_IO) {
			fprintf(stderr, "no font: %s\n", err.msg);
			skip();
		}
		fail_msg("%s", err.msg);
	}
}

static void test_which_runs_want_pixels(void **state)
{
	(void)state;
	assert_true(pk_shape_wants_pixels(burmese));
	assert_true(pk_shape_wants_pixels(hindi));
	assert_true(pk_shape_wants_pixels(mixed));
	assert_true(pk_shape_wants_pixels("\xea\xa9\xa0"));    /* U+AA60 Myanmar Ext-A */
	assert_true(pk_shape_wants_pixels("\xea\xa7\xa0"));    /* U+A9E0 Myanmar Ext-B */
	assert_true(pk_shape_wants_pixels("\xea\xa3\xb2"));    /* U+A8F2 Devanagari Ext */
	assert_true(pk_shape_wants_pixels("Order \xe1\x81\x81")); /* a Burmese digit */
	assert_false(pk_shape_wants_pixels("Wavepay (MMK)"));
	assert_false(pk_shape_wants_pixels("paykiosk \xc2\xb7 shop \xe2\x80\xa6")); /* · … */
	assert_false(pk_shape_wants_pixels("\xe0\xa6\x95"));   /* Bengali: not ours */
	assert_false(pk_shape_wants_pixels("\xe0\xb8\x81"));   /* Thai */
	assert_false(pk_shape_wants_pixels(""));
	assert_false(pk_shape_wants_pixels(NULL));
	assert_false(pk_shape_wants_pixels("\xe1\x80"));       /* cut UTF-8 */
}

/* Exactly the run's cells, with the text in it, from the left edge. */
static void test_exact_size_with_ink(void **state)
{
	pk_shaper *s = *state;
	const char *texts[] = { burmese, hindi, mixed, "Open sales" };
	const int cells[] = { 17, 21, 14, 10 };
	for (int i = 0; i < 4; i++) {
		pk_shape_bitmap bm;
		shape_or_skip(s, texts[i], cells[i] * CELL_W, CELL_H, false, &bm);
		assert_int_equal(bm.w, cells[i] * CELL_W);
		assert_int_equal(bm.h, CELL_H);
		ink_box b = ink_of(&bm);
		assert_true(b.total > 0);
		/* from the left edge, across most of the run */
		assert_in_range(b.left, 0, CELL_W);
		assert_true(b.right > bm.w * 3 / 5);
		/* vertically: centred in the cell, not stuck to one edge */
		assert_true(b.top < CELL_H / 2);
		assert_true(b.bottom > CELL_H / 2);
		int middle = (b.top + b.bottom) / 2;
		assert_in_range(middle, CELL_H / 4, CELL_H * 3 / 4);
	}
}

/* Shaped, not drawn character by character: क्ष (ka, virama, ssa) is one
 * conjunct, narrower than ka with a visible virama and ssa beside it (what
 * a zero-width non-joiner between them asks for). */
static void test_hindi_is_shaped(void **state)
{
	pk_shaper *s = *state;
	pk_shape_bitmap bm;
	shape_or_skip(s, "\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7", 6 * CELL_W, CELL_H, false, &bm);
	int conjunct = ink_of(&bm).right;
	shape_or_skip(s, "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8c\xe0\xa4\xb7", 6 * CELL_W, CELL_H,
		      false, &bm);
	int apart = ink_of(&bm).right;
	assert_true(conjunct > 0);
	assert_true(apart > conjunct + CELL_W / 2);
}

/* Wider than its cells: squeezed into them, nothing cut off at the right
 * (the last glyph still has ink near the right edge), never outside. */
static void test_too_wide_is_squeezed(void **state)
{
	pk_shaper *s = *state;
	pk_shape_bitmap wide, narrow;
	shape_or_skip(s, burmese, 40 * CELL_W, CELL_H, false, &wide);
	ink_box bw = ink_of(&wide);
	int natural = bw.right + 1;
	int cells = natural / CELL_W / 2 + 1; /* about half the room it needs */
	shape_or_skip(s, burmese, cells * CELL_W, CELL_H, false, &narrow);
	assert_int_equal(narrow.w, cells * CELL_W);
	assert_int_equal(narrow.h, CELL_H);
	ink_box bn = ink_of(&narrow);
	assert_true(bn.right >= narrow.w - CELL_W);
	assert_true(bn.total > bw.total / 4);
	/* and one cell high for a tiny cell: still exact, still inked */
	shape_or_skip(s, hindi, 8 * 4, 8, false, &narrow);
	assert_int_equal(narrow.w, 32);
	assert_int_equal(narrow.h, 8);
	assert_true(ink_of(&narrow).total > 0);
}

static void test_bold_is_heavier(void **state)
{
	pk_shaper *s = *state;
	pk_shape_bitmap bm;
	shape_or_skip(s, hindi, 21 * CELL_W, CELL_H, false, &bm);
	long regular = ink_of(&bm).total;
	shape_or_skip(s, hindi, 21 * CELL_W, CELL_H, true, &bm);
	assert_true(ink_of(&bm).total > regular * 11 / 10);
}

/* The same run again (a screen redrawn every second) comes from the
 * cache; another size, weight or text is drawn afresh. */
static void test_cache(void **state)
{
	pk_shaper *s = *state;
	unsigned long hits, misses, h0, m0;
	pk_shape_bitmap a, b;
	pk_shaper_stats(s, &h0, &m0);
	shape_or_skip(s, burmese, 17 * CELL_W, CELL_H, false, &a);
	const unsigned char *first = a.px;
	shape_or_skip(s, burmese, 17 * CELL_W, CELL_H, false, &b);
	pk_shaper_stats(s, &hits, &misses);
	assert_int_equal(misses - m0, 1);
	assert_int_equal(hits - h0, 1);
	assert_ptr_equal(b.px, first);
	shape_or_skip(s, burmese, 18 * CELL_W, CELL_H, false, &b);
	shape_or_skip(s, burmese, 17 * CELL_W, CELL_H, true, &b);
	shape_or_skip(s, hindi, 17 * CELL_W, CELL_H, false, &b);
	pk_shaper_stats(s, &hits, &misses);
	assert_int_equal(misses - m0, 4);
	assert_int_equal(hits - h0, 1);
	/* many more runs than the cache holds: the oldest are dropped, and
	 * asked again they are drawn again, the same */
	unsigned char *copy = malloc((size_t)a.w * (size_t)a.h);
	assert_non_null(copy);
	shape_or_skip(s, burmese, 17 * CELL_W, CELL_H, false, &a);
	memcpy(copy, a.px, (size_t)a.w * (size_t)a.h);
	for (int i = 0; i < 100; i++) {
		char t[64];
		snprintf(t, sizeof t, "%d %s", i, hindi);
		shape_or_skip(s, t, 30 * CELL_W, CELL_H, false, &b);
	}
	pk_shaper_stats(s, &h0, &m0);
	shape_or_skip(s, burmese, 17 * CELL_W, CELL_H, false, &a);
	pk_shaper_stats(s, &hits, &misses);
	assert_int_equal(misses - m0, 1);
	assert_memory_equal(copy, a.px, (size_t)a.w * (size_t)a.h);
	free(copy);
}

static void test_bad_input(void **state)
{
	pk_shaper *s = *state;
	pk_shape_bitmap bm;
	pk_error err;
	assert_int_equal(pk_shape_text(s, burmese, 0, CELL_H, false, &bm, &err), -1);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(pk_shape_text(s, burmese, 10, 0, false, &bm, &err), -1);
	assert_int_equal(pk_shape_text(s, NULL, 10, 10, false, &bm, &err), -1);
	/* invalid UTF-8 and an empty run still make a (blank) picture */
	shape_or_skip(s, "\xff\xfe abc \xe1\x80", 10 * CELL_W, CELL_H, false, &bm);
	assert_int_equal(bm.w, 10 * CELL_W);
	shape_or_skip(s, "", 3 * CELL_W, CELL_H, false, &bm);
	assert_int_equal(ink_of(&bm).total, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_runs_want_pixels),
		cmocka_unit_test_setup_teardown(test_exact_size_with_ink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hindi_is_shaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_wide_is_squeezed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bold_is_heavier, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
