/* test_console.c - the Linux console draws no Burmese or Devanagari at
 * all: a kiosk started there in Burmese or Hindi shows English and says
 * so in English, and `*` keeps to English (saying so again) instead of
 * switching to a script the console would draw as garbage.  Elsewhere `*`
 * goes round all three languages. */
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
#include "common/i18n.h"
#include "fixtures.h"
#include "ui/app.h"
#include "ui/screen.h"

typedef struct fx {
	pk_flowfx c;
	pk_config cfg;
	char conf[160];
	pk_app app;
	bool app_up;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f || pk_flowfx_open(&f->c, "console", 1790000000) || pk_flowfx_make_flow(&f->c))
		return -1;
	if (pk_flowfx_training_config(&f->c, &f->cfg, f->conf, sizeof f->conf) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	if (f->app_up)
		pk_app_free(&f->app);
	pk_config_free(&f->cfg);
	unlink(f->conf);
	pk_flowfx_close(&f->c);
	free(f);
	pk_i18n_set_lang(PK_LANG_EN);
	return 0;
}

/* Start the app on a terminal of this type, in lang. */
static void start(fx *f, const char *term, pk_lang lang)
{
	pk_i18n_set_lang(lang);
	pk_app_options o = { .cfg = &f->cfg, .flow = f->c.flow, .training = true, .term = term };
	pk_error err;
	assert_int_equal(pk_app_init(&f->app, &o, &err), 0);
	f->app_up = true;
}

static bool notice_shown(const fx *f)
{
	return f->app.notice && f->app.notice_inputs == f->app.inputs;
}

static void test_which_terminals(void **state)
{
	(void)state;
	const char *console[] = { "linux", "linux-16color", "linux-m" };
	const char *others[] = { "xterm-256color", "foot", "tmux-256color", "screen", NULL };
	for (size_t i = 0; i < sizeof console / sizeof console[0]; i++) {
		assert_false(pk_app_term_draws(console[i], PK_LANG_MY));
		assert_false(pk_app_term_draws(console[i], PK_LANG_HI));
		assert_true(pk_app_term_draws(console[i], PK_LANG_EN));
	}
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		for (pk_lang l = 0; l < PK_LANG__COUNT; l++)
			assert_true(pk_app_term_draws(others[i], l));
}

static void test_console_shows_english(void **state)
{
	fx *f = *state;
	start(f, "linux", PK_LANG_MY);
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
	assert_true(notice_shown(f));
	/* in English, whatever the language was */
	assert_string_equal(_(f->app.notice), f->app.notice);
	assert_non_null(strstr(f->app.notice, "Burmese or Hindi"));
	/* a key and it is gone */
	pk_app_take_key(&f->app, '4');
	assert_false(notice_shown(f));
	/* the language key stays on English and says why */
	pk_app_take_key(&f->app, '*');
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
	assert_true(notice_shown(f));
	pk_app_take_key(&f->app, '*');
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
}

static void test_console_hindi_too(void **state)
{
	fx *f = *state;
	start(f, "linux-16color", PK_LANG_HI);
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
	assert_true(notice_shown(f));
}

static void test_console_english_says_nothing(void **state)
{
	fx *f = *state;
	start(f, "linux", PK_LANG_EN);
	assert_false(notice_shown(f));
}

static void test_other_terminals_switch(void **state)
{
	fx *f = *state;
	start(f, "xterm-256color", PK_LANG_MY);
	assert_int_equal(pk_i18n_lang(), PK_LANG_MY);
	assert_false(notice_shown(f));
	pk_app_take_key(&f->app, '*');
	assert_int_equal(pk_i18n_lang(), PK_LANG_HI);
	pk_app_take_key(&f->app, '*');
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
	pk_app_take_key(&f->app, '*');
	assert_int_equal(pk_i18n_lang(), PK_LANG_MY);
	assert_false(notice_shown(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_terminals),
		cmocka_unit_test_setup_teardown(test_console_shows_english, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_hindi_too, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_english_says_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_terminals_switch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
