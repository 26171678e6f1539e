/* escpos.c - the receipt as ESC/POS bytes (Epson's command set, spoken by
 * nearly every thermal receipt printer), written without blocking.
 * Text goes out as UTF-8: Latin receipts print on any printer; Burmese and
 * Hindi need a printer with a UTF-8 font (the screen shows them always). */
#include "receipt/receipt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/i18n.h"

#define ESC 0x1b
#define GS 0x1d

typedef struct buf {
	unsigned char *p;
	size_t len, cap;
	bool oom;
} buf;

static void put(buf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 512;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void cmd(buf *b, unsigned char a, unsigned char c, unsigned char n)
{
	unsigned char s[3] = { a, c, n };
	put(b, s, 3);
}

int pk_receipt_escpos(const pk_receipt *r, unsigned char **out, size_t *len, pk_error *err)
{
	if (r->lang != PK_LANG_EN) {
		const char *font = pk_receipt_font_for(r->lang);
		pk_error rerr;
		if (font &&
		    pk_receipt_escpos_raster(r, font, PK_RECEIPT_DOTS, out, len, &rerr) == 0)
			return 0;
		/* no font for the script: the text job, for a UTF-8 printer */
	}
	return pk_receipt_escpos_text(r, out, len, err);
}

int pk_receipt_escpos_text(const pk_receipt *r, unsigned char **out, size_t *len,
			   pk_error *err)
{
	buf b = { 0 };
	unsigned char init[2] = { ESC, '@' };
	put(&b, init, 2);                 /* ESC @: initialise */
	cmd(&b, ESC, 'a', 1);             /* centre */
	for (int i = 0; i < r->count; i++) {
		if (i == r->center_lines)
			cmd(&b, ESC, 'a', 0); /* left */
		bool bold = i == 0 && r->center_lines > 0;
		if (bold)
			cmd(&b, ESC, 'E', 1);
		put(&b, r->line[i], strlen(r->line[i]));
		put(&b, "\n", 1);
		if (bold)
			cmd(&b, ESC, 'E', 0);
	}
	cmd(&b, ESC, 'a', 0);
	cmd(&b, ESC, 'd', 4);             /* feed 4 lines past the cutter */
	cmd(&b, GS, 'V', 1);              /* GS V 1: partial cut */
	if (b.oom) {
		free(b.p);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

int pk_receipt_print(const pk_receipt *r, const char *path, pk_error *err)
{
	if (!path || !*path)
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("No receipt printer is set (receipt_printer in the config)"));
	unsigned char *bytes;
	size_t len;
	if (pk_receipt_escpos(r, &bytes, &len, err) < 0)
		return -1;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		int e = errno;
		free(bytes);
		/* TRANSLATORS: %s is the printer's path, then the system's reason */
		return pk_error_setc(err, PK_ERR_IO, e, _("Cannot open the receipt printer %s: %s"),
				     path, strerror(e));
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, bytes + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			close(fd);
			free(bytes);
			return pk_error_set(err, PK_ERR_IO, "%s",
					    _("The receipt printer is busy or offline: try again"));
		}
		if (n < 0) {
			int e = errno;
			close(fd);
			free(bytes);
			return pk_error_setc(err, PK_ERR_IO, e, _("The receipt printer failed: %s"),
					     strerror(e));
		}
		done += (size_t)n;
	}
	free(bytes);
	if (close(fd) < 0)
		return pk_error_setc(err, PK_ERR_IO, errno, _("The receipt printer failed: %s"),
				     strerror(errno));
	return 0;
}
