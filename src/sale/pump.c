/* pump.c - see pump.h. */
#include "sale/pump.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/i18n.h"
#include "common/quitsig.h"
#include "gateway/gateway.h"
#include "sale/flow.h"

#define PUMP_MAX_FDS 10

struct pk_pump {
	gw_client *gw;
	pk_flow *flow;
	int sfd; /* signalfd of the quit signals */
	struct {
		int fd;
		void (*ready)(void *ud);
		void *ud;
	} watch[PK_PUMP_MAX_WATCH];
	unsigned nwatch;
};

int pk_pump_watch(pk_pump *p, int fd, void (*ready)(void *ud), void *ud, pk_error *err)
{
	if (fd < 0 || !ready)
		return 0;
	if (p->nwatch >= PK_PUMP_MAX_WATCH)
		return pk_error_set(err, PK_ERR_INVALID, "pump: too many watched descriptors");
	p->watch[p->nwatch].fd = fd;
	p->watch[p->nwatch].ready = ready;
	p->watch[p->nwatch].ud = ud;
	p->nwatch++;
	return 0;
}

int pk_pump_block_signals(pk_error *err)
{
	return pk_quit_signals_block(err);
}

int pk_pump_open(pk_pump **out, gw_client *gw, pk_flow *flow, pk_error *err)
{
	*out = NULL;
	pk_pump *p = calloc(1, sizeof *p);
	if (!p)
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	p->sfd = pk_quit_signals_fd(SFD_NONBLOCK, err);
	if (p->sfd < 0) {
		free(p);
		return -1;
	}
	p->gw = gw;
	p->flow = flow;
	*out = p;
	return 0;
}

void pk_pump_close(pk_pump *p)
{
	if (!p)
		return;
	close(p->sfd);
	free(p);
}

int pk_pump_step(pk_pump *p, struct pollfd *fds, unsigned n, int max_ms, pk_pump_wake *wake,
		 pk_error *err)
{
	memset(wake, 0, sizeof *wake);
	unsigned total = n + 1 + p->nwatch;
	if (total > PUMP_MAX_FDS)
		return pk_error_set(err, PK_ERR_INVALID, "pump: too many descriptors");
	struct pollfd all[PUMP_MAX_FDS];
	memcpy(all, fds, n * sizeof *fds);
	all[n] = (struct pollfd){ .fd = p->sfd, .events = POLLIN };
	for (unsigned i = 0; i < p->nwatch; i++)
		all[n + 1 + i] = (struct pollfd){ .fd = p->watch[i].fd, .events = POLLIN };
	int timeout = max_ms;
	int ft = pk_flow_timeout_ms(p->flow);
	if (ft >= 0 && ft < timeout)
		timeout = ft;
	pk_error werr;
	if (gw_client_wait(p->gw, all, total, timeout, &werr) < 0) {
		for (unsigned i = 0; i < total; i++)
			all[i].revents = 0;
		if (poll(all, total, timeout) < 0 && errno != EINTR)
			for (unsigned i = 0; i < total; i++)
				all[i].revents = 0;
	}
	for (unsigned i = 0; i < n; i++)
		fds[i].revents = all[i].revents;
	if (all[n].revents & POLLIN) {
		struct signalfd_siginfo si;
		while (read(p->sfd, &si, sizeof si) == (ssize_t)sizeof si)
			if (wake->nsignals < PK_PUMP_MAX_SIGNALS)
				wake->signals[wake->nsignals++] = (int)si.ssi_signo;
	}
	pk_error perr;
	gw_client_process(p->gw, &perr);
	for (unsigned i = 0; i < p->nwatch; i++)
		if (all[n + 1 + i].revents & POLLIN)
			p->watch[i].ready(p->watch[i].ud);
	pk_flow_tick(p->flow, &perr);
	return 0;
}
