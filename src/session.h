/* session.h - what taking payments needs, set up the same way for the
 * kiosk UI and for `paykiosk pay`: the training sandbox (in training mode),
 * the journal (locked: one payment taker per journal), the gateway client,
 * the sale controller with the log as observer, and start-up recovery. */
#ifndef PK_SESSION_H
#define PK_SESSION_H

#include <stdbool.h>

#include "common/config.h"
#include "common/log.h"
#include "gateway/gateway.h"
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
} pk_session;

/* Blocks the quit signals first (the pump reads them; before the training
 * sandbox or any thread starts).  journal_given: the journal was named (--journal/PAYKIOSK_JOURNAL) and is
 * used as is even in training.  The log must outlive the session. */
int pk_session_open(pk_session *s, const pk_config *cfg, bool journal_given, pk_log *log,
		    pk_error *err);
void pk_session_close(pk_session *s);

#endif
