/* Config: one precedence (flag > env > file > default), strict files,
 * private secrets, and messages that say where the problem is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"

#define SECRET "Zq9-TopSecretValue-77"

struct fx {
	char dir[64];
	char path[128]; /* dir/paykiosk.conf */
};

static const char *const env_vars[] = {
	"PAYKIOSK_API_URL", "PAYKIOSK_SECRET", "PAYKIOSK_SECRET_FILE", "PAYKIOSK_LABEL",
	"PAYKIOSK_LANG", "PAYKIOSK_JOURNAL", "PAYKIOSK_CONFIG", "LANGUAGE", "LC_ALL",
	"LC_MESSAGES", "LANG", "PAYKIOSK_RECEIPT_PRINTER",
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/pk-config-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof fx->path, "%s/paykiosk.conf", fx->dir);
	for (size_t i = 0; i < sizeof env_vars / sizeof *env_vars; i++)
		unsetenv(env_vars[i]);
	/* nothing of the real user's: no default config file, no real paths */
	char buf[128];
	snprintf(buf, sizeof buf, "%s/xdg-config", fx->dir);
	setenv("XDG_CONFIG_HOME", buf, 1);
	snprintf(buf, sizeof buf, "%s/xdg-data", fx->dir);
	setenv("XDG_DATA_HOME", buf, 1);
	setenv("HOME", fx->dir, 1);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	int rc = system(cmd);
	free(fx);
	return rc == 0 ? 0 : -1;
}

static void write_mode(const char *path, const char *text, mode_t mode)
{
	unlink(path); /* it may be read-only from an earlier step */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Load with argv given as a NULL-terminated list after the program name. */
static int load_v(pk_config *cfg, pk_error *err, pk_config_action *act, const char *const *args)
{
	static char *argv[32]; /* test scratch */
	int argc = 0;
	argv[argc++] = (char *)"paykiosk";
	for (; args && *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	pk_error_clear(err);
	return pk_config_load(cfg, argc, argv, act, err);
}

#define LOAD(cfg, err, ...) load_v(cfg, err, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define LOAD0(cfg, err) load_v(cfg, err, NULL, NULL)

static void expect_fail(pk_config *cfg, pk_error *err, int rc, const char *part)
{
	if (rc == 0 || !strstr(err->msg, part))
		print_error("rc %d, message '%s', wanted '%s'\n", rc, err->msg, part);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err->msg, part));
	assert_null(strstr(err->msg, SECRET));
	/* no half config is left behind */
	assert_null(cfg->label);
	assert_null(cfg->secret);
	assert_null(cfg->api_url);
	assert_null(cfg->journal);
}

static void test_defaults_training(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	setenv("LANG", "hi_IN.UTF-8", 1);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_true(cfg.training);
	assert_null(cfg.api_url);
	assert_null(cfg.secret);
	assert_int_equal(cfg.poll_interval, PK_POLL_INTERVAL_DEFAULT);
	assert_int_equal(cfg.poll_timeout, PK_POLL_TIMEOUT_DEFAULT);
	assert_int_equal(cfg.result_pause, PK_RESULT_PAUSE_DEFAULT);
	assert_false(cfg.ask_label);
	assert_string_equal(cfg.shop_name, "");
	assert_null(cfg.config_path);
	assert_int_equal(cfg.argc, 0);
	/* language from the environment when not configured */
	assert_false(cfg.lang_set);
	assert_int_equal(cfg.lang, PK_LANG_HI);
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	if (host[0])
		assert_string_equal(cfg.label, host);
	char want[256];
	snprintf(want, sizeof want, "%s/xdg-data/paykiosk/journal.db", fx->dir);
	assert_string_equal(cfg.journal, want);
	pk_config_free(&cfg);
	assert_null(cfg.journal);
	pk_config_free(&cfg); /* twice is harmless */

	unsetenv("XDG_DATA_HOME");
	assert_int_equal(LOAD0(&cfg, &err), 0);
	snprintf(want, sizeof want, "%s/.local/share/paykiosk/journal.db", fx->dir);
	assert_string_equal(cfg.journal, want);
	pk_config_free(&cfg);
}

static void test_precedence(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	write_mode(fx->path,
		   "# kiosk settings\n"
		   "\n"
		   "label = from-file\n"
		   "  poll_interval=5  \n"
		   "lang = my\n"
		   "journal = /var/tmp/file.db\n"
		   "result_pause = 0\n"
		   "ask_label = yes\n"
		   "shop_name = \"Shop # 1 \"  # quoted keeps '#'\n",
		   0600);
	setenv("PAYKIOSK_CONFIG", fx->path, 1);

	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_string_equal(cfg.config_path, fx->path);
	assert_string_equal(cfg.label, "from-file");
	assert_int_equal(cfg.poll_interval, 5);
	assert_true(cfg.lang_set);
	assert_int_equal(cfg.lang, PK_LANG_MY);
	assert_string_equal(cfg.journal, "/var/tmp/file.db");
	assert_int_equal(cfg.result_pause, 0);
	assert_true(cfg.ask_label);
	assert_string_equal(cfg.shop_name, "Shop # 1 ");
	pk_config_free(&cfg);

	setenv("PAYKIOSK_LABEL", "from-env", 1);
	setenv("PAYKIOSK_LANG", "hi_IN.UTF-8", 1);
	setenv("PAYKIOSK_JOURNAL", "/var/tmp/env.db", 1);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_string_equal(cfg.label, "from-env");
	assert_int_equal(cfg.lang, PK_LANG_HI);
	assert_string_equal(cfg.journal, "/var/tmp/env.db");
	assert_int_equal(cfg.poll_interval, 5);
	pk_config_free(&cfg);

	assert_int_equal(LOAD(&cfg, &err, "--label", "from-flag", "--poll-interval=7", "--lang=en",
			      "--journal", "/var/tmp/flag.db"), 0);
	assert_string_equal(cfg.label, "from-flag");
	assert_int_equal(cfg.poll_interval, 7);
	assert_int_equal(cfg.lang, PK_LANG_EN);
	assert_string_equal(cfg.journal, "/var/tmp/flag.db");
	pk_config_free(&cfg);

	/* label digits typed in Burmese are stored as ASCII */
	assert_int_equal(LOAD(&cfg, &err, "--label=till-၁၂"), 0);
	assert_string_equal(cfg.label, "till-12");
	pk_config_free(&cfg);
	unsetenv("PAYKIOSK_LABEL");
	unsetenv("PAYKIOSK_LANG");
	unsetenv("PAYKIOSK_JOURNAL");
}

static void test_config_file_choice(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	char xdgdir[160], xdgfile[200], other[160];
	snprintf(xdgdir, sizeof xdgdir, "%s/xdg-config", fx->dir);
	mkdir(xdgdir, 0700);
	snprintf(xdgdir, sizeof xdgdir, "%s/xdg-config/paykiosk", fx->dir);
	mkdir(xdgdir, 0700);
	snprintf(xdgfile, sizeof xdgfile, "%s/paykiosk.conf", xdgdir);
	write_mode(xdgfile, "label = xdg\n", 0600);
	snprintf(other, sizeof other, "%s/other.conf", fx->dir);
	write_mode(other, "label = other\n", 0600);
	write_mode(fx->path, "label = env-named\n", 0600);

	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_string_equal(cfg.label, "xdg");
	assert_string_equal(cfg.config_path, xdgfile);
	pk_config_free(&cfg);

	setenv("PAYKIOSK_CONFIG", fx->path, 1);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_string_equal(cfg.label, "env-named");
	pk_config_free(&cfg);

	assert_int_equal(LOAD(&cfg, &err, "--config", other), 0);
	assert_string_equal(cfg.label, "other");
	pk_config_free(&cfg);

	/* an explicitly named file must exist; a default one need not */
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config=/nonexistent/pk.conf"),
		    "/nonexistent/pk.conf");
	setenv("PAYKIOSK_CONFIG", "/nonexistent/env.conf", 1);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "/nonexistent/env.conf");
	unsetenv("PAYKIOSK_CONFIG");
	unlink(xdgfile);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_null(cfg.config_path);
	pk_config_free(&cfg);
}

static void test_permissions(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	char want[300];
	/* the secret, then a malformed line: neither may leak into the message */
	write_mode(fx->path, "api_url = https://pay.example\nsecret = " SECRET "\n" SECRET "\n",
		   0644);
	setenv("PAYKIOSK_CONFIG", fx->path, 1);
	snprintf(want, sizeof want, "%s is readable by other users; run: chmod 600 %s", fx->path,
		 fx->path);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), want);
	assert_int_equal(err.kind, PK_ERR_CONFIG);
	chmod(fx->path, 0640);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "chmod 600");
	chmod(fx->path, 0602);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "chmod 600");
	chmod(fx->path, 0600);
	/* now readable: the malformed line is reported by line, not by text */
	char where[200];
	snprintf(where, sizeof where, "%s:3:", fx->path);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), where);
	unsetenv("PAYKIOSK_CONFIG");

	char sfile[160];
	snprintf(sfile, sizeof sfile, "%s/secret", fx->dir);
	write_mode(sfile, SECRET "\n", 0644);
	setenv("PAYKIOSK_SECRET_FILE", sfile, 1);
	setenv("PAYKIOSK_API_URL", "https://pay.example", 1);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "chmod 600");
	assert_non_null(strstr(err.msg, "PAYKIOSK_SECRET_FILE"));
	unsetenv("PAYKIOSK_SECRET_FILE");
	unsetenv("PAYKIOSK_API_URL");
}

static void test_file_errors(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	setenv("PAYKIOSK_CONFIG", fx->path, 1);
	static const struct {
		const char *text;
		int line;
		const char *part;
	} cases[] = {
		{ "label = a\ncolour = red\n", 2, "key 'colour': unknown key" },
		{ "label = a\n# c\nlabel = b\n", 3, "key 'label': given twice" },
		{ "API_KEY = x\n", 1, "unknown key" },
		{ "training = maybe\n", 1, "key 'training': must be true or false" },
		{ "ask_label = 2\n", 1, "key 'ask_label'" },
		{ "poll_interval = fast\n", 1, "key 'poll_interval': must be a whole number from 1 to 60" },
		{ "poll_interval = 0\n", 1, "from 1 to 60" },
		{ "poll_interval = 61\n", 1, "from 1 to 60" },
		{ "poll_interval = -5\n", 1, "poll_interval" },
		{ "poll_interval = 5s\n", 1, "poll_interval" },
		{ "poll_timeout = 9\n", 1, "from 10 to 3600" },
		{ "poll_timeout = 99999999999999\n", 1, "from 10 to 3600" },
		{ "result_pause = 601\n", 1, "from 0 to 600" },
		{ "idle_timeout = 5\n", 1, "key 'idle_timeout': must be a whole number from 10 to 3600" },
		{ "receipt_width = 80\n", 1, "from 24 to 64" },
		{ "kiosk = sometimes\n", 1, "key 'kiosk': must be true or false" },
		{ "supervisor_pin = 2468\n", 1, "key 'supervisor_pin': is not a PIN hash" },
		{ "\n\nlang = fr\n", 3, "key 'lang'" },
		{ "api_url = http://pay.example\n", 1, "key 'api_url': API URL must use https://" },
		{ "label =\n", 1, "key 'label': needs a value" },
		{ "label = a\tb\n", 1, "key 'label'" },
		{ "just some words\n", 1, "expected key = value" },
		{ "label = \"unclosed\n", 1, "expected key = value" },
		{ "label = \"a\" b\n", 1, "expected key = value" },
		{ "secret = " SECRET "\nsecret = " SECRET "\n", 2, "key 'secret': given twice" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		write_mode(fx->path, cases[i].text, 0600);
		char where[200];
		snprintf(where, sizeof where, "%s:%d: ", fx->path, cases[i].line);
		int rc = LOAD0(&cfg, &err);
		expect_fail(&cfg, &err, rc, where);
		expect_fail(&cfg, &err, rc, cases[i].part);
		assert_int_equal(err.kind, PK_ERR_CONFIG);
		assert_null(strstr(err.msg, "API_KEY")); /* odd keys are not repeated */
	}
	/* all the bool spellings */
	static const char *const yes[] = { "true", "yes", "1", "on", "TRUE", "Yes" };
	static const char *const no[] = { "false", "no", "0", "off", "Off" };
	char text[64];
	for (size_t i = 0; i < 6; i++) {
		snprintf(text, sizeof text, "ask_label = %s\n", yes[i]);
		write_mode(fx->path, text, 0600);
		assert_int_equal(LOAD0(&cfg, &err), 0);
		assert_true(cfg.ask_label);
		pk_config_free(&cfg);
	}
	for (size_t i = 0; i < 5; i++) {
		snprintf(text, sizeof text, "ask_label = \"%s\"\n", no[i]);
		write_mode(fx->path, text, 0600);
		assert_int_equal(LOAD0(&cfg, &err), 0);
		assert_false(cfg.ask_label);
		pk_config_free(&cfg);
	}
	unsetenv("PAYKIOSK_CONFIG");
}

static void test_env_errors(void **state)
{
	(void)state;
	pk_config cfg;
	pk_error err;
	setenv("PAYKIOSK_LANG", "fr", 1);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "PAYKIOSK_LANG: ");
	unsetenv("PAYKIOSK_LANG");
	setenv("PAYKIOSK_API_URL", "ftp://x", 1);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "PAYKIOSK_API_URL: ");
	unsetenv("PAYKIOSK_API_URL");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--poll-timeout", "5"), "--poll-timeout: ");
}

static void test_secret_sources(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	write_mode(fx->path, "api_url = \"https://pay.example/api/\"\nsecret = file-secret\n",
		   0600);
	setenv("PAYKIOSK_CONFIG", fx->path, 1);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_string_equal(cfg.secret, "file-secret");
	assert_string_equal(cfg.api_url, "https://pay.example/api"); /* one '/' stripped */
	assert_false(cfg.training);
	pk_config_free(&cfg);

	char sfile[160];
	snprintf(sfile, sizeof sfile, "%s/secret", fx->dir);
	write_mode(sfile, "  secret-from-file-env \nsecond line\n", 0400);
	setenv("PAYKIOSK_SECRET_FILE", sfile, 1);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_string_equal(cfg.secret, "secret-from-file-env");
	pk_config_free(&cfg);

	setenv("PAYKIOSK_SECRET", "secret-from-env", 1);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_string_equal(cfg.secret, "secret-from-env");
	pk_config_free(&cfg);
	unsetenv("PAYKIOSK_SECRET");

	write_mode(sfile, "\n", 0600);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "is empty");
	unsetenv("PAYKIOSK_SECRET_FILE");
	setenv("PAYKIOSK_SECRET_FILE", "/nonexistent/secret", 1);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "PAYKIOSK_SECRET_FILE");
	unsetenv("PAYKIOSK_SECRET_FILE");
	unsetenv("PAYKIOSK_CONFIG");
}

static void test_url_secret_pair(void **state)
{
	(void)state;
	pk_config cfg;
	pk_error err;
	setenv("PAYKIOSK_API_URL", "https://pay.example", 1);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "no secret");
	assert_non_null(strstr(err.msg, "PAYKIOSK_SECRET"));
	unsetenv("PAYKIOSK_API_URL");

	setenv("PAYKIOSK_SECRET", SECRET, 1);
	expect_fail(&cfg, &err, LOAD0(&cfg, &err), "no API URL");
	assert_int_equal(LOAD(&cfg, &err, "--api-url", "http://127.0.0.1:8080/"), 0);
	assert_false(cfg.training);
	assert_string_equal(cfg.api_url, "http://127.0.0.1:8080");
	assert_string_equal(cfg.secret, SECRET);
	pk_config_free(&cfg);

	assert_int_equal(LOAD(&cfg, &err, "--training", "--api-url=https://pay.example"), 0);
	assert_true(cfg.training);
	assert_string_equal(cfg.api_url, "https://pay.example");
	assert_string_equal(cfg.secret, SECRET);
	pk_config_free(&cfg);
	unsetenv("PAYKIOSK_SECRET");
}

static void test_argv(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	pk_config_action act = PK_CONFIG_VERSION;

	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--bogus=" SECRET), "--bogus");
	assert_int_equal(err.kind, PK_ERR_INVALID);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "-x"), "'-x'");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--secret", SECRET), "PAYKIOSK_SECRET_FILE");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--secret=" SECRET), "PAYKIOSK_SECRET,");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--label"), "needs a value");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--training=yes"), "takes no value");

	/* options stop at the subcommand; its own options are left alone */
	assert_int_equal(LOAD(&cfg, &err, "--ask-label", "report", "--from", "2026-01-01"), 0);
	assert_true(cfg.ask_label);
	assert_int_equal(cfg.argc, 3);
	assert_string_equal(cfg.argv[0], "report");
	assert_string_equal(cfg.argv[1], "--from");
	assert_string_equal(cfg.argv[2], "2026-01-01");
	pk_config_free(&cfg);
	assert_int_equal(LOAD(&cfg, &err, "--", "--odd"), 0);
	assert_int_equal(cfg.argc, 1);
	assert_string_equal(cfg.argv[0], "--odd");
	pk_config_free(&cfg);

	/* --help works even when the config file is broken */
	write_mode(fx->path, "nonsense\n", 0644);
	setenv("PAYKIOSK_CONFIG", fx->path, 1);
	assert_int_equal(load_v(&cfg, &err, &act, (const char *const[]){ "--help", NULL }), 0);
	assert_int_equal(act, PK_CONFIG_HELP);
	pk_config_free(&cfg);
	assert_int_equal(load_v(&cfg, &err, &act, (const char *const[]){ "--version", NULL }), 0);
	assert_int_equal(act, PK_CONFIG_VERSION);
	pk_config_free(&cfg);
	unsetenv("PAYKIOSK_CONFIG");
	assert_int_equal(load_v(&cfg, &err, &act, (const char *const[]){ "--training", NULL }), 0);
	assert_int_equal(act, PK_CONFIG_RUN);
	pk_config_free(&cfg);

	const char *usage = pk_config_usage();
	assert_non_null(strstr(usage, "--api-url"));
	assert_non_null(strstr(usage, "PAYKIOSK_SECRET_FILE"));
}

/* The kiosk-lock, receipt and log settings: defaults, file, flags, env. */
static void test_shop_settings(void **state)
{
	struct fx *fx = *state;
	pk_config cfg;
	pk_error err;
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_false(cfg.kiosk);
	assert_false(cfg.verbose);
	assert_int_equal(cfg.idle_timeout, 120);
	assert_int_equal(cfg.receipt_width, 32);
	assert_string_equal(cfg.receipt_printer, "");
	assert_null(cfg.supervisor_pin);
	pk_config_free(&cfg);

	write_mode(fx->path,
		   "kiosk = yes\nidle_timeout = 45\nreceipt_width = 48\n"
		   "receipt_printer = /dev/usb/lp0\nsupervisor_pin = $y$j9T$abc$def\n",
		   0600);
	setenv("PAYKIOSK_CONFIG", fx->path, 1);
	assert_int_equal(LOAD0(&cfg, &err), 0);
	assert_true(cfg.kiosk);
	assert_int_equal(cfg.idle_timeout, 45);
	assert_int_equal(cfg.receipt_width, 48);
	assert_string_equal(cfg.receipt_printer, "/dev/usb/lp0");
	assert_string_equal(cfg.supervisor_pin, "$y$j9T$abc$def");
	pk_config_free(&cfg);

	setenv("PAYKIOSK_RECEIPT_PRINTER", "/tmp/receipts.bin", 1);
	assert_int_equal(LOAD(&cfg, &err, "--verbose", "--kiosk", "pay", "upi", "--kiosk"), 0);
	assert_true(cfg.verbose);
	assert_string_equal(cfg.receipt_printer, "/tmp/receipts.bin");
	assert_int_equal(cfg.argc, 3); /* options after the command are the command's */
	pk_config_free(&cfg);
	unsetenv("PAYKIOSK_RECEIPT_PRINTER");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--kiosk=yes"), "takes no value");
}

static void test_check_url(void **state)
{
	(void)state;
	pk_error err;
	static const char *const good[] = {
		"https://pay.example", "https://pay.example/api/v1", "HTTPS://Pay.Example:8443/x",
		"http://127.0.0.1", "http://127.0.0.1:8080/", "http://127.1.2.3:1/api",
		"http://[::1]:9000", "http://localhost:8080", "http://LOCALHOST", "https://[2001:db8::1]/",
		"https://10.0.0.5/",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int rc = pk_config_check_url(good[i], &err);
		if (rc)
			print_error("%s rejected: %s\n", good[i], err.msg);
		assert_int_equal(rc, 0);
	}
	static const struct {
		const char *url, *part;
	} bad[] = {
		{ "", "empty" },
		{ NULL, "empty" },
		{ "pay.example", "https://" },
		{ "ftp://pay.example", "https://" },
		{ "http://pay.example", "https://" },
		{ "http://10.0.0.1", "https://" },
		{ "http://128.0.0.1", "https://" },
		{ "http://127.0.0.1.evil.example", "https://" },
		{ "http://127.0.0", "https://" },
		{ "http://127.0.0.256", "https://" },
		{ "http://localhost.evil.example", "https://" },
		{ "http://[::2]", "https://" },
		{ "https://user:pw@pay.example", "user name or password" },
		{ "http://x@127.0.0.1", "user name or password" },
		{ "https://", "no host" },
		{ "https:///api", "no host" },
		{ "https://:443", "no host" },
		{ "https://[]/", "no host" },
		{ "https://pay example", "spaces" },
		{ "https://pay.example/a b", "spaces" },
		{ "https://pay.example\n", "spaces" },
		{ "https://pay.example:", "port" },
		{ "https://pay.example:0", "port" },
		{ "https://pay.example:65536", "port" },
		{ "https://pay.example:80a", "port" },
		{ "https://pay_example", "bad host" },
		{ "https://[::1", "bad host" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		pk_error_clear(&err);
		int rc = pk_config_check_url(bad[i].url, &err);
		if (rc == 0 || !strstr(err.msg, bad[i].part))
			print_error("'%s': rc %d msg '%s'\n", bad[i].url ? bad[i].url : "(null)", rc,
				    err.msg);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err.msg, bad[i].part));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_training, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_file_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_secret_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shop_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_url, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
