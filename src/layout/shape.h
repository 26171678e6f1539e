/* shape.h - a run of text drawn into pixels: shaped with HarfBuzz,
 * rasterised with FreeType, in a box of exactly the size of the terminal
 * cells it will cover.  For the scripts a terminal's cell grid cannot draw
 * legibly (Burmese and Devanagari: a cluster's parts land in separate
 * cells), the screens put this picture over blank cells instead (ui/sixel.c
 * sends it as a sixel image).  Pure: no terminal, no output.
 *
 * Fonts: Noto Sans Myanmar or Padauk for Myanmar, Noto Sans Devanagari or
 * Lohit Devanagari for Devanagari, Noto Sans Mono or DejaVu Sans Mono (the
 * terminal's own) for the rest (digits, Latin, punctuation), each
 * character drawn by its script's font; the files of Debian's packages
 * (fonts-noto-core, fonts-sil-padauk, fonts-lohit-deva, fonts-dejavu-core),
 * else found by fontconfig. */
#ifndef PK_SHAPE_H
#define PK_SHAPE_H

#include <stdbool.h>

#include "common/error.h"

/* True when the text holds a character of a script that is drawn as
 * pixels: Myanmar (U+1000-109F, U+A9E0-A9FF, U+AA60-AA7F) or Devanagari
 * (U+0900-097F, U+A8E0-A8FF).  The one place these ranges live. */
bool pk_shape_wants_pixels(const char *utf8);

/* A grey coverage bitmap: w x h bytes, row-major, 0 = background,
 * 255 = full ink. */
typedef struct pk_shape_bitmap {
	int w, h;
	const unsigned char *px;
} pk_shape_bitmap;

typedef struct pk_shaper pk_shaper;

/* A shaper with its fonts (loaded when first needed) and a cache of the
 * bitmaps drawn last (screens redraw the same runs every second). */
int pk_shaper_new(pk_shaper **out, pk_error *err);
void pk_shaper_free(pk_shaper *s);

/* Draw utf8 on one line into a w x h bitmap: vertically centred on a
 * baseline shared by all its scripts, from the left edge; text wider than
 * w is squeezed horizontally to fit, nothing is ever drawn outside the box.
 * bold draws heavier strokes.  *out stays valid until the next call on s.
 * -1 (PK_ERR_IO) when no installed font draws one of its scripts,
 * PK_ERR_INVALID for an empty box or text that is not UTF-8. */
int pk_shape_text(pk_shaper *s, const char *utf8, int w, int h, bool bold,
		  pk_shape_bitmap *out, pk_error *err);

/* Bitmaps served from the cache, and drawn afresh, since pk_shaper_new. */
void pk_shaper_stats(const pk_shaper *s, unsigned long *hits, unsigned long *misses);

#endif
