/* sandbox.h - the sandbox gateway's shared state and its pieces:
 * sandbox_api.c (validation + scenario logic, no HTTP), sandbox_http.c
 * (libmicrohttpd plumbing), sandbox_png.c (QR -> PNG -> base64),
 * sandbox_postback.c (deposit postbacks with backoff), sandbox_main.c. */
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
	SB_SETTLE, SB_FAULT, SB_STATS, SB_CALL__COUNT
} sb_call;

typedef enum sb_fault_mode {
	SB_FAULT_NONE = 0, SB_FAULT_HTTP500_HTML, SB_FAULT_EMPTY, SB_FAULT_SINGLE_QUOTE,
	SB_FAULT_WRONG_SHAPE, SB_FAULT_NOT_UPI, SB_FAULT_HUGE_BODY, SB_FAULT_HANG,
	SB_FAULT_TRICKLE, SB_FAULT_RESET,
	SB_FAULT_LONG_QR,        /* upi_create: a normal success whose qr_data is a
				    upi:// link too long for any QR code */
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
	bool postback_queued;
} sb_order;

typedef struct sb_activation {
	char ctid[191];
	char key1[12];
	char label[191];
	int64_t amount;          /* kyat */
	char answer[512];        /* the JSON answered, replayed for the same request */
	bool credited;
} sb_activation;

typedef struct sb_fault {
	int call;                /* sb_call, or -1 for any */
	sb_fault_mode mode;
	int count;
} sb_fault;

typedef struct sb_postback {
	char *json;
	int attempts;
	time_t next_at;
	bool delivered;
} sb_postback;

typedef struct sb_options {
	int auto_settle_s;       /* 0 = never */
	int processing_polls;    /* default processing answers before upi_outcome */
	char upi_outcome[16];    /* "" = stay processing, "success", "failed" */
	int delay_ms;
	char postback_url[256];
} sb_options;

typedef struct sb_state {
	pthread_mutex_t mu;
	pthread_cond_t cond;     /* signalled on stop (hang/delay waits end) */
	bool stopping;
	char secret[256];
	sb_options opt;
	sb_order *orders; size_t n_orders, cap_orders;
	sb_activation *acts; size_t n_acts, cap_acts;
	sb_fault faults[16]; size_t n_faults;
	long requests[SB_CALL__COUNT];
	long connections;
	long postback_attempts, postback_delivered;
	struct sb_postback *pb; size_t n_pb, cap_pb;
	FILE *log;
	uint64_t rng;            /* xorshift state for ids */
} sb_state;

/* An answer to send. body malloc'd (may be NULL for no body). */
typedef struct sb_reply {
	unsigned status;
	char *body;
	size_t len;
	const char *content_type;
	sb_fault_mode fault;     /* HANG / TRICKLE / RESET handled by the HTTP layer */
	sb_call call;
	char order_id[17];
	char ctid[191];          /* custom_transaction_id of a create/activate, for the log */
} sb_reply;

int sb_state_init(sb_state *st);
void sb_state_free(sb_state *st);
/* Wait ms or until stop; returns true if stopping. */
bool sb_wait_or_stop(sb_state *st, long ms);

/* Route and answer one request (thread-safe). method "POST"/"GET"; path
 * without query; secret the ?secret= value or NULL. */
void sb_handle(sb_state *st, const char *method, const char *path, const char *secret,
	       const char *body, size_t len, sb_reply *out);
void sb_reply_free(sb_reply *r);
const char *sb_call_name(sb_call c);

/* PNG of the QR of text, base64-encoded (malloc'd), NULL on failure. */
char *sb_qr_png_base64(const char *text);

/* Postbacks: a thread that delivers queued ones with backoff. */
int sb_postback_start(sb_state *st, pthread_t *thread);
void sb_postback_queue(sb_state *st, const char *json);  /* st->mu held */

#endif
