/* wait.c - the create in flight: a spinner while the gateway answers;
 * "Could not reach the gateway" with Enter to retry (same
 * custom_transaction_id) and Esc to give up (nothing was shown to the
 * customer, so nothing can have been paid). */
#include <stdio.h>

#include "common/i18n.h"
#include "common/money.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

static void give_up(pk_app *app, void *ud)
{
	(void)ud;
	pk_error err;
	if (pk_flow_abandon(app->flow, &err) == 0)
		pk_app_home(app);
}

/* The problem to show (the sale's own, the one channel), or NULL while
 * the gateway is being asked. */
static const pk_error *problem(const pk_flow_view *v)
{
	if (v->busy)
		return NULL;
	if (v->last_error && v->last_error->kind != PK_OK)
		return v->last_error;
	return NULL;
}

static void wait_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	(void)s;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	int x = 4, w = cols - 8;
	char buf[512], amount[64];
	if (!v.sale)
		return;
	pk_draw_center(y, 0, cols,
		       v.sale->method == PK_METHOD_UPI ? _("UPI payment") : _("Wavepay payment"),
		       pk_role_attr(PK_ROLE_TITLE));
	y += 2;
	pk_money_display(v.sale->amount, v.sale->currency, amount, sizeof amount);
	pk_draw_center(y, 0, cols, amount, A_BOLD);
	y += 2;
	const pk_error *e = problem(&v);
	if (e) {
		/* Only a transport failure is "could not reach": an answer that
		 * came but cannot be used (not JSON, wrong shape, a qr_data no
		 * QR code can hold, HTTP 500) says so. */
		const char *head = pk_err_is_transport(e->kind)
					   ? _("Could not reach the gateway")
					   : _("The gateway's answer cannot be used");
		y += pk_draw_wrap(y, x, w, 2, head, pk_role_attr(PK_ROLE_BAD), 1);
		char text[PK_ERR_MSG_MAX];
		/* in the language on screen now, not the one it happened in */
		y += pk_draw_wrap(y, x, w, 3, pk_error_text(e, text, sizeof text), A_NORMAL, 1);
		y++;
		pk_draw_wrap(y, x, w, 3,
			     _("Nothing was charged. Try again, or give up this sale."), A_NORMAL, 1);
		static const pk_hint hints[] = { { "Enter", N_("Try again") },
						 { "Esc", N_("Give up") } };
		pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
		return;
	}
	pk_draw_center(y, 0, cols,
		       pk_fmt(buf, sizeof buf, "%s %s", pk_spinner(app->now_ms),
			      _("Asking the gateway...")),
		       A_NORMAL);
	static const pk_hint hints[] = { { "Esc", N_("Give up") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 1);
}

static int wait_key(pk_screen *s, pk_app *app, int key)
{
	(void)s;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	pk_error err;
	if (key == PK_K_ENTER && v.sale && problem(&v)) {
		pk_flow_retry(app->flow, &err); /* how it went: the view's last_error */
		return PK_KEY_REDRAW;
	}
	if (key == PK_K_ESC) {
		pk_app_ask(app, pk_confirm_new(_("Give up this sale? Nothing was charged."),
					       give_up, NULL));
		return PK_KEY_HANDLED;
	}
	return PK_KEY_UNUSED;
}

const pk_screen_ops pk_wait_ops = {
	.name = "wait",
	.draw = wait_draw,
	.key = wait_key,
};

pk_screen *pk_wait_new(void)
{
	return pk_screen_new(&pk_wait_ops, 0);
}
