/* sandbox_png.c - the gateway's qr_string: a real PNG of the QR of
 * qr_data, base64.  8-bit greyscale, 4 pixels per module, quiet zone 4;
 * zlib with stored (uncompressed) deflate blocks, CRC-32 and Adler-32. */
#include "sandbox/sandbox.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf { unsigned char *p; size_t len, cap; } buf;

static int put(buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

static int put32(buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	return put(b, x, 4);
}

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static int chunk(buf *png, const char type[4], const unsigned char *data, size_t n)
{
	if (put32(png, (uint32_t)n) || put(png, type, 4) || (n && put(png, data, n)))
		return -1;
	uint32_t crc = crc32_update(0, (const unsigned char *)type, 4);
	crc = crc32_update(crc, data, n);
	return put32(png, crc);
}

static char *base64(const unsigned char *p, size_t n)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = tbl[(v >> 18) & 63];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? tbl[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

char *sb_qr_png_base64(const char *text)
{
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!qr)
		return NULL;
	const int scale = 4, quiet = 4;
	int side = (qr->width + 2 * quiet) * scale;
	size_t row = (size_t)side + 1; /* filter byte + pixels */
	size_t raw_len = row * (size_t)side;
	unsigned char *raw = malloc(raw_len);
	buf z = { 0 }, png = { 0 };
	char *out = NULL;
	if (!raw)
		goto done;
	for (int y = 0; y < side; y++) {
		unsigned char *r = raw + (size_t)y * row;
		r[0] = 0;
		int my = y / scale - quiet;
		for (int x = 0; x < side; x++) {
			int mx = x / scale - quiet;
			int dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
				   (qr->data[my * qr->width + mx] & 1);
			r[1 + x] = dark ? 0 : 255;
		}
	}
	/* zlib: header, stored blocks of <= 65535 bytes, Adler-32 */
	unsigned char hdr[2] = { 0x78, 0x01 };
	if (put(&z, hdr, 2))
		goto done;
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < raw_len; i++) {
		a = (a + raw[i]) % 65521u;
		b = (b + a) % 65521u;
	}
	for (size_t off = 0; off < raw_len || raw_len == 0;) {
		size_t n = raw_len - off > 65535 ? 65535 : raw_len - off;
		unsigned char bh[5] = { off + n == raw_len ? 1 : 0, (unsigned char)n,
					(unsigned char)(n >> 8), (unsigned char)~n,
					(unsigned char)(~n >> 8) };
		if (put(&z, bh, 5) || put(&z, raw + off, n))
			goto done;
		off += n;
		if (off == raw_len)
			break;
	}
	if (put32(&z, (b << 16) | a))
		goto done;
	static const unsigned char sig[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
	unsigned char ihdr[13] = { 0 };
	ihdr[0] = (unsigned char)(side >> 24);
	ihdr[1] = (unsigned char)(side >> 16);
	ihdr[2] = (unsigned char)(side >> 8);
	ihdr[3] = (unsigned char)side;
	memcpy(ihdr + 4, ihdr, 4);
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 0; /* greyscale */
	if (put(&png, sig, 8) || chunk(&png, "IHDR", ihdr, 13) ||
	    chunk(&png, "IDAT", z.p, z.len) || chunk(&png, "IEND", NULL, 0))
		goto done;
	out = base64(png.p, png.len);
done:
	free(raw);
	free(z.p);
	free(png.p);
	QRcode_free(qr);
	return out;
}
