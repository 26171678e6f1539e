/* amount.c - the amount entry: digits and '.', checked by pk_money_parse
 * (its message shown in place); Enter starts the sale. */
#include <stdio.h>

#include "common/i18n.h"
#include "common/money.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/field.h"
#include "ui/screen.h"

typedef struct amount_screen {
	pk_method method;
	pk_field field;
	char error[PK_ERR_MSG_MAX];
} amount_screen;

static pk_currency currency_of(pk_method m)
{
	return m == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
}

static void amount_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	amount_screen *a = s->priv;
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	pk_draw_center(y, 0, cols,
		       a->method == PK_METHOD_UPI ? _("UPI payment") : _("Wavepay payment"),
		       pk_role_attr(PK_ROLE_TITLE));
	y += 2;
	int x = 4, w = cols - 8;
	char buf[512];
	if (app->cfg->ask_label) {
		pk_draw_text(y, x, w, pk_fmt(buf, sizeof buf, _("Customer: %s"), app->sale_label),
			     A_NORMAL);
		y += 2;
	}
	pk_currency cur = currency_of(a->method);
	y += pk_draw_wrap(y, x, w, 2,
			  pk_fmt(buf, sizeof buf, _("Amount in %s"), pk_currency_code(cur)),
			  A_BOLD, 0);
	pk_field_draw(&a->field, y + 1, x, 24 < w ? 24 : w);
	y += 3;
	int64_t minor;
	pk_error err;
	if (a->field.len > 0 && pk_money_parse(a->field.text, cur, &minor, &err) == 0 &&
	    pk_money_display(minor, cur, buf, sizeof buf) > 0 && y + PK_BIG_ROWS < rows - 2 &&
	    pk_big_width(buf) < w) {
		char plain[64];
		pk_money_display_plain(minor, cur, plain, sizeof plain);
		pk_big_draw(y, x, plain, pk_role_attr(PK_ROLE_TITLE));
		y += PK_BIG_ROWS + 1;
	}
	if (a->error[0])
		pk_draw_wrap(y, x, w, 3, a->error, pk_role_attr(PK_ROLE_BAD), 0);
	static const pk_hint hints[] = { { "Enter", N_("OK") }, { "Esc", N_("Back") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
}

static int amount_key(pk_screen *s, pk_app *app, int key)
{
	amount_screen *a = s->priv;
	if (key == PK_K_ESC) {
		pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	if (key == PK_K_ENTER) {
		pk_error err;
		int64_t minor;
		pk_currency cur = currency_of(a->method);
		if (pk_money_parse(a->field.text, cur, &minor, &err) < 0) {
			snprintf(a->error, sizeof a->error, "%s", err.msg);
			return PK_KEY_REDRAW;
		}
		int rc = a->method == PK_METHOD_UPI
			? pk_flow_start_upi(app->flow, minor, app->sale_label, pk_i18n_lang(), &err)
			: pk_flow_start_wavepay(app->flow, minor, app->sale_label, pk_i18n_lang(),
						&err);
		if (rc < 0) {
			pk_flow_view v;
			pk_flow_view_get(app->flow, &v);
			if (!v.sale) {
				/* Nothing recorded: the cashier stays here and sees why. */
				snprintf(a->error, sizeof a->error, "%s", err.msg);
				return PK_KEY_REDRAW;
			}
			/* The sale exists: its screen shows the problem (retry / give up). */
			app->sale_err = err;
		} else {
			pk_error_clear(&app->sale_err);
		}
		pk_app_follow_sale(app);
		return PK_KEY_HANDLED;
	}
	if (pk_field_key(&a->field, key)) {
		a->error[0] = 0;
		return PK_KEY_REDRAW;
	}
	return PK_KEY_UNUSED;
}

static const pk_screen_ops amount_ops = {
	.name = "amount",
	.draw = amount_draw,
	.key = amount_key,
};

pk_screen *pk_amount_new(pk_method method)
{
	pk_screen *s = pk_screen_new(&amount_ops, sizeof(amount_screen));
	if (!s)
		return NULL;
	amount_screen *a = s->priv;
	a->method = method;
	pk_field_init(&a->field, PK_FIELD_AMOUNT, 12);
	return s;
}
