/* draw.h - text on the screen by display columns (on top of
 * layout/text.h): plain, centred, truncated, wrapped; and big digits. */
#ifndef PK_UI_DRAW_H
#define PK_UI_DRAW_H

#include <ncurses.h>

#include "common/error.h"
#include "layout/qr.h"

/* Draw UTF-8 at (y, x), cut to w columns (with "…").  Returns columns used. */
int pk_draw_text(int y, int x, int w, const char *utf8, attr_t attr);
/* Centred in [x, x+w). */
int pk_draw_center(int y, int x, int w, const char *utf8, attr_t attr);
/* Wrapped into w columns, at most max_rows lines (the last one cut with
 * "…" if more); centred if center.  Returns the rows used. */
int pk_draw_wrap(int y, int x, int w, int max_rows, const char *utf8, attr_t attr,
		 int center);
/* Rows the text needs when wrapped into w columns. */
int pk_draw_wrap_rows(const char *utf8, int w);
/* Fill [x, x+w) of row y with spaces in attr. */
void pk_draw_fill(int y, int x, int w, attr_t attr);
/* A box over the screen: rows y-1..y+h cleared across all cols, then
 * h rows of [x, x+w) filled in attr (a question, the PIN box). */
void pk_draw_box(int y, int x, int w, int h, int cols, attr_t attr);
/* A printf into a buffer (for translated formats).  Returns buf. */
char *pk_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A spinner frame for the time (ASCII, moves every 100 ms). */
const char *pk_spinner(long long now_ms);
/* "4:59" from seconds. */
char *pk_fmt_mmss(char *buf, size_t len, long long seconds);

/* Big text: a 3x5 block font for 0-9 , . - and space, one column between
 * glyphs.  Other characters are skipped. */
#define PK_BIG_ROWS 5
int pk_big_width(const char *ascii);
void pk_big_draw(int y, int x, const char *ascii, attr_t attr);

/* A fitted QR code (layout/qr.h, either shape) with its top-left cell at
 * (y, x), black ink on white where the terminal has colours. */
void pk_draw_qr(const pk_qr *qr, int y, int x);

/* The error (if its kind is not PK_OK) in the language of the moment, in
 * the error colour; returns the rows used.  The one way screens show one. */
int pk_draw_error(int y, int x, int w, int max_rows, const pk_error *e);

#endif
