#define _GNU_SOURCE /* pipe2 */
/* sandbox_proc.c - see sandbox_proc.h.  Plain POSIX: fork/exec, a pipe
 * for the URL line, and HTTP/1.0 over a loopback socket for control calls. */
#include "sandbox_proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int pk_test_sandbox_start(pk_test_sandbox *sb, const char *const *extra_args)
{
	memset(sb, 0, sizeof *sb);
	const char *bin = getenv("PK_SANDBOX");
	if (!bin || !*bin) {
		fprintf(stderr, "sandbox_proc: PK_SANDBOX is not set (run through ctest)\n");
		return -1;
	}
	unsigned char rnd[16];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return -1;
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(sb->secret + 2 * i, 3, "%02x", rnd[i]);
	const char *argv[32] = { bin, "--port", "0" };
	size_t n = 3;
	for (size_t i = 0; extra_args && extra_args[i] && n < 31; i++)
		argv[n++] = extra_args[i];
	argv[n] = NULL;
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		setenv("PAYKASSMA_SANDBOX_SECRET", sb->secret, 1);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	sb->pid = pid;
	size_t got = 0;
	while (got < sizeof sb->url - 1) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		if (poll(&pfd, 1, 10000) <= 0)
			break;
		ssize_t r = read(p[0], sb->url + got, 1);
		if (r <= 0)
			break;
		if (sb->url[got] == '\n')
			break;
		got++;
	}
	sb->url[got] = '\0';
	close(p[0]);
	if (strncmp(sb->url, "http://", 7) != 0) {
		fprintf(stderr, "sandbox_proc: %s did not print its URL\n", bin);
		pk_test_sandbox_stop(sb);
		return -1;
	}
	return 0;
}

void pk_test_sandbox_stop(pk_test_sandbox *sb)
{
	if (sb->pid > 0) {
		kill(sb->pid, SIGTERM);
		waitpid(sb->pid, NULL, 0);
	}
	sb->pid = 0;
}

static int connect_url(const char *url, char *host, size_t hostlen)
{
	/* http://127.0.0.1:PORT or http://[::1]:PORT */
	const char *h = url + 7;
	char addr[64];
	int port;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t sl;
	if (*h == '[') {
		if (sscanf(h, "[%63[^]]]:%d", addr, &port) != 2)
			return -1;
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			return -1;
		sl = sizeof *a;
	} else {
		if (sscanf(h, "%63[^:]:%d", addr, &port) != 2)
			return -1;
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			return -1;
		sl = sizeof *a;
	}
	snprintf(host, hostlen, "%.*s", (int)strcspn(h, "/"), h);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

long pk_test_sandbox_post(const pk_test_sandbox *sb, const char *path, const char *json_body,
			  char **answer)
{
	if (answer)
		*answer = NULL;
	char host[128];
	int fd = connect_url(sb->url, host, sizeof host);
	if (fd < 0)
		return -1;
	size_t blen = json_body ? strlen(json_body) : 0;
	char head[512];
	int hl = snprintf(head, sizeof head,
			  "%s %s?secret=%s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\n"
			  "Content-Length: %zu\r\n\r\n",
			  json_body ? "POST" : "GET", path, sb->secret, host, blen);
	if (write(fd, head, (size_t)hl) != hl ||
	    (blen && write(fd, json_body, blen) != (ssize_t)blen)) {
		close(fd);
		return -1;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (len + 1024 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, 10000) <= 0)
			break;
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (!buf)
		return -1;
	buf[len] = '\0';
	long code = -1;
	if (sscanf(buf, "HTTP/%*s %ld", &code) != 1)
		code = -1;
	char *body = strstr(buf, "\r\n\r\n");
	if (answer && body)
		*answer = strdup(body + 4);
	free(buf);
	return code;
}

long pk_test_sandbox_stat(const pk_test_sandbox *sb, const char *name)
{
	char *ans = NULL;
	if (pk_test_sandbox_post(sb, "/_sandbox/stats", NULL, &ans) != 200 || !ans) {
		free(ans);
		return -1;
	}
	char key[64];
	snprintf(key, sizeof key, "\"%s\":", name);
	char *p = strstr(ans, key);
	long v = p ? strtol(p + strlen(key), NULL, 10) : -1;
	free(ans);
	return v;
}
