/* chrome.c - the top bar and the key hints. */
#include "ui/chrome.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "layout/text.h"
#include "ui/colors.h"
#include "ui/draw.h"

/* Each language named in itself, so a customer finds theirs. */
static const char *lang_own_name(pk_lang lang)
{
	switch (lang) {
	case PK_LANG_MY:
		return "မြန်မာ";
	case PK_LANG_HI:
		return "हिन्दी";
	default:
		return "English";
	}
}

int pk_chrome_top(pk_app *app, int y, int x, int w)
{
	attr_t bar = pk_role_attr(PK_ROLE_BAR);
	pk_draw_fill(y, x, w, bar);
	const pk_config *cfg = app->cfg;
	const char *who = cfg->shop_name && *cfg->shop_name ? cfg->shop_name : cfg->label;
	char left[256];
	/* Narrow (beside the QR): the shop or terminal name alone. */
	if (w < 50)
		snprintf(left, sizeof left, " %s", who ? who : "");
	else
		snprintf(left, sizeof left, " paykiosk · %s", who ? who : "");
	char right[64];
	snprintf(right, sizeof right, "%s ", lang_own_name(pk_i18n_lang()));
	int rw = pk_text_width(right);
	int rows = 1;
	if (app->training) {
		char banner[256];
		snprintf(banner, sizeof banner, " %s ", _("TRAINING - no real money"));
		int bw = pk_text_width(banner);
		if (bw + rw + 12 <= w) {
			pk_draw_text(y, x + w - rw - bw - 1, bw, banner,
				     pk_role_attr(PK_ROLE_TRAINING));
			pk_draw_text(y, x, w - rw - bw - 2, left, bar);
		} else {
			pk_draw_text(y, x, w - rw - 1, left, bar);
			pk_draw_fill(y + 1, x, w, pk_role_attr(PK_ROLE_TRAINING));
			pk_draw_center(y + 1, x, w, banner, pk_role_attr(PK_ROLE_TRAINING));
			rows = 2;
		}
	} else {
		pk_draw_text(y, x, w - rw - 1, left, bar);
	}
	pk_draw_text(y, x + w - rw, rw, right, bar);
	return rows;
}

void pk_chrome_hints(pk_app *app, int y, int x, int w, const pk_hint *hints, int n)
{
	(void)app;
	int cx = x;
	int end = x + w;
	attr_t key = pk_role_attr(PK_ROLE_KEY);
	for (int i = 0; i <= n && cx < end; i++) {
		const char *k = i < n ? hints[i].key : "*";
		const char *what = i < n ? _(hints[i].what) : _("Language");
		char kbuf[32];
		snprintf(kbuf, sizeof kbuf, " %s ", k);
		int kw = pk_text_width(kbuf);
		int ww = pk_text_width(what);
		if (cx + kw + 1 + ww > end && i > 0)
			break;
		cx += pk_draw_text(y, cx, end - cx, kbuf, key);
		cx += 1;
		cx += pk_draw_text(y, cx, end - cx, what, A_NORMAL);
		cx += 2;
	}
}
