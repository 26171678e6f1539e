/* test_cli_qr.c - `paykiosk qr` (pk_cmd_qr) driven directly, so it is
 * tested before the kiosk's main.c exists: its stdout is captured and the
 * printed code is scanned with zbarimg.  tests/integration/qr_cli.sh does
 * the same through the real binary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../../src/cli_qr.c"
#include "scan_util.c"

static const char spec_example[] =
	"upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987";

static char *slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	assert_non_null(buf);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

typedef struct run { int status; char *out, *err; } run;

/* pk_cmd_qr with stdout and stderr going to temporary files (not a tty). */
static run run_qr(int argc, char **argv)
{
	char opath[] = "/tmp/pk_cli_qr_out_XXXXXX", epath[] = "/tmp/pk_cli_qr_err_XXXXXX";
	int ofd = mkstemp(opath), efd = mkstemp(epath);
	int save_out = dup(1), save_err = dup(2);
	run r;

	assert_true(ofd >= 0 && efd >= 0 && save_out >= 0 && save_err >= 0);
	fflush(stdout);
	fflush(stderr);
	dup2(ofd, 1);
	dup2(efd, 2);
	r.status = pk_cmd_qr(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(save_out, 1);
	dup2(save_err, 2);
	close(save_out);
	close(save_err);
	r.out = slurp_fd(ofd);
	r.err = slurp_fd(efd);
	close(ofd);
	close(efd);
	unlink(opath);
	unlink(epath);
	return r;
}

static void run_free(run *r)
{
	free(r->out);
	free(r->err);
}

static void test_plain_scans(void **state)
{
	char *argv[] = { "qr", (char *)spec_example, NULL };
	run r = run_qr(2, argv);
	int cols = 0, rows = 0;

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	/* not a tty: no colour codes */
	assert_null(strchr(r.out, '\033'));
	char *got = scan_rendered(r.out, &cols, &rows);
	assert_non_null(got);
	assert_string_equal(got, spec_example);
	/* unlimited: ECC M, smallest version (90 bytes at M: version 6 =
	 * 41 modules), quiet zone 4 */
	assert_int_equal(cols, 41 + 8);
	/* the first two rows are the quiet zone: all blank */
	for (int i = 0; i < 49; i++)
		assert_int_equal(r.out[i], ' ');
	assert_int_equal(r.out[49], '\n');
	free(got);
	run_free(&r);
}

static void test_app_and_ecc(void **state)
{
	char *argv[] = { "qr", "--app", "paytm", "--ecc", "H", (char *)spec_example, NULL };
	run r = run_qr(6, argv);
	int cols = 0, rows = 0;

	(void)state;
	assert_int_equal(r.status, 0);
	char *got = scan_rendered(r.out, &cols, &rows);
	assert_non_null(got);
	assert_string_equal(got,
		"paytmmp://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987");
	/* 96 bytes at ECC H needs version 9 (53 modules) */
	assert_int_equal(cols, 53 + 8);
	free(got);
	run_free(&r);

	char *argv2[] = { "qr", "--app=gpay", "--no-color", (char *)spec_example, NULL };
	r = run_qr(4, argv2);
	assert_int_equal(r.status, 0);
	got = scan_rendered(r.out, &cols, &rows);
	assert_non_null(got);
	assert_string_equal(got,
		"tez://upi/pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987");
	free(got);
	run_free(&r);
}

static void test_usage_errors(void **state)
{
	static const struct { int argc; char *argv[5]; } cases[] = {
		{ 1, { "qr" } },
		{ 2, { "qr", "" } },
		{ 3, { "qr", "a", "b" } },
		{ 3, { "qr", "--app", "bhim" } },
		{ 4, { "qr", "--app", "bhim", "upi://pay" } },
		{ 4, { "qr", "--ecc", "X", "upi://pay" } },
		{ 3, { "qr", "--ecc", "upi://pay" } },
		{ 3, { "qr", "--frobnicate", "upi://pay" } },
		{ 4, { "qr", "--app", "phonepe", "https://not-upi" } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run r = run_qr(cases[i].argc, (char **)cases[i].argv);

		assert_int_equal(r.status, 2);
		assert_string_equal(r.out, "");     /* nothing half-printed */
		assert_true(strlen(r.err) > 10);    /* says what is wrong */
		run_free(&r);
	}
	char *help[] = { "qr", "--help", NULL };
	run r = run_qr(2, help);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "--app"));
	run_free(&r);

	/* more than a QR code holds: a failure, not a crash */
	char *huge = malloc(4001);
	assert_non_null(huge);
	memset(huge, 'x', 4000);
	huge[4000] = '\0';
	char *big[] = { "qr", huge, NULL };
	r = run_qr(2, big);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_true(strlen(r.err) > 10);
	run_free(&r);
	free(huge);
}

/* On a tty of cols x rows: run in a child on a pty, return its output. */
static char *run_on_pty(int cols, int rows, int *status, char **argv, int argc)
{
	int master;
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	pid_t pid = forkpty(&master, NULL, NULL, &ws);

	assert_true(pid >= 0);
	if (pid == 0) {
		int rc = pk_cmd_qr(argc, argv);
		fflush(NULL);
		_exit(rc);
	}
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;

	assert_non_null(buf);
	for (;;) {
		n = read(master, buf + len, cap - len - 1);
		if (n <= 0)
			break; /* EIO once the child has gone */
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	close(master);
	assert_int_equal(waitpid(pid, status, 0), pid);
	return buf;
}

static void test_tty_fits_and_colours(void **state)
{
	static const char link130[] =
		"upi://pay?pa=kiosk.Shop7@okAxis&pn=Pay%20Kiosk&am=1250.50&cu=INR&tr="
		"Tx9aB3kQ7zLm2Np5Rs8VwY4cDf6GhJTx9aB3kQ7zLm2Np5Rs8VwY4cDf6GhJTx";
	char *argv[] = { "qr", (char *)link130, NULL };
	int status, cols = 0, rows = 0;

	(void)state;
	assert_int_equal(strlen(link130), 130);
	/* 80x24: one row kept for the prompt -> version 6, ECC L, quiet 2 */
	char *out = run_on_pty(80, 24, &status, argv, 2);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* each line is black on bright white, then reset */
	assert_memory_equal(out, "\033[30;107m", 9);
	assert_non_null(strstr(out, "\033[0m\r\n"));
	char *got = scan_rendered(out, &cols, &rows);
	assert_non_null(got);
	assert_string_equal(got, link130);
	assert_int_equal(cols, 45);
	assert_int_equal(rows, 23);
	free(got);
	free(out);

	/* --no-color on a tty: the same code, no escape codes */
	char *argv2[] = { "qr", "--no-color", (char *)link130, NULL };
	out = run_on_pty(80, 24, &status, argv2, 3);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_null(strchr(out, '\033'));
	got = scan_rendered(out, &cols, &rows);
	assert_non_null(got);
	assert_string_equal(got, link130);
	free(got);
	free(out);

	/* a roomy terminal gets the full quiet zone and ECC H */
	out = run_on_pty(200, 60, &status, argv, 2);
	assert_int_equal(WEXITSTATUS(status), 0);
	got = scan_rendered(out, &cols, &rows);
	assert_non_null(got);
	assert_string_equal(got, link130);
	assert_int_equal(cols, 17 + 4 * 11 + 8);  /* 130 bytes at H: version 11 */
	free(got);
	free(out);

	/* too small: a message saying how big, exit 1, no code */
	out = run_on_pty(40, 15, &status, argv, 2);
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_null(strstr(out, "\xe2\x96\x88"));
	assert_non_null(strstr(out, "45"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_scans),
		cmocka_unit_test(test_app_and_ecc),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_tty_fits_and_colours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
