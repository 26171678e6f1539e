/* sql.h - the statements of the hub's request paths, in one table.
 *
 * Each is prepared once on every pooled connection, right after it is
 * opened (again after a reconnect: a new session has none), and run by name
 * (PQexecPrepared), so PostgreSQL parses and plans it once per connection,
 * not once per request.  The migrations, the report and the CLI commands
 * run their SQL once and keep using pk_hub_exec (db.h).
 *
 * X(ID, KIND, SQL).  KIND says what a statement's SQL depends on:
 *   PLAIN        nothing: prepared once;
 *   WITH_VALUE   the match_field: "%s" in SQL becomes the field's condition
 *                "sale s has the value $1"; prepared once per match_field;
 *   VALUES_OF    the match_field: "%s" becomes a query of the field's
 *                values (column val) of the sales whose id = ANY($1).
 * Parameters are text; every one whose type the SQL does not fix is cast,
 * so the prepared types are the intended ones. */
#ifndef PK_HUB_SQL_H
#define PK_HUB_SQL_H

#include <libpq-fe.h>

#include "common/error.h"
#include "hub/db.h"
#include "hub/hubconf.h"

/* The advisory locks of a set of match values (docs/HUB.md "Matching"):
 * one order for everybody, the distinct hashes ascending, so two
 * transactions never wait on each other.  SRC: a FROM item with a text
 * column val; empty values are skipped. */
#define PK_HUB_SQL_LOCK_VALUES(SRC) \
	"SELECT pg_advisory_xact_lock(" PK_HUB_SQL_INT(PK_HUB_LOCK_CLASS_MATCH) ", h) FROM" \
	" (SELECT DISTINCT hashtext(val) AS h FROM " SRC " WHERE val <> ''" \
	"  ORDER BY h OFFSET 0) AS k"

/* A sale's columns a match decision reads (match.c reads them by these
 * positions): id, kiosk, the kiosk's last outcome, money, and whether
 * another transaction (another transaction_id, not row $2) already holds
 * the sale ($4: the results that hold one).  A sub-select with LIMIT, not
 * EXISTS: a prepared statement's generic plan may turn EXISTS into one
 * scan of all of postback_txs; this stays a lookup by sale_id. */
#define PK_HUB_SQL_SALE_FOR_MATCH \
	"SELECT s.id, s.kiosk_id, s.outcome, s.amount, s.currency," \
	" (SELECT true FROM postback_txs o WHERE o.sale_id = s.id" \
	"  AND o.id <> $2::bigint AND o.transaction_id <> $3::text" \
	"  AND o.match_result = ANY($4::text[]) LIMIT 1) IS NOT NULL FROM sales s"

/* A postback transaction's columns a match reads (pk_hub_tx_row). */
#define PK_HUB_SQL_TX_FOR_MATCH "t.id, t.match_value, t.amount, t.currency, t.transaction_id"

#define PK_HUB_STATEMENTS(X) \
	/* A new postback, the locks of its match values ($5) taken first: \
	 * its id, or no row when its dedupe key is stored already. */ \
	X(PB_INSERT, PLAIN, \
	  "WITH l AS (" PK_HUB_SQL_LOCK_VALUES("unnest($5::text[]) AS u(val)") ")" \
	  " INSERT INTO postbacks (body, trust, problem, dedupe_key)" \
	  " SELECT $1::bytea, $2::text, $3::text, $4::text WHERE (SELECT count(*) FROM l) >= 0" \
	  " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id") \
	/* Seen again: count it; one that verifies now ($2) is trusted now \
	 * ($3: the trusted name). */ \
	X(PB_SEEN, PLAIN, \
	  "UPDATE postbacks SET times_seen = times_seen + 1, last_seen_at = now()," \
	  " trust = CASE WHEN $2::boolean THEN $3::text ELSE trust END," \
	  " problem = CASE WHEN $2::boolean THEN '' ELSE problem END" \
	  " WHERE dedupe_key = $1::text RETURNING id, trust, problem, times_seen") \
	/* Its transactions with result $2 (untrusted: never matched yet). */ \
	X(PB_TXS_WITH_RESULT, PLAIN, \
	  "SELECT " PK_HUB_SQL_TX_FOR_MATCH " FROM postback_txs t" \
	  " WHERE t.postback_id = $1::bigint AND t.match_result = $2::text ORDER BY t.idx") \
	X(PB_RESULTS, PLAIN, \
	  "SELECT match_result, count(*) FROM postback_txs WHERE postback_id = $1::bigint" \
	  " GROUP BY 1") \
	/* One element of additional_data[], with its match result (matched_at \
	 * now when $13). */ \
	X(TX_INSERT, PLAIN, \
	  "INSERT INTO postback_txs (postback_id, idx, wallet_type, currency, amount," \
	  " transaction_id, plugin_custom_order_id, activated_datetime, label, match_value," \
	  " match_result, sale_id, matched_at)" \
	  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12," \
	  " CASE WHEN $13::boolean THEN now() END) RETURNING id") \
	X(TX_MATCHED, PLAIN, \
	  "UPDATE postback_txs SET match_result = $2, sale_id = $3, matched_at = now()" \
	  " WHERE id = $1") \
	X(MATCH_LOCK, PLAIN, PK_HUB_SQL_LOCK_VALUES("unnest($1::text[]) AS u(val)")) \
	/* At most two sales with the value (two = several). */ \
	X(FIND_SALES, WITH_VALUE, PK_HUB_SQL_SALE_FOR_MATCH " WHERE %s ORDER BY s.id LIMIT 2") \
	/* The news of sale $1 paid by transaction row $2 ($3 its \
	 * transaction_id, $4 the outcome paid), once, and NOTIFY pk_news with \
	 * the kiosk. */ \
	X(NEWS_WRITE, PLAIN, \
	  "WITH n AS (INSERT INTO news (kiosk_id, sale_id, postback_tx_id," \
	  "  custom_transaction_id, order_id, outcome, amount, currency, transaction_id)" \
	  " SELECT s.kiosk_id, s.id, $2::bigint, s.custom_transaction_id, s.order_id, $4::text," \
	  "  s.amount, s.currency, $3::text FROM sales s WHERE s.id = $1::bigint" \
	  " ON CONFLICT (sale_id) DO NOTHING RETURNING kiosk_id)" \
	  " SELECT pg_notify('pk_news', kiosk_id::text) FROM n") \
	/* The values of sales $1 (bigint[]), their locks taken. */ \
	X(REMATCH_LOCK, VALUES_OF, \
	  "WITH v AS (SELECT DISTINCT x.val FROM (%s) AS x WHERE x.val <> '')," \
	  " l AS (" PK_HUB_SQL_LOCK_VALUES("v") ")" \
	  " SELECT val FROM v WHERE (SELECT count(*) FROM l) >= 0") \
	/* The verified ($2: the trusted name) transactions with one of the \
	 * values $1. */ \
	X(REMATCH_TXS, PLAIN, \
	  "SELECT " PK_HUB_SQL_TX_FOR_MATCH " FROM postback_txs t" \
	  " JOIN postbacks p ON p.id = t.postback_id" \
	  " WHERE t.match_value = ANY($1::text[]) AND p.trust = $2::text ORDER BY t.id") \
	/* One kiosk event: stored once per (kiosk, seq); when it is new, the \
	 * sale (kiosk $1, its id $3) as the latest event says (a later seq \
	 * wins), and its ctid kept.  One row: fresh (0/1), the sale's id when \
	 * this event changed it (else NULL), the kiosk's highest seq. */ \
	X(EVENT_STORE, PLAIN, \
	  "WITH e AS (INSERT INTO kiosk_events (kiosk_id, seq, kiosk_sale_id," \
	  "  custom_transaction_id, from_state, to_state, outcome, at, note)" \
	  " VALUES ($1::bigint, $2::bigint, $3::bigint, $4::text, $5::text, $6::text, $7::text," \
	  "  to_timestamp($8::bigint), $9::text)" \
	  " ON CONFLICT (kiosk_id, seq) DO NOTHING RETURNING seq)," \
	  " s AS (INSERT INTO sales AS s (kiosk_id, kiosk_sale_id, custom_transaction_id," \
	  "  method, currency, amount, label, order_id, key1, state, outcome, last_seq," \
	  "  created_at, updated_at, paid_at)" \
	  " SELECT $1::bigint, $3::bigint, $4::text, $10::text, $11::text, $12::bigint," \
	  "  $13::text, $14::text, $15::text, $6::text, $7::text, $2::bigint," \
	  "  to_timestamp($16::bigint), to_timestamp($8::bigint)," \
	  "  CASE WHEN $7::text = $17::text THEN to_timestamp($8::bigint) END FROM e" \
	  " ON CONFLICT (kiosk_id, kiosk_sale_id) DO UPDATE SET" \
	  "  custom_transaction_id = excluded.custom_transaction_id," \
	  "  method = excluded.method, currency = excluded.currency," \
	  "  amount = excluded.amount, label = excluded.label," \
	  "  order_id = CASE WHEN excluded.order_id <> '' THEN excluded.order_id" \
	  "   ELSE s.order_id END," \
	  "  key1 = CASE WHEN excluded.key1 <> '' THEN excluded.key1 ELSE s.key1 END," \
	  "  state = excluded.state, outcome = excluded.outcome," \
	  "  last_seq = excluded.last_seq, updated_at = excluded.updated_at," \
	  "  paid_at = coalesce(s.paid_at, excluded.paid_at)" \
	  " WHERE s.last_seq < excluded.last_seq RETURNING id)," \
	  " c AS (INSERT INTO sale_ctids (sale_id, custom_transaction_id, first_seq)" \
	  "  SELECT id, $4::text, $2::bigint FROM s" \
	  "  ON CONFLICT (sale_id, custom_transaction_id) DO NOTHING)" \
	  " SELECT (SELECT count(*) FROM e), (SELECT id FROM s)," \
	  "  greatest((SELECT max(seq) FROM kiosk_events WHERE kiosk_id = $1::bigint)," \
	  "   (SELECT max(seq) FROM e))") \
	/* A new event that did not change its sale (an earlier one arriving \
	 * late) still brings its ctid: the sale's id when it is new there. */ \
	X(EVENT_CTID, PLAIN, \
	  "INSERT INTO sale_ctids (sale_id, custom_transaction_id, first_seq)" \
	  " SELECT id, $3::text, $4::bigint FROM sales" \
	  " WHERE kiosk_id = $1::bigint AND kiosk_sale_id = $2::bigint" \
	  " ON CONFLICT (sale_id, custom_transaction_id) DO NOTHING RETURNING sale_id") \
	X(EVENTS_ACKED, PLAIN, \
	  "SELECT coalesce(max(seq), 0) FROM kiosk_events WHERE kiosk_id = $1::bigint") \
	/* The sale as it is now: its kiosk's id for it, its current ctid. */ \
	X(NEWS_AFTER, PLAIN, \
	  "SELECT n.id, s.custom_transaction_id, n.order_id, n.outcome, n.amount," \
	  " n.currency, n.transaction_id, extract(epoch FROM n.at)::bigint," \
	  " s.kiosk_sale_id FROM news n JOIN sales s ON s.id = n.sale_id" \
	  " WHERE n.kiosk_id = $1::bigint AND n.id > $2::bigint ORDER BY n.id LIMIT $3::bigint") \
	X(KIOSK_BY_TOKEN, PLAIN, "SELECT id FROM kiosks WHERE token_sha256 = $1::text")

typedef enum pk_hub_stmt {
#define PK_X(id, kind, sql) PK_STMT_##id,
	PK_HUB_STATEMENTS(PK_X)
#undef PK_X
	PK_STMT__COUNT
} pk_hub_stmt;

/* Prepare every statement on c (the schema must be there).  0 / -1. */
int pk_hub_prepare_all(PGconn *c, pk_error *err);

/* Run prepared statement s; f picks the match_field's version of a
 * WITH_VALUE / VALUES_OF statement (ignored for the others).  Like
 * pk_hub_execb: the result on success (the caller PQclears it), else NULL
 * and err. */
PGresult *pk_hub_runb(PGconn *c, pk_error *err, pk_hub_stmt s, pk_hub_match_field f, int n,
		      const char *const *params, const int *lengths, const int *formats);
PGresult *pk_hub_run(PGconn *c, pk_error *err, pk_hub_stmt s, int n, const char *const *params);
PGresult *pk_hub_run_field(PGconn *c, pk_error *err, pk_hub_stmt s, pk_hub_match_field f, int n,
			   const char *const *params);
/* Same, result dropped: 0 / -1. */
int pk_hub_run_cmd(PGconn *c, pk_error *err, pk_hub_stmt s, int n, const char *const *params);

#endif
