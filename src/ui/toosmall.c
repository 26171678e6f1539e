/* toosmall.c - below the size a screen needs, say how large the terminal
 * must be (the sale goes on in the background). */
#include <stdio.h>

#include "common/i18n.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/screen.h"

void pk_toosmall_draw(int rows, int cols, int need_rows, int need_cols)
{
	char buf[512];
	snprintf(buf, sizeof buf, _("Make the terminal at least %dx%d (now %dx%d)"), need_cols,
		 need_rows, cols, rows);
	int h = pk_draw_wrap_rows(buf, cols > 2 ? cols - 2 : 1);
	int y = rows > h ? (rows - h) / 2 : 0;
	pk_draw_wrap(y, 1, cols > 2 ? cols - 2 : cols, rows, buf,
		     pk_role_attr(PK_ROLE_WARN) | A_BOLD, 1);
}
