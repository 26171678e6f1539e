/* store.c - postbacks, kiosk events, news and kiosks in PostgreSQL. */
#include "hub/store.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/i18n.h"
#include "common/postback.h"
#include "hub/match.h"
#include "hub/sql.h"

static const char *const trust_names[] = { [PK_TRUST_TRUSTED] = "trusted",
					   [PK_TRUST_UNTRUSTED] = "untrusted",
					   [PK_TRUST_UNREADABLE] = "unreadable" };

const char *pk_hub_trust_name(pk_hub_trust t)
{
	return t <= PK_TRUST_UNREADABLE ? trust_names[t] : "?";
}

static pk_hub_trust trust_parse(const char *s)
{
	for (int t = 0; t <= PK_TRUST_UNREADABLE; t++)
		if (strcmp(s, trust_names[t]) == 0)
			return (pk_hub_trust)t;
	return PK_TRUST_UNREADABLE;
}

/* Why a readable postback is not trusted (stored untranslated in
 * postbacks.problem; the report translates it). */
static const char *const PROBLEM_NO_KEYS =
	N_("the hub has no postback keys (access_key, private_key)");
static const char *const PROBLEM_NO_SIGNATURE = N_("the postback has no signature");
static const char *const PROBLEM_ACCESS_KEY =
	N_("access_key in the postback is not the hub's; signature does not match");
static const char *const PROBLEM_SIGNATURE = N_("signature does not match");

/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static bool utf8_valid(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len((const unsigned char *)s + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* A field of a postback as a database text: invalid UTF-8 bytes become
 * '?' (the raw body keeps the bytes as they came). */
static const char *clean(const char *s, char *buf, size_t cap)
{
	size_t len = strlen(s), o = 0;
	for (size_t i = 0; i < len && o + 5 < cap;) {
		size_t n = utf8_len((const unsigned char *)s + i, len - i);
		if (!n) {
			buf[o++] = '?';
			i++;
		} else {
			memcpy(buf + o, s + i, n);
			o += n;
			i += n;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* ---- postbacks ---- */

struct pb_ctx {
	const pk_hub_config *cfg;
	const char *body;
	size_t len;
	const pk_postback *pb; /* NULL when unreadable */
	pk_hub_trust trust;
	const char *problem;
	char dedupe[65];
	/* each transaction's match value as stored (pb->ntx of them) */
	char (*values)[4 * PK_PB_FIELD_MAX];
	char *lock_values; /* text[] of the values to lock: "{}" when untrusted */
	pk_hub_postback_result *out;
};

/* Store the transactions of a new postback, each with what it matches
 * now (the values' locks are held: PB_INSERT took them). */
static int insert_txs(PGconn *c, const struct pb_ctx *x, int64_t postback_id, pk_error *err)
{
	const pk_postback *pb = x->pb;
	pk_hub_postback_result *out = x->out;
	bool trusted = x->trust == PK_TRUST_TRUSTED;
	for (size_t i = 0; i < pb->ntx; i++) {
		const pk_pb_tx *tx = &pb->tx[i];
		char b[6][4 * PK_PB_FIELD_MAX];
		pk_hub_num pid, idx, amount, sale;
		pk_hub_tx_row row = {
			.value = x->values[i],
			.amount = tx->has_amount ? pk_hub_num_of(&amount, tx->amount_minor) : NULL,
			.currency = clean(tx->currency, b[1], sizeof b[1]),
			.txid = clean(tx->transaction_id, b[2], sizeof b[2]),
			.trusted = trusted,
		};
		pk_hub_match m = { .result = PK_RESULT_UNTRUSTED };
		if (trusted && pk_hub_match_find(c, x->cfg->match_field, &row, &m, err) < 0)
			return -1;
		const char *params[] = {
			pk_hub_num_of(&pid, postback_id),
			pk_hub_num_of(&idx, (int64_t)i),
			clean(tx->wallet_type, b[0], sizeof b[0]),
			row.currency,
			row.amount,
			row.txid,
			clean(tx->plugin_custom_order_id, b[3], sizeof b[3]),
			clean(tx->activated_datetime, b[4], sizeof b[4]),
			clean(pb->label, b[5], sizeof b[5]),
			row.value,
			pk_hub_result_name(m.result),
			m.sale_id ? pk_hub_num_of(&sale, m.sale_id) : NULL,
			trusted ? "t" : "f", /* matched now */
		};
		PGresult *r = pk_hub_run(c, err, PK_STMT_TX_INSERT, 13, params);
		if (!r)
			return -1;
		int64_t id = pk_hub_get_i64(r, 0, 0);
		PQclear(r);
		if (m.news && pk_hub_match_news(c, &m, id, row.txid, err) < 0)
			return -1;
		out->results[m.result]++;
		out->ntx++;
	}
	return 0;
}

/* A stored postback that verifies now: match its transactions that were
 * never matched (all of them when it was untrusted until now; none when it
 * was trusted before). */
static int match_unmatched(PGconn *c, pk_hub_match_field f, const char *postback_id,
			   pk_error *err)
{
	const char *params[] = { postback_id, pk_hub_result_name(PK_RESULT_UNTRUSTED) };
	PGresult *r = pk_hub_run(c, err, PK_STMT_PB_TXS_WITH_RESULT, 2, params);
	if (!r)
		return -1;
	int n = PQntuples(r), rc = 0;
	const char **values = calloc(n > 0 ? (size_t)n : 1, sizeof *values);
	if (!values)
		rc = pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	for (int i = 0; rc == 0 && i < n; i++)
		values[i] = PQgetvalue(r, i, 1);
	if (rc == 0)
		rc = pk_hub_match_lock(c, values, (size_t)n, err);
	for (int i = 0; rc == 0 && i < n; i++) {
		pk_hub_tx_row t = pk_hub_tx_row_of(r, i, true);
		rc = pk_hub_match_tx(c, f, &t, NULL, err);
	}
	free(values);
	PQclear(r);
	return rc;
}

static int pb_results(PGconn *c, const char *postback_id, pk_hub_postback_result *out,
		      pk_error *err)
{
	const char *params[] = { postback_id };
	PGresult *r = pk_hub_run(c, err, PK_STMT_PB_RESULTS, 1, params);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		pk_hub_result res;
		int cnt = (int)pk_hub_get_i64(r, i, 1);
		if (pk_hub_result_parse(PQgetvalue(r, i, 0), &res) == 0)
			out->results[res] += cnt;
		out->ntx += cnt;
	}
	PQclear(r);
	return 0;
}

/* Seen before: count it, and match it when it verifies now.  0 when
 * counted, 1 when the row is not there (gone since the insert saw it). */
static int pb_repeat(PGconn *c, struct pb_ctx *x, pk_error *err)
{
	pk_hub_postback_result *out = x->out;
	bool trusted = x->trust == PK_TRUST_TRUSTED;
	const char *params[] = { x->dedupe, trusted ? "t" : "f",
				 pk_hub_trust_name(PK_TRUST_TRUSTED) };
	PGresult *r = pk_hub_run(c, err, PK_STMT_PB_SEEN, 3, params);
	if (!r)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 1;
	}
	char id[24];
	snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
	out->id = pk_hub_get_i64(r, 0, 0);
	out->trust = trust_parse(PQgetvalue(r, 0, 1));
	snprintf(out->problem, sizeof out->problem, "%s", PQgetvalue(r, 0, 2));
	out->times_seen = pk_hub_get_i64(r, 0, 3);
	out->repeat = true;
	PQclear(r);
	if (trusted && match_unmatched(c, x->cfg->match_field, id, err) < 0)
		return -1;
	return pb_results(c, id, out, err);
}

static int pb_tx(PGconn *c, void *arg, pk_error *err)
{
	struct pb_ctx *x = arg;
	pk_hub_postback_result *out = x->out;
	for (int tries = 0; tries < 3; tries++) {
		memset(out, 0, sizeof *out);
		const char *params[] = { x->body, pk_hub_trust_name(x->trust),
					 x->problem ? x->problem : "", x->dedupe, x->lock_values };
		const int lengths[] = { (int)x->len, 0, 0, 0, 0 };
		const int formats[] = { 1, 0, 0, 0, 0 };
		PGresult *r = pk_hub_runb(c, err, PK_STMT_PB_INSERT, PK_MATCH_PLUGIN_CUSTOM_ORDER_ID,
					  5, params, lengths, formats);
		if (!r)
			return -1;
		bool fresh = PQntuples(r) == 1;
		if (fresh)
			out->id = pk_hub_get_i64(r, 0, 0);
		PQclear(r);
		if (fresh) {
			/* what was just stored: no need to read it back */
			out->trust = x->trust;
			snprintf(out->problem, sizeof out->problem, "%s",
				 x->problem ? x->problem : "");
			out->times_seen = 1;
			return x->pb ? insert_txs(c, x, out->id, err) : 0;
		}
		/* seen before (or another hub stored it a moment ago) */
		int rc = pb_repeat(c, x, err);
		if (rc <= 0)
			return rc;
	}
	return pk_error_set(err, PK_ERR_TRANSPORT, "%s",
			    "database: the postback row could not be stored");
}

/* The match values of a readable postback's transactions as they are
 * stored, and the text[] of those to lock (none unless trusted). */
static int pb_values(struct pb_ctx *x, pk_error *err)
{
	const pk_postback *pb = x->pb;
	size_t n = pb ? pb->ntx : 0;
	x->values = calloc(n ? n : 1, sizeof *x->values);
	const char **list = calloc(n ? n : 1, sizeof *list);
	size_t nlock = 0;
	for (size_t i = 0; x->values && list && i < n; i++) {
		clean(pk_hub_tx_match_value(x->cfg->match_field, pb, &pb->tx[i]), x->values[i],
		      sizeof x->values[i]);
		if (x->trust == PK_TRUST_TRUSTED)
			list[nlock++] = x->values[i];
	}
	x->lock_values = x->values && list ? pk_hub_text_array(list, nlock) : NULL;
	free(list);
	if (!x->lock_values)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	return 0;
}

int pk_hub_store_postback(pk_hub_db *db, const pk_hub_config *cfg, const char *body, size_t len,
			  pk_hub_postback_result *out, pk_error *err)
{
	pk_postback pb;
	pk_error perr = { 0 };
	struct pb_ctx x = { .cfg = cfg, .body = body ? body : "", .len = body ? len : 0,
			    .out = out };
	bool readable = pk_postback_read(x.body, x.len, &pb, &perr) == 0;
	int rc;
	if (!readable) {
		x.trust = PK_TRUST_UNREADABLE;
		x.problem = perr.msg;
		/* the raw bytes are the key: a re-sent body is stored once */
		size_t klen = x.len + 12;
		char *k = malloc(klen);
		if (!k)
			return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
		memcpy(k, "unreadable\n", 11);
		memcpy(k + 11, x.body, x.len);
		rc = pk_sha256_hex(k, x.len + 11, x.dedupe, err);
		free(k);
	} else {
		x.pb = &pb;
		bool keys = cfg->access_key && cfg->private_key;
		if (pk_postback_verify(&pb, cfg->access_key, cfg->private_key))
			x.trust = PK_TRUST_TRUSTED;
		else {
			x.trust = PK_TRUST_UNTRUSTED;
			x.problem = !keys		  ? PROBLEM_NO_KEYS
				    : !pb.signature[0] ? PROBLEM_NO_SIGNATURE
				    : pb.access_key[0] && strcmp(pb.access_key, cfg->access_key) != 0
					    ? PROBLEM_ACCESS_KEY
					    : PROBLEM_SIGNATURE;
		}
		/* the key: sha256(canonical additional_data . signature) */
		size_t cl = strlen(pb.canonical), sl = strlen(pb.signature);
		char *k = malloc(cl + sl + 1);
		if (!k) {
			pk_postback_free(&pb);
			return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
		}
		memcpy(k, pb.canonical, cl);
		memcpy(k + cl, pb.signature, sl);
		rc = pk_sha256_hex(k, cl + sl, x.dedupe, err);
		free(k);
	}
	if (rc == 0)
		rc = pb_values(&x, err);
	if (rc == 0)
		rc = pk_hub_db_run(db, pb_tx, &x, err);
	free(x.values);
	free(x.lock_values);
	if (readable)
		pk_postback_free(&pb);
	return rc;
}

/* ---- kiosk events ----
 * The messages here answer a kiosk (HTTP 400) and go to the log: protocol
 * text, stable English whatever the hub's locale. */

static int ev_fail(pk_error *err, size_t i, const char *field, const char *why)
{
	return pk_error_set(err, PK_ERR_BAD_SHAPE, "events[%zu].%s: %s", i, field, why);
}

/* A whole number in [min, 2^53]. */
static int get_int(const cJSON *o, const char *key, bool required, int64_t min, int64_t *out,
		   size_t i, const char *path, pk_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char field[64];
	snprintf(field, sizeof field, "%s%s", path, key);
	if (!v) {
		if (required)
			return ev_fail(err, i, field, "missing");
		return 1;
	}
	double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
	/* in range first (NaN fails it too), then no fraction */
	if (!(d >= (double)min && d <= 9007199254740992.0) || d != (double)(int64_t)d)
		return ev_fail(err, i, field, "must be a whole number");
	*out = (int64_t)d;
	return 0;
}

static int get_str(const cJSON *o, const char *key, bool required, char *out, size_t cap,
		   size_t i, const char *path, pk_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char field[64];
	snprintf(field, sizeof field, "%s%s", path, key);
	out[0] = '\0';
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return ev_fail(err, i, field, "missing");
		return 0;
	}
	if (!cJSON_IsString(v))
		return ev_fail(err, i, field, "must be a string");
	size_t len = strlen(v->valuestring);
	if (len >= cap)
		return ev_fail(err, i, field, "too long");
	if (!utf8_valid(v->valuestring))
		return ev_fail(err, i, field, "not UTF-8");
	if (required && len == 0)
		return ev_fail(err, i, field, "empty");
	memcpy(out, v->valuestring, len + 1);
	return 0;
}

static int parse_event(const cJSON *e, size_t i, pk_hub_event *ev, pk_error *err)
{
	memset(ev, 0, sizeof *ev);
	if (!cJSON_IsObject(e))
		return pk_error_set(err, PK_ERR_BAD_SHAPE, "events[%zu]: not an object", i);
	const cJSON *sale = cJSON_GetObjectItemCaseSensitive(e, "sale");
	if (!cJSON_IsObject(sale))
		return ev_fail(err, i, "sale", "missing");
	char outcome[32];
	if (get_int(e, "seq", true, 1, &ev->seq, i, "", err) != 0 ||
	    get_str(e, "from", false, ev->from, sizeof ev->from, i, "", err) != 0 ||
	    get_str(e, "to", true, ev->to, sizeof ev->to, i, "", err) != 0 ||
	    get_str(e, "outcome", true, outcome, sizeof outcome, i, "", err) != 0 ||
	    get_int(e, "at", true, 0, &ev->at, i, "", err) != 0 ||
	    get_str(e, "note", false, ev->note, sizeof ev->note, i, "", err) != 0 ||
	    get_int(sale, "id", true, 1, &ev->sale_id, i, "sale.", err) != 0 ||
	    get_str(sale, "ctid", true, ev->ctid, sizeof ev->ctid, i, "sale.", err) != 0 ||
	    get_str(sale, "order_id", false, ev->order_id, sizeof ev->order_id, i, "sale.",
		    err) != 0 ||
	    get_str(sale, "method", true, ev->method, sizeof ev->method, i, "sale.", err) != 0 ||
	    get_str(sale, "currency", true, ev->currency, sizeof ev->currency, i, "sale.",
		    err) != 0 ||
	    get_int(sale, "amount", true, 0, &ev->amount, i, "sale.", err) != 0 ||
	    get_str(sale, "label", false, ev->label, sizeof ev->label, i, "sale.", err) != 0 ||
	    get_str(sale, "key1", false, ev->key1, sizeof ev->key1, i, "sale.", err) != 0)
		return -1;
	int r = get_int(sale, "created_at", false, 0, &ev->created_at, i, "sale.", err);
	if (r < 0)
		return -1;
	if (r == 1)
		ev->created_at = ev->at;
	if (pk_hub_outcome_parse(outcome, &ev->outcome) < 0)
		return ev_fail(err, i, "outcome",
			       "must be paid, not_paid, nothing, not_known or none");
	return 0;
}

int pk_hub_events_parse(const char *body, size_t len, pk_hub_event **events, size_t *n,
			pk_error *err)
{
	*events = NULL;
	*n = 0;
	cJSON *root = cJSON_ParseWithLength(body, len);
	if (!root)
		return pk_error_set(err, PK_ERR_NOT_JSON, "%s", "the body is not JSON");
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "events");
	int rc = 0;
	if (!cJSON_IsArray(arr))
		rc = pk_error_set(err, PK_ERR_BAD_SHAPE, "%s", "no \"events\" array");
	size_t count = rc == 0 ? (size_t)cJSON_GetArraySize(arr) : 0;
	pk_hub_event *ev = rc == 0 ? calloc(count ? count : 1, sizeof *ev) : NULL;
	if (rc == 0 && !ev)
		rc = pk_error_set(err, PK_ERR_NOMEM, "%s", "Out of memory");
	size_t i = 0;
	const cJSON *e;
	if (rc == 0) {
		cJSON_ArrayForEach(e, arr)
		{
			if (parse_event(e, i, &ev[i], err) < 0) {
				rc = -1;
				break;
			}
			i++;
		}
	}
	cJSON_Delete(root);
	if (rc < 0) {
		free(ev);
		return -1;
	}
	*events = ev;
	*n = count;
	return 0;
}

struct ev_ctx {
	const pk_hub_config *cfg;
	int64_t kiosk_id;
	const pk_hub_event *events;
	size_t n;
	int64_t *changed; /* sale ids (room for n) */
	int64_t acked;
};

/* Note a changed sale once. */
static void note_changed(struct ev_ctx *x, size_t *n, int64_t id)
{
	for (size_t k = 0; k < *n; k++)
		if (x->changed[k] == id)
			return;
	x->changed[(*n)++] = id;
}

static int ev_tx(PGconn *c, void *arg, pk_error *err)
{
	struct ev_ctx *x = arg;
	size_t nchanged = 0;
	pk_hub_num kiosk;
	pk_hub_num_of(&kiosk, x->kiosk_id);
	x->acked = -1; /* not known yet */
	for (size_t i = 0; i < x->n; i++) {
		const pk_hub_event *e = &x->events[i];
		pk_hub_num seq, sale, at, amount, created;
		const char *ep[] = { kiosk.s,
				     pk_hub_num_of(&seq, e->seq),
				     pk_hub_num_of(&sale, e->sale_id),
				     e->ctid,
				     e->from,
				     e->to,
				     pk_hub_outcome_name(e->outcome),
				     pk_hub_num_of(&at, e->at),
				     e->note,
				     e->method,
				     e->currency,
				     pk_hub_num_of(&amount, e->amount),
				     e->label,
				     e->order_id,
				     e->key1,
				     pk_hub_num_of(&created, e->created_at),
				     pk_hub_outcome_name(PK_HUB_OUTCOME_PAID) };
		PGresult *r = pk_hub_run(c, err, PK_STMT_EVENT_STORE, 17, ep);
		if (!r)
			return -1;
		bool fresh = pk_hub_get_i64(r, 0, 0) > 0;
		bool changed = !PQgetisnull(r, 0, 1);
		int64_t sale_row = pk_hub_get_i64(r, 0, 1);
		x->acked = pk_hub_get_i64(r, 0, 2);
		PQclear(r);
		if (!fresh)
			continue; /* stored before: a re-sent event */
		if (changed) {
			note_changed(x, &nchanged, sale_row);
			continue;
		}
		/* An earlier event arriving late: the sale stays as a later one
		 * said, but every ctid it has had stays findable. */
		const char *cp[] = { kiosk.s, sale.s, e->ctid, seq.s };
		r = pk_hub_run(c, err, PK_STMT_EVENT_CTID, 4, cp);
		if (!r)
			return -1;
		if (PQntuples(r) == 1)
			note_changed(x, &nchanged, pk_hub_get_i64(r, 0, 0));
		PQclear(r);
	}
	if (pk_hub_rematch_sales(c, x->cfg->match_field, x->changed, nchanged, err) < 0)
		return -1;
	if (x->acked >= 0)
		return 0;
	const char *kp[] = { kiosk.s }; /* no events in the request */
	PGresult *r = pk_hub_run(c, err, PK_STMT_EVENTS_ACKED, 1, kp);
	if (!r)
		return -1;
	x->acked = pk_hub_get_i64(r, 0, 0);
	PQclear(r);
	return 0;
}

int pk_hub_store_events(pk_hub_db *db, const pk_hub_config *cfg, int64_t kiosk_id,
			const pk_hub_event *events, size_t n, int64_t *acked, pk_error *err)
{
	struct ev_ctx x = { .cfg = cfg, .kiosk_id = kiosk_id, .events = events, .n = n };
	x.changed = calloc(n ? n : 1, sizeof *x.changed);
	if (!x.changed)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	int rc = pk_hub_db_run(db, ev_tx, &x, err);
	free(x.changed);
	if (rc == 0)
		*acked = x.acked;
	return rc;
}

/* ---- news ---- */

struct news_ctx {
	int64_t kiosk_id, after;
	pk_hub_news *out;
	size_t n;
};

static void copy_col(char *dst, size_t cap, const PGresult *r, int row, int col)
{
	snprintf(dst, cap, "%s", PQgetvalue(r, row, col));
}

static int news_tx(PGconn *c, void *arg, pk_error *err)
{
	struct news_ctx *x = arg;
	x->n = 0;
	pk_hub_num kiosk, after, limit;
	const char *params[] = { pk_hub_num_of(&kiosk, x->kiosk_id),
				 pk_hub_num_of(&after, x->after),
				 pk_hub_num_of(&limit, PK_HUB_NEWS_BATCH) };
	/* the sale as it is now: its kiosk's id for it, its current ctid */
	PGresult *r = pk_hub_run(c, err, PK_STMT_NEWS_AFTER, 3, params);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r) && i < PK_HUB_NEWS_BATCH; i++) {
		pk_hub_news *n = &x->out[x->n++];
		n->id = pk_hub_get_i64(r, i, 0);
		copy_col(n->ctid, sizeof n->ctid, r, i, 1);
		copy_col(n->order_id, sizeof n->order_id, r, i, 2);
		copy_col(n->outcome, sizeof n->outcome, r, i, 3);
		n->amount = pk_hub_get_i64(r, i, 4);
		copy_col(n->currency, sizeof n->currency, r, i, 5);
		copy_col(n->transaction_id, sizeof n->transaction_id, r, i, 6);
		n->at = pk_hub_get_i64(r, i, 7);
		n->sale_id = pk_hub_get_i64(r, i, 8);
	}
	PQclear(r);
	return 0;
}

int pk_hub_news_after(pk_hub_db *db, int64_t kiosk_id, int64_t after, pk_hub_news *out,
		      size_t *n, pk_error *err)
{
	struct news_ctx x = { .kiosk_id = kiosk_id, .after = after, .out = out };
	int rc = pk_hub_db_run1(db, news_tx, &x, err);
	*n = rc == 0 ? x.n : 0;
	return rc;
}

/* ---- kiosks ---- */

struct token_ctx {
	const char *hash;
	int64_t kiosk_id;
};

static int token_tx(PGconn *c, void *arg, pk_error *err)
{
	struct token_ctx *x = arg;
	const char *params[] = { x->hash };
	PGresult *r = pk_hub_run(c, err, PK_STMT_KIOSK_BY_TOKEN, 1, params);
	if (!r)
		return -1;
	x->kiosk_id = PQntuples(r) == 1 ? pk_hub_get_i64(r, 0, 0) : 0;
	PQclear(r);
	return 0;
}

int pk_hub_kiosk_by_token(pk_hub_db *db, const char *token, int64_t *kiosk_id, pk_error *err)
{
	char hash[65];
	*kiosk_id = 0;
	if (!token || !*token)
		return 0;
	if (pk_sha256_hex(token, strlen(token), hash, err) < 0)
		return -1;
	struct token_ctx x = { .hash = hash };
	int rc = pk_hub_db_run1(db, token_tx, &x, err);
	if (rc == 0)
		*kiosk_id = x.kiosk_id;
	return rc;
}

static int check_name(const char *what, const char *s, pk_error *err)
{
	size_t len = strlen(s);
	bool ok = len > 0 && len <= 100 && utf8_valid(s);
	for (const unsigned char *p = (const unsigned char *)s; ok && *p; p++)
		ok = *p >= 0x20 && *p != 0x7f;
	if (!ok)
		/* TRANSLATORS: %s is SHOP or COUNTER */
		return pk_error_set(err, PK_ERR_INVALID,
				    _("%s must be 1 to 100 characters of text, no control characters"),
				    what);
	return 0;
}

int pk_hub_add_kiosk(PGconn *c, const char *shop, const char *counter, char token[65],
		     pk_error *err)
{
	token[0] = '\0';
	if (check_name("SHOP", shop, err) < 0 || check_name("COUNTER", counter, err) < 0)
		return -1;
	unsigned char raw[32];
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return pk_error_set(err, PK_ERR_IO, "%s", _("no random numbers for the token"));
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof raw; i++) {
		token[2 * i] = hex[raw[i] >> 4];
		token[2 * i + 1] = hex[raw[i] & 15];
	}
	token[64] = '\0';
	explicit_bzero(raw, sizeof raw);
	char hash[65];
	if (pk_sha256_hex(token, 64, hash, err) < 0)
		goto fail;
	const char *params[] = { shop, counter, hash };
	if (pk_hub_cmd(c, err,
		       "INSERT INTO kiosks (shop, counter, token_sha256) VALUES ($1, $2, $3)"
		       " ON CONFLICT (shop, counter) DO UPDATE SET"
		       " token_sha256 = excluded.token_sha256, token_issued_at = now()",
		       3, params) < 0)
		goto fail;
	return 0;
fail:
	explicit_bzero(token, 65);
	return -1;
}

static int ping_tx(PGconn *c, void *arg, pk_error *err)
{
	(void)arg;
	return pk_hub_cmd(c, err, "SELECT 1", 0, NULL);
}

int pk_hub_ping(pk_hub_db *db, pk_error *err)
{
	return pk_hub_db_run1(db, ping_tx, NULL, err);
}
