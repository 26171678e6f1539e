/* termprobe.h - asking the terminal about itself, once, at start-up,
 * before ncurses draws anything: the one place that does it.
 *
 * Round 1: CSI c, primary device attributes (DA1) alone.  A terminal that
 * does not answer it within timeout_ms is asked nothing more (and has
 * nothing printed on it), so no late answer can reach the screens as keys.
 * Round 2, when anything more was asked, in one write:
 *   CSI 16 t                 cell size in pixels          (ask->cell_size)
 *   CSI 14 t                 text area in pixels          (ask->text_area)
 *   OSC 10 ? / OSC 11 ?      foreground, background       (ask->colors)
 *   OSC 4 ; c ? (c 0..15)    the palette's first colours  (ask->colors)
 *   CR CSI 6n                the column of the left edge (a baseline)
 *   for each cluster:        CR EL cluster CSI 6n         (its width)
 *   CR EL                    the sample line erased again
 *   CSI c                    DA1 again: the fence.  Terminals answer in
 *                            order and every terminal answers DA1, so once
 *                            its answer is read no other answer can come.
 * Round 2 ends at the fence, or when the terminal said nothing for
 * timeout_ms at first or for PK_TERMPROBE_GAP_MS between answers (all of
 * it capped at 4 * timeout_ms + 1 s).  What came and was not taken is
 * flushed.  The input terminal is in non-canonical, no-echo mode
 * meanwhile and restored afterwards; keys typed during the probe are
 * dropped.
 *
 * Who asks what: the text route (layout/text.h) measures clusters; the
 * sixel route asks DA1, the sizes and the colours.  Both go in the same
 * call: pk_termprobe_startup.
 *
 * An answer that does not come is not an error: the fields stay "not
 * known" (answered false, sizes 0, have_* false, widths -1) and callers
 * use their defaults. */
#ifndef PK_UI_TERMPROBE_H
#define PK_UI_TERMPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* The wait for the terminal's first answer in each round the kiosk uses
 * (a terminal that does not answer at all costs this much start-up time,
 * once; foot still starting under cage took 8-455 ms to answer on a busy
 * test machine).  After an answer, a gap of PK_TERMPROBE_GAP_MS ends a
 * round. */
#define PK_TERMPROBE_TIMEOUT_MS 1000
#define PK_TERMPROBE_GAP_MS 150
/* The most clusters one probe measures (more are left at -1). */
#define PK_TERMPROBE_MAX_CLUSTERS 1024
#define PK_TERMPROBE_MAX_DA1 16

typedef struct pk_termprobe_ask {
	bool cell_size;               /* CSI 16 t */
	bool text_area;               /* CSI 14 t */
	bool colors;                  /* OSC 10, OSC 11, OSC 4 for 0..15 */
	const char *const *clusters;  /* UTF-8 texts to measure (each one
	                               * cluster; no control characters) */
	size_t n_clusters;
	int *widths;                  /* out: n_clusters columns, -1 when the
	                               * terminal did not say */
} pk_termprobe_ask;

typedef struct pk_termprobe_answer {
	bool answered;                /* DA1 was answered (round 1) */
	bool sixel;                   /* DA1 lists 4 (sixel graphics) */
	int da1[PK_TERMPROBE_MAX_DA1]; /* DA1's parameters, e.g. 62 4 22 */
	int n_da1;
	int cell_w, cell_h;           /* CSI 16 t: pixels, 0 unknown */
	int win_w, win_h;             /* CSI 14 t: pixels, 0 unknown */
	bool have_fg, have_bg;        /* OSC 10 / 11 answered */
	uint32_t fg, bg;              /* 0xRRGGBB */
	uint16_t have_palette;        /* bit c: palette[c] known (OSC 4) */
	uint32_t palette[16];
	size_t measured;              /* clusters whose width came */
	int elapsed_ms;               /* from the first write to the last answer */
} pk_termprobe_answer;

/* Ask the terminal (answers read from in_fd, questions written to out_fd;
 * the same tty for a kiosk: STDIN_FILENO, STDOUT_FILENO).  Returns 0 with
 * *out filled (possibly with nothing answered) or -1 (not a terminal,
 * termios or write failed) with err set and *out all "not known". */
int pk_termprobe_run(int in_fd, int out_fd, const pk_termprobe_ask *ask,
		     pk_termprobe_answer *out, int timeout_ms, pk_error *err);

/* The kiosk's start-up probe, the one call for it (before ncurses starts;
 * in_fd/out_fd as above): asks DA1, the cell size, the text area, the
 * colours and the widths of the text route's samples (layout/text.h),
 * installs the width model they give (pk_text_use_model; the default when
 * nothing was measured), and describes it in model[model_len] for the log
 * (may be NULL).  Returns what pk_termprobe_run returns; the model is
 * installed either way. */
int pk_termprobe_startup(int in_fd, int out_fd, int timeout_ms, pk_termprobe_answer *out,
			 char *model, size_t model_len, pk_error *err);

/* Parse answers in buf[0..n) into out and ask->widths, as
 * pk_termprobe_run does with what it read (pure; for the unit test; *out
 * and the widths are reset first).  The first cursor report is the
 * baseline.  Returns how many DA1 answers were seen. */
int pk_termprobe_parse(const char *buf, size_t n, const pk_termprobe_ask *ask,
		       pk_termprobe_answer *out);

#endif
