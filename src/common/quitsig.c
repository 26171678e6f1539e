/* quitsig.c - the quit signals (quitsig.h). */
#define _GNU_SOURCE
#include "common/quitsig.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/i18n.h"

void pk_quit_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int pk_quit_signals_block(pk_error *err)
{
	sigset_t set;
	pk_quit_signals(&set);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return pk_error_setc(err, PK_ERR_IO, errno, _("Cannot set up signals: %s"),
				     strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int pk_quit_signals_fd(int flags, pk_error *err)
{
	sigset_t set;
	pk_quit_signals(&set);
	int fd = signalfd(-1, &set, flags | SFD_CLOEXEC);
	if (fd < 0)
		return pk_error_setc(err, PK_ERR_IO, errno, _("Cannot set up signals: %s"),
				     strerror(errno));
	return fd;
}

pk_quit_why pk_quit_wait(int sfd, bool watch_stdin)
{
	struct pollfd fds[2] = { { .fd = sfd, .events = POLLIN },
				 { .fd = watch_stdin ? STDIN_FILENO : -1, .events = POLLIN } };
	for (;;) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			return PK_QUIT_SIGNAL;
		if (fds[0].revents)
			return PK_QUIT_SIGNAL;
		if (fds[1].revents) {
			char buf[256];
			if (read(STDIN_FILENO, buf, sizeof buf) <= 0)
				return PK_QUIT_STDIN;
		}
	}
}
