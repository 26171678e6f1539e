/* recovery.c - the notice after start-up recovery: what was resumed,
 * abandoned, re-sent or left unconfirmed.  Enter continues (to the
 * resumed sale, if any). */
#include <stddef.h>
#include <stdio.h>

#include "common/i18n.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

/* One line per thing recovery did, in this order (a count of the report). */
static const struct recovery_line {
	size_t count; /* offsetof(pk_recovery_report, ...) */
	const char *one, *many;
} lines[] = {
	{ offsetof(pk_recovery_report, resumed),
	  NP_("%d UPI sale is waiting for payment again", "%d UPI sales are waiting for payment again") },
	{ offsetof(pk_recovery_report, abandoned),
	  NP_("%d sale was stopped before the customer saw it; nothing was charged",
	      "%d sales were stopped before the customer saw them; nothing was charged") },
	{ offsetof(pk_recovery_report, reactivated),
	  NP_("%d Wavepay transaction ID was sent again", "%d Wavepay transaction IDs were sent again") },
	{ offsetof(pk_recovery_report, waiting_id),
	  NP_("%d Wavepay sale is waiting for its transaction ID again",
	      "%d Wavepay sales are waiting for their transaction IDs again") },
	{ offsetof(pk_recovery_report, unknown),
	  NP_("%d Wavepay sale is not known yet (see Open sales)",
	      "%d Wavepay sales are not known yet (see Open sales)") },
	{ offsetof(pk_recovery_report, unconfirmed),
	  NP_("%d UPI sale is not confirmed yet (see Open sales)",
	      "%d UPI sales are not confirmed yet (see Open sales)") },
};

static void recovery_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	(void)s;
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	pk_draw_center(y, 0, cols, _("Sales from before the restart"),
		       pk_role_attr(PK_ROLE_TITLE));
	y += 2;
	int x = 4, w = cols - 8;
	char buf[512];
	const pk_recovery_report *r = &app->recovery;
	if (app->recover_err.kind != PK_OK) {
		y += pk_draw_error(y, x, w, 4, &app->recover_err);
		y++;
	}
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		int n = *(const int *)((const char *)r + lines[i].count);
		if (n <= 0)
			continue;
		/* Every line of the table has exactly one %d (msgfmt --check holds
		 * the translations to it). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		pk_fmt(buf, sizeof buf, ngettext(lines[i].one, lines[i].many, (unsigned long)n), n);
#pragma GCC diagnostic pop
		y += pk_draw_wrap(y, x, w, 3, buf, A_NORMAL, 0);
	}
	static const pk_hint hints[] = { { "Enter", N_("Continue") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 1);
}

static int recovery_key(pk_screen *s, pk_app *app, int key)
{
	(void)s;
	if (key == PK_K_ENTER || key == PK_K_ESC) {
		pk_flow_view v;
		pk_flow_view_get(app->flow, &v);
		if (v.sale)
			pk_app_follow_sale(app);
		else
			pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	return PK_KEY_UNUSED;
}

static const pk_screen_ops recovery_ops = {
	.name = "recovery",
	.no_route = true,
	.draw = recovery_draw,
	.key = recovery_key,
};

pk_screen *pk_recovery_new(void)
{
	return pk_screen_new(&recovery_ops, 0);
}
