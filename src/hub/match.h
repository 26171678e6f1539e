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
 * by pg_advisory_xact_lock (PK_HUB_SQL_LOCK_VALUES in sql.h: taken by
 * pk_hub_match_lock, by the insert of a new postback and by a rematch). */
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

/* A stored (or about to be stored) postback transaction, as a match
 * reads it: the columns of postback_txs. */
typedef struct pk_hub_tx_row {
	int64_t id;           /* postback_txs.id; 0 before the row is stored */
	const char *value;    /* match_value */
	const char *amount;   /* minor units as text; NULL: the postback had none */
	const char *currency;
	const char *txid;     /* transaction_id */
	bool trusted;         /* its postback verified */
} pk_hub_tx_row;

/* A row of PK_HUB_SQL_TX_FOR_MATCH (sql.h), its postback trusted or not. */
pk_hub_tx_row pk_hub_tx_row_of(const PGresult *r, int row, bool trusted);

typedef struct pk_hub_match {
	pk_hub_result result;
	bool news;            /* tell the kiosk: write the news once the row is stored */
	int64_t sale_id;      /* the sale the result holds (0: none) */
} pk_hub_match;

/* Take the transaction-scoped advisory locks of these values, in one
 * order every caller shares (so two transactions never wait on each
 * other).  Empty values are skipped. */
int pk_hub_match_lock(PGconn *c, const char *const *values, size_t n, pk_error *err);

/* Decide what t matches now (its value's lock held): look the sales up and
 * apply pk_hub_match_decide.  Writes nothing. */
int pk_hub_match_find(PGconn *c, pk_hub_match_field f, const pk_hub_tx_row *t,
		      pk_hub_match *m, pk_error *err);

/* The news of m's sale paid by stored row tx_id, once, with NOTIFY pk_news
 * (the caller's transaction). */
int pk_hub_match_news(PGconn *c, const pk_hub_match *m, int64_t tx_id, const char *txid,
		      pk_error *err);

/* Match stored row t now (its value's lock held): record the result, and
 * write the news + NOTIFY when the decision says so.  *result may be
 * NULL. */
int pk_hub_match_tx(PGconn *c, pk_hub_match_field f, const pk_hub_tx_row *t,
		    pk_hub_result *result, pk_error *err);

/* After events changed these sales: lock their values and match again
 * every verified transaction with one of them. */
int pk_hub_rematch_sales(PGconn *c, pk_hub_match_field f, const int64_t *sale_ids, size_t n,
			 pk_error *err);

#endif
