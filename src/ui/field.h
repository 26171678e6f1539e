/* field.h - a one-line entry field.  Digits typed in any of the three
 * scripts (ASCII, Burmese ၀-၉, Devanagari ०-९) are stored as ASCII, so
 * what the screen shows is what goes to the gateway. */
#ifndef PK_UI_FIELD_H
#define PK_UI_FIELD_H

#include <ncurses.h>
#include <stdbool.h>

#include "common/error.h"
#include "common/txid.h"
#include "model/record.h"

typedef enum pk_field_kind {
	PK_FIELD_AMOUNT,  /* digits and one '.' */
	PK_FIELD_DIGITS,  /* digits only (transaction ID) */
	PK_FIELD_LABEL,   /* printable ASCII but '*' (the language key) */
} pk_field_kind;

typedef struct pk_field {
	pk_field_kind kind;
	int max;                      /* characters */
	int len;
	char text[PK_LABEL_MAX + 1];
} pk_field;

void pk_field_init(pk_field *f, pk_field_kind kind, int max);
void pk_field_set(pk_field *f, const char *ascii);
/* Digits, '.', Backspace ...: true if the field used the key. */
bool pk_field_key(pk_field *f, int key);
/* The field box: w columns with a cursor mark at the end. */
void pk_field_draw(const pk_field *f, int y, int x, int w);

typedef struct pk_screen pk_screen;
typedef struct pk_screen_ops pk_screen_ops;
typedef struct pk_app pk_app;

/* A screen that asks for one thing for a sale of a method (the amount, the
 * customer's account ID): the field and what was wrong with it.  It starts
 * its screen's private data. */
typedef struct pk_form {
	pk_method method;
	pk_field field;
	pk_error error; /* shown in the language of the moment (pk_draw_error) */
} pk_form;
/* A screen whose private data (priv_size bytes) starts with a pk_form. */
pk_screen *pk_form_screen_new(const pk_screen_ops *ops, size_t priv_size, pk_method method,
			      pk_field_kind kind, int max);
/* The form's top: the chrome and "UPI payment" / "Wavepay payment";
 * returns the first row below it. */
int pk_form_draw_top(const pk_form *form, pk_app *app, int cols);
/* A form's keys: Esc home, Enter submit(s, app), anything else typed into
 * the field (a key it took clears the error). */
int pk_form_key(pk_screen *s, pk_app *app, int key, int (*submit)(pk_screen *, pk_app *));

#endif
