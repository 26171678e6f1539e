/* hublog.c - one line per event on stderr, serialised by a mutex. */
#include "hub/hublog.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = { [PK_HUB_ERR] = "error", [PK_HUB_WARN] = "warning",
					   [PK_HUB_INFO] = "info" };

void pk_hub_log_open(pk_hub_log *log, FILE *out, const char *redact)
{
	pthread_mutex_init(&log->mu, NULL);
	log->out = out;
	log->redact = redact && *redact ? strdup(redact) : NULL;
}

void pk_hub_log_close(pk_hub_log *log)
{
	if (log->redact) {
		explicit_bzero(log->redact, strlen(log->redact));
		free(log->redact);
		log->redact = NULL;
	}
	pthread_mutex_destroy(&log->mu);
}

void pk_hub_log_event(pk_hub_log *log, pk_hub_level level, const char *event, const char *fmt,
		      ...)
{
	char line[2048];
	int n = snprintf(line, sizeof line, "level=%s event=%s ", level_names[level], event);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log->redact) {
		size_t rl = strlen(log->redact);
		for (char *p = strstr(line, log->redact); p; p = strstr(p + rl, log->redact))
			memset(p, '*', rl);
	}
	pthread_mutex_lock(&log->mu);
	fprintf(log->out, "paykiosk-hub: %s\n", line);
	fflush(log->out);
	pthread_mutex_unlock(&log->mu);
}
