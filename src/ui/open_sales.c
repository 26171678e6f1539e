/* open_sales.c - every sale that is pending, unconfirmed or not found, with
 * Enter to re-check the selected one now (+/- or arrows move). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "common/money.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef struct open_sales {
	pk_sale_list list;
	int sel;
	pk_error error;   /* shown in the language of the moment */
} open_sales;

static void load(open_sales *o, pk_app *app)
{
	pk_sale_list_free(&o->list);
	memset(&o->list, 0, sizeof o->list);
	pk_error err;
	if (pk_flow_list_open(app->flow, &o->list, &err) < 0)
		o->error = err;
	if (o->sel >= (int)o->list.count)
		o->sel = o->list.count ? (int)o->list.count - 1 : 0;
}

static void open_enter(pk_screen *s, pk_app *app)
{
	load(s->priv, app);
}

static void open_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	open_sales *o = s->priv;
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	char buf[512], amount[64], when[32];
	pk_draw_center(y, 0, cols,
		       pk_fmt(buf, sizeof buf,
			      ngettext("%d open sale", "%d open sales", (unsigned long)o->list.count),
			      (int)o->list.count),
		       pk_role_attr(PK_ROLE_TITLE));
	y += 2;
	int x = 2, w = cols - 4;
	if (o->list.count == 0)
		pk_draw_center(y++, 0, cols, _("No open sales"), A_NORMAL);
	int room = rows - y - 3;
	int first = o->sel >= room ? o->sel - room + 1 : 0;
	for (int i = first; i < (int)o->list.count && y < rows - 3; i++) {
		const pk_sale *sale = &o->list.items[i];
		struct tm tm;
		localtime_r(&sale->created_at, &tm);
		strftime(when, sizeof when, "%H:%M", &tm);
		pk_money_display(sale->amount, sale->currency, amount, sizeof amount);
		const char *id = sale->method == PK_METHOD_UPI ? sale->order_id : sale->key1;
		snprintf(buf, sizeof buf, "%s %-7s %14s  %-16s %s", when,
			 sale->method == PK_METHOD_UPI ? "UPI" : "Wavepay", amount, id,
			 pk_state_label(sale->state));
		attr_t a = i == o->sel ? A_REVERSE : A_NORMAL;
		pk_draw_fill(y, x, w, a);
		pk_draw_text(y++, x, w, buf, a);
	}
	pk_draw_error(rows - 3, x, w, 2, &o->error);
	static const pk_hint hints[] = { { "Enter", N_("Check now") }, { "+/-", N_("Move") },
					 { "/", N_("Close as not paid") }, { "Esc", N_("Back") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 4);
}

/* A person's decision, after the question: the sale ends cancelled, the
 * history saying who (this counter's cashier) and why. */
static void close_yes(pk_app *app, void *ud)
{
	open_sales *o = ud;
	if (o->sel >= (int)o->list.count)
		return;
	char who[PK_LABEL_MAX + 32];
	snprintf(who, sizeof who, "%s at %s", app->unlocked ? "the supervisor" : "the cashier",
		 app->cfg->label);
	pk_error err;
	if (pk_flow_close_unpaid(app->flow, o->list.items[o->sel].id, who,
				 "the customer did not pay", &err) < 0) {
		o->error = err;
		load(o, app);
		return;
	}
	pk_app_follow_sale(app);
}

static int open_key(pk_screen *s, pk_app *app, int key)
{
	open_sales *o = s->priv;
	pk_error err;
	switch (key) {
	case '+':
	case PK_K_DOWN:
		if (o->sel + 1 < (int)o->list.count)
			o->sel++;
		return PK_KEY_REDRAW;
	case '-':
	case PK_K_UP:
		if (o->sel > 0)
			o->sel--;
		return PK_KEY_REDRAW;
	case PK_K_ESC:
		pk_app_home(app);
		return PK_KEY_HANDLED;
	case '/':
		if (o->list.count == 0)
			return PK_KEY_HANDLED;
		pk_app_ask(app, pk_confirm_new(_("Close this sale as not paid? Only when you are "
						 "sure the customer did not pay."),
					       close_yes, o));
		return PK_KEY_HANDLED;
	case PK_K_ENTER:
		if (o->list.count == 0)
			return PK_KEY_HANDLED;
		if (pk_flow_recheck(app->flow, o->list.items[o->sel].id, &err) < 0) {
			o->error = err; /* refused: nothing changed */
			return PK_KEY_REDRAW;
		}
		pk_app_follow_sale(app);
		return PK_KEY_HANDLED;
	default:
		return PK_KEY_UNUSED;
	}
}

static void open_destroy(pk_screen *s)
{
	open_sales *o = s->priv;
	pk_sale_list_free(&o->list);
}

static const pk_screen_ops open_ops = {
	.name = "open_sales",
	.enter = open_enter,
	.draw = open_draw,
	.key = open_key,
	.destroy = open_destroy,
};

pk_screen *pk_open_sales_new(void)
{
	return pk_screen_new(&open_ops, sizeof(open_sales));
}
