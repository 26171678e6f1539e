/* wavepay.c - the Wavepay screen: the wallet to pay to, LARGE, the amount,
 * one line on what the customer does, then the transaction ID field
 * (digits in any of the three scripts, at most 11).  Enter activates; Esc
 * asks "Customer did not pay?".  While the activation is in flight a
 * spinner; if it never got an answer, Enter sends the identical one again. */
#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"
#include "common/txid.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/field.h"
#include "ui/screen.h"

typedef struct wavepay_screen {
	pk_field field;
	bool correcting;   /* "not found": the cashier fixes the ID */
	pk_error error;   /* shown in the language of the moment */
} wavepay_screen;

/* The activation got no usable answer (or could not be sent): not known
 * yet; Enter sends the identical one again, Esc leaves it open. */
static bool stuck(const pk_flow_view *v)
{
	if (!v->sale || v->busy)
		return false;
	if (v->sale->state == PK_SALE_UNKNOWN)
		return true;
	return v->sale->state == PK_SALE_ACTIVATING && v->last_error &&
	       v->last_error->kind != PK_OK;
}

/* The gateway refused the ID, or did not find it: the cashier corrects it
 * (or sends the same again), or leaves the sale open. */
static bool correcting(const wavepay_screen *w, const pk_sale *sale)
{
	return sale->state == PK_SALE_REFUSED || (w->correcting && sale->state == PK_SALE_NOT_FOUND);
}

static void wavepay_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	wavepay_screen *w = s->priv;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (!v.sale)
		return;
	const pk_sale *sale = v.sale;
	int y = pk_chrome_top(app, 0, 0, cols);
	int x = 4, tw = cols - 8;
	char buf[512], amount[64], plain[64];
	pk_money_display(sale->amount, sale->currency, amount, sizeof amount);
	pk_money_display_plain(sale->amount, sale->currency, plain, sizeof plain);

	pk_draw_center(y++, 0, cols, _("Pay to this Wavepay number"), A_BOLD);
	int bw = pk_big_width(sale->identifier);
	bool big = bw <= cols - 2 && rows >= PK_UI_MIN_ROWS;
	if (big) {
		pk_big_draw(y, (cols - bw) / 2, sale->identifier, pk_role_attr(PK_ROLE_TITLE));
		y += PK_BIG_ROWS;
	}
	pk_draw_center(y++, 0, cols, pk_fmt(buf, sizeof buf, _("Wallet %s"), sale->identifier),
		       big ? A_NORMAL : pk_role_attr(PK_ROLE_TITLE));
	pk_draw_center(y++, 0, cols, pk_fmt(buf, sizeof buf, _("Amount %s"), amount),
		       pk_role_attr(PK_ROLE_TITLE));
	y++;
	y += pk_draw_wrap(y, x, tw, 3,
			  pk_fmt(buf, sizeof buf,
				 _("Pay %s MMK to this Wavepay number, then tell me the transaction ID"),
				 plain),
			  A_NORMAL, 1);
	y++;
	if (w->correcting && sale->state == PK_SALE_NOT_FOUND)
		y += pk_draw_wrap(y, x, tw, 2, _("Transaction not found - check the ID"),
				  pk_role_attr(PK_ROLE_WARN), 0);
	if (sale->state == PK_SALE_REFUSED) {
		y += pk_draw_wrap(y, x, tw, 2,
				  pk_fmt(buf, sizeof buf, _("Transaction ID refused: %s"),
					 sale->message[0] ? sale->message : "-"),
				  pk_role_attr(PK_ROLE_WARN), 0);
		/* A refusal does not prove that no money moved (the wallet was
		 * paid before the ID was typed; a re-sent ID may be "already
		 * used" because the first one was credited). */
		y += pk_draw_wrap(y, x, tw, 2,
				  _("The customer may already have paid: do not ask for the money "
				    "again. Correct the ID, or leave the sale open."),
				  A_NORMAL, 0);
	}
	const char *label = _("Transaction ID:");
	int lw = pk_draw_text(y, x, tw, label, A_BOLD);
	int fx = x + lw + 1;
	if (fx + 14 > cols)
		fx = x, y++;
	pk_field_draw(&w->field, y, fx, 14);
	y += 2;

	if (sale->state == PK_SALE_ACTIVATING || sale->state == PK_SALE_UNKNOWN) {
		if (stuck(&v)) {
			bool have_err = v.last_error && v.last_error->kind != PK_OK;
			bool transport = have_err && pk_err_is_transport(v.last_error->kind);
			y += pk_draw_wrap(y, x, tw, 2,
					  transport ? _("Could not reach the gateway")
						    : _("The gateway's answer cannot be used"),
					  pk_role_attr(PK_ROLE_BAD), 0);
			char text[PK_ERR_MSG_MAX];
			y += pk_draw_wrap(y, x, tw, 2,
					  have_err ? pk_error_text(v.last_error, text, sizeof text)
						   : sale->message,
					  A_NORMAL, 0);
			y += pk_draw_wrap(y, x, tw, 2,
					  _("Not known yet: the sale stays open until the gateway "
					    "answers or you close it."),
					  pk_role_attr(PK_ROLE_WARN), 0);
			static const pk_hint hints[] = { { "Enter", N_("Try again") },
							 { "Esc", N_("Leave it open") } };
			pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
		} else {
			pk_draw_text(y, x, tw,
				     pk_fmt(buf, sizeof buf, "%s %s", pk_spinner(app->now_ms),
					    _("Checking the transaction...")),
				     A_NORMAL);
			pk_chrome_hints(app, rows - 1, 0, cols, NULL, 0);
		}
		return;
	}
	pk_draw_error(y, x, tw, 2, &w->error);
	static const pk_hint hints[] = { { "Enter", N_("Check") },
					 { "Esc", N_("Customer did not pay") } };
	static const pk_hint hints_fix[] = { { "Enter", N_("Check") },
					     { "Esc", N_("Leave it open") } };
	pk_chrome_hints(app, rows - 1, 0, cols, correcting(w, sale) ? hints_fix : hints, 2);
}

static void not_paid(pk_app *app, void *ud)
{
	wavepay_screen *w = ud;
	pk_error err;
	if (pk_flow_abandon(app->flow, &err) < 0) {
		w->error = err;
		return;
	}
	pk_app_follow_sale(app);
}

static int wavepay_key(pk_screen *s, pk_app *app, int key)
{
	wavepay_screen *w = s->priv;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (!v.sale)
		return PK_KEY_UNUSED;
	pk_error err;
	if (v.sale->state == PK_SALE_ACTIVATING || v.sale->state == PK_SALE_UNKNOWN) {
		if (key == PK_K_ENTER && stuck(&v)) {
			pk_flow_retry(app->flow, &err);
			return PK_KEY_REDRAW;
		}
		if (key == PK_K_ESC && stuck(&v)) {
			pk_app_home(app); /* stays open (not known yet) */
			return PK_KEY_HANDLED;
		}
		return PK_KEY_UNUSED;
	}
	if (key == PK_K_ENTER) {
		char key1[PK_KEY1_MAX + 1];
		if (pk_key1_normalise(w->field.text, key1, sizeof key1, &err) < 0) {
			w->error = err;
			return PK_KEY_REDRAW;
		}
		pk_error_clear(&w->error);
		if (pk_flow_submit_key1(app->flow, key1, &err) < 0)
			w->error = err; /* refused: nothing sent */
		w->correcting = false;
		return PK_KEY_REDRAW;
	}
	if (key == PK_K_ESC) {
		if (correcting(w, v.sale)) {
			/* The sale stays open; it can be re-checked later. */
			pk_app_home(app);
			return PK_KEY_HANDLED;
		}
		pk_app_ask(app, pk_confirm_new(_("Customer did not pay?"), not_paid, w));
		return PK_KEY_HANDLED;
	}
	if (pk_field_key(&w->field, key)) {
		pk_error_clear(&w->error);
		return PK_KEY_REDRAW;
	}
	return PK_KEY_UNUSED;
}

/* A sale re-checked or resumed shows the ID it was activated with. */
static void wavepay_enter(pk_screen *s, pk_app *app)
{
	wavepay_screen *w = s->priv;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (w->field.len == 0 && v.sale && v.sale->key1[0])
		pk_field_set(&w->field, v.sale->key1);
}

const pk_screen_ops pk_wavepay_ops = {
	.name = "wavepay",
	.enter = wavepay_enter,
	.draw = wavepay_draw,
	.key = wavepay_key,
};

pk_screen *pk_wavepay_new(bool correcting)
{
	pk_screen *s = pk_screen_new(&pk_wavepay_ops, sizeof(wavepay_screen));
	if (!s)
		return NULL;
	wavepay_screen *w = s->priv;
	pk_field_init(&w->field, PK_FIELD_DIGITS, PK_KEY1_MAX);
	w->correcting = correcting;
	return s;
}

/* The correction screen starts with the ID that was not found. */
pk_screen *pk_wavepay_correct_new(const char *key1)
{
	pk_screen *s = pk_wavepay_new(true);
	if (s)
		pk_field_set(&((wavepay_screen *)s->priv)->field, key1);
	return s;
}
