/* result.c - how the sale ended: paid (with a bell), not paid (with the
 * gateway's own message), cancelled, not confirmed yet, pending, or
 * "transaction not found" (Enter goes back to the ID field with the ID
 * kept).  Enter returns home, and so does waiting cfg.result_pause s. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef struct result_screen {
	int64_t entered_ms;
	int64_t sale_id;
	pk_sale_state state;
	bool beeped;
} result_screen;

static void result_enter(pk_screen *s, pk_app *app)
{
	result_screen *r = s->priv;
	r->entered_ms = app->now_ms;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (v.sale && v.sale->state == PK_SALE_PAID && !r->beeped) {
		beep();
		r->beeped = true;
	}
}

static int pause_left(const result_screen *r, const pk_app *app)
{
	int pause = app->cfg->result_pause;
	if (pause <= 0)
		return -1;
	int64_t left = (int64_t)pause * 1000 - (app->now_ms - r->entered_ms);
	return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

static void result_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	result_screen *r = s->priv;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	if (!v.sale)
		return;
	const pk_sale *sale = v.sale;
	int x = 4, w = cols - 8;
	char buf[512], amount[64], other[64];
	pk_money_display(sale->amount, sale->currency, amount, sizeof amount);
	/* The title is the state table's; its colour says what it means for
	 * the money. */
	const char *title = pk_state_title(sale->state);
	pk_role role = pk_outcome_role(pk_state_outcome(sale->state));
	y += pk_draw_wrap(y, x, w, 2, title, pk_role_attr(role), 1);
	y++;
	pk_draw_center(y++, 0, cols, amount, A_BOLD);
	if (sale->method == PK_METHOD_UPI && sale->order_id[0])
		pk_draw_center(y++, 0, cols, pk_fmt(buf, sizeof buf, _("Order %s"), sale->order_id),
			       A_NORMAL);
	if (sale->method == PK_METHOD_WAVEPAY && sale->key1[0])
		pk_draw_center(y++, 0, cols,
			       pk_fmt(buf, sizeof buf, _("Transaction ID %s"), sale->key1), A_NORMAL);
	y++;

	switch (sale->state) {
	case PK_SALE_PAID:
		if (sale->method == PK_METHOD_WAVEPAY && sale->has_deposit_amount) {
			char credited[64];
			pk_money_display(sale->deposit_amount, sale->currency, credited,
					 sizeof credited);
			int64_t diff = sale->deposit_amount - sale->amount;
			if (diff == 0) {
				pk_fmt(buf, sizeof buf, _("Credited %s"), credited);
				y += pk_draw_wrap(y, x, w, 2, buf, A_NORMAL, 1);
			} else {
				pk_money_display(diff > 0 ? diff : -diff, sale->currency, other,
						 sizeof other);
				pk_fmt(buf, sizeof buf,
				       diff > 0 ? _("Credited %s - %s more than asked")
						: _("Credited %s - %s less than asked"),
				       credited, other);
				y += pk_draw_wrap(y, x, w, 3, buf, pk_role_attr(PK_ROLE_WARN) | A_BOLD,
						  1);
			}
		}
		break;
	case PK_SALE_FAILED:
		if (sale->message[0])
			y += pk_draw_wrap(y, x, w, 4, sale->message, A_NORMAL, 1);
		break;
	case PK_SALE_ABANDONED: {
		/* Why (e.g. the link asked another amount), in today's language. */
		char why[PK_ERR_MSG_MAX];
		const char *reason = v.last_error && v.last_error->kind != PK_OK
					     ? pk_error_text(v.last_error, why, sizeof why)
					     : sale->message;
		if (reason[0])
			y += pk_draw_wrap(y, x, w, 3, reason, pk_role_attr(PK_ROLE_WARN), 1);
		y += pk_draw_wrap(y, x, w, 2, _("Nothing was charged"), A_NORMAL, 1);
		break;
	}
	case PK_SALE_UNCONFIRMED:
		y += pk_draw_wrap(y, x, w, 4,
				  _("Stopped waiting. If the customer pays now, it will show as paid: "
				    "this sale stays open under Open sales."),
				  A_NORMAL, 1);
		break;
	case PK_SALE_PENDING:
		y += pk_draw_wrap(y, x, w, 4,
				  _("The gateway is still checking; this sale stays open"), A_NORMAL,
				  1);
		break;
	case PK_SALE_NOT_FOUND:
		y += pk_draw_wrap(y, x, w, 4,
				  _("Ask the customer for the ID again and correct it."), A_NORMAL, 1);
		break;
	default:
		break;
	}
	int left = pause_left(r, app);
	if (left >= 0 && y < rows - 2)
		pk_draw_center(rows - 3, 0, cols,
			       pk_fmt(buf, sizeof buf,
				      ngettext("Home in %d second", "Home in %d seconds",
					       (unsigned long)left),
				      left),
			       A_DIM);
	if (sale->state == PK_SALE_NOT_FOUND) {
		static const pk_hint hints[] = { { "Enter", N_("Correct the ID") },
						 { "Esc", N_("Home") } };
		pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
	} else if (sale->state == PK_SALE_PAID) {
		static const pk_hint hints[] = { { "Enter", N_("Home") }, { "+", N_("Receipt") } };
		pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
	} else {
		static const pk_hint hints[] = { { "Enter", N_("Home") } };
		pk_chrome_hints(app, rows - 1, 0, cols, hints, 1);
	}
}

static int result_key(pk_screen *s, pk_app *app, int key)
{
	(void)s;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (v.sale && v.sale->state == PK_SALE_NOT_FOUND) {
		if (key == PK_K_ENTER) {
			pk_app_show(app, pk_wavepay_correct_new(v.sale->key1));
			return PK_KEY_HANDLED;
		}
		if (key == PK_K_ESC) {
			pk_app_home(app);
			return PK_KEY_HANDLED;
		}
		return PK_KEY_UNUSED;
	}
	if (key == PK_K_ENTER || key == PK_K_ESC) {
		pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	if (key == '+' && v.sale && v.sale->state == PK_SALE_PAID) {
		pk_app_show(app, pk_receipt_screen_new());
		return PK_KEY_HANDLED;
	}
	return PK_KEY_UNUSED;
}

static int result_tick(pk_screen *s, pk_app *app)
{
	result_screen *r = s->priv;
	int left = pause_left(r, app);
	if (left == 0) {
		pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	return PK_KEY_UNUSED;
}

const pk_screen_ops pk_result_ops = {
	.name = "result",
	.enter = result_enter,
	.draw = result_draw,
	.key = result_key,
	.tick = result_tick,
};

pk_screen *pk_result_new(void)
{
	return pk_screen_new(&pk_result_ops, sizeof(result_screen));
}
