/* home.c - the start screen: choose a payment, open sales, today, quit. */
#include <stdio.h>

#include "common/i18n.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef struct home {
	int open_count;   /* sales listed under open sales (the state table) */
	unsigned version; /* the flow's version when it was counted */
} home;

static void home_enter(pk_screen *s, pk_app *app)
{
	home *h = s->priv;
	pk_sale_list list = { 0 };
	pk_error err;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	h->version = v.version;
	h->open_count = 0;
	if (pk_flow_list_open(app->flow, &list, &err) == 0)
		h->open_count = (int)list.count;
	pk_sale_list_free(&list);
}

/* A background re-check closed (or moved) an open sale: count again. */
static int home_tick(pk_screen *s, pk_app *app)
{
	home *h = s->priv;
	pk_flow_view v;
	pk_flow_view_get(app->flow, &v);
	if (v.version == h->version)
		return PK_KEY_UNUSED;
	home_enter(s, app);
	return PK_KEY_REDRAW;
}

static void home_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	home *h = s->priv;
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	pk_draw_center(y, 0, cols, _("Choose the payment"), pk_role_attr(PK_ROLE_TITLE));
	y += 2;
	int x = cols > 60 ? (cols - 44) / 2 : 4;
	int w = cols - x - 1;
	char buf[256];
	struct {
		const char *key;
		const char *text;
	} items[4];
	items[0].key = " 1 ";
	items[0].text = _("Wavepay (MMK)");
	items[1].key = " 2 ";
	items[1].text = _("UPI (INR)");
	items[2].key = " 3 ";
	items[2].text = h->open_count > 0
		? pk_fmt(buf, sizeof buf,
			 ngettext("Open sales (%d open sale)", "Open sales (%d open sales)",
				  (unsigned long)h->open_count),
			 h->open_count)
		: _("Open sales");
	items[3].key = " 4 ";
	items[3].text = _("Sales today");
	/* Self-service: customers see the payments only, not the shop's sales. */
	bool locked = pk_app_locked(app);
	int n_items = locked ? 2 : 4;
	for (int i = 0; i < n_items && y < rows - 2; i++) {
		pk_draw_text(y, x, 3, items[i].key, pk_role_attr(PK_ROLE_KEY));
		pk_draw_text(y, x + 4, w - 4, items[i].text,
			     i < 2 ? A_BOLD : (i == 2 && h->open_count ? pk_role_attr(PK_ROLE_WARN)
									: A_NORMAL));
		y += 2;
	}
	static const pk_hint hints[] = { { "1", N_("Wavepay") }, { "2", N_("UPI") },
					 { "Esc", N_("Quit") } };
	static const pk_hint kiosk_hints[] = { { "1", N_("Wavepay") }, { "2", N_("UPI") },
					       { "Esc", N_("Supervisor") } };
	if (app->unlocked && y < rows - 2)
		pk_draw_wrap(y, x, w, 2, _("Supervisor: the kiosk locks again when no key is pressed"),
			     pk_role_attr(PK_ROLE_WARN), 0);
	pk_chrome_hints(app, rows - 1, 0, cols, locked ? kiosk_hints : hints, 3);
}

static void start_sale(pk_app *app, pk_method m)
{
	snprintf(app->sale_label, sizeof app->sale_label, "%s", app->cfg->label);
	pk_app_show(app, app->cfg->ask_label ? pk_label_new(m) : pk_amount_new(m));
}

static int home_key(pk_screen *s, pk_app *app, int key)
{
	(void)s;
	switch (key) {
	case '1':
		start_sale(app, PK_METHOD_WAVEPAY);
		return PK_KEY_HANDLED;
	case '2':
		start_sale(app, PK_METHOD_UPI);
		return PK_KEY_HANDLED;
	case '3': /* (the kiosk lock keeps these from customers: app.c) */
		pk_app_show(app, pk_open_sales_new());
		return PK_KEY_HANDLED;
	case '4':
		pk_app_show(app, pk_today_new());
		return PK_KEY_HANDLED;
	case PK_K_ESC:
		app->quit = true;
		return PK_KEY_HANDLED;
	default:
		return PK_KEY_UNUSED;
	}
}

const pk_screen_ops pk_home_ops = {
	.name = "home",
	.enter = home_enter,
	.draw = home_draw,
	.key = home_key,
	.tick = home_tick,
};

pk_screen *pk_home_new(void)
{
	return pk_screen_new(&pk_home_ops, sizeof(home));
}
