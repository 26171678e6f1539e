/* training.h - training mode: a private paykassma-sandbox behind the kiosk.
 * Started from next to our own executable (or PATH) on a free loopback
 * port, with a fresh random secret in its environment (never argv), its
 * stdin a pipe (--exit-on-stdin-eof) so it never outlives the kiosk. */
#ifndef PK_TRAINING_H
#define PK_TRAINING_H

#include <sys/types.h>

#include "common/error.h"

typedef struct pk_training {
	pid_t pid;            /* 0: not running */
	int stdin_fd;         /* our end of its stdin; closing it stops it */
	int stdout_fd;        /* its stdout (the URL line came from here) */
	char url[256];        /* "http://127.0.0.1:PORT" */
	char secret[33];      /* 32 hex */
} pk_training;

/* Start the sandbox and wait (at most 5 s) for its URL line. */
int pk_training_start(pk_training *t, pk_error *err);
/* Stop it (EOF on stdin, SIGTERM, wait; SIGKILL after 2 s).  Safe twice. */
void pk_training_stop(pk_training *t);
/* The training journal for a normal journal path: training.db beside it.
 * malloc'd. */
char *pk_training_journal(const char *journal);

#endif
