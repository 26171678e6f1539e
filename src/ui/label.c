/* label.c - the customer account ID (ask_label): whose balance the
 * payment tops up.  Typed, then shown back for confirmation before any
 * request is sent. */
#include <stdio.h>

#include "common/i18n.h"
#include "common/txid.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/field.h"
#include "ui/screen.h"

typedef struct label_screen {
	pk_form f; /* first: the method, the account ID field, its error */
	bool confirming;
	char normal[PK_LABEL_MAX + 1];
} label_screen;

static void label_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	label_screen *l = s->priv;
	int y = pk_form_draw_top(&l->f, app, cols);
	int x = 4, w = cols - 8;
	if (!l->confirming) {
		y += pk_draw_wrap(y, x, w, 2, _("Customer account ID"), A_BOLD, 0);
		pk_field_draw(&l->f.field, y + 1, x, w);
		y += 3;
		pk_draw_error(y, x, w, 3, &l->f.error);
		static const pk_hint hints[] = { { "Enter", N_("OK") }, { "Esc", N_("Back") } };
		pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
		return;
	}
	y += pk_draw_wrap(y, x, w, 3, _("Is this the customer's account ID?"), A_BOLD, 0);
	y++;
	pk_draw_wrap(y, x, w, 4, l->normal, pk_role_attr(PK_ROLE_TITLE), 0);
	static const pk_hint hints[] = { { "Enter", N_("Yes") }, { "Esc", N_("Change it") } };
	pk_chrome_hints(app, rows - 1, 0, cols, hints, 2);
}

/* Enter: the account ID checked, then shown back for the cashier to confirm. */
static int label_submit(pk_screen *s, pk_app *app)
{
	(void)app;
	label_screen *l = s->priv;
	pk_error err;
	if (pk_label_normalise(l->f.field.text, l->normal, sizeof l->normal, &err) < 0) {
		l->f.error = err;
		return PK_KEY_REDRAW;
	}
	pk_error_clear(&l->f.error);
	l->confirming = true;
	return PK_KEY_REDRAW;
}

static int label_key(pk_screen *s, pk_app *app, int key)
{
	label_screen *l = s->priv;
	if (!l->confirming)
		return pk_form_key(s, app, key, label_submit);
	if (key == PK_K_ENTER) {
		snprintf(app->sale_label, sizeof app->sale_label, "%s", l->normal);
		pk_app_show(app, pk_amount_new(l->f.method));
		return PK_KEY_HANDLED;
	}
	if (key == PK_K_ESC) {
		l->confirming = false;
		return PK_KEY_REDRAW;
	}
	return PK_KEY_UNUSED;
}

static const pk_screen_ops label_ops = {
	.name = "label",
	.draw = label_draw,
	.key = label_key,
};

pk_screen *pk_label_new(pk_method method)
{
	return pk_form_screen_new(&label_ops, sizeof(label_screen), method, PK_FIELD_LABEL,
				  PK_LABEL_MAX);
}
