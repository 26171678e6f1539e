/* match.h - tying a postback's transaction to a sale (docs/HUB.md
 * "Matching"), in one place.
 *
 * A verified transaction closes a sale automatically only when the match
 * is unambiguous: exactly one sale has the value, its kiosk's last word is
 * open (not_known), amount and currency are the same, and no other
 * transaction already paid it.  Then a news row is written for the kiosk
 * and NOTIFY pk_news says which kiosk, in the caller's transaction.
 * Everything else is recorded as the result (model.h) for the report.
 *
 * A transaction is matched when its postback is stored, and again each time
 * an event for a sale with its value arrives (a postback before the
 * kiosk's events; the kiosk recording the sale as paid turns "closed" into
 * "confirmed").  Matches of one value are serialised across hub instances
 * by pg_advisory_xact_lock (pk_hub_match_lock). */
#ifndef PK_HUB_MATCH_H
#define PK_HUB_MATCH_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/postback.h"
#include "hub/hubconf.h"
#include "hub/model.h"

/* What the decision needs to know. */
typedef struct pk_hub_match_in {
	bool trusted;         /* the postback's signature verified */
	bool has_value;       /* the match field is not empty */
	int nsales;           /* sales with that value: 0, 1, or 2 for "several" */
	/* about the one sale (nsales == 1): */
	pk_hub_outcome outcome;   /* its kiosk's last word */
	bool same_money;          /* transaction amount known, equal, same currency */
	bool other_payment;       /* another transaction (another transaction_id)
	                             already holds the sale */
} pk_hub_match_in;

typedef struct pk_hub_match_out {
	pk_hub_result result;
	bool news;            /* tell the kiosk: the sale is paid */
} pk_hub_match_out;

/* The decision table.  Pure. */
pk_hub_match_out pk_hub_match_decide(const pk_hub_match_in *in);

/* The postback side's value for a field: a transaction's
 * plugin_custom_order_id or transaction_id, or the postback's label. */
const char *pk_hub_tx_match_value(pk_hub_match_field f, const pk_postback *pb,
				  const pk_pb_tx *tx);

/* Take the transaction-scoped advisory locks of these values, in one
 * order every caller shares (so two transactions never wait on each
 * other).  Empty values are skipped. */
int pk_hub_match_lock(PGconn *c, const char *const *values, size_t n, pk_error *err);

/* Match postback_txs row tx_id now (its value's lock held): record the
 * result, and write the news + NOTIFY when the decision says so.
 * *result may be NULL. */
int pk_hub_match_tx(PGconn *c, pk_hub_match_field f, int64_t tx_id, pk_hub_result *result,
		    pk_error *err);

/* After events changed these sales: lock their values and match again
 * every verified transaction with one of them. */
int pk_hub_rematch_sales(PGconn *c, pk_hub_match_field f, const int64_t *sale_ids, size_t n,
			 pk_error *err);

#endif
