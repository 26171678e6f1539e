/* today.c - the day's totals per method, currency and state
 * (pk_flow_totals over today's local calendar day). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/i18n.h"
#include "common/money.h"
#include "sale/report.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef struct today {
	pk_totals_row *rows;
	size_t n;
	pk_error error;   /* shown in the language of the moment */
} today;

static void today_enter(pk_screen *s, pk_app *app)
{
	today *t = s->priv;
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
	time_t from, to;
	pk_error err;
	if (pk_report_day(NULL, time(NULL), &from, &to, &err) < 0 ||
	    pk_flow_totals(app->flow, from, to, &t->rows, &t->n, &err) < 0)
		t->error = err;
}

static void today_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	today *t = s->priv;
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	pk_draw_center(y, 0, cols, _("Sales today"), pk_role_attr(PK_ROLE_TITLE));
	y += 2;
	int x = 2, w = cols - 4;
	char buf[512], sum[64];
	if (t->error.kind != PK_OK) {
		pk_draw_error(y, x, w, 3, &t->error);
	} else if (t->n == 0) {
		pk_draw_center(y, 0, cols, _("No sales today"), A_NORMAL);
	}
	for (size_t i = 0; i < t->n && y < rows - 2; i++) {
		const pk_totals_row *r = &t->rows[i];
		pk_money_display(r->state == PK_SALE_PAID ? r->credited : r->sum, r->currency, sum,
				 sizeof sum);
		char count[64];
		snprintf(count, sizeof count,
			 ngettext("%d sale", "%d sales", (unsigned long)r->count), r->count);
		snprintf(buf, sizeof buf, "%-8s %16s  %-10s", r->method == PK_METHOD_UPI ? "UPI" : "Wavepay",
			 sum, count);
		int used = pk_draw_text(y, x, w, buf, r->state == PK_SALE_PAID ? A_BOLD : A_NORMAL);
		pk_draw_text(y, x + used + 1, w - used - 1, pk_state_label(r->state), A_NORMAL);
		y++;
	}
	static const pk_hint hints[] = { { "Esc", N_("Back") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 1);
}

static int today_key(pk_screen *s, pk_app *app, int key)
{
	(void)s;
	if (key == PK_K_ESC || key == PK_K_ENTER) {
		pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	return PK_KEY_UNUSED;
}

static void today_destroy(pk_screen *s)
{
	today *t = s->priv;
	free(t->rows);
}

static const pk_screen_ops today_ops = {
	.name = "today",
	.enter = today_enter,
	.draw = today_draw,
	.key = today_key,
	.destroy = today_destroy,
};

pk_screen *pk_today_new(void)
{
	return pk_screen_new(&today_ops, sizeof(today));
}
