/* test_text.c - widths, clusters, wrapping and truncation of the English,
 * Burmese and Hindi texts the kiosk shows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "layout/text.h"

static const char burmese[] = "ငွေပေးချေမှု အောင်မြင်ပါသည်";  /* payment successful */
static const char hindi[] = "भुगतान सफल हुआ";                 /* payment successful */
static const char english[] = "Ask the customer to scan the QR code with any UPI app, then wait here.";
/* a long Burmese sentence with a single space, the hard case for wrapping */
static const char burmese_long[] =
	"ငွေပေးချေမှုကိုစောင့်ဆိုင်းနေသည်။ ဖောက်သည်၏ငွေလွှဲနံပါတ်ကိုရိုက်ထည့်ပြီးအတည်ပြုပါ။";
static const char hindi_conjuncts[] = "क्षत्रिय स्वागत है, कृपया प्रतीक्षा करें।";

/* First code point of s (valid UTF-8 assumed). */
static wchar_t first_cp(const char *s)
{
	wchar_t wc = 0;
	mbstate_t st = { 0 };

	if (!*s)
		return 0;
	assert_true(mbrtowc(&wc, s, strlen(s), &st) > 0);
	return wc;
}

static wchar_t last_cp(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
		n--;
	return first_cp(s + n - 1);
}

static int is_myanmar_mark(wchar_t c)
{
	return c >= 0x102B && c <= 0x103E;
}

static int is_devanagari_sign(wchar_t c)
{
	return (c >= 0x0900 && c <= 0x0903) || (c >= 0x093A && c <= 0x094F) ||
	       (c >= 0x0962 && c <= 0x0963);
}

/* The checks a cashier would notice on screen. */
static void check_wrap(const char *text, int cols)
{
	pk_text_lines lines;
	const char *p = text;

	assert_int_equal(pk_text_wrap(text, cols, &lines), 0);
	assert_true(lines.count >= 1);
	for (int i = 0; i < lines.count; i++) {
		const char *l = lines.line[i];
		wchar_t c = first_cp(l);

		/* never wider than the line */
		assert_true(pk_text_width(l) <= cols);
		/* no cluster split: no line starts with a mark or a
		 * zero-width character, none ends with a stacker/virama */
		if (c) {
			assert_true(wcwidth(c) > 0);
			assert_false(is_myanmar_mark(c));
			assert_false(is_devanagari_sign(c));
		}
		assert_int_not_equal(last_cp(l), 0x1039);
		assert_int_not_equal(last_cp(l), 0x094D);
		/* no leading/trailing break spaces left on a line */
		if (*l) {
			assert_int_not_equal(l[0], ' ');
			assert_int_not_equal(l[strlen(l) - 1], ' ');
		} else {
			assert_int_equal(strlen(text), 0);
		}
		/* the lines are the text in order, broken at a single space or
		 * between clusters */
		assert_memory_equal(p, l, strlen(l));
		p += strlen(l);
		if (i + 1 < lines.count && *p == ' ')
			p++;
	}
	assert_string_equal(p, "");
	/* a text that fits is one line */
	if (pk_text_width(text) <= cols)
		assert_int_equal(lines.count, 1);
	pk_text_lines_free(&lines);
	assert_null(lines.line);
}

static void test_widths(void **state)
{
	(void)state;
	assert_int_equal(pk_text_width(""), 0);
	assert_int_equal(pk_text_width("Paid 1,250.50 INR"), 17);
	/* Burmese: marks U+103D/U+103E/U+102F/U+103A take no column,
	 * vowel signs like U+1031 take one (as glibc and terminals draw them) */
	assert_int_equal(pk_text_width(burmese), 21);
	assert_int_equal(pk_text_width("မှု"), 1);
	assert_int_equal(pk_text_width("ငွေ"), 2);
	/* Hindi: U+0941 (u sign) takes no column */
	assert_int_equal(pk_text_width(hindi), 12);
	assert_int_equal(pk_text_width("क्ष"), 2);
	/* wide (CJK) and invalid bytes */
	assert_int_equal(pk_text_width("\xe6\x94\xaf"), 2);
	assert_int_equal(pk_text_width("a\xff" "b"), 3);
	assert_int_equal(pk_text_width("\xc0\xaf"), 2);          /* overlong '/' */
	assert_int_equal(pk_text_width("\xed\xa0\x80"), 3);      /* surrogate */
	assert_int_equal(pk_text_width("\xe0\xa4"), 2);          /* cut sequence */
	assert_int_equal(pk_text_width(NULL), 0);
}

static void test_clusters(void **state)
{
	(void)state;
	assert_int_equal(pk_text_cluster_len(""), 0);
	assert_int_equal(pk_text_cluster_len("ab"), 1);
	assert_int_equal(pk_text_cluster_len("e\xcc\x81x"), 3);       /* e + U+0301 */
	assert_int_equal(pk_text_cluster_len("ငွေပ"), 9);             /* nga + medial wa + e */
	assert_int_equal(pk_text_cluster_len("မှုအ"), 9);
	assert_int_equal(pk_text_cluster_len("ချေမ"), 9);
	/* Myanmar stacker U+1039 joins the next consonant: "စ္စ" */
	assert_int_equal(pk_text_cluster_len("\xe1\x80\x85\xe1\x80\xb9\xe1\x80\x85\xe1\x80\xac" "x"), 12);
	/* Devanagari virama joins the next consonant: "क्ष" and "त्रि" */
	assert_int_equal(pk_text_cluster_len("क्षत्रिय"), 9);
	assert_int_equal(pk_text_cluster_len("त्रिय"), 12);
	assert_int_equal(pk_text_cluster_len("भुग"), 6);
	/* ZWJ and a variation selector stay with their base */
	assert_int_equal(pk_text_cluster_len("a\xe2\x80\x8d" "b"), 4);
	assert_int_equal(pk_text_cluster_len("\xe2\x9c\x93\xef\xb8\x8f" "b"), 6);
	/* invalid byte: a cluster of its own */
	assert_int_equal(pk_text_cluster_len("\xff\xcc\x81"), 1);
	assert_int_equal(pk_text_cluster_len(" \xcc\x81"), 1);
}

/* The cases the class table (text.c) is there for, one by one. */
static void test_cluster_classes(void **state)
{
	static const struct {
		const char *text;
		const char *first; /* its first cluster */
	} cases[] = {
		/* Devanagari: nukta, candrabindu, anusvara, visarga */
		{ "क़लम", "क़" },
		{ "ज़्यादा", "ज़्या" },          /* nukta, virama, consonant, aa */
		{ "हँसी", "हँ" },
		{ "हिंदी", "हिं" },
		{ "दुःख", "दुः" },
		{ "स्ट्रिंग", "स्ट्रिं" },      /* two viramas, i and anusvara */
		/* ZWJ after a virama keeps the conjunct (half form); ZWNJ ends it */
		{ "क्\xe2\x80\x8dष", "क्\xe2\x80\x8dष" },
		{ "क्\xe2\x80\x8cष", "क्\xe2\x80\x8c" },
		/* Myanmar: medials, e, aa and visarga (cut off by the terminal,
		 * not by us), asat, kinzi */
		{ "ပြော်ရွှင်", "ပြော်" },
		{ "ပေးသည်", "ပေး" },
		{ "မြွှာ", "မြွှာ" },
		{ "သင်္ကြန်", "သ" },
		{ "င်္ကြန်", "င်္ကြ" },          /* kinzi (nga, asat, stacker) over ka */
		{ "ဗုဒ္ဓ", "ဗု" },
		{ "ဒ္ဓ", "ဒ္ဓ" },
		/* a digit is no consonant: the stacker keeps nothing after it */
		{ "က္\xe1\x81\x81", "က္" },
		/* a mark after a space, DEL or C1 control stays alone */
		{ "\x7f\xcc\x81", "\x7f" },
		{ "\xc2\x85\xcc\x81", "\xc2\x85" },
		{ "\xcc\x81\xcc\x82x", "\xcc\x81\xcc\x82" }, /* marks with no base */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = pk_text_cluster_len(cases[i].text);

		if (n != strlen(cases[i].first))
			fail_msg("case %zu \"%s\": first cluster %zu bytes, want \"%s\" (%zu)", i,
				 cases[i].text, n, cases[i].first, strlen(cases[i].first));
	}
}

static void test_wrap_all_widths(void **state)
{
	static const char *const texts[] = {
		english, burmese, hindi, burmese_long, hindi_conjuncts,
		"a b", "x", "supercalifragilisticexpialidocious is long",
	};
	static const int widths[] = { 80, 40, 10, 7, 3 };

	(void)state;
	for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
		for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
			check_wrap(texts[t], widths[w]);
}

static void test_wrap_exact_lines(void **state)
{
	pk_text_lines lines;

	(void)state;
	assert_int_equal(pk_text_wrap(english, 40, &lines), 0);
	assert_int_equal(lines.count, 2);
	assert_string_equal(lines.line[0], "Ask the customer to scan the QR code");
	assert_string_equal(lines.line[1], "with any UPI app, then wait here.");
	pk_text_lines_free(&lines);

	/* Burmese at 10: the first word (9 columns) fits; the second (11)
	 * breaks between clusters */
	assert_int_equal(pk_text_wrap(burmese, 10, &lines), 0);
	assert_int_equal(lines.count, 3);
	assert_string_equal(lines.line[0], "ငွေပေးချေမှု");
	assert_string_equal(lines.line[1], "အောင်မြင်ပါသ");
	assert_string_equal(lines.line[2], "ည်");
	pk_text_lines_free(&lines);

	assert_int_equal(pk_text_wrap(hindi, 10, &lines), 0);
	assert_int_equal(lines.count, 2);
	assert_string_equal(lines.line[0], "भुगतान सफल");
	assert_string_equal(lines.line[1], "हुआ");
	pk_text_lines_free(&lines);

	/* newlines are hard breaks; an empty text is one empty line */
	assert_int_equal(pk_text_wrap("one\n\ntwo three", 5, &lines), 0);
	assert_int_equal(lines.count, 4);
	assert_string_equal(lines.line[0], "one");
	assert_string_equal(lines.line[1], "");
	assert_string_equal(lines.line[2], "two");
	assert_string_equal(lines.line[3], "three");
	pk_text_lines_free(&lines);
	assert_int_equal(pk_text_wrap("", 10, &lines), 0);
	assert_int_equal(lines.count, 1);
	assert_string_equal(lines.line[0], "");
	pk_text_lines_free(&lines);

	/* extra spaces inside a line are kept, at a break they go */
	assert_int_equal(pk_text_wrap("ab  cd    ef", 6, &lines), 0);
	assert_int_equal(lines.count, 2);
	assert_string_equal(lines.line[0], "ab  cd");
	assert_string_equal(lines.line[1], "ef");
	pk_text_lines_free(&lines);

	/* an invalid byte is shown as U+FFFD */
	assert_int_equal(pk_text_wrap("ok \xff", 10, &lines), 0);
	assert_int_equal(lines.count, 1);
	assert_string_equal(lines.line[0], "ok \xef\xbf\xbd");
	pk_text_lines_free(&lines);

	assert_int_equal(pk_text_wrap("x", 0, &lines), -1);
	assert_int_equal(lines.count, 0);
}

static void test_truncate(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(pk_text_truncate("Hello, world", 5, out, sizeof out), 5);
	assert_string_equal(out, "Hell\xe2\x80\xa6");
	assert_int_equal(pk_text_truncate("Hello", 5, out, sizeof out), 5);
	assert_string_equal(out, "Hello");
	assert_int_equal(pk_text_truncate("Hello", 80, out, sizeof out), 5);
	assert_string_equal(out, "Hello");
	assert_int_equal(pk_text_truncate("Hello", 1, out, sizeof out), 1);
	assert_string_equal(out, "\xe2\x80\xa6");
	assert_int_equal(pk_text_truncate("Hello", 0, out, sizeof out), 0);
	assert_string_equal(out, "");

	/* whole clusters only: ငွေ(2) ပေး(3) then the ellipsis = 6 */
	assert_int_equal(pk_text_truncate(burmese, 6, out, sizeof out), 6);
	assert_string_equal(out, "ငွေပေး\xe2\x80\xa6");
	assert_int_equal(pk_text_width(out), 6);
	/* भु(1) ग(1); ता(2) would not fit beside the ellipsis */
	assert_int_equal(pk_text_truncate(hindi, 4, out, sizeof out), 3);
	assert_string_equal(out, "भुग\xe2\x80\xa6");
	assert_int_equal(pk_text_truncate(hindi, 12, out, sizeof out), 12);
	assert_string_equal(out, hindi);
	/* क्ष(2) त्रि(3): the conjunct is kept whole or dropped whole */
	assert_int_equal(pk_text_truncate("क्षत्रिय", 5, out, sizeof out), 3);
	assert_string_equal(out, "क्ष\xe2\x80\xa6");
	assert_int_equal(pk_text_truncate("क्षत्रिय", 6, out, sizeof out), 6);
	assert_string_equal(out, "क्षत्रिय");  /* 2 + 3 + 1: fits whole */

	/* invalid bytes become U+FFFD */
	assert_int_equal(pk_text_truncate("a\xff" "b", 10, out, sizeof out), 3);
	assert_string_equal(out, "a\xef\xbf\xbd" "b");

	/* a small buffer: never overflows, still ends in the ellipsis */
	char small[8];
	memset(small, 'Z', sizeof small);
	int w = pk_text_truncate("abcdefghijkl", 80, small, sizeof small);
	assert_string_equal(small, "abcd\xe2\x80\xa6");
	assert_int_equal(w, 5);
	memset(small, 'Z', sizeof small);
	w = pk_text_truncate(burmese, 80, small, sizeof small);
	assert_true(strlen(small) < sizeof small);
	assert_int_equal(w, pk_text_width(small));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_clusters),
		cmocka_unit_test(test_cluster_classes),
		cmocka_unit_test(test_wrap_all_widths),
		cmocka_unit_test(test_wrap_exact_lines),
		cmocka_unit_test(test_truncate),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
