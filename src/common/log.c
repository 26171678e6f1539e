/* log.c - RFC 3164 lines to the syslog socket, mirrored to stderr on
 * request.  No openlog()/syslog(): their state is global and they cannot
 * be pointed at a test socket. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LOG_FACILITY_USER 1

static void connect_socket(pk_log *log)
{
	log->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (log->fd < 0)
		return;
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", log->socket_path);
	if (connect(log->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(log->fd);
		log->fd = -1;
	}
}

void pk_log_open(pk_log *log, const char *socket_path)
{
	memset(log, 0, sizeof *log);
	log->fd = -1;
	if (!socket_path)
		socket_path = getenv("PAYKIOSK_LOG_SOCKET");
	if (!socket_path || !*socket_path)
		socket_path = "/dev/log";
	snprintf(log->socket_path, sizeof log->socket_path, "%s", socket_path);
	connect_socket(log);
}

static void drop_redact(pk_log *log)
{
	for (int i = 0; i < PK_LOG_REDACT_MAX; i++) {
		if (log->redact[i]) {
			explicit_bzero(log->redact[i], strlen(log->redact[i]));
			free(log->redact[i]);
		}
		log->redact[i] = NULL;
	}
}

void pk_log_close(pk_log *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
	drop_redact(log);
}

void pk_log_set_mirror(pk_log *log, bool on)
{
	log->mirror = on;
}

void pk_log_set_redact(pk_log *log, const char *secret)
{
	drop_redact(log);
	/* out of memory: the secret is never put in a line anyway */
	(void)pk_log_add_redact(log, secret);
}

int pk_log_add_redact(pk_log *log, const char *secret)
{
	if (!secret || !*secret)
		return 0;
	for (int i = 0; i < PK_LOG_REDACT_MAX; i++)
		if (!log->redact[i])
			return (log->redact[i] = strdup(secret)) ? 0 : -1;
	return -1;
}

const char *pk_log_quote(const char *text, char *buf, size_t len)
{
	size_t o = 0;
	if (len < 3) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	/* room is kept for the closing quote and the NUL */
	for (const char *p = text ? text : ""; *p && o + 2 < len; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			if (o + 3 >= len)
				break;
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else {
			buf[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static void redact(const pk_log *log, char *line)
{
	for (int i = 0; i < PK_LOG_REDACT_MAX; i++) {
		const char *r = log->redact[i];
		size_t n = r ? strlen(r) : 0;
		if (n == 0)
			continue;
		for (char *p = strstr(line, r); p; p = strstr(p, r)) {
			memset(p, '*', n);
			p += n;
		}
	}
}

static int vformat(const pk_log *log, char *buf, size_t len, const char *event, const char *fmt,
		   va_list ap)
{
	int n = snprintf(buf, len, "event=%s", event);
	if (n < 0 || (size_t)n >= len)
		return -1;
	if (fmt && *fmt) {
		buf[n++] = ' ';
		buf[n] = '\0';
		vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	}
	/* One line, whatever a value held. */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	redact(log, buf);
	return 0;
}

int pk_log_format(const pk_log *log, char *buf, size_t len, const char *event, const char *fmt,
		  ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vformat(log, buf, len, event, fmt, ap);
	va_end(ap);
	return r;
}

void pk_log_event(pk_log *log, pk_log_level level, const char *event, const char *fmt, ...)
{
	char line[PK_LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int r = vformat(log, line, sizeof line, event, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (log->mirror)
		fprintf(stderr, "paykiosk: %s\n", line);

	/* <PRI>Mmm dd hh:mm:ss TAG[PID]: MSG */
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
	char dgram[PK_LOG_LINE_MAX + 64];
	int n = snprintf(dgram, sizeof dgram, "<%d>%s paykiosk[%ld]: %s",
			 LOG_FACILITY_USER * 8 + (int)level, stamp, (long)getpid(), line);
	if (n < 0)
		return;
	if (log->fd < 0)
		connect_socket(log); /* syslog may have started since */
	if (log->fd < 0) {
		log->dropped++;
		return;
	}
	size_t len = (size_t)n < sizeof dgram ? (size_t)n : sizeof dgram - 1;
	if (send(log->fd, dgram, len, MSG_NOSIGNAL) < 0) {
		if (errno == ECONNREFUSED || errno == ENOTCONN) {
			/* syslog restarted: reconnect once */
			close(log->fd);
			connect_socket(log);
			if (log->fd >= 0 && send(log->fd, dgram, len, MSG_NOSIGNAL) >= 0)
				return;
		}
		log->dropped++;
	}
}
