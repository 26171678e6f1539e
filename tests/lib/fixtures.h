/* fixtures.h - what the journal and sale-controller tests share: a journal
 * in a fresh temp folder (removed with its WAL files afterwards) and a
 * clock the test drives. */
#ifndef PK_TEST_FIXTURES_H
#define PK_TEST_FIXTURES_H

#include <stdint.h>
#include <time.h>

#include "journal/journal.h"
#include "sale/flow.h"

typedef struct pk_tmpjournal {
	char dir[64];
	char path[128];
	pk_journal *j;
} pk_tmpjournal;

/* mkdtemp /tmp/pk-TAG-XXXXXX and open TAG/j.db in it; 0 or -1. */
int pk_tmpjournal_open(pk_tmpjournal *t, const char *tag);
/* Close the journal, remove its files and the folder. */
void pk_tmpjournal_close(pk_tmpjournal *t);

/* Monotonic milliseconds that only the test moves; the wall clock is
 * wall_base + mono_ms / 1000. */
typedef struct pk_fakeclock {
	int64_t mono_ms;
	time_t wall_base;
} pk_fakeclock;
/* The pk_clock reading *c (c must outlive the flow using it). */
pk_clock pk_fakeclock_clock(pk_fakeclock *c);

#endif
