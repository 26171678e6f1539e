/* test_client_raw.c - the real gateway client against raw loopback sockets
 * the test controls: what goes on the wire (path, ?secret= escaping,
 * headers, body), refused connections, a server that accepts and never
 * answers (timeout while the wait keeps returning), oversized answers,
 * redirects not followed, the secret never in a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gateway/gateway.h"

#define SECRET "s3cr3t&x=1 /?+%"
#define SECRET_ESCAPED "s3cr3t%26x%3D1%20%2F%3F%2B%25"

typedef struct capture {
	int calls;
	gw_status status;
	pk_error err;
	long http_code;
	bool request_sent;
	char order_id[GW_ID_MAX];
	char message[GW_MSG_MAX];
} capture;

static void on_done(void *ud, const gw_result *res)
{
	capture *cap = ud;
	cap->calls++;
	cap->status = res->status;
	cap->err = res->err;
	cap->http_code = res->http_code;
	cap->request_sent = res->request_sent;
	memcpy(cap->order_id, res->order_id, sizeof cap->order_id);
	memcpy(cap->message, res->message, sizeof cap->message);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ci_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

/* A listening loopback socket on a free port. */
static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 8), 0);
	socklen_t len = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static gw_client *client_for_port(int port, long connect_ms, long total_ms)
{
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	gw_options o = {.api_url = url,
			.secret = SECRET,
			.connect_timeout_ms = connect_ms,
			.total_timeout_ms = total_ms};
	gw_client *c = NULL;
	pk_error err;
	assert_int_equal(gw_client_new(&c, &o, &err), 0);
	assert_non_null(c);
	return c;
}

static void assert_secret_free(const pk_error *err)
{
	assert_null(strstr(err->msg, "s3cr3t"));
	assert_null(strstr(err->msg, SECRET_ESCAPED));
	assert_null(strstr(err->msg, "?secret="));
}

/* Child: accept one connection, read the request (headers + body by
 * Content-Length), send it to report_fd, answer with resp, close. */
static pid_t serve_once(int lfd, const char *resp, size_t resp_len, int report_fd)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	alarm(20);
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(2);
	static char req[65536];
	size_t n = 0;
	for (;;) {
		ssize_t k = read(fd, req + n, sizeof req - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		req[n] = '\0';
		char *end = strstr(req, "\r\n\r\n");
		if (end) {
			const char *cl = ci_find(req, "\r\nContent-Length:");
			size_t want = cl ? (size_t)atol(cl + 17) : 0;
			if (n - (size_t)(end + 4 - req) >= want)
				break;
		}
	}
	if (report_fd >= 0) {
		ssize_t w = write(report_fd, req, n);
		(void)w;
		close(report_fd);
	}
	size_t off = 0;
	while (off < resp_len) {
		ssize_t w = write(fd, resp + off, resp_len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	shutdown(fd, SHUT_RDWR);
	close(fd);
	_exit(0);
}

static void reap(pid_t pid)
{
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	curl_global_cleanup();
	return 0;
}

/* ---- tests --------------------------------------------------------------- */

static void request_on_the_wire(void **state)
{
	(void)state;
	int port, pipefd[2];
	int lfd = listen_any(&port);
	assert_int_equal(pipe(pipefd), 0);
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				   "Content-Length: 88\r\nConnection: close\r\n\r\n"
				   "{\"status\":\"ok\",\"data\":{\"order_id\":\"abc123\","
				   "\"qr_data\":\"upi://pay?pa=shop@bank&am=100.5\"}}";
	pid_t pid = serve_once(lfd, resp, strlen(resp), pipefd[1]);
	close(pipefd[1]);

	gw_client *c = client_for_port(port, 2000, 5000);
	capture cap = {0};
	pk_error err;
	gw_req_id id = gw_upi_create(c, "till-1", 10050, "sale-42", on_done, &cap, &err);
	assert_true(id != 0);
	assert_int_equal(cap.calls, 0); /* never from inside the start function */
	assert_int_equal(gw_client_busy(c), 1);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.status, GW_ST_OK);
	assert_string_equal(cap.order_id, "abc123");
	assert_true(cap.request_sent);
	assert_int_equal(gw_client_busy(c), 0);

	char req[65536];
	size_t n = 0;
	ssize_t k;
	while ((k = read(pipefd[0], req + n, sizeof req - 1 - n)) > 0)
		n += (size_t)k;
	req[n] = '\0';
	close(pipefd[0]);
	reap(pid);
	close(lfd);

	/* the path of the call, the secret escaped in the query, one slash */
	assert_non_null(strstr(req, "POST /api/v1/payment/create/upi_s?secret=" SECRET_ESCAPED
				    " HTTP/1.1\r\n"));
	assert_non_null(ci_find(req, "\r\nContent-Type: application/json\r\n"));
	assert_non_null(ci_find(req, "\r\nAccept: application/json\r\n"));
	const char *body = strstr(req, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	assert_non_null(strstr(body, "\"amount\":100.5,"));
	assert_non_null(strstr(body, "\"mode\":\"upi_collect_qr\""));
	assert_non_null(strstr(body, "\"custom_transaction_id\":\"sale-42\""));
	gw_client_free(c);
}

static void refused(void **state)
{
	(void)state;
	int port;
	int lfd = listen_any(&port);
	close(lfd); /* nothing listens there now */
	gw_client *c = client_for_port(port, 2000, 5000);
	capture cap = {0};
	pk_error err;
	gw_req_id id = gw_upi_status(c, "abc123", on_done, &cap, &err);
	assert_true(id != 0);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.status, GW_ST_NONE);
	assert_int_equal(cap.err.kind, PK_ERR_REFUSED);
	assert_false(cap.request_sent); /* safe to retry */
	assert_non_null(strstr(cap.err.msg, "127.0.0.1"));
	assert_secret_free(&cap.err);
	assert_int_equal(gw_client_connections(c), 0);
	gw_client_free(c);
}

/* The server accepts (the kernel does) and never answers: the request
 * times out after the configured total time, and meanwhile the wait keeps
 * returning to the loop and reports the loop's own fd. */
static void hang_times_out_without_blocking(void **state)
{
	(void)state;
	int port, pfd[2];
	int lfd = listen_any(&port);
	assert_int_equal(pipe(pfd), 0);
	gw_client *c = client_for_port(port, 2000, 800);
	capture cap = {0};
	pk_error err;
	long long t0 = now_ms();
	gw_req_id id =
		gw_wavepay_activate(c, "till-1", "1234", 5000, "sale-43", on_done, &cap, &err);
	assert_true(id != 0);

	int waits = 0, saw_pipe = 0;
	long long longest = 0;
	while (cap.calls == 0 && now_ms() - t0 < 5000) {
		if (waits == 3) {
			ssize_t w = write(pfd[1], "x", 1); /* a key press, say */
			assert_int_equal(w, 1);
		}
		struct pollfd extra = {.fd = pfd[0], .events = POLLIN};
		long long w0 = now_ms();
		assert_int_equal(gw_client_wait(c, &extra, 1, 100, &err), 0);
		long long took = now_ms() - w0;
		if (took > longest)
			longest = took;
		if (extra.revents & POLLIN) {
			char ch;
			assert_int_equal(read(pfd[0], &ch, 1), 1);
			saw_pipe++;
		}
		assert_int_equal(gw_client_process(c, &err), 0);
		waits++;
	}
	long long elapsed = now_ms() - t0;
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.status, GW_ST_NONE);
	assert_int_equal(cap.err.kind, PK_ERR_TIMEOUT);
	assert_true(cap.request_sent); /* it went out: do not retry blindly */
	assert_non_null(strstr(cap.err.msg, "127.0.0.1"));
	assert_secret_free(&cap.err);
	assert_true(elapsed >= 700);
	assert_true(elapsed < 3000);
	assert_true(waits >= 5);    /* the loop kept running meanwhile */
	assert_true(longest < 600); /* no wait blocked beyond its timeout */
	assert_int_equal(saw_pipe, 1);
	gw_client_free(c);
	close(pfd[0]);
	close(pfd[1]);
	close(lfd);
}

static void too_large(void **state)
{
	(void)state;
	size_t big = GW_BODY_MAX + 4096;
	char *resp = malloc(big + 256);
	assert_non_null(resp);
	/* one answer without a length (cut while streaming), one announcing it */
	for (int announced = 0; announced < 2; announced++) {
		int n = announced ? snprintf(resp, 256,
					     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					     "Content-Length: %zu\r\n\r\n",
					     big)
				  : snprintf(resp, 256,
					     "HTTP/1.1 200 OK\r\nContent-Type: "
					     "application/json\r\nConnection: close\r\n\r\n");
		memset(resp + n, ' ', big);
		resp[n] = '{';
		int port;
		int lfd = listen_any(&port);
		pid_t pid = serve_once(lfd, resp, (size_t)n + big, -1);
		gw_client *c = client_for_port(port, 2000, 5000);
		capture cap = {0};
		pk_error err;
		gw_req_id id = gw_upi_status(c, "abc123", on_done, &cap, &err);
		assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
		assert_int_equal(cap.calls, 1);
		assert_int_equal(cap.status, GW_ST_NONE);
		assert_int_equal(cap.err.kind, PK_ERR_TOO_LARGE);
		assert_true(cap.request_sent);
		assert_secret_free(&cap.err);
		gw_client_free(c);
		reap(pid);
		close(lfd);
	}
	free(resp);
}

static void redirect_not_followed_and_fail_body(void **state)
{
	(void)state;
	int port;
	int lfd = listen_any(&port);
	static const char resp[] = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/steal\r\n"
				   "Content-Length: 0\r\nConnection: close\r\n\r\n";
	pid_t pid = serve_once(lfd, resp, strlen(resp), -1);
	gw_client *c = client_for_port(port, 2000, 5000);
	capture cap = {0};
	pk_error err;
	gw_req_id id = gw_wavepay_create(c, "till-1", on_done, &cap, &err);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	reap(pid);
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.status, GW_ST_NONE);
	assert_int_equal(cap.err.kind, PK_ERR_HTTP);
	assert_int_equal(cap.http_code, 302);

	/* a single-quoted fail body under 401, as the docs write it */
	static const char fail[] = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 47\r\n"
				   "Connection: close\r\n\r\n"
				   "{'status': 'fail', 'message': 'Invalid secret'}";
	pid = serve_once(lfd, fail, strlen(fail), -1);
	cap.calls = 0;
	id = gw_wavepay_create(c, "till-1", on_done, &cap, &err);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	reap(pid);
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.status, GW_ST_FAIL);
	assert_int_equal(cap.err.kind, PK_ERR_GATEWAY_FAIL);
	assert_string_equal(cap.message, "Invalid secret");
	assert_secret_free(&cap.err);
	gw_client_free(c);
	close(lfd);
}

/* Cancelling: the callback never runs, also when cancelled from another
 * request's callback of the same batch. */
typedef struct canceller {
	gw_client *c;
	gw_req_id victim;
	int calls;
} canceller;

static void cancel_other(void *ud, const gw_result *res)
{
	(void)res;
	canceller *k = ud;
	k->calls++;
	gw_cancel(k->c, k->victim);
}

static void must_not_run(void *ud, const gw_result *res)
{
	(void)ud;
	(void)res;
	fail_msg("callback of a cancelled request ran");
}

static void cancel(void **state)
{
	(void)state;
	int port;
	int lfd = listen_any(&port);
	close(lfd);
	gw_client *c = client_for_port(port, 2000, 5000);
	pk_error err;
	gw_req_id a = gw_upi_status(c, "a", must_not_run, NULL, &err);
	assert_true(a != 0);
	gw_cancel(c, a);
	assert_int_equal(gw_client_busy(c), 0);

	canceller k = {.c = c};
	gw_req_id first = gw_upi_status(c, "b", cancel_other, &k, &err);
	k.victim = gw_upi_status(c, "c", must_not_run, NULL, &err);
	assert_true(first != 0 && k.victim != 0 && first != k.victim);
	/* both are refused at once, so both complete in the same batch */
	long long t0 = now_ms();
	while (gw_client_busy(c) && now_ms() - t0 < 5000) {
		assert_int_equal(gw_client_wait(c, NULL, 0, 50, &err), 0);
		assert_int_equal(gw_client_process(c, &err), 0);
	}
	assert_int_equal(k.calls, 1);
	assert_int_equal(gw_client_busy(c), 0);

	/* requests left in flight are dropped silently by free (ASan: no leak) */
	assert_true(gw_upi_status(c, "d", must_not_run, NULL, &err) != 0);
	gw_client_free(c);
}

static void bad_config_and_input(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"http://example.com",       /* plain http off this machine */
		"ftp://127.0.0.1/",         /* not http(s) */
		"https://api.example/?a=b", /* query: the path is appended */
		"not a url",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		gw_options o = {.api_url = bad[i], .secret = SECRET};
		gw_client *c = (gw_client *)1;
		pk_error err;
		assert_int_equal(gw_client_new(&c, &o, &err), -1);
		assert_null(c);
		assert_int_equal(err.kind, PK_ERR_CONFIG);
		assert_secret_free(&err);
	}
	gw_options o = {.api_url = "https://api.example", .secret = ""};
	gw_client *c = NULL;
	pk_error err;
	assert_int_equal(gw_client_new(&c, &o, &err), -1);
	assert_int_equal(err.kind, PK_ERR_CONFIG);

	o.secret = SECRET;
	assert_int_equal(gw_client_new(&c, &o, &err), 0);
	capture cap = {0};
	/* key1 longer than 11: refused before anything is sent */
	assert_int_equal(gw_wavepay_activate(c, "l", "123456789012", 500, "t", on_done, &cap, &err),
			 0);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(gw_upi_create(c, "l", 0, "t", on_done, &cap, &err), 0);
	assert_int_equal(err.kind, PK_ERR_INVALID);
	assert_int_equal(gw_client_busy(c), 0);
	assert_int_equal(cap.calls, 0);
	gw_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_on_the_wire),
		cmocka_unit_test(refused),
		cmocka_unit_test(hang_times_out_without_blocking),
		cmocka_unit_test(too_large),
		cmocka_unit_test(redirect_not_followed_and_fail_body),
		cmocka_unit_test(cancel),
		cmocka_unit_test(bad_config_and_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
