/* testhook.c - reporting consumed keys and drawn frames to a test harness,
 * and taking keys from a FIFO (see testhook.h for the format). */
#include "ui/testhook.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <ncurses.h>

#include "common/i18n.h"
#include "ui/screen.h"
#include "ui/sixel.h"

#define KEYS_BUF 4096

struct pk_testhook {
	int out_fd;      /* the report file, -1 if none */
	int keys_fd;     /* the key FIFO, -1 if none */
	char pending[KEYS_BUF]; /* a FIFO line not complete yet */
	size_t npending;
	char *frame;     /* the frame being built */
	size_t len, cap;
};

static int open_out(const char *path, pk_error *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		pk_error_setc(err, PK_ERR_IO, errno, _("Cannot open %s: %s"), path,
			      strerror(errno));
	return fd;
}

static int open_keys(const char *path, pk_error *err)
{
	/* Read-write: the FIFO never reports end-of-file when a writer
	 * closes, so each test step may open and close it. */
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		pk_error_setc(err, PK_ERR_IO, errno, _("Cannot open %s: %s"), path,
			      strerror(errno));
	return fd;
}

int pk_testhook_open(pk_testhook **out, pk_error *err)
{
	*out = NULL;
	const char *report = getenv("PAYKIOSK_TEST_HOOK");
	const char *keys = getenv("PAYKIOSK_TEST_KEYS");
	if ((!report || !*report) && (!keys || !*keys))
		return 0;
	pk_testhook *h = calloc(1, sizeof *h);
	if (!h)
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	h->out_fd = h->keys_fd = -1;
	if (report && *report && (h->out_fd = open_out(report, err)) < 0)
		goto fail;
	if (keys && *keys && (h->keys_fd = open_keys(keys, err)) < 0)
		goto fail;
	*out = h;
	return 0;
fail:
	pk_testhook_close(h);
	return -1;
}

void pk_testhook_close(pk_testhook *h)
{
	if (!h)
		return;
	if (h->out_fd >= 0)
		close(h->out_fd);
	if (h->keys_fd >= 0)
		close(h->keys_fd);
	free(h->frame);
	free(h);
}

int pk_testhook_keys_fd(const pk_testhook *h)
{
	return h ? h->keys_fd : -1;
}

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", PK_K_ENTER }, { "Escape", PK_K_ESC }, { "BSpace", PK_K_BACKSPACE },
	{ "Up", PK_K_UP },       { "Down", PK_K_DOWN },  { "Star", '*' },
};

size_t pk_testhook_parse_keys(const char *line, int *keys, size_t max)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (strcmp(line, key_names[i].name) == 0) {
			if (max == 0)
				return 0;
			keys[0] = key_names[i].key;
			return 1;
		}
	}
	size_t n = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t left = strlen(line);
	while (left > 0 && n < max) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, line, left, &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
			break; /* not UTF-8: the rest is dropped */
		keys[n++] = (int)wc;
		line += r;
		left -= r;
	}
	return n;
}

size_t pk_testhook_read_keys(pk_testhook *h, int *keys, size_t max)
{
	if (!h || h->keys_fd < 0)
		return 0;
	ssize_t got = read(h->keys_fd, h->pending + h->npending,
			   sizeof h->pending - 1 - h->npending);
	if (got <= 0)
		return 0;
	h->npending += (size_t)got;
	size_t n = 0, start = 0;
	for (size_t i = 0; i < h->npending && n < max; i++) {
		if (h->pending[i] != '\n')
			continue;
		h->pending[i] = '\0';
		n += pk_testhook_parse_keys(h->pending + start, keys + n, max - n);
		start = i + 1;
	}
	memmove(h->pending, h->pending + start, h->npending - start);
	h->npending -= start;
	if (h->npending == sizeof h->pending - 1)
		h->npending = 0; /* a line longer than the buffer: dropped */
	return n;
}

static void put(pk_testhook *h, const char *s, size_t n)
{
	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 8192;
		while (cap < h->len + n + 1)
			cap *= 2;
		char *p = realloc(h->frame, cap);
		if (!p)
			return; /* out of memory: the record is cut short */
		h->frame = p;
		h->cap = cap;
	}
	memcpy(h->frame + h->len, s, n);
	h->len += n;
}

static void putf(pk_testhook *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(pk_testhook *h, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(h, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void flush_record(pk_testhook *h)
{
	size_t off = 0;
	while (off < h->len) {
		ssize_t w = write(h->out_fd, h->frame + off, h->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the harness went away: nothing to report to */
		off += (size_t)w;
	}
	h->len = 0;
}

void pk_testhook_input(pk_testhook *h, unsigned long inputs)
{
	if (!h || h->out_fd < 0)
		return;
	putf(h, "input %lu\n", inputs);
	flush_record(h);
}

/* One cell read back: its characters as UTF-8, its width, its look.
 * The first cell of a run drawn as an image stands for all its cells and
 * holds the run's text. */
typedef struct cell {
	char buf[64];
	const char *text;
	int width;
	attr_t attr;
	short pair;
} cell;

static void read_cell(int y, int x, cell *c)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t attr = 0;
	short pair = 0;
	c->buf[0] = '\0';
	c->text = c->buf;
	c->width = 1;
	c->attr = 0;
	c->pair = 0;
	if (mvwin_wch(stdscr, y, x, &cc) == ERR ||
	    getcchar(&cc, wch, &attr, &pair, NULL) == ERR) {
		strcpy(c->buf, " ");
		return;
	}
	c->attr = attr & (A_ATTRIBUTES & ~A_COLOR);
	c->pair = pair;
	size_t off = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	for (int i = 0; wch[i] && i < CCHARW_MAX; i++) {
		char mb[MB_LEN_MAX];
		size_t r = wcrtomb(mb, wch[i], &st);
		if (r == (size_t)-1 || off + r >= sizeof c->buf)
			break;
		memcpy(c->buf + off, mb, r);
		off += r;
	}
	c->buf[off] = '\0';
	if (off == 0)
		strcpy(c->buf, " ");
	int w = wcwidth(wch[0]);
	c->width = w > 1 ? w : 1;
}

static bool cell_blank(const cell *c)
{
	return strcmp(c->text, " ") == 0;
}

/* Plain text (no attribute, no colour) splits into runs at two blanks;
 * a coloured band (a bar, a field, the QR) is one run. */
static bool plain(const cell *c)
{
	return c->attr == 0 && c->pair == 0;
}

static void emit_run(pk_testhook *h, const char *kind, int y, int x0, int x1, const char *text,
		     size_t n)
{
	/* trailing blanks are not part of the run */
	while (n > 0 && text[n - 1] == ' ') {
		n--;
		x1--;
	}
	if (n == 0)
		return;
	putf(h, "%s %d %d %d ", kind, y, x0, x1 - x0);
	put(h, text, n);
	put(h, "\n", 1);
}

/* The image starting at (y, x), if any. */
static const pk_overlay *image_at(const pk_overlay *images, size_t n, int y, int x)
{
	for (size_t i = 0; i < n; i++)
		if (images[i].y == y && images[i].x == x && images[i].w > 0)
			return &images[i];
	return NULL;
}

/* The records of a screen's frame: the cashier's, the customer's. */
typedef struct record_kinds {
	const char *frame, *run, *img, *end;
} record_kinds;
static const record_kinds cashier_kinds = { "frame", "run", "img", "end" };
static const record_kinds customer_kinds = { "dframe", "drun", "dimg", "dend" };

/* One row's runs, then its images, as k's records. */
static void frame_row(pk_testhook *h, const record_kinds *k, int y, int cols,
		      const pk_overlay *images, size_t n_images)
{
	char text[4096];
	size_t n = 0;
	int x0 = -1, blanks = 0;
	cell run_look = { 0 };
	for (int x = 0; x < cols;) {
		cell c;
		read_cell(y, x, &c);
		const pk_overlay *img = image_at(images, n_images, y, x);
		if (img) { /* its cells are blank: the text is the run's */
			c.text = img->text;
			c.width = img->w;
		}
		bool blank = cell_blank(&c);
		bool same = x0 >= 0 && c.attr == run_look.attr && c.pair == run_look.pair;
		if (x0 >= 0 && (!same || (plain(&c) && blank && blanks >= 1))) {
			emit_run(h, k->run, y, x0, x, text, n);
			x0 = -1;
			n = 0;
		}
		if (x0 < 0 && !(blank && plain(&c))) {
			x0 = x;
			run_look = c;
			blanks = 0;
		}
		if (x0 >= 0) {
			size_t l = strlen(c.text);
			if (n + l < sizeof text) {
				memcpy(text + n, c.text, l);
				n += l;
			}
			blanks = blank ? blanks + 1 : 0;
		}
		x += c.width;
	}
	if (x0 >= 0)
		emit_run(h, k->run, y, x0, cols, text, n);
	for (size_t i = 0; i < n_images; i++)
		if (images[i].y == y) {
			putf(h, "%s %d %d %d ", k->img, y, images[i].x, images[i].w);
			put(h, images[i].text, strlen(images[i].text));
			put(h, "\n", 1);
		}
}

void pk_testhook_frame(pk_testhook *h, unsigned long frame, unsigned long inputs,
		       const char *screen, const char *modal, const pk_overlay *images,
		       size_t n_images)
{
	if (!h || h->out_fd < 0)
		return;
	int rows = LINES, cols = COLS;
	const record_kinds *k = &cashier_kinds;
	putf(h, "%s %lu input=%lu screen=%s modal=%s size=%dx%d\n", k->frame, frame, inputs,
	     screen ? screen : "-", modal ? modal : "-", rows, cols);
	for (int y = 0; y < rows; y++)
		frame_row(h, k, y, cols, images, n_images);
	putf(h, "%s %lu\n", k->end, frame);
	flush_record(h);
}

void pk_testhook_display_open(pk_testhook *h, int rows, int cols)
{
	if (!h || h->out_fd < 0)
		return;
	putf(h, "display open %dx%d\n", rows, cols);
	flush_record(h);
}

void pk_testhook_display_lost(pk_testhook *h, const char *reason)
{
	if (!h || h->out_fd < 0)
		return;
	putf(h, "display lost %s\n", reason);
	flush_record(h);
}

void pk_testhook_dframe(pk_testhook *h, unsigned long frame, const char *screen,
			const char *lang, const pk_overlay *images, size_t n_images)
{
	if (!h || h->out_fd < 0)
		return;
	int rows = LINES, cols = COLS;
	const record_kinds *k = &customer_kinds;
	putf(h, "%s %lu screen=%s size=%dx%d lang=%s\n", k->frame, frame, screen, rows, cols,
	     lang);
	for (int y = 0; y < rows; y++)
		frame_row(h, k, y, cols, images, n_images);
	putf(h, "%s %lu\n", k->end, frame);
	flush_record(h);
}
