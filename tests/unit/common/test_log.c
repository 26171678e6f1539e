/* The operational log: one greppable line per event, free text quoted, the
 * secret masked, RFC 3164 datagrams on the syslog socket, and no syslog
 * is no problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"

static void test_format_and_quote(void **state)
{
	(void)state;
	pk_log log;
	pk_log_open(&log, "/nonexistent/log.sock");
	char line[PK_LOG_LINE_MAX], q[64];
	assert_int_equal(pk_log_format(&log, line, sizeof line, "sale", "sale_id=%d note=%s", 12,
				       pk_log_quote("say \"hi\"\nnow\\", q, sizeof q)),
			 0);
	assert_string_equal(line, "event=sale sale_id=12 note=\"say \\\"hi\\\" now\\\\\"");
	assert_int_equal(pk_log_format(&log, line, sizeof line, "start", NULL), 0);
	assert_string_equal(line, "event=start");
	/* a cut quote still closes */
	pk_log_quote("abcdefghijklmnop", q, 8);
	assert_string_equal(q, "\"abcde\"");
	pk_log_close(&log);
}

static void test_secret_masked(void **state)
{
	(void)state;
	pk_log log;
	pk_log_open(&log, "/nonexistent/log.sock");
	pk_log_set_redact(&log, "s3cr3t");
	char line[PK_LOG_LINE_MAX];
	pk_log_format(&log, line, sizeof line, "gateway_error", "url=https://x/?k=s3cr3t&s3cr3t");
	assert_null(strstr(line, "s3cr3t"));
	assert_non_null(strstr(line, "k=******&******"));
	pk_log_set_redact(&log, ""); /* an empty secret masks nothing, loops never */
	pk_log_format(&log, line, sizeof line, "x", "a=b");
	assert_string_equal(line, "event=x a=b");
	pk_log_close(&log);
}

/* The hub token is masked next to the gateway secret; setting the secret
 * again forgets both. */
static void test_token_masked_too(void **state)
{
	(void)state;
	pk_log log;
	pk_log_open(&log, "/nonexistent/log.sock");
	pk_log_set_redact(&log, "s3cr3t");
	assert_int_equal(pk_log_add_redact(&log, "hubtok"), 0);
	assert_int_equal(pk_log_add_redact(&log, NULL), 0);
	char line[PK_LOG_LINE_MAX];
	pk_log_format(&log, line, sizeof line, "hub_down", "why=\"hubtok s3cr3t\"");
	assert_string_equal(line, "event=hub_down why=\"****** ******\"");
	pk_log_set_redact(&log, "other");
	pk_log_format(&log, line, sizeof line, "x", "t=hubtok");
	assert_string_equal(line, "event=x t=hubtok");
	for (int i = 1; i < PK_LOG_REDACT_MAX; i++)
		assert_int_equal(pk_log_add_redact(&log, "more"), 0);
	assert_int_equal(pk_log_add_redact(&log, "one-too-many"), -1);
	pk_log_close(&log);
}

static void test_datagram_to_socket(void **state)
{
	(void)state;
	char dir[] = "/tmp/pk-log-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%.40s/log", dir);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);

	pk_log log;
	pk_log_open(&log, path);
	pk_log_set_redact(&log, "topsecret");
	pk_log_event(&log, PK_LOG_WARNING, "gateway_error", "kind=timeout message=\"%s\"",
		     "topsecret leaked?");
	char buf[2048];
	ssize_t n = recv(s, buf, sizeof buf - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	/* <PRI> = user facility (1) * 8 + warning (4) = 12 */
	assert_memory_equal(buf, "<12>", 4);
	assert_non_null(strstr(buf, " paykiosk["));
	assert_non_null(strstr(buf, "]: event=gateway_error kind=timeout message=\"********* leaked?\""));
	assert_null(strstr(buf, "topsecret"));
	assert_int_equal(log.dropped, 0);
	pk_log_close(&log);
	close(s);
	unlink(path);
	rmdir(dir);
}

static void test_no_syslog_is_fine(void **state)
{
	(void)state;
	pk_log log;
	pk_log_open(&log, "/nonexistent/log.sock");
	assert_int_equal(log.fd, -1);
	pk_log_event(&log, PK_LOG_INFO, "start", "version=%s", "1");
	assert_int_equal(log.dropped, 1);
	pk_log_close(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_and_quote),
		cmocka_unit_test(test_secret_masked),
		cmocka_unit_test(test_token_masked_too),
		cmocka_unit_test(test_datagram_to_socket),
		cmocka_unit_test(test_no_syslog_is_fine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
