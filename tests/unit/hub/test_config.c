/* paykiosk-hub's settings: one precedence (flag > environment > file >
 * default), keys never from the command line, a file holding a key must
 * be private, listening off loopback needs TLS, and every refusal says
 * where the problem is without repeating a key. */
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

#include "hub/hubconf.h"

#define PRIVATE "Pk-Private-Key-0123456789"
#define ACCESS "Ak-Access-Key-9876543210"

struct fx {
	char dir[64];
	char path[128]; /* dir/hub.conf */
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/pk-hubconf-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof fx->path, "%s/hub.conf", fx->dir);
	unsetenv("PAYKIOSK_HUB_ACCESS_KEY");
	unsetenv("PAYKIOSK_HUB_PRIVATE_KEY");
	/* never the machine's /etc/paykiosk/hub.conf: an empty file of ours */
	char empty[128];
	snprintf(empty, sizeof empty, "%s/empty.conf", fx->dir);
	FILE *f = fopen(empty, "w");
	if (!f)
		return -1;
	fclose(f);
	setenv("PAYKIOSK_HUB_CONFIG", empty, 1);
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
	unlink(path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int load_v(pk_hub_config *cfg, pk_error *err, const char *const *args)
{
	static char *argv[32]; /* test scratch */
	int argc = 0;
	argv[argc++] = (char *)"paykiosk-hub";
	for (; args && *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	pk_error_clear(err);
	return pk_hub_config_load(cfg, argc, argv, err);
}

#define LOAD(cfg, err, ...) load_v(cfg, err, (const char *const[]){ __VA_ARGS__, NULL })

static void expect_fail(pk_hub_config *cfg, pk_error *err, int rc, const char *part)
{
	if (rc == 0 || !strstr(err->msg, part))
		print_error("rc %d, message '%s', wanted '%s'\n", rc, err->msg, part);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err->msg, part));
	assert_null(strstr(err->msg, PRIVATE));
	assert_null(strstr(err->msg, ACCESS));
	assert_null(cfg->database); /* nothing half-loaded is left */
	assert_null(cfg->private_key);
}

static void test_defaults(void **state)
{
	(void)state;
	pk_hub_config cfg;
	pk_error err;
	assert_int_equal(LOAD(&cfg, &err, "--database", "dbname=x"), 0);
	assert_int_equal(cfg.command, PK_HUB_SERVE);
	assert_string_equal(cfg.database, "dbname=x");
	assert_string_equal(cfg.listen_text, PK_HUB_DEFAULT_LISTEN);
	assert_string_equal(cfg.listen.host, "127.0.0.1");
	assert_int_equal(cfg.listen.port, 8470);
	assert_true(cfg.listen.loopback);
	assert_int_equal(cfg.match_field, PK_MATCH_PLUGIN_CUSTOM_ORDER_ID);
	assert_int_equal(cfg.paid_without_postback_after, 3600);
	assert_int_equal(cfg.long_poll_max, 25);
	assert_null(cfg.access_key);
	assert_null(cfg.private_key);
	assert_false(cfg.exit_on_stdin_eof);
	pk_hub_config_free(&cfg);
	assert_null(cfg.database);
	pk_hub_config_free(&cfg); /* twice is harmless */
}

static void test_precedence(void **state)
{
	struct fx *fx = *state;
	pk_hub_config cfg;
	pk_error err;
	write_mode(fx->path,
		   "# the hub\n"
		   "database = \"host=/run/postgresql dbname=file\"\n"
		   "listen = 127.0.0.1:1000   # a comment\n"
		   "access_key = " ACCESS "\n"
		   "private_key = file-private-key\n"
		   "match_field = transaction_id\n"
		   "paid_without_postback_after = 60\n"
		   "long_poll_max = 5\n",
		   0600);
	assert_int_equal(LOAD(&cfg, &err, "--config", fx->path), 0);
	assert_string_equal(cfg.database, "host=/run/postgresql dbname=file");
	assert_int_equal(cfg.listen.port, 1000);
	assert_string_equal(cfg.access_key, ACCESS);
	assert_string_equal(cfg.private_key, "file-private-key");
	assert_int_equal(cfg.match_field, PK_MATCH_TRANSACTION_ID);
	assert_string_equal(pk_hub_match_field_name(cfg.match_field), "transaction_id");
	assert_int_equal(cfg.paid_without_postback_after, 60);
	assert_int_equal(cfg.long_poll_max, 5);
	assert_string_equal(cfg.config_path, fx->path);
	pk_hub_config_free(&cfg);

	/* environment over the file for keys; flags over the file for the rest */
	setenv("PAYKIOSK_HUB_PRIVATE_KEY", PRIVATE, 1);
	assert_int_equal(LOAD(&cfg, &err, "serve", "--listen=[::1]:2000", "--config", fx->path,
			      "--database", "dbname=flag"),
			 0);
	assert_string_equal(cfg.private_key, PRIVATE);
	assert_string_equal(cfg.access_key, ACCESS);
	assert_string_equal(cfg.database, "dbname=flag");
	assert_int_equal(cfg.listen.port, 2000);
	assert_true(cfg.listen.v6);
	assert_true(cfg.listen.loopback);
	pk_hub_config_free(&cfg);

	/* PAYKIOSK_HUB_CONFIG names the file when --config does not */
	setenv("PAYKIOSK_HUB_CONFIG", fx->path, 1);
	assert_int_equal(LOAD(&cfg, &err, "migrate"), 0);
	assert_int_equal(cfg.command, PK_HUB_MIGRATE);
	assert_string_equal(cfg.database, "host=/run/postgresql dbname=file");
	pk_hub_config_free(&cfg);
}

static void test_private_file(void **state)
{
	struct fx *fx = *state;
	pk_hub_config cfg;
	pk_error err;
	/* a key in a file others can read: refused, and told how to fix it */
	write_mode(fx->path, "database = dbname=x\nprivate_key = " PRIVATE "\n", 0644);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), "chmod 600");
	write_mode(fx->path, "database = dbname=x\naccess_key = " ACCESS "\n", 0640);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), "chmod 600");
	/* no key in it: readable is fine (a report on a replica) */
	write_mode(fx->path, "database = dbname=x\n", 0644);
	assert_int_equal(LOAD(&cfg, &err, "report", "--config", fx->path), 0);
	pk_hub_config_free(&cfg);
	/* a --config that is not there is an error (the default may be missing) */
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", "/nonexistent/hub.conf"),
		    "/nonexistent/hub.conf");
}

static void test_database_password(void **state)
{
	struct fx *fx = *state;
	pk_hub_config cfg;
	pk_error err;
	/* a password is a secret: never on the command line, in either form */
	expect_fail(&cfg, &err,
		    LOAD(&cfg, &err, "--database", "host=db dbname=hub password=" PRIVATE),
		    "~/.pgpass");
	expect_fail(&cfg, &err,
		    LOAD(&cfg, &err, "--database", "postgresql://hub:" PRIVATE "@db/hub"),
		    "command line");
	/* in a file others can read: refused; in a private one: fine */
	write_mode(fx->path, "database = host=db dbname=hub password='" PRIVATE "'\n", 0644);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), "chmod 600");
	write_mode(fx->path, "database = host=db dbname=hub password='" PRIVATE "'\n", 0600);
	assert_int_equal(LOAD(&cfg, &err, "--config", fx->path), 0);
	assert_true(cfg.database_has_password);
	pk_hub_config_free(&cfg);
	/* something libpq cannot read is refused at once, without repeating it */
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--database", "host=db password"),
		    "connection string");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--database", "host='" PRIVATE), "--database");
	/* a database name alone is libpq's dbname */
	assert_int_equal(LOAD(&cfg, &err, "--database", "pkhub"), 0);
	assert_false(cfg.database_has_password);
	pk_hub_config_free(&cfg);
}

static void test_keys_never_on_the_command_line(void **state)
{
	(void)state;
	pk_hub_config cfg;
	pk_error err;
	expect_fail(&cfg, &err,
		    LOAD(&cfg, &err, "--database", "dbname=x", "--private-key", PRIVATE),
		    "PAYKIOSK_HUB_PRIVATE_KEY");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--access-key=" ACCESS, "--database", "dbname=x"),
		    "command line");
	/* an unknown option is named without what follows '=' */
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--secret=" PRIVATE), "--secret");
}

static void test_file_errors_name_the_line(void **state)
{
	struct fx *fx = *state;
	pk_hub_config cfg;
	pk_error err;
	char want[160];
	/* a garbled line may be a key: the line is not repeated */
	write_mode(fx->path, "database = dbname=x\n" PRIVATE "\n", 0600);
	snprintf(want, sizeof want, "%s:2: expected key = value", fx->path);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), want);
	write_mode(fx->path, "database = dbname=x\nlong_poll_max = 0\n", 0600);
	snprintf(want, sizeof want, "%s:2: key 'long_poll_max'", fx->path);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), want);
	write_mode(fx->path, "match_field = order\n", 0600);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path),
		    "plugin_custom_order_id, label or transaction_id");
	write_mode(fx->path, "databse = x\n", 0600);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), "key 'databse': unknown");
	write_mode(fx->path, "database = dbname=a\ndatabase = dbname=b\n", 0600);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), "given twice");
	/* no database anywhere */
	write_mode(fx->path, "long_poll_max = 3\n", 0600);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--config", fx->path), "--database");
}

static void test_listen_and_tls(void **state)
{
	(void)state;
	pk_hub_config cfg;
	pk_error err;
	/* off loopback without TLS: refused (exit 2), and the way out is said */
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--database", "dbname=x", "--listen", "0.0.0.0:443"),
		    "without TLS");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--database", "dbname=x", "--listen", "[::]:443"),
		    "tls_key");
	/* the same address is fine for commands that do not listen */
	assert_int_equal(LOAD(&cfg, &err, "report", "--database", "dbname=x", "--listen", "0.0.0.0:443"),
			 0);
	pk_hub_config_free(&cfg);
	/* loopback in any spelling */
	assert_int_equal(LOAD(&cfg, &err, "--database", "dbname=x", "--listen", "localhost:0"), 0);
	assert_string_equal(cfg.listen.host, "127.0.0.1");
	assert_int_equal(cfg.listen.port, 0);
	pk_hub_config_free(&cfg);
	assert_int_equal(LOAD(&cfg, &err, "--database", "dbname=x", "--listen", "127.8.9.10:80"), 0);
	pk_hub_config_free(&cfg);
	static const char *const bad[] = { "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
					   "example.com:80", "[::1:80", "::1:80", ":80" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_fail(&cfg, &err, LOAD(&cfg, &err, "--database", "dbname=x", "--listen", bad[i]),
			    "listen must be");

	pk_hub_listen l;
	assert_int_equal(pk_hub_listen_parse("[::1]:8443", &l, &err), 0);
	assert_true(l.v6 && l.loopback);
	assert_string_equal(l.host, "::1");
	assert_int_equal(pk_hub_listen_parse("10.1.2.3:8443", &l, &err), 0);
	assert_false(l.loopback);
}

static void test_commands(void **state)
{
	(void)state;
	pk_hub_config cfg;
	pk_error err;
	assert_int_equal(LOAD(&cfg, &err, "add-kiosk", "Shop 12", "counter 1", "--database", "dbname=x"),
			 0);
	assert_int_equal(cfg.command, PK_HUB_ADD_KIOSK);
	assert_string_equal(cfg.shop, "Shop 12");
	assert_string_equal(cfg.counter, "counter 1");
	pk_hub_config_free(&cfg);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "add-kiosk", "Shop 12", "--database", "dbname=x"),
		    "add-kiosk SHOP COUNTER");
	assert_int_equal(LOAD(&cfg, &err, "--csv", "report", "--date", "2024-02-29",
			      "--database=dbname=x"),
			 0);
	assert_int_equal(cfg.command, PK_HUB_REPORT);
	assert_true(cfg.csv);
	assert_string_equal(cfg.date, "2024-02-29");
	pk_hub_config_free(&cfg);
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "report", "--date", "2023-02-29", "--database=dbname=x"),
		    "YYYY-MM-DD");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "report", "--date", "29.02.2024", "--database=dbname=x"),
		    "YYYY-MM-DD");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "serve", "--csv", "--database=dbname=x"),
		    "report command");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "migrate", "--exit-on-stdin-eof", "--database=dbname=x"),
		    "serve command");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "serv", "--database=dbname=x"), "unknown command 'serv'");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "migrate", "now", "--database=dbname=x"),
		    "takes no arguments");
	expect_fail(&cfg, &err, LOAD(&cfg, &err, "--database"), "needs a value");
	assert_int_equal(LOAD(&cfg, &err, "serve", "--exit-on-stdin-eof", "--database=dbname=x"), 0);
	assert_true(cfg.exit_on_stdin_eof);
	pk_hub_config_free(&cfg);
	/* --help and --version need nothing else, not even a database */
	assert_int_equal(LOAD(&cfg, &err, "--help"), 0);
	assert_int_equal(cfg.command, PK_HUB_HELP);
	pk_hub_config_free(&cfg);
	assert_int_equal(LOAD(&cfg, &err, "report", "--version"), 0);
	assert_int_equal(cfg.command, PK_HUB_VERSION);
	pk_hub_config_free(&cfg);
	assert_non_null(strstr(pk_hub_usage(), "add-kiosk SHOP COUNTER"));
}

static void test_read_file(void **state)
{
	struct fx *fx = *state;
	pk_error err;
	char *text = NULL;
	char path[160];
	snprintf(path, sizeof path, "%s/tls.key", fx->dir);
	write_mode(path, "-----BEGIN PRIVATE KEY-----\n", 0644);
	/* a private key file others can read: refused */
	assert_int_equal(pk_hub_read_file(path, true, &text, &err), -1);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_null(text);
	assert_int_equal(pk_hub_read_file(path, false, &text, &err), 0);
	assert_string_equal(text, "-----BEGIN PRIVATE KEY-----\n");
	free(text);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(pk_hub_read_file(path, true, &text, &err), 0);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_never_on_the_command_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_errors_name_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listen_and_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
