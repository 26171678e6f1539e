/* shape.c - a run of text into a coverage bitmap of exactly its cells' size
 * (see shape.h).  The text is cut into segments by script (each drawn by
 * its own font: a Burmese font's Latin, if it has any, does not match the
 * rest of the screen), each segment shaped with HarfBuzz (Burmese reorders
 * and stacks, Devanagari joins conjuncts and places its vowel signs),
 * rendered with FreeType on one baseline, then fitted to the box.
 *
 * Measured with Tesseract on the screens' Burmese and Hindi strings drawn
 * this way in 11 x 27 px cells: Noto Sans Myanmar reads 0.97 where Padauk
 * reads 0.91 (Noto Sans Devanagari and Lohit alike, 0.96); a run wider
 * than its cells squeezed sideways reads as well as one shrunk whole
 * (within the OCR's noise) and keeps the script's height, so it is
 * squeezed; cutting it would lose words. */
#include "layout/shape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <hb-ft.h>
#include <hb.h>

#include "common/i18n.h"

#define CACHE_SIZE 64

/* The fonts, one per script drawn (the rest goes to FONT_LATIN). */
typedef enum font_id { FONT_MYANMAR, FONT_DEVANAGARI, FONT_LATIN, FONT__COUNT } font_id;

/* The scripts drawn as pixels, by code point: the one table. */
static const struct script_range {
	uint32_t lo, hi;
	font_id font;
} script_ranges[] = {
	{ 0x0900, 0x097F, FONT_DEVANAGARI }, /* Devanagari */
	{ 0x1000, 0x109F, FONT_MYANMAR },    /* Myanmar */
	{ 0xA8E0, 0xA8FF, FONT_DEVANAGARI }, /* Devanagari Extended */
	{ 0xA9E0, 0xA9FF, FONT_MYANMAR },    /* Myanmar Extended-B */
	{ 0xAA60, 0xAA7F, FONT_MYANMAR },    /* Myanmar Extended-A */
};

static const struct font_class {
	const char *file[2];    /* Debian's files, preferred first */
	const char *family[2];  /* fontconfig's families, if neither is there */
	uint32_t must_have;     /* a font without this code point is not it */
	hb_script_t script;     /* HB_SCRIPT_INVALID: guessed from the text */
	const char *lang;       /* BCP 47, for the shaper's language rules */
	/* The vertical extent the cell must hold: the ink of these clusters
	 * (the tallest and deepest our catalogues use), or NULL for the
	 * font's own line box (Latin: the same proportions as the terminal's
	 * text). */
	const char *box_probe;
} font_classes[FONT__COUNT] = {
	[FONT_MYANMAR] = {
		{ "/usr/share/fonts/truetype/noto/NotoSansMyanmar-Regular.ttf",
		  "/usr/share/fonts/truetype/padauk/Padauk-Regular.ttf" },
		{ "Noto Sans Myanmar", "Padauk" },
		0x1000, HB_SCRIPT_MYANMAR, "my", "၍ကြွှိုင်္ဂ",
	},
	[FONT_DEVANAGARI] = {
		{ "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
		  "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf" },
		{ "Noto Sans Devanagari", "Lohit Devanagari" },
		0x0915, HB_SCRIPT_DEVANAGARI, "hi", "हिं कु रू र्की",
	},
	[FONT_LATIN] = {
		{ "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
		  "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf" },
		{ "Noto Sans Mono", "DejaVu Sans Mono" },
		'A', HB_SCRIPT_INVALID, "en", NULL,
	},
};

typedef struct face {
	bool tried;          /* looked for (found or not) */
	FT_Face ft;
	hb_font_t *hb;
	int for_h;           /* the cell height the size below is for (0: none) */
	int em;              /* pixel size */
	double asc, desc;    /* the box above / below the baseline, pixels */
} face;

typedef struct entry {
	char *text;
	int w, h;
	bool bold;
	unsigned char *px;
	unsigned long used;  /* clock of the last use; 0 = free */
} entry;

struct pk_shaper {
	FT_Library lib;
	face faces[FONT__COUNT];
	entry cache[CACHE_SIZE];
	unsigned long clock, hits, misses;
};

/* ---- scripts ------------------------------------------------------------ */

static int script_font(uint32_t cp)
{
	for (size_t i = 0; i < sizeof script_ranges / sizeof script_ranges[0]; i++)
		if (cp >= script_ranges[i].lo && cp <= script_ranges[i].hi)
			return (int)script_ranges[i].font;
	return -1;
}

/* Characters of no script of their own (spaces, joiners, variation
 * selectors): they go with the script beside them. */
static bool joins_segment(uint32_t cp)
{
	return cp == ' ' || cp == 0x00A0 || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 ||
	       (cp >= 0xFE00 && cp <= 0xFE0F);
}

/* The code points of utf8 with their byte offsets (HarfBuzz decodes; bad
 * bytes become U+FFFD). */
static hb_buffer_t *decode(const char *utf8)
{
	hb_buffer_t *b = hb_buffer_create();
	hb_buffer_add_utf8(b, utf8, -1, 0, -1);
	if (!hb_buffer_allocation_successful(b)) {
		hb_buffer_destroy(b);
		return NULL;
	}
	return b;
}

bool pk_shape_wants_pixels(const char *utf8)
{
	if (!utf8)
		return false;
	bool any = false;
	for (const unsigned char *p = (const unsigned char *)utf8; *p && !any; p++)
		any = *p >= 0xE0; /* every range above is a three-byte sequence */
	if (!any)
		return false;
	hb_buffer_t *b = decode(utf8);
	if (!b)
		return false;
	unsigned n;
	const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(b, &n);
	bool wants = false;
	for (unsigned i = 0; i < n && !wants; i++)
		wants = script_font(in[i].codepoint) >= 0;
	hb_buffer_destroy(b);
	return wants;
}

/* ---- fonts -------------------------------------------------------------- */

/* fontconfig's file for a family, if that family (or what fontconfig
 * substitutes for it) has the code point. */
static char *fc_file(const char *family, uint32_t must_have)
{
	FcPattern *pat = FcPatternCreate();
	if (!pat)
		return NULL;
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcPatternAddInteger(pat, FC_WEIGHT, FC_WEIGHT_REGULAR);
	FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult res;
	FcPattern *m = FcFontMatch(NULL, pat, &res);
	FcPatternDestroy(pat);
	if (!m)
		return NULL;
	char *path = NULL;
	FcChar8 *file = NULL;
	FcCharSet *cs = NULL;
	if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
	    FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) == FcResultMatch &&
	    FcCharSetHasChar(cs, must_have))
		path = strdup((const char *)file);
	FcPatternDestroy(m);
	return path;
}

static int face_open(pk_shaper *s, face *f, const char *path, uint32_t must_have)
{
	FT_Face ft;
	if (FT_New_Face(s->lib, path, 0, &ft))
		return -1;
	if (FT_Get_Char_Index(ft, must_have) == 0) {
		FT_Done_Face(ft);
		return -1;
	}
	f->ft = ft;
	f->hb = hb_ft_font_create_referenced(ft);
	return 0;
}

/* The face for a font class, found the first time it is needed: the
 * files Debian's font packages install, else what fontconfig knows by
 * family (fontconfig is not even started on a machine with the packages:
 * its configuration loader keeps memory it never frees). */
static face *face_get(pk_shaper *s, font_id id)
{
	face *f = &s->faces[id];
	if (f->tried)
		return f->ft ? f : NULL;
	f->tried = true;
	const struct font_class *c = &font_classes[id];
	for (int i = 0; i < 2 && !f->ft; i++)
		if (access(c->file[i], R_OK) == 0)
			face_open(s, f, c->file[i], c->must_have);
	for (int i = 0; i < 2 && !f->ft; i++) {
		char *path = fc_file(c->family[i], c->must_have);
		if (path)
			face_open(s, f, path, c->must_have);
		free(path);
	}
	return f->ft ? f : NULL;
}

/* Ink above and below the baseline of text shaped with f, in pixels. */
static void ink_extent(face *f, const char *text, double *top, double *bottom)
{
	hb_buffer_t *b = hb_buffer_create();
	hb_buffer_add_utf8(b, text, -1, 0, -1);
	hb_buffer_guess_segment_properties(b);
	hb_shape(f->hb, b, NULL, 0);
	unsigned n;
	hb_glyph_info_t *in = hb_buffer_get_glyph_infos(b, &n);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
	hb_position_t hi = 0, lo = 0;
	for (unsigned i = 0; i < n; i++) {
		hb_glyph_extents_t e;
		if (!hb_font_get_glyph_extents(f->hb, in[i].codepoint, &e))
			continue;
		hb_position_t t = e.y_bearing + pos[i].y_offset;
		hb_position_t btm = t + e.height; /* height is negative */
		if (t > hi)
			hi = t;
		if (btm < lo)
			lo = btm;
	}
	hb_buffer_destroy(b);
	*top = hi / 64.0;
	*bottom = -lo / 64.0;
}

/* Size f so its class's box fills a cell h pixels high. */
static void face_size(face *f, const struct font_class *c, int h)
{
	if (f->for_h == h)
		return;
	FT_Set_Pixel_Sizes(f->ft, 0, (FT_UInt)h);
	hb_ft_font_changed(f->hb);
	double top, bottom;
	if (c->box_probe) {
		ink_extent(f, c->box_probe, &top, &bottom);
	} else {
		top = f->ft->size->metrics.ascender / 64.0;
		bottom = -f->ft->size->metrics.descender / 64.0;
	}
	double span = top + bottom > 0 ? top + bottom : h;
	int em = (int)(h * (double)h / span);
	if (em < 1)
		em = 1;
	FT_Set_Pixel_Sizes(f->ft, 0, (FT_UInt)em);
	hb_ft_font_changed(f->hb);
	f->em = em;
	f->asc = top * em / h;
	f->desc = bottom * em / h;
	f->for_h = h;
}

/* ---- segments ----------------------------------------------------------- */

typedef struct segment {
	font_id font;
	unsigned start, end;   /* bytes of the text */
	hb_buffer_t *glyphs;   /* shaped */
} segment;

/* Cut the text into runs of one font each.  Returns the count (0 for
 * empty text), -1 out of memory.  *out is malloc'd. */
static int segments_of(const char *utf8, segment **out)
{
	*out = NULL;
	hb_buffer_t *b = decode(utf8);
	if (!b)
		return -1;
	unsigned n;
	const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(b, &n);
	segment *seg = n ? calloc(n, sizeof *seg) : NULL;
	if (n && !seg) {
		hb_buffer_destroy(b);
		return -1;
	}
	int count = 0;
	unsigned len = (unsigned)strlen(utf8);
	for (unsigned i = 0; i < n; i++) {
		int font = script_font(in[i].codepoint);
		if (font < 0 && joins_segment(in[i].codepoint)) {
			/* a space between words goes with a script beside it,
			 * not with the wider Latin font */
			int prev = count > 0 ? (int)seg[count - 1].font : -1, next = -1;
			for (unsigned j = i + 1; j < n && next < 0; j++) {
				int f = script_font(in[j].codepoint);
				if (!joins_segment(in[j].codepoint))
					next = f >= 0 ? f : FONT_LATIN;
			}
			font = prev >= 0 && prev != FONT_LATIN ? prev
			       : next >= 0 && next != FONT_LATIN ? next
			       : FONT_LATIN;
		} else if (font < 0) {
			font = FONT_LATIN;
		}
		if (count == 0 || seg[count - 1].font != (font_id)font) {
			seg[count].font = (font_id)font;
			seg[count].start = in[i].cluster;
			count++;
		}
		seg[count - 1].end = i + 1 < n ? in[i + 1].cluster : len;
	}
	hb_buffer_destroy(b);
	*out = seg;
	return count;
}

static void segments_free(segment *seg, int n)
{
	for (int i = 0; i < n; i++)
		if (seg[i].glyphs)
			hb_buffer_destroy(seg[i].glyphs);
	free(seg);
}

static int shape_segment(face *f, const struct font_class *c, const char *utf8, segment *sg)
{
	hb_buffer_t *b = hb_buffer_create();
	hb_buffer_add_utf8(b, utf8, -1, sg->start, (int)(sg->end - sg->start));
	hb_buffer_set_direction(b, HB_DIRECTION_LTR);
	if (c->script != HB_SCRIPT_INVALID)
		hb_buffer_set_script(b, c->script);
	hb_buffer_set_language(b, hb_language_from_string(c->lang, -1));
	hb_buffer_guess_segment_properties(b);
	hb_shape(f->hb, b, NULL, 0);
	if (!hb_buffer_allocation_successful(b)) {
		hb_buffer_destroy(b);
		return -1;
	}
	sg->glyphs = b;
	return 0;
}

/* ---- drawing ------------------------------------------------------------ */

typedef struct canvas {
	int w, h;
	unsigned char *px;
	int ink_right;   /* one past the rightmost inked column */
} canvas;

static void blit(canvas *cv, const FT_Bitmap *bm, int x0, int y0)
{
	for (unsigned r = 0; r < bm->rows; r++) {
		int y = y0 + (int)r;
		if (y < 0 || y >= cv->h)
			continue;
		const unsigned char *src = bm->buffer + (long)r * bm->pitch;
		for (unsigned col = 0; col < bm->width; col++) {
			int x = x0 + (int)col;
			if (x < 0 || x >= cv->w || !src[col])
				continue;
			unsigned char *d = &cv->px[(size_t)y * (size_t)cv->w + (size_t)x];
			if (src[col] > *d)
				*d = src[col];
			if (x + 1 > cv->ink_right)
				cv->ink_right = x + 1;
		}
	}
}

/* Draw a shaped segment at pen (26.6) on the baseline; returns the pen
 * after it. */
static long draw_segment(face *f, const segment *sg, canvas *cv, long pen, int baseline,
			 bool bold)
{
	unsigned n;
	hb_glyph_info_t *in = hb_buffer_get_glyph_infos(sg->glyphs, &n);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(sg->glyphs, &n);
	for (unsigned i = 0; i < n; i++) {
		long gx = pen + pos[i].x_offset;
		pen += pos[i].x_advance;
		if (in[i].codepoint == 0) /* .notdef: draw nothing rather than a box */
			continue;
		if (FT_Load_Glyph(f->ft, in[i].codepoint, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT))
			continue;
		FT_GlyphSlot g = f->ft->glyph;
		if (bold && g->format == FT_GLYPH_FORMAT_OUTLINE)
			FT_Outline_Embolden(&g->outline, (FT_Pos)(f->em * 64 / 20));
		if (FT_Render_Glyph(g, FT_RENDER_MODE_NORMAL))
			continue;
		int x = (int)((gx + 32) >> 6) + g->bitmap_left;
		int y = baseline - (int)((pos[i].y_offset + 32) >> 6) - g->bitmap_top;
		blit(cv, &g->bitmap, x, y);
	}
	return pen;
}

/* Squeeze each row from the first sw columns of src (stride columns a row)
 * into dw columns of dst, averaging by area. */
static void squeeze(const unsigned char *src, int stride, int sw, unsigned char *dst, int dw,
		    int h)
{
	for (int y = 0; y < h; y++) {
		const unsigned char *s = src + (size_t)y * (size_t)stride;
		unsigned char *d = dst + (size_t)y * (size_t)dw;
		for (int x = 0; x < dw; x++) {
			/* the source span [a, b), in 1/dw of a source column */
			long a = (long)x * sw, b = (long)(x + 1) * sw;
			long sum = 0;
			for (long c = a / dw; c < sw && c * dw < b; c++) {
				long lo = c * dw > a ? c * dw : a;
				long hi = (c + 1) * dw < b ? (c + 1) * dw : b;
				sum += s[c] * (hi - lo);
			}
			long v = sum / sw;
			d[x] = (unsigned char)(v > 255 ? 255 : v);
		}
	}
}

/* Size the fonts for a box box_h pixels high and shape every segment;
 * the box above and below the shared baseline and the width (26.6). */
static int shape_all(pk_shaper *s, const char *utf8, segment *seg, int nseg, int box_h,
		     double *asc, double *desc, long *width, pk_error *err)
{
	*asc = *desc = 0;
	*width = 0;
	for (int i = 0; i < nseg; i++) {
		face *f = face_get(s, seg[i].font);
		if (!f)
			return pk_error_set(err, PK_ERR_IO, "%s",
					    _("No installed font can draw this text"));
		const struct font_class *c = &font_classes[seg[i].font];
		face_size(f, c, box_h);
		if (seg[i].glyphs)
			hb_buffer_destroy(seg[i].glyphs);
		seg[i].glyphs = NULL;
		if (shape_segment(f, c, utf8, &seg[i]) < 0)
			return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
		if (f->asc > *asc)
			*asc = f->asc;
		if (f->desc > *desc)
			*desc = f->desc;
		unsigned n;
		hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(seg[i].glyphs, &n);
		for (unsigned k = 0; k < n; k++)
			*width += pos[k].x_advance;
	}
	return 0;
}

static int render(pk_shaper *s, const char *utf8, int w, int h, bool bold, unsigned char *out,
		  pk_error *err)
{
	segment *seg;
	int nseg = segments_of(utf8, &seg);
	if (nseg < 0)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	int rc = -1;
	double asc, desc;
	long width;
	if (shape_all(s, utf8, seg, nseg, h, &asc, &desc, &width, err) < 0)
		goto out;
	/* One baseline for every script, the box of them all centred. */
	int baseline = (int)((h - (asc + desc)) / 2 + asc + 0.5);
	canvas cv = { .h = h };
	cv.w = (int)(width >> 6) + h; /* room for the last glyph's overhang */
	if (cv.w < w)
		cv.w = w;
	cv.px = calloc((size_t)cv.w * (size_t)h, 1);
	if (!cv.px) {
		pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
		goto out;
	}
	long pen = 0;
	for (int i = 0; i < nseg; i++)
		pen = draw_segment(&s->faces[seg[i].font], &seg[i], &cv, pen, baseline, bold);
	int natural = (int)((pen + 63) >> 6);
	if (cv.ink_right > natural)
		natural = cv.ink_right;
	if (natural <= w) {
		for (int y = 0; y < h; y++)
			memcpy(out + (size_t)y * (size_t)w, cv.px + (size_t)y * (size_t)cv.w, (size_t)w);
	} else {
		squeeze(cv.px, cv.w, natural, out, w, h);
	}
	free(cv.px);
	rc = 0;
out:
	segments_free(seg, nseg);
	return rc;
}

/* ---- the shaper and its cache ------------------------------------------- */

int pk_shaper_new(pk_shaper **out, pk_error *err)
{
	*out = NULL;
	pk_shaper *s = calloc(1, sizeof *s);
	if (!s)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	if (FT_Init_FreeType(&s->lib)) {
		free(s);
		return pk_error_set(err, PK_ERR_IO, "%s", _("No installed font can draw this text"));
	}
	*out = s;
	return 0;
}

void pk_shaper_free(pk_shaper *s)
{
	if (!s)
		return;
	for (int i = 0; i < CACHE_SIZE; i++) {
		free(s->cache[i].text);
		free(s->cache[i].px);
	}
	for (int i = 0; i < FONT__COUNT; i++) {
		if (s->faces[i].hb)
			hb_font_destroy(s->faces[i].hb); /* drops its reference to the face */
		if (s->faces[i].ft)
			FT_Done_Face(s->faces[i].ft);
	}
	FT_Done_FreeType(s->lib);
	free(s);
}

void pk_shaper_stats(const pk_shaper *s, unsigned long *hits, unsigned long *misses)
{
	*hits = s->hits;
	*misses = s->misses;
}

int pk_shape_text(pk_shaper *s, const char *utf8, int w, int h, bool bold,
		  pk_shape_bitmap *out, pk_error *err)
{
	if (!utf8 || w <= 0 || h <= 0 || w > 16384 || h > 1024)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("No installed font can draw this text"));
	s->clock++;
	entry *victim = &s->cache[0];
	for (int i = 0; i < CACHE_SIZE; i++) {
		entry *e = &s->cache[i];
		if (e->used && e->w == w && e->h == h && e->bold == bold &&
		    strcmp(e->text, utf8) == 0) {
			e->used = s->clock;
			s->hits++;
			*out = (pk_shape_bitmap){ .w = w, .h = h, .px = e->px };
			return 0;
		}
		if (e->used < victim->used)
			victim = e;
	}
	char *text = strdup(utf8);
	unsigned char *px = calloc((size_t)w * (size_t)h, 1);
	if (!text || !px) {
		free(text);
		free(px);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	if (render(s, utf8, w, h, bold, px, err) < 0) {
		free(text);
		free(px);
		return -1;
	}
	s->misses++;
	free(victim->text);
	free(victim->px);
	*victim = (entry){ .text = text, .w = w, .h = h, .bold = bold, .px = px, .used = s->clock };
	*out = (pk_shape_bitmap){ .w = w, .h = h, .px = px };
	return 0;
}
