/* upi_qr.c - the UPI QR screen: the code at the left using the full height,
 * beside it the amount, the order id, what the customer does, which app
 * link the QR holds, a live status with a countdown to poll_timeout, and
 * the keys.  `+` cycles the universal/Paytm/PhonePe/GPay links; Esc asks
 * before cancelling; in training `/` and `-` settle the order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"
#include "layout/qr.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

#define TEXT_MIN 28   /* columns the text beside the QR needs at least */
#define TEXT_ROWS_MIN 16

typedef struct upi_screen {
	bool cancel_sent;
	pk_error error;   /* shown in the language of the moment */
	/* The fitted code, kept while the link and the size stay the same. */
	pk_qr qr;
	bool have_qr;
	int qr_for_rows, qr_for_cols;
	pk_upi_app qr_for_app;
	int64_t qr_for_sale;
} upi_screen;

static void drop_qr(upi_screen *u)
{
	if (u->have_qr)
		pk_qr_free(&u->qr);
	u->have_qr = false;
}

/* Fit the code for this size; -1 when it does not fit.  The app link is
 * app->upi_app, the one the customer display shows too. */
static int fit(upi_screen *u, const pk_app *app, const pk_sale *sale, int rows, int cols)
{
	if (u->have_qr && u->qr_for_rows == rows && u->qr_for_cols == cols &&
	    u->qr_for_app == app->upi_app && u->qr_for_sale == sale->id)
		return 0;
	drop_qr(u);
	if (!sale->qr_data)
		return -1;
	char *link = pk_upi_app_link(sale->qr_data, app->upi_app);
	if (!link)
		return -1;
	pk_error err;
	int rc = pk_qr_fit(link, cols - TEXT_MIN - 1, rows, &u->qr, &err);
	free(link);
	if (rc < 0)
		return -1;
	u->have_qr = true;
	u->qr_for_rows = rows;
	u->qr_for_cols = cols;
	u->qr_for_app = app->upi_app;
	u->qr_for_sale = sale->id;
	return 0;
}

static void upi_min_size(pk_screen *s, pk_app *app, int *rows, int *cols)
{
	(void)s;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	*rows = TEXT_ROWS_MIN;
	*cols = PK_UI_MIN_COLS;
	if (!v.sale || !v.sale->qr_data)
		return;
	char *link = pk_upi_app_link(v.sale->qr_data, app->upi_app);
	if (!link)
		return;
	pk_qr q;
	pk_error err;
	/* The least that still scans: ECC L, quiet zone 2. */
	if (pk_qr_encode(link, 0, 2, &q, &err) == 0) {
		if (q.rows > *rows)
			*rows = q.rows;
		if (q.cols + 1 + TEXT_MIN > *cols)
			*cols = q.cols + 1 + TEXT_MIN;
		pk_qr_free(&q);
	}
	free(link);
}

/* One key per line: "[+] Next app link". */
static int draw_key(int y, int x, int w, const char *key, const char *what)
{
	char buf[256];
	snprintf(buf, sizeof buf, " %s ", key);
	int kw = pk_draw_text(y, x, w, buf, pk_role_attr(PK_ROLE_KEY));
	pk_draw_text(y, x + kw + 1, w - kw - 1, what, A_NORMAL);
	return 1;
}

static void upi_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	upi_screen *u = s->priv;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (!v.sale)
		return;
	const pk_sale *sale = v.sale;
	if (fit(u, app, sale, rows, cols) < 0) {
		int nr, nc;
		upi_min_size(s, app, &nr, &nc);
		pk_toosmall_draw(rows, cols, nr, nc);
		return;
	}
	const pk_qr *qr = &u->qr;
	int spare = cols - qr->cols - TEXT_MIN - 1;
	int x0 = spare > 6 ? 2 : 0;
	int y0 = (rows - qr->rows) / 2;
	pk_draw_qr(qr, y0, x0);

	int tx = x0 + qr->cols + (spare > 2 ? 2 : 1);
	int tw = cols - tx - 1;
	if (tw > 60)
		tw = 60;
	char buf[512], amount[64];
	int y = pk_chrome_top(app, 0, tx, cols - tx);
	int bottom = rows;
	y++;
	pk_money_display(sale->amount, sale->currency, amount, sizeof amount);
	y += pk_draw_wrap(y, tx, tw, 2, pk_fmt(buf, sizeof buf, _("Pay %s"), amount),
			  pk_role_attr(PK_ROLE_TITLE), 0);
	pk_draw_text(y++, tx, tw, pk_fmt(buf, sizeof buf, _("Order %s"), sale->order_id),
		     A_NORMAL);
	y++;
	y += pk_draw_wrap(y, tx, tw, 3, _("Scan with any UPI app"), A_BOLD, 0);
	y += pk_draw_wrap(y, tx, tw, 2,
			  pk_fmt(buf, sizeof buf, _("QR for: %s"), pk_upi_app_name(app->upi_app)),
			  A_NORMAL, 0);
	y++;

	/* Keys from the bottom up. */
	int keys = 3 + (app->training ? 2 : 0);
	int ky = bottom - keys;
	if (ky > y + 3) {
		draw_key(ky++, tx, tw, "+", _("Next app link"));
		draw_key(ky++, tx, tw, "Esc", _("Cancel"));
		draw_key(ky++, tx, tw, "*", _("Language"));
		if (app->training) {
			draw_key(ky++, tx, tw, "/", _("Trainer: paid"));
			draw_key(ky++, tx, tw, "-", _("Trainer: failed"));
		}
		bottom -= keys + 1;
	}

	if (u->cancel_sent) {
		y += pk_draw_wrap(y, tx, tw, 2,
				  pk_fmt(buf, sizeof buf, "%s %s", pk_spinner(app->now_ms),
					 _("Cancelling...")),
				  pk_role_attr(PK_ROLE_WARN), 0);
	} else if (v.last_error && v.last_error->kind != PK_OK) {
		y += pk_draw_wrap(y, tx, tw, 2, _("Connection problem, retrying..."),
				  pk_role_attr(PK_ROLE_WARN), 0);
	} else {
		y += pk_draw_wrap(y, tx, tw, 2,
				  pk_fmt(buf, sizeof buf, "%s %s",
					 v.busy ? pk_spinner(app->now_ms) : "·",
					 _("Waiting for payment")),
				  A_NORMAL, 0);
	}
	if (v.remaining_s >= 0 && y < bottom) {
		char mmss[32];
		pk_fmt_mmss(mmss, sizeof mmss, v.remaining_s);
		y += pk_draw_wrap(y, tx, tw, 1, pk_fmt(buf, sizeof buf, _("Time left %s"), mmss),
				  A_NORMAL, 0);
	}
	if (y < bottom)
		pk_draw_error(y, tx, tw, bottom - y, &u->error);
}

static void do_cancel(pk_app *app, void *ud)
{
	upi_screen *u = ud;
	pk_error err;
	if (pk_flow_cancel(app->flow, &err) < 0)
		u->error = err;
	else
		u->cancel_sent = true;
}

static int upi_key(pk_screen *s, pk_app *app, int key)
{
	upi_screen *u = s->priv;
	pk_error err;
	switch (key) {
	case '+':
		app->upi_app = (pk_upi_app)((app->upi_app + 1) % PK_UPI_APP__COUNT);
		return PK_KEY_REDRAW;
	case PK_K_ESC:
		if (u->cancel_sent)
			return PK_KEY_HANDLED;
		pk_app_ask(app, pk_confirm_new(_("Cancel this payment?"), do_cancel, u));
		return PK_KEY_HANDLED;
	case '/':
	case '-':
		if (!app->training)
			return PK_KEY_UNUSED;
		if (pk_flow_training_settle(app->flow, key == '/', &err) < 0)
			u->error = err;
		return PK_KEY_REDRAW;
	default:
		return PK_KEY_UNUSED;
	}
}

static void upi_destroy(pk_screen *s)
{
	drop_qr(s->priv);
}

const pk_screen_ops pk_upi_qr_ops = {
	.name = "upi_qr",
	.draw = upi_draw,
	.key = upi_key,
	.min_size = upi_min_size,
	.destroy = upi_destroy,
};

pk_screen *pk_upi_qr_new(void)
{
	return pk_screen_new(&pk_upi_qr_ops, sizeof(upi_screen));
}
