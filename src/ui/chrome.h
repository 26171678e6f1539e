/* chrome.h - the top bar (shop/label, TRAINING banner, language) and the
 * bottom key hints, drawn by every screen in the columns it gives. */
#ifndef PK_UI_CHROME_H
#define PK_UI_CHROME_H

#include "ui/app.h"

typedef struct pk_hint {
	const char *key;    /* "Enter", "Esc", "1" ... (not translated) */
	const char *what;   /* N_() text, translated when drawn */
} pk_hint;

/* Top bar on row y over [x, x+w).  Returns the rows used (1, or 2 when the
 * training banner needs its own row). */
int pk_chrome_top(pk_app *app, int y, int x, int w);
/* Key hints on row y over [x, x+w), n of them, then "* language". */
void pk_chrome_hints(pk_app *app, int y, int x, int w, const pk_hint *hints, int n);

#endif
