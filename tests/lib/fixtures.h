/* fixtures.h - what the journal and sale-controller tests share: a journal
 * in a fresh temp folder (removed with its WAL files afterwards) and a
 * clock the test drives. */
#ifndef PK_TEST_FIXTURES_H
#define PK_TEST_FIXTURES_H

#include <stdint.h>
#include <time.h>

#include "common/config.h"
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
/* The state the journal holds for sale id (the test fails if it has none). */
pk_sale_state pk_journal_state_of(pk_journal *j, int64_t id);

/* Monotonic milliseconds that only the test moves; the wall clock is
 * wall_base + mono_ms / 1000. */
typedef struct pk_fakeclock {
	int64_t mono_ms;
	time_t wall_base;
} pk_fakeclock;
/* The pk_clock reading *c (c must outlive the flow using it). */
pk_clock pk_fakeclock_clock(pk_fakeclock *c);

/* A sale controller on a temp journal, its gateway a closed loopback port
 * (a request goes out and is never answered), on a driven clock that
 * starts at wall.  flow is NULL until pk_flowfx_make_flow. */
typedef struct pk_flowfx {
	pk_tmpjournal t;
	pk_journal *j;
	gw_client *gw;
	pk_flow *flow;
	pk_fakeclock clk;
} pk_flowfx;
int pk_flowfx_open(pk_flowfx *f, const char *tag, time_t wall);
/* The controller (poll every 2 s, give up after 60 s); 0 or -1. */
int pk_flowfx_make_flow(pk_flowfx *f);
void pk_flowfx_close(pk_flowfx *f);
/* The kiosk's configuration for a screen test: training, from an empty
 * 0600 file of the fixture's own (conf: its path, unlinked by the test),
 * so no system or user file is read; 0 or -1 (said on stderr). */
int pk_flowfx_training_config(pk_flowfx *f, pk_config *cfg, char *conf, size_t len);

#endif
