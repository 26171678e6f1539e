/* test_text_po.c - every Burmese and Hindi message of po/my.po and
 * po/hi.po, wrapped and truncated at every width from 1 to 80 columns,
 * under the default width model and the models of foot's three width
 * methods (and of a terminal keeping conjuncts whole): no line and no
 * truncation starts or ends inside a cluster, nothing is lost, no line is
 * wider than asked (unless one cluster alone is); and every cluster can
 * be written into as many terminal cells as the model makes it wide.
 *
 * "Inside a cluster" is judged here by General Category, not by the
 * table in text.c: a break is wrong before a combining or spacing mark
 * (Mn/Mc) of the two scripts, a combining mark, ZWJ/ZWNJ, and before a
 * consonant that follows a virama or stacker (after a ZWJ too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/text.h"

/* ---- an independent oracle ------------------------------------------- */

static size_t decode(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) { *cp = u[0]; return 1; }
	if ((u[0] & 0xE0) == 0xC0) { *cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu); return 2; }
	if ((u[0] & 0xF0) == 0xE0) {
		*cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
		return 3;
	}
	*cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) |
	      (u[3] & 0x3Fu);
	return 4;
}

static bool in(uint32_t cp, const uint32_t (*r)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i][0] && cp <= r[i][1])
			return true;
	return false;
}

/* Unicode General Category Mn or Mc in the two blocks, combining marks,
 * ZWNJ/ZWJ, variation selectors */
static bool is_mark(uint32_t cp)
{
	static const uint32_t marks[][2] = {
		{ 0x0300, 0x036F }, { 0x0900, 0x0903 }, { 0x093A, 0x093C }, { 0x093E, 0x094F },
		{ 0x0951, 0x0957 }, { 0x0962, 0x0963 }, { 0x102B, 0x103E }, { 0x1056, 0x1059 },
		{ 0x105E, 0x1060 }, { 0x1062, 0x1064 }, { 0x1067, 0x106D }, { 0x1071, 0x1074 },
		{ 0x1082, 0x108D }, { 0x108F, 0x108F }, { 0x109A, 0x109D }, { 0x200C, 0x200D },
		{ 0xFE00, 0xFE0F },
	};
	return in(cp, marks, sizeof marks / sizeof marks[0]);
}

static bool is_letter(uint32_t cp)
{
	static const uint32_t letters[][2] = {
		{ 0x0915, 0x0939 }, { 0x0958, 0x095F }, { 0x1000, 0x1021 },
	};
	return in(cp, letters, sizeof letters / sizeof letters[0]);
}

/* May text be cut at byte offset `at`? */
static bool may_break(const char *text, size_t at)
{
	uint32_t cp, prev = 0, prev2 = 0;
	size_t pos = 0;

	if (at == 0 || text[at] == '\0')
		return true;
	while (pos < at) {
		prev2 = prev;
		pos += decode(text + pos, &prev);
	}
	if (pos != at)
		return false; /* inside a code point */
	decode(text + at, &cp);
	if (is_mark(cp))
		return false;
	bool virama = prev == 0x094D || prev == 0x1039 ||
		      (prev == 0x200D && (prev2 == 0x094D || prev2 == 0x1039));

	return !(virama && is_letter(cp));
}

/* ---- the catalogues ---------------------------------------------------- */

typedef struct msgs {
	char **text;
	size_t n;
} msgs;

static void append_unescaped(char **dst, size_t *len, const char *q)
{
	for (const char *p = q; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\' && p[1]) {
			p++;
			c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		}
		char *d = realloc(*dst, *len + 2);

		assert_non_null(d);
		*dst = d;
		(*dst)[(*len)++] = c;
		(*dst)[*len] = '\0';
	}
}

static void add_msg(msgs *m, char *s)
{
	char **t = realloc(m->text, (m->n + 1) * sizeof *t);

	assert_non_null(t);
	m->text = t;
	m->text[m->n++] = s;
}

/* every msgstr (msgstr[N] too), the header left out */
static msgs read_po(const char *lang)
{
	msgs m = { NULL, 0 };
	char path[1024], line[8192];
	const char *src = getenv("PK_SOURCE_DIR");
	char *cur = NULL;
	size_t len = 0;
	bool in_str = false;

	snprintf(path, sizeof path, "%s/po/%s.po", src ? src : ".", lang);
	FILE *f = fopen(path, "r");

	if (!f)
		fail_msg("cannot read %s", path);
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "msgstr", 6)) {
			if (cur)
				add_msg(&m, cur);
			cur = calloc(1, 1);
			assert_non_null(cur);
			len = 0;
			in_str = true;
			append_unescaped(&cur, &len, strchr(line, '"') + 1);
		} else if (in_str && line[0] == '"') {
			append_unescaped(&cur, &len, line + 1);
		} else {
			in_str = false;
		}
	}
	if (cur)
		add_msg(&m, cur);
	fclose(f);
	assert_true(m.n > 100);
	free(m.text[0]); /* the header */
	memmove(m.text, m.text + 1, (m.n - 1) * sizeof *m.text);
	m.n--;
	return m;
}

static void free_msgs(msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->text[i]);
	free(m->text);
}

/* ---- the models -------------------------------------------------------- */

enum { M_DEFAULT, M_FOOT_MAX, M_FOOT_DOUBLE, M_CONJUNCTS, MODELS };

static const char *const model_name[MODELS] = { "default", "foot max", "foot double-width",
						"conjuncts whole" };
static const int answers[MODELS][8] = {
	[M_DEFAULT] = { 1, 2, 3, 2, 1, 2, 3, 2 },
	[M_FOOT_MAX] = { 1, 1, 1, 2, 1, 1, 1, 2 },
	[M_FOOT_DOUBLE] = { 1, 2, 2, 2, 1, 2, 2, 2 },
	[M_CONJUNCTS] = { 1, 1, 1, 1, 1, 1, 1, 1 },
};

static void use(int model)
{
	pk_text_model m;

	pk_text_model_from_widths(&m, answers[model], 8);
	pk_text_use_model(&m);
}

static int teardown(void **state)
{
	(void)state;
	pk_text_use_model(NULL);
	return 0;
}

/* ---- the checks -------------------------------------------------------- */

static bool one_cluster(const char *s)
{
	return *s && pk_text_cluster_len(s) == strlen(s);
}

static void check_wrap(const char *text, int cols, int model)
{
	pk_text_lines lines;
	size_t p = 0;

	assert_int_equal(pk_text_wrap(text, cols, &lines), 0);
	for (int i = 0; i < lines.count; i++) {
		const char *l = lines.line[i];
		size_t n = strlen(l);

		/* skip the break: the spaces dropped at a wrap, the newline */
		while (n > 0 && strncmp(text + p, l, n) != 0 && (text[p] == ' ' || text[p] == '\n'))
			p++;
		if (strncmp(text + p, l, n) != 0)
			fail_msg("%s, %d cols: line %d \"%s\" is not the text's next part (\"%.40s\")",
				 model_name[model], cols, i, l, text + p);
		if (!may_break(text, p) || !may_break(text, p + n))
			fail_msg("%s, %d cols: line %d \"%s\" cuts a cluster of \"%s\"",
				 model_name[model], cols, i, l, text);
		if (pk_text_width(l) > cols && !one_cluster(l))
			fail_msg("%s, %d cols: line %d \"%s\" is %d wide", model_name[model], cols, i,
				 l, pk_text_width(l));
		p += n;
	}
	while (text[p] == ' ' || text[p] == '\n')
		p++;
	if (text[p])
		fail_msg("%s, %d cols: \"%s\" lost from \"%s\"", model_name[model], cols, text + p,
			 text);
	pk_text_lines_free(&lines);
}

static void check_truncate(const char *text, int cols, int model)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	char out[4096];
	int w = pk_text_truncate(text, cols, out, sizeof out);
	size_t n = strlen(out);

	assert_true(w <= cols);
	assert_int_equal(w, pk_text_width(out));
	if (strcmp(out, text) == 0)
		return;
	/* cut: whole clusters, then the ellipsis */
	assert_true(n >= 3);
	assert_string_equal(out + n - 3, ellipsis);
	n -= 3;
	if (strncmp(out, text, n) != 0 || !may_break(text, n))
		fail_msg("%s, %d cols: \"%s\" cuts \"%s\"", model_name[model], cols, out, text);
}

static void check_lang(const char *lang)
{
	msgs m = read_po(lang);
	size_t scripts = 0;

	for (size_t i = 0; i < m.n; i++)
		if (strstr(m.text[i], "\xe1\x80") || strstr(m.text[i], "\xe0\xa4"))
			scripts++;
	assert_true(scripts > 100);
	for (int model = 0; model < MODELS; model++) {
		use(model);
		for (size_t i = 0; i < m.n; i++)
			for (int cols = 1; cols <= 80; cols++) {
				check_wrap(m.text[i], cols, model);
				check_truncate(m.text[i], cols, model);
			}
	}
	free_msgs(&m);
}

static void test_burmese_never_split(void **state)
{
	(void)state;
	check_lang("my");
}

static void test_hindi_never_split(void **state)
{
	(void)state;
	check_lang("hi");
}

/* Under the models of foot's width methods, every cluster of the
 * catalogues goes into as many cells as it is wide (else ncurses and the
 * terminal would part). */
static void test_every_cluster_drawable(void **state)
{
	static const char *const langs[] = { "my", "hi" };

	(void)state;
	for (int model = M_DEFAULT; model <= M_FOOT_DOUBLE; model++) {
		size_t packed = 0;

		use(model);
		for (size_t l = 0; l < 2; l++) {
			msgs m = read_po(langs[l]);

			for (size_t i = 0; i < m.n; i++) {
				const char *s = m.text[i];
				size_t n;
				int w;

				while ((n = pk_text_cluster(s, &w)) > 0) {
					size_t st[PK_TEXT_MAX_CELLS];

					if (w != pk_text_natural_width(s, n)) {
						if (pk_text_cells(s, n, w, st) != w)
							fail_msg("%s: \"%.*s\" cannot be %d cells",
								 model_name[model], (int)n, s, w);
						packed++;
					}
					s += n;
				}
			}
			free_msgs(&m);
		}
		/* the default packs nothing; foot's other methods pack (clusters
		 * of 2 or more of wcwidth's columns under "max", of 3 or more
		 * under "double-width") */
		if (model == M_DEFAULT)
			assert_int_equal(packed, 0);
		else
			assert_true(packed > (model == M_FOOT_MAX ? 1000u : 10u));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_burmese_never_split, teardown),
		cmocka_unit_test_teardown(test_hindi_never_split, teardown),
		cmocka_unit_test_teardown(test_every_cluster_drawable, teardown),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
