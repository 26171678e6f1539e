/* postback.c - see postback.h.
 *
 * One small JSON reader over the raw bytes does everything: it finds the
 * top-level keys, copies additional_data token by token into its canonical
 * form (the bytes the signature covers), and decodes the string fields the
 * hub reads.  No re-printed parse anywhere: a number keeps the digits it
 * was sent with.
 *
 * Decisions (docs/HUB.md, spec 2d; PHP's json_decode refuses the same):
 * - Invalid UTF-8 (overlong forms, UTF-8-encoded surrogates, above
 *   U+10FFFF, truncated sequences), a lone UTF-16 surrogate in a \u escape,
 *   a raw control character inside a string, an unknown escape: malformed
 *   (-1, PK_ERR_NOT_JSON).
 * - Nesting deeper than PK_PB_DEPTH_MAX: malformed (no real postback
 *   nests more than three levels).
 * - A duplicate key: the last one wins (as json_decode); the canonical
 *   bytes keep both, as sent.
 * - A string field that is not a string, holds U+0000, or does not fit its
 *   pk_postback / pk_pb_tx field reads as absent ("").  Never truncated: a
 *   cut order id could match another sale.
 * - An element of additional_data that is not an object is a transaction
 *   with every field absent (ntx is the array's length).
 * - A transaction without currency_code reads its amount in the top-level
 *   currency_code.
 * - Amounts: exact decimal text only ([-]digits[.digits]); an exponent, a
 *   '+', blanks or more decimals than the currency has (other than trailing
 *   zeros) are not exact: has_amount false. */
#include "common/postback.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"

#define PK_PB_DEPTH_MAX 64

/* --- an output buffer that grows --- */

typedef struct pb_buf {
	char *p;
	size_t n, cap;
	bool oom;
} pb_buf;

static void buf_put(pb_buf *b, const char *s, size_t n)
{
	if (!b || b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_free(pb_buf *b)
{
	free(b->p);
	*b = (pb_buf){ 0 };
}

/* --- the reader --- */

typedef struct pb_parser {
	const unsigned char *s;
	size_t len, pos;
	int depth;
} pb_parser;

static const char HEX[] = "0123456789abcdef";

static void skip_ws(pb_parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static bool at(pb_parser *p, char c)
{
	return p->pos < p->len && p->s[p->pos] == (unsigned char)c;
}

/* Write code point cp as UTF-8. */
static void put_utf8(pb_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_put(b, u, n);
}

/* One character of a string value, as PHP's json_encode with
 * JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE writes it (canon), or
 * plainly decoded (!canon). */
static void put_char(pb_buf *b, uint32_t cp, bool canon)
{
	if (!canon) {
		put_utf8(b, cp);
		return;
	}
	static const char short_esc[0x20] = {
		['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	};
	char e[6] = { '\\', 'u', '0', '0', 0, 0 };
	if (cp == '"' || cp == '\\') {
		e[1] = (char)cp;
		buf_put(b, e, 2);
	} else if (cp < 0x20 && short_esc[cp]) {
		e[1] = short_esc[cp];
		buf_put(b, e, 2);
	} else if (cp < 0x20 || cp == 0x2028 || cp == 0x2029) {
		e[2] = HEX[(cp >> 12) & 0xf];
		e[3] = HEX[(cp >> 8) & 0xf];
		e[4] = HEX[(cp >> 4) & 0xf];
		e[5] = HEX[cp & 0xf];
		buf_put(b, e, 6);
	} else {
		put_utf8(b, cp);
	}
}

/* A UTF-8 sequence at p->pos (its first byte >= 0x80), strictly: no
 * overlong forms, no surrogates, nothing above U+10FFFF. */
static int read_utf8(pb_parser *p, uint32_t *cp)
{
	const unsigned char *s = p->s + p->pos;
	size_t left = p->len - p->pos;
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (left < n)
		return -1;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	p->pos += n;
	*cp = v;
	return 0;
}

static int read_hex4(pb_parser *p, uint32_t *out)
{
	if (p->len - p->pos < 4)
		return -1;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = p->s[p->pos + (size_t)i];
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = (v << 4) | (uint32_t)d;
	}
	p->pos += 4;
	*out = v;
	return 0;
}

/* The escape after a backslash (p->pos past the '\\'). */
static int read_escape(pb_parser *p, uint32_t *cp)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	if (p->pos >= p->len)
		return -1;
	unsigned char c = p->s[p->pos++];
	if (c != 'u') {
		const char *k = c ? strchr(from, c) : NULL;
		if (!k)
			return -1;
		*cp = (unsigned char)to[k - from];
		return 0;
	}
	uint32_t hi;
	if (read_hex4(p, &hi) != 0)
		return -1;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return -1; /* a low surrogate alone */
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp = hi;
		return 0;
	}
	uint32_t lo;
	if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
		return -1; /* a high surrogate alone */
	p->pos += 2;
	if (read_hex4(p, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
		return -1;
	*cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* A string at p->pos (the opening quote), into out (may be NULL: checked
 * only), canonical or decoded.  *has_nul: it holds U+0000. */
static int read_string(pb_parser *p, pb_buf *out, bool canon, bool *has_nul)
{
	if (!at(p, '"'))
		return -1;
	p->pos++;
	buf_put(out, "\"", canon ? 1 : 0);
	for (;;) {
		if (p->pos >= p->len)
			return -1;
		unsigned char c = p->s[p->pos];
		uint32_t cp;
		if (c == '"') {
			p->pos++;
			break;
		} else if (c == '\\') {
			p->pos++;
			if (read_escape(p, &cp) != 0)
				return -1;
		} else if (c < 0x20) {
			return -1;
		} else if (c < 0x80) {
			cp = c;
			p->pos++;
		} else if (read_utf8(p, &cp) != 0) {
			return -1;
		}
		if (cp == 0 && has_nul)
			*has_nul = true;
		put_char(out, cp, canon);
	}
	buf_put(out, "\"", canon ? 1 : 0);
	return 0;
}

static size_t digits(pb_parser *p)
{
	size_t start = p->pos;
	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos - start;
}

/* A JSON number, copied as sent. */
static int read_number(pb_parser *p, pb_buf *out)
{
	size_t start = p->pos;
	if (at(p, '-'))
		p->pos++;
	if (at(p, '0'))
		p->pos++;
	else if (digits(p) == 0)
		return -1;
	if (at(p, '.')) {
		p->pos++;
		if (digits(p) == 0)
			return -1;
	}
	if (at(p, 'e') || at(p, 'E')) {
		p->pos++;
		if (at(p, '+') || at(p, '-'))
			p->pos++;
		if (digits(p) == 0)
			return -1;
	}
	buf_put(out, (const char *)p->s + start, p->pos - start);
	return 0;
}

static int read_value(pb_parser *p, pb_buf *out);

/* Called for each member of an object: key decoded (NUL-terminated), value
 * the raw bytes of its value. */
typedef void (*member_fn)(void *ctx, const char *key, const unsigned char *value, size_t len);

/* An object at p->pos.  out (may be NULL) gets it canonical; fn (may be
 * NULL) sees each member.  open_end: a missing closing brace at the very
 * end of the input is accepted (the top level of a body only). */
static int read_object(pb_parser *p, pb_buf *out, member_fn fn, void *ctx, bool open_end)
{
	if (!at(p, '{') || ++p->depth > PK_PB_DEPTH_MAX)
		return -1;
	p->pos++;
	buf_put(out, "{", 1);
	pb_buf key = { 0 };
	int rc = -1;
	skip_ws(p);
	if (at(p, '}')) {
		p->pos++;
		rc = 0;
		goto done;
	}
	for (bool first = true;; first = false) {
		skip_ws(p);
		if (!first)
			buf_put(out, ",", 1);
		size_t kstart = p->pos;
		if (read_string(p, out, true, NULL) != 0)
			goto done;
		if (fn) {
			pb_parser kp = { .s = p->s, .len = p->pos, .pos = kstart };
			key.n = 0;
			bool nul = false;
			if (read_string(&kp, &key, false, &nul) != 0)
				goto done;
			buf_put(&key, "", 0);
			if (key.oom)
				goto done;
			if (nul)
				key.p[0] = '\0'; /* no field of ours has a NUL in its name */
		}
		skip_ws(p);
		if (!at(p, ':'))
			goto done;
		p->pos++;
		buf_put(out, ":", 1);
		skip_ws(p);
		size_t vstart = p->pos;
		if (read_value(p, out) != 0)
			goto done;
		if (fn)
			fn(ctx, key.p ? key.p : "", p->s + vstart, p->pos - vstart);
		skip_ws(p);
		if (at(p, ',')) {
			p->pos++;
			continue;
		}
		if (at(p, '}')) {
			p->pos++;
			rc = 0;
		} else if (open_end && p->pos == p->len) {
			rc = 0;
		}
		break;
	}
done:
	if (rc == 0)
		buf_put(out, "}", 1);
	p->depth--;
	buf_free(&key);
	return rc;
}

static int read_array(pb_parser *p, pb_buf *out)
{
	if (!at(p, '[') || ++p->depth > PK_PB_DEPTH_MAX)
		return -1;
	p->pos++;
	buf_put(out, "[", 1);
	int rc = -1;
	skip_ws(p);
	if (at(p, ']')) {
		p->pos++;
		rc = 0;
	} else {
		for (bool first = true;; first = false) {
			if (!first)
				buf_put(out, ",", 1);
			skip_ws(p);
			if (read_value(p, out) != 0)
				break;
			skip_ws(p);
			if (at(p, ',')) {
				p->pos++;
				continue;
			}
			if (at(p, ']')) {
				p->pos++;
				rc = 0;
			}
			break;
		}
	}
	if (rc == 0)
		buf_put(out, "]", 1);
	p->depth--;
	return rc;
}

static int read_literal(pb_parser *p, pb_buf *out, const char *word)
{
	size_t n = strlen(word);
	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return -1;
	p->pos += n;
	buf_put(out, word, n);
	return 0;
}

/* One value at p->pos (no leading blanks), canonical into out (may be NULL). */
static int read_value(pb_parser *p, pb_buf *out)
{
	if (p->pos >= p->len)
		return -1;
	switch (p->s[p->pos]) {
	case '{': return read_object(p, out, NULL, NULL, false);
	case '[': return read_array(p, out);
	case '"': return read_string(p, out, true, NULL);
	case 't': return read_literal(p, out, "true");
	case 'f': return read_literal(p, out, "false");
	case 'n': return read_literal(p, out, "null");
	default: return read_number(p, out);
	}
}

int pk_postback_canonical(const char *raw, size_t len, char **out, pk_error *err)
{
	*out = NULL;
	pb_parser p = { .s = (const unsigned char *)(raw ? raw : ""), .len = raw ? len : 0 };
	pb_buf b = { 0 };
	skip_ws(&p);
	int rc = read_value(&p, &b);
	skip_ws(&p);
	if (rc != 0 || p.pos != p.len) {
		buf_free(&b);
		return pk_error_set(err, PK_ERR_NOT_JSON, _("postback: not valid JSON at byte %zu"),
				    p.pos);
	}
	if (b.oom || !b.p) {
		buf_free(&b);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	*out = b.p;
	return 0;
}

/* --- reading a body --- */

/* The string fields read, by key: one table for the body, one for a
 * transaction of additional_data. */
typedef struct pb_field {
	const char *key;
	size_t off, size;
} pb_field;

#define PB_FIELD(type, key, member) { key, offsetof(type, member), sizeof((type *)0)->member }
static const pb_field body_fields[] = {
	PB_FIELD(pk_postback, "signature", signature),
	PB_FIELD(pk_postback, "access_key", access_key),
	PB_FIELD(pk_postback, "wallet_type", wallet_type),
	PB_FIELD(pk_postback, "currency_code", currency),
	PB_FIELD(pk_postback, "label", label),
	PB_FIELD(pk_postback, "direction", direction),
	PB_FIELD(pk_postback, "created_datetime", created_datetime),
};
static const pb_field tx_fields[] = {
	PB_FIELD(pk_pb_tx, "wallet_type", wallet_type),
	PB_FIELD(pk_pb_tx, "currency_code", currency),
	PB_FIELD(pk_pb_tx, "transaction_id", transaction_id),
	PB_FIELD(pk_pb_tx, "plugin_custom_order_id", plugin_custom_order_id),
	PB_FIELD(pk_pb_tx, "activated_datetime", activated_datetime),
};
#undef PB_FIELD
#define PB_NFIELDS(tbl) (sizeof tbl / sizeof tbl[0])

/* The raw bytes of a value (e.g. an amount) that is read after the others. */
typedef struct pb_span {
	const unsigned char *p;
	size_t n;
} pb_span;

/* A member's value into a field of the struct at base: decoded if it is a
 * string that fits, else "". */
static void set_field(const pb_field *tbl, size_t n, void *base, const char *key,
		      const unsigned char *value, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tbl[i].key, key) != 0)
			continue;
		char *dst = (char *)base + tbl[i].off;
		dst[0] = '\0';
		pb_parser vp = { .s = value, .len = len };
		pb_buf b = { 0 };
		bool nul = false;
		if (len && value[0] == '"' && read_string(&vp, &b, false, &nul) == 0 && !nul &&
		    !b.oom && b.n < tbl[i].size)
			memcpy(dst, b.p ? b.p : "", b.n + 1);
		buf_free(&b);
		return;
	}
}

typedef struct tx_ctx {
	pk_pb_tx *tx;
	pb_span amount;
} tx_ctx;

static void tx_member(void *ctx, const char *key, const unsigned char *value, size_t len)
{
	tx_ctx *c = ctx;
	if (strcmp(key, "amount") == 0)
		c->amount = (pb_span){ value, len };
	else
		set_field(tx_fields, PB_NFIELDS(tx_fields), c->tx, key, value, len);
}

typedef struct body_ctx {
	pk_postback *pb;
	pb_span amount, additional;
	bool has_additional;
} body_ctx;

static void body_member(void *ctx, const char *key, const unsigned char *value, size_t len)
{
	body_ctx *c = ctx;
	if (strcmp(key, "amount") == 0) {
		c->amount = (pb_span){ value, len };
	} else if (strcmp(key, "additional_data") == 0) {
		c->additional = (pb_span){ value, len };
		c->has_additional = true;
	} else {
		set_field(body_fields, PB_NFIELDS(body_fields), c->pb, key, value, len);
	}
}

/* An amount, a JSON string or number, as exact minor units of currency. */
static bool span_amount(pb_span v, const char *currency, int64_t *out)
{
	if (!v.p || v.n == 0)
		return false;
	int decimals = pk_postback_currency_decimals(currency);
	if (v.p[0] != '"') /* a JSON number: its digits as sent */
		return pk_postback_amount_minor((const char *)v.p, v.n, decimals, out);
	pb_parser vp = { .s = v.p, .len = v.n };
	pb_buf b = { 0 };
	bool nul = false, ok = read_string(&vp, &b, false, &nul) == 0 && !nul && !b.oom && b.p &&
			       pk_postback_amount_minor(b.p, b.n, decimals, out);
	buf_free(&b);
	return ok;
}

/* additional_data's elements into pb->tx. */
static int read_transactions(pb_span arr, pk_postback *pb, pk_error *err)
{
	pb_parser p = { .s = arr.p, .len = arr.n };
	size_t cap = 0;
	p.pos = 1; /* past '[' (the array was checked whole already) */
	for (;;) {
		skip_ws(&p);
		if (at(&p, ']'))
			return 0;
		if (at(&p, ',')) {
			p.pos++;
			skip_ws(&p);
		}
		if (pb->ntx == cap) {
			cap = cap ? cap * 2 : 4;
			pk_pb_tx *t = realloc(pb->tx, cap * sizeof *t);
			if (!t)
				return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
			pb->tx = t;
		}
		pk_pb_tx *tx = &pb->tx[pb->ntx++];
		memset(tx, 0, sizeof *tx);
		tx_ctx c = { .tx = tx };
		int rc = at(&p, '{') ? read_object(&p, NULL, tx_member, &c, false)
				     : read_value(&p, NULL);
		if (rc != 0) /* cannot happen: the canonical pass read it */
			return pk_error_set(err, PK_ERR_NOT_JSON,
					    _("postback: not valid JSON at byte %zu"), p.pos);
		const char *cur = tx->currency[0] ? tx->currency : pb->currency;
		tx->has_amount = span_amount(c.amount, cur, &tx->amount_minor);
	}
}

void pk_postback_init(pk_postback *pb)
{
	memset(pb, 0, sizeof *pb);
}

void pk_postback_free(pk_postback *pb)
{
	if (!pb)
		return;
	free(pb->canonical);
	free(pb->tx);
	pk_postback_init(pb);
}

int pk_postback_read(const char *body, size_t len, pk_postback *out, pk_error *err)
{
	pk_postback_init(out);
	pb_parser p = { .s = (const unsigned char *)(body ? body : ""), .len = body ? len : 0 };
	body_ctx c = { .pb = out };
	skip_ws(&p);
	if (!at(&p, '{')) {
		pb_parser any = p;
		if (read_value(&any, NULL) == 0) {
			skip_ws(&any);
			if (any.pos == any.len)
				return pk_error_set(err, PK_ERR_BAD_SHAPE, "%s",
						    _("postback: the body is not a JSON object"));
		}
		return pk_error_set(err, PK_ERR_NOT_JSON, _("postback: not valid JSON at byte %zu"),
				    p.pos);
	}
	int rc = read_object(&p, NULL, body_member, &c, true);
	skip_ws(&p);
	if (rc != 0 || p.pos != p.len) {
		pk_postback_free(out);
		return pk_error_set(err, PK_ERR_NOT_JSON, _("postback: not valid JSON at byte %zu"),
				    p.pos);
	}
	if (!c.has_additional || c.additional.p[0] != '[') {
		pk_postback_free(out);
		return pk_error_set(err, PK_ERR_BAD_SHAPE, "%s",
				    _("postback: no additional_data array"));
	}
	out->has_amount = span_amount(c.amount, out->currency, &out->amount_minor);
	if (pk_postback_canonical((const char *)c.additional.p, c.additional.n, &out->canonical,
				  err) != 0 ||
	    read_transactions(c.additional, out, err) != 0) {
		pk_postback_free(out);
		return -1;
	}
	return 0;
}

/* --- amounts --- */

bool pk_postback_amount_minor(const char *text, size_t len, int decimals, int64_t *out)
{
	if (!text || decimals < 0 || decimals > 9)
		return false;
	size_t i = 0;
	bool neg = i < len && text[i] == '-';
	if (neg)
		i++;
	size_t int_start = i;
	while (i < len && text[i] >= '0' && text[i] <= '9')
		i++;
	if (i == int_start)
		return false;
	size_t int_end = i, frac_start = i, frac_end = i;
	if (i < len && text[i] == '.') {
		frac_start = ++i;
		while (i < len && text[i] >= '0' && text[i] <= '9')
			i++;
		frac_end = i;
		if (frac_end == frac_start)
			return false;
	}
	if (i != len)
		return false;
	/* magnitude in minor units, accumulated without overflow */
	uint64_t v = 0;
	const uint64_t lim = (uint64_t)INT64_MAX + (neg ? 1u : 0u);
	for (size_t k = int_start; k < int_end + (size_t)decimals; k++) {
		unsigned d = 0;
		if (k >= int_end) { /* the k-int_end'th decimal */
			size_t f = frac_start + (k - int_end);
			d = f < frac_end ? (unsigned)(text[f] - '0') : 0;
		} else {
			d = (unsigned)(text[k] - '0');
		}
		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	for (size_t f = frac_start + (size_t)decimals; f < frac_end; f++)
		if (text[f] != '0')
			return false; /* finer than the minor unit */
	*out = neg ? (v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return true;
}

int pk_postback_currency_decimals(const char *currency)
{
	pk_currency cur;
	if (currency && pk_currency_parse(currency, &cur) == 0)
		return pk_currency_exponent(cur);
	return 2;
}

/* --- digests --- */

static void to_hex(const unsigned char *md, unsigned n, char *hex)
{
	for (unsigned i = 0; i < n; i++) {
		hex[2 * i] = HEX[md[i] >> 4];
		hex[2 * i + 1] = HEX[md[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

static int digest_hex(const EVP_MD *type, const void *data, size_t len, char *hex, pk_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	if (EVP_Digest(data, len, md, &n, type, NULL) != 1)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("postback: the digest failed"));
	to_hex(md, n, hex);
	return 0;
}

int pk_postback_sign(const char *access_key, const char *private_key, const char *canonical,
		     char hex[PK_PB_SIG_HEX], pk_error *err)
{
	hex[0] = '\0';
	if (!access_key || !private_key || !canonical)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("postback: no key to sign with"));
	char md5[33];
	if (digest_hex(EVP_md5(), canonical, strlen(canonical), md5, err) != 0)
		return -1;
	/* sha1(access_key . private_key . md5): fed in three parts, so that no
	 * copy of the private key is made */
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
		 EVP_DigestUpdate(ctx, access_key, strlen(access_key)) == 1 &&
		 EVP_DigestUpdate(ctx, private_key, strlen(private_key)) == 1 &&
		 EVP_DigestUpdate(ctx, md5, 32) == 1 && EVP_DigestFinal_ex(ctx, md, &n) == 1 &&
		 n == 20;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("postback: the digest failed"));
	to_hex(md, n, hex);
	return 0;
}

bool pk_postback_verify(const pk_postback *pb, const char *access_key, const char *private_key)
{
	if (!pb || !pb->canonical || !access_key || !private_key || !access_key[0] ||
	    !private_key[0] || strlen(pb->signature) != PK_PB_SIG_HEX - 1)
		return false;
	char want[PK_PB_SIG_HEX], got[PK_PB_SIG_HEX];
	if (pk_postback_sign(access_key, private_key, pb->canonical, want, NULL) != 0)
		return false;
	for (size_t i = 0; i < PK_PB_SIG_HEX; i++) { /* hex is case-blind */
		char c = pb->signature[i];
		got[i] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
	}
	return CRYPTO_memcmp(want, got, PK_PB_SIG_HEX - 1) == 0;
}

int pk_sha256_hex(const char *s, size_t len, char hex[65], pk_error *err)
{
	hex[0] = '\0';
	return digest_hex(EVP_sha256(), s ? s : "", s ? len : 0, hex, err);
}
