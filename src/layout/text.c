/* text.c - display width, clusters, truncation and word wrap of UTF-8.
 *
 * The decoder is strict (no overlongs, surrogates or code points above
 * U+10FFFF); an invalid byte is one column wide and shown as U+FFFD.
 * A cluster is a base code point plus what may not be separated from it:
 * zero-width code points (combining marks, ZWJ/ZWNJ, variation selectors),
 * the spacing vowel signs of Myanmar and Devanagari (UAX #29 SpacingMark:
 * glibc gives them width 1, but a line starting with one shows a dotted
 * circle), and after a Myanmar stacker U+1039 or a Devanagari virama
 * U+094D the next consonant.  Widths need a UTF-8 LC_CTYPE (pk_i18n_init
 * sets one). */
#include "layout/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define INVALID_CP 0xFFFFFFFFu
static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Decode one code point at s (s[0] != 0).  Sets *len to the bytes used
 * (1 for an invalid byte) and returns the code point or INVALID_CP. */
static uint32_t decode(const unsigned char *s, size_t *len)
{
	unsigned char c = s[0];
	uint32_t cp, min;
	int n;

	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 1; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 2; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 3; cp = c & 0x07; min = 0x10000;
	} else {
		return INVALID_CP;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return INVALID_CP; /* also stops at the NUL */
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return INVALID_CP;
	*len = (size_t)n + 1;
	return cp;
}

static int cp_width(uint32_t cp)
{
	if (cp == INVALID_CP)
		return 1;
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 0 : w;
}

/* Spacing marks that belong to the preceding base (UAX #29 SpacingMark
 * and the Myanmar medials), for the two scripts the kiosk shows. */
static int is_spacing_mark(uint32_t cp)
{
	static const struct { uint32_t lo, hi; } ranges[] = {
		{ 0x0903, 0x0903 }, { 0x093B, 0x093B }, { 0x093E, 0x0940 },
		{ 0x0949, 0x094C }, { 0x094E, 0x094F },
		{ 0x102B, 0x103E }, { 0x1056, 0x1059 }, { 0x105E, 0x1060 },
		{ 0x1062, 0x1064 }, { 0x1067, 0x106D }, { 0x1071, 0x1074 },
		{ 0x1082, 0x108D }, { 0x108F, 0x108F }, { 0x109A, 0x109D },
	};

	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (cp >= ranges[i].lo && cp <= ranges[i].hi)
			return 1;
	return 0;
}

static int is_myanmar_consonant(uint32_t cp)
{
	return (cp >= 0x1000 && cp <= 0x102A) || (cp >= 0x103F && cp <= 0x1049) ||
	       (cp >= 0x1050 && cp <= 0x1055) || (cp >= 0x105A && cp <= 0x105D) ||
	       cp == 0x1061 || cp == 0x1065 || cp == 0x1066 ||
	       (cp >= 0x106E && cp <= 0x1070) || (cp >= 0x1075 && cp <= 0x1081) ||
	       cp == 0x108E;
}

static int is_devanagari_consonant(uint32_t cp)
{
	return (cp >= 0x0915 && cp <= 0x0939) || (cp >= 0x0958 && cp <= 0x095F) ||
	       (cp >= 0x0978 && cp <= 0x097F);
}

/* Bytes and width of the cluster at s (0, 0 at the end). */
static size_t cluster(const char *str, int *width)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, pos;
	uint32_t cp, prev;
	int w;

	*width = 0;
	if (!*s)
		return 0;
	prev = decode(s, &len);
	w = cp_width(prev);
	pos = len;
	if (prev == INVALID_CP || prev == '\n' || prev == ' ') {
		*width = w;
		return pos;
	}
	while (s[pos]) {
		cp = decode(s + pos, &len);
		if (cp == INVALID_CP)
			break;
		int joins = (cp >= 0x20 && cp_width(cp) == 0 && cp != 0x7F) ||
			    is_spacing_mark(cp) ||
			    (prev == 0x1039 && is_myanmar_consonant(cp)) ||
			    (prev == 0x094D && is_devanagari_consonant(cp));
		if (!joins)
			break;
		w += cp_width(cp);
		pos += len;
		prev = cp;
	}
	*width = w;
	return pos;
}

size_t pk_text_cluster_len(const char *s)
{
	int w;

	return s ? cluster(s, &w) : 0;
}

int pk_text_width(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t len;
	int w = 0;

	if (!s)
		return 0;
	while (*s) {
		w += cp_width(decode(s, &len));
		s += len;
	}
	return w;
}

/* Growable byte buffer for building lines. */
typedef struct buf {
	char *data;
	size_t len, cap;
} buf;

static int buf_add(buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (b->len + n + 1 > cap)
			cap *= 2;
		char *d = realloc(b->data, cap);

		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Append the cluster s[0..n), replacing invalid bytes with U+FFFD. */
static int buf_add_clean(buf *b, const char *s, size_t n)
{
	size_t pos = 0, len;

	while (pos < n) {
		if (decode((const unsigned char *)s + pos, &len) == INVALID_CP) {
			if (buf_add(b, replacement, sizeof replacement - 1) < 0)
				return -1;
		} else if (buf_add(b, s + pos, len) < 0) {
			return -1;
		}
		pos += len;
	}
	return 0;
}

/* Copy whole clusters of s while the width stays <= wlimit and the bytes
 * (after U+FFFD replacement) < blimit.  Returns 1 if all of s was copied. */
static int copy_prefix(const char *s, int wlimit, size_t blimit, buf *b, int *width)
{
	int cw;
	size_t n;

	*width = 0;
	while ((n = cluster(s, &cw)) > 0) {
		size_t before = b->len;

		if (*width + cw > wlimit)
			return 0;
		if (buf_add_clean(b, s, n) < 0 || b->len >= blimit) {
			b->len = before;
			if (b->data)
				b->data[before] = '\0';
			return 0;
		}
		*width += cw;
		s += n;
	}
	return 1;
}

int pk_text_truncate(const char *utf8, int cols, char *out, size_t outlen)
{
	static const char ellipsis[] = "\xE2\x80\xA6"; /* U+2026, width 1 */
	const size_t elen = sizeof ellipsis - 1;
	const char *s = utf8 ? utf8 : "";
	buf b = { 0 };
	int w = 0;

	if (!out || outlen == 0)
		return 0;
	out[0] = '\0';
	if (cols <= 0)
		return 0;
	if (!copy_prefix(s, cols, outlen, &b, &w)) {
		/* cut: again, leaving room for the ellipsis */
		b.len = 0;
		if (outlen > elen) {
			copy_prefix(s, cols - 1, outlen - elen, &b, &w);
			if (buf_add(&b, ellipsis, elen) == 0)
				w += 1;
		} else {
			w = 0;
		}
	}
	if (b.data && b.len < outlen) {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
	} else {
		w = 0;
	}
	free(b.data);
	return w;
}

/* The lines being built by pk_text_wrap. */
typedef struct wrap {
	pk_text_lines *out;
	int cap;
	buf line;
	int width;
	int started;   /* a word (maybe empty) is on the current line */
	int continued; /* the current line follows a wrap in its paragraph */
} wrap;

static int emit(wrap *wr)
{
	if (wr->out->count == wr->cap) {
		int cap = wr->cap ? wr->cap * 2 : 8;
		char **l = realloc(wr->out->line, (size_t)cap * sizeof *l);

		if (!l)
			return -1;
		wr->out->line = l;
		wr->cap = cap;
	}
	char *text = wr->line.data ? wr->line.data : strdup("");

	if (!text)
		return -1;
	wr->out->line[wr->out->count++] = text;
	wr->line = (buf){ 0 };
	wr->width = 0;
	wr->started = 0;
	wr->continued = 1;
	return 0;
}

/* Place one word (s..end) on the lines, with a separating space first
 * when the line already has a word.  A word wider than a line breaks
 * between clusters; an empty word (a second space) at a break is dropped. */
static int place_word(wrap *wr, const char *s, const char *end, int ww, int cols)
{
	int cw;
	size_t n;

	if (wr->started) {
		if (wr->width + 1 + ww <= cols) {
			if (buf_add(&wr->line, " ", 1) < 0)
				return -1;
			wr->width += 1;
		} else {
			if (emit(wr) < 0)
				return -1;
			if (ww == 0)
				return 0;
		}
	} else if (ww == 0 && wr->continued) {
		return 0;
	}
	wr->started = 1;
	while (s < end) {
		n = cluster(s, &cw);
		if (wr->width + cw > cols && wr->line.len > 0) {
			if (emit(wr) < 0)
				return -1;
			wr->started = 1;
		}
		if (buf_add_clean(&wr->line, s, n) < 0)
			return -1;
		wr->width += cw;
		s += n;
	}
	return 0;
}

int pk_text_wrap(const char *utf8, int cols, pk_text_lines *out)
{
	wrap wr = { .out = out };
	const char *s = utf8 ? utf8 : "";

	out->line = NULL;
	out->count = 0;
	if (cols < 1)
		return -1;
	for (;;) {
		/* the next word: clusters up to a space, newline or the end */
		const char *end = s;
		int ww = 0, cw;
		size_t n;

		while (*end != ' ' && *end != '\n' && (n = cluster(end, &cw)) > 0) {
			ww += cw;
			end += n;
		}
		if (place_word(&wr, s, end, ww, cols) < 0)
			goto fail;
		s = end;
		if (*s == ' ') {
			s++;
			continue;
		}
		/* end of a paragraph */
		if (wr.started || !wr.continued) {
			if (emit(&wr) < 0)
				goto fail;
		}
		wr.continued = 0;
		if (*s == '\0')
			break;
		s++; /* the newline */
	}
	return 0;
fail:
	free(wr.line.data);
	pk_text_lines_free(out);
	return -1;
}

void pk_text_lines_free(pk_text_lines *lines)
{
	if (!lines)
		return;
	for (int i = 0; i < lines->count; i++)
		free(lines->line[i]);
	free(lines->line);
	lines->line = NULL;
	lines->count = 0;
}
