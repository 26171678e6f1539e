/* quitsig.h - the quit signals (INT, TERM, HUP), read from a signalfd by
 * each program's one loop: the kiosk's pump (sale/pump.h), the sandbox's
 * and the hub's main loops. */
#ifndef PK_QUITSIG_H
#define PK_QUITSIG_H

#include <signal.h>
#include <stdbool.h>

#include "common/error.h"

/* INT, TERM and HUP. */
void pk_quit_signals(sigset_t *set);
/* Block them in this thread (every thread started later inherits the
 * mask, so only the signalfd sees them) and ignore SIGPIPE (a closed peer
 * is an error return, never the end of the program).  Call before any
 * thread or child starts.  0 or -1. */
int pk_quit_signals_block(pk_error *err);
/* A signalfd for them (flags: SFD_NONBLOCK or 0; close-on-exec always),
 * or -1 with err set. */
int pk_quit_signals_fd(int flags, pk_error *err);

typedef enum pk_quit_why { PK_QUIT_SIGNAL = 0, PK_QUIT_STDIN } pk_quit_why;
/* Wait until a quit signal arrives on sfd or, with watch_stdin, standard
 * input reaches its end (a parent that went away). */
pk_quit_why pk_quit_wait(int sfd, bool watch_stdin);

#endif
