/* match.c - the decision table and the SQL that applies it (match.h). */
#include "hub/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/db.h"

pk_hub_match_out pk_hub_match_decide(const pk_hub_match_in *in)
{
	pk_hub_match_out out = { .result = PK_RESULT_NO_SALE, .news = false };
	if (!in->trusted)
		out.result = PK_RESULT_UNTRUSTED;
	else if (!in->has_value || in->nsales <= 0)
		out.result = PK_RESULT_NO_SALE;
	else if (in->nsales > 1)
		out.result = PK_RESULT_SEVERAL_SALES;
	else if (!in->same_money)
		out.result = PK_RESULT_AMOUNT_DIFFERS;
	else if (in->other_payment)
		out.result = PK_RESULT_SECOND_PAYMENT;
	else if (in->outcome == PK_HUB_OUTCOME_NOT_KNOWN)
		out = (pk_hub_match_out){ .result = PK_RESULT_CLOSED, .news = true };
	else if (in->outcome == PK_HUB_OUTCOME_PAID)
		out.result = PK_RESULT_CONFIRMED;
	else
		out.result = PK_RESULT_KIOSK_NOT_PAID;
	return out;
}

const char *pk_hub_tx_match_value(pk_hub_match_field f, const pk_postback *pb,
				  const pk_pb_tx *tx)
{
	switch (f) {
	case PK_MATCH_LABEL:
		return pb->label;
	case PK_MATCH_TRANSACTION_ID:
		return tx->transaction_id;
	case PK_MATCH_PLUGIN_CUSTOM_ORDER_ID:
	default:
		return tx->plugin_custom_order_id;
	}
}

int pk_hub_match_lock(PGconn *c, const char *const *values, size_t n, pk_error *err)
{
	if (n == 0)
		return 0;
	char *arr = pk_hub_text_array(values, n);
	if (!arr)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	/* one order for everybody: the distinct hashes, ascending */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT pg_advisory_xact_lock(%d, h) FROM"
		 " (SELECT DISTINCT hashtext(v) AS h FROM unnest($1::text[]) AS v"
		 "  WHERE v <> '' ORDER BY h OFFSET 0) AS l",
		 PK_HUB_LOCK_CLASS_MATCH);
	const char *params[] = { arr };
	int rc = pk_hub_cmd(c, err, sql, 1, params);
	free(arr);
	return rc;
}

/* Where a sale's values of field f are: the ctid has every value the
 * sale's events carried (table sale_ctids: a corrected Wavepay ID gives
 * the sale a new ctid, and a postback for the earlier attempt's ctid still
 * finds it); the other fields are the sale's current columns. */
static bool from_sale_ctids(pk_hub_match_field f)
{
	return f == PK_MATCH_PLUGIN_CUSTOM_ORDER_ID;
}

/* The candidates: at most two sales with the value (two = several). */
static int find_sales(PGconn *c, pk_hub_match_field f, const char *value, PGresult **out,
		      pk_error *err)
{
	char sql[512];
	if (from_sale_ctids(f))
		snprintf(sql, sizeof sql, "%s",
			 "SELECT s.id, s.kiosk_id, s.outcome, s.amount, s.currency FROM sales s"
			 " WHERE s.id IN (SELECT c.sale_id FROM sale_ctids c"
			 "  WHERE c.custom_transaction_id = $1)"
			 " ORDER BY s.id LIMIT 2");
	else
		snprintf(sql, sizeof sql,
			 "SELECT s.id, s.kiosk_id, s.outcome, s.amount, s.currency FROM sales s"
			 " WHERE %s = $1 ORDER BY s.id LIMIT 2",
			 pk_hub_match_field_sql(f));
	const char *params[] = { value };
	*out = pk_hub_exec(c, err, sql, 1, params);
	return *out ? 0 : -1;
}

static int other_payment(PGconn *c, const char *sale_id, const char *tx_id, const char *txid,
			 bool *out, pk_error *err)
{
	char holding[256];
	if (pk_hub_holding_results_array(holding, sizeof holding) < 0)
		return pk_error_set(err, PK_ERR_INVALID, "holding results");
	const char *params[] = { sale_id, tx_id, txid, holding };
	PGresult *r = pk_hub_exec(c, err,
				  "SELECT 1 FROM postback_txs o WHERE o.sale_id = $1 AND o.id <> $2"
				  " AND o.transaction_id <> $3 AND o.match_result = ANY($4::text[])"
				  " LIMIT 1",
				  4, params);
	if (!r)
		return -1;
	*out = PQntuples(r) > 0;
	PQclear(r);
	return 0;
}

static int write_news(PGconn *c, const char *sale_id, const char *tx_id, const char *txid,
		      pk_error *err)
{
	const char *params[] = { sale_id, tx_id, txid, pk_hub_outcome_name(PK_HUB_OUTCOME_PAID) };
	PGresult *r = pk_hub_exec(
		c, err,
		"INSERT INTO news (kiosk_id, sale_id, postback_tx_id,"
		" custom_transaction_id, order_id, outcome,"
		" amount, currency, transaction_id)"
		" SELECT s.kiosk_id, s.id, $2, s.custom_transaction_id, s.order_id, $4, s.amount, s.currency, $3"
		" FROM sales s WHERE s.id = $1"
		" ON CONFLICT (sale_id) DO NOTHING RETURNING kiosk_id::text",
		4, params);
	if (!r)
		return -1;
	int rc = 0;
	if (PQntuples(r) == 1) {
		const char *kiosk[] = { PQgetvalue(r, 0, 0) };
		rc = pk_hub_cmd(c, err, "SELECT pg_notify('pk_news', $1)", 1, kiosk);
	}
	PQclear(r);
	return rc;
}

int pk_hub_match_tx(PGconn *c, pk_hub_match_field f, int64_t tx_id, pk_hub_result *result,
		    pk_error *err)
{
	pk_hub_num id;
	const char *params[] = { pk_hub_num_of(&id, tx_id) };
	PGresult *tx = pk_hub_exec(c, err,
				   "SELECT t.match_value, t.amount, t.currency, t.transaction_id,"
				   " p.trust = 'trusted' FROM postback_txs t"
				   " JOIN postbacks p ON p.id = t.postback_id WHERE t.id = $1",
				   1, params);
	if (!tx)
		return -1;
	if (PQntuples(tx) != 1) {
		PQclear(tx);
		return pk_error_set(err, PK_ERR_IO, "postback transaction %s is gone", id.s);
	}
	const char *value = PQgetvalue(tx, 0, 0);
	const char *txid = PQgetvalue(tx, 0, 3);
	pk_hub_match_in in = {
		.trusted = strcmp(PQgetvalue(tx, 0, 4), "t") == 0,
		.has_value = value[0] != '\0',
	};
	PGresult *sales = NULL;
	int rc = 0;
	if (in.trusted && in.has_value)
		rc = find_sales(c, f, value, &sales, err);
	char sale_id[24] = "";
	if (rc == 0 && sales) {
		in.nsales = PQntuples(sales);
		if (in.nsales == 1) {
			snprintf(sale_id, sizeof sale_id, "%s", PQgetvalue(sales, 0, 0));
			pk_hub_outcome o = PK_HUB_OUTCOME_NONE;
			pk_hub_outcome_parse(PQgetvalue(sales, 0, 2), &o);
			in.outcome = o;
			in.same_money = !PQgetisnull(tx, 0, 1) &&
					strcmp(PQgetvalue(tx, 0, 1), PQgetvalue(sales, 0, 3)) == 0 &&
					strcmp(PQgetvalue(tx, 0, 2), PQgetvalue(sales, 0, 4)) == 0;
			rc = other_payment(c, sale_id, id.s, txid, &in.other_payment, err);
		}
	}
	pk_hub_match_out out = pk_hub_match_decide(&in);
	bool keeps_sale = sale_id[0] && out.result != PK_RESULT_NO_SALE &&
			  out.result != PK_RESULT_SEVERAL_SALES;
	if (rc == 0) {
		const char *up[] = { id.s, pk_hub_result_name(out.result),
				     keeps_sale ? sale_id : NULL };
		rc = pk_hub_cmd(c, err,
				"UPDATE postback_txs SET match_result = $2, sale_id = $3,"
				" matched_at = now() WHERE id = $1",
				3, up);
	}
	if (rc == 0 && out.news)
		rc = write_news(c, sale_id, id.s, txid, err);
	if (rc == 0 && result)
		*result = out.result;
	PQclear(sales);
	PQclear(tx);
	return rc;
}

int pk_hub_rematch_sales(PGconn *c, pk_hub_match_field f, const int64_t *sale_ids, size_t n,
			 pk_error *err)
{
	if (n == 0)
		return 0;
	/* "{1,2,3}" */
	size_t cap = n * 22 + 3, o = 0;
	char *ids = malloc(cap);
	if (!ids)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	ids[o++] = '{';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(ids + o, cap - o, "%s%lld", i ? "," : "",
				      (long long)sale_ids[i]);
	snprintf(ids + o, cap - o, "}");
	char sql[512];
	if (from_sale_ctids(f))
		snprintf(sql, sizeof sql, "%s",
			 "SELECT DISTINCT c.custom_transaction_id FROM sale_ctids c"
			 " WHERE c.sale_id = ANY($1::bigint[]) AND c.custom_transaction_id <> ''");
	else
		snprintf(sql, sizeof sql,
			 "SELECT DISTINCT %s FROM sales s WHERE s.id = ANY($1::bigint[]) AND %s <> ''",
			 pk_hub_match_field_sql(f), pk_hub_match_field_sql(f));
	const char *p1[] = { ids };
	PGresult *vals = pk_hub_exec(c, err, sql, 1, p1);
	free(ids);
	if (!vals)
		return -1;
	size_t nv = (size_t)PQntuples(vals);
	const char **values = calloc(nv ? nv : 1, sizeof *values);
	if (!values) {
		PQclear(vals);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	for (size_t i = 0; i < nv; i++)
		values[i] = PQgetvalue(vals, (int)i, 0);
	int rc = pk_hub_match_lock(c, values, nv, err);
	char *arr = rc == 0 ? pk_hub_text_array(values, nv) : NULL;
	if (rc == 0 && !arr)
		rc = pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	PGresult *txs = NULL;
	if (rc == 0) {
		const char *p2[] = { arr };
		txs = pk_hub_exec(c, err,
				  "SELECT t.id FROM postback_txs t JOIN postbacks p ON p.id = t.postback_id"
				  " WHERE t.match_value = ANY($1::text[]) AND p.trust = 'trusted'"
				  " ORDER BY t.id",
				  1, p2);
		if (!txs)
			rc = -1;
	}
	for (int i = 0; rc == 0 && txs && i < PQntuples(txs); i++)
		rc = pk_hub_match_tx(c, f, pk_hub_get_i64(txs, i, 0), NULL, err);
	PQclear(txs);
	free(arr);
	free(values);
	PQclear(vals);
	return rc;
}
