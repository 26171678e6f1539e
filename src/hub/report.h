/* report.h - `paykiosk-hub report`: the day's totals per shop, counter and
 * method, then the mismatches a shop owner acts on (docs/HUB.md), as text
 * (aligned columns, translated headings) or CSV (RFC 4180).
 *
 * The day is the hub's local time zone: sales created, and postbacks
 * received (or, for untrusted ones, seen again) between its two midnights.
 * Read-only (SELECTs in a READ ONLY transaction): it runs on a replica.
 *
 * CSV: one table, a fixed header row, one line per row of every section,
 * columns in the order of PK_HUB_REPORT_COLUMNS (their csv names):
 *   section         totals | postback_paid_kiosk_not | kiosk_paid_no_postback
 *                   | money_without_sale | ambiguous | untrusted_postback
 *   shop, counter, method          the kiosk and the sale's method
 *   paid_count, paid_amount        totals: sales paid, their sum
 *   not_paid_count, open_count     totals: sales not paid / still open
 *   currency                       of paid_amount and sale_amount
 *   ctid, kiosk_state              the sale and its kiosk's last state
 *   sale_amount, sale_time         the sale (time: paid, or last event)
 *   sale_ref                       the sale's UPI order_id / Wavepay key1
 *   postback_id, postback_time     postbacks.id, when first received
 *   last_seen, times_seen          untrusted: when last re-sent, how often
 *   trust                          trusted | untrusted | unreadable
 *   postback_amount, postback_currency  the postback transaction's money
 *   transaction_id, match_value    the transaction, the value matched on
 *   result                         the match result (model.h names)
 *   problem                        why a postback is not trusted
 * Amounts are decimal text in the currency's unit ("100.50", "1000"),
 * times "YYYY-MM-DD HH:MM:SS" in the hub's time zone, empty when not
 * applicable. */
#ifndef PK_HUB_REPORT_H
#define PK_HUB_REPORT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "common/error.h"
#include "common/txid.h"
#include "hub/hubconf.h"
#include "hub/model.h"

/* X(ID, csv name, heading, right-aligned) */
#define PK_HUB_REPORT_COLUMNS(X) \
	X(SECTION, "section", N_("Section"), false) \
	X(SHOP, "shop", N_("Shop"), false) \
	X(COUNTER, "counter", N_("Counter"), false) \
	X(METHOD, "method", N_("Method"), false) \
	X(PAID_COUNT, "paid_count", N_("Paid"), true) \
	X(PAID_AMOUNT, "paid_amount", N_("Paid amount"), true) \
	X(NOT_PAID_COUNT, "not_paid_count", N_("Not paid"), true) \
	X(OPEN_COUNT, "open_count", N_("Open"), true) \
	X(CURRENCY, "currency", N_("Currency"), false) \
	X(CTID, "ctid", N_("Sale"), false) \
	X(KIOSK_STATE, "kiosk_state", N_("Kiosk says"), false) \
	X(SALE_AMOUNT, "sale_amount", N_("Sale amount"), true) \
	X(SALE_TIME, "sale_time", N_("Sale time"), false) \
	X(SALE_REF, "sale_ref", N_("Order ID / key1"), false) \
	X(POSTBACK_ID, "postback_id", N_("Postback"), true) \
	X(POSTBACK_TIME, "postback_time", N_("Received"), false) \
	X(LAST_SEEN, "last_seen", N_("Last seen"), false) \
	X(TIMES_SEEN, "times_seen", N_("Times"), true) \
	X(TRUST, "trust", N_("Trust"), false) \
	X(POSTBACK_AMOUNT, "postback_amount", N_("Postback amount"), true) \
	X(POSTBACK_CURRENCY, "postback_currency", N_("Postback currency"), false) \
	X(TRANSACTION_ID, "transaction_id", N_("Transaction ID"), false) \
	X(MATCH_VALUE, "match_value", N_("Matched on"), false) \
	X(RESULT, "result", N_("Result"), false) \
	X(PROBLEM, "problem", N_("Problem"), false)

typedef enum pk_hub_rcol {
#define PK_X(id, csv, heading, right) PK_RCOL_##id,
	PK_HUB_REPORT_COLUMNS(PK_X)
#undef PK_X
	PK_RCOL__COUNT
} pk_hub_rcol;

typedef struct pk_hub_report_row {
	pk_hub_section section;
	char shop[128], counter[128], method[16], currency[8];
	int64_t paid_count, not_paid_count, open_count, paid_amount;
	char ctid[PK_LABEL_MAX + 1], kiosk_state[32], sale_ref[257];
	bool has_sale;
	int64_t sale_amount;
	time_t sale_time;
	int64_t postback_id; /* 0: none */
	time_t postback_time, last_seen;
	int64_t times_seen;
	char trust[16];
	bool has_pb_amount;
	int64_t pb_amount;
	char pb_currency[8];
	char transaction_id[256], match_value[256];
	char result[32];     /* a match result name, or "" */
	char problem[512];   /* untranslated when it is one of the hub's own */
} pk_hub_report_row;

typedef struct pk_hub_report {
	char date[11];       /* YYYY-MM-DD */
	time_t from, to;     /* the day: [from, to) */
	pk_hub_report_row *rows;
	size_t n, cap;
} pk_hub_report;

void pk_hub_report_init(pk_hub_report *r);
void pk_hub_report_free(pk_hub_report *r);
/* Append a zeroed row of a section; NULL on ENOMEM. */
pk_hub_report_row *pk_hub_report_add(pk_hub_report *r, pk_hub_section s);

/* The day [from, to) of date "YYYY-MM-DD" in local time, or of now's day
 * when date is NULL or "" (then date_out gets it).  0 / -1. */
int pk_hub_day_window(const char *date, time_t now, time_t *from, time_t *to,
		      char date_out[11]);

/* minor units as text: "100.50 INR", "1000 MMK", "-0.05 INR"; without the
 * currency when with_currency is false.  Decimals per
 * pk_postback_currency_decimals.  Returns buf. */
const char *pk_hub_amount_text(int64_t minor, const char *currency, bool with_currency,
			       char *buf, size_t len);

/* One CSV field (RFC 4180: quoted when it holds , " CR or LF; " doubled). */
void pk_hub_csv_field(FILE *out, const char *s);

/* Fill r from the database (r->date empty: today).  now: the clock (for
 * "paid, no postback within paid_without_postback_after"). */
int pk_hub_report_load(PGconn *c, const pk_hub_config *cfg, time_t now, pk_hub_report *r,
		       pk_error *err);

/* Print as text or CSV.  0, or -1 on a write error. */
int pk_hub_report_write(FILE *out, const pk_hub_report *r, bool csv);

#endif
