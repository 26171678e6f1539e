/* screen.c - allocating and sizing screens. */
#include "ui/screen.h"

#include <stdlib.h>

pk_screen *pk_screen_new(const pk_screen_ops *ops, size_t priv_size)
{
	pk_screen *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->ops = ops;
	if (priv_size) {
		s->priv = calloc(1, priv_size);
		if (!s->priv) {
			free(s);
			return NULL;
		}
	}
	return s;
}

void pk_screen_free(pk_screen *s)
{
	if (!s)
		return;
	if (s->ops->destroy)
		s->ops->destroy(s);
	free(s->priv);
	free(s);
}

void pk_screen_min_size(pk_screen *s, pk_app *app, int *rows, int *cols)
{
	*rows = PK_UI_MIN_ROWS;
	*cols = PK_UI_MIN_COLS;
	if (s && s->ops->min_size)
		s->ops->min_size(s, app, rows, cols);
}
