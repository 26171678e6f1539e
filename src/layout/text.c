/* text.c - display width, clusters, truncation and word wrap of UTF-8.
 *
 * The decoder is strict (no overlongs, surrogates or code points above
 * U+10FFFF); an invalid byte is one column wide and shown as U+FFFD.
 *
 * Clusters come from one table of character classes (char_classes) and
 * one table of what each class does (PK_TEXT_CLASSES): whether it joins
 * the cluster before it, only right after a virama, whether the terminal
 * starts a cluster of its own there.  Code points the table does not name
 * are a base, or a mark when wcwidth() gives them no column (combining
 * marks, variation selectors, ZWNJ).
 *
 * Why not a library (tried on Debian 12): glibc has no grapheme API;
 * libunistring 1.0's u8_grapheme_breaks (extended grapheme clusters)
 * cuts every conjunct ("क्|ष", "स्|ट्|रिं", "ဒ္|ဓ") and U+102C/U+1038
 * off their consonant ("ပေ|း"), so a wrapped line would start with a
 * sign; ICU 72's character break iterator keeps Devanagari conjuncts but
 * cuts Myanmar the same way, and is a large dependency for one table.
 * Those cuts are the terminal's own clusters, though (foot cuts text the
 * same way, with utf8proc 2.8): the table marks where they start, to
 * measure widths the way the terminal does. */
#include "layout/text.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
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

/* ---- Character classes ------------------------------------------------
 *   joins     joins the cluster before it (one that takes marks)
 *   virama    joins only right after a virama/stacker (possibly + ZWJ)
 *   apart     where it joins, the terminal starts a cluster of its own
 *             (UAX #29 without GB9c: after a virama; U+102B U+102C
 *             U+1038 and the like are not SpacingMark there)
 *   sets      after it, a consonant joins
 *   keeps     after it, a consonant still joins if it did before */
#define PK_TEXT_CLASSES(X)                                                       \
	/* name         joins virama apart sets keeps */                          \
	X(C_BASE,       0,    0,     0,    0,   0) /* letters, digits, ... */     \
	X(C_BREAK,      0,    0,     0,    0,   0) /* space, newline, control,    \
	                                              invalid: alone, no marks */ \
	X(C_CONSONANT,  0,    1,     1,    0,   0) /* a base a virama joins */    \
	X(C_MARK,       1,    0,     0,    0,   0) /* Mn, Mc, medials */          \
	X(C_MARK_APART, 1,    0,     1,    0,   0) /* Mc the terminal cuts off */ \
	X(C_VIRAMA,     1,    0,     0,    1,   0) /* U+094D, U+1039 */           \
	X(C_ZWJ,        1,    0,     0,    0,   1)

typedef enum char_class {
#define X(name, j, v, a, s, k) name,
	PK_TEXT_CLASSES(X)
#undef X
} char_class;

static const struct class_rule {
	unsigned char joins, virama, apart, sets, keeps;
} rules[] = {
#define X(name, j, v, a, s, k) [name] = { j, v, a, s, k },
	PK_TEXT_CLASSES(X)
#undef X
};

/* What wcwidth() alone cannot tell (sorted; a code point not listed is
 * C_BREAK if a control, C_MARK if it has no width, else C_BASE). */
static const struct class_range {
	uint32_t lo, hi;
	char_class cls;
} char_classes[] = {
	/* Devanagari */
	{ 0x0903, 0x0903, C_MARK },      /* visarga */
	{ 0x0915, 0x0939, C_CONSONANT },
	{ 0x093B, 0x093B, C_MARK },
	{ 0x093E, 0x0940, C_MARK },      /* aa, i, ii */
	{ 0x0949, 0x094C, C_MARK },      /* candra o ... au */
	{ 0x094D, 0x094D, C_VIRAMA },
	{ 0x094E, 0x094F, C_MARK },
	{ 0x0958, 0x095F, C_CONSONANT }, /* with nukta */
	{ 0x0978, 0x097F, C_CONSONANT },
	/* Myanmar */
	{ 0x1000, 0x1022, C_CONSONANT },
	{ 0x102B, 0x102C, C_MARK_APART }, /* tall aa, aa */
	{ 0x1031, 0x1031, C_MARK },       /* e (drawn before its consonant) */
	{ 0x1038, 0x1038, C_MARK_APART }, /* visarga */
	{ 0x1039, 0x1039, C_VIRAMA },     /* stacker */
	{ 0x103B, 0x103C, C_MARK },       /* medials ya, ra */
	{ 0x103F, 0x103F, C_CONSONANT },
	{ 0x1050, 0x1055, C_CONSONANT },
	{ 0x1056, 0x1057, C_MARK },
	{ 0x105A, 0x105D, C_CONSONANT },
	{ 0x1061, 0x1061, C_CONSONANT },
	{ 0x1062, 0x1064, C_MARK_APART },
	{ 0x1065, 0x1066, C_CONSONANT },
	{ 0x1067, 0x106D, C_MARK_APART },
	{ 0x106E, 0x1070, C_CONSONANT },
	{ 0x1075, 0x1081, C_CONSONANT },
	{ 0x1083, 0x1083, C_MARK_APART },
	{ 0x1084, 0x1084, C_MARK },
	{ 0x1087, 0x108C, C_MARK_APART },
	{ 0x108E, 0x108E, C_CONSONANT },
	{ 0x108F, 0x108F, C_MARK_APART },
	{ 0x109A, 0x109C, C_MARK_APART },
	/* joiners */
	{ 0x200D, 0x200D, C_ZWJ },
};

/* The scripts the width model knows (others: wcwidth()). */
static const struct script_range {
	uint32_t lo, hi;
	pk_text_script script;
} scripts[] = {
	{ 0x0900, 0x097F, PK_TEXT_DEVANAGARI },
	{ 0x1000, 0x109F, PK_TEXT_MYANMAR },
	{ 0xA8E0, 0xA8FF, PK_TEXT_DEVANAGARI },
	{ 0xA9E0, 0xA9FF, PK_TEXT_MYANMAR },
	{ 0xAA60, 0xAA7F, PK_TEXT_MYANMAR },
};
#define NO_SCRIPT (-1)

static char_class class_of(uint32_t cp)
{
	size_t lo = 0, hi = sizeof char_classes / sizeof char_classes[0];

	if (cp == INVALID_CP || cp < 0x20 || cp == ' ' || (cp >= 0x7F && cp < 0xA0))
		return C_BREAK;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < char_classes[mid].lo)
			hi = mid;
		else if (cp > char_classes[mid].hi)
			lo = mid + 1;
		else
			return char_classes[mid].cls;
	}
	return cp_width(cp) == 0 ? C_MARK : C_BASE;
}

static int script_of(uint32_t cp)
{
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
		if (cp >= scripts[i].lo && cp <= scripts[i].hi)
			return (int)scripts[i].script;
	return NO_SCRIPT;
}

/* ---- The width model ---------------------------------------------------
 * The model in use is one word: per script four 4-bit fields (the widths
 * of terminal clusters adding up to 1, 2, 3, and minus the join change).
 * 0 is the default.  Written once at start-up, read by any thread: an
 * atomic word needs no lock and cannot be seen half-written. */
static _Atomic uint32_t model_in_use;

void pk_text_model_default(pk_text_model *m)
{
	for (int s = 0; s < PK_TEXT__SCRIPTS; s++) {
		for (int n = 0; n < 3; n++)
			m->sub[s][n] = n + 1;
		m->join[s] = 0;
	}
}

static int clamp_nibble(int v)
{
	return v < 0 ? 0 : v > 15 ? 15 : v;
}

static uint32_t pack(const pk_text_model *m)
{
	uint32_t w = 0;

	for (int s = 0; s < PK_TEXT__SCRIPTS; s++) {
		uint32_t f = (uint32_t)clamp_nibble(m->sub[s][0]) |
			     (uint32_t)clamp_nibble(m->sub[s][1]) << 4 |
			     (uint32_t)clamp_nibble(m->sub[s][2]) << 8 |
			     (uint32_t)clamp_nibble(-m->join[s]) << 12;
		w |= f << (16 * s);
	}
	return w;
}

static void unpack(uint32_t w, pk_text_model *m)
{
	if (w == 0) {
		pk_text_model_default(m);
		return;
	}
	for (int s = 0; s < PK_TEXT__SCRIPTS; s++) {
		uint32_t f = w >> (16 * s);

		for (int n = 0; n < 3; n++)
			m->sub[s][n] = (int)(f >> (4 * n) & 0xF);
		m->join[s] = -(int)(f >> 12 & 0xF);
	}
}

void pk_text_use_model(const pk_text_model *m)
{
	atomic_store(&model_in_use, m ? pack(m) : 0);
}

void pk_text_model_in_use(pk_text_model *m)
{
	unpack(atomic_load(&model_in_use), m);
}

/* The samples: per script (in pk_text_script's order), a terminal
 * cluster adding up to 1, 2, 3, and two consonants joined by a virama or
 * stacker: the order pk_text_model_from_widths reads. */
static const char *const samples[PK_TEXT__SCRIPTS * 4] = {
	"က", "ငွေ", "ချေ", "က္က", /* Myanmar */
	"क", "का", "कीः", "क्ष",  /* Devanagari */
};

size_t pk_text_model_samples(const char *const **out)
{
	*out = samples;
	return sizeof samples / sizeof samples[0];
}

size_t pk_text_model_from_widths(pk_text_model *m, const int *widths, size_t n)
{
	size_t used = 0;

	pk_text_model_default(m);
	for (int s = 0; s < PK_TEXT__SCRIPTS; s++) {
		const int *w = widths + 4 * s;

		if (n < 4 * (size_t)s + 4)
			break;
		/* a cluster adding up to k gets 1..k columns (more, or none,
		 * and ncurses could not keep step); a wider one no narrower */
		for (int k = 1; k <= 3; k++) {
			int lo = k == 1 ? 1 : m->sub[s][k - 2];

			if (w[k - 1] >= lo && w[k - 1] <= k) {
				m->sub[s][k - 1] = w[k - 1];
				used++;
			}
		}
		/* the joined pair: two clusters of 1, or one */
		int j = w[3] - 2 * m->sub[s][0];

		if (w[3] >= 0 && (j == 0 || j == -1)) {
			m->join[s] = j;
			used++;
		}
	}
	return used;
}

void pk_text_model_describe(const pk_text_model *m, char *buf, size_t len)
{
	snprintf(buf, len, "my %d/%d/%d%+d hi %d/%d/%d%+d", m->sub[PK_TEXT_MYANMAR][0],
		 m->sub[PK_TEXT_MYANMAR][1], m->sub[PK_TEXT_MYANMAR][2],
		 m->join[PK_TEXT_MYANMAR], m->sub[PK_TEXT_DEVANAGARI][0],
		 m->sub[PK_TEXT_DEVANAGARI][1], m->sub[PK_TEXT_DEVANAGARI][2],
		 m->join[PK_TEXT_DEVANAGARI]);
}

/* The columns of one terminal cluster adding up to `sum`. */
static int sub_width(const pk_text_model *m, int script, int sum)
{
	if (script == NO_SCRIPT || sum <= 0)
		return sum;
	const int *f = m->sub[script];

	if (sum <= 3)
		return f[sum - 1];
	return f[2] + (sum - 3) * (f[2] - f[1]);
}

/* ---- One cluster -------------------------------------------------------- */
#define SCAN_CPS 32

typedef struct scan {
	size_t len;                /* bytes */
	int natural;               /* sum of wcwidth() */
	int width;                 /* columns under the model */
	int ncp;                   /* code points */
	bool all_narrow;           /* every code point 0 or 1 column */
	/* the first SCAN_CPS code points */
	size_t off[SCAN_CPS];      /* byte offset */
	unsigned char w[SCAN_CPS]; /* wcwidth */
	bool apart[SCAN_CPS];      /* the terminal starts a cluster here */
} scan;

/* Scan the cluster at str (the end of the string: len 0). */
static void scan_cluster(const char *str, const pk_text_model *m, scan *sc)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, pos = 0;
	int script = NO_SCRIPT, sum = 0, joins = 0;
	bool after_virama = false;

	memset(sc, 0, offsetof(scan, off));
	sc->all_narrow = true;
	while (s[pos]) {
		uint32_t cp = decode(s + pos, &len);
		char_class c = class_of(cp);
		const struct class_rule *r = &rules[c];
		bool apart = false;

		if (sc->ncp == 0) {
			script = script_of(cp);
		} else {
			if (!(r->joins || (r->virama && after_virama)))
				break;
			apart = r->apart;
			if (r->virama && after_virama)
				joins++;
		}
		int w = cp_width(cp);

		if (apart) {
			sc->width += sub_width(m, script, sum);
			sum = 0;
		}
		sum += w;
		sc->natural += w;
		if (w > 1)
			sc->all_narrow = false;
		if (sc->ncp < SCAN_CPS) {
			sc->off[sc->ncp] = pos;
			sc->w[sc->ncp] = (unsigned char)w;
			sc->apart[sc->ncp] = sc->ncp == 0 || apart;
		}
		sc->ncp++;
		pos += len;
		after_virama = r->sets || (r->keeps && after_virama);
		if (c == C_BREAK)
			break; /* alone: takes no marks */
	}
	sc->width += sub_width(m, script, sum);
	if (script != NO_SCRIPT)
		sc->width += joins * m->join[script];
	if (sc->ncp > 0 && sc->width < 1 && sc->natural > 0)
		sc->width = 1;
	sc->len = pos;
}

/* Bytes and width of the cluster at s (0, 0 at the end). */
static size_t cluster(const char *s, const pk_text_model *m, int *width)
{
	scan sc;

	scan_cluster(s, m, &sc);
	*width = sc.width;
	return sc.len;
}

size_t pk_text_cluster(const char *s, int *width)
{
	pk_text_model m;

	*width = 0;
	if (!s)
		return 0;
	pk_text_model_in_use(&m);
	return cluster(s, &m, width);
}

size_t pk_text_cluster_len(const char *s)
{
	int w;

	return pk_text_cluster(s, &w);
}

int pk_text_width(const char *utf8)
{
	pk_text_model m;
	int w = 0, cw;
	size_t n;

	if (!utf8)
		return 0;
	pk_text_model_in_use(&m);
	while ((n = cluster(utf8, &m, &cw)) > 0) {
		w += cw;
		utf8 += n;
	}
	return w;
}

int pk_text_natural_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t pos = 0, n;
	int w = 0;

	while (pos < len && u[pos]) {
		w += cp_width(decode(u + pos, &n));
		pos += n;
	}
	return w;
}

int pk_text_cells(const char *s, size_t len, int width, size_t *starts)
{
	pk_text_model m;
	scan sc;
	bool start[SCAN_CPS] = { false };
	int cells = 0;

	if (!s || width < 1 || width > PK_TEXT_MAX_CELLS)
		return -1;
	pk_text_model_in_use(&m);
	scan_cluster(s, &m, &sc);
	if (sc.len != len || sc.ncp > SCAN_CPS || !sc.all_narrow || sc.w[0] == 0)
		return -1;
	/* the first code point, then where the terminal's clusters start,
	 * then any other spacing code point, in order */
	for (int pass = 0; pass < 3 && cells < width; pass++)
		for (int i = 0; i < sc.ncp && cells < width; i++)
			if (sc.w[i] == 1 && !start[i] &&
			    (pass == 2 || (pass == 1 && sc.apart[i]) || i == 0)) {
				start[i] = true;
				cells++;
			}
	if (cells != width)
		return -1;
	int k = 0, last = 0;

	for (int i = 0; i < sc.ncp; i++) {
		if (!start[i])
			continue;
		if (k > 0 && i - last > PK_TEXT_CELL_CPS)
			return -1;
		starts[k++] = sc.off[i];
		last = i;
	}
	if (sc.ncp - last > PK_TEXT_CELL_CPS)
		return -1;
	return width;
}

/* ---- Truncation and wrapping ------------------------------------------ */

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
static int copy_prefix(const char *s, const pk_text_model *m, int wlimit, size_t blimit,
		       buf *b, int *width)
{
	int cw;
	size_t n;

	*width = 0;
	while ((n = cluster(s, m, &cw)) > 0) {
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
	pk_text_model m;
	buf b = { 0 };
	int w = 0;

	if (!out || outlen == 0)
		return 0;
	out[0] = '\0';
	if (cols <= 0)
		return 0;
	pk_text_model_in_use(&m);
	if (!copy_prefix(s, &m, cols, outlen, &b, &w)) {
		/* cut: again, leaving room for the ellipsis */
		b.len = 0;
		if (outlen > elen) {
			copy_prefix(s, &m, cols - 1, outlen - elen, &b, &w);
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
	const pk_text_model *m;
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
		n = cluster(s, wr->m, &cw);
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
	pk_text_model m;
	wrap wr = { .out = out, .m = &m };
	const char *s = utf8 ? utf8 : "";

	out->line = NULL;
	out->count = 0;
	if (cols < 1)
		return -1;
	pk_text_model_in_use(&m);
	for (;;) {
		/* the next word: clusters up to a space, newline or the end */
		const char *end = s;
		int ww = 0, cw;
		size_t n;

		while (*end != ' ' && *end != '\n' && (n = cluster(end, &m, &cw)) > 0) {
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
