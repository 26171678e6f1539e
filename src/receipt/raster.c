/* raster.c - the receipt drawn as a 1-bit image for an ESC/POS printer.
 * Thermal printers' own fonts have no Burmese or Devanagari, so those
 * receipts are shaped with HarfBuzz (Burmese reorders and stacks, Hindi
 * joins conjuncts: a character-by-character font cannot do either),
 * rasterised with FreeType at 24 px, laid out in dots (names left, values
 * right, headers centred) and sent as GS v 0 bands. */
#include "receipt/receipt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ft.h>
#include <hb.h>

#include "common/i18n.h"

#define PX 24            /* glyph size in dots: about 3 mm at 203 dpi */
#define GAP 12           /* least room between a name and its value */
#define BAND_ROWS 128    /* GS v 0 rows per command: small printers' buffers */

const char *pk_receipt_font_for(pk_lang lang)
{
	static const char *const my[] = {
		"/usr/share/fonts/truetype/padauk/Padauk-Regular.ttf",
		"/usr/share/fonts/truetype/noto/NotoSansMyanmar-Regular.ttf", NULL
	};
	static const char *const hi[] = {
		"/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
		"/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf", NULL
	};
	static const char *const en[] = {
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", NULL
	};
	const char *const *list = lang == PK_LANG_MY ? my : lang == PK_LANG_HI ? hi : en;
	for (; *list; list++)
		if (access(*list, R_OK) == 0)
			return *list;
	return NULL;
}

typedef struct canvas {
	int w, h, cap;           /* width in dots, rows used, rows allocated */
	unsigned char *bits;     /* (w / 8) bytes a row, MSB first, 1 = ink */
} canvas;

static int canvas_rows(canvas *c, int rows)
{
	int need = c->h + rows;
	if (need > c->cap) {
		int cap = c->cap ? c->cap * 2 : 512;
		while (cap < need)
			cap *= 2;
		unsigned char *b = realloc(c->bits, (size_t)cap * (size_t)(c->w / 8));
		if (!b)
			return -1;
		memset(b + (size_t)c->cap * (size_t)(c->w / 8), 0,
		       (size_t)(cap - c->cap) * (size_t)(c->w / 8));
		c->bits = b;
		c->cap = cap;
	}
	c->h = need;
	return 0;
}

static void ink(canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return;
	c->bits[(size_t)y * (size_t)(c->w / 8) + (size_t)(x / 8)] |= (unsigned char)(0x80 >> (x % 8));
}

typedef struct font {
	FT_Library lib;
	FT_Face face;
	hb_font_t *hb;
	int ascent, line_h;
} font;

/* Shape text; *width in dots; -1 when a glyph is missing from the font. */
static int shape(font *f, const char *text, hb_buffer_t **out, int *width)
{
	hb_buffer_t *b = hb_buffer_create();
	hb_buffer_add_utf8(b, text, -1, 0, -1);
	hb_buffer_guess_segment_properties(b);
	hb_shape(f->hb, b, NULL, 0);
	unsigned n;
	hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
	int32_t w = 0;
	for (unsigned i = 0; i < n; i++) {
		if (info[i].codepoint == 0) { /* .notdef: the font cannot draw it */
			hb_buffer_destroy(b);
			return -1;
		}
		w += pos[i].x_advance;
	}
	*out = b;
	*width = (int)(w / 64);
	return 0;
}

static int draw(font *f, canvas *c, hb_buffer_t *b, int x0, int top, bool bold)
{
	unsigned n;
	hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
	int32_t pen = 0;
	int baseline = top + f->ascent;
	for (unsigned i = 0; i < n; i++) {
		if (FT_Load_Glyph(f->face, info[i].codepoint, FT_LOAD_DEFAULT) ||
		    FT_Render_Glyph(f->face->glyph, FT_RENDER_MODE_NORMAL))
			return -1;
		FT_GlyphSlot g = f->face->glyph;
		int gx = x0 + (int)((pen + pos[i].x_offset) / 64) + g->bitmap_left;
		int gy = baseline - (int)(pos[i].y_offset / 64) - g->bitmap_top;
		for (unsigned row = 0; row < g->bitmap.rows; row++)
			for (unsigned col = 0; col < g->bitmap.width; col++)
				if (g->bitmap.buffer[row * (unsigned)g->bitmap.pitch + col] >= 128) {
					ink(c, gx + (int)col, gy + (int)row);
					if (bold)
						ink(c, gx + (int)col + 1, gy + (int)row);
				}
		pen += pos[i].x_advance;
	}
	return 0;
}

/* One row of text at x; the canvas grows by a line. */
static int text_row(font *f, canvas *c, hb_buffer_t *b, int x, bool bold)
{
	int top = c->h;
	if (canvas_rows(c, f->line_h) < 0)
		return -1;
	return draw(f, c, b, x, top, bold);
}

static int lay_out(font *f, canvas *c, const pk_receipt *r)
{
	for (int i = 0; i < r->n_items; i++) {
		const pk_receipt_item *it = &r->item[i];
		hb_buffer_t *a = NULL, *b = NULL;
		int wa = 0, wb = 0, rc = 0;
		if (it->kind == PK_RI_RULE) {
			int mid = c->h + f->line_h / 4;
			if (canvas_rows(c, f->line_h / 2) < 0)
				return -1;
			for (int x = 0; x < c->w; x++) {
				ink(c, x, mid);
				ink(c, x, mid + 1);
			}
			continue;
		}
		if (shape(f, it->a, &a, &wa) < 0)
			return -1;
		if (it->kind == PK_RI_CENTER) {
			rc = text_row(f, c, a, wa < c->w ? (c->w - wa) / 2 : 0, it->bold);
		} else if (shape(f, it->b ? it->b : "", &b, &wb) < 0) {
			rc = -1;
		} else if (wa + GAP + wb <= c->w) { /* name ... value on one row */
			int top = c->h;
			rc = text_row(f, c, a, 0, it->bold);
			if (rc == 0)
				rc = draw(f, c, b, c->w - wb, top, it->bold);
		} else { /* the name, then the value on its own row, right */
			rc = text_row(f, c, a, 0, it->bold);
			if (rc == 0)
				rc = text_row(f, c, b, wb < c->w ? c->w - wb : 0, it->bold);
		}
		if (a)
			hb_buffer_destroy(a);
		if (b)
			hb_buffer_destroy(b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int put(unsigned char **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
	if (*len + n > *cap) {
		size_t c = *cap ? *cap * 2 : 4096;
		while (c < *len + n)
			c *= 2;
		unsigned char *p = realloc(*buf, c);
		if (!p)
			return -1;
		*buf = p;
		*cap = c;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	return 0;
}

int pk_receipt_escpos_raster(const pk_receipt *r, const char *font_path, int width_dots,
			     unsigned char **out, size_t *len, pk_error *err)
{
	font f = { 0 };
	canvas c = { .w = width_dots - width_dots % 8 };
	unsigned char *job = NULL;
	size_t jlen = 0, jcap = 0;
	int rc = -1;
	if (c.w <= 0 || FT_Init_FreeType(&f.lib))
		return pk_error_set(err, PK_ERR_IO, "%s", _("Cannot draw the receipt"));
	if (FT_New_Face(f.lib, font_path, 0, &f.face) || FT_Set_Pixel_Sizes(f.face, 0, PX)) {
		pk_error_set(err, PK_ERR_IO, "%s", _("Cannot draw the receipt"));
		goto out;
	}
	f.hb = hb_ft_font_create_referenced(f.face);
	f.ascent = (int)(f.face->size->metrics.ascender >> 6);
	f.line_h = (int)(f.face->size->metrics.height >> 6) + 2;
	if (f.line_h < PX)
		f.line_h = PX + 4;
	if (lay_out(&f, &c, r) < 0) {
		pk_error_set(err, PK_ERR_INVALID, "%s", _("Cannot draw the receipt"));
		goto out;
	}
	static const unsigned char init[] = { 0x1b, '@' };
	if (put(&job, &jlen, &jcap, init, sizeof init) < 0)
		goto nomem;
	int bpr = c.w / 8;
	for (int y = 0; y < c.h; y += BAND_ROWS) {
		int rows = c.h - y < BAND_ROWS ? c.h - y : BAND_ROWS;
		unsigned char head[8] = { 0x1d, 'v', '0', 0, (unsigned char)(bpr & 0xff),
					  (unsigned char)(bpr >> 8), (unsigned char)(rows & 0xff),
					  (unsigned char)(rows >> 8) };
		if (put(&job, &jlen, &jcap, head, sizeof head) < 0 ||
		    put(&job, &jlen, &jcap, c.bits + (size_t)y * (size_t)bpr,
			(size_t)rows * (size_t)bpr) < 0)
			goto nomem;
	}
	static const unsigned char tail[] = { 0x1b, 'd', 4, 0x1d, 'V', 1 };
	if (put(&job, &jlen, &jcap, tail, sizeof tail) < 0)
		goto nomem;
	*out = job;
	*len = jlen;
	job = NULL;
	rc = 0;
	goto out;
nomem:
	pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
out:
	free(job);
	free(c.bits);
	if (f.hb)
		hb_font_destroy(f.hb); /* drops HarfBuzz's reference to the face */
	if (f.face)
		FT_Done_Face(f.face);  /* and ours */
	FT_Done_FreeType(f.lib);
	return rc;
}
