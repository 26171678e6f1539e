/* recovery.c - the notice after start-up recovery: what was resumed,
 * abandoned, re-sent or left unconfirmed.  Enter continues (to the
 * resumed sale, if any). */
#include <stdio.h>

#include "common/i18n.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

static void recovery_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	(void)s;
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	pk_draw_center(y, 0, cols, _("Sales from before the restart"),
		       pk_role_attr(PK_ROLE_TITLE));
	y += 2;
	int x = 4, w = cols - 8;
	char buf[512];
	const pk_recovery_report *r = &app->recovery;
	if (app->recover_err.kind != PK_OK) {
		y += pk_draw_wrap(y, x, w, 4, app->recover_err.msg, pk_role_attr(PK_ROLE_BAD), 0);
		y++;
	}
	if (r->resumed) {
		pk_fmt(buf, sizeof buf,
		       ngettext("%d UPI sale is waiting for payment again",
				"%d UPI sales are waiting for payment again", (unsigned long)r->resumed),
		       r->resumed);
		y += pk_draw_wrap(y, x, w, 2, buf, A_NORMAL, 0);
	}
	if (r->abandoned) {
		pk_fmt(buf, sizeof buf,
		       ngettext("%d sale was stopped before the customer saw it; nothing was charged",
				"%d sales were stopped before the customer saw them; nothing was charged",
				(unsigned long)r->abandoned),
		       r->abandoned);
		y += pk_draw_wrap(y, x, w, 3, buf, A_NORMAL, 0);
	}
	if (r->reactivated) {
		pk_fmt(buf, sizeof buf,
		       ngettext("%d Wavepay transaction ID was sent again",
				"%d Wavepay transaction IDs were sent again",
				(unsigned long)r->reactivated),
		       r->reactivated);
		y += pk_draw_wrap(y, x, w, 2, buf, A_NORMAL, 0);
	}
	if (r->unconfirmed) {
		pk_fmt(buf, sizeof buf,
		       ngettext("%d UPI sale is not confirmed yet (see Open sales)",
				"%d UPI sales are not confirmed yet (see Open sales)",
				(unsigned long)r->unconfirmed),
		       r->unconfirmed);
		pk_draw_wrap(y, x, w, 2, buf, A_NORMAL, 0);
	}
	static const pk_hint hints[] = { { "Enter", N_("Continue") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 1);
}

static int recovery_key(pk_screen *s, pk_app *app, int key)
{
	(void)s;
	if (key == PK_K_ENTER || key == PK_K_ESC) {
		pk_flow_view v;
		pk_flow_view_get(app->flow, &v);
		if (v.sale)
			pk_app_follow_sale(app);
		else
			pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	return PK_KEY_UNUSED;
}

static const pk_screen_ops recovery_ops = {
	.name = "recovery",
	.no_route = true,
	.draw = recovery_draw,
	.key = recovery_key,
};

pk_screen *pk_recovery_new(void)
{
	return pk_screen_new(&recovery_ops, 0);
}
