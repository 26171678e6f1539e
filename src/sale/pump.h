/* pump.h - the one loop step the kiosk and `paykiosk pay` share (curl's
 * multi interface is the model): one wait over the gateway's sockets, the
 * caller's descriptors and the quit signals, never longer than the caller
 * allows or the sale controller's next timer; then the transfers are
 * driven, answers delivered, the controller's timers run, and the step
 * says which quit signals arrived.  Nothing in a step blocks beyond that
 * wait.  The caller blocks SIGINT, SIGTERM and SIGHUP first (before any
 * thread starts): they are read here, from a signalfd. */
#ifndef PK_PUMP_H
#define PK_PUMP_H

#include <poll.h>

#include "common/error.h"

typedef struct gw_client gw_client;
typedef struct pk_flow pk_flow;
typedef struct pk_pump pk_pump;

/* Block the quit signals (call before threads or children start). */
int pk_pump_block_signals(pk_error *err);
int pk_pump_open(pk_pump **out, gw_client *gw, pk_flow *flow, pk_error *err);
void pk_pump_close(pk_pump *p);

#define PK_PUMP_MAX_SIGNALS 8
typedef struct pk_pump_wake {
	int signals[PK_PUMP_MAX_SIGNALS]; /* quit signals read this step, in order */
	int nsignals;
} pk_pump_wake;

/* One more descriptor every step waits on, besides the caller's (the hub
 * link's: sessions register it, so the kiosk's loop and `pay` need not
 * know it): when it is readable, ready(ud) runs in the step, after the
 * gateway's answers and before the controller's timers.  At most
 * PK_PUMP_MAX_WATCH; fd < 0 is ignored. */
#define PK_PUMP_MAX_WATCH 2
int pk_pump_watch(pk_pump *p, int fd, void (*ready)(void *ud), void *ud, pk_error *err);

/* Wait up to max_ms (less when a controller timer is due) for fds[0..n)
 * (revents filled as poll(2) does), the gateway or a signal; then drive
 * everything once.  n may be 0. */
int pk_pump_step(pk_pump *p, struct pollfd *fds, unsigned n, int max_ms, pk_pump_wake *wake,
		 pk_error *err);

#endif
