/* flow.h - the sale controller: the state machine of the sale in progress.
 * Screens call it with intents (pk_flow_start_*, _submit_key1, _cancel ...)
 * and read pk_flow_view_get(); it never draws.
 * Write-ahead: every request is recorded in the journal (state + ids)
 * before it is sent, every answer is recorded before the screen can see it.
 * Network calls go through the gateway client asynchronously; the main
 * loop calls pk_flow_tick() so the UPI status polls run on schedule.
 *
 * The states, what they mean and where each answer leads: model/record.h
 * (the table) and docs/STATES.md (the decision table).
 * Modules: flow.c (common), upi.c (UPI create + status poll schedule),
 *          wavepay.c (create + activate), recovery.c (start-up), report.c. */
#ifndef PK_FLOW_H
#define PK_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"
#include "model/record.h"

/* The controller's own parts, opaque here: whoever includes this header
 * (the screens) sees sales, not SQLite or HTTP. */
typedef struct gw_client gw_client;
typedef struct pk_journal pk_journal;

typedef struct pk_flow pk_flow;

typedef struct pk_flow_settings {
	int poll_interval_s;   /* UPI status poll period */
	int poll_timeout_s;    /* UPI: after this, the sale becomes unconfirmed */
} pk_flow_settings;

/* A clock the tests can drive: monotonic milliseconds and wall seconds. */
typedef struct pk_clock {
	int64_t (*mono_ms)(void *ud);
	time_t (*wall)(void *ud);
	void *ud;
} pk_clock;
extern const pk_clock pk_clock_system;

/* What the screen sees of the sale in progress. */
typedef struct pk_flow_view {
	const pk_sale *sale;     /* NULL when no sale is active */
	bool busy;               /* a request is in flight (spinner) */
	int64_t next_poll_ms;    /* UPI: ms until the next status request, -1 none */
	int64_t remaining_s;     /* UPI: seconds left until poll_timeout, -1 none */
	const pk_error *last_error; /* the last transport/gateway problem, kind PK_OK if none;
	                               a transient poll error leaves the sale awaiting */
	bool gave_up;            /* the re-sends allowed (pk_flow_set_retries) are used up
	                            and the request still has no usable answer */
	unsigned version;        /* changes on every change: redraw when it moves */
} pk_flow_view;

/* Who else wants to know (the log, a POS caller): told after each state
 * is on disk, and of each transport/gateway problem.  Must not call back
 * into the flow. */
typedef struct pk_flow_observer {
	/* sale is in its new state; from == sale->state for a just-inserted sale */
	void (*state)(void *ud, const pk_sale *sale, pk_sale_state from, const char *note);
	void (*problem)(void *ud, const pk_sale *sale, const pk_error *e);
	void *ud;
} pk_flow_observer;

int pk_flow_new(pk_flow **out, pk_journal *journal, gw_client *gw,
		const pk_flow_settings *settings, const pk_clock *clock, pk_error *err);
void pk_flow_free(pk_flow *f);
/* Replace the observer (NULL: none).  The struct is copied. */
void pk_flow_set_observer(pk_flow *f, const pk_flow_observer *o);

/* What the intents below return: 0 done; -1 refused, nothing written
 * (err says why: the screen that asked shows it); PK_FLOW_RECORDED the
 * journal has it but the request could not go out (err, and the view's
 * last_error, say why; the sale's own screen offers retry or give up). */
#define PK_FLOW_RECORDED 1

/* Start a sale: record it (new, ctid), then creating, then send the create.
 * Refused (INVALID/STATE) while another sale is active. */
int pk_flow_start_upi(pk_flow *f, int64_t amount_paise, const char *label, pk_lang lang,
		      pk_error *err);
int pk_flow_start_wavepay(pk_flow *f, int64_t amount_mmk, const char *label, pk_lang lang,
			  pk_error *err);
/* Wavepay: the customer's transaction ID (already normalised to ASCII
 * digits).  From awaiting_txid, or from not_found/failed-by-transport for a
 * corrected/retried ID: the same key1 keeps the ctid, a new key1 gets a new
 * attempt ctid. */
int pk_flow_submit_key1(pk_flow *f, const char *key1, pk_error *err);
/* UPI: the cashier cancels.  Stops polling, asks the status one last time;
 * if it was paid meanwhile the sale ends paid, else cancelled. */
int pk_flow_cancel(pk_flow *f, pk_error *err);
/* Give up a sale whose create failed or never answered: no QR / wallet was
 * shown, so no money can have moved -> abandoned.  Wavepay awaiting_txid
 * (the cashier says the customer did not pay) -> cancelled. */
int pk_flow_abandon(pk_flow *f, pk_error *err);
/* Retry the request that failed with a transport error (same ctid). */
int pk_flow_retry(pk_flow *f, pk_error *err);
/* Leave the sale (result screen -> home): only one that is not in progress
 * (final, or listed under open sales, where it stays). */
void pk_flow_close(pk_flow *f);
/* Change the language recorded for the active sale. */
int pk_flow_set_lang(pk_flow *f, pk_lang lang, pk_error *err);

/* The sales listed under "open sales" (the state table's listed states),
 * newest first; free with pk_sale_list_free. */
int pk_flow_list_open(pk_flow *f, pk_sale_list *out, pk_error *err);

/* Re-check an open sale from the journal now (UPI: one status request;
 * Wavepay: re-send the identical activation).  Makes it the active sale. */
int pk_flow_recheck(pk_flow *f, int64_t sale_id, pk_error *err);

/* A person closes an open sale (listed under open sales) as not paid:
 * cancelled, the history line saying who and why.  Makes it the active
 * sale (its result shows). */
int pk_flow_close_unpaid(pk_flow *f, int64_t sale_id, const char *who, const char *reason,
			 pk_error *err);

typedef struct pk_recovery_report {
	int resumed;      /* UPI sales polling again (the first becomes active) */
	int abandoned;    /* creates that never got an answer */
	int reactivated;  /* Wavepay activations re-sent */
	int unconfirmed;  /* UPI past their deadline */
	int waiting_id;   /* Wavepay sales back at their ID screen (the first active) */
	int unknown;      /* Wavepay activations left not known (another sale went first) */
} pk_recovery_report;
/* On start-up, before the home screen (see the journal issue). */
int pk_flow_recover(pk_flow *f, pk_recovery_report *report, pk_error *err);

/* The retry policy: a create or activation without a usable answer is
 * sent again (the same ctid: the identical request) up to `retries` times,
 * gap_ms apart, by the controller itself; then the view says gave_up and
 * the front end decides (pay: abandon if nothing was shown, else stop with
 * the sale open).  0 (the kiosk): only the cashier's Enter re-sends. */
void pk_flow_set_retries(pk_flow *f, int retries, int gap_ms);

/* Re-check open sales in the background: one every every_s seconds (0:
 * never, as in `pay`), those younger than max_age_s only (recheck.c). */
void pk_flow_set_recheck(pk_flow *f, int every_s, int max_age_s);

/* One re-check pass now (`paykiosk recheck`): every open sale the table
 * re-checks and younger than max_age_s (0: any age), one request at a
 * time, each answer recorded (the observer hears of each change); each
 * request waits at most timeout_ms.  *asked: how many were asked.  -1 when
 * one of them got no answer (it stays as it was). */
int pk_flow_recheck_pass(pk_flow *f, int max_age_s, int timeout_ms, int *asked, pk_error *err);

/* Drive timers (UPI polls, deadlines, background re-checks).  Call every
 * loop iteration. */
int pk_flow_tick(pk_flow *f, pk_error *err);
/* ms until the flow needs a tick, for the loop's wait (-1: no timer). */
int pk_flow_timeout_ms(const pk_flow *f);
void pk_flow_view_get(const pk_flow *f, pk_flow_view *view);

/* The UPI status poll period from now on (seconds > 0): the session
 * stretches it while the hub brings the gateway's postbacks, and goes back
 * to poll_interval when the hub is not healthy.  A poll due later than the
 * new period is brought forward. */
void pk_flow_set_poll_interval(pk_flow *f, int seconds);

/* What a verified "paid" postback (brought by the hub) did to a sale. */
typedef enum pk_flow_pb {
	PK_FLOW_PB_PAID = 0,      /* the sale was open: recorded paid now */
	PK_FLOW_PB_ALREADY_PAID,  /* nothing to do */
	PK_FLOW_PB_FINAL,         /* final not paid, cancelled or abandoned: left as it is
	                             (the hub reports the mismatch to a person) */
	PK_FLOW_PB_NOT_SHOWN,     /* being set up (no QR or wallet shown yet): left as it is */
	PK_FLOW_PB_MISMATCH,      /* open, but another amount or currency: left open */
	PK_FLOW_PB_UNKNOWN_SALE,  /* no sale has this id or ctid */
	PK_FLOW_PB__COUNT
} pk_flow_pb;
/* Stable name for logs: "paid", "already_paid", "final", "not_shown",
 * "amount_mismatch", "unknown_sale". */
const char *pk_flow_pb_name(pk_flow_pb r);

/* The gateway says (by a postback the hub verified and matched) that the
 * sale with this ctid is paid: transaction_id, amount (minor units) and
 * currency ("INR", "MMK") as the postback has them.  An open sale with the
 * same amount and currency is recorded paid (history note "postback
 * <transaction_id>") before anything shows it; if it is the sale on screen,
 * its view turns paid exactly as for the gateway's own answer (the
 * observer hears of it), and its request in flight and its polls stop.
 * Anything else is left as it is (*what says why).  -1 only when the
 * journal cannot be read or written (err). */
int pk_flow_postback_paid(pk_flow *f, const char *ctid, const char *transaction_id,
			  int64_t amount, const char *currency, pk_flow_pb *what, pk_error *err);
/* The same for the sale the hub names by its journal id (sale_id, the
 * sales.id its events carried), whatever its ctid is now: a corrected
 * Wavepay ID gives the sale a new ctid, and news about the earlier one
 * still pays the right sale.  sale_id 0 (an older hub), or an id this
 * journal does not have: the sale is looked up by ctid. */
int pk_flow_postback_paid_sale(pk_flow *f, int64_t sale_id, const char *ctid,
			       const char *transaction_id, int64_t amount, const char *currency,
			       pk_flow_pb *what, pk_error *err);

/* Training: ask the sandbox to settle the active UPI order. */
int pk_flow_training_settle(pk_flow *f, bool paid, pk_error *err);

#endif
