/* testhook.h - the kiosk tells a test harness what it did (tig's test mode
 * is the model), so a test waits for the change under test instead of for
 * time to pass.
 *
 *   PAYKIOSK_TEST_HOOK=FILE   appended, one write per record:
 *       input N                      after the Nth key was consumed and its
 *                                    frame (if it changed anything) drawn
 *       frame F input=N screen=NAME modal=NAME|- size=ROWSxCOLS
 *       run ROW COL WIDTH TEXT       each text run on the screen (cells of
 *                                    one attribute; plain text splits at
 *                                    two or more blanks)
 *       img ROW COL WIDTH TEXT       after a row's runs, each run of that
 *                                    row drawn as an image (ui/sixel.h):
 *                                    its cells and its text.  Its cells
 *                                    are blank on the terminal; the run
 *                                    that holds them reports TEXT as if it
 *                                    were written in them.
 *       end F
 *     and for the customer display (ui/custdisp.h), if there is one:
 *       display open ROWSxCOLS       it was opened (again)
 *       display lost REASON          it went away (missing, replaced,
 *                                    hangup, write)
 *       dframe F screen=NAME size=ROWSxCOLS lang=CODE
 *       drun ROW COL WIDTH TEXT      as run, on the customer's screen
 *       dimg ROW COL WIDTH TEXT      as img: after a row's drun lines,
 *                                    each run of it drawn as an image
 *       dend F                       (F counts the customer's frames)
 *   PAYKIOSK_TEST_KEYS=FIFO   keys, one per line: a name (Enter Escape
 *                             BSpace Up Down Star) or literal UTF-8 text
 *                             (each character one key); for terminals with
 *                             no keyboard (a headless terminal emulator).
 *
 * Nothing is reported unless the variable is set.  What is reported is
 * what the screen shows: never a secret. */
#ifndef PK_UI_TESTHOOK_H
#define PK_UI_TESTHOOK_H

#include <stddef.h>

#include "common/error.h"
#include "ui/sixel.h"

typedef struct pk_testhook pk_testhook;

/* Open what the environment names; *out is NULL when nothing is asked. */
int pk_testhook_open(pk_testhook **out, pk_error *err);
void pk_testhook_close(pk_testhook *h);
/* The key FIFO to wait on, or -1. */
int pk_testhook_keys_fd(const pk_testhook *h);
/* Keys that arrived on the FIFO, as screen keys (PK_K_* or characters);
 * returns how many were stored in keys (at most max). */
size_t pk_testhook_read_keys(pk_testhook *h, int *keys, size_t max);
/* Parse one FIFO line into keys (pure; for the unit test). */
size_t pk_testhook_parse_keys(const char *line, int *keys, size_t max);
void pk_testhook_input(pk_testhook *h, unsigned long inputs);
/* The frame just drawn (reads the ncurses screen back), with the runs
 * drawn as images (none: n_images 0). */
void pk_testhook_frame(pk_testhook *h, unsigned long frame, unsigned long inputs,
		       const char *screen, const char *modal, const pk_overlay *images,
		       size_t n_images);
/* The customer display: "display open ROWSxCOLS" / "display lost REASON". */
void pk_testhook_display_open(pk_testhook *h, int rows, int cols);
void pk_testhook_display_lost(pk_testhook *h, const char *reason);
/* The customer's frame just drawn: the current SCREEN (the customer's)
 * read back, LINES x COLS of it, with its runs drawn as images. */
void pk_testhook_dframe(pk_testhook *h, unsigned long frame, const char *screen,
			const char *lang, const pk_overlay *images, size_t n_images);

#endif
