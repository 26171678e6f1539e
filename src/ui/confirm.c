/* confirm.c - a yes/no question over the current screen: Enter yes,
 * Esc no.  Drawn as a box in the middle; the screen below keeps its state. */
#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef struct confirm {
	char question[512];
	pk_confirm_fn yes;
	void *ud;
} confirm;

static void confirm_draw(pk_screen *s, pk_app *app, int rows, int cols)
{
	(void)app;
	confirm *c = s->priv;
	int w = cols - 8 < 50 ? cols - 8 : 50;
	int x = (cols - w) / 2;
	int text_rows = pk_draw_wrap_rows(c->question, w - 4);
	if (text_rows > 4)
		text_rows = 4;
	int h = text_rows + 4;
	int y = (rows - h) / 2;
	attr_t box = pk_role_attr(PK_ROLE_BAR);
	pk_draw_box(y, x, w, h, cols, box);
	pk_draw_wrap(y + 1, x + 2, w - 4, text_rows, c->question, box | A_BOLD, 1);
	char line[256];
	snprintf(line, sizeof line, "[Enter] %s    [Esc] %s", _("Yes"), _("No"));
	pk_draw_center(y + h - 2, x, w, line, box);
}

static int confirm_key(pk_screen *s, pk_app *app, int key)
{
	confirm *c = s->priv;
	if (key == PK_K_ENTER) {
		pk_confirm_fn fn = c->yes;
		void *ud = c->ud;
		pk_app_ask(app, NULL); /* close the question first */
		if (fn)
			fn(app, ud);
		return PK_KEY_REDRAW;
	}
	if (key == PK_K_ESC) {
		pk_app_ask(app, NULL);
		return PK_KEY_REDRAW;
	}
	return PK_KEY_HANDLED; /* nothing else reaches the screen below */
}

static const pk_screen_ops confirm_ops = {
	.name = "confirm",
	.draw = confirm_draw,
	.key = confirm_key,
};

pk_screen *pk_confirm_new(const char *question, pk_confirm_fn yes, void *ud)
{
	pk_screen *s = pk_screen_new(&confirm_ops, sizeof(confirm));
	if (!s)
		return NULL;
	confirm *c = s->priv;
	snprintf(c->question, sizeof c->question, "%s", question);
	c->yes = yes;
	c->ud = ud;
	return s;
}
