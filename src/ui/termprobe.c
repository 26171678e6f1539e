/* termprobe.c - the start-up questions to the terminal (termprobe.h). */
#include "ui/termprobe.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/i18n.h"
#include "layout/text.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t clusters_asked(const pk_termprobe_ask *ask)
{
	if (!ask || !ask->clusters || !ask->widths)
		return 0;
	return ask->n_clusters < PK_TERMPROBE_MAX_CLUSTERS ? ask->n_clusters
							   : PK_TERMPROBE_MAX_CLUSTERS;
}

static void answer_reset(const pk_termprobe_ask *ask, pk_termprobe_answer *out)
{
	memset(out, 0, sizeof *out);
	if (ask && ask->widths)
		for (size_t i = 0; i < ask->n_clusters; i++)
			ask->widths[i] = -1;
}

/* ---- the answers ---------------------------------------------------------
 *   CSI ? p ; p ... c       DA1
 *   CSI row ; col R         a cursor-position report (the first is the
 *                           baseline, then one per cluster, in order)
 *   CSI 6 ; h ; w t         the cell size; CSI 4 ; h ; w t the text area
 *   OSC 10 ; rgb:R/G/B ST   foreground (11: background; 4 ; c ; ...:
 *                           palette colour c), ST being ESC \ or BEL
 * anything else (keys typed, other answers) is skipped. */
typedef struct parse_state {
	int cprs; /* reports seen, the baseline included */
	int base_col;
	int da1;  /* DA1 answers seen */
} parse_state;

static void on_csi(char mark, const int *p, int np, char final, const pk_termprobe_ask *ask,
		   pk_termprobe_answer *out, parse_state *ps)
{
	size_t asked = clusters_asked(ask);

	if (final == 'c' && mark == '?') {
		out->answered = true;
		out->n_da1 = np;
		for (int i = 0; i < np; i++) {
			out->da1[i] = p[i];
			if (i > 0 && p[i] == 4) /* p[0] is the terminal's class */
				out->sixel = true;
		}
		ps->da1++;
	} else if (final == 'R' && !mark && np == 2) {
		if (ps->cprs == 0) {
			ps->base_col = p[1];
		} else if ((size_t)(ps->cprs - 1) < asked) {
			int w = p[1] - ps->base_col;

			if (w >= 0) {
				ask->widths[ps->cprs - 1] = w;
				out->measured++;
			}
		}
		ps->cprs++;
	} else if (final == 't' && !mark && np == 3 && p[1] > 0 && p[2] > 0) {
		if (p[0] == 6) {
			out->cell_h = p[1];
			out->cell_w = p[2];
		} else if (p[0] == 4) {
			out->win_h = p[1];
			out->win_w = p[2];
		}
	}
}

/* "rgb:R/G/B", 1 to 4 hex digits each, as 0xRRGGBB; -1 if not that */
static long parse_rgb(const char *s, size_t len)
{
	unsigned long rgb = 0;

	if (len < 4 || strncmp(s, "rgb:", 4) != 0)
		return -1;
	s += 4;
	len -= 4;
	for (int comp = 0; comp < 3; comp++) {
		unsigned long v = 0;
		int digits = 0;

		for (; len > 0 && digits < 5; s++, len--, digits++) {
			int d = *s >= '0' && *s <= '9'   ? *s - '0'
				: *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
				: *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
							 : -1;

			if (d < 0)
				break;
			v = v * 16 + (unsigned long)d;
		}
		if (digits < 1 || digits > 4)
			return -1;
		unsigned long max = (1ul << (4 * digits)) - 1;

		rgb = (rgb << 8) | ((v * 255 + max / 2) / max);
		if (comp < 2) {
			if (len == 0 || *s != '/')
				return -1;
			s++;
			len--;
		}
	}
	return len == 0 ? (long)rgb : -1;
}

/* leading decimal number of s[0..len) (-1: none), and where it ends */
static int number(const char *s, size_t len, size_t *end)
{
	int v = 0;
	size_t i = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9' && v < 100000; i++)
		v = v * 10 + (s[i] - '0');
	*end = i;
	return i > 0 ? v : -1;
}

static void on_osc(const char *s, size_t len, pk_termprobe_answer *out)
{
	size_t end;
	int kind = number(s, len, &end);
	long rgb;

	if (end >= len || s[end] != ';')
		return;
	s += end + 1;
	len -= end + 1;
	if (kind == 10 && (rgb = parse_rgb(s, len)) >= 0) {
		out->fg = (uint32_t)rgb;
		out->have_fg = true;
	} else if (kind == 11 && (rgb = parse_rgb(s, len)) >= 0) {
		out->bg = (uint32_t)rgb;
		out->have_bg = true;
	} else if (kind == 4) {
		int c = number(s, len, &end);

		if (c < 0 || c > 15 || end >= len || s[end] != ';')
			return;
		if ((rgb = parse_rgb(s + end + 1, len - end - 1)) >= 0) {
			out->palette[c] = (uint32_t)rgb;
			out->have_palette |= (uint16_t)(1u << c);
		}
	}
}

/* Take the complete answers in buf; returns the bytes consumed (an
 * answer cut at the end is left for more input). */
static size_t scan(const char *buf, size_t n, const pk_termprobe_ask *ask,
		   pk_termprobe_answer *out, parse_state *ps)
{
	size_t i = 0;

	while (i < n) {
		if (buf[i] != '\x1b') {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return i;
		if (buf[i + 1] == ']') {
			size_t j = i + 2;

			while (j < n && buf[j] != '\a' && !(buf[j] == '\x1b' && j + 1 < n && buf[j + 1] == '\\'))
				j++;
			if (j >= n || (buf[j] == '\x1b' && j + 1 >= n))
				return i;
			on_osc(buf + i + 2, j - i - 2, out);
			i = j + (buf[j] == '\a' ? 1 : 2);
			continue;
		}
		if (buf[i + 1] != '[') {
			i++;
			continue;
		}
		size_t j = i + 2;
		char mark = 0;
		int p[PK_TERMPROBE_MAX_DA1] = { 0 };
		int np = 0;
		bool digits = false;

		if (j < n && (buf[j] == '?' || buf[j] == '>' || buf[j] == '<' || buf[j] == '='))
			mark = buf[j++];
		for (; j < n; j++) {
			unsigned char c = (unsigned char)buf[j];

			if (c >= '0' && c <= '9') {
				if (np < PK_TERMPROBE_MAX_DA1 && p[np] < 100000)
					p[np] = p[np] * 10 + (c - '0');
				digits = true;
			} else if (c == ';') {
				np++;
				digits = false;
			} else {
				break;
			}
		}
		if (j >= n)
			return i; /* cut: wait for the rest */
		unsigned char fin = (unsigned char)buf[j];

		if (fin >= 0x40 && fin <= 0x7E) {
			int count = np + (digits || np > 0 ? 1 : 0);

			on_csi(mark, p, count < PK_TERMPROBE_MAX_DA1 ? count : PK_TERMPROBE_MAX_DA1,
			       (char)fin, ask, out, ps);
			i = j + 1;
		} else {
			i = j; /* not an answer: go on from the odd byte */
		}
	}
	return i;
}

int pk_termprobe_parse(const char *buf, size_t n, const pk_termprobe_ask *ask,
		       pk_termprobe_answer *out)
{
	parse_state ps = { 0 };

	answer_reset(ask, out);
	scan(buf, n, ask, out, &ps);
	return ps.da1;
}

/* ---- the questions ------------------------------------------------------- */

/* Growable byte buffer. */
typedef struct bytes {
	char *data;
	size_t len, cap;
	bool failed;
} bytes;

static void add_n(bytes *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (b->len + n > cap)
			cap *= 2;
		char *d = realloc(b->data, cap);

		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static void add(bytes *b, const char *s)
{
	add_n(b, s, strlen(s));
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return false;
	return true;
}

/* Round 2's questions (empty when only DA1 was asked). */
static void round_two(const pk_termprobe_ask *ask, bytes *q)
{
	size_t asked = clusters_asked(ask);

	if (!ask)
		return;
	if (ask->cell_size)
		add(q, "\x1b[16t");
	if (ask->text_area)
		add(q, "\x1b[14t");
	if (ask->colors) {
		add(q, "\x1b]10;?\x1b\\\x1b]11;?\x1b\\");
		for (int c = 0; c < 16; c++) {
			char osc[32];

			snprintf(osc, sizeof osc, "\x1b]4;%d;?\x1b\\", c);
			add(q, osc);
		}
	}
	if (asked > 0) {
		add(q, "\r\x1b[6n");
		for (size_t i = 0; i < asked; i++) {
			const char *c = ask->clusters[i];

			/* a control character would move the cursor: no width */
			add(q, "\r\x1b[K");
			if (c && printable(c))
				add(q, c);
			add(q, "\x1b[6n");
		}
		add(q, "\r\x1b[K");
	}
	if (q->len > 0)
		add(q, "\x1b[c");
}

/* The answers read so far and where the parser is. */
typedef struct reader {
	int fd;
	bytes in;
	size_t done;
	parse_state ps;
	long long start;
} reader;

/* Read until `want` DA1 answers were seen, or nothing came for first_ms
 * (gap_ms after an answer), or `last`.  Returns false on a read error. */
static bool read_round(reader *r, int want, int first_ms, int gap_ms, long long last,
		       const pk_termprobe_ask *ask, pk_termprobe_answer *out)
{
	long long deadline = now_ms() + first_ms;

	if (deadline > last)
		deadline = last;
	while (r->ps.da1 < want) {
		long long left = deadline - now_ms();

		if (left <= 0)
			return true;
		struct pollfd pf = { .fd = r->fd, .events = POLLIN };
		int pr = poll(&pf, 1, (int)left);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return pr == 0;
		char chunk[512];
		ssize_t got = read(r->fd, chunk, sizeof chunk);

		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return false;
		add_n(&r->in, chunk, (size_t)got);
		if (r->in.failed)
			return false;
		r->done += scan(r->in.data + r->done, r->in.len - r->done, ask, out, &r->ps);
		long long t = now_ms();

		out->elapsed_ms = (int)(t - r->start);
		deadline = t + gap_ms < last ? t + gap_ms : last;
	}
	return true;
}

static const char *tty_name(int fd)
{
	const char *n = isatty(fd) ? ttyname(fd) : NULL;

	return n ? n : "the terminal";
}

static int tty_error(pk_error *err, int fd, int e)
{
	return pk_error_setc(err, PK_ERR_IO, e, _("%s: cannot open: %s"), tty_name(fd), strerror(e));
}

int pk_termprobe_run(int in_fd, int out_fd, const pk_termprobe_ask *ask,
		     pk_termprobe_answer *out, int timeout_ms, pk_error *err)
{
	struct termios saved, raw;
	bytes q = { 0 };
	reader r = { .fd = in_fd };
	int first_ms = timeout_ms > 0 ? timeout_ms : 0;
	int gap_ms = first_ms < PK_TERMPROBE_GAP_MS ? first_ms : PK_TERMPROBE_GAP_MS;
	int rc = -1;

	answer_reset(ask, out);
	if (!isatty(out_fd))
		return tty_error(err, out_fd, ENOTTY);
	if (tcgetattr(in_fd, &saved) < 0)
		return tty_error(err, in_fd, errno);
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(in_fd, TCSANOW, &raw) < 0)
		return tty_error(err, in_fd, errno);
	round_two(ask, &q);
	if (q.failed) {
		pk_error_set(err, PK_ERR_NOMEM, _("Out of memory."));
		goto out;
	}
	r.start = now_ms();
	long long last = r.start + 4LL * first_ms + 1000;

	/* round 1: is anyone there? */
	if (pk_write_all(out_fd, "\x1b[c", 3) < 0) {
		pk_error_setc(err, PK_ERR_IO, errno, _("Cannot write %s: %s"), tty_name(out_fd),
			      strerror(errno));
		goto out;
	}
	bool ok = read_round(&r, 1, first_ms, gap_ms, last, ask, out);

	/* round 2: the rest, to a terminal that answers */
	if (ok && r.ps.da1 >= 1 && q.len > 0) {
		if (pk_write_all(out_fd, q.data, q.len) < 0) {
			pk_error_setc(err, PK_ERR_IO, errno, _("Cannot write %s: %s"),
				      tty_name(out_fd), strerror(errno));
			goto out;
		}
		read_round(&r, 2, first_ms, gap_ms, last, ask, out);
	}
	rc = 0;
out:
	/* what came after giving up would reach the screens as keys (an
	 * answer starts with ESC): what has come goes */
	if (r.ps.da1 < (q.len > 0 ? 2 : 1))
		tcflush(in_fd, TCIFLUSH);
	tcsetattr(in_fd, TCSANOW, &saved);
	free(q.data);
	free(r.in.data);
	return rc;
}

int pk_termprobe_startup(int in_fd, int out_fd, int timeout_ms, pk_termprobe_answer *out,
			 char *model, size_t model_len, pk_error *err)
{
	const char *const *samples;
	size_t n = pk_text_model_samples(&samples);
	int widths[32];
	pk_termprobe_ask ask = {
		.cell_size = true,
		.text_area = true,
		.colors = true,
		.clusters = samples,
		.n_clusters = n < 32 ? n : 32,
		.widths = widths,
	};
	pk_text_model m;
	int rc = pk_termprobe_run(in_fd, out_fd, &ask, out, timeout_ms, err);

	pk_text_model_from_widths(&m, widths, rc == 0 ? ask.n_clusters : 0);
	pk_text_use_model(&m);
	if (model && model_len)
		pk_text_model_describe(&m, model, model_len);
	return rc;
}
