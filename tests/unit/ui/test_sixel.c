/* test_sixel.c - Burmese and Hindi runs as sixel images (ui/sixel.h), with
 * a real ncurses on a pseudo-terminal and the bytes read back from its
 * other side:
 * - whether images are drawn at all: the terminal's attributes list sixel
 *   (else text), PAYKIOSK_GRAPHICS overrides, the cell size it said;
 * - which runs become images (those with Burmese or Devanagari), their
 *   cells blank in the run's colours, the layout's width unchanged;
 * - after the update: DECSC, sixel cursor mode 8452, at each run's cell a
 *   CUP then DCS q "1;1;W;H ... ST with W the run's cells and H exactly one
 *   cell, the run's colours in its palette, DECRC; again only on rows the
 *   update wrote on;
 * - a run something else was drawn over is no image; a row whose images
 *   go away is written whole (so the terminal erases them);
 * - the test hook still reports the text of image runs (and which they
 *   are). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <locale.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout/text.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/sixel.h"
#include "ui/testhook.h"

static const char burmese[] = "ငွေပေးချေနည်း ရွေးပါ"; /* choose the payment */
static const char hindi[] = "भाषा";                      /* language */
static const char english[] = "Wavepay (MMK)";

#define CELL_W 11
#define CELL_H 27

typedef struct term {
	int master, slave;
	FILE *out, *in;
	SCREEN *scr;
	pk_sixel *sx;
	char *sent;            /* what the terminal got, read after each step */
	size_t nsent, cap;
	char hook[64];         /* PAYKIOSK_TEST_HOOK file */
} term;

/* foot's answers at start-up: sixel, its cell, its colours. */
static pk_termprobe_answer foot_probe(void)
{
	pk_termprobe_answer a;
	memset(&a, 0, sizeof a);
	a.answered = true;
	a.sixel = true;
	a.cell_w = CELL_W;
	a.cell_h = CELL_H;
	a.have_fg = a.have_bg = true;
	a.fg = 0xdcdccc;
	a.bg = 0x111111;
	a.have_palette = 0xffff;
	for (int c = 0; c < 16; c++)
		a.palette[c] = 0x010101u * (uint32_t)(c * 16);
	a.palette[COLOR_CYAN] = 0x00cdcd;
	a.palette[COLOR_YELLOW] = 0xcdcd00;
	return a;
}

static int setup_with(void **state, const pk_termprobe_answer *probe, pk_graphics mode)
{
	term *t = calloc(1, sizeof *t);
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	if (!t || openpty(&t->master, &t->slave, NULL, NULL, &ws) != 0)
		return -1;
	fcntl(t->master, F_SETFL, fcntl(t->master, F_GETFL) | O_NONBLOCK);
	t->out = fdopen(dup(t->slave), "w");
	t->in = fdopen(dup(t->slave), "r");
	unsetenv("LINES");
	unsetenv("COLUMNS");
	t->scr = newterm("xterm-256color", t->out, t->in);
	if (!t->scr)
		return -1;
	pk_colors_init();
	pk_sixel_options o = { .mode = mode, .probe = probe, .out_fd = t->slave };
	pk_error err;
	if (pk_sixel_open(&t->sx, &o, &err) < 0)
		return -1;
	t->cap = 1 << 20;
	t->sent = malloc(t->cap);
	if (!t->sent)
		return -1;
	*state = t;
	return 0;
}

static int setup(void **state)
{
	pk_termprobe_answer a = foot_probe();
	return setup_with(state, &a, PK_GRAPHICS_AUTO);
}

static int teardown(void **state)
{
	term *t = *state;
	endwin();
	delscreen(t->scr);
	pk_sixel_free(t->sx);
	fclose(t->out);
	fclose(t->in);
	close(t->slave);
	close(t->master);
	if (t->hook[0])
		unlink(t->hook);
	free(t->sent);
	free(t);
	return 0;
}

/* What reached the terminal since the last call. */
static const char *drain(term *t)
{
	ssize_t r;
	t->nsent = 0;
	while (t->nsent < t->cap - 1 &&
	       (r = read(t->master, t->sent + t->nsent, t->cap - 1 - t->nsent)) > 0)
		t->nsent += (size_t)r;
	t->sent[t->nsent] = '\0';
	return t->sent;
}

static const char *find(const term *t, const char *from, const char *bytes)
{
	size_t n = strlen(bytes);
	const char *end = t->sent + t->nsent;
	for (const char *p = from ? from : t->sent; p + n <= end; p++)
		if (memcmp(p, bytes, n) == 0)
			return p;
	return NULL;
}

/* One frame as the loop draws it; *images the images it has. */
static size_t frame(term *t, void (*draw)(void), const pk_overlay **images)
{
	erase();
	pk_sixel_frame_begin(t->sx);
	draw();
	pk_sixel_frame_end(t->sx);
	refresh();
	drain(t); /* ncurses' bytes */
	pk_error err;
	assert_int_equal(pk_sixel_emit(t->sx, &err), 0);
	drain(t); /* the images */
	return pk_sixel_overlays(t->sx, images);
}

static void cell_at(int y, int x, wchar_t *wc, attr_t *attr, short *pair)
{
	cchar_t cc;
	wchar_t w[CCHARW_MAX + 1] = { 0 };
	assert_int_not_equal(mvwin_wch(stdscr, y, x, &cc), ERR);
	assert_int_not_equal(getcchar(&cc, w, attr, pair, NULL), ERR);
	*wc = w[0];
}

static void draw_home(void)
{
	pk_draw_text(2, 5, 60, burmese, pk_role_attr(PK_ROLE_TITLE));
	pk_draw_text(3, 0, 30, english, A_NORMAL);
	pk_draw_text(LINES - 1, 0, 10, hindi, A_NORMAL);
}

static void test_graphics_env(void **state)
{
	(void)state;
	pk_graphics g;
	assert_int_equal(pk_graphics_parse(NULL, &g), 0);
	assert_int_equal(g, PK_GRAPHICS_AUTO);
	assert_int_equal(pk_graphics_parse("", &g), 0);
	assert_int_equal(g, PK_GRAPHICS_AUTO);
	assert_int_equal(pk_graphics_parse("sixel", &g), 0);
	assert_int_equal(g, PK_GRAPHICS_SIXEL);
	assert_int_equal(pk_graphics_parse("text", &g), 0);
	assert_int_equal(g, PK_GRAPHICS_TEXT);
	assert_int_equal(pk_graphics_parse("kitty", &g), -1);
}

/* Images only on a terminal that says it draws sixel, unless told. */
static void test_when_images(void **state)
{
	(void)state;
	pk_termprobe_answer foot = foot_probe(), tmux, silent;
	memset(&tmux, 0, sizeof tmux);
	tmux.answered = true; /* DA1 without 4 */
	memset(&silent, 0, sizeof silent);
	const struct {
		const pk_termprobe_answer *probe;
		pk_graphics mode;
		bool active;
		const char *said;
	} cases[] = {
		{ &foot, PK_GRAPHICS_AUTO, true, "mode=sixel cell=11x27 colors=known" },
		{ &tmux, PK_GRAPHICS_AUTO, false, "mode=text reason=no-sixel" },
		{ &silent, PK_GRAPHICS_AUTO, false, "mode=text reason=no-answer" },
		{ NULL, PK_GRAPHICS_AUTO, false, "mode=text reason=no-answer" },
		{ &foot, PK_GRAPHICS_TEXT, false, "mode=text reason=override" },
		/* told to, on a terminal that did not say its cell: 10x20 */
		{ &tmux, PK_GRAPHICS_SIXEL, true, "mode=sixel cell=10x20 colors=guessed" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pk_sixel_options o = { .mode = cases[i].mode, .probe = cases[i].probe, .out_fd = -1 };
		pk_sixel *sx;
		pk_error err;
		char said[128];
		assert_int_equal(pk_sixel_open(&sx, &o, &err), 0);
		assert_int_equal(pk_sixel_active(sx), cases[i].active);
		assert_string_equal(pk_sixel_describe(sx, said, sizeof said), cases[i].said);
		pk_sixel_free(sx);
	}
	assert_false(pk_sixel_active(NULL));
	/* outside a frame nothing is taken */
	assert_int_equal(pk_sixel_draw_text(0, 0, 10, burmese, A_NORMAL), -1);
}

/* Burmese and Hindi runs are images over blank cells of their colours;
 * English stays text; the layout's widths do not change. */
static void test_runs_become_images(void **state)
{
	term *t = *state;
	const pk_overlay *img;
	size_t n = frame(t, draw_home, &img);
	assert_int_equal(n, 2);
	assert_int_equal(img[0].y, 2);
	assert_int_equal(img[0].x, 5);
	assert_int_equal(img[0].w, pk_text_width(burmese));
	assert_string_equal(img[0].text, burmese);
	assert_int_equal(img[0].pair, PK_ROLE_TITLE);
	assert_int_equal(img[1].y, LINES - 1);
	assert_int_equal(img[1].x, 0);
	assert_int_equal(img[1].w, pk_text_width(hindi));
	for (int x = 5; x < 5 + img[0].w; x++) {
		wchar_t wc;
		attr_t a;
		short pair;
		cell_at(2, x, &wc, &a, &pair);
		assert_int_equal(wc, L' ');
		assert_int_equal(pair, PK_ROLE_TITLE);
	}
	wchar_t wc;
	attr_t a;
	short pair;
	cell_at(3, 0, &wc, &a, &pair);
	assert_int_equal(wc, L'W');
	cell_at(2, 5 + img[0].w, &wc, &a, &pair); /* the cell after the run */
	assert_int_equal(pair, 0);
	/* pk_draw_text returns the columns the run covers */
	erase();
	pk_sixel_frame_begin(t->sx);
	assert_int_equal(pk_draw_text(5, 0, 80, burmese, A_NORMAL), pk_text_width(burmese));
	char cut[256];
	assert_int_equal(pk_draw_text(6, 0, 5, burmese, A_NORMAL),
			 pk_text_truncate(burmese, 5, cut, sizeof cut)); /* cut */
	pk_sixel_frame_end(t->sx);
}

/* After the update: each image at its cell, one cell high, in the run's
 * colours; the cursor saved and restored around them; never a scroll. */
static void test_emitted_at_the_cells(void **state)
{
	term *t = *state;
	const pk_overlay *img;
	frame(t, draw_home, &img);
	const char *s = t->sent;
	assert_true(t->nsent > 0);
	assert_memory_equal(s, "\0337\033[?8452h", 10);
	assert_non_null(find(t, NULL, "\033[?8452l\0338"));
	assert_ptr_equal(find(t, NULL, "\033[?8452l\0338"), t->sent + t->nsent - 10);
	char want[64];
	/* the title at row 3, column 6 (1-based) */
	const char *at = find(t, NULL, "\033[3;6H\033Pq");
	assert_non_null(at);
	snprintf(want, sizeof want, "\"1;1;%d;%d", img[0].w * CELL_W, CELL_H);
	const char *raster = find(t, at, want);
	assert_ptr_equal(raster, at + 9);
	/* its palette: the background (0x111111: 7 %) up to cyan ink (0x00cdcd: 80 %) */
	assert_non_null(find(t, at, "#0;2;7;7;7"));
	assert_non_null(find(t, at, ";2;0;80;80"));
	const char *st = find(t, at, "\033\\");
	assert_non_null(st);
	/* the Hindi hint on the last row, one cell high: no scroll */
	at = find(t, st, "\033[24;1H\033Pq");
	assert_non_null(at);
	snprintf(want, sizeof want, "\"1;1;%d;%d", img[1].w * CELL_W, CELL_H);
	assert_ptr_equal(find(t, at, want), at + 10);
	assert_non_null(find(t, at, "\033\\"));
	assert_null(find(t, NULL, "\033[4;1H\033P")); /* English: no image */
	/* the same frame again: ncurses writes nothing, the images stay */
	frame(t, draw_home, &img);
	assert_int_equal(t->nsent, 0);
	/* a change elsewhere on the title's row: that row's image goes out
	 * again (what ncurses writes there may cut it), the same bytes (from
	 * the cache); the hint's row is left alone */
	erase();
	pk_sixel_frame_begin(t->sx);
	draw_home();
	pk_draw_text(2, 70, 5, "12:00", A_NORMAL);
	pk_sixel_frame_end(t->sx);
	refresh();
	drain(t);
	pk_error err;
	assert_int_equal(pk_sixel_emit(t->sx, &err), 0);
	drain(t);
	assert_non_null(find(t, NULL, "\033[3;6H\033Pq"));
	assert_null(find(t, NULL, "\033[24;1H"));
}

static void draw_covered(void)
{
	pk_draw_text(2, 5, 60, burmese, A_NORMAL);
	pk_draw_text(5, 5, 60, burmese, A_NORMAL);
	pk_draw_box(5, 10, 40, 1, COLS, pk_role_attr(PK_ROLE_BAR)); /* a question over it */
	pk_draw_text(8, 0, 60, hindi, A_NORMAL);
	pk_draw_text(8, 2, 60, burmese, A_NORMAL); /* over the Hindi run */
}

static void draw_english(void)
{
	pk_draw_text(3, 0, 30, english, A_NORMAL);
}

/* A run drawn over is not an image; rows whose images go away are written
 * whole, so the terminal erases the old images. */
static void test_covered_and_gone(void **state)
{
	term *t = *state;
	const pk_overlay *img;
	size_t n = frame(t, draw_covered, &img);
	assert_int_equal(n, 2);
	assert_int_equal(img[0].y, 2);
	assert_int_equal(img[1].y, 8);
	assert_int_equal(img[1].x, 2);
	assert_null(find(t, NULL, "\033[6;")); /* the box's row: no image */
	/* now English only: rows 3 and 9 (1-based) are rewritten although
	 * their cells stay blank */
	erase();
	pk_sixel_frame_begin(t->sx);
	draw_english();
	pk_sixel_frame_end(t->sx);
	assert_true(is_linetouched(curscr, 2));
	assert_true(is_linetouched(curscr, 8));
	assert_false(is_linetouched(curscr, 12));
	refresh();
	drain(t);
	pk_error err;
	assert_int_equal(pk_sixel_emit(t->sx, &err), 0);
	assert_int_equal(pk_sixel_overlays(t->sx, &img), 0);
	/* and the same English frame once more: nothing to rewrite */
	erase();
	pk_sixel_frame_begin(t->sx);
	draw_english();
	pk_sixel_frame_end(t->sx);
	assert_false(is_linetouched(curscr, 2));
	refresh();
	assert_int_equal(pk_sixel_emit(t->sx, &err), 0);
}

/* Colours the terminal did not say: ink on a transparent background
 * (P2 = 1), so the cells' own background shows. */
static void test_unknown_background(void **state)
{
	term *t = *state;
	const pk_overlay *img;
	size_t n = frame(t, draw_home, &img);
	assert_int_equal(n, 2);
	const char *at = find(t, NULL, "\033[24;1H");
	assert_non_null(at);
	assert_memory_equal(at + 7, "\033P0;1;0q\"1;1;", 13);
	assert_non_null(find(t, at, "\033\\"));
}

static int setup_unknown(void **state)
{
	pk_termprobe_answer a = foot_probe();
	a.have_fg = a.have_bg = false;
	return setup_with(state, &a, PK_GRAPHICS_AUTO);
}

/* A terminal without sixel: everything is text, nothing is sent. */
static void test_text_terminal(void **state)
{
	term *t = *state;
	const pk_overlay *img;
	erase();
	pk_sixel_frame_begin(t->sx);
	draw_home();
	pk_sixel_frame_end(t->sx);
	refresh();
	drain(t);
	assert_non_null(find(t, NULL, "\xe0\xa4\xad")); /* भ went out as text */
	pk_error err;
	assert_int_equal(pk_sixel_emit(t->sx, &err), 0);
	assert_int_equal(drain(t)[0], '\0');
	assert_int_equal(pk_sixel_overlays(t->sx, &img), 0);
}

static int setup_tmux(void **state)
{
	pk_termprobe_answer a;
	memset(&a, 0, sizeof a);
	a.answered = true;
	return setup_with(state, &a, PK_GRAPHICS_AUTO);
}

/* The test hook: image runs keep their text in "run" lines, and an "img"
 * line after the row's runs says which they are. */
static void test_hook_reports_text(void **state)
{
	term *t = *state;
	snprintf(t->hook, sizeof t->hook, "/tmp/pk-sixel-hook-XXXXXX");
	int fd = mkstemp(t->hook);
	assert_true(fd >= 0);
	close(fd);
	setenv("PAYKIOSK_TEST_HOOK", t->hook, 1);
	pk_testhook *h;
	pk_error err;
	assert_int_equal(pk_testhook_open(&h, &err), 0);
	unsetenv("PAYKIOSK_TEST_HOOK");
	const pk_overlay *img;
	size_t n = frame(t, draw_home, &img);
	pk_testhook_frame(h, 1, 0, "home", NULL, img, n);
	pk_testhook_close(h);
	FILE *f = fopen(t->hook, "r");
	assert_non_null(f);
	char report[8192];
	size_t len = fread(report, 1, sizeof report - 1, f);
	fclose(f);
	report[len] = '\0';
	char want[256];
	int w = pk_text_width(burmese);
	snprintf(want, sizeof want, "run 2 5 %d %s\nimg 2 5 %d %s\nrun 3 0 13 %s\n", w, burmese,
		 w, burmese, english);
	assert_non_null(strstr(report, want));
	snprintf(want, sizeof want, "run 23 0 %d %s\nimg 23 0 %d %s\nend 1\n",
		 pk_text_width(hindi), hindi, pk_text_width(hindi), hindi);
	assert_non_null(strstr(report, want));
	assert_null(strstr(report, "img 3 "));
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graphics_env),
		cmocka_unit_test(test_when_images),
		cmocka_unit_test_setup_teardown(test_runs_become_images, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emitted_at_the_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_covered_and_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_background, setup_unknown, teardown),
		cmocka_unit_test_setup_teardown(test_text_terminal, setup_tmux, teardown),
		cmocka_unit_test_setup_teardown(test_hook_reports_text, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
