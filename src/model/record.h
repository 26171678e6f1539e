/* record.h - one sale as the journal keeps it, and the sale state machine.
 * The transition table (record.c) is the one place that says which state
 * changes are possible; pk_journal_save() refuses any other (PK_ERR_STATE).
 * docs/STATES.md draws the same machine. */
#ifndef PK_RECORD_H
#define PK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/i18n.h"
#include "common/money.h"
#include "common/txid.h"

typedef enum pk_method { PK_METHOD_WAVEPAY = 0, PK_METHOD_UPI, PK_METHOD__COUNT } pk_method;

/* What a sale in a state means for the money.  Final outcomes are decided
 * (by the gateway, or by a person); NOT_KNOWN is open: money may have moved
 * and the sale stays until the gateway answers or a person closes it. */
typedef enum pk_outcome {
	PK_OUTCOME_NONE = 0,   /* being set up: nothing shown, nothing can be charged */
	PK_OUTCOME_PAID,       /* final: the gateway confirmed the money */
	PK_OUTCOME_NOT_PAID,   /* final: the gateway said not paid / refused the create */
	PK_OUTCOME_NOTHING,    /* final: cancelled or abandoned, nothing charged */
	PK_OUTCOME_NOT_KNOWN,  /* open: not decided yet */
	PK_OUTCOME__COUNT
} pk_outcome;

/* What a restart does with a sale found in a state (recovery.c). */
typedef enum pk_restart {
	PK_RESTART_NONE = 0,   /* nothing: final, or listed for a person */
	PK_RESTART_ABANDON,    /* the create never got an answer: no QR or wallet was shown */
	PK_RESTART_POLL,       /* UPI: ask the status again (or unconfirmed past its deadline) */
	PK_RESTART_RESEND,     /* Wavepay: the identical activation again */
	PK_RESTART_ID,         /* Wavepay: back to the ID screen, same wallet, no second create */
} pk_restart;

/* Flags of a state. */
#define PK_SF_LISTED (1u << 0)  /* under "open sales": a person re-checks, continues or closes it */
#define PK_SF_RECHECK (1u << 1) /* re-checked in the background (UPI status / the same activation) */

/* THE table of sale states: every predicate, SQL mask, recovery rule,
 * report group, screen title and `pay` exit status derives from it.
 * docs/STATES.md is checked against it (tests/unit/journal/test_states.c).
 *   X(ID, name (stable, journal), label (lists, reports), title (the
 *     sale's result screen), outcome, flags, restart) */
#define PK_SALE_STATES(X) \
	X(NEW, "new", N_("New"), N_("New"), NONE, 0, ABANDON) \
	X(CREATING, "creating", N_("Starting"), N_("Starting"), NONE, 0, ABANDON) \
	X(AWAITING_PAYMENT, "awaiting_payment", N_("Waiting for payment"), N_("Waiting for payment"), NOT_KNOWN, 0, POLL) \
	X(AWAITING_TXID, "awaiting_txid", N_("Waiting for transaction ID"), N_("Waiting for transaction ID"), NOT_KNOWN, PK_SF_LISTED, ID) \
	X(ACTIVATING, "activating", N_("Checking payment"), N_("Checking payment"), NOT_KNOWN, 0, RESEND) \
	X(PAID, "paid", N_("Paid"), N_("Paid"), PAID, 0, NONE) \
	X(FAILED, "failed", N_("Not paid"), N_("Not paid"), NOT_PAID, 0, NONE) \
	X(CANCELLED, "cancelled", N_("Cancelled"), N_("Cancelled"), NOTHING, 0, NONE) \
	X(UNCONFIRMED, "unconfirmed", N_("Not confirmed yet"), N_("Not confirmed yet"), NOT_KNOWN, PK_SF_LISTED | PK_SF_RECHECK, NONE) \
	X(PENDING, "pending", N_("Pending check"), N_("Still being checked"), NOT_KNOWN, PK_SF_LISTED | PK_SF_RECHECK, NONE) \
	X(NOT_FOUND, "not_found", N_("Transaction not found"), N_("Transaction not found - check the ID"), NOT_KNOWN, PK_SF_LISTED | PK_SF_RECHECK, NONE) \
	X(ABANDONED, "abandoned", N_("Abandoned"), N_("Cancelled"), NOTHING, 0, NONE) \
	X(REFUSED, "refused", N_("Transaction ID refused"), N_("Transaction ID refused"), NOT_KNOWN, PK_SF_LISTED | PK_SF_RECHECK, NONE) \
	X(UNKNOWN, "unknown", N_("Not known yet"), N_("Not known yet"), NOT_KNOWN, PK_SF_LISTED | PK_SF_RECHECK, NONE)

typedef enum pk_sale_state {
#define PK_X_ENUM(id, name, label, title, outcome, flags, restart) PK_SALE_##id,
	PK_SALE_STATES(PK_X_ENUM)
#undef PK_X_ENUM
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
const char *pk_state_label(pk_sale_state s);     /* translated, for lists and reports */
const char *pk_state_title(pk_sale_state s);     /* translated, the sale's result screen */
pk_outcome pk_state_outcome(pk_sale_state s);
pk_restart pk_state_restart(pk_sale_state s);
/* Decided: paid, not paid or nothing charged (nothing more happens). */
bool pk_state_is_final(pk_sale_state s);
/* Not decided, and money may have moved (outcome NOT_KNOWN). */
bool pk_state_is_open(pk_sale_state s);
/* Under "open sales" for a person; a person may close it as not paid. */
bool pk_state_is_listed(pk_sale_state s);
/* Re-checked in the background and on demand. */
bool pk_state_rechecks(pk_sale_state s);
/* Being worked on by the screen that started it (a request may be in
 * flight): neither final nor listed. */
bool pk_state_in_progress(pk_sale_state s);
/* The bit mask (1u << state) of the states a predicate holds for, for
 * pk_journal_list_states. */
unsigned pk_state_mask(bool (*pred)(pk_sale_state));
/* Stable name of an outcome ("paid", "not_paid", "nothing", "not_known"). */
const char *pk_outcome_name(pk_outcome o);
/* The transition table.  Same state -> same state is allowed (field update);
 * any open state (outcome NOT_KNOWN) may become paid: the gateway's word,
 * also when it comes as a verified postback through the hub. */
bool pk_state_can(pk_method m, pk_sale_state from, pk_sale_state to);

/* A list of sales (the journal's answers, the open sales). */
typedef struct pk_sale_list {
	pk_sale *items;
	size_t count;
} pk_sale_list;
void pk_sale_list_free(pk_sale_list *list);

/* A custom_transaction_id: "<label>-<yyyymmddHHMMSS>-<16 hex random>",
 * label shortened so the whole fits in PK_CTID_MAX; attempt > 1 adds "-a<N>". */
int pk_ctid_make(const char *label, time_t now, int attempt, char *out, size_t outlen);

#endif
