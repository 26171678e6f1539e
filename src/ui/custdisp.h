/* custdisp.h - the customer display: a second terminal (a second VT such
 * as /dev/tty2, or the pty of a second terminal window) facing the
 * customer, driven by the same process and the same loop as the
 * cashier's screen (ui/app.c) as a second ncurses SCREEN.
 *
 * What the customer sees is large and calm, with nothing to press: one
 * of a few views chosen from the flow's view (pk_custdisp_view_for):
 *   idle     no active sale (or one being typed): the shop's name, "Welcome"
 *   wait     the create in flight: the amount, "Please wait"
 *   upi      the amount and the QR as large as the display allows (full
 *            blocks, 2x1 cells a module, when it fits; else half blocks)
 *   wavepay  the wallet number and the amount, "Read out your transaction
 *            ID to the cashier"
 *   result   a word for the outcome (pk_custdisp_outcome_word), the amount
 * In training mode every view says TRAINING.  The language is the
 * cashier's (`*` switches both), except on a display whose terminal type
 * cannot draw it (pk_app_term_draws: the Linux console): English there.
 *
 * It never blocks the cashier: ncurses writes the customer's frames into
 * a pipe, the loop relays the pipe to the device with non-blocking
 * writes, and a new frame is drawn only when the last one has gone out.
 * The device may vanish and come back: it is checked once a second
 * (missing, replaced by another device, hung up, a write failing), closed
 * and logged (customer_display_lost), and opened again when it is there
 * (customer_display_open).  Its size is read from the device every turn.
 *
 * Burmese and Hindi runs are drawn as sixel images as on the cashier's
 * screen (ui/sixel.h), by a pk_sixel of the display's own, made each time
 * the device opens (its cell size: the device's pixel size over its rows
 * and columns, which foot fills in; else the cashier's), when
 * pk_app_graphics says so.  The images of a frame go out right after its
 * text (they are written into a memory file the relay sends once the
 * pipe is empty: never a blocking write, whatever their size). */
#ifndef PK_UI_CUSTDISP_H
#define PK_UI_CUSTDISP_H

#include <poll.h>
#include <stdbool.h>

#include "common/error.h"
#include "common/log.h"
#include "layout/qr.h"
#include "model/record.h"
#include "sale/flow.h"
#include "ui/sixel.h"

typedef struct pk_app pk_app;
typedef struct pk_testhook pk_testhook;

/* The customer views: X(ID, name for the test hook). */
#define PK_CUST_VIEWS(X) \
	X(IDLE, "idle") \
	X(WAIT, "wait") \
	X(UPI, "upi") \
	X(WAVEPAY, "wavepay") \
	X(RESULT, "result")

typedef enum pk_cust_view {
#define PK_X_ENUM(id, name) PK_CUST_##id,
	PK_CUST_VIEWS(PK_X_ENUM)
#undef PK_X_ENUM
	PK_CUST__COUNT
} pk_cust_view;

/* Which view shows this (pure: the sale's stage, ui/app.h). */
pk_cust_view pk_custdisp_view_for(const pk_flow_view *v);
const char *pk_custdisp_view_name(pk_cust_view view);
/* What the result view says for an outcome: an N_() text (translate
 * with _()), NULL for none (a sale being set up). */
const char *pk_custdisp_outcome_word(pk_outcome o);

/* Where the UPI view puts its QR, rows x cols of display below the
 * banner, next to a text block tw columns wide, th_big rows high with big
 * digits and th_small without: the largest modules first (full blocks,
 * 2x1 cells each, then half blocks), and for each shape beside the text,
 * below it (with big digits, then without), alone.  -1 (TOO_LARGE) when
 * no code fits at all. */
typedef enum pk_cust_qr_place {
	PK_CQ_BESIDE = 0,
	PK_CQ_BELOW_BIG,
	PK_CQ_BELOW_SMALL,
	PK_CQ_ALONE,
	PK_CQ__COUNT
} pk_cust_qr_place;
int pk_custdisp_fit_qr(const char *link, int rows, int cols, int tw, int th_big, int th_small,
		       pk_cust_qr_place *place, pk_qr *qr, pk_error *err);

typedef struct pk_custdisp pk_custdisp;

typedef struct pk_custdisp_options {
	const char *path;      /* the device (or a symlink to it) */
	const char *term;      /* its terminal type */
	pk_log *log;           /* may be NULL */
	pk_testhook *hook;     /* may be NULL */
	void *main_screen;     /* the cashier's ncurses SCREEN * */
	/* Burmese and Hindi runs as images (ui/sixel.h): the mode decided by
	 * pk_app_graphics for this display's terminal type, and the cashier's
	 * start-up answer (NULL: none; copied) - the customer's device is
	 * never asked (its answer would stall the cashier). */
	pk_graphics graphics;
	const pk_termprobe_answer *probe;
} pk_custdisp_options;

/* Set up (nothing is opened yet: the first pk_custdisp_turn tries). */
int pk_custdisp_new(pk_custdisp **out, const pk_custdisp_options *o, pk_error *err);
/* Blank the customer's screen, restore the device, close it.  The
 * cashier's SCREEN is current again afterwards. */
void pk_custdisp_free(pk_custdisp *cd);
/* Once a loop turn, after the cashier's redraw: check the device (its
 * size every turn, its path once a second), open it when it is there,
 * draw the customer's view when it changed and the last frame went out,
 * relay.  Returns true when the cashier's screen must be repainted whole
 * (its windows were put back after the customer's screen was resized). */
bool pk_custdisp_turn(pk_custdisp *cd, pk_app *app);
/* The descriptor the loop's wait includes: the device (POLLOUT while a
 * frame is being relayed); fd -1 when closed. */
void pk_custdisp_pollfd(const pk_custdisp *cd, struct pollfd *pfd);
/* After the wait: what poll said about that descriptor. */
void pk_custdisp_ready(pk_custdisp *cd, short revents);

#endif
