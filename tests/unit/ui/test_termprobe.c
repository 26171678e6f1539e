/* test_termprobe.c - the start-up questions to the terminal, against a
 * pseudo-terminal whose other side plays a terminal: one that answers
 * everything (sizes, colours, and the samples' widths as foot gives them
 * under grapheme-width-method=max), one that does not answer at all (it
 * is asked DA1 and nothing more), one that only answers DA1, one still
 * starting (its first answer late), one that stops half-way, one that
 * answers a byte at a time, and one whose user types while it answers.
 * The terminal's modes are as they were afterwards.  Also the parser
 * alone, and a descriptor that is no terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "layout/text.h"
#include "ui/termprobe.h"

typedef enum behaviour {
	ANSWERS,    /* everything, at once */
	SILENT,     /* nothing */
	DA1_ONLY,   /* no cursor reports, no cell size (an old terminal) */
	LATE_START, /* its first answer after 300 ms (a terminal starting) */
	STALLS,     /* the baseline and two widths, then 500 ms nothing */
	BYTEWISE,   /* every answer a byte at a time */
	TYPED,      /* "12" and an arrow key typed before the answers */
} behaviour;

typedef struct fake {
	int master;
	behaviour how;
	pthread_t thread;
	int questions;     /* cursor reports asked */
	char got[16384];   /* every byte the probe sent */
	size_t ngot;
} fake;

/* foot 1.13.1, grapheme-width-method=max: what it answered for these */
static int width_of(const char *text, size_t n)
{
	static const struct {
		const char *text;
		int width;
	} known[] = {
		{ "က", 1 }, { "ငွေ", 1 }, { "ချေ", 1 }, { "က္က", 2 },
		{ "क", 1 }, { "का", 1 }, { "कीः", 1 }, { "क्ष", 2 },
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].text) == n && memcmp(known[i].text, text, n) == 0)
			return known[i].width;
	/* anything else: its spacing code points */
	int w = 0;
	mbstate_t st = { 0 };

	for (size_t pos = 0; pos < n;) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, text + pos, n - pos, &st);

		if (r == 0 || r > n - pos)
			break;
		w += wcwidth(wc) > 0 ? wcwidth(wc) : 0;
		pos += r;
	}
	return w;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void answer(fake *f, const char *s)
{
	size_t n = strlen(s);

	/* (no cmocka asserts off the test's thread: a short write shows as
	 * a width or answer missing in the test) */
	if (f->how == SILENT)
		return;
	if (f->how == BYTEWISE) {
		for (size_t i = 0; i < n; i++)
			if (write(f->master, s + i, 1) != 1)
				return;
		return;
	}
	if (write(f->master, s, n) != (ssize_t)n)
		return;
}

/* Answer one round of questions q[0..len), keeping the column. */
static void answer_round(fake *f, const char *q, size_t len, int round)
{
	int col = 0;
	size_t text = 0, i = 0;
	char reply[64];

	if (f->how == LATE_START && round == 1)
		pause_ms(300);
	if (f->how == TYPED && round == 1)
		answer(f, "12\x1b[A");
	while (i < len) {
		if (q[i] == '\x1b' && i + 1 < len && q[i + 1] == ']') {
			/* OSC n ; ? ST: answer the colour asked */
			size_t j = i + 2;

			while (j < len && q[j] != '\x1b')
				j++;
			char what[32] = { 0 };

			memcpy(what, q + i + 2, j - i - 2 < 31 ? j - i - 2 : 31);
			if (f->how != DA1_ONLY) {
				if (!strcmp(what, "10;?"))
					answer(f, "\x1b]10;rgb:ffff/ffff/ffff\x1b\\");
				else if (!strcmp(what, "11;?"))
					answer(f, "\x1b]11;rgb:1111/1111/1111\a");
				else if (!strcmp(what, "4;1;?"))
					answer(f, "\x1b]4;1;rgb:cd/00/00\x1b\\");
			}
			i = text = j + 2;
			continue;
		}
		if (q[i] == '\r' || q[i] == '\x1b') {
			col += width_of(q + text, i - text);
			if (q[i] == '\r') {
				col = 0;
				text = ++i;
				continue;
			}
			size_t j = i + 2; /* ESC [ params final */

			while (j < len && !(q[j] >= 0x40 && q[j] <= 0x7E))
				j++;
			char fin = q[j];

			if (fin == 'n' && f->how != DA1_ONLY) {
				f->questions++;
				snprintf(reply, sizeof reply, "\x1b[1;%dR", col + 1);
				answer(f, reply);
				if (f->how == STALLS && f->questions == 3)
					pause_ms(500);
			} else if (fin == 't' && f->how != DA1_ONLY) {
				answer(f, q[i + 2] == '1' && q[i + 3] == '6' ? "\x1b[6;27;11t"
									   : "\x1b[4;648;1280t");
			} else if (fin == 'c') {
				answer(f, "\x1b[?62;4;22c");
			}
			i = text = j + 1;
			continue;
		}
		i++;
	}
}

/* Read the questions, round by round (each ends with DA1), answer. */
static void *terminal(void *arg)
{
	fake *f = arg;
	size_t from = 0;

	for (int round = 1; round <= 2 && f->ngot < sizeof f->got;) {
		struct pollfd p = { .fd = f->master, .events = POLLIN };

		if (poll(&p, 1, 1500) <= 0)
			break;
		ssize_t r = read(f->master, f->got + f->ngot, sizeof f->got - f->ngot);

		if (r <= 0)
			break;
		f->ngot += (size_t)r;
		if (f->ngot - from >= 3 && memcmp(f->got + f->ngot - 3, "\x1b[c", 3) == 0) {
			answer_round(f, f->got + from, f->ngot - from, round);
			from = f->ngot;
			round++;
		}
	}
	return NULL;
}

typedef struct pty {
	int master, slave;
	fake f;
} pty;

static void pty_open(pty *p, behaviour how)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	assert_int_equal(openpty(&p->master, &p->slave, NULL, NULL, &ws), 0);
	p->f = (fake){ .master = p->master, .how = how };
	assert_int_equal(pthread_create(&p->f.thread, NULL, terminal, &p->f), 0);
}

static void pty_close(pty *p)
{
	pthread_join(p->f.thread, NULL);
	close(p->slave);
	close(p->master);
}

typedef struct probe {
	const char *const *samples;
	size_t n;
	int widths[16];
	pk_termprobe_ask ask;
	pk_termprobe_answer ans;
	pk_error err;
	long long ms;
} probe;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run(pty *p, probe *pr, int timeout_ms)
{
	struct termios before, after;

	pr->n = pk_text_model_samples(&pr->samples);
	assert_true(pr->n <= 16);
	pr->ask = (pk_termprobe_ask){ .cell_size = true, .text_area = true, .colors = true,
				      .clusters = pr->samples, .n_clusters = pr->n,
				      .widths = pr->widths };
	assert_int_equal(tcgetattr(p->slave, &before), 0);
	long long t0 = now_ms();
	int rc = pk_termprobe_run(p->slave, p->slave, &pr->ask, &pr->ans, timeout_ms, &pr->err);

	pr->ms = now_ms() - t0;
	/* the terminal is as it was: line editing and echo back on */
	assert_int_equal(tcgetattr(p->slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_true(after.c_lflag & ICANON);
	assert_true(after.c_lflag & ECHO);
	return rc;
}

static const int foot_max[8] = { 1, 1, 1, 2, 1, 1, 1, 2 };

static void test_answers(void **state)
{
	static const behaviour hows[] = { ANSWERS, BYTEWISE, TYPED, LATE_START };

	(void)state;
	for (size_t h = 0; h < sizeof hows / sizeof hows[0]; h++) {
		pty p;
		probe pr;

		pty_open(&p, hows[h]);
		assert_int_equal(run(&p, &pr, PK_TERMPROBE_TIMEOUT_MS), 0);
		pty_close(&p);
		assert_true(pr.ans.answered);
		assert_true(pr.ans.sixel);
		assert_int_equal(pr.ans.n_da1, 3);
		assert_int_equal(pr.ans.da1[0], 62);
		assert_int_equal(pr.ans.cell_w, 11);
		assert_int_equal(pr.ans.cell_h, 27);
		assert_int_equal(pr.ans.win_w, 1280);
		assert_int_equal(pr.ans.win_h, 648);
		assert_true(pr.ans.have_fg && pr.ans.have_bg);
		assert_int_equal(pr.ans.fg, 0xFFFFFF);
		assert_int_equal(pr.ans.bg, 0x111111);
		assert_int_equal(pr.ans.have_palette, 1u << 1);
		assert_int_equal(pr.ans.palette[1], 0xCD0000);
		assert_int_equal(pr.ans.measured, pr.n);
		assert_memory_equal(pr.widths, foot_max, sizeof foot_max);
		/* done at the fence, not at a deadline */
		assert_true(pr.ms < PK_TERMPROBE_TIMEOUT_MS + (hows[h] == LATE_START ? 300 : 0));
		if (hows[h] == LATE_START)
			assert_true(pr.ans.elapsed_ms >= 300);
	}
}

static void test_silent(void **state)
{
	pty p;
	probe pr;

	(void)state;
	pty_open(&p, SILENT);
	assert_int_equal(run(&p, &pr, 200), 0);
	pty_close(&p);
	/* asked DA1 and nothing more: no sample printed, no late answers */
	assert_int_equal(p.f.ngot, 3);
	assert_memory_equal(p.f.got, "\x1b[c", 3);
	assert_false(pr.ans.answered);
	assert_false(pr.ans.sixel);
	assert_int_equal(pr.ans.cell_w, 0);
	assert_int_equal(pr.ans.measured, 0);
	for (size_t i = 0; i < pr.n; i++)
		assert_int_equal(pr.widths[i], -1);
	/* given up at the deadline, not much after */
	assert_true(pr.ms >= 190 && pr.ms < PK_TERMPROBE_TIMEOUT_MS);
}

static void test_da1_only(void **state)
{
	pty p;
	probe pr;

	(void)state;
	pty_open(&p, DA1_ONLY);
	assert_int_equal(run(&p, &pr, PK_TERMPROBE_TIMEOUT_MS), 0);
	pty_close(&p);
	assert_true(pr.ans.answered);
	assert_true(pr.ans.sixel);
	assert_int_equal(pr.ans.cell_w, 0);
	assert_false(pr.ans.have_fg);
	assert_int_equal(pr.ans.measured, 0);
	assert_true(pr.ms < PK_TERMPROBE_TIMEOUT_MS);
}

/* Stopped half-way through round 2: the widths that came are kept, the
 * wait ends a gap after the last answer (not at the first-answer
 * deadline). */
static void test_stalls(void **state)
{
	pty p;
	probe pr;

	(void)state;
	pty_open(&p, STALLS);
	assert_int_equal(run(&p, &pr, PK_TERMPROBE_TIMEOUT_MS), 0);
	assert_true(pr.ans.answered); /* round 1 */
	assert_int_equal(pr.ans.measured, 2);
	assert_int_equal(pr.widths[0], 1);
	assert_int_equal(pr.widths[1], 1);
	for (size_t i = 2; i < pr.n; i++)
		assert_int_equal(pr.widths[i], -1);
	assert_true(pr.ms >= PK_TERMPROBE_GAP_MS && pr.ms < 500); /* the stall is 500 ms */
	pty_close(&p);
}

/* The kiosk's one call: the model the answers give is in use. */
static void test_startup_installs_model(void **state)
{
	pty p;
	pk_termprobe_answer ans;
	pk_error err = { 0 };
	char model[64];

	(void)state;
	pty_open(&p, ANSWERS);
	assert_int_equal(pk_termprobe_startup(p.slave, p.slave, PK_TERMPROBE_TIMEOUT_MS, &ans, model,
					      sizeof model, &err),
			 0);
	pty_close(&p);
	assert_true(ans.sixel);
	assert_string_equal(model, "my 1/1/1+0 hi 1/1/1+0");
	assert_int_equal(pk_text_width("ချေ"), 1); /* foot "max": one column */
	assert_int_equal(pk_text_width("भाषा"), 2);
	pk_text_use_model(NULL);
	assert_int_equal(pk_text_width("ချေ"), 3);

	/* no terminal: the default model, and an error to log */
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	pk_text_model m, d;

	pk_text_model_default(&d);
	assert_int_equal(pk_termprobe_startup(fds[0], fds[1], 200, &ans, NULL, 0, &err), -1);
	assert_int_equal(err.kind, PK_ERR_IO);
	assert_false(ans.answered);
	pk_text_model_in_use(&m);
	assert_memory_equal(&m, &d, sizeof m);
	close(fds[0]);
	close(fds[1]);
}

static void test_parse(void **state)
{
	int w[3];
	const char *const cl[3] = { "a", "b", "c" };
	pk_termprobe_ask ask = { .clusters = cl, .n_clusters = 3, .widths = w };
	pk_termprobe_answer a;
	const char *in;

	(void)state;
	/* baseline at column 5, then 6, 8; typed text, an arrow key and a
	 * report with a private mark around them are not answers */
	in = "x\x1b[1;5R\x1b[A\x1b[2;6R\x1b[?1;9;1Rzz\x1b[2;8R\x1b[6;30;12t\x1b[?1;2c";
	assert_int_equal(pk_termprobe_parse(in, strlen(in), &ask, &a), 1);
	assert_int_equal(w[0], 1);
	assert_int_equal(w[1], 3);
	assert_int_equal(w[2], -1);
	assert_int_equal(a.measured, 2);
	assert_int_equal(a.cell_w, 12);
	assert_int_equal(a.cell_h, 30);
	assert_int_equal(a.win_w, 0);
	assert_true(a.answered);
	assert_false(a.sixel); /* VT100 with AVO: no 4 */
	assert_int_equal(a.n_da1, 2);
	/* no DA1 yet; a cut sequence waits */
	in = "\x1b[1;1R\x1b[1;2";
	assert_int_equal(pk_termprobe_parse(in, strlen(in), &ask, &a), 0);
	assert_int_equal(w[0], -1);
	assert_false(a.answered);
	/* a column left of the baseline is no width; two DA1 answers */
	in = "\x1b[?65;4;6c\x1b[1;5R\x1b[1;3R\x1b[?65;4;6c";
	assert_int_equal(pk_termprobe_parse(in, strlen(in), &ask, &a), 2);
	assert_int_equal(w[0], -1);
	assert_int_equal(a.measured, 0);
	assert_true(a.sixel);
	/* colours: ST or BEL ends them, 1 to 4 hex digits a component; the
	 * text area; what is not a colour is left */
	in = "\x1b]10;rgb:ff/80/0\x1b\\\x1b]11;rgb:0000/8000/ffff\a\x1b]4;15;rgb:fff/fff/fff\a"
	     "\x1b]4;16;rgb:1/1/1\a\x1b]4;2;rgbx\a\x1b[4;720;1280t\x1b]10;rgb:1/2";
	assert_int_equal(pk_termprobe_parse(in, strlen(in), &ask, &a), 0);
	assert_true(a.have_fg && a.have_bg);
	assert_int_equal(a.fg, 0xFF8000);
	assert_int_equal(a.bg, 0x0080FF);
	assert_int_equal(a.have_palette, 1u << 15);
	assert_int_equal(a.palette[15], 0xFFFFFF);
	assert_int_equal(a.win_w, 1280);
	assert_int_equal(a.win_h, 720);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_da1_only),
		cmocka_unit_test(test_stalls),
		cmocka_unit_test(test_startup_installs_model),
		cmocka_unit_test(test_parse),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
