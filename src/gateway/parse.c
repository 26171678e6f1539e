/* parse.c - gateway answers (bytes) -> gw_result.  Pure: no I/O, no state.
 *
 * The gateway is untrusted: every string we keep is checked (IDs) or
 * cleaned (messages: no control characters, valid UTF-8, capped on a
 * character boundary).  The docs write fail bodies with single quotes
 * ({'status': 'fail', 'message': 'X'}), which is not JSON; a tiny tolerant
 * reader of "flat dict of strings" handles exactly that and nothing more. */
#include "gateway/gateway.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/i18n.h"

void gw_result_init(gw_result *res, gw_call call)
{
	if (!res)
		return;
	memset(res, 0, sizeof *res);
	res->call = call;
	res->status = GW_ST_NONE;
	pk_error_clear(&res->err);
}

void gw_result_free(gw_result *res)
{
	if (!res)
		return;
	free(res->qr_data);
	res->qr_data = NULL;
}

/* ---- UTF-8 helpers ---------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes available) and its code
 * point, or 0 if the bytes there are not valid UTF-8 (overlong, surrogate,
 * out of range, truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned char c = s[0];
	size_t len;
	unsigned long v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* Characters a terminal must never get from the gateway: C0/C1 controls,
 * DEL, line/paragraph separators and the bidi embedding/override/isolate
 * controls (they can reorder what the cashier reads). */
static int is_unsafe_cp(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
	       cp == 0x200F || cp == 0xFEFF;
}

void gw_clean_text(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0;
	int pending_space = 0;
	if (!dst || cap == 0)
		return;
	dst[0] = '\0';
	if (!src)
		return;
	for (size_t i = 0; i < n;) {
		unsigned long cp = 0;
		size_t len = utf8_decode((const unsigned char *)src + i, n - i, &cp);
		if (len == 0) { /* invalid byte: drop it */
			i++;
			continue;
		}
		if (is_unsafe_cp(cp) || cp == ' ') {
			/* newlines, tabs ... become one space, never leading */
			if (o > 0)
				pending_space = 1;
			i += len;
			continue;
		}
		if (o + pending_space + len > cap - 1)
			break; /* keep whole characters only */
		if (pending_space)
			dst[o++] = ' ';
		pending_space = 0;
		memcpy(dst + o, src + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
}

void gw_utf8_trim_tail(char *s)
{
	size_t n, lead;
	unsigned long cp;
	if (!s || !(n = strlen(s)))
		return;
	/* the lead byte of the last (possibly cut) sequence */
	lead = n - 1;
	while (lead > 0 && ((unsigned char)s[lead] & 0xC0) == 0x80 && n - lead < 4)
		lead--;
	if ((unsigned char)s[lead] >= 0x80 &&
	    utf8_decode((const unsigned char *)s + lead, n - lead, &cp) != n - lead)
		s[lead] = '\0';
}

/* An identifier we will reuse (order_id) or show (wallet identifier): a
 * string, or an integral number (some gateways send digits as numbers);
 * non-empty, short, no unsafe characters, valid UTF-8.  0 ok / -1. */
static int take_id(const cJSON *item, char *dst, size_t cap)
{
	const char *s;
	char num[32];
	if (cJSON_IsNumber(item)) {
		double d = item->valuedouble;
		if (!isfinite(d) || d < 0 || d > 9007199254740992.0 || (double)(int64_t)d != d)
			return -1;
		snprintf(num, sizeof num, "%.0f", d);
		s = num;
	} else if (cJSON_IsString(item) && item->valuestring) {
		s = item->valuestring;
	} else {
		return -1;
	}
	size_t n = strlen(s);
	if (n == 0 || n >= cap)
		return -1;
	for (size_t i = 0; i < n;) {
		unsigned long cp;
		size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (len == 0 || is_unsafe_cp(cp) || cp == ' ')
			return -1;
		i += len;
	}
	memcpy(dst, s, n + 1);
	return 0;
}

/* The gateway's message: a string, or (validation errors) the first string
 * inside an object/array.  Cleaned into out->message. */
static const char *find_message(const cJSON *item, int depth)
{
	if (!item || depth > 4)
		return NULL;
	if (cJSON_IsString(item))
		return item->valuestring;
	if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
		for (const cJSON *c = item->child; c; c = c->next) {
			const char *m = find_message(c, depth + 1);
			if (m && *m)
				return m;
		}
	}
	return NULL;
}

static void take_message(gw_result *out, const cJSON *item)
{
	const char *m = find_message(item, 0);
	if (m)
		gw_clean_text(out->message, sizeof out->message, m, strlen(m));
}

/* ---- error results ---------------------------------------------------- */

static void set_not_understood(gw_result *out, pk_err_kind kind)
{
	free(out->qr_data);
	out->qr_data = NULL;
	out->order_id[0] = '\0';
	out->identifier[0] = '\0';
	out->has_deposit_amount = false;
	out->deposit_amount = 0;
	out->status = GW_ST_NONE;
	pk_error_set_id(&out->err, kind, out->http_code,
			/* TRANSLATORS: the gateway's answer was garbled or unexpected */
			N_("The gateway sent an answer the kiosk does not understand"), NULL);
}

/* No definitive answer because of the HTTP status.  Whatever the body
 * said is dropped except the gateway's message (root: the parsed body, or
 * NULL), which is kept so that the cashier can be told it. */
static void set_http_error(gw_result *out, const cJSON *root)
{
	free(out->qr_data);
	out->qr_data = NULL;
	out->order_id[0] = '\0';
	out->identifier[0] = '\0';
	out->has_deposit_amount = false;
	out->deposit_amount = 0;
	if (!out->message[0] && cJSON_IsObject(root))
		take_message(out, cJSON_GetObjectItemCaseSensitive(root, "message"));
	out->status = GW_ST_NONE;
	pk_error_set_id(&out->err, PK_ERR_HTTP, out->http_code,
			N_("The gateway answered with an error (HTTP %ld)"), NULL);
}

static void set_fail(gw_result *out)
{
	out->status = GW_ST_FAIL;
	if (out->message[0])
		pk_error_set_id(&out->err, PK_ERR_GATEWAY_FAIL, out->http_code,
				/* TRANSLATORS: %s is the gateway's own message (often English) */
				N_("The gateway refused: %s"), out->message);
	else
		pk_error_set_id(&out->err, PK_ERR_GATEWAY_FAIL, out->http_code,
				N_("The gateway refused the request"), NULL);
	gw_utf8_trim_tail(out->err.msg);
}

/* ---- the single-quoted fail body -------------------------------------- */

/* Reads one quoted string ('...' or "...", backslash takes the next byte
 * literally) at *p; copies up to cap-1 bytes into dst.  0 ok / -1. */
static int sq_string(const char **p, const char *end, char *dst, size_t cap)
{
	const char *s = *p;
	size_t o = 0;
	if (s >= end || (*s != '\'' && *s != '"'))
		return -1;
	char q = *s++;
	while (s < end && *s != q) {
		if (*s == '\\') {
			s++;
			if (s >= end)
				return -1;
		}
		if (o + 1 < cap)
			dst[o++] = *s;
		s++;
	}
	if (s >= end)
		return -1;
	dst[o] = '\0';
	*p = s + 1;
	return 0;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* {'status': 'fail', 'message': 'X'} (any order, any quotes, only string
 * values).  Returns 1 and fills out->message if it is such a fail body. */
static int parse_single_quoted_fail(const char *body, size_t len, gw_result *out)
{
	const char *p = body, *end = body + len;
	char key[32], val[GW_MSG_MAX * 2];
	int is_fail = 0, have_msg = 0;
	char msg[GW_MSG_MAX * 2];
	p = skip_ws(p, end);
	if (p >= end || *p++ != '{')
		return 0;
	p = skip_ws(p, end);
	if (p < end && *p == '}')
		return 0;
	for (;;) {
		p = skip_ws(p, end);
		if (sq_string(&p, end, key, sizeof key) < 0)
			return 0;
		p = skip_ws(p, end);
		if (p >= end || *p++ != ':')
			return 0;
		p = skip_ws(p, end);
		if (sq_string(&p, end, val, sizeof val) < 0)
			return 0;
		if (strcmp(key, "status") == 0)
			is_fail = strcasecmp(val, "fail") == 0;
		else if (strcmp(key, "message") == 0 && !have_msg) {
			memcpy(msg, val, sizeof msg);
			have_msg = 1;
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}') {
			p++;
			break;
		}
		return 0;
	}
	if (skip_ws(p, end) != end || !is_fail)
		return 0;
	if (have_msg)
		gw_clean_text(out->message, sizeof out->message, msg, strlen(msg));
	return 1;
}

/* ---- per call --------------------------------------------------------- */

static const char *status_text(const cJSON *root)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsString(st) || !st->valuestring)
		return NULL;
	return st->valuestring;
}

static int is_status(const char *st, const char *want)
{
	return strcasecmp(st, want) == 0;
}

/* A number, or a string holding a JSON number ("6000", "100.50"). */
static int amount_value(const cJSON *item, double *out)
{
	if (cJSON_IsNumber(item)) {
		*out = item->valuedouble;
		return 0;
	}
	if (cJSON_IsString(item) && item->valuestring) {
		const char *s = item->valuestring;
		size_t n = strlen(s);
		const char *endp = NULL;
		if (n == 0 || n > 40)
			return -1;
		/* cJSON parses numbers independently of the C locale */
		cJSON *num = cJSON_ParseWithLengthOpts(s, n, &endp, 0);
		int ok = num && cJSON_IsNumber(num) && endp && skip_ws(endp, s + n) == s + n;
		if (ok)
			*out = num->valuedouble;
		cJSON_Delete(num);
		return ok ? 0 : -1;
	}
	return -1;
}

static void parse_wavepay_create(const cJSON *root, const char *st, gw_result *out)
{
	if (!is_status(st, "ok")) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
	if (!cJSON_IsObject(params) ||
	    take_id(cJSON_GetObjectItemCaseSensitive(params, "identifier"), out->identifier,
		    sizeof out->identifier) < 0) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	take_message(out, cJSON_GetObjectItemCaseSensitive(root, "message"));
	out->status = GW_ST_OK;
}

static void parse_wavepay_activate(const cJSON *root, const char *st, pk_currency cur,
				   gw_result *out)
{
	take_message(out, cJSON_GetObjectItemCaseSensitive(root, "message"));
	if (is_status(st, "pending")) {
		out->status = GW_ST_PENDING;
		return;
	}
	if (is_status(st, "possible_transaction_created")) {
		out->status = GW_ST_POSSIBLE_TX;
		return;
	}
	if (!is_status(st, "ok")) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "deposit"))) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	/* If the gateway names a currency, it must be the sale's: an amount in
	 * another currency would be read wrongly. */
	const cJSON *currency = cJSON_GetObjectItemCaseSensitive(root, "currency");
	if (currency && !cJSON_IsNull(currency)) {
		const cJSON *code = cJSON_IsObject(currency)
					    ? cJSON_GetObjectItemCaseSensitive(currency, "code")
					    : currency;
		if (cJSON_IsString(code) && code->valuestring &&
		    strcasecmp(code->valuestring, pk_currency_code(cur)) != 0) {
			set_not_understood(out, PK_ERR_BAD_SHAPE);
			return;
		}
	}
	const cJSON *amt = cJSON_GetObjectItemCaseSensitive(root, "deposit_amount");
	if (amt && !cJSON_IsNull(amt)) {
		double v;
		int64_t minor;
		if (amount_value(amt, &v) < 0 || pk_money_from_double(v, cur, &minor) < 0) {
			set_not_understood(out, PK_ERR_BAD_SHAPE);
			return;
		}
		out->has_deposit_amount = true;
		out->deposit_amount = minor;
	}
	out->status = GW_ST_OK;
}

static void parse_upi_create(const cJSON *root, const char *st, gw_result *out)
{
	if (!is_status(st, "ok")) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (!cJSON_IsObject(data)) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	if (take_id(cJSON_GetObjectItemCaseSensitive(data, "order_id"), out->order_id,
		    sizeof out->order_id) < 0) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	const cJSON *qr = cJSON_GetObjectItemCaseSensitive(data, "qr_data");
	if (!cJSON_IsString(qr) || !qr->valuestring) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	const char *q = qr->valuestring;
	size_t n = strlen(q);
	if (n > GW_QR_DATA_MAX && strncasecmp(q, "upi://", 6) == 0) {
		/* A real link, but no terminal QR code could carry it: refuse to
		 * show a wrong code. */
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		pk_error_set_id(&out->err, PK_ERR_BAD_SHAPE, out->http_code,
				N_("The gateway sent a payment link too long for a QR code"), NULL);
		return;
	}
	if (n > GW_QR_DATA_MAX || n <= 6 || strncasecmp(q, "upi://", 6) != 0) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
		return;
	}
	for (size_t i = 0; i < n;) {
		unsigned long cp;
		size_t len = utf8_decode((const unsigned char *)q + i, n - i, &cp);
		if (len == 0 || is_unsafe_cp(cp)) {
			set_not_understood(out, PK_ERR_BAD_SHAPE);
			return;
		}
		i += len;
	}
	out->qr_data = malloc(n + 1);
	if (!out->qr_data) {
		out->status = GW_ST_NONE;
		pk_error_set(&out->err, PK_ERR_NOMEM, "%s", _("Out of memory"));
		return;
	}
	memcpy(out->qr_data, q, n + 1);
	take_message(out, cJSON_GetObjectItemCaseSensitive(data, "message"));
	if (!out->message[0])
		take_message(out, cJSON_GetObjectItemCaseSensitive(root, "message"));
	out->status = GW_ST_OK;
}

static void parse_upi_status(const cJSON *root, const char *st, gw_result *out)
{
	take_message(out, cJSON_GetObjectItemCaseSensitive(root, "message"));
	if (is_status(st, "success"))
		out->status = GW_ST_SUCCESS;
	else if (is_status(st, "processing"))
		out->status = GW_ST_PROCESSING;
	else if (is_status(st, "failed"))
		out->status = GW_ST_FAILED;
	else
		set_not_understood(out, PK_ERR_BAD_SHAPE);
}

static void parse_settle(const cJSON *root, const char *st, gw_result *out)
{
	take_message(out, cJSON_GetObjectItemCaseSensitive(root, "message"));
	if (is_status(st, "ok"))
		out->status = GW_ST_OK;
	else
		set_not_understood(out, PK_ERR_BAD_SHAPE);
}

/* Exactly one JSON document (whitespace around it allowed), or NULL. */
static cJSON *parse_json(const char *body, size_t len)
{
	const char *endp = NULL;
	cJSON *root = len ? cJSON_ParseWithLengthOpts(body, len, &endp, 0) : NULL;
	if (root && (!endp || skip_ws(endp, body + len) != body + len)) {
		cJSON_Delete(root); /* trailing garbage */
		root = NULL;
	}
	return root;
}

/* A copy of body where each U+00A0 outside quoted strings ('..' or "..")
 * is two ASCII spaces; NULL if there is none (or no memory). */
static char *nbsp_to_spaces(const char *body, size_t len)
{
	size_t k = 0;
	while (k + 1 < len &&
	       !((unsigned char)body[k] == 0xC2 && (unsigned char)body[k + 1] == 0xA0))
		k++;
	if (k + 1 >= len)
		return NULL;
	char *copy = malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, body, len);
	copy[len] = '\0';
	char quote = 0;
	for (size_t i = 0; i < len; i++) {
		char c = copy[i];
		if (quote) {
			if (c == '\\')
				i++;
			else if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if ((unsigned char)c == 0xC2 && i + 1 < len &&
			   (unsigned char)copy[i + 1] == 0xA0) {
			copy[i] = ' ';
			copy[i + 1] = ' ';
			i++;
		}
	}
	return copy;
}

/* What the HTTP status lets the body say (see gw_parse_response). */
enum http_class {
	HTTP_BODY_DECIDES,  /* 2xx, or 0 (no HTTP) */
	HTTP_IF_DOCUMENTED, /* 4xx: a documented answer counts, nothing else */
	HTTP_NEVER_FINAL,   /* 5xx, 3xx, 1xx, anything else */
};

static enum http_class http_class(long code)
{
	if (code == 0 || (code >= 200 && code < 300))
		return HTTP_BODY_DECIDES;
	if (code >= 400 && code < 500)
		return HTTP_IF_DOCUMENTED;
	return HTTP_NEVER_FINAL;
}

/* The body alone, as if it came with 2xx. */
static void parse_body(gw_call call, const cJSON *root, const char *body, size_t len,
		       pk_currency cur, gw_result *out)
{
	if (!root) {
		if (len && parse_single_quoted_fail(body, len, out))
			set_fail(out);
		else
			set_not_understood(out, PK_ERR_NOT_JSON);
		return;
	}
	const char *st = cJSON_IsObject(root) ? status_text(root) : NULL;
	if (!st) {
		set_not_understood(out, PK_ERR_BAD_SHAPE);
	} else if (is_status(st, "fail")) {
		take_message(out, cJSON_GetObjectItemCaseSensitive(root, "message"));
		set_fail(out);
	} else {
		switch (call) {
		case GW_WAVEPAY_CREATE:
			parse_wavepay_create(root, st, out);
			break;
		case GW_WAVEPAY_ACTIVATE:
			parse_wavepay_activate(root, st, cur, out);
			break;
		case GW_UPI_CREATE:
			parse_upi_create(root, st, out);
			break;
		case GW_UPI_STATUS:
			parse_upi_status(root, st, out);
			break;
		case GW_SANDBOX_SETTLE:
			parse_settle(root, st, out);
			break;
		default:
			set_not_understood(out, PK_ERR_BAD_SHAPE);
			break;
		}
	}
}

void gw_parse_response(gw_call call, const char *body, size_t len, long http_code, pk_currency cur,
		       gw_result *out)
{
	if (!out)
		return;
	gw_result_free(out);
	gw_result_init(out, call);
	out->http_code = http_code;
	if (!body)
		len = 0;

	cJSON *root = parse_json(body, len);
	char *norm = NULL;
	if (!root && len && (norm = nbsp_to_spaces(body, len)) != NULL) {
		/* the docs' examples are indented with U+00A0: accept them */
		body = norm;
		root = parse_json(body, len);
	}
	parse_body(call, root, body, len, cur, out);

	switch (http_class(http_code)) {
	case HTTP_BODY_DECIDES:
		break;
	case HTTP_IF_DOCUMENTED:
		/* only a body we did not understand becomes the HTTP error */
		if (out->status == GW_ST_NONE &&
		    (out->err.kind == PK_ERR_NOT_JSON || out->err.kind == PK_ERR_BAD_SHAPE))
			set_http_error(out, root);
		break;
	case HTTP_NEVER_FINAL:
		/* a server error (or a redirect) is never the answer, even
		 * when its body looks like one: the sale stays open */
		set_http_error(out, root);
		break;
	}
	cJSON_Delete(root);
	free(norm);
}

/* ---- the amount a UPI link asks ------------------------------------------ */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into dst (cap bytes with the NUL).  -1 on a bad
 * escape, a decoded NUL, or no room. */
static int pct_decode(const char *s, size_t n, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return -1;
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return 0;
}

int gw_upi_link_amount(const char *qr_data, pk_currency cur, int64_t *minor)
{
	int found = 0;
	int64_t amount = 0;
	if (!qr_data || !minor || strncasecmp(qr_data, "upi://", 6) != 0)
		return -1;
	const char *q = strchr(qr_data, '?');
	if (!q)
		return -1;
	q++;
	size_t qlen = strcspn(q, "#"); /* a fragment is not part of the query */
	const char *end = q + qlen;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *pend = amp ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(pend - q));
		const char *kend = eq ? eq : pend;
		char key[8], val[40];
		/* names are case-sensitive: "AM" is another parameter */
		if (pct_decode(q, (size_t)(kend - q), key, sizeof key) == 0 &&
		    strcmp(key, "am") == 0) {
			int64_t v;
			if (kend - q != 2)
				return -1; /* "%61m": apps differ on whether that is "am" */
			if (!eq || pct_decode(eq + 1, (size_t)(pend - eq - 1), val, sizeof val) < 0 ||
			    pk_money_parse(val, cur, &v, NULL) < 0)
				return -1; /* an "am" we cannot read: no amount */
			if (found && v != amount)
				return -1; /* two amounts: which one would the app pay? */
			amount = v;
			found = 1;
		}
		q = amp ? amp + 1 : end;
	}
	if (!found)
		return -1;
	*minor = amount;
	return 0;
}
