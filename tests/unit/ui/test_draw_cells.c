/* test_draw_cells.c - the cell-writing loop (ui/draw.c) with a real
 * ncurses on a pseudo-terminal, reading back both what ncurses holds and
 * the bytes it sent to the terminal:
 * - under foot's "max" width model a Burmese cluster is one cell holding
 *   all its code points, ncurses' cursor moves by the model's width, and
 *   the line goes out as one unbroken run of bytes;
 * - when only a later cell of a cluster changes, ncurses still sends the
 *   whole cluster (a part alone is drawn by the terminal as a broken
 *   cluster); when nothing changed it sends nothing. */
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
#include "ui/draw.h"

typedef struct term {
	int master, slave;
	FILE *out, *in;
	SCREEN *scr;
	char sent[65536];
	size_t nsent;
} term;

static const int foot_max[8] = { 1, 1, 1, 2, 1, 1, 1, 2 };
static const int foot_double[8] = { 1, 2, 2, 2, 1, 2, 2, 2 };

static void use(const int *answers)
{
	pk_text_model m;

	if (answers) {
		pk_text_model_from_widths(&m, answers, 8);
		pk_text_use_model(&m);
	} else {
		pk_text_use_model(NULL);
	}
}

static int setup(void **state)
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
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	term *t = *state;

	endwin();
	delscreen(t->scr);
	fclose(t->out);
	fclose(t->in);
	close(t->slave);
	close(t->master);
	free(t);
	pk_text_use_model(NULL);
	return 0;
}

/* refresh, then what ncurses sent (it is all in the pty once refresh
 * returns) */
static const char *update(term *t)
{
	ssize_t r;

	refresh();
	t->nsent = 0;
	while ((r = read(t->master, t->sent + t->nsent, sizeof t->sent - 1 - t->nsent)) > 0)
		t->nsent += (size_t)r;
	t->sent[t->nsent] = '\0';
	return t->sent;
}

static bool sent(term *t, const char *bytes)
{
	size_t n = strlen(bytes);

	for (size_t i = 0; i + n <= t->nsent; i++)
		if (memcmp(t->sent + i, bytes, n) == 0)
			return true;
	return false;
}

/* The code points of the cell at (y, x), as UTF-8. */
static void cell(int y, int x, char *out, size_t len)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1] = { 0 };
	attr_t a;
	short pair;
	size_t off = 0;

	assert_int_not_equal(mvin_wch(y, x, &cc), ERR);
	assert_int_not_equal(getcchar(&cc, wch, &a, &pair, NULL), ERR);
	for (int i = 0; wch[i] && i < CCHARW_MAX; i++) {
		char mb[8];
		int n = wctomb(mb, wch[i]);

		assert_true(n > 0 && off + (size_t)n < len);
		memcpy(out + off, mb, (size_t)n);
		off += (size_t)n;
	}
	out[off] = '\0';
}

static void test_packed_clusters(void **state)
{
	term *t = *state;
	char c[64];
	const char *text = "ငွေပေးချေမှု";

	use(foot_max);
	update(t);
	/* ငွေ | ပေ | း | ချေ | မှု: 5 columns, 5 cells */
	assert_int_equal(pk_draw_text(2, 4, 40, text, A_BOLD), 5);
	assert_int_equal(getcurx(stdscr), 4 + 5);
	cell(2, 4, c, sizeof c);
	assert_string_equal(c, "ငွေ");
	cell(2, 5, c, sizeof c);
	assert_string_equal(c, "ပေ");
	cell(2, 6, c, sizeof c);
	assert_string_equal(c, "း");
	cell(2, 7, c, sizeof c);
	assert_string_equal(c, "ချေ");
	cell(2, 8, c, sizeof c);
	assert_string_equal(c, "မှု");
	/* the attribute is on every cell */
	assert_true(mvinch(2, 7) & A_BOLD);
	/* sent as one run, in the text's order */
	update(t);
	assert_true(sent(t, text));

	/* Hindi: भा | षा under "max" */
	assert_int_equal(pk_draw_text(3, 0, 40, "भाषा", A_NORMAL), 2);
	cell(3, 0, c, sizeof c);
	assert_string_equal(c, "भा");
	cell(3, 1, c, sizeof c);
	assert_string_equal(c, "षा");
	update(t);
	assert_true(sent(t, "भाषा"));

	/* cut to fit with whole clusters */
	assert_int_equal(pk_draw_text(4, 0, 3, text, A_NORMAL), 2);
	cell(4, 1, c, sizeof c);
	assert_string_equal(c, "\xe2\x80\xa6");
}

/* Under the default model ncurses splits a cluster by itself (each
 * spacing code point a cell), as the terminal counts it. */
static void test_natural_cells(void **state)
{
	term *t = *state;
	char c[64];

	use(NULL);
	assert_int_equal(pk_draw_text(5, 0, 40, "ငွေ", A_NORMAL), 2);
	cell(5, 0, c, sizeof c);
	assert_string_equal(c, "ငွ");
	cell(5, 1, c, sizeof c);
	assert_string_equal(c, "ေ");
	update(t);
	assert_true(sent(t, "ငွေ"));
}

/* Only a later cell of a cluster changes: the cluster goes out whole;
 * nothing changes: nothing goes out. */
static void test_changed_part_sends_cluster(void **state)
{
	term *t = *state;

	/* foot "double-width": ကြေး is က | ြေ | း */
	use(foot_double);
	pk_draw_text(7, 10, 20, "ကြေး", A_NORMAL);
	update(t);
	assert_true(sent(t, "ကြေး"));
	pk_draw_text(7, 10, 20, "ကျေး", A_NORMAL); /* က | ျေ | း: the middle cell */
	update(t);
	assert_true(sent(t, "ကျေး"));
	pk_draw_text(7, 10, 20, "ကျေး", A_NORMAL);
	update(t);
	assert_false(sent(t, "ျ"));

	/* the default: ငွ | ေ becomes ငွ | ာ */
	use(NULL);
	pk_draw_text(8, 0, 20, "ငွေ", A_NORMAL);
	update(t);
	pk_draw_text(8, 0, 20, "ငွာ", A_NORMAL);
	update(t);
	assert_true(sent(t, "ငွာ"));
	/* Hindi: कि becomes की (the sign alone changed) */
	pk_draw_text(9, 0, 20, "किताब", A_NORMAL);
	update(t);
	pk_draw_text(9, 0, 20, "कीताब", A_NORMAL);
	update(t);
	assert_true(sent(t, "की"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_packed_clusters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_natural_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_part_sends_cluster, setup, teardown),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
