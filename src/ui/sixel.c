/* sixel.c - text runs as sixel images over blank cells (see sixel.h). */
#include "ui/sixel.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include <sixel.h>

#include "common/fdio.h"
#include "common/i18n.h"
#include "layout/shape.h"
#include "layout/text.h"

#define RUN_MAX_BYTES 2048   /* as ui/draw.c cuts a run */
#define CACHE_SIZE 64
#define LEVELS 8             /* background to ink: antialiased (OCR reads 8 as well as 256) */
#define DEFAULT_CELL_W 10
#define DEFAULT_CELL_H 20

int pk_graphics_parse(const char *text, pk_graphics *out)
{
	if (!text || !*text)
		*out = PK_GRAPHICS_AUTO;
	else if (strcmp(text, "sixel") == 0)
		*out = PK_GRAPHICS_SIXEL;
	else if (strcmp(text, "text") == 0)
		*out = PK_GRAPHICS_TEXT;
	else
		return -1;
	return 0;
}

/* ---- the layer ---------------------------------------------------------- */

typedef struct encoded {
	char *text;
	int w, h;
	bool bold;
	uint32_t fg, bg;
	char *data;
	size_t len;
	unsigned long used;  /* 0 = free */
} encoded;

typedef struct overlays {
	pk_overlay *v;
	size_t n, cap;
} overlays;

struct pk_sixel {
	bool active;
	const char *why;        /* the reason it is not (for the log) */
	int out_fd;
	int cell_w, cell_h;
	pk_termprobe_answer caps;  /* the colours the terminal said */
	pk_shaper *shaper;
	overlays frame;         /* the frame being drawn */
	overlays shown;         /* what the terminal shows */
	bool *emit_row;         /* rows whose images go out after this update */
	int n_rows;
	encoded cache[CACHE_SIZE];
	unsigned long clock;
};

/* The overlays of the frame being drawn reach pk_draw_text through here:
 * the image layer of ncurses' stdscr, which ncurses itself keeps global
 * (pk_draw_text draws on stdscr without a context).  Set only between
 * pk_sixel_frame_begin and pk_sixel_frame_end, by the UI's one thread. */
static pk_sixel *recording;

static void overlays_clear(overlays *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].text);
	o->n = 0;
}

static void overlays_free(overlays *o)
{
	overlays_clear(o);
	free(o->v);
	o->v = NULL;
	o->cap = 0;
}

static void cache_clear(pk_sixel *sx)
{
	for (int i = 0; i < CACHE_SIZE; i++) {
		free(sx->cache[i].text);
		free(sx->cache[i].data);
		memset(&sx->cache[i], 0, sizeof sx->cache[i]);
	}
}

/* The cell size from the window size the kernel knows, if the terminal
 * filled in its pixels. */
static void cell_from_winsize(int fd, int *cw, int *ch)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0 &&
	    ws.ws_xpixel >= ws.ws_col && ws.ws_ypixel >= ws.ws_row) {
		*cw = ws.ws_xpixel / ws.ws_col;
		*ch = ws.ws_ypixel / ws.ws_row;
	}
}

/* From the text area in pixels (CSI 14 t) and the rows and columns. */
static void cell_from_text_area(int fd, const pk_termprobe_answer *a, int *cw, int *ch)
{
	struct winsize ws;
	if (a->win_w > 0 && a->win_h > 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		*cw = a->win_w / ws.ws_col;
		*ch = a->win_h / ws.ws_row;
	}
}

int pk_sixel_open(pk_sixel **out, const pk_sixel_options *o, pk_error *err)
{
	*out = NULL;
	pk_sixel *sx = calloc(1, sizeof *sx);
	if (!sx)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	sx->out_fd = o->out_fd;
	*out = sx;
	if (o->probe)
		sx->caps = *o->probe;
	if (o->mode == PK_GRAPHICS_TEXT) {
		sx->why = "override";
		return 0;
	}
	if (o->mode == PK_GRAPHICS_AUTO && !sx->caps.answered) {
		sx->why = "no-answer";
		return 0;
	}
	if (o->mode == PK_GRAPHICS_AUTO && !sx->caps.sixel) {
		sx->why = "no-sixel";
		return 0;
	}
	int cw = 0, ch = 0;
	if (o->cell_w > 0 && o->cell_h > 0) {
		cw = o->cell_w;
		ch = o->cell_h;
	} else if (sx->caps.cell_w > 0 && sx->caps.cell_h > 0) {
		cw = sx->caps.cell_w;
		ch = sx->caps.cell_h;
	} else {
		cell_from_text_area(o->out_fd, &sx->caps, &cw, &ch);
		if (cw <= 0 || ch <= 0)
			cell_from_winsize(o->out_fd, &cw, &ch);
	}
	if (cw <= 0 || ch <= 0) {
		cw = DEFAULT_CELL_W;
		ch = DEFAULT_CELL_H;
	}
	sx->cell_w = cw;
	sx->cell_h = ch;
	pk_error serr;
	if (pk_shaper_new(&sx->shaper, &serr) < 0) {
		sx->why = "no-shaper"; /* out of memory or no FreeType: text */
		return 0;
	}
	sx->active = true;
	return 0;
}

void pk_sixel_free(pk_sixel *sx)
{
	if (!sx)
		return;
	if (recording == sx)
		recording = NULL;
	overlays_free(&sx->frame);
	overlays_free(&sx->shown);
	free(sx->emit_row);
	cache_clear(sx);
	pk_shaper_free(sx->shaper);
	free(sx);
}

bool pk_sixel_active(const pk_sixel *sx)
{
	return sx && sx->active;
}

const char *pk_sixel_describe(const pk_sixel *sx, char *buf, size_t len)
{
	if (!sx)
		snprintf(buf, len, "mode=text reason=none");
	else if (!sx->active)
		snprintf(buf, len, "mode=text reason=%s", sx->why);
	else
		snprintf(buf, len, "mode=sixel cell=%dx%d colors=%s", sx->cell_w, sx->cell_h,
			 sx->caps.have_bg ? "known" : "guessed");
	return buf;
}

/* ---- recording a frame -------------------------------------------------- */

void pk_sixel_frame_begin(pk_sixel *sx)
{
	if (!pk_sixel_active(sx))
		return;
	overlays_clear(&sx->frame);
	recording = sx;
}

static int overlay_add(overlays *o, int y, int x, int w, const char *text, attr_t attr,
		       short pair)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		pk_overlay *v = realloc(o->v, cap * sizeof *v);
		if (!v)
			return -1;
		o->v = v;
		o->cap = cap;
	}
	char *t = strdup(text);
	if (!t)
		return -1;
	o->v[o->n++] = (pk_overlay){ .y = y, .x = x, .w = w, .text = t, .attr = attr, .pair = pair };
	return 0;
}

int pk_sixel_draw_text(int y, int x, int w, const char *utf8, attr_t attr)
{
	pk_sixel *sx = recording;
	if (!sx || !utf8 || y < 0 || y >= LINES || x < 0 || x >= COLS ||
	    !pk_shape_wants_pixels(utf8))
		return -1;
	if (w > COLS - x)
		w = COLS - x;
	char cut[RUN_MAX_BYTES];
	int used = pk_text_truncate(utf8, w, cut, sizeof cut);
	if (used <= 0)
		return -1;
	/* Shaped now: a run no installed font draws stays text. */
	pk_shape_bitmap bm;
	pk_error err;
	if (pk_shape_text(sx->shaper, cut, used * sx->cell_w, sx->cell_h, (attr & A_BOLD) != 0,
			  &bm, &err) < 0)
		return -1;
	short pair = (short)PAIR_NUMBER(attr);
	if (overlay_add(&sx->frame, y, x, used, cut, attr & ~A_COLOR, pair) < 0)
		return -1;
	/* Blanks in the run's colours, marked invisible: a cell that is still
	 * such a blank when the frame ends was not drawn over since. */
	attr_t old_attr;
	short old_pair;
	attr_get(&old_attr, &old_pair, NULL);
	attrset(attr | A_INVIS);
	mvhline(y, x, ' ', used);
	attrset(old_attr);
	color_set(old_pair, NULL);
	return used;
}

/* Every cell of the overlay still holds its blank: nothing was drawn over
 * it later in the frame (a question's box, a fill). */
static bool overlay_intact(const pk_overlay *ov)
{
	int cy, cx;
	getyx(stdscr, cy, cx);
	bool intact = true;
	for (int i = 0; i < ov->w && intact; i++) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1] = { 0 };
		attr_t a = 0;
		short pair = 0;
		intact = mvwin_wch(stdscr, ov->y, ov->x + i, &cc) != ERR &&
			 getcchar(&cc, wch, &a, &pair, NULL) != ERR && wch[0] == L' ' &&
			 wch[1] == 0 && pair == ov->pair &&
			 (a & (A_ATTRIBUTES & ~A_COLOR)) == (ov->attr | A_INVIS);
	}
	wmove(stdscr, cy, cx);
	return intact;
}

static bool overlaps(const pk_overlay *a, const pk_overlay *b)
{
	return a->y == b->y && a->x < b->x + b->w && b->x < a->x + a->w;
}

/* Drop the overlays something else was drawn over. */
static void drop_covered(overlays *o)
{
	size_t keep = 0;
	for (size_t i = 0; i < o->n; i++) {
		bool covered = !overlay_intact(&o->v[i]);
		for (size_t j = i + 1; j < o->n && !covered; j++)
			covered = overlaps(&o->v[i], &o->v[j]);
		if (covered)
			free(o->v[i].text);
		else
			o->v[keep++] = o->v[i];
	}
	o->n = keep;
}

static bool overlay_same(const pk_overlay *a, const pk_overlay *b)
{
	return a->y == b->y && a->x == b->x && a->w == b->w && a->attr == b->attr &&
	       a->pair == b->pair && strcmp(a->text, b->text) == 0;
}

/* The overlays of row y in o, in order, equal those in p. */
static bool row_same(const overlays *o, const overlays *p, int y)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < o->n && o->v[i].y != y)
			i++;
		while (j < p->n && p->v[j].y != y)
			j++;
		if (i == o->n || j == p->n)
			return i == o->n && j == p->n;
		if (!overlay_same(&o->v[i], &p->v[j]))
			return false;
		i++;
		j++;
	}
}

/* The update will write something on row y: its cells in the frame differ
 * from what ncurses knows the terminal shows (or that row was thrown away,
 * wredrawln, by us or by the text route). */
static bool row_changes(int y, cchar_t *now, cchar_t *shown)
{
	if (mvwin_wchnstr(stdscr, y, 0, now, COLS) == ERR ||
	    mvwin_wchnstr(curscr, y, 0, shown, COLS) == ERR)
		return true;
	for (int x = 0; x < COLS; x++) {
		wchar_t a[CCHARW_MAX + 1] = { 0 }, b[CCHARW_MAX + 1] = { 0 };
		attr_t aa = 0, ab = 0;
		short pa = 0, pb = 0;
		if (getcchar(&now[x], a, &aa, &pa, NULL) == ERR ||
		    getcchar(&shown[x], b, &ab, &pb, NULL) == ERR || aa != ab || pa != pb ||
		    wmemcmp(a, b, CCHARW_MAX) != 0)
			return true;
	}
	return false;
}

void pk_sixel_frame_end(pk_sixel *sx)
{
	if (!pk_sixel_active(sx))
		return;
	recording = NULL;
	drop_covered(&sx->frame);
	if (sx->n_rows != LINES) {
		free(sx->emit_row);
		sx->emit_row = calloc((size_t)(LINES > 0 ? LINES : 1), sizeof *sx->emit_row);
		sx->n_rows = sx->emit_row ? LINES : 0;
	}
	int cy, cx;
	getyx(stdscr, cy, cx);
	int sy, sxx;
	getyx(curscr, sy, sxx);
	cchar_t *now = calloc((size_t)COLS + 1, sizeof *now);
	cchar_t *shown = calloc((size_t)COLS + 1, sizeof *shown);
	bool all = !now || !shown || !sx->emit_row || is_cleared(curscr) || is_cleared(stdscr);
	for (int y = 0; y < LINES; y++) {
		bool same = row_same(&sx->frame, &sx->shown, y);
		/* ncurses rewrites only the cells that changed: blank cells
		 * under an image that goes away stay blank to it, so the image
		 * would stay.  A row whose images change is thrown away and
		 * written whole (the terminal erases images under what is
		 * written). */
		if (!same)
			wredrawln(stdscr, y, 1);
		/* Images go out again on every row the update writes on (what
		 * it writes may cut them); rows it leaves alone keep theirs. */
		if (sx->emit_row)
			sx->emit_row[y] = all || !same || row_changes(y, now, shown);
	}
	free(now);
	free(shown);
	wmove(curscr, sy, sxx);
	wmove(stdscr, cy, cx);
}

void pk_sixel_resized(pk_sixel *sx)
{
	if (!pk_sixel_active(sx))
		return;
	overlays_clear(&sx->shown);
	clearok(curscr, TRUE);
}

size_t pk_sixel_overlays(const pk_sixel *sx, const pk_overlay **out)
{
	*out = NULL;
	if (!pk_sixel_active(sx))
		return 0;
	*out = sx->shown.v;
	return sx->shown.n;
}

/* ---- colours ------------------------------------------------------------ */

/* xterm's colours 0-15, when the terminal did not say. */
static const uint32_t xterm16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static uint32_t color_rgb(const pk_sixel *sx, short c, bool fg)
{
	if (c < 0)
		return fg ? (sx->caps.have_fg ? sx->caps.fg : 0xe5e5e5)
			  : (sx->caps.have_bg ? sx->caps.bg : 0x000000);
	if (c < 16)
		return sx->caps.have_palette & (1u << c) ? sx->caps.palette[c] : xterm16[c];
	if (c < 232) { /* the 6x6x6 cube */
		static const int level[6] = { 0, 95, 135, 175, 215, 255 };
		int i = c - 16;
		return (uint32_t)(level[i / 36] << 16 | level[(i / 6) % 6] << 8 | level[i % 6]);
	}
	int g = c < 256 ? 8 + (c - 232) * 10 : 0x80;
	return (uint32_t)(g << 16 | g << 8 | g);
}

/* The run's ink and background as the terminal draws its cells. */
static void run_colors(const pk_sixel *sx, const pk_overlay *ov, uint32_t *fg, uint32_t *bg,
		       bool *bg_known)
{
	short f = -1, b = -1;
	if (ov->pair > 0 && pair_content(ov->pair, &f, &b) == ERR)
		f = b = -1;
	*fg = color_rgb(sx, f, true);
	*bg = color_rgb(sx, b, false);
	*bg_known = b >= 0 || sx->caps.have_bg;
	if (ov->attr & A_REVERSE) {
		uint32_t t = *fg;
		*fg = *bg;
		*bg = t;
		*bg_known = f >= 0 || sx->caps.have_fg;
	}
}

/* ---- encoding ----------------------------------------------------------- */

typedef struct buf {
	char *p;
	size_t len, cap;
	bool failed;
} buf;

static int buf_put(buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + n)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return -1;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

static int sixel_out(char *data, int size, void *priv)
{
	return buf_put(priv, data, (size_t)size) < 0 ? -1 : size;
}

/* The bitmap as a DCS sixel sequence.  The background known: LEVELS
 * shades from it to the ink, every pixel painted (opaque, P2 = 0).  Not
 * known (the terminal did not say its default colours): the ink alone on
 * a transparent background (P2 = 1), so the cells' own colour shows; its
 * palette has the ink twice, as libsixel leaves out the palette of a
 * two-colour image with a transparent colour. */
static int encode(const pk_shape_bitmap *bm, uint32_t fg, uint32_t bg, bool bg_known, buf *out)
{
	int levels = bg_known ? LEVELS : 3;
	unsigned char palette[LEVELS * 3];
	for (int l = 0; l < levels; l++)
		for (int c = 0; c < 3; c++) {
			int shift = 16 - 8 * c;
			int f = (int)(fg >> shift) & 0xff, b = (int)(bg >> shift) & 0xff;
			int v = bg_known ? b + (f - b) * l / (levels - 1) : l ? f : b;
			palette[l * 3 + c] = (unsigned char)v;
		}
	size_t npx = (size_t)bm->w * (size_t)bm->h;
	unsigned char *idx = malloc(npx);
	if (!idx)
		return -1;
	for (size_t i = 0; i < npx; i++)
		idx[i] = bg_known ? (unsigned char)((bm->px[i] * (levels - 1) + 127) / 255)
				  : bm->px[i] >= 128;
	sixel_dither_t *dither = NULL;
	sixel_output_t *output = NULL;
	int rc = -1;
	if (SIXEL_FAILED(sixel_dither_new(&dither, levels, NULL)) ||
	    SIXEL_FAILED(sixel_output_new(&output, sixel_out, out, NULL)))
		goto done;
	sixel_dither_set_palette(dither, palette);
	sixel_dither_set_pixelformat(dither, SIXEL_PIXELFORMAT_PAL8);
	sixel_output_set_8bit_availability(output, 0); /* ESC P ... ESC \ */
	if (!bg_known) {
		sixel_dither_set_transparent(dither, 0);
		sixel_output_set_skip_dcs_envelope(output, 1);
		buf_put(out, "\033P0;1;0", 7);
	}
	if (SIXEL_FAILED(sixel_encode(idx, bm->w, bm->h, 8, dither, output)))
		goto done;
	if (!bg_known)
		buf_put(out, "\033\\", 2);
	rc = out->failed ? -1 : 0;
done:
	if (output)
		sixel_output_unref(output);
	if (dither)
		sixel_dither_unref(dither);
	free(idx);
	return rc;
}

/* The sixel sequence of an overlay, from the cache or made now. */
static const encoded *sixel_of(pk_sixel *sx, const pk_overlay *ov)
{
	uint32_t fg, bg;
	bool bg_known;
	run_colors(sx, ov, &fg, &bg, &bg_known);
	int w = ov->w * sx->cell_w, h = sx->cell_h;
	bool bold = (ov->attr & A_BOLD) != 0;
	sx->clock++;
	encoded *victim = &sx->cache[0];
	for (int i = 0; i < CACHE_SIZE; i++) {
		encoded *e = &sx->cache[i];
		if (e->used && e->w == w && e->h == h && e->bold == bold && e->fg == fg &&
		    e->bg == bg && strcmp(e->text, ov->text) == 0) {
			e->used = sx->clock;
			return e;
		}
		if (e->used < victim->used)
			victim = e;
	}
	pk_shape_bitmap bm;
	pk_error err;
	if (pk_shape_text(sx->shaper, ov->text, w, h, bold, &bm, &err) < 0)
		return NULL;
	buf b = { 0 };
	char *text = strdup(ov->text);
	if (!text || encode(&bm, fg, bg, bg_known, &b) < 0) {
		free(text);
		free(b.p);
		return NULL;
	}
	free(victim->text);
	free(victim->data);
	*victim = (encoded){ .text = text, .w = w, .h = h, .bold = bold, .fg = fg, .bg = bg,
			     .data = b.p, .len = b.len, .used = sx->clock };
	return victim;
}

int pk_sixel_emit(pk_sixel *sx, pk_error *err)
{
	if (!pk_sixel_active(sx))
		return 0;
	buf out = { 0 };
	/* DECSC, and sixel cursor mode 8452: after an image the cursor
	 * stays on its row (beside it), so one on the last row does not
	 * scroll the screen. */
	static const char head[] = "\0337\033[?8452h";
	static const char tail[] = "\033[?8452l\0338";
	for (size_t i = 0; i < sx->frame.n; i++) {
		const pk_overlay *ov = &sx->frame.v[i];
		if (sx->emit_row && ov->y < sx->n_rows && !sx->emit_row[ov->y])
			continue; /* the terminal still shows it */
		const encoded *e = sixel_of(sx, ov);
		if (!e)
			continue; /* cannot draw it: its cells stay blank this frame */
		char cup[32];
		int n = snprintf(cup, sizeof cup, "\033[%d;%dH", ov->y + 1, ov->x + 1);
		if (out.len == 0)
			buf_put(&out, head, sizeof head - 1);
		buf_put(&out, cup, (size_t)n);
		buf_put(&out, e->data, e->len);
	}
	if (out.len > 0)
		buf_put(&out, tail, sizeof tail - 1);
	int rc = 0;
	if (out.failed)
		rc = pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	else if (out.len > 0 && pk_write_all(sx->out_fd, out.p, out.len) < 0)
		rc = pk_error_setc(err, PK_ERR_IO, errno, _("Cannot write %s: %s"), "stdout",
				   strerror(errno));
	free(out.p);
	/* What the terminal shows now. */
	overlays tmp = sx->shown;
	sx->shown = sx->frame;
	sx->frame = tmp;
	overlays_clear(&sx->frame);
	return rc;
}
