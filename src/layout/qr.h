/* qr.h - a QR code as terminal cells: libqrencode matrix -> blocks.
 * Two shapes of module:
 *   half blocks (PK_QR_HALF, the cashier's screen, `qr`, `pay`): one cell
 *     column and half a cell row per module, two modules per cell
 *     vertically;
 *   full blocks (PK_QR_FULL, the customer display when it has room): two
 *     cell columns and one cell row per module, so a module is about
 *     square and twice as large - it scans from arm's length.
 * Each cell is 0..3: bit 0 = upper half dark, bit 1 = lower half dark,
 * drawn as ' ', '▀', '▄', '█' (full blocks use ' ' and '█' only) in black
 * on an explicit white background, so the screen text alone is the code
 * and it scans on dark and light themes. */
#ifndef PK_QR_H
#define PK_QR_H

#include "common/error.h"

#define PK_QR_UPPER 1
#define PK_QR_LOWER 2

/* How a module maps to cells (see above). */
typedef enum pk_qr_shape {
	PK_QR_HALF = 0,         /* 1 column x 1/2 row */
	PK_QR_FULL,             /* 2 columns x 1 row */
	PK_QR_SHAPE__COUNT
} pk_qr_shape;

typedef struct pk_qr {
	int cols, rows;         /* in cells, quiet zone included */
	int side;               /* in modules, quiet zone included */
	pk_qr_shape shape;
	int version;            /* QR version chosen */
	int ecc;                /* 0=L 1=M 2=Q 3=H */
	int quiet;              /* quiet zone in modules */
	unsigned char *cells;   /* rows*cols, row-major */
} pk_qr;

/* Encode text (8-bit mode, case-sensitive) choosing the highest ECC and the
 * quiet zone (4 modules preferred, 2 minimum) that fit max_cols x max_rows
 * cells.  -1 with PK_ERR_TOO_LARGE when no code fits (the caller says the
 * terminal is too small or the data too long), INVALID on empty text. */
int pk_qr_fit(const char *text, int max_cols, int max_rows, pk_qr *out, pk_error *err);
void pk_qr_free(pk_qr *qr);
/* UTF-8 glyph for a cell value. */
const char *pk_qr_glyph(unsigned char cell);

/* Like pk_qr_fit with the ECC level fixed (0..3); ecc < 0 = any, best first. */
int pk_qr_fit_ecc(const char *text, int ecc, int max_cols, int max_rows,
		  pk_qr *out, pk_error *err);
/* The one fit: like pk_qr_fit_ecc, modules of the given shape. */
int pk_qr_fit_shape(const char *text, int ecc, pk_qr_shape shape, int max_cols, int max_rows,
		    pk_qr *out, pk_error *err);
/* The cells a code of `side` modules takes in a shape. */
void pk_qr_shape_cells(pk_qr_shape shape, int side, int *cols, int *rows);
/* No size limit: smallest version at ECC level ecc (0..3), given quiet zone
 * (half blocks). */
int pk_qr_encode(const char *text, int ecc, int quiet, pk_qr *out, pk_error *err);
/* 1 if module (x, y) is dark; the square is qr->side modules a side,
 * quiet zone included; outside it is light. */
int pk_qr_module(const pk_qr *qr, int x, int y);
/* The whole code as text, one line per cell row ending in "\n"; with
 * color each line is wrapped in "\033[30;107m" ... "\033[0m" (black ink on
 * bright white).  *buf is malloc'd and NUL-terminated, *len excludes NUL. */
int pk_qr_render(const pk_qr *qr, int color, char **buf, size_t *len, pk_error *err);

/* The UPI app links: replace the leading "upi://" of qr_data with the
 * app's scheme.  app: 0 universal, 1 Paytm (paytmmp://), 2 PhonePe
 * (phonepe://), 3 GPay (tez://upi/).  Returns malloc'd text or NULL. */
typedef enum pk_upi_app { PK_UPI_UNIVERSAL = 0, PK_UPI_PAYTM, PK_UPI_PHONEPE, PK_UPI_GPAY,
			  PK_UPI_APP__COUNT } pk_upi_app;
char *pk_upi_app_link(const char *qr_data, pk_upi_app app);
const char *pk_upi_app_name(pk_upi_app app);   /* "UPI", "Paytm", "PhonePe", "GPay" */
int pk_upi_app_parse(const char *name, pk_upi_app *out); /* paytm|phonepe|gpay|upi */

#endif
