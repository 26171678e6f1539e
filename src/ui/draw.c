/* draw.c - drawing UTF-8 text by display columns with the wide API. */
#include "ui/draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "layout/text.h"
#include "ui/colors.h"

#define LINE_MAX_BYTES 2048

/* UTF-8 -> wide (the locale is UTF-8: pk_i18n_init sees to it); invalid
 * bytes become '?'.  out holds at least cap wide chars. */
static void to_wide(const char *s, wchar_t *out, size_t cap)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = 0;
	while (*s && n + 1 < cap) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, strlen(s), &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&st, 0, sizeof st);
			out[n++] = L'?';
			s++;
			continue;
		}
		out[n++] = wc;
		s += r;
	}
	out[n] = 0;
}

int pk_draw_text(int y, int x, int w, const char *utf8, attr_t attr)
{
	if (w <= 0 || !utf8 || y < 0 || y >= LINES)
		return 0;
	char cut[LINE_MAX_BYTES];
	int used = pk_text_truncate(utf8, w, cut, sizeof cut);
	wchar_t wide[LINE_MAX_BYTES];
	to_wide(cut, wide, LINE_MAX_BYTES);
	attr_t old_attr;
	short old_pair;
	attr_get(&old_attr, &old_pair, NULL);
	attrset(attr);
	mvaddwstr(y, x, wide);
	attrset(old_attr);
	color_set(old_pair, NULL);
	return used;
}

int pk_draw_center(int y, int x, int w, const char *utf8, attr_t attr)
{
	int tw = pk_text_width(utf8);
	int off = tw < w ? (w - tw) / 2 : 0;
	return pk_draw_text(y, x + off, w - off, utf8, attr);
}

int pk_draw_wrap_rows(const char *utf8, int w)
{
	pk_text_lines lines = { 0 };
	if (w <= 0 || pk_text_wrap(utf8, w, &lines) < 0)
		return 1;
	int n = lines.count > 0 ? lines.count : 1;
	pk_text_lines_free(&lines);
	return n;
}

int pk_draw_wrap(int y, int x, int w, int max_rows, const char *utf8, attr_t attr,
		 int center)
{
	if (max_rows <= 0 || w <= 0)
		return 0;
	pk_text_lines lines = { 0 };
	if (pk_text_wrap(utf8, w, &lines) < 0) {
		/* Out of memory: one cut line is better than nothing. */
		if (center)
			pk_draw_center(y, x, w, utf8, attr);
		else
			pk_draw_text(y, x, w, utf8, attr);
		return 1;
	}
	int n = 0;
	for (int i = 0; i < lines.count && n < max_rows; i++, n++) {
		const char *line = lines.line[i];
		char last[LINE_MAX_BYTES];
		if (n == max_rows - 1 && i + 1 < lines.count) {
			/* More text than room: end with an ellipsis. */
			snprintf(last, sizeof last, "%s %s", line, lines.line[i + 1]);
			line = last; /* drawn cut with an ellipsis */
		}
		if (center)
			pk_draw_center(y + n, x, w, line, attr);
		else
			pk_draw_text(y + n, x, w, line, attr);
	}
	pk_text_lines_free(&lines);
	return n;
}

void pk_draw_fill(int y, int x, int w, attr_t attr)
{
	if (w <= 0 || y < 0 || y >= LINES)
		return;
	attr_t old_attr;
	short old_pair;
	attr_get(&old_attr, &old_pair, NULL);
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(old_attr);
	color_set(old_pair, NULL);
}

char *pk_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}

const char *pk_spinner(long long now_ms)
{
	static const char *const frames[] = { "|", "/", "-", "\\" };
	return frames[(now_ms / 100) % 4];
}

char *pk_fmt_mmss(char *buf, size_t len, long long seconds)
{
	if (seconds < 0)
		seconds = 0;
	snprintf(buf, len, "%lld:%02lld", seconds / 60, seconds % 60);
	return buf;
}

void pk_draw_box(int y, int x, int w, int h, int cols, attr_t attr)
{
	/* Clear the rows around it so no text of the screen below runs in. */
	for (int i = -1; i <= h; i++)
		pk_draw_fill(y + i, 0, cols, A_NORMAL);
	for (int i = 0; i < h; i++)
		pk_draw_fill(y + i, x, w, attr);
}

int pk_draw_error(int y, int x, int w, int max_rows, const pk_error *e)
{
	if (!e || e->kind == PK_OK)
		return 0;
	char text[PK_ERR_MSG_MAX];
	return pk_draw_wrap(y, x, w, max_rows, pk_error_text(e, text, sizeof text),
			    pk_role_attr(PK_ROLE_BAD), 0);
}
