/* journal.h - the durable sales journal (SQLite, WAL, synchronous=FULL).
 * Knows nothing of HTTP or the screen.  Every write is one transaction
 * that is on disk when the call returns.  The secret never enters it. */
#ifndef PK_JOURNAL_H
#define PK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"
#include "model/record.h"

typedef struct pk_journal pk_journal;

/* Open or create (with parent directories, mode 0600), migrate the schema
 * forward.  A file that is not a journal, newer than this program, locked
 * or unwritable -> -1 with a clear message.  Several connections may be
 * open on one journal (the hub link has its own, in its own thread): a
 * write waits up to a few seconds for another connection's write. */
int pk_journal_open(pk_journal **out, const char *path, pk_error *err);
void pk_journal_close(pk_journal *j);
/* Become the one process that takes payments with this journal (an flock
 * on JOURNAL.lock, held until close).  A second kiosk or `pay` on the same
 * journal is refused with a message naming the first one's pid; reports
 * need no lock. */
int pk_journal_lock(pk_journal *j, pk_error *err);

/* Insert a new sale (state NEW), sets sale->id, created_at, updated_at. */
int pk_journal_insert(pk_journal *j, pk_sale *sale, pk_error *err);
/* Write the whole row with state `to` and append a history line (from, to,
 * note) if the state changes.  Refuses an impossible transition
 * (PK_ERR_STATE) and leaves sale->state as it was; on success sets
 * sale->state = to and updated_at. */
int pk_journal_save(pk_journal *j, pk_sale *sale, pk_sale_state to, const char *note,
		    pk_error *err);
int pk_journal_get(pk_journal *j, int64_t id, pk_sale *out, pk_error *err);
/* The sale whose ctid (its current custom_transaction_id) is ctid:
 * *found false (and 0) when there is none. */
int pk_journal_find_ctid(pk_journal *j, const char *ctid, pk_sale *out, bool *found,
			 pk_error *err);
/* Called after every committed insert and every save that changed a
 * sale's state (the hub link is woken by it).  One hook; NULL: none. */
void pk_journal_on_change(pk_journal *j, void (*fn)(void *ud), void *ud);


/* Sales whose state is in the mask (bit 1u<<state), newest first. */
int pk_journal_list_states(pk_journal *j, unsigned state_mask, pk_sale_list *out,
			   pk_error *err);
/* Sales created in [from, to) (wall clock), oldest first. */
int pk_journal_list_range(pk_journal *j, time_t from, time_t to, pk_sale_list *out,
			  pk_error *err);

typedef struct pk_history_entry {
	pk_sale_state from, to;
	time_t at;
	char note[256];
} pk_history_entry;
/* A sale's path, oldest first; *out malloc'd. */
int pk_journal_history(pk_journal *j, int64_t sale_id, pk_history_entry **out, size_t *count,
		       pk_error *err);

/* ---- the hub's outbox (docs/HUB.md) ----
 * The outbox is sale_history: every state change writes its line in the
 * same transaction as the sale's row, and the line's id is the event's
 * seq (increasing).  An event carries the sale as it is now. */
typedef struct pk_outbox_event {
	int64_t seq;              /* sale_history.id */
	pk_sale_state from, to;   /* the insert line reads new -> new */
	time_t at;
	char note[256];
	int64_t sale_id;
	char ctid[PK_CTID_MAX + 1];
	char order_id[257];
	pk_method method;
	pk_currency currency;
	int64_t amount;           /* minor units */
	char label[PK_LABEL_MAX + 1];
	char key1[PK_KEY1_MAX + 1];
	time_t created_at;
} pk_outbox_event;
/* Up to limit events with seq > after_seq, in seq order; *out malloc'd
 * (NULL when none). */
int pk_journal_outbox(pk_journal *j, int64_t after_seq, size_t limit, pk_outbox_event **out,
		      size_t *count, pk_error *err);

/* What the kiosk and the hub have agreed on so far (0 on a new journal). */
typedef enum pk_hub_cursor {
	PK_HUB_EVENTS_ACKED = 0, /* every event with seq <= this is stored at the hub */
	PK_HUB_NEWS_AFTER,       /* every news item with id <= this is applied here */
	PK_HUB_CURSOR__COUNT
} pk_hub_cursor;
int pk_journal_hub_cursor_get(pk_journal *j, pk_hub_cursor c, int64_t *value, pk_error *err);
/* Stores value as it is (a one-statement transaction, on disk on return). */
int pk_journal_hub_cursor_set(pk_journal *j, pk_hub_cursor c, int64_t value, pk_error *err);

#endif
