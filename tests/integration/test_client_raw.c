/* test_client_raw.c - the real gateway client against raw loopback sockets
 * the test controls: what goes on the wire (path, ?secret= escaping,
 * headers, body), refused connections, a server that accepts and never
 * answers (timeout while the wait keeps returning), oversized answers,
 * redirects not followed, the secret never in a message; which requests
 * share a connection, and that a create or activation is never re-sent by
 * libcurl on its own. */
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

/* ---- connections and re-sends -------------------------------------------- */

/* A keep-alive HTTP/1.1 server in a child, scripted by the test.  Every
 * connection accepted, every whole request read (headers + Content-Length
 * body) and every connection the client closes is written to report_fd as
 * a line: "A <conn>", "R <conn> <path>", "E <conn>" (conn: 0, 1, ... in
 * the order accepted; path without the query, so never the secret).
 * Status polls get {"status":"processing"} and the connection stays open.
 * Any other request gets the call's documented answer with keep-alive
 * headers (hang_up false), or (hang_up true) the connection is closed at
 * once, the request read but not a byte answered: the gateway (or a proxy)
 * dropping it after acting on it, or not.  Stops when ctl_fd is readable. */
#define KA_CONNS 8

static void ka_answer(int fd, const char *path)
{
	const char *body;
	if (strstr(path, "/status"))
		body = "{\"status\":\"processing\"}";
	else if (strstr(path, "/payment/create/upi_s"))
		body = "{\"status\":\"ok\",\"data\":{\"order_id\":\"ord1\","
		       "\"qr_data\":\"upi://pay?pa=shop@bank&am=100.5\"}}";
	else if (strstr(path, "/transaction/activate"))
		body = "{\"status\":\"possible_transaction_created\","
		       "\"message\":\"Transaction not found. Possible transaction created\"}";
	else
		body = "{\"status\":\"ok\",\"params\":{\"identifier\":\"324342342\"}}";
	char resp[1024];
	int n = snprintf(resp, sizeof resp,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n%s",
			 strlen(body), body);
	ssize_t w = write(fd, resp, (size_t)n);
	(void)w;
}

/* One line: "<what> <conn>[ <path>]". */
static void ka_report(int report_fd, char what, int conn, const char *path)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%c %d%s%s\n", what, conn, path ? " " : "",
			 path ? path : "");
	ssize_t w = write(report_fd, line, (size_t)n);
	(void)w;
}

/* One whole request at the head of buf (n bytes)?  Its length, else 0. */
static size_t ka_request_len(const char *buf, size_t n)
{
	const char *end = strstr(buf, "\r\n\r\n");
	if (!end)
		return 0;
	size_t head = (size_t)(end + 4 - buf);
	const char *cl = ci_find(buf, "\r\nContent-Length:");
	size_t want = cl && cl < end ? (size_t)atol(cl + 17) : 0;
	return n - head >= want ? head + want : 0;
}

static pid_t serve_keepalive(int lfd, bool hang_up, int report_fd, int ctl_fd)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	alarm(20);
	static char buf[KA_CONNS][16384];
	size_t len[KA_CONNS] = {0};
	int fds[KA_CONNS];
	int nconn = 0, stopping = 0;
	for (;;) {
		struct pollfd pfd[KA_CONNS + 2];
		int map[KA_CONNS + 2];
		nfds_t np = 0;
		for (int i = 0; i < nconn; i++) {
			if (fds[i] >= 0) {
				pfd[np] = (struct pollfd){.fd = fds[i], .events = POLLIN};
				map[np++] = i;
			}
		}
		if (!stopping) {
			pfd[np] = (struct pollfd){.fd = lfd, .events = POLLIN};
			map[np++] = -1;
			pfd[np] = (struct pollfd){.fd = ctl_fd, .events = POLLIN};
			map[np++] = -2;
		}
		/* once told to stop, a last short look for closes in flight */
		int ready = poll(pfd, np, stopping ? 100 : 10000);
		if (ready <= 0)
			break;
		for (nfds_t k = 0; k < np; k++) {
			if (!pfd[k].revents)
				continue;
			int i = map[k];
			if (i == -2) {
				stopping = 1;
			} else if (i == -1) {
				int fd = accept(lfd, NULL, NULL);
				if (fd < 0 || nconn == KA_CONNS)
					_exit(2);
				fds[nconn] = fd;
				ka_report(report_fd, 'A', nconn, NULL);
				nconn++;
			} else {
				ssize_t r = read(fds[i], buf[i] + len[i], sizeof buf[i] - 1 - len[i]);
				if (r <= 0) {
					ka_report(report_fd, 'E', i, NULL);
					close(fds[i]);
					fds[i] = -1;
					continue;
				}
				len[i] += (size_t)r;
				buf[i][len[i]] = '\0';
				size_t whole;
				while (fds[i] >= 0 && (whole = ka_request_len(buf[i], len[i])) > 0) {
					char path[128] = "";
					sscanf(buf[i], "POST %127[^? ]", path);
					ka_report(report_fd, 'R', i, path);
					if (hang_up && !strstr(path, "/status")) {
						close(fds[i]); /* read, never answered */
						fds[i] = -1;
						break;
					}
					ka_answer(fds[i], path);
					memmove(buf[i], buf[i] + whole, len[i] - whole + 1);
					len[i] -= whole;
				}
			}
		}
	}
	close(report_fd);
	_exit(0);
}

typedef struct ka_log {
	int accepted;
	int requests;
	int conn_of[16]; /* connection of each request, in order */
	char path_of[16][128];
	bool closed[KA_CONNS]; /* the client closed it */
} ka_log;

/* Stop the server, read its report, reap it. */
static void ka_finish(pid_t pid, int report_rd, int ctl_wr, ka_log *log)
{
	static char text[8192];
	size_t n = 0;
	ssize_t k;
	assert_int_equal(write(ctl_wr, "q", 1), 1);
	while (n < sizeof text - 1 && (k = read(report_rd, text + n, sizeof text - 1 - n)) > 0)
		n += (size_t)k;
	text[n] = '\0';
	reap(pid);
	memset(log, 0, sizeof *log);
	print_message("%s", text);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int conn;
		char path[128];
		if (sscanf(line, "A %d", &conn) == 1) {
			log->accepted++;
		} else if (sscanf(line, "E %d", &conn) == 1) {
			assert_true(conn >= 0 && conn < KA_CONNS);
			log->closed[conn] = true;
		} else if (sscanf(line, "R %d %127s", &conn, path) == 2) {
			assert_true(log->requests < 16);
			log->conn_of[log->requests] = conn;
			strcpy(log->path_of[log->requests], path);
			log->requests++;
		}
	}
}

static void ka_start(bool hang_up, int *port, int *lfd, int *report_rd, int *ctl_wr, pid_t *pid)
{
	int rep[2], ctl[2];
	*lfd = listen_any(port);
	assert_int_equal(pipe(rep), 0);
	assert_int_equal(pipe(ctl), 0);
	*pid = serve_keepalive(*lfd, hang_up, rep[1], ctl[0]);
	close(rep[1]);
	close(ctl[0]);
	*report_rd = rep[0];
	*ctl_wr = ctl[1];
}

static void ka_stop(int lfd, int report_rd, int ctl_wr)
{
	close(report_rd);
	close(ctl_wr);
	close(lfd);
}

static capture poll_status(gw_client *c)
{
	capture cap = {0};
	pk_error err;
	gw_req_id id = gw_upi_status(c, "ord1", on_done, &cap, &err);
	assert_true(id != 0);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(cap.calls, 1);
	return cap;
}

/* Status polls share one kept-alive connection; a create or an activate
 * gets a new connection of its own, which the client closes after the
 * answer (never reused), and the polls after it go on on the old one. */
static void create_gets_a_fresh_connection(void **state)
{
	(void)state;
	int port, lfd, rep, ctl;
	pid_t pid;
	ka_start(false, &port, &lfd, &rep, &ctl, &pid);
	gw_client *c = client_for_port(port, 2000, 5000);
	pk_error err;

	assert_int_equal(poll_status(c).status, GW_ST_PROCESSING);
	assert_int_equal(poll_status(c).status, GW_ST_PROCESSING);
	assert_int_equal(gw_client_connections(c), 1);

	capture cap = {0};
	gw_req_id id = gw_upi_create(c, "till-1", 10050, "sale-50", on_done, &cap, &err);
	assert_true(id != 0);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(cap.status, GW_ST_OK);
	assert_string_equal(cap.order_id, "ord1");

	assert_int_equal(poll_status(c).status, GW_ST_PROCESSING);

	capture act = {0};
	id = gw_wavepay_activate(c, "till-1", "4234567890", 5000, "sale-51", on_done, &act, &err);
	assert_true(id != 0);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(act.status, GW_ST_POSSIBLE_TX);

	capture wc = {0};
	id = gw_wavepay_create(c, "till-1", on_done, &wc, &err);
	assert_true(id != 0);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(wc.status, GW_ST_OK);

	assert_int_equal(poll_status(c).status, GW_ST_PROCESSING);
	/* one for the polls, one for each of the three money calls */
	assert_int_equal(gw_client_connections(c), 4);

	ka_log log;
	ka_finish(pid, rep, ctl, &log);
	assert_int_equal(log.accepted, 4);
	assert_int_equal(log.requests, 7);
	static const char *const want[] = {
		"/api/v1/payment/upi_s/status",        "/api/v1/payment/upi_s/status",
		"/api/v1/payment/create/upi_s",        "/api/v1/payment/upi_s/status",
		"/api/v1/transaction/activate",        "/api/v1/transaction/create/wavepay",
		"/api/v1/payment/upi_s/status",
	};
	for (int i = 0; i < 7; i++)
		assert_string_equal(log.path_of[i], want[i]);
	/* every poll on the first connection, still open */
	int polls = log.conn_of[0];
	assert_int_equal(log.conn_of[1], polls);
	assert_int_equal(log.conn_of[3], polls);
	assert_int_equal(log.conn_of[6], polls);
	assert_false(log.closed[polls]);
	/* each money call alone on a connection of its own, closed by the client */
	int money[] = {log.conn_of[2], log.conn_of[4], log.conn_of[5]};
	for (int i = 0; i < 3; i++) {
		assert_int_not_equal(money[i], polls);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(money[i], money[j]);
		for (int r = 0; r < log.requests; r++)
			if (r != 2 && r != 4 && r != 5)
				assert_int_not_equal(log.conn_of[r], money[i]);
		assert_true(log.closed[money[i]]);
	}
	gw_client_free(c);
	ka_stop(lfd, rep, ctl);
}

/* The gateway reads a create (or an activate) and drops the connection
 * without a byte of answer, right after a status poll left a kept-alive
 * connection.  The client reports a transport error (the request went
 * out: never retry blindly) and the server saw the request exactly once:
 * libcurl did not re-send it on its own. */
static void no_silent_resend(void **state)
{
	(void)state;
	int port, lfd, rep, ctl;
	pid_t pid;
	ka_start(true, &port, &lfd, &rep, &ctl, &pid);
	gw_client *c = client_for_port(port, 2000, 5000);
	pk_error err;

	assert_int_equal(poll_status(c).status, GW_ST_PROCESSING);
	capture cap = {0};
	gw_req_id id = gw_upi_create(c, "till-1", 10050, "sale-52", on_done, &cap, &err);
	assert_true(id != 0);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.status, GW_ST_NONE);
	assert_int_equal(cap.err.kind, PK_ERR_TRANSPORT);
	assert_true(cap.request_sent);
	assert_secret_free(&cap.err);

	assert_int_equal(poll_status(c).status, GW_ST_PROCESSING);
	capture act = {0};
	id = gw_wavepay_activate(c, "till-1", "1234567890", 5000, "sale-53", on_done, &act, &err);
	assert_true(id != 0);
	assert_int_equal(gw_run_blocking(c, id, 10000, &err), 0);
	assert_int_equal(act.calls, 1);
	assert_int_equal(act.status, GW_ST_NONE);
	assert_int_equal(act.err.kind, PK_ERR_TRANSPORT);
	assert_true(act.request_sent);

	ka_log log;
	ka_finish(pid, rep, ctl, &log);
	int creates = 0, activates = 0;
	for (int r = 0; r < log.requests; r++) {
		creates += strcmp(log.path_of[r], "/api/v1/payment/create/upi_s") == 0;
		activates += strcmp(log.path_of[r], "/api/v1/transaction/activate") == 0;
	}
	assert_int_equal(creates, 1);
	assert_int_equal(activates, 1);
	assert_int_equal(log.requests, 4);
	assert_int_equal(log.accepted, 3); /* polls, the create, the activate */
	gw_client_free(c);
	ka_stop(lfd, rep, ctl);
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
		cmocka_unit_test(create_gets_a_fresh_connection),
		cmocka_unit_test(no_silent_resend),
		cmocka_unit_test(cancel),
		cmocka_unit_test(bad_config_and_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
