/* test_po_layout.c - the real Burmese and Hindi translations through the
 * layout code the screens use: wrapped at 80 and at 40 columns no line is
 * wider than the screen, no line starts inside a cluster (a combining
 * mark, a virama or a dependent vowel sign), nothing is lost; truncation
 * never splits a cluster either. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "layout/text.h"

/* Decode one UTF-8 code point; returns its length (1 on bad bytes). */
static size_t decode(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) { *cp = u[0]; return 1; }
	if ((u[0] & 0xE0) == 0xC0 && u[1]) { *cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu); return 2; }
	if ((u[0] & 0xF0) == 0xE0 && u[1] && u[2]) {
		*cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
		return 3;
	}
	if ((u[0] & 0xF8) == 0xF0 && u[1] && u[2] && u[3]) {
		*cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) |
		      (u[3] & 0x3Fu);
		return 4;
	}
	*cp = u[0];
	return 1;
}

/* A code point that belongs to the cluster before it. */
static int joins_previous(unsigned cp)
{
	if (wcwidth((wchar_t)cp) == 0)
		return 1;
	return (cp >= 0x102B && cp <= 0x103E) || (cp >= 0x1056 && cp <= 0x1059) ||
	       (cp >= 0x1062 && cp <= 0x1064) || (cp >= 0x1067 && cp <= 0x106D) ||
	       (cp >= 0x1083 && cp <= 0x108D) || (cp >= 0x093A && cp <= 0x094F) ||
	       (cp >= 0x0962 && cp <= 0x0963) || (cp >= 0x0900 && cp <= 0x0903);
}

typedef struct msgs { char **text; size_t n; } msgs;

static void unescape_append(char **dst, size_t *len, const char *q)
{
	/* q points after the opening quote; stop at the closing one */
	for (const char *p = q; *p && *p != '"'; p++) {
		char c = *p;
		if (c == '\\' && p[1]) {
			p++;
			c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		}
		*dst = realloc(*dst, *len + 2);
		(*dst)[(*len)++] = c;
		(*dst)[*len] = '\0';
	}
}

static msgs read_po(const char *lang)
{
	msgs m = { NULL, 0 };
	char path[512];
	const char *src = getenv("PK_SOURCE_DIR");
	snprintf(path, sizeof path, "%s/po/%s.po", src ? src : ".", lang);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	char line[8192];
	char *cur = NULL;
	size_t len = 0;
	int in_str = 0;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "msgstr", 6)) {
			if (cur) {
				m.text = realloc(m.text, (m.n + 1) * sizeof *m.text);
				m.text[m.n++] = cur;
			}
			cur = calloc(1, 1);
			len = 0;
			in_str = 1;
			unescape_append(&cur, &len, strchr(line, '"') + 1);
		} else if (in_str && line[0] == '"') {
			unescape_append(&cur, &len, line + 1);
		} else {
			in_str = 0;
		}
	}
	if (cur) {
		m.text = realloc(m.text, (m.n + 1) * sizeof *m.text);
		m.text[m.n++] = cur;
	}
	fclose(f);
	/* the first msgstr is the header */
	assert_true(m.n > 100);
	return m;
}

static void free_msgs(msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->text[i]);
	free(m->text);
}

static void strip_space(const char *s, char *out)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\n')
			*out++ = *s;
	*out = '\0';
}

static void check_lang(const char *lang)
{
	msgs m = read_po(lang);
	int scripts = 0;
	for (size_t i = 1; i < m.n; i++) {
		const char *t = m.text[i];
		if (strstr(t, "\xe1\x80") || strstr(t, "\xe0\xa4") || strstr(t, "\xe0\xa5"))
			scripts++;
		static const int widths[] = { 80, 40 };
		for (size_t w = 0; w < 2; w++) {
			pk_text_lines lines = { 0 };
			assert_int_equal(pk_text_wrap(t, widths[w], &lines), 0);
			size_t total = 0;
			for (int l = 0; l < lines.count; l++)
				total += strlen(lines.line[l]) + 1;
			char *joined = calloc(1, total + 1);
			for (int l = 0; l < lines.count; l++) {
				const char *ln = lines.line[l];
				if (pk_text_width(ln) > widths[w])
					fail_msg("%s: '%s' is %d columns wide at %d", lang, ln,
						 pk_text_width(ln), widths[w]);
				unsigned cp;
				if (*ln) {
					decode(ln, &cp);
					if (joins_previous(cp))
						fail_msg("%s: a line starts inside a cluster (U+%04X): '%s'",
							 lang, cp, ln);
				}
				strcat(joined, ln);
			}
			char *a = malloc(strlen(t) + 1), *b = malloc(strlen(joined) + 1);
			strip_space(t, a);
			strip_space(joined, b);
			if (strcmp(a, b) != 0)
				fail_msg("%s: wrapping at %d lost text of '%s'", lang, widths[w], t);
			free(a);
			free(b);
			free(joined);
			pk_text_lines_free(&lines);
		}
		/* truncation at 20 columns keeps whole clusters */
		char out[4096];
		int wd = pk_text_truncate(t, 20, out, sizeof out);
		assert_true(wd <= 20);
		size_t keep = strlen(out);
		static const char ell[] = "\xe2\x80\xa6";
		if (keep >= 3 && !strcmp(out + keep - 3, ell) && strcmp(t + keep - 3, ell) != 0)
			keep -= 3;
		assert_memory_equal(out, t, keep);
		unsigned cp;
		if (t[keep]) {
			decode(t + keep, &cp);
			if (joins_previous(cp))
				fail_msg("%s: truncation split a cluster in '%s'", lang, t);
		}
	}
	/* the catalogue really is in that script */
	assert_true(scripts > (int)m.n / 2);
	free_msgs(&m);
}

static void burmese(void **state)
{
	(void)state;
	check_lang("my");
}

static void hindi(void **state)
{
	(void)state;
	check_lang("hi");
}

int main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burmese),
		cmocka_unit_test(hindi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
