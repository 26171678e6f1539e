/* app.c - the kiosk's loop and what the screens share.  Each turn one
 * pump step (sale/pump.h: stdin, the test hook's key FIFO, the quit
 * signals and the gateway at once, at most 100 ms so spinners and
 * countdowns move), then the keys (global ones before any screen: the
 * language, the kiosk lock), routing (the sale's state picks its screen,
 * here and nowhere else), the idle check, and a redraw only when something
 * changed (on a sixel terminal the Burmese and Hindi runs' images after
 * it: ui/sixel.h).  Before ncurses starts, the terminal is asked about
 * itself once (ui/termprobe.h); on the Linux console, which draws English
 * only, the kiosk shows English and says so.  Crash signals restore the
 * terminal and re-raise. */
#include "ui/app.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ncurses.h>

#include "common/i18n.h"
#include "ui/colors.h"
#include "ui/custdisp.h"
#include "ui/draw.h"
#include "ui/screen.h"
#include "ui/sixel.h"
#include "ui/termprobe.h"
#include "ui/testhook.h"

#define LOOP_MAX_WAIT_MS 100

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ncurses' terminal state is the one global we accept: a crash restores the
 * terminal, then dies of the same signal. */
static void crash_handler(int sig)
{
	endwin();
	raise(sig);
}

void pk_app_install_crash_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = crash_handler;
	sa.sa_flags = (int)(SA_RESETHAND | SA_NODEFER);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- screens ---------------------------------------------------------- */

void pk_app_show(pk_app *app, pk_screen *s)
{
	if (!s)
		return; /* out of memory: stay where we are */
	if (app->next)
		pk_screen_free(app->next);
	app->next = s;
	/* A new screen closes any question. */
	if (app->next_modal)
		pk_screen_free(app->next_modal);
	app->next_modal = NULL;
	app->modal_pending = true;
	app->dirty = true;
}

void pk_app_ask(pk_app *app, pk_screen *confirm)
{
	if (app->next_modal)
		pk_screen_free(app->next_modal);
	app->next_modal = confirm;
	app->modal_pending = true;
	app->dirty = true;
}

void pk_app_home(pk_app *app)
{
	pk_flow_close(app->flow);
	app->routed_active = false;
	pk_app_show(app, pk_home_new());
}

static pk_screen *wavepay_screen(void)
{
	return pk_wavepay_new(false);
}

/* Which screen shows a sale at each stage: routing's one table. */
static const struct route {
	const pk_screen_ops *ops;
	pk_screen *(*make)(void);
} routes[PK_STAGE__COUNT] = {
	[PK_STAGE_WAIT] = { &pk_wait_ops, pk_wait_new },
	[PK_STAGE_UPI] = { &pk_upi_qr_ops, pk_upi_qr_new },
	[PK_STAGE_WAVEPAY] = { &pk_wavepay_ops, wavepay_screen },
	[PK_STAGE_RESULT] = { &pk_result_ops, pk_result_new },
};

pk_stage pk_app_stage(pk_sale_state st)
{
	switch (st) {
	case PK_SALE_NEW:
	case PK_SALE_CREATING:
		return PK_STAGE_WAIT;
	case PK_SALE_AWAITING_PAYMENT:
		return PK_STAGE_UPI;
	case PK_SALE_AWAITING_TXID:
	case PK_SALE_ACTIVATING:
	case PK_SALE_REFUSED:
	case PK_SALE_UNKNOWN:
		return PK_STAGE_WAVEPAY;
	default:
		return PK_STAGE_RESULT;
	}
}

static const struct route *route_for(pk_sale_state st)
{
	return &routes[pk_app_stage(st)];
}

bool pk_app_locked(const pk_app *app)
{
	return app->kiosk && !app->unlocked;
}

void pk_app_follow_sale(pk_app *app)
{
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (!v.sale) {
		app->routed_active = false;
		pk_app_show(app, pk_home_new());
		return;
	}
	bool same_sale = app->routed_active && app->routed_id == v.sale->id;
	if (!same_sale)
		app->upi_app = PK_UPI_UNIVERSAL; /* a new sale starts with the universal link */
	app->routed_active = true;
	app->routed_id = v.sale->id;
	app->routed_state = v.sale->state;
	const struct route *want = route_for(v.sale->state);
	pk_screen *cur = app->next ? app->next : app->screen;
	if (same_sale && pk_screen_is(cur, want->ops) && want->ops != &pk_result_ops) {
		/* Same screen goes on (keeps what was typed); close a question. */
		if (app->modal || app->next_modal)
			pk_app_ask(app, NULL);
		app->dirty = true;
		return;
	}
	pk_app_show(app, want->make());
}

static void apply_pending(pk_app *app)
{
	if (app->next) {
		if (app->modal)
			pk_screen_free(app->modal);
		app->modal = NULL;
		pk_screen_free(app->screen);
		app->screen = app->next;
		app->next = NULL;
		if (app->screen->ops->enter)
			app->screen->ops->enter(app->screen, app);
		app->dirty = true;
	}
	if (app->modal_pending) {
		if (app->modal)
			pk_screen_free(app->modal);
		app->modal = app->next_modal;
		app->next_modal = NULL;
		app->modal_pending = false;
		if (app->modal && app->modal->ops->enter)
			app->modal->ops->enter(app->modal, app);
		app->dirty = true;
	}
}

/* The sale moved on: show its screen (unless the screen shown holds it). */
static void route(pk_app *app)
{
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (!v.sale) {
		app->routed_active = false;
		return;
	}
	if (app->routed_active && app->routed_id == v.sale->id &&
	    app->routed_state == v.sale->state)
		return;
	pk_screen *cur = app->next ? app->next : app->screen;
	if (cur && cur->ops->no_route)
		return;
	pk_app_follow_sale(app);
}

/* ---- drawing ------------------------------------------------------------ */

/* The notice, over the key hints, until the next key. */
static void draw_notice(pk_app *app, int rows, int cols)
{
	if (!app->notice || app->inputs != app->notice_inputs || rows < 2)
		return;
	attr_t a = pk_role_attr(PK_ROLE_WARN) | A_BOLD;
	pk_draw_fill(rows - 2, 0, cols, a);
	pk_draw_center(rows - 2, 0, cols, _(app->notice), a);
}

static void redraw(pk_app *app)
{
	erase();
	pk_sixel_frame_begin(app->sixel);
	int rows = LINES, cols = COLS;
	int nr, nc;
	pk_screen_min_size(app->screen, app, &nr, &nc);
	if (rows < nr || cols < nc) {
		pk_toosmall_draw(rows, cols, nr, nc);
	} else {
		app->screen->ops->draw(app->screen, app, rows, cols);
		if (app->modal)
			app->modal->ops->draw(app->modal, app, rows, cols);
		draw_notice(app, rows, cols);
	}
	pk_sixel_frame_end(app->sixel);
	refresh();
	pk_error err;
	if (pk_sixel_emit(app->sixel, &err) < 0 && app->log)
		pk_log_event(app->log, PK_LOG_WARNING, "graphics_error", "kind=%s",
			     pk_err_kind_name(err.kind));
	app->dirty = false;
	app->frames++;
	const pk_overlay *images;
	size_t n_images = pk_sixel_overlays(app->sixel, &images);
	pk_testhook_frame(app->hook, app->frames, app->inputs, app->screen->ops->name,
			  app->modal ? app->modal->ops->name : NULL, images, n_images);
}

/* After a key was consumed and what it changed was drawn: tell the
 * harness (it waits for this, not for time to pass). */
static void report_inputs(pk_app *app)
{
	if (app->inputs == app->inputs_reported)
		return;
	app->inputs_reported = app->inputs;
	pk_testhook_input(app->hook, app->inputs);
}

/* ---- keys --------------------------------------------------------------- */

/* A numeric keypad in application mode (keypad() turns it on) sends
 * ESC O x; terminfo names only a few of these, so we bind them all, or a
 * keypad digit would arrive as Esc + 'O' + a letter. */
#define PK_KEYPAD_BASE 0x500
static const struct keypad_seq {
	const char *seq;
	int key;
} keypad_seqs[] = {
	{ "\033Op", '0' }, { "\033Oq", '1' }, { "\033Or", '2' }, { "\033Os", '3' },
	{ "\033Ot", '4' }, { "\033Ou", '5' }, { "\033Ov", '6' }, { "\033Ow", '7' },
	{ "\033Ox", '8' }, { "\033Oy", '9' }, { "\033On", '.' }, { "\033Oj", '*' },
	{ "\033Ok", '+' }, { "\033Om", '-' }, { "\033Oo", '/' }, { "\033OM", PK_K_ENTER },
	{ "\033OE", '5' },
};

static void bind_keypad(void)
{
	for (size_t i = 0; i < sizeof keypad_seqs / sizeof keypad_seqs[0]; i++)
		define_key(keypad_seqs[i].seq, PK_KEYPAD_BASE + (int)i);
}

static int translate_key(int rc, wint_t wc)
{
	if (rc == KEY_CODE_YES) {
		int n = (int)(sizeof keypad_seqs / sizeof keypad_seqs[0]);
		if ((int)wc >= PK_KEYPAD_BASE && (int)wc < PK_KEYPAD_BASE + n)
			return keypad_seqs[(int)wc - PK_KEYPAD_BASE].key;
		switch (wc) {
		case KEY_A1:
			return '7';
		case KEY_A3:
			return '9';
		case KEY_B2:
			return '5';
		case KEY_C1:
			return '1';
		case KEY_C3:
			return '3';
		case KEY_ENTER:
			return PK_K_ENTER;
		case KEY_BACKSPACE:
		case KEY_DC:
			return PK_K_BACKSPACE;
		case KEY_UP:
			return PK_K_UP;
		case KEY_DOWN:
			return PK_K_DOWN;
		default:
			return PK_K_OTHER;
		}
	}
	switch (wc) {
	case '\r':
	case '\n':
		return PK_K_ENTER;
	case 27:
		return PK_K_ESC;
	case 127:
	case 8:
		return PK_K_BACKSPACE;
	default:
		return (int)wc;
	}
}

/* The notice of a terminal that draws English only. */
static const char *const latin_only_notice =
	N_("This terminal cannot draw Burmese or Hindi: the kiosk shows English");

bool pk_app_term_draws(const char *term, pk_lang lang)
{
	if (lang == PK_LANG_EN || !term)
		return true;
	return strcmp(term, "linux") != 0 && strncmp(term, "linux-", 6) != 0;
}

static void show_notice(pk_app *app, const char *msgid)
{
	app->notice = msgid;
	app->notice_inputs = app->inputs;
	app->dirty = true;
}

static void switch_language(pk_app *app)
{
	pk_lang cur = pk_i18n_lang(), next = pk_lang_next(cur);
	while (next != cur && !pk_app_term_draws(app->term, next))
		next = pk_lang_next(next);
	if (next == cur) { /* nothing else this terminal can draw */
		show_notice(app, latin_only_notice);
		return;
	}
	pk_i18n_set_lang(next);
	pk_error err;
	/* The sale keeps going; its record notes the customer's language. */
	pk_flow_set_lang(app->flow, next, &err);
	app->dirty = true;
}

/* Keys taken before any screen sees them (tig's global requests): the
 * language on every screen, and the self-service lock on the home screen
 * (customers see the payments only; leaving needs the supervisor PIN). */
static bool global_key(pk_app *app, int key)
{
	if (key == '*') {
		switch_language(app);
		return true;
	}
	if (!pk_app_locked(app) || app->modal || !pk_screen_is(app->screen, &pk_home_ops))
		return false;
	switch (key) {
	case '3': /* open sales and the day's sales are the shop's, */
	case '4': /* not the customers' */
		return true;
	case PK_K_ESC:
		pk_app_ask(app, pk_unlock_new());
		return true;
	default:
		return false;
	}
}

static void dispatch(pk_app *app, int key)
{
	if (global_key(app, key)) {
		app->dirty = true;
		return;
	}
	pk_screen *target = app->modal ? app->modal : app->screen;
	int r = target->ops->key ? target->ops->key(target, app, key) : PK_KEY_UNUSED;
	if (r != PK_KEY_UNUSED)
		app->dirty = true;
}

void pk_app_take_key(pk_app *app, int key)
{
	app->last_key_ms = app->now_ms;
	app->inputs++;
	dispatch(app, key);
	apply_pending(app);
	route(app);
	apply_pending(app);
}

static void read_keys(pk_app *app)
{
	int fifo_keys[256];
	size_t n = pk_testhook_read_keys(app->hook, fifo_keys, 256);
	for (size_t i = 0; i < n && !app->quit; i++)
		pk_app_take_key(app, fifo_keys[i]);
	for (int i = 0; i < 256 && !app->quit; i++) {
		wint_t wc;
		int rc = wget_wch(stdscr, &wc);
		if (rc == ERR)
			return;
		if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
			/* Everything is laid out from LINES/COLS at draw time. */
			pk_sixel_resized(app->sixel);
			app->dirty = true;
			continue;
		}
		pk_app_take_key(app, translate_key(rc, wc));
	}
}

/* ---- the loop ----------------------------------------------------------- */

/* Nobody touched the keys for idle_timeout: a sale being typed (nothing
 * sent yet), a report or a question goes back home.  A sale the gateway
 * knows is never dropped this way: its own screens and timers decide. */
void pk_app_idle_check(pk_app *app)
{
	int64_t idle_ms = (int64_t)app->cfg->idle_timeout * 1000;
	if (app->now_ms - app->last_key_ms < idle_ms)
		return;
	pk_screen *cur = app->next ? app->next : app->screen;
	bool at_home = pk_screen_is(cur, &pk_home_ops);
	if (app->unlocked) { /* the supervisor walked away: lock again */
		app->unlocked = false;
		app->dirty = true;
		if (app->log)
			pk_log_event(app->log, PK_LOG_NOTICE, "kiosk_relock", "idle_s=%d",
				     app->cfg->idle_timeout);
		if (at_home && !app->modal)
			return;
	}
	if (at_home && !app->modal)
		return;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (v.sale && pk_state_in_progress(v.sale->state))
		return;
	app->last_key_ms = app->now_ms;
	if (app->log)
		pk_log_event(app->log, PK_LOG_INFO, "idle_home", "screen=%s idle_s=%d",
			     app->modal ? app->modal->ops->name : cur ? cur->ops->name : "-",
			     app->cfg->idle_timeout);
	if (at_home)
		pk_app_ask(app, NULL);
	else
		pk_app_home(app);
}

static pk_screen *first_screen(pk_app *app, const pk_app_options *o)
{
	if (o->recover_err && o->recover_err->kind != PK_OK) {
		app->recover_err = *o->recover_err;
		return pk_recovery_new();
	}
	if (o->recovery) {
		const pk_recovery_report *r = o->recovery;
		if (r->resumed || r->abandoned || r->reactivated || r->unconfirmed ||
		    r->waiting_id || r->unknown)
			return pk_recovery_new();
	}
	return pk_home_new();
}

int pk_app_init(pk_app *app, const pk_app_options *o, pk_error *err)
{
	memset(app, 0, sizeof *app);
	app->cfg = o->cfg;
	app->flow = o->flow;
	app->training = o->training;
	app->log = o->log;
	app->kiosk = o->cfg->kiosk;
	app->exit_after_first_frame = o->exit_after_first_frame;
	if (o->recovery)
		app->recovery = *o->recovery;
	app->now_ms = mono_ms();
	app->last_key_ms = app->now_ms;
	app->term = o->term;
	pk_lang lang = pk_i18n_lang();
	if (!pk_app_term_draws(app->term, lang)) {
		if (app->log)
			pk_log_event(app->log, PK_LOG_WARNING, "lang_fallback",
				     "lang=%s term=%s shown=en", pk_lang_code(lang), app->term);
		pk_i18n_set_lang(PK_LANG_EN);
		show_notice(app, latin_only_notice);
	}
	app->screen = first_screen(app, o);
	if (!app->screen)
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	if (app->screen->ops->enter)
		app->screen->ops->enter(app->screen, app);
	if (pk_screen_is(app->screen, &pk_home_ops))
		route(app);
	apply_pending(app);
	app->dirty = true;
	return 0;
}

void pk_app_free(pk_app *app)
{
	pk_screen_free(app->next_modal);
	pk_screen_free(app->next);
	pk_screen_free(app->modal);
	pk_screen_free(app->screen);
	app->next_modal = app->next = app->modal = app->screen = NULL;
}

/* The quit signals the pump read: INT, TERM, HUP are a clean stop - but a
 * locked kiosk leaves only on TERM (the service manager) or HUP (its
 * terminal is gone), never on an interrupt. */
static void take_signals(pk_app *app, const pk_pump_wake *wake)
{
	for (int i = 0; i < wake->nsignals; i++) {
		if (!(app->kiosk && wake->signals[i] == SIGINT))
			app->quit = true;
		else if (app->log)
			pk_log_event(app->log, PK_LOG_NOTICE, "kiosk_ignored", "signal=INT");
	}
}

pk_graphics pk_app_graphics(pk_graphics env, const char *kiosk_term, const char *screen_term)
{
	if (!pk_app_term_draws(screen_term, PK_LANG_MY) ||
	    !pk_app_term_draws(screen_term, PK_LANG_HI))
		return PK_GRAPHICS_TEXT;
	if (env != PK_GRAPHICS_AUTO)
		return env;
	if (screen_term && kiosk_term && strcmp(screen_term, kiosk_term) != 0)
		return PK_GRAPHICS_TEXT; /* not the terminal that answered */
	return PK_GRAPHICS_AUTO;
}

/* Before ncurses takes the terminal: ask it about itself, once
 * (ui/termprobe.h: the text route's width model, and whether it draws
 * sixel images, its cell size and colours; kept in app for the customer
 * display), then decide the graphics (pk_app_graphics). */
static int open_terminal(pk_app *app, pk_error *err)
{
	char model[256] = "";
	pk_error perr;
	app->probed = pk_termprobe_startup(STDIN_FILENO, STDOUT_FILENO, PK_TERMPROBE_TIMEOUT_MS,
					   &app->probe, model, sizeof model, &perr) == 0;
	if (app->log)
		pk_log_event(app->log, PK_LOG_INFO, "terminal",
			     "answered=%d sixel=%d ms=%d model=\"%s\"",
			     app->probed && app->probe.answered, app->probed && app->probe.sixel,
			     app->probed ? app->probe.elapsed_ms : 0, model);
	const char *env = getenv("PAYKIOSK_GRAPHICS");
	if (pk_graphics_parse(env, &app->graphics) < 0 && app->log)
		pk_log_event(app->log, PK_LOG_WARNING, "graphics_env",
			     "ignored=1 want=sixel|text");
	pk_sixel_options so = { .mode = pk_app_graphics(app->graphics, app->term, app->term),
				.probe = app->probed ? &app->probe : NULL,
				.out_fd = STDOUT_FILENO };
	if (pk_sixel_open(&app->sixel, &so, err) < 0)
		return -1;
	char how[128];
	if (app->log)
		pk_log_event(app->log, PK_LOG_INFO, "graphics", "%s",
			     pk_sixel_describe(app->sixel, how, sizeof how));
	return 0;
}

int pk_app_run(const pk_app_options *opts, pk_error *err)
{
	pk_app_options run = *opts;
	if (!run.term)
		run.term = getenv("TERM");
	const pk_app_options *o = &run;
	pk_app app;
	if (pk_app_init(&app, o, err) < 0)
		return -1;
	if (pk_testhook_open(&app.hook, err) < 0) {
		pk_app_free(&app);
		return -1;
	}
	if (open_terminal(&app, err) < 0) {
		pk_testhook_close(app.hook);
		pk_app_free(&app);
		return -1;
	}
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		pk_sixel_free(app.sixel);
		pk_testhook_close(app.hook);
		pk_app_free(&app);
		return pk_error_set(err, PK_ERR_IO,
				    _("Cannot use this terminal (is TERM set correctly?)"));
	}
	pk_app_install_crash_handlers();
	if (app.kiosk) {
		/* Ctrl-C, Ctrl-Z, Ctrl-\ and flow control arrive as plain keys
		 * (ignored) instead of signals; job-control signals from anyone
		 * else are ignored too. */
		raw();
		signal(SIGTSTP, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTTIN, SIG_IGN);
		signal(SIGTTOU, SIG_IGN);
	} else {
		cbreak();
	}
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	bind_keypad();
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	pk_colors_init();
	const char *cust_path = o->cfg->customer_display;
	if (cust_path && *cust_path) {
		const char *ct = o->cfg->customer_display_term;
		const char *cterm = ct && *ct ? ct : app.term;
		pk_custdisp_options co = { .path = cust_path,
					   .term = cterm,
					   .log = app.log,
					   .hook = app.hook,
					   .main_screen = scr,
					   .graphics = pk_app_graphics(app.graphics, app.term, cterm),
					   .probe = app.probed ? &app.probe : NULL };
		if (pk_custdisp_new(&app.cust, &co, err) < 0) {
			pk_app_free(&app);
			endwin();
			delscreen(scr);
			pk_sixel_free(app.sixel);
			pk_testhook_close(app.hook);
			return -1;
		}
	}

	int64_t last_second = app.now_ms / 1000;
	int64_t last_frame = app.now_ms / 100;
	while (!app.quit) {
		app.now_ms = mono_ms();
		if (app.dirty) {
			redraw(&app);
			if (app.exit_after_first_frame)
				break;
			if (o->after_first_frame && app.frames == 1 &&
			    o->after_first_frame(o->after_first_frame_ud, err) < 0) {
				app.exit_status = 1;
				break;
			}
		}
		/* The customer's screen, from the same view (only when it
		 * changed); it never waits for its device. */
		if (app.cust && pk_custdisp_turn(app.cust, &app)) {
			pk_sixel_resized(app.sixel);
			app.dirty = true;
		}
		report_inputs(&app);

		struct pollfd fds[3] = { { .fd = STDIN_FILENO, .events = POLLIN },
					 { .fd = pk_testhook_keys_fd(app.hook), .events = POLLIN },
					 { .fd = -1 } };
		unsigned nfds = 2;
		if (app.cust)
			pk_custdisp_pollfd(app.cust, &fds[nfds++]);
		pk_pump_wake wake;
		pk_error perr;
		pk_pump_step(o->pump, fds, nfds, LOOP_MAX_WAIT_MS, &wake, &perr);
		if (app.cust)
			pk_custdisp_ready(app.cust, fds[2].revents);
		take_signals(&app, &wake);
		if (app.quit)
			break;
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			app.quit = true; /* the terminal went away */
			break;
		}
		app.now_ms = mono_ms();
		read_keys(&app);
		if (app.quit)
			break;

		if (app.screen->ops->tick)
			app.screen->ops->tick(app.screen, &app);
		pk_app_idle_check(&app);
		apply_pending(&app);
		route(&app);
		apply_pending(&app);

		pk_flow_view v;
		pk_flow_view_get(app.flow, &v);
		if (v.version != app.last_version) {
			app.last_version = v.version;
			app.dirty = true;
		}
		int64_t second = app.now_ms / 1000, frame = app.now_ms / 100;
		if (second != last_second)
			app.dirty = true;
		if (frame != last_frame && (v.busy || app.modal))
			app.dirty = true;
		last_second = second;
		last_frame = frame;
	}

	report_inputs(&app); /* the key that ended it */
	pk_custdisp_free(app.cust);
	pk_app_free(&app);
	endwin();
	delscreen(scr);
	pk_sixel_free(app.sixel);
	pk_testhook_close(app.hook);
	return app.exit_status;
}
