/* test_app.c - the kiosk's loop logic without a terminal (pk_ui): keys go
 * through pk_app_take_key as the loop hands them over, and the test looks
 * at which screen is up (by its ops), what the sale controller holds, and
 * what the idle check does at a driven time.  The gateway is a closed
 * loopback port: a create goes out and is never answered. */
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
#include "common/pin.h"
#include "fixtures.h"
#include "gateway/gateway.h"
#include "ui/app.h"
#include "ui/screen.h"

typedef struct fx {
	pk_flowfx c;   /* the controller, on a temp journal and a silent gateway */
	pk_config cfg;
	char conf[160];
	pk_app app;
} fx;

static int setup_kiosk(void **state, bool kiosk)
{
	fx *f = calloc(1, sizeof *f);
	if (!f || pk_flowfx_open(&f->c, "ui", 1790000000) || pk_flowfx_make_flow(&f->c))
		return -1;
	if (pk_flowfx_training_config(&f->c, &f->cfg, f->conf, sizeof f->conf) < 0)
		return -1;
	pk_error err;
	f->cfg.kiosk = kiosk;
	if (kiosk) {
		char hash[256];
		if (pk_pin_hash("2468", hash, sizeof hash, &err) < 0)
			return -1;
		free(f->cfg.supervisor_pin);
		f->cfg.supervisor_pin = strdup(hash);
	}
	pk_app_options ao = { .cfg = &f->cfg, .flow = f->c.flow, .training = true };
	if (pk_app_init(&f->app, &ao, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_kiosk(state, false);
}

static int setup_locked(void **state)
{
	return setup_kiosk(state, true);
}

static int teardown(void **state)
{
	fx *f = *state;
	pk_app_free(&f->app);
	pk_config_free(&f->cfg);
	unlink(f->conf);
	pk_flowfx_close(&f->c);
	free(f);
	return 0;
}

static void keys(fx *f, const char *s)
{
	for (; *s; s++)
		pk_app_take_key(&f->app, *s == '\n' ? PK_K_ENTER : *s == 'E' ? PK_K_ESC : *s);
}

static const char *shown(const fx *f)
{
	return f->app.modal ? f->app.modal->ops->name : f->app.screen->ops->name;
}

/* A sale's state picks its screen: the amount typed, Enter starts the sale
 * (recorded, the create sent) and the create's screen takes over. */
static void test_routing_follows_the_sale(void **state)
{
	fx *f = *state;
	assert_true(pk_screen_is(f->app.screen, &pk_home_ops));
	keys(f, "2");
	assert_string_equal(shown(f), "amount");
	keys(f, "150\n");
	pk_flow_view v;
	pk_flow_view_get(f->c.flow, &v);
	assert_non_null(v.sale);
	assert_int_equal(v.sale->state, PK_SALE_CREATING);
	int64_t id = v.sale->id;
	assert_true(pk_screen_is(f->app.screen, &pk_wait_ops));
	assert_int_equal(f->app.inputs, 5);
	/* the cashier gives up: nothing was shown -> abandoned, back home */
	keys(f, "E");
	assert_string_equal(shown(f), "confirm");
	keys(f, "\n");
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(f->c.j, id, &s, &err), 0);
	assert_int_equal(s.state, PK_SALE_ABANDONED);
	pk_sale_clear(&s);
	assert_true(pk_screen_is(f->app.screen, &pk_home_ops));
}

/* '*' is taken before any screen: the language moves on everywhere. */
static void test_language_is_global(void **state)
{
	fx *f = *state;
	pk_i18n_set_lang(PK_LANG_EN);
	keys(f, "2*");
	assert_int_equal(pk_i18n_lang(), PK_LANG_MY);
	assert_string_equal(shown(f), "amount"); /* the screen did not see it */
	keys(f, "**");
	assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
}

/* Self-service: on home the shop's keys do nothing and Esc asks for the
 * PIN; the right PIN unlocks them; idle locks again. */
static void test_kiosk_lock(void **state)
{
	fx *f = *state;
	assert_true(pk_app_locked(&f->app));
	keys(f, "3");
	assert_true(pk_screen_is(f->app.screen, &pk_home_ops));
	keys(f, "4");
	assert_true(pk_screen_is(f->app.screen, &pk_home_ops));
	assert_false(f->app.quit);
	keys(f, "E");
	assert_string_equal(shown(f), "unlock");
	keys(f, "2468\n");
	assert_false(pk_app_locked(&f->app));
	keys(f, "3");
	assert_string_equal(shown(f), "open_sales");
	keys(f, "E");
	assert_true(pk_screen_is(f->app.screen, &pk_home_ops));
	/* nobody touches the keys for idle_timeout: locked again */
	f->app.now_ms += (int64_t)f->cfg.idle_timeout * 1000;
	pk_app_idle_check(&f->app);
	assert_true(pk_app_locked(&f->app));
	keys(f, "3");
	assert_true(pk_screen_is(f->app.screen, &pk_home_ops));
	keys(f, "E");
	assert_string_equal(shown(f), "unlock");
	assert_false(f->app.quit);
}

/* Idle: a half-typed sale (nothing sent) goes home; one the gateway knows
 * is never dropped that way. */
static void test_idle_goes_home_only_before_sending(void **state)
{
	fx *f = *state;
	keys(f, "212");
	assert_string_equal(shown(f), "amount");
	f->app.now_ms += (int64_t)f->cfg.idle_timeout * 1000 - 1;
	pk_app_idle_check(&f->app);
	assert_string_equal(shown(f), "amount"); /* not yet */
	f->app.now_ms += 1;
	pk_app_idle_check(&f->app);
	pk_app_take_key(&f->app, PK_K_OTHER); /* the loop applies what is pending */
	assert_true(pk_screen_is(f->app.screen, &pk_home_ops));

	keys(f, "2100\n"); /* sent: the create is in flight */
	assert_true(pk_screen_is(f->app.screen, &pk_wait_ops));
	f->app.now_ms += (int64_t)f->cfg.idle_timeout * 1000 * 3;
	pk_app_idle_check(&f->app);
	pk_app_take_key(&f->app, PK_K_OTHER);
	assert_true(pk_screen_is(f->app.screen, &pk_wait_ops));
}

int main(void)
{
	pk_i18n_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_routing_follows_the_sale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_language_is_global, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kiosk_lock, setup_locked, teardown),
		cmocka_unit_test_setup_teardown(test_idle_goes_home_only_before_sending, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
