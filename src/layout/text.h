/* text.h - measuring and laying out UTF-8 text by display columns.
 * Grapheme clusters are a base character plus following zero-width
 * characters (combining marks, ZWJ/ZWNJ, Myanmar/Devanagari virama
 * sequences); a cluster is never split.  Widths come from wcwidth(). */
#ifndef PK_TEXT_H
#define PK_TEXT_H

#include <stddef.h>

/* Display width of UTF-8 text (invalid bytes count 1 each). */
int pk_text_width(const char *utf8);
/* Bytes of the first cluster at s (0 at end of string). */
size_t pk_text_cluster_len(const char *s);
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

#endif
