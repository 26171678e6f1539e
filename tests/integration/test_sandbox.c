/* test_sandbox.c - the real paykassma-sandbox over loopback: the API as the
 * spec documents it, validation, idempotency, control calls, faults, logs,
 * postbacks, the ledger and chaos, seen from a client's side. */
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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "common/postback.h"
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
		/* a label that is not UTF-8: the gateway's json_decode refuses it,
		 * and no postback could carry it */
		{ WP_ACTIVATE,
		  "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"\xc6" "5\","
		  "\"amount\":500,\"key1\":\"1\",\"custom_transaction_id\":\"v4\"}",
		  "not a JSON object" },
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

/* --- postbacks (docs/SANDBOX-POSTBACKS.md): the pages' full body, signed
 * with the keys the test gave the sandbox, re-sent byte for byte until the
 * receiver says ok --- */

#define RECV_MAX 4
typedef struct receiver {
	int fd;
	int fails;               /* answer 500 to this many first, then ok */
	int conns;               /* connections to take (fails + 1 unless told) */
	int hits;
	char body[RECV_MAX][4096];
} receiver;

static void *receive(void *arg)
{
	receiver *r = arg;
	for (int i = 0; i < r->conns && i < RECV_MAX; i++) {
		int c = accept(r->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		char buf[8192];
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
		char *h = strstr(buf, "\r\n\r\n");
		snprintf(r->body[r->hits], sizeof r->body[0], "%s", h ? h + 4 : "");
		r->hits++;
		const char *ans = r->hits <= r->fails
			? "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
			: "HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"ok\"}";
		if (write(c, ans, strlen(ans)) < 0)
			break;
		close(c);
	}
	return NULL;
}

/* Listen on a free loopback port for conns postbacks (the first fails of
 * them answered 500); *url gets the postback URL. */
static void receiver_start_n(receiver *r, int fails, int conns, pthread_t *th, char *url,
			     size_t len)
{
	memset(r, 0, sizeof *r);
	r->fails = fails;
	r->conns = conns;
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t al = sizeof a;
	getsockname(r->fd, (struct sockaddr *)&a, &al);
	listen(r->fd, 8);
	pthread_create(th, NULL, receive, r);
	snprintf(url, len, "http://127.0.0.1:%d/paykassma/postback", ntohs(a.sin_port));
}

static void receiver_start(receiver *r, int fails, pthread_t *th, char *url, size_t len)
{
	receiver_start_n(r, fails, fails + 1, th, url, len);
}

/* Random postback keys; the private one is registered for the secret sweep
 * (tests/secret_sweep.sh) and never printed. */
typedef struct pb_keys {
	char access[33];
	char private_key[49];
} pb_keys;

static void keys_make(pb_keys *k)
{
	unsigned char rnd[40];
	assert_int_equal(getrandom(rnd, sizeof rnd, 0), (ssize_t)sizeof rnd);
	static const char al[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	for (int i = 0; i < 16; i++)
		k->access[i] = al[rnd[i] % (sizeof al - 1)];
	k->access[16] = '\0';
	for (int i = 0; i < 24; i++)
		snprintf(k->private_key + 2 * i, 3, "%02x", rnd[16 + i]);
	const char *build = getenv("PK_BUILD_DIR");
	if (build && *build) {
		char list[512];
		snprintf(list, sizeof list, "%s/test-secrets.list", build);
		FILE *f = fopen(list, "a");
		if (f) {
			fprintf(f, "%s\n", k->private_key);
			fclose(f);
		}
	}
}

/* A keys file of the given mode holding `text`; its path into path. */
static void keys_file(char *path, size_t len, mode_t mode, const char *text)
{
	snprintf(path, len, "/tmp/pk-sb-pbkeys-XXXXXX.secret");
	int fd = mkstemps(path, 7);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static cJSON *sent_postbacks(const pk_test_sandbox *sb)
{
	char *ans = NULL;
	assert_int_equal(pk_test_sandbox_post(sb, "/_sandbox/postbacks", NULL, &ans), 200);
	cJSON *o = cJSON_Parse(ans ? ans : "");
	free(ans);
	assert_non_null(o);
	return o;
}

static double number(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v))
		fail_msg("%s: not a number", k);
	return v->valuedouble;
}

static void wait_delivered(const pk_test_sandbox *sb, long want)
{
	for (int i = 0; i < 150 && pk_test_sandbox_stat(sb, "delivered") < want; i++)
		usleep(100000);
	assert_int_equal(pk_test_sandbox_stat(sb, "delivered"), want);
}

/* Every field of the spec 2c example, in its order, with its JSON type;
 * value: what it must be ("" checks nothing more than the type, NULL an
 * empty string). */
typedef struct pb_field_want {
	const char *key;
	int type;
	const char *value;
} pb_field_want;

static void has_fields(cJSON *o, const pb_field_want *want, size_t n)
{
	cJSON *it = o ? o->child : NULL;
	for (size_t i = 0; i < n; i++, it = it ? it->next : NULL) {
		if (!it || strcmp(it->string, want[i].key) != 0)
			fail_msg("field %zu: want \"%s\", got \"%s\"", i, want[i].key,
				 it ? it->string : "(none)");
		if ((it->type & 0xff) != want[i].type)
			fail_msg("field %s: wrong JSON type", want[i].key);
		if (cJSON_IsString(it) && want[i].value)
			if (want[i].value[0] ? strcmp(it->valuestring, want[i].value) != 0
					     : it->valuestring[0] == '\0')
				fail_msg("field %s: \"%s\", want \"%s\"", want[i].key, it->valuestring,
					 want[i].value[0] ? want[i].value : "(not empty)");
		if (cJSON_IsString(it) && !want[i].value && it->valuestring[0])
			fail_msg("field %s: \"%s\", want empty", want[i].key, it->valuestring);
	}
	if (it)
		fail_msg("an extra field: %s", it->string);
}

/* The body has every field of the pages' example, and its signature
 * verifies with the keys given to the sandbox (common/postback.h). */
static void check_postback(const char *body, const pb_keys *k, const char *wallet,
			   const char *currency, const char *label, const char *ctid,
			   const char *txid, const char *amount_text, int64_t minor)
{
	cJSON *o = cJSON_Parse(body);
	if (!o)
		fail_msg("the postback is not JSON: %s", body);
	const pb_field_want top[] = {
		{ "signature", cJSON_String, "" }, { "wallet_type", cJSON_String, wallet },
		{ "amount", cJSON_Number, NULL }, { "currency_code", cJSON_String, currency },
		{ "label", cJSON_String, label }, { "converted_amount", cJSON_Object, NULL },
		{ "direction", cJSON_String, "ingoing" }, { "created_datetime", cJSON_String, "" },
		{ "access_key", cJSON_String, k->access }, { "additional_data", cJSON_Array, NULL },
	};
	has_fields(o, top, sizeof top / sizeof top[0]);
	cJSON *conv = cJSON_GetObjectItemCaseSensitive(o, "converted_amount");
	assert_true(cJSON_GetArraySize(conv) >= 2);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(conv, "USD")));
	cJSON *ad = cJSON_GetObjectItemCaseSensitive(o, "additional_data");
	assert_int_equal(cJSON_GetArraySize(ad), 1);
	const pb_field_want tx[] = {
		{ "activated_datetime", cJSON_String, "" },
		{ "exchanger_identifier", cJSON_String, "" }, { "comment", cJSON_String, NULL },
		{ "amount", cJSON_String, amount_text }, { "currency_code", cJSON_String, currency },
		{ "wallet_type", cJSON_String, wallet }, { "stockpiling_id", cJSON_Number, NULL },
		{ "transaction_id", cJSON_String, txid }, { "transaction_type", cJSON_Number, NULL },
		{ "plugin_custom_order_id", cJSON_String, ctid },
		{ "withdrawal_id", cJSON_NULL, NULL }, { "withdrawal_status", cJSON_NULL, NULL },
		{ "account_number", cJSON_String, NULL }, { "account_name", cJSON_String, NULL },
		{ "account_email", cJSON_String, NULL }, { "bank_details", cJSON_Object, NULL },
	};
	has_fields(cJSON_GetArrayItem(ad, 0), tx, sizeof tx / sizeof tx[0]);
	const pb_field_want bank[] = {
		{ "bank_code", cJSON_String, NULL }, { "branch_code", cJSON_String, NULL },
	};
	has_fields(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ad, 0), "bank_details"),
		   bank, 2);
	cJSON_Delete(o);
	/* the top-level amount is a JSON number with the exact digits */
	char want[64];
	snprintf(want, sizeof want, "\"amount\":%s,", amount_text);
	assert_non_null(strstr(body, want));

	pk_postback pb;
	pk_error err = { 0 };
	assert_int_equal(pk_postback_read(body, strlen(body), &pb, &err), 0);
	assert_true(pk_postback_verify(&pb, k->access, k->private_key));
	assert_false(pk_postback_verify(&pb, k->access, "not-the-private-key"));
	assert_true(pb.has_amount);
	assert_int_equal(pb.amount_minor, minor);
	assert_int_equal(pb.ntx, 1);
	assert_true(pb.tx[0].has_amount);
	assert_int_equal(pb.tx[0].amount_minor, minor);
	assert_string_equal(pb.tx[0].plugin_custom_order_id, ctid);
	pk_postback_free(&pb);
}

/* Wavepay: the receiver answers 500 twice, then ok; three identical sends,
 * listed by /_sandbox/postbacks; keys from a 0600 file. */
static void postback_retried_until_ok(void **state)
{
	(void)state;
	receiver r;
	pthread_t th;
	char url[96], kpath[64], ktext[256], log[64];
	receiver_start(&r, 2, &th, url, sizeof url);
	pb_keys k;
	keys_make(&k);
	snprintf(ktext, sizeof ktext, "# postback keys\naccess_key = %s\n\nprivate_key=%s\n",
		 k.access, k.private_key);
	keys_file(kpath, sizeof kpath, 0600, ktext);
	snprintf(log, sizeof log, "/tmp/pk-sandbox-log-XXXXXX");
	close(mkstemp(log));
	const char *args[] = { "--postback-url", url, "--postback-keys-file", kpath,
			       "--log", log, NULL };
	pk_test_sandbox sb;
	assert_int_equal(pk_test_sandbox_start(&sb, args), 0);
	long code;
	cJSON_Delete(call(&sb, WP_ACTIVATE,
			  "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"55\","
			  "\"amount\":500,\"key1\":\"1234\",\"custom_transaction_id\":\"pb-1\"}",
			  &code));
	assert_int_equal(code, 200);
	wait_delivered(&sb, 1);
	assert_int_equal(pk_test_sandbox_stat(&sb, "attempts"), 3);
	pthread_join(th, NULL);
	close(r.fd);
	assert_int_equal(r.hits, 3);
	check_postback(r.body[0], &k, "wavepay", "MMK", "55", "pb-1", "1234", "500", 500);
	assert_string_equal(r.body[1], r.body[0]); /* every repeat is the same bytes */
	assert_string_equal(r.body[2], r.body[0]);

	cJSON *sent = sent_postbacks(&sb);
	cJSON *list = cJSON_GetObjectItemCaseSensitive(sent, "postbacks");
	assert_int_equal(cJSON_GetArraySize(list), 1);
	cJSON *e = cJSON_GetArrayItem(list, 0);
	assert_string_equal(str(e, "ctid"), "pb-1");
	assert_string_equal(str(e, "transaction_id"), "1234");
	assert_string_equal(str(e, "wallet_type"), "wavepay");
	assert_string_equal(str(e, "currency"), "MMK");
	assert_int_equal(number(e, "attempts"), 3);
	assert_int_equal(number(e, "amount"), 500);
	assert_int_equal(number(e, "last_http"), 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "delivered")));
	assert_string_equal(str(e, "body"), r.body[0]);
	cJSON_Delete(sent);
	pk_test_sandbox_stop(&sb);
	unlink(kpath);

	/* the log says what was sent, never the private key */
	FILE *l = fopen(log, "r");
	assert_non_null(l);
	char line[1024];
	int sends = 0;
	while (fgets(line, sizeof line, l)) {
		assert_null(strstr(line, k.private_key));
		if (strstr(line, " POSTBACK ") && strstr(line, "ctid=pb-1"))
			sends++;
	}
	fclose(l);
	unlink(log);
	assert_int_equal(sends, 3);
}

/* UPI: a paid order is posted once (the receiver says ok at once), amounts
 * exact ("100.5"), keys from the environment. */
static void postback_upi_keys_from_environment(void **state)
{
	(void)state;
	receiver r;
	pthread_t th;
	char url[96];
	receiver_start(&r, 0, &th, url, sizeof url);
	pb_keys k;
	keys_make(&k);
	setenv("PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY", k.access, 1);
	setenv("PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY", k.private_key, 1);
	const char *args[] = { "--postback-url", url, NULL };
	pk_test_sandbox sb;
	int started = pk_test_sandbox_start(&sb, args);
	unsetenv("PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY");
	unsetenv("PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY");
	assert_int_equal(started, 0);
	char body[512], sbody[128];
	long code;
	upi_body(body, sizeof body, "pb-upi-1", "100.5");
	cJSON *o = call(&sb, UPI_CREATE, body, &code);
	snprintf(sbody, sizeof sbody, "{\"order_id\":\"%s\",\"status\":\"success\"}",
		 str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"));
	char oid[17];
	snprintf(oid, sizeof oid, "%s", str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"));
	cJSON_Delete(o);
	cJSON_Delete(call(&sb, "/_sandbox/settle", sbody, &code));
	assert_int_equal(code, 200);
	wait_delivered(&sb, 1);
	pthread_join(th, NULL);
	close(r.fd);
	assert_int_equal(r.hits, 1);
	assert_int_equal(pk_test_sandbox_stat(&sb, "attempts"), 1);
	check_postback(r.body[0], &k, "upi_s", "INR", "test_user55", "pb-upi-1", oid, "100.5",
		       10050);
	/* a second settle does not post the deposit again */
	cJSON_Delete(call(&sb, "/_sandbox/settle", sbody, &code));
	cJSON *sent = sent_postbacks(&sb);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sent, "postbacks")), 1);
	cJSON_Delete(sent);
	pk_test_sandbox_stop(&sb);
}

/* POST /_sandbox/postback with body: the HTTP status, and the answer's
 * "status" ("ok" / "fail") checked to be want_status. */
static long postback_now(const pk_test_sandbox *sb, const char *body, const char *want_status)
{
	long code;
	cJSON *o = call(sb, "/_sandbox/postback", body, &code);
	if (strcmp(str(o, "status"), want_status) != 0)
		fail_msg("%s: status \"%s\", want \"%s\"", body, str(o, "status"), want_status);
	if (strcmp(want_status, "fail") == 0 && !str(o, "message")[0])
		fail_msg("%s: a fail with no message", body);
	cJSON_Delete(o);
	return code;
}

static const char *upi_status_of(const pk_test_sandbox *sb, const char *oid, char *out,
				 size_t len)
{
	char req[64];
	long code;
	snprintf(req, sizeof req, "{\"order_id\":\"%s\"}", oid);
	cJSON *o = call(sb, UPI_STATUS, req, &code);
	assert_int_equal(code, 200);
	snprintf(out, len, "%s", str(o, "status"));
	cJSON_Delete(o);
	return out;
}

#define WP_PENDING_BODY \
	"{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"55\"," \
	"\"amount\":700,\"key1\":\"3456\",\"custom_transaction_id\":\"pb-now-wp\"}"

/* The postback beats the status: POST /_sandbox/postback sends a signed
 * deposit postback now (by order_id, or by ctid for a UPI order or a
 * Wavepay activation), while the UPI status keeps answering processing and
 * the Wavepay activation stays pending; an amount that differs on request;
 * the order settling afterwards sends no second postback; unknown ids 404,
 * bad bodies 400; the log shows the status said processing. */
static void postback_on_demand(void **state)
{
	(void)state;
	receiver r;
	pthread_t th;
	char url[96], log[64], req[128], oid[17], st[32];
	receiver_start_n(&r, 0, 3, &th, url, sizeof url);
	pb_keys k;
	keys_make(&k);
	snprintf(log, sizeof log, "/tmp/pk-sandbox-log-XXXXXX");
	close(mkstemp(log));
	setenv("PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY", k.access, 1);
	setenv("PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY", k.private_key, 1);
	const char *args[] = { "--postback-url", url, "--log", log, NULL };
	pk_test_sandbox sb;
	int started = pk_test_sandbox_start(&sb, args);
	unsetenv("PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY");
	unsetenv("PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY");
	assert_int_equal(started, 0);
	char body[512];
	long code;
	upi_body(body, sizeof body, "pb-now-upi", "150");
	cJSON *o = call(&sb, UPI_CREATE, body, &code);
	snprintf(oid, sizeof oid, "%s", str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"));
	cJSON_Delete(o);
	assert_int_equal(strlen(oid), 16);

	/* UPI by order_id: delivered, and the status still says processing */
	assert_string_equal(upi_status_of(&sb, oid, st, sizeof st), "processing");
	snprintf(req, sizeof req, "{\"order_id\":\"%s\"}", oid);
	assert_int_equal(postback_now(&sb, req, "ok"), 200);
	wait_delivered(&sb, 1);
	assert_string_equal(upi_status_of(&sb, oid, st, sizeof st), "processing");

	/* by its ctid, one paisa less */
	assert_int_equal(postback_now(&sb, "{\"ctid\":\"pb-now-upi\",\"amount\":14999}", "ok"), 200);
	wait_delivered(&sb, 2);
	assert_string_equal(upi_status_of(&sb, oid, st, sizeof st), "processing");

	/* Wavepay: the activation said pending; its postback now (the amount
	 * asked), and it still answers pending */
	o = call(&sb, WP_ACTIVATE, WP_PENDING_BODY, &code);
	assert_string_equal(str(o, "status"), "pending");
	cJSON_Delete(o);
	assert_int_equal(postback_now(&sb, "{\"ctid\":\"pb-now-wp\"}", "ok"), 200);
	wait_delivered(&sb, 3);
	o = call(&sb, WP_ACTIVATE, WP_PENDING_BODY, &code);
	assert_string_equal(str(o, "status"), "pending");
	cJSON_Delete(o);

	/* the order settles as paid: its deposit was posted, none again */
	snprintf(body, sizeof body, "{\"order_id\":\"%s\",\"status\":\"success\"}", oid);
	cJSON_Delete(call(&sb, "/_sandbox/settle", body, &code));
	assert_int_equal(code, 200);
	assert_string_equal(upi_status_of(&sb, oid, st, sizeof st), "success");

	/* the ledger: the activation is as it was */
	char *ans = NULL;
	assert_int_equal(pk_test_sandbox_post(&sb, "/_sandbox/ledger", NULL, &ans), 200);
	cJSON *led = cJSON_Parse(ans);
	free(ans);
	cJSON *wp = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(led, "wavepay"), 0);
	assert_string_equal(str(wp, "status"), "pending");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(wp, "credited")));
	cJSON_Delete(led);

	/* unknown ids: 404; bodies that are not right: 400; nothing queued */
	assert_int_equal(postback_now(&sb, "{\"order_id\":\"0000000000000000\"}", "fail"), 404);
	assert_int_equal(postback_now(&sb, "{\"ctid\":\"no-such-ctid\"}", "fail"), 404);
	assert_int_equal(postback_now(&sb, "{}", "fail"), 400);
	snprintf(req, sizeof req, "{\"order_id\":\"%s\",\"ctid\":\"pb-now-upi\"}", oid);
	assert_int_equal(postback_now(&sb, req, "fail"), 400);
	assert_int_equal(postback_now(&sb, "{\"ctid\":\"\"}", "fail"), 400);
	assert_int_equal(postback_now(&sb, "{\"ctid\":\"pb-now-upi\",\"amount\":1.5}", "fail"), 400);
	assert_int_equal(postback_now(&sb, "{\"ctid\":\"pb-now-upi\",\"amount\":0}", "fail"), 400);
	assert_int_equal(postback_now(&sb, "{\"ctid\":\"pb-now-upi\",\"amount\":\"1\"}", "fail"),
			 400);
	assert_int_equal(postback_now(&sb, "not json", "fail"), 400);

	/* three postbacks, all on demand, as built; no automatic fourth */
	cJSON *sent = sent_postbacks(&sb);
	cJSON *list = cJSON_GetObjectItemCaseSensitive(sent, "postbacks");
	assert_int_equal(cJSON_GetArraySize(list), 3);
	static const struct {
		const char *wallet, *currency, *label, *ctid, *amount_text;
		int64_t minor;
	} want[] = {
		{ "upi_s", "INR", "test_user55", "pb-now-upi", "150", 15000 },
		{ "upi_s", "INR", "test_user55", "pb-now-upi", "149.99", 14999 },
		{ "wavepay", "MMK", "55", "pb-now-wp", "700", 700 },
	};
	for (int i = 0; i < 3; i++) {
		cJSON *e = cJSON_GetArrayItem(list, i);
		const char *txid = i < 2 ? oid : "3456";
		assert_string_equal(str(e, "ctid"), want[i].ctid);
		assert_string_equal(str(e, "transaction_id"), txid);
		assert_int_equal(number(e, "amount"), want[i].minor);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "on_demand")));
		assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "delivered")));
		check_postback(str(e, "body"), &k, want[i].wallet, want[i].currency, want[i].label,
			       want[i].ctid, txid, want[i].amount_text, want[i].minor);
	}
	pk_test_sandbox_stop(&sb);
	pthread_join(th, NULL);
	close(r.fd);
	assert_int_equal(r.hits, 3);
	for (int i = 0; i < 3; i++) /* the bytes received are the bytes listed */
		assert_string_equal(r.body[i], str(cJSON_GetArrayItem(list, i), "body"));
	cJSON_Delete(sent);

	/* the log: the requests, the status answered, never the private key */
	FILE *l = fopen(log, "r");
	assert_non_null(l);
	char line[1024], want_pb[64], want_poll[64];
	snprintf(want_pb, sizeof want_pb, " 200 call=postback order=%s ", oid);
	snprintf(want_poll, sizeof want_poll, "call=upi_status order=%s answer=", oid);
	int pb_lines = 0, processing = 0, success = 0;
	while (fgets(line, sizeof line, l)) {
		assert_null(strstr(line, k.private_key));
		pb_lines += strstr(line, want_pb) != NULL;
		char *a = strstr(line, want_poll);
		if (a) {
			a += strlen(want_poll);
			processing += strncmp(a, "processing ", 11) == 0;
			success += strncmp(a, "success ", 8) == 0;
		}
	}
	fclose(l);
	unlink(log);
	assert_int_equal(pb_lines, 2); /* by order_id and by ctid */
	assert_int_equal(processing, 3);
	assert_int_equal(success, 1);
}

/* Without --postback-url there is nowhere to send one: HTTP 409, saying so. */
static void postback_on_demand_needs_url(void **state)
{
	fixture *f = *state;
	char body[512], req[64];
	long code;
	upi_body(body, sizeof body, "pb-no-url", "100");
	cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
	snprintf(req, sizeof req, "{\"order_id\":\"%s\"}",
		 str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"));
	cJSON_Delete(o);
	o = call(&f->sb, "/_sandbox/postback", req, &code);
	assert_int_equal(code, 409);
	assert_string_equal(str(o, "status"), "fail");
	assert_non_null(strstr(str(o, "message"), "--postback-url"));
	cJSON_Delete(o);
	cJSON *sent = sent_postbacks(&f->sb);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sent, "postbacks")), 0);
	cJSON_Delete(sent);
}

/* Run the sandbox with args (a shell word list) and env; exit status and
 * the first lines of what it printed. */
static int sandbox_exit(const char *env, const char *args, char *out, size_t len)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "env -u PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY "
		 "-u PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY PAYKASSMA_SANDBOX_SECRET=x %s %s "
		 "--exit-on-stdin-eof %s </dev/null 2>&1", env, getenv("PK_SANDBOX"), args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void refused_with(int want, const char *env, const char *args, const char *needle)
{
	char out[2048];
	int rc = sandbox_exit(env, args, out, sizeof out);
	if (rc != want || !strstr(out, needle))
		fail_msg("%s %s: exit %d, want %d and \"%s\" in: %s", env, args, rc, want, needle,
			 out);
}

static void refused(const char *env, const char *args, const char *needle)
{
	refused_with(2, env, args, needle);
}

/* --postback-url without both keys, or with a keys file others can read, or
 * a keys file that is not key = value: refused at start, exit 2, saying
 * what to do (a keys file that cannot be read: exit 1, like any file); the
 * private key is never echoed. */
static void postback_keys_required(void **state)
{
	(void)state;
	const char *url = "--postback-url http://127.0.0.1:9/p";
	char args[256], kpath[64];
	refused("", url, "--postback-url needs the postback keys");
	refused("", url, "PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY");
	refused("PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY=acc", url, "private key is missing");
	refused("PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY=wrong-but-long-private", url,
		"access key is missing");

	keys_file(kpath, sizeof kpath, 0644, "access_key = acc\nprivate_key = group-readable-pk\n");
	snprintf(args, sizeof args, "%s --postback-keys-file %s", url, kpath);
	refused("", args, "chmod 600");
	char out[2048];
	sandbox_exit("", args, out, sizeof out);
	assert_null(strstr(out, "group-readable-pk"));
	unlink(kpath);

	keys_file(kpath, sizeof kpath, 0600, "access_key = acc\n");
	snprintf(args, sizeof args, "%s --postback-keys-file %s", url, kpath);
	refused("", args, "private key is missing");
	/* the environment completes (and wins over) the file */
	char env[128];
	snprintf(env, sizeof env, "PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY=env-private-key");
	assert_int_equal(sandbox_exit(env, args, out, sizeof out), 0);
	assert_null(strstr(out, "env-private-key"));
	unlink(kpath);

	keys_file(kpath, sizeof kpath, 0600, "access_key = acc\nprivat_key: typo-private-key\n");
	snprintf(args, sizeof args, "%s --postback-keys-file %s", url, kpath);
	refused("", args, ":2: want \"access_key = ...\" or \"private_key = ...\"");
	sandbox_exit("", args, out, sizeof out);
	assert_null(strstr(out, "typo-private-key"));
	unlink(kpath);

	refused_with(1, "", "--postback-keys-file /nonexistent/keys", "cannot read /nonexistent/keys");
	refused("", "--postback-url http://192.0.2.1/p", "bad option or value");
}
/* --- the unkind gateway: faults that apply the request, the ledger, chaos --- */

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void fault_ok(const pk_test_sandbox *sb, const char *body)
{
	long code;
	cJSON *o = call(sb, "/_sandbox/fault", body, &code);
	assert_int_equal(code, 200);
	if (strcmp(str(o, "status"), "ok") != 0)
		fail_msg("fault %s refused: %s", body, str(o, "message"));
	cJSON_Delete(o);
}

static void fault_refused(const pk_test_sandbox *sb, const char *body, const char *needle)
{
	long code;
	cJSON *o = call(sb, "/_sandbox/fault", body, &code);
	assert_string_equal(str(o, "status"), "fail");
	if (!strstr(str(o, "message"), needle))
		fail_msg("fault %s: '%s' lacks '%s'", body, str(o, "message"), needle);
	cJSON_Delete(o);
}

static cJSON *get_ledger(const pk_test_sandbox *sb)
{
	char *ans = NULL;
	long code = pk_test_sandbox_post(sb, "/_sandbox/ledger", NULL, &ans);
	assert_int_equal(code, 200);
	cJSON *o = ans ? cJSON_Parse(ans) : NULL;
	free(ans);
	assert_non_null(o);
	return o;
}

/* The ledger's entry in list ("upi", "wavepay", "unapplied") for ctid, or NULL. */
static cJSON *entry(cJSON *led, const char *list, const char *ctid)
{
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(led, list))
		if (strcmp(str(it, "ctid"), ctid) == 0)
			return it;
	return NULL;
}

static double num(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v))
		fail_msg("'%s' is not a number", k);
	return v->valuedouble;
}

static void wp_body(char *buf, size_t len, const char *ctid, const char *key1, int amount)
{
	snprintf(buf, len,
		 "{\"currency_code\":\"MMK\",\"wallet_type\":\"Wavepay\",\"label\":\"55\","
		 "\"amount\":%d,\"key1\":\"%s\",\"custom_transaction_id\":\"%s\"}",
		 amount, key1, ctid);
}

static void http_code_and_fail_http(void **state)
{
	fixture *f = *state;
	long code;
	char body[512], *ans = NULL;
	/* http_code: the request is applied and the body is normal */
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"http_code\",\"http\":404}");
	wp_body(body, sizeof body, "hc-1", "4000000001", 500);
	cJSON *o = call(&f->sb, WP_ACTIVATE, body, &code);
	assert_int_equal(code, 404);
	assert_string_equal(str(o, "status"), "possible_transaction_created");
	cJSON_Delete(o);
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"http_code\",\"http\":201}");
	upi_body(body, sizeof body, "hc-2", "250");
	o = call(&f->sb, UPI_CREATE, body, &code);
	assert_int_equal(code, 201);
	assert_string_equal(str(o, "status"), "ok");
	char oid[17];
	snprintf(oid, sizeof oid, "%s", str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"));
	cJSON_Delete(o);
	fault_ok(&f->sb, "{\"call\":\"upi_status\",\"mode\":\"http_code\",\"http\":502}");
	snprintf(body, sizeof body, "{\"order_id\":\"%s\"}", oid);
	o = call(&f->sb, UPI_STATUS, body, &code);
	assert_int_equal(code, 502);
	assert_string_equal(str(o, "status"), "processing");
	cJSON_Delete(o);
	/* fail_http: valid JSON fail, default 500, the request NOT applied */
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"fail_http\"}");
	upi_body(body, sizeof body, "fh-1", "100");
	code = pk_test_sandbox_post(&f->sb, UPI_CREATE, body, &ans);
	assert_int_equal(code, 500);
	assert_string_equal(ans, "{\"status\":\"fail\",\"message\":\"Internal server error\"}");
	free(ans);
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"fail_http\",\"http\":503}");
	wp_body(body, sizeof body, "fh-2", "1000000002", 700);
	o = call(&f->sb, WP_ACTIVATE, body, &code);
	assert_int_equal(code, 503);
	assert_string_equal(str(o, "message"), "Internal server error");
	cJSON_Delete(o);

	cJSON *led = get_ledger(&f->sb);
	cJSON *e = entry(led, "wavepay", "hc-1");
	assert_non_null(e);
	assert_string_equal(str(e, "status"), "possible_transaction_created");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "credited")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "deposit_amount")));
	e = entry(led, "upi", "hc-2");
	assert_non_null(e);
	assert_string_equal(str(e, "order_id"), oid);
	assert_true(num(e, "amount") == 25000);
	assert_null(entry(led, "upi", "fh-1"));
	assert_null(entry(led, "wavepay", "fh-2"));
	e = entry(led, "unapplied", "fh-1");
	assert_non_null(e);
	assert_string_equal(str(e, "call"), "upi_create");
	assert_true(num(e, "requests") == 1);
	assert_non_null(entry(led, "unapplied", "fh-2"));
	cJSON_Delete(led);

	/* the fault API checks what it is given */
	fault_refused(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"http_code\"}", "http: required");
	fault_refused(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"http_code\",\"http\":600}",
		      "http");
	fault_refused(&f->sb, "{\"call\":\"upi_status\",\"mode\":\"ok_no_deposit\"}",
		      "does not apply");
	fault_refused(&f->sb, "{\"call\":\"wavepay_create\",\"mode\":\"qr_no_amount\"}",
		      "does not apply");
	fault_refused(&f->sb, "{\"call\":\"wavepay_create\",\"mode\":\"resend_fail\"}",
		      "does not apply");
	fault_refused(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"reset\",\"count\":0}", "count");
}

static void ok_no_deposit_still_credits(void **state)
{
	fixture *f = *state;
	long code;
	char body[512], *ans = NULL;
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"ok_no_deposit\"}");
	wp_body(body, sizeof body, "nd-1", "2000000001", 500);
	code = pk_test_sandbox_post(&f->sb, WP_ACTIVATE, body, &ans);
	assert_int_equal(code, 200);
	assert_string_equal(ans, "{\"status\":\"ok\"}");
	free(ans);
	cJSON *led = get_ledger(&f->sb);
	cJSON *e = entry(led, "wavepay", "nd-1");
	assert_non_null(e);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "credited")));
	assert_true(num(e, "deposit_amount") == 1000);
	assert_true(num(e, "amount") == 500);
	assert_true(num(e, "activations") == 1);
	cJSON_Delete(led);
	/* the re-send gets the true first answer */
	cJSON *o = call(&f->sb, WP_ACTIVATE, body, &code);
	assert_string_equal(str(o, "status"), "ok");
	assert_true(num(o, "deposit_amount") == 1000);
	cJSON_Delete(o);
	/* a key1 that does not credit: still answered ok, the ledger says pending */
	fault_ok(&f->sb, "{\"call\":\"any\",\"mode\":\"ok_no_deposit\"}");
	/* an "any" fault waits for a call it applies to */
	cJSON_Delete(call(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &code));
	wp_body(body, sizeof body, "nd-2", "3000000001", 500);
	code = pk_test_sandbox_post(&f->sb, WP_ACTIVATE, body, &ans);
	assert_string_equal(ans, "{\"status\":\"ok\"}");
	free(ans);
	led = get_ledger(&f->sb);
	e = entry(led, "wavepay", "nd-2");
	assert_string_equal(str(e, "status"), "pending");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "credited")));
	assert_true(num(entry(led, "wavepay", "nd-1"), "activations") == 2);
	cJSON_Delete(led);
}

static void resend_fail_refuses_a_resent_ctid(void **state)
{
	fixture *f = *state;
	long code;
	char body[512];
	upi_body(body, sizeof body, "rf-1", "100");
	cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
	assert_string_equal(str(o, "status"), "ok");
	cJSON_Delete(o);
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"resend_fail\"}");
	o = call(&f->sb, UPI_CREATE, body, &code);
	assert_int_equal(code, 200);
	assert_string_equal(str(o, "status"), "fail");
	assert_string_equal(str(o, "message"), "custom_transaction_id already used");
	cJSON_Delete(o);
	/* a new ctid is applied as normal even with resend_fail */
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"resend_fail\"}");
	upi_body(body, sizeof body, "rf-2", "100");
	o = call(&f->sb, UPI_CREATE, body, &code);
	assert_string_equal(str(o, "status"), "ok");
	cJSON_Delete(o);
	wp_body(body, sizeof body, "rf-3", "1000000003", 900);
	o = call(&f->sb, WP_ACTIVATE, body, &code);
	assert_string_equal(str(o, "status"), "ok");
	cJSON_Delete(o);
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"resend_fail\"}");
	o = call(&f->sb, WP_ACTIVATE, body, &code);
	assert_int_equal(code, 200);
	assert_string_equal(str(o, "status"), "fail");
	assert_string_equal(str(o, "message"), "custom_transaction_id already used");
	cJSON_Delete(o);
	cJSON *led = get_ledger(&f->sb);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(led, "upi")), 2);
	assert_true(num(entry(led, "upi", "rf-1"), "creates") == 2);
	assert_true(num(entry(led, "upi", "rf-2"), "creates") == 1);
	cJSON *e = entry(led, "wavepay", "rf-3");
	assert_true(num(e, "activations") == 2);
	assert_true(num(e, "deposit_amount") == 900);
	cJSON_Delete(led);
}

static void qr_amount_faults(void **state)
{
	fixture *f = *state;
	long code;
	char body[512];
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"qr_wrong_amount\"}");
	upi_body(body, sizeof body, "qa-1", "100");
	cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
	assert_string_equal(str(o, "status"), "ok");
	const char *qr = str(cJSON_GetObjectItemCaseSensitive(o, "data"), "qr_data");
	assert_true(strncmp(qr, "upi://pay?", 10) == 0);
	assert_non_null(strstr(qr, "&am=999.00&"));
	assert_null(strstr(qr, "am=100.00"));
	cJSON_Delete(o);
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"qr_no_amount\"}");
	upi_body(body, sizeof body, "qa-2", "123.45");
	o = call(&f->sb, UPI_CREATE, body, &code);
	assert_string_equal(str(o, "status"), "ok");
	cJSON *data = cJSON_GetObjectItemCaseSensitive(o, "data");
	qr = str(data, "qr_data");
	assert_true(strncmp(qr, "upi://pay?", 10) == 0);
	assert_null(strstr(qr, "am="));
	assert_non_null(strstr(qr, "tr="));
	assert_true(strlen(str(data, "qr_string")) > 100);
	cJSON_Delete(o);
	cJSON *led = get_ledger(&f->sb);
	assert_true(num(entry(led, "upi", "qa-1"), "amount") == 10000);
	assert_true(num(entry(led, "upi", "qa-2"), "amount") == 12345);
	cJSON_Delete(led);
}

/* A raw request on a connection the sandbox hangs up: no byte comes, and
 * the connection is closed after about ms.  Returns the wait. */
static long hung_then_closed(const pk_test_sandbox *sb, const char *path, const char *body)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd = raw_request(sb, path, body);
	assert_true(fd >= 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	char buf[64];
	assert_true(read(fd, buf, sizeof buf) <= 0);
	close(fd);
	return ms_since(&t0);
}

static void after_faults_apply_the_request(void **state)
{
	fixture *f = *state;
	long code;
	char body[512], *ans = NULL;
	/* reset_after: created, no answer; the re-send finds the same order */
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"reset_after\"}");
	upi_body(body, sizeof body, "af-1", "100");
	assert_int_equal(pk_test_sandbox_post(&f->sb, UPI_CREATE, body, &ans), -1);
	free(ans);
	cJSON *led = get_ledger(&f->sb);
	cJSON *e = entry(led, "upi", "af-1");
	assert_non_null(e);
	char oid[17];
	snprintf(oid, sizeof oid, "%s", str(e, "order_id"));
	assert_string_equal(str(e, "status"), "processing");
	cJSON_Delete(led);
	cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
	assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"), oid);
	cJSON_Delete(o);
	/* reset (before): nothing created */
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"reset\"}");
	upi_body(body, sizeof body, "af-2", "100");
	assert_int_equal(pk_test_sandbox_post(&f->sb, UPI_CREATE, body, &ans), -1);
	free(ans);
	/* html500_after: created, an HTML 500; http500_html: not created */
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"html500_after\"}");
	upi_body(body, sizeof body, "af-3", "100");
	code = pk_test_sandbox_post(&f->sb, UPI_CREATE, body, &ans);
	assert_int_equal(code, 500);
	assert_non_null(strstr(ans, "<html>"));
	free(ans);
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"http500_html\"}");
	upi_body(body, sizeof body, "af-4", "100");
	code = pk_test_sandbox_post(&f->sb, UPI_CREATE, body, &ans);
	assert_int_equal(code, 500);
	free(ans);
	/* hang_after: created, no answer for hang_ms then closed; hang: not created */
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"hang_after\",\"hang_ms\":300}");
	upi_body(body, sizeof body, "af-5", "100");
	long waited = hung_then_closed(&f->sb, UPI_CREATE, body);
	assert_true(waited >= 250 && waited < 3000);
	fault_ok(&f->sb, "{\"call\":\"upi_create\",\"mode\":\"hang\",\"hang_ms\":300}");
	upi_body(body, sizeof body, "af-6", "100");
	waited = hung_then_closed(&f->sb, UPI_CREATE, body);
	assert_true(waited >= 250 && waited < 3000);
	/* activations: credited as key1 says although the answer was lost */
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"reset_after\"}");
	wp_body(body, sizeof body, "af-7", "1000000007", 500);
	assert_int_equal(pk_test_sandbox_post(&f->sb, WP_ACTIVATE, body, &ans), -1);
	free(ans);
	o = call(&f->sb, WP_ACTIVATE, body, &code); /* the re-send: the true answer */
	assert_string_equal(str(o, "status"), "ok");
	assert_true(num(o, "deposit_amount") == 500);
	cJSON_Delete(o);
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"html500_after\"}");
	wp_body(body, sizeof body, "af-8", "2000000008", 500);
	code = pk_test_sandbox_post(&f->sb, WP_ACTIVATE, body, &ans);
	assert_int_equal(code, 500);
	free(ans);
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"hang_after\",\"hang_ms\":200}");
	wp_body(body, sizeof body, "af-9", "1000000009", 300);
	hung_then_closed(&f->sb, WP_ACTIVATE, body);
	fault_ok(&f->sb, "{\"call\":\"wavepay_activate\",\"mode\":\"reset\"}");
	wp_body(body, sizeof body, "af-10", "1000000010", 300);
	assert_int_equal(pk_test_sandbox_post(&f->sb, WP_ACTIVATE, body, &ans), -1);
	free(ans);

	led = get_ledger(&f->sb);
	assert_true(num(entry(led, "upi", "af-1"), "creates") == 2);
	assert_null(entry(led, "upi", "af-2"));
	assert_true(num(entry(led, "unapplied", "af-2"), "requests") == 1);
	assert_non_null(entry(led, "upi", "af-3"));
	assert_null(entry(led, "upi", "af-4"));
	assert_non_null(entry(led, "unapplied", "af-4"));
	assert_non_null(entry(led, "upi", "af-5"));
	assert_null(entry(led, "upi", "af-6"));
	e = entry(led, "wavepay", "af-7");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "credited")));
	assert_true(num(e, "activations") == 2);
	e = entry(led, "wavepay", "af-8");
	assert_true(num(e, "deposit_amount") == 1000);
	e = entry(led, "wavepay", "af-9");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "credited")));
	assert_true(num(e, "deposit_amount") == 300);
	assert_null(entry(led, "wavepay", "af-10"));
	assert_string_equal(str(entry(led, "unapplied", "af-10"), "call"), "wavepay_activate");
	cJSON_Delete(led);
	/* the log names the fault and keeps the ctid last */
	FILE *l = fopen(f->log, "r");
	assert_non_null(l);
	char line[512];
	int hits = 0;
	while (fgets(line, sizeof line, l))
		if (strstr(line, " fault=hang_after ctid=af-5\n"))
			hits++;
	fclose(l);
	assert_int_equal(hits, 1);
}

static void single_quoted_fails(void **state)
{
	(void)state;
	const char *args[] = { "--single-quoted-fails", NULL };
	pk_test_sandbox sb;
	assert_int_equal(pk_test_sandbox_start(&sb, args), 0);
	char *ans = NULL, body[512];
	long code = pk_test_sandbox_post(&sb, WP_CREATE, "{\"currency\":\"MMK\"}", &ans);
	assert_int_equal(code, 200);
	assert_string_equal(ans, "{'status': 'fail', 'message': 'label: required'}");
	free(ans);
	wp_body(body, sizeof body, "sq-1", "5000000001", 500);
	code = pk_test_sandbox_post(&sb, WP_ACTIVATE, body, &ans);
	assert_string_equal(ans, "{'status': 'fail', 'message': 'Transaction declined'}");
	free(ans);
	code = pk_test_sandbox_post(&sb, WP_ACTIVATE, body, &ans); /* the replay too */
	assert_string_equal(ans, "{'status': 'fail', 'message': 'Transaction declined'}");
	free(ans);
	code = pk_test_sandbox_post(&sb, UPI_STATUS, "{\"order_id\":\"0000000000000000\"}", &ans);
	assert_string_equal(ans, "{'status': 'fail', 'message': 'Order not found'}");
	free(ans);
	pk_test_sandbox bad = sb;
	snprintf(bad.secret, sizeof bad.secret, "wrong");
	code = pk_test_sandbox_post(&bad, WP_CREATE, "{}", &ans);
	assert_int_equal(code, 403);
	assert_string_equal(ans, "{'status': 'fail', 'message': 'Invalid secret'}");
	free(ans);
	/* successes, control answers and fail_http stay JSON */
	cJSON *o = call(&sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &code);
	assert_string_equal(str(o, "status"), "ok");
	cJSON_Delete(o);
	fault_refused(&sb, "{\"call\":\"upi_status\",\"mode\":\"explode\"}", "mode: unknown");
	fault_ok(&sb, "{\"call\":\"upi_status\",\"mode\":\"fail_http\"}");
	o = call(&sb, UPI_STATUS, "{\"order_id\":\"x\"}", &code);
	assert_int_equal(code, 500);
	assert_string_equal(str(o, "status"), "fail");
	cJSON_Delete(o);
	pk_test_sandbox_stop(&sb);
}

static void ledger_tells_the_truth(void **state)
{
	fixture *f = *state;
	long code;
	char body[512], settle[160];
	const char *ctids[] = { "lg-a", "lg-b", "lg-c" };
	const char *amounts[] = { "100.5", "10", "99999.99" };
	char oids[3][17];
	for (int i = 0; i < 3; i++) {
		upi_body(body, sizeof body, ctids[i], amounts[i]);
		cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
		snprintf(oids[i], sizeof oids[i], "%s",
			 str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"));
		cJSON_Delete(o);
	}
	upi_body(body, sizeof body, "lg-a", "100.5"); /* a re-send */
	cJSON_Delete(call(&f->sb, UPI_CREATE, body, &code));
	snprintf(settle, sizeof settle, "{\"order_id\":\"%s\",\"status\":\"success\"}", oids[0]);
	cJSON_Delete(call(&f->sb, "/_sandbox/settle", settle, &code));
	snprintf(settle, sizeof settle, "{\"order_id\":\"%s\",\"status\":\"failed\"}", oids[1]);
	cJSON_Delete(call(&f->sb, "/_sandbox/settle", settle, &code));
	for (int i = 0; i < 2; i++)
		cJSON_Delete(call(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}",
				  &code));
	cJSON_Delete(call(&f->sb, WP_CREATE, "{\"currency\":\"USD\",\"label\":\"a\"}", &code));
	const char *keys[] = {
		"1000000001", "2000000002", "3000000003", "4000000004", "5000000005",
	};
	for (int i = 0; i < 5; i++) {
		char ctid[16];
		snprintf(ctid, sizeof ctid, "lw-%d", i);
		wp_body(body, sizeof body, ctid, keys[i], 1500);
		cJSON_Delete(call(&f->sb, WP_ACTIVATE, body, &code));
	}
	wp_body(body, sizeof body, "lw-0", keys[0], 1500);
	cJSON_Delete(call(&f->sb, WP_ACTIVATE, body, &code));

	cJSON *led = get_ledger(&f->sb);
	cJSON *upi = cJSON_GetObjectItemCaseSensitive(led, "upi");
	assert_int_equal(cJSON_GetArraySize(upi), 3);
	const char *want_status[] = { "success", "failed", "processing" };
	const double want_amount[] = { 10050, 1000, 9999999 };
	const double want_creates[] = { 2, 1, 1 };
	for (int i = 0; i < 3; i++) {
		cJSON *e = entry(led, "upi", ctids[i]);
		assert_non_null(e);
		assert_string_equal(str(e, "order_id"), oids[i]);
		assert_string_equal(str(e, "status"), want_status[i]);
		assert_true(num(e, "amount") == want_amount[i]);
		assert_true(num(e, "creates") == want_creates[i]);
	}
	assert_true(num(led, "wavepay_creates") == 3);
	assert_true(num(led, "wavepay_identifiers") == 2);
	struct { const char *status; bool credited; double deposit; } want[] = {
		{ "ok", true, 1500 }, { "ok", true, 2000 }, { "pending", false, 0 },
		{ "possible_transaction_created", false, 0 }, { "fail", false, 0 },
	};
	for (int i = 0; i < 5; i++) {
		char ctid[16];
		snprintf(ctid, sizeof ctid, "lw-%d", i);
		cJSON *e = entry(led, "wavepay", ctid);
		assert_non_null(e);
		assert_string_equal(str(e, "key1"), keys[i]);
		assert_true(num(e, "amount") == 1500);
		assert_string_equal(str(e, "status"), want[i].status);
		assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "credited")),
				 want[i].credited);
		cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "deposit_amount");
		if (want[i].credited)
			assert_true(cJSON_IsNumber(d) && d->valuedouble == want[i].deposit);
		else
			assert_true(cJSON_IsNull(d));
		assert_true(num(e, "activations") == (i == 0 ? 2 : 1));
	}
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(led, "unapplied")), 0);
	cJSON_Delete(led);
	/* GET only, and the secret is needed */
	assert_int_equal(pk_test_sandbox_post(&f->sb, "/_sandbox/ledger", "{}", NULL), 405);
	pk_test_sandbox bad = f->sb;
	snprintf(bad.secret, sizeof bad.secret, "wrong");
	assert_int_equal(pk_test_sandbox_post(&bad, "/_sandbox/ledger", NULL, NULL), 403);
}

/* --auto-settle and --upi-outcome pay orders in a soak; the ledger shows
 * it without a status poll. */
static void ledger_shows_automatic_payments(void **state)
{
	(void)state;
	char body[512];
	long code;
	const char *auto_args[] = { "--auto-settle", "1", NULL };
	pk_test_sandbox sb;
	assert_int_equal(pk_test_sandbox_start(&sb, auto_args), 0);
	upi_body(body, sizeof body, "as-1", "100");
	cJSON_Delete(call(&sb, UPI_CREATE, body, &code));
	bool paid = false;
	for (int i = 0; i < 40 && !paid; i++) {
		cJSON *led = get_ledger(&sb);
		paid = strcmp(str(entry(led, "upi", "as-1"), "status"), "success") == 0;
		cJSON_Delete(led);
		if (!paid)
			usleep(100000);
	}
	assert_true(paid);
	assert_int_equal(pk_test_sandbox_stat(&sb, "upi_status"), 0);
	pk_test_sandbox_stop(&sb);

	const char *poll_args[] = { "--upi-outcome", "success", "--processing-polls", "2", NULL };
	assert_int_equal(pk_test_sandbox_start(&sb, poll_args), 0);
	upi_body(body, sizeof body, "po-1", "100");
	cJSON *o = call(&sb, UPI_CREATE, body, &code);
	char sbody[64];
	snprintf(sbody, sizeof sbody, "{\"order_id\":\"%s\"}",
		 str(cJSON_GetObjectItemCaseSensitive(o, "data"), "order_id"));
	cJSON_Delete(o);
	for (int i = 0; i < 3; i++) {
		cJSON *led = get_ledger(&sb);
		assert_string_equal(str(entry(led, "upi", "po-1"), "status"),
				    i < 2 ? "processing" : "success");
		cJSON_Delete(led);
		o = call(&sb, UPI_STATUS, sbody, &code);
		assert_string_equal(str(o, "status"), i < 2 ? "processing" : "success");
		cJSON_Delete(o);
	}
	pk_test_sandbox_stop(&sb);
}

/* One chaos run as a careful client would do it: each UPI create and each
 * activation is sent, and sent once more when the first answer is not a
 * clean 200.  sig gets one letter-code per request; *sends the count. */
static void chaos_run(const pk_test_sandbox *sb, const char *prefix, int key_base, char *sig,
		      size_t siglen, int sends[][2])
{
	size_t n = 0;
	for (int i = 0; i < 16; i++) {
		for (int kind = 0; kind < 2; kind++) {
			char ctid[32], key1[16], body[512];
			snprintf(ctid, sizeof ctid, "%s-%d", prefix, i);
			if (kind == 0) {
				upi_body(body, sizeof body, ctid, "150");
			} else {
				snprintf(key1, sizeof key1, "1%09d", key_base + i);
				wp_body(body, sizeof body, ctid, key1, 800);
			}
			sends[i][kind] = 0;
			for (int attempt = 0; attempt < 2; attempt++) {
				char *ans = NULL;
				const char *path = kind ? WP_ACTIVATE : UPI_CREATE;
				long code = pk_test_sandbox_post(sb, path, body, &ans);
				sends[i][kind]++;
				cJSON *o = ans ? cJSON_Parse(ans) : NULL;
				const char *st = str(o, "status");
				n += (size_t)snprintf(sig + n, siglen - n, "%ld:%s;", code,
						      o ? (*st ? st : "?") : "-");
				bool clean = code == 200 && strcmp(st, "ok") == 0;
				if (kind == 1 && !cJSON_GetObjectItemCaseSensitive(o, "deposit"))
					clean = false; /* ok_no_deposit: ask again */
				cJSON_Delete(o);
				free(ans);
				if (clean)
					break;
			}
		}
	}
}

static void chaos_is_deterministic(void **state)
{
	fixture *f = *state;
	long code;
	static const char cfg[] =
		"{\"rate\":0.5,\"seed\":12345,\"hang_ms\":150,"
		"\"calls\":[\"upi_create\",\"wavepay_activate\"]}"; /* the default modes */
	char sig1[4096], sig2[4096], sig3[4096];
	int sends1[16][2], sends2[16][2], sends3[16][2];
	cJSON *o = call(&f->sb, "/_sandbox/chaos", cfg, &code);
	assert_string_equal(str(o, "status"), "ok");
	cJSON_Delete(o);
	chaos_run(&f->sb, "ch1", 0, sig1, sizeof sig1, sends1);
	long played1 = pk_test_sandbox_stat(&f->sb, "chaos_played");
	/* the same seed again: the same faults on the same requests */
	cJSON_Delete(call(&f->sb, "/_sandbox/chaos", cfg, &code));
	chaos_run(&f->sb, "ch2", 100, sig2, sizeof sig2, sends2);
	long played2 = pk_test_sandbox_stat(&f->sb, "chaos_played") - played1;
	print_message("chaos seed 12345: %s\n", sig1);
	assert_string_equal(sig1, sig2);
	assert_int_equal(played1, played2);
	assert_true(played1 >= 5 && played1 <= 40);
	assert_non_null(strstr(sig1, "200:ok;"));
	assert_non_null(strstr(sig1, ":-;")); /* some answers did not parse or never came */
	/* another seed: another sequence */
	cJSON_Delete(call(&f->sb, "/_sandbox/chaos",
			  "{\"rate\":0.5,\"seed\":777,\"hang_ms\":150,"
			  "\"calls\":[\"upi_create\",\"wavepay_activate\"]}", &code));
	chaos_run(&f->sb, "ch3", 200, sig3, sizeof sig3, sends3);
	assert_string_not_equal(sig1, sig3);
	/* the ledger counts every request that carried a ctid, applied or not */
	cJSON *led = get_ledger(&f->sb);
	int resent = 0;
	for (int i = 0; i < 16; i++) {
		char ctid[32];
		snprintf(ctid, sizeof ctid, "ch1-%d", i);
		cJSON *u = entry(led, "upi", ctid), *w = entry(led, "wavepay", ctid);
		double creates = u ? num(u, "creates") : 0, acts = w ? num(w, "activations") : 0;
		cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(led, "unapplied"))
			if (strcmp(str(it, "ctid"), ctid) == 0) {
				if (strcmp(str(it, "call"), "upi_create") == 0)
					creates += num(it, "requests");
				else
					acts += num(it, "requests");
			}
		assert_true(creates == sends1[i][0]);
		assert_true(acts == sends1[i][1]);
		resent += sends1[i][0] > 1 || sends1[i][1] > 1;
		if (w) { /* key1 starts with 1: credited, exactly once */
			assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "credited")));
			assert_true(num(w, "deposit_amount") == 800);
		}
		if (u)
			assert_true(num(u, "amount") == 15000);
	}
	assert_true(resent > 0);
	cJSON_Delete(led);
	/* rate 0: off */
	cJSON_Delete(call(&f->sb, "/_sandbox/chaos", "{\"rate\":0}", &code));
	long before = pk_test_sandbox_stat(&f->sb, "chaos_played");
	for (int i = 0; i < 6; i++) {
		char body[512], ctid[16];
		snprintf(ctid, sizeof ctid, "off-%d", i);
		upi_body(body, sizeof body, ctid, "100");
		o = call(&f->sb, UPI_CREATE, body, &code);
		assert_int_equal(code, 200);
		assert_string_equal(str(o, "status"), "ok");
		cJSON_Delete(o);
	}
	assert_int_equal(pk_test_sandbox_stat(&f->sb, "chaos_played"), before);
}

static void chaos_modes_and_bounds(void **state)
{
	fixture *f = *state;
	long code;
	char body[512], *ans = NULL;
	/* modes that do not apply to a call are skipped */
	cJSON_Delete(call(&f->sb, "/_sandbox/chaos",
			  "{\"rate\":1,\"seed\":1,\"modes\":[\"ok_no_deposit\"],"
			  "\"calls\":[\"upi_create\",\"wavepay_activate\"]}", &code));
	upi_body(body, sizeof body, "cm-1", "100");
	cJSON *o = call(&f->sb, UPI_CREATE, body, &code);
	assert_int_equal(code, 200);
	assert_string_equal(str(o, "status"), "ok");
	cJSON_Delete(o);
	wp_body(body, sizeof body, "cm-2", "1000000099", 500);
	code = pk_test_sandbox_post(&f->sb, WP_ACTIVATE, body, &ans);
	assert_string_equal(ans, "{\"status\":\"ok\"}");
	free(ans);
	/* a chaos hang lasts hang_ms, then the connection is closed */
	cJSON_Delete(call(&f->sb, "/_sandbox/chaos",
			  "{\"rate\":1,\"modes\":[\"hang\"],\"calls\":[\"upi_status\"],"
			  "\"hang_ms\":400}", &code));
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	code = pk_test_sandbox_post(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}", &ans);
	assert_int_equal(code, -1);
	free(ans);
	long waited = ms_since(&t0);
	assert_true(waited >= 350 && waited < 3000);
	/* calls not listed are untouched; http_code with a fixed status */
	cJSON_Delete(call(&f->sb, "/_sandbox/chaos",
			  "{\"rate\":1,\"modes\":[\"http_code\"],\"calls\":[\"wavepay_create\"],"
			  "\"http\":418}", &code));
	o = call(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &code);
	assert_int_equal(code, 418);
	assert_string_equal(str(o, "status"), "ok");
	cJSON_Delete(o);
	o = call(&f->sb, UPI_STATUS, "{\"order_id\":\"x\"}", &code);
	assert_int_equal(code, 200);
	cJSON_Delete(o);
	/* a queued fault goes first */
	fault_ok(&f->sb, "{\"call\":\"wavepay_create\",\"mode\":\"wrong_shape\"}");
	code = pk_test_sandbox_post(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}",
				    &ans);
	assert_string_equal(ans, "{\"status\":1,\"data\":[]}");
	free(ans);
	/* bad configs refused */
	const char *bad[] = {
		"{\"rate\":2}", "{}", "{\"rate\":0.5,\"modes\":[\"explode\"]}",
		"{\"rate\":0.5,\"calls\":[\"settle\"]}", "{\"rate\":0.5,\"modes\":[]}",
		"{\"rate\":0.5,\"hang_ms\":0}", "{\"rate\":0.5,\"seed\":-1}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = call(&f->sb, "/_sandbox/chaos", bad[i], &code);
		if (strcmp(str(o, "status"), "fail") != 0)
			fail_msg("chaos %s was taken", bad[i]);
		cJSON_Delete(o);
	}
	cJSON_Delete(call(&f->sb, "/_sandbox/chaos", "{\"rate\":0}", &code));
	o = call(&f->sb, WP_CREATE, "{\"currency\":\"MMK\",\"label\":\"a\"}", &code);
	assert_int_equal(code, 200);
	cJSON_Delete(o);
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
		cmocka_unit_test_setup_teardown(http_code_and_fail_http, setup, teardown),
		cmocka_unit_test_setup_teardown(ok_no_deposit_still_credits, setup, teardown),
		cmocka_unit_test_setup_teardown(resend_fail_refuses_a_resent_ctid, setup, teardown),
		cmocka_unit_test_setup_teardown(qr_amount_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(after_faults_apply_the_request, setup, teardown),
		cmocka_unit_test(single_quoted_fails),
		cmocka_unit_test_setup_teardown(ledger_tells_the_truth, setup, teardown),
		cmocka_unit_test(ledger_shows_automatic_payments),
		cmocka_unit_test_setup_teardown(chaos_is_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(chaos_modes_and_bounds, setup, teardown),
		cmocka_unit_test(postback_retried_until_ok),
		cmocka_unit_test(postback_upi_keys_from_environment),
		cmocka_unit_test(postback_keys_required),
		cmocka_unit_test(postback_on_demand),
		cmocka_unit_test_setup_teardown(postback_on_demand_needs_url, setup, teardown),
		cmocka_unit_test(cli_contract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
