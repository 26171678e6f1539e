/* ptyrun.c - start-up time of a full-screen program: run it RUNS times on a
 * fresh pseudo-terminal of COLS x ROWS and time exec -> exit (the program is
 * expected to draw one frame and leave, e.g. paykiosk
 * --exit-after-first-frame), draining what it writes like a terminal would.
 *   ptyrun RUNS COLS ROWS PROGRAM [ARGS...]
 * Prints:
 *   ptyrun runs=N p50_ms=A p90_ms=B max_ms=C min_ms=D first_output_p50_ms=E bytes=F
 * Exits 1 if any run fails (exit status not 0, or killed). */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* One run: total and first-output times in ms, bytes read; -1 on failure. */
static int one_run(char **cmd, int cols, int rows, double *total, double *first,
		   size_t *bytes)
{
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
	}
	waitpid(pid, &status, 0);
	*total = now_ms() - t0;
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
	double *tot, *fst;
	size_t bytes = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: ptyrun RUNS COLS ROWS PROGRAM [ARGS...]\n");
		return 2;
	}
	runs = atoi(argv[1]);
	cols = atoi(argv[2]);
	rows = atoi(argv[3]);
	if (runs < 1 || cols < 1 || rows < 1)
		return 2;
	tot = calloc((size_t)runs, sizeof *tot);
	fst = calloc((size_t)runs, sizeof *fst);
	if (!tot || !fst)
		return 1;
	for (int i = 0; i < runs; i++) {
		if (one_run(argv + 4, cols, rows, &tot[i], &fst[i], &bytes) < 0) {
			free(tot);
			free(fst);
			return 1;
		}
	}
	qsort(tot, (size_t)runs, sizeof *tot, cmp_double);
	qsort(fst, (size_t)runs, sizeof *fst, cmp_double);
	printf("ptyrun runs=%d p50_ms=%.2f p90_ms=%.2f max_ms=%.2f min_ms=%.2f "
	       "first_output_p50_ms=%.2f bytes=%zu\n",
	       runs, pct(tot, runs, 0.5), pct(tot, runs, 0.9), tot[runs - 1], tot[0],
	       pct(fst, runs, 0.5), bytes);
	free(tot);
	free(fst);
	return 0;
}
