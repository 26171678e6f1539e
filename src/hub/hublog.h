/* hublog.h - paykiosk-hub's log: one line per event on stderr (journald
 * keeps it under systemd), `paykiosk-hub: level=L event=NAME key=value ...`,
 * values with spaces quoted (pk_log_quote).  Thread-safe.  Never a private
 * key or a token: callers never pass them, and the private key is masked in
 * every line as a last line of defence. */
#ifndef PK_HUBLOG_H
#define PK_HUBLOG_H

#include <pthread.h>
#include <stdio.h>

typedef enum pk_hub_level { PK_HUB_ERR, PK_HUB_WARN, PK_HUB_INFO } pk_hub_level;

typedef struct pk_hub_log {
	pthread_mutex_t mu;
	FILE *out;      /* stderr */
	char *redact;   /* masked in every line (a copy, wiped at close) */
} pk_hub_log;

void pk_hub_log_open(pk_hub_log *log, FILE *out, const char *redact);
void pk_hub_log_close(pk_hub_log *log);
void pk_hub_log_event(pk_hub_log *log, pk_hub_level level, const char *event, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));

#endif
