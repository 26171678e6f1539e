/* scan_util.c - shared by the layout tests (#included, not a test itself):
 * a module matrix -> PBM (4x4 pixels a module) -> zbarimg -> decoded text.
 * This is the proof that what we draw scans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* dark(ctx, x, y) for 0 <= x, y < side.  Returns malloc'd decoded text
 * (trailing newline removed) or NULL when zbarimg found no code. */
static char *scan_modules(int side, int (*dark)(const void *, int, int), const void *ctx)
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
