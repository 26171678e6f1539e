/* test_sandbox.c - the real paykassma-sandbox over loopback: the API as the
 * spec documents it, validation, idempotency, control calls, faults, logs
 * and postbacks, seen from a client's side. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "sandbox_proc.h"

#define UPI_CREATE "/api/v1/payment/create/upi_s"
#define UPI_STATUS "/api/v1/payment/upi_s/status"
#define WP_CREATE "/api/v1/transaction/create/wavepay"
#define WP_ACTIVATE "/api/v1/transaction/activate"

typedef struct fixture {
	pk_test_sandbox sb;
	char log[64];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	snprintf(f->log, sizeof f->log, "/tmp/pk-sandbox-log-XXXXXX");
	int fd = mkstemp(f->log);
	if (fd < 0)
		return -1;
	close(fd);
	const char *args[] = { "--log", f->log, NULL };
	if (pk_test_sandbox_start(&f->sb, args) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	pk_test_sandbox_stop(&f->sb);
	unlink(f->log);
	free(f);
	return 0;
}

/* POST and parse; returns the parsed answer (caller frees), code in *code */
static cJSON *call(const pk_test_sandbox *sb, const char *path, const char *body, long *code)
{
	char *ans = NULL;
	*code = pk_test_sandbox_post(sb, path, body, &ans);
	cJSON *o = ans ? cJSON_Parse(ans) : NULL;
	free(ans);
	return o;
}

static const char *str(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void upi_body(char *buf, size_t len, const char *ctid, const char *amount)
{
	snprintf(buf, len,
		 "{\"mode\":\"upi_collect_qr\",\"currency\":\"INR\",\"label\":\"test_user55\","
		 "\"wallet_type\":\"upi_s\",\"amount\":%s,\"custom_transaction_id\":\"%s\"}",
		 amount, ctid);
}

static void upi_create_status_settle(void **state)
{
	fixture *f = *state;
	char body[512];
	long code;
	upi_body(body, sizeof body, "ctid-upi-1", "100.5");
	cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
	assert_int_equal(code, 200);
	assert_string_equal(str(o, "status"), "ok");
	cJSON *data = cJSON_GetObjectItemCaseSensitive(o, "data");
	const char *oid = str(data, "order_id");
	assert_int_equal(strlen(oid), 16);
	assert_true(strspn(oid, "0123456789abcdef") == 16);
	const char *qr = str(data, "qr_data");
	assert_true(strncmp(qr, "upi://pay?", 10) == 0);
	assert_non_null(strstr(qr, "am=100.50"));
	char tr[64];
	snprintf(tr, sizeof tr, "tr=%s", oid);
	assert_non_null(strstr(qr, tr));
	assert_string_equal(str(data, "message"), "QR Code generated successfully");

	/* the PNG in qr_string is a real QR of qr_data */
	const char *b64 = str(data, "qr_string");
	assert_true(strlen(b64) > 100);
	char png[] = "/tmp/pk-sb-qr-XXXXXX.png";
	int fd = mkstemps(png, 4);
	assert_true(fd >= 0);
	FILE *p = fdopen(fd, "w");
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned acc = 0;
	int bits = 0;
	for (const char *c = b64; *c && *c != '='; c++) {
		const char *pos = strchr(tbl, *c);
		assert_non_null(pos);
		acc = (acc << 6) | (unsigned)(pos - tbl);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			fputc((int)((acc >> bits) & 0xff), p);
		}
	}
	fclose(p);
	char cmd[256], out[1024] = "";
	snprintf(cmd, sizeof cmd, "zbarimg --nodbus -q --raw %s", png);
	FILE *z = popen(cmd, "r");
	assert_non_null(z);
	if (!fgets(out, sizeof out, z))
		out[0] = '\0';
	pclose(z);
	unlink(png);
	out[strcspn(out, "\n")] = '\0';
	assert_string_equal(out, qr);

	char sbody[128];
	snprintf(sbody, sizeof sbody, "{\"order_id\":\"%s\"}", oid);
	cJSON *s = call(&f->sb, UPI_STATUS, sbody, &code);
	assert_int_equal(code, 200);
	assert_string_equal(str(s, "status"), "processing");
	cJSON_Delete(s);

	/* same ctid, same fields: the same order (idempotent) */
	cJSON *again = call(&f->sb, UPI_CREATE, body, &code);
	assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(again, "data"), "order_id"), oid);
	cJSON_Delete(again);
	/* same ctid, another amount: refused */
	char other[512];
	upi_body(other, sizeof other, "ctid-upi-1", "200");
	cJSON *dup = call(&f->sb, UPI_CREATE, other, &code);
	assert_string_equal(str(dup, "status"), "fail");
	assert_non_null(strstr(str(dup, "message"), "custom_transaction_id"));
	cJSON_Delete(dup);

	char settle[160];
	snprintf(settle, sizeof settle, "{\"order_id\":\"%s\",\"status\":\"success\"}", oid);
	cJSON *st = call(&f->sb, "/_sandbox/settle", settle, &code);
	assert_int_equal(code, 200);
	cJSON_Delete(st);
	s = call(&f->sb, UPI_STATUS, sbody, &code);
	assert_string_equal(str(s, "status"), "success");
	cJSON_Delete(s);
	cJSON_Delete(o);

	/* failed after two more processing answers */
	upi_body(body, sizeof body, "ctid-upi-2", "10");
	o = call(&f->sb, UPI_CREATE, body, &code);
	oid = str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id");
	snprintf(settle, sizeof settle,
		 "{\"order_id\":\"%s\",\"status\":\"failed\",\"after_polls\":2}", oid);
	cJSON_Delete(call(&f->sb, "/_sandbox/settle", settle, &code));
	snprintf(sbody, sizeof sbody, "{\"order_id\":\"%s\"}", oid);
	const char *want[] = { "processing", "processing", "failed", "failed" };
	for (int i = 0; i < 4; i++) {
		s = call(&f->sb, UPI_STATUS, sbody, &code);
		assert_string_equal(str(s, "status"), want[i]);
		cJSON_Delete(s);
	}
	cJSON_Delete(o);

	s = call(&f->sb, UPI_STATUS, "{\"order_id\":\"0000000000000000\"}", &code);
	assert_string_equal(str(s, "status"), "fail");
	assert_string_equal(str(s, "message"), "Order not found");
	cJSON_Delete(s);
	assert_int_equal(pk_test_sandbox_stat(&f->sb, "upi_status"), 7);
}

static void wavepay_outcomes(void **state)
{
	fixture *f = *state;
	long code;
	cJSON *o = call(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"eligendi\"}", &code);
	assert_int_equal(code, 200);
	assert_string_equal(str(o, "status"), "ok");
	const char *ident = str(cJSON_GetObjectItemCaseSensitive(o, "params"), "identifier");
	assert_true(strlen(ident) >= 9 && strspn(ident, "0123456789") == strlen(ident));
	cJSON_Delete(o);

	struct { const char *key1; const char *status; double deposit; } cases[] = {
		{ "1394646476", "ok", 500 }, { "2394646476", "ok", 1000 },
		{ "3394646476", "pending", 0 }, { "4394646476", "possible_transaction_created", 0 },
		{ "5394646476", "fail", 0 }, { "7394646476", "ok", 500 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char body[400];
		snprintf(body, sizeof body,
			 "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"55\","
			 "\"amount\":500,\"key1\":\"%s\",\"custom_transaction_id\":\"wp-%zu\"}",
			 cases[i].key1, i);
		o = call(&f->sb, WP_ACTIVATE, body, &code);
		assert_int_equal(code, 200);
		assert_string_equal(str(o, "status"), cases[i].status);
		if (cases[i].deposit > 0) {
			assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "deposit")));
			cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "deposit_amount");
			assert_true(cJSON_IsNumber(d));
			assert_true(d->valuedouble == cases[i].deposit);
			assert_string_equal(
				str(cJSON_GetObjectItemCaseSensitive(o, "currency"), "code"), "MMK");
		} else {
			assert_true(strlen(str(o, "message")) > 0);
		}
		cJSON_Delete(o);
		/* the identical activation again: the identical answer, no second credit */
		o = call(&f->sb, WP_ACTIVATE, body, &code);
		assert_string_equal(str(o, "status"), cases[i].status);
		cJSON_Delete(o);
	}
	/* a credited key1 under another ctid is refused */
	o = call(&f->sb, WP_ACTIVATE,
		 "{\"currency_code\":\"MMK\",\"wallet_type\":\"wavepay\",\"label\":\"55\","
		 "\"amount\":500,\"key1\":\"1394646476\",\"custom_transaction_id\":\"wp-other\"}",
		 &code);
	assert_string_equal(str(o, "status"), "fail");
	assert_string_equal(str(o, "message"), "Transaction already used");
	cJSON_Delete(o);
}

static void validation_names_the_field(void **state)
{
	fixture *f = *state;
	struct { const char *path, *body, *needle; } cases[] = {
		{ WP_CREATE, "{\"currency\":\"MMK\"}", "label: required" },
		{ WP_CREATE, "{\"currency\":\"USD\",\"label\":\"a\"}", "currency" },
		{ WP_CREATE, "{\"currency\":5,\"label\":\"a\"}", "currency: must be a string" },
		{ WP_ACTIVATE,
		  "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"5\","
		  "\"amount\":500,\"key1\":\"123456789012\",\"custom_transaction_id\":\"x\"}",
		  "key1: longer than 11" },
		{ WP_ACTIVATE,
		  "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"5\","
		  "\"amount\":\"500\",\"key1\":\"1\",\"custom_transaction_id\":\"x\"}",
		  "amount: must be a number" },
		{ WP_ACTIVATE,
		  "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"5\","
		  "\"amount\":500.5,\"key1\":\"1\",\"custom_transaction_id\":\"x\"}",
		  "amount" },
		{ UPI_CREATE,
		  "{\"mode\":\"qr\",\"currency\":\"INR\",\"label\":\"a\",\"wallet_type\":\"upi_s\","
		  "\"amount\":100,\"custom_transaction_id\":\"v1\"}",
		  "mode" },
		{ UPI_CREATE,
		  "{\"mode\":\"upi_collect_qr\",\"currency\":\"INR\",\"label\":\"a\","
		  "\"wallet_type\":\"upi_s\",\"amount\":100.123,\"custom_transaction_id\":\"v2\"}",
		  "amount" },
		{ UPI_CREATE,
		  "{\"mode\":\"upi_collect_qr\",\"currency\":\"INR\",\"label\":\"a\","
		  "\"wallet_type\":\"upi_s\",\"amount\":1,\"custom_transaction_id\":\"v3\"}",
		  "Amount is out of range" },
		{ UPI_CREATE, "not json", "not a JSON object" },
		{ UPI_STATUS, "{}", "order_id: required" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long code;
		cJSON *o = call(&f->sb, cases[i].path, cases[i].body, &code);
		assert_non_null(o);
		assert_string_equal(str(o, "status"), "fail");
		if (!strstr(str(o, "message"), cases[i].needle))
			fail_msg("case %zu: '%s' lacks '%s'", i, str(o, "message"), cases[i].needle);
		cJSON_Delete(o);
	}
	/* a 191-character label */
	char body[600], label[192];
	memset(label, 'a', 191);
	label[191] = '\0';
	snprintf(body, sizeof body, "{\"currency\":\"MMK\",\"label\":\"%s\"}", label);
	long code;
	cJSON *o = call(&f->sb, WP_CREATE, body, &code);
	assert_string_equal(str(o, "message"), "label: longer than 190 characters");
	cJSON_Delete(o);
	/* wrong secret: 403 + fail; unknown path: 404; GET on an API call: 405 */
	pk_test_sandbox bad = f->sb;
	snprintf(bad.secret, sizeof bad.secret, "wrong");
	o = call(&bad, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &code);
	assert_int_equal(code, 403);
	assert_string_equal(str(o, "message"), "Invalid secret");
	cJSON_Delete(o);
	o = call(&f->sb, "/api/v1/nothing", "{}", &code);
	assert_int_equal(code, 404);
	cJSON_Delete(o);
	o = call(&f->sb, UPI_STATUS, NULL, &code);
	assert_int_equal(code, 405);
	cJSON_Delete(o);
}

static int raw_request(const pk_test_sandbox *sb, const char *path, const char *body)
{
	int port = atoi(strrchr(sb->url, ':') + 1);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
		return -1;
	char req[1024];
	int n = snprintf(req, sizeof req,
			 "POST %s?secret=%s HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n%s",
			 path, sb->secret, strlen(body), body);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

static void faults_are_played(void **state)
{
	fixture *f = *state;
	long code;
	char *ans = NULL;
	/* http500_html, then the next request is normal again */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault",
			  "{\"call\":\"wavepay_create\",\"mode\":\"http500_html\",\"count\":1}", &code));
	code = pk_test_sandbox_post(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &ans);
	assert_int_equal(code, 500);
	assert_non_null(strstr(ans, "<html>"));
	free(ans);
	code = pk_test_sandbox_post(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &ans);
	assert_int_equal(code, 200);
	free(ans);
	/* the docs' single-quoted fail body, byte for byte */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault",
			  "{\"call\":\"any\",\"mode\":\"single_quote_fail\"}", &code));
	code = pk_test_sandbox_post(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &ans);
	assert_non_null(strstr(ans, "'status': 'fail'"));
	free(ans);
	/* empty body, wrong shape */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault", "{\"call\":\"upi_status\",\"mode\":\"empty\"}", &code));
	code = pk_test_sandbox_post(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}", &ans);
	assert_int_equal(code, 200);
	assert_string_equal(ans, "");
	free(ans);
	cJSON_Delete(call(&f->sb, "/_sandbox/fault",
			  "{\"call\":\"upi_status\",\"mode\":\"wrong_shape\"}", &code));
	code = pk_test_sandbox_post(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}", &ans);
	assert_string_equal(ans, "{\"status\":1,\"data\":[]}");
	free(ans);
	/* not_upi: the create answers a qr_data that is not a upi:// link */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault", "{\"call\":\"upi_create\",\"mode\":\"not_upi\"}", &code));
	char body[400];
	upi_body(body, sizeof body, "ctid-notupi", "100");
	cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
	assert_true(strncmp(str(cJSON_GetObjectItemCaseSensitive(o, "data"), "qr_data"),
			    "http://", 7) == 0);
	cJSON_Delete(o);
	/* huge body */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault", "{\"call\":\"upi_status\",\"mode\":\"huge_body\"}", &code));
	code = pk_test_sandbox_post(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}", &ans);
	assert_true(strlen(ans) > 1000000);
	free(ans);
	/* reset: no HTTP answer at all */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault", "{\"call\":\"upi_status\",\"mode\":\"reset\"}", &code));
	code = pk_test_sandbox_post(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}", &ans);
	assert_int_equal(code, -1);
	free(ans);
	/* hang: that connection gets nothing, another is still served at once */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault", "{\"call\":\"upi_status\",\"mode\":\"hang\"}", &code));
	int hung = raw_request(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}");
	assert_true(hung >= 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	code = pk_test_sandbox_post(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &ans);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(code, 200);
	free(ans);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	struct pollfd pfd = { .fd = hung, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 1500), 0); /* still nothing after 1.5 s */
	close(hung);
	/* trickle: a byte a second */
	cJSON_Delete(call(&f->sb, "/_sandbox/fault", "{\"call\":\"upi_status\",\"mode\":\"trickle\"}", &code));
	int tr = raw_request(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}");
	char buf[4096];
	size_t got = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) { /* headers come at once, then the body slowly: read for 2.5 s */
		pfd = (struct pollfd){ .fd = tr, .events = POLLIN };
		if (poll(&pfd, 1, 200) > 0) {
			ssize_t r = read(tr, buf + got, sizeof buf - got - 1);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec >= 3)
			break;
	}
	buf[got] = '\0';
	close(tr);
	char *b = strstr(buf, "\r\n\r\n");
	assert_non_null(b);
	size_t body_bytes = strlen(b + 4);
	assert_true(body_bytes >= 1 && body_bytes <= 4); /* ~1 byte/s, not the whole answer */
	/* unknown fault mode refused */
	o = call(&f->sb, "/_sandbox/fault", "{\"call\":\"upi_status\",\"mode\":\"explode\"}", &code);
	assert_string_equal(str(o, "status"), "fail");
	cJSON_Delete(o);
}

static void log_has_no_secret(void **state)
{
	fixture *f = *state;
	long code;
	cJSON_Delete(call(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &code));
	FILE *l = fopen(f->log, "r");
	assert_non_null(l);
	char line[512];
	int lines = 0;
	while (fgets(line, sizeof line, l)) {
		lines++;
		assert_null(strstr(line, f->sb.secret));
		assert_null(strstr(line, "secret="));
	}
	fclose(l);
	assert_true(lines >= 1);
}

/* --- postbacks: a receiver that answers 500 twice, then ok --- */
typedef struct receiver {
	int fd;
	int port;
	int hits;
	char last[4096];
} receiver;

static void *receive(void *arg)
{
	receiver *r = arg;
	for (int i = 0; i < 3; i++) {
		int c = accept(r->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		char buf[4096];
		size_t got = 0;
		for (;;) { /* until the body (Content-Length) is in */
			ssize_t n = read(c, buf + got, sizeof buf - got - 1);
			if (n <= 0)
				break;
			got += (size_t)n;
			buf[got] = '\0';
			char *h = strstr(buf, "\r\n\r\n"), *cl = strcasestr(buf, "Content-Length:");
			if (h && cl && strlen(h + 4) >= (size_t)atoi(cl + 15))
				break;
		}
		r->hits++;
		snprintf(r->last, sizeof r->last, "%s", buf);
		const char *ans = r->hits < 3
			? "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
			: "HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"ok\"}";
		if (write(c, ans, strlen(ans)) < 0)
			break;
		close(c);
	}
	return NULL;
}

static void postback_retried_until_ok(void **state)
{
	(void)state;
	receiver r = { 0 };
	r.fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(bind(r.fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t al = sizeof a;
	getsockname(r.fd, (struct sockaddr *)&a, &al);
	listen(r.fd, 8);
	pthread_t th;
	pthread_create(&th, NULL, receive, &r);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/postback", ntohs(a.sin_port));
	const char *args[] = { "--postback-url", url, NULL };
	pk_test_sandbox sb;
	assert_int_equal(pk_test_sandbox_start(&sb, args), 0);
	long code;
	cJSON_Delete(call(&sb, WP_ACTIVATE,
			  "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"55\","
			  "\"amount\":500,\"key1\":\"1234\",\"custom_transaction_id\":\"pb-1\"}",
			  &code));
	for (int i = 0; i < 100 && pk_test_sandbox_stat(&sb, "delivered") < 1; i++)
		usleep(100000);
	assert_int_equal(pk_test_sandbox_stat(&sb, "delivered"), 1);
	assert_int_equal(pk_test_sandbox_stat(&sb, "attempts"), 3);
	pthread_join(th, NULL);
	close(r.fd);
	assert_int_equal(r.hits, 3);
	char *body = strstr(r.last, "\r\n\r\n");
	assert_non_null(body);
	cJSON *pbj = cJSON_Parse(body + 4);
	assert_non_null(pbj);
	assert_string_equal(str(pbj, "wallet_type"), "wavepay");
	assert_string_equal(str(pbj, "label"), "55");
	assert_string_equal(str(pbj, "direction"), "ingoing");
	cJSON *ad = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(pbj, "additional_data"), 0);
	assert_string_equal(str(ad, "plugin_custom_order_id"), "pb-1");
	cJSON_Delete(pbj);
	pk_test_sandbox_stop(&sb);
}

static void cli_contract(void **state)
{
	(void)state;
	/* non-loopback listen refused, ::1 works */
	const char *bin = getenv("PK_SANDBOX");
	char cmd[512];
	snprintf(cmd, sizeof cmd, "PAYKASSMA_SANDBOX_SECRET=x %s --listen 0.0.0.0 2>&1", bin);
	FILE *p = popen(cmd, "r");
	char out[512] = "";
	if (!fgets(out, sizeof out, p))
		out[0] = '\0';
	int st = pclose(p);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	assert_non_null(strstr(out, "loopback"));
	const char *args[] = { "--listen", "::1", NULL };
	pk_test_sandbox sb;
	if (pk_test_sandbox_start(&sb, args) == 0) {
		assert_true(strncmp(sb.url, "http://[::1]:", 13) == 0);
		long code = pk_test_sandbox_post(&sb, "/_sandbox/stats", NULL, NULL);
		assert_int_equal(code, 200);
		pk_test_sandbox_stop(&sb);
	} else {
		fail_msg("the sandbox did not start on ::1");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(upi_create_status_settle, setup, teardown),
		cmocka_unit_test_setup_teardown(wavepay_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(validation_names_the_field, setup, teardown),
		cmocka_unit_test_setup_teardown(faults_are_played, setup, teardown),
		cmocka_unit_test_setup_teardown(log_has_no_secret, setup, teardown),
		cmocka_unit_test(postback_retried_until_ok),
		cmocka_unit_test(cli_contract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
