/* app.h - the kiosk's event loop and the state the screens share.
 * One loop (app.c) waits through the pump (sale/pump.h: stdin, the quit
 * signals and the gateway at once), routes the sale's state to its screen,
 * dispatches keys (global ones first: the language, the kiosk lock) and
 * redraws only when something changed.  The UI sees the sale controller
 * (sale/flow.h), never the journal or the gateway: the build gives src/ui
 * no way to include them. */
#ifndef PK_APP_H
#define PK_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "common/config.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/log.h"
#include "layout/qr.h"
#include "sale/flow.h"
#include "sale/pump.h"
#include "ui/sixel.h"
#include "ui/termprobe.h"

typedef struct pk_screen pk_screen;
typedef struct pk_testhook pk_testhook;
typedef struct pk_sixel pk_sixel;
typedef struct pk_custdisp pk_custdisp;

/* The stages of a sale, the one grouping of its states: the cashier's
 * screen for each (routing, app.c) and the customer display's view
 * (ui/custdisp.h) both follow it. */
typedef enum pk_stage {
	PK_STAGE_WAIT = 0,   /* new, creating: the create in flight */
	PK_STAGE_UPI,        /* awaiting_payment: the QR */
	PK_STAGE_WAVEPAY,    /* the ID, its activation and its open answers */
	PK_STAGE_RESULT,     /* everything else */
	PK_STAGE__COUNT
} pk_stage;
pk_stage pk_app_stage(pk_sale_state st);

typedef struct pk_app {
	const pk_config *cfg;
	pk_flow *flow;
	bool training;           /* trainer keys and the banner */
	pk_log *log;             /* operational log */
	bool kiosk;              /* self-service lock (--kiosk) */
	bool unlocked;           /* --kiosk: the supervisor gave the PIN (until idle) */
	int64_t last_key_ms;     /* monotonic time of the last key (idle timeout) */
	int pin_failures;        /* wrong supervisor PINs in a row */
	int64_t pin_locked_until_ms; /* no PIN is taken before this (monotonic) */
	bool exit_after_first_frame;

	pk_screen *screen;       /* the screen shown */
	pk_screen *modal;        /* a question over it (confirm), or NULL */
	pk_screen *next;         /* switch to this after the current dispatch */
	pk_screen *next_modal;
	bool modal_pending;      /* next_modal (maybe NULL: close) takes effect */

	bool quit;
	int exit_status;
	/* The test harness's view (PAYKIOSK_TEST_HOOK), or NULL. */
	pk_testhook *hook;
	/* Burmese / Devanagari runs as images (ui/sixel.h), or NULL: text. */
	pk_sixel *sixel;
	/* PAYKIOSK_GRAPHICS, and what the cashier's terminal said at start-up
	 * (probed false: nothing): the customer display's images follow
	 * them (pk_app_graphics) without asking its own device. */
	pk_graphics graphics;
	bool probed;
	pk_termprobe_answer probe;
	/* The customer display (ui/custdisp.h), or NULL: none configured. */
	pk_custdisp *cust;
	/* The UPI QR's app link (`+` cycles it), on both screens; back to
	 * the universal link when another sale becomes the active one. */
	pk_upi_app upi_app;
	/* $TERM: which languages it can draw (pk_app_term_draws). */
	const char *term;
	/* A one-line notice (an N_() text) over the key hints, shown until
	 * the next key: while inputs == notice_inputs. */
	const char *notice;
	unsigned long notice_inputs;
	unsigned long inputs;          /* keys consumed so far */
	unsigned long inputs_reported; /* the count the harness was last told */
	unsigned long frames;          /* frames drawn so far */
	bool dirty;
	int64_t now_ms;          /* monotonic, updated every loop turn */

	/* Routing: the sale state the screens last followed. */
	bool routed_active;
	int64_t routed_id;
	pk_sale_state routed_state;
	unsigned last_version;

	/* The sale being set up (before pk_flow_start_*). */
	char sale_label[PK_LABEL_MAX + 1];

	pk_recovery_report recovery;
	bool recovered;
	pk_error recover_err;    /* kind PK_OK unless recovery failed */
} pk_app;

typedef struct pk_app_options {
	const pk_config *cfg;
	pk_flow *flow;
	pk_pump *pump;                      /* the loop step (not owned) */
	bool training;
	bool exit_after_first_frame;
	pk_log *log;                        /* operational log (not owned) */
	const pk_recovery_report *recovery; /* NULL: nothing to tell */
	const pk_error *recover_err;        /* NULL or kind PK_OK: recovery went fine */
	/* The terminal type (pk_app_term_draws); NULL: pk_app_run uses $TERM,
	 * pk_app_init takes it as one that draws every language. */
	const char *term;
	/* Called once, right after the first frame is on the screen (the
	 * kiosk starts its hub link there: the first frame never waits for
	 * the network stack); NULL: nothing.  -1 (err set) stops the kiosk. */
	int (*after_first_frame)(void *ud, pk_error *err);
	void *after_first_frame_ud;
} pk_app_options;

/* Set up the terminal, run until the cashier quits or a signal (INT, TERM,
 * HUP) arrives, restore the terminal.  Returns the exit status (0 normal,
 * 1 runtime error).  The caller must have blocked SIGINT/SIGTERM/SIGHUP
 * (pk_app_block_signals) before starting threads or children. */
int pk_app_run(const pk_app_options *opts, pk_error *err);
/* Crash signals restore the terminal then re-raise. */
void pk_app_install_crash_handlers(void);

/* For screens: show another screen after the current key/tick returns
 * (the old one is destroyed then).  s may be NULL (out of memory: ignored). */
void pk_app_show(pk_app *app, pk_screen *s);
/* Show a yes/no question over the current screen. */
void pk_app_ask(pk_app *app, pk_screen *confirm);
/* Go to the home screen (closing a finished sale). */
void pk_app_home(pk_app *app);
/* Show the screen for the active sale's state now. */
void pk_app_follow_sale(pk_app *app);
/* The self-service lock: --kiosk and no supervisor PIN given (or it timed
 * out).  Customers see the payments only; leaving needs the PIN. */
bool pk_app_locked(const pk_app *app);

/* Whether a terminal of type `term` ($TERM) can draw lang's script.  The
 * Linux console ("linux", "linux-*") draws no Burmese or Devanagari at
 * all; there the kiosk shows English and says so (pk_app_init, the `*`
 * key).  The one place this is decided. */
bool pk_app_term_draws(const char *term, pk_lang lang);

/* Whether a screen draws Burmese and Hindi runs as images, the one rule
 * for both screens: as pk_sixel_open's mode, with the cashier's start-up
 * answer as its probe (ui/sixel.h).  Never on a terminal type that
 * cannot draw the scripts at all (pk_app_term_draws); else as
 * PAYKIOSK_GRAPHICS says (env: sixel|text); else (AUTO) as the
 * cashier's terminal answered, for a screen of the kiosk's own terminal
 * type (screen_term NULL or equal to kiosk_term) - another type was not
 * asked, so text. */
pk_graphics pk_app_graphics(pk_graphics env, const char *kiosk_term, const char *screen_term);

/* The loop's parts, for tests without a terminal: set up an app on opts
 * (no ncurses), take one key as the loop would (global keys, the screen,
 * then routing), and the idle check at app->now_ms. */
int pk_app_init(pk_app *app, const pk_app_options *opts, pk_error *err);
void pk_app_free(pk_app *app);
void pk_app_take_key(pk_app *app, int key);
void pk_app_idle_check(pk_app *app);

#endif
