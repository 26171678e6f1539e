/* qr.c - libqrencode matrix -> block cells (half or full blocks, qr.h),
 * and the choice of ECC level and quiet zone that fits the space the
 * caller has.
 *
 * The fit is a pure function of (text, max size): candidates are tried in
 * a fixed order, best first (quiet zone 4, 3, 2; within each, ECC H, Q,
 * M, L), and the first that fits wins.  Because a candidate that fits a
 * bigger area also fits any area at least as big, the choice only ever
 * moves down that order as the area shrinks. */
#include "layout/qr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <qrencode.h>

#include "common/i18n.h"

static const int quiet_order[] = { 4, 3, 2 };
static const QRecLevel ecc_order[] = {
	QR_ECLEVEL_H, QR_ECLEVEL_Q, QR_ECLEVEL_M, QR_ECLEVEL_L
};
#define N_QUIET (int)(sizeof quiet_order / sizeof quiet_order[0])
#define N_ECC (int)(sizeof ecc_order / sizeof ecc_order[0])

static int encode(const char *text, int ecc, QRcode **out, pk_error *err)
{
	errno = 0;
	QRcode *code = QRcode_encodeString8bit(text, 0, (QRecLevel)ecc);

	if (!code) {
		if (errno == ENOMEM)
			return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory."));
		if (errno == EINVAL)
			return pk_error_set(err, PK_ERR_INVALID, "%s",
					    _("The QR data is not valid."));
		return pk_error_set(err, PK_ERR_TOO_LARGE, "%s",
				    _("The QR data is too long for a QR code."));
	}
	*out = code;
	return 0;
}

void pk_qr_shape_cells(pk_qr_shape shape, int side, int *cols, int *rows)
{
	if (shape == PK_QR_FULL) {
		*cols = 2 * side;
		*rows = side;
	} else {
		*cols = side;
		*rows = (side + 1) / 2;
	}
}

/* The bit of a cell that module row my lights: full blocks light both
 * halves of their own row, half blocks one half of a shared row. */
static void cell_of(pk_qr_shape shape, int mx, int my, int *cx, int *cy, int *ncx,
		    unsigned char *bit)
{
	if (shape == PK_QR_FULL) {
		*cx = 2 * mx;
		*cy = my;
		*ncx = 2;
		*bit = PK_QR_UPPER | PK_QR_LOWER;
	} else {
		*cx = mx;
		*cy = my / 2;
		*ncx = 1;
		*bit = (my % 2 == 0) ? PK_QR_UPPER : PK_QR_LOWER;
	}
}

static int cells_from_code(const QRcode *code, int ecc, int quiet, pk_qr_shape shape, pk_qr *out,
			   pk_error *err)
{
	int side = code->width + 2 * quiet;
	int cols, rows;

	pk_qr_shape_cells(shape, side, &cols, &rows);
	unsigned char *cells = calloc((size_t)rows * (size_t)cols, 1);

	if (!cells)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory."));
	for (int y = 0; y < code->width; y++) {
		for (int x = 0; x < code->width; x++) {
			if (!(code->data[(size_t)y * (size_t)code->width + (size_t)x] & 1))
				continue;
			int cx, cy, ncx;
			unsigned char bit;

			cell_of(shape, x + quiet, y + quiet, &cx, &cy, &ncx, &bit);
			for (int i = 0; i < ncx; i++)
				cells[(size_t)cy * (size_t)cols + (size_t)(cx + i)] |= bit;
		}
	}
	out->cols = cols;
	out->rows = rows;
	out->side = side;
	out->shape = shape;
	out->version = code->version;
	out->ecc = ecc;
	out->quiet = quiet;
	out->cells = cells;
	return 0;
}

static int fits(pk_qr_shape shape, int width, int quiet, int max_cols, int max_rows)
{
	int cols, rows;

	pk_qr_shape_cells(shape, width + 2 * quiet, &cols, &rows);
	return cols <= max_cols && rows <= max_rows;
}

/* The fit over a set of ECC levels: ecc < 0 means all, best first. */
int pk_qr_fit_shape(const char *text, int ecc, pk_qr_shape shape, int max_cols, int max_rows,
		    pk_qr *out, pk_error *err)
{
	QRcode *codes[N_ECC] = { NULL };
	int rc = -1, any = 0;

	memset(out, 0, sizeof *out);
	if (!text || !*text)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("There is no QR data."));
	if (ecc > 3 || (unsigned)shape >= PK_QR_SHAPE__COUNT)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Unknown QR error correction level."));
	for (int e = 0; e < N_ECC; e++) {
		if (ecc >= 0 && (int)ecc_order[e] != ecc)
			continue;
		pk_error why;

		if (encode(text, (int)ecc_order[e], &codes[e], &why) < 0) {
			if (err)
				*err = why;
			if (why.kind != PK_ERR_TOO_LARGE)
				goto done;
			continue; /* a lower level may still hold it */
		}
		any = 1;
	}
	if (!any)
		goto done; /* err already says too long */
	for (int q = 0; q < N_QUIET; q++) {
		for (int e = 0; e < N_ECC; e++) {
			if (!codes[e] ||
			    !fits(shape, codes[e]->width, quiet_order[q], max_cols, max_rows))
				continue;
			pk_error_clear(err);
			rc = cells_from_code(codes[e], (int)ecc_order[e], quiet_order[q], shape, out,
					     err);
			goto done;
		}
	}
	pk_error_set(err, PK_ERR_TOO_LARGE, "%s",
		     _("The screen is too small for the QR code."));
done:
	for (int e = 0; e < N_ECC; e++)
		if (codes[e])
			QRcode_free(codes[e]);
	return rc;
}

int pk_qr_fit_ecc(const char *text, int ecc, int max_cols, int max_rows, pk_qr *out,
		  pk_error *err)
{
	return pk_qr_fit_shape(text, ecc, PK_QR_HALF, max_cols, max_rows, out, err);
}

int pk_qr_fit(const char *text, int max_cols, int max_rows, pk_qr *out, pk_error *err)
{
	return pk_qr_fit_ecc(text, -1, max_cols, max_rows, out, err);
}

int pk_qr_encode(const char *text, int ecc, int quiet, pk_qr *out, pk_error *err)
{
	QRcode *code = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (!text || !*text)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("There is no QR data."));
	if (ecc < 0 || ecc > 3 || quiet < 0 || quiet > 16)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Unknown QR error correction level."));
	if (encode(text, ecc, &code, err) < 0)
		return -1;
	rc = cells_from_code(code, ecc, quiet, PK_QR_HALF, out, err);
	QRcode_free(code);
	return rc;
}

void pk_qr_free(pk_qr *qr)
{
	if (!qr)
		return;
	free(qr->cells);
	qr->cells = NULL;
	qr->cols = qr->rows = qr->side = 0;
}

const char *pk_qr_glyph(unsigned char cell)
{
	static const char *const glyphs[4] = { " ", "\u2580", "\u2584", "\u2588" };

	return glyphs[cell & 3];
}

int pk_qr_module(const pk_qr *qr, int x, int y)
{
	int cx, cy, ncx;
	unsigned char bit;

	if (x < 0 || y < 0 || x >= qr->side || y >= qr->side)
		return 0;
	cell_of(qr->shape, x, y, &cx, &cy, &ncx, &bit);
	return (qr->cells[(size_t)cy * (size_t)qr->cols + (size_t)cx] & bit) == bit;
}

#define ANSI_ON "\033[30;107m"
#define ANSI_OFF "\033[0m"

int pk_qr_render(const pk_qr *qr, int color, char **buf, size_t *len, pk_error *err)
{
	/* each cell at most 3 bytes; per line colour codes and a newline */
	size_t per_line = (size_t)qr->cols * 3 + sizeof ANSI_ON + sizeof ANSI_OFF + 1;
	size_t cap = per_line * (size_t)qr->rows + 1, n = 0;
	char *out = malloc(cap);

	*buf = NULL;
	*len = 0;
	if (!out)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory."));
	for (int r = 0; r < qr->rows; r++) {
		if (color) {
			memcpy(out + n, ANSI_ON, sizeof ANSI_ON - 1);
			n += sizeof ANSI_ON - 1;
		}
		for (int c = 0; c < qr->cols; c++) {
			const char *g = pk_qr_glyph(qr->cells[(size_t)r * (size_t)qr->cols + (size_t)c]);
			size_t gl = strlen(g);

			memcpy(out + n, g, gl);
			n += gl;
		}
		if (color) {
			memcpy(out + n, ANSI_OFF, sizeof ANSI_OFF - 1);
			n += sizeof ANSI_OFF - 1;
		}
		out[n++] = '\n';
	}
	out[n] = '\0';
	*buf = out;
	*len = n;
	return 0;
}

char *pk_upi_app_link(const char *qr_data, pk_upi_app app)
{
	static const char *const schemes[PK_UPI_APP__COUNT] = {
		"upi://", "paytmmp://", "phonepe://", "tez://upi/"
	};
	static const char prefix[] = "upi://";
	size_t plen = sizeof prefix - 1;

	if (!qr_data || (unsigned)app >= PK_UPI_APP__COUNT ||
	    strncasecmp(qr_data, prefix, plen) != 0)
		return NULL;

	const char *rest = qr_data + plen;
	size_t slen = strlen(schemes[app]), rlen = strlen(rest);
	char *out = malloc(slen + rlen + 1);

	if (!out)
		return NULL;
	memcpy(out, schemes[app], slen);
	memcpy(out + slen, rest, rlen + 1);
	return out;
}

const char *pk_upi_app_name(pk_upi_app app)
{
	static const char *const names[PK_UPI_APP__COUNT] = {
		"UPI", "Paytm", "PhonePe", "GPay"
	};

	return (unsigned)app < PK_UPI_APP__COUNT ? names[app] : "?";
}

int pk_upi_app_parse(const char *name, pk_upi_app *out)
{
	static const struct { const char *name; pk_upi_app app; } table[] = {
		{ "upi", PK_UPI_UNIVERSAL }, { "universal", PK_UPI_UNIVERSAL },
		{ "paytm", PK_UPI_PAYTM }, { "phonepe", PK_UPI_PHONEPE },
		{ "gpay", PK_UPI_GPAY }, { "tez", PK_UPI_GPAY },
	};

	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcasecmp(name, table[i].name) == 0) {
			*out = table[i].app;
			return 0;
		}
	}
	return -1;
}
