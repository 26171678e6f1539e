/* report.h - totals and listings of the journal, for `paykiosk report` and
 * the "sales today" screen. */
#ifndef PK_REPORT_H
#define PK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "common/error.h"
#include "model/record.h"

typedef struct pk_journal pk_journal;
typedef struct pk_flow pk_flow;

typedef struct pk_totals_row {
	pk_method method;
	pk_currency currency;
	pk_sale_state state;
	int count;
	int64_t sum;       /* amounts asked, minor units */
	int64_t credited;  /* paid rows: what the gateway credited (deposit_amount
	                      when it said, else the amount asked); 0 otherwise */
} pk_totals_row;

/* Totals of the sales created in [from, to), one row per method + currency
 * + state that occurs, ordered by method, currency, state.  *rows malloc'd
 * (NULL when *n is 0); free() it. */
int pk_report_totals(pk_journal *j, time_t from, time_t to, pk_totals_row **rows, size_t *n,
		     pk_error *err);

/* The same totals from the journal of the flow (the screens' way in). */
int pk_flow_totals(pk_flow *f, time_t from, time_t to, pk_totals_row **rows, size_t *n,
		   pk_error *err);

/* The local calendar day "YYYY-MM-DD" as [from, to) wall-clock seconds.
 * text NULL: the day containing now. */
int pk_report_day(const char *text, time_t now, time_t *from, time_t *to, pk_error *err);

/* Translated totals, for a person: a title line then per method + currency
 * the count and sum by state. */
int pk_report_print_totals(pk_journal *j, time_t from, time_t to, const char *title,
			   FILE *out, pk_error *err);
/* One CSV line per sale, with the header
 * id,created_at,method,currency,amount,state,label,ctid,order_id,key1,deposit_amount
 * (created_at local ISO 8601, amounts as plain decimals "100.50"). */
int pk_report_print_csv(pk_journal *j, time_t from, time_t to, FILE *out, pk_error *err);

#endif
