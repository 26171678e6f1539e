/* text.h - measuring and laying out UTF-8 text by display columns.
 *
 * Text is cut into clusters, the units a reader sees as one: a base and
 * everything that may not be separated from it (combining marks, the
 * spacing vowel signs, Myanmar medials, a virama or stacker together with
 * the consonant it joins, ZWJ/ZWNJ).  A cluster is never split: not by
 * wrapping, not by truncation, not across terminal cells.
 *
 * Widths come from a model of the terminal.  A terminal that clusters
 * (foot with grapheme shaping) cuts text into its own, smaller clusters
 * (Unicode's extended grapheme clusters: a Devanagari conjunct is two of
 * them, Myanmar U+102B U+102C U+1038 stand alone) and gives each a width
 * of its own choosing; one that does not adds up wcwidth().  The model
 * says, per script, how wide the terminal makes one of its clusters whose
 * code points' wcwidth() add up to 1, 2 or 3, and what a virama joining
 * two consonants changes.  The default is the sum of wcwidth() (what
 * ncurses counts, tmux, xterm and foot's default do); the kiosk measures
 * the terminal once at start-up (ui/termprobe.h) and installs what it
 * found with pk_text_use_model.  Widths need a UTF-8 LC_CTYPE
 * (pk_i18n_init sets one). */
#ifndef PK_TEXT_H
#define PK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Display width of UTF-8 text (invalid bytes count 1 each). */
int pk_text_width(const char *utf8);
/* Bytes of the first cluster at s (0 at end of string). */
size_t pk_text_cluster_len(const char *s);
/* Bytes of the first cluster at s, and its width in *width. */
size_t pk_text_cluster(const char *s, int *width);
/* Copy the longest prefix fitting `cols` columns, ending with "…" when
 * cut (ellipsis counted in cols).  Returns the width written. */
int pk_text_truncate(const char *utf8, int cols, char *out, size_t outlen);

/* Word-wrap into lines of at most `cols` columns: break at spaces; a word
 * longer than a line (Burmese often has few spaces) breaks between
 * clusters.  Lines are malloc'd; pk_text_lines_free frees them. */
typedef struct pk_text_lines {
	char **line;
	int count;
} pk_text_lines;
int pk_text_wrap(const char *utf8, int cols, pk_text_lines *out);
void pk_text_lines_free(pk_text_lines *lines);

/* ---- Cells: how a cluster is written into terminal cells -------------
 * A terminal cell (an ncurses cchar_t) holds one spacing code point and
 * the ones that follow it; the terminal moves its cursor by the cluster's
 * width.  So a cluster `width` columns wide goes into `width` cells, each
 * starting at a spacing code point, first at those where the terminal
 * starts one of its own clusters (so that a cell written alone is still a
 * whole cluster to the terminal).  PK_TEXT_CELL_CPS is what a cell holds
 * (ncurses' CCHARW_MAX). */
#define PK_TEXT_CELL_CPS 5
#define PK_TEXT_MAX_CELLS 16
/* The byte offsets (from s) where each of the `width` cells of the
 * cluster s[0..len) starts.  Returns width, or -1 when the cluster cannot
 * be written as that many cells (no spacing code point to start one, a
 * cell that would hold more than PK_TEXT_CELL_CPS code points, a width
 * above PK_TEXT_MAX_CELLS); then write it as it comes. */
int pk_text_cells(const char *s, size_t len, int width, size_t *starts);
/* The sum of wcwidth() over the cluster (the cells ncurses would make of
 * it by itself). */
int pk_text_natural_width(const char *s, size_t len);

/* ---- The width model ---------------------------------------------- */
typedef enum pk_text_script {
	PK_TEXT_MYANMAR,
	PK_TEXT_DEVANAGARI,
	PK_TEXT__SCRIPTS
} pk_text_script;

typedef struct pk_text_model {
	/* [script][n-1]: the columns of a terminal cluster of that script
	 * whose code points' wcwidth() add up to n (1..3; more goes on by
	 * the step from 2 to 3) */
	int sub[PK_TEXT__SCRIPTS][3];
	/* columns added (0 or -1) when a virama/stacker joins two consonants
	 * into one cluster of the terminal's */
	int join[PK_TEXT__SCRIPTS];
} pk_text_model;

/* The default: wcwidth() added up. */
void pk_text_model_default(pk_text_model *m);
/* The clusters to measure (printed alone at column 1, the cursor's column
 * read back), in the order pk_text_model_from_widths reads the widths. */
size_t pk_text_model_samples(const char *const **samples);
/* The model from the measured widths of the samples (-1: not measured,
 * the default used).  A width a terminal cell could not carry in step
 * with ncurses (wider than wcwidth's sum, or 0) is not believed.
 * Returns how many samples were used. */
size_t pk_text_model_from_widths(pk_text_model *m, const int *widths, size_t n);
/* Use this model from now on, in every thread (NULL: the default).  The
 * model is copied. */
void pk_text_use_model(const pk_text_model *m);
/* The model in use. */
void pk_text_model_in_use(pk_text_model *m);
/* A short description for the log ("my 1/2/3+0 hi 1/2/3+0"). */
void pk_text_model_describe(const pk_text_model *m, char *buf, size_t len);

#endif
