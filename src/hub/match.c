/* match.c - the decision table and the SQL that applies it (match.h). */
#include "hub/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/db.h"
#include "hub/sql.h"
#include "hub/store.h"

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
	const char *params[] = { arr };
	int rc = pk_hub_run_cmd(c, err, PK_STMT_MATCH_LOCK, 1, params);
	free(arr);
	return rc;
}

pk_hub_tx_row pk_hub_tx_row_of(const PGresult *r, int row, bool trusted)
{
	/* the columns of PK_HUB_SQL_TX_FOR_MATCH */
	return (pk_hub_tx_row){
		.id = pk_hub_get_i64(r, row, 0),
		.value = PQgetvalue(r, row, 1),
		.amount = PQgetisnull(r, row, 2) ? NULL : PQgetvalue(r, row, 2),
		.currency = PQgetvalue(r, row, 3),
		.txid = PQgetvalue(r, row, 4),
		.trusted = trusted,
	};
}

int pk_hub_match_find(PGconn *c, pk_hub_match_field f, const pk_hub_tx_row *t,
		      pk_hub_match *m, pk_error *err)
{
	pk_hub_match_in in = { .trusted = t->trusted, .has_value = t->value[0] != '\0' };
	int64_t sale = 0;
	if (in.trusted && in.has_value) {
		char holding[256];
		if (pk_hub_holding_results_array(holding, sizeof holding) < 0)
			return pk_error_set(err, PK_ERR_INVALID, "holding results");
		pk_hub_num own;
		const char *params[] = { t->value, pk_hub_num_of(&own, t->id), t->txid, holding };
		PGresult *r = pk_hub_run_field(c, err, PK_STMT_FIND_SALES, f, 4, params);
		if (!r)
			return -1;
		/* the columns of PK_HUB_SQL_SALE_FOR_MATCH */
		in.nsales = PQntuples(r);
		if (in.nsales == 1) {
			sale = pk_hub_get_i64(r, 0, 0);
			pk_hub_outcome o = PK_HUB_OUTCOME_NONE;
			pk_hub_outcome_parse(PQgetvalue(r, 0, 2), &o);
			in.outcome = o;
			in.same_money = t->amount && strcmp(t->amount, PQgetvalue(r, 0, 3)) == 0 &&
					strcmp(t->currency, PQgetvalue(r, 0, 4)) == 0;
			in.other_payment = strcmp(PQgetvalue(r, 0, 5), "t") == 0;
		}
		PQclear(r);
	}
	pk_hub_match_out out = pk_hub_match_decide(&in);
	bool keeps_sale = sale && out.result != PK_RESULT_NO_SALE &&
			  out.result != PK_RESULT_SEVERAL_SALES;
	*m = (pk_hub_match){ .result = out.result, .news = out.news && keeps_sale,
			     .sale_id = keeps_sale ? sale : 0 };
	return 0;
}

int pk_hub_match_news(PGconn *c, const pk_hub_match *m, int64_t tx_id, const char *txid,
		      pk_error *err)
{
	pk_hub_num sale, tx;
	const char *params[] = { pk_hub_num_of(&sale, m->sale_id), pk_hub_num_of(&tx, tx_id), txid,
				 pk_hub_outcome_name(PK_HUB_OUTCOME_PAID) };
	return pk_hub_run_cmd(c, err, PK_STMT_NEWS_WRITE, 4, params);
}

int pk_hub_match_tx(PGconn *c, pk_hub_match_field f, const pk_hub_tx_row *t,
		    pk_hub_result *result, pk_error *err)
{
	pk_hub_match m;
	if (pk_hub_match_find(c, f, t, &m, err) < 0)
		return -1;
	pk_hub_num id, sale;
	const char *up[] = { pk_hub_num_of(&id, t->id), pk_hub_result_name(m.result),
			     m.sale_id ? pk_hub_num_of(&sale, m.sale_id) : NULL };
	if (pk_hub_run_cmd(c, err, PK_STMT_TX_MATCHED, 3, up) < 0 ||
	    (m.news && pk_hub_match_news(c, &m, t->id, t->txid, err) < 0))
		return -1;
	if (result)
		*result = m.result;
	return 0;
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
	/* their values, locked */
	const char *p1[] = { ids };
	PGresult *vals = pk_hub_run_field(c, err, PK_STMT_REMATCH_LOCK, f, 1, p1);
	free(ids);
	if (!vals)
		return -1;
	size_t nv = (size_t)PQntuples(vals);
	if (nv == 0) {
		PQclear(vals);
		return 0;
	}
	const char **values = calloc(nv, sizeof *values);
	char *arr = NULL;
	int rc = 0;
	if (values) {
		for (size_t i = 0; i < nv; i++)
			values[i] = PQgetvalue(vals, (int)i, 0);
		arr = pk_hub_text_array(values, nv);
	}
	if (!arr)
		rc = pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	PGresult *txs = NULL;
	if (rc == 0) {
		const char *p2[] = { arr, pk_hub_trust_name(PK_TRUST_TRUSTED) };
		txs = pk_hub_run(c, err, PK_STMT_REMATCH_TXS, 2, p2);
		if (!txs)
			rc = -1;
	}
	for (int i = 0; rc == 0 && i < PQntuples(txs); i++) {
		pk_hub_tx_row t = pk_hub_tx_row_of(txs, i, true);
		rc = pk_hub_match_tx(c, f, &t, NULL, err);
	}
	PQclear(txs);
	free(arr);
	free(values);
	PQclear(vals);
	return rc;
}
