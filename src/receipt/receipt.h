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
#include "journal/record.h"

#define PK_RECEIPT_MAX_LINES 32

typedef struct pk_receipt {
	int width;                 /* columns per line */
	int count;
	char *line[PK_RECEIPT_MAX_LINES]; /* UTF-8, each at most width columns */
	int center_lines;          /* the first N lines are the centred header */
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
 * *out is malloc'd. */
int pk_receipt_escpos(const pk_receipt *r, unsigned char **out, size_t *len, pk_error *err);
/* Write the ESC/POS bytes to path: a printer device (/dev/usb/lp0) or a
 * file (created 0600, appended).  Never blocks: a printer that does not
 * take the bytes at once is "busy" (IO, translated message). */
int pk_receipt_print(const pk_receipt *r, const char *path, pk_error *err);

#endif
