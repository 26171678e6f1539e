/* sixel.h - Burmese and Devanagari text runs drawn as pixels on a terminal
 * that shows sixel images.  A terminal's cell grid splits these scripts'
 * clusters apart (a vowel sign in its own cell, stacks cut), so on a
 * terminal that says it draws sixel graphics each run holding them is
 * shaped into a picture of exactly its cells (layout/shape.h) and sent as
 * a sixel image over cells ncurses keeps blank in the run's colours.
 *
 * The frame, as the loop draws it (ui/app.c):
 *   pk_sixel_frame_begin   the screens draw; pk_draw_text hands each run
 *                          that wants pixels to pk_sixel_draw_text, which
 *                          blanks its cells and records it as an overlay
 *   pk_sixel_frame_end     a row whose overlays changed is rewritten whole
 *                          by the next refresh (so old images are erased)
 *   refresh()
 *   pk_sixel_emit          the overlays on every row the update wrote on
 *                          (what it writes cuts the images there) or whose
 *                          overlays changed, each at its cells: DECSC, CUP,
 *                          DCS q ... ST, DECRC; rows ncurses left alone
 *                          keep their images.  The image is exactly one
 *                          cell high and the sixel cursor mode 8452 leaves
 *                          the cursor beside it, so an image on the last
 *                          row never scrolls the screen.
 *
 * Whether to: the terminal's answers at start-up (ui/termprobe.h, before
 * ncurses takes the terminal): its Primary Device Attributes list 4
 * (sixel); then its cell size, and its colours so a picture's background
 * is its cells'.  No answer: no sixel.  PAYKIOSK_GRAPHICS=sixel|text
 * overrides. */
#ifndef PK_UI_SIXEL_H
#define PK_UI_SIXEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ncurses.h>

#include "common/error.h"
#include "ui/termprobe.h"

/* PAYKIOSK_GRAPHICS: unset or empty = ask the terminal. */
typedef enum pk_graphics {
	PK_GRAPHICS_AUTO = 0,
	PK_GRAPHICS_SIXEL,   /* draw images whatever the terminal says */
	PK_GRAPHICS_TEXT,    /* never: text in cells only */
} pk_graphics;
/* "sixel", "text", NULL or "" (auto).  -1 for anything else. */
int pk_graphics_parse(const char *text, pk_graphics *out);

/* A run drawn as an image: its cells and its text and look. */
typedef struct pk_overlay {
	int y, x, w;             /* row, column, width in cells */
	char *text;              /* UTF-8, as cut to w columns */
	attr_t attr;             /* attributes without the colour pair */
	short pair;
} pk_overlay;

typedef struct pk_sixel pk_sixel;

typedef struct pk_sixel_options {
	pk_graphics mode;
	/* What the terminal said at start-up (ui/termprobe.h), NULL: nothing. */
	const pk_termprobe_answer *probe;
	int out_fd;              /* the terminal */
	int cell_w, cell_h;      /* > 0: the cell size, whatever it said (tests) */
} pk_sixel_options;

/* Decide whether runs are drawn as images: AUTO when the terminal's
 * attributes list sixel.  The cell size is the terminal's (CSI 16 t; else
 * CSI 14 t over the rows and columns; else the kernel's pixel size; else
 * 10x20).  *out is set even when runs stay text (pk_sixel_active says);
 * -1 only when out of memory. */
int pk_sixel_open(pk_sixel **out, const pk_sixel_options *o, pk_error *err);
void pk_sixel_free(pk_sixel *sx);
/* Runs are drawn as images (false for NULL). */
bool pk_sixel_active(const pk_sixel *sx);
/* For the log: "mode=sixel cell=11x27 colors=known" or
 * "mode=text reason=no-sixel" (override, not-a-tty, no-answer, no-sixel). */
const char *pk_sixel_describe(const pk_sixel *sx, char *buf, size_t len);

/* The frame (see above).  All take NULL (text only) and do nothing. */
void pk_sixel_frame_begin(pk_sixel *sx);
void pk_sixel_frame_end(pk_sixel *sx);
/* Write the frame's images the terminal does not show yet (see above).
 * -1 (IO) when the terminal would not take them. */
int pk_sixel_emit(pk_sixel *sx, pk_error *err);
/* The terminal changed size: repaint everything, images included. */
void pk_sixel_resized(pk_sixel *sx);
/* The overlays of the frame drawn last (for the test hook). */
size_t pk_sixel_overlays(const pk_sixel *sx, const pk_overlay **out);

/* For pk_draw_text (ui/draw.c) only: inside a frame of an active pk_sixel,
 * a run that wants pixels (layout/shape.h) is cut to w columns, its cells
 * blanked in attr and it is recorded; returns the columns it covers.  -1:
 * not taken (no frame, no such script, no font), draw it as text. */
int pk_sixel_draw_text(int y, int x, int w, const char *utf8, attr_t attr);

#endif
