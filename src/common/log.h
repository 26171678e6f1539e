/* log.h - operational log lines for the shop's syslog/journald.
 * One line per event, `event=NAME key=value ...`, values with spaces in
 * double quotes: stable and greppable (`journalctl -t paykiosk`,
 * `grep 'event=sale'`).  Sent as RFC 3164 datagrams to /dev/log (journald
 * and rsyslog both listen there) without openlog()'s hidden state; a
 * missing syslog drops lines silently.  --verbose mirrors every line to
 * stderr (commands only: the terminal UI owns the screen).  A redaction
 * string (the secret) is masked in every line as a last line of defence. */
#ifndef PK_LOG_H
#define PK_LOG_H

#include <stdbool.h>
#include <stddef.h>

#define PK_LOG_LINE_MAX 1024

typedef enum pk_log_level {
	PK_LOG_ERR = 3,
	PK_LOG_WARNING = 4,
	PK_LOG_NOTICE = 5,
	PK_LOG_INFO = 6,
} pk_log_level;

#define PK_LOG_REDACT_MAX 4
typedef struct pk_log {
	int fd;                 /* datagram socket, -1 when syslog is not there */
	char socket_path[108];  /* /dev/log, or $PAYKIOSK_LOG_SOCKET (tests) */
	bool mirror;            /* also to stderr */
	/* never written (copies, wiped on change/close): the gateway secret,
	 * the hub token */
	char *redact[PK_LOG_REDACT_MAX];
	unsigned dropped;       /* lines syslog did not take */
} pk_log;

/* Set up (never fails: no syslog just means no lines).  socket_path NULL:
 * $PAYKIOSK_LOG_SOCKET, else /dev/log. */
void pk_log_open(pk_log *log, const char *socket_path);
void pk_log_close(pk_log *log);
void pk_log_set_mirror(pk_log *log, bool on);
/* Mask this string in every line from now on (copied: the caller's
 * buffer may go away first), instead of those masked so far.  NULL or ""
 * masks nothing. */
void pk_log_set_redact(pk_log *log, const char *secret);
/* Mask one more string (the hub token next to the gateway secret); -1 if
 * PK_LOG_REDACT_MAX are masked already or out of memory. */
int pk_log_add_redact(pk_log *log, const char *secret);
/* event: a word (start, sale, gateway_error ...); fmt: `key=value ...`
 * (use pk_log_quote for free text). */
void pk_log_event(pk_log *log, pk_log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Free text as one value: "..." with \" and \\ escaped, control bytes
 * as spaces, cut at len-1.  Returns buf. */
const char *pk_log_quote(const char *text, char *buf, size_t len);
/* Format one line as it is sent (for tests): "event=E ...", redacted. */
int pk_log_format(const pk_log *log, char *buf, size_t len, const char *event, const char *fmt,
		  ...) __attribute__((format(printf, 5, 6)));

#endif
