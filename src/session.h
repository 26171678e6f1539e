/* session.h - what taking payments needs, set up the same way for the
 * kiosk UI and for `paykiosk pay`: the training sandbox (in training mode),
 * the journal (locked: one payment taker per journal), the gateway client,
 * the sale controller with the log as observer, the link to the fleet hub
 * (when hub_url is set, never in training), and start-up recovery.
 *
 * The hub link (hublink/hublink.h) runs in its own thread; the session
 * wakes it after every journal state change and hands its messages to the
 * controller in the pump's step: a sale the hub says is paid (a verified
 * postback) is recorded paid, then news_after is stored.  While the hub
 * answers, the UPI status poll runs every hub_poll_interval seconds (the
 * postback is the faster word); when it does not, every poll_interval.
 * Log lines: event=hub_link, hub_up, hub_down reason=..., hub_news,
 * hub_events_acked seq=N, hub_events_retry. */
#ifndef PK_SESSION_H
#define PK_SESSION_H

#include <stdbool.h>

#include "common/config.h"
#include "common/log.h"
#include "gateway/gateway.h"
#include "hublink/hublink.h"
#include "journal/journal.h"
#include "sale/flow.h"
#include "sale/pump.h"
#include "training.h"

typedef struct pk_session {
	pk_training training;
	pk_journal *journal;
	gw_client *gw;
	pk_flow *flow;
	pk_pump *pump;               /* the one loop step (sale/pump.h) */
	char *journal_path;          /* training journal, malloc'd, or NULL */
	pk_recovery_report recovery;
	pk_error recover_err;        /* kind PK_OK unless recovery failed */
	pk_hublink *hub;             /* NULL: no hub (none configured, or training) */
	pk_log *log;
	int poll_interval;           /* the UPI status poll period without the hub */
	int hub_poll_interval;       /* ... and while the hub is healthy */
	bool hub_news_failed;        /* the batch being applied hit a journal error */
	/* pk_session_start_hub's: the configuration and the journal's path
	 * (the config's, or journal_path), kept from pk_session_open */
	const pk_config *cfg;
	const char *hub_journal;
	bool hub_asked;              /* pk_session_start_hub ran */
} pk_session;

/* Blocks the quit signals first (the pump reads them; before the training
 * sandbox or any thread starts).  journal_given: the journal was named (--journal/PAYKIOSK_JOURNAL) and is
 * used as is even in training.  The log must outlive the session. */
int pk_session_open(pk_session *s, const pk_config *cfg, bool journal_given, pk_log *log,
		    pk_error *err);
/* The hub link, when one is configured (never in training): pk_session_open
 * does not start it, so that the kiosk can draw its first frame before the
 * network stack is loaded (net.h); `pay` and `recheck` start it at once.
 * Its events come from the journal (outbox), so nothing recorded before it
 * starts is missed.  A second call does nothing.  0 or -1. */
int pk_session_start_hub(pk_session *s, pk_error *err);
void pk_session_close(pk_session *s);

#endif
