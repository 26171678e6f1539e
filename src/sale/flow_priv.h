/* flow_priv.h - the sale controller's insides, shared by flow.c, upi.c,
 * wavepay.c and recovery.c only.  Screens use flow.h. */
#ifndef PK_FLOW_PRIV_H
#define PK_FLOW_PRIV_H

#include "gateway/gateway.h"
#include "journal/journal.h"
#include "sale/flow.h"

struct pk_flow {
	pk_journal *journal;
	gw_client *gw;
	pk_flow_settings settings;
	pk_clock clock;

	bool active;           /* f->sale is the sale in progress */
	pk_sale sale;          /* as last recorded in the journal */

	gw_req_id req;         /* the one sale request in flight, 0 = none */
	gw_call req_call;
	gw_req_id settle_req;  /* training settle, independent of the sale request */

	/* Re-sends the program decides on its own (pk_flow_set_retries). */
	int retries;           /* how many, 0: the cashier decides */
	int retry_gap_ms;
	int retries_done;      /* for the active sale */
	int64_t retry_at_ms;   /* the next one, 0: none scheduled */

	bool polling;          /* UPI status schedule running */
	int64_t next_poll_ms;  /* monotonic time of the next status request */
	bool cancelling;       /* UPI: the final status request after cancel */

	pk_error last_error;
	unsigned version;
	pk_flow_observer observer;

	/* Open sales re-checked in the background (recheck.c). */
	struct {
		int every_s;         /* 0: off */
		int max_age_s;       /* older sales stay listed, not re-checked */
		gw_req_id req;       /* the one background request in flight */
		int64_t sale_id;     /* its sale */
		int64_t last_id;     /* round robin: the sale asked about last */
		int64_t next_ms;     /* monotonic time of the next one */
	} bg;
};

int64_t flow_mono(const pk_flow *f);
time_t flow_wall(const pk_flow *f);
void flow_changed(pk_flow *f);
/* Record `next` (a full copy of the sale with new fields) in state `to`;
 * on success it replaces f->sale (ownership of next->qr_data moves), on
 * failure next is cleared and f->sale stays as it was. */
int flow_commit(pk_flow *f, pk_sale *next, pk_sale_state to, const char *note,
		pk_error *err);
/* Copy f->sale into *next for editing (deep). */
int flow_edit(pk_flow *f, pk_sale *next, pk_error *err);
/* Remember a transport/gateway problem for the screen. */
void flow_set_error(pk_flow *f, const pk_error *e);
/* Store the gateway's message (cleaned) or the error's message in sale->message. */
void flow_note_message(pk_sale *s, const gw_result *res);
/* Make f the active sale (takes ownership of sale's qr_data). */
void flow_activate(pk_flow *f, pk_sale *sale);
void flow_drop_request(pk_flow *f);
/* Tell the observer: `sale` was recorded in its state, coming from `from`. */
void flow_tell_state(pk_flow *f, const pk_sale *sale, pk_sale_state from, const char *note);
void flow_done(void *ud, const gw_result *res);
/* Send the sale's request of this call (create, status, activate) with
 * what the journal already has; the answer comes to flow_done.  -1 when it
 * could not start (the view's last_error says why). */
int flow_send(pk_flow *f, gw_call call, pk_error *err);

/* upi.c */
void upi_start_polling(pk_flow *f, int64_t first_in_ms);
void upi_on_create(pk_flow *f, const gw_result *res);
void upi_on_status(pk_flow *f, const gw_result *res);
int upi_tick(pk_flow *f, pk_error *err);
int upi_past_deadline(const pk_flow *f);

/* What a status answer decides for a UPI sale: true and *to when it is
 * final (success, failed); false for everything else. */
bool upi_status_decides(const gw_result *res, pk_sale_state *to, const char **note);

/* recheck.c */
void recheck_tick(pk_flow *f);
/* The foreground takes sale_id over: forget a background request for it. */
void recheck_forget(pk_flow *f, int64_t sale_id);
/* The answer to the background request about f->bg.sale_id. */
void recheck_done(void *ud, const gw_result *res);

/* wavepay.c */
/* The state an activation answer records (the decision table). */
pk_sale_state wavepay_answer_state(const gw_result *res, const char **note);
void wavepay_on_create(pk_flow *f, const gw_result *res);
void wavepay_on_activate(pk_flow *f, const gw_result *res);

#endif
