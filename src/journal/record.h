/* record.h - one sale as the journal keeps it, and the sale state machine.
 * The transition table (record.c) is the one place that says which state
 * changes are possible; pk_journal_save() refuses any other (PK_ERR_STATE).
 * docs/STATES.md draws the same machine. */
#ifndef PK_RECORD_H
#define PK_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/i18n.h"
#include "common/money.h"
#include "common/txid.h"

typedef enum pk_method { PK_METHOD_WAVEPAY = 0, PK_METHOD_UPI, PK_METHOD__COUNT } pk_method;

typedef enum pk_sale_state {
	PK_SALE_NEW = 0,          /* recorded, nothing sent yet */
	PK_SALE_CREATING,         /* create request about to be / being sent */
	PK_SALE_AWAITING_PAYMENT, /* UPI: QR shown, polling status */
	PK_SALE_AWAITING_TXID,    /* Wavepay: wallet shown, waiting for key1 */
	PK_SALE_ACTIVATING,       /* Wavepay: activate about to be / being sent */
	PK_SALE_PAID,             /* final: money confirmed */
	PK_SALE_FAILED,           /* final: gateway said not paid / refused */
	PK_SALE_CANCELLED,        /* final: cashier cancelled before payment */
	PK_SALE_UNCONFIRMED,      /* UPI: poll_timeout passed, still processing */
	PK_SALE_PENDING,          /* Wavepay: "pending" - gateway checks later */
	PK_SALE_NOT_FOUND,        /* Wavepay: possible_transaction_created */
	PK_SALE_ABANDONED,        /* create never answered before a crash: no money moved */
	PK_SALE__COUNT
} pk_sale_state;

#define PK_CTID_MAX PK_LABEL_MAX

typedef struct pk_sale {
	int64_t id;               /* journal row id, 0 before insert */
	pk_method method;
	pk_currency currency;
	int64_t amount;           /* minor units */
	char label[PK_LABEL_MAX + 1];
	char ctid[PK_CTID_MAX + 1];       /* custom_transaction_id of the current attempt */
	char order_id[257];               /* UPI */
	char *qr_data;                    /* UPI, malloc'd (pk_sale_clear frees) */
	char identifier[257];             /* Wavepay wallet to pay to */
	char key1[PK_KEY1_MAX + 1];       /* Wavepay transaction ID, ASCII digits */
	bool has_deposit_amount;
	int64_t deposit_amount;           /* what the gateway credited */
	pk_lang lang;
	pk_sale_state state;
	char message[512];                /* last gateway/transport message shown */
	int attempts;                     /* activation attempts (Wavepay) */
	time_t created_at;                /* wall clock, seconds */
	time_t updated_at;
	time_t deadline;                  /* UPI: poll deadline (wall clock), 0 = none */
} pk_sale;

void pk_sale_init(pk_sale *sale);
void pk_sale_clear(pk_sale *sale);   /* frees qr_data, re-inits */
int pk_sale_copy(pk_sale *dst, const pk_sale *src); /* deep copy; -1 on ENOMEM */

const char *pk_method_name(pk_method m);         /* "wavepay", "upi" (stable, journal) */
const char *pk_state_name(pk_sale_state s);      /* "awaiting_payment" ... (stable) */
int pk_state_parse(const char *name, pk_sale_state *out);
const char *pk_state_label(pk_sale_state s);     /* translated, for the screen */
bool pk_state_is_final(pk_sale_state s);         /* paid failed cancelled abandoned */
bool pk_state_is_open(pk_sale_state s);          /* unconfirmed pending not_found */
/* The transition table.  Same state -> same state is allowed (field update). */
bool pk_state_can(pk_method m, pk_sale_state from, pk_sale_state to);

/* A custom_transaction_id: "<label>-<yyyymmddHHMMSS>-<16 hex random>",
 * label shortened so the whole fits in PK_CTID_MAX; attempt > 1 adds "-a<N>". */
int pk_ctid_make(const char *label, time_t now, int attempt, char *out, size_t outlen);

#endif
