/* training.c - start and stop the training sandbox. */
#define _GNU_SOURCE /* pipe2 */
#include "training.h"

#include "common/exepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/i18n.h"

extern char **environ;

#define SANDBOX_NAME "paykassma-sandbox"
#define URL_WAIT_MS 5000

static int executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Next to /proc/self/exe, else the first one in PATH. */
static int find_sandbox(char *out, size_t len)
{
	if (pk_exe_path(SANDBOX_NAME, out, len) == 0 && executable(out))
		return 0;
	const char *path = getenv("PATH");
	if (!path)
		return -1;
	char *copy = strdup(path);
	if (!copy)
		return -1;
	char *save = NULL;
	int rc = -1;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (!*dir)
			continue;
		if ((size_t)snprintf(out, len, "%s/%s", dir, SANDBOX_NAME) < len &&
		    executable(out)) {
			rc = 0;
			break;
		}
	}
	free(copy);
	return rc;
}

static int random_hex(char *out, size_t nbytes)
{
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		return -1;
	size_t got = 0;
	while (got < nbytes) {
		ssize_t r = getrandom(raw + got, nbytes - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	for (size_t i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* The environment for the child: ours plus the secret (replacing any). */
static char **child_env(const char *secret_var)
{
	size_t n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	char **env = calloc(n + 2, sizeof *env);
	if (!env)
		return NULL;
	size_t k = 0;
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, "PAYKASSMA_SANDBOX_SECRET=", 25) != 0)
			env[k++] = *e;
	env[k++] = (char *)secret_var;
	env[k] = NULL;
	return env;
}

static int read_url(pk_training *t, pk_error *err)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	size_t have = 0;
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long elapsed = (long)(now.tv_sec - start.tv_sec) * 1000 +
			       (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= URL_WAIT_MS)
			return pk_error_set(err, PK_ERR_IO,
					    _("The training gateway did not start in time"));
		struct pollfd p = { .fd = t->stdout_fd, .events = POLLIN };
		int r = poll(&p, 1, (int)(URL_WAIT_MS - elapsed));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t n = read(t->stdout_fd, t->url + have, sizeof t->url - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return pk_error_set(err, PK_ERR_IO, _("The training gateway stopped at start"));
		have += (size_t)n;
		t->url[have] = 0;
		char *nl = strchr(t->url, '\n');
		if (nl) {
			*nl = 0;
			if (strncmp(t->url, "http://", 7) != 0)
				return pk_error_set(err, PK_ERR_IO,
						    _("The training gateway gave an odd address"));
			return 0;
		}
		if (have >= sizeof t->url - 1)
			return pk_error_set(err, PK_ERR_IO,
					    _("The training gateway gave an odd address"));
	}
}

int pk_training_start(pk_training *t, pk_error *err)
{
	memset(t, 0, sizeof *t);
	t->stdin_fd = t->stdout_fd = -1;
	char path[PATH_MAX];
	if (find_sandbox(path, sizeof path) < 0)
		return pk_error_set(err, PK_ERR_IO,
				    _("Training mode needs %s next to paykiosk or in PATH"),
				    SANDBOX_NAME);
	if (random_hex(t->secret, 16) < 0)
		return pk_error_setc(err, PK_ERR_IO, errno, _("No random numbers: %s"),
				     strerror(errno));

	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		int e = errno;
		if (in[0] >= 0) {
			close(in[0]);
			close(in[1]);
		}
		return pk_error_setc(err, PK_ERR_IO, e, _("Cannot start the training gateway: %s"),
				     strerror(e));
	}
	char secret_var[64];
	snprintf(secret_var, sizeof secret_var, "PAYKASSMA_SANDBOX_SECRET=%s", t->secret);
	char **env = child_env(secret_var);

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

	char *argv[] = { path, "--port", "0", "--exit-on-stdin-eof", NULL };
	int rc = env ? posix_spawn(&t->pid, path, &fa, &attr, argv, env) : ENOMEM;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(env);
	explicit_bzero(secret_var, sizeof secret_var);
	close(in[0]);
	close(out[1]);
	t->stdin_fd = in[1];
	t->stdout_fd = out[0];
	if (rc != 0) {
		t->pid = 0;
		pk_training_stop(t);
		return pk_error_setc(err, PK_ERR_IO, rc, _("Cannot start the training gateway: %s"),
				     strerror(rc));
	}
	if (read_url(t, err) < 0) {
		pk_training_stop(t);
		return -1;
	}
	return 0;
}

void pk_training_stop(pk_training *t)
{
	if (t->stdin_fd >= 0)
		close(t->stdin_fd);
	t->stdin_fd = -1;
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		int status;
		for (int i = 0; i < 200; i++) {
			pid_t r = waitpid(t->pid, &status, WNOHANG);
			if (r == t->pid || (r < 0 && errno != EINTR))
				goto reaped;
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		kill(t->pid, SIGKILL);
		while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
			;
	reaped:
		t->pid = 0;
	}
	if (t->stdout_fd >= 0)
		close(t->stdout_fd);
	t->stdout_fd = -1;
	explicit_bzero(t->secret, sizeof t->secret);
}

char *pk_training_journal(const char *journal)
{
	const char *slash = journal ? strrchr(journal, '/') : NULL;
	size_t dir = slash ? (size_t)(slash - journal) + 1 : 0;
	size_t len = dir + sizeof "training.db";
	char *out = malloc(len);
	if (!out)
		return NULL;
	memcpy(out, journal, dir);
	memcpy(out + dir, "training.db", sizeof "training.db");
	return out;
}
