/* custdisp.c - the customer display (see custdisp.h).
 *
 * ncurses 6.4 as Debian builds it (not reentrant) keeps LINES and COLS and
 * one list of windows for all its SCREENs: set_term does not bring a
 * SCREEN's size back, resize_term resizes the other SCREEN's windows too
 * and delscreen frees every SCREEN's windows.  So the size goes with the
 * SCREEN when we switch (switch_screen), after a resize the other SCREEN's
 * windows are put back to its size (fit_windows), and the customer's
 * SCREEN, made at the first open, is kept for the life of the process;
 * only the device comes and goes. */
#define _GNU_SOURCE /* pipe2, F_SETPIPE_SZ, memfd_create */
#include "ui/custdisp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <ncurses.h>

#include "common/i18n.h"
#include "common/money.h"
#include "layout/qr.h"
#include "layout/text.h"
#include "ui/app.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/testhook.h"

#define PIPE_SIZE (1 << 20)  /* a whole frame always fits: ncurses never waits */
#define BYTES_PER_CELL 16    /* the most one cell costs in a full repaint */
#define RELAY_BUF 65536
#define CHECK_MS 1000        /* the path is looked at once a second */
#define DEFAULT_ROWS 24
#define DEFAULT_COLS 80
#define CLOSE_WAIT_MS 200    /* the last frame (a blank screen) at exit */

/* ---- the views (pure parts) ---------------------------------------------- */

pk_cust_view pk_custdisp_view_for(const pk_flow_view *v)
{
	static const pk_cust_view by_stage[PK_STAGE__COUNT] = {
		[PK_STAGE_WAIT] = PK_CUST_WAIT,
		[PK_STAGE_UPI] = PK_CUST_UPI,
		[PK_STAGE_WAVEPAY] = PK_CUST_WAVEPAY,
		[PK_STAGE_RESULT] = PK_CUST_RESULT,
	};
	if (!v || !v->sale)
		return PK_CUST_IDLE;
	return by_stage[pk_app_stage(v->sale->state)];
}

const char *pk_custdisp_view_name(pk_cust_view view)
{
	static const char *const names[PK_CUST__COUNT] = {
#define PK_X_NAME(id, name) [PK_CUST_##id] = name,
		PK_CUST_VIEWS(PK_X_NAME)
#undef PK_X_NAME
	};
	return (unsigned)view < PK_CUST__COUNT ? names[view] : "?";
}

/* The result view's word for each outcome (its colour: pk_outcome_role). */
static const char *const outcome_words[PK_OUTCOME__COUNT] = {
	[PK_OUTCOME_NONE] = NULL,
	[PK_OUTCOME_PAID] = N_("Paid"),
	[PK_OUTCOME_NOT_PAID] = N_("Not paid"),
	[PK_OUTCOME_NOTHING] = N_("Cancelled"),
	[PK_OUTCOME_NOT_KNOWN] = N_("Not known yet - please wait"),
};

const char *pk_custdisp_outcome_word(pk_outcome o)
{
	return (unsigned)o < PK_OUTCOME__COUNT ? outcome_words[o] : NULL;
}

/* Where the QR goes: largest modules first (full blocks), and for each
 * shape beside the text, below it with big digits, below it without,
 * alone. */
static const pk_qr_shape shape_order[] = { PK_QR_FULL, PK_QR_HALF };

int pk_custdisp_fit_qr(const char *link, int rows, int cols, int tw, int th_big, int th_small,
		       pk_cust_qr_place *place, pk_qr *qr, pk_error *err)
{
	int usable = cols - 1; /* the last column is never written (no wrap) */
	for (size_t s = 0; s < sizeof shape_order / sizeof shape_order[0]; s++) {
		for (int p = 0; p < PK_CQ__COUNT; p++) {
			int mc = usable, mr = rows;
			switch ((pk_cust_qr_place)p) {
			case PK_CQ_BESIDE:
				mc = usable - tw - 2;
				break;
			case PK_CQ_BELOW_BIG:
				mr = rows - th_big - 1;
				break;
			case PK_CQ_BELOW_SMALL:
				mr = rows - th_small - 1;
				break;
			default:
				break;
			}
			if (mc <= 0 || mr <= 0)
				continue;
			pk_error why;
			if (pk_qr_fit_shape(link, -1, shape_order[s], mc, mr, qr, &why) == 0) {
				*place = (pk_cust_qr_place)p;
				return 0;
			}
			if (why.kind != PK_ERR_TOO_LARGE) {
				if (err)
					*err = why;
				return -1;
			}
		}
	}
	return pk_error_set(err, PK_ERR_TOO_LARGE, "%s",
			    _("The screen is too small for the QR code."));
}

/* ---- the device and the SCREEN ------------------------------------------- */

/* What the customer sees, as drawn last: a frame is drawn when it changes. */
typedef struct shown {
	pk_cust_view view;
	int64_t sale_id;
	pk_sale_state state;
	pk_lang lang;
	pk_upi_app upi_app;
} shown;

struct pk_custdisp {
	char *path, *term;
	pk_log *log;
	pk_testhook *hook;
	SCREEN *main_scr;
	/* Made at the first open, kept (see the top of this file). */
	SCREEN *scr;
	FILE *out, *in;
	int pipe_r;
	size_t pipe_size;
	int rows, cols;          /* the customer's SCREEN */
	/* The device while it is open, else -1. */
	int fd;
	dev_t rdev;
	ino_t ino;
	struct termios saved;
	bool have_saved;
	/* Runs as images (ui/sixel.h): how to decide, and the layer while
	 * the device is open (NULL: text). */
	pk_graphics graphics;
	pk_termprobe_answer probe;
	bool have_probe;
	pk_sixel *sixel;
	/* The images of the frame drawn last, sent after its text: a memory
	 * file (never blocks), [img_off, img_len) not sent yet. */
	int img_fd;
	off_t img_off, img_len;
	char buf[RELAY_BUF];     /* read from the pipe or the images, not written yet */
	size_t off, len;
	int64_t next_check_ms;
	char last_fail[128];     /* why the last open failed (logged once) */
	bool dirty;
	bool have_shown;
	shown last;
	unsigned long frames;
};

static void switch_screen(SCREEN *s, int rows, int cols)
{
	set_term(s);
	LINES = rows;
	COLS = cols;
}

/* Put the current SCREEN's windows back to its size; true if they were
 * not (its next refresh then repaints everything). */
static bool fit_windows(int rows, int cols)
{
	WINDOW *wins[3] = { stdscr, curscr, newscr };
	bool changed = false;
	for (int i = 0; i < 3; i++) {
		int y, x;
		if (!wins[i])
			continue;
		getmaxyx(wins[i], y, x);
		if (y != rows || x != cols) {
			wresize(wins[i], rows, cols);
			changed = true;
		}
	}
	if (changed)
		clearok(curscr, TRUE);
	return changed;
}

static void log_path(pk_custdisp *cd, pk_log_level level, const char *event, const char *what)
{
	char q[600];
	if (cd->log)
		pk_log_event(cd->log, level, event, "path=%s %s",
			     pk_log_quote(cd->path, q, sizeof q), what);
}

static size_t pending(const pk_custdisp *cd)
{
	int n = 0;
	if (cd->pipe_r >= 0 && ioctl(cd->pipe_r, FIONREAD, &n) < 0)
		n = 0;
	return (cd->len - cd->off) + (size_t)(n > 0 ? n : 0) +
	       (size_t)(cd->img_len - cd->img_off);
}

/* The images all sent (or dropped): the memory file is empty again. */
static void images_reset(pk_custdisp *cd)
{
	cd->img_off = cd->img_len = 0;
	if (cd->img_fd >= 0 && ftruncate(cd->img_fd, 0) == 0)
		lseek(cd->img_fd, 0, SEEK_SET);
}

/* What ncurses wrote while there was no device goes nowhere. */
static void drain(pk_custdisp *cd)
{
	cd->off = cd->len = 0;
	images_reset(cd);
	if (cd->pipe_r < 0)
		return;
	while (read(cd->pipe_r, cd->buf, sizeof cd->buf) > 0)
		;
}

static void close_device(pk_custdisp *cd)
{
	if (cd->fd < 0)
		return;
	if (cd->have_saved)
		tcsetattr(cd->fd, TCSANOW, &cd->saved);
	close(cd->fd);
	cd->fd = -1;
	pk_sixel_free(cd->sixel);
	cd->sixel = NULL;
	cd->have_saved = false;
	cd->have_shown = false;
	drain(cd);
}

static void lose(pk_custdisp *cd, const char *reason)
{
	char what[160];
	snprintf(what, sizeof what, "reason=%s", reason);
	log_path(cd, PK_LOG_WARNING, "customer_display_lost", what);
	pk_testhook_display_lost(cd->hook, reason);
	/* an open failing for the same reason next is not logged again */
	snprintf(cd->last_fail, sizeof cd->last_fail, "%s", reason);
	close_device(cd);
}

/* The pipe and the SCREEN, once. */
static int make_screen(pk_custdisp *cd, int main_rows, int main_cols, char *why, size_t n)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, n, "pipe");
		return -1;
	}
	int size = fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE);
	if (size < 0)
		size = fcntl(p[1], F_GETPIPE_SZ);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	int img = memfd_create("paykiosk-customer-images", MFD_CLOEXEC);
	FILE *out = fdopen(p[1], "w");
	FILE *in = fopen("/dev/null", "re");
	if (img < 0 || !out || !in) {
		if (img >= 0)
			close(img);
		if (out)
			fclose(out);
		else
			close(p[1]);
		if (in)
			fclose(in);
		close(p[0]);
		snprintf(why, n, "out-of-memory");
		return -1;
	}
	SCREEN *s = newterm(cd->term, out, in);
	if (!s) {
		switch_screen(cd->main_scr, main_rows, main_cols);
		close(img);
		fclose(out);
		fclose(in);
		close(p[0]);
		snprintf(why, n, "unknown-term");
		return -1;
	}
	/* Output only: nothing is read, so no look-ahead at its input. */
	typeahead(-1);
	nonl();
	leaveok(stdscr, TRUE);
	curs_set(0);
	pk_colors_init();
	getmaxyx(stdscr, cd->rows, cd->cols);
	switch_screen(cd->main_scr, main_rows, main_cols);
	cd->scr = s;
	cd->out = out;
	cd->in = in;
	cd->pipe_r = p[0];
	cd->pipe_size = size > 0 ? (size_t)size : 4096;
	cd->img_fd = img;
	return 0;
}

/* Resize the customer's SCREEN; true if the cashier's windows had to be
 * put back (its screen must be repainted whole). */
static bool resize_customer(pk_custdisp *cd, int rows, int cols, int main_rows, int main_cols)
{
	switch_screen(cd->scr, cd->rows, cd->cols);
	fit_windows(cd->rows, cd->cols);
	resize_term(rows, cols);
	cd->rows = rows;
	cd->cols = cols;
	clearok(curscr, TRUE);
	pk_sixel_resized(cd->sixel); /* its images are all drawn again */
	switch_screen(cd->main_scr, main_rows, main_cols);
	return fit_windows(main_rows, main_cols);
}

/* -1 when the terminal is gone (hung up). */
static int device_winsize(int fd, struct winsize *ws)
{
	memset(ws, 0, sizeof *ws);
	return ioctl(fd, TIOCGWINSZ, ws) < 0 ? -1 : 0;
}

static int device_size(int fd, int *rows, int *cols)
{
	struct winsize ws;
	if (device_winsize(fd, &ws) < 0)
		return -1;
	*rows = ws.ws_row > 0 ? ws.ws_row : DEFAULT_ROWS;
	*cols = ws.ws_col > 0 ? ws.ws_col : DEFAULT_COLS;
	return 0;
}

/* The images' layer for the device just opened: its cell size in pixels
 * from the kernel's window size (foot fills it in), else 0 (pk_sixel_open
 * takes the cashier's answer).  Out of memory: text. */
static void open_images(pk_custdisp *cd)
{
	struct winsize ws;
	pk_sixel_options so = { .mode = cd->graphics,
				.probe = cd->have_probe ? &cd->probe : NULL,
				.out_fd = cd->img_fd };
	if (device_winsize(cd->fd, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0 &&
	    ws.ws_xpixel >= ws.ws_col && ws.ws_ypixel >= ws.ws_row) {
		so.cell_w = ws.ws_xpixel / ws.ws_col;
		so.cell_h = ws.ws_ypixel / ws.ws_row;
	}
	pk_error err;
	if (cd->img_fd < 0 || pk_sixel_open(&cd->sixel, &so, &err) < 0)
		cd->sixel = NULL;
	char how[128];
	if (cd->log)
		pk_log_event(cd->log, PK_LOG_INFO, "customer_display_graphics", "%s",
			     pk_sixel_describe(cd->sixel, how, sizeof how));
}

static bool fits_pipe(const pk_custdisp *cd, int rows, int cols)
{
	return (size_t)rows * (size_t)cols * BYTES_PER_CELL + 4096 <= cd->pipe_size;
}

static int open_device(pk_custdisp *cd, int main_rows, int main_cols, bool *repaint, char *why,
		       size_t n)
{
	int fd = open(cd->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			snprintf(why, n, "missing");
		else
			snprintf(why, n, "\"%s\"", strerror(e));
		return -1;
	}
	struct stat st;
	if (!isatty(fd) || fstat(fd, &st) < 0) {
		close(fd);
		snprintf(why, n, "not-a-terminal");
		return -1;
	}
	if (!cd->scr && make_screen(cd, main_rows, main_cols, why, n) < 0) {
		close(fd);
		return -1;
	}
	int rows, cols;
	if (device_size(fd, &rows, &cols) < 0) {
		close(fd);
		snprintf(why, n, "hangup");
		return -1;
	}
	if (!fits_pipe(cd, rows, cols)) {
		close(fd);
		snprintf(why, n, "too-large");
		return -1;
	}
	cd->have_saved = tcgetattr(fd, &cd->saved) == 0;
	if (cd->have_saved) {
		struct termios raw = cd->saved;
		cfmakeraw(&raw);
		tcsetattr(fd, TCSANOW, &raw);
	}
	cd->fd = fd;
	cd->rdev = st.st_rdev;
	cd->ino = st.st_ino;
	drain(cd);
	open_images(cd);
	if (rows != cd->rows || cols != cd->cols)
		*repaint |= resize_customer(cd, rows, cols, main_rows, main_cols);
	/* a new terminal: everything again, the cursor hidden again */
	switch_screen(cd->scr, cd->rows, cd->cols);
	clearok(curscr, TRUE);
	curs_set(1);
	curs_set(0);
	switch_screen(cd->main_scr, main_rows, main_cols);
	cd->dirty = true;
	cd->have_shown = false;
	cd->last_fail[0] = '\0';
	char what[160];
	snprintf(what, sizeof what, "size=%dx%d term=%s", cd->rows, cd->cols, cd->term);
	log_path(cd, PK_LOG_INFO, "customer_display_open", what);
	pk_testhook_display_open(cd->hook, cd->rows, cd->cols);
	return 0;
}

static void try_open(pk_custdisp *cd, int main_rows, int main_cols, bool *repaint)
{
	char why[128];
	if (open_device(cd, main_rows, main_cols, repaint, why, sizeof why) == 0)
		return;
	if (strcmp(why, cd->last_fail) == 0)
		return; /* said already */
	snprintf(cd->last_fail, sizeof cd->last_fail, "%s", why);
	char what[160];
	snprintf(what, sizeof what, "reason=%s", why);
	log_path(cd, PK_LOG_WARNING, "customer_display_unavailable", what);
}

/* Still the same device at the path? */
static void check_path(pk_custdisp *cd)
{
	struct stat st;
	if (stat(cd->path, &st) < 0)
		lose(cd, "missing");
	else if (st.st_rdev != cd->rdev || st.st_ino != cd->ino)
		lose(cd, "replaced");
}

static void relay(pk_custdisp *cd)
{
	while (cd->fd >= 0) {
		if (cd->off == cd->len) {
			/* the frame's text, then its images */
			ssize_t r = read(cd->pipe_r, cd->buf, sizeof cd->buf);
			if (r <= 0 && cd->img_off < cd->img_len) {
				r = pread(cd->img_fd, cd->buf, sizeof cd->buf, cd->img_off);
				if (r <= 0) {
					images_reset(cd); /* cannot happen: dropped */
					r = 0;
				}
				cd->img_off += r;
			}
			if (r <= 0) {
				cd->off = cd->len = 0;
				if (cd->img_len > 0)
					images_reset(cd);
				return;
			}
			cd->off = 0;
			cd->len = (size_t)r;
		}
		ssize_t w = write(cd->fd, cd->buf + cd->off, cd->len - cd->off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return; /* the rest when poll says POLLOUT */
			lose(cd, "write");
			return;
		}
		cd->off += (size_t)w;
	}
}

/* ---- drawing -------------------------------------------------------------- */

/* A view is a stack of items centred in its space; big digits give way
 * to their text line, then gaps go, when the space is short. */
typedef enum item_kind { IT_TEXT, IT_BIG, IT_GAP } item_kind;
typedef struct item {
	item_kind kind;
	const char *text;  /* TEXT: UTF-8; BIG: ASCII digits (pk_big_draw) */
	attr_t attr;
	int max_rows;      /* TEXT: wrapped into at most this many rows */
} item;

#define MAX_ITEMS 12

static int item_rows(const item *it, int w, bool big, bool gaps)
{
	switch (it->kind) {
	case IT_TEXT: {
		int r = pk_draw_wrap_rows(it->text, w);
		return r < it->max_rows ? r : it->max_rows;
	}
	case IT_BIG:
		return big && pk_big_width(it->text) <= w ? PK_BIG_ROWS : 0;
	default:
		return gaps ? 1 : 0;
	}
}

static int stack_rows(const item *items, int n, int w, bool big, bool gaps)
{
	int rows = 0;
	for (int i = 0; i < n; i++)
		rows += item_rows(&items[i], w, big, gaps);
	return rows;
}

/* The stack centred in rows [y, y+h) and columns [x, x+w). */
static void draw_stack(const item *items, int n, int y, int x, int w, int h)
{
	bool big = true, gaps = true;
	if (stack_rows(items, n, w, big, gaps) > h)
		big = false;
	if (stack_rows(items, n, w, big, gaps) > h)
		gaps = false;
	int total = stack_rows(items, n, w, big, gaps);
	int cy = y + (total < h ? (h - total) / 2 : 0);
	for (int i = 0; i < n && cy < y + h; i++) {
		const item *it = &items[i];
		int r = item_rows(it, w, big, gaps);
		if (it->kind == IT_TEXT)
			pk_draw_wrap(cy, x, w, r, it->text, it->attr, 1);
		else if (it->kind == IT_BIG && r > 0)
			pk_big_draw(cy, x + (w - pk_big_width(it->text)) / 2, it->text, it->attr);
		cy += r;
	}
}

typedef struct ctx {
	pk_app *app;
	const pk_sale *sale;     /* NULL in idle */
	int top, rows, cols;     /* the space below the banner: [top, rows) */
	char amount[64], plain[64];
} ctx;

static int add(item *items, int n, item_kind kind, const char *text, attr_t attr, int max_rows)
{
	if (n < MAX_ITEMS)
		items[n] = (item){ kind, text, attr, max_rows };
	return n < MAX_ITEMS ? n + 1 : n;
}

/* The amount in big digits and as text. */
static int add_amount(item *items, int n, const ctx *c)
{
	n = add(items, n, IT_BIG, c->plain, pk_role_attr(PK_ROLE_TITLE), 0);
	return add(items, n, IT_TEXT, c->amount, A_BOLD, 1);
}

static void view_idle(const ctx *c)
{
	item items[MAX_ITEMS];
	int n = 0;
	const char *shop = c->app->cfg->shop_name;
	if (shop && *shop) {
		n = add(items, n, IT_TEXT, shop, pk_role_attr(PK_ROLE_TITLE), 2);
		n = add(items, n, IT_GAP, NULL, 0, 0);
	}
	n = add(items, n, IT_TEXT, _("Welcome"), pk_role_attr(PK_ROLE_TITLE), 2);
	draw_stack(items, n, c->top, 1, c->cols - 2, c->rows - c->top);
}

static void view_wait(const ctx *c)
{
	item items[MAX_ITEMS];
	int n = add_amount(items, 0, c);
	n = add(items, n, IT_GAP, NULL, 0, 0);
	n = add(items, n, IT_TEXT, _("Please wait"), A_NORMAL, 2);
	draw_stack(items, n, c->top, 1, c->cols - 2, c->rows - c->top);
}

static void view_wavepay(const ctx *c)
{
	item items[MAX_ITEMS];
	int n = add(items, 0, IT_TEXT, _("Pay to this Wavepay number"), A_BOLD, 2);
	n = add(items, n, IT_BIG, c->sale->identifier, pk_role_attr(PK_ROLE_TITLE), 0);
	n = add(items, n, IT_TEXT, c->sale->identifier, pk_role_attr(PK_ROLE_TITLE), 1);
	n = add(items, n, IT_GAP, NULL, 0, 0);
	n = add_amount(items, n, c);
	n = add(items, n, IT_GAP, NULL, 0, 0);
	n = add(items, n, IT_TEXT, _("Read out your transaction ID to the cashier"), A_BOLD, 3);
	if (c->sale->state == PK_SALE_ACTIVATING)
		n = add(items, n, IT_TEXT, _("Checking payment"), pk_role_attr(PK_ROLE_WARN), 2);
	draw_stack(items, n, c->top, 1, c->cols - 2, c->rows - c->top);
}

static void view_result(const ctx *c)
{
	pk_outcome o = pk_state_outcome(c->sale->state);
	const char *word = pk_custdisp_outcome_word(o);
	item items[MAX_ITEMS];
	int n = 0;
	if (word) {
		n = add(items, n, IT_TEXT, _(word), pk_role_attr(pk_outcome_role(o)) | A_BOLD, 2);
		n = add(items, n, IT_GAP, NULL, 0, 0);
	}
	n = add_amount(items, n, c);
	draw_stack(items, n, c->top, 1, c->cols - 2, c->rows - c->top);
}

static void view_upi(const ctx *c)
{
	pk_app *app = c->app;
	char scan[256];
	const char *line = app->upi_app == PK_UPI_UNIVERSAL
				   ? _("Scan with any UPI app")
				   : pk_fmt(scan, sizeof scan, _("QR for: %s"),
					    pk_upi_app_name(app->upi_app));
	item items[MAX_ITEMS];
	int n = add_amount(items, 0, c);
	n = add(items, n, IT_GAP, NULL, 0, 0);
	n = add(items, n, IT_TEXT, line, A_BOLD, 2);

	int h = c->rows - c->top;
	int tw = pk_big_width(c->plain);
	int lw = pk_text_width(c->amount);
	if (lw > tw)
		tw = lw;
	if (tw < 24)
		tw = 24;
	int th_big = stack_rows(items, n, c->cols - 2, true, true);
	int th_small = stack_rows(items, n, c->cols - 2, false, false);
	char *link = pk_upi_app_link(c->sale->qr_data, app->upi_app);
	pk_qr qr;
	pk_cust_qr_place place;
	pk_error err;
	if (!link || pk_custdisp_fit_qr(link, h, c->cols, tw, th_big, th_small, &place, &qr,
					&err) < 0) {
		free(link);
		n = add(items, n, IT_TEXT, _("The screen is too small for the QR code."),
			pk_role_attr(PK_ROLE_WARN), 2);
		draw_stack(items, n, c->top, 1, c->cols - 2, h);
		return;
	}
	free(link);
	int usable = c->cols - 1;
	switch (place) {
	case PK_CQ_BESIDE: {
		int region = usable - tw - 2;
		int qx = (region - qr.cols) / 2;
		pk_draw_qr(&qr, c->top + (h - qr.rows) / 2, qx);
		int tx = qx + qr.cols + 2;
		draw_stack(items, n, c->top, tx, usable - tx, h);
		break;
	}
	case PK_CQ_BELOW_BIG:
	case PK_CQ_BELOW_SMALL: {
		int th = place == PK_CQ_BELOW_BIG ? th_big : th_small;
		draw_stack(items, n, c->top, 1, c->cols - 2, th);
		int y = c->top + th + 1;
		pk_draw_qr(&qr, y + (h - th - 1 - qr.rows) / 2, (usable - qr.cols) / 2);
		break;
	}
	default:
		pk_draw_qr(&qr, c->top + (h - qr.rows) / 2, (usable - qr.cols) / 2);
		break;
	}
	pk_qr_free(&qr);
}

static void (*const views[PK_CUST__COUNT])(const ctx *c) = {
	[PK_CUST_IDLE] = view_idle,     [PK_CUST_WAIT] = view_wait, [PK_CUST_UPI] = view_upi,
	[PK_CUST_WAVEPAY] = view_wavepay, [PK_CUST_RESULT] = view_result,
};

/* The frame, on the customer's SCREEN (current), in its language. */
static void draw_frame(pk_custdisp *cd, pk_app *app, const pk_flow_view *v, pk_cust_view view,
		       pk_lang lang)
{
	erase();
	pk_sixel_frame_begin(cd->sixel);
	ctx c = { .app = app, .sale = v->sale, .rows = cd->rows, .cols = cd->cols };
	if (app->training) {
		/* the cashier's banner text, on its own row */
		char banner[256];
		snprintf(banner, sizeof banner, " %s ", _("TRAINING - no real money"));
		attr_t a = pk_role_attr(PK_ROLE_TRAINING);
		pk_draw_fill(0, 0, cd->cols - 1, a);
		pk_draw_center(0, 0, cd->cols - 1, banner, a);
		c.top = 1;
	}
	if (v->sale) {
		pk_money_display(v->sale->amount, v->sale->currency, c.amount, sizeof c.amount);
		pk_money_display_plain(v->sale->amount, v->sale->currency, c.plain,
				       sizeof c.plain);
	}
	if (view == PK_CUST_IDLE || v->sale)
		views[view](&c);
	pk_sixel_frame_end(cd->sixel);
	refresh();
	/* the images after the text (the relay sends the pipe first) */
	pk_error err;
	if (pk_sixel_emit(cd->sixel, &err) < 0 && cd->log)
		pk_log_event(cd->log, PK_LOG_WARNING, "customer_display_graphics_error", "kind=%s",
			     pk_err_kind_name(err.kind));
	off_t end = cd->img_fd >= 0 ? lseek(cd->img_fd, 0, SEEK_CUR) : 0;
	cd->img_len = end > 0 ? end : 0;
	cd->frames++;
	const pk_overlay *images;
	size_t n_images = pk_sixel_overlays(cd->sixel, &images);
	pk_testhook_dframe(cd->hook, cd->frames, pk_custdisp_view_name(view), pk_lang_code(lang),
			   images, n_images);
}

static bool same_shown(const shown *a, const shown *b)
{
	return a->view == b->view && a->sale_id == b->sale_id && a->state == b->state &&
	       a->lang == b->lang && a->upi_app == b->upi_app;
}

/* ---- the loop's calls ----------------------------------------------------- */

int pk_custdisp_new(pk_custdisp **out, const pk_custdisp_options *o, pk_error *err)
{
	*out = NULL;
	pk_custdisp *cd = calloc(1, sizeof *cd);
	if (!cd)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	cd->path = strdup(o->path);
	cd->term = strdup(o->term && *o->term ? o->term : "dumb");
	if (!cd->path || !cd->term) {
		free(cd->path);
		free(cd->term);
		free(cd);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	cd->log = o->log;
	cd->hook = o->hook;
	cd->main_scr = o->main_screen;
	cd->graphics = o->graphics;
	if (o->probe) {
		cd->probe = *o->probe;
		cd->have_probe = true;
	}
	cd->fd = cd->pipe_r = cd->img_fd = -1;
	*out = cd;
	return 0;
}

/* At exit: what is pending goes out, for a short while at most. */
static void flush_out(pk_custdisp *cd)
{
	for (int waited = 0; cd->fd >= 0 && pending(cd) > 0 && waited < CLOSE_WAIT_MS;
	     waited += 10) {
		relay(cd);
		struct pollfd p = { .fd = cd->fd, .events = POLLOUT };
		if (cd->fd >= 0 && pending(cd) > 0)
			poll(&p, 1, 10);
	}
}

void pk_custdisp_free(pk_custdisp *cd)
{
	if (!cd)
		return;
	int main_rows = LINES, main_cols = COLS;
	if (cd->scr && cd->fd >= 0) {
		/* the last frame out first (its images never after the blank),
		 * then the customer is not left looking at the last sale */
		flush_out(cd);
		images_reset(cd);
		switch_screen(cd->scr, cd->rows, cd->cols);
		erase();
		refresh();
		endwin();
		switch_screen(cd->main_scr, main_rows, main_cols);
		flush_out(cd);
	}
	close_device(cd);
	/* The SCREEN stays (delscreen would free the cashier's windows);
	 * its output goes nowhere from now on. */
	if (cd->pipe_r >= 0)
		close(cd->pipe_r);
	if (cd->img_fd >= 0)
		close(cd->img_fd);
	free(cd->path);
	free(cd->term);
	free(cd);
}

bool pk_custdisp_turn(pk_custdisp *cd, pk_app *app)
{
	int main_rows = LINES, main_cols = COLS;
	bool repaint = false;
	if (cd->scr) {
		/* the cashier's screen was resized: ours were too */
		switch_screen(cd->scr, cd->rows, cd->cols);
		if (fit_windows(cd->rows, cd->cols)) {
			pk_sixel_resized(cd->sixel);
			cd->dirty = true;
		}
		switch_screen(cd->main_scr, main_rows, main_cols);
	}
	if (app->now_ms >= cd->next_check_ms) {
		cd->next_check_ms = app->now_ms + CHECK_MS;
		if (cd->fd >= 0)
			check_path(cd);
		if (cd->fd < 0)
			try_open(cd, main_rows, main_cols, &repaint);
		if (cd->fd >= 0)
			tcflush(cd->fd, TCIFLUSH); /* nothing is read from it */
	}
	if (cd->fd < 0)
		return repaint;

	int rows, cols;
	if (device_size(cd->fd, &rows, &cols) < 0) {
		lose(cd, "hangup");
		return repaint;
	}
	if (rows != cd->rows || cols != cd->cols) {
		if (!fits_pipe(cd, rows, cols)) {
			lose(cd, "too-large");
			return repaint;
		}
		repaint |= resize_customer(cd, rows, cols, main_rows, main_cols);
		cd->dirty = true;
	}
	relay(cd);
	if (cd->fd < 0)
		return repaint;

	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	pk_lang lang = pk_i18n_lang();
	pk_lang shown_lang = pk_app_term_draws(cd->term, lang) ? lang : PK_LANG_EN;
	shown now = {
		.view = pk_custdisp_view_for(&v),
		.sale_id = v.sale ? v.sale->id : 0,
		.state = v.sale ? v.sale->state : PK_SALE_NEW,
		.lang = shown_lang,
		.upi_app = app->upi_app,
	};
	if (!cd->have_shown || !same_shown(&now, &cd->last))
		cd->dirty = true;
	if (!cd->dirty || pending(cd) > 0)
		return repaint; /* the last frame is still going out */
	switch_screen(cd->scr, cd->rows, cd->cols);
	if (shown_lang != lang)
		pk_i18n_set_lang(shown_lang);
	draw_frame(cd, app, &v, now.view, shown_lang);
	if (shown_lang != lang)
		pk_i18n_set_lang(lang);
	switch_screen(cd->main_scr, main_rows, main_cols);
	cd->last = now;
	cd->have_shown = true;
	cd->dirty = false;
	relay(cd);
	return repaint;
}

void pk_custdisp_pollfd(const pk_custdisp *cd, struct pollfd *pfd)
{
	pfd->fd = cd->fd;
	pfd->events = cd->fd >= 0 && pending(cd) > 0 ? POLLOUT : 0;
	pfd->revents = 0;
}

void pk_custdisp_ready(pk_custdisp *cd, short revents)
{
	if (cd->fd < 0)
		return;
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		lose(cd, "hangup");
	else if (revents & POLLOUT)
		relay(cd);
}
