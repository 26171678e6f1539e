/* unlock.c - the supervisor PIN box over the home screen in --kiosk mode
 * (Esc on home).  The right PIN opens the supervisor's menu (open sales,
 * sales today, Esc leaves) until the keys rest; each wrong one is logged,
 * and from the third on the box refuses input for a growing delay
 * (pk_pin_delay_s) that survives closing and reopening it. */
#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "common/pin.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef struct unlock {
	char pin[PK_PIN_MAX + 1];
	size_t len;
	bool wrong; /* the last try was wrong */
} unlock;

static int wait_left_s(const pk_app *app)
{
	int64_t left = app->pin_locked_until_ms - app->now_ms;
	return left > 0 ? (int)((left + 999) / 1000) : 0;
}

static void unlock_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	unlock *u = s->priv;
	int w = cols - 8 < 50 ? cols - 8 : 50;
	int x = (cols - w) / 2, h = 8;
	int y = (rows - h) / 2;
	attr_t box = pk_role_attr(PK_ROLE_BAR);
	pk_draw_box(y, x, w, h, cols, box);
	pk_draw_center(y + 1, x, w, _("Supervisor PIN"), box | A_BOLD);
	char dots[3 * PK_PIN_MAX + 8] = "";
	for (size_t i = 0; i < u->len; i++)
		strcat(dots, "●");
	strcat(dots, "_");
	pk_draw_center(y + 3, x, w, dots, pk_role_attr(PK_ROLE_FIELD) | A_BOLD);
	char buf[256];
	int left = wait_left_s(app);
	if (left > 0)
		pk_draw_center(y + 5, x, w,
			       pk_fmt(buf, sizeof buf, _("Wrong PIN. Try again in %d s"), left),
			       pk_role_attr(PK_ROLE_BAD));
	else if (u->wrong)
		pk_draw_center(y + 5, x, w, _("Wrong PIN"), pk_role_attr(PK_ROLE_BAD));
	snprintf(buf, sizeof buf, "[Enter] %s    [Esc] %s", _("Unlock"), _("Back"));
	pk_draw_center(y + h - 1, x, w, buf, box);
}

static void try_pin(unlock *u, pk_app *app)
{
	bool ok = app->cfg->supervisor_pin && pk_pin_verify(u->pin, app->cfg->supervisor_pin);
	explicit_bzero(u->pin, sizeof u->pin);
	u->len = 0;
	if (ok) {
		/* The supervisor's menu: every item, and Esc leaves.  It locks
		 * again after idle_timeout without a key (app.c). */
		app->pin_failures = 0;
		app->unlocked = true;
		if (app->log)
			pk_log_event(app->log, PK_LOG_NOTICE, "kiosk_unlock", "by=supervisor_pin");
		pk_app_ask(app, NULL);
		return;
	}
	app->pin_failures++;
	u->wrong = true;
	int delay = pk_pin_delay_s(app->pin_failures);
	app->pin_locked_until_ms = app->now_ms + (int64_t)delay * 1000;
	if (app->log)
		pk_log_event(app->log, PK_LOG_WARNING, "kiosk_pin_wrong", "failures=%d delay_s=%d",
			     app->pin_failures, delay);
}

static int unlock_key(pk_screen *s, pk_app *app, int key)
{
	unlock *u = s->priv;
	if (key == PK_K_ESC) {
		explicit_bzero(u->pin, sizeof u->pin);
		pk_app_ask(app, NULL);
		return PK_KEY_REDRAW;
	}
	if (wait_left_s(app) > 0)
		return PK_KEY_HANDLED; /* locked out: nothing counts */
	if (key >= '0' && key <= '9' && u->len < PK_PIN_MAX) {
		u->pin[u->len++] = (char)key;
		u->pin[u->len] = '\0';
		return PK_KEY_REDRAW;
	}
	if (key == PK_K_BACKSPACE && u->len > 0) {
		u->pin[--u->len] = '\0';
		return PK_KEY_REDRAW;
	}
	if (key == PK_K_ENTER && u->len > 0) {
		try_pin(u, app);
		return PK_KEY_REDRAW;
	}
	return PK_KEY_HANDLED; /* nothing reaches the home screen below */
}

static void unlock_destroy(pk_screen *s)
{
	unlock *u = s->priv;
	explicit_bzero(u->pin, sizeof u->pin);
}

static const pk_screen_ops unlock_ops = {
	.name = "unlock",
	.draw = unlock_draw,
	.key = unlock_key,
	.destroy = unlock_destroy,
};

pk_screen *pk_unlock_new(void)
{
	return pk_screen_new(&unlock_ops, sizeof(unlock));
}
