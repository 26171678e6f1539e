/* field.c - one-line entry fields. */
#include "ui/field.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "ui/chrome.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

void pk_field_init(pk_field *f, pk_field_kind kind, int max)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->max = max < (int)sizeof f->text - 1 ? max : (int)sizeof f->text - 1;
}

void pk_field_set(pk_field *f, const char *ascii)
{
	snprintf(f->text, (size_t)f->max + 1, "%s", ascii ? ascii : "");
	f->len = (int)strlen(f->text);
}

static void append(pk_field *f, char c)
{
	if (f->len >= f->max)
		return;
	f->text[f->len++] = c;
	f->text[f->len] = 0;
}

bool pk_field_key(pk_field *f, int key)
{
	if (key == PK_K_BACKSPACE) {
		if (f->len > 0)
			f->text[--f->len] = 0;
		return true;
	}
	if (key < 0 || key >= 0x110000)
		return false;
	int d = pk_digit_value((wchar_t)key);
	if (d >= 0) {
		append(f, (char)('0' + d));
		return true;
	}
	switch (f->kind) {
	case PK_FIELD_AMOUNT:
		if (key == '.' || key == ',') {
			if (!strchr(f->text, '.'))
				append(f, '.');
			return true;
		}
		return false;
	case PK_FIELD_DIGITS:
		return false;
	case PK_FIELD_LABEL:
		if (key > ' ' && key < 0x7f && key != '*') {
			append(f, (char)key);
			return true;
		}
		return false;
	}
	return false;
}

void pk_field_draw(const pk_field *f, int y, int x, int w)
{
	attr_t a = pk_role_attr(PK_ROLE_FIELD);
	pk_draw_fill(y, x, w, a);
	const char *shown = f->text;
	/* Keep the end (where the cursor is) in view. */
	if (f->len > w - 2)
		shown = f->text + (f->len - (w - 2));
	char line[PK_LABEL_MAX + 8];
	snprintf(line, sizeof line, " %s_", shown);
	pk_draw_text(y, x, w, line, a);
}

pk_screen *pk_form_screen_new(const pk_screen_ops *ops, size_t priv_size, pk_method method,
			      pk_field_kind kind, int max)
{
	pk_screen *s = pk_screen_new(ops, priv_size);
	if (!s)
		return NULL;
	pk_form *form = s->priv;
	form->method = method;
	pk_field_init(&form->field, kind, max);
	return s;
}

int pk_form_key(pk_screen *s, pk_app *app, int key, int (*submit)(pk_screen *, pk_app *))
{
	pk_form *form = s->priv;
	if (key == PK_K_ESC) {
		pk_app_home(app);
		return PK_KEY_HANDLED;
	}
	if (key == PK_K_ENTER)
		return submit(s, app);
	if (!pk_field_key(&form->field, key))
		return PK_KEY_UNUSED;
	pk_error_clear(&form->error);
	return PK_KEY_REDRAW;
}

int pk_form_draw_top(const pk_form *form, pk_app *app, int cols)
{
	int y = pk_chrome_top(app, 0, 0, cols) + 1;
	pk_draw_center(y, 0, cols,
		       form->method == PK_METHOD_UPI ? _("UPI payment") : _("Wavepay payment"),
		       pk_role_attr(PK_ROLE_TITLE));
	return y + 2;
}
