/* salelog.h - a sale's life in the operational log: one `event=sale` line
 * per recorded state change and one `event=gateway_error` line per problem,
 * with the sale's id, method, amount, ids and state (never the secret, the
 * QR payload or the customer's language-specific text). */
#ifndef PK_SALELOG_H
#define PK_SALELOG_H

#include "common/log.h"
#include "sale/flow.h"

/* Observer callbacks; ud is a pk_log *.  Chain them from another observer. */
void pk_salelog_state(void *ud, const pk_sale *sale, pk_sale_state from, const char *note);
void pk_salelog_problem(void *ud, const pk_sale *sale, const pk_error *e);
/* An observer that only logs. */
pk_flow_observer pk_salelog_observer(pk_log *log);

#endif
