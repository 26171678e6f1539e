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
	pk_hub_postback_result *out;
};

static int match_all(PGconn *c, pk_hub_match_field f, const char *postback_id, pk_error *err)
{
	const char *params[] = { postback_id };
	PGresult *r = pk_hub_exec(c, err,
				  "SELECT id, match_value FROM postback_txs WHERE postback_id = $1"
				  " ORDER BY idx",
				  1, params);
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
	for (int i = 0; rc == 0 && i < n; i++)
		rc = pk_hub_match_tx(c, f, pk_hub_get_i64(r, i, 0), NULL, err);
	free(values);
	PQclear(r);
	return rc;
}

static int insert_txs(PGconn *c, const struct pb_ctx *x, const char *postback_id, pk_error *err)
{
	const pk_postback *pb = x->pb;
	for (size_t i = 0; i < pb->ntx; i++) {
		const pk_pb_tx *tx = &pb->tx[i];
		char b[7][4 * PK_PB_FIELD_MAX];
		pk_hub_num idx, amount;
		const char *params[] = {
			postback_id,
			pk_hub_num_of(&idx, (int64_t)i),
			clean(tx->wallet_type, b[0], sizeof b[0]),
			clean(tx->currency, b[1], sizeof b[1]),
			tx->has_amount ? pk_hub_num_of(&amount, tx->amount_minor) : NULL,
			clean(tx->transaction_id, b[2], sizeof b[2]),
			clean(tx->plugin_custom_order_id, b[3], sizeof b[3]),
			clean(tx->activated_datetime, b[4], sizeof b[4]),
			clean(pb->label, b[5], sizeof b[5]),
			clean(pk_hub_tx_match_value(x->cfg->match_field, pb, tx), b[6],
			      sizeof b[6]),
			pk_hub_result_name(x->trust == PK_TRUST_TRUSTED ? PK_RESULT_NO_SALE
									: PK_RESULT_UNTRUSTED),
		};
		if (pk_hub_cmd(c, err,
			       "INSERT INTO postback_txs (postback_id, idx, wallet_type, currency,"
			       " amount, transaction_id, plugin_custom_order_id, activated_datetime,"
			       " label, match_value, match_result)"
			       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			       11, params) < 0)
			return -1;
	}
	return 0;
}

static int pb_results(PGconn *c, const char *postback_id, pk_hub_postback_result *out,
		      pk_error *err)
{
	const char *params[] = { postback_id };
	PGresult *r = pk_hub_exec(c, err,
				  "SELECT match_result, count(*) FROM postback_txs WHERE postback_id = $1"
				  " GROUP BY 1",
				  1, params);
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

static int pb_tx(PGconn *c, void *arg, pk_error *err)
{
	struct pb_ctx *x = arg;
	pk_hub_postback_result *out = x->out;
	memset(out, 0, sizeof *out);
	const char *dedupe[] = { x->dedupe };
	char id[24] = "";
	for (int tries = 0; tries < 3 && !id[0]; tries++) {
		PGresult *r = pk_hub_exec(
			c, err, "SELECT id, trust FROM postbacks WHERE dedupe_key = $1 FOR UPDATE", 1,
			dedupe);
		if (!r)
			return -1;
		if (PQntuples(r) == 1) {
			snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
			bool upgrade = x->trust == PK_TRUST_TRUSTED &&
				       strcmp(PQgetvalue(r, 0, 1), "trusted") != 0;
			PQclear(r);
			/* seen before: count it; a repeat that verifies now is trusted now */
			const char *up[] = { id, upgrade ? "t" : "f" };
			if (pk_hub_cmd(c, err,
				       "UPDATE postbacks SET times_seen = times_seen + 1,"
				       " last_seen_at = now(),"
				       " trust = CASE WHEN $2::boolean THEN 'trusted' ELSE trust END,"
				       " problem = CASE WHEN $2::boolean THEN '' ELSE problem END"
				       " WHERE id = $1",
				       2, up) < 0)
				return -1;
			out->repeat = true;
			if (upgrade && match_all(c, x->cfg->match_field, id, err) < 0)
				return -1;
			break;
		}
		PQclear(r);
		const char *params[] = { x->body, pk_hub_trust_name(x->trust),
					 x->problem ? x->problem : "", x->dedupe };
		const int lengths[] = { (int)x->len, 0, 0, 0 };
		const int formats[] = { 1, 0, 0, 0 };
		r = pk_hub_execb(c, err,
				 "INSERT INTO postbacks (body, trust, problem, dedupe_key)"
				 " VALUES ($1::bytea, $2, $3, $4)"
				 " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
				 4, params, lengths, formats);
		if (!r)
			return -1;
		if (PQntuples(r) == 1) {
			snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
			PQclear(r);
			if (x->pb && insert_txs(c, x, id, err) < 0)
				return -1;
			if (x->trust == PK_TRUST_TRUSTED &&
			    match_all(c, x->cfg->match_field, id, err) < 0)
				return -1;
			break;
		}
		PQclear(r); /* another hub stored it a moment ago: count it as a repeat */
	}
	if (!id[0])
		return pk_error_set(err, PK_ERR_TRANSPORT, "%s",
				    "database: the postback row could not be stored");
	const char *params[] = { id };
	PGresult *r = pk_hub_exec(c, err,
				  "SELECT trust, problem, times_seen FROM postbacks WHERE id = $1", 1,
				  params);
	if (!r)
		return -1;
	out->id = strtoll(id, NULL, 10);
	out->trust = trust_parse(PQgetvalue(r, 0, 0));
	snprintf(out->problem, sizeof out->problem, "%s", PQgetvalue(r, 0, 1));
	out->times_seen = pk_hub_get_i64(r, 0, 2);
	PQclear(r);
	return pb_results(c, id, out, err);
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
		rc = pk_hub_db_run(db, pb_tx, &x, err);
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
				     e->note };
		PGresult *r = pk_hub_exec(
			c, err,
			"INSERT INTO kiosk_events (kiosk_id, seq, kiosk_sale_id, custom_transaction_id,"
			" from_state, to_state, outcome, at, note)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8::bigint), $9)"
			" ON CONFLICT (kiosk_id, seq) DO NOTHING RETURNING seq",
			9, ep);
		if (!r)
			return -1;
		bool fresh = PQntuples(r) == 1;
		PQclear(r);
		if (!fresh)
			continue; /* stored before: a re-sent event */
		/* The sale is (kiosk, sale id); the latest event (highest seq)
		 * says what it is now, its ctid included. */
		const char *sp[] = { kiosk.s,
				     sale.s,
				     e->ctid,
				     e->method,
				     e->currency,
				     pk_hub_num_of(&amount, e->amount),
				     e->label,
				     e->order_id,
				     e->key1,
				     e->to,
				     pk_hub_outcome_name(e->outcome),
				     seq.s,
				     pk_hub_num_of(&created, e->created_at),
				     at.s,
				     pk_hub_outcome_name(PK_HUB_OUTCOME_PAID) };
		r = pk_hub_exec(
			c, err,
			"INSERT INTO sales AS s (kiosk_id, kiosk_sale_id, custom_transaction_id, method,"
			" currency, amount, label, order_id, key1, state, outcome, last_seq, created_at,"
			" updated_at, paid_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
			" to_timestamp($13::bigint), to_timestamp($14::bigint),"
			" CASE WHEN $11 = $15 THEN to_timestamp($14::bigint) END)"
			" ON CONFLICT (kiosk_id, kiosk_sale_id) DO UPDATE SET"
			" custom_transaction_id = excluded.custom_transaction_id,"
			" method = excluded.method, currency = excluded.currency,"
			" amount = excluded.amount, label = excluded.label,"
			" order_id = CASE WHEN excluded.order_id <> '' THEN excluded.order_id"
			"  ELSE s.order_id END,"
			" key1 = CASE WHEN excluded.key1 <> '' THEN excluded.key1 ELSE s.key1 END,"
			" state = excluded.state, outcome = excluded.outcome,"
			" last_seq = excluded.last_seq, updated_at = excluded.updated_at,"
			" paid_at = coalesce(s.paid_at, excluded.paid_at)"
			" WHERE s.last_seq < excluded.last_seq RETURNING id",
			15, sp);
		if (!r)
			return -1;
		if (PQntuples(r) == 1)
			note_changed(x, &nchanged, pk_hub_get_i64(r, 0, 0));
		PQclear(r);
		/* Every ctid the sale has had stays findable (an earlier event
		 * arriving late brings its ctid too). */
		const char *cp[] = { kiosk.s, sale.s, e->ctid, seq.s };
		r = pk_hub_exec(c, err,
				"INSERT INTO sale_ctids (sale_id, custom_transaction_id, first_seq)"
				" SELECT id, $3, $4 FROM sales WHERE kiosk_id = $1 AND kiosk_sale_id = $2"
				" ON CONFLICT (sale_id, custom_transaction_id) DO NOTHING RETURNING sale_id",
				4, cp);
		if (!r)
			return -1;
		if (PQntuples(r) == 1)
			note_changed(x, &nchanged, pk_hub_get_i64(r, 0, 0));
		PQclear(r);
	}
	if (pk_hub_rematch_sales(c, x->cfg->match_field, x->changed, nchanged, err) < 0)
		return -1;
	const char *kp[] = { kiosk.s };
	PGresult *r = pk_hub_exec(c, err,
				  "SELECT coalesce(max(seq), 0) FROM kiosk_events WHERE kiosk_id = $1",
				  1, kp);
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
	PGresult *r = pk_hub_exec(c, err,
				  "SELECT n.id, s.custom_transaction_id, n.order_id, n.outcome, n.amount,"
				  " n.currency, n.transaction_id, extract(epoch FROM n.at)::bigint,"
				  " s.kiosk_sale_id FROM news n JOIN sales s ON s.id = n.sale_id"
				  " WHERE n.kiosk_id = $1 AND n.id > $2 ORDER BY n.id LIMIT $3",
				  3, params);
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
	int rc = pk_hub_db_run(db, news_tx, &x, err);
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
	PGresult *r = pk_hub_exec(c, err, "SELECT id FROM kiosks WHERE token_sha256 = $1", 1,
				  params);
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
	int rc = pk_hub_db_run(db, token_tx, &x, err);
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
	return pk_hub_db_run(db, ping_tx, NULL, err);
}
