/* gateway.h - the Paykassma gateway client (libcurl multi + cJSON).
 * Knows nothing of ncurses or SQLite.  Requests run asynchronously: start
 * one, then call gw_client_wait() + gw_client_process() from the main loop;
 * the done callback fires from gw_client_process() with a typed result.
 * The secret is sent only as the URL's ?secret= query and never appears in
 * any error message (messages name the host only).
 *
 * No global state: curl_global_init(CURL_GLOBAL_DEFAULT) is called before the
 * first gw_client_new (and curl_global_cleanup at exit): in the kiosk by the
 * network module's loader (src/net.h), in tests by their setup.  A client
 * is used from one thread.
 *
 * Two builds of one API: the static library (client.c, linked to libcurl:
 * tests, the sandbox, the benches), and in the kiosk src/net.c, which
 * loads the client with libcurl from the module paykiosk-net.so only when
 * the first request is sent (src/net.h); gw_client_new's checks then come
 * with that request (the kiosk's configuration has checked the URL before,
 * common/config.h). */
#ifndef PK_GATEWAY_H
#define PK_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>

#include "common/error.h"
#include "common/money.h"

#define GW_BODY_MAX (256 * 1024)   /* answers above this are refused (TOO_LARGE) */
#define GW_QR_DATA_MAX 1024        /* longer qr_data is refused (BAD_SHAPE) */
#define GW_ID_MAX 256              /* order_id / identifier, bytes */
#define GW_MSG_MAX 512             /* gateway "message" kept, bytes */

typedef enum gw_call {
	GW_WAVEPAY_CREATE = 0,  /* POST /api/v1/transaction/create/wavepay */
	GW_WAVEPAY_ACTIVATE,    /* POST /api/v1/transaction/activate */
	GW_UPI_CREATE,          /* POST /api/v1/payment/create/upi_s */
	GW_UPI_STATUS,          /* POST /api/v1/payment/upi_s/status */
	GW_SANDBOX_SETTLE,      /* POST /_sandbox/settle (training only) */
	GW_CALL__COUNT
} gw_call;

typedef enum gw_status {
	GW_ST_NONE = 0,       /* no usable answer: see result.err */
	GW_ST_OK,             /* create ok; activate credited ("ok", deposit true) */
	GW_ST_PENDING,        /* activate: "pending" */
	GW_ST_POSSIBLE_TX,    /* activate: "possible_transaction_created" (not found) */
	GW_ST_PROCESSING,     /* status: "processing" */
	GW_ST_SUCCESS,        /* status: "success" (paid) */
	GW_ST_FAILED,         /* status: "failed" (not paid) */
	GW_ST_FAIL            /* any call: {"status":"fail","message":...}; err.kind GATEWAY_FAIL */
} gw_status;

typedef struct gw_result {
	gw_call call;
	gw_status status;
	pk_error err;            /* kind PK_OK when status != NONE/FAIL */
	long http_code;          /* 0 if no HTTP answer */
	bool request_sent;       /* false only when the request surely never left
	                            (refused, DNS): safe to retry blindly */
	char order_id[GW_ID_MAX];      /* UPI create */
	char *qr_data;                 /* UPI create, malloc'd, freed with the result */
	char identifier[GW_ID_MAX];    /* Wavepay create: wallet to pay to */
	bool has_deposit_amount;       /* Wavepay activate ok */
	int64_t deposit_amount;        /* minor units of the sale's currency */
	char message[GW_MSG_MAX];      /* the gateway's "message", if any */
} gw_result;

void gw_result_init(gw_result *res, gw_call call);
void gw_result_free(gw_result *res);

/* Pure: bytes -> typed result; never fails to return.  out must have been
 * set up with gw_result_init (it is reset; free it with gw_result_free).  Accepts the spec's
 * answers, survives single-quoted fail bodies (status FAIL, message kept),
 * empty bodies, HTML, wrong shapes (status NONE, err BAD_SHAPE/NOT_JSON).
 * UPI create requires order_id and a qr_data starting with "upi://"
 * (case-insensitive) of at most GW_QR_DATA_MAX bytes; Wavepay activate "ok"
 * requires deposit:true. cur converts deposit_amount.
 *
 * HTTP status vs body (money safety: only an answer the gateway meant as
 * one may close a sale):
 * - 2xx, and 0 (no HTTP: tests, fuzzing): the body decides, as above.
 * - 4xx: the body decides if it is a documented answer of the call, in the
 *   shape the call requires: fail (also single-quoted) -> FAIL; ok, pending,
 *   possible_transaction_created, processing, success, failed -> as with
 *   2xx (e.g. possible_transaction_created with 404 is POSSIBLE_TX).  Any
 *   other body (HTML, empty, wrong shape) -> NONE, err HTTP (code = status).
 * - 5xx, and every other status (1xx, 3xx, out of range): never a
 *   definitive answer, whatever the body says: NONE, err HTTP, nothing of
 *   the body kept but the gateway's "message" (in out->message, for the
 *   cashier).  A fail body with 5xx is NOT FAIL: the sale stays open and
 *   may be retried with the same custom_transaction_id. */
void gw_parse_response(gw_call call, const char *body, size_t len, long http_code,
		       pk_currency cur, gw_result *out);

/* The amount a UPI link asks, for checking the gateway's qr_data against
 * the sale.  Pure.  qr_data must start with "upi://" (any case).  The
 * value of its "am" query parameter is read by pk_money_parse in cur:
 * plain decimal digits, at most the currency's decimals ("100", "100.5",
 * "100.50" for INR), no sign, exponent, space or zero.  The name is
 * case-sensitive ("AM" is another parameter); the value may be
 * percent-encoded ("am=100%2E50"); a name that only decodes to "am"
 * ("%61m") makes the link ambiguous; a '#' fragment is not searched.
 * Several "am" must all say the same amount.  Returns 0 and sets *minor
 * (minor units of cur); -1 (*minor left alone) when there is no "am", when
 * one cannot be read, when two disagree, or on NULL arguments. */
int gw_upi_link_amount(const char *qr_data, pk_currency cur, int64_t *minor);

/* Request bodies (pure; malloc'd JSON text; amount is written exactly). */
char *gw_body_wavepay_create(const char *label);
char *gw_body_wavepay_activate(const char *label, const char *key1, int64_t amount,
			       const char *custom_transaction_id);
char *gw_body_upi_create(const char *label, int64_t amount, const char *custom_transaction_id);
char *gw_body_upi_status(const char *order_id);
/* Training only: {"order_id":..., "status": outcome} for /_sandbox/settle. */
char *gw_body_sandbox_settle(const char *order_id, const char *outcome);
/* The bodies return NULL on invalid input (NULL or empty strings, label or
 * custom_transaction_id over 190 bytes, key1 over 11 characters, amount
 * <= 0) or out of memory; free the text with free(). */

/* Text from the gateway made safe for a terminal: valid UTF-8 only, no
 * control characters (runs of them and of spaces become one space), at most
 * cap-1 bytes, cut on a character boundary.  dst always terminated. */
void gw_clean_text(char *dst, size_t cap, const char *src, size_t n);
/* Cut a trailing incomplete UTF-8 sequence (after snprintf truncation). */
void gw_utf8_trim_tail(char *s);
/* Path of a call ("/api/v1/transaction/activate") and its currency. */
const char *gw_call_path(gw_call call);
pk_currency gw_call_currency(gw_call call);

typedef struct gw_client gw_client;
typedef void (*gw_done_fn)(void *userdata, const gw_result *res);
typedef unsigned long gw_req_id;  /* 0 = none */

typedef struct gw_options {
	const char *api_url;    /* base, e.g. https://api.example; http only to loopback */
	const char *secret;
	long connect_timeout_ms;   /* default 5000 */
	long total_timeout_ms;     /* default 20000 */
	const char *ca_file;       /* optional extra CA bundle (tests); never disables checks */
} gw_options;

/* Checks api_url (https://, or http:// to loopback only; no query) -> CONFIG.
 * Keeps copies of what it needs from opts. */
int gw_client_new(gw_client **out, const gw_options *opts, pk_error *err);
void gw_client_free(gw_client *c);  /* cancels what is in flight, no callbacks;
                                       not from inside a done callback */

/* Send call with body (malloc'd JSON text, taken over and freed; NULL: the
 * details were not valid, INVALID): the one way a request goes out, used
 * by the calls below (calls.c), which build their bodies (request.c).
 * Each starts a request; done(userdata, res) is called exactly once later from
 * gw_client_process (never from inside the start function), unless the
 * request is cancelled first.  res is valid only during the callback.
 * Returns the request id, or 0 with err set.
 * Each start sends its request at most once: create and activate go out on
 * a new connection of their own (HTTP/1.1, closed afterwards), so libcurl
 * never re-sends them by itself; a re-send is the caller's decision (same
 * custom_transaction_id).  Status polls reuse one kept-alive connection. */
gw_req_id gw_send(gw_client *c, gw_call call, char *body, gw_done_fn done, void *ud,
		  pk_error *err);
gw_req_id gw_wavepay_create(gw_client *c, const char *label, gw_done_fn done, void *ud,
			    pk_error *err);
gw_req_id gw_wavepay_activate(gw_client *c, const char *label, const char *key1,
			      int64_t amount_mmk, const char *custom_transaction_id,
			      gw_done_fn done, void *ud, pk_error *err);
gw_req_id gw_upi_create(gw_client *c, const char *label, int64_t amount_paise,
			const char *custom_transaction_id, gw_done_fn done, void *ud,
			pk_error *err);
gw_req_id gw_upi_status(gw_client *c, const char *order_id, gw_done_fn done, void *ud,
			pk_error *err);
/* Training only: ask the sandbox to settle an order ("success"/"failed"). */
gw_req_id gw_sandbox_settle(gw_client *c, const char *order_id, const char *outcome,
			    gw_done_fn done, void *ud, pk_error *err);
/* Drop a request in flight; its callback will not be called. */
void gw_cancel(gw_client *c, gw_req_id id);
int gw_client_busy(const gw_client *c);  /* requests in flight */

/* Wait until a transfer has something to do, one of the extra fds (stdin, a
 * signalfd ...; events as in poll(2)) is ready, or timeout_ms passes.  Fills
 * extra[i].revents (curl_multi_poll with curl_waitfd).  n_extra may be 0. */
int gw_client_wait(gw_client *c, struct pollfd *extra, unsigned n_extra, int timeout_ms,
		   pk_error *err);
/* Drive transfers without blocking and fire done callbacks. */
int gw_client_process(gw_client *c, pk_error *err);

/* Connections opened so far (for benchmarks: polls reuse one). */
long gw_client_connections(const gw_client *c);

/* For the CLI and tests: loop gw_client_wait/gw_client_process until the
 * callback of request id has run (0; at once if id is not in flight).  Other
 * requests' callbacks fire too.  If timeout_ms passes first, the request is
 * cancelled (its callback never runs) and -1 is returned with TIMEOUT. */
int gw_run_blocking(gw_client *c, gw_req_id id, int timeout_ms, pk_error *err);

#endif
