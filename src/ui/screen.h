/* screen.h - a screen is a table of callbacks plus private data (like
 * tig's view_ops).  Key handlers return flags (like htop's HandlerResult).
 * Screens draw the flow's view and turn keys into pk_flow_* intents; they
 * never talk to libcurl, SQLite or cJSON. */
#ifndef PK_UI_SCREEN_H
#define PK_UI_SCREEN_H

#include <stdbool.h>
#include <wchar.h>

#include "ui/app.h"

enum {
	PK_KEY_UNUSED = 0,
	PK_KEY_HANDLED = 1 << 0,
	PK_KEY_REDRAW = 1 << 1,
};

/* Keys as the screens see them: printable characters as themselves, and
 * these for the special ones (whatever the terminal sent). */
enum {
	PK_K_ENTER = 0x110000,
	PK_K_ESC,
	PK_K_BACKSPACE,
	PK_K_UP,
	PK_K_DOWN,
	PK_K_OTHER,
};

typedef struct pk_screen_ops {
	const char *name;
	/* While this screen is up, a change of the sale's state does not
	 * switch screens (it is applied when the screen leaves). */
	bool no_route;
	void (*enter)(pk_screen *s, pk_app *app);
	void (*draw)(pk_screen *s, pk_app *app, int rows, int cols);
	int (*key)(pk_screen *s, pk_app *app, int key);
	/* Called every loop turn; return PK_KEY_REDRAW to be redrawn. */
	int (*tick)(pk_screen *s, pk_app *app);
	/* The smallest terminal this screen can be drawn on. */
	void (*min_size)(pk_screen *s, pk_app *app, int *rows, int *cols);
	void (*destroy)(pk_screen *s);  /* frees priv's insides, not priv */
} pk_screen_ops;

struct pk_screen {
	const pk_screen_ops *ops;
	void *priv;
};

/* Text screens need at least this much. */
#define PK_UI_MIN_COLS 60
#define PK_UI_MIN_ROWS 18

/* The screens the sale's state picks (ui/app.c routes by these). */
extern const pk_screen_ops pk_home_ops, pk_wait_ops, pk_upi_qr_ops, pk_wavepay_ops,
	pk_result_ops;
/* A screen is known by its ops. */
static inline bool pk_screen_is(const pk_screen *s, const pk_screen_ops *ops)
{
	return s && s->ops == ops;
}

/* Allocate a screen with zeroed private data of priv_size bytes. */
pk_screen *pk_screen_new(const pk_screen_ops *ops, size_t priv_size);
void pk_screen_free(pk_screen *s);
void pk_screen_min_size(pk_screen *s, pk_app *app, int *rows, int *cols);

/* The screens (one file each). */
pk_screen *pk_home_new(void);
pk_screen *pk_label_new(pk_method method);
pk_screen *pk_amount_new(pk_method method);
pk_screen *pk_wait_new(void);              /* create in flight / could not reach */
pk_screen *pk_upi_qr_new(void);
pk_screen *pk_wavepay_new(bool correcting); /* correcting: not found, ID kept */
/* Not found: back to the ID field with the ID that was typed. */
pk_screen *pk_wavepay_correct_new(const char *key1);
pk_screen *pk_result_new(void);
/* The paid sale's receipt on screen; Enter prints it (receipt_printer). */
pk_screen *pk_receipt_screen_new(void);
pk_screen *pk_open_sales_new(void);
pk_screen *pk_today_new(void);
pk_screen *pk_recovery_new(void);
/* --kiosk: the supervisor PIN box (a question over home). */
pk_screen *pk_unlock_new(void);
typedef void (*pk_confirm_fn)(pk_app *app, void *ud);
/* question is translated already; yes runs on Enter; Esc just closes. */
pk_screen *pk_confirm_new(const char *question, pk_confirm_fn yes, void *ud);
void pk_toosmall_draw(int rows, int cols, int need_rows, int need_cols);

#endif
