/* sandbox_proc.h - start the real paykassma-sandbox ($PK_SANDBOX, set by
 * CTest) on a free loopback port for a test, and talk to its control
 * endpoints. */
#ifndef PK_TEST_SANDBOX_PROC_H
#define PK_TEST_SANDBOX_PROC_H

#include <sys/types.h>

typedef struct pk_test_sandbox {
	pid_t pid;
	char url[128];
	char secret[65];
} pk_test_sandbox;

/* Start $PK_SANDBOX --port 0 [extra_args...] with a random secret in its
 * environment and read its URL line (10 s timeout).  extra_args is
 * NULL-terminated or NULL.  0 or -1 (message on stderr). */
int pk_test_sandbox_start(pk_test_sandbox *sb, const char *const *extra_args);
/* SIGTERM + waitpid.  Safe on a stopped or never-started sandbox. */
void pk_test_sandbox_stop(pk_test_sandbox *sb);
/* POST json_body to path (e.g. "/_sandbox/settle") with the secret, or GET
 * when json_body is NULL.  *answer (may be NULL) gets the malloc'd body.
 * Returns the HTTP status or -1. */
long pk_test_sandbox_post(const pk_test_sandbox *sb, const char *path, const char *json_body,
			  char **answer);
/* GET /_sandbox/stats and return requests.<name> (e.g. "upi_status") or
 * "connections"; -1 on error. */
long pk_test_sandbox_stat(const pk_test_sandbox *sb, const char *name);

#endif
