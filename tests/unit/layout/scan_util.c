/* scan_util.c - shared by the layout tests (#included, not a test itself):
 * a module matrix -> PBM (4x4 pixels a module) -> zbarimg -> decoded text.
 * This is the proof that what we draw scans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* dark(ctx, x, y) for 0 <= x, y < side.  Returns malloc'd decoded text
 * (trailing newline removed) or NULL when zbarimg found no code. */
__attribute__((unused)) static char *scan_modules(int side, int (*dark)(const void *, int, int), const void *ctx)
{
	const int scale = 4, margin = 0;
	int px = side * scale + 2 * margin;
	char path[] = "/tmp/pk_layout_qr_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return NULL;
	}
	fprintf(f, "P1\n%d %d\n", px, px);
	for (int y = 0; y < px; y++) {
		for (int x = 0; x < px; x++)
			fputs(dark(ctx, x / scale, y / scale) ? "1" : "0", f);
		fputc('\n', f);
	}
	fclose(f);

	char cmd[256];
	snprintf(cmd, sizeof cmd, "zbarimg --nodbus -q --raw %s 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	size_t len = 0, cap = 0;

	if (p) {
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
			if (len + n + 1 > cap) {
				cap = (len + n + 1) * 2;
				out = realloc(out, cap);
				if (!out)
					break;
			}
			memcpy(out + len, chunk, n);
			len += n;
		}
		int st = pclose(p);
		if (out) {
			out[len] = '\0';
			while (len > 0 && out[len - 1] == '\n')
				out[--len] = '\0';
		}
		if (st != 0 || len == 0) {
			free(out);
			out = NULL;
		}
	}
	unlink(path);
	return out;
}

/* Half-block text (as printed by `paykiosk qr`, with or without colour
 * codes and CRs) -> module grid -> zbarimg.  *rows_out and *cols_out get the
 * size in cells.  Returns malloc'd decoded text or NULL. */
typedef struct text_grid { int side; unsigned char *m; } text_grid;

static int text_grid_dark(const void *ctx, int x, int y)
{
	const text_grid *g = ctx;

	return g->m[(size_t)y * (size_t)g->side + (size_t)x];
}

__attribute__((unused)) static char *scan_rendered(const char *text, int *cols_out, int *rows_out)
{
	int rows = 0, cols = -1;
	unsigned char *cells = NULL;
	size_t cap = 0, n = 0;
	const char *p = text;
	char *got = NULL;

	while (*p) {
		int x = 0;

		while (*p && *p != '\n') {
			int v = -1;

			if (*p == '\033') {          /* skip an SGR sequence */
				while (*p && *p != 'm')
					p++;
				if (*p)
					p++;
				continue;
			}
			if (*p == '\r') { p++; continue; }
			if (*p == ' ') { v = 0; p += 1; }
			else if (!strncmp(p, "\xe2\x96\x80", 3)) { v = 1; p += 3; }
			else if (!strncmp(p, "\xe2\x96\x84", 3)) { v = 2; p += 3; }
			else if (!strncmp(p, "\xe2\x96\x88", 3)) { v = 3; p += 3; }
			else { free(cells); return NULL; }
			if (n == cap) {
				cap = cap ? cap * 2 : 4096;
				unsigned char *c = realloc(cells, cap);
				if (!c) { free(cells); return NULL; }
				cells = c;
			}
			cells[n++] = (unsigned char)v;
			x++;
		}
		if (*p == '\n')
			p++;
		if (cols < 0)
			cols = x;
		if (x != cols) { free(cells); return NULL; }
		rows++;
	}
	if (cols <= 0 || (cols + 1) / 2 != rows) {
		free(cells);
		return NULL;
	}
	text_grid g = { cols, calloc((size_t)cols * (size_t)cols, 1) };
	if (g.m) {
		for (int y = 0; y < cols; y++)
			for (int x = 0; x < cols; x++)
				g.m[(size_t)y * (size_t)cols + (size_t)x] =
					(cells[(size_t)(y / 2) * (size_t)cols + (size_t)x] >> (y % 2)) & 1;
		got = scan_modules(cols, text_grid_dark, &g);
		free(g.m);
	}
	free(cells);
	*cols_out = cols;
	*rows_out = rows;
	return got;
}
