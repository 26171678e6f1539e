/* test_text_model.c - the width model: the table's default (wcwidth added
 * up, what ncurses counts), the model built from a terminal's answers for
 * the eight samples, and what foot really did.
 *
 * The foot rows were measured in foot 1.13.1 (Debian 12, utf8proc 2.8,
 * grapheme-shaping=yes) under cage, one cluster printed at column 1 and
 * the cursor's column read back (CSI 6n), for each grapheme-width-method.
 * Measured that way, the model built from the eight samples predicted all
 * 510 distinct Burmese and Hindi clusters of po/my.po and po/hi.po under
 * all three methods; these are three of each kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "layout/text.h"

enum { WCSWIDTH, MAX, DOUBLE, METHODS };

/* what foot answered for the samples (pk_text_model_samples' order) */
static const int foot_samples[METHODS][8] = {
	[WCSWIDTH] = { 1, 2, 3, 2, 1, 2, 3, 2 },
	[MAX] = { 1, 1, 1, 2, 1, 1, 1, 2 },
	[DOUBLE] = { 1, 2, 2, 2, 1, 2, 2, 2 },
};

static const struct {
	const char *cluster;
	int width[METHODS]; /* foot: wcswidth, max, double-width */
} foot[] = {
	{ "ढ़ें", { 1, 1, 1 } },
	{ "ड़ें", { 1, 1, 1 } },
	{ "हैं", { 1, 1, 1 } },
	{ "नों", { 2, 1, 2 } },
	{ "हीं", { 2, 1, 2 } },
	{ "फ़ा", { 2, 1, 2 } },
	{ "र्फ़", { 2, 2, 2 } },
	{ "ब्जे", { 2, 2, 2 } },
	{ "ग्रे", { 2, 2, 2 } },
	{ "ज़्या", { 3, 2, 3 } },
	{ "ग्ज़ि", { 3, 2, 3 } },
	{ "न्फ़ि", { 3, 2, 3 } },
	{ "र्ग्यु", { 3, 3, 3 } },
	{ "क्स्ट", { 3, 3, 3 } },
	{ "स्ट्रिं", { 4, 3, 4 } },
	{ "स्क्री", { 4, 3, 4 } },
	{ "သို့", { 1, 1, 1 } },
	{ "ပို့", { 1, 1, 1 } },
	{ "ရှိ", { 1, 1, 1 } },
	{ "ရွှေ့", { 2, 1, 2 } },
	{ "တွေ့", { 2, 1, 2 } },
	{ "ခြုံ", { 2, 1, 2 } },
	{ "လုံး", { 2, 2, 2 } },
	{ "သုံး", { 2, 2, 2 } },
	{ "ဆုံး", { 2, 2, 2 } },
	{ "ဖြေ", { 3, 1, 2 } },
	{ "ချေ", { 3, 1, 2 } },
	{ "ခြေ", { 3, 1, 2 } },
	{ "င်္ကေ", { 3, 2, 3 } },
	{ "ကြိုး", { 3, 2, 3 } },
	{ "ပြီး", { 3, 2, 3 } },
	{ "သွား", { 3, 3, 3 } },
	{ "မှား", { 3, 3, 3 } },
	{ "ဗား", { 3, 3, 3 } },
	{ "လျော့", { 4, 2, 3 } },
	{ "ကြေး", { 4, 2, 3 } },
	{ "ပြော", { 4, 2, 3 } },
	{ "များ", { 4, 3, 4 } },
	{ "ခြား", { 4, 3, 4 } },
	{ "ပြား", { 4, 3, 4 } },
};
#define NFOOT (sizeof foot / sizeof foot[0])

static int teardown(void **state)
{
	(void)state;
	pk_text_use_model(NULL);
	return 0;
}

static void use_foot(int method)
{
	pk_text_model m;
	const char *const *samples;

	assert_int_equal(pk_text_model_samples(&samples), 8);
	assert_int_equal(pk_text_model_from_widths(&m, foot_samples[method], 8), 8);
	pk_text_use_model(&m);
}

/* The default is what ncurses and glibc count: wcwidth added up (foot's
 * own default, tmux, xterm). */
static void test_default_is_wcswidth(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFOOT; i++) {
		const char *c = foot[i].cluster;

		assert_int_equal(pk_text_width(c), foot[i].width[WCSWIDTH]);
		assert_int_equal(pk_text_width(c), pk_text_natural_width(c, strlen(c)));
		assert_int_equal(pk_text_cluster_len(c), strlen(c)); /* one cluster */
	}
	pk_text_model m, d;

	pk_text_model_in_use(&m);
	pk_text_model_default(&d);
	assert_memory_equal(&m, &d, sizeof m);
	/* measured like the default: the same model */
	use_foot(WCSWIDTH);
	pk_text_model_in_use(&m);
	assert_memory_equal(&m, &d, sizeof m);
}

/* From eight answers, the width foot gives every cluster. */
static void test_foot_methods(void **state)
{
	(void)state;
	for (int method = 0; method < METHODS; method++) {
		use_foot(method);
		for (size_t i = 0; i < NFOOT; i++)
			if (pk_text_width(foot[i].cluster) != foot[i].width[method])
				fail_msg("method %d: %s is %d columns, foot made it %d", method,
					 foot[i].cluster, pk_text_width(foot[i].cluster),
					 foot[i].width[method]);
	}
	/* text: the sum of its clusters; Latin untouched */
	use_foot(MAX);
	assert_int_equal(pk_text_width("ငွေပေးချေမှု"), 1 + 2 + 1 + 1); /* ငွေ ပေ း ချေ မှု */
	assert_int_equal(pk_text_width("Paid 1,250.50 INR"), 17);
	assert_int_equal(pk_text_width("भाषा"), 2);
	char out[64];

	/* truncation and wrapping measure the same way */
	assert_int_equal(pk_text_truncate("भाषा भाषा", 3, out, sizeof out), 3);
	assert_string_equal(out, "भाषा\xe2\x80\xa6");
	pk_text_lines l;

	assert_int_equal(pk_text_wrap("भाषा भाषा", 5, &l), 0);
	assert_int_equal(l.count, 1);
	pk_text_lines_free(&l);
	pk_text_use_model(NULL);
	assert_int_equal(pk_text_wrap("भाषा भाषा", 5, &l), 0);
	assert_int_equal(l.count, 2);
	pk_text_lines_free(&l);
}

/* A terminal that keeps a Devanagari conjunct in one cluster of its own
 * (Unicode 15.1's GB9c) and gives it one column under "max". */
static void test_conjunct_terminal(void **state)
{
	static const int answers[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	pk_text_model m;

	(void)state;
	assert_int_equal(pk_text_model_from_widths(&m, answers, 8), 8);
	assert_int_equal(m.join[PK_TEXT_DEVANAGARI], -1);
	pk_text_use_model(&m);
	assert_int_equal(pk_text_width("क्ष"), 1);
	assert_int_equal(pk_text_width("स्ट्रिं"), 1);
	assert_int_equal(pk_text_width("ဒ္ဓ"), 1);
}

/* Answers a cell could not carry in step with ncurses are not believed:
 * wider than wcwidth's sum, 0, narrower for more, a join that is not 0 or
 * -1; no answer (-1) leaves the default. */
static void test_unbelievable_answers(void **state)
{
	static const int answers[8] = { 2, 3, 1, 5, 0, -1, 2, 2 };
	pk_text_model m, d;

	(void)state;
	pk_text_model_default(&d);
	assert_int_equal(pk_text_model_from_widths(&m, answers, 8), 2);
	/* Myanmar: 2 for a 1 is too wide, 3 for a 2 too; 1 for a 3 is fine */
	assert_int_equal(m.sub[PK_TEXT_MYANMAR][0], 1);
	assert_int_equal(m.sub[PK_TEXT_MYANMAR][1], 2);
	assert_int_equal(m.sub[PK_TEXT_MYANMAR][2], 3); /* 1 below the 2 of a 2: refused */
	assert_int_equal(m.join[PK_TEXT_MYANMAR], 0);                /* 5 - 2 */
	/* Devanagari: 0 and "not measured" keep the default, 2 for 3 is fine,
	 * the pair of 2 is the default */
	assert_int_equal(m.sub[PK_TEXT_DEVANAGARI][0], 1);
	assert_int_equal(m.sub[PK_TEXT_DEVANAGARI][1], 2);
	assert_int_equal(m.sub[PK_TEXT_DEVANAGARI][2], 2);
	assert_int_equal(m.join[PK_TEXT_DEVANAGARI], 0);
	/* too few answers: the default */
	assert_int_equal(pk_text_model_from_widths(&m, answers, 3), 0);
	assert_memory_equal(&m, &d, sizeof m);

	char desc[64];

	pk_text_model_describe(&d, desc, sizeof desc);
	assert_string_equal(desc, "my 1/2/3+0 hi 1/2/3+0");
	use_foot(MAX);
	pk_text_model_in_use(&m);
	pk_text_model_describe(&m, desc, sizeof desc);
	assert_string_equal(desc, "my 1/1/1+0 hi 1/1/1+0");
}

/* The cells a cluster goes into: as many as it is wide, each starting
 * at a spacing code point, first where foot starts one of its clusters. */
static void test_cells(void **state)
{
	size_t st[PK_TEXT_MAX_CELLS];
	const char *c;

	(void)state;
	use_foot(MAX);
	c = "ချေ"; /* one cell: kha, medial ya, e */
	assert_int_equal(pk_text_cells(c, strlen(c), 1, st), 1);
	assert_int_equal(st[0], 0);
	c = "ကြေး"; /* foot: ကြေ + း */
	assert_int_equal(pk_text_cells(c, strlen(c), 2, st), 2);
	assert_int_equal(st[0], 0);
	assert_string_equal(c + st[1], "း");
	c = "स्ट्रिं"; /* foot: स् + ट् + रिं */
	assert_int_equal(pk_text_cells(c, strlen(c), 3, st), 3);
	assert_int_equal(strncmp(c + st[1], "ट", strlen("ट")), 0);
	assert_string_equal(c + st[2], "रिं");

	use_foot(DOUBLE);
	c = "ကြေး"; /* ကြေ is 2 of foot's columns, း one: က | ြေ | း */
	assert_int_equal(pk_text_cells(c, strlen(c), 3, st), 3);
	assert_int_equal(strncmp(c + st[1], "ြ", strlen("ြ")), 0);
	assert_string_equal(c + st[2], "း");

	/* cannot: wider than wcwidth's sum, no width, no spacing code point
	 * to start with, a wide character, too many code points for a cell */
	c = "ငွေ";
	assert_int_equal(pk_text_cells(c, strlen(c), 3, st), -1);
	assert_int_equal(pk_text_cells(c, strlen(c), 0, st), -1);
	c = "\xcc\x81\xcc\x82";
	assert_int_equal(pk_text_cells(c, strlen(c), 1, st), -1);
	c = "\xe6\x94\xaf";
	assert_int_equal(pk_text_cells(c, strlen(c), 1, st), -1);
	c = "स्ट्रिं";
	assert_int_equal(pk_text_cells(c, strlen(c), 1, st), -1); /* 7 code points */
	assert_int_equal(pk_text_cells(c, 3, 1, st), -1);           /* not the cluster */
	assert_int_equal(pk_text_natural_width(c, strlen(c)), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_default_is_wcswidth, teardown),
		cmocka_unit_test_teardown(test_foot_methods, teardown),
		cmocka_unit_test_teardown(test_conjunct_terminal, teardown),
		cmocka_unit_test_teardown(test_unbelievable_answers, teardown),
		cmocka_unit_test_teardown(test_cells, teardown),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
