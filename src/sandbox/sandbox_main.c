/* sandbox_main.c - paykassma-sandbox: a stand-in for the Paykassma gateway
 * on loopback, for training mode, the tests, and merchants rehearsing an
 * integration.  See --help. */
#include <errno.h>
#include <curl/curl.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/quitsig.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_http.h"

static const char USAGE[] =
	"usage: paykassma-sandbox [--listen 127.0.0.1|::1] [--port N] [--auto-settle S]\n"
	"         [--upi-outcome success|failed] [--processing-polls N] [--delay-ms N]\n"
	"         [--postback-url URL [--postback-keys-file FILE]] [--log FILE]\n"
	"         [--secret-file FILE] [--exit-on-stdin-eof] [--single-quoted-fails]\n"
	"The secret comes from PAYKASSMA_SANDBOX_SECRET, --secret-file (mode 0600), or the\n"
	"training default \"training-secret\". Prints its base URL on stdout when ready.\n"
	"--postback-url URL (http://127.x.x.x... or http://[::1]...): each credited deposit\n"
	"(a UPI order paid, a Wavepay activation credited) is POSTed there as Paykassma's\n"
	"deposit postback, signed sha1(access_key . private_key . md5(additional_data)),\n"
	"and re-sent (1, 2, 4 ... 30 s apart, the same bytes) until answered HTTP 200\n"
	"{\"status\":\"ok\"}. additional_data[].plugin_custom_order_id carries the sale's\n"
	"custom_transaction_id (the sandbox's assumption). The postback keys come from\n"
	"PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY and PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY,\n"
	"or --postback-keys-file FILE (mode 0600; lines \"access_key = ...\" and\n"
	"\"private_key = ...\"; the environment wins); --postback-url without both keys is\n"
	"refused (exit 2). The private key is never printed or logged.\n"
	"UPI orders get paid by /_sandbox/settle, after S seconds (--auto-settle S), or\n"
	"after N processing polls (--upi-outcome success --processing-polls N).\n"
	"PAYKASSMA_SANDBOX_SEED=N (0..2^64-1): order ids, wallets and IDs from seed N, the\n"
	"same for the same N (default: the system's randomness).\n"
	"--single-quoted-fails: the API's fail answers as {'status': 'fail', 'message': 'X'}\n"
	"(not JSON, as the docs write them); control answers stay JSON.\n"
	"API: the four Paykassma calls under /api/v1 (see docs). Control, same secret:\n"
	"  POST /_sandbox/settle {\"order_id\":...,\"status\":\"success\"|\"failed\"[,\"after_polls\":N]}\n"
	"  POST /_sandbox/fault  {\"call\":...|\"any\",\"mode\":...[,\"count\":N][,\"http\":H][,\"hang_ms\":MS]}\n"
	"  POST /_sandbox/chaos  {\"rate\":0..1[,\"seed\":S][,\"modes\":[...]][,\"calls\":[...]]\n"
	"                         [,\"hang_ms\":MS][,\"http\":H]}   {\"rate\":0} turns it off\n"
	"  GET  /_sandbox/stats\n"
	"  GET  /_sandbox/ledger  orders and activations as they really are (minor units)\n"
	"  POST /_sandbox/postback {\"order_id\":...}|{\"ctid\":...}[,\"amount\":MINOR]\n"
	"       a deposit postback now, the order or activation left as it is (a UPI\n"
	"       status keeps saying processing); a UPI order sent one this way sends no\n"
	"       automatic one when it settles. HTTP 404 unknown, 409 no --postback-url\n"
	"  GET  /_sandbox/postbacks  postbacks queued: ctid, attempts, delivered, body\n"
	"calls: wavepay_create wavepay_activate upi_create upi_status.  Fault modes:\n"
	"  request NOT applied: reset (closed, no answer), hang (no answer for hang_ms,\n"
	"    default 600000, then closed), http500_html, empty, single_quote_fail,\n"
	"    wrong_shape, huge_body, trickle (1 byte/s), fail_http (JSON fail, HTTP\n"
	"    \"http\", default 500)\n"
	"  applied, then: http_code (normal answer, HTTP \"http\" required), reset_after,\n"
	"    hang_after, html500_after\n"
	"  applied, upi_create: not_upi, long_qr, qr_wrong_amount (am= +899.00),\n"
	"    qr_no_amount; wavepay_activate: ok_no_deposit (answer {\"status\":\"ok\"} only)\n"
	"  resend_fail (upi_create, wavepay_activate): a ctid seen before answers fail\n"
	"    \"custom_transaction_id already used\" instead of the idempotent replay\n"
	"Chaos: each request to \"calls\" gets, with probability rate, one of \"modes\"\n"
	"that applies (xorshift64 from seed); chaos hangs last hang_ms (default 3000).\n"
	"Wavepay activation outcome by the first digit of key1: 1 credited, 2 credited\n"
	"500 MMK more, 3 pending, 4 possible_transaction_created, 5 fail, other credited.\n"
	"Exit status: 0 stopped (signal, or end of stdin with --exit-on-stdin-eof);\n"
	"1 runtime error (cannot listen, a file cannot be read); 2 usage (a bad option or\n"
	"value, --listen not loopback, --postback-url without both keys, a keys file\n"
	"readable by group or others or not in key = value form).\n";

static int int_arg(const char *name, const char *v, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || errno || *end || n < lo || n > hi) {
		fprintf(stderr, "paykassma-sandbox: %s needs a number from %d to %d\n", name, lo, hi);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* Open a file that holds a secret (what: for the message): it must not
 * be readable by group or others.  0 with *out open, 1 it cannot be read,
 * 2 it is readable by others (a usage error). */
static int open_private(const char *path, const char *what, FILE **out)
{
	struct stat sbuf;
	FILE *f = fopen(path, "r");
	if (!f || fstat(fileno(f), &sbuf) != 0) {
		fprintf(stderr, "paykassma-sandbox: cannot read %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	if (sbuf.st_mode & 077) {
		fprintf(stderr, "paykassma-sandbox: %s holds %s and is readable by other users; "
				"run: chmod 600 %s\n", path, what, path);
		fclose(f);
		return 2;
	}
	*out = f;
	return 0;
}

static int read_secret_file(const char *path, char *out, size_t len)
{
	FILE *f;
	if (open_private(path, "the secret", &f) != 0)
		return -1;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] ? 0 : -1;
}

/* Copy a key value into out; -1 if it does not fit (the value is never
 * printed). */
static int set_key(char *out, size_t len, const char *v)
{
	size_t n = strlen(v);
	if (n >= len)
		return -1;
	memcpy(out, v, n + 1);
	return 0;
}

/* --postback-keys-file: "access_key = ..." and "private_key = ..." lines
 * (common/config.h's reader: '#' comments, blank lines, optional quotes);
 * the file must not be readable by group or others.  Messages name the
 * file and line, never a value.  0, 1 (it cannot be read) or 2 (it is not
 * right: a usage error). */
static int read_postback_keys(const char *path, sb_options *opt)
{
	FILE *f;
	int rc = open_private(path, "the postback private key", &f);
	if (rc != 0)
		return rc;
	char *line = NULL, *k, *v;
	size_t cap = 0;
	int n = 0, got;
	while (rc == 0 && (got = pk_config_next_pair(f, &line, &cap, &n, &k, &v)) != 0) {
		char *dst = NULL;
		size_t len = 0;
		if (got > 0 && !strcmp(k, "access_key")) {
			dst = opt->postback_access_key;
			len = sizeof opt->postback_access_key;
		} else if (got > 0 && !strcmp(k, "private_key")) {
			dst = opt->postback_private_key;
			len = sizeof opt->postback_private_key;
		}
		if (!dst) {
			fprintf(stderr, "paykassma-sandbox: %s:%d: want \"access_key = ...\" or "
					"\"private_key = ...\"\n", path, n);
			rc = 2;
		} else if (!*v || set_key(dst, len, v) != 0) {
			fprintf(stderr, "paykassma-sandbox: %s:%d: %s must be 1 to %zu characters\n",
				path, n, k, len - 1);
			rc = 2;
		}
	}
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	fclose(f);
	return rc;
}

/* The postback keys: the file, then the environment over it.  Without a
 * postback URL they are not needed.  0, or the exit status: 1 the file
 * cannot be read, 2 a usage error. */
static int postback_keys(const char *keys_file, sb_options *opt)
{
	int rc = keys_file ? read_postback_keys(keys_file, opt) : 0;
	if (rc != 0)
		return rc;
	static const struct { const char *env; size_t off, len; } vars[] = {
		{ "PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY", offsetof(sb_options, postback_access_key),
		  sizeof ((sb_options *)0)->postback_access_key },
		{ "PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY", offsetof(sb_options, postback_private_key),
		  sizeof ((sb_options *)0)->postback_private_key },
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i].env);
		if (v && *v && set_key((char *)opt + vars[i].off, vars[i].len, v) != 0) {
			fprintf(stderr, "paykassma-sandbox: %s is longer than %zu characters\n",
				vars[i].env, vars[i].len - 1);
			return 2;
		}
	}
	if (opt->postback_url[0] && (!opt->postback_access_key[0] || !opt->postback_private_key[0])) {
		fprintf(stderr, "paykassma-sandbox: --postback-url needs the postback keys (the %s):\n"
				"  set PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY and "
				"PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY,\n"
				"  or give --postback-keys-file FILE (mode 0600) with "
				"\"access_key = ...\" and \"private_key = ...\"\n",
			!opt->postback_access_key[0] && !opt->postback_private_key[0] ? "two keys"
			: !opt->postback_access_key[0] ? "access key is missing"
						       : "private key is missing");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1", *log_path = NULL, *secret_file = NULL, *keys_file = NULL;
	int port = 0, exit_on_eof = 0, rc = 1;
	sb_state st;
	if (sb_state_init(&st) != 0)
		return 1;
	rc = 2; /* a bad option or value is a usage error */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int used = 1;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(USAGE, stdout);
			sb_state_free(&st);
			return 0;
		} else if (!strcmp(a, "--listen") && v) {
			listen = v;
		} else if (!strcmp(a, "--port")) {
			if (int_arg(a, v, 0, 65535, &port))
				goto out;
		} else if (!strcmp(a, "--auto-settle")) {
			if (int_arg(a, v, 0, 86400, &st.opt.auto_settle_s))
				goto out;
		} else if (!strcmp(a, "--processing-polls")) {
			if (int_arg(a, v, 0, 100000, &st.opt.processing_polls))
				goto out;
		} else if (!strcmp(a, "--delay-ms")) {
			if (int_arg(a, v, 0, 600000, &st.opt.delay_ms))
				goto out;
		} else if (!strcmp(a, "--upi-outcome") && v &&
			   (!strcmp(v, "success") || !strcmp(v, "failed"))) {
			snprintf(st.opt.upi_outcome, sizeof st.opt.upi_outcome, "%s", v);
		} else if (!strcmp(a, "--postback-url") && v && strlen(v) < sizeof st.opt.postback_url &&
			   (!strncmp(v, "http://127.", 11) || !strncmp(v, "http://[::1]", 12))) {
			snprintf(st.opt.postback_url, sizeof st.opt.postback_url, "%s", v);
		} else if (!strcmp(a, "--postback-keys-file") && v) {
			keys_file = v;
		} else if (!strcmp(a, "--log") && v) {
			log_path = v;
		} else if (!strcmp(a, "--secret-file") && v) {
			secret_file = v;
		} else if (!strcmp(a, "--exit-on-stdin-eof")) {
			exit_on_eof = 1;
			used = 0;
		} else if (!strcmp(a, "--single-quoted-fails")) {
			st.opt.single_quoted_fails = true;
			used = 0;
		} else {
			fprintf(stderr, "paykassma-sandbox: bad option or value: %s\n%s", a, USAGE);
			goto out;
		}
		i += used;
	}
	rc = 1;
	if (strcmp(listen, "127.0.0.1") != 0 && strcmp(listen, "::1") != 0) {
		fprintf(stderr, "paykassma-sandbox: --listen must be a loopback address "
				"(127.0.0.1 or ::1), not %s\n", listen);
		rc = 2;
		goto out;
	}
	int keys_rc = postback_keys(keys_file, &st.opt);
	if (keys_rc != 0) {
		rc = keys_rc;
		goto out;
	}
	const char *env_seed = getenv("PAYKASSMA_SANDBOX_SEED");
	if (env_seed && *env_seed) {
		char *end;
		errno = 0;
		unsigned long long seed = strtoull(env_seed, &end, 10);
		if (errno || *end || env_seed[0] == '-') {
			fprintf(stderr, "paykassma-sandbox: PAYKASSMA_SANDBOX_SEED must be a number, "
					"not %s\n", env_seed);
			rc = 2;
			goto out;
		}
		sb_state_seed(&st, (uint64_t)seed);
	}
	const char *env_secret = getenv("PAYKASSMA_SANDBOX_SECRET");
	if (env_secret && *env_secret) {
		snprintf(st.secret, sizeof st.secret, "%s", env_secret);
	} else if (secret_file) {
		if (read_secret_file(secret_file, st.secret, sizeof st.secret) != 0)
			goto out;
	} else {
		snprintf(st.secret, sizeof st.secret, "training-secret");
		fprintf(stderr, "paykassma-sandbox: using the training secret\n");
	}
	if (log_path && !(st.log = fopen(log_path, "a"))) {
		fprintf(stderr, "paykassma-sandbox: cannot open log %s: %s\n", log_path,
			strerror(errno));
		goto out;
	}
	/* Quit signals are read from a signalfd; every thread inherits the mask. */
	pk_error serr;
	int sfd = pk_quit_signals_block(&serr) < 0 ? -1 : pk_quit_signals_fd(0, &serr);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char url[128];
	struct MHD_Daemon *d = sb_http_start(&st, listen, port, url, sizeof url);
	if (!d) {
		fprintf(stderr, "paykassma-sandbox: cannot listen on %s port %d\n", listen, port);
		goto out_curl;
	}
	pthread_t pb;
	bool pb_started = sb_postback_start(&st, &pb) == 0;
	printf("%s\n", url);
	fflush(stdout);
	pk_quit_wait(sfd, exit_on_eof);
	pthread_mutex_lock(&st.mu);
	st.stopping = true;
	pthread_cond_broadcast(&st.cond);
	pthread_mutex_unlock(&st.mu);
	MHD_stop_daemon(d);
	if (pb_started)
		pthread_join(pb, NULL);
	rc = 0;
out_curl:
	curl_global_cleanup();
	if (sfd >= 0)
		close(sfd);
out:
	if (st.log)
		fclose(st.log);
	sb_state_free(&st);
	return rc;
}
