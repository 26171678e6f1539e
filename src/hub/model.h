/* model.h - the hub's tables of names: a kiosk's outcomes, what a
 * postback's transaction matched, and the report's sections.  Every SQL
 * list, report group and decision derives from these three tables. */
#ifndef PK_HUB_MODEL_H
#define PK_HUB_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/i18n.h"

/* What the report counts a sale as. */
typedef enum pk_hub_group { PK_GROUP_PAID, PK_GROUP_NOT_PAID, PK_GROUP_OPEN } pk_hub_group;

/* The kiosk's outcome names as events carry them (docs/HUB.md, the stable
 * names of src/model/record.h): X(ID, name, group). */
#define PK_HUB_OUTCOMES(X) \
	X(NONE, "none", OPEN) \
	X(PAID, "paid", PAID) \
	X(NOT_PAID, "not_paid", NOT_PAID) \
	X(NOTHING, "nothing", NOT_PAID) \
	X(NOT_KNOWN, "not_known", OPEN)

typedef enum pk_hub_outcome {
#define PK_X(id, name, group) PK_HUB_OUTCOME_##id,
	PK_HUB_OUTCOMES(PK_X)
#undef PK_X
	PK_HUB_OUTCOME__COUNT
} pk_hub_outcome;

const char *pk_hub_outcome_name(pk_hub_outcome o);
int pk_hub_outcome_parse(const char *name, pk_hub_outcome *out); /* 0 / -1 */
pk_hub_group pk_hub_outcome_group(pk_hub_outcome o);

/* The report's sections: X(ID, name (CSV), heading). */
#define PK_HUB_SECTIONS(X) \
	X(TOTALS, "totals", N_("Totals of the day")) \
	X(NOT_RECORDED, "postback_paid_kiosk_not", \
	  N_("Paid by postback, but the kiosk says cancelled, failed or not known " \
	     "(the customer is owed the goods or a refund)")) \
	X(PAID_NO_POSTBACK, "kiosk_paid_no_postback", \
	  N_("Paid at the kiosk, no verified postback")) \
	X(NO_SALE, "money_without_sale", N_("Money with no sale (a verified postback " \
					    "that matches no sale)")) \
	X(AMBIGUOUS, "ambiguous", N_("Ambiguous matches (several sales, a different " \
				     "amount or currency, a second payment)")) \
	X(UNTRUSTED, "untrusted_postback", N_("Untrusted and unreadable postbacks"))

typedef enum pk_hub_section {
#define PK_X(id, name, heading) PK_SEC_##id,
	PK_HUB_SECTIONS(PK_X)
#undef PK_X
	PK_SEC__COUNT,
	PK_SEC_NONE = PK_SEC__COUNT /* nothing to act on */
} pk_hub_section;

const char *pk_hub_section_name(pk_hub_section s);
const char *pk_hub_section_heading(pk_hub_section s); /* translated */

/* What became of one transaction of a postback (postback_txs.match_result):
 * X(ID, name, report section, holds the sale (this payment is the sale's),
 *   what it means for the report). */
#define PK_HUB_MATCH_RESULTS(X) \
	X(UNTRUSTED, "untrusted", NONE, false, N_("signature not verified")) \
	X(NO_SALE, "no_sale", NO_SALE, false, N_("no sale has this value")) \
	X(SEVERAL_SALES, "several_sales", AMBIGUOUS, false, N_("several sales have this value")) \
	X(AMOUNT_DIFFERS, "amount_differs", AMBIGUOUS, false, \
	  N_("amount or currency differs from the sale's")) \
	X(SECOND_PAYMENT, "second_payment", AMBIGUOUS, false, \
	  N_("the sale was already paid by another transaction")) \
	X(CLOSED, "closed", NOT_RECORDED, true, \
	  N_("closed by the hub; the kiosk has not recorded it yet")) \
	X(KIOSK_NOT_PAID, "kiosk_not_paid", NOT_RECORDED, true, \
	  N_("the kiosk does not count the sale as paid")) \
	X(CONFIRMED, "confirmed", NONE, true, N_("the kiosk says paid too"))

typedef enum pk_hub_result {
#define PK_X(id, name, section, holds, label) PK_RESULT_##id,
	PK_HUB_MATCH_RESULTS(PK_X)
#undef PK_X
	PK_RESULT__COUNT
} pk_hub_result;

const char *pk_hub_result_name(pk_hub_result r);
int pk_hub_result_parse(const char *name, pk_hub_result *out);
pk_hub_section pk_hub_result_section(pk_hub_result r);
const char *pk_hub_result_label(pk_hub_result r); /* translated */

/* PostgreSQL array literals of names, for `= ANY($n::text[])`:
 * the outcomes of a group, the results of a section, the results that
 * hold a sale.  "{}" when none.  0, or -1 if buf is too small. */
int pk_hub_group_array(pk_hub_group g, char *buf, size_t len);
int pk_hub_section_results_array(pk_hub_section s, char *buf, size_t len);
int pk_hub_holding_results_array(char *buf, size_t len);

/* A text[] literal of any strings (each quoted, \ and " escaped):
 * malloc'd, NULL on ENOMEM. */
char *pk_hub_text_array(const char *const *items, size_t n);

#endif
