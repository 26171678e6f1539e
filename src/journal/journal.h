/* journal.h - the durable sales journal (SQLite, WAL, synchronous=FULL).
 * Knows nothing of HTTP or the screen.  Every write is one transaction
 * that is on disk when the call returns.  The secret never enters it. */
#ifndef PK_JOURNAL_H
#define PK_JOURNAL_H

#include <stddef.h>
#include <time.h>

#include "common/error.h"
#include "model/record.h"

typedef struct pk_journal pk_journal;

/* Open or create (with parent directories, mode 0600), migrate the schema
 * forward.  A file that is not a journal, newer than this program, locked
 * or unwritable -> -1 with a clear message. */
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

#endif
