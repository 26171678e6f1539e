/* qr_render.c - the kiosk's QR path in-process: encode + fit + render of a
 * upi:// link of 60, 120 and 250 bytes, microseconds per render.
 *   qr_render [ITERATIONS]
 * Prints one line per size:
 *   qr_render bytes=60 version=V ecc=E cells=CxR iters=N us_fit_render=X us_encode=Y us_render=Z
 * fit_render = pk_qr_fit into a 100x50 cell box (tries ECC H first, like the
 * kiosk) + pk_qr_render with colour; encode = pk_qr_encode at ECC M alone;
 * render = pk_qr_render alone on an already encoded code; encode_chosen =
 * pk_qr_encode of just the level and quiet zone the fit chose (what a fit
 * that stops at the first candidate that fits would cost). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layout/qr.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* A sandbox-shaped UPI link padded (in the tn note) to exactly len bytes. */
static void make_link(char *buf, size_t len)
{
	static const char head[] = "upi://pay?pa=paykiosk.sandbox@upi&pn=Paykiosk%20Sandbox&am=100.00&cu=INR&tr=";
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(head);

	memcpy(buf, head, n);
	for (size_t i = n; i < len; i++)
		buf[i] = hex[(i * 7u) % 16u];
	buf[len] = '\0';
}

static int bench_size(size_t bytes, long iters)
{
	char text[300];
	pk_qr qr;
	pk_error err = { 0 };
	char *out = NULL;
	size_t out_len = 0;
	double t0, t_fit, t_enc, t_ren, t_cho;
	int ecc, quiet;
	volatile size_t sink = 0;

	make_link(text, bytes);

	t0 = now_us();
	for (long i = 0; i < iters; i++) {
		if (pk_qr_fit(text, 100, 50, &qr, &err) < 0 ||
		    pk_qr_render(&qr, 1, &out, &out_len, &err) < 0) {
			fprintf(stderr, "qr_render: %s\n", err.msg);
			return -1;
		}
		sink += out_len;
		free(out);
		pk_qr_free(&qr);
	}
	t_fit = (now_us() - t0) / (double)iters;

	t0 = now_us();
	for (long i = 0; i < iters; i++) {
		if (pk_qr_encode(text, 1, 4, &qr, &err) < 0) {
			fprintf(stderr, "qr_render: %s\n", err.msg);
			return -1;
		}
		sink += (size_t)qr.cols;
		pk_qr_free(&qr);
	}
	t_enc = (now_us() - t0) / (double)iters;

	if (pk_qr_fit(text, 100, 50, &qr, &err) < 0) {
		fprintf(stderr, "qr_render: %s\n", err.msg);
		return -1;
	}
	ecc = qr.ecc;
	quiet = qr.quiet;
	t0 = now_us();
	for (long i = 0; i < iters; i++) {
		pk_qr one;

		if (pk_qr_encode(text, ecc, quiet, &one, &err) < 0) {
			fprintf(stderr, "qr_render: %s\n", err.msg);
			pk_qr_free(&qr);
			return -1;
		}
		sink += (size_t)one.cols;
		pk_qr_free(&one);
	}
	t_cho = (now_us() - t0) / (double)iters;

	t0 = now_us();
	for (long i = 0; i < iters; i++) {
		if (pk_qr_render(&qr, 1, &out, &out_len, &err) < 0) {
			fprintf(stderr, "qr_render: %s\n", err.msg);
			pk_qr_free(&qr);
			return -1;
		}
		sink += out_len;
		free(out);
	}
	t_ren = (now_us() - t0) / (double)iters;

	printf("qr_render bytes=%zu version=%d ecc=%c cells=%dx%d iters=%ld "
	       "us_fit_render=%.1f us_encode=%.1f us_encode_chosen=%.1f us_render=%.1f\n",
	       bytes, qr.version, "LMQH"[qr.ecc & 3], qr.cols, qr.rows, iters,
	       t_fit, t_enc, t_cho, t_ren);
	pk_qr_free(&qr);
	(void)sink;
	return 0;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 60, 120, 250 };
	long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 5000;

	if (iters < 1)
		iters = 1;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		if (bench_size(sizes[i], iters) < 0)
			return 1;
	return 0;
}
