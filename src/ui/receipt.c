/* receipt.c - the paid sale's receipt on screen, as it prints (in the
 * sale's language, receipt_width columns), with Enter to print it on the
 * configured ESC/POS printer or file and a line saying how that went. */
#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "receipt/receipt.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef struct receipt_screen {
	pk_receipt r;
	bool built;
	pk_error err;        /* why it could not be built or printed */
	bool printed;
	int prints;
} receipt_screen;

static void receipt_enter(pk_screen *s, pk_app *app)
{
	receipt_screen *rs = s->priv;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	pk_error_clear(&rs->err);
	if (!v.sale) {
		pk_error_set_id(&rs->err, PK_ERR_STATE, 0, N_("Only a paid sale has a receipt"), NULL);
		return;
	}
	pk_receipt_info info = { app->cfg->shop_name, app->cfg->label, app->training,
				 app->cfg->receipt_width };
	rs->built = pk_receipt_build(v.sale, &info, &rs->r, &rs->err) == 0;
}

static void receipt_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	receipt_screen *rs = s->priv;
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	char buf[256];
	if (rs->built) {
		int w = rs->r.width + 4;
		if (w > cols)
			w = cols;
		int x = (cols - w) / 2;
		attr_t paper = pk_role_attr(PK_ROLE_QR);
		int bottom = rows - 4;
		for (int i = 0; i < rs->r.count && y < bottom; i++, y++) {
			pk_draw_fill(y, x, w, paper);
			if (i < rs->r.center_lines)
				pk_draw_center(y, x, w, rs->r.line[i], paper | A_BOLD);
			else
				pk_draw_text(y, x + 2, w - 4, rs->r.line[i], paper);
		}
	}
	if (rs->err.kind != PK_OK)
		pk_draw_error(rows - 3, 2, cols - 4, 2, &rs->err);
	else if (rs->printed)
		pk_draw_center(rows - 3, 0, cols,
			       pk_fmt(buf, sizeof buf, _("Receipt printed on %s"),
				      app->cfg->receipt_printer),
			       pk_role_attr(PK_ROLE_OK) | A_BOLD);
	if (rs->built && app->cfg->receipt_printer[0]) {
		static const pk_hint hints[] = { { "Enter", N_("Print") }, { "Esc", N_("Home") } };
		pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
	} else {
		static const pk_hint hints[] = { { "Esc", N_("Home") } };
		pk_chrome_hints(app, rows - 1, 0, cols, hints, 1);
	}
}

static int receipt_key(pk_screen *s, pk_app *app, int key)
{
	receipt_screen *rs = s->priv;
	if (key == PK_K_ESC) {
		pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	if (key == PK_K_ENTER && rs->built) {
		if (!app->cfg->receipt_printer[0]) {
			pk_app_home(app);
			return PK_KEY_HANDLED;
		}
		pk_error_clear(&rs->err);
		rs->printed = pk_receipt_print(&rs->r, app->cfg->receipt_printer, &rs->err) == 0;
		if (app->log) {
			pk_flow_view v;
			pk_flow_view_get(app->flow, &v);
			pk_log_event(app->log, rs->printed ? PK_LOG_INFO : PK_LOG_WARNING, "receipt",
				     "sale_id=%lld printed=%d kind=%s",
				     v.sale ? (long long)v.sale->id : 0LL, rs->printed ? 1 : 0,
				     pk_err_kind_name(rs->err.kind));
		}
		return PK_KEY_REDRAW;
	}
	return PK_KEY_UNUSED;
}

static void receipt_min_size(pk_screen *s, pk_app *app, int *rows, int *cols)
{
	(void)app;
	receipt_screen *rs = s->priv;
	*rows = PK_UI_MIN_ROWS;
	*cols = PK_UI_MIN_COLS;
	if (rs->built && rs->r.count + 6 > *rows)
		*rows = rs->r.count + 6;
}

static void receipt_destroy(pk_screen *s)
{
	receipt_screen *rs = s->priv;
	pk_receipt_free(&rs->r);
}

static const pk_screen_ops receipt_ops = {
	.name = "receipt",
	.enter = receipt_enter,
	.draw = receipt_draw,
	.key = receipt_key,
	.min_size = receipt_min_size,
	.destroy = receipt_destroy,
};

pk_screen *pk_receipt_screen_new(void)
{
	return pk_screen_new(&receipt_ops, sizeof(receipt_screen));
}
