/* cli_qr.c - `paykiosk qr`: the QR code of a text (or of a UPI app link
 * made from it) printed with one write(2). */
#include "cli_qr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/i18n.h"
#include "layout/qr.h"

typedef struct qr_opts {
	pk_upi_app app;
	int app_set;
	int ecc;          /* -1 = not given */
	int color;        /* 0 when --no-color */
	const char *text;
} qr_opts;

static void usage(FILE *f)
{
	fprintf(f, "%s\n", _("Usage: paykiosk qr [--app upi|paytm|phonepe|gpay] [--ecc L|M|Q|H] [--no-color] TEXT"));
}

static int parse_ecc(const char *s, int *ecc)
{
	static const char levels[] = "LMQH";

	if (!s || strlen(s) != 1)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (s[0] == levels[i] || s[0] == levels[i] - 'A' + 'a') {
			*ecc = i;
			return 0;
		}
	}
	return -1;
}

/* The value of --name VALUE or --name=VALUE; advances *i. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int parse_args(int argc, char **argv, qr_opts *o)
{
	*o = (qr_opts){ .app = PK_UPI_UNIVERSAL, .ecc = -1, .color = 1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc && !o->text)
				o->text = argv[++i];
			if (i + 1 < argc)
				goto extra;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			return 1;
		} else if (strcmp(a, "--no-color") == 0) {
			o->color = 0;
		} else if (strncmp(a, "--app", 5) == 0 && (a[5] == '\0' || a[5] == '=')) {
			v = opt_value(argc, argv, &i, "--app");
			if (!v || pk_upi_app_parse(v, &o->app) < 0) {
				fprintf(stderr, _("Unknown app \"%s\": use upi, paytm, phonepe or gpay.\n"),
					v ? v : "");
				return -1;
			}
			o->app_set = 1;
		} else if (strncmp(a, "--ecc", 5) == 0 && (a[5] == '\0' || a[5] == '=')) {
			v = opt_value(argc, argv, &i, "--ecc");
			if (!v || parse_ecc(v, &o->ecc) < 0) {
				fprintf(stderr, _("Unknown error correction \"%s\": use L, M, Q or H.\n"),
					v ? v : "");
				return -1;
			}
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, _("Unknown option \"%s\".\n"), a);
			return -1;
		} else if (!o->text) {
			o->text = a;
		} else {
			goto extra;
		}
	}
	if (!o->text || !*o->text) {
		fprintf(stderr, "%s\n", _("Give the text to show as a QR code."));
		return -1;
	}
	return 0;
extra:
	fprintf(stderr, "%s\n", _("Give only one text (quote it if it has spaces)."));
	return -1;
}

/* The code for a terminal of ws: fitted, or an error saying how big the
 * window must be. */
static int fit_terminal(const char *text, int ecc, const struct winsize *ws,
			pk_qr *qr, pk_error *err)
{
	int max_rows = ws->ws_row > 1 ? ws->ws_row - 1 : 1; /* room for the prompt */
	pk_qr need;
	pk_error why;

	if (pk_qr_fit_ecc(text, ecc, ws->ws_col, max_rows, qr, err) == 0)
		return 0;
	if (err->kind != PK_ERR_TOO_LARGE ||
	    pk_qr_encode(text, ecc >= 0 ? ecc : 0, 2, &need, &why) < 0)
		return -1;
	pk_error_set(err, PK_ERR_TOO_LARGE,
		     _("The terminal is too small for this QR code: it needs %d columns and %d rows."),
		     need.cols, need.rows + 1);
	pk_qr_free(&need);
	return -1;
}

int pk_cmd_qr(int argc, char **argv)
{
	qr_opts o;
	pk_qr qr = { 0 };
	pk_error err = { 0 };
	struct winsize ws = { 0 };
	char *link = NULL, *buf = NULL;
	size_t len = 0;
	int rc, tty;

	rc = parse_args(argc, argv, &o);
	if (rc != 0) {
		usage(rc > 0 ? stdout : stderr);
		return rc > 0 ? 0 : 2;
	}
	const char *text = o.text;

	if (o.app_set && o.app != PK_UPI_UNIVERSAL) {
		link = pk_upi_app_link(o.text, o.app);
		if (!link) {
			fprintf(stderr, "%s\n", _("An app link needs a text that starts with upi://"));
			return 2;
		}
		text = link;
	}

	tty = isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	      ws.ws_col > 0 && ws.ws_row > 0;
	if (tty)
		rc = fit_terminal(text, o.ecc, &ws, &qr, &err);
	else
		rc = pk_qr_encode(text, o.ecc >= 0 ? o.ecc : 1, 4, &qr, &err);
	if (rc == 0)
		rc = pk_qr_render(&qr, tty && o.color, &buf, &len, &err);
	if (rc == 0 && pk_write_all(STDOUT_FILENO, buf, len) < 0)
		rc = pk_error_setc(&err, PK_ERR_IO, errno, "%s", _("Could not write the QR code."));
	if (rc < 0)
		fprintf(stderr, "%s\n", err.msg);
	free(buf);
	pk_qr_free(&qr);
	free(link);
	return rc < 0 ? 1 : 0;
}
