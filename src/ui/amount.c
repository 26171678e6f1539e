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
	pk_form f; /* first: the method, the amount field, its error */
} amount_screen;

static pk_currency currency_of(pk_method m)
{
	return m == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
}

static void amount_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	amount_screen *a = s->priv;
	int y = pk_form_draw_top(&a->f, app, cols);
	int x = 4, w = cols - 8;
	char buf[512];
	if (app->cfg->ask_label) {
		pk_draw_text(y, x, w, pk_fmt(buf, sizeof buf, _("Customer: %s"), app->sale_label),
			     A_NORMAL);
		y += 2;
	}
	pk_currency cur = currency_of(a->f.method);
	y += pk_draw_wrap(y, x, w, 2,
			  pk_fmt(buf, sizeof buf, _("Amount in %s"), pk_currency_code(cur)),
			  A_BOLD, 0);
	pk_field_draw(&a->f.field, y + 1, x, 24 < w ? 24 : w);
	y += 3;
	int64_t minor;
	pk_error err;
	if (a->f.field.len > 0 && pk_money_parse(a->f.field.text, cur, &minor, &err) == 0 &&
	    pk_money_display(minor, cur, buf, sizeof buf) > 0 && y + PK_BIG_ROWS < rows - 2 &&
	    pk_big_width(buf) < w) {
		char plain[64];
		pk_money_display_plain(minor, cur, plain, sizeof plain);
		pk_big_draw(y, x, plain, pk_role_attr(PK_ROLE_TITLE));
		y += PK_BIG_ROWS + 1;
	}
	pk_draw_error(y, x, w, 3, &a->f.error);
	static const pk_hint hints[] = { { "Enter", N_("OK") }, { "Esc", N_("Back") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
}

/* Enter: the amount checked, the sale started (recorded first). */
static int amount_submit(pk_screen *s, pk_app *app)
{
	amount_screen *a = s->priv;
	pk_error err;
	int64_t minor;
	pk_currency cur = currency_of(a->f.method);
	if (pk_money_parse(a->f.field.text, cur, &minor, &err) < 0) {
		a->f.error = err;
		return PK_KEY_REDRAW;
	}
	int rc = a->f.method == PK_METHOD_UPI
			 ? pk_flow_start_upi(app->flow, minor, app->sale_label, pk_i18n_lang(), &err)
			 : pk_flow_start_wavepay(app->flow, minor, app->sale_label, pk_i18n_lang(),
						 &err);
	if (rc < 0) {
		/* Nothing recorded: the cashier stays here and sees why. */
		a->f.error = err;
		return PK_KEY_REDRAW;
	}
	/* Recorded (sent or not): the sale's screen shows how it goes. */
	pk_app_follow_sale(app);
	return PK_KEY_HANDLED;
}

static int amount_key(pk_screen *s, pk_app *app, int key)
{
	return pk_form_key(s, app, key, amount_submit);
}

static const pk_screen_ops amount_ops = {
	.name = "amount",
	.draw = amount_draw,
	.key = amount_key,
};

pk_screen *pk_amount_new(pk_method method)
{
	return pk_form_screen_new(&amount_ops, sizeof(amount_screen), method, PK_FIELD_AMOUNT, 12);
}
