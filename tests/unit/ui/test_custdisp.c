/* test_custdisp.c - the customer display's pure parts: which view a sale
 * state picks, the word for each outcome, where the QR goes and in which
 * module shape, and the two config keys (and their refusal with
 * --kiosk); whether each screen draws Burmese and Hindi as images (one
 * rule, pk_app_graphics), and the display doing it on a pseudo-terminal
 * of its own: sixel images at the runs' cells, sent after the frame's
 * text, reported as dimg records.  The hot-plug is checked end to end
 * (tests/e2e). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ncurses.h>

#include "common/config.h"
#include "common/i18n.h"
#include "fixtures.h"
#include "layout/text.h"
#include "ui/app.h"
#include "ui/colors.h"
#include "ui/custdisp.h"
#include "ui/testhook.h"

/* Every state: the cashier's screen and the customer's view agree (one
 * grouping of states: pk_app_stage). */
static void test_view_for_every_state(void **state)
{
	(void)state;
	static const struct {
		pk_sale_state st;
		pk_cust_view view;
	} want[] = {
		{ PK_SALE_NEW, PK_CUST_WAIT },
		{ PK_SALE_CREATING, PK_CUST_WAIT },
		{ PK_SALE_AWAITING_PAYMENT, PK_CUST_UPI },
		{ PK_SALE_AWAITING_TXID, PK_CUST_WAVEPAY },
		{ PK_SALE_ACTIVATING, PK_CUST_WAVEPAY },
		{ PK_SALE_REFUSED, PK_CUST_WAVEPAY },
		{ PK_SALE_UNKNOWN, PK_CUST_WAVEPAY },
		{ PK_SALE_PAID, PK_CUST_RESULT },
		{ PK_SALE_FAILED, PK_CUST_RESULT },
		{ PK_SALE_CANCELLED, PK_CUST_RESULT },
		{ PK_SALE_UNCONFIRMED, PK_CUST_RESULT },
		{ PK_SALE_PENDING, PK_CUST_RESULT },
		{ PK_SALE_NOT_FOUND, PK_CUST_RESULT },
		{ PK_SALE_ABANDONED, PK_CUST_RESULT },
	};
	assert_int_equal(sizeof want / sizeof want[0], PK_SALE__COUNT);
	pk_flow_view v;
	memset(&v, 0, sizeof v);
	assert_int_equal(pk_custdisp_view_for(&v), PK_CUST_IDLE); /* no sale, or one typed */
	assert_string_equal(pk_custdisp_view_name(PK_CUST_IDLE), "idle");
	pk_sale sale;
	pk_sale_init(&sale);
	v.sale = &sale;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		sale.state = want[i].st;
		assert_int_equal(pk_custdisp_view_for(&v), want[i].view);
	}
	assert_string_equal(pk_custdisp_view_name(PK_CUST_UPI), "upi");
	assert_string_equal(pk_custdisp_view_name(PK_CUST_WAVEPAY), "wavepay");
	assert_string_equal(pk_custdisp_view_name(PK_CUST_RESULT), "result");
	assert_string_equal(pk_custdisp_view_name(PK_CUST_WAIT), "wait");
}

/* A word per outcome (not per state); every state the result view shows
 * has one. */
static void test_outcome_words(void **state)
{
	(void)state;
	assert_string_equal(pk_custdisp_outcome_word(PK_OUTCOME_PAID), "Paid");
	assert_string_equal(pk_custdisp_outcome_word(PK_OUTCOME_NOT_PAID), "Not paid");
	assert_string_equal(pk_custdisp_outcome_word(PK_OUTCOME_NOTHING), "Cancelled");
	assert_string_equal(pk_custdisp_outcome_word(PK_OUTCOME_NOT_KNOWN),
			    "Not known yet - please wait");
	assert_null(pk_custdisp_outcome_word(PK_OUTCOME_NONE));
	pk_flow_view v;
	memset(&v, 0, sizeof v);
	pk_sale sale;
	pk_sale_init(&sale);
	v.sale = &sale;
	for (int s = 0; s < PK_SALE__COUNT; s++) {
		sale.state = (pk_sale_state)s;
		if (pk_custdisp_view_for(&v) == PK_CUST_RESULT)
			assert_non_null(pk_custdisp_outcome_word(pk_state_outcome(sale.state)));
	}
	/* the customer reads it in the sale's language */
	pk_i18n_set_lang(PK_LANG_MY);
	assert_string_not_equal(_(pk_custdisp_outcome_word(PK_OUTCOME_NOT_KNOWN)),
				"Not known yet - please wait");
	pk_i18n_set_lang(PK_LANG_EN);
}

static const char upi_link[] =
	"upi://pay?pa=paykiosk.sandbox@upi&pn=Paykiosk%20Sandbox&am=150.00&cu=INR"
	"&tn=ef147756b96abf72&tr=ef147756b96abf72";

/* A big display: full blocks beside the amount.  An 80x24 one: half
 * blocks.  One too small for any code: refused, TOO_LARGE. */
static void test_qr_full_blocks_when_room(void **state)
{
	(void)state;
	pk_qr qr;
	pk_cust_qr_place place;
	pk_error err;
	/* a second monitor's VT, 1080p with an 8x16 font: 67x240 */
	assert_int_equal(pk_custdisp_fit_qr(upi_link, 66, 240, 24, 8, 3, &place, &qr, &err), 0);
	assert_int_equal(qr.shape, PK_QR_FULL);
	assert_int_equal(place, PK_CQ_BESIDE);
	assert_true(qr.cols + 24 + 2 <= 239 && qr.rows <= 66);
	pk_qr_free(&qr);
	/* a 50x120 window: still full blocks */
	assert_int_equal(pk_custdisp_fit_qr(upi_link, 49, 120, 24, 8, 3, &place, &qr, &err), 0);
	assert_int_equal(qr.shape, PK_QR_FULL);
	pk_qr_free(&qr);
	/* 80x24 with the banner: half blocks, the text beside */
	assert_int_equal(pk_custdisp_fit_qr(upi_link, 23, 80, 24, 8, 3, &place, &qr, &err), 0);
	assert_int_equal(qr.shape, PK_QR_HALF);
	assert_int_equal(place, PK_CQ_BESIDE);
	pk_qr_free(&qr);
	/* narrow and tall: full blocks below the amount */
	assert_int_equal(pk_custdisp_fit_qr(upi_link, 80, 100, 24, 8, 3, &place, &qr, &err), 0);
	assert_int_equal(qr.shape, PK_QR_FULL);
	assert_int_equal(place, PK_CQ_BELOW_BIG);
	assert_true(qr.rows <= 80 - 8 - 1 && qr.cols <= 99);
	pk_qr_free(&qr);
	/* no room at all */
	assert_int_equal(pk_custdisp_fit_qr(upi_link, 10, 30, 24, 8, 3, &place, &qr, &err), -1);
	assert_int_equal(err.kind, PK_ERR_TOO_LARGE);
}

/* ---- the config keys ------------------------------------------------------ */

typedef struct cfx {
	char dir[64], conf[128];
} cfx;

static int cfg_setup(void **state)
{
	cfx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/pk_custdisp_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->conf, sizeof f->conf, "%s/paykiosk.conf", f->dir);
	unsetenv("PAYKIOSK_CONFIG");
	*state = f;
	return 0;
}

static int cfg_teardown(void **state)
{
	cfx *f = *state;
	unlink(f->conf);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_conf(const cfx *f, const char *text)
{
	FILE *fp = fopen(f->conf, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(f->conf, 0600);
}

static int load(const cfx *f, char **extra, int n_extra, pk_config *cfg, pk_error *err)
{
	char *argv[16] = { "paykiosk", "--training", "--config", (char *)f->conf };
	int argc = 4;
	for (int i = 0; i < n_extra; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	pk_config_action action;
	return pk_config_load(cfg, argc, argv, &action, err);
}

static void test_config_keys(void **state)
{
	cfx *f = *state;
	pk_config cfg;
	pk_error err;
	/* not configured: nothing */
	write_conf(f, "");
	assert_int_equal(load(f, NULL, 0, &cfg, &err), 0);
	assert_null(cfg.customer_display);
	assert_null(cfg.customer_display_term);
	pk_config_free(&cfg);
	/* from the file */
	write_conf(f, "customer_display = /dev/tty2\ncustomer_display_term = linux\n");
	assert_int_equal(load(f, NULL, 0, &cfg, &err), 0);
	assert_string_equal(cfg.customer_display, "/dev/tty2");
	assert_string_equal(cfg.customer_display_term, "linux");
	pk_config_free(&cfg);
	/* the command line wins */
	char *flags[] = { "--customer-display", "/run/user/1000/paykiosk-customer",
			  "--customer-display-term=foot" };
	assert_int_equal(load(f, flags, 3, &cfg, &err), 0);
	assert_string_equal(cfg.customer_display, "/run/user/1000/paykiosk-customer");
	assert_string_equal(cfg.customer_display_term, "foot");
	pk_config_free(&cfg);
	/* a terminal type is a terminfo name, nothing else */
	write_conf(f, "customer_display_term = linux; rm -rf\n");
	assert_int_equal(load(f, NULL, 0, &cfg, &err), -1);
	assert_int_equal(err.kind, PK_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "customer_display_term"));
}

/* Self-service: the main screen is the customer's; refused, from the
 * flag or the file, with the reason. */
static void test_refused_with_kiosk(void **state)
{
	cfx *f = *state;
	pk_config cfg;
	pk_error err;
	write_conf(f, "");
	char *flags[] = { "--kiosk", "--customer-display", "/dev/tty2" };
	assert_int_equal(load(f, flags, 3, &cfg, &err), -1);
	assert_int_equal(err.kind, PK_ERR_CONFIG);
	assert_string_equal(err.msg, "--customer-display cannot be used with --kiosk: in "
				     "self-service mode the main screen is the customer's");
	write_conf(f, "kiosk = true\ncustomer_display = /dev/tty2\n");
	assert_int_equal(load(f, NULL, 0, &cfg, &err), -1);
	assert_non_null(strstr(err.msg, "--customer-display cannot be used with --kiosk"));
	/* --kiosk alone is fine */
	write_conf(f, "");
	char *kiosk[] = { "--kiosk" };
	assert_int_equal(load(f, kiosk, 1, &cfg, &err), 0);
	pk_config_free(&cfg);
}

/* ---- images: which screens, and the display drawing them ------------------ */

/* One rule for both screens: a terminal type that cannot draw the
 * scripts never; PAYKIOSK_GRAPHICS for both; else the cashier's answer,
 * for a display of the kiosk's own terminal type only. */
static void test_graphics_rule(void **state)
{
	(void)state;
	static const struct {
		pk_graphics env;
		const char *kiosk, *screen;
		pk_graphics want;
	} cases[] = {
		/* the cashier's screen (screen == kiosk) */
		{ PK_GRAPHICS_AUTO, "foot", "foot", PK_GRAPHICS_AUTO },
		{ PK_GRAPHICS_TEXT, "foot", "foot", PK_GRAPHICS_TEXT },
		{ PK_GRAPHICS_SIXEL, "foot", "foot", PK_GRAPHICS_SIXEL },
		{ PK_GRAPHICS_SIXEL, "linux", "linux", PK_GRAPHICS_TEXT },
		{ PK_GRAPHICS_AUTO, NULL, NULL, PK_GRAPHICS_AUTO },
		/* the customer display: the same type asks the cashier's answer */
		{ PK_GRAPHICS_AUTO, "foot", NULL, PK_GRAPHICS_AUTO },
		/* another type was not asked: text, unless the variable says */
		{ PK_GRAPHICS_AUTO, "foot", "xterm-256color", PK_GRAPHICS_TEXT },
		{ PK_GRAPHICS_SIXEL, "foot", "xterm-256color", PK_GRAPHICS_SIXEL },
		{ PK_GRAPHICS_TEXT, "foot", "foot", PK_GRAPHICS_TEXT },
		/* a Linux VT draws neither script, whatever is said */
		{ PK_GRAPHICS_AUTO, "foot", "linux", PK_GRAPHICS_TEXT },
		{ PK_GRAPHICS_SIXEL, "foot", "linux-16color", PK_GRAPHICS_TEXT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(pk_app_graphics(cases[i].env, cases[i].kiosk, cases[i].screen),
				 cases[i].want);
}

#define CELL_W 13
#define CELL_H 30
#define DROWS 24
#define DCOLS 80

typedef struct dfx {
	pk_flowfx c;
	pk_config cfg;
	char conf[160], hook[64];
	pk_app app;
	int cm, cs;            /* the cashier's terminal */
	FILE *cout, *cin;
	SCREEN *scr;
	int dm, ds;            /* the customer's: master (we read), slave (a name) */
	char dpath[128];
	pk_custdisp *cd;
	char *got;             /* what reached the customer's terminal */
	size_t ngot;
} dfx;

static int disp_setup(void **state)
{
	dfx *f = calloc(1, sizeof *f);
	if (!f || pk_flowfx_open(&f->c, "custdisp", 1790000000) || pk_flowfx_make_flow(&f->c))
		return -1;
	if (pk_flowfx_training_config(&f->c, &f->cfg, f->conf, sizeof f->conf) < 0)
		return -1;
	pk_error err;
	pk_app_options ao = { .cfg = &f->cfg, .flow = f->c.flow, .training = true };
	if (pk_app_init(&f->app, &ao, &err) < 0)
		return -1;
	struct winsize cw = { .ws_row = 24, .ws_col = 80 };
	/* foot fills in the pixels: 13x30 px cells */
	struct winsize dw = { .ws_row = DROWS, .ws_col = DCOLS, .ws_xpixel = DCOLS * CELL_W,
			      .ws_ypixel = DROWS * CELL_H };
	if (openpty(&f->cm, &f->cs, NULL, NULL, &cw) != 0 ||
	    openpty(&f->dm, &f->ds, f->dpath, NULL, &dw) != 0)
		return -1;
	fcntl(f->dm, F_SETFL, fcntl(f->dm, F_GETFL) | O_NONBLOCK);
	fcntl(f->cm, F_SETFL, fcntl(f->cm, F_GETFL) | O_NONBLOCK);
	f->cout = fdopen(dup(f->cs), "w");
	f->cin = fdopen(dup(f->cs), "r");
	unsetenv("LINES");
	unsetenv("COLUMNS");
	f->scr = newterm("xterm-256color", f->cout, f->cin);
	if (!f->scr)
		return -1;
	pk_colors_init();
	snprintf(f->hook, sizeof f->hook, "/tmp/pk-custdisp-hook-XXXXXX");
	int fd = mkstemp(f->hook);
	if (fd < 0)
		return -1;
	close(fd);
	setenv("PAYKIOSK_TEST_HOOK", f->hook, 1);
	int rc = pk_testhook_open(&f->app.hook, &err);
	unsetenv("PAYKIOSK_TEST_HOOK");
	f->got = malloc(1 << 20);
	*state = f;
	return rc < 0 || !f->got ? -1 : 0;
}

static int disp_teardown(void **state)
{
	dfx *f = *state;
	pk_custdisp_free(f->cd);
	endwin();
	delscreen(f->scr);
	fclose(f->cout);
	fclose(f->cin);
	close(f->cs);
	close(f->cm);
	close(f->ds);
	close(f->dm);
	pk_testhook_close(f->app.hook);
	pk_app_free(&f->app);
	pk_config_free(&f->cfg);
	unlink(f->conf);
	unlink(f->hook);
	pk_flowfx_close(&f->c);
	free(f->got);
	free(f);
	pk_i18n_set_lang(PK_LANG_EN);
	return 0;
}

/* foot's answers at start-up, as the cashier's terminal gave them. */
static pk_termprobe_answer foot_probe(void)
{
	pk_termprobe_answer a;
	memset(&a, 0, sizeof a);
	a.answered = a.sixel = true;
	a.cell_w = 10; /* the cashier's cells: the display's own win */
	a.cell_h = 20;
	a.have_fg = a.have_bg = true;
	a.fg = 0xdcdccc;
	a.bg = 0x111111;
	return a;
}

static void open_display(dfx *f, pk_graphics mode)
{
	pk_termprobe_answer probe = foot_probe();
	pk_custdisp_options o = { .path = f->dpath,
				  .term = "xterm-256color",
				  .hook = f->app.hook,
				  .main_screen = f->scr,
				  .graphics = mode,
				  .probe = &probe };
	pk_error err;
	assert_int_equal(pk_custdisp_new(&f->cd, &o, &err), 0);
}

/* One loop turn of the display, then everything it had to send read from
 * the other side of its terminal (the relay, as the loop's poll drives
 * it, until nothing is pending). */
static void turn(dfx *f)
{
	pk_custdisp_turn(f->cd, &f->app);
	f->ngot = 0;
	for (int idle = 0; idle < 3;) {
		ssize_t r = read(f->dm, f->got + f->ngot, (1 << 20) - 1 - f->ngot);
		struct pollfd p;
		pk_custdisp_pollfd(f->cd, &p);
		if (r > 0) {
			f->ngot += (size_t)r;
			idle = 0;
		} else if (p.events & POLLOUT) {
			pk_custdisp_ready(f->cd, POLLOUT);
			idle = 0;
		} else {
			idle++;
		}
	}
	f->got[f->ngot] = '\0';
}

static const char *find_bytes(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

static char *read_hook(const dfx *f)
{
	FILE *fp = fopen(f->hook, "r");
	assert_non_null(fp);
	static char report[1 << 16];
	size_t len = fread(report, 1, sizeof report - 1, fp);
	fclose(fp);
	report[len] = '\0';
	return report;
}

/* Idle in Burmese on a display of the kiosk's own type: "Welcome" (and
 * the TRAINING banner) are sixel images one display cell high, at their
 * runs' cells, in the display's own cell size (13x30, not the cashier's
 * 10x20), sent after the frame's text; the hook has a dimg line after
 * the row's drun lines. */
static void test_display_draws_images(void **state)
{
	dfx *f = *state;
	pk_i18n_set_lang(PK_LANG_MY);
	open_display(f, PK_GRAPHICS_AUTO);
	turn(f);
	const char *welcome = _("Welcome");
	assert_string_not_equal(welcome, "Welcome");
	/* the images are the last thing sent: after all of the text */
	const char *head = find_bytes(f->got, f->ngot, "\0337\033[?8452h");
	assert_non_null(head);
	assert_null(find_bytes(head + 1, f->ngot - (size_t)(head + 1 - f->got), "\0337\033[?8452h"));
	static const char tail[] = "\033[?8452l\0338";
	assert_true(f->ngot >= sizeof tail - 1);
	assert_memory_equal(f->got + f->ngot - (sizeof tail - 1), tail, sizeof tail - 1);
	/* the hook: which runs are images, where */
	const char *report = read_hook(f);
	assert_non_null(strstr(report, "display open 24x80\n"));
	assert_non_null(strstr(report, "dframe 1 screen=idle size=24x80 lang=my\n"));
	int w = pk_text_width(welcome);
	char want[512];
	snprintf(want, sizeof want, " %d %s\ndimg ", w, welcome);
	const char *line = strstr(report, want);
	assert_non_null(line); /* "drun Y X W TEXT" then the row's "dimg" */
	int y, x, iw;
	assert_int_equal(sscanf(line + strlen(want), "%d %d %d", &y, &x, &iw), 3);
	assert_int_equal(iw, w);
	/* the picture at that cell: w cells of 13 px, one cell of 30 px */
	char at[64], raster[64];
	snprintf(at, sizeof at, "\033[%d;%dH\033P", y + 1, x + 1);
	const char *img = find_bytes(head, f->ngot - (size_t)(head - f->got), at);
	assert_non_null(img);
	snprintf(raster, sizeof raster, "\"1;1;%d;%d", w * CELL_W, CELL_H);
	assert_non_null(strstr(img, raster));
	assert_non_null(strstr(report, "dend 1\n"));
	/* nothing changed: no frame, nothing sent */
	turn(f);
	assert_int_equal(f->ngot, 0);
	/* English: text only, no images, no dimg */
	pk_i18n_set_lang(PK_LANG_EN);
	turn(f);
	assert_null(find_bytes(f->got, f->ngot, "\033P"));
	report = read_hook(f);
	const char *d2 = strstr(report, "dframe 2 ");
	assert_non_null(d2);
	assert_null(strstr(d2, "dimg "));
}

/* A display of another terminal type than the cashier's (its answer says
 * nothing about it): text, the runs written in its cells. */
static void test_display_other_term_text(void **state)
{
	dfx *f = *state;
	pk_i18n_set_lang(PK_LANG_MY);
	open_display(f, pk_app_graphics(PK_GRAPHICS_AUTO, "foot", "xterm-256color"));
	turn(f);
	assert_true(f->ngot > 0);
	assert_null(find_bytes(f->got, f->ngot, "\033P"));
	const char *report = read_hook(f);
	assert_non_null(strstr(report, "dframe 1 screen=idle size=24x80 lang=my\n"));
	assert_non_null(strstr(report, _("Welcome")));
	assert_null(strstr(report, "dimg "));
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	pk_i18n_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_for_every_state),
		cmocka_unit_test(test_outcome_words),
		cmocka_unit_test(test_qr_full_blocks_when_room),
		cmocka_unit_test_setup_teardown(test_config_keys, cfg_setup, cfg_teardown),
		cmocka_unit_test_setup_teardown(test_refused_with_kiosk, cfg_setup, cfg_teardown),
		cmocka_unit_test(test_graphics_rule),
		cmocka_unit_test_setup_teardown(test_display_draws_images, disp_setup, disp_teardown),
		cmocka_unit_test_setup_teardown(test_display_other_term_text, disp_setup,
						disp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
