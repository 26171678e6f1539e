/* draw.c - drawing UTF-8 text by display columns with the wide API. */
#include "ui/draw.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "layout/text.h"
#include "ui/colors.h"
#include "ui/sixel.h"

#define LINE_MAX_BYTES 2048

/* The cell-writing loop.  Each cluster goes into the terminal as one
 * unit:
 * - a cluster as wide as ncurses counts it by itself (the sum of wcwidth;
 *   tmux, xterm, foot by default) is written as it comes, waddnwstr;
 * - a cluster the terminal draws narrower (foot's "max" width method: a
 *   Burmese syllable in one column) is packed into as many cells as it is
 *   wide, each cell a cchar_t holding a spacing code point and what
 *   follows it, spacing or not (layout/text.h says where cells start).
 *   setcchar() keeps only non-spacing marks after the first character, so
 *   the cell is filled in place; ncurses counts a cell by its first
 *   character and writes out all of them, so its cursor and the
 *   terminal's stay in step;
 * - ncurses writes only the cells that changed.  Had a cluster several
 *   cells and only a later one changed, the terminal would get that part
 *   alone and draw it as a broken cluster (a sign on a dotted circle):
 *   then the row is written out whole (wredrawln). */
static_assert(PK_TEXT_CELL_CPS <= CCHARW_MAX, "a cell holds a packed cluster's part");

/* UTF-8 s[0..n) -> wide; invalid bytes become U+FFFD.  Returns the
 * count (at most cap - 1, NUL-terminated). */
static size_t to_wide(const char *s, size_t n, wchar_t *out, size_t cap)
{
	mbstate_t st;
	size_t k = 0, pos = 0;

	memset(&st, 0, sizeof st);
	while (pos < n && s[pos] && k + 1 < cap) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s + pos, n - pos, &st);

		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&st, 0, sizeof st);
			out[k++] = 0xFFFD;
			pos++;
			continue;
		}
		out[k++] = wc;
		pos += r;
	}
	out[k] = 0;
	return k;
}

static bool same_cell(const cchar_t *a, const cchar_t *b)
{
	wchar_t wa[CCHARW_MAX + 1] = { 0 }, wb[CCHARW_MAX + 1] = { 0 };
	attr_t aa = 0, ab = 0;
	short pa = 0, pb = 0;

	if (getcchar(a, wa, &aa, &pa, NULL) == ERR || getcchar(b, wb, &ab, &pb, NULL) == ERR)
		return false;
	return aa == ab && pa == pb && wmemcmp(wa, wb, CCHARW_MAX) == 0;
}

/* After a cluster of `cells` cells was written at (y, x): if ncurses
 * would write out only a later part of it, have it write the row. */
static void keep_cluster_whole(int y, int x, int cells)
{
	cchar_t now, shown;
	bool first_same = false;
	int cy, cx, sy, sx;

	if (cells < 2 || !curscr)
		return;
	/* reading a cell moves the window's cursor: both are put back
	 * (curscr's is where ncurses left the terminal's) */
	getyx(stdscr, cy, cx);
	getyx(curscr, sy, sx);
	for (int i = 0; i < cells; i++) {
		if (mvwin_wch(stdscr, y, x + i, &now) == ERR ||
		    mvwin_wch(curscr, y, x + i, &shown) == ERR)
			break;
		bool same = same_cell(&now, &shown);

		if (i == 0) {
			first_same = same;
		} else if (first_same && !same) {
			wredrawln(stdscr, y, 1);
			break;
		}
	}
	wmove(curscr, sy, sx);
	wmove(stdscr, cy, cx);
}

/* One cluster packed into the cells starting at the byte offsets. */
static void put_cells(const char *s, size_t n, const size_t *starts, int cells)
{
	for (int k = 0; k < cells; k++) {
		size_t end = k + 1 < cells ? starts[k + 1] : n;
		wchar_t wc[CCHARW_MAX + 1];
		size_t cnt = to_wide(s + starts[k], end - starts[k], wc, sizeof wc / sizeof wc[0]);
		cchar_t cc;
		wchar_t first[2] = { wc[0], 0 };

		if (setcchar(&cc, first, A_NORMAL, 0, NULL) == ERR)
			return;
		for (size_t i = 1; i < cnt && i < CCHARW_MAX; i++)
			cc.chars[i] = wc[i];
		add_wch(&cc);
	}
}

/* Write s (already cut to fit) at (y, x), cluster by cluster. */
static void put_text(int y, int x, const char *s)
{
	size_t n;
	int w;

	move(y, x);
	while ((n = pk_text_cluster(s, &w)) > 0) {
		size_t starts[PK_TEXT_MAX_CELLS];
		int cx = getcurx(stdscr);

		if (w != pk_text_natural_width(s, n) && pk_text_cells(s, n, w, starts) == w) {
			put_cells(s, n, starts, w);
		} else {
			wchar_t wide[64];
			size_t len = 0;

			/* a cluster longer than the buffer goes in pieces */
			for (size_t done = 0; done < n; done += len) {
				len = n - done;
				if (len > 60)
					for (len = 60; len > 0 && ((unsigned char)s[done + len] & 0xC0) == 0x80;)
						len--;
				if (len == 0)
					break;
				size_t k = to_wide(s + done, len, wide, sizeof wide / sizeof wide[0]);

				addnwstr(wide, (int)k);
			}
		}
		keep_cluster_whole(y, cx, getcurx(stdscr) - cx);
		s += n;
	}
}

int pk_draw_text(int y, int x, int w, const char *utf8, attr_t attr)
{
	if (w <= 0 || !utf8 || y < 0 || y >= LINES)
		return 0;
	/* Burmese / Devanagari on a sixel terminal: an image over blank cells. */
	int img = pk_sixel_draw_text(y, x, w, utf8, attr);
	if (img >= 0)
		return img;
	char cut[LINE_MAX_BYTES];
	int used = pk_text_truncate(utf8, w, cut, sizeof cut);
	attr_t old_attr;
	short old_pair;
	attr_get(&old_attr, &old_pair, NULL);
	attrset(attr);
	put_text(y, x, cut);
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

void pk_draw_qr(const pk_qr *qr, int y0, int x0)
{
	static const wchar_t glyphs[4] = { L' ', L'\u2580', L'\u2584', L'\u2588' };
	attr_t a = has_colors() ? pk_role_attr(PK_ROLE_QR) : A_NORMAL;
	wchar_t *line = malloc(((size_t)qr->cols + 1) * sizeof *line);
	if (!line)
		return;
	attr_t old_attr;
	short old_pair;
	attr_get(&old_attr, &old_pair, NULL);
	for (int r = 0; r < qr->rows; r++) {
		for (int c = 0; c < qr->cols; c++)
			line[c] = glyphs[qr->cells[r * qr->cols + c] & 3];
		line[qr->cols] = 0;
		attrset(a);
		mvaddnwstr(y0 + r, x0, line, qr->cols);
	}
	attrset(old_attr);
	color_set(old_pair, NULL);
	free(line);
}

int pk_draw_error(int y, int x, int w, int max_rows, const pk_error *e)
{
	if (!e || e->kind == PK_OK)
		return 0;
	char text[PK_ERR_MSG_MAX];
	return pk_draw_wrap(y, x, w, max_rows, pk_error_text(e, text, sizeof text),
			    pk_role_attr(PK_ROLE_BAD), 0);
}
