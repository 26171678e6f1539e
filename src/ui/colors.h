/* colors.h - colour pairs by role; every role also reads without colour. */
#ifndef PK_UI_COLORS_H
#define PK_UI_COLORS_H

#include <ncurses.h>

#include "model/record.h"

typedef enum pk_role {
	PK_ROLE_NORMAL = 0,
	PK_ROLE_BAR,       /* top bar */
	PK_ROLE_TRAINING,  /* the TRAINING banner */
	PK_ROLE_KEY,       /* a key name in the hints */
	PK_ROLE_TITLE,
	PK_ROLE_OK,        /* paid */
	PK_ROLE_BAD,       /* not paid, errors */
	PK_ROLE_WARN,      /* open, retrying */
	PK_ROLE_FIELD,     /* an input field */
	PK_ROLE_QR,        /* black ink on white */
	PK_ROLE__COUNT
} pk_role;

/* The colour of what a sale's outcome means for the money (model/record.h:
 * paid, not paid, nothing charged, not known yet); both screens that show
 * an outcome use it. */
pk_role pk_outcome_role(pk_outcome o);

/* After initscr: start colours when the terminal has them. */
void pk_colors_init(void);
/* Attributes for a role (colour pair or a monochrome fallback). */
attr_t pk_role_attr(pk_role role);

#endif
