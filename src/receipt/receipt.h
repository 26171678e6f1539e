/* receipt.h - the customer's receipt for a paid sale: plain text lines in
 * the sale's language (receipt.c), the same lines as ESC/POS bytes for a
 * thermal printer, and writing them to a printer device or a file
 * (escpos.c).  Knows the sale record, not the screen or the network. */
#ifndef PK_RECEIPT_H
#define PK_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/error.h"
#include "common/i18n.h"
#include "model/record.h"

#define PK_RECEIPT_MAX_LINES 32

/* The same receipt as what it is made of, for a printer that draws it
 * itself (raster.c lays these out in dots, not in character columns). */
typedef enum pk_receipt_kind {
	PK_RI_CENTER,   /* a: centred (header, thanks) */
	PK_RI_PAIR,     /* a left, b right ("Amount      5,000 MMK") */
	PK_RI_RULE,     /* a line across */
} pk_receipt_kind;

typedef struct pk_receipt_item {
	pk_receipt_kind kind;
	char *a, *b;
	bool bold;
} pk_receipt_item;

typedef struct pk_receipt {
	int width;                 /* columns per line */
	int count;
	char *line[PK_RECEIPT_MAX_LINES]; /* UTF-8, each at most width columns */
	int center_lines;          /* the first N lines are the centred header */
	int n_items;
	pk_receipt_item item[PK_RECEIPT_MAX_LINES];
	pk_lang lang;              /* the sale's language, the receipt's */
} pk_receipt;

typedef struct pk_receipt_info {
	const char *shop_name;     /* "" or NULL: no shop line */
	const char *kiosk_label;   /* this kiosk's name */
	bool training;
	int width;                 /* 24..64 columns */
} pk_receipt_info;

/* Lay out the receipt of a paid sale, in the sale's language (the process
 * language is restored before returning).  INVALID for a sale that is not
 * paid. */
int pk_receipt_build(const pk_sale *sale, const pk_receipt_info *info, pk_receipt *out,
		     pk_error *err);
void pk_receipt_free(pk_receipt *r);

/* ESC/POS: ESC @ (init), centred bold header, the lines, feed, GS V (cut).
 * *out is malloc'd.  An English receipt goes as text (the printer's own
 * font); a Burmese or Hindi one, which almost no printer font can show, as
 * a raster image (GS v 0) drawn with HarfBuzz + FreeType, when a font for
 * the script is installed (else as UTF-8 text). */
int pk_receipt_escpos(const pk_receipt *r, unsigned char **out, size_t *len, pk_error *err);
/* The text-only job (what pk_receipt_escpos sends for English). */
int pk_receipt_escpos_text(const pk_receipt *r, unsigned char **out, size_t *len,
			   pk_error *err);

/* raster.c: the receipt as a 1-bit image width_dots wide (384 for 58 mm
 * paper at 203 dpi), drawn with the font at font_path, wrapped in ESC/POS
 * (ESC @, GS v 0 bands, feed, cut).  -1 when the font cannot be loaded or
 * lacks a glyph the receipt needs (the caller falls back to text). */
int pk_receipt_escpos_raster(const pk_receipt *r, const char *font_path, int width_dots,
			     unsigned char **out, size_t *len, pk_error *err);
/* An installed font that draws lang's script (and ASCII), or NULL. */
const char *pk_receipt_font_for(pk_lang lang);
#define PK_RECEIPT_DOTS 384
/* Write the ESC/POS bytes to path: a printer device (/dev/usb/lp0) or a
 * file (created 0600, appended).  Never blocks: a printer that does not
 * take the bytes at once is "busy" (IO, translated message). */
int pk_receipt_print(const pk_receipt *r, const char *path, pk_error *err);

#endif
