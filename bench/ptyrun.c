/* ptyrun.c - start-up time of a full-screen program: run it RUNS times on a
 * fresh pseudo-terminal of COLS x ROWS and time exec -> exit (the program is
 * expected to draw one frame and leave, e.g. paykiosk
 * --exit-after-first-frame), draining what it writes like a terminal would.
 *   ptyrun RUNS COLS ROWS PROGRAM [ARGS...]
 * It also answers as every terminal does (a bare pty answers nothing, and
 * a program that asks its terminal about itself would wait for its
 * time-out instead): primary device attributes (CSI c, CSI 0 c) with
 * "CSI ? 62 ; 22 c" (a VT220-class terminal with colour, no sixel, as
 * tmux says) and cursor-position requests (CSI 6 n) with the row and
 * column its output put the cursor at (printable characters advance it by
 * their wcwidth in a UTF-8 locale, CR returns it, LF moves down; enough
 * for text written on one line).  Every other question (window ops CSI t,
 * OSC colours) goes unanswered, as on many terminals.
 * Prints:
 *   ptyrun runs=N p50_ms=A p90_ms=B max_ms=C min_ms=D first_output_p50_ms=E bytes=F cpu_p50_ms=G
 * (G: the program's own CPU time, user + system, from wait4: less
 * sensitive than the wall-clock times to other work on a loaded machine)
 * Exits 1 if any run fails (exit status not 0, or killed). */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

/* What ptyrun knows of the screen and of the escape sequence being read. */
typedef struct term {
	int rows, cols;
	int row, col;            /* 1-based, as CSI 6n reports them */
	int state;               /* 0 text, 1 after ESC, 2 in CSI, 3 in OSC, 4 OSC after ESC */
	char csi[32];
	size_t csi_len;
	mbstate_t mb;
} term;

static void answer(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the program went away */
		s += w;
		n -= (size_t)w;
	}
}

/* A complete CSI (parameters in t->csi, final byte fin). */
static void on_csi(term *t, int fd, char fin)
{
	char out[64];
	int n;

	t->csi[t->csi_len] = '\0';
	if (fin == 'c' && (t->csi_len == 0 || strcmp(t->csi, "0") == 0)) {
		static const char da1[] = "\x1b[?62;22c";

		answer(fd, da1, sizeof da1 - 1);
	} else if (fin == 'n' && strcmp(t->csi, "6") == 0) {
		n = snprintf(out, sizeof out, "\x1b[%d;%dR", t->row, t->col);
		answer(fd, out, (size_t)n);
	} else if (fin == 'H' || fin == 'f') {
		int r = 1, c = 1;

		if (sscanf(t->csi, "%d;%d", &r, &c) < 1)
			r = 1;
		t->row = r < 1 ? 1 : r > t->rows ? t->rows : r;
		t->col = c < 1 ? 1 : c > t->cols ? t->cols : c;
	}
}

/* Feed what the program wrote; answer its questions on fd. */
static void feed(term *t, int fd, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		switch (t->state) {
		case 1:
			t->state = c == '[' ? 2 : c == ']' ? 3 : 0;
			t->csi_len = 0;
			continue;
		case 2:
			if (c >= 0x40 && c <= 0x7E) {
				on_csi(t, fd, (char)c);
				t->state = 0;
			} else if (t->csi_len + 1 < sizeof t->csi) {
				t->csi[t->csi_len++] = (char)c;
			}
			continue;
		case 3:
			t->state = c == '\a' ? 0 : c == 0x1b ? 4 : 3;
			continue;
		case 4:
			t->state = c == '\\' ? 0 : 3;
			continue;
		default:
			break;
		}
		if (c == 0x1b) {
			t->state = 1;
		} else if (c == '\r') {
			t->col = 1;
		} else if (c == '\n') {
			t->row = t->row < t->rows ? t->row + 1 : t->rows;
		} else if (c >= 0x20) {
			wchar_t wc;
			size_t k = mbrtowc(&wc, (const char *)&buf[i], 1, &t->mb);

			if (k == (size_t)-1) {
				memset(&t->mb, 0, sizeof t->mb);
			} else if (k != (size_t)-2) {
				int w = wcwidth(wc);

				if (w > 0)
					t->col = t->col + w <= t->cols ? t->col + w : t->cols;
			}
		}
	}
}

/* One run: total, first-output and CPU times in ms, bytes read; -1 on
 * failure. */
static int one_run(char **cmd, int cols, int rows, double *total, double *first,
		   double *cpu, size_t *bytes)
{
	struct rusage ru;
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	char buf[65536];
	int fd, status = 0;
	double t0 = now_ms(), deadline = t0 + 10000;
	pid_t pid = forkpty(&fd, NULL, NULL, &ws);

	if (pid < 0) {
		perror("ptyrun: forkpty");
		return -1;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	term t = { .rows = rows, .cols = cols, .row = 1, .col = 1 };

	*first = -1;
	*bytes = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 100);
		ssize_t n;

		if (now_ms() > deadline) {
			fprintf(stderr, "ptyrun: %s did not exit within 10 s\n", cmd[0]);
			kill(pid, SIGKILL);
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break; /* EIO: the child side closed */
		if (*first < 0)
			*first = now_ms() - t0;
		*bytes += (size_t)n;
		feed(&t, fd, buf, (size_t)n);
	}
	wait4(pid, &status, 0, &ru);
	*total = now_ms() - t0;
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	close(fd);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "ptyrun: %s failed (status %d)\n", cmd[0], status);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int runs, cols, rows;
	double *tot, *fst, *cpu;
	size_t bytes = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: ptyrun RUNS COLS ROWS PROGRAM [ARGS...]\n");
		return 2;
	}
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	runs = atoi(argv[1]);
	cols = atoi(argv[2]);
	rows = atoi(argv[3]);
	if (runs < 1 || cols < 1 || rows < 1)
		return 2;
	tot = calloc((size_t)runs, sizeof *tot);
	fst = calloc((size_t)runs, sizeof *fst);
	cpu = calloc((size_t)runs, sizeof *cpu);
	if (!tot || !fst || !cpu)
		return 1;
	for (int i = 0; i < runs; i++) {
		if (one_run(argv + 4, cols, rows, &tot[i], &fst[i], &cpu[i], &bytes) < 0) {
			free(tot);
			free(fst);
			free(cpu);
			return 1;
		}
	}
	qsort(tot, (size_t)runs, sizeof *tot, cmp_double);
	qsort(fst, (size_t)runs, sizeof *fst, cmp_double);
	qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
	printf("ptyrun runs=%d p50_ms=%.2f p90_ms=%.2f max_ms=%.2f min_ms=%.2f "
	       "first_output_p50_ms=%.2f bytes=%zu cpu_p50_ms=%.2f\n",
	       runs, pct(tot, runs, 0.5), pct(tot, runs, 0.9), tot[runs - 1], tot[0],
	       pct(fst, runs, 0.5), bytes, pct(cpu, runs, 0.5));
	free(tot);
	free(fst);
	free(cpu);
	return 0;
}
