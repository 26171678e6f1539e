/* bigtext.c - large digits for the Wavepay wallet and amounts: a 3x5 font
 * of full blocks, so a customer can read the number from a step away. */
#include "ui/draw.h"

#include <string.h>
#include <wchar.h>

/* Each glyph: 5 rows of 3 bits (bit 2 = left column). */
static const struct glyph {
	char ch;
	unsigned char rows[PK_BIG_ROWS];
} glyphs[] = {
	{ '0', { 7, 5, 5, 5, 7 } }, { '1', { 2, 6, 2, 2, 7 } }, { '2', { 7, 1, 7, 4, 7 } },
	{ '3', { 7, 1, 7, 1, 7 } }, { '4', { 5, 5, 7, 1, 1 } }, { '5', { 7, 4, 7, 1, 7 } },
	{ '6', { 7, 4, 7, 5, 7 } }, { '7', { 7, 1, 1, 1, 1 } }, { '8', { 7, 5, 7, 5, 7 } },
	{ '9', { 7, 5, 7, 1, 7 } }, { ',', { 0, 0, 0, 2, 4 } }, { '.', { 0, 0, 0, 0, 2 } },
	{ '-', { 0, 0, 7, 0, 0 } }, { ' ', { 0, 0, 0, 0, 0 } },
};

static const struct glyph *find(char ch)
{
	for (size_t i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
		if (glyphs[i].ch == ch)
			return &glyphs[i];
	return NULL;
}

int pk_big_width(const char *ascii)
{
	int w = 0;
	for (const char *p = ascii; *p; p++)
		if (find(*p))
			w += (w ? 1 : 0) + 3;
	return w;
}

void pk_big_draw(int y, int x, const char *ascii, attr_t attr)
{
	attr_t old_attr;
	short old_pair;
	attr_get(&old_attr, &old_pair, NULL);
	attrset(attr);
	for (int r = 0; r < PK_BIG_ROWS; r++) {
		if (y + r < 0 || y + r >= LINES)
			continue;
		int cx = x;
		for (const char *p = ascii; *p; p++) {
			const struct glyph *g = find(*p);
			if (!g)
				continue;
			for (int b = 0; b < 3; b++) {
				if (g->rows[r] & (4 >> b))
					mvaddwstr(y + r, cx + b, L"\u2588");
			}
			cx += 4;
		}
	}
	attrset(old_attr);
	color_set(old_pair, NULL);
}
