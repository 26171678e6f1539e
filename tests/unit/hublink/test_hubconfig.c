/* test_hubconfig.c - the hub link's settings in the kiosk's config:
 * hub_url (https, or http to this computer), hub_token (like the secret:
 * file of mode 0600, environment variable or 0600 file, never a flag, never
 * repeated in a message), both or neither, hub_poll_interval. */
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

#define TOKEN "hubtok-5f1e9a0c7d"

typedef struct fx {
	char dir[64];
	char conf[128];
	char tokfile[128];
} fx;

static const char *const env_vars[] = {
	"PAYKIOSK_API_URL", "PAYKIOSK_SECRET",	  "PAYKIOSK_SECRET_FILE",    "PAYKIOSK_CONFIG",
	"PAYKIOSK_HUB_URL", "PAYKIOSK_HUB_TOKEN", "PAYKIOSK_HUB_TOKEN_FILE",
};

static int setup(void **state)
{
	fx *x = calloc(1, sizeof *x);
	strcpy(x->dir, "/tmp/pk-hubconf-XXXXXX");
	if (!x || !mkdtemp(x->dir))
		return -1;
	snprintf(x->conf, sizeof x->conf, "%s/paykiosk.conf", x->dir);
	snprintf(x->tokfile, sizeof x->tokfile, "%s/hub-token", x->dir);
	for (size_t i = 0; i < sizeof env_vars / sizeof *env_vars; i++)
		unsetenv(env_vars[i]);
	char buf[128];
	snprintf(buf, sizeof buf, "%s/xdg-config", x->dir);
	setenv("XDG_CONFIG_HOME", buf, 1);
	snprintf(buf, sizeof buf, "%s/xdg-data", x->dir);
	setenv("XDG_DATA_HOME", buf, 1);
	setenv("HOME", x->dir, 1);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	unlink(x->conf);
	unlink(x->tokfile);
	rmdir(x->dir);
	free(x);
	return 0;
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

/* Load with --config FILE and the extra arguments. */
static int load(fx *x, pk_config *cfg, pk_error *err, const char *extra)
{
	char *argv[] = { (char *)"paykiosk", (char *)"--config", x->conf, (char *)extra, NULL };
	return pk_config_load(cfg, extra ? 4 : 3, argv, NULL, err);
}

static void test_defaults_no_hub(void **state)
{
	fx *x = *state;
	write_mode(x->conf, "api_url = https://gw.example\nsecret = s\n", 0600);
	pk_config cfg;
	pk_error err;
	assert_int_equal(load(x, &cfg, &err, NULL), 0);
	assert_null(cfg.hub_url);
	assert_null(cfg.hub_token);
	assert_int_equal(cfg.hub_poll_interval, 10);
	pk_config_free(&cfg);
}

static void test_from_the_file(void **state)
{
	fx *x = *state;
	write_mode(x->conf,
		   "api_url = https://gw.example\nsecret = s\nhub_url = https://hub.example/\n"
		   "hub_token = " TOKEN "\nhub_poll_interval = 30\n",
		   0600);
	pk_config cfg;
	pk_error err;
	assert_int_equal(load(x, &cfg, &err, NULL), 0);
	assert_string_equal(cfg.hub_url, "https://hub.example");
	assert_string_equal(cfg.hub_token, TOKEN);
	assert_int_equal(cfg.hub_poll_interval, 30);
	pk_config_free(&cfg);
}

/* The file holds the token: like the secret, it must be private. */
static void test_file_must_be_private(void **state)
{
	fx *x = *state;
	write_mode(x->conf, "hub_url = http://127.0.0.1:8080\nhub_token = " TOKEN "\n", 0644);
	pk_config cfg;
	pk_error err;
	assert_int_equal(load(x, &cfg, &err, NULL), -1);
	assert_int_equal(err.kind, PK_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_null(strstr(err.msg, TOKEN));
}

static void test_environment(void **state)
{
	fx *x = *state;
	write_mode(x->conf, "hub_token = from-the-file\n", 0600);
	setenv("PAYKIOSK_HUB_URL", "http://127.0.0.1:9000", 1);
	/* the value beats the file named by _FILE, which beats the config file */
	write_mode(x->tokfile, "  from-the-token-file  \n", 0600);
	setenv("PAYKIOSK_HUB_TOKEN_FILE", x->tokfile, 1);
	pk_config cfg;
	pk_error err;
	assert_int_equal(load(x, &cfg, &err, NULL), 0);
	assert_string_equal(cfg.hub_url, "http://127.0.0.1:9000");
	assert_string_equal(cfg.hub_token, "from-the-token-file");
	pk_config_free(&cfg);
	setenv("PAYKIOSK_HUB_TOKEN", TOKEN, 1);
	assert_int_equal(load(x, &cfg, &err, NULL), 0);
	assert_string_equal(cfg.hub_token, TOKEN);
	pk_config_free(&cfg);
	unsetenv("PAYKIOSK_HUB_TOKEN");

	/* a token file others can read is refused, naming the variable */
	chmod(x->tokfile, 0644);
	assert_int_equal(load(x, &cfg, &err, NULL), -1);
	assert_non_null(strstr(err.msg, "PAYKIOSK_HUB_TOKEN_FILE"));
	assert_null(strstr(err.msg, "from-the-token-file"));
	write_mode(x->tokfile, "\n", 0600);
	assert_int_equal(load(x, &cfg, &err, NULL), -1);
	assert_non_null(strstr(err.msg, "is empty"));
}

static void test_both_or_neither(void **state)
{
	fx *x = *state;
	pk_config cfg;
	pk_error err;
	write_mode(x->conf, "hub_url = https://hub.example\n", 0600);
	assert_int_equal(load(x, &cfg, &err, NULL), -1);
	assert_non_null(strstr(err.msg, "hub_token"));
	write_mode(x->conf, "hub_token = " TOKEN "\n", 0600);
	assert_int_equal(load(x, &cfg, &err, NULL), -1);
	assert_non_null(strstr(err.msg, "hub_url"));
	assert_null(strstr(err.msg, TOKEN));
}

static void test_refused_values(void **state)
{
	fx *x = *state;
	pk_config cfg;
	pk_error err;
	static const char *const bad[] = {
		"hub_url = http://hub.example\nhub_token = t\n",      /* plain http off this computer */
		"hub_url = ftp://127.0.0.1\nhub_token = t\n",
		"hub_url = https://hub.example\nhub_token = \"a b\"\n", /* not a header value */
		"hub_url = https://hub.example\nhub_token = t\nhub_poll_interval = 0\n",
		"hub_url = https://hub.example\nhub_token = t\nhub_poll_interval = 301\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_mode(x->conf, bad[i], 0600);
		assert_int_equal(load(x, &cfg, &err, NULL), -1);
		assert_int_equal(err.kind, PK_ERR_CONFIG);
		assert_non_null(strstr(err.msg, "hub_"));
		assert_null(strstr(err.msg, "a b"));
	}
	/* never on the command line */
	write_mode(x->conf, "", 0600);
	assert_int_equal(load(x, &cfg, &err, "--hub-token=" TOKEN), -1);
	assert_null(strstr(err.msg, TOKEN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_no_hub, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_must_be_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_or_neither, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_values, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
