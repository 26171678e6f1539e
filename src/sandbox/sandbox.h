/* sandbox.h - the sandbox gateway's shared state and its pieces:
 * sandbox_api.c (validation + scenario logic, no HTTP), sandbox_http.c
 * (libmicrohttpd plumbing), sandbox_png.c (QR -> PNG -> base64),
 * sandbox_postback.c (deposit postbacks with backoff), sandbox_main.c.
 *
 * Control API (same ?secret= as the API; answers are always JSON):
 *
 * POST /_sandbox/settle {"order_id":..,"status":"success"|"failed"[,"after_polls":N]}
 *
 * POST /_sandbox/fault {"call":C,"mode":M[,"count":N][,"http":H][,"hang_ms":MS]}
 *   Queues M for the next N (default 1) requests to C, one of wavepay_create,
 *   wavepay_activate, upi_create, upi_status, or "any".  Queued faults are
 *   played first come first served; a mode that does not apply to C is
 *   refused, and an "any" fault waits for a call it applies to.  "http"
 *   is used by http_code and fail_http only, "hang_ms" by hang and
 *   hang_after only.  Every
 *   request a fault plays on still counts in /_sandbox/stats and, when its
 *   body carries a custom_transaction_id, in the ledger's creates /
 *   activations.  What each mode does, and whether the request is APPLIED
 *   (order created, activation recorded and credited, poll counted):
 *
 *   NOT applied (the gateway never saw it), any of the four calls:
 *     reset         connection closed, no HTTP answer at all
 *     hang          no answer for hang_ms (default 600000), then closed
 *     http500_html  HTTP 500, text/html error page
 *     empty         HTTP 200, empty body
 *     single_quote_fail  HTTP 200, the docs' {'status': 'fail', ...} (not JSON)
 *     wrong_shape   HTTP 200, {"status":1,"data":[]}
 *     huge_body     HTTP 200, a 1 MiB JSON body
 *     trickle       HTTP 200, a short answer sent one byte a second
 *     fail_http     {"status":"fail","message":"Internal server error"} (JSON
 *                   even with --single-quoted-fails), HTTP "http" (default 500)
 *   APPLIED, then the answer is changed, any of the four calls:
 *     http_code     the normal answer and body, with HTTP status "http"
 *                   (100..599, required; no body goes with 1xx, 204, 304,
 *                   and an HTTP/1.0 client asked a 1xx gets the connection
 *                   closed instead: libmicrohttpd refuses to send it)
 *     reset_after   applied, then the connection is closed without an answer
 *     hang_after    applied, no answer for hang_ms (default 600000), closed
 *     html500_after applied, then HTTP 500 with the HTML error page
 *   APPLIED, the answer is built differently (upi_create only):
 *     not_upi          qr_data is an http:// link, not upi://
 *     long_qr          qr_data is a 4000-byte upi:// link (no QR holds it)
 *     qr_wrong_amount  qr_data's am= is the amount + 899.00
 *     qr_no_amount     qr_data has no am= parameter
 *   APPLIED (wavepay_activate only):
 *     ok_no_deposit    recorded and credited as key1 says, answered
 *                      {"status":"ok"} (no deposit fields) whatever key1 says
 *   upi_create and wavepay_activate:
 *     resend_fail      if an order / activation with this ctid exists, HTTP
 *                      200 {"status":"fail","message":"custom_transaction_id
 *                      already used"} instead of the idempotent replay;
 *                      with a new ctid the request is applied as normal
 *   Without a fault a re-sent ctid is idempotent: upi_create with the same
 *   ctid, amount and label answers the same order_id; wavepay_activate with
 *   the same ctid, key1, label and amount replays its first (true) answer,
 *   also when a fault changed what the first answer looked like.
 *
 * POST /_sandbox/chaos {"rate":R[,"seed":S][,"modes":[..]][,"calls":[..]]
 *                       [,"hang_ms":MS][,"http":H]}
 *   From now on each request to one of "calls" (default all four API calls)
 *   gets, with probability R (0..1), one of "modes" (names as above;
 *   default reset, reset_after, hang_after, html500_after, http500_html,
 *   fail_http, wrong_shape, resend_fail, ok_no_deposit, http_code) chosen
 *   among those that apply to its call; none apply: answered normally.
 *   Deterministic: xorshift64 seeded by splitmix64(S) (default S 1), three
 *   draws per matching request, in request order; posting a config again
 *   restarts the sequence.  hang and hang_after last hang_ms (default 3000),
 *   then the connection is closed.  http_code and fail_http use "http" if
 *   given, else one of 202 400 404 409 500 502 503 / 500 502 503 504.
 *   Queued faults go before chaos.  {"rate":0} turns chaos off.
 *
 * POST /_sandbox/postback {"order_id":..}|{"ctid":..}[,"amount":MINOR]
 *   Queues a deposit postback for a UPI order (by order_id or its ctid) or a
 *   Wavepay activation (by its ctid) now, built, signed and re-sent like the
 *   automatic one, without changing the order or activation: a UPI status
 *   poll keeps answering what it did.  amount: minor units (paise, kyat),
 *   default the order's amount / the activation's credited deposit, else
 *   the amount asked.  Every call queues a new postback; a UPI order that
 *   had one queued this way sends no automatic one when it settles as
 *   success.  {"status":"ok"}; HTTP 400 a bad body, 404 no such order or
 *   activation, 409 no --postback-url.
 *
 * GET /_sandbox/stats  request counts per call, connections, postbacks,
 *   orders, faults_played (queued and chaos), chaos_played.
 *
 * GET /_sandbox/postbacks  every deposit postback queued for --postback-url
 *   (docs/SANDBOX-POSTBACKS.md), oldest first:
 *   {"postbacks":[{"ctid","transaction_id","wallet_type","currency",
 *                  "amount" (minor units),"attempts","delivered":bool,
 *                  "last_http" (0: no HTTP answer yet),"on_demand":bool,
 *                  "body"}...]}
 *   body is the JSON sent, byte for byte the same on every attempt;
 *   on_demand: queued by POST /_sandbox/postback.
 *
 * GET /_sandbox/ledger  the truth about money (amounts in minor units:
 *   paise for INR, kyat for MMK; UPI statuses are settled first as a poll
 *   would see them, so --auto-settle and --upi-outcome show):
 *   {"upi":[{"order_id","ctid","amount","status":"processing|success|failed",
 *            "creates"}...],
 *    "wavepay":[{"ctid","key1","amount","status","credited":bool,
 *                "deposit_amount":N|null,"activations"}...],
 *    "wavepay_creates":N, "wavepay_identifiers":N,
 *    "unapplied":[{"call","ctid","requests"}...]}
 *   creates / activations / requests: how many requests to that call
 *   carried that ctid (applied or not, faults included), so 1 means never
 *   re-sent (a re-send refused with "already used" counts too).
 *   wavepay_creates: create requests received (right secret);
 *   wavepay_identifiers: those applied (an identifier issued).  unapplied:
 *   ctids that reached upi_create / wavepay_activate but never made an
 *   order / activation (faults that do not apply, refused requests).
 *
 * --single-quoted-fails: every fail answer of the API (validation, not
 * found, declined, already used, wrong secret) is written in the docs'
 * non-JSON form {'status': 'fail', 'message': 'X'}.  Control calls stay JSON. */
#ifndef PK_SANDBOX_H
#define PK_SANDBOX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define SB_BODY_MAX (64 * 1024)

typedef enum sb_call {
	SB_WAVEPAY_CREATE = 0, SB_WAVEPAY_ACTIVATE, SB_UPI_CREATE, SB_UPI_STATUS,
	SB_SETTLE, SB_FAULT, SB_STATS, SB_LEDGER, SB_CHAOS, SB_POSTBACKS, SB_POSTBACK_NOW,
	SB_CALL__COUNT
} sb_call;

typedef enum sb_fault_mode {
	SB_FAULT_NONE = 0, SB_FAULT_HTTP500_HTML, SB_FAULT_EMPTY, SB_FAULT_SINGLE_QUOTE,
	SB_FAULT_WRONG_SHAPE, SB_FAULT_NOT_UPI, SB_FAULT_HUGE_BODY, SB_FAULT_HANG,
	SB_FAULT_TRICKLE, SB_FAULT_RESET,
	SB_FAULT_LONG_QR,        /* upi_create: a normal success whose qr_data is a
				    upi:// link too long for any QR code */
	SB_FAULT_HTTP_CODE, SB_FAULT_FAIL_HTTP, SB_FAULT_OK_NO_DEPOSIT, SB_FAULT_RESEND_FAIL,
	SB_FAULT_QR_WRONG_AMOUNT, SB_FAULT_QR_NO_AMOUNT, SB_FAULT_RESET_AFTER,
	SB_FAULT_HANG_AFTER, SB_FAULT_HTML500_AFTER,
	SB_FAULT__COUNT
} sb_fault_mode;

typedef struct sb_order {
	char order_id[17];
	char ctid[191];
	char label[191];
	int64_t amount;          /* paise */
	char status[16];         /* processing | success | failed */
	int polls_left;          /* processing answers before `outcome` applies; -1 none */
	char outcome[16];        /* pending outcome after polls_left */
	time_t created;
	bool postback_queued;    /* a postback was queued (settled, or on demand):
				    the automatic one is not sent again */
} sb_order;

typedef struct sb_activation {
	char ctid[191];
	char key1[12];
	char label[191];
	int64_t amount;          /* kyat */
	char answer[512];        /* the true answer, replayed for the same request */
	char status[32];         /* ok | pending | possible_transaction_created | fail */
	bool credited;
	int64_t deposit;         /* kyat credited (credited only) */
} sb_activation;

/* How many requests to a call carried a custom_transaction_id. */
typedef struct sb_seen {
	sb_call call;
	char ctid[191];
	long count;
} sb_seen;

typedef struct sb_fault {
	int call;                /* sb_call, or -1 for any */
	sb_fault_mode mode;
	int count;
	unsigned http;           /* http_code, fail_http: the HTTP status; 0 default */
	long hang_ms;            /* hang, hang_after: how long; 0 default */
} sb_fault;

typedef struct sb_chaos {
	double rate;             /* 0 = off */
	uint64_t rng;            /* xorshift64 state */
	uint32_t modes;          /* 1u << sb_fault_mode */
	uint32_t calls;          /* 1u << sb_call, the four API calls */
	long hang_ms;
	unsigned http;           /* 0 = chosen from a list */
} sb_chaos;

/* A deposit postback (spec 2c), built and signed once when the deposit is
 * credited (sandbox_api.c), then sent until it is acknowledged. */
typedef struct sb_postback {
	char *json;              /* the body: every attempt sends these bytes */
	char ctid[191];          /* additional_data[0].plugin_custom_order_id */
	char transaction_id[191];
	char wallet_type[16];
	char currency[8];
	int64_t amount;          /* minor units of currency */
	int attempts;            /* sends so far */
	long last_http;          /* HTTP status of the last answer; 0 none */
	time_t next_at;
	bool delivered;          /* answered 200 {"status":"ok"} */
	bool on_demand;          /* queued by POST /_sandbox/postback */
} sb_postback;

typedef struct sb_options {
	int auto_settle_s;       /* 0 = never */
	int processing_polls;    /* default processing answers before upi_outcome */
	char upi_outcome[16];    /* "" = stay processing, "success", "failed" */
	int delay_ms;
	char postback_url[256];
	/* The postback keys (spec 2d): from PAYKASSMA_SANDBOX_POSTBACK_*_KEY or
	 * --postback-keys-file.  The private key only ever enters
	 * pk_postback_sign; it is wiped by sb_state_free. */
	char postback_access_key[256];
	char postback_private_key[256];
	bool single_quoted_fails; /* API fail answers as {'status': 'fail', ...} */
} sb_options;

typedef struct sb_state {
	pthread_mutex_t mu;
	pthread_cond_t cond;     /* signalled on stop (hang/delay waits end) */
	bool stopping;
	char secret[256];
	sb_options opt;
	sb_order *orders; size_t n_orders, cap_orders;
	sb_activation *acts; size_t n_acts, cap_acts;
	sb_seen *seen; size_t n_seen, cap_seen;
	sb_fault faults[16]; size_t n_faults;
	sb_chaos chaos;
	long faults_played, chaos_played;
	long wavepay_identifiers;
	long requests[SB_CALL__COUNT];
	long connections;
	long postback_attempts, postback_delivered;
	struct sb_postback *pb; size_t n_pb, cap_pb;
	FILE *log;
	uint64_t rng;            /* xorshift state for ids */
} sb_state;

/* What the HTTP layer does with a reply. */
typedef enum sb_transport {
	SB_SEND = 0,             /* send status + body */
	SB_TRICKLE,              /* send it one body byte a second */
	SB_RESET,                /* close the connection, no answer */
	SB_HANG,                 /* no answer for hang_ms, then close */
} sb_transport;

/* An answer to send. body malloc'd (may be NULL for no body). */
typedef struct sb_reply {
	unsigned status;
	char *body;
	size_t len;
	const char *content_type;
	sb_fault_mode fault;     /* the fault played, for the log; NONE if none */
	sb_transport transport;
	long hang_ms;            /* SB_HANG */
	bool quote_fails;        /* fail answers single-quoted (--single-quoted-fails) */
	sb_call call;
	char order_id[17];
	char ctid[191];          /* custom_transaction_id of a create/activate, for the log */
	char answer[16];         /* upi_status: the status answered, for the log ("" none) */
} sb_reply;

int sb_state_init(sb_state *st);
/* Order ids, wallets and transaction ids from seed S instead of the
 * system's randomness: the same S, the same values in the same order
 * (PAYKASSMA_SANDBOX_SEED; a screenshot suite that reads them back). */
void sb_state_seed(sb_state *st, uint64_t seed);
void sb_state_free(sb_state *st);
/* Wait ms or until stop; returns true if stopping. */
bool sb_wait_or_stop(sb_state *st, long ms);

/* Route and answer one request (thread-safe). method "POST"/"GET"; path
 * without query; secret the ?secret= value or NULL. */
void sb_handle(sb_state *st, const char *method, const char *path, const char *secret,
	       const char *body, size_t len, sb_reply *out);
void sb_reply_free(sb_reply *r);
const char *sb_call_name(sb_call c);
const char *sb_fault_name(sb_fault_mode m);

/* PNG of the QR of text, base64-encoded (malloc'd), NULL on failure. */
char *sb_qr_png_base64(const char *text);

/* Postbacks: a thread that delivers queued ones with backoff. */
int sb_postback_start(sb_state *st, pthread_t *thread);
/* Queue pb (st->mu held); takes pb->json (freed here on failure).  0, or
 * -1 out of memory. */
int sb_postback_queue(sb_state *st, sb_postback *pb);

/* "2025-01-31T12:00:00Z", now: the log's time stamp. */
void sb_log_stamp(char *buf, size_t len);

#endif
