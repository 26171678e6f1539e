/* salelog.c - sale events as log lines. */
#include "sale/salelog.h"

#include <stdio.h>

static void sale_fields(const pk_sale *s, char *buf, size_t len)
{
	char amount[64], label[PK_LABEL_MAX + 3];
	pk_money_decimal(s->amount, s->currency, amount, sizeof amount);
	pk_log_quote(s->label, label, sizeof label);
	int n = snprintf(buf, len, "sale_id=%lld method=%s amount=%s currency=%s label=%s ctid=%s",
			 (long long)s->id, pk_method_name(s->method), amount,
			 pk_currency_code(s->currency), label, s->ctid);
	if (n < 0 || (size_t)n >= len)
		return;
	if (s->order_id[0])
		n += snprintf(buf + n, len - (size_t)n, " order_id=%s", s->order_id);
	if (n >= 0 && (size_t)n < len && s->key1[0])
		n += snprintf(buf + n, len - (size_t)n, " txid=%s", s->key1);
	if (n >= 0 && (size_t)n < len && s->has_deposit_amount) {
		char dep[64];
		pk_money_decimal(s->deposit_amount, s->currency, dep, sizeof dep);
		snprintf(buf + n, len - (size_t)n, " credited=%s", dep);
	}
}

void pk_salelog_state(void *ud, const pk_sale *sale, pk_sale_state from, const char *note)
{
	pk_log *log = ud;
	char fields[600], q[300];
	sale_fields(sale, fields, sizeof fields);
	/* Not paid, or left for a person (listed): someone should look. */
	pk_log_level lvl = pk_state_outcome(sale->state) == PK_OUTCOME_NOT_PAID ||
				   pk_state_is_listed(sale->state)
				   ? PK_LOG_WARNING
				   : PK_LOG_INFO;
	pk_log_event(log, lvl, "sale", "%s from=%s state=%s outcome=%s note=%s", fields,
		     pk_state_name(from), pk_state_name(sale->state),
		     pk_outcome_name(pk_state_outcome(sale->state)), pk_log_quote(note, q, sizeof q));
}

void pk_salelog_problem(void *ud, const pk_sale *sale, const pk_error *e)
{
	pk_log *log = ud;
	char q[PK_ERR_MSG_MAX + 4];
	pk_log_quote(e->msg, q, sizeof q);
	if (sale)
		pk_log_event(log, PK_LOG_WARNING, "gateway_error",
			     "sale_id=%lld state=%s kind=%s code=%ld message=%s", (long long)sale->id,
			     pk_state_name(sale->state), pk_err_kind_name(e->kind), e->code, q);
	else
		pk_log_event(log, PK_LOG_WARNING, "gateway_error", "kind=%s code=%ld message=%s",
			     pk_err_kind_name(e->kind), e->code, q);
}

pk_flow_observer pk_salelog_observer(pk_log *log)
{
	pk_flow_observer o = { pk_salelog_state, pk_salelog_problem, log };
	return o;
}
