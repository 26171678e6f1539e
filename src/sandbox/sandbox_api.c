/* sandbox_api.c - what the sandbox answers: request validation against the
 * spec's tables and the scenario logic (orders, activations, faults,
 * control calls).  No HTTP here: a request comes in as method, path,
 * secret and body; an sb_reply goes out. */
#include "sandbox/sandbox.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/error.h"
#include "common/postback.h"

static const char *const call_names[SB_CALL__COUNT] = {
	[SB_WAVEPAY_CREATE] = "wavepay_create", [SB_WAVEPAY_ACTIVATE] = "wavepay_activate",
	[SB_UPI_CREATE] = "upi_create", [SB_UPI_STATUS] = "upi_status",
	[SB_SETTLE] = "settle", [SB_FAULT] = "fault", [SB_STATS] = "stats",
	[SB_LEDGER] = "ledger", [SB_CHAOS] = "chaos", [SB_POSTBACKS] = "postbacks",
	[SB_POSTBACK_NOW] = "postback",
};

static const char *const fault_names[SB_FAULT__COUNT] = {
	[SB_FAULT_NONE] = "none", [SB_FAULT_HTTP500_HTML] = "http500_html",
	[SB_FAULT_EMPTY] = "empty", [SB_FAULT_SINGLE_QUOTE] = "single_quote_fail",
	[SB_FAULT_WRONG_SHAPE] = "wrong_shape", [SB_FAULT_NOT_UPI] = "not_upi",
	[SB_FAULT_HUGE_BODY] = "huge_body", [SB_FAULT_HANG] = "hang",
	[SB_FAULT_TRICKLE] = "trickle", [SB_FAULT_RESET] = "reset",
	[SB_FAULT_LONG_QR] = "long_qr", [SB_FAULT_HTTP_CODE] = "http_code",
	[SB_FAULT_FAIL_HTTP] = "fail_http", [SB_FAULT_OK_NO_DEPOSIT] = "ok_no_deposit",
	[SB_FAULT_RESEND_FAIL] = "resend_fail", [SB_FAULT_QR_WRONG_AMOUNT] = "qr_wrong_amount",
	[SB_FAULT_QR_NO_AMOUNT] = "qr_no_amount", [SB_FAULT_RESET_AFTER] = "reset_after",
	[SB_FAULT_HANG_AFTER] = "hang_after", [SB_FAULT_HTML500_AFTER] = "html500_after",
};

/* chaos's default modes (the brief's soak list) */
static const sb_fault_mode chaos_default_modes[] = {
	SB_FAULT_RESET, SB_FAULT_RESET_AFTER, SB_FAULT_HANG_AFTER, SB_FAULT_HTML500_AFTER,
	SB_FAULT_HTTP500_HTML, SB_FAULT_FAIL_HTTP, SB_FAULT_WRONG_SHAPE, SB_FAULT_RESEND_FAIL,
	SB_FAULT_OK_NO_DEPOSIT, SB_FAULT_HTTP_CODE,
};
static const unsigned chaos_http_codes[] = { 202, 400, 404, 409, 500, 502, 503 };
static const unsigned chaos_fail_codes[] = { 500, 502, 503, 504 };

#define SB_HANG_FAULT_MS 600000L /* a queued hang: "forever" (10 min) */
#define SB_HANG_CHAOS_MS 3000L   /* a chaos hang, unless hang_ms says */
#define SB_QR_WRONG_EXTRA 89900  /* qr_wrong_amount: paise added to am= */

static const char HTML500[] =
	"<html><head><title>500 Internal Server Error</title></head><body>"
	"<h1>Internal Server Error</h1></body></html>";

/* long_qr: the length of its qr_data.  A QR code holds at most 2953 bytes
 * (version 40, level L, byte mode); the answer stays far below the
 * client's body cap. */
#define SB_LONG_QR_LEN 4000

static const char PENDING_MSG[] =
	"The deposit status check has been started. The operation may take longer than "
	"expected. Upon completion of the verification, the funds will be credited to your account";

const char *sb_call_name(sb_call c)
{
	return (unsigned)c < SB_CALL__COUNT ? call_names[c] : "unknown";
}

const char *sb_fault_name(sb_fault_mode m)
{
	return (unsigned)m < SB_FAULT__COUNT ? fault_names[m] : "unknown";
}

/* Whether fault mode m can be played on API call c. */
static bool fault_applies(sb_fault_mode m, sb_call c)
{
	if (c >= SB_SETTLE || m == SB_FAULT_NONE || m >= SB_FAULT__COUNT)
		return false;
	switch (m) {
	case SB_FAULT_NOT_UPI:
	case SB_FAULT_LONG_QR:
	case SB_FAULT_QR_WRONG_AMOUNT:
	case SB_FAULT_QR_NO_AMOUNT:
		return c == SB_UPI_CREATE;
	case SB_FAULT_OK_NO_DEPOSIT:
		return c == SB_WAVEPAY_ACTIVATE;
	case SB_FAULT_RESEND_FAIL:
		return c == SB_UPI_CREATE || c == SB_WAVEPAY_ACTIVATE;
	default:
		return true;
	}
}

/* Faults played before the handler: the request is not applied. */
static bool fault_before(sb_fault_mode m)
{
	switch (m) {
	case SB_FAULT_HTTP500_HTML:
	case SB_FAULT_EMPTY:
	case SB_FAULT_SINGLE_QUOTE:
	case SB_FAULT_WRONG_SHAPE:
	case SB_FAULT_HUGE_BODY:
	case SB_FAULT_HANG:
	case SB_FAULT_TRICKLE:
	case SB_FAULT_RESET:
	case SB_FAULT_FAIL_HTTP:
		return true;
	default:
		return false;
	}
}

int sb_state_init(sb_state *st)
{
	memset(st, 0, sizeof *st);
	if (pthread_mutex_init(&st->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&st->cond, NULL) != 0) {
		pthread_mutex_destroy(&st->mu);
		return -1;
	}
	if (getrandom(&st->rng, sizeof st->rng, 0) != (ssize_t)sizeof st->rng || st->rng == 0)
		st->rng = (uint64_t)time(NULL) * 2654435761u + 1;
	st->opt.processing_polls = 0;
	return 0;
}

void sb_state_free(sb_state *st)
{
	for (size_t i = 0; i < st->n_pb; i++)
		free(st->pb[i].json);
	free(st->pb);
	free(st->orders);
	free(st->acts);
	free(st->seen);
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->mu);
	explicit_bzero(st->secret, sizeof st->secret);
	explicit_bzero(st->opt.postback_private_key, sizeof st->opt.postback_private_key);
}

bool sb_wait_or_stop(sb_state *st, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&st->mu);
	while (!st->stopping) {
		if (pthread_cond_timedwait(&st->cond, &st->mu, &until) != 0)
			break;
	}
	bool stopping = st->stopping;
	pthread_mutex_unlock(&st->mu);
	return stopping;
}

void sb_reply_free(sb_reply *r)
{
	free(r->body);
	r->body = NULL;
}

static uint64_t xorshift(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

static uint64_t rnd(sb_state *st)
{
	return xorshift(&st->rng);
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void sb_state_seed(sb_state *st, uint64_t seed)
{
	st->rng = splitmix64(seed);
	if (st->rng == 0) /* xorshift's one fixed point */
		st->rng = 1;
}

static void reply_json(sb_reply *r, unsigned status, cJSON *obj)
{
	r->status = status;
	r->body = cJSON_PrintUnformatted(obj);
	r->len = r->body ? strlen(r->body) : 0;
	r->content_type = "application/json";
	cJSON_Delete(obj);
}

static void reply_fail(sb_reply *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reply_fail(sb_reply *r, unsigned status, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->quote_fails) {
		/* the pages' form, a Python-style repr: ' and \ escaped */
		char q[2 * sizeof msg + 48];
		size_t n = (size_t)snprintf(q, sizeof q, "{'status': 'fail', 'message': '");
		for (const char *p = msg; *p; p++) {
			if (*p == '\'' || *p == '\\')
				q[n++] = '\\';
			q[n++] = *p;
		}
		snprintf(q + n, sizeof q - n, "'}");
		r->status = status;
		r->body = strdup(q);
		r->len = r->body ? strlen(r->body) : 0;
		r->content_type = "application/json";
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "fail");
	cJSON_AddStringToObject(o, "message", msg);
	reply_json(r, status, o);
}

static void reply_raw(sb_reply *r, unsigned status, const char *ctype, const char *text)
{
	free(r->body);
	r->status = status;
	r->body = strdup(text);
	r->len = r->body ? strlen(r->body) : 0;
	r->content_type = ctype;
}

/* --- validation helpers: each returns 0 or fills the fail reply --- */

static int need_string(cJSON *req, const char *field, size_t maxlen, const char **out,
		       sb_reply *r)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(req, field);
	if (!v) {
		reply_fail(r, 200, "%s: required", field);
		return -1;
	}
	if (!cJSON_IsString(v)) {
		reply_fail(r, 200, "%s: must be a string", field);
		return -1;
	}
	size_t len = strlen(v->valuestring);
	if (len == 0) {
		reply_fail(r, 200, "%s: must not be empty", field);
		return -1;
	}
	if (maxlen && len > maxlen) {
		reply_fail(r, 200, "%s: longer than %zu characters", field, maxlen);
		return -1;
	}
	*out = v->valuestring;
	return 0;
}

/* amount: a JSON number > 0 with at most `decimals` decimals -> minor units */
static int need_amount(cJSON *req, int decimals, int64_t *minor, sb_reply *r)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(req, "amount");
	if (!v) {
		reply_fail(r, 200, "amount: required");
		return -1;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
		reply_fail(r, 200, "amount: must be a number");
		return -1;
	}
	double scale = decimals == 2 ? 100.0 : 1.0;
	double m = v->valuedouble * scale;
	double rounded = floor(m + 0.5);
	if (v->valuedouble <= 0 || fabs(m - rounded) > 1e-6 || rounded > 1e12) {
		reply_fail(r, 200, decimals ? "amount: must be positive with at most 2 decimals"
					    : "amount: must be a positive whole number");
		return -1;
	}
	*minor = (int64_t)rounded;
	return 0;
}

static void amount_text(int64_t minor, int decimals, char *buf, size_t len)
{
	if (decimals == 2)
		snprintf(buf, len, "%lld.%02lld", (long long)(minor / 100), (long long)(minor % 100));
	else
		snprintf(buf, len, "%lld", (long long)minor);
}

/* The shortest exact decimal of an amount: 10050 paise "100.5", 70000
 * "700", 5 "0.05"; 5000 kyat "5000". */
static void amount_exact(int64_t minor, int decimals, char *buf, size_t len)
{
	if (decimals == 2 && minor % 100 != 0) {
		amount_text(minor, 2, buf, len);
		size_t n = strlen(buf);
		if (buf[n - 1] == '0')
			buf[n - 1] = '\0';
		return;
	}
	snprintf(buf, len, "%lld", (long long)(decimals == 2 ? minor / 100 : minor));
}

/* The amount as a JSON number with its exact digits. */
static cJSON *amount_json(int64_t minor, int decimals)
{
	char buf[32];
	amount_exact(minor, decimals, buf, sizeof buf);
	return cJSON_CreateRaw(buf);
}

static sb_order *find_order(sb_state *st, const char *order_id)
{
	for (size_t i = 0; i < st->n_orders; i++)
		if (strcmp(st->orders[i].order_id, order_id) == 0)
			return &st->orders[i];
	return NULL;
}

static void *grow(void *arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = realloc(arr, ncap * size);
	if (p)
		*cap = ncap;
	return p;
}

static sb_seen *find_seen(sb_state *st, sb_call call, const char *ctid)
{
	for (size_t i = 0; i < st->n_seen; i++)
		if (st->seen[i].call == call && strcmp(st->seen[i].ctid, ctid) == 0)
			return &st->seen[i];
	return NULL;
}

static long seen_count(sb_state *st, sb_call call, const char *ctid)
{
	sb_seen *s = find_seen(st, call, ctid);
	return s ? s->count : 0;
}

/* One more request to call carried ctid. */
static void count_seen(sb_state *st, sb_call call, const char *ctid)
{
	sb_seen *s = find_seen(st, call, ctid);
	if (!s) {
		sb_seen *arr = grow(st->seen, &st->cap_seen, st->n_seen, sizeof *arr);
		if (!arr)
			return;
		st->seen = arr;
		s = &arr[st->n_seen++];
		memset(s, 0, sizeof *s);
		s->call = call;
		snprintf(s->ctid, sizeof s->ctid, "%s", ctid);
	}
	s->count++;
}

static sb_order *find_order_ctid(sb_state *st, const char *ctid)
{
	for (size_t i = 0; i < st->n_orders; i++)
		if (strcmp(st->orders[i].ctid, ctid) == 0)
			return &st->orders[i];
	return NULL;
}

static sb_activation *find_activation(sb_state *st, const char *ctid)
{
	for (size_t i = 0; i < st->n_acts; i++)
		if (strcmp(st->acts[i].ctid, ctid) == 0)
			return &st->acts[i];
	return NULL;
}

static void now_text(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

void sb_log_stamp(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* converted_amount: informational, a few currencies at fixed made-up rates
 * (units per 1 USD, times 10000); the real postback lists ~170. */
static const struct { const char *code; int64_t per_usd; } sb_rates[] = {
	{ "USD", 10000 }, { "EUR", 9200 }, { "INR", 830000 }, { "MMK", 20990000 },
};

/* minor units of currency `from` (`decimals`) -> hundredths of `to`,
 * rounded down; split so that no product overflows. */
static int64_t convert_hundredths(int64_t minor, int decimals, int64_t from, int64_t to)
{
	int64_t h = decimals == 2 ? minor : minor * 100;
	return h / from * to + h % from * to / from;
}

static cJSON *converted_amount(int64_t minor, int decimals, const char *currency)
{
	cJSON *o = cJSON_CreateObject();
	int64_t from = 0;
	for (size_t i = 0; i < sizeof sb_rates / sizeof sb_rates[0]; i++)
		if (strcmp(sb_rates[i].code, currency) == 0)
			from = sb_rates[i].per_usd;
	for (size_t i = 0; from && i < sizeof sb_rates / sizeof sb_rates[0]; i++) {
		char buf[32];
		if (strcmp(sb_rates[i].code, currency) == 0)
			amount_exact(minor, decimals, buf, sizeof buf);
		else
			amount_exact(convert_hundredths(minor, decimals, from, sb_rates[i].per_usd),
				     2, buf, sizeof buf);
		cJSON_AddItemToObject(o, sb_rates[i].code, cJSON_CreateRaw(buf));
	}
	return o;
}

/* additional_data of a deposit: one transaction with every field of the
 * pages' example (spec 2c), printed compact. */
static char *additional_data(sb_state *st, const char *wallet_type, const char *currency,
			     const char *amount, const char *when, const char *ctid,
			     const char *txid)
{
	char exchanger[64], stockpiling[24];
	if (strcmp(currency, "INR") == 0) /* the payer's UPI id */
		snprintf(exchanger, sizeof exchanger, "payer%04u@okhdfcbank",
			 (unsigned)(rnd(st) % 10000));
	else /* the payer's wallet phone number */
		snprintf(exchanger, sizeof exchanger, "09%09llu",
			 (unsigned long long)(rnd(st) % 1000000000ull));
	snprintf(stockpiling, sizeof stockpiling, "%zu", 1430926 + st->n_pb);
	cJSON *arr = cJSON_CreateArray();
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToArray(arr, d);
	cJSON_AddStringToObject(d, "activated_datetime", when);
	cJSON_AddStringToObject(d, "exchanger_identifier", exchanger);
	cJSON_AddStringToObject(d, "comment", "");
	cJSON_AddStringToObject(d, "amount", amount);
	cJSON_AddStringToObject(d, "currency_code", currency);
	cJSON_AddStringToObject(d, "wallet_type", wallet_type);
	cJSON_AddItemToObject(d, "stockpiling_id", cJSON_CreateRaw(stockpiling));
	cJSON_AddStringToObject(d, "transaction_id", txid);
	cJSON_AddItemToObject(d, "transaction_type", cJSON_CreateRaw("0"));
	/* The sandbox's assumption: the pages do not say which field carries
	 * the merchant's order id; we put the create/activate call's
	 * custom_transaction_id here (docs/HUB.md, "Matching"). */
	cJSON_AddStringToObject(d, "plugin_custom_order_id", ctid);
	cJSON_AddNullToObject(d, "withdrawal_id");
	cJSON_AddNullToObject(d, "withdrawal_status");
	cJSON_AddStringToObject(d, "account_number", "");
	cJSON_AddStringToObject(d, "account_name", "");
	cJSON_AddStringToObject(d, "account_email", "");
	cJSON *bank = cJSON_AddObjectToObject(d, "bank_details");
	cJSON_AddStringToObject(bank, "bank_code", "");
	cJSON_AddStringToObject(bank, "branch_code", "");
	char *json = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return json;
}

/* A deposit postback (spec 2c: every field of the pages' example), signed
 * as spec 2d says: sha1(access_key . private_key . md5(canonical JSON of
 * additional_data)), the canonical bytes derived by pk_postback_canonical
 * from the very bytes sent.  Built once: every re-send is the same body.
 * 0 queued (or no --postback-url: nothing to do), -1 it could not be built. */
static int queue_postback(sb_state *st, const char *wallet_type, const char *currency,
			  int64_t minor, int decimals, const char *label, const char *ctid,
			  const char *txid, bool on_demand)
{
	if (!st->opt.postback_url[0])
		return 0;
	char when[32], amount[32], sig[PK_PB_SIG_HEX];
	now_text(when, sizeof when);
	amount_exact(minor, decimals, amount, sizeof amount);
	char *ad = additional_data(st, wallet_type, currency, amount, when, ctid, txid);
	char *canonical = NULL;
	pk_error err = { 0 };
	if (!ad || pk_postback_canonical(ad, strlen(ad), &canonical, &err) != 0 ||
	    pk_postback_sign(st->opt.postback_access_key, st->opt.postback_private_key, canonical,
			     sig, &err) != 0) {
		fprintf(stderr, "paykassma-sandbox: cannot sign the postback of %s: %s\n", ctid,
			ad ? err.msg : "out of memory");
		free(ad);
		free(canonical);
		return -1;
	}
	free(canonical);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "signature", sig);
	cJSON_AddStringToObject(o, "wallet_type", wallet_type);
	cJSON_AddItemToObject(o, "amount", cJSON_CreateRaw(amount));
	cJSON_AddStringToObject(o, "currency_code", currency);
	cJSON_AddStringToObject(o, "label", label);
	cJSON_AddItemToObject(o, "converted_amount", converted_amount(minor, decimals, currency));
	cJSON_AddStringToObject(o, "direction", "ingoing");
	cJSON_AddStringToObject(o, "created_datetime", when);
	cJSON_AddStringToObject(o, "access_key", st->opt.postback_access_key);
	cJSON_AddItemToObject(o, "additional_data", cJSON_CreateRaw(ad)); /* as signed */
	free(ad);
	sb_postback pb = { .json = cJSON_PrintUnformatted(o), .amount = minor,
			   .on_demand = on_demand };
	cJSON_Delete(o);
	if (!pb.json)
		return -1;
	snprintf(pb.ctid, sizeof pb.ctid, "%s", ctid);
	snprintf(pb.transaction_id, sizeof pb.transaction_id, "%s", txid);
	snprintf(pb.wallet_type, sizeof pb.wallet_type, "%s", wallet_type);
	snprintf(pb.currency, sizeof pb.currency, "%s", currency);
	return sb_postback_queue(st, &pb);
}

/* The postback of a UPI order / a Wavepay activation, minor units of its
 * currency: what a deposit to each wallet carries, in one place. */
static int queue_order_postback(sb_state *st, sb_order *o, int64_t minor, bool on_demand)
{
	int rc = queue_postback(st, "upi_s", "INR", minor, 2, o->label, o->ctid, o->order_id,
				on_demand);
	if (rc == 0)
		o->postback_queued = true;
	return rc;
}

static int queue_activation_postback(sb_state *st, const sb_activation *a, int64_t minor,
				     bool on_demand)
{
	return queue_postback(st, "wavepay", "MMK", minor, 0, a->label, a->ctid, a->key1,
			      on_demand);
}

static void settle_due(sb_state *st, sb_order *o)
{
	if (strcmp(o->status, "processing") != 0)
		return;
	if (o->polls_left == 0 && o->outcome[0]) {
		snprintf(o->status, sizeof o->status, "%s", o->outcome);
	} else if (st->opt.auto_settle_s > 0 && time(NULL) - o->created >= st->opt.auto_settle_s) {
		snprintf(o->status, sizeof o->status, "success");
	}
	/* once per order: an on-demand postback (POST /_sandbox/postback)
	 * stands for the deposit, and no second one with other bytes follows */
	if (strcmp(o->status, "success") == 0 && !o->postback_queued) {
		o->postback_queued = true; /* also when it cannot be built: never retried */
		queue_order_postback(st, o, o->amount, false);
	}
}

/* --- the four API calls --- */

static void wavepay_create(sb_state *st, cJSON *req, sb_reply *r)
{
	const char *cur, *label;
	if (need_string(req, "currency", 3, &cur, r) || need_string(req, "label", 190, &label, r))
		return;
	if (strcmp(cur, "MMK") != 0) {
		reply_fail(r, 200, "currency: Wavepay takes MMK only");
		return;
	}
	char ident[16];
	snprintf(ident, sizeof ident, "09%09llu", (unsigned long long)(rnd(st) % 1000000000ull));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON *params = cJSON_AddObjectToObject(o, "params");
	cJSON_AddStringToObject(params, "identifier", ident);
	reply_json(r, 200, o);
	st->wavepay_identifiers++;
}

/* ok_no_deposit: the answer says ok and nothing else */
static void answer_no_deposit(sb_reply *r)
{
	reply_raw(r, 200, "application/json", "{\"status\":\"ok\"}");
}

static void wavepay_activate(sb_state *st, cJSON *req, sb_reply *r, sb_fault_mode fm)
{
	const char *cur, *wt, *label, *key1, *ctid;
	int64_t amount;
	if (need_string(req, "currency_code", 3, &cur, r) ||
	    need_string(req, "wallet_type", 190, &wt, r) ||
	    need_string(req, "label", 190, &label, r) || need_string(req, "key1", 11, &key1, r) ||
	    need_amount(req, 0, &amount, r) ||
	    need_string(req, "custom_transaction_id", 190, &ctid, r))
		return;
	snprintf(r->ctid, sizeof r->ctid, "%s", ctid);
	if (strcmp(cur, "MMK") != 0) {
		reply_fail(r, 200, "currency_code: Wavepay takes MMK only");
		return;
	}
	if (strcasecmp(wt, "wavepay") != 0) {
		reply_fail(r, 200, "wallet_type: unknown wallet type");
		return;
	}
	for (const char *p = key1; *p; p++)
		if (*p < '0' || *p > '9') {
			reply_fail(r, 200, "key1: digits only");
			return;
		}
	sb_activation *prev = find_activation(st, ctid);
	if (prev) {
		if (fm == SB_FAULT_RESEND_FAIL) {
			reply_fail(r, 200, "custom_transaction_id already used");
			return;
		}
		if (strcmp(prev->key1, key1) != 0 || strcmp(prev->label, label) != 0 ||
		    prev->amount != amount) {
			reply_fail(r, 200, "custom_transaction_id: already used");
			return;
		}
		if (fm == SB_FAULT_OK_NO_DEPOSIT)
			answer_no_deposit(r);
		else
			reply_raw(r, 200, "application/json", prev->answer); /* idempotent replay */
		return;
	}
	for (size_t i = 0; i < st->n_acts; i++)
		if (st->acts[i].credited && strcmp(st->acts[i].key1, key1) == 0) {
			reply_fail(r, 200, "Transaction already used");
			return;
		}
	sb_activation *arr = grow(st->acts, &st->cap_acts, st->n_acts, sizeof *arr);
	if (!arr) {
		reply_fail(r, 500, "out of memory");
		return;
	}
	st->acts = arr;
	sb_activation *a = &arr[st->n_acts++];
	memset(a, 0, sizeof *a);
	snprintf(a->ctid, sizeof a->ctid, "%s", ctid);
	snprintf(a->key1, sizeof a->key1, "%s", key1);
	snprintf(a->label, sizeof a->label, "%s", label);
	a->amount = amount;
	cJSON *o = NULL;
	switch (key1[0]) {
	case '2':
		a->deposit = amount + 500;
		/* fall through */
	default:
	case '1':
		if (!a->deposit)
			a->deposit = amount;
		a->credited = true;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", "ok");
		cJSON_AddBoolToObject(o, "deposit", 1);
		cJSON_AddItemToObject(o, "deposit_amount", amount_json(a->deposit, 0));
		cJSON *c = cJSON_AddObjectToObject(o, "currency");
		cJSON_AddStringToObject(c, "code", "MMK");
		cJSON_AddStringToObject(c, "symbol", "MMK");
		break;
	case '3':
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", "pending");
		cJSON_AddStringToObject(o, "message", PENDING_MSG);
		break;
	case '4':
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", "possible_transaction_created");
		cJSON_AddStringToObject(o, "message",
					"Transaction not found. Possible transaction created");
		break;
	case '5':
		break;
	}
	if (o) {
		cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "status");
		snprintf(a->status, sizeof a->status, "%s", s->valuestring);
		reply_json(r, 200, o);
	} else {
		snprintf(a->status, sizeof a->status, "fail");
		reply_fail(r, 200, "Transaction declined");
	}
	snprintf(a->answer, sizeof a->answer, "%s", r->body ? r->body : "");
	if (a->credited)
		queue_activation_postback(st, a, a->deposit, false);
	if (fm == SB_FAULT_OK_NO_DEPOSIT)
		answer_no_deposit(r);
}

static void upi_create(sb_state *st, cJSON *req, sb_reply *r, sb_fault_mode fm)
{
	const char *mode, *cur, *label, *wt, *ctid;
	int64_t amount;
	if (need_string(req, "mode", 0, &mode, r) || need_string(req, "currency", 3, &cur, r) ||
	    need_string(req, "label", 190, &label, r) ||
	    need_string(req, "wallet_type", 0, &wt, r) || need_amount(req, 2, &amount, r) ||
	    need_string(req, "custom_transaction_id", 190, &ctid, r))
		return;
	snprintf(r->ctid, sizeof r->ctid, "%s", ctid);
	if (strcmp(mode, "upi_collect_qr") != 0) {
		reply_fail(r, 200, "mode: must be upi_collect_qr");
		return;
	}
	if (strcmp(cur, "INR") != 0) {
		reply_fail(r, 200, "currency: UPI takes INR only");
		return;
	}
	if (strcmp(wt, "upi_s") != 0) {
		reply_fail(r, 200, "wallet_type: must be upi_s");
		return;
	}
	if (amount < 1000 || amount > 10000000) {
		reply_fail(r, 200, "Amount is out of range");
		return;
	}
	sb_order *o = find_order_ctid(st, ctid);
	if (o && fm == SB_FAULT_RESEND_FAIL) {
		reply_fail(r, 200, "custom_transaction_id already used");
		return;
	}
	if (o && (o->amount != amount || strcmp(o->label, label) != 0)) {
		reply_fail(r, 200, "custom_transaction_id: already used");
		return;
	}
	if (!o) {
		sb_order *arr = grow(st->orders, &st->cap_orders, st->n_orders, sizeof *arr);
		if (!arr) {
			reply_fail(r, 500, "out of memory");
			return;
		}
		st->orders = arr;
		o = &arr[st->n_orders++];
		memset(o, 0, sizeof *o);
		snprintf(o->order_id, sizeof o->order_id, "%016llx", (unsigned long long)rnd(st));
		snprintf(o->ctid, sizeof o->ctid, "%s", ctid);
		snprintf(o->label, sizeof o->label, "%s", label);
		o->amount = amount;
		snprintf(o->status, sizeof o->status, "processing");
		o->created = time(NULL);
		o->polls_left = st->opt.upi_outcome[0] ? st->opt.processing_polls : -1;
		snprintf(o->outcome, sizeof o->outcome, "%s", st->opt.upi_outcome);
	}
	char amt[32], am[40] = "", qr[SB_LONG_QR_LEN + 1];
	amount_text(fm == SB_FAULT_QR_WRONG_AMOUNT ? amount + SB_QR_WRONG_EXTRA : amount, 2, amt,
		    sizeof amt);
	if (fm != SB_FAULT_QR_NO_AMOUNT)
		snprintf(am, sizeof am, "&am=%s", amt);
	if (fm == SB_FAULT_NOT_UPI)
		snprintf(qr, sizeof qr, "http://evil.example/pay?am=%s", amt);
	else
		snprintf(qr, sizeof qr,
			 "upi://pay?pa=paykiosk.sandbox@upi&pn=Paykiosk%%20Sandbox%s&cu=INR"
			 "&tn=%s&tr=%s",
			 am, o->order_id, o->order_id);
	if (fm == SB_FAULT_LONG_QR) {
		/* A valid link, padded with a long note to SB_LONG_QR_LEN bytes. */
		size_t n = strlen(qr);
		static const char note[] = "&note=";
		memcpy(qr + n, note, sizeof note - 1);
		for (n += sizeof note - 1; n < SB_LONG_QR_LEN; n++)
			qr[n] = (char)('a' + n % 26);
		qr[n] = '\0';
	}
	/* NULL (an empty qr_string) when qr_data is too long for a QR code */
	char *png = sb_qr_png_base64(qr);
	cJSON *res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "status", "ok");
	cJSON *data = cJSON_AddObjectToObject(res, "data");
	cJSON_AddStringToObject(data, "order_id", o->order_id);
	cJSON_AddStringToObject(data, "qr_string", png ? png : "");
	cJSON_AddStringToObject(data, "qr_data", qr);
	cJSON_AddStringToObject(data, "message", "QR Code generated successfully");
	free(png);
	snprintf(r->order_id, sizeof r->order_id, "%s", o->order_id);
	reply_json(r, 200, res);
}

static void upi_status(sb_state *st, cJSON *req, sb_reply *r)
{
	const char *oid;
	if (need_string(req, "order_id", 0, &oid, r))
		return;
	sb_order *o = find_order(st, oid);
	if (!o) {
		reply_fail(r, 200, "Order not found");
		return;
	}
	snprintf(r->order_id, sizeof r->order_id, "%s", o->order_id);
	settle_due(st, o);
	const char *status = o->status;
	if (strcmp(o->status, "processing") == 0 && o->polls_left > 0)
		o->polls_left--;
	snprintf(r->answer, sizeof r->answer, "%s", status);
	cJSON *res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "status", status);
	reply_json(r, 200, res);
}

/* --- control calls --- */

static void settle(sb_state *st, cJSON *req, sb_reply *r)
{
	const char *oid, *status;
	if (need_string(req, "order_id", 0, &oid, r) || need_string(req, "status", 16, &status, r))
		return;
	if (strcmp(status, "success") != 0 && strcmp(status, "failed") != 0) {
		reply_fail(r, 200, "status: success or failed");
		return;
	}
	sb_order *o = find_order(st, oid);
	if (!o) {
		reply_fail(r, 200, "Order not found");
		return;
	}
	cJSON *after = cJSON_GetObjectItemCaseSensitive(req, "after_polls");
	if (cJSON_IsNumber(after) && after->valuedouble >= 1) {
		o->polls_left = after->valuedouble > 100000 ? 100000 : (int)after->valuedouble;
		snprintf(o->outcome, sizeof o->outcome, "%s", status);
	} else {
		o->polls_left = 0;
		snprintf(o->outcome, sizeof o->outcome, "%s", status);
		settle_due(st, o);
	}
	snprintf(r->order_id, sizeof r->order_id, "%s", o->order_id);
	cJSON *res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "status", "ok");
	reply_json(r, 200, res);
}

/* An optional whole number in [lo, hi]; 1 if absent (*out untouched),
 * 0 if read, -1 with the fail reply filled. */
static int opt_number(cJSON *req, const char *field, double lo, double hi, double *out,
		      sb_reply *r)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(req, field);
	if (!v)
		return 1;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi) ||
	    v->valuedouble != floor(v->valuedouble)) {
		reply_fail(r, 200, "%s: a whole number from %.0f to %.0f", field, lo, hi);
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

static int call_by_name(const char *name)
{
	for (int i = 0; i < SB_SETTLE; i++)
		if (strcmp(name, call_names[i]) == 0)
			return i;
	return -1;
}

static sb_fault_mode mode_by_name(const char *name)
{
	for (int i = 1; i < SB_FAULT__COUNT; i++)
		if (strcmp(name, fault_names[i]) == 0)
			return (sb_fault_mode)i;
	return SB_FAULT_NONE;
}

static void reply_ok(sb_reply *r)
{
	cJSON *res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "status", "ok");
	reply_json(r, 200, res);
}

/* POST /_sandbox/postback {"order_id":..}|{"ctid":..}[,"amount":MINOR]: the
 * deposit postback of an order or activation, now, whatever its status,
 * which it leaves as it is (the postback beats the status). */
static void postback_now(sb_state *st, cJSON *req, sb_reply *r)
{
	cJSON *by_order = cJSON_GetObjectItemCaseSensitive(req, "order_id");
	if ((by_order != NULL) == (cJSON_GetObjectItemCaseSensitive(req, "ctid") != NULL)) {
		reply_fail(r, 400, "give order_id (a UPI order) or ctid (a custom_transaction_id), "
				   "one of them");
		return;
	}
	const char *id;
	double amount = 0;
	if (need_string(req, by_order ? "order_id" : "ctid", 190, &id, r) ||
	    opt_number(req, "amount", 1, 1e12, &amount, r) < 0) {
		r->status = 400;
		return;
	}
	if (!st->opt.postback_url[0]) {
		reply_fail(r, 409, "no postback URL: start the sandbox with --postback-url URL "
				   "and the postback keys");
		return;
	}
	sb_order *o = by_order ? find_order(st, id) : find_order_ctid(st, id);
	sb_activation *a = o || by_order ? NULL : find_activation(st, id);
	if (!o && !a) {
		reply_fail(r, 404, by_order ? "Order not found"
					    : "no UPI order or Wavepay activation has this ctid");
		return;
	}
	int rc;
	if (o) {
		snprintf(r->order_id, sizeof r->order_id, "%s", o->order_id);
		snprintf(r->ctid, sizeof r->ctid, "%s", o->ctid);
		rc = queue_order_postback(st, o, amount > 0 ? (int64_t)amount : o->amount, true);
	} else {
		snprintf(r->ctid, sizeof r->ctid, "%s", a->ctid);
		int64_t minor = amount > 0 ? (int64_t)amount : a->credited ? a->deposit : a->amount;
		rc = queue_activation_postback(st, a, minor, true);
	}
	if (rc != 0)
		reply_fail(r, 500, "the postback could not be built");
	else
		reply_ok(r);
}

static void fault(sb_state *st, cJSON *req, sb_reply *r)
{
	const char *call, *mode;
	if (need_string(req, "call", 32, &call, r) || need_string(req, "mode", 32, &mode, r))
		return;
	int c = strcmp(call, "any") == 0 ? -1 : call_by_name(call);
	if (c == -1 && strcmp(call, "any") != 0) {
		reply_fail(r, 200, "call: unknown");
		return;
	}
	sb_fault_mode m = mode_by_name(mode);
	if (m == SB_FAULT_NONE) {
		reply_fail(r, 200, "mode: unknown");
		return;
	}
	if (c >= 0 && !fault_applies(m, (sb_call)c)) {
		reply_fail(r, 200, "mode: %s does not apply to %s", mode, call);
		return;
	}
	double count = 1, http = 0, hang_ms = 0;
	if (opt_number(req, "count", 1, 1000000, &count, r) < 0 ||
	    opt_number(req, "http", 100, 599, &http, r) < 0 ||
	    opt_number(req, "hang_ms", 1, 600000, &hang_ms, r) < 0)
		return;
	if (m == SB_FAULT_HTTP_CODE && http == 0) {
		reply_fail(r, 200, "http: required for http_code (100 to 599)");
		return;
	}
	if (st->n_faults >= sizeof st->faults / sizeof st->faults[0]) {
		reply_fail(r, 200, "too many faults queued");
		return;
	}
	st->faults[st->n_faults++] = (sb_fault){ .call = c, .mode = m, .count = (int)count,
						 .http = (unsigned)http, .hang_ms = (long)hang_ms };
	reply_ok(r);
}

/* A list of names from an array of strings into a bit set; -1 with the
 * fail reply on a bad entry.  lookup gives the bit or -1. */
static int name_bits(cJSON *arr, const char *field, int (*lookup)(const char *), uint32_t *bits,
		     sb_reply *r)
{
	if (!cJSON_IsArray(arr)) {
		reply_fail(r, 200, "%s: an array of names", field);
		return -1;
	}
	*bits = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		int b = cJSON_IsString(it) ? lookup(it->valuestring) : -1;
		if (b < 0) {
			reply_fail(r, 200, "%s: unknown %s", field,
				   cJSON_IsString(it) ? it->valuestring : "entry");
			return -1;
		}
		*bits |= 1u << b;
	}
	return 0;
}

static int mode_bit(const char *name)
{
	sb_fault_mode m = mode_by_name(name);
	return m == SB_FAULT_NONE ? -1 : (int)m;
}

static void chaos(sb_state *st, cJSON *req, sb_reply *r)
{
	cJSON *rate = cJSON_GetObjectItemCaseSensitive(req, "rate");
	if (!cJSON_IsNumber(rate) || !(rate->valuedouble >= 0 && rate->valuedouble <= 1)) {
		reply_fail(r, 200, "rate: a number from 0 to 1");
		return;
	}
	sb_chaos ch = { .rate = rate->valuedouble, .hang_ms = SB_HANG_CHAOS_MS };
	double seed = 1, hang_ms = 0, http = 0;
	if (opt_number(req, "seed", 0, 9007199254740992.0, &seed, r) < 0 ||
	    opt_number(req, "hang_ms", 1, 600000, &hang_ms, r) < 0 ||
	    opt_number(req, "http", 100, 599, &http, r) < 0)
		return;
	if (hang_ms > 0)
		ch.hang_ms = (long)hang_ms;
	ch.http = (unsigned)http;
	ch.rng = splitmix64((uint64_t)seed);
	if (ch.rng == 0)
		ch.rng = 1;
	cJSON *modes = cJSON_GetObjectItemCaseSensitive(req, "modes");
	if (modes) {
		if (name_bits(modes, "modes", mode_bit, &ch.modes, r))
			return;
	} else {
		size_t n = sizeof chaos_default_modes / sizeof chaos_default_modes[0];
		for (size_t i = 0; i < n; i++)
			ch.modes |= 1u << chaos_default_modes[i];
	}
	cJSON *calls = cJSON_GetObjectItemCaseSensitive(req, "calls");
	if (calls) {
		if (name_bits(calls, "calls", call_by_name, &ch.calls, r))
			return;
	} else {
		ch.calls = (1u << SB_SETTLE) - 1;
	}
	if (ch.rate > 0 && (!ch.modes || !ch.calls)) {
		reply_fail(r, 200, "modes and calls: at least one each");
		return;
	}
	if (ch.rate == 0)
		memset(&ch, 0, sizeof ch);
	st->chaos = ch;
	reply_ok(r);
}

static void stats(sb_state *st, sb_reply *r)
{
	cJSON *res = cJSON_CreateObject();
	cJSON *req = cJSON_AddObjectToObject(res, "requests");
	for (int i = 0; i <= SB_SETTLE; i++)
		cJSON_AddNumberToObject(req, call_names[i], (double)st->requests[i]);
	cJSON_AddNumberToObject(res, "connections", (double)st->connections);
	cJSON *pb = cJSON_AddObjectToObject(res, "postbacks");
	cJSON_AddNumberToObject(pb, "attempts", (double)st->postback_attempts);
	cJSON_AddNumberToObject(pb, "delivered", (double)st->postback_delivered);
	cJSON_AddNumberToObject(res, "orders", (double)st->n_orders);
	cJSON_AddNumberToObject(res, "faults_played", (double)st->faults_played);
	cJSON_AddNumberToObject(res, "chaos_played", (double)st->chaos_played);
	reply_json(r, 200, res);
}

static void postbacks(sb_state *st, sb_reply *r)
{
	cJSON *res = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(res, "postbacks");
	for (size_t i = 0; i < st->n_pb; i++) {
		const sb_postback *p = &st->pb[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "ctid", p->ctid);
		cJSON_AddStringToObject(e, "transaction_id", p->transaction_id);
		cJSON_AddStringToObject(e, "wallet_type", p->wallet_type);
		cJSON_AddStringToObject(e, "currency", p->currency);
		cJSON_AddNumberToObject(e, "amount", (double)p->amount);
		cJSON_AddNumberToObject(e, "attempts", p->attempts);
		cJSON_AddBoolToObject(e, "delivered", p->delivered);
		cJSON_AddNumberToObject(e, "last_http", (double)p->last_http);
		cJSON_AddBoolToObject(e, "on_demand", p->on_demand);
		cJSON_AddStringToObject(e, "body", p->json);
		cJSON_AddItemToArray(arr, e);
	}
	reply_json(r, 200, res);
}

static void ledger(sb_state *st, sb_reply *r)
{
	cJSON *res = cJSON_CreateObject();
	cJSON *upi = cJSON_AddArrayToObject(res, "upi");
	for (size_t i = 0; i < st->n_orders; i++) {
		sb_order *o = &st->orders[i];
		settle_due(st, o); /* what the next poll would say: auto-settle, outcome */
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "order_id", o->order_id);
		cJSON_AddStringToObject(e, "ctid", o->ctid);
		cJSON_AddNumberToObject(e, "amount", (double)o->amount);
		cJSON_AddStringToObject(e, "status", o->status);
		cJSON_AddNumberToObject(e, "creates",
					(double)seen_count(st, SB_UPI_CREATE, o->ctid));
		cJSON_AddItemToArray(upi, e);
	}
	cJSON *wp = cJSON_AddArrayToObject(res, "wavepay");
	for (size_t i = 0; i < st->n_acts; i++) {
		sb_activation *a = &st->acts[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "ctid", a->ctid);
		cJSON_AddStringToObject(e, "key1", a->key1);
		cJSON_AddNumberToObject(e, "amount", (double)a->amount);
		cJSON_AddStringToObject(e, "status", a->status);
		cJSON_AddBoolToObject(e, "credited", a->credited);
		if (a->credited)
			cJSON_AddNumberToObject(e, "deposit_amount", (double)a->deposit);
		else
			cJSON_AddNullToObject(e, "deposit_amount");
		cJSON_AddNumberToObject(e, "activations",
					(double)seen_count(st, SB_WAVEPAY_ACTIVATE, a->ctid));
		cJSON_AddItemToArray(wp, e);
	}
	cJSON_AddNumberToObject(res, "wavepay_creates", (double)st->requests[SB_WAVEPAY_CREATE]);
	cJSON_AddNumberToObject(res, "wavepay_identifiers", (double)st->wavepay_identifiers);
	cJSON *un = cJSON_AddArrayToObject(res, "unapplied");
	for (size_t i = 0; i < st->n_seen; i++) {
		sb_seen *s = &st->seen[i];
		if (s->call == SB_UPI_CREATE ? find_order_ctid(st, s->ctid) != NULL
					     : find_activation(st, s->ctid) != NULL)
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "call", call_names[s->call]);
		cJSON_AddStringToObject(e, "ctid", s->ctid);
		cJSON_AddNumberToObject(e, "requests", (double)s->count);
		cJSON_AddItemToArray(un, e);
	}
	reply_json(r, 200, res);
}

/* The next queued fault for call (consumed), or false. */
static bool take_fault(sb_state *st, sb_call call, sb_fault *out)
{
	for (size_t i = 0; i < st->n_faults; i++) {
		sb_fault *f = &st->faults[i];
		if (f->count > 0 && (f->call == (int)call ||
				     (f->call == -1 && fault_applies(f->mode, call)))) {
			*out = *f;
			if (out->hang_ms == 0)
				out->hang_ms = SB_HANG_FAULT_MS;
			if (out->mode == SB_FAULT_FAIL_HTTP && out->http == 0)
				out->http = 500;
			if (--f->count == 0) {
				memmove(f, f + 1, (st->n_faults - i - 1) * sizeof *f);
				st->n_faults--;
			}
			return true;
		}
	}
	return false;
}

/* Chaos: with probability rate a mode that applies to call, or false.
 * Three draws per matching request, whatever the outcome, so the sequence
 * depends only on the seed and the order of the requests. */
static bool chaos_fault(sb_state *st, sb_call call, sb_fault *out)
{
	sb_chaos *ch = &st->chaos;
	if (ch->rate <= 0 || !(ch->calls & (1u << call)))
		return false;
	uint64_t hit = xorshift(&ch->rng), pick = xorshift(&ch->rng), code = xorshift(&ch->rng);
	if ((double)(hit >> 11) / 9007199254740992.0 >= ch->rate)
		return false;
	sb_fault_mode modes[SB_FAULT__COUNT];
	size_t n = 0;
	for (int m = 1; m < SB_FAULT__COUNT; m++)
		if ((ch->modes & (1u << m)) && fault_applies((sb_fault_mode)m, call))
			modes[n++] = (sb_fault_mode)m;
	if (n == 0)
		return false;
	*out = (sb_fault){ .call = (int)call, .mode = modes[pick % n], .count = 1,
			   .http = ch->http, .hang_ms = ch->hang_ms };
	if (!out->http && out->mode == SB_FAULT_HTTP_CODE)
		out->http = chaos_http_codes[code % (sizeof chaos_http_codes /
						     sizeof chaos_http_codes[0])];
	if (!out->http && out->mode == SB_FAULT_FAIL_HTTP)
		out->http = chaos_fail_codes[code % (sizeof chaos_fail_codes /
						     sizeof chaos_fail_codes[0])];
	st->chaos_played++;
	return true;
}

/* A fault played instead of the call: the request is not applied. */
static void play_before(const sb_fault *f, sb_call call, sb_reply *r)
{
	switch (f->mode) {
	case SB_FAULT_HTTP500_HTML:
		reply_raw(r, 500, "text/html", HTML500);
		break;
	case SB_FAULT_EMPTY:
		reply_raw(r, 200, "application/json", "");
		break;
	case SB_FAULT_SINGLE_QUOTE:
		reply_raw(r, 200, "application/json",
			  "{\n    'status': 'fail',\n    'message': 'MESSAGE'\n}");
		break;
	case SB_FAULT_WRONG_SHAPE:
		reply_raw(r, 200, "application/json", "{\"status\":1,\"data\":[]}");
		break;
	case SB_FAULT_FAIL_HTTP:
		reply_raw(r, f->http, "application/json",
			  "{\"status\":\"fail\",\"message\":\"Internal server error\"}");
		break;
	case SB_FAULT_HUGE_BODY: {
		size_t n = 1024 * 1024;
		char *b = malloc(n + 32);
		if (b) {
			memcpy(b, "{\"status\":\"ok\",\"pad\":\"", 22);
			memset(b + 22, 'x', n);
			memcpy(b + 22 + n, "\"}", 3);
			r->status = 200;
			r->body = b;
			r->len = strlen(b);
			r->content_type = "application/json";
		}
		break;
	}
	case SB_FAULT_TRICKLE: /* a valid answer, one byte a second (HTTP layer) */
		reply_raw(r, 200, "application/json",
			  call == SB_UPI_STATUS ? "{\"status\":\"processing\"}"
						: "{\"status\":\"fail\",\"message\":\"slow\"}");
		r->transport = SB_TRICKLE;
		break;
	case SB_FAULT_HANG:
		r->transport = SB_HANG;
		r->hang_ms = f->hang_ms;
		break;
	case SB_FAULT_RESET:
		r->transport = SB_RESET;
		break;
	default:
		break;
	}
}

/* A fault played on the answer of an applied request. */
static void play_after(const sb_fault *f, sb_reply *r)
{
	switch (f->mode) {
	case SB_FAULT_HTTP_CODE:
		r->status = f->http;
		break;
	case SB_FAULT_RESET_AFTER:
		r->transport = SB_RESET;
		r->answer[0] = '\0'; /* the status was never sent */
		break;
	case SB_FAULT_HANG_AFTER:
		r->transport = SB_HANG;
		r->hang_ms = f->hang_ms;
		r->answer[0] = '\0';
		break;
	case SB_FAULT_HTML500_AFTER:
		reply_raw(r, 500, "text/html", HTML500);
		r->answer[0] = '\0';
		break;
	default: /* NOT_UPI, LONG_QR, QR_*, OK_NO_DEPOSIT, RESEND_FAIL: the handler */
		break;
	}
}

static int route(const char *path, sb_call *out)
{
	static const struct { const char *path; sb_call call; } routes[] = {
		{ "/api/v1/transaction/create/wavepay", SB_WAVEPAY_CREATE },
		{ "/api/v1/transaction/activate", SB_WAVEPAY_ACTIVATE },
		{ "/api/v1/payment/create/upi_s", SB_UPI_CREATE },
		{ "/api/v1/payment/upi_s/status", SB_UPI_STATUS },
		{ "/_sandbox/settle", SB_SETTLE },
		{ "/_sandbox/fault", SB_FAULT },
		{ "/_sandbox/stats", SB_STATS },
		{ "/_sandbox/ledger", SB_LEDGER },
		{ "/_sandbox/chaos", SB_CHAOS },
		{ "/_sandbox/postbacks", SB_POSTBACKS },
		{ "/_sandbox/postback", SB_POSTBACK_NOW },
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(path, routes[i].path) == 0) {
			*out = routes[i].call;
			return 0;
		}
	return -1;
}

/* Is the body strict JSON in valid UTF-8?  cJSON lets invalid UTF-8
 * through into labels and ctids, which a postback would then carry and no
 * receiver (PHP's json_decode, the hub) could read; the gateway's
 * json_decode refuses such a body, so the sandbox does too.  The strict
 * reader is the postbacks' own (common/postback.h). */
static bool strict_json(const char *body, size_t len)
{
	char *canonical = NULL;
	bool ok = pk_postback_canonical(body, len, &canonical, NULL) == 0;
	free(canonical);
	return ok;
}

void sb_handle(sb_state *st, const char *method, const char *path, const char *secret,
	       const char *body, size_t len, sb_reply *r)
{
	memset(r, 0, sizeof *r);
	sb_call call;
	bool control = strncmp(path, "/_sandbox/", 10) == 0;
	/* read without the lock: options are set before the server starts */
	r->quote_fails = st->opt.single_quoted_fails && !control;
	if (route(path, &call) != 0) {
		r->call = SB_CALL__COUNT;
		reply_fail(r, 404, "Not found");
		return;
	}
	r->call = call;
	bool is_get = strcmp(method, "GET") == 0;
	bool wants_get = call == SB_STATS || call == SB_LEDGER || call == SB_POSTBACKS;
	if ((wants_get && !is_get) || (!wants_get && strcmp(method, "POST") != 0)) {
		reply_fail(r, 405, "Method not allowed");
		return;
	}
	pthread_mutex_lock(&st->mu);
	st->requests[call]++;
	if (!secret || strcmp(secret, st->secret) != 0) {
		pthread_mutex_unlock(&st->mu);
		reply_fail(r, 403, "Invalid secret");
		return;
	}
	if (wants_get) {
		if (call == SB_STATS)
			stats(st, r);
		else if (call == SB_POSTBACKS)
			postbacks(st, r);
		else
			ledger(st, r);
		pthread_mutex_unlock(&st->mu);
		return;
	}
	if (call < SB_SETTLE && len <= SB_BODY_MAX) { /* for the log, even when a fault answers */
		cJSON *peek = cJSON_ParseWithLength(body ? body : "", len);
		cJSON *c = cJSON_GetObjectItemCaseSensitive(peek, "custom_transaction_id");
		if (cJSON_IsString(c) && c->valuestring[0]) {
			snprintf(r->ctid, sizeof r->ctid, "%s", c->valuestring);
			if (call == SB_UPI_CREATE || call == SB_WAVEPAY_ACTIVATE)
				count_seen(st, call, r->ctid);
		}
		cJSON_Delete(peek);
	}
	sb_fault f = { .mode = SB_FAULT_NONE };
	if (call < SB_SETTLE && (take_fault(st, call, &f) || chaos_fault(st, call, &f))) {
		st->faults_played++;
		r->fault = f.mode;
	}
	if (fault_before(f.mode)) {
		pthread_mutex_unlock(&st->mu);
		play_before(&f, call, r);
		return;
	}
	cJSON *req = NULL;
	/* a body that cannot be read: HTTP 200 as the gateway answers (the API,
	 * and the control calls made in its image); 400 for the on-demand
	 * postback, whose answers use HTTP statuses */
	unsigned bad = call == SB_POSTBACK_NOW ? 400 : 200;
	if (len > SB_BODY_MAX)
		reply_fail(r, bad, "Request body too large");
	else if (!strict_json(body, len) || !(req = cJSON_ParseWithLength(body ? body : "", len)) ||
		 !cJSON_IsObject(req))
		reply_fail(r, bad, "Request body is not a JSON object");
	else {
		switch (call) {
		case SB_WAVEPAY_CREATE: wavepay_create(st, req, r); break;
		case SB_WAVEPAY_ACTIVATE: wavepay_activate(st, req, r, f.mode); break;
		case SB_UPI_CREATE: upi_create(st, req, r, f.mode); break;
		case SB_UPI_STATUS: upi_status(st, req, r); break;
		case SB_SETTLE: settle(st, req, r); break;
		case SB_FAULT: fault(st, req, r); break;
		case SB_CHAOS: chaos(st, req, r); break;
		case SB_POSTBACK_NOW: postback_now(st, req, r); break;
		default: reply_fail(r, 404, "Not found"); break;
		}
	}
	pthread_mutex_unlock(&st->mu);
	cJSON_Delete(req);
	play_after(&f, r);
}
